//! The candle implementation of [`Embedder`]: BERT forward pass, mean pooling, L2 norm.

use std::path::Path;

use candle_core::{DType, Device, Tensor, D};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config, HiddenAct, DTYPE};
use tokenizers::{Tokenizer, TruncationParams};

use crate::{check_dir, EmbedError, DEFAULT_MAX_TOKENS};

/// Texts run through the model together. Texts are sorted by length first, so each chunk pads
/// to a similar length; 32 keeps the attention scores small and the matrix products wide.
const CHUNK: usize = 32;

/// all-MiniLM-L6-v2 (or any BERT encoder in the same layout) loaded once, ready to embed
/// batches of texts on the CPU. `Send + Sync`: share it behind an `Arc` across threads.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    dim: usize,
    max_tokens: usize,
    max_positions: usize,
    device: Device,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").field("dim", &self.dim).field("max_tokens", &self.max_tokens).finish_non_exhaustive()
    }
}

fn file_err(path: &Path, reason: impl std::fmt::Display) -> EmbedError {
    EmbedError::File { path: path.to_path_buf(), reason: reason.to_string() }
}

fn infer_err(e: impl std::fmt::Display) -> EmbedError {
    EmbedError::Inference(e.to_string())
}

impl Embedder {
    /// Loads model.safetensors, tokenizer.json and config.json from `dir`. Errors name the
    /// directory or file and what is wrong with it.
    pub fn load(dir: &Path) -> Result<Embedder, EmbedError> {
        check_dir(dir)?;
        let device = Device::Cpu;

        let config_path = dir.join("config.json");
        let config_text = std::fs::read_to_string(&config_path).map_err(|e| file_err(&config_path, e))?;
        let config: Config = serde_json::from_str(&config_text).map_err(|e| file_err(&config_path, format!("not a BERT config: {e}")))?;
        if config.hidden_size == 0 || config.num_attention_heads == 0 || !config.hidden_size.is_multiple_of(config.num_attention_heads) {
            return Err(file_err(
                &config_path,
                format!("hidden_size {} is not a multiple of num_attention_heads {}", config.hidden_size, config.num_attention_heads),
            ));
        }
        if config.hidden_act != HiddenAct::Gelu {
            return Err(file_err(&config_path, "hidden_act must be \"gelu\" (all-MiniLM-L6-v2)"));
        }

        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path).map_err(|e| file_err(&tokenizer_path, e))?;
        // tokenizer.json pads every text to a fixed 128; chunks are padded here instead.
        tokenizer.with_padding(None);

        let weights_path = dir.join("model.safetensors");
        let bytes = std::fs::read(&weights_path).map_err(|e| file_err(&weights_path, e))?;
        let model = {
            let vb = VarBuilder::from_slice_safetensors(&bytes, DTYPE, &device).map_err(|e| file_err(&weights_path, format!("not a safetensors file: {e}")))?;
            BertModel::load(vb, &config).map_err(|e| file_err(&weights_path, format!("weights do not fit config.json: {e}")))?
        };
        drop(bytes);

