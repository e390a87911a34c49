/*
 * history.h - every edit ever made to one synced record, for the office's
 * "Historique" of actions, tasks, checkpoints, advice notes, directory
 * entries, criteria and schedules (docs/plan.md "Editing with history").
 *
 * The version graph (sync_version) keeps every version of every field, so
 * nothing needs storing here: an edit is one op, shown with the fields it
 * set, its clock and the person behind its device (a paired phone's member,
 * or the account of an office session, whose ops carry "office-<account>").
 * A deletion is the op setting "_deleted": it stays in the list.
 *
 * Thread-safe with one struct db per thread.
 */
#ifndef EP_HISTORY_H
#define EP_HISTORY_H

#include <jansson.h>

struct db;

/* Edits listed at most: a record edited more often shows its latest ones. */
#define HISTORY_MAX_EDITS 500

/*
 * The edits of record (col, rid) stored in space (a production id or a
 * company space "co:..."), oldest first, as a new array in *out of
 *   {"op","hlc","dev","author"|null,"fields":{name: value...},"deleted":bool}
 * where "deleted" says the edit voided the record. Empty when the record is
 * absent or another space's. Returns 0, EP_ENOMEM or a storage code.
 */
int history_record(struct db *db, const char *space, const char *col, const char *rid,
                   json_t **out);

#endif
