//! The embedded default: one SQLite file in WAL mode.

mod corrections;

use crate::encoding::{decode_floats, decode_keyed_terms, encode_floats, encode_terms};

use crate::{ArticleStore, CorrectionStore, Placement, StateStore, StoreError, StoreStats, StoredArticle, StorySummary};
use parallax_model::{Article, Claim, Outlet, Story};
use rusqlite::{params, Connection, OptionalExtension};
use std::io::Write;
use std::path::Path;

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

/// The schema this code reads. A store at an older version is brought up by [`MIGRATIONS`].
const SCHEMA_VERSION: i64 = 7;

/// Ordered, versioned migrations: (the version a step brings a store to, its SQL). A store at
/// version v runs every step above v in order, each in one transaction with the version bump.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        3,
        "CREATE TABLE IF NOT EXISTS claims (
        story_id TEXT PRIMARY KEY REFERENCES stories(id),
        fingerprint TEXT NOT NULL,
        claims TEXT NOT NULL
    );",
    ),
    // the similarity an article joined its story with (older articles read as 0)
    (4, "ALTER TABLE articles ADD COLUMN join_sim REAL"),
    // the feeds `parallax add` follows and `parallax watch` polls
    (5, FEEDS_SQL),
    // full-text search over articles, filled by `update_search_index` (not by ingest: placing
    // articles stays as fast as before, and the index catches up when searched)
    (6, SEARCH_SQL),
    // readers' merges and splits of stories (see `corrections.rs`)
    (7, CORRECTIONS_SQL),
];

const CORRECTIONS_SQL: &str = "CREATE TABLE IF NOT EXISTS corrections (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('merge', 'split', 'undo')),
        from_story TEXT NOT NULL,
        to_story TEXT NOT NULL REFERENCES stories(id),
        articles TEXT NOT NULL,
        whole_story INTEGER NOT NULL,
        undoes INTEGER REFERENCES corrections(seq),
        undone_by INTEGER REFERENCES corrections(seq),
        created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    CREATE INDEX IF NOT EXISTS corrections_from ON corrections(from_story);
    CREATE INDEX IF NOT EXISTS corrections_to ON corrections(to_story);";

const SEARCH_SQL: &str = "CREATE VIRTUAL TABLE IF NOT EXISTS article_search USING fts5(title, body, outlet, tokenize = 'porter unicode61');";

