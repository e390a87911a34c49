/*
 * assets.c - the PWA's text files kept compressed in memory (see assets.h).
 */
#include "assets.h"

#include "err.h"
#include "gz.h"
#include "http.h"

#include <brotli/encode.h>
#include <civetweb.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Directory depth walked under pwa/ (it has js/ui, js/i18n, vendor/x/y). */
#define ASSETS_DEPTH 8
/* Brotli quality 9: within about 3 % of 11 on the shell's JavaScript, and
 * fast enough (tens of MB/s) that loading the table at start stays well
 * under a second. */
#define ASSETS_BR_QUALITY 9

/* One file. plain is always there; gz and br only when smaller than it. */
struct asset {
    char *uri;            /* "/js/app.js", owned */
    char *path;           /* the file on disk, owned */
    const char *type;     /* Content-Type, static */
    long long mtime;      /* st_mtime at load */
    long long size;       /* st_size at load = plain_len */
    unsigned char *plain; /* owned, size bytes */
    unsigned char *gz;    /* owned or NULL */
    size_t gz_len;
    unsigned char *br; /* owned or NULL */
    size_t br_len;
};

struct assets {
    struct asset *v; /* sorted by uri for bsearch */
    size_t n, cap;
};

/* The types CivetWeb gives these files (server.c's extra_mime_types). */
static const struct {
    const char *ext;
    const char *type;
} text_types[] = {
    {".html", "text/html"},
    {".js", "text/javascript"},
    {".mjs", "text/javascript"},
    {".css", "text/css"},
    {".svg", "image/svg+xml"},
    {".json", "application/json"},
    {".webmanifest", "application/manifest+json"},
    {".txt", "text/plain"},
};

static const char *text_type(const char *name)
{
    const char *dot = strrchr(name, '.');

    if (dot == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof(text_types) / sizeof(text_types[0]); i++)
        if (strcmp(dot, text_types[i].ext) == 0)
            return text_types[i].type;
    return NULL;
}

static void asset_release(struct asset *e)
{
    free(e->uri);
    free(e->path);
    free(e->plain);
    free(e->gz);
    free(e->br);
}

static int read_file(const char *path, size_t size, unsigned char **out)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    int rc = EP_EIO;

    *out = NULL;
    if (f == NULL)
        return EP_EIO;
    buf = malloc(size > 0 ? size : 1);
    if (buf == NULL) {
        rc = EP_ENOMEM;
        goto out;
    }
    if (fread(buf, 1, size, f) != size)
        goto out;
    *out = buf;
    buf = NULL;
    rc = EP_OK;
out:
    free(buf);
    fclose(f);
    return rc;
}

static int br_compress(const unsigned char *in, size_t len, unsigned char **out, size_t *outlen)
{
    size_t bound = BrotliEncoderMaxCompressedSize(len);
    unsigned char *buf;

    *out = NULL;
    *outlen = 0;
    if (bound == 0)
        return EP_ETOOBIG;
    buf = malloc(bound);
    if (buf == NULL)
        return EP_ENOMEM;
    if (!BrotliEncoderCompress(ASSETS_BR_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, len, in,
                               &bound, buf)) {
        free(buf);
        return EP_EIO;
    }
    *out = buf;
    *outlen = bound;
    return EP_OK;
}

/* Loads one regular file into e (zeroed by the caller). A copy that does not
 * shrink the file is dropped: the plain one is sent instead. */
static int asset_fill(struct asset *e, const char *path, const char *uri, const struct stat *st,
                      const char *type)
{
    int rc;

    e->uri = strdup(uri);
    e->path = strdup(path);
    if (e->uri == NULL || e->path == NULL)
        return EP_ENOMEM;
    e->type = type;
    e->mtime = (long long)st->st_mtime;
    e->size = (long long)st->st_size;
    rc = read_file(path, (size_t)st->st_size, &e->plain);
    if (rc == EP_OK)
        rc = gz_compress(e->plain, (size_t)e->size, &e->gz, &e->gz_len);
    if (rc == EP_OK && e->gz_len >= (size_t)e->size) {
        free(e->gz);
        e->gz = NULL;
    }
    if (rc == EP_OK)
        rc = br_compress(e->plain, (size_t)e->size, &e->br, &e->br_len);
    if (rc == EP_OK && e->br_len >= (size_t)e->size) {
        free(e->br);
        e->br = NULL;
    }
    return rc;
}

