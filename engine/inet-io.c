/* inet-io.c - InetRead, InetWrite, InetPeek, InetIsReadable,
 * InetIsWritable, InetCancel.
 *
 * Reads come from the session's read-ahead buffer first. Only the session's
 * own thread touches the socket to read (or OpenSSL's state for it); other
 * threads wait for the session thread to bring data in. Writes may come
 * from any thread, serialised per session.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-call-private.h"
#include "inet-clock-private.h"
#include "inet-error-private.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* ------------------------------------------------------------------ read */

/* Takes up to len bytes from the read-ahead buffer (mutex held). */
static size_t
take_buffered (InetSession *session, BYTE *buffer, size_t len, bool consume)
{
  size_t available = session->rbuf_end - session->rbuf_start;
  size_t n = available < len ? available : len;

  if (n == 0)
    return 0;
  if (buffer != NULL)
    memcpy (buffer, session->rbuf + session->rbuf_start, n);
  if (consume)
    {
      session->rbuf_start += n;
      session->consumed += n;
    }
  return n;
}

/* After a read consumed data: READ may be raised again (Winsock re-enables
 * FD_READ on every recv). Another thread wakes the session loop; in the
 * session's own thread the loop sees the flag when the handler returns. */
static void
rearm_read (InetSession *session, bool own_thread)
{
  unsigned old = atomic_fetch_or (&session->flags, SESSION_READ_ARMED);

  if (!(old & SESSION_READ_ARMED) && !own_thread)
    inet__session_notify (session);
}

/* Reads from the socket in the session's own thread (the buffer is empty).
 * Without `wait` it makes one attempt and returns 0 when nothing is there. */
static INT
read_direct (InetCall *call, BYTE *buffer, size_t len, bool wait)
{
  InetSession *session = call->session;
  bool nonblocking = !wait || (atomic_load (&session->flags) & SESSION_NONBLOCKING);
  uint64_t deadline = inet__call_deadline (call);

  for (;;)
    {
      ssize_t n;
      DWORD error = 0;
      short wait_for = POLLIN;
      uint64_t rate_wait;
      size_t allowance = inet__session_read_allowance (session, len, &rate_wait);

      if (allowance == 0)
        {
          /* over the bandwidth limit */
          if (!wait)
            return 0;
          if (nonblocking)
            {
              inet__set_error (WSAEWOULDBLOCK);
              return INET_ERROR;
            }
          error = inet__call_wait (call, 0, inet__mono_us () + rate_wait);
          if (error != 0 && error != WSAETIMEDOUT)
            {
              inet__set_error (error);
              return INET_ERROR;
            }
          continue;
        }
      if (inet__session_secure (session))
        {
          pthread_mutex_lock (&session->tls_mutex);
          n = session->tls != NULL ? inet__tls_read (session->tls, buffer, allowance, &error)
                                   : INET_TLS_CLOSED;
          pthread_mutex_unlock (&session->tls_mutex);
          if (n == INET_TLS_WANT_WRITE)
            wait_for = POLLOUT;
          if (n == INET_TLS_ERROR)
            {
              inet__set_error (error);
              return INET_ERROR;
            }
          if (n < 0)
            errno = EAGAIN;
        }
      else
        {
          n = recv (session->fd, buffer, allowance, MSG_DONTWAIT);
          if (n < 0 && errno != EAGAIN && errno != EINTR)
            {
              inet__session_read_refund (session, allowance);
              inet__set_error (inet__wsa_from_errno (errno));
              return INET_ERROR;
            }
        }
      inet__session_read_refund (session, n > 0 ? allowance - (size_t) n : allowance);
      if (n > 0)
        {
          pthread_mutex_lock (&session->mutex);
          session->consumed += (size_t) n;
          pthread_mutex_unlock (&session->mutex);
          inet__session_count_in (session, (size_t) n);
          return (INT) n;
        }
      if (n == 0)
        {
          /* not after our own shutdown(SHUT_RD): see got_eof */
          if (!(atomic_load (&session->flags) & (SESSION_TERMINATE | SESSION_SHUT_READ)))
            atomic_fetch_or (&session->flags, SESSION_EOF);
          return 0;
        }
      if (!wait)
        return 0;
      if (nonblocking)
        {
          inet__set_error (WSAEWOULDBLOCK);
          return INET_ERROR;
        }
      error = inet__call_wait (call, wait_for, deadline);
      if (error != 0)
        {
          inet__set_error (error);
          return INET_ERROR;
        }
    }
}

