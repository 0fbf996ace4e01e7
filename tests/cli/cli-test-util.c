/* cli-test-util.c - loopback clients and inet-serve as a subprocess.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "cli-test-util.h"
#include "ic-test-utils.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---------------------------------------------------------------- clients */

static void
set_timeouts (int fd)
{
  struct timeval tv = { TU_TIMEOUT_MS / 1000, 0 };

  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

static int
connect_from (const char *source,
              const char *host,
              guint       port)
{
  int fd = ic_test_try_connect_from (source, host, port);

  if (fd >= 0)
    set_timeouts (fd);
  return fd;
}

int
tu_try_connect (const char *host,
                guint       port)
{
  return connect_from (NULL, host, port);
}

int
tu_connect_from (const char *source,
                 const char *host,
                 guint       port)
{
  int fd = connect_from (source, host, port);

  if (fd < 0)
    g_error ("connect to %s:%u: %s", host, port, g_strerror (errno));
  return fd;
}

int
tu_connect (const char *host,
            guint       port)
{
  return tu_connect_from (NULL, host, port);
}

void
tu_send (int         fd,
         const void *data,
         gsize       length)
{
  ic_test_write_all (fd, data, length);
}

void
tu_send_text (int         fd,
              const char *text)
{
  tu_send (fd, text, strlen (text));
}

void
tu_recv_exact (int   fd,
               void *buffer,
               gsize length)
{
  if (!ic_test_read_exact (fd, buffer, length, TU_TIMEOUT_MS))
    g_error ("recv of %" G_GSIZE_FORMAT " bytes: closed, failed or timed out", length);
}

GByteArray *
tu_recv_until_close (int       fd,
                     gsize     max,
                     gboolean *reset)
{
  GByteArray *data = g_byte_array_new ();
  guint8 buffer[16384];

  if (reset != NULL)
    *reset = FALSE;
  while (data->len < max)
    {
      ssize_t n = recv (fd, buffer, MIN (sizeof buffer, max - data->len), 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == ECONNRESET && reset != NULL)
        {
          *reset = TRUE;
          break;
        }
      if (n < 0)
        g_error ("recv: %s", g_strerror (errno));
      if (n == 0)
        break;
      g_byte_array_append (data, buffer, (guint) n);
    }
  return data;
}

char *
tu_recv_line (int fd)
{
  GString *line = g_string_new (NULL);

  for (;;)
    {
      char c;
      ssize_t n = recv (fd, &c, 1, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        g_error ("recv line after \"%s\": %s", line->str, n == 0 ? "closed" : g_strerror (errno));
      g_string_append_c (line, c);
      if (c == '\n' || line->len > 65536)
        break;
    }
  return g_string_free (line, FALSE);
}

gboolean
tu_recv_nothing (int   fd,
                 guint ms)
{
  struct pollfd pfd = { fd, POLLIN, 0 };

  return poll (&pfd, 1, (int) ms) == 0;
}

char *
tu_local_peer (int fd)
{
  struct sockaddr_storage address;
  socklen_t length = sizeof address;
  char text[INET6_ADDRSTRLEN] = "";

  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &address, &length), ==, 0);
  if (address.ss_family == AF_INET6)
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &address;

      if (IN6_IS_ADDR_V4MAPPED (&in6->sin6_addr))
        {
          inet_ntop (AF_INET, &in6->sin6_addr.s6_addr[12], text, sizeof text);
          return g_strdup_printf ("%s:%u", text, ntohs (in6->sin6_port));
        }
      inet_ntop (AF_INET6, &in6->sin6_addr, text, sizeof text);
      return g_strdup_printf ("[%s]:%u", text, ntohs (in6->sin6_port));
    }
  inet_ntop (AF_INET, &((struct sockaddr_in *) &address)->sin_addr, text, sizeof text);
  return g_strdup_printf ("%s:%u", text, ntohs (((struct sockaddr_in *) &address)->sin_port));
}

/* ------------------------------------------------------------ inet-serve */

void
tu_lock_init (pthread_mutex_t *mutex,
              pthread_cond_t  *cond)
{
  pthread_condattr_t attr;

  pthread_mutex_init (mutex, NULL);
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (cond, &attr);
  pthread_condattr_destroy (&attr);
}

