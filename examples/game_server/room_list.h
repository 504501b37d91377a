/*
 * This process's rooms as the RoomsV2 API lists them (the library's "rooms of this process":
 * GetActiveRoomsForProcess with the context's process id and token), kept from the last refresh. A refresh is an asynchronous call: it never blocks the event loop. Its callback
 * runs on one of the library's worker threads and only hands the result over through a pipe,
 * whose read end the event loop polls like a socket, so a completion wakes the loop at once and
 * an idle server wakes up never.
 */
#ifndef ROOM_LIST_H
#define ROOM_LIST_H

#include <hathora_rooms.h>

#include <stddef.h>
#include <stdint.h>

struct room_list {
    HathoraClient *client;
    const char *process_id;
    HathoraResult *rooms; /* the last list that arrived; NULL before the first */
    uint64_t started;     /* refreshes started so far; the one in flight is number `started` */
    int in_flight;
    uint64_t last_start_ms;
    int pipe_fds[2]; /* [1]: the callback writes each result's pointer; [0]: the loop reads it */
};

/* What a refresh brought when it ended. */
struct refresh_done {
    uint64_t number; /* which refresh */
    int ok;          /* the list was replaced; else message says why not */
    char message[256];
};

/* Creates the API client from the server's context (app id, base URL, process, process token)
 * and, when the context has no process token, dev_token. The context must outlive the list.
 * 0, or -1 with a message. */
int room_list_open(struct room_list *list, const HathoraServerContext *ctx, const char *dev_token, char *err,
                   size_t err_len);

/* The descriptor to poll for POLLIN: readable when a refresh ended. */
int room_list_fd(const struct room_list *list);

/* The room of the last list with this id, or NULL. Valid until the next completed refresh. */
const HathoraRoom *room_list_find(const struct room_list *list, const char *room_id);

/* Milliseconds from now_ms until a refresh may start (0: now). Refreshes start at least 100 ms
 * apart and one at a time, so no client can make the server hammer the API. */
uint64_t room_list_wait_ms(const struct room_list *list, uint64_t now_ms);

/* Starts a refresh. 0, or -1 with the library's reason (nothing then is in flight). */
int room_list_refresh(struct room_list *list, uint64_t now_ms, char *err, size_t err_len);

/* Takes the result of the refresh that ended. 1 with *done filled, 0 when none has ended. */
int room_list_take(struct room_list *list, struct refresh_done *done);

/* Frees the client (a refresh in flight ends with SHUT_DOWN), then everything else. */
void room_list_close(struct room_list *list);

#endif
