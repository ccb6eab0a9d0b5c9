//! `parallax add` against real HTTP servers on 127.0.0.1: feeds, OPML, sitemaps with
//! robots.txt, pages, WARC files, and the refusals of the default (no private addresses).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

mod common;
use common::{bin, invented_reports, tmp, Rng};

/// A route of a test site: path, content type, body.
type Route = (String, &'static str, String);

/// A news site on 127.0.0.1: it answers from `routes` (path -> content type, body) and logs
/// every path asked for.
fn site(routes: Vec<Route>) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    site_with(move |_| routes.clone())
}

/// [`site`], with routes that may name the site's own address (`http://127.0.0.1:PORT`).
fn site_with(routes: impl FnOnce(&str) -> Vec<Route>) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    let addr = parallax_testsite::serve_with(|base| {
        let routes = routes(base);
        move |path: &str, _: &str| {
            seen.lock().unwrap().push(path.to_string());
            match routes.iter().find(|(p, _, _)| p == path) {
                Some((_, ct, body)) => parallax_testsite::reply("200 OK", &[("Content-Type", ct)], body.as_bytes()),
                None => parallax_testsite::reply("404 Not Found", &[("Content-Type", "text/plain")], b""),
            }
        }
    });
    (addr, log)
}

fn page(title: &str, text: &str) -> String {
    format!("<html><head><title>{title}</title><meta property=\"og:site_name\" content=\"Harbor News\"></head><body><article><h1>{title}</h1><p>{text}</p><p>{text} Officials said more details would follow on Tuesday.</p></article></body></html>")
}

const BRIDGE: &str = "The harbor bridge in Port Vell reopened on Monday after two weeks of repairs, the city council said, and buses returned to the route.";
const FIRE: &str = "Firefighters in Casterra battled a wildfire that forced 300 residents to leave their homes overnight, the regional fire service said.";
const VOTE: &str = "The council of Lindmark voted 7 to 2 to build a new school near the river, after a debate that lasted until midnight.";

fn add(args: &[&str], db: &std::path::Path) -> Output {
    bin().arg("add").arg("--db").arg(db).args(["--json", "--delay", "0"]).args(args).output().unwrap()
}

fn summary(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn feeds_from_opml_are_fetched_and_full_text_items_need_no_page() {
    let long = format!("{VOTE} ").repeat(8);
    let listener_routes = |base: &str| {
        let rss = format!(
            r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Harbor News</title><link>{base}/</link>
            <item><title>Bridge reopens in Port Vell</title><link>/a</link><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate></item>
            <item><title>Wildfire in Casterra</title><link>{base}/b</link><pubDate>Mon, 02 Mar 2026 11:00:00 GMT</pubDate></item>
            <item><title>Lindmark votes for a school</title><link>{base}/c</link><pubDate>Mon, 02 Mar 2026 12:00:00 GMT</pubDate><content:encoded><![CDATA[<p>{long}</p>]]></content:encoded></item>
            </channel></rss>"#
        );
        vec![
            ("/feed.xml".to_string(), "application/rss+xml", rss),
            ("/a".into(), "text/html", page("Bridge reopens in Port Vell", BRIDGE)),
            ("/b".into(), "text/html", page("Wildfire in Casterra", FIRE)),
        ]
    };
    let (addr, log) = site_with(listener_routes);
    let base = format!("http://{addr}");
    let dir = tmp("opml");
    let faddr = addr;
    // a local copy of the feed, its links absolute
    let feed = dir.join("feed.xml");
    std::fs::write(&feed, listener_routes(&base)[0].2.replace("<link>/a</link>", &format!("<link>{base}/a</link>"))).unwrap();
    let opml = dir.join("subs.opml");
    std::fs::write(
        &opml,
        format!(r#"<opml version="2.0"><body><outline text="news"><outline text="Harbor" xmlUrl="http://{faddr}/feed.xml"/></outline></body></opml>"#),
    )
    .unwrap();
    let db = dir.join("p.db");

    // the default refuses a server on this machine, and says how to allow it
    let refused = add(&[opml.to_str().unwrap()], &db);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains(&format!("http://{faddr}/feed.xml")) && err.contains("refused to connect") && err.contains("--allow-private"), "{err}");

    let v = summary(&add(&["--allow-private", opml.to_str().unwrap()], &db));
    assert_eq!(v["stored"], 3, "{v}");
    let asked = log.lock().unwrap().clone();
    assert!(asked.contains(&"/a".to_string()) && asked.contains(&"/b".to_string()), "{asked:?}");
    assert!(!asked.contains(&"/c".to_string()), "a feed item with its whole article is not fetched again: {asked:?}");
    // the same items through another copy of the feed are already stored
    let again = summary(&add(&["--allow-private", feed.to_str().unwrap()], &db));
    assert_eq!((again["stored"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(3)), "{again}");
    // and the stories hold the feed's dates and the page's outlet
    let stories = bin().args(["stories", "--json", "--db"]).arg(&db).output().unwrap();
    assert!(String::from_utf8_lossy(&stories.stdout).contains("Port Vell"));
}

#[test]
fn sitemaps_follow_robots_txt() {
    let (addr2, log2) = site(vec![
        ("/robots.txt".into(), "text/plain", "User-agent: *\nDisallow: /private\n".into()),
        ("/d".into(), "text/html", page("Bridge reopens in Port Vell", BRIDGE)),
        ("/private/e".into(), "text/html", page("Wildfire in Casterra", FIRE)),
    ]);
    let base2 = format!("http://{addr2}");
    let sitemap = format!(
        r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base2}/d</loc><lastmod>2026-03-02</lastmod></url><url><loc>{base2}/private/e</loc></url></urlset>"#
    );
    let (saddr, _) = site(vec![("/sitemap.xml".into(), "application/xml", sitemap)]);
    let dir = tmp("sitemap");
    let db = dir.join("p.db");
    let out = add(&["--allow-private", &format!("http://{saddr}/sitemap.xml")], &db);
    let v = summary(&out);
    assert_eq!((v["stored"].as_u64(), v["failed"].as_u64()), (Some(1), Some(1)), "{v}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/private/e") && err.contains("robots.txt"), "{err}");
    assert!(!log2.lock().unwrap().contains(&"/private/e".to_string()), "a page robots.txt forbids is never asked for");
}

