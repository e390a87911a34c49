/*
 * connlimit.h - caps the connections each client address holds at once.
 *
 * CivetWeb 1.15 pins a worker thread to each open connection, including one
 * that trickles its headers a byte at a time until the request timeout. A
 * cap per address keeps one client (or one attacker) from holding every
 * worker while everyone else waits (docs/security.md). The trusted
 * reverse proxy, which carries every client, is exempt.
 *
 * CivetWeb 1.15 offers no hook when a connection is accepted (its
 * init_connection callback is never called for server connections, tried)
 * nor the socket of a connection, so a watchdog thread looks at the
 * process's own sockets on the listening port every CONNLIMIT_PERIOD_MS,
 * counts them by peer address, and shuts down those beyond the cap: the
 * worker's read then returns at once and CivetWeb closes the connection as
 * any dropped one. A scan reads /proc/self/fd: two system calls per open
 * descriptor, a few hundred at most.
 *
 * Thread-safe: connlimit_start and connlimit_stop from the thread that
 * starts and stops the server.
 */
#ifndef EP_CONNLIMIT_H
#define EP_CONNLIMIT_H

#define CONNLIMIT_PERIOD_MS 100

struct connlimit;

/*
 * Starts the watchdog for connections to local port, each peer address
 * allowed per_address of them; exempt (may be NULL or "") is never capped.
 * On success *out owns it (connlimit_stop). Returns 0, EP_ENOMEM or EP_EIO.
 */
int connlimit_start(int port, int per_address, const char *exempt, struct connlimit **out);

/* Stops the watchdog and frees it. NULL is a no-op. */
void connlimit_stop(struct connlimit *cl);

/* Connections cut since the start (for the tests and the logs). */
long connlimit_cut_count(struct connlimit *cl);

/*
 * Shuts down the TCP connection between local_port and addr:port, found by
 * its ends among the process's descriptors: for a connection that must end
 * after its answer (a body that did not arrive in time).
 */
void connlimit_cut(int local_port, const char *addr, int port);

#endif
