/* inet-server.c - the server API: start, stop, suspend, resume, restart,
 * throttle, status, data, priority, counters, bandwidth.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-server-private.h"
#include "inet-address-private.h"
#include "inet-clock-private.h"
#include "inet-error-private.h"
#include "inet-lock-private.h"
#include "inet-priority-private.h"
#include "inet-session-private.h"
#include "inet-worker-private.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* ---------------------------------------------------------------- helpers */

InetServer *
inet__server_lookup (SOCKET handle)
{
  return (InetServer *) inet__handle_lookup (handle, INET_OBJECT_SERVER);
}

/* A server handle, or the server of a client handle. */
static InetServer *
lookup_server_of (SOCKET handle)
{
  InetObject *object = inet__handle_lookup (handle, INET_OBJECT_SERVER | INET_OBJECT_SESSION);
  InetServer *server;

  if (object == NULL || object->kind == INET_OBJECT_SERVER)
    return (InetServer *) object;
  server = (InetServer *) inet__object_ref (&((InetSession *) object)->server->object);
  inet__object_unref (object);
  return server;
}

void
inet__server_wake (InetServer *server)
{
  eventfd_write (server->wake_fd, 1);
}

void
inet__server_command_posted (InetServer *server)
{
  atomic_store (&server->commands_pending, true);
  inet__server_wake (server);
  inet__lock_kick ();
}

bool
inet__server_in_handler (InetServer *server)
{
  InetSession *session = inet__session_current ();

  return inet__listener_current () == server || (session != NULL && session->server == server);
}

void
inet__server_raise (InetServer *server, UINT event, DWORD error, const char *detail)
{
  /* InetServerLock holds server events too (see inet__lock_wait for when
   * the server thread goes on anyway) */
  if (inet__listener_current () == server)
    inet__lock_wait (server, NULL);
  inet__set_event_detail (detail);
  server->proc (server->object.handle, event, error, server->param);
  inet__set_event_detail (NULL);
}

static void
server_finalize (InetObject *object)
{
  InetServer *server = (InetServer *) object;

  if (server->listen_fd >= 0)
    close (server->listen_fd);
  if (server->wake_fd >= 0)
    close (server->wake_fd);
  if (server->tls != NULL)
    inet__tls_context_free (server->tls);
  inet__address_counts_free (server);
  inet__bucket_clear (&server->total_read_bucket);
  inet__bucket_clear (&server->total_write_bucket);
  pthread_mutex_destroy (&server->mutex);
  pthread_cond_destroy (&server->cond);
  free (server->host);
  free (server->warning_text);
  free (server);
}

void
inet__server_finish (InetServer *server)
{
  bool detach;

  inet__handle_unregister (&server->object);
  pthread_mutex_lock (&server->mutex);
  atomic_store (&server->status, INET_SERVER_STOPPED);
  server->finished = true;
  detach = !server->joiner_claimed; /* nobody waits: let the thread go alone */
  server->joiner_claimed = true;
  pthread_cond_broadcast (&server->cond);
  pthread_mutex_unlock (&server->mutex);
  if (detach)
    pthread_detach (pthread_self ());
  inet__object_unref (&server->object); /* the thread's reference */
}

static bool
fail (DWORD error)
{
  inet__set_error (error);
  return false;
}

/* ------------------------------------------------------------------ start */

static bool
credentials_usable (const SECURITYCREDENTIALS *credentials)
{
  if (credentials == NULL)
    {
      inet__set_error_detail (WSAEINVAL, "INET_OPTION_SECURE needs credentials");
      return false;
    }
  if (credentials->dwSize < offsetof (SECURITYCREDENTIALS, lpszKeyFile)
      || credentials->lpszCertStore == NULL || credentials->lpszCertStore[0] == '\0')
    {
      inet__set_error_detail (WSAEINVAL, "dwSize and lpszCertStore must be set");
      return false;
    }
  return true;
}

