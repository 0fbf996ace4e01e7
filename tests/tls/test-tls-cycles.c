/* test-tls-cycles.c - many TLS sessions and many server starts, so that
 * AddressSanitizer's leak check (at exit) sees every path of the TLS layer
 * run again and again: 1,000 connect/close cycles with every kind of end,
 * and repeated starts that succeed or fail in each way.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "tls-test-util.h"

#include <openssl/err.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CYCLES 1000

typedef TlsCertFixture Fixture;

static void
hook_bye (TlsServer *server, SOCKET client, UINT event)
{
  char buffer[64];
  INT n = InetRead (client, (LPBYTE) buffer, sizeof buffer);

  (void) server, (void) event;
  if (n <= 0)
    return;
  InetWrite (client, (LPCBYTE) buffer, n);
  if (n >= 3 && memcmp (buffer, "bye", 3) == 0)
    InetDisconnect (client);
  else if (n >= 5 && memcmp (buffer, "abort", 5) == 0)
    InetDisconnectEx (client, INET_DISCONNECT_ABORT);
}

static void
test_connect_close (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 30);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  SSL_CTX *ctx12 = tls_client_ctx (0, TLS1_2_VERSION);
  INETSERVERSTATS stats;

  (void) data;
  TLS_SERVER_SET (server, on_read, hook_bye);
  for (int i = 0; i < CYCLES; i++)
    {
      TlsClient client = tls_client_open (i % 7 == 3 ? ctx12 : ctx, server->port, NULL);
      char reply[8];

      switch (i % 5)
        {
        case 0: /* an echo, then close_notify */
          tls_client_echo_check (&client, "hi");
          tls_client_close (client.ssl, client.fd, TRUE);
          break;
        case 1: /* an echo, then only a FIN */
          tls_client_echo_check (&client, "hi");
          tls_client_close (client.ssl, client.fd, FALSE);
          break;
        case 2: /* the server closes gracefully */
          g_assert_true (tls_client_write (client.ssl, "bye", 3));
          g_assert_true (tls_client_read (client.ssl, reply, 3));
          g_assert_cmpint (SSL_read (client.ssl, reply, 1), <=, 0);
          tls_client_close (client.ssl, client.fd, FALSE);
          break;
        case 3: /* the server resets */
          g_assert_true (tls_client_write (client.ssl, "abort", 5));
          SSL_read (client.ssl, reply, sizeof reply);
          ERR_clear_error ();
          tls_client_close (client.ssl, client.fd, FALSE);
          break;
        default: /* the client resets right after the handshake */
          tls_client_reset (client.ssl, client.fd);
          break;
        }
    }
  if (!tls_server_wait (server, &server->connects, CYCLES))
    {
      guint errors = tls_server_get (server, &server->errors);

      for (guint e = 0; e < errors && e < 5; e++)
        {
          char *detail = tls_server_error_detail (server, e);

          g_test_message ("error %u: %u %s", e, (unsigned) tls_server_error_code (server, e),
                          detail);
          g_free (detail);
        }
      g_error ("%u CONNECT of %d, %u handshake errors", tls_server_get (server, &server->connects),
               CYCLES, errors);
    }
  g_assert_true (tls_server_wait (server, &server->disconnects, CYCLES));
  g_assert_cmpuint (tls_server_get (server, &server->errors), ==, 0);
  /* every session has left */
  stats = tls_server_wait_active (server, 0);
  g_assert_cmpuint (stats.nActive, ==, 0);
  g_assert_cmpuint (stats.nAccepted, ==, CYCLES);
  g_assert_cmpuint (stats.nHandshakeFailures, ==, 0);
  SSL_CTX_free (ctx);
  SSL_CTX_free (ctx12);
  tls_server_stop (server);
}

