/* test-engine-server.c - the server lifecycle: start, status, thread, data,
 * stop (blocking, asynchronous, from handlers), suspend, resume, restart.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-fixture.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define WAIT INET_TEST_TIMEOUT_MS

/* ------------------------------------------------------------ start/stop */

static void
test_start_stop (InetTestFixture *f, gconstpointer data)
{
  SOCKET server = inet_test_fixture_start (f, NULL, 0, 0, INET_OPTION_NONE);
  char address[64] = "";
  DWORD tid;
  SOCKET client;
  InetTestEvent ev;
  char *sequence;
  char path[64];
  int fd;

  g_assert_cmpuint (server, !=, 0);
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_SERVER_LISTENING);
  tid = InetGetServerThreadId (server);
  g_assert_cmpuint (tid, !=, 0);
  g_assert_cmpuint (tid, !=, (DWORD) gettid ());
  g_assert_cmpint (f->rec->server_tid, ==, (pid_t) tid); /* START ran there */
  snprintf (path, sizeof path, "/proc/self/task/%u", tid);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_DIR));

  /* NULL host: every IPv4 address */
  g_assert_true (InetGetLocalAddress (server, address, sizeof address, NULL));
  g_assert_cmpstr (address, ==, "0.0.0.0");

  g_assert_cmpuint (InetGetServerData (server), ==, 0);
  g_assert_true (InetSetServerData (server, 0x1234));
  g_assert_cmpuint (InetGetServerData (server), ==, 0x1234);

  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  /* the server value through a client handle */
  g_assert_cmpuint (InetGetServerData (client), ==, 0x1234);
  g_assert_true (InetSetServerData (client, 0x5678));
  g_assert_cmpuint (InetGetServerData (server), ==, 0x5678);
  g_assert_cmpuint (InetGetClientServer (client), ==, server);
  g_assert_cmpuint (InetGetClientData (client), ==, 0);
  g_assert_true (InetSetClientData (client, 42));
  g_assert_cmpuint (InetGetClientData (client), ==, 42);
  /* no IDLE while a client is there, nor at start */
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_IDLE), ==, 0);

  close (fd);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_DISCONNECT, 1, WAIT));
  g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_IDLE, 1, WAIT));
  g_assert_true (inet_test_recorder_get (f->rec, client, INET_EVENT_DISCONNECT, 0, &ev));
  g_assert_cmpuint (ev.error, ==, 0); /* 0 = the peer closed */
  g_assert_cmpuint (ev.close_reason, ==, INET_CLOSE_PEER);

  inet_test_recorder_stop (f->rec);
  sequence = inet_test_recorder_sequence (f->rec, server);
  g_assert_cmpstr (sequence, ==, "16,18,20,17"); /* START ACCEPT IDLE STOP: no IDLE at stop */
  g_free (sequence);
  sequence = inet_test_recorder_sequence (f->rec, client);
  g_assert_cmpstr (sequence, ==, "1,4,2"); /* CONNECT WRITE DISCONNECT */
  g_free (sequence);

  /* the handle is gone for good */
  g_assert_false (InetServerStop (server));
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  g_assert_cmpuint (InetGetServerThreadId (server), ==, 0);
  g_assert_false (InetSetServerData (server, 1));
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
}

/* Stop with clients attached: each gets DISCONNECT (reason STOP) in its own
 * thread before Stop returns, and sees a graceful close. */
static void
test_stop_with_clients (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  UINT port;
  int fds[5];

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    {
      fds[i] = inet_test_connect ("127.0.0.1", port);
      inet_test_recorder_client (f->rec, i);
    }
  inet_test_assert_echo (fds[0], "before stop");
  inet_test_recorder_stop (f->rec);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_DISCONNECT), ==, 5);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    {
      InetTestEvent ev;

      g_assert_true (inet_test_recorder_get (f->rec, 0, INET_EVENT_DISCONNECT, i, &ev));
      g_assert_cmpuint (ev.close_reason, ==, INET_CLOSE_STOP);
      g_assert_cmpint (ev.status, ==, INET_SERVER_STOPPING);
      g_assert_cmpint (inet_test_recv_end (fds[i]), ==, 0);
      close (fds[i]);
    }
  /* no IDLE at stop */
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_IDLE), ==, 0);
  /* the port is free again */
  g_assert_cmpint (inet_test_try_connect (NULL, "127.0.0.1", port), ==, -1);
  g_assert_cmpint (errno, ==, ECONNREFUSED);
}

