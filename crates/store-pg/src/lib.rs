//! The PostgreSQL store: the interfaces of `parallax-store` over one shared server, so that
//! several processes (on several machines) read and write one store. It passes the same
//! conformance checks as the embedded SQLite store (`parallax_store::conformance`).
//!
//! The schema is made and migrated by [`PgStore::connect`], in ordered, versioned steps.
//! Search uses PostgreSQL's own full text (an English `tsvector` per article, GIN-indexed).
//! States live in the database whatever their size.

use parallax_model::{Article, Claim, Correction, CorrectionKind, Outlet, Story};
use parallax_store::encoding::{decode_floats, decode_keyed_terms, encode_floats, encode_terms};
use parallax_store::{
    ArticleStore, CorrectionStore, FeedState, FeedStore, NewCorrection, Placement, SearchFilter, SearchHit, SearchIndex, StateStore, StoreError, StoreStats,
    StoredArticle, StorySummary,
};
use postgres::{Client, NoTls, Row};
use std::cell::RefCell;

mod queue;
#[doc(hidden)]
pub mod testing;
pub use queue::PgQueue;

/// Ordered, versioned migrations: (the version a step brings a store to, its SQL).
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE stories (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT now());
     CREATE TABLE articles (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        input TEXT NOT NULL,
        url TEXT, outlet TEXT, title TEXT, byline TEXT, published TEXT, language TEXT,
        duplicate_of TEXT,
        story_id TEXT NOT NULL REFERENCES stories(id),
        sketch BYTEA NOT NULL,
        terms BYTEA NOT NULL,
        day DOUBLE PRECISION,
        embedding BYTEA,
        join_sim REAL,
        ingested_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        body TEXT NOT NULL,
        search TSVECTOR
     );
     CREATE INDEX articles_story ON articles(story_id);
     CREATE INDEX articles_copies ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;
     CREATE INDEX articles_search ON articles USING GIN (search);
     CREATE TABLE stage_state (key TEXT PRIMARY KEY, position BIGINT NOT NULL, value BYTEA NOT NULL);
     CREATE TABLE claims (story_id TEXT PRIMARY KEY REFERENCES stories(id), fingerprint TEXT NOT NULL, claims TEXT NOT NULL);
     CREATE TABLE feeds (
        url TEXT PRIMARY KEY, title TEXT, enabled BOOLEAN NOT NULL DEFAULT TRUE, etag TEXT, last_modified TEXT,
        last_checked BIGINT, next_check BIGINT NOT NULL DEFAULT 0, interval_secs BIGINT NOT NULL DEFAULT 3600,
        errors BIGINT NOT NULL DEFAULT 0, last_error TEXT, added_at TIMESTAMPTZ NOT NULL DEFAULT now()
     );
     CREATE TABLE corrections (
        seq BIGSERIAL PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('merge', 'split', 'undo')),
        from_story TEXT NOT NULL,
        to_story TEXT NOT NULL REFERENCES stories(id),
        articles TEXT NOT NULL,
        whole_story BOOLEAN NOT NULL,
        undoes BIGINT REFERENCES corrections(seq),
        undone_by BIGINT REFERENCES corrections(seq),
        created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')
     );
     CREATE INDEX corrections_from ON corrections(from_story);
     CREATE INDEX corrections_to ON corrections(to_story);
     CREATE TABLE search_done (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), upto BIGINT NOT NULL);
     INSERT INTO search_done (upto) VALUES (0);",
    ),
    (
        2,
        // the job queue of `parallax work` (see `queue`)
        "CREATE SEQUENCE job_order;
         CREATE FUNCTION url_host(url TEXT) RETURNS TEXT IMMUTABLE LANGUAGE SQL
            AS $$ SELECT lower(substring(url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\\[[^]]*\\]|[^/:?#]*)')) $$;
         CREATE TABLE jobs (
            id BIGSERIAL PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('document', 'page', 'feed')),
            input TEXT NOT NULL,
            host TEXT,
            payload BYTEA,
            state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'prepared', 'placed', 'failed')),
            seq BIGINT,
            not_before TIMESTAMPTZ NOT NULL DEFAULT now(),
            worker TEXT,
            lease_until TIMESTAMPTZ,
            attempts INT NOT NULL DEFAULT 0,
            result BYTEA,
            error TEXT,
            queued_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            done_at TIMESTAMPTZ,
            placed_at TIMESTAMPTZ
         );
         -- few indexes: a job's row is written four times (queued, claimed, prepared, placed),
         -- and each index is written each time (the rates of `parallax status` scan instead)
         CREATE INDEX jobs_queued_documents ON jobs(seq) WHERE state = 'queued' AND kind = 'document';
         CREATE INDEX jobs_queued_web ON jobs(not_before, id) WHERE state = 'queued' AND kind <> 'document';
         CREATE INDEX jobs_waiting ON jobs(seq) WHERE state IN ('queued', 'running') AND seq IS NOT NULL;
         CREATE INDEX jobs_prepared ON jobs(seq) WHERE state = 'prepared';
         CREATE INDEX jobs_running ON jobs(lease_until) WHERE state = 'running';
         CREATE INDEX jobs_failed ON jobs(id) WHERE state = 'failed';
         CREATE UNIQUE INDEX jobs_web ON jobs(kind, input) WHERE kind <> 'document';
         CREATE TABLE hosts (host TEXT PRIMARY KEY, next_at TIMESTAMPTZ NOT NULL DEFAULT '-infinity');
         CREATE TABLE workers (
            id TEXT PRIMARY KEY, host TEXT NOT NULL, dir TEXT NOT NULL, pid BIGINT NOT NULL, threads INT NOT NULL,
            started_at TIMESTAMPTZ NOT NULL DEFAULT now(), seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            jobs_done BIGINT NOT NULL DEFAULT 0, is_placer BOOLEAN NOT NULL DEFAULT FALSE,
            lease_secs DOUBLE PRECISION NOT NULL DEFAULT 30
         );
         -- documents and articles are written once and read seldom: lz4 compresses them at a
         -- fraction of the default's CPU (a server built without lz4 keeps the default)
         DO $$ BEGIN
            ALTER TABLE jobs ALTER COLUMN payload SET COMPRESSION lz4, ALTER COLUMN result SET COMPRESSION lz4;
            ALTER TABLE articles ALTER COLUMN body SET COMPRESSION lz4;
         EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
         END $$;",
    ),
];

