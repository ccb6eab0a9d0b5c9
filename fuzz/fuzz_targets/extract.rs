//! Arbitrary bytes through the same path a file takes: charset decoding, then every extractor.
//! Run: cargo +nightly fuzz run extract -- -max_total_time=600
#![no_main]
use libfuzzer_sys::fuzz_target;
use parallax_model::{DocumentKind, RawDocument};

fuzz_target!(|data: &[u8]| {
    let body = parallax_ingest::decode_bytes(data, true);
    for kind in [DocumentKind::Html, DocumentKind::Text, DocumentKind::CleanText] {
        let doc = RawDocument { input: "fuzz".into(), kind: Some(kind), body: body.clone(), hints: Default::default() };
        let _ = parallax_extract::extract(&doc);
    }
});
