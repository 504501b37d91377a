#include "game_env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* The value of NAME, or NULL when it is unset or empty. */
static const char *optional(const char *name) {
    const char *v = getenv(name);
    return (v && *v) ? v : NULL;
}

static int required(const char *name, const char **out, char *err, size_t err_len) {
    *out = optional(name);
    if (*out) return 0;
    snprintf(err, err_len, "%s is not set (the host that starts this game server sets it)", name);
    return -1;
}

/* Decimal digits only (no sign, no spaces), from min to max. */
static int number(const char *name, const char *value, unsigned long min, unsigned long max,
                  unsigned long *out, char *err, size_t err_len) {
    char *end = NULL;
    errno = 0;
    unsigned long n = (value[0] >= '0' && value[0] <= '9') ? strtoul(value, &end, 10) : 0;
    if (!end || *end != '\0' || errno == ERANGE || n < min || n > max) {
        snprintf(err, err_len, "%s is \"%.40s\", not a number from %lu to %lu", name, value, min, max);
        return -1;
    }
    *out = n;
    return 0;
}

int game_env_read(struct game_env *env, char *err, size_t err_len) {
    const char *port = NULL;
    unsigned long n = 0;
    *env = (struct game_env){0};
    if (required("HATHORA_PROCESS_ID", &env->process_id, err, err_len) ||
        required("HATHORA_APP_ID", &env->app_id, err, err_len) ||
        required("HATHORA_BASE_URL", &env->base_url, err, err_len) ||
        required("HATHORA_DEV_TOKEN", &env->dev_token, err, err_len) ||
        required("HATHORA_DEFAULT_PORT", &port, err, err_len) ||
        number("HATHORA_DEFAULT_PORT", port, 1, 65535, &n, err, err_len))
        return -1;
    env->default_port = (uint16_t)n;

    const char *rooms = optional("HATHORA_ROOMS_PER_PROCESS");
    if (rooms) {
        if (number("HATHORA_ROOMS_PER_PROCESS", rooms, 1, 100000, &n, err, err_len)) return -1;
        env->rooms_per_process = (unsigned)n;
    }
    env->initial_room_id = optional("HATHORA_INITIAL_ROOM_ID");
    env->region = optional("HATHORA_REGION");
    env->hostname = optional("HATHORA_HOSTNAME");
    env->deployment_id = optional("HATHORA_DEPLOYMENT_ID");
    env->build_tag = optional("HATHORA_BUILD_TAG");
    return 0;
}
