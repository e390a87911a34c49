/*
 * ids.h - the one rule for ids chosen by clients and by the server: op,
 * record, device, member, production and account ids alike
 * (docs/sync-protocol.md §2): 1 to 64 characters of [A-Za-z0-9_.:~-].
 * These are RFC 3986's unreserved characters plus ':', so an id is safe in
 * a URL path segment, an HTTP header and a file name without escaping. The
 * PWA applies the same rule (ID_RE in pwa/js/sync/engine.js).
 * Pure, thread-safe.
 */
#ifndef EP_IDS_H
#define EP_IDS_H

#define IDS_MAX 64 /* longest id, in bytes */

/* 1 when s (may be NULL) is a valid id, else 0. */
int ids_valid(const char *s);

#endif
