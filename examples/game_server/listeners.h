/*
 * The sockets a game server listens on at its port: TCP and UDP on the IPv4 any-address
 * (required), and on the IPv6 any-address when the system has IPv6 (IPv6 only, so the two
 * never overlap). All non-blocking and close-on-exec.
 */
#ifndef LISTENERS_H
#define LISTENERS_H

#include <stddef.h>
#include <stdint.h>

enum { LISTENERS_MAX = 4 };

struct listener {
    int fd;
    int udp; /* 0: a TCP listening socket; 1: a UDP socket */
    const char *name; /* "tcp4", "udp4", "tcp6", "udp6" */
};

/* Opens them. Returns how many (2 or 4), or -1 with a message when IPv4 TCP or UDP failed. */
int listeners_open(uint16_t port, struct listener out[LISTENERS_MAX], char *err, size_t err_len);

void listeners_close(struct listener *listeners, int count);

/* Sets O_NONBLOCK and FD_CLOEXEC on fd. 0, or -1. */
int fd_nonblocking(int fd);

#endif
