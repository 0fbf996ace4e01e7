/* test-widgets.c - every widget of the console is made and torn down, and
 * the widgets' own logic (graph, traffic view, server dialog) works.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-ui-test-utils.h"
#include "ic-event-log-view.h"
#include "ic-graph.h"
#include "ic-server-dialog.h"
#include "ic-certificate-preview.h"
#include "ic-self-signed-dialog.h"
#include "ic-server-page.h"
#include "ic-server-tls-view.h"
#include "ic-tls-details.h"
#include "ic-tls-page.h"
#include "ic-traffic-view.h"
#include "ic-window.h"

static void
spin (void)
{
  for (int i = 0; i < 50 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

/* Puts a widget in a window, shows it, then destroys it all; the widget
 * must finalize. */
static void
show_and_destroy (GtkWidget *widget)
{
  GtkWidget *window = gtk_window_new ();

  g_object_ref_sink (widget);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  spin ();
  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
  g_assert_finalize_object (widget);
}

static void
test_new_destroy (void)
{
  IC_UI_TEST_REQUIRE_DISPLAY ();

  show_and_destroy (ic_graph_new ());
  show_and_destroy (ic_traffic_view_new ());
  show_and_destroy (ic_event_log_view_new ());
  show_and_destroy (ic_server_page_new ());
  show_and_destroy (ic_certificate_preview_new ());
  show_and_destroy (ic_tls_page_new ());
  show_and_destroy (ic_tls_details_new ());
  show_and_destroy (ic_server_tls_view_new ());
  {
    IcSelfSignedDialog *dialog = ic_self_signed_dialog_new (NULL, "My Server", "::");
    g_autoptr(IcCertificateRequest) request = ic_self_signed_dialog_dup_request (dialog);

    g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
    /* a file name from the server's name, the key beside it */
    g_assert_true (g_str_has_suffix (request->cert_file, "/certificates/my-server.pem"));
    g_assert_true (g_str_has_suffix (request->key_file, "/certificates/my-server.key"));
    g_assert_cmpstr (request->names, ==, "localhost, 127.0.0.1, ::1");
    ic_self_signed_dialog_set_cert_file (dialog, "/tmp/x/demo.crt");
    g_clear_pointer (&request, ic_certificate_request_free);
    request = ic_self_signed_dialog_dup_request (dialog);
    g_assert_cmpstr (request->key_file, ==, "/tmp/x/demo.key");
    gtk_window_present (GTK_WINDOW (dialog));
    spin ();
    gtk_window_destroy (GTK_WINDOW (dialog));
    spin ();
    g_assert_null (dialog);
  }
}

static void
test_window_new_destroy (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(IcServerList) list = NULL;
  IcWindow *window;

  IC_UI_TEST_REQUIRE_DISPLAY ();

  dir = ic_test_make_tmp_dir ();
  list = ic_server_list_new (dir, NULL);
  window = ic_window_new_with_list (NULL, list);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));
  spin ();
  g_assert_true (ic_window_get_server_list (window) == list);
  g_assert_null (ic_window_get_selected_server (window));
  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
  g_assert_null (window);
  ic_test_remove_tree (dir);
}

static void
test_graph_values (void)
{
  g_autoptr(GtkWidget) widget = NULL;
  IcGraph *graph;
  double values[10];

  IC_UI_TEST_REQUIRE_DISPLAY ();
  widget = g_object_ref_sink (ic_graph_new ());
  graph = IC_GRAPH (widget);

  ic_graph_set_capacity (graph, 4);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    values[i] = i * 100;
  ic_graph_set_values (graph, 0, values, G_N_ELEMENTS (values));
  /* Only the newest capacity values stay. */
  g_assert_cmpuint (ic_graph_get_n_values (graph, 0), ==, 4);
  ic_graph_push (graph, 1, 3000);
  g_assert_cmpuint (ic_graph_get_n_values (graph, 1), ==, 1);
  /* The axis covers the largest visible value with a 1/2/5 step. */
  g_assert_cmpfloat (ic_graph_get_y_max (graph), >=, 3000);
  g_assert_cmpfloat (ic_graph_get_y_max (graph), ==, 5000);
  ic_graph_clear (graph);
  g_assert_cmpuint (ic_graph_get_n_values (graph, 0), ==, 0);
  g_assert_cmpfloat (ic_graph_get_y_max (graph), ==, 4);
}

