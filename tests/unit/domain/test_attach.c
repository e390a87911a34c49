/*
 * test_attach.c - attachment storage (sync/domain/attach.c) on real SQLite files: an
 * acknowledged chunk is still there after the file is closed and reopened,
 * the completed photo has lost its GPS, a backup carries it, another
 * production never sees it, and the push validator refuses what it must.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "attach.h"
#include "backup.h"
#include "db.h"
#include "err.h"
#include "imgmeta.h"
#include "photos.h"
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
    char dir[256];
    char path[300];
    struct db *db;
    unsigned char *jpg, *gps;
    size_t jpg_len, gps_len;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    support_tmpdir(f->dir);
    snprintf(f->path, sizeof(f->path), "%s/a.db", f->dir);
    f->db = support_db(f->dir, "a.db");
    f->jpg = photos_fixture("photo.jpg", &f->jpg_len);
    f->gps = photos_jpeg_with_gps(f->jpg, f->jpg_len, &f->gps_len);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    db_close(f->db);
    support_rmtree(f->dir);
    free(f->jpg);
    free(f->gps);
    free(f);
    return 0;
}

/* Adds the attachments fact id for data as p1's office. */
static void add_fact(struct db *db, const char *id, const unsigned char *data, size_t len, int keep)
{
    char sha[65], fields[512];
    json_t *ack;

    photos_sha256_hex(data, len, sha);
    snprintf(fields, sizeof(fields),
             "{\"target_col\":\"actions\",\"target_id\":\"a-1\",\"content_type\":\"image/jpeg\","
             "\"size\":%zu,\"sha256\":\"%s\",\"caption\":\"Gourdes\",\"keep_location\":%s}",
             len, sha, keep ? "true" : "false");
    ack = support_office_op(db, "attachments", id, "add", fields);
    assert_string_equal(json_string_value(json_object_get(ack, "status")), "applied");
    json_decref(ack);
}

/* docs/security.md: a chunk whose COMMIT fails is not stored, and the connection
 * goes back outside any transaction; the retry stores it. */
static void a_failed_commit_stores_nothing(void **state)
{
    struct fixture *f = *state;
    struct attach_fact fact;
    struct attach_status st;
    enum attach_outcome o;

    add_fact(f->db, "ph-c", f->gps, f->gps_len, 0);
    assert_int_equal(attach_fact_get(f->db, "p1", "ph-c", &fact), EP_OK);
    db_fail_commits(f->db, 1);
    assert_int_equal(attach_put_chunk(f->db, &fact, 0, f->gps, 300, 1, &o, &st), EP_EIO);
    assert_true(db_clean(f->db));
    assert_int_equal(attach_status_get(f->db, &fact, &st), EP_OK);
    assert_int_equal(st.received, 0);
    db_fail_commits(f->db, 1);
    assert_int_equal(attach_refuse(f->db, &fact, "unreadable", "test", 1), EP_EIO);
    assert_true(db_clean(f->db));
    assert_int_equal(attach_put_chunk(f->db, &fact, 0, f->gps, 300, 1, &o, &st), EP_OK);
    assert_int_equal(st.received, 300);
}

