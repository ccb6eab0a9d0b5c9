//! Preparing a document: extraction, its id, its dedup sketch and cluster terms, and the lede
//! embedding. Stateless, so it runs on every core ahead of placement.

use crate::{article_id, RawItem};
use parallax_cluster::{ClusterConfig, TermCounts};
use parallax_dedup::{DedupConfig, Fingerprint};
use parallax_model::Article;

/// Words of the body after the title that the embedding reads: the lede says what happened.
pub(crate) const EMBED_LEDE_WORDS: usize = 100;

/// Documents per message between the reader, the preparing workers and placement.
pub(crate) const PREPARE_CHUNK: usize = 32;

/// Chunks per worker that may wait in each queue. Placement pauses now and then (a store
/// checkpoint); a deeper queue lets the workers keep preparing meanwhile. Bounded, so memory
/// stays at a few thousand documents in flight.
pub(crate) const QUEUE_CHUNKS: usize = 16;

/// Chunks numbered by the reader, received in any order, yielded in number order.
pub(crate) fn in_order<T>(chunks: impl Iterator<Item = (usize, T)>) -> impl Iterator<Item = T> {
    let mut pending = std::collections::BTreeMap::new();
    let mut next = 0;
    let mut chunks = chunks.fuse();
    std::iter::from_fn(move || loop {
        if let Some(c) = pending.remove(&next) {
            next += 1;
            return Some(c);
        }
        let (seq, c) = chunks.next()?;
        pending.insert(seq, c);
    })
}

/// A document made ready for placement off the main thread. (Failures are rare, so the size
/// difference between the variants costs nothing worth a box.)
#[allow(clippy::large_enum_variant)]
pub(crate) enum Prepared {
    Ready { input: String, article: Article, fp: Fingerprint, counts: TermCounts, embedding: Option<Vec<f32>> },
    Failed { input: String, error: String },
}

/// Extraction, id and the index features: everything about one document that needs no engine
/// state.
pub(crate) fn prepare(item: RawItem, dedup: &DedupConfig, cluster: &ClusterConfig) -> Prepared {
    let doc = match item {
        Ok(d) => d,
        Err(e) => return Prepared::Failed { input: e.input().to_string(), error: e.to_string() },
    };
    match parallax_extract::extract_with_words(&doc) {
        Ok((mut article, words)) => {
            article.id = article_id(&article);
            let fp = parallax_dedup::fingerprint_words(&words, dedup);
            let counts = TermCounts::from_paragraphs(article.title.as_deref().unwrap_or(""), &article.paragraphs, cluster);
            Prepared::Ready { input: doc.input, article, fp, counts, embedding: None }
        }
        Err(e) => Prepared::Failed { input: doc.input, error: e.to_string() },
    }
}

/// Adds the lede embedding to every prepared article of a chunk, in one batch through the model.
/// An inference failure leaves the articles without one (they are placed on words alone).
pub(crate) fn embed_ledes(model: &parallax_embed::Embedder, chunk: &mut [Prepared]) {
    let ledes: Vec<String> = chunk
        .iter()
        .filter_map(|p| match p {
            Prepared::Ready { article, .. } => {
                let body = article.paragraphs.iter().flat_map(|p| p.split_whitespace()).take(EMBED_LEDE_WORDS).collect::<Vec<_>>().join(" ");
                Some(format!("{}. {body}", article.title.as_deref().unwrap_or("")))
            }
            Prepared::Failed { .. } => None,
        })
        .collect();
    let texts: Vec<&str> = ledes.iter().map(String::as_str).collect();
    let Ok(vectors) = model.embed(&texts) else { return };
    let mut vectors = vectors.into_iter();
    for p in chunk.iter_mut() {
        if let Prepared::Ready { embedding, .. } = p {
            *embedding = vectors.next();
        }
    }
}

