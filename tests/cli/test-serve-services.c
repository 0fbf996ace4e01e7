/* test-serve-services.c - the services through inet-serve: RFC behaviour
 * with socket clients, http with curl (keep-alive, HEAD, malformed) and a
 * wrk smoke run when wrk is installed, --profile, and TLS (openssl
 * s_client) or its clear refusal while the engine has no TLS.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cli-test-util.h"
#include "ic-profile.h"
#include "ic-test-utils.h"

#include <inet-cert.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char *
url (TuServe    *serve,
     const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", tu_serve_port (serve), path);
}

/* ------------------------------------------------------- stream services */

static void
test_echo (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("--service=echo", "127.0.0.1:0"), TRUE);
  guint8 sent[4096], got[sizeof sent];
  JsonObject *disconnect;
  int fd;

  for (guint i = 0; i < sizeof sent; i++)
    sent[i] = (guint8) (i * 31);
  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  tu_send (fd, sent, sizeof sent);
  tu_recv_exact (fd, got, sizeof got);
  g_assert_cmpmem (got, sizeof got, sent, sizeof sent);
  close (fd);
  disconnect = tu_serve_expect (serve, "disconnect", 1);
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_in"), ==, sizeof sent);
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_out"), ==, sizeof sent);
  tu_serve_stop (serve);
}

static void
test_discard (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("--service=discard", "127.0.0.1:0"), TRUE);
  JsonObject *disconnect;
  int fd;

  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  tu_send_text (fd, "nobody reads this\r\n");
  g_assert_true (tu_recv_nothing (fd, 200));
  close (fd);
  disconnect = tu_serve_expect (serve, "disconnect", 1);
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_in"), ==, 19);
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_out"), ==, 0);
  tu_serve_stop (serve);
}

static void
test_chargen (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("--service=chargen", "127.0.0.1:0"), TRUE);
  char line[75];
  int fd;

  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  for (guint k = 0; k < 200; k++)
    {
      tu_recv_exact (fd, line, 74);
      line[74] = '\0';
      for (guint j = 0; j < 72; j++)
        g_assert_cmpint (line[j], ==, ' ' + (k + j) % 95);
      g_assert_cmpstr (line + 72, ==, "\r\n");
    }
  close (fd);
  /* the stream ends when the client leaves */
  g_assert_cmpstr (json_object_get_string_member (tu_serve_expect (serve, "disconnect", 1),
                                                  "event"),
                   ==, "disconnect");
  tu_serve_stop (serve);
}

static void
test_daytime (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("--service=daytime", "127.0.0.1:0"), TRUE);
  g_autoptr (GByteArray) data = NULL;
  JsonObject *disconnect;
  int fd;

  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  data = tu_recv_until_close (fd, 4096, NULL);
  g_byte_array_append (data, (const guint8 *) "", 1);
  g_assert_true (g_str_has_suffix ((const char *) data->data, "\r\n"));
  g_assert_cmpuint (strlen ((const char *) data->data), >, 20);
  close (fd);
  disconnect = tu_serve_expect (serve, "disconnect", 1);
  g_assert_cmpstr (json_object_get_string_member (disconnect, "reason"), ==, "server");
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_out"), ==, data->len - 1);
  tu_serve_stop (serve);
}

static void
test_banner (void)
{
  g_autoptr (TuServe) serve =
    tu_serve_start (ARGS ("--service=banner", "--banner=* OK {client} ready", "127.0.0.1:0"),
                    TRUE);
  g_autofree char *line = NULL;
  char got[4];
  int fd;

  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "* OK 1 ready\r\n");
  tu_send_text (fd, "echo");
  tu_recv_exact (fd, got, 4);
  g_assert_cmpmem (got, 4, "echo", 4);
  close (fd);
  tu_serve_stop (serve);
}

/* ----------------------------------------------------------------- http */

static gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

