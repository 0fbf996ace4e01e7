/* test-engine-io.c - InetRead, InetWrite, InetPeek, InetIsReadable,
 * InetIsWritable with the timeouts; client and server counters; client
 * enumeration; bandwidth limits per client and per server, changed live.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-fixture.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WAIT INET_TEST_TIMEOUT_MS

/* -------------------------------------------------------------- reading */

typedef struct
{
  int fd;
  guint delay_ms;
  const char *text;
} DelayedSend;

static gpointer
delayed_send_thread (gpointer data)
{
  DelayedSend *d = data;

  g_usleep (d->delay_ms * 1000);
  inet_test_send_all (d->fd, d->text, strlen (d->text), WAIT);
  return NULL;
}

static void
test_read_peek_readable (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, client;
  DelayedSend d;
  InetTestThread *thread;
  BYTE buffer[64];
  gint64 start;
  INT n;
  int fd;

  /* a timeout of 1 s limits blocking calls; handlers read nothing */
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 1, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);

  g_assert_false (InetIsReadable (client, 0));
  g_assert_cmpuint (InetGetLastError (), ==, 0);
  g_assert_cmpint (InetPeek (client, NULL, 0), ==, 0);
  g_assert_cmpint (InetPeek (client, buffer, sizeof buffer), ==, 0);
  g_assert_cmpint (InetRead (client, NULL, 10), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAEFAULT);
  g_assert_cmpint (InetRead (client, buffer, 0), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAEFAULT);

  /* non-blocking: at once */
  g_assert_true (InetSetBlocking (client, FALSE));
  g_assert_cmpint (InetRead (client, buffer, sizeof buffer), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAEWOULDBLOCK);
  g_assert_true (InetSetBlocking (client, TRUE));

  /* blocking: up to the server timeout */
  start = g_get_monotonic_time ();
  g_assert_cmpint (InetRead (client, buffer, sizeof buffer), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAETIMEDOUT);
  g_assert_cmpint (inet_test_ms_since (start), >=, 950);

  /* InetIsReadable waits its own timeout */
  start = g_get_monotonic_time ();
  g_assert_false (InetIsReadable (client, 200));
  g_assert_cmpint (inet_test_ms_since (start), >=, 190);

  d = (DelayedSend) { fd, 100, "abcdef" };
  thread = inet_test_thread_start (delayed_send_thread, &d);
  g_assert_true (InetIsReadable (client, 5000));
  inet_test_thread_join (thread);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_READ, 1, WAIT));

  n = InetPeek (client, NULL, 0);
  g_assert_cmpint (n, >, 0);
  g_assert_cmpint (n, <=, 6);
  g_assert_cmpint (InetPeek (client, buffer, 3), ==, 3);
  g_assert_cmpmem (buffer, 3, "abc", 3);
  g_assert_cmpint (InetPeek (client, buffer, 3), ==, 3); /* not consumed */
  g_assert_cmpmem (buffer, 3, "abc", 3);
  g_assert_cmpint (InetRead (client, buffer, 4), ==, 4);
  g_assert_cmpmem (buffer, 4, "abcd", 4);
  /* never waits to fill the buffer */
  g_assert_cmpint (InetRead (client, buffer, sizeof buffer), ==, 2);
  g_assert_cmpmem (buffer, 2, "ef", 2);
  g_assert_false (InetIsReadable (client, 0));

  close (fd);
  inet_test_recorder_stop (f->rec);
}

/* Blocking calls in the client's own handler honour the timeout too. */
typedef struct
{
  InetTestGate done;
  INT result;
  DWORD error;
  gint64 elapsed_ms;
} HandlerRead;

static void
read_in_connect (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  HandlerRead *h = rec->user_data;
  gint64 start = g_get_monotonic_time ();
  BYTE buffer[16];

  if (event != INET_EVENT_CONNECT)
    return;
  h->result = InetRead (handle, buffer, sizeof buffer);
  h->error = InetGetLastError ();
  h->elapsed_ms = inet_test_ms_since (start);
  inet_test_gate_set (&h->done, 1);
}

