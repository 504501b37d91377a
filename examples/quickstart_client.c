/*
 * quickstart_client: both sides of a match in one program, the main example's (examples/quickstart.sh).
 * As a matchmaker it creates a room and waits until its game server listens; as a player it
 * asks that game server, over TCP and then UDP, which room it is in; then it destroys the room
 * and waits until the rooms server has stopped the idle game server.
 *
 * Reads HATHORA_BASE_URL, HATHORA_APP_ID and HATHORA_DEV_TOKEN (all three required).
 * Prints each step; exits 0 when every step did what it should, 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L

#include <hathora_rooms.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* The room's config, and how the game server's JSON answer spells it. */
static const char ROOM_CONFIG[] = "{\"mode\":\"duel\",\"map\":\"Zürich\"}";
static const char ROOM_CONFIG_IN_ANSWER[] =
    "\"roomConfig\":\"{\\\"mode\\\":\\\"duel\\\",\\\"map\\\":\\\"Zürich\\\"}\"";

static double seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_timeouts(int fd, int ms) {
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv); /* bounds connect too */
}

/* Calls use(fd) with a socket of `type` connected to each address of host:port in turn, until
 * one returns 0. 0, or -1 when none did. */
static int each_address(const char *host, unsigned port, int type, int (*use)(int fd, void *ctx), void *ctx) {
    char service[8];
    struct addrinfo hints = {.ai_socktype = type}, *addrs, *a;
    snprintf(service, sizeof service, "%u", port);
    if (getaddrinfo(host, service, &hints, &addrs)) return -1;
    int rc = -1;
    for (a = addrs; a && rc != 0; a = a->ai_next) {
        int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
        if (fd == -1) continue;
        set_timeouts(fd, 2000);
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) rc = use(fd, ctx);
        close(fd);
    }
    freeaddrinfo(addrs);
    return rc;
}

static int connected(int fd, void *ctx) {
    (void)fd, (void)ctx;
    return 0;
}

struct exchange {
    int udp;
    const char *request;
    char *answer;
    size_t cap;
};

/* Sends the request and reads one answer line; UDP may drop a datagram (not on loopback), so
 * over UDP it asks up to three times. */
static int exchange(int fd, void *ctx) {
    struct exchange *x = ctx;
    size_t len = strlen(x->request), got = 0;
    for (int attempt = 0; attempt < (x->udp ? 3 : 1) && got == 0; attempt++) {
        if (send(fd, x->request, len, 0) != (ssize_t)len) break;
        while (got + 1 < x->cap && (got == 0 || x->answer[got - 1] != '\n')) {
            ssize_t n = recv(fd, x->answer + got, x->cap - 1 - got, 0);
            if (n <= 0) break;
            got += (size_t)n;
        }
    }
    x->answer[got] = '\0';
    return got > 0 && x->answer[got - 1] == '\n' ? 0 : -1;
}

/* Sends the room id as one request and reads one answer line into answer. 0, or -1. */
static int ask(const char *host, unsigned port, int type, const char *room_id, char *answer, size_t cap) {
    char request[HATHORA_ROOM_ID_MAX_LEN + 2];
    snprintf(request, sizeof request, "%s\n", room_id);
    struct exchange x = {type == SOCK_DGRAM, request, answer, cap};
    return each_address(host, port, type, exchange, &x);
}

/* Prints the step's outcome; returns 1 when the result is OK. */
static int reported(const char *step, HathoraResult *r) {
    HathoraResultCode code = hathora_result_code(r);
    if (code == HATHORA_RESULT_CODE_OK) return 1;
    const char *why = hathora_result_message(r);
    printf("%s: %s (HTTP %u): %s\n", step, hathora_result_code_to_string(code),
           hathora_result_http_status(r), why ? why : "");
    return 0;
}

