// The C++ wrapper over HTTPS with a private CA (tests/native/run.sh starts hathora-rooms-server
// with --tls-cert and --tls-key, a certificate from tests/test_pki.sh): a room's life with the
// CA from a file (web roots off) and from memory, the server refused without the CA, and bad
// PEM refused by Client::create. Prints one line per check; exits 1 at the first failure.
// Usage: tls HTTPS_URL CA_FILE APP_ID DEV_TOKEN
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "hathora_rooms.hpp"

static int failures = 0;

static void check(bool ok, const std::string& what, const std::string& detail = "") {
    std::printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what.c_str(), detail.empty() ? "" : ": ", detail.c_str());
    if (!ok) ++failures;
}

static hathora::Settings settings(const char* url, const char* app, const char* token) {
    hathora::Settings s;
    s.app_id = app;
    s.dev_token = token;
    s.base_url = url;
    s.max_retries = 3;
    s.initial_backoff_ms = 10;
    return s;
}

static void room_life(const hathora::Settings& s, const std::string& how) {
    std::string error;
    hathora::Client client = hathora::Client::create(s, &error);
    check(static_cast<bool>(client), how + ": client created", error);
    if (!client) return;
    hathora::CreateRoomParams params;
    params.region = hathora::Region::Frankfurt;
    hathora::Result created = client.create_room(params);
    check(created.ok(), how + ": CreateRoom over HTTPS", created.message());
    if (!created.ok()) return;
    std::string room = created.connection_info()->room_id;
    hathora::Result active = client.wait_until_active(room, 10000);
    check(active.ok() && active.connection_info()->exposed_port.has_value(), how + ": wait-until-active", active.message());
    hathora::Result destroyed = client.destroy_room(room);
    check(destroyed.ok(), how + ": DestroyRoom", destroyed.message());
}

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s HTTPS_URL CA_FILE APP_ID DEV_TOKEN\n", argv[0]);
        return 2;
    }
    const char *url = argv[1], *ca_file = argv[2], *app = argv[3], *token = argv[4];
    std::ifstream in(ca_file);
    std::stringstream pem;
    pem << in.rdbuf();

    hathora::Settings from_file = settings(url, app, token);
    from_file.ca_files = {ca_file};
    from_file.builtin_roots = false;
    room_life(from_file, "CA from a file, web roots off");

    hathora::Settings from_memory = settings(url, app, token);
    from_memory.ca_pems = {pem.str()};
    room_life(from_memory, "CA from memory");

    hathora::Client no_ca = hathora::Client::create(settings(url, app, token));
    hathora::Result refused = no_ca.get_connection_info("any-room");
    check(refused.code() == hathora::Code::TransportError && refused.attempts() == 1 &&
              refused.message().find("is signed by a CA this client does not trust") != std::string::npos,
          "without the CA: refused by name, not retried", refused.message());

    hathora::Settings bad = settings(url, app, token);
    bad.ca_pems = {"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"};
    std::string error;
    hathora::Client none = hathora::Client::create(bad, &error);
    check(!none && error.find("PEM block 1 is a PRIVATE KEY, not a CERTIFICATE") != std::string::npos,
          "a private key as CA: refused by Client::create", error);

    std::printf("%s\n", failures == 0 ? "all TLS checks passed" : "TLS checks failed");
    return failures == 0 ? 0 : 1;
}
