/*
 * subproc.h - run a helper program on an input file and collect its output.
 * (Not "spawn.h": that name would shadow <spawn.h> on the include path.)
 *
 * The renderers that lean on a Debian package (pdftoppm for page pictures,
 * espeak-ng for speech) do the same dance: write the input to a private
 * temporary file, spawn the program with its stdout on a pipe and its
 * stderr silenced, drain the pipe, wait, and judge the exit status. This is
 * that dance, once. Thread-safe: every call has its own file, pipe and child.
 */
#ifndef EP_SUBPROC_H
#define EP_SUBPROC_H

#include "err.h"
#include "strbuf.h"

#include <stddef.h>

/*
 * Writes input (len bytes) to a new 0600 file made from tmpl (a mkstemp()
 * template such as "/tmp/ep-page-XXXXXX", rewritten in place: argv may hold
 * tmpl itself to name the file), runs argv[0] found in PATH with argv, and
 * appends its stdout to out (initialised by the caller, whose cap bounds
 * it). The file is removed before returning. what names the input in
 * messages ("the page"), hint says what to install when the program fails
 * ("is poppler-utils installed?"). Returns 0; EP_EIO with the reason in err
 * (the file, the spawn, a non-zero exit); or out's EP_ETOOBIG / EP_ENOMEM.
 * On error out holds whatever arrived: the caller releases it either way.
 */
int subproc_collect(char *const argv[], char *tmpl, const char *input, size_t len, const char *what,
                    const char *hint, struct strbuf *out, struct ep_error *err);

#endif
