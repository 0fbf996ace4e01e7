/* inet-client.c - per-client getters and setters: data, priority, counters,
 * bandwidth, pause, addresses, socket options, TLS details.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-address-private.h"
#include "inet-error-private.h"
#include "inet-priority-private.h"
#include "inet-session-private.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

static BOOL
done (InetSession *session, BOOL result)
{
  inet__session_release (session);
  if (result)
    inet__set_error (0);
  return result;
}

DWORD_PTR WINAPI
InetGetClientData (SOCKET hClient)
{
  InetSession *session = inet__session_lookup (hClient);
  DWORD_PTR data;

  if (session == NULL)
    return 0;
  data = atomic_load (&session->data);
  done (session, TRUE);
  return data;
}

BOOL WINAPI
InetSetClientData (SOCKET hClient, DWORD_PTR dwData)
{
  InetSession *session = inet__session_lookup (hClient);

  if (session == NULL)
    return FALSE;
  atomic_store (&session->data, dwData);
  return done (session, TRUE);
}

SOCKET WINAPI
InetGetClientServer (SOCKET hClient)
{
  InetSession *session = inet__session_lookup (hClient);
  SOCKET server;

  if (session == NULL)
    return INVALID_SOCKET;
  server = session->server->object.handle;
  done (session, TRUE);
  return server;
}

DWORD WINAPI
InetGetClientId (SOCKET hClient)
{
  InetSession *session = inet__session_lookup (hClient);
  DWORD id;

  if (session == NULL)
    return 0;
  id = session->id;
  done (session, TRUE);
  return id;
}

INT WINAPI
InetGetClientPriority (SOCKET hClient)
{
  InetSession *session = inet__session_lookup (hClient);
  INT priority;

  if (session == NULL)
    return (INT) INET_PRIORITY_INVALID;
  priority = (INT) atomic_load (&session->priority);
  done (session, TRUE);
  return priority;
}

INT WINAPI
InetSetClientPriority (SOCKET hClient, UINT nPriority)
{
  InetSession *session = inet__session_lookup (hClient);
  UINT previous, effective = nPriority;
  DWORD error = 0;
  pid_t tid;

  if (session == NULL)
    return INET_ERROR;
  if (!inet__priority_valid (nPriority))
    {
      done (session, FALSE);
      inet__set_error (WSAEINVAL);
      return INET_ERROR;
    }
  /* serialised with the session thread applying its start priority */
  pthread_mutex_lock (&session->mutex);
  previous = atomic_load (&session->priority);
  tid = atomic_load (&session->tid);
  if (tid != 0 && session->thread_running)
    error = inet__priority_apply (tid, nPriority, &effective);
  if (error == 0 || error == INET_ERROR_PRIORITY_DEGRADED)
    atomic_store (&session->priority, effective);
  pthread_mutex_unlock (&session->mutex);
  done (session, FALSE);
  inet__set_error (error);
  return error == 0 || error == INET_ERROR_PRIORITY_DEGRADED ? (INT) previous : INET_ERROR;
}

BOOL WINAPI
InetGetClientStats (SOCKET hClient, LPINETCLIENTSTATS lpStats)
{
  InetSession *session;
  unsigned flags;

  if (lpStats == NULL || lpStats->dwSize < sizeof (INETCLIENTSTATS))
    {
      inet__set_error (WSAEFAULT);
      return FALSE;
    }
  session = inet__session_lookup (hClient);
  if (session == NULL)
    return FALSE;
  flags = atomic_load (&session->flags);
  lpStats->dwClientId = session->id;
  lpStats->dwState = (DWORD) atomic_load (&session->state);
  lpStats->dwFlags = (session->server->tls != NULL ? INET_CLIENT_FLAG_SECURE : 0)
                     | ((flags & SESSION_PAUSED) || atomic_load (&session->server->pause_io)
                          ? INET_CLIENT_FLAG_PAUSED
                          : 0)
                     | ((flags & SESSION_EOF) ? INET_CLIENT_FLAG_READ_CLOSED : 0)
                     | ((flags & SESSION_NONBLOCKING) ? INET_CLIENT_FLAG_NONBLOCKING : 0);
  pthread_mutex_lock (&session->mutex);
  lpStats->dwCloseReason = session->close_reason;
  pthread_mutex_unlock (&session->mutex);
  lpStats->dwThreadId = (DWORD) atomic_load (&session->tid);
  lpStats->nPriority = atomic_load (&session->priority);
  lpStats->nAddressFamily = session->family;
  lpStats->dwReadLimit = inet__session_read_limit (session);
  lpStats->dwWriteLimit = inet__session_write_limit (session);
  lpStats->nBytesIn = atomic_load (&session->bytes_in);
  lpStats->nBytesOut = atomic_load (&session->bytes_out);
  lpStats->nConnectTime = session->connect_time_us;
  lpStats->nLastActivity = atomic_load (&session->last_activity_us);
  return done (session, TRUE);
}

