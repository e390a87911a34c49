/* export.c - the helpers every exporter shares (see export.h). */
#include "export.h"

#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double export_num(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

const char *export_str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s != NULL ? s : "";
}

int export_slurp(const char *path, char **out, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    long size;
    char *buf = NULL;
    int rc = EP_EIO;

    if (fp == NULL)
        return EP_EIO;
    if (fseek(fp, 0, SEEK_END) == 0 && (size = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size);
        if (buf == NULL) {
            rc = EP_ENOMEM;
        } else if (fread(buf, 1, (size_t)size, fp) == (size_t)size) {
            *out = buf;
            *len = (size_t)size;
            buf = NULL;
            rc = EP_OK;
        }
    }
    free(buf);
    fclose(fp);
    return rc;
}

/* French number: thin no-break space between thousands, decimal comma. */
void export_fr_num(double v, int decimals, char *buf, size_t len)
{
    char raw[64], *dot;
    size_t n, o = 0;
    int neg = v < 0;

    snprintf(raw, sizeof(raw), "%.*f", decimals, neg ? -v : v);
    dot = strchr(raw, '.');
    n = dot != NULL ? (size_t)(dot - raw) : strlen(raw);
    if (neg && o + 1 < len)
        buf[o++] = '-';
    for (size_t i = 0; i < n && o + 4 < len; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            memcpy(buf + o, "\xE2\x80\xAF", 3); /* U+202F */
            o += 3;
        }
        buf[o++] = raw[i];
    }
    if (dot != NULL && o + 1 < len) {
        buf[o++] = ',';
        for (const char *d = dot + 1; *d != '\0' && o + 1 < len; d++)
            buf[o++] = *d;
    }
    buf[o] = '\0';
}
