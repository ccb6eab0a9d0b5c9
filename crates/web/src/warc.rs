//! WARC files (ISO 28500; CC-NEWS among them), streamed one record at a time. Only `response`
//! records of HTML pages become documents. A file cut short ends with one error that says
//! where, after every whole record before the cut.

use crate::SourceError;
use std::io::{BufRead, Read};

/// The largest record block read; a larger one is skipped with an error.
pub const MAX_RECORD_BYTES: u64 = 32 * 1024 * 1024;
/// The largest page body after removing its transfer and content encodings.
pub const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;
const MAX_HEADER_LINES: usize = 256;

/// An HTML page a WARC response record holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub url: String,
    /// WARC-Date (ISO 8601): when it was fetched, not published.
    pub fetched: Option<String>,
    pub body: Vec<u8>,
}

/// The pages of a WARC stream, in file order, with an error item for each record that could
/// not be read. After a truncation error the iterator ends.
pub struct Pages<R: BufRead> {
    reader: R,
    name: String,
    offset: u64,
    done: bool,
}

impl<R: BufRead> Pages<R> {
    pub fn new(reader: R, name: &str) -> Pages<R> {
        Pages { reader, name: name.to_string(), offset: 0, done: false }
    }

    fn truncated(&mut self, what: &str) -> Option<Result<Page, SourceError>> {
        self.done = true;
        Some(Err(SourceError::Limit {
            source_name: self.name.clone(),
            reason: format!("truncated at byte {} ({what}); the records before it were read", self.offset),
        }))
    }

    fn line(&mut self) -> std::io::Result<Option<String>> {
        let mut buf = Vec::new();
        let n = (&mut self.reader).take(64 * 1024).read_until(b'\n', &mut buf)?;
        self.offset += n as u64;
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(String::from_utf8_lossy(&buf).trim_end_matches(['\r', '\n']).to_string()))
    }
}

impl<R: BufRead> Iterator for Pages<R> {
    type Item = Result<Page, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            // the version line, after any blank lines between records
            let version = loop {
                match self.line() {
                    Ok(None) => {
                        self.done = true;
                        return None;
                    }
                    Ok(Some(l)) if l.is_empty() => continue,
                    Ok(Some(l)) => break l,
                    Err(e) => return self.truncated(&format!("unreadable: {e}")),
                }
            };
            if !version.starts_with("WARC/") {
                self.done = true;
                return Some(Err(SourceError::Invalid {
                    source_name: self.name.clone(),
                    what: "WARC file",
                    reason: format!("expected a WARC/1.x record at byte {}, found {:?}", self.offset, version.chars().take(40).collect::<String>()),
                }));
            }
            let (mut kind, mut uri, mut date, mut length, mut content_type) = (String::new(), String::new(), None, None, String::new());
            let mut lines = 0;
            loop {
                let Ok(Some(l)) = self.line() else { return self.truncated("in a record header") };
                if l.is_empty() {
                    break;
                }
                lines += 1;
                if lines > MAX_HEADER_LINES {
                    return self.truncated("a record header that never ends");
                }
                if let Some((k, v)) = l.split_once(':') {
                    let v = v.trim();
                    match k.trim().to_ascii_lowercase().as_str() {
                        "warc-type" => kind = v.to_ascii_lowercase(),
                        "warc-target-uri" => uri = v.trim_matches(['<', '>']).to_string(),
                        "warc-date" => date = Some(v.to_string()),
                        "content-length" => length = v.parse::<u64>().ok(),
                        "content-type" => content_type = v.to_ascii_lowercase(),
                        _ => {}
                    }
                }
            }
            let Some(length) = length else { return self.truncated("a record without Content-Length") };
            if length > MAX_RECORD_BYTES {
                let skipped = std::io::copy(&mut (&mut self.reader).take(length), &mut std::io::sink()).unwrap_or(0);
                self.offset += skipped;
                if skipped < length {
                    return self.truncated("inside a record");
                }
                return Some(Err(SourceError::Limit {
                    source_name: format!("{} ({uri})", self.name),
                    reason: format!("a record of {length} bytes, more than {MAX_RECORD_BYTES}, skipped"),
                }));
            }
            let mut block = Vec::with_capacity(length as usize);
            let read = (&mut self.reader).take(length).read_to_end(&mut block).unwrap_or(0) as u64;
            self.offset += read;
            if read < length {
                return self.truncated("inside a record");
            }
            if kind != "response" || !content_type.starts_with("application/http") {
                continue;
            }
            match http_page(&block) {
                Ok(Some(body)) => return Some(Ok(Page { url: uri, fetched: date, body })),
                Ok(None) => continue,
                Err(reason) => return Some(Err(SourceError::Invalid { source_name: format!("{} ({uri})", self.name), what: "HTTP response", reason })),
            }
        }
    }
}

