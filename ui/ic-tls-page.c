/* ic-tls-page.c - the TLS page of the server dialog.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-tls-page.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ic-self-signed-dialog.h"
#include "ic-ui-util.h"

/* Typing a password re-checks after a short pause, not per key. */
#define CHECK_DELAY_MS 250

enum { SOURCE_PEM, SOURCE_PKCS12, SOURCE_THROWAWAY };

typedef enum
{
  FILE_CERT,
  FILE_KEY,
  FILE_PKCS12,
  FILE_PASSWORD,
  FILE_CA,
} FileKind;

struct _IcTlsPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkSwitch *tls_switch;
  AdwPreferencesGroup *certificate_group;
  AdwPreferencesGroup *protocol_group;
  AdwPreferencesGroup *client_group;
  AdwComboRow *source_row;
  AdwActionRow *cert_row;
  AdwActionRow *key_row;
  GtkWidget *key_clear_button;
  AdwActionRow *pkcs12_row;
  AdwPasswordEntryRow *password_row;
  AdwActionRow *password_file_row;
  GtkWidget *password_file_clear_button;
  IcCertificatePreview *preview;
  AdwComboRow *min_version_row;
  AdwComboRow *client_cert_row;
  AdwActionRow *ca_row;

  /* Owned */
  char *files[FILE_CA + 1];
  char *listen_host;
  char *server_name;
  gboolean loading;
  guint check_source;
  GCancellable *check_cancellable;
  IcCertificateReport *report;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (IcTlsPage, ic_tls_page, GTK_TYPE_WIDGET)

