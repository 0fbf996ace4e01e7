/* test-tls-io.c - I/O on TLS sessions: data arrives byte-identical in
 * both directions, small and large, blocking and non-blocking; buffered
 * TLS data counts as readable; graceful close sends close_notify, an
 * abortive one does not; and a write to a reset client from an
 * application thread never raises SIGPIPE.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "tls-test-util.h"

#include <openssl/err.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

typedef TlsCertFixture Fixture;

/* ------------------------------------------------------------ integrity */

#define ECHO_TOTAL (64u * 1024 * 1024)
#define ECHO_CHUNK (64u * 1024)

static void
test_echo_64mib (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 30);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client = tls_client_open (ctx, server->port, NULL);
  guint8 *out = g_malloc (ECHO_CHUNK);
  guint8 *back = g_malloc (ECHO_CHUNK);
  INETSERVERSTATS stats = { .dwSize = sizeof stats };

  (void) data;
  for (guint64 done = 0; done < ECHO_TOTAL; done += ECHO_CHUNK)
    {
      tls_test_fill_pattern (out, ECHO_CHUNK, done);
      g_assert_true (tls_client_write (client.ssl, out, ECHO_CHUNK));
      g_assert_true (tls_client_read (client.ssl, back, ECHO_CHUNK));
      if (memcmp (out, back, ECHO_CHUNK) != 0)
        g_error ("the echo differs in the chunk at %" G_GUINT64_FORMAT, done);
    }
  tls_client_close (client.ssl, client.fd, TRUE);
  g_assert_true (tls_server_wait (server, &server->disconnects, 1));
  /* the counters count application bytes, not TLS records */
  g_assert_true (InetGetServerStats (server->handle, &stats));
  g_assert_cmpuint (stats.nBytesIn, ==, ECHO_TOTAL);
  g_assert_cmpuint (stats.nBytesOut, ==, ECHO_TOTAL);
  g_free (out);
  g_free (back);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

