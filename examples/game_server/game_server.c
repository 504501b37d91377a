/*
 * game_server: a small dedicated game server for hathora-rooms-server (or any host that starts
 * processes the way Hathora did). It reads its HATHORA_* environment, asks the RoomsV2 API for
 * its process's rooms and their configs, listens on TCP and UDP at HATHORA_DEFAULT_PORT, and
 * answers each request (a room id, or nothing for the initial room) with that room's id and
 * config as one JSON line. The protocol is in README.md.
 *
 * One thread, one poll(2) loop: the sockets, a pipe that delivers the API's answers
 * (room_list.h) and a pipe that delivers SIGTERM and SIGINT, after which it closes everything,
 * frees the API client and exits 0. Exit 2: not started by a host, or its environment is
 * missing or malformed (the message names the variable); 1: it could not listen or start.
 */
#define _POSIX_C_SOURCE 200809L

#include <hathora_rooms.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "answer.h"
#include "listeners.h"
#include "request.h"
#include "room_list.h"
#include "tcp_conn.h"

enum {
    MAX_CONNS = 1000,      /* TCP clients at once; more are closed as they come */
    MAX_UDP_WAITING = 256, /* UDP requests waiting for the room list; more get an error */
    BURST = 64,            /* accepts or datagrams per socket and wake-up, so none starves */
    ACCEPT_PAUSE_MS = 100  /* out of descriptors: try accepting again after this */
};

struct udp_waiting {
    int fd;
    struct sockaddr_storage from;
    socklen_t from_len;
    struct waiting wait;
};

struct server {
    const HathoraServerContext *ctx;
    struct room_list rooms;
    struct listener listeners[LISTENERS_MAX];
    int listener_count;
    struct tcp_conn **conns;
    size_t conn_count;
    struct udp_waiting udp_waiting[MAX_UDP_WAITING];
    size_t udp_waiting_count;
    uint64_t accept_paused_until;
    struct buf datagram; /* a UDP answer being built */
    struct pollfd *fds;  /* [0] signals, [1] room list, then listeners, then conns */
};

static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig) {
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    (void)!write(signal_pipe[1], &b, 1);
    errno = saved;
}

static int install_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = SIG_IGN; /* a client that goes away while we write gets EPIPE, not us killed */
    if (sigaction(SIGPIPE, &sa, NULL)) return -1;
    if (pipe(signal_pipe) || fd_nonblocking(signal_pipe[0]) || fd_nonblocking(signal_pipe[1]))
        return -1;
    sa.sa_handler = on_signal;
    return sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL) ? -1 : 0;
}

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void send_datagram(struct server *s, int fd, const struct sockaddr_storage *to, socklen_t to_len) {
    if (s->datagram.len &&
        sendto(fd, s->datagram.data, s->datagram.len, 0, (const struct sockaddr *)to, to_len) == -1 &&
        errno != EAGAIN && errno != EWOULDBLOCK)
        fprintf(stderr, "game_server: UDP answer not sent: %s\n", strerror(errno));
    s->datagram.len = 0;
}

/* Each datagram is one request. */
static void on_datagrams(struct server *s, int fd) {
    for (int i = 0; i < BURST; i++) {
        char bytes[512];
        struct udp_waiting w = {.fd = fd, .from_len = sizeof w.from};
        ssize_t n = recvfrom(fd, bytes, sizeof bytes, 0, (struct sockaddr *)&w.from, &w.from_len);
        if (n == -1) return; /* EAGAIN: none left; anything else is about an earlier datagram */
        int handled = request_handle(&s->rooms, s->ctx->initial_room_id, bytes, (size_t)n,
                                     &s->datagram, &w.wait);
        if (handled == 0 && s->udp_waiting_count < MAX_UDP_WAITING) {
            s->udp_waiting[s->udp_waiting_count++] = w;
            continue;
        }
        if (handled == 0)
            handled = answer_error(&s->datagram, "busy: too many requests wait for the room list",
                                   w.wait.room_id, s->rooms.process_id) ? -1 : 1;
        if (handled < 0) s->datagram.len = 0; /* out of memory: no answer */
        send_datagram(s, fd, &w.from, w.from_len);
    }
}

static void accept_conns(struct server *s, int fd) {
    for (int i = 0; i < BURST; i++) {
        int c = accept(fd, NULL, NULL);
        if (c == -1) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                fprintf(stderr, "game_server: accept: %s; pausing\n", strerror(errno));
                s->accept_paused_until = now_ms() + ACCEPT_PAUSE_MS;
            }
            return; /* EAGAIN: none left; ECONNABORTED and the like: gone already */
        }
        struct tcp_conn *conn = NULL;
        struct tcp_conn **grown = NULL;
        if (s->conn_count < MAX_CONNS && fd_nonblocking(c) == 0 &&
            (grown = realloc(s->conns, (s->conn_count + 1) * sizeof *s->conns)) != NULL)
            s->conns = grown;
        if (grown && (conn = tcp_conn_new(c)) != NULL) s->conns[s->conn_count++] = conn;
        else close(c);
    }
}

