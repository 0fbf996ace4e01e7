/* test-engine-lock.c - InetServerLock/Unlock across threads: recursive,
 * owner-only unlock, other threads wait at their next network call (and
 * the server's events and accepts are held), deadlocks refused.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-fixture.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define WAIT INET_TEST_TIMEOUT_MS
#define HELD 300 /* ms a waiting call is watched to stay blocked */

typedef struct
{
  SOCKET server;
  SOCKET client;
  BOOL result;
  INT count;
  DWORD error;
} Call;

static gpointer
unlock_thread (gpointer data)
{
  Call *c = data;

  c->result = InetServerUnlock (c->server);
  c->error = InetGetLastError ();
  return NULL;
}

static gpointer
write_thread (gpointer data)
{
  Call *c = data;

  c->count = InetWrite (c->client, (LPCBYTE) "x", 1);
  c->error = InetGetLastError ();
  return NULL;
}

static void
test_recursive (InetTestFixture *f, gconstpointer data)
{
  SOCKET server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);

  g_assert_cmpuint (InetGetLockedServer (), ==, INVALID_SOCKET);
  g_assert_true (InetServerLock (server));
  g_assert_cmpuint (InetGetLockedServer (), ==, server);
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_SERVER_LISTENING | INET_SERVER_LOCKED);
  g_assert_true (InetServerLock (server));
  g_assert_true (InetServerUnlock (server));
  /* still held once */
  g_assert_cmpuint (InetGetLockedServer (), ==, server);
  g_assert_cmpint (InetGetServerStatus (server) & INET_SERVER_LOCKED, !=, 0);
  g_assert_true (InetServerUnlock (server));
  g_assert_cmpuint (InetGetLockedServer (), ==, INVALID_SOCKET);
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_SERVER_LISTENING);
  /* nothing left to unlock */
  g_assert_false (InetServerUnlock (server));
  inet_test_recorder_stop (f->rec);
}

static void
test_owner_only_unlock (InetTestFixture *f, gconstpointer data)
{
  Call c = { 0 };
  InetTestThread *thread;

  c.server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  g_assert_true (InetServerLock (c.server));
  thread = inet_test_thread_start (unlock_thread, &c);
  g_assert_true (inet_test_thread_wait (thread, WAIT));
  inet_test_thread_join (thread);
  g_assert_false (c.result);
  g_assert_cmpuint (c.error, ==, INET_ERROR_NOT_OWNER);
  g_assert_cmpuint (InetGetLockedServer (), ==, c.server);
  g_assert_true (InetServerUnlock (c.server));
  g_assert_cmpuint (InetGetLockedServer (), ==, INVALID_SOCKET);
  inet_test_recorder_stop (f->rec);
}

/* A thread that locks, holds until released, and unlocks. */
typedef struct
{
  SOCKET server;
  BOOL locked;
  DWORD lock_error;
  BOOL unlocked;
  InetTestGate holding;
  InetTestGate release;
} Holder;

static gpointer
holder_thread (gpointer data)
{
  Holder *h = data;

  h->locked = InetServerLock (h->server);
  h->lock_error = InetGetLastError ();
  inet_test_gate_set (&h->holding, 1);
  inet_test_gate_wait (&h->release, 1, WAIT);
  h->unlocked = h->locked && InetServerUnlock (h->server);
  return NULL;
}

static void
test_second_locker_waits (InetTestFixture *f, gconstpointer data)
{
  Holder h = { 0 };
  InetTestThread *thread;

  inet_test_gate_init (&h.holding);
  inet_test_gate_init (&h.release);
  h.server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  g_assert_true (InetServerLock (h.server));
  thread = inet_test_thread_start (holder_thread, &h);
  /* waits, does not fail */
  g_assert_false (inet_test_gate_wait (&h.holding, 1, HELD));
  g_assert_true (InetServerUnlock (h.server));
  g_assert_true (inet_test_gate_wait (&h.holding, 1, WAIT));
  g_assert_true (h.locked);
  g_assert_cmpuint (h.lock_error, ==, 0);
  /* the other thread owns it now */
  g_assert_cmpuint (InetGetLockedServer (), ==, h.server);
  g_assert_false (InetServerUnlock (h.server));
  g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_NOT_OWNER);
  inet_test_gate_set (&h.release, 1);
  g_assert_true (inet_test_thread_wait (thread, WAIT));
  inet_test_thread_join (thread);
  g_assert_true (h.unlocked);
  g_assert_cmpuint (InetGetLockedServer (), ==, INVALID_SOCKET);
  inet_test_recorder_stop (f->rec);
  inet_test_gate_clear (&h.holding);
  inet_test_gate_clear (&h.release);
}