/* Another thread reads: wait for the session thread to bring data in. */
static INT
read_foreign (InetCall *call, BYTE *buffer, size_t len)
{
  InetSession *session = call->session;
  uint64_t deadline = inet__call_deadline (call);
  DWORD error = 0;
  size_t n = 0;

  pthread_mutex_lock (&session->mutex);
  session->foreign_readers++;
  session->blocked_calls++;
  for (;;)
    {
      unsigned flags = atomic_load (&session->flags);

      n = take_buffered (session, buffer, len, true);
      if (n > 0 || (flags & SESSION_EOF))
        break;
      if (flags & SESSION_CANCEL)
        {
          atomic_fetch_and (&session->flags, ~(unsigned) SESSION_CANCEL);
          atomic_fetch_or (&session->flags, SESSION_CANCEL_EVENT);
          error = WSAEINTR;
          break;
        }
      if (flags & (SESSION_TERMINATE | SESSION_CLOSED))
        {
          error = WSA_OPERATION_ABORTED;
          break;
        }
      if (flags & SESSION_NONBLOCKING)
        {
          error = WSAEWOULDBLOCK;
          break;
        }
      if (deadline != 0 && inet__mono_us () >= deadline)
        {
          error = WSAETIMEDOUT;
          break;
        }
      inet__cond_wait_until (&session->cond, &session->mutex, deadline);
    }
  session->foreign_readers--;
  session->blocked_calls--;
  pthread_mutex_unlock (&session->mutex);

  if (error == WSAEINTR)
    inet__session_notify (session);
  if (error != 0)
    {
      inet__set_error (error);
      return INET_ERROR;
    }
  if (n > 0)
    rearm_read (session, false);
  return (INT) n;
}

INT WINAPI
InetRead (SOCKET hClient, LPBYTE lpBuffer, INT cbBuffer)
{
  InetCall call;
  bool top_up;
  size_t n;
  INT result;

  if (lpBuffer == NULL || cbBuffer <= 0)
    {
      inet__set_error (WSAEFAULT);
      return INET_ERROR;
    }
  if (!inet__call_begin (hClient, &call))
    return INET_ERROR;

  if (atomic_load (&call.session->flags) & SESSION_SHUT_READ)
    {
      inet__set_error (WSAESHUTDOWN);
      inet__call_end (&call);
      return INET_ERROR;
    }
  pthread_mutex_lock (&call.session->mutex);
  n = take_buffered (call.session, lpBuffer, (size_t) cbBuffer, true);
  top_up = call.own_thread && n > 0 && n < (size_t) cbBuffer
           && call.session->rbuf_start == call.session->rbuf_end && call.session->rbuf_more;
  if (top_up)
    call.session->rbuf_more = false;
  pthread_mutex_unlock (&call.session->mutex);

  if (top_up)
    {
      /* the read-ahead buffer was full: the rest of a large message is
       * likely waiting; take it in the same call, without waiting */
      INT more = read_direct (&call, lpBuffer + n, (size_t) cbBuffer - n, false);

      if (more > 0)
        n += (size_t) more;
    }
  if (n > 0)
    {
      result = (INT) n;
      rearm_read (call.session, call.own_thread);
    }
  else if (atomic_load (&call.session->flags) & SESSION_EOF)
    result = 0;
  else if (call.own_thread)
    {
      result = read_direct (&call, lpBuffer, (size_t) cbBuffer, true);
      if (result > 0)
        rearm_read (call.session, true);
    }
  else
    result = read_foreign (&call, lpBuffer, (size_t) cbBuffer);
  if (result >= 0)
    inet__set_error (0);
  inet__call_end (&call);
  return result;
}

INT WINAPI
InetPeek (SOCKET hClient, LPBYTE lpBuffer, INT cbBuffer)
{
  InetCall call;
  InetSession *session;
  size_t n;

  if (cbBuffer < 0 || (lpBuffer == NULL && cbBuffer != 0))
    {
      inet__set_error (WSAEFAULT);
      return INET_ERROR;
    }
  if (!inet__call_begin (hClient, &call))
    return INET_ERROR;
  session = call.session;

  pthread_mutex_lock (&session->mutex);
  n = lpBuffer != NULL ? take_buffered (session, lpBuffer, (size_t) cbBuffer, false)
                       : session->rbuf_end - session->rbuf_start;
  pthread_mutex_unlock (&session->mutex);

  if (n == 0 && !inet__session_secure (session))
    {
      /* nothing read ahead: what the kernel holds comes next */
      if (lpBuffer == NULL)
        {
          int queued = 0;

          if (ioctl (session->fd, FIONREAD, &queued) == 0 && queued > 0)
            n = (size_t) queued;
        }
      else
        {
          ssize_t got = recv (session->fd, lpBuffer, (size_t) cbBuffer, MSG_PEEK | MSG_DONTWAIT);

          n = got > 0 ? (size_t) got : 0;
        }
    }
  else if (n == 0)
    {
      /* TLS: decrypted bytes may wait inside OpenSSL */
      pthread_mutex_lock (&session->tls_mutex);
      if (session->tls != NULL)
        n = lpBuffer != NULL ? inet__tls_peek (session->tls, lpBuffer, (size_t) cbBuffer)
                             : inet__tls_pending (session->tls);
      pthread_mutex_unlock (&session->tls_mutex);
    }
  inet__set_error (0);
  inet__call_end (&call);
  return (INT) n;
}

