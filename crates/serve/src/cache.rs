//! Rendered pages kept for the next reader. A story page is computed from the story's articles
//! and the corrections made, so it is kept under a fingerprint of those and served again until
//! either changes; lists and searches, which every stored article may change, are kept for a
//! few seconds.
//!
//! A page out of date is still served while one thread renders it again (stale while
//! revalidate): under a busy ingest the largest story changes every few seconds and takes
//! seconds to compare, and no reader should wait for that, nor several workers render it at once.

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
    /// Keys being rendered again now.
    rendering: Mutex<std::collections::HashSet<String>>,
}

/// What the cache holds for a page.
pub(crate) enum Kept {
    /// Made from the same fingerprint, recently enough.
    Fresh(Arc<Page>),
    /// Made from other articles, or too long ago: served while it is rendered again.
    Stale(Arc<Page>),
    Missing,
}

impl PageCache {
    pub fn lookup(&self, key: &str, fingerprint: &str, max_age: Duration) -> Kept {
        let Ok(pages) = self.pages.lock() else { return Kept::Missing };
        match pages.get(key) {
            Some(e) if e.fingerprint == fingerprint && e.made.elapsed() < max_age => Kept::Fresh(e.page.clone()),
            Some(e) => Kept::Stale(e.page.clone()),
            None => Kept::Missing,
        }
    }

    /// Claims the rendering of `key`: false when another thread renders it already.
    pub fn start_render(&self, key: &str) -> bool {
        self.rendering.lock().is_ok_and(|mut r| r.insert(key.to_string()))
    }

    /// Whether a thread renders `key` now.
    pub fn rendering(&self, key: &str) -> bool {
        self.rendering.lock().is_ok_and(|r| r.contains(key))
    }

    pub fn end_render(&self, key: &str) {
        if let Ok(mut r) = self.rendering.lock() {
            r.remove(key);
        }
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
    fn a_page_is_fresh_only_for_the_same_fingerprint_and_while_young() {
        let c = PageCache::default();
        c.put("/story/s1", "f1", Page { status: 200, content_type: "text/html", body: b"one".to_vec() });
        assert!(matches!(c.lookup("/story/s1", "f1", Duration::from_secs(60)), Kept::Fresh(p) if p.body == b"one"));
        assert!(matches!(c.lookup("/story/s1", "f1", Duration::ZERO), Kept::Stale(_)), "too old");
        assert!(matches!(c.lookup("/story/s1", "f2", Duration::from_secs(60)), Kept::Stale(_)), "served while rendered again");
        assert!(c.start_render("/story/s1") && !c.start_render("/story/s1"), "one renderer at a time");
        c.end_render("/story/s1");
        assert!(c.start_render("/story/s1"));
        c.clear();
        assert!(matches!(c.lookup("/story/s1", "f1", Duration::from_secs(60)), Kept::Missing));
    }
}