/* While locked, other threads wait at their next network call on the
 * server or its clients, its events wait, and so does accepting. */
static void
test_others_wait (InetTestFixture *f, gconstpointer data)
{
  Call c = { 0 };
  InetTestThread *thread;
  SOCKET server;
  char buffer[8];
  int fd, late;

  f->rec->handler = inet_test_echo_handler;
  server = c.server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  c.client = inet_test_recorder_client (f->rec, 0);

  g_assert_true (InetServerLock (server));
  thread = inet_test_thread_start (write_thread, &c);
  g_assert_true (inet_test_send_all (fd, "echo", 4, WAIT));
  late = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  g_assert_false (inet_test_thread_wait (thread, HELD));
  /* no write, no READ, no echo, no ACCEPT meanwhile */
  g_assert_true (inet_test_quiet_for (fd, 100));
  g_assert_cmpuint (inet_test_recorder_count (f->rec, c.client, INET_EVENT_READ), ==, 0);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, server, INET_EVENT_ACCEPT), ==, 1);
  /* the owner goes on */
  g_assert_cmpint (InetWrite (c.client, (LPCBYTE) "o", 1), ==, 1);
  g_assert_true (inet_test_recv_exact (fd, buffer, 1, WAIT));
  g_assert_cmpint (buffer[0], ==, 'o');

  g_assert_true (InetServerUnlock (server));
  g_assert_true (inet_test_thread_wait (thread, WAIT));
  inet_test_thread_join (thread);
  g_assert_cmpint (c.count, ==, 1);
  /* "x" and the echo, in some order */
  g_assert_true (inet_test_recv_exact (fd, buffer, 5, WAIT));
  g_assert_nonnull (memchr (buffer, 'x', 5));
  g_assert_true (inet_test_recorder_wait (f->rec, c.client, INET_EVENT_READ, 1, WAIT));
  inet_test_recorder_client (f->rec, 1);
  close (fd);
  close (late);
  inet_test_recorder_stop (f->rec);
}

/* The owner of one server's lock cannot lock another: it would wait for
 * itself. Another thread waits for it instead. */
static void
test_deadlock_other_server (InetTestFixture *f, gconstpointer data)
{
  InetTestRecorder *rec2 = inet_test_recorder_new (NULL, NULL);
  SOCKET server;
  Holder h = { 0 };
  InetTestThread *thread;

  inet_test_gate_init (&h.holding);
  inet_test_gate_init (&h.release);
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  h.server = inet_test_recorder_start (rec2, "127.0.0.1", 0, 0, INET_PRIORITY_NORMAL,
                                       INET_OPTION_NONE);
  g_assert_true (InetServerLock (server));
  g_assert_false (InetServerLock (h.server));
  g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_DEADLOCK);
  g_assert_cmpuint (InetGetLockedServer (), ==, server);

  /* another thread waits until this one lets go */
  thread = inet_test_thread_start (holder_thread, &h);
  g_assert_false (inet_test_gate_wait (&h.holding, 1, HELD));
  g_assert_true (InetServerUnlock (server));
  g_assert_true (inet_test_gate_wait (&h.holding, 1, WAIT));
  g_assert_true (h.locked);
  g_assert_cmpuint (InetGetLockedServer (), ==, h.server);
  inet_test_gate_set (&h.release, 1);
  g_assert_true (inet_test_thread_wait (thread, WAIT));
  inet_test_thread_join (thread);
  g_assert_true (h.unlocked);

  inet_test_recorder_stop (rec2);
  inet_test_recorder_free (rec2);
  inet_test_recorder_stop (f->rec);
  inet_test_gate_clear (&h.holding);
  inet_test_gate_clear (&h.release);
}