static void
test_http_curl (void)
{
  g_autoptr (TuServe) serve = NULL;
  g_autofree char *u1 = NULL;
  g_autofree char *u2 = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!have_program ("curl"))
    {
      g_test_skip ("curl is not installed");
      return;
    }
  serve = tu_serve_start (ARGS ("--service=http", "127.0.0.1:0"), TRUE);
  u1 = url (serve, "/one");
  u2 = url (serve, "/two");

  /* keep-alive: two requests, one connection */
  g_assert_cmpint (tu_run (ARGS ("curl", "-sS", "-v", "--fail", u1, u2), NULL, &out, &err), ==,
                   0);
  g_assert_cmpstr (out, ==, "Hello from inet-serve.\nHello from inet-serve.\n");
  g_assert_nonnull (strstr (err, "Re-using existing connection"));
  g_assert_nonnull (strstr (err, "< HTTP/1.1 200 OK"));
  g_assert_cmpuint (tu_serve_count (serve, "connect"), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* HEAD: headers, no body */
  g_assert_cmpint (tu_run (ARGS ("curl", "-sS", "-I", u1), NULL, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "HTTP/1.1 200 OK\r\n"));
  g_assert_nonnull (strstr (out, "Content-Length: 23\r\n"));
  g_assert_null (strstr (out, "Hello"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* POST with a body, then malformed: a bad method token gets 400 */
  g_assert_cmpint (tu_run (ARGS ("curl", "-sS", "--fail", "--data-binary", "x=1", u1), NULL, &out,
                           &err), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tu_run (ARGS ("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X",
                                 "BAD METHOD", u1), NULL, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, "400");
  tu_serve_stop (serve);
}

static void
test_http_body_option (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = ic_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "body.json", NULL);
  g_autoptr (TuServe) serve = NULL;
  int fd;
  g_autoptr (GByteArray) data = NULL;

  g_assert_true (g_file_set_contents (path, "{\"ok\":true}", -1, &error));
  serve = tu_serve_start (ARGS ("--service=http", "--http-body", path, "127.0.0.1:0"), TRUE);
  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  tu_send_text (fd, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  data = tu_recv_until_close (fd, 65536, NULL);
  g_byte_array_append (data, (const guint8 *) "", 1);
  g_assert_true (g_str_has_suffix ((const char *) data->data, "\r\n\r\n{\"ok\":true}"));
  g_assert_nonnull (strstr ((const char *) data->data, "Content-Type: application/json"));
  close (fd);
  tu_serve_stop (serve);
  ic_test_remove_tree (dir);
}

static void
test_http_wrk (void)
{
  g_autoptr (TuServe) serve = NULL;
  g_autofree char *u = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (!have_program ("wrk"))
    {
      g_test_skip ("wrk is not installed");
      return;
    }
  serve = tu_serve_start (ARGS ("--service=http", "127.0.0.1:0"), TRUE);
  u = url (serve, "/");
  g_assert_cmpint (tu_run (ARGS ("wrk", "-t", "2", "-c", "20", "-d", "1s", "--timeout", "10s", u), NULL, &out, &err),
                   ==, 0);
  g_test_message ("%s", out);
  /* a smoke run: requests went through, no errors, no non-2xx answers */
  g_assert_nonnull (strstr (out, "Requests/sec:"));
  g_assert_null (strstr (out, "Socket errors"));
  g_assert_null (strstr (out, "Non-2xx"));
  tu_serve_stop (serve);
  /* wrk's connections all came and went */
  g_assert_cmpuint (tu_serve_count (serve, "connect"), ==, tu_serve_count (serve, "disconnect"));
  g_assert_cmpuint (tu_serve_count (serve, "connect"), >=, 20);
}

/* -------------------------------------------------------------- profile */

static void
test_profile (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *config = ic_test_make_tmp_dir ();
  g_autofree char *dir = g_build_filename (config, "inet-console", "profiles", NULL);
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autoptr (TuServe) serve = NULL;
  g_autoptr (TuServe) override = NULL;
  g_autofree char *line = NULL;
  const char *env[] = { "XDG_CONFIG_HOME", config, NULL };
  JsonObject *listening;
  int fd;

  profile->name = g_strdup ("smtp like");
  profile->service = IC_SERVICE_DISCARD;
  profile->banner = g_strdup ("220 test ESMTP");
  profile->max_clients = 5;
  g_ptr_array_add (profile->rules, ic_rule_new (IC_RULE_STARTS_WITH, "QUIT", "221 bye\\r\\n", FALSE));
  g_assert_true (ic_profile_save (profile, dir, &error));
  g_assert_no_error (error);

  /* what the console saved runs headless */
  serve = tu_serve_start_env (ARGS ("--profile=smtp like"), env, TRUE);
  listening = tu_serve_expect (serve, "listening", 1);
  g_assert_cmpstr (json_object_get_string_member (listening, "address"), ==, "127.0.0.1");
  g_assert_cmpstr (json_object_get_string_member (listening, "service"), ==, "discard");
  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "220 test ESMTP\r\n");
  g_clear_pointer (&line, g_free);
  tu_send_text (fd, "QUIT\r\n");
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "221 bye\r\n");
  close (fd);
  tu_serve_stop (serve);

  /* options on the command line override it */
  override = tu_serve_start_env (ARGS ("--profile=smtp like", "--service=echo", "[::1]:0"), env,
                                 FALSE);
  listening = tu_serve_wait (override, "listening", 1, TU_TIMEOUT_MS);
  if (listening != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (listening, "service"), ==, "echo");
      g_assert_cmpstr (json_object_get_string_member (listening, "address"), ==, "::1");
      tu_serve_stop (override);
    }
  else
    g_test_message ("no IPv6 here: override checked for the service only");

  g_assert_true (ic_profile_delete ("smtp like", dir, &error));
  ic_test_remove_tree (config);
}