/* Many small records in one burst: none is left behind inside OpenSSL. */
static void
test_record_burst (Fixture *f, gconstpointer data)
{
  TlsServer *server;
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client;
  GString *sent = g_string_new (NULL);

  (void) data;
  server = tls_server_start (&f->credentials, 30);
  TLS_SERVER_SET (server, on_read, tls_hook_sink);
  client = tls_client_open (ctx, server->port, NULL);
  for (int i = 0; i < 500; i++)
    {
      char record[16];

      g_snprintf (record, sizeof record, "[%04d]", i);
      g_string_append (sent, record);
      g_assert_true (tls_client_write (client.ssl, record, strlen (record)));
    }
  tls_server_wait_received (server, (guint) sent->len);
  tls_server_lock (server);
  g_assert_cmpuint (server->received->len, ==, sent->len);
  g_assert_cmpmem (server->received->data, server->received->len, sent->str, sent->len);
  tls_server_unlock (server);
  tls_client_close (client.ssl, client.fd, TRUE);
  g_string_free (sent, TRUE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

/* ------------------------------------------------ readable and peek */

typedef struct
{
  gboolean done;
  char first[16];
  BOOL readable;
  INT peek_count;
  char peeked[16];
  char rest[16];
} PeekResult;

static void
hook_peek (TlsServer *server, SOCKET client, UINT event)
{
  PeekResult *r = server->data;
  INT n;

  (void) event;
  if (r->done)
    {
      BYTE drain[64];

      InetRead (client, drain, sizeof drain);
      return;
    }
  n = InetRead (client, (LPBYTE) r->first, sizeof r->first - 1);
  r->first[MAX (n, 0)] = '\0';
  /* the second record waits, unprocessed, in OpenSSL's buffer */
  r->readable = InetIsReadable (client, 0);
  r->peek_count = InetPeek (client, NULL, 0);
  n = InetPeek (client, (LPBYTE) r->peeked, sizeof r->peeked - 1);
  r->peeked[MAX (n, 0)] = '\0';
  n = InetRead (client, (LPBYTE) r->rest, sizeof r->rest - 1);
  r->rest[MAX (n, 0)] = '\0';
  tls_server_lock (server);
  r->done = TRUE;
  tls_server_broadcast (server);
  tls_server_unlock (server);
}

static void
test_peek_readable (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 30);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client;
  PeekResult result = { 0 };
  BIO *buffered;

  (void) data;
  TLS_SERVER_SET (server, data, &result);
  TLS_SERVER_SET (server, on_read, hook_peek);
  client = tls_client_open (ctx, server->port, NULL);
  /* two records in one TCP segment */
  buffered = BIO_push (BIO_new (BIO_f_buffer ()), BIO_new_socket (client.fd, BIO_NOCLOSE));
  SSL_set0_wbio (client.ssl, buffered);
  g_assert_true (tls_client_write (client.ssl, "abc", 3));
  g_assert_true (tls_client_write (client.ssl, "defgh", 5));
  g_assert_cmpint (BIO_flush (buffered), ==, 1);

  g_assert_true (tls_server_wait_flag (server, &result.done));
  g_assert_cmpstr (result.first, ==, "abc");
  g_assert_true (result.readable);
  g_assert_cmpint (result.peek_count, ==, 5);
  g_assert_cmpstr (result.peeked, ==, "defgh");
  g_assert_cmpstr (result.rest, ==, "defgh");
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

/* ------------------------------------------------------- server pushes */

#define PUSH_TOTAL (16u * 1024 * 1024)

typedef struct
{
  guint8 *data;
  size_t len;
  size_t sent;
  INT written;                      /* what one blocking InetWrite returned */
  guint short_writes;               /* non-blocking: partial or would-block */
  DWORD failure;
} Push;

static void
hook_push_blocking (TlsServer *server, SOCKET client, UINT event)
{
  Push *push = server->data;
  BYTE command[16];

  (void) event;
  if (InetRead (client, command, sizeof command) <= 0)
    return;
  push->written = InetWrite (client, push->data, (INT) push->len);
  if (push->written == INET_ERROR)
    push->failure = InetGetLastError ();
}

static void
push_some (Push *push, SOCKET client)
{
  while (push->sent < push->len)
    {
      size_t want = MIN (push->len - push->sent, 256 * 1024);
      INT n = InetWrite (client, push->data + push->sent, (INT) want);

      if (n == INET_ERROR)
        {
          if (InetGetLastError () != WSAEWOULDBLOCK)
            push->failure = InetGetLastError ();
          else
            push->short_writes++;
          return; /* INET_EVENT_WRITE comes when it can go on */
        }
      push->sent += (size_t) n;
      if ((size_t) n < want)
        {
          push->short_writes++;
          return;
        }
    }
}

static void
hook_push_connect (TlsServer *server, SOCKET client, UINT event)
{
  (void) server, (void) event;
  g_assert_true (InetSetBlocking (client, FALSE));
}

static void
hook_push_read (TlsServer *server, SOCKET client, UINT event)
{
  Push *push = server->data;
  BYTE command[16];

  (void) event;
  if (InetRead (client, command, sizeof command) > 0)
    push_some (push, client);
}

static void
hook_push_write (TlsServer *server, SOCKET client, UINT event)
{
  (void) event;
  push_some (server->data, client);
}

/* A slow client: small receive buffer, a pause, then reads everything. */
static void
read_pushed (guint port, size_t total)
{
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  int fd = tls_tcp_connect_small (port, 16 * 1024);
  SSL *ssl = tls_client_handshake (ctx, fd, NULL);
  guint8 *chunk = g_malloc (65536);
  guint8 *expected = g_malloc (65536);

  g_assert_nonnull (ssl);
  g_assert_true (tls_client_write (ssl, "go", 2));
  g_usleep (300 * 1000); /* the server's socket fills meanwhile */
  for (size_t done = 0; done < total;)
    {
      size_t n = MIN (total - done, 65536);

      g_assert_true (tls_client_read (ssl, chunk, n));
      tls_test_fill_pattern (expected, n, done);
      if (memcmp (chunk, expected, n) != 0)
        g_error ("pushed data differs at %" G_GSIZE_FORMAT, done);
      done += n;
    }
  tls_client_close (ssl, fd, TRUE);
  g_free (chunk);
  g_free (expected);
  SSL_CTX_free (ctx);
}

static void
test_push_blocking (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 30);
  Push push = { .data = g_malloc (PUSH_TOTAL), .len = PUSH_TOTAL };

  (void) data;
  tls_test_fill_pattern (push.data, push.len, 0);
  TLS_SERVER_SET (server, data, &push);
  TLS_SERVER_SET (server, on_read, hook_push_blocking);
  read_pushed (server->port, PUSH_TOTAL);
  g_assert_true (tls_server_wait (server, &server->disconnects, 1));
  g_assert_cmpint (push.written, ==, (INT) PUSH_TOTAL);
  g_free (push.data);
  tls_server_stop (server);
}

static void
test_push_nonblocking (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 30);
  Push push = { .data = g_malloc (PUSH_TOTAL), .len = PUSH_TOTAL };

  (void) data;
  tls_test_fill_pattern (push.data, push.len, 0);
  TLS_SERVER_SET (server, data, &push);
  TLS_SERVER_SET (server, on_connect, hook_push_connect);
  TLS_SERVER_SET (server, on_read, hook_push_read);
  TLS_SERVER_SET (server, on_write, hook_push_write);
  read_pushed (server->port, PUSH_TOTAL);
  g_assert_true (tls_server_wait (server, &server->disconnects, 1));
  g_assert_cmpuint (push.sent, ==, PUSH_TOTAL);
  g_assert_cmpuint (push.failure, ==, 0);
  g_assert_cmpuint (push.short_writes, >, 0); /* the slow path was taken */
  g_free (push.data);
  tls_server_stop (server);
}

