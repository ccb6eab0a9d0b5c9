//! `parallax serve` in a real browser: Debian's chromium, headless, driven through chromedriver
//! (WebDriver over HTTP on 127.0.0.1). A reader loads the stories page and a story, clicks a
//! claim cell through to its sentence, searches, merges two stories and splits them again, on a
//! desktop window and a 390 px phone; and hostile articles run no script and open no dialog.
//!
//! Without chromium and chromedriver the tests say so and pass, unless
//! `PARALLAX_BROWSER_TESTS=required` (as `.ci/run` sets it, after installing both): then a
//! missing browser fails them. Screenshots are kept in `target/test-artifacts/`.

mod common;
use common::{bin, tmp};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process killed when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 exchange with `Connection: close`: (status, body).
fn http(addr: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let data = body.map(|b| b.to_string()).unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{data}",
        data.len()
    )
    .unwrap();
    // read the head, then exactly Content-Length bytes: a driver may keep the connection open
    let mut r = BufReader::new(s);
    let head = parallax_testsite::read_head(&mut r);
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let length = head
        .lines()
        .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")).and_then(|(_, v)| v.trim().parse::<usize>().ok()));
    let mut raw = Vec::new();
    match length {
        Some(n) => {
            raw.resize(n, 0);
            r.read_exact(&mut raw).unwrap();
        }
        None => {
            r.read_to_end(&mut raw).unwrap();
        }
    }
    let rest = String::from_utf8_lossy(&raw).to_string();
    let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { unchunk(&rest) } else { rest };
    (status, body)
}