gboolean
tu_cond_wait_until (pthread_cond_t  *cond,
                    pthread_mutex_t *mutex,
                    gint64           deadline)
{
  struct timespec ts = { (time_t) (deadline / G_USEC_PER_SEC),
                         (long) (deadline % G_USEC_PER_SEC) * 1000 };

  return pthread_cond_timedwait (cond, mutex, &ts) == 0;
}

struct _TuServe
{
  GSubprocess *process;
  GThread *reader;
  pthread_mutex_t mutex;      /* pthread: ThreadSanitizer understands it */
  pthread_cond_t cond;        /* on CLOCK_MONOTONIC */
  GPtrArray *events;          /* (element-type JsonObject) */
  GPtrArray *lines;           /* (element-type utf8) */
  gboolean eof;
  guint port;
};

static gpointer
reader_thread (gpointer data)
{
  TuServe *serve = data;
  g_autoptr (GDataInputStream) in =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve->process));

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, NULL);
      JsonObject *event = NULL;

      if (line == NULL)
        break;
      if (line[0] == '{')
        {
          g_autoptr (JsonParser) parser = json_parser_new ();
          g_autoptr (GError) error = NULL;

          if (!json_parser_load_from_data (parser, line, -1, &error))
            g_error ("inet-serve wrote a line that is not JSON: %s (%s)", line, error->message);
          g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
          event = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
        }
      pthread_mutex_lock (&serve->mutex);
      g_ptr_array_add (serve->lines, g_steal_pointer (&line));
      if (event != NULL)
        g_ptr_array_add (serve->events, event);
      pthread_cond_broadcast (&serve->cond);
      pthread_mutex_unlock (&serve->mutex);
    }
  pthread_mutex_lock (&serve->mutex);
  serve->eof = TRUE;
  pthread_cond_broadcast (&serve->cond);
  pthread_mutex_unlock (&serve->mutex);
  return NULL;
}