static void
test_profile_invalid (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *config = ic_test_make_tmp_dir ();
  g_autofree char *dir = g_build_filename (config, "inet-console", "profiles", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.profile", NULL);
  g_autofree char *err = NULL;
  g_autoptr (TuServe) serve = NULL;
  const char *env[] = { "XDG_CONFIG_HOME", config, NULL };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "[Server]\nPort=99999\n", -1, &error));
  serve = tu_serve_start_env (ARGS ("--profile=bad"), env, FALSE);
  g_assert_cmpint (tu_serve_wait_exit (serve, TU_TIMEOUT_MS), ==, 2);
  err = tu_serve_stderr (serve);
  g_test_message ("%s", err);
  /* the message names the bad key and value */
  g_assert_nonnull (strstr (err, "Port"));
  g_assert_nonnull (strstr (err, "99999"));
  ic_test_remove_tree (config);
}

/* ------------------------------------------------------------------ TLS */

typedef struct
{
  char *dir;
  char *cert;                 /* certificate */
  char *key;                  /* its key, encrypted with "secret" */
  char *p12;                  /* both, PKCS#12 with "p12pass" */
  char *other_key;            /* the key of another certificate */
  char *password;             /* "secret" */
  char *p12_password;         /* "p12pass" */
  char *wrong_password;
} Certs;

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
}

static void
certs_make (Certs *certs)
{
  INETCERTIFICATEPARAMS params = { .dwSize = sizeof params };

  certs->dir = ic_test_make_tmp_dir ();
  certs->cert = g_build_filename (certs->dir, "cert.pem", NULL);
  certs->key = g_build_filename (certs->dir, "key.pem", NULL);
  certs->p12 = g_build_filename (certs->dir, "both.p12", NULL);
  certs->other_key = g_build_filename (certs->dir, "other-key.pem", NULL);
  certs->password = g_build_filename (certs->dir, "password", NULL);
  certs->p12_password = g_build_filename (certs->dir, "p12-password", NULL);
  certs->wrong_password = g_build_filename (certs->dir, "wrong-password", NULL);

  params.dwKeyType = INET_CERT_KEY_ECDSA_P256;
  params.lpszCertFile = certs->cert;
  params.lpszKeyFile = certs->key;
  params.lpszKeyPassword = "secret";
  params.lpszPkcs12File = certs->p12;
  params.lpszPkcs12Password = "p12pass";
  g_assert_true (InetCreateSelfSignedCertificate (&params));
  ic_test_make_engine_certificate (certs->dir, "other-cert.pem", "other-key.pem",
                                   INET_CERT_KEY_ECDSA_P256, 0, 0, NULL, NULL);

  write_text (certs->password, "secret\n");
  write_text (certs->p12_password, "p12pass\n");
  write_text (certs->wrong_password, "not-it\n");
}

static void
certs_clear (Certs *certs)
{
  ic_test_remove_tree (certs->dir);
  g_free (certs->dir);
  g_free (certs->cert);
  g_free (certs->key);
  g_free (certs->p12);
  g_free (certs->other_key);
  g_free (certs->password);
  g_free (certs->p12_password);
  g_free (certs->wrong_password);
}

/* openssl s_client: sends `input`, returns what came back (stdout). */
static char *
s_client (guint       port,
          const char *input,
          char      **err)
{
  g_autofree char *connect = g_strdup_printf ("127.0.0.1:%u", port);
  char *out = NULL;
  int status;

  /* -ign_eof: wait for the server to close after the answer */
  status = tu_run (ARGS ("openssl", "s_client", "-connect", connect, "-servername", "localhost",
                         "-quiet", "-ign_eof"), input, &out, err);
  g_assert_cmpint (status, ==, 0);
  return out;
}