/// Held by the process that places articles (see [`PgStore::lock_writer`]).
const WRITER_LOCK: i64 = 0x7061_7261_6c6c_6177;

/// Taken while the schema is made or migrated: two processes starting at once do it once.
const MIGRATION_LOCK: i64 = 0x7061_7261_6c6c_6178; // "parallax"

fn backend(e: postgres::Error) -> StoreError {
    StoreError::Backend(said(&e))
}

/// What the server said, in its words (the client's own message is only "db error").
fn said(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_string(),
        },
        None => e.to_string(),
    }
}

/// Connects, then makes or migrates the schema; returns the client and the server's name for
/// messages (the URL without its password).
pub(crate) fn connect_migrated(url: &str) -> Result<(Client, String), StoreError> {
    // the URL may hold a password: errors name the server, not the URL
    let shown = url.split_once('@').map_or_else(|| url.to_string(), |(_, host)| format!("postgres://…@{host}"));
    let mut client = Client::connect(url, NoTls).map_err(|e| StoreError::Open { path: shown.clone(), reason: said(&e) })?;
    let mut tx = client.transaction().map_err(backend)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(backend)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)").map_err(backend)?;
    let version: i64 = tx
        .query_opt("SELECT value FROM meta WHERE key = 'schema_version'", &[])
        .map_err(backend)?
        .and_then(|r| r.get::<_, String>(0).parse().ok())
        .unwrap_or(0);
    let newest = MIGRATIONS.last().map_or(0, |m| m.0);
    if version > newest {
        return Err(StoreError::Schema {
            path: shown,
            reason: format!("store schema version {version}, this parallax reads version {newest}: upgrade parallax"),
        });
    }
    for (to, sql) in MIGRATIONS.iter().filter(|(to, _)| *to > version) {
        tx.batch_execute(sql)
            .map_err(|e| StoreError::Schema { path: shown.clone(), reason: format!("cannot migrate to schema version {to}: {}", said(&e)) })?;
        tx.execute("INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", &[&to.to_string()])
            .map_err(backend)?;
    }
    tx.commit().map_err(backend)?;
    Ok((client, shown))
}