SOCKET WINAPI
InetServerStart (LPCTSTR lpszLocalHost, UINT nLocalPort, UINT nBacklog, UINT nMaxClients,
                 UINT nTimeout, UINT nPriority, DWORD dwOptions, INETEVENTPROC lpEventProc,
                 DWORD_PTR dwEventParam, LPSECURITYCREDENTIALS lpCredentials)
{
  InetServer *server;
  sigset_t all, old;
  pthread_attr_t attr;
  DWORD error;
  int rc;

  if (lpEventProc == NULL || !inet__priority_valid (nPriority))
    {
      inet__set_error_detail (WSAEINVAL, lpEventProc == NULL ? "no event callback"
                                                             : "unknown priority %u",
                              nPriority);
      return INVALID_SOCKET;
    }
  if ((dwOptions & INET_OPTION_SECURE) && !credentials_usable (lpCredentials))
    return INVALID_SOCKET;

  server = calloc (1, sizeof *server);
  inet__object_init (&server->object, INET_OBJECT_SERVER, server_finalize);
  pthread_mutex_init (&server->mutex, NULL);
  inet__cond_init (&server->cond);
  inet__bucket_init (&server->total_read_bucket);
  inet__bucket_init (&server->total_write_bucket);
  server->proc = lpEventProc;
  server->param = dwEventParam;
  server->host = lpszLocalHost != NULL ? strdup (lpszLocalHost) : NULL;
  server->backlog = nBacklog;
  server->timeout = nTimeout;
  server->options = dwOptions;
  server->listen_fd = -1;
  server->reserve_fd = -1;
  server->wake_fd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  server->start_time_us = inet__real_us ();
  atomic_init (&server->status, INET_SERVER_STARTING);
  atomic_init (&server->max_clients, nMaxClients);
  atomic_init (&server->priority, nPriority);
  atomic_init (&server->linger_seconds, -1);

  error = inet__address_for_bind (lpszLocalHost, nLocalPort, &server->bind_address,
                                  &server->bind_length, &server->dual_stack);
  if (error == 0 && server->wake_fd < 0)
    {
      error = inet__wsa_from_errno (errno);
      inet__set_error (error);
    }
  if (error == 0 && (dwOptions & INET_OPTION_SECURE))
    {
      server->tls = inet__tls_context_new (lpCredentials, &server->warning, &server->warning_text);
      if (server->tls == NULL)
        error = InetGetLastError ();
    }
  if (error == 0)
    error = (DWORD) inet__listener_open (server, false);
  if (error == 0 && inet__handle_register (&server->object) == INVALID_SOCKET)
    error = WSAEMFILE;
  if (error != 0)
    {
      /* the detail (file, address) stays with the error */
      char detail[512];

      snprintf (detail, sizeof detail, "%s", inet__error_detail ());
      inet__object_unref (&server->object);
      inet__set_error_detail (error, "%s", detail);
      return INVALID_SOCKET;
    }

  atomic_store (&server->status, INET_SERVER_LISTENING);
  /* engine threads get no signals: those belong to the application */
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  inet__object_ref (&server->object); /* for the thread */
  inet__thread_attr_init (&attr);
  rc = pthread_create (&server->thread, &attr, inet__listener_main, server);
  pthread_attr_destroy (&attr);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (rc != 0)
    {
      inet__object_unref (&server->object);
      inet__handle_unregister (&server->object);
      inet__object_unref (&server->object);
      inet__set_error_detail (INET_ERROR_THREAD, "%s", strerror (rc));
      return INVALID_SOCKET;
    }
  if (server->warning != 0)
    inet__set_error_detail (server->warning, "%s",
                            server->warning_text ? server->warning_text : "");
  else
    inet__set_error (0);
  {
    SOCKET handle = server->object.handle;

    /* from here the handle table and the server thread keep it alive */
    inet__object_unref (&server->object);
    return handle;
  }
}

/* ------------------------------------------------------------------- stop */

BOOL WINAPI
InetServerStopEx (SOCKET hServer, DWORD dwOptions)
{
  InetServer *server = inet__server_lookup (hServer);
  bool wait, join;

  if (server == NULL)
    return FALSE;
  /* from inside a handler of this server, waiting would wait for ourselves */
  wait = !(dwOptions & INET_STOP_ASYNC) && !inet__server_in_handler (server);

  pthread_mutex_lock (&server->mutex);
  server->stop_requested = true;
  /* STOPPING at once, not when the server thread gets to it: that thread
   * may be parked behind an InetServerLock held by this very caller, and
   * "stopping" is what ends such waits (inet-lock.c) */
  atomic_store (&server->status, INET_SERVER_STOPPING);
  join = wait && !server->joiner_claimed;
  if (join)
    server->joiner_claimed = true;
  pthread_mutex_unlock (&server->mutex);
  inet__server_command_posted (server);

  if (join)
    {
      pthread_join (server->thread, NULL);
      pthread_mutex_lock (&server->mutex);
      server->joined = true;
      pthread_cond_broadcast (&server->cond);
      pthread_mutex_unlock (&server->mutex);
    }
  else if (wait)
    {
      /* another thread joins; wait until it did (or the thread let go) */
      pthread_mutex_lock (&server->mutex);
      while (!server->joined && !server->finished)
        pthread_cond_wait (&server->cond, &server->mutex);
      pthread_mutex_unlock (&server->mutex);
    }
  inet__object_unref (&server->object);
  inet__set_error (0);
  return TRUE;
}

