//! Sources: turn what the user names on the command line (files, directories, `-` for stdin,
//! any of them gzipped) into [`RawDocument`]s, one at a time.
//!
//! Formats by extension: `.html`/`.htm` saved pages, `.txt` page dumps, `.jsonl` one article per
//! line; anything else is sniffed. A bad file or line yields an error item naming it and the
//! stream goes on: one bad item never aborts a batch.

mod decode;
mod jsonl;

use parallax_model::{DocumentKind, RawDocument};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

pub use decode::{decode_bytes, decode_document};

/// A non-JSONL file larger than this (after decompression) is refused rather than read into
/// memory. JSONL is streamed line by line and has no size limit, only [`MAX_LINE_BYTES`].
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// A JSONL line (one article) longer than this is skipped with an error naming its line.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;
/// A single page (HTML or text dump) is read up to this many bytes: no article is larger, and
/// extraction looks at less, so the rest would only cost memory.
pub const MAX_PAGE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{input}: {source}")]
    Io { input: String, source: std::io::Error },
    #[error("{input}: larger than {max} bytes, skipped")]
    TooLarge { input: String, max: u64 },
    #[error("{input}: {reason}")]
    BadRecord { input: String, reason: String },
}

impl IngestError {
    /// The file, line or stream the error is about.
    pub fn input(&self) -> &str {
        match self {
            IngestError::Io { input, .. } | IngestError::TooLarge { input, .. } | IngestError::BadRecord { input, .. } => input,
        }
    }
}

pub type Item = Result<RawDocument, IngestError>;

/// Every document under the given inputs, in a stable order: inputs as given, directory entries
/// sorted by path. Errors are items too.
pub fn documents(inputs: &[String]) -> impl Iterator<Item = Item> + Send + '_ {
    inputs.iter().flat_map(|input| -> Box<dyn Iterator<Item = Item> + Send> {
        if input == "-" {
            return read_stdin();
        }
        let path = Path::new(input);
        match std::fs::metadata(path) {
            Err(e) => Box::new(std::iter::once(Err(IngestError::Io { input: input.clone(), source: e }))),
            Ok(m) if m.is_dir() => {
                let mut files = Vec::new();
                let mut errors = Vec::new();
                walk(path, &mut files, &mut errors, 0);
                files.sort();
                Box::new(errors.into_iter().map(Err).chain(files.into_iter().flat_map(|f| read_file(&f))))
            }
            Ok(m) if m.is_file() => read_file(path),
            // a FIFO, socket or device would block the whole batch or never end
            Ok(_) => Box::new(std::iter::once(Err(IngestError::BadRecord {
                input: input.clone(),
                reason: "not a regular file (a pipe, socket or device): give a file, a directory or - for stdin".into(),
            }))),
        }
    })
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<IngestError>, depth: usize) {
    if depth > 32 {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return errors.push(IngestError::Io { input: dir.display().to_string(), source: e }),
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, files, errors, depth + 1),
            Ok(t) if t.is_file() && is_known(&path) => files.push(path),
            _ => {}
        }
    }
}

/// Extensions read when walking a directory (a file named explicitly is read whatever its name).
fn is_known(path: &Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    [".html", ".htm", ".txt", ".jsonl", ".ndjson"].iter().any(|e| name.ends_with(e))
}

fn read_stdin() -> Box<dyn Iterator<Item = Item> + Send> {
    read_stream("-".into(), "", Box::new(std::io::stdin()), false)
}

fn read_file(path: &Path) -> Box<dyn Iterator<Item = Item> + Send> {
    let input = path.display().to_string();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Box::new(std::iter::once(Err(IngestError::Io { input, source: e }))),
    };
    let lower = input.to_ascii_lowercase();
    let gz = lower.ends_with(".gz");
    let name = lower.strip_suffix(".gz").unwrap_or(&lower).to_string();
    read_stream(input, &name, Box::new(file), gz)
}

/// One source, streamed when it is JSONL (a feed may hold millions of lines and is never read
/// whole), otherwise read up to its cap and split by format. `name` is the lowercased file name
/// without `.gz`, empty for stdin (whose format and compression are sniffed).
fn read_stream(input: String, name: &str, raw: Box<dyn Read + Send>, gz: bool) -> Box<dyn Iterator<Item = Item> + Send> {
    let mut reader: Box<dyn BufRead + Send> = Box::new(BufReader::with_capacity(256 * 1024, raw));
    let head = match reader.fill_buf() {
        Ok(h) => h,
        Err(e) => return Box::new(std::iter::once(Err(IngestError::Io { input, source: e }))),
    };
    if gz || (name.is_empty() && head.starts_with(&[0x1f, 0x8b])) {
        reader = Box::new(BufReader::with_capacity(256 * 1024, flate2::read::MultiGzDecoder::new(reader)));
    }
    let page = [".html", ".htm", ".txt"].iter().any(|e| name.ends_with(e));
    let declared_jsonl = name.ends_with(".jsonl") || name.ends_with(".ndjson");
    let sniffed_jsonl = !page && !declared_jsonl && reader.fill_buf().is_ok_and(|h| h.trim_ascii_start().starts_with(b"{"));
    if declared_jsonl || sniffed_jsonl {
        return Box::new(jsonl::Lines::new(input, reader));
    }
    let limit = if page { MAX_PAGE_BYTES } else { MAX_FILE_BYTES + 1 };
    let mut buf = Vec::new();
    if let Err(e) = reader.take(limit).read_to_end(&mut buf) {
        return Box::new(std::iter::once(Err(IngestError::Io { input, source: e })));
    }
    Box::new(std::iter::once(parse_bytes(&input, name, buf)))
}