/* InetDisconnect on a server handle stops the server, as the reference does. */
static void
test_disconnect_server_handle (InetTestFixture *f, gconstpointer data)
{
  SOCKET server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  int fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));

  inet_test_recorder_client (f->rec, 0);
  g_assert_cmpint (InetDisconnect (server), ==, 0);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, server, INET_EVENT_STOP), ==, 1);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_DISCONNECT), ==, 1);
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  g_assert_cmpint (inet_test_recv_end (fd), ==, 0);
  close (fd);
}

static void
test_stop_async (InetTestFixture *f, gconstpointer data)
{
  SOCKET server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  int fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));

  inet_test_recorder_client (f->rec, 0);
  g_assert_true (InetServerStopEx (server, INET_STOP_ASYNC));
  g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_STOP, 1, WAIT));
  g_assert_true (inet_test_wait_stale (server, WAIT));
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_DISCONNECT), ==, 1);
  g_assert_cmpint (inet_test_recv_end (fd), ==, 0);
  close (fd);
}

/* Two threads stop the same server: both return after the end. */
static gpointer
stop_thread (gpointer data)
{
  InetTestFixture *f = data;

  return GINT_TO_POINTER (InetServerStop (f->server));
}

static void
test_stop_concurrent (InetTestFixture *f, gconstpointer data)
{
  SOCKET server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  int fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  InetTestThread *a, *b;
  gboolean ra, rb;

  inet_test_recorder_client (f->rec, 0);
  a = inet_test_thread_start (stop_thread, f);
  b = inet_test_thread_start (stop_thread, f);
  g_assert_true (inet_test_thread_wait (a, WAIT));
  g_assert_true (inet_test_thread_wait (b, WAIT));
  ra = GPOINTER_TO_INT (inet_test_thread_join (a));
  rb = GPOINTER_TO_INT (inet_test_thread_join (b));
  /* at least one stop did it; whoever returned TRUE waited for the end */
  g_assert_true (ra || rb);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, server, INET_EVENT_STOP), ==, 1);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_DISCONNECT), ==, 1);
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_ERROR);
  close (fd);
}

/* --------------------------------------------------------- stop in handler */

typedef struct
{
  InetTestGate returned;
  BOOL result;
  UINT stop_on;
} StopInHandler;

static void
stop_in_handler (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  StopInHandler *s = rec->user_data;

  if (event != s->stop_on || inet_test_gate_get (&s->returned) != 0)
    return;
  /* must return at once: waiting here would wait for this very thread */
  s->result = InetServerStop (event < INET_EVENT_START ? InetGetClientServer (handle) : handle);
  inet_test_gate_set (&s->returned, 1);
}

static void
test_stop_in_handler (InetTestFixture *f, gconstpointer data)
{
  StopInHandler s = { .stop_on = GPOINTER_TO_UINT (data) };
  SOCKET server;
  UINT port;
  int idle_fd, fd;

  inet_test_gate_init (&s.returned);
  f->rec->handler = stop_in_handler;
  f->rec->user_data = &s;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);

  /* a bystander client, connected and idle */
  if (s.stop_on == INET_EVENT_READ)
    {
      idle_fd = inet_test_connect ("127.0.0.1", port);
      inet_test_recorder_client (f->rec, 0);
    }
  else
    idle_fd = -1;
  fd = inet_test_connect ("127.0.0.1", port);
  if (s.stop_on == INET_EVENT_READ)
    g_assert_true (inet_test_send_all (fd, "stop", 4, WAIT));

  g_assert_true (inet_test_gate_wait (&s.returned, 1, WAIT));
  g_assert_true (s.result);
  g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_STOP, 1, WAIT));
  g_assert_true (inet_test_wait_stale (server, WAIT));
  /* every session that connected got its DISCONNECT, with reason STOP */
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_DISCONNECT), ==,
                    inet_test_recorder_count (f->rec, 0, INET_EVENT_CONNECT));
  for (guint i = 0; i < inet_test_recorder_count (f->rec, 0, INET_EVENT_DISCONNECT); i++)
    {
      InetTestEvent ev;

      g_assert_true (inet_test_recorder_get (f->rec, 0, INET_EVENT_DISCONNECT, i, &ev));
      g_assert_cmpuint (ev.close_reason, ==, INET_CLOSE_STOP);
    }
  if (idle_fd >= 0)
    {
      g_assert_cmpint (inet_test_recv_end (idle_fd), ==, 0);
      close (idle_fd);
    }
  close (fd);
  inet_test_gate_clear (&s.returned);
}

