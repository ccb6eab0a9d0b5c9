//! `parallax serve`: the stories and story pages, and a JSON API, read from the same store the
//! CLI writes. Each worker thread has its own read connection, so pages are served while an
//! ingest or `watch` writes (SQLite's WAL lets readers and one writer work side by side).
//!
//! Pages are the CLI's HTML report (one renderer for both, so they cannot drift apart). Every
//! response forbids scripts (Content-Security-Policy), and every string from an article is
//! escaped by the renderer. It binds to 127.0.0.1 unless told otherwise.

use parallax_store::{SqliteStore, Store};
use std::path::{Path, PathBuf};

/// Stories per page, on the stories page and in `/api/stories`.
pub const PAGE_SIZE: usize = 50;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {reason}")]
    Bind { addr: String, reason: String },
    #[error("{0}")]
    Store(#[from] parallax_store::StoreError),
}

/// Scripts are forbidden outright; the report's own style is inline.
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The OpenAPI description of `/api/`.
const OPENAPI: &str = include_str!("openapi.json");

/// A response: status, content type, body.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Reply {
    fn html(status: u16, body: Vec<u8>) -> Reply {
        Reply { status, content_type: "text/html; charset=utf-8", body }
    }

    fn json(status: u16, v: &serde_json::Value) -> Reply {
        Reply { status, content_type: "application/json", body: serde_json::to_vec_pretty(v).unwrap_or_default() }
    }

    fn error(api: bool, status: u16, message: &str) -> Reply {
        if api {
            Reply::json(status, &serde_json::json!({"error": message, "status": status}))
        } else {
            let body = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{status}</title></head><body><h1>{status}</h1><p>{}</p><p><a href=\"/\">Stories</a></p></body></html>",
                escape(message)
            );
            Reply::html(status, body.into_bytes())
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The user's words as an FTS5 query: each word quoted (so "U.S." or "anti-war" is a word, not
/// syntax), all of them required.
fn fts_query(q: &str) -> String {
    q.split_whitespace().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect::<Vec<_>>().join(" ")
}

/// A query parameter, percent-decoded (`+` is a space).
fn query_param(query: &str, key: &str) -> Option<String> {
    let raw = query.split('&').find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))?;
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                Ok(b) => {
                    out.push(b);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// The page number of a `?page=N` query (1 when absent or not a number).
fn page_of(query: &str) -> usize {
    query.split('&').find_map(|kv| kv.strip_prefix("page=")).and_then(|v| v.parse::<usize>().ok()).filter(|&p| p >= 1).unwrap_or(1)
}

/// Answers one request from the store.
fn answer(store: &mut SqliteStore, profiles: Option<&parallax_model::OutletProfiles>, method: &str, url: &str) -> Reply {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let api = path.starts_with("/api/");
    if method != "GET" && method != "HEAD" {
        return Reply::error(api, 405, "only GET is served here");
    }
    let config = parallax_claims::ClaimConfig::default();
    let page = page_of(query);
    let list = |store: &SqliteStore| -> Result<(Vec<parallax_store::StorySummary>, bool), parallax_store::StoreError> {
        let all = store.stories(page * PAGE_SIZE + 1)?;
        let more = all.len() > page * PAGE_SIZE;
        Ok((all.into_iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).collect(), more))
    };
    let result: Result<Reply, parallax_pipeline::EngineError> = (|| match path {
        "/" => {
            let (list, more) = list(store)?;
            // dates and coverage by group come from each story's articles
            let mut reports = Vec::new();
            for s in &list {
                if let Some(story) = store.story(&s.id)? {
                    let mut r = parallax_model::StoryReport::of_articles(story, store.story_sources(&s.id)?);
                    if let Some(p) = profiles {
                        r.apply_profiles(p);
                    }
                    reports.push(r);
                }
            }
            let rows: Vec<parallax_report::html::StoryRow> = list
                .iter()
                .zip(&reports)
                .map(|(s, r)| parallax_report::html::StoryRow {
                    id: &s.id,
                    title: &s.title,
                    articles: s.articles,
                    outlets: s.outlets,
                    dates: r.date_span(),
                    groups: &r.groups,
                    missed_by: &r.missed_by,
                })
                .collect();
            let mut body = Vec::new();
            parallax_report::html::stories_page(&rows, page, more, &mut body).expect("writes to memory");
            Ok(Reply::html(200, body))
        }
        "/api/stories" => {
            let (rows, more) = list(store)?;
            let stories: Vec<serde_json::Value> =
                rows.iter().map(|s| parallax_report::json::story_summary_json(&s.id, &s.title, s.articles, s.outlets)).collect();
            Ok(Reply::json(200, &serde_json::json!({"stories": stories, "page": page, "more": more})))
        }
        "/api/openapi.json" => Ok(Reply { status: 200, content_type: "application/json", body: OPENAPI.as_bytes().to_vec() }),
        "/search" | "/api/search" => {
            let q = query_param(query, "q").unwrap_or_default();
            if q.trim().is_empty() {
                return Ok(Reply::error(api, 400, "give the words to search for: ?q=WORDS"));
            }
            // the index catches up with what was stored since the last search
            while store.update_search_index(20_000)? > 0 {}
            let hits = match store.search(&fts_query(&q), 100) {
                Ok(h) => h,
                Err(e) => return Ok(Reply::error(api, 400, &e.to_string())),
            };
            if api {
                let hits: Vec<serde_json::Value> = hits
                    .iter()
                    .map(|h| serde_json::json!({"story": h.story_id, "article": h.article_id, "title": h.title, "outlet": h.outlet, "snippet": h.snippet}))
                    .collect();
                Ok(Reply::json(200, &serde_json::json!({"query": q, "hits": hits})))
            } else {
                let rows: Vec<parallax_report::html::SearchRow> =
                    hits.iter().map(|h| (h.story_id.as_str(), h.title.as_str(), h.outlet.as_str(), h.snippet.as_str())).collect();
                let mut body = Vec::new();
                parallax_report::html::search_page(&q, &rows, &mut body).expect("writes to memory");
                Ok(Reply::html(200, body))
            }
        }
        _ if path.starts_with("/article/") => {
            let id = &path["/article/".len()..];
            let Some((article, story)) = store.article(id)? else {
                return Ok(Reply::error(api, 404, &format!("no article {id}")));
            };
            let report = parallax_pipeline::stored_report(store, &story, &config)?;
            let mut marks = Vec::new();
            for c in &report.claims {
                for s in c.support.iter().filter(|s| s.article == article.id) {
                    marks.push(parallax_report::html::Highlight {
                        start: s.span.start,
                        end: s.span.end,
                        class: "claim",
                        title: format!("{} ({})", c.status.as_str(), c.outlets.len()),
                    });
                    if let Some(sp) = s.speaker.as_ref().and_then(|a| a.speaker_span) {
                        marks.push(parallax_report::html::Highlight { start: sp.start, end: sp.end, class: "speaker", title: "speaker".into() });
                    }
                }
            }
            for f in report.framing.iter().filter(|f| f.article == article.id) {
                for sp in &f.spans {
                    marks.push(parallax_report::html::Highlight {
                        start: sp.span.start,
                        end: sp.span.end,
                        class: "framing",
                        title: sp.technique.label().into(),
                    });
                }
            }
            // framing and speakers are shorter than the sentences around them: they go first
            // where they overlap a claim sentence
            marks.sort_by_key(|m| m.end - m.start);
            let mut kept: Vec<parallax_report::html::Highlight> = Vec::new();
            for m in marks {
                if !kept.iter().any(|k| k.start < m.end && m.start < k.end) {
                    kept.push(m);
                }
            }
            let mut body = Vec::new();
            parallax_report::html::article_page(&article, &story, &mut kept, &mut body).expect("writes to memory");
            Ok(Reply::html(200, body))
        }
        _ => {
            // exports of a story page: /story/ID.json, .md, .csv
            let (path, export) = match path.rsplit_once('.') {
                Some((p, ext @ ("json" | "md" | "csv"))) if p.starts_with("/story/") => (p, Some(ext)),
                _ => (path, None),
            };
            let id = path.strip_prefix("/story/").or_else(|| path.strip_prefix("/api/stories/"));
            let Some(id) = id.filter(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')) else {
                return Ok(Reply::error(api, 404, &format!("no page at {path}")));
            };
            match parallax_pipeline::stored_report(store, id, &config) {
                Ok(report) => {
                    let mut body = Vec::new();
                    match (api, export) {
                        (true, _) | (_, Some("json")) => Ok(Reply::json(200, &parallax_report::json::story_json(&report))),
                        (_, Some(ext)) => {
                            let (format, content_type) = match ext {
                                "md" => (parallax_report::Format::Markdown, "text/markdown; charset=utf-8"),
                                _ => (parallax_report::Format::Csv, "text/csv; charset=utf-8"),
                            };
                            parallax_report::render(&[report], format, &mut body).expect("writes to memory");
                            Ok(Reply { status: 200, content_type, body })
                        }
                        _ => {
                            let articles: Vec<String> =
                                report.articles.iter().enumerate().map(|(i, a)| format!("<a href=\"/article/{}\">[{}]</a>", escape(&a.id), i + 1)).collect();
                            parallax_report::render(&[report], parallax_report::Format::Html, &mut body).expect("writes to memory");
                            // the page links its exports (the CLI's file has no server to ask)
                            let links = format!(
                                "<p class=\"exports\"><a href=\"/\">Stories</a> \u{b7} articles, highlighted: {} \u{b7} export: <a href=\"/story/{id}.json\">JSON</a> \u{b7} <a href=\"/story/{id}.md\">Markdown</a> \u{b7} <a href=\"/story/{id}.csv\">claim matrix (CSV)</a></p></body>",
                                articles.join(" ")
                            );
                            let html = String::from_utf8_lossy(&body).replacen("</body>", &links, 1);
                            Ok(Reply::html(200, html.into_bytes()))
                        }
                    }
                }
                Err(parallax_pipeline::EngineError::NoStory(_)) => Ok(Reply::error(api, 404, &format!("no story {id}"))),
                Err(e) => Err(e),
            }
        }
    })();
    result.unwrap_or_else(|e| Reply::error(api, 500, &e.to_string()))
}

