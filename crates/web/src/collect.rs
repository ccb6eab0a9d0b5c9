//! From what the user names to documents: feed URLs, OPML files, sitemaps, page URLs and WARC
//! files, fetched one request at a time through [`parallax_fetch`] and read lazily, so a batch
//! starts ingesting while the rest is still being fetched. One bad source or item is one error
//! item; the rest goes on.

use crate::{feed, robots::Robots, warc, xml, SourceKind};
use parallax_fetch::{Fetcher, Validators};
use parallax_ingest::IngestError;
use parallax_model::{DocumentKind, Hints, RawDocument};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Sitemap indexes nest at most this deep.
const MAX_SITEMAP_DEPTH: usize = 3;

enum Task {
    /// As the user gave it: a path or a URL.
    Source(String),
    Feed(String),
    /// A feed already fetched (by `watch`, with its validators).
    FeedBody(String, Vec<u8>),
    Sitemap(String, usize),
    /// A page, with what the feed or sitemap that named it said of it; `crawled` when robots.txt
    /// decides (a page found through a sitemap or a feed, not one the user named).
    Page {
        url: String,
        hints: Hints,
        crawled: bool,
    },
    /// A feed item that carries its whole article.
    Item(RawDocument),
    Warc(Box<dyn Iterator<Item = Result<warc::Page, crate::SourceError>> + Send>, String),
}

/// What was found, for the summary line and for following the feeds read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Found {
    pub feeds: usize,
    pub sitemaps: usize,
    pub pages: usize,
    pub robots_refused: usize,
    /// Each feed read: its URL (after redirects), title, and the publication dates of its
    /// items (for a poll schedule that follows how often it publishes).
    pub followed: Vec<FeedRead>,
}

/// A feed read by the collector.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeedRead {
    pub url: String,
    pub title: Option<String>,
    pub item_dates: Vec<String>,
    pub ttl_minutes: Option<u32>,
    /// The fetch's validators, so the first poll can be conditional.
    pub validators: Validators,
}

/// One entry of a feed: a page to fetch, or an item that carries its whole article.
#[derive(Debug, Clone)]
pub enum FeedEntry {
    Page { url: String, hints: Hints },
    Item(RawDocument),
}

/// A feed's entries, in feed order, each with what the feed says of it (title, author, date;
/// the feed's title is the outlet of an item it carries whole). Items without a link are left out.
pub fn feed_entries(f: &feed::Feed) -> Vec<FeedEntry> {
    let mut out = Vec::new();
    for item in &f.items {
        let Some(url) = item.url.clone() else { continue };
        let hints =
            Hints { url: Some(url.clone()), title: item.title.clone(), byline: item.author.clone(), published: item.published.clone(), ..Default::default() };
        out.push(match &item.full_text {
            Some(html) => FeedEntry::Item(RawDocument {
                input: url,
                kind: Some(DocumentKind::Html),
                body: html.clone(),
                hints: Hints { outlet: f.title.clone(), ..hints },
            }),
            None => FeedEntry::Page { url, hints },
        });
    }
    out
}

/// Fetches one page as a document: refused when binary or undecodable, its URL after redirects
/// among its hints.
pub fn fetch_page(fetcher: &Fetcher, url: &str, hints: Hints) -> Result<RawDocument, IngestError> {
    let resp = fetcher.get(url, &Validators::default()).map_err(|e| fetch_failed(url, e))?;
    page_of(resp, url, hints)
}

/// A fetched page as a document (see [`fetch_page`]).
fn page_of(resp: parallax_fetch::Response, url: &str, hints: Hints) -> Result<RawDocument, IngestError> {
    if let Some(what) = parallax_ingest::binary_kind(&resp.body) {
        return Err(bad(&resp.url, format!("binary content ({what}), not a page")));
    }
    let body = parallax_ingest::decode_document(&resp.body, resp.content_type.as_deref()).map_err(|reason| bad(&resp.url, reason))?;
    let hints = Hints { url: Some(resp.url.clone()), ..hints };
    Ok(RawDocument { input: url.to_string(), kind: Some(DocumentKind::Html), body, hints })
}

