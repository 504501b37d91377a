/*
 * The latency scenario of bench/run.sh (issue 11), through the C ABI with the default
 * configuration (only the base URL and app id set).
 *
 *   latency burst URL ROOM N ROUNDS
 *       N asynchronous GetConnectionInfo calls submitted at once, ROUNDS times on one client
 *       (round 1 starts the workers and opens the connections); time from the first submit to
 *       the last callback, the peak thread count and VmRSS (sampled every millisecond), and
 *       VmRSS with the client idle before the first round.
 *   latency idle URL ROOM N WAIT_S
 *       one burst of N calls, then WAIT_S seconds idle: the threads left, and the wake-ups of the
 *       library's threads (voluntary + involuntary context switches) during the last 2 s.
 *   latency silent N TIMEOUT_MS
 *       N calls with a per-call deadline of TIMEOUT_MS against a local listener that accepts
 *       connections (the kernel does) and never answers: when each callback ran, relative to
 *       its deadline.
 *   latency down N
 *       N calls with the default deadline and retries against a closed port: time to drain.
 * Prints key=value lines; exits 1 if a call failed in a way the scenario does not expect.
 */
#define _GNU_SOURCE

#include <hathora_rooms.h>
#include "procstat.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Context switches of the threads whose name starts with "hathora" (workers and timer). */
static long library_switches(int *threads) {
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    long total = 0;
    *threads = 0;
    if (!d) return -1;
    while ((e = readdir(d))) {
        char path[300], name[64] = "", line[256];
        FILE *f;
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        if (!(f = fopen(path, "r"))) continue;
        if (!fgets(name, sizeof name, f)) name[0] = 0;
        fclose(f);
        if (strncmp(name, "hathora", 7) != 0) continue;
        (*threads)++;
        snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
        if (!(f = fopen(path, "r"))) continue;
        while (fgets(line, sizeof line, f))
            if (strstr(line, "ctxt_switches:")) total += strtol(strchr(line, ':') + 1, NULL, 10);
        fclose(f);
    }
    closedir(d);
    return total;
}

/* ---- completions ---- */
static _Atomic size_t g_done, g_failed, g_timeouts;
static size_t g_expect;
static double g_last, *g_at; /* time of the last callback; per request (silent) */
static HathoraResultCode g_want = HATHORA_RESULT_CODE_OK;

static void on_done(void *user_data, uint64_t id, HathoraResult *r) {
    HathoraResultCode code = hathora_result_code(r);
    size_t i = (size_t)(uintptr_t)user_data;
    double t = now_s();
    (void)id;
    if (code == HATHORA_RESULT_CODE_TIMEOUT) atomic_fetch_add(&g_timeouts, 1);
    if (code != g_want) atomic_fetch_add(&g_failed, 1);
    if (g_at) g_at[i] = t;
    hathora_result_free(r);
    g_last = t; /* read after g_done reaches the count (release/acquire below) */
    atomic_fetch_add_explicit(&g_done, 1, memory_order_release);
}

/* ---- a sampler thread: peak threads and RSS ---- */
static _Atomic int g_sampling;
static int g_peak_threads;
static long g_peak_rss;

static void *sampler(void *arg) {
    (void)arg;
    while (atomic_load(&g_sampling)) {
        int n = count_threads();
        long r = status_kb("VmRSS");
        if (n > g_peak_threads) g_peak_threads = n;
        if (r > g_peak_rss) g_peak_rss = r;
        sleep_ms(1);
    }
    return NULL;
}

static HathoraClient *make_client(const char *url) {
    HathoraConfig *cfg = hathora_config_new();
    HathoraClient *c = NULL;
    hathora_config_set_app_id(cfg, "app-emulator");
    hathora_config_set_base_url(cfg, url);
    if (hathora_client_new(cfg, &c) != HATHORA_RESULT_CODE_OK) {
        fprintf(stderr, "latency: client: %s\n", hathora_last_error_message());
        exit(1);
    }
    hathora_config_free(cfg);
    return c;
}

