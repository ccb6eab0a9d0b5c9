//! How index data is laid out as bytes in any backend: term counts and embeddings. One layout,
//! so a store can be copied between backends byte for byte.

/// Opens term counts keyed by term key. Older SQLite stores hold (length, term, count) records,
/// or JSON text before those, and no term there is empty, so these bytes never begin one.
pub const TERMS_MAGIC: &[u8] = b"\0\0k1";

/// Term counts as bytes: [`TERMS_MAGIC`], then per term its key (u64) and its count (f32),
/// little endian.
pub fn encode_terms(terms: &[(u64, f32)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(TERMS_MAGIC.len() + terms.len() * 12);
    out.extend_from_slice(TERMS_MAGIC);
    for (key, c) in terms {
        out.extend_from_slice(&key.to_le_bytes());
        out.extend_from_slice(&c.to_le_bytes());
    }
    out
}

/// Reads [`encode_terms`]: `None` when the bytes do not start with [`TERMS_MAGIC`], an error
/// when they are cut short.
pub fn decode_keyed_terms(bytes: &[u8]) -> Option<Result<Vec<(u64, f32)>, String>> {
    let pairs = bytes.strip_prefix(TERMS_MAGIC)?;
    if pairs.len() % 12 != 0 {
        return Some(Err("truncated terms".into()));
    }
    Some(Ok(pairs
        .chunks_exact(12)
        .map(|p| (u64::from_le_bytes(p[..8].try_into().expect("8 bytes")), f32::from_le_bytes(p[8..].try_into().expect("4 bytes"))))
        .collect()))
}

/// An embedding as bytes: its floats, little endian.
pub fn encode_floats(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

pub fn decode_floats(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_and_floats_round_trip() {
        let terms = vec![(42u64, 2.0f32), (u64::MAX, 0.5)];
        assert_eq!(decode_keyed_terms(&encode_terms(&terms)), Some(Ok(terms)));
        assert!(decode_keyed_terms(b"json").is_none());
        assert!(matches!(decode_keyed_terms(b"\0\0k1abc"), Some(Err(_))));
        assert_eq!(decode_floats(&encode_floats(&[0.5, -0.25])), [0.5, -0.25]);
    }
}
