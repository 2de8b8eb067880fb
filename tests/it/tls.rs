//! TLS against a private PostgreSQL server started by the test (initdb into
//! a temporary directory, a free local port, `ssl=on`, `hostssl`-only
//! pg_hba), with a CA and server certificates made by the `openssl` CLI in
//! the test: what each `sslmode` accepts, and the hints when it refuses.
//! See docs/tls.md.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use predicates::prelude::*;

use crate::cli_errors::strata;

/// A PostgreSQL server in a temporary directory, stopped (immediately) and
/// removed when dropped.
struct PrivateServer {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    certs: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = as_postgres(&self.bin.join("pg_ctl"))
            .args([
                "-D",
                &self.data.to_string_lossy(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .output();
    }
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?}: {}", String::from_utf8_lossy(&out.stderr)))
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// `program` run as the `postgres` user when the test runs as root
/// (initdb and postgres refuse to run as root).
fn as_postgres(program: &Path) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn pg_bindir() -> Option<PathBuf> {
    let out = Command::new("pg_config").arg("--bindir").output().ok()?;
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    dir.join("initdb").exists().then_some(dir)
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free local port");
    listener.local_addr().expect("its address").port()
}

/// A CA (`<name>.pem`, `<name>.key`) in `dir`.
fn make_ca(dir: &Path, name: &str) -> Result<(), String> {
    run(Command::new("openssl").current_dir(dir).args([
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-keyout",
        &format!("{name}.key"),
        "-out",
        &format!("{name}.pem"),
        "-subj",
        &format!("/CN=strata test {name}"),
    ]))
}

/// `server.crt` / `server.key` signed by `ca`, valid for the name
/// `localhost` only (not for `127.0.0.1`).
fn make_server_cert(dir: &Path, ca: &str) -> Result<(), String> {
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n\
         keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .map_err(|e| e.to_string())?;
    run(Command::new("openssl").current_dir(dir).args([
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]))?;
    run(Command::new("openssl").current_dir(dir).args([
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        &format!("{ca}.pem"),
        "-CAkey",
        &format!("{ca}.key"),
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.crt",
    ]))
}

/// Starts the server, or says why not (`None` after a loud skip message;
/// a failure when `STRATA_REQUIRE_DATABASES` is set).
fn start() -> Option<PrivateServer> {
    match try_start() {
        Ok(s) => Some(s),
        Err(why) => {
            assert!(
                std::env::var("STRATA_REQUIRE_DATABASES").is_err(),
                "cannot start a private PostgreSQL: {why}"
            );
            eprintln!("SKIPPED: cannot start a private PostgreSQL: {why}");
            None
        }
    }
}

fn try_start() -> Result<PrivateServer, String> {
    let bin = pg_bindir().ok_or("no initdb (pg_config --bindir)")?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let certs = dir.path().join("certs");
    let data = dir.path().join("data");
    std::fs::create_dir(&certs).map_err(|e| e.to_string())?;
    make_ca(&certs, "ca")?;
    make_ca(&certs, "other_ca")?;
    make_server_cert(&certs, "ca")?;
    if is_root() {
        run(Command::new("chown")
            .args(["-R", "postgres"])
            .arg(dir.path()))?;
    }
    run(as_postgres(&bin.join("initdb"))
        .args(["-A", "trust", "-U", "postgres", "-D"])
        .arg(&data))?;
    // Only TLS connections over TCP are let in.
    std::fs::write(
        data.join("pg_hba.conf"),
        "hostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n",
    )
    .map_err(|e| e.to_string())?;
    let port = free_port();
    let options = format!(
        "-p {port} -c listen_addresses=localhost -c unix_socket_directories={} -c ssl=on \
         -c ssl_cert_file={} -c ssl_key_file={}",
        dir.path().display(),
        certs.join("server.crt").display(),
        certs.join("server.key").display()
    );
    let log = dir.path().join("log");
    let server = PrivateServer {
        bin,
        data,
        port,
        certs,
        _dir: dir,
    };
    run(as_postgres(&server.bin.join("pg_ctl"))
        .args([
            "-D",
            &server.data.to_string_lossy(),
            "-w",
            "-l",
            &log.to_string_lossy(),
        ])
        .args(["-o", &options, "start"]))?;
    Ok(server)
}

impl PrivateServer {
    fn url(&self, host: &str, query: &str) -> String {
        format!("postgres://postgres@{host}:{}/postgres?{query}", self.port)
    }

    fn ca(&self, name: &str) -> String {
        self.certs.join(format!("{name}.pem")).display().to_string()
    }
}

#[test]
fn postgres_tls_modes_as_libpq_defines_them() {
    let Some(server) = start() else { return };
    let ca = server.ca("ca");
    let other = server.ca("other_ca");
    let ok = |url: String| {
        strata().args(["inspect", "--url", &url]).assert().success();
    };
    let refused = |url: String, hint: &str| {
        strata()
            .args(["inspect", "--url", &url])
            .assert()
            .code(1)
            .stderr(predicate::str::contains(hint.to_string()));
    };
    // The right CA and the name the certificate has.
    ok(server.url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ));
    // verify-ca checks the chain, not the name: 127.0.0.1 is not in the
    // certificate, as verify-full then says.
    ok(server.url("127.0.0.1", &format!("sslmode=verify-ca&sslrootcert={ca}")));
    refused(
        server.url(
            "127.0.0.1",
            &format!("sslmode=verify-full&sslrootcert={ca}"),
        ),
        "sslmode=verify-ca",
    );
    // A CA that did not sign the server's certificate.
    refused(
        server.url(
            "localhost",
            &format!("sslmode=verify-full&sslrootcert={other}"),
        ),
        "sslrootcert=",
    );
    refused(
        server.url(
            "localhost",
            &format!("sslmode=verify-ca&sslrootcert={other}"),
        ),
        "sslrootcert=",
    );
    // require checks nothing, unless a root certificate is given: then it
    // verifies the CA, as libpq does.
    ok(server.url("127.0.0.1", "sslmode=require"));
    refused(
        server.url("127.0.0.1", &format!("sslmode=require&sslrootcert={other}")),
        "sslrootcert=",
    );
    // The server takes only TLS: a plain connection is refused with a hint,
    // `allow` falls back to TLS, `prefer` (the default) uses it.
    refused(
        server.url("127.0.0.1", "sslmode=disable"),
        "sslmode=require",
    );
    ok(server.url("127.0.0.1", "sslmode=allow"));
    ok(server.url("127.0.0.1", "sslmode=prefer"));
}

/// A MariaDB server in a temporary directory (TLS only), killed when dropped.
struct PrivateMariaDb {
    child: std::process::Child,
    port: u16,
    certs: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for PrivateMariaDb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_mariadb() -> Result<PrivateMariaDb, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let certs = dir.path().join("certs");
    let data = dir.path().join("data");
    std::fs::create_dir(&certs).map_err(|e| e.to_string())?;
    make_ca(&certs, "ca")?;
    make_ca(&certs, "other_ca")?;
    make_server_cert(&certs, "ca")?;
    let user: &[&str] = if is_root() { &["--user=mysql"] } else { &[] };
    if is_root() {
        run(Command::new("chown").args(["-R", "mysql"]).arg(dir.path()))?;
    }
    run(Command::new("mariadb-install-db")
        .args([
            "--no-defaults",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
        ])
        .args(user)
        .arg(format!("--datadir={}", data.display())))?;
    let port = free_port();
    let at = |name: &str| certs.join(name).display().to_string();
    let child = Command::new("mariadbd")
        .arg("--no-defaults")
        .args(user)
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--port={port}"))
        .arg("--bind-address=127.0.0.1")
        .arg(format!("--socket={}", dir.path().join("sock").display()))
        .arg(format!("--ssl-ca={}", at("ca.pem")))
        .arg(format!("--ssl-cert={}", at("server.crt")))
        .arg(format!("--ssl-key={}", at("server.key")))
        .arg("--require-secure-transport=ON")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("mariadbd: {e}"))?;
    let server = PrivateMariaDb {
        child,
        port,
        certs,
        _dir: dir,
    };
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(server);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    Err("mariadbd did not listen within 30 s".into())
}

