//! robots.txt: which paths a site lets our agent fetch. The group for our agent name wins over
//! the `*` group; within a group the longest matching rule wins, Allow on a tie (RFC 9309).

/// One group of a robots.txt: its user agents and its (allow, pattern) rules.
type Group = (Vec<String>, Vec<(bool, String)>);

/// The rules of one site for one agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Robots {
    /// (allow, path prefix), with `*` wildcards and an optional `$` end anchor.
    rules: Vec<(bool, String)>,
}

impl Robots {
    /// Reads a robots.txt body for `agent` (matched case-insensitively as a prefix of the
    /// group's user-agent token, as crawlers do).
    pub fn parse(body: &str, agent: &str) -> Robots {
        let agent = agent.to_ascii_lowercase();
        // groups: (agents, rules); consecutive user-agent lines share a group
        let mut groups: Vec<Group> = Vec::new();
        let mut in_agents = false;
        for line in body.lines().take(10_000) {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((k, v)) = line.split_once(':') else { continue };
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            match k.as_str() {
                "user-agent" => {
                    if !in_agents {
                        groups.push((Vec::new(), Vec::new()));
                    }
                    in_agents = true;
                    groups.last_mut().expect("pushed").0.push(v.to_ascii_lowercase());
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut() {
                        if !v.is_empty() {
                            g.1.push((k == "allow", v.to_string()));
                        }
                    }
                }
                _ => in_agents = false,
            }
        }
        let mine = groups.iter().find(|(agents, _)| agents.iter().any(|a| a != "*" && agent.starts_with(a.as_str())));
        let any = groups.iter().find(|(agents, _)| agents.iter().any(|a| a == "*"));
        Robots { rules: mine.or(any).map(|(_, r)| r.clone()).unwrap_or_default() }
    }

    /// Whether `path` (with its query) may be fetched.
    pub fn allows(&self, path: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern, path) {
                let len = pattern.len();
                if best.is_none_or(|(l, a)| len > l || (len == l && *allow && !a)) {
                    best = Some((len, *allow));
                }
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// A robots.txt path pattern: a prefix, where `*` matches anything and a final `$` anchors.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut at = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !path.starts_with(part) {
                return false;
            }
            at = part.len();
        } else {
            match path[at..].find(part) {
                Some(p) => at += p + part.len(),
                None => return false,
            }
        }
    }
    if !anchored {
        return true;
    }
    // anchored: the last part must also be able to end the path, after what came before it
    let last = parts.last().copied().unwrap_or("");
    at == path.len() || (parts.len() > 1 && path.ends_with(last) && path.len() - last.len() >= at - last.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_group_wins_and_the_longest_rule_decides() {
        let body = "User-agent: *\nDisallow: /\n\nUser-agent: parallax\nUser-agent: other\nDisallow: /private\nAllow: /private/press\nDisallow: /*.pdf$\n";
        let r = Robots::parse(body, "parallax/0.1");
        assert!(r.allows("/news/a"));
        assert!(!r.allows("/private/notes"));
        assert!(r.allows("/private/press/release"));
        assert!(!r.allows("/files/report.pdf"));
        assert!(r.allows("/files/report.pdf?x=1"));
        assert!(!r.allows("/a.pdf/b.pdf"), "the anchor looks at the end");
        let everyone = Robots::parse(body, "somebot");
        assert!(!everyone.allows("/news/a"));
        assert!(Robots::parse("", "parallax").allows("/anything"));
    }
}
