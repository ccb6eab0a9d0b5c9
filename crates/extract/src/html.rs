//! Saved web pages. The body is the container that holds the most prose (readability's idea:
//! paragraphs vote for their parent and, at half weight, grandparent), after markup that is chrome
//! by tag, class/id or visibility is pruned. Paragraphs that are mostly links or match chrome
//! patterns are dropped from the winner. When that yields little, JSON-LD `articleBody` or all
//! prose on the page serve as fallbacks.

use crate::dom::{self, Dom, NodeId, NodeKind};
use crate::{meta, patterns, rules};
use parallax_model::Article;

/// A run of text between block boundaries.
#[derive(Debug)]
struct Block {
    text: String,
    link_chars: usize,
    /// The nearest block-level element holding the run.
    element: NodeId,
    heading: bool,
}

pub fn extract(html: &str) -> Article {
    let dom = dom::parse(html);
    let meta = meta::read(&dom);
    let text_len = text_lengths(&dom);
    let dropped = pruned(&dom, &text_len, true);
    let blocks = blocks(&dom, &dropped);
    let mut paragraphs = main_paragraphs(&dom, &blocks);
    let mut body_chars: usize = paragraphs.iter().map(String::len).sum();
    if body_chars < rules::MIN_BODY_CHARS {
        // Class names misled the pruning: try again trusting only tags and visibility.
        let retry = main_paragraphs(&dom, &self::blocks(&dom, &pruned(&dom, &text_len, false)));
        let retry_chars: usize = retry.iter().map(String::len).sum();
        if retry_chars > body_chars {
            paragraphs = retry;
            body_chars = retry_chars;
        }
    }
    // Fallback comparison: when the page holds several times more sentence prose than the
    // chosen container, the container was one section of a body split into many.
    let everything = all_prose(&blocks);
    let everything_chars: usize = everything.iter().map(String::len).sum();
    if body_chars >= rules::MIN_BODY_CHARS && everything_chars as f64 > body_chars as f64 * rules::FALLBACK_PROSE_RATIO {
        paragraphs = everything.clone();
        body_chars = everything_chars;
    }
    if body_chars < rules::MIN_BODY_CHARS {
        if let Some(ld) = meta.article_body.as_deref().filter(|b| b.len() > body_chars) {
            paragraphs = ld.split('\n').map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect();
        } else {
            if everything_chars > body_chars {
                paragraphs = everything;
            }
        }
    }
    Article {
        title: meta.title,
        byline: meta.byline,
        published: meta.published,
        outlet: meta.outlet,
        url: meta.url,
        language: meta.language,
        paragraphs,
        ..Default::default()
    }
}

/// Marks every node that can hold no article text: chrome tags, chrome class/id, hidden markup,
/// and everything inside those. A class/id verdict is not trusted on an element that holds most
/// of the page's text: "rail" and "advert" turn up on the wrappers of whole pages.
fn pruned(dom: &Dom, text_len: &[usize], by_class: bool) -> Vec<bool> {
    let total = text_len[Dom::ROOT].max(1);
    let mut dropped = vec![false; dom.nodes.len()];
    for id in dom.descendants(Dom::ROOT) {
        if dom.nodes[id].parent.is_some_and(|p| dropped[p]) {
            dropped[id] = true;
            continue;
        }
        let wrapper = text_len[id] as f64 >= total as f64 * rules::WRAPPER_TEXT_SHARE;
        dropped[id] = drops(dom, id, wrapper, by_class);
    }
    dropped
}

/// Characters of text under each node, scripts and styles excluded. Children always come after
/// their parent in the arena, so one backwards pass sums them.
fn text_lengths(dom: &Dom) -> Vec<usize> {
    let mut len = vec![0usize; dom.nodes.len()];
    for id in (0..dom.nodes.len()).rev() {
        if let NodeKind::Text(t) = &dom.nodes[id].kind {
            if !dom.parent_name(id).is_some_and(|p| tags().raw.contains(p) && p != "title") {
                len[id] += t.trim().len();
            }
        }
        if let Some(p) = dom.nodes[id].parent {
            len[p] += len[id];
        }
    }
    len
}

