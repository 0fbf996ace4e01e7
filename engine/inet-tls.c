/* inet-tls.c - placeholder until the TLS layer lands: INET_OPTION_SECURE
 * fails at start with a clear error.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-tls-private.h"
#include "inet-error-private.h"

InetTlsContext *
inet__tls_context_new (const SECURITYCREDENTIALS *credentials, DWORD *warning, char **warning_text)
{
  (void) credentials;
  *warning = 0;
  *warning_text = NULL;
  inet__set_error_detail (WSAEOPNOTSUPP, "TLS is not available in this build yet");
  return NULL;
}

void
inet__tls_context_free (InetTlsContext *context)
{
  (void) context;
}

InetTlsSession *
inet__tls_accept (InetTlsContext *context, int fd, int wake_fd, uint64_t deadline_us,
                  DWORD *error, char *detail, size_t detail_len, INETSECURITYINFO *info)
{
  (void) context, (void) fd, (void) wake_fd, (void) deadline_us, (void) detail_len, (void) info;
  *error = WSAEOPNOTSUPP;
  detail[0] = '\0';
  return NULL;
}

ssize_t
inet__tls_read (InetTlsSession *session, void *buffer, size_t len, DWORD *error)
{
  (void) session, (void) buffer, (void) len;
  *error = WSAEOPNOTSUPP;
  return INET_TLS_ERROR;
}

ssize_t
inet__tls_write (InetTlsSession *session, const void *buffer, size_t len, DWORD *error)
{
  (void) session, (void) buffer, (void) len;
  *error = WSAEOPNOTSUPP;
  return INET_TLS_ERROR;
}

size_t
inet__tls_pending (InetTlsSession *session)
{
  (void) session;
  return 0;
}

void
inet__tls_close_notify (InetTlsSession *session)
{
  (void) session;
}

void
inet__tls_session_free (InetTlsSession *session)
{
  (void) session;
}
