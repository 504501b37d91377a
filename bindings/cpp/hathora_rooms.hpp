// hathora_rooms.hpp: a header-only C++17 wrapper over hathora_rooms.h, for Unreal and other
// C++ engines.
//
// - Client and Result own their native handles (move-only, freed in the destructor).
// - Strings go in as std::string_view and come out as std::string copies, so nothing returned
//   dangles once its Result is gone.
// - Every call returns a [[nodiscard]] Result (blocking) or Submission (asynchronous); nothing
//   throws, so it builds with -fno-exceptions.
// - Asynchronous callbacks are any callable taking a Result (move-only lambdas too). The wrapper
//   heap-allocates it and the trampoline deletes it after the one call the C library guarantees.
//   A callback must not throw: the trampoline is noexcept, so an escaping exception terminates.
#ifndef HATHORA_ROOMS_HPP
#define HATHORA_ROOMS_HPP

#include <hathora_rooms.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace hathora {

enum class Code : uint32_t {
    Ok = HATHORA_RESULT_CODE_OK,
    InvalidArgument = HATHORA_RESULT_CODE_INVALID_ARGUMENT,
    ApiError = HATHORA_RESULT_CODE_API_ERROR,
    TransportError = HATHORA_RESULT_CODE_TRANSPORT_ERROR,
    Timeout = HATHORA_RESULT_CODE_TIMEOUT,
    DecodeError = HATHORA_RESULT_CODE_DECODE_ERROR,
    Cancelled = HATHORA_RESULT_CODE_CANCELLED,
    ShutDown = HATHORA_RESULT_CODE_SHUT_DOWN,
    InternalError = HATHORA_RESULT_CODE_INTERNAL_ERROR,
    QueueFull = HATHORA_RESULT_CODE_QUEUE_FULL,
    NotUnderHost = HATHORA_RESULT_CODE_NOT_UNDER_HOST,
};

enum class Region : uint32_t {
    Unknown = HATHORA_REGION_UNKNOWN,
    Seattle = HATHORA_REGION_SEATTLE,
    LosAngeles = HATHORA_REGION_LOS_ANGELES,
    WashingtonDc = HATHORA_REGION_WASHINGTON_DC,
    Chicago = HATHORA_REGION_CHICAGO,
    London = HATHORA_REGION_LONDON,
    Frankfurt = HATHORA_REGION_FRANKFURT,
    Mumbai = HATHORA_REGION_MUMBAI,
    Singapore = HATHORA_REGION_SINGAPORE,
    Tokyo = HATHORA_REGION_TOKYO,
    Sydney = HATHORA_REGION_SYDNEY,
    SaoPaulo = HATHORA_REGION_SAO_PAULO,
    Dallas = HATHORA_REGION_DALLAS,
    Johannesburg = HATHORA_REGION_JOHANNESBURG,
    Dubai = HATHORA_REGION_DUBAI,
};

// Wire enums: Unknown means a value this build does not know; its text is in the *_raw field.
enum class RoomStatus : uint32_t {
    Unknown = HATHORA_ROOM_STATUS_UNKNOWN,
    Scheduling = HATHORA_ROOM_STATUS_SCHEDULING,
    Active = HATHORA_ROOM_STATUS_ACTIVE,
    Suspended = HATHORA_ROOM_STATUS_SUSPENDED,
    Destroyed = HATHORA_ROOM_STATUS_DESTROYED,
};

enum class RoomReadyStatus : uint32_t {
    Unknown = HATHORA_ROOM_READY_STATUS_UNKNOWN,
    Starting = HATHORA_ROOM_READY_STATUS_STARTING,
    Active = HATHORA_ROOM_READY_STATUS_ACTIVE,
};

enum class TransportType : uint32_t {
    Unknown = HATHORA_TRANSPORT_TYPE_UNKNOWN,
    Tcp = HATHORA_TRANSPORT_TYPE_TCP,
    Udp = HATHORA_TRANSPORT_TYPE_UDP,
    Tls = HATHORA_TRANSPORT_TYPE_TLS,
};

enum class DispatchMode : uint32_t {
    Worker = HATHORA_DISPATCH_MODE_WORKER,  // callbacks on a worker thread
    Poll = HATHORA_DISPATCH_MODE_POLL,      // callbacks inside Client::poll, on the polling thread
};

enum class LogLevel : uint32_t {
    Off = HATHORA_LOG_LEVEL_OFF,
    Error = HATHORA_LOG_LEVEL_ERROR,
    Warn = HATHORA_LOG_LEVEL_WARN,
    Info = HATHORA_LOG_LEVEL_INFO,
    Debug = HATHORA_LOG_LEVEL_DEBUG,
};