const FEEDS_SQL: &str = "CREATE TABLE IF NOT EXISTS feeds (
        url TEXT PRIMARY KEY,
        title TEXT,
        enabled INTEGER NOT NULL DEFAULT 1,
        etag TEXT,
        last_modified TEXT,
        last_checked INTEGER,
        next_check INTEGER NOT NULL DEFAULT 0,
        interval_secs INTEGER NOT NULL DEFAULT 3600,
        errors INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS articles (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    input TEXT NOT NULL,
    url TEXT,
    outlet TEXT,
    title TEXT,
    byline TEXT,
    published TEXT,
    language TEXT,
    duplicate_of TEXT,
    story_id TEXT NOT NULL REFERENCES stories(id),
    sketch BLOB NOT NULL,
    terms BLOB NOT NULL,
    day REAL,
    embedding BLOB,
    join_sim REAL,
    ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- last: reading the index columns then never walks the text's overflow pages
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story_id);
-- copies only: counting them is then a look at this index, not a scan of every article
CREATE INDEX IF NOT EXISTS articles_copies ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE TABLE IF NOT EXISTS stage_state (key TEXT PRIMARY KEY, position INTEGER NOT NULL, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS claims (
    story_id TEXT PRIMARY KEY REFERENCES stories(id),
    fingerprint TEXT NOT NULL,
    claims TEXT NOT NULL
);
";

/// States this large are kept in a file beside the database rather than in it: SQLite copies a
/// value several times on its way in and writes it twice (log, then file), and the engine state
/// of a large store is tens of megabytes saved at the end of every run.
const STATE_FILE_BYTES: usize = 1 << 20;
/// What the `stage_state` row holds for a state kept in a file.
const STATE_IN_FILE: &[u8] = b"@file";
const STATE_MAGIC: &[u8; 16] = b"parallax-state/1";
const STATE_HEADER_BYTES: usize = 16 + 8 + 8 + 8;

/// Held while a process writes to a store (see [`SqliteStore::writer_lock`]).
pub struct WriterLock {
    _file: std::fs::File,
}

pub struct SqliteStore {
    conn: Connection,
    /// The database file (`None` in memory): large saved states go in files beside it.
    path: Option<std::path::PathBuf>,
    /// A random id made with the store, written into its state files, so a file left by
    /// another store at the same path is never taken for this one's.
    id: u64,
    /// Copies committed pages from the write-ahead log into the database file on a thread of
    /// its own (file stores only).
    checkpointer: Option<Checkpointer>,
}

/// A thread with its own connection that checkpoints the write-ahead log every few
/// milliseconds. Left to the writer, every commit that grows the log past its limit stops to
/// copy it back, and on a busy ingest that copy was a third of the writer's time; this way the
/// writer only appends. The writer still checkpoints itself if the log grows far past what this
/// thread keeps up with.
struct Checkpointer {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    const EVERY: std::time::Duration = std::time::Duration::from_millis(20);

    fn start(path: &Path) -> Option<Checkpointer> {
        let conn = Connection::open(path).ok()?;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("parallax-checkpoint".into())
            .spawn(move || {
                while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                    std::thread::park_timeout(Checkpointer::EVERY);
                    // PASSIVE: copies what no reader still needs, never waits for the writer
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .ok()?;
        Some(Checkpointer { stop, thread: Some(thread) })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

impl SqliteStore {
    /// Stories as `sql` lists them (id, title, article count; `?1` the limit, `?2` the offset),
    /// with their outlets counted.
    fn story_list(&self, sql: &str, offset: usize, limit: usize) -> Result<Vec<StorySummary>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut list = stmt
            .query_map([limit.min(i64::MAX as usize) as i64, offset.min(i64::MAX as usize) as i64], |r| {
                Ok(StorySummary { id: r.get(0)?, title: r.get(1)?, articles: r.get::<_, i64>(2)? as usize, outlets: 0 })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        // outlets are counted by the model's one definition (name, else URL host, else input),
        // which SQL cannot express
        let mut outlets = self.conn.prepare_cached("SELECT outlet, url, input FROM articles WHERE story_id = ?1")?;
        for s in &mut list {
            let names = outlets
                .query_map([&s.id], |r| {
                    Ok(Outlet::of(r.get::<_, Option<String>>(0)?.as_deref(), r.get::<_, Option<String>>(1)?.as_deref(), &r.get::<_, String>(2)?).name)
                })?
                .collect::<Result<std::collections::HashSet<String>, _>>()?;
            s.outlets = names.len();
        }
        Ok(list)
    }

    /// Takes the store's writer lock (a lock on the file `PATH-engine.lock` beside it): one
    /// ingest at a time places articles, because placement continues from the saved state of
    /// the run before. When another process holds it, `waiting` is called once and the lock is
    /// waited for. The lock is released when the returned guard drops, or when the process
    /// dies, however it dies. A store in memory needs none.
    pub fn writer_lock(&self, waiting: &mut dyn FnMut(&Path)) -> Result<Option<WriterLock>, StoreError> {
        let Some(path) = &self.path else { return Ok(None) };
        let mut name = path.as_os_str().to_owned();
        name.push("-engine.lock");
        let lock_path = std::path::PathBuf::from(name);
        let err = |e: std::io::Error| StoreError::StateFile { path: lock_path.display().to_string(), source: e };
        let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                waiting(path);
                file.lock().map_err(err)?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(err(e)),
        }
        Ok(Some(WriterLock { _file: file }))
    }

    fn state_file(&self, key: &str) -> Option<std::path::PathBuf> {
        let path = self.path.as_ref()?;
        key.bytes().all(|b| b.is_ascii_lowercase() || b == b'.').then(|| {
            let mut name = path.as_os_str().to_owned();
            name.push(format!("-{key}"));
            std::path::PathBuf::from(name)
        })
    }

    /// What a state file starts with: the format, the store, the position and the length.
    fn state_header(&self, position: i64, len: usize) -> Vec<u8> {
        let mut h = STATE_MAGIC.to_vec();
        h.extend_from_slice(&self.id.to_le_bytes());
        h.extend_from_slice(&position.to_le_bytes());
        h.extend_from_slice(&(len as u64).to_le_bytes());
        h
    }

    /// Opens (creating if needed) the store at `path`, creating parent directories.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let shown = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Schema { path: shown.clone(), reason: format!("cannot create {}: {e}", dir.display()) })?;
        }
        let conn = Connection::open(path).map_err(|e| StoreError::Open { path: shown.clone(), reason: e.to_string() })?;
        let mut store = Self::init(conn, &shown)?;
        store.path = Some(path.to_path_buf());
        // the writer checkpoints only when the log passes 64 MB (16384 pages of 4 KiB)
        store.conn.pragma_update(None, "wal_autocheckpoint", 16384)?;
        store.checkpointer = Checkpointer::start(path);
        Ok(store)
    }

    /// A throwaway store in memory (tests, one-shot runs).
    pub fn in_memory() -> Result<Self, StoreError> {
        Self::init(Connection::open_in_memory()?, ":memory:")
    }

    fn init(conn: Connection, shown: &str) -> Result<Self, StoreError> {
        let setup = || -> Result<(), rusqlite::Error> {
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            // the id and story indexes are written at random places: past SQLite's default 2 MB
            // of cache every insert would go back to the file
            conn.pragma_update(None, "cache_size", -65536)?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            conn.execute_batch(SCHEMA)?;
            if conn.query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get::<_, String>(0)).optional()?.is_none() {
                // a new store: every table at once (older stores get theirs by migration)
                conn.execute_batch(FEEDS_SQL)?;
                conn.execute_batch(SEARCH_SQL)?;
                conn.execute_batch(CORRECTIONS_SQL)?;
            }
            // stores made before embeddings existed lack the column
            let has_embedding: bool =
                conn.query_row("SELECT COUNT(*) FROM pragma_table_info('articles') WHERE name = 'embedding'", [], |r| r.get::<_, i64>(0))? > 0;
            if !has_embedding {
                conn.execute_batch("ALTER TABLE articles ADD COLUMN embedding BLOB")?;
            }
            Ok(())
        };
        setup().map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                StoreError::Schema { path: shown.to_string(), reason: "not a parallax store (not an SQLite database)".into() }
            }
            other => StoreError::Open { path: shown.to_string(), reason: other.to_string() },
        })?;
        let version: Option<String> = conn.query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0)).optional()?;
        match version {
            None => {
                conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', ?1)", [SCHEMA_VERSION.to_string()])?;
            }
            Some(v) if v == SCHEMA_VERSION.to_string() => {}
            Some(v) if v.parse::<i64>().is_ok_and(|n| n < SCHEMA_VERSION) => {
                let from: i64 = v.parse().expect("checked");
                for (to, sql) in MIGRATIONS.iter().filter(|(to, _)| *to > from) {
                    let step = || -> Result<(), rusqlite::Error> {
                        conn.execute_batch("BEGIN")?;
                        conn.execute_batch(sql)?;
                        conn.execute("UPDATE meta SET value = ?1 WHERE key = 'schema_version'", [to.to_string()])?;
                        conn.execute_batch("COMMIT")
                    };
                    step()
                        .map_err(|e| StoreError::Schema { path: shown.to_string(), reason: format!("cannot migrate the store to schema version {to}: {e}") })?;
                }
            }
            Some(v) => {
                return Err(StoreError::Schema {
                    path: shown.to_string(),
                    reason: format!("store schema version {v}, this parallax reads version {SCHEMA_VERSION}: re-ingest into a new store (--db)"),
                });
            }
        }
        let id = match conn.query_row("SELECT value FROM meta WHERE key = 'store_id'", [], |r| r.get::<_, String>(0)).optional()? {
            Some(id) => u64::from_str_radix(&id, 16).unwrap_or(0),
            None => {
                use std::hash::{BuildHasher, Hasher};
                let id = std::collections::hash_map::RandomState::new().build_hasher().finish();
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('store_id', ?1)", [format!("{id:016x}")])?;
                id
            }
        };
        Ok(SqliteStore { conn, path: None, id, checkpointer: None })
    }
}

