/* test-app-server.c - the server and client models follow a real engine
 * server over loopback; stop is a hard line; actions reach the engine.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-model-private.h"
#include "ic-model.h"
#include "ic-test-utils.h"

#include <errno.h>
#include <openssl/ssl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct
{
  GMainContext *context;
  IcServer *server;
  GListModel *clients;         /* borrowed */
  guint items_changed;
  guint added;
  guint removed;
  guint server_notifies;
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  g_assert_true (g_main_context_is_owner (f->context));
  f->items_changed++;
  f->added += added;
  f->removed += removed;
}

static void
notify_cb (GObject    *object,
           GParamSpec *pspec,
           Fixture    *f)
{
  f->server_notifies++;
}

static IcProfile *
make_profile (IcServiceKind service)
{
  IcProfile *profile = ic_profile_new ();

  profile->name = g_strdup ("test");
  profile->service = service;
  return profile;
}

static void
setup_with (Fixture         *f,
            const IcProfile *profile)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->server = ic_server_new (profile);
  f->clients = ic_server_get_clients (f->server);
  g_signal_connect (f->clients, "items-changed", G_CALLBACK (items_changed_cb), f);
  g_signal_connect (f->server, "notify", G_CALLBACK (notify_cb), f);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile ((IcServiceKind) GPOINTER_TO_INT (data));

  setup_with (f, profile);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->clients, f);
  g_signal_handlers_disconnect_by_data (f->server, f);
  /* a running server stops in dispose; every reference is accounted for */
  g_assert_finalize_object (g_steal_pointer (&f->server));
  g_assert_false (g_main_context_pending (f->context));
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static void
start (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ic_server_start (f->server, &error));
  g_assert_no_error (error);
  g_assert_true (ic_server_get_running (f->server));
  g_assert_cmpuint (ic_server_get_port (f->server), >, 0);
}

static guint
n_rows (Fixture *f)
{
  return g_list_model_get_n_items (f->clients);
}

static IcClient *
row (Fixture *f,
     guint    position)
{
  IcClient *client = g_list_model_get_item (f->clients, position);

  g_object_unref (client); /* the store keeps it */
  return client;
}

/* The engine handle of the session with that id (for checking the engine). */
static SOCKET
engine_client (Fixture *f,
               guint    id)
{
  SOCKET handles[256];
  INT n = InetEnumServerClients (ic_server_get_handle (f->server), handles, 256);

  for (INT i = 0; i < MIN (n, 256); i++)
    if (InetGetClientId (handles[i]) == id)
      return handles[i];
  return INVALID_SOCKET;
}

static gboolean
client_counts (Fixture  *f,
               IcClient *client,
               guint64   in,
               guint64   out)
{
  ic_server_sample (f->server);
  return ic_client_get_bytes_in (client) == in && ic_client_get_bytes_out (client) == out;
}

