//! On whose word a sentence rests: "Putin said", "according to Interfax", a quote closed by
//! "he said", a quote running over several sentences or paragraphs, "officials said" (unnamed),
//! "is believed to" (hedged). Pronouns and role nouns ("she told reporters", "the senator
//! added") resolve to the most recent compatible named person of the same article, never to a
//! place, a party label, a time word or (for he/she) an organisation.
//!
//! The sentence is read as tokens with byte offsets. A cue (a verb of saying, "according to", a
//! hedge) is found outside quotation marks; its speaker is the noun phrase before it (through an
//! appositive: "Michael Elliott, the executive director of X, said"), after it when inverted
//! ("..., said Jane Doe, a spokeswoman"), or after "according to". Quotations are found over
//! the whole article, so a quote opened in one sentence and closed two sentences later, or
//! continued into the next paragraph, gives every sentence it covers the same speaker.
//!
//! Every word list is data, here at the top of the file.

use parallax_model::{Attribution, AttributionKind, Span};

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/// Verbs of saying that attribute wherever they stand after a subject.
#[rustfmt::skip]
const STRONG_CUES: &[&str] = &[
    "said", "says", "say", "told", "tells", "stated", "claimed", "insisted", "insists", "argued", "argues", "wrote", "writes", "tweeted",
    "tweets", "explained", "explains", "declared", "declares", "asserted", "asserts", "acknowledged", "acknowledges", "admitted", "admits", "conceded",
    "concedes", "countered", "quipped", "joked", "complained", "complains", "testified", "stressed", "stresses", "warned", "warns", "emphasized",
    "emphasised", "reiterated", "contended", "contends", "alleged", "alleges", "replied", "replies", "responded", "responds", "remarked", "cautioned",
    "lamented", "boasted", "bragged", "mused", "wondered", "suggested", "suggests", "suggest", "believes", "believe", "thinks", "think", "speculated",
    "predicted", "predicts",
];

/// Verbs of saying that also have other senses ("continued production", "added troops"): they
/// attribute only next to a quotation or before "that", a colon, a comma or the sentence end.
#[rustfmt::skip]
const WEAK_CUES: &[&str] = &[
    "continued", "continues", "added", "adds", "asked", "asks", "posted", "noted", "notes", "reported", "reports", "announced", "announces", "confirmed",
    "confirms", "denied", "denies", "recalled", "recalls", "maintained", "maintains", "observed", "promised", "vowed", "pledged", "urged", "estimated",
    "estimates", "shouted", "yelled", "answered", "retweeted", "reminded", "described", "called", "expressed", "states", "claims",
];

/// Cue forms that are also common nouns ("claims in the area", "reports of fighting"): they
/// attribute only before "that", punctuation or a quotation.
const NOUN_LIKE_CUES: &[&str] = &["states", "claims", "reports", "notes", "estimates", "calls"];

/// Cue verbs that report a belief or a guess rather than a statement: their attributions are
/// hedged.
const HEDGE_VERBS: &[&str] = &["suggested", "suggests", "suggest", "believes", "believe", "thinks", "think", "speculated", "estimated", "estimates"];

/// Participles after a comma that attribute to the sentence's subject: "Trump spoke, saying ...".
#[rustfmt::skip]
const PARTICIPLE_CUES: &[&str] = &[
    "saying", "adding", "noting", "telling", "arguing", "insisting", "claiming", "explaining", "writing", "warning", "stressing", "asking", "declaring",
    "tweeting",
];

/// Adverbs that hedge a whole sentence.
const HEDGE_ADVERBS: &[&str] = &["reportedly", "allegedly", "purportedly", "supposedly", "rumoredly"];

/// Participles that, after "is"/"was"/"are"/"were" and before "to" or "that", hedge: "is
/// believed to", "it is thought that".
const HEDGE_PARTICIPLES: &[&str] =
    &["believed", "thought", "said", "reported", "rumored", "rumoured", "alleged", "understood", "suspected", "presumed", "feared"];

/// Forms of "be" that make a cue verb passive.
const BE_FORMS: &[&str] = &["is", "are", "was", "were", "be", "been", "being"];

/// Words that may stand between a subject and its cue verb: "has also said", "later wrote".
#[rustfmt::skip]
const BETWEEN_SUBJECT_AND_CUE: &[&str] = &[
    "also", "has", "had", "have", "later", "then", "previously", "once", "again", "first", "earlier", "separately", "subsequently", "further", "already",
    "even", "still", "just", "long", "never", "himself", "herself", "themselves", "itself", "would", "did", "does", "do", "will", "not",
];

/// Subject pronouns that stand for someone named earlier.
const PRONOUNS: &[&str] = &["he", "she", "they"];

/// Lowercase nouns that head a source not named by a proper name: "officials", "a source".
#[rustfmt::skip]
const SOURCE_NOUNS: &[&str] = &[
    "official", "officials", "source", "sources", "analyst", "analysts", "expert", "experts", "spokesman", "spokeswoman", "spokesperson", "spokespeople",
    "aide", "aides", "adviser", "advisers", "advisor", "advisors", "witness", "witnesses", "resident", "residents", "authorities", "police", "investigators",
    "prosecutors", "prosecutor", "diplomats", "diplomat", "observers", "critics", "supporters", "opponents", "lawmakers", "legislators", "leaders",
    "staffers", "strategists", "strategist", "insiders", "insider", "people", "person", "someone", "others", "some", "many", "most", "several", "voters",
    "democrats", "republicans", "doctors", "scientists", "researchers", "economists", "pollsters", "polls", "poll", "survey", "study", "report", "reports",
    "statement", "memo", "documents", "data", "ministry", "government", "administration", "campaign", "department", "agency", "office", "committee",
    "military", "army", "company", "organizers", "organisers", "rescuers", "survivors", "commanders", "officers", "troops", "employees", "workers", "members",
    "delegates", "activists", "advocates", "organizations", "groups", "group", "media", "journalists", "reporters", "correspondent", "operator", "board",
    "council", "commission", "court", "spokespersons", "representatives", "representative", "executives", "executive", "allies", "donors", "surrogates",
    "colleagues", "friends", "relatives", "family", "officers",
];

/// Role nouns that, after "the", stand for a person named earlier: "the senator". Each lists the
/// titles and appositive words that give a person that role.
const ROLE_NOUNS: &[(&str, &[&str])] = &[
    ("president", &["president", "pres."]),
    ("senator", &["sen.", "senator"]),
    ("congressman", &["rep.", "congressman", "representative"]),
    ("congresswoman", &["rep.", "congresswoman", "representative"]),
    ("lawmaker", &["sen.", "senator", "rep.", "congressman", "congresswoman", "representative", "lawmaker", "legislator"]),
    ("governor", &["gov.", "governor"]),
    ("mayor", &["mayor"]),
    ("minister", &["minister"]),
    ("chancellor", &["chancellor"]),
    ("secretary", &["secretary", "sec."]),
    ("general", &["gen.", "general"]),
    ("judge", &["judge", "justice"]),
    ("ambassador", &["ambassador", "amb."]),
    ("spokesman", &["spokesman", "spokesperson"]),
    ("spokeswoman", &["spokeswoman", "spokesperson"]),
    ("spokesperson", &["spokesman", "spokeswoman", "spokesperson"]),
    ("chairman", &["chairman", "chair"]),
    ("chairwoman", &["chairwoman", "chair"]),
    ("director", &["director"]),
    ("professor", &["professor", "prof."]),
    ("commander", &["commander", "cmdr."]),
    ("speaker", &["speaker"]),
    ("leader", &["leader"]),
    ("candidate", &["candidate", "nominee"]),
    ("nominee", &["nominee", "candidate"]),
    ("businessman", &["businessman"]),
    ("billionaire", &["billionaire"]),
    ("official", &["official"]),
    ("chief", &["chief"]),
];

/// Role nouns general enough that, when no one earlier holds the role, the most recent named
/// person is meant ("the candidate", "the lawmaker").
const GENERIC_ROLES: &[&str] = &["candidate", "nominee", "lawmaker", "businessman", "billionaire", "leader", "official"];

/// Titles and role words trimmed from the front of a name: "Sen. Rob Portman" -> "Rob Portman".
/// Lowercase; compared case-insensitively.
#[rustfmt::skip]
const TITLES: &[&str] = &[
    "president", "pres.", "vice", "prime", "minister", "foreign", "defense", "defence", "chancellor", "secretary", "sec.", "general", "gen.", "lt.", "col.",
    "maj.", "capt.", "sgt.", "adm.", "cmdr.", "sen.", "senator", "rep.", "representative", "congressman", "congresswoman", "gov.", "governor", "lt.gov.",
    "mr.", "mrs.", "ms.", "miss", "dr.", "prof.", "professor", "rev.", "spokesman", "spokeswoman", "spokesperson", "chief", "deputy", "leader", "king",
    "queen", "prince", "princess", "pope", "mayor", "judge", "justice", "ambassador", "amb.", "commander", "former", "acting", "state", "press", "house",
    "senate", "speaker", "majority", "minority", "first", "lady", "attorney", "candidate", "nominee", "chairman", "chairwoman", "director", "adviser",
    "advisor", "strategist", "pollster", "host", "anchor", "co-anchor", "correspondent", "executive", "ceo", "sir", "dame", "lord", "interior", "justice",
    "finance", "trade", "health", "education", "energy", "homeland", "security", "national", "campaign", "manager", "democratic", "republican",
    "presidential", "gop", "rabbi", "bishop", "cardinal", "imam", "pastor", "the",
];

