/*
 * jsonin.c - depth-checked JSON parsing of untrusted text (see jsonin.h).
 */
#include "jsonin.h"

#include <stdio.h>

/* Scans buf once; returns the offset of the bracket that first goes past
 * limit, or len when the text stays within it. *deepest gets the depth seen. */
static size_t scan(const char *buf, size_t len, size_t limit, size_t *deepest)
{
    size_t depth = 0, max = 0, i;
    int in_string = 0;

    for (i = 0; i < len; i++) {
        char c = buf[i];

        if (in_string) {
            if (c == '\\')
                i++; /* the escaped character cannot end the string */
            else if (c == '"')
                in_string = 0;
            continue;
        }
        if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            depth++;
            if (depth > max)
                max = depth;
            if (depth > limit)
                break;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    *deepest = max;
    return i < len ? i : len;
}

size_t jsonin_depth(const char *buf, size_t len, size_t limit)
{
    size_t deepest = 0;

    (void)scan(buf, len, limit, &deepest);
    return deepest;
}

json_t *jsonin_loadb(const char *buf, size_t len, size_t flags, json_error_t *err)
{
    size_t deepest = 0, at, i;
    int line = 1, column = 0;

    at = scan(buf, len, JSONIN_MAX_DEPTH, &deepest);
    if (deepest <= JSONIN_MAX_DEPTH)
        return json_loadb(buf, len, flags, err);
    for (i = 0; i <= at && i < len; i++) {
        if (buf[i] == '\n') {
            line++;
            column = 0;
        } else {
            column++;
        }
    }
    err->line = line;
    err->column = column;
    err->position = (int)at;
    snprintf(err->source, sizeof(err->source), "%s", "<buffer>");
    snprintf(err->text, sizeof(err->text), "JSON nested deeper than %d levels", JSONIN_MAX_DEPTH);
    /* Jansson keeps the error code in the text's last byte. */
    err->text[JSON_ERROR_TEXT_LENGTH - 1] = (char)json_error_stack_overflow;
    return NULL;
}
