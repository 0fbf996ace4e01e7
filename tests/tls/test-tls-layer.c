/* test-tls-layer.c - the engine's TLS layer on its own (inet-tls-private.h)
 * over a socketpair, with a client whose socket reads the test controls
 * byte by byte: what a full socket does to a write, exactly.
 *
 * The contract under test: inet__tls_write never asks to be called again
 * with the same arguments (OpenSSL's rule), yet every byte it reports as
 * written reaches the peer once the caller has finished its own data the
 * usual way (wait for POLLOUT, call again with what is left).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "tls-test-util.h"

#include "inet-tls-private.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct
{
  char *dir;
  InetTlsContext *context;
  InetTlsSession *session;
  int server_fd;
  int client_fd;
  SSL_CTX *client_ctx;
  SSL *client;
  BIO *client_in;                   /* raw bytes the test chose to receive */
} Fixture;

typedef struct
{
  Fixture *f;
  DWORD error;
  char detail[256];
  INETSECURITYINFO info;
} Accept;

static void *
accept_thread (void *data)
{
  Accept *a = data;

  a->info.dwSize = sizeof a->info;
  a->f->session = inet__tls_accept (a->f->context, a->f->server_fd, -1, 0, &a->error,
                                    a->detail, sizeof a->detail, &a->info);
  return NULL;
}