inline std::string version() { return hathora_version(); }
inline std::string to_string(Code c) { return hathora_result_code_to_string(static_cast<uint32_t>(c)); }
// Wire name such as "Sao_Paulo"; empty for Unknown.
inline std::string region_name(Region r) {
    const char* n = hathora_region_name(static_cast<uint32_t>(r));
    return n ? n : "";
}
inline std::string last_error_message() {
    const char* m = hathora_last_error_message();
    return m ? m : "";
}
// Routes the library's log lines to `callback` (process-wide; nullptr or Off removes it). The
// callback runs on the thread that logs, several at once: it must be thread-safe and noexcept.
// When this returns, no call of the previous callback is still running.
[[nodiscard]] inline Code set_log_callback(HathoraLogCallback callback, void* user_data, LogLevel max_level) noexcept {
    return static_cast<Code>(hathora_set_log_callback(callback, user_data, static_cast<uint32_t>(max_level)));
}

// Typed copies of the library's structured results.
struct ExposedPort {
    TransportType transport_type = TransportType::Unknown;
    std::string transport_type_raw;
    uint32_t port = 0;
    std::string host;
    std::string name;
};

struct ConnectionInfo {
    std::string room_id;
    std::optional<std::string> process_id;  // absent for GetConnectionInfo
    RoomReadyStatus status = RoomReadyStatus::Unknown;
    std::string status_raw;
    std::optional<ExposedPort> exposed_port;  // present once the room is active
    std::vector<ExposedPort> additional_exposed_ports;
};

struct RoomAllocation {
    std::string room_allocation_id;
    std::string process_id;
    std::string scheduled_at;                   // ISO-8601 with offset
    std::optional<std::string> unscheduled_at;  // absent while current
};

struct Room {
    std::string app_id;
    std::string room_id;
    RoomStatus status = RoomStatus::Unknown;
    std::string status_raw;
    std::optional<std::string> room_config;
    std::optional<RoomAllocation> current_allocation;
    std::vector<RoomAllocation> allocations;  // empty in room lists
};

// DiscoveryV2's PingEndpoints: one region's UDP echo beacon.
struct PingEndpoint {
    Region region = Region::Unknown;  // Unknown for a region this build does not know
    std::string region_raw;
    std::string host;
    uint16_t port = 0;
};

// One endpoint's round trips (Client::ping_regions).
struct RegionPing {
    Region region = Region::Unknown;
    std::string region_raw;              // the region's name as given
    std::string host;
    uint16_t port = 0;
    std::optional<std::string> address;  // the address pinged; absent when none was usable
    std::optional<uint64_t> min_rtt_ns;  // absent when no round was answered (never 0)
    uint32_t sent = 0;
    uint32_t answered = 0;
    std::optional<std::string> failure;  // why fewer datagrams than rounds went out
};

// Who and where this game-server process is (the HATHORA_* environment its host set); read it
// with hathora::server_context(). Absent values: the host did not set them.
struct ServerContext {
    std::string process_id;
    std::string app_id;
    Region region = Region::Unknown;
    std::optional<std::string> region_raw;
    std::optional<uint32_t> rooms_per_process;
    std::optional<std::string> initial_room_id;
    std::optional<std::string> initial_room_config;
    std::optional<uint16_t> default_port;
    std::optional<std::string> hostname;
    std::optional<std::string> deployment_id;
    std::optional<std::string> build_tag;
    std::optional<std::string> base_url;
    std::optional<std::string> process_token;  // a secret: never log it
};

namespace detail {

inline std::string str(const char* s) { return s ? s : ""; }
inline std::optional<std::string> opt(const char* s) {
    return s ? std::optional<std::string>(s) : std::nullopt;
}

inline ExposedPort port(const HathoraExposedPort& p) {
    return {static_cast<TransportType>(p.transport_type), str(p.transport_type_raw), p.port, str(p.host), str(p.name)};
}

inline RoomAllocation allocation(const HathoraRoomAllocation& a) {
    return {str(a.room_allocation_id), str(a.process_id), str(a.scheduled_at), opt(a.unscheduled_at)};
}

inline Room room(const HathoraRoom& r) {
    Room out{str(r.app_id), str(r.room_id), static_cast<RoomStatus>(r.status), str(r.status_raw),
             opt(r.room_config), std::nullopt, {}};
    if (r.current_allocation) out.current_allocation = allocation(*r.current_allocation);
    for (size_t i = 0; i < r.allocations_count; ++i) out.allocations.push_back(allocation(r.allocations[i]));
    return out;
}

inline PingEndpoint ping_endpoint(const HathoraPingEndpoint& e) {
    return {static_cast<Region>(e.region), str(e.region_raw), str(e.host), e.port};
}

inline RegionPing region_ping(const HathoraRegionPing& p) {
    return {static_cast<Region>(p.region), str(p.region_raw), str(p.host), p.port, opt(p.address),
            p.min_rtt_ns ? std::optional<uint64_t>(*p.min_rtt_ns) : std::nullopt, p.sent, p.answered,
            opt(p.failure)};
}

// A list of a result (count, then item i) as typed copies; absent when the result has none.
template <class T, class View, class Count, class At, class Copy>
std::optional<std::vector<T>> list(const HathoraResult* r, Count count, At at, Copy copy) {
    size_t n = 0;
    if (!r || count(r, &n) != HATHORA_RESULT_CODE_OK) return std::nullopt;
    std::vector<T> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const View* v = nullptr;
        if (at(r, i, &v) != HATHORA_RESULT_CODE_OK) return std::nullopt;
        out.push_back(copy(*v));
    }
    return out;
}

