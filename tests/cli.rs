//! End-to-end tests of the `parallax` binary: real files, a real SQLite store, real processes.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parallax"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("PARALLAX_DB");
    c.env_remove("PARALLAX_EMBED_MODEL");
    c
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("parallax-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("parallax runs")
}

fn ok_json(args: &[&str]) -> Value {
    let out = run(args);
    assert!(out.status.success(), "parallax {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn stories(v: &Value) -> &Vec<Value> {
    v["stories"].as_array().expect("stories array")
}

/// Article ids of a claim's support, in order, without repeats.
fn claim_articles(c: &Value) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for s in c["support"].as_array().unwrap() {
        let a = s["article"].as_str().unwrap().to_string();
        if !v.contains(&a) {
            v.push(a);
        }
    }
    v
}

fn claim_mentions(c: &Value, needle: &str) -> bool {
    c["text"].as_str().unwrap().contains(needle) || c["support"].as_array().unwrap().iter().any(|s| s["sentence"].as_str().unwrap().contains(needle))
}

#[test]
fn example_corpus_analysis_finds_copy_contradiction_and_corroboration() {
    check_ferry("examples/ferry");
}

/// The same findings from a copy whose key sentences are worded differently ("a dozen
/// passengers drowned", "brought 87 people to safety"): the rules must not fit one wording.
#[test]
fn reworded_example_keeps_the_same_findings() {
    check_ferry("examples/ferry-reworded");
}

