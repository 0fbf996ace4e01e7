/* ic-server.c - the server model: one engine server, its service, its
 * clients and counters.
 *
 * Threads: the engine callback (ic-server-link.c) runs in engine threads and
 * sees only the run's IcLink (service, bridge, traffic stores), never this
 * object. Everything here runs on self->context.
 *
 * A run is one InetServerStart .. InetServerStop. Its end (finish_run) is
 * the hard line: the engine has returned from InetServerStop (so no engine
 * callback runs any more), the bridge is flushed (every DISCONNECT and the
 * STOP applied) and closed (its dispatch never runs again), the sampler is
 * destroyed, and only then is the link freed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-bridge.h"
#include "ic-model-private.h"
#include "ic-server-link-private.h"
#include "ic-server-start-private.h"

#include <glib/gi18n-lib.h>

/* ------------------------------------------------------------- the run */

typedef struct
{
  guint64 serial;                /* tells runs apart (async completions) */
  IcStartJob *start;             /* (owned) (nullable) the start, until its outcome is
                                  * taken (take_start); handle and link come from it */
  SOCKET handle;                 /* INVALID_SOCKET while starting */
  IcLink *link;                  /* (owned) (nullable) freed at the end of the run */
  IcBridge *bridge;              /* (owned) */
  GSource *sampler;              /* (owned) */
  guint ticks;
  gboolean stopping;             /* finish_run will come; do not start it again */
  gboolean failed;               /* a restart could not re-open the listener */
  char *failure;                 /* (owned) (nullable) why */
  guint64 ended_in;              /* bytes of sessions that ended (DISCONNECT) */
  guint64 ended_out;
  guint64 dropped_seen;
  IcRateMeter meter;
} IcRun;

struct _IcServer
{
  GObject parent_instance;

  GMainContext *context;         /* (owned) */
  IcEventLog *log;               /* (owned) */
  IcProfile *profile;            /* (owned) */
  IcStatsHistory *history;       /* (owned) */
  GListStore *clients;           /* (owned) (element-type IcClient), by id */
  GHashTable *clients_by_id;     /* (owned) id -> IcClient (owned) */
  GPtrArray *pending_added;      /* (owned) (element-type IcClient) not yet in clients */
  GPtrArray *pending_gone;       /* (owned) (element-type IcClient) still in clients */
  GSource *list_flush;           /* (owned) (nullable) applies the pending changes */
  double list_tokens;            /* list changes allowed now (see queue_client_changes) */
  gint64 list_tokens_time;
  GListStore *failures;          /* (owned) (element-type IcHandshakeFailure) this run's
                                  * failed TLS handshakes, oldest first, bounded */
  IcRun *run;                    /* (owned) (nullable) */
  IcServerAnchor *anchor;        /* (owned) what the clients hold */
  guint64 run_serial;

  IcServerStatus status;
  char *address;
  guint port;
  char *error;
  char *warning;
  guint n_clients;
  guint peak_clients;
  guint64 accepted;
  guint64 rejected;
  guint64 handshake_failures;
  guint64 bytes_in;
  guint64 bytes_out;
  double rate_in;
  double rate_out;
  gint64 start_time;
  gboolean capture;
};

G_DEFINE_FINAL_TYPE (IcServer, ic_server, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_LOG,
  PROP_PROFILE,
  PROP_NAME,
  PROP_SERVICE,
  PROP_TLS,
  PROP_STATUS,
  PROP_RUNNING,
  PROP_ADDRESS,
  PROP_PORT,
  PROP_ERROR,
  PROP_WARNING,
  PROP_CLIENTS,
  PROP_N_CLIENTS,
  PROP_PEAK_CLIENTS,
  PROP_ACCEPTED,
  PROP_REJECTED,
  PROP_HANDSHAKE_FAILURES,
  PROP_BYTES_IN,
  PROP_BYTES_OUT,
  PROP_RATE_IN,
  PROP_RATE_OUT,
  PROP_START_TIME,
  PROP_MAX_CLIENTS,
  PROP_MAX_PER_ADDRESS,
  PROP_ACCEPT_INTERVAL,
  PROP_RATE_LIMIT,
  PROP_PRIORITY,
  PROP_CAPTURE_TRAFFIC,
  PROP_HISTORY,
  N_PROPS
};

