//! What each address answers: the pages, the API, and the reader's corrections.
//!
//! Reads are GET (and HEAD). The only writes are corrections (merge, split, undo), each a POST
//! that must carry the server's CSRF token and, when the browser names one, come from the
//! server's own origin.

use crate::cache::{Kept, Page};
use crate::form;
use crate::{Reply, Shared};
use parallax_pipeline::corrections::{self, CorrectionError};
use parallax_pipeline::EngineError;
use parallax_report::html;
use parallax_store::{ArticleStore, CorrectionStore, SearchFilter, SearchIndex};
use parallax_stores::AnyStore;
use std::sync::Arc;
use std::time::Duration;

/// Stories per page, on the stories page and in `/api/stories`.
pub const PAGE_SIZE: usize = 50;
/// How long lists and searches are served from what was rendered: new articles show within it.
const LIST_FRESH: Duration = Duration::from_secs(2);
/// How long a story page is served from what was rendered while its articles stay the same
/// (its similar stories may change as others grow).
const STORY_FRESH: Duration = Duration::from_secs(60);
/// Search hits shown at most.
const HITS: usize = 100;
/// How long a reader waits for another's render of the same page before rendering it too.
const RENDER_WAIT: Duration = Duration::from_secs(10);
/// Similar stories shown on a story page.
const SIMILAR: usize = 5;

/// One request, as the routes see it.
pub(crate) struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub host: Option<&'a str>,
    pub origin: Option<&'a str>,
    pub csrf_header: Option<&'a str>,
    pub body: &'a str,
}

fn html_reply(body: Vec<u8>) -> Reply {
    Reply::page(Page { status: 200, content_type: "text/html; charset=utf-8", body })
}

fn json_reply(status: u16, v: &serde_json::Value) -> Reply {
    Reply::page(Page { status, content_type: "application/json", body: serde_json::to_vec_pretty(v).unwrap_or_default() })
}

/// An error: JSON under `/api/`, a small page elsewhere.
pub(crate) fn error(api: bool, status: u16, message: &str) -> Reply {
    if api {
        json_reply(status, &serde_json::json!({"error": message, "status": status}))
    } else {
        let body = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{status}</title></head><body><h1>{status}</h1><p>{}</p><p><a href=\"/\">Stories</a></p></body></html>",
            html::esc(message)
        );
        Reply::page(Page { status, content_type: "text/html; charset=utf-8", body: body.into_bytes() })
    }
}

/// The user's words as an FTS5 query: each word quoted (so "U.S." or "anti-war" is a word, not
/// syntax), all of them required.
pub(crate) fn fts_query(q: &str) -> String {
    q.split_whitespace().map(|w| format!("\"{}\"", w.replace('"', "\"\""))).collect::<Vec<_>>().join(" ")
}

