/* test-engine-events.c - events: order, threads, never two at once for a
 * client, exactly one DISCONNECT whatever ended the session, READ and
 * WRITE arming, TIMEOUT, IDLE, CANCEL.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-fixture.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WAIT INET_TEST_TIMEOUT_MS

/* ------------------------------------------------------- order and threads */

#define N_CLIENTS 20

static void
test_order_and_threads (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  UINT port;
  int fds[N_CLIENTS];
  GHashTable *tids = g_hash_table_new (NULL, NULL);
  GHashTable *ports = g_hash_table_new (NULL, NULL);

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  port = inet_test_server_port (server);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      fds[i] = inet_test_connect ("127.0.0.1", port);
      g_hash_table_add (ports, GUINT_TO_POINTER (inet_test_local_port (fds[i])));
    }
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_CONNECT, N_CLIENTS, WAIT));

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      InetTestEvent accept, connect;

      g_assert_true (inet_test_recorder_get (f->rec, server, INET_EVENT_ACCEPT, i, &accept));
      g_assert_true (inet_test_recorder_get (f->rec, 0, INET_EVENT_CONNECT, i, &connect));
      /* ACCEPT shows the pending peer; CONNECT the session's */
      g_assert_cmpstr (accept.peer, ==, "127.0.0.1");
      g_assert_true (g_hash_table_contains (ports, GUINT_TO_POINTER (accept.peer_port)));
      g_assert_cmpstr (connect.peer, ==, "127.0.0.1");
      g_assert_true (g_hash_table_contains (ports, GUINT_TO_POINTER (connect.peer_port)));
      /* one thread per attached client */
      g_assert_false (g_hash_table_contains (tids, GINT_TO_POINTER (connect.tid)));
      g_hash_table_add (tids, GINT_TO_POINTER (connect.tid));
      g_assert_cmpint (connect.tid, !=, f->rec->server_tid);
      g_assert_cmpint (connect.tid, !=, gettid ());
    }

  for (guint round = 0; round < 10; round++)
    for (guint i = 0; i < N_CLIENTS; i++)
      inet_test_assert_echo (fds[i], "ping-pong");
  for (guint i = 0; i < N_CLIENTS; i++)
    close (fds[i]);
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_DISCONNECT, N_CLIENTS, WAIT));
  g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_IDLE, 1, WAIT));

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      InetTestEvent connect;
      char *sequence;

      g_assert_true (inet_test_recorder_get (f->rec, 0, INET_EVENT_CONNECT, i, &connect));
      sequence = inet_test_recorder_sequence (f->rec, connect.handle);
      /* CONNECT, WRITE, the READs, DISCONNECT */
      g_assert_true (g_str_has_prefix (sequence, "1,4,3,"));
      g_assert_true (g_str_has_suffix (sequence, ",3,2"));
      g_assert_null (strstr (sequence, ",1"));
      g_free (sequence);
    }
  inet_test_recorder_stop (f->rec);
  g_hash_table_unref (tids);
  g_hash_table_unref (ports);
}

/* ---------------------------------------------- never two callbacks at once */

typedef struct
{
  SOCKET client;
  volatile gint stop;
} Hammer;

static gpointer
hammer_thread (gpointer data)
{
  Hammer *h = data;

  /* every call that wakes a session from another thread */
  for (guint i = 0; i < 2000 && !g_atomic_int_get (&h->stop); i++)
    {
      InetCancel (h->client);
      InetSuspendClient (h->client);
      InetResumeClient (h->client);
      InetSetClientBandwidth (h->client, INET_BANDWIDTH_UNCHANGED, INET_BANDWIDTH_UNCHANGED);
      InetIsReadable (h->client, 0);
      InetPeek (h->client, NULL, 0);
      if (i % 16 == 0)
        g_usleep (500);
    }
  return NULL;
}

static void
slow_echo (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  g_usleep (200); /* widen the window for a second callback */
  inet_test_echo_handler (rec, handle, event, error);
}

