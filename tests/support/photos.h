/*
 * photos.h - real image bytes for the attachment tests: the fixtures of
 * tests/fixtures/img (made by chromium's encoders, see make.mjs) and the
 * same images with location metadata spliced in, as a phone camera writes
 * it (an Exif GPS IFD, an XMP packet).
 */
#ifndef EP_TEST_PHOTOS_H
#define EP_TEST_PHOTOS_H

#include <stddef.h>

/* Reads tests/fixtures/img/<name> into a new buffer (free()); aborts if absent. */
unsigned char *photos_fixture(const char *name, size_t *len);

/* jpg with an APP1 Exif segment (GPS 47°05'30"N 6°02'E) right after SOI. */
unsigned char *photos_jpeg_with_gps(const unsigned char *jpg, size_t len, size_t *outlen);

/* png with an eXIf chunk (same GPS) and an iTXt XMP chunk after IHDR. */
unsigned char *photos_png_with_gps(const unsigned char *png, size_t len, size_t *outlen);

/* webp (VP8X) with EXIF and "XMP " chunks appended, their VP8X flags set. */
unsigned char *photos_webp_with_gps(const unsigned char *webp, size_t len, size_t *outlen);

/* 1 if needle (n bytes) occurs in hay (len bytes). */
int photos_contains(const unsigned char *hay, size_t len, const void *needle, size_t n);

/* The SHA-256 of data as 64 lowercase hex digits into hex (65 bytes). */
void photos_sha256_hex(const unsigned char *data, size_t len, char hex[65]);

#endif
