//! The in-memory index of the state: what every read answers from, and what every change is
//! checked against before it is committed to the store. It is changed only after the store
//! committed the same change (see `Rooms`), so it never shows what the store does not hold.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use super::RoomsError;
use super::view::{Allocation, Phase, RoomView};
use crate::fleet::{Endpoints, ExitCause};
use crate::ids::SplitMix64;
use crate::store::Snapshot;

pub(crate) struct AllocRec {
    pub(crate) id: String,
    pub(crate) process_id: String,
    pub(crate) scheduled_at: String,
    pub(crate) unscheduled_at: Option<String>,
    /// From when the room is active on this allocation; `None` until its process is ready.
    pub(crate) ready_at: Option<Instant>,
}

impl AllocRec {
    fn view(&self) -> Allocation {
        Allocation {
            id: self.id.clone(),
            process_id: self.process_id.clone(),
            scheduled_at: self.scheduled_at.clone(),
            unscheduled_at: self.unscheduled_at.clone(),
        }
    }
}

pub(crate) struct RoomRec {
    pub(crate) seq: u64,
    pub(crate) region: String,
    pub(crate) config: Option<String>,
    pub(crate) allocations: Vec<AllocRec>,
    pub(crate) destroyed: bool,
    /// A ResumeRoom is placing it now.
    pub(crate) placing: bool,
}

impl RoomRec {
    /// The open allocation, if any (there is at most one: the last).
    pub(crate) fn current(&self) -> Option<&AllocRec> {
        self.allocations
            .last()
            .filter(|a| a.unscheduled_at.is_none())
    }

    pub(crate) fn current_mut(&mut self) -> Option<&mut AllocRec> {
        self.allocations
            .last_mut()
            .filter(|a| a.unscheduled_at.is_none())
    }

    pub(crate) fn phase(&self, now: Instant) -> Phase {
        if self.destroyed {
            return Phase::Destroyed;
        }
        match self.current() {
            None => Phase::Suspended,
            Some(a) if a.ready_at.is_some_and(|t| now >= t) => Phase::Active,
            Some(_) => Phase::Scheduling,
        }
    }

    /// Process of the latest allocation, open or not.
    fn last_process(&self) -> Option<&str> {
        self.allocations.last().map(|a| a.process_id.as_str())
    }

    pub(crate) fn view(
        &self,
        app_id: &str,
        room_id: &str,
        now: Instant,
        with_allocations: bool,
    ) -> RoomView {
        RoomView {
            app_id: app_id.to_string(),
            room_id: room_id.to_string(),
            phase: self.phase(now),
            config: self.config.clone(),
            current: self.current().map(AllocRec::view),
            allocations: if with_allocations {
                self.allocations.iter().map(AllocRec::view).collect()
            } else {
                Vec::new()
            },
        }
    }
}

pub(crate) struct ProcessRec {
    pub(crate) app_id: String,
    /// Known once the fleet said where the process is reached.
    pub(crate) endpoints: Option<Arc<Endpoints>>,
    /// The process serves: rooms placed on it from now on are active at once.
    pub(crate) ready: bool,
    pub(crate) ended: bool,
    /// Rooms that ever had an allocation here (for the lists).
    pub(crate) rooms: HashSet<String>,
}

/// What fleet events said about a process before any room was recorded on it (its placement
/// was still on its way back to the rooms layer).
pub(crate) enum Early {
    Ready(Endpoints),
    Ended(ExitCause),
}

#[derive(Default)]
pub(crate) struct Index {
    /// app id → room id → room.
    rooms: HashMap<String, HashMap<String, RoomRec>>,
    pub(crate) processes: HashMap<String, ProcessRec>,
    /// (app id, room id) of rooms being placed by a CreateRoom: taken, not yet readable.
    reserved: HashSet<(String, String)>,
    pub(crate) early: HashMap<String, Early>,
    next_seq: u64,
    ids: Option<SplitMix64>,
}

impl Index {
    /// The index of a stored state. Open allocations on processes that were ready are active
    /// (a fleet that recovers them reports no new Ready event).
    pub(crate) fn from_snapshot(snap: Snapshot, now: Instant) -> Index {
        let mut index = Index::default();
        for p in snap.processes {
            index.processes.insert(
                p.process_id,
                ProcessRec {
                    app_id: p.app_id,
                    ready: p.endpoints.is_some(),
                    endpoints: p.endpoints.map(Arc::new),
                    ended: p.ended,
                    rooms: HashSet::new(),
                },
            );
        }
        for r in snap.rooms {
            index.next_seq = index.next_seq.max(r.seq + 1);
            index.rooms.entry(r.app_id).or_default().insert(
                r.room_id,
                RoomRec {
                    seq: r.seq,
                    region: r.region,
                    config: r.config,
                    allocations: Vec::new(),
                    destroyed: r.destroyed,
                    placing: false,
                },
            );
        }
        for a in snap.allocations {
            let ready = index.processes.get_mut(&a.process_id).map(|p| {
                p.rooms.insert(a.room_id.clone());
                p.ready
            });
            let Some(room) = index
                .rooms
                .get_mut(&a.app_id)
                .and_then(|r| r.get_mut(&a.room_id))
            else {
                continue;
            };
            room.allocations.push(AllocRec {
                id: a.allocation_id,
                process_id: a.process_id,
                scheduled_at: a.scheduled_at,
                unscheduled_at: a.unscheduled_at,
                ready_at: (ready == Some(true)).then_some(now),
            });
        }
        index
    }

    pub(crate) fn clear(&mut self) {
        let ids = self.ids.take();
        *self = Index {
            ids,
            ..Index::default()
        };
    }