static void
test_read_timeout_in_handler (InetTestFixture *f, gconstpointer data)
{
  HandlerRead h = { 0 };
  SOCKET server;
  int fd;

  inet_test_gate_init (&h.done);
  f->rec->handler = read_in_connect;
  f->rec->user_data = &h;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 1, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  g_assert_true (inet_test_gate_wait (&h.done, 1, WAIT));
  g_assert_cmpint (h.result, ==, INET_ERROR);
  g_assert_cmpuint (h.error, ==, WSAETIMEDOUT);
  g_assert_cmpint (h.elapsed_ms, >=, 950);
  close (fd);
  inet_test_recorder_stop (f->rec);
  inet_test_gate_clear (&h.done);
}

/* -------------------------------------------------------------- writing */

#define BIG (16 * 1024 * 1024)

static void
test_write_writable (InetTestFixture *f, gconstpointer data)
{
  guint8 *big = g_malloc (BIG);
  SOCKET server, client;
  gint64 start;
  INT n;
  guint8 *in;
  int fd;

  inet_test_fill_pattern (big, BIG, 0);
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 1, INET_OPTION_NONE);
  /* a small receive buffer: 16 MiB cannot fit on the way */
  fd = inet_test_connect_non_reader (inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);

  g_assert_true (InetIsWritable (client, 0));
  g_assert_cmpint (InetWrite (client, big, 0), ==, 0);
  g_assert_cmpint (InetWrite (client, NULL, 1), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAEFAULT);

  /* the client does not read: the timeout ends the write with the count */
  start = g_get_monotonic_time ();
  n = InetWrite (client, big, BIG);
  g_assert_cmpint (inet_test_ms_since (start), >=, 950);
  g_assert_cmpint (n, >, 0);
  g_assert_cmpint (n, <, BIG);
  g_assert_cmpuint (InetGetLastError (), ==, 0);
  g_assert_false (InetIsWritable (client, 0));
  start = g_get_monotonic_time ();
  g_assert_false (InetIsWritable (client, 200));
  g_assert_cmpint (inet_test_ms_since (start), >=, 190);
  /* once nothing at all fits (the kernel may still grow its buffers a
   * little), the timeout is an error */
  for (guint i = 0; i < 20; i++)
    {
      INT more = InetWrite (client, big + n, BIG - n);

      if (more == INET_ERROR)
        {
          g_assert_cmpuint (InetGetLastError (), ==, WSAETIMEDOUT);
          break;
        }
      g_assert_cmpint (more, >, 0);
      g_assert_cmpint (more, <, BIG - n);
      n += more;
      g_assert_cmpint (i, <, 19);
    }

  /* the client takes exactly what was reported */
  in = g_malloc ((gsize) n);
  g_assert_true (inet_test_recv_exact (fd, in, (gsize) n, WAIT));
  g_assert_true (inet_test_check_pattern (in, (gsize) n, 0));
  g_assert_true (inet_test_quiet_for (fd, 100));
  g_assert_true (InetIsWritable (client, 5000));
  g_free (in);
  close (fd);
  inet_test_recorder_stop (f->rec);
  g_free (big);
}

/* ------------------------------------------------------------- counters */