struct ResultDeleter {
    void operator()(HathoraResult* r) const noexcept { hathora_result_free(r); }
};
struct ClientDeleter {
    void operator()(HathoraClient* c) const noexcept { hathora_client_free(c); }
};
struct ConfigDeleter {
    void operator()(HathoraConfig* c) const noexcept { hathora_config_free(c); }
};

// A NUL-terminated copy of an argument. The C ABI cannot see past an embedded NUL, so such a
// string is refused here instead of being silently truncated.
class Arg {
public:
    Arg(const char* name, std::optional<std::string_view> v) : name_(name), present_(v.has_value()) {
        if (v) value_.assign(v->data(), v->size());
    }
    const char* c_str() const noexcept { return present_ ? value_.c_str() : nullptr; }
    bool has_nul() const noexcept { return present_ && value_.find('\0') != std::string::npos; }
    std::string problem() const { return std::string(name_) + " contains a NUL byte"; }

private:
    const char* name_;
    bool present_;
    std::string value_;
};

// First refused argument's message, if any.
inline std::optional<std::string> refused(std::initializer_list<const Arg*> args) {
    for (const Arg* a : args)
        if (a->has_nul()) return a->problem();
    return std::nullopt;
}

}  // namespace detail

// The outcome of one call: owns the native HathoraResult. A call refused by the wrapper itself
// (an embedded NUL) has no native result, only its code and message.
class [[nodiscard]] Result {
public:
    explicit Result(HathoraResult* r) noexcept : r_(r) {}
    static Result refused(Code code, std::string message) {
        Result r(nullptr);
        r.code_ = code;
        r.message_ = std::move(message);
        return r;
    }

    [[nodiscard]] bool ok() const noexcept { return code() == Code::Ok; }
    explicit operator bool() const noexcept { return ok(); }
    [[nodiscard]] Code code() const noexcept {
        return r_ ? static_cast<Code>(hathora_result_code(r_.get())) : code_;
    }
    [[nodiscard]] uint16_t http_status() const noexcept { return r_ ? hathora_result_http_status(r_.get()) : 0; }
    // Empty on success.
    [[nodiscard]] std::string message() const { return r_ ? detail::str(hathora_result_message(r_.get())) : message_; }
    [[nodiscard]] std::string body() const {
        return r_ ? std::string(hathora_result_body(r_.get()), hathora_result_body_len(r_.get())) : std::string();
    }
    [[nodiscard]] uint64_t request_id() const noexcept { return r_ ? hathora_result_request_id(r_.get()) : 0; }
    [[nodiscard]] uint32_t attempts() const noexcept { return r_ ? hathora_result_attempts(r_.get()) : 0; }

    // CreateRoom, GetConnectionInfo, ResumeRoom, wait-until-active.
    [[nodiscard]] std::optional<ConnectionInfo> connection_info() const {
        const HathoraConnectionInfo* c = nullptr;
        if (!r_ || hathora_result_connection_info(r_.get(), &c) != HATHORA_RESULT_CODE_OK) return std::nullopt;
        ConnectionInfo out{detail::str(c->room_id), detail::opt(c->process_id),
                           static_cast<RoomReadyStatus>(c->status), detail::str(c->status_raw), std::nullopt, {}};
        if (c->exposed_port) out.exposed_port = detail::port(*c->exposed_port);
        for (size_t i = 0; i < c->additional_exposed_ports_count; ++i)
            out.additional_exposed_ports.push_back(detail::port(c->additional_exposed_ports[i]));
        return out;
    }
    // GetRoomInfo.
    [[nodiscard]] std::optional<Room> room() const {
        const HathoraRoom* r = nullptr;
        if (!r_ || hathora_result_room(r_.get(), &r) != HATHORA_RESULT_CODE_OK) return std::nullopt;
        return detail::room(*r);
    }
    // GetActiveRoomsForProcess, GetInactiveRoomsForProcess, the rooms of this process.
    [[nodiscard]] std::optional<std::vector<Room>> rooms() const {
        return detail::list<Room, HathoraRoom>(r_.get(), &hathora_result_room_count, &hathora_result_room_at,
                                               &detail::room);
    }
    // DiscoveryV2 GetPingServiceEndpoints.
    [[nodiscard]] std::optional<std::vector<PingEndpoint>> ping_endpoints() const {
        return detail::list<PingEndpoint, HathoraPingEndpoint>(r_.get(), &hathora_result_ping_endpoint_count,
                                                               &hathora_result_ping_endpoint_at, &detail::ping_endpoint);
    }
    // Region pings, in the order of the endpoints.
    [[nodiscard]] std::optional<std::vector<RegionPing>> region_pings() const {
        return detail::list<RegionPing, HathoraRegionPing>(r_.get(), &hathora_result_region_ping_count,
                                                           &hathora_result_region_ping_at, &detail::region_ping);
    }

    [[nodiscard]] HathoraResult* get() const noexcept { return r_.get(); }
    [[nodiscard]] HathoraResult* release() noexcept { return r_.release(); }

private:
    std::unique_ptr<HathoraResult, detail::ResultDeleter> r_;
    Code code_ = Code::InternalError;
    std::string message_;
};

