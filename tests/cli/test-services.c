/* test-services.c - the services and reply rules on a real engine server
 * in this process, with loopback clients: RFC behaviour of echo, discard,
 * chargen, daytime; banner, manual, http; rules and macros; the observer.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cli-test-util.h"
#include "ic-service.h"
#include "ic-test-utils.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct
{
  IcService *service;
  SOCKET server;
  guint port;

  pthread_mutex_t mutex;
  pthread_cond_t cond;
  GByteArray *seen_in;        /* what the observer reported */
  GByteArray *seen_out;
  guint connects;
  guint disconnects;
  SOCKET last_client;
} Fixture;

static VOID CALLBACK
on_event (SOCKET     socket,
          UINT       event,
          DWORD      error,
          DWORD_PTR  param)
{
  Fixture *fixture = (Fixture *) param;

  if (event == INET_EVENT_CONNECT)
    {
      pthread_mutex_lock (&fixture->mutex);
      fixture->connects++;
      fixture->last_client = socket;
      pthread_cond_broadcast (&fixture->cond);
      pthread_mutex_unlock (&fixture->mutex);
    }
  ic_service_handle_event (fixture->service, socket, event, error);
  if (event == INET_EVENT_DISCONNECT)
    {
      /* the service let go of its state */
      g_assert_cmpuint (InetGetClientData (socket), ==, 0);
      pthread_mutex_lock (&fixture->mutex);
      fixture->disconnects++;
      pthread_cond_broadcast (&fixture->cond);
      pthread_mutex_unlock (&fixture->mutex);
    }
}

static void
observe (SOCKET              client,
         IcTrafficDirection  direction,
         const guint8       *data,
         gsize               length,
         gpointer            user_data)
{
  Fixture *fixture = user_data;

  pthread_mutex_lock (&fixture->mutex);
  g_byte_array_append (direction == IC_TRAFFIC_IN ? fixture->seen_in : fixture->seen_out, data,
                       (guint) length);
  pthread_mutex_unlock (&fixture->mutex);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  tu_lock_init (&fixture->mutex, &fixture->cond);
  fixture->seen_in = g_byte_array_new ();
  fixture->seen_out = g_byte_array_new ();
  fixture->server = INVALID_SOCKET;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->server != INVALID_SOCKET)
    g_assert_true (InetServerStop (fixture->server));
  /* every session ended: DISCONNECT freed the state of each CONNECT */
  g_assert_cmpuint (fixture->connects, ==, fixture->disconnects);
  g_clear_pointer (&fixture->service, ic_service_unref);
  g_byte_array_unref (fixture->seen_in);
  g_byte_array_unref (fixture->seen_out);
  pthread_mutex_destroy (&fixture->mutex);
  pthread_cond_destroy (&fixture->cond);
}

static void
serve (Fixture   *fixture,
       IcProfile *profile)
{
  g_autoptr (GError) error = NULL;

  fixture->service = ic_service_new (profile, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ic_service_get_kind (fixture->service), ==, profile->service);
  ic_service_set_observer (fixture->service, observe, fixture);
  fixture->server = InetServerStart ("127.0.0.1", 0, 0, 0, profile->timeout,
                                     INET_PRIORITY_NORMAL, INET_OPTION_NONE, on_event,
                                     (DWORD_PTR) fixture, NULL);
  g_assert_true (fixture->server != INVALID_SOCKET);
  g_assert_true (InetGetLocalAddress (fixture->server, NULL, 0, &fixture->port));
}

static void
serve_kind (Fixture       *fixture,
            IcServiceKind  kind)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();

  profile->service = kind;
  serve (fixture, profile);
}

static int
connect_client (Fixture *fixture)
{
  return tu_connect ("127.0.0.1", fixture->port);
}

static void
wait_disconnects (Fixture *fixture,
                  guint    n)
{
  gint64 deadline = g_get_monotonic_time () + TU_TIMEOUT_MS * 1000;

  pthread_mutex_lock (&fixture->mutex);
  while (fixture->disconnects < n)
    if (!tu_cond_wait_until (&fixture->cond, &fixture->mutex, deadline))
      break;
  g_assert_cmpuint (fixture->disconnects, >=, n);
  pthread_mutex_unlock (&fixture->mutex);
}

