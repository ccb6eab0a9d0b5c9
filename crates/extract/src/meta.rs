//! Page metadata, most trusted first: JSON-LD, then OpenGraph and `<meta>` tags, then `<time>`
//! and `<title>`. Also date normalisation, shared with the plain-text path.

use crate::dom::{Dom, NodeKind};
use crate::rules;
use serde_json::Value;

#[derive(Debug, Default)]
pub struct PageMeta {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub outlet: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// JSON-LD `articleBody`, used as a fallback when the page's markup yields little.
    pub article_body: Option<String>,
}

pub fn read(dom: &Dom) -> PageMeta {
    let mut m = PageMeta::default();
    for id in dom.elements() {
        match dom.name(id) {
            Some("script") if dom.attr(id, "type").is_some_and(|t| t.contains("ld+json")) => {
                if let Some(NodeKind::Text(raw)) = dom.nodes[id].children.first().map(|&c| &dom.nodes[c].kind) {
                    if let Ok(v) = serde_json::from_str::<Value>(raw.trim()) {
                        json_ld(&v, &mut m, 0);
                    }
                }
            }
            Some("html") => {
                if let Some(l) = dom.attr(id, "lang") {
                    m.language.get_or_insert_with(|| l.split(['-', '_']).next().unwrap_or(l).to_ascii_lowercase());
                }
            }
            _ => {}
        }
    }
    let mut title_tag = None;
    let mut time_tag = None;
    for id in dom.elements() {
        let name = dom.name(id).unwrap_or("");
        match name {
            "meta" => {
                let key = dom.attr(id, "property").or_else(|| dom.attr(id, "name")).or_else(|| dom.attr(id, "itemprop")).unwrap_or("").to_ascii_lowercase();
                let Some(content) = dom.attr(id, "content").map(str::trim).filter(|c| !c.is_empty()) else { continue };
                let slot = match key.as_str() {
                    "og:title" | "twitter:title" => &mut m.title,
                    "author" | "article:author" | "byl" | "parsely-author" | "sailthru.author" | "dc.creator" => {
                        if content.starts_with("http") {
                            continue;
                        }
                        &mut m.byline
                    }
                    "article:published_time"
                    | "datepublished"
                    | "pubdate"
                    | "publishdate"
                    | "date"
                    | "dc.date"
                    | "dc.date.issued"
                    | "parsely-pub-date"
                    | "sailthru.date"
                    | "og:published_time" => &mut m.published,
                    "og:site_name" | "application-name" => &mut m.outlet,
                    "og:url" => &mut m.url,
                    _ => continue,
                };
                slot.get_or_insert_with(|| content.to_string());
            }
            "link" if dom.attr(id, "rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) => {
                if let Some(h) = dom.attr(id, "href").filter(|h| h.starts_with("http")) {
                    m.url = Some(h.to_string());
                }
            }
            "title" if title_tag.is_none() => title_tag = Some(dom.text(id)),
            "time" if time_tag.is_none() => {
                time_tag = dom.attr(id, "datetime").map(str::to_string).or_else(|| Some(dom.text(id)).filter(|t| !t.is_empty()));
            }
            _ => {}
        }
    }
    if m.title.is_none() {
        m.title = title_tag.map(|t| strip_site_suffix(&t, m.outlet.as_deref()));
    }
    if m.published.is_none() {
        m.published = time_tag.filter(|t| normalize_date(t).is_some());
    }
    if let Some(b) = m.byline.take() {
        if !is_non_author(&b) {
            m.byline = Some(clean_byline(&b).unwrap_or(b));
        }
    }
    if m.published.is_none() || m.byline.is_none() {
        from_markup(dom, &mut m);
    }
    if m.published.is_none() {
        m.published = m.url.as_deref().and_then(date_in_url);
    }
    if m.published.is_none() {
        m.published = visible_date(dom);
    }
    m
}