enum {
  CLIENTS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void finish_run (IcServer *self);

/* ---------------------------------------------------------- small sets */

/* Takes the source (if any) off its context and drops it. */
static void
clear_source (GSource **source)
{
  if (*source != NULL)
    g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
notify (IcServer *self,
        int       prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static gboolean
status_running (IcServerStatus status)
{
  return status == IC_SERVER_STARTING || status == IC_SERVER_LISTENING
         || status == IC_SERVER_SUSPENDED || status == IC_SERVER_STOPPING
         || status == IC_SERVER_RESTARTING;
}

static void
set_status (IcServer       *self,
            IcServerStatus  status)
{
  gboolean was_running = status_running (self->status);

  if (self->status == status)
    return;
  self->status = status;
  g_object_freeze_notify (G_OBJECT (self));
  notify (self, PROP_STATUS);
  if (was_running != status_running (status))
    notify (self, PROP_RUNNING);
  g_object_thaw_notify (G_OBJECT (self));
}

/* The outcome of the run's start, once it is there: waits for the job if it
 * still runs in its worker (bounded: until InetServerStart returns). A
 * failed start is the run's failure. */
static void
take_start (IcServer *self)
{
  IcRun *run = self->run;
  g_autoptr(IcStartJob) job = NULL;
  const GError *failure = NULL;

  if (run == NULL || run->start == NULL)
    return;
  job = g_steal_pointer (&run->start);
  ic__start_job_wait (job);
  run->handle = ic__start_job_get_outcome (job, &failure, NULL);
  run->link = ic__start_job_steal_link (job);
  if (run->handle == INVALID_SOCKET)
    {
      run->failed = TRUE;
      g_free (run->failure);
      run->failure = g_strdup (failure->message);
      ic__server_log (self, IC_EVENT_ERROR, 0, _("Start failed: %s"), failure->message);
    }
}

/* A run whose engine server is there and not being stopped. */
static gboolean
run_live (IcServer *self)
{
  return self->run != NULL && !self->run->stopping && self->run->handle != INVALID_SOCKET;
}

/* The run's service: its link's, or the start job's while it runs (made
 * before InetServerStart, so before any event of the server). */
static IcService *
run_service (IcRun *run)
{
  return run->link != NULL ? ic__link_get_service (run->link)
                           : ic__start_job_get_service (run->start);
}

/* The engine's view, while a run is not being torn down. */
static void
sync_status (IcServer *self)
{
  INT status;

  if (!run_live (self))
    return;
  status = InetGetServerStatus (self->run->handle);
  if (status == INET_ERROR)
    return;
  switch (status & ~INET_SERVER_LOCKED)
    {
    case INET_SERVER_STARTING:
      set_status (self, IC_SERVER_STARTING);
      break;
    case INET_SERVER_LISTENING:
      set_status (self, IC_SERVER_LISTENING);
      break;
    case INET_SERVER_SUSPENDED:
      set_status (self, IC_SERVER_SUSPENDED);
      break;
    case INET_SERVER_STOPPING:
      set_status (self, IC_SERVER_STOPPING);
      break;
    case INET_SERVER_RESTARTING:
      set_status (self, IC_SERVER_RESTARTING);
      break;
    default:
      break;
    }
}

static void
update_address (IcServer *self)
{
  g_autofree char *address = NULL;
  guint port = self->profile->port;

  if (self->run != NULL && self->run->handle != INVALID_SOCKET)
    {
      char local[128];
      UINT local_port = 0;

      if (InetGetLocalAddress (self->run->handle, local, sizeof local, &local_port))
        {
          address = ic__format_peer (local, local_port);
          port = local_port;
        }
    }
  if (address == NULL)
    address = ic__profile_address (self->profile);
  g_object_freeze_notify (G_OBJECT (self));
  ic__set_string (self, &self->address, address, properties[PROP_ADDRESS]);
  ic__set_uint (self, &self->port, port, properties[PROP_PORT]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
ic__server_log (IcServer   *self,
                IcEventKind kind,
                guint       client_id,
                const char *format,
                ...)
{
  g_autoptr(IcLogEntry) entry = NULL;
  g_autofree char *message = NULL;
  va_list args;

  g_return_if_fail (IC_IS_SERVER (self));

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  entry = ic_log_entry_new (kind, ic_server_get_name (self), client_id, message);
  ic_event_log_append (self->log, entry);
}

/* ------------------------------------------------------- client list */

static guint
item_id (GListModel *model,
         guint       position)
{
  g_autoptr(IcClient) client = g_list_model_get_item (model, position);

  return ic_client_get_id (client);
}

/* First position whose id is >= id (the list is kept in id order). */
static guint
lower_bound (IcServer *self,
             guint     id)
{
  GListModel *model = G_LIST_MODEL (self->clients);
  guint lo = 0, hi = g_list_model_get_n_items (model);

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (item_id (model, mid) < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static int
compare_clients (gconstpointer a,
                 gconstpointer b)
{
  guint ida = ic_client_get_id (*(IcClient **) a);
  guint idb = ic_client_get_id (*(IcClient **) b);

  return ida < idb ? -1 : ida > idb;
}

static int
compare_uint_desc (gconstpointer a,
                   gconstpointer b)
{
  guint pa = *(const guint *) a, pb = *(const guint *) b;

  return pa > pb ? -1 : pa < pb;
}

static guint
place_of (IcServer  *self,
          GPtrArray *clients,
          guint      index)
{
  return lower_bound (self, ic_client_get_id (g_ptr_array_index (clients, index)));
}

/* Removals in runs of neighbours (one splice each), then additions (one
 * splice for each place they go). */
static void
apply_client_changes (IcServer  *self,
                      GPtrArray *added,
                      GPtrArray *gone)
{
  GListModel *model = G_LIST_MODEL (self->clients);

  if (gone->len > 0)
    {
      g_autoptr(GArray) positions = g_array_sized_new (FALSE, FALSE, sizeof (guint), gone->len);
      guint i = 0;

      for (guint k = 0; k < gone->len; k++)
        {
          guint id = ic_client_get_id (g_ptr_array_index (gone, k));
          guint position = lower_bound (self, id);

          if (position < g_list_model_get_n_items (model) && item_id (model, position) == id)
            g_array_append_val (positions, position);
        }
      g_array_sort (positions, compare_uint_desc);
      while (i < positions->len)
        {
          guint top = g_array_index (positions, guint, i), n = 1;

          while (i + n < positions->len && g_array_index (positions, guint, i + n) == top - n)
            n++;
          g_list_store_splice (self->clients, top - n + 1, n, NULL, 0);
          i += n;
        }
    }

  if (added->len > 0)
    {
      guint end;

      /* sessions connect in parallel, so a batch can hold ids below the
       * last row's: each run of additions that goes to one place is one
       * splice (most go after the last row; no row is moved), from the
       * last place back so the earlier places stay right */
      g_ptr_array_sort (added, compare_clients);
      end = added->len;
      while (end > 0)
        {
          guint position = place_of (self, added, end - 1);
          guint start = end - 1;

          while (start > 0 && place_of (self, added, start - 1) == position)
            start--;
          g_list_store_splice (self->clients, position, 0, added->pdata + start, end - start);
          end = start;
        }
    }

  if (added->len > 0 || gone->len > 0)
    {
      ic__set_uint (self, &self->n_clients, g_list_model_get_n_items (model),
                    properties[PROP_N_CLIENTS]);
      g_signal_emit (self, signals[CLIENTS_CHANGED], 0, added->len, gone->len);
    }
}

/* Every row leaves (the end of a run whose DISCONNECTs did not all come). */
static void
remove_all_clients (IcServer *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->clients));

  clear_source (&self->list_flush);
  g_ptr_array_set_size (self->pending_added, 0);
  g_ptr_array_set_size (self->pending_gone, 0);
  g_hash_table_iter_init (&iter, self->clients_by_id);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      IcEvent closed = { .kind = IC_EVENT_DISCONNECT, .error = INET_CLOSE_STOP };

      ic__client_closed (value, &closed);
    }
  g_hash_table_remove_all (self->clients_by_id);
  if (n > 0)
    {
      g_list_store_remove_all (self->clients);
      ic__set_uint (self, &self->n_clients, 0, properties[PROP_N_CLIENTS]);
      g_signal_emit (self, signals[CLIENTS_CHANGED], 0, 0, n);
    }
}

/* ---------------------------------------------------- list changes */

/* Rows appear and leave in bursts of at most LIST_BURST list changes, then
 * LIST_RATE a second: each change costs the views (a GtkColumnView makes
 * the widgets of every new row), and under connection churn (thousands of
 * short sessions a second) most sessions then come and go between two
 * changes and never become rows. Lookups and actions see every session at
 * once (clients_by_id); only the list lags, by at most 1/LIST_RATE s. */
#define LIST_RATE  4.0
#define LIST_BURST 4.0

static void
flush_client_changes (IcServer *self)
{
  g_autoptr(GPtrArray) added = g_steal_pointer (&self->pending_added);
  g_autoptr(GPtrArray) gone = g_steal_pointer (&self->pending_gone);

  clear_source (&self->list_flush);
  self->pending_added = g_ptr_array_new_with_free_func (g_object_unref);
  self->pending_gone = g_ptr_array_new_with_free_func (g_object_unref);
  apply_client_changes (self, added, gone);
}

static gboolean
list_flush_cb (gpointer user_data)
{
  IcServer *self = IC_SERVER (user_data);

  self->list_tokens = 0;
  self->list_tokens_time = g_get_monotonic_time ();
  flush_client_changes (self);
  return G_SOURCE_REMOVE;
}

static void
queue_client_changes (IcServer  *self,
                      GPtrArray *added,
                      GPtrArray *gone)
{
  gint64 now = g_get_monotonic_time ();
  guint index;

  for (guint i = 0; i < gone->len; i++)
    {
      IcClient *client = g_ptr_array_index (gone, i);

      /* came and went between two list changes: never a row */
      if (g_ptr_array_find (self->pending_added, client, &index))
        g_ptr_array_remove_index (self->pending_added, index);
      else
        g_ptr_array_add (self->pending_gone, g_object_ref (client));
    }
  for (guint i = 0; i < added->len; i++)
    g_ptr_array_add (self->pending_added, g_object_ref (g_ptr_array_index (added, i)));
  if (self->pending_added->len == 0 && self->pending_gone->len == 0)
    return;

  self->list_tokens = MIN (LIST_BURST, self->list_tokens
                                       + (now - self->list_tokens_time) * LIST_RATE
                                         / G_USEC_PER_SEC);
  self->list_tokens_time = now;
  if (self->list_flush == NULL && self->list_tokens >= 1)
    {
      self->list_tokens -= 1;
      flush_client_changes (self);
    }
  else if (self->list_flush == NULL)
    {
      self->list_flush = g_timeout_source_new ((guint) ((1 - self->list_tokens) * 1000
                                                        / LIST_RATE) + 1);
      /* the bridge's priority: input and frames first */
      g_source_set_priority (self->list_flush, G_PRIORITY_DEFAULT_IDLE);
      g_source_set_static_name (self->list_flush, "[inet-console] client list");
      g_source_set_callback (self->list_flush, list_flush_cb, self, NULL);
      g_source_attach (self->list_flush, self->context);
    }
}

/* ------------------------------------------------------------ batches */

/* One splice for the batch; the oldest leave past the bound. */
static void
append_failures (IcServer  *self,
                 GPtrArray *failures)
{
  guint n, excess;

  if (failures->len == 0)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->failures));
  g_list_store_splice (self->failures, n, 0, failures->pdata, failures->len);
  n += failures->len;
  excess = n > IC_SERVER_MAX_HANDSHAKE_FAILURES ? n - IC_SERVER_MAX_HANDSHAKE_FAILURES : 0;
  if (excess > 0)
    g_list_store_splice (self->failures, 0, excess, NULL, 0);
}

static gboolean
linger_blocks (IcServer *self)
{
  return self->profile->linger > 0;
}

/* The bridge's function: a batch of engine events, on self->context. */
static void
apply_batch (IcBridge  *bridge,
             GPtrArray *events,
             gpointer   user_data)
{
  IcServer *self = IC_SERVER (user_data);
  IcRun *run = self->run;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_full (events->len, g_object_unref);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean engine_stopped = FALSE, status_changed = FALSE;
  const char *name = ic_server_get_name (self);

  g_autoptr(GHashTable) ended = NULL;

  g_assert (g_main_context_is_owner (self->context));
  g_assert (run != NULL && run->bridge == bridge);

  /* sessions that connect and leave within this batch never get a row (nor
   * the row's object: under connection churn that is most of them) */
  for (guint i = 0; i < events->len; i++)
    {
      IcEvent *event = g_ptr_array_index (events, i);

      if (event->kind != IC_EVENT_DISCONNECT)
        continue;
      if (ended == NULL)
        ended = g_hash_table_new (g_direct_hash, g_direct_equal);
      g_hash_table_add (ended, GUINT_TO_POINTER (event->client_id));
    }

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 0; i < events->len; i++)
    {
      IcEvent *event = g_ptr_array_index (events, i);
      IcClient *client;

      g_ptr_array_add (entries, ic_log_entry_new_from_event (event, name));
      switch (event->kind)
        {
        case IC_EVENT_CONNECT:
          if (ended != NULL && g_hash_table_contains (ended, GUINT_TO_POINTER (event->client_id)))
            break;
          client = ic__client_new (self, event, run_service (run), linger_blocks (self));
          g_hash_table_replace (self->clients_by_id, GUINT_TO_POINTER (event->client_id),
                                client);
          g_ptr_array_add (added, g_object_ref (client));
          break;

        case IC_EVENT_DISCONNECT:
          run->ended_in += event->bytes_in;
          run->ended_out += event->bytes_out;
          client = g_hash_table_lookup (self->clients_by_id, GUINT_TO_POINTER (event->client_id));
          if (client == NULL)
            break;
          ic__client_closed (client, event);
          g_ptr_array_add (gone, g_object_ref (client));
          g_hash_table_remove (self->clients_by_id, GUINT_TO_POINTER (event->client_id));
          break;

        case IC_EVENT_RESTART:
          if (event->error != 0)
            {
              run->failed = TRUE;
              g_free (run->failure);
              run->failure = ic_engine_error_string (event->error);
            }
          status_changed = TRUE;
          break;

        case IC_EVENT_STOP:
          engine_stopped = TRUE;
          break;

        case IC_EVENT_START:
        case IC_EVENT_SUSPEND:
        case IC_EVENT_RESUME:
          status_changed = TRUE;
          break;

        case IC_EVENT_ERROR:
          if (event->client_id != 0 && ic_handshake_failure_is_handshake_code (event->error))
            g_ptr_array_add (failures, ic_handshake_failure_new_from_event (event));
          break;

        case IC_EVENT_TIMEOUT:
        case IC_EVENT_REJECT:
        case IC_EVENT_IDLE:
        case IC_EVENT_INFO:
        case IC_EVENT_WARNING:
        case IC_EVENT_N_KINDS:
        default:
          break;
        }
    }

  queue_client_changes (self, added, gone);
  append_failures (self, failures);
  ic_event_log_append_many (self->log, entries);
  if (status_changed)
    sync_status (self);
  g_object_thaw_notify (G_OBJECT (self));

  /* the engine stopped on its own (a restart that could not re-open the
   * listener): end the run here. Last thing: it flushes this bridge. */
  if (engine_stopped && !run->stopping)
    {
      run->stopping = TRUE;
      take_start (self);
      if (run->handle != INVALID_SOCKET)
        InetServerStop (run->handle);
      finish_run (self);
    }
}

/* ------------------------------------------------------------- sampler */

static void
sample_run (IcServer *self,
            gboolean  all_clients)
{
  IcRun *run = self->run;
  INETSERVERSTATS stats = { .dwSize = sizeof stats };
  IcBridgeStats bridge_stats;
  gint64 monotonic = g_get_monotonic_time ();
  gint64 real_time = g_get_real_time ();
  gboolean second;
  double rate_in = 0, rate_out = 0;
  GListModel *model = G_LIST_MODEL (self->clients);
  guint n;

  if (run == NULL || run->handle == INVALID_SOCKET)
    return;
  run->ticks++;
  second = run->ticks % IC_SAMPLES_PER_SECOND == 0;

  g_object_freeze_notify (G_OBJECT (self));
  if (InetGetServerStats (run->handle, &stats))
    {
      ic__set_uint (self, &self->peak_clients, stats.nPeak, properties[PROP_PEAK_CLIENTS]);
      ic__set_uint64 (self, &self->accepted, stats.nAccepted, properties[PROP_ACCEPTED]);
      ic__set_uint64 (self, &self->rejected, stats.nRejected, properties[PROP_REJECTED]);
      ic__set_uint64 (self, &self->handshake_failures, stats.nHandshakeFailures,
                      properties[PROP_HANDSHAKE_FAILURES]);
      ic__set_uint64 (self, &self->bytes_in, stats.nBytesIn, properties[PROP_BYTES_IN]);
      ic__set_uint64 (self, &self->bytes_out, stats.nBytesOut, properties[PROP_BYTES_OUT]);
      ic__rate_meter_add (&run->meter, monotonic, stats.nBytesIn, stats.nBytesOut,
                          &rate_in, &rate_out);
      ic__set_double (self, &self->rate_in, rate_in, properties[PROP_RATE_IN]);
      ic__set_double (self, &self->rate_out, rate_out, properties[PROP_RATE_OUT]);
      ic__set_int64 (self, &self->start_time, (gint64) stats.nStartTime,
                     properties[PROP_START_TIME]);
    }
  sync_status (self);
  g_object_thaw_notify (G_OBJECT (self));

  /* every client once a second, all on the same tick: the table changes in
   * one frame a second (each frame redraws it), and with 1,000 rows that is
   * 1,000 small updates a second instead of 4,000 */
  if (second || all_clients)
    {
      n = g_list_model_get_n_items (model);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(IcClient) client = g_list_model_get_item (model, i);

          ic__client_sample (client, monotonic, real_time, second);
        }
    }