impl crate::SearchIndex for SqliteStore {
    fn update_search_index(&mut self, max: usize) -> Result<usize, StoreError> {
        // a look first, without the write lock: most calls find nothing new
        let (indexed, stored): (i64, i64) =
            self.conn.query_row("SELECT (SELECT COALESCE(MAX(rowid), 0) FROM article_search), (SELECT COALESCE(MAX(seq), 0) FROM articles)", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if indexed >= stored {
            return Ok(0);
        }
        // immediate, and the position read inside it: two indexers (two servers on one store)
        // never index the same articles
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done: i64 = tx.query_row("SELECT COALESCE(MAX(rowid), 0) FROM article_search", [], |r| r.get(0))?;
        let n = tx.execute(
            "INSERT INTO article_search (rowid, title, body, outlet) SELECT seq, COALESCE(title, ''), body, COALESCE(outlet, '') FROM articles WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            params![done, max as i64],
        )?;
        tx.commit()?;
        Ok(n)
    }

    fn search(&self, query: &str, filter: &crate::SearchFilter, limit: usize) -> Result<Vec<crate::SearchHit>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.story_id, a.id, COALESCE(a.title, ''), COALESCE(a.outlet, ''), a.url, a.published, snippet(article_search, 1, '[', ']', ' … ', 12)
             FROM article_search JOIN articles a ON a.seq = article_search.rowid
             WHERE article_search MATCH ?1
               AND (?3 IS NULL OR lower(a.outlet) = lower(?3) OR instr(lower(a.url), lower(?3)) > 0)
               AND (?4 IS NULL OR substr(a.published, 1, 10) >= ?4)
               AND (?5 IS NULL OR substr(a.published, 1, 10) <= ?5)
             ORDER BY rank LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![query, limit as i64, filter.outlet, filter.from, filter.to], |r| {
            Ok(crate::SearchHit {
                story_id: r.get(0)?,
                article_id: r.get(1)?,
                title: r.get(2)?,
                outlet: r.get(3)?,
                url: r.get(4)?,
                published: r.get(5)?,
                snippet: r.get(6)?,
            })
        });
        let bad = |e: rusqlite::Error| StoreError::Schema { path: "search".into(), reason: format!("not a search query ({query:?}): {e}") };
        // (collected into a binding first: the rows borrow the statement)
        #[allow(clippy::let_and_return)]
        let hits = rows.map_err(bad)?.collect::<Result<Vec<_>, _>>().map_err(bad);
        hits
    }
}

