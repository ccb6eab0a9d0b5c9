//! Reading: a story's report from the store alone (no engine state), and a set of articles
//! compared as one story with nothing stored.

use crate::{article_id, EngineError};
use parallax_claims::{ArticleInput, ClaimConfig};
use parallax_model::{Article, Story, StoryReport};
use parallax_store::Store;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A stored story with its articles and claims, read from the store alone: no engine, no
/// replay. Claims are saved with the story and computed again only when its articles (or the
/// claim stage) changed since.
pub fn stored_report<S: Store>(store: &mut S, story_id: &str, config: &ClaimConfig) -> Result<StoryReport, EngineError> {
    let story = store.story(story_id)?.ok_or_else(|| EngineError::NoStory(story_id.to_string()))?;
    let articles = store.story_articles(story_id)?;
    let fingerprint = claims_fingerprint(&story);
    if let Some((saved, claims)) = store.saved_claims(story_id)? {
        if saved == fingerprint {
            let (aliases, ties) = story_context(&articles, &claims);
            let (framing, terms) = story_framing(&articles);
            return Ok(StoryReport { story, articles, claims, aliases, ties, groups: vec![], missed_by: vec![], framing, terms, storyline: None });
        }
    }
    let report = story_report(story, articles, config);
    store.save_claims(story_id, &fingerprint, &report.claims)?;
    Ok(report)
}

/// Bumped whenever the claim stage would give other claims for the same articles, so saved
/// claims of an older stage are recomputed.
pub(crate) const CLAIM_STAGE_VERSION: &str = "claims/4";

/// What a story's claims are computed from: its articles, in order, and the claim stage.
pub(crate) fn claims_fingerprint(story: &Story) -> String {
    let mut h = Sha256::new();
    h.update(CLAIM_STAGE_VERSION.as_bytes());
    for id in &story.article_ids {
        h.update([0u8]);
        h.update(id.as_bytes());
    }
    h.finalize().iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The report of one story: its articles side by side and the claims they make. Used for stored
/// stories and for articles compared as one story without a store.
pub fn story_report(story: Story, articles: Vec<Article>, config: &ClaimConfig) -> StoryReport {
    let by_id: HashMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
    // the source of a copy is its origin's outlet
    let sources = independent_sources(&articles, &by_id);
    let inputs = claim_inputs(&articles, &sources, &by_id);
    let claims = parallax_claims::compare(&story.id, &inputs, config);
    let aliases = parallax_claims::story_aliases(&inputs);
    let ties = parallax_claims::ties::story_ties(&inputs, &claims);
    let (framing, terms) = story_framing(&articles);
    StoryReport { story, articles, claims, aliases, ties, groups: vec![], missed_by: vec![], framing, terms, storyline: None }
}

/// Each source's framing spans and the sources' term choices. Copies of another article of the
/// story are left out: their words are their origin's.
pub(crate) fn story_framing(articles: &[Article]) -> (Vec<parallax_model::ArticleFraming>, Vec<parallax_model::TermChoice>) {
    let ids: std::collections::HashSet<&str> = articles.iter().map(|a| a.id.as_str()).collect();
    let originals: Vec<&Article> = articles.iter().filter(|a| a.duplicate_of.as_deref().is_none_or(|d| !ids.contains(d))).collect();
    let outlets: Vec<String> = originals.iter().map(|a| a.outlet_or_host()).collect();
    let config = parallax_framing::FramingConfig::default();
    let framing = originals.iter().zip(&outlets).map(|(a, o)| parallax_framing::article_framing(&a.id, o, &a.paragraphs, &config)).collect();
    let sources: Vec<parallax_framing::Source> =
        originals.iter().zip(&outlets).map(|(a, o)| parallax_framing::Source { article: &a.id, outlet: o, paragraphs: &a.paragraphs }).collect();
    (framing, parallax_framing::term_choices(&sources))
}

/// What is derived from a story's articles and saved claims without running the claim stage:
/// the name variants it merged and the ties between its articles.
pub(crate) fn story_context(articles: &[Article], claims: &[parallax_model::Claim]) -> (Vec<parallax_model::Alias>, Vec<parallax_model::Tie>) {
    let by_id: HashMap<&str, &Article> = articles.iter().map(|a| (a.id.as_str(), a)).collect();
    let sources = independent_sources(articles, &by_id);
    let inputs = claim_inputs(articles, &sources, &by_id);
    (parallax_claims::story_aliases(&inputs), parallax_claims::ties::story_ties(&inputs, claims))
}

/// Each article's independent outlet's name (a copy's is its origin's).
pub(crate) fn independent_sources(articles: &[Article], by_id: &HashMap<&str, &Article>) -> Vec<String> {
    articles.iter().map(|a| parallax_model::independent_outlet(a, |id| by_id.get(id).copied()).name).collect()
}

/// The claim stage's view of a story's articles.
pub(crate) fn claim_inputs<'a>(articles: &'a [Article], sources: &'a [String], by_id: &HashMap<&str, &Article>) -> Vec<ArticleInput<'a>> {
    articles
        .iter()
        .zip(sources)
        .map(|(a, s)| ArticleInput {
            id: &a.id,
            source: s,
            paragraphs: &a.paragraphs,
            copy_of: a.duplicate_of.as_deref().filter(|d| by_id.contains_key(d)),
            published: a.published.as_deref(),
        })
        .collect()
}

/// Articles compared as one story, with nothing stored: ids are derived as on ingest, a copy
/// of an earlier article of the set (the same text) is marked as such, and the story takes the
/// first title.
pub fn compare_articles(mut articles: Vec<Article>, config: &ClaimConfig) -> StoryReport {
    let mut seen: Vec<(String, String)> = Vec::new();
    for a in &mut articles {
        if a.id.is_empty() {
            a.id = article_id(a);
        }
        let fp = parallax_text::fingerprint(&a.text());
        match seen.iter().find(|(f, _)| *f == fp) {
            Some((_, origin)) => a.duplicate_of = Some(origin.clone()),
            None => seen.push((fp, a.id.clone())),
        }
    }
    let title = articles.iter().find_map(|a| a.title.clone()).unwrap_or_default();
    let story = Story { id: "compared".into(), title, article_ids: articles.iter().map(|a| a.id.clone()).collect() };
    story_report(story, articles, config)
}

pub(crate) fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().take(n).collect();
    words.join(" ")
}

