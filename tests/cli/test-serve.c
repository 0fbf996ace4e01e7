/* test-serve.c - inet-serve driven as a subprocess with real clients: the
 * event stream (JSON fields, text), exit codes, signals and limits.
 * The services' RFC behaviour through the CLI is in test-serve-services.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cli-test-util.h"

#include <errno.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ------------------------------------------------------------- helpers */

static void
assert_rfc3339 (JsonObject *event)
{
  const char *time = json_object_get_string_member (event, "time");
  g_autoptr (GDateTime) parsed = g_date_time_new_from_iso8601 (time, NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_assert_nonnull (parsed);
  /* written now, in UTC */
  g_assert_true (g_str_has_suffix (time, "Z"));
  g_assert_cmpint (ABS (g_date_time_difference (now, parsed)), <, 60 * G_TIME_SPAN_SECOND);
}

static JsonObject *
wait_event (TuServe    *serve,
            const char *name,
            guint       nth)
{
  JsonObject *event = tu_serve_expect (serve, name, nth);

  assert_rfc3339 (event);
  return event;
}

static gint64
client_of (TuServe *serve,
           guint    nth_connect)
{
  return json_object_get_int_member (wait_event (serve, "connect", nth_connect), "client");
}

/* ---------------------------------------------------------- the stream */

static void
test_listening_first (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("127.0.0.1:0"), TRUE);
  g_autoptr (GPtrArray) events = NULL;
  JsonObject *listening;
  int fd;

  events = tu_serve_events (serve);
  listening = g_ptr_array_index (events, 0);
  g_assert_cmpstr (json_object_get_string_member (listening, "event"), ==, "listening");
  assert_rfc3339 (listening);
  g_assert_cmpstr (json_object_get_string_member (listening, "address"), ==, "127.0.0.1");
  g_assert_cmpstr (json_object_get_string_member (listening, "service"), ==, "echo");
  g_assert_false (json_object_get_boolean_member (listening, "secure"));
  g_assert_cmpint (json_object_get_int_member (listening, "pid"), ==,
                   atoi (g_subprocess_get_identifier (tu_serve_process (serve))));
  /* port 0 was asked; the real one is reported and serves */
  g_assert_cmpuint (tu_serve_port (serve), >, 0);
  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  wait_event (serve, "connect", 1);
  close (fd);
  wait_event (serve, "disconnect", 1);
  tu_serve_stop (serve);
}

static void
test_json_fields (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("127.0.0.1:0"), TRUE);
  g_autofree char *peer = NULL;
  JsonObject *connect, *disconnect, *stop;
  char reply[11];
  gint64 client;
  int fd;

  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  peer = tu_local_peer (fd);
  connect = wait_event (serve, "connect", 1);
  client = json_object_get_int_member (connect, "client");
  g_assert_cmpint (client, >=, 1);
  g_assert_cmpstr (json_object_get_string_member (connect, "peer"), ==, peer);
  g_assert_false (json_object_has_member (connect, "tls"));

  tu_send_text (fd, "0123456789");
  tu_recv_exact (fd, reply, 10);
  tu_send_text (fd, "x");
  tu_recv_exact (fd, reply, 1);
  close (fd);

  disconnect = wait_event (serve, "disconnect", 1);
  g_assert_cmpint (json_object_get_int_member (disconnect, "client"), ==, client);
  g_assert_cmpstr (json_object_get_string_member (disconnect, "peer"), ==, peer);
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_in"), ==, 11);
  g_assert_cmpint (json_object_get_int_member (disconnect, "bytes_out"), ==, 11);
  g_assert_cmpstr (json_object_get_string_member (disconnect, "reason"), ==, "peer");

  tu_serve_signal (serve, SIGTERM);
  g_assert_cmpint (tu_serve_wait_exit (serve, TU_TIMEOUT_MS), ==, 0);
  stop = wait_event (serve, "stop", 1);
  g_assert_cmpstr (json_object_get_string_member (stop, "signal"), ==, "SIGTERM");
  g_assert_cmpint (json_object_get_int_member (stop, "accepted"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (stop, "bytes_in"), ==, 11);
}

