/*
 * Footprint of the library, for bench/run.sh. Not linked against the library: it is loaded with
 * dlopen, as an engine plugin loader would.
 *
 *   footprint LIBRARY.so URL ROOM COUNT
 *
 * 1. Time from dlopen to the first completed call: dlopen + dlsym, hathora_client_new with the
 *    defaults (1 to 256 workers, worker dispatch, queue 65,536), one blocking GetConnectionInfo.
 * 2. Queues COUNT (10,000) asynchronous GetConnectionInfo calls at once on that client, then
 *    reads the thread count (/proc/self/task) and VmRSS (/proc/self/status); samples both every
 *    millisecond until every callback ran (bounded: 120 s), then frees the client.
 * Prints key=value lines; exits 1 if a call failed or was refused.
 */
#define _GNU_SOURCE

#include <hathora_rooms.h>
#include "procstat.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SYMBOLS(X)                                                                              \
    X(hathora_config_new) X(hathora_config_free) X(hathora_config_set_app_id)                   \
    X(hathora_config_set_base_url) X(hathora_client_new) X(hathora_client_free)                 \
    X(hathora_get_connection_info) X(hathora_get_connection_info_async) X(hathora_result_code)  \
    X(hathora_result_free) X(hathora_last_error_message) X(hathora_client_pending)

/* Function pointers named like the functions, typed from the header. */
#define DECLARE(name) static __typeof__(&name) p_##name;
SYMBOLS(DECLARE)

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static _Atomic size_t g_done, g_failed;

static void on_done(void *user_data, uint64_t id, HathoraResult *r) {
    (void)user_data;
    (void)id;
    if (p_hathora_result_code(r) != HATHORA_RESULT_CODE_OK) atomic_fetch_add(&g_failed, 1);
    p_hathora_result_free(r);
    atomic_fetch_add(&g_done, 1);
}

int main(int argc, char **argv) {
    const char *lib, *url, *room;
    size_t count, accepted = 0;
    double t0, t_open, t_client, t_first, t_q0, t_q1, t_end;
    void *h;
    HathoraConfig *cfg;
    HathoraClient *client = NULL;
    HathoraResult *res = NULL;
    int threads_before, threads_client, threads_queued, threads_max, threads_after;
    long rss_before, rss_client, rss_queued, rss_max, rss_after;

    if (argc != 5) {
        fprintf(stderr, "usage: footprint LIBRARY.so URL ROOM COUNT\n");
        return 2;
    }
    lib = argv[1];
    url = argv[2];
    room = argv[3];
    count = strtoul(argv[4], NULL, 10);
    if (count == 0 || count > 65536) {
        fprintf(stderr, "footprint: COUNT must be 1..65536 (the default queue capacity)\n");
        return 2;
    }
    threads_before = count_threads();
    rss_before = status_kb("VmRSS");

    t0 = now_ms();
    h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "footprint: dlopen: %s\n", dlerror());
        return 1;
    }
#define LOAD(name)                                                        \
    if (!(*(void **)&p_##name = dlsym(h, #name))) {                       \
        fprintf(stderr, "footprint: dlsym %s: %s\n", #name, dlerror());   \
        return 1;                                                         \
    }
    SYMBOLS(LOAD)
    t_open = now_ms();
    cfg = p_hathora_config_new();
    p_hathora_config_set_app_id(cfg, "app-emulator");
    p_hathora_config_set_base_url(cfg, url);
    if (p_hathora_client_new(cfg, &client) != HATHORA_RESULT_CODE_OK) {
        fprintf(stderr, "footprint: client: %s\n", p_hathora_last_error_message());
        return 1;
    }
    p_hathora_config_free(cfg);
    t_client = now_ms();
    if (p_hathora_get_connection_info(client, room, NULL, &res) != HATHORA_RESULT_CODE_OK) {
        fprintf(stderr, "footprint: first call failed\n");
        return 1;
    }
    p_hathora_result_free(res);
    t_first = now_ms();
    threads_client = count_threads();
    rss_client = status_kb("VmRSS");

    t_q0 = now_ms();
    for (size_t i = 0; i < count; i++) {
        if (p_hathora_get_connection_info_async(client, room, NULL, on_done, NULL, NULL) !=
            HATHORA_RESULT_CODE_OK) {
            fprintf(stderr, "footprint: request %zu refused: %s\n", i, p_hathora_last_error_message());
            break;
        }
        accepted++;
    }
    t_q1 = now_ms();
    threads_queued = count_threads();
    rss_queued = status_kb("VmRSS");
    size_t pending_queued = p_hathora_client_pending(client);
    threads_max = threads_queued;
    rss_max = rss_queued;
    while (atomic_load(&g_done) < accepted) {
        struct timespec ts = {0, 1000000L};
        int n;
        long r;
        nanosleep(&ts, NULL);
        n = count_threads();
        r = status_kb("VmRSS");
        if (n > threads_max) threads_max = n;
        if (r > rss_max) rss_max = r;
        if (now_ms() - t_q0 > 120000) {
            fprintf(stderr, "footprint: callbacks still missing after 120 s\n");
            return 1;
        }
    }
    t_end = now_ms();
    p_hathora_client_free(client);
    threads_after = count_threads();
    rss_after = status_kb("VmRSS");

    printf("dlopen_ms=%.2f client_new_ms=%.2f first_call_ms=%.2f dlopen_to_first_call_ms=%.2f\n",
           t_open - t0, t_client - t_open, t_first - t_client, t_first - t0);
    printf("threads_before=%d threads_client=%d threads_queued=%d threads_max=%d threads_after_free=%d\n",
           threads_before, threads_client, threads_queued, threads_max, threads_after);
    printf("rss_before_kb=%ld rss_client_kb=%ld rss_queued_kb=%ld rss_max_kb=%ld rss_after_free_kb=%ld "
           "vmhwm_kb=%ld\n",
           rss_before, rss_client, rss_queued, rss_max, rss_after, status_kb("VmHWM"));
    printf("queued=%zu pending_after_queue=%zu queue_ms=%.2f drain_ms=%.1f failed=%zu\n", accepted,
           pending_queued, t_q1 - t_q0, t_end - t_q0, atomic_load(&g_failed));
    return (accepted == count && atomic_load(&g_failed) == 0) ? 0 : 1;
}
