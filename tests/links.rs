//! Every relative link in README.md, CHANGELOG.md and docs/*.md resolves: the file (or
//! folder) exists, and a `#anchor` names a heading of the target (GitHub's slugs). Links
//! with a scheme (`https:`, `mailto:`) are not followed; code blocks and code spans are
//! not read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The documents checked, relative to the repository's root.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut docs = vec![root.join("README.md"), root.join("CHANGELOG.md")];
    let mut more: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    more.sort();
    docs.extend(more);
    docs
}

/// The lines of `text` outside fenced code blocks, with inline code spans blanked if
/// `blank_spans` (link targets), or only their backticks dropped (headings).
fn prose(text: &str, blank_spans: bool) -> Vec<String> {
    let mut fenced = false;
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut out = String::new();
        let mut in_code = false;
        for c in line.chars() {
            if c == '`' {
                in_code = !in_code;
            }
            if c != '`' {
                out.push(if in_code && blank_spans { ' ' } else { c });
            }
        }
        lines.push(out);
    }
    lines
}

/// The link targets of a Markdown text: `[text](target)`, `![alt](target)` and reference
/// definitions `[label]: target`.
fn targets(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in prose(text, true) {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix('[') {
            if let Some((_, def)) = rest.split_once("]:") {
                if let Some(t) = def.split_whitespace().next() {
                    found.push(t.to_string());
                }
                continue;
            }
        }
        let mut rest = line.as_str();
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].split_whitespace().next().unwrap_or("");
            found.push(target.to_string());
            rest = &after[end..];
        }
    }
    found
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown text's headings (a repeated heading gets `-1`, `-2`, …).
fn anchors(text: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    for line in prose(text, false) {
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if hashes == 0 || hashes > 6 || !line[hashes..].starts_with(' ') {
            continue;
        }
        let base = slug(&line[hashes..]);
        let mut anchor = base.clone();
        let mut n = 0;
        while !seen.insert(anchor.clone()) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
    }
    seen
}

/// The broken links of the document at `path` whose text is `text`, as messages.
fn broken(path: &Path, text: &str) -> Vec<String> {
    let dir = path.parent().expect("a document in a folder");
    let mut errors = Vec::new();
    for target in targets(text) {
        if target.is_empty() {
            errors.push(format!("{}: an empty link", path.display()));
            continue;
        }
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let (file, anchor) = match target.split_once('#') {
            Some((f, a)) => (f, Some(a)),
            None => (target.as_str(), None),
        };
        let resolved = if file.is_empty() {
            path.to_path_buf()
        } else {
            dir.join(file)
        };
        if !resolved.exists() {
            errors.push(format!("{}: '{target}': no such file", path.display()));
            continue;
        }
        if let Some(anchor) = anchor {
            let is_md = resolved.extension().is_some_and(|e| e == "md");
            let headings = if file.is_empty() {
                anchors(text)
            } else if is_md {
                anchors(&std::fs::read_to_string(&resolved).expect("read the target"))
            } else {
                HashSet::new()
            };
            if !headings.contains(anchor) {
                errors.push(format!(
                    "{}: '{target}': no heading '#{anchor}' in {}",
                    path.display(),
                    resolved.display()
                ));
            }
        }
    }
    errors
}

#[test]
fn every_relative_link_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut errors = Vec::new();
    let mut checked = 0;
    for doc in documents(root) {
        let text = std::fs::read_to_string(&doc).expect("read a document");
        checked += targets(&text).len();
        errors.extend(broken(&doc, &text));
    }
    assert!(errors.is_empty(), "broken links:\n{}", errors.join("\n"));
    // The README alone links to the guide, the three docs and the changelog.
    assert!(
        checked >= 10,
        "only {checked} links found: is the parser reading them?"
    );
}

/// The checker itself: it finds what is broken, and passes what is not.
#[test]
fn the_checker_reports_broken_files_and_anchors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = root.join("README.md");
    let text = "\
# Title\n\
## The `glorot` command — and more\n\
[ok](docs/GUIDE.md) [ok](#title) [ok](#the-glorot-command--and-more) [ok](https://x.y/z)\n\
[ok](docs/GUIDE.md#from-c) [ok](docs/ERRORS.md#the-glorot-command) ![ok](docs/glorot_normal.svg) [ok](ci/)\n\
[gone](docs/NOPE.md) [bad anchor](#nope) [bad](docs/GUIDE.md#nope)\n\
`[not a link](docs/NOPE2.md)`\n\
```\n[in a code block](docs/NOPE3.md)\n```\n\
[ref]: docs/NOPE4.md\n";
    let errors = broken(&readme, text);
    assert_eq!(errors.len(), 4, "{errors:#?}");
    for needle in [
        "docs/NOPE.md",
        "'#nope'",
        "docs/GUIDE.md#nope",
        "docs/NOPE4.md",
    ] {
        assert!(
            errors.iter().any(|e| e.contains(needle)),
            "{needle}: {errors:#?}"
        );
    }
    assert_eq!(slug("glorot — a guide"), "glorot--a-guide");
    assert_eq!(
        slug("1. What \"GlorotNormal\" means"),
        "1-what-glorotnormal-means"
    );
}