static void
test_ipv6 (void)
{
  g_autoptr (TuServe) serve = NULL;
  g_autofree char *peer = NULL;
  JsonObject *listening, *connect;
  int fd;

  fd = socket (AF_INET6, SOCK_STREAM, 0);
  if (fd < 0)
    {
      g_test_skip ("no IPv6");
      return;
    }
  close (fd);

  serve = tu_serve_start (ARGS ("[::1]:0"), TRUE);
  listening = wait_event (serve, "listening", 1);
  g_assert_cmpstr (json_object_get_string_member (listening, "address"), ==, "::1");
  fd = tu_connect ("::1", tu_serve_port (serve));
  peer = tu_local_peer (fd);
  g_assert_true (g_str_has_prefix (peer, "[::1]:"));
  connect = wait_event (serve, "connect", 1);
  g_assert_cmpstr (json_object_get_string_member (connect, "peer"), ==, peer);
  close (fd);
  tu_serve_stop (serve);
}

static void
test_dual_stack (void)
{
  g_autoptr (TuServe) serve = NULL;
  int fd4, fd6;

  fd6 = socket (AF_INET6, SOCK_STREAM, 0);
  if (fd6 < 0)
    {
      g_test_skip ("no IPv6");
      return;
    }
  close (fd6);

  /* [::]:PORT serves IPv4 and IPv6 together */
  serve = tu_serve_start (ARGS ("[::]:0"), TRUE);
  fd4 = tu_connect ("127.0.0.1", tu_serve_port (serve));
  fd6 = tu_connect ("::1", tu_serve_port (serve));
  {
    const char *a = json_object_get_string_member (wait_event (serve, "connect", 1), "peer");
    const char *b = json_object_get_string_member (wait_event (serve, "connect", 2), "peer");
    g_autofree char *peers = g_strdup_printf ("%s %s", a, b);

    /* the IPv4 client shows as IPv4, not as a mapped IPv6 address */
    g_assert_true (strstr (peers, "127.0.0.1:") != NULL);
    g_assert_true (strstr (peers, "[::1]:") != NULL);
  }
  close (fd4);
  close (fd6);
  tu_serve_stop (serve);
}

static void
test_text_format (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("--events=text", "127.0.0.1:0"), FALSE);
  g_autoptr (GPtrArray) lines = NULL;
  g_autoptr (GRegex) listening = NULL;
  g_autoptr (GRegex) connect = NULL;
  g_autoptr (GMatchInfo) info = NULL;
  g_autofree char *port_text = NULL;
  g_autofree char *peer = NULL;
  int fd;

  listening = g_regex_new ("^\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d listening  {8}127\\.0\\.0\\.1:(\\d+) "
                           "+service=echo secure=no pid=\\d+$", 0, 0, NULL);
  connect = g_regex_new ("^\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d connect    #1     (\\S+)$", 0, 0, NULL);

  /* the first line comes at once, whole (flushed per event) */
  lines = tu_serve_lines (serve, 1, TU_TIMEOUT_MS);
  g_assert_cmpuint (lines->len, >=, 1);
  g_test_message ("%s", (char *) g_ptr_array_index (lines, 0));
  g_assert_true (g_regex_match (listening, g_ptr_array_index (lines, 0), 0, &info));
  port_text = g_match_info_fetch (info, 1);

  fd = tu_connect ("127.0.0.1", (guint) atoi (port_text));
  peer = tu_local_peer (fd);
  g_clear_pointer (&lines, g_ptr_array_unref);
  lines = tu_serve_lines (serve, 2, TU_TIMEOUT_MS);
  g_assert_cmpuint (lines->len, >=, 2);
  g_test_message ("%s", (char *) g_ptr_array_index (lines, 1));
  g_clear_pointer (&info, g_match_info_unref);
  g_assert_true (g_regex_match (connect, g_ptr_array_index (lines, 1), 0, &info));
  {
    g_autofree char *shown = g_match_info_fetch (info, 1);

    g_assert_cmpstr (shown, ==, peer);
  }
  close (fd);
  /* the disconnect line, before the stop */
  g_ptr_array_unref (tu_serve_lines (serve, 3, TU_TIMEOUT_MS));
  tu_serve_signal (serve, SIGINT);
  g_assert_cmpint (tu_serve_wait_exit (serve, TU_TIMEOUT_MS), ==, 0);
  g_clear_pointer (&lines, g_ptr_array_unref);
  lines = tu_serve_lines (serve, 0, 0);
  g_assert_true (g_str_has_prefix (strchr (g_ptr_array_index (lines, lines->len - 1), ' ') + 1,
                                   "stop "));
  g_assert_nonnull (strstr (g_ptr_array_index (lines, 2), "disconnect #1"));
  g_assert_nonnull (strstr (g_ptr_array_index (lines, 2), "reason=peer"));
}

