//! PostgreSQL's per-column TOAST settings: how a column's values are
//! stored (`SET STORAGE`) and compressed (`SET COMPRESSION`, PostgreSQL
//! 14 and later). Only PostgreSQL has them.

use serde::{Deserialize, Serialize};

/// `ALTER COLUMN … SET STORAGE`: whether a long value may be compressed
/// and whether it may move out of the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    Plain,
    External,
    Extended,
    Main,
}

impl Storage {
    pub const ALL: [Storage; 4] = [
        Storage::Plain,
        Storage::External,
        Storage::Extended,
        Storage::Main,
    ];

    /// The word the schema language and the server both use.
    pub fn keyword(self) -> &'static str {
        match self {
            Storage::Plain => "plain",
            Storage::External => "external",
            Storage::Extended => "extended",
            Storage::Main => "main",
        }
    }

    pub fn from_keyword(s: &str) -> Option<Storage> {
        Storage::ALL
            .into_iter()
            .find(|x| x.keyword().eq_ignore_ascii_case(s))
    }

    /// `attstorage` / `typstorage`: `p`, `e`, `x`, `m`.
    pub fn from_catalog(code: &str) -> Option<Storage> {
        match code {
            "p" => Some(Storage::Plain),
            "e" => Some(Storage::External),
            "x" => Some(Storage::Extended),
            "m" => Some(Storage::Main),
            _ => None,
        }
    }
}

/// `ALTER COLUMN … SET COMPRESSION`: the method new values of the column
/// are compressed with. Values already stored keep theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    Pglz,
    Lz4,
}

impl Compression {
    pub const ALL: [Compression; 2] = [Compression::Pglz, Compression::Lz4];

    /// The word the schema language and the server both use.
    pub fn keyword(self) -> &'static str {
        match self {
            Compression::Pglz => "pglz",
            Compression::Lz4 => "lz4",
        }
    }

    pub fn from_keyword(s: &str) -> Option<Compression> {
        Compression::ALL
            .into_iter()
            .find(|x| x.keyword().eq_ignore_ascii_case(s))
    }

    /// `attcompression`: `p`, `l` (empty is the server's default).
    pub fn from_catalog(code: &str) -> Option<Compression> {
        match code {
            "p" => Some(Compression::Pglz),
            "l" => Some(Compression::Lz4),
            _ => None,
        }
    }
}
