/*
 * Start-up timings of hathora-rooms-server with the example game server, for
 * bench/rooms_server.sh, through the library's C ABI (blocking calls, no retries).
 *
 *   startup new-process URL APP TOKEN GAME_SERVER PORT N
 *       N pairs, alternating so that both see the same load:
 *       own:    the game server started by hand (posix_spawn, the environment the rooms server
 *               gives it, HATHORA_DEFAULT_PORT=PORT) until a TCP connect to PORT succeeds, then
 *               SIGTERM and waitpid;
 *       server: CreateRoom on the rooms server at URL (one room per process: every room starts
 *               a process) until GetConnectionInfo answers active.
 *       Both poll the same way: the check, then 100 µs of sleep, again. Rooms stay (destroyed
 *       at the end). Prints "own MS" and "server MS" per pair. GAME_SERVER "-": the server's
 *       side only (bench/docker.sh: a container's own start-up cannot be timed by a connect,
 *       which the engine's proxy accepts before anything listens in the container).
 *   startup free-slot URL APP TOKEN PROCESSES
 *       Per process: a first room (which starts it), polled until active; then rooms until the
 *       process is full (the server runs ROOMS_PER_PROCESS > 1), each created on the ready
 *       process: "answer" when CreateRoom answered active, "poll1" when the first
 *       GetConnectionInfo did, "later N" after N polls.
 *   startup fill URL APP TOKEN N
 *       N rooms r0..r(N-1), then waits until every one is active. Prints the time taken.
 * Exits 1 when a call fails.
 */
#define _GNU_SOURCE

#include <hathora_rooms.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void pause_100us(void) {
    struct timespec ts = {0, 100000};
    nanosleep(&ts, NULL);
}

static void die(const char *what, HathoraResult *r) {
    fprintf(stderr, "startup: %s: %s (HTTP %u): %s\n", what,
            r ? hathora_result_code_to_string(hathora_result_code(r)) : "-",
            r ? hathora_result_http_status(r) : 0, r ? hathora_result_message(r) : hathora_last_error_message());
    exit(1);
}

static HathoraClient *client(const char *url, const char *app, const char *token) {
    HathoraConfig *cfg = hathora_config_new();
    HathoraClient *c = NULL;
    hathora_config_set_base_url(cfg, url);
    hathora_config_set_app_id(cfg, app);
    hathora_config_set_dev_token(cfg, token);
    hathora_config_set_max_retries(cfg, 0);
    if (hathora_client_new(cfg, &c) != HATHORA_RESULT_CODE_OK) die("client_new", NULL);
    hathora_config_free(cfg);
    return c;
}

/* CreateRoom in Frankfurt; returns its ready status (1 active), the process id copied into
 * process (when not NULL). */
static int create(HathoraClient *c, const char *room_id, char *process, size_t cap) {
    HathoraCreateRoomParams p = hathora_create_room_params_init();
    p.region = HATHORA_REGION_FRANKFURT;
    p.room_id = room_id;
    HathoraResult *r = NULL;
    const HathoraConnectionInfo *info;
    if (hathora_create_room(c, &p, NULL, &r) != HATHORA_RESULT_CODE_OK) die("CreateRoom", r);
    hathora_result_connection_info(r, &info);
    int active = info->status == HATHORA_ROOM_READY_STATUS_ACTIVE;
    if (process) snprintf(process, cap, "%s", info->process_id);
    hathora_result_free(r);
    return active;
}

static int is_active(HathoraClient *c, const char *room_id) {
    HathoraResult *r = NULL;
    const HathoraConnectionInfo *info;
    if (hathora_get_connection_info(c, room_id, NULL, &r) != HATHORA_RESULT_CODE_OK) die("GetConnectionInfo", r);
    hathora_result_connection_info(r, &info);
    int active = info->status == HATHORA_ROOM_READY_STATUS_ACTIVE;
    hathora_result_free(r);
    return active;
}

/* Polls until active; returns the number of polls. */
static int poll_active(HathoraClient *c, const char *room_id) {
    int polls = 1;
    double end = now_ms() + 60000;
    while (!is_active(c, room_id)) {
        if (now_ms() > end) {
            fprintf(stderr, "startup: room %s not active after 60 s\n", room_id);
            exit(1);
        }
        pause_100us();
        polls++;
    }
    return polls;
}