/// The first short leaf element whose whole text is a date ("Mar 13, 2026", "Updated November
/// 18, 2025", "3/4/2025"): pages print the article's date before anything else dated.
fn visible_date(dom: &Dom) -> Option<String> {
    dom.elements()
        .filter(|&id| !matches!(dom.name(id), Some("script" | "style" | "title" | "option" | "head")))
        .filter(|&id| dom.nodes[id].children.iter().all(|&c| matches!(dom.nodes[c].kind, NodeKind::Text(_))) && !dom.nodes[id].children.is_empty())
        .filter_map(|id| {
            let t = dom.text(id);
            if t.is_empty() || t.len() > rules::VISIBLE_DATE_MAX_CHARS || !t.chars().any(|c| c.is_ascii_digit()) {
                return None;
            }
            let t = t.trim_start_matches(|c: char| !c.is_alphanumeric());
            let lower = t.to_lowercase();
            let t = ["updated", "published", "posted", "last updated", "date", "on"]
                .iter()
                .find_map(|p| lower.strip_prefix(p).map(|_| t[p.len()..].trim_start_matches([':', ' ', '|'])))
                .unwrap_or(t);
            normalize_date(t).or_else(|| numeric_us_date(t)).filter(|d| d.len() == 10)
        })
        .next()
}

/// "3/4/2025" read as month/day (day/month when the first number cannot be a month).
fn numeric_us_date(t: &str) -> Option<String> {
    let parts: Vec<&str> = t.trim().split(['/', '.']).collect();
    if parts.len() != 3 || parts[2].len() != 4 {
        return None;
    }
    let (a, b, y): (u32, u32, i32) = (parts[0].parse().ok()?, parts[1].parse().ok()?, parts[2].parse().ok()?);
    let (mo, d) = if a > 12 { (b, a) } else { (a, b) };
    valid(y, mo, d).then(|| format!("{y:04}-{mo:02}-{d:02}"))
}

/// Microdata and byline/date markup in the page body, for pages without metadata in the head.
/// Only the first candidates in document order count: the article's own byline and date come
/// before those of comments and teasers.
fn from_markup(dom: &Dom, m: &mut PageMeta) {
    let mut date_tries = 0;
    let mut author_tries = 0;
    for id in dom.elements() {
        if m.published.is_some() && m.byline.is_some() {
            break;
        }
        let itemprop = dom.attr(id, "itemprop").unwrap_or("");
        let class = dom.attr(id, "class").unwrap_or("").to_ascii_lowercase();
        let tokens: Vec<&str> = class.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()).collect();
        if m.published.is_none() && date_tries < rules::MARKUP_CANDIDATES {
            let is_date = itemprop == "datePublished" || tokens.iter().any(|t| rules::DATE_CLASS_TOKENS.contains(t));
            if is_date {
                date_tries += 1;
                let raw = dom.attr(id, "content").or_else(|| dom.attr(id, "datetime")).map(str::to_string).unwrap_or_else(|| dom.text(id));
                if raw.len() < 120 {
                    m.published = normalize_date(&raw).or_else(|| first_date_in(&raw));
                }
            }
        }
        if m.byline.is_none() && author_tries < rules::MARKUP_CANDIDATES {
            let is_author = itemprop == "author"
                || dom.attr(id, "rel").is_some_and(|r| r.eq_ignore_ascii_case("author"))
                || tokens.iter().any(|t| rules::AUTHOR_CLASS_TOKENS.contains(t));
            if is_author {
                author_tries += 1;
                let text = dom.text(id);
                if let Some(name) = clean_byline(&text) {
                    m.byline = Some(name);
                }
            }
        }
    }
}

