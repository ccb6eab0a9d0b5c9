//! Web sources, read into what the engine ingests. Every reader is bounded: item counts, sizes
//! and nesting are capped, and a cap reached is an error naming the source, never a hang or a
//! crash.
//!
//! - [`feed`]: RSS 0.9x/1.0/2.0, Atom and JSON Feed (feed-rs), as items with their links,
//!   dates, authors and any full text they carry.
//! - [`xml`]: OPML (the feeds a reader follows) and sitemaps (news sitemaps included).
//! - [`warc`]: WARC files (CC-NEWS), streamed record by record; a truncated file keeps
//!   everything before the cut.
//! - [`robots`]: what robots.txt allows our agent.

pub mod collect;
pub mod feed;
pub mod robots;
pub mod schedule;
pub mod warc;
pub mod xml;

/// What a fetched or local body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Feed,
    Opml,
    Sitemap,
    Page,
}

/// Tells a body's kind from its first bytes (and the server's content type): feeds, OPML and
/// sitemaps by their root element, JSON Feed by its version key, anything else is a page.
pub fn sniff(body: &[u8], content_type: Option<&str>) -> SourceKind {
    let head = String::from_utf8_lossy(&body[..body.len().min(2048)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('{') && head.contains("jsonfeed.org/version") {
        return SourceKind::Feed;
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if head.starts_with("<!doctype html") || head.starts_with("<html") || ct.starts_with("text/html") && !head.starts_with("<?xml") {
        return SourceKind::Page;
    }
    // the root element: the first tag that is not a declaration, comment or stylesheet
    let root = head.match_indices('<').map(|(i, _)| &head[i + 1..]).find(|t| !t.starts_with('?') && !t.starts_with('!'));
    match root {
        Some(r) if r.starts_with("rss") || r.starts_with("rdf:rdf") || r.starts_with("feed") => SourceKind::Feed,
        Some(r) if r.starts_with("opml") => SourceKind::Opml,
        Some(r) if r.starts_with("urlset") || r.starts_with("sitemapindex") => SourceKind::Sitemap,
        _ => SourceKind::Page,
    }
}

/// Why a web source could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{source_name}: not a valid {what} ({reason})")]
    Invalid { source_name: String, what: &'static str, reason: String },
    #[error("{source_name}: {reason}")]
    Limit { source_name: String, reason: String },
    #[error("{source_name}: {reason}")]
    Io { source_name: String, reason: String },
}

impl From<SourceError> for parallax_ingest::IngestError {
    fn from(e: SourceError) -> Self {
        let (input, reason) = match e {
            SourceError::Invalid { source_name, what, reason } => (source_name, format!("not a valid {what} ({reason})")),
            SourceError::Limit { source_name, reason } | SourceError::Io { source_name, reason } => (source_name, reason),
        };
        parallax_ingest::IngestError::BadRecord { input, reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_their_root_element() {
        assert_eq!(sniff(b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>", None), SourceKind::Feed);
        assert_eq!(sniff(b"<feed xmlns=\"http://www.w3.org/2005/Atom\"></feed>", Some("application/atom+xml")), SourceKind::Feed);
        assert_eq!(sniff(b"{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": []}", None), SourceKind::Feed);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><!-- c --><opml version=\"2.0\"/>", None), SourceKind::Opml);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><urlset xmlns=\"x\"/>", None), SourceKind::Sitemap);
        assert_eq!(sniff(b"<sitemapindex/>", None), SourceKind::Sitemap);
        assert_eq!(sniff(b"<!DOCTYPE html><html><body>feed</body></html>", Some("text/html")), SourceKind::Page);
    }
}