enum
{
  CHANGED,
  REPORT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_set (const char *text)
{
  return text != NULL && *text != '\0';
}

/* ------------------------------------------------------------ checks */

static void
on_check_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(IcTlsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(IcCertificateReport) report = ic_certificate_check_finish (result, &error);

  /* superseded by a newer check (or the page went away) */
  if (report == NULL || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  g_clear_object (&self->check_cancellable);
  g_clear_pointer (&self->report, ic_certificate_report_unref);
  self->report = g_steal_pointer (&report);
  ic_certificate_preview_set_report (self->preview, self->report);
  ic_certificate_preview_set_busy (self->preview, FALSE);
  g_signal_emit (self, signals[REPORT_CHANGED], 0);
}

static gboolean
run_check (gpointer data)
{
  IcTlsPage *self = data;
  g_autoptr(IcProfile) profile = ic_profile_new ();

  self->check_source = 0;
  ic_tls_page_apply (self, profile);
  g_free (profile->host);
  profile->host = g_strdup (self->listen_host);

  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  if (!profile->tls)
    {
      g_clear_pointer (&self->report, ic_certificate_report_unref);
      ic_certificate_preview_set_busy (self->preview, FALSE);
      ic_certificate_preview_set_report (self->preview, NULL);
      g_signal_emit (self, signals[REPORT_CHANGED], 0);
      return G_SOURCE_REMOVE;
    }
  self->check_cancellable = g_cancellable_new ();
  ic_certificate_preview_set_busy (self->preview, TRUE);
  ic_certificate_check_async (profile, NULL, self->check_cancellable, on_check_done,
                              g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
schedule_check (IcTlsPage *self,
                guint      delay_ms)
{
  g_clear_handle_id (&self->check_source, g_source_remove);
  ic_certificate_preview_set_busy (self->preview, TRUE);
  self->check_source = g_timeout_add (delay_ms, run_check, self);
}

/* ------------------------------------------------------------ fields */

static void
set_file_subtitle (AdwActionRow *row,
                   const char   *path,
                   const char   *none)
{
  g_autofree char *shown = ic_ui_display_path (path);

  adw_action_row_set_subtitle (row, is_set (path) ? shown : none);
}

static void
update_rows (IcTlsPage *self)
{
  gboolean tls = gtk_switch_get_active (self->tls_switch);
  guint source = adw_combo_row_get_selected (self->source_row);
  gboolean pem = source == SOURCE_PEM;
  gboolean files = source != SOURCE_THROWAWAY;
  gboolean client = adw_combo_row_get_selected (self->client_cert_row) != IC_CLIENT_CERT_NONE;
  const char *key_hint = _("Not chosen: looked for in the certificate file and beside it");

  gtk_widget_set_sensitive (GTK_WIDGET (self->certificate_group), tls);
  gtk_widget_set_sensitive (GTK_WIDGET (self->protocol_group), tls);
  gtk_widget_set_sensitive (GTK_WIDGET (self->client_group), tls);

  gtk_widget_set_visible (GTK_WIDGET (self->cert_row), pem);
  gtk_widget_set_visible (GTK_WIDGET (self->key_row), pem);
  gtk_widget_set_visible (GTK_WIDGET (self->pkcs12_row), source == SOURCE_PKCS12);
  gtk_widget_set_visible (GTK_WIDGET (self->password_row), files);
  gtk_widget_set_visible (GTK_WIDGET (self->password_file_row), files);
  gtk_widget_set_visible (GTK_WIDGET (self->ca_row), client);

  set_file_subtitle (self->cert_row, self->files[FILE_CERT], _("None chosen"));
  if (!is_set (self->files[FILE_KEY]) && self->report && self->report->key_matches
      && is_set (self->report->key_file) && g_strcmp0 (self->report->key_file, self->files[FILE_CERT]))
    {
      g_autofree char *found = ic_ui_display_path (self->report->key_file);
      g_autofree char *text = g_strdup_printf (_("Found beside the certificate: %s"), found);

      adw_action_row_set_subtitle (self->key_row, text);
    }
  else
    set_file_subtitle (self->key_row, self->files[FILE_KEY], key_hint);
  set_file_subtitle (self->pkcs12_row, self->files[FILE_PKCS12], _("None chosen"));
  set_file_subtitle (self->password_file_row, self->files[FILE_PASSWORD],
                     _("None: the password typed above is used"));
  set_file_subtitle (self->ca_row, self->files[FILE_CA], _("None chosen: required"));
  gtk_widget_set_visible (self->key_clear_button, is_set (self->files[FILE_KEY]));
  gtk_widget_set_visible (self->password_file_clear_button, is_set (self->files[FILE_PASSWORD]));
}

static void
changed (IcTlsPage *self)
{
  if (self->loading)
    return;
  update_rows (self);
  g_signal_emit (self, signals[CHANGED], 0);
  schedule_check (self, CHECK_DELAY_MS);
}

static void
set_file (IcTlsPage  *self,
          FileKind    kind,
          const char *path)
{
  g_free (self->files[kind]);
  self->files[kind] = is_set (path) ? g_strdup (path) : NULL;
}

void
ic_tls_page_set_profile (IcTlsPage       *self,
                         const IcProfile *profile)
{
  g_return_if_fail (IC_IS_TLS_PAGE (self));
  g_return_if_fail (profile != NULL);

  self->loading = TRUE;
  gtk_switch_set_active (self->tls_switch, profile->tls);
  set_file (self, FILE_CERT, profile->cert_file);
  set_file (self, FILE_KEY, profile->key_file);
  set_file (self, FILE_PKCS12, profile->pkcs12_file);
  set_file (self, FILE_PASSWORD, profile->password_file);
  set_file (self, FILE_CA, profile->ca_file);
  adw_combo_row_set_selected (self->source_row,
                              profile->self_signed ? SOURCE_THROWAWAY
                              : is_set (profile->pkcs12_file) ? SOURCE_PKCS12 : SOURCE_PEM);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row),
                         profile->password ? profile->password : "");
  adw_combo_row_set_selected (self->min_version_row,
                              profile->min_tls == INET_PROTOCOL_TLS1_3 ? 1 : 0);
  adw_combo_row_set_selected (self->client_cert_row, profile->client_cert);
  g_free (self->listen_host);
  self->listen_host = g_strdup (profile->host);
  g_free (self->server_name);
  self->server_name = g_strdup (profile->name);
  self->loading = FALSE;
  update_rows (self);
  schedule_check (self, 0);
}

void
ic_tls_page_apply (IcTlsPage *self,
                   IcProfile *profile)
{
  guint source;
  gboolean pem;
  const char *password;

  g_return_if_fail (IC_IS_TLS_PAGE (self));
  g_return_if_fail (profile != NULL);

  source = adw_combo_row_get_selected (self->source_row);
  pem = source == SOURCE_PEM;
  profile->tls = gtk_switch_get_active (self->tls_switch);
  g_free (profile->cert_file);
  profile->cert_file = pem ? g_strdup (self->files[FILE_CERT]) : NULL;
  g_free (profile->key_file);
  profile->key_file = pem ? g_strdup (self->files[FILE_KEY]) : NULL;
  g_free (profile->pkcs12_file);
  profile->pkcs12_file = source == SOURCE_PKCS12 ? g_strdup (self->files[FILE_PKCS12]) : NULL;
  g_free (profile->password_file);
  profile->password_file = g_strdup (self->files[FILE_PASSWORD]);
  password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  if (profile->password)
    explicit_bzero (profile->password, strlen (profile->password));
  g_free (profile->password);
  profile->password = *password ? g_strdup (password) : NULL;
  profile->self_signed = source == SOURCE_THROWAWAY;
  profile->min_tls = adw_combo_row_get_selected (self->min_version_row) == 1
                       ? INET_PROTOCOL_TLS1_3 : INET_PROTOCOL_DEFAULT;
  profile->client_cert = adw_combo_row_get_selected (self->client_cert_row);
  g_free (profile->ca_file);
  profile->ca_file = profile->client_cert != IC_CLIENT_CERT_NONE
                       ? g_strdup (self->files[FILE_CA]) : NULL;
}

void
ic_tls_page_set_listen_host (IcTlsPage  *self,
                             const char *host)
{
  g_return_if_fail (IC_IS_TLS_PAGE (self));

  if (g_strcmp0 (self->listen_host, host) == 0)
    return;
  g_free (self->listen_host);
  self->listen_host = g_strdup (host);
  if (gtk_switch_get_active (self->tls_switch))
    schedule_check (self, CHECK_DELAY_MS);
}

void
ic_tls_page_set_server_name (IcTlsPage  *self,
                             const char *name)
{
  g_return_if_fail (IC_IS_TLS_PAGE (self));
  g_free (self->server_name);
  self->server_name = g_strdup (name);
}

char *
ic_tls_page_dup_problem (IcTlsPage *self)
{
  g_return_val_if_fail (IC_IS_TLS_PAGE (self), NULL);

  if (!gtk_switch_get_active (self->tls_switch))
    return NULL;
  if ((adw_combo_row_get_selected (self->source_row) == SOURCE_PEM && !is_set (self->files[FILE_CERT]))
      || (adw_combo_row_get_selected (self->source_row) == SOURCE_PKCS12
          && !is_set (self->files[FILE_PKCS12])))
    return g_strdup (_("TLS is on, but no certificate is chosen: choose one on the TLS page, "
                       "or create a self-signed certificate there."));
  if (adw_combo_row_get_selected (self->client_cert_row) != IC_CLIENT_CERT_NONE
      && !is_set (self->files[FILE_CA]))
    return g_strdup (_("Client certificates need a CA file: choose it on the TLS page."));
  return NULL;
}

IcCertificateReport *
ic_tls_page_get_report (IcTlsPage *self)
{
  g_return_val_if_fail (IC_IS_TLS_PAGE (self), NULL);
  return self->report;
}

gboolean
ic_tls_page_is_checking (IcTlsPage *self)
{
  g_return_val_if_fail (IC_IS_TLS_PAGE (self), FALSE);
  return self->check_source != 0 || self->check_cancellable != NULL;
}

IcCertificatePreview *
ic_tls_page_get_preview (IcTlsPage *self)
{
  g_return_val_if_fail (IC_IS_TLS_PAGE (self), NULL);
  return self->preview;
}

/* ------------------------------------------------------------ person */

void
ic_tls_page_set_tls (IcTlsPage *self,
                     gboolean   tls)
{
  g_return_if_fail (IC_IS_TLS_PAGE (self));
  gtk_switch_set_active (self->tls_switch, tls);
}

void
ic_tls_page_choose_files (IcTlsPage  *self,
                          const char *cert_file,
                          const char *key_file,
                          const char *pkcs12_file)
{
  g_return_if_fail (IC_IS_TLS_PAGE (self));

  self->loading = TRUE;
  set_file (self, FILE_CERT, cert_file);
  set_file (self, FILE_KEY, key_file);
  set_file (self, FILE_PKCS12, pkcs12_file);
  adw_combo_row_set_selected (self->source_row, is_set (pkcs12_file) ? SOURCE_PKCS12 : SOURCE_PEM);
  self->loading = FALSE;
  changed (self);
}

void
ic_tls_page_set_password (IcTlsPage  *self,
                          const char *password)
{
  g_return_if_fail (IC_IS_TLS_PAGE (self));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), password ? password : "");
}

