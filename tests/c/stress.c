/*
 * Stress test of the asynchronous C ABI, meant to run under valgrind as well as natively.
 * For each dispatch mode (worker, poll):
 *   1. COUNT mixed requests (successes, 404s, refusals), every 10th cancelled at once and
 *      every 10th cancelled later, when it may be queued, running or done;
 *   2. a client freed while hundreds of requests are queued, running or waiting;
 *   3. a client freed from inside one of its own callbacks.
 * Checks that every accepted request's callback ran exactly once with the expected code and the
 * right request id, that refused requests never called back, and that no callback ran after
 * hathora_client_free returned. Exits 1 on any violation.
 *
 * Usage: stress BASE_URL APP_ID DEV_TOKEN [COUNT]   (COUNT defaults to 10000)
 */
#define _POSIX_C_SOURCE 200809L

#include <hathora_rooms.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum kind { CONN_INFO, ROOM_INFO, LIST_ACTIVE, MISSING_ROOM, WAIT_ACTIVE, REFUSED };

struct run;

struct slot {
    struct run *run;
    enum kind kind;
    uint64_t id;          /* from *out_request_id; 0 when refused */
    int cancel_won;       /* hathora_client_cancel returned OK */
    _Atomic int calls;
    _Atomic uint32_t code;
    _Atomic uint64_t seen_id;
};

struct run {
    const char *name;
    HathoraClient *client;
    struct slot *slots;
    size_t n, accepted;
    _Atomic size_t done;
    _Atomic int free_in_callback; /* phase 3: the first callback frees the client */
};

static const char *g_url, *g_app, *g_token;
static char g_room[HATHORA_ROOM_ID_MAX_LEN + 1], g_process[128];
static char g_extra[2][HATHORA_ROOM_ID_MAX_LEN + 1]; /* rooms made by phase 2, destroyed at the end */
static _Atomic int g_failures;

#define FAIL(...) (fprintf(stderr, "FAIL: " __VA_ARGS__), fputc('\n', stderr), g_failures++)

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads everything the result offers, so valgrind checks the accessors and the views. */
static size_t touch(const HathoraResult *r) {
    size_t sum = hathora_result_body_len(r) + strlen(hathora_result_body(r));
    const char *msg = hathora_result_message(r);
    const HathoraConnectionInfo *ci = NULL;
    const HathoraRoom *room = NULL;
    size_t count = 0;
    if (msg) sum += strlen(msg);
    if (hathora_result_connection_info(r, &ci) == HATHORA_RESULT_CODE_OK) {
        sum += strlen(ci->room_id) + strlen(ci->status_raw);
        if (ci->exposed_port) sum += strlen(ci->exposed_port->host) + ci->exposed_port->port;
    }
    if (hathora_result_room(r, &room) == HATHORA_RESULT_CODE_OK)
        sum += strlen(room->room_id) + room->allocations_count + (room->room_config ? strlen(room->room_config) : 0);
    if (hathora_result_room_count(r, &count) == HATHORA_RESULT_CODE_OK)
        for (size_t i = 0; i < count; i++)
            if (hathora_result_room_at(r, i, &room) == HATHORA_RESULT_CODE_OK) sum += strlen(room->room_id);
    return sum;
}

static void on_done(void *user_data, uint64_t request_id, HathoraResult *result) {
    struct slot *s = user_data;
    struct run *run = s->run;
    if (atomic_fetch_add(&s->calls, 1) != 0) FAIL("%s: request %llu called back twice", run->name, (unsigned long long)request_id);
    if (hathora_result_request_id(result) != request_id) FAIL("%s: result carries the wrong request id", run->name);
    atomic_store(&s->code, hathora_result_code(result));
    atomic_store(&s->seen_id, request_id);
    (void)touch(result);
    hathora_result_free(result);
    int expected = 1;
    if (atomic_compare_exchange_strong(&run->free_in_callback, &expected, 2)) hathora_client_free(run->client);
    atomic_fetch_add_explicit(&run->done, 1, memory_order_release);
}