BOOL WINAPI
InetServerStop (SOCKET hServer)
{
  return InetServerStopEx (hServer, 0);
}

/* --------------------------------------------------------- suspend/resume */

static BOOL
request_suspend (SOCKET hServer, bool suspend, DWORD options)
{
  InetServer *server = inet__server_lookup (hServer);
  bool wait;
  int status;

  if (server == NULL)
    return FALSE;
  wait = !inet__server_in_handler (server);
  pthread_mutex_lock (&server->mutex);
  status = atomic_load (&server->status);
  if (server->stop_requested || status == INET_SERVER_STOPPING || status == INET_SERVER_STOPPED)
    {
      pthread_mutex_unlock (&server->mutex);
      inet__object_unref (&server->object);
      return fail (INET_ERROR_SERVER_STOPPED);
    }
  server->suspend_requested = suspend;
  server->suspend_options = options;
  pthread_mutex_unlock (&server->mutex);
  inet__server_command_posted (server);

  /* suspended means no accept from the moment the call returns */
  pthread_mutex_lock (&server->mutex);
  while (wait && server->suspended != suspend && server->suspend_requested == suspend
         && !server->finished && !server->stop_requested)
    pthread_cond_wait (&server->cond, &server->mutex);
  pthread_mutex_unlock (&server->mutex);
  inet__object_unref (&server->object);
  inet__set_error (0);
  return TRUE;
}

BOOL WINAPI
InetServerSuspendEx (SOCKET hServer, DWORD dwOptions)
{
  return request_suspend (hServer, true, dwOptions);
}

BOOL WINAPI
InetServerSuspend (SOCKET hServer)
{
  return request_suspend (hServer, true, 0);
}

BOOL WINAPI
InetServerResume (SOCKET hServer)
{
  return request_suspend (hServer, false, 0);
}

/* ---------------------------------------------------------------- restart */

BOOL WINAPI
InetServerRestart (SOCKET hServer)
{
  InetServer *server = inet__server_lookup (hServer);
  unsigned generation;
  DWORD error = 0;

  if (server == NULL)
    return FALSE;
  pthread_mutex_lock (&server->mutex);
  if (server->stop_requested)
    {
      pthread_mutex_unlock (&server->mutex);
      inet__object_unref (&server->object);
      return fail (INET_ERROR_SERVER_STOPPED);
    }
  server->restart_requested = true;
  generation = server->restart_generation;
  pthread_mutex_unlock (&server->mutex);
  inet__server_command_posted (server);

  if (!inet__server_in_handler (server))
    {
      pthread_mutex_lock (&server->mutex);
      while (server->restart_generation == generation && !server->finished)
        pthread_cond_wait (&server->cond, &server->mutex);
      error = server->restart_generation == generation ? INET_ERROR_SERVER_STOPPED
                                                       : server->restart_error;
      pthread_mutex_unlock (&server->mutex);
    }
  inet__object_unref (&server->object);
  inet__set_error (error);
  return error == 0;
}

/* --------------------------------------------------------------- throttle */

BOOL WINAPI
InetServerThrottle (SOCKET hServer, UINT nMaxClients, UINT nMaxClientsPerAddress,
                    DWORD dwConnectionRate)
{
  InetServer *server = inet__server_lookup (hServer);

  if (server == NULL)
    return FALSE;
  if (nMaxClients != (UINT) -1)
    atomic_store (&server->max_clients, nMaxClients);
  if (nMaxClientsPerAddress != (UINT) -1)
    atomic_store (&server->max_per_address, nMaxClientsPerAddress);
  if (dwConnectionRate != (DWORD) -1)
    atomic_store (&server->accept_interval_ms, dwConnectionRate);
  inet__server_wake (server); /* a shorter interval may allow an accept now */
  inet__object_unref (&server->object);
  inet__set_error (0);
  return TRUE;
}

