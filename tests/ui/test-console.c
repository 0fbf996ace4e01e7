/* test-console.c - the console driven as a person would, on a real engine
 * server over loopback: start from the window's action, real clients
 * connect, rows appear, a priority dropdown and a throttle slider change
 * the engine, the Stop button empties the table, the window follows the
 * selected server after another was selected and after a rename.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-server-page.h"
#include "ic-ui-test-utils.h"
#include "ic-window.h"

#define N_CLIENTS 6

typedef struct
{
  char *dir;
  IcServerList *list;
  IcServer *server;
  IcWindow *window;
  GSocketConnection *clients[N_CLIENTS];
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(IcProfile) profile = ic_profile_new ();
  g_autoptr(GError) error = NULL;

  if (!ic_ui_test_have_display ())
    return;

  fixture->dir = ic_test_make_tmp_dir ();
  fixture->list = ic_server_list_new (fixture->dir, NULL);
  profile->name = g_strdup ("Echo");
  g_free (profile->host);
  profile->host = g_strdup ("127.0.0.1");
  profile->port = 0;
  profile->service = IC_SERVICE_ECHO;
  fixture->server = ic_server_list_add (fixture->list, profile, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->server);

  fixture->window = ic_window_new_with_list (NULL, fixture->list);
  g_object_add_weak_pointer (G_OBJECT (fixture->window), (gpointer *) &fixture->window);
  gtk_window_present (GTK_WINDOW (fixture->window));
  ic_window_select_server (fixture->window, fixture->server);
  ic_test_spin_for (NULL, 200);
  g_assert_true (ic_window_get_selected_server (fixture->window) == fixture->server);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (!ic_ui_test_have_display ())
    return;

  for (guint i = 0; i < N_CLIENTS; i++)
    g_clear_object (&fixture->clients[i]);
  /* Closing the window stops the servers gracefully. */
  gtk_window_close (GTK_WINDOW (fixture->window));
  ic_test_spin_for (NULL, 200);
  g_assert_null (fixture->window);
  g_assert_false (ic_server_get_running (fixture->server));
  g_assert_finalize_object (fixture->list);
  ic_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
is_listening (Fixture *fixture)
{
  return ic_server_get_status (fixture->server) == IC_SERVER_LISTENING;
}

static gboolean
is_stopped (Fixture *fixture)
{
  return !ic_server_get_running (fixture->server);
}

static guint
n_rows (Fixture *fixture)
{
  GtkColumnView *view = ic_server_page_get_client_view (ic_window_get_page (fixture->window));

  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (view)));
}

static gboolean
all_rows_present (Fixture *fixture)
{
  return n_rows (fixture) == N_CLIENTS;
}

static gboolean
no_rows (Fixture *fixture)
{
  return n_rows (fixture) == 0;
}

static void
collect_dropdowns (GtkWidget *widget,
                   GPtrArray *out)
{
  if (GTK_IS_DROP_DOWN (widget))
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_dropdowns (child, out);
}

static void
start_and_connect (Fixture *fixture)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  guint port;

  /* Start from the window's action, as F5 or the Start button does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.start", NULL));
  IC_TEST_SPIN_UNTIL (NULL, is_listening (fixture));
  port = ic_server_get_port (fixture->server);
  g_assert_cmpuint (port, >, 0);
  g_assert_true (ic_server_get_handle (fixture->server) != INVALID_SOCKET);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autoptr(GError) error = NULL;

      fixture->clients[i] = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
      g_assert_no_error (error);
    }
  IC_TEST_SPIN_UNTIL (NULL, all_rows_present (fixture));
}

static void
test_rows_appear (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkColumnView *view;
  GListModel *model;
  g_autoptr(GHashTable) ports = g_hash_table_new (NULL, NULL);

  IC_UI_TEST_REQUIRE_DISPLAY ();

  start_and_connect (fixture);

  /* Each row is one of our sockets: the peer ports match. */
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (fixture->clients[i], NULL);
      g_hash_table_add (ports, GUINT_TO_POINTER (g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local))));
    }
  view = ic_server_page_get_client_view (ic_window_get_page (fixture->window));
  model = G_LIST_MODEL (gtk_column_view_get_model (view));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(IcClient) row = g_list_model_get_item (model, i);

      g_assert_cmpstr (ic_client_get_address (row), ==, "127.0.0.1");
      g_assert_true (g_hash_table_remove (ports, GUINT_TO_POINTER (ic_client_get_port (row))));
    }
  g_assert_cmpuint (g_hash_table_size (ports), ==, 0);
}