static void
test_counters (InetTestFixture *f, gconstpointer data)
{
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };
  INETSERVERSTATS sstats = { .dwSize = sizeof sstats };
  SOCKET server, client, second;
  InetTestEvent connect;
  gint64 before, after, sent_at;
  guint8 payload[1000];
  char address[64];
  UINT port;
  int fd, fd2;

  f->rec->handler = inet_test_echo_handler;
  before = g_get_real_time ();
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  after = g_get_real_time ();
  g_assert_true (InetGetServerStats (server, &sstats));
  /* the clock is coarse (a few ms): allow 50 ms */
  g_assert_cmpint ((gint64) sstats.nStartTime, >=, before - 50000);
  g_assert_cmpint ((gint64) sstats.nStartTime, <=, after + 50000);
  g_assert_cmpuint (sstats.nActive, ==, 0);
  g_assert_cmpuint (sstats.nAccepted, ==, 0);

  before = g_get_real_time ();
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  after = g_get_real_time ();
  g_assert_true (inet_test_recorder_get (f->rec, client, INET_EVENT_CONNECT, 0, &connect));

  g_assert_true (InetGetClientStats (client, &stats));
  g_assert_cmpuint (stats.dwSize, ==, sizeof stats);
  g_assert_cmpuint (stats.dwClientId, ==, 1);
  g_assert_cmpuint (InetGetClientId (client), ==, 1);
  g_assert_cmpuint (stats.dwState, ==, INET_CLIENT_CONNECTED);
  g_assert_cmpuint (stats.dwFlags, ==, 0);
  g_assert_cmpuint (stats.dwCloseReason, ==, INET_CLOSE_NONE);
  g_assert_cmpint ((pid_t) stats.dwThreadId, ==, connect.tid);
  g_assert_cmpuint (stats.nPriority, ==, INET_PRIORITY_NORMAL);
  g_assert_cmpint (stats.nAddressFamily, ==, AF_INET);
  g_assert_cmpuint (stats.dwReadLimit, ==, 0);
  g_assert_cmpuint (stats.dwWriteLimit, ==, 0);
  g_assert_cmpuint (stats.nBytesIn, ==, 0);
  g_assert_cmpuint (stats.nBytesOut, ==, 0);
  g_assert_cmpint ((gint64) stats.nConnectTime, >=, before - 50000);
  g_assert_cmpint ((gint64) stats.nConnectTime, <=, after + 50000);
  g_assert_cmpuint (stats.nLastActivity, >=, stats.nConnectTime);

  /* a too small struct is refused */
  stats.dwSize = 8;
  g_assert_false (InetGetClientStats (client, &stats));
  g_assert_cmpuint (InetGetLastError (), ==, WSAEFAULT);
  g_assert_false (InetGetClientStats (client, NULL));
  g_assert_cmpuint (InetGetLastError (), ==, WSAEFAULT);
  g_assert_false (InetGetServerStats (server, NULL));
  g_assert_cmpuint (InetGetLastError (), ==, WSAEFAULT);
  stats.dwSize = sizeof stats;

  /* addresses */
  g_assert_true (InetGetPeerAddress (client, address, sizeof address, &port));
  g_assert_cmpstr (address, ==, "127.0.0.1");
  g_assert_cmpuint (port, ==, inet_test_local_port (fd));
  g_assert_true (InetGetLocalAddress (client, address, sizeof address, &port));
  g_assert_cmpstr (address, ==, "127.0.0.1");
  g_assert_cmpuint (port, ==, inet_test_server_port (server));
  g_assert_false (InetGetPeerAddress (client, address, 3, NULL));
  g_assert_cmpuint (InetGetLastError (), ==, WSAEFAULT);
  /* the server's peer exists only inside ACCEPT and REJECT */
  g_assert_false (InetGetPeerAddress (server, address, sizeof address, NULL));

  /* traffic */
  g_usleep (20000);
  sent_at = g_get_real_time ();
  inet_test_fill_pattern (payload, sizeof payload, 0);
  g_assert_true (inet_test_send_all (fd, payload, sizeof payload, WAIT));
  {
    guint8 back[sizeof payload];

    g_assert_true (inet_test_recv_exact (fd, back, sizeof back, WAIT));
    g_assert_cmpmem (back, sizeof back, payload, sizeof payload);
  }
  /* the echo is counted just after it went out: it may lag a moment */
  for (guint i = 0; i < 1000; i++)
    {
      g_assert_true (InetGetClientStats (client, &stats));
      if (stats.nBytesOut == sizeof payload)
        break;
      g_usleep (1000);
    }
  g_assert_cmpuint (stats.nBytesIn, ==, sizeof payload);
  g_assert_cmpuint (stats.nBytesOut, ==, sizeof payload);
  g_assert_cmpint ((gint64) stats.nLastActivity, >=, sent_at - 50000);
  g_assert_true (InetSetBlocking (client, FALSE));
  g_assert_true (InetGetClientStats (client, &stats));
  g_assert_cmpuint (stats.dwFlags, ==, INET_CLIENT_FLAG_NONBLOCKING);
  g_assert_true (InetSetBlocking (client, TRUE));

  /* a second client that leaves: its bytes stay in the server's counts */
  fd2 = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  second = inet_test_recorder_client (f->rec, 1);
  g_assert_cmpuint (InetGetClientId (second), ==, 2);
  g_assert_true (inet_test_send_all (fd2, payload, 500, WAIT));
  g_assert_true (inet_test_recv_exact (fd2, payload, 500, WAIT));
  g_assert_true (InetGetServerStats (server, &sstats));
  g_assert_cmpuint (sstats.nActive, ==, 2);
  g_assert_cmpuint (sstats.nPeak, ==, 2);
  close (fd2);
  g_assert_true (inet_test_recorder_wait_full (f->rec, second, INET_EVENT_DISCONNECT, 1, TRUE,
                                               WAIT));
  for (guint i = 0; i < 1000; i++)
    {
      g_assert_true (InetGetServerStats (server, &sstats));
      if (sstats.nActive == 1 && sstats.nBytesOut == 1500)
        break;
      g_usleep (1000);
    }
  g_assert_cmpuint (sstats.nActive, ==, 1);
  g_assert_cmpuint (sstats.nPeak, ==, 2);
  g_assert_cmpuint (sstats.nAccepted, ==, 2);
  g_assert_cmpuint (sstats.nRejected, ==, 0);
  g_assert_cmpuint (sstats.nBytesIn, ==, 1500);
  g_assert_cmpuint (sstats.nBytesOut, ==, 1500);

  close (fd);
  inet_test_recorder_stop (f->rec);
}