/* --------------------------------------------------------------- closing */

static void
hook_commands (TlsServer *server, SOCKET client, UINT event)
{
  char command[64];
  INT n = InetRead (client, (LPBYTE) command, sizeof command - 1);

  (void) event;
  if (n <= 0)
    return;
  command[n] = '\0';
  if (g_str_has_prefix (command, "bye"))
    InetDisconnect (client);
  else if (g_str_has_prefix (command, "abort"))
    InetDisconnectEx (client, INET_DISCONNECT_ABORT);
  else if (g_str_has_prefix (command, "half"))
    InetShutdown (client, INET_SHUTDOWN_WRITE);
  else
    tls_server_keep (server, command, (guint) n);
}

/* What the client sees at its next read. */
static int
read_end (SSL *ssl)
{
  char byte;
  int rc = SSL_read (ssl, &byte, 1);
  int error = SSL_get_error (ssl, rc);

  g_assert_cmpint (rc, <=, 0);
  ERR_clear_error ();
  return error;
}

static void
test_close_notify (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 30);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client;

  (void) data;
  TLS_SERVER_SET (server, on_read, hook_commands);
  /* graceful: close_notify */
  client = tls_client_open (ctx, server->port, NULL);
  g_assert_true (tls_client_write (client.ssl, "bye", 3));
  g_assert_cmpint (read_end (client.ssl), ==, SSL_ERROR_ZERO_RETURN);
  tls_client_close (client.ssl, client.fd, FALSE);

  /* abortive: no close_notify, a reset */
  client = tls_client_open (ctx, server->port, NULL);
  g_assert_true (tls_client_write (client.ssl, "abort", 5));
  g_assert_cmpint (read_end (client.ssl), !=, SSL_ERROR_ZERO_RETURN);
  tls_client_close (client.ssl, client.fd, FALSE);
  g_assert_true (tls_server_wait (server, &server->disconnects, 2));
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

static void
test_half_close (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 30);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client;

  (void) data;
  TLS_SERVER_SET (server, on_read, hook_commands);
  client = tls_client_open (ctx, server->port, NULL);
  g_assert_true (tls_client_write (client.ssl, "half", 4));
  /* the server's direction ended with close_notify; ours still works */
  g_assert_cmpint (read_end (client.ssl), ==, SSL_ERROR_ZERO_RETURN);
  g_assert_true (tls_client_write (client.ssl, "still here", 10));
  tls_server_wait_received (server, 10);
  tls_server_lock (server);
  g_assert_cmpmem (server->received->data, server->received->len, "still here", 10);
  tls_server_unlock (server);
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

