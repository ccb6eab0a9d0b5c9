//! Plain-text page dumps: what a browser's "select all, copy" or a text-mode crawler leaves of a
//! page. Chrome has no markup to give it away, so lines are judged by what they say (patterns in
//! `rules`) and by shape: prose lines are long and end like sentences; chrome lines are short.
//! After the body has begun, an end-of-article heading ("Related Articles", "News Feed",
//! "Comments") ends it: what follows belongs to other stories.

use crate::{meta, patterns, rules};
use parallax_model::Article;

pub fn extract(body: &str) -> Article {
    let body = parallax_text::truncate_at_char(body, rules::MAX_TEXT_BYTES);
    let p = patterns::get();
    let lines: Vec<&str> = body.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let title = find_title(&lines);
    let title_key = title.as_deref().map(parallax_text::fingerprint);

    let mut article = Article { title, ..Default::default() };
    let mut body_started = false;
    let mut chrome_run = 0usize;
    let mut after_avatar = false;
    let mut name_candidate: Option<&str> = None;
    for &line in &lines {
        let key = parallax_text::fingerprint(line);
        if title_key.as_deref() == Some(key.as_str()) {
            continue;
        }
        if p.end_marker.is_match(line) {
            if body_started {
                break;
            }
            continue;
        }
        if let Some(c) = p.source_time.captures(line) {
            article.outlet.get_or_insert_with(|| c[1].trim().to_string());
            continue;
        }
        if p.is_chrome(line) {
            after_avatar = line.eq_ignore_ascii_case("avatar");
            chrome_run += usize::from(body_started);
            continue;
        }
        if let Some(c) = p.byline_prefix.captures(line) {
            if looks_like_name(&c[1]) {
                article.byline.get_or_insert_with(|| c[1].trim().to_string());
                continue;
            }
        }
        if p.role_line.is_match(line) {
            if let Some(name) = name_candidate.take() {
                article.byline.get_or_insert_with(|| name.to_string());
            }
            continue;
        }
        if is_prose(line) {
            article.paragraphs.push(line.to_string());
            body_started = true;
            chrome_run = 0;
            name_candidate = None;
            continue;
        }
        if looks_like_name(line) {
            if after_avatar {
                article.byline.get_or_insert_with(|| line.to_string());
            } else {
                name_candidate = Some(line);
            }
        } else if !body_started && article.published.is_none() && line.split_whitespace().count() <= 8 {
            article.published = meta::normalize_date(line.trim_start_matches(|c: char| !c.is_alphanumeric()));
        }
        after_avatar = false;
        if body_started {
            chrome_run += 1;
            // A long run of non-prose after the body is the page's footer.
            if chrome_run >= 5 {
                break;
            }
        }
    }
    article
}

/// Clean article text (JSONL `text`): paragraphs are blank-line separated, or one per line when
/// the text has no blank lines. Nothing is judged chrome.
pub fn clean_text(body: &str) -> Article {
    let body = parallax_text::truncate_at_char(body, rules::MAX_TEXT_BYTES);
    // (most JSONL text has no carriage returns: no copy for it)
    let body: std::borrow::Cow<str> = if body.contains('\r') { body.replace("\r\n", "\n").into() } else { body.into() };
    // one pass over the lines (a newline search is a vector scan, a "\n\n" search is not)
    let lines: Vec<&str> = body.split('\n').collect();
    // a blank line is an empty one between two others: "\n\n" in the text
    let blank_lines = lines.len() > 2 && lines[1..lines.len() - 1].contains(&"");
    let lines = lines.into_iter();
    let paragraphs: Vec<String> = if blank_lines {
        // blank lines separate paragraphs; the lines of one paragraph are joined by spaces
        let mut out = Vec::new();
        let mut current = String::new();
        for line in lines.chain([""]) {
            if line.is_empty() {
                let p = current.trim();
                if !p.is_empty() {
                    out.push(p.to_string());
                }
                current.clear();
            } else {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(line);
            }
        }
        out
    } else {
        lines.map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
    };
    Article { paragraphs, ..Default::default() }
}

/// A title is a short line that does not end like a sentence, near the top; a line printed
/// twice there (heading and share title) is the surest sign.
fn find_title(lines: &[&str]) -> Option<String> {
    let p = patterns::get();
    let candidates: Vec<&str> = lines
        .iter()
        .take(rules::TITLE_SEARCH_LINES)
        .copied()
        .filter(|l| {
            let n = l.split_whitespace().count();
            rules::TITLE_WORDS.contains(&n)
                && !ends_like_sentence(l)
                && !p.is_chrome(l)
                && !p.end_marker.is_match(l)
                && !p.source_time.is_match(l)
                && !l.ends_with(':')
        })
        .collect();
    let repeated = candidates.iter().find(|c| candidates.iter().filter(|d| d == c).count() > 1);
    repeated.or(candidates.first()).map(|t| t.to_string())
}

