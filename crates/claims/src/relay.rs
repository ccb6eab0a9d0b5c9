//! Relayed reporting: a sentence that rests on another news outlet's word ("CBS News reported",
//! "according to the Associated Press", "told Interfax", "first reported by The Atlantic").
//!
//! Three outlets repeating one outlet's scoop are one origin, not three; the claim stage uses
//! [`find_relay`] to follow each support back to whose word it rests on. A relay names an
//! outlet: a name the story's own articles carry as their outlet, or one that reads as a news
//! organisation ([`OUTLET_WORDS`], [`OUTLET_NAMES`]). The article's own outlet is never a relay
//! ("told Fox News" in a Fox News article is its own reporting), and neither is a person, an
//! agency or a press release (those are speakers, see [`crate::attribution`]).

use parallax_model::{Relay, Span};
use regex::Regex;
use std::sync::OnceLock;

/// Words that make a capitalised name read as a news organisation ("Fox News", "The Kyiv
/// Independent", "Meet the Press").
pub const OUTLET_WORDS: &[&str] = &[
    "News",
    "Times",
    "Post",
    "Journal",
    "Press",
    "Wire",
    "Tribune",
    "Herald",
    "Gazette",
    "Telegraph",
    "Guardian",
    "Observer",
    "Magazine",
    "Radio",
    "Television",
    "TV",
    "Network",
    "Daily",
    "Chronicle",
    "Independent",
    "Inquirer",
    "Examiner",
    "Dispatch",
    "Courier",
    "Bulletin",
    "Monitor",
    "Broadcasting",
    "Newspaper",
    "Today",
    "Globe",
    "Review",
    "Channel",
];

/// One outlet's other names, as news prose writes them.
pub const OUTLET_ALIASES: &[&[&str]] = &[
    &["HuffPost", "Huffington Post", "HuffPo"],
    &["Associated Press", "AP"],
    &["Agence France-Presse", "AFP"],
    &["The New York Times", "NYT"],
    &["The Wall Street Journal", "WSJ"],
    &["The Washington Post", "WaPo"],
];

/// Words after a network's name that still name the network ("Fox News", "CBS Radio").
const NETWORK_SUFFIXES: &[&str] = &["news", "network", "channel", "tv", "radio", "online", "digital", "media", "sunday"];

/// Nouns that introduce an outlet's name ("the Spanish newspaper El Pais").
const OUTLET_DESCRIPTORS: &[&str] =
    &["newspaper", "network", "broadcaster", "agency", "site", "magazine", "outlet", "daily", "tabloid", "station", "channel", "radio"];

/// Outlets whose names carry none of [`OUTLET_WORDS`]: wire services, broadcasters and sites
/// news prose cites by name alone.
pub const OUTLET_NAMES: &[&str] = &[
    "Reuters",
    "AP",
    "AFP",
    "Agence France-Presse",
    "Interfax",
    "TASS",
    "RIA Novosti",
    "Xinhua",
    "Kyodo",
    "Yonhap",
    "Anadolu",
    "CNN",
    "BBC",
    "NBC",
    "CBS",
    "ABC",
    "MSNBC",
    "CNBC",
    "NPR",
    "PBS",
    "C-SPAN",
    "Fox",
    "Bloomberg",
    "Politico",
    "Axios",
    "BuzzFeed",
    "HuffPost",
    "Vox",
    "Slate",
    "Breitbart",
    "Newsmax",
    "Newsweek",
    "The Atlantic",
    "The Hill",
    "The Intercept",
    "ProPublica",
    "Vice",
    "Yahoo",
    "Semafor",
    "Mediaite",
    "Salon",
    "Al Jazeera",
    "Sputnik",
    "RT",
    "Meduza",
    "Kommersant",
    "Izvestia",
    "Vedomosti",
    "Ukrinform",
    "Haaretz",
    "Le Monde",
    "Der Spiegel",
    "Bild",
    "El País",
    "Univision",
    "Telemundo",
    "Sky",
    "ITV",
    "Deutsche Welle",
    "DW",
    "Euronews",
    "France 24",
    "El Pais",
    "CBC",
    "Axel Springer",
    "Daily Beast",
    "Daily Caller",
    "Washington Examiner",
    "The Wall Street Journal",
    "The New Yorker",
    "New York Magazine",
    "Rolling Stone",
    "Mother Jones",
    "National Review",
];