static SOCKET
wait_client (Fixture *fixture,
             guint    n)
{
  gint64 deadline = g_get_monotonic_time () + TU_TIMEOUT_MS * 1000;
  SOCKET client;

  pthread_mutex_lock (&fixture->mutex);
  while (fixture->connects < n)
    if (!tu_cond_wait_until (&fixture->cond, &fixture->mutex, deadline))
      break;
  g_assert_cmpuint (fixture->connects, >=, n);
  client = fixture->last_client;
  pthread_mutex_unlock (&fixture->mutex);
  return client;
}

/* ----------------------------------------------------------------- echo */

static void
test_echo (Fixture       *fixture,
           gconstpointer  data)
{
  guint8 sent[256 * 4], got[sizeof sent];
  int fd;

  serve_kind (fixture, IC_SERVICE_ECHO);
  for (guint i = 0; i < sizeof sent; i++)
    sent[i] = (guint8) i; /* every byte value, NUL and CR LF included */
  fd = connect_client (fixture);
  tu_send (fd, sent, sizeof sent);
  tu_recv_exact (fd, got, sizeof got);
  g_assert_cmpmem (got, sizeof got, sent, sizeof sent);
  /* nothing more than what was sent */
  g_assert_true (tu_recv_nothing (fd, 100));
  close (fd);
  wait_disconnects (fixture, 1);

  pthread_mutex_lock (&fixture->mutex);
  g_assert_cmpmem (fixture->seen_in->data, fixture->seen_in->len, sent, sizeof sent);
  g_assert_cmpmem (fixture->seen_out->data, fixture->seen_out->len, sent, sizeof sent);
  pthread_mutex_unlock (&fixture->mutex);
}

typedef struct
{
  int fd;
  gsize length;
} Sender;

static gpointer
send_pattern (gpointer data)
{
  Sender *sender = data;
  guint8 chunk[65536];

  for (gsize done = 0; done < sender->length; done += sizeof chunk)
    {
      for (gsize i = 0; i < sizeof chunk; i++)
        chunk[i] = (guint8) ((done + i) * 7 + 3);
      tu_send (sender->fd, chunk, sizeof chunk);
    }
  return NULL;
}

static void
test_echo_back_pressure (Fixture       *fixture,
                         gconstpointer  data)
{
  /* far more than the socket buffers hold: the echo must wait for us */
  Sender sender = { -1, 16 * 1024 * 1024 };
  guint8 chunk[65536];
  GThread *thread;
  gsize got = 0;

  serve_kind (fixture, IC_SERVICE_ECHO);
  sender.fd = connect_client (fixture);
  thread = g_thread_new ("sender", send_pattern, &sender);
  g_usleep (200000); /* the client does not read yet: buffers fill */
  while (got < sender.length)
    {
      ssize_t n = recv (sender.fd, chunk, sizeof chunk, 0);

      g_assert_cmpint (n, >, 0);
      for (ssize_t i = 0; i < n; i++)
        if (chunk[i] != (guint8) ((got + (gsize) i) * 7 + 3))
          g_error ("byte %" G_GSIZE_FORMAT " differs", got + (gsize) i);
      got += (gsize) n;
    }
  g_thread_join (thread);
  close (sender.fd);
}

/* -------------------------------------------------------------- discard */

static void
test_discard (Fixture       *fixture,
              gconstpointer  data)
{
  int fd;

  serve_kind (fixture, IC_SERVICE_DISCARD);
  fd = connect_client (fixture);
  tu_send_text (fd, "thrown away\r\n");
  g_assert_true (tu_recv_nothing (fd, 200));
  shutdown (fd, SHUT_WR);
  {
    g_autoptr (GByteArray) rest = tu_recv_until_close (fd, 1024, NULL);

    g_assert_cmpuint (rest->len, ==, 0);
  }
  close (fd);
  wait_disconnects (fixture, 1);
  pthread_mutex_lock (&fixture->mutex);
  g_assert_cmpmem (fixture->seen_in->data, fixture->seen_in->len, "thrown away\r\n", 13);
  g_assert_cmpuint (fixture->seen_out->len, ==, 0);
  pthread_mutex_unlock (&fixture->mutex);
}

/* -------------------------------------------------------------- chargen */

