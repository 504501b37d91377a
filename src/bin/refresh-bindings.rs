//! `cargo run --bin refresh-bindings`: copies the bindings build.rs generated into OUT_DIR (the
//! C header and the C# P/Invoke stubs) over the committed files. Run it after changing src/ffi,
//! then commit include/ and bindings/csharp/Runtime/NativeMethods.g.cs;
//! tests/generated_bindings.rs fails until then.

use std::path::{Path, PathBuf};

/// Every file under `dir`, as paths relative to `base`.
fn files(base: &Path, dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            files(base, &path, found)?;
        } else {
            found.push(path.strip_prefix(base).expect("under base").to_owned());
        }
    }
    Ok(())
}

fn main() -> std::io::Result<()> {
    let generated = Path::new(env!("OUT_DIR"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    files(generated, generated, &mut found)?;
    found.sort();
    for rel in found {
        let fresh = std::fs::read(generated.join(&rel))?;
        let target = root.join(&rel);
        let unchanged = std::fs::read(&target).is_ok_and(|old| old == fresh);
        if !unchanged {
            std::fs::write(&target, fresh)?;
        }
        println!(
            "{} {}",
            if unchanged { "unchanged" } else { "updated  " },
            rel.display()
        );
    }
    Ok(())
}
