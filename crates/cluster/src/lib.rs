//! Online story clustering: each article, as it arrives, joins the most similar recent story or
//! starts a new one. Nothing is reclustered.
//!
//! An article is a TF-IDF vector of its title (weighted up), its lead, and its named entities
//! (capitalised names, weighted up: stories are about who and where). A story is the running sum of
//! its members' vectors, trimmed to its strongest terms. Candidates come from an inverted index
//! over those terms and a time window, so assignment cost follows the number of stories that
//! share words with the article, not the number of stories stored.

// Fx hashing: the keys are our own terms, not attacker-chosen, and SipHash was a tenth of the
// ingest profile.
use rustc_hash::FxHashMap as HashMap;

mod aliases;
mod storyline;
mod terms;

pub use storyline::{Storyline, StorylineBuilder, StorylineConfig};
pub use terms::{entities, TermCounts};

#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// Cosine similarity an article needs with a story to join it.
    pub threshold: f32,
    /// Stories whose dates are further than this from the article's are not candidates. `None`
    /// ignores time; articles without a date are never excluded by it.
    pub window_days: Option<f64>,
    pub title_weight: f32,
    pub entity_weight: f32,
    /// Only the first words of the body count: the lede says what the story is.
    pub lead_words: usize,
    /// Terms kept per story centroid.
    pub centroid_terms: usize,
    /// Pseudo-documents added to the document count so IDF stays sane in a small store.
    pub idf_prior_docs: f32,
    /// Stories are looked up through this many of the article's strongest terms.
    pub candidate_terms: usize,
    /// Stories kept in memory as candidates; beyond it the least recently joined one is
    /// forgotten (it stays in the store). Bounds memory and keeps the cost of an assignment
    /// independent of how many stories the store holds.
    pub live_stories: usize,
    /// With a time window, a story last joined this many days before the window of the newest
    /// article seen is forgotten too: on a dated stream the candidates are the recent stories,
    /// whatever the capacity. The margin lets articles arrive somewhat out of order.
    pub forget_after_days: f64,
    /// With sentence embeddings (the optional model path), the share of the similarity that
    /// comes from them; the rest is the TF-IDF cosine. Tuned with `embedding_floor` on the
    /// first half of AllSides and BASIL events (all-MiniLM-L6-v2).
    pub embedding_weight: f32,
    /// Embedding cosines at or below this count as no similarity: unrelated news ledes still
    /// score around 0.2 to 0.3, so the scale starts above that.
    pub embedding_floor: f32,
    /// A story with members needs a newcomer to come this close to how similar its members
    /// were when they joined (times their mean joining similarity), when that is above
    /// `threshold`: a tight story about one event is not joined by a report that only shares
    /// its topic (another hearing on the same scandal, the same politician's next move). 0 turns
    /// it off. Tuned with `threshold` on the first half (by date) of AllSides and BASIL events.
    pub cohesion: f32,
    /// The members' mean joining similarity counts this many joins more, at `threshold`: a
    /// story of two reports has shown how close its members are through one pair only (two
    /// wire rewrites of one dispatch come out far closer than a third outlet's own take on the
    /// same event), so its bar starts near the threshold and rises as members join. Chosen
    /// with `cohesion` on the first half (by date) of AllSides and BASIL events: three-outlet
    /// events run alone and kept whole 161 -> 169 of 184, BASIL 0.964 -> 0.982, AllSides 0.931
    /// kept.
    pub cohesion_prior: f32,
    /// A story that already has an article from the newcomer's outlet needs this many times
    /// the similarity: an outlet reports an event once, and its second article on the same
    /// topic in the same days is usually the next event (the follow-up hearing, the next
    /// strike), while a true update of its own report shares most of its words anyway. 1 turns
    /// it off. Chosen on the first half (by date) of AllSides and BASIL events.
    pub same_outlet: f32,
    /// Days past the time window in which a story may still be joined, by a newcomer that
    /// comes closer the further past it is (see `late_factor`): reports of one event spread
    /// over two or three days (a weekend, a paper's next edition), while the next event a day
    /// later is usually less alike. Only while the matter is quiet: a newcomer that also
    /// resembles a story inside its window (at `threshold`) does not join a story past it.
    /// 0 keeps the window hard. Chosen with `late_factor` on the first half (by date) of
    /// AllSides and BASIL events: flat from 1.2 to 1.4 and for 1 or 2 days.
    pub late_days: f64,
    /// Past the window, the similarity needed grows by this share per day past it.
    pub late_factor: f32,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            threshold: 0.16,
            window_days: Some(1.0),
            title_weight: 2.0,
            entity_weight: 1.5,
            lead_words: 250,
            centroid_terms: 150,
            idf_prior_docs: 100.0,
            candidate_terms: 12,
            live_stories: 100_000,
            forget_after_days: 7.0,
            embedding_weight: 0.7,
            embedding_floor: 0.45,
            cohesion: 0.8,
            cohesion_prior: 1.0,
            same_outlet: 2.0,
            late_days: 1.0,
            late_factor: 1.3,
        }
    }
}

/// Outlets are kept as hashes: a stream without outlet names falls back to one name per input,
/// and a story should not hold a million strings. A stable hash, because stories are saved
/// with them (see [`Clusterer::save_state`]).
fn outlet_key(outlet: &str) -> u64 {
    parallax_text::term_key(&outlet.trim().to_lowercase())
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
    dot / (norm(a) * norm(b)).max(1e-9)
}

/// The weight of a term counted `count` times in an article, found in `df` of `total` documents
/// (the stored count plus the prior): sublinear in the count, so a word repeated is not a word
/// shared; the clusterer and the storylines weigh terms alike.
fn tf_idf(count: f32, df: u32, total: f32) -> f32 {
    (1.0 + count.ln().max(0.0)) * (total / (df as f32 + 1.0)).ln().max(0.0)
}

/// Days since 1970-01-01 of an ISO date or timestamp (`YYYY-MM-DD...`); time of day is
/// ignored.
pub fn day_number(iso: &str) -> Option<f64> {
    let (y, m, d) = parallax_text::calendar::parse_iso_date(iso)?;
    Some(parallax_text::calendar::days_from_civil(y, m, d) as f64)
}

#[derive(Debug)]
struct StoryState {
    id: String,
    /// Serial number of the story that holds this slot; postings carry it, so a posting left
    /// by a forgotten story is recognised when its slot is reused.
    serial: u32,
    /// (term id, summed weight), sorted by term id: scanned whole for every candidate, so kept
    /// contiguous.
    centroid: Vec<(u32, f32)>,
    /// Euclidean norm of `centroid`, kept up to date by `add_to`.
    norm: f32,
    first_day: Option<f64>,
    last_day: Option<f64>,
    size: usize,
    /// Terms this story has a posting for: a term trimmed from the centroid and added again
    /// must not be posted twice (a long-running story would pile up copies). Sorted: merged
    /// with an article's new terms in one pass, and rebuilt on load without hashing.
    posted: Vec<u32>,
    /// Sum of the members' sentence embeddings (empty without a model).
    embedding: Vec<f32>,
    /// Sum of the similarities with which members joined.
    joined_sim: f32,
    /// Hashes of the members' outlets, sorted (see `ClusterConfig::same_outlet`).
    outlets: Vec<u64>,
    /// When an article last joined (the clusterer's article counter), for forgetting.
    touched: u64,
}

