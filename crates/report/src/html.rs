//! A self-contained HTML page per run: sources side by side, the claim matrix, claims with their
//! sentences. Every string from an article is escaped: page content is hostile.

use crate::{clip, label, speaker_note, value_note};
use parallax_model::StoryReport;
use std::io::{self, Write};

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}\
h1,h2,.source,blockquote,li,p{overflow-wrap:anywhere}.matrix{overflow-x:auto}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}\
@media (max-width:600px){body{margin:1em auto;font-size:14px}td,th{padding:3px 4px}.sources{grid-template-columns:1fr}}\
.sources{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:1em}\
.source{border:1px solid #ddd;border-radius:6px;padding:.6em}.corroborated{color:#176a1d}.contradicted{color:#b00020}\
.single_source{color:#666}.single_origin{color:#a60}.mark{text-align:center}blockquote{margin:.3em 0 .3em 1em;color:#333}";

/// One row of the stories page.
pub struct StoryRow<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub articles: usize,
    pub outlets: usize,
    /// Earliest and latest publication dates.
    pub dates: Option<(&'a str, &'a str)>,
    /// Coverage by the user's outlet groups, and the groups that missed it (see
    /// `StoryReport::apply_profiles`).
    pub groups: &'a [parallax_model::GroupCoverage],
    pub missed_by: &'a [String],
}

/// The stories page of `parallax serve`: the largest stories first, a page at a time, each a
/// link to its page.
pub fn stories_page(rows: &[StoryRow], page: usize, more: bool, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>parallax: stories</title><style>{STYLE}</style></head><body><h1>Stories</h1>"
    )?;
    search_box(out, "")?;
    if rows.is_empty() {
        writeln!(out, "<p>No stories yet: ingest some articles (<code>parallax analyze examples/ferry</code>, <code>parallax add FEED_URL</code>).</p>")?;
    } else {
        let grouped = rows.iter().any(|r| !r.groups.is_empty());
        writeln!(
            out,
            "<div class=\"matrix\"><table><tr><th>story</th><th>articles</th><th>outlets</th><th>dates</th>{}</tr>",
            if grouped { "<th>coverage by group</th>" } else { "" }
        )?;
        for r in rows {
            let day = |d: &str| d.chars().take(10).collect::<String>();
            let dates = match r.dates {
                Some((a, b)) if day(a) == day(b) => day(a),
                Some((a, b)) => format!("{} \u{2013} {}", day(a), day(b)),
                None => "-".into(),
            };
            write!(
                out,
                "<tr><td><a href=\"/story/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td>",
                esc(r.id),
                esc(r.title),
                r.articles,
                r.outlets,
                esc(&dates)
            )?;
            if grouped {
                let by: Vec<String> = r.groups.iter().map(|g| format!("{} {}", esc(&g.group), g.outlets.len())).collect();
                let blind = if r.missed_by.is_empty() {
                    String::new()
                } else {
                    format!(" <b class=\"single_origin\">blind spot: {}</b>", esc(&r.missed_by.join(", ")))
                };
                write!(out, "<td>{}{blind}</td>", by.join(" \u{b7} "))?;
            }
            writeln!(out, "</tr>")?;
        }
        writeln!(out, "</table></div>")?;
    }
    let mut nav = Vec::new();
    if page > 1 {
        nav.push(format!("<a href=\"/?page={}\">newer</a>", page - 1));
    }
    if more {
        nav.push(format!("<a href=\"/?page={}\">more</a>", page + 1));
    }
    if !nav.is_empty() {
        writeln!(out, "<p>{}</p>", nav.join(" · "))?;
    }
    writeln!(out, "</body></html>")
}

/// The search box, on the stories and search pages.
fn search_box(out: &mut dyn Write, q: &str) -> io::Result<()> {
    writeln!(out, "<form action=\"/search\" method=\"get\"><input name=\"q\" value=\"{}\" placeholder=\"search articles\" aria-label=\"search\"> <button>Search</button></form>", esc(q))
}

/// One search hit: story id, title, outlet, snippet (matches in [brackets]).
pub type SearchRow<'a> = (&'a str, &'a str, &'a str, &'a str);

