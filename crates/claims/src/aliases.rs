//! One entity, several spellings: transliterations ("Kyiv"/"Kiev", "Luhansk"/"Lugansk") and
//! typos ("Orenshik" for "Oreshnik") across a story's articles, so claims align through them
//! and the report can say which forms were merged.
//!
//! Two capitalised words are one name when a listed transliteration pair says so
//! ([`TRANSLITERATIONS`]), or when they are long, start alike, and one edit apart (two for a rare
//! form beside a frequent one: a typo is rarer than the word it misspells). A word and its
//! derived form ("Russia"/"Russian") are never merged: one is a prefix of the other.

use parallax_model::Alias;
use std::collections::HashMap;

/// Spellings of one place in the romanisations news prose uses (Ukrainian and Russian forms
/// and older English ones); the first is the form shown when the story uses it.
pub const TRANSLITERATIONS: &[&[&str]] = &[
    &["Kyiv", "Kiev"],
    &["Kharkiv", "Kharkov"],
    &["Luhansk", "Lugansk"],
    &["Zaporizhzhia", "Zaporozhye", "Zaporizhia", "Zaporozhzhia"],
    &["Chasiv", "Chasov"],
    &["Odesa", "Odessa"],
    &["Mykolaiv", "Nikolaev", "Nikolayev"],
    &["Dnipro", "Dnepr", "Dnieper"],
    &["Lviv", "Lvov"],
    &["Donbas", "Donbass"],
    &["Kherson", "Herson"],
    &["Sievierodonetsk", "Severodonetsk"],
    &["Avdiivka", "Avdeyevka", "Avdeevka"],
    &["Vuhledar", "Ugledar"],
    &["Kupiansk", "Kupyansk"],
    &["Pokrovsk", "Krasnoarmeysk"],
];

/// Shortest word the edit-distance rule compares: short names differ by one letter too often
/// ("Moore"/"Moose").
const MIN_LEN: usize = 6;

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), stopping early
/// above `max`.
fn distance(a: &[char], b: &[char], max: usize) -> usize {
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        let mut row_min = usize::MAX;
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return max + 1;
        }
    }
    d[n][m]
}

/// Capitalised words of the texts with how often each occurs.
fn names(texts: &[&str]) -> Vec<(String, usize)> {
    let mut count: HashMap<String, usize> = HashMap::new();
    for t in texts {
        for w in t.split(|c: char| !c.is_alphabetic()) {
            let mut cs = w.chars();
            if cs.next().is_some_and(char::is_uppercase) && cs.clone().next().is_some_and(char::is_lowercase) && cs.all(char::is_lowercase) {
                *count.entry(w.to_string()).or_default() += 1;
            }
        }
    }
    let mut v: Vec<(String, usize)> = count.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// The spelling variants a story's texts use for one name, most frequent form first.
pub fn story_aliases(texts: &[&str]) -> Vec<Alias> {
    let names = names(texts);
    let mut merged: Vec<Alias> = Vec::new();
    let mut taken: HashMap<&str, usize> = HashMap::new();
    // listed transliterations first
    for group in TRANSLITERATIONS {
        let present: Vec<&(String, usize)> = names.iter().filter(|(n, _)| group.contains(&n.as_str())).collect();
        if present.len() >= 2 {
            let forms: Vec<String> = present.iter().map(|(n, _)| n.clone()).collect();
            for f in &forms {
                taken.insert(group.iter().find(|g| *g == f).copied().unwrap_or(""), merged.len());
            }
            merged.push(Alias { name: forms[0].clone(), forms: forms[1..].to_vec() });
        }
    }
    // a typo is rare beside the word it misspells: only a form used at most twice is compared,
    // and only with forms used at least twice as often, of like length and first letter (two
    // forms both used often are two names, "Johnson"/"Johnston", unless the transliteration
    // table says otherwise)
    let chars: Vec<Vec<char>> = names.iter().map(|(n, _)| n.to_lowercase().chars().collect()).collect();
    let mut frequent: HashMap<char, Vec<usize>> = HashMap::new();
    for (i, (_, c)) in names.iter().enumerate() {
        if *c >= 2 && chars[i].len() >= MIN_LEN {
            frequent.entry(chars[i][0]).or_default().push(i);
        }
    }
    for (j, (b, cb)) in names.iter().enumerate() {
        let lb = &chars[j];
        if *cb > 2 || lb.len() < MIN_LEN || taken.contains_key(b.as_str()) {
            continue;
        }
        let Some(candidates) = frequent.get(&lb[0]) else { continue };
        for &i in candidates {
            let (a, ca) = (&names[i].0, names[i].1);
            let la = &chars[i];
            if ca < 2 * cb || la.len().abs_diff(lb.len()) > 2 || la.starts_with(lb) || lb.starts_with(la) {
                continue;
            }
            // a long word used often may be misspelt by two letters ("Oreshnik"/"Orenshik")
            let max = if ca >= 3 && la.len() >= 7 { 2 } else { 1 };
            if distance(la, lb, max) <= max {
                let k = match taken.get(a.as_str()) {
                    Some(&k) => k,
                    None => {
                        merged.push(Alias { name: a.clone(), forms: vec![] });
                        taken.insert(a.as_str(), merged.len() - 1);
                        merged.len() - 1
                    }
                };
                merged[k].forms.push(b.clone());
                taken.insert(b.as_str(), k);
                break;
            }
        }
    }
    merged.retain(|m| !m.forms.is_empty());
    merged
}

/// Lowercase variant -> lowercase canonical form, for folding claim terms.
pub fn fold_map(aliases: &[Alias]) -> HashMap<String, String> {
    aliases.iter().flat_map(|a| a.forms.iter().map(move |f| (f.to_lowercase(), a.name.to_lowercase()))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliterations_and_typos_merge_derived_forms_do_not() {
        let texts = [
            "The Oreshnik system entered service. The Oreshnik was tested. Officials in Kyiv said the Oreshnik is new.",
            "The first Orenshik was delivered, officials in Kiev said. Russia and Russian forces advanced near Lugansk.",
            "Forces advanced near Luhansk, the Russian ministry said.",
        ];
        let a = story_aliases(&texts);
        let find = |n: &str| a.iter().find(|x| x.name == n || x.forms.iter().any(|f| f == n));
        assert_eq!(find("Orenshik").map(|x| x.name.as_str()), Some("Oreshnik"), "{a:?}");
        assert!(find("Kiev").is_some_and(|x| x.name == "Kyiv" || x.forms.contains(&"Kyiv".to_string())), "{a:?}");
        assert!(find("Lugansk").is_some_and(|x| x.name == "Luhansk" || x.name == "Lugansk"), "{a:?}");
        assert!(find("Russian").is_none(), "{a:?}");
    }

    #[test]
    fn different_people_one_letter_apart_stay_apart_when_both_are_frequent() {
        let texts = ["Johnson said. Johnson added. Johnson left. Johnston said. Johnston added. Johnston left."];
        assert!(story_aliases(&texts).is_empty(), "both forms frequent: two people");
        let texts = ["Johnson said. Johnson added. Johnson left. Johnston said."];
        assert_eq!(story_aliases(&texts).len(), 1, "a rare form one edit from a frequent one reads as a typo");
    }
}
