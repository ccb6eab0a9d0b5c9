//! A self-contained HTML page per run: sources side by side, the claim matrix, claims with their
//! sentences. Every string from an article is escaped: page content is hostile.

use crate::{clip, label, speaker_note, value_note};
use parallax_model::StoryReport;
use std::io::{self, Write};

/// `s` safe in HTML text and attribute values (the five characters that matter, escaped).
pub fn esc(s: &str) -> String {
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
.single_source{color:#666}.single_origin{color:#a60}.mark{text-align:center}table.claims td.c{text-align:center}blockquote{margin:.3em 0 .3em 1em;color:#333}";

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
pub fn stories_page(rows: &[StoryRow], groups: &[String], page: usize, more: bool, newest: bool, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>parallax: stories</title><style>{STYLE}</style></head><body><h1>Stories</h1>"
    )?;
    search_box(out, &SearchAsked { q: "", outlet: None, group: None, from: None, to: None, groups })?;
    let sort = if newest { "<a href=\"/\">largest</a> \u{b7} <b>newest</b>" } else { "<b>largest</b> \u{b7} <a href=\"/?sort=newest\">newest</a>" };
    writeln!(out, "<p class=\"nav\">{sort}</p>")?;
    let sorted = if newest { "&amp;sort=newest" } else { "" };
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
        nav.push(format!("<a href=\"/?page={}{sorted}\">previous</a>", page - 1));
    }
    if more {
        nav.push(format!("<a href=\"/?page={}{sorted}\">more</a>", page + 1));
    }
    if !nav.is_empty() {
        writeln!(out, "<p>{}</p>", nav.join(" · "))?;
    }
    writeln!(out, "</body></html>")
}

/// The search box, on the stories and search pages, with its filters.
fn search_box(out: &mut dyn Write, asked: &SearchAsked) -> io::Result<()> {
    let v = |o: Option<&str>| esc(o.unwrap_or(""));
    write!(
        out,
        "<form action=\"/search\" method=\"get\" class=\"controls\"><input name=\"q\" value=\"{}\" placeholder=\"search articles\" aria-label=\"search\"> \
<input name=\"outlet\" value=\"{}\" placeholder=\"outlet\" aria-label=\"outlet\" size=\"10\"> ",
        esc(asked.q),
        v(asked.outlet)
    )?;
    if !asked.groups.is_empty() {
        write!(out, "<select name=\"group\" aria-label=\"group\"><option value=\"\">any group</option>")?;
        for g in asked.groups {
            let sel = if asked.group == Some(g.as_str()) { " selected" } else { "" };
            write!(out, "<option value=\"{}\"{sel}>{}</option>", esc(g), esc(g))?;
        }
        write!(out, "</select> ")?;
    }
    writeln!(
        out,
        "<label>from <input type=\"date\" name=\"from\" value=\"{}\"></label> <label>to <input type=\"date\" name=\"to\" value=\"{}\"></label> <button>Search</button></form>",
        v(asked.from),
        v(asked.to)
    )
}

/// What a search asked for, and the groups it may be narrowed to.
pub struct SearchAsked<'a> {
    pub q: &'a str,
    pub outlet: Option<&'a str>,
    pub group: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub groups: &'a [String],
}

/// One search hit; the snippet has its matches in [brackets].
pub struct SearchRow<'a> {
    pub story: &'a str,
    pub article: &'a str,
    pub title: &'a str,
    pub outlet: &'a str,
    pub published: Option<&'a str>,
    pub snippet: &'a str,
}