BOOL WINAPI
InetGetServerThrottle (SOCKET hServer, LPUINT lpnMaxClients, LPUINT lpnMaxClientsPerAddress,
                       LPDWORD lpdwConnectionRate)
{
  InetServer *server = inet__server_lookup (hServer);

  if (server == NULL)
    return FALSE;
  if (lpnMaxClients != NULL)
    *lpnMaxClients = atomic_load (&server->max_clients);
  if (lpnMaxClientsPerAddress != NULL)
    *lpnMaxClientsPerAddress = atomic_load (&server->max_per_address);
  if (lpdwConnectionRate != NULL)
    *lpdwConnectionRate = atomic_load (&server->accept_interval_ms);
  inet__object_unref (&server->object);
  inet__set_error (0);
  return TRUE;
}

/* ------------------------------------------------------------ status etc. */

INT WINAPI
InetGetServerStatus (SOCKET hServer)
{
  InetServer *server = inet__server_lookup (hServer);
  INT status;

  if (server == NULL)
    return INET_ERROR;
  status = atomic_load (&server->status);
  if (InetGetLockedServer () == hServer)
    status |= INET_SERVER_LOCKED;
  inet__object_unref (&server->object);
  inet__set_error (0);
  return status;
}

DWORD WINAPI
InetGetServerThreadId (SOCKET hServer)
{
  InetServer *server = inet__server_lookup (hServer);
  DWORD tid = 0;

  if (server == NULL)
    return 0;
  /* the thread writes its id first thing; wait the few microseconds */
  for (int i = 0; i < 1000 && (tid = (DWORD) atomic_load (&server->tid)) == 0; i++)
    usleep (100);
  inet__object_unref (&server->object);
  inet__set_error (tid != 0 ? 0 : INET_ERROR_SERVER_STOPPED);
  return tid;
}

DWORD_PTR WINAPI
InetGetServerData (SOCKET hSocket)
{
  InetServer *server = lookup_server_of (hSocket);
  DWORD_PTR data;

  if (server == NULL)
    return 0;
  data = atomic_load (&server->data);
  inet__object_unref (&server->object);
  inet__set_error (0);
  return data;
}

BOOL WINAPI
InetSetServerData (SOCKET hSocket, DWORD_PTR dwData)
{
  InetServer *server = lookup_server_of (hSocket);

  if (server == NULL)
    return FALSE;
  atomic_store (&server->data, dwData);
  inet__object_unref (&server->object);
  inet__set_error (0);
  return TRUE;
}

INT WINAPI
InetGetServerPriority (SOCKET hServer)
{
  InetServer *server = inet__server_lookup (hServer);
  INT priority;

  if (server == NULL)
    return (INT) INET_PRIORITY_INVALID;
  priority = (INT) atomic_load (&server->priority);
  inet__object_unref (&server->object);
  inet__set_error (0);
  return priority;
}

INT WINAPI
InetSetServerPriority (SOCKET hServer, UINT nPriority)
{
  InetServer *server = inet__server_lookup (hServer);
  UINT previous, effective;
  DWORD error = 0;
  pid_t tid;

  if (server == NULL)
    return INET_ERROR;
  if (!inet__priority_valid (nPriority))
    {
      inet__object_unref (&server->object);
      inet__set_error (WSAEINVAL);
      return INET_ERROR;
    }
  previous = atomic_exchange (&server->priority, nPriority);
  tid = atomic_load (&server->tid);
  if (tid != 0)
    error = inet__priority_apply (tid, nPriority, &effective);
  inet__object_unref (&server->object);
  if (error != 0 && error != INET_ERROR_PRIORITY_DEGRADED)
    {
      atomic_store (&server->priority, previous);
      inet__set_error (error);
      return INET_ERROR;
    }
  inet__set_error (error);
  return (INT) previous;
}

/* ---------------------------------------------------------------- counters */

