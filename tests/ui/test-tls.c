/* test-tls.c - a TLS demo driven as a person would, under Xvfb: open the
 * new-server dialog, turn TLS on (the preview says what is missing),
 * create a self-signed certificate (the preview turns ready), save, start,
 * connect a real OpenSSL client and see its TLS details in its row and in
 * the detail pane; a plain-text client shows up as a failed handshake; the
 * client command names the certificate file. Also the preview of broken
 * files (mismatched key, wrong password) in the dialog.
 *
 * With IC_SCREENSHOT_DIR set, it saves screenshots there (import -window
 * root): tls-page.png, client-tls.png, tls-failures.png.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "ic-self-signed-dialog.h"
#include "ic-ui-test-utils.h"
#include "ic-server-dialog.h"
#include "ic-server-page.h"
#include "ic-tls-page.h"
#include "ic-window.h"

typedef struct
{
  char *dir;
  char *cert;
  IcServerList *list;
  IcWindow *window;
  GSubprocess *clients[3];
} Fixture;

static gboolean have_openssl;

/* what: the condition in words, for the reader (the failure names expr) */
#define SPIN_UNTIL(expr, what) IC_TEST_SPIN_UNTIL (NULL, expr)

/* import -window root, cropped to the window at the top left (no window
 * manager under Xvfb: every toplevel sits at 0,0). */
static void
screenshot (GtkWidget  *window,
            const char *name)
{
  /* the main window: everything that is not the black root */
  gboolean trim = IC_IS_WINDOW (window);
  const char *dir = g_getenv ("IC_SCREENSHOT_DIR");
  g_autofree char *file = NULL;
  g_autofree char *crop = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (dir == NULL)
    return;
  ic_test_spin_for (NULL, 600);
  file = g_build_filename (dir, name, NULL);
  crop = g_strdup_printf ("%dx%d+0+0", gtk_widget_get_width (window),
                          gtk_widget_get_height (window));
  {
    const char *argv[] = { "import", "-window", "root", trim ? "-trim" : "-crop", trim ? "+repage" : crop,
                           "+repage", file, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                  &status, &error);
  }
  g_assert_no_error (error);
  g_test_message ("screenshot %s (%s)", file, crop);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  if (!ic_ui_test_have_display ())
    return;
  f->dir = ic_test_make_tmp_dir ();
  f->cert = g_build_filename (f->dir, "demo.pem", NULL);
  f->list = ic_server_list_new (f->dir, NULL);
  f->window = ic_window_new_with_list (NULL, f->list);
  g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1360, 860);
  gtk_window_present (GTK_WINDOW (f->window));
  ic_test_spin_for (NULL, 200);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (!ic_ui_test_have_display ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (f->clients); i++)
    if (f->clients[i])
      {
        /* end of input: s_client closes and exits */
        g_output_stream_close (g_subprocess_get_stdin_pipe (f->clients[i]), NULL, NULL);
        g_subprocess_wait (f->clients[i], NULL, NULL);
        g_clear_object (&f->clients[i]);
      }
  gtk_window_close (GTK_WINDOW (f->window));
  ic_test_spin_for (NULL, 200);
  g_assert_null (f->window);
  g_assert_finalize_object (f->list);
  ic_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->cert);
}

static IcTlsPage *
tls_page (GtkWindow *dialog)
{
  return IC_TLS_PAGE (ic_server_dialog_get_tls_page (IC_SERVER_DIALOG (dialog)));
}

static gboolean
has_title (IcTlsPage  *page,
           const char *text)
{
  g_auto (GStrv) titles = ic_certificate_preview_dup_problem_titles (ic_tls_page_get_preview (page));

  for (guint i = 0; titles[i]; i++)
    if (strstr (titles[i], text))
      return TRUE;
  return FALSE;
}

static void
collect_labels (GtkWidget *widget,
                GString   *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, out);
}

static gboolean
view_shows (GtkWidget  *widget,
            const char *text)
{
  g_autoptr(GString) labels = g_string_new (NULL);

  collect_labels (widget, labels);
  return strstr (labels->str, text) != NULL;
}

static gboolean
command_has_ca (IcServerTlsView *view)
{
  g_autofree char *command = ic_server_tls_view_dup_command (view, IC_CLIENT_COMMAND_OPENSSL);

  return command != NULL && strstr (command, "-CAfile") != NULL;
}

/* openssl s_client that trusts cert; it stays until its input closes. */
static GSubprocess *
openssl_client (const char *target,
                const char *cert,
                const char *option,
                const char *value)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *client;
  const char *argv[] = { "openssl", "s_client", "-connect", target, "-CAfile", cert,
                         "-verify_return_error", option, value, NULL };

  client = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                    | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  return client;
}

