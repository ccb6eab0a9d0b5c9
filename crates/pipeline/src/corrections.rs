//! Readers' corrections of the stories: merge two stories, split articles off into a story of
//! their own, undo either. Any front end (the CLI, the server) makes them through these
//! functions, against the store alone: a running ingest or `watch` picks them up between
//! batches (see `Engine::catch_up_corrections`), and places newcomers by the corrected stories
//! from then on.

use parallax_model::{Correction, CorrectionKind};
use parallax_store::{NewCorrection, Store, StoreError};

/// Why a correction was not made.
#[derive(Debug, thiserror::Error)]
pub enum CorrectionError {
    #[error("no story {0}")]
    NoStory(String),
    #[error("a story cannot be merged into itself")]
    SameStory,
    #[error("story {story} has no article {article}")]
    NotInStory { story: String, article: String },
    #[error("name the articles to split off story {0}")]
    NothingToSplit(String),
    #[error("splitting off every article of story {0} would leave it empty: split off fewer, or merge instead")]
    WholeStory(String),
    #[error("no correction {0}")]
    NoCorrection(i64),
    #[error("correction {0} is an undo: make the correction again instead")]
    UndoOfUndo(i64),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CorrectionError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Refused(why) => CorrectionError::Refused(why),
            other => CorrectionError::Store(other),
        }
    }
}

/// Merges story `from` into story `into`: all of `from`'s articles join `into`, and the engine
/// places nothing in `from` again (unless the merge is undone).
pub fn merge<S: Store>(store: &mut S, into: &str, from: &str) -> Result<Correction, CorrectionError> {
    if into == from {
        return Err(CorrectionError::SameStory);
    }
    for id in [into, from] {
        if store.story(id)?.is_none_or(|s| s.article_ids.is_empty()) {
            return Err(CorrectionError::NoStory(id.to_string()));
        }
    }
    Ok(store.record_correction(&NewCorrection {
        kind: CorrectionKind::Merge,
        from_story: from.to_string(),
        to_story: into.to_string(),
        to_title: None,
        articles: vec![],
        whole_story: true,
        undoes: None,
    })?)
}

/// Splits `articles` (and their copies) off `story` into a new story, titled after the first
/// of them. At least one article must stay.
pub fn split<S: Store>(store: &mut S, story: &str, articles: &[String]) -> Result<Correction, CorrectionError> {
    let found = store.story(story)?.filter(|s| !s.article_ids.is_empty()).ok_or_else(|| CorrectionError::NoStory(story.to_string()))?;
    if articles.is_empty() {
        return Err(CorrectionError::NothingToSplit(story.to_string()));
    }
    if let Some(a) = articles.iter().find(|a| !found.article_ids.contains(a)) {
        return Err(CorrectionError::NotInStory { story: story.to_string(), article: a.clone() });
    }
    // copies go along with their origins, so count what would stay by origin
    let records = store.story_records(story)?;
    let leaving = |id: &str| {
        let mut cur = id;
        for _ in 0..8 {
            if articles.iter().any(|a| a == cur) {
                return true;
            }
            match records.iter().find(|r| r.article.id == cur).and_then(|r| r.article.duplicate_of.as_deref()) {
                Some(next) => cur = next,
                None => break,
            }
        }
        false
    };
    if records.iter().all(|r| leaving(&r.article.id)) {
        return Err(CorrectionError::WholeStory(story.to_string()));
    }
    let first = records.iter().find(|r| articles.contains(&r.article.id)).expect("checked above");
    let title = first.article.title.clone().unwrap_or_else(|| crate::read::first_words(first.article.paragraphs.first().map_or("", String::as_str), 12));
    Ok(store.record_correction(&NewCorrection {
        kind: CorrectionKind::Split,
        from_story: story.to_string(),
        to_story: split_story_id(story, articles),
        to_title: Some(title),
        articles: articles.to_vec(),
        whole_story: false,
        undoes: None,
    })?)
}

/// Takes back correction `seq`: a merge's articles go back to the story they came from (what
/// was placed in the merged story since stays); a split story rejoins the one it left.
pub fn undo<S: Store>(store: &mut S, seq: i64) -> Result<Correction, CorrectionError> {
    let c = store.corrections(seq - 1)?.into_iter().find(|c| c.seq == seq).ok_or(CorrectionError::NoCorrection(seq))?;
    if c.kind == CorrectionKind::Undo {
        return Err(CorrectionError::UndoOfUndo(seq));
    }
    let back = match c.kind {
        CorrectionKind::Merge => NewCorrection {
            kind: CorrectionKind::Undo,
            from_story: c.to_story.clone(),
            to_story: c.from_story.clone(),
            to_title: None,
            articles: c.articles.clone(),
            whole_story: false,
            undoes: Some(seq),
        },
        _ => NewCorrection {
            kind: CorrectionKind::Undo,
            from_story: c.to_story.clone(),
            to_story: c.from_story.clone(),
            to_title: None,
            articles: vec![],
            whole_story: true,
            undoes: Some(seq),
        },
    };
    Ok(store.record_correction(&back)?)
}

