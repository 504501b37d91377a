//! The state file's schema, versioned with SQLite's `user_version`: migration `i` takes a file
//! from version `i` to `i + 1`, in one transaction with the version bump. A file newer than
//! [`MIGRATIONS`] knows is refused, never rewritten.

/// Version 1: processes, rooms (every room ever created: their ids stay taken), allocations.
const V1: &str = "
CREATE TABLE processes (
    process_id  TEXT PRIMARY KEY,
    app_id      TEXT NOT NULL,
    region      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    -- JSON of the endpoints once known (ready)
    endpoints   TEXT,
    ended_at    TEXT,
    exit_cause  TEXT,
    exit_code   INTEGER
) STRICT;

CREATE TABLE rooms (
    app_id      TEXT NOT NULL,
    room_id     TEXT NOT NULL,
    -- creation order, for the lists
    seq         INTEGER NOT NULL,
    region      TEXT NOT NULL,
    room_config TEXT,
    destroyed   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, room_id)
) STRICT;

CREATE TABLE allocations (
    allocation_id  TEXT PRIMARY KEY,
    app_id         TEXT NOT NULL,
    room_id        TEXT NOT NULL,
    process_id     TEXT NOT NULL REFERENCES processes (process_id),
    scheduled_at   TEXT NOT NULL,
    unscheduled_at TEXT,
    FOREIGN KEY (app_id, room_id) REFERENCES rooms (app_id, room_id)
) STRICT;

CREATE INDEX allocations_of_room ON allocations (app_id, room_id);
";

/// Version 2: the SHA-256 digest of a live process's token (NULL once the process ended), so
/// that a process that outlives a restart keeps its token.
const V2: &str = "
ALTER TABLE processes ADD COLUMN token_sha256 BLOB;
";

pub(super) const MIGRATIONS: &[&str] = &[V1, V2];