static void
test_events_none (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("--events=none", "127.0.0.1:0"), FALSE);
  g_autoptr (GPtrArray) lines = NULL;

  /* nothing on stdout; the signal is handled once it is ready for it */
  tu_serve_wait_signals (serve);
  tu_serve_signal (serve, SIGTERM);
  g_assert_cmpint (tu_serve_wait_exit (serve, TU_TIMEOUT_MS), ==, 0);
  lines = tu_serve_lines (serve, 0, 0);
  g_assert_cmpuint (lines->len, ==, 0);
}

/* --------------------------------------------------------- exit codes */

typedef struct
{
  const char *args[6];
  const char *names; /* the message must name it */
} UsageCase;

static void
test_usage_errors (void)
{
  g_autofree char *body_missing = g_build_filename (g_get_tmp_dir (), "no-such-body-XYZ", NULL);
  const UsageCase cases[] = {
    { { NULL }, "[HOST:]PORT" },
    { { "70000" }, "70000" },
    { { "127.0.0.1:http" }, "http" },
    { { "::1:7000" }, "::1:7000" },
    { { "[::1:7000" }, "[::1:7000" },
    { { "1", "2" }, "\"2\"" },
    { { "--no-such-option", "0" }, "--no-such-option" },
    { { "--service=gopher", "0" }, "gopher" },
    { { "--priority=urgent", "0" }, "urgent" },
    { { "--events=xml", "0" }, "xml" },
    { { "--timeout=-1", "0" }, "-1" },
    { { "--timeout=86401", "0" }, "86401" },
    { { "--max-clients=lots", "0" }, "lots" },
    { { "--max-per-address=1.5", "0" }, "1.5" },
    { { "--accept-interval=x", "0" }, "--accept-interval" },
    { { "--backlog=65536", "0" }, "--backlog" },
    { { "--linger=3601", "0" }, "3601" },
    { { "--rate-limit=10k", "0" }, "10k" },
    { { "--http-body", body_missing, "0" }, "no-such-body-XYZ" },
    { { "--profile=no-such-profile-XYZ", "0" }, "no-such-profile-XYZ" },
    { { "--cert=/tmp/c.pem", "0" }, "--cert" },
    { { "--self-signed", "0" }, "--self-signed" },
    { { "--tls", "--key=/tmp/k.pem", "0" }, "--key" },
    { { "--tls", "--self-signed", "--cert=/tmp/c", "0" }, "--tls" },
    { { "--tls", "--pkcs12=/tmp/p.p12", "--key-password-file=/tmp/p", "0" },
      "--key-password-file" },
    { { "--tls", "--self-signed", "--password-file=/tmp/p", "0" }, "--password-file" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status = tu_run_serve (cases[i].args, &out, &err);

      g_test_message ("case %u: status %d: %s", i, status, err);
      g_assert_cmpint (status, ==, 2);
      g_assert_true (g_str_has_prefix (err, "inet-serve: "));
      g_assert_nonnull (strstr (err, cases[i].names));
      g_assert_cmpstr (out, ==, "");
    }
}

static void
test_help_version (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  static const char *const documented[] = {
    "--service", "--banner", "--http-body", "--backlog", "--max-clients", "--max-per-address",
    "--accept-interval", "--timeout", "--priority", "--reuseaddr", "--nodelay", "--keepalive",
    "--dontroute", "--linger", "--rate-limit", "--tls", "--cert", "--key", "--key-password-file",
    "--pkcs12", "--password-file", "--self-signed", "--profile", "--events", "[HOST:]PORT",
  };

  g_autofree char *man_path = g_test_build_filename (G_TEST_DIST, "..", "data", "inet-serve.1",
                                                     NULL);
  g_autofree char *readme_path = g_test_build_filename (G_TEST_DIST, "..", "README.md", NULL);
  g_autofree char *man = NULL;
  g_autofree char *readme = NULL;
  g_autoptr (GString) plain = NULL;

  g_assert_cmpint (tu_run_serve (ARGS ("--help"), &out, &err), ==, 0);
  g_assert_true (g_file_get_contents (man_path, &man, NULL, NULL));
  g_assert_true (g_file_get_contents (readme_path, &readme, NULL, NULL));
  /* the man page writes - as \- and changes fonts with \fB, \fI, \fR */
  plain = g_string_new (man);
  g_string_replace (plain, "\\-", "-", 0);
  g_string_replace (plain, "\\fB", "", 0);
  g_string_replace (plain, "\\fI", "", 0);
  g_string_replace (plain, "\\fR", "", 0);
  for (guint i = 0; i < G_N_ELEMENTS (documented); i++)
    {
      /* documented in --help, the man page and the README */
      g_assert_nonnull (strstr (out, documented[i]));
      g_assert_nonnull (strstr (plain->str, documented[i]));
      g_assert_nonnull (strstr (readme, documented[i]));
    }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (tu_run_serve (ARGS ("--version"), &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "inet-serve " PACKAGE_VERSION));
}

static void
test_port_in_use (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("127.0.0.1:0"), TRUE);
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", tu_serve_port (serve));
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  tu_assert_start_failure (ARGS (address), "", "already in use");
  /* a listener is not TIME_WAIT: no --reuseaddr hint, and it would not help */
  g_assert_cmpint (tu_run_serve (ARGS ("--reuseaddr", address), &out, &err), ==, 1);
  g_assert_null (strstr (err, "TIME_WAIT"));
  tu_serve_stop (serve);
}