/// The id of the story a split makes: from the story and the articles, so the same split made
/// again (after an undo) names the same story, and never the id of a story the engine makes
/// (those start with `s`).
fn split_story_id(story: &str, articles: &[String]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(story.as_bytes());
    for a in articles {
        h.update([0u8]);
        h.update(a.as_bytes());
    }
    format!("x{}", h.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::doc;
    use crate::{Engine, EngineConfig, Event};
    use parallax_store::{ArticleStore, SqliteStore};

    const FERRY: &str = "The ferry Aurora ran aground near Port Elling on Tuesday, the coast guard said. All 212 passengers were taken off by lifeboats.";
    const FERRY2: &str = "A ferry, the Aurora, struck rocks off Port Elling on Tuesday. The coast guard said 212 passengers were rescued by lifeboats.";
    const BUDGET: &str = "The city council of Norbridge passed its budget on Monday after a long debate over school funding and road repairs.";

    fn engine() -> Engine<SqliteStore> {
        let mut e = Engine::open(SqliteStore::in_memory().unwrap(), EngineConfig::new()).unwrap();
        let docs =
            vec![doc("ferry1", "Tribune", "2024-03-05", FERRY), doc("ferry2", "Herald", "2024-03-05", FERRY2), doc("budget", "Gazette", "2024-03-04", BUDGET)];
        e.ingest(docs.into_iter(), &mut |_: Event<'_>| {}).unwrap();
        e
    }

    fn story_of(e: &Engine<SqliteStore>, input: &str) -> String {
        let mut found = None;
        e.store()
            .scan_index_records(0, &mut |_, r| {
                if r.article.input == input {
                    found = Some(r.story_id.clone());
                }
            })
            .unwrap();
        found.unwrap()
    }

    fn id_of(e: &Engine<SqliteStore>, input: &str) -> String {
        let mut found = None;
        e.store()
            .scan_index_records(0, &mut |_, r| {
                if r.article.input == input {
                    found = Some(r.article.id.clone());
                }
            })
            .unwrap();
        found.unwrap()
    }

    #[test]
    fn a_merge_is_respected_by_later_placements_and_undone() {
        let more = "The Norbridge city council budget passed on Monday after debate on school funding and road repairs, officials said.";
        // without a correction, the newcomer joins the budget story
        let mut control = engine();
        control.ingest(vec![doc("budget2", "Courier", "2024-03-05", more)].into_iter(), &mut |_: Event<'_>| {}).unwrap();
        assert_eq!(story_of(&control, "budget2"), story_of(&control, "budget"));
        let mut e = engine();
        let (ferry, budget) = (story_of(&e, "ferry1"), story_of(&e, "budget"));
        assert_ne!(ferry, budget);
        let m = merge(e.store_mut(), &ferry, &budget).unwrap();
        assert_eq!(story_of(&e, "budget"), ferry);
        // a newcomer like the budget article joins the merged story, not the old budget story
        e.ingest(vec![doc("budget2", "Courier", "2024-03-05", more)].into_iter(), &mut |_: Event<'_>| {}).unwrap();
        assert_eq!(story_of(&e, "budget2"), ferry);
        let u = undo(e.store_mut(), m.seq).unwrap();
        assert_eq!(u.undoes, Some(m.seq));
        assert_eq!(story_of(&e, "budget"), budget, "the merged articles go back");
        assert_eq!(story_of(&e, "budget2"), ferry, "what joined since stays");
        assert!(matches!(undo(e.store_mut(), m.seq), Err(CorrectionError::Refused(_))));
        assert!(matches!(undo(e.store_mut(), u.seq), Err(CorrectionError::UndoOfUndo(_))));
    }

    #[test]
    fn a_split_keeps_its_articles_apart_and_refuses_to_empty_a_story() {
        let mut e = engine();
        let ferry = story_of(&e, "ferry1");
        assert_eq!(story_of(&e, "ferry2"), ferry);
        let two = id_of(&e, "ferry2");
        let one = id_of(&e, "ferry1");
        assert!(matches!(split(e.store_mut(), &ferry, &[one, two.clone()]), Err(CorrectionError::WholeStory(_))));
        assert!(matches!(split(e.store_mut(), &ferry, &["a0".into()]), Err(CorrectionError::NotInStory { .. })));
        let s = split(e.store_mut(), &ferry, std::slice::from_ref(&two)).unwrap();
        assert_eq!(story_of(&e, "ferry2"), s.to_story);
        // a copy of the split-off article follows it, not the story it left
        e.ingest(vec![doc("ferry2-copy", "Herald Wire", "2024-03-06", FERRY2)].into_iter(), &mut |_: Event<'_>| {}).unwrap();
        assert_eq!(story_of(&e, "ferry2-copy"), s.to_story);
        undo(e.store_mut(), s.seq).unwrap();
        assert_eq!(story_of(&e, "ferry2"), ferry);
        assert_eq!(story_of(&e, "ferry2-copy"), ferry);
        assert!(matches!(merge(e.store_mut(), &ferry, &ferry), Err(CorrectionError::SameStory)));
    }

    #[test]
    fn corrections_survive_a_restart() {
        let dir = std::env::temp_dir().join(format!("parallax-corr-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let db = dir.join("s.db");
        let mut e = Engine::open(SqliteStore::open(&db).unwrap(), EngineConfig::new()).unwrap();
        let docs = vec![doc("ferry1", "Tribune", "2024-03-05", FERRY), doc("budget", "Gazette", "2024-03-04", BUDGET)];
        e.ingest(docs.into_iter(), &mut |_: Event<'_>| {}).unwrap();
        e.save_state().unwrap();
        let (ferry, budget) = (story_of(&e, "ferry1"), story_of(&e, "budget"));
        drop(e);
        // the correction is made by another process (the server) while no engine runs
        merge(&mut SqliteStore::open(&db).unwrap(), &ferry, &budget).unwrap();
        let mut e = Engine::open(SqliteStore::open(&db).unwrap(), EngineConfig::new()).unwrap();
        let more = "The Norbridge city council budget passed on Monday after debate on school funding and road repairs, officials said.";
        e.ingest(vec![doc("budget2", "Courier", "2024-03-05", more)].into_iter(), &mut |_: Event<'_>| {}).unwrap();
        assert_eq!(story_of(&e, "budget2"), ferry);
        drop(e);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
