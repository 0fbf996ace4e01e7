/* inet-session.c - a client session: the thread loop that raises its events.
 *
 * Waiting for data is the hot path. A plain session whose handler keeps up
 * waits in a blocking recv() straight into its read-ahead buffer: one
 * system call per message, no poll() (the echo benchmark measured poll()
 * plus recv() at 1.5 times the server CPU of recv() alone). Everything that
 * must end such a wait for good (disconnect, stop, abort) does
 * shutdown(SHUT_RD), which wakes recv() and leaves data still readable for
 * the graceful close. The rare wake-ups that must not end the session
 * (pause reading, a cancelled call elsewhere, a non-blocking write that
 * wants INET_EVENT_WRITE) interrupt recv() with a signal aimed at the
 * session thread (see poke below). All other states wait in poll() on the
 * socket and an eventfd made on first need.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-session-private.h"
#include "inet-address-private.h"
#include "inet-clock-private.h"
#include "inet-error-private.h"
#include "inet-lock-private.h"
#include "inet-priority-private.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static __thread InetSession *current_session;

/* ----------------------------------------------------------------- poke */

static int poke_signal;
static pthread_once_t poke_once = PTHREAD_ONCE_INIT;

static void
poke_handler (int signo)
{
  (void) signo; /* interrupting recv() is all it takes */
}

/* Takes the highest real-time signal nobody handles. SA_RESTART keeps the
 * application's own calls going; recv() on a socket with SO_RCVTIMEO (every
 * session sets one) is never restarted, so it returns EINTR. */
static void
poke_install (void)
{
  for (int signo = SIGRTMAX - 1; signo >= SIGRTMIN + 2; signo--)
    {
      struct sigaction old;
      struct sigaction action = { 0 };

      if (sigaction (signo, NULL, &old) != 0 || old.sa_handler != SIG_DFL)
        continue;
      action.sa_handler = poke_handler;
      action.sa_flags = SA_RESTART;
      sigemptyset (&action.sa_mask);
      if (sigaction (signo, &action, NULL) == 0)
        {
          poke_signal = signo;
          return;
        }
    }
}

void
inet__session_thread_init (void)
{
  sigset_t set;

  pthread_once (&poke_once, poke_install);
  /* engine threads inherit a mask with every signal blocked; SIGPIPE stays
   * blocked (writes use MSG_NOSIGNAL, OpenSSL's may not) */
  if (poke_signal != 0)
    {
      sigemptyset (&set);
      sigaddset (&set, poke_signal);
      pthread_sigmask (SIG_UNBLOCK, &set, NULL);
    }
}

/* Makes the session thread leave a blocking recv(). The signal can land
 * just before recv() starts and be lost, so it is repeated until the
 * thread shows it left (bounded: the thread wakes on its own at the next
 * data or timeout anyway). */
static void
poke (InetSession *session)
{
  unsigned exits;

  if (!atomic_load (&session->in_fast_recv) || poke_signal == 0)
    return;
  exits = atomic_load (&session->fast_exits);
  for (int i = 0; i < 2000; i++)
    {
      struct timespec pause = { 0, 100000 }; /* 0.1 ms */

      if (!atomic_load (&session->in_fast_recv) || atomic_load (&session->fast_exits) != exits)
        return;
      pthread_mutex_lock (&session->mutex);
      if (session->thread_running)
        pthread_kill (session->thread, poke_signal);
      pthread_mutex_unlock (&session->mutex);
      nanosleep (&pause, NULL);
    }
}

/* ------------------------------------------------------------ lifecycle */

static void
session_finalize (InetObject *object)
{
  InetSession *session = (InetSession *) object;

  if (session->fd >= 0)
    close (session->fd);
  if (session->wake_fd >= 0)
    close (session->wake_fd);
  if (session->call_wake_fd >= 0)
    close (session->call_wake_fd);
  inet__bucket_clear (&session->read_bucket);
  inet__bucket_clear (&session->write_bucket);
  pthread_mutex_destroy (&session->mutex);
  pthread_mutex_destroy (&session->write_mutex);
  pthread_mutex_destroy (&session->tls_mutex);
  pthread_cond_destroy (&session->cond);
  free (session->tls_info);
  inet__object_unref (&session->server->object);
  free (session);
}

