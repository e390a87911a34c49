/* pageimg.c - a picture of one PDF page (see pageimg.h). */
#include "pageimg.h"

#include "err.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
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

int pageimg_png(const char *pdf, size_t len, int dpi, char **png, size_t *plen,
                struct ep_error *err)
{
    char path[] = "/tmp/ep-page-XXXXXX";
    char res[16];
    char *argv[] = {"pdftoppm", "-png", "-r", res, "-f", "1", "-l", "1", "-singlefile", path, NULL};
    posix_spawn_file_actions_t fa;
    struct strbuf out;
    int fd = -1, pipefd[2] = {-1, -1}, st = 0, rc;
    pid_t pid = -1;

    *png = NULL;
    *plen = 0;
    ep_error_clear(err);
    if (dpi < 24 || dpi > 150 || pdf == NULL || len < 5 || memcmp(pdf, "%PDF-", 5) != 0) {
        ep_error_set(err, EP_EINVAL, NULL, "a PDF and a resolution of 24 to 150 dpi are needed");
        return EP_EINVAL;
    }
    snprintf(res, sizeof(res), "%d", dpi);
    strbuf_init(&out, PAGEIMG_MAX_BYTES);
    fd = mkstemp(path); /* 0600: a draft is not public yet */
    rc = fd >= 0 ? write_all(fd, pdf, len) : EP_EIO;
    if (rc == EP_OK && pipe(pipefd) != 0)
        rc = EP_EIO;
    if (rc != EP_OK) {
        ep_error_set(err, rc, NULL, "cannot prepare the page: %s", strerror(errno));
        goto out;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    rc = posix_spawnp(&pid, "pdftoppm", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    pipefd[1] = -1;
    if (rc != 0) {
        ep_error_set(err, EP_EIO, NULL, "cannot run pdftoppm: %s", strerror(rc));
        rc = EP_EIO;
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
            rc = strbuf_add(&out, buf, (size_t)n); /* keep draining on error */
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (rc == EP_OK && (!WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
        ep_error_set(err, EP_EIO, NULL, "pdftoppm failed (status %d): is poppler-utils installed?",
                     WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        rc = EP_EIO;
    }
    if (rc == EP_OK && (out.len < 8 || memcmp(out.p, "\x89PNG", 4) != 0)) {
        ep_error_set(err, EP_EIO, NULL, "pdftoppm gave no PNG");
        rc = EP_EIO;
    }
    if (rc == EP_OK) {
        *png = strbuf_detach(&out, plen);
        rc = *png != NULL ? EP_OK : EP_ENOMEM;
    }
out:
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    strbuf_release(&out);
    return rc;
}
