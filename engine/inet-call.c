/* inet-call.c - entry, exit and waiting of the I/O calls.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-call-private.h"
#include "inet-clock-private.h"
#include "inet-error-private.h"
#include "inet-lock-private.h"

#include <poll.h>
#include <sys/eventfd.h>

bool
inet__call_begin (SOCKET handle, InetCall *call)
{
  InetSession *session = inet__session_lookup (handle);
  DWORD error = 0;
  unsigned flags;

  call->session = NULL;
  call->own_thread = false;
  if (session == NULL)
    return false;
  call->own_thread = session == inet__session_current ();
  error = inet__lock_wait (session->server, session);

  pthread_mutex_lock (&session->mutex);
  flags = atomic_load (&session->flags);
  if (error != 0)
    ;
  else if (flags & (SESSION_CLOSED | SESSION_FD_CLOSED))
    error = WSAENOTSOCK;
  else if (flags & SESSION_TERMINATE)
    error = WSA_OPERATION_ABORTED;
  else if (atomic_load (&session->state) == INET_CLIENT_HANDSHAKE)
    error = WSAENOTCONN;
  else
    session->io_users++;
  pthread_mutex_unlock (&session->mutex);

  if (error != 0)
    {
      inet__session_release (session);
      inet__set_error (error);
      return false;
    }
  call->session = session;
  return true;
}

void
inet__call_end (InetCall *call)
{
  InetSession *session = call->session;

  pthread_mutex_lock (&session->mutex);
  if (--session->io_users == 0 && (atomic_load (&session->flags) & SESSION_TERMINATE))
    pthread_cond_broadcast (&session->cond); /* the closing thread waits for us */
  pthread_mutex_unlock (&session->mutex);
  inet__session_release (session);
  call->session = NULL;
}

uint64_t
inet__call_deadline (InetCall *call)
{
  UINT timeout = call->session->server->timeout;

  return timeout ? inet__mono_us () + (uint64_t) timeout * 1000000u : 0;
}

DWORD
inet__call_wait (InetCall *call, short events, uint64_t deadline_us)
{
  InetSession *session = call->session;
  DWORD result = 0;
  int wake_fd;

  pthread_mutex_lock (&session->mutex);
  if (session->call_wake_fd < 0)
    session->call_wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  wake_fd = session->call_wake_fd;
  session->blocked_calls++;
  pthread_mutex_unlock (&session->mutex);

  for (;;)
    {
      unsigned flags = atomic_load (&session->flags);
      struct pollfd fds[2];
      int timeout;

      if (flags & SESSION_CANCEL)
        {
          unsigned expected = flags;

          /* one cancel ends one blocked call */
          if (atomic_compare_exchange_strong (&session->flags, &expected,
                                              (flags & ~(unsigned) SESSION_CANCEL)
                                                | SESSION_CANCEL_EVENT))
            {
              result = WSAEINTR;
              break;
            }
          continue;
        }
      if (flags & (SESSION_TERMINATE | SESSION_CLOSED))
        {
          result = WSA_OPERATION_ABORTED;
          break;
        }
      timeout = inet__poll_timeout (deadline_us);
      if (timeout == 0 && deadline_us != 0)
        {
          result = WSAETIMEDOUT;
          break;
        }
      fds[0].fd = events != 0 ? session->fd : -1;
      fds[0].events = events;
      fds[0].revents = 0;
      fds[1].fd = wake_fd;
      fds[1].events = POLLIN;
      fds[1].revents = 0;
      if (poll (fds, 2, timeout) < 0)
        continue;
      if (fds[1].revents & POLLIN)
        {
          eventfd_t value;

          eventfd_read (wake_fd, &value); /* a doorbell: the flags say why */
          continue;
        }
      if (fds[0].revents != 0)
        break; /* ready (or an error the next call reports) */
    }

  pthread_mutex_lock (&session->mutex);
  session->blocked_calls--;
  pthread_mutex_unlock (&session->mutex);
  if (result == WSAEINTR && !call->own_thread)
    inet__session_notify (session); /* raise CANCEL in the session thread now */
  return result;
}