static void close_conn(struct server *s, size_t i) {
    tcp_conn_free(s->conns[i]);
    s->conns[i] = s->conns[--s->conn_count];
}

/* A refresh ended: answer every request it settles. */
static void on_refresh(struct server *s) {
    struct refresh_done done;
    while (room_list_take(&s->rooms, &done)) {
        for (size_t i = 0; i < s->conn_count; i++)
            tcp_conn_on_refresh(s->conns[i], &s->rooms, &done, s->ctx->initial_room_id);
        for (size_t i = 0; i < s->udp_waiting_count;) {
            struct udp_waiting *w = &s->udp_waiting[i];
            int handled = request_settle(&s->rooms, &done, &w->wait, &s->datagram);
            if (handled == 0) {
                i++;
                continue;
            }
            if (handled < 0) s->datagram.len = 0;
            send_datagram(s, w->fd, &w->from, w->from_len);
            *w = s->udp_waiting[--s->udp_waiting_count];
        }
    }
}

static int refresh_wanted(const struct server *s) {
    for (size_t i = 0; i < s->conn_count; i++)
        if (s->conns[i]->waiting && request_needs_refresh(&s->rooms, &s->conns[i]->wait)) return 1;
    for (size_t i = 0; i < s->udp_waiting_count; i++)
        if (request_needs_refresh(&s->rooms, &s->udp_waiting[i].wait)) return 1;
    return 0;
}

/* Starts the refresh that waiting requests need, when it may start; returns how long poll may
 * sleep at most (-1: until something happens). */
static int schedule_refresh(struct server *s, uint64_t now) {
    int timeout = -1;
    if (s->accept_paused_until > now) timeout = (int)(s->accept_paused_until - now);
    if (s->rooms.in_flight || !refresh_wanted(s)) return timeout;
    uint64_t wait = room_list_wait_ms(&s->rooms, now);
    if (wait > 0) return (timeout == -1 || (uint64_t)timeout > wait) ? (int)wait : timeout;
    char err[256];
    if (room_list_refresh(&s->rooms, now, err, sizeof err)) {
        /* Settle the waiting requests as a refresh that failed, so none waits forever. */
        struct refresh_done failed = {.number = s->rooms.started + 1};
        snprintf(failed.message, sizeof failed.message, "%s", err);
        fprintf(stderr, "game_server: refresh not started: %s\n", err);
        for (size_t i = 0; i < s->conn_count; i++)
            tcp_conn_on_refresh(s->conns[i], &s->rooms, &failed, s->ctx->initial_room_id);
        for (size_t i = 0; i < s->udp_waiting_count; i++) {
            struct udp_waiting *w = &s->udp_waiting[i];
            if (request_settle(&s->rooms, &failed, &w->wait, &s->datagram) < 0) s->datagram.len = 0;
            send_datagram(s, w->fd, &w->from, w->from_len);
        }
        s->udp_waiting_count = 0;
    }
    return timeout;
}

static void close_finished(struct server *s) {
    for (size_t i = s->conn_count; i-- > 0;)
        if (tcp_conn_done(s->conns[i])) close_conn(s, i);
}

/* Runs until SIGTERM or SIGINT (0) or a failure of poll itself (1). */
static int run(struct server *s) {
    for (;;) {
        uint64_t now = now_ms();
        int timeout = schedule_refresh(s, now);
        close_finished(s); /* before poll: a finished one may wait for no event at all */
        size_t nfds = 2 + (size_t)s->listener_count + s->conn_count;
        struct pollfd *fds = realloc(s->fds, nfds * sizeof *fds);
        if (!fds) {
            fprintf(stderr, "game_server: out of memory\n");
            return 1;
        }
        s->fds = fds;
        fds[0] = (struct pollfd){.fd = signal_pipe[0], .events = POLLIN};
        fds[1] = (struct pollfd){.fd = room_list_fd(&s->rooms), .events = POLLIN};
        int accepting = s->accept_paused_until <= now;
        for (int i = 0; i < s->listener_count; i++) {
            const struct listener *l = &s->listeners[i];
            fds[2 + i] = (struct pollfd){.fd = (l->udp || accepting) ? l->fd : -1, .events = POLLIN};
        }
        struct pollfd *conn_fds = fds + 2 + s->listener_count;
        for (size_t i = 0; i < s->conn_count; i++)
            conn_fds[i] = (struct pollfd){.fd = s->conns[i]->fd, .events = tcp_conn_events(s->conns[i])};

        if (poll(fds, nfds, timeout) == -1) {
            if (errno == EINTR) continue;
            fprintf(stderr, "game_server: poll: %s\n", strerror(errno));
            return 1;
        }
        if (fds[0].revents) return 0;
        if (fds[1].revents) on_refresh(s);
        /* conn_fds[i] is conns[i] until accept_conns below appends new ones. */
        for (size_t i = 0; i < nfds - 2 - (size_t)s->listener_count; i++)
            if (conn_fds[i].revents)
                tcp_conn_on_ready(s->conns[i], conn_fds[i].revents, &s->rooms, s->ctx->initial_room_id);
        for (int i = 0; i < s->listener_count; i++) {
            if (!fds[2 + i].revents) continue;
            if (s->listeners[i].udp) on_datagrams(s, s->listeners[i].fd);
            else accept_conns(s, s->listeners[i].fd);
        }
    }
}