/// Words inside a capitalised name that make it a body, not an outlet ("White House Press
/// Secretary", "the Justice Department").
const NOT_OUTLET_WORDS: &[&str] = &[
    "Secretary",
    "Department",
    "Ministry",
    "Office",
    "Committee",
    "Commission",
    "Council",
    "Court",
    "Police",
    "Agency",
    "Service",
    "Bureau",
    "Administration",
    "Party",
    "Campaign",
    "Senator",
    "Sen.",
    "Rep.",
    "President",
    "Governor",
    "Gov.",
    "Minister",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "Officials",
    "Army",
    "Forces",
    "University",
    "Institute",
    "Foundation",
    "Corp.",
    "Inc.",
    "Company",
];

/// The cue patterns, each with `{N}` where the outlet's name stands. Checked in order; the
/// first that names an outlet wins.
const CUES: &[&str] = &[
    r"\b(?P<cue>(?i:(?:first |originally |previously )?(?:reported|published|obtained|revealed|aired|broadcast) by)) {N}",
    r"\b(?P<cue>(?i:according to|(?:a|the) report (?:in|by|from)))(?: (?:a |an )?(?:report|reports|story|article|interview|broadcast) (?:by|in|from|on|with))? {N}",
    r"\b(?P<cue>(?i:told|said to|speaking to|spoke to|spoke with|speaking with|said on|appearing on|appearance on|interview with|interviews with|interview on|interviewed by|in comments to|wrote in)) {N}",
    r"\b(?P<cue>reports|reported) {N}",
    r"{N}(?:'s?|’s?)? (?P<cue>(?:first |previously |also |originally |earlier |later |recently |had |has |have |was |is )?(?:reported|reports|reporting|revealed|obtained|broke the news|published|aired|(?:was|were) (?:the )?first to report)|interview)\b",
];

/// Words one of [`CUES`] needs, checked before the patterns run.
const CUE_WORDS: &[&str] = &[
    "report",
    "according",
    "told",
    "said on",
    "said to",
    "interview",
    "obtain",
    "publish",
    "aired",
    "broadcast",
    "reveal",
    "appear",
    "speak",
    "spoke",
    "wrote",
    "comments",
    "broke",
    "first to",
];

/// A capitalised name of up to six words, "of", "the", "and" allowed inside, an optional "the"
/// before it.
const NAME: &str = r#"(?:[Tt]he )?["“‘']?(?P<name>[A-Z][\w&.\-’']*(?: (?:of |the |de |and )?[A-Z0-9][\w&.\-’']*){0,5})"#;

fn cue_patterns() -> &'static [Regex] {
    static P: OnceLock<Vec<Regex>> = OnceLock::new();
    P.get_or_init(|| CUES.iter().map(|c| Regex::new(&c.replace("{N}", NAME)).expect("relay cue pattern")).collect())
}

/// A name folded for comparison: [`outlet_words`] run together ("cbsnews.com" = "CBS News").
pub fn outlet_key(name: &str) -> String {
    outlet_words(name).concat()
}

