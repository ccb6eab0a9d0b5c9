//! A worker process of a shared store (`parallax work`). Start any number, on any number of
//! machines; they share the store's job queue (`parallax_store::queue`):
//!
//! ```text
//! ingest --queue / followed feeds -> jobs -> [claim, lease] -> prepare (N threads) -> prepared
//!                                                     prepared -> placer (one, fleet-wide) -> store
//! ```
//!
//! - Preparing threads claim documents, pages and feeds, do the stateless work (fetch,
//!   extract, fingerprint, terms) and hand back prepared documents.
//! - One worker of the fleet places: whichever holds the store's writer lock. It places the
//!   prepared documents in queue order, so stories come out as one process makes them. If it
//!   dies, its lock goes with its connection and another worker takes over from the saved
//!   engine state.
//! - A heartbeat says the worker is alive and extends its leases; a dead worker's jobs go back
//!   to the queue when their leases run out. An article is stored once, however often its job
//!   ran: placement skips what is stored.

use parallax_model::{Hints, RawDocument};
use parallax_pipeline::{prepare_documents, Engine, EngineConfig, EngineError, Event, PreparedDocument};
use parallax_store::queue::{ClaimedJob, JobKind, JobQueue, NewJob, Outcome, WorkerInfo};
use parallax_store::{FeedStore, StoreError};
use parallax_store_pg::{PgQueue, PgStore};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum WorkError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("{0}")]
    Config(String),
}

/// How a worker runs.
#[derive(Clone)]
pub struct WorkConfig {
    /// The store (`postgres://...`).
    pub db: String,
    /// Preparing threads.
    pub threads: usize,
    /// How long a claimed job is a worker's without a heartbeat: a job of a worker that died
    /// goes back to the queue this long after its last heartbeat.
    pub lease_secs: f64,
    /// Exit once nothing is left to prepare or place (for scripts and tests).
    pub exit_when_idle: bool,
    /// Documents claimed at once by a preparing thread.
    pub batch: usize,
    pub engine: EngineConfig,
    /// The fetcher's limits; its `host_delay` is the least time between two fetches from one
    /// host across every worker (turns taken in the queue, not in the fetcher).
    pub fetch: parallax_fetch::FetchConfig,
    /// Whether this worker may place (all may, by default; one does at a time).
    pub may_place: bool,
}

impl WorkConfig {
    pub fn new(db: &str) -> WorkConfig {
        WorkConfig {
            db: db.to_string(),
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            lease_secs: 30.0,
            exit_when_idle: false,
            batch: 64,
            engine: EngineConfig::new(),
            fetch: parallax_fetch::FetchConfig::default(),
            may_place: true,
        }
    }
}

/// What one worker did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkSummary {
    /// Jobs this worker prepared (documents and pages) or polled (feeds).
    pub prepared: u64,
    pub failed: u64,
    /// Articles this worker placed as the placer, and of those the copies and new stories (a
    /// placement lost with its connection and made again counts again; the store holds each
    /// article once).
    pub stored: u64,
    pub duplicates: u64,
    pub new_stories: u64,
    /// Prepared documents it placed that were already stored (a job done twice).
    pub unchanged: u64,
    /// Whether it placed at some point.
    pub placed: bool,
    /// Where the time went, in seconds summed over threads: claiming, fetching and preparing,
    /// handing back; reading prepared documents, placing and storing them, marking them placed.
    pub secs: Timings,
}

/// Seconds spent per step (see [`WorkSummary::secs`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings {
    pub claim: f64,
    pub prepare: f64,
    pub finish: f64,
    pub ready: f64,
    pub place: f64,
    pub mark: f64,
}

#[derive(Default)]
struct Counters {
    prepared: AtomicU64,
    failed: AtomicU64,
    stored: AtomicU64,
    duplicates: AtomicU64,
    new_stories: AtomicU64,
    unchanged: AtomicU64,
    placing: AtomicBool,
    placed: AtomicBool,
    /// The placer's lock was found held by another worker at the last try.
    placer_elsewhere: AtomicBool,
    /// Microseconds per step, in the order of [`Timings`].
    micros: [AtomicU64; 6],
}

impl Counters {
    /// Runs `f`, adding its time to step `step`.
    fn timed<T>(&self, step: usize, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.micros[step].fetch_add(t.elapsed().as_micros() as u64, Ordering::Relaxed);
        out
    }