static void
test_time_wait_hint (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("--service=daytime", "127.0.0.1:0"), TRUE);
  guint port = tu_serve_port (serve);
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", port);
  g_autoptr (GByteArray) line = NULL;
  g_autoptr (TuServe) again = NULL;
  int fd;

  /* daytime closes first: the server's end of the connection goes to
   * TIME_WAIT on the port */
  fd = tu_connect ("127.0.0.1", port);
  line = tu_recv_until_close (fd, 4096, NULL);
  g_assert_cmpuint (line->len, >, 0);
  wait_event (serve, "disconnect", 1);
  close (fd);
  tu_serve_stop (serve);

  tu_assert_start_failure (ARGS (address), "", "--reuseaddr");
  /* and --reuseaddr does listen */
  again = tu_serve_start (ARGS ("--reuseaddr", address), TRUE);
  g_assert_cmpuint (tu_serve_port (again), ==, port);
  tu_serve_stop (again);
}

static void
test_address_not_local (void)
{
  /* TEST-NET-1 (RFC 5737) is nobody's address here */
  tu_assert_start_failure (ARGS ("192.0.2.1:0"), "", "not an address of this machine");
}

/* ------------------------------------------------------------- signals */

static void
test_stop_with_clients (gconstpointer data)
{
  int signo = GPOINTER_TO_INT (data);
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("127.0.0.1:0"), TRUE);
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GByteArray) rest = NULL;
  int fds[3];
  guint disconnects = 0;
  gboolean stopped = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = tu_connect ("127.0.0.1", tu_serve_port (serve));
  wait_event (serve, "connect", 3);

  tu_serve_signal (serve, signo);
  g_assert_cmpint (tu_serve_wait_exit (serve, TU_TIMEOUT_MS), ==, 0);

  /* every client got its disconnect, then stop, last */
  events = tu_serve_events (serve);
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (events, i);
      const char *name = json_object_get_string_member (event, "event");

      g_assert_false (stopped);
      if (g_str_equal (name, "disconnect"))
        {
          g_assert_cmpstr (json_object_get_string_member (event, "reason"), ==, "stop");
          disconnects++;
        }
      stopped = g_str_equal (name, "stop");
    }
  g_assert_true (stopped);
  g_assert_cmpuint (disconnects, ==, 3);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (events, events->len - 1),
                                                  "signal"),
                   ==, signo == SIGINT ? "SIGINT" : "SIGTERM");
  /* and the clients see the close */
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    {
      g_clear_pointer (&rest, g_byte_array_unref);
      rest = tu_recv_until_close (fds[i], 1024, NULL);
      g_assert_cmpuint (rest->len, ==, 0);
      close (fds[i]);
    }
}

