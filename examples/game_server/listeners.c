#define _POSIX_C_SOURCE 200809L

#include "listeners.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int fd_nonblocking(int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ? -1 : 0;
}

/* One socket bound to the any-address of family at port; -1 with errno set on failure. */
static int open_one(int family, int type, uint16_t port) {
    struct sockaddr_storage addr;
    socklen_t len;
    memset(&addr, 0, sizeof addr);
    if (family == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&addr;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_ANY);
        a->sin_port = htons(port);
        len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&addr;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_any;
        a->sin6_port = htons(port);
        len = sizeof *a;
    }
    int fd = socket(family, type, 0);
    if (fd == -1) return -1;
    int one = 1;
    /* TCP: a restart may bind while old connections sit in TIME_WAIT. (Not UDP: on Linux it
     * would let a second process bind the same port.) */
    if ((type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one)) ||
        (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one)) ||
        bind(fd, (struct sockaddr *)&addr, len) || (type == SOCK_STREAM && listen(fd, 128)) ||
        fd_nonblocking(fd)) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int listeners_open(uint16_t port, struct listener out[LISTENERS_MAX], char *err, size_t err_len) {
    static const struct {
        int family, type;
        const char *name;
    } kinds[LISTENERS_MAX] = {
        {AF_INET, SOCK_STREAM, "tcp4"},
        {AF_INET, SOCK_DGRAM, "udp4"},
        {AF_INET6, SOCK_STREAM, "tcp6"},
        {AF_INET6, SOCK_DGRAM, "udp6"},
    };
    int count = 0;
    for (int i = 0; i < LISTENERS_MAX; i++) {
        int fd = open_one(kinds[i].family, kinds[i].type, port);
        if (fd == -1 && kinds[i].family == AF_INET) {
            snprintf(err, err_len, "%s port %u: %s", kinds[i].name, (unsigned)port, strerror(errno));
            listeners_close(out, count);
            return -1;
        }
        if (fd == -1) {
            /* IPv6 is a bonus: a host without it, or with the port taken there, still serves IPv4. */
            fprintf(stderr, "game_server: no %s on port %u: %s\n", kinds[i].name, (unsigned)port,
                    strerror(errno));
            continue;
        }
        out[count++] = (struct listener){fd, kinds[i].type == SOCK_DGRAM, kinds[i].name};
    }
    return count;
}

void listeners_close(struct listener *listeners, int count) {
    for (int i = 0; i < count; i++) close(listeners[i].fd);
}