// Whether an asynchronous call was accepted. When it was not, its callback never runs.
struct [[nodiscard]] Submission {
    Code code = Code::Ok;
    uint64_t request_id = 0;
    std::string message;  // why it was refused
    [[nodiscard]] bool ok() const noexcept { return code == Code::Ok; }
    explicit operator bool() const noexcept { return ok(); }
};

// Per-call overrides; an absent one keeps the client's setting.
struct CallOptions {
    std::optional<std::string_view> app_id;
    std::optional<uint32_t> timeout_ms;          // overall deadline of the call, retries included
    std::optional<uint32_t> max_retries;         // 0: no retries
    std::optional<uint32_t> connect_timeout_ms;  // deadline of each connect
};

struct CreateRoomParams {
    Region region = Region::Unknown;
    std::optional<std::string_view> region_name;  // wins over region: regions added later
    std::optional<std::string_view> room_id;      // absent: generated, so retries are safe
    std::optional<std::string_view> room_config;  // at most 10,000 characters
    std::optional<std::string_view> deployment_id;
    std::vector<std::string_view> client_ips;
};

// One beacon to measure instead of DiscoveryV2's list: any region name (a region of your own,
// another provider's beacon), or a Region when region_name is absent.
struct PingTarget {
    Region region = Region::Unknown;
    std::optional<std::string_view> region_name;  // wins over region
    std::string_view host;                        // host name, IPv4 or IPv6 address
    uint16_t port = 0;
};

// How Client::ping_regions measures; an absent value keeps the library's default (3 rounds,
// 1000 ms per ping, 2000 ms for name lookups). No targets: DiscoveryV2's list.
struct PingOptions {
    std::optional<uint32_t> rounds;
    std::optional<uint32_t> timeout_ms;
    std::optional<uint32_t> lookup_timeout_ms;
    std::vector<PingTarget> targets;
};

// Client settings: one per native setter. An absent one keeps the library's default (see
// hathora_config_new in hathora_rooms.h), so nothing here restates a default.
struct Settings {
    std::string app_id;  // empty: the server context's, or none (DiscoveryV2 and pings need none)
    // A game server's context: its app id, base URL, process and process token (sent instead
    // of dev_token when the host gave one); app_id and base_url, when set too, win.
    std::optional<ServerContext> server_context;
    std::optional<std::string> dev_token;  // absent: GetConnectionInfo and wait only
    std::optional<std::string> base_url;
    std::optional<uint32_t> timeout_ms;
    std::optional<uint32_t> connect_timeout_ms;
    std::optional<uint32_t> max_retries;
    std::optional<uint32_t> initial_backoff_ms;
    std::optional<uint32_t> max_backoff_ms;
    std::optional<uint32_t> min_workers;     // workers kept while idle
    std::optional<uint32_t> max_workers;     // one per call in flight, up to this
    std::optional<uint32_t> worker_idle_ms;  // before a worker above the minimum exits
    std::optional<DispatchMode> dispatch_mode;
    std::optional<uint32_t> queue_capacity;
    std::optional<bool> allow_insecure_http;
    // TLS: CA certificates trusted besides (or, builtin_roots false, instead of) the bundled web
    // roots. Each PEM holds one or more CERTIFICATE blocks; files are read by Client::create.
    // Bad PEM makes Client::create fail, naming the problem. Verification cannot be turned off.
    std::vector<std::string> ca_pems;
    std::vector<std::string> ca_files;
    std::optional<bool> builtin_roots;
};

namespace detail {

struct CallbackBase {
    virtual ~CallbackBase() = default;
    virtual void invoke(Result r) noexcept = 0;
};

// CreateRoom's arguments as C strings, alive for the duration of the call.
struct CreateArgs {
    explicit CreateArgs(const CreateRoomParams& p)
        : region("region_name", p.region_name), id("room_id", p.room_id), cfg("room_config", p.room_config),
          dep("deployment_id", p.deployment_id) {
        client_ips.reserve(p.client_ips.size());  // no reallocation: the pointers below stay valid
        for (std::string_view ip : p.client_ips) client_ips.emplace_back("client_ips[]", ip);
        for (const Arg& ip : client_ips) ptrs.push_back(ip.c_str());
        raw.region = static_cast<uint32_t>(p.region);
        raw.region_name = region.c_str();
        raw.room_id = id.c_str();
        raw.room_config = cfg.c_str();
        raw.deployment_id = dep.c_str();
        raw.client_ips = ptrs.empty() ? nullptr : ptrs.data();
        raw.client_ips_count = ptrs.size();
    }
    std::optional<std::string> problem() const {
        if (auto why = refused({&region, &id, &cfg, &dep})) return why;
        for (const Arg& ip : client_ips)
            if (ip.has_nul()) return ip.problem();
        return std::nullopt;
    }
    const HathoraCreateRoomParams* params() const noexcept { return &raw; }

