//! Near-duplicate detection: syndicated wire copies, aggregator reposts, lightly edited
//! re-publications. Word 5-gram shingles and 126 one-permutation MinHash values in 42 bands of 3:
//! loose enough that an excerpt holding 40 % of a story still meets its source in some band
//! (94 % of the time at Jaccard 0.4, 4 % at 0.1). Every candidate is confirmed by Jaccard or
//! containment, both estimated from the signatures and the shingle counts (an excerpt of a wire
//! story is contained in it without being similar to it by Jaccard).

use rustc_hash::FxHashMap as HashMap;

/// Tuning knobs, with the defaults the benchmarks were run with.
#[derive(Debug, Clone)]
pub struct DedupConfig {
    pub shingle_words: usize,
    pub bands: usize,
    pub rows: usize,
    /// Confirmed when Jaccard of the shingle sets reaches this...
    pub min_jaccard: f64,
    /// ...or when this share of the smaller text's shingles is in the larger one.
    pub min_containment: f64,
    /// Texts with fewer shingles are never called duplicates: too little evidence.
    pub min_shingles: usize,
    /// Texts held in the index: a copy is matched against this many of the latest texts (wire
    /// copies and reposts follow their origin within days). Bounds memory, about 1.7 kB a text.
    pub capacity: usize,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig { shingle_words: 5, bands: 42, rows: 3, min_jaccard: 0.5, min_containment: 0.8, min_shingles: 12, capacity: 100_000 }
    }
}

/// What dedup keeps of a text: its one-permutation MinHash signature and how many distinct
/// shingles it has. That is all the index holds and all the store keeps (508 bytes an article):
/// Jaccard is estimated from the signature and containment from Jaccard and the two sizes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub minhash: Vec<u32>,
    pub shingle_count: u32,
}

impl Fingerprint {
    /// Little-endian bytes: the shingle count, then the signature.
    pub fn to_bytes(&self) -> Vec<u8> {
        std::iter::once(self.shingle_count).chain(self.minhash.iter().copied()).flat_map(u32::to_le_bytes).collect()
    }

    /// Reads [`Fingerprint::to_bytes`]; `None` for bytes of another layout.
    pub fn from_bytes(bytes: &[u8], config: &DedupConfig) -> Option<Fingerprint> {
        let words: Vec<u32> = bytes.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes"))).collect();
        let (&count, sig) = words.split_first()?;
        (sig.len() == config.bands * config.rows).then(|| Fingerprint { minhash: sig.to_vec(), shingle_count: count })
    }
}

pub use parallax_text::mix;

pub fn fingerprint(text: &str, config: &DedupConfig) -> Fingerprint {
    // word hashes first, shingles as combinations of them: no string per word or shingle
    let mut word_hashes: Vec<u64> = Vec::new();
    parallax_text::push_word_hashes(text, &mut word_hashes);
    fingerprint_words(&word_hashes, config)
}

/// [`fingerprint`] of a text given as the [`parallax_text::word_hash`] of each of its words, in
/// order (what extraction hands over).
pub fn fingerprint_words(word_hashes: &[u64], config: &DedupConfig) -> Fingerprint {
    let n = config.shingle_words.max(1);
    let mut signature = Signature::new(config.bands * config.rows);
    if word_hashes.len() < n {
        if !word_hashes.is_empty() {
            signature.add(shingle_hash(word_hashes));
        }
    } else {
        let mut seen = ShingleSet::with_capacity(word_hashes.len() + 1 - n);
        for w in word_hashes.windows(n) {
            let shingle = shingle_hash(w);
            if seen.insert(shingle) {
                signature.add(shingle);
            }
        }
    }
    signature.finish()
}

/// One shingle: its words' hashes combined in order (stable: stored sketches are made of them).
fn shingle_hash(word_hashes: &[u64]) -> u64 {
    word_hashes.iter().fold(0x9e3779b97f4a7c15u64, |h, &w| mix(h ^ w))
}

/// The distinct shingles of one text, counted without sorting them (a sort was a tenth of
/// ingest): open addressing over a table at most half full.
struct ShingleSet {
    slots: Vec<u64>,
    /// Whether the shingle 0, which marks an empty slot, was seen.
    zero: bool,
}