static void
test_no_concurrent_callbacks (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  Hammer h = { 0 };
  InetTestThread *threads[2];
  int fd;

  f->rec->handler = slow_echo;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 1, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  h.client = inet_test_recorder_client (f->rec, 0);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = inet_test_thread_start (hammer_thread, &h);
  for (guint i = 0; i < 300; i++)
    inet_test_assert_echo (fd, "x");
  g_atomic_int_set (&h.stop, 1);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_assert_true (inet_test_thread_wait (threads[i], WAIT));
      inet_test_thread_join (threads[i]);
    }
  inet_test_assert_echo (fd, "still fine");
  close (fd);
  inet_test_recorder_stop (f->rec);
}

/* ------------------------------------------------- one DISCONNECT, always */

typedef enum
{
  END_PEER_CLOSE,
  END_PEER_CLOSE_UNREAD,
  END_PEER_RESET,
  END_HANDLER_DISCONNECT,
  END_OTHER_THREAD_DISCONNECT,
  END_ABORT,
  END_TIMEOUT,
  END_STOP,
  END_RESTART,
  END_SUSPEND,
  END_RACE,
} Ending;

typedef struct
{
  Ending ending;
  INT second_disconnect;
  DWORD second_error;
  InetTestGate second_done;
} EndingState;

static void
ending_handler (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  EndingState *s = rec->user_data;

  if (s->ending == END_HANDLER_DISCONNECT && event == INET_EVENT_READ)
    {
      if (InetDisconnect (handle) != 0)
        inet_test_recorder_problem (rec, "InetDisconnect in READ failed: %u",
                                    InetGetLastError ());
      /* closed for I/O at once, and only once */
      s->second_disconnect = InetDisconnect (handle);
      s->second_error = InetGetLastError ();
      inet_test_gate_set (&s->second_done, 1);
    }
  else if (s->ending == END_TIMEOUT && event == INET_EVENT_TIMEOUT)
    InetDisconnect (handle);
  else if (s->ending != END_PEER_CLOSE_UNREAD && s->ending != END_HANDLER_DISCONNECT)
    inet_test_echo_handler (rec, handle, event, error);
}

