/* test-engine-close.c - InetDisconnect and the Winsock close semantics:
 * graceful (every byte, then FIN, even with unread client data), abortive
 * (reset), linger, non-blocking linger, InetShutdown, the handle after
 * close, and blocked calls aborted by a close from another thread.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "inet-test-fixture.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define WAIT    INET_TEST_TIMEOUT_MS
#define BIG     (4 * 1024 * 1024)
#define UNREAD  (1024 * 1024)
/* More than the path to a client that does not read can hold (the
 * server's send buffer grows up to 4 MiB; those clients keep a small
 * receive buffer), so such writes block. */
#define FILL    (16 * 1024 * 1024)

static guint8 *
pattern_buffer (gsize size)
{
  guint8 *buffer = g_malloc (size);

  inet_test_fill_pattern (buffer, size, 0);
  return buffer;
}

/* The client sends up to `max` bytes the server will never read, as much
 * as the buffers take. Returns how many. */
static gsize
send_unread (int fd, gsize max)
{
  static guint8 junk[65536];
  gsize sent = 0;
  guint stalls = 0;

  while (sent < max && stalls < 20)
    {
      gsize n = inet_test_send_some (fd, junk, MIN (sizeof junk, max - sent));

      if (n == 0)
        {
          stalls++;
          g_usleep (10000);
        }
      sent += n;
    }
  return sent;
}

/* --------------------------------------------------------- client reader */

typedef struct
{
  int fd;
  guint delay_ms;       /* wait before reading */
  gsize bytes;
  gboolean pattern_ok;
  int end;              /* 0 = EOF, else errno */
} Reader;

static gpointer
reader_thread (gpointer data)
{
  Reader *r = data;
  guint8 *buffer = g_malloc (65536);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  if (r->delay_ms)
    g_usleep (r->delay_ms * 1000);
  r->pattern_ok = TRUE;
  for (;;)
    {
      gssize n = inet_test_recv (r->fd, buffer, 65536,
                                 (guint) MAX (0, (deadline - g_get_monotonic_time ()) / 1000));

      if (n <= 0)
        {
          r->end = n == 0 ? 0 : errno;
          break;
        }
      if (!inet_test_check_pattern (buffer, (gsize) n, r->bytes))
        r->pattern_ok = FALSE;
      r->bytes += (gsize) n;
    }
  g_free (buffer);
  return NULL;
}

static InetTestThread *
reader_start (Reader *r, int fd, guint delay_ms)
{
  memset (r, 0, sizeof *r);
  r->fd = fd;
  r->delay_ms = delay_ms;
  return inet_test_thread_start (reader_thread, r);
}

static void
reader_finish (InetTestThread *thread)
{
  g_assert_true (inet_test_thread_wait (thread, 30000));
  inet_test_thread_join (thread);
}

/* --------------------------------------------------------------- graceful */

/* 4 MiB written, then InetDisconnect (another thread), while 1 MiB the
 * client sent was never read: every byte arrives, then EOF, no reset. */
