//! Claims: what each article of a story states, grouped across articles.
//!
//! 1. Each article is split into sentences; sentences that state something become claim units
//!    (a sentence coordinating two statements gives two units) with their speaker
//!    ([`attribution`]) and their checkable values (`parallax-values`).
//! 2. Units of different articles that share distinctive words (story-local IDF, so the words
//!    every report shares count little) are candidate pairs; the sentence-pair judge
//!    (`parallax-judge`, fitted on MRPC) scores each candidate. Values that count the same
//!    thing add evidence that two units state one fact, whether they agree or not.
//! 3. Each unit keeps its best match in every other article; pairs are merged best first into
//!    groups of at most one unit per article while the average link holds.
//! 4. Each group gets a status from its independent outlets and its values: corroborated,
//!    single source, or contradicted (comparable values that cannot both be true, or one side
//!    denying what the other states).
//!
//! Claim ids derive from the claim's first supporting sentence, so a link to a claim stays valid
//! as later articles join the story.

pub mod aliases;
pub mod attribution;
mod boilerplate;
mod lexicon;
pub mod relay;
pub mod ties;
pub mod units;

pub use boilerplate::is_boilerplate;

use parallax_judge::{Context, Judge, Prepared, Relation};
use parallax_model::{AttributionKind, Claim, ClaimStatus, Conflict, ConflictKind, ConflictSide, Origin, OriginKind, Span, Support, Value, ValueKind};
use std::collections::HashMap;
use std::sync::OnceLock;
use units::Unit;

/// One article of a story, as the claim stage sees it.
#[derive(Debug, Clone)]
pub struct ArticleInput<'a> {
    pub id: &'a str,
    /// The independent source this article counts as: its outlet, or its origin's outlet when it
    /// is a copy.
    pub source: &'a str,
    pub paragraphs: &'a [String],
    /// Id of the article in the same story this one copies, if any. Copies are not grouped on
    /// their own: each of their units joins the group of the origin's matching unit.
    pub copy_of: Option<&'a str>,
    /// Publication date (ISO 8601): relative dates in the text resolve against it.
    pub published: Option<&'a str>,
}

#[derive(Debug, Clone)]
pub struct ClaimConfig {
    /// Score (the judge's P(same), plus value evidence) a pair needs to found or join a group.
    pub threshold: f32,
    /// Average score across two groups' pairs they need to merge (pairs never compared count 0).
    pub link: f32,
    /// Story-IDF cosine a pair needs before the judge is asked: below it the two share no
    /// distinctive word.
    pub min_overlap: f32,
    /// A copy's unit joins its origin's unit at this judge score or above.
    pub copy_match: f32,
    /// Added to a pair's score when both state a value about the same thing (same counted noun
    /// and event, a date, a tally): the strongest sign two sentences report one fact.
    pub shared_value_bonus: f32,
    /// Added on top of [`ClaimConfig::shared_value_bonus`] when the two state the same count of
    /// the same thing.
    pub agreeing_count_bonus: f32,
    /// Added when both sentences rest on one named speaker's word: two outlets reporting what
    /// one person said are most often reporting one statement.
    pub shared_speaker_bonus: f32,
    /// A pair counts as aligned when its score is within this of either unit's best match in
    /// the other's article.
    pub align_margin: f32,
    /// How many groups one unit may support (facts one sentence states).
    pub max_memberships: usize,
    /// Pair score two sentences need before their values can contradict: values only conflict
    /// between sentences that clearly report one fact ("took effect Friday" and "announced on
    /// Thursday" are two facts of one cease-fire).
    pub conflict_min: f32,
}

impl Default for ClaimConfig {
    fn default() -> Self {
        // chosen on the dev gold set (bench/claims): precision first
        ClaimConfig {
            threshold: 0.42,
            link: 0.25,
            min_overlap: 0.04,
            copy_match: 0.5,
            shared_value_bonus: 0.15,
            agreeing_count_bonus: 0.1,
            shared_speaker_bonus: 0.13,
            align_margin: 0.05,
            max_memberships: 3,
            conflict_min: 0.42,
        }
    }
}

fn judge() -> &'static Judge {
    static J: OnceLock<Judge> = OnceLock::new();
    J.get_or_init(Judge::bundled)
}

