//! The commands of a shared store's job queue: `ingest --queue`, `work` and `status`.

use anyhow::{bail, Result};
use parallax_store::queue::JobQueue;
use std::sync::atomic::AtomicBool;

/// Documents queued per transaction.
const ENQUEUE_CHUNK: usize = 1000;

/// `parallax ingest --queue`: reads the inputs and queues their documents, in order.
pub fn enqueue(db: &str, inputs: &[String], json: bool) -> Result<()> {
    let mut queue = parallax_work::queue(db)?;
    let (mut queued, mut unreadable) = (0usize, 0usize);
    let mut chunk = Vec::with_capacity(ENQUEUE_CHUNK);
    let started = std::time::Instant::now();
    let mut docs = parallax_ingest::documents(inputs).peekable();
    while docs.peek().is_some() {
        chunk.clear();
        chunk.extend(docs.by_ref().take(ENQUEUE_CHUNK).map(parallax_work::document_job));
        for j in chunk.iter().filter_map(|j| j.failed.as_ref()) {
            eprintln!("warning: {j}, skipped");
            unreadable += 1;
        }
        queued += queue.enqueue(&chunk)?;
        if queued.is_multiple_of(100 * ENQUEUE_CHUNK) {
            eprintln!("{queued} documents queued ({:.0}/s)", queued as f64 / started.elapsed().as_secs_f64().max(1e-3));
        }
    }
    if queued == 0 {
        bail!("no documents found in {}", inputs.join(", "));
    }
    let readable = queued - unreadable;
    if json {
        println!("{}", serde_json::json!({ "queued": readable, "unreadable": unreadable }));
    } else {
        println!(
            "queued {readable} documents ({unreadable} unreadable) for the workers: `parallax work` prepares and places them, `parallax status` follows them"
        );
    }
    Ok(())
}

/// `parallax work`: one worker, until stopped (or idle, with --exit-when-idle).
pub fn work(config: &parallax_work::WorkConfig, stop: &AtomicBool, json: bool) -> Result<()> {
    let log = |line: &str| eprintln!("{line}");
    eprintln!("working on {} with {} threads (Ctrl-C to stop)", crate::shown_db(std::path::Path::new(&config.db)), config.threads);
    let s = parallax_work::run(config, stop, &log)?;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "prepared": s.prepared, "failed": s.failed, "placed": s.placed, "stored": s.stored,
                "duplicates": s.duplicates, "new_stories": s.new_stories, "unchanged": s.unchanged,
                "seconds": {
                    "claim": s.secs.claim, "prepare": s.secs.prepare, "finish": s.secs.finish,
                    "ready": s.secs.ready, "place": s.secs.place, "mark": s.secs.mark,
                },
            })
        );
    } else {
        let placed = if s.placed {
            format!("; as the placer, stored {} articles ({} copies), {} new stories, {} already stored", s.stored, s.duplicates, s.new_stories, s.unchanged)
        } else {
            String::new()
        };
        println!("prepared {} jobs, {} failed{placed}", s.prepared, s.failed);
    }
    Ok(())
}

/// `parallax status`: the queue at a glance.
pub fn status(db: &str, failures: usize, json: bool) -> Result<()> {
    let mut queue = parallax_work::queue(db)?;
    let s = queue.status(failures)?;
    if json {
        let counts: Vec<_> = s.counts.iter().map(|(k, state, n)| serde_json::json!({ "kind": k.as_str(), "state": state, "jobs": n })).collect();
        let workers: Vec<_> = s
            .workers
            .iter()
            .map(|w| {
                serde_json::json!({
                    "id": w.info.id, "host": w.info.host, "dir": w.info.dir, "pid": w.info.pid, "threads": w.info.threads,
                    "seen_secs_ago": w.seen_secs_ago, "jobs_done": w.jobs_done, "placing": w.placing,
                })
            })
            .collect();
        let failed: Vec<_> = s
            .failures
            .iter()
            .map(|f| serde_json::json!({ "id": f.id, "kind": f.kind.as_str(), "input": f.input, "error": f.error, "attempts": f.attempts }))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "queue": counts,
                "waiting": s.in_states(&["queued", "running"]),
                "prepared_waiting": s.in_states(&["prepared"]),
                "jobs_per_sec": s.prepared_per_sec,
                "placed_per_sec": s.placed_per_sec,
                "workers": workers,
                "failed": s.failed,
                "failures": failed,
            }))?
        );
        return Ok(());
    }
    println!("queue of {}", crate::shown_db(std::path::Path::new(db)));
    if s.counts.is_empty() {
        println!("  empty: queue documents with `parallax ingest --queue INPUT...`, or follow feeds with `parallax add FEED_URL`");
    }
    for (kind, state, n) in &s.counts {
        println!("  {:<9} {:<9} {n:>9}", kind.as_str(), state);
    }
    println!("last minute: {:.1} jobs/s prepared, {:.1} documents/s placed", s.prepared_per_sec, s.placed_per_sec);
    println!("workers alive: {}", s.workers.len());
    for w in &s.workers {
        let role = if w.placing { ", placing" } else { "" };
        println!("  {} in {} ({} threads{role}): {} jobs, seen {:.0} s ago", w.info.id, w.info.dir, w.info.threads, w.jobs_done, w.seen_secs_ago);
    }
    println!("failed: {}", s.failed);
    for f in &s.failures {
        println!("  #{} {} {}: {}", f.id, f.kind.as_str(), f.input, f.error);
    }
    Ok(())
}
