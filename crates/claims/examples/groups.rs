//! Debug aid: prints the claim groups of articles given as JSONL at a given threshold.
fn main() {
    let path = std::env::args().nth(1).expect("JSONL path");
    let threshold: f32 = std::env::args().nth(2).map(|t| t.parse().unwrap()).unwrap_or(parallax_claims::ClaimConfig::default().threshold);
    let body = std::fs::read_to_string(path).expect("read");
    let rows: Vec<serde_json::Value> = body.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let paras: Vec<Vec<String>> = rows.iter().map(|r| r["text"].as_str().unwrap().split("\n\n").map(str::to_string).collect()).collect();
    let ids: Vec<String> = rows.iter().enumerate().map(|(i, _)| i.to_string()).collect();
    let inputs: Vec<parallax_claims::ArticleInput> =
        ids.iter().zip(&paras).map(|(i, p)| parallax_claims::ArticleInput { id: i, source: i, paragraphs: p, copy_of: None, published: None }).collect();
    let config = parallax_claims::ClaimConfig { threshold, ..Default::default() };
    for c in parallax_claims::compare("s", &inputs, &config) {
        if c.support.len() < 2 {
            continue;
        }
        println!("{} {:?} {:?}", c.status.as_str(), c.support.iter().map(|s| s.article.as_str()).collect::<Vec<_>>(), c.conflict);
        for s in &c.support {
            println!("    [{}] {}", s.article, s.sentence.chars().take(120).collect::<String>());
        }
    }
}