/* -------------------------------------------------------- suspend, resume */

static void
test_suspend_resume (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  UINT port;
  int a, queued[3];

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  a = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 0);

  g_assert_true (InetServerSuspend (server));
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_SERVER_SUSPENDED);
  g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_SUSPEND, 1, WAIT));

  /* new connections wait in the kernel backlog: connected, not accepted */
  for (guint i = 0; i < G_N_ELEMENTS (queued); i++)
    queued[i] = inet_test_connect ("127.0.0.1", port);
  g_assert_true (inet_test_send_all (queued[0], "queued", 6, WAIT));
  g_assert_true (inet_test_quiet_for (queued[0], 300));
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_ACCEPT), ==, 1);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_CONNECT), ==, 1);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_REJECT), ==, 0);
  /* the attached client is still served */
  inet_test_assert_echo (a, "still here");

  g_assert_true (InetServerResume (server));
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_SERVER_LISTENING);
  g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_RESUME, 1, WAIT));
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_CONNECT, 4, WAIT));
  {
    char buffer[6];

    g_assert_true (inet_test_recv_exact (queued[0], buffer, 6, WAIT));
    g_assert_cmpmem (buffer, 6, "queued", 6);
  }
  inet_test_assert_echo (queued[1], "one");
  inet_test_assert_echo (queued[2], "two");

  inet_test_recorder_stop (f->rec);
  close (a);
  for (guint i = 0; i < G_N_ELEMENTS (queued); i++)
    close (queued[i]);
}

static void
test_suspend_disconnect (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  UINT port;
  int a, b, c;

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  a = inet_test_connect ("127.0.0.1", port);
  b = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 1);

  g_assert_true (InetServerSuspendEx (server, INET_SUSPEND_DISCONNECT));
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_DISCONNECT, 2, WAIT));
  for (guint i = 0; i < 2; i++)
    {
      InetTestEvent ev;

      g_assert_true (inet_test_recorder_get (f->rec, 0, INET_EVENT_DISCONNECT, i, &ev));
      g_assert_cmpuint (ev.close_reason, ==, INET_CLOSE_SUSPEND);
    }
  g_assert_cmpint (inet_test_recv_end (a), ==, 0);
  g_assert_cmpint (inet_test_recv_end (b), ==, 0);
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_SERVER_SUSPENDED);

  c = inet_test_connect ("127.0.0.1", port);
  g_assert_true (inet_test_quiet_for (c, 200));
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_CONNECT), ==, 2);
  g_assert_true (InetServerResume (server));
  inet_test_recorder_client (f->rec, 2);
  inet_test_assert_echo (c, "after");
  inet_test_recorder_stop (f->rec);
  close (a);
  close (b);
  close (c);
}

static void
test_suspend_pause_io (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, client;
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };
  int a;
  char buffer[5];

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  a = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);

  g_assert_true (InetServerSuspendEx (server, INET_SUSPEND_PAUSEIO));
  g_assert_true (InetGetClientStats (client, &stats));
  g_assert_cmpuint (stats.dwFlags & INET_CLIENT_FLAG_PAUSED, !=, 0);
  g_assert_true (inet_test_send_all (a, "hello", 5, WAIT));
  /* no READ while paused */
  g_assert_true (inet_test_quiet_for (a, 300));
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_READ), ==, 0);

  g_assert_true (InetServerResume (server));
  g_assert_true (inet_test_recv_exact (a, buffer, 5, WAIT));
  g_assert_cmpmem (buffer, 5, "hello", 5);
  g_assert_true (InetGetClientStats (client, &stats));
  g_assert_cmpuint (stats.dwFlags & INET_CLIENT_FLAG_PAUSED, ==, 0);
  inet_test_recorder_stop (f->rec);
  close (a);
}