static int add_file(struct assets *a, const char *path, const char *uri, const struct stat *st)
{
    const char *type = text_type(uri);
    struct asset e;
    int rc;

    /* sw.js has its own handler (no-store); small, binary or huge files
     * stay with CivetWeb, which serves them as they are. */
    if (type == NULL || strcmp(uri, "/sw.js") == 0 || st->st_size < GZ_MIN_BYTES ||
        st->st_size > ASSETS_FILE_MAX)
        return EP_OK;
    if (a->n == a->cap) {
        size_t cap = a->cap == 0 ? 64 : a->cap * 2;
        struct asset *v = realloc(a->v, cap * sizeof(*v));
        if (v == NULL)
            return EP_ENOMEM;
        a->v = v;
        a->cap = cap;
    }
    memset(&e, 0, sizeof(e));
    rc = asset_fill(&e, path, uri, st, type);
    if (rc != EP_OK) {
        asset_release(&e);
        return rc;
    }
    a->v[a->n++] = e;
    return EP_OK;
}

static int walk(struct assets *a, const char *dir, const char *uri, int depth, struct ep_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int rc = EP_OK;

    if (d == NULL) {
        ep_error_set(err, EP_EIO, NULL, "cannot read '%s'", dir);
        return EP_EIO;
    }
    while (rc == EP_OK && (de = readdir(d)) != NULL) {
        char path[4096], sub[2048];
        struct stat st;
        /* Dot files are hidden from clients (hide_files_patterns). */
        if (de->d_name[0] == '.')
            continue;
        if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path) ||
            snprintf(sub, sizeof(sub), "%s/%s", uri, de->d_name) >= (int)sizeof(sub))
            continue;
        /* lstat: a symbolic link could point outside the directory. */
        if (lstat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth < ASSETS_DEPTH)
            rc = walk(a, path, sub, depth + 1, err);
        else if (S_ISREG(st.st_mode))
            rc = add_file(a, path, sub, &st);
    }
    closedir(d);
    if (rc == EP_ENOMEM)
        ep_error_set(err, rc, NULL, "out of memory compressing '%s'", dir);
    else if (rc != EP_OK && (err == NULL || err->message[0] == '\0'))
        ep_error_set(err, rc, NULL, "cannot compress the files of '%s'", dir);
    return rc;
}

static int by_uri(const void *x, const void *y)
{
    return strcmp(((const struct asset *)x)->uri, ((const struct asset *)y)->uri);
}

int assets_load(const char *dir, struct assets **out, struct ep_error *err)
{
    struct assets *a = calloc(1, sizeof(*a));
    int rc;

    *out = NULL;
    ep_error_clear(err);
    if (a == NULL)
        return EP_ENOMEM;
    rc = walk(a, dir, "", 0, err);
    if (rc != EP_OK) {
        assets_free(a);
        return rc;
    }
    if (a->n > 1)
        qsort(a->v, a->n, sizeof(*a->v), by_uri);
    *out = a;
    return EP_OK;
}

void assets_free(struct assets *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->n; i++)
        asset_release(&a->v[i]);
    free(a->v);
    free(a);
}

void assets_stats(const struct assets *a, size_t *files, size_t *plain, size_t *gz, size_t *br)
{
    *files = a->n;
    *plain = *gz = *br = 0;
    for (size_t i = 0; i < a->n; i++) {
        *plain += (size_t)a->v[i].size;
        *gz += a->v[i].gz != NULL ? a->v[i].gz_len : (size_t)a->v[i].size;
        *br += a->v[i].br != NULL ? a->v[i].br_len : (size_t)a->v[i].size;
    }
}

/* 1 when the Accept-Encoding list names coding without q=0. "*" is not
 * taken for br: a client that never heard of brotli may send it. */