#[test]
fn warc_files_are_ingested_whole_and_a_truncated_one_keeps_what_came_before() {
    let dir = tmp("warc");
    let mut file = Vec::new();
    for (i, (title, text)) in
        [("Bridge reopens in Port Vell", BRIDGE), ("Wildfire in Casterra", FIRE), ("Lindmark votes for a school", VOTE)].iter().enumerate()
    {
        let html = page(title, text);
        let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}", html.len());
        file.extend(parallax_web::warc::response_record(&format!("https://harbor.example/{i}"), "2026-03-02T10:00:00Z", http.as_bytes()));
    }
    let whole = dir.join("news.warc.gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&file).unwrap();
    std::fs::write(&whole, gz.finish().unwrap()).unwrap();
    let v = summary(&add(&[whole.to_str().unwrap()], &dir.join("a.db")));
    assert_eq!(v["stored"], 3, "{v}");
    let cut = dir.join("cut.warc");
    std::fs::write(&cut, &file[..file.len() - 200]).unwrap();
    let out = add(&[cut.to_str().unwrap()], &dir.join("b.db"));
    let v = summary(&out);
    assert_eq!((v["stored"].as_u64(), v["failed"].as_u64()), (Some(2), Some(1)), "{v}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cut.warc") && err.contains("truncated at byte"), "{err}");
}

