/* inet-listener.c - the server thread: accepts, applies the limits, hands
 * sessions to their threads, and carries out suspend, restart and stop.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-address-private.h"
#include "inet-clock-private.h"
#include "inet-error-private.h"
#include "inet-lock-private.h"
#include "inet-priority-private.h"
#include "inet-session-private.h"
#include "inet-worker-private.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define ADDRESS_BUCKETS 1024
#define ACCEPTS_PER_WAKE 64

static __thread InetServer *current_server;

InetServer *
inet__listener_current (void)
{
  return current_server;
}

/* ------------------------------------------------------ per-address counts */

struct InetAddressCount
{
  InetAddressCount *next;
  unsigned count;
  char address[INET6_ADDRSTRLEN + 8];
};

static unsigned
hash_text (const char *text)
{
  unsigned h = 5381;

  while (*text != '\0')
    h = h * 33 + (unsigned char) *text++;
  return h;
}

unsigned
inet__address_count_add (InetServer *server, const char *address, int delta)
{
  InetAddressCount **bucket;
  InetAddressCount *entry;

  if (server->address_counts == NULL)
    {
      if (delta <= 0)
        return 0;
      server->address_counts = calloc (ADDRESS_BUCKETS, sizeof (InetAddressCount *));
    }
  bucket = &server->address_counts[hash_text (address) % ADDRESS_BUCKETS];
  for (entry = *bucket; entry != NULL; entry = entry->next)
    if (strcmp (entry->address, address) == 0)
      break;
  if (entry == NULL)
    {
      if (delta <= 0)
        return 0;
      entry = calloc (1, sizeof *entry);
      snprintf (entry->address, sizeof entry->address, "%s", address);
      entry->next = *bucket;
      *bucket = entry;
    }
  entry->count = (unsigned) ((int) entry->count + delta);
  if (entry->count == 0)
    {
      for (InetAddressCount **p = bucket; *p != NULL; p = &(*p)->next)
        if (*p == entry)
          {
            *p = entry->next;
            break;
          }
      free (entry);
      return 0;
    }
  return entry->count;
}

void
inet__address_counts_free (InetServer *server)
{
  InetAddressCount **buckets = server->address_counts;

  if (buckets == NULL)
    return;
  for (size_t i = 0; i < ADDRESS_BUCKETS; i++)
    while (buckets[i] != NULL)
      {
        InetAddressCount *entry = buckets[i];

        buckets[i] = entry->next;
        free (entry);
      }
  free (buckets);
  server->address_counts = NULL;
}

/* --------------------------------------------------------------- listener */

static void
set_flag (int fd, int level, int name, int value)
{
  setsockopt (fd, level, name, &value, sizeof value);
}