#[test]
fn mariadb_ssl_modes_and_ssl_ca() {
    let server = match start_mariadb() {
        Ok(s) => s,
        Err(why) => {
            assert!(
                std::env::var("STRATA_REQUIRE_DATABASES").is_err(),
                "cannot start a private MariaDB: {why}"
            );
            eprintln!("SKIPPED: cannot start a private MariaDB: {why}");
            return;
        }
    };
    let url =
        |host: &str, query: &str| format!("mysql://root@{host}:{}/mysql?{query}", server.port);
    let ca = server.certs.join("ca.pem").display().to_string();
    let other = server.certs.join("other_ca.pem").display().to_string();
    let inspect = |u: String| strata().args(["inspect", "--url", &u]).assert();
    inspect(url("127.0.0.1", &format!("ssl-mode=VERIFY_CA&ssl-ca={ca}"))).success();
    inspect(url(
        "localhost",
        &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
    ))
    .success();
    inspect(url(
        "127.0.0.1",
        &format!("ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}"),
    ))
    .code(1)
    .stderr(predicate::str::contains("VERIFY_CA"));
    inspect(url(
        "127.0.0.1",
        &format!("ssl-mode=VERIFY_CA&ssl-ca={other}"),
    ))
    .code(1)
    .stderr(predicate::str::contains("ssl-ca="));
    // require_secure_transport: a plain connection is refused.
    inspect(url("127.0.0.1", "ssl-mode=DISABLED")).code(1);
}