static void
test_disconnect_once (InetTestFixture *f, gconstpointer data)
{
  EndingState s = { .ending = GPOINTER_TO_INT (data) };
  SOCKET server, client;
  InetTestEvent ev;
  DWORD reason = 0, error = 0;
  int fd;
  UINT port;

  inet_test_gate_init (&s.second_done);
  f->rec->handler = ending_handler;
  f->rec->user_data = &s;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, s.ending == END_TIMEOUT ? 1 : 0,
                                    INET_OPTION_NONE);
  port = inet_test_server_port (server);
  fd = inet_test_connect ("127.0.0.1", port);
  client = inet_test_recorder_client (f->rec, 0);
  if (s.ending != END_HANDLER_DISCONNECT && s.ending != END_PEER_CLOSE_UNREAD
      && s.ending != END_TIMEOUT)
    inet_test_assert_echo (fd, "hello");

  switch (s.ending)
    {
    case END_PEER_CLOSE:
      close (fd);
      fd = -1;
      reason = INET_CLOSE_PEER;
      break;
    case END_PEER_CLOSE_UNREAD:
      g_assert_true (inet_test_send_all (fd, "never read", 10, WAIT));
      g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_READ, 1, WAIT));
      close (fd);
      fd = -1;
      reason = INET_CLOSE_PEER;
      break;
    case END_PEER_RESET:
      inet_test_close_reset (fd);
      fd = -1;
      reason = INET_CLOSE_RESET;
      error = WSAECONNRESET;
      break;
    case END_HANDLER_DISCONNECT:
      g_assert_true (inet_test_send_all (fd, "bye", 3, WAIT));
      g_assert_true (inet_test_gate_wait (&s.second_done, 1, WAIT));
      g_assert_cmpint (s.second_disconnect, ==, INET_ERROR);
      g_assert_cmpuint (s.second_error, ==, WSAENOTSOCK);
      reason = INET_CLOSE_LOCAL;
      break;
    case END_OTHER_THREAD_DISCONNECT:
      g_assert_cmpint (InetDisconnect (client), ==, 0);
      g_assert_cmpint (InetDisconnect (client), ==, INET_ERROR);
      g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
      reason = INET_CLOSE_LOCAL;
      break;
    case END_ABORT:
      g_assert_cmpint (InetDisconnectEx (client, INET_DISCONNECT_ABORT), ==, 0);
      reason = INET_CLOSE_ABORT;
      break;
    case END_TIMEOUT:
      g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_TIMEOUT, 1, WAIT));
      reason = INET_CLOSE_LOCAL;
      break;
    case END_STOP:
      inet_test_recorder_stop (f->rec);
      reason = INET_CLOSE_STOP;
      break;
    case END_RESTART:
      g_assert_true (InetServerRestart (server));
      reason = INET_CLOSE_RESTART;
      break;
    case END_SUSPEND:
      g_assert_true (InetServerSuspendEx (server, INET_SUSPEND_DISCONNECT));
      reason = INET_CLOSE_SUSPEND;
      break;
    case END_RACE:
      /* the client leaves while the server closes it and stops */
      close (fd);
      fd = -1;
      InetDisconnect (client);
      inet_test_recorder_stop (f->rec);
      reason = 0; /* any */
      break;
    }

  g_assert_true (inet_test_recorder_wait_full (f->rec, client, INET_EVENT_DISCONNECT, 1, TRUE,
                                               WAIT));
  g_assert_true (inet_test_recorder_get (f->rec, client, INET_EVENT_DISCONNECT, 0, &ev));
  if (reason != 0)
    g_assert_cmpuint (ev.close_reason, ==, reason);
  if (s.ending == END_PEER_CLOSE || s.ending == END_PEER_RESET)
    g_assert_cmpuint (ev.error, ==, error);
  /* the handle goes with the end of the DISCONNECT handler */
  for (guint i = 0; i < 1000 && InetGetClientId (client) != 0; i++)
    g_usleep (1000);
  g_assert_cmpuint (InetGetClientId (client), ==, 0);
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);

  if (fd >= 0)
    {
      g_assert_cmpint (inet_test_recv_end (fd), ==, s.ending == END_ABORT ? ECONNRESET : 0);
      close (fd);
    }
  if (s.ending == END_TIMEOUT)
    {
      char *sequence = inet_test_recorder_sequence (f->rec, client);

      g_assert_cmpstr (sequence, ==, "1,4,5,2"); /* CONNECT WRITE TIMEOUT DISCONNECT */
      g_free (sequence);
    }

  if (s.ending != END_STOP && s.ending != END_RACE)
    {
      g_usleep (100000);
      inet_test_recorder_stop (f->rec);
    }
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_DISCONNECT), ==, 1);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_DISCONNECT), ==,
                    inet_test_recorder_count (f->rec, 0, INET_EVENT_CONNECT));
  inet_test_gate_clear (&s.second_done);
}

/* ------------------------------------------------------------- READ arming */

static void
test_read_not_rearmed (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, client;
  BYTE buffer[64];
  int fd;

  /* the recorder alone: READ handlers consume nothing */
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);

  g_assert_true (inet_test_send_all (fd, "hello", 5, WAIT));
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_READ, 1, WAIT));
  g_usleep (300000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_READ), ==, 1);
  /* more data while nothing was consumed: still no READ */
  g_assert_true (inet_test_send_all (fd, "world", 5, WAIT));
  g_usleep (300000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_READ), ==, 1);
  g_assert_true (InetIsReadable (client, 0));
  g_assert_cmpint (InetPeek (client, buffer, 5), ==, 5);
  g_assert_cmpmem (buffer, 5, "hello", 5);
  /* peeking consumes nothing */
  g_usleep (100000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_READ), ==, 1);

  /* consuming (here from another thread) re-arms it: data is left */
  g_assert_cmpint (InetRead (client, buffer, 2), ==, 2);
  g_assert_cmpmem (buffer, 2, "he", 2);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_READ, 2, WAIT));
  close (fd);
  inet_test_recorder_stop (f->rec);
}

