//! A reader of include/hathora_rooms.h as cbindgen writes it: functions, structs, opaque types,
//! function-pointer typedefs and enums, with every C type in one canonical text form that the
//! bindings' types are compared in (`u32`, `ptr(char)`, `ptr(void)` for handles, ...).

use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub ret: String,
    pub args: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub struct Header {
    pub functions: BTreeMap<String, Function>,
    /// Structs with a body, field names and canonical types in order.
    pub structs: BTreeMap<String, Vec<(String, String)>>,
    pub opaque: BTreeSet<String>,
    /// Enum name -> (member without its prefix, value), in order.
    pub enums: BTreeMap<String, Vec<(String, i64)>>,
    /// `#define HATHORA_...` constants.
    pub defines: BTreeMap<String, String>,
    fn_pointers: BTreeMap<String, String>,
}

/// `HathoraRoomReadyStatus` -> `HATHORA_ROOM_READY_STATUS_`: the prefix cbindgen gives members.
pub fn member_prefix(enum_name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in enum_name.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out + "_"
}

/// Lowercase without underscores: how member names are compared across naming conventions
/// (`WASHINGTON_DC`, `WashingtonDc`, `WashingtonDC`, `washington_dc`).
pub fn norm(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The header without comments, preprocessor lines (a `#define` becomes an `@define`
/// statement) and the `extern "C"` wrapper.
fn code_only(text: &str) -> String {
    let mut out = String::new();
    for line in crate::sources::strip_comments(text).lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("#define ") {
            out.push_str(&format!("@define {rest};\n"));
        } else if !(t.starts_with('#') || t == "extern \"C\" {" || t == "}") {
            out.push_str(t);
            out.push('\n');
        }
    }
    out
}

/// Splits top-level statements at `;` (braces nest).
fn statements(code: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0i32);
    for ch in code.chars() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if ch == ';' && depth == 0 {
            out.push(cur.split_whitespace().collect::<Vec<_>>().join(" "));
            cur.clear();
        } else {
            cur.push(ch);
        }
    }
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

/// `const char *const *client_ips` -> ("client_ips", "const char *const *").
fn split_decl(decl: &str) -> (String, String) {
    let decl = decl.trim();
    let at = decl
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    (decl[at..].to_owned(), decl[..at].trim().to_owned())
}

fn args_of(list: &str) -> Vec<(String, String)> {
    let list = list.trim();
    if list.is_empty() || list == "void" {
        return Vec::new();
    }
    list.split(',').map(split_decl).collect()
}

impl Header {
    pub fn parse(text: &str) -> Header {
        let mut h = Header::default();
        let mut raw_functions = Vec::new();
        let mut raw_structs = Vec::new();
        let mut raw_fn_pointers = Vec::new();
        for st in statements(&code_only(text)) {
            if let Some(rest) = st.strip_prefix("@define ") {
                let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
                h.defines.insert(name.to_owned(), value.trim().to_owned());
            } else if let Some(rest) = st.strip_prefix("typedef struct {") {
                let (body, name) = rest.rsplit_once('}').expect("struct body");
                raw_structs.push((name.trim().to_owned(), body.to_owned()));
            } else if let Some(rest) = st.strip_prefix("typedef struct ") {
                h.opaque
                    .insert(rest.split_whitespace().next().unwrap().to_owned());
            } else if st.starts_with("typedef") && st.contains("(*") {
                // typedef RET (*NAME)(ARGS)
                let (ret, rest) = st["typedef ".len()..].split_once("(*").unwrap();
                let (name, args) = rest.split_once(")(").unwrap();
                raw_fn_pointers.push((
                    name.to_owned(),
                    ret.trim().to_owned(),
                    args.trim_end_matches(')').to_owned(),
                ));
            } else if st.starts_with("typedef") {
                // typedef enum X X / typedef uint32_t X: aliases of the enums below.
            } else if let Some(rest) = st.strip_prefix("enum ") {
                let (name, body) = rest.split_once('{').expect("enum body");
                let name = name.split(':').next().unwrap().trim().to_owned();
                let prefix = member_prefix(&name);
                let members = body
                    .trim_end_matches('}')
                    .split(',')
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(|m| {
                        let (member, value) = m.split_once('=').expect("explicit enum value");
                        let member = member.trim();
                        let short = member
                            .strip_prefix(&prefix)
                            .unwrap_or_else(|| panic!("{member} lacks the prefix {prefix}"));
                        (
                            short.to_owned(),
                            value.trim().parse().expect("integer value"),
                        )
                    })
                    .collect();
                h.enums.insert(name, members);
            } else if let Some(open) = st.find('(') {
                let (name, ret) = split_decl(&st[..open]);
                let args = st[open + 1..].trim_end().trim_end_matches(')').to_owned();
                raw_functions.push((name, ret, args));
            } else {
                panic!("unrecognised statement in the header: {st}");
            }
        }
        // Canonical types need every enum, struct and opaque name first.
        for (name, ret, args) in raw_fn_pointers {
            let args: Vec<String> = args_of(&args).iter().map(|(_, t)| h.canon(t)).collect();
            let text = format!("fn({})->{}", args.join(","), h.canon(&ret));
            h.fn_pointers.insert(name, text);
        }
        for (name, body) in raw_structs {
            let fields = body
                .split(';')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(|f| {
                    let (field, ty) = split_decl(f);
                    (field, h.canon(&ty))
                })
                .collect();
            h.structs.insert(name, fields);
        }
        for (name, ret, args) in raw_functions {
            let f = Function {
                ret: h.canon(&ret),
                args: args_of(&args)
                    .into_iter()
                    .map(|(n, t)| (n, h.canon(&t)))
                    .collect(),
            };
            h.functions.insert(name, f);
        }
        h
    }

    /// A C type in canonical text: integers as `u32`/`i32`/... by size, enums as `u32`,
    /// pointers as `ptr(...)` (to opaque handles: `ptr(void)`), function pointers spelled out.
    pub fn canon(&self, ty: &str) -> String {
        let stars = ty.matches('*').count();
        let base = ty.replace("const", " ").replace('*', " ");
        let base = base.trim();
        let mut out = match base {
            "void" | "char" | "bool" => base.to_owned(),
            "uint8_t" => "u8".into(),
            "uint16_t" => "u16".into(),
            "uint32_t" => "u32".into(),
            "int32_t" => "i32".into(),
            "uint64_t" => "u64".into(),
            "size_t" | "uintptr_t" => format!("u{}", 8 * std::mem::size_of::<usize>()),
            b if self.enums.contains_key(b) => "u32".into(),
            b if self.opaque.contains(b) => "void".into(),
            b if self.fn_pointers.contains_key(b) => self.fn_pointers[b].clone(),
            b => b.to_owned(), // a struct by name
        };
        for _ in 0..stars {
            out = format!("ptr({out})");
        }
        out
    }

    /// Whether the caller writes the struct's fields, as opposed to the views the library fills
    /// in. A struct the caller fills in: a versioned one (its first field is `version`), or the
    /// element type of an array a versioned one points to (`HathoraPingTarget`).
    pub fn is_input_struct(&self, name: &str) -> bool {
        let versioned = |f: &Vec<(String, String)>| f.first().is_some_and(|(n, _)| n == "version");
        let element = format!("ptr({name})");
        self.structs.get(name).is_some_and(versioned)
            || self
                .structs
                .values()
                .filter(|f| versioned(f))
                .any(|f| f.iter().any(|(_, t)| *t == element))
    }
}
