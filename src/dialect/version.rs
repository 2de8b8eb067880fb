//! The server a plan is made for: its product and version, read from the
//! server when strata is connected (`Driver::version_query`), else taken
//! from `server_version` in `strata.toml` or `--server-version`, else the
//! documented default of the dialect ([`ServerVersion::default_for`]).
//! The hazards ask it what is metadata-only on the target (docs/hazards.md,
//! "Server versions").

use std::fmt;

use crate::ir::DialectKind;

/// Which product answers: MariaDB speaks the MySQL dialect but gained
/// its instant changes in other releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Product {
    Postgres,
    Mysql,
    Mariadb,
    Sqlite,
}

/// A product and its version as `major, minor, patch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ServerVersion {
    pub product: Product,
    pub version: (u32, u32, u32),
}

impl ServerVersion {
    pub fn new(product: Product, major: u32, minor: u32, patch: u32) -> ServerVersion {
        ServerVersion {
            product,
            version: (major, minor, patch),
        }
    }

    /// The version an offline plan assumes: PostgreSQL 12, the oldest
    /// strata reads; MySQL 8.0.29, the first with every instant change
    /// MariaDB 10.4 also has (so one default fits both).
    pub fn default_for(kind: DialectKind) -> ServerVersion {
        match kind {
            DialectKind::Postgres => ServerVersion::new(Product::Postgres, 12, 0, 0),
            DialectKind::Mysql => ServerVersion::new(Product::Mysql, 8, 0, 29),
            DialectKind::Sqlite => ServerVersion::new(Product::Sqlite, 3, 0, 0),
        }
    }

    /// The integer `Driver::version_query` answers: PostgreSQL's
    /// `server_version_num` (`150004`, or `90605` before 10), MySQL's
    /// `major·10000 + minor·100 + patch`, plus 1000000 for MariaDB.
    pub fn from_number(kind: DialectKind, n: i64) -> Option<ServerVersion> {
        let n = u32::try_from(n).ok()?;
        match kind {
            DialectKind::Postgres if n >= 100_000 => Some(ServerVersion::new(
                Product::Postgres,
                n / 10_000,
                n % 10_000,
                0,
            )),
            DialectKind::Postgres => Some(ServerVersion::new(
                Product::Postgres,
                n / 10_000,
                n / 100 % 100,
                n % 100,
            )),
            DialectKind::Mysql => {
                let (product, n) = if n >= 1_000_000 {
                    (Product::Mariadb, n - 1_000_000)
                } else {
                    (Product::Mysql, n)
                };
                Some(ServerVersion::new(
                    product,
                    n / 10_000,
                    n / 100 % 100,
                    n % 100,
                ))
            }
            DialectKind::Sqlite => None,
        }
    }

    /// `server_version` as a person writes it: `"15"`, `"9.6"`,
    /// `"8.0.29"`, `"mariadb-10.11"`, `"10.11.6-MariaDB"`. For MySQL the
    /// product is MariaDB when the text says so; `None` when no version
    /// number can be read.
    pub fn parse(kind: DialectKind, text: &str) -> Option<ServerVersion> {
        let lower = text.trim().to_ascii_lowercase();
        let mariadb = lower.contains("mariadb");
        let product = match kind {
            DialectKind::Postgres => Product::Postgres,
            DialectKind::Mysql if mariadb => Product::Mariadb,
            DialectKind::Mysql => Product::Mysql,
            DialectKind::Sqlite => Product::Sqlite,
        };
        let rest = lower
            .trim_start_matches("mariadb")
            .trim_start_matches("mysql")
            .trim_start_matches("postgresql")
            .trim_start_matches("postgres")
            .trim_start_matches(['-', ' ', '_']);
        let numbers = rest.split(['-', ' ', '+']).next()?;
        let mut parts = numbers.split('.');
        let mut next = || -> Option<Option<u32>> {
            match parts.next() {
                None => Some(None),
                Some(p) => p.parse::<u32>().ok().map(Some),
            }
        };
        let major = next()??;
        let minor = next()?.unwrap_or(0);
        let patch = next()?.unwrap_or(0);
        if parts.next().is_some() {
            return None;
        }
        Some(ServerVersion::new(product, major, minor, patch))
    }

    /// Whether this is `product` at `version` or later.
    pub fn at_least(&self, product: Product, version: (u32, u32, u32)) -> bool {
        self.product == product && self.version >= version
    }
}

impl fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.product {
            Product::Postgres => "PostgreSQL",
            Product::Mysql => "MySQL",
            Product::Mariadb => "MariaDB",
            Product::Sqlite => "SQLite",
        };
        let (major, minor, patch) = self.version;
        match self.product {
            // From 10 on, PostgreSQL numbers its releases `major.minor`.
            Product::Postgres if major >= 10 && minor == 0 => write!(f, "{name} {major}"),
            Product::Postgres if major >= 10 => write!(f, "{name} {major}.{minor}"),
            _ => write!(f, "{name} {major}.{minor}.{patch}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_the_servers_read_back() {
        let pg = ServerVersion::from_number(DialectKind::Postgres, 150_020).unwrap();
        assert_eq!(pg, ServerVersion::new(Product::Postgres, 15, 20, 0));
        assert_eq!(pg.to_string(), "PostgreSQL 15.20");
        let old = ServerVersion::from_number(DialectKind::Postgres, 90_605).unwrap();
        assert_eq!(old.version, (9, 6, 5));
        let maria = ServerVersion::from_number(DialectKind::Mysql, 1_101_119).unwrap();
        assert_eq!(maria, ServerVersion::new(Product::Mariadb, 10, 11, 19));
        let mysql = ServerVersion::from_number(DialectKind::Mysql, 80_036).unwrap();
        assert_eq!(mysql.to_string(), "MySQL 8.0.36");
        assert_eq!(ServerVersion::from_number(DialectKind::Sqlite, 3), None);
        assert_eq!(ServerVersion::from_number(DialectKind::Mysql, -1), None);
    }

    #[test]
    fn versions_as_people_write_them() {
        let p = |k, s| ServerVersion::parse(k, s);
        assert_eq!(
            p(DialectKind::Postgres, "10"),
            Some(ServerVersion::new(Product::Postgres, 10, 0, 0))
        );
        assert_eq!(
            p(DialectKind::Postgres, "9.6"),
            Some(ServerVersion::new(Product::Postgres, 9, 6, 0))
        );
        assert_eq!(
            p(DialectKind::Mysql, "8.0.12"),
            Some(ServerVersion::new(Product::Mysql, 8, 0, 12))
        );
        assert_eq!(
            p(DialectKind::Mysql, "mariadb-10.3"),
            Some(ServerVersion::new(Product::Mariadb, 10, 3, 0))
        );
        assert_eq!(
            p(DialectKind::Mysql, "10.11.6-MariaDB"),
            Some(ServerVersion::new(Product::Mariadb, 10, 11, 6))
        );
        assert_eq!(p(DialectKind::Postgres, "fifteen"), None);
        assert_eq!(p(DialectKind::Postgres, "1.2.3.4"), None);
        assert_eq!(p(DialectKind::Postgres, ""), None);
    }

    #[test]
    fn at_least_compares_within_one_product() {
        let v = ServerVersion::new(Product::Mariadb, 10, 4, 0);
        assert!(v.at_least(Product::Mariadb, (10, 3, 0)));
        assert!(!v.at_least(Product::Mysql, (8, 0, 0)));
        assert!(!v.at_least(Product::Mariadb, (10, 5, 0)));
    }
}
