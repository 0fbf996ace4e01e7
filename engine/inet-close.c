/* inet-close.c - InetDisconnect and the Winsock close semantics: graceful,
 * abortive and lingering closes, InetShutdown, InetSetLinger,
 * InetSetBlocking.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-call-private.h"
#include "inet-clock-private.h"
#include "inet-error-private.h"
#include "inet-lock-private.h"

#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Reads and drops what the client sent and nobody read: closing a socket
 * with unread data makes Linux send a reset, which would destroy the data
 * still on its way to the client. All of it must go (a receive buffer can
 * hold megabytes); MSG_TRUNC drops TCP data without copying it. Bounded
 * (64 MiB), never blocks. */
static size_t
discard_input (int fd)
{
  char sink[4096];
  size_t total = 0;

  for (int i = 0; i < 16384; i++)
    {
      ssize_t n = recv (fd, sink, sizeof sink, MSG_DONTWAIT | MSG_TRUNC);

      if (n <= 0)
        break;
      total += (size_t) n;
    }
  return total;
}

static int
unsent_bytes (int fd)
{
  int queued = 0;

  if (ioctl (fd, SIOCOUTQ, &queued) != 0)
    return 0;
  return queued;
}

static int
tcp_state (int fd)
{
  struct tcp_info info;
  socklen_t len = sizeof info;

  if (getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
    return -1;
  return info.tcpi_state;
}

/* Drops input until the client acknowledged everything queued (true), the
 * deadline passed or the connection is gone; with until_fin also stops
 * when the client has sent its FIN (no more input can come). A session
 * woken with shutdown(SHUT_RD) reads 0 and polls readable for good, so the
 * client's FIN shows in the TCP state and the wait is a poll() without
 * events (it still ends on an error). */
static bool
drain (int fd, uint64_t deadline, bool until_fin)
{
  for (;;)
    {
      struct pollfd pfd = { fd, 0, 0 };
      int state;

      discard_input (fd);
      if (unsent_bytes (fd) == 0)
        return true;
      state = tcp_state (fd);
      if ((state != TCP_ESTABLISHED && state != TCP_CLOSE_WAIT)
          || (until_fin && state == TCP_CLOSE_WAIT) || inet__mono_us () >= deadline)
        return false;
      poll (&pfd, 1, 10); /* the send queue has no wake-up of its own */
    }
}

/* A graceful close waits at most this long for the client to take what
 * is still queued (see graceful_drain), ... */
#define GRACEFUL_DRAIN_US      5000000u
/* ... and when the whole server is stopping or restarting: a stop with a
 * thousand clients must not take seconds (the drains run in parallel) */
#define GRACEFUL_DRAIN_STOP_US 500000u

/* Graceful close of a client that was still sending (its data had to be
 * dropped) while ours is not yet acknowledged. Once our FIN is out, any
 * data the client still sends makes Linux reset the connection (RFC 1122:
 * the session was woken with shutdown(SHUT_RD), so the socket no longer
 * receives), and so does input left unread at close(); the reset destroys
 * what is still queued for the client. So before the FIN, keep dropping
 * input until the client acknowledged everything, finished sending, or the
 * time is up. A quiet client or nothing queued costs a recv and an ioctl. */
static void
graceful_drain (int fd, uint64_t budget_us)
{
  if (discard_input (fd) > 0 && unsent_bytes (fd) != 0)
    drain (fd, inet__mono_us () + budget_us, true);
}

/* Linger N > 0: wait until the client has acknowledged everything or the
 * time is up. Returns true when all data went out. */
static bool
linger_drain (int fd, int seconds)
{
  return drain (fd, inet__mono_us () + (uint64_t) seconds * 1000000u, false);
}

/* A socket the server closes first stays on the server's port in
 * FIN_WAIT/TIME_WAIT; without SO_REUSEADDR of its own it blocks the
 * re-bind of InetServerRestart (REUSEADDR forced) when the listener lacked
 * it. Set before our FIN: a TIME_WAIT keeps the flag of its making, and
 * the client's FIN can make one before close(). */
static void
allow_rebind (InetSession *session, int fd)
{
  int one = 1;

  if (!(session->server->options & INET_OPTION_REUSEADDR)) /* else inherited */
    setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
}

static void
reset_on_close (int fd)
{
  struct linger lg = { 1, 0 };

  setsockopt (fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

void
inet__close_session_socket (InetSession *session)
{
  unsigned flags;
  DWORD reason;
  int linger;
  int fd;
  int result = 1;

  pthread_mutex_lock (&session->mutex);
  flags = atomic_load (&session->flags);
  linger = session->linger_seconds;
  reason = session->close_reason;
  fd = session->fd;
  pthread_mutex_unlock (&session->mutex);
  if (flags & SESSION_FD_CLOSED)
    return;
  allow_rebind (session, fd);

  if ((flags & SESSION_ABORT) || linger == 0)
    {
      reset_on_close (fd);
      result = -1;
    }
  else
    {
      if (inet__session_secure (session))
        {
          pthread_mutex_lock (&session->tls_mutex);
          if (session->tls != NULL)
            inet__tls_close_notify (session->tls);
          pthread_mutex_unlock (&session->tls_mutex);
        }
      if (linger > 0)
        {
          /* the data first, then the FIN (see graceful_drain) */
          if (!linger_drain (fd, linger))
            {
              reset_on_close (fd);
              result = -1;
            }
          else
            shutdown (fd, SHUT_WR);
        }
      else
        {
          /* graceful: FIN after the queued data; the kernel delivers it in
           * the background once the socket is closed */
          if (!(flags & SESSION_EOF))
            {
              graceful_drain (fd, reason == INET_CLOSE_STOP || reason == INET_CLOSE_RESTART
                                    ? GRACEFUL_DRAIN_STOP_US
                                    : GRACEFUL_DRAIN_US);
              shutdown (fd, SHUT_WR);
            }
          discard_input (fd);
        }
    }

  /* calls still using the socket were woken (TERMINATE) and are leaving */
  pthread_mutex_lock (&session->mutex);
  while (session->io_users > 0)
    pthread_cond_wait (&session->cond, &session->mutex);
  session->fd = -1;
  session->linger_result = result;
  atomic_fetch_or (&session->flags, SESSION_FD_CLOSED);
  pthread_cond_broadcast (&session->cond);
  pthread_mutex_unlock (&session->mutex);

  pthread_mutex_lock (&session->tls_mutex);
  if (session->tls != NULL)
    {
      inet__tls_session_free (session->tls);
      session->tls = NULL;
    }
  pthread_mutex_unlock (&session->tls_mutex);
  close (fd);
}

/* Waits (another thread) until a lingering close has finished. */
static void
wait_for_close (InetSession *session, int seconds)
{
  uint64_t deadline = inet__mono_us () + ((uint64_t) seconds + 5) * 1000000u;

  inet__lock_owner_waits_for (session);
  pthread_mutex_lock (&session->mutex);
  while (!(atomic_load (&session->flags) & SESSION_FD_CLOSED) && session->thread_running
         && inet__mono_us () < deadline)
    inet__cond_wait_until (&session->cond, &session->mutex, deadline);
  pthread_mutex_unlock (&session->mutex);
  inet__lock_owner_waits_for (NULL);
}

INT WINAPI
InetDisconnectEx (SOCKET hSocket, DWORD dwOptions)
{
  InetSession *session = inet__session_lookup (hSocket);
  bool abort = dwOptions & INET_DISCONNECT_ABORT;
  DWORD error = 0;
  int linger;

  if (session == NULL)
    {
      /* a server handle: the reference stops the server */
      InetObject *server = inet__handle_lookup (hSocket, INET_OBJECT_SERVER);

      if (server == NULL)
        return INET_ERROR;
      inet__object_unref (server);
      return InetServerStop (hSocket) ? 0 : INET_ERROR;
    }

  pthread_mutex_lock (&session->mutex);
  linger = session->linger_seconds;
  if (atomic_load (&session->flags) & SESSION_CLOSED)
    error = WSAENOTSOCK;
  else if (!abort && linger > 0 && (atomic_load (&session->flags) & SESSION_NONBLOCKING)
           && session->fd >= 0 && unsent_bytes (session->fd) > 0)
    error = WSAEWOULDBLOCK; /* Winsock: the handle stays open; retry later */
  else
    {
      if (session->close_reason == INET_CLOSE_NONE)
        session->close_reason = abort ? INET_CLOSE_ABORT : INET_CLOSE_LOCAL;
      atomic_fetch_or (&session->flags,
                       SESSION_TERMINATE | SESSION_CLOSED | (abort ? SESSION_ABORT : 0));
      inet__session_wake_locked (session, true);
    }
  pthread_mutex_unlock (&session->mutex);

  if (error == 0)
    {
      inet__lock_kick ();
      if (!abort && linger > 0)
        {
          if (session == inet__session_current ())
            inet__close_session_socket (session);
          else
            wait_for_close (session, linger);
        }
    }
  inet__session_release (session);
  inet__set_error (error);
  return error == 0 ? 0 : INET_ERROR;
}

INT WINAPI
InetDisconnect (SOCKET hSocket)
{
  return InetDisconnectEx (hSocket, 0);
}

BOOL WINAPI
InetSetLinger (SOCKET hSocket, BOOL bLinger, UINT nSeconds)
{
  InetObject *object = inet__handle_lookup (hSocket, INET_OBJECT_SERVER | INET_OBJECT_SESSION);
  int value = bLinger ? (int) (nSeconds > 3600 ? 3600 : nSeconds) : -1;

  if (object == NULL)
    return FALSE;
  if (object->kind == INET_OBJECT_SERVER)
    atomic_store (&((InetServer *) object)->linger_seconds, value);
  else
    {
      InetSession *session = (InetSession *) object;

      pthread_mutex_lock (&session->mutex);
      session->linger_seconds = value;
      pthread_mutex_unlock (&session->mutex);
    }
  inet__object_unref (object);
  inet__set_error (0);
  return TRUE;
}

BOOL WINAPI
InetGetLinger (SOCKET hSocket, BOOL *lpbLinger, LPUINT lpnSeconds)
{
  InetObject *object = inet__handle_lookup (hSocket, INET_OBJECT_SERVER | INET_OBJECT_SESSION);
  int value;

  if (object == NULL)
    return FALSE;
  if (object->kind == INET_OBJECT_SERVER)
    value = atomic_load (&((InetServer *) object)->linger_seconds);
  else
    {
      InetSession *session = (InetSession *) object;

      pthread_mutex_lock (&session->mutex);
      value = session->linger_seconds;
      pthread_mutex_unlock (&session->mutex);
    }
  inet__object_unref (object);
  if (lpbLinger != NULL)
    *lpbLinger = value >= 0;
  if (lpnSeconds != NULL)
    *lpnSeconds = value >= 0 ? (UINT) value : 0;
  inet__set_error (0);
  return TRUE;
}

BOOL WINAPI
InetSetBlocking (SOCKET hClient, BOOL bBlocking)
{
  InetSession *session = inet__session_lookup (hClient);

  if (session == NULL)
    return FALSE;
  if (bBlocking)
    atomic_fetch_and (&session->flags, ~(unsigned) SESSION_NONBLOCKING);
  else
    atomic_fetch_or (&session->flags, SESSION_NONBLOCKING);
  inet__session_release (session);
  inet__set_error (0);
  return TRUE;
}

INT WINAPI
InetShutdown (SOCKET hClient, INT nHow)
{
  InetCall call;
  unsigned add = 0;
  int how;

  switch (nHow)
    {
    case INET_SHUTDOWN_READ: add = SESSION_SHUT_READ; how = SHUT_RD; break;
    case INET_SHUTDOWN_WRITE: add = SESSION_SHUT_WRITE; how = SHUT_WR; break;
    case INET_SHUTDOWN_BOTH: add = SESSION_SHUT_READ | SESSION_SHUT_WRITE; how = SHUT_RDWR; break;
    default:
      inet__set_error (WSAEINVAL);
      return INET_ERROR;
    }
  if (!inet__call_begin (hClient, &call))
    return INET_ERROR;
  if ((add & SESSION_SHUT_WRITE) && inet__session_secure (call.session))
    {
      pthread_mutex_lock (&call.session->tls_mutex);
      if (call.session->tls != NULL)
        inet__tls_close_notify (call.session->tls);
      pthread_mutex_unlock (&call.session->tls_mutex);
    }
  /* writes wait for each other; a shutdown must not cut one in half */
  pthread_mutex_lock (&call.session->write_mutex);
  if (add & SESSION_SHUT_WRITE)
    allow_rebind (call.session, call.session->fd);
  /* the flag first: the 0 that shutdown makes recv() read is no FIN */
  atomic_fetch_or (&call.session->flags, add);
  shutdown (call.session->fd, how);
  pthread_mutex_unlock (&call.session->write_mutex);
  if (add & SESSION_SHUT_READ)
    inet__session_notify (call.session);
  inet__call_end (&call);
  inet__set_error (0);
  return 0;
}
