//! Article extraction: from a saved web page or a plain-text page dump to an [`Article`] with
//! title, byline, published date, language, outlet, canonical URL and the body as paragraphs.
//!
//! Two front ends share one finishing pass:
//! - `html`: a forgiving tree (`dom`), metadata from JSON-LD / OpenGraph / `<time>`, then the
//!   densest prose container, pruned of chrome by class/id and link density;
//! - `plain`: page dumps where chrome is only text lines (feed items, app prompts, related
//!   articles), cut by line patterns and end-of-article headings.
//!
//! All heuristics are data in [`rules`].

pub mod dom;
mod html;
mod meta;
mod patterns;
mod plain;
pub mod rules;

use parallax_model::{Article, DocumentKind, RawDocument};

pub use meta::normalize_date;

/// Whether the pruning rules drop this element by itself (not through an ancestor), taking it
/// for no page wrapper: a debug aid.
pub fn debug_dropped(dom: &dom::Dom, id: dom::NodeId) -> bool {
    html::drops(dom, id, false, true)
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("{input}: no article text found ({reason})")]
    Empty { input: String, reason: &'static str },
}

/// Extracts the article from a raw document. The returned article has an empty `id`; the
/// pipeline assigns ids once it knows the text.
pub fn extract(doc: &RawDocument) -> Result<Article, ExtractError> {
    extract_with_words(doc).map(|(article, _)| article)
}

/// [`extract`], with the [`parallax_text::word_hash`] of every word of the article's body in
/// order: the tokens extraction has already read, for a stage that shingles the text.
pub fn extract_with_words(doc: &RawDocument) -> Result<(Article, Vec<u64>), ExtractError> {
    let kind = doc.kind.unwrap_or_else(|| sniff(&doc.body));
    let mut article = match kind {
        DocumentKind::Html => html::extract(&doc.body),
        DocumentKind::Text => plain::extract(&doc.body),
        DocumentKind::CleanText => plain::clean_text(&doc.body),
    };
    article.input = doc.input.clone();
    let words = finish(&mut article, doc);
    if article.paragraphs.is_empty() {
        let reason = if doc.body.trim().is_empty() { "the input is empty" } else { "nothing in it reads as article prose" };
        return Err(ExtractError::Empty { input: doc.input.clone(), reason });
    }
    if is_error_page(&article) {
        return Err(ExtractError::Empty { input: doc.input.clone(), reason: "it is an error page, not an article" });
    }
    Ok((article, words))
}

/// A short page titled like an error ("Error | Site", "Page not found", "Just a moment...").
fn is_error_page(article: &Article) -> bool {
    let Some(title) = article.title.as_deref() else { return false };
    let first = [" | ", " - ", " \u{2013} ", " \u{2014} ", " :: "].iter().fold(title, |t, sep| t.split(sep).next().unwrap_or(t)).trim();
    patterns::get().is_error_title(first) && article.paragraphs.iter().map(|p| parallax_text::word_count(p)).sum::<usize>() <= rules::ERROR_PAGE_MAX_WORDS
}

/// Guesses whether a document is HTML from its first bytes.
pub fn sniff(body: &str) -> DocumentKind {
    let head: String = body.trim_start_matches('\u{feff}').trim_start().chars().take(1024).collect::<String>().to_ascii_lowercase();
    let markup = ["<!doctype html", "<html", "<head", "<body", "<meta", "<article", "<div", "<p>", "<p ", "<title", "<?xml", "<!--"];
    if markup.iter().any(|m| head.starts_with(m)) {
        DocumentKind::Html
    } else {
        DocumentKind::Text
    }
}

/// The pass both front ends share: container hints win over guesses, the title is not a body
/// paragraph, repeated paragraphs go, and the language is identified. Returns the body's word
/// hashes (see [`extract_with_words`]).
fn finish(article: &mut Article, doc: &RawDocument) -> Vec<u64> {
    let h = &doc.hints;
    let pick = |hint: &Option<String>, found: &mut Option<String>| {
        if let Some(v) = hint.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            *found = Some(v.to_string());
        }
    };
    pick(&h.title, &mut article.title);
    pick(&h.byline, &mut article.byline);
    pick(&h.outlet, &mut article.outlet);
    pick(&h.url, &mut article.url);
    pick(&h.language, &mut article.language);
    if let Some(p) = h.published.as_deref().filter(|p| !p.trim().is_empty()) {
        article.published = Some(p.trim().to_string());
    }
    article.published = article.published.as_deref().and_then(normalize_date);
    article.title = article.title.as_deref().map(parallax_text::squash_whitespace).filter(|t| !t.is_empty());
    article.byline = article.byline.as_deref().map(parallax_text::squash_whitespace).filter(|t| !t.is_empty());

    let paragraphs = std::mem::take(&mut article.paragraphs).into_iter().map(parallax_text::squashed).filter(|p| !p.is_empty());
    let (kept, words) = drop_repeats_of(paragraphs, article.title.as_deref());
    article.paragraphs = kept;
    if article.language.is_none() {
        article.language = parallax_text::detect_paragraphs_language(&article.paragraphs);
    }
    words
}