/// "By Jane Roe | March 5" -> "Jane Roe"; "Posted by Jane Roe (Staff Writer)" -> "Jane Roe".
/// Refuses text that is not a short run of names.
fn clean_byline(text: &str) -> Option<String> {
    let mut t = text.trim();
    if let Some(i) = t.to_lowercase().find("by ") {
        // "Posted by", "Reviewed by", "Written by", "By:" all end in "by"
        if i <= 12 && t.to_lowercase()[..i].split_whitespace().count() <= 2 {
            t = &t[i + 3..];
        }
    }
    if t.to_lowercase().starts_with("by:") {
        t = &t[3..];
    }
    let t = t.split(['|', '\u{2022}', '\n', '(', '\u{b7}']).next()?.trim();
    let t = if t.contains('@') { t.split(',').next()? } else { t };
    let t = t.trim().trim_end_matches([',', '-', ':']).trim();
    let mut words: Vec<&str> = t.split_whitespace().collect();
    // a role printed after the name: "Keith Barry Senior Autos Reporter"
    if let Some(cut) = words.iter().position(|w| rules::BYLINE_ROLE_WORDS.contains(&w.to_lowercase().as_str())) {
        if cut >= 1 {
            words.truncate(cut);
        }
    }
    // the same name printed twice (avatar alt text and link)
    let half = words.len() / 2;
    if words.len() >= 2 && words.len().is_multiple_of(2) && words[..half] == words[half..] {
        words.truncate(half);
    }
    let t = words.join(" ").trim_end_matches([',', ';', '-']).to_string();
    let ok = (1..=8).contains(&words.len())
        && !t.chars().any(|c| c.is_ascii_digit() || matches!(c, '*' | ':' | '@' | '?'))
        && words.iter().filter(|w| w.chars().next().is_some_and(char::is_uppercase)).count() * 2 >= words.len()
        && !is_non_author(&t);
    ok.then_some(t)
}

/// The first thing that reads as a date inside a longer text ("Published: March 5, 2024 at 10:00").
fn first_date_in(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    (0..words.len()).find_map(|i| normalize_date(&words[i..(i + 4).min(words.len())].join(" ")).or_else(|| normalize_date(words[i])))
}

/// `/2019/11/18/` or `2019-11-18` in a URL path.
fn date_in_url(url: &str) -> Option<String> {
    let path = url.split_once("://").map_or(url, |(_, r)| r);
    let parts: Vec<&str> = path.split(['/', '-', '_', '.']).collect();
    parts.windows(3).find_map(|w| {
        let ok = w[0].len() == 4 && w[1].len() == 2 && w[2].len() == 2 && w.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()));
        if ok {
            normalize_date(&format!("{}-{}-{}", w[0], w[1], w[2]))
        } else {
            None
        }
    })
}

/// Fills empty fields from a JSON-LD value: an object, an array, or a `@graph`.
fn json_ld(v: &Value, m: &mut PageMeta, depth: usize) {
    if depth > 6 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| json_ld(i, m, depth + 1)),
        Value::Object(o) => {
            if let Some(g) = o.get("@graph") {
                json_ld(g, m, depth + 1);
            }
            let is_article = match o.get("@type") {
                Some(Value::String(t)) => rules::ARTICLE_LD_TYPES.contains(&t.as_str()),
                Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str().is_some_and(|t| rules::ARTICLE_LD_TYPES.contains(&t))),
                _ => false,
            };
            if !is_article {
                return;
            }
            let s = |k: &str| o.get(k).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
            if m.title.is_none() {
                m.title = s("headline").or_else(|| s("name"));
            }
            if m.published.is_none() {
                m.published = s("datePublished").or_else(|| s("dateCreated"));
            }
            if m.byline.is_none() {
                m.byline = o.get("author").and_then(names).filter(|b| !is_non_author(b));
            }
            if m.outlet.is_none() {
                m.outlet = o.get("publisher").and_then(names);
            }
            if m.article_body.is_none() {
                m.article_body = s("articleBody");
            }
            if m.url.is_none() {
                m.url = s("url").filter(|u| u.starts_with("http"));
            }
        }
        _ => {}
    }
}

