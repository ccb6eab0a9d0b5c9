//! Storage: articles, their stories, and what the index stages need to resume (dedup
//! sketches, cluster term counts). One interface, [`Store`], in three parts by what callers need
//! ([`ArticleStore`], [`StateStore`], [`CorrectionStore`]), so the pipeline is the same on the
//! embedded SQLite default and on a shared server backend; every backend passes the checks of
//! [`conformance`], and its errors reach callers as [`StoreError`], never its own type.
//!
//! Every write is one transaction: a batch is stored whole or not at all, so a killed process
//! leaves the store as it was after the last finished batch.

pub mod conformance;
pub mod encoding;
pub mod queue;
mod sqlite;

pub use sqlite::{SqliteStore, WriterLock};

use parallax_model::{Article, Claim, Correction, CorrectionKind, Story};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: cannot open the store ({reason})")]
    Open { path: String, reason: String },
    #[error("{path}: {reason}")]
    Schema { path: String, reason: String },
    /// What the backend said went wrong, in its words (the backend's own error type stays
    /// inside its module: callers see one error whatever the backend).
    #[error("store: {0}")]
    Backend(String),
    #[error("store: corrupt record for article {id}: {reason}")]
    Corrupt { id: String, reason: String },
    /// The store refused a write that would make no sense (undoing a correction twice).
    #[error("{0}")]
    Refused(String),
    #[error("{path}: cannot write the saved state ({source})")]
    StateFile { path: String, source: std::io::Error },
}

/// An article with what the index stages keep about it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    pub article: Article,
    pub story_id: String,
    /// The dedup stage's sketch of the text (its MinHash signature and size), as bytes.
    pub sketch: Vec<u8>,
    /// Cluster term counts, by term key (`parallax_text::term_key`).
    pub terms: Vec<(u64, f32)>,
    /// Day number of `published`, for the story time window.
    pub day: Option<f64>,
    /// Sentence embedding of the lede, when a model was used.
    pub embedding: Option<Vec<f32>>,
    /// The similarity with which the article joined its story (0 when it started the story or
    /// is a copy): a rebuilt story needs it to hold newcomers to the same cohesion.
    pub similarity: f32,
}

/// Where a stored article was placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub story_id: String,
    pub duplicate_of: Option<String>,
    pub published: Option<String>,
}

/// A feed `parallax watch` polls, and what the last polls said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedState {
    pub url: String,
    pub title: Option<String>,
    pub enabled: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Unix seconds of the last poll.
    pub last_checked: Option<i64>,
    /// Unix seconds of the next poll.
    pub next_check: i64,
    pub interval_secs: i64,
    /// Failed polls in a row (0 after a success).
    pub errors: i64,
    pub last_error: Option<String>,
}

/// One article a search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub story_id: String,
    pub article_id: String,
    pub title: String,
    pub outlet: String,
    pub url: Option<String>,
    pub published: Option<String>,
    /// The matching words in context, each match in `[brackets]`.
    pub snippet: String,
}

/// What narrows a search besides its words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Outlet name, matched without regard to case ("reuters" finds "Reuters").
    pub outlet: Option<String>,
    /// Published on or after this day (YYYY-MM-DD).
    pub from: Option<String>,
    /// Published on or before this day (YYYY-MM-DD).
    pub to: Option<String>,
}