/* An HTTP request over TLS with openssl s_client; the http service closes
 * after it ("Connection: close"), which ends s_client. */
static void
assert_tls_request (TuServe *serve)
{
  const char *request = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *connect, *disconnect, *tls;

  out = s_client (tu_serve_port (serve), request, &err);
  g_assert_true (g_str_has_prefix (out, "HTTP/1.1 200 OK\r\n"));
  g_assert_true (g_str_has_suffix (out, "\r\n\r\nHello from inet-serve.\n"));

  connect = tu_serve_expect (serve, "connect", 1);
  tls = json_object_get_object_member (connect, "tls");
  g_assert_nonnull (tls);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (tls, "version"), "TLSv1."));
  g_assert_cmpstr (json_object_get_string_member (tls, "cipher"), !=, "");
  g_assert_cmpstr (json_object_get_string_member (tls, "sni"), ==, "localhost");
  disconnect = tu_serve_expect (serve, "disconnect", 1);
  /* application bytes: the plaintext, not the records */
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_in"), ==, strlen (request));
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_out"), ==, strlen (out));
}

static void
test_tls_self_signed (void)
{
  g_autoptr (TuServe) serve = NULL;
  JsonObject *listening, *tls;

  if (!have_program ("openssl"))
    {
      g_test_skip ("no openssl command");
      return;
    }
  serve = tu_serve_start (ARGS ("--service=http", "--tls", "--self-signed", "127.0.0.1:0"), TRUE);
  listening = tu_serve_expect (serve, "listening", 1);
  g_assert_true (json_object_get_boolean_member (listening, "secure"));
  tls = json_object_get_object_member (listening, "tls");
  g_assert_cmpstr (json_object_get_string_member (tls, "subject"), ==, "CN=localhost");
  g_assert_nonnull (strstr (json_object_get_string_member (tls, "names"), "IP:127.0.0.1"));
  g_assert_nonnull (strstr (json_object_get_string_member (tls, "names"), "DNS:localhost"));
  g_assert_true (json_object_get_boolean_member (tls, "self_signed"));
  assert_tls_request (serve);
  tu_serve_stop (serve);
}

static void
test_tls_cert_key (void)
{
  g_autoptr (TuServe) serve = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *password = NULL;
  Certs certs = { 0 };

  if (!have_program ("openssl"))
    {
      g_test_skip ("no openssl command");
      return;
    }
  certs_make (&certs);
  cert = g_strconcat ("--cert=", certs.cert, NULL);
  key = g_strconcat ("--key=", certs.key, NULL);
  password = g_strconcat ("--key-password-file=", certs.password, NULL);
  serve = tu_serve_start (ARGS ("--service=http", "--tls", cert, key, password, "127.0.0.1:0"),
                          TRUE);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (tu_serve_expect (serve, "listening", 1), "tls"),
                     "key"),
                   ==, "EC P-256");
  assert_tls_request (serve);
  tu_serve_stop (serve);
  certs_clear (&certs);
}

static void
test_tls_pkcs12 (void)
{
  g_autoptr (TuServe) serve = NULL;
  g_autofree char *p12 = NULL;
  g_autofree char *password = NULL;
  Certs certs = { 0 };

  if (!have_program ("openssl"))
    {
      g_test_skip ("no openssl command");
      return;
    }
  certs_make (&certs);
  p12 = g_strconcat ("--pkcs12=", certs.p12, NULL);
  password = g_strconcat ("--password-file=", certs.p12_password, NULL);
  serve = tu_serve_start (ARGS ("--service=http", "--tls", p12, password, "127.0.0.1:0"), TRUE);
  assert_tls_request (serve);
  tu_serve_stop (serve);
  certs_clear (&certs);
}

