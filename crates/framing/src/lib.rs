//! Framing: how an article tells what it tells.
//!
//! - Loaded words and persuasion techniques, found as spans from our own phrase lists
//!   (`data/loaded.txt`), each with a technique named after SemEval-2020 Task 11, and marked when
//!   it sits inside quotation marks (a speaker's words the outlet chose to quote).
//! - Scare quotes: a word or two in quotation marks that nobody is said to have spoken.
//! - Term choices (`data/terms.txt`): the word each source uses for one referent ("Kyiv" or
//!   "Kiev", "government" or "regime").
//!
//! Findings are spans and counts, never a score per outlet. The only score is per sentence or
//! text, for `parallax framing`: how much loaded language it holds.

pub mod lexicon;
mod quotes;

use lexicon::{Matcher, Token};
use parallax_model::{ArticleFraming, FramingSpan, Slant, Span, Technique, TechniqueCount, TermChoice, TermUse};
use std::sync::LazyLock;

const LOADED_FILE: &str = "data/loaded.txt";
const TERMS_FILE: &str = "data/terms.txt";
static LOADED_TEXT: &str = include_str!("../data/loaded.txt");
static TERMS_TEXT: &str = include_str!("../data/terms.txt");

/// How much one span counts towards a text's score, by what kind of span it is. Kept together so
/// the knobs are in one place; chosen on the BASIL dev years (see bench/framing).
#[derive(Debug, Clone, Copy)]
pub struct FramingConfig {
    /// A quoted span counts this share of its weight: the outlet chose the quote, not the words.
    pub quoted_share: f32,
    /// Weight of a scare quote.
    pub scare_quote_weight: f32,
    /// A text is biased when its score reaches this (score = 1 - e^-sum of weights).
    pub biased_at: f32,
}

impl Default for FramingConfig {
    fn default() -> Self {
        FramingConfig { quoted_share: 1.0, scare_quote_weight: 0.5, biased_at: 0.5 }
    }
}

/// A loaded-language entry's payload.
#[derive(Debug, Clone, Copy)]
struct Loaded {
    technique: Technique,
    weight: f32,
}

/// A term-choice entry's payload.
#[derive(Debug, Clone)]
struct Variant {
    referent: &'static str,
    term: &'static str,
    /// Length of the entry as written: longer than `term` when it ends in `*`.
    phrase_len: usize,
    slant: Slant,
}

static LOADED: LazyLock<Matcher<Loaded>> = LazyLock::new(|| loaded_matcher().expect("data/loaded.txt is valid (tested)"));
static TERMS: LazyLock<Matcher<Variant>> = LazyLock::new(|| terms_matcher().expect("data/terms.txt is valid (tested)"));

fn loaded_matcher() -> Result<Matcher<Loaded>, lexicon::LexiconError> {
    let mut items = Vec::new();
    for e in lexicon::parse(LOADED_FILE, LOADED_TEXT)? {
        let err = |reason: String| lexicon::LexiconError { file: LOADED_FILE, line: e.line, reason };
        let technique = Technique::from_key(e.section).ok_or_else(|| err(format!("unknown technique [{}]", e.section)))?;
        let weight = match e.tag {
            None => 1.0,
            Some(t) => t.parse::<f32>().ok().filter(|w| *w > 0.0 && *w <= 2.0).ok_or_else(|| err(format!("weight {t:?} is not a number in (0, 2]")))?,
        };
        items.push((e.phrase, Loaded { technique, weight }));
    }
    Ok(Matcher::new(items))
}

fn terms_matcher() -> Result<Matcher<Variant>, lexicon::LexiconError> {
    let mut items = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    for e in lexicon::parse(TERMS_FILE, TERMS_TEXT)? {
        let err = |reason: String| lexicon::LexiconError { file: TERMS_FILE, line: e.line, reason };
        let slant = match e.tag {
            None => Slant::Neutral,
            Some(t) => Slant::from_key(t).ok_or_else(|| err(format!("unknown slant {t:?}")))?,
        };
        if !seen.insert(e.phrase) {
            return Err(err(format!("{:?} is listed twice", e.phrase)));
        }
        items.push((e.phrase, Variant { referent: e.section, term: e.phrase.trim_end_matches('*'), phrase_len: e.phrase.len(), slant }));
    }
    Ok(Matcher::new(items))
}

/// One framing span in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Spotted {
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    pub technique: Technique,
    pub quoted: bool,
    pub weight: f32,
}

/// What [`frame`] finds in one text.
#[derive(Debug, Clone, PartialEq)]
pub struct TextFraming {
    pub spans: Vec<Spotted>,
    /// 1 - e^-(sum of span weights): 0 for none, 0.63 for one clearly loaded word.
    pub score: f32,
    pub biased: bool,
}