/* RFC 864: line k holds 72 characters starting at printable k mod 95. */
static void
assert_chargen (const guint8 *data,
                gsize         length,
                guint64       offset)
{
  for (gsize i = 0; i < length; i++)
    {
      guint64 position = offset + i;
      guint64 line = position / 74;
      guint64 column = position % 74;
      guint8 expected = column < 72 ? (guint8) (' ' + (line + column) % 95)
                                    : column == 72 ? '\r' : '\n';

      if (data[i] != expected)
        g_error ("chargen byte %" G_GUINT64_FORMAT " is 0x%02x, not 0x%02x", position, data[i],
                 expected);
    }
}

static void
test_chargen (Fixture       *fixture,
              gconstpointer  data)
{
  gsize length = 74 * 95 * 3 + 100; /* past the 95-line cycle, three times */
  g_autofree guint8 *got = g_malloc (length);
  guint64 offset = 0;
  int fd;

  serve_kind (fixture, IC_SERVICE_CHARGEN);
  fd = connect_client (fixture);
  tu_recv_exact (fd, got, length);
  assert_chargen (got, length, 0);
  g_assert_cmpmem (got, 74, " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n",
                   74);
  offset += length;

  /* a slow reader: what comes later is the same stream, nothing skipped;
   * what the client sends is read and thrown away */
  tu_send_text (fd, "ignored\n");
  g_usleep (300000);
  tu_recv_exact (fd, got, length);
  assert_chargen (got, length, offset);
  close (fd);
  wait_disconnects (fixture, 1);
  pthread_mutex_lock (&fixture->mutex);
  g_assert_cmpmem (fixture->seen_in->data, fixture->seen_in->len, "ignored\n", 8);
  pthread_mutex_unlock (&fixture->mutex);
}

/* -------------------------------------------------------------- daytime */

static void
test_daytime (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr (GByteArray) line = NULL;
  g_autoptr (GRegex) format = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  gboolean reset = FALSE;
  int fd;

  serve_kind (fixture, IC_SERVICE_DAYTIME);
  fd = connect_client (fixture);
  line = tu_recv_until_close (fd, 4096, &reset);
  g_assert_false (reset);
  g_byte_array_append (line, (const guint8 *) "", 1);
  g_test_message ("daytime: %s", (char *) line->data);
  format = g_regex_new ("^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), "
                        "(January|February|March|April|May|June|July|August|September|October|"
                        "November|December) \\d{1,2}, (\\d{4}) \\d\\d:\\d\\d:\\d\\d-\\S+\\r\\n$",
                        0, 0, NULL);
  g_assert_true (g_regex_match (format, (const char *) line->data, 0, NULL));
  /* one line, then the server closed */
  g_assert_cmpuint (strchr ((const char *) line->data, '\n') - (char *) line->data + 2, ==,
                    line->len);
  close (fd);
  wait_disconnects (fixture, 1);
}

/* --------------------------------------------------------------- banner */

static void
test_banner (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autofree char *line = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *peer = NULL;
  char reply[5];
  int fd;

  profile->service = IC_SERVICE_BANNER;
  profile->banner = g_strdup ("220 {client} {peer}\\tready");
  serve (fixture, profile);
  fd = connect_client (fixture);
  peer = tu_local_peer (fd);
  line = tu_recv_line (fd);
  /* macros and escapes expanded, CR LF added */
  expected = g_strdup_printf ("220 1 %s\tready\r\n", peer);
  g_assert_cmpstr (line, ==, expected);
  /* then echo */
  tu_send_text (fd, "hello");
  tu_recv_exact (fd, reply, 5);
  g_assert_cmpmem (reply, 5, "hello", 5);
  close (fd);
}

static void
test_banner_default (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *line = NULL;
  g_autofree char *peer = NULL;
  int fd;

  serve_kind (fixture, IC_SERVICE_BANNER);
  fd = connect_client (fixture);
  peer = tu_local_peer (fd);
  line = tu_recv_line (fd);
  g_assert_nonnull (strstr (line, peer));
  g_assert_true (g_str_has_suffix (line, "\r\n"));
  close (fd);
}

static void
test_greeting (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autofree char *line = NULL;
  char reply[3];
  int fd;

  /* a banner with another service is a greeting */
  profile->service = IC_SERVICE_ECHO;
  profile->banner = g_strdup ("hi there\r\n");
  serve (fixture, profile);
  fd = connect_client (fixture);
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "hi there\r\n");
  tu_send_text (fd, "abc");
  tu_recv_exact (fd, reply, 3);
  g_assert_cmpmem (reply, 3, "abc", 3);
  close (fd);
}