/* Scrolls the TLS page so that the preview is at the top. */
static void
scroll_to_preview (IcTlsPage *page)
{
  GtkWidget *preview = GTK_WIDGET (ic_tls_page_get_preview (page));
  GtkWidget *scroller = gtk_widget_get_ancestor (preview, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  graphene_point_t at;

  g_assert_true (gtk_widget_compute_point (preview,
                                           gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)),
                                           &GRAPHENE_POINT_INIT (0, 0), &at));
  gtk_adjustment_set_value (adjustment, at.y - 110);
}

/* ---------------------------------------------------------------- demo */

static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  GtkWindow *dialog;
  IcSelfSignedDialog *maker;
  IcTlsPage *page;
  IcCertificateReport *report;
  IcServer *server;
  IcServerPage *server_page;
  IcTlsDetails *details;
  IcServerTlsView *tls_view;
  GtkColumnView *client_view;
  GListModel *rows;
  g_autoptr(IcClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *command = NULL;
  guint n_lists = 0;

  IC_UI_TEST_REQUIRE_DISPLAY ();
  if (!have_openssl)
    {
      g_test_skip ("no openssl command");
      return;
    }

  /* A new server; on its TLS page, turn TLS on. */
  dialog = ic_window_open_server_dialog (f->window, FALSE);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  ic_server_dialog_show_page (IC_SERVER_DIALOG (dialog), "tls");
  page = tls_page (dialog);
  ic_tls_page_set_tls (page, TRUE);
  SPIN_UNTIL (!ic_tls_page_is_checking (page), "the first check");
  /* nothing chosen yet: said in words, and Create waits for it */
  g_assert_true (has_title (page, "No certificate"));
  g_assert_false (ic_server_dialog_validate (IC_SERVER_DIALOG (dialog), NULL));

  /* Create a self-signed certificate, saved where we choose. */
  maker = IC_SELF_SIGNED_DIALOG (ic_tls_page_open_self_signed (page));
  g_object_add_weak_pointer (G_OBJECT (maker), (gpointer *) &maker);
  {
    g_autoptr(IcCertificateRequest) request = ic_self_signed_dialog_dup_request (maker);

    /* names prefilled for this machine and the listen address */
    g_assert_cmpstr (request->names, ==, "localhost, 127.0.0.1, ::1");
    g_assert_cmpint (request->key_type, ==, IC_CERT_KEY_ECDSA);
    g_assert_cmpuint (request->valid_days, ==, 365);
  }
  ic_self_signed_dialog_set_cert_file (maker, f->cert);
  ic_self_signed_dialog_create (maker);
  SPIN_UNTIL (maker == NULL, "the certificate to be made");
  SPIN_UNTIL (!ic_tls_page_is_checking (page) && ic_tls_page_get_report (page)
              && ic_tls_page_get_report (page)->loaded, "the preview of the new certificate");

  report = ic_tls_page_get_report (page);
  g_assert_true (report->key_matches);
  g_assert_true (report->self_signed);
  g_assert_true (report->host_matches);
  g_assert_false (ic_certificate_report_has_errors (report));
  g_assert_cmpstr (ic_certificate_preview_get_status (ic_tls_page_get_preview (page)), ==,
                   "Ready to serve");
  g_assert_true (view_shows (GTK_WIDGET (page), report->fingerprint));
  g_assert_true (ic_server_dialog_validate (IC_SERVER_DIALOG (dialog), NULL));
  if (g_getenv ("IC_SCREENSHOT_DIR"))
    {
      gtk_window_set_default_size (dialog, 640, 880);
      ic_test_spin_for (NULL, 300);
      screenshot (GTK_WIDGET (dialog), "tls-page.png");
      /* scrolled down to the preview */
      scroll_to_preview (page);
      screenshot (GTK_WIDGET (dialog), "tls-preview.png");
    }

  g_assert_true (ic_server_dialog_save (IC_SERVER_DIALOG (dialog)));
  SPIN_UNTIL (dialog == NULL, "the dialog to close");
  server = ic_window_get_selected_server (f->window);
  g_assert_nonnull (server);
  g_assert_true (ic_server_get_profile (server)->tls);
  g_assert_cmpstr (ic_server_get_profile (server)->cert_file, ==, f->cert);

  /* Start, and connect a real OpenSSL client that trusts the file. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.start", NULL));
  SPIN_UNTIL (ic_server_get_status (server) == IC_SERVER_LISTENING, "the server to listen");
  port = g_strdup_printf ("127.0.0.1:%u", ic_server_get_port (server));
  f->clients[0] = openssl_client (port, f->cert, "-servername", "localhost");

  server_page = ic_window_get_page (f->window);
  details = ic_server_page_get_tls_details (server_page);
  tls_view = ic_server_page_get_tls_view (server_page);
  client_view = ic_server_page_get_client_view (server_page);
  rows = G_LIST_MODEL (gtk_column_view_get_model (client_view));
  SPIN_UNTIL (g_list_model_get_n_items (rows) == 1, "the client's row");
  client = g_list_model_get_item (rows, 0);
  g_assert_true (ic_client_get_secure (client));

  /* Its row shows the version and the cipher. */
  ic_test_spin_for (NULL, 300);
  g_assert_true (view_shows (GTK_WIDGET (client_view),
                             "TLSv1.3 · TLS_"));

  /* Selected, its TLS details show in the pane. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (rows), 0, TRUE);
  ic_server_page_show_client_tls (server_page, TRUE);
  ic_test_spin_for (NULL, 200);
  g_assert_cmpstr (ic_tls_details_get_value (details, "protocol"),
                   ==, "TLSv1.3");
  g_assert_cmpstr (ic_tls_details_get_value (details, "sni"),
                   ==, "localhost");
  g_assert_cmpstr (ic_tls_details_get_value (details, "session"),
                   ==, "Full handshake");
  g_assert_true (g_str_has_prefix (ic_tls_details_get_value (details,
                                                             "cipher"), "TLS_"));
  g_assert_true (view_shows (GTK_WIDGET (details),
                             "1. Client Hello"));

  /* Two more clients: TLS 1.2, and one that asks for an application protocol. */
  f->clients[1] = openssl_client (port, f->cert, "-tls1_2", NULL);
  f->clients[2] = openssl_client (port, f->cert, "-alpn", "h2,http/1.1");
  SPIN_UNTIL (g_list_model_get_n_items (rows) == 3, "three rows");
  ic_test_spin_for (NULL, 300);
  g_assert_true (view_shows (GTK_WIDGET (client_view), "TLSv1.2 · "));
  /* room for the details, as a person drags the divider */
  gtk_paned_set_position (GTK_PANED (gtk_widget_get_ancestor (GTK_WIDGET (details), GTK_TYPE_PANED)),
                          150);
  screenshot (GTK_WIDGET (f->window), "client-tls.png");

  /* A plain-text client: a failed handshake with its reason. */
  {
    g_autoptr(GSocketClient) plain = g_socket_client_new ();
    g_autoptr(GSocketConnection) connection = NULL;
    GOutputStream *out;

    connection = g_socket_client_connect_to_host (plain, "127.0.0.1", ic_server_get_port (server),
                                                  NULL, &error);
    g_assert_no_error (error);
    out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
    g_output_stream_write_all (out, "GET / HTTP/1.1\r\n\r\n", 18, NULL, NULL, &error);
    g_assert_no_error (error);
    SPIN_UNTIL (ic_server_tls_view_get_n_failures (tls_view) == 1,
                "the failed handshake");
  }
  adw_view_stack_set_visible_child_name (ic_server_page_get_view_stack (server_page), "tls");
  ic_test_spin_for (NULL, 200);
  g_assert_true (view_shows (GTK_WIDGET (tls_view),
                             "Plain text on a TLS port"));
  n_lists = g_list_model_get_n_items (ic_server_get_handshake_failures (server));
  g_assert_cmpuint (n_lists, ==, 1);
  /* the event log has it in the same words */
  {
    GListModel *log = G_LIST_MODEL (ic_server_list_get_log (f->list));
    gboolean found = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (log) && !found; i++)
      {
        g_autoptr(IcLogEntry) entry = g_list_model_get_item (log, i);

        found = g_str_has_prefix (ic_log_entry_get_message (entry),
                                  "TLS handshake failed (Plain text on a TLS port)");
      }
    g_assert_true (found);
  }

  /* The client command trusts the self-signed file. */
  SPIN_UNTIL (command_has_ca (tls_view),
              "the command with the CA file");
  command = ic_server_tls_view_dup_command (tls_view,
                                            IC_CLIENT_COMMAND_OPENSSL);
  g_assert_nonnull (strstr (command, f->cert));
  g_assert_nonnull (strstr (command, port));
  screenshot (GTK_WIDGET (f->window), "tls-failures.png");
  g_assert_true (ic_server_tls_view_copy_command (tls_view));
}

