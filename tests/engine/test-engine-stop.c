/* test-engine-stop.c - stopping a server with 200+ clients attached, some
 * of them blocked in InetWrite to clients that do not read, some idle, one
 * blocked in a read from another thread; and the same stop asked for from
 * inside a handler. (Suites engine and slow.)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-fixture.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define WAIT       INET_TEST_TIMEOUT_MS
#define N_CLIENTS  250
#define BIG        (16 * 1024 * 1024)

typedef struct
{
  guint8 *big;
  gint writers_started;      /* atomic */
  gint writes_returned;      /* atomic */
  gint bad_write_results;    /* atomic: a write that did not end aborted */
  InetTestGate stop_returned;
  BOOL stop_result;
} StopState;

/* Every fifth client: a write of 4 MiB to a client that never reads,
 * blocked until the stop ends it. */
static void
stop_handler (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  StopState *s = rec->user_data;

  if (event == INET_EVENT_CONNECT && InetGetClientId (handle) % 5 == 0)
    {
      INT n;

      g_atomic_int_inc (&s->writers_started);
      n = InetWrite (handle, s->big, BIG);
      if (n != INET_ERROR || InetGetLastError () != WSA_OPERATION_ABORTED)
        {
          g_atomic_int_inc (&s->bad_write_results);
          inet_test_recorder_problem (rec, "blocked InetWrite ended with %d, error %u", n,
                                      InetGetLastError ());
        }
      g_atomic_int_inc (&s->writes_returned);
    }
  else if (event == INET_EVENT_READ)
    {
      BYTE buffer[64];
      INT n = InetRead (handle, buffer, sizeof buffer);

      if (n > 0 && memcmp (buffer, "stop", 4) == 0)
        {
          s->stop_result = InetServerStop (InetGetClientServer (handle));
          inet_test_gate_set (&s->stop_returned, 1);
        }
      else if (n > 0)
        InetWrite (handle, buffer, n);
    }
}

typedef struct
{
  SOCKET client;
  INT result;
  DWORD error;
} ForeignRead;

static gpointer
foreign_read (gpointer data)
{
  ForeignRead *r = data;
  BYTE buffer[16];

  r->result = InetRead (r->client, buffer, sizeof buffer);
  r->error = InetGetLastError ();
  return NULL;
}

static gpointer
stop_thread (gpointer data)
{
  InetTestFixture *f = data;

  return GINT_TO_POINTER (InetServerStop (f->server));
}

