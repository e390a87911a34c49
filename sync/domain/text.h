/*
 * text.h - the domain's prose as data, per language.
 *
 * Every sentence, heading and label the domain modules and their documents
 * write (the C1 questionnaire's graded texts and advice, the dossier, the
 * oral defence, the evaluation), and the renderers' document labels under
 * "label." (backend/render/export.h, export_label), lives in
 * sync/domain/data/text.fr.json and text.en.json: flat objects
 * { "key": "text" } with the same keys in both
 * files (tests/unit/domain/test_text.c and tests/js/text.test.mjs check it,
 * and that every key the C code asks for exists). They are compiled into the
 * binary (cmake/embed.cmake, table ep_texts) like the migrations, so a word
 * changes in a data file, not in C, and a deployed server needs no file
 * beside it.
 *
 * Texts hold named placeholders, "{name}", filled by text_fmt from
 * name/value pairs the caller formats first (numbers and dates with
 * sync/util/fmt, in the same language). Plurals are two keys, "<key>.one"
 * and "<key>.other", chosen by text_count with the language's rule.
 *
 * lang is "fr" or "en"; anything else (NULL included) reads as "fr", the
 * product's first language. A key missing from one language falls back to
 * French; a key missing from both is returned as itself, so a defect shows
 * in the document instead of crashing it.
 *
 * The tables are parsed once, on first use (pthread_once), then only read:
 * every function is thread-safe. Returned texts live for the whole program.
 */
#ifndef EP_TEXT_H
#define EP_TEXT_H

#include <jansson.h>
#include <stddef.h>

struct strbuf;

/* The languages the files hold, NULL-terminated: {"fr", "en", NULL}. */
extern const char *const text_langs[];

/* "en" when lang says English, else "fr" (static strings). */
const char *text_lang(const char *lang);

/* The text of key in lang (see the fallbacks above); never NULL. */
const char *text_get(const char *lang, const char *key);

/* 1 when lang's own file holds key, 0 otherwise (no fallback). */
int text_has(const char *lang, const char *key);

/*
 * The whole table of lang ({"key": "text"}), borrowed, for the tests and
 * for tools that list the keys; NULL when the embedded file is missing or
 * not a flat object of strings (a build defect).
 */
const json_t *text_table(const char *lang);

/*
 * Appends key's text to b with its placeholders filled. The variable
 * arguments are const char * pairs (name, value) ended by NULL:
 *   text_fmt(b, "fr", "dossier.plan.intro", "n", "3", NULL)
 * A placeholder with no pair is copied as written ("{n}"), so a missing
 * argument is visible. Returns 0 or strbuf's EP_ENOMEM / EP_ETOOBIG.
 */
int text_fmt(struct strbuf *b, const char *lang, const char *key, ...);

/*
 * Same, into buf (len bytes, always NUL-terminated, cut at a character
 * boundary when too long); returns buf so it can be a printf argument.
 * No value may point into buf (it is emptied first).
 */
char *text_fmtbuf(char *buf, size_t len, const char *lang, const char *key, ...);

/*
 * The plural key for n in buf: "<key>.one" or "<key>.other" by lang's rule
 * (French takes the singular for 0 and 1, English only for 1), to pass to
 * text_fmt with the count in "{n}". Returns buf ("" when it does not fit).
 */
char *text_count_key(char *buf, size_t len, const char *key, long n, const char *lang);

#endif
