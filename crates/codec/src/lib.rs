//! Compact little-endian encoding of the stages' in-memory indexes, so that a store can keep
//! them between runs and the next run starts from them instead of re-reading articles.
//!
//! An [`Encoder`] appends; a [`Decoder`] reads with bounds checks. A truncated, foreign or
//! corrupted blob decodes to `None`, never to a panic or a huge allocation: a store is a file
//! anyone can edit, and a bad snapshot only means the slow way in.

/// Appends values to a byte buffer.
#[derive(Debug, Default)]
pub struct Encoder(Vec<u8>);

impl Encoder {
    pub fn new() -> Self {
        Encoder::default()
    }

    /// An encoder with room for `bytes` (a state of tens of megabytes grown by doubling is
    /// copied and faulted in several times over).
    pub fn with_capacity(bytes: usize) -> Self {
        Encoder(Vec::with_capacity(bytes))
    }

    fn put(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend_from_slice(bytes);
        self
    }

    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.put(&[v])
    }

    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.put(&v.to_le_bytes())
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.put(&v.to_le_bytes())
    }

    /// A count and that many `u32`s, in one pass (see [`Decoder::u32s`]).
    pub fn u32s(&mut self, v: &[u32]) -> &mut Self {
        self.len(v.len());
        self.0.reserve(v.len() * 4);
        v.iter().for_each(|x| self.0.extend_from_slice(&x.to_le_bytes()));
        self
    }

    pub fn f32(&mut self, v: f32) -> &mut Self {
        self.put(&v.to_le_bytes())
    }

    pub fn f64(&mut self, v: f64) -> &mut Self {
        self.put(&v.to_le_bytes())
    }

    pub fn opt_f64(&mut self, v: Option<f64>) -> &mut Self {
        match v {
            Some(v) => self.u8(1).f64(v),
            None => self.u8(0),
        }
    }

    /// A count of items that follow (see [`Decoder::len`]); at most `u32::MAX`.
    pub fn len(&mut self, n: usize) -> &mut Self {
        self.u32(u32::try_from(n).expect("a count that fits 32 bits"))
    }

    /// Length-prefixed bytes.
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.len(v.len()).put(v)
    }

    pub fn str(&mut self, v: &str) -> &mut Self {
        self.bytes(v.as_bytes())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Bytes written so far.
    pub fn written(&self) -> usize {
        self.0.len()
    }

    pub fn finish(self) -> Vec<u8> {
        self.0
    }
}

/// Reads what an [`Encoder`] wrote, in the same order.
#[derive(Debug)]
pub struct Decoder<'a> {
    bytes: &'a [u8],
}

impl<'a> Decoder<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Decoder { bytes }
    }

    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.bytes.split_first_chunk::<N>()?;
        self.bytes = rest;
        Some(*head)
    }

    pub fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|b| b[0])
    }

    pub fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }

    pub fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }

    /// What [`Encoder::u32s`] wrote.
    pub fn u32s(&mut self) -> Option<Vec<u32>> {
        let n = self.len(4)?;
        let (head, rest) = self.bytes.split_at(n * 4);
        self.bytes = rest;
        Some(head.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }

    pub fn f32(&mut self) -> Option<f32> {
        self.take().map(f32::from_le_bytes)
    }

    pub fn f64(&mut self) -> Option<f64> {
        self.take().map(f64::from_le_bytes)
    }

    pub fn opt_f64(&mut self) -> Option<Option<f64>> {
        match self.u8()? {
            0 => Some(None),
            1 => self.f64().map(Some),
            _ => None,
        }
    }

    /// A count of items of at least `min_bytes` each: `None` when the rest of the blob could
    /// not hold them, so a corrupted count never sizes an allocation.
    pub fn len(&mut self, min_bytes: usize) -> Option<usize> {
        let n = usize::try_from(self.u32()?).ok()?;
        (n.checked_mul(min_bytes.max(1))? <= self.bytes.len()).then_some(n)
    }

    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.len(1)?;
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    pub fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    /// Checks a tag written with [`Encoder::bytes`] (a format name and version).
    pub fn expect(&mut self, tag: &[u8]) -> Option<()> {
        (self.bytes()? == tag).then_some(())
    }

    /// Whether everything was read: a blob with bytes left over is not the format expected.
    pub fn is_done(&self) -> bool {
        self.bytes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        let mut e = Encoder::new();
        e.bytes(b"tag1").u8(7).u32(70_000).u64(u64::MAX).f32(0.5).f64(-2.25).opt_f64(Some(1.0)).opt_f64(None).str("Київ").u32s(&[1, u32::MAX, 0]);
        let bytes = e.finish();
        let mut d = Decoder::new(&bytes);
        assert_eq!(d.expect(b"tag1"), Some(()));
        assert_eq!((d.u8(), d.u32(), d.u64()), (Some(7), Some(70_000), Some(u64::MAX)));
        assert_eq!((d.f32(), d.f64()), (Some(0.5), Some(-2.25)));
        assert_eq!((d.opt_f64(), d.opt_f64()), (Some(Some(1.0)), Some(None)));
        assert_eq!(d.str(), Some("Київ"));
        assert_eq!(d.u32s(), Some(vec![1, u32::MAX, 0]));
        assert!(d.is_done());
    }

    #[test]
    fn damaged_blobs_decode_to_none() {
        let mut e = Encoder::new();
        e.str("bridge").u32(3);
        let bytes = e.finish();
        // every truncation fails somewhere, and never panics
        for cut in 0..bytes.len() {
            let mut d = Decoder::new(&bytes[..cut]);
            assert!(d.str().is_none() || d.u32().is_none(), "cut at {cut}");
        }
        // a count larger than the blob could hold is refused before anything is allocated
        let mut e = Encoder::new();
        e.len(u32::MAX as usize).u32(1);
        assert_eq!(Decoder::new(&e.finish()).len(4), None);
        assert_eq!(Decoder::new(b"\x04\0\0\0tag2").expect(b"tag1"), None);
    }
}
