/* test-engine-handles.c - handles: stale and unknown handles fail with
 * WSAENOTSOCK everywhere, handles are never reused, the last error is per
 * thread, error strings, and nothing (descriptor, thread) is left behind
 * after a server stops.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-fixture.h"

#include <string.h>
#include <unistd.h>

#define WAIT INET_TEST_TIMEOUT_MS

#define EXPECT_NOTSOCK(call)                                     \
  G_STMT_START                                                   \
  {                                                              \
    InetSetLastError (0);                                        \
    g_assert_true ((call));                                      \
    g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);     \
  }                                                              \
  G_STMT_END

/* Every call on a client handle that is not (or no longer) one fails. */
static void
assert_client_calls_fail (SOCKET h)
{
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };
  BYTE buffer[8] = "x";
  char text[64];
  BOOL linger;
  UINT seconds;

  EXPECT_NOTSOCK (InetRead (h, buffer, sizeof buffer) == INET_ERROR);
  EXPECT_NOTSOCK (InetWrite (h, buffer, 1) == INET_ERROR);
  EXPECT_NOTSOCK (InetPeek (h, buffer, sizeof buffer) == INET_ERROR);
  EXPECT_NOTSOCK (!InetIsReadable (h, 0));
  EXPECT_NOTSOCK (!InetIsWritable (h, 0));
  EXPECT_NOTSOCK (InetCancel (h) == INET_ERROR);
  EXPECT_NOTSOCK (InetShutdown (h, INET_SHUTDOWN_WRITE) == INET_ERROR);
  EXPECT_NOTSOCK (InetDisconnect (h) == INET_ERROR);
  EXPECT_NOTSOCK (InetDisconnectEx (h, INET_DISCONNECT_ABORT) == INET_ERROR);
  EXPECT_NOTSOCK (!InetGetClientStats (h, &stats));
  EXPECT_NOTSOCK (InetGetClientId (h) == 0);
  EXPECT_NOTSOCK (InetGetClientServer (h) == INVALID_SOCKET);
  EXPECT_NOTSOCK (InetGetClientData (h) == 0);
  EXPECT_NOTSOCK (!InetSetClientData (h, 1));
  EXPECT_NOTSOCK (InetGetClientPriority (h) == (INT) INET_PRIORITY_INVALID);
  EXPECT_NOTSOCK (InetSetClientPriority (h, INET_PRIORITY_NORMAL) == INET_ERROR);
  EXPECT_NOTSOCK (!InetSetClientBandwidth (h, 0, 0));
  EXPECT_NOTSOCK (!InetSuspendClient (h));
  EXPECT_NOTSOCK (!InetResumeClient (h));
  EXPECT_NOTSOCK (!InetSetBlocking (h, FALSE));
  EXPECT_NOTSOCK (!InetSetLinger (h, TRUE, 0));
  EXPECT_NOTSOCK (!InetGetLinger (h, &linger, &seconds));
  EXPECT_NOTSOCK (!InetGetPeerAddress (h, text, sizeof text, NULL));
  EXPECT_NOTSOCK (!InetGetLocalAddress (h, text, sizeof text, NULL));
  EXPECT_NOTSOCK (InetGetSocketOptions (h) == INET_ERROR);
}

/* Every server call on a handle that is not (or no longer) a server. */
static void
assert_server_calls_fail (SOCKET h)
{
  INETSERVERSTATS stats = { .dwSize = sizeof stats };
  SOCKET clients[4];
  UINT max_clients;
  DWORD value;

  EXPECT_NOTSOCK (!InetServerStop (h));
  EXPECT_NOTSOCK (!InetServerStopEx (h, INET_STOP_ASYNC));
  EXPECT_NOTSOCK (!InetServerSuspend (h));
  EXPECT_NOTSOCK (!InetServerSuspendEx (h, INET_SUSPEND_DISCONNECT));
  EXPECT_NOTSOCK (!InetServerResume (h));
  EXPECT_NOTSOCK (!InetServerRestart (h));
  EXPECT_NOTSOCK (!InetServerThrottle (h, 1, 1, 1));
  EXPECT_NOTSOCK (!InetGetServerThrottle (h, &max_clients, NULL, NULL));
  EXPECT_NOTSOCK (!InetServerLock (h));
  EXPECT_NOTSOCK (!InetServerUnlock (h));
  EXPECT_NOTSOCK (InetGetServerStatus (h) == INET_ERROR);
  EXPECT_NOTSOCK (InetGetServerThreadId (h) == 0);
  EXPECT_NOTSOCK (InetGetServerPriority (h) == (INT) INET_PRIORITY_INVALID);
  EXPECT_NOTSOCK (InetSetServerPriority (h, INET_PRIORITY_NORMAL) == INET_ERROR);
  EXPECT_NOTSOCK (!InetGetServerStats (h, &stats));
  EXPECT_NOTSOCK (InetEnumServerClients (h, clients, 4) == INET_ERROR);
  EXPECT_NOTSOCK (!InetSetServerBandwidth (h, 0, 0, 0, 0));
  EXPECT_NOTSOCK (!InetGetServerBandwidth (h, &value, NULL, NULL, NULL));
  EXPECT_NOTSOCK (!InetServerReject (h));
  EXPECT_NOTSOCK (InetGetServerWarning (h, NULL, 0) == 0);
}

