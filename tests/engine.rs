//! End-to-end tests of the engine as a long-running process: kill -9 and Ctrl-C in the middle
//! of a batch, damaged state, two writers on one store, and inputs that are not documents.
//! Real processes and a real SQLite store; nothing is mocked.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

mod common;
use common::{bin, tmp, Rng};

/// A dated JSONL stream of `n` synthetic reports: events told by three to six outlets over a
/// few days, in their own invented names, the first reports of an event closer to each other
/// than the later ones (so the cohesion rule has work to do). Deterministic.
fn write_stream(path: &Path, n: usize) {
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut next = move || rng.next();
    let syllables = ["ka", "ro", "vel", "tan", "mi", "sor", "den", "lu", "pra", "gor", "zei", "bak", "nor", "til", "fe", "qua", "ash", "erm"];
    let common = ["officials", "said", "week", "city", "report", "people", "local", "plan", "government", "meeting", "statement", "council", "police", "court"];
    let mut out = String::new();
    let mut i = 0;
    let mut event = 0;
    while i < n {
        let names: Vec<String> = (0..7)
            .map(|_| {
                let mut w: String = (0..2 + next() % 2).map(|_| syllables[(next() % syllables.len() as u64) as usize]).collect();
                w[..1].make_ascii_uppercase();
                w
            })
            .collect();
        let reports = 3 + (next() % 4) as usize;
        for k in 0..reports.min(n - i) {
            let closeness = 9u64.saturating_sub(2 * k as u64).max(2);
            let paras: Vec<String> = (0..3)
                .map(|_| {
                    let words: Vec<&str> = (0..20)
                        .map(|_| if next() % 10 < closeness { names[(next() % 7) as usize].as_str() } else { common[(next() % common.len() as u64) as usize] })
                        .collect();
                    format!("{}.", words.join(" "))
                })
                .collect();
            let day = 1 + (event / 40 + k / 2) % 28;
            let line = serde_json::json!({
                "id": format!("e{event}r{k}"),
                "source": format!("Outlet {}", (event * 3 + k * 5) % 23),
                "title": format!("{} {} {}", names[0], names[1], names[2]),
                "date": format!("2024-06-{day:02}"),
                "text": paras.join("\n\n"),
            });
            out.push_str(&line.to_string());
            out.push('\n');
            i += 1;
        }
        event += 1;
    }
    std::fs::write(path, out).unwrap();
}

/// Stories as sets of inputs, read from an `--assignments` file.
fn partition(assignments: &Path) -> BTreeSet<BTreeSet<String>> {
    let text = std::fs::read_to_string(assignments).unwrap();
    let mut by: HashMap<String, BTreeSet<String>> = HashMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        by.entry(cols[2].to_string()).or_default().insert(cols[0].to_string());
    }
    by.into_values().collect()
}