    Arg region, id, cfg, dep;
    std::vector<Arg> client_ips;
    std::vector<const char*> ptrs;
    HathoraCreateRoomParams raw = hathora_create_room_params_init();
};

// A ServerContext as the C struct, pointing into the copy, for
// hathora_config_apply_server_context: the rule of what a client takes from it stays native.
struct NativeContext {
    explicit NativeContext(const ServerContext& c) {
        auto o = [](const std::optional<std::string>& v) { return v ? v->c_str() : nullptr; };
        raw.process_id = c.process_id.c_str();
        raw.app_id = c.app_id.c_str();
        raw.region = static_cast<HathoraRegion>(c.region);
        raw.region_raw = o(c.region_raw);
        raw.rooms_per_process = c.rooms_per_process.value_or(0);
        raw.initial_room_id = o(c.initial_room_id);
        raw.initial_room_config = o(c.initial_room_config);
        raw.default_port = c.default_port.value_or(0);
        raw.hostname = o(c.hostname);
        raw.deployment_id = o(c.deployment_id);
        raw.build_tag = o(c.build_tag);
        raw.base_url = o(c.base_url);
        raw.process_token = o(c.process_token);
    }
    HathoraServerContext raw{};
};

// Region pings' options and targets as C structs, alive for the duration of the call.
struct PingArgs {
    explicit PingArgs(const PingOptions& p) {
        if (p.rounds) raw.rounds = *p.rounds;
        if (p.timeout_ms) raw.timeout_ms = *p.timeout_ms;
        if (p.lookup_timeout_ms) raw.lookup_timeout_ms = *p.lookup_timeout_ms;
        names.reserve(p.targets.size());  // no reallocation: the pointers below stay valid
        hosts.reserve(p.targets.size());
        for (const PingTarget& t : p.targets) {
            names.emplace_back("targets[].region_name", t.region_name);
            hosts.emplace_back("targets[].host", t.host);
            HathoraPingTarget c{};
            c.region = static_cast<uint32_t>(t.region);
            c.region_name = names.back().c_str();
            c.host = hosts.back().c_str();
            c.port = t.port;
            targets.push_back(c);
        }
        raw.targets = targets.empty() ? nullptr : targets.data();
        raw.targets_count = targets.size();
    }
    std::optional<std::string> problem() const {
        for (size_t i = 0; i < names.size(); ++i)
            if (auto why = refused({&names[i], &hosts[i]})) return why;
        return std::nullopt;
    }
    std::vector<Arg> names, hosts;
    std::vector<HathoraPingTarget> targets;
    HathoraPingOptions raw = hathora_ping_options_init();
};

template <class F>
struct Callback final : CallbackBase {
    explicit Callback(F f) : fn(std::move(f)) {}
    void invoke(Result r) noexcept override { fn(std::move(r)); }
    F fn;
};

}  // namespace detail
}  // namespace hathora

// The one C-linkage trampoline: the library calls it exactly once per accepted request, and it
// frees the callback object it was given.
extern "C" inline void hathora_cpp_trampoline(void* user_data, uint64_t, HathoraResult* result) noexcept {
    std::unique_ptr<hathora::detail::CallbackBase> cb(static_cast<hathora::detail::CallbackBase*>(user_data));
    cb->invoke(hathora::Result(result));
}

namespace hathora {

class Client {
public:
    Client() noexcept = default;

    // A client, or an empty one (false) with the reason in *error when the settings are refused.
    [[nodiscard]] static Client create(const Settings& s, std::string* error = nullptr) {
        std::unique_ptr<HathoraConfig, detail::ConfigDeleter> cfg(hathora_config_new());
        HathoraClient* c = nullptr;
        if (cfg && configure(cfg.get(), s)) hathora_client_new(cfg.get(), &c);
        if (!c && error) *error = last_error_message();
        return Client(c);
    }

    explicit operator bool() const noexcept { return c_ != nullptr; }
    [[nodiscard]] HathoraClient* get() const noexcept { return c_.get(); }
    // Frees the client now: every pending callback runs (SHUT_DOWN) before this returns.
    void reset() noexcept { c_.reset(); }

    // Poll mode: runs up to max ready callbacks here (0: all ready now); returns how many ran.
    size_t poll(size_t max = 0) const noexcept { return hathora_client_poll(c_.get(), max); }
    [[nodiscard]] Code cancel(uint64_t request_id) const noexcept {
        return static_cast<Code>(hathora_client_cancel(c_.get(), request_id));
    }
    [[nodiscard]] size_t pending() const noexcept { return hathora_client_pending(c_.get()); }

