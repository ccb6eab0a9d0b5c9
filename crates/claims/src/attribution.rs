//! On whose word a sentence rests: "Putin said", "according to Interfax", "reported by Reuters",
//! a quote closed by "he said". Pronouns and role nouns ("He also noted", "the president
//! announced") resolve to the last named speaker of the same article.

use regex::Regex;
use std::sync::OnceLock;

/// Verbs of saying, in the forms news prose uses them.
const SPEECH_VERBS: &str = "said|says|say|told|tells|announced|announces|confirmed|confirms|stated|states|claimed|claims|noted|notes|added|adds|stressed|stresses|warned|warns|insisted|insists|argued|argues|reported|reports|denied|denies|alleged|alleges|suggested|suggest|suggests|believe|believes|estimated|estimates|wrote|writes|explained|explains|declared|declares|emphasized|emphasised|asserted|asserts|acknowledged|admitted|revealed|disclosed|predicted|predicts|urged|urges|accused|accuses|described|describes|concluded|signaled|signalled|indicated|indicates|recalled|reiterated|pledged|vowed|promised|threatened|condemned|dismissed|highlighted|told";

/// Words that make a lowercase noun phrase a source: "Western officials", "defense analysts".
const SOURCE_NOUNS: &[&str] = &[
    "officials",
    "official",
    "analysts",
    "analyst",
    "experts",
    "expert",
    "sources",
    "source",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "ministry",
    "police",
    "witnesses",
    "witness",
    "residents",
    "authorities",
    "president",
    "minister",
    "government",
    "military",
    "army",
    "kremlin",
    "agency",
    "prosecutors",
    "investigators",
    "doctors",
    "lawmakers",
    "diplomats",
    "observers",
    "critics",
    "commander",
    "governor",
    "mayor",
    "leaders",
    "council",
    "statement",
    "report",
    "media",
    "journalists",
    "correspondent",
    "officers",
    "troops",
    "administration",
    "office",
    "department",
    "secretary",
    "guard",
    "service",
    "services",
    "committee",
    "commission",
    "court",
    "prosecutor",
    "spokespeople",
    "rescuers",
    "hospital",
    "survivors",
    "fishermen",
    "scientists",
    "researchers",
    "organisers",
    "organizers",
    "operator",
    "company",
    "board",
];

/// Subjects that stand for someone named earlier.
const ANAPHORS: &[&str] = &[
    "he",
    "she",
    "they",
    "the president",
    "the minister",
    "the leader",
    "the spokesman",
    "the spokeswoman",
    "the official",
    "the russian president",
    "the us president",
    "the u.s. president",
];