static void
test_graceful_delivers_everything (InetTestFixture *f, gconstpointer data)
{
  gboolean late_reader = GPOINTER_TO_INT (data);
  guint8 *big = pattern_buffer (BIG);
  SOCKET server, client;
  InetTestThread *thread = NULL;
  Reader r;
  INT written = 0;
  gsize unread;
  int fd;

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 30, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  unread = send_unread (fd, UNREAD);
  g_test_message ("the client sent %" G_GSIZE_FORMAT " bytes nobody reads", unread);
  g_assert_cmpuint (unread, >, 0);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_READ, 1, WAIT));

  if (late_reader)
    {
      /* queued data only: write what fits without blocking, close, and
       * only then does the client start reading */
      g_assert_true (InetSetBlocking (client, FALSE));
      for (guint i = 0; i < 100 && written < BIG; i++)
        {
          INT n = InetWrite (client, big + written, BIG - written);

          if (n == INET_ERROR)
            {
              g_assert_cmpuint (InetGetLastError (), ==, WSAEWOULDBLOCK);
              break;
            }
          written += n;
        }
      g_assert_cmpint (written, >, 0);
    }
  else
    {
      thread = reader_start (&r, fd, 0);
      written = InetWrite (client, big, BIG);
      g_assert_cmpint (written, ==, BIG);
    }
  g_assert_cmpint (InetDisconnect (client), ==, 0);
  if (late_reader)
    thread = reader_start (&r, fd, 200);
  reader_finish (thread);
  g_test_message ("written %d, received %" G_GSIZE_FORMAT ", end %d", written, r.bytes, r.end);
  g_assert_cmpint (r.end, ==, 0);
  g_assert_cmpuint (r.bytes, ==, (gsize) written);
  g_assert_true (r.pattern_ok);

  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_DISCONNECT, 1, WAIT));
  {
    InetTestEvent ev;

    g_assert_true (inet_test_recorder_get (f->rec, client, INET_EVENT_DISCONNECT, 0, &ev));
    g_assert_cmpuint (ev.close_reason, ==, INET_CLOSE_LOCAL);
  }
  close (fd);
  inet_test_recorder_stop (f->rec);
  g_free (big);
}

/* The same from the client's own handler: write 4 MiB, disconnect, return. */
static void
write_and_close (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  guint8 *big;

  if (event != INET_EVENT_READ || inet_test_recorder_count (rec, handle, INET_EVENT_READ) != 1)
    return;
  big = pattern_buffer (BIG);
  if (InetWrite (handle, big, BIG) != BIG)
    inet_test_recorder_problem (rec, "InetWrite in READ: error %u", InetGetLastError ());
  if (InetDisconnect (handle) != 0)
    inet_test_recorder_problem (rec, "InetDisconnect in READ: error %u", InetGetLastError ());
  g_free (big);
}

static void
test_graceful_from_handler (InetTestFixture *f, gconstpointer data)
{
  SOCKET server;
  InetTestThread *thread;
  Reader r;
  int fd;

  f->rec->handler = write_and_close;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 30, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  thread = reader_start (&r, fd, 0);
  g_assert_cmpuint (send_unread (fd, UNREAD), >, 0);
  reader_finish (thread);
  g_assert_cmpint (r.end, ==, 0);
  g_assert_cmpuint (r.bytes, ==, BIG);
  g_assert_true (r.pattern_ok);
  g_assert_true (inet_test_recorder_wait (f->rec, 0, INET_EVENT_DISCONNECT, 1, WAIT));
  close (fd);
  inet_test_recorder_stop (f->rec);
}

/* --------------------------------------------------------------- abortive */

typedef enum
{
  ABORT_EX,          /* InetDisconnectEx (INET_DISCONNECT_ABORT) */
  ABORT_LINGER_0,    /* InetSetLinger (client, TRUE, 0) + InetDisconnect */
  ABORT_SERVER_LINGER_0, /* server default linger 0, then InetServerStop */
} AbortKind;

static void
test_abortive (InetTestFixture *f, gconstpointer data)
{
  AbortKind kind = GPOINTER_TO_INT (data);
  SOCKET server, client;
  BOOL linger;
  UINT seconds;
  int fd;

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  if (kind == ABORT_SERVER_LINGER_0)
    {
      g_assert_true (InetSetLinger (server, TRUE, 0));
      g_assert_true (InetGetLinger (server, &linger, &seconds));
      g_assert_true (linger);
      g_assert_cmpuint (seconds, ==, 0);
    }
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  g_assert_true (InetGetLinger (client, &linger, &seconds));
  /* default: no linger; a client takes the server's default */
  g_assert_cmpint (linger, ==, kind == ABORT_SERVER_LINGER_0);
  g_assert_cmpint (InetWrite (client, (LPCBYTE) "unsent?", 7), ==, 7);

  switch (kind)
    {
    case ABORT_EX:
      g_assert_cmpint (InetDisconnectEx (client, INET_DISCONNECT_ABORT), ==, 0);
      break;
    case ABORT_LINGER_0:
      g_assert_true (InetSetLinger (client, TRUE, 0));
      g_assert_true (InetGetLinger (client, &linger, &seconds));
      g_assert_true (linger);
      g_assert_cmpuint (seconds, ==, 0);
      g_assert_cmpint (InetDisconnect (client), ==, 0);
      break;
    case ABORT_SERVER_LINGER_0:
      inet_test_recorder_stop (f->rec);
      break;
    }
  g_assert_cmpint (inet_test_recv_end (fd), ==, ECONNRESET);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_DISCONNECT, 1, WAIT));
  if (kind != ABORT_SERVER_LINGER_0)
    {
      InetTestEvent ev;

      g_assert_true (inet_test_recorder_get (f->rec, client, INET_EVENT_DISCONNECT, 0, &ev));
      g_assert_cmpuint (ev.close_reason, ==, kind == ABORT_EX ? INET_CLOSE_ABORT
                                                              : INET_CLOSE_LOCAL);
      inet_test_recorder_stop (f->rec);
    }
  close (fd);
}