BOOL WINAPI
InetGetServerStats (SOCKET hServer, LPINETSERVERSTATS lpStats)
{
  InetServer *server;
  uint64_t bytes_in, bytes_out;

  if (lpStats == NULL || lpStats->dwSize < sizeof (INETSERVERSTATS))
    return fail (WSAEFAULT);
  server = inet__server_lookup (hServer);
  if (server == NULL)
    return FALSE;
  pthread_mutex_lock (&server->mutex);
  bytes_in = atomic_load (&server->ended_bytes_in);
  bytes_out = atomic_load (&server->ended_bytes_out);
  for (InetSession *session = server->sessions; session != NULL; session = session->next)
    {
      bytes_in += atomic_load_explicit (&session->bytes_in, memory_order_relaxed);
      bytes_out += atomic_load_explicit (&session->bytes_out, memory_order_relaxed);
    }
  lpStats->nActive = server->n_active;
  lpStats->nPeak = server->n_peak;
  pthread_mutex_unlock (&server->mutex);
  lpStats->nAccepted = atomic_load (&server->n_accepted);
  lpStats->nRejected = atomic_load (&server->n_rejected);
  lpStats->nHandshakeFailures = atomic_load (&server->n_handshake_failures);
  lpStats->nBytesIn = bytes_in;
  lpStats->nBytesOut = bytes_out;
  lpStats->nStartTime = server->start_time_us;
  inet__object_unref (&server->object);
  inet__set_error (0);
  return TRUE;
}

INT WINAPI
InetEnumServerClients (SOCKET hServer, SOCKET *lpClients, INT nMaxClients)
{
  InetServer *server = inet__server_lookup (hServer);
  INT n = 0;

  if (server == NULL)
    return INET_ERROR;
  pthread_mutex_lock (&server->mutex);
  for (InetSession *session = server->sessions; session != NULL; session = session->next)
    {
      if (atomic_load (&session->state) != INET_CLIENT_CONNECTED)
        continue;
      if (lpClients != NULL && n < nMaxClients)
        lpClients[n] = session->object.handle;
      n++;
    }
  pthread_mutex_unlock (&server->mutex);
  inet__object_unref (&server->object);
  inet__set_error (0);
  return n;
}

/* --------------------------------------------------------------- bandwidth */

static void
store_limit (atomic_uint *field, DWORD value)
{
  if (value != INET_BANDWIDTH_UNCHANGED)
    atomic_store (field, value == INET_BANDWIDTH_INHERIT ? 0 : value);
}

BOOL WINAPI
InetSetServerBandwidth (SOCKET hServer, DWORD dwClientRead, DWORD dwClientWrite,
                        DWORD dwTotalRead, DWORD dwTotalWrite)
{
  InetServer *server = inet__server_lookup (hServer);

  if (server == NULL)
    return FALSE;
  store_limit (&server->client_read_limit, dwClientRead);
  store_limit (&server->client_write_limit, dwClientWrite);
  store_limit (&server->total_read_limit, dwTotalRead);
  store_limit (&server->total_write_limit, dwTotalWrite);
  inet__object_unref (&server->object);
  inet__set_error (0);
  return TRUE;
}

BOOL WINAPI
InetGetServerBandwidth (SOCKET hServer, LPDWORD lpdwClientRead, LPDWORD lpdwClientWrite,
                        LPDWORD lpdwTotalRead, LPDWORD lpdwTotalWrite)
{
  InetServer *server = inet__server_lookup (hServer);

  if (server == NULL)
    return FALSE;
  if (lpdwClientRead != NULL)
    *lpdwClientRead = atomic_load (&server->client_read_limit);
  if (lpdwClientWrite != NULL)
    *lpdwClientWrite = atomic_load (&server->client_write_limit);
  if (lpdwTotalRead != NULL)
    *lpdwTotalRead = atomic_load (&server->total_read_limit);
  if (lpdwTotalWrite != NULL)
    *lpdwTotalWrite = atomic_load (&server->total_write_limit);
  inet__object_unref (&server->object);
  inet__set_error (0);
  return TRUE;
}

/* ------------------------------------------------------------ ACCEPT tools */

BOOL WINAPI
InetServerReject (SOCKET hServer)
{
  InetServer *server = inet__server_lookup (hServer);
  BOOL ok = FALSE;

  if (server == NULL)
    return FALSE;
  if (inet__listener_current () == server && server->pending_valid)
    {
      server->pending_rejected = true;
      ok = TRUE;
    }
  inet__object_unref (&server->object);
  inet__set_error (ok ? 0 : INET_ERROR_NOT_IN_HANDLER);
  return ok;
}

DWORD WINAPI
InetGetServerWarning (SOCKET hServer, LPTSTR lpszText, INT cchText)
{
  InetServer *server = inet__server_lookup (hServer);
  DWORD warning;

  if (server == NULL)
    return 0;
  warning = server->warning;
  if (lpszText != NULL && cchText > 0)
    snprintf (lpszText, (size_t) cchText, "%s", server->warning_text ? server->warning_text : "");
  inet__object_unref (&server->object);
  inet__set_error (0);
  return warning;
}