    // Blocking forms: run on this thread.
    [[nodiscard]] Result create_room(const CreateRoomParams& p, const CallOptions& o = {}) const {
        detail::CreateArgs a(p);
        return blocking(a.problem(), o, [&](const HathoraCallOptions* co, HathoraResult** out) {
            return hathora_create_room(c_.get(), a.params(), co, out);
        });
    }
    [[nodiscard]] Result get_room_info(std::string_view room_id, const CallOptions& o = {}) const {
        return by_id(&hathora_get_room_info, "room_id", room_id, o);
    }
    [[nodiscard]] Result get_active_rooms_for_process(std::string_view process_id, const CallOptions& o = {}) const {
        return by_id(&hathora_get_active_rooms_for_process, "process_id", process_id, o);
    }
    [[nodiscard]] Result get_inactive_rooms_for_process(std::string_view process_id, const CallOptions& o = {}) const {
        return by_id(&hathora_get_inactive_rooms_for_process, "process_id", process_id, o);
    }
    [[nodiscard]] Result get_connection_info(std::string_view room_id, const CallOptions& o = {}) const {
        return by_id(&hathora_get_connection_info, "room_id", room_id, o);
    }
    [[nodiscard]] Result destroy_room(std::string_view room_id, const CallOptions& o = {}) const {
        return by_id(&hathora_destroy_room, "room_id", room_id, o);
    }
    [[nodiscard]] Result suspend_room_v2_deprecated(std::string_view room_id, const CallOptions& o = {}) const {
        return by_id(&hathora_suspend_room_v2_deprecated, "room_id", room_id, o);
    }
    [[nodiscard]] Result resume_room(std::string_view room_id, const CallOptions& o = {}) const {
        return by_id(&hathora_resume_room, "room_id", room_id, o);
    }
    [[nodiscard]] Result update_room_config(std::string_view room_id, std::string_view room_config,
                                            const CallOptions& o = {}) const {
        detail::Arg id("room_id", room_id), cfg("room_config", room_config);
        return blocking(detail::refused({&id, &cfg}), o, [&](const HathoraCallOptions* co, HathoraResult** out) {
            return hathora_update_room_config(c_.get(), id.c_str(), cfg.c_str(), co, out);
        });
    }
    // A game server's rooms with their configs (Settings::server_context names the process).
    [[nodiscard]] Result get_rooms_of_this_process(const CallOptions& o = {}) const {
        return blocking(std::nullopt, o, [&](const HathoraCallOptions* co, HathoraResult** out) {
            return hathora_get_rooms_of_this_process(c_.get(), co, out);
        });
    }
    // DiscoveryV2: every region's UDP echo beacon (Result::ping_endpoints). Sends no token.
    [[nodiscard]] Result get_ping_service_endpoints(const CallOptions& o = {}) const {
        return blocking(std::nullopt, o, [&](const HathoraCallOptions* co, HathoraResult** out) {
            return hathora_get_ping_service_endpoints(c_.get(), co, out);
        });
    }
    // Region pings (Result::region_pings): the round trip to each target, or to each of
    // DiscoveryV2's endpoints when there are none.
    [[nodiscard]] Result ping_regions(const PingOptions& p = {}, const CallOptions& o = {}) const {
        detail::PingArgs a(p);
        return blocking(a.problem(), o, [&](const HathoraCallOptions* co, HathoraResult** out) {
            return hathora_ping_regions(c_.get(), &a.raw, co, out);
        });
    }
    [[nodiscard]] Result wait_until_active(std::string_view room_id, uint32_t timeout_ms, const CallOptions& o = {}) const {
        detail::Arg id("room_id", room_id);
        return blocking(detail::refused({&id}), o, [&](const HathoraCallOptions* co, HathoraResult** out) {
            return hathora_wait_until_active(c_.get(), id.c_str(), timeout_ms, co, out);
        });
    }

    // Asynchronous forms: on_done(Result) runs exactly once unless the Submission is refused.
    template <class F>
    [[nodiscard]] Submission create_room_async(const CreateRoomParams& p, F&& on_done, const CallOptions& o = {}) const {
        detail::CreateArgs a(p);
        return asynchronous(a.problem(), o, std::forward<F>(on_done), [&](const HathoraCallOptions* co, auto... cb) {
            return hathora_create_room_async(c_.get(), a.params(), co, cb...);
        });
    }
    template <class F>
    [[nodiscard]] Submission get_room_info_async(std::string_view room_id, F&& on_done, const CallOptions& o = {}) const {
        return by_id_async(&hathora_get_room_info_async, "room_id", room_id, std::forward<F>(on_done), o);
    }
    template <class F>
    [[nodiscard]] Submission get_active_rooms_for_process_async(std::string_view process_id, F&& on_done,
                                                                const CallOptions& o = {}) const {
        return by_id_async(&hathora_get_active_rooms_for_process_async, "process_id", process_id, std::forward<F>(on_done), o);
    }
    template <class F>
    [[nodiscard]] Submission get_inactive_rooms_for_process_async(std::string_view process_id, F&& on_done,
                                                                  const CallOptions& o = {}) const {
        return by_id_async(&hathora_get_inactive_rooms_for_process_async, "process_id", process_id, std::forward<F>(on_done), o);
    }
    template <class F>
    [[nodiscard]] Submission get_connection_info_async(std::string_view room_id, F&& on_done, const CallOptions& o = {}) const {
        return by_id_async(&hathora_get_connection_info_async, "room_id", room_id, std::forward<F>(on_done), o);
    }
    template <class F>
    [[nodiscard]] Submission destroy_room_async(std::string_view room_id, F&& on_done, const CallOptions& o = {}) const {
        return by_id_async(&hathora_destroy_room_async, "room_id", room_id, std::forward<F>(on_done), o);
    }
    template <class F>
    [[nodiscard]] Submission suspend_room_v2_deprecated_async(std::string_view room_id, F&& on_done,
                                                              const CallOptions& o = {}) const {
        return by_id_async(&hathora_suspend_room_v2_deprecated_async, "room_id", room_id, std::forward<F>(on_done), o);
    }
    template <class F>
    [[nodiscard]] Submission resume_room_async(std::string_view room_id, F&& on_done, const CallOptions& o = {}) const {
        return by_id_async(&hathora_resume_room_async, "room_id", room_id, std::forward<F>(on_done), o);
    }
    template <class F>
    [[nodiscard]] Submission update_room_config_async(std::string_view room_id, std::string_view room_config, F&& on_done,
                                                      const CallOptions& o = {}) const {
        detail::Arg id("room_id", room_id), cfg("room_config", room_config);
        return asynchronous(detail::refused({&id, &cfg}), o, std::forward<F>(on_done), [&](const HathoraCallOptions* co, auto... cb) {
            return hathora_update_room_config_async(c_.get(), id.c_str(), cfg.c_str(), co, cb...);
        });
    }
    template <class F>
    [[nodiscard]] Submission wait_until_active_async(std::string_view room_id, uint32_t timeout_ms, F&& on_done,
                                                     const CallOptions& o = {}) const {
        detail::Arg id("room_id", room_id);
        return asynchronous(detail::refused({&id}), o, std::forward<F>(on_done), [&](const HathoraCallOptions* co, auto... cb) {
            return hathora_wait_until_active_async(c_.get(), id.c_str(), timeout_ms, co, cb...);
        });
    }