/// Removes paragraphs that repeat earlier text: an exact repeat, a paragraph that glues earlier
/// consecutive paragraphs together (a dump's duplicated lead), or one wholly contained in an
/// earlier paragraph. Short refrains are kept.
pub fn drop_repeats(paragraphs: Vec<String>) -> Vec<String> {
    drop_repeats_of(paragraphs.into_iter(), None).0
}

/// [`drop_repeats`], also dropping paragraphs that only repeat the title. Also returns the
/// [`parallax_text::word_hash`] of every word of the kept paragraphs, in order.
///
/// Paragraphs are compared as sequences of word hashes, not strings: the hashes are needed
/// anyway (dedup shingles them), and a kept paragraph is then a range of them rather than a
/// copy of its text.
fn drop_repeats_of(paragraphs: impl Iterator<Item = String>, title: Option<&str>) -> (Vec<String>, Vec<u64>) {
    let n = rules::MIN_REPEAT_WORDS;
    let title = title.map(|t| {
        let mut words = Vec::new();
        parallax_text::push_word_hashes(t, &mut words);
        words
    });
    let mut kept: Vec<String> = Vec::new();
    // where each kept paragraph's words start in `all_words`
    let mut starts: Vec<usize> = Vec::new();
    let mut all_words: Vec<u64> = Vec::new();
    let mut exact: rustc_hash::FxHashSet<u64> = Default::default();
    // every run of MIN_REPEAT_WORDS words seen so far, as bits of a small Bloom filter: a
    // paragraph can only be inside an earlier one if its first and last runs were seen, which
    // spares most searches (a false positive only costs one exact check)
    let mut runs = RunFilter::default();
    let mut words: Vec<u64> = Vec::new();
    for p in paragraphs {
        words.clear();
        parallax_text::push_word_hashes(&p, &mut words);
        if title.as_deref() == Some(&words[..]) {
            continue;
        }
        let run = |ws: &[u64]| ws.iter().fold(0u64, |h, w| h.rotate_left(7) ^ w);
        let whole = run(&words);
        if words.len() >= n {
            let maybe_inside = runs.contains(run(&words[..n])) && runs.contains(run(&words[words.len() - n..]));
            if (exact.contains(&whole) || maybe_inside) && is_repeat(&words, &all_words, &starts) {
                continue;
            }
        }
        words.windows(n).for_each(|w| runs.insert(run(w)));
        exact.insert(whole);
        starts.push(all_words.len());
        all_words.extend_from_slice(&words);
        kept.push(p);
    }
    (kept, all_words)
}

/// A set of run hashes that may answer "seen" wrongly, never "not seen" wrongly: one bit per
/// hash in 64 Kib, which an article's few thousand runs leave mostly clear.
struct RunFilter(Vec<u64>);

impl Default for RunFilter {
    fn default() -> Self {
        RunFilter(vec![0; 1024])
    }
}

impl RunFilter {
    fn slot(h: u64) -> (usize, u64) {
        let bit = (parallax_text::mix(h) >> 48) as usize;
        (bit / 64, 1 << (bit % 64))
    }

    fn insert(&mut self, h: u64) {
        let (word, mask) = Self::slot(h);
        self.0[word] |= mask;
    }

    fn contains(&self, h: u64) -> bool {
        let (word, mask) = Self::slot(h);
        self.0[word] & mask != 0
    }
}

