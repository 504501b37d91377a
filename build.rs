//! Generates the C header (cbindgen) and the C# P/Invoke stubs (csbindgen) from src/ffi into
//! OUT_DIR, laid out as in the repository (include/…, bindings/csharp/Runtime/…). It never
//! writes into the source tree: `cargo run --bin refresh-bindings` copies the outputs over the
//! committed files, and the bindings test fails while those are stale.

use std::path::{Path, PathBuf};

fn main() {
    // The whole C ABI is in src/ffi: both generators read that folder and nothing else.
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=Cargo.toml");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    generate(&out);
}

/// The source file of src/ffi that csbindgen does not read: with `HathoraCallback` unknown to it,
/// the C# stubs name that type instead of generating one delegate type per async function, and
/// the C# layer declares the one delegate by hand.
const NOT_FOR_CSBINDGEN: &str = "callback.rs";

/// The source files of src/ffi that csbindgen reads, sorted so that the output does not depend
/// on the file system.
fn ffi_sources(crate_dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(crate_dir.join("src/ffi"))
        .expect("read src/ffi")
        .map(|e| e.expect("src/ffi entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter(|p| !p.ends_with(NOT_FOR_CSBINDGEN))
        .collect();
    files.sort();
    files
}

/// Writes include/hathora_rooms.h and bindings/csharp/Runtime/NativeMethods.g.cs under `root`.
fn generate(root: &Path) {
    let crate_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    std::fs::create_dir_all(root.join("include")).expect("create include/");
    // src/ffi/mod.rs and the modules it declares: not the rest of the crate.
    cbindgen::Builder::new()
        .with_src(crate_dir.join("src/ffi/mod.rs"))
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate the header")
        .write_to_file(root.join("include/hathora_rooms.h"));

    std::fs::create_dir_all(root.join("bindings/csharp/Runtime"))
        .expect("create bindings/csharp/Runtime/");
    let mut cs = csbindgen::Builder::default();
    for file in ffi_sources(&crate_dir) {
        cs = cs.input_extern_file(file);
    }
    cs.csharp_dll_name("hathora_rooms")
        .csharp_dll_name_if("UNITY_IOS && !UNITY_EDITOR", "__Internal")
        .csharp_namespace("Hathora.Rooms.Native")
        .csharp_class_name("NativeMethods")
        .csharp_class_accessibility("public")
        .csharp_use_function_pointer(false)
        // UIntPtr, not C# 9's nuint: Mono's mcs and Unity before 2021.2 lack nuint.
        .csharp_use_nint_types(false)
        .csharp_generate_const_filter(|name| name.starts_with("HATHORA_"))
        // Enums that functions take as uint (so that out-of-range values stay safe).
        .always_included_types(["HathoraRegion", "HathoraDispatchMode", "HathoraLogLevel"])
        .generate_csharp_file(root.join("bindings/csharp/Runtime/NativeMethods.g.cs"))
        .expect("csbindgen could not generate the C# stubs");
}