    fn secs(&self, step: usize) -> f64 {
        self.micros[step].load(Ordering::Relaxed) as f64 / 1e6
    }
}

const CLAIM: usize = 0;
const PREPARE: usize = 1;
const FINISH: usize = 2;
const READY: usize = 3;
const PLACE: usize = 4;
const MARK: usize = 5;

/// The queue of the store `db` names (`postgres://...`).
pub fn queue(db: &str) -> Result<PgQueue, StoreError> {
    PgQueue::connect(db)
}

/// The job that queues a document read from a file (or the failure to read one, so that it is
/// counted with the rest). The document travels as JSON, as the worker reads it.
pub fn document_job(item: Result<RawDocument, parallax_ingest::IngestError>) -> NewJob {
    match item {
        Ok(doc) => NewJob { kind: JobKind::Document, input: doc.input.clone(), payload: serde_json::to_vec(&doc).unwrap_or_default(), failed: None },
        Err(e) => NewJob { kind: JobKind::Document, input: e.input().to_string(), payload: Vec::new(), failed: Some(e.to_string()) },
    }
}

/// Prepared documents the placer takes per round.
const PLACE_BATCH: usize = 512;
/// How often an idle thread looks for work again.
const IDLE_POLL: Duration = Duration::from_millis(100);
/// How often followed feeds are put on the queue when due.
const SCHEDULE_EVERY: Duration = Duration::from_secs(10);

/// This machine's name, for `parallax status`.
fn machine() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// Runs a worker until `stop` is set (or, with `exit_when_idle`, the queue is done). `log`
/// hears what the user should (taking over placement, failures).
pub fn run(config: &WorkConfig, stop: &AtomicBool, log: &(dyn Fn(&str) + Sync)) -> Result<WorkSummary, WorkError> {
    // (NaN is refused too)
    if config.lease_secs.is_nan() || config.lease_secs < 1.0 {
        return Err(WorkError::Config("the lease must be at least 1 second".into()));
    }
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let host = machine();
    let info = WorkerInfo {
        id: format!("{host}:{}:{:04x}", std::process::id(), nanos & 0xffff),
        host,
        dir: std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default(),
        pid: std::process::id(),
        threads: config.threads.max(1) as u32,
    };
    let mut beat = PgQueue::connect(&config.db)?;
    beat.heartbeat(&info, config.lease_secs, 0, false)?;
    beat.schedule_feeds()?;
    let counters = Counters::default();
    let done = AtomicBool::new(false);
    // one fetcher and one robots.txt cache for all the threads: a site's rules are read once
    // per worker
    let web = Web {
        fetcher: parallax_fetch::Fetcher::new(parallax_fetch::FetchConfig {
            // turns at a host are taken in the queue, across every worker
            host_delay: Duration::ZERO,
            ..config.fetch.clone()
        }),
        robots: parallax_web::collect::RobotsCache::default(),
    };
    let result = std::thread::scope(|scope| -> Result<(), WorkError> {
        let mut handles = Vec::new();
        for n in 0..config.threads.max(1) {
            let (info, counters, done, web) = (&info, &counters, &done, &web);
            let h = std::thread::Builder::new()
                .name(format!("parallax-work-{n}"))
                .spawn_scoped(scope, move || prepare_loop(config, info, n, counters, done, web, log))
                .expect("spawn a worker thread");
            handles.push(h);
        }
        if config.may_place {
            let (counters, done) = (&counters, &done);
            let h = std::thread::Builder::new()
                .name("parallax-place".into())
                .spawn_scoped(scope, move || place_loop(config, counters, done, stop, log))
                .expect("spawn the placing thread");
            handles.push(h);
        }
        let watched = Watched { config, info: &info, counters: &counters, done: &done, stop, threads: &handles };
        let outcome = heartbeat_loop(&watched, &mut beat, log);
        done.store(true, Ordering::Relaxed);
        let mut first_error = outcome.err();
        for h in handles {
            match h.join() {
                Ok(Err(e)) if first_error.is_none() => first_error = Some(e),
                Err(_) if first_error.is_none() => first_error = Some(WorkError::Config("a worker thread panicked".into())),
                _ => {}
            }
        }
        first_error.map_or(Ok(()), Err)
    });
    // jobs held but not finished go back at once, not when their lease runs out
    let _ = beat.retire(&info.id);
    result?;
    Ok(WorkSummary {
        prepared: counters.prepared.load(Ordering::Relaxed),
        failed: counters.failed.load(Ordering::Relaxed),
        stored: counters.stored.load(Ordering::Relaxed),
        duplicates: counters.duplicates.load(Ordering::Relaxed),
        new_stories: counters.new_stories.load(Ordering::Relaxed),
        unchanged: counters.unchanged.load(Ordering::Relaxed),
        placed: counters.placed.load(Ordering::Relaxed),
        secs: Timings {
            claim: counters.secs(CLAIM),
            prepare: counters.secs(PREPARE),
            finish: counters.secs(FINISH),
            ready: counters.secs(READY),
            place: counters.secs(PLACE),
            mark: counters.secs(MARK),
        },
    })
}

