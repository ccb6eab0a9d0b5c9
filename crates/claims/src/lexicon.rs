//! The claim-comparison lexicon, as data: paraphrases news prose uses for one fact. Outlets
//! rarely repeat each other's words ("serial production" / "mass-produced", "died" / "were
//! killed"), and bag-of-words similarity only sees what this table folds together.
//!
//! Entries are generic news vocabulary, never story-specific.

/// Lowercased phrase rewrites applied before tokenising: (pattern, replacement).
pub const PHRASES: &[(&str, &str)] = &[
    (r"\bmass[- ]produc", "serial produc"),
    (r"\bstep(?:ped|s|ping)? down\b", "resigned"),
    (r"\b(?:pulled|plucked) (?:\w+ )?from the (?:water|sea|river|rubble)", "rescued"),
    (r"\blost (?:their|his|her) lives\b", "died"),
    (r"\bset fire to\b", "burned"),
    (r"\btook office\b", "inaugurated"),
];

/// Stem classes: every stem on the right is read as the one on the left.
pub const SYNONYMS: &[(&str, &[&str])] = &[
    ("begin", &["begun", "began", "start", "commenc", "initi"]),
    ("kill", &["dead", "die", "death", "fatal", "perish"]),
    ("injur", &["wound", "hurt"]),
    ("investig", &["inquiri", "inquir", "probe"]),
    ("rescu", &["surviv", "save"]),
    ("complet", &["finish"]),
    ("arrest", &["detain", "custodi"]),
    ("ceasefir", &["truce", "armistic"]),
    ("deploy", &["station"]),
    ("resign", &["quit"]),
    ("sink", &["sank", "sunk", "capsiz"]),
    ("elect", &["vote"]),
    ("protest", &["demonstr", "ralli"]),
];