/// Whether an element is chrome by its own tag, class/id or visibility. A `wrapper` (an element
/// holding most of the page's text) keeps its content whatever its class, and whatever its tag
/// unless that tag holds no text at all.
pub(crate) fn drops(dom: &Dom, id: NodeId, wrapper: bool, by_class: bool) -> bool {
    let Some(name) = dom.name(id) else { return false };
    if matches!(name, "html" | "body" | "main" | "article") {
        return false;
    }
    // whole pages sit inside a <form> on some platforms
    let by_tag = tags().drop.contains(name) && (!wrapper || tags().raw.contains(name));
    by_tag || is_hidden(dom, id) || (by_class && !wrapper && class_weight(dom, id) < 0)
}

fn is_hidden(dom: &Dom, id: NodeId) -> bool {
    // React's streamed rendering sends the page's segments in hidden <div id="S:n"> elements
    // that a script swaps into place: shown to every reader, so not hidden
    let streamed_segment = || dom.attr(id, "id").and_then(|v| v.strip_prefix("S:")).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    (dom.attr(id, "hidden").is_some() && !streamed_segment())
        || dom.attr(id, "aria-hidden").is_some_and(|v| v == "true")
        || dom.attr(id, "style").is_some_and(|s| {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
            s.contains("display:none") || s.contains("visibility:hidden")
        })
}

/// +1 for an element whose class/id says "article", -1 for one that says chrome, 0 otherwise.
fn class_weight(dom: &Dom, id: NodeId) -> i32 {
    let mut tokens = Vec::new();
    for key in ["class", "id", "itemprop", "role"] {
        if let Some(v) = dom.attr(id, key) {
            tokens.extend(v.split(|c: char| c.is_whitespace()).filter(|t| !t.is_empty()).map(str::to_ascii_lowercase));
        }
    }
    if tokens.is_empty() {
        return 0;
    }
    let (positive, negative) = token_matchers();
    if tokens.iter().any(|t| t == "articlebody" || positive.matches(t)) {
        return 1;
    }
    if tokens.iter().any(|t| negative.matches(t))
        || dom.attr(id, "role").is_some_and(|r| matches!(r, "navigation" | "complementary" | "banner" | "contentinfo"))
    {
        return -1;
    }
    0
}

/// A class/id token list from `rules`, split into exact words and prefixes (entries ending in
/// `*`) for fast lookup. A token matches when it, or one of its `-`/`_` parts, is an exact word
/// or starts with a prefix.
struct TokenMatcher {
    exact: rustc_hash::FxHashSet<&'static str>,
    prefixes: Vec<&'static str>,
}

impl TokenMatcher {
    fn new(list: &'static [&'static str]) -> Self {
        TokenMatcher {
            exact: list.iter().filter(|p| !p.ends_with('*')).copied().collect(),
            prefixes: list.iter().filter_map(|p| p.strip_suffix('*')).collect(),
        }
    }

    fn matches(&self, token: &str) -> bool {
        let hit = |t: &str| self.exact.contains(t) || self.prefixes.iter().any(|p| t.starts_with(p));
        hit(token) || token.split(['-', '_']).any(hit)
    }
}

fn token_matchers() -> &'static (TokenMatcher, TokenMatcher) {
    static M: std::sync::OnceLock<(TokenMatcher, TokenMatcher)> = std::sync::OnceLock::new();
    M.get_or_init(|| (TokenMatcher::new(rules::POSITIVE_CLASS_TOKENS), TokenMatcher::new(rules::NEGATIVE_CLASS_TOKENS)))
}

/// The tag lists of `rules` as sets: these lookups run for every element.
struct TagSets {
    block: rustc_hash::FxHashSet<&'static str>,
    drop: rustc_hash::FxHashSet<&'static str>,
    raw: rustc_hash::FxHashSet<&'static str>,
}

