//! Claims: what each article of a story states, grouped across articles.
//!
//! 1. Each article is split into sentences; sentences that state something become claim units
//!    (a sentence coordinating two statements gives two units) with their attribution.
//! 2. Units from different articles are compared by IDF-weighted overlap of their content words,
//!    with IDF taken over the story itself, so the words every report shares ("missile", the
//!    story's main name) count little and the distinctive ones ("Belarus", "2,000") decide.
//! 3. Average-link clustering over cross-article pairs groups units that say the same thing.
//! 4. Each group gets a status from its independent outlets and its slots: corroborated, single
//!    source, or contradicted (same frame, conflicting number, date or place).

pub mod attribution;
mod lexicon;
pub mod slots;
pub mod units;

use parallax_model::{Claim, ClaimStatus, Conflict, Span, Support};
use std::collections::HashMap;
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
}

#[derive(Debug, Clone)]
pub struct ClaimConfig {
    /// Average similarity two groups need to merge.
    pub threshold: f32,
    /// A group needs at least one aligned pair this similar: weak links may widen a group but
    /// never found one.
    pub core_threshold: f32,
    /// A copy's unit joins its origin's unit at this similarity or above.
    pub copy_match: f32,
    /// Added to the similarity of two units that state the same quantity.
    pub shared_quantity_bonus: f32,
    /// Similarity is multiplied by this when one unit states a quantity the other does not.
    pub quantity_mismatch: f32,
}

impl Default for ClaimConfig {
    fn default() -> Self {
        ClaimConfig { threshold: 0.15, core_threshold: 0.25, copy_match: 0.5, shared_quantity_bonus: 0.1, quantity_mismatch: 0.5 }
    }
}

/// The claims of one story. Ids are `<story_id>-c<n>`.
pub fn compare(story_id: &str, articles: &[ArticleInput], config: &ClaimConfig) -> Vec<Claim> {
    let all = story_units(articles);
    let sim = Similarity::new(&all, config);
    let is_copy = |u: &Unit| articles[u.article].copy_of.is_some();
    let originals: Vec<usize> = (0..all.len()).filter(|&u| !is_copy(&all[u])).collect();
    let mut groups: Vec<Vec<usize>> = group(&all, &originals, &sim, config).into_iter().collect();
    for u in (0..all.len()).filter(|&u| is_copy(&all[u])) {
        let origin = articles[all[u].article].copy_of.and_then(|id| articles.iter().position(|a| a.id == id));
        let home = groups.iter().position(|g| g.iter().any(|&o| Some(all[o].article) == origin && sim.get(u, o) >= config.copy_match));
        match home {
            Some(g) => groups[g].push(u),
            None => groups.push(vec![u]),
        }
    }
    for g in &mut groups {
        g.sort_by_key(|&u| (all[u].article, all[u].start));
    }
    let mut claims: Vec<Claim> = groups.into_iter().map(|g| build_claim(&g, &all, articles, &sim)).collect();
    let rank = |c: &Claim| match c.status {
        ClaimStatus::Contradicted => 0,
        ClaimStatus::Corroborated => 1,
        ClaimStatus::SingleSource => 2,
    };
    claims.sort_by(|a, b| rank(a).cmp(&rank(b)).then(b.outlets.len().cmp(&a.outlets.len())));
    for (n, c) in claims.iter_mut().enumerate() {
        c.id = format!("{story_id}-c{}", n + 1);
    }
    claims
}

/// The claim units of every article of a story, with short names resolved to the fullest form
/// the story uses ("Putin" -> "Vladimir Putin").
fn story_units(articles: &[ArticleInput]) -> Vec<Unit> {
    let mut all: Vec<Unit> = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        all.extend(units::article_units(i, a.paragraphs, attribution::attribute_article));
    }
    let mut names: Vec<Option<String>> = all.iter().map(|u| u.attribution.clone()).collect();
    attribution::canonicalize(&mut names);
    for (u, n) in all.iter_mut().zip(names) {
        u.attribution = n;
    }
    all
}

/// Weight of a term that appears in only one unit of the story, relative to its IDF.
const UNIQUE_TERM_WEIGHT: f32 = 0.5;

/// Pairwise unit similarity with story-local IDF.
struct Similarity {
    vectors: Vec<HashMap<String, f32>>,
    norms: Vec<f32>,
    quantities: Vec<Vec<(String, String)>>,
    bonus: f32,
    quantity_mismatch: f32,
}