static HathoraClient *new_client(uint32_t mode) {
    HathoraConfig *cfg = hathora_config_new();
    HathoraClient *c = NULL;
    hathora_config_set_base_url(cfg, g_url);
    hathora_config_set_app_id(cfg, g_app);
    hathora_config_set_dev_token(cfg, g_token);
    hathora_config_set_dispatch_mode(cfg, mode);
    /* A deadline counts from submission, and under valgrind on a loaded machine the last of
     * 10,000 queued requests may wait over 10 s for a worker: this test checks outcomes and
     * exactly-once delivery, not deadlines, so the deadline is far beyond any queueing. */
    hathora_config_set_timeout_ms(cfg, 300000);
    hathora_config_set_connect_timeout_ms(cfg, 2000);
    if (hathora_client_new(cfg, &c) != HATHORA_RESULT_CODE_OK) FAIL("client_new: %s", hathora_last_error_message());
    hathora_config_free(cfg);
    return c;
}

static HathoraResultCode submit(struct run *run, struct slot *s, const char *room) {
    HathoraClient *c = run->client;
    switch (s->kind) {
    case CONN_INFO: return hathora_get_connection_info_async(c, room, NULL, on_done, s, &s->id);
    case ROOM_INFO: return hathora_get_room_info_async(c, room, NULL, on_done, s, &s->id);
    case LIST_ACTIVE: return hathora_get_active_rooms_for_process_async(c, g_process, NULL, on_done, s, &s->id);
    case MISSING_ROOM: return hathora_get_room_info_async(c, "no-such-room", NULL, on_done, s, &s->id);
    case WAIT_ACTIVE: return hathora_wait_until_active_async(c, room, 60000, NULL, on_done, s, &s->id);
    case REFUSED: return hathora_get_room_info_async(c, NULL, NULL, on_done, s, &s->id);
    }
    return HATHORA_RESULT_CODE_INTERNAL_ERROR;
}

static struct run *new_run(const char *name, uint32_t mode, size_t n) {
    struct run *run = calloc(1, sizeof *run);
    run->name = name;
    run->n = n;
    run->slots = calloc(n, sizeof *run->slots);
    run->client = new_client(mode);
    for (size_t i = 0; i < n; i++) run->slots[i].run = run;
    return run;
}

/* Submits slot i; refused slots must say why and must never call back. */
static void submit_slot(struct run *run, size_t i, const char *room, int cancel) {
    struct slot *s = &run->slots[i];
    HathoraResultCode code = submit(run, s, room);
    if (s->kind == REFUSED) {
        if (code != HATHORA_RESULT_CODE_INVALID_ARGUMENT || !hathora_last_error_message())
            FAIL("%s: a NULL room id was not refused (%u)", run->name, code);
        return;
    }
    if (code != HATHORA_RESULT_CODE_OK && atomic_load(&run->free_in_callback) == 2) return; /* freed already */
    if (code != HATHORA_RESULT_CODE_OK || s->id == 0) {
        FAIL("%s: request %zu refused: %s", run->name, i, hathora_last_error_message());
        return;
    }
    run->accepted++;
    if (cancel) s->cancel_won = hathora_client_cancel(run->client, s->id) == HATHORA_RESULT_CODE_OK;
}

/* Every accepted request called back once with its own id; refused ones never. */
static void check_once(struct run *run, size_t *codes) {
    for (size_t i = 0; i < run->n; i++) {
        struct slot *s = &run->slots[i];
        int calls = atomic_load(&s->calls);
        if (s->kind == REFUSED || s->id == 0) {
            if (calls != 0) FAIL("%s: refused request %zu called back", run->name, i);
            continue;
        }
        if (calls != 1) FAIL("%s: request %zu called back %d times", run->name, i, calls);
        if (atomic_load(&s->seen_id) != s->id) FAIL("%s: request %zu: callback id differs", run->name, i);
        uint32_t code = atomic_load(&s->code);
        if (codes && code <= HATHORA_RESULT_CODE_QUEUE_FULL) codes[code]++;
    }
}

static void free_run(struct run *run) {
    free(run->slots);
    free(run);
}