fn tags() -> &'static TagSets {
    static T: std::sync::OnceLock<TagSets> = std::sync::OnceLock::new();
    T.get_or_init(|| TagSets {
        block: rules::BLOCK_TAGS.iter().copied().collect(),
        drop: rules::DROP_TAGS.iter().copied().collect(),
        raw: rules::RAW_TEXT_TAGS.iter().copied().collect(),
    })
}

/// Flattens the kept tree into text runs, split at block-level elements and at double `<br>`.
fn blocks(dom: &Dom, dropped: &[bool]) -> Vec<Block> {
    enum Step {
        Enter(NodeId),
        Exit(NodeId),
    }
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut links = 0usize;
    let mut in_link = 0usize;
    let mut block_stack: Vec<NodeId> = vec![Dom::ROOT];
    let mut br_run = 0;
    let mut stack = vec![Step::Enter(Dom::ROOT)];
    let flush = |buf: &mut String, links: &mut usize, element: NodeId, out: &mut Vec<Block>| {
        let text = parallax_text::squash_whitespace(buf);
        if !text.is_empty() {
            let heading = dom.name(element).is_some_and(|n| matches!(n, "h1" | "h2" | "h3" | "h4" | "h5" | "h6"));
            out.push(Block { link_chars: (*links).min(text.len()), text, element, heading });
        }
        buf.clear();
        *links = 0;
    };
    while let Some(step) = stack.pop() {
        match step {
            Step::Enter(id) => {
                if dropped[id] {
                    continue;
                }
                match &dom.nodes[id].kind {
                    NodeKind::Text(t) => {
                        if dom.parent_name(id).is_some_and(|p| tags().raw.contains(p)) {
                            continue;
                        }
                        if !t.trim().is_empty() {
                            br_run = 0;
                        }
                        buf.push_str(t);
                        if in_link > 0 {
                            links += t.trim().len();
                        }
                    }
                    NodeKind::Element { name, .. } => {
                        let name = name.as_str();
                        if name == "br" {
                            br_run += 1;
                            if br_run >= 2 {
                                flush(&mut buf, &mut links, *block_stack.last().unwrap(), &mut out);
                            } else {
                                buf.push(' ');
                            }
                            continue;
                        }
                        if tags().block.contains(name) {
                            flush(&mut buf, &mut links, *block_stack.last().unwrap(), &mut out);
                            block_stack.push(id);
                        } else if name == "a" {
                            in_link += 1;
                        } else {
                            buf.push(' ');
                        }
                        stack.push(Step::Exit(id));
                        stack.extend(dom.nodes[id].children.iter().rev().map(|&c| Step::Enter(c)));
                    }
                    NodeKind::Document => {
                        stack.extend(dom.nodes[id].children.iter().rev().map(|&c| Step::Enter(c)));
                    }
                }
            }
            Step::Exit(id) => {
                let name = dom.name(id).unwrap_or("");
                if tags().block.contains(name) {
                    flush(&mut buf, &mut links, id, &mut out);
                    block_stack.pop();
                } else if name == "a" {
                    in_link = in_link.saturating_sub(1);
                } else {
                    buf.push(' ');
                }
            }
        }
    }
    flush(&mut buf, &mut links, Dom::ROOT, &mut out);
    out
}

fn link_density(b: &Block) -> f64 {
    b.link_chars as f64 / b.text.len().max(1) as f64
}

fn ends_like_sentence(t: &str) -> bool {
    parallax_text::ends_like_sentence(t) || t.trim_end().ends_with(':')
}

fn is_prose(b: &Block) -> bool {
    !b.heading && b.text.len() >= rules::MIN_PROSE_CHARS && link_density(b) <= rules::MAX_LINK_DENSITY
}