/// One page by format: `name` is the lowercased file name without `.gz`.
fn parse_bytes(input: &str, name: &str, buf: Vec<u8>) -> Item {
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(IngestError::TooLarge { input: input.into(), max: MAX_FILE_BYTES });
    }
    let kind = if name.ends_with(".html") || name.ends_with(".htm") {
        Some(DocumentKind::Html)
    } else if name.ends_with(".txt") {
        Some(DocumentKind::Text)
    } else {
        None
    };
    if let Some(what) = binary_kind(&buf) {
        return Err(IngestError::BadRecord { input: input.into(), reason: format!("binary content ({what}), not a page or text: skipped") });
    }
    let is_html = kind == Some(DocumentKind::Html);
    let body = decode_bytes(&buf, is_html || kind.is_none());
    Ok(RawDocument { input: input.into(), kind, body, hints: Default::default() })
}

/// What a document's bytes are when they are not text: a known file signature, or control bytes
/// that no page or dump holds (NUL, or many others in the first kilobytes). Text in UTF-16 has
/// NULs too; it is rare in news and read as binary rather than as garbage.
pub fn binary_kind(buf: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x7fELF", "an ELF executable"),
        (b"MZ", "a Windows executable"),
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x1f\x8b", "gzip data (name the file .gz)"),
        (b"SQLite format 3", "an SQLite database"),
    ];
    if let Some((_, what)) = SIGNATURES.iter().find(|(sig, _)| buf.starts_with(sig)) {
        return Some(what);
    }
    let head = &buf[..buf.len().min(8192)];
    let controls = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    (head.contains(&0) || controls * 100 > head.len().max(1) * 2).then_some("control bytes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn binary_files_and_pipes_are_refused_with_a_reason() {
        let dir = tmpdir("binary");
        let exe = dir.join("x.html");
        std::fs::write(&exe, b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0").unwrap();
        let items: Vec<Item> = documents(&[exe.display().to_string()]).collect();
        let err = items[0].as_ref().unwrap_err().to_string();
        assert!(err.contains("x.html") && err.contains("ELF"), "{err}");
        let nul = dir.join("nul.txt");
        std::fs::write(&nul, b"Some text\0\0\0 with NULs inside it").unwrap();
        assert!(documents(&[nul.display().to_string()]).next().unwrap().is_err());
        // text with a form feed or tabs is still text
        let ok = dir.join("ok.txt");
        std::fs::write(&ok, "A headline\n\tA paragraph of plain text.\x0c\n").unwrap();
        assert!(documents(&[ok.display().to_string()]).next().unwrap().is_ok());
        #[cfg(unix)]
        {
            let fifo = dir.join("pipe.html");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
            if made {
                let err = documents(&[fifo.display().to_string()]).next().unwrap().unwrap_err().to_string();
                assert!(err.contains("pipe.html") && err.contains("not a regular file"), "{err}");
            }
        }
    }

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("parallax-ingest-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn walks_directories_in_order_and_reads_gzip() {
        let d = tmpdir("walk");
        std::fs::create_dir_all(d.join("sub")).unwrap();
        std::fs::write(d.join("b.txt"), "second").unwrap();
        std::fs::write(d.join("a.html"), "<p>first</p>").unwrap();
        std::fs::write(d.join("notes.md"), "ignored").unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"third, zipped").unwrap();
        std::fs::write(d.join("sub/c.txt.gz"), gz.finish().unwrap()).unwrap();
        let docs: Vec<_> = documents(&[d.display().to_string()]).map(Result::unwrap).collect();
        let bodies: Vec<_> = docs.iter().map(|d| d.body.as_str()).collect();
        assert_eq!(bodies, vec!["<p>first</p>", "second", "third, zipped"]);
        assert_eq!(docs[0].kind, Some(DocumentKind::Html));
        assert_eq!(docs[2].kind, Some(DocumentKind::Text));
    }

    #[test]
    fn oversized_pages_are_read_up_to_the_page_cap() {
        let d = tmpdir("cap");
        let page = d.join("huge.html");
        std::fs::write(&page, "<p>x</p>".repeat((MAX_PAGE_BYTES as usize) / 8 + 1000)).unwrap();
        let docs: Vec<_> = documents(&[page.display().to_string()]).collect();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].as_ref().unwrap().body.len() as u64, MAX_PAGE_BYTES);
    }

    #[test]
    fn missing_file_is_an_error_item_and_the_rest_goes_on() {
        let d = tmpdir("missing");
        std::fs::write(d.join("ok.txt"), "fine").unwrap();
        let inputs = vec![d.join("nope.txt").display().to_string(), d.join("ok.txt").display().to_string()];
        let items: Vec<_> = documents(&inputs).collect();
        assert_eq!(items.len(), 2);
        let err = items[0].as_ref().unwrap_err().to_string();
        assert!(err.contains("nope.txt") && err.to_lowercase().contains("no such file"), "{err}");
        assert!(items[1].is_ok());
    }
}
