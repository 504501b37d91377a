//! Why a rooms operation was refused. The API layer picks the HTTP status.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RoomsError {
    /// No such room in the app, or it is destroyed (except for GetRoomInfo).
    RoomNotFound(String),
    /// No such process of the app.
    ProcessNotFound(String),
    /// CreateRoom with a room id that is (or was) in use in the app.
    RoomIdTaken(String),
    /// ResumeRoom of a room that is not suspended.
    NotSuspended(String),
    /// The app does not serve this region.
    RegionNotServed { app_id: String, region: String },
    /// A limit is reached (processes of the app, processes in all, ports): try again later.
    Capacity(String),
    /// The game server could not be started.
    Spawn(String),
    /// The state could not be saved: nothing changed.
    Storage(String),
}