/* A test that fails aborts: its inet-serve must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
has_events_option (const char *const *args)
{
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    if (g_str_has_prefix (args[i], "--events"))
      return TRUE;
  return FALSE;
}

TuServe *
tu_serve_start_env (const char *const *args,
                    const char *const *env,
                    gboolean           wait_listening)
{
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  TuServe *serve = g_new0 (TuServe, 1);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  g_ptr_array_add (argv, (char *) INET_SERVE_PATH);
  if (!has_events_option (args))
    g_ptr_array_add (argv, (char *) "--events=json");
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  tu_lock_init (&serve->mutex, &serve->cond);
  serve->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  serve->lines = g_ptr_array_new_with_free_func (g_free);
  serve->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata,
                                                 &error);
  g_assert_no_error (error);
  serve->reader = g_thread_new ("serve-reader", reader_thread, serve);

  if (wait_listening)
    {
      JsonObject *listening = tu_serve_wait (serve, "listening", 1, TU_TIMEOUT_MS);

      if (listening == NULL)
        {
          int status = tu_serve_wait_exit (serve, TU_TIMEOUT_MS);
          g_autofree char *err = tu_serve_stderr (serve);

          g_error ("inet-serve did not start (status %d): %s", status, err ? err : "");
        }
      serve->port = (guint) json_object_get_int_member (listening, "port");
    }
  return serve;
}

TuServe *
tu_serve_start (const char *const *args,
                gboolean           wait_listening)
{
  return tu_serve_start_env (args, NULL, wait_listening);
}

GSubprocess *
tu_serve_process (TuServe *serve)
{
  return serve->process;
}

guint
tu_serve_port (TuServe *serve)
{
  return serve->port;
}

static JsonObject *
find_locked (TuServe    *serve,
             const char *name,
             gint64      client,
             guint       nth)
{
  guint seen = 0;

  for (guint i = 0; i < serve->events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (serve->events, i);

      if (name != NULL && g_strcmp0 (json_object_get_string_member (event, "event"), name) != 0)
        continue;
      if (client != 0
          && (!json_object_has_member (event, "client")
              || json_object_get_int_member (event, "client") != client))
        continue;
      if (++seen == nth)
        return event;
    }
  return NULL;
}

static JsonObject *
wait_for (TuServe    *serve,
          const char *name,
          gint64      client,
          guint       nth,
          guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  JsonObject *found;

  pthread_mutex_lock (&serve->mutex);
  while ((found = find_locked (serve, name, client, nth)) == NULL && !serve->eof)
    if (!tu_cond_wait_until (&serve->cond, &serve->mutex, deadline))
      break;
  if (found == NULL)
    found = find_locked (serve, name, client, nth);
  pthread_mutex_unlock (&serve->mutex);
  return found;
}

JsonObject *
tu_serve_wait (TuServe    *serve,
               const char *name,
               guint       nth,
               guint       timeout_ms)
{
  return wait_for (serve, name, 0, nth, timeout_ms);
}

JsonObject *
tu_serve_expect (TuServe    *serve,
                 const char *name,
                 guint       nth)
{
  JsonObject *event = tu_serve_wait (serve, name, nth, TU_TIMEOUT_MS);

  if (event == NULL)
    g_error ("no %s event (#%u)", name, nth);
  return event;
}

JsonObject *
tu_serve_wait_client (TuServe    *serve,
                      const char *name,
                      gint64      client,
                      guint       timeout_ms)
{
  return wait_for (serve, name, client, 1, timeout_ms);
}

guint
tu_serve_count (TuServe    *serve,
                const char *name)
{
  guint n = 0;

  pthread_mutex_lock (&serve->mutex);
  for (guint i = 0; i < serve->events->len; i++)
    if (g_strcmp0 (json_object_get_string_member (g_ptr_array_index (serve->events, i), "event"),
                   name) == 0)
      n++;
  pthread_mutex_unlock (&serve->mutex);
  return n;
}

GPtrArray *
tu_serve_events (TuServe *serve)
{
  GPtrArray *copy = g_ptr_array_new ();

  pthread_mutex_lock (&serve->mutex);
  for (guint i = 0; i < serve->events->len; i++)
    g_ptr_array_add (copy, g_ptr_array_index (serve->events, i));
  pthread_mutex_unlock (&serve->mutex);
  return copy;
}

GPtrArray *
tu_serve_lines (TuServe *serve,
                guint    n,
                guint    timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  GPtrArray *copy = g_ptr_array_new ();

  pthread_mutex_lock (&serve->mutex);
  while (serve->lines->len < n && !serve->eof)
    if (!tu_cond_wait_until (&serve->cond, &serve->mutex, deadline))
      break;
  for (guint i = 0; i < serve->lines->len; i++)
    g_ptr_array_add (copy, g_ptr_array_index (serve->lines, i));
  pthread_mutex_unlock (&serve->mutex);
  return copy;
}

char *
tu_serve_stderr (TuServe *serve)
{
  GInputStream *err = g_subprocess_get_stderr_pipe (serve->process);
  GString *text = g_string_new (NULL);
  char buffer[4096];
  gssize n;

  while ((n = g_input_stream_read (err, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (text, buffer, n);
  return g_string_free (text, FALSE);
}

void
tu_serve_signal (TuServe *serve,
                 int      signo)
{
  g_subprocess_send_signal (serve->process, signo);
}

void
tu_serve_wait_signals (TuServe *serve)
{
  const guint64 wanted = (1ull << (SIGINT - 1)) | (1ull << (SIGTERM - 1)) | (1ull << (SIGUSR1 - 1))
                         | (1ull << (SIGUSR2 - 1)) | (1ull << (SIGHUP - 1));
  gint64 deadline = g_get_monotonic_time () + (gint64) TU_TIMEOUT_MS * 1000;
  const char *pid = g_subprocess_get_identifier (serve->process);
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid ? pid : "0");

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *status = NULL;
      const char *caught;

      if (g_file_get_contents (path, &status, NULL, NULL)
          && (caught = strstr (status, "\nSigCgt:")) != NULL
          && (g_ascii_strtoull (caught + 8, NULL, 16) & wanted) == wanted)
        return;
      g_usleep (5000);
    }
  g_error ("inet-serve did not install its signal handlers");
}

static void
wait_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates context (the thread-default one, where an operation on process
 * was just started) until *done; after timeout_ms the process is killed
 * and the operation awaited. FALSE if it timed out. */
static gboolean
iterate_until_done (GMainContext *context,
                    GSubprocess  *process,
                    gboolean     *done,
                    guint         timeout_ms)
{
  g_autoptr (GSource) timer = g_timeout_source_new (timeout_ms);
  gboolean timed_out = FALSE;

  g_source_set_callback (timer, timeout_cb, &timed_out, NULL);
  g_source_attach (timer, context);
  while (!*done && !timed_out)
    g_main_context_iteration (context, TRUE);
  if (!*done)
    {
      g_subprocess_force_exit (process);
      while (!*done)
        g_main_context_iteration (context, TRUE);
    }
  g_source_destroy (timer);
  return !timed_out;
}