/// [`prepare`], with a bug on one document (a panic) reported as that document's failure: the
/// batch goes on, and placement never waits for a worker that died.
pub(crate) fn prepare_guarded(item: RawItem, dedup: &DedupConfig, cluster: &ClusterConfig) -> Prepared {
    let input = match &item {
        Ok(d) => d.input.clone(),
        Err(e) => e.input().to_string(),
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| prepare(item, dedup, cluster))).unwrap_or_else(|panic| {
        let why = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
        Prepared::Failed { input, error: format!("internal error while reading this document ({why}); please report it") }
    })
}

/// A document prepared by one process and placed by another (`parallax work`): everything
/// placement needs, as bytes a job queue can hold. Placing it gives what placing the document
/// in one process gives.
pub struct PreparedDocument(pub(crate) Prepared);

/// Opens the bytes of a [`PreparedDocument`]; the version changes with the layout.
const PREPARED_TAG: &[u8] = b"parallax.prepared/1";

impl PreparedDocument {
    /// Why the document could not be prepared, if it could not.
    pub fn failure(&self) -> Option<&str> {
        match &self.0 {
            Prepared::Failed { error, .. } => Some(error),
            Prepared::Ready { .. } => None,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut e = parallax_codec::Encoder::with_capacity(4096);
        e.bytes(PREPARED_TAG);
        match &self.0 {
            Prepared::Ready { input, article, fp, counts, embedding } => {
                e.u8(1);
                e.str(input);
                e.bytes(&serde_json::to_vec(article).expect("an article serializes"));
                e.bytes(&fp.to_bytes());
                e.bytes(&parallax_store::encoding::encode_terms(&counts.0));
                match embedding {
                    Some(v) => {
                        e.u8(1);
                        e.bytes(&parallax_store::encoding::encode_floats(v));
                    }
                    None => {
                        e.u8(0);
                    }
                }
            }
            Prepared::Failed { input, error } => {
                e.u8(0);
                e.str(input);
                e.str(error);
            }
        }
        e.finish()
    }

    /// Reads [`PreparedDocument::to_bytes`]; `None` for bytes of another version or cut short.
    pub fn from_bytes(bytes: &[u8], dedup: &DedupConfig) -> Option<PreparedDocument> {
        let mut d = parallax_codec::Decoder::new(bytes);
        d.expect(PREPARED_TAG)?;
        let prepared = match d.u8()? {
            1 => {
                let input = d.str()?.to_string();
                let article: Article = serde_json::from_slice(d.bytes()?).ok()?;
                let fp = Fingerprint::from_bytes(d.bytes()?, dedup)?;
                let counts = TermCounts(parallax_store::encoding::decode_keyed_terms(d.bytes()?)?.ok()?);
                let embedding = match d.u8()? {
                    1 => Some(parallax_store::encoding::decode_floats(d.bytes()?)),
                    _ => None,
                };
                Prepared::Ready { input, article, fp, counts, embedding }
            }
            _ => Prepared::Failed { input: d.str()?.to_string(), error: d.str()?.to_string() },
        };
        d.is_done().then_some(PreparedDocument(prepared))
    }
}

/// Prepares documents as an ingest does (extraction, id, dedup sketch, terms, and the lede
/// embedding when the engine has a model), each on its own: a bad one is a failed document.
pub fn prepare_documents(docs: Vec<RawItem>, config: &crate::EngineConfig) -> Vec<PreparedDocument> {
    prepare_chunk(docs, &config.dedup, &config.cluster, config.embedder.as_deref()).into_iter().map(PreparedDocument).collect()
}

/// One chunk of documents prepared, each on its own, then their ledes embedded in one batch
/// when there is a model: what an ingest's preparing threads and a worker both do.
pub(crate) fn prepare_chunk(docs: Vec<RawItem>, dedup: &DedupConfig, cluster: &ClusterConfig, embedder: Option<&parallax_embed::Embedder>) -> Vec<Prepared> {
    let mut out: Vec<Prepared> = docs.into_iter().map(|d| prepare_guarded(d, dedup, cluster)).collect();
    if let Some(model) = embedder {
        embed_ledes(model, &mut out);
    }
    out
}