    template <class F>
    [[nodiscard]] Submission get_rooms_of_this_process_async(F&& on_done, const CallOptions& o = {}) const {
        return asynchronous(std::nullopt, o, std::forward<F>(on_done), [&](const HathoraCallOptions* co, auto... cb) {
            return hathora_get_rooms_of_this_process_async(c_.get(), co, cb...);
        });
    }
    template <class F>
    [[nodiscard]] Submission get_ping_service_endpoints_async(F&& on_done, const CallOptions& o = {}) const {
        return asynchronous(std::nullopt, o, std::forward<F>(on_done), [&](const HathoraCallOptions* co, auto... cb) {
            return hathora_get_ping_service_endpoints_async(c_.get(), co, cb...);
        });
    }
    // One job on the client's pool, one worker for the whole measurement; cancel() ends it at once.
    template <class F>
    [[nodiscard]] Submission ping_regions_async(const PingOptions& p, F&& on_done, const CallOptions& o = {}) const {
        detail::PingArgs a(p);
        return asynchronous(a.problem(), o, std::forward<F>(on_done), [&](const HathoraCallOptions* co, auto... cb) {
            return hathora_ping_regions_async(c_.get(), &a.raw, co, cb...);
        });
    }

private:
    explicit Client(HathoraClient* c) noexcept : c_(c) {}

    // Calls the native setter of each property that is set; false at the first refusal.
    static bool configure(HathoraConfig* cfg, const Settings& s) {
        auto ok = [](HathoraResultCode c) { return c == HATHORA_RESULT_CODE_OK; };
        auto set = [&](const auto& value, auto setter) { return !value || ok(setter(cfg, *value)); };
        auto text = [](const std::optional<std::string>& v) { return v ? std::optional<const char*>(v->c_str()) : std::nullopt; };
        auto mode = s.dispatch_mode ? std::optional<uint32_t>(static_cast<uint32_t>(*s.dispatch_mode)) : std::nullopt;
        // The context first: app_id and base_url, when set too, win over it.
        if (s.server_context) {
            detail::NativeContext ctx(*s.server_context);
            if (!ok(hathora_config_apply_server_context(cfg, &ctx.raw))) return false;
        }
        auto app = s.app_id.empty() ? std::nullopt : std::optional<const char*>(s.app_id.c_str());
        return set(app, &hathora_config_set_app_id) &&
               set(text(s.dev_token), &hathora_config_set_dev_token) &&
               set(text(s.base_url), &hathora_config_set_base_url) &&
               set(s.timeout_ms, &hathora_config_set_timeout_ms) &&
               set(s.connect_timeout_ms, &hathora_config_set_connect_timeout_ms) &&
               set(s.max_retries, &hathora_config_set_max_retries) &&
               set(s.initial_backoff_ms, &hathora_config_set_initial_backoff_ms) &&
               set(s.max_backoff_ms, &hathora_config_set_max_backoff_ms) &&
               set(s.min_workers, &hathora_config_set_min_workers) &&
               set(s.max_workers, &hathora_config_set_max_workers) &&
               set(s.worker_idle_ms, &hathora_config_set_worker_idle_ms) &&
               set(mode, &hathora_config_set_dispatch_mode) &&
               set(s.queue_capacity, &hathora_config_set_queue_capacity) &&
               set(s.allow_insecure_http, &hathora_config_set_allow_insecure_http) &&
               set(s.builtin_roots, &hathora_config_set_builtin_roots) &&
               std::all_of(s.ca_pems.begin(), s.ca_pems.end(), [&](const std::string& pem) {
                   return ok(hathora_config_add_ca_pem(cfg, reinterpret_cast<const uint8_t*>(pem.data()), pem.size()));
               }) &&
               std::all_of(s.ca_files.begin(), s.ca_files.end(), [&](const std::string& path) {
                   return ok(hathora_config_add_ca_file(cfg, path.c_str()));
               });
    }

