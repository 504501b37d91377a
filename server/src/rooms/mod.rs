//! RoomsV2 semantics over the store and the fleet: create, info, lists, destroy, suspend,
//! resume, update, connection info, and the fleet's events (a process ready, a process ended).
//!
//! One mutex guards the in-memory index and the store together. A change is checked against
//! the index, committed to the store in one transaction, then applied to the index, all under
//! that lock; reads answer from the index. The lock is never held across an `await`: CreateRoom
//! and ResumeRoom reserve what they need, release the lock while the fleet places the room
//! (starting a process may take a while), then take it again to record the placement. Fleet
//! events are applied one at a time, in the order the fleet sent them.

mod error;
mod index;
mod view;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;

pub(crate) use error::RoomsError;
pub use view::ROOM_STATUSES;
pub(crate) use view::{Allocation, Connection, Phase, Placed, RoomView};

use crate::clock::now_text;
use crate::fleet::{
    Endpoints, ExitCause, Fleet, FleetError, FleetEvent, KnownProcess, PlaceRoom, Placement,
    Readiness,
};
use crate::process_tokens::{Digest, ProcessTokens};
use crate::store::{Store, StoreError, Write};
use crate::telemetry::{Census, Metrics};
use index::{AllocRec, Early, Index, ProcessRec, RoomRec};

/// Whose call it is: the app's (a dev token), or one process's (its process token), which
/// sees only the rooms whose open allocation is on that process: any other room is not found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scope<'a> {
    App,
    Process(&'a str),
}

impl Scope<'_> {
    fn sees(self, room: &RoomRec) -> bool {
        match self {
            Scope::App => true,
            Scope::Process(p) => {
                !room.destroyed && room.current().is_some_and(|a| a.process_id == p)
            }
        }
    }
}

pub(crate) struct Rooms {
    fleet: Arc<dyn Fleet>,
    /// Tokens of the live processes: persisted with a process, revoked when it ends.
    tokens: Arc<ProcessTokens>,
    /// Regions each app serves.
    regions: HashMap<String, Vec<String>>,
    state: Mutex<State>,
    metrics: Arc<Metrics>,
}

struct State {
    index: Index,
    store: Store,
}

impl Rooms {
    /// The rooms of `store` (read into memory), placed by `fleet`. The tokens of the processes
    /// that had not ended are restored into `tokens`; [`Rooms::recover`], to call before
    /// serving, revokes those whose process did not survive.
    pub(crate) fn new(
        store: Store,
        fleet: Arc<dyn Fleet>,
        tokens: Arc<ProcessTokens>,
        regions: HashMap<String, Vec<String>>,
        metrics: Arc<Metrics>,
    ) -> Result<Rooms, StoreError> {
        let snapshot = store.load()?;
        for p in snapshot.processes.iter().filter(|p| !p.ended) {
            if let Some(digest) = p.token_sha256 {
                tokens.restore(&p.process_id, &p.app_id, digest);
            }
        }
        let index = Index::from_snapshot(snapshot, Instant::now());
        Ok(Rooms {
            fleet,
            tokens,
            regions,
            state: Mutex::new(State { index, store }),
            metrics,
        })
    }

    /// After a restart: the processes of the previous run that the fleet does not report alive
    /// have ended (cause `ServerRestart`), and their rooms are destroyed as a crash would.
    pub(crate) async fn recover(&self) {
        let previous: Vec<KnownProcess> = {
            let st = self.state.lock();
            st.index
                .processes
                .iter()
                .filter(|(_, p)| !p.ended)
                .map(|(id, p)| KnownProcess {
                    process_id: id.clone(),
                    app_id: p.app_id.clone(),
                    handle: None,
                })
                .collect()
        };
        if previous.is_empty() {
            return;
        }
        let alive = self.fleet.recover(previous.clone()).await;
        log::info!(
            "state: processes of the previous run: {}, still serving: {}",
            previous.len(),
            alive.len()
        );
        for p in previous {
            if !alive.contains(&p.process_id) {
                self.process_exited(&p.process_id, ExitCause::ServerRestart);
            }
        }
    }

