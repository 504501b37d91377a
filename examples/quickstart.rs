//! The main example: starts the bundled RoomsV2 emulator in-process, then creates a room, waits
//! until it is active, reads its info, updates its config, lists its process's rooms and
//! destroys it, printing each step.
//!
//! Run: `cargo run --example quickstart`

use hathora_rooms_server::{Emulator, EmulatorConfig};
use hathora_rooms::{Call, CallOptions, Client, ClientConfig, Outcome, Payload, Secret};
use std::time::Duration;

fn main() {
    let emulator = Emulator::start(EmulatorConfig {
        activation_delay: Duration::from_millis(1500),
        ..EmulatorConfig::default()
    })
    .expect("start the emulator");
    println!("emulator listening on {}", emulator.url());

    let mut config = ClientConfig::new(emulator.app_id());
    config.dev_token = Some(Secret::new(emulator.token().to_owned()));
    config.base_url = emulator.url();
    let client = Client::new(config).expect("a valid configuration");
    let opts = CallOptions::default();

    let created = check(
        "CreateRoom",
        client.call(
            Call::CreateRoom {
                region: "Frankfurt".into(),
                room_id: None,
                room_config: Some(r#"{"mode":"duel"}"#.into()),
                deployment_id: None,
                client_ips: None,
            },
            &opts,
        ),
    );
    let Payload::Connection(conn) = created.payload else {
        unreachable!("CreateRoom returns connection data")
    };
    let room_id = conn.room_id.clone();
    let process_id = conn.process_id.clone().unwrap_or_default();
    println!(
        "  room {room_id} on process {process_id}, status {}",
        conn.status.as_str()
    );

    let active = check(
        "WaitUntilActive",
        client.wait_until_active(&room_id, Duration::from_secs(30), &opts),
    );
    if let Payload::Connection(c) = &active.payload {
        let port = c.exposed_port.as_ref().expect("an active room has a port");
        println!(
            "  active after {} polls: connect to {}:{} ({})",
            active.attempts,
            port.host,
            port.port,
            port.transport_type.as_str()
        );
    }

    let info = check(
        "GetRoomInfo",
        client.call(
            Call::GetRoomInfo {
                room_id: room_id.clone(),
            },
            &opts,
        ),
    );
    if let Payload::Room(r) = &info.payload {
        println!(
            "  status {}, config {:?}, {} allocation(s)",
            r.status.as_str(),
            r.room_config,
            r.allocations.len()
        );
    }

    check(
        "UpdateRoomConfig",
        client.call(
            Call::UpdateRoomConfig {
                room_id: room_id.clone(),
                room_config: r#"{"mode":"ffa"}"#.into(),
            },
            &opts,
        ),
    );

    let listed = check(
        "GetActiveRoomsForProcess",
        client.call(
            Call::GetActiveRoomsForProcess {
                process_id: process_id.clone(),
            },
            &opts,
        ),
    );
    if let Payload::Rooms(rooms) = &listed.payload {
        for r in rooms {
            println!(
                "  {} {} config {:?}",
                r.room_id,
                r.status.as_str(),
                r.room_config
            );
        }
    }

    check(
        "DestroyRoom",
        client.call(
            Call::DestroyRoom {
                room_id: room_id.clone(),
            },
            &opts,
        ),
    );
    let inactive = check(
        "GetInactiveRoomsForProcess",
        client.call(Call::GetInactiveRoomsForProcess { process_id }, &opts),
    );
    if let Payload::Rooms(rooms) = &inactive.payload {
        println!(
            "  {} inactive room(s): {:?}",
            rooms.len(),
            rooms
                .iter()
                .map(|r| (&r.room_id, r.status.as_str()))
                .collect::<Vec<_>>()
        );
    }
    println!("done");
}

/// Prints one step and stops the example on failure, showing everything the result carries.
fn check(step: &str, outcome: Outcome) -> Outcome {
    println!("{step}: {} (HTTP {})", outcome.code, outcome.http_status);
    if !outcome.is_ok() {
        eprintln!(
            "  failed: {:?}\n  body: {}",
            outcome.message,
            outcome.body_text()
        );
        std::process::exit(1);
    }
    outcome
}