static int play(HathoraClient *client) {
    HathoraCreateRoomParams params = hathora_create_room_params_init();
    params.region = HATHORA_REGION_FRANKFURT;
    params.room_config = ROOM_CONFIG;
    HathoraResult *created = NULL, *active = NULL, *destroyed = NULL;
    const HathoraConnectionInfo *room, *info;
    int ok = 0;

    hathora_create_room(client, &params, NULL, &created);
    if (!reported("CreateRoom", created)) goto out;
    hathora_result_connection_info(created, &room);
    printf("1. CreateRoom: room %s with config %s, on process %s, %s\n", room->room_id, ROOM_CONFIG,
           room->process_id, room->status_raw);

    double t0 = seconds();
    hathora_wait_until_active(client, room->room_id, 60000, NULL, &active);
    if (!reported("WaitUntilActive", active) ||
        hathora_result_connection_info(active, &info) || !info->exposed_port)
        goto out;
    const char *host = info->exposed_port->host;
    unsigned port = info->exposed_port->port;
    printf("2. active after %.1f s (%u polls): the game server listens at %s:%u (%s)\n",
           seconds() - t0, hathora_result_attempts(active), host, port,
           info->exposed_port->transport_type_raw);

    char want_room[160], want_process[200], answer[4096];
    snprintf(want_room, sizeof want_room, "\"roomId\":\"%s\"", room->room_id);
    snprintf(want_process, sizeof want_process, "\"processId\":\"%s\"", room->process_id);
    static const struct { int type; const char *name; } transports[] = {{SOCK_STREAM, "TCP"}, {SOCK_DGRAM, "UDP"}};
    for (int i = 0; i < 2; i++) {
        if (ask(host, port, transports[i].type, room->room_id, answer, sizeof answer)) {
            printf("%d. %s %s:%u: no answer\n", 3 + i, transports[i].name, host, port);
            goto out;
        }
        printf("%d. %s %s:%u answers: %s", 3 + i, transports[i].name, host, port, answer);
        if (!strstr(answer, want_room) || !strstr(answer, want_process) ||
            !strstr(answer, ROOM_CONFIG_IN_ANSWER)) {
            printf("   that is not room %s's id, config and process\n", room->room_id);
            goto out;
        }
    }

    hathora_destroy_room(client, room->room_id, NULL, &destroyed);
    if (!reported("DestroyRoom", destroyed)) goto out;
    printf("5. DestroyRoom: room %s destroyed\n", room->room_id);

    /* Its process holds no room now: the rooms server stops it after its idle timeout. */
    t0 = seconds();
    int listening;
    while ((listening = each_address(host, port, SOCK_STREAM, connected, NULL) == 0) && seconds() - t0 < 60)
        nanosleep(&(struct timespec){0, 100 * 1000000L}, NULL);
    if (listening) {
        printf("6. the game server still listens at %s:%u after 60 s\n", host, port);
        goto out;
    }
    printf("6. the game server is gone: %s:%u refuses connections after %.1f s\n", host, port, seconds() - t0);
    ok = 1;
out:
    hathora_result_free(destroyed);
    hathora_result_free(active);
    hathora_result_free(created);
    return ok;
}

int main(void) {
    const char *names[] = {"HATHORA_BASE_URL", "HATHORA_APP_ID", "HATHORA_DEV_TOKEN"};
    const char *values[3];
    for (int i = 0; i < 3; i++) {
        values[i] = getenv(names[i]);
        if (!values[i] || !*values[i]) {
            fprintf(stderr, "quickstart_client: set %s\n", names[i]);
            return 1;
        }
    }
    HathoraConfig *cfg = hathora_config_new();
    hathora_config_set_base_url(cfg, values[0]);
    hathora_config_set_app_id(cfg, values[1]);
    hathora_config_set_dev_token(cfg, values[2]);
    HathoraClient *client;
    HathoraResultCode code = hathora_client_new(cfg, &client);
    hathora_config_free(cfg);
    if (code != HATHORA_RESULT_CODE_OK) {
        fprintf(stderr, "quickstart_client: %s\n", hathora_last_error_message());
        return 1;
    }
    int ok = play(client);
    hathora_client_free(client);
    return ok ? 0 : 1;
}