/// A running server: its address, and the handle that stops it.
pub struct Server {
    http: std::sync::Arc<tiny_http::Server>,
    pub addr: std::net::SocketAddr,
    db: PathBuf,
    profiles: Option<std::sync::Arc<parallax_model::OutletProfiles>>,
}

impl Server {
    /// Listens on `addr` (port 0 picks a free one) over the store at `db`.
    /// With `profiles` (the user's `outlets.toml`), pages show coverage by group and blind spots.
    pub fn bind(db: &Path, addr: &str, profiles: Option<parallax_model::OutletProfiles>) -> Result<Server, ServeError> {
        // the store must open (and exist) before anyone is told to visit
        SqliteStore::open(db)?;
        let http = tiny_http::Server::http(addr).map_err(|e| ServeError::Bind { addr: addr.to_string(), reason: e.to_string() })?;
        let addr = http.server_addr().to_ip().ok_or_else(|| ServeError::Bind { addr: addr.to_string(), reason: "not an IP address".into() })?;
        Ok(Server { http: std::sync::Arc::new(http), addr, db: db.to_path_buf(), profiles: profiles.map(std::sync::Arc::new) })
    }

    /// Serves with `workers` threads until the process ends or [`Server::stop`] is called.
    pub fn run(&self, workers: usize) -> Result<(), ServeError> {
        let mut handles = Vec::new();
        for _ in 0..workers.max(1) {
            let http = self.http.clone();
            let profiles = self.profiles.clone();
            let mut store = SqliteStore::open(&self.db)?;
            handles.push(std::thread::spawn(move || {
                for request in http.incoming_requests() {
                    let method = request.method().as_str().to_ascii_uppercase();
                    let reply = answer(&mut store, profiles.as_deref(), &method, request.url());
                    let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header");
                    let body = if method == "HEAD" { Vec::new() } else { reply.body };
                    let response = tiny_http::Response::from_data(body)
                        .with_status_code(reply.status)
                        .with_header(header("Content-Type", reply.content_type))
                        .with_header(header("Content-Security-Policy", CSP))
                        .with_header(header("X-Content-Type-Options", "nosniff"))
                        .with_header(header("Referrer-Policy", "no-referrer"));
                    let _ = request.respond(response);
                }
            }));
        }
        for h in handles {
            let _ = h.join();
        }
        Ok(())
    }