static void
test_unknown_handles (InetTestFixture *f, gconstpointer data)
{
  static const SOCKET bogus[] = {
    0, 1, 3, INVALID_SOCKET, 12345, ((SOCKET) 1 << 32) | 5, ((SOCKET) 0xdeadbeef << 32),
  };

  for (guint i = 0; i < G_N_ELEMENTS (bogus); i++)
    {
      assert_client_calls_fail (bogus[i]);
      assert_server_calls_fail (bogus[i]);
      EXPECT_NOTSOCK (InetGetServerData (bogus[i]) == 0);
      EXPECT_NOTSOCK (!InetSetServerData (bogus[i], 1));
    }
}

/* A handle of one kind is not one of the other; the calls change nothing. */
static void
test_wrong_kind (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, client;
  int fd;
  char buffer[2];

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);

  assert_server_calls_fail (client);
  EXPECT_NOTSOCK (InetRead (server, (LPBYTE) buffer, 1) == INET_ERROR);
  EXPECT_NOTSOCK (InetWrite (server, (LPCBYTE) "x", 1) == INET_ERROR);
  EXPECT_NOTSOCK (InetGetClientId (server) == 0);
  EXPECT_NOTSOCK (!InetSetClientData (server, 1));
  EXPECT_NOTSOCK (InetShutdown (server, INET_SHUTDOWN_BOTH) == INET_ERROR);
  EXPECT_NOTSOCK (InetCancel (server) == INET_ERROR);
  EXPECT_NOTSOCK (!InetSetBlocking (server, FALSE));

  /* both still fine */
  g_assert_cmpint (InetGetServerStatus (server), ==, INET_SERVER_LISTENING);
  g_assert_true (inet_test_send_all (fd, "ok", 2, WAIT));
  g_assert_true (inet_test_recv_exact (fd, buffer, 2, WAIT));
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_DISCONNECT), ==, 0);
  close (fd);
  inet_test_recorder_stop (f->rec);
}

/* Closed handles stay closed, also once their slot holds a new object;
 * no handle value comes back. */
static void
test_stale_and_unique (InetTestFixture *f, gconstpointer data)
{
  GHashTable *seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  GArray *stale = g_array_new (FALSE, FALSE, sizeof (SOCKET));
  InetTestRecorder *rec2;
  SOCKET server;
  UINT port;

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  g_hash_table_add (seen, g_memdup2 (&server, sizeof server));
  for (guint i = 0; i < 100; i++)
    {
      int fd = inet_test_connect ("127.0.0.1", port);
      SOCKET client = inet_test_recorder_client (f->rec, i);

      g_assert_false (g_hash_table_contains (seen, &client));
      g_hash_table_add (seen, g_memdup2 (&client, sizeof client));
      g_array_append_val (stale, client);
      if (i % 2)
        close (fd);
      else
        {
          g_assert_cmpint (InetDisconnect (client), ==, 0);
          close (fd);
        }
      g_assert_true (inet_test_recorder_wait_full (f->rec, client, INET_EVENT_DISCONNECT, 1,
                                                   TRUE, WAIT));
      for (guint j = 0; j < 1000 && InetGetClientId (client) != 0; j++)
        g_usleep (1000);
    }
  /* every old client handle fails, while new ones live in their slots */
  for (guint i = 0; i < stale->len; i++)
    assert_client_calls_fail (g_array_index (stale, SOCKET, i));
  inet_test_recorder_stop (f->rec);
  assert_server_calls_fail (server);

  /* servers: start and stop a few, never the same handle */
  for (guint i = 0; i < 10; i++)
    {
      SOCKET again;

      rec2 = inet_test_recorder_new (NULL, NULL);
      again = inet_test_recorder_start (rec2, "127.0.0.1", 0, 0, INET_PRIORITY_NORMAL,
                                        INET_OPTION_NONE);
      g_assert_false (g_hash_table_contains (seen, &again));
      g_hash_table_add (seen, g_memdup2 (&again, sizeof again));
      inet_test_recorder_stop (rec2);
      inet_test_recorder_free (rec2);
      assert_server_calls_fail (server);
    }
  g_hash_table_unref (seen);
  g_array_unref (stale);
}

/* ------------------------------------------------------------- errors */

static gpointer
other_thread_error (gpointer data)
{
  DWORD *seen = data;

  seen[0] = InetGetLastError ();
  InetSetLastError (99);
  seen[1] = InetGetLastError ();
  /* a failure here stays here */
  InetGetClientId (12345);
  seen[2] = InetGetLastError ();
  return NULL;
}

