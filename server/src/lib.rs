//! A local emulator of the Hathora Cloud RoomsV2 REST API, for tests and offline development.
//!
//! ```no_run
//! use hathora_rooms_server::{Emulator, EmulatorConfig};
//! let emu = Emulator::start(EmulatorConfig::default()).unwrap();
//! println!("{} app={} token={}", emu.url(), emu.app_id(), emu.token());
//! emu.faults().fail_next_status(503, 2, Some("1".into()));
//! ```
//!
//! It lives in its own workspace member crate so that the shipped library's dependency tree
//! carries no server code: only the tests (as a dev-dependency) and the binary pull it in.

mod admin;
mod clock;
mod config;
mod error;
mod faults;
pub mod fleet;
mod ids;
mod logger;
mod routes;
mod server;
mod shared;
mod state;
mod stats;
mod wire;

use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

pub use config::{DEFAULT_APP_ID, DEFAULT_DROP_SEED, DEFAULT_TOKEN, EmulatorConfig, FaultPlan};
pub use faults::FaultController;
pub use stats::Stats;
pub use wire::{READY_STATUSES, REGIONS, ROOM_STATUSES, TRANSPORT_TYPES};

use shared::Shared;

/// A running emulator. Dropping it stops the server and joins its thread.
pub struct Emulator {
    addr: SocketAddr,
    app_id: String,
    token: String,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Bind, then serve on a background thread with its own tokio runtime (2 workers).
    /// Returns once the socket is listening.
    pub fn start(config: EmulatorConfig) -> io::Result<Emulator> {
        Self::start_inner(config, None)
    }

    /// Like [`Emulator::start`], but writes `banner(url)` to stdout (flushed) before the first
    /// request can be served or logged. Used by the binary, whose first stdout line is the URL.
    #[doc(hidden)]
    pub fn start_with_banner(
        config: EmulatorConfig,
        banner: impl FnOnce(&str) -> String,
    ) -> io::Result<Emulator> {
        Self::start_inner(config, Some(Box::new(banner)))
    }

    #[allow(clippy::type_complexity)]
    fn start_inner(
        config: EmulatorConfig,
        banner: Option<Box<dyn FnOnce(&str) -> String + '_>>,
    ) -> io::Result<Emulator> {
        let listener = std::net::TcpListener::bind((config.host, config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("hathora-rooms-server")
            .enable_all()
            .build()?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let shared = Arc::new(Shared::new(&config));
        let router = shared::router(shared.clone());
        if let Some(banner) = banner {
            let text = banner(&url_of(addr));
            let mut out = io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
        let (tx, rx) = oneshot::channel();
        let serve_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("hathora-rooms-server".into())
            .spawn(move || {
                runtime.block_on(server::serve(listener, serve_shared, router, rx));
                // Dropping the runtime cancels every connection task.
                drop(runtime);
            })?;
        Ok(Emulator {
            addr,
            app_id: config.app_id,
            token: config.token,
            shared,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// `http://HOST:PORT`, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        url_of(self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Switch faults at run time (the handle stays valid while the emulator runs).
    pub fn faults(&self) -> FaultController {
        self.shared.faults.clone()
    }

    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    /// Clear rooms, processes, statistics and faults.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stop serving and wait for the server thread (same as dropping).
    pub fn shutdown(self) {
        drop(self);
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if let Some(logger) = &self.shared.logger {
            logger.stop();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("url", &self.url())
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

fn url_of(addr: SocketAddr) -> String {
    format!("http://{addr}")
}
