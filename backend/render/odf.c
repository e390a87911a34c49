/*
 * odf.c - the OpenDocument package, in memory (see odf.h).
 */
#include "odf.h"

#include "err.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* Adds name with the bytes data (borrowed until zip_close). */
static int add(zip_t *za, const char *name, const char *data, size_t len, int store)
{
    zip_source_t *s = zip_source_buffer(za, data, len, 0);
    zip_int64_t idx;

    if (s == NULL)
        return EP_ENOMEM;
    idx = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(s);
        return EP_EIO;
    }
    if (zip_set_file_compression(za, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) !=
        0)
        return EP_EIO;
    return EP_OK;
}

int odf_package(const char *mimetype, struct odf_part content, struct odf_part styles,
                struct odf_part meta, struct odf_part manifest, char **out, size_t *len)
{
    zip_error_t ze;
    zip_source_t *src = NULL;
    zip_t *za = NULL;
    zip_stat_t st;
    char *bytes = NULL;
    int rc;

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
    rc = add(za, "mimetype", mimetype, strlen(mimetype), 1);
    if (rc == EP_OK)
        rc = add(za, "content.xml", content.data, content.len, 0);
    if (rc == EP_OK)
        rc = add(za, "styles.xml", styles.data, styles.len, 0);
    if (rc == EP_OK)
        rc = add(za, "meta.xml", meta.data, meta.len, 0);
    if (rc == EP_OK)
        rc = add(za, "META-INF/manifest.xml", manifest.data, manifest.len, 0);
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