    /// Applies one fleet event.
    pub(crate) fn apply(&self, event: FleetEvent) {
        match event {
            FleetEvent::Ready {
                process_id,
                endpoints,
            } => self.process_ready(&process_id, endpoints),
            FleetEvent::Exited { process_id, cause } => self.process_exited(&process_id, cause),
        }
    }

    pub(crate) async fn create(
        &self,
        app_id: &str,
        room_id: Option<String>,
        region: &str,
        config: Option<String>,
    ) -> Result<Placed, RoomsError> {
        self.check_region(app_id, region)?;
        let room_id = self.state.lock().index.reserve(app_id, room_id)?;
        let mut reservation = Reservation {
            rooms: self,
            app_id,
            room_id: Some(&room_id),
        };
        let placement = self
            .place(PlaceRoom {
                app_id: app_id.to_string(),
                region: region.to_string(),
                room_id: room_id.clone(),
                room_config: config.clone(),
            })
            .await?;
        let process_id = placement.process_id.clone();
        let token = self.tokens.recorded(&process_id);
        let recorded = {
            let mut guard = self.state.lock();
            let st = &mut *guard;
            st.index.unreserve(app_id, &room_id);
            reservation.room_id = None;
            let seq = st.index.next_seq();
            let room = RoomRec {
                seq,
                region: region.to_string(),
                config,
                allocations: Vec::new(),
                destroyed: false,
                placing: false,
            };
            let recorded = st.record(app_id, &room_id, Some(room), placement, token);
            self.revoke_if_ended(st, &process_id);
            recorded
        };
        recorded.inspect_err(|_| self.fleet.release(&process_id, &room_id))
    }

    /// Only a suspended room can be resumed; it gets a new allocation (a new placement).
    pub(crate) async fn resume(&self, app_id: &str, room_id: &str) -> Result<Placed, RoomsError> {
        let (region, config) = {
            let mut st = self.state.lock();
            let room = st.index.live_room_mut(app_id, room_id)?;
            if room.current().is_some() || room.placing {
                return Err(RoomsError::NotSuspended(room_id.to_string()));
            }
            room.placing = true;
            (room.region.clone(), room.config.clone())
        };
        let mut placing = Placing {
            rooms: self,
            app_id,
            room_id: Some(room_id),
        };
        let placement = self
            .place(PlaceRoom {
                app_id: app_id.to_string(),
                region,
                room_id: room_id.to_string(),
                room_config: config,
            })
            .await?;
        let process_id = placement.process_id.clone();
        let token = self.tokens.recorded(&process_id);
        let recorded = {
            let mut guard = self.state.lock();
            let st = &mut *guard;
            placing.room_id = None;
            match st.index.room_mut(app_id, room_id) {
                Some(room) if !room.destroyed => {
                    room.placing = false;
                    let recorded = st.record(app_id, room_id, None, placement, token);
                    self.revoke_if_ended(st, &process_id);
                    recorded
                }
                // Destroyed while it was being placed.
                Some(room) => {
                    room.placing = false;
                    Err(RoomsError::RoomNotFound(room_id.to_string()))
                }
                None => Err(RoomsError::RoomNotFound(room_id.to_string())),
            }
        };
        recorded.inspect_err(|_| self.fleet.release(&process_id, room_id))
    }

    pub(crate) fn destroy(
        &self,
        app_id: &str,
        room_id: &str,
        scope: Scope,
    ) -> Result<(), RoomsError> {
        self.unschedule(app_id, room_id, true, scope)
    }

    /// Suspending a suspended room changes nothing.
    pub(crate) fn suspend(&self, app_id: &str, room_id: &str) -> Result<(), RoomsError> {
        self.unschedule(app_id, room_id, false, Scope::App)
    }

