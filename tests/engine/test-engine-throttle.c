/* test-engine-throttle.c - limits: max clients, max per address, minimum
 * interval between accepts, -1 = unchanged, lowering keeps clients, REJECT
 * with its reason, InetServerReject.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-fixture.h"

#include <errno.h>
#include <unistd.h>

#define WAIT INET_TEST_TIMEOUT_MS

/* A refused connection is closed at once: EOF or reset, never data. */
static int
assert_refused (int fd)
{
  int end = -1;

  g_assert_cmpuint (inet_test_recv_until_end (fd, NULL, WAIT, &end), ==, 0);
  g_assert_true (end == 0 || end == ECONNRESET);
  return end;
}

static void
assert_reject (InetTestFixture *f, guint n, DWORD reason, int fd)
{
  InetTestEvent ev;

  g_assert_true (inet_test_recorder_wait (f->rec, f->server, INET_EVENT_REJECT, n + 1, WAIT));
  g_assert_true (inet_test_recorder_get (f->rec, f->server, INET_EVENT_REJECT, n, &ev));
  g_assert_cmpuint (ev.error, ==, reason);
  g_assert_cmpuint (ev.peer_port, ==, inet_test_local_port (fd));
}

static void
assert_stats (SOCKET server, guint64 accepted, guint64 rejected)
{
  INETSERVERSTATS stats = { .dwSize = sizeof stats };

  g_assert_true (InetGetServerStats (server, &stats));
  g_assert_cmpuint (stats.nAccepted, ==, accepted);
  g_assert_cmpuint (stats.nRejected, ==, rejected);
}

/* The active count drops just after the DISCONNECT handler: waits
 * (bounded) until it is n. */
static void
wait_active (SOCKET server, guint64 n)
{
  for (guint i = 0; i < 1000; i++)
    {
      INETSERVERSTATS stats = { .dwSize = sizeof stats };

      g_assert_true (InetGetServerStats (server, &stats));
      if (stats.nActive == n)
        break;
      g_usleep (1000);
    }
}

static void
test_max_clients (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  UINT port, max_clients;
  InetTestEvent ev;
  int a, b, c, d;

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, "127.0.0.1", 2, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  g_assert_true (InetGetServerThrottle (server, &max_clients, NULL, NULL));
  g_assert_cmpuint (max_clients, ==, 2);

  a = inet_test_connect ("127.0.0.1", port);
  b = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 1);
  c = inet_test_connect ("127.0.0.1", port);
  assert_reject (f, 0, INET_REJECT_MAX_CLIENTS, c);
  g_assert_true (inet_test_recorder_get (f->rec, server, INET_EVENT_REJECT, 0, &ev));
  g_assert_cmpstr (ev.peer, ==, "127.0.0.1");
  assert_refused (c);
  g_usleep (100000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_CONNECT), ==, 2);
  assert_stats (server, 2, 1);
  inet_test_assert_echo (a, "a");
  inet_test_assert_echo (b, "b");

  /* room again once a client left */
  close (a);
  g_assert_true (inet_test_recorder_wait_full (f->rec, 0, INET_EVENT_DISCONNECT, 1, TRUE, WAIT));
  wait_active (server, 1);
  d = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 2);
  inet_test_assert_echo (d, "d");
  assert_stats (server, 3, 1);
  inet_test_recorder_stop (f->rec);
  close (b);
  close (c);
  close (d);
}

/* Echo, and a DISCONNECT handler that takes its time. */
static void
slow_disconnect_handler (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  if (event == INET_EVENT_DISCONNECT)
    inet_test_gate_wait (rec->user_data, 1, WAIT);
  else
    inet_test_echo_handler (rec, handle, event, error);
}

static void
test_limit_freed_before_disconnect (InetTestFixture *f, gconstpointer data)
{
  INETSERVERSTATS stats = { .dwSize = sizeof stats };
  InetTestGate release;
  SOCKET server;
  UINT port;
  int a, b;

  g_test_summary ("A client that left no longer counts against max clients, also "
                  "while its DISCONNECT handler still runs");
  inet_test_gate_init (&release);
  f->rec->handler = slow_disconnect_handler;
  f->rec->user_data = &release;
  server = inet_test_fixture_start (f, "127.0.0.1", 1, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  a = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 0);
  inet_test_assert_echo (a, "a");
  close (a);
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_DISCONNECT, 1, WAIT));

  /* the first DISCONNECT handler still waits: a new client gets in */
  g_assert_true (InetGetServerStats (server, &stats));
  g_assert_cmpuint (stats.nActive, ==, 0);
  b = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 1);
  inet_test_assert_echo (b, "b");
  g_assert_cmpuint (inet_test_recorder_count (f->rec, server, INET_EVENT_REJECT), ==, 0);
  /* IDLE only after the last session is over: never, here */
  g_assert_cmpuint (inet_test_recorder_count (f->rec, server, INET_EVENT_IDLE), ==, 0);

  inet_test_gate_set (&release, 1);
  close (b);
  inet_test_recorder_stop (f->rec);
  inet_test_gate_clear (&release);
}

