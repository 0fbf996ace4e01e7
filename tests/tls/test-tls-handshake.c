/* test-tls-handshake.c - the handshake in the client's thread: the details
 * a session reports (version, cipher, group, SNI, ALPN, resumption, client
 * certificate, duration), and every kind of failure: an ERROR event with
 * its own code and reason, counted, and never a CONNECT. Half-open
 * handshakes do not starve other clients and do not delay a stop.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "tls-test-util.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef TlsCertFixture Fixture;

/* The first bytes of a real ClientHello (made with memory BIOs). */
static GByteArray *
client_hello (void)
{
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  SSL *ssl = SSL_new (ctx);
  BIO *in = BIO_new (BIO_s_mem ());
  BIO *out = BIO_new (BIO_s_mem ());
  GByteArray *bytes = g_byte_array_new ();
  char *data = NULL;
  long len;

  SSL_set_bio (ssl, in, out);
  g_assert_cmpint (SSL_connect (ssl), <=, 0);
  len = BIO_get_mem_data (out, &data);
  g_assert_cmpint (len, >, 100);
  g_byte_array_append (bytes, (const guint8 *) data, (guint) len);
  SSL_free (ssl);
  SSL_CTX_free (ctx);
  ERR_clear_error ();
  return bytes;
}

/* A TCP connection that sent n bytes and then waits. */
static int
half_open (guint port, const GByteArray *hello, size_t n)
{
  int fd = tls_tcp_connect (port);

  if (n > 0)
    g_assert_cmpint (send (fd, hello->data, n, MSG_NOSIGNAL), ==, (ssize_t) n);
  return fd;
}

static guint64
handshake_failures (TlsServer *server)
{
  INETSERVERSTATS stats = { .dwSize = sizeof stats };

  g_assert_true (InetGetServerStats (server->handle, &stats));
  return stats.nHandshakeFailures;
}

/* Expects the next ERROR of server (number i) with code and words. */
static void
expect_error (TlsServer *server, guint i, DWORD code, const char *word)
{
  char *detail = tls_server_error_detail (server, i);
  INETSECURITYINFO info;

  g_test_message ("error %u: %s", (unsigned) tls_server_error_code (server, i), detail);
  g_assert_cmpuint (tls_server_error_code (server, i), ==, code);
  if (word != NULL && strstr (detail, word) == NULL)
    g_error ("\"%s\" not in \"%s\"", word, detail);
  /* InetGetSecurityInfo in the ERROR handler said the same */
  tls_server_lock (server);
  info = g_array_index (server->error_infos, INETSECURITYINFO, i);
  tls_server_unlock (server);
  g_assert_false (info.bSecure);
  g_assert_cmpuint (info.dwError, ==, code);
  g_assert_cmpstr (info.szError, ==, detail);
  g_free (detail);
}

/* --------------------------------------------------------------- details */

static void
test_tls13_details (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 10);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client = tls_client_open (ctx, server->port, "example.test");
  INETSECURITYINFO info;

  (void) data;
  tls_client_echo_check (&client, "ping");
  info = tls_server_info (server, 0);
  g_assert_true (info.bSecure);
  g_assert_false (info.bResumed);
  g_assert_cmpuint (info.dwProtocol, ==, INET_PROTOCOL_TLS1_3);
  g_assert_cmpstr (info.szProtocol, ==, "TLSv1.3");
  g_assert_cmpstr (info.szCipher, ==, SSL_get_cipher_name (client.ssl));
  g_assert_cmpstr (info.szGroup, ==, "X25519");
  g_assert_cmpstr (info.szServerName, ==, "example.test");
  g_assert_cmpstr (info.szAlpn, ==, "");
  g_assert_cmpstr (info.szPeerSubject, ==, "");
  g_assert_cmpuint (info.dwError, ==, 0);
  g_assert_cmpuint (info.dwHandshakeMicros, >, 0);
  g_assert_cmpuint (handshake_failures (server), ==, 0);
  /* the option bits say SECURE on the client's handle */
  g_assert_cmpint (InetGetSocketOptions (g_array_index (server->clients, SOCKET, 0))
                     & INET_OPTION_SECURE, !=, 0);
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