int
inet__listener_open (InetServer *server, bool force_reuse)
{
  struct sockaddr_storage *address = &server->bind_address;
  char text[INET6_ADDRSTRLEN + 8];
  UINT port;
  int family;
  int fd;
  int err;

  inet__address_format (address, server->bind_length, text, sizeof text, &port, &family);
  fd = socket (address->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    {
      DWORD code = inet__wsa_from_errno (errno);

      inet__set_error_detail (code, "%s", text);
      return (int) code;
    }
  if ((server->options & INET_OPTION_REUSEADDR) || force_reuse)
    set_flag (fd, SOL_SOCKET, SO_REUSEADDR, 1);
  if (address->ss_family == AF_INET6)
    set_flag (fd, IPPROTO_IPV6, IPV6_V6ONLY, server->dual_stack ? 0 : 1);
  /* accepted sockets inherit these from the listener */
  if (server->options & INET_OPTION_DONTROUTE)
    set_flag (fd, SOL_SOCKET, SO_DONTROUTE, 1);
  if (server->options & INET_OPTION_KEEPALIVE)
    set_flag (fd, SOL_SOCKET, SO_KEEPALIVE, 1);
  if (server->options & INET_OPTION_NODELAY)
    set_flag (fd, IPPROTO_TCP, TCP_NODELAY, 1);

  if (bind (fd, (struct sockaddr *) address, server->bind_length) != 0
      || listen (fd, server->backlog ? (int) server->backlog : SOMAXCONN) != 0)
    {
      DWORD code;

      err = errno;
      close (fd);
      code = inet__wsa_from_errno (err);
      if (address->ss_family == AF_INET6 && err == EADDRNOTAVAIL)
        code = WSAEADDRNOTAVAIL;
      inet__set_error_detail (code, "%s%s%s port %u", family == AF_INET6 ? "[" : "", text,
                              family == AF_INET6 ? "]" : "", port);
      return (int) code;
    }
  /* a restart must come back on the same port, also after port 0 */
  {
    struct sockaddr_storage bound;
    socklen_t len = sizeof bound;

    if (getsockname (fd, (struct sockaddr *) &bound, &len) == 0)
      {
        if (bound.ss_family == AF_INET)
          ((struct sockaddr_in *) address)->sin_port = ((struct sockaddr_in *) &bound)->sin_port;
        else
          ((struct sockaddr_in6 *) address)->sin6_port
            = ((struct sockaddr_in6 *) &bound)->sin6_port;
      }
  }
  pthread_mutex_lock (&server->mutex);
  server->listen_fd = fd;
  pthread_mutex_unlock (&server->mutex);
  return 0;
}

static void
close_listener (InetServer *server)
{
  int fd;

  pthread_mutex_lock (&server->mutex);
  fd = server->listen_fd;
  server->listen_fd = -1;
  pthread_mutex_unlock (&server->mutex);
  if (fd >= 0)
    close (fd);
}

/* ------------------------------------------------------------- accepting */

static void
raise_with_pending (InetServer *server, UINT event, DWORD error,
                    const struct sockaddr_storage *peer, socklen_t peer_length)
{
  /* InetServerLock holds the server's events: it may have been taken
   * after the check before accept4() */
  inet__lock_wait (server, NULL);
  memcpy (&server->pending_peer, peer, peer_length);
  server->pending_peer_length = peer_length;
  server->pending_valid = true;
  server->pending_rejected = false;
  inet__server_raise (server, event, error, NULL);
  server->pending_valid = false;
}

static void
reject (InetServer *server, int fd, DWORD reason, const struct sockaddr_storage *peer,
        socklen_t peer_length, bool abortive)
{
  if (abortive)
    {
      struct linger lg = { 1, 0 };

      setsockopt (fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
  close (fd);
  atomic_fetch_add (&server->n_rejected, 1);
  raise_with_pending (server, INET_EVENT_REJECT, reason, peer, peer_length);
}

/* Refuses a connection whose session never ran: reject closes the socket,
 * the session lets go of it. */
static void
refuse (InetServer *server, InetSession *session, DWORD reason, bool abortive)
{
  int fd = session->fd;

  session->fd = -1;
  reject (server, fd, reason, &session->peer, session->peer_length, abortive);
  inet__object_unref (&session->object);
}

/* Out of descriptors: accept with the spare one and refuse, so the
 * connection does not sit in the backlog making poll() spin. */
static void
refuse_for_lack_of_descriptors (InetServer *server, int listen_fd)
{
  struct sockaddr_storage peer;
  socklen_t peer_length = sizeof peer;
  int fd;

  if (server->reserve_fd < 0)
    return;
  close (server->reserve_fd);
  server->reserve_fd = -1;
  fd = accept4 (listen_fd, (struct sockaddr *) &peer, &peer_length, SOCK_CLOEXEC);
  if (fd >= 0)
    reject (server, fd, INET_REJECT_RESOURCES, &peer, peer_length, true);
  server->reserve_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* Returns false when the listener has nothing more for now. */
static bool
accept_one (InetServer *server, int listen_fd)
{
  struct sockaddr_storage peer;
  socklen_t peer_length = sizeof peer;
  InetSession *session;
  unsigned max_clients, max_per_address, same_address;
  DWORD limit = 0;
  int fd;

  fd = accept4 (listen_fd, (struct sockaddr *) &peer, &peer_length,
                SOCK_CLOEXEC | (server->tls != NULL ? SOCK_NONBLOCK : 0));
  if (fd < 0)
    {
      if (errno == EMFILE || errno == ENFILE)
        {
          refuse_for_lack_of_descriptors (server, listen_fd);
          return true;
        }
      return errno == EINTR || errno == ECONNABORTED;
    }

  session = inet__session_new (server, fd, &peer, peer_length);
  max_clients = atomic_load (&server->max_clients);
  max_per_address = atomic_load (&server->max_per_address);
  pthread_mutex_lock (&server->mutex);
  same_address = max_per_address ? inet__address_count_add (server, session->peer_text, 0) : 0;
  if (max_clients != 0 && server->n_active >= max_clients)
    limit = INET_REJECT_MAX_CLIENTS;
  else if (max_per_address != 0 && same_address >= max_per_address)
    limit = INET_REJECT_MAX_PER_ADDRESS;
  pthread_mutex_unlock (&server->mutex);
  if (limit != 0)
    {
      refuse (server, session, limit, false);
      return true;
    }

  raise_with_pending (server, INET_EVENT_ACCEPT, 0, &peer, peer_length);
  if (server->pending_rejected)
    {
      refuse (server, session, INET_REJECT_APPLICATION, true);
      return true;
    }

  if (inet__handle_register (&session->object) == INVALID_SOCKET)
    {
      refuse (server, session, INET_REJECT_RESOURCES, true);
      return true;
    }
  pthread_mutex_lock (&server->mutex);
  session->id = ++server->next_client_id;
  session->next = server->sessions;
  if (server->sessions != NULL)
    server->sessions->prev = session;
  server->sessions = session;
  inet__address_count_add (server, session->peer_text, +1);
  server->n_active++;
  server->n_sessions++;
  if (server->n_active > server->n_peak)
    server->n_peak = server->n_active;
  pthread_mutex_unlock (&server->mutex);

  /* counted before its thread can raise CONNECT */
  atomic_fetch_add (&server->n_accepted, 1);
  if (!inet__worker_dispatch (server, session))
    {
      /* no thread: undo, as if the session never was */
      pthread_mutex_lock (&server->mutex);
      if (session->prev != NULL)
        session->prev->next = session->next;
      else
        server->sessions = session->next;
      if (session->next != NULL)
        session->next->prev = session->prev;
      inet__address_count_add (server, session->peer_text, -1);
      server->n_active--;
      server->n_sessions--;
      pthread_mutex_unlock (&server->mutex);
      atomic_fetch_sub (&server->n_accepted, 1);
      inet__handle_unregister (&session->object);
      refuse (server, session, INET_REJECT_RESOURCES, true);
      return true;
    }
  return true;
}

/* --------------------------------------------------------------- commands */

/* Ends every session for `reason` and waits until they are gone. */
static void
end_all_sessions (InetServer *server, DWORD reason)
{
  pthread_mutex_lock (&server->mutex);
  for (InetSession *session = server->sessions; session != NULL; session = session->next)
    inet__session_terminate (session, reason, false);
  while (server->n_sessions > 0)
    pthread_cond_wait (&server->cond, &server->mutex);
  server->idle_pending = false;
  pthread_mutex_unlock (&server->mutex);
}

/* Wakes every session, also those blocked in recv() (pause and resume). */
static void
notify_all_sessions (InetServer *server)
{
  InetSession **sessions;
  size_t n = 0;

  pthread_mutex_lock (&server->mutex);
  sessions = calloc (server->n_sessions + 1, sizeof *sessions);
  for (InetSession *session = server->sessions; session != NULL; session = session->next)
    sessions[n++] = (InetSession *) inet__object_ref (&session->object);
  pthread_mutex_unlock (&server->mutex);
  for (size_t i = 0; i < n; i++)
    {
      inet__session_notify (sessions[i]);
      inet__object_unref (&sessions[i]->object);
    }
  free (sessions);
}

static void
apply_suspend (InetServer *server, bool suspend, DWORD options)
{
  bool pause = suspend && (options & INET_SUSPEND_PAUSEIO);
  bool was_paused;

  /* everything the caller of InetServerSuspend waits for, in one step */
  pthread_mutex_lock (&server->mutex);
  was_paused = atomic_exchange (&server->pause_io, pause);
  server->suspended = suspend;
  atomic_store (&server->status, suspend ? INET_SERVER_SUSPENDED : INET_SERVER_LISTENING);
  pthread_cond_broadcast (&server->cond);
  pthread_mutex_unlock (&server->mutex);
  if (pause != was_paused)
    notify_all_sessions (server); /* also those blocked in recv() */
  inet__server_raise (server, suspend ? INET_EVENT_SUSPEND : INET_EVENT_RESUME, 0, NULL);
  if (suspend && (options & INET_SUSPEND_DISCONNECT))
    end_all_sessions (server, INET_CLOSE_SUSPEND);
}

static void
do_restart (InetServer *server)
{
  int error;

  atomic_store (&server->status, INET_SERVER_RESTARTING);
  close_listener (server);
  if (atomic_exchange (&server->pause_io, false))
    notify_all_sessions (server);
  end_all_sessions (server, INET_CLOSE_RESTART);
  error = inet__listener_open (server, true);

  pthread_mutex_lock (&server->mutex);
  server->restart_requested = false;
  server->restart_error = (DWORD) error;
  server->suspended = server->suspend_requested = false;
  if (error != 0)
    server->stop_requested = true;
  else
    atomic_store (&server->status, INET_SERVER_LISTENING);
  server->restart_generation++;
  pthread_cond_broadcast (&server->cond);
  pthread_mutex_unlock (&server->mutex);
  inet__server_raise (server, INET_EVENT_RESTART, (DWORD) error,
                      error != 0 ? inet__error_detail () : NULL);
}

static void
do_stop (InetServer *server)
{
  atomic_store (&server->status, INET_SERVER_STOPPING);
  inet__lock_kick ();
  close_listener (server);
  atomic_store (&server->pause_io, false); /* the sessions are ending anyway */
  end_all_sessions (server, INET_CLOSE_STOP);
  inet__worker_join_all (server);
  inet__server_raise (server, INET_EVENT_STOP, 0, NULL);
  inet__lock_forget_server (server);
}

/* ------------------------------------------------------------ the thread */

void *
inet__listener_main (void *data)
{
  InetServer *server = data;
  uint64_t next_accept_us = 0;
  UINT effective;

  current_server = server;
  atomic_store (&server->tid, gettid ());
  pthread_setname_np (pthread_self (), "inet-server");
  inet__priority_apply (gettid (), atomic_load (&server->priority), &effective);
  server->reserve_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  inet__server_raise (server, INET_EVENT_START, 0, NULL);

  for (;;)
    {
      struct pollfd fds[2];
      bool stop, restart, idle, listening;
      bool change_suspend;
      bool suspend;
      DWORD suspend_options;
      int listen_fd;
      uint64_t deadline = 0;
      unsigned interval;

      pthread_mutex_lock (&server->mutex);
      atomic_store (&server->commands_pending, false); /* read below, under the lock */
      stop = server->stop_requested;
      restart = server->restart_requested;
      change_suspend = server->suspend_requested != server->suspended;
      suspend = server->suspend_requested;
      suspend_options = server->suspend_options;
      idle = server->idle_pending && server->n_sessions == 0;
      server->idle_pending = false;
      listen_fd = server->listen_fd;
      listening = listen_fd >= 0 && !server->suspended;
      pthread_mutex_unlock (&server->mutex);

      if (stop)
        break;
      if (restart)
        {
          do_restart (server);
          next_accept_us = 0;
          continue;
        }
      if (change_suspend)
        {
          apply_suspend (server, suspend, suspend_options);
          continue;
        }
      if (idle)
        inet__server_raise (server, INET_EVENT_IDLE, 0, NULL);
      inet__worker_reap (server);

      fds[0].fd = server->wake_fd;
      fds[0].events = POLLIN;
      fds[0].revents = 0;
      fds[1].fd = listen_fd;
      fds[1].events = POLLIN;
      fds[1].revents = 0;
      if (listening && next_accept_us > inet__mono_us ())
        {
          listening = false; /* the accept interval has not passed */
          deadline = next_accept_us;
        }
      poll (fds, listening ? 2 : 1, inet__poll_timeout (deadline));
      if (fds[0].revents & POLLIN)
        {
          eventfd_t value;

          eventfd_read (server->wake_fd, &value);
        }
      if (listening && (fds[1].revents & POLLIN))
        {
          /* InetServerLock holds accepting too */
          if (inet__lock_wait (server, NULL) != 0)
            continue;
          interval = atomic_load (&server->accept_interval_ms);
          for (int i = 0; i < (interval ? 1 : ACCEPTS_PER_WAKE); i++)
            if (!accept_one (server, listen_fd))
              break;
          if (interval != 0)
            next_accept_us = inet__mono_us () + (uint64_t) interval * 1000u;
        }
    }

  do_stop (server);
  if (server->reserve_fd >= 0)
    close (server->reserve_fd);
  current_server = NULL;
  inet__server_finish (server);
  return NULL;
}