    /// Stops accepting requests; [`Server::run`] returns once the workers finish.
    pub fn stop(&self) {
        self.http.unblock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_document_is_json_and_names_every_route() {
        let v: serde_json::Value = serde_json::from_str(OPENAPI).expect("valid JSON");
        for route in ["/api/stories", "/api/stories/{id}", "/api/search", "/api/openapi.json"] {
            assert!(v["paths"].get(route).is_some(), "{route}");
        }
    }

    #[test]
    fn query_parameters_are_decoded() {
        assert_eq!(query_param("q=port+aster&page=2", "q").as_deref(), Some("port aster"));
        assert_eq!(query_param("q=caf%C3%A9%20%22x%22", "q").as_deref(), Some("café \"x\""));
        assert_eq!(query_param("q=100%", "q").as_deref(), Some("100%"));
        assert_eq!(query_param("page=2", "q"), None);
    }

    #[test]
    fn search_words_are_quoted() {
        assert_eq!(fts_query("anti-war  U.S. say \"no\""), "\"anti-war\" \"U.S.\" \"say\" \"\"\"no\"\"\"");
    }

    #[test]
    fn pages_default_to_the_first() {
        assert_eq!(page_of(""), 1);
        assert_eq!(page_of("page=3"), 3);
        assert_eq!(page_of("x=1&page=0"), 1);
        assert_eq!(page_of("page=abc"), 1);
    }
}