static void
test_tls12_details (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 10);
  SSL_CTX *ctx = tls_client_ctx (0, TLS1_2_VERSION);
  TlsClient client;
  INETSECURITYINFO info;

  (void) data;
  /* the client prefers CBC and ChaCha; the server's preference wins */
  SSL_CTX_set_cipher_list (ctx, "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-CHACHA20-POLY1305:"
                                "ECDHE-ECDSA-AES128-GCM-SHA256");
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "ping");
  info = tls_server_info (server, 0);
  g_assert_cmpuint (info.dwProtocol, ==, INET_PROTOCOL_TLS1_2);
  g_assert_cmpstr (info.szProtocol, ==, "TLSv1.2");
  g_assert_cmpstr (info.szCipher, ==, "ECDHE-ECDSA-AES128-GCM-SHA256");
  g_assert_cmpstr (info.szCipher, ==, SSL_get_cipher_name (client.ssl));
  g_assert_cmpstr (info.szGroup, ==, "X25519");
  g_assert_cmpstr (info.szServerName, ==, "");
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

/* Renegotiation is off (TLS 1.2), and nothing is compressed. */
static void
test_no_renegotiation (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 10);
  SSL_CTX *ctx = tls_client_ctx (0, TLS1_2_VERSION);
  TlsClient client;
  char byte;

  (void) data;
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "before");
  g_assert_null (SSL_get_current_compression (client.ssl));
  g_assert_cmpint (SSL_renegotiate (client.ssl), ==, 1);
  /* the server answers no_renegotiation: the client's attempt fails */
  g_assert_cmpint (SSL_do_handshake (client.ssl), <=, 0);
  g_assert_cmpint (ERR_GET_REASON (ERR_peek_last_error ()), ==, SSL_R_NO_RENEGOTIATION);
  ERR_clear_error ();
  g_assert_cmpint (SSL_read (client.ssl, &byte, 1), <=, 0);
  ERR_clear_error ();
  tls_client_close (client.ssl, client.fd, FALSE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

static void
test_group_p256 (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 10);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client;

  (void) data;
  g_assert_cmpint (SSL_CTX_set1_groups_list (ctx, "P-256"), ==, 1);
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "ping");
  g_assert_cmpstr (tls_server_info (server, 0).szGroup, ==, "P-256");
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

static void
test_alpn (Fixture *f, gconstpointer data)
{
  static const unsigned char http11[] = "\x08http/1.1";
  static const unsigned char h2[] = "\x02h2";
  SECURITYCREDENTIALS c = f->credentials;
  TlsServer *server;
  SSL_CTX *ctx;
  TlsClient client;
  const unsigned char *chosen = NULL;
  unsigned chosen_len = 0;

  (void) data;
  c.lpszAlpn = "echo, http/1.1";
  server = tls_server_start (&c, 10);
  ctx = tls_client_ctx (0, 0);
  SSL_CTX_set_alpn_protos (ctx, http11, sizeof http11 - 1);
  client = tls_client_open (ctx, server->port, NULL);
  SSL_get0_alpn_selected (client.ssl, &chosen, &chosen_len);
  g_assert_cmpuint (chosen_len, ==, 8);
  tls_client_echo_check (&client, "ping");
  g_assert_cmpstr (tls_server_info (server, 0).szAlpn, ==, "http/1.1");
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);

  /* nothing in common: the session goes on without ALPN */
  ctx = tls_client_ctx (0, 0);
  SSL_CTX_set_alpn_protos (ctx, h2, sizeof h2 - 1);
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "ping");
  g_assert_cmpstr (tls_server_info (server, 1).szAlpn, ==, "");
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

static void
test_resumption (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 10);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  TlsClient client;
  SSL_SESSION *session;

  (void) data;
  SSL_CTX_set_session_cache_mode (ctx, SSL_SESS_CACHE_CLIENT);
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "ping"); /* the ticket arrives with the reply */
  session = SSL_get1_session (client.ssl);
  g_assert_nonnull (session);
  g_assert_true (SSL_SESSION_is_resumable (session));
  tls_client_close (client.ssl, client.fd, TRUE);

  client.fd = tls_tcp_connect (server->port);
  client.ssl = SSL_new (ctx);
  SSL_set_fd (client.ssl, client.fd);
  SSL_set_session (client.ssl, session);
  g_assert_cmpint (SSL_connect (client.ssl), ==, 1);
  tls_client_echo_check (&client, "again");
  g_assert_true (SSL_session_reused (client.ssl));
  g_assert_false (tls_server_info (server, 0).bResumed);
  g_assert_true (tls_server_info (server, 1).bResumed);
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_SESSION_free (session);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

