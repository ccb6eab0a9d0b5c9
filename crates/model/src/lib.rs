//! The domain types every parallax stage speaks: a [`RawDocument`] comes in, is extracted into an
//! [`Article`], articles are grouped into a [`Story`], and each story gets [`Claim`]s whose
//! [`Support`] points back at the exact sentences they came from.
//!
//! This crate holds data only: no I/O, no heuristics. Stages depend on it; it depends on nothing
//! but serde.

use serde::{Deserialize, Serialize};

/// What kind of bytes a document holds. Decides which extractor runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    /// A saved web page.
    Html,
    /// A plain-text dump of a web page: chrome is present, but as text lines.
    Text,
    /// Clean article text from a trusted structured source (JSONL `text`): no chrome to strip
    /// beyond repeated paragraphs.
    CleanText,
}

/// A document as it arrived, before extraction. Hints come from the container (a JSONL line's
/// fields); extraction prefers them over what it guesses from the content.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawDocument {
    /// Where it came from: a path, a JSONL line's `id`, or `-` for stdin.
    pub input: String,
    pub kind: Option<DocumentKind>,
    pub body: String,
    pub hints: Hints,
}

/// Metadata given alongside a document by its container.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Hints {
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub language: Option<String>,
}

/// One article, extracted from its page. `paragraphs` is the body; `text()` joins it with blank
/// lines, which is the form every offset in [`Support`] refers to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Stable id derived from the article's content (see the pipeline): re-ingesting the same
    /// content yields the same id.
    pub id: String,
    pub input: String,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub title: Option<String>,
    pub byline: Option<String>,
    /// ISO 8601: `YYYY-MM-DD` or a full timestamp.
    pub published: Option<String>,
    /// ISO 639-1 code.
    pub language: Option<String>,
    pub paragraphs: Vec<String>,
    /// Id of the earliest article this one copies (syndication, repost), if any.
    pub duplicate_of: Option<String>,
}

impl Article {
    /// The body as one string, paragraphs separated by a blank line.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n\n")
    }

    /// The outlet that published this article (see [`Outlet`]).
    pub fn outlet(&self) -> Outlet {
        Outlet::of(self.outlet.as_deref(), self.url.as_deref(), &self.input)
    }

    /// The outlet's name (see [`Article::outlet`]).
    pub fn outlet_or_host(&self) -> String {
        self.outlet().name
    }
}

/// The one definition of an outlet, used by the store, the claims and the reports: the name the
/// article's source gives, else its URL's host, else (unnamed) where it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Outlet {
    pub name: String,
    /// False when nothing names the outlet and `name` is only the input it was read from.
    pub named: bool,
}

impl Outlet {
    pub fn of(outlet: Option<&str>, url: Option<&str>, input: &str) -> Outlet {
        if let Some(o) = outlet.map(str::trim).filter(|o| !o.is_empty()) {
            return Outlet { name: o.to_string(), named: true };
        }
        if let Some(host) = url.and_then(url_host) {
            return Outlet { name: host, named: true };
        }
        Outlet { name: input.to_string(), named: false }
    }
}

/// The outlet an article counts as for independence: a copy counts as its origin's outlet.
/// `origin` looks up an article by id (origins outside the set end the chain).
pub fn independent_outlet<'a>(article: &'a Article, origin: impl Fn(&str) -> Option<&'a Article>) -> Outlet {
    origin_article(article, origin).outlet()
}

/// The article a copy was first published as: its `duplicate_of` chain followed to the end
/// (an origin outside the set ends the chain; an article that copies nothing is its own).
pub fn origin_article<'a>(article: &'a Article, origin: impl Fn(&str) -> Option<&'a Article>) -> &'a Article {
    let mut root = article;
    // a bounded walk: a damaged store could hold a cycle of copies
    for _ in 0..16 {
        match root.duplicate_of.as_deref().and_then(&origin) {
            Some(next) => root = next,
            None => break,
        }
    }
    root
}

