/* test-app-tls.c - a TLS server model with real clients over loopback:
 * the client rows carry the handshake details; failed handshakes (plain
 * text, unknown CA, version mismatch, timeout) land in the server's
 * failed-handshake list with their reason and in the log; the ready client
 * command lines work when pasted (openssl s_client, curl).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-model.h"
#include "ic-test-utils.h"

#include <string.h>
#include <unistd.h>

typedef struct
{
  GMainContext *context;
  char *dir;
  char *cert;
  char *key;
  IcServer *server;
} Fixture;

static gboolean have_openssl;
static gboolean have_curl;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->dir = ic_test_make_tmp_dir ();
  /* a space in the names: quoting */
  ic_test_make_certificate (f->dir, "my server.pem", "my server.key", &f->cert, &f->key);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->server != NULL)
    g_assert_finalize_object (g_steal_pointer (&f->server));
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
  ic_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->cert);
  g_free (f->key);
}

static IcProfile *
make_profile (Fixture       *f,
              IcServiceKind  service)
{
  IcProfile *profile = ic_profile_new ();

  profile->name = g_strdup ("tls");
  profile->service = service;
  profile->tls = TRUE;
  profile->cert_file = g_strdup (f->cert);
  profile->key_file = g_strdup (f->key);
  return profile;
}

static void
start (Fixture         *f,
       const IcProfile *profile)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->server);
  f->server = ic_server_new (profile);
  g_assert_true (ic_server_start (f->server, &error));
  g_assert_no_error (error);
}

/* Runs a command line through the shell, as a person pasting it would;
 * stdin gets input. Returns the exit status; output in *out (both streams). */
static int
run_shell (const char *command,
           const char *input,
           char      **out)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  /* bounded: a client that hangs fails the test instead of stalling it */
  const char *argv[] = { "timeout", "20", "sh", "-c", command, NULL };

  process = g_subprocess_newv (argv,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, input, NULL, &stdout_text, NULL, &error));
  g_assert_no_error (error);
  g_test_message ("$ %s\n%s", command, stdout_text);
  if (out)
    *out = g_steal_pointer (&stdout_text);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static guint
n_failures (Fixture *f)
{
  return g_list_model_get_n_items (ic_server_get_handshake_failures (f->server));
}

static IcHandshakeFailure *
failure (Fixture *f,
         guint    i)
{
  IcHandshakeFailure *item = g_list_model_get_item (ic_server_get_handshake_failures (f->server), i);

  g_object_unref (item); /* the store keeps it */
  return item;
}

/* ------------------------------------------------------------- tests */

static void
test_client_details (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (f, IC_SERVICE_HTTP);
  g_autofree char *command = NULL;
  g_autofree char *background = NULL;
  g_autofree char *version = NULL, *cipher = NULL, *group = NULL, *sni = NULL, *alpn = NULL;
  guint handshake = 0;
  gboolean secure = FALSE, resumed = TRUE;
  GListModel *clients;
  g_autoptr(IcClient) client = NULL;

  if (!have_openssl)
    {
      g_test_skip ("no openssl command");
      return;
    }
  start (f, profile);
  clients = ic_server_get_clients (f->server);

  /* a client that stays connected until we saw its row */
  command = g_strdup_printf ("sleep 3 | timeout 20 openssl s_client -connect 127.0.0.1:%u "
                             "-servername localhost -alpn h2,http/1.1",
                             ic_server_get_port (f->server));
  /* in the background, every output away: the shell returns at once */
  background = g_strdup_printf ("(%s) </dev/null >/dev/null 2>&1 &", command);
  g_assert_cmpint (run_shell (background, NULL, NULL), ==, 0);
  IC_TEST_SPIN_UNTIL (f->context, g_list_model_get_n_items (clients) == 1);

  client = g_list_model_get_item (clients, 0);
  g_object_get (client, "secure", &secure, "tls-version", &version, "tls-cipher", &cipher,
                "tls-group", &group, "tls-sni", &sni, "tls-resumed", &resumed,
                "tls-handshake-time", &handshake, "tls-alpn", &alpn, NULL);
  g_assert_true (secure);
  g_assert_cmpstr (version, ==, "TLSv1.3");
  g_assert_true (g_str_has_prefix (cipher, "TLS_"));
  g_assert_nonnull (group);
  g_assert_cmpuint (strlen (group), >, 0);
  g_assert_cmpstr (sni, ==, "localhost");
  /* the HTTP service answers ALPN with HTTP/1.1, never h2 */
  g_assert_cmpstr (alpn, ==, "http/1.1");
  g_assert_false (resumed);
  g_assert_cmpuint (handshake, >, 0);
  g_assert_cmpuint (n_failures (f), ==, 0);
  g_assert_true (ic_test_log_has (ic_server_get_log (f->server), IC_EVENT_N_KINDS, "TLSv1.3"));
  IC_TEST_SPIN_UNTIL (f->context, g_list_model_get_n_items (clients) == 0);
}

