/*
 * fuzz_push.c - libFuzzer target for the sync push decoder and the engine
 * behind it: whatever bytes a phone sends, sync_decode_push must refuse them
 * cleanly or hand over an envelope that sync_push then applies or refuses op
 * by op, without crashing, leaking or corrupting the database.
 *
 * Build: the EP_FUZZ configuration with clang (make test does it); run long:
 *   build/fuzz/tests/fuzz_push -max_total_time=3600 tests/fuzz/corpus/push
 */
#include "db.h"
#include "err.h"
#include "sync.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct db *db;

static void open_db(void)
{
    struct ep_error err = {0};
    if (db_open(":memory:", &db, &err) != EP_OK || db_migrate(db, NULL, NULL, &err) != EP_OK ||
        sqlite3_exec(db_handle(db),
                     "INSERT INTO company (id, name, created_at) VALUES ('co','Co',0);"
                     "INSERT INTO production (id, company_id, title, kind, created_at) "
                     "VALUES ('p1','co','F','fiction',0)",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "fuzz_push: cannot prepare the database: %s\n", err.message);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ep_error err = {0};
    json_t *push = NULL, *acks = NULL;
    const char *device;
    int rc;

    if (db == NULL) {
        if (sodium_init() < 0)
            abort();
        open_db();
    }
    rc = sync_decode_push((const char *)data, size, &push, &err);
    if (rc != EP_OK) {
        /* Every refusal explains itself. */
        if (err.message[0] == '\0')
            abort();
        return 0;
    }
    device = json_string_value(json_object_get(push, "device"));
    {
        struct sync_actor actor = {"p1", device, "m", "regie", SYNC_ROLE_ADMIN, NULL};
        struct sync_opts opts = {.now_ms = INT64_C(1790000000000), .authorize = NULL};
        rc = sync_push(db, &opts, &actor, push, &acks, NULL);
        if (rc == EP_OK && json_array_size(acks) != json_array_size(json_object_get(push, "ops")))
            abort(); /* one ack per op, always */
    }
    json_decref(acks);
    json_decref(push);
    return 0;
}
