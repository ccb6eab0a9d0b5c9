//! Readers' corrections of the stories: each one a row, and the articles it moved.
//!
//! Story membership is `articles.story_id` alone, so a correction is that column changed for
//! the articles it moves, in the same transaction as its row: a reader never sees one without
//! the other, and a killed process leaves both or neither.

use crate::{NewCorrection, StoreError};
use parallax_model::{Correction, CorrectionKind};
use rusqlite::{params, Connection, OptionalExtension, ToSql, TransactionBehavior};

pub(super) fn record(conn: &mut Connection, c: &NewCorrection) -> Result<Correction, StoreError> {
    // immediate: it reads, then writes; a deferred transaction whose snapshot another writer
    // (an ingest, the search indexer) moved past fails at once, without waiting for the lock
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(undone) = c.undoes {
        let by: Option<Option<i64>> = tx.query_row("SELECT undone_by FROM corrections WHERE seq = ?1", [undone], |r| r.get(0)).optional()?;
        match by {
            None => return Err(StoreError::Refused(format!("no correction {undone}"))),
            Some(Some(by)) => return Err(StoreError::Refused(format!("correction {undone} was already undone by correction {by}"))),
            Some(None) => {}
        }
    }
    let moved = {
        let mut in_story = tx.prepare_cached("SELECT id FROM articles WHERE story_id = ?1 ORDER BY seq")?;
        let members: Vec<String> = in_story.query_map([&c.from_story], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let mut copies = tx.prepare_cached("SELECT id FROM articles WHERE duplicate_of = ?1 AND story_id = ?2")?;
        c.articles_to_move(members, &mut |id| Ok(copies.query_map(params![id, c.from_story], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?))?
    };
    let title = c.to_title.clone().unwrap_or_default();
    tx.execute("INSERT OR IGNORE INTO stories (id, title) VALUES (?1, ?2)", params![c.to_story, title])?;
    let articles = serde_json::to_string(&moved).expect("strings serialize");
    tx.execute(
        "INSERT INTO corrections (kind, from_story, to_story, articles, whole_story, undoes) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![c.kind.as_str(), c.from_story, c.to_story, articles, c.whole_story, c.undoes],
    )?;
    let seq = tx.last_insert_rowid();
    {
        let mut mv = tx.prepare_cached("UPDATE articles SET story_id = ?1 WHERE id = ?2 AND story_id = ?3")?;
        for id in &moved {
            mv.execute(params![c.to_story, id, c.from_story])?;
        }
    }
    if let Some(undone) = c.undoes {
        tx.execute("UPDATE corrections SET undone_by = ?1 WHERE seq = ?2", params![seq, undone])?;
    }
    let made = one(&tx, seq)?;
    tx.commit()?;
    Ok(made)
}

fn one(conn: &Connection, seq: i64) -> Result<Correction, StoreError> {
    let mut found = list(conn, "seq = ?1", &seq)?;
    found.pop().ok_or_else(|| StoreError::Corrupt { id: format!("correction {seq}"), reason: "vanished while it was written".into() })
}

pub(super) fn list(conn: &Connection, filter: &str, arg: &dyn ToSql) -> Result<Vec<Correction>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT seq, kind, from_story, to_story, articles, whole_story, undoes, undone_by, created_at FROM corrections WHERE {filter} ORDER BY seq"
    ))?;
    let rows = stmt.query_map([arg], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, bool>(5)?,
            r.get::<_, Option<i64>>(6)?,
            r.get::<_, Option<i64>>(7)?,
            r.get::<_, String>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, kind, from_story, to_story, articles, whole_story, undoes, undone_by, created_at) = row?;
        let corrupt = |reason: String| StoreError::Corrupt { id: format!("correction {seq}"), reason };
        let kind = CorrectionKind::parse(&kind).ok_or_else(|| corrupt(format!("unknown kind {kind:?}")))?;
        let articles: Vec<String> = serde_json::from_str(&articles).map_err(|e| corrupt(e.to_string()))?;
        out.push(Correction { seq, kind, from_story, to_story, articles, whole_story, undoes, undone_by, created_at });
    }
    Ok(out)
}

pub(super) fn reapply(conn: &mut Connection, after: i64) -> Result<Vec<Correction>, StoreError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = list(&tx, "seq > ?1", &after)?;
    // an undone merge is not moved again: what was placed in the revived story since is its own
    for c in found.iter().filter(|c| c.whole_story && c.undone_by.is_none()) {
        tx.execute("UPDATE articles SET story_id = ?1 WHERE story_id = ?2", params![c.to_story, c.from_story])?;
    }
    tx.commit()?;
    Ok(found)
}
