/* inet-tls-private.h - the engine's TLS layer (OpenSSL). The only part of
 * the engine that includes OpenSSL headers is inet-tls*.c.
 *
 * Threading: an InetTlsContext is immutable after creation and shared by
 * all sessions of a server. An InetTlsSession is used by one thread at a
 * time; the session code serialises calls on it with its I/O mutex.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inet-server.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct InetTlsContext InetTlsContext;
typedef struct InetTlsSession InetTlsSession;

/* Results of the non-blocking I/O calls below, besides a byte count. */
#define INET_TLS_CLOSED      0  /* close_notify or EOF from the peer */
#define INET_TLS_WANT_READ  (-1)
#define INET_TLS_WANT_WRITE (-2)
#define INET_TLS_ERROR      (-3) /* fatal; *error set */

/* Loads and checks the credentials (before anything listens). On failure
 * returns NULL with the thread's last error (INET_ERROR_CERT_*, ...) and a
 * detail naming the file and the cause. A certificate that starts but
 * deserves a warning (expired, not yet valid) sets *warning and
 * *warning_text (owned, free()). */
InetTlsContext *inet__tls_context_new (const SECURITYCREDENTIALS *credentials, DWORD *warning,
                                       char **warning_text);
void inet__tls_context_free (InetTlsContext *context);

/* Server-side handshake on a connected non-blocking socket. Waits with
 * poll() on fd and wake_fd (readable = give up) until deadline_us
 * (monotonic, 0 = no limit). On failure returns NULL, sets *error to an
 * INET_ERROR_TLS_* code (or WSAETIMEDOUT / WSA_OPERATION_ABORTED) and
 * writes the reason to detail. info (not NULL) gets the handshake details
 * or what is known of the failure. */
InetTlsSession *inet__tls_accept (InetTlsContext *context, int fd, int wake_fd,
                                  uint64_t deadline_us, DWORD *error, char *detail,
                                  size_t detail_len, INETSECURITYINFO *info);

/* Non-blocking record I/O: > 0 bytes, or INET_TLS_* above. */
ssize_t inet__tls_read (InetTlsSession *session, void *buffer, size_t len, DWORD *error);
ssize_t inet__tls_write (InetTlsSession *session, const void *buffer, size_t len, DWORD *error);
/* Decrypted bytes buffered inside the TLS layer (whole records already
 * received are processed first); also > 0 when a close_notify or an error
 * waits for the next read. */
size_t inet__tls_pending (InetTlsSession *session);
/* Copies up to len buffered decrypted bytes without consuming them; never
 * waits. Returns the count, 0 if none. */
size_t inet__tls_peek (InetTlsSession *session, void *buffer, size_t len);
/* Sends close_notify (best effort, does not wait for the peer's). */
void inet__tls_close_notify (InetTlsSession *session);
void inet__tls_session_free (InetTlsSession *session);
