//! Binding drift is a test failure. include/hathora_rooms.h (generated from src/ffi)
//! is the reference; each test checks one binding against it and lists every disagreement:
//! - Python (ctypes): every function declared with the same argument and return types, every
//!   struct with the same fields and types in order, every per-call option and CreateRoom
//!   parameter filled in by the client, every view field read, the enums' members and values.
//! - C++ (hathora_rooms.hpp): every function wrapped, every struct mirrored by its typed copy
//!   (same fields in the same order), every input field set, every enum's members and values.
//! - C# (Runtime/): every function called (the blocking forms excepted: the C# API is
//!   Task-only), every input field set and view field read, the enums' members and values.
//! - Rust's wire model and the emulator: the same regions, statuses and transport types.
//!
//! Adding a field, a function or an enum member in src/ffi makes these fail until every
//! binding follows.

mod header;
mod sources;

use hathora_rooms::ffi::{
    HathoraRegion, HathoraRoomReadyStatus, HathoraRoomStatus, HathoraTransportType,
};
use hathora_rooms::model::{Region, RoomReadyStatus, RoomStatus, TransportType};
use header::{Header, norm};
use serde_json::Value;
use sources::*;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

fn header() -> Header {
    Header::parse(&read("include/hathora_rooms.h"))
}

/// Fails with every problem found, one per line.
fn report(binding: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{binding} disagrees with include/hathora_rooms.h in {} place(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// The checks are only as good as the parser: make sure it saw the whole header.
#[test]
fn the_header_parser_sees_every_kind_of_declaration() {
    let h = header();
    assert!(h.functions.len() >= 50, "{} functions", h.functions.len());
    let create = &h.functions["hathora_create_room"];
    assert_eq!(create.ret, "u32");
    let types: Vec<&str> = create.args.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        types,
        [
            "ptr(void)",
            "ptr(HathoraCreateRoomParams)",
            "ptr(HathoraCallOptions)",
            "ptr(ptr(void))"
        ]
    );
    assert_eq!(
        h.functions["hathora_set_log_callback"].args[0].1,
        "fn(ptr(void),u32,ptr(char))->void"
    );
    assert_eq!(
        h.structs["HathoraCreateRoomParams"][6],
        ("client_ips".to_owned(), "ptr(ptr(char))".to_owned())
    );
    for e in [
        "HathoraResultCode",
        "HathoraRegion",
        "HathoraRoomStatus",
        "HathoraRoomReadyStatus",
        "HathoraTransportType",
        "HathoraDispatchMode",
        "HathoraLogLevel",
    ] {
        assert!(h.enums.get(e).is_some_and(|m| m.len() >= 2), "enum {e}");
    }
    assert_eq!(h.enums["HathoraRegion"][11], ("SAO_PAULO".to_owned(), 11));
    assert_eq!(h.opaque.len(), 3, "{:?}", h.opaque);
}

/// The header's own namespace: every macro and constant starts with `HATHORA_`, every type with
/// `Hathora`, every function with `hathora_`.
#[test]
fn every_public_name_in_the_header_is_prefixed() {
    let h = header();
    let mut problems = Vec::new();
    for name in h.defines.keys().filter(|n| !n.starts_with("HATHORA_")) {
        problems.push(format!("#define {name}: not prefixed HATHORA_"));
    }
    let types = h.structs.keys().chain(&h.opaque).chain(h.enums.keys());
    for name in types.filter(|n| !n.starts_with("Hathora")) {
        problems.push(format!("type {name}: not prefixed Hathora"));
    }
    for name in h.functions.keys().filter(|n| !n.starts_with("hathora_")) {
        problems.push(format!("function {name}: not prefixed hathora_"));
    }
    report("the header", problems);
}

// --- Python -----------------------------------------------------------------------------------

/// What bindings/python declares, as printed by python_abi.py (no native library needed).
fn python_abi() -> Value {
    let script = root().join("tests/binding_drift/python_abi.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(root().join("bindings/python"))
        .output()
        .expect("python3 must be installed to check the Python binding");
    assert!(
        out.status.success(),
        "python_abi.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("python_abi.py prints JSON")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Functions whose Python return type deliberately differs: the body may hold any bytes, so it is
/// read as (pointer, length), never as a NUL-terminated string.
const PYTHON_RETURN_EXCEPTIONS: [(&str, &str); 1] = [("hathora_result_body", "ptr(void)")];

#[test]
fn python_declares_every_function_and_struct_like_the_header() {
    let h = header();
    let py = python_abi();
    let mut problems = Vec::new();
    let functions = py["functions"].as_object().unwrap();
    for (name, f) in &h.functions {
        let Some(p) = functions.get(name) else {
            problems.push(format!("{name}: not declared in _native.py"));
            continue;
        };
        let args = strings(&p["args"]);
        let want: Vec<String> = f.args.iter().map(|(_, t)| t.clone()).collect();
        if args != want {
            problems.push(format!(
                "{name}: argtypes {args:?}, the header has {want:?}"
            ));
        }
        let ret = p["ret"].as_str().unwrap();
        let allowed = PYTHON_RETURN_EXCEPTIONS
            .iter()
            .any(|(n, t)| n == name && *t == ret);
        if ret != f.ret && !allowed {
            problems.push(format!("{name}: restype {ret}, the header has {}", f.ret));
        }
    }
    for name in functions.keys().filter(|n| !h.functions.contains_key(*n)) {
        problems.push(format!("{name}: declared in _native.py, not in the header"));
    }
    let structs = py["structs"].as_object().unwrap();
    for (name, fields) in &h.structs {
        let Some(p) = structs.get(name) else {
            problems.push(format!("struct {name}: not mirrored in _native.py"));
            continue;
        };
        let got: Vec<(String, String)> = p
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f[0].as_str().unwrap().into(), f[1].as_str().unwrap().into()))
            .collect();
        if &got != fields {
            problems.push(format!(
                "struct {name}: _fields_ {got:?}, the header has {fields:?}"
            ));
        }
    }
    report("bindings/python", problems);
}

#[test]
fn python_fills_in_every_option_and_reads_every_view_field() {
    let h = header();
    let py = python_abi();
    let mut problems = Vec::new();
    let filled: BTreeSet<String> = py["call_option_keywords"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(strings)
        .collect();
    for (field, _) in &h.structs["HathoraCallOptions"] {
        if field != "version" && !filled.contains(field) {
            problems.push(format!(
                "HathoraCallOptions.{field}: no per-call keyword of Client fills it in"
            ));
        }
    }
    let filled: BTreeSet<String> = strings(&py["create_params_filled"]).into_iter().collect();
    for (field, _) in &h.structs["HathoraCreateRoomParams"] {
        // Python names the region by its wire string (region_name), so `region` stays unset.
        if field != "version" && field != "region" && !filled.contains(field) {
            problems.push(format!(
                "HathoraCreateRoomParams.{field}: create_room never fills it in"
            ));
        }
    }
    // Region pings' options and targets: every field but `version`, and the target's `region`
    // (Python names regions by their wire string, `region_name`).
    for (strukt, key, skipped) in [
        ("HathoraPingOptions", "ping_options_filled", "version"),
        ("HathoraPingTarget", "ping_target_filled", "region"),
    ] {
        let filled: BTreeSet<String> = strings(&py[key]).into_iter().collect();
        for (field, _) in &h.structs[strukt] {
            if field != skipped && !filled.contains(field) {
                problems.push(format!("{strukt}.{field}: ping_regions never fills it in"));
            }
        }
    }
    let models = read("bindings/python/hathora_rooms/models.py");
    for (name, fields) in h.structs.iter().filter(|(n, _)| !h.is_input_struct(n)) {
        for (field, _) in fields {
            // An enum number with a `*_raw` wire string beside it: Python maps the string.
            let raw = format!("{field}_raw");
            let by_wire_string = fields.iter().any(|(f, _)| *f == raw) && reads(&models, &raw);
            if !reads(&models, field) && !by_wire_string {
                problems.push(format!("{name}.{field}: never read by models.py"));
            }
        }
    }
    report("bindings/python", problems);
}

// --- Enums: Rust model, Python, emulator --------------------------------------------------------

/// One known value of a Rust model enum: (its C number, Debug name, wire string).
type ModelValue = (i64, String, String);

/// The wire enums of the Rust model with the C numbers src/ffi/enums.rs gives them, as (header
/// enum, known values); each list also holds every value the model knows.
fn model_enums() -> Vec<(&'static str, Vec<ModelValue>)> {
    fn known<C: Copy, M: std::fmt::Debug + PartialEq>(
        from_u32: fn(u32) -> Option<C>,
        to_model: fn(C) -> Option<M>,
        all: &[M],
        wire: fn(&M) -> &str,
    ) -> Vec<ModelValue> {
        let values: Vec<(u32, M)> = (1u32..)
            .map_while(|n| from_u32(n).map(|c| (n, to_model(c).expect("a known C value"))))
            .collect();
        assert_eq!(
            values.len(),
            all.len(),
            "every value the model knows has a C number: {values:?}"
        );
        values
            .into_iter()
            .map(|(n, m)| (i64::from(n), format!("{m:?}"), wire(&m).to_owned()))
            .collect()
    }
    vec![
        (
            "HathoraRegion",
            known(
                HathoraRegion::from_u32,
                HathoraRegion::known,
                Region::KNOWN,
                Region::as_str,
            ),
        ),
        (
            "HathoraRoomStatus",
            known(
                HathoraRoomStatus::from_u32,
                HathoraRoomStatus::known,
                RoomStatus::KNOWN,
                RoomStatus::as_str,
            ),
        ),
        (
            "HathoraRoomReadyStatus",
            known(
                HathoraRoomReadyStatus::from_u32,
                HathoraRoomReadyStatus::known,
                RoomReadyStatus::KNOWN,
                RoomReadyStatus::as_str,
            ),
        ),
        (
            "HathoraTransportType",
            known(
                HathoraTransportType::from_u32,
                HathoraTransportType::known,
                TransportType::KNOWN,
                TransportType::as_str,
            ),
        ),
    ]
}

/// Python's name for each header enum, and whether its values are the C numbers (IntEnum) or
/// the wire strings (str Enum, members in the C enum's order starting with UNKNOWN).
const PYTHON_ENUMS: [(&str, &str, bool); 7] = [
    ("HathoraResultCode", "ResultCode", true),
    ("HathoraDispatchMode", "DispatchMode", true),
    ("HathoraLogLevel", "LogLevel", true),
    ("HathoraRegion", "Region", false),
    ("HathoraRoomStatus", "RoomStatus", false),
    ("HathoraRoomReadyStatus", "RoomReadyStatus", false),
    ("HathoraTransportType", "TransportType", false),
];

#[test]
fn enums_agree_in_rust_python_and_the_emulator() {
    let h = header();
    let py = python_abi();
    let mut problems = Vec::new();
    let model = model_enums();
    let wire_of = |e: &str, ordinal: i64| {
        model
            .iter()
            .find(|(n, _)| *n == e)
            .and_then(|(_, m)| m.iter().find(|(o, _, _)| *o == ordinal))
            .map(|(_, _, w)| w.clone())
    };
    // Rust: the model's known values, by their C numbers, are the C enum's members 1.. in order.
    for (e, known) in &model {
        let c: Vec<(i64, String)> = h.enums[*e]
            .iter()
            .filter(|(_, v)| *v > 0)
            .map(|(n, v)| (*v, norm(n)))
            .collect();
        let m: Vec<(i64, String)> = known.iter().map(|(o, n, _)| (*o, norm(n))).collect();
        if c != m {
            problems.push(format!("Rust model of {e}: {m:?}, the header has {c:?}"));
        }
    }
    // Python.
    for (e, py_name, numeric) in PYTHON_ENUMS {
        let members = py["enums"][py_name].as_object();
        let Some(members) = members else {
            problems.push(format!("Python has no enum {py_name} for {e}"));
            continue;
        };
        if e == "HathoraRegion" && members.is_empty() {
            continue; // built at import from hathora_region_name: written once, in Rust
        }
        let got: BTreeMap<String, String> = members
            .iter()
            .map(|(k, v)| (norm(k), v.to_string().trim_matches('"').to_owned()))
            .collect();
        let want: BTreeMap<String, String> = h.enums[e]
            .iter()
            .filter(|(_, v)| numeric || e != "HathoraRegion" || *v > 0)
            .map(|(n, v)| {
                let value = if numeric {
                    v.to_string()
                } else if *v == 0 {
                    "unknown".to_owned()
                } else {
                    wire_of(e, *v).unwrap_or_default()
                };
                (norm(n), value)
            })
            .collect();
        if got != want {
            problems.push(format!(
                "Python {py_name}: {got:?}, expected {want:?} (from {e})"
            ));
        }
    }
    // The emulator accepts exactly the library's regions and emits only its statuses.
    let regions: Vec<String> = Region::KNOWN
        .iter()
        .map(|r| r.as_str().to_owned())
        .collect();
    if hathora_rooms_server::REGIONS.to_vec() != regions {
        problems.push(format!(
            "emulator REGIONS {:?}, the library has {regions:?}",
            hathora_rooms_server::REGIONS
        ));
    }
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    let model_set = |e: &str| -> BTreeSet<String> {
        model
            .iter()
            .find(|(n, _)| *n == e)
            .unwrap()
            .1
            .iter()
            .map(|(_, _, w)| w.clone())
            .collect()
    };
    for (what, emitted, e, exact) in [
        (
            "ROOM_STATUSES",
            &hathora_rooms_server::ROOM_STATUSES[..],
            "HathoraRoomStatus",
            true,
        ),
        (
            "READY_STATUSES",
            &hathora_rooms_server::READY_STATUSES[..],
            "HathoraRoomReadyStatus",
            true,
        ),
        (
            "TRANSPORT_TYPES",
            &hathora_rooms_server::TRANSPORT_TYPES[..],
            "HathoraTransportType",
            false,
        ),
    ] {
        let (emitted, known) = (set(emitted), model_set(e));
        let ok = if exact {
            emitted == known
        } else {
            emitted.is_subset(&known)
        };
        if !ok {
            problems.push(format!(
                "emulator {what} {emitted:?}, the library knows {known:?}"
            ));
        }
    }
    report("Rust model / Python / emulator enums", problems);
}

// --- C++ --------------------------------------------------------------------------------------

/// The C++ name of each header enum.
const CPP_ENUMS: [(&str, &str); 7] = [
    ("HathoraResultCode", "Code"),
    ("HathoraRegion", "Region"),
    ("HathoraRoomStatus", "RoomStatus"),
    ("HathoraRoomReadyStatus", "RoomReadyStatus"),
    ("HathoraTransportType", "TransportType"),
    ("HathoraDispatchMode", "DispatchMode"),
    ("HathoraLogLevel", "LogLevel"),
];

#[test]
fn cpp_wraps_every_function_and_mirrors_every_struct_and_enum() {
    let h = header();
    let hpp = strip_comments(&read("bindings/cpp/hathora_rooms.hpp"));
    let mut problems = Vec::new();
    for name in h.functions.keys().filter(|n| !calls(&hpp, n)) {
        problems.push(format!("{name}: not wrapped"));
    }
    // Each struct's typed copy (`HathoraRoom` -> `hathora::Room`) has the C fields in order,
    // without `version` (set by the _init() function) and `*_count` (a std::vector's size).
    for (name, fields) in &h.structs {
        let cpp_name = name.trim_start_matches("Hathora");
        let Some(body) = body_after(&hpp, &format!("struct {cpp_name}")) else {
            problems.push(format!("struct {name}: no hathora::{cpp_name}"));
            continue;
        };
        let want: Vec<String> = fields
            .iter()
            .map(|(f, _)| f.clone())
            .filter(|f| f != "version" && !f.ends_with("_count"))
            .collect();
        let got = field_names(body);
        if got != want {
            problems.push(format!(
                "struct {name}: hathora::{cpp_name} has {got:?}, expected {want:?}"
            ));
        }
        if h.is_input_struct(name) {
            for (field, _) in fields.iter().filter(|(f, _)| f != "version") {
                if !assigns(&hpp, field) {
                    problems.push(format!("{name}.{field}: never set by the wrapper"));
                }
            }
        }
    }
    let cpp_enums = enums(&hpp, "enum class");
    for (e, cpp) in CPP_ENUMS {
        let Some(members) = cpp_enums.get(cpp) else {
            problems.push(format!("{e}: no enum class {cpp}"));
            continue;
        };
        let prefix = header::member_prefix(e);
        let got: Vec<(String, String)> = members
            .iter()
            .map(|(n, v)| {
                (
                    norm(n),
                    v.strip_prefix(&prefix)
                        .map(norm)
                        .unwrap_or_else(|| v.clone()),
                )
            })
            .collect();
        let want: Vec<(String, String)> =
            h.enums[e].iter().map(|(n, _)| (norm(n), norm(n))).collect();
        if got != want {
            problems.push(format!(
                "enum class {cpp}: {got:?}, expected {want:?} (from {e})"
            ));
        }
    }
    report("bindings/cpp/hathora_rooms.hpp", problems);
}

// --- C# ---------------------------------------------------------------------------------------

/// The C# layer (Runtime/ without the generated stubs), comments removed, as one text.
fn csharp_layer() -> String {
    let mut files = Vec::new();
    cs_files(&root().join("bindings/csharp/Runtime"), &mut files);
    files
        .iter()
        .filter(|p| !p.ends_with("NativeMethods.g.cs"))
        .map(|p| strip_comments(&std::fs::read_to_string(p).unwrap()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The managed C# enum of each header enum, and members it leaves out on purpose.
const CSHARP_ENUMS: [(&str, &str, &[&str]); 6] = [
    ("HathoraRegion", "Region", &[]),
    ("HathoraRoomStatus", "RoomStatus", &[]),
    ("HathoraRoomReadyStatus", "RoomReadyStatus", &[]),
    ("HathoraTransportType", "TransportType", &[]),
    ("HathoraDispatchMode", "DispatchMode", &[]),
    // HathoraRoomsLog.Clear() is the C# form of OFF.
    ("HathoraLogLevel", "HathoraLogLevel", &["OFF"]),
];

#[test]
fn csharp_wraps_every_function_and_mirrors_every_struct_and_enum() {
    let h = header();
    let cs = csharp_layer();
    let generated = strip_comments(&read("bindings/csharp/Runtime/NativeMethods.g.cs"));
    let mut problems = Vec::new();
    for name in h.functions.keys() {
        // The C# API is Task-only: the blocking form of an operation has no wrapper.
        let blocking_form = h.functions.contains_key(&format!("{name}_async"));
        if !blocking_form && !calls(&cs, name) {
            problems.push(format!("{name}: never called by the C# layer"));
        }
    }
    for (name, fields) in &h.structs {
        // The generated mirror: same fields in the same order.
        match body_after(&generated, &format!("partial struct {name}")) {
            Some(body) => {
                let want: Vec<String> = fields.iter().map(|(f, _)| f.clone()).collect();
                let got = field_names(body);
                if got != want {
                    problems.push(format!(
                        "NativeMethods.g.cs {name}: {got:?}, expected {want:?}"
                    ));
                }
            }
            None => problems.push(format!("struct {name}: not in NativeMethods.g.cs")),
        }
        for (field, _) in fields.iter().filter(|(f, _)| f != "version") {
            let used = if h.is_input_struct(name) {
                assigns(&cs, field)
            } else {
                reads(&cs, field)
            };
            if !used {
                let how = if h.is_input_struct(name) {
                    "set"
                } else {
                    "read"
                };
                problems.push(format!("{name}.{field}: never {how} by the C# layer"));
            }
        }
    }
    let managed = enums(&cs, "enum");
    for (e, cs_name, omitted) in CSHARP_ENUMS {
        let Some(members) = managed.get(cs_name) else {
            problems.push(format!("{e}: no C# enum {cs_name}"));
            continue;
        };
        let got: Vec<(String, String)> =
            members.iter().map(|(n, v)| (norm(n), v.clone())).collect();
        let want: Vec<(String, String)> = h.enums[e]
            .iter()
            .filter(|(n, _)| !omitted.contains(&n.as_str()))
            .map(|(n, v)| (norm(n), v.to_string()))
            .collect();
        if got != want {
            problems.push(format!(
                "C# enum {cs_name}: {got:?}, expected {want:?} (from {e})"
            ));
        }
    }
    // Result codes: the C# layer uses the generated enum; each failure code must be handled
    // (InternalError is the `default:` of ExceptionFactory, so unknown codes land there too).
    let codes = enums(&generated, "enum");
    for (member, _) in codes.get("HathoraResultCode").into_iter().flatten() {
        let implicit = member == "Ok" || member == "InternalError";
        if !implicit && !cs.contains(&format!("HathoraResultCode.{member}")) {
            problems.push(format!(
                "HathoraResultCode.{member}: not handled by the C# layer"
            ));
        }
    }
    report("bindings/csharp", problems);
}