/* -------------------------------------------------------------- failures */

static void
test_plaintext (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 10);
  int fd = tls_tcp_connect (server->port);
  const char request[] = "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n";
  char reply[64];

  (void) data;
  g_assert_cmpint (send (fd, request, strlen (request), MSG_NOSIGNAL), >, 0);
  expect_error (server, 0, INET_ERROR_TLS_PLAINTEXT, "GET /index.html HTTP/1.1");
  /* the connection is closed (perhaps after an alert) */
  while (recv (fd, reply, sizeof reply, 0) > 0)
    ;
  close (fd);
  g_assert_cmpuint (tls_server_get (server, &server->connects), ==, 0);
  g_assert_cmpuint (handshake_failures (server), ==, 1);
  tls_server_stop (server);
}

static void
test_garbage (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 10);
  int fd = tls_tcp_connect (server->port);
  unsigned char junk[64];

  (void) data;
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = (unsigned char) (i * 37 + 11);
  junk[0] = 0x00;
  junk[1] = 0x9c;
  g_assert_cmpint (send (fd, junk, sizeof junk, MSG_NOSIGNAL), ==, sizeof junk);
  expect_error (server, 0, INET_ERROR_TLS_GARBAGE, "00 9c");
  close (fd);
  g_assert_cmpuint (tls_server_get (server, &server->connects), ==, 0);
  g_assert_cmpuint (handshake_failures (server), ==, 1);
  tls_server_stop (server);
}

static void
test_old_version (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 10);
  SSL_CTX *ctx = tls_client_ctx (TLS1_VERSION, TLS1_1_VERSION);
  int fd = tls_tcp_connect (server->port);

  (void) data;
  SSL_CTX_set_cipher_list (ctx, "DEFAULT:@SECLEVEL=0");
  g_assert_null (tls_client_handshake (ctx, fd, NULL));
  expect_error (server, 0, INET_ERROR_TLS_VERSION, "TLS 1.1 at most");
  close (fd);
  g_assert_cmpuint (tls_server_get (server, &server->connects), ==, 0);
  g_assert_cmpuint (handshake_failures (server), ==, 1);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

static void
test_tls13_minimum (Fixture *f, gconstpointer data)
{
  SECURITYCREDENTIALS c = f->credentials;
  TlsServer *server;
  SSL_CTX *ctx = tls_client_ctx (0, TLS1_2_VERSION);
  int fd;

  (void) data;
  c.dwProtocol = INET_PROTOCOL_TLS1_3;
  server = tls_server_start (&c, 10);
  fd = tls_tcp_connect (server->port);
  g_assert_null (tls_client_handshake (ctx, fd, NULL));
  expect_error (server, 0, INET_ERROR_TLS_VERSION, "offers TLS 1.2 at most; this server needs TLS 1.3");
  close (fd);
  SSL_CTX_free (ctx);
  /* a TLS 1.3 client is fine */
  ctx = tls_client_ctx (0, 0);
  {
    TlsClient client = tls_client_open (ctx, server->port, NULL);

    tls_client_echo_check (&client, "ping");
    tls_client_close (client.ssl, client.fd, TRUE);
  }
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

static void
test_weak_ciphers (Fixture *f, gconstpointer data)
{
  const char *weak[] = { "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "AES128-SHA",
                         "AES256-GCM-SHA384" };
  TlsServer *server = tls_server_start (&f->credentials, 10);

  (void) data;
  for (guint i = 0; i < G_N_ELEMENTS (weak); i++)
    {
      SSL_CTX *ctx = tls_client_ctx (0, TLS1_2_VERSION);
      int fd = tls_tcp_connect (server->port);

      g_assert_cmpint (SSL_CTX_set_cipher_list (ctx, weak[i]), ==, 1);
      g_assert_null (tls_client_handshake (ctx, fd, NULL));
      expect_error (server, i, INET_ERROR_TLS_CIPHER, "no cipher suite in common");
      close (fd);
      SSL_CTX_free (ctx);
    }
  g_assert_cmpuint (tls_server_get (server, &server->connects), ==, 0);
  g_assert_cmpuint (handshake_failures (server), ==, G_N_ELEMENTS (weak));
  tls_server_stop (server);
}

static void
test_client_gave_up (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 10);
  GByteArray *hello = client_hello ();
  int fd;

  (void) data;
  fd = half_open (server->port, hello, 0);
  close (fd);
  expect_error (server, 0, INET_ERROR_TLS_PEER_CLOSED, "without sending anything");
  fd = half_open (server->port, hello, 20);
  close (fd);
  expect_error (server, 1, INET_ERROR_TLS_PEER_CLOSED, "after 20 bytes");
  /* a reset in the middle */
  fd = half_open (server->port, hello, 20);
  tls_client_reset (NULL, fd);
  expect_error (server, 2, INET_ERROR_TLS_PEER_CLOSED, NULL);
  g_assert_cmpuint (tls_server_get (server, &server->connects), ==, 0);
  g_assert_cmpuint (handshake_failures (server), ==, 3);
  g_byte_array_free (hello, TRUE);
  tls_server_stop (server);
}