/// A store on a PostgreSQL server.
pub struct PgStore {
    client: RefCell<Client>,
    shown: String,
}

impl PgStore {
    /// Connects (`postgres://user@host:port/db`), then makes or migrates the schema.
    pub fn connect(url: &str) -> Result<PgStore, StoreError> {
        let (client, shown) = connect_migrated(url)?;
        Ok(PgStore { client: RefCell::new(client), shown })
    }

    /// Takes the writer lock if no other process holds it: `false` when one does. The placer of
    /// a job queue (`parallax work`) is whichever worker holds it.
    pub fn try_lock_writer(&self) -> Result<bool, StoreError> {
        Ok(self.client.borrow_mut().query_one("SELECT pg_try_advisory_lock($1)", &[&WRITER_LOCK]).map_err(backend)?.get(0))
    }

    /// Takes the store's writer lock: one process at a time places articles, because placement
    /// continues from the saved state of the run before. A session lock of this connection, so
    /// it is released when the store is dropped or the process dies, however it dies. When
    /// another process holds it, `waiting` is called once and the lock is waited for.
    pub fn lock_writer(&self, waiting: &mut dyn FnMut()) -> Result<(), StoreError> {
        let mut client = self.client.borrow_mut();
        let got: bool = client.query_one("SELECT pg_try_advisory_lock($1)", &[&WRITER_LOCK]).map_err(backend)?.get(0);
        if !got {
            waiting();
            client.execute("SELECT pg_advisory_lock($1)", &[&WRITER_LOCK]).map_err(backend)?;
        }
        Ok(())
    }

    /// Where the store is, for messages (without a password).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    fn query(&self, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<Vec<Row>, StoreError> {
        self.client.borrow_mut().query(sql, params).map_err(backend)
    }

    fn story_list(&self, sql: &str, offset: usize, limit: usize) -> Result<Vec<StorySummary>, StoreError> {
        let rows = self.query(sql, &[&(limit.min(i64::MAX as usize) as i64), &(offset.min(i64::MAX as usize) as i64)])?;
        let mut out = Vec::new();
        for r in rows {
            let id: String = r.get(0);
            // outlets by the model's one definition (name, else URL host, else input)
            let names: std::collections::HashSet<String> = self
                .query("SELECT outlet, url, input FROM articles WHERE story_id = $1", &[&id])?
                .iter()
                .map(|o| Outlet::of(o.get::<_, Option<String>>(0).as_deref(), o.get::<_, Option<String>>(1).as_deref(), &o.get::<_, String>(2)).name)
                .collect();
            out.push(StorySummary { id, title: r.get(1), articles: r.get::<_, i64>(2) as usize, outlets: names.len() });
        }
        Ok(out)
    }
}

const ARTICLE_COLUMNS: &str = "id, input, url, outlet, title, byline, published, language, body, duplicate_of";
const INDEX_COLUMNS: &str =
    "seq, id, input, url, outlet, title, byline, published, language, '' AS body, duplicate_of, story_id, sketch, terms, day, embedding, join_sim";

fn article_of(r: &Row) -> Article {
    let body: String = r.get("body");
    Article {
        id: r.get("id"),
        input: r.get("input"),
        url: r.get("url"),
        outlet: r.get("outlet"),
        title: r.get("title"),
        byline: r.get("byline"),
        published: r.get("published"),
        language: r.get("language"),
        duplicate_of: r.get("duplicate_of"),
        paragraphs: if body.is_empty() { vec![] } else { body.split("\n\n").map(str::to_string).collect() },
    }
}

