//! Rooms, processes and their lifecycle. Pure in-memory state, no I/O; callers hold it behind a
//! mutex and keep the critical sections short (build the reply struct here, serialize outside).
//!
//! Lifecycle (computed lazily from timestamps, no timers):
//! - create / resume schedule an allocation on a process of the room's region; the room is
//!   `scheduling` (ready status `starting`) until `activation_delay` has passed, then `active`.
//! - suspend unschedules the open allocation: status `suspended`, ready status `starting`.
//! - destroy unschedules the open allocation (if any): status `destroyed`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::clock::Stamp;
use crate::error::ApiError;
use crate::ids::SplitMix64;
use crate::wire::{self, ExposedPort};

/// First port handed out to processes; each new process gets the next one.
const BASE_PORT: u16 = 7777;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Scheduling,
    Active,
    Suspended,
    Destroyed,
}

impl Phase {
    fn room_status(self) -> &'static str {
        crate::wire::ROOM_STATUSES[self as usize]
    }
    fn ready_status(self) -> &'static str {
        crate::wire::READY_STATUSES[usize::from(self == Phase::Active)]
    }
}

struct ProcessRec {
    region: String,
    port: u16,
    /// Rooms whose open allocation is on this process.
    held: usize,
}

struct AllocRec {
    id: String,
    process_id: String,
    scheduled: Stamp,
    unscheduled: Option<Stamp>,
}

impl AllocRec {
    fn to_wire(&self) -> wire::RoomAllocation {
        wire::RoomAllocation {
            room_allocation_id: self.id.clone(),
            process_id: self.process_id.clone(),
            scheduled_at: self.scheduled.text.clone(),
            unscheduled_at: self.unscheduled.as_ref().map(|s| s.text.clone()),
        }
    }
}

struct RoomRec {
    seq: u64,
    region: String,
    config: Option<String>,
    allocations: Vec<AllocRec>,
    destroyed: bool,
}

impl RoomRec {
    fn current(&self) -> Option<&AllocRec> {
        self.allocations.last().filter(|a| a.unscheduled.is_none())
    }
    fn current_mut(&mut self) -> Option<&mut AllocRec> {
        self.allocations
            .last_mut()
            .filter(|a| a.unscheduled.is_none())
    }
    fn phase(&self, now: Instant, delay: Duration) -> Phase {
        if self.destroyed {
            return Phase::Destroyed;
        }
        match self.current() {
            None => Phase::Suspended,
            Some(a) if now.saturating_duration_since(a.scheduled.at) >= delay => Phase::Active,
            Some(_) => Phase::Scheduling,
        }
    }
    /// Process of the latest allocation (open or not).
    fn last_process(&self) -> Option<&str> {
        self.allocations.last().map(|a| a.process_id.as_str())
    }
}

pub(crate) struct Store {
    app_id: String,
    activation_delay: Duration,
    rooms_per_process: usize,
    rooms: HashMap<String, RoomRec>,
    processes: HashMap<String, ProcessRec>,
    /// Process ids in start order: placement prefers the oldest process with room to spare.
    process_order: Vec<String>,
    next_seq: u64,
    ids: SplitMix64,
}

impl Store {
    pub(crate) fn new(app_id: &str, activation_delay: Duration, rooms_per_process: usize) -> Self {
        Store {
            app_id: app_id.to_string(),
            activation_delay,
            rooms_per_process: rooms_per_process.max(1),
            rooms: HashMap::new(),
            processes: HashMap::new(),
            process_order: Vec::new(),
            next_seq: 0,
            ids: SplitMix64::from_time(),
        }
    }

    /// Forget every room and process.
    pub(crate) fn reset(&mut self) {
        self.rooms.clear();
        self.processes.clear();
        self.process_order.clear();
        self.next_seq = 0;
    }

    /// Rooms known to the emulator, destroyed ones included (GetRoomInfo still answers them).
    pub(crate) fn room_count(&self) -> usize {
        self.rooms.len()
    }

