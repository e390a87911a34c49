/*
 * key.c - the production's public key, which phones use to verify signed
 * communications (docs/security.md).
 */
#include "api.h"
#include "app.h"

#include "auth.h"
#include "authz.h"
#include "err.h"
#include "identity.h"

#include <sodium.h>

json_t *api_key_json(const char *production_id, const struct identity_prodkey *k)
{
    char pk[64];
    sodium_bin2base64(pk, sizeof(pk), k->public_key, sizeof(k->public_key),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return json_pack("{s:s, s:s, s:s, s:s}", "production_id", production_id, "alg", "Ed25519",
                     "key_id", k->key_id, "public_key", pk);
}

int api_key_get(struct http_req *r)
{
    struct auth_principal p;
    char prod[IDENTITY_ID_MAX + 1];
    struct identity_prodkey k;
    int status = api_authorise(r, NULL, 0, AUTHZ_KEY_READ, prod, sizeof(prod), &p);
    int rc;

    if (status != 0)
        return status;
    rc = auth_production_key(r->app->auth, r->db, prod, &k);
    if (rc != EP_OK)
        return http_error(r, http_status_for(rc), rc == EP_ENOTFOUND ? "not_found" : "internal",
                          NULL, "no key for this production");
    return http_json_new(r, 200, api_key_json(prod, &k));
}
