/*
 * fuzz_imgmeta.c - libFuzzer target for the photo container walkers: any
 * bytes a phone uploads as an attachment (sync/util/imgmeta.h).
 *
 * Properties:
 *   - imgmeta_strip either refuses (EP_EINVAL, nothing allocated) or returns
 *     an image of the same sniffed type, never longer than the input;
 *   - stripping is idempotent: the output strips to itself, with nothing
 *     more removed, and carries no metadata (imgmeta_has_metadata);
 *   - has_metadata says 1 exactly when strip removed something;
 *   - imgmeta_dimensions never reads out of bounds and gives positive sizes.
 *
 * Run long: build/fuzz/tests/fuzz_imgmeta -max_total_time=3600 tests/fuzz/corpus/imgmeta
 */
#include "err.h"
#include "imgmeta.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *out = NULL, *again = NULL;
    size_t outlen = 0, againlen = 0;
    int removed = -1, removed2 = -1, w = 0, h = 0;
    const char *type = imgmeta_sniff(data, size);
    int rc = imgmeta_strip(data, size, &out, &outlen, &removed);

    if (imgmeta_dimensions(data, size, &w, &h) == EP_OK && (w <= 0 || h <= 0))
        abort();
    if (rc != EP_OK) {
        if (rc != EP_EINVAL || out != NULL || imgmeta_has_metadata(data, size))
            abort();
        return 0;
    }
    if (type == NULL || outlen > size || removed < 0 || imgmeta_sniff(out, outlen) != type)
        abort();
    if (imgmeta_has_metadata(data, size) != (removed > 0))
        abort();
    if (imgmeta_has_metadata(out, outlen))
        abort();
    if (imgmeta_strip(out, outlen, &again, &againlen, &removed2) != EP_OK || removed2 != 0 ||
        againlen != outlen || memcmp(again, out, outlen) != 0)
        abort();
    free(again);
    free(out);
    return 0;
}