static void
test_suspend_resume (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("127.0.0.1:0"), TRUE);
  char reply[2];
  int first, second;

  first = tu_connect ("127.0.0.1", tu_serve_port (serve));
  wait_event (serve, "connect", 1);

  tu_serve_signal (serve, SIGUSR1);
  wait_event (serve, "suspend", 1);
  /* the kernel queues the connection; the server does not take it */
  second = tu_connect ("127.0.0.1", tu_serve_port (serve));
  g_assert_null (tu_serve_wait (serve, "connect", 2, 300));
  /* clients already in are served */
  tu_send_text (first, "ok");
  tu_recv_exact (first, reply, 2);

  tu_serve_signal (serve, SIGUSR2);
  wait_event (serve, "resume", 1);
  wait_event (serve, "connect", 2);
  tu_send_text (second, "hi");
  tu_recv_exact (second, reply, 2);
  g_assert_cmpmem (reply, 2, "hi", 2);
  close (first);
  close (second);
  tu_serve_stop (serve);
}

static void
test_restart (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("127.0.0.1:0"), TRUE);
  JsonObject *restart, *disconnect;
  char reply[2];
  int before, after;

  before = tu_connect ("127.0.0.1", tu_serve_port (serve));
  wait_event (serve, "connect", 1);

  tu_serve_signal (serve, SIGHUP);
  disconnect = wait_event (serve, "disconnect", 1);
  g_assert_cmpstr (json_object_get_string_member (disconnect, "reason"), ==, "restart");
  restart = wait_event (serve, "restart", 1);
  g_assert_cmpint (json_object_get_int_member (restart, "port"), ==, tu_serve_port (serve));

  after = tu_connect ("127.0.0.1", tu_serve_port (serve));
  wait_event (serve, "connect", 2);
  tu_send_text (after, "ab");
  tu_recv_exact (after, reply, 2);
  close (before);
  close (after);
  tu_serve_stop (serve);
}

/* -------------------------------------------------------------- limits */

static void
assert_refused (int fd)
{
  gboolean reset = FALSE;
  g_autoptr (GByteArray) data = tu_recv_until_close (fd, 1024, &reset);

  g_assert_cmpuint (data->len, ==, 0);
  close (fd);
}

static void
test_max_clients (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("--max-clients=2", "127.0.0.1:0"), TRUE);
  g_autofree char *third_peer = NULL;
  JsonObject *reject;
  char reply[1];
  int fds[3];

  fds[0] = tu_connect ("127.0.0.1", tu_serve_port (serve));
  fds[1] = tu_connect ("127.0.0.1", tu_serve_port (serve));
  wait_event (serve, "connect", 2);
  fds[2] = tu_connect ("127.0.0.1", tu_serve_port (serve));
  third_peer = tu_local_peer (fds[2]);
  reject = wait_event (serve, "reject", 1);
  g_assert_cmpstr (json_object_get_string_member (reject, "reason"), ==, "max-clients");
  g_assert_cmpstr (json_object_get_string_member (reject, "peer"), ==, third_peer);
  g_assert_false (json_object_has_member (reject, "client"));
  assert_refused (fds[2]);
  g_assert_cmpuint (tu_serve_count (serve, "connect"), ==, 2);

  /* room again after one leaves (the slot frees just after its
   * disconnect event, so a reconnect may be refused once or twice) */
  close (fds[0]);
  wait_event (serve, "disconnect", 1);
  for (guint attempt = 0;; attempt++)
    {
      guint rejects = tu_serve_count (serve, "reject");

      g_assert_cmpuint (attempt, <, 100);
      fds[0] = tu_connect ("127.0.0.1", tu_serve_port (serve));
      if (tu_serve_wait (serve, "connect", 3, 200) != NULL)
        break;
      g_assert_cmpuint (tu_serve_count (serve, "reject"), >, rejects);
      close (fds[0]);
    }
  tu_send_text (fds[0], "z");
  tu_recv_exact (fds[0], reply, 1);
  close (fds[0]);
  close (fds[1]);
  tu_serve_stop (serve);
}

static void
test_max_per_address (void)
{
  g_autoptr (TuServe) serve =
    tu_serve_start (ARGS ("--max-per-address=1", "0.0.0.0:0"), TRUE);
  JsonObject *reject;
  int a1, a2, b1;

  a1 = tu_connect_from ("127.0.0.1", "127.0.0.1", tu_serve_port (serve));
  wait_event (serve, "connect", 1);
  a2 = tu_connect_from ("127.0.0.1", "127.0.0.1", tu_serve_port (serve));
  reject = wait_event (serve, "reject", 1);
  g_assert_cmpstr (json_object_get_string_member (reject, "reason"), ==, "max-per-address");
  assert_refused (a2);
  /* another address is its own count */
  b1 = tu_connect_from ("127.0.0.2", "127.0.0.1", tu_serve_port (serve));
  g_assert_true (g_str_has_prefix (
    json_object_get_string_member (wait_event (serve, "connect", 2), "peer"), "127.0.0.2:"));
  close (a1);
  close (b1);
  tu_serve_stop (serve);
}

