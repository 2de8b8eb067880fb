//! The clustered-engine tests (docs/clusters.md), a test target of their
//! own: each starts real servers on free local ports — a PostgreSQL
//! primary with a streaming replica, a three-node MariaDB Galera
//! cluster — and removes them after. `cargo test --test it` runs the rest
//! of the suite without them; `cargo test --test clusters` runs them;
//! `.ci/run` runs both.
//!
//! They need the PostgreSQL 15 server binaries (/usr/lib/postgresql/15/bin),
//! `mariadbd`, `mariadb-install-db` and galera-4. Without them a test says
//! so and passes, unless `STRATA_REQUIRE_DATABASES=1` (CI) makes it fail.

mod flags;
mod galera;
mod postgres_replica;
mod support;
