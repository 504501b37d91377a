/* The test game server of the Docker fleet's tests: a static binary, alone in a FROM scratch
 * image. It does what its environment (set per app by the tests) asks:
 *
 *   GAME_DELAY_MS      wait this long before listening
 *   GAME_LISTEN        tcp (default), udp, both, none: on HATHORA_DEFAULT_PORT
 *   GAME_EXTRA_UDP     name of a variable holding a port to bind over UDP as well
 *   GAME_EXIT_AFTER_MS exit (with GAME_EXIT_CODE, default 0) this long after listening
 *   GAME_IGNORE_TERM   1: no SIGTERM handler (as PID 1 of its container, SIGTERM is then ignored)
 *   GAME_OOM           1: once listening, allocate and touch memory until killed
 *   GAME_PRINT         print this line on stdout, and "stderr: " and it on stderr
 *   GAME_CHATTY        print this many bytes of numbered lines, alternately on stdout and stderr
 *   GAME_CALL_API      1: once listening, GET ${HATHORA_BASE_URL}game-server/${HATHORA_PROCESS_ID}
 *                      and print the status line it gets ("api: HTTP/1.1 200 OK")
 *
 * Every TCP connection and UDP datagram is answered with one line,
 * "process=<HATHORA_PROCESS_ID> room=<HATHORA_INITIAL_ROOM_ID> config=<HATHORA_INITIAL_ROOM_CONFIG>",
 * or, when the message starts with "env", with the whole environment (one variable a line).
 * No name look-up (static glibc cannot do one in an empty image): host names come from /etc/hosts.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *env_or(const char *name, const char *fallback) {
    const char *v = getenv(name);
    return v ? v : fallback;
}

static long env_num(const char *name, long fallback) {
    const char *v = getenv(name);
    return v && *v ? strtol(v, NULL, 10) : fallback;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {}
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void on_term(int sig) {
    (void)sig;
    static const char msg[] = "game server: SIGTERM, exiting\n";
    ssize_t ignored = write(1, msg, sizeof msg - 1);
    (void)ignored;
    _exit(0);
}

static int bind_port(int type, int port) {
    int fd = socket(AF_INET, type, 0);
    if (fd < 0) { perror("socket"); exit(70); }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("bind"); exit(71); }
    if (type == SOCK_STREAM && listen(fd, 64) != 0) { perror("listen"); exit(72); }
    return fd;
}

/* The answer to one message, in buf; its length. */
static size_t answer(const char *msg, size_t len, char *buf, size_t cap) {
    size_t n = 0;
    if (len >= 3 && memcmp(msg, "env", 3) == 0) {
        for (char **e = environ; *e; e++) {
            int w = snprintf(buf + n, cap - n, "%s\n", *e);
            if (w < 0 || (size_t)w >= cap - n) break;
            n += (size_t)w;
        }
        return n;
    }
    int w = snprintf(buf, cap, "process=%s room=%s config=%s\n", env_or("HATHORA_PROCESS_ID", ""),
                     env_or("HATHORA_INITIAL_ROOM_ID", ""), env_or("HATHORA_INITIAL_ROOM_CONFIG", ""));
    return w < 0 ? 0 : (size_t)w < cap ? (size_t)w : cap - 1;
}

/* IPv4 address of a host name from /etc/hosts, or the name itself when it is an address. */
static int resolve(const char *host, struct in_addr *out) {
    if (inet_pton(AF_INET, host, out) == 1) return 0;
    FILE *f = fopen("/etc/hosts", "r");
    if (!f) return -1;
    char line[512];
    int found = -1;
    while (found != 0 && fgets(line, sizeof line, f)) {
        char *save = NULL, *addr = strtok_r(line, " \t\n", &save);
        if (!addr || addr[0] == '#' || inet_pton(AF_INET, addr, out) != 1) continue;
        for (char *name; (name = strtok_r(NULL, " \t\n", &save));)
            if (strcmp(name, host) == 0) { found = 0; break; }
    }
    fclose(f);
    return found;
}

static void call_api(void) {
    const char *base = env_or("HATHORA_BASE_URL", "");
    char host[256] = "", path[512];
    int port = 80;
    if (sscanf(base, "http://%255[^:/]:%d", host, &port) < 1) {
        printf("api: cannot parse %s\n", base);
        return;
    }
    const char *rest = strchr(base + 7, '/');
    snprintf(path, sizeof path, "%sgame-server/%s", rest ? rest : "/", env_or("HATHORA_PROCESS_ID", ""));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (resolve(host, &a.sin_addr) != 0) {
        printf("api: cannot resolve %s\n", host);
        return;
    }
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        printf("api: cannot connect to %s:%d: %s\n", host, port, strerror(errno));
        close(fd);
        return;
    }
    char req[1024];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n",
                     path, host, port);
    if (write(fd, req, (size_t)n) != n) { printf("api: write failed\n"); close(fd); return; }
    char resp[512];
    ssize_t got = read(fd, resp, sizeof resp - 1);
    close(fd);
    if (got <= 0) { printf("api: no answer\n"); return; }
    resp[got] = 0;
    resp[strcspn(resp, "\r\n")] = 0;
    printf("api: %s\n", resp);
}