  if (second)
    {
      IcStatsSample sample = {
        .time = real_time,
        .clients = stats.nActive,
        .bytes_in = rate_in,
        .bytes_out = rate_out,
      };

      ic_stats_history_append (self->history, &sample);
    }

  /* events the bridge had to drop under load: say so once per tick */
  ic_bridge_get_stats (run->bridge, &bridge_stats);
  if (bridge_stats.dropped > run->dropped_seen)
    {
      guint64 lost = bridge_stats.dropped - run->dropped_seen;
      /* the number formatted first: xgettext cannot read G_GUINT64_FORMAT */
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, lost);

      run->dropped_seen = bridge_stats.dropped;
      ic_event_log_add_dropped (self->log, lost);
      ic__server_log (self, IC_EVENT_WARNING, 0,
                      g_dngettext (GETTEXT_PACKAGE, "%s event dropped under load",
                                   "%s events dropped under load", lost),
                      count);
    }
}

static gboolean
sampler_cb (gpointer user_data)
{
  sample_run (IC_SERVER (user_data), FALSE);
  return G_SOURCE_CONTINUE;
}

void
ic_server_sample (IcServer *self)
{
  g_return_if_fail (IC_IS_SERVER (self));

  sample_run (self, TRUE);
}

/* ---------------------------------------------------------- run's end */

