// The RoomsV2 flow through the C++ wrapper, twice: with the blocking calls (as a tool or a
// dedicated server thread would), then with the asynchronous calls in poll mode (as a game loop
// would: one poll per frame, callbacks on the game thread).
//
// Usage: rooms_cpp [BASE_URL [APP_ID [DEV_TOKEN]]]
// or the environment variables HATHORA_BASE_URL, HATHORA_APP_ID, HATHORA_DEV_TOKEN.
#include <hathora_rooms.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace {

using hathora::Result;

std::string arg_or_env(int argc, char** argv, int i, const char* env, const char* fallback) {
    if (argc > i) return argv[i];
    const char* v = std::getenv(env);
    return (v && *v) ? v : fallback;
}

// Prints the step's outcome; true on success.
bool report(const char* what, const Result& r) {
    if (r) {
        std::printf("%s: ok (HTTP %u)\n", what, static_cast<unsigned>(r.http_status()));
        return true;
    }
    std::fprintf(stderr, "%s failed: %s (HTTP %u): %s\n", what, hathora::to_string(r.code()).c_str(),
                 static_cast<unsigned>(r.http_status()), r.message().c_str());
    return false;
}

void print_room(const hathora::Room& room) {
    std::printf("  room %s: %s, config %s, %zu allocation(s)\n", room.room_id.c_str(), room.status_raw.c_str(),
                room.room_config.value_or("(none)").c_str(), room.allocations.size());
}

const hathora::CreateRoomParams kCreate{hathora::Region::Frankfurt, {}, {}, R"({"mode":"duel"})", {}, {}};
constexpr const char* kNewConfig = R"({"mode":"ffa"})";

bool blocking_flow(const hathora::Client& client) {
    std::printf("== blocking calls\n");
    Result created = client.create_room(kCreate);
    auto conn = created.connection_info();
    if (!report("CreateRoom", created) || !conn || !conn->process_id) return false;
    const std::string room_id = conn->room_id, process_id = *conn->process_id;
    std::printf("  room %s on process %s, %s\n", room_id.c_str(), process_id.c_str(), conn->status_raw.c_str());

    Result active = client.wait_until_active(room_id, 30000);
    auto ready = active.connection_info();
    if (!report("WaitUntilActive", active) || !ready || !ready->exposed_port) return false;
    std::printf("  connect to %s:%u (%s)\n", ready->exposed_port->host.c_str(), ready->exposed_port->port,
                ready->exposed_port->transport_type_raw.c_str());

    Result info = client.get_room_info(room_id);
    auto room = info.room();
    if (!report("GetRoomInfo", info) || !room || room->status != hathora::RoomStatus::Active) return false;
    print_room(*room);

    if (!report("UpdateRoomConfig", client.update_room_config(room_id, kNewConfig))) return false;

    Result listed = client.get_active_rooms_for_process(process_id);
    auto rooms = listed.rooms();
    if (!report("GetActiveRoomsForProcess", listed) || !rooms) return false;
    bool found = false;
    for (const auto& r : *rooms) {
        print_room(r);
        found |= r.room_id == room_id && r.room_config == kNewConfig;
    }
    if (!found) return false;

    if (!report("DestroyRoom", client.destroy_room(room_id))) return false;

    Result inactive = client.get_inactive_rooms_for_process(process_id);
    auto gone = inactive.rooms();
    if (!report("GetInactiveRoomsForProcess", inactive) || !gone) return false;
    for (const auto& r : *gone)
        if (r.room_id == room_id) return r.status == hathora::RoomStatus::Destroyed;
    return false;
}

// The same flow as a state machine that advances inside the callbacks.
class AsyncFlow {
public:
    explicit AsyncFlow(const hathora::Client& client) : client_(client) {}

    bool finished() const { return step_ >= kSteps || failed_; }
    bool succeeded() const { return step_ >= kSteps && !failed_; }

    // Once per frame: start the current step if nothing is in flight.
    void tick() {
        if (busy_ || finished()) return;
        hathora::Submission s = start();
        busy_ = s.ok();
        if (!s) {
            std::fprintf(stderr, "step %d refused: %s\n", step_, s.message.c_str());
            failed_ = true;
        }
    }

private:
    static constexpr int kSteps = 6;

    // A move-only completion (it owns a unique_ptr), to show the wrapper needs no copies.
    template <class Check>
    auto on_done(const char* what, Check check) {
        auto label = std::make_unique<std::string>(what);
        return [this, label = std::move(label), check](Result r) {
            busy_ = false;
            if (report(label->c_str(), r) && check(r)) {
                ++step_;
            } else {
                failed_ = true;
            }
        };
    }

    hathora::Submission start() {
        auto any = [](const Result&) { return true; };
        switch (step_) {
        case 0:
            return client_.create_room_async(kCreate, on_done("CreateRoom (async)", [this](const Result& r) {
                auto c = r.connection_info();
                if (!c || !c->process_id) return false;
                room_id_ = c->room_id;
                process_id_ = *c->process_id;
                return true;
            }));
        case 1:
            return client_.wait_until_active_async(room_id_, 30000, on_done("WaitUntilActive (async)", [](const Result& r) {
                auto c = r.connection_info();
                return c && c->exposed_port && c->status == hathora::RoomReadyStatus::Active;
            }));
        case 2:
            return client_.get_room_info_async(room_id_, on_done("GetRoomInfo (async)", [this](const Result& r) {
                auto room = r.room();
                return room && room->room_id == room_id_;
            }));
        case 3:
            return client_.update_room_config_async(room_id_, kNewConfig, on_done("UpdateRoomConfig (async)", any));
        case 4:
            return client_.get_active_rooms_for_process_async(process_id_, on_done("GetActiveRoomsForProcess (async)", [this](const Result& r) {
                auto rooms = r.rooms();
                if (!rooms) return false;
                for (const auto& room : *rooms)
                    if (room.room_id == room_id_) return room.room_config == kNewConfig;
                return false;
            }));
        default:
            return client_.destroy_room_async(room_id_, on_done("DestroyRoom (async)", any));
        }
    }