fn record_of(r: &Row) -> Result<StoredArticle, StoreError> {
    let article = article_of(r);
    let terms = decode_keyed_terms(r.get::<_, &[u8]>("terms"))
        .unwrap_or_else(|| Err("terms in an unknown layout".into()))
        .map_err(|reason| StoreError::Corrupt { id: article.id.clone(), reason })?;
    Ok(StoredArticle {
        story_id: r.get("story_id"),
        sketch: r.get("sketch"),
        terms,
        day: r.get("day"),
        embedding: r.get::<_, Option<&[u8]>>("embedding").map(decode_floats),
        similarity: r.get::<_, Option<f32>>("join_sim").unwrap_or(0.0),
        article,
    })
}

impl ArticleStore for PgStore {
    fn placement(&self, id: &str) -> Result<Option<Placement>, StoreError> {
        Ok(self.query("SELECT story_id, duplicate_of, published FROM articles WHERE id = $1", &[&id])?.first().map(|r| Placement {
            story_id: r.get(0),
            duplicate_of: r.get(1),
            published: r.get(2),
        }))
    }

    fn insert_batch(&mut self, batch: &[StoredArticle], new_stories: &[Story], repoint: &[(String, Option<String>)]) -> Result<(), StoreError> {
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(backend)?;
        // one statement per table for the whole batch: a round trip per row was most of the
        // placer's time
        let (ids, titles): (Vec<&str>, Vec<&str>) = new_stories.iter().map(|s| (s.id.as_str(), s.title.as_str())).unzip();
        tx.execute("INSERT INTO stories (id, title) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) DO NOTHING", &[&ids, &titles])
            .map_err(backend)?;
        let texts: Vec<String> = batch.iter().map(|s| s.article.text()).collect();
        let terms: Vec<Vec<u8>> = batch.iter().map(|s| encode_terms(&s.terms)).collect();
        let embeddings: Vec<Option<Vec<u8>>> = batch.iter().map(|s| s.embedding.as_deref().map(encode_floats)).collect();
        let col = |f: fn(&StoredArticle) -> Option<&str>| batch.iter().map(f).collect::<Vec<Option<&str>>>();
        tx.execute(
            "INSERT INTO articles (id, input, url, outlet, title, byline, published, language, body, duplicate_of, story_id, sketch, terms, day, embedding, join_sim)
             SELECT id, input, url, outlet, title, byline, published, language, body, duplicate_of, story_id, sketch, terms, day, embedding, join_sim
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                         $11::text[], $12::bytea[], $13::bytea[], $14::float8[], $15::bytea[], $16::real[])
                  WITH ORDINALITY AS u(id, input, url, outlet, title, byline, published, language, body, duplicate_of, story_id, sketch, terms, day, embedding, join_sim, n)
             ORDER BY n
             ON CONFLICT (id) DO NOTHING",
            &[
                &col(|s| Some(s.article.id.as_str())),
                &col(|s| Some(s.article.input.as_str())),
                &col(|s| s.article.url.as_deref()),
                &col(|s| s.article.outlet.as_deref()),
                &col(|s| s.article.title.as_deref()),
                &col(|s| s.article.byline.as_deref()),
                &col(|s| s.article.published.as_deref()),
                &col(|s| s.article.language.as_deref()),
                &texts,
                &col(|s| s.article.duplicate_of.as_deref()),
                &col(|s| Some(s.story_id.as_str())),
                &batch.iter().map(|s| s.sketch.as_slice()).collect::<Vec<&[u8]>>(),
                &terms,
                &batch.iter().map(|s| s.day).collect::<Vec<Option<f64>>>(),
                &embeddings,
                &batch.iter().map(|s| s.similarity).collect::<Vec<f32>>(),
            ],
        )
        .map_err(backend)?;
        for (id, to) in repoint {
            tx.execute("UPDATE articles SET duplicate_of = $2 WHERE id = $1", &[id, to]).map_err(backend)?;
        }
        tx.commit().map_err(backend)
    }

    fn scan_index_records(&self, after: i64, f: &mut dyn FnMut(i64, StoredArticle)) -> Result<(), StoreError> {
        // in pages by position: a million-article scan never sits in memory whole
        let mut from = after;
        loop {
            let rows = self.query(&format!("SELECT {INDEX_COLUMNS} FROM articles WHERE seq > $1 ORDER BY seq LIMIT 5000"), &[&from])?;
            let Some(last) = rows.last().map(|r| r.get::<_, i64>("seq")) else { return Ok(()) };
            for r in &rows {
                f(r.get("seq"), record_of(r)?);
            }
            from = last;
        }
    }

    fn latest_day(&self, after: i64) -> Result<Option<f64>, StoreError> {
        Ok(self.query("SELECT MAX(day) FROM articles WHERE seq > $1", &[&after])?[0].get(0))
    }

    fn scan_ids(&self, f: &mut dyn FnMut(&str)) -> Result<(), StoreError> {
        for r in self.query("SELECT id FROM articles", &[])? {
            f(r.get(0));
        }
        Ok(())
    }

    fn last_position(&self) -> Result<i64, StoreError> {
        Ok(self.query("SELECT COALESCE(MAX(seq), 0) FROM articles", &[])?[0].get(0))
    }

    fn story(&self, id: &str) -> Result<Option<Story>, StoreError> {
        let Some(title) = self.query("SELECT title FROM stories WHERE id = $1", &[&id])?.first().map(|r| r.get::<_, String>(0)) else { return Ok(None) };
        let ids = self.query("SELECT id FROM articles WHERE story_id = $1 ORDER BY seq", &[&id])?.iter().map(|r| r.get(0)).collect();
        Ok(Some(Story { id: id.to_string(), title, article_ids: ids }))
    }

    fn article(&self, id: &str) -> Result<Option<(Article, String)>, StoreError> {
        Ok(self.query(&format!("SELECT {ARTICLE_COLUMNS}, story_id FROM articles WHERE id = $1"), &[&id])?.first().map(|r| (article_of(r), r.get("story_id"))))
    }

    fn story_articles(&self, story_id: &str) -> Result<Vec<Article>, StoreError> {
        Ok(self.query(&format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE story_id = $1 ORDER BY seq"), &[&story_id])?.iter().map(article_of).collect())
    }

    fn story_sources(&self, story_id: &str) -> Result<Vec<Article>, StoreError> {
        Ok(self
            .query(
                "SELECT id, input, url, outlet, title, byline, published, language, '' AS body, duplicate_of FROM articles WHERE story_id = $1 ORDER BY seq",
                &[&story_id],
            )?
            .iter()
            .map(article_of)
            .collect())
    }

    fn story_records(&self, story_id: &str) -> Result<Vec<StoredArticle>, StoreError> {
        self.query(&format!("SELECT {INDEX_COLUMNS} FROM articles WHERE story_id = $1 ORDER BY seq"), &[&story_id])?.iter().map(record_of).collect()
    }

    fn stories(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>, StoreError> {
        self.story_list(
            "SELECT t.story_id, s.title, t.n
             FROM (SELECT story_id, COUNT(*) AS n, MIN(seq) AS first FROM articles GROUP BY story_id ORDER BY n DESC, first LIMIT $1 OFFSET $2) t
             JOIN stories s ON s.id = t.story_id ORDER BY t.n DESC, t.first",
            offset,
            limit,
        )
    }

    fn newest_stories(&self, offset: usize, limit: usize) -> Result<Vec<StorySummary>, StoreError> {
        self.story_list(
            "SELECT t.story_id, s.title, t.n
             FROM (SELECT story_id, COUNT(*) AS n, MAX(seq) AS last FROM articles GROUP BY story_id ORDER BY last DESC LIMIT $1 OFFSET $2) t
             JOIN stories s ON s.id = t.story_id ORDER BY t.last DESC",
            offset,
            limit,
        )
    }

    fn stats(&self) -> Result<StoreStats, StoreError> {
        let r = &self.query(
            "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM stories), (SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL)",
            &[],
        )?[0];
        Ok(StoreStats { articles: r.get::<_, i64>(0) as usize, stories: r.get::<_, i64>(1) as usize, duplicates: r.get::<_, i64>(2) as usize })
    }

    fn saved_claims(&self, story_id: &str) -> Result<Option<(String, Vec<Claim>)>, StoreError> {
        let rows = self.query("SELECT fingerprint, claims FROM claims WHERE story_id = $1", &[&story_id])?;
        let Some(r) = rows.first() else { return Ok(None) };
        // claims saved by another version of the model types are recomputed, not an error
        Ok(serde_json::from_str(r.get::<_, &str>(1)).ok().map(|claims| (r.get(0), claims)))
    }

    fn save_claims(&mut self, story_id: &str, fingerprint: &str, claims: &[Claim]) -> Result<(), StoreError> {
        let json = serde_json::to_string(claims).map_err(|e| StoreError::Corrupt { id: story_id.to_string(), reason: e.to_string() })?;
        self.query(
            "INSERT INTO claims (story_id, fingerprint, claims) VALUES ($1, $2, $3)
             ON CONFLICT (story_id) DO UPDATE SET fingerprint = excluded.fingerprint, claims = excluded.claims",
            &[&story_id, &fingerprint, &json],
        )?;
        Ok(())
    }
}

impl StateStore for PgStore {
    fn save_state(&mut self, key: &str, position: i64, bytes: &[u8]) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO stage_state (key, position, value) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET position = excluded.position, value = excluded.value",
            &[&key, &position, &bytes],
        )?;
        Ok(())
    }

    fn load_state(&self, key: &str) -> Result<Option<(i64, Vec<u8>)>, StoreError> {
        Ok(self.query("SELECT position, value FROM stage_state WHERE key = $1", &[&key])?.first().map(|r| (r.get(0), r.get(1))))
    }
}