static void
test_follows_clients (Fixture       *f,
                      gconstpointer  data)
{
  const guint n = 50;
  int fds[50];
  guint ports[50];
  g_autoptr(GHashTable) by_port = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GPtrArray) first_half = g_ptr_array_new_with_free_func (g_object_unref);
  IcEventLog *log = ic_server_get_log (f->server);
  guint64 total = 0, bytes_in = 0;
  guint previous_id = 0;

  g_test_summary ("50 loopback clients become 50 rows with the right peers, counters move, "
                  "transcripts fill, and disconnected clients leave the list");

  start (f);
  for (guint i = 0; i < n; i++)
    {
      fds[i] = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), &ports[i]);
      g_hash_table_insert (by_port, GUINT_TO_POINTER (ports[i]), GUINT_TO_POINTER (i + 1));
    }
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == n);
  g_assert_cmpuint (ic_server_get_n_clients (f->server), ==, n);

  for (guint i = 0; i < n; i++)
    {
      IcClient *client = row (f, i);
      g_autofree char *peer = g_strdup_printf ("127.0.0.1:%u", ic_client_get_port (client));

      g_assert_cmpstr (ic_client_get_address (client), ==, "127.0.0.1");
      g_assert_cmpint (ic_client_get_family (client), ==, AF_INET);
      g_assert_cmpstr (ic_client_get_peer (client), ==, peer);
      g_assert_true (g_hash_table_remove (by_port, GUINT_TO_POINTER (ic_client_get_port (client))));
      g_assert_cmpint (ic_client_get_state (client), ==, IC_CLIENT_CONNECTED);
      g_assert_false (ic_client_get_secure (client));
      g_assert_true (ic_client_get_server (client) == f->server);
      g_assert_true (ic_server_lookup_client (f->server, ic_client_get_id (client)) == client);
      /* rows are in id order */
      g_assert_cmpuint (ic_client_get_id (client), >, previous_id);
      previous_id = ic_client_get_id (client);
    }
  g_assert_cmpuint (g_hash_table_size (by_port), ==, 0);

  /* traffic: each client sends its own line and gets it echoed */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = g_strdup_printf ("hello %u\n", ports[i]);
      char back[64];

      ic_test_write_all (fds[i], line, strlen (line));
      g_assert_true (ic_test_read_exact (fds[i], back, strlen (line), IC_TEST_TIMEOUT_MS));
      g_assert_cmpmem (back, strlen (line), line, strlen (line));
      total += strlen (line);
    }
  for (guint i = 0; i < n; i++)
    {
      IcClient *client = row (f, i);
      g_autofree char *line = g_strdup_printf ("hello %u\n", ic_client_get_port (client));
      g_autoptr(GPtrArray) chunks = NULL;
      IcTrafficChunk *chunk;

      IC_TEST_SPIN_UNTIL (f->context, client_counts (f, client, strlen (line), strlen (line)));
      chunks = ic_transcript_dup_chunks (ic_client_get_transcript (client), 0);
      g_assert_cmpuint (chunks->len, ==, 2);
      chunk = g_ptr_array_index (chunks, 0);
      g_assert_cmpint (chunk->direction, ==, IC_TRAFFIC_IN);
      g_assert_cmpmem (g_bytes_get_data (chunk->bytes, NULL), g_bytes_get_size (chunk->bytes),
                       line, strlen (line));
      chunk = g_ptr_array_index (chunks, 1);
      g_assert_cmpint (chunk->direction, ==, IC_TRAFFIC_OUT);
      g_assert_cmpmem (g_bytes_get_data (chunk->bytes, NULL), g_bytes_get_size (chunk->bytes),
                       line, strlen (line));
      g_assert_cmpuint (ic_transcript_get_serial (ic_client_get_transcript (client)), ==, 2);
    }
  g_object_get (f->server, "bytes-in", &bytes_in, NULL);
  g_assert_cmpuint (bytes_in, ==, total);
  g_assert_cmpuint (ic_server_get_status (f->server), ==, IC_SERVER_LISTENING);

  /* the first half leaves */
  for (guint i = 0; i < n / 2; i++)
    {
      IcClient *client = NULL;

      for (guint k = 0; k < n_rows (f); k++)
        if (ic_client_get_port (row (f, k)) == ports[i])
          client = row (f, k);
      g_assert_nonnull (client);
      g_ptr_array_add (first_half, g_object_ref (client));
      close (fds[i]);
    }
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == n / 2);
  for (guint i = 0; i < first_half->len; i++)
    {
      IcClient *client = g_ptr_array_index (first_half, i);

      g_assert_cmpint (ic_client_get_state (client), ==, IC_CLIENT_CLOSED);
      g_assert_cmpuint (ic_client_get_close_reason (client), ==, INET_CLOSE_PEER);
      g_assert_null (ic_server_lookup_client (f->server, ic_client_get_id (client)));
    }
  for (guint k = 0; k < n_rows (f); k++)
    {
      guint port = ic_client_get_port (row (f, k));
      gboolean second_half = FALSE;

      for (guint i = n / 2; i < n; i++)
        second_half |= ports[i] == port;
      g_assert_true (second_half);
    }

  /* the log saw every connect and disconnect */
  g_assert_cmpuint (ic_test_log_count (log, IC_EVENT_CONNECT, NULL), ==, n);
  g_assert_cmpuint (ic_test_log_count (log, IC_EVENT_DISCONNECT, NULL), ==, n / 2);

  for (guint i = n / 2; i < n; i++)
    close (fds[i]);
  ic_server_stop (f->server);
  g_assert_cmpuint (n_rows (f), ==, 0);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_STOPPED);
  for (guint i = 0; i < first_half->len; i++)
    g_assert_finalize_object (g_ptr_array_steal_index (first_half, 0));
}

