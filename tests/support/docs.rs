//! Shell blocks of the Markdown docs, as `tests/docs_as_tests.rs` runs them.
//!
//! The convention (also in docs/workflows/README.md):
//! - A fenced block tagged `sh` or `bash` is a shell block and runs. Other tags (`toml`,
//!   `json`, `text`, none) are data and never run. `console`, `shell`, `zsh` and `shell-session`
//!   are refused, so that no shell example escapes the harness under another name.
//! - An HTML comment right before the fence (invisible on GitHub) may say
//!   `<!-- docs-test: skip REASON -->` (the block is listed as skipped with REASON) or
//!   `<!-- docs-test: offline -->` (the whole block is the offline signer's).
//! - Inside a block, a comment line starting `# offline` runs the lines after it offline (in a
//!   network namespace), until a comment line starting `# online`. A block under a heading
//!   that says "offline" and not "online" starts offline.
//! - A placeholder is an upper-case environment variable (`$ETH_RPC`) from the harness's list;
//!   the doc must say in its prose what it stands for, naming it as `` `$ETH_RPC` ``.

/// One fenced shell block.
#[derive(Debug, Clone)]
pub struct Block {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The nearest heading above the block.
    pub heading: String,
    /// The block's lines, de-indented to its fence.
    pub text: String,
    /// Why the harness does not run it, from a `docs-test: skip` directive.
    pub skip: Option<String>,
    /// Whether the block starts on the offline signer.
    pub offline: bool,
}

const RUN_TAGS: [&str; 2] = ["sh", "bash"];
const REFUSED_TAGS: [&str; 4] = ["console", "shell", "zsh", "shell-session"];
const DIRECTIVE: &str = "docs-test:";

/// Every shell block of `markdown`, in order; `Err` names a malformed block or directive.
pub fn extract(markdown: &str) -> Result<Vec<Block>, String> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut blocks = Vec::new();
    let mut heading = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if line.starts_with('#') {
            heading = line.trim_start_matches('#').trim().to_string();
        }
        let Some(tag) = trimmed.strip_prefix("```") else {
            i += 1;
            continue;
        };
        let indent = line.len() - trimmed.len();
        let tag = tag.split_whitespace().next().unwrap_or("");
        let close = (i + 1..lines.len())
            .find(|&j| lines[j].trim() == "```")
            .ok_or_else(|| format!("line {}: unclosed code fence", i + 1))?;
        if REFUSED_TAGS.contains(&tag) {
            return Err(format!(
                "line {}: a ```{tag} block; tag shell blocks ```sh (run by the docs harness)",
                i + 1
            ));
        }
        if RUN_TAGS.contains(&tag) {
            let directive = directive_before(&lines, i)?;
            let text: Vec<&str> = lines[i + 1..close]
                .iter()
                .map(|l| {
                    l.get(indent..)
                        .filter(|_| l[..indent].trim().is_empty())
                        .unwrap_or(l.trim_start())
                })
                .collect();
            let says = heading.to_lowercase();
            blocks.push(Block {
                line: i + 1,
                heading: heading.clone(),
                text: text.join("\n"),
                skip: directive
                    .as_ref()
                    .and_then(|d| d.strip_prefix("skip ").map(str::to_string)),
                offline: directive.as_deref() == Some("offline")
                    || (says.contains("offline") && !says.contains("online")),
            });
        }
        i = close + 1;
    }
    Ok(blocks)
}

/// The `docs-test:` directive in the comment right above the fence at `fence` (blank lines
/// allowed in between), if any.
fn directive_before(lines: &[&str], fence: usize) -> Result<Option<String>, String> {
    let Some(above) = lines[..fence].iter().rev().find(|l| !l.trim().is_empty()) else {
        return Ok(None);
    };
    let Some(comment) = above
        .trim()
        .strip_prefix("<!--")
        .and_then(|c| c.strip_suffix("-->"))
    else {
        return Ok(None);
    };
    let Some(directive) = comment.trim().strip_prefix(DIRECTIVE) else {
        return Ok(None);
    };
    let directive = directive.trim();
    if directive == "offline"
        || directive
            .strip_prefix("skip ")
            .is_some_and(|r| !r.trim().is_empty())
    {
        Ok(Some(directive.to_string()))
    } else {
        Err(format!(
            "line {}: unknown directive `{directive}` (`skip REASON` or `offline`)",
            fence
        ))
    }
}

/// The block split where its comment lines switch between online and offline:
/// `(offline, lines)` pairs in order, none empty.
pub fn segments(block: &Block) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut offline = block.offline;
    let mut current = String::new();
    for line in block.text.lines() {
        let comment = line
            .trim_start()
            .strip_prefix('#')
            .map(|c| c.trim().to_lowercase());
        let switch = match comment.as_deref() {
            Some(c) if c.starts_with("offline") => Some(true),
            Some(c) if c.starts_with("online") => Some(false),
            _ => None,
        };
        if let Some(to) = switch.filter(|&to| to != offline) {
            if !current.trim().is_empty() {
                out.push((offline, std::mem::take(&mut current)));
            }
            current.clear();
            offline = to;
        }
        current.push_str(line);
        current.push('\n');
    }
    if !current.trim().is_empty() {
        out.push((offline, current));
    }
    out
}

/// Whether `text` uses `$NAME` or `${NAME}`.
pub fn uses(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = &text[..at];
        let after = text[at + name.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        (before.ends_with('$') && !ident(after)) || (before.ends_with("${") && after == Some('}'))
    })
}

/// The doc's prose (every line outside code fences).
pub fn prose(markdown: &str) -> String {
    let mut inside = false;
    let mut out = String::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            inside = !inside;
        } else if !inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_directives_and_segments() {
        let md = "# Title\n\n## Offline: sign\n\n```sh\ncoldsign sign a\n# online\ncoldsign broadcast\n```\n\n```toml\nx = 1\n```\n<!-- docs-test: skip needs a camera -->\n```bash\ncoldsign qr read --camera\n```\n1. step\n   ```sh\n   echo $ETH_RPC\n   ```\n";
        let blocks = extract(md).unwrap();
        assert_eq!(blocks.len(), 3);
        assert!(blocks[0].offline);
        assert_eq!(
            segments(&blocks[0]),
            vec![
                (true, "coldsign sign a\n".to_string()),
                (false, "# online\ncoldsign broadcast\n".to_string())
            ]
        );
        assert_eq!(blocks[1].skip.as_deref(), Some("needs a camera"));
        assert_eq!(blocks[2].text, "echo $ETH_RPC");
        assert!(uses(&blocks[2].text, "ETH_RPC"));
        assert!(!uses("$ETH_RPC_URL", "ETH_RPC"));
        assert!(extract("```console\n$ ls\n```\n").is_err());
        assert!(extract("<!-- docs-test: skp x -->\n```sh\nls\n```\n").is_err());
    }
}