/// What the heartbeat watches: the worker, its counters and its threads.
struct Watched<'a, 's> {
    config: &'a WorkConfig,
    info: &'a WorkerInfo,
    counters: &'a Counters,
    done: &'a AtomicBool,
    stop: &'a AtomicBool,
    threads: &'a [std::thread::ScopedJoinHandle<'s, Result<(), WorkError>>],
}

/// Says the worker is alive (extending its leases), puts back the jobs of dead workers, queues
/// due feeds, and decides when an idle worker may exit. Returns when the worker should stop.
fn heartbeat_loop(w: &Watched<'_, '_>, beat: &mut PgQueue, log: &(dyn Fn(&str) + Sync)) -> Result<(), WorkError> {
    let mut patience = Patience::default();
    loop {
        match heartbeats(w, beat, &mut patience) {
            Ok(()) => return Ok(()),
            Err(e) => {
                patience.failed(Err(e), "heartbeat", log)?;
                if let Ok(q) = PgQueue::connect(&w.config.db) {
                    *beat = q;
                }
            }
        }
    }
}

fn heartbeats(w: &Watched<'_, '_>, beat: &mut PgQueue, patience: &mut Patience) -> Result<(), WorkError> {
    let Watched { config, info, counters, done, stop, threads } = *w;
    let every = Duration::from_secs_f64((config.lease_secs / 3.0).clamp(0.2, 5.0));
    let (mut last_beat, mut last_schedule) = (Instant::now(), Instant::now());
    let mut idle_rounds = 0;
    loop {
        std::thread::sleep(IDLE_POLL);
        if stop.load(Ordering::Relaxed) || threads.iter().any(|t| t.is_finished()) {
            return Ok(());
        }
        if last_beat.elapsed() >= every {
            let jobs = counters.prepared.load(Ordering::Relaxed) + counters.failed.load(Ordering::Relaxed);
            beat.heartbeat(info, config.lease_secs, jobs as i64, counters.placing.load(Ordering::Relaxed))?;
            beat.reclaim_expired()?;
            last_beat = Instant::now();
            patience.succeeded();
        }
        if last_schedule.elapsed() >= SCHEDULE_EVERY {
            beat.schedule_feeds()?;
            last_schedule = Instant::now();
        }
        if config.exit_when_idle {
            let (waiting, prepared) = beat.backlog()?;
            // nothing to prepare, and nothing to place or someone else placing it; seen twice
            // in a row, so a job between claim and finish is not missed
            let placing = counters.placing.load(Ordering::Relaxed);
            let idle = !waiting && (!prepared || (!placing && (counters.placer_elsewhere.load(Ordering::Relaxed) || !config.may_place)));
            idle_rounds = if idle { idle_rounds + 1 } else { 0 };
            if idle_rounds >= 3 {
                done.store(true, Ordering::Relaxed);
                return Ok(());
            }
        }
    }
}

/// What a worker's threads share to reach the web.
struct Web {
    fetcher: parallax_fetch::Fetcher,
    robots: parallax_web::collect::RobotsCache,
}

/// Claims jobs, prepares them, hands back the outcomes, until `done`.
fn prepare_loop(
    config: &WorkConfig,
    info: &WorkerInfo,
    thread: usize,
    counters: &Counters,
    done: &AtomicBool,
    web: &Web,
    log: &(dyn Fn(&str) + Sync),
) -> Result<(), WorkError> {
    let mut patience = Patience::default();
    // this thread's claims carry its own name, so that after a lost connection it can hand back
    // the jobs it held (their outcomes are gone) while the worker lives on
    let claimer = format!("{}/{thread}", info.id);
    let mut lost = false;
    while !done.load(Ordering::Relaxed) {
        let round = (|| -> Result<(), WorkError> {
            let mut queue = PgQueue::connect(&config.db)?;
            if lost {
                queue.release(&claimer)?;
                lost = false;
            }
            let mut feeds: Option<PgStore> = None;
            prepare_rounds(config, &claimer, counters, done, web, log, &mut queue, &mut feeds, &mut patience)
        })();
        lost |= round.is_err();
        patience.failed(round, "preparing", log)?;
    }
    Ok(())
}