/// What each site's robots.txt allows our agent; a site without one, or whose robots.txt cannot
/// be read, allows everything. One cache serves all the threads of a process (behind `&self`),
/// so a site's robots.txt is fetched once, not once per thread. An engine runs for months and
/// sites change their rules: a site's rules are read again once they are older than the
/// cache's TTL ([`RobotsCache::with_ttl`]; a day by default, as the big crawlers cache them), and at most
/// [`ROBOTS_SITES`] sites are kept (the oldest read go first).
#[derive(Debug)]
pub struct RobotsCache {
    sites: Mutex<RobotsBySite>,
    ttl: Duration,
}

/// Each site's rules and when they were asked for; the rules are filled in by the first thread
/// to read them.
type RobotsBySite = HashMap<String, (Instant, Arc<OnceLock<Robots>>)>;

/// Sites whose robots.txt rules a [`RobotsCache`] keeps.
pub const ROBOTS_SITES: usize = 10_000;

impl Default for RobotsCache {
    fn default() -> Self {
        RobotsCache::with_ttl(Duration::from_secs(24 * 3600))
    }
}

impl RobotsCache {
    /// A cache that reads a site's robots.txt again once its rules are `ttl` old.
    pub fn with_ttl(ttl: Duration) -> Self {
        RobotsCache { sites: Mutex::new(HashMap::new()), ttl }
    }

