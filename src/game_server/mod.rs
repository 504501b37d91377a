//! What a dedicated game server needs from the host that launched it.

mod context;

pub use context::{ServerContext, ServerContextError, vars};
