//! JSONL: one article per line with `id`, `url`, `source`, `title`, `text` or `html`, `date`.
//! Only `text` or `html` is required. The line's `id` becomes the article's `input`, so reports
//! point back at the caller's own record ids.

use crate::{IngestError, Item};
use parallax_model::{DocumentKind, Hints, RawDocument};
use serde_json::Value;

pub fn parse(input: &str, body: &str) -> Vec<Item> {
    body.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| record(input, n + 1, line))
        .collect()
}

fn record(input: &str, line_no: usize, line: &str) -> Item {
    let at = format!("{input}:{line_no}");
    let bad = |reason: String| IngestError::BadRecord { input: at.clone(), reason };
    let v: Value = serde_json::from_str(line).map_err(|e| bad(format!("not valid JSON ({e})")))?;
    let Value::Object(o) = v else { return Err(bad("a line must be a JSON object".into())) };
    let s = |keys: &[&str]| {
        keys.iter().find_map(|k| match o.get(*k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    let (kind, body) = if let Some(t) = s(&["text"]) {
        (DocumentKind::CleanText, t)
    } else if let Some(h) = s(&["html"]) {
        (DocumentKind::Html, h)
    } else {
        return Err(bad("neither `text` nor `html` is present".into()));
    };
    Ok(RawDocument {
        input: s(&["id"]).unwrap_or(at.clone()),
        kind: Some(kind),
        body,
        hints: Hints {
            url: s(&["url"]),
            outlet: s(&["source", "outlet"]),
            title: s(&["title"]),
            byline: s(&["byline", "author"]),
            published: s(&["date", "published"]),
            language: s(&["language", "lang"]),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_map_to_hints_and_bad_lines_are_named() {
        let body = "{\"id\":\"a1\",\"source\":\"Daily\",\"title\":\"T\",\"text\":\"Body.\",\"date\":\"2024-01-02\"}\n\n{\"id\":7,\"html\":\"<p>x</p>\"}\nnot json\n{\"id\":\"x\"}\n[1]";
        let items = parse("f.jsonl", body);
        assert_eq!(items.len(), 5);
        let a = items[0].as_ref().unwrap();
        assert_eq!((a.input.as_str(), a.kind), ("a1", Some(DocumentKind::CleanText)));
        assert_eq!(a.hints.outlet.as_deref(), Some("Daily"));
        assert_eq!(a.hints.published.as_deref(), Some("2024-01-02"));
        let b = items[1].as_ref().unwrap();
        assert_eq!((b.input.as_str(), b.kind), ("7", Some(DocumentKind::Html)));
        assert!(items[2].as_ref().unwrap_err().to_string().starts_with("f.jsonl:4: not valid JSON"));
        assert!(items[3].as_ref().unwrap_err().to_string().contains("f.jsonl:5: neither `text` nor `html`"));
        assert!(items[4].as_ref().unwrap_err().to_string().contains("JSON object"));
    }
}
