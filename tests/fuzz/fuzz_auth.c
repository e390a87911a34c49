/*
 * fuzz_auth.c - libFuzzer target for what a phone sends before it is
 * trusted: the signed-request headers (X-EP-Device, X-EP-Counter,
 * X-EP-Signature) and a pairing request's code, public key and name.
 *
 * The input is split at newlines into those fields. Whatever they hold, the
 * checks refuse them naming the field and the rule, or accept them only
 * when the rules hold: a counter in 1..2^53 written canonically, a 64-byte
 * signature, a 43-character code, a public key that is a valid Ed25519
 * point, a name of 1 to 100 bytes.
 *
 * Run long: build/fuzz/tests/fuzz_auth -max_total_time=3600 tests/fuzz/corpus/auth
 */
#include "auth.h"
#include "err.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits a copy of data at '\n' into at most n NUL-terminated fields;
 * missing ones are NULL. Returns the copy (free it). */
static char *split(const uint8_t *data, size_t size, char **fields, int n)
{
    char *copy = malloc(size + 1), *p;
    int i = 0;

    if (copy == NULL)
        abort();
    memcpy(copy, data, size);
    copy[size] = '\0';
    for (int k = 0; k < n; k++)
        fields[k] = NULL;
    p = copy;
    while (i < n && p != NULL) {
        char *nl = strchr(p, '\n');
        fields[i++] = p;
        if (nl != NULL)
            *nl = '\0';
        p = nl != NULL ? nl + 1 : NULL;
    }
    return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *f[6];
    char *copy;
    struct ep_error err;
    unsigned char sig[64], key[32];
    int64_t counter = 0;

    if (sodium_init() < 0)
        abort();
    copy = split(data, size, f, 6);
    ep_error_clear(&err);
    if (auth_device_headers(f[0], f[1], f[2], &counter, sig, &err) == EP_OK) {
        char canon[24];
        snprintf(canon, sizeof(canon), "%" PRId64, counter);
        if (counter < 1 || counter > (INT64_C(1) << 53) || strcmp(canon, f[1]) != 0 ||
            strlen(f[2]) != 86)
            abort(); /* accepted something outside the rules */
    } else if (err.message[0] == '\0' || strncmp(err.field, "X-EP-", 5) != 0) {
        abort(); /* a refusal names the header and the rule */
    }
    ep_error_clear(&err);
    if (f[3] != NULL && f[4] != NULL && f[5] != NULL) {
        if (auth_pairing_check(f[3], f[4], f[5], key, &err) == EP_OK) {
            if (strlen(f[3]) != 43 || strlen(f[5]) == 0 || strlen(f[5]) > 100 ||
                crypto_core_ed25519_is_valid_point(key) != 1)
                abort();
        } else if (err.field[0] == '\0' || err.message[0] == '\0') {
            abort();
        }
    }
    free(copy);
    return 0;
}