BOOL WINAPI
InetIsReadable (SOCKET hClient, DWORD dwTimeout)
{
  InetCall call;
  InetSession *session;
  uint64_t deadline;
  BOOL readable = FALSE;

  if (!inet__call_begin (hClient, &call))
    return FALSE;
  session = call.session;
  deadline = dwTimeout ? inet__mono_us () + (uint64_t) dwTimeout * 1000u : 0;

  for (;;)
    {
      unsigned flags = atomic_load (&session->flags);
      bool tls_pending = false;
      struct pollfd pfd = { session->fd, POLLIN, 0 };
      DWORD error;

      if (inet__session_buffered (session) > 0 || (flags & SESSION_EOF))
        {
          readable = TRUE;
          break;
        }
      if (inet__session_secure (session))
        {
          pthread_mutex_lock (&session->tls_mutex);
          tls_pending = session->tls != NULL && inet__tls_pending (session->tls) > 0;
          pthread_mutex_unlock (&session->tls_mutex);
        }
      if (tls_pending || (poll (&pfd, 1, 0) == 1 && (pfd.revents & (POLLIN | POLLHUP | POLLERR))))
        {
          readable = TRUE;
          break;
        }
      if (dwTimeout == 0)
        break;
      if (call.own_thread)
        error = inet__call_wait (&call, POLLIN, deadline);
      else
        {
          /* the session thread brings data in; wait for it or the deadline */
          pthread_mutex_lock (&session->mutex);
          session->foreign_readers++;
          if (session->rbuf_end == session->rbuf_start
              && !(atomic_load (&session->flags) & (SESSION_TERMINATE | SESSION_CANCEL)))
            inet__cond_wait_until (&session->cond, &session->mutex,
                                   inet__mono_us () + 10000 < deadline ? inet__mono_us () + 10000
                                                                         : deadline);
          session->foreign_readers--;
          pthread_mutex_unlock (&session->mutex);
          flags = atomic_load (&session->flags);
          error = (flags & (SESSION_TERMINATE | SESSION_CLOSED)) ? WSA_OPERATION_ABORTED
                  : inet__mono_us () >= deadline                  ? WSAETIMEDOUT
                                                                  : 0;
        }
      if (error == WSAETIMEDOUT)
        break;
      if (error != 0)
        {
          inet__set_error (error);
          inet__call_end (&call);
          return FALSE;
        }
    }
  inet__set_error (0);
  inet__call_end (&call);
  return readable;
}

BOOL WINAPI
InetIsWritable (SOCKET hClient, DWORD dwTimeout)
{
  InetCall call;
  BOOL writable = FALSE;
  DWORD error = 0;
  struct pollfd pfd;

  if (!inet__call_begin (hClient, &call))
    return FALSE;
  pfd.fd = call.session->fd;
  pfd.events = POLLOUT;
  pfd.revents = 0;
  if (poll (&pfd, 1, 0) == 1 && (pfd.revents & POLLOUT))
    writable = TRUE;
  else if (dwTimeout != 0)
    {
      error = inet__call_wait (&call, POLLOUT, inet__mono_us () + (uint64_t) dwTimeout * 1000u);
      writable = error == 0;
      if (error == WSAETIMEDOUT)
        error = 0;
    }
  if (atomic_load (&call.session->flags) & SESSION_SHUT_WRITE)
    writable = FALSE;
  inet__set_error (error);
  inet__call_end (&call);
  return writable;
}

/* ----------------------------------------------------------------- write */

/* Arms INET_EVENT_WRITE; `at` != 0: when the bandwidth allows (monotonic). */
static void
want_write_event (InetCall *call, uint64_t at)
{
  InetSession *session = call->session;

  atomic_store (&session->write_retry_us, at);
  atomic_fetch_or (&session->flags, SESSION_WANT_WRITE);
  if (!call->own_thread)
    inet__session_notify (session);
}