impl Similarity {
    fn new(units: &[Unit], config: &ClaimConfig) -> Self {
        let mut df: HashMap<&str, f32> = HashMap::new();
        let sets: Vec<Vec<&String>> = units
            .iter()
            .map(|u| {
                let mut t: Vec<&String> = u.terms.iter().filter(|t| !t.chars().all(|c| c.is_ascii_digit())).collect();
                t.sort();
                t.dedup();
                t
            })
            .collect();
        for s in &sets {
            for t in s {
                *df.entry(t.as_str()).or_default() += 1.0;
            }
        }
        let n = units.len().max(1) as f32;
        let vectors: Vec<HashMap<String, f32>> = sets
            .iter()
            .map(|s| {
                s.iter()
                    .map(|t| {
                        let d = df[t.as_str()];
                        // a word no other unit uses cannot show agreement; it only lengthens
                        // the unit, so it weighs less in the norm
                        let w = (1.0 + n / d).ln() * if d <= 1.0 { UNIQUE_TERM_WEIGHT } else { 1.0 };
                        ((*t).clone(), w)
                    })
                    .collect()
            })
            .collect();
        let norms = vectors.iter().map(|v| v.values().map(|w| w * w).sum::<f32>().sqrt().max(1e-9)).collect();
        let quantities = units
            .iter()
            .map(|u| {
                u.slots
                    .iter()
                    .filter_map(|s| match s {
                        slots::Slot::Quantity { frame, value, .. } => Some((frame.clone(), value.to_string())),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        Similarity { vectors, norms, quantities, bonus: config.shared_quantity_bonus, quantity_mismatch: config.quantity_mismatch }
    }

    fn get(&self, a: usize, b: usize) -> f32 {
        let (va, vb) = (&self.vectors[a], &self.vectors[b]);
        let (small, large) = if va.len() <= vb.len() { (va, vb) } else { (vb, va) };
        let dot: f32 = small.iter().filter_map(|(t, w)| large.get(t).map(|w2| w * w2)).sum();
        let (na, nb) = (self.norms[a], self.norms[b]);
        let cosine = dot / (na * nb);
        let mut s = cosine;
        let (qa, qb) = (&self.quantities[a], &self.quantities[b]);
        if qa.iter().any(|q| qb.contains(q)) {
            s += self.bonus;
        } else if qa.is_empty() != qb.is_empty() || (!qa.is_empty() && !qa.iter().any(|(f, _)| qb.iter().any(|(g, _)| f == g))) {
            // A number is the heart of the statement that has it: a unit that states none, or
            // counts something else, is saying something different.
            s *= self.quantity_mismatch;
        }
        s
    }
}

/// Average-link agglomerative clustering of the `members` units in which only pairs from
/// different articles count (two sentences of one article are never evidence that they say the
/// same thing), and of those only aligned pairs: a unit and its best match in another article.
/// A merge also needs a strong core: some aligned pair in the result at `core_threshold`.
// (pairs are cells of unit-by-unit matrices: indices read better than iterators here)
#[allow(clippy::needless_range_loop)]
fn group(units: &[Unit], members: &[usize], sim: &Similarity, config: &ClaimConfig) -> Vec<Vec<usize>> {
    let n = members.len();
    let art = |i: usize| units[members[i]].article;
    let articles = (0..n).map(art).max().map_or(0, |m| m + 1);
    let mut raw = vec![vec![0f32; n]; n];
    for i in 0..n {
        for j in (i + 1)..n {
            if art(i) != art(j) {
                let s = sim.get(members[i], members[j]);
                raw[i][j] = s;
                raw[j][i] = s;
            }
        }
    }
    // Each unit's best match in every other article: an outlet states a fact once, so the
    // pairs worth considering are the best-aligned ones. Other pairs count as no evidence.
    let mut best_in = vec![vec![None::<(usize, f32)>; articles]; n];
    for i in 0..n {
        for j in 0..n {
            let a = art(j);
            if a != art(i) && best_in[i][a].is_none_or(|(_, s)| raw[i][j] > s) {
                best_in[i][a] = Some((j, raw[i][j]));
            }
        }
    }
    let aligned = |i: usize, j: usize| best_in[i][art(j)].is_some_and(|(b, _)| b == j) || best_in[j][art(i)].is_some_and(|(b, _)| b == i);
    let mut state = Agglomeration {
        sum: vec![vec![0f32; n]; n],
        cnt: vec![vec![0u32; n]; n],
        strongest: vec![vec![0f32; n]; n],
        core: vec![0f32; n],
        alive: vec![true; n],
        core_threshold: config.core_threshold,
    };
    for i in 0..n {
        for j in 0..n {
            if i != j && art(i) != art(j) {
                let s = if aligned(i, j) { raw[i][j] } else { 0.0 };
                state.sum[i][j] = s;
                state.strongest[i][j] = s;
                state.cnt[i][j] = 1;
            }
        }
    }
    let mut clusters: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut best: Vec<Option<(usize, f32)>> = (0..n).map(|i| state.row_best(i)).collect();
    loop {
        let pick = (0..n).filter(|&i| state.alive[i]).filter_map(|i| best[i].map(|(j, s)| (i, j, s))).max_by(|a, b| a.2.total_cmp(&b.2));
        let Some((i, j, s)) = pick else { break };
        if s < config.threshold {
            break;
        }
        let moved = std::mem::take(&mut clusters[j]);
        clusters[i].extend(moved);
        state.merge(i, j);
        best[j] = None;
        best[i] = state.row_best(i);
        for k in 0..n {
            if k == i || !state.alive[k] {
                continue;
            }
            if matches!(best[k], Some((b, _)) if b == i || b == j) {
                best[k] = state.row_best(k);
            } else {
                let v = state.score(k, i);
                if best[k].is_none_or(|(_, bs)| v > bs) {
                    best[k] = Some((i, v));
                }
            }
        }
    }
    clusters.into_iter().filter(|c| !c.is_empty()).map(|c| c.into_iter().map(|i| members[i]).collect()).collect()
}

/// Cluster-pair statistics for [`group`], indexed by each cluster's first slot.
struct Agglomeration {
    sum: Vec<Vec<f32>>,
    cnt: Vec<Vec<u32>>,
    /// Strongest aligned pair between two clusters.
    strongest: Vec<Vec<f32>>,
    /// Strongest aligned pair inside a cluster.
    core: Vec<f32>,
    alive: Vec<bool>,
    core_threshold: f32,
}

impl Agglomeration {
    fn score(&self, i: usize, j: usize) -> f32 {
        if self.cnt[i][j] == 0 {
            return f32::MIN;
        }
        let core = self.core[i].max(self.core[j]).max(self.strongest[i][j]);
        if core < self.core_threshold {
            return f32::MIN;
        }
        self.sum[i][j] / self.cnt[i][j] as f32
    }

    fn row_best(&self, i: usize) -> Option<(usize, f32)> {
        (0..self.alive.len()).filter(|&j| j != i && self.alive[j]).map(|j| (j, self.score(i, j))).max_by(|a, b| a.1.total_cmp(&b.1))
    }

    fn merge(&mut self, i: usize, j: usize) {
        self.core[i] = self.core[i].max(self.core[j]).max(self.strongest[i][j]);
        self.alive[j] = false;
        for k in 0..self.alive.len() {
            self.sum[i][k] += self.sum[j][k];
            self.cnt[i][k] += self.cnt[j][k];
            self.strongest[i][k] = self.strongest[i][k].max(self.strongest[j][k]);
            self.sum[k][i] = self.sum[i][k];
            self.cnt[k][i] = self.cnt[i][k];
            self.strongest[k][i] = self.strongest[i][k];
        }
    }
}

fn build_claim(group: &[usize], units: &[Unit], articles: &[ArticleInput], sim: &Similarity) -> Claim {
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
            let score = |x: usize| group.iter().filter(|&&y| units[y].article != units[x].article).map(|&y| sim.get(x, y)).sum::<f32>();
            // equal standing (always so in a pair): the fuller wording says more
            let (sa, sb) = (score(a), score(b));
            if (sa - sb).abs() > 1e-6 {
                sa.total_cmp(&sb)
            } else {
                units[a].terms.len().cmp(&units[b].terms.len()).then(b.cmp(&a))
            }
        })
        .expect("groups are not empty");
    let conflict = find_conflict(group, units, articles);
    let mut support: Vec<Support> = group
        .iter()
        .map(|&u| {
            let unit = &units[u];
            let values = match &conflict {
                Some((kind, frame, _)) => unit.slots.iter().filter(|s| s.frame() == (kind.as_str(), frame.clone())).map(slots::Slot::text).collect(),
                None => vec![],
            };
            Support {
                article: articles[unit.article].id.to_string(),
                sentence: unit.text.clone(),
                sentence_index: unit.sentence_index,
                span: Span { start: unit.start, end: unit.end },
                attribution: unit.attribution.clone(),
                speaker: None,
                values,
                details: vec![],
            }
        })
        .collect();
    support.sort_by_key(|s| (articles.iter().position(|a| a.id == s.article), s.sentence_index));
    let status = if conflict.is_some() {
        ClaimStatus::Contradicted
    } else if outlets.len() >= 2 {
        ClaimStatus::Corroborated
    } else {
        ClaimStatus::SingleSource
    };
    Claim {
        id: String::new(),
        text: units[representative].text.clone(),
        status,
        outlets,
        support,
        conflict: conflict.map(|(kind, frame, values)| Conflict { kind: conflict_kind(&kind), frame, values, sides: vec![] }),
    }
}

fn conflict_kind(kind: &str) -> parallax_model::ConflictKind {
    match kind {
        "date" => parallax_model::ConflictKind::Date,
        "place" => parallax_model::ConflictKind::Place,
        _ => parallax_model::ConflictKind::Number,
    }
}

/// A slot's kind and what it is about ("date", "strike on the plant"): the frame two reports fill.
type Frame = (&'static str, String);
/// A source and the slots it fills one frame with.
type SourceValues<'a> = (String, Vec<&'a slots::Slot>);

/// A slot frame that two independent sources fill with values the other never states.
fn find_conflict(group: &[usize], units: &[Unit], articles: &[ArticleInput]) -> Option<(String, String, Vec<String>)> {
    // frame -> source -> values
    let mut frames: Vec<(Frame, Vec<SourceValues>)> = Vec::new();
    for &u in group {
        let source = articles[units[u].article].source.to_string();
        let places = units[u].slots.iter().filter(|s| matches!(s, slots::Slot::Place { .. })).count();
        for slot in &units[u].slots {
            if matches!(slot, slots::Slot::Place { .. }) && places != 1 {
                continue;
            }
            let key = slot.frame();
            let entry = match frames.iter_mut().find(|(k, _)| *k == key) {
                Some(e) => e,
                None => {
                    frames.push((key, vec![]));
                    frames.last_mut().expect("just pushed")
                }
            };
            match entry.1.iter_mut().find(|(s, _)| *s == source) {
                Some((_, v)) => v.push(slot),
                None => entry.1.push((source.clone(), vec![slot])),
            }
        }
    }
    for ((kind, frame), by_source) in frames {
        if by_source.len() < 2 {
            continue;
        }
        // Places conflict only when neither side mentions the other's place at all: "in Kyiv"
        // against a sentence that names Kyiv elsewhere is a different detail, not a dispute.
        let text_of = |source: &str| -> String {
            group.iter().filter(|&&u| articles[units[u].article].source == source).map(|&u| units[u].text.as_str()).collect::<Vec<_>>().join(" ")
        };
        let disjoint = by_source.iter().enumerate().any(|(i, (sa, a))| {
            by_source.iter().skip(i + 1).any(|(sb, b)| {
                let differ = !a.iter().any(|x| b.iter().any(|y| x.same_value(y)));
                differ && (kind != "place" || (!a.iter().any(|x| text_of(sb).contains(&x.text())) && !b.iter().any(|y| text_of(sa).contains(&y.text()))))
            })
        });
        if disjoint {
            // one wording per distinct value: "12 people" and "Twelve people" are one value
            let mut distinct: Vec<&slots::Slot> = Vec::new();
            for (_, v) in &by_source {
                for s in v {
                    if !distinct.iter().any(|d| d.same_value(s)) {
                        distinct.push(s);
                    }
                }
            }
            let values = distinct.iter().map(|s| s.text()).collect();
            return Some((kind.to_string(), frame, values));
        }
    }
    None
}

/// The `n` most similar cross-article unit pairs of a story, for tuning and debugging.
pub fn debug_pairs(articles: &[ArticleInput], n: usize) -> Vec<(String, String, f32)> {
    let all = story_units(articles);
    let sim = Similarity::new(&all, &ClaimConfig::default());
    let mut pairs = Vec::new();
    for i in 0..all.len() {
        for j in (i + 1)..all.len() {
            if all[i].article != all[j].article {
                pairs.push((i, j, sim.get(i, j)));
            }
        }
    }
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
            docs.iter().zip(&paras).map(|((id, src, _), p)| ArticleInput { id, source: src, paragraphs: p, copy_of: None }).collect();
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
        assert_eq!(cost.support[0].attribution.as_deref(), Some("Ilse Brandt"));
        // "the council" takes the fuller name another article used
        assert_eq!(cost.support[1].attribution.as_deref(), Some("city council"));
    }

    #[test]
    fn a_copy_does_not_corroborate_its_origin() {
        let paras: Vec<String> = A.split("\n\n").map(str::to_string).collect();
        let inputs = [
            ArticleInput { id: "a", source: "Port Daily", paragraphs: &paras, copy_of: None },
            ArticleInput { id: "a2", source: "Port Daily", paragraphs: &paras, copy_of: Some("a") },
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
