/*
 * invites.c - pairing invitations for a member's phone: a one-time code,
 * its link and QR code (docs/security.md).
 */
#include "api.h"
#include "clock.h"

#include "auth.h"
#include "authz.h"
#include "err.h"
#include "identity.h"
#include "ids.h"

#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_BODY_MAX 16384
#define INVITE_TTL_DEFAULT_MIN (24 * 60)
#define INVITE_TTL_MAX_MIN (7 * 24 * 60)

/*
 * The QR code of text as an SVG document (new string, free()), one path of
 * horizontal runs so a 40x40 code stays a few kilobytes. NULL on failure.
 */
static char *qr_svg(const char *text)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    char *svg = NULL;
    size_t cap, used = 0;
    int w, n;

    if (q == NULL)
        return NULL;
    w = q->width;
    /* Each run costs at most ~24 bytes and a row holds at most w/2+1 runs. */
    cap = (size_t)w * (size_t)(w / 2 + 1) * 24 + 512;
    svg = malloc(cap);
    if (svg == NULL)
        goto out;
    n = snprintf(svg, cap,
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                 "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                 "<path fill=\"#000\" d=\"",
                 w + 8, w + 8, w + 8, w + 8);
    used = (size_t)n;
    for (int y = 0; y < w; y++) {
        for (int x = 0; x < w;) {
            int run = 0;
            while (x + run < w && (q->data[y * w + x + run] & 1))
                run++;
            if (run > 0) {
                n = snprintf(svg + used, cap - used, "M%d %dh%dv1h-%dz", x + 4, y + 4, run, run);
                if (n < 0 || (size_t)n >= cap - used) {
                    free(svg);
                    svg = NULL;
                    goto out;
                }
                used += (size_t)n;
                x += run;
            } else {
                x++;
            }
        }
    }
    n = snprintf(svg + used, cap - used, "\"/></svg>");
    if (n < 0 || (size_t)n >= cap - used) {
        free(svg);
        svg = NULL;
    }
out:
    QRcode_free(q);
    return svg;
}

int api_invites_create(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1];
    char *body = NULL;
    size_t len = 0;
    json_t *root = NULL;
    json_error_t jerr;
    const char *member_id = NULL;
    int ttl = INVITE_TTL_DEFAULT_MIN;
    struct identity_member m;
    unsigned char raw[32], h[32];
    char code[48], link[512], org[256];
    char *svg = NULL;
    int64_t now = clock_now_ms(), expires;
    int status, rc;

    status = http_read_body(r, SMALL_BODY_MAX, &body, &len);
    if (status == 0)
        status = api_authorise(r, body, len, AUTHZ_INVITE, prod, sizeof(prod), &p);
    if (status == 0)
        status = api_parse_object(r, body, len, &root);
    if (status != 0)
        goto out;
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s?i}", "member_id", &member_id,
                       "ttl_minutes", &ttl) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    if (ttl < 1 || ttl > INVITE_TTL_MAX_MIN) {
        status = http_error(r, 400, "invalid_request", "ttl_minutes", "ttl_minutes must be 1 to %d",
                            INVITE_TTL_MAX_MIN);
        goto out;
    }
    if (!ids_valid(member_id) || identity_member_get(r->db, prod, member_id, &m) != EP_OK ||
        m.removed_at != 0) {
        status = http_error(r, 404, "not_found", "member_id", "no member '%s' on this production",
                            member_id);
        goto out;
    }
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(code, sizeof(code), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    crypto_generichash(h, sizeof(h), (const unsigned char *)code, strlen(code), NULL, 0);
    expires = now + (int64_t)ttl * 60000;
    rc = identity_invite_create(r->db, h, m.id, prod, p.account_id, now, expires);
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot store invite");
        goto out;
    }
    /* The code rides in the fragment: browsers never send it to a server or
     * put it in a Referer, so it stays out of every log. */
    api_origin(r, org, sizeof(org));
    snprintf(link, sizeof(link), "%s/#pair=%s", org, code);
    svg = qr_svg(link);
    if (svg == NULL) {
        status = http_error(r, 500, "internal", NULL, "cannot draw the QR code");
        goto out;
    }
    auth_audit(r, &p, NULL, "invite.created", "for %s, %d min", m.id, ttl);
    status =
        http_json_new(r, 201,
                      json_pack("{s:s, s:s, s:s, s:s, s:I}", "code", code, "link", link, "qr_svg",
                                svg, "member_id", m.id, "expires_at", (json_int_t)expires));
out:
    sodium_memzero(code, sizeof(code));
    free(svg);
    free(body);
    json_decref(root);
    return status;
}
