/* inet-test-fixture.c - the fixture of most engine tests.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-fixture.h"

void
inet_test_fixture_setup (InetTestFixture *f, gconstpointer data)
{
  f->rec = inet_test_recorder_new (NULL, NULL);
  f->server = INVALID_SOCKET;
  f->fds_before = inet_test_count_fds ();
  f->threads_before = inet_test_count_threads ();
}

gboolean
inet_test_wait_stale (SOCKET server, guint timeout_ms)
{
  gint64 start = g_get_monotonic_time ();

  while (InetGetServerStatus (server) != INET_ERROR)
    {
      if (inet_test_ms_since (start) > timeout_ms)
        return FALSE;
      inet_test_sleep_ms (5);
    }
  return InetGetLastError () == WSAENOTSOCK;
}

void
inet_test_fixture_teardown (InetTestFixture *f, gconstpointer data)
{
  guint fds, threads;

  if (f->server != INVALID_SOCKET)
    {
      if (InetGetServerStatus (f->server) != INET_ERROR)
        InetServerStop (f->server);
      /* also lets an asynchronous stop (from a handler) finish */
      g_assert_true (inet_test_wait_stale (f->server, INET_TEST_TIMEOUT_MS));
    }
  inet_test_recorder_assert_clean (f->rec);
  /* no descriptor or thread left behind, parked workers included (a
   * joined thread can stay in /proc for a moment) */
  inet_test_wait_counts (f->fds_before, f->threads_before, 2000, &fds, &threads);
  g_assert_cmpuint (fds, ==, f->fds_before);
  g_assert_cmpuint (threads, ==, f->threads_before);
  inet_test_recorder_free (f->rec);
}

SOCKET
inet_test_fixture_start (InetTestFixture *f, const char *host, UINT max_clients, UINT timeout,
                         DWORD options)
{
  f->server = inet_test_recorder_start (f->rec, host, max_clients, timeout,
                                        INET_PRIORITY_NORMAL, options);
  return f->server;
}