fn correction_of(r: &Row) -> Result<Correction, StoreError> {
    let seq: i64 = r.get("seq");
    let corrupt = |reason: String| StoreError::Corrupt { id: format!("correction {seq}"), reason };
    let kind: String = r.get("kind");
    Ok(Correction {
        seq,
        kind: CorrectionKind::parse(&kind).ok_or_else(|| corrupt(format!("unknown kind {kind:?}")))?,
        from_story: r.get("from_story"),
        to_story: r.get("to_story"),
        articles: serde_json::from_str(r.get::<_, &str>("articles")).map_err(|e| corrupt(e.to_string()))?,
        whole_story: r.get("whole_story"),
        undoes: r.get("undoes"),
        undone_by: r.get("undone_by"),
        created_at: r.get("created_at"),
    })
}

const CORRECTION_COLUMNS: &str = "seq, kind, from_story, to_story, articles, whole_story, undoes, undone_by, created_at";

impl CorrectionStore for PgStore {
    fn record_correction(&mut self, c: &NewCorrection) -> Result<Correction, StoreError> {
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(backend)?;
        // one correction at a time across every process: each reads, then moves
        tx.execute("LOCK TABLE corrections IN EXCLUSIVE MODE", &[]).map_err(backend)?;
        if let Some(undone) = c.undoes {
            match tx.query_opt("SELECT undone_by FROM corrections WHERE seq = $1", &[&undone]).map_err(backend)? {
                None => return Err(StoreError::Refused(format!("no correction {undone}"))),
                Some(r) => {
                    if let Some(by) = r.get::<_, Option<i64>>(0) {
                        return Err(StoreError::Refused(format!("correction {undone} was already undone by correction {by}")));
                    }
                }
            }
        }
        let members: Vec<String> = tx
            .query("SELECT id FROM articles WHERE story_id = $1 ORDER BY seq FOR UPDATE", &[&c.from_story])
            .map_err(backend)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let moved = c.articles_to_move(members, &mut |id| {
            Ok(tx
                .query("SELECT id FROM articles WHERE duplicate_of = $1 AND story_id = $2", &[&id, &c.from_story])
                .map_err(backend)?
                .iter()
                .map(|r| r.get(0))
                .collect())
        })?;
        let title = c.to_title.clone().unwrap_or_default();
        tx.execute("INSERT INTO stories (id, title) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", &[&c.to_story, &title]).map_err(backend)?;
        let articles = serde_json::to_string(&moved).expect("strings serialize");
        let seq: i64 = tx
            .query_one(
                "INSERT INTO corrections (kind, from_story, to_story, articles, whole_story, undoes) VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
                &[&c.kind.as_str(), &c.from_story, &c.to_story, &articles, &c.whole_story, &c.undoes],
            )
            .map_err(backend)?
            .get(0);
        tx.execute("UPDATE articles SET story_id = $1 WHERE id = ANY($2) AND story_id = $3", &[&c.to_story, &moved, &c.from_story]).map_err(backend)?;
        if let Some(undone) = c.undoes {
            tx.execute("UPDATE corrections SET undone_by = $1 WHERE seq = $2", &[&seq, &undone]).map_err(backend)?;
        }
        let made = correction_of(&tx.query_one(&format!("SELECT {CORRECTION_COLUMNS} FROM corrections WHERE seq = $1"), &[&seq]).map_err(backend)?)?;
        tx.commit().map_err(backend)?;
        Ok(made)
    }