/* Phase 1: COUNT requests of every kind, every 10th cancelled; waits for all callbacks. */
static void phase_volume(const char *name, uint32_t mode, size_t n) {
    struct run *run = new_run(name, mode, n);
    double t0 = now_s();
    for (size_t i = 0; i < n; i++) {
        run->slots[i].kind = (i % 1000 == 999) ? REFUSED : (enum kind)(i % 4);
        submit_slot(run, i, g_room, i % 10 == 5);
        if (mode == HATHORA_DISPATCH_MODE_POLL && i % 64 == 0) hathora_client_poll(run->client, 16); /* a frame */
    }
    /* Late cancels, once part of the work is done: each request may be queued, running or done. */
    sleep_ms(150);
    for (size_t i = 7; i < n; i += 10) {
        struct slot *s = &run->slots[i];
        if (s->id) s->cancel_won = hathora_client_cancel(run->client, s->id) == HATHORA_RESULT_CODE_OK;
    }
    double deadline = now_s() + 600;
    while (atomic_load_explicit(&run->done, memory_order_acquire) < run->accepted && now_s() < deadline) {
        if (hathora_client_poll(run->client, 0) == 0) sleep_ms(2);
    }
    if (hathora_client_pending(run->client) != 0) FAIL("%s: %zu requests still pending", name, hathora_client_pending(run->client));
    hathora_client_free(run->client);

    size_t codes[HATHORA_RESULT_CODE_QUEUE_FULL + 1] = {0};
    check_once(run, codes);
    size_t cancelled = 0, cancel_lost = 0;
    for (size_t i = 0; i < n; i++) {
        struct slot *s = &run->slots[i];
        uint32_t code = atomic_load(&s->code), want;
        if (s->kind == REFUSED) continue;
        want = s->kind == MISSING_ROOM ? HATHORA_RESULT_CODE_API_ERROR : HATHORA_RESULT_CODE_OK;
        if (s->cancel_won) {
            cancelled++;
            if (code != HATHORA_RESULT_CODE_CANCELLED) cancel_lost++; /* see the report below */
            if (code != HATHORA_RESULT_CODE_CANCELLED && code != want) FAIL("%s: cancelled request %zu ended %u", name, i, code);
        } else if (code != want) {
            FAIL("%s: request %zu (kind %d) ended %s", name, i, s->kind, hathora_result_code_to_string(code));
        }
    }
    printf("%s: %zu requests (%zu accepted) in %.1f s: ok %zu, api_error %zu, cancelled %zu (%zu cancel calls won",
           name, n, run->accepted, now_s() - t0, codes[HATHORA_RESULT_CODE_OK], codes[HATHORA_RESULT_CODE_API_ERROR],
           codes[HATHORA_RESULT_CODE_CANCELLED], cancelled);
    printf(cancel_lost ? ", %zu of them still completed normally)\n" : ")\n", cancel_lost);
    free_run(run);
}

/* Phase 2: free the client while requests are queued, running, and waiting between polls. */
static void phase_free_in_flight(const char *name, uint32_t mode, size_t n) {
    struct run *run = new_run(name, mode, n);
    HathoraResult *created = NULL;
    const HathoraConnectionInfo *ci = NULL;
    char *room = g_extra[mode == HATHORA_DISPATCH_MODE_POLL];
    /* A fresh room stays "starting" for a while, so the waits below are still polling. */
    HathoraCreateRoomParams params = hathora_create_room_params_init();
    params.region = HATHORA_REGION_LONDON;
    if (hathora_create_room(run->client, &params, NULL, &created) ==
            HATHORA_RESULT_CODE_OK && hathora_result_connection_info(created, &ci) == HATHORA_RESULT_CODE_OK)
        snprintf(room, sizeof g_extra[0], "%s", ci->room_id);
    else
        FAIL("%s: create_room: %s", name, hathora_result_message(created));
    hathora_result_free(created);

    for (size_t i = 0; i < n; i++) {
        run->slots[i].kind = i % 5 == 0 ? WAIT_ACTIVE : (enum kind)(i % 3);
        submit_slot(run, i, room, 0);
    }
    hathora_client_free(run->client);
    size_t done = atomic_load(&run->done);
    if (done != run->accepted) FAIL("%s: %zu of %zu callbacks ran before client_free returned", name, done, run->accepted);

    size_t codes[HATHORA_RESULT_CODE_QUEUE_FULL + 1] = {0};
    check_once(run, codes);
    sleep_ms(300);
    if (atomic_load(&run->done) != done) FAIL("%s: a callback ran after client_free returned", name);
    if (hathora_client_poll(run->client, 0) != 0 || hathora_client_pending(run->client) != 0)
        FAIL("%s: a freed handle still answers", name);
    printf("%s: freed with %zu requests in flight: ok %zu, shut_down %zu\n", name, run->accepted,
           codes[HATHORA_RESULT_CODE_OK], codes[HATHORA_RESULT_CODE_SHUT_DOWN]);
    free_run(run);
}

