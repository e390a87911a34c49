/*
 * pageimg.h - a picture of one PDF page, for previews: the office sees the
 * flyer and the call sheet as they will print, without opening a PDF
 * (docs/communications.md, "Screens").
 *
 * Runs Debian's pdftoppm (poppler-utils) without a shell (posix_spawn), the
 * PDF in a private temp file. Thread-safe.
 */
#ifndef EP_PAGEIMG_H
#define EP_PAGEIMG_H

#include "err.h"
#include <stddef.h>

#define PAGEIMG_MAX_BYTES ((size_t)8 * 1024 * 1024) /* one page at preview resolution */

/*
 * Draws page 1 of pdf (len bytes) at dpi (24 to 150) as PNG into *png
 * (free()), *plen bytes. Returns 0, EP_EINVAL (bad dpi or not a PDF),
 * EP_EIO (pdftoppm missing or failed: reason in err), EP_ETOOBIG or EP_ENOMEM.
 */
int pageimg_png(const char *pdf, size_t len, int dpi, char **png, size_t *plen,
                struct ep_error *err);

#endif
