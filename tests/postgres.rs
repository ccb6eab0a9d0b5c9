//! The CLI on a PostgreSQL store gives what it gives on the embedded one: the same stories,
//! articles and claims from the same inputs. Needs a live server in `PARALLAX_TEST_PG`
//! (`.ci/run` starts one); without it the test says so and passes, unless
//! `PARALLAX_PG_TESTS=required`.

mod common;
use common::{bin, tmp};
use parallax_store_pg::testing::server;

fn json(args: &[&str]) -> serde_json::Value {
    let out = bin().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

#[test]
fn the_cli_on_postgres_gives_the_stories_and_claims_of_sqlite() {
    let Some(admin) = server() else { return };
    let db = format!("parallax_cli_{}", std::process::id());
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("connect");
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {db}")).unwrap();
    client.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
    let url = format!("{}/{db}", admin.rsplit_once('/').unwrap().0);
    let file = tmp("pg-vs-sqlite").join("p.db");
    let file = file.to_str().unwrap();
    for store in [url.as_str(), file] {
        let out = bin().args(["ingest", "--db", store, "examples/ferry"]).output().unwrap();
        assert!(out.status.success(), "{store}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let (pg, lite) = (json(&["stories", "--db", &url, "--json"]), json(&["stories", "--db", file, "--json"]));
    assert_eq!(pg, lite, "the same stories");
    let id = pg[0]["id"].as_str().unwrap().to_string();
    let (pg, lite) = (json(&["show", "--db", &url, "--format", "json", &id]), json(&["show", "--db", file, "--format", "json", &id]));
    assert_eq!(pg, lite, "the same articles and claims");
    // a correction and the corrections list, on the server
    let other = bin().args(["merge", "--db", &url, &id, "s000000000000"]).output().unwrap();
    assert!(!other.status.success() && String::from_utf8_lossy(&other.stderr).contains("no story s000000000000"));
    // one writer at a time: while another session holds the writer lock, an ingest waits, and
    // says so; it goes on once the lock is let go
    let mut holder = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    holder.execute("SELECT pg_advisory_lock($1)", &[&0x7061_7261_6c6c_6177i64]).unwrap();
    let mut waiting =
        bin().args(["ingest", "--db", &url, "examples/ferry"]).stderr(std::process::Stdio::piped()).stdout(std::process::Stdio::null()).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(waiting.try_wait().unwrap().is_none(), "a second writer waits for the lock");
    holder.execute("SELECT pg_advisory_unlock($1)", &[&0x7061_7261_6c6c_6177i64]).unwrap();
    let out = waiting.wait_with_output().unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("waiting: another parallax run is writing to postgres://") && !said.contains("secret"), "{said}");
    drop((client, holder));
    let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
    let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
}
