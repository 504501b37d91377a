/*
 * What the host that started this process tells it, through the HATHORA_* environment
 * (hathora-rooms-server sets them, as Hathora Cloud did). One function, so that it can be
 * replaced by the library's own reading of the environment when the library offers one.
 */
#ifndef GAME_ENV_H
#define GAME_ENV_H

#include <stddef.h>
#include <stdint.h>

/* Strings point into the environment (getenv): valid while it is not modified. */
struct game_env {
    /* Required: without them the server cannot ask for its rooms or listen. */
    const char *process_id;  /* HATHORA_PROCESS_ID */
    const char *app_id;      /* HATHORA_APP_ID */
    const char *base_url;    /* HATHORA_BASE_URL: where the RoomsV2 API is */
    const char *dev_token;   /* HATHORA_DEV_TOKEN: never printed */
    uint16_t default_port;   /* HATHORA_DEFAULT_PORT: 1 to 65535 */
    /* Optional: NULL (or 0) when unset or empty. */
    const char *initial_room_id;  /* HATHORA_INITIAL_ROOM_ID: the room this process started for */
    unsigned rooms_per_process;   /* HATHORA_ROOMS_PER_PROCESS: a positive number when set */
    const char *region;           /* HATHORA_REGION */
    const char *hostname;         /* HATHORA_HOSTNAME */
    const char *deployment_id;    /* HATHORA_DEPLOYMENT_ID */
    const char *build_tag;        /* HATHORA_BUILD_TAG */
};

/*
 * Fills *env from the environment. Returns 0, or -1 with a message in err naming the variable
 * that is missing or malformed (a required one unset or empty, a number that is not one, a port
 * out of range); *env is then not to be used.
 */
int game_env_read(struct game_env *env, char *err, size_t err_len);

#endif
