//! Where a schema comes from: files and directories, live databases
//! (by URL scheme), git revisions.