static void
test_accept_interval (void)
{
  const guint interval = 250;
  g_autofree char *option = g_strdup_printf ("--accept-interval=%u", interval);
  g_autoptr (TuServe) serve = tu_serve_start (ARGS (option, "127.0.0.1:0"), TRUE);
  g_autoptr (GDateTime) first = NULL;
  g_autoptr (GDateTime) last = NULL;
  int fds[4];

  /* all at once: the kernel queues them, the server takes one per interval */
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = tu_connect ("127.0.0.1", tu_serve_port (serve));
  first = g_date_time_new_from_iso8601 (
    json_object_get_string_member (wait_event (serve, "connect", 1), "time"), NULL);
  last = g_date_time_new_from_iso8601 (
    json_object_get_string_member (wait_event (serve, "connect", 4), "time"), NULL);
  /* a lower bound only: three intervals must have passed */
  g_assert_cmpint (g_date_time_difference (last, first), >=,
                   3 * (gint64) interval * 1000 * 9 / 10);
  g_assert_cmpuint (tu_serve_count (serve, "reject"), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
  tu_serve_stop (serve);
}

static void
test_timeout_event (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("--timeout=1", "127.0.0.1:0"), TRUE);
  JsonObject *timeout;
  gint64 client;
  char reply[4];
  int fd;

  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  client = client_of (serve, 1);
  timeout = wait_event (serve, "timeout", 1);
  g_assert_cmpint (json_object_get_int_member (timeout, "client"), ==, client);
  g_assert_cmpint (json_object_get_int_member (timeout, "idle_s"), ==, 1);
  /* the client stays: a timeout is reported, not acted on */
  g_assert_cmpuint (tu_serve_count (serve, "disconnect"), ==, 0);
  tu_send_text (fd, "ping");
  tu_recv_exact (fd, reply, 4);
  /* and after new silence, a new timeout */
  wait_event (serve, "timeout", 2);
  close (fd);
  tu_serve_stop (serve);
}

static void
test_linger_reset (void)
{
  /* --linger=0: server-initiated closes reset; daytime closes itself */
  g_autoptr (TuServe) serve =
    tu_serve_start (ARGS ("--service=daytime", "--linger=0", "127.0.0.1:0"), TRUE);
  g_autoptr (TuServe) graceful = tu_serve_start (ARGS ("--service=daytime", "127.0.0.1:0"), TRUE);
  g_autoptr (GByteArray) data = NULL;
  gboolean reset = FALSE;
  int fd;

  fd = tu_connect ("127.0.0.1", tu_serve_port (graceful));
  data = tu_recv_until_close (fd, 4096, &reset);
  g_assert_false (reset);
  g_byte_array_append (data, (const guint8 *) "", 1);
  g_assert_true (g_str_has_suffix ((const char *) data->data, "\r\n"));
  close (fd);

  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  wait_event (serve, "disconnect", 1);
  g_clear_pointer (&data, g_byte_array_unref);
  data = tu_recv_until_close (fd, 4096, &reset);
  g_assert_true (reset);
  close (fd);
  tu_serve_stop (serve);
  tu_serve_stop (graceful);
}

/* ------------------------------------------------------------- options */

