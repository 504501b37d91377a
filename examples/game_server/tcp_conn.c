#define _POSIX_C_SOURCE 200809L

#include "tcp_conn.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct tcp_conn *tcp_conn_new(int fd) {
    struct tcp_conn *c = calloc(1, sizeof *c);
    if (c) c->fd = fd;
    return c;
}

void tcp_conn_free(struct tcp_conn *c) {
    close(c->fd);
    buf_free(&c->out);
    free(c);
}

short tcp_conn_events(const struct tcp_conn *c) {
    short events = 0;
    if (!c->eof && !c->closing && c->in_len < sizeof c->in) events |= POLLIN;
    if (c->out.len) events |= POLLOUT;
    return events;
}

static void receive(struct tcp_conn *c) {
    while (!c->eof && c->in_len < sizeof c->in) {
        ssize_t n = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
        if (n > 0) {
            c->in_len += (size_t)n;
        } else if (n == 0) {
            c->eof = 1; /* also the readiness check's connect-and-close */
        } else if (errno != EINTR) {
            if (errno != EAGAIN && errno != EWOULDBLOCK) c->dead = 1; /* e.g. a reset */
            return;
        }
    }
}

/* One request's answer is in out, or it waits; -1 (memory) kills the connection. */
static void took(struct tcp_conn *c, int handled) {
    if (handled < 0) c->dead = 1;
    else if (handled == 0) c->waiting = 1;
    if (c->out.len > TCP_UNSENT_MAX) c->dead = 1; /* it does not read its answers */
}

/* Answers complete lines in order until one waits; at end of input, a last unterminated one. */
static void serve(struct tcp_conn *c, const struct room_list *rooms, const char *initial) {
    while (!c->waiting && !c->dead && !c->closing && c->in_len > 0) {
        char *nl = memchr(c->in, '\n', c->in_len);
        size_t len = nl ? (size_t)(nl - c->in) + 1 : c->in_len;
        if (!nl && c->in_len == sizeof c->in) {
            took(c, answer_error(&c->out, "line too long: send a room id and a newline", NULL,
                                 rooms->process_id) ? -1 : 1);
            c->closing = 1;
            c->in_len = 0;
            return;
        }
        if (!nl && !c->eof) return; /* the rest of the line is still on its way */
        took(c, request_handle(rooms, initial, c->in, len, &c->out, &c->wait));
        memmove(c->in, c->in + len, c->in_len - len);
        c->in_len -= len;
    }
}

static void flush(struct tcp_conn *c) {
    while (c->out.len && !c->dead) {
        ssize_t n = send(c->fd, c->out.data, c->out.len, 0);
        if (n > 0) buf_consume(&c->out, (size_t)n);
        else if (n == -1 && errno == EINTR) continue;
        else {
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) c->dead = 1;
            return;
        }
    }
    /* Closing with unread input would reset the connection and could destroy the error line
     * on its way: drop what has arrived, so that the close is an orderly one. */
    char sink[4096];
    for (int i = 0; c->closing && !c->dead && i < 16 && recv(c->fd, sink, sizeof sink, 0) > 0; i++) {
    }
}

void tcp_conn_on_ready(struct tcp_conn *c, short revents, const struct room_list *rooms,
                       const char *initial_room_id) {
    if (revents & (POLLERR | POLLNVAL)) {
        c->dead = 1;
        return;
    }
    if (revents & (POLLIN | POLLHUP)) receive(c);
    serve(c, rooms, initial_room_id);
    flush(c);
    /* Hung up (on Linux: reset): what could be answered was sent; a line that waits for the
     * room list can no longer be, and waiting would make poll report the hang-up again and again. */
    if (revents & POLLHUP) c->dead = 1;
}

void tcp_conn_on_refresh(struct tcp_conn *c, const struct room_list *rooms,
                         const struct refresh_done *done, const char *initial_room_id) {
    if (!c->waiting || c->dead) return;
    int handled = request_settle(rooms, done, &c->wait, &c->out);
    if (handled == 0) return;
    c->waiting = 0;
    took(c, handled);
    serve(c, rooms, initial_room_id);
    flush(c);
}

int tcp_conn_done(const struct tcp_conn *c) {
    if (c->dead) return 1;
    return (c->eof || c->closing) && !c->waiting && c->in_len == 0 && c->out.len == 0;
}