    /// Caller has validated region, config length and room id syntax.
    pub(crate) fn create(
        &mut self,
        room_id: Option<String>,
        region: &str,
        config: Option<String>,
    ) -> Result<wire::RoomConnectionData, ApiError> {
        let room_id = match room_id {
            // The contract only says a taken roomId "is an error". 422 is one of CreateRoom's
            // declared statuses (409 is not: the official SDKs would raise their generic
            // SDKError for it instead of ApiError): the request is understood but invalid.
            // Destroyed rooms keep their id taken, as ids are globally unique.
            Some(id) if self.rooms.contains_key(&id) => {
                return Err(ApiError::room_id_taken(&id));
            }
            Some(id) => id,
            None => loop {
                let id = self.ids.room_id();
                if !self.rooms.contains_key(&id) {
                    break id;
                }
            },
        };
        let alloc = self.allocate(region);
        let process_id = alloc.process_id.clone();
        let seq = self.next_seq;
        self.next_seq += 1;
        let room = RoomRec {
            seq,
            region: region.to_string(),
            config,
            allocations: vec![alloc],
            destroyed: false,
        };
        let phase = room.phase(Instant::now(), self.activation_delay);
        let data = wire::RoomConnectionData {
            room_id: room_id.clone(),
            exposed_port: self.exposed_port(phase, &process_id),
            process_id,
            status: phase.ready_status(),
            additional_exposed_ports: Vec::new(),
        };
        self.rooms.insert(room_id, room);
        Ok(data)
    }

    pub(crate) fn info(&self, room_id: &str) -> Result<wire::Room, ApiError> {
        let room = self.room(room_id)?;
        let phase = room.phase(Instant::now(), self.activation_delay);
        Ok(wire::Room {
            app_id: self.app_id.clone(),
            room_id: room_id.to_string(),
            status: phase.room_status(),
            room_config: room.config.clone(),
            current_allocation: room.current().map(AllocRec::to_wire),
            allocations: room.allocations.iter().map(AllocRec::to_wire).collect(),
        })
    }

    /// Active list: rooms whose open allocation is on the process (scheduling or active).
    /// Inactive list: rooms without an open allocation (suspended or destroyed) whose latest
    /// allocation was on the process.
    pub(crate) fn list(
        &self,
        process_id: &str,
        active: bool,
    ) -> Result<Vec<wire::RoomWithoutAllocations>, ApiError> {
        if !self.processes.contains_key(process_id) {
            return Err(ApiError::not_found(format!(
                "Process {process_id} not found"
            )));
        }
        let now = Instant::now();
        let mut rooms: Vec<(&String, &RoomRec)> = self
            .rooms
            .iter()
            .filter(|(_, r)| match r.current() {
                Some(a) => active && a.process_id == process_id,
                None => !active && r.last_process() == Some(process_id),
            })
            .collect();
        rooms.sort_by_key(|(_, r)| r.seq);
        Ok(rooms
            .into_iter()
            .map(|(id, r)| wire::RoomWithoutAllocations {
                app_id: self.app_id.clone(),
                room_id: id.clone(),
                status: r.phase(now, self.activation_delay).room_status(),
                room_config: r.config.clone(),
                current_allocation: r.current().map(AllocRec::to_wire),
            })
            .collect())
    }

    /// Destroying a destroyed room answers 404, like an unknown room.
    pub(crate) fn destroy(&mut self, room_id: &str) -> Result<(), ApiError> {
        self.live_room(room_id)?;
        self.unschedule(room_id);
        if let Some(room) = self.rooms.get_mut(room_id) {
            room.destroyed = true;
        }
        Ok(())
    }

    /// Suspending an already suspended room is a no-op (204).
    pub(crate) fn suspend(&mut self, room_id: &str) -> Result<(), ApiError> {
        self.live_room(room_id)?;
        self.unschedule(room_id);
        Ok(())
    }

    /// Only a suspended room can be resumed; any other live room (starting or active) answers
    /// 400 and is left as it is. The contract does not say; 400 is declared for ResumeRoom, and
    /// refusing (rather than answering 200 with the current allocation) shows a caller that it
    /// misread the room's state instead of hiding it. See README "Statuses the contract leaves open".
    pub(crate) fn resume(&mut self, room_id: &str) -> Result<wire::RoomConnectionData, ApiError> {
        let room = self.live_room(room_id)?;
        if room.current().is_some() {
            return Err(ApiError::bad_request(format!(
                "Room {room_id} is not suspended: only a suspended room can be resumed"
            )));
        }
        let region = room.region.clone();
        let alloc = self.allocate(&region);
        let process_id = alloc.process_id.clone();
        let room = self.rooms.get_mut(room_id).expect("room checked above");
        room.allocations.push(alloc);
        let phase = room.phase(Instant::now(), self.activation_delay);
        Ok(wire::RoomConnectionData {
            room_id: room_id.to_string(),
            exposed_port: self.exposed_port(phase, &process_id),
            process_id,
            status: phase.ready_status(),
            additional_exposed_ports: Vec::new(),
        })
    }

