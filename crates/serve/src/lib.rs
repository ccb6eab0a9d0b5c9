//! `parallax serve`: the stories, story, article and search pages, and a JSON API, read from
//! the same store the CLI writes. Each worker thread has its own connection, so pages are
//! served while an ingest or `watch` writes (SQLite's WAL lets readers and one writer work side
//! by side), and a thread of its own keeps the search index up with what is stored.
//!
//! Pages are rendered by the CLI's HTML report (one renderer for both, so they cannot drift
//! apart). Every response forbids scripts (Content-Security-Policy), and every string from an
//! article is escaped by the renderer. It binds to 127.0.0.1 unless told otherwise. The only
//! writes are readers' corrections of the stories, each a POST with a CSRF token.

mod cache;
mod form;
mod routes;
mod similar;

pub use routes::PAGE_SIZE;

use cache::{Page, PageCache};
use parallax_store::SearchIndex;
use parallax_stores::AnyStore;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

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
pub(crate) const OPENAPI: &str = include_str!("openapi.json");

/// A form or API body larger than this is refused (a split names article ids, nothing more).
const MAX_BODY: u64 = 256 * 1024;

/// How often the search index is brought up to date with the store.
const INDEX_EVERY: std::time::Duration = std::time::Duration::from_millis(500);
/// Articles indexed per transaction, and the pause between transactions while catching up.
const INDEX_BATCH: usize = 500;
const INDEX_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// A page to render again on the renderer thread (see `routes::kept_or_render`).
pub(crate) type Job = Box<dyn FnOnce(&Shared, &mut AnyStore) + Send>;

/// What every worker shares: the outlet profiles, the CSRF token, rendered pages, and the way to
/// the renderer thread.
pub(crate) struct Shared {
    profiles: Option<parallax_model::OutletProfiles>,
    csrf: String,
    cache: PageCache,
    renderer: std::sync::Mutex<Option<std::sync::mpsc::Sender<Job>>>,
    /// The storylines as last read (see [`KeptTimeline`]): derived from every stored article,
    /// so read again only when the store has changed, and not on every page while it is being fed.
    storylines: std::sync::Mutex<Option<KeptTimeline>>,
}

/// The storylines as read at one state of the store.
///
/// Reading them takes every stored article (about 10 s at 200k), so while articles keep arriving
/// (a `watch` beside the server) the kept ones are served until they are a while old: the pages
/// stay current, only the storyline ties may lag, by at most [`KeptTimeline::reuse_for`]. A
/// reader's correction is seen at once, since the reader who made it looks at the result.
#[derive(Debug)]
pub(crate) struct KeptTimeline {
    articles: i64,
    correction: i64,
    read_at: std::time::Instant,
    took: std::time::Duration,
    lines: Timeline,
}

/// New articles alone do not make the storylines be read again sooner than this.
const TIMELINE_REUSE_MIN: std::time::Duration = std::time::Duration::from_secs(30);

/// Nor sooner than this many times the last read took: the server spends at most about a
/// twentieth of its time on storylines, however large the store.
const TIMELINE_REUSE_FACTOR: u32 = 20;

impl KeptTimeline {
    /// How long the kept storylines are served while only new articles have arrived.
    fn reuse_for(&self) -> std::time::Duration {
        TIMELINE_REUSE_MIN.max(self.took * TIMELINE_REUSE_FACTOR)
    }

    /// Whether the kept storylines still answer for the store at `articles` and `correction`.
    fn fresh(&self, articles: i64, correction: i64, now: std::time::Instant) -> bool {
        correction == self.correction && (articles == self.articles || now.saturating_duration_since(self.read_at) < self.reuse_for())
    }
}

/// Each storyline's id and its stories in order (see `parallax_pipeline::storyline_timeline`).
pub(crate) type Timeline = Arc<Vec<parallax_model::StorylineRef>>;

impl Shared {
    /// The store's storylines, read again only when [`KeptTimeline::fresh`] says the kept ones
    /// no longer do.
    fn storylines(&self, store: &AnyStore) -> Result<Timeline, parallax_pipeline::EngineError> {
        use parallax_store::{ArticleStore, CorrectionStore};
        let (articles, correction) = (store.last_position()?, store.last_correction()?);
        if let Some(kept) = self.storylines.lock().ok().as_deref().and_then(Option::as_ref) {
            if kept.fresh(articles, correction, std::time::Instant::now()) {
                return Ok(kept.lines.clone());
            }
        }
        let started = std::time::Instant::now();
        let lines: Timeline = Arc::new(parallax_pipeline::storyline_timeline(store, Default::default())?);
        if let Ok(mut kept) = self.storylines.lock() {
            *kept = Some(KeptTimeline { articles, correction, read_at: started, took: started.elapsed(), lines: lines.clone() });
        }
        Ok(lines)
    }