fn ingest(db: &Path, input: &Path, assignments: &Path) -> Output {
    let out = bin().args(["ingest", "--db"]).arg(db).arg("--assignments").arg(assignments).arg(input).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

/// The uninterrupted run's stories for a stream, computed once per stream size.
fn clean_run(dir: &Path, stream: &Path) -> BTreeSet<BTreeSet<String>> {
    let a = dir.join("clean.tsv");
    ingest(&dir.join("clean.db"), stream, &a);
    partition(&a)
}

/// Starts an ingest, waits until it has stored something, and signals it.
fn interrupt(db: &Path, stream: &Path, signal: &str) -> std::process::ExitStatus {
    let mut child = bin().args(["ingest", "--db"]).arg(db).arg(stream).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    // the store file grows once the first batches are committed
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let started = std::time::Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 200_000 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    Command::new("kill").arg(signal).arg(child.id().to_string()).status().unwrap();
    child.wait().unwrap()
}

#[test]
fn kill_9_in_the_middle_then_a_restart_gives_the_stories_of_one_run() {
    let dir = tmp("kill9");
    let stream = dir.join("stream.jsonl");
    write_stream(&stream, 30_000);
    let clean = clean_run(&dir, &stream);
    assert!(clean.len() > 3_000 && clean.iter().any(|s| s.len() > 3), "{} stories", clean.len());
    let db = dir.join("killed.db");
    let status = interrupt(&db, &stream, "-KILL");
    assert!(!status.success(), "the ingest was killed before it finished");
    let again = dir.join("again.tsv");
    let out = ingest(&db, &stream, &again);
    let warn = String::from_utf8_lossy(&out.stderr);
    assert!(!warn.contains("error"), "{warn}");
    assert_eq!(partition(&again), clean, "the restarted run places every article as the uninterrupted one");
}

#[test]
fn ctrl_c_stores_what_was_read_saves_the_state_and_a_rerun_finishes() {
    let dir = tmp("ctrlc");
    let stream = dir.join("stream.jsonl");
    write_stream(&stream, 30_000);
    let clean = clean_run(&dir, &stream);
    let db = dir.join("stopped.db");
    let status = interrupt(&db, &stream, "-INT");
    assert_eq!(status.code(), Some(130), "a clean stop exits with 130");
    let again = dir.join("again.tsv");
    let out = ingest(&db, &stream, &again);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("rebuilt"), "the state was saved at the stop: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(partition(&again), clean);
}

#[test]
fn damaged_and_deleted_state_is_reported_and_rebuilt_the_same() {
    use parallax_store::StateStore;
    let dir = tmp("damaged");
    let stream = dir.join("stream.jsonl");
    write_stream(&stream, 6_000);
    let text = std::fs::read_to_string(&stream).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (first, second) = (dir.join("first.jsonl"), dir.join("second.jsonl"));
    std::fs::write(&first, lines[..3_500].join("\n") + "\n").unwrap();
    std::fs::write(&second, lines[3_500..].join("\n") + "\n").unwrap();
    let clean = clean_run(&dir, &stream);
    for how in ["damaged", "deleted"] {
        let db = dir.join(format!("{how}.db"));
        ingest(&db, &first, &dir.join("first.tsv"));
        {
            let mut store = parallax_store::SqliteStore::open(&db).unwrap();
            for key in ["engine.state", "cluster.df", "engine.ids"] {
                let position = store.load_state(key).unwrap().map_or(0, |(p, _)| p);
                let bytes: &[u8] = if how == "damaged" { b"damaged bytes, not a state" } else { b"" };
                store.save_state(key, position, bytes).unwrap();
            }
        }
        for f in std::fs::read_dir(&dir).unwrap().flatten() {
            let name = f.file_name().to_string_lossy().to_string();
            if name.starts_with(&format!("{how}.db-engine.")) && !name.ends_with(".lock") {
                std::fs::remove_file(f.path()).unwrap();
            }
        }
        let tsv = dir.join(format!("{how}.tsv"));
        let out = ingest(&db, &second, &tsv);
        let warn = String::from_utf8_lossy(&out.stderr);
        assert!(warn.contains("warning:") && warn.contains("rebuilt from the 3500 stored articles"), "{how}: {warn}");
        // every article of the stream is stored now; a last pass over it lists where each went
        let final_view = dir.join(format!("{how}-final.tsv"));
        ingest(&db, &stream, &final_view);
        assert_eq!(partition(&final_view), clean, "{how}: a rebuilt state places the later articles as one run would");
    }
}

#[test]
fn a_second_writer_waits_for_the_first_and_reads_never_wait() {
    let dir = tmp("lock");
    let db = dir.join("p.db");
    let page = dir.join("a.txt");
    std::fs::write(&page, "Bridge reopens\n\nThe harbor bridge in Port Vell reopened on Monday after two weeks of repairs, the city council said.").unwrap();
    let ok = bin().args(["ingest", "--db"]).arg(&db).arg(&page).output().unwrap();
    assert!(ok.status.success());
    let store = parallax_store::SqliteStore::open(&db).unwrap();
    let lock = store.writer_lock(&mut |_| panic!("nobody holds it yet")).unwrap().expect("a file store has a lock");
    let mut second = bin().args(["ingest", "--db"]).arg(&db).arg(&page).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(second.try_wait().unwrap().is_none(), "the second ingest waits while the lock is held");
    // a read needs no lock
    let stories = bin().args(["stories", "--db"]).arg(&db).output().unwrap();
    assert!(stories.status.success() && String::from_utf8_lossy(&stories.stdout).contains("harbor bridge in Port Vell"));
    drop(lock);
    let out = second.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("waiting: another parallax run is writing to"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn binary_files_and_pipes_are_refused_and_the_batch_goes_on() {
    let dir = tmp("binary");
    let exe = dir.join("x.html");
    std::fs::copy("/bin/ls", &exe).unwrap();
    let page = dir.join("a.txt");
    std::fs::write(&page, "Bridge reopens\n\nThe harbor bridge in Port Vell reopened on Monday after two weeks of repairs, the city council said.").unwrap();
    let fifo = dir.join("pipe.html");
    let mut args = vec![exe.display().to_string()];
    if Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
        args.push(fifo.display().to_string());
    }
    args.push(page.display().to_string());
    let out = bin().args(["ingest", "--json", "--db"]).arg(dir.join("p.db")).args(&args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("x.html") && err.contains("binary content"), "{err}");
    if args.len() == 3 {
        assert!(err.contains("pipe.html") && err.contains("not a regular file"), "{err}");
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["stored"], 1, "{v}");
}