static void
finish_run (IcServer *self)
{
  IcRun *run = self->run;
  gboolean failed;
  g_autofree char *failure = NULL;

  g_assert (run != NULL);
  run->stopping = TRUE;
  take_start (self);

  /* the engine is done (InetServerStop returned, or the start failed):
   * apply what is queued, then nothing of this run runs again */
  ic_bridge_flush (run->bridge);
  ic_bridge_close (run->bridge);
  clear_source (&run->sampler);

  self->run = NULL;
  failed = run->failed;
  failure = g_steal_pointer (&run->failure);
  g_object_freeze_notify (G_OBJECT (self));
  remove_all_clients (self);
  /* the last sample is up to a tick old; ended sessions are exact */
  ic__set_uint64 (self, &self->bytes_in, MAX (self->bytes_in, run->ended_in),
                  properties[PROP_BYTES_IN]);
  ic__set_uint64 (self, &self->bytes_out, MAX (self->bytes_out, run->ended_out),
                  properties[PROP_BYTES_OUT]);
  ic__set_double (self, &self->rate_in, 0, properties[PROP_RATE_IN]);
  ic__set_double (self, &self->rate_out, 0, properties[PROP_RATE_OUT]);
  ic__set_int64 (self, &self->start_time, 0, properties[PROP_START_TIME]);
  ic_bridge_unref (run->bridge);
  g_clear_pointer (&run->link, ic__link_free);
  g_free (run);

  if (failed)
    {
      ic__set_string (self, &self->error, failure, properties[PROP_ERROR]);
      set_status (self, IC_SERVER_FAILED);
    }
  else
    set_status (self, IC_SERVER_STOPPED);
  update_address (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* ------------------------------------------------------------ GObject */

static void
ic_server_dispose (GObject *object)
{
  IcServer *self = IC_SERVER (object);

  ic_server_stop (self);
  if (self->anchor != NULL)
    {
      /* clients that outlive the server see NULL */
      self->anchor->server = NULL;
      g_clear_pointer (&self->anchor, ic__server_anchor_unref);
    }
  clear_source (&self->list_flush);
  if (self->pending_added != NULL)
    g_ptr_array_set_size (self->pending_added, 0);
  if (self->pending_gone != NULL)
    g_ptr_array_set_size (self->pending_gone, 0);
  if (self->clients != NULL)
    g_list_store_remove_all (self->clients);
  if (self->clients_by_id != NULL)
    g_hash_table_remove_all (self->clients_by_id);

  G_OBJECT_CLASS (ic_server_parent_class)->dispose (object);
}

static void
ic_server_finalize (GObject *object)
{
  IcServer *self = IC_SERVER (object);

  g_assert (self->run == NULL);
  g_clear_object (&self->clients);
  g_clear_pointer (&self->pending_added, g_ptr_array_unref);
  g_clear_pointer (&self->pending_gone, g_ptr_array_unref);
  g_clear_object (&self->failures);
  g_clear_pointer (&self->clients_by_id, g_hash_table_unref);
  g_clear_object (&self->log);
  g_clear_object (&self->history);
  g_clear_pointer (&self->profile, ic_profile_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->address);
  g_free (self->error);
  g_free (self->warning);

  G_OBJECT_CLASS (ic_server_parent_class)->finalize (object);
}

static void
ic_server_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  IcServer *self = IC_SERVER (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_boxed (value, self->context);
      break;
    case PROP_LOG:
      g_value_set_object (value, self->log);
      break;
    case PROP_PROFILE:
      g_value_set_boxed (value, self->profile);
      break;
    case PROP_NAME:
      g_value_set_string (value, ic_server_get_name (self));
      break;
    case PROP_SERVICE:
      g_value_set_static_string (value, ic_service_kind_to_string (self->profile->service));
      break;
    case PROP_TLS:
      g_value_set_boolean (value, self->profile->tls);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, status_running (self->status));
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, self->address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    case PROP_WARNING:
      g_value_set_string (value, self->warning);
      break;
    case PROP_CLIENTS:
      g_value_set_object (value, self->clients);
      break;
    case PROP_N_CLIENTS:
      g_value_set_uint (value, self->n_clients);
      break;
    case PROP_PEAK_CLIENTS:
      g_value_set_uint (value, self->peak_clients);
      break;
    case PROP_ACCEPTED:
      g_value_set_uint64 (value, self->accepted);
      break;
    case PROP_REJECTED:
      g_value_set_uint64 (value, self->rejected);
      break;
    case PROP_HANDSHAKE_FAILURES:
      g_value_set_uint64 (value, self->handshake_failures);
      break;
    case PROP_BYTES_IN:
      g_value_set_uint64 (value, self->bytes_in);
      break;
    case PROP_BYTES_OUT:
      g_value_set_uint64 (value, self->bytes_out);
      break;
    case PROP_RATE_IN:
      g_value_set_double (value, self->rate_in);
      break;
    case PROP_RATE_OUT:
      g_value_set_double (value, self->rate_out);
      break;
    case PROP_START_TIME:
      g_value_set_int64 (value, self->start_time);
      break;
    case PROP_MAX_CLIENTS:
      g_value_set_uint (value, self->profile->max_clients);
      break;
    case PROP_MAX_PER_ADDRESS:
      g_value_set_uint (value, self->profile->max_per_address);
      break;
    case PROP_ACCEPT_INTERVAL:
      g_value_set_uint (value, self->profile->accept_interval);
      break;
    case PROP_RATE_LIMIT:
      g_value_set_uint (value, self->profile->rate_limit);
      break;
    case PROP_PRIORITY:
      g_value_set_uint (value, self->profile->priority);
      break;
    case PROP_CAPTURE_TRAFFIC:
      g_value_set_boolean (value, self->capture);
      break;
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
warn_on_error (IcServer *self,
               gboolean  ok,
               GError   *error)
{
  if (!ok)
    {
      ic__server_log (self, IC_EVENT_WARNING, 0, "%s", error->message);
      g_error_free (error);
    }
}

static void
ic_server_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  IcServer *self = IC_SERVER (object);
  GError *error = NULL;
  const guint keep = (guint) -1;

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_boxed (value);
      break;
    case PROP_LOG:
      self->log = g_value_dup_object (value);
      break;
    case PROP_PROFILE:
      if (g_value_get_boxed (value) != NULL)
        ic_server_set_profile (self, g_value_get_boxed (value));
      break;
    case PROP_MAX_CLIENTS:
      warn_on_error (self, ic_server_throttle (self, g_value_get_uint (value), keep, keep,
                                               &error), error);
      break;
    case PROP_MAX_PER_ADDRESS:
      warn_on_error (self, ic_server_throttle (self, keep, g_value_get_uint (value), keep,
                                               &error), error);
      break;
    case PROP_ACCEPT_INTERVAL:
      warn_on_error (self, ic_server_throttle (self, keep, keep, g_value_get_uint (value),
                                               &error), error);
      break;
    case PROP_RATE_LIMIT:
      warn_on_error (self, ic_server_set_bandwidth (self, g_value_get_uint (value), &error),
                     error);
      break;
    case PROP_PRIORITY:
      warn_on_error (self, ic_server_set_priority (self, g_value_get_uint (value), &error),
                     error);
      break;
    case PROP_CAPTURE_TRAFFIC:
      self->capture = g_value_get_boolean (value);
      /* (a starting run takes it when its start is applied) */
      if (self->run != NULL && self->run->link != NULL)
        ic__link_set_capture (self->run->link, self->capture);
      notify (self, PROP_CAPTURE_TRAFFIC);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_server_constructed (GObject *object)
{
  IcServer *self = IC_SERVER (object);

  G_OBJECT_CLASS (ic_server_parent_class)->constructed (object);

  if (self->context == NULL)
    self->context = g_main_context_ref_thread_default ();
  if (self->log == NULL)
    self->log = ic_event_log_new (IC_EVENT_LOG_DEFAULT_CAPACITY);
  if (self->profile == NULL)
    self->profile = ic_profile_new ();
  update_address (self);
}

static void
ic_server_class_init (IcServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags co = G_PARAM_WRITABLE | G_PARAM_READABLE | G_PARAM_CONSTRUCT_ONLY
                         | G_PARAM_STATIC_STRINGS;

  object_class->constructed = ic_server_constructed;
  object_class->dispose = ic_server_dispose;
  object_class->finalize = ic_server_finalize;
  object_class->get_property = ic_server_get_property;
  object_class->set_property = ic_server_set_property;

  properties[PROP_CONTEXT] = g_param_spec_boxed ("context", NULL, NULL, G_TYPE_MAIN_CONTEXT, co);
  properties[PROP_LOG] = g_param_spec_object ("log", NULL, NULL, IC_TYPE_EVENT_LOG, co);
  properties[PROP_PROFILE] = g_param_spec_boxed ("profile", NULL, NULL, IC_TYPE_PROFILE, rw);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_SERVICE] = g_param_spec_string ("service", NULL, NULL, NULL, ro);
  properties[PROP_TLS] = g_param_spec_boolean ("tls", NULL, NULL, FALSE, ro);
  properties[PROP_STATUS] = g_param_spec_enum ("status", NULL, NULL, IC_TYPE_SERVER_STATUS,
                                               IC_SERVER_STOPPED, ro);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, ro);
  properties[PROP_PORT] = g_param_spec_uint ("port", NULL, NULL, 0, 65535, 0, ro);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, ro);
  properties[PROP_WARNING] = g_param_spec_string ("warning", NULL, NULL, NULL, ro);
  properties[PROP_CLIENTS] = g_param_spec_object ("clients", NULL, NULL, G_TYPE_LIST_MODEL, ro);
  properties[PROP_N_CLIENTS] = g_param_spec_uint ("n-clients", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_PEAK_CLIENTS] = g_param_spec_uint ("peak-clients", NULL, NULL,
                                                     0, G_MAXUINT, 0, ro);
  properties[PROP_ACCEPTED] = g_param_spec_uint64 ("accepted", NULL, NULL,
                                                   0, G_MAXUINT64, 0, ro);
  properties[PROP_REJECTED] = g_param_spec_uint64 ("rejected", NULL, NULL,
                                                   0, G_MAXUINT64, 0, ro);
  properties[PROP_HANDSHAKE_FAILURES] = g_param_spec_uint64 ("handshake-failures", NULL, NULL,
                                                             0, G_MAXUINT64, 0, ro);
  properties[PROP_BYTES_IN] = g_param_spec_uint64 ("bytes-in", NULL, NULL,
                                                   0, G_MAXUINT64, 0, ro);
  properties[PROP_BYTES_OUT] = g_param_spec_uint64 ("bytes-out", NULL, NULL,
                                                    0, G_MAXUINT64, 0, ro);
  properties[PROP_RATE_IN] = g_param_spec_double ("rate-in", NULL, NULL, 0, G_MAXDOUBLE, 0, ro);
  properties[PROP_RATE_OUT] = g_param_spec_double ("rate-out", NULL, NULL,
                                                   0, G_MAXDOUBLE, 0, ro);
  properties[PROP_START_TIME] = g_param_spec_int64 ("start-time", NULL, NULL,
                                                    0, G_MAXINT64, 0, ro);
  properties[PROP_MAX_CLIENTS] = g_param_spec_uint ("max-clients", NULL, NULL,
                                                    0, G_MAXINT, 0, rw);
  properties[PROP_MAX_PER_ADDRESS] = g_param_spec_uint ("max-per-address", NULL, NULL,
                                                        0, G_MAXINT, 0, rw);
  properties[PROP_ACCEPT_INTERVAL] = g_param_spec_uint ("accept-interval", NULL, NULL,
                                                        0, G_MAXINT, 0, rw);
  properties[PROP_RATE_LIMIT] = g_param_spec_uint ("rate-limit", NULL, NULL,
                                                   0, G_MAXUINT32 - 2, 0, rw);
  properties[PROP_PRIORITY] = g_param_spec_uint ("priority", NULL, NULL,
                                                 INET_PRIORITY_BACKGROUND, INET_PRIORITY_CRITICAL,
                                                 INET_PRIORITY_NORMAL, rw);
  properties[PROP_CAPTURE_TRAFFIC] = g_param_spec_boolean ("capture-traffic", NULL, NULL,
                                                           TRUE, rw | G_PARAM_CONSTRUCT);
  properties[PROP_HISTORY] = g_param_spec_object ("history", NULL, NULL,
                                                  IC_TYPE_STATS_HISTORY, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CLIENTS_CHANGED] =
    g_signal_new ("clients-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
ic_server_init (IcServer *self)
{
  self->clients = g_list_store_new (IC_TYPE_CLIENT);
  self->pending_added = g_ptr_array_new_with_free_func (g_object_unref);
  self->pending_gone = g_ptr_array_new_with_free_func (g_object_unref);
  self->list_tokens = LIST_BURST;
  self->failures = g_list_store_new (IC_TYPE_HANDSHAKE_FAILURE);
  self->clients_by_id = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                               g_object_unref);
  self->history = ic_stats_history_new (IC_STATS_HISTORY_SERVER_CAPACITY);
  self->capture = TRUE;
  self->anchor = g_new0 (IcServerAnchor, 1);
  g_ref_count_init (&self->anchor->ref);
  self->anchor->server = self;
}