/* ------------------------------------------------------------ enumerate */

static void
test_enumerate (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, handles[8] = { 0 }, expected[3];
  int fds[3];
  INT n;

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  g_assert_cmpint (InetEnumServerClients (server, handles, 8), ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      fds[i] = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
      expected[i] = inet_test_recorder_client (f->rec, i);
    }
  n = InetEnumServerClients (server, handles, 8);
  g_assert_cmpint (n, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < 3; j++)
        found |= handles[j] == expected[i];
      g_assert_true (found);
    }
  /* counting only, and a short array */
  g_assert_cmpint (InetEnumServerClients (server, NULL, 0), ==, 3);
  memset (handles, 0, sizeof handles);
  g_assert_cmpint (InetEnumServerClients (server, handles, 1), ==, 3);
  g_assert_true (handles[0] == expected[0] || handles[0] == expected[1]
                 || handles[0] == expected[2]);
  g_assert_cmpuint (handles[1], ==, 0);

  close (fds[1]);
  g_assert_true (inet_test_recorder_wait_full (f->rec, expected[1], INET_EVENT_DISCONNECT, 1,
                                               TRUE, WAIT));
  for (guint i = 0; i < 1000 && InetEnumServerClients (server, NULL, 0) != 2; i++)
    g_usleep (1000);
  n = InetEnumServerClients (server, handles, 8);
  g_assert_cmpint (n, ==, 2);
  for (INT i = 0; i < n; i++)
    g_assert_cmpuint (handles[i], !=, expected[1]);
  g_assert_cmpint (InetEnumServerClients (expected[0], handles, 8), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);

  close (fds[0]);
  close (fds[2]);
  inet_test_recorder_stop (f->rec);
}

/* ------------------------------------------------------------ bandwidth */

/* Rates are measured on the engine's own counters (bytes it handed to or
 * took from the kernel), over a second, after a warm-up. A limit is an
 * upper bound: the tests assert the rate stays under twice the limit plus
 * a burst, which holds however loaded the machine is. A live change: a
 * transfer runs under a high limit, the low one is set while it runs and
 * must hold (a change that did not take effect leaves the high rate, far
 * above it), then the limit is lifted and the transfer must complete. No
 * assertion times the engine's speed: how fast it goes under the high
 * limit is only reported (a loaded machine starves it). */
#define HIGH  4000000.0  /* bytes/s */
#define LOW   50000.0
#define SLACK 65536.0    /* bucket burst, read-ahead buffer, timer slop */
/* Bytes each test moves: at most about 6 MB can pass the two phases */
#define TRANSFER (32 * 1024 * 1024)

