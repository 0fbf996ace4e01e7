/* inet-test-client.h - a small plain-socket client for the engine tests.
 *
 * Every call is bounded by a timeout in milliseconds; the sockets are
 * non-blocking and waited for with poll(). Functions that assert say so.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <inet-server.h>

G_BEGIN_DECLS

#define INET_TEST_TIMEOUT_MS 10000 /* the default bound of a wait */

/* Connects to address:port (numeric IPv4 or IPv6), optionally from a local
 * source address (NULL = any). Returns the fd or -1 with errno set. */
int inet_test_try_connect (const char *source, const char *address, UINT port);
/* The same with a small receive buffer (SO_RCVBUF before connect, so the
 * kernel cannot grow it): a client that does not read stops a writer
 * early. rcvbuf 0 = the default. */
int inet_test_try_connect_full (const char *source, const char *address, UINT port, int rcvbuf);
/* The same, asserting success. */
int inet_test_connect (const char *address, UINT port);
int inet_test_connect_from (const char *source, const char *address, UINT port);
/* A client that will not read: connected to 127.0.0.1:port with a small
 * receive buffer, so megabytes written to it cannot fit on the way and the
 * writes block (asserts success). */
#define INET_TEST_SMALL_RCVBUF 16384
int inet_test_connect_non_reader (UINT port);

/* Sends everything; FALSE (errno set) on error or timeout. */
gboolean inet_test_send_all (int fd, const void *data, gsize len, guint timeout_ms);
/* Sends up to len bytes without waiting; returns the count (0 if full). */
gsize inet_test_send_some (int fd, const void *data, gsize len);
/* One recv: > 0 bytes, 0 at EOF, -1 with errno (ETIMEDOUT after the wait). */
gssize inet_test_recv (int fd, void *buffer, gsize len, guint timeout_ms);
/* Reads exactly len bytes; FALSE on EOF, error or timeout. */
gboolean inet_test_recv_exact (int fd, void *buffer, gsize len, guint timeout_ms);
/* Reads until EOF or an error, appending to data (may be NULL: discard).
 * Returns the byte count; *end is 0 for EOF, else the errno (ETIMEDOUT
 * when the overall time ran out). */
gsize inet_test_recv_until_end (int fd, GByteArray *data, guint timeout_ms, int *end);
/* Reads and discards until the end, bounded by INET_TEST_TIMEOUT_MS; how
 * it ended: 0 for EOF, else the errno (ETIMEDOUT when the time ran out). */
int inet_test_recv_end (int fd);
/* Bytes readable within timeout_ms, without blocking longer. */
gsize inet_test_recv_for (int fd, guint ms);
/* TRUE when nothing arrives (no data, no EOF) for ms milliseconds. */
gboolean inet_test_quiet_for (int fd, guint ms);
/* Closes with a reset (SO_LINGER 0). */
void inet_test_close_reset (int fd);
/* The port of a server handle (asserts). */
UINT inet_test_server_port (SOCKET server);
/* The n-th byte of the test pattern used for large transfers. */
static inline guint8
inet_test_pattern (guint64 n)
{
  return (guint8) ((n * 7 + (n >> 9)) & 0xff);
}
/* Fills buffer with the pattern starting at offset. */
void inet_test_fill_pattern (guint8 *buffer, gsize len, guint64 offset);
/* TRUE when data follows the pattern from offset. */
gboolean inet_test_check_pattern (const guint8 *data, gsize len, guint64 offset);
/* Sends text (at most 256 bytes) and asserts it comes back whole. */
void inet_test_assert_echo (int fd, const char *text);
/* The local port of a connected IPv4 socket (asserts). */
UINT inet_test_local_port (int fd);
/* TRUE if the host can bind ::1. */
gboolean inet_test_have_ipv6 (void);

G_END_DECLS