IcServerAnchor *
ic__server_get_anchor (IcServer *self)
{
  return self->anchor;
}

IcServerAnchor *
ic__server_anchor_ref (IcServerAnchor *anchor)
{
  g_ref_count_inc (&anchor->ref);
  return anchor;
}

void
ic__server_anchor_unref (IcServerAnchor *anchor)
{
  if (g_ref_count_dec (&anchor->ref))
    g_free (anchor);
}

IcServer *
ic_server_new (const IcProfile *profile)
{
  return ic_server_new_full (profile, NULL, NULL);
}

IcServer *
ic_server_new_full (const IcProfile *profile,
                    GMainContext    *context,
                    IcEventLog      *log)
{
  g_return_val_if_fail (log == NULL || IC_IS_EVENT_LOG (log), NULL);

  return g_object_new (IC_TYPE_SERVER,
                       "profile", profile,
                       "context", context,
                       "log", log,
                       NULL);
}

/* ------------------------------------------------------------ getters */

const IcProfile *
ic_server_get_profile (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), NULL);

  return self->profile;
}

IcProfile *
ic_server_dup_profile (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), NULL);

  return ic_profile_copy (self->profile);
}

const char *
ic_server_get_name (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), NULL);

  return self->profile != NULL ? self->profile->name : NULL;
}