/* The client ends: with close_notify or just a FIN, DISCONNECT says
 * "the peer closed" (0). */
static void
test_client_closes (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 30);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client;

  (void) data;
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "one");
  tls_client_close (client.ssl, client.fd, TRUE);
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "two");
  tls_client_close (client.ssl, client.fd, FALSE);
  g_assert_true (tls_server_wait (server, &server->disconnects, 2));
  g_assert_cmpuint (g_array_index (server->disconnect_codes, DWORD, 0), ==, 0);
  g_assert_cmpuint (g_array_index (server->disconnect_codes, DWORD, 1), ==, 0);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

/* ------------------------------------------------------------- SIGPIPE */

typedef struct
{
  gboolean in_handler;
  gboolean release;
  SOCKET client;
} Hold;

static void
hook_hold (TlsServer *server, SOCKET client, UINT event)
{
  Hold *hold = server->data;
  BYTE byte[16];

  (void) event;
  if (InetRead (client, byte, sizeof byte) <= 0)
    return;
  tls_server_lock (server);
  hold->client = client;
  hold->in_handler = TRUE;
  tls_server_broadcast (server);
  {
    gint64 deadline = g_get_monotonic_time () + TLS_TEST_WAIT_US;

    while (!hold->release && tls_server_wait_until (server, deadline))
      ;
  }
  tls_server_unlock (server);
}

static void
test_no_sigpipe (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 30);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client;
  Hold hold = { 0 };
  BYTE payload[4096] = { 0 };
  sigset_t pipe_only;
  DWORD error;
  INT rc = 0;

  (void) data;
  TLS_SERVER_SET (server, data, &hold);
  TLS_SERVER_SET (server, on_read, hook_hold);
  client = tls_client_open (ctx, server->port, NULL);
  g_assert_true (tls_client_write (client.ssl, "x", 1));
  /* the session thread is busy in its handler: only we touch the socket */
  g_assert_true (tls_server_wait_flag (server, &hold.in_handler));

  tls_client_reset (client.ssl, client.fd);
  /* this thread takes SIGPIPE at its default action: it would die here */
  sigemptyset (&pipe_only);
  sigaddset (&pipe_only, SIGPIPE);
  {
    struct timespec now = { 0, 0 };

    while (sigtimedwait (&pipe_only, NULL, &now) == SIGPIPE)
      ; /* one our own test client earned earlier */
  }
  pthread_sigmask (SIG_UNBLOCK, &pipe_only, NULL);
  for (int i = 0; i < 200 && rc != INET_ERROR; i++)
    {
      rc = InetWrite (hold.client, payload, sizeof payload);
      if (rc != INET_ERROR)
        g_usleep (5000);
    }
  error = InetGetLastError ();
  for (int i = 0; i < 5; i++)
    g_assert_cmpint (InetWrite (hold.client, payload, sizeof payload), ==, INET_ERROR);
  pthread_sigmask (SIG_BLOCK, &pipe_only, NULL);
  g_assert_cmpint (rc, ==, INET_ERROR);
  g_assert_cmpuint (error, ==, WSAECONNRESET);

  tls_server_lock (server);
  hold.release = TRUE;
  tls_server_broadcast (server);
  tls_server_unlock (server);
  g_assert_true (tls_server_wait (server, &server->disconnects, 1));
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tls_test_init_signals ();

#define ADD(path, fn) g_test_add ("/tls/io/" path, Fixture, NULL, tls_cert_fixture_setup, fn, \
                                  tls_cert_fixture_teardown)
  ADD ("echo-64mib", test_echo_64mib);
  ADD ("record-burst", test_record_burst);
  ADD ("peek-readable", test_peek_readable);
  ADD ("push-blocking", test_push_blocking);
  ADD ("push-nonblocking", test_push_nonblocking);
  ADD ("close-notify", test_close_notify);
  ADD ("half-close", test_half_close);
  ADD ("client-closes", test_client_closes);
  ADD ("no-sigpipe", test_no_sigpipe);
#undef ADD
  return g_test_run ();
}
