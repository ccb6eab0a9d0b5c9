//! The engine's saved state: what is saved (live stories, dedup entries, frequencies, the id
//! filter), how it is encoded, and when it is saved.

use crate::EngineConfig;
use parallax_cluster::Clusterer;
use parallax_dedup::DupIndex;

/// Store keys of the engine state (live stories and dedup entries), the document-frequency
/// snapshot (the fallback when the state cannot be read) and the id filter, saved together.
pub(crate) const ENGINE_STATE: &str = "engine.state";
pub(crate) const DF_STATE: &str = "cluster.df";
pub(crate) const IDS_STATE: &str = "engine.ids";
/// The number of the last reader's correction the saved engine state has taken in (8 bytes,
/// little endian).
pub(crate) const CORRECTIONS_STATE: &str = "engine.corrections";
/// Opens an engine state blob; the version changes with its layout.
pub(crate) const ENGINE_STATE_TAG: &[u8] = b"parallax.engine/1";

pub(crate) fn encode_engine_state(clusterer: &Clusterer, dups: &DupIndex, size_hint: usize) -> Vec<u8> {
    let mut e = parallax_codec::Encoder::with_capacity(size_hint);
    e.bytes(ENGINE_STATE_TAG);
    clusterer.save_state(&mut e);
    dups.save_state(&mut e);
    e.finish()
}

pub(crate) fn decode_engine_state(bytes: &[u8], config: &EngineConfig) -> Option<(Clusterer, DupIndex)> {
    let mut d = parallax_codec::Decoder::new(bytes);
    d.expect(ENGINE_STATE_TAG)?;
    let clusterer = Clusterer::load_state(config.cluster.clone(), &mut d)?;
    let dups = DupIndex::load_state(config.dedup.clone(), &mut d)?;
    d.is_done().then_some((clusterer, dups))
}

/// A snapshot is also saved every this many stored articles, so a killed run does not leave a
/// long tail to re-read.
pub(crate) const SNAPSHOT_EVERY: usize = 100_000;
/// ... and after a batch once this long has passed since the last one, so a run killed early
/// has a state too.
pub(crate) const SNAPSHOT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);
/// At the end of a run, fewer new articles than this are left to the next open to catch up
/// (it replays them from the store, placing them as they were placed), unless the state is
/// small: a feed poll that stores ten articles does not rewrite a state of tens of megabytes.
pub(crate) const END_SNAPSHOT_MIN: usize = 2_000;
pub(crate) const SMALL_STATE_BYTES: usize = 1 << 20;

/// When the engine saves its state: during a run every [`SNAPSHOT_EVERY`] articles or
/// [`SNAPSHOT_INTERVAL`], and at its end unless only a few articles came in (the next open
/// replays those from the store, placing them as they were placed).
pub(crate) fn snapshot_due(since_snapshot: usize, since_last: std::time::Duration) -> bool {
    since_snapshot >= SNAPSHOT_EVERY || (since_snapshot > 0 && since_last >= SNAPSHOT_INTERVAL)
}

/// Whether a run that ends now saves its state (see [`snapshot_due`]).
pub(crate) fn snapshot_at_end(since_snapshot: usize, state_bytes: usize) -> bool {
    since_snapshot >= END_SNAPSHOT_MIN || (since_snapshot > 0 && state_bytes < SMALL_STATE_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_poll_of_a_few_articles_leaves_a_large_state_alone() {
        assert!(!snapshot_at_end(10, 40 << 20), "ten articles do not rewrite 40 MB");
        assert!(snapshot_at_end(10, 100 << 10), "a small state is cheap to save");
        assert!(snapshot_at_end(END_SNAPSHOT_MIN, 40 << 20));
        assert!(!snapshot_at_end(0, 0));
        assert!(snapshot_due(1, Duration::from_secs(61)), "a long run saves every minute");
        assert!(!snapshot_due(1, Duration::from_secs(5)));
        assert!(snapshot_due(SNAPSHOT_EVERY, Duration::ZERO));
    }
}