/// The loaded words, techniques and scare quotes of one text (a sentence, a paragraph or a
/// whole article), in text order.
pub fn frame(text: &str, config: &FramingConfig) -> TextFraming {
    let tokens = lexicon::tokens(text);
    let quoted = quotes::quoted_regions(text);
    let inside = |pos: usize| quoted.iter().any(|q| q.start <= pos && pos < q.end);
    let mut spans: Vec<Spotted> = LOADED
        .find(&tokens)
        .into_iter()
        .map(|f| {
            let (start, end) = (tokens[f.first].start, tokens[f.last - 1].end);
            Spotted { start, end, technique: f.payload.technique, quoted: inside(start), weight: f.payload.weight }
        })
        .collect();
    for q in quotes::scare_quotes(text, &quoted, &tokens) {
        if !spans.iter().any(|s| s.start < q.end && q.start < s.end) {
            spans.push(Spotted { start: q.start, end: q.end, technique: Technique::Doubt, quoted: false, weight: config.scare_quote_weight });
        }
    }
    spans.sort_by_key(|s| s.start);
    let sum: f32 = spans.iter().map(|s| if s.quoted { s.weight * config.quoted_share } else { s.weight }).sum();
    let score = 1.0 - (-sum).exp();
    TextFraming { biased: score >= config.biased_at && !spans.is_empty(), score, spans }
}

/// An article's framing spans, with the sentence each falls in and counts per technique.
/// `paragraphs` are joined as [`parallax_model::Article::text`] joins them, so spans are byte
/// offsets in that text, and sentences are numbered as the claim stage numbers them.
pub fn article_framing(article: &str, outlet: &str, paragraphs: &[String], config: &FramingConfig) -> ArticleFraming {
    let mut spans = Vec::new();
    let mut offset = 0;
    let mut sentence_base = 0;
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            offset += 2;
        }
        // a paragraph at a time: a quote often runs over several of its sentences
        let bounds = parallax_text::split_sentences(p);
        for s in frame(p, config).spans {
            let k = bounds.iter().rposition(|b| b.start <= s.start).unwrap_or(0);
            spans.push(FramingSpan {
                span: Span { start: offset + s.start, end: offset + s.end },
                text: p[s.start..s.end].to_string(),
                technique: s.technique,
                quoted: s.quoted,
                sentence_index: sentence_base + k,
            });
        }
        sentence_base += bounds.len();
        offset += p.len();
    }
    let mut counts: Vec<TechniqueCount> = Vec::new();
    for s in &spans {
        match counts.iter_mut().find(|c| c.technique == s.technique) {
            Some(c) => {
                c.count += 1;
                c.quoted += usize::from(s.quoted);
            }
            None => counts.push(TechniqueCount { technique: s.technique, count: 1, quoted: usize::from(s.quoted) }),
        }
    }
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.technique.cmp(&b.technique)));
    ArticleFraming { article: article.to_string(), outlet: outlet.to_string(), counts, spans }
}

/// Sentences of the joined paragraphs: (byte offset in the joined text, index, sentence).
fn sentences(paragraphs: &[String]) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            offset += 2;
        }
        for s in parallax_text::split_sentences(p) {
            let index = out.len();
            out.push((offset + s.start, index, &p[s.start..s.end]));
        }
        offset += p.len();
    }
    out
}

/// One source of a story, as term choices read it.
pub struct Source<'a> {
    pub article: &'a str,
    pub outlet: &'a str,
    pub paragraphs: &'a [String],
}

