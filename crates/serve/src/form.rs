//! Query strings and form bodies (`application/x-www-form-urlencoded`), decoded.

/// Percent-decodes one component (`+` is a space); a broken escape stays as written.
pub(crate) fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                Some(b) => {
                    out.push(b);
                    i += 2;
                }
                None => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Every `key=value` pair, decoded, in order.
pub(crate) fn pairs(s: &str) -> Vec<(String, String)> {
    s.split('&').filter(|kv| !kv.is_empty()).map(|kv| kv.split_once('=').unwrap_or((kv, ""))).map(|(k, v)| (decode(k), decode(v))).collect()
}

/// The first value of `key`.
pub(crate) fn param(s: &str, key: &str) -> Option<String> {
    pairs(s).into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The first value of `key`, when not blank.
pub(crate) fn given(s: &str, key: &str) -> Option<String> {
    param(s, key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// The page number of a `?KEY=N` query (1 when absent or not a number).
pub(crate) fn page(s: &str, key: &str) -> usize {
    param(s, key).and_then(|v| v.parse::<usize>().ok()).filter(|&p| p >= 1).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_decoded() {
        assert_eq!(param("q=port+aster&page=2", "q").as_deref(), Some("port aster"));
        assert_eq!(param("q=caf%C3%A9%20%22x%22", "q").as_deref(), Some("café \"x\""));
        assert_eq!(param("q=100%", "q").as_deref(), Some("100%"));
        assert_eq!(param("q=%4", "q").as_deref(), Some("%4"));
        assert_eq!(param("page=2", "q"), None);
        assert_eq!(pairs("article=a1&article=a2&token=t").iter().filter(|(k, _)| k == "article").count(), 2);
        assert_eq!(given("outlet=+&q=x", "outlet"), None);
    }

    #[test]
    fn pages_default_to_the_first() {
        assert_eq!(page("", "page"), 1);
        assert_eq!(page("page=3", "page"), 3);
        assert_eq!(page("x=1&page=0", "page"), 1);
        assert_eq!(page("page=abc", "page"), 1);
    }
}