static void
test_stop_hard_line (Fixture       *f,
                     gconstpointer  data)
{
  const guint n = 20;
  int fds[40];
  IcEventLog *log = ic_server_get_log (f->server);
  g_autoptr(IcLogEntry) last = NULL;
  guint changed, notifies;
  guint64 total;

  g_test_summary ("When stop returns, every DISCONNECT and the STOP are applied without a "
                  "main-loop iteration, and nothing of the run ever runs again");

  start (f);
  for (guint i = 0; i < n; i++)
    fds[i] = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == n);
  /* more clients while the main context is busy: their events wait */
  for (guint i = n; i < 2 * n; i++)
    fds[i] = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  g_usleep (100 * 1000);

  ic_server_stop (f->server);
  g_assert_cmpuint (n_rows (f), ==, 0);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_STOPPED);
  g_assert_false (ic_server_get_running (f->server));
  g_assert_true (ic_server_get_handle (f->server) == INVALID_SOCKET);
  last = g_list_model_get_item (G_LIST_MODEL (log),
                                g_list_model_get_n_items (G_LIST_MODEL (log)) - 1);
  g_assert_cmpint (ic_log_entry_get_kind (last), ==, IC_EVENT_STOP);
  for (guint i = 0; i < 2 * n; i++)
    {
      /* every session was really closed */
      g_assert_cmpint (ic_test_wait_closed (fds[i], IC_TEST_TIMEOUT_MS), >=, 0);
      close (fds[i]);
    }

  changed = f->items_changed;
  notifies = f->server_notifies;
  total = ic_event_log_get_total (log);
  g_assert_false (g_main_context_pending (f->context));
  ic_test_spin_for (f->context, 300);
  g_assert_cmpuint (f->items_changed, ==, changed);
  g_assert_cmpuint (f->server_notifies, ==, notifies);
  g_assert_cmpuint (ic_event_log_get_total (log), ==, total);

  /* a second stop is a no-op; the server starts again */
  ic_server_stop (f->server);
  start (f);
  ic_server_stop (f->server);
}

static void
stopped_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (ic_server_stop_finish (IC_SERVER (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static guint
log_count (Fixture     *f,
           IcEventKind  kind)
{
  return ic_test_log_count (ic_server_get_log (f->server), kind, NULL);
}

static guint
bridge_queued (Fixture *f)
{
  IcBridgeStats stats;

  g_assert_true (ic__server_get_bridge_stats (f->server, &stats));
  return stats.queued;
}

static void
test_bulk_splice (Fixture       *f,
                  gconstpointer  data)
{
  const guint n = 100;
  int fds[100];

  g_test_summary ("Sessions that arrive while the main context is busy become rows in one "
                  "splice; when they all leave, one splice removes them");

  start (f);
  /* the START event (raised by the server thread): let it through first */
  IC_TEST_SPIN_UNTIL (f->context, log_count (f, IC_EVENT_START) == 1);
  for (guint i = 0; i < n; i++)
    fds[i] = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  /* not iterating: the CONNECT records wait on the bridge */
  IC_TEST_SPIN_UNTIL (NULL, bridge_queued (f) == n);
  f->items_changed = f->added = 0;
  g_assert_true (g_main_context_iteration (f->context, FALSE));
  g_assert_cmpuint (n_rows (f), ==, n);
  g_assert_cmpuint (f->items_changed, ==, 1);
  g_assert_cmpuint (f->added, ==, n);

  for (guint i = 0; i < n; i++)
    close (fds[i]);
  /* n DISCONNECT records and the IDLE of the last one */
  IC_TEST_SPIN_UNTIL (NULL, bridge_queued (f) == n + 1);
  f->items_changed = f->removed = 0;
  g_assert_true (g_main_context_iteration (f->context, FALSE));
  g_assert_cmpuint (n_rows (f), ==, 0);
  g_assert_cmpuint (f->items_changed, ==, 1);
  g_assert_cmpuint (f->removed, ==, n);
}

/* A TLS client on the connected fd, its handshake done. */
static SSL *
tls_handshake (SSL_CTX *context,
               int      fd)
{
  SSL *ssl = SSL_new (context);

  SSL_set_fd (ssl, fd);
  g_assert_cmpint (SSL_connect (ssl), ==, 1);
  return ssl;
}

static void
test_rows_in_id_order (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (IC_SERVICE_ECHO);
  SSL_CTX *context;
  SSL *ssl[3];
  int fds[3];
  guint ports[3];

  g_test_summary ("Sessions whose CONNECT comes after a later one's (their TLS handshake "
                  "took longer) take their place in id order, in one splice");

  profile->tls = TRUE;
  profile->self_signed = TRUE;
  ic_server_set_profile (f->server, profile);
  start (f);
  context = SSL_CTX_new (TLS_client_method ());
  SSL_CTX_set_verify (context, SSL_VERIFY_NONE, NULL);

  /* accepted first (the lower ids), but silent: no handshake, no CONNECT */
  for (guint i = 0; i < 2; i++)
    {
      fds[i] = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), &ports[i]);
      IC_TEST_SPIN_UNTIL (f->context,
                          ic_test_server_counter (f->server, "accepted") == i + 1);
    }
  fds[2] = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), &ports[2]);
  ssl[2] = tls_handshake (context, fds[2]);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 1);

  /* both CONNECTs wait on the bridge, then arrive in one batch */
  ssl[0] = tls_handshake (context, fds[0]);
  ssl[1] = tls_handshake (context, fds[1]);
  IC_TEST_SPIN_UNTIL (NULL, bridge_queued (f) == 2);
  f->items_changed = f->added = f->removed = 0;
  g_assert_true (g_main_context_iteration (f->context, FALSE));
  g_assert_cmpuint (n_rows (f), ==, 3);
  g_assert_cmpuint (f->items_changed, ==, 1);
  g_assert_cmpuint (f->added - f->removed, ==, 2);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpuint (ic_client_get_port (row (f, i)), ==, ports[i]);
  g_assert_cmpuint (ic_client_get_id (row (f, 0)), <, ic_client_get_id (row (f, 1)));
  g_assert_cmpuint (ic_client_get_id (row (f, 1)), <, ic_client_get_id (row (f, 2)));

  for (guint i = 0; i < 3; i++)
    {
      SSL_free (ssl[i]);
      close (fds[i]);
    }
  SSL_CTX_free (context);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 0);
}

