//! The engine: raw documents flow one way through extraction, dedup and story assignment into the
//! store; story reports come out with their claims. Any front end (the CLI, a server, a worker)
//! drives this and nothing else.
//!
//! ```text
//! RawDocument -> extract -> Article -> dedup (duplicate_of) -> cluster (story) -> Store
//!                                                      Store -> claims -> StoryReport
//! ```
//!
//! Its jobs, each in a module of its own:
//! - preparing a document (`prepare`): stateless, on every core;
//! - placing it (the [`Engine`]): one writer, origin and story;
//! - the saved state (`state`): what is saved, how, and when;
//! - reading (`read`): reports from the store alone, and articles compared with nothing stored.

use parallax_claims::ClaimConfig;
use parallax_cluster::{day_number, ClusterConfig, Clusterer, Features, Learn, TermCounts};
use parallax_dedup::{DedupConfig, DupIndex, Fingerprint};
use parallax_model::{Article, RawDocument, Story, StoryReport};
use parallax_store::{Store, StoreError, StoredArticle};
use sha2::{Digest, Sha256};

pub mod corrections;
mod ids;
mod prepare;
mod read;
mod state;
use ids::IdFilter;
pub use parallax_cluster::{Storyline, StorylineConfig};
use prepare::{in_order, prepare_chunk, Prepared, PREPARE_CHUNK, QUEUE_CHUNKS};
pub use prepare::{prepare_documents, PreparedDocument};
use read::first_words;
pub use read::{attach_storylines, attach_timeline, compare_articles, stored_report, story_report, storyline_timeline, storylines};
use state::*;
use std::collections::HashMap;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("story {0} not found")]
    NoStory(String),
}

/// Settings of every stage, with the shipped defaults.
#[derive(Debug, Clone, Default)]
pub struct EngineConfig {
    pub dedup: DedupConfig,
    pub cluster: ClusterConfig,
    pub claims: ClaimConfig,
    /// Articles written per transaction.
    pub batch_size: usize,
    /// An optional sentence-embedding model: with it, story similarity also weighs what the
    /// ledes mean, not only the words they share. Off by default.
    pub embedder: Option<std::sync::Arc<parallax_embed::Embedder>>,
}

impl EngineConfig {
    pub fn new() -> Self {
        EngineConfig { batch_size: 256, ..Default::default() }
    }
}

/// What happened to one input document.
#[derive(Debug)]
pub enum Event<'a> {
    Stored { article: &'a Article, story: &'a str, new_story: bool },
    Unchanged { input: &'a str, id: &'a str },
    Failed { input: &'a str, error: String },
}

/// Where per-document outcomes go (progress bars, logs, a job table).
pub trait EventSink {
    fn event(&mut self, event: Event<'_>);
}

impl<F: FnMut(Event<'_>)> EventSink for F {
    fn event(&mut self, event: Event<'_>) {
        self(event)
    }
}

/// Counts of one ingest run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestSummary {
    /// Ids of the articles the inputs hold, new or already stored, in input order.
    pub article_ids: Vec<String>,
    /// The input (path or JSONL id) of each entry of `article_ids`.
    pub inputs: Vec<String>,
    pub stored: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub duplicates: usize,
    pub new_stories: usize,
}

type RawItem = Result<RawDocument, parallax_ingest::IngestError>;

/// What the engine remembers of each stored article between batches.
#[derive(Debug, Clone)]
struct Known {
    story: String,
    published: Option<String>,
    duplicate_of: Option<String>,
}

pub struct Engine<S: Store> {
    store: S,
    config: EngineConfig,
    dups: DupIndex,
    clusterer: Clusterer,
    /// Articles of the replayed window and of this run (all of them when `complete`).
    known: HashMap<String, Known>,
    /// Whether `known` holds every stored article.
    complete: bool,
    /// Every stored id, approximately: when `known` is not complete, an id it misses is only
    /// looked up in the store if the filter may hold it.
    stored_ids: IdFilter,
    /// Articles stored since the engine state was last saved.
    since_snapshot: usize,
    /// Size of the engine state last loaded or saved: room for the next one.
    state_bytes: usize,
    /// The saved state, being decoded while the first documents are read (see `settle`).
    decoding: Option<std::thread::JoinHandle<Option<(Clusterer, DupIndex)>>>,
    /// When the state was last saved (or the engine opened): snapshots also follow the clock.
    last_snapshot: std::time::Instant,
    /// What the user should hear about the engine itself (a state that had to be rebuilt).
    notices: Vec<String>,
    /// The last reader's correction taken into the stories in memory (see `corrections`).
    corrections_seen: i64,
}

/// How far ahead of today a publication date may be and still place an article in time: time
/// zones and scheduled publication put real dates a day or so ahead.
const FUTURE_DAYS_ALLOWED: f64 = 2.0;

/// Today as a day number (days since 1970-01-01, UTC).
fn today() -> f64 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    (secs / 86_400) as f64
}

/// A stable id from what the article is, not where it was read from: the same page read twice
/// is one article; the same wire text under two outlets is two.
pub fn article_id(a: &Article) -> String {
    let mut h = Sha256::new();
    for part in [a.url.as_deref(), a.outlet.as_deref(), a.title.as_deref()] {
        h.update(part.unwrap_or("").as_bytes());
        h.update([0u8]);
    }
    h.update(a.text().as_bytes());
    let d = h.finalize();
    format!("a{}", d.iter().take(8).map(|b| format!("{b:02x}")).collect::<String>())
}