/// The search page of `parallax serve`.
pub fn search_page(asked: &SearchAsked, rows: &[SearchRow], out: &mut dyn Write) -> io::Result<()> {
    page_head(out, &format!("parallax: {}", asked.q))?;
    writeln!(out, "<p><a href=\"/\">Stories</a></p><h1>Search</h1>")?;
    search_box(out, asked)?;
    if rows.is_empty() {
        writeln!(out, "<p>No article matches.</p>")?;
    } else {
        writeln!(out, "<p>{} article{}.</p>", rows.len(), if rows.len() == 1 { "" } else { "s" })?;
    }
    writeln!(out, "<ul class=\"hits\">")?;
    for r in rows {
        // the snippet's [brackets] become highlights only after escaping
        let snippet = esc(r.snippet).replace('[', "<mark>").replace(']', "</mark>");
        let day: String = r.published.unwrap_or("").chars().take(10).collect();
        writeln!(
            out,
            "<li><a href=\"/story/{}\">{}</a> <small>{} {} \u{b7} <a href=\"/article/{}\">article</a></small><br>{snippet}</li>",
            esc(r.story),
            esc(r.title),
            esc(r.outlet),
            esc(&day),
            esc(r.article)
        )?;
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

/// The article page of `parallax serve`: metadata, then the text with its claim sentences
/// highlighted (each with the anchor `at-START` that the story page's matrix cells open), and
/// the speakers and framing spans inside them and around them. Everything is escaped.
pub fn article_page(a: &parallax_model::Article, story: &str, highlights: &mut [Highlight], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}{PAGE_STYLE}\
mark.claim{{background:#e8f1ff}}mark.speaker{{background:#fff1c4}}mark.framing{{background:#ffd9d9}}</style></head><body>",
        esc(a.title.as_deref().unwrap_or("article"))
    )?;
    writeln!(out, "<p><a href=\"/\">Stories</a> \u{b7} <a href=\"/story/{}\">the story</a></p>", esc(story))?;
    writeln!(out, "<h1>{}</h1>", esc(a.title.as_deref().unwrap_or("(no title)")))?;
    let dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
    let original = match a.url.as_deref().filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
        Some(u) => format!(" \u{b7} <a href=\"{}\" rel=\"noreferrer noopener\">original</a>", esc(u)),
        None => String::new(),
    };
    writeln!(
        out,
        "<p class=\"source\">{} \u{b7} by {} \u{b7} published {} \u{b7} {}{original}</p>",
        esc(&crate::outlet_label(a)),
        esc(&dash(&a.byline)),
        esc(&dash(&a.published)),
        esc(&a.input),
    )?;
    writeln!(out, "<p><mark class=\"claim\">claim sentence</mark> <mark class=\"speaker\">speaker</mark> <mark class=\"framing\">framing</mark></p>")?;
    let text = a.text();
    let fits = |h: &&Highlight| h.start < h.end && h.end <= text.len() && text.is_char_boundary(h.start) && text.is_char_boundary(h.end);
    // claim sentences are the outer marks (the first of overlapping ones wins); speakers and
    // framing nest inside them or stand alone, never across a boundary
    let mut outer: Vec<&Highlight> = Vec::new();
    let mut claims: Vec<&Highlight> = highlights.iter().filter(|h| h.class == "claim").filter(fits).collect();
    claims.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    for h in claims {
        if outer.last().is_none_or(|o| o.end <= h.start) {
            outer.push(h);
        }
    }
    let mut inner: Vec<&Highlight> = Vec::new();
    let mut rest: Vec<&Highlight> = highlights.iter().filter(|h| h.class != "claim").filter(fits).collect();
    rest.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
    for h in rest {
        let crosses = outer.iter().any(|o| (h.start < o.start && h.end > o.start) || (h.start < o.end && h.end > o.end));
        if !crosses && inner.last().is_none_or(|o| o.end <= h.start) {
            inner.push(h);
        }
    }
    // inner marks in [from, to)
    let plain = |from: usize, to: usize, out: &mut dyn Write| -> io::Result<()> {
        let mut at = from;
        for h in inner.iter().filter(|h| h.start >= from && h.end <= to) {
            write!(out, "{}<mark class=\"{}\" title=\"{}\">{}</mark>", esc(&text[at..h.start]), h.class, esc(&h.title), esc(&text[h.start..h.end]))?;
            at = h.end;
        }
        write!(out, "{}", esc(&text[at..to]))
    };
    let mut offset = 0;
    for p in &a.paragraphs {
        let (ps, pe) = (offset, offset + p.len());
        write!(out, "<p>")?;
        let mut at = ps;
        for o in outer.iter().filter(|o| o.start >= ps && o.end <= pe) {
            plain(at, o.start, out)?;
            write!(out, "<mark class=\"claim\" id=\"at-{}\" title=\"{}\">", o.start, esc(&o.title))?;
            plain(o.start, o.end, out)?;
            write!(out, "</mark>")?;
            at = o.end;
        }
        plain(at, pe, out)?;
        writeln!(out, "</p>")?;
        offset = pe + 2;
    }
    writeln!(out, "</body></html>")
}

/// What the server adds to a story page (the CLI's file has no server to ask).
pub struct ServerView<'a> {
    /// The token a merge, split or undo must send back (see `parallax serve`).
    pub csrf: &'a str,
    /// The page of the ranked shared claims shown (from 1).
    pub claims_page: usize,
    /// Stories that share names and words with this one: what a reader may merge it with.
    pub similar: &'a [SimilarStory],
    /// The corrections that moved articles into or out of this story.
    pub corrections: &'a [parallax_model::Correction],
}

/// A story like the one shown, and the words they share.
pub struct SimilarStory {
    pub id: String,
    pub title: String,
    pub articles: usize,
    pub shared: Vec<String>,
}

/// Shared claims per page of a served story page; the CLI's file shows them all.
pub const CLAIMS_PER_PAGE: usize = 100;
/// Single-source claims listed under each source before the rest are left to the exports.
const SINGLE_SOURCE_SHOWN: usize = 40;
/// Single-source claims shown on one page in all, however many sources: a 191-article story
/// has thousands. The rest of a source's are on its own pages (`?source=N`) when served.
const SINGLE_SOURCE_PAGE: usize = 200;