/// A person or organisation value as a display string: "A and B" for several.
fn names(v: &Value) -> Option<String> {
    let list: Vec<String> = match v {
        Value::String(s) => vec![s.trim().to_string()],
        Value::Object(o) => o.get("name").and_then(Value::as_str).map(|s| vec![s.trim().to_string()]).unwrap_or_default(),
        Value::Array(a) => a.iter().filter_map(names).collect(),
        _ => vec![],
    };
    let list: Vec<String> = list.into_iter().filter(|s| !s.is_empty() && !s.starts_with("http")).collect();
    match list.len() {
        0 => None,
        1 => list.into_iter().next(),
        _ => Some(list.join(" and ")),
    }
}

fn is_non_author(b: &str) -> bool {
    rules::NON_AUTHOR_BYLINES.contains(&b.trim().to_lowercase().as_str())
}

/// "Headline | Outlet" and "Headline - Outlet" lose the outlet part.
fn strip_site_suffix(title: &str, outlet: Option<&str>) -> String {
    for sep in [" | ", " - ", " \u{2013} ", " \u{2014} ", " :: "] {
        if let Some((head, tail)) = title.rsplit_once(sep) {
            let tail_short = tail.split_whitespace().count() <= 4;
            if outlet.is_some_and(|o| tail.eq_ignore_ascii_case(o)) || (tail_short && head.split_whitespace().count() >= 4) {
                return head.trim().to_string();
            }
        }
    }
    title.trim().to_string()
}

