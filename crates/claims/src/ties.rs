//! Why these articles are one story: the names, words and dates they share, each with the
//! articles that use it. Kept as data, so a reader (and later the UI that merges or splits
//! stories) can see what holds a story together.

use crate::ArticleInput;
use parallax_model::{CalendarDate, Claim, Tie, TieKind};
use std::collections::{BTreeSet, HashMap};

/// Ties shown per kind: the most shared first.
const PER_KIND: usize = 10;

/// Capitalised runs that are not at a sentence start ("Vladimir Putin", "Belarus"): names.
fn names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    let mut sentence_start = true;
    for raw in text.split_whitespace() {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        let w = w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")).unwrap_or(w);
        let w = w.trim_end_matches(['\'', '’']);
        let capital = w.chars().next().is_some_and(char::is_uppercase) && w.chars().skip(1).any(char::is_lowercase);
        // days and months are dates, shown resolved as dates
        let calendar = parallax_text::calendar::weekday_number(w).is_some() || parallax_text::calendar::month_number(w).is_some();
        if capital && !calendar && !sentence_start && !parallax_text::is_stopword(&w.to_lowercase()) && w.len() >= 3 {
            run.push(w);
        } else if !run.is_empty() {
            out.push(run.join(" "));
            run.clear();
        }
        // a run ends where the word ends a clause
        if !run.is_empty() && raw.ends_with([',', ';', ':', '.', '"', '”', ')']) {
            out.push(run.join(" "));
            run.clear();
        }
        sentence_start = raw.ends_with(['.', '!', '?', '"', '”', '\n']) || raw.ends_with(".\"");
    }
    if !run.is_empty() {
        out.push(run.join(" "));
    }
    out
}

/// The names, content words and dates two or more of the story's articles share (copies count
/// as their origin, so a repost ties nothing), most articles first.
pub fn story_ties(articles: &[ArticleInput], claims: &[Claim]) -> Vec<Tie> {
    let originals: Vec<usize> = (0..articles.len()).filter(|&i| articles[i].copy_of.is_none()).collect();
    let mut by: HashMap<(TieKind, String), BTreeSet<usize>> = HashMap::new();
    // the most used surface word of each stem, for showing a word rather than a stem
    let mut surface: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for &i in &originals {
        let text = articles[i].paragraphs.join("\n\n");
        let found = names(&text);
        let name_words: BTreeSet<String> = found.iter().flat_map(|n| n.split(' ').map(str::to_lowercase)).collect();
        for n in found {
            by.entry((TieKind::Name, n)).or_default().insert(i);
        }
        for w in text.split(|c: char| !c.is_alphanumeric() && c != '-') {
            let lower = w.to_lowercase();
            let calendar = parallax_text::calendar::weekday_number(&lower).is_some() || parallax_text::calendar::month_number(&lower).is_some();
            if lower.len() < 4 || calendar || name_words.contains(&lower) || lower.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            let Some(stem) = parallax_text::terms(&lower).into_iter().next() else { continue };
            *surface.entry(stem.clone()).or_default().entry(lower).or_default() += 1;
            by.entry((TieKind::Term, stem)).or_default().insert(i);
        }
    }
    for c in claims {
        for s in &c.support {
            let Some(i) = articles.iter().position(|a| a.id == s.article).filter(|i| originals.contains(i)) else { continue };
            for v in &s.details {
                if let Some(d) = v.date.as_ref().filter(|d| !matches!(d, CalendarDate::Unresolved)) {
                    by.entry((TieKind::Date, d.to_string())).or_default().insert(i);
                }
            }
        }
    }
    let mut out: Vec<Tie> = Vec::new();
    for kind in [TieKind::Name, TieKind::Date, TieKind::Term] {
        let mut ties: Vec<(&String, &BTreeSet<usize>)> = by.iter().filter(|((k, _), a)| *k == kind && a.len() >= 2).map(|((_, t), a)| (t, a)).collect();
        // most articles first; among equals a longer name or word says more
        ties.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(b.0.len().cmp(&a.0.len())).then(a.0.cmp(b.0)));
        for (t, a) in ties.into_iter().take(PER_KIND) {
            let text = match kind {
                TieKind::Term => {
                    surface.get(t).and_then(|s| s.iter().max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))).map(|(w, _)| w.clone()).unwrap_or_else(|| t.clone())
                }
                _ => t.clone(),
            };
            out.push(Tie { text, kind, articles: a.iter().map(|&i| articles[i].id.to_string()).collect() });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_names_and_words_tie_articles_a_copy_ties_nothing() {
        let p = |t: &str| vec![t.to_string()];
        let (a, b, c, d) = (
            p("The ferry Northern Star capsized near Port Aster, said Tomas Reed of the coast guard."),
            p("Rescuers reached the capsized Northern Star at dawn, Tomas Reed told reporters."),
            p("A storm closed the harbor of Port Aster on Monday."),
            p("A storm closed the harbor of Port Aster on Monday."),
        );
        let arts = [
            ArticleInput { id: "a", source: "A", paragraphs: &a, copy_of: None, published: None },
            ArticleInput { id: "b", source: "B", paragraphs: &b, copy_of: None, published: None },
            ArticleInput { id: "c", source: "C", paragraphs: &c, copy_of: None, published: None },
            ArticleInput { id: "d", source: "C", paragraphs: &d, copy_of: Some("c"), published: None },
        ];
        let ties = story_ties(&arts, &[]);
        let find = |t: &str| ties.iter().find(|x| x.text == t);
        assert_eq!(find("Northern Star").map(|t| t.articles.clone()), Some(vec!["a".to_string(), "b".to_string()]), "{ties:?}");
        assert_eq!(find("Tomas Reed").map(|t| t.kind), Some(TieKind::Name));
        assert_eq!(find("Port Aster").map(|t| t.articles.len()), Some(2), "a and c; the copy d adds nothing");
        assert!(find("capsized").is_some(), "{ties:?}");
        assert!(find("storm").is_none(), "only c and its copy use it");
    }
}