/* Reads everything from a socket in the background and counts it. */
typedef struct
{
  int fd;
  gint64 bytes;      /* atomic */
  gint stop;         /* atomic */
  InetTestThread *thread;
} Counter;

static gpointer
counter_thread (gpointer data)
{
  Counter *c = data;
  guint8 *buffer = g_malloc (65536);

  while (!g_atomic_int_get (&c->stop))
    {
      gssize n = inet_test_recv (c->fd, buffer, 65536, 50);

      if (n > 0)
        g_atomic_pointer_add (&c->bytes, n);
      else if (n == 0 || errno != ETIMEDOUT)
        break;
    }
  g_free (buffer);
  return NULL;
}

static void
counter_start (Counter *c, int fd)
{
  c->fd = fd;
  c->bytes = 0;
  c->stop = 0;
  c->thread = inet_test_thread_start (counter_thread, c);
}

static gint64
counter_get (Counter *c)
{
  return (gint64) g_atomic_pointer_get (&c->bytes);
}

static void
counter_stop (Counter *c)
{
  g_atomic_int_set (&c->stop, 1);
  g_assert_true (inet_test_thread_wait (c->thread, WAIT));
  inet_test_thread_join (c->thread);
}

typedef struct
{
  SOCKET clients[2];
  guint n_clients;
  gboolean in;       /* nBytesIn, else nBytesOut */
} Meter;

static gint64
meter_get (Meter *m)
{
  gint64 total = 0;

  for (guint i = 0; i < m->n_clients; i++)
    {
      INETCLIENTSTATS stats = { .dwSize = sizeof stats };

      g_assert_true (InetGetClientStats (m->clients[i], &stats));
      total += (gint64) (m->in ? stats.nBytesIn : stats.nBytesOut);
    }
  return total;
}

/* Bytes per second over a second, after a warm-up of 300 ms. */
static double
meter_rate (Meter *m)
{
  gint64 start, first;

  g_usleep (300000);
  start = g_get_monotonic_time ();
  first = meter_get (m);
  g_usleep (G_USEC_PER_SEC);
  return (double) (meter_get (m) - first) * G_USEC_PER_SEC
         / (double) (g_get_monotonic_time () - start);
}

static void
assert_fast_then_slow (Meter *m, void (*set_low) (gpointer data), gpointer data)
{
  double fast, slow;

  fast = meter_rate (m);
  g_test_message ("rate %.0f B/s under a limit of %.0f B/s", fast, HIGH);
  g_assert_cmpfloat (fast, <=, 2 * HIGH + SLACK);

  set_low (data);
  slow = meter_rate (m);
  g_test_message ("rate %.0f B/s under a limit of %.0f B/s", slow, LOW);
  g_assert_cmpfloat (slow, <=, 2 * LOW + SLACK);
  /* the limits held it back: far from done (a limit that is not applied
   * would have let it all through already) */
  g_assert_cmpint (meter_get (m), <, TRANSFER / 2);
}

typedef struct
{
  SOCKET client;
  guint8 *data;
  gsize size;
  INT result;
} Writer;

static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;

  w->result = InetWrite (w->client, w->data, (INT) w->size);
  return NULL;
}

static void
client_write_low (gpointer data)
{
  g_assert_true (InetSetClientBandwidth ((SOCKET) data, INET_BANDWIDTH_UNCHANGED, (DWORD) LOW));
}

