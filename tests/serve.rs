//! `parallax serve` as a user runs it: a real process on 127.0.0.1 over a store the CLI filled,
//! asked over real HTTP.

mod common;
use common::{bin, tmp};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};

/// A running `parallax serve` and its base URL; killed when dropped.
struct Served(Child, String);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(db: &std::path::Path) -> Served {
    serve_with(db, &[])
}

fn serve_with(db: &std::path::Path, extra: &[&str]) -> Served {
    let mut child =
        bin().arg("serve").arg("--db").arg(db).args(["--addr", "127.0.0.1:0"]).args(extra).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| panic!("no URL in {line:?}")).trim_end_matches('/').to_string();
    Served(child, url)
}

/// A raw HTTP/1.0 request (so the body comes whole, not chunked): (status, headers, body).
fn request(base: &str, method: &str, path: &str) -> (u16, String, String) {
    let host = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "{method} {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

#[test]
fn stories_story_pages_and_the_api_are_served_from_the_store() {
    let dir = tmp("serve");
    let db = dir.join("p.db");
    let out = bin().args(["ingest", "--db"]).arg(&db).arg("examples/ferry").output().unwrap();
    assert!(out.status.success());
    let s = serve_with(&db, &["--outlets", "examples/ferry/outlets.toml"]);
    let (status, head, body) = request(&s.1, "GET", "/");
    assert_eq!(status, 200);
    assert!(body.contains("2026-03-03 \u{2013} 2026-03-04"), "the story's date span: {body}");
    assert!(body.contains("coverage by group"), "coverage by the user's groups: {body}");
    assert!(head.contains("Content-Security-Policy: default-src 'none'"), "scripts are forbidden: {head}");
    assert!(body.contains("Ferry capsizes off Port Aster"), "{body}");
    let (status, _, api) = request(&s.1, "GET", "/api/stories");
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_str(&api).unwrap();
    let id = v["stories"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(v["page"], 1);
    let (status, _, page) = request(&s.1, "GET", &format!("/story/{id}"));
    assert_eq!(status, 200);
    assert!(page.contains("name=\"viewport\"") && page.contains("articles from") && page.contains("On whose word"), "the story page is the report");
    assert!(page.contains(&format!("href=\"/story/{id}.csv\"")), "the page links its exports");
    let (status, head, csv) = request(&s.1, "GET", &format!("/story/{id}.csv"));
    assert!(status == 200 && head.contains("text/csv") && csv.starts_with("story,claim,status,outlets,text,[1] "), "{csv}");
    let (status, _, md) = request(&s.1, "GET", &format!("/story/{id}.md"));
    assert!(status == 200 && md.starts_with("# Story"), "{md}");
    let (status, _, story) = request(&s.1, "GET", &format!("/api/stories/{id}"));
    assert_eq!(status, 200);
    let story: serde_json::Value = serde_json::from_str(&story).unwrap();
    assert_eq!(story["id"], id.as_str());
    assert!(story["claims"].as_array().is_some_and(|c| !c.is_empty()) && story["framing"].is_array(), "the shape of --format json");
    // an article page: the text with its claim sentences, speakers and framing highlighted
    let aid = story["articles"][0]["id"].as_str().unwrap().to_string();
    assert!(page.contains(&format!("href=\"/article/{aid}\"")), "the story page links its articles");
    let (status, _, article) = request(&s.1, "GET", &format!("/article/{aid}"));
    assert!(status == 200 && article.contains("<mark class=\"claim\"") && article.contains("published"), "{article}");
    assert_eq!(request(&s.1, "GET", "/article/a0000").0, 404);
    let (status, _, missing) = request(&s.1, "GET", "/api/stories/s000000000000");
    assert_eq!(status, 404);
    let err: serde_json::Value = serde_json::from_str(&missing).unwrap();
    assert_eq!((err["status"].as_u64(), err["error"].as_str().is_some()), (Some(404), true));
    assert_eq!(request(&s.1, "POST", "/api/stories").0, 405);
    assert_eq!(request(&s.1, "GET", "/nowhere").0, 404);
    // search: stemmed words, highlighted, any punctuation taken as words
    let (status, _, found) = request(&s.1, "GET", "/api/search?q=capsize+Aster");
    assert_eq!(status, 200, "{found}");
    let found: serde_json::Value = serde_json::from_str(&found).unwrap();
    assert!(found["hits"].as_array().is_some_and(|h| !h.is_empty() && h.iter().all(|x| x["story"] == id.as_str())), "{found}");
    let (status, _, page) = request(&s.1, "GET", "/search?q=capsized");
    assert!(status == 200 && page.contains("<mark>"), "{page}");
    assert_eq!(request(&s.1, "GET", "/api/search?q=%22U.S.-led%22+(x").0, 200, "punctuation is no syntax error");
    assert_eq!(request(&s.1, "GET", "/api/search?q=").0, 400);
    let (status, _, doc) = request(&s.1, "GET", "/api/openapi.json");
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&doc).unwrap()["paths"]["/api/stories"].is_object());
}

#[test]
fn hostile_titles_and_bodies_render_inert() {
    let dir = tmp("serve-xss");
    let db = dir.join("p.db");
    let evil = dir.join("evil.jsonl");
    let line = serde_json::json!({
        "id": "x1", "source": "Evil <script>alert(1)</script> News", "title": "<img src=x onerror=alert(1)> <svg onload=alert(2)>",
        "text": "The harbor bridge reopened on Monday after repairs, the council said. <script>alert(3)</script> <a href=\"javascript:alert(4)\">more</a>",
    });
    std::fs::write(&evil, format!("{line}\n")).unwrap();
    assert!(bin().args(["ingest", "--db"]).arg(&db).arg(&evil).output().unwrap().status.success());
    let s = serve(&db);
    let (_, _, list) = request(&s.1, "GET", "/");
    let (_, _, api) = request(&s.1, "GET", "/api/stories");
    let id = serde_json::from_str::<serde_json::Value>(&api).unwrap()["stories"][0]["id"].as_str().unwrap().to_string();
    let (_, head, page) = request(&s.1, "GET", &format!("/story/{id}"));
    let (_, _, story) = request(&s.1, "GET", &format!("/api/stories/{id}"));
    let aid = serde_json::from_str::<serde_json::Value>(&story).unwrap()["articles"][0]["id"].as_str().unwrap().to_string();
    let (_, _, article) = request(&s.1, "GET", &format!("/article/{aid}"));
    for html in [&list, &page, &article] {
        for bad in ["<script", "<img", "<svg", "href=\"javascript:"] {
            assert!(!html.contains(bad), "{bad} came through: {html}");
        }
    }
    assert!(page.contains("&lt;script&gt;") || page.contains("&lt;img"), "the text is shown, escaped");
    assert!(head.contains("script-src") || head.contains("default-src 'none'"), "{head}");
}