fn story_id(first_article: &str) -> String {
    format!("s{}", first_article.trim_start_matches('a').chars().take(12).collect::<String>())
}

impl<S: Store> Engine<S> {
    /// Opens the engine over a store. The dedup and story indexes continue from the state the
    /// last run saved, and only the articles stored after it are replayed. Without a usable
    /// state (a store from an older version), they are rebuilt from the store: document
    /// frequencies from their last snapshot plus the articles stored since, and the live stories
    /// and dedup entries from the latest articles only. Either way, opening costs the same
    /// whether the store holds a thousand articles or a million.
    pub fn open(store: S, config: EngineConfig) -> Result<Self, EngineError> {
        let last = store.last_position()?;
        let loaded = store.load_state(ENGINE_STATE)?.filter(|(position, _)| *position <= last);
        let mut engine = Engine {
            clusterer: Clusterer::new(config.cluster.clone()),
            dups: DupIndex::new(config.dedup.clone()),
            known: HashMap::new(),
            complete: false,
            stored_ids: IdFilter::with_capacity(0),
            since_snapshot: 0,
            state_bytes: loaded.as_ref().map_or(0, |(_, bytes)| bytes.len()),
            decoding: None,
            last_snapshot: std::time::Instant::now(),
            notices: Vec::new(),
            corrections_seen: 0,
            store,
            config,
        };
        // a store's corrections are in its articles' stories, which a rebuild or replay reads;
        // only those made since the saved state was taken in are caught up (see `settle`)
        engine.corrections_seen = match engine.store.load_state(CORRECTIONS_STATE)? {
            Some((_, bytes)) if loaded.is_some() => bytes.get(..8).and_then(|b| b.try_into().ok()).map_or(0, i64::from_le_bytes),
            _ => engine.store.last_correction()?,
        };
        match loaded {
            // The usual case, a state as of the last stored article: it is decoded on a thread
            // of its own while the first documents are read and extracted, and placement waits
            // for it (see `settle`).
            Some((position, bytes)) if position == last => {
                let config = engine.config.clone();
                let decode = move || decode_engine_state(&bytes, &config);
                engine.decoding = Some(std::thread::Builder::new().name("parallax-open".into()).spawn(decode).expect("spawn a thread"));
                engine.replay(last, last)?;
            }
            // a run killed after its last save: the state, then the articles stored since
            Some((position, bytes)) => match decode_engine_state(&bytes, &engine.config) {
                Some((clusterer, dups)) => {
                    (engine.clusterer, engine.dups) = (clusterer, dups);
                    engine.replay(position, position)?;
                }
                None => {
                    engine.notices.push(format!("the saved engine state is damaged or from another version: rebuilt from the {last} stored articles"));
                    engine.rebuild()?
                }
            },
            None => {
                if last > 0 {
                    engine.notices.push(format!("no saved engine state (missing, damaged or never saved): rebuilt from the {last} stored articles"));
                }
                engine.rebuild()?
            }
        }
        Ok(engine)
    }

    /// What the user should hear about the engine itself since the last call: a saved state that
    /// could not be used and was rebuilt from the store.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Waits for the saved state being decoded, if any; rebuilds from the store when it could
    /// not be read.
    fn settle(&mut self) -> Result<(), EngineError> {
        if let Some(decoding) = self.decoding.take() {
            match decoding.join().ok().flatten() {
                Some((clusterer, dups)) => (self.clusterer, self.dups) = (clusterer, dups),
                None => {
                    let last = self.store.last_position()?;
                    self.notices.push(format!("the saved engine state is damaged or from another version: rebuilt from the {last} stored articles"));
                    self.rebuild()?;
                    self.corrections_seen = self.store.last_correction()?;
                }
            }
        }
        self.catch_up_corrections()
    }

    /// Takes in the corrections readers made since the last look (from `parallax serve` or the
    /// CLI, while this engine runs or before it opened): their stories are rebuilt in memory from
    /// the corrected articles, so newcomers are placed by them; a merged-away story is forgotten.
    /// An article this engine stored in a story while it was being merged away follows the rest.
    fn catch_up_corrections(&mut self) -> Result<(), EngineError> {
        if self.store.last_correction()? <= self.corrections_seen {
            return Ok(());
        }
        let found = self.store.reapply_corrections(self.corrections_seen)?;
        let mut touched: Vec<String> = Vec::new();
        for c in &found {
            for s in [&c.from_story, &c.to_story] {
                if !touched.contains(s) {
                    touched.push(s.clone());
                }
            }
            self.corrections_seen = self.corrections_seen.max(c.seq);
        }
        // stories the clusterer had already forgotten stay forgotten, unless one they were
        // corrected with is live: then the corrected story is a candidate again
        let live = touched.iter().any(|s| self.clusterer.holds(s));
        for s in &touched {
            self.clusterer.forget_story(s);
        }
        for s in &touched {
            for rec in self.store.story_records(s)? {
                if let Some(k) = self.known.get_mut(&rec.article.id) {
                    k.story = s.clone();
                }
                if live {
                    let counts = TermCounts(rec.terms);
                    let outlet = rec.article.outlet_or_host();
                    let features = Features { counts: &counts, embedding: rec.embedding.as_deref(), day: rec.day, outlet: Some(&outlet) };
                    self.clusterer.restore(s, &features, Learn::No, rec.similarity);
                }
            }
        }
        Ok(())
    }