static void
on_self_signed_created (IcSelfSignedDialog *dialog,
                        const char         *cert_file,
                        const char         *key_file,
                        IcTlsPage          *self)
{
  self->loading = TRUE;
  gtk_switch_set_active (self->tls_switch, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  set_file (self, FILE_PASSWORD, NULL);
  self->loading = FALSE;
  ic_tls_page_choose_files (self, cert_file, key_file, NULL);
}

GtkWindow *
ic_tls_page_open_self_signed (IcTlsPage *self)
{
  IcSelfSignedDialog *dialog;
  GtkRoot *root;

  g_return_val_if_fail (IC_IS_TLS_PAGE (self), NULL);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = ic_self_signed_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                      self->server_name, self->listen_host);
  g_signal_connect_object (dialog, "created", G_CALLBACK (on_self_signed_created), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
on_create_activated (IcTlsPage *self)
{
  ic_tls_page_open_self_signed (self);
}

/* ------------------------------------------------------------ chooser */

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *const *patterns)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i]; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     IcTlsPage       *self)
{
  FileKind kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (chooser), "kind"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path)
        {
          set_file (self, kind, path);
          changed (self);
        }
    }
  g_clear_object (&self->chooser);
}

static void
choose_file (IcTlsPage  *self,
             FileKind    kind,
             const char *title)
{
  static const char *const certificates[] = { "*.pem", "*.crt", "*.cer", "*.p12", "*.pfx", NULL };
  static const char *const keys[] = { "*.key", "*.pem", NULL };
  static const char *const pkcs12[] = { "*.p12", "*.pfx", NULL };
  static const char *const all[] = { "*", NULL };
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooser *chooser;
  const char *near = self->files[kind] ? self->files[kind] : self->files[FILE_CERT];

  if (self->chooser)
    return;
  self->chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"),
                                               _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->chooser);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (kind == FILE_CERT || kind == FILE_CA)
    add_filter (chooser, _("Certificates"), certificates);
  else if (kind == FILE_KEY)
    add_filter (chooser, _("Private keys"), keys);
  else if (kind == FILE_PKCS12)
    add_filter (chooser, _("PKCS#12 files"), pkcs12);
  add_filter (chooser, _("All files"), all);
  if (is_set (near))
    {
      g_autofree char *dir = g_path_get_dirname (near);
      g_autoptr(GFile) folder = g_file_new_for_path (dir);

      gtk_file_chooser_set_current_folder (chooser, folder, NULL);
    }
  g_object_set_data (G_OBJECT (self->chooser), "kind", GUINT_TO_POINTER (kind));
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
on_choose_cert (IcTlsPage *self)
{
  choose_file (self, FILE_CERT, _("Choose the Certificate"));
}