/* ----------------------------------------------------------------- linger */

/* Fills the path to a client that does not read; returns the bytes written. */
static INT
fill_unread (SOCKET client, const guint8 *fill)
{
  INT written = 0;

  g_assert_true (InetSetBlocking (client, FALSE));
  for (guint i = 0; i < 1000 && written < FILL; i++)
    {
      INT n = InetWrite (client, fill + written, FILL - written);

      if (n == INET_ERROR)
        {
          g_assert_cmpuint (InetGetLastError (), ==, WSAEWOULDBLOCK);
          break;
        }
      written += n;
    }
  g_assert_cmpint (written, >, 0);
  g_assert_cmpint (written, <, FILL);
  return written;
}

/* Linger N on a blocking handle, the client reads: the call returns once
 * everything was acknowledged (well before N), the client gets it all. */
static void
test_linger_blocking_delivered (InetTestFixture *f, gconstpointer data)
{
  guint8 *big = pattern_buffer (BIG);
  SOCKET server, client;
  InetTestThread *thread;
  gint64 start;
  Reader r;
  int fd;

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 30, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  g_assert_true (InetSetLinger (client, TRUE, 20));
  thread = reader_start (&r, fd, 0);
  g_assert_cmpint (InetWrite (client, big, BIG), ==, BIG);
  start = g_get_monotonic_time ();
  g_assert_cmpint (InetDisconnect (client), ==, 0);
  /* it waited for the acknowledgements, not for the 20 s */
  g_assert_cmpint (inet_test_ms_since (start), <, 15000);
  reader_finish (thread);
  g_assert_cmpint (r.end, ==, 0);
  g_assert_cmpuint (r.bytes, ==, BIG);
  g_assert_true (r.pattern_ok);
  close (fd);
  inet_test_recorder_stop (f->rec);
  g_free (big);
}

/* Linger N on a blocking handle, the client does not read: the call waits
 * the N seconds, then the connection is reset. */
static void
test_linger_blocking_expires (InetTestFixture *f, gconstpointer data)
{
  guint8 *big = pattern_buffer (FILL);
  SOCKET server, client;
  gint64 start;
  int fd;

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 30, INET_OPTION_NONE);
  fd = inet_test_connect_non_reader (inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  fill_unread (client, big);
  g_assert_true (InetSetBlocking (client, TRUE));
  g_assert_true (InetSetLinger (client, TRUE, 1));
  start = g_get_monotonic_time ();
  g_assert_cmpint (InetDisconnect (client), ==, 0);
  g_assert_cmpint (inet_test_ms_since (start), >=, 950);
  g_assert_cmpint (inet_test_recv_end (fd), ==, ECONNRESET);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_DISCONNECT, 1, WAIT));
  close (fd);
  inet_test_recorder_stop (f->rec);
  g_free (big);
}

/* Linger N on a non-blocking handle with unsent data: WSAEWOULDBLOCK, the
 * handle stays open and valid, a retry after the client drained succeeds. */