/// The host of a URL without a `www.` prefix; `None` for anything that is not `scheme://host...`.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?;
    let host = host.split(':').next()?.to_ascii_lowercase();
    if host.is_empty() {
        return None;
    }
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

/// A set of articles from different outlets about one event.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Story {
    pub id: String,
    pub title: String,
    pub article_ids: Vec<String>,
}

/// A reader's correction of the engine's stories. Every correction moves articles from one
/// story to another; the engine places newcomers by the corrected stories from then on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// Its number, in the order corrections were made.
    pub seq: i64,
    pub kind: CorrectionKind,
    /// The story the articles left.
    pub from_story: String,
    /// The story they joined.
    pub to_story: String,
    /// The articles it moved when it was made (with their copies).
    pub articles: Vec<String>,
    /// Whether it moves all of `from_story`, including articles placed there while it was being
    /// made (a merge, and the undoing of a split).
    pub whole_story: bool,
    /// The correction this one undoes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<i64>,
    /// The correction that undid this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undone_by: Option<i64>,
    /// When it was made (UTC, ISO 8601).
    pub created_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionKind {
    /// Two stories are one: all of `from_story` joins `to_story`.
    Merge,
    /// Some articles are another story: they leave `from_story` for a new `to_story`.
    Split,
    /// Takes back an earlier correction (`undoes`).
    Undo,
}

impl CorrectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CorrectionKind::Merge => "merge",
            CorrectionKind::Split => "split",
            CorrectionKind::Undo => "undo",
        }
    }

    pub fn parse(s: &str) -> Option<CorrectionKind> {
        [CorrectionKind::Merge, CorrectionKind::Split, CorrectionKind::Undo].into_iter().find(|k| k.as_str() == s)
    }
}

/// Where the claims of a group stand across outlets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Two or more independent outlets state it.
    Corroborated,
    /// One outlet (or one outlet and its copies) states it.
    SingleSource,
    /// Two or more independent outlets state it, all on the word of one origin (one speaker, or
    /// one outlet they relay): "3 reports, 1 origin". No independent confirmation.
    SingleOrigin,
    /// Outlets state it in the same frame with a conflicting number, date or place.
    Contradicted,
}

impl ClaimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Corroborated => "corroborated",
            ClaimStatus::SingleSource => "single_source",
            ClaimStatus::SingleOrigin => "single_origin",
            ClaimStatus::Contradicted => "contradicted",
        }
    }
}

/// A byte range in an article's `text()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// One sentence (or the clause of a sentence that states the claim) backing a claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Support {
    /// Article id.
    pub article: String,
    /// The exact text, as it stands in the article.
    pub sentence: String,
    /// Index of the sentence in the article's sentence list.
    pub sentence_index: usize,
    /// Byte offsets of `sentence` in the article's `text()`.
    pub span: Span,
    /// On whose word it rests: "Vladimir Putin", "Interfax", or `None` when the outlet says it in
    /// its own voice. The speaker's name of [`Support::speaker`], kept as a plain string for
    /// readers of the JSON contract.
    pub attribution: Option<String>,
    /// Who says it, with the cue and the kind of attribution, when someone does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Attribution>,
    /// The conflicting values this support carries, when the claim is contradicted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// The other news outlet this sentence relays ("CBS News reported", "told the Associated
    /// Press"), when it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay: Option<Relay>,
    /// Every checkable value this support states (numbers, dates, places), with spans inside
    /// `sentence`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Value>,
}

/// How a statement is attributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttributionKind {
    /// A quotation: the speaker's own words in quotation marks.
    Direct,
    /// Reported speech: "X said that ...", "according to X".
    Reported,
    /// A hedge that names no firm source or signals belief: "is believed to", "analysts suggest".
    Hedged,
    /// A source that is not named: "officials said", "a source told".
    Unnamed,
}

impl AttributionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AttributionKind::Direct => "direct",
            AttributionKind::Reported => "reported",
            AttributionKind::Hedged => "hedged",
            AttributionKind::Unnamed => "unnamed",
        }
    }
}