/* Waits for the process in a private context, up to timeout_ms. */
static gboolean
wait_process (GSubprocess *process,
              guint        timeout_ms)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  gboolean done = FALSE, finished;

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (process, NULL, wait_done_cb, &done);
  finished = iterate_until_done (context, process, &done, timeout_ms);
  g_main_context_pop_thread_default (context);
  return finished;
}

int
tu_serve_wait_exit (TuServe *serve,
                    guint    timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) TU_TIMEOUT_MS * 1000;

  if (!wait_process (serve->process, timeout_ms))
    return -1;
  /* and every line it wrote has been read */
  pthread_mutex_lock (&serve->mutex);
  while (!serve->eof)
    if (!tu_cond_wait_until (&serve->cond, &serve->mutex, deadline))
      break;
  pthread_mutex_unlock (&serve->mutex);
  if (!g_subprocess_get_if_exited (serve->process))
    return 128 + g_subprocess_get_term_sig (serve->process);
  return g_subprocess_get_exit_status (serve->process);
}

void
tu_serve_stop (TuServe *serve)
{
  tu_serve_signal (serve, SIGTERM);
  g_assert_cmpint (tu_serve_wait_exit (serve, TU_TIMEOUT_MS), ==, 0);
  g_assert_nonnull (tu_serve_wait (serve, "stop", 1, 0));
}

void
tu_serve_free (TuServe *serve)
{
  if (serve == NULL)
    return;
  if (g_subprocess_get_identifier (serve->process) != NULL)
    {
      g_subprocess_force_exit (serve->process);
      wait_process (serve->process, TU_TIMEOUT_MS);
    }
  g_thread_join (serve->reader);
  g_object_unref (serve->process);
  g_ptr_array_unref (serve->events);
  g_ptr_array_unref (serve->lines);
  pthread_mutex_destroy (&serve->mutex);
  pthread_cond_destroy (&serve->cond);
  g_free (serve);
}

/* ------------------------------------------------------------ one-shots */

typedef struct
{
  gboolean done;
  char *out;
  char *err;
} Communicate;

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Communicate *state = user_data;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &state->out, &state->err,
                                        NULL);
  state->done = TRUE;
}

int
tu_run (const char *const *argv,
        const char        *stdin_text,
        char             **out,
        char             **err)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  Communicate state = { FALSE, NULL, NULL };
  gboolean finished;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE
                           | (stdin_text ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0);
  int status;

  {
    g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);

    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  }
  if (process == NULL)
    return -1;
  g_main_context_push_thread_default (context);
  g_subprocess_communicate_utf8_async (process, stdin_text, NULL, communicate_cb, &state);
  finished = iterate_until_done (context, process, &state.done, TU_TIMEOUT_MS * 3);
  g_main_context_pop_thread_default (context);
  wait_process (process, TU_TIMEOUT_MS);
  status = g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process)
                                                : 128 + g_subprocess_get_term_sig (process);
  if (out != NULL)
    *out = g_steal_pointer (&state.out);
  if (err != NULL)
    *err = g_steal_pointer (&state.err);
  g_free (state.out);
  g_free (state.err);
  return finished ? status : -1;
}

int
tu_run_serve (const char *const *args,
              char             **out,
              char             **err)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) INET_SERVE_PATH);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  return tu_run ((const char *const *) argv->pdata, NULL, out, err);
}

void
tu_assert_start_failure (const char *const *args,
                         const char        *prefix,
                         const char        *expected)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *start = g_strconcat ("inet-serve: ", prefix, NULL);
  int status = tu_run_serve (args, &out, &err);

  g_test_message ("status %d: %s", status, err);
  g_assert_cmpint (status, ==, 1);
  g_assert_true (g_str_has_prefix (err, start));
  g_assert_nonnull (strstr (err, expected));
  /* one line */
  g_assert_nonnull (strchr (err, '\n'));
  g_assert_cmpstr (strchr (err, '\n') + 1, ==, "");
  g_assert_cmpstr (out, ==, "");
}
