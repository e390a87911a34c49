/*
 * hlc.c - hybrid logical clocks (Kulkarni et al., 2014) as used by sync.h.
 *
 * 48 bits of unix milliseconds cover years up to 10889; 16 bits of counter
 * allow 65,535 events in one millisecond before the clock borrows the next
 * millisecond, which keeps it monotonic without ever stalling.
 */
#include "err.h"
#include "sync.h"

#include <assert.h>
#include <stdio.h>

#define HLC_MS_BITS 48
#define HLC_MS_MASK ((UINT64_C(1) << HLC_MS_BITS) - 1)

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1; /* uppercase refused: one spelling per clock keeps string order */
}

int sync_hlc_parse(const char *text, uint64_t *out)
{
    uint64_t v = 0;

    if (text == NULL)
        return EP_EINVAL;
    for (int i = 0; i < SYNC_HLC_LEN; i++) {
        int h;
        if (i == 12) {
            if (text[i] != '-')
                return EP_EINVAL;
            continue;
        }
        h = hexval(text[i]);
        if (h < 0)
            return EP_EINVAL;
        v = (v << 4) | (uint64_t)h;
    }
    if (text[SYNC_HLC_LEN] != '\0')
        return EP_EINVAL;
    *out = v;
    return EP_OK;
}

void sync_hlc_format(uint64_t hlc, char *buf)
{
    snprintf(buf, SYNC_HLC_LEN + 1, "%012llx-%04x", (unsigned long long)((hlc >> 16) & HLC_MS_MASK),
             (unsigned)(hlc & 0xffff));
}

int64_t sync_hlc_ms(uint64_t hlc)
{
    return (int64_t)(hlc >> 16);
}

uint64_t sync_hlc_tick(uint64_t last, int64_t now_ms)
{
    uint64_t phys = ((uint64_t)now_ms & HLC_MS_MASK) << 16;
    /* last + 1 carries from the counter into the milliseconds when the
     * counter is full: still strictly greater, still well formed. */
    uint64_t next = phys > last ? phys : last + 1;

    /* The clock never repeats nor goes back: ops' order and the merge's
     * tie-breaks rest on it (48 bits of ms do not wrap before 10889). */
    assert(next > last);
    return next;
}
