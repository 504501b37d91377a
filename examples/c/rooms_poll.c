/*
 * A game-loop client of the RoomsV2 API: create a room, wait until it is active, read its info,
 * update its config, list its process's rooms, destroy it.
 *
 * Uses the asynchronous functions with HATHORA_DISPATCH_MODE_POLL, as an engine would: one
 * hathora_client_poll per frame, and a state machine that advances inside the callbacks, which
 * therefore run on this (the "game") thread only.
 *
 * Usage: rooms_poll [BASE_URL [APP_ID [DEV_TOKEN]]]
 * or the environment variables HATHORA_BASE_URL, HATHORA_APP_ID, HATHORA_DEV_TOKEN.
 * Exits 0 when every step succeeded, 1 otherwise.
 */
#define _POSIX_C_SOURCE 200809L

#include <hathora_rooms.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum step { CREATE, WAIT_ACTIVE, INFO, UPDATE, LIST, DESTROY, DONE, FAILED };

static const char *const STEP_NAMES[] = {
    "CreateRoom", "WaitUntilActive", "GetRoomInfo", "UpdateRoomConfig",
    "GetActiveRoomsForProcess", "DestroyRoom", "done", "failed",
};

struct game {
    HathoraClient *client;
    enum step step;
    int in_flight; /* a request of the current step is running */
    char room_id[HATHORA_ROOM_ID_MAX_LEN + 1];
    char process_id[128];
};

static const char *arg_or_env(int argc, char **argv, int i, const char *env, const char *fallback) {
    if (argc > i) return argv[i];
    const char *v = getenv(env);
    return (v && *v) ? v : fallback;
}

