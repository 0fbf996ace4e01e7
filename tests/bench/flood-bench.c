/* flood-bench.c - the console's main loop under a flood.
 *
 * An echo server runs through the app layer exactly as in the console
 * (IcServer: engine callbacks -> bridge -> models on the main context, the
 * counter sampler, transcripts, the event log). Loader threads open N
 * loopback clients that send small messages as fast as the echoes come back
 * (a fixed number in flight per client); optional churn threads connect and
 * disconnect in a loop, so lifecycle events flow through the bridge too.
 * Meanwhile a probe on the main context asks to run every 16 ms and records
 * how late it runs: the main loop's latency, what a user would feel.
 *
 * Output: one line of key=value pairs (see --help and README.md).
 * Loopback only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-model-private.h"
#include "ic-model.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROBE_MS 16

static int opt_clients = 1000;
static int opt_duration = 60;
static int opt_warmup = 5;
static int opt_size = 32;
static int opt_depth = 4;
static int opt_threads = 2;
static int opt_churn = 0;
static gboolean opt_no_capture = FALSE;
static gboolean opt_verbose = FALSE;

static GOptionEntry entries[] = {
  { "clients", 'c', 0, G_OPTION_ARG_INT, &opt_clients, "Flooding clients (1000)", "N" },
  { "duration", 'd', 0, G_OPTION_ARG_INT, &opt_duration, "Measured seconds (60)", "S" },
  { "warmup", 'w', 0, G_OPTION_ARG_INT, &opt_warmup, "Unmeasured seconds first (5)", "S" },
  { "size", 's', 0, G_OPTION_ARG_INT, &opt_size, "Message size in bytes (32)", "B" },
  { "depth", 0, 0, G_OPTION_ARG_INT, &opt_depth, "Messages in flight per client (4)", "N" },
  { "threads", 't', 0, G_OPTION_ARG_INT, &opt_threads, "Loader threads (2)", "N" },
  { "churn", 0, 0, G_OPTION_ARG_INT, &opt_churn,
    "Threads that connect, echo one message and disconnect in a loop (0)", "N" },
  { "no-capture", 0, 0, G_OPTION_ARG_NONE, &opt_no_capture, "Do not keep transcripts", NULL },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt_verbose, "A line per second on stderr", NULL },
  { NULL }
};

/* ----------------------------------------------------------- the load */

typedef struct
{
  int fd;
  guint64 owed;              /* echoed bytes not yet answered with a new message */
} Conn;

static guint port;
static atomic_bool stop_flag;
static atomic_int connected;
static atomic_uint_fast64_t echoed_bytes;
static atomic_uint_fast64_t churn_cycles;
static atomic_uint_fast64_t load_errors;

static int
connect_loopback (gboolean nonblocking)
{
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((guint16) port) };
  int fd, one = 1;

  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    g_error ("socket: %s", g_strerror (errno));
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
    {
      close (fd);
      return -1;
    }
  if (nonblocking)
    fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

/* Sends as many whole messages as owed allows. */
static void
pump (Conn         *conn,
      const guint8 *message)
{
  while (conn->owed >= (guint64) opt_size)
    {
      ssize_t n = send (conn->fd, message, (size_t) opt_size, MSG_NOSIGNAL);

      if (n == opt_size)
        conn->owed -= (guint64) opt_size;
      else
        break; /* a full buffer (never seen at this depth): retry on the next echo */
    }
}

