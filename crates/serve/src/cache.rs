//! Rendered pages kept for the next reader. A story page is computed from the story's articles
//! and the corrections made, so it is kept under a fingerprint of those and served again until
//! either changes; lists and searches, which every stored article may change, are kept for a
//! few seconds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Pages kept at most; the oldest goes first.
const CAPACITY: usize = 512;

struct Entry {
    fingerprint: String,
    made: Instant,
    page: Arc<Page>,
}

/// A rendered response body and its type.
pub(crate) struct Page {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

#[derive(Default)]
pub(crate) struct PageCache {
    pages: Mutex<HashMap<String, Entry>>,
}

impl PageCache {
    /// The page kept under `key` when it was made from `fingerprint` less than `max_age` ago.
    pub fn get(&self, key: &str, fingerprint: &str, max_age: Duration) -> Option<Arc<Page>> {
        let pages = self.pages.lock().ok()?;
        let e = pages.get(key)?;
        (e.fingerprint == fingerprint && e.made.elapsed() < max_age).then(|| e.page.clone())
    }

    pub fn put(&self, key: &str, fingerprint: &str, page: Page) -> Arc<Page> {
        let page = Arc::new(page);
        if let Ok(mut pages) = self.pages.lock() {
            if pages.len() >= CAPACITY && !pages.contains_key(key) {
                if let Some(oldest) = pages.iter().min_by_key(|(_, e)| e.made).map(|(k, _)| k.clone()) {
                    pages.remove(&oldest);
                }
            }
            pages.insert(key.to_string(), Entry { fingerprint: fingerprint.to_string(), made: Instant::now(), page: page.clone() });
        }
        page
    }

    /// Forgets every page (after a correction, which changes stories other than the one shown).
    pub fn clear(&self) {
        if let Ok(mut pages) = self.pages.lock() {
            pages.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_served_again_only_for_the_same_fingerprint_and_while_fresh() {
        let c = PageCache::default();
        c.put("/story/s1", "f1", Page { status: 200, content_type: "text/html", body: b"one".to_vec() });
        assert_eq!(c.get("/story/s1", "f1", Duration::from_secs(60)).unwrap().body, b"one");
        assert!(c.get("/story/s1", "f2", Duration::from_secs(60)).is_none(), "the story changed");
        assert!(c.get("/story/s1", "f1", Duration::ZERO).is_none(), "too old");
        c.clear();
        assert!(c.get("/story/s1", "f1", Duration::from_secs(60)).is_none());
    }
}