/* The owner waits for a session (a lingering InetDisconnect) whose
 * handler asks for the lock: refused, not a deadlock. */
typedef struct
{
  InetTestGate locked;
  InetTestGate done;
  BOOL result;
  DWORD error;
} WaitedFor;

static void
lock_in_read (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  WaitedFor *w = rec->user_data;

  if (event != INET_EVENT_READ)
    return;
  inet_test_gate_wait (&w->locked, 1, WAIT);
  w->result = InetServerLock (InetGetClientServer (handle));
  w->error = InetGetLastError ();
  if (w->result)
    InetServerUnlock (InetGetClientServer (handle));
  inet_test_gate_set (&w->done, 1);
}

static void
test_deadlock_owner_waits (InetTestFixture *f, gconstpointer data)
{
  WaitedFor w = { 0 };
  SOCKET server, client;
  int fd;

  inet_test_gate_init (&w.locked);
  inet_test_gate_init (&w.done);
  f->rec->handler = lock_in_read;
  f->rec->user_data = &w;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  g_assert_true (InetSetLinger (client, TRUE, 30));
  g_assert_true (inet_test_send_all (fd, "go", 2, WAIT));
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_READ, 1, WAIT));

  g_assert_true (InetServerLock (server));
  inet_test_gate_set (&w.locked, 1);
  /* waits for the session's close, whose handler wants the lock */
  g_assert_cmpint (InetDisconnect (client), ==, 0);
  g_assert_true (inet_test_gate_wait (&w.done, 1, WAIT));
  g_assert_false (w.result);
  g_assert_cmpuint (w.error, ==, INET_ERROR_DEADLOCK);
  g_assert_true (InetServerUnlock (server));
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_DISCONNECT, 1, WAIT));
  close (fd);
  inet_test_recorder_stop (f->rec);
  inet_test_gate_clear (&w.locked);
  inet_test_gate_clear (&w.done);
}

/* The owner stops the server: the lock goes with it, and calls waiting for
 * it fail instead of waiting forever. */
static void
test_stop_while_locked (InetTestFixture *f, gconstpointer data)
{
  Call c = { 0 };
  InetTestThread *thread;
  int fd;

  c.server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (c.server));
  c.client = inet_test_recorder_client (f->rec, 0);
  g_assert_true (InetServerLock (c.server));
  thread = inet_test_thread_start (write_thread, &c);
  g_assert_false (inet_test_thread_wait (thread, HELD));
  inet_test_recorder_stop (f->rec);
  g_assert_cmpuint (InetGetLockedServer (), ==, INVALID_SOCKET);
  g_assert_true (inet_test_thread_wait (thread, WAIT));
  inet_test_thread_join (thread);
  g_assert_cmpint (c.count, ==, INET_ERROR);
  g_assert_true (c.error == WSA_OPERATION_ABORTED || c.error == WSAENOTSOCK);
  /* and the lock is free for others */
  g_assert_false (InetServerUnlock (c.server));
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  close (fd);
}

/* The owner asks the server thread for something while that thread is
 * parked behind the owner's lock (a connection came in: accepting waits
 * for the lock). None of stop, suspend, restart may hang: the server
 * thread goes on for a command that waits for it. */
typedef enum
{
  OWNER_STOP,
  OWNER_SUSPEND,
  OWNER_RESTART,
} OwnerCall;

typedef struct
{
  OwnerCall call;
  SOCKET server;
  InetTestGate locked;
  InetTestGate go;
  InetTestGate returned;
  BOOL result;
  DWORD error;
} Owner;

static gpointer
owner_thread (gpointer data)
{
  Owner *o = data;

  if (!InetServerLock (o->server))
    return NULL;
  inet_test_gate_set (&o->locked, 1);
  inet_test_gate_wait (&o->go, 1, WAIT);
  g_usleep (200000); /* the server thread reaches the pending connection */
  switch (o->call)
    {
    case OWNER_STOP:
      o->result = InetServerStop (o->server);
      break;
    case OWNER_SUSPEND:
      o->result = InetServerSuspend (o->server);
      break;
    case OWNER_RESTART:
      o->result = InetServerRestart (o->server);
      break;
    }
  o->error = InetGetLastError ();
  inet_test_gate_set (&o->returned, 1);
  InetServerUnlock (o->server);
  return NULL;
}