static void
count_changes_cb (IcServer *server,
                  guint     added,
                  guint     removed,
                  guint    *count)
{
  (*count)++;
}

static void
test_churn (Fixture       *f,
            gconstpointer  data)
{
  const guint n = 1500;
  guint changes = 0;
  gint64 begin, end;
  double seconds;

  g_test_summary ("Under connection churn the client list changes a few times a second, "
                  "not once per session; every session is in the log; the list ends empty");

  start (f);
  g_signal_connect (f->server, "clients-changed", G_CALLBACK (count_changes_cb), &changes);
  begin = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      close (ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL));
      g_main_context_iteration (f->context, FALSE);
    }
  IC_TEST_SPIN_UNTIL (f->context, log_count (f, IC_EVENT_DISCONNECT) == n);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 0);
  end = g_get_monotonic_time ();
  seconds = (double) (end - begin) / G_USEC_PER_SEC;
  g_test_message ("%u sessions in %.2f s, %u list changes", n, seconds, changes);
  g_assert_cmpuint (log_count (f, IC_EVENT_CONNECT), ==, n);
  /* a burst of 4, then at most 4 a second (and the one that empties it) */
  g_assert_cmpfloat (changes, <=, 4 + 4 * seconds + 1);
  g_signal_handlers_disconnect_by_func (f->server, count_changes_cb, &changes);
}

static void
test_stop_async (Fixture       *f,
                 gconstpointer  data)
{
  int fds[10];
  gboolean done = FALSE;
  guint changed;

  g_test_summary ("An asynchronous stop completes on the server's context with the list "
                  "empty and nothing after it");

  start (f);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == G_N_ELEMENTS (fds));
  ic_server_stop_async (f->server, NULL, stopped_cb, &done);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_STOPPING);
  IC_TEST_SPIN_UNTIL (f->context, done);
  g_assert_cmpuint (n_rows (f), ==, 0);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_STOPPED);
  changed = f->items_changed;
  ic_test_spin_for (f->context, 200);
  g_assert_cmpuint (f->items_changed, ==, changed);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
}

