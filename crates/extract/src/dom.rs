//! A small, forgiving HTML tree builder.
//!
//! Why our own: extraction needs a tree that survives real pages (unclosed `<p>` and `<li>`,
//! stray end tags, `<` inside scripts) and hostile ones (100k nested tags, 50 MB), fast. The
//! spec-complete builders cost ~4 ms a page; streaming tokenizers give no tree. This builder
//! applies the few HTML5 recovery rules that change what text lands where (implied end tags,
//! raw-text elements, end tags closing the nearest open match) and caps depth, so every walk over
//! the tree is bounded.

use crate::rules::{MAX_DEPTH, MAX_HTML_BYTES, RAW_TEXT_TAGS, VOID_TAGS};

pub type NodeId = usize;

#[derive(Debug)]
pub enum NodeKind {
    Document,
    Element { name: String, attrs: Vec<(String, String)> },
    Text(String),
}

#[derive(Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
}

#[derive(Debug)]
pub struct Dom {
    pub nodes: Vec<Node>,
}

impl Dom {
    pub const ROOT: NodeId = 0;

    pub fn name(&self, id: NodeId) -> Option<&str> {
        match &self.nodes[id].kind {
            NodeKind::Element { name, .. } => Some(name),
            _ => None,
        }
    }

    pub fn attr(&self, id: NodeId, key: &str) -> Option<&str> {
        match &self.nodes[id].kind {
            NodeKind::Element { attrs, .. } => attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()),
            _ => None,
        }
    }

    /// Every element in document order, without recursion.
    pub fn elements(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.descendants(Self::ROOT).filter(|&id| matches!(self.nodes[id].kind, NodeKind::Element { .. }))
    }

    /// `root` and everything below it, in document order.
    pub fn descendants(&self, root: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let mut stack = vec![root];
        std::iter::from_fn(move || {
            let id = stack.pop()?;
            stack.extend(self.nodes[id].children.iter().rev());
            Some(id)
        })
    }

    /// All text below `root`, raw-text elements (scripts, styles) excluded, whitespace squashed.
    pub fn text(&self, root: NodeId) -> String {
        let mut out = String::new();
        for id in self.descendants(root) {
            if let NodeKind::Text(t) = &self.nodes[id].kind {
                if self.parent_name(id).is_some_and(|p| RAW_TEXT_TAGS.contains(&p) && p != "title" && p != "textarea") {
                    continue;
                }
                out.push_str(t);
                out.push(' ');
            }
        }
        parallax_text::squash_whitespace(&out)
    }

    pub fn parent_name(&self, id: NodeId) -> Option<&str> {
        self.nodes[id].parent.and_then(|p| self.name(p))
    }

    /// Ancestors of `id`, nearest first.
    pub fn ancestors(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let mut cur = self.nodes[id].parent;
        std::iter::from_fn(move || {
            let id = cur?;
            cur = self.nodes[id].parent;
            Some(id)
        })
    }
}

/// Parses HTML into a [`Dom`]. Never fails: anything is some tree. Input beyond
/// [`MAX_HTML_BYTES`] is dropped.
pub fn parse(html: &str) -> Dom {
    let html = parallax_text::truncate_at_char(html, MAX_HTML_BYTES);
    let mut b = Builder { dom: Dom { nodes: vec![Node { kind: NodeKind::Document, parent: None, children: vec![] }] }, stack: vec![Dom::ROOT] };
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let next = bytes.get(i + 1).copied().unwrap_or(0);
            if next.is_ascii_alphabetic() {
                i = b.start_tag(html, i);
                continue;
            }
            if next == b'/' && bytes.get(i + 2).is_some_and(|c| c.is_ascii_alphabetic()) {
                i = b.end_tag(html, i);
                continue;
            }
            if html[i..].starts_with("<!--") {
                i = html[i + 4..].find("-->").map_or(bytes.len(), |e| i + 4 + e + 3);
                continue;
            }
            if next == b'!' || next == b'?' || next == b'/' {
                i = html[i..].find('>').map_or(bytes.len(), |e| i + e + 1);
                continue;
            }
        }
        // '<' is ASCII, so any position found in the bytes is a char boundary
        let end = bytes[i + 1..].iter().position(|&b| b == b'<').map_or(bytes.len(), |e| i + 1 + e);
        b.text(&html[i..end], true);
        i = end;
    }
    b.dom
}

