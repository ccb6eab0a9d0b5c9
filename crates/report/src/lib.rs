//! Rendering story reports: `text` and `md` for people (sources side by side, the claim matrix,
//! on whose word claims rest), `json` for programs (the documented contract in
//! docs/json-schema.md), `html` for a browser (everything escaped).
//!
//! Renderers are sinks: they take finished [`StoryReport`]s and write them; they never compute.

pub mod html;
pub mod json;
mod text;

use parallax_model::{Attribution, CalendarDate, StoryReport, Value, ValueKind};
use std::io::{self, Write};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
    Html,
    /// The claim matrix as CSV: a row per claim, a column per source.
    Csv,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" | "txt" => Ok(Format::Text),
            "md" | "markdown" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            "csv" => Ok(Format::Csv),
            other => Err(format!("unknown format `{other}` (text, md, json, html, csv)")),
        }
    }
}

/// Writes the reports in the given format.
pub fn render(reports: &[StoryReport], format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Text => text::render(reports, false, out),
        Format::Markdown => text::render(reports, true, out),
        Format::Json => json::render(reports, out),
        Format::Html => html::render(reports, out),
        Format::Csv => matrix_csv(reports, out),
    }
}

/// The claim matrix as CSV (RFC 4180): story, claim, status, outlets, text, then one column per
/// source (`[1] Outlet`) holding `states`, `contradicts` (a side of the claim's conflict) or
/// nothing.
fn matrix_csv(reports: &[StoryReport], out: &mut dyn Write) -> io::Result<()> {
    fn cell(s: &str) -> String {
        // a leading = + - @ would be a formula to a spreadsheet: quoted and prefixed
        let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
        if s.contains([',', '"', '\n', '\r']) || s != s.trim() {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    for r in reports {
        let mut head = vec!["story".to_string(), "claim".into(), "status".into(), "outlets".into(), "text".into()];
        head.extend(r.articles.iter().enumerate().map(|(i, a)| format!("{} {}", label(i), outlet_label(a))));
        writeln!(out, "{}", head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(","))?;
        for c in &r.claims {
            let mut row = vec![r.story.id.clone(), short_id(&c.id), c.status.as_str().to_string(), c.outlets.len().to_string(), c.text.clone()];
            for a in &r.articles {
                let states = c.support.iter().any(|s| s.article == a.id);
                let contradicts = c.conflict.as_ref().is_some_and(|k| k.sides.iter().any(|s| s.article == a.id));
                row.push(
                    if contradicts {
                        "contradicts"
                    } else if states {
                        "states"
                    } else {
                        ""
                    }
                    .to_string(),
                );
            }
            writeln!(out, "{}", row.iter().map(|v| cell(v)).collect::<Vec<_>>().join(","))?;
        }
    }
    Ok(())
}

/// A value as a reader checks it: the words, and what they were read as when that adds
/// something ("on Tuesday = 2024-08-20", "a dozen = 12 (people, killed)").
pub(crate) fn value_note(v: &Value) -> String {
    let reading = match (v.kind, v.date, v.quantity, v.tally) {
        (ValueKind::Date, Some(CalendarDate::Day { year, month, day }), _, _) => format!("{year:04}-{month:02}-{day:02}"),
        (ValueKind::Date, Some(CalendarDate::Month { year, month }), _, _) => format!("{year:04}-{month:02}"),
        (ValueKind::Date, Some(CalendarDate::Year { year }), _, _) => format!("{year:04}"),
        (ValueKind::Date, Some(CalendarDate::MonthDay { month, day }), _, _) => format!("{month:02}-{day:02}, year unknown"),
        (ValueKind::Date, _, _, _) => "unresolved".to_string(),
        (ValueKind::Number, _, _, Some([a, b])) => format!("tally {a}-{b}"),
        (ValueKind::Number, _, Some(q), _) => {
            let n = |x: f64| if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") };
            let num = if !q.approximate {
                n(q.stated)
            } else if q.high.is_infinite() {
                format!("over {}", n(q.stated))
            } else if q.high <= q.stated && q.low <= 0.0 {
                format!("under {}", n(q.stated))
            } else {
                format!("about {}", n(q.stated))
            };
            let about: Vec<&str> = [Some(v.frame.as_str()).filter(|f| !f.is_empty()), v.role.as_deref()].into_iter().flatten().collect();
            if about.is_empty() {
                num
            } else {
                format!("{num} ({})", about.join(", "))
            }
        }
        _ => return v.text.clone(),
    };
    format!("{} = {}", v.text, reading)
}

/// "on the word of Tomas Reed (direct, said)".
pub(crate) fn speaker_note(a: &Attribution) -> String {
    match &a.cue {
        Some(cue) => format!("on the word of {} ({}, {})", a.speaker, a.kind.as_str(), cue),
        None => format!("on the word of {} ({})", a.speaker, a.kind.as_str()),
    }
}

/// Short labels for a story's articles: [1], [2], ... in story order.
/// On whose word a claim rests: "4 reports, 1 origin: Tomas Reed; no independent
/// confirmation", "3 reports, 2 origins: CBS News (relayed by Newsmax); Port Daily".
pub(crate) fn origin_note(c: &parallax_model::Claim) -> Option<String> {
    if c.origins.is_empty() || c.outlets.len() < 2 {
        return None;
    }
    let reports = c.outlets.len();
    let names: Vec<String> = c
        .origins
        .iter()
        .map(|o| if o.relayed_by.is_empty() { o.name.clone() } else { format!("{} (relayed by {})", o.name, o.relayed_by.join(", ")) })
        .collect();
    let n = c.origins.len();
    let flag = if n == 1 { "; no independent confirmation" } else { "" };
    Some(format!("{reports} reports, {n} origin{}: {}{flag}", if n == 1 { "" } else { "s" }, names.join("; ")))
}

/// Who had a claim first: "first reported by Port Daily on 2026-03-03; then Harbor News
/// (2026-03-04)". Only when two or more outlets' reports are dated.
pub(crate) fn timeline_note(c: &parallax_model::Claim) -> Option<String> {
    let (first, rest) = c.timeline.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let then: Vec<String> = rest.iter().map(|r| format!("{} ({})", r.outlet, r.published)).collect();
    Some(format!("first reported by {} on {}; then {}", first.outlet, first.published, then.join(", ")))
}

/// A support that relays another outlet: "relays CBS News (reported)".
pub(crate) fn relay_note(s: &parallax_model::Support) -> Option<String> {
    s.relay.as_ref().map(|r| format!("relays {} ({})", r.outlet, r.cue))
}

/// The story's one-line summary: "3 articles from 3 outlets. 41 claims: 0 corroborated, ...".
pub(crate) fn summary_line(r: &StoryReport) -> String {
    use parallax_model::ClaimStatus;
    let count = |s: ClaimStatus| r.claims.iter().filter(|c| c.status == s).count();
    let outlets: std::collections::BTreeSet<String> = r.articles.iter().map(|a| a.outlet_or_host()).collect();
    format!(
        "{} articles from {} outlets. {} claims: {} corroborated, {} contradicted, {} on one origin only, {} single-source.",
        r.articles.len(),
        outlets.len(),
        r.claims.len(),
        count(ClaimStatus::Corroborated),
        count(ClaimStatus::Contradicted),
        count(ClaimStatus::SingleOrigin),
        count(ClaimStatus::SingleSource)
    )
}

/// An article's outlet as a reader sees it: its name, or "(outlet not named)" rather than the
/// path it was read from.
pub(crate) fn outlet_label(a: &parallax_model::Article) -> String {
    let o = a.outlet();
    if o.named {
        o.name
    } else {
        "(outlet not named)".to_string()
    }
}

/// The outlet label of the story's article `id` (see [`outlet_label`]), or `fallback`.
fn outlet_of(r: &StoryReport, id: &str, fallback: &str) -> String {
    r.articles.iter().find(|a| a.id == id).map_or_else(|| fallback.to_string(), outlet_label)
}

/// "s123-c4" reads as "C4" inside its own story.
pub(crate) fn short_id(id: &str) -> String {
    id.rsplit_once("-c").map(|(_, n)| format!("C{n}")).unwrap_or_else(|| id.to_string())
}

/// On whose word the story's sentences rest: each speaker with the number of sentences and the
/// sources (article indexes) that carry them, most sentences first; and how many sentences the
/// outlets say in their own voice.
pub(crate) fn speakers(r: &StoryReport) -> (Vec<(String, usize, Vec<usize>)>, usize) {
    let mut by: std::collections::BTreeMap<&str, (usize, Vec<usize>)> = std::collections::BTreeMap::new();
    for c in &r.claims {
        for s in &c.support {
            if let Some(a) = &s.attribution {
                let e = by.entry(a.as_str()).or_default();
                e.0 += 1;
                if let Some(p) = r.articles.iter().position(|x| x.id == s.article) {
                    if !e.1.contains(&p) {
                        e.1.push(p);
                    }
                }
            }
        }
    }
    let own = r.claims.iter().flat_map(|c| &c.support).filter(|s| s.attribution.is_none()).count();
    let mut rows: Vec<(String, usize, Vec<usize>)> = by
        .into_iter()
        .map(|(who, (n, mut arts))| {
            arts.sort_unstable();
            (who.to_string(), n, arts)
        })
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    (rows, own)
}

/// One side of a contradiction: "[2] states 3 million euros: \"It cost 3 million euros.\"".
pub(crate) fn side_line(r: &StoryReport, side: &parallax_model::ConflictSide) -> String {
    let idx = r.articles.iter().position(|a| a.id == side.article).map(label).unwrap_or_else(|| side.article.clone());
    format!("{idx} states {}: \"{}\"", if side.values.is_empty() { "it".to_string() } else { side.values.join(", ") }, side.sentence)
}

/// Spans listed per source in a report; the counts cover them all.
pub(crate) const FRAMING_SPANS_SHOWN: usize = 12;

/// One source's framing in a report: "[2] RT: 7 spans: loaded language 4 (2 quoted), doubt 3",
/// then the spans, the outlet's own voice first ("S4 loaded language: \"slammed\"").
pub(crate) fn framing_lines(r: &StoryReport) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for f in &r.framing {
        let idx = r.articles.iter().position(|a| a.id == f.article).map(label).unwrap_or_default();
        let outlet = outlet_of(r, &f.article, &f.outlet);
        if f.spans.is_empty() {
            out.push((format!("{idx} {outlet}: no loaded words or techniques found"), vec![]));
            continue;
        }
        let counts: Vec<String> = f
            .counts
            .iter()
            .map(|c| {
                if c.quoted > 0 {
                    format!("{} {} ({} quoted)", c.technique.label(), c.count, c.quoted)
                } else {
                    format!("{} {}", c.technique.label(), c.count)
                }
            })
            .collect();
        let n = f.spans.len();
        let head = format!("{idx} {outlet}: {n} span{}: {}", if n == 1 { "" } else { "s" }, counts.join(", "));
        let mut spans: Vec<&parallax_model::FramingSpan> = f.spans.iter().collect();
        spans.sort_by_key(|s| (s.quoted, s.sentence_index, s.span.start));
        let mut lines: Vec<String> = spans
            .iter()
            .take(FRAMING_SPANS_SHOWN)
            .map(|s| format!("S{} {}: \"{}\"{}", s.sentence_index + 1, s.technique.label(), clip(&s.text, 80), if s.quoted { " (in a quote)" } else { "" }))
            .collect();
        if n > FRAMING_SPANS_SHOWN {
            lines.push(format!("and {} more", n - FRAMING_SPANS_SHOWN));
        }
        out.push((head, lines));
    }
    out
}

/// One referent's words, source by source: "the capital of Ukraine: [1] Reuters \"kyiv\" 3×;
/// [2] RT \"kiev\" 5×".
pub(crate) fn term_line(r: &StoryReport, t: &parallax_model::TermChoice) -> String {
    let uses: Vec<String> = t
        .uses
        .iter()
        .map(|u| {
            let idx = r.articles.iter().position(|a| a.id == u.article).map(label).unwrap_or_default();
            let slant = if u.slant == parallax_model::Slant::Neutral { String::new() } else { format!(", {}", u.slant.key()) };
            format!("{idx} {} \"{}\" {}\u{d7}{slant}", outlet_of(r, &u.article, &u.outlet), u.term, u.count)
        })
        .collect();
    format!("{}: {}", t.referent, uses.join("; "))
}

pub(crate) fn label(index: usize) -> String {
    format!("[{}]", index + 1)
}

/// Shortens text to `max` characters at a word boundary, with an ellipsis.
pub(crate) fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(p) if p > max / 2 => cut[..p].to_string(),
        _ => cut,
    };
    format!("{}\u{2026}", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
pub(crate) mod fixture {
    use parallax_model::*;

    pub fn report() -> StoryReport {
        let a = Article {
            id: "a1".into(),
            input: "one.txt".into(),
            outlet: Some("Port Daily".into()),
            title: Some("Bridge <reopens>".into()),
            paragraphs: vec!["The bridge reopened on Monday, the council said.".into(), "It cost 2 million euros.".into()],
            ..Default::default()
        };
        let b = Article {
            id: "a2".into(),
            input: "two.txt".into(),
            outlet: Some("Harbor News".into()),
            title: Some("Bridge open".into()),
            paragraphs: vec!["The bridge reopened Monday.".into(), "It cost 3 million euros, officials said.".into()],
            ..Default::default()
        };
        let sup = |article: &str, sentence: &str, attribution: Option<&str>, values: Vec<String>| Support {
            article: article.into(),
            sentence: sentence.into(),
            sentence_index: 0,
            span: Span { start: 0, end: sentence.len() },
            attribution: attribution.map(str::to_string),
            speaker: None,
            values,
            details: vec![],
            relay: None,
        };
        StoryReport {
            story: Story { id: "s1".into(), title: "Bridge <reopens>".into(), article_ids: vec!["a1".into(), "a2".into()] },
            claims: vec![
                Claim {
                    id: "s1-c1".into(),
                    text: "It cost 2 million euros.".into(),
                    status: ClaimStatus::Contradicted,
                    outlets: vec!["Port Daily".into(), "Harbor News".into()],
                    support: vec![
                        sup("a1", "It cost 2 million euros.", None, vec!["2 million euros".into()]),
                        sup("a2", "It cost 3 million euros, officials said.", Some("officials"), vec!["3 million euros".into()]),
                    ],
                    conflict: Some(Conflict {
                        kind: ConflictKind::Number,
                        frame: "euro".into(),
                        values: vec!["2 million euros".into(), "3 million euros".into()],
                        sides: vec![],
                    }),
                    origins: vec![],
                    timeline: vec![],
                },
                Claim {
                    id: "s1-c2".into(),
                    text: "The bridge reopened on Monday, the council said.".into(),
                    status: ClaimStatus::Corroborated,
                    outlets: vec!["Port Daily".into(), "Harbor News".into()],
                    support: vec![
                        sup("a1", "The bridge reopened on Monday, the council said.", Some("council"), vec![]),
                        sup("a2", "The bridge reopened Monday.", None, vec![]),
                    ],
                    conflict: None,
                    origins: vec![parallax_model::Origin {
                        name: "council".into(),
                        kind: parallax_model::OriginKind::Speaker,
                        reported_by: vec!["Port Daily".into(), "Harbor News".into()],
                        relayed_by: vec![],
                    }],
                    timeline: vec![
                        parallax_model::Reported { outlet: "Harbor News".into(), article: "a2".into(), published: "2026-03-03".into() },
                        parallax_model::Reported { outlet: "Port Daily".into(), article: "a1".into(), published: "2026-03-04".into() },
                    ],
                },
            ],
            articles: vec![a, b],
            aliases: vec![parallax_model::Alias { name: "Kyiv".into(), forms: vec!["Kiev".into()] }],
            groups: vec![parallax_model::GroupCoverage { group: "local".into(), outlets: vec!["Port Daily".into(), "Harbor News".into()] }],
            missed_by: vec!["national".into()],
            ties: vec![parallax_model::Tie { text: "Harbor Bridge".into(), kind: parallax_model::TieKind::Name, articles: vec!["a1".into(), "a2".into()] }],
            framing: vec![
                ArticleFraming {
                    article: "a1".into(),
                    outlet: "Port Daily".into(),
                    counts: vec![TechniqueCount { technique: Technique::LoadedLanguage, count: 2, quoted: 1 }],
                    spans: vec![
                        FramingSpan {
                            span: Span { start: 60, end: 68 },
                            text: "\"a <fiasco>\"".into(),
                            technique: Technique::LoadedLanguage,
                            quoted: true,
                            sentence_index: 1,
                        },
                        FramingSpan {
                            span: Span { start: 4, end: 11 },
                            text: "slammed".into(),
                            technique: Technique::LoadedLanguage,
                            quoted: false,
                            sentence_index: 0,
                        },
                    ],
                },
                ArticleFraming { article: "a2".into(), outlet: "Harbor News".into(), counts: vec![], spans: vec![] },
            ],
            terms: vec![TermChoice {
                referent: "the capital of Ukraine".into(),
                uses: vec![
                    TermUse {
                        article: "a1".into(),
                        outlet: "Port Daily".into(),
                        term: "kyiv".into(),
                        slant: Slant::Official,
                        count: 2,
                        sentence_index: 0,
                        sentence: "…".into(),
                    },
                    TermUse {
                        article: "a2".into(),
                        outlet: "Harbor News".into(),
                        term: "kiev".into(),
                        slant: Slant::Neutral,
                        count: 1,
                        sentence_index: 0,
                        sentence: "…".into(),
                    },
                ],
            }],
            storyline: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_at_words() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("the quick brown fox jumps", 12), "the quick\u{2026}");
    }

    #[test]
    fn the_claim_matrix_is_csv_a_spreadsheet_cannot_run() {
        let mut r = fixture::report();
        r.claims[1].text = "=HYPERLINK(\"x\"), with a comma".into();
        let mut buf = Vec::new();
        render(&[r], Format::Csv, &mut buf).unwrap();
        let csv = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "story,claim,status,outlets,text,[1] Port Daily,[2] Harbor News");
        assert_eq!(lines[1], "s1,C1,contradicted,2,It cost 2 million euros.,states,states");
        assert_eq!(lines[2], "s1,C2,corroborated,2,\"'=HYPERLINK(\"\"x\"\"), with a comma\",states,states");
    }

    #[test]
    fn formats_parse() {
        assert_eq!("md".parse::<Format>().unwrap(), Format::Markdown);
        assert!("pdf".parse::<Format>().unwrap_err().contains("text, md, json, html, csv"));
    }
}