static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  UINT max_clients = 0, per_address = 0;
  DWORD interval = 0, client_read = 0, client_write = 0, total_read, total_write;
  int fds[5];
  g_autoptr(GError) error = NULL;

  g_test_summary ("Limit properties reach the engine live and are kept in the profile");

  start (f);
  g_object_set (f->server, "max-clients", 3, "accept-interval", 0, "rate-limit", 5000, NULL);
  g_assert_true (InetGetServerThrottle (ic_server_get_handle (f->server), &max_clients,
                                        &per_address, &interval));
  g_assert_cmpuint (max_clients, ==, 3);
  g_assert_cmpuint (ic_server_get_profile (f->server)->max_clients, ==, 3);
  g_assert_true (InetGetServerBandwidth (ic_server_get_handle (f->server), &client_read,
                                         &client_write, &total_read, &total_write));
  g_assert_cmpuint (client_read, ==, 5000);
  g_assert_cmpuint (client_write, ==, 5000);
  g_assert_cmpuint (ic_server_get_profile (f->server)->rate_limit, ==, 5000);

  g_assert_true (ic_server_throttle (f->server, (guint) -1, 7, (guint) -1, &error));
  g_assert_no_error (error);
  g_assert_true (InetGetServerThrottle (ic_server_get_handle (f->server), &max_clients,
                                        &per_address, &interval));
  g_assert_cmpuint (max_clients, ==, 3);
  g_assert_cmpuint (per_address, ==, 7);

  g_assert_true (ic_server_set_priority (f->server, INET_PRIORITY_LOW, &error));
  g_assert_cmpint (InetGetServerPriority (ic_server_get_handle (f->server)), ==,
                   INET_PRIORITY_LOW);
  g_assert_false (ic_server_set_priority (f->server, 99, &error));
  g_assert_error (error, IC_ENGINE_ERROR, WSAEINVAL);
  g_clear_error (&error);

  /* the fourth and fifth connection are refused */
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 3);
  IC_TEST_SPIN_UNTIL (f->context, ic_test_server_counter (f->server, "rejected") == 2);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 0);
}

static void
test_client_actions (Fixture       *f,
                     gconstpointer  data)
{
  int fds[4];
  guint ports[4];
  IcClient *clients[4];
  SOCKET handle;
  char buffer[8];
  g_autoptr(GError) error = NULL;
  INETCLIENTSTATS stats = { .dwSize = sizeof stats };

  g_test_summary ("Client actions reach the engine: priority, pause reading, disconnect, "
                  "abort");

  start (f);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), &ports[i]);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == G_N_ELEMENTS (fds));
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    {
      clients[i] = NULL;
      for (guint k = 0; k < n_rows (f); k++)
        if (ic_client_get_port (row (f, k)) == ports[i])
          clients[i] = g_object_ref (row (f, k));
      g_assert_nonnull (clients[i]);
    }

  /* priority, through the property as a dropdown would */
  g_object_set (clients[0], "priority", INET_PRIORITY_LOW, NULL);
  handle = engine_client (f, ic_client_get_id (clients[0]));
  g_assert_cmpint (InetGetClientPriority (handle), ==, INET_PRIORITY_LOW);
  g_assert_cmpuint (ic_client_get_priority (clients[0]), ==, INET_PRIORITY_LOW);

  /* paused: no echo until resumed */
  g_assert_true (ic_client_set_paused (clients[1], TRUE, &error));
  g_assert_no_error (error);
  handle = engine_client (f, ic_client_get_id (clients[1]));
  g_assert_true (InetGetClientStats (handle, &stats));
  g_assert_true (stats.dwFlags & INET_CLIENT_FLAG_PAUSED);
  ic_test_write_all (fds[1], "ping", 4);
  g_assert_false (ic_test_read_exact (fds[1], buffer, 4, 300));
  g_object_set (clients[1], "paused", FALSE, NULL);
  g_assert_false (ic_client_get_paused (clients[1]));
  g_assert_true (ic_test_read_exact (fds[1], buffer, 4, IC_TEST_TIMEOUT_MS));
  g_assert_cmpmem (buffer, 4, "ping", 4);

  /* graceful disconnect: the client sees EOF, the row leaves */
  ic_client_disconnect (clients[2]);
  g_assert_cmpint (ic_client_get_state (clients[2]), ==, IC_CLIENT_CLOSING);
  g_assert_cmpint (ic_test_wait_closed (fds[2], IC_TEST_TIMEOUT_MS), ==, 0);
  /* abort: the client sees a reset */
  ic_client_abort (clients[3]);
  g_assert_cmpint (ic_test_wait_closed (fds[3], IC_TEST_TIMEOUT_MS), ==, ECONNRESET);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 2);
  g_assert_cmpint (ic_client_get_state (clients[2]), ==, IC_CLIENT_CLOSED);
  g_assert_cmpuint (ic_client_get_close_reason (clients[2]), ==, INET_CLOSE_LOCAL);
  g_assert_cmpuint (ic_client_get_close_reason (clients[3]), ==, INET_CLOSE_ABORT);

  /* a gone session fails cleanly */
  g_assert_false (ic_client_set_priority (clients[3], INET_PRIORITY_HIGH, &error));
  g_assert_error (error, IC_ENGINE_ERROR, WSAENOTSOCK);
  g_clear_error (&error);

  ic_server_stop (f->server);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    {
      close (fds[i]);
      g_assert_finalize_object (clients[i]);
    }
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  gssize *sent = user_data;
  g_autoptr(GError) error = NULL;

  *sent = ic_client_send_finish (IC_CLIENT (object), result, &error);
  if (*sent < 0)
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      *sent = -2;
    }
}