/// A story id as the engine and corrections make them: letters, digits, dashes.
fn story_id(s: &str) -> Option<&str> {
    Some(s).filter(|i| !i.is_empty() && i.len() <= 64 && i.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// A day given as YYYY-MM-DD, or an error naming the parameter.
fn day_param(query: &str, key: &str) -> Result<Option<String>, String> {
    match form::given(query, key) {
        None => Ok(None),
        Some(d) if d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-' && d.bytes().filter(u8::is_ascii_digit).count() == 8 => Ok(Some(d)),
        Some(d) => Err(format!("{key}={d:?} is not a day: give YYYY-MM-DD")),
    }
}

/// Answers one request from the store.
pub(crate) fn answer(shared: &Arc<Shared>, store: &mut AnyStore, req: &Request) -> Reply {
    let (path, query) = req.url.split_once('?').unwrap_or((req.url, ""));
    let api = path.starts_with("/api/");
    let result = match req.method {
        "GET" | "HEAD" => get(shared, store, path, query, api),
        "POST" => post(shared, store, req, path, api),
        _ => Ok(error(api, 405, "only GET, HEAD and POST are served here")),
    };
    result.unwrap_or_else(|e| error(api, 500, &e.to_string()))
}

fn get(shared: &Arc<Shared>, store: &mut AnyStore, path: &str, query: &str, api: bool) -> Result<Reply, EngineError> {
    match path {
        "/" | "/api/stories" => {
            let page = form::page(query, "page");
            let newest = form::param(query, "sort").as_deref() == Some("newest");
            let key = format!("{path}?page={page}&newest={newest}");
            let render = move |shared: &Shared, store: &mut AnyStore| -> Result<Reply, EngineError> {
                // one more than a page: whether a next page exists
                let offset = (page - 1) * PAGE_SIZE;
                let mut list = if newest { store.newest_stories(offset, PAGE_SIZE + 1)? } else { store.stories(offset, PAGE_SIZE + 1)? };
                let more = list.len() > PAGE_SIZE;
                list.truncate(PAGE_SIZE);
                let reply = if api {
                    let lines = shared.storylines(store)?;
                    let storyline_of: std::collections::HashMap<&str, &str> =
                        lines.iter().flat_map(|line| line.stories.iter().map(move |s| (s.id.as_str(), line.id.as_str()))).collect();
                    let stories: Vec<serde_json::Value> = list
                        .iter()
                        .map(|s| parallax_report::json::story_summary_json(&s.id, &s.title, s.articles, s.outlets, storyline_of.get(s.id.as_str()).copied()))
                        .collect();
                    json_reply(200, &serde_json::json!({"stories": stories, "page": page, "more": more}))
                } else {
                    // dates and coverage by group come from each story's articles (without bodies)
                    let mut reports = Vec::new();
                    for s in &list {
                        if let Some(story) = store.story(&s.id)? {
                            let mut r = parallax_model::StoryReport::of_articles(story, store.story_sources(&s.id)?);
                            if let Some(p) = &shared.profiles {
                                r.apply_profiles(p);
                            }
                            reports.push(r);
                        }
                    }
                    let rows: Vec<html::StoryRow> = list
                        .iter()
                        .zip(&reports)
                        .map(|(s, r)| html::StoryRow {
                            id: &s.id,
                            title: &s.title,
                            articles: s.articles,
                            outlets: s.outlets,
                            dates: r.date_span(),
                            groups: &r.groups,
                            missed_by: &r.missed_by,
                        })
                        .collect();
                    let groups = shared.profiles.as_ref().map(|p| p.groups()).unwrap_or_default();
                    let mut body = Vec::new();
                    html::stories_page(&rows, &groups, page, more, newest, &mut body).expect("writes to memory");
                    html_reply(body)
                };
                Ok(reply)
            };
            kept_or_render(shared, store, key, String::new(), LIST_FRESH, true, render)
        }
        "/api/storylines" => {
            // a timeline's data: each storyline's stories in order, with their days
            let render = |shared: &Shared, store: &mut AnyStore| -> Result<Reply, EngineError> {
                let lines = shared.storylines(store)?;
                let v: Vec<serde_json::Value> = lines.iter().map(parallax_report::json::storyline_json).collect();
                Ok(json_reply(200, &serde_json::json!({"storylines": v})))
            };
            kept_or_render(shared, store, path.to_string(), String::new(), LIST_FRESH, true, render)
        }
        "/api/openapi.json" => Ok(Reply::page(Page { status: 200, content_type: "application/json", body: crate::OPENAPI.as_bytes().to_vec() })),
        "/api/token" => Ok(json_reply(200, &serde_json::json!({"token": shared.csrf}))),
        "/api/corrections" => {
            let list = store.corrections(0)?;
            Ok(json_reply(200, &serde_json::json!({"corrections": list})))
        }
        "/search" | "/api/search" => search(shared, store, path, query, api),
        _ if path.starts_with("/article/") => article(store, &path["/article/".len()..], api),
        _ => story(shared, store, path, query, api),
    }
}

fn search(shared: &Arc<Shared>, store: &mut AnyStore, path: &str, query: &str, api: bool) -> Result<Reply, EngineError> {
    let q = form::param(query, "q").unwrap_or_default();
    if q.trim().is_empty() {
        return Ok(error(api, 400, "give the words to search for: ?q=WORDS (and, to narrow it, outlet=, group=, from=YYYY-MM-DD, to=YYYY-MM-DD)"));
    }
    let (from, to) = match (day_param(query, "from"), day_param(query, "to")) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return Ok(error(api, 400, &e)),
    };
    let outlet = form::given(query, "outlet");
    let group = form::given(query, "group");
    if let Some(g) = &group {
        let known = shared.profiles.as_ref().map(|p| p.groups()).unwrap_or_default();
        if !known.contains(g) {
            let why = if known.is_empty() {
                "no outlet groups: start the server with --outlets FILE".to_string()
            } else {
                format!("the groups are {}", known.join(", "))
            };
            return Ok(error(api, 400, &format!("no outlet group {g:?}: {why}")));
        }
    }
    let key = format!("{path}?{}", form::pairs(query).iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"));
    let render = move |shared: &Shared, store: &mut AnyStore| -> Result<Reply, EngineError> {
        let filter = SearchFilter { outlet: outlet.clone(), from: from.clone(), to: to.clone() };
        // a group is the profiles' outlets, which SQL does not know: more hits are read, then kept
        let limit = if group.is_some() { HITS * 10 } else { HITS };
        let mut hits = match store.search(&fts_query(&q), &filter, limit) {
            Ok(h) => h,
            Err(e) => return Ok(error(api, 400, &e.to_string())),
        };
        if let (Some(g), Some(p)) = (&group, &shared.profiles) {
            hits.retain(|h| {
                let a = parallax_model::Article { outlet: Some(h.outlet.clone()).filter(|o| !o.is_empty()), url: h.url.clone(), ..Default::default() };
                p.find(&a).is_some_and(|o| o.groups.contains(g))
            });
            hits.truncate(HITS);
        }
        let reply = if api {
            let hits: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| {
                serde_json::json!({"story": h.story_id, "article": h.article_id, "title": h.title, "outlet": h.outlet, "published": h.published, "snippet": h.snippet})
            })
            .collect();
            json_reply(200, &serde_json::json!({"query": q, "outlet": outlet, "group": group, "from": from, "to": to, "hits": hits}))
        } else {
            let rows: Vec<html::SearchRow> = hits
                .iter()
                .map(|h| html::SearchRow {
                    story: &h.story_id,
                    article: &h.article_id,
                    title: &h.title,
                    outlet: &h.outlet,
                    published: h.published.as_deref(),
                    snippet: &h.snippet,
                })
                .collect();
            let groups = shared.profiles.as_ref().map(|p| p.groups()).unwrap_or_default();
            let asked =
                html::SearchAsked { q: &q, outlet: outlet.as_deref(), group: group.as_deref(), from: from.as_deref(), to: to.as_deref(), groups: &groups };
            let mut body = Vec::new();
            html::search_page(&asked, &rows, &mut body).expect("writes to memory");
            html_reply(body)
        };
        Ok(reply)
    };
    kept_or_render(shared, store, key, String::new(), LIST_FRESH, true, render)
}

fn article(store: &mut AnyStore, id: &str, api: bool) -> Result<Reply, EngineError> {
    let Some((article, story)) = store.article(id)? else {
        return Ok(error(api, 404, &format!("no article {id}")));
    };
    let report = parallax_pipeline::stored_report(store, &story, &parallax_claims::ClaimConfig::default())?;
    let mut marks = Vec::new();
    for c in &report.claims {
        for s in c.support.iter().filter(|s| s.article == article.id) {
            marks.push(html::Highlight { start: s.span.start, end: s.span.end, class: "claim", title: format!("{} ({})", c.status.as_str(), c.outlets.len()) });
            if let Some(sp) = s.speaker.as_ref().and_then(|a| a.speaker_span) {
                marks.push(html::Highlight { start: sp.start, end: sp.end, class: "speaker", title: "speaker".into() });
            }
        }
    }
    for f in report.framing.iter().filter(|f| f.article == article.id) {
        for sp in &f.spans {
            marks.push(html::Highlight { start: sp.span.start, end: sp.span.end, class: "framing", title: sp.technique.label().into() });
        }
    }
    let mut body = Vec::new();
    html::article_page(&article, &story, &mut marks, &mut body).expect("writes to memory");
    Ok(html_reply(body))
}

fn story(shared: &Arc<Shared>, store: &mut AnyStore, path: &str, query: &str, api: bool) -> Result<Reply, EngineError> {
    // exports of a story page: /story/ID.json, .md, .csv; and two of its sources: /story/ID/compare
    let (path, export) = match path.rsplit_once('.') {
        Some((p, ext @ ("json" | "md" | "csv"))) if p.starts_with("/story/") => (p, Some(ext)),
        _ => (path, None),
    };
    let (path, compare) = match path.strip_suffix("/compare") {
        Some(p) if p.starts_with("/story/") => (p, true),
        _ => (path, false),
    };
    let Some(id) = path.strip_prefix("/story/").or_else(|| path.strip_prefix("/api/stories/")).and_then(story_id) else {
        return Ok(error(api, 404, &format!("no page at {path}")));
    };
    let Some(found) = store.story(id)?.filter(|s| !s.article_ids.is_empty()) else {
        // a story merged away points at the one it joined
        if let Some(c) = store.story_corrections(id)?.into_iter().rev().find(|c| c.from_story == id && c.whole_story) {
            return Ok(error(api, 404, &format!("story {id} was merged into story {} (correction {})", c.to_story, c.seq)));
        }
        return Ok(error(api, 404, &format!("no story {id}")));
    };
    // a page is made from the story's articles and the corrections: kept until either changes
    let fingerprint = format!("{}/{}", found.article_ids.join(","), store.last_correction()?);
    let key = format!("{path}{}?{query}", export.unwrap_or(if compare { "compare" } else { "" }));
    let stale_ok = !api && export.is_none();
    let (id, query, export) = (id.to_string(), query.to_string(), export.map(str::to_string));
    let render = move |shared: &Shared, store: &mut AnyStore| -> Result<Reply, EngineError> {
        let (id, query) = (id.as_str(), query.as_str());
        let config = parallax_claims::ClaimConfig::default();
        let mut report = parallax_pipeline::stored_report(store, id, &config)?;
        if let Some(p) = &shared.profiles {
            report.apply_profiles(p);
        }
        // (a kept page's storyline is the one when it was made: pages are kept until the
        // story itself changes, not whenever another story is stored)
        parallax_pipeline::attach_timeline(&shared.storylines(store)?, std::slice::from_mut(&mut report));
        let mut body = Vec::new();
        let reply = match (api, export.as_deref()) {
            (true, _) | (_, Some("json")) => json_reply(200, &parallax_report::json::story_json(&report)),
            (_, Some(ext)) => {
                let (format, content_type) = match ext {
                    "md" => (parallax_report::Format::Markdown, "text/markdown; charset=utf-8"),
                    _ => (parallax_report::Format::Csv, "text/csv; charset=utf-8"),
                };
                parallax_report::render(&[report], format, &mut body).expect("writes to memory");
                Reply::page(Page { status: 200, content_type, body })
            }
            _ if compare => {
                let n = report.articles.len();
                let pick = |k: &str| form::param(query, k).and_then(|v| v.parse::<usize>().ok()).filter(|&i| i >= 1 && i <= n);
                match (pick("a"), pick("b")) {
                    (Some(a), Some(b)) if a != b => {
                        html::compare_page(&report, a - 1, b - 1, &mut body).expect("writes to memory");
                        html_reply(body)
                    }
                    _ => return Ok(error(api, 400, &format!("name two different sources of the story: ?a=N&b=M, from 1 to {n}"))),
                }
            }
            _ => {
                let similar = crate::similar::similar(store, &report, SIMILAR);
                let corrections = store.story_corrections(id)?;
                let view = html::ServerView { csrf: &shared.csrf, claims_page: form::page(query, "claims"), similar: &similar, corrections: &corrections };
                html::story_page(&report, &view, &mut body).expect("writes to memory");
                html_reply(body)
            }
        };
        Ok(reply)
    };
    kept_or_render(shared, store, key, fingerprint, STORY_FRESH, stale_ok, render)
}

/// The page kept under `key` when it is fresh; else, when an older one is kept, that one, while
/// the renderer thread makes it again (one render per key at a time); else rendered now.
///
/// `stale_ok` false: never an older page (a story's JSON, which scripts read right after they
/// ingest).
fn kept_or_render<F>(
    shared: &Arc<Shared>,
    store: &mut AnyStore,
    key: String,
    fingerprint: String,
    fresh: Duration,
    stale_ok: bool,
    render: F,
) -> Result<Reply, EngineError>
where
    F: FnOnce(&Shared, &mut AnyStore) -> Result<Reply, EngineError> + Send + 'static,
{
    match shared.cache.lookup(&key, &fingerprint, fresh) {
        Kept::Fresh(page) => Ok(Reply::cached(page)),
        Kept::Stale(page) if stale_ok => {
            if shared.cache.start_render(&key) {
                let job: crate::Job = Box::new(move |shared: &Shared, store: &mut AnyStore| {
                    if let Ok(reply) = render(shared, store) {
                        shared.keep(&key, &fingerprint, reply);
                    }
                    shared.cache.end_render(&key);
                });
                if let Err(job) = shared.render_later(job) {
                    // no renderer thread (a server not running): render here
                    job(shared, store);
                }
            }
            Ok(Reply::cached(page))
        }
        Kept::Stale(_) | Kept::Missing => {
            // one render per page: a reader who comes while another renders it waits for that
            // render (a cold page under load would otherwise be rendered by every worker at once)
            if !shared.cache.start_render(&key) {
                let start = std::time::Instant::now();
                while shared.cache.rendering(&key) && start.elapsed() < RENDER_WAIT {
                    std::thread::sleep(Duration::from_millis(2));
                }
                if let Kept::Fresh(page) = shared.cache.lookup(&key, &fingerprint, fresh) {
                    return Ok(Reply::cached(page));
                }
                let reply = render(shared, store)?;
                return Ok(shared.keep(&key, &fingerprint, reply));
            }
            let reply = render(shared, store);
            let kept = reply.map(|r| shared.keep(&key, &fingerprint, r));
            shared.cache.end_render(&key);
            kept
        }
    }
}

/// Whether a write may go ahead: the token matches, and the browser's `Origin`, when it sends
/// one, is this server.
fn allowed(shared: &Shared, req: &Request, token: Option<&str>) -> Result<(), String> {
    if let (Some(origin), Some(host)) = (req.origin, req.host) {
        let ours = origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")).is_some_and(|o| o.eq_ignore_ascii_case(host));
        if !ours {
            return Err(format!("a correction must come from this server's own pages, not from {origin}"));
        }
    }
    let given = token.or(req.csrf_header).unwrap_or("");
    // compared in constant time: the token is the only secret a write needs
    let same = given.len() == shared.csrf.len() && given.bytes().zip(shared.csrf.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if same {
        Ok(())
    } else {
        Err("missing or stale CSRF token: reload the page and try again".into())
    }
}

fn post(shared: &Arc<Shared>, store: &mut AnyStore, req: &Request, path: &str, api: bool) -> Result<Reply, EngineError> {
    let fields = form::pairs(req.body);
    let field = |k: &str| fields.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty());
    if let Err(why) = allowed(shared, req, field("token").as_deref()) {
        return Ok(error(api, 403, &why));
    }
    let route = path.strip_prefix("/api").unwrap_or(path);
    let route = route
        .strip_prefix("/stories/")
        .or_else(|| route.strip_prefix("/story/"))
        .map(|r| ("story", r))
        .or_else(|| route.strip_prefix("/corrections/").map(|r| ("corrections", r)));
    let made = match route.and_then(|(kind, r)| r.rsplit_once('/').map(|(id, action)| (kind, id, action))) {
        Some(("story", id, "merge")) if story_id(id).is_some() => match field("other") {
            Some(other) => corrections::merge(store, id, &other),
            None => return Ok(error(api, 400, "name the story to merge into this one: other=STORY_ID")),
        },
        Some(("story", id, "split")) if story_id(id).is_some() => {
            let articles: Vec<String> = fields.iter().filter(|(k, _)| k == "article").map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
            corrections::split(store, id, &articles)
        }
        Some(("corrections", seq, "undo")) => match seq.parse::<i64>() {
            Ok(seq) => corrections::undo(store, seq),
            Err(_) => return Ok(error(api, 404, &format!("no correction {seq}"))),
        },
        _ => return Ok(error(api, 404, &format!("nothing to post to at {path}: POST /story/ID/merge, /story/ID/split or /corrections/N/undo"))),
    };
    match made {
        Ok(c) => {
            // a correction changes two stories and the lists: nothing rendered before holds
            shared.cache.clear();
            if api {
                Ok(json_reply(200, &serde_json::json!({"correction": c})))
            } else {
                // the reader goes where the articles went: the story kept after a merge, the
                // new story after a split, the story they came back to after an undo
                Ok(Reply::redirect(&format!("/story/{}", c.to_story)))
            }
        }
        Err(e @ (CorrectionError::NoStory(_) | CorrectionError::NoCorrection(_))) => Ok(error(api, 404, &e.to_string())),
        Err(CorrectionError::Store(e)) => Err(EngineError::Store(e)),
        Err(e) => Ok(error(api, 400, &e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_are_quoted() {
        assert_eq!(fts_query("anti-war  U.S. say \"no\""), "\"anti-war\" \"U.S.\" \"say\" \"\"\"no\"\"\"");
    }

    #[test]
    fn days_are_checked() {
        assert_eq!(day_param("from=2024-03-05", "from"), Ok(Some("2024-03-05".into())));
        assert_eq!(day_param("from=", "from"), Ok(None));
        assert!(day_param("from=March", "from").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn story_ids_are_letters_digits_and_dashes() {
        assert_eq!(story_id("s1a2-b"), Some("s1a2-b"));
        assert_eq!(story_id("../etc"), None);
        assert_eq!(story_id(""), None);
    }
}
