/*
 * odf.h - packs an OpenDocument file (ODT, ODP) with libzip: the package
 * layout is the same for every kind, only the XML parts differ. Reentrant.
 */
#ifndef EP_ODF_H
#define EP_ODF_H

#include <stddef.h>

/* One XML part of the package: bytes borrowed for the call. */
struct odf_part {
    const char *data;
    size_t len;
};

/*
 * Zips "mimetype" (stored, first, so a reader finds the type at byte 38
 * without inflating anything), content.xml, styles.xml, meta.xml and
 * META-INF/manifest.xml (deflated) in memory. On success returns 0 and *out
 * owns the *len bytes of the file (free() it); else EP_ENOMEM or EP_EIO.
 */
int odf_package(const char *mimetype, struct odf_part content, struct odf_part styles,
                struct odf_part meta, struct odf_part manifest, char **out, size_t *len);

#endif