impl crate::FeedStore for SqliteStore {
    fn follow_feed(&mut self, url: &str, title: Option<&str>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO feeds (url, title) VALUES (?1, ?2) ON CONFLICT(url) DO UPDATE SET title = COALESCE(?2, title), enabled = 1",
            params![url, title],
        )?;
        Ok(())
    }

    fn feeds(&self) -> Result<Vec<crate::FeedState>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT url, title, enabled, etag, last_modified, last_checked, next_check, interval_secs, errors, last_error FROM feeds ORDER BY url")?;
        let rows = stmt.query_map([], |r| {
            Ok(crate::FeedState {
                url: r.get(0)?,
                title: r.get(1)?,
                enabled: r.get::<_, i64>(2)? != 0,
                etag: r.get(3)?,
                last_modified: r.get(4)?,
                last_checked: r.get(5)?,
                next_check: r.get(6)?,
                interval_secs: r.get(7)?,
                errors: r.get(8)?,
                last_error: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn update_feed(&mut self, f: &crate::FeedState) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE feeds SET title = ?2, enabled = ?3, etag = ?4, last_modified = ?5, last_checked = ?6, next_check = ?7, interval_secs = ?8, errors = ?9, last_error = ?10 WHERE url = ?1",
            params![f.url, f.title, f.enabled as i64, f.etag, f.last_modified, f.last_checked, f.next_check, f.interval_secs, f.errors, f.last_error],
        )?;
        Ok(())
    }

    fn set_feed_enabled(&mut self, url: &str, enabled: bool) -> Result<bool, StoreError> {
        Ok(self.conn.execute("UPDATE feeds SET enabled = ?2, next_check = 0 WHERE url = ?1", params![url, enabled as i64])? > 0)
    }
}

/// Reads [`encode_terms`], or the term strings that older stores hold (keyed on the way in).
fn decode_terms(value: rusqlite::types::ValueRef<'_>) -> Result<Vec<(u64, f32)>, String> {
    use rusqlite::types::ValueRef;
    let keyed = |terms: Vec<(String, f32)>| terms.into_iter().map(|(t, c)| (parallax_text::term_key(&t), c)).collect();
    match value {
        ValueRef::Text(json) => serde_json::from_slice(json).map(keyed).map_err(|e| e.to_string()),
        ValueRef::Blob(bytes) => {
            if let Some(keyed) = decode_keyed_terms(bytes) {
                return keyed;
            }
            let mut out = Vec::new();
            let mut at = 0;
            while at < bytes.len() {
                let len = bytes.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize).ok_or("truncated terms")?;
                let term = bytes.get(at + 2..at + 2 + len).and_then(|b| std::str::from_utf8(b).ok()).ok_or("bad term bytes")?;
                let count = bytes.get(at + 2 + len..at + 6 + len).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok_or("truncated terms")?;
                out.push((parallax_text::term_key(term), count));
                at += 6 + len;
            }
            Ok(out)
        }
        _ => Err("terms are neither text nor bytes".into()),
    }
}

/// The columns of an index record (see [`index_record`]): everything but the body.
const INDEX_COLUMNS: &str =
    "seq, id, input, url, outlet, title, byline, published, language, '' AS body, duplicate_of, story_id, sketch, terms, day, embedding, join_sim";

/// A row of [`INDEX_COLUMNS`] as what the index stages keep of an article.
fn index_record(r: &rusqlite::Row) -> Result<StoredArticle, StoreError> {
    let article = article_from_row(r)?;
    let terms = decode_terms(r.get_ref("terms")?).map_err(|reason| StoreError::Corrupt { id: article.id.clone(), reason })?;
    let embedding = r.get::<_, Option<Vec<u8>>>("embedding")?.map(|b| decode_floats(&b));
    let similarity = r.get::<_, Option<f64>>("join_sim")?.unwrap_or(0.0) as f32;
    Ok(StoredArticle { story_id: r.get("story_id")?, sketch: r.get("sketch")?, terms, day: r.get("day")?, embedding, similarity, article })
}

fn article_from_row(r: &rusqlite::Row) -> rusqlite::Result<Article> {
    let body: String = r.get("body")?;
    Ok(Article {
        id: r.get("id")?,
        input: r.get("input")?,
        url: r.get("url")?,
        outlet: r.get("outlet")?,
        title: r.get("title")?,
        byline: r.get("byline")?,
        published: r.get("published")?,
        language: r.get("language")?,
        paragraphs: if body.is_empty() { vec![] } else { body.split("\n\n").map(str::to_string).collect() },
        duplicate_of: r.get("duplicate_of")?,
    })
}