        let embedder = Embedder { model, tokenizer, dim: config.hidden_size, max_tokens: 0, max_positions: config.max_position_embeddings, device };
        embedder.set_max_tokens(DEFAULT_MAX_TOKENS).map_err(|e| file_err(&tokenizer_path, e))
    }

    fn set_max_tokens(mut self, n: usize) -> Result<Embedder, String> {
        let n = n.clamp(3, self.max_positions.max(3));
        self.tokenizer
            .with_truncation(Some(TruncationParams { max_length: n, ..Default::default() }))
            .map_err(|e| format!("cannot truncate to {n} word pieces: {e}"))?;
        self.max_tokens = n;
        Ok(self)
    }

    /// Keeps at most `n` word pieces per text, `[CLS]` and `[SEP]` included (clamped to
    /// 3..=max_position_embeddings). The default is [`DEFAULT_MAX_TOKENS`].
    pub fn with_max_tokens(self, n: usize) -> Embedder {
        // Truncation without a stride cannot fail once n leaves room for the special tokens.
        self.set_max_tokens(n).expect("truncation without stride")
    }

    /// Word pieces kept per text, `[CLS]` and `[SEP]` included.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// Length of the vectors [`Embedder::embed`] returns (384 for all-MiniLM-L6-v2).
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// One L2-normalised vector per text, in order: the mean of the last hidden states over the
    /// text's word pieces (the sentence-transformers recipe). Texts are truncated to
    /// [`Embedder::max_tokens`] and run in padded chunks of similar length.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let encodings = self.tokenizer.encode_batch(texts.to_vec(), true).map_err(infer_err)?;
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| encodings[i].get_ids().len());

        let mut out = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(CHUNK) {
            let rows: Vec<&[u32]> = chunk.iter().map(|&i| encodings[i].get_ids()).collect();
            let vectors = self.forward(&rows).map_err(infer_err)?;
            for (&i, v) in chunk.iter().zip(vectors) {
                out[i] = v;
            }
        }
        Ok(out)
    }

    /// Runs one padded chunk: ids, mask and token types of shape (batch, longest).
    fn forward(&self, rows: &[&[u32]]) -> candle_core::Result<Vec<Vec<f32>>> {
        let batch = rows.len();
        let len = rows.iter().map(|r| r.len()).max().unwrap_or(0).max(1);
        let mut ids = vec![0u32; batch * len];
        let mut mask = vec![0u32; batch * len];
        for (b, row) in rows.iter().enumerate() {
            ids[b * len..b * len + row.len()].copy_from_slice(row);
            mask[b * len..b * len + row.len()].fill(1);
        }
        let ids = Tensor::from_vec(ids, (batch, len), &self.device)?;
        let mask = Tensor::from_vec(mask, (batch, len), &self.device)?;
        let types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?; // (batch, len, dim)

        let maskf = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // (batch, len, 1)
        let summed = hidden.broadcast_mul(&maskf)?.sum(1)?; // (batch, dim)
        let counts = maskf.sum(1)?.clamp(1e-9f32, f32::MAX)?; // (batch, 1)
        let mean = summed.broadcast_div(&counts)?;
        let norms = mean.sqr()?.sum_keepdim(D::Minus1)?.sqrt()?.clamp(1e-12f32, f32::MAX)?;
        mean.broadcast_div(&norms)?.to_vec2::<f32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{cosine, test_model_dir};
    use std::sync::OnceLock;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn embedder_is_send_and_sync() {
        assert_send_sync::<Embedder>();
    }

    /// The model, loaded once for all tests; `None` (with a skip message) when it is absent.
    fn embedder() -> Option<&'static Embedder> {
        static MODEL: OnceLock<Option<Embedder>> = OnceLock::new();
        let dir = test_model_dir();
        let model = MODEL.get_or_init(|| dir.join("model.safetensors").is_file().then(|| Embedder::load(&dir).expect("model directory loads")));
        if model.is_none() {
            eprintln!("skipping: no model at {} (run scripts/fetch-model.sh or set PARALLAX_EMBED_MODEL)", dir.display());
        }
        model.as_ref()
    }

    #[test]
    fn load_of_a_missing_dir_names_it() {
        let dir = std::env::temp_dir().join("parallax-embed-missing/all-MiniLM-L6-v2");
        let err = Embedder::load(&dir).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, EmbedError::Dir { .. }), "{msg}");
        assert!(msg.contains(&dir.display().to_string()), "{msg}");
    }

    #[test]
    fn bad_config_names_the_file() {
        let dir = std::env::temp_dir().join(format!("parallax-embed-badcfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.json"), r#"{"model_type": "bert"}"#).unwrap();
        for f in ["model.safetensors", "tokenizer.json"] {
            std::fs::write(dir.join(f), b"").unwrap();
        }
        let err = Embedder::load(&dir).unwrap_err();
        std::fs::remove_dir_all(&dir).ok();
        let msg = err.to_string();
        assert!(msg.contains("config.json") && msg.contains("not a BERT config"), "{msg}");
    }

    #[derive(serde::Deserialize)]
    struct Reference {
        max_tokens: usize,
        sentences: Vec<RefSentence>,
    }
    #[derive(serde::Deserialize)]
    struct RefSentence {
        text: String,
        ids: Vec<u32>,
        embedding: Vec<f32>,
    }

    fn reference() -> Reference {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/reference.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
        assert_eq!(a.len(), b.len());
        a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
    }

    #[test]
    fn matches_the_numpy_reference() {
        let Some(e) = embedder() else { return };
        let r = reference();
        assert_eq!(e.max_tokens(), r.max_tokens);
        let texts: Vec<&str> = r.sentences.iter().map(|s| s.text.as_str()).collect();
        for s in &r.sentences {
            let enc = e.tokenizer.encode(s.text.as_str(), true).unwrap();
            assert_eq!(enc.get_ids(), s.ids.as_slice(), "word pieces of {:?}", s.text);
        }
        // Together (padded to the longest) and one at a time (no padding).
        let together = e.embed(&texts).unwrap();
        let mut worst = 0.0f32;
        for (i, s) in r.sentences.iter().enumerate() {
            let alone = e.embed(&[s.text.as_str()]).unwrap().remove(0);
            assert_eq!(alone.len(), 384);
            let norm = alone.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-5, "norm {norm}");
            worst = worst.max(max_abs_diff(&alone, &s.embedding));
            worst = worst.max(max_abs_diff(&together[i], &s.embedding));
        }
        eprintln!("max abs diff against the numpy reference: {worst:.3e}");
        assert!(worst < 1e-4, "max abs diff {worst}");
    }

    #[test]
    fn paraphrases_score_above_unrelated_text() {
        let Some(e) = embedder() else { return };
        let v = e
            .embed(&[
                "A ferry carrying 120 passengers capsized off the coast on Tuesday.",
                "On Tuesday a boat with 120 people on board overturned near the shore.",
                "The central bank left interest rates unchanged, citing slowing inflation.",
            ])
            .unwrap();
        let para = cosine(&v[0], &v[1]);
        let unrelated = cosine(&v[0], &v[2]);
        eprintln!("cosine: paraphrase {para:.4}, unrelated {unrelated:.4}");
        assert!(para > unrelated + 0.3, "paraphrase {para} vs unrelated {unrelated}");
    }

    #[test]
    fn truncation_and_order() {
        let Some(e) = embedder() else { return };
        let long = "word ".repeat(400);
        let texts = ["short one", long.as_str(), "", "a medium length sentence about ferries"];
        let v = e.embed(&texts).unwrap();
        assert_eq!(v.len(), 4);
        for (t, x) in texts.iter().zip(&v) {
            // Padding changes the float sums slightly, nothing more.
            let alone = e.embed(&[t]).unwrap().remove(0);
            let d = max_abs_diff(x, &alone);
            assert!(d < 1e-5, "batch vs alone for {t:?}: {d}");
        }
        assert!(e.embed(&[]).unwrap().is_empty());
        // Truncated to 128 word pieces: extra words past the cut change nothing.
        let longer = format!("{long} and then something else entirely");
        let a = e.embed(&[long.as_str()]).unwrap();
        let b = e.embed(&[longer.as_str()]).unwrap();
        assert!(max_abs_diff(&a[0], &b[0]) < 1e-6);
    }

    #[test]
    fn max_tokens_is_settable() {
        let Some(_) = embedder() else { return };
        let e = Embedder::load(&test_model_dir()).unwrap().with_max_tokens(16);
        assert_eq!(e.max_tokens(), 16);
        let a = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen";
        let b = format!("{a} fifteen sixteen seventeen");
        let c = "one two three four five six";
        let v = e.embed(&[a, b.as_str(), c]).unwrap();
        assert!(max_abs_diff(&v[0], &v[1]) < 1e-5, "cut at 16 word pieces");
        assert!(max_abs_diff(&v[0], &v[2]) > 1e-2);
        assert_eq!(e.with_max_tokens(1).max_tokens(), 3);
        let e = Embedder::load(&test_model_dir()).unwrap().with_max_tokens(100_000);
        assert_eq!(e.max_tokens(), 512);
    }

    /// Throughput on 64 news-lede-sized texts (~100 word pieces); run with
    /// `cargo test -p parallax-embed --features candle --release -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput() {
        let Some(e) = embedder() else { return };
        let base = "Rescue teams searched the waters off the northern coast on Tuesday after a \
            passenger ferry carrying more than 120 people capsized in rough seas, officials said, \
            with at least 14 confirmed dead and dozens still missing. The regional governor \
            said the vessel had been overloaded and that the operator's licence would be reviewed, \
            while survivors described a sudden list to port minutes after leaving the harbour \
            and a frantic scramble in the dark for the few life jackets stored on the upper deck";
        let texts: Vec<String> = (0..64).map(|i| format!("{base} ({i}).")).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let pieces = e.tokenizer.encode(refs[0], true).unwrap().get_ids().len();
        e.embed(&refs[..4]).unwrap();
        let runs = 3;
        let t = std::time::Instant::now();
        for _ in 0..runs {
            e.embed(&refs).unwrap();
        }
        let secs = t.elapsed().as_secs_f64();
        eprintln!("{} texts of {pieces} word pieces: {:.1} sentences/s", refs.len(), (runs * refs.len()) as f64 / secs);
    }
}
