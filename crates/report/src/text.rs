//! The report for people, as plain text or Markdown: who reported the story, the claim matrix
//! (claims x sources), each claim with the exact sentences behind it, and on whose word claims
//! rest.

use crate::{clip, label, short_id, speaker_note, value_note};
use parallax_model::StoryReport;
use std::io::{self, Write};

pub fn render(reports: &[StoryReport], md: bool, out: &mut dyn Write) -> io::Result<()> {
    if reports.is_empty() {
        writeln!(out, "No stories.")?;
    }
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        story(r, md, out)?;
    }
    Ok(())
}

fn heading(out: &mut dyn Write, md: bool, level: usize, text: &str) -> io::Result<()> {
    if md {
        writeln!(out, "{} {}\n", "#".repeat(level), text)
    } else if level == 1 {
        writeln!(out, "{text}\n{}\n", "=".repeat(text.chars().count().min(100)))
    } else {
        writeln!(out, "{text}\n{}", "-".repeat(text.chars().count().min(100)))
    }
}

fn story(r: &StoryReport, md: bool, out: &mut dyn Write) -> io::Result<()> {
    heading(out, md, 1, &format!("Story {}: {}", r.story.id, r.story.title))?;
    writeln!(out, "{}\n", crate::summary_line(r))?;

    heading(out, md, 2, "Sources")?;
    if md {
        writeln!(out, "| | outlet | title | byline | published | input |\n|---|---|---|---|---|---|")?;
    }
    for (i, a) in r.articles.iter().enumerate() {
        let copy =
            a.duplicate_of.as_ref().and_then(|d| r.articles.iter().position(|x| &x.id == d)).map(|p| format!(" (copy of {})", label(p))).unwrap_or_default();
        let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
        if md {
            writeln!(
                out,
                "| {} | {}{} | {} | {} | {} | `{}` |",
                label(i),
                md_cell(&crate::outlet_label(a)),
                copy,
                md_cell(&dash(&a.title)),
                md_cell(&dash(&a.byline)),
                dash(&a.published),
                a.input
            )?;
        } else {
            let outlet = crate::outlet_label(a);
            writeln!(
                out,
                "{} {}{}\n    {}\n    by {} | published {} | {} | {} paragraphs | {}",
                label(i),
                outlet,
                copy,
                dash(&a.title),
                dash(&a.byline),
                dash(&a.published),
                dash(&a.language),
                a.paragraphs.len(),
                a.input
            )?;
        }
    }
    writeln!(out)?;

    heading(out, md, 2, "Claim matrix")?;
    let cols: Vec<String> = (0..r.articles.len()).map(label).collect();
    if md {
        writeln!(out, "| claim | status | {} | statement |", cols.join(" | "))?;
        writeln!(out, "|---|---|{}---|", "---|".repeat(cols.len()))?;
    } else {
        writeln!(out, "{:<6} {:<14} {}  statement", "claim", "status", cols.join(" "))?;
    }
    for c in &r.claims {
        let marks: Vec<String> = r
            .articles
            .iter()
            .zip(&cols)
            .map(|(a, col)| {
                let has = c.support.iter().any(|s| s.article == a.id);
                let m = if has { "x" } else { "." };
                if md {
                    m.to_string()
                } else {
                    format!("{m:^w$}", w = col.len())
                }
            })
            .collect();
        let short = short_id(&c.id);
        if md {
            writeln!(out, "| {} | {} | {} | {} |", short, c.status.as_str(), marks.join(" | "), md_cell(&clip(&c.text, 90)))?;
        } else {
            writeln!(out, "{:<6} {:<14} {}  {}", short, c.status.as_str(), marks.join(" "), clip(&c.text, 90))?;
        }
    }
    writeln!(out)?;

    heading(out, md, 2, "Claims")?;
    for c in &r.claims {
        let who = if c.outlets.len() == 1 { "1 outlet".to_string() } else { format!("{} outlets", c.outlets.len()) };
        let line = format!("{} {} ({}): {}", short_id(&c.id), c.status.as_str(), who, c.text);
        if md {
            writeln!(out, "- **{}**", md_cell(&line))?;
        } else {
            writeln!(out, "{line}")?;
        }
        for t in [crate::origin_note(c), crate::timeline_note(c)].into_iter().flatten() {
            if md {
                writeln!(out, "  - _{}_", md_cell(&t))?;
            } else {
                writeln!(out, "    = {t}")?;
            }
        }
        if let Some(conf) = &c.conflict {
            let t = format!("conflict on {} ({}): {}", conf.kind.as_str(), conf.frame, conf.values.join(" vs "));
            if md {
                writeln!(out, "  - _{}_", md_cell(&t))?;
            } else {
                writeln!(out, "    ! {t}")?;
            }
            for side in &conf.sides {
                let t = crate::side_line(r, side);
                if md {
                    writeln!(out, "    - {}", md_cell(&t))?;
                } else {
                    writeln!(out, "      {t}")?;
                }
            }
        }
        for s in &c.support {
            let idx = r.articles.iter().position(|a| a.id == s.article).map(label).unwrap_or_else(|| s.article.clone());
            let on = match (&s.speaker, &s.attribution) {
                (Some(a), _) => format!(" ({})", speaker_note(a)),
                (None, Some(a)) => format!(" (on the word of {a})"),
                (None, None) => String::new(),
            };
            let details: Vec<String> = s.details.iter().filter(|v| v.kind != parallax_model::ValueKind::Place).map(value_note).collect();
            let mut values = if details.is_empty() { String::new() } else { format!(" [{}]", details.join("; ")) };
            if let Some(r) = crate::relay_note(s) {
                values.push_str(&format!(" ({r})"));
            }
            if md {
                writeln!(out, "  - {} \"{}\"{}{}", idx, md_cell(&s.sentence), md_cell(&on), md_cell(&values))?;
            } else {
                writeln!(out, "    {} \"{}\"{}{}", idx, s.sentence, on, values)?;
            }
        }
    }
    writeln!(out)?;

    if !r.groups.is_empty() {
        let by: Vec<String> = r.groups.iter().map(|g| format!("{} ({})", g.group, g.outlets.join(", "))).collect();
        let missed = if r.missed_by.is_empty() { String::new() } else { format!(" Blind spot: no outlet of {} covers it.", r.missed_by.join(", ")) };
        writeln!(out, "Coverage by group: {}.{missed}\n", by.join("; "))?;
    }
    if let Some(line) = &r.storyline {
        // where this story sits in the matter it belongs to: the stories before and after it
        let items: Vec<String> = line
            .stories
            .iter()
            .map(|s| {
                let day = s.first.as_deref().unwrap_or("undated");
                let here = if s.id == r.story.id { " (this story)" } else { "" };
                if md {
                    format!("{day} {} {}{here}", md_cell(&s.id), md_cell(&s.title))
                } else {
                    format!("{day} {} {}{here}", s.id, s.title)
                }
            })
            .collect();
        writeln!(out, "Storyline {} ({} stories): {}.\n", line.id, line.stories.len(), items.join("; "))?;
    }
    if !r.ties.is_empty() {
        heading(out, md, 2, "Why these articles are one story")?;
        for kind in [parallax_model::TieKind::Name, parallax_model::TieKind::Date, parallax_model::TieKind::Term] {
            let items: Vec<String> = r
                .ties
                .iter()
                .filter(|t| t.kind == kind)
                .map(|t| {
                    let idx: String = t.articles.iter().filter_map(|a| r.articles.iter().position(|x| &x.id == a)).map(label).collect();
                    format!("{} {idx}", t.text)
                })
                .collect();
            if items.is_empty() {
                continue;
            }
            let what = match kind {
                parallax_model::TieKind::Name => "names",
                parallax_model::TieKind::Date => "dates",
                parallax_model::TieKind::Term => "words",
            };
            let line = format!("shared {what}: {}", items.join("; "));
            if md {
                writeln!(out, "- {}", md_cell(&line))?;
            } else {
                writeln!(out, "{line}")?;
            }
        }
        writeln!(out)?;
    }
    if !r.aliases.is_empty() {
        let forms: Vec<String> = r.aliases.iter().map(|a| format!("{} (also {})", a.name, a.forms.join(", "))).collect();
        writeln!(out, "Names spelled more than one way, read as one: {}.\n", forms.join("; "))?;
    }
    heading(out, md, 2, "What each source leaves out")?;
    for cov in r.coverage() {
        let idx = r.articles.iter().position(|a| a.id == cov.article).map(label).unwrap_or_default();
        let adds = match cov.adds.len() {
            0 => "adds nothing no one else has".to_string(),
            n => format!("adds {n} claim{} no one else has", if n == 1 { "" } else { "s" }),
        };
        let line =
            format!("{idx} {}: leaves out {} shared claim{}; {adds}", cov.outlet, cov.leaves_out_total, if cov.leaves_out_total == 1 { "" } else { "s" });
        if md {
            writeln!(out, "- {}", md_cell(&line))?;
        } else {
            writeln!(out, "{line}")?;
        }
        for o in cov.leaves_out.iter().take(8) {
            let t = format!("does not mention: {} ({} outlets)", clip(&o.text, 160), o.outlets);
            if md {
                writeln!(out, "  - {}", md_cell(&t))?;
            } else {
                writeln!(out, "    {t}")?;
            }
        }
    }
    writeln!(out)?;

    if !r.framing.is_empty() {
        heading(out, md, 2, "Framing: loaded words and techniques")?;
        for (head, lines) in crate::framing_lines(r) {
            if md {
                writeln!(out, "- {}", md_cell(&head))?;
            } else {
                writeln!(out, "{head}")?;
            }
            for l in lines {
                if md {
                    writeln!(out, "  - {}", md_cell(&l))?;
                } else {
                    writeln!(out, "    {l}")?;
                }
            }
        }
        writeln!(out)?;
    }
    if !r.terms.is_empty() {
        heading(out, md, 2, "Term choices")?;
        for t in &r.terms {
            let line = crate::term_line(r, t);
            if md {
                writeln!(out, "- {}", md_cell(&line))?;
            } else {
                writeln!(out, "{line}")?;
            }
        }
        writeln!(out)?;
    }

    heading(out, md, 2, "On whose word")?;
    let (rows, unattributed) = crate::speakers(r);
    for (who, n, arts) in rows {
        let labels: Vec<String> = arts.into_iter().map(label).collect();
        let line = format!("{who}: {n} sentence{} in {}", if n == 1 { "" } else { "s" }, labels.join(" "));
        if md {
            writeln!(out, "- {}", md_cell(&line))?;
        } else {
            writeln!(out, "  {line}")?;
        }
    }
    let line = format!("the outlets' own voice: {unattributed} sentence{}", if unattributed == 1 { "" } else { "s" });
    if md {
        writeln!(out, "- {line}")?;
    } else {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(md: bool) -> String {
        let mut buf = Vec::new();
        render(&[crate::fixture::report()], md, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn text_report_has_sources_matrix_claims_and_attributions() {
        let t = rendered(false);
        assert!(t.contains("2 articles from 2 outlets. 2 claims: 1 corroborated, 1 contradicted, 0 on one origin only, 0 single-source."), "{t}");
        assert!(t.contains("[1] Port Daily"));
        assert!(t.contains("C1     contradicted    x   x   It cost 2 million euros."), "{t}");
        assert!(t.contains("! conflict on number (euro): 2 million euros vs 3 million euros"));
        assert!(t.contains("[2] \"It cost 3 million euros, officials said.\" (on the word of officials)"));
        assert!(t.contains("council: 1 sentence in [1]"));
        assert!(t.contains("= 2 reports, 1 origin: council; no independent confirmation"), "{t}");
        assert!(t.contains("read as one: Kyiv (also Kiev)."), "{t}");
        assert!(t.contains("= first reported by Harbor News on 2026-03-03; then Port Daily (2026-03-04)"), "{t}");
        assert!(t.contains("shared names: Harbor Bridge [1][2]"), "{t}");
        assert!(t.contains("Coverage by group: local (Port Daily, Harbor News). Blind spot: no outlet of national covers it."), "{t}");
    }

    #[test]
    fn speakers_values_and_resolved_dates_are_shown() {
        use parallax_model::*;
        let mut r = crate::fixture::report();
        let s = &mut r.claims[1].support[0];
        s.speaker =
            Some(Attribution { speaker: "Ilse Brandt".into(), cue: Some("said".into()), kind: AttributionKind::Reported, speaker_span: None, cue_span: None });
        s.details = vec![Value {
            kind: ValueKind::Date,
            text: "on Monday".into(),
            span: Span { start: 20, end: 29 },
            frame: "date".into(),
            quantity: None,
            date: Some(CalendarDate::Day { year: 2024, month: 8, day: 19 }),
            tally: None,
            role: None,
        }];
        r.claims[0].conflict.as_mut().unwrap().sides = vec![ConflictSide {
            article: "a2".into(),
            sentence_index: 1,
            sentence: "It cost 3 million euros, officials said.".into(),
            values: vec!["3 million euros".into()],
        }];
        let mut buf = Vec::new();
        render(&[r], false, &mut buf).unwrap();
        let t = String::from_utf8(buf).unwrap();
        assert!(t.contains("(on the word of Ilse Brandt (reported, said)) [on Monday = 2024-08-19]"), "{t}");
        assert!(t.contains("[2] states 3 million euros: \"It cost 3 million euros, officials said.\""), "{t}");
    }

    #[test]
    fn framing_spans_and_term_choices_are_listed_per_source() {
        let t = rendered(false);
        assert!(t.contains("[1] Port Daily: 2 spans: loaded language 2 (1 quoted)"), "{t}");
        // the outlet's own voice first, then what it quotes
        let own = t.find("S1 loaded language: \"slammed\"").expect("own-voice span");
        let quoted = t.find("(in a quote)").expect("quoted span");
        assert!(own < quoted, "{t}");
        assert!(t.contains("[2] Harbor News: no loaded words or techniques found"), "{t}");
        assert!(t.contains("the capital of Ukraine: [1] Port Daily \"kyiv\" 2\u{d7}, official; [2] Harbor News \"kiev\" 1\u{d7}"), "{t}");
    }

    #[test]
    fn markdown_escapes_table_cells() {
        let t = rendered(true);
        assert!(t.starts_with("# Story s1: Bridge <reopens>"));
        assert!(t.contains("| C2 | corroborated | x | x |"));
    }
}
