/*
 * imgmeta.h - what a photo really is, and its location metadata removed.
 *
 * Pure functions over bytes (no storage, no globals, thread-safe), used by
 * sync/domain/attach.c when an upload completes and by the kit's PDF (dimensions),
 * and fuzzed by tests/fuzz/fuzz_imgmeta.c. Three formats are accepted, the
 * ones phones and browsers produce: JPEG, PNG, WebP.
 *
 * Stripping never decodes or re-encodes pixels: it walks the container and
 * leaves out the blocks that may carry a position, so the image is
 * bit-identical otherwise.
 *  - JPEG: APP1 segments holding Exif (GPS IFD, but also the camera, the
 *    serial number, the thumbnail) or XMP (exif:GPSLatitude...). When the
 *    Exif block said the photo is rotated (Orientation 2-8), a minimal Exif
 *    block holding only that Orientation takes its place (32 bytes, never
 *    more than what it replaces), so the photo is still shown upright.
 *  - PNG: eXIf chunks and the text chunks (tEXt, zTXt, iTXt) whose keyword is
 *    "XML:com.adobe.xmp". Other chunks keep their own CRCs, untouched.
 *  - WebP: the "EXIF" and "XMP " RIFF chunks; the VP8X header's EXIF and XMP
 *    flags are cleared and the RIFF size rewritten.
 */
#ifndef EP_IMGMETA_H
#define EP_IMGMETA_H

#include <stddef.h>

#define IMGMETA_JPEG "image/jpeg"
#define IMGMETA_PNG "image/png"
#define IMGMETA_WEBP "image/webp"

/*
 * The type the magic bytes of buf say (one of the IMGMETA_* strings, static),
 * or NULL when they are none of the three formats.
 */
const char *imgmeta_sniff(const unsigned char *buf, size_t len);

/*
 * Copies buf (a JPEG, PNG or WebP, as sniffed) into *out without its
 * location-bearing metadata (see the top of this file). *out is a new
 * buffer (free()) of *outlen bytes, never longer than len; *removed
 * (may be NULL) receives the number of blocks left out. Returns 0,
 * EP_EINVAL when the container is malformed (truncated block, bad
 * signature, lengths past the end; nothing is written), or EP_ENOMEM.
 */
int imgmeta_strip(const unsigned char *buf, size_t len, unsigned char **out, size_t *outlen,
                  int *removed);

/*
 * 1 when buf carries location-bearing metadata that imgmeta_strip would
 * remove (a JPEG Exif/XMP segment other than the orientation-only one it
 * writes, a PNG eXIf/XMP chunk, a WebP EXIF/XMP chunk), 0 when not or when
 * buf is malformed. For tests and logs.
 */
int imgmeta_has_metadata(const unsigned char *buf, size_t len);

/*
 * Pixel dimensions of a JPEG (its SOF marker) or PNG (IHDR). Returns 0,
 * or EP_EINVAL (other type, malformed, or no frame header).
 */
int imgmeta_dimensions(const unsigned char *buf, size_t len, int *width, int *height);

#endif
