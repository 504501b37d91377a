//! `hathora_client_cancel` of a request that waits (between wait-until-active polls, or for a
//! retry's `Retry-After`): its callback runs at once with `CANCELLED`, without waiting for the
//! next poll or attempt, and nothing more is sent. (A cancel of a queued request is in pool.rs,
//! the CANCELLED result itself in results.rs.)

mod common;
use common::*;
use std::ptr::null;
use std::time::{Duration, Instant};

#[test]
fn cancelling_a_wait_ends_it_without_waiting_for_the_next_poll() {
    for mode in BOTH_MODES {
        let emu = emulator_with(|cfg| cfg.activation_delay = Duration::from_secs(120));
        let cl = client(&emu, mode);
        let (room, _) = create_room(&cl, None);
        let col = Collector::new();
        let r = c(&room);
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_wait_until_active_async(cl.0, r.as_ptr(), 120_000, null(), cb, ud, id)
        });
        // After the seventh poll the next one is 2 s away (the longest interval).
        wait_until(
            &format!("{mode:?}: seven polls"),
            Duration::from_secs(30),
            || emu.stats().count("GetConnectionInfo") >= 7,
        );
        let polls = emu.stats().count("GetConnectionInfo");
        let started = std::time::Instant::now();
        assert_eq!(
            unsafe { hathora_client_cancel(cl.0, id) },
            Code::Ok,
            "{mode:?}"
        );
        let res = col.one(&cl, id);
        let took = started.elapsed();
        assert_eq!(res.code(), Code::Cancelled, "{mode:?}");
        assert!(
            took < Duration::from_millis(1_500),
            "{mode:?}: the cancelled wait ended after {took:?}, not before its next poll"
        );
        assert_eq!(
            emu.stats().count("GetConnectionInfo"),
            polls,
            "{mode:?}: no poll after the cancel"
        );
    }
}

#[test]
fn cancel_wakes_a_request_waiting_for_retry_after() {
    for mode in BOTH_MODES {
        let emu = emulator();
        let cl = client(&emu, mode);
        emu.faults().fail_next_status(503, 1, Some("20".into()));
        let col = Collector::new();
        let id = submit(&col, |cb, ud, id| unsafe {
            hathora_create_room_async(
                cl.0,
                &HathoraCreateRoomParams {
                    region: HathoraRegion::Frankfurt as u32,
                    ..hathora_create_room_params_init()
                },
                &call_options(60_000, -1),
                cb,
                ud,
                id,
            )
        });
        // Wait until the first attempt was answered, then cancel during the 20 s wait.
        let end = Instant::now() + Duration::from_secs(10);
        while emu.stats().count("CreateRoom") < 1 {
            assert!(
                Instant::now() < end,
                "{mode:?}: the first attempt never arrived"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(50));
        let started = Instant::now();
        assert_eq!(
            unsafe { hathora_client_cancel(cl.0, id) },
            Code::Ok,
            "{mode:?}"
        );
        let r = col.one(&cl, id);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "cancel did not wake the wait: {:?}",
            started.elapsed()
        );
        assert_eq!((r.code(), r.attempts()), (Code::Cancelled, 1), "{mode:?}");
        // Cancelling again: already completed.
        assert_eq!(
            unsafe { hathora_client_cancel(cl.0, id) },
            Code::InvalidArgument,
            "{mode:?}"
        );
        assert_eq!(emu.stats().count("CreateRoom"), 1, "{mode:?}");
        assert_eq!(emu.stats().rooms, 0, "{mode:?}");
    }
}
