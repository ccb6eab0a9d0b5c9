//! Workers of a shared PostgreSQL store (`parallax work`), as separate processes in separate
//! working directories (two machines, simulated on loopback): their stories are those one
//! process makes; a worker killed mid-batch and a placer killed mid-placement lose nothing and
//! store nothing twice; feeds are polled and a host's turns are shared by every worker. Needs
//! a live server in `PARALLAX_TEST_PG` (see tests/postgres.rs).

mod common;
use common::{bin, invented_reports, tmp};
use parallax_store_pg::testing::{drop_database, fresh_database, server};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Invented events told by several outlets (see `common::invented_reports`), as JSONL.
fn corpus(dir: &Path, n_events: usize) -> (PathBuf, usize) {
    let reports = invented_reports(0x5851f42d4c957f2d, n_events);
    let mut out = String::new();
    for r in &reports {
        let row = serde_json::json!({
            "id": format!("e{}-{}", r.event, r.k),
            "source": r.outlet,
            "title": r.title,
            "date": r.date,
            "text": format!("{}\n\n{}", r.paragraphs[0], r.paragraphs[1]),
        });
        out.push_str(&row.to_string());
        out.push('\n');
    }
    let file = dir.join("corpus.jsonl");
    std::fs::write(&file, out).unwrap();
    (file, reports.len())
}