/// Nationality adjectives that lead a name like a title: "Russian President Vladimir Putin".
#[rustfmt::skip]
const DEMONYMS: &[&str] = &[
    "american", "russian", "ukrainian", "belarusian", "british", "english", "scottish", "irish", "french", "german", "italian", "spanish", "polish",
    "chinese", "japanese", "korean", "indian", "pakistani", "afghan", "iranian", "iraqi", "syrian", "israeli", "palestinian", "lebanese", "egyptian",
    "turkish", "saudi", "qatari", "emirati", "canadian", "mexican", "brazilian", "cuban", "venezuelan", "australian", "african", "nigerian", "kenyan",
    "european", "hungarian", "georgian", "armenian", "azerbaijani", "dutch", "belgian", "swiss", "austrian", "swedish", "norwegian", "danish", "finnish",
    "greek", "romanian", "serbian", "czech", "slovak", "baltic", "estonian", "latvian", "lithuanian", "moldovan", "u.s.", "us", "u.n.", "un", "eu", "nato",
];

/// Titles that tell a person's gender.
const MALE_TITLES: &[&str] = &["mr.", "king", "prince", "sir", "lord", "congressman", "spokesman", "chairman", "businessman"];
const FEMALE_TITLES: &[&str] = &["mrs.", "ms.", "miss", "queen", "princess", "dame", "lady", "congresswoman", "spokeswoman", "chairwoman", "businesswoman"];

/// Lowercase words that may lead a name: "former President", "state Sen.".
const LOWER_NAME_LEADS: &[&str] = &["former", "state", "then", "acting", "outgoing", "incoming"];

/// Particles inside person names: "Charles de Gaulle", "Ludwig van Beethoven".
const NAME_PARTICLES: &[&str] = &["de", "la", "le", "van", "von", "der", "den", "bin", "ibn", "al", "el", "da", "di", "del", "dos", "du"];

/// Determiners and quantifiers that open a common noun phrase: "a source", "some officials".
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "another", "some", "several", "many", "most", "other", "few", "numerous", "two", "three", "four", "five", "one", "both", "all", "senior",
    "top",
];

/// Capitalised words that never start a name: sentence openers, function words.
#[rustfmt::skip]
const CAPITALISED_STOPS: &[&str] = &[
    "having", "being", "following", "but", "and", "or", "so", "yet", "still", "however", "meanwhile", "then", "now", "also", "when", "while", "after", "before", "if", "as", "for", "with",
    "in", "on", "at", "by", "from", "to", "of", "this", "that", "these", "those", "it", "he", "she", "they", "we", "i", "you", "his", "her", "their", "its",
    "our", "my", "there", "here", "last", "next", "some", "many", "most", "according", "asked", "speaking", "since", "because", "although", "though",
    "during", "until", "once", "even", "indeed", "instead", "later", "earlier", "today", "yesterday", "tonight", "tomorrow", "a", "an", "what", "why", "how",
    "who", "where", "which", "not", "no", "yes", "all", "both", "each", "every", "other", "another", "such", "only", "just", "like", "unlike", "despite",
    "among", "about", "over", "under", "into", "through", "against", "without", "within", "between", "rather", "whether", "thus", "hence", "sources",
    "officials", "is", "was", "are", "were", "will", "would", "can", "could", "should", "may", "might", "must", "do", "does", "did", "has", "have", "had",
    "dear", "ok", "okay", "oh", "well", "please", "thank", "thanks", "click", "related", "more",
];

/// Relative time words that are never speakers. Month and weekday names come from
/// `parallax_text::calendar`.
const TIME_WORDS: &[&str] = &["today", "yesterday", "tonight", "tomorrow", "morning", "afternoon", "evening", "night", "week", "weekend", "month", "year"];

/// Party labels and party names used as adjectives: never a person.
#[rustfmt::skip]
const PARTY_WORDS: &[&str] = &[
    "gop", "democrat", "democrats", "democratic", "republican", "republicans", "independent", "independents", "libertarian", "green", "conservative",
    "conservatives", "liberal", "liberals", "labour", "labor", "tory", "tories", "dem", "dems",
];

/// Words that make a capitalised name an organisation, not a person.
#[rustfmt::skip]
const ORG_WORDS: &[&str] = &[
    "department", "ministry", "agency", "committee", "commission", "council", "party", "campaign", "house", "senate", "congress", "parliament", "court",
    "university", "college", "institute", "foundation", "center", "centre", "association", "union", "post", "times", "news", "journal", "tribune", "herald",
    "press", "network", "bank", "corporation", "corp.", "inc.", "ltd.", "co.", "company", "group", "office", "administration", "bureau", "board", "fund",
    "organization", "organisation", "army", "navy", "force", "forces", "police", "guard", "church", "school", "hospital", "museum", "club", "team", "channel",
    "radio", "television", "magazine", "review", "daily", "weekly", "gazette", "service", "services", "act", "bill", "law", "amendment", "convention",
    "caucus", "primary", "election", "poll", "street", "avenue", "square", "zero", "day", "war", "times", "initiative", "project", "coalition", "alliance",
    "federation", "league", "authority", "trust", "society", "media", "reuters", "twitter", "facebook", "instagram", "youtube", "google", "cnn", "msnbc",
    "fox", "nbc", "abc", "cbs", "bbc", "npr", "pbs", "politico", "breitbart", "huffpost", "ap", "afp", "interfax", "tass", "xinhua", "kremlin", "pentagon",
    "nato", "fbi", "cia", "nsa", "un", "eu", "who", "state", "states", "city", "county", "republic", "kingdom", "federal", "national", "international",
    "democratic", "republican", "conservative", "liberal", "care", "security", "industries", "holdings", "partners", "research", "studies", "watch",
    "monitor", "observatory", "ministries", "cabinet", "secretariat", "embassy", "consulate", "mission", "delegation", "commonwealth", "nations", "brigade",
    "battalion", "regiment", "division", "command", "corps",
];

/// Place names that are never speakers of a person's words (US states with their abbreviations,
/// countries and large cities news names often).
#[rustfmt::skip]
const PLACES: &[&str] = &[
    "alabama", "ala.", "alaska", "arizona", "ariz.", "arkansas", "ark.", "california", "calif.", "colorado", "colo.", "connecticut", "conn.", "delaware",
    "del.", "florida", "fla.", "georgia", "ga.", "hawaii", "idaho", "illinois", "ill.", "indiana", "ind.", "iowa", "kansas", "kan.", "kentucky", "ky.",
    "louisiana", "la.", "maine", "maryland", "md.", "massachusetts", "mass.", "michigan", "mich.", "minnesota", "minn.", "mississippi", "miss.", "missouri",
    "mo.", "montana", "mont.", "nebraska", "neb.", "nevada", "nev.", "hampshire", "jersey", "mexico", "york", "carolina", "dakota", "n.h.", "n.j.", "n.m.",
    "n.y.", "n.c.", "n.d.", "s.c.", "s.d.", "ohio", "oklahoma", "okla.", "oregon", "ore.", "pennsylvania", "pa.", "rhode", "island", "r.i.", "tennessee",
    "tenn.", "texas", "tex.", "utah", "vermont", "vt.", "virginia", "va.", "washington", "wash.", "wisconsin", "wis.", "wyoming", "wyo.", "d.c.", "new",
    "north", "south", "east", "west", "west", "america", "u.s.", "us", "usa", "u.k.", "uk", "britain", "england", "scotland", "wales", "ireland", "france",
    "germany", "italy", "spain", "portugal", "russia", "ukraine", "belarus", "poland", "china", "japan", "korea", "india", "pakistan", "afghanistan", "iran",
    "iraq", "syria", "israel", "palestine", "gaza", "lebanon", "jordan", "egypt", "turkey", "saudi", "arabia", "yemen", "qatar", "libya", "canada", "brazil",
    "argentina", "venezuela", "cuba", "colombia", "chile", "peru", "australia", "africa", "nigeria", "kenya", "ethiopia", "sudan", "europe", "asia", "moscow",
    "kyiv", "kiev", "beijing", "london", "paris", "berlin", "brussels", "tokyo", "jerusalem", "tehran", "baghdad", "damascus", "cairo", "chicago", "boston",
    "philadelphia", "atlanta", "miami", "houston", "dallas", "detroit", "cleveland", "denver", "seattle", "angeles", "los", "san", "francisco", "diego",
    "las", "vegas", "orlando", "phoenix", "manhattan", "brooklyn", "queens", "bronx", "flint", "city", "county", "hollywood", "wall", "capitol", "hill",
    "states", "united", "kingdom", "emirates", "union", "soviet", "crimea", "donbas", "donetsk", "kharkiv", "odesa", "odessa", "mariupol", "minsk", "warsaw",
    "vienna", "rome", "madrid", "geneva", "ankara", "istanbul", "riyadh", "dubai",
];

/// Quotation marks: openers, closers, and the straight quote that is both.
const OPEN_QUOTES: &[char] = &['\u{201c}', '\u{ab}'];
const CLOSE_QUOTES: &[char] = &['\u{201d}', '\u{bb}'];
const STRAIGHT_QUOTE: char = '"';

/// Abbreviations whose period belongs to the word (lowercase, without the period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "cmdr", "rev", "st", "jr", "sr", "amb", "pres",
    "sec", "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo",
    "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "vt", "va", "wash", "wis", "wyo", "inc", "corp", "ltd", "co", "no", "jan", "feb", "aug", "sept",
    "sep", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun",
];

/// Speaker label for a hedge that names no one: "The suspect is believed to have fled."
pub const UNATTRIBUTED: &str = "unattributed";

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Tok<'a> {
    /// Byte offsets in the article text.
    start: usize,
    end: usize,
    text: &'a str,
    word: bool,
    /// Inside quotation marks (the marks themselves are not).
    quoted: bool,
    low: String,
}