/* --------------------------------------------------------------- manual */

static void
test_manual (Fixture       *fixture,
             gconstpointer  data)
{
  SOCKET client;
  char got[6];
  int fd;

  serve_kind (fixture, IC_SERVICE_MANUAL);
  fd = connect_client (fixture);
  client = wait_client (fixture, 1);
  tu_send_text (fd, "anyone?");
  g_assert_true (tu_recv_nothing (fd, 200));
  /* the console's send box, from another thread */
  g_assert_cmpint (ic_service_send (fixture->service, client, (const guint8 *) "yes!\r\n", 6), ==,
                   6);
  tu_recv_exact (fd, got, 6);
  g_assert_cmpmem (got, 6, "yes!\r\n", 6);
  close (fd);
  wait_disconnects (fixture, 1);
  pthread_mutex_lock (&fixture->mutex);
  g_assert_cmpmem (fixture->seen_in->data, fixture->seen_in->len, "anyone?", 7);
  g_assert_cmpmem (fixture->seen_out->data, fixture->seen_out->len, "yes!\r\n", 6);
  pthread_mutex_unlock (&fixture->mutex);
  /* a closed client: -1, no crash */
  g_assert_cmpint (ic_service_send (fixture->service, client, (const guint8 *) "x", 1), ==, -1);
}

/* ---------------------------------------------------------------- rules */

static void
add_rule (IcProfile   *profile,
          IcRuleMatch  match,
          const char  *pattern,
          const char  *reply,
          gboolean     hex)
{
  g_ptr_array_add (profile->rules, ic_rule_new (match, pattern, reply, hex));
}

static void
test_rules (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autofree char *line = NULL;
  guint8 hex[4];
  int fd;

  profile->service = IC_SERVICE_DISCARD;
  add_rule (profile, IC_RULE_STARTS_WITH, "HELO", "250 hello {client} #{counter}\\r\\n", FALSE);
  add_rule (profile, IC_RULE_CONTAINS, "ping", "pong [{match}]\\n", FALSE);
  add_rule (profile, IC_RULE_REGEX, "^GET (\\S+)$", "got it\\n", FALSE);
  add_rule (profile, IC_RULE_CONTAINS, "bin", "de ad be ef", TRUE);
  add_rule (profile, IC_RULE_CONTAINS, "HELO there", "never: the first rule wins\\n", FALSE);
  serve (fixture, profile);
  fd = connect_client (fixture);

  tu_send_text (fd, "HELO there\r\n");
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "250 hello 1 #1\r\n");
  g_clear_pointer (&line, g_free);

  tu_send_text (fd, "say ping now\n");
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "pong [ping]\n");
  g_clear_pointer (&line, g_free);

  /* the CR of CR LF is not part of the line: $ matches */
  tu_send_text (fd, "GET /index\r\n");
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "got it\n");
  g_clear_pointer (&line, g_free);

  tu_send_text (fd, "binary please\n");
  tu_recv_exact (fd, hex, 4);
  g_assert_cmpmem (hex, 4, "\xde\xad\xbe\xef", 4);

  /* no rule: no answer; starts-with means the start of the line */
  tu_send_text (fd, "say HELO\n");
  g_assert_true (tu_recv_nothing (fd, 200));
  close (fd);

  /* the counter counts matches on the server, the client id is per client */
  fd = connect_client (fixture);
  tu_send_text (fd, "HELO again\n");
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "250 hello 2 #2\r\n");
  close (fd);
}

static void
test_rules_partial_lines (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autofree char *line = NULL;
  int fd;

  profile->service = IC_SERVICE_DISCARD;
  add_rule (profile, IC_RULE_CONTAINS, "login:", "user\\n", FALSE);
  add_rule (profile, IC_RULE_CONTAINS, "split", "joined\\n", FALSE);
  serve (fixture, profile);
  fd = connect_client (fixture);

  /* a prompt without a line end is answered */
  tu_send_text (fd, "login:");
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "user\n");
  g_clear_pointer (&line, g_free);
  /* and not again when the rest of its line arrives */
  tu_send_text (fd, " more\n");
  g_assert_true (tu_recv_nothing (fd, 200));

  /* a pattern cut between two sends still matches, once */
  tu_send_text (fd, "spl");
  g_assert_true (tu_recv_nothing (fd, 100));
  tu_send_text (fd, "it here\n");
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "joined\n");
  g_assert_true (tu_recv_nothing (fd, 100));
  g_clear_pointer (&line, g_free);

  /* several lines in one send: each answered */
  tu_send_text (fd, "split 1\nsplit 2\n");
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "joined\n");
  g_clear_pointer (&line, g_free);
  line = tu_recv_line (fd);
  g_assert_cmpstr (line, ==, "joined\n");
  close (fd);
}