static void log_start(const HathoraServerContext *ctx, int listeners) {
    fprintf(stderr,
            "game_server: process %s of app %s (region %s, rooms per process %u, build %s, "
            "deployment %s, hostname %s), initial room %s; listening on port %u, TCP and UDP, %s\n",
            ctx->process_id, ctx->app_id, ctx->region_raw ? ctx->region_raw : "-", ctx->rooms_per_process,
            ctx->build_tag ? ctx->build_tag : "-", ctx->deployment_id ? ctx->deployment_id : "-",
            ctx->hostname ? ctx->hostname : "-",
            ctx->initial_room_id ? ctx->initial_room_id : "-", (unsigned)ctx->default_port,
            listeners == LISTENERS_MAX ? "IPv4 and IPv6" : "IPv4");
}

/* The context the host gave this process, and what this server needs of it beyond the library's
 * own checks: where the API is, a port to listen on, and a token: the process token the host
 * gives, else HATHORA_DEV_TOKEN (*dev_token, NULL when unset). NULL with a message naming the
 * variable at fault. */
static HathoraServerContext *read_context(const char **dev_token, char *err, size_t err_len) {
    HathoraServerContext *ctx = NULL;
    if (hathora_server_context(&ctx) != HATHORA_RESULT_CODE_OK) {
        snprintf(err, err_len, "%s", hathora_last_error_message());
        return NULL;
    }
    *dev_token = getenv("HATHORA_DEV_TOKEN");
    if (*dev_token && !**dev_token) *dev_token = NULL;
    const char *missing = !ctx->base_url       ? "HATHORA_BASE_URL is not set"
                          : !ctx->default_port ? "HATHORA_DEFAULT_PORT is not set"
                          : !ctx->process_token && !*dev_token
                              ? "neither HATHORA_PROCESS_TOKEN nor HATHORA_DEV_TOKEN is set"
                              : NULL;
    if (missing) {
        snprintf(err, err_len, "%s (the host that starts this game server sets it)", missing);
        hathora_server_context_free(ctx);
        return NULL;
    }
    return ctx;
}

int main(void) {
    char err[512];
    const char *dev_token = NULL;
    HathoraServerContext *ctx = read_context(&dev_token, err, sizeof err);
    if (!ctx) {
        fprintf(stderr, "game_server: %s\n", err);
        return 2;
    }
    struct server s = {.ctx = ctx};
    if (install_signals()) {
        fprintf(stderr, "game_server: signals: %s\n", strerror(errno));
        hathora_server_context_free(ctx);
        return 1;
    }
    if (room_list_open(&s.rooms, ctx, dev_token, err, sizeof err)) {
        fprintf(stderr, "game_server: %s\n", err);
        hathora_server_context_free(ctx);
        return 1;
    }
    s.listener_count = listeners_open(ctx->default_port, s.listeners, err, sizeof err);
    if (s.listener_count < 0) {
        fprintf(stderr, "game_server: %s\n", err);
        room_list_close(&s.rooms);
        hathora_server_context_free(ctx);
        return 1;
    }
    log_start(ctx, s.listener_count);
    /* Listening first: the host marks the rooms active as soon as the port answers. */
    if (room_list_refresh(&s.rooms, now_ms(), err, sizeof err))
        fprintf(stderr, "game_server: first refresh not started: %s\n", err);

    int rc = run(&s);

    while (s.conn_count) close_conn(&s, s.conn_count - 1);
    free(s.conns);
    free(s.fds);
    listeners_close(s.listeners, s.listener_count);
    room_list_close(&s.rooms);
    hathora_server_context_free(ctx);
    buf_free(&s.datagram);
    close(signal_pipe[0]);
    close(signal_pipe[1]);
    fprintf(stderr, "game_server: stopped\n");
    return rc;
}
