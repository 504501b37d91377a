//! Fails when the committed header or C# stubs differ from what build.rs generated for this
//! build (into OUT_DIR): run `cargo run --bin refresh-bindings` and commit include/ and
//! bindings/csharp/Runtime/NativeMethods.g.cs.

use std::path::Path;

const GENERATED: [&str; 2] = [
    "include/hathora_rooms.h",
    "bindings/csharp/Runtime/NativeMethods.g.cs",
];

#[test]
fn committed_bindings_match_a_fresh_generation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh_root = Path::new(env!("OUT_DIR"));
    for path in GENERATED {
        let fresh = std::fs::read_to_string(fresh_root.join(path)).expect("build.rs output");
        let committed = std::fs::read_to_string(root.join(path)).expect("committed file");
        assert!(
            fresh == committed,
            "{path} is stale: run `cargo run --bin refresh-bindings` and commit the result"
        );
    }
}

/// Names of `hathora_*` functions declared in `text`: identifiers directly followed by `(`
/// on lines that are not comments.
fn declared(text: &str, line_filter: impl Fn(&str) -> bool) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    for line in text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//") && line_filter(l))
    {
        for (i, _) in line.match_indices("hathora_") {
            let rest = &line[i..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if rest[end..].starts_with('(') {
                names.insert(rest[..end].to_owned());
            }
        }
    }
    names
}

#[test]
fn header_and_csharp_stubs_declare_the_same_functions() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = std::fs::read_to_string(root.join(GENERATED[0])).unwrap();
    let cs = std::fs::read_to_string(root.join(GENERATED[1])).unwrap();
    let in_header = declared(&header, |l| !l.starts_with(' ') && !l.starts_with('*'));
    let in_cs = declared(&cs, |l| l.contains("static extern"));
    assert!(
        in_header.len() >= 40,
        "found only {} functions in the header",
        in_header.len()
    );
    assert_eq!(in_header, in_cs);
}