BOOL WINAPI
InetSetClientBandwidth (SOCKET hClient, DWORD dwReadLimit, DWORD dwWriteLimit)
{
  InetSession *session = inet__session_lookup (hClient);

  if (session == NULL)
    return FALSE;
  if (dwReadLimit != INET_BANDWIDTH_UNCHANGED)
    atomic_store (&session->read_limit, dwReadLimit);
  if (dwWriteLimit != INET_BANDWIDTH_UNCHANGED)
    atomic_store (&session->write_limit, dwWriteLimit);
  inet__session_notify (session); /* a reader blocked in recv() takes the new limit */
  return done (session, TRUE);
}

static BOOL
set_paused (SOCKET hClient, bool paused)
{
  InetSession *session = inet__session_lookup (hClient);

  if (session == NULL)
    return FALSE;
  if (paused)
    atomic_fetch_or (&session->flags, SESSION_PAUSED);
  else
    atomic_fetch_and (&session->flags, ~(unsigned) SESSION_PAUSED);
  inet__session_notify (session);
  return done (session, TRUE);
}

BOOL WINAPI
InetSuspendClient (SOCKET hClient)
{
  return set_paused (hClient, true);
}

BOOL WINAPI
InetResumeClient (SOCKET hClient)
{
  return set_paused (hClient, false);
}

/* --------------------------------------------------------------- addresses */

BOOL WINAPI
InetGetPeerAddress (SOCKET hSocket, LPTSTR lpszAddress, INT cchAddress, LPUINT lpnPort)
{
  InetObject *object = inet__handle_lookup (hSocket, INET_OBJECT_SERVER | INET_OBJECT_SESSION);
  char text[INET6_ADDRSTRLEN + 8];
  UINT port = 0;
  int family;
  BOOL ok = TRUE;

  if (object == NULL)
    return FALSE;
  if (object->kind == INET_OBJECT_SESSION)
    {
      InetSession *session = (InetSession *) object;

      memcpy (text, session->peer_text, sizeof text);
      port = session->peer_port;
    }
  else
    {
      InetServer *server = (InetServer *) object;

      /* only the server thread, inside ACCEPT or REJECT */
      if (inet__listener_current () == server && server->pending_valid)
        inet__address_format (&server->pending_peer, server->pending_peer_length, text,
                              sizeof text, &port, &family);
      else
        {
          inet__set_error (WSAENOTCONN);
          ok = FALSE;
        }
    }
  inet__object_unref (object);
  if (ok && !inet__address_copy_out (text, port, lpszAddress, cchAddress, lpnPort))
    return FALSE;
  if (ok)
    inet__set_error (0);
  return ok;
}