static int accepts(unsigned port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* The game server as the rooms server starts it, by hand: spawn → listening, in ms. */
static double own_start(const char *game_server, unsigned port, const char *url, const char *app,
                        const char *token, int n) {
    char vars[12][128];
    snprintf(vars[0], sizeof vars[0], "PATH=/usr/local/bin:/usr/bin:/bin");
    snprintf(vars[1], sizeof vars[1], "HOME=/tmp");
    snprintf(vars[2], sizeof vars[2], "LANG=C.UTF-8");
    snprintf(vars[3], sizeof vars[3], "HATHORA_PROCESS_ID=bench-own-%d", n);
    snprintf(vars[4], sizeof vars[4], "HATHORA_APP_ID=%s", app);
    snprintf(vars[5], sizeof vars[5], "HATHORA_REGION=Frankfurt");
    snprintf(vars[6], sizeof vars[6], "HATHORA_ROOMS_PER_PROCESS=1");
    snprintf(vars[7], sizeof vars[7], "HATHORA_INITIAL_ROOM_ID=own-%d", n);
    snprintf(vars[8], sizeof vars[8], "HATHORA_DEFAULT_PORT=%u", port);
    snprintf(vars[9], sizeof vars[9], "HATHORA_BASE_URL=%s", url);
    snprintf(vars[10], sizeof vars[10], "HATHORA_DEV_TOKEN=%s", token);
    snprintf(vars[11], sizeof vars[11], "HATHORA_HOSTNAME=127.0.0.1");
    char *envp[13];
    for (int i = 0; i < 12; i++) envp[i] = vars[i];
    envp[12] = NULL;
    char *argv[] = {(char *)game_server, NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    double t0 = now_ms();
    if (posix_spawn(&pid, game_server, &actions, NULL, argv, envp)) {
        perror("startup: posix_spawn");
        exit(1);
    }
    while (!accepts(port)) {
        if (now_ms() - t0 > 60000) {
            fprintf(stderr, "startup: %s did not listen on %u\n", game_server, port);
            exit(1);
        }
        pause_100us();
    }
    double took = now_ms() - t0;
    posix_spawn_file_actions_destroy(&actions);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return took;
}

static void destroy_all(HathoraClient *c, const char *prefix, int n) {
    for (int i = 0; i < n; i++) {
        char id[64];
        HathoraResult *r = NULL;
        snprintf(id, sizeof id, "%s%d", prefix, i);
        if (hathora_destroy_room(c, id, NULL, &r) != HATHORA_RESULT_CODE_OK) die("DestroyRoom", r);
        hathora_result_free(r);
    }
}

int main(int argc, char **argv) {
    if (argc >= 8 && strcmp(argv[1], "new-process") == 0) {
        HathoraClient *c = client(argv[2], argv[3], argv[4]);
        unsigned port = (unsigned)atoi(argv[6]);
        int n = atoi(argv[7]);
        for (int i = 0; i < n; i++) {
            char id[64];
            if (strcmp(argv[5], "-") != 0)
                printf("own %.3f\n", own_start(argv[5], port, argv[2], argv[3], argv[4], i));
            snprintf(id, sizeof id, "new%d", i);
            double t0 = now_ms();
            if (!create(c, id, NULL, 0)) poll_active(c, id);
            printf("server %.3f\n", now_ms() - t0);
            fflush(stdout);
        }
        destroy_all(c, "new", n);
        hathora_client_free(c);
        return 0;
    }
    if (argc >= 7 && strcmp(argv[1], "free-slot") == 0) {
        HathoraClient *c = client(argv[2], argv[3], argv[4]);
        int processes = atoi(argv[5]), per = atoi(argv[6]), k = 0;
        for (int p = 0; p < processes; p++) {
            char id[64], first[200], process[200];
            snprintf(id, sizeof id, "slot%d", k++);
            if (!create(c, id, first, sizeof first)) poll_active(c, id);
            for (int j = 1; j < per; j++) {
                snprintf(id, sizeof id, "slot%d", k++);
                int answered = create(c, id, process, sizeof process);
                if (strcmp(process, first) != 0) {
                    fprintf(stderr, "startup: room %s went to process %s, not %s\n", id, process, first);
                    return 1;
                }
                if (answered) printf("answer\n");
                else {
                    int polls = poll_active(c, id);
                    if (polls == 1) printf("poll1\n");
                    else printf("later %d\n", polls);
                }
            }
        }
        destroy_all(c, "slot", k);
        hathora_client_free(c);
        return 0;
    }
    if (argc >= 6 && strcmp(argv[1], "fill") == 0) {
        HathoraClient *c = client(argv[2], argv[3], argv[4]);
        int n = atoi(argv[5]);
        double t0 = now_ms();
        for (int i = 0; i < n; i++) {
            char id[64];
            snprintf(id, sizeof id, "r%d", i);
            create(c, id, NULL, 0);
        }
        for (int i = 0; i < n; i++) {
            char id[64];
            snprintf(id, sizeof id, "r%d", i);
            poll_active(c, id);
        }
        printf("fill %d rooms active after %.0f ms\n", n, now_ms() - t0);
        hathora_client_free(c);
        return 0;
    }
    fprintf(stderr, "usage: see the comment at the top of bench/rooms_server/startup.c\n");
    return 2;
}