static void chunk_survives_reopening_the_file(void **state)
{
    struct fixture *f = *state;
    struct attach_fact fact;
    struct attach_status st;
    enum attach_outcome o;
    unsigned char *data = NULL;
    size_t len = 0;
    char type[16];
    struct ep_error err = {0};
    json_t *list = NULL;

    add_fact(f->db, "ph-a", f->gps, f->gps_len, 0);
    assert_int_equal(attach_fact_get(f->db, "p1", "ph-a", &fact), EP_OK);
    assert_int_equal(attach_put_chunk(f->db, &fact, 0, f->gps, 300, 1, &o, &st), EP_OK);
    assert_int_equal(o, ATTACH_STORED);
    assert_int_equal(st.received, 300);
    /* The process goes away right after the 200. */
    db_close(f->db);
    f->db = NULL;
    assert_int_equal(db_open(f->path, &f->db, &err), EP_OK);
    assert_int_equal(attach_fact_get(f->db, "p1", "ph-a", &fact), EP_OK);
    assert_int_equal(attach_status_get(f->db, &fact, &st), EP_OK);
    assert_int_equal(st.received, 300);
    assert_false(st.complete);
    /* Not served until whole. */
    assert_int_equal(attach_blob_get(f->db, "p1", "ph-a", &data, &len, type), EP_ECONFLICT);
    assert_int_equal(
        attach_put_chunk(f->db, &fact, 300, f->gps + 300, f->gps_len - 300, 2, &o, &st), EP_OK);
    assert_int_equal(o, ATTACH_COMPLETE);
    assert_true(st.complete);
    assert_int_equal(attach_blob_get(f->db, "p1", "ph-a", &data, &len, type), EP_OK);
    assert_string_equal(type, "image/jpeg");
    assert_int_equal(len, f->jpg_len);
    assert_memory_equal(data, f->jpg, len); /* the fixture, without the Exif block */
    free(data);
    /* The chunks are gone once the blob is stored. */
    {
        sqlite3_stmt *s = NULL;
        assert_int_equal(
            sqlite3_prepare_v2(db_handle(f->db), "SELECT count(*) FROM attach_chunk", -1, &s, NULL),
            SQLITE_OK);
        assert_int_equal(sqlite3_step(s), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(s, 0), 0);
        sqlite3_finalize(s);
    }
    /* Another production: not found, not "incomplete". */
    assert_int_equal(attach_fact_get(f->db, "p2", "ph-a", &fact), EP_ENOTFOUND);
    assert_int_equal(attach_blob_get(f->db, "p2", "ph-a", &data, &len, type), EP_ENOTFOUND);
    assert_int_equal(attach_list(f->db, "p2", NULL, NULL, &list), EP_OK);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    assert_int_equal(attach_complete_of(f->db, "p1", "actions", "a-1", &list), EP_OK);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "caption")),
                        "Gourdes");
    json_decref(list);
}

static void a_backup_carries_the_photos(void **state)
{
    struct fixture *f = *state;
    struct attach_fact fact;
    struct attach_status st;
    enum attach_outcome o;
    struct db *copy = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    char dest[320], type[16];
    struct ep_error err = {0};

    add_fact(f->db, "ph-b", f->gps, f->gps_len, 1);
    assert_int_equal(attach_fact_get(f->db, "p1", "ph-b", &fact), EP_OK);
    assert_int_equal(attach_put_chunk(f->db, &fact, 0, f->gps, f->gps_len, 1, &o, &st), EP_OK);
    assert_int_equal(o, ATTACH_COMPLETE);
    snprintf(dest, sizeof(dest), "%s/backup.db", f->dir);
    assert_int_equal(backup_create(f->path, dest, NULL, &err), EP_OK);
    assert_int_equal(db_open(dest, &copy, &err), EP_OK);
    assert_int_equal(attach_blob_get(copy, "p1", "ph-b", &data, &len, type), EP_OK);
    /* keep_location: the camera's bytes exactly, GPS included. */
    assert_int_equal(len, f->gps_len);
    assert_memory_equal(data, f->gps, len);
    assert_int_equal(imgmeta_has_metadata(data, len), 1);
    free(data);
    db_close(copy);
}