/// The store's storylines (see [`parallax_cluster::StorylineBuilder`]), derived from the stored
/// articles' index records (no bodies): always in step with the stories as they are now.
/// Duplicates count like any member: a copy says its story is still being reported.
pub fn storylines<S: Store>(store: &S, config: parallax_cluster::StorylineConfig) -> Result<Vec<parallax_cluster::Storyline>, EngineError> {
    let mut builder = parallax_cluster::StorylineBuilder::new(config);
    // two passes, so nothing per article is held: frequencies first, then the stories
    store.scan_index_records(0, &mut |_, r| builder.learn(&r.terms))?;
    store.scan_index_records(0, &mut |_, r| builder.add(&r.story_id, r.day, &r.terms))?;
    Ok(builder.build())
}

/// The storylines with what a timeline needs of each story, the stories in the order of their
/// first report.
pub fn storyline_timeline<S: Store>(store: &S, config: parallax_cluster::StorylineConfig) -> Result<Vec<parallax_model::StorylineRef>, EngineError> {
    let mut out = Vec::new();
    for line in storylines(store, config)? {
        let mut stories = Vec::new();
        for id in line.stories {
            let sources = store.story_sources(&id)?;
            let title = store.story(&id)?.map(|s| s.title).unwrap_or_default();
            let mut days: Vec<&str> = sources.iter().filter_map(|a| a.published.as_deref()).filter_map(|d| d.get(..10)).collect();
            days.sort_unstable();
            let (first, last) = (days.first().map(|d| d.to_string()), days.last().map(|d| d.to_string()));
            stories.push(parallax_model::TimelineStory { id, title, articles: sources.len(), first, last });
        }
        out.push(parallax_model::StorylineRef { id: line.id, stories });
    }
    Ok(out)
}

/// Sets each report's storyline (see [`storyline_timeline`]), read once for all of them.
pub fn attach_storylines<S: Store>(store: &S, reports: &mut [StoryReport], config: parallax_cluster::StorylineConfig) -> Result<(), EngineError> {
    attach_timeline(&storyline_timeline(store, config)?, reports);
    Ok(())
}

/// Sets each report's storyline from a timeline already read (a server keeps one per state of
/// the store rather than reading it for every page).
pub fn attach_timeline(lines: &[parallax_model::StorylineRef], reports: &mut [StoryReport]) {
    for r in reports.iter_mut() {
        r.storyline = lines.iter().find(|line| line.stories.iter().any(|s| s.id == r.story.id)).cloned();
    }
}
