//! The state in SQLite: processes, rooms and allocations. Every state change is one
//! transaction ([`Store::commit`]), committed before the change is answered; a crash leaves the
//! file as of the last commit (SQLite's journal undoes a half-written one), so nothing
//! half-written is ever read back. A file holds the WAL journal, full sync on commit, and an
//! exclusive lock: a second server cannot open a file in use.
//!
//! Without a file the same schema lives in memory (tests, the simulated mode's default).

mod schema;

use std::path::Path;

use rusqlite::{Connection, Transaction, params};
use serde_json::{Value, json};

use crate::config::{parse_transport, transport_name};
use crate::fleet::{Endpoints, ExitCause, PortInfo};
use crate::process_tokens::{Digest, digest_from_bytes};

/// One change of the state; [`Store::commit`] writes a list of them in one transaction.
#[derive(Debug, Clone)]
pub(crate) enum Write {
    Process {
        process_id: String,
        app_id: String,
        region: String,
        started_at: String,
        /// Digest of its token (a process the server started itself).
        token_sha256: Option<Digest>,
    },
    ProcessEndpoints {
        process_id: String,
        endpoints: Endpoints,
    },
    ProcessEnded {
        process_id: String,
        cause: ExitCause,
        at: String,
    },
    Room {
        app_id: String,
        room_id: String,
        seq: u64,
        region: String,
        config: Option<String>,
    },
    RoomConfig {
        app_id: String,
        room_id: String,
        config: String,
    },
    RoomDestroyed {
        app_id: String,
        room_id: String,
    },
    Allocation {
        allocation_id: String,
        app_id: String,
        room_id: String,
        process_id: String,
        scheduled_at: String,
    },
    AllocationClosed {
        allocation_id: String,
        at: String,
    },
    /// Forget everything (the emulator's reset).
    Clear,
}

/// The whole state as read at start.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    pub(crate) processes: Vec<ProcessRow>,
    /// In creation order.
    pub(crate) rooms: Vec<RoomRow>,
    /// In the order they were made.
    pub(crate) allocations: Vec<AllocationRow>,
}

#[derive(Debug)]
pub(crate) struct ProcessRow {
    pub(crate) process_id: String,
    pub(crate) app_id: String,
    pub(crate) endpoints: Option<Endpoints>,
    pub(crate) ended: bool,
    /// Digest of its token while it lives.
    pub(crate) token_sha256: Option<Digest>,
}

#[derive(Debug)]
pub(crate) struct RoomRow {
    pub(crate) app_id: String,
    pub(crate) room_id: String,
    pub(crate) seq: u64,
    pub(crate) region: String,
    pub(crate) config: Option<String>,
    pub(crate) destroyed: bool,
}

#[derive(Debug)]
pub(crate) struct AllocationRow {
    pub(crate) allocation_id: String,
    pub(crate) app_id: String,
    pub(crate) room_id: String,
    pub(crate) process_id: String,
    pub(crate) scheduled_at: String,
    pub(crate) unscheduled_at: Option<String>,
}

/// A state file that cannot be used. The binary exits 2 with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