static gpointer
loader_main (gpointer data)
{
  int count = GPOINTER_TO_INT (data);
  g_autofree Conn *conns = g_new0 (Conn, count);
  g_autofree guint8 *message = g_malloc (opt_size);
  guint8 buffer[65536];
  struct epoll_event events[256];
  int epfd = epoll_create1 (EPOLL_CLOEXEC);

  memset (message, 'x', opt_size);
  message[opt_size - 1] = '\n';
  for (int i = 0; i < count; i++)
    {
      struct epoll_event event = { .events = EPOLLIN, .data.ptr = &conns[i] };

      conns[i].fd = connect_loopback (TRUE);
      if (conns[i].fd < 0)
        g_error ("connect: %s", g_strerror (errno));
      epoll_ctl (epfd, EPOLL_CTL_ADD, conns[i].fd, &event);
      atomic_fetch_add (&connected, 1);
    }
  /* everyone connected: start with depth messages each */
  while (atomic_load (&connected) < opt_clients && !atomic_load (&stop_flag))
    g_usleep (1000);
  for (int i = 0; i < count; i++)
    {
      conns[i].owed = (guint64) opt_size * (guint64) opt_depth;
      pump (&conns[i], message);
    }

  while (!atomic_load (&stop_flag))
    {
      int n = epoll_wait (epfd, events, G_N_ELEMENTS (events), 100);

      for (int k = 0; k < n; k++)
        {
          Conn *conn = events[k].data.ptr;
          ssize_t got = recv (conn->fd, buffer, sizeof buffer, 0);

          if (got > 0)
            {
              atomic_fetch_add_explicit (&echoed_bytes, (guint64) got, memory_order_relaxed);
              conn->owed += (guint64) got;
              pump (conn, message);
            }
          else if (got == 0 || (errno != EAGAIN && errno != EINTR))
            {
              if (!atomic_load (&stop_flag))
                atomic_fetch_add (&load_errors, 1);
              epoll_ctl (epfd, EPOLL_CTL_DEL, conn->fd, NULL);
            }
        }
    }
  for (int i = 0; i < count; i++)
    close (conns[i].fd);
  close (epfd);
  return NULL;
}

static gpointer
churn_main (gpointer data)
{
  g_autofree guint8 *message = g_malloc (opt_size);
  g_autofree guint8 *back = g_malloc (opt_size);

  memset (message, 'c', opt_size);
  while (!atomic_load (&stop_flag))
    {
      int fd = connect_loopback (FALSE);
      ssize_t done = 0;
      struct timeval timeout = { 5, 0 };

      if (fd < 0)
        {
          atomic_fetch_add (&load_errors, 1);
          g_usleep (1000);
          continue;
        }
      setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      if (send (fd, message, (size_t) opt_size, MSG_NOSIGNAL) == opt_size)
        while (done < opt_size)
          {
            ssize_t n = recv (fd, back + done, (size_t) (opt_size - done), 0);

            if (n <= 0)
              break;
            done += n;
          }
      if (done == opt_size)
        atomic_fetch_add (&churn_cycles, 1);
      else if (!atomic_load (&stop_flag))
        atomic_fetch_add (&load_errors, 1);
      close (fd);
    }
  return NULL;
}

/* ---------------------------------------------------------- the probe */

typedef struct
{
  gint64 last;               /* when the probe last ran */
  gboolean measuring;
  GArray *late;              /* (element-type gint64) microseconds late, measured window */
} Probe;

static gboolean
probe_cb (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();

  /* GLib schedules the next run PROBE_MS after this one ran */
  if (probe->measuring && probe->last != 0)
    {
      gint64 late = MAX (0, now - probe->last - PROBE_MS * 1000);

      g_array_append_val (probe->late, late);
    }
  probe->last = now;
  return G_SOURCE_CONTINUE;
}

static int
compare_int64 (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile_ms (GArray *sorted,
               double  p)
{
  guint index;

  if (sorted->len == 0)
    return 0;
  index = (guint) MIN ((double) sorted->len - 1, p * (double) sorted->len);
  return (double) g_array_index (sorted, gint64, index) / 1000.0;
}

/* -------------------------------------------------------------- memory */

/* The number after key ("VmRSS:", "Threads:") in /proc/self/status. */
static long
status_value (const char *key)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, key);
  return line != NULL ? strtol (line + strlen (key), NULL, 10) : -1;
}

/* ----------------------------------------------------------- the clock */

