/* inet-lock.c - InetServerLock / InetServerUnlock.
 *
 * One record for the whole process: which server is locked, by which
 * thread, how deep. Threads check an atomic pointer first, so when nothing
 * is locked a network call pays one load.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-lock-private.h"
#include "inet-error-private.h"
#include "inet-session-private.h"

#include <unistd.h>

static pthread_mutex_t lock_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lock_cond = PTHREAD_COND_INITIALIZER;
static _Atomic (InetServer *) locked_server;  /* (lock: lock_mutex) for writes */
static pid_t owner_tid;                        /* (lock: lock_mutex) */
static unsigned depth;                         /* (lock: lock_mutex) */
static InetSession *owner_waits_for;           /* (lock: lock_mutex) */

static bool
ending (InetServer *server, InetSession *session)
{
  int status = atomic_load (&server->status);

  if (status == INET_SERVER_STOPPING || status == INET_SERVER_STOPPED)
    return true;
  return session != NULL && (atomic_load (&session->flags) & SESSION_TERMINATE) != 0;
}

/* The server thread stops waiting when a command waits for it: the lock
 * owner may be the one that posted it (Suspend, Restart, Stop), and would
 * otherwise wait for a thread that waits for it. */
static bool
released (InetServer *server, InetSession *session)
{
  return ending (server, session)
         || (session == NULL && atomic_load (&server->commands_pending));
}

DWORD
inet__lock_wait (InetServer *server, InetSession *session)
{
  pid_t me;
  DWORD result = 0;

  if (atomic_load_explicit (&locked_server, memory_order_acquire) != server)
    return 0;
  me = gettid ();
  pthread_mutex_lock (&lock_mutex);
  while (atomic_load (&locked_server) == server && owner_tid != me)
    {
      if (released (server, session))
        {
          result = WSA_OPERATION_ABORTED;
          break;
        }
      if (session != NULL && owner_waits_for == session)
        {
          result = INET_ERROR_DEADLOCK;
          break;
        }
      pthread_cond_wait (&lock_cond, &lock_mutex);
    }
  pthread_mutex_unlock (&lock_mutex);
  return result;
}

void
inet__lock_kick (void)
{
  if (atomic_load_explicit (&locked_server, memory_order_acquire) == NULL)
    return;
  pthread_mutex_lock (&lock_mutex);
  pthread_cond_broadcast (&lock_cond);
  pthread_mutex_unlock (&lock_mutex);
}

void
inet__lock_owner_waits_for (InetSession *session)
{
  pthread_mutex_lock (&lock_mutex);
  if (atomic_load (&locked_server) != NULL && owner_tid == gettid ())
    {
      owner_waits_for = session;
      pthread_cond_broadcast (&lock_cond);
    }
  pthread_mutex_unlock (&lock_mutex);
}

void
inet__lock_forget_server (InetServer *server)
{
  pthread_mutex_lock (&lock_mutex);
  if (atomic_load (&locked_server) == server)
    {
      atomic_store (&locked_server, NULL);
      owner_tid = 0;
      depth = 0;
      owner_waits_for = NULL;
      pthread_cond_broadcast (&lock_cond);
    }
  pthread_mutex_unlock (&lock_mutex);
}

BOOL WINAPI
InetServerLock (SOCKET hServer)
{
  InetServer *server = inet__server_lookup (hServer);
  InetSession *mine = inet__session_current ();
  pid_t me = gettid ();
  DWORD error = 0;

  if (server == NULL)
    return FALSE;
  pthread_mutex_lock (&lock_mutex);
  for (;;)
    {
      InetServer *locked = atomic_load (&locked_server);

      if (ending (server, NULL))
        {
          error = INET_ERROR_SERVER_STOPPED;
          break;
        }
      if (locked == NULL)
        {
          atomic_store_explicit (&locked_server, server, memory_order_release);
          owner_tid = me;
          depth = 1;
          owner_waits_for = NULL;
          break;
        }
      if (owner_tid == me)
        {
          if (locked == server)
            depth++;
          else
            error = INET_ERROR_DEADLOCK; /* we would wait for ourselves */
          break;
        }
      if (mine != NULL && owner_waits_for == mine)
        {
          error = INET_ERROR_DEADLOCK; /* the owner waits for this session */
          break;
        }
      pthread_cond_wait (&lock_cond, &lock_mutex);
    }
  pthread_mutex_unlock (&lock_mutex);
  inet__object_unref (&server->object);
  if (error != 0)
    {
      inet__set_error (error);
      return FALSE;
    }
  inet__set_error (0);
  return TRUE;
}

BOOL WINAPI
InetServerUnlock (SOCKET hServer)
{
  InetServer *server = inet__server_lookup (hServer);
  DWORD error = 0;

  if (server == NULL)
    return FALSE;
  pthread_mutex_lock (&lock_mutex);
  if (atomic_load (&locked_server) != server)
    error = WSAEINVAL;
  else if (owner_tid != gettid ())
    error = INET_ERROR_NOT_OWNER;
  else if (--depth == 0)
    {
      atomic_store_explicit (&locked_server, NULL, memory_order_release);
      owner_tid = 0;
      owner_waits_for = NULL;
      pthread_cond_broadcast (&lock_cond);
    }
  pthread_mutex_unlock (&lock_mutex);
  inet__object_unref (&server->object);
  if (error != 0)
    {
      inet__set_error (error);
      return FALSE;
    }
  inet__set_error (0);
  return TRUE;
}

SOCKET WINAPI
InetGetLockedServer (VOID)
{
  InetServer *server;
  SOCKET handle = INVALID_SOCKET;

  pthread_mutex_lock (&lock_mutex);
  server = atomic_load (&locked_server);
  if (server != NULL)
    handle = server->object.handle;
  pthread_mutex_unlock (&lock_mutex);
  return handle;
}
