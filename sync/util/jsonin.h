/*
 * jsonin.h - the one entry point for JSON that arrives from outside (request
 * bodies, pushed ops, signed payloads).
 *
 * Jansson's parser recurses once per nesting level and only stops at 2048
 * levels (JSON_PARSER_MAX_DEPTH in 2.14). CivetWeb's worker threads run on
 * the stack size Debian's libcivetweb was built with (102,400 bytes, the
 * CIVETWEB_THREAD_STACK_SIZE default; 1.15 has no option to change it), and a
 * body of 1,000 '[' overflowed it before Jansson's own limit: a 2 KB request
 * killed the process. So the depth is counted here, in one flat pass that
 * uses no stack, and the text reaches Jansson only when it is shallow.
 * Reentrant; no state.
 */
#ifndef EP_JSONIN_H
#define EP_JSONIN_H

#include <jansson.h>
#include <stddef.h>

/* Deepest nesting of objects and arrays accepted from the network. Our own
 * bodies go at most 6 levels deep (push: body, ops, op, fields, a list, an
 * object in it); 32 leaves room and costs a few KiB of stack in Jansson. */
#define JSONIN_MAX_DEPTH 32

/*
 * The deepest nesting of [ and { in buf (len bytes), brackets inside strings
 * not counted. Stops counting once past limit and returns limit + 1, so a
 * hostile body costs one pass at most. Malformed text is Jansson's to judge.
 */
size_t jsonin_depth(const char *buf, size_t len, size_t limit);

/*
 * json_loadb(buf, len, flags, err) after checking the depth against
 * JSONIN_MAX_DEPTH. Too deep: returns NULL with err filled like a Jansson
 * error (text "JSON nested deeper than 32 levels", line and column of the
 * first bracket past the limit). err may not be NULL.
 */
json_t *jsonin_loadb(const char *buf, size_t len, size_t flags, json_error_t *err);

#endif