static void
test_bandwidth_client_write (InetTestFixture *f, gconstpointer data)
{
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };
  Writer w = { 0 };
  Meter m = { .n_clients = 1, .in = FALSE };
  Counter c;
  InetTestThread *thread;
  SOCKET server;
  int fd;

  w.size = TRANSFER;
  w.data = g_malloc0 (w.size);
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  w.client = m.clients[0] = inet_test_recorder_client (f->rec, 0);
  g_assert_true (InetSetClientBandwidth (w.client, INET_BANDWIDTH_UNCHANGED, (DWORD) HIGH));
  g_assert_true (InetGetClientStats (w.client, &stats));
  g_assert_cmpuint (stats.dwWriteLimit, ==, (DWORD) HIGH);
  g_assert_cmpuint (stats.dwReadLimit, ==, 0);

  counter_start (&c, fd);
  thread = inet_test_thread_start (writer_thread, &w);
  /* the blocked write slows down when the limit drops */
  assert_fast_then_slow (&m, client_write_low, (gpointer) w.client);
  g_assert_true (InetGetClientStats (w.client, &stats));
  g_assert_cmpuint (stats.dwWriteLimit, ==, (DWORD) LOW);

  /* unlimited: the rest goes through */
  g_assert_true (InetSetClientBandwidth (w.client, INET_BANDWIDTH_UNCHANGED, 0));
  g_assert_true (inet_test_thread_wait (thread, 30000));
  inet_test_thread_join (thread);
  g_assert_cmpint (w.result, ==, (INT) w.size);
  for (guint i = 0; i < 10000 && counter_get (&c) < (gint64) w.size; i++)
    g_usleep (1000);
  g_assert_cmpint (counter_get (&c), ==, (gint64) w.size);
  counter_stop (&c);
  close (fd);
  inet_test_recorder_stop (f->rec);
  g_free (w.data);
}

static void
discard_reads (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  BYTE buffer[65536];

  if (event == INET_EVENT_READ)
    InetRead (handle, buffer, sizeof buffer);
}

typedef struct
{
  int fd;
  gsize size;
  gboolean ok;
} Sender;

static gpointer
sender_thread (gpointer data)
{
  Sender *s = data;
  guint8 *payload = g_malloc0 (s->size);

  s->ok = inet_test_send_all (s->fd, payload, s->size, 60000);
  g_free (payload);
  return NULL;
}

static void
server_read_default_low (gpointer data)
{
  g_assert_true (InetSetServerBandwidth ((SOCKET) data, (DWORD) LOW, INET_BANDWIDTH_UNCHANGED,
                                         INET_BANDWIDTH_UNCHANGED, INET_BANDWIDTH_UNCHANGED));
}

/* The server's per-client read default, changed live; a client's own
 * limit over it, and back to inheriting it. */
static void
test_bandwidth_read (InetTestFixture *f, gconstpointer data)
{
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };
  Meter m = { .n_clients = 1, .in = TRUE };
  Sender s = { 0 };
  InetTestThread *thread;
  SOCKET server, client;
  DWORD client_read, client_write, total_read, total_write;

  f->rec->handler = discard_reads;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  g_assert_true (InetSetServerBandwidth (server, (DWORD) HIGH, 0, 0, 0));
  g_assert_true (InetGetServerBandwidth (server, &client_read, &client_write, &total_read,
                                         &total_write));
  g_assert_cmpuint (client_read, ==, (DWORD) HIGH);
  g_assert_cmpuint (client_write, ==, 0);
  g_assert_cmpuint (total_read, ==, 0);
  g_assert_cmpuint (total_write, ==, 0);
  s.size = TRANSFER;
  s.fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = m.clients[0] = inet_test_recorder_client (f->rec, 0);
  g_assert_true (InetGetClientStats (client, &stats));
  g_assert_cmpuint (stats.dwReadLimit, ==, (DWORD) HIGH);

  thread = inet_test_thread_start (sender_thread, &s);
  assert_fast_then_slow (&m, server_read_default_low, (gpointer) server);
  g_assert_true (InetGetClientStats (client, &stats));
  g_assert_cmpuint (stats.dwReadLimit, ==, (DWORD) LOW);
  g_assert_true (InetGetServerBandwidth (server, &client_read, NULL, NULL, NULL));
  g_assert_cmpuint (client_read, ==, (DWORD) LOW);

  /* the client's own limit (0 = unlimited) wins over the default... */
  g_assert_true (InetSetClientBandwidth (client, 0, INET_BANDWIDTH_UNCHANGED));
  g_assert_true (InetGetClientStats (client, &stats));
  g_assert_cmpuint (stats.dwReadLimit, ==, 0);
  g_assert_true (inet_test_thread_wait (thread, 60000));
  inet_test_thread_join (thread);
  g_assert_true (s.ok);
  for (guint i = 0; i < 10000 && meter_get (&m) < (gint64) s.size; i++)
    g_usleep (1000);
  g_assert_cmpint (meter_get (&m), ==, (gint64) s.size);
  /* ...until it follows the server again */
  g_assert_true (InetSetClientBandwidth (client, INET_BANDWIDTH_INHERIT, INET_BANDWIDTH_UNCHANGED));
  g_assert_true (InetGetClientStats (client, &stats));
  g_assert_cmpuint (stats.dwReadLimit, ==, (DWORD) LOW);

  close (s.fd);
  inet_test_recorder_stop (f->rec);
}