impl ArticleStore for SqliteStore {
    fn newest_stories(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>, StoreError> {
        self.story_list(
            "SELECT t.story_id, s.title, t.n
             FROM (SELECT story_id, COUNT(*) AS n, MAX(seq) AS last FROM articles GROUP BY story_id ORDER BY last DESC LIMIT ?1 OFFSET ?2) t
             JOIN stories s ON s.id = t.story_id ORDER BY t.last DESC",
            offset,
            limit,
        )
    }

    fn article(&self, id: &str) -> Result<Option<(Article, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT *, story_id AS story FROM articles WHERE id = ?1")?;
        Ok(stmt.query_row([id], |r| Ok((article_from_row(r)?, r.get::<_, String>("story")?))).optional()?)
    }

    fn story_sources(&self, story_id: &str) -> Result<Vec<Article>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, input, url, outlet, title, byline, published, language, '' AS body, duplicate_of FROM articles WHERE story_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([story_id], article_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn placement(&self, id: &str) -> Result<Option<Placement>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT story_id, duplicate_of, published FROM articles WHERE id = ?1")?;
        Ok(stmt.query_row([id], |r| Ok(Placement { story_id: r.get(0)?, duplicate_of: r.get(1)?, published: r.get(2)? })).optional()?)
    }

    fn insert_batch(&mut self, batch: &[StoredArticle], new_stories: &[Story], repoint: &[(String, Option<String>)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut story_stmt = tx.prepare_cached("INSERT OR IGNORE INTO stories (id, title) VALUES (?1, ?2)")?;
            for s in new_stories {
                story_stmt.execute(params![s.id, s.title])?;
            }
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO articles (id, input, url, outlet, title, byline, published, language, body, duplicate_of, story_id, sketch, terms, day, embedding, join_sim)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )?;
            for s in batch {
                let a = &s.article;
                stmt.execute(params![
                    a.id,
                    a.input,
                    a.url,
                    a.outlet,
                    a.title,
                    a.byline,
                    a.published,
                    a.language,
                    a.text(),
                    a.duplicate_of,
                    s.story_id,
                    s.sketch,
                    encode_terms(&s.terms),
                    s.day,
                    s.embedding.as_deref().map(encode_floats),
                    s.similarity
                ])?;
            }
            let mut re = tx.prepare_cached("UPDATE articles SET duplicate_of = ?2 WHERE id = ?1")?;
            for (id, to) in repoint {
                re.execute(params![id, to])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn scan_index_records(&self, after: i64, f: &mut dyn FnMut(i64, StoredArticle)) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(&format!("SELECT {INDEX_COLUMNS} FROM articles WHERE seq > ?1 ORDER BY seq"))?;
        let mut rows = stmt.query([after])?;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get("seq")?;
            f(seq, index_record(r)?);
        }
        Ok(())
    }

    fn story_records(&self, story_id: &str) -> Result<Vec<StoredArticle>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {INDEX_COLUMNS} FROM articles WHERE story_id = ?1 ORDER BY seq"))?;
        let mut rows = stmt.query([story_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(index_record(r)?);
        }
        Ok(out)
    }

    fn latest_day(&self, after: i64) -> Result<Option<f64>, StoreError> {
        Ok(self.conn.query_row("SELECT MAX(day) FROM articles WHERE seq > ?1", [after], |r| r.get(0))?)
    }

    fn scan_ids(&self, f: &mut dyn FnMut(&str)) -> Result<(), StoreError> {
        // read from the id index alone, never the article rows
        let mut stmt = self.conn.prepare("SELECT id FROM articles")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?);
        }
        Ok(())
    }

    fn last_position(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM articles", [], |r| r.get(0))?)
    }

    fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        let title: Option<String> = self.conn.query_row("SELECT title FROM stories WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        let Some(title) = title else { return Ok(None) };
        let mut stmt = self.conn.prepare_cached("SELECT id FROM articles WHERE story_id = ?1 ORDER BY seq")?;
        let ids = stmt.query_map([id], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(Some(Story { id: id.to_string(), title, article_ids: ids }))
    }

    fn story_articles(&self, story_id: &str) -> Result<Vec<Article>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT * FROM articles WHERE story_id = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([story_id], article_from_row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn stories(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>, StoreError> {
        // counted on the story index alone, then joined for the few titles shown: a tenth of the
        // time of grouping the join
        self.story_list(
            "SELECT t.story_id, s.title, t.n
             FROM (SELECT story_id, COUNT(*) AS n, MIN(seq) AS first FROM articles GROUP BY story_id ORDER BY n DESC, first LIMIT ?1 OFFSET ?2) t
             JOIN stories s ON s.id = t.story_id ORDER BY t.n DESC, t.first",
            offset,
            limit,
        )
    }

    fn saved_claims(&self, story_id: &str) -> Result<Option<(String, Vec<Claim>)>, StoreError> {
        let row: Option<(String, String)> =
            self.conn.query_row("SELECT fingerprint, claims FROM claims WHERE story_id = ?1", [story_id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        let Some((fingerprint, json)) = row else { return Ok(None) };
        // claims saved by another version of the model types are recomputed, not an error
        Ok(serde_json::from_str(&json).ok().map(|claims| (fingerprint, claims)))
    }

    fn save_claims(&mut self, story_id: &str, fingerprint: &str, claims: &[Claim]) -> Result<(), StoreError> {
        let json = serde_json::to_string(claims).map_err(|e| StoreError::Corrupt { id: story_id.to_string(), reason: e.to_string() })?;
        self.conn.execute(
            "INSERT INTO claims (story_id, fingerprint, claims) VALUES (?1, ?2, ?3)
             ON CONFLICT(story_id) DO UPDATE SET fingerprint = excluded.fingerprint, claims = excluded.claims",
            params![story_id, fingerprint, json],
        )?;
        Ok(())
    }

    fn stats(&self) -> Result<StoreStats, StoreError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM stories), (SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL)",
            [],
            |r| Ok(StoreStats { articles: r.get::<_, i64>(0)? as usize, stories: r.get::<_, i64>(1)? as usize, duplicates: r.get::<_, i64>(2)? as usize }),
        )?)
    }
}

