//! Feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed, through feed-rs.

use crate::SourceError;

/// The most items read from one feed: a feed of a million items is an attack, not news.
pub const MAX_ITEMS: usize = 5_000;
/// A feed item whose own text has at least this many words is the article itself; a shorter
/// one (a summary) is followed to its page.
pub const FULL_TEXT_WORDS: usize = 150;

#[derive(Debug, Clone, Default)]
pub struct Feed {
    pub title: Option<String>,
    /// The site the feed belongs to.
    pub site: Option<String>,
    pub items: Vec<Item>,
    /// The feed's `ttl`, in minutes (RSS).
    pub ttl_minutes: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Item {
    /// The article's URL, made absolute against the feed's.
    pub url: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    /// ISO 8601.
    pub published: Option<String>,
    /// The item's own HTML or text, when it carries the whole article (see [`FULL_TEXT_WORDS`]).
    pub full_text: Option<String>,
}

/// Reads a feed body. `feed_url` resolves relative links.
pub fn parse(body: &[u8], feed_url: &str) -> Result<Feed, SourceError> {
    // a local file's relative links resolve against the file (and are then refused as not
    // http), rather than failing the whole feed
    let parsed = feed_rs::parser::Builder::new().base_uri(Some(base_of(feed_url).as_str())).build().parse(body).map_err(|e| SourceError::Invalid {
        source_name: feed_url.to_string(),
        what: "feed",
        reason: e.to_string(),
    })?;
    if parsed.entries.len() > MAX_ITEMS {
        return Err(SourceError::Limit { source_name: feed_url.to_string(), reason: format!("{} items, more than {MAX_ITEMS}", parsed.entries.len()) });
    }
    let base = url::Url::parse(&base_of(feed_url)).ok();
    let absolute = |href: &str| match &base {
        Some(b) => b.join(href).map(|u| u.to_string()).unwrap_or_else(|_| href.to_string()),
        None => href.to_string(),
    };
    let site = parsed.links.iter().find(|l| l.rel.as_deref() != Some("self")).map(|l| absolute(&l.href));
    let items = parsed
        .entries
        .iter()
        .map(|e| {
            let url = e.links.iter().find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate")).or(e.links.first()).map(|l| absolute(&l.href));
            let body = e.content.as_ref().and_then(|c| c.body.clone()).or_else(|| e.summary.as_ref().map(|s| s.content.clone()));
            let full_text = body.filter(|b| words(b) >= FULL_TEXT_WORDS);
            Item {
                url,
                title: e.title.as_ref().map(|t| t.content.trim().to_string()).filter(|t| !t.is_empty()),
                author: e.authors.first().and_then(|a| a.name.as_deref()).map(|a| a.trim().to_string()).filter(|a| !a.is_empty()),
                published: e.published.or(e.updated).map(|d| d.to_rfc3339()),
                full_text,
            }
        })
        .collect();
    Ok(Feed { title: parsed.title.map(|t| t.content.trim().to_string()).filter(|t| !t.is_empty()), site, items, ttl_minutes: parsed.ttl })
}

/// The URL relative links resolve against: the feed's own, or a local file's path as a URL.
fn base_of(feed_url: &str) -> String {
    if url::Url::parse(feed_url).is_ok() {
        return feed_url.to_string();
    }
    let path = std::path::absolute(feed_url).unwrap_or_else(|_| std::path::PathBuf::from(feed_url));
    url::Url::from_file_path(&path).map(|u| u.to_string()).unwrap_or_else(|_| "file:///".to_string())
}

/// Words of an HTML fragment, tags left out.
fn words(html: &str) -> usize {
    let mut n = 0;
    let mut in_tag = false;
    let mut in_word = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && c.is_alphanumeric() => {
                if !in_word {
                    n += 1;
                }
                in_word = true;
                continue;
            }
            _ => {}
        }
        in_word = false;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_atom_and_json_feed_give_items_with_absolute_links() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Harbor News</title><link>https://harbor.example/</link><ttl>30</ttl>
            <item><title>Bridge reopens</title><link>/2026/bridge</link><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate><author>Ilse Brandt</author><description>Short summary.</description></item>
            </channel></rss>"#;
        let f = parse(rss, "https://harbor.example/feed.xml").unwrap();
        assert_eq!(f.title.as_deref(), Some("Harbor News"));
        assert_eq!(f.ttl_minutes, Some(30));
        let it = &f.items[0];
        assert_eq!(it.url.as_deref(), Some("https://harbor.example/2026/bridge"));
        assert_eq!(it.published.as_deref(), Some("2026-03-02T10:00:00+00:00"));
        assert!(it.full_text.is_none(), "a summary is not the article");
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Coast</title><entry><title>Fire</title><link href="https://coast.example/fire"/><updated>2026-03-02T08:00:00Z</updated></entry></feed>"#;
        assert_eq!(parse(atom, "https://coast.example/atom").unwrap().items[0].url.as_deref(), Some("https://coast.example/fire"));
        let long = "word ".repeat(200);
        let json = format!(
            r#"{{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{{"id":"1","url":"https://j.example/a","content_html":"<p>{long}</p>"}}]}}"#
        );
        let j = parse(json.as_bytes(), "https://j.example/feed.json").unwrap();
        assert!(j.items[0].full_text.is_some(), "a full article in the feed is used as it is");
    }

    #[test]
    fn broken_and_huge_feeds_are_clear_errors() {
        let err = parse(b"<rss><channel><item><title>unclosed", "https://x.example/feed").unwrap_err().to_string();
        assert!(err.contains("https://x.example/feed") && err.contains("not a valid feed"), "{err}");
        let mut huge = String::from("<rss version=\"2.0\"><channel><title>t</title>");
        for i in 0..MAX_ITEMS + 1 {
            huge.push_str(&format!("<item><link>https://x.example/{i}</link></item>"));
        }
        huge.push_str("</channel></rss>");
        assert!(parse(huge.as_bytes(), "https://x.example/feed").unwrap_err().to_string().contains("more than 5000"));
    }
}