static void
test_linger_nonblocking (InetTestFixture *f, gconstpointer data)
{
  gboolean switch_to_abort = GPOINTER_TO_INT (data);
  guint8 *big = pattern_buffer (FILL);
  SOCKET server, client;
  InetTestThread *thread;
  Reader r;
  INT written;
  INT rc = INET_ERROR;
  int fd;

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 30, INET_OPTION_NONE);
  fd = inet_test_connect_non_reader (inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  written = fill_unread (client, big);
  g_assert_true (InetSetLinger (client, TRUE, 5));
  g_assert_cmpint (InetDisconnect (client), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAEWOULDBLOCK);

  /* still open and valid */
  g_assert_cmpuint (InetGetClientId (client), ==, 1);
  g_assert_false (InetIsWritable (client, 0));
  g_assert_cmpuint (InetGetLastError (), ==, 0);
  g_assert_cmpint (InetWrite (client, big, 1), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAEWOULDBLOCK);
  g_usleep (100000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_DISCONNECT), ==, 0);

  if (switch_to_abort)
    {
      g_assert_true (InetSetLinger (client, TRUE, 0));
      g_assert_cmpint (InetDisconnect (client), ==, 0);
      g_assert_cmpint (inet_test_recv_end (fd), ==, ECONNRESET);
    }
  else
    {
      thread = reader_start (&r, fd, 0);
      for (guint i = 0; i < 500 && rc != 0; i++)
        {
          rc = InetDisconnect (client);
          if (rc != 0)
            {
              g_assert_cmpuint (InetGetLastError (), ==, WSAEWOULDBLOCK);
              g_usleep (10000);
            }
        }
      g_assert_cmpint (rc, ==, 0);
      reader_finish (thread);
      g_assert_cmpint (r.end, ==, 0);
      g_assert_cmpuint (r.bytes, ==, (gsize) written);
      g_assert_true (r.pattern_ok);
    }
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_DISCONNECT, 1, WAIT));
  close (fd);
  inet_test_recorder_stop (f->rec);
  g_free (big);
}

/* --------------------------------------------------------------- shutdown */

static void
test_shutdown (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, client;
  BYTE buffer[16];
  int fd;

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);

  g_assert_cmpint (InetShutdown (client, 7), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAEINVAL);

  g_assert_cmpint (InetWrite (client, (LPCBYTE) "last", 4), ==, 4);
  g_assert_cmpint (InetShutdown (client, INET_SHUTDOWN_WRITE), ==, 0);
  /* the client sees the data, then FIN */
  g_assert_true (inet_test_recv_exact (fd, buffer, 4, WAIT));
  g_assert_cmpmem (buffer, 4, "last", 4);
  g_assert_cmpint (inet_test_recv_end (fd), ==, 0);
  /* no more writing; the handle stays open and reading works */
  g_assert_cmpint (InetWrite (client, (LPCBYTE) "x", 1), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAESHUTDOWN);
  g_assert_false (InetIsWritable (client, 0));
  g_assert_true (inet_test_send_all (fd, "reply", 5, WAIT));
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_READ, 1, WAIT));
  g_assert_cmpint (InetRead (client, buffer, sizeof buffer), ==, 5);
  g_assert_cmpmem (buffer, 5, "reply", 5);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_DISCONNECT), ==, 0);

  /* the client closes its side too: the session ends */
  close (fd);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_DISCONNECT, 1, WAIT));
  inet_test_recorder_stop (f->rec);
}

static void
test_shutdown_both (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, client;
  int fd;

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  g_assert_cmpint (InetShutdown (client, INET_SHUTDOWN_BOTH), ==, 0);
  g_assert_cmpint (inet_test_recv_end (fd), ==, 0);
  g_assert_cmpint (InetWrite (client, (LPCBYTE) "x", 1), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAESHUTDOWN);
  /* still a handle: getters work, InetDisconnect ends it once */
  g_assert_cmpuint (InetGetClientId (client), ==, 1);
  g_assert_cmpint (InetDisconnect (client), ==, 0);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_DISCONNECT, 1, WAIT));
  close (fd);
  inet_test_recorder_stop (f->rec);
}