static void copy_str(char *dst, size_t cap, const char *src) {
    snprintf(dst, cap, "%s", src ? src : "");
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Prints the outcome of a failed step; returns 1 when the result is a success. */
static int check(const char *what, HathoraResult *r) {
    HathoraResultCode code = hathora_result_code(r);
    if (code == HATHORA_RESULT_CODE_OK) return 1;
    const char *msg = hathora_result_message(r);
    fprintf(stderr, "%s failed: %s (HTTP %u): %s\n", what, hathora_result_code_to_string(code),
            (unsigned)hathora_result_http_status(r), msg ? msg : "");
    return 0;
}

static void print_room(const HathoraRoom *room) {
    printf("  room %s: status %s, config %s, %zu allocation(s)\n", room->room_id, room->status_raw,
           room->room_config ? room->room_config : "(none)", room->allocations_count);
    if (room->current_allocation)
        printf("  current allocation %s on %s since %s\n", room->current_allocation->room_allocation_id,
               room->current_allocation->process_id, room->current_allocation->scheduled_at);
}

/* Reads what the finished step returned; returns 0 when it is not what the step needs. */
static int take_result(struct game *g, HathoraResult *r) {
    const HathoraConnectionInfo *info = NULL;
    const HathoraRoom *room = NULL;
    size_t count = 0;
    switch (g->step) {
    case CREATE:
        if (hathora_result_connection_info(r, &info) != HATHORA_RESULT_CODE_OK) return 0;
        copy_str(g->room_id, sizeof g->room_id, info->room_id);
        copy_str(g->process_id, sizeof g->process_id, info->process_id);
        printf("  room %s on process %s, status %s\n", g->room_id, g->process_id, info->status_raw);
        return info->process_id != NULL;
    case WAIT_ACTIVE:
        if (hathora_result_connection_info(r, &info) != HATHORA_RESULT_CODE_OK || !info->exposed_port) return 0;
        printf("  active after %u poll(s): connect to %s:%u (%s)\n", hathora_result_attempts(r),
               info->exposed_port->host, info->exposed_port->port, info->exposed_port->transport_type_raw);
        return info->status == HATHORA_ROOM_READY_STATUS_ACTIVE;
    case INFO:
        if (hathora_result_room(r, &room) != HATHORA_RESULT_CODE_OK) return 0;
        print_room(room);
        return strcmp(room->room_id, g->room_id) == 0;
    case LIST: {
        if (hathora_result_room_count(r, &count) != HATHORA_RESULT_CODE_OK) return 0;
        printf("  %zu active room(s) on process %s\n", count, g->process_id);
        int found = 0;
        for (size_t i = 0; i < count; i++) {
            if (hathora_result_room_at(r, i, &room) != HATHORA_RESULT_CODE_OK) return 0;
            printf("  - %s %s config %s\n", room->room_id, room->status_raw, room->room_config ? room->room_config : "(none)");
            found |= strcmp(room->room_id, g->room_id) == 0 && room->room_config &&
                     strcmp(room->room_config, "{\"mode\":\"ffa\"}") == 0;
        }
        return found;
    }
    default:
        return 1; /* UPDATE and DESTROY carry no data */
    }
}

/* Runs inside hathora_client_poll, on the game thread: advance the state machine. */
static void on_done(void *user_data, uint64_t request_id, HathoraResult *result) {
    struct game *g = user_data;
    const char *name = STEP_NAMES[g->step];
    g->in_flight = 0;
    if (!check(name, result)) {
        g->step = FAILED;
    } else if (!take_result(g, result)) {
        fprintf(stderr, "%s (request %llu) did not return the expected data\n", name, (unsigned long long)request_id);
        g->step = FAILED;
    } else {
        printf("%s: ok (HTTP %u)\n", name, (unsigned)hathora_result_http_status(result));
        g->step++;
    }
    hathora_result_free(result);
}

/* Starts the request of the current step; the callback will move on. */
static void start_step(struct game *g) {
    HathoraResultCode code = HATHORA_RESULT_CODE_OK;
    uint64_t id = 0;
    printf("%s...\n", STEP_NAMES[g->step]);
    switch (g->step) {
    case CREATE: {
        HathoraCreateRoomParams params = hathora_create_room_params_init();
        params.region = HATHORA_REGION_FRANKFURT;
        params.room_config = "{\"mode\":\"duel\"}";
        code = hathora_create_room_async(g->client, &params, NULL, on_done, g, &id);
        break;
    }
    case WAIT_ACTIVE:
        code = hathora_wait_until_active_async(g->client, g->room_id, 30000, NULL, on_done, g, &id);
        break;
    case INFO:
        code = hathora_get_room_info_async(g->client, g->room_id, NULL, on_done, g, &id);
        break;
    case UPDATE:
        code = hathora_update_room_config_async(g->client, g->room_id, "{\"mode\":\"ffa\"}", NULL, on_done, g, &id);
        break;
    case LIST:
        code = hathora_get_active_rooms_for_process_async(g->client, g->process_id, NULL, on_done, g, &id);
        break;
    case DESTROY:
        code = hathora_destroy_room_async(g->client, g->room_id, NULL, on_done, g, &id);
        break;
    default:
        return;
    }
    if (code != HATHORA_RESULT_CODE_OK) {
        fprintf(stderr, "%s refused: %s: %s\n", STEP_NAMES[g->step], hathora_result_code_to_string(code),
                hathora_last_error_message());
        g->step = FAILED;
        return;
    }
    g->in_flight = 1;
}

static HathoraClient *make_client(const char *url, const char *app_id, const char *token) {
    HathoraConfig *cfg = hathora_config_new();
    HathoraClient *client = NULL;
    if (!cfg) return NULL;
    if (hathora_config_set_base_url(cfg, url) == HATHORA_RESULT_CODE_OK &&
        hathora_config_set_app_id(cfg, app_id) == HATHORA_RESULT_CODE_OK &&
        hathora_config_set_dev_token(cfg, token) == HATHORA_RESULT_CODE_OK &&
        hathora_config_set_dispatch_mode(cfg, HATHORA_DISPATCH_MODE_POLL) == HATHORA_RESULT_CODE_OK &&
        hathora_config_set_max_workers(cfg, 2) == HATHORA_RESULT_CODE_OK)
        hathora_client_new(cfg, &client);
    if (!client) fprintf(stderr, "client not created: %s\n", hathora_last_error_message());
    hathora_config_free(cfg);
    return client;
}

int main(int argc, char **argv) {
    const char *url = arg_or_env(argc, argv, 1, "HATHORA_BASE_URL", "http://127.0.0.1:8080");
    const char *app_id = arg_or_env(argc, argv, 2, "HATHORA_APP_ID", "app-emulator");
    const char *token = arg_or_env(argc, argv, 3, "HATHORA_DEV_TOKEN", "emulator-dev-token");
    printf("hathora_rooms %s against %s (app %s)\n", hathora_version(), url, app_id);

    struct game g = {.step = CREATE};
    g.client = make_client(url, app_id, token);
    if (!g.client) return 1;

    /* The game loop: ~60 frames a second, bounded to one minute. */
    for (int frame = 0; frame < 60 * 60 && g.step != DONE && g.step != FAILED; frame++) {
        if (!g.in_flight) start_step(&g);
        hathora_client_poll(g.client, 0);
        sleep_ms(16);
    }
    if (g.step != DONE && g.step != FAILED) fprintf(stderr, "%s did not finish in time\n", STEP_NAMES[g.step]);

    /* Runs any callback still pending (with SHUT_DOWN) before it returns. */
    hathora_client_free(g.client);
    printf("%s\n", g.step == DONE ? "all steps succeeded" : "FAILED");
    return g.step == DONE ? 0 : 1;
}