static void
test_priority_dropdown (Fixture       *fixture,
                        gconstpointer  data)
{
  IcServerPage *page;
  g_autoptr(GPtrArray) dropdowns = g_ptr_array_new ();
  SOCKET handles[N_CLIENTS * 2];
  INT n;
  guint n_low = 0;
  GtkDropDown *dropdown;

  IC_UI_TEST_REQUIRE_DISPLAY ();

  start_and_connect (fixture);
  page = ic_window_get_page (fixture->window);
  ic_test_spin_for (NULL, 200);
  collect_dropdowns (GTK_WIDGET (ic_server_page_get_client_view (page)), dropdowns);
  /* The column view made a dropdown for each visible row. */
  g_assert_cmpuint (dropdowns->len, >=, 1);
  dropdown = g_ptr_array_index (dropdowns, 0);
  g_assert_cmpuint (gtk_drop_down_get_selected (dropdown), ==, INET_PRIORITY_NORMAL);

  /* Choose "Low" as a person would; the engine's client priority follows. */
  gtk_drop_down_set_selected (dropdown, INET_PRIORITY_LOW);
  ic_test_spin_for (NULL, 200);

  n = InetEnumServerClients (ic_server_get_handle (fixture->server), handles, G_N_ELEMENTS (handles));
  g_assert_cmpint (n, ==, N_CLIENTS);
  for (INT i = 0; i < n; i++)
    {
      INT priority = InetGetClientPriority (handles[i]);

      g_assert_cmpint (priority, !=, INET_ERROR);
      if (priority == INET_PRIORITY_LOW)
        {
          IcClient *client = ic_server_lookup_client (fixture->server, InetGetClientId (handles[i]));

          n_low++;
          g_assert_nonnull (client);
          g_assert_cmpuint (ic_client_get_priority (client), ==, INET_PRIORITY_LOW);
        }
      else
        g_assert_cmpint (priority, ==, INET_PRIORITY_NORMAL);
    }
  g_assert_cmpuint (n_low, ==, 1);
}

static void
test_throttle_slider (Fixture       *fixture,
                      gconstpointer  data)
{
  IcServerPage *page;
  UINT max_clients = 0, per_address = 0;
  DWORD interval = 0;

  IC_UI_TEST_REQUIRE_DISPLAY ();

  start_and_connect (fixture);
  page = ic_window_get_page (fixture->window);

  gtk_range_set_value (ic_server_page_get_limit_scale (page, "max-clients"), 3);
  gtk_range_set_value (ic_server_page_get_limit_scale (page, "max-per-address"), 2);
  gtk_range_set_value (ic_server_page_get_limit_scale (page, "accept-interval"), 50);
  g_assert_true (InetGetServerThrottle (ic_server_get_handle (fixture->server), &max_clients,
                                        &per_address, &interval));
  g_assert_cmpuint (max_clients, ==, 3);
  g_assert_cmpuint (per_address, ==, 2);
  g_assert_cmpuint (interval, ==, 50);
  /* Lowering a limit never drops a client. */
  ic_test_spin_for (NULL, 200);
  g_assert_cmpuint (n_rows (fixture), ==, N_CLIENTS);

  gtk_range_set_value (ic_server_page_get_limit_scale (page, "max-clients"), 0);
  g_assert_true (InetGetServerThrottle (ic_server_get_handle (fixture->server), &max_clients,
                                        NULL, NULL));
  g_assert_cmpuint (max_clients, ==, 0);
}