/* InetShutdown (READ): the session stays, writing works. */
static void
test_shutdown_read (InetTestFixture *f, gconstpointer data)
{
  SOCKET server, client;
  BYTE buffer[4];
  int fd;

  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  g_assert_cmpint (InetShutdown (client, INET_SHUTDOWN_READ), ==, 0);
  g_assert_true (inet_test_send_all (fd, "ignored", 7, WAIT));
  g_usleep (300000);
  g_assert_cmpuint (inet_test_recorder_count (f->rec, client, INET_EVENT_DISCONNECT), ==, 0);
  g_assert_cmpuint (InetGetClientId (client), ==, 1);
  g_assert_cmpint (InetWrite (client, (LPCBYTE) "w", 1), ==, 1);
  g_assert_true (inet_test_recv_exact (fd, buffer, 1, WAIT));
  g_assert_cmpint (buffer[0], ==, 'w');
  g_assert_cmpint (InetDisconnect (client), ==, 0);
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_DISCONNECT, 1, WAIT));
  close (fd);
  inet_test_recorder_stop (f->rec);
}

/* -------------------------------------------------------- the handle after */

typedef struct
{
  InetTestGate in_disconnect;
  InetTestGate release;
  INT io_result;
  DWORD io_error;
} HeldDisconnect;

static void
hold_disconnect (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  HeldDisconnect *h = rec->user_data;
  BYTE b;

  if (event != INET_EVENT_DISCONNECT)
    return;
  h->io_result = InetRead (handle, &b, 1);
  h->io_error = InetGetLastError ();
  inet_test_gate_set (&h->in_disconnect, 1);
  inet_test_gate_wait (&h->release, 1, WAIT);
}