static void
test_manual_send (Fixture       *f,
                  gconstpointer  data)
{
  int fd;
  IcClient *client;
  gssize sent = 0;
  char buffer[16];
  g_autoptr(GPtrArray) chunks = NULL;

  g_test_summary ("The manual service sends what the console types (text and hex), and the "
                  "transcript shows it");

  start (f);
  fd = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 1);
  client = row (f, 0);

  ic_client_send_text_async (client, "hello\r\n", FALSE, NULL, sent_cb, &sent);
  IC_TEST_SPIN_UNTIL (f->context, sent != 0);
  g_assert_cmpint (sent, ==, 7);
  g_assert_true (ic_test_read_exact (fd, buffer, 7, IC_TEST_TIMEOUT_MS));
  g_assert_cmpmem (buffer, 7, "hello\r\n", 7);

  sent = 0;
  ic_client_send_text_async (client, "de ad be ef", TRUE, NULL, sent_cb, &sent);
  IC_TEST_SPIN_UNTIL (f->context, sent != 0);
  g_assert_cmpint (sent, ==, 4);
  g_assert_true (ic_test_read_exact (fd, buffer, 4, IC_TEST_TIMEOUT_MS));
  g_assert_cmpmem (buffer, 4, "\xde\xad\xbe\xef", 4);

  sent = 0;
  ic_client_send_text_async (client, "zz", TRUE, NULL, sent_cb, &sent);
  IC_TEST_SPIN_UNTIL (f->context, sent != 0);
  g_assert_cmpint (sent, ==, -2);

  /* the manual service does not answer: nothing comes back on its own */
  ic_test_write_all (fd, "question", 8);
  g_assert_false (ic_test_read_exact (fd, buffer, 1, 200));

  ic_transcript_update (ic_client_get_transcript (client));
  chunks = ic_transcript_dup_chunks (ic_client_get_transcript (client), 0);
  g_assert_cmpuint (chunks->len, >=, 2);
  g_assert_cmpint (((IcTrafficChunk *) g_ptr_array_index (chunks, 0))->direction, ==,
                   IC_TRAFFIC_OUT);
  g_assert_cmpint (((IcTrafficChunk *) g_ptr_array_index (chunks, 1))->direction, ==,
                   IC_TRAFFIC_OUT);
  close (fd);
}

static void
test_server_actions (Fixture       *f,
                     gconstpointer  data)
{
  int fds[3];
  guint port;
  g_autoptr(GError) error = NULL;

  g_test_summary ("Suspend, resume and restart change the status; a restart disconnects "
                  "every client and keeps the port");

  g_assert_false (ic_server_suspend (f->server, &error));
  g_assert_error (error, IC_ENGINE_ERROR, INET_ERROR_SERVER_STOPPED);
  g_clear_error (&error);

  start (f);
  port = ic_server_get_port (f->server);
  g_assert_true (ic_server_suspend (f->server, &error));
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_SUSPENDED);
  g_assert_true (ic_server_resume (f->server, &error));
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_LISTENING);

  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = ic_test_connect ("127.0.0.1", port, NULL);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == G_N_ELEMENTS (fds));
  g_assert_true (ic_server_restart (f->server, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ic_server_get_status (f->server), ==, IC_SERVER_LISTENING);
  g_assert_cmpuint (ic_server_get_port (f->server), ==, port);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    {
      g_assert_cmpint (ic_test_wait_closed (fds[i], IC_TEST_TIMEOUT_MS), >=, 0);
      close (fds[i]);
    }
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 0);

  /* and it serves again */
  fds[0] = ic_test_connect ("127.0.0.1", port, NULL);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 1);
  close (fds[0]);
}