InetSession *
inet__session_new (InetServer *server, int fd, const struct sockaddr_storage *peer,
                   socklen_t peer_length)
{
  InetSession *session = calloc (1, sizeof *session);

  inet__object_init (&session->object, INET_OBJECT_SESSION, session_finalize);
  session->server = (InetServer *) inet__object_ref (&server->object);
  session->fd = fd;
  session->wake_fd = -1;
  session->call_wake_fd = -1;
  pthread_mutex_init (&session->mutex, NULL);
  pthread_mutex_init (&session->write_mutex, NULL);
  pthread_mutex_init (&session->tls_mutex, NULL);
  inet__cond_init (&session->cond);
  atomic_init (&session->flags, SESSION_READ_ARMED);
  session->linger_seconds = atomic_load (&server->linger_seconds);
  atomic_init (&session->state,
               server->tls != NULL ? INET_CLIENT_HANDSHAKE : INET_CLIENT_CONNECTED);
  atomic_init (&session->priority, atomic_load (&server->priority));
  atomic_init (&session->read_limit, INET_BANDWIDTH_INHERIT);
  atomic_init (&session->write_limit, INET_BANDWIDTH_INHERIT);
  inet__bucket_init (&session->read_bucket);
  inet__bucket_init (&session->write_bucket);
  session->connect_time_us = inet__real_us ();
  atomic_init (&session->last_activity_us, session->connect_time_us);
  memcpy (&session->peer, peer, peer_length);
  session->peer_length = peer_length;
  inet__address_format (peer, peer_length, session->peer_text, sizeof session->peer_text,
                        &session->peer_port, &session->family);
  return session;
}

InetSession *
inet__session_current (void)
{
  return current_session;
}

InetSession *
inet__session_lookup (SOCKET handle)
{
  InetSession *session = current_session;

  /* the running session's handle stays registered until its thread lets go */
  if (session != NULL && session->object.handle == handle)
    return session;
  return (InetSession *) inet__handle_lookup (handle, INET_OBJECT_SESSION);
}

void
inet__session_release (InetSession *session)
{
  if (session != NULL && session != current_session)
    inet__object_unref (&session->object);
}

/* ------------------------------------------------------------ bandwidth */

uint32_t
inet__session_read_limit (InetSession *session)
{
  uint32_t limit = atomic_load_explicit (&session->read_limit, memory_order_relaxed);

  return limit == INET_BANDWIDTH_INHERIT
           ? atomic_load_explicit (&session->server->client_read_limit, memory_order_relaxed)
           : limit;
}

uint32_t
inet__session_write_limit (InetSession *session)
{
  uint32_t limit = atomic_load_explicit (&session->write_limit, memory_order_relaxed);

  return limit == INET_BANDWIDTH_INHERIT
           ? atomic_load_explicit (&session->server->client_write_limit, memory_order_relaxed)
           : limit;
}

/* Takes from the session's bucket (rate `limit`) and then from the
 * server's shared one (rate `total`); what the shared bucket refuses goes
 * back to the session's. 0 = unlimited. */
static size_t
take_allowance (InetBucket *own, uint32_t limit, InetBucket *shared, uint32_t total, size_t want,
                uint64_t *wait_us)
{
  uint64_t now;
  size_t granted;

  *wait_us = 0;
  if (limit == 0 && total == 0)
    return want;
  now = inet__mono_us ();
  granted = inet__bucket_take (own, limit, want, now, wait_us);
  if (granted > 0 && total != 0)
    {
      size_t from_shared = inet__bucket_take (shared, total, granted, now, wait_us);

      inet__bucket_refund (own, granted - from_shared);
      granted = from_shared;
    }
  return granted;
}

static void
refund_allowance (InetBucket *own, uint32_t limit, InetBucket *shared, uint32_t total,
                  size_t unused)
{
  if (limit != 0)
    inet__bucket_refund (own, unused);
  if (total != 0)
    inet__bucket_refund (shared, unused);
}

size_t
inet__session_read_allowance (InetSession *session, size_t want, uint64_t *wait_us)
{
  InetServer *server = session->server;

  return take_allowance (&session->read_bucket, inet__session_read_limit (session),
                         &server->total_read_bucket,
                         atomic_load_explicit (&server->total_read_limit, memory_order_relaxed),
                         want, wait_us);
}

void
inet__session_read_refund (InetSession *session, size_t unused)
{
  if (unused != 0)
    refund_allowance (&session->read_bucket, inet__session_read_limit (session),
                      &session->server->total_read_bucket,
                      atomic_load (&session->server->total_read_limit), unused);
}

