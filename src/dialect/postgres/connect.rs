//! Every connection strata opens to a PostgreSQL server, so that the URL's
//! TLS parameters mean what libpq makes them mean (docs/tls.md):
//! `sslmode=require` with an `sslrootcert` verifies the CA as `verify-ca`
//! does, and `sslmode=allow` tries a plain connection, then an encrypted
//! one. sqlx reads the rest of the URL (and `PGSSLROOTCERT`).

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{ConnectOptions, PgConnection};

use crate::ir::DialectKind;

/// The connect options of `url`, with libpq's rule for `require`: "if a
/// root CA file exists, the behavior of sslmode=require is the same as
/// that of verify-ca".
pub fn options(url: &str) -> Result<PgConnectOptions, sqlx::Error> {
    let options = PgConnectOptions::from_str(url)?;
    let has_root_cert = names_root_cert(url) || std::env::var_os("PGSSLROOTCERT").is_some();
    Ok(match options.get_ssl_mode() {
        PgSslMode::Require if has_root_cert => options.ssl_mode(PgSslMode::VerifyCa),
        _ => options,
    })
}

/// Whether the URL's query names a root certificate (`sslrootcert`, or
/// the spellings sqlx also reads, `ssl-root-cert` and `ssl-ca`).
fn names_root_cert(url: &str) -> bool {
    let Some((_, query)) = url.split_once('?') else {
        return false;
    };
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').map(|(k, _)| k))
        .any(|k| ["sslrootcert", "ssl-root-cert", "ssl-ca"].contains(&k))
}

/// Connects to `url`, returning the connection and the options that
/// reached the server (for a pool that must connect the same way).
pub async fn settle(url: &str) -> Result<(PgConnection, PgConnectOptions), sqlx::Error> {
    let options = options(url)?;
    if !matches!(options.get_ssl_mode(), PgSslMode::Allow) {
        return Ok((options.connect().await?, options));
    }
    // sqlx treats `allow` as `disable`; libpq retries with TLS when the
    // server refuses the plain connection (pg_hba `hostssl` only).
    let plain = options.clone().ssl_mode(PgSslMode::Disable);
    match plain.connect().await {
        Ok(c) => Ok((c, plain)),
        Err(sqlx::Error::Database(_)) => {
            let tls = options.ssl_mode(PgSslMode::Require);
            Ok((tls.connect().await?, tls))
        }
        Err(e) => Err(e),
    }
}

/// Connects to `url` (see [`settle`]).
pub async fn connect(url: &str) -> Result<PgConnection, sqlx::Error> {
    Ok(settle(url).await?.0)
}

/// The diagnostic for a connection to `url` that failed with `e`: a TLS
/// hint when the failure is about TLS, the general one otherwise.
pub fn unreachable(url: &str, e: impl std::fmt::Display) -> miette::Report {
    let e = e.to_string();
    let help = super::super::tls::hint(DialectKind::Postgres, &e).unwrap_or_else(|| {
        "check the URL, that the server runs, and that the user may connect".to_string()
    });
    miette::miette!(
        code = "strata::postgres::connect",
        help = help,
        "cannot connect to {}: {e}",
        crate::url::redact(url)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn require_with_a_root_certificate_verifies_the_ca() {
        let mode = |url: &str| options(url).map(|o| format!("{:?}", o.get_ssl_mode()));
        let with_ca = "postgres://u@h/db?sslmode=require&sslrootcert=/ca.pem";
        assert_eq!(mode(with_ca).ok().as_deref(), Some("VerifyCa"));
        assert_eq!(
            mode("postgres://u@h/db?sslmode=require").ok().as_deref(),
            Some("Require")
        );
        let full = "postgres://u@h/db?sslmode=verify-full&sslrootcert=/ca.pem";
        assert_eq!(mode(full).ok().as_deref(), Some("VerifyFull"));
    }
}