    pub(crate) fn update(
        &self,
        app_id: &str,
        room_id: &str,
        config: String,
        scope: Scope,
    ) -> Result<(), RoomsError> {
        let mut guard = self.state.lock();
        let st = &mut *guard;
        st.index.live_room_in(app_id, room_id, scope)?;
        st.commit(&[Write::RoomConfig {
            app_id: app_id.to_string(),
            room_id: room_id.to_string(),
            config: config.clone(),
        }])?;
        if let Some(room) = st.index.room_mut(app_id, room_id) {
            room.config = Some(config);
        }
        Ok(())
    }

    /// Destroyed rooms too, in the app's scope (a process's scope sees only the rooms on it).
    pub(crate) fn info(
        &self,
        app_id: &str,
        room_id: &str,
        scope: Scope,
    ) -> Result<RoomView, RoomsError> {
        let st = self.state.lock();
        let room = st
            .index
            .room(app_id, room_id)
            .filter(|r| scope.sees(r))
            .ok_or_else(|| RoomsError::RoomNotFound(room_id.to_string()))?;
        Ok(room.view(app_id, room_id, Instant::now(), true))
    }

    pub(crate) fn list(
        &self,
        app_id: &str,
        process_id: &str,
        active: bool,
    ) -> Result<Vec<RoomView>, RoomsError> {
        self.state
            .lock()
            .index
            .list(app_id, process_id, active, Instant::now())
    }

    /// A suspended room is `starting` without endpoints; a destroyed one is not found.
    pub(crate) fn connection_info(
        &self,
        app_id: &str,
        room_id: &str,
    ) -> Result<Connection, RoomsError> {
        let st = self.state.lock();
        let room = st.index.live_room(app_id, room_id)?;
        let endpoints = match room.current() {
            Some(a) if room.phase(Instant::now()) == Phase::Active => {
                st.endpoints_of(&a.process_id)
            }
            _ => None,
        };
        Ok(Connection {
            room_id: room_id.to_string(),
            endpoints,
        })
    }

    /// Forgets every room and process (the emulator's reset).
    pub(crate) fn reset(&self) -> Result<(), RoomsError> {
        let mut guard = self.state.lock();
        let st = &mut *guard;
        st.commit(&[Write::Clear])?;
        st.index.clear();
        Ok(())
    }

    /// Every room known, destroyed ones included.
    pub(crate) fn room_count(&self) -> usize {
        self.state.lock().index.room_count()
    }

    pub(crate) fn census(&self) -> Census {
        let (rooms, processes) = self.state.lock().index.census(Instant::now());
        Census {
            rooms: Phase::ALL.iter().map(|p| p.name()).zip(rooms).collect(),
            processes: ["starting", "ready"].into_iter().zip(processes).collect(),
        }
    }

    /// A placement on a process that had ended already (its end came first): its token, if
    /// minted after the end was applied, must not outlive it.
    fn revoke_if_ended(&self, st: &State, process_id: &str) {
        if st.index.processes.get(process_id).is_some_and(|p| p.ended) {
            self.tokens.revoke(process_id);
        }
    }

    fn check_region(&self, app_id: &str, region: &str) -> Result<(), RoomsError> {
        match self.regions.get(app_id) {
            Some(served) if !served.iter().any(|r| r == region) => {
                Err(RoomsError::RegionNotServed {
                    app_id: app_id.to_string(),
                    region: region.to_string(),
                })
            }
            _ => Ok(()),
        }
    }

    async fn place(&self, room: PlaceRoom) -> Result<Placement, RoomsError> {
        match self.fleet.place(room.clone()).await {
            Ok(p) => {
                if p.started {
                    self.metrics.spawned();
                }
                Ok(p)
            }
            Err(FleetError::Capacity(m)) => {
                log::warn!(
                    "room {} of app {} not placed: {m}",
                    room.room_id,
                    room.app_id
                );
                Err(RoomsError::Capacity(m))
            }
            Err(FleetError::Spawn(m)) => {
                self.metrics.spawn_failed();
                log::warn!(
                    "room {} of app {} not placed: the game server could not be started: {m}",
                    room.room_id,
                    room.app_id
                );
                Err(RoomsError::Spawn(m))
            }
        }
    }