static void
test_rules_with_echo (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  char got[16];
  int fd;

  profile->service = IC_SERVICE_ECHO;
  add_rule (profile, IC_RULE_STARTS_WITH, "time?", "{date}T{time}\\n", FALSE);
  serve (fixture, profile);
  fd = connect_client (fixture);
  tu_send_text (fd, "time?\n");
  /* the echo first, then the reply */
  tu_recv_exact (fd, got, 6);
  g_assert_cmpmem (got, 6, "time?\n", 6);
  {
    g_autofree char *line = tu_recv_line (fd);
    g_autoptr (GRegex) format = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\n$", 0, 0,
                                             NULL);

    g_assert_true (g_regex_match (format, line, 0, NULL));
  }
  close (fd);
}

static void
test_new_errors (void)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (IcService) service = NULL;

  add_rule (profile, IC_RULE_REGEX, "(open", "x", FALSE);
  service = ic_service_new (profile, &error);
  g_assert_null (service);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_REGEX_ERROR);
  g_assert_nonnull (strstr (error->message, "rule 1"));
  g_clear_error (&error);

  g_ptr_array_set_size (profile->rules, 0);
  add_rule (profile, IC_RULE_CONTAINS, "x", "abc", TRUE);
  service = ic_service_new (profile, &error);
  g_assert_null (service);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_ptr_array_set_size (profile->rules, 0);
  profile->service = IC_SERVICE_HTTP;
  profile->http_body_file = g_strdup ("/nonexistent/body.html");
  service = ic_service_new (profile, &error);
  g_assert_null (service);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* ----------------------------------------------------------------- http */

typedef struct
{
  guint status;
  char *head;
  GByteArray *body;
} Response;

static void
response_clear (Response *response)
{
  g_clear_pointer (&response->head, g_free);
  g_clear_pointer (&response->body, g_byte_array_unref);
}

static const char *
header_value (const Response *response,
              const char     *name,
              char           *buffer,
              gsize           size)
{
  g_autofree char *needle = g_strdup_printf ("\r\n%s: ", name);
  const char *found = strstr (response->head, needle);
  const char *end;

  if (found == NULL)
    return NULL;
  found += strlen (needle);
  end = strstr (found, "\r\n");
  g_strlcpy (buffer, found, MIN (size, (gsize) (end - found) + 1));
  return buffer;
}

static void
read_response (int       fd,
               gboolean  head_request,
               Response *response)
{
  GString *head = g_string_new (NULL);
  char length_text[32];
  guint64 length = 0;

  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      char c;

      tu_recv_exact (fd, &c, 1);
      g_string_append_c (head, c);
      g_assert_cmpuint (head->len, <, 65536);
    }
  response->head = g_string_free (head, FALSE);
  g_assert_true (g_str_has_prefix (response->head, "HTTP/1.1 "));
  response->status = (guint) atoi (response->head + 9);
  g_assert_nonnull (header_value (response, "Content-Length", length_text, sizeof length_text));
  length = g_ascii_strtoull (length_text, NULL, 10);
  response->body = g_byte_array_sized_new ((guint) length);
  if (!head_request)
    {
      g_byte_array_set_size (response->body, (guint) length);
      tu_recv_exact (fd, response->body->data, length);
    }
}

static void
assert_closed (int fd)
{
  g_autoptr (GByteArray) rest = tu_recv_until_close (fd, 65536, NULL);

  g_assert_cmpuint (rest->len, ==, 0);
}

