//! Sentence embeddings for story clustering: all-MiniLM-L6-v2 run on the CPU from a local
//! directory (model.safetensors, tokenizer.json, config.json), mean-pooled and L2-normalised
//! like sentence-transformers.
//!
//! The model stack (candle, tokenizers) sits behind the crate feature `candle`, off by default.
//! Without it the crate is tiny and [`Embedder::load`] returns [`EmbedError::NotBuilt`]. Nothing is
//! downloaded at run time; `scripts/fetch-model.sh` puts the three files in place once.
//!
//! ```no_run
//! use parallax_embed::{cosine, Embedder};
//! let embedder = Embedder::load("models/all-MiniLM-L6-v2".as_ref())?.with_max_tokens(128);
//! let v = embedder.embed(&["Ferry capsizes off the coast", "Boat overturns near the shore"])?;
//! assert_eq!(v[0].len(), embedder.dim());
//! println!("{}", cosine(&v[0], &v[1]));
//! # Ok::<(), parallax_embed::EmbedError>(())
//! ```

use std::path::{Path, PathBuf};

/// Word pieces kept per text (including `[CLS]` and `[SEP]`) unless
/// [`Embedder::with_max_tokens`] says otherwise. A 64–128 word-piece lede clusters as well as the
/// full text.
pub const DEFAULT_MAX_TOKENS: usize = 128;

/// The files [`Embedder::load`] reads from the model directory.
pub const MODEL_FILES: [&str; 3] = ["model.safetensors", "tokenizer.json", "config.json"];

/// Why a model could not be loaded or run. Messages name the directory or file concerned.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The crate was compiled without the `candle` feature.
    #[error("parallax was built without embedding support; rebuild with --features embed")]
    NotBuilt,
    /// The model directory is missing or is not a directory.
    #[error("embedding model directory {}: {reason}", dir.display())]
    Dir { dir: PathBuf, reason: String },
    /// One of the model files is missing, unreadable or malformed.
    #[error("embedding model file {}: {reason}", path.display())]
    File { path: PathBuf, reason: String },
    /// Tokenization or the forward pass failed.
    #[error("embedding failed: {0}")]
    Inference(String),
}

/// Cosine similarity of two vectors; 0 when either is all zeros. For the unit vectors
/// [`Embedder::embed`] returns this equals their dot product.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len(), "cosine of vectors of different lengths");
    let (mut dot, mut na, mut nb) = (0.0f32, 0.0f32, 0.0f32);
    for (x, y) in a.iter().zip(b) {
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    if na == 0.0 || nb == 0.0 {
        return 0.0;
    }
    dot / (na.sqrt() * nb.sqrt())
}

/// Checks that `dir` is a directory holding every file in [`MODEL_FILES`].
#[cfg_attr(not(feature = "candle"), allow(dead_code))]
fn check_dir(dir: &Path) -> Result<(), EmbedError> {
    if !dir.exists() {
        return Err(EmbedError::Dir { dir: dir.to_path_buf(), reason: "does not exist (scripts/fetch-model.sh fetches all-MiniLM-L6-v2 into it)".into() });
    }
    if !dir.is_dir() {
        return Err(EmbedError::Dir { dir: dir.to_path_buf(), reason: "is not a directory".into() });
    }
    for name in MODEL_FILES {
        let path = dir.join(name);
        if !path.is_file() {
            return Err(EmbedError::File { path, reason: format!("missing (the directory must hold {})", MODEL_FILES.join(", ")) });
        }
    }
    Ok(())
}

#[cfg(feature = "candle")]
mod model;

#[cfg(feature = "candle")]
pub use model::Embedder;

#[cfg(not(feature = "candle"))]
mod stub {
    use super::EmbedError;
    use std::path::Path;

    #[derive(Debug)]
    enum Never {}

    /// A sentence embedder. This build has no model support (the `candle` feature is off), so
    /// no value of this type can exist: [`Embedder::load`] always fails.
    #[derive(Debug)]
    pub struct Embedder {
        never: Never,
    }

    impl Embedder {
        /// Always [`EmbedError::NotBuilt`] in this build.
        pub fn load(dir: &Path) -> Result<Embedder, EmbedError> {
            let _ = dir;
            Err(EmbedError::NotBuilt)
        }

        /// Word pieces kept per text.
        pub fn with_max_tokens(self, n: usize) -> Embedder {
            let _ = n;
            match self.never {}
        }

        /// Word pieces kept per text.
        pub fn max_tokens(&self) -> usize {
            match self.never {}
        }

        /// Length of the vectors [`Embedder::embed`] returns.
        pub fn dim(&self) -> usize {
            match self.never {}
        }

        /// One unit vector per text.
        pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
            let _ = texts;
            match self.never {}
        }
    }
}

#[cfg(not(feature = "candle"))]
pub use stub::Embedder;

/// Where the tests look for the model: `$PARALLAX_EMBED_MODEL`, else
/// `<repo>/models/all-MiniLM-L6-v2`.
#[cfg(test)]
fn test_model_dir() -> PathBuf {
    match std::env::var_os("PARALLAX_EMBED_MODEL") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../models/all-MiniLM-L6-v2"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cosine_basics() {
        assert!((cosine(&[1.0, 0.0], &[2.0, 0.0]) - 1.0).abs() < 1e-6);
        assert!(cosine(&[1.0, 0.0], &[0.0, 3.0]).abs() < 1e-6);
        assert!((cosine(&[1.0, 1.0], &[-1.0, -1.0]) + 1.0).abs() < 1e-6);
        assert_eq!(cosine(&[0.0, 0.0], &[1.0, 0.0]), 0.0);
    }

    #[test]
    fn missing_dir_names_the_path() {
        let dir = std::env::temp_dir().join("parallax-embed-no-such-model-dir");
        let err = check_dir(&dir).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&dir.display().to_string()), "{msg}");
        assert!(msg.contains("does not exist"), "{msg}");
    }

    #[test]
    fn missing_file_names_the_file() {
        let dir = std::env::temp_dir().join(format!("parallax-embed-partial-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.json"), "{}").unwrap();
        let err = check_dir(&dir).unwrap_err();
        std::fs::remove_dir_all(&dir).ok();
        let msg = err.to_string();
        assert!(msg.contains("model.safetensors"), "{msg}");
        assert!(msg.contains("missing"), "{msg}");
    }

    #[cfg(not(feature = "candle"))]
    #[test]
    fn without_the_feature_load_says_so() {
        let err = Embedder::load(&test_model_dir()).unwrap_err();
        assert!(matches!(err, EmbedError::NotBuilt));
        assert_eq!(err.to_string(), "parallax was built without embedding support; rebuild with --features embed");
    }
}
