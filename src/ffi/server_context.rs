//! A game server's context: the `HATHORA_*` environment its host gave the process, read into a
//! struct the caller owns, and the configuration a client takes from it (app id, base URL, the
//! process whose rooms it lists, the process token). The bindings read the context into their
//! own objects and hand it back as this struct, so the rule of what a client takes from a
//! context is written once, here.

use super::boundary::{Refusal, guard, guard_code, invalid, optional_str, required_str, write_out};
use super::config::{HathoraConfig, with};
use super::enums::{HathoraRegion, HathoraResultCode};
use super::view::Strings;
use crate::config::{ClientConfig, Secret};
use crate::game_server::{ServerContext, ServerContextError};
use std::ffi::c_char;
use std::ptr::null;
use zeroize::Zeroizing;

/// Who and where this game-server process is, as its host said (`hathora_server_context`).
/// Every string is NUL-terminated UTF-8 owned by the context; an optional field the host did
/// not set (or set to the empty string) is NULL, or 0 for the numbers.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct HathoraServerContext {
    /// `HATHORA_PROCESS_ID`: this process; never NULL.
    pub process_id: *const c_char,
    /// `HATHORA_APP_ID`: never NULL.
    pub app_id: *const c_char,
    /// `HATHORA_REGION` as a `HathoraRegion`; `UNKNOWN` when not set (an unset region is the only
    /// way to get `UNKNOWN`: a name this library does not know is refused).
    pub region: HathoraRegion,
    /// `HATHORA_REGION` as given, e.g. "Sao_Paulo"; NULL when not set.
    pub region_raw: *const c_char,
    /// `HATHORA_ROOMS_PER_PROCESS`: at least 1; 0 when not set.
    pub rooms_per_process: u32,
    /// `HATHORA_INITIAL_ROOM_ID`: the room this process was started for.
    pub initial_room_id: *const c_char,
    /// `HATHORA_INITIAL_ROOM_CONFIG`: that room's config, as given.
    pub initial_room_config: *const c_char,
    /// `HATHORA_DEFAULT_PORT`: the port to listen on, 1 to 65535; 0 when not set.
    pub default_port: u16,
    /// `HATHORA_HOSTNAME`: the public host name players connect to.
    pub hostname: *const c_char,
    /// `HATHORA_DEPLOYMENT_ID`.
    pub deployment_id: *const c_char,
    /// `HATHORA_BUILD_TAG`.
    pub build_tag: *const c_char,
    /// `HATHORA_BASE_URL`: where the API is.
    pub base_url: *const c_char,
    /// `HATHORA_PROCESS_TOKEN`: a token scoped to this process's rooms. A secret: never log it.
    /// The context's copy is wiped when the context is freed.
    pub process_token: *const c_char,
}

/// The context handed to C, first, with the storage its pointers point into.
#[repr(C)]
struct Owned {
    view: HathoraServerContext,
    _strings: Strings,
    _token: Option<Zeroizing<Vec<u8>>>,
}

impl Owned {
    fn new(ctx: &ServerContext) -> Box<Owned> {
        let mut s = Strings::default();
        // The token alone: wiped on free, not packed with the other strings.
        let token: Option<Zeroizing<Vec<u8>>> = ctx.process_token.as_ref().map(|t| {
            let mut bytes = Zeroizing::new(Vec::with_capacity(t.expose().len() + 1));
            bytes.extend_from_slice(t.expose().as_bytes());
            bytes.push(0);
            bytes
        });
        let region = ctx.region.as_ref();
        let view = HathoraServerContext {
            process_id: s.add(&ctx.process_id),
            app_id: s.add(&ctx.app_id),
            region: region.map_or(HathoraRegion::Unknown, HathoraRegion::of),
            region_raw: s.add_opt(region.map(|r| r.as_str())),
            rooms_per_process: ctx.rooms_per_process.unwrap_or(0),
            initial_room_id: s.add_opt(ctx.initial_room_id.as_deref()),
            initial_room_config: s.add_opt(ctx.initial_room_config.as_deref()),
            default_port: ctx.default_port.unwrap_or(0),
            hostname: s.add_opt(ctx.hostname.as_deref()),
            deployment_id: s.add_opt(ctx.deployment_id.as_deref()),
            build_tag: s.add_opt(ctx.build_tag.as_deref()),
            base_url: s.add_opt(ctx.base_url.as_deref()),
            process_token: token.as_ref().map_or(null(), |t| t.as_ptr().cast()),
        };
        Box::new(Owned {
            view,
            _strings: s,
            _token: token,
        })
    }
}

