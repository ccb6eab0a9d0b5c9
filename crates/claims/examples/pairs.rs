//! Debug aid: prints the most similar cross-article unit pairs of articles given as JSONL
//! (the output of `parallax extract --format jsonl`).
fn main() {
    let path = std::env::args().nth(1).expect("JSONL path");
    let body = std::fs::read_to_string(path).expect("read");
    let rows: Vec<serde_json::Value> = body.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let paras: Vec<Vec<String>> = rows.iter().map(|r| r["text"].as_str().unwrap().split("\n\n").map(str::to_string).collect()).collect();
    let ids: Vec<String> = rows.iter().map(|r| r["input"].as_str().or(r["id"].as_str()).unwrap_or("?").to_string()).collect();
    let inputs: Vec<parallax_claims::ArticleInput> =
        ids.iter().zip(&paras).map(|(i, p)| parallax_claims::ArticleInput { id: i, source: i, paragraphs: p, copy_of: None, published: None }).collect();
    for (a, b, s) in parallax_claims::debug_pairs(&inputs, 40) {
        println!("{s:.3}\n   {a}\n   {b}");
    }
}