static void
test_stop_many (InetTestFixture *f, gconstpointer data)
{
  gboolean from_handler = GPOINTER_TO_INT (data);
  StopState s = { 0 };
  ForeignRead r = { 0 };
  InetTestThread *reader, *stopper = NULL;
  SOCKET server;
  UINT port;
  int *fds = g_new (int, N_CLIENTS);
  GHashTable *quiet_ports = g_hash_table_new (NULL, NULL);
  guint n_quiet = 0;
  gint64 start;

  s.big = g_malloc0 (BIG);
  inet_test_gate_init (&s.stop_returned);
  f->rec->handler = stop_handler;
  f->rec->user_data = &s;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 60, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  /* small receive buffers: 16 MiB cannot fit in the path to a client
   * that does not read */
  for (guint i = 0; i < N_CLIENTS; i++)
    fds[i] = inet_test_connect_non_reader (port);
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_CONNECT, N_CLIENTS, 30000));

  /* one client (id 1: not a writer) has a read blocked in another thread */
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      SOCKET client = inet_test_recorder_client (f->rec, i);

      if (InetGetClientId (client) == 1)
        r.client = client;
    }
  g_assert_cmpuint (r.client, !=, 0);
  reader = inet_test_thread_start (foreign_read, &r);
  /* the writers are in their writes, which cannot finish */
  for (guint i = 0; i < 1000 && g_atomic_int_get (&s.writers_started) < N_CLIENTS / 5; i++)
    g_usleep (10000);
  g_assert_cmpint (g_atomic_int_get (&s.writers_started), ==, N_CLIENTS / 5);
  g_usleep (300000);
  g_assert_cmpint (g_atomic_int_get (&s.writes_returned), ==, 0);
  g_assert_false (inet_test_thread_wait (reader, 0));

  start = g_get_monotonic_time ();
  if (from_handler)
    {
      /* the last client (not a writer: 250 % 5 == 0, so use the one before) */
      g_assert_true (inet_test_send_all (fds[N_CLIENTS - 2], "stop", 4, WAIT));
      g_assert_true (inet_test_gate_wait (&s.stop_returned, 1, WAIT));
      g_assert_true (s.stop_result);
      g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_STOP, 1, 60000));
      g_assert_true (inet_test_wait_stale (server, WAIT));
    }
  else
    {
      stopper = inet_test_thread_start (stop_thread, f);
      if (!inet_test_thread_wait (stopper, 60000))
        g_error ("InetServerStop did not return within 60 s");
      g_assert_true (GPOINTER_TO_INT (inet_test_thread_join (stopper)));
      /* it returned after the end */
      g_assert_cmpuint (inet_test_recorder_count (f->rec, server, INET_EVENT_STOP), ==, 1);
      g_assert_cmpint (InetGetServerStatus (server), ==, INET_ERROR);
    }
  g_test_message ("stop with %u clients took %" G_GINT64_FORMAT " ms", N_CLIENTS,
                  inet_test_ms_since (start));

  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_DISCONNECT), ==, N_CLIENTS);
  g_assert_cmpint (g_atomic_int_get (&s.writes_returned), ==, N_CLIENTS / 5);
  g_assert_cmpint (g_atomic_int_get (&s.bad_write_results), ==, 0);
  g_assert_true (inet_test_thread_wait (reader, WAIT));
  inet_test_thread_join (reader);
  g_assert_cmpint (r.result, ==, INET_ERROR);
  g_assert_cmpuint (r.error, ==, WSA_OPERATION_ABORTED);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      InetTestEvent ev;

      g_assert_true (inet_test_recorder_get (f->rec, 0, INET_EVENT_DISCONNECT, i, &ev));
      g_assert_cmpuint (ev.close_reason, ==, INET_CLOSE_STOP);
      g_assert_cmpuint (InetGetClientId (ev.handle), ==, 0);
      g_assert_true (inet_test_recorder_get (f->rec, 0, INET_EVENT_CONNECT, i, &ev));
      if (ev.client_id % 5 != 0)
        g_hash_table_add (quiet_ports, GUINT_TO_POINTER (ev.peer_port));
    }
  /* the clients nobody wrote to see their connection end (the others get
   * megabytes first, through a 16 KiB window at the kernel's pace) */
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      if (g_hash_table_contains (quiet_ports, GUINT_TO_POINTER (inet_test_local_port (fds[i]))))
        {
          gsize got;
          int end = -1;

          got = inet_test_recv_until_end (fds[i], NULL, WAIT, &end);
          if (end != 0 && end != ECONNRESET)
            g_error ("client %u: %" G_GSIZE_FORMAT " bytes, then %s", i, got, g_strerror (end));
          n_quiet++;
        }
      close (fds[i]);
    }
  g_assert_cmpuint (n_quiet, ==, N_CLIENTS - N_CLIENTS / 5);
  g_hash_table_unref (quiet_ports);
  inet_test_recorder_assert_clean (f->rec);
  inet_test_gate_clear (&s.stop_returned);
  g_free (s.big);
  g_free (fds);
}

int
main (int argc, char **argv)
{
  inet_test_init (&argc, &argv);
  INET_TEST_ADD_DATA ("/engine/stop/many-clients", GINT_TO_POINTER (FALSE), test_stop_many);
  INET_TEST_ADD_DATA ("/engine/stop/many-clients-from-handler", GINT_TO_POINTER (TRUE),
                      test_stop_many);
  return g_test_run ();
}