    /// A suspended room answers `starting` without `exposedPort`; a destroyed one 404.
    pub(crate) fn connection_info(
        &self,
        room_id: &str,
    ) -> Result<wire::ConnectionInfoV2, ApiError> {
        let room = self.live_room(room_id)?;
        let phase = room.phase(Instant::now(), self.activation_delay);
        let exposed_port = match room.current() {
            Some(a) => self.exposed_port(phase, &a.process_id),
            None => None,
        };
        Ok(wire::ConnectionInfoV2 {
            room_id: room_id.to_string(),
            status: phase.ready_status(),
            exposed_port,
            additional_exposed_ports: Vec::new(),
        })
    }

    pub(crate) fn update(&mut self, room_id: &str, config: String) -> Result<(), ApiError> {
        self.live_room(room_id)?;
        if let Some(room) = self.rooms.get_mut(room_id) {
            room.config = Some(config);
        }
        Ok(())
    }

    fn room(&self, room_id: &str) -> Result<&RoomRec, ApiError> {
        self.rooms
            .get(room_id)
            .ok_or_else(|| ApiError::room_not_found(room_id))
    }

    /// A room that exists and is not destroyed.
    fn live_room(&self, room_id: &str) -> Result<&RoomRec, ApiError> {
        match self.rooms.get(room_id) {
            Some(r) if !r.destroyed => Ok(r),
            _ => Err(ApiError::room_not_found(room_id)),
        }
    }

    fn exposed_port(&self, phase: Phase, process_id: &str) -> Option<ExposedPort> {
        if phase != Phase::Active {
            return None;
        }
        self.processes
            .get(process_id)
            .map(|p| ExposedPort::tcp(p.port))
    }

    /// Close the room's open allocation, if any, and free its slot on the process.
    fn unschedule(&mut self, room_id: &str) {
        let Some(room) = self.rooms.get_mut(room_id) else {
            return;
        };
        if let Some(alloc) = room.current_mut() {
            alloc.unscheduled = Some(Stamp::now());
            if let Some(p) = self.processes.get_mut(&alloc.process_id) {
                p.held = p.held.saturating_sub(1);
            }
        }
    }

    /// A new open allocation on the oldest process of `region` with a free slot, starting a new
    /// process when all are full.
    fn allocate(&mut self, region: &str) -> AllocRec {
        let existing = self.process_order.iter().find(|id| {
            let p = &self.processes[*id];
            p.region == region && p.held < self.rooms_per_process
        });
        let process_id = match existing {
            Some(id) => id.clone(),
            None => {
                let id = self.ids.uuid();
                let offset = u16::try_from(self.process_order.len()).unwrap_or(u16::MAX);
                let port = BASE_PORT.saturating_add(offset);
                self.processes.insert(
                    id.clone(),
                    ProcessRec {
                        region: region.to_string(),
                        port,
                        held: 0,
                    },
                );
                self.process_order.push(id.clone());
                id
            }
        };
        if let Some(p) = self.processes.get_mut(&process_id) {
            p.held += 1;
        }
        AllocRec {
            id: self.ids.uuid(),
            process_id,
            scheduled: Stamp::now(),
            unscheduled: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processes_fill_up_then_a_new_one_starts() {
        let mut s = Store::new("app", Duration::ZERO, 2);
        let a = s.create(None, "London", None).unwrap();
        let b = s.create(None, "London", None).unwrap();
        let c = s.create(None, "London", None).unwrap();
        let d = s.create(None, "Tokyo", None).unwrap();
        assert_eq!(a.process_id, b.process_id);
        assert_ne!(a.process_id, c.process_id);
        assert_ne!(c.process_id, d.process_id);
        assert_eq!(a.status, "active");
        s.destroy(&a.room_id).unwrap();
        let e = s.create(None, "London", None).unwrap();
        assert_eq!(e.process_id, a.process_id);
    }

    #[test]
    fn suspend_resume_records_allocations() {
        let mut s = Store::new("app", Duration::from_secs(3600), 4);
        let r = s.create(Some("r1".into()), "Dubai", None).unwrap();
        assert!(s.resume("r1").is_err());
        s.suspend("r1").unwrap();
        let info = s.info("r1").unwrap();
        assert_eq!(info.status, "suspended");
        assert!(info.current_allocation.is_none());
        assert!(info.allocations[0].unscheduled_at.is_some());
        assert_eq!(s.list(&r.process_id, false).unwrap().len(), 1);
        let again = s.resume("r1").unwrap();
        assert_eq!(again.status, "starting");
        let info = s.info("r1").unwrap();
        assert_eq!(info.allocations.len(), 2);
        assert_eq!(info.status, "scheduling");
    }
}
