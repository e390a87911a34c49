/*
 * devices.c - phones: pairing with an invitation code, the production's
 * paired devices, revocation (docs/security.md).
 */
#include "api.h"
#include "app.h"
#include "clock.h"

#include "auth.h"
#include "authz.h"
#include "collect.h"
#include "err.h"
#include "identity.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_BODY_MAX 16384

int api_devices_pair(struct http_req *r)
{
    static const char *const why[] = {
        [IDENTITY_INVITE_UNKNOWN] = "invite_unknown",
        [IDENTITY_INVITE_EXPIRED] = "invite_expired",
        [IDENTITY_INVITE_USED] = "invite_used",
        [IDENTITY_INVITE_NO_MEMBER] = "member_removed",
        [IDENTITY_INVITE_KEY_TAKEN] = "key_taken",
        [IDENTITY_INVITE_ARCHIVED] = "production_archived",
    };
    char *body = NULL;
    size_t len = 0;
    json_t *root = NULL;
    json_error_t jerr;
    const char *code = NULL, *pk = NULL, *name = NULL;
    unsigned char h[32];
    struct identity_device dev;
    struct identity_member m;
    struct identity_prodkey key;
    enum identity_invite_result res = IDENTITY_INVITE_OK;
    struct auth_principal who;
    int status, rc;

    memset(&dev, 0, sizeof(dev));
    memset(&who, 0, sizeof(who));
    status = http_read_body(r, SMALL_BODY_MAX, &body, &len);
    if (status == 0)
        status = api_parse_object(r, body, len, &root);
    if (status != 0)
        goto out;
    if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:s, s:s}", "code", &code, "public_key",
                       &pk, "name", &name) != 0) {
        status = http_unpack_error(r, &jerr);
        goto out;
    }
    {
        struct ep_error err;
        rc = auth_pairing_check(code, pk, name, dev.public_key, &err);
        if (rc != EP_OK) {
            if (rc == EP_EAUTH)
                auth_audit(r, NULL, NULL, "pair.refused", "malformed code");
            status = api_error(r, 400, rc == EP_EAUTH ? "malformed_credentials" : "invalid_request",
                               &err);
            goto out;
        }
    }
    api_new_id("d-", dev.id, sizeof(dev.id));
    snprintf(dev.name, sizeof(dev.name), "%s", name);
    crypto_generichash(h, sizeof(h), (const unsigned char *)code, strlen(code), NULL, 0);
    rc = identity_invite_redeem(r->db, h, clock_now_ms(), &dev, &res);
    if (rc == EP_EAUTH) {
        int st = res == IDENTITY_INVITE_KEY_TAKEN || res == IDENTITY_INVITE_ARCHIVED ? 409
                 : res == IDENTITY_INVITE_NO_MEMBER                                  ? 403
                                                                                     : 401;
        snprintf(who.production_id, sizeof(who.production_id), "%s", dev.production_id);
        snprintf(who.member_id, sizeof(who.member_id), "%s", dev.member_id);
        auth_audit(r, &who, NULL, "pair.refused", "%s", why[res]);
        status = http_error(r, st, why[res],
                            res == IDENTITY_INVITE_KEY_TAKEN ? "public_key" : "code", "%s",
                            res == IDENTITY_INVITE_EXPIRED     ? "this invite has expired"
                            : res == IDENTITY_INVITE_USED      ? "this invite was already used"
                            : res == IDENTITY_INVITE_NO_MEMBER ? "the invited member was removed"
                            : res == IDENTITY_INVITE_KEY_TAKEN ? "this key is already paired"
                            : res == IDENTITY_INVITE_ARCHIVED
                                ? "this production is archived: no phone can join it until an "
                                  "administrator reopens it"
                                : "unknown invite code");
        goto out;
    }
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot pair: %s",
                            ep_strerror(rc));
        goto out;
    }
    snprintf(who.production_id, sizeof(who.production_id), "%s", dev.production_id);
    snprintf(who.member_id, sizeof(who.member_id), "%s", dev.member_id);
    snprintf(who.device_id, sizeof(who.device_id), "%s", dev.id);
    auth_audit(r, &who, NULL, "device.paired", "%s", dev.name);
    rc = identity_member_get(r->db, dev.production_id, dev.member_id, &m);
    if (rc == EP_OK)
        rc = auth_production_key(r->app->auth, r->db, dev.production_id, &key);
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "paired, but: %s",
                            ep_strerror(rc));
        goto out;
    }
    status = http_json_new(
        r, 201,
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o}", "device_id", dev.id, "member_id",
                  m.id, "member_name", m.name, "production_id", dev.production_id, "role",
                  identity_role_name(m.role), "department", m.department, "counter", 0,
                  "production_key", api_key_json(dev.production_id, &key)));
out:
    free(body);
    json_decref(root);
    return status;
}

int api_devices_list(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1], today[11];
    json_t *list = NULL;
    int status = api_authorise(r, NULL, 0, AUTHZ_DEVICES_READ, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    auth_store_devices(r->app->auth, r->db); /* counters and syncs kept in memory */
    status = api_today_param(r, today);
    if (status != 0)
        return status;
    rc = identity_devices_list(r->db, prod, &list);
    if (rc == EP_OK) {
        /* Which phones have been quiet for a whole period of their
         * department (collect.h), as of ?today= or the server's day. */
        rc = collect_flag_devices(r->db, prod, today, list);
        if (rc != EP_OK)
            json_decref(list);
    }
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), "internal", NULL, "cannot list devices");
    return http_json_new(r, 200, json_pack("{s:o}", "devices", list));
}

int api_devices_revoke(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1], did[IDENTITY_ID_MAX + 1];
    char *body = NULL;
    size_t len = 0;
    int64_t now = clock_now_ms();
    int status, rc;

    /* The body is ignored, but read so a session's CSRF-checked POST and a
     * signed one see the same bytes. */
    status = r->ri->content_length > 0 ? http_read_body(r, SMALL_BODY_MAX, &body, &len) : 0;
    if (status == 0)
        status = api_authorise(r, body, len, AUTHZ_DEVICES_REVOKE, prod, sizeof(prod), &p);
    if (status == 0)
        status = api_path_id(r, 1, did, sizeof(did));
    if (status != 0)
        goto out;
    rc = identity_device_revoke(r->db, prod, did, now);
    if (rc == EP_ENOTFOUND) {
        status =
            http_error(r, 404, "not_found", NULL, "no active device '%s' on this production", did);
        goto out;
    }
    if (rc != EP_OK) {
        status = http_error(r, http_status_for(rc), "internal", NULL, "cannot revoke");
        goto out;
    }
    {
        struct auth_principal target = p;
        snprintf(target.device_id, sizeof(target.device_id), "%s", did);
        auth_audit(r, &target, NULL, "device.revoked", "by member %s", p.member_id);
    }
    status =
        http_json_new(r, 200, json_pack("{s:s, s:I}", "id", did, "revoked_at", (json_int_t)now));
out:
    free(body);
    return status;
}
