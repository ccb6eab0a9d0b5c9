//! English stop words: function words that carry no topic. Reporting verbs ("said") are in the
//! list too, since every news sentence has one and they would make unrelated sentences look alike.

use rustc_hash::FxHashSet as HashSet;
use std::sync::OnceLock;

const ENGLISH: &str = "a about above after again against all also although am an and any are aren't as at be because been \
before being below between both but by can can't could couldn't did didn't do does doesn't doing don't down during each \
either else ever every few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's \
hers herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it it's its itself just let's \
may me might more most much must mustn't my myself neither no nor not now of off on once one only or other ought our \
ours ourselves out over own per quite rather same shall shan't she she'd she'll she's should shouldn't since so some \
still such than that that's the their theirs them themselves then there there's these they they'd they'll they're \
they've this those though through thus to too under until up upon us very via was wasn't we we'd we'll we're we've \
were weren't what what's when when's where where's whether which while who who's whom whose why why's will with \
within without won't would wouldn't yet you you'd you'll you're you've your yours yourself yourselves \
said say says saying told according added adding also mr mrs ms dr";

/// True for a lowercased English stop word.
pub fn is_stopword(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| ENGLISH.split_whitespace().collect()).contains(word)
}