impl Tok<'_> {
    fn lower(&self) -> String {
        self.low.clone()
    }
    fn is(&self, words: &[&str]) -> bool {
        self.word && words.contains(&self.low.as_str())
    }
    fn capitalised(&self) -> bool {
        self.word && self.text.chars().next().is_some_and(char::is_uppercase)
    }
    fn punct(&self, c: char) -> bool {
        !self.word && self.text.starts_with(c)
    }
    fn quote_mark(&self) -> bool {
        self.closing_quote() || self.opening_quote()
    }
    fn closing_quote(&self) -> bool {
        !self.word && (self.text == "''" || self.text.chars().next().is_some_and(|c| c == STRAIGHT_QUOTE || CLOSE_QUOTES.contains(&c)))
    }
    fn opening_quote(&self) -> bool {
        !self.word && (self.text == "''" || self.text == "``" || self.text.chars().next().is_some_and(|c| c == STRAIGHT_QUOTE || OPEN_QUOTES.contains(&c)))
    }
    fn span(&self) -> Span {
        Span { start: self.start, end: self.end }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Splits `text[start..end]` into words and punctuation with absolute offsets. Apostrophes,
/// hyphens, periods and ampersands inside a word stay in it; an abbreviation keeps its period.
fn tokens<'a>(text: &'a str, start: usize, end: usize, quotes: &[(usize, usize)]) -> Vec<Tok<'a>> {
    let s = &text[start..end];
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (b, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if is_word_char(c) {
            let mut j = i + 1;
            while j < chars.len() {
                let cj = chars[j].1;
                if is_word_char(cj) {
                    j += 1;
                } else if matches!(cj, '\'' | '\u{2019}' | '-' | '.' | '&') && j + 1 < chars.len() && is_word_char(chars[j + 1].1) {
                    j += 2;
                } else {
                    break;
                }
            }
            let mut e = if j < chars.len() { chars[j].0 } else { s.len() };
            let w = &s[b..e];
            if j < chars.len() && chars[j].1 == '.' {
                let lw = w.to_lowercase();
                let single = w.chars().count() == 1 && w.chars().all(char::is_uppercase);
                let party = lw.len() > 2 && (lw.starts_with("r-") || lw.starts_with("d-") || lw.starts_with("i-"));
                if single || w.contains('.') || party || ABBREVIATIONS.contains(&lw.as_str()) {
                    e += 1;
                    j += 1;
                }
            }
            out.push(Tok {
                start: start + b,
                end: start + e,
                text: &text[start + b..start + e],
                word: true,
                quoted: false,
                low: text[start + b..start + e].to_lowercase(),
            });
            i = j;
        } else {
            // two apostrophes are a straight double quote (some wires write quotes so)
            let double = (c == '\'' || c == '`') && chars.get(i + 1).is_some_and(|&(_, n)| n == c);
            let e = b + if double { 2 } else { c.len_utf8() };
            if double {
                i += 1;
            }
            out.push(Tok { start: start + b, end: start + e, text: &text[start + b..start + e], word: false, quoted: false, low: String::new() });
            i += 1;
        }
    }
    for t in &mut out {
        t.quoted = quotes.iter().any(|&(qs, qe)| t.start > qs && t.end < qe);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Quotations over the article
// ---------------------------------------------------------------------------------------------

/// Byte ranges of quotations, marks included. A quote left open at the end of a paragraph
/// continues when the next paragraph opens with a quotation mark (the news convention), and ends
/// with the paragraph otherwise.
fn quotations(text: &str, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut para_end: Option<usize> = None; // end of the paragraph where an open quote was left
    let mut at_para_start = true;
    let mut skip = false;
    let bytes = text.as_bytes();
    for (i, c) in text[from..to].char_indices() {
        let i = i + from;
        if skip {
            skip = false;
            continue;
        }
        // two apostrophes (or backticks) stand for a straight double quote
        let double = (c == '\'' || c == '`') && bytes.get(i + 1) == Some(&(c as u8));
        if double {
            skip = true;
        }
        let c = if double { STRAIGHT_QUOTE } else { c };
        if c == '\n' {
            if open.is_some() && para_end.is_none() {
                para_end = Some(i);
            }
            at_para_start = true;
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        let first_of_para = at_para_start;
        at_para_start = false;
        if let Some(pe) = para_end.take() {
            let opener = c == STRAIGHT_QUOTE || OPEN_QUOTES.contains(&c);
            if first_of_para && opener {
                continue; // the quotation goes on
            }
            out.push((open.take().unwrap_or(pe), pe));
        }
        let is_open = OPEN_QUOTES.contains(&c);
        let is_close = CLOSE_QUOTES.contains(&c);
        if c == STRAIGHT_QUOTE {
            match open.take() {
                Some(s) => out.push((s, i + if double { 2 } else { 1 })),
                None => open = Some(i),
            }
        } else if is_open {
            if open.is_none() {
                open = Some(i);
            }
        } else if is_close {
            if let Some(s) = open.take() {
                out.push((s, i + c.len_utf8()));
            }
        }
    }
    if let Some(s) = open {
        out.push((s, para_end.unwrap_or(to)));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Noun phrases
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    /// "he", "she", "they"
    Pronoun,
    /// A capitalised name: "Sen. Rob Portman", "the White House".
    Name,
    /// "the senator", "the Republican nominee": a role standing for someone named earlier.
    Role,
    /// "officials", "a senior source": not named.
    Common,
}

/// A noun phrase as an inclusive token range, with the range of its name part (titles and
/// determiners trimmed).
#[derive(Debug, Clone, Copy)]
struct Np {
    first: usize,
    last: usize,
    name_first: usize,
    head: Head,
}

fn is_time_word(t: &Tok) -> bool {
    if !t.word {
        return false;
    }
    let l = t.lower();
    if TIME_WORDS.contains(&l.as_str()) {
        return true;
    }
    // "May" and three-letter forms without a period are names too often.
    let full = parallax_text::calendar::MONTHS.contains(&l.as_str()) && l != "may";
    let day = parallax_text::calendar::WEEKDAYS.contains(&l.as_str());
    let bare = l.trim_end_matches('.');
    let abbr = (l.ends_with('.') || matches!(bare, "aug" | "sept" | "sep" | "oct" | "nov" | "dec" | "feb" | "tues" | "thurs" | "thu" | "fri"))
        && parallax_text::calendar::abbreviations().any(|a| a == bare);
    full || day || abbr
}

fn is_party_label(t: &Tok) -> bool {
    if !t.word {
        return false;
    }
    let l = t.lower();
    if PARTY_WORDS.contains(&l.as_str()) {
        return true;
    }
    // "R-Ohio", "D-Calif.", "I-Vt."
    let b = l.as_bytes();
    b.len() > 2 && matches!(b[0], b'r' | b'd' | b'i') && b[1] == b'-' && t.text[2..].chars().next().is_some_and(char::is_uppercase)
}

fn is_place(t: &Tok) -> bool {
    t.is(PLACES)
}

fn is_title(t: &Tok) -> bool {
    t.is(TITLES) || t.is(DEMONYMS)
}

/// A word that can be part of a capitalised name run.
fn name_word(t: &Tok) -> bool {
    t.word && !t.quoted && (t.capitalised() || t.is(NAME_PARTICLES) || t.is(LOWER_NAME_LEADS)) && !t.is(CAPITALISED_STOPS)
}

/// Prepositions and conjunctions that show a noun phrase is an object, not a subject.
const OBJECT_MARKERS: &[&str] = &["to", "for", "with", "by", "of", "from", "about", "than", "at", "in", "on", "into", "toward", "towards", "against"];

/// The noun phrase ending at token `j`, read leftwards.
fn np_left(t: &[Tok], j: usize) -> Option<Np> {
    let tj = t.get(j)?;
    if tj.quoted {
        return None;
    }
    // "Rep. Jim Jordan (R-Ohio) said"
    if tj.punct(')') {
        let open = (j.saturating_sub(8)..j).rev().find(|&k| t[k].punct('('))?;
        return np_left(t, open.checked_sub(1)?);
    }
    if !tj.word {
        return None;
    }
    if tj.is(PRONOUNS) {
        return Some(Np { first: j, last: j, name_first: j, head: Head::Pronoun });
    }
    if name_word(tj) || is_party_label(tj) {
        let mut k = j;
        while k > 0 && name_word(&t[k - 1]) {
            k -= 1;
        }
        // "Sen. John McCain of Arizona said", "Smith of the Heritage Foundation said"
        let run_is_place = (k..=j).all(|i| is_place(&t[i]) || is_party_label(&t[i]) || is_time_word(&t[i]) || t[i].is(NAME_PARTICLES));
        let mut before = k;
        if before > 0 && t[before - 1].is(&["the"]) {
            before -= 1;
        }
        if before >= 2 && t[before - 1].is(&["of", "from", "at"]) {
            if let Some(np) = np_left(t, before - 2) {
                if np.head == Head::Name && name_class(t, np.name_first, np.last) == NameClass::Person {
                    return Some(np);
                }
            }
        }
        // "a spokesman for Trump said", "Some Republicans in Congress said"
        if before >= 1 && t[before - 1].is(OBJECT_MARKERS) {
            return np_left_common(t, j);
        }
        if run_is_place && !(k..=j).any(|i| is_place(&t[i])) {
            return None; // a party label or a date alone
        }
        let first = if k > 0 && t[k - 1].is(&["the"]) { k - 1 } else { k };
        let name_first = trim_titles(t, k, j)?;
        return Some(Np { first, last: j, name_first, head: Head::Name });
    }
    let l = tj.lower();
    let role = ROLE_NOUNS.iter().any(|(r, _)| *r == l);
    if SOURCE_NOUNS.contains(&l.as_str()) || role {
        let mut k = j;
        let mut steps = 0;
        while k > 0 && steps < 4 {
            let p = &t[k - 1];
            if !p.word || p.quoted || p.is(OBJECT_MARKERS) || p.is(BE_FORMS) || p.is(&["and", "or", "but", "that", "who", "which", "as", "said", "says"]) {
                break;
            }
            k -= 1;
            steps += 1;
            if p.is(DETERMINERS) && !p.is(&["senior", "top"]) {
                break;
            }
        }
        let starts_with_the = t[k].is(&["the"]);
        // "the senator", "the Republican nominee": a role standing for a person named earlier.
        if role && starts_with_the && !SOURCE_NOUNS.contains(&l.as_str()) {
            return Some(Np { first: k, last: j, name_first: k + 1, head: Head::Role });
        }
        if role && starts_with_the && matches!(l.as_str(), "spokesman" | "spokeswoman" | "spokesperson" | "official") && j == k + 1 {
            return Some(Np { first: k, last: j, name_first: k + 1, head: Head::Role });
        }
        if k > 0 && t[k - 1].is(OBJECT_MARKERS) {
            // "a spokesman for the ministry": the phrase goes on to the left
            if let Some(np) = np_left_common(t, j) {
                return Some(np);
            }
        }
        let name_first = if t[k].is(&["a", "an", "the"]) { k + 1 } else { k };
        return Some(Np { first: k, last: j, name_first, head: Head::Common });
    }
    np_left_common(t, j)
}

/// Words a common noun phrase never runs across, read leftwards.
#[rustfmt::skip]
const PHRASE_BREAKS: &[&str] = &[
    "that", "which", "who", "whom", "whose", "and", "or", "but", "is", "are", "was", "were", "has", "have", "had", "be", "been", "will", "would", "not", "if",
    "because", "when", "while", "as", "than", "it", "he", "she", "they", "we", "i", "you", "him", "her", "them", "us", "me", "what", "there",
    "why", "how", "where", "whether", "could", "should", "can", "may", "might", "must", "do", "does", "did",
];

/// A common noun phrase ending at `j` that opens with a determiner or number at a clause start:
/// "Several supporters of reform said", "21 percent said", "a spokesman for committee Democrats
/// said".
fn np_left_common(t: &[Tok], j: usize) -> Option<Np> {
    let head = t.get(j)?;
    if !head.word || head.quoted || head.is(PHRASE_BREAKS) || head.is(CAPITALISED_STOPS) && !head.capitalised() {
        return None;
    }
    let opener = |x: &Tok| x.is(DETERMINERS) || x.text.chars().all(|c| c.is_ascii_digit() || c == ',');
    let boundary = |m: usize| {
        m == 0
            || !t[m - 1].word
            || t[m - 1].is(&["and", "but", "that", "while", "as", "because", "so", "though", "although", "least", "than", "nearly", "almost"])
    };
    let mut k = j;
    let mut start: Option<usize> = None;
    while k > 0 && j - k < 8 {
        let p = &t[k - 1];
        if !p.word || p.quoted || p.is(PHRASE_BREAKS) || p.is(STRONG_CUES) || p.is(WEAK_CUES) {
            break;
        }
        k -= 1;
        if opener(&t[k]) && boundary(k) {
            start = Some(k);
        }
    }
    if opener(&t[j]) {
        return None;
    }
    let m = start?;
    let name_first = if t[m].is(&["a", "an", "the"]) { m + 1 } else { m };
    Some(Np { first: m, last: j, name_first, head: Head::Common })
}

/// Words that end a noun phrase read rightwards.
#[rustfmt::skip]
const PHRASE_ENDS: &[&str] = &[
    "who", "which", "that", "in", "on", "at", "to", "and", "as", "with", "during", "when", "after", "before", "about", "while", "from", "because", "but", "is",
    "are", "was", "were", "has", "had", "have", "will", "would", "said", "says", "told",
];

/// The noun phrase starting at token `i`, read rightwards (after an inverted cue or "according
/// to").
fn np_right(t: &[Tok], i: usize) -> Option<Np> {
    let ti = t.get(i)?;
    if !ti.word || ti.quoted {
        return None;
    }
    if ti.is(PRONOUNS) {
        return Some(Np { first: i, last: i, name_first: i, head: Head::Pronoun });
    }
    let det = ti.is(DETERMINERS) || ti.text.chars().all(|c| c.is_ascii_digit());
    let k = if det { i + 1 } else { i };
    // titles, then a capitalised name
    let mut x = k;
    while x < t.len() && x < k + 4 && t[x].word && !t[x].quoted && !t[x].capitalised() && (is_title(&t[x]) || t[x].is(LOWER_NAME_LEADS)) {
        x += 1;
    }
    if x < t.len() && name_word(&t[x]) && t[x].capitalised() && !is_time_word(&t[x]) {
        let mut e = x;
        loop {
            while e + 1 < t.len() && name_word(&t[e + 1]) && !is_time_word(&t[e + 1]) {
                e += 1;
            }
            // "the Department of Defense": "of" goes on inside an organisation's name
            let of = t.get(e + 1).is_some_and(|n| n.is(&["of", "for"]));
            let skip_the = usize::from(t.get(e + 2).is_some_and(|n| n.is(&["the"])));
            let next_cap = t.get(e + 2 + skip_the).is_some_and(|n| name_word(n) && n.capitalised());
            if of && next_cap && name_class(t, x, e) == NameClass::Org {
                e += 2 + skip_the;
                continue;
            }
            break;
        }
        let possessive = t[e].text.ends_with("\u{2019}s") || t[e].text.ends_with("'s");
        // "the Trump campaign", "Clinton's spokesman": a common phrase with a name inside
        let tail = (e + 1..(e + 4).min(t.len()))
            .take_while(|&y| t[y].word && !t[y].quoted && !t[y].capitalised() && !t[y].is(PHRASE_ENDS))
            .find(|&y| t[y].is(SOURCE_NOUNS) || is_role(&t[y]));
        if let Some(h) = tail {
            return Some(Np { first: i, last: h, name_first: if t[i].is(&["a", "an", "the"]) { i + 1 } else { i }, head: Head::Common });
        }
        if possessive {
            return None;
        }
        let name_first = trim_titles(t, x, e)?;
        if (name_first..=e).all(|y| is_party_label(&t[y]) || is_time_word(&t[y])) {
            return None;
        }
        return Some(Np { first: i, last: e, name_first, head: Head::Name });
    }
    // a common phrase: up to a source noun, or after a determiner up to the last plain word
    let mut last = None;
    let mut e = k;
    while e < t.len() && e < k + 6 {
        let w = &t[e];
        if !w.word || w.quoted || w.is(PHRASE_ENDS) || w.is(STRONG_CUES) || w.is(WEAK_CUES) || is_time_word(w) {
            break;
        }
        if w.is(&["of", "for"]) {
            if last.is_none() && !(det && e == k) {
                break;
            }
            e += 1;
            continue;
        }
        if w.is(SOURCE_NOUNS) || is_role(w) || (det && !w.text.ends_with("ly")) {
            last = Some(e);
        }
        e += 1;
    }
    let last = last?;
    let head = if is_role(&t[last]) && ti.is(&["the"]) && !t[last].is(SOURCE_NOUNS) && last == i + 1 { Head::Role } else { Head::Common };
    Some(Np { first: i, last, name_first: if t[i].is(&["a", "an", "the"]) { i + 1 } else { i }, head })
}

fn is_role(t: &Tok) -> bool {
    t.word && ROLE_NOUNS.iter().any(|(r, _)| *r == t.low)
}

/// Whether the phrase is followed by what may follow an inverted speaker: the sentence end,
/// punctuation, a preposition or a relative pronoun ("said Jane Doe, a spokeswoman", "said Doe
/// in a statement", "said Doe, who").
fn ends_phrase(t: &[Tok], np: &Np) -> bool {
    match t.get(np.last + 1) {
        None => true,
        Some(n) => !n.word || n.is(PHRASE_ENDS) || n.is(&["of", "for", "on", "in"]) || is_time_word(n),
    }
}

/// The subject that opens a sentence's main clause, for a participle cue ("Trump spoke, saying
/// ..."): at the start, or after an opening phrase closed by a comma.
fn main_subject(t: &[Tok], before: usize) -> Option<Np> {
    let starts = std::iter::once(0).chain((0..before).find(|&c| t[c].punct(',')).map(|c| c + 1));
    for s in starts {
        if let Some(np) = np_right(t, s) {
            let next = t.get(np.last + 1);
            let verb_next = next.is_some_and(|n| n.word && !n.quoted && !n.is(OBJECT_MARKERS) && !n.is(PHRASE_BREAKS) && !n.capitalised());
            let person = np.head != Head::Name || name_class(t, np.name_first, np.last) != NameClass::Place;
            if matches!(np.head, Head::Name | Head::Pronoun | Head::Role) && np.last + 1 < before && verb_next && person {
                return Some(np);
            }
        }
    }
    None
}

/// The first token of a name once leading titles, places, labels and dates are trimmed:
/// "Arizona Sen. John McCain" -> "John McCain". `None` when nothing is left.
fn trim_titles(t: &[Tok], k: usize, j: usize) -> Option<usize> {
    let mut f = k;
    while f <= j && (is_title(&t[f]) || is_time_word(&t[f]) || is_party_label(&t[f]) || (is_place(&t[f]) && f < j) || t[f].is(LOWER_NAME_LEADS)) {
        f += 1;
    }
    if f > j {
        // Only titles: "President" alone, keep it as the name; a nationality alone ("Russian
        // forces") names no one.
        return (k..=j).rev().find(|&x| !t[x].is(&["the"]) && !t[x].is(DEMONYMS) && !is_time_word(&t[x]) && !is_party_label(&t[x]));
    }
    Some(f)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameClass {
    Person,
    Org,
    Place,
    Label,
}

/// What a capitalised name (tokens `a..=b`, titles already trimmed) stands for.
fn name_class(t: &[Tok], a: usize, b: usize) -> NameClass {
    let toks = &t[a..=b];
    if toks.iter().all(|x| is_party_label(x) || is_time_word(x)) {
        return NameClass::Label;
    }
    if toks.iter().all(|x| is_place(x) || x.is(NAME_PARTICLES)) {
        return NameClass::Place;
    }
    let acronym = |x: &Tok| x.text.chars().filter(|c| c.is_alphabetic()).count() >= 2 && x.text.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    if (a > 0 && t[a - 1].is(&["the"])) || toks.iter().any(|x| x.is(ORG_WORDS) || acronym(x)) {
        return NameClass::Org;
    }
    NameClass::Person
}

/// The words of a name as one string, possessive "’s" dropped.
fn name_text(text: &str, t: &[Tok], a: usize, b: usize) -> String {
    let s = &text[t[a].start..t[b].end];
    let s = s.strip_suffix("\u{2019}s").or_else(|| s.strip_suffix("'s")).unwrap_or(s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------------
// Cues within one sentence
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Candidate {
    np: Option<Np>,
    cue: Span,
    hedge: bool,
    /// The cue sits against a quotation: `"...," she said`, `said: "..."`.
    attached: bool,
    /// Token index of the cue, for ordering.
    at: usize,
}

fn weak_cue_context(t: &[Tok], i: usize, sentence_quoted: bool) -> bool {
    match t.get(i + 1) {
        None => true,
        Some(n) if t[i].is(NOUN_LIKE_CUES) => n.is(&["that"]) || n.opening_quote(),
        Some(n) if !n.word => true,
        Some(n) => {
            n.is(&["that", "in", "on", "to", "during", "after", "before", "when", "reporters"])
                || sentence_quoted
                || (n.capitalised() || n.is(PRONOUNS) || n.is(&["him", "her", "them", "me", "us"])) && t[i].is(&["asked", "told", "reminded", "answered"])
        }
    }
}

/// Whether a quotation mark stands right before or after the cue (through a comma or colon).
fn touches_quote(t: &[Tok], first: usize, cue: usize) -> bool {
    let before = first.checked_sub(1).map(|k| &t[k]);
    let after = t.get(cue + 1);
    let after2 = t.get(cue + 2);
    before.is_some_and(|b| b.closing_quote())
        || (first >= 2 && t[first - 1].punct(',') && t[first - 2].closing_quote())
        || t.get(cue.wrapping_sub(1)).is_some_and(|b| b.closing_quote())
        || after.is_some_and(|a| a.opening_quote())
        || (after.is_some_and(|a| a.punct(',') || a.punct(':')) && after2.is_some_and(|a| a.opening_quote()))
}

/// The appositive subject before a comma at `j`: "Michael Elliott, the executive director of X,
/// said", "Sen. Rob Portman, R-Ohio, said", "Sanders's campaign manager, Jeff Weaver, said".
fn appositive_subject(t: &[Tok], j: usize) -> Option<Np> {
    let lo = j.saturating_sub(20);
    for k in (lo..j).rev().filter(|&k| t[k].punct(',')).take(3) {
        if k == 0 || k + 1 >= j || (k + 1..j).any(|x| t[x].quoted || t[x].quote_mark() || t[x].is(STRONG_CUES) || t[x].is(WEAK_CUES)) {
            continue;
        }
        let seg = &t[k + 1];
        let np = np_left(t, k - 1);
        let seg_is_name = (k + 1..j).all(|x| name_word(&t[x])) && name_class(t, k + 1, j - 1) == NameClass::Person;
        match np {
            Some(np)
                if np.head == Head::Name
                    && name_class(t, np.name_first, np.last) == NameClass::Person
                    && (!seg.capitalised() || is_party_label(seg) || is_place(seg) || is_title(seg)) =>
            {
                return Some(np);
            }
            _ if seg_is_name && (np.is_some_and(|np| matches!(np.head, Head::Common | Head::Role)) || j - k > 2) && t[k - 1].word => {
                let name_first = trim_titles(t, k + 1, j - 1)?;
                return Some(Np { first: k + 1, last: j - 1, name_first, head: Head::Name });
            }
            Some(np) if matches!(np.head, Head::Common) && !seg.capitalised() => return Some(np),
            _ => {}
        }
    }
    None
}

/// Every cue of a sentence (tokens `t`), with its speaker's noun phrase where one is found.
fn candidates(t: &[Tok], sentence_quoted: bool) -> Vec<Candidate> {
    let mut out = Vec::new();
    for i in 0..t.len() {
        let w = &t[i];
        if !w.word || w.quoted {
            continue;
        }
        let l = w.lower();
        // according to NP
        if l == "according" && t.get(i + 1).is_some_and(|n| n.is(&["to"])) {
            let np = np_right(t, i + 2);
            if np.is_some() {
                out.push(Candidate { np, cue: Span { start: w.start, end: t[i + 1].end }, hedge: false, attached: false, at: i });
            }
            continue;
        }
        if HEDGE_ADVERBS.contains(&l.as_str()) {
            out.push(Candidate { np: None, cue: w.span(), hedge: true, attached: false, at: i });
            continue;
        }
        // "is believed to", "it is thought that"
        if BE_FORMS.contains(&l.as_str()) && t.get(i + 1).is_some_and(|n| n.is(HEDGE_PARTICIPLES)) && t.get(i + 2).is_some_and(|n| n.is(&["to", "that"])) {
            let end = if t[i + 2].is(&["to"]) { t[i + 2].end } else { t[i + 1].end };
            out.push(Candidate { np: None, cue: Span { start: w.start, end }, hedge: true, attached: false, at: i });
            continue;
        }
        // ", saying ..." attributes to the subject that opens the sentence
        if PARTICIPLE_CUES.contains(&l.as_str()) && i > 0 && t[i - 1].punct(',') {
            let np = main_subject(t, i - 1);
            if np.is_some() {
                out.push(Candidate { np, cue: w.span(), hedge: false, attached: touches_quote(t, i, i), at: i });
            }
            continue;
        }
        if w.capitalised() && i > 0 {
            continue; // "United States", a headline's "Responds"
        }
        let strong = STRONG_CUES.contains(&l.as_str());
        let weak = WEAK_CUES.contains(&l.as_str());
        if !strong && !weak {
            continue;
        }
        if weak && !weak_cue_context(t, i, sentence_quoted) {
            continue;
        }
        let hedge_verb = HEDGE_VERBS.contains(&l.as_str());
        // passive: "was told by officials"; otherwise not a cue
        if i > 0 && t[i - 1].is(BE_FORMS) {
            if t.get(i + 1).is_some_and(|n| n.is(&["by"])) {
                if let Some(np) = np_right(t, i + 2) {
                    out.push(Candidate { np: Some(np), cue: w.span(), hedge: hedge_verb, attached: false, at: i });
                }
            }
            continue;
        }
        // subject on the left, skipping "has also", "reportedly", "on Wednesday"
        let mut j = i;
        let mut hedge = hedge_verb;
        while j > 0 {
            let p = &t[j - 1];
            let adverb = p.word && !p.quoted && !p.capitalised() && p.text.len() > 4 && p.text.ends_with("ly");
            if p.word && !p.quoted && (p.is(BETWEEN_SUBJECT_AND_CUE) || adverb) {
                if p.is(HEDGE_ADVERBS) {
                    hedge = true;
                }
                j -= 1;
            } else if is_time_word(p) && !p.quoted {
                j -= 1;
                if j > 0 && t[j - 1].is(&["on", "last", "this", "early", "late", "late", "next"]) {
                    j -= 1;
                }
            } else {
                break;
            }
        }
        let mut found: Option<Np> = None;
        if j > 0 {
            let p = &t[j - 1];
            if p.punct(',') && j >= 2 && t[j - 2].punct(')') {
                found = np_left(t, j - 2); // "Gov. John Kasich (R-Ohio), said"
            } else if p.punct(',') {
                found = appositive_subject(t, j - 1);
            } else if p.word || p.punct(')') {
                found = np_left(t, j - 1).filter(|np| {
                    let prev = np.first.checked_sub(1).map(|k| &t[k]);
                    let object = prev.is_some_and(|p| p.is(OBJECT_MARKERS) && !(p.is(&["of", "from", "at"]) && np.head == Head::Name));
                    !object
                });
            }
        }
        let person_like = |np: &Np| np.head != Head::Common || t[np.last].is(SOURCE_NOUNS);
        if weak && !sentence_quoted {
            found = found.filter(person_like);
        }
        if let Some(np) = found {
            let attached = touches_quote(t, np.first, i);
            out.push(Candidate { np: Some(np), cue: w.span(), hedge, attached, at: i });
            continue;
        }
        // inverted: `"...," said Jane Doe, a spokeswoman`; `..., said the official.`
        if j > 0 && j == i && (t[i - 1].closing_quote() || t[i - 1].punct(',')) && !t.get(i + 1).is_some_and(|n| n.is(&["that"])) {
            if let Some(np) = np_right(t, i + 1).filter(|np| ends_phrase(t, np) && (sentence_quoted || !weak || person_like(np))) {
                let attached = t[i - 1].closing_quote();
                out.push(Candidate { np: Some(np), cue: w.span(), hedge, attached, at: i });
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// People of an article, for pronouns and role nouns
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Person {
    name: String,
    gender: Option<char>,
    /// Lowercase titles and appositive words: "sen.", "spokeswoman".
    roles: Vec<String>,
    /// (sentence, token) of the latest mention.
    last_seen: (usize, usize),
}

#[derive(Default)]
struct People {
    all: Vec<Person>,
}

impl People {
    /// Records a person mention; returns its index. A one-word name that ends a longer known
    /// name is that person ("Portman" after "Rob Portman").
    fn mention(&mut self, name: &str, roles: &[String], at: (usize, usize)) -> usize {
        let idx = self.find(name);
        let gender = roles.iter().find_map(|r| {
            if MALE_TITLES.contains(&r.as_str()) {
                Some('m')
            } else if FEMALE_TITLES.contains(&r.as_str()) {
                Some('f')
            } else {
                None
            }
        });
        match idx {
            Some(i) => {
                let p = &mut self.all[i];
                if name.split_whitespace().count() > p.name.split_whitespace().count() {
                    p.name = name.to_string();
                }
                p.gender = p.gender.or(gender);
                for r in roles {
                    if !p.roles.contains(r) {
                        p.roles.push(r.clone());
                    }
                }
                p.last_seen = p.last_seen.max(at);
                i
            }
            None => {
                self.all.push(Person { name: name.to_string(), gender, roles: roles.to_vec(), last_seen: at });
                self.all.len() - 1
            }
        }
    }

    fn find(&self, name: &str) -> Option<usize> {
        if let Some(i) = self.all.iter().position(|p| p.name == name) {
            return Some(i);
        }
        let last = name.split_whitespace().last()?;
        let single = !name.contains(' ');
        let matches: Vec<usize> = self
            .all
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                let plast = p.name.split_whitespace().last().unwrap_or("");
                plast == last && (single || !p.name.contains(' ') || p.name.ends_with(name) || name.ends_with(&p.name))
            })
            .map(|(i, _)| i)
            .collect();
        (matches.len() == 1).then(|| matches[0])
    }
}

/// Person mentions of one sentence outside quotations: (person index, token index, possessive).
fn sentence_mentions(text: &str, t: &[Tok], si: usize, people: &mut People) -> Vec<(usize, usize, bool)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        if (!name_word(&t[i]) || !t[i].capitalised()) && !is_title(&t[i]) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < t.len() && name_word(&t[j + 1]) {
            j += 1;
        }
        let roles: Vec<String> = (i..=j).filter(|&x| is_title(&t[x])).map(|x| t[x].lower()).collect();
        if let Some(f) = trim_titles(t, i, j) {
            let class = name_class(t, f, j);
            let words = j + 1 - f;
            let plain = (f..=j).all(|x| {
                let w = t[x].text;
                w.chars().next().is_some_and(char::is_uppercase) && w.chars().skip(1).any(char::is_lowercase) || t[x].is(NAME_PARTICLES)
            });
            let name = name_text(text, t, f, j);
            let known = people.find(&name).is_some();
            let titled = !roles.is_empty() && !roles.iter().all(|r| r == "the" || PARTY_WORDS.contains(&r.as_str()));
            if class == NameClass::Person && plain && (titled || words >= 2 || known) && (i != 0 || words != 1 || titled || known) {
                let possessive = t[j].text.ends_with("\u{2019}s") || t[j].text.ends_with("'s");
                let idx = people.mention(&name, &roles, (si, f));
                out.push((idx, f, possessive));
            }
        }
        i = j + 1;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The article
// ---------------------------------------------------------------------------------------------

/// What one sentence's speaker resolved to.
#[derive(Debug, Clone)]
struct Resolved {
    speaker: String,
    kind_hint: AttributionKind,
    /// Index into `People` when the speaker is a named person.
    person: Option<usize>,
    /// Plural or organisational, so "they" can take it.
    group: bool,
}

/// `text` is the article text; `sentences` are byte ranges of its sentences in order.
///
/// Each sentence gets who it rests on, or `None` when the outlet speaks in its own voice. Spans
/// are byte offsets in `text`; a sentence inside a quotation whose speaker is named in another
/// sentence gets the speaker and cue without spans. When a speaker is unnamed (a pronoun with no
/// antecedent, "officials") the kind is `Unnamed` even inside a quotation; a hedge ("is believed
/// to", "analysts suggest") is `Hedged`; else a quotation makes it `Direct`, and plain reported
/// speech `Reported`.
pub fn attribute(text: &str, sentences: &[(usize, usize)]) -> Vec<Option<Attribution>> {
    let n = sentences.len();
    if n == 0 {
        return Vec::new();
    }
    let from = sentences[0].0;
    let to = sentences[n - 1].1.max(from);
    let quotes = quotations(text, from, to);
    let toks: Vec<Vec<Tok>> = sentences.iter().map(|&(s, e)| tokens(text, s, e, &quotes)).collect();

    // Quotations that carry someone's words (four words or more, or a whole sentence), and the
    // sentences each covers.
    let substantive: Vec<(usize, usize)> = quotes
        .iter()
        .copied()
        .filter(|&(qs, qe)| {
            let inner = &text[qs..qe];
            inner.split_whitespace().count() >= 4 || inner.contains(['.', '!', '?'])
        })
        .collect();
    let covers = |q: (usize, usize), s: (usize, usize)| q.0 < s.1 && s.0 < q.1;
    // group id per sentence: sentences sharing a substantive quotation, chained
    let mut group: Vec<Option<usize>> = vec![None; n];
    let mut next_group = 0;
    for &q in &substantive {
        let members: Vec<usize> = (0..n).filter(|&k| covers(q, sentences[k])).collect();
        if members.is_empty() {
            continue;
        }
        let existing = members.iter().find_map(|&k| group[k]);
        let g = existing.unwrap_or_else(|| {
            next_group += 1;
            next_group - 1
        });
        for &k in &members {
            if let Some(old) = group[k] {
                if old != g {
                    for x in group.iter_mut() {
                        if *x == Some(old) {
                            *x = Some(g);
                        }
                    }
                }
            }
            group[k] = Some(g);
        }
    }
    let in_quote: Vec<bool> = group.iter().map(Option::is_some).collect();

    // paragraph index per sentence
    let mut para = vec![0usize; n];
    for k in 1..n {
        let gap = &text[sentences[k - 1].1.min(sentences[k].0)..sentences[k].0];
        para[k] = para[k - 1] + usize::from(gap.contains('\n'));
    }

    let mut people = People::default();
    let mut mentions: Vec<Vec<(usize, usize, bool)>> = Vec::with_capacity(n);
    let mut resolved: Vec<Option<Resolved>> = vec![None; n];
    let mut out: Vec<Option<Attribution>> = vec![None; n];

    for k in 0..n {
        let t = &toks[k];
        let cands = candidates(t, in_quote[k]);
        let hedged_sentence = cands.iter().any(|c| c.hedge && c.np.is_none());
        // The outermost source wins: "..., according to CNN." / "..., officials said." after
        // another attribution reports what that source reported.
        let last_comma = t.iter().rposition(|x| x.punct(',') && !x.quoted);
        let tail = last_comma.and_then(|c| cands.iter().filter(|x| x.np.is_some_and(|np| np.first > c) && x.at > c).min_by_key(|x| x.at));
        let best = tail
            .filter(|_| cands.iter().filter(|c| c.np.is_some()).count() > 1)
            .or_else(|| cands.iter().filter(|c| c.np.is_some()).min_by_key(|c| (!c.attached, c.at)))
            .or_else(|| cands.first())
            .cloned();
        let mut ms = sentence_mentions(text, t, k, &mut people);
        if let Some(c) = best {
            let (res, speaker_span) = match c.np {
                None => (Resolved { speaker: UNATTRIBUTED.to_string(), kind_hint: AttributionKind::Hedged, person: None, group: false }, None),
                Some(np) => {
                    let span = Span { start: t[np.first].start, end: t[np.last].end };
                    (resolve_np(text, t, &np, k, &mut people, &mut ms, &mentions, &resolved), Some(span))
                }
            };
            let kind = if c.hedge || hedged_sentence {
                AttributionKind::Hedged
            } else if res.kind_hint == AttributionKind::Unnamed {
                AttributionKind::Unnamed
            } else if in_quote[k] || c.attached {
                AttributionKind::Direct
            } else {
                AttributionKind::Reported
            };
            let cue = text[c.cue.start..c.cue.end].to_string();
            out[k] = Some(Attribution { speaker: res.speaker.clone(), cue: Some(cue), kind, speaker_span, cue_span: Some(c.cue) });
            resolved[k] = Some(res);
        }
        mentions.push(ms);
    }

    // Sentences of one quotation share its speaker; a quotation opening a paragraph with no
    // speaker of its own continues the previous paragraph's.
    let groups: Vec<usize> = {
        let mut g: Vec<usize> = group.iter().flatten().copied().collect();
        g.sort_unstable();
        g.dedup();
        g
    };
    for g in groups {
        let members: Vec<usize> = (0..n).filter(|&k| group[k] == Some(g)).collect();
        let own = members.iter().find(|&&k| out[k].as_ref().is_some_and(|a| a.speaker_span.is_some() && a.speaker != UNATTRIBUTED)).copied();
        let source = match own {
            Some(k) => Some((out[k].clone().unwrap(), resolved[k].clone())),
            None => {
                let first = members[0];
                let opens_para = first == 0 || para[first] != para[first - 1];
                let starts_with_quote = toks[first].first().is_some_and(Tok::opening_quote);
                let prev = (starts_with_quote && first > 0).then(|| first - 1);
                prev.and_then(|p| {
                    let a = out[p].as_ref()?;
                    let ends_colon = text[sentences[p].0..sentences[p].1].trim_end().ends_with(':');
                    let carries = a.kind == AttributionKind::Direct || (opens_para && (ends_colon || a.kind == AttributionKind::Reported));
                    carries.then(|| (a.clone(), resolved[p].clone()))
                })
            }
        };
        if let Some((src, res)) = source {
            for &k in &members {
                let has_own = out[k].as_ref().is_some_and(|a| a.speaker_span.is_some() && a.speaker != UNATTRIBUTED);
                if has_own {
                    continue;
                }
                let kind = match src.kind {
                    AttributionKind::Unnamed | AttributionKind::Hedged => src.kind,
                    _ => AttributionKind::Direct,
                };
                out[k] = Some(Attribution { speaker: src.speaker.clone(), cue: src.cue.clone(), kind, speaker_span: None, cue_span: None });
                resolved[k] = res.clone();
            }
        }
    }

    // Fullest form of each person's name across the article.
    for (a, r) in out.iter_mut().zip(&resolved) {
        if let (Some(a), Some(Resolved { person: Some(p), .. })) = (a.as_mut(), r) {
            a.speaker = people.all[*p].name.clone();
        }
    }
    out
}

/// Resolves the speaker's noun phrase of sentence `k` to a name.
#[allow(clippy::too_many_arguments)]
fn resolve_np(
    text: &str,
    t: &[Tok],
    np: &Np,
    k: usize,
    people: &mut People,
    ms: &mut Vec<(usize, usize, bool)>,
    mentions: &[Vec<(usize, usize, bool)>],
    resolved: &[Option<Resolved>],
) -> Resolved {
    let unnamed = |s: String, group: bool| Resolved { speaker: s, kind_hint: AttributionKind::Unnamed, person: None, group };
    match np.head {
        Head::Name => {
            let name = name_text(text, t, np.name_first, np.last);
            let name = name.strip_prefix("The ").or_else(|| name.strip_prefix("the ")).unwrap_or(&name).to_string();
            let class = name_class(t, np.name_first, np.last);
            if class == NameClass::Person {
                let roles: Vec<String> = (np.first..np.name_first).filter(|&x| is_title(&t[x])).map(|x| t[x].lower()).collect();
                let mut roles = roles;
                // appositive role words after the name: "Jane Doe, a spokeswoman for Y"
                if t.get(np.last + 1).is_some_and(|c| c.punct(',')) {
                    for w in &t[np.last + 2..(np.last + 6).min(t.len())] {
                        if !w.word || w.capitalised() {
                            break;
                        }
                        roles.push(w.lower());
                    }
                }
                let p = people.mention(&name, &roles, (k, np.name_first));
                // the speaker comes first among the sentence's antecedents
                ms.retain(|m| m.0 != p);
                ms.insert(0, (p, np.name_first, false));
                Resolved { speaker: name, kind_hint: AttributionKind::Reported, person: Some(p), group: false }
            } else {
                Resolved { speaker: name, kind_hint: AttributionKind::Reported, person: None, group: class == NameClass::Org }
            }
        }
        Head::Common => {
            let s = name_text(text, t, np.name_first.min(np.last), np.last);
            let plural = t[np.last].text.ends_with('s');
            unnamed(s, plural || t[np.last].is(SOURCE_NOUNS))
        }
        Head::Pronoun => {
            let pron = t[np.first].lower();
            if pron == "they" {
                for b in (k.saturating_sub(3)..k).rev() {
                    if let Some(r) = &resolved[b] {
                        if r.group {
                            return Resolved { speaker: r.speaker.clone(), kind_hint: r.kind_hint, person: None, group: true };
                        }
                        break;
                    }
                }
                return unnamed(pron, true);
            }
            let want = if pron == "he" { 'm' } else { 'f' };
            // nearest earlier sentence with a compatible person: its speaker first, then the
            // people it names, possessives last
            for b in (k.saturating_sub(8)..k).rev() {
                let mut order: Vec<&(usize, usize, bool)> = mentions[b].iter().filter(|m| !m.2).collect();
                order.extend(mentions[b].iter().filter(|m| m.2));
                for m in order {
                    let p = &people.all[m.0];
                    if p.gender.is_none_or(|g| g == want) {
                        return Resolved { speaker: p.name.clone(), kind_hint: AttributionKind::Reported, person: Some(m.0), group: false };
                    }
                }
            }
            unnamed(pron, false)
        }
        Head::Role => {
            let role = t[np.last].lower();
            let accepted: &[&str] = ROLE_NOUNS.iter().find(|(r, _)| *r == role).map_or(&[], |(_, a)| a);
            let holder = people.all.iter().enumerate().filter(|(_, p)| p.roles.iter().any(|r| accepted.contains(&r.as_str()))).max_by_key(|(_, p)| p.last_seen);
            let holder = holder.map(|(i, _)| i).or_else(|| {
                GENERIC_ROLES.contains(&role.as_str()).then(|| people.all.iter().enumerate().max_by_key(|(_, p)| p.last_seen).map(|(i, _)| i)).flatten()
            });
            match holder {
                Some(i) => Resolved { speaker: people.all[i].name.clone(), kind_hint: AttributionKind::Reported, person: Some(i), group: false },
                None => unnamed(name_text(text, t, np.first, np.last), false),
            }
        }
    }
}

/// Speakers' names for sentences given as separate strings (joined with spaces); the string form
/// of [`attribute`], for callers that have no article text.
pub fn attribute_article(sentences: &[&str]) -> Vec<Option<String>> {
    let mut text = String::new();
    let mut ranges = Vec::with_capacity(sentences.len());
    for s in sentences {
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(s);
        ranges.push((start, text.len()));
    }
    attribute(&text, &ranges).into_iter().map(|a| a.map(|a| a.speaker)).collect()
}

/// Merges short and long forms of one name across a story: "Putin" becomes "Vladimir Putin"
/// when the longer form is used somewhere, and only one longer form ends with it. Unnamed
/// sources ("officials") are left alone.
pub fn canonicalize(names: &mut [Option<String>]) {
    let full: Vec<String> = names.iter().flatten().filter(|n| n.contains(' ') && n.chars().next().is_some_and(char::is_uppercase)).cloned().collect();
    for n in names.iter_mut().flatten() {
        if n.contains(' ') || !n.chars().next().is_some_and(char::is_uppercase) {
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

/// [`canonicalize`] over attributions: each speaker takes the fullest form the story uses.
pub fn canonicalize_attributions(attributions: &mut [Option<Attribution>]) {
    let mut names: Vec<Option<String>> = attributions.iter().map(|a| a.as_ref().map(|a| a.speaker.clone())).collect();
    canonicalize(&mut names);
    for (a, n) in attributions.iter_mut().zip(names) {
        if let (Some(a), Some(n)) = (a.as_mut(), n) {
            a.speaker = n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sentences of paragraphs joined as `units.rs` joins them ("\n\n"), split by the crate's
    /// splitter.
    fn article(paragraphs: &[&str]) -> (String, Vec<(usize, usize)>) {
        let mut text = String::new();
        let mut sentences = Vec::new();
        for p in paragraphs {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            let off = text.len();
            for s in parallax_text::split_sentences(p) {
                sentences.push((off + s.start, off + s.end));
            }
            text.push_str(p);
        }
        (text, sentences)
    }

    fn run(paragraphs: &[&str]) -> (String, Vec<Option<Attribution>>) {
        let (text, sentences) = article(paragraphs);
        let got = attribute(&text, &sentences);
        assert_eq!(got.len(), sentences.len());
        (text, got)
    }

    fn speakers(paragraphs: &[&str]) -> Vec<Option<String>> {
        run(paragraphs).1.into_iter().map(|a| a.map(|a| a.speaker)).collect()
    }

    fn one(s: &str) -> Option<Attribution> {
        run(&[s]).1.pop().unwrap()
    }

    fn at(text: &str, span: Option<Span>) -> &str {
        let s = span.expect("span");
        &text[s.start..s.end]
    }

    fn some(v: &[&str]) -> Vec<Option<String>> {
        v.iter().map(|s| if s.is_empty() { None } else { Some(s.to_string()) }).collect()
    }

    #[test]
    fn subject_verb_with_titles() {
        assert_eq!(one("Russian President Vladimir Putin said Aug. 1 that Moscow has begun production.").unwrap().speaker, "Vladimir Putin");
        assert_eq!(one("Putin has confirmed that production has begun.").unwrap().speaker, "Putin");
        let a = one("Western officials have condemned the move, which they said was destabilizing.");
        assert!(a.is_none_or(|a| a.speaker != "Western"));
    }

    #[test]
    fn according_to_and_spans() {
        let (text, got) = run(&["The system can reach far, according to Russian defense officials."]);
        let a = got[0].clone().unwrap();
        assert_eq!(a.speaker, "Russian defense officials");
        assert_eq!(a.kind, AttributionKind::Unnamed);
        assert_eq!(at(&text, a.cue_span), "according to");
        assert_eq!(at(&text, a.speaker_span), "Russian defense officials");
        let a = one("According to Putin, forces have selected sites.").unwrap();
        assert_eq!((a.speaker.as_str(), a.kind), ("Putin", AttributionKind::Reported));
    }

    #[test]
    fn party_labels_places_and_days_are_not_speakers() {
        let (text, got) = run(&["Sen. Rob Portman, R-Ohio, said Wednesday that the vote would wait."]);
        let a = got[0].clone().unwrap();
        assert_eq!(a.speaker, "Rob Portman");
        assert_eq!(at(&text, a.speaker_span), "Sen. Rob Portman");
        assert_eq!(at(&text, a.cue_span), "said");
        assert_eq!(one("Rep. Dana Whitfield (D-Calif.) said the bill was dead.").unwrap().speaker, "Dana Whitfield");
        assert_eq!(one("Senator Alma Reyes of Arizona said the count was over.").unwrap().speaker, "Alma Reyes");
        assert_eq!(one("Georgia Gov. Tom Bexley said on Tuesday that polls would stay open.").unwrap().speaker, "Tom Bexley");
        assert_eq!(one("\"We will not stop,\" Marta Ilves said Wednesday.").unwrap().speaker, "Marta Ilves");
        assert_eq!(one("On Wednesday, Marta Ilves told supporters she would run.").unwrap().speaker, "Marta Ilves");
        for s in ["In Arizona, the count went on past midnight.", "Georgia voted on Tuesday.", "Wednesday was quiet."] {
            assert!(one(s).is_none(), "{s}");
        }
    }

    #[test]
    fn she_told_reporters_after_a_place_resolves_to_the_person() {
        let (text, got) =
            run(&["Sen. Laura Finch of Kentucky spent the morning touring flooded towns in Kentucky.", "She told reporters the state needed federal help."]);
        let a = got[1].clone().unwrap();
        assert_eq!(a.speaker, "Laura Finch");
        assert_eq!(at(&text, a.speaker_span), "She");
        assert_eq!(at(&text, a.cue_span), "told");
        assert_eq!(a.kind, AttributionKind::Reported);
        assert!(got[0].is_none());
    }

    #[test]
    fn pronouns_skip_organisations_and_places() {
        let got = speakers(&[
            "Maria Olsen, the director of the Harbor Trust, met the council in Ohio.",
            "The Harbor Trust later issued a report on Monday in Georgia.",
            "She said the report was accurate.",
        ]);
        assert_eq!(got[2].as_deref(), Some("Maria Olsen"));
    }

    #[test]
    fn multi_sentence_quote_gives_every_sentence_the_speaker() {
        let (text, got) =
            run(&["\"We built this bridge in a year. Nobody believed us. Now it carries ten thousand cars a day,\" he said.", "Traffic was light."]);
        let _ = text;
        assert!(got[3].is_none());
        assert!(got[..3].iter().all(|a| a.as_ref().is_some_and(|a| a.speaker == "he" && a.kind == AttributionKind::Unnamed)));
        let (text, got) = run(&[
            "Mayor Ilse Brandt opened the bridge on Friday.",
            "\u{201c}We built this bridge in a year. Nobody believed us. Now it carries ten thousand cars a day,\u{201d} she said.",
        ]);
        for a in &got[1..] {
            let a = a.as_ref().unwrap();
            assert_eq!((a.speaker.as_str(), a.kind), ("Ilse Brandt", AttributionKind::Direct));
        }
        assert!(got[1].as_ref().unwrap().speaker_span.is_none());
        let last = got[3].clone().unwrap();
        assert_eq!(at(&text, last.speaker_span), "she");
        assert_eq!(at(&text, last.cue_span), "said");
    }

    #[test]
    fn quote_continues_into_the_next_paragraph() {
        let got = speakers(&[
            "\u{201c}The water came in fast,\u{201d} said Tomas Reyes, a fisherman from the harbor. \u{201c}We had no time to move the boats.",
            "\u{201c}By noon the whole street was under water.\u{201d}",
            "The river crested on Sunday.",
        ]);
        assert_eq!(got, some(&["Tomas Reyes", "Tomas Reyes", "Tomas Reyes", ""]));
    }

    #[test]
    fn paragraph_opening_with_a_quote_continues_the_speaker() {
        let got =
            speakers(&["\u{201c}We are not done,\u{201d} Governor Ada Kern said.", "\u{201c}There is more work to do on the roads and the schools.\u{201d}"]);
        assert_eq!(got, some(&["Ada Kern", "Ada Kern"]));
    }

    #[test]
    fn replied_continued_added() {
        let got = speakers(&[
            "Reporters asked Jonas Varga whether the plant would close.",
            "\u{201c}Not this year,\u{201d} Varga replied.",
            "\u{201c}We have orders until the spring,\u{201d} he continued.",
            "\u{201c}After that, we will see,\u{201d} he added.",
        ]);
        assert_eq!(got[1..], some(&["Jonas Varga", "Jonas Varga", "Jonas Varga"])[..]);
        // without a quotation, "continued" and "added" are not verbs of saying
        assert!(one("The company continued production through the winter.").is_none());
        assert!(one("The army added two battalions to the northern front.").is_none());
    }

    #[test]
    fn appositives_in_both_orders() {
        let (text, got) = run(&["Michael Elliott, the executive director of the Riverside Food Bank, said demand had doubled."]);
        let a = got[0].clone().unwrap();
        assert_eq!(a.speaker, "Michael Elliott");
        assert_eq!(at(&text, a.speaker_span), "Michael Elliott");
        assert_eq!(a.kind, AttributionKind::Reported);
        let (text, got) = run(&["\"The shelves are empty by noon,\" said Jane Doe, a spokeswoman for the food bank."]);
        let a = got[0].clone().unwrap();
        assert_eq!((a.speaker.as_str(), a.kind), ("Jane Doe", AttributionKind::Direct));
        assert_eq!(at(&text, a.speaker_span), "Jane Doe");
        assert_eq!(at(&text, a.cue_span), "said");
        let got = speakers(&["The plan is dead, said Jane Doe, a spokeswoman for the mayor.", "The spokeswoman added that talks would go on."]);
        assert_eq!(got, some(&["Jane Doe", "Jane Doe"]));
    }

    #[test]
    fn role_nouns_take_the_person_with_the_role() {
        let got = speakers(&[
            "President Ilse Brandt announced on Friday that the bridge had reopened.",
            "Sen. Paul Ortega, who opposed the repairs, watched from the crowd.",
            "\u{201c}We are done with it,\u{201d} the president said.",
            "The senator said he was not convinced.",
        ]);
        assert_eq!(got, some(&["Ilse Brandt", "", "Ilse Brandt", "Paul Ortega"]));
    }

    #[test]
    fn unnamed_sources() {
        let (text, got) = run(&["The ferry was overloaded, officials said."]);
        let a = got[0].clone().unwrap();
        assert_eq!((a.speaker.as_str(), a.kind), ("officials", AttributionKind::Unnamed));
        assert_eq!(at(&text, a.speaker_span), "officials");
        let (text, got) = run(&["The captain had been warned twice, a source told Reuters."]);
        let a = got[0].clone().unwrap();
        assert_eq!(a.kind, AttributionKind::Unnamed);
        assert_eq!(at(&text, a.speaker_span), "a source");
        assert_eq!(at(&text, a.cue_span), "told");
        assert_eq!(one("Sources say the talks will resume on Monday.").unwrap().kind, AttributionKind::Unnamed);
    }

    #[test]
    fn hedges() {
        let (text, got) = run(&["The captain is believed to have left the ship first."]);
        let a = got[0].clone().unwrap();
        assert_eq!((a.speaker.as_str(), a.kind), (UNATTRIBUTED, AttributionKind::Hedged));
        assert_eq!(at(&text, a.cue_span), "is believed to");
        assert!(a.speaker_span.is_none());
        assert_eq!(one("The ship was reportedly carrying twice its capacity.").unwrap().kind, AttributionKind::Hedged);
        let (text, got) = run(&["Analysts suggest the merger will cut prices."]);
        let a = got[0].clone().unwrap();
        assert_eq!((a.speaker.as_str(), a.kind), ("Analysts", AttributionKind::Hedged));
        assert_eq!(at(&text, a.speaker_span), "Analysts");
    }

    #[test]
    fn direct_and_reported_kinds() {
        assert_eq!(one("\u{201c}We are done with it,\u{201d} Ilse Brandt said.").unwrap().kind, AttributionKind::Direct);
        assert_eq!(one("Ilse Brandt said the bridge had reopened.").unwrap().kind, AttributionKind::Reported);
        let a = one("Ilse Brandt told Reuters that the bridge had reopened.").unwrap();
        assert_eq!((a.speaker.as_str(), a.kind, a.cue.as_deref()), ("Ilse Brandt", AttributionKind::Reported, Some("told")));
        assert_eq!(one("Ilse Brandt tweeted that the bridge had reopened.").unwrap().cue.as_deref(), Some("tweeted"));
    }

    #[test]
    fn plain_reporting_has_no_attribution() {
        assert!(one("The bridge reopened on Monday after two weeks of repairs.").is_none());
        assert!(one("Belarus shares borders with both Ukraine and Russia.").is_none());
        assert!(one("She was told to leave the building.").is_none());
    }

    #[test]
    fn short_names_take_the_long_form() {
        let got = speakers(&["Ilse Brandt opened the bridge.", "Brandt said traffic would return."]);
        assert_eq!(got[1].as_deref(), Some("Ilse Brandt"));
        let mut v = vec![Some("Putin".to_string()), Some("Vladimir Putin".to_string()), None, Some("Interfax".to_string()), Some("officials".to_string())];
        canonicalize(&mut v);
        assert_eq!(v[0].as_deref(), Some("Vladimir Putin"));
        assert_eq!(v[3].as_deref(), Some("Interfax"));
    }

    #[test]
    fn string_wrapper_matches() {
        let got = attribute_article(&["President Ilse Brandt announced on Friday that the bridge had reopened.", "He also noted that buses will return."]);
        assert_eq!(got, some(&["Ilse Brandt", "Ilse Brandt"]));
    }
}
