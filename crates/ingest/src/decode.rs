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
    fn other_declared_charsets_replace_invalid_bytes() {
        let page = b"<meta charset=koi8-r><p>\xff\xfe</p>";
        assert!(decode_bytes(page, true).contains('\u{fffd}'));
    }
}