    /// Hands a render to the renderer thread; gives it back when there is none.
    fn render_later(&self, job: Job) -> Result<(), Job> {
        match self.renderer.lock().ok().and_then(|r| r.clone()) {
            Some(tx) => tx.send(job).map_err(|e| e.0),
            None => Err(job),
        }
    }

    /// Keeps a successful page for the next reader, and answers with it.
    fn keep(&self, key: &str, fingerprint: &str, reply: Reply) -> Reply {
        match reply.page {
            Body::Own(page) if page.status == 200 && reply.location.is_none() => Reply::cached(self.cache.put(key, fingerprint, page)),
            page => Reply { page, location: reply.location },
        }
    }
}

enum Body {
    Own(Page),
    Kept(Arc<Page>),
}

/// A response: a page (rendered now or kept), and where to go next for a redirect.
pub(crate) struct Reply {
    page: Body,
    location: Option<String>,
}

impl Reply {
    fn page(page: Page) -> Reply {
        Reply { page: Body::Own(page), location: None }
    }

    fn cached(page: Arc<Page>) -> Reply {
        Reply { page: Body::Kept(page), location: None }
    }

    /// 303 See Other: after a form's POST, the browser GETs the page it lands on.
    fn redirect(to: &str) -> Reply {
        Reply {
            page: Body::Own(Page { status: 303, content_type: "text/plain; charset=utf-8", body: format!("see {to}\n").into_bytes() }),
            location: Some(to.to_string()),
        }
    }

    fn parts(&self) -> (u16, &'static str, &[u8]) {
        let p = match &self.page {
            Body::Own(p) => p,
            Body::Kept(p) => p.as_ref(),
        };
        (p.status, p.content_type, &p.body)
    }
}

/// A token no other site can know: random per server start (a page from before a restart asks
/// for a reload).
fn new_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    for i in 0..2u64 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(i);
        h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out
}