static void
test_plaintext (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (f, IC_SERVICE_HTTP);
  IcHandshakeFailure *item;
  guint local_port = 0;
  g_autofree char *peer = NULL;
  g_autofree char *reason = NULL;
  int fd;

  start (f, profile);
  fd = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), &local_port);
  ic_test_write_all (fd, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
  g_assert_cmpint (ic_test_wait_closed (fd, IC_TEST_TIMEOUT_MS), >=, 0);
  close (fd);

  IC_TEST_SPIN_UNTIL (f->context, n_failures (f) == 1);
  item = failure (f, 0);
  g_assert_cmpuint (ic_handshake_failure_get_code (item), ==, INET_ERROR_TLS_PLAINTEXT);
  peer = g_strdup_printf ("127.0.0.1:%u", local_port);
  g_assert_cmpstr (ic_handshake_failure_get_peer (item), ==, peer);
  g_assert_cmpuint (ic_handshake_failure_get_client_id (item), >, 0);
  g_assert_nonnull (strstr (ic_handshake_failure_get_detail (item), "GET /"));
  g_object_get (item, "reason", &reason, NULL);
  g_assert_cmpstr (reason, ==, ic_handshake_failure_code_reason (INET_ERROR_TLS_PLAINTEXT));
  g_assert_nonnull (strstr (ic_handshake_failure_get_explanation (item), "https://"));
  /* the log says it in the same words */
  g_assert_true (ic_test_log_has (ic_server_get_log (f->server), IC_EVENT_N_KINDS, reason));
  /* no client row: the session never began */
  g_assert_cmpuint (g_list_model_get_n_items (ic_server_get_clients (f->server)), ==, 0);
  g_assert_cmpuint (ic_test_server_counter (f->server, "handshake-failures"), ==, 1);

  /* a new start begins a new list */
  ic_server_stop (f->server);
  g_assert_cmpuint (n_failures (f), ==, 1);
  g_assert_true (ic_server_start (f->server, NULL));
  g_assert_cmpuint (n_failures (f), ==, 0);
}

static void
test_unknown_ca (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (f, IC_SERVICE_ECHO);
  g_autofree char *command = NULL;

  if (!have_openssl)
    {
      g_test_skip ("no openssl command");
      return;
    }
  start (f, profile);
  /* a client that checks certificates and was not given ours */
  command = g_strdup_printf ("openssl s_client -connect 127.0.0.1:%u -verify_return_error "
                             "-no-CApath -no-CAfile -no-CAstore",
                             ic_server_get_port (f->server));
  g_assert_cmpint (run_shell (command, "", NULL), !=, 0);
  IC_TEST_SPIN_UNTIL (f->context, n_failures (f) == 1);
  g_assert_cmpuint (ic_handshake_failure_get_code (failure (f, 0)), ==, INET_ERROR_TLS_UNKNOWN_CA);
}

