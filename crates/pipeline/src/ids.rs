//! A Bloom filter over the ids of stored articles: a miss proves an article is new without a
//! store lookup, which on a store of millions is a random read into a large index for every
//! incoming article. Saved with the engine's snapshot; rebuilt from the store's ids when
//! missing, stale or outgrown.

use parallax_dedup::mix;

const HASHES: u32 = 7;
/// Opens a saved filter; the version changes with the hash.
const MAGIC: &[u8] = b"pxids/2\0";
/// Bits per id the filter is sized for (7 hashes: about 1 % false positives when full).
const BITS_PER_ID: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdFilter {
    bits: Vec<u64>,
    /// Ids the filter was sized for and ids inserted.
    capacity: u64,
    count: u64,
}

impl IdFilter {
    pub fn with_capacity(ids: usize) -> Self {
        let words = (ids.max(1024) * BITS_PER_ID).div_ceil(64);
        IdFilter { bits: vec![0; words], capacity: ids.max(1024) as u64, count: 0 }
    }

    /// Whether more ids went in than it was sized for.
    pub fn is_full(&self) -> bool {
        self.count > self.capacity
    }

    fn positions(&self, id: &str) -> impl Iterator<Item = usize> + '_ {
        // a stable hash: the filter is saved, and read by later runs (on other machines too)
        let h1 = parallax_text::term_key(id);
        let h2 = mix(h1) | 1;
        let m = (self.bits.len() * 64) as u64;
        (0..HASHES).map(move |i| (h1.wrapping_add((i as u64).wrapping_mul(h2)) % m) as usize)
    }

    pub fn insert(&mut self, id: &str) {
        let ps: Vec<usize> = self.positions(id).collect();
        for p in ps {
            self.bits[p / 64] |= 1 << (p % 64);
        }
        self.count += 1;
    }

    /// False only for an id never inserted.
    pub fn may_contain(&self, id: &str) -> bool {
        self.positions(id).all(|p| self.bits[p / 64] & (1 << (p % 64)) != 0)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MAGIC.len() + 16 + self.bits.len() * 8);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.capacity.to_le_bytes());
        out.extend_from_slice(&self.count.to_le_bytes());
        self.bits.iter().for_each(|w| out.extend_from_slice(&w.to_le_bytes()));
        out
    }

    /// Reads [`IdFilter::to_bytes`]; `None` for anything else, a filter from before the stable
    /// hash included (its bits would answer wrongly).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let word = |c: &[u8]| u64::from_le_bytes(c.try_into().expect("8 bytes"));
        let bytes = bytes.strip_prefix(MAGIC)?;
        if bytes.len() < 24 || !bytes.len().is_multiple_of(8) {
            return None;
        }
        let bits: Vec<u64> = bytes[16..].chunks_exact(8).map(word).collect();
        Some(IdFilter { capacity: word(&bytes[..8]), count: word(&bytes[8..16]), bits })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_false_negatives_few_false_positives_and_bytes_round_trip() {
        let mut f = IdFilter::with_capacity(10_000);
        for i in 0..10_000 {
            f.insert(&format!("a{i:016x}"));
        }
        assert!((0..10_000).all(|i| f.may_contain(&format!("a{i:016x}"))));
        let false_positives = (10_000..20_000).filter(|i| f.may_contain(&format!("a{i:016x}"))).count();
        assert!(false_positives < 300, "{false_positives}");
        assert!(!f.is_full());
        // a filter saved before the stable hash has no tag, and is not taken for one
        assert_eq!(IdFilter::from_bytes(&f.to_bytes()[MAGIC.len()..]), None);
        assert_eq!(IdFilter::from_bytes(&f.to_bytes()), Some(f));
        assert_eq!(IdFilter::from_bytes(b"short"), None);
    }
}