/* The nice value of the first thread of pid named `comm`, or -100. */
static int
thread_nice (const char *pid,
             const char *comm)
{
  g_autofree char *dir = g_strdup_printf ("/proc/%s/task", pid);
  g_autoptr (GDir) tasks = g_dir_open (dir, 0, NULL);
  const char *tid;

  while (tasks != NULL && (tid = g_dir_read_name (tasks)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename (dir, tid, "stat", NULL);
      g_autofree char *stat = NULL;
      g_auto (GStrv) fields = NULL;
      const char *close_paren;
      g_autofree char *name = NULL;

      if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* "tid (comm) state ppid ..." ; nice is field 19 */
      close_paren = strrchr (stat, ')');
      name = g_strndup (strchr (stat, '(') + 1, (gsize) (close_paren - strchr (stat, '(') - 1));
      if (!g_str_equal (name, comm))
        continue;
      fields = g_strsplit (close_paren + 2, " ", -1);
      return atoi (fields[19 - 3]);
    }
  return -100;
}

static void
test_priority (void)
{
  g_autoptr (TuServe) serve = tu_serve_start (ARGS ("--priority=low", "127.0.0.1:0"), TRUE);
  const char *pid = g_subprocess_get_identifier (tu_serve_process (serve));
  int fd;

  fd = tu_connect ("127.0.0.1", tu_serve_port (serve));
  wait_event (serve, "connect", 1);
  /* INET_PRIORITY_LOW: nice +10 for the server thread and its clients */
  g_assert_cmpint (thread_nice (pid, "inet-server"), ==, 10);
  g_assert_cmpint (thread_nice (pid, "inet-session"), ==, 10);
  close (fd);
  tu_serve_stop (serve);
}

static gboolean
ss_shows_keepalive (guint port)
{
  g_autofree char *filter = g_strdup_printf ("( sport = :%u )", port);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (tu_run (ARGS ("ss", "-tno", "state", "established", filter), NULL, &out, &err),
                   ==, 0);
  g_test_message ("%s", out);
  {
    g_autofree char *local = g_strdup_printf ("127.0.0.1:%u ", port);

    /* the connection is listed */
    g_assert_nonnull (strstr (out, local));
  }
  return strstr (out, "keepalive") != NULL;
}

static void
test_keepalive (void)
{
  g_autoptr (TuServe) with = NULL;
  g_autoptr (TuServe) without = NULL;
  g_autofree char *ss = g_find_program_in_path ("ss");
  int a, b;

  if (ss == NULL)
    {
      g_test_skip ("no ss (iproute2)");
      return;
    }
  with = tu_serve_start (ARGS ("--keepalive", "127.0.0.1:0"), TRUE);
  without = tu_serve_start (ARGS ("127.0.0.1:0"), TRUE);
  a = tu_connect ("127.0.0.1", tu_serve_port (with));
  b = tu_connect ("127.0.0.1", tu_serve_port (without));
  wait_event (with, "connect", 1);
  wait_event (without, "connect", 1);
  /* the server's end has the keep-alive timer only with --keepalive */
  g_assert_true (ss_shows_keepalive (tu_serve_port (with)));
  g_assert_false (ss_shows_keepalive (tu_serve_port (without)));
  close (a);
  close (b);
  tu_serve_stop (with);
  tu_serve_stop (without);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/serve/listening-first", test_listening_first);
  g_test_add_func ("/cli/serve/json-fields", test_json_fields);
  g_test_add_func ("/cli/serve/ipv6", test_ipv6);
  g_test_add_func ("/cli/serve/dual-stack", test_dual_stack);
  g_test_add_func ("/cli/serve/text-format", test_text_format);
  g_test_add_func ("/cli/serve/events-none", test_events_none);
  g_test_add_func ("/cli/serve/exit/usage", test_usage_errors);
  g_test_add_func ("/cli/serve/exit/help-version", test_help_version);
  g_test_add_func ("/cli/serve/exit/port-in-use", test_port_in_use);
  g_test_add_func ("/cli/serve/exit/time-wait-hint", test_time_wait_hint);
  g_test_add_func ("/cli/serve/exit/address-not-local", test_address_not_local);
  g_test_add_data_func ("/cli/serve/signal/sigint", GINT_TO_POINTER (SIGINT),
                        test_stop_with_clients);
  g_test_add_data_func ("/cli/serve/signal/sigterm", GINT_TO_POINTER (SIGTERM),
                        test_stop_with_clients);
  g_test_add_func ("/cli/serve/signal/suspend-resume", test_suspend_resume);
  g_test_add_func ("/cli/serve/signal/restart", test_restart);
  g_test_add_func ("/cli/serve/limit/max-clients", test_max_clients);
  g_test_add_func ("/cli/serve/limit/max-per-address", test_max_per_address);
  g_test_add_func ("/cli/serve/limit/accept-interval", test_accept_interval);
  g_test_add_func ("/cli/serve/limit/timeout", test_timeout_event);
  g_test_add_func ("/cli/serve/limit/linger-reset", test_linger_reset);
  g_test_add_func ("/cli/serve/options/priority", test_priority);
  g_test_add_func ("/cli/serve/options/keepalive", test_keepalive);

  return g_test_run ();
}
