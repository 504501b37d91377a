/* held: holds a game server back until told to go. The entrypoint of the Docker suite's "held"
 * image: `held /game_server` waits for SIGUSR1 (`docker kill --signal USR1 CONTAINER`), then
 * becomes /game_server (execv: the same process, the same environment). Until then nothing in
 * the container listens, so a room on it must stay starting however long it runs. SIGTERM
 * while held ends it (exit 0). A static binary, alone with the game server in its image.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t go;

static void on_go(int sig) {
    (void)sig;
    go = 1;
}

static void on_term(int sig) {
    (void)sig;
    _exit(0);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: held PROGRAM [ARGS...]\n");
        return 64;
    }
    sigset_t usr1, waiting;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    /* Blocked until sigsuspend, so that a SIGUSR1 that comes early is not lost. */
    sigprocmask(SIG_BLOCK, &usr1, &waiting);
    struct sigaction sa = {0};
    sa.sa_handler = on_go;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    fprintf(stderr, "held: waiting for SIGUSR1 to start %s\n", argv[1]);
    while (!go) sigsuspend(&waiting);
    sigprocmask(SIG_SETMASK, &waiting, NULL);
    execv(argv[1], argv + 1);
    perror("held: execv");
    return 127;
}