    /// The indexes from the store alone: document frequencies from their snapshot, the live
    /// stories and dedup entries from the latest articles.
    fn rebuild(&mut self) -> Result<(), EngineError> {
        let last = self.store.last_position()?;
        self.clusterer = Clusterer::new(self.config.cluster.clone());
        self.dups = DupIndex::new(self.config.dedup.clone());
        self.known.clear();
        let replay_after = (last - self.config.dedup.capacity.max(self.config.cluster.live_stories) as i64).max(0);
        // A store that fits the replay window is replayed from its first article, learning the
        // frequencies as they grew: each article's vector then weighs its words as it did when
        // it was placed, and the stories come out exactly as they were. Only a larger store
        // starts from the frequency snapshot (its oldest stories are forgotten anyway).
        let mut df_position = 0;
        if replay_after > 0 {
            if let Some((position, bytes)) = self.store.load_state(DF_STATE)? {
                if position <= last && self.clusterer.load_df(&bytes) {
                    df_position = position;
                }
            }
        }
        self.replay(replay_after, df_position)
    }

    /// Loads the id filter and replays the stored articles after `replay_after` into the live
    /// stories and dedup entries, counting those after `df_position` into the frequencies.
    fn replay(&mut self, replay_after: i64, df_position: i64) -> Result<(), EngineError> {
        let Engine { store, config, clusterer, dups, known, .. } = self;
        let last = store.last_position()?;
        // the id filter saved with the frequencies is topped up with the ids stored since, in the
        // same pass as the replay; without one (or once outgrown) it is rebuilt from all ids
        let saved_ids =
            store.load_state(IDS_STATE)?.filter(|(position, _)| *position == df_position).and_then(|(_, b)| IdFilter::from_bytes(&b)).filter(|f| !f.is_full());
        let top_up = saved_ids.is_some();
        let mut stored_ids = match saved_ids {
            Some(filter) => filter,
            None => {
                let mut filter = IdFilter::with_capacity((2 * last as usize).max(1 << 20));
                store.scan_ids(&mut |id| filter.insert(id))?;
                filter
            }
        };
        store.scan_index_records(replay_after.min(df_position), &mut |seq, rec: StoredArticle| {
            if top_up && seq > df_position {
                stored_ids.insert(&rec.article.id);
            }
            let learn = if seq > df_position { Learn::Yes } else { Learn::No };
            // Every article of the replayed window is restored, even one whose story the window
            // has long left behind: the clusterer forgets such stories itself, as it did when the
            // articles first came, so slots, postings and centroids come out as they were.
            if seq <= replay_after {
                if learn == Learn::Yes {
                    clusterer.learn_only(&TermCounts(rec.terms));
                }
                return;
            } else {
                let counts = TermCounts(rec.terms);
                let outlet = rec.article.outlet_or_host();
                clusterer.restore(
                    &rec.story_id,
                    &Features { counts: &counts, embedding: rec.embedding.as_deref(), day: rec.day, outlet: Some(&outlet) },
                    learn,
                    rec.similarity,
                );
            }
            if rec.article.duplicate_of.is_none() {
                if let Some(fp) = Fingerprint::from_bytes(&rec.sketch, &config.dedup) {
                    dups.insert(rec.article.id.clone(), fp);
                }
            }
            known.insert(rec.article.id, Known { story: rec.story_id, published: rec.article.published, duplicate_of: rec.article.duplicate_of });
        })?;
        self.stored_ids = stored_ids;
        self.complete = replay_after == 0;
        Ok(())
    }

    /// Saves what lets the next [`Engine::open`] skip re-reading old articles.
    ///
    /// The saved state covers every article up to the store's last position, which holds while
    /// this engine is the store's only writer (one ingest at a time per store).
    fn snapshot(&mut self) -> Result<(), EngineError> {
        self.settle()?;
        let position = self.store.last_position()?;
        let bytes = encode_engine_state(&self.clusterer, &self.dups, self.state_bytes + self.state_bytes / 4);
        self.state_bytes = bytes.len();
        self.store.save_state(ENGINE_STATE, position, &bytes)?;
        drop(bytes);
        self.store.save_state(DF_STATE, position, &self.clusterer.df_snapshot())?;
        self.store.save_state(IDS_STATE, position, &self.stored_ids.to_bytes())?;
        self.store.save_state(CORRECTIONS_STATE, position, &self.corrections_seen.to_le_bytes())?;
        self.since_snapshot = 0;
        self.last_snapshot = std::time::Instant::now();
        Ok(())
    }