/// Consecutive failures after which a thread gives up: the server is gone, not blinking.
const MAX_FAILURES_IN_A_ROW: u32 = 10;

/// How a thread rides out a server that blinks (a restart, a deadlock it broke, a dropped
/// connection): it says so, waits, reconnects and goes on; only failures that go on and on end
/// the worker. A preparing thread hands back the jobs whose outcomes it lost (see
/// `prepare_loop`); the placer starts again from the saved state (see `place_loop`).
#[derive(Default)]
struct Patience {
    failures: u32,
}

impl Patience {
    fn succeeded(&mut self) {
        self.failures = 0;
    }

    fn failed(&mut self, round: Result<(), WorkError>, what: &str, log: &(dyn Fn(&str) + Sync)) -> Result<(), WorkError> {
        let Err(e) = round else { return Ok(()) };
        self.failures += 1;
        if self.failures >= MAX_FAILURES_IN_A_ROW {
            return Err(e);
        }
        log(&format!("warning: {what}: {e} (trying again)"));
        std::thread::sleep(Duration::from_millis(250) * self.failures);
        Ok(())
    }
}

/// Rounds of claim, prepare, hand back on one connection, until `done` or an error.
#[allow(clippy::too_many_arguments)]
fn prepare_rounds(
    config: &WorkConfig,
    claimer: &str,
    counters: &Counters,
    done: &AtomicBool,
    web: &Web,
    log: &(dyn Fn(&str) + Sync),
    queue: &mut PgQueue,
    feeds: &mut Option<PgStore>,
    patience: &mut Patience,
) -> Result<(), WorkError> {
    let mut idle = IDLE_POLL;
    while !done.load(Ordering::Relaxed) {
        let jobs =
            counters.timed(CLAIM, || queue.claim(claimer, &JobKind::ALL, config.batch.max(1), config.lease_secs, config.fetch.host_delay.as_secs_f64()))?;
        if jobs.is_empty() {
            std::thread::sleep(idle);
            idle = (idle * 2).min(Duration::from_millis(800));
            continue;
        }
        idle = IDLE_POLL;
        let started = Instant::now();
        let mut outcomes: Vec<(i64, Outcome)> = Vec::new();
        let mut docs: Vec<(i64, RawDocument)> = Vec::new();
        for job in jobs {
            match job.kind {
                JobKind::Document => match serde_json::from_slice::<RawDocument>(&job.payload) {
                    Ok(d) => docs.push((job.id, d)),
                    Err(e) => outcomes.push((job.id, Outcome::Failed(format!("{}: the queued document cannot be read ({e})", job.input)))),
                },
                JobKind::Page => {
                    let hints: Hints = serde_json::from_slice(&job.payload).unwrap_or_default();
                    if !web.robots.allows(&web.fetcher, &job.input) {
                        outcomes.push((job.id, Outcome::Failed(format!("{}: robots.txt does not allow fetching it", job.input))));
                        continue;
                    }
                    match parallax_web::collect::fetch_page(&web.fetcher, &job.input, hints) {
                        Ok(d) => docs.push((job.id, d)),
                        Err(e) => outcomes.push((job.id, Outcome::Failed(e.to_string()))),
                    }
                }
                JobKind::Feed => {
                    let store = match feeds {
                        Some(s) => s,
                        None => feeds.insert(PgStore::connect(&config.db)?),
                    };
                    outcomes.push((job.id, poll_feed(&job, store, queue, &web.fetcher, log)?));
                }
            }
        }
        let (ids, raw): (Vec<i64>, Vec<RawDocument>) = docs.into_iter().unzip();
        for (id, p) in ids.into_iter().zip(prepare_documents(raw.into_iter().map(Ok).collect(), &config.engine)) {
            outcomes.push((
                id,
                match p.failure() {
                    Some(reason) => Outcome::Failed(reason.to_string()),
                    None => Outcome::Prepared(p.to_bytes()),
                },
            ));
        }
        for (_, o) in &outcomes {
            match o {
                Outcome::Failed(reason) => {
                    counters.failed.fetch_add(1, Ordering::Relaxed);
                    log(&format!("warning: {reason}, skipped"));
                }
                _ => {
                    counters.prepared.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        counters.micros[PREPARE].fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
        counters.timed(FINISH, || queue.finish(claimer, &outcomes))?;
        patience.succeeded();
    }
    Ok(())
}

/// Polls one followed feed: its new entries go on the queue (pages to fetch, or documents when
/// the feed carries them whole), and the feed is queued again for its next poll, paced as
/// `parallax watch` paces it.
fn poll_feed(
    job: &ClaimedJob,
    store: &mut PgStore,
    queue: &mut PgQueue,
    fetcher: &parallax_fetch::Fetcher,
    log: &(dyn Fn(&str) + Sync),
) -> Result<Outcome, WorkError> {
    use parallax_web::schedule;
    let Some(mut f) = store.feeds()?.into_iter().find(|f| f.url == job.input && f.enabled) else {
        return Ok(Outcome::Failed(format!("{}: no longer followed (disabled or removed)", job.input)));
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    let validators = parallax_fetch::Validators { etag: f.etag.clone(), last_modified: f.last_modified.clone() };
    let fetched = fetcher.get(&f.url, &validators);
    match take_in_poll(&mut f, &validators, fetched, now) {
        Polled::NotModified { .. } => {}
        Polled::Failed(e) => log(&format!("warning: {e} (next try in {} min)", f.interval_secs / 60)),
        Polled::Modified(r) => match parallax_web::feed::parse(&r.body, &r.url) {
            Ok(feed) => {
                f.title = feed.title.clone().or(f.title.take());
                let dates: Vec<String> = feed.items.iter().filter_map(|i| i.published.clone()).collect();
                f.interval_secs = schedule::after_success(&dates, now, feed.ttl_minutes, r.max_age, None);
                let jobs: Vec<NewJob> = parallax_web::collect::feed_entries(&feed)
                    .into_iter()
                    .map(|e| match e {
                        parallax_web::collect::FeedEntry::Page { url, hints } => {
                            NewJob { kind: JobKind::Page, input: url, payload: serde_json::to_vec(&hints).unwrap_or_default(), failed: None }
                        }
                        parallax_web::collect::FeedEntry::Item(doc) => document_job(Ok(doc)),
                    })
                    .collect();
                // a page already queued once is not queued again; a whole item is a document,
                // and placing it twice stores it once
                queue.enqueue(&jobs)?;
            }
            Err(e) => {
                f.errors += 1;
                f.last_error = Some(e.to_string());
                f.interval_secs = schedule::after_failure(f.errors, None);
                log(&format!("warning: {e} (next try in {} min)", f.interval_secs / 60));
            }
        },
    }
    f.next_check = now + f.interval_secs;
    store.update_feed(&f)?;
    Ok(Outcome::Again { after_secs: f.interval_secs })
}

/// What a poll of a followed feed said, once taken into its state.
pub enum Polled {
    /// Not modified since the validators sent (a 304, or a 200 with the same ETag).
    NotModified { max_age: Option<u64> },
    /// A new body, to read for items (the feed's pace is then set by them).
    Modified(parallax_fetch::Response),
    /// The poll failed: the feed backs off; the message names it.
    Failed(String),
}

/// Takes a feed poll into the feed's state: validators, errors and backoff, and the next check
/// (never sooner than the server's max-age; a modified feed keeps its old pace until its items
/// are read). The one policy of `parallax watch` and the workers.
pub fn take_in_poll(
    f: &mut parallax_store::FeedState,
    sent: &parallax_fetch::Validators,
    fetched: Result<parallax_fetch::Response, parallax_fetch::FetchError>,
    now: i64,
) -> Polled {
    use parallax_web::schedule;
    f.last_checked = Some(now);
    let polled = match fetched {
        Ok(r) => {
            f.errors = 0;
            f.last_error = None;
            f.etag = r.validators.etag.clone().or(f.etag.take());
            f.last_modified = r.validators.last_modified.clone().or(f.last_modified.take());
            f.interval_secs = f.interval_secs.max(schedule::MIN_INTERVAL).max(r.max_age.map_or(0, |a| a as i64));
            // a 200 with the ETag we sent is "not modified" too
            if !r.modified || (r.validators.etag.is_some() && r.validators.etag == sent.etag) {
                Polled::NotModified { max_age: r.max_age }
            } else {
                Polled::Modified(r)
            }
        }
        Err(e) => {
            f.errors += 1;
            f.last_error = Some(e.to_string());
            f.interval_secs = schedule::after_failure(f.errors, e.retry_after().map(|d| d.as_secs()));
            Polled::Failed(e.to_string())
        }
    };
    f.next_check = now + f.interval_secs;
    polled
}

/// Places prepared documents while this worker holds the placer's lock; tries to take it
/// while another worker does. After a failure the engine is dropped with its connection (and
/// so the lock): what it held in memory may be ahead of the store, so placement starts again
/// from the saved state, here or in another worker.
fn place_loop(config: &WorkConfig, counters: &Counters, done: &AtomicBool, stop: &AtomicBool, log: &(dyn Fn(&str) + Sync)) -> Result<(), WorkError> {
    let mut patience = Patience::default();
    loop {
        match place_while_placer(config, counters, done, stop, log, &mut patience) {
            Ok(()) => return Ok(()),
            Err(e) => {
                counters.placing.store(false, Ordering::Relaxed);
                patience.failed(Err(e), "placing", log)?;
            }
        }
    }
}

fn place_while_placer(
    config: &WorkConfig,
    counters: &Counters,
    done: &AtomicBool,
    stop: &AtomicBool,
    log: &(dyn Fn(&str) + Sync),
    patience: &mut Patience,
) -> Result<(), WorkError> {
    let mut queue = PgQueue::connect(&config.db)?;
    let store = PgStore::connect(&config.db)?;
    // wait for the lock, trying now and then; a stop or the end of the queue ends the wait
    loop {
        if done.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        if store.try_lock_writer()? {
            break;
        }
        counters.placer_elsewhere.store(true, Ordering::Relaxed);
        patience.succeeded();
        std::thread::sleep(Duration::from_millis(500));
    }
    counters.placer_elsewhere.store(false, Ordering::Relaxed);
    let mut engine = Engine::open(store, config.engine.clone())?;
    for n in engine.take_notices() {
        log(&format!("warning: {n}"));
    }
    counters.placing.store(true, Ordering::Relaxed);
    counters.placed.store(true, Ordering::Relaxed);
    log("placing: this worker places the prepared documents (continuing from the saved state)");
    let mut idle_since: Option<Instant> = None;
    loop {
        let ready = counters.timed(READY, || queue.ready_to_place(PLACE_BATCH))?;
        if ready.is_empty() {
            // a pause in the stream: the state is saved, so a takeover replays little
            if engine.unsaved() && idle_since.is_some_and(|t| t.elapsed() > Duration::from_secs(2)) {
                engine.save_state()?;
            }
            if done.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
                break;
            }
            idle_since.get_or_insert_with(Instant::now);
            std::thread::sleep(IDLE_POLL);
            continue;
        }
        idle_since = None;
        let ids: Vec<i64> = ready.iter().map(|r| r.id).collect();
        let docs: Vec<PreparedDocument> = ready
            .iter()
            .filter_map(|r| {
                let d = PreparedDocument::from_bytes(&r.prepared, &config.engine.dedup);
                if d.is_none() {
                    log(&format!("warning: {}: prepared by another version of parallax; queue it again", r.input));
                }
                d
            })
            .collect();
        let mut sink = |ev: Event<'_>| match ev {
            Event::Stored { article, new_story, .. } => {
                counters.stored.fetch_add(1, Ordering::Relaxed);
                counters.duplicates.fetch_add(u64::from(article.duplicate_of.is_some()), Ordering::Relaxed);
                counters.new_stories.fetch_add(u64::from(new_story), Ordering::Relaxed);
            }
            Event::Unchanged { .. } => {
                counters.unchanged.fetch_add(1, Ordering::Relaxed);
            }
            Event::Failed { .. } => {}
        };
        counters.timed(PLACE, || engine.place_prepared(docs.into_iter(), &mut sink))?;
        counters.timed(MARK, || queue.mark_placed(&ids))?;
        patience.succeeded();
        if stop.load(Ordering::Relaxed) {
            break;
        }
    }
    engine.save_state()?;
    counters.placing.store(false, Ordering::Relaxed);
    Ok(())
}
