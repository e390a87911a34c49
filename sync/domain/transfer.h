/*
 * transfer.h - a whole production as a set of named files, and back: the
 * content of the archive that moves a closed production to another server
 * (docs/operations.md, "Exporting and importing a production").
 *
 *   manifest.json          {"format": "ecoplateau.production", "version": 1,
 *                           "schema": user_version of the exporting database,
 *                           "production": {"id", "title"}, "exported_at": ms,
 *                           "tables": {table: rows}, "attachments":
 *                           [{"id", "size", "sha256"}]}
 *   rows/<table>.jsonl     one JSON object per row, column -> value; a BLOB
 *                          is {"base64": "..."} (standard alphabet, padded)
 *   attachments/<id>       the stored bytes of each photo (attach_blob)
 *   documents/             the provisional and final footprints as the office
 *                          downloads them (CSV, JSON), to read the archive
 *                          without a server; not imported (recomputed)
 *
 * What a production is, table by table, is transfer.c's table list: its own
 * row, its members and the accounts they use (email, name, password hash),
 * its paired phones, the sync op log, records, versions, facts and
 * quarantine, the collection schedule, outbox, footprints, pinned factor
 * set, uploads and photos, and its audit events. Left out on purpose:
 * session cookies, pairing and join invitations (one-time secrets bound to
 * the old server's links), the production's signing key (sealed with the
 * old server's key: the new server makes its own), the company's shared
 * directory (it is the company's, not the production's).
 *
 * Container-free (no zip here): backend/core/bundle.c packs the entries.
 * Threading: one struct db per thread; "own transaction".
 */
#ifndef EP_TRANSFER_H
#define EP_TRANSFER_H

#include <stddef.h>
#include <stdint.h>

struct ep_error;

struct db;

#define TRANSFER_FORMAT "ecoplateau.production"
#define TRANSFER_VERSION 1

/* One named file of the archive. Both strings are owned by the list. */
struct transfer_entry {
    char *name;
    unsigned char *data;
    size_t len;
};

/* A growable list of entries. Zero-initialise, then transfer_list_release. */
struct transfer_list {
    struct transfer_entry *items;
    size_t n, cap;
};

/* Appends a copy of name and steals data (malloc'd, len bytes): on failure
 * data is freed too. Returns 0 or EP_ENOMEM. */
int transfer_list_add(struct transfer_list *l, const char *name, unsigned char *data, size_t len);

/* The entry called name, or NULL. Borrowed from l. */
const struct transfer_entry *transfer_list_find(const struct transfer_list *l, const char *name);

/* Frees every entry and the array; the list is empty afterwards. */
void transfer_list_release(struct transfer_list *l);

/*
 * Appends production_id's files (manifest last) to out, read in one read
 * transaction so they agree with each other. now: unix ms for exported_at.
 * Returns 0, EP_ENOTFOUND (no such production, or a company space),
 * EP_ENOMEM or EP_EIO.
 */
int transfer_export(struct db *db, const char *production_id, int64_t now,
                    struct transfer_list *out);

/*
 * Imports the files in into company_id, all or nothing (one write
 * transaction). The production keeps its id; sync sequence numbers are
 * renumbered after this database's (phones re-pull: another database id);
 * members' accounts are matched by email with the accounts already here,
 * else created as exported (their password hash with them). With
 * admin_account non-NULL (the office importing it), that account becomes
 * an administrator member (named admin_name, department "production")
 * unless it already is a member, so the production opens for it at once.
 * On success
 * returns 0 and the production's id in id_out (len >= 65). Failures write
 * nothing and say why in err (may be NULL; no field):
 *   EP_EINVAL    corrupt or foreign archive (bad manifest, unknown table or
 *                column, a row breaking a rule, a photo whose bytes do not
 *                match the manifest);
 *   EP_ESCHEMA   made by a newer server than this one;
 *   EP_ECONFLICT the production (or one of its records or phones) is
 *                already on this server, or its title is taken in the
 *                company;
 *   EP_ENOTFOUND no company company_id; EP_ENOMEM, EP_EIO, EP_EBUSY.
 */
int transfer_import(struct db *db, const struct transfer_list *in, const char *company_id,
                    const char *admin_account, const char *admin_name, char *id_out, size_t len,
                    struct ep_error *err);

#endif