impl StateStore for SqliteStore {
    fn save_state(&mut self, key: &str, position: i64, bytes: &[u8]) -> Result<(), StoreError> {
        let file = self.state_file(key);
        let value: &[u8] = match &file {
            Some(path) if bytes.len() >= STATE_FILE_BYTES => {
                // written whole under another name, then renamed over the old one: a reader
                // sees the old file or the new one; the row below says which position is current
                let mut tmp = path.clone().into_os_string();
                tmp.push(".tmp");
                let write = || -> std::io::Result<()> {
                    let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
                    f.write_all(&self.state_header(position, bytes.len()))?;
                    f.write_all(bytes)?;
                    f.into_inner().map_err(|e| e.into_error())?;
                    std::fs::rename(&tmp, path)
                };
                write().map_err(|source| StoreError::StateFile { path: path.display().to_string(), source })?;
                STATE_IN_FILE
            }
            _ => {
                if let Some(path) = &file {
                    let _ = std::fs::remove_file(path);
                }
                bytes
            }
        };
        self.conn.execute("INSERT OR REPLACE INTO stage_state (key, position, value) VALUES (?1, ?2, ?3)", params![key, position, value])?;
        Ok(())
    }

    fn load_state(&self, key: &str) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        let row: Option<(i64, Vec<u8>)> =
            self.conn.query_row("SELECT position, value FROM stage_state WHERE key = ?1", [key], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        match row {
            Some((position, value)) if value == STATE_IN_FILE => {
                // a file that is missing, from another store or from another save is no state
                let read = |path: std::path::PathBuf| -> std::io::Result<Option<Vec<u8>>> {
                    use std::io::Read;
                    let mut f = std::fs::File::open(path)?;
                    let len = (f.metadata()?.len() as usize).saturating_sub(STATE_HEADER_BYTES);
                    let mut header = [0u8; STATE_HEADER_BYTES];
                    f.read_exact(&mut header)?;
                    if header[..] != self.state_header(position, len)[..] {
                        return Ok(None);
                    }
                    let mut bytes = Vec::with_capacity(len);
                    f.read_to_end(&mut bytes)?;
                    Ok((bytes.len() == len).then_some(bytes))
                };
                let bytes = self.state_file(key).and_then(|path| read(path).ok().flatten());
                Ok(bytes.map(|b| (position, b)))
            }
            row => Ok(row),
        }
    }
}

impl CorrectionStore for SqliteStore {
    fn record_correction(&mut self, c: &crate::NewCorrection) -> Result<parallax_model::Correction, StoreError> {
        corrections::record(&mut self.conn, c)
    }

    fn corrections(&self, after: i64) -> Result<Vec<parallax_model::Correction>, StoreError> {
        corrections::list(&self.conn, "seq > ?1", &after)
    }

    fn story_corrections(&self, story_id: &str) -> Result<Vec<parallax_model::Correction>, StoreError> {
        corrections::list(&self.conn, "from_story = ?1 OR to_story = ?1", &story_id)
    }

    fn last_correction(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM corrections", [], |r| r.get(0))?)
    }

