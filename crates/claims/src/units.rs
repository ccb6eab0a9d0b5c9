//! Claim units: the sentences of an article that state something, split further where one
//! sentence coordinates two statements ("said X, and confirmed Y"; "..., adding that Z"), since
//! outlets often report only one of them.

use parallax_model::{Attribution, Relay, Value};
use regex::Regex;
use std::sync::OnceLock;

/// One statement, as a byte range of its article's text.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Index into the caller's article list.
    pub article: usize,
    pub sentence_index: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub speaker: Option<Attribution>,
    pub terms: Vec<String>,
    /// Checkable values, with spans inside `text`.
    pub values: Vec<Value>,
    /// The other outlet this unit relays, set by the claim stage, which knows the story's
    /// outlets ([`crate::relay::find_relay`]).
    pub relay: Option<Relay>,
}

struct Patterns {
    clause_break: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        // ", and confirmed", ",\" and said", "; ", ", adding that", ", while"
        clause_break: Regex::new(r#"(?:,["”’']?\s+and\s+(?:also\s+)?(?:confirmed|said|announced|added|noted|warned|stressed|claimed|plans|planned|pledged|vowed|promised|denied|insisted|called|urged)\b|;\s+|,\s+(?:adding|noting|stressing|warning|saying|claiming)\s+(?:that\s+)?)"#).unwrap(),
    })
}

/// A sentence that states something checkable: long enough, not a question or a lead-in to a
/// list, and not page furniture (bylines, bios, newsletter and correction lines, see
/// [`crate::boilerplate`]). Any statement of five words or more counts: "The exercise includes
/// surface ships and bombers." holds no number or name and is still a fact an outlet reports.
pub fn is_candidate(sentence: &str, attributed: bool) -> bool {
    let words = sentence.split_whitespace().count();
    let end = sentence.trim_end();
    if (words < 5 && !attributed) || words < 3 || end.ends_with('?') || end.ends_with(':') {
        return false;
    }
    !crate::boilerplate::is_boilerplate(sentence)
}

/// Splits a sentence (at `offset` in the article text) into claim units' byte ranges.
pub fn clauses(sentence: &str, offset: usize) -> Vec<(usize, usize)> {
    // (end of the previous clause, start of the next)
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    for m in patterns().clause_break.find_iter(sentence) {
        let before = sentence[from..m.start()].split_whitespace().count();
        let after = sentence[m.end()..].split_whitespace().count();
        if before < 5 || after < 4 {
            continue;
        }
        let sep = &sentence[m.start()..m.end()];
        // The coordinating verb stays with the second clause: "confirmed plans to deploy".
        let next = match sep.find(" and ") {
            Some(p) => m.start() + p + " and ".len(),
            None => m.end(),
        };
        let mut end = m.start();
        // A quote the separator interrupts is closed in the first clause: named "Oreshnik,"
        let quotes = sentence[from..end].matches(['"', '\u{201c}', '\u{201d}']).count();
        if !quotes.is_multiple_of(2) {
            let tail = &sentence[end..next];
            if let Some(q) = tail.find(['"', '\u{201d}']) {
                end += q + tail[q..].chars().next().map_or(1, char::len_utf8);
            }
        }
        cuts.push((end, next));
        from = next;
    }
    let mut bounds = vec![0];
    for (e, n) in &cuts {
        bounds.push(*e);
        bounds.push(*n);
    }
    bounds.push(sentence.len());
    bounds
        .chunks(2)
        .filter_map(|c| {
            let piece = &sentence[c[0]..c[1]];
            let lead = piece.len() - piece.trim_start().len();
            let trail = piece.len() - piece.trim_end().len();
            (!piece.trim().is_empty()).then(|| (offset + c[0] + lead, offset + c[1] - trail))
        })
        .collect()
}

/// Content terms for comparing claims: stems with paraphrases folded by the lexicon.
pub fn claim_terms(text: &str) -> Vec<String> {
    static PHRASES: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    let phrases = PHRASES.get_or_init(|| crate::lexicon::PHRASES.iter().map(|(p, r)| (Regex::new(p).expect("lexicon phrase"), *r)).collect());
    let mut lower = text.to_lowercase();
    for (re, rep) in phrases {
        if re.is_match(&lower) {
            lower = re.replace_all(&lower, *rep).into_owned();
        }
    }
    let unigrams: Vec<String> = parallax_text::terms(&lower).into_iter().map(|t| fold(&t)).collect();
    // Adjacent content words ("serial produc", "launch site") carry what a claim is about better
    // than either word alone.
    let bigrams: Vec<String> = unigrams.windows(2).map(|w| format!("{} {}", w[0], w[1])).collect();
    unigrams.into_iter().chain(bigrams).collect()
}

