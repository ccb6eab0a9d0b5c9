//! The PostgreSQL store against the conformance checks every backend passes, on a live server:
//! `PARALLAX_TEST_PG=postgres://USER@127.0.0.1:PORT/postgres` (`.ci/run` starts one). Each check
//! gets a database of its own, dropped afterwards. Without the variable the test says so and
//! passes, unless `PARALLAX_PG_TESTS=required` (as `.ci/run` sets it).

use parallax_store_pg::testing::{server, with_database};
use parallax_store_pg::PgStore;

#[test]
fn the_postgresql_store_passes_the_conformance_checks() {
    let Some(admin) = server() else { return };
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("connect to the test server");
    let mut made = Vec::new();
    parallax_store::conformance::check_all(|| {
        let db = format!("parallax_conformance_{}_{}", std::process::id(), made.len());
        // one statement each: a multi-statement batch runs in a transaction, which they refuse
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {db}")).expect("drop an old database");
        client.batch_execute(&format!("CREATE DATABASE {db}")).expect("create a database");
        made.push(db.clone());
        PgStore::connect(&with_database(&admin, &db)).expect("open the store")
    });
    // a store opened again is not migrated twice
    let again = PgStore::connect(&with_database(&admin, &made[0]));
    assert!(again.is_ok(), "{:?}", again.err());
    drop(again);
    for db in made {
        let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
    }
}

#[test]
fn a_bad_server_is_a_clear_error_without_the_password() {
    let err = PgStore::connect("postgres://someone:secret@127.0.0.1:1/nowhere").err().expect("no server there");
    let msg = err.to_string();
    assert!(msg.contains("cannot open the store") && !msg.contains("secret"), "{msg}");
}