    fn reapply_corrections(&mut self, after: i64) -> Result<Vec<parallax_model::Correction>, StoreError> {
        corrections::reapply(&mut self.conn, after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, story: &str) -> StoredArticle {
        StoredArticle {
            article: Article { id: id.into(), input: format!("{id}.txt"), paragraphs: vec!["One.".into(), "Two.".into()], ..Default::default() },
            story_id: story.into(),
            sketch: vec![1, 2, 3, 4, 5, 6, 7, 8],
            terms: vec![(parallax_text::term_key("bridg"), 2.0)],
            day: Some(19787.0),
            embedding: Some(vec![0.5, -0.25]),
            similarity: 0.3125,
        }
    }

    fn story(id: &str) -> Story {
        Story { id: id.into(), title: format!("title {id}"), article_ids: vec![] }
    }

    #[test]
    fn the_embedded_store_passes_the_conformance_checks() {
        crate::conformance::check_all(|| SqliteStore::in_memory().unwrap());
        // and as a file, where large states live beside the database
        let dir = std::env::temp_dir().join(format!("parallax-conformance-{}", std::process::id()));
        let mut n = 0;
        crate::conformance::check_all(|| {
            n += 1;
            let path = dir.join(format!("s{n}.db"));
            let _ = std::fs::remove_file(&path);
            SqliteStore::open(&path).unwrap()
        });
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn claims_are_saved_with_their_fingerprint() {
        use parallax_model::{ClaimStatus, Span, Support};
        let mut s = SqliteStore::in_memory().unwrap();
        s.insert_batch(&[rec("a", "s1")], &[story("s1")], &[]).unwrap();
        assert!(s.saved_claims("s1").unwrap().is_none());
        let sup = Support {
            article: "a".into(),
            sentence: "One.".into(),
            sentence_index: 0,
            span: Span { start: 0, end: 4 },
            attribution: None,
            speaker: None,
            values: vec![],
            details: vec![],
            relay: None,
        };
        let c = Claim {
            id: "s1-c0000abcd".into(),
            text: "One.".into(),
            status: ClaimStatus::SingleSource,
            outlets: vec!["a.txt".into()],
            support: vec![sup],
            conflict: None,
            origins: vec![],
            timeline: vec![],
        };
        s.save_claims("s1", "fp1", std::slice::from_ref(&c)).unwrap();
        s.save_claims("s1", "fp2", std::slice::from_ref(&c)).unwrap();
        assert_eq!(s.saved_claims("s1").unwrap(), Some(("fp2".to_string(), vec![c])));
    }

    #[test]
    fn an_older_store_is_migrated_in_order() {
        let dir = std::env::temp_dir().join(format!("parallax-migrate-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("old.db");
        {
            let mut s = SqliteStore::open(&path).unwrap();
            s.insert_batch(&[rec("a", "s1")], &[story("s1")], &[]).unwrap();
            // what a version-2 store looked like: no claims table, no joining similarities
            s.conn
                .execute_batch("DROP TABLE claims; ALTER TABLE articles DROP COLUMN join_sim; UPDATE meta SET value = '2' WHERE key = 'schema_version';")
                .unwrap();
        }
        let mut s = SqliteStore::open(&path).unwrap();
        let v: String = s.conn.query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0)).unwrap();
        assert_eq!(v, SCHEMA_VERSION.to_string());
        s.save_claims("s1", "fp", &[]).unwrap();
        assert_eq!(s.stats().unwrap().articles, 1);
        // an article stored before similarities were kept reads as joining with 0
        let mut sims = Vec::new();
        s.scan_index_records(0, &mut |_, r| sims.push(r.similarity)).unwrap();
        assert_eq!(sims, vec![0.0]);
        drop(s);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn insert_is_idempotent_and_round_trips() {
        let mut s = SqliteStore::in_memory().unwrap();
        s.insert_batch(&[rec("a", "s1")], &[story("s1")], &[]).unwrap();
        s.insert_batch(&[rec("a", "s1")], &[story("s1")], &[]).unwrap();
        assert_eq!(s.stats().unwrap(), StoreStats { articles: 1, stories: 1, duplicates: 0 });
        let arts = s.story_articles("s1").unwrap();
        assert_eq!(arts[0].paragraphs, vec!["One.", "Two."]);
        let mut idx = Vec::new();
        s.scan_index_records(0, &mut |_, r| idx.push(r)).unwrap();
        assert_eq!(idx[0].terms, vec![(parallax_text::term_key("bridg"), 2.0)]);
        assert_eq!(idx[0].sketch.len(), 8);
        assert_eq!(idx[0].embedding, Some(vec![0.5, -0.25]));
        assert_eq!(s.story("s1").unwrap().unwrap().article_ids, vec!["a"]);
        assert_eq!(s.placement("a").unwrap(), Some(Placement { story_id: "s1".into(), duplicate_of: None, published: None }));
        assert_eq!(s.placement("zz").unwrap(), None);
    }

    #[test]
    fn terms_round_trip_and_older_stores_term_strings_read_as_keys() {
        use rusqlite::types::ValueRef;
        let key = parallax_text::term_key;
        let mut records = Vec::new();
        for (t, c) in [("bridg", 2.0f32), ("@\u{043a}\u{0438}\u{0435}\u{0432}", 1.5)] {
            records.extend_from_slice(&(t.len() as u16).to_le_bytes());
            records.extend_from_slice(t.as_bytes());
            records.extend_from_slice(&c.to_le_bytes());
        }
        let expected = vec![(key("bridg"), 2.0), (key("@\u{043a}\u{0438}\u{0435}\u{0432}"), 1.5)];
        assert_eq!(decode_terms(ValueRef::Blob(&records)).unwrap(), expected);
        assert_eq!(decode_terms(ValueRef::Text("[[\"bridg\",2.0],[\"@\u{043a}\u{0438}\u{0435}\u{0432}\",1.5]]".as_bytes())).unwrap(), expected);
        assert_eq!(decode_terms(ValueRef::Blob(&encode_terms(&expected))).unwrap(), expected);
        assert!(decode_terms(ValueRef::Blob(&encode_terms(&expected)[..10])).is_err());
        assert!(decode_terms(ValueRef::Blob(&[5, 0, b'a'])).is_err());
    }

    #[test]
    fn large_states_live_in_a_checked_file_beside_the_database() {
        let dir = std::env::temp_dir().join(format!("parallax-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("p.db");
        let big: Vec<u8> = (0..STATE_FILE_BYTES + 10).map(|i| (i % 251) as u8).collect();
        let file = {
            let mut s = SqliteStore::open(&path).unwrap();
            s.save_state("engine.state", 7, &big).unwrap();
            s.save_state("engine.ids", 7, b"small").unwrap();
            s.state_file("engine.state").unwrap()
        };
        assert!(file.exists() && !dir.join("p.db-engine.ids").exists());
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.load_state("engine.state").unwrap(), Some((7, big.clone())));
        assert_eq!(s.load_state("engine.ids").unwrap(), Some((7, b"small".to_vec())));
        // another store's file at the same place, or a cut one, is no state
        let other = SqliteStore::open(&dir.join("q.db")).unwrap();
        let mut theirs = other.state_header(7, big.len());
        theirs.extend_from_slice(&big);
        std::fs::write(&file, &theirs).unwrap();
        assert_eq!(s.load_state("engine.state").unwrap(), None);
        let mut ours = s.state_header(7, big.len());
        ours.extend_from_slice(&big[..100]);
        std::fs::write(&file, &ours).unwrap();
        assert_eq!(s.load_state("engine.state").unwrap(), None);
        std::fs::remove_file(&file).unwrap();
        assert_eq!(s.load_state("engine.state").unwrap(), None);
        // in memory, everything stays in the database
        let mut m = SqliteStore::in_memory().unwrap();
        m.save_state("engine.state", 3, &big).unwrap();
        assert_eq!(m.load_state("engine.state").unwrap(), Some((3, big)));
    }

    #[test]
    fn a_failing_batch_leaves_nothing_behind() {
        let mut s = SqliteStore::in_memory().unwrap();
        // second article names a story that does not exist: the foreign key fails the batch
        let err = s.insert_batch(&[rec("a", "s1"), rec("b", "missing")], &[story("s1")], &[]);
        assert!(err.is_err());
        assert_eq!(s.stats().unwrap().articles, 0);
        assert_eq!(s.stats().unwrap().stories, 0);
    }

    #[test]
    fn repoint_marks_duplicates() {
        let mut s = SqliteStore::in_memory().unwrap();
        s.insert_batch(&[rec("a", "s1"), rec("b", "s1")], &[story("s1")], &[]).unwrap();
        s.insert_batch(&[], &[], &[("a".into(), Some("b".into()))]).unwrap();
        assert_eq!(s.stats().unwrap().duplicates, 1);
    }

    #[test]
    fn reopening_a_file_store_keeps_data_and_rejects_non_databases() {
        let dir = std::env::temp_dir().join(format!("parallax-store-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("nested/p.db");
        {
            let mut s = SqliteStore::open(&path).unwrap();
            s.insert_batch(&[rec("a", "s1")], &[story("s1")], &[]).unwrap();
        }
        assert_eq!(SqliteStore::open(&path).unwrap().stats().unwrap().articles, 1);
        let junk = dir.join("junk.db");
        std::fs::write(&junk, b"this is not sqlite at all, not even close to a header").unwrap();
        let e = SqliteStore::open(&junk).err().unwrap().to_string();
        assert!(e.contains("junk.db") && e.contains("not"), "{e}");
    }

    #[test]
    fn scans_resume_after_a_position_and_state_round_trips() {
        let mut s = SqliteStore::in_memory().unwrap();
        s.insert_batch(&[rec("a", "s1"), rec("b", "s1"), rec("c", "s1")], &[story("s1")], &[]).unwrap();
        let last = s.last_position().unwrap();
        let mut after_first = Vec::new();
        s.scan_index_records(last - 2, &mut |_, r| after_first.push(r.article.id)).unwrap();
        assert_eq!(after_first, vec!["b", "c"]);
        assert_eq!(s.latest_day(0).unwrap(), Some(19787.0));
        assert_eq!(s.latest_day(last).unwrap(), None);
        let mut ids = Vec::new();
        s.scan_ids(&mut |id| ids.push(id.to_string())).unwrap();
        ids.sort();
        assert_eq!(ids, vec!["a", "b", "c"]);
        assert_eq!(s.load_state("df").unwrap(), None);
        s.save_state("df", last, b"snapshot").unwrap();
        s.save_state("df", last, b"newer").unwrap();
        assert_eq!(s.load_state("df").unwrap(), Some((last, b"newer".to_vec())));
    }
}

#[cfg(test)]
mod search_tests {
    use super::*;
    use crate::SearchIndex;

    #[test]
    fn search_finds_stemmed_words_after_the_index_catches_up() {
        let mut s = SqliteStore::in_memory().unwrap();
        let mut a = tests_rec("a", "s1");
        a.article.title = Some("Ferry capsizes off Port Aster".into());
        a.article.paragraphs = vec!["Twelve people died when the ferry capsized.".into()];
        let mut b = tests_rec("b", "s2");
        b.article.paragraphs = vec!["The council approved the budget.".into()];
        s.insert_batch(
            &[a, b],
            &[Story { id: "s1".into(), title: "t".into(), article_ids: vec![] }, Story { id: "s2".into(), title: "u".into(), article_ids: vec![] }],
            &[],
        )
        .unwrap();
        assert!(s.search("ferry", &Default::default(), 10).unwrap().is_empty(), "not indexed yet");
        assert_eq!(s.update_search_index(1).unwrap(), 1);
        assert_eq!(s.update_search_index(100).unwrap(), 1);
        assert_eq!(s.update_search_index(100).unwrap(), 0);
        let hits = s.search("capsize", &Default::default(), 10).unwrap();
        assert_eq!(hits.len(), 1, "porter stemming: capsize finds capsized");
        assert_eq!(hits[0].story_id, "s1");
        assert!(hits[0].snippet.contains('['), "{}", hits[0].snippet);
        let err = s.search("\"unclosed", &Default::default(), 10).unwrap_err().to_string();
        assert!(err.contains("not a search query"), "{err}");
    }

    fn tests_rec(id: &str, story: &str) -> StoredArticle {
        StoredArticle {
            article: Article { id: id.into(), input: format!("{id}.txt"), ..Default::default() },
            story_id: story.into(),
            sketch: vec![1, 2, 3, 4, 5, 6, 7, 8],
            terms: vec![],
            day: None,
            embedding: None,
            similarity: 0.0,
        }
    }
}
