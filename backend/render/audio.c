/* audio.c - text to speech with espeak-ng (see audio.h). */
#include "audio.h"

#include "err.h"
#include "strbuf.h"
#include "subproc.h"

#include <stdint.h>
#include <string.h>

#define WAV_MAX ((size_t)256 * 1024 * 1024)

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, size_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/*
 * espeak-ng writing to a pipe cannot seek back to fill in the RIFF and data
 * sizes, so it leaves placeholders: set them from the bytes received, or
 * players would expect more data than there is.
 */
static void fix_sizes(char *wav, size_t len)
{
    unsigned char *p = (unsigned char *)wav;
    size_t at = 12;

    if (len < 44 || memcmp(p, "RIFF", 4) != 0)
        return;
    put32(p + 4, len - 8);
    while (at + 8 <= len) {
        uint32_t size = le32(p + at + 4);
        if (memcmp(p + at, "data", 4) == 0) {
            put32(p + at + 4, len - at - 8);
            return;
        }
        at += 8 + (size_t)size + (size & 1);
    }
}

int audio_wav(const char *text, const char *lang, char **wav, size_t *len, struct ep_error *err)
{
    char path[] = "/tmp/ep-speech-XXXXXX";
    /* Two voices only, chosen here: the language never reaches argv as text. */
    char voice[3] = "fr";
    char *argv[] = {"espeak-ng", "-v", voice, "-s", "150", "--stdout", "-f", path, NULL};
    struct strbuf out;
    int rc;

    *wav = NULL;
    *len = 0;
    ep_error_clear(err);
    if (lang != NULL && strcmp(lang, "en") == 0)
        memcpy(voice, "en", sizeof(voice));
    if (text == NULL || text[0] == '\0' || strlen(text) > AUDIO_MAX_TEXT) {
        ep_error_set(err, EP_EINVAL, NULL, "the text to read must hold 1 to %d characters",
                     AUDIO_MAX_TEXT);
        return EP_EINVAL;
    }
    strbuf_init(&out, WAV_MAX);
    rc = subproc_collect(argv, path, text, strlen(text), "the text",
                         "is the espeak-ng package installed?", &out, err);
    if (rc == EP_OK) {
        long ms = 0;
        fix_sizes(out.p, out.len);
        if (audio_wav_duration(out.p, out.len, &ms) != EP_OK || ms <= 0) {
            ep_error_set(err, EP_EIO, NULL, "espeak-ng gave no usable audio");
            rc = EP_EIO;
        }
    }
    if (rc == EP_OK) {
        *wav = strbuf_detach(&out, len);
        rc = *wav != NULL ? EP_OK : EP_ENOMEM;
    }
    strbuf_release(&out);
    return rc;
}

int audio_wav_duration(const char *wav, size_t len, long *duration_ms)
{
    const unsigned char *p = (const unsigned char *)wav;
    uint32_t byte_rate = 0;
    size_t at = 12;

    *duration_ms = 0;
    if (len < 44 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WAVE", 4) != 0)
        return EP_EINVAL;
    while (at + 8 <= len) {
        uint32_t size = le32(p + at + 4);
        if (memcmp(p + at, "fmt ", 4) == 0 && at + 20 <= len) {
            if ((p[at + 8] | p[at + 9] << 8) != 1) /* PCM */
                return EP_EINVAL;
            byte_rate = le32(p + at + 16);
        } else if (memcmp(p + at, "data", 4) == 0) {
            /* Never trust a size beyond the bytes present. */
            size_t have = len - at - 8;
            size_t data = size < have ? size : have;
            if (byte_rate == 0)
                return EP_EINVAL;
            *duration_ms = (long)((uint64_t)data * 1000 / byte_rate);
            return EP_OK;
        }
        at += 8 + (size_t)size + (size & 1);
    }
    return EP_EINVAL;
}