/// On whose word a sentence rests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    /// The speaker as the story names them at fullest ("Vladimir Putin", "Russian defense
    /// officials"). For a pronoun or role noun ("she", "the president") it is the person it
    /// resolves to.
    pub speaker: String,
    /// The words that attribute: "said", "according to", "told reporters".
    pub cue: Option<String>,
    pub kind: AttributionKind,
    /// Byte offsets of the speaker's mention in the article's `text()`, when the mention is in
    /// this sentence (a quote continued from an earlier sentence has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_span: Option<Span>,
    /// Byte offsets of the cue in the article's `text()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue_span: Option<Span>,
}

/// What kind of checkable detail a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Number,
    Date,
    Place,
}

/// A number as stated, read as the interval of values it allows: "12" is 12..12, "more than 10"
/// is 10..inf (exclusive low), "about 40" is a band around 40, "some 16" likewise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Quantity {
    /// `null` in JSON when unbounded below.
    #[serde(with = "unbounded_low")]
    pub low: f64,
    /// `null` in JSON when unbounded ("more than 10").
    #[serde(with = "unbounded_high")]
    pub high: f64,
    /// The value as stated ("about 40" gives 40).
    pub stated: f64,
    /// An approximation or a bound rather than an exact count.
    pub approximate: bool,
}

/// JSON has no infinity: an unbounded end of an interval is written as `null` and read back.
mod unbounded_high {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_finite() {
            s.serialize_f64(*v)
        } else {
            s.serialize_none()
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}

mod unbounded_low {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        super::unbounded_high::serialize(v, s)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NEG_INFINITY))
    }
}

/// A calendar date resolved against the article's publication date, or as far as it could be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "precision", rename_all = "snake_case")]
pub enum CalendarDate {
    Day {
        year: i32,
        month: u32,
        day: u32,
    },
    Month {
        year: i32,
        month: u32,
    },
    Year {
        year: i32,
    },
    /// A day of a month whose year is not known (the article has no publication date).
    MonthDay {
        month: u32,
        day: u32,
    },
    /// Stated, but not resolvable to a calendar date (no publication date, or too vague):
    /// never guessed.
    Unresolved,
}

impl std::fmt::Display for CalendarDate {
    /// ISO 8601: "2026-03-03", "2026-03", "2026", "--03-03" (no year known), or "unresolved".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            CalendarDate::Day { year, month, day } => write!(f, "{year:04}-{month:02}-{day:02}"),
            CalendarDate::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            CalendarDate::Year { year } => write!(f, "{year:04}"),
            CalendarDate::MonthDay { month, day } => write!(f, "--{month:02}-{day:02}"),
            CalendarDate::Unresolved => write!(f, "unresolved"),
        }
    }
}

/// One checkable detail of a statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Value {
    pub kind: ValueKind,
    /// As stated: "a dozen passengers", "on Wednesday", "in Kherson".
    pub text: String,
    /// Byte offsets of `text` inside the supporting sentence.
    pub span: Span,
    /// What it is about: the normalised counted noun for numbers ("people" for passengers),
    /// `date` or `place`.
    pub frame: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<CalendarDate>,
    /// A vote or score tally ("396-9"): both sides, as stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tally: Option<[u32; 2]>,
    /// What happened to what is counted, normalised ("killed" for died/dead/drowned, "rescued"),
    /// when the sentence says: 12 killed and 87 rescued are different counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// What a contradiction is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    Number,
    Date,
    Place,
    /// Who did it, or to whom: the actor or target differs.
    Actor,
    /// One side states it, the other denies or negates it.
    Negation,
}

impl ConflictKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::Number => "number",
            ConflictKind::Date => "date",
            ConflictKind::Place => "place",
            ConflictKind::Actor => "actor",
            ConflictKind::Negation => "negation",
        }
    }
}

/// One side of a contradiction: a sentence and the values it states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictSide {
    pub article: String,
    pub sentence_index: usize,
    pub sentence: String,
    pub values: Vec<String>,
}

