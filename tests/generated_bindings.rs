//! Fails when the committed header or C# stubs differ from a fresh generation: regenerate with
//! `cargo build` and commit include/ and bindings/csharp/Runtime/NativeMethods.g.cs.

#[path = "../build.rs"]
mod build_script;

use std::path::Path;
use std::process::Command;

const GENERATED: [&str; 2] = [
    "include/hathora_rooms.h",
    "bindings/csharp/Runtime/NativeMethods.g.cs",
];

/// The committed version (HEAD), or the working-tree file when this is not a git checkout.
fn committed(path: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let git = Command::new("git")
        .args(["-C", root, "show", &format!("HEAD:{path}")])
        .output();
    match git {
        Ok(out) if out.status.success() => String::from_utf8(out.stdout).expect("UTF-8"),
        _ => std::fs::read_to_string(Path::new(root).join(path)).expect("generated file present"),
    }
}

#[test]
fn committed_bindings_match_a_fresh_generation() {
    let dir = std::env::temp_dir().join(format!("hathora-bindings-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    build_script::generate(&dir);
    for path in GENERATED {
        let fresh = std::fs::read_to_string(dir.join(path)).expect("generated");
        assert!(
            fresh == committed(path),
            "{path} is stale: run `cargo build` and commit the regenerated file"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
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