    fn corrections(&self, after: i64) -> Result<Vec<Correction>, StoreError> {
        self.query(&format!("SELECT {CORRECTION_COLUMNS} FROM corrections WHERE seq > $1 ORDER BY seq"), &[&after])?.iter().map(correction_of).collect()
    }

    fn story_corrections(&self, story_id: &str) -> Result<Vec<Correction>, StoreError> {
        self.query(&format!("SELECT {CORRECTION_COLUMNS} FROM corrections WHERE from_story = $1 OR to_story = $1 ORDER BY seq"), &[&story_id])?
            .iter()
            .map(correction_of)
            .collect()
    }

    fn last_correction(&self) -> Result<i64, StoreError> {
        Ok(self.query("SELECT COALESCE(MAX(seq), 0) FROM corrections", &[])?[0].get(0))
    }

    fn reapply_corrections(&mut self, after: i64) -> Result<Vec<Correction>, StoreError> {
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(backend)?;
        let found: Vec<Correction> = tx
            .query(&format!("SELECT {CORRECTION_COLUMNS} FROM corrections WHERE seq > $1 ORDER BY seq"), &[&after])
            .map_err(backend)?
            .iter()
            .map(correction_of)
            .collect::<Result<_, _>>()?;
        // an undone merge is not moved again: what was placed in the revived story since is its own
        for c in found.iter().filter(|c| c.whole_story && c.undone_by.is_none()) {
            tx.execute("UPDATE articles SET story_id = $1 WHERE story_id = $2", &[&c.to_story, &c.from_story]).map_err(backend)?;
        }
        tx.commit().map_err(backend)?;
        Ok(found)
    }
}

