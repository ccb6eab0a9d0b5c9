//! The job queue of a shared store: the work that `parallax work` processes share, on any
//! number of machines. Feeds to poll, pages to fetch and documents to prepare are claimed by
//! one worker at a time under a lease; prepared documents are placed by one placer, in the
//! order they were queued, so stories come out as one process would make them.
//!
//! A job's life: `queued` -> `running` (claimed, leased) -> `prepared` -> `placed`, or
//! `failed` with its reason. A job whose worker stopped answering (killed, its machine lost)
//! goes back to `queued` when its lease runs out, and fails after [`MAX_ATTEMPTS`] tries.
//! A feed job is queued again after each poll, for its next one.

use crate::StoreError;

/// Tries of one job before it fails for good: a document that kills its worker every time
/// must not take the fleet down one worker after another.
pub const MAX_ATTEMPTS: i32 = 3;

/// What a job asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    /// A document already read (a file, a JSONL line, a WARC record): extract and prepare it.
    Document,
    /// A page to fetch, then prepare.
    Page,
    /// A followed feed to poll: its new items become page (or document) jobs.
    Feed,
}

impl JobKind {
    pub const ALL: [JobKind; 3] = [JobKind::Document, JobKind::Page, JobKind::Feed];

    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Document => "document",
            JobKind::Page => "page",
            JobKind::Feed => "feed",
        }
    }

    pub fn parse(s: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the job fetches from the web, and so waits its turn at its host.
    pub fn fetches(self) -> bool {
        matches!(self, JobKind::Page | JobKind::Feed)
    }
}

/// A job about to be queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: JobKind,
    /// The document's input name, the page's or the feed's URL. A page or feed URL is queued
    /// once: queuing it again while it is known does nothing.
    pub input: String,
    /// What the worker needs besides the input: the raw document, or a page's hints from its
    /// feed item.
    pub payload: Vec<u8>,
    /// A document that could not even be read is queued as failed, with the reason, so the
    /// failures are all in one place (`parallax status`).
    pub failed: Option<String>,
}

/// A job a worker holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: JobKind,
    pub input: String,
    pub payload: Vec<u8>,
    /// Tries so far, this one included.
    pub attempts: i32,
}

/// How a job ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A document ready to place (`parallax_pipeline::PreparedDocument` bytes).
    Prepared(Vec<u8>),
    /// Failed for good, with the reason (naming the input).
    Failed(String),
    /// Done for now, to run again in `after_secs` (a feed's next poll).
    Again { after_secs: i64 },
}

/// A prepared document waiting for the placer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyJob {
    pub id: i64,
    pub input: String,
    pub prepared: Vec<u8>,
}

/// A worker process, as it announces itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerInfo {
    pub id: String,
    /// The machine it runs on.
    pub host: String,
    /// Its working directory.
    pub dir: String,
    pub pid: u32,
    pub threads: u32,
}

/// A worker as `parallax status` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerStatus {
    pub info: WorkerInfo,
    /// Seconds since it was last heard from.
    pub seen_secs_ago: f64,
    pub jobs_done: i64,
    /// Whether it is the placer.
    pub placing: bool,
}

/// A failed job: what and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub id: i64,
    pub kind: JobKind,
    pub input: String,
    pub error: String,
    pub attempts: i32,
}

/// The queue at a glance.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueStatus {
    /// Jobs per kind and state (`queued`, `running`, `prepared`, `placed`, `failed`).
    pub counts: Vec<(JobKind, String, i64)>,
    /// Jobs that ended (prepared or failed) in the last minute, per second.
    pub prepared_per_sec: f64,
    /// Documents placed in the last minute, per second.
    pub placed_per_sec: f64,
    /// Workers heard from within [`ALIVE_SECS`].
    pub workers: Vec<WorkerStatus>,
    pub failed: i64,
    /// The latest failures, newest first.
    pub failures: Vec<Failure>,
}

impl QueueStatus {
    /// Jobs in the given states, of any kind.
    pub fn in_states(&self, states: &[&str]) -> i64 {
        self.counts.iter().filter(|(_, s, _)| states.contains(&s.as_str())).map(|c| c.2).sum()
    }
}

/// A worker not heard from for this long is not counted alive (it beats every few seconds).
pub const ALIVE_SECS: f64 = 15.0;

/// The queue of a shared store. Every call is one transaction.
pub trait JobQueue {
    /// Queues jobs, in order: documents are placed in the order they were queued, across
    /// every call and every process queuing at once. Returns how many were queued (a page or
    /// feed already known is not queued again).
    fn enqueue(&mut self, jobs: &[NewJob]) -> Result<usize, StoreError>;
    /// Claims up to `max` queued jobs of the given kinds for `worker` (or one of its threads,
    /// `WORKER/THREAD`), leased for `lease_secs` and then for as long as the worker beats:
    /// documents in queue order; pages and feeds that are due, at most one per host, and only
    /// from a host no worker has fetched from in the last `host_delay_secs`.
    fn claim(&mut self, worker: &str, kinds: &[JobKind], max: usize, lease_secs: f64, host_delay_secs: f64) -> Result<Vec<ClaimedJob>, StoreError>;
    /// Ends jobs `worker` holds. A job whose lease ran out and went to another worker is left
    /// alone: its outcome is dropped. Returns how many were ended.
    fn finish(&mut self, worker: &str, outcomes: &[(i64, Outcome)]) -> Result<usize, StoreError>;
    /// Announces a worker, or says it is alive, and extends the leases of its jobs.
    fn heartbeat(&mut self, worker: &WorkerInfo, lease_secs: f64, jobs_done: i64, placing: bool) -> Result<(), StoreError>;
    /// A worker stopping cleanly: its jobs (those of all its threads) go back to the queue at
    /// once.
    fn retire(&mut self, worker: &str) -> Result<(), StoreError>;
    /// Puts back the jobs a worker's thread holds (claimed as `WORKER/THREAD`), after it lost
    /// their outcomes with its connection. Returns how many.
    fn release(&mut self, claimer: &str) -> Result<usize, StoreError>;
    /// Puts back the jobs whose lease ran out (their worker died), failing those tried
    /// [`MAX_ATTEMPTS`] times. Returns how many were put back or failed.
    fn reclaim_expired(&mut self) -> Result<usize, StoreError>;
    /// Queues a poll of every enabled followed feed that has none queued or running.
    fn schedule_feeds(&mut self) -> Result<usize, StoreError>;
    /// Prepared documents ready to place, in queue order, up to `max`: those queued before any
    /// document still being prepared.
    fn ready_to_place(&mut self, max: usize) -> Result<Vec<ReadyJob>, StoreError>;
    /// Marks jobs placed (their articles are in the store).
    fn mark_placed(&mut self, ids: &[i64]) -> Result<(), StoreError>;
    /// What is left: whether any job waits to be prepared (queued and due, or running), and
    /// whether any prepared document waits for the placer.
    fn backlog(&mut self) -> Result<(bool, bool), StoreError>;
    /// The queue at a glance, with the latest `failures` failures.
    fn status(&mut self, failures: usize) -> Result<QueueStatus, StoreError>;
}