IcServerStatus
ic_server_get_status (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), IC_SERVER_STOPPED);

  return self->status;
}

gboolean
ic_server_get_running (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), FALSE);

  return status_running (self->status);
}

const char *
ic_server_get_address (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), NULL);

  return self->address;
}

guint
ic_server_get_port (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), 0);

  return self->port;
}

const char *
ic_server_get_error (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), NULL);

  return self->error;
}

GListModel *
ic_server_get_clients (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), NULL);

  return G_LIST_MODEL (self->clients);
}

GListModel *
ic_server_get_handshake_failures (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), NULL);

  return G_LIST_MODEL (self->failures);
}

guint
ic_server_get_n_clients (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), 0);

  return self->n_clients;
}

IcEventLog *
ic_server_get_log (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), NULL);

  return self->log;
}

IcStatsHistory *
ic_server_get_history (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), NULL);

  return self->history;
}

IcClient *
ic_server_lookup_client (IcServer *self,
                         guint     id)
{
  g_return_val_if_fail (IC_IS_SERVER (self), NULL);

  return g_hash_table_lookup (self->clients_by_id, GUINT_TO_POINTER (id));
}

SOCKET
ic_server_get_handle (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), INVALID_SOCKET);

  return self->run != NULL ? self->run->handle : INVALID_SOCKET;
}

/* ------------------------------------------------------------ profile */

void
ic_server_set_profile (IcServer        *self,
                       const IcProfile *profile)
{
  g_autoptr(IcProfile) old = NULL;
  GObject *object = G_OBJECT (self);

  g_return_if_fail (IC_IS_SERVER (self));
  g_return_if_fail (profile != NULL);

  old = g_steal_pointer (&self->profile);
  self->profile = ic_profile_copy (profile);
  if (old == NULL)
    return; /* construction */

  g_object_freeze_notify (object);
  notify (self, PROP_PROFILE);
  if (g_strcmp0 (old->name, profile->name) != 0)
    notify (self, PROP_NAME);
  if (old->service != profile->service)
    notify (self, PROP_SERVICE);
  if (old->tls != profile->tls)
    notify (self, PROP_TLS);
  if (self->run != NULL)
    {
      GError *error = NULL;

      /* keep the limits in force until the engine took the new ones: the
       * setters apply them live, store them and notify */
      self->profile->max_clients = old->max_clients;
      self->profile->max_per_address = old->max_per_address;
      self->profile->accept_interval = old->accept_interval;
      self->profile->rate_limit = old->rate_limit;
      self->profile->priority = old->priority;
      if (profile->max_clients != old->max_clients
          || profile->max_per_address != old->max_per_address
          || profile->accept_interval != old->accept_interval)
        warn_on_error (self, ic_server_throttle (self, profile->max_clients,
                                                 profile->max_per_address,
                                                 profile->accept_interval, &error), error);
      error = NULL;
      if (profile->rate_limit != old->rate_limit)
        warn_on_error (self, ic_server_set_bandwidth (self, profile->rate_limit, &error), error);
      error = NULL;
      if (profile->priority != old->priority)
        warn_on_error (self, ic_server_set_priority (self, profile->priority, &error), error);
    }
  else
    {
      if (old->max_clients != profile->max_clients)
        notify (self, PROP_MAX_CLIENTS);
      if (old->max_per_address != profile->max_per_address)
        notify (self, PROP_MAX_PER_ADDRESS);
      if (old->accept_interval != profile->accept_interval)
        notify (self, PROP_ACCEPT_INTERVAL);
      if (old->rate_limit != profile->rate_limit)
        notify (self, PROP_RATE_LIMIT);
      if (old->priority != profile->priority)
        notify (self, PROP_PRIORITY);
      update_address (self);
    }
  g_object_thaw_notify (object);
}

/* ------------------------------------------------------------ actions */

static gboolean
not_running (IcServer  *self,
             GError   **error)
{
  if (run_live (self))
    return FALSE;
  g_set_error_literal (error, IC_ENGINE_ERROR, INET_ERROR_SERVER_STOPPED,
                       _("The server is not running"));
  return TRUE;
}

static void
fail_start (IcServer *self,
            GError   *error)
{
  ic__set_string (self, &self->error, error->message, properties[PROP_ERROR]);
  set_status (self, IC_SERVER_FAILED);
  ic__server_log (self, IC_EVENT_ERROR, 0, _("Start failed: %s"), error->message);
}

static GTask *
task_on_context (IcServer            *self,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task;

  /* completions run where the server lives */
  g_main_context_push_thread_default (self->context);
  task = g_task_new (self, cancellable, callback, user_data);
  g_main_context_pop_thread_default (self->context);
  return task;
}

/* Main context: what can fail without a file (the profile), then the
 * run, on its way: status STARTING, the bridge up (events of the new server
 * may arrive before its start returns), the counters of the last run gone.
 * The engine part is the returned job's. */