/// The words of a query as the SQLite index takes them (`"w1" "w2"`, all required), checked,
/// as the text of a PostgreSQL `plainto_tsquery`.
fn plain_words(query: &str) -> Result<String, StoreError> {
    if !query.matches('"').count().is_multiple_of(2) {
        return Err(StoreError::Schema { path: "search".into(), reason: format!("not a search query ({query:?}): unbalanced quotes") });
    }
    Ok(query.replace("\"\"", "\"").replace('"', " "))
}

impl SearchIndex for PgStore {
    fn update_search_index(&mut self, max: usize) -> Result<usize, StoreError> {
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(backend)?;
        // the row is locked: two servers on one store never index the same articles
        let done: i64 = tx.query_one("SELECT upto FROM search_done FOR UPDATE", &[]).map_err(backend)?.get(0);
        let upto: Option<i64> = tx
            .query_one("SELECT MAX(seq) FROM (SELECT seq FROM articles WHERE seq > $1 ORDER BY seq LIMIT $2) t", &[&done, &(max as i64)])
            .map_err(backend)?
            .get(0);
        let Some(upto) = upto else { return Ok(0) };
        let n = tx
            .execute(
                "UPDATE articles SET search = setweight(to_tsvector('english', COALESCE(title, '')), 'A') || to_tsvector('english', body)
                 WHERE seq > $1 AND seq <= $2",
                &[&done, &upto],
            )
            .map_err(backend)?;
        tx.execute("UPDATE search_done SET upto = $1", &[&upto]).map_err(backend)?;
        tx.commit().map_err(backend)?;
        Ok(n as usize)
    }

