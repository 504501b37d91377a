/*
 * One request of the protocol, the same over TCP (a line) and UDP (a datagram): a room id, or
 * nothing for this process's initial room. Its answer is a line (answer.h), now or, for a room
 * the last room list does not hold, after the next refresh of the list.
 */
#ifndef REQUEST_H
#define REQUEST_H

#include <hathora_rooms.h>

#include <stddef.h>
#include <stdint.h>

#include "answer.h"
#include "room_list.h"

/* A request that waits for the room list. */
struct waiting {
    uint64_t after; /* answered by the first refresh numbered above this */
    char room_id[HATHORA_ROOM_ID_MAX_LEN + 1];
};

/*
 * Answers the request in bytes[0..len) (a trailing "\n" or "\r\n" is ignored) into out and
 * returns 1, or returns 0 and fills *wait when the room is not in the last list: the caller
 * keeps *wait until request_settle answers it. -1 when memory ran out.
 */
int request_handle(const struct room_list *rooms, const char *initial_room_id,
                   const char *bytes, size_t len, struct buf *out, struct waiting *wait);

/*
 * After refresh `done` ended: answers a waiting request into out and returns 1 (its room is in
 * the new list, or the refresh started after it arrived and tells that the room is not in this
 * process or why the list could not be had), or returns 0 when it needs a later refresh.
 * -1 when memory ran out.
 */
int request_settle(const struct room_list *rooms, const struct refresh_done *done,
                   const struct waiting *wait, struct buf *out);

/* True when the request needs a refresh that has not started yet. */
int request_needs_refresh(const struct room_list *rooms, const struct waiting *wait);

#endif