impl ShingleSet {
    fn with_capacity(n: usize) -> Self {
        ShingleSet { slots: vec![0; (2 * n).next_power_of_two().max(16)], zero: false }
    }

    /// `true` when `shingle` is new.
    fn insert(&mut self, shingle: u64) -> bool {
        if shingle == 0 {
            return !std::mem::replace(&mut self.zero, true);
        }
        let mask = self.slots.len() - 1;
        // shingles are mixed hashes already: their low bits are uniform
        let mut at = shingle as usize & mask;
        loop {
            match self.slots[at] {
                0 => {
                    self.slots[at] = shingle;
                    return true;
                }
                s if s == shingle => return false,
                _ => at = (at + 1) & mask,
            }
        }
    }
}

/// One-permutation MinHash: each shingle hash lands in one of `k` bins and each bin keeps its
/// minimum, so the cost is one pass over the shingles instead of `k`. Empty bins borrow from the
/// next non-empty bin (rotation densification), which keeps collision probability close to
/// Jaccard for short texts.
struct Signature {
    bins: Vec<u32>,
    shingles: u32,
}

impl Signature {
    fn new(k: usize) -> Self {
        Signature { bins: vec![u32::MAX; k.max(1)], shingles: 0 }
    }

    /// Adds one distinct shingle.
    fn add(&mut self, shingle: u64) {
        let k = self.bins.len();
        let h = mix(shingle);
        let bin = ((h >> 32) as usize * k) >> 32;
        self.bins[bin] = self.bins[bin].min(h as u32);
        self.shingles += 1;
    }

    fn finish(self) -> Fingerprint {
        let Signature { bins, shingles } = self;
        let k = bins.len();
        let filled: Vec<usize> = (0..k).filter(|&i| bins[i] != u32::MAX).collect();
        if filled.is_empty() {
            return Fingerprint { minhash: bins, shingle_count: shingles };
        }
        let minhash = (0..k)
            .map(|i| {
                if bins[i] != u32::MAX {
                    return bins[i];
                }
                // next filled bin to the right, wrapping; the offset makes borrowed values differ
                let j = filled.iter().copied().find(|&j| j > i).unwrap_or(filled[0]);
                let distance = (j + k - i) % k;
                bins[j] ^ (mix(distance as u64) as u32)
            })
            .collect();
        Fingerprint { minhash, shingle_count: shingles }
    }
}

/// How alike two texts are, estimated from their fingerprints.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overlap {
    pub jaccard: f64,
    /// Share of the smaller text's shingles found in the larger one.
    pub containment: f64,
}

pub fn overlap(a: &Fingerprint, b: &Fingerprint) -> Overlap {
    let k = a.minhash.len().min(b.minhash.len()).max(1);
    let equal = a.minhash.iter().zip(&b.minhash).filter(|(x, y)| x == y).count();
    let jaccard = equal as f64 / k as f64;
    // |A and B| = J (|A| + |B|) / (1 + J)
    let (ca, cb) = (a.shingle_count as f64, b.shingle_count as f64);
    let inter = jaccard * (ca + cb) / (1.0 + jaccard);
    let containment = (inter / ca.min(cb).max(1.0)).min(1.0);
    Overlap { jaccard, containment }
}

/// Opens a [`DupIndex::save_state`] blob; the version changes with its layout.
const STATE_TAG: &[u8] = b"parallax.dedup/1";

/// Entries met per band key in a lookup, newest first.
const MAX_CHAIN: usize = 64;

/// An LSH index over the latest [`DedupConfig::capacity`] fingerprints, keyed by the caller's
/// ids. Entries live in a ring; each band key points at its newest entry and every entry at the
/// previous one with the same key, so a lookup walks short chains and stops at the first entry
/// the ring has overwritten.
#[derive(Debug, Default)]
pub struct DupIndex {
    config: DedupConfig,
    /// Band key -> serial of the newest entry with that key.
    heads: HashMap<u64, u64>,
    ring: Vec<Entry>,
    next_serial: u64,
}

#[derive(Debug)]
struct Entry {
    serial: u64,
    id: String,
    fp: Fingerprint,
    /// Per band: serial of the previous entry with the same band key (`u64::MAX`: none).
    previous: Box<[u64]>,
}