    fn unschedule(
        &self,
        app_id: &str,
        room_id: &str,
        destroy: bool,
        scope: Scope,
    ) -> Result<(), RoomsError> {
        let released = {
            let mut guard = self.state.lock();
            let st = &mut *guard;
            let room = st.index.live_room_in(app_id, room_id, scope)?;
            let open = room.current().map(|a| (a.id.clone(), a.process_id.clone()));
            let at = now_text();
            let mut writes = Vec::new();
            if let Some((allocation_id, _)) = &open {
                writes.push(Write::AllocationClosed {
                    allocation_id: allocation_id.clone(),
                    at: at.clone(),
                });
            }
            if destroy {
                writes.push(Write::RoomDestroyed {
                    app_id: app_id.to_string(),
                    room_id: room_id.to_string(),
                });
            }
            st.commit(&writes)?;
            let room = st.index.room_mut(app_id, room_id).expect("checked above");
            if let Some(a) = room.current_mut() {
                a.unscheduled_at = Some(at);
            }
            room.destroyed |= destroy;
            open.map(|(_, process_id)| process_id)
                .filter(|p| st.index.processes.get(p).is_some_and(|p| !p.ended))
        };
        // The slot is free before the answer: a CreateRoom after it may use it.
        if let Some(process_id) = released {
            self.fleet.release(&process_id, room_id);
        }
        Ok(())
    }

    fn process_ready(&self, process_id: &str, endpoints: Endpoints) {
        let mut guard = self.state.lock();
        let st = &mut *guard;
        let Some(p) = st.index.processes.get(process_id) else {
            st.index
                .early
                .insert(process_id.to_string(), Early::Ready(endpoints));
            return;
        };
        if p.ended {
            return;
        }
        let app_id = p.app_id.clone();
        st.commit_event(&[Write::ProcessEndpoints {
            process_id: process_id.to_string(),
            endpoints: endpoints.clone(),
        }]);
        let now = Instant::now();
        let p = st.index.processes.get_mut(process_id).expect("found above");
        p.ready = true;
        p.endpoints = Some(Arc::new(endpoints));
        for room_id in st.index.open_on(process_id) {
            if let Some(a) = st
                .index
                .room_mut(&app_id, &room_id)
                .and_then(RoomRec::current_mut)
            {
                a.ready_at.get_or_insert(now);
            }
        }
    }

    fn process_exited(&self, process_id: &str, cause: ExitCause) {
        self.tokens.revoke(process_id);
        self.metrics.exited(cause_index(&cause));
        let mut guard = self.state.lock();
        let st = &mut *guard;
        let Some(p) = st.index.processes.get(process_id) else {
            st.index
                .early
                .insert(process_id.to_string(), Early::Ended(cause));
            return;
        };
        if p.ended {
            return;
        }
        let app_id = p.app_id.clone();
        let open = st.index.open_on(process_id);
        let at = now_text();
        let mut writes = vec![Write::ProcessEnded {
            process_id: process_id.to_string(),
            cause: cause.clone(),
            at: at.clone(),
        }];
        for room_id in &open {
            let room = st.index.room(&app_id, room_id).expect("listed by open_on");
            let a = room.current().expect("open allocation");
            writes.push(Write::AllocationClosed {
                allocation_id: a.id.clone(),
                at: at.clone(),
            });
            writes.push(Write::RoomDestroyed {
                app_id: app_id.clone(),
                room_id: room_id.clone(),
            });
        }
        // The index follows what happened even if the store fails: a process that ended is
        // gone, and after a restart the recovery destroys its rooms anyway.
        st.commit_event(&writes);
        st.index
            .processes
            .get_mut(process_id)
            .expect("found above")
            .ended = true;
        for room_id in &open {
            let room = st
                .index
                .room_mut(&app_id, room_id)
                .expect("listed by open_on");
            if let Some(a) = room.current_mut() {
                a.unscheduled_at = Some(at.clone());
            }
            room.destroyed = true;
        }
        // The fleet logs its processes' lives; this says which rooms an end destroyed.
        if open.is_empty() && cause != ExitCause::ServerRestart {
            return;
        }
        let line = format!(
            "process {process_id} of app {app_id} ended ({}); rooms destroyed: {}",
            describe(&cause),
            summary(&open)
        );
        if matches!(
            cause,
            ExitCause::Exited(0) | ExitCause::Idle | ExitCause::Shutdown
        ) {
            log::info!("{line}");
        } else {
            log::warn!("{line}");
        }
    }
}