    fn ids(&mut self) -> &mut SplitMix64 {
        self.ids.get_or_insert_with(SplitMix64::from_time)
    }

    pub(crate) fn uuid(&mut self) -> String {
        self.ids().uuid()
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    pub(crate) fn room(&self, app_id: &str, room_id: &str) -> Option<&RoomRec> {
        self.rooms.get(app_id)?.get(room_id)
    }

    pub(crate) fn room_mut(&mut self, app_id: &str, room_id: &str) -> Option<&mut RoomRec> {
        self.rooms.get_mut(app_id)?.get_mut(room_id)
    }

    /// A room that exists and is not destroyed.
    pub(crate) fn live_room(&self, app_id: &str, room_id: &str) -> Result<&RoomRec, RoomsError> {
        match self.room(app_id, room_id) {
            Some(r) if !r.destroyed => Ok(r),
            _ => Err(RoomsError::RoomNotFound(room_id.to_string())),
        }
    }

    /// A room that exists, is not destroyed, and is in `scope`.
    pub(crate) fn live_room_in(
        &self,
        app_id: &str,
        room_id: &str,
        scope: super::Scope,
    ) -> Result<&RoomRec, RoomsError> {
        match self.live_room(app_id, room_id) {
            Ok(r) if scope.sees(r) => Ok(r),
            _ => Err(RoomsError::RoomNotFound(room_id.to_string())),
        }
    }

    pub(crate) fn live_room_mut(
        &mut self,
        app_id: &str,
        room_id: &str,
    ) -> Result<&mut RoomRec, RoomsError> {
        match self.room_mut(app_id, room_id) {
            Some(r) if !r.destroyed => Ok(r),
            _ => Err(RoomsError::RoomNotFound(room_id.to_string())),
        }
    }

    pub(crate) fn insert_room(&mut self, app_id: &str, room_id: &str, room: RoomRec) {
        self.rooms
            .entry(app_id.to_string())
            .or_default()
            .insert(room_id.to_string(), room);
    }

    /// Takes `room_id` (or a new random one) for a CreateRoom of `app_id` until
    /// [`Index::unreserve`]. Ids stay taken by destroyed rooms.
    pub(crate) fn reserve(
        &mut self,
        app_id: &str,
        room_id: Option<String>,
    ) -> Result<String, RoomsError> {
        let id = match room_id {
            Some(id) if self.taken(app_id, &id) => return Err(RoomsError::RoomIdTaken(id)),
            Some(id) => id,
            None => loop {
                let id = self.ids().room_id();
                if !self.taken(app_id, &id) {
                    break id;
                }
            },
        };
        self.reserved.insert((app_id.to_string(), id.clone()));
        Ok(id)
    }

    pub(crate) fn unreserve(&mut self, app_id: &str, room_id: &str) {
        self.reserved
            .remove(&(app_id.to_string(), room_id.to_string()));
    }

    fn taken(&self, app_id: &str, room_id: &str) -> bool {
        self.room(app_id, room_id).is_some()
            || self
                .reserved
                .contains(&(app_id.to_string(), room_id.to_string()))
    }

    /// Rooms of `app_id` whose open allocation is on `process_id` (`active`), or that have no
    /// open allocation and whose latest one was there, in creation order.
    pub(crate) fn list(
        &self,
        app_id: &str,
        process_id: &str,
        active: bool,
        now: Instant,
    ) -> Result<Vec<RoomView>, RoomsError> {
        let process = self
            .processes
            .get(process_id)
            .filter(|p| p.app_id == app_id)
            .ok_or_else(|| RoomsError::ProcessNotFound(process_id.to_string()))?;
        let Some(rooms) = self.rooms.get(app_id) else {
            return Ok(Vec::new());
        };
        let mut found: Vec<(&String, &RoomRec)> = process
            .rooms
            .iter()
            .filter_map(|id| rooms.get_key_value(id))
            .filter(|(_, r)| match r.current() {
                Some(a) => active && a.process_id == process_id,
                None => !active && r.last_process() == Some(process_id),
            })
            .collect();
        found.sort_by_key(|(_, r)| r.seq);
        Ok(found
            .into_iter()
            .map(|(id, r)| r.view(app_id, id, now, false))
            .collect())
    }

    /// Room ids of the rooms whose open allocation is on the process.
    pub(crate) fn open_on(&self, process_id: &str) -> Vec<String> {
        let Some(p) = self.processes.get(process_id) else {
            return Vec::new();
        };
        let Some(rooms) = self.rooms.get(&p.app_id) else {
            return Vec::new();
        };
        let mut ids: Vec<(u64, String)> = p
            .rooms
            .iter()
            .filter_map(|id| {
                let r = rooms.get(id)?;
                r.current()
                    .filter(|a| a.process_id == process_id)
                    .map(|_| (r.seq, id.clone()))
            })
            .collect();
        ids.sort();
        ids.into_iter().map(|(_, id)| id).collect()
    }

    /// Rooms by phase (in [`Phase::ALL`] order), and processes not ended: (starting, ready).
    pub(crate) fn census(&self, now: Instant) -> ([u64; 4], [u64; 2]) {
        let mut rooms = [0; 4];
        for r in self.rooms.values().flat_map(HashMap::values) {
            rooms[r.phase(now) as usize] += 1;
        }
        let mut processes = [0; 2];
        for p in self.processes.values().filter(|p| !p.ended) {
            processes[usize::from(p.ready)] += 1;
        }
        (rooms, processes)
    }

    /// Every room known, destroyed ones included.
    pub(crate) fn room_count(&self) -> usize {
        self.rooms.values().map(HashMap::len).sum()
    }
}
