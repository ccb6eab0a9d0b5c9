//! Stories like a given one: those whose articles use the same names, found through the search
//! index. What a reader would merge a story with when the engine told one event apart.

use parallax_model::{StoryReport, TieKind};
use parallax_report::html::SimilarStory;
use parallax_store::{ArticleStore, SearchFilter, SearchIndex};
use parallax_stores::AnyStore;

/// Names (else words) of the story searched for, at most.
const WORDS: usize = 6;
/// Hits read per word.
const HITS: usize = 100;

/// Up to `n` other stories sharing the most of the story's leading names, at least two of them
/// (one when the story has only one).
pub(crate) fn similar(store: &AnyStore, r: &StoryReport, n: usize) -> Vec<SimilarStory> {
    let mut words: Vec<&str> = r.ties.iter().filter(|t| t.kind == TieKind::Name).map(|t| t.text.as_str()).take(WORDS).collect();
    if words.len() < 2 {
        words.extend(r.ties.iter().filter(|t| t.kind == TieKind::Term).map(|t| t.text.as_str()).take(WORDS - words.len()));
    }
    let mut found: Vec<(String, Vec<String>, usize)> = Vec::new();
    for w in &words {
        let query = crate::routes::fts_query(w);
        let Ok(hits) = store.search(&query, &SearchFilter::default(), HITS) else { continue };
        for h in hits.into_iter().filter(|h| h.story_id != r.story.id) {
            match found.iter_mut().find(|(s, _, _)| *s == h.story_id) {
                Some((_, shared, count)) => {
                    *count += 1;
                    if !shared.iter().any(|x| x == w) {
                        shared.push(w.to_string());
                    }
                }
                None => found.push((h.story_id, vec![w.to_string()], 1)),
            }
        }
    }
    let need = if words.len() >= 2 { 2 } else { 1 };
    found.retain(|(_, shared, _)| shared.len() >= need);
    found.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
    let mut out = Vec::new();
    for (id, shared, _) in found {
        if out.len() >= n {
            break;
        }
        if let Ok(Some(story)) = store.story(&id) {
            if !story.article_ids.is_empty() {
                out.push(SimilarStory { id, title: story.title, articles: story.article_ids.len(), shared });
            }
        }
    }
    out
}
