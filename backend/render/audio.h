/*
 * audio.h - the audio version of a communication: its text read aloud in
 * French or English by espeak-ng (Debian's espeak-ng program, voice "fr" or
 * "en"), as a WAV file. The text always travels alongside (the app and the email show it):
 * synthetic speech is an aid, not a replacement.
 *
 * Runs the program without a shell (posix_spawn), the text in a private
 * temp file, never on its command line. Thread-safe.
 */
#ifndef EP_AUDIO_H
#define EP_AUDIO_H

#include "err.h"
#include <stddef.h>

#define AUDIO_MAX_TEXT 20000 /* characters: about 25 minutes of speech */

/*
 * Speaks text (UTF-8) into *wav (free()), *len bytes, with the English voice
 * when lang is "en", else the French one (lang may be NULL). Returns 0,
 * EP_EINVAL (empty or over AUDIO_MAX_TEXT), EP_EIO (espeak-ng missing or
 * failed: reason in err) or EP_ENOMEM.
 */
int audio_wav(const char *text, const char *lang, char **wav, size_t *len, struct ep_error *err);

/*
 * Reads a WAV header: *duration_ms from the data chunk and byte rate.
 * Returns 0 or EP_EINVAL (not a PCM WAV). For tests and the health check.
 */
int audio_wav_duration(const char *wav, size_t len, long *duration_ms);

#endif
