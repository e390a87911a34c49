/*
 * slides.h - the oral defence (domain/oral.h) laid out: the slides as a
 * tagged landscape A4 PDF (one page per slide) and as an OpenDocument
 * presentation (libzip, one draw:page per slide with its speaker notes),
 * and the jury preparation sheet as a tagged A4 PDF.
 *
 * Every function reads oral_build's object (borrowed) and writes in its
 * "lang" (the texts "slides.*" of sync/domain/text.h).
 * Thread-safe: nothing shared between calls.
 */
#ifndef EP_SLIDES_H
#define EP_SLIDES_H

#include <jansson.h>
#include <stddef.h>

/*
 * The slides as a tagged PDF (/Lang fr-FR or en-GB): on each page the title (H1),
 * the competencies and timing (a note), the bullets (a list) and, on the
 * footprint slide, a bar chart with its alternative text. One page per
 * slide: a slide that would run over is an EP_ETOOBIG, never a silent
 * second page. *out owns the bytes (free()). Returns 0, EP_ENOMEM,
 * EP_ETOOBIG or EP_EIO.
 */
int slides_pdf(const json_t *oral, char **out, size_t *len);

/*
 * The slides as an OpenDocument presentation (mimetype first and stored,
 * content.xml, styles.xml, meta.xml, META-INF/manifest.xml): per slide a
 * title, the bullets, the competencies and timing, the bar chart drawn as
 * rectangles, and the speaker notes in presentation:notes. *out owns the
 * bytes (free()). Returns 0, EP_ENOMEM or EP_EIO.
 */
int slides_odp(const json_t *oral, char **out, size_t *len);

/*
 * The jury preparation sheet as a tagged A4 PDF: the timing plan, then per
 * competency C1-C10 the likely questions with the evidence answering each
 * and the gaps the jury will probe with what to say. *out owns the bytes
 * (free()). Returns 0, EP_ENOMEM or EP_EIO.
 */
int slides_prep_pdf(const json_t *oral, char **out, size_t *len);

#endif