static void
test_timeout (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 1); /* one second */
  GByteArray *hello = client_hello ();
  int fd = half_open (server->port, hello, 10);

  (void) data;
  expect_error (server, 0, INET_ERROR_TLS_TIMEOUT, "10 bytes received");
  close (fd);
  g_assert_cmpuint (handshake_failures (server), ==, 1);
  g_byte_array_free (hello, TRUE);
  tls_server_stop (server);
}

/* Without a server timeout a silent handshake still ends, after
 * INET_HANDSHAKE_DEFAULT_TIMEOUT seconds (and not before). */
static void
test_default_bound (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 0);
  GByteArray *hello = client_hello ();
  gint64 start = g_get_monotonic_time ();
  int fd = half_open (server->port, hello, 10);
  gint64 deadline = start + (INET_HANDSHAKE_DEFAULT_TIMEOUT + 30) * G_USEC_PER_SEC;

  (void) data;
  g_test_summary ("A TLS handshake without a server timeout is bounded anyway");
  while (tls_server_get (server, &server->errors) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (100000);
  g_assert_cmpuint (tls_server_get (server, &server->errors), ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, >=,
                   (INET_HANDSHAKE_DEFAULT_TIMEOUT - 1) * G_USEC_PER_SEC);
  g_assert_cmpuint (tls_server_error_code (server, 0), ==, INET_ERROR_TLS_TIMEOUT);
  close (fd);
  g_byte_array_free (hello, TRUE);
  tls_server_stop (server);
}

/* The client refuses our certificate (it trusts nothing). */
static void
test_client_rejects_server (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 10);
  SSL_CTX *ctx = tls_client_ctx (0, 0);
  int fd = tls_tcp_connect (server->port);

  (void) data;
  SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER, NULL);
  g_assert_null (tls_client_handshake (ctx, fd, "localhost"));
  expect_error (server, 0, INET_ERROR_TLS_UNKNOWN_CA, "does not accept this server's certificate");
  close (fd);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
}

/* ---------------------------------------------------- client certificates */

typedef struct
{
  char *ca;
  char *client;                     /* certificate + key, signed by ca */
  char *stranger;                   /* self-signed client certificate + key */
} ClientCerts;