static void
test_tls_start_failures (void)
{
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  g_autofree char *other_key = NULL;
  g_autofree char *password = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *p12 = NULL;
  g_autofree char *p12_wrong = NULL;
  Certs certs = { 0 };

  certs_make (&certs);
  cert = g_strconcat ("--cert=", certs.cert, NULL);
  key = g_strconcat ("--key=", certs.key, NULL);
  other_key = g_strconcat ("--key=", certs.other_key, NULL);
  password = g_strconcat ("--key-password-file=", certs.password, NULL);
  wrong = g_strconcat ("--key-password-file=", certs.wrong_password, NULL);
  p12 = g_strconcat ("--pkcs12=", certs.p12, NULL);
  p12_wrong = g_strconcat ("--password-file=", certs.wrong_password, NULL);

  /* a missing file, named */
  tu_assert_start_failure (ARGS ("--tls", "--cert=/nonexistent/cert.pem", "127.0.0.1:0"),
                           "cannot serve TLS: ", "/nonexistent/cert.pem");
  /* the key of another certificate */
  tu_assert_start_failure (ARGS ("--tls", cert, other_key, "127.0.0.1:0"), "cannot serve TLS: ",
                           "does not belong");
  /* a wrong password, for a key and for a PKCS#12 file */
  tu_assert_start_failure (ARGS ("--tls", cert, key, wrong, "127.0.0.1:0"), "cannot serve TLS: ",
                           "password");
  tu_assert_start_failure (ARGS ("--tls", p12, p12_wrong, "127.0.0.1:0"), "cannot serve TLS: ",
                           "password");
  /* no password for an encrypted key */
  tu_assert_start_failure (ARGS ("--tls", cert, key, "127.0.0.1:0"), "cannot serve TLS: ",
                           "password");
  certs_clear (&certs);
}

static void
test_tls_handshake_error (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("--tls", "--self-signed", "127.0.0.1:0"),
                                              TRUE);
  g_autoptr (GByteArray) rest = NULL;
  g_autofree char *peer = NULL;
  JsonObject *error;
  int fd;

  /* plaintext to the TLS port: an error event, never a connect */
  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  peer = tu_local_peer (fd);
  tu_send_text (fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  error = tu_serve_expect (serve, "error", 1);
  g_assert_cmpstr (json_object_get_string_member (error, "peer"), ==, peer);
  g_assert_cmpint (json_object_get_int_member (error, "client"), >=, 1);
  g_assert_cmpint (json_object_get_int_member (error, "code"), ==, INET_ERROR_TLS_PLAINTEXT);
  g_assert_cmpstr (json_object_get_string_member (error, "reason"), !=, "");
  rest = tu_recv_until_close (fd, 65536, NULL);
  close (fd);
  tu_serve_stop (serve);
  g_assert_cmpuint (tu_serve_count (serve, "connect"), ==, 0);
  g_assert_cmpuint (tu_serve_count (serve, "disconnect"), ==, 0);
}

static void
test_tls_http_curl (void)
{
  g_autoptr (TuServe) serve = NULL;
  g_autofree char *u = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonObject *connect;

  if (!have_program ("curl"))
    {
      g_test_skip ("curl is not installed");
      return;
    }
  serve = tu_serve_start (ARGS ("--service=http", "--tls", "--self-signed", "127.0.0.1:0"), TRUE);
  u = g_strdup_printf ("https://localhost:%u/", tu_serve_port (serve));
  g_assert_cmpint (tu_run (ARGS ("curl", "-sS", "-v", "-k", "--fail", u, u), NULL, &out, &err), ==,
                   0);
  g_assert_cmpstr (out, ==, "Hello from inet-serve.\nHello from inet-serve.\n");
  g_assert_nonnull (strstr (err, "Re-using existing connection"));
  connect = tu_serve_expect (serve, "connect", 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (connect, "tls"),
                                                  "alpn"),
                   ==, "http/1.1");
  tu_serve_stop (serve);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/serve-services/echo", test_echo);
  g_test_add_func ("/cli/serve-services/discard", test_discard);
  g_test_add_func ("/cli/serve-services/chargen", test_chargen);
  g_test_add_func ("/cli/serve-services/daytime", test_daytime);
  g_test_add_func ("/cli/serve-services/banner", test_banner);
  g_test_add_func ("/cli/serve-services/http/curl", test_http_curl);
  g_test_add_func ("/cli/serve-services/http/body-option", test_http_body_option);
  g_test_add_func ("/cli/serve-services/http/wrk", test_http_wrk);
  g_test_add_func ("/cli/serve-services/profile", test_profile);
  g_test_add_func ("/cli/serve-services/profile-invalid", test_profile_invalid);
  g_test_add_func ("/cli/serve-services/tls/self-signed", test_tls_self_signed);
  g_test_add_func ("/cli/serve-services/tls/cert-key", test_tls_cert_key);
  g_test_add_func ("/cli/serve-services/tls/pkcs12", test_tls_pkcs12);
  g_test_add_func ("/cli/serve-services/tls/start-failures", test_tls_start_failures);
  g_test_add_func ("/cli/serve-services/tls/handshake-error", test_tls_handshake_error);
  g_test_add_func ("/cli/serve-services/tls/http-curl", test_tls_http_curl);

  return g_test_run ();
}