/* Moves what the socket holds for the client into its TLS input. */
static size_t
client_receive (Fixture *f, gboolean wait)
{
  char buffer[65536];
  size_t total = 0;

  for (;;)
    {
      ssize_t n = recv (f->client_fd, buffer, sizeof buffer, wait && total == 0 ? 0 : MSG_DONTWAIT);

      if (n <= 0)
        break;
      BIO_write (f->client_in, buffer, (int) n);
      total += (size_t) n;
    }
  return total;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  char *cert, *key;
  SECURITYCREDENTIALS credentials;
  DWORD warning = 0;
  char *warning_text = NULL;
  int fds[2];
  int small = 4096;
  struct timeval timeout = { 10, 0 };
  Accept accept = { .f = f };
  pthread_t thread;

  (void) data;
  f->dir = tls_test_tmpdir ();
  cert = tls_test_path (f->dir, "server.pem");
  key = tls_test_path (f->dir, "server.key");
  tls_test_make_cert (cert, key, INET_CERT_KEY_ECDSA_P256, 0, 30, NULL, NULL);
  credentials = tls_test_credentials (cert, key);
  f->context = inet__tls_context_new (&credentials, &warning, &warning_text);
  g_assert_nonnull (f->context);
  g_assert_cmpuint (warning, ==, 0);
  g_free (cert);
  g_free (key);

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  f->server_fd = fds[0];
  f->client_fd = fds[1];
  g_assert_cmpint (fcntl (f->server_fd, F_SETFL, O_NONBLOCK), ==, 0);
  setsockopt (f->server_fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  setsockopt (f->client_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

  f->client_ctx = tls_client_ctx (0, 0);
  f->client = SSL_new (f->client_ctx);
  f->client_in = BIO_new (BIO_s_mem ());
  BIO_set_mem_eof_return (f->client_in, -1);
  SSL_set_bio (f->client, f->client_in, BIO_new_socket (f->client_fd, BIO_NOCLOSE));

  g_assert_cmpint (pthread_create (&thread, NULL, accept_thread, &accept), ==, 0);
  for (;;)
    {
      int rc = SSL_connect (f->client);

      if (rc == 1)
        break;
      g_assert_cmpint (SSL_get_error (f->client, rc), ==, SSL_ERROR_WANT_READ);
      g_assert_cmpuint (client_receive (f, TRUE), >, 0);
    }
  pthread_join (thread, NULL);
  g_assert_nonnull (f->session);
  g_assert_cmpuint (accept.error, ==, 0);
  g_assert_true (accept.info.bSecure);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  if (f->session != NULL)
    inet__tls_session_free (f->session);
  inet__tls_context_free (f->context);
  SSL_free (f->client);
  SSL_CTX_free (f->client_ctx);
  close (f->server_fd);
  close (f->client_fd);
  tls_test_rmdir (f->dir);
  g_free (f->dir);
  ERR_clear_error ();
}

/* Decrypts what the client has received; appends to out. */
static void
client_decrypt (Fixture *f, GByteArray *out)
{
  guint8 buffer[16384];
  size_t n;

  while (SSL_read_ex (f->client, buffer, sizeof buffer, &n) == 1)
    g_byte_array_append (out, buffer, (guint) n);
  ERR_clear_error ();
}

/* Chunks until the socket is full; the chunk that meets the full socket
 * is the last one: the writer finishes it the usual way and stops. Every
 * byte reported written must then reach the client. */
static void
test_full_socket (Fixture *f, gconstpointer data)
{
  const size_t chunk = 1000;
  guint8 buffer[1000];
  GByteArray *received = g_byte_array_new ();
  size_t total = 0;
  guint short_returns = 0;
  guint want_writes = 0;
  gboolean last = FALSE;

  (void) data;
  for (guint round = 0; round < 100000 && !last; round++)
    {
      size_t done = 0;

      tls_test_fill_pattern (buffer, chunk, total);
      while (done < chunk)
        {
          DWORD error = 0;
          ssize_t n = inet__tls_write (f->session, buffer + done, chunk - done, &error);

          g_assert_cmpint (n, !=, INET_TLS_ERROR);
          g_assert_cmpint (n, !=, 0);
          if (n == INET_TLS_WANT_WRITE)
            {
              /* a fresh chunk must never meet a queue left by a chunk
               * that was reported complete */
              g_assert_cmpuint (done, >, 0);
              want_writes++;
              client_receive (f, FALSE); /* the socket drains */
              continue;
            }
          g_assert_cmpint (n, >, 0);
          if ((size_t) n < chunk - done)
            {
              short_returns++;
              last = TRUE; /* the socket is full: finish this chunk and stop */
            }
          done += (size_t) n;
        }
      total += chunk;
    }
  g_assert_true (last);
  g_assert_cmpuint (short_returns, >=, 1);
  g_assert_cmpuint (want_writes, >=, 1);

  /* nothing more is written: all of it must arrive */
  client_receive (f, FALSE);
  client_decrypt (f, received);
  g_assert_cmpuint (received->len, ==, total);
  for (size_t i = 0; i < total; i += chunk)
    {
      tls_test_fill_pattern (buffer, chunk, i);
      g_assert_cmpmem (received->data + i, chunk, buffer, chunk);
    }
  g_byte_array_free (received, TRUE);
}

/* Reads: nothing pending at first; a record arrives; close_notify ends it. */
static void
test_read_pending_close (Fixture *f, gconstpointer data)
{
  char buffer[64];
  DWORD error = 0;
  ssize_t n;

  (void) data;
  g_assert_cmpuint (inet__tls_pending (f->session), ==, 0);
  g_assert_cmpint (inet__tls_read (f->session, buffer, sizeof buffer, &error), ==,
                   INET_TLS_WANT_READ);
  /* two records in one write: the second waits inside OpenSSL */
  {
    BIO *wbio = SSL_get_wbio (f->client);
    BIO *buffered = BIO_push (BIO_new (BIO_f_buffer ()), wbio);

    BIO_up_ref (wbio);
    SSL_set0_wbio (f->client, buffered);
    g_assert_cmpint (SSL_write (f->client, "first", 5), ==, 5);
    g_assert_cmpint (SSL_write (f->client, "second", 6), ==, 6);
    g_assert_cmpint (BIO_flush (buffered), ==, 1);
  }
  {
    struct pollfd pfd = { f->server_fd, POLLIN, 0 };

    g_assert_cmpint (poll (&pfd, 1, 10000), ==, 1);
  }
  n = inet__tls_read (f->session, buffer, sizeof buffer, &error);
  g_assert_cmpint (n, ==, 5);
  g_assert_cmpmem (buffer, 5, "first", 5);
  g_assert_cmpuint (inet__tls_pending (f->session), ==, 6);
  g_assert_cmpuint (inet__tls_peek (f->session, buffer, sizeof buffer), ==, 6);
  g_assert_cmpmem (buffer, 6, "second", 6);
  n = inet__tls_read (f->session, buffer, sizeof buffer, &error);
  g_assert_cmpint (n, ==, 6);
  g_assert_cmpuint (inet__tls_pending (f->session), ==, 0);

  /* close_notify: counted as pending (the next read reports it), then CLOSED */
  SSL_shutdown (f->client);
  BIO_flush (SSL_get_wbio (f->client));
  {
    struct pollfd pfd = { f->server_fd, POLLIN, 0 };

    g_assert_cmpint (poll (&pfd, 1, 10000), ==, 1);
  }
  n = inet__tls_read (f->session, buffer, sizeof buffer, &error);
  g_assert_cmpint (n, ==, INET_TLS_CLOSED);
  g_assert_cmpint (inet__tls_read (f->session, buffer, sizeof buffer, &error), ==,
                   INET_TLS_CLOSED);
  /* our close_notify answers it */
  inet__tls_close_notify (f->session);
  client_receive (f, TRUE);
  g_assert_cmpint (SSL_read (f->client, buffer, sizeof buffer), <=, 0);
  g_assert_cmpint (SSL_get_shutdown (f->client) & SSL_RECEIVED_SHUTDOWN, !=, 0);
}

/* A damaged record is fatal, and stays so. */
static void
test_damaged_record (Fixture *f, gconstpointer data)
{
  unsigned char junk[64];
  char buffer[64];
  DWORD error = 0;
  ssize_t n;
  struct pollfd pfd = { 0 };

  (void) data;
  memset (junk, 0x41, sizeof junk);
  junk[0] = 0x17; /* application data */
  junk[1] = 0x03;
  junk[2] = 0x03;
  junk[3] = 0x00;
  junk[4] = 59;
  g_assert_cmpint (send (f->client_fd, junk, sizeof junk, 0), ==, sizeof junk);
  pfd.fd = f->server_fd;
  pfd.events = POLLIN;
  g_assert_cmpint (poll (&pfd, 1, 10000), ==, 1);
  n = inet__tls_read (f->session, buffer, sizeof buffer, &error);
  g_assert_cmpint (n, ==, INET_TLS_ERROR);
  g_assert_cmpuint (error, ==, INET_ERROR_TLS_PROTOCOL);
  error = 0;
  g_assert_cmpint (inet__tls_write (f->session, "x", 1, &error), ==, INET_TLS_ERROR);
  g_assert_cmpuint (error, ==, INET_ERROR_TLS_PROTOCOL);
  g_assert_cmpuint (inet__tls_pending (f->session), >, 0); /* so a reader finds out */
  inet__tls_close_notify (f->session); /* no effect, no crash */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tls_test_init_signals ();

#define ADD(path, fn) g_test_add ("/tls/layer/" path, Fixture, NULL, fixture_setup, fn, \
                                  fixture_teardown)
  ADD ("full-socket", test_full_socket);
  ADD ("read-pending-close", test_read_pending_close);
  ADD ("damaged-record", test_damaged_record);
#undef ADD
  return g_test_run ();
}
