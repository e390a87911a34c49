/* export_kit.c - the communication kit as a PDF (see export_kit.h). */
#include "export_kit.h"
#include "err.h"
#include "export.h"
#include "imgmeta.h"
#include "pdf.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- kit photos in the PDF ------------------------------------------------ */

#define KIT_PHOTO_MAX_PX 4096 /* a decoded surface of 64 MiB at most */
#define KIT_PHOTO_W 360.0     /* points: the box a photo is fitted into */
#define KIT_PHOTO_H 270.0

/* PNG bytes read by cairo from memory. */
struct mem_reader {
    const unsigned char *p;
    size_t left;
};

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int length)
{
    struct mem_reader *m = closure;

    if (length > m->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, m->p, length);
    m->p += length;
    m->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

static void draw_photo(cairo_t *cr, double x, double y, double w, double h, void *data)
{
    cairo_surface_t *img = data;

    cairo_save(cr);
    cairo_translate(cr, x, y);
    cairo_scale(cr, w / cairo_image_surface_get_width(img),
                h / cairo_image_surface_get_height(img));
    cairo_set_source_surface(cr, img, 0, 0);
    /* A bounded fill, not cairo_paint(): cairo 1.16 fails a tagged PDF
     * ("invalid tag nesting") when an unbounded paint sits inside a tag. */
    cairo_rectangle(cr, 0, 0, cairo_image_surface_get_width(img),
                    cairo_image_surface_get_height(img));
    cairo_fill(cr);
    cairo_restore(cr);
}

/*
 * A cairo surface for a JPEG or PNG photo, or NULL (WebP, damaged, too
 * large). A JPEG is not decoded: cairo embeds its bytes as they are (the
 * mime data), on a blank surface of the size its SOF marker gives; *bytes
 * then belongs to the surface.
 */
static cairo_surface_t *photo_surface(unsigned char **bytes, size_t len)
{
    const char *type = imgmeta_sniff(*bytes, len);
    cairo_surface_t *img = NULL;
    int w = 0, h = 0;

    if (type == NULL || imgmeta_dimensions(*bytes, len, &w, &h) != EP_OK || w > KIT_PHOTO_MAX_PX ||
        h > KIT_PHOTO_MAX_PX)
        return NULL;
    if (strcmp(type, IMGMETA_PNG) == 0) {
        struct mem_reader m = {*bytes, len};
        img = cairo_image_surface_create_from_png_stream(read_mem, &m);
    } else {
        img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS ||
            cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, *bytes, len, free, *bytes) !=
                CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(img); /* a blank surface would print a blank photo */
            return NULL;
        }
        *bytes = NULL; /* the surface frees it */
    }
    if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        return NULL;
    }
    return img;
}