static void
test_handle_after_disconnect (InetTestFixture *f, gconstpointer data)
{
  HeldDisconnect h = { 0 };
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };
  SOCKET server, client;
  char address[64];
  BYTE b;
  int fd;

  inet_test_gate_init (&h.in_disconnect);
  inet_test_gate_init (&h.release);
  f->rec->handler = hold_disconnect;
  f->rec->user_data = &h;
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect ("127.0.0.1", inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  g_assert_true (inet_test_send_all (fd, "pending", 7, WAIT));
  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_READ, 1, WAIT));

  g_assert_cmpint (InetDisconnect (client), ==, 0);
  /* I/O fails at once, with data still pending */
  g_assert_cmpint (InetRead (client, &b, 1), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  g_assert_cmpint (InetWrite (client, &b, 1), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  g_assert_cmpint (InetPeek (client, NULL, 0), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  g_assert_false (InetIsReadable (client, 0));
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  g_assert_false (InetIsWritable (client, 0));
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  g_assert_cmpint (InetShutdown (client, INET_SHUTDOWN_WRITE), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  g_assert_cmpint (InetDisconnect (client), ==, INET_ERROR);
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);

  /* getters work until the DISCONNECT handler returned */
  g_assert_true (inet_test_gate_wait (&h.in_disconnect, 1, WAIT));
  g_assert_cmpint (h.io_result, ==, INET_ERROR);
  g_assert_cmpuint (h.io_error, ==, WSAENOTSOCK);
  g_assert_cmpuint (InetGetClientId (client), ==, 1);
  g_assert_true (InetGetClientStats (client, &stats));
  g_assert_cmpuint (stats.dwCloseReason, ==, INET_CLOSE_LOCAL);
  g_assert_true (InetGetPeerAddress (client, address, sizeof address, NULL));
  g_assert_cmpstr (address, ==, "127.0.0.1");
  g_assert_cmpuint (InetGetClientServer (client), ==, server);

  inet_test_gate_set (&h.release, 1);
  g_assert_true (inet_test_recorder_wait_full (f->rec, client, INET_EVENT_DISCONNECT, 1, TRUE,
                                               WAIT));
  for (guint i = 0; i < 1000 && InetGetClientId (client) != 0; i++)
    g_usleep (1000);
  g_assert_cmpuint (InetGetClientId (client), ==, 0);
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  g_assert_false (InetGetClientStats (client, &stats));
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  g_assert_false (InetGetPeerAddress (client, address, sizeof address, NULL));
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);
  g_assert_false (InetSetClientData (client, 1));
  g_assert_cmpuint (InetGetLastError (), ==, WSAENOTSOCK);

  close (fd);
  inet_test_recorder_stop (f->rec);
  inet_test_gate_clear (&h.in_disconnect);
  inet_test_gate_clear (&h.release);
}

/* ---------------------------------------------- blocked calls are aborted */

typedef enum
{
  BLOCKED_READ,
  BLOCKED_WRITE,
  BLOCKED_IS_READABLE,
  BLOCKED_IS_WRITABLE,
} BlockedKind;

typedef struct
{
  BlockedKind kind;
  SOCKET client;
  guint8 *big;
  INT result;
  DWORD error;
  InetTestGate done;
} Blocked;

static void
blocked_call (Blocked *b)
{
  BYTE buffer[64];

  switch (b->kind)
    {
    case BLOCKED_READ:
      b->result = InetRead (b->client, buffer, sizeof buffer);
      break;
    case BLOCKED_WRITE:
      b->result = InetWrite (b->client, b->big, FILL);
      break;
    case BLOCKED_IS_READABLE:
      b->result = InetIsReadable (b->client, 60000);
      break;
    case BLOCKED_IS_WRITABLE:
      b->result = InetIsWritable (b->client, 60000);
      break;
    }
  b->error = InetGetLastError ();
  inet_test_gate_set (&b->done, 1);
}

static gpointer
blocked_thread (gpointer data)
{
  blocked_call (data);
  return NULL;
}

static void
blocked_in_connect (InetTestRecorder *rec, SOCKET handle, UINT event, DWORD error)
{
  Blocked *b = rec->user_data;

  if (event != INET_EVENT_CONNECT)
    return;
  b->client = handle;
  blocked_call (b);
}

typedef enum
{
  BY_DISCONNECT,
  BY_STOP,
} AbortBy;

typedef struct
{
  BlockedKind kind;
  gboolean own_thread;   /* blocked in the client's CONNECT handler */
  AbortBy by;
} AbortCase;

static void
test_blocked_call_aborted (InetTestFixture *f, gconstpointer data)
{
  const AbortCase *c = data;
  Blocked b = { .kind = c->kind };
  InetTestThread *thread = NULL;
  SOCKET server, client;
  int fd;

  inet_test_gate_init (&b.done);
  b.big = pattern_buffer (FILL);
  if (c->own_thread)
    {
      f->rec->handler = blocked_in_connect;
      f->rec->user_data = &b;
    }
  /* no timeout: only the close can end these calls */
  server = inet_test_fixture_start (f, "127.0.0.1", 0, 0, INET_OPTION_NONE);
  fd = inet_test_connect_non_reader (inet_test_server_port (server));
  client = inet_test_recorder_client (f->rec, 0);
  if (c->kind == BLOCKED_IS_WRITABLE)
    {
      /* fill the path first (the client never reads) */
      g_assert_false (c->own_thread);
      fill_unread (client, b.big);
      g_assert_true (InetSetBlocking (client, TRUE));
    }
  if (!c->own_thread)
    {
      b.client = client;
      thread = inet_test_thread_start (blocked_thread, &b);
    }
  /* it stays blocked... */
  g_assert_false (inet_test_gate_wait (&b.done, 1, 300));

  /* ...until the handle is closed from here */
  if (c->by == BY_DISCONNECT)
    g_assert_cmpint (InetDisconnect (client), ==, 0);
  else
    g_assert_true (InetServerStop (server));
  g_assert_true (inet_test_gate_wait (&b.done, 1, WAIT));
  if (c->kind == BLOCKED_IS_READABLE || c->kind == BLOCKED_IS_WRITABLE)
    g_assert_false (b.result);
  else
    g_assert_cmpint (b.result, ==, INET_ERROR);
  g_assert_cmpuint (b.error, ==, WSA_OPERATION_ABORTED);
  if (thread != NULL)
    inet_test_thread_join (thread);

  g_assert_true (inet_test_recorder_wait (f->rec, client, INET_EVENT_DISCONNECT, 1, WAIT));
  if (c->by == BY_DISCONNECT)
    inet_test_recorder_stop (f->rec);
  close (fd);
  g_free (b.big);
  inet_test_gate_clear (&b.done);
}

int
main (int argc, char **argv)
{
  static const struct
  {
    const char *name;
    AbortCase c;
  } aborts[] = {
    { "read-other-thread", { BLOCKED_READ, FALSE, BY_DISCONNECT } },
    { "read-own-thread", { BLOCKED_READ, TRUE, BY_DISCONNECT } },
    { "write-other-thread", { BLOCKED_WRITE, FALSE, BY_DISCONNECT } },
    { "write-own-thread", { BLOCKED_WRITE, TRUE, BY_DISCONNECT } },
    { "is-readable-other-thread", { BLOCKED_IS_READABLE, FALSE, BY_DISCONNECT } },
    { "is-readable-own-thread", { BLOCKED_IS_READABLE, TRUE, BY_DISCONNECT } },
    { "is-writable-other-thread", { BLOCKED_IS_WRITABLE, FALSE, BY_DISCONNECT } },
    { "read-other-thread-by-stop", { BLOCKED_READ, FALSE, BY_STOP } },
    { "read-own-thread-by-stop", { BLOCKED_READ, TRUE, BY_STOP } },
    { "write-other-thread-by-stop", { BLOCKED_WRITE, FALSE, BY_STOP } },
  };

  inet_test_init (&argc, &argv);
  INET_TEST_ADD_DATA ("/engine/close/graceful-delivers-everything", GINT_TO_POINTER (FALSE),
                      test_graceful_delivers_everything);
  INET_TEST_ADD_DATA ("/engine/close/graceful-delivers-queued", GINT_TO_POINTER (TRUE),
                      test_graceful_delivers_everything);
  INET_TEST_ADD ("/engine/close/graceful-from-handler", test_graceful_from_handler);
  INET_TEST_ADD_DATA ("/engine/close/abort-ex", GINT_TO_POINTER (ABORT_EX), test_abortive);
  INET_TEST_ADD_DATA ("/engine/close/abort-linger-0", GINT_TO_POINTER (ABORT_LINGER_0),
                      test_abortive);
  INET_TEST_ADD_DATA ("/engine/close/abort-server-linger-0",
                      GINT_TO_POINTER (ABORT_SERVER_LINGER_0), test_abortive);
  INET_TEST_ADD ("/engine/close/linger-blocking-delivered", test_linger_blocking_delivered);
  INET_TEST_ADD ("/engine/close/linger-blocking-expires", test_linger_blocking_expires);
  INET_TEST_ADD_DATA ("/engine/close/linger-nonblocking-retry", GINT_TO_POINTER (FALSE),
                      test_linger_nonblocking);
  INET_TEST_ADD_DATA ("/engine/close/linger-nonblocking-then-abort", GINT_TO_POINTER (TRUE),
                      test_linger_nonblocking);
  INET_TEST_ADD ("/engine/close/shutdown-write", test_shutdown);
  INET_TEST_ADD ("/engine/close/shutdown-both", test_shutdown_both);
  INET_TEST_ADD ("/engine/close/shutdown-read", test_shutdown_read);
  INET_TEST_ADD ("/engine/close/handle-after-disconnect", test_handle_after_disconnect);
  for (guint i = 0; i < G_N_ELEMENTS (aborts); i++)
    {
      char *path = g_strdup_printf ("/engine/close/blocked-aborted/%s", aborts[i].name);

      INET_TEST_ADD_DATA (path, &aborts[i].c, test_blocked_call_aborted);
      g_free (path);
    }
  return g_test_run ();
}