static void
test_start_failure (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (IC_SERVICE_ECHO);
  g_autoptr(IcServer) second = NULL;
  g_autoptr(GError) error = NULL;

  g_test_summary ("A start that fails (port in use) leaves status FAILED with the reason");

  start (f);
  profile->port = ic_server_get_port (f->server);
  second = ic_server_new (profile);
  g_assert_false (ic_server_start (second, &error));
  g_assert_error (error, IC_ENGINE_ERROR, WSAEADDRINUSE);
  g_assert_cmpint (ic_server_get_status (second), ==, IC_SERVER_FAILED);
  g_assert_false (ic_server_get_running (second));
  g_assert_cmpstr (ic_server_get_error (second), ==, error->message);
  g_assert_finalize_object (g_steal_pointer (&second));

  /* an invalid profile fails before the engine */
  g_clear_error (&error);
  profile->priority = 42;
  second = ic_server_new (profile);
  g_assert_false (ic_server_start (second, &error));
  g_assert_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_INVALID);
  g_assert_finalize_object (g_steal_pointer (&second));
}

static void
test_ipv6 (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (IC_SERVICE_ECHO);
  guint port;
  int fd;
  IcClient *client;
  g_autofree char *peer = NULL;
  g_autoptr(GError) error = NULL;

  g_free (profile->host);
  profile->host = g_strdup ("::1");
  ic_server_set_profile (f->server, profile);
  if (!ic_server_start (f->server, &error))
    {
      g_test_skip ("no IPv6 loopback here");
      return;
    }
  g_assert_true (g_str_has_prefix (ic_server_get_address (f->server), "[::1]:"));
  fd = ic_test_connect ("::1", ic_server_get_port (f->server), &port);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 1);
  client = row (f, 0);
  peer = g_strdup_printf ("[::1]:%u", port);
  g_assert_cmpstr (ic_client_get_peer (client), ==, peer);
  g_assert_cmpint (ic_client_get_family (client), ==, AF_INET6);
  close (fd);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 0);
}

static void
test_dispose_running (Fixture       *f,
                      gconstpointer  data)
{
  int fds[5];

  g_test_summary ("Dropping the last reference to a running server stops it; the client "
                  "objects and the server are finalized");

  start (f);
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    fds[i] = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == G_N_ELEMENTS (fds));
  /* teardown finalizes the running server */
  for (guint i = 0; i < G_N_ELEMENTS (fds); i++)
    close (fds[i]);
}

static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (IC_SERVICE_ECHO);
  SSL_CTX *context;
  SSL *ssl;
  IcClient *client;
  char buffer[8];
  int fd, plain;
  g_autofree char *version = NULL;
  g_autofree char *cipher = NULL;
  g_autofree char *sni = NULL;
  guint handshake = 0;
  gboolean secure = FALSE;

  g_test_summary ("A TLS server with a throwaway self-signed certificate: a session shows "
                  "its handshake details, a plaintext client is a counted handshake error");

  profile->tls = TRUE;
  profile->self_signed = TRUE;
  ic_server_set_profile (f->server, profile);
  start (f);
  g_assert_true (ic_server_get_profile (f->server)->tls);

  context = SSL_CTX_new (TLS_client_method ());
  SSL_CTX_set_verify (context, SSL_VERIFY_NONE, NULL);
  ssl = SSL_new (context);
  fd = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  SSL_set_fd (ssl, fd);
  SSL_set_tlsext_host_name (ssl, "localhost");
  g_assert_cmpint (SSL_connect (ssl), ==, 1);
  g_assert_cmpint (SSL_write (ssl, "hi\n", 3), ==, 3);
  g_assert_cmpint (SSL_read (ssl, buffer, sizeof buffer), ==, 3);
  g_assert_cmpmem (buffer, 3, "hi\n", 3);

  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 1);
  client = row (f, 0);
  g_object_get (client, "secure", &secure, "tls-version", &version, "tls-cipher", &cipher,
                "tls-sni", &sni, "tls-handshake-time", &handshake, NULL);
  g_assert_true (secure);
  g_assert_cmpstr (version, ==, SSL_get_version (ssl));
  g_assert_cmpstr (cipher, ==, SSL_get_cipher_name (ssl));
  g_assert_cmpstr (sni, ==, "localhost");
  g_assert_cmpuint (handshake, >, 0);

  /* plaintext on the TLS port: no row, an ERROR with the reason, counted */
  plain = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  ic_test_write_all (plain, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
  g_assert_cmpint (ic_test_wait_closed (plain, IC_TEST_TIMEOUT_MS), >=, 0);
  close (plain);
  IC_TEST_SPIN_UNTIL (f->context, log_count (f, IC_EVENT_ERROR) == 1);
  IC_TEST_SPIN_UNTIL (f->context,
                      ic_test_server_counter (f->server, "handshake-failures") == 1);
  g_assert_cmpuint (n_rows (f), ==, 1);

  SSL_shutdown (ssl);
  SSL_free (ssl);
  SSL_CTX_free (context);
  close (fd);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 0);
}