struct Patterns {
    according: Regex,
    by: Regex,
    subject_verb: Regex,
    quote_then_speaker: Regex,
    speaker_after_verb: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        according: Regex::new(r"(?i)\baccording to ((?:the |an? )?[\p{L}\p{N}'’.\- ]{2,60}?)(?:[,.;:]|\s+(?:on|in|at|who|which|that|as|and|but|for|from)\b|$)").unwrap(),
        by: Regex::new(r"(?i)\b(?:reported|announced|stated|confirmed|quoted|cited|published) by ((?:the )?[\p{Lu}][\p{L}\p{N}'’.\- ]{1,50}?)(?:[,.;:]|\s+(?:on|in|at|and|that|which|as)\b|$)").unwrap(),
        subject_verb: Regex::new(&format!(r"(?:^|[,;:]\s+|\bthat\s+)((?:[\p{{L}}'’.\-]+\s+){{0,6}}?[\p{{L}}'’.\-]+),?\s+(?:(?:has|had|have|also|had also|has also|previously|repeatedly|later|then|once)\s+)*(?:{SPEECH_VERBS})\b")).unwrap(),
        quote_then_speaker: Regex::new(&format!(r#"[,?!]["”’']\s+((?:[\p{{L}}'’.\-]+\s+){{0,5}}?[\p{{L}}'’.\-]+)\s+(?:{SPEECH_VERBS})\b"#)).unwrap(),
        speaker_after_verb: Regex::new(&format!(r#"[,?!]["”’']\s+(?:{SPEECH_VERBS})\s+((?:[\p{{L}}'’.\-]+\s+){{0,5}}?[\p{{Lu}}][\p{{L}}'’.\-]+)"#)).unwrap(),
    })
}

/// The source of a sentence, if it has one: the first pattern whose phrase names a source wins.
fn source(sentence: &str) -> Option<String> {
    let p = patterns();
    [&p.quote_then_speaker, &p.speaker_after_verb, &p.according, &p.by, &p.subject_verb]
        .iter()
        .flat_map(|re| re.captures_iter(sentence))
        .find_map(|c| clean_source(&c[1]))
}

/// Keeps the part of a subject phrase that names the source: the trailing run of capitalised
/// words ("Russian President Vladimir Putin" gives "Vladimir Putin" after titles go), or a
/// lowercase phrase ending in a source noun ("Russian defense officials").
fn clean_source(phrase: &str) -> Option<String> {
    let phrase = phrase.trim().trim_matches(|c: char| !c.is_alphanumeric());
    let lower = phrase.to_lowercase();
    if ANAPHORS.contains(&lower.as_str()) {
        return Some(format!("~{lower}"));
    }
    let words: Vec<&str> = phrase.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    const TITLES: &[&str] = &[
        "President",
        "Prime",
        "Minister",
        "Foreign",
        "Defense",
        "Defence",
        "Chancellor",
        "Secretary",
        "General",
        "Gen.",
        "Lt.",
        "Col.",
        "Sen.",
        "Rep.",
        "Gov.",
        "Mr.",
        "Mrs.",
        "Ms.",
        "Dr.",
        "Spokesman",
        "Spokeswoman",
        "Chief",
        "Deputy",
        "Leader",
        "King",
        "Queen",
        "Pope",
        "Mayor",
        "Governor",
        "Senator",
        "Ambassador",
        "Commander",
        "Russian",
        "Ukrainian",
        "U.S.",
        "US",
        "American",
        "British",
        "French",
        "German",
        "Chinese",
        "Belarusian",
        "Hungarian",
        "Israeli",
        "Iranian",
        "Former",
        "Acting",
        "Vice",
        "State",
        "Press",
    ];
    // trailing run of capitalised words
    let mut start = words.len();
    while start > 0 && words[start - 1].chars().next().is_some_and(char::is_uppercase) {
        start -= 1;
    }
    if start < words.len() {
        let run = &words[start..];
        let kept = match run.iter().position(|w| !TITLES.contains(w)) {
            Some(i) => &run[i..],
            None => run,
        };
        let determiner = kept.len() == 1 && ["The", "A", "An", "It", "This", "That", "These", "Those", "Its"].contains(&kept[0]);
        if !determiner {
            return Some(kept.join(" "));
        }
    }
    let last = words.last()?.to_lowercase();
    if SOURCE_NOUNS.contains(&last.as_str()) {
        let kept: Vec<&str> = words.iter().copied().skip_while(|w| matches!(w.to_lowercase().as_str(), "the" | "a" | "an" | "some" | "many")).collect();
        return Some(kept.join(" "));
    }
    None
}

/// Attributions for the sentences of one article, in order. Anaphors ("he", "the president")
/// take the last named person; `None` means the outlet speaks in its own voice.
pub fn attribute_article(sentences: &[&str]) -> Vec<Option<String>> {
    let mut last_named: Option<String> = None;
    sentences
        .iter()
        .map(|s| {
            let found = source(s);
            match found {
                Some(a) if a.starts_with('~') => last_named.clone(),
                Some(a) => {
                    if a.chars().next().is_some_and(char::is_uppercase) {
                        last_named = Some(a.clone());
                    }
                    Some(a)
                }
                None => None,
            }
        })
        .collect()
}

/// Merges short and long forms of one name across a story: "Putin" becomes "Vladimir Putin"
/// when the longer form is used somewhere.
pub fn canonicalize(names: &mut [Option<String>]) {
    let full: Vec<String> = names.iter().flatten().filter(|n| n.contains(' ')).cloned().collect();
    for n in names.iter_mut().flatten() {
        if n.contains(' ') {
            continue;
        }
        let mut longer: Vec<&String> = full.iter().filter(|f| f.ends_with(&format!(" {n}"))).collect();
        longer.sort();
        longer.dedup();
        if longer.len() == 1 {
            *n = longer[0].clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Option<String> {
        attribute_article(&[s]).pop().unwrap()
    }

    #[test]
    fn subject_verb_with_titles() {
        assert_eq!(one("Russian President Vladimir Putin said Aug. 1 that Moscow has begun production.").as_deref(), Some("Vladimir Putin"));
        assert_eq!(one("Putin has confirmed the commencement of production.").as_deref(), Some("Putin"));
        assert_eq!(one("Western officials have condemned the move as destabilizing.").as_deref(), Some("Western officials"));
    }

    #[test]
    fn according_to_and_reported_by() {
        assert_eq!(one("The system can reach far, according to Russian defense officials.").as_deref(), Some("Russian defense officials"));
        assert_eq!(one("According to Putin, forces have selected sites in Belarus.").as_deref(), Some("Putin"));
        assert_eq!(one("Production has started, a development reported by Interfax and signaling escalation.").as_deref(), Some("Interfax"));
    }

    #[test]
    fn quotes_and_anaphors() {
        let got = attribute_article(&[
            "President Ilse Brandt announced on Friday that the bridge had reopened.",
            "He also noted that buses will return next week.",
            "\"We are done with it,\" the president said.",
            "Traffic was light in the morning.",
        ]);
        assert_eq!(got, vec![Some("Ilse Brandt".into()), Some("Ilse Brandt".into()), Some("Ilse Brandt".into()), None]);
    }

    #[test]
    fn appositive_subject() {
        assert_eq!(one("The ferry operator, Aster Lines, said it was cooperating fully.").as_deref(), Some("Aster Lines"));
    }

    #[test]
    fn plain_reporting_has_no_attribution() {
        assert_eq!(one("The bridge reopened on Monday after two weeks of repairs."), None);
        assert_eq!(one("Belarus shares borders with both Ukraine and Russia."), None);
    }

    #[test]
    fn short_names_take_the_long_form() {
        let mut v = vec![Some("Putin".to_string()), Some("Vladimir Putin".to_string()), None, Some("Interfax".to_string())];
        canonicalize(&mut v);
        assert_eq!(v[0].as_deref(), Some("Vladimir Putin"));
        assert_eq!(v[3].as_deref(), Some("Interfax"));
    }
}
