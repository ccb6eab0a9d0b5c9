//! The job queue on a live server (`PARALLAX_TEST_PG`; see `conformance.rs`): claims never
//! overlap, leases run out and come back, a late outcome of a lost lease is dropped, documents
//! are placed in queue order, and a host's turns are shared by every worker.

use parallax_store::queue::{JobKind, JobQueue, NewJob, Outcome, WorkerInfo, MAX_ATTEMPTS};
use parallax_store_pg::testing::{drop_database, fresh_database, server};
use parallax_store_pg::PgQueue;

fn doc(input: &str) -> NewJob {
    NewJob { kind: JobKind::Document, input: input.into(), payload: input.as_bytes().to_vec(), failed: None }
}

fn page(url: &str) -> NewJob {
    NewJob { kind: JobKind::Page, input: url.into(), payload: vec![], failed: None }
}

fn worker(id: &str) -> WorkerInfo {
    WorkerInfo { id: id.into(), host: "test".into(), dir: "/tmp".into(), pid: 1, threads: 1 }
}

fn with_queue(name: &str, f: impl FnOnce(&str)) {
    let Some(admin) = server() else { return };
    let db = format!("parallax_queue_{name}_{}", std::process::id());
    let url = fresh_database(&admin, &db);
    f(&url);
    drop_database(&admin, &db);
}

#[test]
fn claims_never_overlap_and_documents_are_placed_in_queue_order() {
    with_queue("order", |url| {
        let (mut a, mut b) = (PgQueue::connect(url).unwrap(), PgQueue::connect(url).unwrap());
        let jobs: Vec<NewJob> = (0..10).map(|i| doc(&format!("d{i}"))).collect();
        assert_eq!(a.enqueue(&jobs).unwrap(), 10);
        let first = a.claim("a", &[JobKind::Document], 4, 30.0, 0.0).unwrap();
        let second = b.claim("b", &[JobKind::Document], 4, 30.0, 0.0).unwrap();
        let names = |c: &[parallax_store::queue::ClaimedJob]| c.iter().map(|j| j.input.clone()).collect::<Vec<_>>();
        assert_eq!(names(&first), ["d0", "d1", "d2", "d3"], "the oldest first");
        assert_eq!(names(&second), ["d4", "d5", "d6", "d7"], "never a job another worker holds");
        assert_eq!(first[0].payload, b"d0");
        // b finishes first: nothing is ready, d0..d3 come before its documents
        b.finish("b", &second.iter().map(|j| (j.id, Outcome::Prepared(j.input.clone().into_bytes()))).collect::<Vec<_>>()).unwrap();
        assert!(a.ready_to_place(100).unwrap().is_empty(), "d4.. wait for d0..d3");
        // a fails one and prepares the rest: d0..d7 are ready, in order, less the failure
        let mut outcomes: Vec<(i64, Outcome)> = first.iter().map(|j| (j.id, Outcome::Prepared(j.input.clone().into_bytes()))).collect();
        outcomes[1].1 = Outcome::Failed("d1: not an article".into());
        assert_eq!(a.finish("a", &outcomes).unwrap(), 4);
        let ready = a.ready_to_place(100).unwrap();
        assert_eq!(ready.iter().map(|r| r.input.as_str()).collect::<Vec<_>>(), ["d0", "d2", "d3", "d4", "d5", "d6", "d7"]);
        assert_eq!(ready[0].prepared, b"d0");
        a.mark_placed(&ready.iter().map(|r| r.id).collect::<Vec<_>>()).unwrap();
        assert!(a.ready_to_place(100).unwrap().is_empty());
        assert_eq!(a.backlog().unwrap(), (true, false), "d8 and d9 are still queued");
        let s = a.status(5).unwrap();
        assert_eq!(s.failed, 1);
        assert_eq!((s.failures[0].input.as_str(), s.failures[0].error.as_str()), ("d1", "d1: not an article"));
        assert_eq!(s.in_states(&["placed"]), 7);
        // a document that could not be read is queued failed, with its reason
        a.enqueue(&[NewJob { failed: Some("x.html: not UTF-8".into()), ..doc("x.html") }]).unwrap();
        assert_eq!(a.status(5).unwrap().failures[0].error, "x.html: not UTF-8");
    });
}