/// Normalises a date as found on pages to ISO 8601: full timestamps stay as given (trimmed),
/// dates become `YYYY-MM-DD`. Returns `None` for anything that is not recognisably a date.
pub fn normalize_date(raw: &str) -> Option<String> {
    let s = raw.trim();
    let b = s.as_bytes();
    // ISO: 2024-03-05, 2024-03-05T10:00:00Z, 2024-03-05 10:00
    if b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-' {
        let (y, mo, d) = (&s[..4], &s[5..7], &s[8..10]);
        if valid(y.parse().ok()?, mo.parse().ok()?, d.parse().ok()?) {
            if b.len() > 10 && (b[10] == b'T' || b[10] == b' ') && b.len() >= 16 {
                return Some(s.replacen(' ', "T", 1).split_whitespace().next()?.to_string());
            }
            return Some(s[..10].to_string());
        }
        return None;
    }
    // Words: "March 5, 2024", "5 March 2024", "Mar. 5 2024", "Tuesday, March 5, 2024 10:00"
    let tokens: Vec<String> =
        s.split(|c: char| c.is_whitespace() || c == ',' || c == '.' || c == '/').filter(|t| !t.is_empty()).map(str::to_lowercase).collect();
    let mut year = None;
    let mut month = None;
    let mut day = None;
    for t in &tokens {
        if let Some(m) = parallax_text::calendar::month_number(t).filter(|_| t.chars().all(char::is_alphabetic)) {
            month.get_or_insert(m);
        } else if let Ok(n) = t.trim_end_matches(|c: char| c.is_alphabetic()).parse::<u32>() {
            if t.len() == 4 && (1900..=2100).contains(&n) {
                year.get_or_insert(n as i32);
            } else if (1..=31).contains(&n) && t.len() <= 4 {
                day.get_or_insert(n);
            }
        }
    }
    let (y, m, d) = (year?, month?, day?);
    valid(y, m, d).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn valid(y: i32, m: u32, d: u32) -> bool {
    (1900..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dom;

    #[test]
    fn dates_normalise() {
        assert_eq!(normalize_date("2024-03-05").as_deref(), Some("2024-03-05"));
        assert_eq!(normalize_date("2024-03-05T10:00:00+02:00").as_deref(), Some("2024-03-05T10:00:00+02:00"));
        assert_eq!(normalize_date("2024-03-05 10:00").as_deref(), Some("2024-03-05T10:00"));
        assert_eq!(normalize_date("March 5, 2024").as_deref(), Some("2024-03-05"));
        assert_eq!(normalize_date("Tue 5th Mar. 2024").as_deref(), Some("2024-03-05"));
        assert_eq!(normalize_date("2 days ago"), None);
        assert_eq!(normalize_date("2024-13-40"), None);
    }

    #[test]
    fn json_ld_beats_meta_and_skips_wire_authors() {
        let html = r#"<html lang="en-GB"><head><title>Site title | Outlet</title>
        <meta property="og:title" content="OG title">
        <meta name="author" content="Associated Press">
        <script type="application/ld+json">{"@graph":[{"@type":"WebSite","name":"x"},{"@type":"NewsArticle","headline":"LD headline","datePublished":"2024-03-05T08:00:00Z","author":[{"@type":"Person","name":"Jane Roe"},{"name":"Max Muster"}],"publisher":{"name":"The Test Times"}}]}</script>
        </head><body></body></html>"#;
        let m = read(&dom::parse(html));
        assert_eq!(m.title.as_deref(), Some("LD headline"));
        assert_eq!(m.byline.as_deref(), Some("Jane Roe and Max Muster"));
        assert_eq!(m.published.as_deref(), Some("2024-03-05T08:00:00Z"));
        assert_eq!(m.outlet.as_deref(), Some("The Test Times"));
        assert_eq!(m.language.as_deref(), Some("en"));
    }

    #[test]
    fn body_markup_and_url_fill_missing_metadata() {
        let html = r#"<html><head><link rel="canonical" href="https://x.test/2019/11/18/story"></head><body>
        <div class="post-meta"><span class="author-name">By Jane Roe</span></div><p>text</p></body></html>"#;
        let m = read(&dom::parse(html));
        assert_eq!(m.byline.as_deref(), Some("Jane Roe"));
        assert_eq!(m.published.as_deref(), Some("2019-11-18"));
        let html = r#"<body><span class="entry-date">Published March 5, 2024 at 10:00</span><a rel="author" href="/u/x">Max Muster</a></body>"#;
        let m = read(&dom::parse(html));
        assert_eq!(m.published.as_deref(), Some("2024-03-05"));
        assert_eq!(m.byline.as_deref(), Some("Max Muster"));
    }

    #[test]
    fn bylines_lose_prefixes_roles_and_repeats() {
        for (raw, want) in [
            ("Posted by Damien Walter", Some("Damien Walter")),
            ("By: Melissa Dittmann Tracey", Some("Melissa Dittmann Tracey")),
            ("Keith Barry Senior Autos Reporter", Some("Keith Barry")),
            ("Lance Ryan (Content Manager)", Some("Lance Ryan")),
            ("Yucy Yucy", Some("Yucy")),
            ("Jan Hvizdak, postmaster@aqua-fish.net", Some("Jan Hvizdak")),
            ("Name *", None),
            ("Jane Roe, Staff Writer", Some("Jane Roe")),
            ("Aditya Mahindru, Pradeep Patil, Varun Agrawal", Some("Aditya Mahindru, Pradeep Patil, Varun Agrawal")),
        ] {
            assert_eq!(clean_byline(raw).as_deref(), want, "{raw}");
        }
    }

    #[test]
    fn visible_date_text_is_the_last_resort() {
        let m = read(&dom::parse("<body><nav>Home</nav><div class=x>Updated November 18, 2025</div><p>On 3 May 2020 it rained.</p></body>"));
        assert_eq!(m.published.as_deref(), Some("2025-11-18"));
        let m = read(&dom::parse("<body><span class=t>3/4/2025</span></body>"));
        assert_eq!(m.published.as_deref(), Some("2025-03-04"));
    }

    #[test]
    fn title_tag_loses_site_suffix_and_wire_byline_is_dropped() {
        let html = r#"<html><head><title>Harbor bridge reopens after repairs | Port Daily</title><meta name="author" content="Reuters"></head><body><time datetime="2024-03-05">Mar 5</time></body></html>"#;
        let m = read(&dom::parse(html));
        assert_eq!(m.title.as_deref(), Some("Harbor bridge reopens after repairs"));
        assert_eq!(m.byline, None);
        assert_eq!(m.published.as_deref(), Some("2024-03-05"));
    }
}