    fn search(&self, query: &str, filter: &SearchFilter, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let words = plain_words(query)?;
        let rows = self.query(
            "SELECT a.story_id, a.id, COALESCE(a.title, ''), COALESCE(a.outlet, ''), a.url, a.published,
                    ts_headline('english', a.body, q, 'StartSel=[, StopSel=], MaxWords=24, MinWords=8')
             FROM articles a, plainto_tsquery('english', $1) q
             WHERE a.search @@ q
               AND ($3::TEXT IS NULL OR lower(a.outlet) = lower($3) OR strpos(lower(a.url), lower($3)) > 0)
               AND ($4::TEXT IS NULL OR substr(a.published, 1, 10) >= $4)
               AND ($5::TEXT IS NULL OR substr(a.published, 1, 10) <= $5)
             ORDER BY ts_rank(a.search, q) DESC, a.seq LIMIT $2",
            &[&words, &(limit as i64), &filter.outlet, &filter.from, &filter.to],
        )?;
        Ok(rows
            .iter()
            .map(|r| SearchHit {
                story_id: r.get(0),
                article_id: r.get(1),
                title: r.get(2),
                outlet: r.get(3),
                url: r.get(4),
                published: r.get(5),
                snippet: r.get(6),
            })
            .collect())
    }
}

impl FeedStore for PgStore {
    fn follow_feed(&mut self, url: &str, title: Option<&str>) -> Result<(), StoreError> {
        self.query(
            "INSERT INTO feeds (url, title) VALUES ($1, $2) ON CONFLICT (url) DO UPDATE SET title = COALESCE($2, feeds.title), enabled = TRUE",
            &[&url, &title],
        )?;
        Ok(())
    }

    fn feeds(&self) -> Result<Vec<FeedState>, StoreError> {
        Ok(self
            .query("SELECT url, title, enabled, etag, last_modified, last_checked, next_check, interval_secs, errors, last_error FROM feeds ORDER BY url", &[])?
            .iter()
            .map(|r| FeedState {
                url: r.get(0),
                title: r.get(1),
                enabled: r.get(2),
                etag: r.get(3),
                last_modified: r.get(4),
                last_checked: r.get(5),
                next_check: r.get(6),
                interval_secs: r.get(7),
                errors: r.get(8),
                last_error: r.get(9),
            })
            .collect())
    }

    fn update_feed(&mut self, f: &FeedState) -> Result<(), StoreError> {
        self.query(
            "UPDATE feeds SET title = $2, enabled = $3, etag = $4, last_modified = $5, last_checked = $6, next_check = $7, interval_secs = $8, errors = $9, last_error = $10 WHERE url = $1",
            &[&f.url, &f.title, &f.enabled, &f.etag, &f.last_modified, &f.last_checked, &f.next_check, &f.interval_secs, &f.errors, &f.last_error],
        )?;
        Ok(())
    }

    fn set_feed_enabled(&mut self, url: &str, enabled: bool) -> Result<bool, StoreError> {
        Ok(self.client.borrow_mut().execute("UPDATE feeds SET enabled = $2, next_check = 0 WHERE url = $1", &[&url, &enabled]).map_err(backend)? > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_keep_their_words_and_refuse_broken_quotes() {
        assert_eq!(plain_words("\"ferry\" \"U.S.-led\"").unwrap().split_whitespace().collect::<Vec<_>>(), ["ferry", "U.S.-led"]);
        assert!(plain_words("\"unclosed").is_err());
    }
}
