//! What every [`Store`] backend must do, as checks a backend's tests run against a fresh,
//! empty store of theirs: `parallax_store::conformance::check_all(|| MyStore::new_empty())`.
//! The engine, the server and the CLI rely on exactly these behaviours, so a backend that
//! passes them can stand in for the embedded SQLite default (with its search index and feeds). Each check panics with what it
//! found.

use crate::{NewCorrection, Store, StoredArticle};
use parallax_model::{Article, CorrectionKind, Story};

fn record(id: &str, story: &str, duplicate_of: Option<&str>) -> StoredArticle {
    StoredArticle {
        article: Article {
            id: id.into(),
            input: format!("{id}.txt"),
            outlet: Some(format!("Outlet {id}")),
            title: Some(format!("Title {id}")),
            paragraphs: vec!["One sentence.".into(), "Two sentences.".into()],
            duplicate_of: duplicate_of.map(str::to_string),
            ..Default::default()
        },
        story_id: story.into(),
        sketch: vec![1, 2, 3, 4, 5, 6, 7, 8],
        terms: vec![(42, 2.0), (7, 1.0)],
        day: Some(19787.0),
        embedding: Some(vec![0.5, -0.25]),
        similarity: 0.3125,
    }
}

fn story(id: &str) -> Story {
    Story { id: id.into(), title: format!("Story {id}"), article_ids: vec![] }
}

fn ids<S: Store>(s: &S, story: &str) -> Vec<String> {
    s.story(story).expect("story").map(|s| s.article_ids).unwrap_or_default()
}

/// Every check, each on a store of its own.
pub fn check_all<S: Store + crate::SearchIndex + crate::FeedStore>(mut make: impl FnMut() -> S) {
    articles_round_trip_in_order_and_insert_is_idempotent(&mut make());
    articles_are_read_one_at_a_time_and_newest_first(&mut make());
    search_follows_the_store_and_narrows(&mut make());
    feeds_are_followed_once_and_keep_their_state(&mut make());
    positions_grow_and_scans_resume_after_them(&mut make());
    states_and_claims_are_kept_with_what_they_are_valid_for(&mut make());
    corrections_move_articles_and_are_undone(&mut make());
}

pub fn articles_round_trip_in_order_and_insert_is_idempotent<S: Store>(s: &mut S) {
    let batch = vec![record("a1", "s1", None), record("a2", "s1", Some("a1")), record("a3", "s2", None)];
    s.insert_batch(&batch, &[story("s1"), story("s2")], &[]).expect("insert");
    s.insert_batch(&batch, &[story("s1")], &[]).expect("the same batch again");
    assert_eq!(s.stats().expect("stats").articles, 3, "a batch stored twice is stored once");
    assert_eq!(s.stats().expect("stats").duplicates, 1);
    assert_eq!(ids(s, "s1"), ["a1", "a2"], "a story's articles in the order stored");
    let p = s.placement("a2").expect("placement").expect("stored");
    assert_eq!((p.story_id.as_str(), p.duplicate_of.as_deref()), ("s1", Some("a1")));
    assert!(s.placement("nope").expect("placement").is_none());
    let articles = s.story_articles("s1").expect("articles");
    assert_eq!(articles[0].text(), "One sentence.\n\nTwo sentences.", "bodies round trip");
    let recs = s.story_records("s1").expect("records");
    assert_eq!(recs.len(), 2);
    assert_eq!((recs[0].terms.clone(), recs[0].embedding.clone(), recs[0].similarity), (batch[0].terms.clone(), batch[0].embedding.clone(), 0.3125));
    let listed = s.stories(0, 10).expect("stories");
    assert_eq!(s.stories(1, 10).expect("page 2").iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["s2"], "paged");
    assert_eq!(listed.iter().map(|l| (l.id.as_str(), l.articles)).collect::<Vec<_>>(), [("s1", 2), ("s2", 1)], "largest first");
    s.insert_batch(&[], &[], &[("a1".into(), Some("a3".into()))]).expect("repoint");
    assert_eq!(s.placement("a1").expect("placement").expect("stored").duplicate_of.as_deref(), Some("a3"));
}