struct Builder {
    dom: Dom,
    stack: Vec<NodeId>,
}

/// Elements whose start closes an open `<p>` (HTML5 "close a p element").
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "details",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
    "li",
    "dd",
    "dt",
];

/// Start tags that close an open element of the listed kinds, unless one of the scope elements
/// comes first on the stack: a new `<li>` ends the previous one within its list.
const IMPLIED_ENDS: &[(&str, &[&str], &[&str])] = &[
    ("li", &["li"], &["ul", "ol", "menu", "table"]),
    ("dt", &["dt", "dd"], &["dl", "table"]),
    ("dd", &["dt", "dd"], &["dl", "table"]),
    ("tr", &["tr"], &["table"]),
    ("td", &["td", "th"], &["tr", "table"]),
    ("th", &["td", "th"], &["tr", "table"]),
    ("option", &["option"], &["select"]),
];

impl Builder {
    fn top(&self) -> NodeId {
        *self.stack.last().expect("stack holds the document")
    }

    fn push_node(&mut self, kind: NodeKind) -> NodeId {
        let parent = self.top();
        let id = self.dom.nodes.len();
        self.dom.nodes.push(Node { kind, parent: Some(parent), children: vec![] });
        self.dom.nodes[parent].children.push(id);
        id
    }

    fn text(&mut self, raw: &str, decode: bool) {
        if raw.is_empty() {
            return;
        }
        let text = if decode && raw.contains('&') { html_escape::decode_html_entities(raw).into_owned() } else { raw.to_string() };
        // Adjacent text nodes (split by a skipped comment) merge, which keeps node counts low.
        let top = self.top();
        if let Some(&last) = self.dom.nodes[top].children.last() {
            if let NodeKind::Text(t) = &mut self.dom.nodes[last].kind {
                t.push_str(&text);
                return;
            }
        }
        self.push_node(NodeKind::Text(text));
    }

    fn open_index(&self, name: &str, stop_at: &[&str]) -> Option<usize> {
        for (pos, &id) in self.stack.iter().enumerate().rev() {
            let n = self.dom.name(id)?;
            if n == name {
                return Some(pos);
            }
            if stop_at.contains(&n) {
                return None;
            }
        }
        None
    }

    fn close_implied(&mut self, name: &str) {
        let scope: &[&str] = &["table", "td", "th", "button", "object", "template", "html", "body"];
        if CLOSES_P.contains(&name) {
            if let Some(pos) = self.open_index("p", scope) {
                self.stack.truncate(pos);
            }
        }
        for (opening, closes, scope) in IMPLIED_ENDS {
            if *opening == name {
                for c in *closes {
                    if let Some(pos) = self.open_index(c, scope) {
                        self.stack.truncate(pos);
                    }
                }
            }
        }
    }