/// What a contradiction is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub kind: ConflictKind,
    /// What the numbers count ("people"), or `date`, `place`, `actor`, `polarity`.
    pub frame: String,
    /// Distinct values as stated, in order of first appearance.
    pub values: Vec<String>,
    /// The two sentences that cannot both be true, with their values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sides: Vec<ConflictSide>,
}

/// A group of sentences from one or more articles that state the same thing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub id: String,
    /// A representative wording: the member most similar to the others.
    pub text: String,
    pub status: ClaimStatus,
    /// Independent outlets that state it (copies fold into their origin).
    pub outlets: Vec<String>,
    pub support: Vec<Support>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Conflict>,
    /// Whose word the claim rests on, one entry per independent origin, most reports first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<Origin>,
    /// Who reported it when: each independent outlet's earliest dated report, earliest first
    /// (outlets whose reports carry no date are left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<Reported>,
}

/// One outlet's first report of a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reported {
    pub outlet: String,
    /// Article id.
    pub article: String,
    /// Publication date (ISO 8601) of that article.
    pub published: String,
}

/// Reporting taken from another news outlet: the outlet named and the words that cite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relay {
    /// The relayed outlet as the sentence names it ("CBS News", "the Associated Press" ->
    /// "Associated Press").
    pub outlet: String,
    /// "reported", "according to", "told", "in an interview with".
    pub cue: String,
    /// Byte offsets of the outlet's name in the article's `text()`.
    pub span: Span,
}

/// What a claim's origin is: a person or body speaking, or an outlet's own reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginKind {
    /// A named speaker ("Vladimir Putin", "the Trump campaign").
    Speaker,
    /// An outlet's own reporting, whether it is the reporting article's or one it relays.
    Outlet,
}

/// One independent origin of a claim and the chain to it: the reporting outlets whose
/// sentences rest on it, and the outlets they relayed it through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub name: String,
    pub kind: OriginKind,
    /// Independent reporting outlets whose support rests on this origin.
    pub reported_by: Vec<String>,
    /// Outlets in between ("Newsmax, relaying CBS News"), when any support was relayed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relayed_by: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_strips_www_port_and_userinfo() {
        assert_eq!(url_host("https://www.Example.com:8080/a?b").as_deref(), Some("example.com"));
        assert_eq!(url_host("http://user@news.test/x").as_deref(), Some("news.test"));
        assert_eq!(url_host("not a url"), None);
    }

    #[test]
    fn outlet_falls_back_to_host_then_input() {
        let mut a = Article { input: "a.txt".into(), ..Default::default() };
        assert_eq!(a.outlet_or_host(), "a.txt");
        a.url = Some("https://www.daily.test/story".into());
        assert_eq!(a.outlet_or_host(), "daily.test");
        a.outlet = Some(" The Daily ".into());
        assert_eq!(a.outlet_or_host(), "The Daily");
    }

    #[test]
    fn unbounded_quantities_round_trip_through_json() {
        let q = Quantity { low: 10.0, high: f64::INFINITY, stated: 10.0, approximate: true };
        let j = serde_json::to_string(&q).unwrap();
        assert_eq!(j, r#"{"low":10.0,"high":null,"stated":10.0,"approximate":true}"#);
        assert_eq!(serde_json::from_str::<Quantity>(&j).unwrap(), q);
    }

    #[test]
    fn coverage_lists_what_each_source_leaves_out_and_adds() {
        let art = |id: &str, outlet: &str, copy: Option<&str>| Article {
            id: id.into(),
            input: format!("{id}.txt"),
            outlet: Some(outlet.into()),
            duplicate_of: copy.map(str::to_string),
            ..Article::default()
        };
        let sup = |a: &str| Support {
            article: a.into(),
            sentence: "s".into(),
            sentence_index: 0,
            span: Span { start: 0, end: 1 },
            attribution: None,
            speaker: None,
            values: vec![],
            details: vec![],
            relay: None,
        };
        let claim = |id: &str, outlets: &[&str], arts: &[&str]| Claim {
            id: id.into(),
            text: id.into(),
            status: if outlets.len() > 1 { ClaimStatus::Corroborated } else { ClaimStatus::SingleSource },
            outlets: outlets.iter().map(|o| o.to_string()).collect(),
            support: arts.iter().map(|a| sup(a)).collect(),
            conflict: None,
            origins: vec![],
            timeline: vec![],
        };
        let story = Story { id: "s".into(), title: "t".into(), article_ids: vec![] };
        let articles = vec![art("a", "Port Daily", None), art("b", "Harbor News", None), art("c", "Coast Times", None), art("d", "Mirror", Some("a"))];
        let r = StoryReport {
            claims: vec![
                claim("shared-ab", &["Port Daily", "Harbor News"], &["a", "b"]),
                claim("shared-abc", &["Port Daily", "Harbor News", "Coast Times"], &["a", "b", "c"]),
                claim("only-c", &["Coast Times"], &["c"]),
                claim("only-a", &["Port Daily"], &["a", "d"]),
            ],
            ..StoryReport::of_articles(story, articles)
        };
        let cov = r.coverage();
        assert_eq!(cov.iter().map(|c| c.article.as_str()).collect::<Vec<_>>(), vec!["a", "b", "c"], "the copy is not listed");
        let c = &cov[2];
        assert_eq!(c.leaves_out.iter().map(|o| o.claim.as_str()).collect::<Vec<_>>(), vec!["shared-ab"]);
        assert_eq!(c.leaves_out_total, 1);
        assert_eq!(c.adds, vec!["only-c"]);
        assert_eq!(cov[0].adds, vec!["only-a"], "a claim carried by a source and its copy is the source's own");
        assert!(cov[0].leaves_out.is_empty());
    }

    #[test]
    fn status_serializes_in_snake_case() {
        let s = serde_json::to_string(&ClaimStatus::SingleSource).unwrap();
        assert_eq!(s, "\"single_source\"");
    }
}