/// A story as listed: id, title, size.
#[derive(Debug, Clone, PartialEq)]
pub struct StorySummary {
    pub id: String,
    pub title: String,
    pub articles: usize,
    pub outlets: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoreStats {
    pub articles: usize,
    pub stories: usize,
    pub duplicates: usize,
}

/// Articles and their stories: what an ingest writes and every reader reads (with the claims
/// computed from a story, kept beside it).
pub trait ArticleStore {
    /// The stories an article was stored in last, newest first.
    fn newest_stories(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>, StoreError>;
    /// One stored article and the story it is in.
    fn article(&self, id: &str) -> Result<Option<(Article, String)>, StoreError>;
    /// A story's articles without their bodies (outlet, URL, dates, origin): enough for a
    /// stories page's dates and coverage by group, at a fraction of the reading.
    fn story_sources(&self, story_id: &str) -> Result<Vec<Article>, StoreError>;
    /// A stored article's story, origin (`duplicate_of`) and publication date.
    fn placement(&self, id: &str) -> Result<Option<Placement>, StoreError>;
    /// Stores a batch of new articles, their new stories, and re-pointed duplicates, atomically.
    /// Articles already stored are skipped.
    fn insert_batch(&mut self, batch: &[StoredArticle], new_stories: &[Story], repoint: &[(String, Option<String>)]) -> Result<(), StoreError>;
    /// Index data of the articles stored after position `after` (0: all), in insertion order,
    /// with their positions, one at a time (for rebuilding in-memory indexes without holding
    /// the store in memory). Articles come without their body.
    fn scan_index_records(&self, after: i64, f: &mut dyn FnMut(i64, StoredArticle)) -> Result<(), StoreError>;
    /// The latest publication day (see [`StoredArticle::day`]) of the articles stored after
    /// position `after`.
    fn latest_day(&self, after: i64) -> Result<Option<f64>, StoreError>;
    /// Every stored article's id, in no particular order (for rebuilding an id filter).
    fn scan_ids(&self, f: &mut dyn FnMut(&str)) -> Result<(), StoreError>;
    /// Position of the last stored article (0 when empty); positions only grow.
    fn last_position(&self) -> Result<i64, StoreError>;
    fn story(&self, id: &str) -> Result<Option<Story>, StoreError>;
    /// A story's articles, in insertion order.
    fn story_articles(&self, story_id: &str) -> Result<Vec<Article>, StoreError>;
    /// Stories, largest first (the earlier first among equals), `limit` of them after skipping
    /// `offset`: a page of the list.
    fn stories(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>, StoreError>;
    fn stats(&self) -> Result<StoreStats, StoreError>;
    /// The claims saved for a story and the fingerprint of what they were computed from (its
    /// articles and the claim stage's version), or `None` when none were saved.
    fn saved_claims(&self, story_id: &str) -> Result<Option<(String, Vec<Claim>)>, StoreError>;
    /// Saves a story's claims with the fingerprint they were computed from, replacing any
    /// earlier ones.
    fn save_claims(&mut self, story_id: &str, fingerprint: &str, claims: &[Claim]) -> Result<(), StoreError>;
    /// A story's articles as index records (no bodies), in insertion order: what the engine
    /// rebuilds a corrected story from.
    fn story_records(&self, story_id: &str) -> Result<Vec<StoredArticle>, StoreError>;
}

/// Full-text search over the stored articles. The index may lag the store: it is brought up to
/// date by [`SearchIndex::update_search_index`], which a server calls on a thread of its own.
pub trait SearchIndex {
    /// Indexes for search the articles stored since the last call, at most `max` of them;
    /// returns how many it indexed (0 when the index is up to date).
    fn update_search_index(&mut self, max: usize) -> Result<usize, StoreError>;
    /// Articles matching a full-text query (double-quoted words, all required: FTS5 syntax on
    /// SQLite; a bad query is an error naming it), best first, narrowed by `filter`; each with
    /// a snippet with the matches in `[ ]`.
    fn search(&self, query: &str, filter: &crate::SearchFilter, limit: usize) -> Result<Vec<crate::SearchHit>, StoreError>;
}

/// The feeds `parallax add` follows and `parallax watch` polls, with what the last polls said.
pub trait FeedStore {
    /// Follows a feed (again, when it was followed before: it is enabled and due now).
    fn follow_feed(&mut self, url: &str, title: Option<&str>) -> Result<(), StoreError>;
    /// Every followed feed, by URL.
    fn feeds(&self) -> Result<Vec<crate::FeedState>, StoreError>;
    /// Saves what a poll learnt about a feed.
    fn update_feed(&mut self, f: &crate::FeedState) -> Result<(), StoreError>;
    /// Enables or disables a followed feed; `false` when no such feed is followed.
    fn set_feed_enabled(&mut self, url: &str, enabled: bool) -> Result<bool, StoreError>;
}

/// What the engine saves between runs to resume where it stopped.
pub trait StateStore {
    /// Saves a stage's state under `key`, valid for the articles up to `position`.
    fn save_state(&mut self, key: &str, position: i64, bytes: &[u8]) -> Result<(), StoreError>;
    /// The state saved under `key` and the position it is valid for.
    fn load_state(&self, key: &str) -> Result<Option<(i64, Vec<u8>)>, StoreError>;
}

/// Readers' corrections of the stories (see `parallax_pipeline::corrections`).
pub trait CorrectionStore {
    /// Records a reader's correction and moves its articles, in one transaction. A split takes
    /// the copies of the articles it names along; a correction already undone cannot be undone
    /// again ([`StoreError::Refused`]).
    fn record_correction(&mut self, c: &NewCorrection) -> Result<Correction, StoreError>;
    /// The corrections made after number `after`, in order.
    fn corrections(&self, after: i64) -> Result<Vec<Correction>, StoreError>;
    /// The corrections that moved articles into or out of a story, in order.
    fn story_corrections(&self, story_id: &str) -> Result<Vec<Correction>, StoreError>;
    /// The number of the last correction (0 when none).
    fn last_correction(&self) -> Result<i64, StoreError>;
    /// Moves again, in one transaction, what the whole-story corrections after `after` moved:
    /// an article an engine placed in a story while a reader merged it away follows the rest.
    /// Returns the corrections after `after`, in order.
    fn reapply_corrections(&mut self, after: i64) -> Result<Vec<Correction>, StoreError>;
}

/// A whole store: what the engine needs. Callers that need less ask for less (a reader of
/// stories, an [`ArticleStore`]); a backend implements the three parts.
pub trait Store: ArticleStore + StateStore + CorrectionStore {}

impl<T: ArticleStore + StateStore + CorrectionStore> Store for T {}

/// A correction about to be made (see [`CorrectionStore::record_correction`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCorrection {
    pub kind: CorrectionKind,
    pub from_story: String,
    pub to_story: String,
    /// The title of `to_story` when the correction creates it (a split).
    pub to_title: Option<String>,
    /// The articles to move; ignored when `whole_story` (all of `from_story` moves).
    pub articles: Vec<String>,
    pub whole_story: bool,
    pub undoes: Option<i64>,
}

/// How many levels of copies a split takes along with the articles it names (a copy of a copy
/// points at the origin, so one level is the usual case).
pub const COPY_DEPTH: usize = 4;

impl NewCorrection {
    /// The articles this correction moves, given the story's members in order and a lookup of
    /// an article's copies in the story: all the members for a whole story; otherwise the named
    /// members and their copies, [`COPY_DEPTH`] levels deep. One rule for every backend.
    pub fn articles_to_move(
        &self,
        members: Vec<String>,
        copies_of: &mut dyn FnMut(&str) -> Result<Vec<String>, StoreError>,
    ) -> Result<Vec<String>, StoreError> {
        if self.whole_story {
            return Ok(members);
        }
        let in_story: std::collections::HashSet<&str> = members.iter().map(String::as_str).collect();
        let mut moved: Vec<String> = Vec::new();
        let mut level: Vec<String> = self.articles.iter().filter(|a| in_story.contains(a.as_str())).cloned().collect();
        for _ in 0..COPY_DEPTH {
            let mut next = Vec::new();
            for id in &level {
                if !moved.contains(id) {
                    moved.push(id.clone());
                    next.extend(copies_of(id)?);
                }
            }
            if next.is_empty() {
                break;
            }
            level = next;
        }
        Ok(moved)
    }
}