fn unchunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A WebDriver session on a headless chromium.
struct Browser {
    addr: String,
    session: String,
    _driver: Proc,
    _profile: std::path::PathBuf,
    /// One browser at a time: two drivers told the same free port (a port is only known free
    /// until someone binds it) would answer each other's tests.
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

static ONE_BROWSER: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Browser {
    /// Starts chromedriver and a headless chromium; `None` when they are not installed (and not
    /// required).
    fn start(name: &str) -> Option<Browser> {
        let required = std::env::var("PARALLAX_BROWSER_TESTS").is_ok_and(|v| v == "required");
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| std::path::Path::new(p).exists());
        let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].into_iter().find(|p| std::path::Path::new(p).exists());
        let (Some(chromium), Some(driver)) = (chromium, driver) else {
            assert!(!required, "PARALLAX_BROWSER_TESTS=required but chromium or chromedriver is missing (apt-get install chromium chromium-driver)");
            eprintln!("skipped: no chromium and chromedriver here (apt-get install chromium chromium-driver)");
            return None;
        };
        let one_at_a_time = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
        // a port free a moment ago may be taken before the driver binds it (by a server a test
        // starts): the driver must answer its own status, else another port is tried
        let mut started = None;
        for _ in 0..5 {
            let port = free_port();
            let child = Command::new(driver).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start chromedriver");
            let mut proc = Proc(child);
            let addr = format!("127.0.0.1:{port}");
            let start = Instant::now();
            let ours = loop {
                if proc.0.try_wait().ok().flatten().is_some() {
                    break false;
                }
                if std::net::TcpStream::connect(&addr).is_ok() {
                    break http(&addr, "GET", "/status", None).1.contains("ChromeDriver");
                }
                if start.elapsed() > Duration::from_secs(20) {
                    break false;
                }
                std::thread::sleep(Duration::from_millis(50));
            };
            if ours {
                started = Some((proc, addr));
                break;
            }
        }
        let (driver, addr) = started.expect("chromedriver did not start on any of 5 ports");
        // a profile of its own: two browsers on one profile directory stop each other
        let profile = tmp(&format!("chromium-profile-{name}"));
        // the flags the field notes give for headless chromium as root on a closed network
        let args = [
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            format!("--user-data-dir={}", profile.display()),
            "--window-size=1280,900".into(),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {"binary": chromium, "args": args}}}});
        let (status, body) = http(&addr, "POST", "/session", Some(&caps));
        assert_eq!(status, 200, "no browser session: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        let session = v["value"]["sessionId"].as_str().expect("a session id").to_string();
        Some(Browser { addr, session, _driver: driver, _profile: profile, _one_at_a_time: one_at_a_time })
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, text) = http(&self.addr, method, &format!("/session/{}{path}", self.session), body.as_ref());
        let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{method} {path}: {text}"));
        assert_eq!(status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    /// The error WebDriver answers, if any (for "no such alert").
    fn error_of(&self, method: &str, path: &str) -> Option<String> {
        let (_, text) = http(&self.addr, method, &format!("/session/{}{path}", self.session), None);
        let v: Value = serde_json::from_str(&text).ok()?;
        v["value"]["error"].as_str().map(str::to_string)
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// Waits (up to 10 s) until the page at a URL for which `want` holds has loaded: a click
    /// that submits a form returns before the browser has moved on.
    fn wait_url(&self, want: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let url = self.url();
            let ready = self.eval("return document.readyState;") == json!("complete");
            if want(&url) && ready {
                return url;
            }
            assert!(start.elapsed() < Duration::from_secs(10), "still at {url}: {}", self.source());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap_or_default().to_string()
    }

    fn source(&self) -> String {
        self.call("GET", "/source", None).as_str().unwrap_or_default().to_string()
    }

    /// Runs a script through the driver (not the page: the page's CSP forbids scripts).
    fn eval(&self, script: &str) -> Value {
        self.call("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    fn find(&self, css: &str) -> String {
        let v = self.call("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {v} in {}", self.source()))
            .to_string()
    }

    fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        v.as_array().unwrap().iter().filter_map(|e| e.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).map(str::to_string)).collect()
    }

    fn click(&self, element: impl AsRef<str>) {
        let element = element.as_ref();
        self.call("POST", &format!("/element/{element}/click"), Some(json!({})));
    }

    fn text(&self, element: &str) -> String {
        self.call("GET", &format!("/element/{element}/text"), None).as_str().unwrap_or_default().to_string()
    }

    fn attr(&self, element: &str, name: &str) -> String {
        self.call("GET", &format!("/element/{element}/attribute/{name}"), None).as_str().unwrap_or_default().to_string()
    }

    fn type_into(&self, element: &str, text: &str) {
        self.call("POST", &format!("/element/{element}/value"), Some(json!({ "text": text })));
    }

    fn resize(&self, width: u32, height: u32) {
        self.call("POST", "/window/rect", Some(json!({"width": width, "height": height})));
    }

    /// Opens `url` in a 390 px wide window: the page must not scroll sideways (a wide matrix
    /// scrolls in its own box); keeps a screenshot, then returns to the desktop size.
    fn on_a_phone(&self, url: &str, shot: &str) {
        self.resize(390, 844);
        self.go(url);
        let width = self.eval("return [document.documentElement.scrollWidth, window.innerWidth];");
        let (scroll, inner) = (width[0].as_u64().unwrap(), width[1].as_u64().unwrap());
        assert!(scroll <= inner + 1, "{url} is {scroll} px wide in a {inner} px window");
        self.screenshot(shot);
        self.resize(1280, 900);
    }

    /// A screenshot of the window, kept as a test artefact (not compared with anything).
    fn screenshot(&self, name: &str) -> std::path::PathBuf {
        let b64 = self.call("GET", "/screenshot", None).as_str().unwrap().to_string();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-artifacts");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        let png = base64(&b64);
        assert!(png.starts_with(b"\x89PNG"), "a PNG");
        std::fs::write(&path, png).unwrap();
        path
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http(&self.addr, "DELETE", &format!("/session/{}", self.session), None);
    }
}

fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// `parallax serve` on a free port over `db`; its base URL.
fn serve(db: &std::path::Path, extra: &[&str]) -> (Proc, String) {
    let mut child =
        bin().arg("serve").arg("--db").arg(db).args(["--addr", "127.0.0.1:0"]).args(extra).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| panic!("no URL in {line:?}")).trim_end_matches('/').to_string();
    (Proc(child), url)
}

