//! Debug aid: for an HTML file (optionally .gz), lists the longest paragraphs with the chain of
//! ancestors and marks which ancestor the pruning rules drop, to see why text was lost.
use std::io::Read;
fn main() {
    let path = std::env::args().nth(1).expect("HTML path");
    let mut raw = Vec::new();
    let f = std::fs::File::open(&path).unwrap();
    if path.ends_with(".gz") {
        flate2::read::GzDecoder::new(f).read_to_end(&mut raw).unwrap();
    } else {
        std::io::BufReader::new(f).read_to_end(&mut raw).unwrap();
    }
    let html = String::from_utf8_lossy(&raw);
    let dom = parallax_extract::dom::parse(&html);
    let needle = std::env::args().nth(2);
    let mut ps: Vec<_> = dom
        .elements()
        .filter(|&id| dom.name(id) == Some("p"))
        .filter(|&id| needle.as_deref().is_none_or(|n| dom.text(id).contains(n)))
        .map(|id| (dom.text(id).len(), id))
        .collect();
    ps.sort_by(|a, b| b.cmp(a));
    for (len, id) in ps.into_iter().take(3) {
        println!("p len {len}: {}", dom.text(id).chars().take(80).collect::<String>());
        for a in dom.ancestors(id) {
            let name = dom.name(a).unwrap_or("#doc");
            println!(
                "   <{name} class={:?} id={:?} role={:?}> {}",
                dom.attr(a, "class").unwrap_or(""),
                dom.attr(a, "id").unwrap_or(""),
                dom.attr(a, "role").unwrap_or(""),
                if parallax_extract::debug_dropped(&dom, a) { "DROPPED" } else { "" }
            );
        }
    }
}