static void chatty(long bytes) {
    char line[128];
    for (long i = 0, written = 0; written < bytes; i++) {
        int n = snprintf(line, sizeof line, "%08ld %s the quick brown fox jumps over the lazy dog\n",
                         i, i % 2 ? "err" : "out");
        fputs(line, i % 2 ? stderr : stdout);
        written += n;
    }
    printf("chatty done\n");
}

static void grow_until_killed(void) {
    printf("game server: allocating until the memory limit\n");
    fflush(stdout);
    for (;;) {
        char *p = malloc(1 << 20);
        if (!p) { sleep_ms(10); continue; }
        memset(p, 1, 1 << 20);
    }
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (env_num("GAME_IGNORE_TERM", 0) != 1) signal(SIGTERM, on_term);
    const char *print = getenv("GAME_PRINT");
    if (print) {
        printf("%s\n", print);
        fprintf(stderr, "stderr: %s\n", print);
    }
    long chat = env_num("GAME_CHATTY", 0);
    if (chat > 0) chatty(chat);
    fflush(NULL);

    sleep_ms(env_num("GAME_DELAY_MS", 0));
    const char *mode = env_or("GAME_LISTEN", "tcp");
    int port = (int)env_num("HATHORA_DEFAULT_PORT", 0);
    struct pollfd fds[3];
    int nfds = 0;
    if (!strcmp(mode, "tcp") || !strcmp(mode, "both"))
        fds[nfds++] = (struct pollfd){.fd = bind_port(SOCK_STREAM, port), .events = POLLIN};
    if (!strcmp(mode, "udp") || !strcmp(mode, "both"))
        fds[nfds++] = (struct pollfd){.fd = bind_port(SOCK_DGRAM, port), .events = POLLIN};
    const char *extra = getenv("GAME_EXTRA_UDP");
    if (extra)
        fds[nfds++] = (struct pollfd){.fd = bind_port(SOCK_DGRAM, (int)env_num(extra, 0)), .events = POLLIN};
    printf("game server: listening (%s) on port %d\n", mode, port);

    if (env_num("GAME_CALL_API", 0) == 1) call_api();
    if (env_num("GAME_OOM", 0) == 1) grow_until_killed();

    long exit_after = env_num("GAME_EXIT_AFTER_MS", -1);
    long deadline = exit_after >= 0 ? now_ms() + exit_after : -1;
    char msg[512], buf[65536];
    for (;;) {
        int wait = deadline < 0 ? -1 : (int)(deadline - now_ms());
        if (deadline >= 0 && wait <= 0) {
            int code = (int)env_num("GAME_EXIT_CODE", 0);
            printf("game server: exiting with code %d\n", code);
            return code;
        }
        if (nfds == 0) { sleep_ms(wait < 0 ? 1000 : wait); continue; }
        if (poll(fds, (nfds_t)nfds, wait) <= 0) continue;
        for (int i = 0; i < nfds; i++) {
            if (!(fds[i].revents & POLLIN)) continue;
            int type = 0;
            socklen_t tl = sizeof type;
            getsockopt(fds[i].fd, SOL_SOCKET, SO_TYPE, &type, &tl);
            if (type == SOCK_STREAM) {
                int c = accept(fds[i].fd, NULL, NULL);
                if (c < 0) continue;
                struct timeval tv = {5, 0};
                setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
                ssize_t n = read(c, msg, sizeof msg);
                if (n > 0) {
                    size_t len = answer(msg, (size_t)n, buf, sizeof buf);
                    ssize_t ignored = write(c, buf, len);
                    (void)ignored;
                }
                close(c);
            } else {
                struct sockaddr_storage from;
                socklen_t fl = sizeof from;
                ssize_t n = recvfrom(fds[i].fd, msg, sizeof msg, 0, (struct sockaddr *)&from, &fl);
                if (n < 0) continue;
                size_t len = answer(msg, (size_t)n, buf, sizeof buf);
                sendto(fds[i].fd, buf, len, 0, (struct sockaddr *)&from, fl);
            }
        }
    }
}
