//! For tests against a live server (this crate's and the end-to-end ones): the server from
//! `PARALLAX_TEST_PG`, and a fresh database on it per test.

/// The test server's URL (`postgres://USER@HOST:PORT/postgres`), or `None` when none is set,
/// in which case the caller skips its test; `PARALLAX_PG_TESTS=required` (as `.ci/run` sets it)
/// makes a missing server a failure instead.
pub fn server() -> Option<String> {
    match std::env::var("PARALLAX_TEST_PG") {
        Ok(url) => Some(url),
        Err(_) => {
            assert!(std::env::var("PARALLAX_PG_TESTS").as_deref() != Ok("required"), "PARALLAX_PG_TESTS=required but PARALLAX_TEST_PG is not set");
            eprintln!("skipped: set PARALLAX_TEST_PG=postgres://USER@HOST:PORT/postgres to run the PostgreSQL tests");
            None
        }
    }
}

/// A URL like `admin` with its database replaced by `db`.
pub fn with_database(admin: &str, db: &str) -> String {
    let (base, _) = admin.rsplit_once('/').expect("a URL ending in /DATABASE");
    format!("{base}/{db}")
}

/// An empty database named `name` (dropped first if it exists); returns its URL.
pub fn fresh_database(admin: &str, name: &str) -> String {
    let mut client = postgres::Client::connect(admin, postgres::NoTls).expect("connect to the test server");
    // one statement each: a multi-statement batch runs in a transaction, which they refuse
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).expect("drop an old database");
    client.batch_execute(&format!("CREATE DATABASE {name}")).expect("create a database");
    with_database(admin, name)
}

/// Drops a database made by [`fresh_database`].
pub fn drop_database(admin: &str, name: &str) {
    if let Ok(mut client) = postgres::Client::connect(admin, postgres::NoTls) {
        let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}