/// A story as a storyline's timeline draws it: its size and the days of its first and last
/// report (`YYYY-MM-DD`; none when undated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineStory {
    pub id: String,
    pub title: String,
    pub articles: usize,
    pub first: Option<String>,
    pub last: Option<String>,
}

/// The storyline a story is in: its id (its first story's) and its stories in the order of their
/// first report, this one among them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorylineRef {
    pub id: String,
    pub stories: Vec<TimelineStory>,
}

/// Everything known about one story, ready to render: its articles side by side and its claims.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoryReport {
    pub story: Story,
    pub articles: Vec<Article>,
    pub claims: Vec<Claim>,
    /// Spellings of one name the story's articles use, merged for the comparison.
    #[serde(default)]
    pub aliases: Vec<Alias>,
    /// The names, words and dates the articles share: why they are one story.
    #[serde(default)]
    pub ties: Vec<Tie>,
    /// Coverage by the user's outlet groups (`outlets.toml`); empty without a profile file.
    #[serde(default)]
    pub groups: Vec<GroupCoverage>,
    /// The profile's groups no outlet of this story belongs to, when some do: the story is a
    /// blind spot for them.
    #[serde(default)]
    pub missed_by: Vec<String>,
    /// Each source's loaded words and persuasion techniques, as spans (copies are left out:
    /// their words are their origin's).
    #[serde(default)]
    pub framing: Vec<ArticleFraming>,
    /// The words the sources choose for one referent, where they differ.
    #[serde(default)]
    pub terms: Vec<TermChoice>,
    /// The storyline the story is in, when it is in one (set by readers of a store).
    #[serde(default)]
    pub storyline: Option<StorylineRef>,
}

/// The outlets of one user-defined group that cover a story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCoverage {
    pub group: String,
    pub outlets: Vec<String>,
}

