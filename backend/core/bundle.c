/* bundle.c - a production archive's zip container (see bundle.h). */
#include "bundle.h"

#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static int add(zip_t *za, const struct bundle_file *f)
{
    zip_source_t *s = zip_source_buffer(za, f->data, f->len, 0);
    zip_int64_t idx;

    if (s == NULL)
        return EP_ENOMEM;
    idx = zip_file_add(za, f->name, s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(s);
        return EP_EIO;
    }
    if (zip_set_file_compression(za, (zip_uint64_t)idx, f->store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
                                 0) != 0)
        return EP_EIO;
    return EP_OK;
}

int bundle_zip(const struct bundle_file *files, size_t n, char **out, size_t *len)
{
    zip_error_t ze;
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    zip_stat_t st;
    char *bytes = NULL;
    int rc = EP_OK;

    *out = NULL;
    *len = 0;
    zip_error_init(&ze);
    src = zip_source_buffer_create(NULL, 0, 0, &ze);
    za = src != NULL ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
    if (za == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    zip_source_keep(src); /* zip_close frees the archive; we read the buffer after */
    for (size_t i = 0; rc == EP_OK && i < n; i++)
        rc = add(za, &files[i]);
    if (rc != EP_OK) {
        zip_discard(za);
        goto out;
    }
    if (zip_close(za) != 0) {
        zip_discard(za);
        rc = EP_EIO;
        goto out;
    }
    if (zip_source_stat(src, &st) != 0 || zip_source_open(src) != 0) {
        rc = EP_EIO;
        goto out;
    }
    bytes = malloc(st.size + 1);
    if (bytes == NULL) {
        zip_source_close(src);
        rc = EP_ENOMEM;
        goto out;
    }
    if (zip_source_read(src, bytes, st.size) != (zip_int64_t)st.size) {
        free(bytes);
        zip_source_close(src);
        rc = EP_EIO;
        goto out;
    }
    zip_source_close(src);
    *out = bytes;
    *len = (size_t)st.size;
out:
    if (src != NULL)
        zip_source_free(src);
    zip_error_fini(&ze);
    return rc;
}

int bundle_pack(const struct transfer_list *l, char **out, size_t *len)
{
    struct bundle_file *files = calloc(l->n > 0 ? l->n : 1, sizeof(*files));
    int rc;

    *out = NULL;
    *len = 0;
    if (files == NULL)
        return EP_ENOMEM;
    for (size_t i = 0; i < l->n; i++) {
        const struct transfer_entry *e = &l->items[i];
        /* Photos are compressed already: deflating them again gains nothing. */
        files[i] = (struct bundle_file){e->name, e->data, e->len,
                                        strncmp(e->name, "attachments/", 12) == 0};
    }
    rc = bundle_zip(files, l->n, out, len);
    free(files);
    return rc;
}

/* A name the archive may hold: relative, no "..", no backslash, printable. */
static int name_ok(const char *n)
{
    if (n[0] == '\0' || n[0] == '/' || strlen(n) > 200 || strstr(n, "..") != NULL ||
        strchr(n, '\\') != NULL)
        return 0;
    for (const char *p = n; *p != '\0'; p++)
        if ((unsigned char)*p < 0x20)
            return 0;
    return 1;
}

static int bad(struct ep_error *err, int rc, const char *why, const char *name)
{
    return ep_error_set(err, rc, NULL, "%s%s%.200s%s", why, name != NULL ? " ('" : "",
                        name != NULL ? name : "", name != NULL ? "')" : "");
}

/* Reads entry i (declared size st->size) into a new buffer. */
static int read_entry(zip_t *za, zip_uint64_t i, const zip_stat_t *st, unsigned char **out)
{
    zip_file_t *zf = zip_fopen_index(za, i, 0);
    unsigned char *buf = malloc(st->size > 0 ? st->size : 1);
    zip_int64_t got = -1;
    char extra;
    int rc = EP_OK;

    *out = NULL;
    if (zf == NULL || buf == NULL) {
        rc = zf == NULL ? EP_EINVAL : EP_ENOMEM;
        goto out;
    }
    got = st->size > 0 ? zip_fread(zf, buf, st->size) : 0;
    /* Exactly the declared size: one byte more means a lying header. */
    if (got != (zip_int64_t)st->size || zip_fread(zf, &extra, 1) != 0) {
        rc = EP_EINVAL;
        goto out;
    }
    *out = buf;
    buf = NULL;
out:
    free(buf);
    if (zf != NULL)
        zip_fclose(zf);
    return rc;
}

int bundle_unpack(const char *data, size_t len, size_t max, struct transfer_list *out,
                  struct ep_error *err)
{
    zip_error_t ze;
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    zip_int64_t n;
    size_t total = 0;
    int rc = EP_OK;

    ep_error_clear(err);
    zip_error_init(&ze);
    src = zip_source_buffer_create(data, len, 0, &ze);
    if (src == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
    if (za == NULL) {
        rc = bad(err, EP_EINVAL, "not a zip archive, or a damaged one", NULL);
        goto out; /* src is still ours */
    }
    n = zip_get_num_entries(za, 0);
    if (n < 0 || n > BUNDLE_MAX_ENTRIES) {
        rc = bad(err, EP_EINVAL, "too many files in the archive", NULL);
        goto close;
    }
    for (zip_uint64_t i = 0; rc == EP_OK && i < (zip_uint64_t)n; i++) {
        zip_stat_t st;
        unsigned char *buf = NULL;
        if (zip_stat_index(za, i, 0, &st) != 0 || (st.valid & ZIP_STAT_SIZE) == 0 ||
            (st.valid & ZIP_STAT_NAME) == 0) {
            rc = bad(err, EP_EINVAL, "an unreadable file in the archive", NULL);
            break;
        }
        if (st.name[strlen(st.name) - 1] == '/')
            continue; /* a directory entry some zip tools add */
        if (!name_ok(st.name) || transfer_list_find(out, st.name) != NULL) {
            rc = bad(err, EP_EINVAL, "a file name the archive may not hold", st.name);
            break;
        }
        if (st.size > max || total + st.size > max) {
            rc = bad(err, EP_ETOOBIG, "the archive inflates past the limit", NULL);
            break;
        }
        total += st.size;
        rc = read_entry(za, i, &st, &buf);
        if (rc == EP_EINVAL)
            rc = bad(err, EP_EINVAL, "a damaged file in the archive", st.name);
        if (rc == EP_OK)
            rc = transfer_list_add(out, st.name, buf, st.size);
    }
close:
    zip_discard(za); /* frees src with it */
    src = NULL;
out:
    if (src != NULL)
        zip_source_free(src);
    zip_error_fini(&ze);
    return rc;
}
