/*
 * The answer lines of the game server's protocol: one JSON object and a newline each.
 *   {"roomId":"ID","roomConfig":"CONFIG" or null,"processId":"PID"}
 *   {"error":"MESSAGE","roomId":"ID" or null,"processId":"PID"}
 * Strings are JSON-escaped ("\"", "\\" and every control character); other UTF-8 passes as is.
 */
#ifndef ANSWER_H
#define ANSWER_H

#include <stddef.h>

/* A growable byte buffer. Zero-initialise it; free its data with buf_free. */
struct buf {
    char *data;
    size_t len, cap;
};

/* Each returns 0, or -1 when memory ran out (the buffer then holds a cut-off line: reset it). */
int buf_append(struct buf *b, const char *bytes, size_t n);
int answer_room(struct buf *b, const char *room_id, const char *room_config, const char *process_id);
int answer_error(struct buf *b, const char *message, const char *room_id, const char *process_id);

void buf_consume(struct buf *b, size_t n); /* drops the first n bytes */
void buf_free(struct buf *b);

#endif