/// A user's outlet profiles (`outlets.toml`): who an outlet is, by name, domain or alias, and
/// the labels the user gives it. parallax ships none for real outlets: ratings are the user's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutletProfiles {
    #[serde(default, rename = "outlet")]
    pub outlets: Vec<OutletProfile>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutletProfile {
    pub name: String,
    /// Hosts whose pages are this outlet's ("example.com" also matches "news.example.com").
    #[serde(default)]
    pub domains: Vec<String>,
    /// Other names articles give it.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub country: Option<String>,
    /// For example "state-affiliated", "public", "private".
    #[serde(default)]
    pub ownership: Option<String>,
    /// The user's groups or lean labels.
    #[serde(default)]
    pub groups: Vec<String>,
}

impl OutletProfiles {
    /// The profile of an article's outlet: by its host, else by its name or an alias
    /// (case and "the" ignored).
    pub fn find(&self, article: &Article) -> Option<&OutletProfile> {
        let fold = |s: &str| {
            let l = s.trim().to_lowercase();
            l.strip_prefix("the ").unwrap_or(&l).to_string()
        };
        if let Some(host) = article.url.as_deref().and_then(url_host) {
            let hit = self.outlets.iter().find(|p| p.domains.iter().any(|d| host == d.to_lowercase() || host.ends_with(&format!(".{}", d.to_lowercase()))));
            if hit.is_some() {
                return hit;
            }
        }
        let name = fold(&article.outlet().name);
        self.outlets.iter().find(|p| fold(&p.name) == name || p.aliases.iter().any(|a| fold(a) == name))
    }

    /// Every group the profiles name, in first-seen order.
    pub fn groups(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for g in self.outlets.iter().flat_map(|p| &p.groups) {
            if !out.contains(g) {
                out.push(g.clone());
            }
        }
        out
    }
}

/// What ties a story's articles together: a name, a word or a date two or more of them use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tie {
    /// The name, the word as most used, or the date (ISO 8601).
    pub text: String,
    pub kind: TieKind,
    /// Ids of the articles that use it (copies are not counted).
    pub articles: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieKind {
    Name,
    Term,
    Date,
}

/// A persuasion technique, named after SemEval-2020 Task 11 where one fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Technique {
    LoadedLanguage,
    NameCalling,
    ExaggerationMinimisation,
    Doubt,
    AppealToFear,
    FlagWaving,
    CausalOversimplification,
    BlackAndWhite,
    ThoughtTerminatingCliche,
    ReductioAdHitlerum,
    Whataboutism,
    Bandwagon,
    Slogans,
}

impl Technique {
    pub const ALL: [Technique; 13] = [
        Technique::LoadedLanguage,
        Technique::NameCalling,
        Technique::ExaggerationMinimisation,
        Technique::Doubt,
        Technique::AppealToFear,
        Technique::FlagWaving,
        Technique::CausalOversimplification,
        Technique::BlackAndWhite,
        Technique::ThoughtTerminatingCliche,
        Technique::ReductioAdHitlerum,
        Technique::Whataboutism,
        Technique::Bandwagon,
        Technique::Slogans,
    ];

    /// The wire name (`loaded_language`), as in the JSON.
    pub fn key(self) -> &'static str {
        match self {
            Technique::LoadedLanguage => "loaded_language",
            Technique::NameCalling => "name_calling",
            Technique::ExaggerationMinimisation => "exaggeration_minimisation",
            Technique::Doubt => "doubt",
            Technique::AppealToFear => "appeal_to_fear",
            Technique::FlagWaving => "flag_waving",
            Technique::CausalOversimplification => "causal_oversimplification",
            Technique::BlackAndWhite => "black_and_white",
            Technique::ThoughtTerminatingCliche => "thought_terminating_cliche",
            Technique::ReductioAdHitlerum => "reductio_ad_hitlerum",
            Technique::Whataboutism => "whataboutism",
            Technique::Bandwagon => "bandwagon",
            Technique::Slogans => "slogans",
        }
    }

    pub fn from_key(key: &str) -> Option<Technique> {
        Technique::ALL.into_iter().find(|t| t.key() == key)
    }

    /// How a reader sees it named ("loaded language").
    pub fn label(self) -> &'static str {
        match self {
            Technique::LoadedLanguage => "loaded language",
            Technique::NameCalling => "name calling or labeling",
            Technique::ExaggerationMinimisation => "exaggeration or minimisation",
            Technique::Doubt => "doubt",
            Technique::AppealToFear => "appeal to fear",
            Technique::FlagWaving => "flag-waving",
            Technique::CausalOversimplification => "causal oversimplification",
            Technique::BlackAndWhite => "black-and-white fallacy",
            Technique::ThoughtTerminatingCliche => "thought-terminating cliché",
            Technique::ReductioAdHitlerum => "reductio ad hitlerum",
            Technique::Whataboutism => "whataboutism",
            Technique::Bandwagon => "bandwagon",
            Technique::Slogans => "slogans",
        }
    }
}

