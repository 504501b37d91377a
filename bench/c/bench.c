/*
 * Throughput and latency of GetConnectionInfo through the library's C ABI, for bench/run.sh.
 *
 *   bench blocking URL ROOM N MAX_SECONDS
 *       the blocking form, one call after the other on this thread.
 *   bench async URL ROOM N MAX_SECONDS INFLIGHT WORKERS worker|poll
 *       the asynchronous form with INFLIGHT requests always in flight on a pool of WORKERS
 *       threads: each callback records its request's latency (submit -> callback) and submits
 *       the next one. In poll mode this thread runs the callbacks in a loop of
 *       hathora_client_poll(client, 0), sleeping 20 us whenever nothing was ready.
 *
 * N bounds the measured requests and MAX_SECONDS the measured time (whichever comes first); a
 * warm-up of 0.5 s (at most 2000 requests) on the same client runs first and is not counted.
 * The process's thread count (/proc/self/task) is sampled every 10 ms or so (more often would
 * cost measurable CPU; in blocking mode by a sampler thread, not counted); the highest value is
 * reported. Prints one line of key=value pairs; exits 1 if any call failed.
 */
#define _GNU_SOURCE

#include <hathora_rooms.h>
#include "procstat.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *g_room;
static HathoraClient *g_client;

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void sleep_us(long us) {
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static uint32_t pct(const uint32_t *sorted, size_t n, double p) {
    size_t i;
    if (n == 0) return 0;
    i = (size_t)((double)n * p + 0.999999);
    if (i < 1) i = 1;
    if (i > n) i = n;
    return sorted[i - 1];
}

/* A successful GetConnectionInfo: OK, and structured connection data for our room. */
static int result_ok(const HathoraResult *r) {
    const HathoraConnectionInfo *ci = NULL;
    if (hathora_result_code(r) != HATHORA_RESULT_CODE_OK) return 0;
    if (hathora_result_connection_info(r, &ci) != HATHORA_RESULT_CODE_OK) return 0;
    return ci->room_id && strcmp(ci->room_id, g_room) == 0 && ci->exposed_port != NULL;
}

/* ---- one measured phase --------------------------------------------------------------- */

struct phase {
    size_t budget;          /* requests that may be started */
    double until_us;        /* no request starts after this */
    uint32_t *lat;          /* budget entries */
    _Atomic size_t started, recorded, errors, outstanding;
};

struct slot {
    struct phase *ph;
    double t_submit;
};

static struct phase *g_phase;

static void on_done(void *user_data, uint64_t id, HathoraResult *r);

/* Starts the slot's next request if the phase allows one; else retires the slot. */
static void next_request(struct slot *s) {
    struct phase *ph = s->ph;
    for (;;) {
        if (atomic_fetch_add(&ph->started, 1) >= ph->budget || now_us() >= ph->until_us) {
            atomic_fetch_sub(&ph->outstanding, 1);
            return;
        }
        s->t_submit = now_us();
        if (hathora_get_connection_info_async(g_client, g_room, NULL, on_done, s, NULL) ==
            HATHORA_RESULT_CODE_OK)
            return;
        fprintf(stderr, "bench: async call refused: %s\n", hathora_last_error_message());
        atomic_fetch_add(&ph->errors, 1);
    }
}

static void on_done(void *user_data, uint64_t id, HathoraResult *r) {
    struct slot *s = user_data;
    struct phase *ph = s->ph;
    double t = now_us();
    (void)id;
    if (result_ok(r)) {
        size_t i = atomic_fetch_add(&ph->recorded, 1);
        double us = t - s->t_submit;
        if (i < ph->budget) ph->lat[i] = us > 4e9 ? 4000000000u : (uint32_t)us;
    } else {
        if (atomic_fetch_add(&ph->errors, 1) < 5)
            fprintf(stderr, "bench: call failed: %s (HTTP %u): %s\n",
                    hathora_result_code_to_string(hathora_result_code(r)),
                    hathora_result_http_status(r),
                    hathora_result_message(r) ? hathora_result_message(r) : "");
    }
    hathora_result_free(r);
    next_request(s);
}

struct stats {
    size_t ok, errors;
    double seconds;
    uint32_t p50, p99;
    int max_threads;
};

static void finish_stats(struct phase *ph, double t0, double t1, struct stats *st) {
    size_t n = atomic_load(&ph->recorded);
    if (n > ph->budget) n = ph->budget;
    qsort(ph->lat, n, sizeof *ph->lat, cmp_u32);
    st->ok = n;
    st->errors = atomic_load(&ph->errors);
    st->seconds = (t1 - t0) / 1e6;
    st->p50 = pct(ph->lat, n, 0.50);
    st->p99 = pct(ph->lat, n, 0.99);
}

static void run_async(size_t budget, double secs, int inflight, int poll_mode, struct stats *st) {
    struct phase ph;
    struct slot *slots = calloc((size_t)inflight, sizeof *slots);
    double t0, t1, last_sample = 0;
    memset(&ph, 0, sizeof ph);
    ph.budget = budget;
    ph.lat = malloc(budget * sizeof *ph.lat);
    if (!slots || !ph.lat) { perror("malloc"); exit(1); }
    g_phase = &ph;
    t0 = now_us();
    ph.until_us = t0 + secs * 1e6;
    atomic_store(&ph.outstanding, (size_t)inflight);
    for (int i = 0; i < inflight; i++) {
        slots[i].ph = &ph;
        next_request(&slots[i]);
    }
    /* Bounded: every request has the client's deadline (15 s), so this ends by until + 15 s. */
    while (atomic_load(&ph.outstanding) > 0) {
        double t;
        if (poll_mode) {
            if (hathora_client_poll(g_client, 0) == 0) sleep_us(20);
        } else {
            sleep_us(1000);
        }
        t = now_us();
        if (t - last_sample >= 10000) {
            int n = count_threads();
            if (n > st->max_threads) st->max_threads = n;
            last_sample = t;
        }
        if (t > ph.until_us + 60e6) {
            fprintf(stderr, "bench: requests still outstanding 60 s after the end\n");
            exit(1);
        }
    }
    t1 = now_us();
    finish_stats(&ph, t0, t1, st);
    free(ph.lat);
    free(slots);
}

/* Blocking mode: a sampler thread counts the threads while this one is inside its calls. */
static _Atomic int g_sampling, g_sampled_max;

static void *sampler(void *arg) {
    (void)arg;
    while (atomic_load(&g_sampling)) {
        int n = count_threads() - 1; /* not counting the sampler itself */
        if (n > atomic_load(&g_sampled_max)) atomic_store(&g_sampled_max, n);
        sleep_us(10000);
    }
    return NULL;
}

static void run_blocking(size_t budget, double secs, struct stats *st) {
    struct phase ph;
    double t0, t1;
    pthread_t sampler_thread;
    atomic_store(&g_sampling, 1);
    atomic_store(&g_sampled_max, 0);
    if (pthread_create(&sampler_thread, NULL, sampler, NULL) != 0) { perror("pthread_create"); exit(1); }
    memset(&ph, 0, sizeof ph);
    ph.budget = budget;
    ph.lat = malloc(budget * sizeof *ph.lat);
    if (!ph.lat) { perror("malloc"); exit(1); }
    t0 = now_us();
    ph.until_us = t0 + secs * 1e6;
    for (size_t i = 0; i < budget; i++) {
        HathoraResult *r = NULL;
        double a = now_us(), b;
        if (a >= ph.until_us) break;
        hathora_get_connection_info(g_client, g_room, NULL, &r);
        b = now_us();
        if (result_ok(r)) {
            ph.lat[atomic_fetch_add(&ph.recorded, 1)] = (uint32_t)(b - a);
        } else if (atomic_fetch_add(&ph.errors, 1) < 5) {
            fprintf(stderr, "bench: call failed: %s (HTTP %u)\n",
                    hathora_result_code_to_string(hathora_result_code(r)),
                    hathora_result_http_status(r));
        }
        hathora_result_free(r);
    }
    t1 = now_us();
    atomic_store(&g_sampling, 0);
    pthread_join(sampler_thread, NULL);
    finish_stats(&ph, t0, t1, st);
    st->max_threads = atomic_load(&g_sampled_max);
    free(ph.lat);
}

static void usage(void) {
    fprintf(stderr,
            "usage: bench blocking URL ROOM N MAX_SECONDS\n"
            "       bench async URL ROOM N MAX_SECONDS INFLIGHT WORKERS worker|poll\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *mode, *url;
    size_t n;
    double secs;
    int inflight = 1, workers = 4, poll_mode = 0, is_async;
    HathoraConfig *cfg;
    struct stats warm, st;
    char label[64];

    if (argc < 6) usage();
    mode = argv[1];
    url = argv[2];
    g_room = argv[3];
    n = strtoul(argv[4], NULL, 10);
    secs = atof(argv[5]);
    is_async = strcmp(mode, "async") == 0;
    if (!is_async && strcmp(mode, "blocking") != 0) usage();
    if (is_async) {
        if (argc < 9) usage();
        inflight = atoi(argv[6]);
        workers = atoi(argv[7]);
        if (strcmp(argv[8], "poll") == 0) poll_mode = 1;
        else if (strcmp(argv[8], "worker") != 0) usage();
    }
    if (n == 0 || n > 50000000 || secs <= 0 || secs > 600 || inflight < 1 || inflight > 4096)
        usage();

    cfg = hathora_config_new();
    hathora_config_set_app_id(cfg, "app-emulator");
    hathora_config_set_base_url(cfg, url);
    hathora_config_set_max_workers(cfg, (uint32_t)workers);
    hathora_config_set_dispatch_mode(cfg, poll_mode ? HATHORA_DISPATCH_MODE_POLL
                                                    : HATHORA_DISPATCH_MODE_WORKER);
    if (hathora_client_new(cfg, &g_client) != HATHORA_RESULT_CODE_OK) {
        fprintf(stderr, "bench: client: %s\n", hathora_last_error_message());
        return 1;
    }
    hathora_config_free(cfg);

    memset(&warm, 0, sizeof warm);
    memset(&st, 0, sizeof st);
    if (is_async) {
        run_async(2000, 0.5, inflight, poll_mode, &warm);
        st.max_threads = warm.max_threads;
        run_async(n, secs, inflight, poll_mode, &st);
        snprintf(label, sizeof label, "c-async-%s inflight=%d workers=%d", poll_mode ? "poll" : "worker",
                 inflight, workers);
    } else {
        run_blocking(2000, 0.5, &warm);
        run_blocking(n, secs, &st);
        snprintf(label, sizeof label, "c-blocking inflight=1 workers=%d", workers);
    }
    hathora_client_free(g_client);

    printf("%s requests=%zu errors=%zu seconds=%.3f rps=%.0f p50_us=%u p99_us=%u max_threads=%d "
           "warmup_requests=%zu\n",
           label, st.ok, st.errors + warm.errors, st.seconds, st.seconds > 0 ? st.ok / st.seconds : 0.0,
           st.p50, st.p99, st.max_threads, warm.ok);
    return (st.ok == 0 || st.errors + warm.errors > 0) ? 1 : 0;
}
