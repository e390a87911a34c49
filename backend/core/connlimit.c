/*
 * connlimit.c - the per-address connection watchdog (see connlimit.h).
 */
#include "connlimit.h"

#include "err.h"
#include "log.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define CONNLIMIT_ADDRS 1024 /* distinct peers counted per scan; more are not capped */

struct connlimit {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;           /* signalled by connlimit_stop */
    int stop;                      /* set under lock: the thread returns */
    int port;                      /* the listening port */
    int per_address;               /* the cap */
    char exempt[INET6_ADDRSTRLEN]; /* never capped; "" none */
    long cut;                      /* connections cut, under lock */
};

struct peer_count {
    char addr[INET6_ADDRSTRLEN];
    int n;
};

/* The text address and port of sa; 0 if it is not IPv4 or IPv6. */
static int addr_of(const struct sockaddr_storage *sa, char *text, size_t len, int *port)
{
    const void *bin;

    if (sa->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        bin = &in->sin_addr;
        *port = ntohs(in->sin_port);
    } else if (sa->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        bin = &in6->sin6_addr;
        *port = ntohs(in6->sin6_port);
    } else {
        return 0;
    }
    return inet_ntop(sa->ss_family, bin, text, (socklen_t)len) != NULL;
}

/*
 * Calls fn for every connected socket of this process whose local port is
 * port, with its peer's address and port. Stops when fn returns nonzero.
 */
static void each_connection(int port, int (*fn)(void *ctx, int fd, const char *addr, int peer_port),
                            void *ctx)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        struct sockaddr_storage local, peer;
        socklen_t llen = sizeof(local), plen = sizeof(peer);
        char addr[INET6_ADDRSTRLEN];
        char *end = NULL;
        long fd = strtol(e->d_name, &end, 10);
        int lport = 0, pport = 0;

        if (end == e->d_name || *end != '\0' || fd < 0 || fd == dirfd(d))
            continue;
        if (getsockname((int)fd, (struct sockaddr *)&local, &llen) != 0 ||
            !addr_of(&local, addr, sizeof(addr), &lport) || lport != port)
            continue;
        if (getpeername((int)fd, (struct sockaddr *)&peer, &plen) != 0 ||
            !addr_of(&peer, addr, sizeof(addr), &pport))
            continue; /* the listening socket has no peer */
        if (fn(ctx, (int)fd, addr, pport))
            break;
    }
    closedir(d);
}

struct scan {
    struct connlimit *cl;
    struct peer_count *peers; /* CONNLIMIT_ADDRS entries */
    int npeers;
    long cut;
};

static int count_one(void *ctx, int fd, const char *addr, int peer_port)
{
    struct scan *s = ctx;
    struct peer_count *p = NULL;

    (void)peer_port;
    for (int i = 0; i < s->npeers && p == NULL; i++)
        if (strcmp(s->peers[i].addr, addr) == 0)
            p = &s->peers[i];
    if (p == NULL && s->npeers < CONNLIMIT_ADDRS) {
        p = &s->peers[s->npeers++];
        snprintf(p->addr, sizeof(p->addr), "%s", addr);
        p->n = 0;
    }
    if (p == NULL || (s->cl->exempt[0] != '\0' && strcmp(addr, s->cl->exempt) == 0))
        return 0;
    if (++p->n > s->cl->per_address) {
        /* Over the cap: this one goes. Shut down, not closed: the
         * descriptor stays CivetWeb's, which closes it. */
        if (shutdown(fd, SHUT_RDWR) == 0)
            s->cut++;
        if (p->n == s->cl->per_address + 1)
            LOG_WARN("http.conns", "%s holds more than %d connections: cutting the rest", addr,
                     s->cl->per_address);
    }
    return 0;
}

static void *watch(void *arg)
{
    struct connlimit *cl = arg;
    struct scan s;
    struct timespec at;

    memset(&s, 0, sizeof(s));
    s.cl = cl;
    s.peers = calloc(CONNLIMIT_ADDRS, sizeof(*s.peers));
    pthread_mutex_lock(&cl->lock);
    while (!cl->stop && s.peers != NULL) {
        pthread_mutex_unlock(&cl->lock);
        s.npeers = 0;
        s.cut = 0;
        each_connection(cl->port, count_one, &s);
        pthread_mutex_lock(&cl->lock);
        cl->cut += s.cut;
        clock_gettime(CLOCK_MONOTONIC, &at);
        at.tv_nsec += (long)CONNLIMIT_PERIOD_MS * 1000000L;
        if (at.tv_nsec >= 1000000000L) {
            at.tv_sec++;
            at.tv_nsec -= 1000000000L;
        }
        if (!cl->stop)
            (void)pthread_cond_timedwait(&cl->wake, &cl->lock, &at);
    }
    pthread_mutex_unlock(&cl->lock);
    free(s.peers);
    return NULL;
}

int connlimit_start(int port, int per_address, const char *exempt, struct connlimit **out)
{
    struct connlimit *cl = calloc(1, sizeof(*cl));
    pthread_condattr_t attr;

    *out = NULL;
    if (cl == NULL)
        return EP_ENOMEM;
    pthread_mutex_init(&cl->lock, NULL);
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&cl->wake, &attr);
    pthread_condattr_destroy(&attr);
    cl->port = port;
    cl->per_address = per_address;
    snprintf(cl->exempt, sizeof(cl->exempt), "%s", exempt != NULL ? exempt : "");
    if (pthread_create(&cl->thread, NULL, watch, cl) != 0) {
        pthread_cond_destroy(&cl->wake);
        pthread_mutex_destroy(&cl->lock);
        free(cl);
        return EP_EIO;
    }
    *out = cl;
    return EP_OK;
}

void connlimit_stop(struct connlimit *cl)
{
    if (cl == NULL)
        return;
    pthread_mutex_lock(&cl->lock);
    cl->stop = 1;
    pthread_cond_signal(&cl->wake);
    pthread_mutex_unlock(&cl->lock);
    pthread_join(cl->thread, NULL);
    pthread_cond_destroy(&cl->wake);
    pthread_mutex_destroy(&cl->lock);
    free(cl);
}

long connlimit_cut_count(struct connlimit *cl)
{
    long n;

    pthread_mutex_lock(&cl->lock);
    n = cl->cut;
    pthread_mutex_unlock(&cl->lock);
    return n;
}

struct target {
    const char *addr;
    int port;
};

static int cut_match(void *ctx, int fd, const char *addr, int peer_port)
{
    const struct target *t = ctx;

    if (peer_port != t->port || strcmp(addr, t->addr) != 0)
        return 0;
    shutdown(fd, SHUT_RDWR);
    return 1;
}

void connlimit_cut(int local_port, const char *addr, int port)
{
    struct target t = {addr, port};
    each_connection(local_port, cut_match, &t);
}
