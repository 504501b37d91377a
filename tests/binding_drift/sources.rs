//! Reading the bindings' sources: comment stripping and the few shapes the drift checks need
//! (C++ `enum class` and `struct` bodies, C# `enum` and `struct` bodies).

use std::collections::BTreeMap;
use std::path::Path;

pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every `.cs` file under `dir` (recursively), sorted.
pub fn cs_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            cs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "cs") {
            out.push(path);
        }
    }
    out.sort();
}

/// `text` without `//` comments (C++, C#) and `/* */` blocks.
pub fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut in_block = false;
    for line in text.lines() {
        let mut line = line.to_owned();
        if in_block {
            match line.find("*/") {
                Some(end) => {
                    line = line[end + 2..].to_owned();
                    in_block = false;
                }
                None => continue,
            }
        }
        if let Some(start) = line.find("/*") {
            match line[start..].find("*/") {
                Some(end) => line.replace_range(start..start + end + 2, ""),
                None => {
                    line.truncate(start);
                    in_block = true;
                }
            }
        }
        if let Some(c) = line.find("//") {
            line.truncate(c);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The text between the `{` after `opener` (ending at a word boundary) and its matching `}`.
pub fn body_after<'a>(text: &'a str, opener: &str) -> Option<&'a str> {
    let start = text
        .match_indices(opener)
        .map(|(i, _)| i + opener.len())
        .find(|&end| {
            !text[end..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        })?;
    let open = start + text[start..].find('{')?;
    let mut depth = 0;
    for (i, ch) in text[open..].char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[open + 1..open + i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Members of an enum body, `Name = value` separated by commas: name -> value text.
pub fn enum_members(body: &str) -> Vec<(String, String)> {
    body.split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| match m.split_once('=') {
            Some((n, v)) => (n.trim().to_owned(), v.trim().to_owned()),
            None => (m.to_owned(), String::new()),
        })
        .collect()
}

/// Field names of a C++ or C# struct body, in order: the identifier of each `TYPE name [= x];`
/// declaration (methods and nested bodies are skipped).
pub fn field_names(body: &str) -> Vec<String> {
    body.split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty() && !d.contains('(') && !d.contains('{'))
        .map(|d| {
            let d = d.split('=').next().unwrap().trim();
            let at = d
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |i| i + 1);
            d[at..].to_owned()
        })
        .collect()
}

/// Whether `text` calls or passes on the function `name`: the whole identifier directly followed
/// by `(`, or taken as a value (`&name` in C++, `N.name` as a C# delegate).
pub fn calls(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = &text[i + name.len()..];
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && (after.starts_with('(') || before == Some('&') || before == Some('.'))
    })
}

/// Whether `text` assigns `.field` (`x.field = ...`).
pub fn assigns(text: &str, field: &str) -> bool {
    text.contains(&format!(".{field} ="))
}

/// Whether `text` reads `field` through `->` or `.`.
pub fn reads(text: &str, field: &str) -> bool {
    [format!("->{field}"), format!(".{field}")].iter().any(|p| {
        text.match_indices(p.as_str()).any(|(i, _)| {
            !text[i + p.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

/// Every `enum NAME ... { ... }` of a C# or C++ text: name -> members.
pub fn enums(text: &str, keyword: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let mut out = BTreeMap::new();
    for (i, _) in text.match_indices(keyword) {
        let rest = &text[i + keyword.len()..];
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            continue;
        }
        if let Some(body) = body_after(&text[i..], &name) {
            out.insert(name, enum_members(body));
        }
    }
    out
}