/// The body of an HTTP response that is a 200 HTML page, decoded; `None` for anything else.
fn http_page(block: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let split = block.windows(4).position(|w| w == b"\r\n\r\n").map(|p| (p, p + 4)).or_else(|| block.windows(2).position(|w| w == b"\n\n").map(|p| (p, p + 2)));
    let Some((head_end, body_start)) = split else { return Err("no end of headers".into()) };
    let head = String::from_utf8_lossy(&block[..head_end]).to_ascii_lowercase();
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse::<u16>().ok());
    if status != Some(200) {
        return Ok(None);
    }
    let header = |name: &str| head.lines().skip(1).find_map(|l| l.split_once(':').filter(|(k, _)| k.trim() == name).map(|(_, v)| v.trim().to_string()));
    if !header("content-type").is_none_or(|t| t.contains("html") || t.contains("xml")) {
        return Ok(None);
    }
    let mut body = block[body_start..].to_vec();
    if header("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        body = dechunk(&body)?;
    }
    match header("content-encoding").as_deref() {
        Some("gzip") | Some("x-gzip") => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&body[..]).take(MAX_PAGE_BYTES + 1).read_to_end(&mut out).map_err(|e| format!("bad gzip body: {e}"))?;
            if out.len() as u64 > MAX_PAGE_BYTES {
                return Err(format!("a page larger than {MAX_PAGE_BYTES} bytes decompressed"));
            }
            body = out;
        }
        Some("deflate") => {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(&body[..]).take(MAX_PAGE_BYTES + 1).read_to_end(&mut out).map_err(|e| format!("bad deflate body: {e}"))?;
            body = out;
        }
        _ => {}
    }
    Ok(Some(body))
}

fn dechunk(mut b: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n").ok_or("a chunk size without its line end")?;
        let size_text = String::from_utf8_lossy(&b[..nl]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16).map_err(|_| format!("bad chunk size {size_text:?}"))?;
        b = &b[nl + 2..];
        if size == 0 {
            return Ok(out);
        }
        if b.len() < size {
            return Err("a chunk cut short".into());
        }
        out.extend_from_slice(&b[..size]);
        b = b.get(size + 2..).unwrap_or(&[]);
    }
}

/// A WARC record holding an HTTP response (for tests and benchmarks that write WARC files).
pub fn response_record(url: &str, date: &str, http: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: {date}\r\nWARC-Record-ID: <urn:uuid:{:016x}>\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        (url.len() as u64 * 2654435761) ^ http.len() as u64,
        http.len()
    )
    .into_bytes();
    out.extend_from_slice(http);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(body: &str) -> Vec<u8> {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[test]
    fn response_records_of_html_pages_are_read_and_others_skipped() {
        let mut file = Vec::new();
        file.extend(b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Type: application/warc-fields\r\nContent-Length: 9\r\n\r\nsoftware\n\r\n\r\n");
        file.extend(response_record("https://harbor.example/a", "2026-03-02T10:00:00Z", &http("<p>one</p>")));
        file.extend(response_record("https://harbor.example/img", "2026-03-02T10:00:00Z", b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\nPNG"));
        file.extend(response_record("https://harbor.example/gone", "2026-03-02T10:00:00Z", b"HTTP/1.1 404 Not Found\r\n\r\n"));
        let chunked = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<p>tw\r\n6\r\no</p>\n\r\n0\r\n\r\n";
        file.extend(response_record("https://harbor.example/b", "2026-03-02T11:00:00Z", chunked));
        let pages: Vec<Page> = Pages::new(&file[..], "t.warc").map(|p| p.unwrap()).collect();
        assert_eq!(pages.iter().map(|p| p.url.as_str()).collect::<Vec<_>>(), vec!["https://harbor.example/a", "https://harbor.example/b"]);
        assert_eq!(pages[1].body, b"<p>two</p>\n");
    }

    #[test]
    fn a_truncated_file_keeps_what_came_before_and_says_where() {
        let mut file = Vec::new();
        for i in 0..3 {
            file.extend(response_record(&format!("https://harbor.example/{i}"), "2026-03-02T10:00:00Z", &http(&format!("<p>page {i}</p>"))));
        }
        let cut = file.len() - 20;
        let items: Vec<Result<Page, SourceError>> = Pages::new(&file[..cut], "cut.warc").collect();
        assert_eq!(items.len(), 3);
        assert!(items[0].is_ok() && items[1].is_ok());
        let err = items[2].as_ref().unwrap_err().to_string();
        assert!(err.contains("cut.warc") && err.contains("truncated at byte"), "{err}");
        let junk: Vec<_> = Pages::new(&b"GET / HTTP/1.1\r\n\r\n"[..], "junk.warc").collect();
        assert!(junk[0].as_ref().unwrap_err().to_string().contains("expected a WARC/1.x record"));
    }
}
