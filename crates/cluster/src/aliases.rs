//! Names that outlets spell differently for the same place or person: transliterations
//! (Kyiv/Kiev), older and newer official names, common short forms. Terms are mapped to one
//! spelling before similarity, so two reports of one event are not kept apart by spelling. This is
//! also where cross-lingual aliases (Київ, Киев) will go. Data, not code: add a row to extend it.

use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

/// (variant, canonical), both as plain lowercase words.
const ALIASES: &[(&str, &str)] = &[
    ("kiev", "kyiv"),
    ("kharkov", "kharkiv"),
    ("odessa", "odesa"),
    ("lvov", "lviv"),
    ("zaporozhye", "zaporizhzhia"),
    ("zaporizhia", "zaporizhzhia"),
    ("zaporozhe", "zaporizhzhia"),
    ("nikolaev", "mykolaiv"),
    ("nikolayev", "mykolaiv"),
    ("artemovsk", "bakhmut"),
    ("artyomovsk", "bakhmut"),
    ("lugansk", "luhansk"),
    ("chernigov", "chernihiv"),
    ("dnepr", "dnipro"),
    ("dnipropetrovsk", "dnipro"),
    ("chasov", "chasiv"),
    ("zelensky", "zelenskyy"),
    ("zelenskiy", "zelenskyy"),
    ("zelenskii", "zelenskyy"),
    ("shoigu", "shoygu"),
    ("peking", "beijing"),
    ("bombay", "mumbai"),
    ("burma", "myanmar"),
    ("gadhafi", "gaddafi"),
    ("qaddafi", "gaddafi"),
];

/// The aliases as their stems (terms are stemmed before they are compared).
fn stemmed() -> &'static HashMap<String, String> {
    static MAP: OnceLock<HashMap<String, String>> = OnceLock::new();
    MAP.get_or_init(|| ALIASES.iter().map(|(v, c)| (parallax_text::stem(v), parallax_text::stem(c))).collect())
}

/// The canonical spelling of a stemmed term, or the term itself.
pub fn canonical(term: &str) -> &str {
    stemmed().get(term).map_or(term, String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_map_to_one_spelling() {
        assert_eq!(canonical(&parallax_text::stem("kiev")), parallax_text::stem("kyiv"));
        assert_eq!(canonical(&parallax_text::stem("zaporozhye")), canonical(&parallax_text::stem("zaporizhia")));
        assert_eq!(canonical("bridg"), "bridg");
    }
}