/// The search page of `parallax serve`.
pub fn search_page(q: &str, rows: &[SearchRow], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>parallax: {}</title><style>{STYLE}</style></head><body><p><a href=\"/\">Stories</a></p><h1>Search</h1>",
        esc(q)
    )?;
    search_box(out, q)?;
    if rows.is_empty() {
        writeln!(out, "<p>No article matches.</p>")?;
    }
    writeln!(out, "<ul>")?;
    for (story, title, outlet, snippet) in rows {
        // the snippet's [brackets] become highlights only after escaping
        let snippet = esc(snippet).replace('[', "<mark>").replace(']', "</mark>");
        writeln!(out, "<li><a href=\"/story/{}\">{}</a> <small>{}</small><br>{snippet}</li>", esc(story), esc(title), esc(outlet))?;
    }
    writeln!(out, "</ul></body></html>")
}

/// A highlighted stretch of an article: byte range in its `text()`, a CSS class and a title.
pub struct Highlight {
    pub start: usize,
    pub end: usize,
    pub class: &'static str,
    pub title: String,
}

/// The article page of `parallax serve`: metadata, then the text with its claim sentences,
/// speakers and framing spans highlighted (overlaps keep the first; everything escaped).
pub fn article_page(a: &parallax_model::Article, story: &str, highlights: &mut [Highlight], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}\
mark.claim{{background:#e8f1ff}}mark.speaker{{background:#fff1c4}}mark.framing{{background:#ffd9d9}}</style></head><body>",
        esc(a.title.as_deref().unwrap_or("article"))
    )?;
    writeln!(out, "<p><a href=\"/\">Stories</a> \u{b7} <a href=\"/story/{}\">the story</a></p>", esc(story))?;
    writeln!(out, "<h1>{}</h1>", esc(a.title.as_deref().unwrap_or("(no title)")))?;
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "<p class=\"source\">{} \u{b7} by {} \u{b7} published {} \u{b7} {}{}</p>",
        esc(&crate::outlet_label(a)),
        esc(&dash(&a.byline)),
        esc(&dash(&a.published)),
        esc(&a.input),
        a.url.as_deref().map(|u| format!(" \u{b7} {}", esc(u))).unwrap_or_default()
    )?;
    writeln!(out, "<p><mark class=\"claim\">claim sentence</mark> <mark class=\"speaker\">speaker</mark> <mark class=\"framing\">framing</mark></p>")?;
    highlights.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    let text = a.text();
    let mut offset = 0;
    for p in &a.paragraphs {
        let (ps, pe) = (offset, offset + p.len());
        write!(out, "<p>")?;
        let mut at = ps;
        // framing and speakers inside claim sentences: innermost first is not needed; a
        // stretch takes the first highlight that starts in it, and nested ones are dropped
        let mut i = 0;
        while at < pe {
            let next = highlights[i..]
                .iter()
                .position(|h| h.start >= at && h.start < pe && h.end <= pe && text.is_char_boundary(h.start) && text.is_char_boundary(h.end.min(pe)));
            match next {
                Some(k) => {
                    let h = &highlights[i + k];
                    write!(out, "{}<mark class=\"{}\" title=\"{}\">{}</mark>", esc(&text[at..h.start]), h.class, esc(&h.title), esc(&text[h.start..h.end]))?;
                    at = h.end;
                    i += k + 1;
                }
                None => {
                    write!(out, "{}", esc(&text[at..pe]))?;
                    at = pe;
                }
            }
        }
        writeln!(out, "</p>")?;
        offset = pe + 2;
    }
    writeln!(out, "</body></html>")
}