/// A story id is derived from its first article, so equal (id, size) sets are equal stories.
fn stories(db: &str) -> BTreeSet<(String, u64)> {
    let out = bin().args(["stories", "--db", db, "--json", "--limit", "1000000"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array().unwrap().iter().map(|s| (s["id"].as_str().unwrap().to_string(), s["articles"].as_u64().unwrap())).collect()
}

fn status(db: &str) -> serde_json::Value {
    let out = bin().args(["status", "--db", db, "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Jobs in `state`, of any kind.
fn jobs_in(s: &serde_json::Value, state: &str) -> u64 {
    s["queue"].as_array().unwrap().iter().filter(|c| c["state"] == state).map(|c| c["jobs"].as_u64().unwrap()).sum()
}

/// A worker process started in its own working directory (a machine of its own).
fn worker(db: &str, machine: &Path, args: &[&str]) -> Child {
    std::fs::create_dir_all(machine).unwrap();
    bin().current_dir(machine).args(["work", "--db", db, "--json"]).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

fn finished(child: Child) -> serde_json::Value {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn kill_9(child: &mut Child) {
    Command::new("kill").arg("-KILL").arg(child.id().to_string()).status().unwrap();
    assert!(!child.wait().unwrap().success());
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let t = Instant::now();
    while !done() {
        assert!(t.elapsed() < Duration::from_secs(120), "waited two minutes for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The stories of one process on the embedded store, for the same input.
fn one_process(dir: &Path, file: &Path) -> BTreeSet<(String, u64)> {
    let db = dir.join("one.db");
    let out = bin().arg("ingest").arg("--db").arg(&db).arg(file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    stories(db.to_str().unwrap())
}

fn queue(db: &str, file: &Path) {
    let out = bin().args(["ingest", "--db", db, "--queue"]).arg(file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn two_workers_on_two_machines_make_the_stories_of_one_process() {
    let Some(admin) = server() else { return };
    let name = format!("parallax_work_two_{}", std::process::id());
    let db = fresh_database(&admin, &name);
    let dir = tmp("work-two");
    let (file, n) = corpus(&dir, 800);
    let expected = one_process(&dir, &file);
    queue(&db, &file);
    let s = status(&db);
    assert_eq!((jobs_in(&s, "queued"), s["waiting"].as_u64()), (n as u64, Some(n as u64)), "{s}");
    let a = worker(&db, &dir.join("machine-a"), &["--jobs", "1", "--exit-when-idle"]);
    let b = worker(&db, &dir.join("machine-b"), &["--jobs", "1", "--exit-when-idle"]);
    // both are seen alive, each from its own directory, one of them placing
    wait_for("two workers alive", || status(&db)["workers"].as_array().unwrap().len() == 2 || jobs_in(&status(&db), "placed") == n as u64);
    // the server drops every connection (a restart, a failover): the workers reconnect, the
    // placer's lock went with its connection and placement starts again from the saved state
    wait_for("some placed", || jobs_in(&status(&db), "placed") > 300);
    let mut client = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    let dropped: i64 = client
        .query_one("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()", &[])
        .unwrap()
        .get(0);
    assert!(dropped >= 4, "{dropped} connections dropped");
    let (a, b) = (finished(a), finished(b));
    // a job whose outcome was lost with its connection is done again; its article is stored once
    assert!(a["prepared"].as_u64().unwrap() + b["prepared"].as_u64().unwrap() >= n as u64, "{a} {b}");
    let articles: i64 = postgres::Client::connect(&db, postgres::NoTls).unwrap().query_one("SELECT count(*) FROM articles", &[]).unwrap().get(0);
    assert_eq!(articles, n as i64, "every article, once");
    assert_eq!(stories(&db), expected, "the stories of one process");
    let s = status(&db);
    assert_eq!((jobs_in(&s, "placed"), s["failed"].as_u64(), s["workers"].as_array().unwrap().len()), (n as u64, Some(0), 0), "{s}");
    drop_database(&admin, &name);
}

#[test]
fn a_worker_killed_mid_batch_and_a_placer_killed_mid_placement_lose_nothing_and_store_nothing_twice() {
    let Some(admin) = server() else { return };
    let name = format!("parallax_work_kill_{}", std::process::id());
    let db = fresh_database(&admin, &name);
    let dir = tmp("work-kill");
    let (file, n) = corpus(&dir, 1600);
    let expected = one_process(&dir, &file);
    queue(&db, &file);
    let mut client = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    let mut locker = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    let mut count = |sql: &str| -> i64 { client.query_one(sql, &[]).unwrap().get(0) };
    // a preparing worker (never placing) and one that places
    let mut preparer = worker(&db, &dir.join("machine-a"), &["--jobs", "1", "--lease", "2", "--no-place"]);
    let mut placer = worker(&db, &dir.join("machine-b"), &["--jobs", "1", "--lease", "2"]);
    let preparer_id = format!(":{}:", preparer.id());
    // the preparer holds a batch it has not handed back: its rows are locked here, so it cannot
    // hand the batch back before it is killed, mid-batch
    wait_for("some placed", || count("SELECT count(*) FROM jobs WHERE state = 'placed'") > 200);
    let t = Instant::now();
    let held = loop {
        // a transaction left open on the connection while the preparer is killed
        locker.batch_execute("BEGIN").unwrap();
        let held = locker.query(&format!("SELECT id FROM jobs WHERE state = 'running' AND worker LIKE '%{preparer_id}%' FOR UPDATE"), &[]).unwrap().len();
        if held > 0 {
            break held;
        }
        locker.batch_execute("ROLLBACK").unwrap();
        assert!(t.elapsed() < Duration::from_secs(120), "waited two minutes for the preparer to hold a batch");
        std::thread::sleep(Duration::from_millis(20));
    };
    kill_9(&mut preparer);
    locker.batch_execute("COMMIT").unwrap();
    // the placer, killed in the middle of placing
    let placed_before = count("SELECT count(*) FROM jobs WHERE state = 'placed'");
    wait_for("the placer to place more", || count("SELECT count(*) FROM jobs WHERE state = 'placed'") > placed_before + 500);
    kill_9(&mut placer);
    let stored_at_kill = count("SELECT count(*) FROM articles");
    assert!(stored_at_kill < n as i64, "killed before the end ({stored_at_kill} of {n})");
    // two new workers take over: the dead ones' jobs come back when their leases run out, and
    // one of the new workers places from the saved state
    let c = worker(&db, &dir.join("machine-c"), &["--jobs", "1", "--lease", "2", "--exit-when-idle"]);
    let d = worker(&db, &dir.join("machine-d"), &["--jobs", "1", "--lease", "2", "--exit-when-idle"]);
    let (c, d) = (finished(c), finished(d));
    assert_eq!(stories(&db), expected, "the stories of one uninterrupted process");
    assert_eq!(count("SELECT count(*) FROM articles"), n as i64, "every article, once");
    assert_eq!(count("SELECT count(DISTINCT id) FROM articles"), n as i64);
    let s = status(&db);
    assert_eq!((jobs_in(&s, "placed"), s["failed"].as_u64()), (n as u64, Some(0)), "{s}");
    // jobs whose leases ran out were done again; their articles were stored once all the same
    let again = count("SELECT count(*) FROM jobs WHERE attempts > 1");
    assert!(again >= held as i64, "{again} jobs tried twice, {held} held by the killed preparer");
    assert!(c["placed"] == true || d["placed"] == true, "{c} {d}");
    drop((client, locker));
    drop_database(&admin, &name);
}

#[test]
fn workers_poll_followed_feeds_and_take_turns_at_a_host() {
    let Some(admin) = server() else { return };
    let name = format!("parallax_work_feeds_{}", std::process::id());
    let db = fresh_database(&admin, &name);
    let dir = tmp("work-feeds");
    let log: std::sync::Arc<std::sync::Mutex<Vec<(String, Instant)>>> = Default::default();
    let seen = log.clone();
    let feed_polls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let polls = feed_polls.clone();
    let texts = [
        "The harbor bridge in Port Vell reopened on Monday after two weeks of repairs, the city council said, and buses returned to the route.",
        "Firefighters in Casterra battled a wildfire that forced 300 residents to leave their homes overnight, the regional fire service said.",
        "The council of Lindmark voted 7 to 2 to build a new school near the river, after a debate that lasted until midnight.",
        "A storm closed the mountain pass above Vettra on Friday, and the road service said the road would reopen within a week.",
        "The port of Salvo handled a record number of containers in May, its operator said, crediting a new quay on the north side.",
        "Doctors at the Orleth clinic began a trial of a new asthma inhaler with 200 patients, the health ministry announced.",
    ];
    let addr = parallax_testsite::serve_with(|site| {
        let site = site.to_string();
        move |path: &str, _: &str| {
            seen.lock().unwrap().push((path.to_string(), Instant::now()));
            let items: String = (0..texts.len()).chain([99]).map(|i| format!("<item><title>Item {i}</title><link>{site}/p/{i}</link></item>")).collect();
            let (status, body) = match path {
                // empty when followed, then six articles and a page that is gone
                "/feed.xml" if polls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 => {
                    ("200 OK", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbor News</title></channel></rss>".to_string())
                }
                "/feed.xml" => ("200 OK", format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Harbor News</title>{items}</channel></rss>")),
                p => match p.strip_prefix("/p/").and_then(|i| i.parse::<usize>().ok()).and_then(|i| texts.get(i).map(|t| (i, t))) {
                    Some((i, t)) => (
                        "200 OK",
                        format!("<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1><p>{t}</p><p>{t} More details would follow.</p></article></body></html>"),
                    ),
                    None => ("404 Not Found", String::new()),
                },
            };
            parallax_testsite::reply(status, &[], body.as_bytes())
        }
    });
    let base = format!("http://{addr}");
    let feed = format!("{base}/feed.xml");
    let out = bin().args(["add", "--db", &db, "--allow-private", "--delay", "0", &feed]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // the feed's next poll is due (as after its interval)
    let mut client = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    client.execute("UPDATE feeds SET next_check = 0", &[]).unwrap();
    let args = ["--jobs", "2", "--allow-private", "--delay", "0.4", "--exit-when-idle"];
    let (a, b) = (worker(&db, &dir.join("machine-a"), &args), worker(&db, &dir.join("machine-b"), &args));
    let (a, b) = (finished(a), finished(b));
    assert_eq!(a["stored"].as_u64().unwrap() + b["stored"].as_u64().unwrap(), texts.len() as u64, "{a} {b}");
    // four preparing threads in two processes, one host: its pages a turn apart
    let times: Vec<Instant> = log.lock().unwrap().iter().filter(|(p, _)| p.starts_with("/p/")).map(|(_, t)| *t).collect();
    assert_eq!(times.len(), texts.len() + 1);
    for w in times.windows(2) {
        assert!(w[1] - w[0] >= Duration::from_millis(350), "two fetches from one host {:?} apart", w[1] - w[0]);
    }
    let s = status(&db);
    let failures = s["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{s}");
    assert!(failures[0]["input"].as_str().unwrap().ends_with("/p/99") && failures[0]["error"].as_str().unwrap().contains("404"), "{s}");
    // the feed waits for its next poll
    let feed_job: String = client.query_one("SELECT state FROM jobs WHERE kind = 'feed'", &[]).unwrap().get(0);
    assert_eq!(feed_job, "queued");
    assert_eq!(feed_polls.load(std::sync::atomic::Ordering::SeqCst), 2, "polled once by the workers");
    drop(client);
    drop_database(&admin, &name);
}

#[test]
fn work_and_status_need_a_shared_store() {
    let dir = tmp("work-sqlite");
    let db = dir.join("p.db");
    for args in [&["work"][..], &["status"], &["ingest", "--queue", "examples/ferry"]] {
        let out = bin().args(args).arg("--db").arg(&db).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && err.contains("need a shared PostgreSQL store"), "{args:?}: {err}");
    }
}