typedef struct
{
  IcServer *server;
  GMainLoop *loop;
  Probe *probe;
  int second;                /* seconds since the flood started */
  long rss_base;             /* after the warm-up */
  long rss_max;
  long rss_min;
  long rss_end;
  guint64 bytes_start;
  guint64 callbacks_start;
  guint64 delivered_start;
  guint64 dispatches_start;
  guint64 callbacks_end;
  guint64 delivered_end;
  guint64 dispatches_end;
  guint64 bytes_end;
  guint64 churn_start;
  guint64 churn_end;
  guint rows_min;
  guint rows_max;
  long threads_max;
} Clock;

static gboolean
second_cb (gpointer data)
{
  Clock *clock = data;
  IcBridgeStats stats = { 0 };
  long rss = status_value ("VmRSS:");
  guint rows = g_list_model_get_n_items (ic_server_get_clients (clock->server));

  clock->second++;
  ic__server_get_bridge_stats (clock->server, &stats);
  if (opt_verbose)
    {
      /* one extra counter sample, timed: what a sampler tick costs */
      gint64 start = g_get_monotonic_time ();

      ic_server_sample (clock->server);
      g_printerr ("sample_ms=%.2f ", (g_get_monotonic_time () - start) / 1000.0);
      g_printerr ("t=%d rss_kb=%ld rows=%u echoed_mb=%.1f callbacks=%" G_GUINT64_FORMAT
                  " bridged=%" G_GUINT64_FORMAT " queued=%u batch=%u probes=%u\n",
                  clock->second, rss, rows, atomic_load (&echoed_bytes) / 1e6,
                  ic__server_get_engine_callbacks (clock->server), stats.delivered,
                  stats.queued, stats.batch_size, clock->probe->late->len);
    }

  if (clock->second == opt_warmup)
    {
      clock->probe->measuring = TRUE;
      clock->rss_base = clock->rss_max = clock->rss_min = rss;
      clock->bytes_start = atomic_load (&echoed_bytes);
      clock->callbacks_start = ic__server_get_engine_callbacks (clock->server);
      clock->delivered_start = stats.delivered;
      clock->dispatches_start = stats.dispatches;
      clock->churn_start = atomic_load (&churn_cycles);
      clock->rows_min = clock->rows_max = rows;
    }
  else if (clock->second > opt_warmup)
    {
      clock->rss_max = MAX (clock->rss_max, rss);
      clock->rss_min = MIN (clock->rss_min, rss);
      clock->rows_min = MIN (clock->rows_min, rows);
      clock->rows_max = MAX (clock->rows_max, rows);
      clock->threads_max = MAX (clock->threads_max, status_value ("Threads:"));
    }
  if (clock->second == opt_warmup + opt_duration)
    {
      clock->probe->measuring = FALSE;
      clock->rss_end = rss;
      clock->bytes_end = atomic_load (&echoed_bytes);
      clock->callbacks_end = ic__server_get_engine_callbacks (clock->server);
      clock->delivered_end = stats.delivered;
      clock->dispatches_end = stats.dispatches;
      clock->churn_end = atomic_load (&churn_cycles);
      g_main_loop_quit (clock->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) options = g_option_context_new ("- the console's main loop under "
                                                            "a flood of echo clients");
  g_autoptr(GError) error = NULL;
  g_autoptr(IcProfile) profile = ic_profile_new ();
  g_autoptr(IcServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  Probe probe = { 0 };
  Clock clock = { 0 };
  IcEventLog *log;
  gint64 stop_start, stop_us;
  double seconds, p50, p99, p999, max;
  guint rows_after_stop;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_clients < 1 || opt_duration < 1 || opt_warmup < 1 || opt_size < 1 || opt_depth < 1
      || opt_threads < 1 || opt_threads > opt_clients || opt_churn < 0)
    {
      g_printerr ("flood-bench: bad option value\n");
      return 2;
    }
  raise_fd_limit ();

  profile->name = g_strdup ("flood");
  g_free (profile->host);
  profile->host = g_strdup ("127.0.0.1");
  profile->backlog = 4096;
  profile->options = INET_OPTION_NODELAY;
  server = ic_server_new (profile);
  g_object_set (server, "capture-traffic", !opt_no_capture, NULL);
  if (!ic_server_start (server, &error))
    {
      g_printerr ("flood-bench: %s\n", error->message);
      return 1;
    }
  port = ic_server_get_port (server);
  log = ic_server_get_log (server);

  loop = g_main_loop_new (NULL, FALSE);
  probe.late = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_timeout_add (PROBE_MS, probe_cb, &probe);

  /* connect everyone (the main loop runs meanwhile and adds the rows) */
  for (int t = 0; t < opt_threads; t++)
    {
      int count = opt_clients / opt_threads + (t < opt_clients % opt_threads);

      g_ptr_array_add (threads, g_thread_new ("loader", loader_main, GINT_TO_POINTER (count)));
    }
  while (g_list_model_get_n_items (ic_server_get_clients (server)) < (guint) opt_clients)
    {
      g_main_context_iteration (NULL, TRUE);
      if (atomic_load (&load_errors) > 0)
        g_error ("a client failed while connecting");
    }
  for (int t = 0; t < opt_churn; t++)
    g_ptr_array_add (threads, g_thread_new ("churn", churn_main, NULL));

  clock.server = server;
  clock.loop = loop;
  clock.probe = &probe;
  g_timeout_add_seconds (1, second_cb, &clock);
  g_main_loop_run (loop);

  /* stop the load, then the server (with the clients still attached) */
  atomic_store (&stop_flag, TRUE);
  stop_start = g_get_monotonic_time ();
  ic_server_stop (server);
  stop_us = g_get_monotonic_time () - stop_start;
  rows_after_stop = g_list_model_get_n_items (ic_server_get_clients (server));
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));

  g_array_sort (probe.late, compare_int64);
  p50 = percentile_ms (probe.late, 0.50);
  p99 = percentile_ms (probe.late, 0.99);
  p999 = percentile_ms (probe.late, 0.999);
  max = probe.late->len > 0 ? g_array_index (probe.late, gint64, probe.late->len - 1) / 1000.0
                            : 0;
  seconds = opt_duration;
  printf ("clients=%d churn_threads=%d size=%d depth=%d capture=%d duration_s=%d "
          "msgs_per_s=%.0f echo_mb_per_s=%.2f engine_events_per_s=%.0f "
          "bridged_events_per_s=%.0f dispatches_per_s=%.1f churn_cycles_per_s=%.0f "
          "probe_n=%u lat_p50_ms=%.2f lat_p99_ms=%.2f lat_p999_ms=%.2f lat_max_ms=%.2f "
          "rss_base_kb=%ld rss_end_kb=%ld rss_min_kb=%ld rss_max_kb=%ld rss_drift_pct=%.1f "
          "threads=%ld rows_min=%u rows_max=%u log_total=%" G_GUINT64_FORMAT
          " log_dropped=%" G_GUINT64_FORMAT " stop_ms=%.1f rows_after_stop=%u errors=%"
          G_GUINT64_FORMAT "\n",
          opt_clients, opt_churn, opt_size, opt_depth, !opt_no_capture, opt_duration,
          (clock.bytes_end - clock.bytes_start) / (double) opt_size / seconds,
          (clock.bytes_end - clock.bytes_start) / 1e6 / seconds,
          (clock.callbacks_end - clock.callbacks_start) / seconds,
          (clock.delivered_end - clock.delivered_start) / seconds,
          (clock.dispatches_end - clock.dispatches_start) / seconds,
          (clock.churn_end - clock.churn_start) / seconds,
          probe.late->len, p50, p99, p999, max,
          clock.rss_base, clock.rss_end, clock.rss_min, clock.rss_max,
          clock.rss_base > 0 ? 100.0 * (MAX (clock.rss_max - clock.rss_base,
                                              clock.rss_base - clock.rss_min))
                                 / (double) clock.rss_base
                             : 0,
          clock.threads_max, clock.rows_min, clock.rows_max, ic_event_log_get_total (log),
          ic_event_log_get_dropped (log), stop_us / 1000.0, rows_after_stop,
          (guint64) atomic_load (&load_errors));
  g_array_unref (probe.late);
  return 0;
}
