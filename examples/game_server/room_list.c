#define _POSIX_C_SOURCE 200809L

#include "room_list.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "listeners.h" /* fd_nonblocking */

enum {
    REFRESH_SPACING_MS = 100, /* between the starts of two refreshes */
    REFRESH_TIMEOUT_MS = 5000 /* one refresh, retries included */
};

/* On a worker thread: hand the result to the loop. write(2) of a pointer is atomic on a pipe. */
static void on_refreshed(void *user_data, uint64_t request_id, HathoraResult *result) {
    const int *write_fd = user_data;
    (void)request_id;
    if (write(*write_fd, &result, sizeof result) != (ssize_t)sizeof result) {
        /* Cannot happen with one refresh in flight and a pipe that holds thousands. */
        fprintf(stderr, "game_server: lost a room list: %s\n", strerror(errno));
        hathora_result_free(result);
    }
}

int room_list_open(struct room_list *list, const HathoraServerContext *ctx, const char *dev_token, char *err,
                   size_t err_len) {
    *list = (struct room_list){.process_id = ctx->process_id, .pipe_fds = {-1, -1}};
    if (pipe(list->pipe_fds) || fd_nonblocking(list->pipe_fds[0]) ||
        fd_nonblocking(list->pipe_fds[1])) {
        snprintf(err, err_len, "pipe: %s", strerror(errno));
        room_list_close(list);
        return -1;
    }
    HathoraConfig *cfg = hathora_config_new();
    /* The context gives the app id, base URL, process and process token; a dev token is sent
     * only when the host gave no process token. Worker mode: the callback runs at once on a
     * worker thread and only writes to the pipe. */
    if (!cfg || hathora_config_apply_server_context(cfg, ctx) ||
        (!ctx->process_token && hathora_config_set_dev_token(cfg, dev_token)) ||
        hathora_config_set_timeout_ms(cfg, REFRESH_TIMEOUT_MS) ||
        hathora_client_new(cfg, &list->client)) {
        snprintf(err, err_len, "RoomsV2 client for %s: %s", ctx->base_url, hathora_last_error_message());
        hathora_config_free(cfg);
        room_list_close(list);
        return -1;
    }
    hathora_config_free(cfg);
    return 0;
}

int room_list_fd(const struct room_list *list) { return list->pipe_fds[0]; }

const HathoraRoom *room_list_find(const struct room_list *list, const char *room_id) {
    size_t count = 0;
    if (!list->rooms || hathora_result_room_count(list->rooms, &count)) return NULL;
    for (size_t i = 0; i < count; i++) {
        const HathoraRoom *room;
        if (!hathora_result_room_at(list->rooms, i, &room) && strcmp(room->room_id, room_id) == 0)
            return room;
    }
    return NULL;
}

uint64_t room_list_wait_ms(const struct room_list *list, uint64_t now_ms) {
    uint64_t next = list->last_start_ms + REFRESH_SPACING_MS;
    return (list->started == 0 || now_ms >= next) ? 0 : next - now_ms;
}

int room_list_refresh(struct room_list *list, uint64_t now_ms, char *err, size_t err_len) {
    if (list->in_flight) {
        snprintf(err, err_len, "a refresh is in flight");
        return -1;
    }
    if (hathora_get_rooms_of_this_process_async(list->client, NULL, on_refreshed, &list->pipe_fds[1], NULL)) {
        snprintf(err, err_len, "%s", hathora_last_error_message());
        return -1;
    }
    list->started++;
    list->in_flight = 1;
    list->last_start_ms = now_ms;
    return 0;
}

int room_list_take(struct room_list *list, struct refresh_done *done) {
    HathoraResult *result;
    if (read(list->pipe_fds[0], &result, sizeof result) != (ssize_t)sizeof result) return 0;
    *done = (struct refresh_done){.number = list->started};
    list->in_flight = 0;
    size_t count = 0;
    if (hathora_result_room_count(result, &count) == HATHORA_RESULT_CODE_OK) {
        hathora_result_free(list->rooms);
        list->rooms = result;
        done->ok = 1;
        fprintf(stderr, "game_server: refresh %llu: %zu room(s) in this process\n",
                (unsigned long long)done->number, count);
        return 1;
    }
    const char *why = hathora_result_message(result);
    snprintf(done->message, sizeof done->message, "%s (HTTP %u): %s",
             hathora_result_code_to_string(hathora_result_code(result)),
             hathora_result_http_status(result), why ? why : "no message");
    fprintf(stderr, "game_server: refresh %llu failed: %s\n", (unsigned long long)done->number,
            done->message);
    hathora_result_free(result);
    return 1;
}

void room_list_close(struct room_list *list) {
    hathora_client_free(list->client); /* runs the callback of a refresh in flight */
    list->client = NULL;
    HathoraResult *result;
    while (list->pipe_fds[0] != -1 &&
           read(list->pipe_fds[0], &result, sizeof result) == (ssize_t)sizeof result)
        hathora_result_free(result);
    hathora_result_free(list->rooms);
    list->rooms = NULL;
    for (int i = 0; i < 2; i++) {
        if (list->pipe_fds[i] != -1) close(list->pipe_fds[i]);
        list->pipe_fds[i] = -1;
    }
}
