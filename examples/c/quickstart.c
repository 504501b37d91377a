#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "hathora_rooms.h"

/* Asynchronous completion: runs inside hathora_client_poll (poll mode); owns the result. */
static void on_active(void *user_data, uint64_t request_id, HathoraResult *r) {
    const HathoraConnectionInfo *info;
    int *active = user_data;
    (void)request_id;
    if (hathora_result_connection_info(r, &info) == HATHORA_RESULT_CODE_OK && info->exposed_port) {
        printf("connect to %s:%u\n", info->exposed_port->host, info->exposed_port->port);
        *active = 1;
    } else {
        printf("not active: %s\n", hathora_result_message(r));
    }
    hathora_result_free(r);
}

int main(void) {
    const char *app_id = getenv("HATHORA_APP_ID");
    HathoraConfig *cfg = hathora_config_new();
    hathora_config_set_app_id(cfg, app_id ? app_id : "app-emulator");  /* the server's default */
    hathora_config_set_dev_token(cfg, getenv("HATHORA_DEV_TOKEN"));   /* NULL for game clients */
    hathora_config_set_base_url(cfg, getenv("HATHORA_BASE_URL"));     /* your rooms server */
    hathora_config_set_dispatch_mode(cfg, HATHORA_DISPATCH_MODE_POLL); /* callbacks in poll() */
    HathoraClient *client;
    if (hathora_client_new(cfg, &client) != HATHORA_RESULT_CODE_OK) {
        fprintf(stderr, "%s\n", hathora_last_error_message());
        hathora_config_free(cfg);
        return 1;
    }
    hathora_config_free(cfg);

    /* Blocking form: always yields a result that the caller owns. */
    HathoraCreateRoomParams params = hathora_create_room_params_init();
    params.region = HATHORA_REGION_FRANKFURT;
    params.room_config = "{\"mode\":\"duel\"}";
    HathoraResult *res;
    if (hathora_create_room(client, &params, NULL, &res) != HATHORA_RESULT_CODE_OK) {
        printf("%s (HTTP %u): %s\n", hathora_result_code_to_string(hathora_result_code(res)),
               hathora_result_http_status(res), hathora_result_message(res));
        hathora_result_free(res);
        hathora_client_free(client);
        return 1;
    }
    const HathoraConnectionInfo *created;
    hathora_result_connection_info(res, &created);
    printf("room %s is %s\n", created->room_id, created->status_raw);

    /* Asynchronous form, completed once per frame by the game loop. */
    int active = 0;
    hathora_wait_until_active_async(client, created->room_id, 60000, NULL, on_active, &active, NULL);
    while (hathora_client_pending(client) > 0) {
        hathora_client_poll(client, 0);
        nanosleep(&(struct timespec){0, 16000000}, NULL); /* ... render a frame ... */
    }

    /* A room holds its place on a game server until it is destroyed. */
    HathoraResult *destroyed;
    hathora_destroy_room(client, created->room_id, NULL, &destroyed);
    printf("destroy room %s: %s\n", created->room_id,
           hathora_result_code_to_string(hathora_result_code(destroyed)));
    int ok = active && hathora_result_code(destroyed) == HATHORA_RESULT_CODE_OK;
    hathora_result_free(destroyed);
    hathora_result_free(res);
    hathora_client_free(client); /* delivers what is pending, joins the workers */
    return ok ? 0 : 1;
}