size_t
inet__session_write_allowance (InetSession *session, size_t want, uint64_t *wait_us)
{
  InetServer *server = session->server;

  return take_allowance (&session->write_bucket, inet__session_write_limit (session),
                         &server->total_write_bucket,
                         atomic_load_explicit (&server->total_write_limit, memory_order_relaxed),
                         want, wait_us);
}

void
inet__session_write_refund (InetSession *session, size_t unused)
{
  if (unused != 0)
    refund_allowance (&session->write_bucket, inet__session_write_limit (session),
                      &session->server->total_write_bucket,
                      atomic_load (&session->server->total_write_limit), unused);
}

void
inet__session_count_in (InetSession *session, size_t bytes)
{
  atomic_fetch_add_explicit (&session->bytes_in, bytes, memory_order_relaxed);
  atomic_store_explicit (&session->last_activity_us, inet__real_us (), memory_order_relaxed);
}

void
inet__session_count_out (InetSession *session, size_t bytes)
{
  atomic_fetch_add_explicit (&session->bytes_out, bytes, memory_order_relaxed);
  atomic_store_explicit (&session->last_activity_us, inet__real_us (), memory_order_relaxed);
}

/* Makes session->wake_fd if needed (mutex held). Returns it or -1. */
static int
wake_fd_locked (InetSession *session)
{
  if (session->wake_fd < 0)
    session->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  return session->wake_fd;
}

void
inet__session_wake_locked (InetSession *session, bool terminal)
{
  pthread_cond_broadcast (&session->cond);
  if (session->wake_fd >= 0)
    eventfd_write (session->wake_fd, 1);
  if (session->call_wake_fd >= 0)
    eventfd_write (session->call_wake_fd, 1);
  if (terminal && session->fd >= 0 && !(atomic_load (&session->flags) & SESSION_FD_CLOSED))
    shutdown (session->fd, SHUT_RD);
}

void
inet__session_notify (InetSession *session)
{
  pthread_mutex_lock (&session->mutex);
  inet__session_wake_locked (session, false);
  pthread_mutex_unlock (&session->mutex);
  poke (session);
}

void
inet__session_terminate (InetSession *session, DWORD reason, bool abort)
{
  pthread_mutex_lock (&session->mutex);
  if (!(atomic_load (&session->flags) & SESSION_TERMINATE))
    {
      session->close_reason = reason;
      atomic_fetch_or (&session->flags, SESSION_TERMINATE | (abort ? SESSION_ABORT : 0));
    }
  else if (abort)
    atomic_fetch_or (&session->flags, SESSION_ABORT);
  inet__session_wake_locked (session, true);
  pthread_mutex_unlock (&session->mutex);
  inet__lock_kick ();
}

/* --------------------------------------------------------------- events */

void
inet__session_raise (InetSession *session, UINT event, DWORD error, const char *detail)
{
  InetServer *server = session->server;

  /* InetServerLock holds this server's events for everyone but the owner */
  inet__lock_wait (server, session);
  inet__set_event_detail (detail);
  server->proc (session->object.handle, event, error, server->param);
  inet__set_event_detail (NULL);
  if (inet__priority_yields (atomic_load_explicit (&session->priority, memory_order_relaxed)))
    sched_yield ();
}

/* ----------------------------------------------------------- read-ahead */

size_t
inet__session_buffered (InetSession *session)
{
  size_t n;

  pthread_mutex_lock (&session->mutex);
  n = session->rbuf_end - session->rbuf_start;
  pthread_mutex_unlock (&session->mutex);
  return n;
}

static uint64_t
consumed (InetSession *session)
{
  uint64_t n;

  pthread_mutex_lock (&session->mutex);
  n = session->consumed;
  pthread_mutex_unlock (&session->mutex);
  return n;
}

/* New data is in rbuf[0, n): publish it and wake foreign readers. */
static void
publish (InetSession *session, size_t n)
{
  pthread_mutex_lock (&session->mutex);
  session->rbuf_start = 0;
  session->rbuf_end = n;
  session->rbuf_more = n == session->rbuf_size;
  if (session->rbuf_more && session->rbuf_heap == NULL)
    session->rbuf_grow = true;
  if (session->foreign_readers > 0)
    pthread_cond_broadcast (&session->cond);
  pthread_mutex_unlock (&session->mutex);
  inet__session_count_in (session, n);
}