#[test]
fn a_dead_workers_jobs_come_back_when_the_lease_runs_out_and_its_late_outcome_is_dropped() {
    with_queue("lease", |url| {
        let mut q = PgQueue::connect(url).unwrap();
        q.enqueue(&[doc("d0"), doc("d1")]).unwrap();
        let held = q.claim("dead", &[JobKind::Document], 1, 1.0, 0.0).unwrap();
        assert_eq!(held.len(), 1);
        // a live worker's heartbeat keeps its lease
        let alive = q.claim("alive", &[JobKind::Document], 1, 1.0, 0.0).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(700));
        q.heartbeat(&worker("alive"), 1.0, 0, false).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(700));
        assert_eq!(q.reclaim_expired().unwrap(), 1, "only the dead worker's job");
        let again = q.claim("other", &[JobKind::Document], 5, 30.0, 0.0).unwrap();
        assert_eq!((again.len(), again[0].input.as_str(), again[0].attempts), (1, "d0", 2));
        // the dead worker wakes up: its outcome is dropped, the job is the other worker's
        assert_eq!(q.finish("dead", &[(held[0].id, Outcome::Prepared(b"late".to_vec()))]).unwrap(), 0);
        assert_eq!(q.finish("other", &[(again[0].id, Outcome::Prepared(b"on time".to_vec()))]).unwrap(), 1);
        q.finish("alive", &[(alive[0].id, Outcome::Prepared(b"d1".to_vec()))]).unwrap();
        assert_eq!(q.ready_to_place(5).unwrap()[0].prepared, b"on time");
        let s = q.status(5).unwrap();
        assert_eq!(s.workers.len(), 1, "only the worker that beat is alive");
        // a job that kills its worker every time fails after MAX_ATTEMPTS, with the reason
        q.enqueue(&[doc("poison")]).unwrap();
        for _ in 0..MAX_ATTEMPTS {
            assert_eq!(q.claim("doomed", &[JobKind::Document], 1, 0.2, 0.0).unwrap().len(), 1);
            std::thread::sleep(std::time::Duration::from_millis(300));
            q.reclaim_expired().unwrap();
        }
        assert!(q.claim("next", &[JobKind::Document], 1, 30.0, 0.0).unwrap().is_empty());
        let f = q.status(1).unwrap().failures.remove(0);
        assert!(f.input == "poison" && f.error.contains("stopped answering 3 times"), "{f:?}");
        // a worker stopping cleanly hands its jobs back at once
        q.enqueue(&[doc("handed back")]).unwrap();
        q.claim("leaving", &[JobKind::Document], 1, 30.0, 0.0).unwrap();
        q.retire("leaving").unwrap();
        assert_eq!(q.claim("next", &[JobKind::Document], 1, 30.0, 0.0).unwrap()[0].input, "handed back");
    });
}

#[test]
fn a_hosts_turns_are_shared_by_every_worker_and_a_page_is_queued_once() {
    with_queue("hosts", |url| {
        let (mut a, mut b) = (PgQueue::connect(url).unwrap(), PgQueue::connect(url).unwrap());
        let pages = [page("https://one.example/a"), page("https://one.example/b"), page("https://Two.example:8443/c"), page("https://one.example/a")];
        assert_eq!(a.enqueue(&pages).unwrap(), 3, "the same URL once");
        let got = a.claim("a", &[JobKind::Page, JobKind::Feed], 10, 30.0, 0.6).unwrap();
        assert_eq!(got.iter().map(|j| j.input.as_str()).collect::<Vec<_>>(), ["https://one.example/a", "https://Two.example:8443/c"], "one per host");
        assert!(b.claim("b", &[JobKind::Page], 10, 30.0, 0.6).unwrap().is_empty(), "one.example's next turn is not yet, for any worker");
        std::thread::sleep(std::time::Duration::from_millis(700));
        let later = b.claim("b", &[JobKind::Page], 10, 30.0, 0.6).unwrap();
        assert_eq!(later.iter().map(|j| j.input.as_str()).collect::<Vec<_>>(), ["https://one.example/b"]);
        // a page prepared late is placed after the documents queued before it was prepared
        a.enqueue(&[doc("d0")]).unwrap();
        let d = a.claim("a", &[JobKind::Document], 1, 30.0, 0.0).unwrap();
        a.finish("a", &[(got[0].id, Outcome::Prepared(b"page".to_vec())), (d[0].id, Outcome::Prepared(b"doc".to_vec()))]).unwrap();
        let ready: Vec<Vec<u8>> = a.ready_to_place(10).unwrap().into_iter().map(|r| r.prepared).collect();
        assert_eq!(ready.len(), 2);
        // a feed poll is queued again for its next poll, not ended
        a.enqueue(&[NewJob { kind: JobKind::Feed, input: "https://three.example/rss".into(), payload: vec![], failed: None }]).unwrap();
        let f = a.claim("a", &[JobKind::Feed], 1, 30.0, 0.0).unwrap();
        a.finish("a", &[(f[0].id, Outcome::Again { after_secs: 3600 })]).unwrap();
        assert!(a.claim("a", &[JobKind::Feed], 1, 30.0, 0.0).unwrap().is_empty(), "not due for an hour");
        assert_eq!(a.status(0).unwrap().counts.iter().find(|c| c.0 == JobKind::Feed).map(|c| c.1.as_str()), Some("queued"));
    });
}