static int accepts_br(const char *ae)
{
    const char *p = ae;

    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        size_t n;
        while (*p == ' ' || *p == '\t')
            p++;
        n = end != NULL ? (size_t)(end - p) : strlen(p);
        if (n >= 2 && strncasecmp(p, "br", 2) == 0 &&
            (n == 2 || p[2] == ';' || p[2] == ' ' || p[2] == '\t')) {
            const char *q = memchr(p, '=', n);
            /* "br;q=0" or "br;q=0.0": refused. */
            if (q == NULL || strspn(q + 1, "0.") < (size_t)(p + n - (q + 1)))
                return 1;
        }
        p = end != NULL ? end + 1 : NULL;
    }
    return 0;
}

/* 1 when If-None-Match lists etag (weak or strong, RFC 9110's weak
 * comparison, which GET uses) or is "*". */
static int etag_matches(const char *inm, const char *etag)
{
    size_t elen = strlen(etag);
    const char *p = inm;

    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ',');
        size_t n;
        while (*p == ' ' || *p == '\t')
            p++;
        n = end != NULL ? (size_t)(end - p) : strlen(p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n >= 2 && p[0] == 'W' && p[1] == '/') {
            p += 2;
            n -= 2;
        }
        if ((n == 1 && p[0] == '*') || (n == elen && memcmp(p, etag, n) == 0))
            return 1;
        p = end != NULL ? end + 1 : NULL;
    }
    return 0;
}

int assets_serve(const struct assets *a, struct mg_connection *conn)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    const char *uri = ri->local_uri;
    const char *ae = mg_get_header(conn, "Accept-Encoding");
    const char *inm = mg_get_header(conn, "If-None-Match");
    const struct asset *e;
    struct asset key;
    struct stat st;
    const unsigned char *body;
    size_t len;
    const char *coding = NULL;
    char etag[64], clen[32];
    int head, status;

    if (a == NULL || uri == NULL)
        return 0;
    head = strcmp(ri->request_method, "HEAD") == 0;
    if ((!head && strcmp(ri->request_method, "GET") != 0) || mg_get_header(conn, "Range") != NULL)
        return 0;
    /* CivetWeb's index_files: "/" is index.html. */
    key.uri = (char *)(strcmp(uri, "/") == 0 ? "/index.html" : uri);
    e = a->n > 0 ? bsearch(&key, a->v, a->n, sizeof(*a->v), by_uri) : NULL;
    if (e == NULL)
        return 0;
    if (stat(e->path, &st) != 0 || (long long)st.st_mtime != e->mtime ||
        (long long)st.st_size != e->size)
        return 0;
    body = e->plain;
    len = (size_t)e->size;
    if (e->br != NULL && accepts_br(ae)) {
        body = e->br;
        len = e->br_len;
        coding = "br";
    } else if (e->gz != NULL && gz_accepted(ae)) {
        body = e->gz;
        len = e->gz_len;
        coding = "gzip";
    }
    /* CivetWeb's ETag form for the plain copy ("mtime-hex.size"), so a
     * cache that had it from CivetWeb still revalidates; each encoded copy
     * is a different representation and needs its own. */
    snprintf(etag, sizeof(etag), "\"%llx.%lld%s%s\"", (unsigned long long)e->mtime, e->size,
             coding != NULL ? "." : "", coding != NULL ? coding : "");
    status = inm != NULL && etag_matches(inm, etag) ? 304 : 200;
    mg_response_header_start(conn, status);
    if (status == 200) {
        char type[64];
        snprintf(type, sizeof(type), "%s; charset=utf-8", e->type);
        mg_response_header_add(conn, "Content-Type",
                               strncmp(e->type, "text/", 5) == 0 ? type : e->type, -1);
        snprintf(clen, sizeof(clen), "%zu", len);
        mg_response_header_add(conn, "Content-Length", clen, -1);
        if (coding != NULL)
            mg_response_header_add(conn, "Content-Encoding", coding, -1);
    }
    mg_response_header_add(conn, "ETag", etag, -1);
    mg_response_header_add(conn, "Vary", "Accept-Encoding", -1);
    mg_response_header_add(conn, "Cache-Control", "no-cache", -1);
    http_security_headers(conn);
    mg_response_header_send(conn);
    if (status == 200 && !head)
        mg_write(conn, body, len);
    return status;
}