/* One non-blocking read into rbuf. Returns > 0 bytes, 0 at EOF, -1 with
 * *again when nothing is there (*want_write for TLS), -1 with *error. */
static ssize_t
read_some (InetSession *session, size_t len, bool *again, bool *want_write, DWORD *error)
{
  ssize_t n;

  *again = false;
  *want_write = false;
  *error = 0;
  if (inet__session_secure (session))
    {
      pthread_mutex_lock (&session->tls_mutex);
      n = inet__tls_read (session->tls, session->rbuf, len, error);
      pthread_mutex_unlock (&session->tls_mutex);
      if (n == INET_TLS_WANT_READ || n == INET_TLS_WANT_WRITE)
        {
          *again = true;
          *want_write = n == INET_TLS_WANT_WRITE;
          return -1;
        }
      if (n == INET_TLS_ERROR)
        return -1;
      return n;
    }
  n = recv (session->fd, session->rbuf, len, MSG_DONTWAIT);
  if (n < 0)
    {
      if (errno == EAGAIN || errno == EINTR)
        *again = true;
      else
        *error = inet__wsa_from_errno (errno);
    }
  return n;
}

/* ------------------------------------------------------------ the loop */

typedef struct
{
  bool timeout_fired;               /* TIMEOUT raised for this idle period */
  uint64_t idle_since_us;           /* monotonic, last data in */
} LoopState;

static void
end_with (InetSession *session, DWORD reason, DWORD error)
{
  pthread_mutex_lock (&session->mutex);
  if (session->close_reason == INET_CLOSE_NONE)
    {
      session->close_reason = reason;
      session->close_error = error;
    }
  atomic_fetch_or (&session->flags, SESSION_TERMINATE);
  pthread_mutex_unlock (&session->mutex);
}

static void
got_eof (InetSession *session)
{
  /* recv() also reads 0 after our own shutdown(SHUT_RD), of a terminal
   * wake or of InetShutdown (TERMINATE or SHUT_READ is set first): no FIN
   * from the client. Taken for one, it ended a session InetShutdown meant
   * to keep, and made the close skip its FIN (inet-close.c). */
  if (!(atomic_load (&session->flags) & (SESSION_TERMINATE | SESSION_SHUT_READ)))
    atomic_fetch_or (&session->flags, SESSION_EOF);
}

static void
got_data (InetSession *session, LoopState *loop, size_t n)
{
  publish (session, n);
  loop->timeout_fired = false;
  loop->idle_since_us = inet__mono_us ();
}

static void
idle_timeout (InetSession *session, LoopState *loop)
{
  if (!loop->timeout_fired)
    {
      loop->timeout_fired = true;
      inet__session_raise (session, INET_EVENT_TIMEOUT, WSAETIMEDOUT, NULL);
    }
}

/* Before a read into the empty buffer: a session with large messages gets
 * the large buffer (see SESSION_READ_BUFFER_LARGE). Session thread. */
static void
maybe_grow (InetSession *session)
{
  if (!session->rbuf_grow)
    return;
  session->rbuf_grow = false;
  pthread_mutex_lock (&session->mutex);
  if (session->rbuf_start == session->rbuf_end)
    {
      session->rbuf_heap = malloc (SESSION_READ_BUFFER_LARGE);
      session->rbuf = session->rbuf_heap;
      session->rbuf_size = SESSION_READ_BUFFER_LARGE;
    }
  pthread_mutex_unlock (&session->mutex);
}

/* Flags that keep a session out of the blocking recv(). */
#define SLOW_PATH_FLAGS                                                                     \
  (SESSION_TERMINATE | SESSION_CANCEL_EVENT | SESSION_PAUSED | SESSION_WANT_WRITE | SESSION_EOF \
   | SESSION_SHUT_READ)

static bool
can_block_in_recv (InetSession *session, unsigned flags)
{
  InetServer *server = session->server;

  return !inet__session_secure (session) && poke_signal != 0 && (flags & SESSION_READ_ARMED)
         && !(flags & SLOW_PATH_FLAGS) && !atomic_load (&server->pause_io)
         && inet__session_read_limit (session) == 0
         && atomic_load_explicit (&server->total_read_limit, memory_order_relaxed) == 0;
}