static void
server_total_write_low (gpointer data)
{
  g_assert_true (InetSetServerBandwidth ((SOCKET) data, INET_BANDWIDTH_UNCHANGED,
                                         INET_BANDWIDTH_UNCHANGED, INET_BANDWIDTH_UNCHANGED,
                                         (DWORD) LOW));
}

/* The server's total: all its clients together. */
static void
test_bandwidth_server_total (InetTestFixture *f, gconstpointer data)
{
  Writer w[2] = { 0 };
  Meter m = { .n_clients = 2, .in = FALSE };
  Counter c[2];
  InetTestThread *threads[2];
  SOCKET server;
  DWORD total_write;
  int fds[2];

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  g_assert_true (InetSetServerBandwidth (server, INET_BANDWIDTH_UNCHANGED,
                                         INET_BANDWIDTH_UNCHANGED, INET_BANDWIDTH_UNCHANGED,
                                         (DWORD) HIGH));
  g_assert_true (InetGetServerBandwidth (server, NULL, NULL, NULL, &total_write));
  g_assert_cmpuint (total_write, ==, (DWORD) HIGH);
  for (guint i = 0; i < 2; i++)
    {
      fds[i] = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
      w[i].client = m.clients[i] = inet_test_recorder_client (f->rec, i);
      w[i].size = TRANSFER / 2;
      w[i].data = g_malloc0 (w[i].size);
      counter_start (&c[i], fds[i]);
    }
  for (guint i = 0; i < 2; i++)
    threads[i] = inet_test_thread_start (writer_thread, &w[i]);
  assert_fast_then_slow (&m, server_total_write_low, (gpointer) server);

  g_assert_true (InetSetServerBandwidth (server, INET_BANDWIDTH_UNCHANGED,
                                         INET_BANDWIDTH_UNCHANGED, INET_BANDWIDTH_UNCHANGED, 0));
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (inet_test_thread_wait (threads[i], 30000));
      inet_test_thread_join (threads[i]);
      g_assert_cmpint (w[i].result, ==, (INT) w[i].size);
    }
  for (guint i = 0; i < 2; i++)
    {
      for (guint j = 0; j < 10000 && counter_get (&c[i]) < (gint64) w[i].size; j++)
        g_usleep (1000);
      g_assert_cmpint (counter_get (&c[i]), ==, (gint64) w[i].size);
      counter_stop (&c[i]);
      close (fds[i]);
      g_free (w[i].data);
    }
  inet_test_recorder_stop (f->rec);
}

int
main (int argc, char **argv)
{
  inet_test_init (&argc, &argv);
  INET_TEST_ADD ("/engine/io/read-peek-readable", test_read_peek_readable);
  INET_TEST_ADD ("/engine/io/read-timeout-in-handler", test_read_timeout_in_handler);
  INET_TEST_ADD ("/engine/io/write-writable", test_write_writable);
  INET_TEST_ADD ("/engine/io/counters", test_counters);
  INET_TEST_ADD ("/engine/io/enumerate", test_enumerate);
  INET_TEST_ADD ("/engine/io/bandwidth-client-write", test_bandwidth_client_write);
  INET_TEST_ADD ("/engine/io/bandwidth-read", test_bandwidth_read);
  INET_TEST_ADD ("/engine/io/bandwidth-server-total", test_bandwidth_server_total);
  return g_test_run ();
}