/// Whether the words of a paragraph repeat earlier kept paragraphs (`all` holds their words,
/// each starting at its entry of `starts`): one of them, a stretch inside one, or several
/// consecutive ones glued together.
fn is_repeat(words: &[u64], all: &[u64], starts: &[usize]) -> bool {
    let paragraph = |i: usize| &all[starts[i]..starts.get(i + 1).copied().unwrap_or(all.len())];
    if (0..starts.len()).any(|i| {
        let earlier = paragraph(i);
        earlier.len() >= words.len() && earlier.windows(words.len()).any(|w| w == words)
    }) {
        return true;
    }
    // Glued copies of consecutive earlier paragraphs: [a b] + [c d] == [a b c d].
    (0..starts.len()).any(|first| {
        let (begin, end) = (starts[first], starts[first] + words.len());
        // paragraphs first, first + 1, ... end at these offsets; the glue must end on one of
        // them past the first
        let ends = starts[first + 1..].iter().copied().chain([all.len()]);
        ends.skip(1).take_while(|&e| e <= end).any(|e| e == end) && all.get(begin..end) == Some(words)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use parallax_model::Hints;

    #[test]
    fn glued_lead_repeat_is_dropped_once() {
        let a = "The first batch has entered service with the armed forces, the president said.".to_string();
        let b = "The system was tested in November during a strike on a factory.".to_string();
        let glued = format!("{a}{b}");
        let out = drop_repeats(vec![a.clone(), b.clone(), glued, "A new paragraph that is different from the rest.".into()]);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0], a);
    }

    #[test]
    fn repeats_inside_or_across_kept_paragraphs() {
        let a = "Air defences shot down most of the drones over the region overnight, the governor said on Telegram.";
        let b = "Two people were injured when debris fell on a warehouse near the rail station in the north.";
        let c = "Rescue crews worked through the morning to clear the site before trains could run again.";
        let inside = "most of the drones over the region overnight, the governor said";
        let three = format!("{a} {b} {c}");
        // the end of one paragraph and the start of the next is new text, not a repeat
        let across = "the governor said on Telegram. Two people were injured when debris fell";
        let out = drop_repeats(vec![a.into(), b.into(), c.into(), inside.into(), three, across.into()]);
        assert_eq!(out, vec![a, b, c, across]);
    }

    #[test]
    fn word_hashes_are_the_bodys_words() {
        let doc = RawDocument {
            input: "t.txt".into(),
            body: "Ferry stops running\n\nThe ferry to Port Vell stopped on Monday, 2,000 riders said.\n\nThe ferry to Port Vell stopped on Monday, 2,000 riders said.\n\nRepairs take a week-long break.".into(),
            kind: Some(DocumentKind::Text),
            hints: Default::default(),
        };
        let (article, words) = extract_with_words(&doc).unwrap();
        let mut expected = Vec::new();
        parallax_text::push_word_hashes(&article.text(), &mut expected);
        assert!(!expected.is_empty());
        assert_eq!(words, expected);
    }

    #[test]
    fn short_refrains_survive() {
        let out = drop_repeats(vec!["Yes.".into(), "Then more happened in the town.".into(), "Yes.".into()]);
        assert_eq!(out.len(), 3);
    }

    #[test]
    fn hints_win_and_title_is_not_body() {
        let doc = RawDocument {
            input: "line-7".into(),
            kind: Some(DocumentKind::CleanText),
            body: "Harbor Bridge Reopens\n\nThe harbor bridge reopened on Monday after two weeks of repairs, the city said.".into(),
            hints: Hints {
                title: Some("Harbor Bridge Reopens".into()),
                outlet: Some("Daily Test".into()),
                published: Some("2024-03-05T10:00:00Z".into()),
                ..Default::default()
            },
        };
        let a = extract(&doc).unwrap();
        assert_eq!(a.paragraphs.len(), 1);
        assert_eq!(a.outlet.as_deref(), Some("Daily Test"));
        assert_eq!(a.published.as_deref(), Some("2024-03-05T10:00:00Z"));
        assert_eq!(a.language.as_deref(), Some("en"));
        assert_eq!(a.input, "line-7");
    }

    #[test]
    fn empty_input_is_a_clear_error() {
        let doc = RawDocument { input: "empty.txt".into(), body: "  \n".into(), ..Default::default() };
        let e = extract(&doc).unwrap_err().to_string();
        assert!(e.starts_with("empty.txt: no article text found"), "{e}");
    }

    #[test]
    fn sniffs_html_and_text() {
        assert_eq!(sniff("  <!DOCTYPE html><html>"), DocumentKind::Html);
        assert_eq!(sniff("\u{feff}<html lang=en>"), DocumentKind::Html);
        assert_eq!(sniff("Breaking: <b> is a tag"), DocumentKind::Text);
    }
}

/// Extraction must never panic, whatever the bytes: a cheap always-on fuzz over generated
/// documents mixing markup, multibyte text and truncation. The cargo-fuzz target in `fuzz/`
/// explores further.
#[cfg(test)]
mod robustness {
    use super::*;

    const PIECES: &[&str] = &[
        "<",
        ">",
        "</",
        "<p>",
        "</p>",
        "<div class=\"a\">",
        "</div>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "&amp;",
        "&#",
        "&#x1F600;",
        "\u{4e2d}\u{6587}",
        "\u{0416}",
        "\u{1F600}",
        "\"",
        "'",
        "=",
        " ",
        "\n",
        "\n\n",
        "a",
        "Word.",
        "<br>",
        "<li>",
        "<table><tr><td>",
        "<meta charset=\"x\">",
        "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",",
        "Related Articles",
        "By Jane Roe",
        "2 days ago",
        "\u{feff}",
        "\r\n",
        "<html lang=",
        "<title>",
        "</title>",
        "<!doctype html>",
    ];

    #[test]
    fn generated_documents_never_panic() {
        let mut seed: u64 = 0x2545F4914F6CDD1D;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..3000 {
            let len = (next() % 80) as usize;
            let mut body = String::new();
            for _ in 0..len {
                body.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            for kind in [DocumentKind::Html, DocumentKind::Text, DocumentKind::CleanText] {
                let doc = RawDocument { input: format!("gen-{round}"), kind: Some(kind), body: body.clone(), hints: Default::default() };
                let _ = extract(&doc);
            }
        }
    }

    #[test]
    fn error_pages_have_no_article() {
        let page = "<html><head><title>Error | Port Daily</title></head><body><h1>We'll be right back!</h1><p>It looks like we are having some trouble loading this page, please check back soon for the news.</p></body></html>";
        let e = extract(&RawDocument { input: "e.html".into(), kind: Some(DocumentKind::Html), body: page.into(), hints: Default::default() }).unwrap_err();
        assert!(e.to_string().contains("error page"), "{e}");
    }
}