static void
test_unchanged (InetTestFixture *f, gconstpointer data)
{
  SOCKET server = inet_test_fixture_start (f, "127.0.0.1", 7, 0, INET_OPTION_NONE);
  UINT max_clients = 0, per_address = 0;
  DWORD rate = 0;

  g_assert_true (InetGetServerThrottle (server, &max_clients, &per_address, &rate));
  g_assert_cmpuint (max_clients, ==, 7);
  g_assert_cmpuint (per_address, ==, 0); /* default: unlimited */
  g_assert_cmpuint (rate, ==, 0);

  g_assert_true (InetServerThrottle (server, (UINT) -1, 3, (DWORD) -1));
  g_assert_true (InetGetServerThrottle (server, &max_clients, &per_address, &rate));
  g_assert_cmpuint (max_clients, ==, 7);
  g_assert_cmpuint (per_address, ==, 3);
  g_assert_cmpuint (rate, ==, 0);

  g_assert_true (InetServerThrottle (server, (UINT) -1, (UINT) -1, 250));
  g_assert_true (InetServerThrottle (server, (UINT) -1, (UINT) -1, (DWORD) -1));
  g_assert_true (InetGetServerThrottle (server, &max_clients, &per_address, &rate));
  g_assert_cmpuint (max_clients, ==, 7);
  g_assert_cmpuint (per_address, ==, 3);
  g_assert_cmpuint (rate, ==, 250);

  g_assert_true (InetServerThrottle (server, 0, 0, 0));
  g_assert_true (InetGetServerThrottle (server, &max_clients, NULL, NULL));
  g_assert_cmpuint (max_clients, ==, 0);
  g_assert_true (InetGetServerThrottle (server, NULL, &per_address, &rate));
  g_assert_cmpuint (per_address, ==, 0);
  g_assert_cmpuint (rate, ==, 0);

  g_assert_false (InetServerThrottle (INVALID_SOCKET, 1, 1, 1));
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  inet_test_recorder_stop (f->rec);
}

static void
test_lowering_keeps_clients (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  UINT port;
  int fds[3], extra;

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  for (guint i = 0; i < 3; i++)
    fds[i] = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 2);

  g_assert_true (InetServerThrottle (server, 1, 1, (DWORD) -1));
  g_usleep (200000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_DISCONNECT), ==, 0);
  for (guint i = 0; i < 3; i++)
    inet_test_assert_echo (fds[i], "still served");

  /* new ones are refused: over both limits, max clients is named */
  extra = inet_test_connect ("127.0.0.1", port);
  assert_reject (f, 0, INET_REJECT_MAX_CLIENTS, extra);
  assert_refused (extra);
  close (extra);

  g_assert_true (InetServerThrottle (server, 0, 0, (DWORD) -1));
  extra = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 3);
  inet_test_assert_echo (extra, "welcome");
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_DISCONNECT), ==, 0);
  inet_test_recorder_stop (f->rec);
  for (guint i = 0; i < 3; i++)
    close (fds[i]);
  close (extra);
}

static void
test_per_address (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  UINT port;
  InetTestEvent ev;
  int a1, a2, a3, b1, a4;

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, NULL, 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  g_assert_true (InetServerThrottle (server, (UINT) -1, 2, (DWORD) -1));

  a1 = inet_test_connect_from ("127.0.0.1", "127.0.0.1", port);
  a2 = inet_test_connect_from ("127.0.0.1", "127.0.0.1", port);
  inet_test_recorder_client (f->rec, 1);
  a3 = inet_test_connect_from ("127.0.0.1", "127.0.0.1", port);
  assert_reject (f, 0, INET_REJECT_MAX_PER_ADDRESS, a3);
  g_assert_true (inet_test_recorder_get (f->rec, server, INET_EVENT_REJECT, 0, &ev));
  g_assert_cmpstr (ev.peer, ==, "127.0.0.1");
  assert_refused (a3);

  /* another address has its own count */
  b1 = inet_test_connect_from ("127.0.0.2", "127.0.0.1", port);
  inet_test_recorder_client (f->rec, 2);
  g_assert_true (inet_test_recorder_get (f->rec, 0, INET_EVENT_CONNECT, 2, &ev));
  g_assert_cmpstr (ev.peer, ==, "127.0.0.2");
  inet_test_assert_echo (b1, "other address");

  /* a slot frees when one of them leaves */
  close (a1);
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_DISCONNECT, 1, WAIT));
  wait_active (server, 2);
  a4 = inet_test_connect_from ("127.0.0.1", "127.0.0.1", port);
  inet_test_recorder_client (f->rec, 3);
  inet_test_assert_echo (a4, "again");
  assert_stats (server, 4, 1);
  inet_test_recorder_stop (f->rec);
  close (a2);
  close (a3);
  close (b1);
  close (a4);
}