static void
test_http_keep_alive (Fixture       *fixture,
                      gconstpointer  data)
{
  Response response = { 0 };
  char value[64];
  int fd;

  serve_kind (fixture, IC_SERVICE_HTTP);
  fd = connect_client (fixture);
  for (guint i = 0; i < 3; i++)
    {
      tu_send_text (fd, "GET /a HTTP/1.1\r\nHost: test\r\n\r\n");
      read_response (fd, FALSE, &response);
      g_assert_cmpuint (response.status, ==, 200);
      g_assert_cmpmem (response.body->data, response.body->len, "Hello from inet-serve.\n", 23);
      g_assert_cmpstr (header_value (&response, "Content-Type", value, sizeof value), ==,
                       "text/plain; charset=utf-8");
      g_assert_null (header_value (&response, "Connection", value, sizeof value));
      g_assert_nonnull (header_value (&response, "Date", value, sizeof value));
      g_assert_true (g_str_has_suffix (value, " GMT"));
      response_clear (&response);
    }
  /* one connection served them all */
  pthread_mutex_lock (&fixture->mutex);
  g_assert_cmpuint (fixture->connects, ==, 1);
  pthread_mutex_unlock (&fixture->mutex);

  tu_send_text (fd, "GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
  read_response (fd, FALSE, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_cmpstr (header_value (&response, "Connection", value, sizeof value), ==, "close");
  response_clear (&response);
  assert_closed (fd);
  close (fd);
}

static void
test_http_pipelining (Fixture       *fixture,
                      gconstpointer  data)
{
  Response response = { 0 };
  char value[64];
  int fd;

  serve_kind (fixture, IC_SERVICE_HTTP);
  fd = connect_client (fixture);
  /* four requests in one send, one with a body, one HEAD */
  tu_send_text (fd,
                "GET /1 HTTP/1.1\r\nHost: t\r\n\r\n"
                "POST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello=world"
                "HEAD /3 HTTP/1.1\r\nHost: t\r\n\r\n"
                "GET /4 HTTP/1.1\r\nHost: t\r\n\r\n");
  for (guint i = 0; i < 4; i++)
    {
      read_response (fd, i == 2, &response);
      g_assert_cmpuint (response.status, ==, 200);
      /* HEAD: the same length announced, no body sent */
      g_assert_cmpstr (header_value (&response, "Content-Length", value, sizeof value), ==, "23");
      if (i != 2)
        g_assert_cmpmem (response.body->data, response.body->len, "Hello from inet-serve.\n", 23);
      response_clear (&response);
    }
  g_assert_true (tu_recv_nothing (fd, 100));
  close (fd);
}

static void
test_http_bodies (Fixture       *fixture,
                  gconstpointer  data)
{
  Response response = { 0 };
  g_autofree char *large = NULL;
  g_autofree char *request = NULL;
  char value[64];
  int fd;

  serve_kind (fixture, IC_SERVICE_HTTP);
  fd = connect_client (fixture);

  /* chunked, in pieces, with an extension and a trailer */
  tu_send_text (fd, "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhel");
  g_assert_true (tu_recv_nothing (fd, 100));
  tu_send_text (fd, "lo\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n");
  read_response (fd, FALSE, &response);
  g_assert_cmpuint (response.status, ==, 200);
  response_clear (&response);

  /* Expect: 100-continue gets the interim answer before the body */
  tu_send_text (fd, "PUT / HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  {
    char interim[25];

    tu_recv_exact (fd, interim, 25);
    g_assert_cmpmem (interim, 25, "HTTP/1.1 100 Continue\r\n\r\n", 25);
  }
  tu_send_text (fd, "data");
  read_response (fd, FALSE, &response);
  g_assert_cmpuint (response.status, ==, 200);
  response_clear (&response);

  /* a body larger than one read */
  large = g_strnfill (100000, 'x');
  request = g_strdup_printf ("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n%s"
                             "GET /after HTTP/1.1\r\nHost: t\r\n\r\n", large);
  tu_send_text (fd, request);
  read_response (fd, FALSE, &response);
  g_assert_cmpuint (response.status, ==, 200);
  response_clear (&response);
  read_response (fd, FALSE, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_null (header_value (&response, "Connection", value, sizeof value));
  response_clear (&response);
  close (fd);
}

static void
test_http_versions (Fixture       *fixture,
                    gconstpointer  data)
{
  Response response = { 0 };
  char value[64];
  int fd;

  serve_kind (fixture, IC_SERVICE_HTTP);

  /* HTTP/1.0 closes by default */
  fd = connect_client (fixture);
  tu_send_text (fd, "GET / HTTP/1.0\r\n\r\n");
  read_response (fd, FALSE, &response);
  g_assert_cmpuint (response.status, ==, 200);
  g_assert_cmpstr (header_value (&response, "Connection", value, sizeof value), ==, "close");
  response_clear (&response);
  assert_closed (fd);
  close (fd);

  /* ... and keeps the connection when asked */
  fd = connect_client (fixture);
  tu_send_text (fd, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  read_response (fd, FALSE, &response);
  g_assert_cmpstr (header_value (&response, "Connection", value, sizeof value), ==, "keep-alive");
  response_clear (&response);
  tu_send_text (fd, "GET / HTTP/1.0\r\n\r\n");
  read_response (fd, FALSE, &response);
  g_assert_cmpuint (response.status, ==, 200);
  response_clear (&response);
  assert_closed (fd);
  close (fd);
}

typedef struct
{
  const char *request;
  guint status;
} BadRequest;

static void
test_http_malformed (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *huge = g_strdup_printf ("GET / HTTP/1.1\r\nHost: t\r\nX-Big: %0*d\r\n\r\n",
                                           20000, 0);
  const BadRequest cases[] = {
    { "BLAH\r\n\r\n", 400 },
    { "GET /\r\n\r\n", 400 },
    { "GET / HTTP/1.1\r\n\r\n", 400 },             /* no Host */
    { "GET / FTP/1.1\r\nHost: t\r\n\r\n", 400 },
    { "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505 },
    { "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: ten\r\n\r\n", 400 },
    { "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999\r\n\r\n", 413 },
    { "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501 },
    { "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400 },
    { "GET / HTTP/1.1\r\nHost: t\r\nExpect: teapot\r\n\r\n", 417 },
    { huge, 431 },
  };

  serve_kind (fixture, IC_SERVICE_HTTP);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Response response = { 0 };
      char value[64];
      int fd = connect_client (fixture);

      g_test_message ("case %u", i);
      tu_send_text (fd, cases[i].request);
      read_response (fd, FALSE, &response);
      g_assert_cmpuint (response.status, ==, cases[i].status);
      g_assert_cmpstr (header_value (&response, "Connection", value, sizeof value), ==, "close");
      response_clear (&response);
      assert_closed (fd);
      close (fd);
    }
}

static void
test_http_body_file (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = ic_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "page.html", NULL);
  const char *html = "<!DOCTYPE html>\n<html><body>test page</body></html>\n";
  Response response = { 0 };
  char value[64];
  int fd;

  g_assert_true (g_file_set_contents (path, html, -1, &error));
  profile->service = IC_SERVICE_HTTP;
  profile->http_body = g_strdup ("the file wins");
  profile->http_body_file = g_strdup (path);
  serve (fixture, profile);
  fd = connect_client (fixture);
  tu_send_text (fd, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  read_response (fd, FALSE, &response);
  g_assert_cmpmem (response.body->data, response.body->len, html, strlen (html));
  g_assert_cmpstr (header_value (&response, "Content-Type", value, sizeof value), ==,
                   "text/html; charset=utf-8");
  response_clear (&response);
  close (fd);
  ic_test_remove_tree (dir);
}

static void
test_http_large_body (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = ic_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "large.bin", NULL);
  gsize size = 300 * 1024;
  g_autofree guint8 *body = g_malloc (size);
  Response response = { 0 };
  int fd;

  for (gsize i = 0; i < size; i++)
    body[i] = (guint8) (i * 13 + i / 256);
  g_assert_true (g_file_set_contents (path, (const char *) body, (gssize) size, &error));
  profile->service = IC_SERVICE_HTTP;
  profile->http_body_file = g_strdup (path);
  serve (fixture, profile);
  fd = connect_client (fixture);
  /* pipelined: the answers go out in order, each body whole */
  tu_send_text (fd, "GET /1 HTTP/1.1\r\nHost: t\r\n\r\n"
                    "HEAD /2 HTTP/1.1\r\nHost: t\r\n\r\n"
                    "GET /3 HTTP/1.1\r\nHost: t\r\n\r\n");
  for (guint i = 0; i < 3; i++)
    {
      read_response (fd, i == 1, &response);
      g_assert_cmpuint (response.status, ==, 200);
      if (i != 1)
        g_assert_cmpmem (response.body->data, response.body->len, body, size);
      response_clear (&response);
    }
  g_assert_true (tu_recv_nothing (fd, 100));
  close (fd);
  ic_test_remove_tree (dir);
}

/* Mutated requests (bytes flipped, dropped, doubled; CR, LF, NUL, ':'
 * inserted) on fresh connections: every answer is a well-formed status
 * line, the server never stops answering, and the sanitizer builds see
 * every byte the parser touches. */
static void
test_http_mutations (Fixture       *fixture,
                     gconstpointer  data)
{
  static const char *const seeds[] = {
    "GET /a HTTP/1.1\r\nHost: t\r\nAccept: */*\r\n\r\n",
    "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello",
    "PUT / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    "HEAD / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
  };
  static const char inserts[] = { '\r', '\n', '\0', ':', ' ', '0', 'f' };
  g_autoptr (GRand) rand = g_rand_new_with_seed (4242);
  Response response = { 0 };
  guint ok = 0, refused = 0;

  serve_kind (fixture, IC_SERVICE_HTTP);
  for (guint round = 0; round < 300; round++)
    {
      g_autoptr (GByteArray) request = g_byte_array_new ();
      g_autoptr (GByteArray) answer = NULL;
      const char *seed = seeds[g_rand_int_range (rand, 0, G_N_ELEMENTS (seeds))];
      guint mutations = (guint) g_rand_int_range (rand, 1, 4);
      int fd;

      g_byte_array_append (request, (const guint8 *) seed, (guint) strlen (seed));
      for (guint m = 0; m < mutations && request->len > 1; m++)
        {
          guint at = (guint) g_rand_int_range (rand, 0, (gint32) request->len);

          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0:
              request->data[at] ^= (guint8) (1u << g_rand_int_range (rand, 0, 8));
              break;
            case 1:
              g_byte_array_remove_index (request, at);
              break;
            case 2:
              g_array_insert_val ((GArray *) request, at, request->data[at]);
              break;
            default:
              g_array_insert_val ((GArray *) request, at,
                                  inserts[g_rand_int_range (rand, 0, sizeof inserts)]);
              break;
            }
        }
      fd = connect_client (fixture);
      tu_send (fd, request->data, request->len);
      shutdown (fd, SHUT_WR);
      answer = tu_recv_until_close (fd, 1024 * 1024, NULL);
      close (fd);
      /* nothing (an incomplete request), or answers that start right */
      if (answer->len > 0)
        {
          g_byte_array_append (answer, (const guint8 *) "", 1);
          if (!g_str_has_prefix ((const char *) answer->data, "HTTP/1.1 "))
            g_error ("round %u: answer \"%.40s\"", round, (const char *) answer->data);
          ok += g_str_has_prefix ((const char *) answer->data, "HTTP/1.1 200 ");
          refused += g_str_has_prefix ((const char *) answer->data, "HTTP/1.1 4");
        }
    }
  g_test_message ("%u answered 200, %u refused with 4xx", ok, refused);
  /* the mutations reach both sides of the parser */
  g_assert_cmpuint (ok, >, 10);
  g_assert_cmpuint (refused, >, 10);

  /* and it still serves */
  {
    int fd = connect_client (fixture);

    tu_send_text (fd, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    read_response (fd, FALSE, &response);
    g_assert_cmpuint (response.status, ==, 200);
    response_clear (&response);
    close (fd);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cli/services/echo", test_echo);
  ADD ("/cli/services/echo-back-pressure", test_echo_back_pressure);
  ADD ("/cli/services/discard", test_discard);
  ADD ("/cli/services/chargen", test_chargen);
  ADD ("/cli/services/daytime", test_daytime);
  ADD ("/cli/services/banner", test_banner);
  ADD ("/cli/services/banner-default", test_banner_default);
  ADD ("/cli/services/greeting", test_greeting);
  ADD ("/cli/services/manual", test_manual);
  ADD ("/cli/rules/match-kinds", test_rules);
  ADD ("/cli/rules/partial-lines", test_rules_partial_lines);
  ADD ("/cli/rules/with-echo", test_rules_with_echo);
  g_test_add_func ("/cli/rules/new-errors", test_new_errors);
  ADD ("/cli/http/keep-alive", test_http_keep_alive);
  ADD ("/cli/http/pipelining", test_http_pipelining);
  ADD ("/cli/http/bodies", test_http_bodies);
  ADD ("/cli/http/versions", test_http_versions);
  ADD ("/cli/http/malformed", test_http_malformed);
  ADD ("/cli/http/body-file", test_http_body_file);
  ADD ("/cli/http/large-body", test_http_large_body);
  ADD ("/cli/http/mutations", test_http_mutations);
#undef ADD

  return g_test_run ();
}