impl DupIndex {
    pub fn new(config: DedupConfig) -> Self {
        DupIndex { config, ..Default::default() }
    }

    pub fn config(&self) -> &DedupConfig {
        &self.config
    }

    /// Texts currently matched against.
    pub fn len(&self) -> usize {
        (self.next_serial as usize).min(self.capacity())
    }

    pub fn is_empty(&self) -> bool {
        self.next_serial == 0
    }

    fn capacity(&self) -> usize {
        self.config.capacity.max(1)
    }

    fn entry(&self, serial: u64) -> Option<&Entry> {
        let e = self.ring.get((serial % self.capacity() as u64) as usize)?;
        (e.serial == serial).then_some(e)
    }

    pub fn insert(&mut self, id: String, fp: Fingerprint) {
        let serial = self.next_serial;
        self.next_serial += 1;
        let keys = self.band_keys(&fp);
        let previous: Box<[u64]> = keys.iter().map(|k| self.heads.insert(*k, serial).unwrap_or(u64::MAX)).collect();
        let entry = Entry { serial, id, fp, previous };
        let slot = (serial % self.capacity() as u64) as usize;
        if slot == self.ring.len() {
            self.ring.push(entry);
        } else {
            self.ring[slot] = entry;
        }
        // once per turn of the ring, band keys whose newest entry was overwritten go
        if slot == 0 && serial > 0 {
            let oldest = serial + 1 - self.capacity() as u64;
            self.heads.retain(|_, newest| *newest >= oldest);
        }
    }

    /// Writes the texts held, oldest first, so a later run can start from them instead of
    /// re-reading stored articles (see [`DupIndex::load_state`]).
    pub fn save_state(&self, e: &mut parallax_codec::Encoder) {
        e.bytes(STATE_TAG);
        let oldest = self.next_serial.saturating_sub(self.capacity() as u64);
        let held: Vec<&Entry> = (oldest..self.next_serial).filter_map(|serial| self.entry(serial)).collect();
        e.len(held.len());
        for entry in held {
            e.str(&entry.id).u32(entry.fp.shingle_count).u32s(&entry.fp.minhash);
        }
    }

    /// An index with `config` holding the texts of a [`DupIndex::save_state`] blob (the latest
    /// of them, if the capacity is now smaller); `None` when the bytes are not such a state or
    /// were sketched with another signature length.
    pub fn load_state(config: DedupConfig, d: &mut parallax_codec::Decoder) -> Option<DupIndex> {
        d.expect(STATE_TAG)?;
        let mut index = DupIndex::new(config);
        let k = index.config.bands * index.config.rows;
        let n = d.len(13)?;
        // each text adds a key per band: sized once rather than grown by rehashing
        index.heads.reserve(n.min(index.capacity()) * index.config.bands);
        for _ in 0..n {
            let id = d.str()?.to_string();
            let shingle_count = d.u32()?;
            let minhash = d.u32s()?;
            if minhash.len() != k {
                return None;
            }
            // inserted again in order: the band chains are rebuilt rather than stored
            index.insert(id, Fingerprint { minhash, shingle_count });
        }
        Some(index)
    }

    fn band_keys(&self, fp: &Fingerprint) -> Vec<u64> {
        if fp.shingle_count == 0 {
            return vec![];
        }
        fp.minhash.chunks(self.config.rows).enumerate().map(|(b, rows)| rows.iter().fold(mix(b as u64 + 1), |h, &r| mix(h ^ r as u64))).collect()
    }