fn check_ferry(example: &str) {
    let dir = tmp(&example.replace('/', "-"));
    let db = dir.join("p.db");
    let v = ok_json(&["analyze", "--db", db.to_str().unwrap(), "--format", "json", example]);
    let st = stories(&v);
    assert_eq!(st.len(), 1, "one story expected: {v:#}");
    let story = &st[0];
    let articles = story["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 5);
    let by_input = |input: &str| articles.iter().find(|a| a["input"] == input).unwrap_or_else(|| panic!("no article with input {input}"));
    // JSONL articles keep their line ids as input
    let wire = by_input("meridian-0303-ferry");
    let copy = by_input("aggregate-0304-ferry");
    assert_eq!(copy["duplicate_of"], wire["id"]);
    assert!(wire["duplicate_of"].is_null());
    let id_of = |input: &str| by_input(input)["id"].as_str().unwrap().to_string();
    let herald = id_of(&format!("{example}/coastal-herald.html"));
    let valley = id_of(&format!("{example}/valley-times.txt"));

    let claims = story["claims"].as_array().unwrap();
    let toll = claims.iter().find(|c| c["status"] == "contradicted").expect("a contradicted claim");
    let values: Vec<&str> = toll["conflict"]["values"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    // twelve dead in the local reports, in any wording, against the wire's 15
    let twelve = |v: &&str| ["12", "twelve", "dozen"].iter().any(|w| v.to_lowercase().contains(w));
    assert!(values.iter().any(twelve) && values.iter().any(|v| v.contains("15")), "{values:?}");
    assert_eq!(toll["conflict"]["kind"], "number");
    assert_eq!(toll["conflict"]["sides"].as_array().unwrap().len(), 2);

    let rescued = claims.iter().find(|c| claim_mentions(c, "87")).expect("a claim about 87 rescued");
    // three outlets, one origin: every report rests on the spokesman's word
    assert_eq!(rescued["status"], "single_origin");
    assert_eq!(rescued["outlets"].as_array().unwrap().len(), 3, "copy must not count: {rescued:#}");
    let origins = rescued["origins"].as_array().unwrap();
    assert_eq!(origins.len(), 1, "{rescued:#}");
    assert_eq!(origins[0]["name"], "Tomas Reed");
    assert_eq!(origins[0]["kind"], "speaker");
    assert_eq!(origins[0]["reported_by"].as_array().unwrap().len(), 3);
    assert!(rescued["support"].as_array().unwrap().iter().all(|s| s["attribution"] == "Tomas Reed"));
    for a in [&herald, &valley] {
        assert!(claim_articles(rescued).contains(a));
    }
    let investigation = claims
        .iter()
        .find(|c| claim_mentions(c, "Lena Varga") && (claim_mentions(c, "investigation") || claim_mentions(c, "inquiry")))
        .expect("the governor's investigation");
    assert_eq!(investigation["outlets"].as_array().unwrap().len(), 3, "{investigation:#}");

    // what each source leaves out: the Lantern never mentions the 87 rescued
    let lantern = id_of(&format!("{example}/the-lantern.html"));
    let coverage = story["coverage"].as_array().unwrap();
    assert!(coverage.iter().all(|c| c["article"] != copy["id"]), "copies are not listed");
    let of_lantern = coverage.iter().find(|c| c["article"] == lantern.as_str()).unwrap();
    assert!(of_lantern["leaves_out"].as_array().unwrap().iter().any(|o| o["claim"] == rescued["id"]), "{of_lantern:#}");
    let passengers = claims.iter().find(|c| claim_mentions(c, "140 passengers")).expect("140 passengers claim");
    assert_eq!(passengers["status"], "single_source");
    assert_eq!(claim_articles(passengers).len(), 2, "wire and its copy");

    // every support points at the exact text
    for c in claims {
        for s in c["support"].as_array().unwrap() {
            let a = articles.iter().find(|a| a["id"] == s["article"]).unwrap();
            let text = a["text"].as_str().unwrap();
            let (start, end) = (s["span"]["start"].as_u64().unwrap() as usize, s["span"]["end"].as_u64().unwrap() as usize);
            assert_eq!(&text[start..end], s["sentence"].as_str().unwrap());
        }
    }
}

#[test]
fn page_chrome_stays_out_of_extracted_text() {
    let v = ok_json(&["extract", "examples/ferry/valley-times.txt"]);
    assert_eq!(v["title"], "Twelve dead after ferry capsizes outside Port Aster");
    assert_eq!(v["byline"], "Jonas Petrov");
    let text = v["text"].as_str().unwrap();
    for chrome in ["Related Articles", "Harbor bridge", "festival", "Download", "Getty", "Avatar", "min read"] {
        assert!(!text.contains(chrome), "{chrome} leaked into {text}");
    }
    assert_eq!(text.matches("Twelve people died").count(), 1, "repeated lead must appear once");

    let v = ok_json(&["extract", "examples/ferry/coastal-herald.html"]);
    assert_eq!(v["byline"], "Mira Okafor");
    assert_eq!(v["published"], "2026-03-03T11:40:00+01:00");
    let text = v["text"].as_str().unwrap();
    assert_eq!(text.split("\n\n").count(), 5, "{text}");
    for chrome in ["cookies", "Share on", "Advertisement", "Spring festival", "thoughts are with", "rights reserved"] {
        assert!(!text.contains(chrome), "{chrome} leaked into {text}");
    }
}

#[test]
fn extract_prints_one_object_or_json_lines() {
    let out = run(&["extract", "examples/ferry/the-lantern.html", "examples/ferry/wire.jsonl"]);
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["byline"], "Sofia Brandt");
    assert_eq!(lines[1]["input"], "meridian-0303-ferry");
    for key in ["input", "title", "byline", "published", "language", "text"] {
        assert!(lines[0].get(key).is_some(), "missing {key}");
    }
}

#[test]
fn reingesting_is_a_no_op_with_stable_ids() {
    let dir = tmp("reingest");
    let db = dir.join("p.db");
    let db = db.to_str().unwrap();
    let first = ok_json(&["ingest", "--db", db, "--json", "examples/ferry"]);
    assert_eq!(first["stored"], 5);
    let again = ok_json(&["ingest", "--db", db, "--json", "examples/ferry"]);
    assert_eq!(again["stored"], 0);
    assert_eq!(again["unchanged"], 5);
    assert_eq!(again["store"]["articles"], 5);
    let a = ok_json(&["analyze", "--db", db, "--format", "json", "examples/ferry/wire.jsonl"]);
    let b = ok_json(&["analyze", "--db", db, "--format", "json", "examples/ferry/wire.jsonl"]);
    assert_eq!(a, b);
}

#[test]
fn bad_inputs_are_named_and_skipped() {
    let dir = tmp("bad");
    let db = dir.join("p.db");
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "   \n").unwrap();
    let bad_jsonl = dir.join("bad.jsonl");
    std::fs::write(&bad_jsonl, "{\"id\":\"x\",\"text\":\"A short but real article body that says the bridge reopened on Monday.\"}\nnot json\n").unwrap();
    let out = run(&["analyze", "--db", db.to_str().unwrap(), "--format", "json", empty.to_str().unwrap(), "missing.html", bad_jsonl.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("empty.txt: no article text found"), "{err}");
    assert!(err.contains("missing.html"), "{err}");
    assert!(err.contains("bad.jsonl:2: not valid JSON"), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stories(&v).len(), 1);

    let out = run(&["analyze", "--db", db.to_str().unwrap(), "missing.html"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("error: missing.html"), "{err}");
}

#[test]
fn stdin_and_gzip_inputs() {
    use std::io::Write;
    let dir = tmp("stdin");
    let db = dir.join("p.db");
    let mut child =
        bin().args(["analyze", "--db", db.to_str().unwrap(), "--format", "json", "-"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(std::fs::read("examples/ferry/valley-times.txt").unwrap().as_slice()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stories(&v)[0]["articles"][0]["input"], "-");

    let gz = dir.join("lantern.html.gz");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&std::fs::read("examples/ferry/the-lantern.html").unwrap()).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let v = ok_json(&["extract", gz.to_str().unwrap()]);
    assert_eq!(v["title"], "Port Aster ferry disaster: what we know");
}

#[test]
fn people_formats_render() {
    let dir = tmp("formats");
    let db = dir.join("p.db");
    let db = db.to_str().unwrap();
    for (format, needle) in [("text", "Claim matrix"), ("md", "| claim | status |"), ("html", "<table class=\"claims\">")] {
        let out = run(&["analyze", "--db", db, "--format", format, "examples/ferry"]);
        assert!(out.status.success());
        let s = String::from_utf8(out.stdout).unwrap();
        assert!(s.contains(needle), "{format}: {s}");
        assert!(s.contains("contradicted"), "{format}");
    }
    let listed = ok_json(&["stories", "--db", db, "--json"]);
    let id = listed[0]["id"].as_str().unwrap().to_string();
    let out = run(&["show", "--db", db, &id]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("On whose word"));
    let out = run(&["show", "--db", db, "s-nope"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("s-nope"));
}

#[test]
fn a_killed_ingest_leaves_a_consistent_store() {
    let dir = tmp("kill");
    let db = dir.join("p.db");
    let feed = dir.join("many.jsonl");
    let mut body = String::new();
    for i in 0..4000 {
        body.push_str(&format!(
            "{{\"id\":\"n{i}\",\"source\":\"Outlet {o}\",\"date\":\"2024-01-{d:02}\",\"title\":\"Council {i} votes on plan {i}\",\"text\":\"The council of district {i} voted on plan number {i} on Monday after a debate about item {i}, officials in district {i} said.\"}}\n",
            o = i % 7,
            d = 1 + i % 28
        ));
    }
    std::fs::write(&feed, body).unwrap();
    let mut child = bin().args(["ingest", "--db", db.to_str().unwrap(), feed.to_str().unwrap()]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let _ = child.kill();
    let _ = child.wait();
    // whatever was committed is whole: the store opens, and finishing the batch stores the rest
    let v = ok_json(&["ingest", "--db", db.to_str().unwrap(), "--json", feed.to_str().unwrap()]);
    assert_eq!(v["store"]["articles"], 4000);
    assert_eq!(v["stored"].as_u64().unwrap() + v["unchanged"].as_u64().unwrap(), 4000);
}

fn seeds() -> Option<Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/seeds");
    let mut files: Vec<String> = std::fs::read_dir(&dir).ok()?.flatten().map(|e| e.path().display().to_string()).filter(|p| p.ends_with(".txt")).collect();
    files.sort();
    (files.len() == 3).then_some(files)
}

#[test]
#[ignore = "known gap: the lexical grouping links 002 and 004 on Putin's word (production, entry into service) but not their Belarus sentences, nor 000's paraphrase (best pair 0.25); see the closing notes of issues 14 and 15"]
fn seeds_make_one_story_with_the_right_claim_groups() {
    let Some(files) = seeds() else {
        eprintln!("skipped: ../shared/corpus/seeds is not present");
        return;
    };
    let dir = tmp("seeds");
    let db = dir.join("p.db");
    let mut args = vec!["analyze", "--db", db.to_str().unwrap(), "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let v = ok_json(&args);
    let st = stories(&v);
    assert_eq!(st.len(), 1, "the three seeds are one story");
    let articles = st[0]["articles"].as_array().unwrap();
    let id = |prefix: &str| articles.iter().find(|a| a["input"].as_str().unwrap().contains(prefix)).unwrap()["id"].as_str().unwrap().to_string();
    let (s000, s002, s004) = (id("000_"), id("002_"), id("004_"));

    for a in articles {
        let text = a["text"].as_str().unwrap();
        for other in ["Trump", "Coalition of the Willing", "Roscosmos", "Orban", "Download", "Daily8", "Related Articles", "Getty Images", "No comments"] {
            assert!(!text.contains(other), "{other} leaked into {}", a["input"]);
        }
    }
    let t004 = articles.iter().find(|a| a["id"] == s004.as_str()).unwrap()["text"].as_str().unwrap();
    assert_eq!(t004.matches("The first mass produced Oreshnik hypersonic missile system has entered service").count(), 1);

    let claims = st[0]["claims"].as_array().unwrap();
    let with = |needle: &str| claims.iter().filter(move |c| claim_mentions(c, needle)).collect::<Vec<_>>();
    // the Belarus deployment: 002 and 004, not 000
    let belarus = with("Belarus");
    assert!(
        belarus.iter().any(|c| {
            let a = claim_articles(c);
            a.contains(&s002) && a.contains(&s004)
        }),
        "Belarus claims: {belarus:#?}"
    );
    assert!(belarus.iter().all(|c| !claim_articles(c).contains(&s000)));
    // the 2,000 km figure: 000 only
    let range = with("2,000");
    assert!(!range.is_empty());
    assert!(range.iter().all(|c| claim_articles(c) == vec![s000.clone()]), "{range:#?}");
    // the start of serial production: all three
    assert!(
        claims.iter().any(|c| {
            let a = claim_articles(c);
            [&s000, &s002, &s004].iter().all(|s| a.contains(s)) && claim_mentions(c, "production")
        }),
        "no production claim backed by all three"
    );
}

#[test]
fn seeds_report_origins_framing_and_term_choices() {
    let Some(files) = seeds() else {
        eprintln!("skipped: ../shared/corpus/seeds is not present");
        return;
    };
    let mut args = vec!["compare", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let v = ok_json(&args);
    let st = &stories(&v)[0];
    let articles = st["articles"].as_array().unwrap();
    let id = |prefix: &str| articles.iter().find(|a| a["input"].as_str().unwrap().contains(prefix)).unwrap()["id"].as_str().unwrap().to_string();
    let (s002, s004) = (id("002_"), id("004_"));
    let rt = articles.iter().find(|a| a["id"] == s004.as_str()).unwrap();
    assert_eq!(rt["outlet"], "Russia Today", "the aggregator's repost is Russia Today's article");
    // entry into service, reported by two outlets, rests on Putin alone
    let service: Vec<&Value> = st["claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            let a = claim_articles(c);
            a.contains(&s002) && a.contains(&s004) && (claim_mentions(c, "service") || claim_mentions(c, "production"))
        })
        .collect();
    assert!(!service.is_empty(), "no production or service claim shared by 002 and 004");
    for c in &service {
        assert_eq!(c["status"], "single_origin", "{c:#}");
        let origins = c["origins"].as_array().unwrap();
        assert_eq!(origins.len(), 1, "{c:#}");
        assert_eq!(origins[0]["name"], "Vladimir Putin");
    }
    // framing for every source, and the words each uses for the war and for a town's capture
    assert_eq!(st["framing"].as_array().unwrap().len(), 3);
    let terms = st["terms"].as_array().unwrap();
    let words = |referent: &str| -> Vec<(String, String)> {
        terms
            .iter()
            .filter(|t| t["referent"] == referent)
            .flat_map(|t| t["uses"].as_array().unwrap().iter().map(|u| (u["article"].as_str().unwrap().to_string(), u["term"].as_str().unwrap().to_string())))
            .collect()
    };
    let war = words("the invasion of Ukraine");
    assert!(war.contains(&(s002.clone(), "full-scale invasion".into())) && war.contains(&(s004.clone(), "military operation".into())), "{war:?}");
    let town = words("control of a town passing to an armed force");
    assert!(town.contains(&(s004.clone(), "liberation".into())), "{town:?}");
}

#[test]
fn embedding_model_errors_name_the_reason() {
    let db = tmp("embed").join("p.db");
    let out = run(&["ingest", "--db", db.to_str().unwrap(), "--embed-model", "/nonexistent/model-dir", "examples/ferry"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    if cfg!(feature = "embed") {
        assert!(err.contains("/nonexistent/model-dir") && err.contains("does not exist"), "{err}");
    } else {
        assert!(err.contains("built without embedding support") && err.contains("--features embed"), "{err}");
    }
}

#[test]
fn hostile_pages_are_bounded_and_never_crash() {
    let d = tmp("hostile");
    let story = "<article><p>The harbor bridge in Port Vell reopened on Monday after two weeks of repairs, the city council said.</p><p>Traffic was light in the morning, and officials said buses would return to the route on Wednesday.</p></article>";
    // 50 MB: the article first, then endless markup (only the first megabytes are read)
    let mut huge = format!("<html><body>{story}");
    while huge.len() < 50 * 1024 * 1024 {
        huge.push_str("<div><span>filler filler filler</span></div>");
    }
    std::fs::write(d.join("huge.html"), &huge).unwrap();
    // invalid UTF-8, and a declared charset that lies about UTF-8 text
    let mut broken = story.as_bytes().to_vec();
    broken.extend_from_slice(b"<p>\xff\xfe\xc3 bytes that are not UTF-8 at all, in a long enough paragraph.</p>");
    std::fs::write(d.join("broken.html"), broken).unwrap();
    std::fs::write(
        d.join("lying.html"),
        format!(
            "<meta charset=\"windows-1251\">{}",
            story.replace("</article>", "<p>Caf\u{e9} prices rose, the owner said on Tuesday in the old town.</p></article>")
        ),
    )
    .unwrap();
    let deep = format!("{}{story}{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
    std::fs::write(d.join("deep.html"), deep).unwrap();
    let out = run(&["extract", "--format", "jsonl", d.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let articles: Vec<Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(articles.len(), 4, "{articles:?}");
    for a in &articles {
        let text = a["text"].as_str().unwrap();
        assert!(text.contains("harbor bridge in Port Vell"), "{}: {text}", a["input"]);
    }
    let lying = articles.iter().find(|a| a["input"].as_str().unwrap().ends_with("lying.html")).unwrap();
    assert!(lying["text"].as_str().unwrap().contains("Caf\u{e9}"), "{lying}");
}

#[test]
fn pairs_judges_each_line_and_names_bad_ones() {
    let dir = tmp("pairs");
    let f = dir.join("pairs.jsonl");
    std::fs::write(
        &f,
        concat!(
            r#"{"id": "p1", "a": "The council approved the new harbor budget on Monday.", "b": "On Monday the council approved the harbor's new budget."}"#,
            "\n",
            "not json\n",
            r#"{"id": "p2", "a": "The council approved the new harbor budget on Monday.", "b": "Heavy snow closed mountain roads across the north."}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = run(&["pairs", "--format", "jsonl", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pairs.jsonl:2"), "bad line named");
    let lines: Vec<Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!((lines[0]["id"].as_str(), lines[0]["relation"].as_str(), lines[0]["same"].as_bool()), (Some("p1"), Some("same"), Some(true)), "{lines:?}");
    assert_eq!(lines[1]["relation"], "unrelated", "{lines:?}");
    assert!(lines[0]["score"].as_f64().unwrap() > lines[1]["score"].as_f64().unwrap());
}

#[test]
fn stance_labels_claim_and_text_pairs() {
    let dir = tmp("stance");
    let f = dir.join("stance.jsonl");
    std::fs::write(
        &f,
        concat!(
            r#"{"id": 1, "claim": "Mayor resigns after budget scandal", "text": "Heavy snow closed mountain roads across the north on Sunday. Drivers were told to stay home while crews cleared the passes, and schools in three valleys shut for the day."}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = run(&["stance", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["id"].as_i64(), v["label"].as_str()), (Some(1), Some("unrelated")), "{v}");
    let empty = dir.join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let out = run(&["stance", empty.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty.jsonl: no pairs"));
}

#[test]
fn compare_treats_the_inputs_as_one_story_and_stores_nothing() {
    let dir = tmp("compare");
    let out = bin().args(["compare", "--format", "json", "examples/ferry"]).env("XDG_DATA_HOME", &dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let st = stories(&v);
    assert_eq!(st.len(), 1);
    assert_eq!(st[0]["articles"].as_array().unwrap().len(), 5);
    assert!(st[0]["claims"].as_array().unwrap().iter().any(|c| c["status"] == "contradicted"));
    assert!(!dir.join("parallax").exists(), "compare must not create a store");
}

/// A scoop relayed by two outlets is one origin: the relaying sentences name the outlet they
/// rest on, the claim is "3 reports, 1 origin", and the text report says so.
#[test]
fn relayed_reporting_counts_as_one_origin() {
    let dir = tmp("relay");
    let feed = dir.join("scoop.jsonl");
    let line = |id: &str, source: &str, text: &str| {
        serde_json::json!({"id": id, "source": source, "title": "Mill to close", "date": "2026-05-04", "text": text}).to_string()
    };
    std::fs::write(
        &feed,
        [
            line("ledger", "Valley Ledger", "The Brightwater paper mill will close in June and lay off 340 workers, company documents show.\n\nThe mill opened in 1961."),
            line("courier", "Harbor Courier", "The Brightwater paper mill will close in June, laying off 340 workers, the Valley Ledger reported.\n\nUnion leaders called a meeting for Friday."),
            line("post", "Port Post", "According to the Valley Ledger, the Brightwater paper mill will close in June and 340 workers will lose their jobs.\n\nThe town council has not commented."),
        ]
        .join("\n"),
    )
    .unwrap();
    let v = ok_json(&["compare", "--format", "json", feed.to_str().unwrap()]);
    let story = &stories(&v)[0];
    let claims = story["claims"].as_array().unwrap();
    let mill = claims.iter().find(|c| claim_mentions(c, "340")).expect("the closure claim");
    assert_eq!(mill["outlets"].as_array().unwrap().len(), 3, "{mill:#}");
    assert_eq!(mill["status"], "single_origin", "{mill:#}");
    let origins = mill["origins"].as_array().unwrap();
    assert_eq!(origins.len(), 1);
    assert_eq!(origins[0]["name"], "Valley Ledger");
    for s in mill["support"].as_array().unwrap() {
        let relayed = s["relay"]["outlet"].as_str();
        if s["sentence"].as_str().unwrap().contains("Valley Ledger") {
            assert_eq!(relayed, Some("Valley Ledger"), "{s:#}");
        } else {
            assert_eq!(relayed, None, "the Ledger's own report relays no one: {s:#}");
        }
    }
    let out = bin().args(["compare", feed.to_str().unwrap()]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("3 reports, 1 origin: Valley Ledger; no independent confirmation"), "{text}");
}

/// With the user's outlet profiles, a story shows its coverage by group and the groups that
/// missed it; a copy counts as its origin's outlet, and a broken profile file is a clear error.
#[test]
fn outlet_profiles_give_coverage_by_group_and_blind_spots() {
    let dir = tmp("profiles");
    let db = dir.join("p.db");
    let v = ok_json(&["analyze", "--db", db.to_str().unwrap(), "--outlets", "examples/ferry/outlets.toml", "--format", "json", "examples/ferry"]);
    let story = &stories(&v)[0];
    let groups = story["groups"].as_array().unwrap();
    let of = |g: &str| {
        groups.iter().find(|x| x["group"] == g).map(|x| x["outlets"].as_array().unwrap().iter().map(|o| o.as_str().unwrap().to_string()).collect::<Vec<_>>())
    };
    assert_eq!(of("local"), Some(vec!["Coastal Herald".to_string(), "Valley Times".to_string()]), "{groups:#?}");
    assert_eq!(of("wire"), Some(vec!["Meridian Wire".to_string()]));
    assert_eq!(of("aggregator"), None, "the aggregator's copy counts as the wire: {groups:#?}");
    let missed: Vec<&str> = story["missed_by"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    assert_eq!(missed, vec!["aggregator", "state"]);

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[outlet]]\nname = \"X\"\nlean = 3\n").unwrap();
    let out = bin().args(["analyze", "--db", db.to_str().unwrap(), "--outlets", bad.to_str().unwrap(), "examples/ferry"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml: not valid outlet profiles") && err.contains("lean"), "{err}");
}

#[test]
fn stories_lists_what_a_group_missed() {
    let dir = tmp("missed-by");
    let db = dir.join("p.db");
    ok_json(&["ingest", "--db", db.to_str().unwrap(), "--json", "examples/ferry"]);
    let list = |group: &str| {
        let out =
            bin().args(["stories", "--db", db.to_str().unwrap(), "--outlets", "examples/ferry/outlets.toml", "--missed-by", group, "--json"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap().as_array().unwrap().len()
    };
    assert_eq!(list("state"), 1, "no state outlet covers the ferry story");
    assert_eq!(list("local"), 0, "two local outlets cover it");
    let out = bin().args(["stories", "--db", db.to_str().unwrap(), "--outlets", "examples/ferry/outlets.toml", "--missed-by", "nope"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("has the group \"nope\""));
}

#[test]
fn framing_gives_spans_with_character_offsets_and_names_bad_lines() {
    let dir = tmp("framing");
    let f = dir.join("texts.jsonl");
    std::fs::write(
        &f,
        concat!(
            r#"{"id": "t1", "text": "Café owners slammed the so-called reform as a disgraceful power grab."}"#,
            "\n",
            r#"{"id": "t2"}"#,
            "\n",
            r#"{"id": "t3", "text": "The council approved the budget on Tuesday by a vote of 7 to 2."}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = run(&["framing", "--format", "jsonl", f.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("texts.jsonl:2"), "the line without text is named");
    let lines: Vec<Value> = String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    let (t1, t3) = (&lines[0], &lines[1]);
    assert_eq!((t1["id"].as_str(), t1["biased"].as_bool()), (Some("t1"), Some(true)), "{t1}");
    assert_eq!((t3["biased"].as_bool(), t3["spans"].as_array().map(Vec::len)), (Some(false), Some(0)), "{t3}");
    let text: Vec<char> = "Café owners slammed the so-called reform as a disgraceful power grab.".chars().collect();
    let spans = t1["spans"].as_array().unwrap();
    for s in spans {
        // offsets count characters, so "é" before them does not shift them
        let (a, b) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
        assert_eq!(text[a..b].iter().collect::<String>(), s["text"].as_str().unwrap(), "{s}");
    }
    let techniques: Vec<&str> = spans.iter().filter_map(|s| s["technique"].as_str()).collect();
    assert!(techniques.contains(&"loaded_language") && techniques.contains(&"doubt"), "{techniques:?}");
    let empty = dir.join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let out = run(&["framing", empty.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty.jsonl: no texts"));
}

#[test]
fn storylines_tie_the_eve_of_a_vote_to_its_result_and_leave_other_stories_out() {
    let dir = tmp("storylines");
    let db = dir.join("s.db");
    let db = db.to_str().unwrap();
    let input = dir.join("in.jsonl");
    std::fs::write(&input, common::recall_reports_jsonl()).unwrap();
    let out = run(&["ingest", "--db", db, input.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let lines = ok_json(&["storylines", "--db", db, "--json"]);
    let lines = lines.as_array().expect("an array of storylines");
    assert_eq!(lines.len(), 1, "{lines:?}");
    let members = lines[0]["stories"].as_array().unwrap();
    assert_eq!(members.len(), 2, "the eve and the result are two stories of one storyline: {members:?}");
    assert_eq!(lines[0]["id"], members[0]["id"], "a storyline is named by its first story");
    assert_eq!((members[0]["first"].as_str(), members[1]["first"].as_str()), (Some("2024-03-04"), Some("2024-03-07")), "in the order of their first report");
    assert!(members.iter().all(|m| m["articles"] == 2), "{members:?}");

    let listed = ok_json(&["stories", "--db", db, "--json"]);
    assert_eq!(listed.as_array().unwrap().len(), 3, "{listed}");
    for s in listed.as_array().unwrap() {
        let fire = s["title"].as_str().unwrap().contains("Wildfire");
        assert_eq!(s["storyline"].is_null(), fire, "{s}");
    }
    let text = String::from_utf8(run(&["storylines", "--db", db]).stdout).unwrap();
    assert!(text.contains("2024-03-04") && text.contains("Petra Lind"), "{text}");
    // show: each story names its storyline, with the stories before and after it
    let result = members[1]["id"].as_str().unwrap();
    let shown = ok_json(&["show", "--db", db, "--format", "json", result]);
    let shown = shown["stories"][0].clone();
    assert_eq!(shown["storyline"]["id"], lines[0]["id"], "{shown}");
    assert_eq!(shown["storyline"]["stories"], lines[0]["stories"]);
    let text = String::from_utf8(run(&["show", "--db", db, result]).stdout).unwrap();
    assert!(text.contains(&format!("Storyline {} (2 stories)", members[0]["id"].as_str().unwrap())) && text.contains("(this story)"), "{text}");
}
