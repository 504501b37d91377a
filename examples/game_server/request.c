#include "request.h"

#include <stdio.h>
#include <string.h>

/* 1 to HATHORA_ROOM_ID_MAX_LEN characters of [a-zA-Z0-9_-], as the API allows. */
static int valid_room_id(const char *s, size_t len) {
    if (len == 0 || len > HATHORA_ROOM_ID_MAX_LEN) return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

static int answer_found(const struct room_list *rooms, const HathoraRoom *room, struct buf *out) {
    return answer_room(out, room->room_id, room->room_config, rooms->process_id) ? -1 : 1;
}

int request_handle(const struct room_list *rooms, const char *initial_room_id,
                   const char *bytes, size_t len, struct buf *out, struct waiting *wait) {
    if (len > 0 && bytes[len - 1] == '\n') len--;
    if (len > 0 && bytes[len - 1] == '\r') len--;
    const char *pid = rooms->process_id;
    if (len == 0) {
        if (!initial_room_id)
            return answer_error(out, "no initial room: HATHORA_INITIAL_ROOM_ID is not set", NULL, pid) ? -1 : 1;
        bytes = initial_room_id;
        len = strlen(initial_room_id);
    }
    if (!valid_room_id(bytes, len))
        return answer_error(out, "not a room id: 1 to 100 characters of a-z A-Z 0-9 _ -", NULL, pid) ? -1 : 1;

    memcpy(wait->room_id, bytes, len);
    wait->room_id[len] = '\0';
    const HathoraRoom *room = room_list_find(rooms, wait->room_id);
    if (room) return answer_found(rooms, room, out);
    wait->after = rooms->started;
    return 0;
}

int request_settle(const struct room_list *rooms, const struct refresh_done *done,
                   const struct waiting *wait, struct buf *out) {
    const HathoraRoom *room = room_list_find(rooms, wait->room_id);
    if (room) return answer_found(rooms, room, out);
    if (done->number <= wait->after) return 0;
    char message[sizeof done->message + 64];
    if (done->ok)
        snprintf(message, sizeof message, "room %s is not in this process", wait->room_id);
    else
        snprintf(message, sizeof message, "could not list this process's rooms: %s", done->message);
    return answer_error(out, message, wait->room_id, rooms->process_id) ? -1 : 1;
}

int request_needs_refresh(const struct room_list *rooms, const struct waiting *wait) {
    return wait->after >= rooms->started;
}