/// One framing span in an article: the words, where they are, and the technique they use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FramingSpan {
    /// Byte offsets in the article's `text()`.
    pub span: Span,
    pub text: String,
    pub technique: Technique,
    /// Inside quotation marks: a speaker's words the outlet chose to quote, not its own voice.
    pub quoted: bool,
    pub sentence_index: usize,
}

/// How many spans of one technique an article has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TechniqueCount {
    pub technique: Technique,
    pub count: usize,
    /// Of `count`, how many are inside quotation marks.
    pub quoted: usize,
}

/// One article's framing: its spans and their counts per technique. Never a score per outlet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleFraming {
    pub article: String,
    pub outlet: String,
    pub counts: Vec<TechniqueCount>,
    pub spans: Vec<FramingSpan>,
}

/// The words the sources of a story use for one referent ("Kyiv" / "Kiev").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermChoice {
    /// A neutral description of what is named ("the capital of Ukraine").
    pub referent: String,
    pub uses: Vec<TermUse>,
}

/// What a word choice signals about its referent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Slant {
    Neutral,
    /// Casts the referent in a bad light ("regime").
    Critical,
    /// Casts it in a good light ("liberation").
    Sympathetic,
    /// A government's own term ("special military operation").
    Official,
}

impl Slant {
    pub fn key(self) -> &'static str {
        match self {
            Slant::Neutral => "neutral",
            Slant::Critical => "critical",
            Slant::Sympathetic => "sympathetic",
            Slant::Official => "official",
        }
    }

    pub fn from_key(key: &str) -> Option<Slant> {
        [Slant::Neutral, Slant::Critical, Slant::Sympathetic, Slant::Official].into_iter().find(|s| s.key() == key)
    }
}

/// One source's word for a referent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermUse {
    pub article: String,
    pub outlet: String,
    /// The variant as the lexicon names it ("kiev").
    pub term: String,
    pub slant: Slant,
    /// How often the article uses it.
    pub count: usize,
    /// The first sentence that uses it.
    pub sentence_index: usize,
    pub sentence: String,
}

/// One name and the other spellings of it a story uses ("Kyiv": "Kiev"; "Oreshnik": "Orenshik").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    pub forms: Vec<String>,
}

/// What one source of a story leaves out and what it adds, in claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Article id (copies are not listed: they carry what their origin carries).
    pub article: String,
    pub outlet: String,
    /// Claims two or more other independent outlets carry that this source does not, most
    /// outlets first, at most [`COVERAGE_LIMIT`] of them.
    pub leaves_out: Vec<Omission>,
    /// How many such claims there are in all.
    pub leaves_out_total: usize,
    /// Ids of claims only this source carries.
    pub adds: Vec<String>,
}

/// Omissions listed per source: a story of hundreds of articles would otherwise list every
/// shared claim under every source (tens of megabytes of JSON).
pub const COVERAGE_LIMIT: usize = 25;

/// A claim a source does not carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Omission {
    pub claim: String,
    pub text: String,
    /// Independent outlets that carry it.
    pub outlets: usize,
}