/* A single client paused with InetSuspendClient. */
static void
test_suspend_client (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, client;
  int a, b;
  char buffer[5];

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  a = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  b = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  inet_test_recorder_client (f->rec, 1);

  g_assert_true (InetSuspendClient (client));
  g_assert_true (inet_test_send_all (a, "hello", 5, WAIT));
  inet_test_assert_echo (b, "other");   /* the others go on */
  g_assert_true (inet_test_quiet_for (a, 200));
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_READ), ==, 0);
  /* writing still works */
  g_assert_cmpint (InetWrite (client, (LPCBYTE) "w", 1), ==, 1);
  g_assert_true (inet_test_recv_exact (a, buffer, 1, WAIT));
  g_assert_true (InetResumeClient (client));
  g_assert_true (inet_test_recv_exact (a, buffer, 5, WAIT));
  g_assert_cmpmem (buffer, 5, "hello", 5);
  inet_test_recorder_stop (f->rec);
  close (a);
  close (b);
}

/* ----------------------------------------------------------------- restart */

static void
test_restart (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  UINT port, max_clients, per_address;
  DWORD rate, client_write;
  INETSERVERSTATS stats = { .dwSize = sizeof stats };
  InetTestEvent ev;
  int a, b;

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  g_assert_true (InetSetServerData (server, 77));
  g_assert_true (InetServerThrottle (server, 50, 40, 0));
  g_assert_true (InetSetServerBandwidth (server, 0, 1000000, 0, 0));
  /* a session the server closed first leaves a TIME_WAIT on the port */
  a = inet_test_connect ("127.0.0.1", port);
  g_assert_cmpint (InetDisconnect (inet_test_recorder_client (f->rec, 0)), ==, 0);
  g_assert_cmpint (inet_test_recv_end (a), ==, 0);
  close (a);
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_DISCONNECT, 1, WAIT));

  a = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 1);
  inet_test_assert_echo (a, "first");

  if (!InetServerRestart (server))
    g_error ("InetServerRestart failed: error %u", InetGetLastError ());
  /* the old client was disconnected, during the restart */
  g_assert_true (inet_test_recorder_get (f->rec, 0, INET_EVENT_DISCONNECT, 1, &ev));
  g_assert_cmpuint (ev.close_reason, ==, INET_CLOSE_RESTART);
  g_assert_cmpint (ev.status, ==, INET_SERVER_RESTARTING);
  g_assert_cmpint (inet_test_recv_end (a), ==, 0);
  g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_RESTART, 1, WAIT));
  g_assert_true (inet_test_recorder_get (f->rec, server, INET_EVENT_RESTART, 0, &ev));
  g_assert_cmpuint (ev.error, ==, 0);

  /* same handle, same port (also after port 0), same settings and counters */
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_SERVER_LISTENING);
  g_assert_cmpuint (inet_test_server_port (server), ==, port);
  g_assert_cmpuint (InetGetServerData (server), ==, 77);
  g_assert_true (InetGetServerThrottle (server, &max_clients, &per_address, &rate));
  g_assert_cmpuint (max_clients, ==, 50);
  g_assert_cmpuint (per_address, ==, 40);
  g_assert_true (InetGetServerBandwidth (server, NULL, &client_write, NULL, NULL));
  g_assert_cmpuint (client_write, ==, 1000000);
  g_assert_true (InetGetServerStats (server, &stats));
  g_assert_cmpuint (stats.nAccepted, ==, 2);
  g_assert_cmpuint (stats.nActive, ==, 0);

  b = inet_test_connect ("127.0.0.1", port);
  inet_test_assert_echo (b, "second");
  g_assert_true (InetGetServerStats (server, &stats));
  g_assert_cmpuint (stats.nAccepted, ==, 3);
  /* client ids go on, never reused */
  g_assert_cmpuint (InetGetClientId (inet_test_recorder_client (f->rec, 2)), ==, 3);

  /* a restart clears suspension */
  g_assert_true (InetServerSuspend (server));
  g_assert_true (InetServerRestart (server));
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_SERVER_LISTENING);
  close (b);
  b = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 3);
  inet_test_assert_echo (b, "third");

  inet_test_recorder_stop (f->rec);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, server, INET_EVENT_RESTART), ==, 2);
  close (a);
  close (b);
}