    /// Whether robots.txt lets us fetch `url`.
    pub fn allows(&self, fetcher: &Fetcher, url: &str) -> bool {
        let Ok(u) = url::Url::parse(url) else { return true };
        let site = format!("{}://{}", u.scheme(), u.host_str().unwrap_or_default()) + &u.port().map(|p| format!(":{p}")).unwrap_or_default();
        let path = match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        };
        let rules = {
            let mut sites = self.lock();
            match sites.get(&site) {
                Some((read, rules)) if read.elapsed() < self.ttl => rules.clone(),
                _ => {
                    if sites.len() >= ROBOTS_SITES && !sites.contains_key(&site) {
                        sites.retain(|_, (read, _)| read.elapsed() < self.ttl);
                        if sites.len() >= ROBOTS_SITES {
                            if let Some(oldest) = sites.iter().min_by_key(|(_, e)| e.0).map(|(k, _)| k.clone()) {
                                sites.remove(&oldest);
                            }
                        }
                    }
                    let rules = Arc::new(OnceLock::new());
                    sites.insert(site.clone(), (Instant::now(), rules.clone()));
                    rules
                }
            }
        };
        // Read outside the map's lock: threads asking about this site wait for the one reading
        // it, and one slow site does not stall the others.
        rules
            .get_or_init(|| match fetcher.get(&format!("{site}/robots.txt"), &Validators::default()) {
                Ok(r) if r.status == 200 => Robots::parse(&String::from_utf8_lossy(&r.body), "parallax"),
                _ => Robots::default(),
            })
            .allows(&path)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RobotsBySite> {
        // a thread that panicked mid-insert leaves a usable map
        self.sites.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The documents behind `sources`, in order, fetched as they are needed.
pub struct Collector {
    fetcher: Arc<Fetcher>,
    tasks: VecDeque<Task>,
    robots: RobotsCache,
    found: Arc<Mutex<Found>>,
}

fn bad(input: &str, reason: impl std::fmt::Display) -> IngestError {
    IngestError::BadRecord { input: input.to_string(), reason: reason.to_string() }
}

/// A fetch error as an ingest error: its message already starts with the URL it is about.
fn fetch_failed(url: &str, e: parallax_fetch::FetchError) -> IngestError {
    let msg = e.to_string();
    match msg.split_once(": ") {
        Some((at, reason)) => IngestError::BadRecord { input: at.to_string(), reason: reason.to_string() },
        None => bad(url, msg),
    }
}

fn is_url(s: &str) -> bool {
    s.contains("://")
}

impl Collector {
    pub fn new(fetcher: Arc<Fetcher>, sources: &[String]) -> Collector {
        Collector::with_tasks(fetcher, sources.iter().cloned().map(Task::Source).collect())
    }

    /// The articles of feeds already fetched: (feed URL, body).
    pub fn from_feeds(fetcher: Arc<Fetcher>, feeds: Vec<(String, Vec<u8>)>) -> Collector {
        Collector::with_tasks(fetcher, feeds.into_iter().map(|(u, b)| Task::FeedBody(u, b)).collect())
    }

    fn with_tasks(fetcher: Arc<Fetcher>, tasks: VecDeque<Task>) -> Collector {
        Collector { fetcher, tasks, robots: RobotsCache::default(), found: Arc::new(Mutex::new(Found::default())) }
    }

    /// What was found so far; it stays readable after the collector was handed to an ingest.
    pub fn found(&self) -> Arc<Mutex<Found>> {
        self.found.clone()
    }

    fn tally(&self, f: impl FnOnce(&mut Found)) {
        f(&mut self.found.lock().expect("not poisoned"));
    }

    fn page(&mut self, url: &str, hints: Hints, check_robots: bool) -> Option<Result<RawDocument, IngestError>> {
        if check_robots && !self.robots.allows(&self.fetcher, url) {
            self.tally(|f| f.robots_refused += 1);
            return Some(Err(bad(url, "robots.txt does not allow fetching it")));
        }
        let resp = match self.fetcher.get(url, &Validators::default()) {
            Ok(r) => r,
            Err(e) => return Some(Err(fetch_failed(url, e))),
        };
        // a page counts once fetched, whatever it turns out to be
        self.tally(|f| f.pages += 1);
        Some(page_of(resp, url, hints))
    }

    fn feed_items(&mut self, body: &[u8], feed_url: &str) -> Option<Result<RawDocument, IngestError>> {
        self.feed_items_with(body, feed_url, Validators::default())
    }

    fn feed_items_with(&mut self, body: &[u8], feed_url: &str, validators: Validators) -> Option<Result<RawDocument, IngestError>> {
        let f = match feed::parse(body, feed_url) {
            Ok(f) => f,
            Err(e) => return Some(Err(e.into())),
        };
        self.tally(|found| {
            found.feeds += 1;
            found.followed.push(FeedRead {
                url: feed_url.to_string(),
                title: f.title.clone(),
                item_dates: f.items.iter().filter_map(|i| i.published.clone()).collect(),
                ttl_minutes: f.ttl_minutes,
                validators,
            })
        });
        // in feed order, ahead of what was queued before
        for entry in feed_entries(&f).into_iter().rev() {
            match entry {
                // the feed carries the article: no need to ask the site for it
                FeedEntry::Item(doc) => self.tasks.push_front(Task::Item(doc)),
                // a page fetched for a feed item is a page fetch: robots.txt decides
                FeedEntry::Page { url, hints } => self.tasks.push_front(Task::Page { url, hints, crawled: true }),
            }
        }
        None
    }

    fn sitemap_entries(&mut self, body: &[u8], url: &str, depth: usize) -> Option<Result<RawDocument, IngestError>> {
        match xml::sitemap(body, url) {
            Err(e) => Some(Err(e.into())),
            Ok(xml::Sitemap::Index(children)) => {
                self.tally(|f| f.sitemaps += 1);
                if depth >= MAX_SITEMAP_DEPTH {
                    return Some(Err(bad(url, format!("sitemap indexes nested deeper than {MAX_SITEMAP_DEPTH}"))));
                }
                for c in children.into_iter().rev() {
                    self.tasks.push_front(Task::Sitemap(c, depth + 1));
                }
                None
            }
            Ok(xml::Sitemap::Pages(pages)) => {
                self.tally(|f| f.sitemaps += 1);
                for (page, date) in pages.into_iter().rev() {
                    // pages found through a sitemap are crawled: robots.txt decides
                    self.tasks.push_front(Task::Page { url: page, hints: Hints { published: date, ..Default::default() }, crawled: true });
                }
                None
            }
        }
    }

    fn opml_feeds(&mut self, body: &[u8], name: &str) -> Option<Result<RawDocument, IngestError>> {
        match xml::opml(body, name) {
            Err(e) => Some(Err(e.into())),
            Ok(feeds) => {
                for f in feeds.into_iter().rev() {
                    self.tasks.push_front(Task::Feed(f.url));
                }
                None
            }
        }
    }

    /// One body, by what it is.
    fn dispatch(&mut self, body: Vec<u8>, content_type: Option<&str>, name: &str, url: Option<&str>) -> Option<Result<RawDocument, IngestError>> {
        match crate::sniff(&body, content_type) {
            SourceKind::Feed => self.feed_items(&body, url.unwrap_or(name)),
            SourceKind::Opml => self.opml_feeds(&body, name),
            SourceKind::Sitemap => self.sitemap_entries(&body, url.unwrap_or(name), 0),
            SourceKind::Page => {
                if let Some(what) = parallax_ingest::binary_kind(&body) {
                    return Some(Err(bad(name, format!("binary content ({what}), not a page"))));
                }
                self.tally(|f| f.pages += 1);
                let hints = Hints { url: url.map(str::to_string), ..Default::default() };
                Some(Ok(RawDocument { input: name.to_string(), kind: Some(DocumentKind::Html), body: parallax_ingest::decode_bytes(&body, true), hints }))
            }
        }
    }

    fn source(&mut self, s: String) -> Option<Result<RawDocument, IngestError>> {
        if is_url(&s) {
            // a page the user names is fetched as asked; what it is decides the rest
            let resp = match self.fetcher.get(&s, &Validators::default()) {
                Ok(r) => r,
                Err(e) => return Some(Err(fetch_failed(&s, e))),
            };
            if crate::sniff(&resp.body, resp.content_type.as_deref()) == SourceKind::Feed {
                return self.feed_items_with(&resp.body, &resp.url, resp.validators);
            }
            let (body, ct, url) = (resp.body, resp.content_type, resp.url);
            return self.dispatch(body, ct.as_deref(), &s, Some(&url));
        }
        let lower = s.to_ascii_lowercase();
        if lower.ends_with(".warc") || lower.ends_with(".warc.gz") {
            let file = match std::fs::File::open(&s) {
                Ok(f) => f,
                Err(e) => return Some(Err(IngestError::Io { input: s, source: e })),
            };
            let reader: Box<dyn std::io::BufRead + Send> = if lower.ends_with(".gz") {
                Box::new(std::io::BufReader::new(flate2::read::MultiGzDecoder::new(std::io::BufReader::new(file))))
            } else {
                Box::new(std::io::BufReader::new(file))
            };
            self.tasks.push_front(Task::Warc(Box::new(warc::Pages::new(reader, &s)), s));
            return None;
        }
        let meta = match std::fs::metadata(&s) {
            Ok(m) => m,
            Err(e) => return Some(Err(IngestError::Io { input: s, source: e })),
        };
        if !meta.is_file() {
            return Some(Err(bad(&s, "not a file or a URL (directories of pages go to `parallax ingest`)")));
        }
        if meta.len() > xml::MAX_BYTES as u64 {
            return Some(Err(bad(&s, format!("larger than {} bytes", xml::MAX_BYTES))));
        }
        match std::fs::read(&s) {
            Ok(body) => self.dispatch(body, None, &s.clone(), None),
            Err(e) => Some(Err(IngestError::Io { input: s, source: e })),
        }
    }
}

impl Iterator for Collector {
    type Item = Result<RawDocument, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        while let Some(task) = self.tasks.pop_front() {
            let out = match task {
                Task::Source(s) => self.source(s),
                Task::Feed(url) => match self.fetcher.get(&url, &Validators::default()) {
                    Ok(r) => {
                        let final_url = r.url.clone();
                        self.feed_items_with(&r.body, &final_url, r.validators)
                    }
                    Err(e) => Some(Err(fetch_failed(&url, e))),
                },
                Task::Sitemap(url, depth) => match self.fetcher.get(&url, &Validators::default()) {
                    Ok(r) => self.sitemap_entries(&r.body, &url, depth),
                    Err(e) => Some(Err(fetch_failed(&url, e))),
                },
                Task::Page { url, hints, crawled } => self.page(&url, hints, crawled),
                Task::FeedBody(url, body) => self.feed_items(&body, &url),
                Task::Item(doc) => {
                    self.tally(|f| f.pages += 1);
                    Some(Ok(doc))
                }
                Task::Warc(mut pages, name) => match pages.next() {
                    None => None,
                    Some(item) => {
                        self.tasks.push_front(Task::Warc(pages, name));
                        Some(match item {
                            Ok(p) => {
                                self.tally(|f| f.pages += 1);
                                Ok(RawDocument {
                                    input: p.url.clone(),
                                    kind: Some(DocumentKind::Html),
                                    body: parallax_ingest::decode_bytes(&p.body, true),
                                    hints: Hints { url: Some(p.url), ..Default::default() },
                                })
                            }
                            Err(e) => Err(e.into()),
                        })
                    }
                },
            };
            if out.is_some() {
                return out;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_fetch::FetchConfig;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A site on 127.0.0.1 whose robots.txt is `rules()` at the time of asking, counting how
    /// often it was asked for.
    fn site(rules: impl Fn() -> String + Send + Sync + 'static) -> (String, Arc<AtomicUsize>) {
        let asked = Arc::new(AtomicUsize::new(0));
        let count = asked.clone();
        let addr = parallax_testsite::serve(move |path, _| {
            let body = if path == "/robots.txt" {
                count.fetch_add(1, Ordering::SeqCst);
                rules()
            } else {
                String::new()
            };
            parallax_testsite::reply("200 OK", &[("Content-Type", "text/plain")], body.as_bytes())
        });
        (format!("http://{addr}"), asked)
    }

    fn fetcher() -> Fetcher {
        Fetcher::new(FetchConfig { allow_private: true, host_delay: Duration::ZERO, ..FetchConfig::default() })
    }

    #[test]
    fn threads_share_one_reading_of_a_sites_robots_txt() {
        let (base, asked) = site(|| "User-agent: *\nDisallow: /private\n".to_string());
        let (cache, fetcher) = (RobotsCache::default(), fetcher());
        std::thread::scope(|s| {
            for t in 0..4 {
                let (cache, fetcher, base) = (&cache, &fetcher, &base);
                s.spawn(move || {
                    for i in 0..5 {
                        assert!(cache.allows(fetcher, &format!("{base}/news/{t}-{i}")));
                        assert!(!cache.allows(fetcher, &format!("{base}/private/{t}-{i}")));
                    }
                });
            }
        });
        // a cache per thread would ask 4 times, none at all 40
        assert_eq!(asked.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_sites_changed_rules_are_read_again_once_the_old_ones_are_stale() {
        let closed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let now_closed = closed.clone();
        let (base, asked) = site(move || if now_closed.load(Ordering::SeqCst) { "User-agent: *\nDisallow: /\n" } else { "" }.to_string());
        let fetcher = fetcher();
        let url = format!("{base}/news/1");
        // rules a day old are still good: the site's change is not seen yet
        let daily = RobotsCache::default();
        assert!(daily.allows(&fetcher, &url));
        closed.store(true, Ordering::SeqCst);
        assert!(daily.allows(&fetcher, &url));
        assert_eq!(asked.load(Ordering::SeqCst), 1);
        // once they are stale, the new rules are read and obeyed
        let stale = RobotsCache::with_ttl(Duration::from_millis(50));
        closed.store(false, Ordering::SeqCst);
        assert!(stale.allows(&fetcher, &url));
        closed.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(80));
        assert!(!stale.allows(&fetcher, &url), "the site closed itself to crawlers");
        assert_eq!(asked.load(Ordering::SeqCst), 3);
    }
}
