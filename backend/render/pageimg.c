/* pageimg.c - a picture of one PDF page (see pageimg.h). */
#include "pageimg.h"

#include "err.h"
#include "strbuf.h"
#include "subproc.h"

#include <stdio.h>
#include <string.h>

int pageimg_png(const char *pdf, size_t len, int dpi, char **png, size_t *plen,
                struct ep_error *err)
{
    char path[] = "/tmp/ep-page-XXXXXX";
    char res[16];
    char *argv[] = {"pdftoppm", "-png", "-r", res, "-f", "1", "-l", "1", "-singlefile", path, NULL};
    struct strbuf out;
    int rc;

    *png = NULL;
    *plen = 0;
    ep_error_clear(err);
    if (dpi < 24 || dpi > 150 || pdf == NULL || len < 5 || memcmp(pdf, "%PDF-", 5) != 0) {
        ep_error_set(err, EP_EINVAL, NULL, "a PDF and a resolution of 24 to 150 dpi are needed");
        return EP_EINVAL;
    }
    snprintf(res, sizeof(res), "%d", dpi);
    strbuf_init(&out, PAGEIMG_MAX_BYTES);
    rc =
        subproc_collect(argv, path, pdf, len, "the page", "is poppler-utils installed?", &out, err);
    if (rc == EP_OK && (out.len < 8 || memcmp(out.p, "\x89PNG", 4) != 0)) {
        ep_error_set(err, EP_EIO, NULL, "pdftoppm gave no PNG");
        rc = EP_EIO;
    }
    if (rc == EP_OK) {
        *png = strbuf_detach(&out, plen);
        rc = *png != NULL ? EP_OK : EP_ENOMEM;
    }
    strbuf_release(&out);
    return rc;
}