BOOL WINAPI
InetGetLocalAddress (SOCKET hSocket, LPTSTR lpszAddress, INT cchAddress, LPUINT lpnPort)
{
  InetObject *object = inet__handle_lookup (hSocket, INET_OBJECT_SERVER | INET_OBJECT_SESSION);
  struct sockaddr_storage address;
  socklen_t length = sizeof address;
  char text[INET6_ADDRSTRLEN + 8];
  UINT port;
  int family;
  bool got = false;

  if (object == NULL)
    return FALSE;
  if (object->kind == INET_OBJECT_SERVER)
    {
      InetServer *server = (InetServer *) object;

      /* bind_address carries the real port once the listener is bound */
      pthread_mutex_lock (&server->mutex);
      memcpy (&address, &server->bind_address, server->bind_length);
      length = server->bind_length;
      pthread_mutex_unlock (&server->mutex);
      got = true;
    }
  else
    {
      InetSession *session = (InetSession *) object;

      pthread_mutex_lock (&session->mutex);
      got = session->fd >= 0
            && getsockname (session->fd, (struct sockaddr *) &address, &length) == 0;
      pthread_mutex_unlock (&session->mutex);
    }
  inet__object_unref (object);
  if (!got)
    {
      inet__set_error (WSAENOTCONN);
      return FALSE;
    }
  inet__address_format (&address, length, text, sizeof text, &port, &family);
  if (!inet__address_copy_out (text, port, lpszAddress, cchAddress, lpnPort))
    return FALSE;
  inet__set_error (0);
  return TRUE;
}

static int
get_flag (int fd, int level, int name)
{
  int value = 0;
  socklen_t len = sizeof value;

  return getsockopt (fd, level, name, &value, &len) == 0 && value != 0;
}

INT WINAPI
InetGetSocketOptions (SOCKET hSocket)
{
  InetObject *object = inet__handle_lookup (hSocket, INET_OBJECT_SERVER | INET_OBJECT_SESSION);
  pthread_mutex_t *mutex;
  bool secure;
  int fd;
  INT options = 0;

  if (object == NULL)
    return INET_ERROR;
  if (object->kind == INET_OBJECT_SERVER)
    {
      mutex = &((InetServer *) object)->mutex;
      pthread_mutex_lock (mutex);
      fd = ((InetServer *) object)->listen_fd;
      secure = ((InetServer *) object)->tls != NULL;
    }
  else
    {
      mutex = &((InetSession *) object)->mutex;
      pthread_mutex_lock (mutex);
      fd = ((InetSession *) object)->fd;
      secure = ((InetSession *) object)->server->tls != NULL;
    }
  if (fd >= 0)
    {
      options |= get_flag (fd, SOL_SOCKET, SO_REUSEADDR) ? INET_OPTION_REUSEADDR : 0;
      options |= get_flag (fd, SOL_SOCKET, SO_DONTROUTE) ? INET_OPTION_DONTROUTE : 0;
      options |= get_flag (fd, SOL_SOCKET, SO_KEEPALIVE) ? INET_OPTION_KEEPALIVE : 0;
      options |= get_flag (fd, IPPROTO_TCP, TCP_NODELAY) ? INET_OPTION_NODELAY : 0;
      options |= secure ? INET_OPTION_SECURE : 0;
      options |= INET_OPTION_NOINHERIT; /* every descriptor is close-on-exec */
    }
  pthread_mutex_unlock (mutex);
  inet__object_unref (object);
  if (fd < 0)
    {
      inet__set_error (WSAENOTCONN);
      return INET_ERROR;
    }
  inet__set_error (0);
  return options;
}

/* --------------------------------------------------------------------- TLS */

BOOL WINAPI
InetGetSecurityInfo (SOCKET hClient, LPINETSECURITYINFO lpInfo)
{
  InetSession *session;
  DWORD size;

  if (lpInfo == NULL || lpInfo->dwSize < sizeof (INETSECURITYINFO))
    {
      inet__set_error (WSAEFAULT);
      return FALSE;
    }
  session = inet__session_lookup (hClient);
  if (session == NULL)
    return FALSE;
  size = lpInfo->dwSize;
  pthread_mutex_lock (&session->mutex);
  if (session->tls_info != NULL)
    memcpy (lpInfo, session->tls_info, sizeof *lpInfo);
  else
    memset (lpInfo, 0, sizeof *lpInfo);
  pthread_mutex_unlock (&session->mutex);
  lpInfo->dwSize = size;
  return done (session, TRUE);
}