/// An excerpt of another page, cut off with an ellipsis.
fn is_truncated(text: &str) -> bool {
    let t = text.trim_end();
    rules::TRUNCATION_MARKS.iter().any(|m| t.ends_with(m)) && parallax_text::word_count(t) >= rules::TRUNCATED_MIN_WORDS
}

/// The paragraphs of the best-scoring container.
// (scores are indexed by node id, as the DOM is)
#[allow(clippy::needless_range_loop)]
fn main_paragraphs(dom: &Dom, blocks: &[Block]) -> Vec<String> {
    let mut score = vec![0f64; dom.nodes.len()];
    // undecayed prose under each element, to see when the winner is only a part of the body
    let mut prose = vec![0f64; dom.nodes.len()];
    for b in blocks.iter().filter(|b| is_prose(b)) {
        // only sentences of some length without many links count: teaser blurbs would
        // otherwise widen the body over a whole front page
        if b.text.len() >= rules::STRONG_PROSE_CHARS && link_density(b) <= rules::STRONG_PROSE_LINK_DENSITY && ends_like_sentence(&b.text) {
            prose[b.element] += b.text.len() as f64;
            for a in dom.ancestors(b.element) {
                prose[a] += b.text.len() as f64;
            }
        }
        let words = parallax_text::word_count(&b.text);
        let commas = b.text.matches([',', '\u{3001}', '\u{ff0c}']).count();
        let mut s = 1.0 + commas as f64 + (b.text.len() as f64 / 100.0).min(3.0);
        if !ends_like_sentence(&b.text) && words < 12 {
            s *= 0.3;
        }
        // A block's own element is its paragraph; the vote goes to the elements holding it.
        let holder = if dom.name(b.element).is_some_and(|n| matches!(n, "p" | "li" | "blockquote" | "pre" | "dd")) {
            dom.nodes[b.element].parent
        } else {
            Some(b.element)
        };
        let mut cur = holder;
        for level in 0..3 {
            let Some(id) = cur else { break };
            score[id] += s / (1.0 + level as f64);
            // an <article> is one post: its prose does not make the page around it (a list of
            // posts, or posts left unclosed and nested by the parser) look like an article
            if dom.name(id) == Some("article") {
                break;
            }
            cur = dom.nodes[id].parent;
        }
    }
    let mut best: Option<(NodeId, f64)> = None;
    for id in 0..dom.nodes.len() {
        if score[id] <= 0.0 {
            continue;
        }
        let bonus = match dom.name(id) {
            Some("article") => 1.25,
            _ if dom.attr(id, "itemprop").is_some_and(|v| v.eq_ignore_ascii_case("articleBody")) => 1.5,
            _ => 1.0,
        } * if class_weight(dom, id) > 0 { 1.15 } else { 1.0 };
        let s = score[id] * bonus;
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((id, s));
        }
    }
    let Some((mut top, top_score)) = best else { return vec![] };
    // A body split into chunks ("article__chunks > grid > body") votes for each chunk apart:
    // climb while the parent holds clearly more prose than the winner.
    // Wrappers with nothing of their own ("grid > body__container") sit between, so look a few
    // levels up.
    // A region whose headings are links is a listing of other stories, never more article.
    let mut linked_headings = vec![0u32; dom.nodes.len()];
    for b in blocks.iter().filter(|b| b.heading && link_density(b) > rules::MAX_LINK_DENSITY) {
        for a in std::iter::once(b.element).chain(dom.ancestors(b.element)) {
            linked_headings[a] += 1;
        }
    }
    loop {
        let wider = dom
            .ancestors(top)
            .take(rules::EXPAND_LEVELS)
            .take_while(|&a| a != Dom::ROOT)
            .find(|&a| prose[a] >= prose[top] * rules::EXPAND_PROSE_RATIO && linked_headings[a] < linked_headings[top] + rules::LISTING_LINKED_HEADINGS);
        match wider {
            Some(a) => top = a,
            None => break,
        }
    }
    // Siblings that score well are split parts of one article body (a lead box, a second column).
    let parent = dom.nodes[top].parent;
    let mut keep_roots = vec![top];
    if let Some(p) = parent {
        for &sib in &dom.nodes[p].children {
            if sib != top && score[sib] >= (top_score * 0.25).max(8.0) {
                keep_roots.push(sib);
            }
        }
    }
    let p = patterns::get();
    let inside: Vec<&Block> =
        blocks.iter().filter(|b| b.element == top || keep_roots.iter().any(|&r| b.element == r || dom.ancestors(b.element).any(|a| a == r))).collect();
    // Excerpts next to excerpts, before or after all the prose, are a list of other pages; a
    // run of them amid the prose is the article's own summary list (a round-up, a review).
    let prose_at = |i: usize| is_prose(inside[i]) && !is_truncated(&inside[i].text);
    let first_prose = (0..inside.len()).find(|&i| prose_at(i)).unwrap_or(0);
    let last_prose = (0..inside.len()).rev().find(|&i| prose_at(i)).unwrap_or(0);
    let teaser = |i: usize| {
        let run = is_truncated(&inside[i].text) && ((i > 0 && is_truncated(&inside[i - 1].text)) || inside.get(i + 1).is_some_and(|n| is_truncated(&n.text)));
        run && (i < first_prose || i > last_prose)
    };
    inside
        .iter()
        .enumerate()
        .filter(|&(i, _)| !teaser(i))
        .map(|(_, b)| *b)
        .filter(|b| dom.name(b.element) != Some("h1"))
        .filter(|b| link_density(b) <= rules::MAX_LINK_DENSITY || b.text.len() > 300)
        .filter(|b| !p.is_chrome(&b.text))
        .filter(|b| b.heading || parallax_text::word_count(&b.text) >= 4 || ends_like_sentence(&b.text))
        .map(|b| b.text.clone())
        .collect()
}

