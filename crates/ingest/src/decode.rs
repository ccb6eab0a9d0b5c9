//! Bytes to text. Pages lie about their charset, so valid UTF-8 wins over any declaration; bytes
//! that are not UTF-8 are read as Windows-1252 (a superset of Latin-1, and what "iso-8859-1"
//! pages really use) unless the page declares something else, in which case invalid sequences are
//! replaced rather than guessed.

/// Decodes a document's bytes. `sniff_html_charset` looks for a `<meta charset>` declaration in
/// the first kilobytes when the bytes are not UTF-8.
pub fn decode_bytes(buf: &[u8], sniff_html_charset: bool) -> String {
    let buf = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf);
    if let Ok(s) = std::str::from_utf8(buf) {
        return s.to_string();
    }
    let declared = if sniff_html_charset { declared_charset(buf) } else { None };
    match declared.as_deref() {
        None | Some("windows-1252" | "iso-8859-1" | "latin1" | "latin-1" | "us-ascii" | "cp1252" | "iso-8859-15") => cp1252(buf),
        Some(_) => String::from_utf8_lossy(buf).into_owned(),
    }
}

/// Decodes a fetched document: the charset comes from the byte-order mark, else the HTTP
/// `Content-Type` header, else the XML prolog or a `<meta>` declaration, else UTF-8 when the
/// bytes are valid UTF-8, else Windows-1252. Bytes that are not valid in the charset they are
/// declared in are an error when they are more than a few (a page that lies, or is not text).
pub fn decode_document(buf: &[u8], content_type: Option<&str>) -> Result<String, String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(buf) {
        let (text, _) = enc.decode_without_bom_handling(&buf[bom..]);
        return Ok(text.into_owned());
    }
    let header = content_type.and_then(|ct| {
        let lower = ct.to_ascii_lowercase();
        let at = lower.find("charset=")? + "charset=".len();
        let v = lower[at..].trim_matches(['"', '\'', ' ']).split([';', ' ']).next()?.to_string();
        Some(v).filter(|v| !v.is_empty())
    });
    let declared = header.or_else(|| xml_encoding(buf)).or_else(|| declared_charset(buf));
    let Some(label) = declared else {
        return Ok(decode_bytes(buf, false));
    };
    let Some(enc) = encoding_rs::Encoding::for_label(label.as_bytes()) else {
        // an unknown name: the content decides
        return Ok(decode_bytes(buf, false));
    };
    if enc == encoding_rs::UTF_8 {
        if let Ok(s) = std::str::from_utf8(buf) {
            return Ok(s.to_string());
        }
    }
    let (text, _, had_errors) = enc.decode(buf);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{fffd}').count();
        if bad * 100 > text.chars().count().max(1) {
            return Err(format!("{bad} byte sequences are not valid {} (the declared charset)", enc.name()));
        }
    }
    Ok(text.into_owned())
}

/// `encoding="..."` of an XML prolog.
fn xml_encoding(buf: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&buf[..buf.len().min(200)]).to_ascii_lowercase();
    let prolog = head.strip_prefix("<?xml")?;
    let end = prolog.find("?>")?;
    let at = prolog[..end].find("encoding=")? + "encoding=".len();
    let rest = prolog[at..end].trim_start_matches(['"', '\'']);
    let v: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    Some(v).filter(|v| !v.is_empty())
}

fn declared_charset(buf: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&buf[..buf.len().min(4096)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let rest = head[at..].trim_start_matches(['"', '\'']);
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(rest.len());
    Some(rest[..end].to_string()).filter(|c| !c.is_empty())
}

fn cp1252(buf: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '\u{20ac}', '\u{81}', '\u{201a}', '\u{192}', '\u{201e}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{2c6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}',
        '\u{8d}', '\u{17d}', '\u{8f}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{2dc}', '\u{2122}',
        '\u{161}', '\u{203a}', '\u{153}', '\u{9d}', '\u{17e}', '\u{178}',
    ];
    buf.iter()
        .map(|&b| match b {
            0x80..=0x9f => HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_wins_over_a_lying_declaration() {
        let page = "<meta charset=\"iso-8859-1\"><p>Zaporizhzhia \u{2014} Kyiv</p>".as_bytes();
        assert!(decode_bytes(page, true).contains("\u{2014} Kyiv"));
    }

    #[test]
    fn latin1_bytes_decode_as_windows_1252() {
        let page = b"<meta charset=iso-8859-1><p>caf\xe9 \x93quoted\x94</p>";
        assert_eq!(decode_bytes(page, true), "<meta charset=iso-8859-1><p>caf\u{e9} \u{201c}quoted\u{201d}</p>");
    }

    #[test]
    fn fetched_documents_take_their_charset_from_bom_header_prolog_or_meta() {
        // KOI8-R "Киев" declared in the header
        let koi8 = b"<p>\xeb\xc9\xc5\xd7</p>";
        assert_eq!(decode_document(koi8, Some("text/html; charset=KOI8-R")).unwrap(), "<p>\u{41a}\u{438}\u{435}\u{432}</p>");
        // in the XML prolog of a feed
        let feed = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><title>caf\xe9</title></rss>";
        assert!(decode_document(feed, Some("application/rss+xml")).unwrap().contains("caf\u{e9}"));
        // a UTF-16 byte-order mark wins over everything
        let utf16: Vec<u8> = [0xff, 0xfe].into_iter().chain("Kyiv".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode_document(&utf16, Some("text/html; charset=iso-8859-1")).unwrap(), "Kyiv");
        // no declaration: UTF-8 when valid, else Windows-1252
        assert_eq!(decode_document("Zaporizhzhia \u{2014}".as_bytes(), None).unwrap(), "Zaporizhzhia \u{2014}");
        assert_eq!(decode_document(b"\x93quoted\x94", None).unwrap(), "\u{201c}quoted\u{201d}");
        // bytes that are not what the header says
        let err = decode_document(&[0xff, 0xfe, 0xfd, 0x80, 0x81, 0x82, b'a'][2..], Some("text/html; charset=utf-8")).unwrap_err();
        assert!(err.contains("not valid UTF-8"), "{err}");
    }

    #[test]
    fn other_declared_charsets_replace_invalid_bytes() {
        let page = b"<meta charset=koi8-r><p>\xff\xfe</p>";
        assert!(decode_bytes(page, true).contains('\u{fffd}'));
    }
}
