//! What a failed TLS connection means to the user: the error text of
//! rustls and of the servers turned into a hint that names the URL
//! parameter to change. Shared by PostgreSQL and MySQL; see docs/tls.md.

use crate::ir::DialectKind;

/// A hint for a connection error whose text is `message`, when it is about
/// TLS; `None` otherwise (the caller keeps its general hint).
pub(crate) fn hint(dialect: DialectKind, message: &str) -> Option<String> {
    let (ca, verify_ca, require) = match dialect {
        DialectKind::Postgres => (
            "sslrootcert=/path/to/ca.pem",
            "sslmode=verify-ca",
            "sslmode=require",
        ),
        _ => (
            "ssl-ca=/path/to/ca.pem",
            "ssl-mode=VERIFY_CA",
            "ssl-mode=REQUIRED",
        ),
    };
    let m = message.to_ascii_lowercase();
    if m.contains("unknownissuer") || m.contains("unknown issuer") || m.contains("badsignature") {
        Some(format!(
            "the server's certificate is not signed by a CA strata trusts (the OS trust store \
             and the public web roots): add {ca} with the CA of your database provider \
             (docs/tls.md lists them)"
        ))
    } else if m.contains("notvalidforname") || m.contains("not valid for name") {
        Some(format!(
            "the server's certificate does not name the host of the URL: connect by the name \
             the certificate has, or check only the CA with {verify_ca}"
        ))
    } else if m.contains("certificate expired") || m.contains("not valid yet") {
        Some("the server's certificate is expired or not yet valid: check the server's certificate and this machine's clock".into())
    } else if m.contains("no encryption")
        || m.contains("requires secure transport")
        || m.contains("insecure transport")
    {
        Some(format!(
            "the server accepts only encrypted connections: add {require} (or a verifying mode, see docs/tls.md)"
        ))
    } else if m.contains("does not support tls") || m.contains("server does not support ssl") {
        Some("the server does not offer TLS: drop the sslmode / ssl-mode parameter, or enable TLS on the server".into())
    } else if m.contains("invalid certificate") || m.contains("no such file") && m.contains("cert")
    {
        Some(format!(
            "the CA file could not be read as PEM certificates: check the path in {ca}"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_the_parameter_of_the_dialect() {
        let unknown = "error communicating with database: invalid peer certificate: UnknownIssuer";
        assert!(hint(DialectKind::Postgres, unknown).is_some_and(|h| h.contains("sslrootcert=")));
        assert!(hint(DialectKind::Mysql, unknown).is_some_and(|h| h.contains("ssl-ca=")));
        let plain = "no pg_hba.conf entry for host \"127.0.0.1\", user \"u\", database \"d\", no encryption";
        assert!(hint(DialectKind::Postgres, plain).is_some_and(|h| h.contains("sslmode=require")));
        assert_eq!(hint(DialectKind::Postgres, "connection refused"), None);
    }
}
