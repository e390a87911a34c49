/*
 * promo.h - promoting what worked (C10): communication kits chosen per
 * audience and practice sheets of the reproducible actions, as JSON; the
 * documents (PDF, Markdown, HTML) are backend/render/export_kit.h's.
 *
 * Built on eval_production (eval.h). A figure whose data is missing is
 * given as missing (value null, listed in "missing"), never as zero.
 * Thread-safe with one struct db per thread.
 */
#ifndef EP_PROMO_H
#define EP_PROMO_H

#include <jansson.h>
#include <stddef.h>

struct db;

/* Who a kit speaks to; each gets the figures and texts that matter to it. */
enum promo_audience {
    PROMO_COMMISSIONER, /* "diffuseur": commissioner or broadcaster */
    PROMO_FUNDER,       /* "financeur": CNC, regions, funds */
    PROMO_PARTNERS,     /* "partenaires": partners and suppliers */
    PROMO_CREW,         /* "collaborateurs": future collaborators */
    PROMO_PUBLIC,       /* "grand_public" */
};

/* Parses an audience name (above, in quotes). 0 or EP_EINVAL. */
int promo_audience_parse(const char *name, enum promo_audience *out);

/*
 * The kit for audience as of today. *out:
 *   {"audience","production","title","intro","elapsed_days","total_days",
 *    "figures":[{"key","label","value"|null,"unit","note"}],
 *    "practices":[{"id","title","theme","objective","means","result",
 *    "attainment_pct","success_factors","lessons"}],"tips":[...],
 *    "missing":[...],"photos":[...]} (photos: see promo_kit_embed below)
 * title, intro, labels, units, notes, results and photo captions written
 * by the kit are in lang ("fr" or "en", anything else French: text.h, the
 * kit documents' "label.kit.*" texts and the "promo.*" ones); the keys
 * (the audience, each figure's key: footprint, gap, success with
 * "measured" and "no_data", attainment, reproducible) let a document word
 * them itself (backend/render/export_kit.c renders the kit as PDF,
 * Markdown and HTML).
 * Returns 0 or a storage code (EP_EINVAL for a malformed day).
 */
int promo_kit(struct db *db, const char *production_id, const char *today,
              enum promo_audience audience, const char *lang, json_t **out);

/*
 * Photos (docs/sync-protocol.md §10): the kit's "photos" array holds the complete photos of
 * each practice's action, oldest first:
 *   {"id","action","caption","content_type","url"}
 * where caption is the photo's own (its alternative text) or, without one,
 * "Photo de l'action « <title> »" in the kit's language; url is the download path
 * (/api/v1/productions/P/attachments/ID). promo_kit_embed adds "data" (the
 * bytes in base64) to the first max photos, within PROMO_EMBED_BYTES of
 * photo bytes in all, so the HTML page (data: URIs) and the PDF are
 * standalone; the Markdown links to url. Returns 0 or a storage code.
 */
#define PROMO_PHOTOS_EMBED 6
#define PROMO_EMBED_BYTES ((size_t)12 * 1024 * 1024)
int promo_kit_embed(struct db *db, const char *production_id, json_t *kit, size_t max);

#endif