    const hathora::Client& client_;
    int step_ = 0;
    bool busy_ = false;
    bool failed_ = false;
    std::string room_id_, process_id_;
};

bool async_flow(hathora::Settings settings) {
    std::printf("== asynchronous calls, poll mode\n");
    settings.dispatch_mode = hathora::DispatchMode::Poll;
    std::string error;
    hathora::Client client = hathora::Client::create(settings, &error);
    if (!client) {
        std::fprintf(stderr, "client not created: %s\n", error.c_str());
        return false;
    }
    AsyncFlow flow(client);
    for (int frame = 0; frame < 60 * 60 && !flow.finished(); ++frame) {
        flow.tick();
        client.poll();
        std::this_thread::sleep_for(std::chrono::milliseconds(16));
    }
    return flow.succeeded();
}

// The wrapper refuses what the C ABI could not see (an embedded NUL) without sending anything.
bool refusal_check(const hathora::Client& client) {
    using namespace std::string_view_literals;
    Result r = client.get_room_info("bad\0id"sv);
    hathora::Submission s = client.destroy_room_async("bad\0id"sv, [](Result) {});
    bool ok = r.code() == hathora::Code::InvalidArgument && s.code == hathora::Code::InvalidArgument;
    std::printf("embedded NUL refused: %s (%s)\n", ok ? "yes" : "NO", r.message().c_str());
    return ok;
}

// The worker pool's sizes reach the library: a minimum above the maximum is refused.
bool pool_settings_check(hathora::Settings settings) {
    settings.min_workers = 3;
    settings.max_workers = 2;
    std::string error;
    bool refused = !hathora::Client::create(settings, &error) && error.find("must not exceed") != std::string::npos;
    settings.min_workers = 0;
    settings.worker_idle_ms = 500;
    bool accepted = static_cast<bool>(hathora::Client::create(settings));
    std::printf("min_workers 3 > max_workers 2 refused: %s (%s); min 0, idle 500 ms accepted: %s\n",
                refused ? "yes" : "NO", error.c_str(), accepted ? "yes" : "NO");
    return refused && accepted;
}

// Tearing a client down (an engine world ending) runs each pending callback once, with ShutDown,
// before reset() returns; the wrapper frees each callback object right after.
bool shutdown_check(const hathora::Client& admin, hathora::Settings settings) {
    settings.dispatch_mode = hathora::DispatchMode::Poll;
    hathora::Client client = hathora::Client::create(settings);
    Result created = admin.create_room(kCreate);
    auto conn = created.connection_info();
    if (!client || !conn) return false;
    std::optional<hathora::Code> seen;  // set by the callback
    hathora::Submission s = client.wait_until_active_async(conn->room_id, 30000,
        [&seen, owned = std::make_unique<int>(1)](Result r) { seen = r.code(); });
    client.reset();
    bool ok = s.ok() && seen.has_value();
    std::printf("client freed with a request pending: callback %s\n",
                seen ? ("ran with " + hathora::to_string(*seen)).c_str() : "did NOT run");
    return report("DestroyRoom", admin.destroy_room(conn->room_id)) && ok;
}

// The library's log lines (retries, resolutions) on stderr. Runs on whichever thread logs.
void log_line(void*, uint32_t level, const char* message) noexcept {
    std::fprintf(stderr, "[hathora %u] %s\n", level, message);
}

}  // namespace

int main(int argc, char** argv) {
    if (hathora::set_log_callback(&log_line, nullptr, hathora::LogLevel::Info) != hathora::Code::Ok) {
        std::fprintf(stderr, "log hook refused: %s\n", hathora::last_error_message().c_str());
        return 1;
    }
    hathora::Settings settings;
    settings.base_url = arg_or_env(argc, argv, 1, "HATHORA_BASE_URL", "http://127.0.0.1:8080");
    settings.app_id = arg_or_env(argc, argv, 2, "HATHORA_APP_ID", "app-emulator");
    settings.dev_token = arg_or_env(argc, argv, 3, "HATHORA_DEV_TOKEN", "emulator-dev-token");
    settings.max_workers = 2;
    std::printf("hathora_rooms %s against %s\n", hathora::version().c_str(), settings.base_url->c_str());

    std::string error;
    hathora::Client client = hathora::Client::create(settings, &error);
    if (!client) {
        std::fprintf(stderr, "client not created: %s\n", error.c_str());
        return 1;
    }
    bool ok = blocking_flow(client) && refusal_check(client) && pool_settings_check(settings) &&
              async_flow(settings) && shutdown_check(client, settings);
    // An out-of-range level is refused, the hook left as it was; then the hook is removed.
    ok = ok && hathora::set_log_callback(&log_line, nullptr, static_cast<hathora::LogLevel>(9)) == hathora::Code::InvalidArgument &&
         hathora::set_log_callback(nullptr, nullptr, hathora::LogLevel::Off) == hathora::Code::Ok;
    std::printf("%s\n", ok ? "all steps succeeded" : "FAILED");
    return ok ? 0 : 1;
}