/* A READ handler that takes nothing; the TIMEOUT handler reads. */
static void
read_on_timeout (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  BYTE buffer[64];

  if (event == INET_EVENT_TIMEOUT)
    g_assert_cmpint (InetRead (handle, buffer, sizeof buffer), ==, 5);
  else if (event == INET_EVENT_READ && inet_test_recorder_count (rec, handle, event) > 1)
    InetRead (handle, buffer, sizeof buffer);
}

static void
test_read_rearmed_by_own_thread (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, client;
  int fd;

  g_test_summary ("A read in another handler of the session (not READ's) "
                  "re-arms READ, as Winsock's recv re-enables FD_READ");
  f->rec->handler = read_on_timeout;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 1, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);

  g_assert_true (inet_test_send_all (fd, "first", 5, WAIT));
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_TIMEOUT, 1, WAIT));
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_READ), ==, 1);
  g_assert_true (inet_test_send_all (fd, "second", 6, WAIT));
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_READ, 2, WAIT));
  close (fd);
  inet_test_recorder_stop (f->rec);
}

typedef struct
{
  GString *got;
} ByteReader;

static void
one_byte_reader (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  ByteReader *r = rec->user_data;
  BYTE b;

  if (event == INET_EVENT_READ && InetRead (handle, &b, 1) == 1)
    {
      pthread_mutex_lock (&rec->mutex);
      g_string_append_c (r->got, (char) b);
      pthread_mutex_unlock (&rec->mutex);
    }
}

static void
test_read_repeats_while_data_left (InetTestFixture *f, gconstpointer data)
{
  ByteReader r = { g_string_new (NULL) };
  SOCKET server, client;
  int fd;

  f->rec->handler = one_byte_reader;
  f->rec->user_data = &r;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  g_assert_true (inet_test_send_all (fd, "0123456789", 10, WAIT));
  g_assert_true (inet_test_recorder_wait_full (f->rec, client, INET_EVENT_READ, 10, TRUE, WAIT));
  g_usleep (100000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_READ), ==, 10);
  pthread_mutex_lock (&f->rec->mutex);
  g_assert_cmpstr (r.got->str, ==, "0123456789");
  pthread_mutex_unlock (&f->rec->mutex);
  close (fd);
  inet_test_recorder_stop (f->rec);
  g_string_free (r.got, TRUE);
}

/* The peer closes with data the handler has not read yet: READ still gets
 * it, then DISCONNECT. */
static void
test_read_before_disconnect (InetTestFixture *f, gconstpointer data)
{
  ByteReader r = { g_string_new (NULL) };
  SOCKET server, client;
  char *sequence;
  int fd;

  f->rec->handler = one_byte_reader;
  f->rec->user_data = &r;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  g_assert_true (inet_test_send_all (fd, "abc", 3, WAIT));
  close (fd);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_DISCONNECT, 1, WAIT));
  pthread_mutex_lock (&f->rec->mutex);
  g_assert_cmpstr (r.got->str, ==, "abc");
  pthread_mutex_unlock (&f->rec->mutex);
  sequence = inet_test_recorder_sequence (f->rec, client);
  g_assert_cmpstr (sequence, ==, "1,4,3,3,3,2");
  g_free (sequence);
  inet_test_recorder_stop (f->rec);
  g_string_free (r.got, TRUE);
}

/* ------------------------------------------------------------ WRITE arming */