    /// Parses `<name attrs...>` at `at`; returns where parsing goes on.
    fn start_tag(&mut self, html: &str, at: usize) -> usize {
        let bytes = html.as_bytes();
        let mut i = at + 1;
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' && bytes[i] != b'/' {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut self_closing = false;
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                if bytes[i] == b'/' {
                    self_closing = true;
                }
                i += 1;
            }
            if i >= bytes.len() {
                break;
            }
            if bytes[i] == b'>' {
                i += 1;
                break;
            }
            self_closing = false;
            let k0 = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'>' | b'=' | b'/') {
                i += 1;
            }
            let key = html[k0..i].to_ascii_lowercase();
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                    let q = bytes[i];
                    let v0 = i + 1;
                    let v1 = html[v0..].find(q as char).map_or(bytes.len(), |e| v0 + e);
                    value = html[v0..v1].to_string();
                    i = (v1 + 1).min(bytes.len());
                } else {
                    let v0 = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = html[v0..i].to_string();
                }
            }
            if !key.is_empty() && attrs.len() < 64 {
                if value.contains('&') {
                    value = html_escape::decode_html_entities(&value).into_owned();
                }
                attrs.push((key, value));
            }
        }
        self.close_implied(&name);
        let raw = RAW_TEXT_TAGS.contains(&name.as_str());
        let void = VOID_TAGS.contains(&name.as_str());
        let id = self.push_node(NodeKind::Element { name: name.clone(), attrs });
        if raw {
            // Everything up to the matching end tag is text, whatever it looks like.
            let close = format!("</{name}");
            let end = find_ascii_ci(&html[i..], &close).map_or(bytes.len(), |e| i + e);
            self.stack.push(id);
            let decode = name == "title" || name == "textarea";
            self.text(&html[i..end], decode);
            self.stack.pop();
            return html[end..].find('>').map_or(bytes.len(), |e| end + e + 1);
        }
        // Past the depth cap, elements still appear in the tree but their content flows into the
        // deepest open element, so the tree stays shallow on hostile input.
        if !void && !self_closing && self.stack.len() < MAX_DEPTH {
            self.stack.push(id);
        }
        i
    }

    fn end_tag(&mut self, html: &str, at: usize) -> usize {
        let bytes = html.as_bytes();
        let mut i = at + 2;
        let n0 = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
            i += 1;
        }
        let name = html[n0..i].to_ascii_lowercase();
        let end = html[i..].find('>').map_or(bytes.len(), |e| i + e + 1);
        // Close the nearest open element of that name, and everything opened inside it. A stray
        // end tag with no open match is ignored, as browsers do.
        if let Some(pos) = self.open_index(&name, &[]) {
            if pos > 0 {
                self.stack.truncate(pos);
            }
        }
        end
    }
}

fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&s| h[s..s + n.len()].eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts_of(dom: &Dom, tag: &str) -> Vec<String> {
        dom.elements().filter(|&id| dom.name(id) == Some(tag)).map(|id| dom.text(id)).collect()
    }

    #[test]
    fn unclosed_paragraphs_and_list_items_close_implicitly() {
        let dom = parse("<div><p>one<p>two<ul><li>a<li>b</ul></div><p>three");
        assert_eq!(texts_of(&dom, "p"), vec!["one", "two", "three"]);
        assert_eq!(texts_of(&dom, "li"), vec!["a", "b"]);
    }

    #[test]
    fn script_content_is_raw_text() {
        let dom = parse("<p>x</p><script>if (a<b && c>d) { document.write('<p>no</p>') }</script><p>y</p>");
        assert_eq!(texts_of(&dom, "p"), vec!["x", "y"]);
        assert_eq!(dom.text(Dom::ROOT), "x y");
    }

    #[test]
    fn entities_and_attributes_decode() {
        let dom = parse(r#"<a href="/x?a=1&amp;b=2" class=big>Fish &amp; chips&nbsp;&#8212; ok</a>"#);
        let a = dom.elements().next().unwrap();
        assert_eq!(dom.attr(a, "href"), Some("/x?a=1&b=2"));
        assert_eq!(dom.attr(a, "class"), Some("big"));
        assert_eq!(dom.text(a), "Fish & chips \u{2014} ok");
    }

    #[test]
    fn stray_end_tags_are_ignored_and_comments_skipped() {
        let dom = parse("<div>a</span><!-- <p>hidden</p> -->b</div>");
        assert_eq!(texts_of(&dom, "div"), vec!["ab"]);
    }

    #[test]
    fn deep_nesting_is_capped_without_recursion() {
        let html = "<div>".repeat(100_000) + "deep" + &"</div>".repeat(100_000);
        let dom = parse(&html);
        let text_node = dom.descendants(Dom::ROOT).find(|&id| matches!(dom.nodes[id].kind, NodeKind::Text(_))).unwrap();
        assert!(dom.ancestors(text_node).count() <= MAX_DEPTH + 1);
        assert_eq!(dom.text(Dom::ROOT), "deep");
    }

    #[test]
    fn multibyte_text_right_after_a_lone_angle_bracket() {
        let dom = parse("<p>a <\u{4e2d} and 1 < 2 \u{4e2d}</p>");
        assert!(dom.text(Dom::ROOT).contains("1 < 2"));
    }

    #[test]
    fn truncated_markup_does_not_panic() {
        for s in ["<", "<a", "<a href=\"x", "</", "<!--", "<script>never closed", "<p class='x>", "a<b"] {
            let _ = parse(s);
        }
    }
}