static IcStartJob *
begin_start (IcServer  *self,
             GError   **error)
{
  g_autoptr(GError) local = NULL;
  IcRun *run;

  g_object_freeze_notify (G_OBJECT (self));
  ic__set_string (self, &self->error, NULL, properties[PROP_ERROR]);
  ic__set_string (self, &self->warning, NULL, properties[PROP_WARNING]);
  set_status (self, IC_SERVER_STARTING);
  g_object_thaw_notify (G_OBJECT (self));

  if (!ic_profile_validate (self->profile, &local))
    {
      fail_start (self, local);
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  run = g_new0 (IcRun, 1);
  run->serial = ++self->run_serial;
  run->handle = INVALID_SOCKET;
  run->bridge = ic_bridge_new (self->context, apply_batch, self, NULL);
  run->start = ic__start_job_new (self->profile, run->bridge, self->capture);
  self->run = run;

  g_object_freeze_notify (G_OBJECT (self));
  ic__set_uint (self, &self->peak_clients, 0, properties[PROP_PEAK_CLIENTS]);
  ic__set_uint64 (self, &self->accepted, 0, properties[PROP_ACCEPTED]);
  ic__set_uint64 (self, &self->rejected, 0, properties[PROP_REJECTED]);
  ic__set_uint64 (self, &self->handshake_failures, 0, properties[PROP_HANDSHAKE_FAILURES]);
  g_list_store_remove_all (self->failures);
  ic__set_uint64 (self, &self->bytes_in, 0, properties[PROP_BYTES_IN]);
  ic__set_uint64 (self, &self->bytes_out, 0, properties[PROP_BYTES_OUT]);
  ic_stats_history_clear (self->history);
  g_object_thaw_notify (G_OBJECT (self));
  return ic__start_job_ref (run->start);
}

/* The limits InetServerStart does not take, and those changed while it ran
 * (the setters only stored them in the profile then). */
static void
apply_limits (IcServer        *self,
              const IcProfile *started)
{
  const IcProfile *profile = self->profile;
  SOCKET handle = self->run->handle;

  if ((profile->max_per_address != 0 || profile->accept_interval != 0
       || profile->max_clients != started->max_clients)
      && !InetServerThrottle (handle, profile->max_clients, profile->max_per_address,
                              profile->accept_interval))
    ic__server_log (self, IC_EVENT_WARNING, 0, _("Cannot set the connection limits"));
  if (profile->rate_limit != 0
      && !InetSetServerBandwidth (handle, profile->rate_limit, profile->rate_limit,
                                  INET_BANDWIDTH_UNCHANGED, INET_BANDWIDTH_UNCHANGED))
    ic__server_log (self, IC_EVENT_WARNING, 0, _("Cannot set the bandwidth limit"));
  if (profile->linger >= 0 && !InetSetLinger (handle, TRUE, (UINT) profile->linger))
    ic__server_log (self, IC_EVENT_WARNING, 0, _("Cannot set the linger time"));
  if (profile->priority != started->priority)
    {
      g_autoptr(GError) error = NULL;
      guint priority = profile->priority;

      /* the setter applies it only when it differs from the stored one */
      self->profile->priority = started->priority;
      if (!ic_server_set_priority (self, priority, &error))
        ic__server_log (self, IC_EVENT_WARNING, 0, "%s", error->message);
    }
}

/* Main context, once the job has run: the run listens, or it ends here
 * (status FAILED, the error property and the log say why). */
static gboolean
end_start (IcServer    *self,
           IcStartJob  *job,
           GError     **error)
{
  IcRun *run = self->run;
  const GError *failure = NULL;
  gboolean degraded = FALSE;
  DWORD warning;
  char text[512];

  g_assert (run != NULL && run->start == job);

  take_start (self);
  ic__start_job_get_outcome (job, &failure, &degraded);
  if (run->handle == INVALID_SOCKET)
    {
      /* no engine thread ran: nothing of this run can call back */
      g_propagate_error (error, g_error_copy (failure));
      finish_run (self);
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  /* capture-traffic may have changed while the job ran */
  ic__link_set_capture (run->link, self->capture);
  warning = InetGetServerWarning (run->handle, text, sizeof text);
  if (warning != 0)
    {
      ic__set_string (self, &self->warning, text, properties[PROP_WARNING]);
      ic__server_log (self, IC_EVENT_WARNING, 0, "%s", text);
    }
  if (degraded)
    ic__server_log (self, IC_EVENT_WARNING, 0,
                    _("The server priority needs the CAP_SYS_NICE capability; normal is used"));
  apply_limits (self, ic__start_job_get_profile (job));
  update_address (self);
  set_status (self, IC_SERVER_LISTENING);
  sync_status (self);
  sample_run (self, TRUE);
  g_object_thaw_notify (G_OBJECT (self));

  run->sampler = g_timeout_source_new (IC_SAMPLE_INTERVAL_MS);
  /* the bridge's priority: a flood of events must not starve the counters */
  g_source_set_priority (run->sampler, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_static_name (run->sampler, "[inet-console] sampler");
  g_source_set_callback (run->sampler, sampler_cb, self, NULL);
  g_source_attach (run->sampler, self->context);
  return TRUE;
}

gboolean
ic_server_start (IcServer  *self,
                 GError   **error)
{
  g_autoptr(IcStartJob) job = NULL;

  g_return_val_if_fail (IC_IS_SERVER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->run != NULL)
    return TRUE;
  job = begin_start (self, error);
  if (job == NULL)
    return FALSE;
  ic__start_job_run (job);
  return end_start (self, job, error);
}

static void
start_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  ic__start_job_run (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
start_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  IcServer *self = IC_SERVER (object);
  g_autoptr(GTask) outer = user_data;
  IcStartJob *job = g_task_get_task_data (G_TASK (result));
  const GError *failure;
  GError *error = NULL;

  if (self->run != NULL && self->run->start == job && !self->run->stopping)
    {
      if (end_start (self, job, &error))
        g_task_return_boolean (outer, TRUE);
      else
        g_task_return_error (outer, error);
      return;
    }
  /* a stop came first (and ended the run, or will) */
  ic__start_job_get_outcome (job, &failure, NULL);
  if (failure != NULL)
    g_task_return_error (outer, g_error_copy (failure));
  else
    g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                             _("The server was stopped while it started"));
}

void
ic_server_start_async (IcServer            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *outer;
  g_autoptr(GTask) inner = NULL;
  GError *error = NULL;
  IcStartJob *job;

  g_return_if_fail (IC_IS_SERVER (self));

  outer = task_on_context (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, ic_server_start_async);
  if (self->run != NULL)
    {
      /* running, or on its way */
      g_task_return_boolean (outer, TRUE);
      g_object_unref (outer);
      return;
    }
  job = begin_start (self, &error);
  if (job == NULL)
    {
      g_task_return_error (outer, error);
      g_object_unref (outer);
      return;
    }
  inner = task_on_context (self, NULL, start_done, outer);
  g_task_set_task_data (inner, job, (GDestroyNotify) ic__start_job_unref);
  g_task_run_in_thread (inner, start_thread);
}

gboolean
ic_server_start_finish (IcServer      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ic_server_stop (IcServer *self)
{
  IcRun *run;

  g_return_if_fail (IC_IS_SERVER (self));

  run = self->run;
  if (run == NULL)
    return;
  run->stopping = TRUE;
  set_status (self, IC_SERVER_STOPPING);
  /* a start still in its worker: its outcome first */
  take_start (self);
  /* waits for every session's DISCONNECT and the STOP (queued on the
   * bridge meanwhile); also when an async stop already asked */
  if (run->handle != INVALID_SOCKET)
    InetServerStop (run->handle);
  finish_run (self);
}

typedef struct
{
  SOCKET handle;
  IcStartJob *start;             /* (owned) (nullable) a start still running */
  guint64 serial;
  gboolean ok;
  DWORD code;
} EngineJob;

static void
engine_job_free (EngineJob *job)
{
  g_clear_pointer (&job->start, ic__start_job_unref);
  g_free (job);
}

static void
stop_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  EngineJob *job = task_data;
  SOCKET handle = job->handle;

  if (job->start != NULL)
    {
      /* stopped while it started: the server it started, if any */
      ic__start_job_wait (job->start);
      handle = ic__start_job_get_outcome (job->start, NULL, NULL);
    }
  if (handle != INVALID_SOCKET)
    InetServerStop (handle);
  g_task_return_boolean (task, TRUE);
}

static void
stop_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  IcServer *self = IC_SERVER (object);
  g_autoptr(GTask) outer = user_data;
  EngineJob *job = g_task_get_task_data (G_TASK (result));

  /* a sync stop or the engine may have ended this run already */
  if (self->run != NULL && self->run->serial == job->serial)
    finish_run (self);
  g_task_return_boolean (outer, TRUE);
}

static void
run_engine_job (IcServer        *self,
                GTask           *outer,
                GTaskThreadFunc  func,
                GAsyncReadyCallback done)
{
  g_autoptr(GTask) inner = task_on_context (self, NULL, done, outer);
  EngineJob *job = g_new0 (EngineJob, 1);

  job->handle = self->run->handle;
  job->start = self->run->start != NULL ? ic__start_job_ref (self->run->start) : NULL;
  job->serial = self->run->serial;
  g_task_set_task_data (inner, job, (GDestroyNotify) engine_job_free);
  g_task_run_in_thread (inner, func);
}

void
ic_server_stop_async (IcServer            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *outer;

  g_return_if_fail (IC_IS_SERVER (self));

  outer = task_on_context (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, ic_server_stop_async);
  if (self->run == NULL)
    {
      g_task_return_boolean (outer, TRUE);
      g_object_unref (outer);
      return;
    }
  self->run->stopping = TRUE;
  set_status (self, IC_SERVER_STOPPING);
  run_engine_job (self, outer, stop_thread, stop_done);
}

gboolean
ic_server_stop_finish (IcServer      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
ic_server_suspend (IcServer  *self,
                   GError   **error)
{
  g_return_val_if_fail (IC_IS_SERVER (self), FALSE);

  if (not_running (self, error))
    return FALSE;
  if (!InetServerSuspend (self->run->handle))
    {
      ic_engine_set_error (error, _("Cannot suspend the server"));
      return FALSE;
    }
  sync_status (self);
  return TRUE;
}

gboolean
ic_server_resume (IcServer  *self,
                  GError   **error)
{
  g_return_val_if_fail (IC_IS_SERVER (self), FALSE);

  if (not_running (self, error))
    return FALSE;
  if (!InetServerResume (self->run->handle))
    {
      ic_engine_set_error (error, _("Cannot resume the server"));
      return FALSE;
    }
  sync_status (self);
  return TRUE;
}

/* After InetServerRestart returned: the listener is back, or the server
 * stopped and the run ends here. */
static gboolean
restart_outcome (IcServer  *self,
                 gboolean   ok,
                 DWORD      code,
                 GError   **error)
{
  IcRun *run = self->run;

  if (ok)
    {
      update_address (self);
      sync_status (self);
      return TRUE;
    }
  ic_engine_set_error_code (error, code, _("Restart failed"));
  if (!run->stopping)
    {
      run->stopping = TRUE;
      run->failed = TRUE;
      if (run->failure == NULL)
        run->failure = ic_engine_error_string (code);
      InetServerStop (run->handle);
      finish_run (self);
    }
  return FALSE;
}

gboolean
ic_server_restart (IcServer  *self,
                   GError   **error)
{
  gboolean ok;

  g_return_val_if_fail (IC_IS_SERVER (self), FALSE);

  if (not_running (self, error))
    return FALSE;
  set_status (self, IC_SERVER_RESTARTING);
  ok = InetServerRestart (self->run->handle);
  return restart_outcome (self, ok, ok ? 0 : InetGetLastError (), error);
}

static void
restart_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  EngineJob *job = task_data;

  job->ok = InetServerRestart (job->handle);
  job->code = job->ok ? 0 : InetGetLastError ();
  g_task_return_boolean (task, TRUE);
}

static void
restart_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  IcServer *self = IC_SERVER (object);
  g_autoptr(GTask) outer = user_data;
  EngineJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (self->run == NULL || self->run->serial != job->serial)
    {
      /* the run ended meanwhile (the failed restart's STOP came first) */
      if (job->ok)
        g_task_return_boolean (outer, TRUE);
      else
        {
          ic_engine_set_error_code (&error, job->code, _("Restart failed"));
          g_task_return_error (outer, error);
        }
      return;
    }
  if (restart_outcome (self, job->ok, job->code, &error))
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, error);
}