    /// What the engine knows of an article: from memory, or from the store for an article
    /// older than the replayed window.
    fn lookup(&mut self, id: &str) -> Result<Option<&Known>, EngineError> {
        if !self.complete && !self.known.contains_key(id) && self.stored_ids.may_contain(id) {
            if let Some(p) = self.store.placement(id)? {
                self.known.insert(id.to_string(), Known { story: p.story_id, published: p.published, duplicate_of: p.duplicate_of });
            }
        }
        Ok(self.known.get(id))
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// The store, for what is not the engine's business (followed feeds, say); articles and
    /// stories go through [`Engine::ingest`] only.
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// Extracts, dedups, assigns and stores every document. Bad documents are reported to the
    /// sink and skipped; everything stored before a failure stays stored.
    ///
    /// Reading runs on one thread and extraction, fingerprinting and term counting, which need
    /// no shared state, on one worker per core, ahead of placement and storage, which do.
    pub fn ingest(
        &mut self,
        docs: impl Iterator<Item = Result<RawDocument, parallax_ingest::IngestError>> + Send,
        sink: &mut dyn EventSink,
    ) -> Result<IngestSummary, EngineError> {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
        let (dedup, cluster, embedder) = (self.config.dedup.clone(), self.config.cluster.clone(), self.config.embedder.clone());
        let (dedup, cluster, embedder) = (&dedup, &cluster, embedder.as_deref());
        // Documents travel in chunks (one channel message per chunk, not per document) and come
        // back in input order: placement is sequential and must see articles as they arrived.
        let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<(usize, Vec<RawItem>)>(workers * QUEUE_CHUNKS);
        let work_rx = std::sync::Mutex::new(work_rx);
        let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<(usize, Vec<Prepared>)>(workers * QUEUE_CHUNKS);
        // set when placement has stopped early (a store error): the threads feeding it wind down
        let abandoned = std::sync::atomic::AtomicBool::new(false);
        let abandoned = &abandoned;
        std::thread::scope(|scope| {
            let named = |name: &str| std::thread::Builder::new().name(name.to_string());
            // (thread names show in profilers and `top -H`)
            named("parallax-read")
                .spawn_scoped(scope, move || {
                    let mut chunk = Vec::with_capacity(PREPARE_CHUNK);
                    let mut seq = 0;
                    for item in docs {
                        chunk.push(item);
                        if chunk.len() == PREPARE_CHUNK {
                            if abandoned.load(std::sync::atomic::Ordering::Relaxed)
                                || work_tx.send((seq, std::mem::replace(&mut chunk, Vec::with_capacity(PREPARE_CHUNK)))).is_err()
                            {
                                return;
                            }
                            seq += 1;
                        }
                    }
                    if !chunk.is_empty() {
                        let _ = work_tx.send((seq, chunk));
                    }
                })
                .expect("spawn a reader thread");
            for _ in 0..workers {
                let done_tx = done_tx.clone();
                let work_rx = &work_rx;
                named("parallax-prepare")
                    .spawn_scoped(scope, move || loop {
                        let next = work_rx.lock().map(|rx| rx.recv());
                        let Ok(Ok((seq, chunk))) = next else { return };
                        if abandoned.load(std::sync::atomic::Ordering::Relaxed) {
                            // keep draining so the reader is never stuck on a full queue
                            continue;
                        }
                        if done_tx.send((seq, prepare_chunk(chunk, dedup, cluster, embedder))).is_err() {
                            abandoned.store(true, std::sync::atomic::Ordering::Relaxed);
                        }
                    })
                    .expect("spawn a worker thread");
            }
            drop(done_tx);
            self.place_all(in_order(done_rx.into_iter()).flatten(), sink, true)
        })
    }

    /// Places documents prepared elsewhere (by the workers of a job queue), in the order given,
    /// as [`Engine::ingest`] places the documents it prepares. A caller that places a stream in
    /// parts saves the state itself ([`Engine::save_state`]) when the stream pauses: each part is
    /// not a run's end.
    pub fn place_prepared(&mut self, prepared: impl Iterator<Item = PreparedDocument>, sink: &mut dyn EventSink) -> Result<IngestSummary, EngineError> {
        self.place_all(prepared.map(|p| p.0), sink, false)
    }

    /// Whether articles were stored since the state was last saved.
    pub fn unsaved(&self) -> bool {
        self.since_snapshot > 0
    }

    fn place_all(&mut self, prepared: impl Iterator<Item = Prepared>, sink: &mut dyn EventSink, run_end: bool) -> Result<IngestSummary, EngineError> {
        self.settle()?;
        let mut summary = IngestSummary::default();
        let mut batch: Vec<StoredArticle> = Vec::new();
        let mut new_stories: Vec<Story> = Vec::new();
        let mut repoint: Vec<(String, Option<String>)> = Vec::new();
        for item in prepared {
            let (input, mut article, fp, counts, embedding) = match item {
                Prepared::Failed { input, error } => {
                    summary.failed += 1;
                    sink.event(Event::Failed { input: &input, error });
                    continue;
                }
                Prepared::Ready { input, article, fp, counts, embedding } => (input, article, fp, counts, embedding),
            };
            if self.lookup(&article.id)?.is_some() {
                summary.unchanged += 1;
                sink.event(Event::Unchanged { input: &input, id: &article.id });
                summary.article_ids.push(article.id);
                summary.inputs.push(input);
                continue;
            }
            let rec = self.place(&mut article, fp, counts, embedding, &mut new_stories, &mut repoint)?;
            summary.stored += 1;
            summary.duplicates += usize::from(article.duplicate_of.is_some());
            let created = new_stories.last().is_some_and(|s| s.id == rec.story_id && s.article_ids.first() == Some(&article.id));
            summary.new_stories += usize::from(created);
            sink.event(Event::Stored { article: &article, story: &rec.story_id, new_story: created });
            summary.article_ids.push(article.id.clone());
            summary.inputs.push(input);
            self.stored_ids.insert(&article.id);
            batch.push(StoredArticle { article, ..rec });
            if batch.len() >= self.config.batch_size.max(1) {
                self.store.insert_batch(&batch, &new_stories, &repoint)?;
                self.since_snapshot += batch.len();
                batch.clear();
                new_stories.clear();
                repoint.clear();
                self.catch_up_corrections()?;
                if snapshot_due(self.since_snapshot, self.last_snapshot.elapsed()) {
                    self.snapshot()?;
                }
            }
        }
        self.store.insert_batch(&batch, &new_stories, &repoint)?;
        self.since_snapshot += batch.len();
        self.catch_up_corrections()?;
        // a run's end saves by the end-of-run policy; a part of a longer stream, by the
        // during-a-run one
        let save =
            if run_end { snapshot_at_end(self.since_snapshot, self.state_bytes) } else { snapshot_due(self.since_snapshot, self.last_snapshot.elapsed()) };
        if save {
            self.snapshot()?;
        }
        Ok(summary)
    }

    /// Decides an article's origin and story and updates the in-memory indexes. Returns the
    /// record to store (with an empty article; the caller moves the article in).
    fn place(
        &mut self,
        article: &mut Article,
        fp: Fingerprint,
        counts: TermCounts,
        embedding: Option<Vec<f32>>,
        new_stories: &mut Vec<Story>,
        repoint: &mut Vec<(String, Option<String>)>,
    ) -> Result<StoredArticle, EngineError> {
        // A date far ahead of today is a typo or a trap ("2099"): it would carry the story
        // window forward and strand every later article. Such an article is placed as undated.
        let day = article.published.as_deref().and_then(day_number).filter(|d| *d <= today() + FUTURE_DAYS_ALLOWED);
        let outlet = article.outlet_or_host();
        let features = Features { counts: &counts, embedding: embedding.as_deref(), day, outlet: Some(&outlet) };
        let mut origin = None;
        for (id, _) in self.dups.matches(&fp) {
            if let Some(root) = self.root(&id)? {
                origin = Some(root);
                break;
            }
        }
        let mut similarity = 0.0;
        let story = match &origin {
            Some(o) => {
                let story = self.known[o].story.clone();
                self.clusterer.restore(&story, &features, Learn::Yes, 0.0);
                // An earlier copy becomes the origin of the one stored before it.
                let earlier = match (&article.published, &self.known[o].published) {
                    (Some(mine), Some(theirs)) => mine < theirs,
                    _ => false,
                };
                if earlier {
                    repoint.push((o.clone(), Some(article.id.clone())));
                    self.known.get_mut(o).expect("known").duplicate_of = Some(article.id.clone());
                    self.dups.insert(article.id.clone(), fp.clone());
                } else {
                    article.duplicate_of = Some(o.clone());
                }
                story
            }
            None => {
                self.dups.insert(article.id.clone(), fp.clone());
                let candidate = story_id(&article.id);
                let a = self.clusterer.assign(&features, || candidate.clone());
                similarity = a.similarity;
                if a.created {
                    new_stories.push(Story {
                        id: a.story.clone(),
                        title: article.title.clone().unwrap_or_else(|| first_words(article.paragraphs.first().map_or("", String::as_str), 12)),
                        article_ids: vec![article.id.clone()],
                    });
                }
                a.story
            }
        };
        self.known.insert(article.id.clone(), Known { story: story.clone(), published: article.published.clone(), duplicate_of: article.duplicate_of.clone() });
        Ok(StoredArticle { article: Article::default(), story_id: story, sketch: fp.to_bytes(), terms: counts.0, day, embedding, similarity })
    }

    /// Follows `duplicate_of` to the article a copy ultimately copies, in memory or, for an
    /// article from an earlier run, in the store; `None` when an article on the way is not
    /// stored. What it meets is kept in memory.
    fn root(&mut self, id: &str) -> Result<Option<String>, EngineError> {
        let mut cur = id.to_string();
        for _ in 0..16 {
            let Some(known) = self.lookup(&cur)? else { return Ok(None) };
            match known.duplicate_of.clone() {
                Some(next) => cur = next,
                None => break,
            }
        }
        Ok(Some(cur))
    }

    /// The story and origin (`duplicate_of`) of a stored article: from memory, or from the store
    /// for an article from before this run that is not recent.
    pub fn placement(&self, article_id: &str) -> Result<Option<(String, Option<String>)>, EngineError> {
        Ok(match self.known.get(article_id) {
            Some(k) => Some((k.story.clone(), k.duplicate_of.clone())),
            None => self.store.placement(article_id)?.map(|p| (p.story_id, p.duplicate_of)),
        })
    }

    /// Distinct stories of the given articles, in order of first mention.
    pub fn stories_of(&self, article_ids: &[String]) -> Result<Vec<String>, EngineError> {
        let mut out: Vec<String> = Vec::new();
        for id in article_ids {
            if let Some((story, _)) = self.placement(id)?.filter(|(s, _)| !out.contains(s)) {
                out.push(story);
            }
        }
        Ok(out)
    }

    /// A story with its articles and claims (see [`stored_report`]).
    pub fn report(&mut self, story_id: &str) -> Result<StoryReport, EngineError> {
        stored_report(&mut self.store, story_id, &self.config.claims)
    }

    /// Saves the engine state now (a clean stop), whatever the snapshot policy would do.
    pub fn save_state(&mut self) -> Result<(), EngineError> {
        self.snapshot()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_model::{DocumentKind, Hints};
    use parallax_store::{ArticleStore, SqliteStore, StateStore};

    /// A clean-text document with its outlet and date (also for the other modules' tests).
    pub(crate) fn doc(input: &str, outlet: &str, date: &str, body: &str) -> Result<RawDocument, parallax_ingest::IngestError> {
        Ok(RawDocument {
            input: input.into(),
            kind: Some(DocumentKind::CleanText),
            body: body.into(),
            hints: Hints { outlet: Some(outlet.into()), published: Some(date.into()), ..Default::default() },
        })
    }

    const WIRE: &str = "The harbor bridge in Port Vell reopened on Monday after two weeks of repairs, the city council said.\n\nTraffic was light in the morning, and officials said buses would return to the route on Wednesday.\n\nEngineers will inspect the eastern span again in the spring, according to the council's schedule.";

    #[test]
    fn copies_link_to_the_origin_and_reingest_is_a_no_op() {
        let mut e = Engine::open(SqliteStore::in_memory().unwrap(), EngineConfig::new()).unwrap();
        let mut events = Vec::new();
        let mut sink = |ev: Event<'_>| events.push(format!("{ev:?}").split_whitespace().next().unwrap_or("").to_string());
        let s = e
            .ingest(
                vec![doc("w", "Wire", "2024-03-04", WIRE), doc("r", "Repost Daily", "2024-03-05", WIRE), doc("bad", "X", "2024-03-05", " ")].into_iter(),
                &mut sink,
            )
            .unwrap();
        assert_eq!((s.stored, s.duplicates, s.failed), (2, 1, 1));
        let again = e.ingest(vec![doc("w2", "Wire", "2024-03-04", WIRE)].into_iter(), &mut |_: Event<'_>| {}).unwrap();
        assert_eq!((again.stored, again.unchanged), (0, 1));
        assert_eq!(again.article_ids[0], s.article_ids[0]);
        let stories = e.stories_of(&s.article_ids).unwrap();
        assert_eq!(stories.len(), 1);
        let r = e.report(&stories[0]).unwrap();
        assert_eq!(r.articles[1].duplicate_of.as_deref(), Some(r.articles[0].id.as_str()));
        // a copy never corroborates its origin
        assert!(r.claims.iter().all(|c| c.outlets.len() == 1));
    }

    #[test]
    fn documents_prepared_elsewhere_are_placed_as_an_ingest_places_them() {
        let docs = || {
            vec![
                doc("w", "Wire", "2024-03-04", WIRE),
                doc("r", "Repost Daily", "2024-03-05", WIRE),
                doc("o", "Other", "2024-03-05", "A storm closed the mountain pass on Friday, and the road service said it would reopen in a week."),
                doc("bad", "X", "2024-03-05", " "),
            ]
        };
        let mut one = Engine::open(SqliteStore::in_memory().unwrap(), EngineConfig::new()).unwrap();
        let s1 = one.ingest(docs().into_iter(), &mut |_: Event<'_>| {}).unwrap();
        // through bytes, as a job queue carries them, and placed in two parts
        let config = EngineConfig::new();
        let bytes: Vec<Vec<u8>> = prepare_documents(docs(), &config).iter().map(PreparedDocument::to_bytes).collect();
        let back: Vec<PreparedDocument> = bytes.iter().map(|b| PreparedDocument::from_bytes(b, &config.dedup).expect("round trip")).collect();
        assert_eq!(back[3].failure().map(|f| f.contains("bad")), Some(true), "{:?}", back[3].failure());
        assert!(PreparedDocument::from_bytes(&bytes[0][..bytes[0].len() - 1], &config.dedup).is_none(), "cut short");
        let mut two = Engine::open(SqliteStore::in_memory().unwrap(), EngineConfig::new()).unwrap();
        let mut back = back.into_iter();
        let a = two.place_prepared(back.by_ref().take(2), &mut |_: Event<'_>| {}).unwrap();
        let b = two.place_prepared(back, &mut |_: Event<'_>| {}).unwrap();
        assert_eq!((a.stored + b.stored, a.duplicates + b.duplicates, b.failed), (s1.stored, s1.duplicates, s1.failed));
        assert_eq!([a.article_ids, b.article_ids].concat(), s1.article_ids);
        for id in &s1.article_ids {
            assert_eq!(two.placement(id).unwrap(), one.placement(id).unwrap());
        }
    }

    #[test]
    fn an_earlier_copy_becomes_the_origin() {
        let mut e = Engine::open(SqliteStore::in_memory().unwrap(), EngineConfig::new()).unwrap();
        let s = e.ingest(vec![doc("late", "Late", "2024-03-06", WIRE), doc("early", "Early", "2024-03-04", WIRE)].into_iter(), &mut |_: Event<'_>| {}).unwrap();
        let r = e.report(&e.stories_of(&s.article_ids).unwrap()[0]).unwrap();
        let late = r.articles.iter().find(|a| a.input == "late").unwrap();
        let early = r.articles.iter().find(|a| a.input == "early").unwrap();
        assert_eq!(late.duplicate_of.as_deref(), Some(early.id.as_str()));
        assert_eq!(early.duplicate_of, None);
    }

    #[test]
    fn state_survives_reopening_the_store() {
        let dir = std::env::temp_dir().join(format!("parallax-engine-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("p.db");
        let first = {
            let mut e = Engine::open(SqliteStore::open(&path).unwrap(), EngineConfig::new()).unwrap();
            e.ingest(vec![doc("w", "Wire", "2024-03-04", WIRE)].into_iter(), &mut |_: Event<'_>| {}).unwrap()
        };
        let mut e = Engine::open(SqliteStore::open(&path).unwrap(), EngineConfig::new()).unwrap();
        let s =
            e.ingest(vec![doc("r", "Repost", "2024-03-05", &format!("{WIRE}\n\nRead more on our app today."))].into_iter(), &mut |_: Event<'_>| {}).unwrap();
        assert_eq!(s.duplicates, 1);
        assert_eq!(e.stories_of(&s.article_ids).unwrap(), e.stories_of(&first.article_ids).unwrap());
    }

    #[test]
    fn reopening_a_store_larger_than_the_window_reads_only_the_window() {
        let dir = std::env::temp_dir().join(format!("parallax-engine-window-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("p.db");
        let mut config = EngineConfig::new();
        config.dedup.capacity = 2;
        config.cluster.live_stories = 2;
        let towns = ["Port Vell", "Casterra", "Dunmore", "Alderney", "Brightwater"];
        // distinct texts: every few words differ from town to town
        let body = |town: &str| {
            let n = town.bytes().map(usize::from).sum::<usize>();
            (0..12)
                .map(|j| {
                    format!(
                        "In {town} the {} council met {} times about road {} and the {} budget.",
                        ["north", "south", "east", "west", "old"][(n + j) % 5],
                        n * 7 + j,
                        n * 13 + j * 3,
                        ["school", "harbor", "park", "water"][(n * j) % 4]
                    )
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let first = {
            let mut e = Engine::open(SqliteStore::open(&path).unwrap(), config.clone()).unwrap();
            let docs = towns.iter().map(|t| doc(t, t, "2024-03-04", &body(t))).collect::<Vec<_>>();
            e.ingest(docs.into_iter(), &mut |_: Event<'_>| {}).unwrap()
        };
        assert_eq!(first.stored, 5);
        // Opened from the saved state, nothing is replayed; from a damaged state (or a store an
        // older version wrote), the last two articles are, and the frequencies cover all five.
        for (state_usable, replayed) in [(true, 0), (false, 2)] {
            let copy_path = dir.join(format!("p{replayed}.db"));
            std::fs::copy(&path, &copy_path).unwrap();
            let mut store = SqliteStore::open(&copy_path).unwrap();
            if !state_usable {
                let position = store.last_position().unwrap();
                store.save_state(ENGINE_STATE, position, b"not a state").unwrap();
            }
            let mut e = Engine::open(store, config.clone()).unwrap();
            e.settle().unwrap();
            assert_eq!(e.known.len(), replayed);
            assert_eq!((e.dups.len(), e.clusterer.documents()), (2, 5));
            // an old article is still recognised, through the store
            let again = e.ingest(vec![doc("again", "Port Vell", "2024-03-04", &body("Port Vell"))].into_iter(), &mut |_: Event<'_>| {}).unwrap();
            assert_eq!((again.stored, again.unchanged), (0, 1));
            assert_eq!(e.stories_of(&again.article_ids).unwrap(), e.stories_of(&first.article_ids[..1]).unwrap());
            // a copy of a recent article links to it
            let text = format!("{}\n\nRead more in our app.", body("Brightwater"));
            let copy = e.ingest(vec![doc("copy", "Aggregator", "2024-03-05", &text)].into_iter(), &mut |_: Event<'_>| {}).unwrap();
            assert_eq!(copy.duplicates, 1);
            assert_eq!(e.placement(&copy.article_ids[0]).unwrap().unwrap().1, Some(first.article_ids[4].clone()));
        }
    }

    #[test]
    fn a_state_older_than_the_store_is_caught_up_from_the_articles_after_it() {
        // what a run killed between its last batch and its final snapshot leaves behind
        let dir = std::env::temp_dir().join(format!("parallax-engine-stale-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("p.db");
        const FIRE: &str = "Firefighters in Casterra battled a wildfire that forced 300 residents to leave their homes overnight.\n\nThe fire started near the old quarry on Sunday, officials said, and crews expect to contain it by Wednesday.\n\nSchools in the valley stay closed until the smoke clears, the district announced.";
        let stale = {
            let mut e = Engine::open(SqliteStore::open(&path).unwrap(), EngineConfig::new()).unwrap();
            e.ingest(vec![doc("w", "Wire", "2024-03-04", WIRE)].into_iter(), &mut |_: Event<'_>| {}).unwrap();
            e.store().load_state(ENGINE_STATE).unwrap().expect("a state is saved")
        };
        let fire = {
            let mut e = Engine::open(SqliteStore::open(&path).unwrap(), EngineConfig::new()).unwrap();
            e.ingest(vec![doc("f", "Valley News", "2024-03-04", FIRE)].into_iter(), &mut |_: Event<'_>| {}).unwrap()
        };
        let mut store = SqliteStore::open(&path).unwrap();
        store.save_state(ENGINE_STATE, stale.0, &stale.1).unwrap();
        let mut e = Engine::open(store, EngineConfig::new()).unwrap();
        assert_eq!((e.clusterer.documents(), e.dups.len(), e.known.len()), (2, 2, 1), "the fire report was replayed");
        let repost = e
            .ingest(vec![doc("r", "Aggregator", "2024-03-05", &format!("{FIRE}\n\nRead more on our app today."))].into_iter(), &mut |_: Event<'_>| {})
            .unwrap();
        assert_eq!(repost.duplicates, 1);
        assert_eq!(e.stories_of(&repost.article_ids).unwrap(), e.stories_of(&fire.article_ids).unwrap());
    }

    /// A dated stream of synthetic reports: `events` events, each told by several outlets over
    /// a few days in its own names and words, with words all events share. Deterministic.
    fn stream(events: usize) -> Vec<(String, String, String, String)> {
        let mut seed = 0x2545f4914f6cdd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let common = ["officials", "said", "week", "city", "report", "people", "local", "plan", "government", "meeting", "statement", "council"];
        let syllables = ["ka", "ro", "vel", "tan", "mi", "sor", "den", "lu", "pra", "gor", "zei", "bak", "nor", "til", "fe", "qua"];
        let word = |n: &mut dyn FnMut() -> u64| -> String {
            let len = 2 + (n() % 2) as usize;
            let mut w: String = (0..len).map(|_| syllables[(n() % syllables.len() as u64) as usize]).collect();
            w[..1].make_ascii_uppercase();
            w
        };
        let mut docs = Vec::new();
        for e in 0..events {
            let names: Vec<String> = (0..6).map(|_| word(&mut next)).collect();
            let day0 = 1 + (e * 2) % 27;
            let outlets = 3 + (next() % 3) as usize;
            for k in 0..outlets {
                let mut paras = Vec::new();
                for _ in 0..3 {
                    let mut words: Vec<String> = Vec::new();
                    // the first reports of an event are close to each other, later ones looser:
                    // the cohesion rule then decides whether they join
                    let closeness = 9u64.saturating_sub(2 * k as u64).max(2);
                    for _ in 0..18 {
                        let r = next() % 10;
                        words.push(if r < closeness {
                            names[(next() % 6) as usize].clone()
                        } else {
                            common[(next() % common.len() as u64) as usize].to_string()
                        });
                    }
                    paras.push(format!("{}.", words.join(" ")));
                }
                let date = format!("2024-05-{:02}", (day0 + k % 3).min(28));
                docs.push((format!("e{e}k{k}"), format!("Outlet {}", (e + k * 7) % 9), date, paras.join("\n\n")));
            }
        }
        // outlets publish interleaved, not event by event
        let mut order: Vec<usize> = (0..docs.len()).collect();
        order.sort_by_key(|&i| (docs[i].2.clone(), (i * 7919) % 97));
        order.into_iter().map(|i| docs[i].clone()).collect()
    }

    /// Story of each input after ingesting `parts` in turn, each part in an engine opened
    /// afresh over the store; `between` runs on the store between parts.
    fn placements(
        name: &str,
        docs: &[(String, String, String, String)],
        cuts: &[usize],
        between: &dyn Fn(&mut SqliteStore),
    ) -> (Vec<(String, String)>, Vec<String>) {
        let dir = std::env::temp_dir().join(format!("parallax-engine-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("p.db");
        let mut out = Vec::new();
        let mut notices = Vec::new();
        let mut start = 0;
        for &end in cuts.iter().chain(std::iter::once(&docs.len())) {
            let mut store = SqliteStore::open(&path).unwrap();
            if start > 0 {
                between(&mut store);
            }
            let mut e = Engine::open(store, EngineConfig { batch_size: 16, ..EngineConfig::new() }).unwrap();
            let part = docs[start..end].iter().map(|(i, o, d, b)| doc(i, o, d, b));
            let summary = e.ingest(part, &mut |_: Event<'_>| {}).unwrap();
            notices.extend(e.take_notices());
            for (input, id) in summary.inputs.iter().zip(&summary.article_ids) {
                out.push((input.clone(), e.placement(id).unwrap().unwrap().0));
            }
            start = end;
        }
        (out, notices)
    }

    /// Stories as sets of inputs, so runs that name stories alike compare equal.
    fn partition(placed: &[(String, String)]) -> Vec<Vec<String>> {
        let mut by: HashMap<&str, Vec<String>> = HashMap::new();
        for (input, story) in placed {
            by.entry(story).or_default().push(input.clone());
        }
        let mut p: Vec<Vec<String>> = by
            .into_values()
            .map(|mut v| {
                v.sort();
                v
            })
            .collect();
        p.sort();
        p
    }

    #[test]
    fn a_restart_places_articles_as_one_run_would() {
        let docs = stream(40);
        let (whole, quiet) = placements("whole", &docs, &[], &|_| {});
        assert!(quiet.is_empty(), "{quiet:?}");
        let stories = partition(&whole);
        assert!(stories.len() > 20 && stories.iter().any(|s| s.len() > 2), "the stream makes and joins stories: {}", stories.len());
        // a run that stopped in the middle and was restarted from its saved state
        let (resumed, _) = placements("resumed", &docs, &[37, 90], &|_| {});
        assert_eq!(partition(&resumed), stories, "resumed from the saved state");
        // a state that is damaged: rebuilt from the store, said so, and placing the same way
        let damage = |store: &mut SqliteStore| {
            for key in [ENGINE_STATE, DF_STATE, IDS_STATE] {
                let position = store.load_state(key).unwrap().map_or(0, |(p, _)| p);
                store.save_state(key, position, b"not a state").unwrap();
            }
        };
        let (rebuilt, notices) = placements("damaged", &docs, &[37, 90], &damage);
        assert_eq!(partition(&rebuilt), stories, "rebuilt from the store");
        assert_eq!(notices.len(), 2, "each rebuild is reported: {notices:?}");
        assert!(notices[0].contains("damaged"), "{notices:?}");
    }

    #[test]
    fn a_date_far_in_the_future_does_not_move_the_story_window() {
        let docs = stream(12);
        let (clean, _) = placements("future-clean", &docs, &[], &|_| {});
        let mut poisoned = docs.clone();
        poisoned.insert(5, ("poison".into(), "Outlet 1".into(), "2099-01-01".into(), "A report from the far future about nothing else in the stream.".into()));
        let (with, _) = placements("future-poisoned", &poisoned, &[], &|_| {});
        let without: Vec<(String, String)> = with.into_iter().filter(|(i, _)| i != "poison").collect();
        assert_eq!(partition(&without), partition(&clean));
    }
}