/// The claims of one story.
pub fn compare(story_id: &str, articles: &[ArticleInput], config: &ClaimConfig) -> Vec<Claim> {
    let mut all = story_units(articles);
    fold_aliases(&mut all, &story_aliases(articles));
    let story_outlets: Vec<&str> = articles.iter().map(|a| a.source).collect();
    for u in &mut all {
        u.relay = relay::find_relay(&u.text, u.start, articles[u.article].source, &story_outlets);
    }
    let ctx = Context::from_texts(all.iter().map(|u| u.text.as_str()));
    let prepared: Vec<Prepared> = all.iter().map(|u| judge().prepare(&u.text, &ctx)).collect();
    let cosine = Cosine::new(&all);
    let is_copy = |u: usize| articles[all[u].article].copy_of.is_some();
    let pairs = candidate_pairs(&all, &cosine, config, |u| !is_copy(u));
    let mut scores: HashMap<(u32, u32), f32> = HashMap::with_capacity(pairs.len());
    for &(a, b) in &pairs {
        scores.insert((a as u32, b as u32), pair_score(&all[a], &all[b], &cosine, a, b, config));
    }
    let originals: Vec<usize> = (0..all.len()).filter(|&u| !is_copy(u)).collect();
    let mut groups = group(&all, &originals, &scores, config);
    for u in (0..all.len()).filter(|&u| is_copy(u)) {
        let origin = articles[all[u].article].copy_of.and_then(|id| articles.iter().position(|a| a.id == id));
        let home = groups
            .iter()
            .position(|g| g.iter().any(|&o| Some(all[o].article) == origin && judge().score_prepared(&prepared[u], &prepared[o]) >= config.copy_match));
        match home {
            Some(g) => groups[g].push(u),
            None => groups.push(vec![u]),
        }
    }
    for g in &mut groups {
        g.sort_by_key(|&u| (all[u].article, all[u].start));
    }
    let mut claims: Vec<(usize, Claim)> = groups.iter().map(|g| (g[0], build_claim(story_id, g, &all, articles, &prepared, &scores, config))).collect();
    let rank = |c: &Claim| match c.status {
        ClaimStatus::Contradicted => 0,
        ClaimStatus::Corroborated => 1,
        ClaimStatus::SingleOrigin => 2,
        ClaimStatus::SingleSource => 3,
    };
    claims.sort_by(|(ua, a), (ub, b)| {
        rank(a).cmp(&rank(b)).then(b.outlets.len().cmp(&a.outlets.len())).then((all[*ua].article, all[*ua].start).cmp(&(all[*ub].article, all[*ub].start)))
    });
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut shown: std::collections::HashSet<String> = std::collections::HashSet::new();
    claims
        .into_iter()
        .map(|(_, mut c)| {
            // two claims anchored on one sentence (its two clauses) get distinct ids
            let n = seen.entry(c.id.clone()).or_default();
            *n += 1;
            if *n > 1 {
                c.id = format!("{}-{}", c.id, n);
            }
            // one sentence may support two claims (it states two facts); each claim reads as
            // its own other sentence then, so two claims never look the same
            if !shown.insert(c.text.clone()) {
                if let Some(other) = c.support.iter().map(|s| s.sentence.clone()).find(|t| !shown.contains(t)) {
                    shown.insert(other.clone());
                    c.text = other;
                }
            }
            c
        })
        .collect()
}

/// The spellings of one name a story's articles use ([`aliases`]).
pub fn story_aliases(articles: &[ArticleInput]) -> Vec<parallax_model::Alias> {
    let texts: Vec<&str> = articles.iter().flat_map(|a| a.paragraphs.iter().map(String::as_str)).collect();
    aliases::story_aliases(&texts)
}

/// Claim terms read every spelling of a name as its main form, so "Orenshik" matches
/// "Oreshnik" and "Kiev" matches "Kyiv".
fn fold_aliases(units: &mut [Unit], found: &[parallax_model::Alias]) {
    let stem = |w: &str| parallax_text::terms(w).into_iter().next();
    let map: HashMap<String, String> =
        aliases::fold_map(found).into_iter().filter_map(|(variant, name)| Some((stem(&variant)?, stem(&name)?))).filter(|(v, n)| v != n).collect();
    if map.is_empty() {
        return;
    }
    for u in units {
        for t in &mut u.terms {
            if let Some(n) = map.get(t.as_str()) {
                *t = n.clone();
            }
        }
    }
}

/// The claim units of every article of a story, with short names resolved to the fullest form
/// the story uses ("Putin" -> "Vladimir Putin").
fn story_units(articles: &[ArticleInput]) -> Vec<Unit> {
    let mut all: Vec<Unit> = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        all.extend(units::article_units(i, a.paragraphs, a.published));
    }
    let mut speakers: Vec<Option<parallax_model::Attribution>> = all.iter().map(|u| u.speaker.clone()).collect();
    attribution::canonicalize_attributions(&mut speakers);
    for (u, n) in all.iter_mut().zip(speakers) {
        u.speaker = n;
    }
    all
}

/// Weight of a term that appears in only one unit of the story, relative to its IDF.
const UNIQUE_TERM_WEIGHT: f32 = 0.5;

/// Story-local IDF cosine over claim terms: cheap, and the gate before the judge.
struct Cosine {
    vectors: Vec<Vec<(u64, f32)>>,
    norms: Vec<f32>,
    /// term -> units holding it
    postings: HashMap<u64, Vec<u32>>,
}