pub fn positions_grow_and_scans_resume_after_them<S: Store>(s: &mut S) {
    assert_eq!(s.last_position().expect("position"), 0, "an empty store is at 0");
    s.insert_batch(&[record("a1", "s1", None), record("a2", "s1", None)], &[story("s1")], &[]).expect("insert");
    let middle = s.last_position().expect("position");
    s.insert_batch(&[record("a3", "s1", None)], &[], &[]).expect("insert");
    let last = s.last_position().expect("position");
    assert!(last > middle && middle > 0, "positions grow: {middle} then {last}");
    let mut after = Vec::new();
    s.scan_index_records(middle, &mut |pos, rec| after.push((pos, rec.article.id))).expect("scan");
    assert_eq!(after, [(last, "a3".to_string())], "a scan resumes after the position given");
    let mut all = Vec::new();
    s.scan_ids(&mut |id| all.push(id.to_string())).expect("ids");
    all.sort();
    assert_eq!(all, ["a1", "a2", "a3"]);
    assert_eq!(s.latest_day(0).expect("day"), Some(19787.0));
}

pub fn states_and_claims_are_kept_with_what_they_are_valid_for<S: Store>(s: &mut S) {
    assert!(s.load_state("engine.state").expect("load").is_none());
    s.save_state("engine.state", 3, b"first").expect("save");
    s.save_state("engine.state", 5, b"second").expect("save again");
    assert_eq!(s.load_state("engine.state").expect("load"), Some((5, b"second".to_vec())), "the last save wins");
    // a state of a few megabytes (a large store's engine state) round trips whole
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    s.save_state("engine.state", 6, &big).expect("save a large state");
    assert_eq!(s.load_state("engine.state").expect("load").map(|(p, b)| (p, b.len(), b == big)), Some((6, big.len(), true)));
    s.insert_batch(&[record("a1", "s1", None)], &[story("s1")], &[]).expect("insert");
    assert!(s.saved_claims("s1").expect("claims").is_none());
    s.save_claims("s1", "fp1", &[]).expect("save claims");
    s.save_claims("s1", "fp2", &[]).expect("replace claims");
    assert_eq!(s.saved_claims("s1").expect("claims").map(|(f, c)| (f, c.len())), Some(("fp2".to_string(), 0)));
}

pub fn corrections_move_articles_and_are_undone<S: Store>(s: &mut S) {
    let batch = vec![record("a1", "s1", None), record("a2", "s1", None), record("a3", "s1", Some("a2")), record("b1", "s2", None)];
    s.insert_batch(&batch, &[story("s1"), story("s2")], &[]).expect("insert");
    assert_eq!(s.last_correction().expect("last"), 0);
    let merge = NewCorrection {
        kind: CorrectionKind::Merge,
        from_story: "s2".into(),
        to_story: "s1".into(),
        to_title: None,
        articles: vec![],
        whole_story: true,
        undoes: None,
    };
    let m = s.record_correction(&merge).expect("merge");
    assert_eq!((m.articles.clone(), ids(s, "s2").len()), (vec!["b1".to_string()], 0), "a merge moves all of the story");
    assert_eq!(ids(s, "s1"), ["a1", "a2", "a3", "b1"]);
    let split = NewCorrection {
        kind: CorrectionKind::Split,
        from_story: "s1".into(),
        to_story: "x1".into(),
        to_title: Some("Split off".into()),
        articles: vec!["a2".into()],
        whole_story: false,
        undoes: None,
    };
    let sp = s.record_correction(&split).expect("split");
    assert_eq!(ids(s, "x1"), ["a2", "a3"], "a split takes the copies along");
    assert_eq!(s.story("x1").expect("story").expect("made").title, "Split off");
    let undo = NewCorrection {
        kind: CorrectionKind::Undo,
        from_story: "x1".into(),
        to_story: "s1".into(),
        to_title: None,
        articles: vec![],
        whole_story: true,
        undoes: Some(sp.seq),
    };
    let u = s.record_correction(&undo).expect("undo");
    assert_eq!(ids(s, "x1").len(), 0);
    assert!(s.record_correction(&undo).is_err(), "a correction cannot be undone twice");
    let all = s.corrections(0).expect("corrections");
    assert_eq!(all.iter().map(|c| c.seq).collect::<Vec<_>>(), [m.seq, sp.seq, u.seq], "in order");
    assert_eq!(all[1].undone_by, Some(u.seq));
    assert_eq!(s.corrections(sp.seq).expect("after").len(), 1);
    assert_eq!(s.last_correction().expect("last"), u.seq);
    assert_eq!(s.story_corrections("x1").expect("of x1").len(), 2);
    // an article stored in the merged-away story by an engine that had not heard of the merge
    s.insert_batch(&[record("b2", "s2", None)], &[], &[]).expect("a late article");
    s.reapply_corrections(0).expect("reapply");
    assert_eq!(ids(s, "s2").len(), 0, "it follows the merge");
    assert!(ids(s, "s1").contains(&"b2".to_string()));
}