    /// Ids of indexed texts that `fp` duplicates, confirmed on shingles, best first.
    pub fn matches(&self, fp: &Fingerprint) -> Vec<(String, Overlap)> {
        if (fp.shingle_count as usize) < self.config.min_shingles {
            return vec![];
        }
        let mut seen: Vec<u64> = Vec::new();
        for (band, key) in self.band_keys(fp).into_iter().enumerate() {
            let mut serial = self.heads.get(&key).copied().unwrap_or(u64::MAX);
            // A band shared by many texts (an outlet's boilerplate winning a bin) would make the
            // walk as long as the index: only the latest few with a key are met. A copy still
            // meets its origin in its other bands.
            let mut walked = 0;
            while let Some(e) = self.entry(serial).filter(|_| walked < MAX_CHAIN) {
                seen.push(serial);
                walked += 1;
                serial = e.previous.get(band).copied().unwrap_or(u64::MAX);
            }
        }
        seen.sort_unstable();
        seen.dedup();
        let mut out: Vec<(String, Overlap)> = seen
            .into_iter()
            .filter_map(|serial| {
                let e = self.entry(serial)?;
                if (e.fp.shingle_count as usize) < self.config.min_shingles {
                    return None;
                }
                let o = overlap(fp, &e.fp);
                (o.jaccard >= self.config.min_jaccard || o.containment >= self.config.min_containment).then(|| (e.id.clone(), o))
            })
            .collect();
        out.sort_by(|a, b| b.1.jaccard.total_cmp(&a.1.jaccard));
        out
    }
}

#[cfg(test)]
mod tests {
    /// The sketch as first written (sorted distinct shingles, then one MinHash pass): stored
    /// sketches were made this way, so a new one must equal it.
    fn sketched_by_sorting(word_hashes: &[u64], config: &DedupConfig) -> Fingerprint {
        let n = config.shingle_words;
        let mut shingles: Vec<u64> = if word_hashes.len() < n { vec![shingle_hash(word_hashes)] } else { word_hashes.windows(n).map(shingle_hash).collect() };
        shingles.sort_unstable();
        shingles.dedup();
        let mut signature = Signature::new(config.bands * config.rows);
        shingles.iter().for_each(|&s| signature.add(s));
        signature.finish()
    }

    #[test]
    fn sketches_equal_the_sorted_construction() {
        let config = DedupConfig::default();
        let mut state = 7u64;
        for len in [1, 4, 5, 6, 40, 300, 2000] {
            // few distinct words, so shingles repeat
            let words: Vec<u64> = (0..len)
                .map(|_| {
                    state = mix(state);
                    parallax_text::word_hash(["the", "ferry", "stopped", "in", "port", "vell"][(state % 6) as usize])
                })
                .collect();
            let fp = fingerprint_words(&words, &config);
            assert_eq!(fp, sketched_by_sorting(&words, &config), "{len} words");
            assert!(fp.shingle_count as usize <= len);
        }
    }

    use super::*;

    const WIRE: &str = "The harbor bridge in Port Vell reopened on Monday after two weeks of repairs, the city council said. \
Traffic was light in the morning, and officials said buses would return to the route on Wednesday. \
Engineers will inspect the eastern span again in the spring, according to the council's schedule. \
The repairs cost about 2 million euros and were paid from the city's maintenance fund, a spokesman said. \
Residents had complained about long detours through the old town while the bridge was closed.";

    fn idx(texts: &[(&str, &str)]) -> DupIndex {
        let mut i = DupIndex::new(DedupConfig::default());
        for (id, t) in texts {
            i.insert(id.to_string(), fingerprint(t, i.config()));
        }
        i
    }

