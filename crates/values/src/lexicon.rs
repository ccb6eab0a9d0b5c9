//! The words values are read with, as data: number words, qualifiers that make a number a bound
//! or an approximation, the classes counted nouns fold into, and what happened to what is
//! counted. Generic news vocabulary only, never one story's wording.

/// Cardinal number words.
pub const UNITS: &[(&str, f64)] = &[
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
];
pub const TENS: &[(&str, f64)] =
    &[("twenty", 20.0), ("thirty", 30.0), ("forty", 40.0), ("fifty", 50.0), ("sixty", 60.0), ("seventy", 70.0), ("eighty", 80.0), ("ninety", 90.0)];
/// Scale words after a number: "2 million", "two hundred".
pub const SCALES: &[(&str, f64)] = &[("hundred", 1e2), ("thousand", 1e3), ("million", 1e6), ("billion", 1e9), ("trillion", 1e12)];
/// Words that are a count on their own, with the interval they allow: "dozens" is at least 24.
pub const VAGUE_COUNTS: &[(&str, f64, f64)] = &[
    ("dozens", 24.0, 199.0),
    ("scores", 40.0, 199.0),
    ("hundreds", 200.0, 1999.0),
    ("thousands", 2000.0, 999_999.0),
    ("millions", 2e6, 999e6),
    ("billions", 2e9, 999e9),
];

/// How a qualifier before a number turns it into an interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// Strictly more than: "more than 10".
    Above,
    /// At least: "at least 10", "10 or more".
    AtLeast,
    /// Strictly fewer: "fewer than 10".
    Below,
    /// At most: "up to 10".
    AtMost,
    /// Close to, not above: "nearly 40".
    Nearly,
    /// Around: "about 40", "some 16".
    About,
}

/// Qualifiers, longest first so "more than" wins over "more".
pub const QUALIFIERS: &[(&str, Bound)] = &[
    ("more than", Bound::Above),
    ("greater than", Bound::Above),
    ("upwards of", Bound::Above),
    ("in excess of", Bound::Above),
    ("over", Bound::Above),
    ("at least", Bound::AtLeast),
    ("no fewer than", Bound::AtLeast),
    ("no less than", Bound::AtLeast),
    ("fewer than", Bound::Below),
    ("less than", Bound::Below),
    ("under", Bound::Below),
    ("up to", Bound::AtMost),
    ("as many as", Bound::AtMost),
    ("at most", Bound::AtMost),
    ("no more than", Bound::AtMost),
    ("nearly", Bound::Nearly),
    ("almost", Bound::Nearly),
    ("close to", Bound::Nearly),
    ("just under", Bound::Nearly),
    ("about", Bound::About),
    ("around", Bound::About),
    ("some", Bound::About),
    ("roughly", Bound::About),
    ("approximately", Bound::About),
    ("an estimated", Bound::About),
    ("estimated", Bound::About),
    ("nearly", Bound::Nearly),
];

/// Counted nouns that name the same thing in news prose, folded to the first word: two outlets
/// counting "passengers" and "people" of one ferry count the same people. Kept narrow: a subset
/// ("children", "civilians") is not folded into the whole, since 12 people and 3 children can
/// both be true.
pub const NOUN_CLASSES: &[(&str, &[&str])] = &[
    ("people", &["people", "persons", "person", "individuals", "passengers", "victims"]),
    ("troops", &["troops", "soldiers", "servicemen", "servicemembers"]),
    ("bills", &["bills", "measures", "bill", "measure", "laws", "resolutions"]),
    ("percent", &["percent", "per cent", "%", "percentage points"]),
    ("dollars", &["dollars", "$"]),
    ("euros", &["euros", "€"]),
    ("pounds", &["pounds", "£"]),
    ("days", &["days", "day"]),
    ("years", &["years", "year"]),
    ("months", &["months", "month"]),
    ("weeks", &["weeks", "week"]),
    ("hours", &["hours", "hour"]),
];

/// What happened to what is counted ("12 killed", "87 rescued"), folded to the first word. Read
/// in the words next to the number: two counts conflict only when they count the same thing
/// happening.
pub const ROLES: &[(&str, &[&str])] = &[
    ("killed", &["killed", "dead", "died", "die", "dying", "drowned", "perished", "deaths", "death", "fatalities", "lives", "bodies"]),
    ("injured", &["injured", "wounded", "hurt", "injuries", "hospitalized", "hospitalised"]),
    ("rescued", &["rescued", "rescue", "rescuers", "saved", "safety", "survived", "survivors", "evacuated"]),
    ("missing", &["missing", "unaccounted"]),
    ("arrested", &["arrested", "detained", "arrests", "detentions", "custody"]),
    ("displaced", &["displaced", "fled", "homeless"]),
    ("voted", &["voted", "votes", "vote", "ballots"]),
];

/// Words right before a number that make it a part of a count stated elsewhere ("Of that, $3
/// billion", "including 40 children"): compared with nothing.
pub const PART_OF: &[&str] = &["of that", "of those", "of them", "of which", "of whom", "of these", "including", "among them"];

/// Words between a number and its noun that say nothing about what is counted.
pub const FILLER: &[&str] = &["of", "the", "other", "more", "new", "additional", "further", "whom", "them", "those", "these", "their", "its"];

/// Words before a sentence's weekday or date that put it ahead of the publication date.
pub const FUTURE_MARKERS: &[&str] = &["will", "next", "upcoming", "scheduled", "expected", "plans", "planned", "set to", "due"];