static void
test_write_once_then_after_would_block (InetTestFixture *f, gconstpointer data)
{
  const gsize size = 16 * 1024 * 1024;
  guint8 *big = g_malloc (size);
  SOCKET server, client;
  INT n, again;
  gsize got;
  int fd;

  inet_test_fill_pattern (big, size, 0);
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect_non_reader (inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_WRITE, 1, WAIT));
  g_usleep (300000);
  /* once after connect, not again while the socket simply stays writable */
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_WRITE), ==, 1);
  g_assert_cmpint (InetWrite (client, (LPCBYTE) "ab", 2), ==, 2);
  g_usleep (100000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_WRITE), ==, 1);

  /* non-blocking: write what fits, then WRITE once the client drained it */
  g_assert_true (InetSetBlocking (client, FALSE));
  n = InetWrite (client, big, (INT) size);
  g_assert_cmpint (n, >, 0);
  g_assert_cmpint (n, <, (INT) size);
  again = InetWrite (client, big + n, (INT) size - n);
  if (again == INET_ERROR)
    g_assert_cmpuint (InetGetLastError (), ==, WSAEWOULDBLOCK);
  else
    n += again;
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_WRITE), ==, 1);

  {
    guint8 *in = g_malloc ((gsize) n + 2);

    g_assert_true (inet_test_recv_exact (fd, in, (gsize) n + 2, WAIT));
    g_assert_cmpmem (in, 2, "ab", 2);
    g_assert_true (inet_test_check_pattern (in + 2, (gsize) n, 0));
    g_free (in);
  }
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_WRITE, 2, WAIT));
  g_usleep (300000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_WRITE), ==, 2);
  got = inet_test_recv_for (fd, 50);
  g_assert_cmpuint (got, ==, 0);
  close (fd);
  inet_test_recorder_stop (f->rec);
  g_free (big);
}

/* ------------------------------------------------------------------ TIMEOUT */

static void
test_timeout (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, client;
  InetTestEvent connect, timeout;
  int fd;

  f->rec->handler = inet_test_echo_handler;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 1, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_TIMEOUT, 1, WAIT));
  g_assert_true (inet_test_recorder_get (f->rec, client, INET_EVENT_CONNECT, 0, &connect));
  g_assert_true (inet_test_recorder_get (f->rec, client, INET_EVENT_TIMEOUT, 0, &timeout));
  /* not before the client was silent for the timeout (1 s) */
  g_assert_cmpint (timeout.time_us - connect.time_us, >=, 950000);
  /* once per idle period */
  g_usleep (1500000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_TIMEOUT), ==, 1);
  /* the session goes on; activity re-arms it */
  inet_test_assert_echo (fd, "awake");
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_TIMEOUT, 2, WAIT));
  g_assert_true (inet_test_recorder_get (f->rec, client, INET_EVENT_TIMEOUT, 1, &timeout));
  {
    InetTestEvent read;

    g_assert_true (inet_test_recorder_get (f->rec, client, INET_EVENT_READ, 0, &read));
    /* idle again from the data's arrival, a moment before READ's entry:
     * a timer not re-armed by the data would fire at once */
    g_assert_cmpint (timeout.time_us - read.time_us, >=, 500000);
  }
  inet_test_assert_echo (fd, "still");
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_DISCONNECT), ==, 0);
  close (fd);
  inet_test_recorder_stop (f->rec);
}

/* --------------------------------------------------------------------- IDLE */

static void
test_idle (InetTestFixture *f, gconstpointer data)
{
  SOCKET server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  UINT port = inet_test_server_port (server);
  int a, b;

  g_usleep (100000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_IDLE), ==, 0);
  a = inet_test_connect ("127.0.0.1", port);
  b = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 1);
  close (a);
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_DISCONNECT, 1, WAIT));
  g_usleep (200000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_IDLE), ==, 0);
  close (b);
  g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_IDLE, 1, WAIT));
  /* it can repeat */
  a = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 2);
  g_usleep (100000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_IDLE), ==, 1);
  close (a);
  g_assert_true (inet_test_recorder_wait (f->rec, server, INET_EVENT_IDLE, 2, WAIT));
  g_usleep (100000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_IDLE), ==, 2);
  /* a client at stop: no IDLE then */
  a = inet_test_connect ("127.0.0.1", port);
  inet_test_recorder_client (f->rec, 3);
  inet_test_recorder_stop (f->rec);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_IDLE), ==, 2);
  close (a);
}

/* ------------------------------------------------------------------- CANCEL */

typedef struct
{
  SOCKET client;
  INT result;
  DWORD error;
} BlockedRead;

