/*
 * export.h - what the document exporters share: reading fields of the
 * engine's JSON, reading back the temporary file libxlsxwriter wrote, and the
 * words of a document in its reader's language. One exporter per domain sits
 * on top (export_footprint.h, export_diag.h, export_plan.h, export_kit.h,
 * export_evaluation.h); each answers new bytes the caller owns (free()).
 *
 * A document's words are data, not C: the "label.*" keys of the domain's
 * text files (sync/domain/data/text.{fr,en}.json, read through text.h),
 * compiled into the binary. Keys are the same in both files
 * (tests/js/text.test.mjs); a template
 * names its blanks "{name}" (export_fill), never printf conversions, so a
 * label file cannot crash the server. Numbers and dates go through fmt.h.
 *
 * Workbooks are built in a private temporary file (libxlsxwriter writes
 * files) under tmpdir, read back into memory and removed, so concurrent
 * requests never share a file. Everything here is thread-safe.
 */
#ifndef EP_EXPORT_H
#define EP_EXPORT_H

#include <jansson.h>
#include <stddef.h>

#define EXPORT_CELL 256 /* one PDF table cell's text, in bytes (a footprint line's departments) */

/* Who a document is written for: its language, and the indicator catalogue
 * that names indicators and their units in it. Both borrowed. */
struct export_doc {
    const char *lang;        /* "fr" or "en"; anything else reads as "fr" */
    const json_t *catalogue; /* carbon_catalogue()'s array, or NULL (ids stay ids) */
};

/* o[k] as a number, 0 when missing or not a number (o borrowed). */
double export_num(const json_t *o, const char *k);

/* o[k] as text, "" when missing or not a string; points into o. */
const char *export_str(const json_t *o, const char *k);

/*
 * Reads the file at path into *out (new, free()) and *len. Returns 0,
 * EP_EIO (unreadable or empty) or EP_ENOMEM; *out is untouched on failure.
 */
int export_slurp(const char *path, char **out, size_t *len);

/* v in French into buf: fmt_number(v, decimals, "fr") (grouped with U+202F,
 * decimal comma, U+2212 minus). Kept for the exporters written before fmt.h;
 * new code calls fmt_number with the document's language. */
void export_fr_num(double v, int decimals, char *buf, size_t len);

/* "en" when lang says English, else "fr": the two languages documents have. */
const char *export_lang(const char *lang);

/*
 * The label of key in lang: the text "label.<key>" (static, lives for the
 * program), the French one when English lacks it, key itself when neither
 * has it (a test keeps the files complete, so that only shows a missing
 * key, never crashes).
 */
const char *export_label(const char *lang, const char *key);

/*
 * The label of "<group>.<value>" ("theme", "food" -> "Alimentation"), or
 * value itself when there is none: what people typed stays as they typed it.
 * NULL value reads as "".
 */
const char *export_label_of(const char *lang, const char *group, const char *value);

/*
 * tpl with each "{name}" replaced by its value, from name, value pairs ending
 * with a NULL name: export_fill(b, n, "Au {today}", "today", d, NULL). An
 * unknown blank is left as written. Cut at a character boundary to fit len;
 * returns buf.
 */
char *export_fill(char *buf, size_t len, const char *tpl, ...);

/* "n word" with key's ".one" or ".other" label (fmt_count's plural rule). */
char *export_count(char *buf, size_t len, const char *lang, long n, const char *key);

/* The catalogue indicator id's name in the document's language; "" for an
 * empty id; the id itself when the catalogue does not know it. */
const char *export_indicator(const struct export_doc *d, const char *id);

/*
 * A quantity of indicator id: "1 300 L", "12 repas" / "12 meals" (fmt_quantity
 * and the unit's label); the document's "missing data" when v is not a
 * number. Returns buf.
 */
char *export_amount(char *buf, size_t len, const struct export_doc *d, const json_t *v,
                    const char *id);

#endif