static void
test_graph_format (void)
{
  g_autofree char *small = ic_graph_format_value (IC_GRAPH_UNIT_BYTES_PER_SECOND, 12);
  g_autofree char *big = ic_graph_format_value (IC_GRAPH_UNIT_BYTES_PER_SECOND, 12000);
  g_autofree char *count = ic_graph_format_value (IC_GRAPH_UNIT_COUNT, 7);

  g_assert_cmpstr (small, ==, "12 B/s");
  g_assert_cmpstr (big, ==, "12.0\xc2\xa0kB/s"); /* g_format_size uses a no-break space */
  g_assert_cmpstr (count, ==, "7");
}

static void
test_traffic_format (void)
{
  const guint8 data[] = "Hi\r\n\x01";
  g_autofree char *text = ic_traffic_view_format_text (data, 5);
  g_autofree char *hex = ic_traffic_view_format_hex (data, 5);

  /* Control bytes show as escapes; a line feed also breaks the line. */
  g_assert_cmpstr (text, ==, "Hi\\r\\n\n\\x01");
  g_assert_true (g_str_has_prefix (hex, "0000  48 69 0d 0a 01 "));
  g_assert_true (g_str_has_suffix (hex, " Hi..."));
}

static void
test_traffic_parse (void)
{
  g_autoptr(GBytes) text = ic_traffic_parse_input ("ping", FALSE, "\r\n", NULL);
  g_autoptr(GBytes) hex = ic_traffic_parse_input ("de ad 0d", TRUE, "\r\n", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bad = ic_traffic_parse_input ("zz", TRUE, NULL, &error);

  g_assert_cmpmem (g_bytes_get_data (text, NULL), g_bytes_get_size (text), "ping\r\n", 6);
  g_assert_cmpmem (g_bytes_get_data (hex, NULL), g_bytes_get_size (hex), "\xde\xad\x0d", 3);
  g_assert_null (bad);
  g_assert_nonnull (error);
}

static void
on_send (IcTrafficView *view,
         GBytes        *bytes,
         GBytes       **out)
{
  *out = g_bytes_ref (bytes);
}

static void
test_traffic_view_bounded (void)
{
  GtkWidget *widget;
  IcTrafficView *view;
  guint8 chunk[1000];
  g_autofree char *text = NULL;
  g_autoptr(GBytes) sent = NULL;

  IC_UI_TEST_REQUIRE_DISPLAY ();

  widget = ic_traffic_view_new ();
  view = IC_TRAFFIC_VIEW (widget);
  g_object_ref_sink (widget);
  ic_traffic_view_set_max_bytes (view, 4000);
  memset (chunk, 'a', sizeof chunk);
  for (int i = 0; i < 20; i++)
    ic_traffic_view_append (view, i % 2 == 0, g_get_real_time (), chunk, sizeof chunk);
  /* The bound holds: old chunks left. */
  g_assert_cmpuint (ic_traffic_view_get_shown_bytes (view), <=, 4000);
  g_assert_cmpuint (ic_traffic_view_get_shown_bytes (view), >=, 3000);

  ic_traffic_view_clear (view);
  ic_traffic_view_append (view, TRUE, g_get_real_time (), (const guint8 *) "hello", 5);
  text = ic_traffic_view_dup_text (view);
  g_assert_nonnull (strstr (text, "hello"));
  g_assert_nonnull (strstr (text, "5 bytes"));

  ic_traffic_view_set_mode (view, IC_TRAFFIC_VIEW_HEX);
  g_free (text);
  text = ic_traffic_view_dup_text (view);
  g_assert_nonnull (strstr (text, "68 65 6c 6c 6f"));

  /* The send box hands out what was typed, with the line ending. */
  g_signal_connect (view, "send", G_CALLBACK (on_send), &sent);
  ic_traffic_view_set_can_send (view, TRUE);
  {
    GtkWidget *entry = NULL;

    for (GtkWidget *child = gtk_widget_get_first_child (widget); child && !entry;
         child = gtk_widget_get_next_sibling (child))
      for (GtkWidget *w = gtk_widget_get_first_child (child); w; w = gtk_widget_get_next_sibling (w))
        if (GTK_IS_ENTRY (w))
          entry = w;
    g_assert_nonnull (entry);
    gtk_editable_set_text (GTK_EDITABLE (entry), "ping");
    g_signal_emit_by_name (entry, "activate");
  }
  g_assert_nonnull (sent);
  g_assert_cmpmem (g_bytes_get_data (sent, NULL), g_bytes_get_size (sent), "ping\r\n", 6);
  g_object_unref (widget);
}

static void
test_dialog_validation (void)
{
  IcServerDialog *dialog;
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(IcProfile) result = NULL;
  g_autoptr(GError) error = NULL;

  IC_UI_TEST_REQUIRE_DISPLAY ();

  profile = ic_profile_new ();
  profile->name = g_strdup ("Echo 1");
  profile->port = 7000;
  profile->max_clients = 50;
  profile->options = INET_OPTION_REUSEADDR | INET_OPTION_NODELAY;
  profile->service = IC_SERVICE_BANNER;
  profile->banner = g_strdup ("hello");
  g_ptr_array_add (profile->rules, ic_rule_new (IC_RULE_REGEX, "^PING", "PONG\\r\\n", FALSE));

  dialog = ic_server_dialog_new (NULL, profile, NULL, NULL);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  spin ();

  /* The fields round-trip the profile. */
  g_assert_true (ic_server_dialog_validate (dialog, NULL));
  result = ic_server_dialog_dup_profile (dialog);
  g_assert_cmpstr (result->name, ==, "Echo 1");
  g_assert_cmpstr (result->host, ==, "127.0.0.1");
  g_assert_cmpuint (result->port, ==, 7000);
  g_assert_cmpuint (result->max_clients, ==, 50);
  g_assert_cmpuint (result->options, ==, INET_OPTION_REUSEADDR | INET_OPTION_NODELAY);
  g_assert_cmpint (result->service, ==, IC_SERVICE_BANNER);
  g_assert_cmpstr (result->banner, ==, "hello");
  g_assert_cmpuint (result->rules->len, ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin ();
  g_assert_null (dialog);

  /* A bad name and a bad regular expression are refused before saving. */
  g_free (profile->name);
  profile->name = g_strdup (".hidden");
  dialog = ic_server_dialog_new (NULL, profile, NULL, NULL);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_false (ic_server_dialog_validate (dialog, &error));
  g_assert_false (ic_server_dialog_save (dialog));
  g_clear_error (&error);
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin ();
  g_assert_null (dialog);

  g_free (profile->name);
  profile->name = g_strdup ("ok");
  ((IcRule *) g_ptr_array_index (profile->rules, 0))->pattern[0] = '(';
  dialog = ic_server_dialog_new (NULL, profile, NULL, NULL);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_assert_false (ic_server_dialog_validate (dialog, &error));
  g_assert_nonnull (error);
  gtk_window_destroy (GTK_WINDOW (dialog));
  spin ();
  g_assert_null (dialog);
}

static void
test_bandwidth_steps (void)
{
  g_assert_cmpuint (ic_bandwidth_step_to_rate (0), ==, 0);
  g_assert_cmpuint (ic_bandwidth_rate_to_step (0), ==, 0);
  for (guint step = 1; step < 20; step++)
    {
      guint rate = ic_bandwidth_step_to_rate (step);

      g_assert_cmpuint (rate, >, ic_bandwidth_step_to_rate (step - 1));
      g_assert_cmpuint (ic_bandwidth_rate_to_step (rate), ==, step);
    }
  /* An odd rate maps to the step below it, never to unlimited. */
  g_assert_cmpuint (ic_bandwidth_rate_to_step (1), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  ic_ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/widgets/new-destroy", test_new_destroy);
  g_test_add_func ("/ui/widgets/window-new-destroy", test_window_new_destroy);
  g_test_add_func ("/ui/graph/values", test_graph_values);
  g_test_add_func ("/ui/graph/format", test_graph_format);
  g_test_add_func ("/ui/traffic/format", test_traffic_format);
  g_test_add_func ("/ui/traffic/parse", test_traffic_parse);
  g_test_add_func ("/ui/traffic/view-bounded", test_traffic_view_bounded);
  g_test_add_func ("/ui/dialog/validation", test_dialog_validation);
  g_test_add_func ("/ui/limits/bandwidth-steps", test_bandwidth_steps);

  return g_test_run ();
}