/// Reading one article, a story's sources without bodies, and the newest stories.
pub fn articles_are_read_one_at_a_time_and_newest_first<S: Store>(s: &mut S) {
    s.insert_batch(&[record("a1", "s1", None), record("a2", "s1", None)], &[story("s1")], &[]).expect("insert");
    s.insert_batch(&[record("b1", "s2", None)], &[story("s2")], &[]).expect("insert");
    let (a, in_story) = s.article("a2").expect("article").expect("stored");
    assert_eq!((a.id.as_str(), in_story.as_str(), a.text()), ("a2", "s1", "One sentence.\n\nTwo sentences.".to_string()));
    assert!(s.article("zz").expect("article").is_none());
    let sources = s.story_sources("s1").expect("sources");
    assert_eq!(
        sources.iter().map(|a| (a.id.as_str(), a.outlet.as_deref(), a.paragraphs.iter().all(|p| p.is_empty()))).collect::<Vec<_>>(),
        [("a1", Some("Outlet a1"), true), ("a2", Some("Outlet a2"), true)]
    );
    let newest = s.newest_stories(0, 10).expect("newest");
    assert_eq!(newest.iter().map(|n| n.id.as_str()).collect::<Vec<_>>(), ["s2", "s1"], "the story stored in last comes first");
}

/// Search: nothing before the index catches up, stemmed words after, filters, bad queries.
pub fn search_follows_the_store_and_narrows<S: Store + crate::SearchIndex>(s: &mut S) {
    let mut a = record("a1", "s1", None);
    a.article.paragraphs = vec!["The ferry capsized off the coast.".into()];
    a.article.published = Some("2024-03-05T10:00:00Z".into());
    let mut b = record("b1", "s2", None);
    b.article.paragraphs = vec!["Another ferry capsizes in the strait.".into()];
    b.article.published = Some("2024-04-01".into());
    s.insert_batch(&[a, b], &[story("s1"), story("s2")], &[]).expect("insert");
    let any = crate::SearchFilter::default();
    assert!(s.search("\"ferry\"", &any, 10).expect("search").is_empty(), "not indexed yet");
    while s.update_search_index(1).expect("index") > 0 {}
    assert_eq!(s.search("\"capsize\"", &any, 10).expect("search").len(), 2, "stemmed");
    let outlet = crate::SearchFilter { outlet: Some("outlet b1".into()), ..Default::default() };
    assert_eq!(s.search("\"ferry\"", &outlet, 10).expect("search").iter().map(|h| h.article_id.as_str()).collect::<Vec<_>>(), ["b1"], "by outlet, any case");
    let march = crate::SearchFilter { from: Some("2024-03-01".into()), to: Some("2024-03-31".into()), ..Default::default() };
    assert_eq!(s.search("\"ferry\"", &march, 10).expect("search").iter().map(|h| h.story_id.as_str()).collect::<Vec<_>>(), ["s1"], "by dates");
    assert!(s.search("\"unclosed", &any, 10).is_err(), "a bad query is an error");
}

/// Feeds: followed once however often, their poll state kept, enabled and disabled.
pub fn feeds_are_followed_once_and_keep_their_state<S: crate::FeedStore>(s: &mut S) {
    s.follow_feed("https://example.org/feed", Some("Example")).expect("follow");
    s.follow_feed("https://example.org/feed", None).expect("follow again");
    let mut f = s.feeds().expect("feeds").pop().expect("one feed");
    assert_eq!((f.title.as_deref(), f.enabled), (Some("Example"), true), "followed again, it keeps its title");
    f.etag = Some("\"v1\"".into());
    f.errors = 2;
    f.next_check = 1234;
    s.update_feed(&f).expect("update");
    assert_eq!(s.feeds().expect("feeds"), vec![f.clone()]);
    assert!(s.set_feed_enabled(&f.url, false).expect("disable"));
    assert!(!s.feeds().expect("feeds")[0].enabled);
    assert!(!s.set_feed_enabled("https://example.org/other", false).expect("no such feed"));
}