impl StoryReport {
    /// Fills [`StoryReport::groups`] and [`StoryReport::missed_by`] from the user's profiles.
    /// Copies count as their origin.
    /// A story with its articles and nothing analysed yet (for coverage by group and dates).
    pub fn of_articles(story: Story, articles: Vec<Article>) -> StoryReport {
        StoryReport {
            story,
            articles,
            claims: vec![],
            aliases: vec![],
            ties: vec![],
            groups: vec![],
            missed_by: vec![],
            framing: vec![],
            terms: vec![],
            storyline: None,
        }
    }

    /// The earliest and latest publication dates of the story's articles (ISO 8601, as given).
    pub fn date_span(&self) -> Option<(&str, &str)> {
        let mut dates: Vec<&str> = self.articles.iter().filter_map(|a| a.published.as_deref()).collect();
        dates.sort_unstable();
        Some((*dates.first()?, *dates.last()?))
    }

    pub fn apply_profiles(&mut self, profiles: &OutletProfiles) {
        let by_id: std::collections::HashMap<&str, &Article> = self.articles.iter().map(|a| (a.id.as_str(), a)).collect();
        let mut groups: Vec<GroupCoverage> = Vec::new();
        for a in &self.articles {
            // a copy is its origin's coverage
            let Some(p) = profiles.find(origin_article(a, |d| by_id.get(d).copied())) else { continue };
            for g in &p.groups {
                let i = match groups.iter().position(|x| &x.group == g) {
                    Some(i) => i,
                    None => {
                        groups.push(GroupCoverage { group: g.clone(), outlets: vec![] });
                        groups.len() - 1
                    }
                };
                if !groups[i].outlets.contains(&p.name) {
                    groups[i].outlets.push(p.name.clone());
                }
            }
        }
        self.missed_by = if groups.is_empty() { vec![] } else { profiles.groups().into_iter().filter(|g| !groups.iter().any(|x| &x.group == g)).collect() };
        self.groups = groups;
    }

    /// Per source, the shared claims it does not carry and the claims it alone carries. A
    /// source "carries" a claim when one of its sentences, or one of its copies', supports it.
    pub fn coverage(&self) -> Vec<Coverage> {
        use std::collections::{HashMap, HashSet};
        let by_id: HashMap<&str, &Article> = self.articles.iter().map(|a| (a.id.as_str(), a)).collect();
        let roots: HashMap<&str, &str> = self.articles.iter().map(|a| (a.id.as_str(), origin_article(a, |d| by_id.get(d).copied()).id.as_str())).collect();
        // per claim, the sources (copies folded into their origin) that carry it
        let carriers: Vec<HashSet<&str>> =
            self.claims.iter().map(|c| c.support.iter().filter_map(|s| roots.get(s.article.as_str()).copied()).collect()).collect();
        self.articles
            .iter()
            .filter(|a| a.duplicate_of.as_deref().and_then(|d| by_id.get(d)).is_none())
            .map(|a| {
                let outlet = a.outlet().name;
                let mut leaves_out: Vec<Omission> = self
                    .claims
                    .iter()
                    .zip(&carriers)
                    .filter(|(c, by)| c.outlets.len() >= 2 && !by.contains(a.id.as_str()) && !c.outlets.contains(&outlet))
                    .map(|(c, _)| Omission { claim: c.id.clone(), text: c.text.clone(), outlets: c.outlets.len() })
                    .collect();
                leaves_out.sort_by_key(|o| std::cmp::Reverse(o.outlets));
                let leaves_out_total = leaves_out.len();
                leaves_out.truncate(COVERAGE_LIMIT);
                let adds = self
                    .claims
                    .iter()
                    .zip(&carriers)
                    .filter(|(c, by)| c.outlets.len() == 1 && by.len() == 1 && by.contains(a.id.as_str()))
                    .map(|(c, _)| c.id.clone())
                    .collect();
                Coverage { article: a.id.clone(), outlet, leaves_out, leaves_out_total, adds }
            })
            .collect()
    }
}