    #[test]
    fn edited_repost_is_found() {
        let index = idx(&[("wire", WIRE)]);
        let repost = format!("PORT VELL (Wire) - {} Read more on our app.", WIRE.replace("about 2 million", "roughly 2 million"));
        let m = index.matches(&fingerprint(&repost, index.config()));
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].0, "wire");
    }

    #[test]
    fn excerpt_is_contained() {
        let index = idx(&[("wire", WIRE)]);
        let excerpt: String = WIRE.split(". ").take(3).collect::<Vec<_>>().join(". ");
        let m = index.matches(&fingerprint(&excerpt, index.config()));
        assert_eq!(m.len(), 1, "containment should confirm an excerpt");
        assert!(m[0].1.containment > 0.95);
    }

    #[test]
    fn same_topic_different_event_is_not_a_duplicate() {
        let index = idx(&[("wire", WIRE)]);
        let other = "The harbor bridge in Port Vell will close on Friday for three weeks of repairs, the city council said. \
Buses will take a detour through the old town, and officials asked drivers to avoid the area at rush hour. \
The council said the work on the western span had been planned since last year and would cost 3 million euros.";
        assert!(index.matches(&fingerprint(other, index.config())).is_empty());
    }

    #[test]
    fn fingerprints_round_trip_through_bytes() {
        let c = DedupConfig::default();
        let fp = fingerprint(WIRE, &c);
        assert_eq!(fp.to_bytes().len(), 4 * (1 + c.bands * c.rows));
        assert_eq!(Fingerprint::from_bytes(&fp.to_bytes(), &c), Some(fp));
        assert_eq!(Fingerprint::from_bytes(&[1, 2, 3, 4], &c), None);
    }

    #[test]
    fn estimates_track_exact_overlap() {
        let c = DedupConfig::default();
        let a = fingerprint(WIRE, &c);
        assert_eq!(overlap(&a, &a).jaccard, 1.0);
        let half: String = WIRE.split(". ").take(3).collect::<Vec<_>>().join(". ");
        let o = overlap(&a, &fingerprint(&half, &c));
        assert!(o.containment > 0.8, "{o:?}");
    }

    #[test]
    fn tiny_texts_never_match() {
        let index = idx(&[("a", "Short text here.")]);
        assert!(index.matches(&fingerprint("Short text here.", index.config())).is_empty());
    }

    #[test]
    fn the_index_holds_the_latest_texts_only() {
        let mut index = DupIndex::new(DedupConfig { capacity: 3, ..DedupConfig::default() });
        index.insert("wire".into(), fingerprint(WIRE, index.config()));
        let repost = format!("{WIRE} Read more on our app.");
        assert_eq!(index.matches(&fingerprint(&repost, index.config())).len(), 1);
        for i in 0..3 {
            let other = format!("Story number {i} is about something else entirely: the council met on Tuesday to discuss the budget for the coming year and parking fees in the old town of Dunmore.");
            index.insert(format!("other{i}"), fingerprint(&other, index.config()));
        }
        assert_eq!(index.len(), 3);
        assert!(index.matches(&fingerprint(&repost, index.config())).is_empty(), "the wire text left the ring");
        let latest = "Story number 2 is about something else entirely: the council met on Tuesday to discuss the budget for the coming year and parking fees in the old town of Dunmore.";
        assert_eq!(index.matches(&fingerprint(latest, index.config()))[0].0, "other2");
    }

    #[test]
    fn a_saved_index_matches_what_it_matched() {
        let config = DedupConfig { capacity: 3, ..DedupConfig::default() };
        let mut index = DupIndex::new(config.clone());
        let texts: Vec<String> = (0..5)
            .map(|i| {
                format!(
                    "Report {i}: the council of Dunmore met on Tuesday to discuss the budget for the coming year, item {i}, and parking fees in the old town."
                )
            })
            .collect();
        for (i, t) in texts.iter().enumerate() {
            index.insert(format!("t{i}"), fingerprint(t, &config));
        }
        index.insert("wire".into(), fingerprint(WIRE, &config));
        let save = |index: &DupIndex| {
            let mut e = parallax_codec::Encoder::new();
            index.save_state(&mut e);
            e.finish()
        };
        let load = |config: DedupConfig, bytes: &[u8]| {
            let mut d = parallax_codec::Decoder::new(bytes);
            DupIndex::load_state(config, &mut d).filter(|_| d.is_done())
        };
        let saved = save(&index);
        let loaded = load(config.clone(), &saved).expect("a saved index loads");
        assert_eq!(loaded.len(), 3);
        assert_eq!(save(&loaded), saved);
        let repost = fingerprint(&format!("{WIRE} Read more on our app."), &config);
        assert_eq!(loaded.matches(&repost), index.matches(&repost));
        assert_eq!(loaded.matches(&repost)[0].0, "wire");
        for probe in &texts {
            assert_eq!(loaded.matches(&fingerprint(probe, &config)), index.matches(&fingerprint(probe, &config)));
        }
        // a smaller capacity keeps the latest; another signature length is refused
        let small = load(DedupConfig { capacity: 1, ..config.clone() }, &saved).unwrap();
        assert_eq!(small.len(), 1);
        assert!(load(DedupConfig { bands: 10, ..config.clone() }, &saved).is_none());
        assert!(load(config, &saved[..saved.len() - 3]).is_none());
    }
}
