/* subproc.c - run a helper program and collect its output (see subproc.h). */
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Writes all of data to fd. */
static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return EP_EIO;
        data += n;
        len -= (size_t)n;
    }
    return EP_OK;
}

int subproc_collect(char *const argv[], char *tmpl, const char *input, size_t len, const char *what,
                    const char *hint, struct strbuf *out, struct ep_error *err)
{
    posix_spawn_file_actions_t fa;
    int fd, pipefd[2] = {-1, -1}, st = 0, rc;
    pid_t pid = -1;

    fd = mkstemp(tmpl); /* 0600: the input may not be public yet */
    rc = fd >= 0 ? write_all(fd, input, len) : EP_EIO;
    if (rc == EP_OK && pipe(pipefd) != 0)
        rc = EP_EIO;
    if (rc != EP_OK) {
        ep_error_set(err, rc, NULL, "cannot prepare %s: %s", what, strerror(errno));
        goto out;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    pipefd[1] = -1;
    if (rc != 0) {
        rc = ep_error_set(err, EP_EIO, NULL, "cannot run %s: %s", argv[0], strerror(rc));
        goto out;
    }
    for (;;) {
        char buf[16384];
        ssize_t n = read(pipefd[0], buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (rc == EP_OK)
            rc = strbuf_add(out, buf, (size_t)n); /* keep draining on error */
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (rc == EP_OK && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
        rc = ep_error_set(err, EP_EIO, NULL, "%s failed (status %d): %s", argv[0],
                          WIFEXITED(st) ? WEXITSTATUS(st) : -1, hint);
out:
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (fd >= 0) {
        close(fd);
        unlink(tmpl);
    }
    return rc;
}