static void
test_stop_button (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *stop;
  char byte;

  IC_UI_TEST_REQUIRE_DISPLAY ();

  start_and_connect (fixture);
  stop = ic_server_page_get_button (ic_window_get_page (fixture->window), "stop");
  g_assert_true (gtk_widget_is_visible (stop));
  g_assert_true (gtk_widget_is_sensitive (stop));
  gtk_widget_activate (stop);
  IC_TEST_SPIN_UNTIL (NULL, is_stopped (fixture));
  IC_TEST_SPIN_UNTIL (NULL, no_rows (fixture));

  /* Every client was disconnected: reading gives end of stream. */
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (fixture->clients[i]));
      g_autoptr(GError) error = NULL;
      gssize got = g_input_stream_read (in, &byte, 1, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (got, ==, 0);
    }
  /* Start is offered again. */
  g_assert_true (gtk_widget_is_visible (ic_server_page_get_button (ic_window_get_page (fixture->window), "start")));
}

/* Selecting another server and back keeps the window following the first
 * one: a start made outside the window's actions still enables Stop. */
static void
test_reselect_follows_status (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(IcProfile) profile = ic_profile_new ();
  g_autoptr(GError) error = NULL;
  IcServer *other;

  IC_UI_TEST_REQUIRE_DISPLAY ();

  profile->name = g_strdup ("Other");
  other = ic_server_list_add (fixture->list, profile, &error);
  g_assert_no_error (error);
  ic_window_select_server (fixture->window, other);
  g_assert_true (ic_window_get_selected_server (fixture->window) == other);
  ic_window_select_server (fixture->window, fixture->server);
  g_assert_true (ic_window_get_selected_server (fixture->window) == fixture->server);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "stop"));

  g_assert_true (ic_server_start (fixture->server, &error));
  g_assert_no_error (error);
  IC_TEST_SPIN_UNTIL (NULL, is_listening (fixture));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "stop"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->window), "start"));
}

/* Renaming the selected server in its dialog: the window remembers the new
 * name as the last server at once (the header subtitle follows with it). */
static void
test_rename_selected (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(IcProfile) renamed = NULL;
  g_autofree char *last = NULL;
  GtkWindow *dialog;

  IC_UI_TEST_REQUIRE_DISPLAY ();

  settings = g_settings_new (APP_ID);
  dialog = ic_window_open_server_dialog (fixture->window, TRUE);
  g_assert_nonnull (dialog);
  renamed = ic_profile_copy (ic_server_get_profile (fixture->server));
  g_free (renamed->name);
  renamed->name = g_strdup ("Renamed echo");
  g_signal_emit_by_name (dialog, "saved", renamed);
  gtk_window_destroy (dialog);

  g_assert_cmpstr (ic_server_get_name (fixture->server), ==, "Renamed echo");
  g_assert_true (ic_window_get_selected_server (fixture->window) == fixture->server);
  last = g_settings_get_string (settings, "last-server");
  g_assert_cmpstr (last, ==, "Renamed echo");
}

int
main (int   argc,
      char *argv[])
{
  ic_ui_test_init (&argc, &argv);

  g_test_add ("/ui/console/rows-appear", Fixture, NULL, fixture_setup, test_rows_appear,
              fixture_teardown);
  g_test_add ("/ui/console/priority-dropdown", Fixture, NULL, fixture_setup,
              test_priority_dropdown, fixture_teardown);
  g_test_add ("/ui/console/throttle-slider", Fixture, NULL, fixture_setup, test_throttle_slider,
              fixture_teardown);
  g_test_add ("/ui/console/stop-button", Fixture, NULL, fixture_setup, test_stop_button,
              fixture_teardown);
  g_test_add ("/ui/console/reselect-follows-status", Fixture, NULL, fixture_setup,
              test_reselect_follows_status, fixture_teardown);
  g_test_add ("/ui/console/rename-selected", Fixture, NULL, fixture_setup, test_rename_selected,
              fixture_teardown);

  return g_test_run ();
}
