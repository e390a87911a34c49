/*
 * odf.c - the OpenDocument package, in memory (see odf.h).
 */
#include "odf.h"

#include "bundle.h"
#include "err.h"

#include <string.h>

int odf_package(const char *mimetype, struct odf_part content, struct odf_part styles,
                struct odf_part meta, struct odf_part manifest, char **out, size_t *len)
{
    /* mimetype first and stored, so a reader can sniff it at offset 38. */
    const struct bundle_file files[] = {
        {"mimetype", mimetype, strlen(mimetype), 1},
        {"content.xml", content.data, content.len, 0},
        {"styles.xml", styles.data, styles.len, 0},
        {"meta.xml", meta.data, meta.len, 0},
        {"META-INF/manifest.xml", manifest.data, manifest.len, 0},
    };

    return bundle_zip(files, sizeof(files) / sizeof(files[0]), out, len);
}