/* Phase 3: the first callback frees its own client; later submissions are refused. */
static void phase_free_in_callback(const char *name, uint32_t mode, size_t n) {
    struct run *run = new_run(name, mode, n);
    atomic_store(&run->free_in_callback, 1);
    for (size_t i = 0; i < n; i++) {
        run->slots[i].kind = (enum kind)(i % 3);
        submit_slot(run, i, g_room, 0);
    }
    double deadline = now_s() + 120;
    while (atomic_load_explicit(&run->done, memory_order_acquire) < run->accepted && now_s() < deadline) {
        if (hathora_client_poll(run->client, 1) == 0) sleep_ms(2);
    }
    check_once(run, NULL);
    if (atomic_load(&run->free_in_callback) != 2) FAIL("%s: no callback freed the client", name);
    hathora_client_free(run->client); /* already freed: must be ignored */
    printf("%s: client freed inside a callback, %zu accepted, each called back once\n", name, run->accepted);
    free_run(run);
}

/* One room, active, shared by the phases. */
static int setup_room(void) {
    HathoraClient *c = new_client(HATHORA_DISPATCH_MODE_WORKER);
    HathoraResult *r = NULL;
    const HathoraConnectionInfo *ci = NULL;
    HathoraCreateRoomParams params = hathora_create_room_params_init();
    params.region = HATHORA_REGION_FRANKFURT;
    params.room_config = "{}";
    int ok = hathora_create_room(c, &params, NULL, &r) == HATHORA_RESULT_CODE_OK &&
             hathora_result_connection_info(r, &ci) == HATHORA_RESULT_CODE_OK && ci->process_id;
    if (ok) {
        snprintf(g_room, sizeof g_room, "%s", ci->room_id);
        snprintf(g_process, sizeof g_process, "%s", ci->process_id);
    } else {
        FAIL("setup: create_room: %s", hathora_result_message(r));
    }
    hathora_result_free(r);
    if (ok && hathora_wait_until_active(c, g_room, 30000, NULL, &r) != HATHORA_RESULT_CODE_OK) {
        FAIL("setup: wait_until_active: %s", hathora_result_message(r));
        ok = 0;
    }
    if (ok) hathora_result_free(r);
    hathora_client_free(c);
    return ok;
}

static void teardown_rooms(void) {
    HathoraClient *c = new_client(HATHORA_DISPATCH_MODE_WORKER);
    const char *rooms[] = {g_room, g_extra[0], g_extra[1]};
    for (size_t i = 0; i < 3; i++) {
        HathoraResult *r = NULL;
        if (*rooms[i] && hathora_destroy_room(c, rooms[i], NULL, &r) != HATHORA_RESULT_CODE_OK)
            FAIL("teardown %s: %s", rooms[i], hathora_result_message(r));
        hathora_result_free(r);
    }
    hathora_client_free(c);
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s BASE_URL APP_ID DEV_TOKEN [COUNT]\n", argv[0]);
        return 2;
    }
    g_url = argv[1], g_app = argv[2], g_token = argv[3];
    size_t count = argc > 4 ? strtoul(argv[4], NULL, 10) : 10000;
    size_t in_flight = count < 3000 ? count / 5 + 50 : 600;
    if (!setup_room()) return 1;

    phase_volume("worker/volume", HATHORA_DISPATCH_MODE_WORKER, count);
    phase_volume("poll/volume", HATHORA_DISPATCH_MODE_POLL, count);
    phase_free_in_flight("worker/free-in-flight", HATHORA_DISPATCH_MODE_WORKER, in_flight);
    phase_free_in_flight("poll/free-in-flight", HATHORA_DISPATCH_MODE_POLL, in_flight);
    phase_free_in_callback("worker/free-in-callback", HATHORA_DISPATCH_MODE_WORKER, 100);
    phase_free_in_callback("poll/free-in-callback", HATHORA_DISPATCH_MODE_POLL, 100);

    teardown_rooms();
    printf("stress: %s (%d failure(s))\n", g_failures ? "FAILED" : "ok", atomic_load(&g_failures));
    return g_failures ? 1 : 0;
}