static ClientCerts
make_client_certs (const char *dir)
{
  ClientCerts certs = {
    .ca = tls_test_path (dir, "ca.pem"),
    .client = tls_test_path (dir, "client.pem"),
    .stranger = tls_test_path (dir, "stranger.pem"),
  };
  INETCERTIFICATEPARAMS ca = {
    .dwSize = sizeof ca, .dwFlags = INET_CERT_FLAG_CA, .lpszCommonName = "Test CA",
    .lpszCertFile = certs.ca,
  };
  INETCERTIFICATEPARAMS client = {
    .dwSize = sizeof client, .dwFlags = INET_CERT_FLAG_CLIENT | INET_CERT_FLAG_NO_DEFAULT_NAMES,
    .lpszCommonName = "client.test", .lpszCertFile = certs.client, .lpszIssuerCertFile = certs.ca,
  };
  INETCERTIFICATEPARAMS stranger = {
    .dwSize = sizeof stranger,
    .dwFlags = INET_CERT_FLAG_CLIENT | INET_CERT_FLAG_NO_DEFAULT_NAMES,
    .lpszCommonName = "stranger.test", .lpszCertFile = certs.stranger,
  };

  tls_test_make (&ca);
  tls_test_make (&client);
  tls_test_make (&stranger);
  return certs;
}

static void
client_certs_free (ClientCerts *certs)
{
  g_free (certs->ca);
  g_free (certs->client);
  g_free (certs->stranger);
}

static SSL_CTX *
client_ctx_with_cert (const char *pem)
{
  SSL_CTX *ctx = tls_client_ctx (0, 0);

  if (pem != NULL)
    {
      g_assert_cmpint (SSL_CTX_use_certificate_chain_file (ctx, pem), ==, 1);
      g_assert_cmpint (SSL_CTX_use_PrivateKey_file (ctx, pem, SSL_FILETYPE_PEM), ==, 1);
    }
  return ctx;
}

/* A client with this certificate (NULL: none) is refused: ERROR number i of
 * server, with code and word. TLS 1.3 clients learn it at their first read. */
static void
expect_refused_cert (TlsServer *server, const char *pem, guint i, DWORD code, const char *word)
{
  SSL_CTX *ctx = client_ctx_with_cert (pem);
  int fd = tls_tcp_connect (server->port);
  SSL *ssl = tls_client_handshake (ctx, fd, NULL);
  char byte;

  if (ssl != NULL)
    {
      g_assert_cmpint (SSL_read (ssl, &byte, 1), <=, 0);
      SSL_free (ssl);
    }
  expect_error (server, i, code, word);
  close (fd);
  SSL_CTX_free (ctx);
}

static void
test_client_cert_required (Fixture *f, gconstpointer data)
{
  ClientCerts certs = make_client_certs (f->dir);
  SECURITYCREDENTIALS c = f->credentials;
  TlsServer *server;
  SSL_CTX *ctx;
  TlsClient client;
  INETSECURITYINFO info;

  (void) data;
  c.dwOptions = INET_CREDENTIAL_REQUIRE_CLIENT_CERT;
  c.lpszCAFile = certs.ca;
  server = tls_server_start (&c, 10);

  ctx = client_ctx_with_cert (certs.client);
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "with a certificate");
  info = tls_server_info (server, 0);
  g_assert_cmpstr (info.szPeerSubject, ==, "CN=client.test");
  g_assert_cmpstr (info.szPeerIssuer, ==, "CN=Test CA");
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);

  /* none */
  expect_refused_cert (server, NULL, 0, INET_ERROR_TLS_NO_CLIENT_CERT, "no certificate");
  /* one from another CA */
  expect_refused_cert (server, certs.stranger, 1, INET_ERROR_TLS_UNKNOWN_CA,
                       "self-signed certificate");

  g_assert_cmpuint (tls_server_get (server, &server->connects), ==, 1);
  g_assert_cmpuint (handshake_failures (server), ==, 2);
  ERR_clear_error ();
  tls_server_stop (server);
  client_certs_free (&certs);
}

static void
test_client_cert_requested (Fixture *f, gconstpointer data)
{
  ClientCerts certs = make_client_certs (f->dir);
  SECURITYCREDENTIALS c = f->credentials;
  TlsServer *server;
  SSL_CTX *ctx;
  TlsClient client;

  (void) data;
  /* asked for, not verified (no CA file): the console shows who it is */
  c.dwOptions = INET_CREDENTIAL_REQUEST_CLIENT_CERT;
  server = tls_server_start (&c, 10);
  ctx = client_ctx_with_cert (certs.stranger);
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "ping");
  g_assert_cmpstr (tls_server_info (server, 0).szPeerSubject, ==, "CN=stranger.test");
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);

  ctx = client_ctx_with_cert (NULL);
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "ping");
  g_assert_cmpstr (tls_server_info (server, 1).szPeerSubject, ==, "");
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);
  tls_server_stop (server);
  client_certs_free (&certs);
}