pub fn render(reports: &[StoryReport], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>parallax report</title><style>{STYLE}</style></head><body>"
    )?;
    for r in reports {
        writeln!(out, "<section class=\"story\" id=\"{}\"><h1>{}</h1>", esc(&r.story.id), esc(&r.story.title))?;
        writeln!(out, "<p class=\"summary\">{}</p>", esc(&crate::summary_line(r)))?;
        writeln!(out, "<div class=\"sources\">")?;
        for (i, a) in r.articles.iter().enumerate() {
            writeln!(
                out,
                "<div class=\"source\"><b>{} {}</b><br>{}<br><small>{} · {}{}</small></div>",
                label(i),
                esc(&crate::outlet_label(a)),
                esc(a.title.as_deref().unwrap_or("")),
                esc(a.byline.as_deref().unwrap_or("no byline")),
                esc(a.published.as_deref().unwrap_or("no date")),
                if a.duplicate_of.is_some() { " · copy" } else { "" }
            )?;
        }
        writeln!(out, "</div><h2>Claim matrix</h2><div class=\"matrix\"><table><tr><th>claim</th><th>status</th>")?;
        for i in 0..r.articles.len() {
            write!(out, "<th>{}</th>", label(i))?;
        }
        writeln!(out, "<th>statement</th></tr>")?;
        for c in &r.claims {
            write!(
                out,
                "<tr><td><a href=\"#{}\">{}</a></td><td class=\"{}\">{}</td>",
                esc(&c.id),
                esc(&crate::short_id(&c.id)),
                c.status.as_str(),
                c.status.as_str()
            )?;
            for (i, a) in r.articles.iter().enumerate() {
                // a cell opens the source's sentence for the claim
                match c.support.iter().any(|s| s.article == a.id) {
                    true => write!(out, "<td class=\"mark\"><a href=\"#{}-{}\" title=\"{} states it\">&#9679;</a></td>", esc(&c.id), i + 1, label(i))?,
                    false => write!(out, "<td class=\"mark\"></td>")?,
                }
            }
            writeln!(out, "<td>{}</td></tr>", esc(&clip(&c.text, 140)))?;
        }
        writeln!(out, "</table></div><h2>Claims</h2>")?;
        for c in &r.claims {
            writeln!(
                out,
                "<div class=\"claim\" id=\"{}\"><p><b>{}</b> <b class=\"{}\">{}</b> {}</p>",
                esc(&c.id),
                esc(&crate::short_id(&c.id)),
                c.status.as_str(),
                c.status.as_str(),
                esc(&c.text)
            )?;
            for t in [crate::origin_note(c), crate::timeline_note(c)].into_iter().flatten() {
                writeln!(out, "<p class=\"origins\">{}</p>", esc(&t))?;
            }
            if let Some(conf) = &c.conflict {
                writeln!(out, "<p class=\"contradicted\">conflict on {} ({}): {}</p>", conf.kind.as_str(), esc(&conf.frame), esc(&conf.values.join(" vs ")))?;
                for side in &conf.sides {
                    writeln!(out, "<p class=\"side\">{}</p>", esc(&crate::side_line(r, side)))?;
                }
            }
            let mut anchored = std::collections::HashSet::new();
            for s in &c.support {
                let pos = r.articles.iter().position(|a| a.id == s.article);
                let idx = pos.map(label).unwrap_or_default();
                // the first sentence of each source is where its matrix cell points
                let anchor = match pos {
                    Some(p) if anchored.insert(p) => format!(" id=\"{}-{}\"", esc(&c.id), p + 1),
                    _ => String::new(),
                };
                let on = match (&s.speaker, &s.attribution) {
                    (Some(a), _) => format!(" <i>{}</i>", esc(&speaker_note(a))),
                    (None, Some(a)) => format!(" <i>on the word of {}</i>", esc(a)),
                    (None, None) => String::new(),
                };
                let details: Vec<String> = s.details.iter().filter(|v| v.kind != parallax_model::ValueKind::Place).map(|v| esc(&value_note(v))).collect();
                let mut values = if details.is_empty() { String::new() } else { format!(" <small>[{}]</small>", details.join("; ")) };
                if let Some(r) = crate::relay_note(s) {
                    values.push_str(&format!(" <small>({})</small>", esc(&r)));
                }
                writeln!(out, "<blockquote{anchor}>{} {}{}{}</blockquote>", idx, esc(&s.sentence), on, values)?;
            }
            writeln!(out, "</div>")?;
        }
        if !r.groups.is_empty() {
            let by: Vec<String> = r.groups.iter().map(|g| format!("{} ({})", esc(&g.group), esc(&g.outlets.join(", ")))).collect();
            let missed =
                if r.missed_by.is_empty() { String::new() } else { format!(" <b>Blind spot:</b> no outlet of {} covers it.", esc(&r.missed_by.join(", "))) };
            writeln!(out, "<p>Coverage by group: {}.{missed}</p>", by.join("; "))?;
        }
        if !r.ties.is_empty() {
            let items: Vec<String> = r
                .ties
                .iter()
                .map(|t| {
                    let idx: String = t.articles.iter().filter_map(|a| r.articles.iter().position(|x| &x.id == a)).map(label).collect();
                    format!("{} {}", esc(&t.text), idx)
                })
                .collect();
            writeln!(out, "<h2>Why these articles are one story</h2><p>{}</p>", items.join("; "))?;
        }
        if !r.aliases.is_empty() {
            let forms: Vec<String> = r.aliases.iter().map(|a| format!("{} (also {})", esc(&a.name), esc(&a.forms.join(", ")))).collect();
            writeln!(out, "<p>Names spelled more than one way, read as one: {}.</p>", forms.join("; "))?;
        }
        writeln!(out, "<h2>What each source leaves out</h2><ul>")?;
        for cov in r.coverage() {
            let idx = r.articles.iter().position(|a| a.id == cov.article).map(label).unwrap_or_default();
            let outlet = r.articles.iter().find(|a| a.id == cov.article).map_or_else(|| cov.outlet.clone(), crate::outlet_label);
            writeln!(out, "<li>{} {}: leaves out {} shared claims; adds {} no one else has<ul>", idx, esc(&outlet), cov.leaves_out_total, cov.adds.len())?;
            for o in cov.leaves_out.iter().take(8) {
                writeln!(out, "<li>does not mention: <a href=\"#{}\">{}</a> ({} outlets)</li>", esc(&o.claim), esc(&clip(&o.text, 160)), o.outlets)?;
            }
            writeln!(out, "</ul></li>")?;
        }
        writeln!(out, "</ul>")?;
        if !r.framing.is_empty() {
            writeln!(out, "<h2>Framing: loaded words and techniques</h2><ul>")?;
            for (head, lines) in crate::framing_lines(r) {
                writeln!(out, "<li>{}<ul>", esc(&head))?;
                for l in lines {
                    writeln!(out, "<li>{}</li>", esc(&l))?;
                }
                writeln!(out, "</ul></li>")?;
            }
            writeln!(out, "</ul>")?;
        }
        let (rows, own) = crate::speakers(r);
        writeln!(out, "<h2>On whose word</h2><ul>")?;
        for (who, n, arts) in rows {
            let labels: Vec<String> = arts.into_iter().map(label).collect();
            writeln!(out, "<li>{}: {n} sentence{} in {}</li>", esc(&who), if n == 1 { "" } else { "s" }, labels.join(" "))?;
        }
        writeln!(out, "<li>the outlets' own voice: {own} sentence{}</li></ul>", if own == 1 { "" } else { "s" })?;
        if !r.terms.is_empty() {
            writeln!(out, "<h2>Term choices</h2><ul>")?;
            for t in &r.terms {
                writeln!(out, "<li>{}</li>", esc(&crate::term_line(r, t)))?;
            }
            writeln!(out, "</ul>")?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</body></html>")
}

#[cfg(test)]
mod tests {
    #[test]
    fn everything_from_articles_is_escaped() {
        let mut r = crate::fixture::report();
        r.articles[0].byline = Some("<script>alert(1)</script>".into());
        r.claims[0].support[0].sentence = "a \"quoted\" <img src=x onerror=alert(1)>".into();
        let mut buf = Vec::new();
        super::render(&[r], &mut buf).unwrap();
        let html = String::from_utf8(buf).unwrap();
        assert!(!html.contains("<script>alert"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("Bridge &lt;reopens&gt;"));
        assert!(html.contains("&quot;a &lt;fiasco&gt;&quot;"), "framing spans are escaped");
        assert!(html.contains("<h2>Term choices</h2>"));
    }

    #[test]
    fn the_page_has_what_the_text_report_has_and_fits_a_phone() {
        let mut r = crate::fixture::report();
        r.articles[1].outlet = None;
        r.claims[0].conflict.as_mut().unwrap().sides = vec![parallax_model::ConflictSide {
            article: "a2".into(),
            sentence_index: 1,
            sentence: "It cost 3 million euros, officials said.".into(),
            values: vec!["3 million euros".into()],
        }];
        let mut buf = Vec::new();
        super::render(&[r], &mut buf).unwrap();
        let html = String::from_utf8(buf).unwrap();
        assert!(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
        assert!(html.contains("2 articles from 2 outlets. 2 claims: 1 corroborated, 1 contradicted"), "the summary line");
        assert!(html.contains("<h2>On whose word</h2>") && html.contains("council: 1 sentence in [1]"), "on whose word");
        assert!(html.contains("[2] states 3 million euros: &quot;It cost 3 million euros, officials said.&quot;"), "the contradiction's values");
        assert!(html.contains(">C1</a>") && !html.contains(">s1-c1<"), "claims read as in the text report");
        assert!(html.contains("(outlet not named)") && !html.contains("two.txt</b>"), "an unnamed outlet is not its file path");
        assert!(html.contains("overflow-wrap:anywhere"), "long headings wrap");
        assert!(html.contains("<a href=\"#s1-c1-2\"") && html.contains("<blockquote id=\"s1-c1-2\">"), "a matrix cell opens its sentence");
    }
}
