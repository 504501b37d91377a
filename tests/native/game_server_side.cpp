// The C++ wrapper's game-server and player-side calls, end to end: the server context from a
// prepared environment, the rooms of this process against the emulator, DiscoveryV2 against a
// small HTTP server of this program's own (a list of its own beacons), and region pings
// against UDP echo beacons of its own, blocking, asynchronous and cancelled.
// Usage: game_server_side EMULATOR_URL APP_ID DEV_TOKEN. Prints one line per check; exit 1 on
// the first failure.
#include <hathora_rooms.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <mutex>
#include <string>
#include <thread>

namespace {

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "FAILED: %s\n", what.c_str());
    std::exit(1);
}

void check(bool ok, const std::string& what) {
    if (!ok) fail(what);
    std::printf("ok: %s\n", what.c_str());
}

int bound(int type, uint16_t* port) {
    int fd = socket(AF_INET, type, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        fail("bind a loopback socket");
    *port = ntohs(a.sin_port);
    return fd;
}

// A UDP echo beacon (or a silent one) on 127.0.0.1, until stopped.
struct Beacon {
    explicit Beacon(bool echo) : echo_(echo), fd_(bound(SOCK_DGRAM, &port)) {
        thread_ = std::thread([this] {
            char buf[2048];
            while (!stop_) {
                pollfd p{fd_, POLLIN, 0};
                if (poll(&p, 1, 20) <= 0) continue;
                sockaddr_in from{};
                socklen_t len = sizeof from;
                ssize_t n = recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
                if (n <= 0) continue;
                received++;
                if (echo_) sendto(fd_, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), len);
            }
        });
    }
    ~Beacon() {
        stop_ = true;
        thread_.join();
        close(fd_);
    }
    uint16_t port = 0;
    std::atomic<int> received{0};

private:
    bool echo_;
    int fd_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// Answers every HTTP request with `body` and keeps each request's head.
struct Discovery {
    explicit Discovery(std::string body) : body_(std::move(body)), fd_(bound(SOCK_STREAM, &port)) {
        listen(fd_, 16);
        thread_ = std::thread([this] {
            while (!stop_) {
                pollfd p{fd_, POLLIN, 0};
                if (poll(&p, 1, 20) <= 0) continue;
                int c = accept(fd_, nullptr, nullptr);
                if (c < 0) continue;
                std::string head;
                char buf[4096];
                while (head.find("\r\n\r\n") == std::string::npos) {
                    ssize_t n = read(c, buf, sizeof buf);
                    if (n <= 0) break;
                    head.append(buf, static_cast<size_t>(n));
                }
                {
                    std::lock_guard<std::mutex> g(lock_);
                    heads_.push_back(head);
                }
                std::string out = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                                  std::to_string(body_.size()) + "\r\n\r\n" + body_;
                (void)!write(c, out.data(), out.size());
                close(c);
            }
        });
    }
    ~Discovery() {
        stop_ = true;
        thread_.join();
        close(fd_);
    }
    std::vector<std::string> heads() {
        std::lock_guard<std::mutex> g(lock_);
        return heads_;
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
    uint16_t port = 0;

private:
    std::string body_;
    int fd_;
    std::atomic<bool> stop_{false};
    std::mutex lock_;
    std::vector<std::string> heads_;
    std::thread thread_;
};

bool has_authorization(const std::string& head) {
    std::string lower;
    for (char c : head) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.find("\r\nauthorization:") != std::string::npos;
}

void server_side(const std::string& url, const std::string& app, const std::string& token) {
    hathora::Settings admin_settings;
    admin_settings.app_id = app;
    admin_settings.dev_token = token;
    admin_settings.base_url = url;
    hathora::Client admin = hathora::Client::create(admin_settings);
    hathora::CreateRoomParams params;
    params.region = hathora::Region::Frankfurt;
    params.room_config = "{\"map\":\"dust\"}";
    hathora::Result created = admin.create_room(params);
    check(created.ok() && created.connection_info(), "create a room: " + created.message());
    std::string room = created.connection_info()->room_id, process = *created.connection_info()->process_id;

    unsetenv("HATHORA_PROCESS_ID");
    hathora::Code code = hathora::Code::Ok;
    check(!hathora::server_context(&code) && code == hathora::Code::NotUnderHost, "no context outside a host");
    setenv("HATHORA_PROCESS_ID", process.c_str(), 1);
    setenv("HATHORA_APP_ID", app.c_str(), 1);
    setenv("HATHORA_BASE_URL", url.c_str(), 1);
    setenv("HATHORA_PROCESS_TOKEN", token.c_str(), 1);
    setenv("HATHORA_DEFAULT_PORT", "7777", 1);
    setenv("HATHORA_REGION", "Sao_Paulo", 1);
    std::string error;
    std::optional<hathora::ServerContext> ctx = hathora::server_context(&code, &error);
    check(ctx && ctx->process_id == process && ctx->app_id == app && ctx->base_url == url &&
              ctx->process_token == token && ctx->default_port == 7777 && ctx->region == hathora::Region::SaoPaulo &&
              ctx->region_raw == "Sao_Paulo" && !ctx->rooms_per_process && !ctx->hostname,
          "the context from the environment " + error);
    setenv("HATHORA_DEFAULT_PORT", "http", 1);
    bool refused = !hathora::server_context(&code, &error);
    check(refused && code == hathora::Code::InvalidArgument && error.find("HATHORA_DEFAULT_PORT") != std::string::npos,
          "a malformed port is named: " + error);
    error.clear();
    setenv("HATHORA_DEFAULT_PORT", "7777", 1);

    hathora::Settings s;  // no app id, no token: all from the context
    s.server_context = ctx;
    hathora::Client game = hathora::Client::create(s, &error);
    check(static_cast<bool>(game), "a client from the context " + error);
    auto has_room = [&](const hathora::Result& r) {
        std::optional<std::vector<hathora::Room>> rooms = r.rooms();
        if (!rooms) return false;
        for (const hathora::Room& x : *rooms)
            if (x.room_id == room && x.room_config == std::optional<std::string>("{\"map\":\"dust\"}")) return true;
        return false;
    };
    hathora::Result mine = game.get_rooms_of_this_process();
    check(mine.ok() && has_room(mine), "the rooms of this process: " + mine.message());
    std::promise<hathora::Result> done;
    auto sub = game.get_rooms_of_this_process_async([&](hathora::Result r) { done.set_value(std::move(r)); });
    check(sub.ok(), "the rooms of this process, async, accepted");
    hathora::Result later = done.get_future().get();
    check(later.ok() && has_room(later), "the rooms of this process, async: " + later.message());
    (void)admin.destroy_room(room);
}

void player_side() {
    Beacon loud(true), quiet(false);
    Discovery server("[{\"region\":\"Chicago\",\"host\":\"127.0.0.1\",\"port\":" + std::to_string(loud.port) +
                     "},{\"region\":\"Europa\",\"host\":\"127.0.0.1\",\"port\":" + std::to_string(quiet.port) + "}]");
    hathora::Settings s;  // a game client: no app id, a token that must never be sent
    s.base_url = server.url();
    s.dev_token = "never-sent";
    hathora::Client client = hathora::Client::create(s);
    hathora::Result found = client.get_ping_service_endpoints();
    auto list = found.ping_endpoints();
    check(found.ok() && list && list->size() == 2 && (*list)[0].region == hathora::Region::Chicago &&
              (*list)[1].region == hathora::Region::Unknown && (*list)[1].region_raw == "Europa" &&
              (*list)[0].port == loud.port,
          "DiscoveryV2's endpoints: " + found.message());
    hathora::PingOptions quick;
    quick.rounds = 2;
    hathora::Result pinged = client.ping_regions(quick);
    auto pings = pinged.region_pings();
    check(pinged.ok() && pinged.http_status() == 200 && pings && pings->size() == 2, "pings of DiscoveryV2's list");
    check((*pings)[0].answered == 2 && (*pings)[0].min_rtt_ns && (*pings)[1].sent == 2 && (*pings)[1].answered == 0 &&
              !(*pings)[1].min_rtt_ns,
          "the loud region answered, the silent one has no RTT");
    for (const std::string& head : server.heads())
        check(head.rfind("GET /discovery/v2/ping ", 0) == 0 && !has_authorization(head), "DiscoveryV2 sent no token");

    hathora::PingOptions mine;
    mine.rounds = 3;
    mine.timeout_ms = 20000;
    mine.targets.push_back({hathora::Region::Unknown, std::string_view("home-lab"), "127.0.0.1", quiet.port});
    std::promise<hathora::Result> done;
    auto sub = client.ping_regions_async(mine, [&](hathora::Result r) { done.set_value(std::move(r)); });
    check(sub.ok(), "async pings accepted");
    for (int i = 0; i < 1000 && quiet.received == 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto t0 = std::chrono::steady_clock::now();
    check(client.cancel(sub.request_id) == hathora::Code::Ok, "cancel accepted");
    hathora::Result cancelled = done.get_future().get();
    auto took = std::chrono::steady_clock::now() - t0;
    check(cancelled.code() == hathora::Code::Cancelled && took < std::chrono::seconds(10),
          "a cancel ends a 60 s measurement at once");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s EMULATOR_URL APP_ID DEV_TOKEN\n", argv[0]);
        return 2;
    }
    server_side(argv[1], argv[2], argv[3]);
    player_side();
    std::printf("game_server_side: all checks passed\n");
    return 0;
}