/// An outlet name's words, folded: lowercase, "the", possessives and a trailing parenthetical
/// ("Fox News (Online News)") dropped.
fn outlet_words(name: &str) -> Vec<String> {
    let name = name.split('(').next().unwrap_or(name).trim();
    let name = name.strip_suffix(".com").unwrap_or(name);
    let mut words: Vec<String> = name
        .split_whitespace()
        .map(|w| w.trim_end_matches("'s").trim_end_matches("’s").chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    if words.first().is_some_and(|w| w == "the") {
        words.remove(0);
    }
    words
}

/// Whether two outlet names are one outlet: the same folded name or a listed alias
/// ([`OUTLET_ALIASES`]); a network and its news arm ("Fox" / "Fox News"); initials ("NYT" / "The
/// New York Times"); or the short form news prose uses for a paper ("the Times", "the Post").
pub fn same_outlet(a: &str, b: &str) -> bool {
    // every rule below needs the first letters to meet (the first word's, or the last word's
    // for "the Times"): a cheap test that spares most comparisons the folding
    let initial = |s: &str| -> (Option<char>, Option<char>) {
        let s = s.trim_start();
        let s = s.strip_prefix("The ").or_else(|| s.strip_prefix("the ")).unwrap_or(s);
        let first = s.chars().find(|c| c.is_alphanumeric()).map(|c| c.to_ascii_lowercase());
        let last = s.split('(').next().unwrap_or(s).split_whitespace().last().and_then(|w| w.chars().next()).map(|c| c.to_ascii_lowercase());
        (first, last)
    };
    let ((fa, la), (fb, lb)) = (initial(a), initial(b));
    if fa.is_none() || fb.is_none() || !(fa == fb || fa == lb || la == fb) {
        return false;
    }
    let (wa, wb) = (outlet_words(a), outlet_words(b));
    if wa.is_empty() || wb.is_empty() {
        return false;
    }
    if wa == wb || outlet_key(a) == outlet_key(b) {
        return true;
    }
    let alias =
        |x: &str, y: &str| OUTLET_ALIASES.iter().any(|g| g.iter().any(|n| outlet_key(n) == outlet_key(x)) && g.iter().any(|n| outlet_key(n) == outlet_key(y)));
    if alias(a, b) {
        return true;
    }
    let initials = |w: &[String]| w.iter().filter_map(|x| x.chars().next()).collect::<String>();
    let one_way = |short: &[String], long: &[String]| {
        (short.len() < long.len() && long.starts_with(short) && long[short.len()..].iter().all(|w| NETWORK_SUFFIXES.contains(&w.as_str())))
            || (short.len() == 1 && long.len() >= 2 && (short[0] == initials(long) || (short[0].len() >= 4 && long.last() == Some(&short[0]))))
    };
    // a network's programmes are the network ("CBS This Morning" / "CBS News")
    let network = OUTLET_NAMES.iter().any(|n| !n.contains(' ') && n.to_lowercase() == wa[0]);
    one_way(&wa, &wb) || one_way(&wb, &wa) || (network && wa[0] == wb[0])
}

/// Whether a capitalised name reads as a news organisation: one of the story's outlets, a
/// known outlet at its start, a broadcaster's call sign ("WMUR", "KABC"), or a name with a
/// newsroom word and no institution word. `described` says the sentence introduced it as one
/// ("the Spanish newspaper ...").
fn is_outlet(name: &str, story_outlets: &[&str], described: bool) -> bool {
    let words: Vec<&str> = name.split_whitespace().map(|w| w.trim_end_matches("'s").trim_end_matches("’s")).collect();
    if words.iter().any(|w| NOT_OUTLET_WORDS.contains(w)) {
        return false;
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let call_sign = |w: &str| (4..=5).contains(&w.len()) && w.starts_with(['K', 'W']) && w.chars().all(|c| c.is_ascii_uppercase());
    let parts: Vec<&str> = words.iter().flat_map(|w| w.split('-')).collect();
    described
        || story_outlets.iter().any(|o| same_outlet(o, name))
        || OUTLET_NAMES.iter().any(|o| {
            let ow: Vec<String> = o.split_whitespace().filter(|w| *w != "The").map(str::to_lowercase).collect();
            lower.starts_with(&ow)
        })
        || words.first().is_some_and(|w| call_sign(w))
        || parts.iter().skip(1).any(|w| OUTLET_WORDS.contains(w))
}

/// Trailing weekdays the name pattern takes along ("told CNN Tuesday").
fn trim_name(mut name: &str) -> &str {
    while let Some((head, last)) = name.rsplit_once(' ') {
        let last = last.trim_end_matches(['.', ',']);
        // full weekday names only: "Sun" ends "Baltimore Sun"
        if last.len() < 6 || parallax_text::calendar::weekday_number(last).is_none() {
            break;
        }
        name = head;
    }
    name
}

/// The outlet a sentence relays, if any. `sentence` is the text at byte offset `offset` of its
/// article; `own` is the reporting article's outlet, never a relay; `story_outlets` are the
/// outlets of the story's articles, which count as outlets whatever their names.
pub fn find_relay(sentence: &str, offset: usize, own: &str, story_outlets: &[&str]) -> Option<Relay> {
    // most sentences hold no cue at all: skip the patterns for them
    let lower = sentence.to_lowercase();
    if !CUE_WORDS.iter().any(|w| lower.contains(w)) {
        return None;
    }
    for re in cue_patterns() {
        for c in re.captures_iter(sentence) {
            let (Some(m), Some(cue)) = (c.name("name"), c.name("cue")) else { continue };
            let mut name = trim_name(m.as_str().trim_end_matches(['.', ',', '\'', '’']));
            // "The Atlantic's Julia Ioffe": the outlet ends at its possessive
            if let Some(i) = name.find("'s ").or_else(|| name.find("’s ")) {
                name = &name[..i];
            }
            let before = sentence[..m.start()].to_lowercase();
            let described = before.split_whitespace().next_back().is_some_and(|w| OUTLET_DESCRIPTORS.contains(&w));
            // a lone newsroom word is a paper's short name only after "the" ("the Times")
            let short_form = !name.contains(' ') && OUTLET_WORDS.contains(&name) && before.trim_end().ends_with("the");
            if name.is_empty() || !(short_form || is_outlet(name, story_outlets, described)) || same_outlet(name, own) {
                continue;
            }
            let start = m.start();
            return Some(Relay {
                outlet: name.trim_end_matches("'s").trim_end_matches("’s").to_string(),
                cue: cue.as_str().trim().to_string(),
                span: Span { start: offset + start, end: offset + start + name.len() },
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relayed(s: &str, own: &str) -> Option<String> {
        find_relay(s, 0, own, &[own, "Harbor Courier"]).map(|r| r.outlet)
    }

    #[test]
    fn outlets_cited_by_name_are_relays() {
        assert_eq!(relayed("The senator plans to retire, CBS News reported on Monday.", "Newsmax").as_deref(), Some("CBS News"));
        assert_eq!(relayed("According to the Associated Press, the talks collapsed.", "Newsmax").as_deref(), Some("Associated Press"));
        assert_eq!(relayed("The mayor told Reuters that the plant would close.", "The Daily Star").as_deref(), Some("Reuters"));
        assert_eq!(relayed("The plan was first reported by The Atlantic.", "Newsmax").as_deref(), Some("Atlantic"));
        assert_eq!(relayed("The minister said in an interview with Harbor Courier that fares will rise.", "Port Daily").as_deref(), Some("Harbor Courier"));
        assert_eq!(relayed("Interfax reported that the first batch had been delivered.", "Port Daily").as_deref(), Some("Interfax"));
        assert_eq!(relayed("She told CNN Tuesday that she would run.", "Port Daily").as_deref(), Some("CNN"));
        assert_eq!(relayed("The senator said in an interview with WXYZ that he would run.", "Port Daily").as_deref(), Some("WXYZ"));
        assert_eq!(relayed("The deal was confirmed, the Italian newspaper Corriere reported.", "Port Daily").as_deref(), Some("Corriere"));
        assert_eq!(relayed("The plant will close, according to the Globe.", "Port Daily").as_deref(), Some("Globe"));
        assert_eq!(relayed("Letters obtained by The Courier’s Ann Lee show the plan.", "Port Daily").as_deref(), Some("Courier"));
    }

    #[test]
    fn own_outlet_people_and_bodies_are_not_relays() {
        assert_eq!(relayed("The mayor told Fox News that the plant would close.", "Fox News (Online News)"), None);
        assert_eq!(relayed("The governor told reporters the bridge would reopen.", "Port Daily"), None);
        assert_eq!(relayed("The Labor Department reported that 200,000 jobs were added.", "Port Daily"), None);
        assert_eq!(relayed("Senator Jane Roe told White House Press Secretary Sam Doe to resign.", "Port Daily"), None);
        assert_eq!(relayed("According to John Smith, the talks collapsed.", "Port Daily"), None);
        assert_eq!(relayed("The campaign said in a statement that it raised $3 million.", "Port Daily"), None);
        assert_eq!(relayed("The senator said on Capitol Hill that the vote would wait.", "Port Daily"), None);
        assert_eq!(relayed("The source told The Huffington Post that talks stalled.", "HuffPost"), None);
    }

    #[test]
    fn outlet_names_match_across_spellings() {
        assert!(same_outlet("NYT", "The New York Times"));
        assert!(same_outlet("fox", "Fox News (Online News)"));
        assert!(same_outlet("cbsnews.com", "CBS News"));
        assert!(!same_outlet("CBS News", "NBC News"));
        assert!(same_outlet("CBS This Morning", "CBS News"));
        assert!(same_outlet("Huffington Post", "HuffPost"));
        assert!(same_outlet("the Times", "The New York Times"));
        assert!(!same_outlet("Washington", "Washington Examiner"));
    }
}
