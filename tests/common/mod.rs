//! What the end-to-end test files share: the binary, scratch directories, a deterministic
//! random source and invented reports (test HTTP servers: `parallax_testsite`).
#![allow(dead_code)] // each test file uses its own part of it

use std::path::PathBuf;
use std::process::Command;

/// The `parallax` binary, run from the repository root, with no store or model from the
/// environment.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_parallax"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("PARALLAX_DB");
    c.env_remove("PARALLAX_EMBED_MODEL");
    c
}

/// A fresh, empty scratch directory for one test.
pub fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("parallax-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// xorshift64: the same "random" texts on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// An index below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// One report of an invented event (see [`invented_reports`]).
pub struct Report {
    pub event: usize,
    /// The report's number within its event.
    pub k: u64,
    pub outlet: String,
    pub title: String,
    /// `2024-06-DD`: days advance every 300 events.
    pub date: String,
    /// Two paragraphs of 40 words, each ending with a full stop.
    pub paragraphs: [String; 2],
}

/// Events told by several outlets in their own invented names: `n_events` events of 3 to 5
/// reports each, the later reports of an event looser (more common words). The same `seed`
/// gives the same reports.
pub fn invented_reports(seed: u64, n_events: usize) -> Vec<Report> {
    let syllables = ["ka", "ro", "vel", "tan", "mi", "sor", "den", "lu", "pra", "gor", "zei", "bak", "nor", "til", "fe", "qua"];
    let common = ["officials", "said", "week", "city", "report", "people", "local", "plan", "council", "police"];
    let mut rng = Rng(seed);
    let mut next = move || rng.next();
    let mut out = Vec::new();
    for e in 0..n_events {
        let names: Vec<String> = (0..6).map(|_| (0..3).map(|_| syllables[(next() % 16) as usize]).collect::<String>()).collect();
        for k in 0..(3 + next() % 3) {
            let words: Vec<&str> =
                (0..80).map(|_| if next() % 10 < 9 - 2 * k.min(3) { names[(next() % 6) as usize].as_str() } else { common[(next() % 10) as usize] }).collect();
            out.push(Report {
                event: e,
                k,
                outlet: format!("Outlet {}", (e + k as usize * 7) % 23),
                title: format!("{} {}", names[0], names[1]),
                date: format!("2024-06-{:02}", 1 + (e / 300) % 28),
                paragraphs: [format!("{}.", words[..40].join(" ")), format!("{}.", words[40..].join(" "))],
            });
        }
    }
    out
}

/// Five reports as JSONL: the eve of a recall vote and its result three days later (two outlets
/// each: two stories of one storyline), and an unrelated wildfire between them.
pub fn recall_reports_jsonl() -> String {
    let rows = [
        (
            "eve-1",
            "2024-03-04",
            "Valmora Daily",
            "Voters in Valmora decide on recall of governor Petra Lind",
            "Voters in Valmora go to the polls on Tuesday to decide whether to recall governor Petra Lind, who faces anger over the water shortage.",
        ),
        (
            "eve-2",
            "2024-03-04",
            "Coast Herald",
            "Valmora votes on whether to recall governor Petra Lind",
            "Polls open in Valmora on Tuesday in the recall election of governor Petra Lind, blamed by critics for the water shortage.",
        ),
        (
            "fire-1",
            "2024-03-05",
            "Coast Herald",
            "Wildfire forces evacuations in Casterra",
            "Firefighters in Casterra battled a wildfire that forced 300 residents to leave their homes on Wednesday.",
        ),
        (
            "result-1",
            "2024-03-07",
            "Valmora Daily",
            "Governor Petra Lind survives Valmora recall",
            "Governor Petra Lind of Valmora survived the recall vote over the water shortage, results showed on Thursday.",
        ),
        (
            "result-2",
            "2024-03-07",
            "Coast Herald",
            "Petra Lind keeps her job as Valmora recall fails",
            "The recall of Valmora governor Petra Lind failed, results showed on Thursday, after a campaign over the water shortage.",
        ),
    ];
    rows.iter()
        .map(|(id, date, source, title, text)| serde_json::json!({"id": id, "date": date, "source": source, "title": title, "text": text}).to_string() + "\n")
        .collect()
}