/// Every prose block on the page, with the headings that introduce them, for pages with no
/// clear container or a body split into many.
fn all_prose(blocks: &[Block]) -> Vec<String> {
    let p = patterns::get();
    let good = |b: &Block| is_prose(b) && b.text.len() >= 80 && ends_like_sentence(&b.text) && !p.is_chrome(&b.text);
    let mut out = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let heading_of_prose = b.heading && link_density(b) <= rules::MAX_LINK_DENSITY && blocks.get(i + 1).is_some_and(good);
        if heading_of_prose || good(b) {
            out.push(b.text.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!doctype html><html lang="en"><head><title>Harbor bridge reopens | Port Daily</title>
<meta property="og:site_name" content="Port Daily"></head><body>
<header><nav><a href="/">Home</a><a href="/world">World</a></nav></header>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<main><article><h1>Harbor bridge reopens</h1>
<div class="byline">By Mara Quist</div>
<p>The harbor bridge in Port Vell reopened on Monday after two weeks of repairs, the city council said.</p>
<figure><img src="x.jpg"><figcaption>The bridge at dawn. Photo: Jane Roe</figcaption></figure>
<p>Traffic was light in the morning, and officials said buses would return to the route on Wednesday.</p>
<div class="share-tools"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<h2>What comes next</h2>
<p>Engineers will inspect the eastern span again in the spring, according to the council's schedule.</p>
</article>
<aside class="related"><h3>Related</h3><p>Another story about ferries that is long enough to look like prose, with commas, too.</p></aside>
</main>
<div id="comments"><p>Great article, thanks for writing it, I really enjoyed it a lot.</p></div>
<footer><p>Copyright 2024 Port Daily. All rights reserved.</p></footer></body></html>"##;

    #[test]
    fn article_body_without_chrome() {
        let a = extract(PAGE);
        assert_eq!(a.title.as_deref(), Some("Harbor bridge reopens"));
        assert_eq!(a.outlet.as_deref(), Some("Port Daily"));
        assert_eq!(
            a.paragraphs,
            vec![
                "The harbor bridge in Port Vell reopened on Monday after two weeks of repairs, the city council said.",
                "Traffic was light in the morning, and officials said buses would return to the route on Wednesday.",
                "What comes next",
                "Engineers will inspect the eastern span again in the spring, according to the council's schedule.",
            ]
        );
    }

    #[test]
    fn link_lists_are_not_prose() {
        let page = r#"<div><p>The council approved the budget on Tuesday after a long debate, members said.</p><p>It covers road repairs, schools and two new parks in the northern district.</p><p>Officials expect work to begin in May, and to finish before the end of next year.</p></div>
        <div><p><a href="/a">Ten things about budgets you never knew, and more</a></p><p><a href="/b">Another headline that links elsewhere, with a comma</a></p></div>"#;
        let a = extract(page);
        assert_eq!(a.paragraphs.len(), 3, "{:?}", a.paragraphs);
    }

    #[test]
    fn br_separated_text_in_divs_becomes_paragraphs() {
        let page = "<div class=\"story-body\">The first paragraph is here, and it is long enough to count as prose.<br><br>The second paragraph follows it, also long enough to count as prose.</div>";
        let a = extract(page);
        assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
    }

    #[test]
    fn json_ld_body_is_the_fallback_for_script_rendered_pages() {
        let page = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"H","articleBody":"The first paragraph of the article body, delivered only as structured data for the app to render.\nA second paragraph that says more about what happened, where, and when it happened in town."}</script></head><body><div id="app"></div></body></html>"#;
        let a = extract(page);
        assert_eq!(a.paragraphs.len(), 2);
    }

    #[test]
    fn a_form_or_rail_wrapping_the_whole_page_is_not_chrome() {
        let page = r#"<body><form id="aspnet"><div class="pg-rail-wrapper"><article><p>The first paragraph of the story, long enough to be prose, with a comma.</p><p>The second paragraph of the story, long enough to be prose, with a comma.</p></article></div></form></body>"#;
        assert_eq!(extract(page).paragraphs.len(), 2);
    }

    fn para(n: usize, topic: &str) -> String {
        format!("<p>Paragraph {n} about {topic} goes on long enough to be prose, with a comma, and ends well.</p>")
    }

    #[test]
    fn a_body_split_into_chunks_is_joined() {
        let chunk = |from: usize| {
            format!(
                "<div class=\"grid\"><div class=\"body__container\">{}{}{}</div></div>",
                para(from, "the story"),
                para(from + 1, "the story"),
                para(from + 2, "the story")
            )
        };
        let page = format!("<article><div class=\"chunks\">{}{}{}</div></article>", chunk(1), chunk(4), chunk(7));
        assert_eq!(extract(&page).paragraphs.len(), 9);
    }

    #[test]
    fn a_listing_under_the_article_is_not_joined() {
        let teaser = |n: usize| format!("<div class=\"card\"><h3><a href=\"/s{n}\">Another story number {n}</a></h3>{}</div>", para(n, "something else"));
        let page = format!(
            "<div class=\"page\"><div class=\"story\"><div class=\"text\">{}{}{}{}</div></div><div class=\"more\">{}{}{}{}</div></div>",
            para(1, "the story"),
            para(2, "the story"),
            para(3, "the story"),
            para(4, "the story"),
            teaser(10),
            teaser(11),
            teaser(12),
            teaser(13)
        );
        let a = extract(&page);
        assert!(a.paragraphs.iter().all(|p| p.contains("the story")), "{:?}", a.paragraphs);
    }

    #[test]
    fn sections_with_headings_fall_back_to_page_prose() {
        // a listicle: every item its own box, so no container holds a third of the prose
        // each item sits deeper than widening looks, so only the page-wide comparison joins them
        let item = |n: usize| {
            format!(
                "{}<section><h2>Tip number {n}</h2>{}{}{}</section>{}",
                "<div>".repeat(8),
                para(n, "tips"),
                para(n, "more tips"),
                para(n, "even more tips"),
                "</div>".repeat(8)
            )
        };
        let page: String = (1..=8).map(item).collect();
        let a = extract(&format!("<body>{page}</body>"));
        assert!(a.paragraphs.len() >= 32, "{:?}", a.paragraphs);
        assert!(a.paragraphs.contains(&"Tip number 3".to_string()));
    }

    #[test]
    fn hidden_markup_is_pruned() {
        let page = r#"<article><p>The visible paragraph that tells the story, which is long enough.</p><p style="display: none">A hidden paragraph that should never appear in the output text.</p><p hidden>Another hidden one that is also long enough to be prose.</p></article>"#;
        let a = extract(page);
        assert_eq!(a.paragraphs.len(), 1);
    }

    #[test]
    fn posts_nested_in_a_post_do_not_outvote_it() {
        // unclosed <article> teasers nest inside one another, so their common ancestor holds
        // more prose than the one real post beside them
        let post = "<p>The one real post is a single long paragraph, with commas, clauses, and more clauses, which goes on about the harbor, the bridge, the repairs, the council, the buses, the detours and the spring inspection, for quite a while, and then it goes on some more about the ferries, the tides, the fishermen, the market, the festival and the weather, because that is what posts on this site do.</p>";
        let teaser = |n: usize| {
            format!("<p>Other post {n} opens with a long excerpt, with commas, clauses, more clauses, names, places, dates, quotes, asides, lists, and more, cut off where the site stops, so readers click through to it, or not, as they like …</p>")
        };
        let teasers: String = (1..=3).map(|n| format!("<article class=\"postbox\"><h2><a href=\"/p{n}\">Other post {n}</a></h2>{}", teaser(n))).collect();
        let page = format!(
            "<div id=\"primary\"><article class=\"articlebox\">{post}</article><article class=\"postbox\">{teasers}</article></div><footer>Footer</footer>"
        );
        let a = extract(&page);
        assert_eq!(a.paragraphs.len(), 1, "{:?}", a.paragraphs);
        assert!(a.paragraphs[0].starts_with("The one real post"));
    }

    #[test]
    fn excerpts_before_the_article_go_but_a_summary_list_amid_it_stays() {
        let excerpt = |n: usize| {
            format!("<p>Headline {n} of another story WASHINGTON: Officials said on Tuesday that the plan would be reviewed again, and that ...</p>")
        };
        let body = |from: usize| (from..from + 3).map(|n| para(n, "the story")).collect::<String>();
        let page = format!("<article>{}{}{}{}</article>", excerpt(1), excerpt(2), excerpt(3), body(1));
        let a = extract(&page);
        assert!(a.paragraphs.iter().all(|p| p.contains("the story")), "{:?}", a.paragraphs);
        let round_up = format!("<article>{}{}{}{}</article>", body(1), excerpt(1), excerpt(2), body(4));
        assert_eq!(extract(&round_up).paragraphs.len(), 8);
    }

    #[test]
    fn streamed_react_segments_are_not_hidden() {
        let page = format!(
            "<main><div id=\"B:0\"></div></main><div hidden id=\"S:0\"><article>{}{}</article></div><div hidden>{}</div>",
            para(1, "the story"),
            para(2, "the story"),
            para(3, "a hidden aside")
        );
        let a = extract(&page);
        assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
    }

    #[test]
    fn a_table_row_is_one_line() {
        let rows: String = [("1", "Ilse Brandt", "5040"), ("2", "Tomas Reed", "5035")]
            .iter()
            .map(|(p, n, s)| format!("<tr><td>{p}</td><td>{n}</td><td>{s}</td></tr>"))
            .collect();
        let page = format!(
            "<article>{}<table><tr><th>Pos.</th><th>Driver</th><th>Points</th></tr>{rows}</table>{}</article>",
            para(1, "the standings"),
            para(2, "the standings")
        );
        let a = extract(&page);
        assert!(a.paragraphs.contains(&"1 Ilse Brandt 5040".to_string()), "{:?}", a.paragraphs);
    }
}
