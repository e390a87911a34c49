/*
 * dossier.h - the certification candidate's professional dossier drafted
 * from the production's data (référentiel "Dossier professionnel"): the
 * parts in the order the référentiel asks for, each with the competencies
 * C1-C10 it shows (written in the margin), then annexes of detailed tables
 * that do not count in the 12-page limit.
 *
 * The candidate explains their choices: each part's text may be edited as
 * a synced record of collection "dossier_parts" (schema/0010_dossier.sql,
 * id = the part's id, fields "text", "competencies", "include"); an edited
 * text replaces the generated draft of that part. Missing data is written
 * as missing ("donnée manquante"), never as zero.
 *
 * Pagination and the 12-page rule are the renderer's (backend/render/dossdoc.c):
 * this module only says what the dossier contains. Thread-safe with one
 * struct db per thread.
 */
#ifndef EP_DOSSIER_H
#define EP_DOSSIER_H

#include <jansson.h>
#include <stddef.h>

struct db;

/* The main body's page limit, annexes excluded (référentiel). */
#define DOSSIER_PAGE_LIMIT 12

/* Number of parts and the id of part i (0-based, in dossier order), or NULL. */
size_t dossier_part_count(void);
const char *dossier_part_id(size_t i);

/*
 * Drafts the dossier of production_id as of today (ISO day), written in
 * lang ("fr" or "en", anything else French: sync/domain/text.h). *out:
 *   {"production" (title),"today","lang","limit":12,
 *    "parts":[{"id","title","competencies":["C1",...],"margin":"C3 · C4",
 *      "text","generated","source":"generated"|"edited","include":bool,
 *      "conflict":bool}],
 *    "annexes":[{"id","title","header":[...],"rows":[[...]]}],
 *    "missing":[what the data lacks, in lang]}
 * text is the edited text when there is one, else the generated draft (both
 * plain text, paragraphs separated by a blank line, lines starting "- " are
 * list items). Returns 0, EP_ENOTFOUND (no such production) or a storage
 * code.
 */
int dossier_build(struct db *db, const char *production_id, const char *today, const char *lang,
                  json_t **out);

/*
 * The dossier (dossier_build's object, borrowed, pages optional) as
 * Markdown in the dossier's "lang": a title, each included part as a heading followed by its
 * competencies ("> Compétences : C3 · C4"), the annexes as tables. *out
 * owns the text (free()). Returns 0 or EP_ENOMEM / EP_ETOOBIG.
 */
int dossier_markdown(const json_t *dossier, char **out, size_t *len);

#endif
