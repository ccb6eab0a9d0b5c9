//! Opens the store a `--db` names: a path is the embedded SQLite store, a `postgres://` (or
//! `postgresql://`) URL the shared PostgreSQL one. [`AnyStore`] is either, behind the store
//! interfaces, so every command and the server work on both.

use parallax_model::{Article, Claim, Correction, Story};
use parallax_store::{
    ArticleStore, CorrectionStore, FeedState, FeedStore, NewCorrection, Placement, SearchFilter, SearchHit, SearchIndex, SqliteStore, StateStore, StoreError,
    StoreStats, StoredArticle, StorySummary, WriterLock,
};
use parallax_store_pg::PgStore;

/// Whether `db` names a PostgreSQL server rather than a file.
pub fn is_postgres(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl AnyStore {
    /// Opens (creating or migrating) the store `db` names.
    pub fn open(db: &str) -> Result<AnyStore, StoreError> {
        if is_postgres(db) {
            Ok(AnyStore::Postgres(PgStore::connect(db)?))
        } else {
            Ok(AnyStore::Sqlite(SqliteStore::open(std::path::Path::new(db))?))
        }
    }

    /// Takes the store's writer lock: one process at a time places articles. On SQLite a file
    /// lock, returned (see [`SqliteStore::writer_lock`]); on PostgreSQL an advisory lock of the
    /// store's own connection, held as long as the store (see [`PgStore::lock_writer`]).
    pub fn writer_lock(&self, waiting: &mut dyn FnMut(&std::path::Path)) -> Result<Option<WriterLock>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.writer_lock(waiting),
            AnyStore::Postgres(p) => {
                p.lock_writer(&mut || waiting(std::path::Path::new(p.shown())))?;
                Ok(None)
            }
        }
    }
}

/// The same call on whichever backend it is.
macro_rules! each {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $call,
            AnyStore::Postgres($s) => $call,
        }
    };
}

impl ArticleStore for AnyStore {
    fn placement(&self, id: &str) -> Result<Option<Placement>, StoreError> {
        each!(self, s => s.placement(id))
    }
    fn insert_batch(&mut self, batch: &[StoredArticle], new_stories: &[Story], repoint: &[(String, Option<String>)]) -> Result<(), StoreError> {
        each!(self, s => s.insert_batch(batch, new_stories, repoint))
    }
    fn scan_index_records(&self, after: i64, f: &mut dyn FnMut(i64, StoredArticle)) -> Result<(), StoreError> {
        each!(self, s => s.scan_index_records(after, f))
    }
    fn latest_day(&self, after: i64) -> Result<Option<f64>, StoreError> {
        each!(self, s => s.latest_day(after))
    }
    fn scan_ids(&self, f: &mut dyn FnMut(&str)) -> Result<(), StoreError> {
        each!(self, s => s.scan_ids(f))
    }
    fn last_position(&self) -> Result<i64, StoreError> {
        each!(self, s => s.last_position())
    }
    fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        each!(self, s => s.story(id))
    }
    fn article(&self, id: &str) -> Result<Option<(Article, String)>, StoreError> {
        each!(self, s => s.article(id))
    }
    fn story_articles(&self, story_id: &str) -> Result<Vec<Article>, StoreError> {
        each!(self, s => s.story_articles(story_id))
    }
    fn story_sources(&self, story_id: &str) -> Result<Vec<Article>, StoreError> {
        each!(self, s => s.story_sources(story_id))
    }
    fn story_records(&self, story_id: &str) -> Result<Vec<StoredArticle>, StoreError> {
        each!(self, s => s.story_records(story_id))
    }
    fn stories(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>, StoreError> {
        each!(self, s => s.stories(offset, limit))
    }
    fn newest_stories(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>, StoreError> {
        each!(self, s => s.newest_stories(offset, limit))
    }
    fn stats(&self) -> Result<StoreStats, StoreError> {
        each!(self, s => s.stats())
    }
    fn saved_claims(&self, story_id: &str) -> Result<Option<(String, Vec<Claim>)>, StoreError> {
        each!(self, s => s.saved_claims(story_id))
    }
    fn save_claims(&mut self, story_id: &str, fingerprint: &str, claims: &[Claim]) -> Result<(), StoreError> {
        each!(self, s => s.save_claims(story_id, fingerprint, claims))
    }
}

impl StateStore for AnyStore {
    fn save_state(&mut self, key: &str, position: i64, bytes: &[u8]) -> Result<(), StoreError> {
        each!(self, s => s.save_state(key, position, bytes))
    }
    fn load_state(&self, key: &str) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        each!(self, s => s.load_state(key))
    }
}

impl CorrectionStore for AnyStore {
    fn record_correction(&mut self, c: &NewCorrection) -> Result<Correction, StoreError> {
        each!(self, s => s.record_correction(c))
    }
    fn corrections(&self, after: i64) -> Result<Vec<Correction>, StoreError> {
        each!(self, s => s.corrections(after))
    }
    fn story_corrections(&self, story_id: &str) -> Result<Vec<Correction>, StoreError> {
        each!(self, s => s.story_corrections(story_id))
    }
    fn last_correction(&self) -> Result<i64, StoreError> {
        each!(self, s => s.last_correction())
    }
    fn reapply_corrections(&mut self, after: i64) -> Result<Vec<Correction>, StoreError> {
        each!(self, s => s.reapply_corrections(after))
    }
}

impl SearchIndex for AnyStore {
    fn update_search_index(&mut self, max: usize) -> Result<usize, StoreError> {
        each!(self, s => s.update_search_index(max))
    }
    fn search(&self, query: &str, filter: &SearchFilter, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        each!(self, s => s.search(query, filter, limit))
    }
}

impl FeedStore for AnyStore {
    fn follow_feed(&mut self, url: &str, title: Option<&str>) -> Result<(), StoreError> {
        each!(self, s => s.follow_feed(url, title))
    }
    fn feeds(&self) -> Result<Vec<FeedState>, StoreError> {
        each!(self, s => s.feeds())
    }
    fn update_feed(&mut self, f: &FeedState) -> Result<(), StoreError> {
        each!(self, s => s.update_feed(f))
    }
    fn set_feed_enabled(&mut self, url: &str, enabled: bool) -> Result<bool, StoreError> {
        each!(self, s => s.set_feed_enabled(url, enabled))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_sqlite_and_a_url_postgres() {
        assert!(is_postgres("postgres://u@127.0.0.1:5432/db") && is_postgres("postgresql://h/db"));
        assert!(!is_postgres("news.db") && !is_postgres("/data/postgres/parallax.db"));
        let dir = std::env::temp_dir().join(format!("parallax-stores-{}", std::process::id()));
        let store = AnyStore::open(dir.join("p.db").to_str().unwrap()).unwrap();
        assert!(matches!(store, AnyStore::Sqlite(_)));
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(AnyStore::open("postgres://nobody@127.0.0.1:1/none").is_err());
    }

    #[test]
    fn either_backend_passes_the_conformance_checks_through_the_enum() {
        let dir = std::env::temp_dir().join(format!("parallax-stores-conf-{}", std::process::id()));
        let mut n = 0;
        parallax_store::conformance::check_all(|| {
            n += 1;
            AnyStore::open(dir.join(format!("s{n}.db")).to_str().unwrap()).unwrap()
        });
        let _ = std::fs::remove_dir_all(&dir);
    }
}