void
ic_server_restart_async (IcServer            *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *outer;
  GError *error = NULL;

  g_return_if_fail (IC_IS_SERVER (self));

  outer = task_on_context (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, ic_server_restart_async);
  if (not_running (self, &error))
    {
      g_task_return_error (outer, error);
      g_object_unref (outer);
      return;
    }
  set_status (self, IC_SERVER_RESTARTING);
  run_engine_job (self, outer, restart_thread, restart_done);
}

gboolean
ic_server_restart_finish (IcServer      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
ic_server_throttle (IcServer  *self,
                    guint      max_clients,
                    guint      max_per_address,
                    guint      accept_interval,
                    GError   **error)
{
  IcProfile *profile;

  g_return_val_if_fail (IC_IS_SERVER (self), FALSE);

  if (run_live (self)
      && !InetServerThrottle (self->run->handle, max_clients, max_per_address, accept_interval))
    {
      ic_engine_set_error (error, _("Cannot change the connection limits"));
      return FALSE;
    }
  profile = self->profile;
  g_object_freeze_notify (G_OBJECT (self));
  if (max_clients != (guint) -1)
    ic__set_uint (self, &profile->max_clients, max_clients, properties[PROP_MAX_CLIENTS]);
  if (max_per_address != (guint) -1)
    ic__set_uint (self, &profile->max_per_address, max_per_address,
                  properties[PROP_MAX_PER_ADDRESS]);
  if (accept_interval != (guint) -1)
    ic__set_uint (self, &profile->accept_interval, accept_interval,
                  properties[PROP_ACCEPT_INTERVAL]);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

gboolean
ic_server_set_priority (IcServer  *self,
                        guint      priority,
                        GError   **error)
{
  guint effective = priority;

  g_return_val_if_fail (IC_IS_SERVER (self), FALSE);

  if (priority > INET_PRIORITY_CRITICAL)
    {
      ic_engine_set_error_code (error, WSAEINVAL, _("Cannot change the server's priority"));
      return FALSE;
    }
  if (run_live (self))
    {
      INT now;

      if (InetSetServerPriority (self->run->handle, priority) == INET_ERROR)
        {
          ic_engine_set_error (error, _("Cannot change the server's priority"));
          return FALSE;
        }
      if (InetGetLastError () == INET_ERROR_PRIORITY_DEGRADED)
        ic__server_log (self, IC_EVENT_WARNING, 0,
                        _("The server priority needs the CAP_SYS_NICE capability; "
                          "normal is used"));
      now = InetGetServerPriority (self->run->handle);
      if (now != INET_ERROR && now != (INT) INET_PRIORITY_INVALID)
        effective = (guint) now;
    }
  ic__set_uint (self, &self->profile->priority, effective, properties[PROP_PRIORITY]);
  return TRUE;
}

gboolean
ic_server_set_bandwidth (IcServer  *self,
                         guint      rate_limit,
                         GError   **error)
{
  g_return_val_if_fail (IC_IS_SERVER (self), FALSE);

  if (rate_limit >= INET_BANDWIDTH_INHERIT)
    {
      ic_engine_set_error_code (error, WSAEINVAL, _("Cannot change the bandwidth limit"));
      return FALSE;
    }
  if (run_live (self)
      && !InetSetServerBandwidth (self->run->handle, rate_limit, rate_limit,
                                  INET_BANDWIDTH_UNCHANGED, INET_BANDWIDTH_UNCHANGED))
    {
      ic_engine_set_error (error, _("Cannot change the bandwidth limit"));
      return FALSE;
    }
  ic__set_uint (self, &self->profile->rate_limit, rate_limit, properties[PROP_RATE_LIMIT]);
  return TRUE;
}

guint64
ic__server_get_engine_callbacks (IcServer *self)
{
  g_return_val_if_fail (IC_IS_SERVER (self), 0);

  if (self->run == NULL || self->run->link == NULL)
    return 0;
  return ic__link_get_callbacks (self->run->link);
}

gboolean
ic__server_get_bridge_stats (IcServer      *self,
                             IcBridgeStats *stats)
{
  g_return_val_if_fail (IC_IS_SERVER (self), FALSE);

  if (self->run == NULL)
    return FALSE;
  ic_bridge_get_stats (self->run->bridge, stats);
  return TRUE;
}