/* ------------------------------------------------------- broken files */

static void
make_cert (Fixture    *f,
           const char *name,
           const char *key,
           const char *password)
{
  ic_test_make_engine_certificate (f->dir, name, key, INET_CERT_KEY_ECDSA_P256, 0, 0, NULL,
                                   password);
}

static void
test_broken_files (Fixture       *f,
                   gconstpointer  data)
{
  GtkWindow *dialog;
  IcTlsPage *page;
  g_autofree char *a = NULL, *b_key = NULL, *locked = NULL, *locked_key = NULL;

  IC_UI_TEST_REQUIRE_DISPLAY ();
  make_cert (f, "a.pem", "a.key", NULL);
  make_cert (f, "b.pem", "b.key", NULL);
  make_cert (f, "locked.pem", "locked.key", "s3cret");
  a = g_build_filename (f->dir, "a.pem", NULL);
  b_key = g_build_filename (f->dir, "b.key", NULL);
  locked = g_build_filename (f->dir, "locked.pem", NULL);
  locked_key = g_build_filename (f->dir, "locked.key", NULL);

  dialog = ic_window_open_server_dialog (f->window, FALSE);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  page = tls_page (dialog);
  ic_tls_page_set_tls (page, TRUE);

  /* a key from another certificate */
  ic_tls_page_choose_files (page, a, b_key, NULL);
  SPIN_UNTIL (!ic_tls_page_is_checking (page) && has_title (page, "does not belong"),
              "the key mismatch");
  g_assert_true (ic_certificate_report_has_errors (ic_tls_page_get_report (page)));

  /* a locked key: the password is asked for, then checked */
  ic_tls_page_choose_files (page, locked, locked_key, NULL);
  SPIN_UNTIL (!ic_tls_page_is_checking (page) && has_title (page, "locked with a password"),
              "the password request");
  ic_tls_page_set_password (page, "wrong");
  SPIN_UNTIL (!ic_tls_page_is_checking (page) && has_title (page, "password is wrong"),
              "the wrong password");
  ic_tls_page_set_password (page, "s3cret");
  SPIN_UNTIL (!ic_tls_page_is_checking (page) && ic_tls_page_get_report (page)->key_matches,
              "the right password");
  g_assert_false (ic_certificate_report_has_errors (ic_tls_page_get_report (page)));

  /* the listen address is checked as it changes (General page) */
  ic_tls_page_set_listen_host (page, "192.0.2.10");
  SPIN_UNTIL (!ic_tls_page_is_checking (page) && has_title (page, "192.0.2.10"),
              "the address warning");

  /* a throwaway certificate (as inet-serve --self-signed): a note, no problem */
  {
    g_autoptr(IcProfile) throwaway = ic_server_dialog_dup_profile (IC_SERVER_DIALOG (dialog));

    g_clear_pointer (&throwaway->cert_file, g_free);
    g_clear_pointer (&throwaway->key_file, g_free);
    throwaway->self_signed = TRUE;
    ic_tls_page_set_profile (page, throwaway);
    SPIN_UNTIL (!ic_tls_page_is_checking (page) && has_title (page, "made at each start"),
                "the throwaway note");
    g_assert_false (ic_certificate_report_has_errors (ic_tls_page_get_report (page)));
    g_assert_true (ic_server_dialog_validate (IC_SERVER_DIALOG (dialog), NULL));
    g_clear_pointer (&throwaway, ic_profile_free);
    throwaway = ic_server_dialog_dup_profile (IC_SERVER_DIALOG (dialog));
    g_assert_true (throwaway->self_signed);
    g_assert_null (throwaway->cert_file);
  }

  /* all at once, as the screenshot of problems shows them: an expired
   * certificate for another name, with a key from elsewhere */
  ic_test_make_engine_certificate (f->dir, "old.pem", "old.key", INET_CERT_KEY_ECDSA_P256, -400,
                                   30, "app.example", NULL);
  {
    g_autofree char *old = g_build_filename (f->dir, "old.pem", NULL);

    ic_tls_page_set_password (page, "");
    ic_tls_page_choose_files (page, old, b_key, NULL);
  }
  SPIN_UNTIL (!ic_tls_page_is_checking (page) && has_title (page, "does not belong")
              && has_title (page, "expired") && has_title (page, "127.0.0.1"),
              "the mismatch, the expiry and the address warning");
  if (g_getenv ("IC_SCREENSHOT_DIR"))
    {
      ic_server_dialog_show_page (IC_SERVER_DIALOG (dialog), "tls");
      gtk_window_set_default_size (dialog, 640, 880);
      ic_test_spin_for (NULL, 300);
      scroll_to_preview (page);
      screenshot (GTK_WIDGET (dialog), "tls-problems.png");
    }

  gtk_window_close (dialog);
  SPIN_UNTIL (dialog == NULL, "the dialog to close");
}

/* The quark block's stack reaches _dl_init only with the slow unwinder
 * (GLib has no frame pointers). */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");

  have_openssl = openssl != NULL;
  if (ic_ui_test_init (&argc, &argv))
    {
      g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

      /* what AdwApplication loads for the console */
      gtk_css_provider_load_from_resource (css, "/org/inetconsole/Console/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }

  g_test_add ("/ui/tls/demo", Fixture, NULL, fixture_setup, test_demo, fixture_teardown);
  g_test_add ("/ui/tls/broken-files", Fixture, NULL, fixture_setup, test_broken_files,
              fixture_teardown);

  return g_test_run ();
}
