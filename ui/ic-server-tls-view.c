/* ic-server-tls-view.c - a server's TLS page.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-server-tls-view.h"

#include <glib/gi18n.h>

#include "ic-ui-util.h"

struct _IcServerTlsView
{
  GtkWidget parent_instance;

  /* Template widgets */
  AdwActionRow *openssl_row;
  GtkWidget *openssl_copy;
  AdwActionRow *curl_row;
  GtkWidget *curl_copy;
  AdwPreferencesGroup *failures_group;
  GtkListBox *failures_list;
  IcCertificatePreview *preview;

  /* Owned */
  IcServer *server;
  GtkSortListModel *failures;    /* newest first */
  GCancellable *check_cancellable;
  IcCertificateReport *report;
  char *commands[2];
};

G_DEFINE_FINAL_TYPE (IcServerTlsView, ic_server_tls_view, GTK_TYPE_WIDGET)

/* ------------------------------------------------------------ commands */

static void
update_commands (IcServerTlsView *self)
{
  const IcProfile *profile;
  const char *trust = NULL;
  guint port;

  for (guint i = 0; i < G_N_ELEMENTS (self->commands); i++)
    g_clear_pointer (&self->commands[i], g_free);
  if (self->server == NULL)
    return;
  profile = ic_server_get_profile (self->server);
  port = ic_server_get_port (self->server);
  /* a self-signed certificate is its own authority: the client trusts that file */
  if (self->report && self->report->self_signed && !self->report->pkcs12 && profile->cert_file)
    trust = profile->cert_file;
  if (port != 0)
    {
      self->commands[IC_CLIENT_COMMAND_OPENSSL] =
        ic_client_command (profile, port, trust, IC_CLIENT_COMMAND_OPENSSL);
      self->commands[IC_CLIENT_COMMAND_CURL] =
        ic_client_command (profile, port, trust, IC_CLIENT_COMMAND_CURL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (self->commands); i++)
    {
      AdwActionRow *row = i == IC_CLIENT_COMMAND_CURL ? self->curl_row : self->openssl_row;

      adw_action_row_set_subtitle (row, self->commands[i]
                                          ? self->commands[i]
                                          : _("Start the server: the command needs the port it "
                                              "listens on."));
    }
  gtk_widget_set_sensitive (self->openssl_copy, self->commands[0] != NULL);
  gtk_widget_set_sensitive (self->curl_copy, self->commands[1] != NULL);
}

char *
ic_server_tls_view_dup_command (IcServerTlsView     *self,
                                IcClientCommandKind  kind)
{
  g_return_val_if_fail (IC_IS_SERVER_TLS_VIEW (self), NULL);
  g_return_val_if_fail (kind <= IC_CLIENT_COMMAND_CURL, NULL);
  return g_strdup (self->commands[kind]);
}

static void
copy (IcServerTlsView     *self,
      IcClientCommandKind  kind)
{
  if (self->commands[kind] == NULL)
    return;
  ic_ui_copy_text (GTK_WIDGET (self), self->commands[kind]);
  ic_ui_toast (GTK_WIDGET (self), _("Client command copied: paste it into a terminal"));
}

gboolean
ic_server_tls_view_copy_command (IcServerTlsView *self)
{
  const IcProfile *profile;
  IcClientCommandKind kind;

  g_return_val_if_fail (IC_IS_SERVER_TLS_VIEW (self), FALSE);

  if (self->server == NULL)
    return FALSE;
  profile = ic_server_get_profile (self->server);
  kind = profile->service == IC_SERVICE_HTTP ? IC_CLIENT_COMMAND_CURL : IC_CLIENT_COMMAND_OPENSSL;
  if (self->commands[kind] == NULL)
    return FALSE;
  copy (self, kind);
  return TRUE;
}

static void
on_copy_openssl (IcServerTlsView *self)
{
  copy (self, IC_CLIENT_COMMAND_OPENSSL);
}

static void
on_copy_curl (IcServerTlsView *self)
{
  copy (self, IC_CLIENT_COMMAND_CURL);
}

/* ------------------------------------------------------------ failures */

static GtkWidget *
make_failure_row (gpointer item,
                  gpointer user_data)
{
  IcHandshakeFailure *failure = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name ("channel-insecure-symbolic");
  g_autofree char *time = NULL;
  g_autofree char *subtitle = NULL;
  const char *detail = ic_handshake_failure_get_detail (failure);
  const char *peer = ic_handshake_failure_get_peer (failure);

  g_object_get (failure, "time-text", &time, NULL);
  /* Translators: "12:00:01 · 127.0.0.1:5000 · client 7: the client sent plaintext (...)" and,
   * on the next line, what it means */
  subtitle = g_strdup_printf (_("%s · %s · client %u: %s\n%s"), time ? time : "",
                              peer ? peer : "?", ic_handshake_failure_get_client_id (failure),
                              detail ? detail : "",
                              ic_handshake_failure_get_explanation (failure));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 ic_handshake_failure_get_reason (failure));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (icon, "error");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  return row;
}

static void
update_failures_title (IcServerTlsView *self)
{
  guint n = self->failures ? g_list_model_get_n_items (G_LIST_MODEL (self->failures)) : 0;
  g_autofree char *title = NULL;

  if (n == 0)
    title = g_strdup (_("Failed Handshakes"));
  else
    title = g_strdup_printf (_("Failed Handshakes (%u)"), n);
  adw_preferences_group_set_title (self->failures_group, title);
}

guint
ic_server_tls_view_get_n_failures (IcServerTlsView *self)
{
  g_return_val_if_fail (IC_IS_SERVER_TLS_VIEW (self), 0);
  return self->failures ? g_list_model_get_n_items (G_LIST_MODEL (self->failures)) : 0;
}

