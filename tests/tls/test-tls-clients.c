/* test-tls-clients.c - real clients against the engine: `openssl s_client`
 * (TLS 1.0 and 1.1 refused, 1.2 and 1.3 served, weak ciphers refused) and
 * `curl` against a small HTTP responder on a TLS server (with -k, with the
 * certificate as CA by name and by address, without trust, and plaintext).
 * Skipped when the programs are missing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "tls-test-util.h"

#include <string.h>

typedef TlsCertFixture Fixture;

static gboolean
need (const char *program)
{
  char message[64];

  if (tls_test_have_program (program))
    return TRUE;
  g_snprintf (message, sizeof message, "no %s command", program);
  g_test_skip (message);
  return FALSE;
}

/* Echo; "quit" ends the session (gracefully: close_notify). */
static void
hook_echo_quit (TlsServer *server, SOCKET client, UINT event)
{
  char buffer[4096];
  INT n = InetRead (client, (LPBYTE) buffer, sizeof buffer - 1);

  (void) server, (void) event;
  if (n <= 0)
    return;
  buffer[n] = '\0';
  InetWrite (client, (LPCBYTE) buffer, n);
  if (strstr (buffer, "quit") != NULL)
    InetDisconnect (client);
}

/* A minimal HTTP/1.1 responder: one request, one answer, then close. */
static void
hook_http (TlsServer *server, SOCKET client, UINT event)
{
  static const char reply[] = "HTTP/1.1 200 OK\r\n"
                              "Content-Type: text/plain\r\n"
                              "Content-Length: 15\r\n"
                              "Connection: close\r\n"
                              "\r\n"
                              "hello over TLS\n";
  char buffer[4096];
  INT n = InetRead (client, (LPBYTE) buffer, sizeof buffer - 1);
  gboolean complete;

  (void) event;
  if (n <= 0)
    return;
  tls_server_lock (server);
  g_byte_array_append (server->received, (const guint8 *) buffer, (guint) n);
  complete = g_strstr_len ((const char *) server->received->data, server->received->len,
                           "\r\n\r\n") != NULL;
  if (complete)
    g_byte_array_set_size (server->received, 0);
  tls_server_unlock (server);
  if (complete)
    {
      InetWrite (client, (LPCBYTE) reply, sizeof reply - 1);
      InetDisconnect (client);
    }
}

static char *
address (TlsServer *server)
{
  return g_strdup_printf ("127.0.0.1:%u", server->port);
}

/* ----------------------------------------------------------- s_client */

static void
test_s_client_accepted (Fixture *f, gconstpointer data)
{
  const char *versions[] = { "-tls1_2", "-tls1_3" };
  const char *names[] = { "TLSv1.2", "TLSv1.3" };
  TlsServer *server;
  char *connect;

  (void) data;
  if (!need ("openssl"))
    return;
  server = tls_server_start (&f->credentials, 30);
  TLS_SERVER_SET (server, on_read, hook_echo_quit);
  connect = address (server);
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      const char *argv[] = { "openssl", "s_client", "-connect", connect, versions[i], "-quiet",
                             "-servername", "localhost", NULL };
      char *out = NULL;
      int status = tls_test_run (argv, "ping\nquit\n", &out);

      g_test_message ("s_client %s: status %d, \"%s\"", versions[i], status, out);
      g_assert_cmpint (status, ==, 0);
      g_assert_nonnull (strstr (out, "ping"));
      g_assert_cmpstr (tls_server_info (server, i).szProtocol, ==, names[i]);
      g_assert_cmpstr (tls_server_info (server, i).szServerName, ==, "localhost");
      g_free (out);
    }
  g_assert_cmpuint (tls_server_get (server, &server->errors), ==, 0);
  g_free (connect);
  tls_server_stop (server);
}

static void
test_s_client_refused (Fixture *f, gconstpointer data)
{
  /* an old client must really offer the old version: seclevel 0 */
  const char *versions[] = { "-tls1", "-tls1_1" };
  const char *words[] = { "TLS 1.0 at most", "TLS 1.1 at most" };
  /* CBC, static RSA key exchange, SHA-1 MACs: offered, refused */
  const char *ciphers[] = { "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384",
                            "AES128-SHA", "AES256-SHA256" };
  TlsServer *server;
  char *connect;
  guint errors = 0;

  (void) data;
  if (!need ("openssl"))
    return;
  server = tls_server_start (&f->credentials, 30);
  connect = address (server);
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      const char *argv[] = { "openssl", "s_client", "-connect", connect, versions[i], "-cipher",
                             "DEFAULT@SECLEVEL=0", NULL };
      char *detail;

      g_assert_cmpint (tls_test_run (argv, "", NULL), !=, 0);
      g_assert_cmpuint (tls_server_error_code (server, errors), ==, INET_ERROR_TLS_VERSION);
      detail = tls_server_error_detail (server, errors);
      g_assert_nonnull (strstr (detail, words[i]));
      g_free (detail);
      errors++;
    }
  for (guint i = 0; i < G_N_ELEMENTS (ciphers); i++)
    {
      const char *argv[] = { "openssl", "s_client", "-connect", connect, "-tls1_2", "-cipher",
                             ciphers[i], NULL };

      g_assert_cmpint (tls_test_run (argv, "", NULL), !=, 0);
      g_assert_cmpuint (tls_server_error_code (server, errors), ==, INET_ERROR_TLS_CIPHER);
      errors++;
    }
  g_assert_cmpuint (tls_server_get (server, &server->connects), ==, 0);
  g_free (connect);
  tls_server_stop (server);
}