/// The referents whose naming shows a choice, each with every source's words for it (first use,
/// count): those the sources name differently (Kyiv / Kiev, "full-scale invasion" / "military
/// operation"), and those named with a critical or sympathetic word even by one source
/// ("regime", "liberation of"). Referents every source names alike in a plain way are left out.
pub fn term_choices(sources: &[Source]) -> Vec<TermChoice> {
    // referent -> uses, in the order referents first appear
    let mut choices: Vec<TermChoice> = Vec::new();
    for src in sources {
        for (_, sentence_index, sentence) in sentences(src.paragraphs) {
            let tokens: Vec<Token> = lexicon::tokens(sentence);
            for f in TERMS.find(&tokens) {
                let v = f.payload;
                // "liberat*" is shown as the source wrote it ("liberation")
                let written: String = tokens[f.first..f.last].iter().map(|t| t.word.as_str()).collect::<Vec<_>>().join(" ");
                let term = if v.term.len() < v.phrase_len { written.as_str() } else { v.term };
                let choice = match choices.iter_mut().position(|c| c.referent == v.referent) {
                    Some(i) => &mut choices[i],
                    None => {
                        choices.push(TermChoice { referent: v.referent.to_string(), uses: Vec::new() });
                        choices.last_mut().expect("just pushed")
                    }
                };
                match choice.uses.iter_mut().find(|u| u.article == src.article && u.term == term) {
                    Some(u) => u.count += 1,
                    None => choice.uses.push(TermUse {
                        article: src.article.to_string(),
                        outlet: src.outlet.to_string(),
                        term: term.to_string(),
                        slant: v.slant,
                        count: 1,
                        sentence_index,
                        sentence: sentence.to_string(),
                    }),
                }
            }
        }
    }
    choices.retain(|c| {
        let mut terms: Vec<&str> = c.uses.iter().map(|u| u.term.as_str()).collect();
        terms.sort_unstable();
        terms.dedup();
        let slanted = c.uses.iter().any(|u| matches!(u.slant, Slant::Critical | Slant::Sympathetic));
        // a charged word is a choice even when no other source names the referent
        slanted || terms.len() > 1
    });
    choices
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_lexicons_are_valid() {
        let loaded = loaded_matcher().expect("loaded.txt parses");
        assert!(loaded.len() > 300, "loaded.txt has {} entries", loaded.len());
        let terms = terms_matcher().expect("terms.txt parses");
        assert!(terms.len() > 50, "terms.txt has {} entries", terms.len());
    }

    #[test]
    fn a_neutral_report_has_no_spans() {
        let f = frame("The council approved the budget on Tuesday by a vote of 7 to 2, officials said.", &FramingConfig::default());
        assert!(f.spans.is_empty(), "{:?}", f.spans);
        assert!(!f.biased);
        assert_eq!(f.score, 0.0);
    }

    #[test]
    fn loaded_words_are_spans_with_techniques() {
        let text = "The senator slammed the so-called reform as a disgraceful power grab.";
        let f = frame(text, &FramingConfig::default());
        let got: Vec<(&str, Technique)> = f.spans.iter().map(|s| (&text[s.start..s.end], s.technique)).collect();
        assert!(got.contains(&("slammed", Technique::LoadedLanguage)), "{got:?}");
        assert!(got.iter().any(|(t, k)| *t == "so-called" && *k == Technique::Doubt), "{got:?}");
        assert!(f.biased && f.score > 0.9);
    }

    #[test]
    fn quoted_words_are_marked_as_quoted() {
        let text = "\u{201c}This is a disgraceful betrayal,\u{201d} the mayor said.";
        let f = frame(text, &FramingConfig::default());
        assert!(!f.spans.is_empty() && f.spans.iter().all(|s| s.quoted), "{:?}", f.spans);
    }

    #[test]
    fn scare_quotes_are_doubt_but_reported_words_are_not() {
        let text = "The ministry praised the \"humanitarian\" corridor it had opened.";
        let f = frame(text, &FramingConfig::default());
        let s = f.spans.iter().find(|s| &text[s.start..s.end] == "humanitarian").expect("a scare quote");
        assert_eq!(s.technique, Technique::Doubt);
        let reported = "The mayor called the plan \"premature\" on Monday.";
        assert!(frame(reported, &FramingConfig::default()).spans.iter().all(|s| s.technique != Technique::Doubt || s.quoted));
    }

    #[test]
    fn article_spans_point_into_the_article_text() {
        let paragraphs = vec!["Officials met on Monday.".to_string(), "Critics slammed the deal. It passed anyway.".to_string()];
        let f = article_framing("a1", "Harbor News", &paragraphs, &FramingConfig::default());
        let text = paragraphs.join("\n\n");
        assert_eq!(f.spans.len(), 1, "{:?}", f.spans);
        let s = &f.spans[0];
        assert_eq!(&text[s.span.start..s.span.end], "slammed");
        assert_eq!(s.sentence_index, 1);
        assert_eq!(f.counts, vec![TechniqueCount { technique: Technique::LoadedLanguage, count: 1, quoted: 0 }]);
    }

    #[test]
    fn term_choices_show_each_sources_word_where_they_differ() {
        let a = vec!["Missiles struck Kyiv overnight. Residents of Kyiv sheltered.".to_string()];
        let b = vec!["Explosions were heard in Kiev on Tuesday.".to_string()];
        let c = vec!["The mayor spoke on Monday.".to_string()];
        let sources = [
            Source { article: "a", outlet: "Port Daily", paragraphs: &a },
            Source { article: "b", outlet: "Coast Times", paragraphs: &b },
            Source { article: "c", outlet: "Harbor News", paragraphs: &c },
        ];
        let choices = term_choices(&sources);
        let kyiv = choices.iter().find(|c| c.uses.iter().any(|u| u.term == "kiev")).expect("Kyiv/Kiev is a choice");
        let words: Vec<(&str, &str, usize)> = kyiv.uses.iter().map(|u| (u.outlet.as_str(), u.term.as_str(), u.count)).collect();
        assert_eq!(words, vec![("Port Daily", "kyiv", 2), ("Coast Times", "kiev", 1)]);
        // one source's usual word alone is no choice, nor are two plain synonyms
        assert!(term_choices(&sources[..1]).is_empty());
        let d = vec!["Russian troops advanced.".to_string()];
        let plain = [Source { article: "d", outlet: "D", paragraphs: &d }, Source { article: "e", outlet: "E", paragraphs: &d }];
        assert!(term_choices(&plain).is_empty(), "{:?}", term_choices(&plain));
        // a charged word is shown even when it is the only one
        let f = vec!["The army announced the liberation of the town.".to_string()];
        let one = term_choices(&[Source { article: "f", outlet: "F", paragraphs: &f }]);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].uses[0].slant, Slant::Sympathetic);
        assert_eq!(one[0].uses[0].term, "liberation", "a word matched by its stem is shown as written");
    }
}
