#include "answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int buf_append(struct buf *b, const char *bytes, size_t n) {
    if (n == 0) return 0;
    if (n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n) {
            if (cap > (size_t)-1 / 2) return -1;
            cap *= 2;
        }
        char *data = realloc(b->data, cap);
        if (!data) return -1;
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    return 0;
}

static int append_str(struct buf *b, const char *s) { return buf_append(b, s, strlen(s)); }

/* A JSON string literal of s, or null for NULL. Runs of plain bytes are copied at once. */
static int append_json(struct buf *b, const char *s) {
    if (!s) return append_str(b, "null");
    if (append_str(b, "\"")) return -1;
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        char esc[8];
        switch (c) {
        case '"': strcpy(esc, "\\\""); break;
        case '\\': strcpy(esc, "\\\\"); break;
        case '\n': strcpy(esc, "\\n"); break;
        case '\r': strcpy(esc, "\\r"); break;
        case '\t': strcpy(esc, "\\t"); break;
        default: snprintf(esc, sizeof esc, "\\u%04x", c); break;
        }
        if (buf_append(b, run, (size_t)(s - run)) || append_str(b, esc)) return -1;
        run = s + 1;
    }
    if (buf_append(b, run, (size_t)(s - run))) return -1;
    return append_str(b, "\"");
}

int answer_room(struct buf *b, const char *room_id, const char *room_config, const char *process_id) {
    return append_str(b, "{\"roomId\":") || append_json(b, room_id) ||
           append_str(b, ",\"roomConfig\":") || append_json(b, room_config) ||
           append_str(b, ",\"processId\":") || append_json(b, process_id) || append_str(b, "}\n");
}

int answer_error(struct buf *b, const char *message, const char *room_id, const char *process_id) {
    return append_str(b, "{\"error\":") || append_json(b, message) ||
           append_str(b, ",\"roomId\":") || append_json(b, room_id) ||
           append_str(b, ",\"processId\":") || append_json(b, process_id) || append_str(b, "}\n");
}

void buf_consume(struct buf *b, size_t n) {
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

void buf_free(struct buf *b) {
    free(b->data);
    *b = (struct buf){0};
}