fn api(base: &str, path: &str) -> Value {
    let (status, body) = http(base.trim_start_matches("http://"), "GET", path, None);
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn a_reader_reads_clicks_searches_merges_and_splits() {
    let Some(b) = Browser::start("reader") else { return };
    let dir = tmp("browser");
    let db = dir.join("p.db");
    let other = dir.join("budget.jsonl");
    let line = json!({
        "id": "b1", "source": "Norbridge Gazette", "title": "Norbridge passes its budget", "date": "2026-03-04",
        "text": "The city council of Norbridge passed its budget on Monday after a long debate over school funding and road repairs.",
    });
    std::fs::write(&other, format!("{line}\n")).unwrap();
    assert!(bin().args(["ingest", "--db"]).arg(&db).arg("examples/ferry").arg(&other).output().unwrap().status.success());
    let (_server, base) = serve(&db, &["--outlets", "examples/ferry/outlets.toml"]);

    // the stories page, then the largest story
    b.go(&format!("{base}/"));
    let first = b.find("table a[href^='/story/']");
    assert!(b.text(&first).contains("Ferry capsizes off Port Aster"), "{}", b.source());
    b.click(first);
    let story_url = b.wait_url(|u| u.contains("/story/"));
    let ferry = story_url.rsplit('/').next().unwrap().to_string();
    assert!(b.text(&b.find("h1")).contains("Ferry"));
    assert!(b.source().contains("Claim matrix") && b.source().contains("Timeline"));
    let desktop = b.screenshot("story-desktop.png");

    b.on_a_phone(&story_url, "story-phone.png");

    // a claim cell opens its sentence in its article
    b.go(&story_url);
    let cell = b.find("table.claims td.c a");
    let href = b.attr(&cell, "href");
    b.click(cell);
    b.wait_url(|u| u.contains("/article/") && u.contains("#at-"));
    let target = b.find(":target");
    assert_eq!(b.attr(&target, "class"), "claim");
    let sentence = b.text(&target);
    let report = api(&base, &format!("/api/stories/{ferry}"));
    let article = href.split("/article/").nth(1).unwrap().split('#').next().unwrap().to_string();
    let said = report["claims"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["support"].as_array().unwrap())
        .any(|s| s["article"] == article.as_str() && s["sentence"].as_str().is_some_and(|t| t.trim() == sentence.trim()));
    assert!(said, "the highlighted sentence {sentence:?} is the claim's sentence in {article}");

    // a search from the stories page's box, once the server's indexer (every half second) has
    // taken the articles in
    let start = Instant::now();
    while api(&base, "/api/search?q=capsized")["hits"].as_array().is_none_or(|h| h.is_empty()) {
        assert!(start.elapsed() < Duration::from_secs(10), "the search index never caught up");
        std::thread::sleep(Duration::from_millis(100));
    }
    b.go(&format!("{base}/"));
    b.type_into(&b.find("input[name='q']"), "capsized");
    b.click(b.find("form[action='/search'] button"));
    b.wait_url(|u| u.contains("/search?"));
    assert!(!b.find_all(&format!("ul.hits a[href='/story/{ferry}']")).is_empty(), "the search finds the story: {}", b.source());
    assert!(b.source().contains("<mark>"), "matches are highlighted");

    // merge the budget story into the ferry story from the page, then split it off again
    let stories = api(&base, "/api/stories");
    let budget = stories["stories"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_string()).find(|id| *id != ferry).unwrap();
    b.go(&story_url);
    b.type_into(&b.find("form#merge input[name='other']"), &budget);
    b.click(b.find("form#merge button"));
    // the page posted from is the page landed on: wait for the new one to list the merge
    let start = Instant::now();
    while !b.source().contains("merged story") {
        assert!(start.elapsed() < Duration::from_secs(10), "no merge: {}", b.source());
        std::thread::sleep(Duration::from_millis(50));
    }
    b.wait_url(|u| u.ends_with(&format!("/story/{ferry}")));
    assert!(b.source().contains("Norbridge Gazette"), "the merged story holds the budget article");
    assert!(b.source().contains(&format!("merged story {budget} into {ferry}")), "the correction is listed");
    let gazette = api(&base, &format!("/api/stories/{ferry}"))["articles"].as_array().unwrap().iter().find(|a| a["outlet"] == "Norbridge Gazette").unwrap()
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    b.click(b.find(&format!("form#split input[value='{gazette}']")));
    b.click(b.find("form#split button"));
    b.wait_url(|u| u.contains("/story/x"));
    assert!(b.text(&b.find("h1")).contains("Norbridge"), "{}", b.source());
    b.go(&story_url);
    assert!(!b.source().contains("Norbridge Gazette</b>"), "the ferry story no longer holds it");
    println!("screenshots: {}", desktop.parent().unwrap().display());
}

#[test]
fn hostile_articles_run_no_script_and_open_no_dialog() {
    let Some(b) = Browser::start("xss") else { return };
    let dir = tmp("browser-xss");
    let db = dir.join("p.db");
    let evil = dir.join("evil.jsonl");
    let set = "window.__xss=1;alert(1)";
    let line = json!({
        "id": "x1", "source": format!("Evil <script>{set}</script> News"), "url": "javascript:alert(5)",
        "title": format!("<img src=x onerror=\"{set}\"> <svg onload=\"{set}\"></svg>"),
        "text": format!("The harbor bridge reopened on Monday after repairs, the council said. <script>{set}</script> <a href=\"javascript:{set}\">more</a> <iframe src=\"javascript:{set}\"></iframe>"),
    });
    std::fs::write(&evil, format!("{line}\n")).unwrap();
    assert!(bin().args(["ingest", "--db"]).arg(&db).arg(&evil).output().unwrap().status.success());
    let (_server, base) = serve(&db, &[]);
    let story = api(&base, "/api/stories")["stories"][0]["id"].as_str().unwrap().to_string();
    let article = api(&base, &format!("/api/stories/{story}"))["articles"][0]["id"].as_str().unwrap().to_string();
    for path in ["/".to_string(), format!("/story/{story}"), format!("/article/{article}"), "/search?q=%3Cscript%3E+harbor".to_string()] {
        b.go(&format!("{base}{path}"));
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(b.error_of("GET", "/alert/text").as_deref(), Some("no such alert"), "a dialog opened on {path}");
        let ran = b.eval("return [window.__xss === undefined, document.querySelectorAll('script, iframe, svg, img').length, document.querySelectorAll('a[href^=\"javascript:\"]').length];");
        assert_eq!(ran, json!([true, 0, 0]), "on {path}: {}", b.source());
    }
    b.go(&format!("{base}/story/{story}"));
    assert!(b.source().contains("&lt;script&gt;") || b.source().contains("&lt;img"), "the hostile text is shown as text");
}

#[test]
fn the_seeds_story_reads_on_a_desktop_and_a_phone() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seeds");
    if !seeds.is_dir() {
        eprintln!("skipped: ../shared/corpus/seeds is not present");
        return;
    }
    let Some(b) = Browser::start("seeds") else { return };
    let dir = tmp("browser-seeds");
    let db = dir.join("p.db");
    assert!(bin().args(["analyze", "--db"]).arg(&db).arg(&seeds).output().unwrap().status.success());
    let (_server, base) = serve(&db, &[]);
    let story = api(&base, "/api/stories")["stories"][0].clone();
    assert_eq!(story["articles"], 3, "the three seed reports are one story: {story}");
    let url = format!("{base}/story/{}", story["id"].as_str().unwrap());
    b.go(&url);
    assert_eq!(b.find_all(".sources .source").len(), 3);
    for section in ["Claim matrix", "On whose word", "What each source leaves out", "Why these articles are one story"] {
        assert!(b.source().contains(section), "{section}");
    }
    b.screenshot("seeds-desktop.png");
    b.on_a_phone(&url, "seeds-phone.png");
}