/// Turns Nagle's algorithm off for the connections `listener` accepts (Linux copies the option
/// to each). The server writes a response's head and body in two writes; with Nagle on, the
/// body's last segment waited for the client's delayed ACK, and every keep-alive request took
/// 40 ms.
#[cfg(target_os = "linux")]
fn no_delay(listener: &std::net::TcpListener) {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: a valid socket descriptor owned by `listener`, and a pointer to a c_int that lives
    // through the call, with its size.
    unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            &on as *const libc::c_int as *const libc::c_void,
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn no_delay(_: &std::net::TcpListener) {}

/// A running server: its address, and the handle that stops it.
pub struct Server {
    http: Arc<tiny_http::Server>,
    pub addr: std::net::SocketAddr,
    db: PathBuf,
    shared: Arc<Shared>,
    stopped: Arc<AtomicBool>,
}

impl Server {
    /// Listens on `addr` (port 0 picks a free one) over the store at `db`.
    /// With `profiles` (the user's `outlets.toml`), pages show coverage by group and blind spots,
    /// and search can be narrowed to a group.
    pub fn bind(db: &Path, addr: &str, profiles: Option<parallax_model::OutletProfiles>) -> Result<Server, ServeError> {
        // the store must open (and exist) before anyone is told to visit
        AnyStore::open(&db.to_string_lossy())?;
        let listener = std::net::TcpListener::bind(addr).map_err(|e| ServeError::Bind { addr: addr.to_string(), reason: e.to_string() })?;
        no_delay(&listener);
        let http = tiny_http::Server::from_listener(listener, None).map_err(|e| ServeError::Bind { addr: addr.to_string(), reason: e.to_string() })?;
        let addr = http.server_addr().to_ip().ok_or_else(|| ServeError::Bind { addr: addr.to_string(), reason: "not an IP address".into() })?;
        let shared = Shared { profiles, csrf: new_token(), cache: PageCache::default(), renderer: std::sync::Mutex::new(None), storylines: Default::default() };
        Ok(Server { http: Arc::new(http), addr, db: db.to_path_buf(), shared: Arc::new(shared), stopped: Arc::new(AtomicBool::new(false)) })
    }

    /// Serves with `workers` threads until the process ends or [`Server::stop`] is called.
    pub fn run(&self, workers: usize) -> Result<(), ServeError> {
        let mut handles = Vec::new();
        // the search index follows the store on a thread of its own, so no search waits for it
        let mut indexer = AnyStore::open(&self.db.to_string_lossy())?;
        let stopped = self.stopped.clone();
        handles.push(std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                // small batches with a pause between: a backlog of tens of thousands of bodies
                // indexed flat out took a core for seconds, and readers queued behind it
                while let Ok(n) = indexer.update_search_index(INDEX_BATCH) {
                    if n == 0 || stopped.load(Ordering::Relaxed) {
                        break;
                    }
                    std::thread::sleep(INDEX_PAUSE);
                }
                std::thread::sleep(INDEX_EVERY);
            }
        }));
        // pages out of date are rendered again here, one at a time, with a connection of its own
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        if let Ok(mut r) = self.shared.renderer.lock() {
            *r = Some(tx);
        }
        let mut renderer = AnyStore::open(&self.db.to_string_lossy())?;
        let shared = self.shared.clone();
        let stopped = self.stopped.clone();
        handles.push(std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                match rx.recv_timeout(INDEX_EVERY) {
                    Ok(job) => job(&shared, &mut renderer),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                    Err(_) => break,
                }
            }
        }));
        for _ in 0..workers.max(1) {
            let http = self.http.clone();
            let shared = self.shared.clone();
            let mut store = AnyStore::open(&self.db.to_string_lossy())?;
            handles.push(std::thread::spawn(move || {
                for mut request in http.incoming_requests() {
                    let method = request.method().as_str().to_ascii_uppercase();
                    let header = |name: &'static str| request.headers().iter().find(|h| h.field.equiv(name)).map(|h| h.value.as_str().to_string());
                    let (host, origin, csrf) = (header("Host"), header("Origin"), header("X-CSRF-Token"));
                    let mut body = String::new();
                    let too_large = request.body_length().is_some_and(|n| n as u64 > MAX_BODY);
                    if method == "POST" && !too_large {
                        let _ = request.as_reader().take(MAX_BODY).read_to_string(&mut body);
                    }
                    let url = request.url().to_string();
                    let reply = if too_large {
                        routes::error(url.starts_with("/api/"), 413, "the request body is too large")
                    } else {
                        let req = routes::Request {
                            method: &method,
                            url: &url,
                            host: host.as_deref(),
                            origin: origin.as_deref(),
                            csrf_header: csrf.as_deref(),
                            body: &body,
                        };
                        routes::answer(&shared, &mut store, &req)
                    };
                    let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()).expect("valid header");
                    let (status, content_type, data) = reply.parts();
                    let data = if method == "HEAD" { &[][..] } else { data };
                    let mut response = tiny_http::Response::from_data(data)
                        .with_status_code(status)
                        .with_header(header("Content-Type", content_type))
                        .with_header(header("Content-Security-Policy", CSP))
                        .with_header(header("X-Content-Type-Options", "nosniff"))
                        // same-origin, not no-referrer: under no-referrer a browser posts forms with
                        // `Origin: null`, which the CSRF check must refuse; no other site learns
                        // what was read either way
                        .with_header(header("Referrer-Policy", "same-origin"));
                    if let Some(to) = &reply.location {
                        response = response.with_header(header("Location", to));
                    }
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
        self.stopped.store(true, Ordering::Relaxed);
        self.http.unblock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn kept(took: Duration) -> (KeptTimeline, Instant) {
        let read_at = Instant::now();
        (KeptTimeline { articles: 100, correction: 3, read_at, took, lines: Arc::new(vec![]) }, read_at)
    }

    #[test]
    fn kept_storylines_answer_for_an_unchanged_store_however_old() {
        let (k, at) = kept(Duration::from_millis(5));
        assert!(k.fresh(100, 3, at + Duration::from_secs(86_400)));
    }

    #[test]
    fn new_articles_make_the_storylines_be_read_again_once_the_kept_ones_are_a_while_old() {
        let (k, at) = kept(Duration::from_millis(5));
        assert!(k.fresh(150, 3, at + Duration::from_secs(5)), "a store being fed is not read again on every page");
        assert!(!k.fresh(150, 3, at + TIMELINE_REUSE_MIN), "{:?}", k.reuse_for());
    }

    #[test]
    fn a_slow_read_is_reused_for_longer() {
        let (k, at) = kept(Duration::from_secs(10));
        assert_eq!(k.reuse_for(), Duration::from_secs(200));
        assert!(k.fresh(150, 3, at + Duration::from_secs(150)));
        assert!(!k.fresh(150, 3, at + Duration::from_secs(201)));
    }

    #[test]
    fn a_readers_correction_makes_the_storylines_be_read_again_at_once() {
        let (k, at) = kept(Duration::from_secs(10));
        assert!(!k.fresh(100, 4, at + Duration::from_millis(1)));
        assert!(!k.fresh(150, 4, at + Duration::from_millis(1)));
    }

    #[test]
    fn the_openapi_document_is_json_and_names_every_route() {
        let v: serde_json::Value = serde_json::from_str(OPENAPI).expect("valid JSON");
        for route in [
            "/api/stories",
            "/api/stories/{id}",
            "/api/search",
            "/api/openapi.json",
            "/api/token",
            "/api/corrections",
            "/api/stories/{id}/merge",
            "/api/stories/{id}/split",
            "/api/corrections/{seq}/undo",
        ] {
            assert!(v["paths"].get(route).is_some(), "{route}");
        }
    }

    #[test]
    fn tokens_differ_between_servers() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