/* The listener cannot come back: Restart fails with the bind error and the
 * server stops. The port is taken while the restart disconnects clients. */
typedef struct
{
  UINT port;
  int thief;
} RestartThief;

static void
steal_port (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  RestartThief *t = rec->user_data;
  struct sockaddr_in sin = { .sin_family = AF_INET };
  int one = 1;

  if (event != INET_EVENT_DISCONNECT || t->thief >= 0)
    return;
  sin.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  sin.sin_port = htons ((guint16) t->port);
  t->thief = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  setsockopt (t->thief, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind (t->thief, (struct sockaddr *) &sin, sizeof sin) != 0 || listen (t->thief, 1) != 0)
    {
      close (t->thief);
      t->thief = -2;
    }
}

static void
test_restart_fails (InetTestFixture *f, gconstpointer data)
{
  RestartThief t = { 0, -1 };
  SOCKET server;
  int a;

  f->rec->handler = steal_port;
  f->rec->user_data = &t;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  t.port = inet_test_server_port (server);
  a = inet_test_connect ("127.0.0.1", t.port);
  inet_test_recorder_client (f->rec, 0);

  if (!InetServerRestart (server))
    {
      g_assert_cmpint (t.thief, >=, 0);
      g_assert_cmpuint (InetGetLastError (), ==, WSAEADDRINUSE);
      g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_STOP, 1, WAIT));
      g_assert_true (inet_test_wait_stale (server, WAIT));
      {
        InetTestEvent ev;

        g_assert_true (inet_test_recorder_get (f->rec, server, INET_EVENT_RESTART, 0, &ev));
        g_assert_cmpuint (ev.error, ==, WSAEADDRINUSE);
      }
    }
  else
    {
      /* the listener came back before the clients left: nothing to steal */
      g_assert_cmpint (t.thief, ==, -2);
      g_test_skip ("the port could not be taken during the restart");
    }
  if (t.thief >= 0)
    close (t.thief);
  close (a);
}

int
main (int argc, char **argv)
{
  inet_test_init (&argc, &argv);
  INET_TEST_ADD ("/engine/server/start-stop", test_start_stop);
  INET_TEST_ADD ("/engine/server/stop-with-clients", test_stop_with_clients);
  INET_TEST_ADD ("/engine/server/disconnect-server-handle", test_disconnect_server_handle);
  INET_TEST_ADD ("/engine/server/stop-async", test_stop_async);
  INET_TEST_ADD ("/engine/server/stop-concurrent", test_stop_concurrent);
  INET_TEST_ADD_DATA ("/engine/server/stop-in-read-handler", GUINT_TO_POINTER (INET_EVENT_READ),
                      test_stop_in_handler);
  INET_TEST_ADD_DATA ("/engine/server/stop-in-accept-handler",
                      GUINT_TO_POINTER (INET_EVENT_ACCEPT), test_stop_in_handler);
  INET_TEST_ADD_DATA ("/engine/server/stop-in-connect-handler",
                      GUINT_TO_POINTER (INET_EVENT_CONNECT), test_stop_in_handler);
  INET_TEST_ADD ("/engine/server/suspend-resume", test_suspend_resume);
  INET_TEST_ADD ("/engine/server/suspend-disconnect", test_suspend_disconnect);
  INET_TEST_ADD ("/engine/server/suspend-pause-io", test_suspend_pause_io);
  INET_TEST_ADD ("/engine/server/suspend-client", test_suspend_client);
  INET_TEST_ADD ("/engine/server/restart", test_restart);
  INET_TEST_ADD ("/engine/server/restart-fails", test_restart_fails);
  return g_test_run ();
}