/* The hot path: block in recv() until data, EOF, timeout or a wake-up. */
static void
wait_in_recv (InetSession *session, LoopState *loop)
{
  ssize_t n = -1;
  int err = EINTR;

  maybe_grow (session);
  atomic_store (&session->in_fast_recv, true);
  if (!(atomic_load (&session->flags) & SLOW_PATH_FLAGS))
    {
      n = recv (session->fd, session->rbuf, session->rbuf_size, 0);
      err = errno;
    }
  atomic_store (&session->in_fast_recv, false);
  atomic_fetch_add (&session->fast_exits, 1);

  if (n > 0)
    got_data (session, loop, (size_t) n);
  else if (n == 0)
    got_eof (session);
  else if (err == EAGAIN)
    {
      /* SO_RCVTIMEO passed: the client was silent for the timeout */
      if (session->server->timeout != 0)
        idle_timeout (session, loop);
    }
  else if (err != EINTR)
    end_with (session, err == ECONNRESET ? INET_CLOSE_RESET : INET_CLOSE_ERROR,
              inet__wsa_from_errno (err));
}

/* Every other wait: poll() on the socket and the session's eventfd, with a
 * deadline for the idle timeout and the bandwidth limits. */
static void
wait_in_poll (InetSession *session, LoopState *loop, unsigned flags, bool paused)
{
  InetServer *server = session->server;
  bool reading = !paused && !(flags & (SESSION_EOF | SESSION_SHUT_READ));
  bool want_read = reading && (flags & SESSION_READ_ARMED);
  bool watch_hangup = reading && !(flags & SESSION_READ_ARMED);
  uint64_t write_at = (flags & SESSION_WANT_WRITE) ? atomic_load (&session->write_retry_us) : 0;
  bool want_write = (flags & SESSION_WANT_WRITE) && write_at == 0;
  uint64_t idle_deadline = 0, deadline = 0, rate_wait = 0, now;
  size_t allowance = 0;
  bool tls_pending = false;
  short revents = 0;
  struct pollfd fds[2];
  int wake_fd;

  if (want_read)
    {
      maybe_grow (session);
      allowance = inet__session_read_allowance (session, session->rbuf_size, &rate_wait);
      want_read = allowance > 0; /* else wait for the bucket to refill */
    }
  if (want_read && inet__session_secure (session))
    {
      pthread_mutex_lock (&session->tls_mutex);
      tls_pending = inet__tls_pending (session->tls) > 0;
      pthread_mutex_unlock (&session->tls_mutex);
    }

  if (server->timeout != 0 && !loop->timeout_fired)
    idle_deadline = loop->idle_since_us + (uint64_t) server->timeout * 1000000u;
  deadline = idle_deadline;
  if (rate_wait != 0)
    {
      uint64_t when = inet__mono_us () + rate_wait;

      deadline = deadline == 0 || when < deadline ? when : deadline;
    }
  if (write_at != 0)
    deadline = deadline == 0 || write_at < deadline ? write_at : deadline;

  if (tls_pending)
    revents = POLLIN; /* decrypted bytes are waiting inside OpenSSL */
  else
    {
      pthread_mutex_lock (&session->mutex);
      wake_fd = wake_fd_locked (session);
      pthread_mutex_unlock (&session->mutex);

      fds[0].fd = session->fd;
      fds[0].events = (short) ((want_read ? POLLIN : 0) | (want_write ? POLLOUT : 0)
                               | (watch_hangup ? POLLRDHUP : 0));
      fds[0].revents = 0;
      fds[1].fd = wake_fd;
      fds[1].events = POLLIN;
      fds[1].revents = 0;
      if (poll (fds, wake_fd >= 0 ? 2 : 1, inet__poll_timeout (deadline)) > 0)
        {
          revents = fds[0].revents;
          if (wake_fd >= 0 && (fds[1].revents & POLLIN))
            {
              eventfd_t value;

              eventfd_read (wake_fd, &value);
            }
        }
    }

  now = inet__mono_us ();
  if (idle_deadline != 0 && now >= idle_deadline)
    idle_timeout (session, loop);
  if ((write_at != 0 && now >= write_at) || (want_write && (revents & POLLOUT)))
    {
      atomic_store (&session->write_retry_us, 0);
      atomic_fetch_and (&session->flags, ~(unsigned) SESSION_WANT_WRITE);
      inet__session_raise (session, INET_EVENT_WRITE, 0, NULL);
    }

  if (want_read && (revents & (POLLIN | POLLHUP | POLLERR)))
    {
      bool again, wants_write;
      DWORD error;
      ssize_t n = read_some (session, allowance, &again, &wants_write, &error);

      if (n > 0)
        {
          allowance -= (size_t) n;
          got_data (session, loop, (size_t) n);
        }
      else if (n == 0)
        got_eof (session);
      else if (!again)
        end_with (session, error == WSAECONNRESET ? INET_CLOSE_RESET : INET_CLOSE_ERROR, error);
    }
  if (allowance > 0 && allowance < session->rbuf_size)
    inet__session_read_refund (session, allowance); /* tokens a short read left */

  if (revents & POLLERR && !want_read)
    {
      int err = 0;
      socklen_t len = sizeof err;

      getsockopt (session->fd, SOL_SOCKET, SO_ERROR, &err, &len);
      end_with (session, INET_CLOSE_RESET, inet__wsa_from_errno (err ? err : ECONNRESET));
    }
  else if (watch_hangup && (revents & (POLLRDHUP | POLLHUP)))
    {
      /* the peer left while READ waits for the handler to read: READ gets
       * one more chance at what is buffered, then the session ends */
      got_eof (session);
      atomic_fetch_or (&session->flags, SESSION_READ_ARMED);
    }
}