#[test]
fn watch_polls_followed_feeds_conditionally_and_a_failing_feed_backs_off_but_stays() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let flaky_calls = Arc::new(AtomicUsize::new(0));
    let calls = flaky_calls.clone();
    let addr = parallax_testsite::serve_with(|base| {
        let feed = |title: &str, item: &str, text: &str| {
            let long = format!("{text} ").repeat(10);
            format!(
                r#"<rss version="2.0"><channel><title>{title}</title><item><title>{item}</title><link>{base}/{item}</link><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate><description><![CDATA[<p>{long}</p>]]></description></item></channel></rss>"#
            )
        };
        let (steady, flaky) = (feed("Harbor News", "bridge", BRIDGE), feed("Coast Times", "fire", FIRE));
        move |path: &str, head: &str| {
            let (status, extra, body): (&str, &[(&str, &str)], &str) = match path {
                "/steady.xml" if head.to_ascii_lowercase().contains("if-none-match: \"v1\"") => ("304 Not Modified", &[("ETag", "\"v1\"")], ""),
                "/steady.xml" => ("200 OK", &[("ETag", "\"v1\"")], &steady),
                "/flaky.xml" if calls.fetch_add(1, Ordering::SeqCst) == 0 => ("200 OK", &[], &flaky),
                "/flaky.xml" => ("503 Service Unavailable", &[("Retry-After", "7200")], ""),
                _ => ("404 Not Found", &[], ""),
            };
            let headers: Vec<(&str, &str)> = extra.iter().copied().chain([("Content-Type", "application/rss+xml")]).collect();
            parallax_testsite::reply(status, &headers, body.as_bytes())
        }
    });
    let base = format!("http://{addr}");
    let dir = tmp("watch");
    let db = dir.join("p.db");
    let none = bin().arg("watch").arg("--db").arg(&db).arg("--once").output().unwrap();
    assert!(!none.status.success() && String::from_utf8_lossy(&none.stderr).contains("no feeds are followed"));
    let v = summary(&add(&["--allow-private", &format!("{base}/steady.xml"), &format!("{base}/flaky.xml")], &db));
    assert_eq!(v["stored"], 2, "{v}");
    let round = bin().arg("watch").arg("--db").arg(&db).args(["--once", "--all", "--json", "--allow-private", "--delay", "0"]).output().unwrap();
    assert!(round.status.success(), "{}", String::from_utf8_lossy(&round.stderr));
    let r: serde_json::Value = serde_json::from_slice(&round.stdout).unwrap();
    // add sent no validators; watch sends the ETag it kept... from its own first poll
    assert_eq!((r["feeds_polled"].as_u64(), r["feeds_failed"].as_u64()), (Some(2), Some(1)), "{r}");
    let round2 = bin().arg("watch").arg("--db").arg(&db).args(["--once", "--all", "--json", "--allow-private", "--delay", "0"]).output().unwrap();
    let r2: serde_json::Value = serde_json::from_slice(&round2.stdout).unwrap();
    assert_eq!(r2["not_modified"], 1, "the second poll of the steady feed is a 304: {r2}");
    assert_eq!(r2["stored"], 0, "{r2}");
    let list = bin().arg("feeds").arg("--db").arg(&db).arg("--json").output().unwrap();
    let feeds: Vec<serde_json::Value> = String::from_utf8_lossy(&list.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let flaky = feeds.iter().find(|f| f["url"].as_str().unwrap().ends_with("/flaky.xml")).unwrap();
    assert_eq!((flaky["enabled"].as_bool(), flaky["errors"].as_i64()), (Some(true), Some(2)), "a failing feed is kept and counted: {flaky}");
    assert!(flaky["last_error"].as_str().unwrap().contains("HTTP 503"), "{flaky}");
    assert!(flaky["interval_secs"].as_i64().unwrap() >= 7200, "Retry-After is honoured: {flaky}");
    let off = bin().arg("feeds").arg("--db").arg(&db).arg("--disable").arg(format!("{base}/flaky.xml")).output().unwrap();
    assert!(off.status.success() && String::from_utf8_lossy(&off.stdout).contains("disabled"));
    let opml = bin().arg("feeds").arg("--db").arg(&db).arg("--opml").output().unwrap();
    let text = String::from_utf8_lossy(&opml.stdout);
    assert!(text.contains("<opml") && text.contains(&format!("xmlUrl=\"{base}/steady.xml\"")), "{text}");
    let unknown = bin().arg("feeds").arg("--db").arg(&db).arg("--enable").arg("https://nowhere.example/feed").output().unwrap();
    assert!(!unknown.status.success() && String::from_utf8_lossy(&unknown.stderr).contains("not a followed feed"));
}

