/*
 * fuzz_verify.c - libFuzzer target for the signature checker behind
 * `ecoplateau verify FILE` and the phones' badge (comms_verify).
 *
 * Two properties, chosen by the first input byte:
 *   - any bytes as an envelope: refused with a reason, or (never, in
 *     practice) valid; no crash, no leak;
 *   - the rest of the input as a payload signed with a fixed key: the
 *     envelope verifies, and changing any one byte of the payload, of the
 *     signature or of the key makes it fail.
 *
 * Run long: build/fuzz/tests/fuzz_verify -max_total_time=3600 tests/fuzz/corpus/verify
 */
#include "comms.h"
#include "err.h"

#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
static char key_id[17];

static void init(void)
{
    unsigned char seed[crypto_sign_SEEDBYTES], digest[32];

    if (sodium_init() < 0)
        abort();
    memset(seed, 7, sizeof(seed));
    crypto_sign_seed_keypair(pk, sk, seed);
    crypto_generichash(digest, sizeof(digest), pk, sizeof(pk), NULL, 0);
    sodium_bin2hex(key_id, sizeof(key_id), digest, 8);
}

static char *b64(const unsigned char *bin, size_t len)
{
    size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(n);
    if (out == NULL)
        abort();
    return sodium_bin2base64(out, n, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* 0 if the envelope of (payload, sig, key) verifies. */
static int verify(const unsigned char *payload, size_t len, const unsigned char *sig,
                  const unsigned char *key)
{
    char *p64 = b64(payload, len), *s64 = b64(sig, crypto_sign_BYTES),
         *k64 = b64(key, crypto_sign_PUBLICKEYBYTES);
    struct ep_error why = {0};
    json_t *env = json_pack("{s:s, s:s, s:s, s:s, s:s}", "alg", "Ed25519", "key_id", key_id,
                            "public_key", k64, "payload", p64, "signature", s64);
    int rc = comms_verify(env, NULL, &why);

    if (rc != EP_OK && why.message[0] == '\0')
        abort();
    json_decref(env);
    free(p64);
    free(s64);
    free(k64);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (key_id[0] == '\0')
        init();
    if (size == 0)
        return 0;
    if (data[0] & 1) {
        json_error_t jerr;
        struct ep_error why = {0};
        json_t *payload = NULL;
        json_t *env = json_loadb((const char *)data + 1, size - 1, 0, &jerr);
        if (env == NULL)
            return 0;
        if (comms_verify(env, &payload, &why) != EP_OK && why.message[0] == '\0')
            abort();
        json_decref(payload);
        json_decref(env);
    } else {
        unsigned char sig[crypto_sign_BYTES], key[crypto_sign_PUBLICKEYBYTES];
        unsigned char *msg = malloc(size);
        size_t len = size - 1, at;
        if (msg == NULL)
            abort();
        memcpy(msg, data + 1, len);
        crypto_sign_detached(sig, NULL, msg, len, sk);
        if (verify(msg, len, sig, pk) != EP_OK)
            abort(); /* a genuine signature over any bytes verifies */
        at = len > 0 ? data[0] % len : 0;
        if (len > 0) {
            msg[at] ^= 0x01;
            if (verify(msg, len, sig, pk) == EP_OK)
                abort(); /* one changed payload byte is detected */
            msg[at] ^= 0x01;
        }
        sig[data[0] % sizeof(sig)] ^= 0x80;
        if (verify(msg, len, sig, pk) == EP_OK)
            abort(); /* so is one changed signature byte */
        sig[data[0] % sizeof(sig)] ^= 0x80;
        memcpy(key, pk, sizeof(key));
        key[data[0] % sizeof(key)] ^= 0x02;
        if (verify(msg, len, sig, key) == EP_OK)
            abort(); /* and a swapped key (its id no longer matches) */
        free(msg);
    }
    return 0;
}