/* The embedded photos of one practice, each a Figure with its caption as /Alt. */
static int kit_pdf_photos(struct pdf *p, const json_t *kit, const char *action)
{
    const json_t *ph;
    size_t i;
    int rc = EP_OK;

    json_array_foreach(json_object_get(kit, "photos"), i, ph)
    {
        const char *b64 = export_str(ph, "data");
        size_t n = strlen(b64), len = 0;
        unsigned char *bytes;
        cairo_surface_t *img;
        double w, h, k;
        if (strcmp(export_str(ph, "action"), action) != 0 || n == 0)
            continue;
        bytes = malloc(n / 4 * 3 + 3);
        if (bytes == NULL)
            return EP_ENOMEM;
        if (sodium_base642bin(bytes, n / 4 * 3 + 3, b64, n, NULL, &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0) {
            free(bytes);
            continue;
        }
        img = photo_surface(&bytes, len);
        free(bytes);
        if (img == NULL) {
            rc = pdf_note(p, "(photo au format WebP ou illisible : voir la version HTML du kit)");
            if (rc != EP_OK)
                return rc;
            continue;
        }
        w = cairo_image_surface_get_width(img);
        h = cairo_image_surface_get_height(img);
        k = KIT_PHOTO_W / w < KIT_PHOTO_H / h ? KIT_PHOTO_W / w : KIT_PHOTO_H / h;
        rc = pdf_figure(p, export_str(ph, "caption"), w * k, h * k, draw_photo, img);
        if (rc == EP_OK)
            rc = pdf_note(p, export_str(ph, "caption"));
        cairo_surface_destroy(img);
        if (rc != EP_OK)
            return rc;
    }
    return rc;
}

int export_kit_pdf(const json_t *kit, char **out, size_t *len)
{
    static const char *const head[] = {"Indicateur", "Valeur", "Précision"};
    static const char *const parts[][2] = {{"objective", "Objectif"},
                                           {"means", "Moyens"},
                                           {"result", "Résultat"},
                                           {"success_factors", "Ce qui a fait la différence"},
                                           {"lessons", "À savoir"}};
    const json_t *figs = json_object_get(kit, "figures");
    size_t nf = json_array_size(figs), i;
    char title[512], (*vals)[64] = NULL, line[2300];
    const char **cells = NULL;
    const json_t *x;
    struct pdf *p;
    int rc = EP_ENOMEM;

    snprintf(title, sizeof(title), "%s — %s", export_str(kit, "title"),
             export_str(kit, "production"));
    p = pdf_new(title, "fr-FR", "Kit de communication (compétence C10)");
    cells = calloc(nf * 3 + 1, sizeof(*cells));
    vals = calloc(nf + 1, sizeof(*vals));
    if (p == NULL || cells == NULL || vals == NULL)
        goto out;
    rc = pdf_heading(p, 1, title);
    if (rc == EP_OK)
        rc = pdf_paragraph(p, export_str(kit, "intro"));
    json_array_foreach(figs, i, x)
    {
        json_t *v = json_object_get(x, "value");
        if (json_is_integer(v))
            snprintf(vals[i], sizeof(vals[i]), "%lld %s", (long long)json_integer_value(v),
                     export_str(x, "unit"));
        else if (json_is_number(v))
            snprintf(vals[i], sizeof(vals[i]), "%.1f %s", json_number_value(v),
                     export_str(x, "unit"));
        else
            snprintf(vals[i], sizeof(vals[i]), "donnée manquante");
        cells[i * 3] = export_str(x, "label");
        cells[i * 3 + 1] = vals[i];
        cells[i * 3 + 2] = export_str(x, "note");
    }
    if (rc == EP_OK && nf > 0)
        rc = pdf_heading(p, 2, "Chiffres clés");
    if (rc == EP_OK && nf > 0)
        rc = pdf_table(p, head, 3, cells, nf);
    json_array_foreach(json_object_get(kit, "practices"), i, x)
    {
        if (rc == EP_OK && i == 0)
            rc = pdf_heading(p, 2, "Fiches pratiques");
        if (rc == EP_OK) {
            snprintf(line, sizeof(line), "• %s", export_str(x, "title"));
            rc = pdf_paragraph(p, line);
        }
        for (size_t k = 0; rc == EP_OK && k < sizeof(parts) / sizeof(parts[0]); k++) {
            if (export_str(x, parts[k][0])[0] == '\0')
                continue;
            snprintf(line, sizeof(line), "%s : %s", parts[k][1], export_str(x, parts[k][0]));
            rc = pdf_note(p, line);
        }
        if (rc == EP_OK)
            rc = kit_pdf_photos(p, kit, export_str(x, "id"));
    }
    json_array_foreach(json_object_get(kit, "tips"), i, x)
    {
        if (rc == EP_OK && i == 0)
            rc = pdf_heading(p, 2, "Conseils");
        if (rc == EP_OK) {
            snprintf(line, sizeof(line), "• %s", json_string_value(x));
            rc = pdf_paragraph(p, line);
        }
    }
    if (rc == EP_OK)
        rc = pdf_finish(p, out, len);
out:
    free(cells);
    free(vals);
    pdf_free(p);
    return rc;
}