/* --------------------------------------------------------- certificate */

static void
on_check_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(IcServerTlsView) self = user_data;
  g_autoptr(IcCertificateReport) report = ic_certificate_check_finish (result, NULL);

  if (report == NULL || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  g_clear_object (&self->check_cancellable);
  g_clear_pointer (&self->report, ic_certificate_report_unref);
  self->report = g_steal_pointer (&report);
  ic_certificate_preview_set_busy (self->preview, FALSE);
  ic_certificate_preview_set_report (self->preview, self->report);
  update_commands (self);
}

static void
check_certificate (IcServerTlsView *self)
{
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  if (self->server == NULL || !ic_server_get_profile (self->server)->tls)
    {
      g_clear_pointer (&self->report, ic_certificate_report_unref);
      ic_certificate_preview_set_report (self->preview, NULL);
      ic_certificate_preview_set_busy (self->preview, FALSE);
      update_commands (self);
      return;
    }
  self->check_cancellable = g_cancellable_new ();
  ic_certificate_preview_set_busy (self->preview, TRUE);
  ic_certificate_check_async (ic_server_get_profile (self->server), NULL, self->check_cancellable,
                              on_check_done, g_object_ref (self));
}

/* ------------------------------------------------------------ server */

void
ic_server_tls_view_set_server (IcServerTlsView *self,
                               IcServer        *server)
{
  g_return_if_fail (IC_IS_SERVER_TLS_VIEW (self));
  g_return_if_fail (server == NULL || IC_IS_SERVER (server));

  if (self->server == server)
    return;
  if (self->server)
    g_signal_handlers_disconnect_by_data (self->server, self);
  g_set_object (&self->server, server);
  gtk_sort_list_model_set_model (self->failures,
                                 server ? ic_server_get_handshake_failures (server) : NULL);
  if (server)
    {
      g_signal_connect_object (server, "notify::profile", G_CALLBACK (check_certificate), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (server, "notify::port", G_CALLBACK (update_commands), self,
                               G_CONNECT_SWAPPED);
      /* the certificate file may have been replaced since: look again at each start */
      g_signal_connect_object (server, "notify::running", G_CALLBACK (check_certificate), self,
                               G_CONNECT_SWAPPED);
    }
  check_certificate (self);
  update_commands (self);
  update_failures_title (self);
}

IcCertificatePreview *
ic_server_tls_view_get_preview (IcServerTlsView *self)
{
  g_return_val_if_fail (IC_IS_SERVER_TLS_VIEW (self), NULL);
  return self->preview;
}

static void
ic_server_tls_view_dispose (GObject *object)
{
  IcServerTlsView *self = IC_SERVER_TLS_VIEW (object);

  ic_server_tls_view_set_server (self, NULL);
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  if (self->failures_list)
    gtk_list_box_bind_model (self->failures_list, NULL, NULL, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_SERVER_TLS_VIEW);
  /* children the template does not bind go too */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->failures);
  G_OBJECT_CLASS (ic_server_tls_view_parent_class)->dispose (object);
}

static void
ic_server_tls_view_finalize (GObject *object)
{
  IcServerTlsView *self = IC_SERVER_TLS_VIEW (object);

  g_clear_pointer (&self->report, ic_certificate_report_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->commands); i++)
    g_free (self->commands[i]);
  G_OBJECT_CLASS (ic_server_tls_view_parent_class)->finalize (object);
}

static void
ic_server_tls_view_class_init (IcServerTlsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ic_server_tls_view_dispose;
  object_class->finalize = ic_server_tls_view_finalize;

  g_type_ensure (IC_TYPE_CERTIFICATE_PREVIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inetconsole/Console/ui/ic-server-tls-view.ui");
  gtk_widget_class_bind_template_child (widget_class, IcServerTlsView, openssl_row);
  gtk_widget_class_bind_template_child (widget_class, IcServerTlsView, openssl_copy);
  gtk_widget_class_bind_template_child (widget_class, IcServerTlsView, curl_row);
  gtk_widget_class_bind_template_child (widget_class, IcServerTlsView, curl_copy);
  gtk_widget_class_bind_template_child (widget_class, IcServerTlsView, failures_group);
  gtk_widget_class_bind_template_child (widget_class, IcServerTlsView, failures_list);
  gtk_widget_class_bind_template_child (widget_class, IcServerTlsView, preview);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_openssl);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_curl);
}

static void
ic_server_tls_view_init (IcServerTlsView *self)
{
  GtkSorter *sorter;
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  sorter = GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (IC_TYPE_HANDSHAKE_FAILURE,
                                                                            NULL, "time")));
  gtk_numeric_sorter_set_sort_order (GTK_NUMERIC_SORTER (sorter), GTK_SORT_DESCENDING);
  self->failures = gtk_sort_list_model_new (NULL, sorter);
  gtk_list_box_bind_model (self->failures_list, G_LIST_MODEL (self->failures), make_failure_row,
                           NULL, NULL);
  g_signal_connect_object (self->failures, "items-changed", G_CALLBACK (update_failures_title),
                           self, G_CONNECT_SWAPPED);

  placeholder = gtk_label_new (_("None: every client that connected agreed on TLS."));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_label_set_wrap (GTK_LABEL (placeholder), TRUE);
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_widget_set_margin_start (placeholder, 12);
  gtk_widget_set_margin_end (placeholder, 12);
  gtk_list_box_set_placeholder (self->failures_list, placeholder);
  update_commands (self);
}

GtkWidget *
ic_server_tls_view_new (void)
{
  return g_object_new (IC_TYPE_SERVER_TLS_VIEW, NULL);
}