static void
test_client_outlives_server (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(IcProfile) profile = make_profile (IC_SERVICE_ECHO);
  IcClient *client;
  int fd;

  g_test_summary ("A client row held after its server is gone is closed and has no server");

  start (f);
  fd = ic_test_connect ("127.0.0.1", ic_server_get_port (f->server), NULL);
  IC_TEST_SPIN_UNTIL (f->context, n_rows (f) == 1);
  client = g_object_ref (row (f, 0));
  g_assert_true (ic_client_get_server (client) == f->server);

  g_signal_handlers_disconnect_by_data (f->clients, f);
  g_signal_handlers_disconnect_by_data (f->server, f);
  g_assert_finalize_object (g_steal_pointer (&f->server));
  g_assert_null (ic_client_get_server (client));
  g_assert_cmpint (ic_client_get_state (client), ==, IC_CLIENT_CLOSED);
  g_assert_cmpuint (ic_client_get_close_reason (client), ==, INET_CLOSE_STOP);
  /* actions fail cleanly, nothing crashes */
  ic_client_disconnect (client);
  g_assert_false (ic_client_set_paused (client, TRUE, NULL));
  g_assert_finalize_object (client);
  close (fd);

  /* a fresh one for the teardown */
  f->server = ic_server_new (profile);
  f->clients = ic_server_get_clients (f->server);
}

int
main (int   argc,
      char *argv[])
{
  gconstpointer echo = GINT_TO_POINTER (IC_SERVICE_ECHO);
  gconstpointer manual = GINT_TO_POINTER (IC_SERVICE_MANUAL);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/app/server/follows-clients", Fixture, echo, setup, test_follows_clients,
              teardown);
  g_test_add ("/app/server/stop-hard-line", Fixture, echo, setup, test_stop_hard_line,
              teardown);
  g_test_add ("/app/server/bulk-splice", Fixture, echo, setup, test_bulk_splice, teardown);
  g_test_add ("/app/server/rows-in-id-order", Fixture, echo, setup, test_rows_in_id_order,
              teardown);
  g_test_add ("/app/server/churn", Fixture, echo, setup, test_churn, teardown);
  g_test_add ("/app/server/stop-async", Fixture, echo, setup, test_stop_async, teardown);
  g_test_add ("/app/server/limits", Fixture, echo, setup, test_limits, teardown);
  g_test_add ("/app/server/client-actions", Fixture, echo, setup, test_client_actions,
              teardown);
  g_test_add ("/app/server/manual-send", Fixture, manual, setup, test_manual_send, teardown);
  g_test_add ("/app/server/server-actions", Fixture, echo, setup, test_server_actions,
              teardown);
  g_test_add ("/app/server/start-failure", Fixture, echo, setup, test_start_failure, teardown);
  g_test_add ("/app/server/ipv6", Fixture, echo, setup, test_ipv6, teardown);
  g_test_add ("/app/server/tls", Fixture, echo, setup, test_tls, teardown);
  g_test_add ("/app/server/client-outlives-server", Fixture, echo, setup,
              test_client_outlives_server, teardown);
  g_test_add ("/app/server/dispose-running", Fixture, echo, setup, test_dispose_running,
              teardown);

  return g_test_run ();
}