static void
test_version_mismatch (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (f, IC_SERVICE_ECHO);
  g_autofree char *command = NULL;

  if (!have_openssl)
    {
      g_test_skip ("no openssl command");
      return;
    }
  profile->min_tls = INET_PROTOCOL_TLS1_3;
  start (f, profile);
  command = g_strdup_printf ("openssl s_client -connect 127.0.0.1:%u -tls1_2",
                             ic_server_get_port (f->server));
  g_assert_cmpint (run_shell (command, "", NULL), !=, 0);
  IC_TEST_SPIN_UNTIL (f->context, n_failures (f) == 1);
  g_assert_cmpuint (ic_handshake_failure_get_code (failure (f, 0)), ==, INET_ERROR_TLS_VERSION);
  g_assert_nonnull (strstr (ic_handshake_failure_get_detail (failure (f, 0)), "TLS 1.3"));
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (f, IC_SERVICE_ECHO);
  int fd;

  profile->timeout = 1;
  start (f, profile);
  /* connects and says nothing, as nc does until you type */
  fd = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  IC_TEST_SPIN_UNTIL (f->context, n_failures (f) == 1);
  g_assert_cmpuint (ic_handshake_failure_get_code (failure (f, 0)), ==, INET_ERROR_TLS_TIMEOUT);
  close (fd);
}

/* The list keeps the newest IC_SERVER_MAX_HANDSHAKE_FAILURES. */
static void
test_bounded (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (f, IC_SERVICE_ECHO);
  const guint total = IC_SERVER_MAX_HANDSHAKE_FAILURES + 20;

  start (f, profile);
  for (guint i = 0; i < total; i++)
    {
      int fd = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);

      ic_test_write_all (fd, "hello\r\n", 7);
      g_assert_cmpint (ic_test_wait_closed (fd, IC_TEST_TIMEOUT_MS), >=, 0);
      close (fd);
      if (i % 50 == 0)
        g_main_context_iteration (f->context, FALSE);
    }
  IC_TEST_SPIN_UNTIL (f->context,
                      ic_test_server_counter (f->server, "handshake-failures") == total);
  /* every failure went through the bridge, the oldest left the list */
  IC_TEST_SPIN_UNTIL (f->context,
                      n_failures (f) == IC_SERVER_MAX_HANDSHAKE_FAILURES
                      && ic_handshake_failure_get_client_id (failure (f, n_failures (f) - 1))
                           == total);
  g_assert_cmpuint (ic_handshake_failure_get_client_id (failure (f, 0)), ==,
                    total - IC_SERVER_MAX_HANDSHAKE_FAILURES + 1);
}

/* ------------------------------------------------- the client command */

static void
test_command_lines (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (f, IC_SERVICE_ECHO);
  g_autofree char *openssl = NULL, *curl = NULL, *plain = NULL, *v6 = NULL, *any = NULL;
  g_autofree char *quoted = g_shell_quote (f->cert);
  g_autofree char *expected = NULL;

  g_free (profile->host);
  profile->host = g_strdup ("127.0.0.1");
  openssl = ic_client_command (profile, 7000, f->cert, IC_CLIENT_COMMAND_OPENSSL);
  expected = g_strdup_printf ("openssl s_client -brief -connect 127.0.0.1:7000 -CAfile %s "
                              "-verify_ip 127.0.0.1 -verify_return_error", quoted);
  g_assert_cmpstr (openssl, ==, expected);

  curl = ic_client_command (profile, 7000, NULL, IC_CLIENT_COMMAND_CURL);
  g_assert_cmpstr (curl, ==, "curl https://127.0.0.1:7000/");

  g_free (profile->host);
  profile->host = g_strdup ("::1");
  profile->min_tls = INET_PROTOCOL_TLS1_3;
  profile->client_cert = IC_CLIENT_CERT_REQUIRE;
  v6 = ic_client_command (profile, 443, NULL, IC_CLIENT_COMMAND_CURL);
  g_assert_cmpstr (v6, ==, "curl --tlsv1.3 --cert client.pem --key client.key --globoff "
                           "https://[::1]:443/");

  g_free (profile->host);
  profile->host = g_strdup ("::");
  profile->client_cert = IC_CLIENT_CERT_REQUEST;
  any = ic_client_command (profile, 8443, NULL, IC_CLIENT_COMMAND_OPENSSL);
  g_assert_cmpstr (any, ==, "openssl s_client -brief -connect localhost:8443 -servername "
                            "localhost -tls1_3 -verify_hostname localhost -verify_return_error");

  /* a throwaway certificate: nobody can be given it, so the clients do not check */
  {
    g_autoptr(IcProfile) throwaway = make_profile (f, IC_SERVICE_ECHO);
    g_autofree char *o = NULL, *c = NULL;

    g_clear_pointer (&throwaway->cert_file, g_free);
    g_clear_pointer (&throwaway->key_file, g_free);
    throwaway->self_signed = TRUE;
    o = ic_client_command (throwaway, 7000, NULL, IC_CLIENT_COMMAND_OPENSSL);
    c = ic_client_command (throwaway, 7000, NULL, IC_CLIENT_COMMAND_CURL);
    g_assert_cmpstr (o, ==, "openssl s_client -brief -connect 127.0.0.1:7000");
    g_assert_cmpstr (c, ==, "curl --insecure https://127.0.0.1:7000/");
  }

  profile->tls = FALSE;
  g_free (profile->host);
  profile->host = g_strdup ("0.0.0.0");
  plain = ic_client_command (profile, 7, NULL, IC_CLIENT_COMMAND_OPENSSL);
  g_assert_cmpstr (plain, ==, "nc 127.0.0.1 7");
}