static gpointer
blocked_read_thread (gpointer data)
{
  BlockedRead *b = data;
  BYTE buffer[16];

  b->result = InetRead (b->client, buffer, sizeof buffer);
  b->error = InetGetLastError ();
  return NULL;
}

/* Calls InetCancel until the blocked call returned (cancelling before it
 * blocked has no effect, by contract). */
static gboolean
cancel_until (SOCKET client, InetTestThread *thread, InetTestGate *gate)
{
  for (guint i = 0; i < 200; i++)
    {
      g_assert_cmpint (InetCancel (client), ==, 0);
      if (thread != NULL ? inet_test_thread_wait (thread, 50) : inet_test_gate_wait (gate, 1, 50))
        return TRUE;
    }
  return FALSE;
}

static void
test_cancel_other_thread (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  BlockedRead b = { 0 };
  InetTestThread *thread;
  InetTestEvent ev;
  int fd;

  /* no timeout: the read would wait forever */
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  b.client = inet_test_recorder_client (f->rec, 0);

  /* nothing blocked: no effect, no event */
  g_assert_cmpint (InetCancel (b.client), ==, 0);
  g_usleep (200000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_CANCEL), ==, 0);

  thread = inet_test_thread_start (blocked_read_thread, &b);
  g_usleep (100000);
  g_assert_true (cancel_until (b.client, thread, NULL));
  inet_test_thread_join (thread);
  g_assert_cmpint (b.result, ==, INET_ERROR);
  g_assert_cmpuint (b.error, ==, WSAEINTR);
  /* CANCEL follows, in the client's thread (the recorder checks that) */
  g_assert_true (inet_test_recorder_wait (f->rec, b.client, INET_EVENT_CANCEL, 1, WAIT));
  g_assert_true (inet_test_recorder_get (f->rec, b.client, INET_EVENT_CANCEL, 0, &ev));
  g_usleep (100000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, 0, INET_EVENT_CANCEL), ==, 1);

  /* the session is fine: the next read gets data */
  thread = inet_test_thread_start (blocked_read_thread, &b);
  g_assert_true (inet_test_send_all (fd, "data", 4, WAIT));
  g_assert_true (inet_test_thread_wait (thread, WAIT));
  inet_test_thread_join (thread);
  g_assert_cmpint (b.result, ==, 4);
  close (fd);
  inet_test_recorder_stop (f->rec);
}

/* A blocked write that already sent a part fails too when cancelled. */
typedef struct
{
  SOCKET client;
  guint8 *big;
  INT result;
  DWORD error;
} BlockedWrite;

#define BIG (16 * 1024 * 1024)

static gpointer
blocked_write_thread (gpointer data)
{
  BlockedWrite *b = data;

  b->result = InetWrite (b->client, b->big, BIG);
  b->error = InetGetLastError ();
  return NULL;
}

static void
test_cancel_write (InetTestFixture *f, gconstpointer data)
{
  BlockedWrite b = { 0 };
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };
  InetTestThread *thread;
  SOCKET server;
  int fd;

  b.big = g_malloc0 (BIG);
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  /* a small receive buffer: 16 MiB cannot fit on the way */
  fd = inet_test_connect_non_reader (inet_test_server_port (server));
  b.client = inet_test_recorder_client (f->rec, 0);
  thread = inet_test_thread_start (blocked_write_thread, &b);
  g_usleep (200000);
  g_assert_true (cancel_until (b.client, thread, NULL));
  inet_test_thread_join (thread);
  g_assert_cmpint (b.result, ==, INET_ERROR);
  g_assert_cmpuint (b.error, ==, WSAEINTR);
  g_assert_true (inet_test_recorder_wait (f->rec, b.client, INET_EVENT_CANCEL, 1, WAIT));
  /* what went out is counted, and the client gets it */
  g_assert_true (InetGetClientStats (b.client, &stats));
  g_assert_cmpuint (stats.nBytesOut, >, 0);
  g_assert_cmpuint (stats.nBytesOut, <, BIG);
  {
    guint8 *in = g_malloc (stats.nBytesOut);

    g_assert_true (inet_test_recv_exact (fd, in, stats.nBytesOut, WAIT));
    g_assert_true (inet_test_quiet_for (fd, 100));
    g_free (in);
  }
  close (fd);
  inet_test_recorder_stop (f->rec);
  g_free (b.big);
}

