mod common;
use common::*;
use std::ptr::null;

#[test]
fn smoke() {
    let emu = emulator();
    let cl = client(&emu, HathoraDispatchMode::Worker);
    let (room, _) = create_room(&cl, Some("{}"));
    let r = blocking(|out| unsafe { hathora_get_connection_info(cl.0, c(&room).as_ptr(), null(), out) }).ok();
    assert!(r.conn().is_some());
}