/* Pasted into a shell, the command connects, trusts the self-signed
 * certificate and checks the name. */
static void
test_openssl_command_works (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (f, IC_SERVICE_ECHO);
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;

  if (!have_openssl)
    {
      g_test_skip ("no openssl command");
      return;
    }
  start (f, profile);
  command = ic_client_command (profile, ic_server_get_port (f->server), f->cert,
                               IC_CLIENT_COMMAND_OPENSSL);
  g_assert_cmpint (run_shell (command, "hello\n", &out), ==, 0);
  g_assert_nonnull (strstr (out, "Verification: OK"));
  g_assert_nonnull (strstr (out, "TLSv1.3"));
  /* without the certificate it refuses, as a careful client should */
  g_free (command);
  command = ic_client_command (profile, ic_server_get_port (f->server), NULL,
                               IC_CLIENT_COMMAND_OPENSSL);
  g_free (out);
  {
    g_autofree char *untrusting = g_strconcat (command, " -no-CApath -no-CAfile -no-CAstore",
                                               NULL);

    g_assert_cmpint (run_shell (untrusting, "", &out), !=, 0);
  }
}

/* The throwaway certificate's command connects too (without checking). */
static void
test_throwaway_command_works (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (f, IC_SERVICE_HTTP);
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;

  if (!have_curl)
    {
      g_test_skip ("no curl command");
      return;
    }
  g_clear_pointer (&profile->cert_file, g_free);
  g_clear_pointer (&profile->key_file, g_free);
  profile->self_signed = TRUE;
  profile->http_body = g_strdup ("made at start");
  start (f, profile);
  command = ic_client_command (profile, ic_server_get_port (f->server), NULL,
                               IC_CLIENT_COMMAND_CURL);
  g_assert_cmpint (run_shell (command, NULL, &out), ==, 0);
  g_assert_nonnull (strstr (out, "made at start"));
}

static void
test_curl_command_works (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (f, IC_SERVICE_HTTP);
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;

  if (!have_curl)
    {
      g_test_skip ("no curl command");
      return;
    }
  profile->http_body = g_strdup ("hello over TLS");
  start (f, profile);
  command = ic_client_command (profile, ic_server_get_port (f->server), f->cert,
                               IC_CLIENT_COMMAND_CURL);
  g_assert_cmpint (run_shell (command, NULL, &out), ==, 0);
  g_assert_nonnull (strstr (out, "hello over TLS"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *curl = g_find_program_in_path ("curl");

  g_test_init (&argc, &argv, NULL);
  have_openssl = openssl != NULL;
  have_curl = curl != NULL;

#define ADD(name, func) g_test_add ("/app/tls/" name, Fixture, NULL, setup, func, teardown)
  ADD ("client-details", test_client_details);
  ADD ("failed/plaintext", test_plaintext);
  ADD ("failed/unknown-ca", test_unknown_ca);
  ADD ("failed/version-mismatch", test_version_mismatch);
  ADD ("failed/timeout", test_timeout);
  ADD ("failed/bounded", test_bounded);
  ADD ("command/lines", test_command_lines);
  ADD ("command/openssl-works", test_openssl_command_works);
  ADD ("command/curl-works", test_curl_command_works);
  ADD ("command/throwaway-works", test_throwaway_command_works);
#undef ADD

  return g_test_run ();
}