use parallax_text::ends_like_sentence;

fn is_prose(line: &str) -> bool {
    let words = parallax_text::word_count(line);
    (ends_like_sentence(line) && words >= rules::PROSE_MIN_WORDS_WITH_PERIOD) || words >= rules::PROSE_MIN_WORDS_WITHOUT_PERIOD
}

/// Two to four capitalised words, no digits: "Lucy Pakhnyuk", "Jean-Paul de Vries".
fn looks_like_name(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    (2..=4).contains(&words.len())
        && !line.chars().any(|c| c.is_ascii_digit())
        && words.iter().filter(|w| w.chars().next().is_some_and(char::is_uppercase)).count() >= 2
        && words.iter().all(|w| w.chars().all(|c| c.is_alphabetic() || c == '-' || c == '.' || c == '\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first way of splitting: by "\n\n", or by lines when there is none.
    fn paragraphs_by_splitting(body: &str) -> Vec<String> {
        let body = body.replace("\r\n", "\n");
        if body.contains("\n\n") {
            body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(|p| p.replace('\n', " ")).collect()
        } else {
            body.lines().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string).collect()
        }
    }

    #[test]
    fn clean_text_paragraphs_match_splitting_on_blank_lines() {
        let pieces = ["Ferry", " stops", "\n", "\n\n", "\r\n", " ", "\t", "2,000.", "\u{a0}"];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(seed % 9) {
                seed = parallax_text::mix(seed);
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            seed = parallax_text::mix(seed);
            assert_eq!(clean_text(&text).paragraphs, paragraphs_by_splitting(&text), "{text:?}");
        }
    }

    const DUMP: &str = "News Feed\n\nHarbor bridge reopens after two weeks of repairs\n\n3 min read\nHarbor bridge reopens after two weeks of repairs\n\
The bridge at dawn. (Photo by JANE ROE/POOL/AFP via Getty Images)\n\n\
The harbor bridge in Port Vell reopened on Monday after two weeks of repairs, the city council said.\n\n\
Traffic was light in the morning, and officials said buses would return to the route on Wednesday.\n\n\
Avatar\nMara Quist\n\nCity Reporter\n\nNews Feed\n\
The mayor of another town said Dec. 29 that a new library will open next spring, in a separate story.\n\nShow More";

    #[test]
    fn dump_keeps_the_article_and_drops_feed_items() {
        let a = extract(DUMP);
        assert_eq!(a.title.as_deref(), Some("Harbor bridge reopens after two weeks of repairs"));
        assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
        assert!(a.paragraphs[0].starts_with("The harbor bridge in Port Vell"));
        assert!(!a.paragraphs.iter().any(|p| p.contains("library") || p.contains("Getty")));
        assert_eq!(a.byline.as_deref(), Some("Mara Quist"));
    }

    #[test]
    fn related_articles_heading_ends_the_body() {
        let a = extract("Title of the story here\n\nFirst paragraph of the story, which is long enough to count.\nRelated Articles\nAnother story entirely, which is also long enough to count as prose.");
        assert_eq!(a.paragraphs.len(), 1);
    }

    #[test]
    fn aggregator_source_line_names_the_outlet() {
        let a = extract(
            "logo\nSome headline about a thing\n\nWire Service Daily2 days ago\nThe first paragraph of the article says what happened in the city today.",
        );
        assert_eq!(a.outlet.as_deref(), Some("Wire Service Daily"));
        assert_eq!(a.paragraphs.len(), 1);
    }

    #[test]
    fn app_prompts_are_chrome() {
        let a = extract("A headline for the test\nThe first paragraph of the article says what happened in the city today.\nTry Our AI Features\nExplore what Daily8 AI can do for you:\nReady to dive into a world of global content with local flavor? Download Daily8 app today from your preferred app store and start exploring.");
        assert_eq!(a.paragraphs.len(), 1);
    }

    #[test]
    fn byline_prefix_and_date_line() {
        let a = extract("A headline for the test\nBy Jane Roe\nMarch 5, 2024\nThe first paragraph of the article says what happened in the city today.");
        assert_eq!(a.byline.as_deref(), Some("Jane Roe"));
        assert_eq!(a.published.as_deref(), Some("2024-03-05"));
    }

    #[test]
    fn clean_text_splits_on_blank_lines_or_lines() {
        assert_eq!(clean_text("a b\nc\n\nd").paragraphs, vec!["a b c", "d"]);
        assert_eq!(clean_text("a\nb").paragraphs, vec!["a", "b"]);
    }
}