fn page_head(out: &mut dyn Write, title: &str) -> io::Result<()> {
    writeln!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}{PAGE_STYLE}</style></head><body>",
        esc(title)
    )
}

/// What the story page needs beyond the report's own style: folds, the timeline's bars, forms.
const PAGE_STYLE: &str = "details{margin:.4em 0}summary{cursor:pointer}.bar{display:inline-block;height:.8em;background:#5b7db1;margin-right:2px}\
.controls form{display:inline}.controls button{margin:.2em .3em .2em 0}.nav a{margin-right:.6em}:target{outline:2px solid #d48a00}";

/// The CLI's HTML report: every story in one page.
pub fn render(reports: &[StoryReport], out: &mut dyn Write) -> io::Result<()> {
    page_head(out, "parallax report")?;
    for r in reports {
        story_section(r, None, out)?;
    }
    writeln!(out, "</body></html>")
}

/// The story page of `parallax serve`: the report's sections, with links into the articles,
/// the claims paged, similar stories, and the merge, split and undo controls.
pub fn story_page(r: &StoryReport, view: &ServerView, out: &mut dyn Write) -> io::Result<()> {
    page_head(out, &format!("parallax: {}", r.story.title))?;
    let id = esc(&r.story.id);
    writeln!(
        out,
        "<p class=\"nav\"><a href=\"/\">Stories</a> export: <a href=\"/story/{id}.json\">JSON</a> <a href=\"/story/{id}.md\">Markdown</a> <a href=\"/story/{id}.csv\">claim matrix (CSV)</a></p>"
    )?;
    story_section(r, Some(view), out)?;
    writeln!(out, "</body></html>")
}

/// The claims source `i` (from 0) alone carries, a page at a time (`?source=N&claims=P`).
pub fn source_claims_page(r: &StoryReport, i: usize, page: usize, out: &mut dyn Write) -> io::Result<()> {
    page_head(out, &format!("parallax: {}", r.story.title))?;
    let a = &r.articles[i];
    writeln!(out, "<p class=\"nav\"><a href=\"/\">Stories</a> <a href=\"/story/{}\">the story</a></p>", esc(&r.story.id))?;
    let (_, single) = ranked_claims(r);
    let list: Vec<&parallax_model::Claim> = single.into_iter().find(|(j, _)| *j == i).map(|(_, l)| l).unwrap_or_default();
    writeln!(out, "<h1>Only {} {}</h1><p>{}: {} claims no other source carries.</p>", label(i), esc(&crate::outlet_label(a)), esc(&r.story.title), list.len())?;
    let first = (page.max(1) - 1) * CLAIMS_PER_PAGE;
    for c in list.iter().skip(first).take(CLAIMS_PER_PAGE) {
        claim_block(r, c, out)?;
    }
    let mut nav = Vec::new();
    if page > 1 {
        nav.push(format!("<a href=\"?source={}&amp;claims={}\">previous</a>", i + 1, page - 1));
    }
    if first + CLAIMS_PER_PAGE < list.len() {
        nav.push(format!("<a href=\"?source={}&amp;claims={}\">next</a>", i + 1, page + 1));
    }
    writeln!(out, "<p class=\"nav\">{}</p></body></html>", nav.join(" "))
}

/// A claim's independent origins (its outlets when no origin was traced): what ranks it.
fn origin_count(c: &parallax_model::Claim) -> usize {
    if c.origins.is_empty() {
        c.outlets.len()
    } else {
        c.origins.len()
    }
}

/// The claims more than one source carries (or that sources contradict), most independent
/// origins first; and the rest, by the source that alone carries them.
fn ranked_claims(r: &StoryReport) -> (Vec<&parallax_model::Claim>, Vec<(usize, Vec<&parallax_model::Claim>)>) {
    let mut shared: Vec<&parallax_model::Claim> =
        r.claims.iter().filter(|c| c.outlets.len() >= 2 || c.status == parallax_model::ClaimStatus::Contradicted).collect();
    shared.sort_by_key(|c| (std::cmp::Reverse(origin_count(c)), std::cmp::Reverse(c.outlets.len())));
    let mut single: Vec<(usize, Vec<&parallax_model::Claim>)> = Vec::new();
    for c in r.claims.iter().filter(|c| c.outlets.len() < 2 && c.status != parallax_model::ClaimStatus::Contradicted) {
        let Some(i) = c.support.first().and_then(|s| r.articles.iter().position(|a| a.id == s.article)) else { continue };
        match single.iter_mut().find(|(j, _)| *j == i) {
            Some((_, list)) => list.push(c),
            None => single.push((i, vec![c])),
        }
    }
    single.sort_by_key(|(i, _)| *i);
    (shared, single)
}

/// Where a claim's cell in source `i` points: its sentence in the article page when served,
/// else its sentence in this page.
fn cell_href(r: &StoryReport, c: &parallax_model::Claim, i: usize, served: bool) -> Option<String> {
    let a = &r.articles[i];
    let s = c.support.iter().find(|s| s.article == a.id)?;
    Some(if served { format!("/article/{}#at-{}", esc(&a.id), s.span.start) } else { format!("#{}-{}", esc(&c.id), i + 1) })
}