/* One non-blocking send: bytes sent, or -1 with *again (*need: what to
 * wait for) or *error. */
static ssize_t
send_some (InetSession *session, const BYTE *data, size_t len, bool *again, short *need,
           DWORD *error)
{
  ssize_t n;

  *again = false;
  *need = POLLOUT;
  *error = 0;
  if (inet__session_secure (session))
    {
      pthread_mutex_lock (&session->tls_mutex);
      n = session->tls != NULL ? inet__tls_write (session->tls, data, len, error) : INET_TLS_ERROR;
      pthread_mutex_unlock (&session->tls_mutex);
      if (n == INET_TLS_WANT_READ || n == INET_TLS_WANT_WRITE)
        {
          *again = true;
          *need = n == INET_TLS_WANT_READ ? POLLIN : POLLOUT;
          return -1;
        }
      if (n <= 0)
        {
          if (*error == 0)
            *error = WSAECONNRESET;
          return -1;
        }
      return n;
    }
  n = send (session->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n < 0)
    {
      if (errno == EAGAIN || errno == EINTR)
        *again = true;
      else
        *error = inet__wsa_from_errno (errno);
    }
  return n;
}

INT WINAPI
InetWrite (SOCKET hClient, LPCBYTE lpBuffer, INT cbBuffer)
{
  InetCall call;
  InetSession *session;
  bool nonblocking;
  uint64_t deadline;
  size_t total = 0;
  DWORD error = 0;

  if (lpBuffer == NULL || cbBuffer < 0)
    {
      inet__set_error (WSAEFAULT);
      return INET_ERROR;
    }
  if (!inet__call_begin (hClient, &call))
    return INET_ERROR;
  session = call.session;
  if (atomic_load (&session->flags) & SESSION_SHUT_WRITE)
    {
      inet__set_error (WSAESHUTDOWN);
      inet__call_end (&call);
      return INET_ERROR;
    }
  nonblocking = atomic_load (&session->flags) & SESSION_NONBLOCKING;
  deadline = inet__call_deadline (&call);

  pthread_mutex_lock (&session->write_mutex);
  while (total < (size_t) cbBuffer)
    {
      uint64_t wait_us;
      size_t granted = inet__session_write_allowance (session, (size_t) cbBuffer - total,
                                                      &wait_us);
      bool again;
      short need;
      ssize_t n;

      if (granted == 0)
        {
          /* over the bandwidth limit */
          if (nonblocking)
            {
              want_write_event (&call, inet__mono_us () + wait_us);
              break;
            }
          error = inet__call_wait (&call, 0, inet__mono_us () + wait_us);
          if (error == WSAETIMEDOUT)
            error = 0; /* the bucket has refilled */
          if (error != 0)
            break;
          if (deadline != 0 && inet__mono_us () >= deadline)
            {
              error = WSAETIMEDOUT;
              break;
            }
          continue;
        }

      n = send_some (session, lpBuffer + total, granted, &again, &need, &error);
      inet__session_write_refund (session, n > 0 ? granted - (size_t) n : granted);
      if (n > 0)
        {
          total += (size_t) n;
          inet__session_count_out (session, (size_t) n);
          continue;
        }
      if (!again)
        break;
      if (nonblocking)
        {
          want_write_event (&call, 0);
          break;
        }
      error = inet__call_wait (&call, need, deadline);
      if (error != 0)
        {
          if (error == WSAETIMEDOUT)
            want_write_event (&call, 0);
          break;
        }
    }
  pthread_mutex_unlock (&session->write_mutex);
  inet__call_end (&call);

  /* a close or InetCancel fails the call even after a part went out:
   * INET_ERROR with WSA_OPERATION_ABORTED or WSAEINTR (inet-server.h) */
  if ((total > 0 && error != WSA_OPERATION_ABORTED && error != WSAEINTR) || cbBuffer == 0)
    {
      inet__set_error (0);
      return (INT) total;
    }
  inet__set_error (error != 0 ? error : WSAEWOULDBLOCK);
  return INET_ERROR;
}

/* ---------------------------------------------------------------- cancel */

INT WINAPI
InetCancel (SOCKET hClient)
{
  InetSession *session = inet__session_lookup (hClient);

  if (session == NULL)
    return INET_ERROR;
  pthread_mutex_lock (&session->mutex);
  if (session->blocked_calls > 0)
    {
      atomic_fetch_or (&session->flags, SESSION_CANCEL);
      inet__session_wake_locked (session, false);
    }
  pthread_mutex_unlock (&session->mutex);
  inet__session_release (session);
  inet__set_error (0);
  return 0;
}