static void
on_choose_key (IcTlsPage *self)
{
  choose_file (self, FILE_KEY, _("Choose the Private Key"));
}

static void
on_choose_pkcs12 (IcTlsPage *self)
{
  choose_file (self, FILE_PKCS12, _("Choose the PKCS#12 File"));
}

static void
on_choose_password_file (IcTlsPage *self)
{
  choose_file (self, FILE_PASSWORD, _("Choose the Password File"));
}

static void
on_choose_ca (IcTlsPage *self)
{
  choose_file (self, FILE_CA, _("Choose the CA Certificate"));
}

static void
on_clear_key (IcTlsPage *self)
{
  set_file (self, FILE_KEY, NULL);
  changed (self);
}

static void
on_clear_password_file (IcTlsPage *self)
{
  set_file (self, FILE_PASSWORD, NULL);
  changed (self);
}

/* ------------------------------------------------------------ object */

static void
ic_tls_page_dispose (GObject *object)
{
  IcTlsPage *self = IC_TLS_PAGE (object);

  g_clear_handle_id (&self->check_source, g_source_remove);
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  if (self->chooser)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_TLS_PAGE);
  /* children the template does not bind go too */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (ic_tls_page_parent_class)->dispose (object);
}

static void
ic_tls_page_finalize (GObject *object)
{
  IcTlsPage *self = IC_TLS_PAGE (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->files); i++)
    g_free (self->files[i]);
  g_free (self->listen_host);
  g_free (self->server_name);
  g_clear_pointer (&self->report, ic_certificate_report_unref);
  G_OBJECT_CLASS (ic_tls_page_parent_class)->finalize (object);
}

static void
ic_tls_page_class_init (IcTlsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ic_tls_page_dispose;
  object_class->finalize = ic_tls_page_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[REPORT_CHANGED] = g_signal_new ("report-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (IC_TYPE_CERTIFICATE_PREVIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inetconsole/Console/ui/ic-tls-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, IcTlsPage, name)
  BIND (tls_switch);
  BIND (certificate_group);
  BIND (protocol_group);
  BIND (client_group);
  BIND (source_row);
  BIND (cert_row);
  BIND (key_row);
  BIND (key_clear_button);
  BIND (pkcs12_row);
  BIND (password_row);
  BIND (password_file_row);
  BIND (password_file_clear_button);
  BIND (preview);
  BIND (min_version_row);
  BIND (client_cert_row);
  BIND (ca_row);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_create_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_cert);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_key);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_pkcs12);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_password_file);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_ca);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_key);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_password_file);
}

static void
ic_tls_page_init (IcTlsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->tls_switch, "notify::active", G_CALLBACK (changed), self);
  g_signal_connect_swapped (self->source_row, "notify::selected", G_CALLBACK (changed), self);
  g_signal_connect_swapped (self->password_row, "changed", G_CALLBACK (changed), self);
  g_signal_connect_swapped (self->min_version_row, "notify::selected", G_CALLBACK (changed), self);
  g_signal_connect_swapped (self->client_cert_row, "notify::selected", G_CALLBACK (changed), self);
  g_signal_connect_swapped (self, "report-changed", G_CALLBACK (update_rows), self);
  update_rows (self);
}

GtkWidget *
ic_tls_page_new (void)
{
  return g_object_new (IC_TYPE_TLS_PAGE, NULL);
}