impl State {
    fn commit(&mut self, writes: &[Write]) -> Result<(), RoomsError> {
        self.store.commit(writes).map_err(|e| {
            log::error!("state not saved: {e}");
            RoomsError::Storage(format!("the state could not be saved: {e}"))
        })
    }

    /// A fleet event's writes: what happened happened, so a store error is logged, not
    /// returned.
    fn commit_event(&mut self, writes: &[Write]) {
        if let Err(e) = self.store.commit(writes) {
            log::error!("state not saved (a fleet event): {e}");
        }
    }

    fn endpoints_of(&self, process_id: &str) -> Option<Arc<Endpoints>> {
        self.index.processes.get(process_id)?.endpoints.clone()
    }

    /// Records a placement: a new room (`new_room`) or a new allocation of a suspended one.
    /// A placement on a process that has already ended (an `Exited` event came before this)
    /// is recorded with its allocation closed and the room destroyed, as if the process had
    /// ended just after: the room is never left on a process that is gone.
    fn record(
        &mut self,
        app_id: &str,
        room_id: &str,
        new_room: Option<RoomRec>,
        placement: Placement,
        token_sha256: Option<Digest>,
    ) -> Result<Placed, RoomsError> {
        let now = Instant::now();
        let at = now_text();
        let Placement {
            process_id,
            readiness,
            ..
        } = placement;
        let known = self.index.processes.get(&process_id);
        let early = self.index.early.get(&process_id);
        let ended = match (known, early) {
            (Some(p), _) => p.ended.then_some(None),
            (None, Some(Early::Ended(cause))) => Some(Some(cause.clone())),
            _ => None,
        };
        let process_ready =
            known.is_some_and(|p| p.ready) || matches!(early, Some(Early::Ready(_)));
        let (ready_at, placed_endpoints) = match readiness {
            Readiness::Ready(e) => (Some(now), Some(e)),
            Readiness::At(t, e) => (Some(t), Some(e)),
            Readiness::Pending => (process_ready.then_some(now), None),
        };
        let new_endpoints = match (placed_endpoints, early) {
            (Some(e), _) if known.and_then(|p| p.endpoints.as_deref()) != Some(&e) => Some(e),
            (None, Some(Early::Ready(e))) if known.is_none() => Some(e.clone()),
            _ => None,
        };

        let known_before = known.is_some();
        let mut writes = Vec::new();
        if !known_before {
            writes.push(Write::Process {
                process_id: process_id.clone(),
                app_id: app_id.to_string(),
                region: new_room
                    .as_ref()
                    .map(|r| r.region.clone())
                    .or_else(|| self.index.room(app_id, room_id).map(|r| r.region.clone()))
                    .unwrap_or_default(),
                started_at: at.clone(),
                token_sha256: token_sha256.filter(|_| ended.is_none()),
            });
        }
        if let Some(Some(cause)) = &ended {
            writes.push(Write::ProcessEnded {
                process_id: process_id.clone(),
                cause: cause.clone(),
                at: at.clone(),
            });
        }
        if let Some(e) = &new_endpoints {
            writes.push(Write::ProcessEndpoints {
                process_id: process_id.clone(),
                endpoints: e.clone(),
            });
        }
        if let Some(room) = &new_room {
            writes.push(Write::Room {
                app_id: app_id.to_string(),
                room_id: room_id.to_string(),
                seq: room.seq,
                region: room.region.clone(),
                config: room.config.clone(),
            });
        }
        let allocation_id = self.index.uuid();
        writes.push(Write::Allocation {
            allocation_id: allocation_id.clone(),
            app_id: app_id.to_string(),
            room_id: room_id.to_string(),
            process_id: process_id.clone(),
            scheduled_at: at.clone(),
        });
        if ended.is_some() {
            writes.push(Write::AllocationClosed {
                allocation_id: allocation_id.clone(),
                at: at.clone(),
            });
            writes.push(Write::RoomDestroyed {
                app_id: app_id.to_string(),
                room_id: room_id.to_string(),
            });
        }
        self.commit(&writes)?;

        // Committed: now the index.
        self.index.early.remove(&process_id);
        let p = self
            .index
            .processes
            .entry(process_id.clone())
            .or_insert_with(|| ProcessRec {
                app_id: app_id.to_string(),
                endpoints: None,
                ready: false,
                ended: false,
                rooms: Default::default(),
            });
        p.rooms.insert(room_id.to_string());
        p.ended |= ended.is_some();
        p.ready |= process_ready || ready_at.is_some();
        if let Some(e) = new_endpoints {
            p.endpoints = Some(Arc::new(e));
        }
        let endpoints = p.endpoints.clone();
        if let Some(room) = new_room {
            self.index.insert_room(app_id, room_id, room);
        }
        let room = self
            .index
            .room_mut(app_id, room_id)
            .expect("recorded above");
        room.allocations.push(AllocRec {
            id: allocation_id,
            process_id: process_id.clone(),
            scheduled_at: at.clone(),
            unscheduled_at: ended.is_some().then_some(at),
            ready_at,
        });
        if ended.is_some() {
            room.destroyed = true;
            log::warn!(
                "room {room_id} of app {app_id} was placed on process {process_id}, which ended before the room was recorded: room destroyed"
            );
        }
        let active = room.phase(now) == Phase::Active;
        Ok(Placed {
            room_id: room_id.to_string(),
            process_id,
            endpoints: endpoints.filter(|_| active),
        })
    }
}