static void
session_loop (InetSession *session)
{
  InetServer *server = session->server;
  LoopState loop = { false, inet__mono_us () };

  for (;;)
    {
      unsigned flags = atomic_load (&session->flags);
      bool paused = (flags & SESSION_PAUSED) || atomic_load (&server->pause_io);
      size_t available;

      if (flags & SESSION_TERMINATE)
        break;
      if (flags & SESSION_CANCEL_EVENT)
        {
          atomic_fetch_and (&session->flags, ~(unsigned) SESSION_CANCEL_EVENT);
          inet__session_raise (session, INET_EVENT_CANCEL, WSAEINTR, NULL);
          continue;
        }

      available = inet__session_buffered (session);
      if (available > 0 && !paused && (flags & SESSION_READ_ARMED))
        {
          uint64_t before = consumed (session);

          inet__session_raise (session, INET_EVENT_READ, 0, NULL);
          if (consumed (session) == before)
            {
              /* the handler took nothing: no READ again until somebody
               * reads; with the peer gone there is nothing more to wait for */
              if (atomic_load (&session->flags) & SESSION_EOF)
                end_with (session, INET_CLOSE_PEER, 0);
              else
                atomic_fetch_and (&session->flags, ~(unsigned) SESSION_READ_ARMED);
            }
          continue;
        }
      if ((flags & SESSION_EOF) && available == 0)
        {
          end_with (session, INET_CLOSE_PEER, 0);
          break;
        }

      if (can_block_in_recv (session, flags) && available == 0)
        wait_in_recv (session, &loop);
      else
        wait_in_poll (session, &loop, flags, paused);
    }
}

/* -------------------------------------------------------------- the run */

static bool
handshake (InetSession *session)
{
  InetServer *server = session->server;
  INETSECURITYINFO *info = calloc (1, sizeof *info);
  /* a handshake ends: at the server timeout, or at a minute without one
   * (a client that opens a TLS port and says nothing must not hold a
   * thread until the server stops) */
  unsigned seconds = server->timeout ? server->timeout : INET_HANDSHAKE_DEFAULT_TIMEOUT;
  uint64_t deadline = inet__mono_us () + (uint64_t) seconds * 1000000u;
  char detail[256] = "";
  DWORD error = 0;
  InetTlsSession *tls;
  int wake_fd;

  info->dwSize = sizeof *info;
  pthread_mutex_lock (&session->mutex);
  wake_fd = wake_fd_locked (session);
  pthread_mutex_unlock (&session->mutex);

  tls = inet__tls_accept (server->tls, session->fd, wake_fd, deadline, &error, detail,
                          sizeof detail, info);
  pthread_mutex_lock (&session->mutex);
  session->tls_info = info;
  pthread_mutex_unlock (&session->mutex);
  pthread_mutex_lock (&session->tls_mutex);
  session->tls = tls;
  pthread_mutex_unlock (&session->tls_mutex);
  if (tls != NULL)
    return true;

  if (atomic_load (&session->flags) & SESSION_TERMINATE)
    return false; /* stopped or disconnected during the handshake: not a failure */
  atomic_fetch_add (&server->n_handshake_failures, 1);
  end_with (session, INET_CLOSE_ERROR, error);
  inet__session_raise (session, INET_EVENT_ERROR, error, detail);
  return false;
}