fn claim_block(r: &StoryReport, c: &parallax_model::Claim, out: &mut dyn Write) -> io::Result<()> {
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
        // the first sentence of each source is where its matrix cell points in the CLI's page
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
    writeln!(out, "</div>")
}

fn story_section(r: &StoryReport, view: Option<&ServerView>, out: &mut dyn Write) -> io::Result<()> {
    let served = view.is_some();
    writeln!(out, "<section class=\"story\" id=\"{}\"><h1>{}</h1>", esc(&r.story.id), esc(&r.story.title))?;
    writeln!(out, "<p class=\"summary\">{}</p>", esc(&crate::summary_line(r)))?;
    writeln!(out, "<div class=\"sources\">")?;
    for (i, a) in r.articles.iter().enumerate() {
        let title = esc(a.title.as_deref().unwrap_or(""));
        let title = if served { format!("<a href=\"/article/{}\">{title}</a>", esc(&a.id)) } else { title };
        // the original, when it was read from the web: only http(s) links, never javascript:
        let original = match a.url.as_deref().filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
            Some(u) => format!(" · <a href=\"{}\" rel=\"noreferrer noopener\">original</a>", esc(u)),
            None => String::new(),
        };
        writeln!(
            out,
            "<div class=\"source\"><b>{} {}</b><br>{title}<br><small>{} · {}{}{original}</small></div>",
            label(i),
            esc(&crate::outlet_label(a)),
            esc(a.byline.as_deref().unwrap_or("no byline")),
            esc(a.published.as_deref().unwrap_or("no date")),
            if a.duplicate_of.is_some() { " · copy" } else { "" }
        )?;
    }
    writeln!(out, "</div>")?;
    let (shared, single) = ranked_claims(r);
    let (first, shown) = match view {
        Some(v) => {
            let first = (v.claims_page.max(1) - 1) * CLAIMS_PER_PAGE;
            (first.min(shared.len()), &shared[first.min(shared.len())..(first + CLAIMS_PER_PAGE).min(shared.len())])
        }
        None => (0, &shared[..]),
    };
    writeln!(out, "<h2>Claim matrix</h2>")?;
    if shared.is_empty() {
        writeln!(out, "<p>No claim is carried by more than one source.</p>")?;
    } else {
        writeln!(out, "<p>{} claims carried by more than one source, most independent origins first.</p>", shared.len())?;
        // the cells are most of a large story's page (200 sources by 100 claims): kept short,
        // centred by the table's style, named by the column's header
        writeln!(out, "<div class=\"matrix\"><table class=\"claims\"><tr><th>claim</th><th>status</th>")?;
        for i in 0..r.articles.len() {
            write!(out, "<th>{}</th>", label(i))?;
        }
        writeln!(out, "<th>statement</th></tr>")?;
        for c in shown {
            write!(
                out,
                "<tr><td><a href=\"#{}\">{}</a></td><td class=\"{}\">{}</td>",
                esc(&c.id),
                esc(&crate::short_id(&c.id)),
                c.status.as_str(),
                c.status.as_str()
            )?;
            for i in 0..r.articles.len() {
                // a cell opens the source's sentence for the claim
                match cell_href(r, c, i, served) {
                    Some(href) => write!(out, "<td class=\"c\"><a href=\"{href}\">&#9679;</a></td>")?,
                    None => write!(out, "<td></td>")?,
                }
            }
            writeln!(out, "<td>{}</td></tr>", esc(&clip(&c.text, 140)))?;
        }
        writeln!(out, "</table></div>")?;
    }
    if let Some(v) = view.filter(|_| shared.len() > CLAIMS_PER_PAGE) {
        let pages = shared.len().div_ceil(CLAIMS_PER_PAGE);
        let mut nav = vec![format!("claims {}\u{2013}{} of {}", first + 1, first + shown.len(), shared.len())];
        if v.claims_page > 1 {
            nav.push(format!("<a href=\"?claims={}\">previous</a>", v.claims_page - 1));
        }
        if v.claims_page < pages {
            nav.push(format!("<a href=\"?claims={}\">next</a>", v.claims_page + 1));
        }
        writeln!(out, "<p class=\"nav\">{}</p>", nav.join(" "))?;
    }
    writeln!(out, "<h2>Claims</h2>")?;
    for c in shown {
        claim_block(r, c, out)?;
    }
    if !single.is_empty() {
        let total: usize = single.iter().map(|(_, l)| l.len()).sum();
        writeln!(out, "<h2>Reported by one source only</h2><p>{total} claims, folded under the source that alone carries them.</p>")?;
        let per = SINGLE_SOURCE_SHOWN.min((SINGLE_SOURCE_PAGE / single.len()).max(5));
        for (i, list) in &single {
            let a = &r.articles[*i];
            let open = if total <= 30 { " open" } else { "" };
            writeln!(
                out,
                "<details{open}><summary>{} {}: {} claim{}</summary>",
                label(*i),
                esc(&crate::outlet_label(a)),
                list.len(),
                if list.len() == 1 { "" } else { "s" }
            )?;
            for c in list.iter().take(per) {
                claim_block(r, c, out)?;
            }
            if list.len() > per {
                let rest = list.len() - per;
                match view {
                    Some(_) => writeln!(out, "<p>and {rest} more: <a href=\"?source={}\">all of them</a>.</p>", i + 1)?,
                    None => writeln!(out, "<p>and {rest} more in the exports (JSON, CSV).</p>")?,
                }
            }
            writeln!(out, "</details>")?;
        }
    }
    timeline(r, &shared, out)?;
    if !r.groups.is_empty() {
        let by: Vec<String> = r.groups.iter().map(|g| format!("{} ({})", esc(&g.group), esc(&g.outlets.join(", ")))).collect();
        let missed =
            if r.missed_by.is_empty() { String::new() } else { format!(" <b>Blind spot:</b> no outlet of {} covers it.", esc(&r.missed_by.join(", "))) };
        writeln!(out, "<p>Coverage by group: {}.{missed}</p>", by.join("; "))?;
    }
    if let Some(line) = &r.storyline {
        // the matter this story belongs to: the stories before and after it, in order
        writeln!(out, "<h2>Storyline</h2><ol class=\"storyline\">")?;
        for s in &line.stories {
            let day = esc(s.first.as_deref().unwrap_or("undated"));
            let title = esc(&s.title);
            if s.id == r.story.id {
                writeln!(out, "<li>{day} <b>{title}</b> (this story, {} articles)</li>", s.articles)?;
            } else if view.is_some() {
                writeln!(out, "<li>{day} <a href=\"/story/{}\">{title}</a> ({} articles)</li>", esc(&s.id), s.articles)?;
            } else {
                writeln!(out, "<li>{day} {title} ({} articles)</li>", s.articles)?;
            }
        }
        writeln!(out, "</ol>")?;
    }
    why_one_story(r, view, out)?;
    if !r.aliases.is_empty() {
        let forms: Vec<String> = r.aliases.iter().map(|a| format!("{} (also {})", esc(&a.name), esc(&a.forms.join(", ")))).collect();
        writeln!(out, "<p>Names spelled more than one way, read as one: {}.</p>", forms.join("; "))?;
    }
    writeln!(out, "<h2>What each source leaves out</h2><ul>")?;
    for cov in r.coverage() {
        let idx = r.articles.iter().position(|a| a.id == cov.article).map(label).unwrap_or_default();
        let outlet = r.articles.iter().find(|a| a.id == cov.article).map_or_else(|| cov.outlet.clone(), crate::outlet_label);
        writeln!(out, "<li>{} {}: leaves out {} shared claims; adds {} no one else has<ul>", idx, esc(&outlet), cov.leaves_out_total, cov.adds.len())?;
        // eight examples a source; three when there are dozens of sources
        for o in cov.leaves_out.iter().take(if r.articles.len() > 30 { 3 } else { 8 }) {
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
    if served && r.articles.len() >= 2 {
        let options: String =
            r.articles.iter().enumerate().map(|(i, a)| format!("<option value=\"{}\">{} {}</option>", i + 1, label(i), esc(&crate::outlet_label(a)))).collect();
        writeln!(
            out,
            "<h2>Compare two sources</h2><form class=\"controls\" method=\"get\" action=\"/story/{}/compare\"><select name=\"a\" aria-label=\"first source\">{options}</select> <select name=\"b\" aria-label=\"second source\">{options}</select> <button>Compare</button></form>",
            esc(&r.story.id)
        )?;
    }
    writeln!(out, "</section>")
}

/// The story over time: articles per day (per outlet group when there are profiles), and when
/// each shared claim first appeared.
fn timeline(r: &StoryReport, shared: &[&parallax_model::Claim], out: &mut dyn Write) -> io::Result<()> {
    let day = |a: &parallax_model::Article| a.published.as_deref().map(|d| d.chars().take(10).collect::<String>());
    let mut days: std::collections::BTreeMap<String, Vec<&parallax_model::Article>> = std::collections::BTreeMap::new();
    for a in &r.articles {
        if let Some(d) = day(a) {
            days.entry(d).or_default().push(a);
        }
    }
    let mut firsts: Vec<(&str, &parallax_model::Claim)> = shared.iter().filter_map(|c| c.timeline.first().map(|t| (t.published.as_str(), *c))).collect();
    firsts.sort_by_key(|(d, _)| *d);
    if days.is_empty() && firsts.is_empty() {
        return Ok(());
    }
    writeln!(out, "<h2>Timeline</h2>")?;
    let group_of = |a: &parallax_model::Article| -> Vec<&str> {
        let names = [crate::outlet_label(a), a.outlet_or_host()];
        r.groups.iter().filter(|g| g.outlets.iter().any(|o| names.contains(o))).map(|g| g.group.as_str()).collect()
    };
    if !days.is_empty() {
        writeln!(out, "<div class=\"matrix\"><table class=\"timeline\"><tr><th>day</th><th>articles</th>")?;
        for g in &r.groups {
            write!(out, "<th>{}</th>", esc(&g.group))?;
        }
        writeln!(out, "<th>outlets</th></tr>")?;
        for (d, list) in &days {
            write!(out, "<tr><td>{}</td><td><span class=\"bar\" style=\"width:{}px\"></span>{}</td>", esc(d), (list.len() * 8).min(240), list.len())?;
            for g in &r.groups {
                write!(out, "<td>{}</td>", list.iter().filter(|a| group_of(a).contains(&g.group.as_str())).count())?;
            }
            let mut outlets: Vec<String> = list.iter().map(|a| crate::outlet_label(a)).collect();
            outlets.dedup();
            writeln!(out, "<td>{}</td></tr>", esc(&outlets.join(", ")))?;
        }
        writeln!(out, "</table></div>")?;
    }
    if !firsts.is_empty() {
        writeln!(out, "<p>When the shared claims first appeared:</p><ul class=\"firsts\">")?;
        for (d, c) in firsts.iter().take(20) {
            let by = c.timeline.first().map(|t| t.outlet.as_str()).unwrap_or("");
            writeln!(
                out,
                "<li>{} <a href=\"#{}\">{}</a> first reported by {}: {}</li>",
                esc(d),
                esc(&c.id),
                esc(&crate::short_id(&c.id)),
                esc(by),
                esc(&clip(&c.text, 100))
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    Ok(())
}

/// Why these articles are one story (the names, words and dates they share), and, when served,
/// the reader's controls: split articles off, merge a similar story in, undo a correction.
fn why_one_story(r: &StoryReport, view: Option<&ServerView>, out: &mut dyn Write) -> io::Result<()> {
    if r.ties.is_empty() && view.is_none() {
        return Ok(());
    }
    writeln!(out, "<h2>Why these articles are one story</h2>")?;
    if !r.ties.is_empty() {
        let items: Vec<String> = r
            .ties
            .iter()
            .map(|t| {
                let idx: String = t.articles.iter().filter_map(|a| r.articles.iter().position(|x| &x.id == a)).map(label).collect();
                format!("{} {}", esc(&t.text), idx)
            })
            .collect();
        writeln!(out, "<p>{}</p>", items.join("; "))?;
    }
    let Some(v) = view else { return Ok(()) };
    let id = esc(&r.story.id);
    let token = format!("<input type=\"hidden\" name=\"token\" value=\"{}\">", esc(v.csrf));
    if r.articles.len() >= 2 {
        writeln!(out, "<form class=\"controls\" id=\"split\" method=\"post\" action=\"/story/{id}/split\">{token}<p>Not the same event? Split articles off into a story of their own (their copies go with them):</p>")?;
        for (i, a) in r.articles.iter().enumerate().filter(|(_, a)| a.duplicate_of.is_none()) {
            writeln!(
                out,
                "<label><input type=\"checkbox\" name=\"article\" value=\"{}\"> {} {}: {}</label><br>",
                esc(&a.id),
                label(i),
                esc(&crate::outlet_label(a)),
                esc(&clip(a.title.as_deref().unwrap_or(""), 90))
            )?;
        }
        writeln!(out, "<button>Split the checked articles off</button></form>")?;
    }
    if !v.similar.is_empty() {
        writeln!(out, "<p>Similar stories: the same event told apart? Merge one into this story.</p><ul class=\"similar\">")?;
        for s in v.similar {
            writeln!(
                out,
                "<li><a href=\"/story/{}\">{}</a> ({} articles; shares {}) <form class=\"controls\" method=\"post\" action=\"/story/{id}/merge\">{token}<input type=\"hidden\" name=\"other\" value=\"{}\"><button>Merge into this story</button></form></li>",
                esc(&s.id),
                esc(&s.title),
                s.articles,
                esc(&s.shared.join(", ")),
                esc(&s.id)
            )?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(
        out,
        "<form class=\"controls\" id=\"merge\" method=\"post\" action=\"/story/{id}/merge\">{token}<label>Merge story <input name=\"other\" placeholder=\"story id\" size=\"16\"></label> <button>into this one</button></form>"
    )?;
    if !v.corrections.is_empty() {
        writeln!(out, "<p>Corrections:</p><ul class=\"corrections\">")?;
        for c in v.corrections {
            let what = match c.kind {
                parallax_model::CorrectionKind::Merge => format!("merged story {} into {}", esc(&c.from_story), esc(&c.to_story)),
                parallax_model::CorrectionKind::Split => format!(
                    "split {} article{} off {} into {}",
                    c.articles.len(),
                    if c.articles.len() == 1 { "" } else { "s" },
                    esc(&c.from_story),
                    esc(&c.to_story)
                ),
                parallax_model::CorrectionKind::Undo => format!("undid correction {}", c.undoes.unwrap_or(0)),
            };
            let control = match (c.kind, c.undone_by) {
                (parallax_model::CorrectionKind::Undo, _) => String::new(),
                (_, Some(by)) => format!(" (undone by {by})"),
                (_, None) => format!(" <form class=\"controls\" method=\"post\" action=\"/corrections/{}/undo\">{token}<button>Undo</button></form>", c.seq),
            };
            writeln!(out, "<li>{} {} {what}{control}</li>", c.seq, esc(&c.created_at))?;
        }
        writeln!(out, "</ul>")?;
    }
    Ok(())
}

/// Two sources of a story side by side: what both state, what only one does, where they
/// disagree, and their framing (`a` and `b` are indexes into the story's articles).
pub fn compare_page(r: &StoryReport, a: usize, b: usize, out: &mut dyn Write) -> io::Result<()> {
    page_head(out, &format!("parallax: {}", r.story.title))?;
    let (x, y) = (&r.articles[a], &r.articles[b]);
    writeln!(out, "<p class=\"nav\"><a href=\"/\">Stories</a> <a href=\"/story/{}\">the story</a></p>", esc(&r.story.id))?;
    writeln!(
        out,
        "<h1>{} and {}</h1><p>{}</p>",
        esc(&format!("{} {}", label(a), crate::outlet_label(x))),
        esc(&format!("{} {}", label(b), crate::outlet_label(y))),
        esc(&r.story.title)
    )?;
    fn states<'a>(c: &'a parallax_model::Claim, art: &parallax_model::Article) -> Option<&'a str> {
        c.support.iter().find(|s| s.article == art.id).map(|s| s.sentence.as_str())
    }
    let mut both = Vec::new();
    let mut only_x = Vec::new();
    let mut only_y = Vec::new();
    let mut against = Vec::new();
    for c in &r.claims {
        match (states(c, x), states(c, y)) {
            (Some(sx), Some(sy)) => {
                let sides = c.conflict.as_ref().map(|f| f.sides.iter().map(|s| s.article.as_str()).collect::<Vec<_>>()).unwrap_or_default();
                if sides.contains(&x.id.as_str()) != sides.contains(&y.id.as_str()) {
                    against.push((c, sx, sy));
                } else {
                    both.push((c, sx, sy));
                }
            }
            (Some(sx), None) => only_x.push((c, sx)),
            (None, Some(sy)) => only_y.push((c, sy)),
            (None, None) => {}
        }
    }
    writeln!(out, "<h2>Where they disagree ({})</h2>", against.len())?;
    writeln!(out, "<div class=\"matrix\"><table><tr><th>claim</th><th>{}</th><th>{}</th></tr>", label(a), label(b))?;
    for (c, sx, sy) in &against {
        writeln!(out, "<tr><td class=\"contradicted\">{}</td><td>{}</td><td>{}</td></tr>", esc(&crate::short_id(&c.id)), esc(sx), esc(sy))?;
    }
    writeln!(
        out,
        "</table></div><h2>What both state ({})</h2><div class=\"matrix\"><table><tr><th>claim</th><th>{}</th><th>{}</th></tr>",
        both.len(),
        label(a),
        label(b)
    )?;
    for (c, sx, sy) in &both {
        writeln!(out, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", esc(&crate::short_id(&c.id)), esc(sx), esc(sy))?;
    }
    writeln!(out, "</table></div>")?;
    for (i, art, list) in [(a, x, &only_x), (b, y, &only_y)] {
        writeln!(out, "<h2>Only {} {} ({})</h2><ul>", label(i), esc(&crate::outlet_label(art)), list.len())?;
        for (c, s) in list.iter().take(200) {
            writeln!(out, "<li><b>{}</b> {}</li>", esc(&crate::short_id(&c.id)), esc(s))?;
        }
        writeln!(out, "</ul>")?;
    }
    writeln!(out, "<h2>Framing</h2><div class=\"sources\">")?;
    for (i, art) in [(a, x), (b, y)] {
        writeln!(out, "<div class=\"source\"><b>{} {}</b><ul>", label(i), esc(&crate::outlet_label(art)))?;
        for f in r.framing.iter().filter(|f| f.article == art.id) {
            for sp in &f.spans {
                writeln!(out, "<li>{}: &quot;{}&quot;</li>", esc(sp.technique.label()), esc(&sp.text))?;
            }
        }
        writeln!(out, "</ul></div>")?;
    }
    writeln!(out, "</div></body></html>")
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
        assert!(html.contains("href=\"#s1-c1-2\"") && html.contains("<blockquote id=\"s1-c1-2\">"), "a matrix cell opens its sentence");
        assert!(html.contains("<h2>Timeline</h2>") && html.contains("2026-03-03 <a href=\"#s1-c2\">C2</a> first reported by Harbor News"), "the timeline");
        assert!(!html.contains("method=\"post\""), "the CLI's file has no controls");
    }

    fn served(r: &parallax_model::StoryReport, page: usize) -> String {
        let view = super::ServerView { csrf: "tok<en>", claims_page: page, similar: &[], corrections: &[] };
        let mut buf = Vec::new();
        super::story_page(r, &view, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn a_served_page_opens_sentences_in_their_articles_and_has_the_controls() {
        let r = crate::fixture::report();
        let html = served(&r, 1);
        assert!(html.contains("href=\"/article/a2#at-0\""), "a cell opens the sentence in its article");
        assert!(html.contains("action=\"/story/s1/split\"") && html.contains("name=\"article\" value=\"a1\""), "split control");
        assert!(html.contains("action=\"/story/s1/merge\""), "merge control");
        assert!(html.contains("name=\"token\" value=\"tok&lt;en&gt;\""), "the CSRF token, escaped");
        assert!(html.contains("action=\"/story/s1/compare\""), "compare two sources");
    }

    #[test]
    fn a_served_page_lists_its_storyline_in_order_with_links_escaped() {
        let mut r = crate::fixture::report();
        let story = |id: &str, title: &str, first: &str| parallax_model::TimelineStory {
            id: id.into(),
            title: title.into(),
            articles: 2,
            first: Some(first.into()),
            last: Some(first.into()),
        };
        r.storyline = Some(parallax_model::StorylineRef {
            id: "s0".into(),
            stories: vec![story("s0", "Bridge <closes>", "2026-02-20"), story("s1", "Bridge reopens", "2026-03-03")],
        });
        let html = served(&r, 1);
        let at = html.find("<h2>Storyline</h2>").expect("a storyline section");
        let section = &html[at..];
        assert!(section.contains("<li>2026-02-20 <a href=\"/story/s0\">Bridge &lt;closes&gt;</a> (2 articles)</li>"), "{section}");
        assert!(section.find("s0").unwrap() < section.find("this story").unwrap(), "in order: {section}");
        r.storyline = None;
        assert!(!served(&r, 1).contains("<h2>Storyline</h2>"));
    }

    #[test]
    fn a_large_story_ranks_by_origins_folds_single_sources_and_pages() {
        let mut r = crate::fixture::report();
        let base = r.claims[1].clone();
        // 250 shared claims with 1 origin, one with 2 (ranked first), 60 single-source ones
        for i in 0..250 {
            let mut c = base.clone();
            c.id = format!("s1-c{}", i + 10);
            c.text = format!("shared claim number {i}");
            r.claims.push(c);
        }
        let mut top = base.clone();
        top.id = "s1-c999".into();
        top.text = "the claim with two origins".into();
        top.origins.push(top.origins[0].clone());
        top.origins.push(top.origins[0].clone());
        r.claims.push(top);
        for i in 0..60 {
            let mut c = base.clone();
            c.id = format!("s1-c{}", i + 1000);
            c.text = format!("only one source says {i}");
            c.status = parallax_model::ClaimStatus::SingleSource;
            c.outlets.truncate(1);
            c.support.truncate(1);
            r.claims.push(c);
        }
        let html = served(&r, 1);
        let first_row = html.find("<tr><td><a href=\"#s1-c").unwrap();
        assert!(html[first_row..].starts_with("<tr><td><a href=\"#s1-c999\""), "most origins first");
        assert!(html.contains("claims 1\u{2013}100 of 253") && html.contains("href=\"?claims=2\""), "paged");
        assert!(!html.contains("shared claim number 249"), "later pages are not on the first");
        assert!(html.contains("<details><summary>[1] Port Daily: 60 claims</summary>"), "single-source claims folded under their source");
        assert!(html.contains("and 20 more: <a href=\"?source=1\">all of them</a>"), "{}", &html[html.find("<details>").unwrap()..][..200]);
        let mut buf = Vec::new();
        super::source_claims_page(&r, 0, 1, &mut buf).unwrap();
        let only = String::from_utf8(buf).unwrap();
        assert!(only.contains("60 claims no other source carries") && only.contains("only one source says 59"));
        let third = served(&r, 3);
        assert!(third.contains("claims 201\u{2013}253 of 253") && third.contains("shared claim number 249"));
    }

    #[test]
    fn two_sources_compared() {
        let r = crate::fixture::report();
        let mut buf = Vec::new();
        super::compare_page(&r, 0, 1, &mut buf).unwrap();
        let html = String::from_utf8(buf).unwrap();
        assert!(html.contains("<h2>What both state (2)</h2>"), "{html}");
        assert!(html.contains("The bridge reopened Monday.") && html.contains("&quot;a &lt;fiasco&gt;&quot;"));
    }
}
