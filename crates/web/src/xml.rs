//! OPML and sitemaps: small XML formats read with quick-xml, with caps on size, entries and
//! nesting.

use crate::SourceError;
use quick_xml::events::Event;

/// The most entries (feeds, URLs, child sitemaps) one file may list: the sitemap protocol's own
/// limit.
pub const MAX_ENTRIES: usize = 50_000;
/// The deepest element nesting read: OPML folders nest, but not a thousand deep.
pub const MAX_DEPTH: usize = 64;
/// The largest file read (the sitemap protocol allows 50 MB uncompressed).
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

/// One feed an OPML file follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedRef {
    pub url: String,
    pub title: Option<String>,
}

/// What a sitemap lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sitemap {
    /// Pages, with their last modification or news publication date when given.
    Pages(Vec<(String, Option<String>)>),
    /// Other sitemaps (a sitemap index).
    Index(Vec<String>),
}

/// What [`walk`] calls per element: (path of local names, attributes, text).
type Visit<'a> = dyn FnMut(&[String], &[(String, String)], &str) -> Result<(), SourceError> + 'a;

/// Walks the elements of `body`: `f(path of local names, attributes, text)` for every element
/// start (text empty) and for the text inside an element. Entities are resolved.
fn walk(body: &[u8], name: &str, what: &'static str, f: &mut Visit) -> Result<(), SourceError> {
    if body.len() > MAX_BYTES {
        return Err(SourceError::Limit { source_name: name.into(), reason: format!("larger than {MAX_BYTES} bytes") });
    }
    let invalid = |reason: String| SourceError::Invalid { source_name: name.into(), what, reason };
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        let ev = reader.read_event_into(&mut buf).map_err(|e| invalid(format!("{e} at byte {}", reader.buffer_position())))?;
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let local = e.local_name().as_ref().to_ascii_lowercase();
                let attrs: Vec<(String, String)> = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        let key = a.key.local_name().as_ref().to_ascii_lowercase();
                        let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map(|v| v.into_owned()).unwrap_or_else(|_| a.value.to_string());
                        (key, value)
                    })
                    .collect();
                let empty = matches!(ev, Event::Empty(_));
                path.push(local);
                if path.len() > MAX_DEPTH {
                    return Err(SourceError::Limit { source_name: name.into(), reason: format!("nested deeper than {MAX_DEPTH} elements") });
                }
                text.clear();
                f(&path, &attrs, "")?;
                if empty {
                    path.pop();
                }
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) => text.push(c),
                _ => text.push_str(match r.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                }),
            },
            Event::End(_) => {
                if !text.trim().is_empty() {
                    f(&path, &[], text.trim())?;
                }
                text.clear();
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(())
}

/// The feeds an OPML file lists (`outline` elements with an `xmlUrl`), folders included.
pub fn opml(body: &[u8], name: &str) -> Result<Vec<FeedRef>, SourceError> {
    let mut feeds = Vec::new();
    let mut seen_root = false;
    walk(body, name, "OPML file", &mut |path, attrs, text| {
        seen_root |= path.first().is_some_and(|r| r == "opml");
        if text.is_empty() && path.last().is_some_and(|e| e == "outline") {
            let get = |k: &str| attrs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty());
            if let Some(url) = get("xmlurl") {
                if feeds.len() == MAX_ENTRIES {
                    return Err(SourceError::Limit { source_name: name.into(), reason: format!("more than {MAX_ENTRIES} feeds") });
                }
                feeds.push(FeedRef { url, title: get("title").or_else(|| get("text")) });
            }
        }
        Ok(())
    })?;
    if !seen_root {
        return Err(SourceError::Invalid { source_name: name.into(), what: "OPML file", reason: "no <opml> element".into() });
    }
    Ok(feeds)
}

/// The pages or child sitemaps a sitemap lists.
pub fn sitemap(body: &[u8], name: &str) -> Result<Sitemap, SourceError> {
    let mut pages: Vec<(String, Option<String>)> = Vec::new();
    let mut children = Vec::new();
    let mut index = None;
    walk(body, name, "sitemap", &mut |path, _, text| {
        if index.is_none() {
            index = path.first().map(|r| r == "sitemapindex");
        }
        let n = path.len();
        if text.is_empty() || n < 2 {
            return Ok(());
        }
        if pages.len() + children.len() >= MAX_ENTRIES {
            return Err(SourceError::Limit { source_name: name.into(), reason: format!("more than {MAX_ENTRIES} entries") });
        }
        match (path[n - 2].as_str(), path[n - 1].as_str()) {
            ("url", "loc") => pages.push((text.to_string(), None)),
            ("sitemap", "loc") => children.push(text.to_string()),
            // a news sitemap's publication date beats lastmod
            (_, "publication_date") | ("url", "lastmod") => {
                if let Some(last) = pages.last_mut() {
                    if last.1.is_none() || path[n - 1] == "publication_date" {
                        last.1 = Some(text.to_string());
                    }
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    match index {
        Some(true) => Ok(Sitemap::Index(children)),
        Some(false) => Ok(Sitemap::Pages(pages)),
        None => Err(SourceError::Invalid { source_name: name.into(), what: "sitemap", reason: "no <urlset> or <sitemapindex> element".into() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opml_lists_feeds_in_folders() {
        let body = br#"<?xml version="1.0"?><opml version="2.0"><head><title>mine</title></head><body>
            <outline text="World"><outline text="Harbor &amp; Coast" type="rss" xmlUrl="https://harbor.example/feed?a=1&amp;b=2"/></outline>
            <outline text="no feed here"/><outline title="Coast" xmlUrl="https://coast.example/atom"/></body></opml>"#;
        let feeds = opml(body, "subs.opml").unwrap();
        assert_eq!(
            feeds,
            vec![
                FeedRef { url: "https://harbor.example/feed?a=1&b=2".into(), title: Some("Harbor & Coast".into()) },
                FeedRef { url: "https://coast.example/atom".into(), title: Some("Coast".into()) },
            ]
        );
        assert!(opml(b"<rss/>", "x.opml").unwrap_err().to_string().contains("no <opml>"));
        let deep = format!("<opml><body>{}{}</body></opml>", "<outline>".repeat(100), "</outline>".repeat(100));
        assert!(opml(deep.as_bytes(), "deep.opml").unwrap_err().to_string().contains("nested deeper"));
        assert!(opml(b"<opml><body><outline xmlUrl='x'></body>", "bad.opml").is_err(), "mismatched tags are an error");
    }

    #[test]
    fn sitemaps_list_pages_with_dates_or_child_sitemaps() {
        let news = br#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
            <url><loc>https://harbor.example/a</loc><lastmod>2026-03-01</lastmod><news:news><news:publication_date>2026-03-02T10:00:00Z</news:publication_date></news:news></url>
            <url><loc>https://harbor.example/b</loc></url></urlset>"#;
        assert_eq!(
            sitemap(news, "news.xml").unwrap(),
            Sitemap::Pages(vec![("https://harbor.example/a".into(), Some("2026-03-02T10:00:00Z".into())), ("https://harbor.example/b".into(), None)])
        );
        let index = b"<sitemapindex><sitemap><loc>https://harbor.example/s1.xml</loc></sitemap></sitemapindex>";
        assert_eq!(sitemap(index, "index.xml").unwrap(), Sitemap::Index(vec!["https://harbor.example/s1.xml".into()]));
    }
}
