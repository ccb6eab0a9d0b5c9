//! The JSON contract (docs/json-schema.md), every shape the CLI prints in one place. Field names
//! here are relied on by other tools: add fields, never rename.

use parallax_model::{Article, StoryReport};
use serde_json::{json, Value};
use std::io::{self, Write};

pub fn article_json(a: &Article) -> Value {
    json!({
        "id": a.id,
        "input": a.input,
        "outlet": a.outlet,
        "url": a.url,
        "title": a.title,
        "byline": a.byline,
        "published": a.published,
        "language": a.language,
        "text": a.text(),
        "duplicate_of": a.duplicate_of,
    })
}

pub fn story_json(r: &StoryReport) -> Value {
    json!({
        "id": r.story.id,
        "title": r.story.title,
        "articles": r.articles.iter().map(article_json).collect::<Vec<_>>(),
        "claims": r.claims,
        "coverage": r.coverage(),
        "aliases": r.aliases,
        "ties": r.ties,
        "groups": r.groups,
        "missed_by": r.missed_by,
        "framing": r.framing,
        "terms": r.terms,
        "storyline": r.storyline,
    })
}

/// `parallax extract`: the article and its metadata, without an id (nothing is stored).
pub fn extracted_json(a: &Article) -> Value {
    json!({
        "input": a.input, "title": a.title, "byline": a.byline, "published": a.published,
        "language": a.language, "outlet": a.outlet, "url": a.url, "text": a.text(),
    })
}

/// `parallax ingest --json`: what one run stored, and what the store holds.
#[allow(clippy::too_many_arguments)]
pub fn ingest_json(stored: usize, unchanged: usize, failed: usize, duplicates: usize, new_stories: usize, articles: usize, stories: usize) -> Value {
    json!({"stored": stored, "unchanged": unchanged, "failed": failed, "duplicates": duplicates,
        "new_stories": new_stories, "store": {"articles": articles, "stories": stories}})
}

/// `parallax stories --json`: one listed story.
/// `parallax stories`: one story as listed, with the storyline it is in (null when none).
pub fn story_summary_json(id: &str, title: &str, articles: usize, outlets: usize, storyline: Option<&str>) -> Value {
    json!({"id": id, "title": title, "articles": articles, "outlets": outlets, "storyline": storyline})
}

/// `parallax storylines` and `/api/storylines`: a storyline (its id is its first story's) and
/// its stories in the order of their first report, each with the days of its first and last
/// report: what a timeline draws. The shape of a story's `storyline` (see [`story_json`]).
pub fn storyline_json(line: &parallax_model::StorylineRef) -> Value {
    json!(line)
}

/// `parallax pairs`: one judged pair.
pub fn pair_json(id: &Value, relation: &str, same: bool, score: f32, reasons: &[String]) -> Value {
    json!({"id": id, "relation": relation, "same": same, "score": (score * 10000.0).round() / 10000.0, "reasons": reasons})
}

/// `parallax stance`: one claim-and-text pair.
pub fn stance_json(id: &Value, label: &str, score: f32) -> Value {
    json!({"id": id, "label": label, "score": (score * 10000.0).round() / 10000.0})
}

/// A framing span of `parallax framing`: byte range in the text, technique, inside quotes.
pub type TextSpan = (usize, usize, parallax_model::Technique, bool);

/// `parallax framing`: one text's verdict and spans, offsets in characters of `text`.
pub fn framing_json(id: &Value, text: &str, spans: &[TextSpan], biased: bool, score: f32) -> Value {
    let chars = |byte: usize| text[..byte].chars().count();
    let spans: Vec<Value> = spans
        .iter()
        .map(|&(start, end, technique, quoted)| {
            json!({"start": chars(start), "end": chars(end), "text": &text[start..end], "technique": technique.key(), "quoted": quoted})
        })
        .collect();
    json!({"id": id, "biased": biased, "score": (score * 10000.0).round() / 10000.0, "spans": spans})
}

pub fn render(reports: &[StoryReport], out: &mut dyn Write) -> io::Result<()> {
    let doc = json!({ "stories": reports.iter().map(story_json).collect::<Vec<_>>() });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_fields_are_present() {
        let mut buf = Vec::new();
        render(&[crate::fixture::report()], &mut buf).unwrap();
        let v: Value = serde_json::from_slice(&buf).unwrap();
        let story = &v["stories"][0];
        for k in ["id", "title", "articles", "claims"] {
            assert!(story.get(k).is_some(), "story.{k}");
        }
        let a = &story["articles"][0];
        for k in ["id", "input", "outlet", "title", "byline", "published", "language", "text", "duplicate_of"] {
            assert!(a.get(k).is_some(), "article.{k}");
        }
        assert_eq!(a["text"], "The bridge reopened on Monday, the council said.\n\nIt cost 2 million euros.");
        let c = &story["claims"][0];
        assert_eq!(c["status"], "contradicted");
        let s = &c["support"][1];
        assert_eq!(s["article"], "a2");
        assert_eq!(s["attribution"], "officials");
        assert!(s.get("sentence").is_some());
        assert!(story["claims"][1]["support"][1]["attribution"].is_null());
    }
}