/// Candidates taken through one term: its newest live postings within the time window. Scoring
/// candidates is most of the cost of placing an article. On the first half of AllSides and BASIL
/// events pooled without dates (so that common terms are in many stories), 4, 8, 16 and 64 give
/// about the same B-cubed (F 0.849, 0.848, 0.848, 0.848): the story an article belongs to is
/// among the newest for one of its strongest terms. 8 rather than 4, which splits more stories
/// of a dense synthetic stream.
const POSTINGS_PER_TERM: usize = 8;

/// Whether a story's dates are within `window` days of an article's day (always, when either
/// has no date or there is no window).
fn story_in_window(window: Option<f64>, s: &StoryState, day: Option<f64>) -> bool {
    match (window, day, s.first_day, s.last_day) {
        (Some(w), Some(d), Some(first), Some(last)) => d >= first - w && d <= last + w,
        _ => true,
    }
}

/// Days between an article's date and a story's time window (0 inside it, or without dates).
fn days_past_window(window: Option<f64>, s: &StoryState, day: Option<f64>) -> f64 {
    match (window, day, s.first_day, s.last_day) {
        (Some(w), Some(d), Some(first), Some(last)) => (first - w - d).max(d - last - w).max(0.0),
        _ => 0.0,
    }
}

/// Opens a document-frequency snapshot keyed by [`parallax_text::term_key`]; the older format,
/// keyed by term strings, began with the document count, and these bytes read as one would be
/// 1.7 billion documents.
const DF_MAGIC: &[u8] = b"pxdf\x02\0\0\0";

/// Opens a [`Clusterer::save_state`] blob; the version changes with its layout.
const STATE_TAG: &[u8] = b"parallax.cluster/2";

/// Articles between sweeps for stories past the time horizon.
const SWEEP_EVERY: u64 = 4096;

/// A posting: a story slot and the serial of the story it was made for.
type Posting = (u32, u32);

/// The clustering state: document frequencies, live story centroids and their term index.
/// Terms are interned to ids once, so centroids and postings hold integers, not strings.
#[derive(Debug)]
pub struct Clusterer {
    config: ClusterConfig,
    /// Term key -> term id.
    vocab: HashMap<u64, u32>,
    /// Document frequency by term id.
    df: Vec<u32>,
    docs: u32,
    /// Story slots; `None` is a slot freed by a forgotten story.
    stories: Vec<Option<StoryState>>,
    free: Vec<usize>,
    live: usize,
    next_serial: u32,
    by_id: HashMap<String, usize>,
    /// Term id -> stories whose centroid has (or had) the term.
    index: Vec<Vec<Posting>>,
    /// Articles seen, the clock of `touched`.
    clock: u64,
    /// (touched, slot) in touch order; entries whose story was touched again since are stale.
    recency: std::collections::VecDeque<(u64, usize)>,
    /// Latest publication day seen.
    newest_day: Option<f64>,
    /// The article being placed, as a dense weight per term id (zero elsewhere), so scoring a
    /// candidate is one pass over its centroid with array reads.
    scratch: Vec<f32>,
}

/// What the clusterer sees of an article.
#[derive(Debug, Clone, Copy)]
pub struct Features<'a> {
    pub counts: &'a TermCounts,
    /// Sentence embedding of the lede (the optional model path).
    pub embedding: Option<&'a [f32]>,
    /// Publication day (see [`day_number`]).
    pub day: Option<f64>,
    /// The outlet the article counts as (see `ClusterConfig::same_outlet`).
    pub outlet: Option<&'a str>,
}

impl<'a> Features<'a> {
    pub fn new(counts: &'a TermCounts) -> Self {
        Features { counts, embedding: None, day: None, outlet: None }
    }
}

/// Where an article went.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub story: String,
    pub created: bool,
    pub similarity: f32,
}

/// Whether an article updates the document frequencies: a replayed article whose frequencies
/// are already in a loaded snapshot does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Learn {
    Yes,
    No,
}