/* --------------------------------------------------------------- curl */

static void
test_curl (Fixture *f, gconstpointer data)
{
  SECURITYCREDENTIALS c = f->credentials;
  TlsServer *server;
  char *url_ip, *url_name, *resolve, *plain;
  guint connects = 0, errors = 0;

  (void) data;
  if (!need ("curl"))
    return;
  c.lpszAlpn = "http/1.1";
  server = tls_server_start (&c, 30);
  TLS_SERVER_SET (server, on_read, hook_http);
  url_ip = g_strdup_printf ("https://127.0.0.1:%u/", server->port);
  url_name = g_strdup_printf ("https://localhost:%u/", server->port);
  resolve = g_strdup_printf ("localhost:%u:127.0.0.1", server->port);
  plain = g_strdup_printf ("http://127.0.0.1:%u/", server->port);

  {
    /* -k: no verification */
    const char *argv[] = { "curl", "-k", "-s", "-S", "--max-time", "20", url_ip, NULL };
    char *out = NULL;

    g_assert_cmpint (tls_test_run (argv, NULL, &out), ==, 0);
    g_assert_cmpstr (out, ==, "hello over TLS\n");
    g_assert_cmpstr (tls_server_info (server, connects).szAlpn, ==, "http/1.1");
    connects++;
    g_free (out);
  }
  {
    /* verified: our certificate as the CA, by name (SNI) and by address */
    const char *by_name[] = { "curl", "-s", "-S", "--max-time", "20", "--cacert", f->cert,
                              "--resolve", resolve, url_name, NULL };
    const char *by_address[] = { "curl", "-s", "-S", "--max-time", "20", "--cacert", f->cert,
                                 url_ip, NULL };
    char *out = NULL;

    g_assert_cmpint (tls_test_run (by_name, NULL, &out), ==, 0);
    g_assert_cmpstr (out, ==, "hello over TLS\n");
    g_assert_cmpstr (tls_server_info (server, connects).szServerName, ==, "localhost");
    connects++;
    g_free (out);
    g_assert_cmpint (tls_test_run (by_address, NULL, &out), ==, 0);
    g_assert_cmpstr (out, ==, "hello over TLS\n");
    connects++;
    g_free (out);
  }
  {
    /* not trusted (another CA): curl says so (60), the server hears why */
    char *other = tls_test_path (f->dir, "other-ca.pem");
    INETCERTIFICATEPARAMS ca = { .dwSize = sizeof ca, .dwFlags = INET_CERT_FLAG_CA,
                                 .lpszCommonName = "Other CA", .lpszCertFile = other };
    const char *argv[] = { "curl", "-s", "--max-time", "20", "--cacert", other, url_ip, NULL };

    tls_test_make (&ca);
    g_assert_cmpint (tls_test_run (argv, NULL, NULL), ==, 60);
    g_free (other);
    g_assert_cmpuint (tls_server_error_code (server, errors), ==, INET_ERROR_TLS_UNKNOWN_CA);
    errors++;
  }
  {
    /* plain HTTP to the TLS port */
    const char *argv[] = { "curl", "-s", "--max-time", "20", plain, NULL };

    g_assert_cmpint (tls_test_run (argv, NULL, NULL), !=, 0);
    g_assert_cmpuint (tls_server_error_code (server, errors), ==, INET_ERROR_TLS_PLAINTEXT);
    errors++;
  }
  g_assert_cmpuint (tls_server_get (server, &server->connects), ==, connects);
  g_free (url_ip);
  g_free (url_name);
  g_free (resolve);
  g_free (plain);
  tls_server_stop (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tls_test_init_signals ();

#define ADD(path, fn) g_test_add ("/tls/clients/" path, Fixture, NULL, tls_cert_fixture_setup, fn, \
                                  tls_cert_fixture_teardown)
  ADD ("s_client-accepted", test_s_client_accepted);
  ADD ("s_client-refused", test_s_client_refused);
  ADD ("curl", test_curl);
#undef ADD
  return g_test_run ();
}
