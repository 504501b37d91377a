//! `Emulator`: the simulated mode as the library's tests use it, a thin façade over
//! [`RoomsServer`] with one app, its token, faults and statistics.

use std::io;

use crate::api::{FaultController, Stats};
use crate::config::EmulatorConfig;
use crate::server::{RoomsServer, StartError};

/// A running server in the simulated mode. Dropping it stops the server and joins its thread.
pub struct Emulator {
    server: RoomsServer,
    app_id: String,
    token: String,
}

impl Emulator {
    /// Bind, then serve on a background thread with its own tokio runtime (2 workers).
    /// Returns once the socket is listening.
    pub fn start(config: EmulatorConfig) -> io::Result<Emulator> {
        let server = RoomsServer::start(config.to_server_config()).map_err(|e| match e {
            StartError::Io(e) => e,
            other => io::Error::new(io::ErrorKind::InvalidInput, other.to_string()),
        })?;
        Ok(Emulator {
            server,
            app_id: config.app_id,
            token: config.token,
        })
    }

    /// `http://HOST:PORT`, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn port(&self) -> u16 {
        self.server.port()
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Switch faults at run time (the handle stays valid while the emulator runs).
    pub fn faults(&self) -> FaultController {
        self.simulated().faults.clone()
    }

    pub fn stats(&self) -> Stats {
        self.server.api().stats()
    }

    /// Clear rooms, processes, statistics and faults.
    pub fn reset(&self) {
        if let Err(e) = self.server.api().reset() {
            log::error!("reset failed: {}", e.message);
        }
    }

    /// Stop serving and wait for the server thread (same as dropping).
    pub fn shutdown(self) {
        drop(self);
    }

    fn simulated(&self) -> &crate::api::Simulated {
        self.server
            .api()
            .simulated
            .as_ref()
            .expect("an Emulator always runs the simulated fleet")
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