static void
test_owner_call_pending (InetTestFixture *f, gconstpointer data)
{
  Owner o = { .call = GPOINTER_TO_INT (data) };
  InetTestThread *thread;
  int fd;

  inet_test_gate_init (&o.locked);
  inet_test_gate_init (&o.go);
  inet_test_gate_init (&o.returned);
  o.server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  thread = inet_test_thread_start (owner_thread, &o);
  g_assert_true (inet_test_gate_wait (&o.locked, 1, WAIT));
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (o.server));
  inet_test_gate_set (&o.go, 1);

  if (!inet_test_gate_wait (&o.returned, 1, 20000))
    g_error ("the lock owner's call waits for the server thread, which waits for the lock");
  g_assert_true (o.result);
  g_assert_cmpuint (o.error, ==, 0);
  g_assert_true (inet_test_thread_wait (thread, WAIT));
  if (o.call == OWNER_STOP)
    {
      g_assert_cmpuint (inet_test_recorder_count (f->rec, o.server, INET_EVENT_STOP), ==, 1);
      g_assert_cmpint (InetGetServerStatus (o.server), ==, INET_ERROR);
      g_assert_cmpuint (InetGetLockedServer (), ==, INVALID_SOCKET);
    }
  else
    {
      int again;

      /* unlocked again; the server goes on serving */
      g_assert_cmpuint (InetGetLockedServer (), ==, INVALID_SOCKET);
      if (o.call == OWNER_SUSPEND)
        {
          g_assert_cmpint (InetGetServerStatus (o.server), ==, INET_SERVER_SUSPENDED);
          g_assert_true (InetServerResume (o.server));
        }
      g_assert_cmpint (InetGetServerStatus (o.server), ==, INET_SERVER_LISTENING);
      /* suspended, the pending connection waited in the backlog: it and a
       * new one become sessions; a restart's new listener has a new
       * backlog, and the pending connection ended with the old one */
      again = inet_test_connect ("127.0.0.1", inet_test_server_port (o.server));
      g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_CONNECT,
                                              o.call == OWNER_SUSPEND ? 2 : 1, WAIT));
      if (o.call == OWNER_RESTART)
        {
          int end = inet_test_recv_end (fd);

          g_assert_true (end == 0 || end == ECONNRESET);
        }
      close (again);
      inet_test_recorder_stop (f->rec);
    }
  g_assert_true (inet_test_thread_wait (thread, WAIT));
  inet_test_thread_join (thread);
  close (fd);
  inet_test_gate_clear (&o.locked);
  inet_test_gate_clear (&o.go);
  inet_test_gate_clear (&o.returned);
}

int
main (int argc, char **argv)
{
  inet_test_init (&argc, &argv);
  INET_TEST_ADD ("/engine/lock/recursive", test_recursive);
  INET_TEST_ADD ("/engine/lock/owner-only-unlock", test_owner_only_unlock);
  INET_TEST_ADD ("/engine/lock/second-locker-waits", test_second_locker_waits);
  INET_TEST_ADD ("/engine/lock/others-wait", test_others_wait);
  INET_TEST_ADD ("/engine/lock/deadlock-other-server", test_deadlock_other_server);
  INET_TEST_ADD ("/engine/lock/deadlock-owner-waits", test_deadlock_owner_waits);
  INET_TEST_ADD ("/engine/lock/stop-while-locked", test_stop_while_locked);
  INET_TEST_ADD_DATA ("/engine/lock/owner-stops-pending", GINT_TO_POINTER (OWNER_STOP),
                      test_owner_call_pending);
  INET_TEST_ADD_DATA ("/engine/lock/owner-suspends-pending", GINT_TO_POINTER (OWNER_SUSPEND),
                      test_owner_call_pending);
  INET_TEST_ADD_DATA ("/engine/lock/owner-restarts-pending", GINT_TO_POINTER (OWNER_RESTART),
                      test_owner_call_pending);
  return g_test_run ();
}