/// Folds derivational variants the stemmer leaves apart ("product"/"produc",
/// "deliveri"/"deliv") and synonym classes.
fn fold(stem: &str) -> String {
    let base = if let Some(s) = stem.strip_suffix("uct") {
        format!("{s}uc")
    } else if stem.len() >= 7 && stem.ends_with("eri") {
        stem[..stem.len() - 3].to_string()
    } else {
        stem.to_string()
    };
    for (canon, variants) in crate::lexicon::SYNONYMS {
        if variants.contains(&base.as_str()) {
            return canon.to_string();
        }
    }
    base
}

/// Builds the units of one article from its paragraphs, with each sentence's speaker (see
/// [`crate::attribution`]) and values (`published` resolves relative dates).
pub fn article_units(article: usize, paragraphs: &[String], published: Option<&str>) -> Vec<Unit> {
    let mut sentences: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    let mut text = String::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if i > 0 {
            text.push_str("\n\n");
            offset += 2;
        }
        for s in parallax_text::split_sentences(p) {
            sentences.push((offset + s.start, offset + s.end));
        }
        text.push_str(p);
        offset += p.len();
    }
    let attributions = crate::attribution::attribute(&text, &sentences);
    let mut units = Vec::new();
    for (idx, &(s, e)) in sentences.iter().enumerate() {
        let sentence = &text[s..e];
        let speaker = attributions.get(idx).cloned().flatten();
        if !is_candidate(sentence, speaker.is_some()) {
            continue;
        }
        // Who says it is not what is said: the source's name does not make two claims alike.
        let source_terms: Vec<String> = speaker.as_ref().map(|a| parallax_text::terms(&a.speaker).into_iter().map(|t| fold(&t)).collect()).unwrap_or_default();
        for (cs, ce) in clauses(sentence, s) {
            let t = &text[cs..ce];
            let terms: Vec<String> = claim_terms(t).into_iter().filter(|term| !term.split(' ').any(|w| source_terms.iter().any(|s| s == w))).collect();
            units.push(Unit {
                article,
                sentence_index: idx,
                start: cs,
                end: ce,
                text: t.to_string(),
                speaker: speaker.clone(),
                terms,
                values: parallax_values::values(t, published),
                relay: None,
            });
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(s: &str) -> Vec<&str> {
        clauses(s, 0).into_iter().map(|(a, b)| &s[a..b]).collect()
    }

    #[test]
    fn coordinated_statements_split() {
        let s = "Putin said Aug. 1 that Moscow has begun production of its latest missile, named \"Oreshnik,\" and confirmed plans to deploy the weapon to Belarus later this year.";
        assert_eq!(
            pieces(s),
            vec![
                "Putin said Aug. 1 that Moscow has begun production of its latest missile, named \"Oreshnik,\"",
                "confirmed plans to deploy the weapon to Belarus later this year."
            ]
        );
    }

    #[test]
    fn adding_that_splits_and_short_tails_do_not() {
        let s = "Work is ongoing, Putin said, adding that the first batch of missiles has been produced.";
        assert_eq!(pieces(s), vec!["Work is ongoing, Putin said", "the first batch of missiles has been produced."]);
        assert_eq!(pieces("The council met on Monday, and officials said yes."), vec!["The council met on Monday, and officials said yes."]);
    }

    #[test]
    fn paraphrases_fold_together() {
        assert_eq!(claim_terms("serial production"), claim_terms("mass-produced"));
        assert_eq!(claim_terms("twelve died"), claim_terms("twelve were killed"));
        assert_eq!(claim_terms("deliveries"), claim_terms("delivered"));
    }

    #[test]
    fn candidates() {
        assert!(is_candidate("The bridge reopened on Monday after two weeks.", false));
        assert!(!is_candidate("Why does this matter so much to us?", false));
        assert!(!is_candidate("Explore what the app can do for you:", false));
        assert!(!is_candidate("Thanks for reading.", false));
        assert!(is_candidate("The exercise includes surface ships, aircraft and bombers.", false));
        assert!(!is_candidate("Brooke Singman is a reporter for Fox News.", false));
        assert!(!is_candidate("This story was first published by Meridian Wire.", false));
    }

    #[test]
    fn units_carry_offsets_into_the_article_text() {
        let paragraphs = vec!["First paragraph is short.".to_string(), "The mayor said the bridge reopened on Monday. Traffic was light.".to_string()];
        let units = article_units(0, &paragraphs, None);
        let text = paragraphs.join("\n\n");
        assert_eq!(units.len(), 1);
        assert_eq!(&text[units[0].start..units[0].end], "The mayor said the bridge reopened on Monday.");
        assert_eq!(units[0].sentence_index, 1);
    }
}