static void a_refusal_is_recorded_and_sticks(void **state)
{
    static const char html[] = "<html><body>not a photo</body></html>";
    struct fixture *f = *state;
    struct attach_fact fact;
    struct attach_status st;
    enum attach_outcome o;
    json_t *list = NULL;

    add_fact(f->db, "ph-c", (const unsigned char *)html, sizeof(html) - 1, 0);
    assert_int_equal(attach_fact_get(f->db, "p1", "ph-c", &fact), EP_OK);
    assert_int_equal(attach_put_chunk(f->db, &fact, 0, (const unsigned char *)html,
                                      sizeof(html) - 1, 1, &o, &st),
                     EP_OK);
    assert_int_equal(o, ATTACH_UNSUPPORTED);
    assert_string_equal(st.refused, "unsupported_media_type");
    assert_int_equal(attach_put_chunk(f->db, &fact, 0, (const unsigned char *)html,
                                      sizeof(html) - 1, 2, &o, &st),
                     EP_OK);
    assert_int_equal(o, ATTACH_REFUSED);
    assert_int_equal(attach_list(f->db, "p1", "actions", NULL, &list), EP_OK);
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "status")),
                        "refused");
    assert_non_null(strstr(json_string_value(json_object_get(json_array_get(list, 0), "reason")),
                           "not a JPEG"));
    json_decref(list);
    /* Out-of-range chunks are refused before touching storage. */
    assert_int_equal(
        attach_put_chunk(f->db, &fact, 0, (const unsigned char *)html, sizeof(html), 3, &o, &st),
        EP_EINVAL);
    assert_int_equal(attach_put_chunk(f->db, &fact, -1, (const unsigned char *)html, 1, 3, &o, &st),
                     EP_EINVAL);
}

/* Runs the validator on an op of col with fields (JSON text); returns its code or "". */
static const char *validate(const char *col, const char *fields, int64_t cap)
{
    static char code[32];
    char reason[256] = "";
    json_error_t err;
    json_t *fj = json_loads(fields, 0, &err);
    struct sync_op op = {.col = col, .fields = fj};
    int rc;

    assert_non_null(fj);
    code[0] = '\0';
    rc = attach_validate_op(&cap, NULL, &op, code, sizeof(code), reason, sizeof(reason));
    assert_true(rc == EP_OK ? code[0] == '\0' : reason[0] != '\0');
    json_decref(fj);
    return code;
}

#define SHA "\"sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\""

static void the_validator_refuses_what_it_must(void **state)
{
    (void)state;
    assert_string_equal(
        validate("attachments", "{\"size\":100," SHA ",\"target_id\":\"r-1\"}", 1000), "");
    assert_string_equal(
        validate("attachments", "{\"size\":1001," SHA ",\"target_id\":\"r-1\"}", 1000),
        "attachment_too_large");
    assert_string_equal(
        validate("attachments",
                 "{\"size\":1,\"sha256\":\"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B"
                 "7852B855\",\"target_id\":\"r-1\"}",
                 1000),
        "invalid_field");
    assert_string_equal(
        validate("attachments", "{\"size\":1,\"sha256\":\"abc\",\"target_id\":\"r-1\"}", 1000),
        "invalid_field");
    assert_string_equal(
        validate("attachments", "{\"size\":1," SHA ",\"target_id\":\"r 1/../x\"}", 1000),
        "invalid_field");
    assert_string_equal(
        validate("attachments", "{\"size\":1," SHA ",\"target_id\":\"r-1\",\"lat\":47.1}", 1000),
        "invalid_field");
    assert_string_equal(validate("attachments",
                                 "{\"size\":1," SHA ",\"target_id\":\"r-1\",\"lat\":47.1,\"lon\":6,"
                                 "\"keep_location\":true}",
                                 1000),
                        "");
    /* A void carries only what it voids; other collections are not its business. */
    assert_string_equal(validate("attachments", "{\"void\":true,\"supersedes\":\"ph-1\"}", 1000),
                        "");
    assert_string_equal(validate("readings", "{\"size\":99999999}", 1000), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(chunk_survives_reopening_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_commit_stores_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(a_backup_carries_the_photos, setup, teardown),
        cmocka_unit_test_setup_teardown(a_refusal_is_recorded_and_sticks, setup, teardown),
        cmocka_unit_test(the_validator_refuses_what_it_must),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
