/*
 * How exact the library's region-ping RTT is, for bench/run.sh: a UDP echo beacon on loopback
 * holds each datagram for a known delay (and records how long it really held it), and the same
 * beacon is measured N times by the library (hathora_ping_regions, one round per call, so each
 * call's minimum is one sample) and by a plain C loop (clock_gettime around sendto/recvfrom on a
 * blocking socket), the two alternating sample by sample so that both see the same load.
 *
 *   rtt N DELAY_US...
 *
 * For each delay and method prints one line of key=value pairs: the error of the measurement
 * against the injected delay (measured - delay) and against the time the beacon really held the
 * datagram (measured - held, which leaves out the beacon's own oversleep), p50 and p99 in µs.
 * Exits 1 if a sample was lost.
 */
#define _GNU_SOURCE

#include <hathora_rooms.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The beacon: echoes each datagram DELAY after it arrived (an absolute sleep, so the delay is
 * never shortened), and keeps how long it held the last one. One datagram at a time: the
 * measurers send one and wait for its echo. */
struct beacon {
    int fd;
    uint16_t port;
    uint64_t delay_ns;
    _Atomic uint64_t last_held_ns;
    atomic_int stop;
    pthread_t thread;
};

static void *beacon_run(void *arg) {
    struct beacon *b = arg;
    char buf[2048];
    while (!atomic_load(&b->stop)) {
        struct pollfd p = {b->fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(b->fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        uint64_t arrived = now_ns();
        if (n <= 0) continue;
        uint64_t due = arrived + b->delay_ns;
        struct timespec at = {(time_t)(due / 1000000000u), (long)(due % 1000000000u)};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {
        }
        uint64_t left = now_ns();
        sendto(b->fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
        atomic_store(&b->last_held_ns, left - arrived);
    }
    return NULL;
}

static int loopback_udp(uint16_t *port) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || getsockname(fd, (struct sockaddr *)&a, &len)) {
        perror("socket");
        exit(1);
    }
    if (port) *port = ntohs(a.sin_port);
    return fd;
}

/* One sample by the library: a one-round measurement of the beacon. 0 when unanswered. */
static uint64_t library_rtt(HathoraClient *client, const HathoraPingOptions *opts) {
    HathoraResult *r = NULL;
    uint64_t rtt = 0;
    const HathoraRegionPing *p = NULL;
    if (hathora_ping_regions(client, opts, NULL, &r) == HATHORA_RESULT_CODE_OK &&
        hathora_result_region_ping_at(r, 0, &p) == HATHORA_RESULT_CODE_OK && p->min_rtt_ns)
        rtt = *p->min_rtt_ns;
    hathora_result_free(r);
    return rtt;
}

/* One sample by plain C: clock_gettime just before sendto and just after recvfrom. */
static uint64_t plain_rtt(int fd, uint16_t port, uint32_t seq) {
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    char out[20] = "RTTC", in[64];
    memcpy(out + 4, &seq, sizeof seq);
    uint64_t t0 = now_ns();
    if (sendto(fd, out, sizeof out, 0, (struct sockaddr *)&to, sizeof to) != (ssize_t)sizeof out) return 0;
    for (;;) {
        ssize_t n = recv(fd, in, sizeof in, 0);
        uint64_t t1 = now_ns();
        if (n < 0) return 0; /* the receive timeout passed */
        if (n == (ssize_t)sizeof out && memcmp(in, out, sizeof out) == 0) return t1 - t0;
    }
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double pct_us(int64_t *v, int n, double p) {
    qsort(v, (size_t)n, sizeof *v, cmp_i64);
    return (double)v[(int)((n - 1) * p + 0.5)] / 1000.0;
}

static void report(const char *method, uint64_t delay_ns, int n, const uint64_t *rtt, const uint64_t *held) {
    int64_t *vs_delay = malloc(sizeof(int64_t) * (size_t)n), *vs_held = malloc(sizeof(int64_t) * (size_t)n);
    for (int i = 0; i < n; i++) {
        vs_delay[i] = (int64_t)rtt[i] - (int64_t)delay_ns;
        vs_held[i] = (int64_t)rtt[i] - (int64_t)held[i];
    }
    double d50 = pct_us(vs_delay, n, 0.5), d99 = pct_us(vs_delay, n, 0.99);
    double h50 = pct_us(vs_held, n, 0.5), h99 = pct_us(vs_held, n, 0.99);
    printf("method=%s delay_us=%llu n=%d err_vs_delay_p50_us=%.1f err_vs_delay_p99_us=%.1f "
           "err_vs_held_p50_us=%.1f err_vs_held_p99_us=%.1f min_vs_delay_us=%.1f\n",
           method, (unsigned long long)(delay_ns / 1000), n, d50, d99, h50, h99, (double)vs_delay[0] / 1000.0);
    free(vs_delay);
    free(vs_held);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s N DELAY_US...\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]);
    if (n < 1) return 2;
    HathoraConfig *cfg = hathora_config_new();
    HathoraClient *client = NULL;
    if (hathora_client_new(cfg, &client) != HATHORA_RESULT_CODE_OK) {
        fprintf(stderr, "client: %s\n", hathora_last_error_message());
        return 1;
    }
    hathora_config_free(cfg);
    int fd = loopback_udp(NULL);
    struct timeval tv = {2, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    uint64_t *rtt_lib = calloc((size_t)n, sizeof(uint64_t)), *rtt_c = calloc((size_t)n, sizeof(uint64_t));
    uint64_t *held_lib = calloc((size_t)n, sizeof(uint64_t)), *held_c = calloc((size_t)n, sizeof(uint64_t));
    int lost = 0;
    for (int a = 2; a < argc; a++) {
        struct beacon b = {.delay_ns = strtoull(argv[a], NULL, 10) * 1000u};
        b.fd = loopback_udp(&b.port);
        pthread_create(&b.thread, NULL, beacon_run, &b);
        HathoraPingTarget target = {.region_name = "beacon", .host = "127.0.0.1", .port = b.port};
        HathoraPingOptions opts = hathora_ping_options_init();
        opts.rounds = 1;
        opts.timeout_ms = 2000;
        opts.targets = &target;
        opts.targets_count = 1;
        for (int i = 0; i < n; i++) {
            rtt_lib[i] = library_rtt(client, &opts);
            held_lib[i] = atomic_load(&b.last_held_ns);
            rtt_c[i] = plain_rtt(fd, b.port, (uint32_t)i);
            held_c[i] = atomic_load(&b.last_held_ns);
            lost += (rtt_lib[i] == 0) + (rtt_c[i] == 0);
        }
        atomic_store(&b.stop, 1);
        pthread_join(b.thread, NULL);
        close(b.fd);
        report("library", b.delay_ns, n, rtt_lib, held_lib);
        report("plain_c", b.delay_ns, n, rtt_c, held_c);
    }
    printf("lost=%d\n", lost);
    close(fd);
    hathora_client_free(client);
    return lost ? 1 : 0;
}