/// Frees a CreateRoom's room id if it ends before recording the room (error, panic).
struct Reservation<'a> {
    rooms: &'a Rooms,
    app_id: &'a str,
    room_id: Option<&'a str>,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        if let Some(room_id) = self.room_id {
            self.rooms
                .state
                .lock()
                .index
                .unreserve(self.app_id, room_id);
        }
    }
}

/// Clears a ResumeRoom's `placing` mark if it ends before recording the placement.
struct Placing<'a> {
    rooms: &'a Rooms,
    app_id: &'a str,
    room_id: Option<&'a str>,
}

impl Drop for Placing<'_> {
    fn drop(&mut self) {
        if let Some(room_id) = self.room_id
            && let Some(room) = self.rooms.state.lock().index.room_mut(self.app_id, room_id)
        {
            room.placing = false;
        }
    }
}

/// Index of the cause in [`crate::telemetry::metrics::EXIT_CAUSES`].
fn cause_index(cause: &ExitCause) -> usize {
    match cause {
        ExitCause::Exited(_) => 0,
        ExitCause::Signaled(_) => 1,
        ExitCause::StartupTimeout => 2,
        ExitCause::Idle => 3,
        ExitCause::Shutdown => 4,
        ExitCause::ServerRestart => 5,
        ExitCause::OutOfMemory => 6,
    }
}

fn describe(cause: &ExitCause) -> String {
    match cause {
        ExitCause::Exited(code) => format!("exited with status {code}"),
        ExitCause::Signaled(sig) => format!("killed by signal {sig}"),
        ExitCause::StartupTimeout => "did not listen within its startup timeout".into(),
        ExitCause::Idle => "stopped after its idle timeout".into(),
        ExitCause::Shutdown => "stopped with the server".into(),
        ExitCause::ServerRestart => "ended with the server's previous run".into(),
        ExitCause::OutOfMemory => "killed for exceeding its memory limit".into(),
    }
}

/// `a, b, c` (at most 10 ids, then a count).
fn summary(ids: &[String]) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    let shown: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
    match ids.len() - shown.len() {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}