pub(crate) struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating it if needed) and migrates the state file, or an in-memory state.
    pub(crate) fn open(path: Option<&Path>) -> Result<Store, StoreError> {
        let Some(path) = path else {
            let conn = Connection::open_in_memory()
                .map_err(|e| StoreError(format!("in-memory state: {e}")))?;
            conn.execute_batch("PRAGMA foreign_keys = ON;")
                .map_err(|e| StoreError(format!("in-memory state: {e}")))?;
            let mut store = Store { conn };
            store.migrate(Path::new(":memory:"))?;
            return Ok(store);
        };
        let shown = path.display();
        let fail =
            |what: &str, e: rusqlite::Error| StoreError(format!("state file {shown}: {what}: {e}"));
        let conn = Connection::open(path).map_err(|e| fail("cannot open", e))?;
        // Another server holds the file for as long as it runs: no point waiting long.
        conn.busy_timeout(std::time::Duration::from_secs(1))
            .map_err(|e| fail("cannot configure", e))?;
        // Any byte of a file that is not an SQLite database, or a damaged one, fails here.
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| lock_or(path, e, "not a readable SQLite database"))?;
        if check != "ok" {
            return Err(StoreError(format!(
                "state file {shown} is damaged: {check}"
            )));
        }
        let mut store = Store { conn };
        // Refuse a file of another schema before anything is written to it.
        store.check_version(path)?;
        let conn = &store.conn;
        conn.execute_batch("PRAGMA locking_mode = EXCLUSIVE; PRAGMA foreign_keys = ON;")
            .map_err(|e| fail("cannot configure", e))?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| lock_or(path, e, "cannot switch to the WAL journal"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError(format!(
                "state file {shown}: journal mode is {mode}, not wal"
            )));
        }
        conn.execute_batch("PRAGMA synchronous = FULL; BEGIN EXCLUSIVE; COMMIT;")
            .map_err(|e| lock_or(path, e, "cannot lock"))?;
        store.migrate(path)?;
        Ok(store)
    }

    /// The schema version, when this server can use it (0: a new, empty file).
    fn check_version(&self, path: &Path) -> Result<usize, StoreError> {
        let shown = path.display();
        let fail = |e: rusqlite::Error| lock_or(path, e, "cannot read the schema version");
        let version: usize = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .map_err(fail)?
            .try_into()
            .unwrap_or(usize::MAX);
        let known = schema::MIGRATIONS.len();
        if version > known {
            return Err(StoreError(format!(
                "state file {shown} has schema version {version}, newer than this server's {known}: it was written by a newer hathora-rooms-server"
            )));
        }
        if version == 0 {
            let tables: i64 = self
                .conn
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(fail)?;
            if tables > 0 {
                return Err(StoreError(format!(
                    "state file {shown} is an SQLite database of something else (it has tables but no schema version)"
                )));
            }
        }
        Ok(version)
    }

    fn migrate(&mut self, path: &Path) -> Result<(), StoreError> {
        let shown = path.display();
        let fail =
            |e: rusqlite::Error| StoreError(format!("state file {shown}: migration failed: {e}"));
        let version = self.check_version(path)?;
        for (i, migration) in schema::MIGRATIONS.iter().enumerate().skip(version) {
            let tx = self.conn.transaction().map_err(fail)?;
            tx.execute_batch(migration).map_err(fail)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)
                .map_err(fail)?;
            tx.commit().map_err(fail)?;
        }
        Ok(())
    }

    /// Everything stored, to build the in-memory index at start.
    pub(crate) fn load(&self) -> Result<Snapshot, StoreError> {
        let fail = |e: rusqlite::Error| StoreError(format!("state file: cannot read: {e}"));
        let mut snap = Snapshot::default();
        let mut q = self
            .conn
            .prepare("SELECT process_id, app_id, endpoints, ended_at IS NOT NULL, token_sha256 FROM processes ORDER BY rowid")
            .map_err(fail)?;
        let rows = q
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get(3)?,
                    r.get::<_, Option<Vec<u8>>>(4)?,
                ))
            })
            .map_err(fail)?;
        for row in rows {
            let (process_id, app_id, endpoints, ended, token): (String, String, _, bool, _) =
                row.map_err(fail)?;
            let token_sha256 = match token {
                None => None,
                Some(bytes) => Some(digest_from_bytes(&bytes).ok_or_else(|| {
                    StoreError(format!(
                        "state file: process {process_id} has a token digest of {} bytes, not 32",
                        bytes.len()
                    ))
                })?),
            };
            let endpoints = match endpoints {
                None => None,
                Some(text) => Some(endpoints_from_json(&text).ok_or_else(|| {
                    StoreError(format!(
                        "state file: process {process_id} has unreadable endpoints {text:?}"
                    ))
                })?),
            };
            snap.processes.push(ProcessRow {
                process_id,
                app_id,
                endpoints,
                ended,
                token_sha256,
            });
        }
        let mut q = self
            .conn
            .prepare("SELECT app_id, room_id, seq, region, room_config, destroyed FROM rooms ORDER BY seq")
            .map_err(fail)?;
        let rows = q
            .query_map([], |r| {
                Ok(RoomRow {
                    app_id: r.get(0)?,
                    room_id: r.get(1)?,
                    seq: r.get::<_, i64>(2)? as u64,
                    region: r.get(3)?,
                    config: r.get(4)?,
                    destroyed: r.get(5)?,
                })
            })
            .map_err(fail)?;
        snap.rooms = rows.collect::<Result<_, _>>().map_err(fail)?;
        let mut q = self
            .conn
            .prepare(
                "SELECT allocation_id, app_id, room_id, process_id, scheduled_at, unscheduled_at FROM allocations ORDER BY rowid",
            )
            .map_err(fail)?;
        let rows = q
            .query_map([], |r| {
                Ok(AllocationRow {
                    allocation_id: r.get(0)?,
                    app_id: r.get(1)?,
                    room_id: r.get(2)?,
                    process_id: r.get(3)?,
                    scheduled_at: r.get(4)?,
                    unscheduled_at: r.get(5)?,
                })
            })
            .map_err(fail)?;
        snap.allocations = rows.collect::<Result<_, _>>().map_err(fail)?;
        Ok(snap)
    }

    /// Writes `writes` in one transaction: all of them, or (on error) none.
    pub(crate) fn commit(&mut self, writes: &[Write]) -> Result<(), String> {
        if writes.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction().map_err(|e| e.to_string())?;
        for w in writes {
            apply(&tx, w).map_err(|e| format!("{e} (writing {})", kind(w)))?;
        }
        tx.commit().map_err(|e| e.to_string())
    }

    /// The version of the schema of this state (tests).
    #[cfg(test)]
    fn version(&self) -> i64 {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    }
}

