//! JSONL: one article per line with `id`, `url`, `source`, `title`, `text` or `html`, `date`.
//! Only `text` or `html` is required. The line's `id` becomes the article's `input`, so reports
//! point back at the caller's own record ids.

use crate::{decode_bytes, IngestError, Item, MAX_LINE_BYTES};
use parallax_model::{DocumentKind, Hints, RawDocument};
use serde_json::Value;
use std::io::{BufRead, Read};

/// The records of a JSONL stream, read one line at a time.
pub struct Lines<R> {
    input: String,
    reader: R,
    line_no: usize,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Lines<R> {
    pub fn new(input: String, reader: R) -> Self {
        Lines { input, reader, line_no: 0, buf: Vec::new(), done: false }
    }

    /// Reads the next line into `buf`, keeping at most [`MAX_LINE_BYTES`]; `Ok(None)` at the end,
    /// `Ok(Some(true))` for a line that was cut.
    fn next_line(&mut self) -> std::io::Result<Option<bool>> {
        self.buf.clear();
        let n = (&mut self.reader).take(MAX_LINE_BYTES as u64 + 1).read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(None);
        }
        let cut = self.buf.len() > MAX_LINE_BYTES && self.buf.last() != Some(&b'\n');
        if cut {
            // skip to the end of the overlong line
            let mut sink = Vec::new();
            loop {
                sink.clear();
                let m = (&mut self.reader).take(1 << 20).read_until(b'\n', &mut sink)?;
                if m == 0 || sink.last() == Some(&b'\n') {
                    break;
                }
            }
        }
        Ok(Some(cut))
    }
}

impl<R: BufRead> Iterator for Lines<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        while !self.done {
            let cut = match self.next_line() {
                Ok(Some(cut)) => cut,
                Ok(None) => break,
                Err(e) => {
                    self.done = true;
                    let input = format!("{}:{}", self.input, self.line_no + 1);
                    return Some(Err(IngestError::Io { input, source: e }));
                }
            };
            self.line_no += 1;
            if cut {
                let input = format!("{}:{}", self.input, self.line_no);
                return Some(Err(IngestError::BadRecord { input, reason: format!("line longer than {MAX_LINE_BYTES} bytes, skipped") }));
            }
            let line = decode_bytes(&self.buf, false);
            if line.trim().is_empty() {
                continue;
            }
            return Some(record(&self.input, self.line_no, &line));
        }
        self.done = true;
        None
    }
}

#[cfg(test)]
fn parse(input: &str, body: &str) -> Vec<Item> {
    Lines::new(input.to_string(), body.as_bytes()).collect()
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

    #[test]
    fn an_overlong_line_is_named_and_the_stream_goes_on() {
        let long = format!("{{\"text\":\"{}\"}}", "x".repeat(MAX_LINE_BYTES + 10));
        let body = format!("{{\"id\":\"a\",\"text\":\"One.\"}}\n{long}\n{{\"id\":\"c\",\"text\":\"Three.\"}}");
        let items = parse("big.jsonl", &body);
        assert_eq!(items.len(), 3);
        assert!(items[1].as_ref().unwrap_err().to_string().starts_with("big.jsonl:2: line longer than"));
        assert_eq!(items[2].as_ref().unwrap().input, "c");
    }
}
