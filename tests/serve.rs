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

/// The answer to a search, once the server's indexer has caught up with the store (it runs
/// every half second, so a search never waits for it).
fn indexed(base: &str, path: &str) -> serde_json::Value {
    for _ in 0..100 {
        let (status, _, body) = request(base, "GET", path);
        assert_eq!(status, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        if v["hits"].as_array().is_some_and(|h| !h.is_empty()) {
            return v;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("{path} found nothing in 10 s");
}

/// A POST with a form body and extra headers: (status, headers, body).
fn post(base: &str, path: &str, headers: &[(&str, &str)], form: &str) -> (u16, String, String) {
    let host = base.trim_start_matches("http://");
    let extra: String = headers.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    let len = form.len();
    exchange(
        base,
        &format!("POST {path} HTTP/1.0\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\n{extra}\r\n{form}"),
    )
}

/// A raw HTTP/1.0 request (so the body comes whole, not chunked): (status, headers, body).
fn request(base: &str, method: &str, path: &str) -> (u16, String, String) {
    let host = base.trim_start_matches("http://");
    exchange(base, &format!("{method} {path} HTTP/1.0\r\nHost: {host}\r\n\r\n"))
}

/// Sends a whole HTTP/1.0 request and reads the answer to the end: (status, headers, body).
fn exchange(base: &str, raw_request: &str) -> (u16, String, String) {
    let mut s = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    s.write_all(raw_request.as_bytes()).unwrap();
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
    assert_eq!(request(&s.1, "POST", "/api/stories").0, 403, "a write without the token");
    assert_eq!(request(&s.1, "PUT", "/api/stories").0, 405);
    assert_eq!(request(&s.1, "GET", "/nowhere").0, 404);
    // search: stemmed words, highlighted, any punctuation taken as words
    let found = indexed(&s.1, "/api/search?q=capsize+Aster");
    assert!(found["hits"].as_array().is_some_and(|h| !h.is_empty() && h.iter().all(|x| x["story"] == id.as_str())), "{found}");
    let (status, _, page) = request(&s.1, "GET", "/search?q=capsized");
    assert!(status == 200 && page.contains("<mark>"), "{page}");
    assert_eq!(request(&s.1, "GET", "/api/search?q=%22U.S.-led%22+(x").0, 200, "punctuation is no syntax error");
    assert_eq!(request(&s.1, "GET", "/api/search?q=").0, 400);
    let (status, _, doc) = request(&s.1, "GET", "/api/openapi.json");
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert!(doc["paths"]["/api/stories"].is_object() && doc["paths"]["/api/storylines"].is_object());
    // a timeline's data: the storylines the CLI lists, and each listed story names its own
    let (status, _, lines) = request(&s.1, "GET", "/api/storylines");
    assert_eq!(status, 200);
    let lines: serde_json::Value = serde_json::from_str(&lines).unwrap();
    let cli = bin().args(["storylines", "--json", "--db"]).arg(&db).output().unwrap();
    assert_eq!(lines["storylines"], serde_json::from_slice::<serde_json::Value>(&cli.stdout).unwrap());
    for story in v["stories"].as_array().unwrap() {
        let named = lines["storylines"].as_array().unwrap().iter().find(|l| l["stories"].as_array().unwrap().iter().any(|m| m["id"] == story["id"]));
        assert_eq!(story["storyline"], named.map_or(serde_json::Value::Null, |l| l["id"].clone()), "{story}");
    }
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

#[test]
fn a_story_page_names_its_storyline_as_the_store_stands_after_a_correction() {
    let dir = tmp("serve-storylines");
    let db = dir.join("p.db");
    let input = dir.join("in.jsonl");
    std::fs::write(&input, common::recall_reports_jsonl()).unwrap();
    assert!(bin().args(["ingest", "--db"]).arg(&db).arg(&input).output().unwrap().status.success());
    let s = serve(&db);
    let lines: serde_json::Value = serde_json::from_str(&request(&s.1, "GET", "/api/storylines").2).unwrap();
    let members = lines["storylines"][0]["stories"].as_array().expect("one storyline").clone();
    let (eve, result) = (members[0]["id"].as_str().unwrap(), members[1]["id"].as_str().unwrap());
    let story: serde_json::Value = serde_json::from_str(&request(&s.1, "GET", &format!("/api/stories/{result}")).2).unwrap();
    assert_eq!(story["storyline"]["id"], eve, "{story}");
    // a reader merges the eve into the result: one story, so no storyline is left
    let token: serde_json::Value = serde_json::from_str(&request(&s.1, "GET", "/api/token").2).unwrap();
    let (status, _, body) = post(&s.1, &format!("/api/stories/{result}/merge"), &[("X-CSRF-Token", token["token"].as_str().unwrap())], &format!("other={eve}"));
    assert_eq!(status, 200, "{body}");
    let story: serde_json::Value = serde_json::from_str(&request(&s.1, "GET", &format!("/api/stories/{result}")).2).unwrap();
    assert_eq!(story["articles"].as_array().map(Vec::len), Some(4), "{story}");
    assert!(story["storyline"].is_null(), "the storyline read before the merge is not kept: {story}");
}

#[test]
fn merge_split_and_undo_need_the_token_and_are_respected() {
    let dir = tmp("serve-corrections");
    let db = dir.join("p.db");
    let other = dir.join("budget.jsonl");
    let line = serde_json::json!({
        "id": "b1", "source": "Norbridge Gazette", "title": "Norbridge passes its budget", "date": "2026-03-04",
        "text": "The city council of Norbridge passed its budget on Monday after a long debate over school funding and road repairs.",
    });
    std::fs::write(&other, format!("{line}\n")).unwrap();
    assert!(bin().args(["ingest", "--db"]).arg(&db).arg("examples/ferry").arg(&other).output().unwrap().status.success());
    let s = serve(&db);
    let v: serde_json::Value = serde_json::from_str(&request(&s.1, "GET", "/api/stories").2).unwrap();
    let ids: Vec<String> = v["stories"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_string()).collect();
    assert!(ids.len() >= 2, "{v}");
    let (ferry, budget) = (&ids[0], ids.last().unwrap());
    let token: serde_json::Value = serde_json::from_str(&request(&s.1, "GET", "/api/token").2).unwrap();
    let token = token["token"].as_str().unwrap().to_string();
    // refused: no token, a wrong one, another site's page
    let merge = format!("/api/stories/{ferry}/merge");
    assert_eq!(post(&s.1, &merge, &[], &format!("other={budget}")).0, 403);
    assert_eq!(post(&s.1, &merge, &[], &format!("other={budget}&token=x{}", &token[1..])).0, 403);
    let host = s.1.trim_start_matches("http://").to_string();
    assert_eq!(post(&s.1, &merge, &[("Origin", "http://evil.example")], &format!("other={budget}&token={token}")).0, 403);
    assert_eq!(post(&s.1, &merge, &[("X-CSRF-Token", &token)], &format!("other={ferry}")).0, 400, "a story into itself");
    // a merge from the page's form: redirected to the story kept, which now holds both
    let (status, head, _) = post(&s.1, &format!("/story/{ferry}/merge"), &[("Origin", &format!("http://{host}"))], &format!("other={budget}&token={token}"));
    assert_eq!(status, 303, "{head}");
    assert!(head.contains(&format!("Location: /story/{ferry}")), "{head}");
    let story: serde_json::Value = serde_json::from_str(&request(&s.1, "GET", &format!("/api/stories/{ferry}")).2).unwrap();
    let articles: Vec<String> = story["articles"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_string()).collect();
    assert!(story["articles"].as_array().unwrap().iter().any(|a| a["outlet"] == "Norbridge Gazette"), "merged: {story}");
    let (status, _, gone) = request(&s.1, "GET", &format!("/api/stories/{budget}"));
    assert!(status == 404 && gone.contains("merged into"), "{gone}");
    let page = request(&s.1, "GET", &format!("/story/{ferry}")).2;
    assert!(page.contains("merged story") && page.contains("/undo\""), "the page lists the correction with its undo");
    // the CLI sees it too, and a new article like the budget one joins the merged story
    let out = bin().args(["corrections", "--db"]).arg(&db).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("merge"), "{out:?}");
    let more = dir.join("budget2.jsonl");
    let line = serde_json::json!({
        "id": "b2", "source": "Norbridge Courier", "date": "2026-03-04", "title": "Budget passes in Norbridge",
        "text": "The Norbridge city council budget passed on Monday after debate on school funding and road repairs, officials said.",
    });
    std::fs::write(&more, format!("{line}\n")).unwrap();
    let out = bin().args(["ingest", "--json", "--db"]).arg(&db).arg(&more).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let story: serde_json::Value = serde_json::from_str(&request(&s.1, "GET", &format!("/api/stories/{ferry}")).2).unwrap();
    assert!(story["articles"].as_array().unwrap().iter().any(|a| a["outlet"] == "Norbridge Courier"), "the engine respects the merge: {story}");
    // split the budget article off again, then undo the split
    let gazette = story["articles"].as_array().unwrap().iter().find(|a| a["outlet"] == "Norbridge Gazette").unwrap()["id"].as_str().unwrap().to_string();
    let (status, _, made) = post(&s.1, &format!("/api/stories/{ferry}/split"), &[("X-CSRF-Token", &token)], &format!("article={gazette}"));
    assert_eq!(status, 200, "{made}");
    let made: serde_json::Value = serde_json::from_str(&made).unwrap();
    let split_story = made["correction"]["to_story"].as_str().unwrap().to_string();
    let seq = made["correction"]["seq"].as_i64().unwrap();
    let story: serde_json::Value = serde_json::from_str(&request(&s.1, "GET", &format!("/api/stories/{split_story}")).2).unwrap();
    assert_eq!(story["articles"].as_array().unwrap().len(), 1, "{story}");
    let all: Vec<String> = articles.iter().filter(|a| **a != gazette).cloned().collect();
    let everything = all.iter().map(|a| format!("article={a}")).collect::<Vec<_>>().join("&");
    assert_eq!(
        post(&s.1, &format!("/api/stories/{ferry}/split"), &[("X-CSRF-Token", &token)], &format!("{everything}&article=x")).0,
        400,
        "an article not in the story"
    );
    let (status, _, _) = post(&s.1, &format!("/api/corrections/{seq}/undo"), &[("X-CSRF-Token", &token)], "");
    assert_eq!(status, 200);
    assert_eq!(request(&s.1, "GET", &format!("/api/stories/{split_story}")).0, 404, "the split story rejoined");
    assert_eq!(post(&s.1, &format!("/api/corrections/{seq}/undo"), &[("X-CSRF-Token", &token)], "").0, 400, "undone twice");
    let list: serde_json::Value = serde_json::from_str(&request(&s.1, "GET", "/api/corrections").2).unwrap();
    assert_eq!(list["corrections"].as_array().unwrap().len(), 3, "{list}");
}