fn lock_or(path: &Path, e: rusqlite::Error, what: &str) -> StoreError {
    let shown = path.display();
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            StoreError(format!(
                "state file {shown} is in use by another process (another hathora-rooms-server?)"
            ))
        }
        _ => StoreError(format!("state file {shown}: {what}: {e}")),
    }
}

fn kind(w: &Write) -> &'static str {
    match w {
        Write::Process { .. } => "a process",
        Write::ProcessEndpoints { .. } => "a process's endpoints",
        Write::ProcessEnded { .. } => "a process's end",
        Write::Room { .. } => "a room",
        Write::RoomConfig { .. } => "a room config",
        Write::RoomDestroyed { .. } => "a destroyed room",
        Write::Allocation { .. } => "an allocation",
        Write::AllocationClosed { .. } => "a closed allocation",
        Write::Clear => "a reset",
    }
}

fn apply(tx: &Transaction, w: &Write) -> rusqlite::Result<()> {
    match w {
        Write::Process {
            process_id,
            app_id,
            region,
            started_at,
            token_sha256,
        } => {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO processes (process_id, app_id, region, started_at, token_sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                process_id,
                app_id,
                region,
                started_at,
                token_sha256.as_ref().map(|d| &d[..])
            ])?;
        }
        Write::ProcessEndpoints {
            process_id,
            endpoints,
        } => {
            tx.prepare_cached("UPDATE processes SET endpoints = ?2 WHERE process_id = ?1")?
                .execute(params![process_id, endpoints_to_json(endpoints)])?;
        }
        Write::ProcessEnded {
            process_id,
            cause,
            at,
        } => {
            let (label, code) = exit_cause_columns(cause);
            tx.prepare_cached(
                "UPDATE processes SET ended_at = ?2, exit_cause = ?3, exit_code = ?4, token_sha256 = NULL WHERE process_id = ?1 AND ended_at IS NULL",
            )?
            .execute(params![process_id, at, label, code])?;
        }
        Write::Room {
            app_id,
            room_id,
            seq,
            region,
            config,
        } => {
            tx.prepare_cached(
                "INSERT INTO rooms (app_id, room_id, seq, region, room_config) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![app_id, room_id, *seq as i64, region, config])?;
        }
        Write::RoomConfig {
            app_id,
            room_id,
            config,
        } => {
            tx.prepare_cached(
                "UPDATE rooms SET room_config = ?3 WHERE app_id = ?1 AND room_id = ?2",
            )?
            .execute(params![app_id, room_id, config])?;
        }
        Write::RoomDestroyed { app_id, room_id } => {
            tx.prepare_cached("UPDATE rooms SET destroyed = 1 WHERE app_id = ?1 AND room_id = ?2")?
                .execute(params![app_id, room_id])?;
        }
        Write::Allocation {
            allocation_id,
            app_id,
            room_id,
            process_id,
            scheduled_at,
        } => {
            tx.prepare_cached(
                "INSERT INTO allocations (allocation_id, app_id, room_id, process_id, scheduled_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![allocation_id, app_id, room_id, process_id, scheduled_at])?;
        }
        Write::AllocationClosed { allocation_id, at } => {
            tx.prepare_cached(
                "UPDATE allocations SET unscheduled_at = ?2 WHERE allocation_id = ?1",
            )?
            .execute(params![allocation_id, at])?;
        }
        Write::Clear => {
            tx.execute_batch("DELETE FROM allocations; DELETE FROM rooms; DELETE FROM processes;")?;
        }
    }
    Ok(())
}

/// The exit cause as stored: a label and, for `Exited`/`Signaled`, the code or signal.
fn exit_cause_columns(cause: &ExitCause) -> (&'static str, Option<i64>) {
    match cause {
        ExitCause::Exited(code) => ("exited", Some(i64::from(*code))),
        ExitCause::Signaled(sig) => ("signaled", Some(i64::from(*sig))),
        ExitCause::StartupTimeout => ("startup_timeout", None),
        ExitCause::Idle => ("idle", None),
        ExitCause::Shutdown => ("shutdown", None),
        ExitCause::ServerRestart => ("server_restart", None),
        ExitCause::OutOfMemory => ("out_of_memory", None),
    }
}

fn port_to_json(p: &PortInfo) -> Value {
    json!({"name": p.name, "transport": transport_name(p.transport), "host": p.host, "port": p.port})
}

fn port_from_json(v: &Value) -> Option<PortInfo> {
    Some(PortInfo {
        name: v["name"].as_str()?.to_string(),
        transport: parse_transport(v["transport"].as_str()?)?,
        host: v["host"].as_str()?.to_string(),
        port: u16::try_from(v["port"].as_u64()?).ok()?,
    })
}

fn endpoints_to_json(e: &Endpoints) -> String {
    json!({
        "default": port_to_json(&e.default),
        "additional": e.additional.iter().map(port_to_json).collect::<Vec<_>>(),
    })
    .to_string()
}

fn endpoints_from_json(text: &str) -> Option<Endpoints> {
    let v: Value = serde_json::from_str(text).ok()?;
    Some(Endpoints {
        default: port_from_json(&v["default"])?,
        additional: v["additional"]
            .as_array()?
            .iter()
            .map(port_from_json)
            .collect::<Option<_>>()?,
    })
}

/// The schema version a state file has, without opening it for use (0 for a new file).
#[cfg(test)]
fn peek_version(path: &Path) -> Option<i64> {
    let conn = Connection::open(path).ok()?;
    conn.query_row("PRAGMA user_version", [], |r| r.get(0)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::Transport;

    fn endpoints() -> Endpoints {
        Endpoints {
            default: PortInfo {
                name: "default".into(),
                transport: Transport::Udp,
                host: "game.example".into(),
                port: 7777,
            },
            additional: vec![PortInfo {
                name: "debug".into(),
                transport: Transport::Tcp,
                host: "game.example".into(),
                port: 7778,
            }],
        }
    }

    #[test]
    fn endpoints_round_trip_through_json() {
        assert_eq!(
            endpoints_from_json(&endpoints_to_json(&endpoints())),
            Some(endpoints())
        );
        assert_eq!(endpoints_from_json("{}"), None);
    }

    #[test]
    fn a_failed_write_leaves_nothing_of_its_transaction() {
        let mut s = Store::open(None).unwrap();
        assert_eq!(s.version(), schema::MIGRATIONS.len() as i64);
        let room = |id: &str| Write::Room {
            app_id: "a".into(),
            room_id: id.into(),
            seq: 0,
            region: "London".into(),
            config: None,
        };
        s.commit(&[room("r1")]).unwrap();
        // r2 then a duplicate r1: the whole transaction is refused, r2 included.
        assert!(s.commit(&[room("r2"), room("r1")]).is_err());
        let snap = s.load().unwrap();
        let ids: Vec<&str> = snap.rooms.iter().map(|r| r.room_id.as_str()).collect();
        assert_eq!(ids, ["r1"]);
    }

    fn process(id: &str, token_sha256: Option<Digest>) -> Write {
        Write::Process {
            process_id: id.into(),
            app_id: "a".into(),
            region: "London".into(),
            started_at: "t".into(),
            token_sha256,
        }
    }

    #[test]
    fn a_process_end_forgets_its_token_digest() {
        let mut s = Store::open(None).unwrap();
        s.commit(&[process("p", Some([1; 32])), process("q", Some([2; 32]))])
            .unwrap();
        s.commit(&[Write::ProcessEnded {
            process_id: "p".into(),
            cause: ExitCause::Exited(0),
            at: "t".into(),
        }])
        .unwrap();
        let snap = s.load().unwrap();
        let digests: Vec<_> = snap
            .processes
            .iter()
            .map(|p| (p.process_id.as_str(), p.ended, p.token_sha256))
            .collect();
        assert_eq!(digests, [("p", true, None), ("q", false, Some([2; 32]))]);
    }

    #[test]
    fn a_version_1_file_is_migrated_with_no_token_digests() {
        let dir = std::env::temp_dir().join(format!("hathora-store-v1-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("v1.db");
        let _ = std::fs::remove_file(&path);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(schema::MIGRATIONS[0]).unwrap();
            conn.execute_batch(
                "INSERT INTO processes (process_id, app_id, region, started_at) VALUES ('p', 'a', 'London', 't');
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        let s = Store::open(Some(&path)).unwrap();
        assert_eq!(s.version(), schema::MIGRATIONS.len() as i64);
        let snap = s.load().unwrap();
        assert_eq!(snap.processes.len(), 1);
        assert_eq!(snap.processes[0].token_sha256, None);
        drop(s);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_file_keeps_its_state_and_refuses_newer_schemas() {
        let dir = std::env::temp_dir().join(format!("hathora-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.db");
        let _ = std::fs::remove_file(&path);
        {
            let mut s = Store::open(Some(&path)).unwrap();
            s.commit(&[
                process("p", Some([7; 32])),
                Write::ProcessEndpoints {
                    process_id: "p".into(),
                    endpoints: endpoints(),
                },
            ])
            .unwrap();
            // Locked while open.
            let second = Store::open(Some(&path)).err().expect("a second open fails");
            assert!(second.0.contains("in use"), "{second}");
        }
        let s = Store::open(Some(&path)).unwrap();
        let snap = s.load().unwrap();
        assert_eq!(snap.processes[0].endpoints, Some(endpoints()));
        assert_eq!(snap.processes[0].token_sha256, Some([7; 32]));
        drop(s);
        assert_eq!(peek_version(&path), Some(schema::MIGRATIONS.len() as i64));
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        let e = Store::open(Some(&path))
            .err()
            .expect("newer schema refused");
        assert!(e.0.contains("schema version 99"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