static void
test_last_error_per_thread (InetTestFixture *f, gconstpointer data)
{
  DWORD seen[3] = { 1, 1, 1 };
  InetTestThread *thread;

  InetSetLastError (1234);
  g_assert_cmpuint (InetGetLastError (), ==, 1234);
  thread = inet_test_thread_start (other_thread_error, seen);
  g_assert_true (inet_test_thread_wait (thread, WAIT));
  inet_test_thread_join (thread);
  g_assert_cmpuint (seen[0], ==, 0);
  g_assert_cmpuint (seen[1], ==, 99);
  g_assert_cmpuint (seen[2], ==, WSAENOTSOCK);
  g_assert_cmpuint (InetGetLastError (), ==, 1234);
  InetSetLastError (0);
}

static void
test_error_strings (InetTestFixture *f, gconstpointer data)
{
  static const DWORD codes[] = {
    WSA_OPERATION_ABORTED, WSAEINTR, WSAEFAULT, WSAEINVAL, WSAEMFILE, WSAEWOULDBLOCK,
    WSAENOTSOCK, WSAEADDRINUSE, WSAEADDRNOTAVAIL, WSAECONNRESET, WSAENOTCONN, WSAESHUTDOWN,
    WSAETIMEDOUT, WSAECONNREFUSED, WSAHOST_NOT_FOUND, INET_ERROR_DEADLOCK,
    INET_ERROR_NOT_OWNER, INET_ERROR_PRIORITY_DEGRADED, INET_ERROR_NOT_IN_HANDLER,
    INET_ERROR_SERVER_STOPPED, INET_ERROR_THREAD,
  };
  GHashTable *texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  char text[256];
  char small[4];

  InetSetLastError (0);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      INT n = InetGetErrorString (codes[i], text, sizeof text);

      g_assert_cmpint (n, >, 0);
      g_assert_cmpint (n, ==, (INT) strlen (text));
      /* one text per code */
      g_assert_false (g_hash_table_contains (texts, text));
      g_hash_table_add (texts, g_strdup (text));
      /* exactly enough room works, less does not */
      g_assert_cmpint (InetGetErrorString (codes[i], text, n + 1), ==, n);
      g_assert_cmpint (InetGetErrorString (codes[i], small, sizeof small), ==, 0);
    }
  g_assert_cmpint (InetGetErrorString (WSAENOTSOCK, NULL, 0), ==, 0);
  /* outside a handler there is no event detail */
  g_assert_cmpint (InetGetEventDetail (INVALID_SOCKET, text, sizeof text), ==, 0);
  g_hash_table_unref (texts);
}

/* --------------------------------------------------------- nothing left */

static void
bye_on_read (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  BYTE buffer[64];

  if (event == INET_EVENT_READ && InetRead (handle, buffer, sizeof buffer) > 0)
    InetDisconnect (handle);
}

static void
test_nothing_left (InetTestFixture *f, gconstpointer data)
{
  guint fds_before = inet_test_count_fds ();
  guint threads_before = inet_test_count_threads ();
  guint fds, threads;
  SOCKET server;
  UINT port;
  int fds_open[20];

  f->rec->handler = bye_on_read;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  /* twenty sessions at once; fifteen end (the server closes them), their
   * threads park for reuse; five are still open at stop */
  for (guint i = 0; i < G_N_ELEMENTS (fds_open); i++)
    fds_open[i] = inet_test_connect ("127.0.0.1", port);
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_CONNECT, 20, WAIT));
  for (guint i = 0; i < 15; i++)
    {
      g_assert_true (inet_test_send_all (fds_open[i], "bye", 3, WAIT));
      inet_test_recv_end (fds_open[i]);
      close (fds_open[i]);
    }
  g_assert_true (inet_test_recorder_wait_full (f->rec, 0, INET_EVENT_DISCONNECT, 15, TRUE,
                                               WAIT));
  g_usleep (50000);
  g_assert_cmpuint (inet_test_count_threads (), >=, threads_before + 15);
  g_assert_cmpuint (inet_test_count_fds (), >, fds_before + 5);
  /* a failed start on the same port takes nothing either */
  g_assert_cmpuint (InetServerStart ("127.0.0.1", port, 0, 0, 0, INET_PRIORITY_NORMAL, 0,
                                     inet_test_recorder_proc, (DWORD_PTR) f->rec, NULL),
                    ==, INVALID_SOCKET);

  /* parked threads belong to the server: joined by the stop */
  inet_test_recorder_stop (f->rec);
  for (guint i = 15; i < G_N_ELEMENTS (fds_open); i++)
    close (fds_open[i]);
  inet_test_wait_counts (fds_before, threads_before, 2000, &fds, &threads);
  g_assert_cmpuint (fds, ==, fds_before);
  g_assert_cmpuint (threads, ==, threads_before);
}

int
main (int argc, char **argv)
{
  inet_test_init (&argc, &argv);
  INET_TEST_ADD ("/engine/handles/unknown", test_unknown_handles);
  INET_TEST_ADD ("/engine/handles/wrong-kind", test_wrong_kind);
  INET_TEST_ADD ("/engine/handles/stale-and-unique", test_stale_and_unique);
  INET_TEST_ADD ("/engine/handles/last-error-per-thread", test_last_error_per_thread);
  INET_TEST_ADD ("/engine/handles/error-strings", test_error_strings);
  INET_TEST_ADD ("/engine/handles/nothing-left", test_nothing_left);
  return g_test_run ();
}