/* ------------------------------------------------------------- half-open */

#define HALF_OPEN 300

static void
test_half_open (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 60);
  GByteArray *hello = client_hello ();
  int fds[HALF_OPEN];
  SSL_CTX *ctx;
  TlsClient client;
  INETSERVERSTATS stats = { .dwSize = sizeof stats };

  (void) data;
  /* some send nothing, some a piece of a ClientHello */
  for (int i = 0; i < HALF_OPEN; i++)
    fds[i] = half_open (server->port, hello, (size_t) (i % 3) * 7);
  /* a real client still gets through, and is served */
  ctx = tls_client_ctx (0, 0);
  client = tls_client_open (ctx, server->port, NULL);
  tls_client_echo_check (&client, "not starved");
  g_assert_cmpuint (tls_server_get (server, &server->connects), ==, 1);
  g_assert_cmpuint (tls_server_get (server, &server->errors), ==, 0);
  g_assert_true (InetGetServerStats (server->handle, &stats));
  g_assert_cmpuint (stats.nActive, ==, HALF_OPEN + 1);
  tls_client_close (client.ssl, client.fd, TRUE);
  SSL_CTX_free (ctx);

  /* when they give up, each is one failure */
  for (int i = 0; i < HALF_OPEN; i++)
    close (fds[i]);
  g_assert_true (tls_server_wait (server, &server->errors, HALF_OPEN));
  for (int i = 0; i < HALF_OPEN; i++)
    g_assert_cmpuint (tls_server_error_code (server, (guint) i), ==, INET_ERROR_TLS_PEER_CLOSED);
  g_assert_cmpuint (handshake_failures (server), ==, HALF_OPEN);
  g_byte_array_free (hello, TRUE);
  tls_server_stop (server);
}

/* A stop does not wait for handshakes, and they are not failures. */
static void
test_stop_during_handshake (Fixture *f, gconstpointer data)
{
  TlsServer *server = tls_server_start (&f->credentials, 0); /* no timeout at all */
  GByteArray *hello = client_hello ();
  int fds[50];

  (void) data;
  for (int i = 0; i < 50; i++)
    fds[i] = half_open (server->port, hello, (size_t) (i % 2) * 30);
  /* wait until every one is a session in its handshake */
  g_assert_cmpuint (tls_server_wait_active (server, 50).nActive, ==, 50);
  g_assert_true (InetServerStop (server->handle));
  server->handle = INVALID_SOCKET;
  g_assert_cmpuint (server->errors, ==, 0);
  g_assert_cmpuint (server->connects, ==, 0);
  for (int i = 0; i < 50; i++)
    close (fds[i]);
  g_byte_array_free (hello, TRUE);
  tls_server_stop (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  tls_test_init_signals ();

#define ADD(path, fn) g_test_add ("/tls/handshake/" path, Fixture, NULL, tls_cert_fixture_setup, fn, \
                                  tls_cert_fixture_teardown)
  ADD ("tls13-details", test_tls13_details);
  ADD ("tls12-details", test_tls12_details);
  ADD ("group-p256", test_group_p256);
  ADD ("no-renegotiation", test_no_renegotiation);
  ADD ("alpn", test_alpn);
  ADD ("resumption", test_resumption);
  ADD ("plaintext", test_plaintext);
  ADD ("garbage", test_garbage);
  ADD ("old-version", test_old_version);
  ADD ("tls13-minimum", test_tls13_minimum);
  ADD ("weak-ciphers", test_weak_ciphers);
  ADD ("client-gave-up", test_client_gave_up);
  ADD ("timeout", test_timeout);
  ADD ("default-bound", test_default_bound);
  ADD ("client-rejects-server", test_client_rejects_server);
  ADD ("client-cert-required", test_client_cert_required);
  ADD ("client-cert-requested", test_client_cert_requested);
  ADD ("half-open", test_half_open);
  ADD ("stop-during-handshake", test_stop_during_handshake);
#undef ADD
  return g_test_run ();
}