#[test]
fn kill_9_during_add_then_a_rerun_gives_the_stories_of_one_run() {
    use std::collections::BTreeSet;
    // a WARC of generated pages: events told by several outlets in their own invented names
    let mut warc = Vec::new();
    let reports = invented_reports(0x2545f4914f6cdd1d, 5000);
    let n = reports.len();
    for r in &reports {
        let html = format!(
            "<html><head><title>{}</title><meta property=\"og:site_name\" content=\"{}\"><meta property=\"article:published_time\" content=\"{}\"></head><body><article><p>{}</p><p>{}</p></article></body></html>",
            r.title, r.outlet, r.date, r.paragraphs[0], r.paragraphs[1]
        );
        let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{html}", html.len());
        warc.extend(parallax_web::warc::response_record(&format!("https://outlet.example/{}/{}", r.event, r.k), "2024-06-01T00:00:00Z", http.as_bytes()));
    }
    let dir = tmp("kill-add");
    let file = dir.join("pages.warc");
    std::fs::write(&file, &warc).unwrap();
    // a story id is derived from its first article, so equal (id, size) sets are equal stories
    let stories = |db: &std::path::Path| -> BTreeSet<(String, u64)> {
        let out = bin().arg("stories").arg("--db").arg(db).args(["--json", "--limit", "100000"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array().unwrap().iter().map(|s| (s["id"].as_str().unwrap().to_string(), s["articles"].as_u64().unwrap())).collect()
    };
    let clean = dir.join("clean.db");
    let v = summary(&add(&[file.to_str().unwrap()], &clean));
    assert_eq!(v["stored"].as_u64(), Some(n as u64), "{v}");
    let killed = dir.join("killed.db");
    let mut child =
        bin().args(["add", "--db"]).arg(&killed).arg(&file).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let wal = PathBuf::from(format!("{}-wal", killed.display()));
    let t = std::time::Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 200_000 && t.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Command::new("kill").arg("-KILL").arg(child.id().to_string()).status().unwrap();
    assert!(!child.wait().unwrap().success());
    let rerun = summary(&add(&[file.to_str().unwrap()], &killed));
    assert!(rerun["unchanged"].as_u64().unwrap() > 0, "the killed run had stored some pages: {rerun}");
    assert_eq!(stories(&killed), stories(&clean));
}

#[test]
fn kill_9_during_watch_then_another_round_gives_the_stories_of_one_run() {
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicBool, Ordering};
    // 60 feeds of 80 full-text items; the feeds are empty when followed and fill up before the
    // round that gets killed
    let syllables = ["ka", "ro", "vel", "tan", "mi", "sor", "den", "lu", "pra", "gor", "zei", "bak", "nor", "til", "fe", "qua"];
    let common = ["officials", "said", "week", "city", "report", "people", "local", "plan", "council", "police"];
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut next = move || rng.next();
    let events: Vec<Vec<String>> = (0..1200).map(|_| (0..6).map(|_| (0..3).map(|_| syllables[(next() % 16) as usize]).collect::<String>()).collect()).collect();
    let mut full = Vec::new();
    for f in 0..60 {
        let mut items = String::new();
        for k in 0..80 {
            let names = &events[(f * 13 + k * 7) % events.len()];
            let words: Vec<&str> =
                (0..160).map(|_| if next() % 10 < 7 { names[(next() % 6) as usize].as_str() } else { common[(next() % 10) as usize] }).collect();
            items.push_str(&format!(
                "<item><title>{} {}</title><link>https://feed{f}.example/{k}</link><pubDate>Mon, 02 Mar 2026 {:02}:00:00 GMT</pubDate><description><![CDATA[<p>{}.</p>]]></description></item>",
                names[0], names[1], k % 24, words.join(" ")
            ));
        }
        full.push(format!("<rss version=\"2.0\"><channel><title>Feed {f}</title>{items}</channel></rss>"));
    }
    let filled = Arc::new(AtomicBool::new(false));
    let (flag, feeds) = (filled.clone(), full.clone());
    let addr = parallax_testsite::serve(move |path, _| {
        let n: usize = Some(path).and_then(|p| p.strip_prefix("/feed")).and_then(|p| p.strip_suffix(".xml")).and_then(|p| p.parse().ok()).unwrap_or(0);
        let body =
            if flag.load(Ordering::SeqCst) { feeds[n].clone() } else { format!("<rss version=\"2.0\"><channel><title>Feed {n}</title></channel></rss>") };
        parallax_testsite::reply("200 OK", &[("Content-Type", "application/rss+xml")], body.as_bytes())
    });
    let dir = tmp("kill-watch");
    let opml = dir.join("feeds.opml");
    let outlines: String = (0..60).map(|f| format!("<outline text=\"f{f}\" xmlUrl=\"http://{addr}/feed{f}.xml\"/>")).collect();
    std::fs::write(&opml, format!("<opml version=\"2.0\"><body>{outlines}</body></opml>")).unwrap();
    let (clean, killed) = (dir.join("clean.db"), dir.join("killed.db"));
    for db in [&clean, &killed] {
        let out = add(&["--allow-private", opml.to_str().unwrap()], db);
        assert!(
            out.status.success() && String::from_utf8_lossy(&out.stderr).contains("following 60 feeds with no articles yet"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    filled.store(true, Ordering::SeqCst);
    let round = |db: &std::path::Path| {
        let mut c = bin();
        c.arg("watch").arg("--db").arg(db).args(["--once", "--all", "--json", "--allow-private", "--delay", "0"]);
        c
    };
    let out = round(&clean).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut child = round(&killed).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let wal = PathBuf::from(format!("{}-wal", killed.display()));
    let t = std::time::Instant::now();
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) < 400_000 && t.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Command::new("kill").arg("-KILL").arg(child.id().to_string()).status().unwrap();
    assert!(!child.wait().unwrap().success());
    let again = round(&killed).output().unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let stories = |db: &std::path::Path| -> BTreeSet<(String, u64)> {
        let out = bin().arg("stories").arg("--db").arg(db).args(["--json", "--limit", "100000"]).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_array().unwrap().iter().map(|s| (s["id"].as_str().unwrap().to_string(), s["articles"].as_u64().unwrap())).collect()
    };
    let (a, b) = (stories(&clean), stories(&killed));
    assert_eq!(a.iter().map(|s| s.1).sum::<u64>(), 4800, "every item of the clean round is stored");
    assert_eq!(b, a, "nothing lost or duplicated, and the same stories");
}