/* Failed handshakes leave nothing behind either. */
static void
test_failed_handshakes (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 30);
  SSL_CTX *old = tls_client_ctx (TLS1_VERSION, TLS1_1_VERSION);
  SSL_CTX *weak = tls_client_ctx (0, TLS1_2_VERSION);

  (void) data;
  SSL_CTX_set_cipher_list (old, "DEFAULT:@SECLEVEL=0");
  SSL_CTX_set_cipher_list (weak, "AES128-SHA");
  for (int i = 0; i < 100; i++)
    {
      int fd = tls_tcp_connect (server->port);

      if (i % 3 == 0)
        g_assert_null (tls_client_handshake (old, fd, NULL));
      else if (i % 3 == 1)
        g_assert_null (tls_client_handshake (weak, fd, NULL));
      else
        g_assert_cmpint (send (fd, "GET / HTTP/1.0\r\n\r\n", 18, MSG_NOSIGNAL), ==, 18);
      g_assert_cmpuint (tls_server_error_code (server, (guint) i), !=, 0);
      close (fd);
    }
  g_assert_cmpuint (tls_server_get (server, &server->connects), ==, 0);
  SSL_CTX_free (old);
  SSL_CTX_free (weak);
  tls_server_stop (server);
}

/* Server starts that succeed and fail, again and again. */
static void
test_starts (Fixture *f, gconstpointer data)
{
  char *p12 = tls_test_path (f->dir, "s.p12");
  char *locked = tls_test_path (f->dir, "locked.pem");
  char *locked_key = tls_test_path (f->dir, "locked.key");
  char *other = tls_test_path (f->dir, "other.pem");
  char *other_key = tls_test_path (f->dir, "other.key");
  INETCERTIFICATEPARAMS params = { .dwSize = sizeof params, .lpszPkcs12File = p12,
                                   .lpszPkcs12Password = "pw" };

  (void) data;
  tls_test_make (&params);
  tls_test_make_cert (locked, locked_key, INET_CERT_KEY_ECDSA_P256, 0, 30, NULL, "pw");
  tls_test_make_cert (other, other_key, INET_CERT_KEY_RSA_2048, 0, 30, NULL, NULL);
  for (int i = 0; i < 20; i++)
    {
      SECURITYCREDENTIALS good = f->credentials;
      SECURITYCREDENTIALS pkcs12 = tls_test_credentials (p12, NULL);
      SECURITYCREDENTIALS encrypted = tls_test_credentials (locked, locked_key);
      SECURITYCREDENTIALS bad[4];
      TlsServer *server;

      good.lpszAlpn = "x, y";
      good.lpszCAFile = other;
      pkcs12.lpszPassword = "pw";
      encrypted.lpszPassword = "pw";
      server = tls_server_start (&good, 5);
      tls_server_stop (server);
      server = tls_server_start (&pkcs12, 5);
      tls_server_stop (server);
      server = tls_server_start (&encrypted, 5);
      tls_server_stop (server);

      bad[0] = tls_test_credentials (p12, NULL);
      bad[0].lpszPassword = "wrong";
      bad[1] = tls_test_credentials (locked, locked_key);
      bad[1].lpszPassword = "wrong";
      bad[2] = tls_test_credentials (f->cert, other_key);
      bad[3] = f->credentials;
      bad[3].lpszCipherList = "NONE-SUCH";
      for (guint b = 0; b < G_N_ELEMENTS (bad); b++)
        g_assert_null (tls_server_try_start (&bad[b], 5, 0));
    }
  g_free (p12);
  g_free (locked);
  g_free (locked_key);
  g_free (other);
  g_free (other_key);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tls_test_init_signals ();

#define ADD(path, fn) g_test_add ("/tls/cycles/" path, Fixture, NULL, tls_cert_fixture_setup, fn, \
                                  tls_cert_fixture_teardown)
  ADD ("connect-close", test_connect_close);
  ADD ("failed-handshakes", test_failed_handshakes);
  ADD ("starts", test_starts);
#undef ADD
  return g_test_run ();
}