impl Clusterer {
    pub fn new(config: ClusterConfig) -> Self {
        Clusterer {
            config,
            vocab: HashMap::default(),
            df: vec![],
            docs: 0,
            stories: vec![],
            free: vec![],
            live: 0,
            next_serial: 0,
            by_id: HashMap::default(),
            index: vec![],
            clock: 0,
            recency: Default::default(),
            scratch: vec![],
            newest_day: None,
        }
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Stories held in memory as candidates.
    pub fn story_count(&self) -> usize {
        self.live
    }

    /// Articles counted into the document frequencies.
    pub fn documents(&self) -> u32 {
        self.docs
    }

    /// The document frequencies as bytes, so a later run can start from them instead of
    /// re-reading every stored article.
    pub fn df_snapshot(&self) -> Vec<u8> {
        let keys = self.keys_by_id();
        let mut out = Vec::with_capacity(DF_MAGIC.len() + 4 + keys.len() * 12);
        out.extend_from_slice(DF_MAGIC);
        out.extend_from_slice(&self.docs.to_le_bytes());
        for (key, df) in keys.iter().zip(&self.df) {
            out.extend_from_slice(&key.to_le_bytes());
            out.extend_from_slice(&df.to_le_bytes());
        }
        out
    }

    /// The term key of every term id, in id order.
    fn keys_by_id(&self) -> Vec<u64> {
        let mut keys = vec![0u64; self.vocab.len()];
        for (&key, &id) in &self.vocab {
            keys[id as usize] = key;
        }
        keys
    }

    /// Loads document frequencies written by [`Clusterer::df_snapshot`] (or by a version that
    /// stored term strings) into an empty clusterer; `false` (and nothing loaded) when the
    /// bytes are not a snapshot.
    pub fn load_df(&mut self, bytes: &[u8]) -> bool {
        fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
            Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
        }
        fn parse(bytes: &[u8]) -> Option<(u32, Vec<(u64, u32)>)> {
            let mut terms = Vec::new();
            if let Some(rest) = bytes.strip_prefix(DF_MAGIC) {
                let docs = u32_at(rest, 0)?;
                let pairs = rest.get(4..)?;
                if pairs.len() % 12 != 0 {
                    return None;
                }
                for p in pairs.chunks_exact(12) {
                    terms.push((u64::from_le_bytes(p[..8].try_into().ok()?), u32_at(p, 8)?));
                }
                return Some((docs, terms));
            }
            // before term keys: (length, term, frequency) records
            let docs = u32_at(bytes, 0)?;
            let mut at = 4;
            while at < bytes.len() {
                let len = u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?) as usize;
                let term = std::str::from_utf8(bytes.get(at + 2..at + 2 + len)?).ok()?;
                terms.push((parallax_text::term_key(term), u32_at(bytes, at + 2 + len)?));
                at += 6 + len;
            }
            Some((docs, terms))
        }
        if self.docs != 0 || !self.vocab.is_empty() {
            return false;
        }
        let Some((docs, terms)) = parse(bytes) else { return false };
        self.docs = docs;
        for (key, df) in terms {
            let id = self.intern(key);
            self.df[id as usize] = df;
        }
        true
    }

    /// Writes everything the clusterer knows (frequencies, live stories, their index), so a
    /// later run continues from it instead of replaying stored articles. Postings and recency
    /// entries of forgotten stories are left out.
    pub fn save_state(&self, e: &mut parallax_codec::Encoder) {
        e.bytes(STATE_TAG).u32(self.docs).u32(self.next_serial).u64(self.clock).opt_f64(self.newest_day);
        let keys = self.keys_by_id();
        e.len(keys.len());
        for (key, df) in keys.iter().zip(&self.df) {
            e.u64(*key).u32(*df);
        }
        e.len(self.stories.len());
        for slot in &self.stories {
            let Some(s) = slot else {
                e.u8(0);
                continue;
            };
            e.u8(1).str(&s.id).u32(s.serial).f32(s.norm).opt_f64(s.first_day).opt_f64(s.last_day).u64(s.size as u64).f32(s.joined_sim).u64(s.touched);
            // (a story's posted terms are the terms whose postings name it: rebuilt on load)
            e.len(s.centroid.len());
            s.centroid.iter().for_each(|&(t, w)| {
                e.u32(t).f32(w);
            });
            e.len(s.embedding.len());
            s.embedding.iter().for_each(|&x| {
                e.f32(x);
            });
            e.len(s.outlets.len());
            s.outlets.iter().for_each(|&o| {
                e.u64(o);
            });
        }
        e.len(self.free.len());
        self.free.iter().for_each(|&slot| {
            e.u32(slot as u32);
        });
        // Only live postings are kept, and a live posting's serial is its story's. (Millions of
        // postings are checked: against a flat array of serials, not the stories themselves.)
        let serials: Vec<Option<u32>> = self.stories.iter().map(|s| s.as_ref().map(|s| s.serial)).collect();
        let mut slots: Vec<u32> = Vec::new();
        for list in &self.index {
            slots.clear();
            slots.extend(list.iter().filter(|&&(slot, serial)| serials[slot as usize] == Some(serial)).map(|&(slot, _)| slot));
            e.u32s(&slots);
        }
        let current = |&(touched, slot): &(u64, usize)| self.stories[slot].as_ref().is_some_and(|s| s.touched == touched);
        e.len(self.recency.iter().filter(|r| current(r)).count());
        self.recency.iter().filter(|r| current(r)).for_each(|&(touched, slot)| {
            e.u64(touched).u32(slot as u32);
        });
    }

    /// A clusterer with `config` that continues from [`Clusterer::save_state`]; `None` when the
    /// bytes are not such a state (another version, damage).
    pub fn load_state(config: ClusterConfig, d: &mut parallax_codec::Decoder) -> Option<Clusterer> {
        d.expect(STATE_TAG)?;
        let mut c = Clusterer::new(config);
        c.docs = d.u32()?;
        c.next_serial = d.u32()?;
        c.clock = d.u64()?;
        c.newest_day = d.opt_f64()?;
        let terms = d.len(12)?;
        for id in 0..terms {
            let (key, df) = (d.u64()?, d.u32()?);
            if c.intern(key) as usize != id {
                return None;
            }
            c.df[id] = df;
        }
        let slots = d.len(1)?;
        for slot in 0..slots {
            if d.u8()? == 0 {
                c.stories.push(None);
                continue;
            }
            let id = d.str()?.to_string();
            let (serial, norm, first_day, last_day) = (d.u32()?, d.f32()?, d.opt_f64()?, d.opt_f64()?);
            let (size, joined_sim, touched) = (usize::try_from(d.u64()?).ok()?, d.f32()?, d.u64()?);
            let centroid = (0..d.len(8)?).map(|_| Some((d.u32()?, d.f32()?))).collect::<Option<Vec<_>>>()?;
            let embedding = (0..d.len(4)?).map(|_| d.f32()).collect::<Option<Vec<_>>>()?;
            let outlets = (0..d.len(8)?).map(|_| d.u64()).collect::<Option<Vec<_>>>()?;
            if centroid.iter().any(|&(t, _)| t as usize >= terms) {
                return None;
            }
            c.by_id.insert(id.clone(), slot);
            c.stories.push(Some(StoryState {
                id,
                serial,
                centroid,
                norm,
                first_day,
                last_day,
                size,
                posted: Default::default(),
                embedding,
                joined_sim,
                outlets,
                touched,
            }));
            c.live += 1;
        }
        c.free = (0..d.len(4)?).map(|_| usize::try_from(d.u32()?).ok()).collect::<Option<Vec<_>>>()?;
        if c.free.iter().any(|&slot| slot >= slots || c.stories[slot].is_some()) {
            return None;
        }
        for t in 0..terms {
            let slots = d.u32s()?;
            let mut postings = Vec::with_capacity(slots.len());
            for slot in slots {
                let story = c.stories.get_mut(slot as usize)?.as_mut()?;
                // terms come in increasing order: the list stays sorted
                story.posted.push(t as u32);
                postings.push((slot, story.serial));
            }
            c.index[t] = postings;
        }
        let recency = (0..d.len(12)?).map(|_| Some((d.u64()?, usize::try_from(d.u32()?).ok()?))).collect::<Option<std::collections::VecDeque<_>>>()?;
        if recency.iter().any(|&(_, slot)| slot >= slots) {
            return None;
        }
        c.recency = recency;
        Some(c)
    }

    fn intern(&mut self, key: u64) -> u32 {
        let next = self.vocab.len() as u32;
        let id = *self.vocab.entry(key).or_insert(next);
        if id as usize == self.df.len() {
            self.df.push(0);
            self.index.push(vec![]);
        }
        id
    }

    /// The article's term ids, counted into the document frequencies when `learn` says so.
    fn learn(&mut self, counts: &TermCounts, learn: Learn) -> Vec<(u32, f32)> {
        if learn == Learn::Yes {
            self.docs += 1;
        }
        counts
            .0
            .iter()
            .map(|&(key, c)| {
                let id = self.intern(key);
                if learn == Learn::Yes {
                    self.df[id as usize] += 1;
                }
                (id, c)
            })
            .collect()
    }

    fn vector(&self, ids: &[(u32, f32)]) -> Vec<(u32, f32)> {
        let total = self.docs as f32 + self.config.idf_prior_docs;
        let mut v: Vec<(u32, f32)> = ids.iter().map(|&(t, c)| (t, tf_idf(c, self.df[t as usize], total))).collect();
        let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|(_, w)| *w /= norm);
        }
        v.sort_unstable_by_key(|&(t, _)| t);
        v
    }

    /// Assigns an article to a story and learns from it. `new_story_id` is called only when a
    /// story is created.
    pub fn assign(&mut self, article: &Features, new_story_id: impl FnOnce() -> String) -> Assignment {
        let Features { counts, embedding, day, outlet } = *article;
        let ids = self.learn(counts, Learn::Yes);
        let v = self.vector(&ids);
        let outlet = outlet.map(outlet_key);
        let best = self.best_story(&v, embedding, day, outlet);
        let (slot, created, similarity) = match best {
            Some((slot, sim)) => (slot, false, sim),
            _ => (self.new_story(new_story_id()), true, 0.0),
        };
        self.add_to(slot, &v, embedding, day, outlet);
        if let Some(s) = self.stories[slot].as_mut() {
            s.joined_sim += similarity;
        }
        let id = self.story(slot).id.clone();
        self.forget_beyond_capacity();
        Assignment { story: id, created, similarity }
    }

    /// Adds an article already assigned to `story`: when the state is rebuilt from a store, and
    /// for a copy, which joins its origin's story. A forgotten story comes back to life.
    /// `similarity` is what the article joined with ([`Assignment::similarity`]; 0 for a copy or
    /// the story's first article), so a rebuilt story keeps its cohesion.
    pub fn restore(&mut self, story: &str, article: &Features, learn: Learn, similarity: f32) {
        let Features { counts, embedding, day, outlet } = *article;
        let ids = self.learn(counts, learn);
        let v = self.vector(&ids);
        let slot = match self.by_id.get(story) {
            Some(&s) => s,
            None => self.new_story(story.to_string()),
        };
        self.add_to(slot, &v, embedding, day, outlet.map(outlet_key));
        if let Some(s) = self.stories[slot].as_mut() {
            s.joined_sim += similarity;
        }
        self.forget_beyond_capacity();
    }

    /// Whether `story` is live (a candidate for newcomers).
    pub fn holds(&self, story: &str) -> bool {
        self.by_id.contains_key(story)
    }

    /// Drops a live story at once: a reader's correction merged it into another or is about to
    /// rebuild it from its corrected articles (see [`Clusterer::restore`]). Document
    /// frequencies are kept: the articles were still read.
    pub fn forget_story(&mut self, story: &str) {
        if let Some(&slot) = self.by_id.get(story) {
            self.forget(slot);
        }
    }

    /// Counts an article into the document frequencies only (an article older than the replayed
    /// window but newer than the frequency snapshot).
    pub fn learn_only(&mut self, counts: &TermCounts) {
        self.learn(counts, Learn::Yes);
    }

    fn story(&self, slot: usize) -> &StoryState {
        self.stories[slot].as_ref().expect("live story slot")
    }

    fn new_story(&mut self, id: String) -> usize {
        let state = StoryState {
            id: id.clone(),
            serial: self.next_serial,
            centroid: Vec::new(),
            norm: 0.0,
            first_day: None,
            last_day: None,
            size: 0,
            posted: Default::default(),
            embedding: Vec::new(),
            joined_sim: 0.0,
            outlets: Vec::new(),
            touched: 0,
        };
        self.next_serial = self.next_serial.wrapping_add(1);
        let slot = match self.free.pop() {
            Some(slot) => {
                self.stories[slot] = Some(state);
                slot
            }
            None => {
                self.stories.push(Some(state));
                self.stories.len() - 1
            }
        };
        self.by_id.insert(id, slot);
        self.live += 1;
        slot
    }

    /// Drops a live story from memory (it stays in the store); its slot is reused and its
    /// postings go as they are met.
    fn forget(&mut self, slot: usize) {
        let s = self.stories[slot].take().expect("live story slot");
        self.by_id.remove(&s.id);
        self.free.push(slot);
        self.live -= 1;
    }

    /// Forgets the least recently joined stories while more than `live_stories` are held.
    fn forget_beyond_capacity(&mut self) {
        let horizon = match (self.config.window_days, self.newest_day) {
            (Some(w), Some(newest)) => Some(newest - w - self.config.forget_after_days),
            _ => None,
        };
        while let Some(&(touched, slot)) = self.recency.front() {
            let story = self.stories[slot].as_ref().filter(|s| s.touched == touched);
            let over_capacity = self.live > self.config.live_stories.max(1);
            let expired = story.is_some_and(|s| s.last_day.zip(horizon).is_some_and(|(last, h)| last < h));
            if story.is_some() && !over_capacity && !expired {
                break;
            }
            self.recency.pop_front();
            if story.is_some() {
                self.forget(slot);
            }
        }
        // Out-of-order dates leave expired stories behind recent ones in the queue: sweep them
        // now and then (every SWEEP_EVERY articles, so the cost per article stays small).
        if let Some(h) = horizon.filter(|_| self.clock.is_multiple_of(SWEEP_EVERY)) {
            for slot in 0..self.stories.len() {
                if self.stories[slot].as_ref().is_some_and(|s| s.last_day.is_some_and(|last| last < h)) {
                    self.forget(slot);
                }
            }
        }
        // stale recency entries pile up when stories are joined often: compact now and then
        if self.recency.len() > 4 * self.live.max(1024) {
            let stories = &self.stories;
            self.recency.retain(|&(t, slot)| stories[slot].as_ref().is_some_and(|s| s.touched == t));
        }
    }

    /// The similarity a newcomer needs to join the story in `slot`.
    fn required(&self, slot: usize, outlet: Option<u64>) -> f32 {
        let s = self.story(slot);
        let base = if s.size < 2 || self.config.cohesion == 0.0 {
            self.config.threshold
        } else {
            let k = self.config.cohesion_prior;
            let mean = (s.joined_sim + k * self.config.threshold) / ((s.size - 1) as f32 + k);
            self.config.threshold.max(self.config.cohesion * mean)
        };
        match outlet {
            Some(o) if s.outlets.binary_search(&o).is_ok() => base * self.config.same_outlet,
            _ => base,
        }
    }

    fn best_story(&mut self, v: &[(u32, f32)], embedding: Option<&[f32]>, day: Option<f64>, outlet: Option<u64>) -> Option<(usize, f32)> {
        // Candidates share one of the article's strongest terms: a story that shares none of
        // them cannot reach the threshold, and the postings of strong terms are short, so the
        // cost follows the article, not the number of stories.
        let mut strongest: Vec<(u32, f32)> = v.to_vec();
        let k = self.config.candidate_terms.min(strongest.len());
        if k < strongest.len() {
            strongest.select_nth_unstable_by(k, |a, b| b.1.total_cmp(&a.1));
        }
        let mut candidates: Vec<u32> = Vec::new();
        for &(t, _) in &strongest[..k] {
            let stories = &self.stories;
            let list = &mut self.index[t as usize];
            let live = |&(slot, serial): &Posting| stories[slot as usize].as_ref().is_some_and(|s| s.serial == serial);
            let window = self.config.window_days.map(|w| w + self.config.late_days);
            let in_window = |slot: u32| stories[slot as usize].as_ref().is_some_and(|s| story_in_window(window, s, day));
            // The newest stories with the term, newest first: on a dense stream a term can be in
            // thousands of live stories, and the one an article belongs to is among the recent
            // ones (its other strong terms find it too).
            let mut taken = 0;
            let mut stale = 0;
            for p in list.iter().rev() {
                if taken == POSTINGS_PER_TERM {
                    break;
                }
                if !live(p) {
                    stale += 1;
                } else if in_window(p.0) {
                    candidates.push(p.0);
                    taken += 1;
                }
            }
            // postings of forgotten stories go once they are a good part of what was walked
            if stale > POSTINGS_PER_TERM / 4 {
                list.retain(live);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        if self.scratch.len() < self.df.len() {
            self.scratch.resize(self.df.len(), 0.0);
        }
        for &(t, q) in v {
            self.scratch[t as usize] = q;
        }
        let scored: Vec<(usize, f32)> = candidates
            .into_iter()
            .map(|slot| (slot as usize, self.story(slot as usize)))
            .map(|(slot, s)| {
                let dot: f32 = s.centroid.iter().map(|&(t, w)| self.scratch[t as usize] * w).sum();
                let lexical = dot / s.norm.max(1e-9);
                let sim = match embedding {
                    Some(e) if s.embedding.len() == e.len() => {
                        let (floor, weight) = (self.config.embedding_floor, self.config.embedding_weight);
                        let semantic = ((cosine(e, &s.embedding) - floor) / (1.0 - floor)).max(0.0);
                        (1.0 - weight) * lexical + weight * semantic
                    }
                    _ => lexical,
                };
                (slot, sim)
            })
            .collect();
        // A story past its window is open to a late report only while nothing fresher covers
        // the matter: an article that also resembles a story inside its window belongs to the
        // matter's next development (the order signed two days after it was announced), not
        // to the old story, whose late reports come while the matter is quiet.
        let fresh = scored.iter().any(|&(slot, sim)| sim >= self.config.threshold && days_past_window(self.config.window_days, self.story(slot), day) == 0.0);
        let best = scored
            .into_iter()
            // the most similar story among those the article may join: a story it comes closest
            // to but may not join (too tight, its own outlet's, too late) does not keep it out
            // of the next one
            .filter(|&(slot, sim)| {
                let late = days_past_window(self.config.window_days, self.story(slot), day) as f32;
                !(late > 0.0 && fresh) && sim >= self.required(slot, outlet) * (1.0 + self.config.late_factor * late)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        for &(t, _) in v {
            self.scratch[t as usize] = 0.0;
        }
        best
    }

    fn add_to(&mut self, slot: usize, v: &[(u32, f32)], embedding: Option<&[f32]>, day: Option<f64>, outlet: Option<u64>) {
        let keep = self.config.centroid_terms;
        self.clock += 1;
        let s = self.stories[slot].as_mut().expect("live story slot");
        if let Some(o) = outlet {
            if let Err(at) = s.outlets.binary_search(&o) {
                s.outlets.insert(at, o);
            }
        }
        if let Some(e) = embedding {
            if s.embedding.len() != e.len() {
                s.embedding = vec![0.0; e.len()];
            }
            s.embedding.iter_mut().zip(e).for_each(|(a, b)| *a += b);
        }
        // merge two lists sorted by term id
        let old = std::mem::take(&mut s.centroid);
        let mut merged = Vec::with_capacity(old.len() + v.len());
        let mut fresh = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < v.len() {
            let take_old = j == v.len() || (i < old.len() && old[i].0 < v[j].0);
            let take_new = i == old.len() || (j < v.len() && v[j].0 < old[i].0);
            if take_old {
                merged.push(old[i]);
                i += 1;
            } else if take_new {
                let (t, w) = v[j];
                merged.push((t, w));
                j += 1;
                fresh.push(t);
            } else {
                merged.push((old[i].0, old[i].1 + v[j].1));
                i += 1;
                j += 1;
            }
        }
        s.centroid = merged;
        // Only a term new to the story adds a posting. Terms trimmed later stay in the index:
        // they add a candidate, whose score comes from the centroid. (Both lists are sorted.)
        if !fresh.is_empty() {
            let old = std::mem::take(&mut s.posted);
            let mut posted = Vec::with_capacity(old.len() + fresh.len());
            let mut i = 0;
            for t in fresh {
                while i < old.len() && old[i] < t {
                    posted.push(old[i]);
                    i += 1;
                }
                if old.get(i) == Some(&t) {
                    continue;
                }
                posted.push(t);
                self.index[t as usize].push((slot as u32, s.serial));
            }
            posted.extend_from_slice(&old[i..]);
            s.posted = posted;
        }
        s.size += 1;
        s.touched = self.clock;
        self.recency.push_back((self.clock, slot));
        if let Some(d) = day {
            self.newest_day = Some(self.newest_day.map_or(d, |n| n.max(d)));
            s.first_day = Some(s.first_day.map_or(d, |f| f.min(d)));
            s.last_day = Some(s.last_day.map_or(d, |l| l.max(d)));
        }
        // trimmed in bulk, not on every article
        if s.centroid.len() > 2 * keep {
            s.centroid.select_nth_unstable_by(keep, |a, b| b.1.total_cmp(&a.1));
            s.centroid.truncate(keep);
            s.centroid.sort_unstable_by_key(|&(t, _)| t);
        }
        s.norm = s.centroid.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(c: &mut Clusterer, title: &str, body: &str, date: Option<&str>) -> Assignment {
        let counts = TermCounts::from_article(title, body, c.config());
        let n = c.story_count();
        c.assign(&Features { day: date.and_then(day_number), ..Features::new(&counts) }, || format!("s{n}"))
    }

    #[test]
    fn same_event_joins_and_other_event_starts_a_story() {
        let mut c = Clusterer::new(ClusterConfig::default());
        let a = add(
            &mut c,
            "Harbor bridge in Port Vell reopens",
            "The harbor bridge in Port Vell reopened on Monday after repairs, mayor Ilse Brandt said.",
            Some("2024-03-04"),
        );
        let b =
            add(&mut c, "Port Vell bridge open again after two weeks", "Mayor Ilse Brandt reopened the Port Vell harbor bridge on Monday.", Some("2024-03-05"));
        let d = add(
            &mut c,
            "Wildfire forces evacuations in Casterra",
            "Firefighters in Casterra battled a wildfire that forced 300 residents to leave.",
            Some("2024-03-05"),
        );
        assert!(a.created);
        assert_eq!(b.story, a.story, "similarity {}", b.similarity);
        assert!(d.created);
        assert_ne!(d.story, a.story);
    }

    #[test]
    fn time_window_separates_the_same_words_months_apart() {
        let mut c = Clusterer::new(ClusterConfig::default());
        let a = add(
            &mut c,
            "Port Vell bridge closes for repairs",
            "The harbor bridge in Port Vell closed for repairs, mayor Ilse Brandt said.",
            Some("2024-01-01"),
        );
        let b = add(
            &mut c,
            "Port Vell bridge closes for repairs",
            "The harbor bridge in Port Vell closed for repairs, mayor Ilse Brandt said.",
            Some("2024-06-01"),
        );
        assert_ne!(a.story, b.story);
    }

    #[test]
    fn day_numbers() {
        assert_eq!(day_number("1970-01-01"), Some(0.0));
        assert_eq!(day_number("2024-03-05T23:59:00Z"), Some(19787.0));
        assert_eq!(day_number("March"), None);
    }

    #[test]
    fn restore_rebuilds_the_same_assignments() {
        let mut c = Clusterer::new(ClusterConfig::default());
        let counts = TermCounts::from_article("Harbor bridge reopens in Port Vell", "Mayor Ilse Brandt reopened the bridge.", c.config());
        c.restore("story-x", &Features::new(&counts), Learn::Yes, 0.0);
        let next = TermCounts::from_article("Port Vell harbor bridge reopens", "Mayor Ilse Brandt reopened the harbor bridge on Monday.", c.config());
        assert_eq!(c.assign(&Features::new(&next), || "new".into()).story, "story-x");
    }

    #[test]
    fn a_clusterer_restored_from_its_assignments_is_the_same_clusterer() {
        // what a store replay does after a kill: the same articles, their stories and joining
        // similarities, in order; the state (cohesion included) must come out identical
        let texts = [
            ("Harbor bridge in Port Vell reopens", "Mayor Ilse Brandt reopened the Port Vell harbor bridge on Monday.", "Port Daily"),
            ("Port Vell bridge open again", "The harbor bridge of Port Vell reopened on Monday, Mayor Ilse Brandt said.", "Harbor News"),
            ("Wildfire forces evacuations in Casterra", "Firefighters in Casterra battled a wildfire near the hills.", "Coast Times"),
            ("Bridge reopening draws crowds in Port Vell", "Crowds walked the reopened Port Vell harbor bridge with Mayor Ilse Brandt.", "Coast Times"),
            ("Casterra wildfire spreads", "The Casterra wildfire spread overnight and more families left.", "Port Daily"),
        ];
        let config = ClusterConfig { window_days: None, ..ClusterConfig::default() };
        let mut live = Clusterer::new(config.clone());
        let mut log = Vec::new();
        for (i, (title, body, outlet)) in texts.iter().enumerate() {
            let counts = TermCounts::from_article(title, body, live.config());
            let f = Features { counts: &counts, embedding: None, day: None, outlet: Some(outlet) };
            let a = live.assign(&f, || format!("s{i}"));
            log.push((a.story.clone(), counts, a.similarity, *outlet));
        }
        assert!(log.iter().any(|(_, _, sim, _)| *sim > 0.0), "some article joins a story");
        let mut rebuilt = Clusterer::new(config);
        for (story, counts, sim, outlet) in &log {
            rebuilt.restore(story, &Features { counts, embedding: None, day: None, outlet: Some(outlet) }, Learn::Yes, *sim);
        }
        let state = |c: &Clusterer| {
            let mut e = parallax_codec::Encoder::with_capacity(0);
            c.save_state(&mut e);
            e.finish()
        };
        assert_eq!(state(&rebuilt), state(&live));
    }

    #[test]
    fn least_recently_joined_stories_are_forgotten_beyond_capacity() {
        let mut c = Clusterer::new(ClusterConfig { live_stories: 2, window_days: None, ..ClusterConfig::default() });
        let bridge = add(&mut c, "Harbor bridge in Port Vell reopens", "Mayor Ilse Brandt reopened the Port Vell harbor bridge.", None);
        let fire = add(&mut c, "Wildfire forces evacuations in Casterra", "Firefighters in Casterra battled a wildfire near the hills.", None);
        let fire2 = add(&mut c, "Casterra wildfire evacuations", "The wildfire in Casterra forced evacuations near the hills.", None);
        assert_eq!(fire2.story, fire.story, "similarity {}", fire2.similarity);
        add(&mut c, "Flooding closes schools in Dunmore", "Heavy rain flooded the river valley around Dunmore overnight.", None);
        assert_eq!(c.story_count(), 2);
        // the story joined most recently is kept...
        let fire3 = add(&mut c, "Wildfire in Casterra hills", "Evacuations continue as the Casterra wildfire spreads in the hills.", None);
        assert_eq!(fire3.story, fire.story, "similarity {}", fire3.similarity);
        // ...and the least recently joined was forgotten: the same event now starts a new story
        let again = add(&mut c, "Port Vell harbor bridge reopens", "Mayor Ilse Brandt reopened the harbor bridge in Port Vell.", None);
        assert!(again.created && again.story != bridge.story);
    }

    #[test]
    fn a_saved_state_continues_like_the_clusterer_it_came_from() {
        let config = ClusterConfig { live_stories: 6, ..ClusterConfig::default() };
        let places = ["Port Vell", "Casterra", "Dunmore", "Ilsefjord", "Marrow Bay", "Kestrel Point", "Ashby"];
        let events =
            ["bridge reopens after repairs", "wildfire forces evacuations", "flood closes schools", "ferry strike ends", "harbor fire destroys warehouse"];
        let articles: Vec<(TermCounts, String, String)> = (0..80)
            .map(|i: usize| {
                let (place, event) = (places[(i * 7 + i / 9) % places.len()], events[(i * 3 + i / 11) % events.len()]);
                let title = format!("{place}: {event}");
                let body = format!("Officials in {place} said on Monday that the {event}, mayor Ilse Brandt told reporters. Report {i}.");
                (TermCounts::from_article(&title, &body, &config), format!("2024-03-{:02}", 1 + i / 6), format!("Outlet {}", i % 4))
            })
            .collect();
        let place = |c: &mut Clusterer, i: usize| {
            let (counts, date, outlet) = &articles[i];
            c.assign(&Features { day: day_number(date), outlet: Some(outlet), ..Features::new(counts) }, || format!("s{i}"))
        };
        let mut whole = Clusterer::new(config.clone());
        let expected: Vec<Assignment> = (0..articles.len()).map(|i| place(&mut whole, i)).collect();
        let mut first = Clusterer::new(config.clone());
        (0..50).for_each(|i| {
            place(&mut first, i);
        });
        let save = |c: &Clusterer| {
            let mut e = parallax_codec::Encoder::new();
            c.save_state(&mut e);
            e.finish()
        };
        let load = |bytes: &[u8]| {
            let mut d = parallax_codec::Decoder::new(bytes);
            Clusterer::load_state(config.clone(), &mut d).filter(|_| d.is_done())
        };
        let saved = save(&first);
        let mut resumed = load(&saved).expect("a saved state loads");
        assert_eq!(save(&resumed), saved, "loading loses nothing");
        assert!(resumed.stories.iter().flatten().zip(first.stories.iter().flatten()).all(|(a, b)| a.posted == b.posted));
        assert_eq!(resumed.story_count(), first.story_count());
        let stories_split = expected.iter().filter(|a| a.created).count();
        assert!(stories_split > 6 && expected.iter().any(|a| !a.created), "the stream both starts and joins stories");
        for (i, want) in expected.iter().enumerate().skip(50) {
            assert_eq!(&place(&mut resumed, i), want, "article {i}");
        }
        // a damaged state is refused, never half-loaded
        for cut in [0, 10, saved.len() / 2, saved.len() - 1] {
            assert!(load(&saved[..cut]).is_none(), "cut at {cut}");
        }
    }

    #[test]
    fn document_frequencies_survive_a_snapshot() {
        let mut c = Clusterer::new(ClusterConfig::default());
        add(&mut c, "Harbor bridge in Port Vell reopens", "Mayor Ilse Brandt reopened the bridge.", None);
        add(&mut c, "Wildfire in Casterra", "Firefighters battled a wildfire near the bridge.", None);
        let snap = c.df_snapshot();
        let mut d = Clusterer::new(ClusterConfig::default());
        assert!(d.load_df(&snap));
        assert_eq!(d.documents(), 2);
        assert_eq!(d.df_snapshot(), snap);
        assert!(!Clusterer::new(ClusterConfig::default()).load_df(&snap[..snap.len() - 1]));
    }

    #[test]
    fn a_snapshot_of_term_strings_loads_as_keys() {
        // the format before term keys: document count, then (length, term, frequency)
        let mut old = 7u32.to_le_bytes().to_vec();
        for (t, df) in [("bridg", 3u32), ("@brandt", 2)] {
            old.extend_from_slice(&(t.len() as u16).to_le_bytes());
            old.extend_from_slice(t.as_bytes());
            old.extend_from_slice(&df.to_le_bytes());
        }
        let mut c = Clusterer::new(ClusterConfig::default());
        assert!(c.load_df(&old));
        assert_eq!(c.documents(), 7);
        assert_eq!(c.df[c.vocab[&parallax_text::term_key("@brandt")] as usize], 2);
        assert!(!Clusterer::new(ClusterConfig::default()).load_df(&old[..old.len() - 2]));
    }

    #[test]
    fn a_tight_story_is_not_joined_by_a_report_that_only_shares_its_topic() {
        // Three reports of one hearing: a story that has shown over its joins how alike its
        // members are (the bar of a story of two starts lower, see the next test).
        let hearing = [
            (
                "Senate panel questions Ilse Brandt over harbor contract",
                "Senators questioned harbor chief Ilse Brandt on Tuesday about the Port Vell dredging contract and its missing invoices.",
            ),
            (
                "Ilse Brandt grilled by senators on dredging contract",
                "Harbor chief Ilse Brandt faced senators on Tuesday over missing invoices in the Port Vell dredging contract.",
            ),
            (
                "Senators press Ilse Brandt on missing dredging invoices",
                "Harbor chief Ilse Brandt was pressed by senators on Tuesday over the missing invoices of the Port Vell dredging contract.",
            ),
        ];
        let resignation =
            ("Ilse Brandt resigns", "Ilse Brandt stepped down on Friday, citing family reasons; her deputy takes over the Port Vell office next month.");
        let run = |cohesion: f32| {
            let mut c = Clusterer::new(ClusterConfig { cohesion, window_days: None, ..ClusterConfig::default() });
            let first = add(&mut c, hearing[0].0, hearing[0].1, None);
            for (title, body) in &hearing[1..] {
                let next = add(&mut c, title, body, None);
                assert_eq!(next.story, first.story, "similarity {}", next.similarity);
            }
            let last = add(&mut c, resignation.0, resignation.1, None);
            last.story == first.story
        };
        assert!(run(0.0), "without the cohesion rule the shared names and topic are enough to join");
        assert!(!run(ClusterConfig::default().cohesion));
    }

    #[test]
    fn a_third_outlets_own_take_joins_a_story_of_two_wire_rewrites() {
        // Two outlets ran one agency dispatch almost word for word: their one pair says little
        // about how alike the event's reports are; a third outlet wrote its own.
        let wire = [
            (
                "Ferry strike halts crossings to Vellmar island",
                "Crews of the Vellmar ferry line walked out on Monday over unpaid overtime, halting all crossings to the island, the operator Nordlys said.",
            ),
            (
                "Ferry strike halts Vellmar island crossings",
                "Crews of the Vellmar ferry line walked out on Monday over unpaid overtime, halting every crossing to the island, operator Nordlys said.",
            ),
        ];
        let own = (
            "Islanders stranded as Vellmar ferry crews strike",
            "Residents of Vellmar queued at an empty pier on Monday after ferry crews stopped work in a dispute with Nordlys over overtime pay; shops expect shortages by Thursday.",
        );
        let run = |cohesion_prior: f32| {
            let mut c = Clusterer::new(ClusterConfig { cohesion_prior, window_days: None, ..ClusterConfig::default() });
            let first = add(&mut c, wire[0].0, wire[0].1, None);
            let second = add(&mut c, wire[1].0, wire[1].1, None);
            assert_eq!(second.story, first.story, "similarity {}", second.similarity);
            let third = add(&mut c, own.0, own.1, None);
            third.story == first.story
        };
        assert!(!run(0.0), "judged on the wire pair alone, the bar is out of the third report's reach");
        assert!(run(ClusterConfig::default().cohesion_prior));
    }

    #[test]
    fn an_outlets_second_report_on_the_topic_needs_to_be_closer() {
        // Two events with the same harbor chief, days apart.
        let first = ("Ilse Brandt defends Port Vell dredging award", "Harbor chief Ilse Brandt told councillors on Monday that the tender was fair, that three bidders competed openly, and that auditors had already signed the paperwork.");
        let next = (
            "Sewage plant opens",
            "Ilse Brandt cut a ribbon at the new sewage works on Thursday; engineers expect cleaner beaches by summer and fewer closures after storms.",
        );
        let run = |same_outlet: f32, outlets: [&str; 2]| {
            let mut c = Clusterer::new(ClusterConfig { same_outlet, window_days: None, ..ClusterConfig::default() });
            let a = TermCounts::from_article(first.0, first.1, c.config());
            let b = TermCounts::from_article(next.0, next.1, c.config());
            let s1 = c.assign(&Features { outlet: Some(outlets[0]), ..Features::new(&a) }, || "s1".into());
            let s2 = c.assign(&Features { outlet: Some(outlets[1]), ..Features::new(&b) }, || "s2".into());
            (s2.story == s1.story, s2.similarity)
        };
        let (joined, sim) = run(1.0, ["Harbor Gazette", "Harbor Gazette"]);
        assert!(joined, "without the rule the shared names are enough to join ({sim})");
        let (joined, sim2) = run(ClusterConfig::default().same_outlet, ["Harbor Gazette", "Harbor Gazette"]);
        assert!(!joined, "{sim} {sim2}");
        assert!(run(ClusterConfig::default().same_outlet, ["Harbor Gazette", "Coast Radio"]).0, "another outlet's report still joins");
    }

    #[test]
    fn a_story_the_article_may_not_join_does_not_keep_it_out_of_the_next_best() {
        // a tight story (two near-identical reports of a hearing) and a looser one about the
        // harbor chief's resignation; a report that mentions both comes closest to the tight
        // one without reaching its cohesion bar, and joins the looser one it does qualify for
        // (the bar as the members' pair sets it, without the prior join that lowers the bar of
        // a story of two: this is about the fallback, not about how high the bar is)
        let hearing = (
            "Senate panel questions Ilse Brandt over harbor contract",
            "Senators questioned harbor chief Ilse Brandt on Tuesday about the Port Vell dredging contract and its missing invoices.",
        );
        let hearing_again = (
            "Senate panel questions Ilse Brandt over the harbor contract",
            "Senators questioned harbor chief Ilse Brandt on Tuesday about the Port Vell dredging contract and the missing invoices.",
        );
        let resignation =
            ("Ilse Brandt resigns", "Ilse Brandt stepped down on Friday, citing family reasons; her deputy takes over the Port Vell office next month.");
        let both = (
            "Ilse Brandt resigns after senators question harbor contract",
            "Ilse Brandt stepped down as harbor chief on Friday, days after senators questioned her over the dredging contract; her deputy takes over next month.",
        );
        let mut c = Clusterer::new(ClusterConfig { window_days: None, cohesion_prior: 0.0, ..ClusterConfig::default() });
        let h = add(&mut c, hearing.0, hearing.1, None);
        let h2 = add(&mut c, hearing_again.0, hearing_again.1, None);
        assert_eq!(h2.story, h.story);
        let r = add(&mut c, resignation.0, resignation.1, None);
        assert_ne!(r.story, h.story, "{}", r.similarity);
        let b = add(&mut c, both.0, both.1, None);
        assert_eq!(b.story, r.story, "joined the resignation story at {}", b.similarity);
    }

    #[test]
    fn past_the_window_a_story_is_joined_only_by_a_closer_report() {
        let first = (
            "Ilse Brandt resigns as Port Vell harbor chief",
            "Harbor chief Ilse Brandt resigned on Monday over the dredging invoices, the Port Vell council said.",
        );
        let close = (
            "Port Vell harbor chief Ilse Brandt resigns",
            "Ilse Brandt resigned as Port Vell harbor chief on Monday over the dredging invoices, the council said.",
        );
        let loose =
            ("Dock strike in Port Vell", "Dock workers in Port Vell walked out on Wednesday over pay, and ferries were cancelled until further notice.");
        let run = |late_days: f64, late: (&str, &str)| {
            let mut c = Clusterer::new(ClusterConfig { late_days, ..ClusterConfig::default() });
            let mut n = 0;
            let mut put = |c: &mut Clusterer, title: &str, body: &str, date: &str| {
                let counts = TermCounts::from_article(title, body, c.config());
                n += 1;
                c.assign(&Features { day: day_number(date), ..Features::new(&counts) }, || format!("s{n}"))
            };
            // other Port Vell news weeks before: the town's name and the weekdays say little
            for topic in ["a ferry timetable", "a school concert", "a road repair", "a football match", "a museum opening", "a storm warning"] {
                put(&mut c, &format!("Port Vell news: {topic}"), &format!("On Wednesday the people of Port Vell heard about {topic}."), "2024-02-01");
            }
            let a = put(&mut c, first.0, first.1, "2024-03-04");
            // two days later: a day past the one-day window
            let b = put(&mut c, late.0, late.1, "2024-03-06");
            (b.story == a.story, b.similarity)
        };
        assert!(!run(0.0, close).0, "a hard window keeps even a close report out ({})", run(0.0, close).1);
        assert!(run(1.0, close).0, "a close report two days on joins ({})", run(1.0, close).1);
        assert!(!run(1.0, loose).0, "a loosely related one does not ({})", run(1.0, loose).1);
    }

    #[test]
    fn a_story_past_its_window_takes_no_late_report_once_a_fresher_story_covers_the_matter() {
        // announced on Monday, signed on Wednesday: alike enough for a late join on their own
        let announced = (
            "Port Vell harbor board plans an order to tighten dredging contracts",
            "The Port Vell harbor board is preparing an order to tighten dredging contracts after the invoice scandal, its chair Ilse Brandt said on Monday.",
        );
        let signed = (
            "Port Vell harbor board signs order tightening dredging contracts after Kallos suspension",
            "The Port Vell harbor board signed an order tightening dredging contracts after auditors suspended Kallos, its chair Ilse Brandt said on Wednesday.",
        );
        // Tuesday's development of the same matter, a different event
        let tuesday = (
            "Auditors suspend Kallos over padded invoices",
            "Auditors suspended the firm Kallos on Tuesday over padded invoices, and Kallos director Marek Oduya resigned.",
        );
        let run = |with_tuesday: bool| {
            let mut c = Clusterer::new(ClusterConfig::default());
            let mut n = 0;
            // story names from a counter: the fillers' stories are forgotten as March comes
            let mut put = |c: &mut Clusterer, (title, body): (&str, &str), date: &str| {
                let counts = TermCounts::from_article(title, body, c.config());
                n += 1;
                c.assign(&Features { day: day_number(date), ..Features::new(&counts) }, || format!("s{n}"))
            };
            for topic in ["a ferry timetable", "a school concert", "a road repair", "a football match", "a museum opening", "a storm warning"] {
                put(&mut c, (&format!("Port Vell news: {topic}"), &format!("On Wednesday the people of Port Vell heard about {topic}.")), "2024-02-01");
            }
            let a = put(&mut c, announced, "2024-03-04");
            if with_tuesday {
                let t = put(&mut c, tuesday, "2024-03-05");
                assert_ne!(t.story, a.story, "Tuesday's suspension is its own story ({})", t.similarity);
            }
            let b = put(&mut c, signed, "2024-03-06");
            (b.story == a.story, b.similarity)
        };
        assert!(run(false).0, "with the matter quiet, the signing joins the announcement late ({})", run(false).1);
        assert!(!run(true).0, "after Tuesday's development, it does not ({})", run(true).1);
    }

    #[test]
    fn on_a_dated_stream_stories_past_the_window_are_forgotten() {
        let mut c = Clusterer::new(ClusterConfig::default());
        add(&mut c, "Harbor bridge in Port Vell reopens", "Mayor Ilse Brandt reopened the Port Vell harbor bridge.", Some("2024-03-01"));
        add(&mut c, "Wildfire forces evacuations in Casterra", "Firefighters in Casterra battled a wildfire near the hills.", Some("2024-03-05"));
        assert_eq!(c.story_count(), 2);
        add(&mut c, "Flooding closes schools in Dunmore", "Heavy rain flooded the river valley around Dunmore overnight.", Some("2024-03-20"));
        // March 1 and 5 are more than window + forget_after_days before March 20
        assert_eq!(c.story_count(), 1);
    }

    #[test]
    fn embeddings_join_paraphrases_that_share_few_words() {
        // a strict threshold, which the shared word alone does not reach
        let config = ClusterConfig { window_days: None, threshold: 0.45, ..ClusterConfig::default() };
        let a = TermCounts::from_article("Harbor bridge reopens", "The council reopened the harbor bridge on Monday.", &config);
        let b = TermCounts::from_article(
            "Harbor crossing back in service",
            "Traffic flows again over the repaired span, a harbor pilot noted among many other remarks on tides and weather.",
            &config,
        );
        let near = [0.8f32, 0.6, 0.0];
        let close = [0.7f32, 0.7, 0.1];
        let mut lexical = Clusterer::new(config.clone());
        lexical.assign(&Features::new(&a), || "s1".into());
        assert!(lexical.assign(&Features::new(&b), || "s2".into()).created);
        let mut semantic = Clusterer::new(config);
        semantic.assign(&Features { embedding: Some(&near), ..Features::new(&a) }, || "s1".into());
        let joined = semantic.assign(&Features { embedding: Some(&close), ..Features::new(&b) }, || "s2".into());
        assert_eq!(joined.story, "s1", "similarity {}", joined.similarity);
    }
}
