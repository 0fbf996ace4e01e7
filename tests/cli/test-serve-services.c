/* test-serve-services.c - the services through inet-serve: RFC behaviour
 * with socket clients, http with curl (keep-alive, HEAD, malformed) and a
 * wrk smoke run when wrk is installed, --profile, and TLS (openssl
 * s_client) or its clear refusal while the engine has no TLS.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cli-test-util.h"
#include "ic-profile.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
stop_ok (TuServe *serve)
{
  tu_serve_signal (serve, SIGINT);
  g_assert_cmpint (tu_serve_wait_exit (serve, TU_TIMEOUT_MS), ==, 0);
  g_assert_nonnull (tu_serve_wait (serve, "stop", 1, 0));
}

static JsonObject *
wait_event (TuServe    *serve,
            const char *name,
            guint       nth)
{
  JsonObject *event = tu_serve_wait (serve, name, nth, TU_TIMEOUT_MS);

  if (event == NULL)
    g_error ("no %s event (#%u)", name, nth);
  return event;
}

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
  disconnect = wait_event (serve, "disconnect", 1);
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_in"), ==, sizeof sent);
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_out"), ==, sizeof sent);
  stop_ok (serve);
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
  disconnect = wait_event (serve, "disconnect", 1);
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_in"), ==, 19);
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_out"), ==, 0);
  stop_ok (serve);
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
  g_assert_cmpstr (json_object_get_string_member (wait_event (serve, "disconnect", 1), "event"),
                   ==, "disconnect");
  stop_ok (serve);
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
  disconnect = wait_event (serve, "disconnect", 1);
  g_assert_cmpstr (json_object_get_string_member (disconnect, "reason"), ==, "server");
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_out"), ==, data->len - 1);
  stop_ok (serve);
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
  stop_ok (serve);
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
  stop_ok (serve);
}

static void
test_http_body_option (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("inet-serve-body-XXXXXX", &error);
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
  stop_ok (serve);
  g_unlink (path);
  g_rmdir (dir);
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
  stop_ok (serve);
  /* wrk's connections all came and went */
  g_assert_cmpuint (tu_serve_count (serve, "connect"), ==, tu_serve_count (serve, "disconnect"));
  g_assert_cmpuint (tu_serve_count (serve, "connect"), >=, 20);
}

/* -------------------------------------------------------------- profile */

static void
test_profile (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *config = g_dir_make_tmp ("inet-serve-config-XXXXXX", &error);
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
  listening = wait_event (serve, "listening", 1);
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
  stop_ok (serve);

  /* options on the command line override it */
  override = tu_serve_start_env (ARGS ("--profile=smtp like", "--service=echo", "[::1]:0"), env,
                                 FALSE);
  listening = tu_serve_wait (override, "listening", 1, TU_TIMEOUT_MS);
  if (listening != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (listening, "service"), ==, "echo");
      g_assert_cmpstr (json_object_get_string_member (listening, "address"), ==, "::1");
      stop_ok (override);
    }
  else
    g_test_message ("no IPv6 here: override checked for the service only");

  g_assert_true (ic_profile_delete ("smtp like", dir, &error));
  g_rmdir (dir);
  {
    g_autofree char *parent = g_path_get_dirname (dir);

    g_rmdir (parent);
  }
  g_rmdir (config);
}

static void
test_profile_invalid (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *config = g_dir_make_tmp ("inet-serve-config-XXXXXX", &error);
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
  g_unlink (path);
  g_rmdir (dir);
  {
    g_autofree char *parent = g_path_get_dirname (dir);

    g_rmdir (parent);
  }
  g_rmdir (config);
}

/* ------------------------------------------------------------------ TLS */

static gboolean
engine_has_tls (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = tu_run_serve (ARGS ("--tls", "--cert=/nonexistent/cert.pem", "127.0.0.1:0"), &out,
                         &err);
  g_assert_cmpint (status, ==, 1);
  return strstr (err, "no TLS support") == NULL;
}

static void
test_tls_unavailable (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (engine_has_tls ())
    {
      g_test_skip ("the engine has TLS: see /cli/serve-services/tls/*");
      return;
    }
  /* until the engine has TLS: one clear line, exit 1, nothing listens */
  g_assert_cmpint (tu_run_serve (ARGS ("--tls", "--self-signed", "127.0.0.1:0"), &out, &err), ==,
                   1);
  g_assert_true (g_str_has_prefix (err, "inet-serve: "));
  g_assert_nonnull (strstr (err, "TLS"));
  g_assert_cmpstr (strchr (err, '\n') + 1, ==, "");
  g_assert_cmpstr (out, ==, "");
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
  g_test_add_func ("/cli/serve-services/tls/unavailable", test_tls_unavailable);

  return g_test_run ();
}