impl Cosine {
    fn new(units: &[Unit]) -> Self {
        let mut df: HashMap<u64, f32> = HashMap::new();
        let sets: Vec<Vec<u64>> = units
            .iter()
            .map(|u| {
                let mut t: Vec<u64> = u.terms.iter().filter(|t| !t.chars().all(|c| c.is_ascii_digit())).map(|t| parallax_text::term_key(t)).collect();
                t.sort_unstable();
                t.dedup();
                t
            })
            .collect();
        let mut postings: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, s) in sets.iter().enumerate() {
            for t in s {
                *df.entry(*t).or_default() += 1.0;
                postings.entry(*t).or_default().push(i as u32);
            }
        }
        let n = units.len().max(1) as f32;
        let vectors: Vec<Vec<(u64, f32)>> = sets
            .iter()
            .map(|s| {
                s.iter()
                    .map(|t| {
                        let d = df[t];
                        // a word no other unit uses cannot show agreement; it only lengthens
                        // the unit, so it weighs less in the norm
                        (*t, (1.0 + n / d).ln() * if d <= 1.0 { UNIQUE_TERM_WEIGHT } else { 1.0 })
                    })
                    .collect()
            })
            .collect();
        let norms = vectors.iter().map(|v| v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt().max(1e-9)).collect();
        Cosine { vectors, norms, postings }
    }

    fn get(&self, a: usize, b: usize) -> f32 {
        let (va, vb) = (&self.vectors[a], &self.vectors[b]);
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < va.len() && j < vb.len() {
            match va[i].0.cmp(&vb[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += va[i].1 * vb[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        dot / (self.norms[a] * self.norms[b])
    }
}

/// Cross-article pairs of grouped units (`keep`) that share a distinctive term and pass the
/// cosine gate, each once as (lower, higher). Terms held by more than a fifth of a large story's
/// units say nothing about which units match and are skipped, so a story of hundreds of
/// articles is not all pairs.
fn candidate_pairs(units: &[Unit], cosine: &Cosine, config: &ClaimConfig, keep: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
    let common = (units.len() / 5).max(40);
    let mut out = Vec::new();
    let mut seen: Vec<u32> = vec![u32::MAX; units.len()];
    for a in 0..units.len() {
        if !keep(a) {
            continue;
        }
        for (t, _) in &cosine.vectors[a] {
            let Some(list) = cosine.postings.get(t) else { continue };
            if list.len() > common {
                continue;
            }
            for &b in list {
                let b = b as usize;
                if b <= a || seen[b] == a as u32 || units[b].article == units[a].article || !keep(b) {
                    continue;
                }
                seen[b] = a as u32;
                if cosine.get(a, b) >= config.min_overlap {
                    out.push((a, b));
                }
            }
        }
    }
    out
}

/// Whether two values are about the same thing and worth comparing for a conflict: a date or a
/// tally, or a number whose counted noun (or event) is known.
fn same_subject(a: &Value, b: &Value) -> bool {
    parallax_values::comparable(a, b) && (a.kind != ValueKind::Number || !a.frame.is_empty() || a.role.is_some()) && a.kind != ValueKind::Place
}

/// How strongly two units look like one fact: the story-IDF cosine of their terms, plus
/// [`ClaimConfig::shared_value_bonus`] when both state a value about the same thing. (The MRPC
/// judge was tried here, alone, mixed in and as a feature of a pair model fitted on the dev gold
/// set; none beat this on held-out events, see bench/claims/README.md.)
fn pair_score(a: &Unit, b: &Unit, cosine: &Cosine, ia: usize, ib: usize, config: &ClaimConfig) -> f32 {
    let mut s = cosine.get(ia, ib);
    if a.values.iter().any(|x| b.values.iter().any(|y| same_subject(x, y))) {
        s += config.shared_value_bonus;
        // the same count in both ("$3.6 billion", "about $3.6 billion") says more than a count
        // of the same thing; an agreeing date does not (one day holds many facts)
        if a.values.iter().any(|x| x.kind == ValueKind::Number && b.values.iter().any(|y| same_subject(x, y) && parallax_values::agree(x, y))) {
            s += config.agreeing_count_bonus;
        }
    }
    if same_named_speaker(a, b) {
        s += config.shared_speaker_bonus;
    }
    s
}

/// Whether both units rest on one named speaker (not "officials said"): the same surname.
fn same_named_speaker(a: &Unit, b: &Unit) -> bool {
    let named = |u: &Unit| {
        u.speaker
            .as_ref()
            .filter(|s| s.kind != parallax_model::AttributionKind::Unnamed)
            .and_then(|s| s.speaker.split_whitespace().last().map(|w| w.trim_end_matches("'s").trim_end_matches('\u{2019}').to_lowercase()))
    };
    matches!((named(a), named(b)), (Some(x), Some(y)) if x == y && x.chars().next().is_some_and(char::is_alphabetic))
}

/// Best-first grouping of aligned pairs. A group holds at most one unit per article, and a pair
/// joins or merges groups only while its average link to their members holds. A pair that
/// cannot join the groups its units are in starts a group of its own: one sentence often states
/// several facts ("the House voted 348-77 on Wednesday, sending the bill into law"), each shared
/// with other outlets, so a unit may support more than one claim. A pair is aligned when one of
/// its units is the other's best match in that article: an outlet states a fact once.
fn group(units: &[Unit], members: &[usize], scores: &HashMap<(u32, u32), f32>, config: &ClaimConfig) -> Vec<Vec<usize>> {
    let score = |a: usize, b: usize| {
        let key = if a < b { (a as u32, b as u32) } else { (b as u32, a as u32) };
        scores.get(&key).copied().unwrap_or(0.0)
    };
    // best matches per (unit, other article): the best, and any within a small margin of it
    // (a second fact of a long sentence matches a second sentence nearly as well)
    let mut best: HashMap<(u32, usize), f32> = HashMap::new();
    for (&(a, b), &s) in scores {
        for (x, y) in [(a, b), (b, a)] {
            let e = best.entry((x, units[y as usize].article)).or_insert(f32::MIN);
            *e = e.max(s);
        }
    }
    let aligned = |a: u32, b: u32, s: f32| {
        best.get(&(a, units[b as usize].article)).is_some_and(|&m| s >= m - config.align_margin)
            || best.get(&(b, units[a as usize].article)).is_some_and(|&m| s >= m - config.align_margin)
    };
    let keep: std::collections::HashSet<usize> = members.iter().copied().collect();
    let mut edges: Vec<(u32, u32, f32)> = scores
        .iter()
        .filter(|(&(a, b), &s)| s >= config.threshold && keep.contains(&(a as usize)) && keep.contains(&(b as usize)) && aligned(a, b, s))
        .map(|(&(a, b), &s)| (a, b, s))
        .collect();
    edges.sort_by(|x, y| y.2.total_cmp(&x.2).then((x.0, x.1).cmp(&(y.0, y.1))));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut member_of: HashMap<usize, Vec<usize>> = HashMap::new();
    let link = |g: &[usize], u: usize| g.iter().map(|&x| score(u, x)).sum::<f32>() / g.len() as f32;
    let has_article = |g: &[usize], art: usize| g.iter().any(|&x| units[x].article == art);
    for &(a, b, _) in &edges {
        let (a, b) = (a as usize, b as usize);
        let ga = member_of.get(&a).cloned().unwrap_or_default();
        let gb = member_of.get(&b).cloned().unwrap_or_default();
        if ga.iter().any(|g| gb.contains(g)) {
            continue;
        }
        // merge a group of each when they are one fact
        let mut merge: Option<(usize, usize, f32)> = None;
        for &x in &ga {
            for &y in &gb {
                if groups[x].iter().any(|&u| has_article(&groups[y], units[u].article)) {
                    continue;
                }
                let sum: f32 = groups[x].iter().map(|&u| groups[y].iter().map(|&v| score(u, v)).sum::<f32>()).sum();
                let avg = sum / (groups[x].len() * groups[y].len()) as f32;
                if avg >= config.link && merge.is_none_or(|m| avg > m.2) {
                    merge = Some((x, y, avg));
                }
            }
        }
        if let Some((x, y, _)) = merge {
            let moved = std::mem::take(&mut groups[y]);
            for u in moved {
                let m = member_of.entry(u).or_default();
                m.retain(|&g| g != y);
                if !m.contains(&x) {
                    m.push(x);
                }
                if !groups[x].contains(&u) {
                    groups[x].push(u);
                }
            }
            continue;
        }
        // or join one unit to a group of the other
        let mut join: Option<(usize, usize, f32)> = None;
        for (u, gs) in [(b, &ga), (a, &gb)] {
            for &g in gs {
                if has_article(&groups[g], units[u].article) {
                    continue;
                }
                let l = link(&groups[g], u);
                if l >= config.link && join.is_none_or(|j| l > j.2) {
                    join = Some((u, g, l));
                }
            }
        }
        if let Some((u, g, _)) = join {
            groups[g].push(u);
            member_of.entry(u).or_default().push(g);
            continue;
        }
        // or a new group: another fact of the same sentence(s)
        if ga.len() + gb.len() < config.max_memberships * 2 {
            groups.push(vec![a, b]);
            let id = groups.len() - 1;
            member_of.entry(a).or_default().push(id);
            member_of.entry(b).or_default().push(id);
        }
    }
    // every unit in no group is a claim of its own
    for &u in members {
        if member_of.get(&u).is_none_or(|m| m.is_empty()) {
            groups.push(vec![u]);
        }
    }
    groups.into_iter().filter(|g| !g.is_empty()).collect()
}

/// A claim's id: its story and a hash of its first supporting sentence (the earliest article's),
/// which later articles joining the story do not change.
fn claim_id(story_id: &str, article: &str, sentence: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in article.bytes().chain([0u8]).chain(sentence.trim().bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{story_id}-c{:08x}", (h >> 32) as u32 ^ h as u32)
}

fn build_claim(
    story_id: &str,
    group: &[usize],
    units: &[Unit],
    articles: &[ArticleInput],
    prepared: &[Prepared],
    scores: &HashMap<(u32, u32), f32>,
    config: &ClaimConfig,
) -> Claim {
    let score = |a: usize, b: usize| {
        let key = if a < b { (a as u32, b as u32) } else { (b as u32, a as u32) };
        scores.get(&key).copied().unwrap_or(0.0)
    };
    let mut outlets: Vec<String> = Vec::new();
    for &u in group {
        let s = articles[units[u].article].source.to_string();
        if !outlets.contains(&s) {
            outlets.push(s);
        }
    }
    let representative = group
        .iter()
        .copied()
        .max_by(|&a, &b| {
            let total = |x: usize| group.iter().filter(|&&y| units[y].article != units[x].article).map(|&y| score(x, y)).sum::<f32>();
            // equal standing (always so in a pair): the fuller wording says more
            let (sa, sb) = (total(a), total(b));
            if (sa - sb).abs() > 1e-6 {
                sa.total_cmp(&sb)
            } else {
                units[a].terms.len().cmp(&units[b].terms.len()).then(b.cmp(&a))
            }
        })
        .expect("groups are not empty");
    let conflict = find_conflict(group, units, articles, prepared, &score, config);
    let mut support: Vec<Support> = group
        .iter()
        .map(|&u| {
            let unit = &units[u];
            let values = match &conflict {
                Some(c) => {
                    c.sides.iter().filter(|s| s.article == articles[unit.article].id && s.sentence == unit.text).flat_map(|s| s.values.clone()).collect()
                }
                None => vec![],
            };
            Support {
                article: articles[unit.article].id.to_string(),
                sentence: unit.text.clone(),
                sentence_index: unit.sentence_index,
                span: Span { start: unit.start, end: unit.end },
                attribution: unit.speaker.as_ref().map(|a| a.speaker.clone()),
                speaker: unit.speaker.clone(),
                values,
                details: unit.values.clone(),
                relay: unit.relay.clone(),
            }
        })
        .collect();
    support.sort_by_key(|s| (articles.iter().position(|a| a.id == s.article), s.sentence_index, s.span.start));
    let origins = origins(group, units, articles);
    let status = if conflict.is_some() {
        ClaimStatus::Contradicted
    } else if outlets.len() >= 2 && origins.len() >= 2 {
        ClaimStatus::Corroborated
    } else if outlets.len() >= 2 {
        ClaimStatus::SingleOrigin
    } else {
        ClaimStatus::SingleSource
    };
    let anchor = &support[0];
    Claim {
        id: claim_id(story_id, &anchor.article, &anchor.sentence),
        text: units[representative].text.clone(),
        status,
        outlets,
        support,
        conflict,
        origins,
        timeline: timeline(group, units, articles),
    }
}

/// Each independent outlet's earliest dated report of a group, earliest first: who had it
/// first, and who followed when.
fn timeline(group: &[usize], units: &[Unit], articles: &[ArticleInput]) -> Vec<parallax_model::Reported> {
    let mut first: Vec<parallax_model::Reported> = Vec::new();
    for &u in group {
        let a = &articles[units[u].article];
        // a copy's date is when it was reposted, not when its outlet reported it
        let Some(date) = a.published.filter(|_| a.copy_of.is_none()) else { continue };
        match first.iter_mut().find(|r| r.outlet == a.source) {
            Some(r) if instant(date) < instant(&r.published) => {
                r.published = date.to_string();
                r.article = a.id.to_string();
            }
            Some(_) => {}
            None => first.push(parallax_model::Reported { outlet: a.source.to_string(), article: a.id.to_string(), published: date.to_string() }),
        }
    }
    first.sort_by(|a, b| instant(&a.published).cmp(&instant(&b.published)).then(a.outlet.cmp(&b.outlet)));
    first
}

/// An ISO 8601 date or date-time as minutes since 1970 in UTC, for ordering reports that give
/// their times in different offsets ("11:40+01:00" is before "10:45Z"); a bare date is its
/// midnight UTC. Unparseable dates sort last.
fn instant(iso: &str) -> i64 {
    let Some((y, m, d)) = parallax_text::calendar::parse_iso_date(iso) else { return i64::MAX };
    let mut minutes = parallax_text::calendar::days_from_civil(y, m, d) * 24 * 60;
    if let Some(time) = iso.get(11..) {
        let num = |s: Option<&str>| s.and_then(|x| x.parse::<i64>().ok());
        if let (Some(h), Some(min)) = (num(time.get(0..2)), num(time.get(3..5))) {
            minutes += h * 60 + min;
        }
        // the offset: the last "+hh:mm" or "-hh:mm" after the clock
        if let Some(i) = time.rfind(['+', '-']).filter(|&i| i >= 5) {
            let sign = if time.as_bytes()[i] == b'-' { -1 } else { 1 };
            if let (Some(oh), Some(om)) = (num(time.get(i + 1..i + 3)), num(time.get(i + 4..i + 6))) {
                minutes -= sign * (oh * 60 + om);
            }
        }
    }
    minutes
}

/// Whose word one support rests on: a named speaker (even one quoted through another outlet:
/// "Putin told Interfax" rests on Putin); else the outlet it relays; else its own outlet's
/// reporting. Unnamed speakers ("officials said") and hedges are the outlet's own reporting: two
/// outlets' unnamed officials cannot be told apart, so they are not merged.
fn origin_of(unit: &Unit, source: &str) -> (String, OriginKind) {
    let relay = unit.relay.as_ref();
    let named = unit.speaker.as_ref().filter(|a| matches!(a.kind, AttributionKind::Direct | AttributionKind::Reported));
    match (named, relay) {
        // the speaker is the relayed outlet itself ("CBS News reported")
        (Some(a), Some(r)) if relay::same_outlet(&a.speaker, &r.outlet) => (r.outlet.clone(), OriginKind::Outlet),
        (Some(a), _) if !relay::same_outlet(&a.speaker, source) => (a.speaker.clone(), OriginKind::Speaker),
        (_, Some(r)) => (r.outlet.clone(), OriginKind::Outlet),
        _ => (source.to_string(), OriginKind::Outlet),
    }
}

/// The independent origins of a group, most reporting outlets first. A relayed outlet that is
/// also one of the story's reporting outlets is one origin with it ("Newsmax: CBS News reported"
/// and CBS News's own report).
fn origins(group: &[usize], units: &[Unit], articles: &[ArticleInput]) -> Vec<Origin> {
    let mut out: Vec<Origin> = Vec::new();
    let own: Vec<(String, OriginKind)> = group.iter().map(|&u| origin_of(&units[u], articles[units[u].article].source)).collect();
    for (i, &u) in group.iter().enumerate() {
        let source = articles[units[u].article].source;
        let relay = units[u].relay.as_ref();
        let (mut name, mut kind) = own[i].clone();
        // relaying an outlet of this claim rests on whatever that outlet's report rests on
        if let Some(r) = relay.filter(|_| kind == OriginKind::Outlet) {
            let relayed = group.iter().zip(&own).find(|(&v, o)| relay::same_outlet(articles[units[v].article].source, &r.outlet) && o.1 == OriginKind::Speaker);
            if let Some((_, o)) = relayed {
                (name, kind) = o.clone();
            }
        }
        let same = |o: &Origin| o.kind == kind && if kind == OriginKind::Outlet { relay::same_outlet(&o.name, &name) } else { o.name == name };
        let i = match out.iter().position(same) {
            Some(i) => i,
            None => {
                out.push(Origin { name: name.clone(), kind, reported_by: vec![], relayed_by: vec![] });
                out.len() - 1
            }
        };
        let o = &mut out[i];
        if !o.reported_by.iter().any(|r| r == source) {
            o.reported_by.push(source.to_string());
        }
        if let Some(r) = relay.filter(|r| kind == OriginKind::Speaker || !relay::same_outlet(&r.outlet, &name)) {
            if !o.relayed_by.iter().any(|x| relay::same_outlet(x, &r.outlet)) {
                o.relayed_by.push(r.outlet.clone());
            }
        }
    }
    out.sort_by_key(|o| std::cmp::Reverse(o.reported_by.len()));
    out
}

fn kind_of(v: &Value) -> ConflictKind {
    match v.kind {
        ValueKind::Number => ConflictKind::Number,
        ValueKind::Date => ConflictKind::Date,
        ValueKind::Place => ConflictKind::Place,
    }
}

/// Two sentences of a group, from independent sources, that cannot both be true: comparable
/// values with no agreeing pair between them, or one denying what the other states. Dates and
/// places count only when each sentence states one, so "announced on Monday that the vote is
/// Wednesday" is not read as a second date for one event.
fn find_conflict(
    group: &[usize],
    units: &[Unit],
    articles: &[ArticleInput],
    prepared: &[Prepared],
    score: &dyn Fn(usize, usize) -> f32,
    config: &ClaimConfig,
) -> Option<Conflict> {
    let source = |u: usize| articles[units[u].article].source;
    let side = |u: usize, values: Vec<String>| ConflictSide {
        article: articles[units[u].article].id.to_string(),
        sentence_index: units[u].sentence_index,
        sentence: units[u].text.clone(),
        values,
    };
    let count = |u: usize, k: ValueKind| units[u].values.iter().filter(|v| v.kind == k).count();
    let group_text = |src: &str| group.iter().filter(|&&u| source(u) == src).map(|&u| units[u].text.to_lowercase()).collect::<Vec<_>>().join(" ");
    for (i, &a) in group.iter().enumerate() {
        for &b in &group[i + 1..] {
            if source(a) == source(b) || score(a, b) < config.conflict_min {
                continue;
            }
            for x in &units[a].values {
                let single = |u: usize| x.kind == ValueKind::Number || count(u, x.kind) == 1;
                if !single(a) || !single(b) {
                    continue;
                }
                let comparable: Vec<&Value> =
                    units[b].values.iter().filter(|y| same_subject(x, y) || (x.kind == ValueKind::Place && y.kind == ValueKind::Place)).collect();
                if comparable.is_empty() {
                    continue;
                }
                // two sentences that agree on any value of this kind and frame list several
                // amounts ("$600 million from ... and $2.5 billion from ..."): a mismatch is
                // another item, not a dispute
                let shared_value =
                    units[a].values.iter().any(|p| parallax_values::same_subject_kind(p, x) && units[b].values.iter().any(|q| parallax_values::agree(p, q)));
                if shared_value {
                    continue;
                }
                let agrees = |v: &Value, others: &[&Value]| others.iter().any(|y| !parallax_values::incompatible(v, y));
                // the same value anywhere on the other side settles it: "12 dead" against
                // "12 dead and 15 missing" is no conflict
                let others_a: Vec<&Value> = units[a].values.iter().filter(|v| v.kind == x.kind).collect();
                let Some(y) = comparable.iter().find(|y| parallax_values::incompatible(x, y) && !agrees(x, &comparable) && !agrees(y, &others_a)) else {
                    continue;
                };
                if x.kind == ValueKind::Date && !same_event_words(&units[a].text, x, &units[b].text, y) {
                    // "took effect Friday" and "announced on Thursday" date two events
                    continue;
                }
                if x.kind == ValueKind::Place {
                    // a place the other side names anywhere is a detail, not a dispute
                    let (ta, tb) = (group_text(source(a)), group_text(source(b)));
                    if tb.contains(&x.text.to_lowercase()) || ta.contains(&y.text.to_lowercase()) {
                        continue;
                    }
                }
                let frame = if x.kind == ValueKind::Number {
                    [x.frame.as_str(), x.role.as_deref().unwrap_or("")].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ")
                } else {
                    x.frame.clone()
                };
                return Some(Conflict {
                    kind: kind_of(x),
                    frame,
                    values: vec![x.text.clone(), y.text.clone()],
                    sides: vec![side(a, vec![x.text.clone()]), side(b, vec![y.text.clone()])],
                });
            }
            // a denial contradicts only the same voice: two speakers who disagree are both
            // reported faithfully
            let same_voice = units[a].speaker.as_ref().map(|s| &s.speaker) == units[b].speaker.as_ref().map(|s| &s.speaker);
            let v = judge().judge_prepared(&prepared[a], &prepared[b]);
            if same_voice && v.relation == Relation::Contradicts {
                let cues: Vec<String> = v
                    .reasons
                    .iter()
                    .filter_map(|r| match r {
                        parallax_judge::Reason::NegationOnOneSide { cues, .. } => {
                            Some(cues.iter().filter(|c| is_denial(c)).cloned().collect::<Vec<_>>().join(", "))
                        }
                        _ => None,
                    })
                    .filter(|c| !c.is_empty())
                    .collect();
                if cues.is_empty() {
                    continue;
                }
                let what = if cues.is_empty() { "negated".to_string() } else { cues.join("; ") };
                return Some(Conflict {
                    kind: ConflictKind::Negation,
                    frame: "polarity".into(),
                    values: vec!["asserted".into(), what.clone()],
                    sides: vec![side(a, vec![]), side(b, vec![what])],
                });
            }
        }
    }
    None
}

/// Whether the words just before two dates name the same event: one of the three lowercase
/// content words before each (names left out: they say who, not what happened) is shared, as
/// stems ("the House voted on Wednesday", "the House votes Thursday").
fn same_event_words(ta: &str, a: &Value, tb: &str, b: &Value) -> bool {
    let before = |t: &str, v: &Value| -> Vec<String> {
        let head = &t[..v.span.start.min(t.len())];
        let lower: Vec<&str> = head.split_whitespace().filter(|w| w.chars().next().is_some_and(char::is_lowercase)).collect();
        let words = parallax_text::terms(&lower.join(" "));
        words[words.len().saturating_sub(3)..].to_vec()
    };
    let (wa, wb) = (before(ta, a), before(tb, b));
    wa.iter().any(|w| wb.contains(w))
}

/// Negation cues that deny a statement. "no" alone is left out: it is as often a noun ("the lone
/// \"no\" vote") or a quantity ("no deaths") as a denial.
fn is_denial(cue: &str) -> bool {
    let c = cue.to_lowercase();
    ["not", "n't", "never", "deny", "denied", "denies", "false", "untrue", "refuted", "rejected"].iter().any(|d| c == *d || c.ends_with(d))
}

/// The `n` most similar cross-article unit pairs of a story, for tuning and debugging.
pub fn debug_pairs(articles: &[ArticleInput], n: usize) -> Vec<(String, String, f32)> {
    let all = story_units(articles);
    let cosine = Cosine::new(&all);
    let config = ClaimConfig::default();
    let mut pairs: Vec<(usize, usize, f32)> =
        candidate_pairs(&all, &cosine, &config, |_| true).into_iter().map(|(a, b)| (a, b, pair_score(&all[a], &all[b], &cosine, a, b, &config))).collect();
    pairs.sort_by(|a, b| b.2.total_cmp(&a.2));
    pairs.truncate(n);
    let short = |u: &Unit| format!("[{}] {}", u.article, u.text.chars().take(110).collect::<String>());
    pairs.into_iter().map(|(i, j, s)| (short(&all[i]), short(&all[j]), s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(docs: &[(&str, &str, &str)]) -> Vec<Claim> {
        let paras: Vec<Vec<String>> = docs.iter().map(|(_, _, t)| t.split("\n\n").map(str::to_string).collect()).collect();
        let inputs: Vec<ArticleInput> =
            docs.iter().zip(&paras).map(|((id, src, _), p)| ArticleInput { id, source: src, paragraphs: p, copy_of: None, published: None }).collect();
        compare("s1", &inputs, &ClaimConfig::default())
    }

    fn claim_with<'a>(claims: &'a [Claim], word: &str) -> &'a Claim {
        claims.iter().find(|c| c.support.iter().any(|s| s.sentence.contains(word))).unwrap_or_else(|| panic!("no claim mentions {word}"))
    }

    fn articles_of(c: &Claim) -> Vec<&str> {
        let mut v: Vec<&str> = c.support.iter().map(|s| s.article.as_str()).collect();
        v.dedup();
        v
    }

    const A: &str = "The harbor bridge in Port Vell reopened on Monday after two weeks of repairs, the city council said.\n\nMayor Ilse Brandt said the repairs cost 2 million euros.\n\nA ferry line to Casterra will also resume in May, officials said.";
    const B: &str = "Port Vell's harbor bridge reopened to traffic on Monday following repairs that lasted two weeks.\n\nThe repairs cost 3 million euros, according to the council.\n\nLocal shops near the bridge welcomed the news.";
    const C: &str = "Officials reopened the harbor bridge of Port Vell on Monday after repairs.\n\nThe bridge carries about 40,000 vehicles a day, the transport agency said.";

    #[test]
    fn instants_order_times_across_offsets() {
        assert!(instant("2026-03-03T11:40:00+01:00") < instant("2026-03-03T10:45:00Z"));
        assert!(instant("2026-03-03") < instant("2026-03-03T00:01:00Z"));
        assert!(instant("2026-03-02T23:30:00-05:00") > instant("2026-03-03T03:00:00Z"));
        assert_eq!(instant("not a date"), i64::MAX);
    }

    #[test]
    fn the_timeline_says_who_had_a_claim_first() {
        let (a, b, c) = (
            vec!["The harbor bridge will close for repairs in May, the council said.".to_string()],
            vec!["The council said the harbor bridge will close for repairs in May.".to_string()],
            vec!["The harbor bridge will close for repairs in May, council members said.".to_string()],
        );
        let arts = [
            ArticleInput { id: "a", source: "Port Daily", paragraphs: &a, copy_of: None, published: Some("2026-04-02") },
            ArticleInput { id: "b", source: "Harbor News", paragraphs: &b, copy_of: None, published: Some("2026-04-01") },
            ArticleInput { id: "c", source: "Port Daily", paragraphs: &c, copy_of: None, published: Some("2026-04-03") },
        ];
        let claims = compare("s1", &arts, &ClaimConfig::default());
        let bridge = claim_with(&claims, "bridge");
        let order: Vec<(&str, &str)> = bridge.timeline.iter().map(|r| (r.outlet.as_str(), r.published.as_str())).collect();
        assert_eq!(order, vec![("Harbor News", "2026-04-01"), ("Port Daily", "2026-04-02")], "{bridge:#?}");
    }

    #[test]
    fn a_claim_resting_on_one_voice_or_one_outlet_has_one_origin() {
        let claims = run(&[
            ("a", "Port Daily", "The harbor bridge will close for repairs in May, Mayor Ana Ruiz said on Monday."),
            ("b", "Harbor News", "Mayor Ana Ruiz said the harbor bridge will close for repairs in May."),
            ("c", "Coast Times", "The harbor bridge will close for repairs in May, Harbor News reported."),
        ]);
        let bridge = claim_with(&claims, "bridge");
        assert_eq!(articles_of(bridge), vec!["a", "b", "c"]);
        assert_eq!(bridge.status, ClaimStatus::SingleOrigin, "{bridge:#?}");
        assert_eq!(bridge.origins[0].name, "Ana Ruiz");
        assert_eq!(bridge.origins[0].kind, OriginKind::Speaker);
        // Coast Times relays Harbor News, whose report rests on the mayor: one origin, three
        // reports, one relay between
        let relayed = bridge.support.iter().find(|s| s.article == "c").unwrap().relay.as_ref().unwrap();
        assert_eq!(relayed.outlet, "Harbor News");
        assert_eq!(bridge.origins.len(), 1, "{:#?}", bridge.origins);
        assert_eq!(bridge.origins[0].reported_by, vec!["Port Daily", "Harbor News", "Coast Times"]);
        assert_eq!(bridge.origins[0].relayed_by, vec!["Harbor News"]);
    }

    #[test]
    fn groups_the_same_fact_and_keeps_single_sources_apart() {
        let claims = run(&[("a", "Port Daily", A), ("b", "Harbor News", B), ("c", "Coast Times", C)]);
        let reopened = claim_with(&claims, "reopened");
        assert_eq!(articles_of(reopened), vec!["a", "b", "c"]);
        assert_eq!(reopened.status, ClaimStatus::Corroborated);
        let ferry = claim_with(&claims, "ferry");
        assert_eq!(articles_of(ferry), vec!["a"]);
        assert_eq!(ferry.status, ClaimStatus::SingleSource);
        assert_eq!(articles_of(claim_with(&claims, "40,000")), vec!["c"]);
    }

    #[test]
    fn conflicting_numbers_contradict() {
        let claims = run(&[("a", "Port Daily", A), ("b", "Harbor News", B)]);
        let cost = claim_with(&claims, "euros");
        assert_eq!(articles_of(cost), vec!["a", "b"]);
        assert_eq!(cost.status, ClaimStatus::Contradicted);
        let conflict = cost.conflict.as_ref().unwrap();
        assert_eq!(conflict.kind, parallax_model::ConflictKind::Number);
        assert_eq!(conflict.values, vec!["2 million euros", "3 million euros"]);
        assert_eq!(conflict.sides.len(), 2);
        assert_eq!(cost.support[0].attribution.as_deref(), Some("Ilse Brandt"));
        assert!(cost.support[1].attribution.as_deref().is_some_and(|a| a.contains("council")));
    }

    #[test]
    fn a_copy_does_not_corroborate_its_origin() {
        let paras: Vec<String> = A.split("\n\n").map(str::to_string).collect();
        let inputs = [
            ArticleInput { id: "a", source: "Port Daily", paragraphs: &paras, copy_of: None, published: None },
            ArticleInput { id: "a2", source: "Port Daily", paragraphs: &paras, copy_of: Some("a"), published: None },
        ];
        let claims = compare("s1", &inputs, &ClaimConfig::default());
        let reopened = claim_with(&claims, "reopened");
        assert_eq!(articles_of(reopened), vec!["a", "a2"]);
        assert_eq!(reopened.status, ClaimStatus::SingleSource);
    }

    #[test]
    fn supports_point_at_exact_text() {
        let claims = run(&[("a", "Port Daily", A), ("b", "Harbor News", B)]);
        for c in &claims {
            for s in &c.support {
                let text = if s.article == "a" { A } else { B };
                assert_eq!(&text[s.span.start..s.span.end], s.sentence);
            }
        }
    }
}