/* A reused thread may still have the priority of its last session. */
static void
apply_priority (InetSession *session, UINT *thread_priority)
{
  UINT wanted = atomic_load (&session->priority);
  UINT effective = wanted;
  DWORD rc;

  if (*thread_priority == wanted)
    return;
  rc = inet__priority_apply (gettid (), wanted, &effective);
  if (rc == 0 || rc == INET_ERROR_PRIORITY_DEGRADED)
    *thread_priority = effective;
  else if (*thread_priority != INET_PRIORITY_INVALID)
    effective = *thread_priority;
  atomic_store (&session->priority, effective);
}

static void
set_receive_timeout (InetSession *session)
{
  /* Also what makes a poke interrupt recv() (see poke_install). Without a
   * server timeout the wait is a day; a TIMEOUT needs a server timeout. */
  unsigned seconds = session->server->timeout ? session->server->timeout : 86400;
  struct timeval tv = { (time_t) seconds, 0 };

  setsockopt (session->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* The socket is closed: the client no longer counts against the limits,
 * also while its DISCONNECT handler runs (a client that reconnects at once
 * is not refused for its own old session). */
static void
leave_limits (InetSession *session)
{
  InetServer *server = session->server;

  pthread_mutex_lock (&server->mutex);
  inet__address_count_add (server, session->peer_text, -1);
  server->n_active--;
  pthread_mutex_unlock (&server->mutex);
}

/* The session is over: off the list; the last one makes the server idle. */
static void
leave_server (InetSession *session)
{
  InetServer *server = session->server;
  bool idle;
  int status;

  pthread_mutex_lock (&server->mutex);
  if (session->prev != NULL)
    session->prev->next = session->next;
  else
    server->sessions = session->next;
  if (session->next != NULL)
    session->next->prev = session->prev;
  session->prev = session->next = NULL;
  atomic_fetch_add (&server->ended_bytes_in, atomic_load (&session->bytes_in));
  atomic_fetch_add (&server->ended_bytes_out, atomic_load (&session->bytes_out));
  server->n_sessions--;
  status = atomic_load (&server->status);
  if (server->n_sessions == 0
      && (status == INET_SERVER_LISTENING || status == INET_SERVER_SUSPENDED))
    server->idle_pending = true;
  idle = server->idle_pending;
  pthread_cond_broadcast (&server->cond);
  pthread_mutex_unlock (&server->mutex);
  if (idle)
    inet__server_wake (server);
}

void
inet__session_run (InetSession *session, UINT *thread_priority)
{
  BYTE rbuf[SESSION_READ_BUFFER];
  bool connected = false;
  DWORD close_error;

  current_session = session;
  atomic_store (&session->tid, gettid ());
  pthread_mutex_lock (&session->mutex);
  session->thread = pthread_self ();
  session->thread_running = true;
  session->rbuf = rbuf;
  session->rbuf_size = sizeof rbuf;
  pthread_mutex_unlock (&session->mutex);
  apply_priority (session, thread_priority);
  if (session->server->tls == NULL)
    set_receive_timeout (session);

  if (!(atomic_load (&session->flags) & SESSION_TERMINATE)
      && (session->server->tls == NULL || handshake (session)))
    {
      atomic_store (&session->state, INET_CLIENT_CONNECTED);
      connected = true;
      inet__session_raise (session, INET_EVENT_CONNECT, 0, NULL);
      if (!(atomic_load (&session->flags) & SESSION_TERMINATE))
        inet__session_raise (session, INET_EVENT_WRITE, 0, NULL);
      session_loop (session);
    }

  atomic_store (&session->state, INET_CLIENT_CLOSING);
  inet__close_session_socket (session);
  leave_limits (session);
  pthread_mutex_lock (&session->mutex);
  close_error = session->close_error;
  pthread_mutex_unlock (&session->mutex);
  if (connected)
    inet__session_raise (session, INET_EVENT_DISCONNECT, close_error, NULL);

  pthread_mutex_lock (&session->mutex);
  session->rbuf = NULL;
  session->rbuf_start = session->rbuf_end = 0;
  free (session->rbuf_heap);
  session->rbuf_heap = NULL;
  session->thread_running = false;
  pthread_mutex_unlock (&session->mutex);
  *thread_priority = atomic_load (&session->priority);
  current_session = NULL;
  inet__handle_unregister (&session->object);
  leave_server (session);
  inet__object_unref (&session->object);
}