static void
test_accept_interval (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  UINT port;
  int fds[4], more[3];

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  g_assert_true (InetServerThrottle (server, (UINT) -1, (UINT) -1, 300));
  /* all four wait in the backlog at once */
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = inet_test_connect ("127.0.0.1", port);
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_CONNECT, 4, WAIT));
  for (guint i = 1; i < G_N_ELEMENTS (fds); i++)
    {
      InetTestEvent prev, next;

      g_assert_true (inet_test_recorder_get (f->rec, server, INET_EVENT_ACCEPT, i - 1, &prev));
      g_assert_true (inet_test_recorder_get (f->rec, server, INET_EVENT_ACCEPT, i, &next));
      /* at least the interval between two accepts (1 ms of clock slack) */
      g_assert_cmpint (next.time_us - prev.time_us, >=, 299000);
    }

  /* off again: the next ones come without waiting for an interval */
  g_assert_true (InetServerThrottle (server, (UINT) -1, (UINT) -1, 0));
  for (guint i = 0; i < G_N_ELEMENTS (more); i++)
    more[i] = inet_test_connect ("127.0.0.1", port);
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_CONNECT, 7, WAIT));
  inet_test_recorder_stop (f->rec);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
  for (guint i = 0; i < G_N_ELEMENTS (more); i++)
    close (more[i]);
}

/* -------------------------------------------------------- InetServerReject */

typedef struct
{
  guint accepts;
  BOOL outside_result;
  DWORD outside_error;
} Rejecter;

static void
reject_second (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  Rejecter *r = rec->user_data;

  if (event == INET_EVENT_ACCEPT && ++r->accepts == 2)
    {
      if (!InetServerReject (handle))
        inet_test_recorder_problem (rec, "InetServerReject in ACCEPT failed: %u",
                                    InetGetLastError ());
    }
  else if (event == INET_EVENT_CONNECT)
    {
      /* not the ACCEPT handler: refused */
      r->outside_result = InetServerReject (InetGetClientServer (handle));
      r->outside_error = InetGetLastError ();
    }
}

static void
test_reject_in_accept (InetTestFixture *f, gconstpointer data)
{
  Rejecter r = { 0, TRUE, 0 };
  SOCKET server;
  UINT port;
  int a, b, c;

  f->rec->handler = reject_second;
  f->rec->user_data = &r;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  g_assert_false (InetServerReject (server));
  g_assert_cmpuint (InetGetLastError (), ==, INET_ERROR_NOT_IN_HANDLER);

  a = inet_test_connect ("127.0.0.1", port);
  g_assert_true (inet_test_recorder_wait_full (f->rec, 0, INET_EVENT_CONNECT, 1, TRUE, WAIT));
  g_assert_false (r.outside_result);
  g_assert_cmpuint (r.outside_error, ==, INET_ERROR_NOT_IN_HANDLER);
  /* the client sees a reset, maybe already while connecting */
  b = inet_test_try_connect (NULL, "127.0.0.1", port);
  if (b >= 0)
    {
      assert_reject (f, 0, INET_REJECT_APPLICATION, b);
      g_assert_cmpint (assert_refused (b), ==, ECONNRESET);
    }
  else
    {
      InetTestEvent ev;

      g_assert_cmpint (errno, ==, ECONNRESET);
      g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_REJECT, 1, WAIT));
      g_assert_true (inet_test_recorder_get (f->rec, server, INET_EVENT_REJECT, 0, &ev));
      g_assert_cmpuint (ev.error, ==, INET_REJECT_APPLICATION);
    }
  c = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 1);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_CONNECT), ==, 2);
  assert_stats (server, 2, 1);
  inet_test_recorder_stop (f->rec);
  close (a);
  if (b >= 0)
    close (b);
  close (c);
}

int
main (int argc, char **argv)
{
  inet_test_init (&argc, &argv);
  INET_TEST_ADD ("/engine/throttle/max-clients", test_max_clients);
  INET_TEST_ADD ("/engine/throttle/limit-freed-before-disconnect",
                 test_limit_freed_before_disconnect);
  INET_TEST_ADD ("/engine/throttle/unchanged", test_unchanged);
  INET_TEST_ADD ("/engine/throttle/lowering-keeps-clients", test_lowering_keeps_clients);
  INET_TEST_ADD ("/engine/throttle/per-address", test_per_address);
  INET_TEST_ADD ("/engine/throttle/accept-interval", test_accept_interval);
  INET_TEST_ADD ("/engine/throttle/reject-in-accept", test_reject_in_accept);
  return g_test_run ();
}