typedef struct
{
  InetTestGate done;
  INT result;
  DWORD error;
} OwnRead;

static void
read_in_connect (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  OwnRead *o = rec->user_data;
  BYTE buffer[16];

  if (event != INET_EVENT_CONNECT)
    return;
  o->result = InetRead (handle, buffer, sizeof buffer);
  o->error = InetGetLastError ();
  inet_test_gate_set (&o->done, 1);
}

static void
test_cancel_own_thread (InetTestFixture *f, gconstpointer data)
{
  OwnRead o = { 0 };
  SOCKET server, client;
  char *sequence;
  int fd;

  inet_test_gate_init (&o.done);
  f->rec->handler = read_in_connect;
  f->rec->user_data = &o;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  g_usleep (100000);
  g_assert_true (cancel_until (client, NULL, &o.done));
  g_assert_cmpint (o.result, ==, INET_ERROR);
  g_assert_cmpuint (o.error, ==, WSAEINTR);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_CANCEL, 1, WAIT));
  sequence = inet_test_recorder_sequence (f->rec, client);
  /* CANCEL after the CONNECT handler returned (WRITE may come first) */
  g_assert_true (g_str_equal (sequence, "1,6,4") || g_str_equal (sequence, "1,4,6"));
  g_free (sequence);
  close (fd);
  inet_test_recorder_stop (f->rec);
  inet_test_gate_clear (&o.done);
}

int
main (int argc, char **argv)
{
  static const struct
  {
    const char *name;
    Ending ending;
  } endings[] = {
    { "peer-close", END_PEER_CLOSE },
    { "peer-close-unread", END_PEER_CLOSE_UNREAD },
    { "peer-reset", END_PEER_RESET },
    { "handler-disconnect", END_HANDLER_DISCONNECT },
    { "other-thread-disconnect", END_OTHER_THREAD_DISCONNECT },
    { "abort", END_ABORT },
    { "timeout", END_TIMEOUT },
    { "stop", END_STOP },
    { "restart", END_RESTART },
    { "suspend-disconnect", END_SUSPEND },
    { "race", END_RACE },
  };

  inet_test_init (&argc, &argv);
  INET_TEST_ADD ("/engine/events/order-and-threads", test_order_and_threads);
  INET_TEST_ADD ("/engine/events/no-concurrent-callbacks", test_no_concurrent_callbacks);
  for (guint i = 0; i < G_N_ELEMENTS (endings); i++)
    {
      char *path = g_strdup_printf ("/engine/events/disconnect-once/%s", endings[i].name);

      INET_TEST_ADD_DATA (path, GINT_TO_POINTER (endings[i].ending), test_disconnect_once);
      g_free (path);
    }
  INET_TEST_ADD ("/engine/events/read-not-rearmed", test_read_not_rearmed);
  INET_TEST_ADD ("/engine/events/read-rearmed-by-own-thread", test_read_rearmed_by_own_thread);
  INET_TEST_ADD ("/engine/events/read-repeats-while-data-left", test_read_repeats_while_data_left);
  INET_TEST_ADD ("/engine/events/read-before-disconnect", test_read_before_disconnect);
  INET_TEST_ADD ("/engine/events/write-once", test_write_once_then_after_would_block);
  INET_TEST_ADD ("/engine/events/timeout", test_timeout);
  INET_TEST_ADD ("/engine/events/idle", test_idle);
  INET_TEST_ADD ("/engine/events/cancel-other-thread", test_cancel_other_thread);
  INET_TEST_ADD ("/engine/events/cancel-own-thread", test_cancel_own_thread);
  INET_TEST_ADD ("/engine/events/cancel-write", test_cancel_write);
  return g_test_run ();
}