    // Holds a HathoraCallOptions and the app id it points to for the duration of a call. It
    // starts from hathora_call_options_init(), so an absent option keeps the native "client's".
    struct NativeOptions {
        explicit NativeOptions(const CallOptions& o)
            : app_id("options.app_id", o.app_id),
              set(o.app_id || o.timeout_ms || o.max_retries || o.connect_timeout_ms),
              raw(hathora_call_options_init()) {
            raw.app_id = app_id.c_str();
            if (o.timeout_ms) raw.timeout_ms = *o.timeout_ms;
            if (o.connect_timeout_ms) raw.connect_timeout_ms = *o.connect_timeout_ms;
            // Above INT32_MAX stays out of range (refused natively), never wraps to "the client's".
            if (o.max_retries) raw.max_retries = static_cast<int32_t>(std::min<uint32_t>(*o.max_retries, INT32_MAX));
        }
        const HathoraCallOptions* ptr() const noexcept { return set ? &raw : nullptr; }
        detail::Arg app_id;
        bool set;
        HathoraCallOptions raw;
    };

    // `why` is the wrapper's own refusal of an argument, checked before anything is sent.
    template <class Call>
    Result blocking(std::optional<std::string> why, const CallOptions& o, Call&& call) const {
        NativeOptions opts(o);
        if (!why) why = detail::refused({&opts.app_id});
        if (why) return Result::refused(Code::InvalidArgument, std::move(*why));
        HathoraResult* out = nullptr;
        call(opts.ptr(), &out);
        return Result(out);
    }

    template <class F, class Call>
    Submission asynchronous(std::optional<std::string> why, const CallOptions& o, F&& on_done, Call&& call) const {
        static_assert(std::is_invocable_v<std::decay_t<F>&, Result>, "the callback must accept a hathora::Result");
        NativeOptions opts(o);
        if (!why) why = detail::refused({&opts.app_id});
        if (why) return {Code::InvalidArgument, 0, std::move(*why)};
        auto* cb = new detail::Callback<std::decay_t<F>>(std::forward<F>(on_done));
        uint64_t id = 0;
        auto code = static_cast<Code>(
            call(opts.ptr(), &hathora_cpp_trampoline, static_cast<detail::CallbackBase*>(cb), &id));
        if (code != Code::Ok) {
            delete cb;  // refused: the trampoline will never run
            return {code, 0, last_error_message()};
        }
        return {Code::Ok, id, {}};  // cb may already be gone (worker mode): do not touch it
    }

    using ByIdFn = HathoraResultCode (*)(HathoraClient*, const char*, const HathoraCallOptions*, HathoraResult**);
    using ByIdAsyncFn = HathoraResultCode (*)(HathoraClient*, const char*, const HathoraCallOptions*, HathoraCallback,
                                              void*, uint64_t*);

    Result by_id(ByIdFn fn, const char* name, std::string_view v, const CallOptions& o) const {
        detail::Arg id(name, v);
        return blocking(detail::refused({&id}), o, [&](const HathoraCallOptions* co, HathoraResult** out) {
            return fn(c_.get(), id.c_str(), co, out);
        });
    }
    template <class F>
    Submission by_id_async(ByIdAsyncFn fn, const char* name, std::string_view v, F&& on_done, const CallOptions& o) const {
        detail::Arg id(name, v);
        return asynchronous(detail::refused({&id}), o, std::forward<F>(on_done), [&](const HathoraCallOptions* co, auto... cb) {
            return fn(c_.get(), id.c_str(), co, cb...);
        });
    }

    std::unique_ptr<HathoraClient, detail::ClientDeleter> c_;
};

// Reads this process's HATHORA_* environment (hathora_server_context). Absent outside a
// game-server process (*code NotUnderHost) or when a variable is missing or malformed (*code
// InvalidArgument, *error naming it); code and error may be null.
[[nodiscard]] inline std::optional<ServerContext> server_context(Code* code = nullptr, std::string* error = nullptr) {
    HathoraServerContext* c = nullptr;
    auto rc = static_cast<Code>(hathora_server_context(&c));
    if (code) *code = rc;
    if (rc != Code::Ok) {
        if (error) *error = last_error_message();
        return std::nullopt;
    }
    auto o = detail::opt;
    ServerContext out{detail::str(c->process_id), detail::str(c->app_id), static_cast<Region>(c->region),
                      o(c->region_raw), std::nullopt, o(c->initial_room_id), o(c->initial_room_config),
                      std::nullopt, o(c->hostname), o(c->deployment_id), o(c->build_tag), o(c->base_url),
                      o(c->process_token)};
    if (c->rooms_per_process) out.rooms_per_process = c->rooms_per_process;
    if (c->default_port) out.default_port = c->default_port;
    hathora_server_context_free(c);
    return out;
}

}  // namespace hathora

#endif  // HATHORA_ROOMS_HPP