/* Submits n calls at once and waits for every callback; returns the seconds to the last one. */
static double burst(HathoraClient *c, const char *room, size_t n, const HathoraCallOptions *opts) {
    double t0;
    atomic_store(&g_done, 0);
    g_expect = n;
    t0 = now_s();
    for (size_t i = 0; i < n; i++)
        if (hathora_get_connection_info_async(c, room, opts, on_done, (void *)(uintptr_t)i, NULL) !=
            HATHORA_RESULT_CODE_OK) {
            fprintf(stderr, "latency: call %zu refused: %s\n", i, hathora_last_error_message());
            exit(1);
        }
    while (atomic_load_explicit(&g_done, memory_order_acquire) < n) {
        if (now_s() - t0 > 120) {
            fprintf(stderr, "latency: callbacks missing after 120 s\n");
            exit(1);
        }
        sleep_ms(1);
    }
    return g_last - t0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int run_burst(const char *url, const char *room, size_t n, int rounds) {
    pthread_t th;
    double times[64], warm[64];
    int base_threads;
    long idle_rss;
    HathoraClient *c;
    if (rounds < 1 || rounds > 64) rounds = 3;
    c = make_client(url);
    sleep_ms(20);
    base_threads = count_threads();
    idle_rss = status_kb("VmRSS");
    g_peak_threads = base_threads;
    g_peak_rss = idle_rss;
    atomic_store(&g_sampling, 1);
    pthread_create(&th, NULL, sampler, NULL);
    for (int r = 0; r < rounds; r++) times[r] = burst(c, room, n, NULL);
    atomic_store(&g_sampling, 0);
    pthread_join(th, NULL);
    for (int r = 1; r < rounds; r++) warm[r - 1] = times[r];
    qsort(warm, (size_t)(rounds - 1), sizeof warm[0], cmp_double);
    printf("n=%zu rounds=%d first_s=%.4f warm_s=%.4f runs_s=", n, rounds, times[0],
           rounds > 1 ? warm[(rounds - 2) / 2] : times[0]);
    for (int r = 0; r < rounds; r++) printf("%s%.4f", r ? "/" : "", times[r]);
    printf(" peak_threads=%d idle_threads=%d idle_rss_kb=%ld peak_rss_kb=%ld failed=%zu\n",
           g_peak_threads, base_threads, idle_rss, g_peak_rss, atomic_load(&g_failed));
    hathora_client_free(c);
    return atomic_load(&g_failed) ? 1 : 0;
}

static int run_idle(const char *url, const char *room, size_t n, int wait_s) {
    HathoraClient *c = make_client(url);
    int threads_busy, lib_threads, lib_threads_end;
    long sw0, sw1;
    burst(c, room, n, NULL);
    threads_busy = count_threads();
    sleep_ms((long)wait_s * 1000 - 2000);
    sw0 = library_switches(&lib_threads);
    sleep_ms(2000);
    sw1 = library_switches(&lib_threads_end);
    printf("n=%zu idle_wait_s=%d threads_after_burst=%d threads_after_idle=%d library_threads_after_idle=%d "
           "library_wakeups_per_s=%.1f\n",
           n, wait_s, threads_busy, count_threads(), lib_threads_end, (double)(sw1 - sw0) / 2.0);
    hathora_client_free(c);
    return atomic_load(&g_failed) ? 1 : 0;
}

/* A listener the kernel completes handshakes for, which never reads or answers. */
static int silent_listener(int *port) {
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 4096) ||
        getsockname(s, (struct sockaddr *)&a, &len)) {
        perror("latency: listener");
        exit(1);
    }
    *port = ntohs(a.sin_port);
    return s;
}

static int run_silent(size_t n, unsigned timeout_ms) {
    int port, s = silent_listener(&port);
    char url[64];
    double t0, worst = -1e9, first = 1e9;
    size_t late = 0;
    HathoraClient *c;
    HathoraCallOptions opts = {HATHORA_CALL_OPTIONS_VERSION, NULL, timeout_ms, -1, 0};
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    c = make_client(url);
    g_want = HATHORA_RESULT_CODE_TIMEOUT;
    g_at = calloc(n, sizeof *g_at);
    t0 = now_s();
    burst(c, "room-1", n, &opts);
    for (size_t i = 0; i < n; i++) {
        double over = g_at[i] - t0 - timeout_ms / 1000.0;
        double allowed = timeout_ms / 1000.0 * 0.1 > 0.05 ? timeout_ms / 1000.0 * 0.1 : 0.05;
        if (over > worst) worst = over;
        if (over < first) first = over;
        if (over > allowed) late++;
    }
    printf("n=%zu timeout_ms=%u last_callback_s=%.4f timeouts=%zu earliest_vs_deadline_ms=%.1f "
           "latest_vs_deadline_ms=%.1f late_beyond_10pct_or_50ms=%zu failed=%zu\n",
           n, timeout_ms, g_last - t0, atomic_load(&g_timeouts), first * 1e3, worst * 1e3, late,
           atomic_load(&g_failed));
    hathora_client_free(c);
    close(s);
    return (atomic_load(&g_failed) || late) ? 1 : 0;
}

static int run_down(size_t n) {
    int port, s = silent_listener(&port);
    char url[64];
    double t;
    HathoraClient *c;
    close(s); /* nothing listens there now: connections are refused */
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    c = make_client(url);
    g_want = HATHORA_RESULT_CODE_TRANSPORT_ERROR;
    t = burst(c, "room-1", n, NULL);
    printf("n=%zu drain_s=%.3f failed=%zu\n", n, t, atomic_load(&g_failed));
    hathora_client_free(c);
    return atomic_load(&g_failed) ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 6 && strcmp(argv[1], "burst") == 0)
        return run_burst(argv[2], argv[3], strtoul(argv[4], NULL, 10), atoi(argv[5]));
    if (argc == 6 && strcmp(argv[1], "idle") == 0)
        return run_idle(argv[2], argv[3], strtoul(argv[4], NULL, 10), atoi(argv[5]));
    if (argc == 4 && strcmp(argv[1], "silent") == 0)
        return run_silent(strtoul(argv[2], NULL, 10), (unsigned)strtoul(argv[3], NULL, 10));
    if (argc == 3 && strcmp(argv[1], "down") == 0) return run_down(strtoul(argv[2], NULL, 10));
    fprintf(stderr,
            "usage: latency burst URL ROOM N ROUNDS | idle URL ROOM N WAIT_S | silent N TIMEOUT_MS | down N\n");
    return 2;
}
