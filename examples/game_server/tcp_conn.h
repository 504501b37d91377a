/*
 * One TCP client: requests are lines, read as they come (a line may arrive a byte at a time),
 * answered in order; a line that waits for the room list holds back the lines after it. Answers
 * that the socket does not take at once are kept and sent when it is writable.
 */
#ifndef TCP_CONN_H
#define TCP_CONN_H

#include <stddef.h>

#include "answer.h"
#include "request.h"
#include "room_list.h"

enum {
    TCP_LINE_MAX = 256,        /* bytes of a line with its "\n"; a longer one closes the connection */
    TCP_UNSENT_MAX = 256 * 1024 /* answers a client leaves unread before it is dropped */
};

struct tcp_conn {
    int fd;
    char in[TCP_LINE_MAX];
    size_t in_len;
    struct buf out;
    int eof;     /* the client sends nothing more: answer what it sent, then close */
    int closing; /* a protocol error: send what is pending, then close */
    int dead;    /* the socket failed: close now */
    int waiting; /* the first line in `wait` waits for a refresh */
    struct waiting wait;
};

/* Takes ownership of the connected, non-blocking socket fd. NULL when memory ran out. */
struct tcp_conn *tcp_conn_new(int fd);
void tcp_conn_free(struct tcp_conn *c); /* closes the socket */

/* The poll events it waits for. */
short tcp_conn_events(const struct tcp_conn *c);

/* Reads what arrived, answers the lines it can and sends what the socket takes. */
void tcp_conn_on_ready(struct tcp_conn *c, short revents, const struct room_list *rooms,
                       const char *initial_room_id);

/* After a refresh: answers the waiting line if it can, then the lines after it. */
void tcp_conn_on_refresh(struct tcp_conn *c, const struct room_list *rooms,
                         const struct refresh_done *done, const char *initial_room_id);

/* True when it is to be closed (dead, or everything asked was answered and sent). */
int tcp_conn_done(const struct tcp_conn *c);

#endif