fn refusal(e: ServerContextError) -> Refusal {
    let code = match e {
        ServerContextError::NotUnderHost => HathoraResultCode::NotUnderHost,
        ServerContextError::Missing { .. } | ServerContextError::Malformed { .. } => {
            HathoraResultCode::InvalidArgument
        }
    };
    (code, e.to_string())
}

/// Reads this process's `HATHORA_*` environment, as the host that started it (the rooms server,
/// Hathora Cloud, any host following the same convention) set it, and writes a new context to
/// `*out_context`. The caller owns it and frees it with `hathora_server_context_free`; it does
/// not change when the environment does. Call it from any thread, as long as no other thread
/// changes the environment meanwhile (setenv is not thread-safe in C).
///
/// - `OK`: `*out_context` is complete; `HATHORA_PROCESS_ID` and `HATHORA_APP_ID` are set.
/// - `NOT_UNDER_HOST`: `HATHORA_PROCESS_ID` is not set (or empty): no host started this process.
/// - `INVALID_ARGUMENT`: `HATHORA_APP_ID` is missing, or a variable is malformed (a port that is
///   not 1 to 65535, a rooms-per-process that is not a positive number, an unknown region, a
///   base URL that is not http(s), a value that is not UTF-8...). `hathora_last_error_message()`
///   names the variable and says why (it never shows the process token).
///
/// On any code but `OK`, `*out_context` is set to NULL: never a half-filled context. NULL
/// `out_context`: `INVALID_ARGUMENT`.
///
/// # Safety
/// `out_context` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_server_context(
    out_context: *mut *mut HathoraServerContext,
) -> HathoraResultCode {
    guard_code(|| {
        unsafe { write_out(out_context, std::ptr::null_mut(), "out_context") }?;
        let ctx = ServerContext::from_env().map_err(refusal)?;
        let owned = Box::into_raw(Owned::new(&ctx));
        // `view` is the first field of a repr(C) struct: the same address.
        unsafe {
            write_out(
                out_context,
                owned.cast::<HathoraServerContext>(),
                "out_context",
            )
        }?;
        Ok(HathoraResultCode::Ok)
    })
}

/// Frees a context and every string in it (the process token's copy is wiped first). NULL is
/// ignored. Call it once per context, from any thread.
///
/// # Safety
/// `context` is NULL or a context from `hathora_server_context` not freed yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_server_context_free(context: *mut HathoraServerContext) {
    guard((), || {
        if !context.is_null() {
            // SAFETY: a context is a leaked Box<Owned> whose first field it points to.
            drop(unsafe { Box::from_raw(context.cast::<Owned>()) });
        }
    })
}

/// Configures a game server's client from its context: the app id, the process whose rooms
/// `hathora_get_rooms_of_this_process` lists, the base URL when the context has one (else the
/// config's stays), and the process token when the context has one (it is then sent instead of
/// any dev token, whether `hathora_config_set_dev_token` is called before or after). Everything
/// is copied; the context may be freed right after. A caller may also fill a context in by hand
/// (another host's names, a test): `process_id` and `app_id` are required, every other field
/// may be NULL or 0 (only `base_url` and `process_token` are read). `INVALID_ARGUMENT` for a NULL
/// argument, a NULL `process_id` or `app_id`, or a string that is not UTF-8; the config is then
/// unchanged. Values that cannot work (a malformed URL or id) are refused by `hathora_client_new`.
///
/// # Safety
/// `config` is NULL or live; `context` is NULL or points to a readable `HathoraServerContext`
/// whose strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hathora_config_apply_server_context(
    config: *mut HathoraConfig,
    context: *const HathoraServerContext,
) -> HathoraResultCode {
    // SAFETY: NULL or readable per the contract.
    let Some(ctx) = (unsafe { context.as_ref() }) else {
        return guard_code(|| Err(invalid("context must not be NULL")));
    };
    unsafe {
        with(config, |c: &mut ClientConfig| {
            let app_id = required_str(ctx.app_id, "context.app_id")?;
            let process_id = required_str(ctx.process_id, "context.process_id")?;
            let base_url = optional_str(ctx.base_url, "context.base_url")?;
            let token = optional_str(ctx.process_token, "context.process_token")?;
            c.app_id = app_id;
            c.process_id = Some(process_id);
            if let Some(url) = base_url {
                c.base_url = url;
            }
            if let Some(token) = token {
                c.process_token = Some(Secret::new(token));
            }
            Ok(())
        })
    }
}
