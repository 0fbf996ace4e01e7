/* ic-self-signed-dialog.c - "Create a Self-Signed Certificate".
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-self-signed-dialog.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ic-ui-util.h"

struct _IcSelfSignedDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkStack *create_stack;
  GtkSpinner *spinner;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  AdwComboRow *key_type_row;
  AdwEntryRow *common_name_row;
  AdwEntryRow *names_row;
  GtkSpinButton *days_spin;
  AdwActionRow *cert_file_row;
  AdwActionRow *key_file_row;

  /* Owned */
  char *cert_file;
  char *key_file;
  GCancellable *cancellable;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (IcSelfSignedDialog, ic_self_signed_dialog, ADW_TYPE_WINDOW)

enum
{
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* "My Server" -> "my-server": a file name without surprises. */
static char *
file_stem (const char *name)
{
  g_autoptr(GString) stem = g_string_new (NULL);

  for (const char *p = name ? name : ""; *p; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.')
        g_string_append_c (stem, g_ascii_tolower (*p));
      else if (stem->len > 0 && stem->str[stem->len - 1] != '-')
        g_string_append_c (stem, '-');
    }
  while (stem->len > 0 && (stem->str[stem->len - 1] == '-' || stem->str[0] == '.'))
    {
      if (stem->str[0] == '.')
        g_string_erase (stem, 0, 1);
      else
        g_string_truncate (stem, stem->len - 1);
    }
  if (stem->len == 0)
    g_string_append (stem, "server");
  return g_string_free (g_steal_pointer (&stem), FALSE);
}

/* NAME.pem / NAME.crt -> NAME.key beside it. */
static char *
key_file_for (const char *cert_file)
{
  const char *dot = strrchr (cert_file, '.');
  const char *slash = strrchr (cert_file, '/');

  if (dot != NULL && (slash == NULL || dot > slash))
    return g_strdup_printf ("%.*s.key", (int) (dot - cert_file), cert_file);
  return g_strdup_printf ("%s.key", cert_file);
}

static void
show_files (IcSelfSignedDialog *self)
{
  g_autofree char *cert = ic_ui_display_path (self->cert_file);
  g_autofree char *key = ic_ui_display_path (self->key_file);

  adw_action_row_set_subtitle (self->cert_file_row, cert);
  adw_action_row_set_subtitle (self->key_file_row, key);
}

void
ic_self_signed_dialog_set_cert_file (IcSelfSignedDialog *self,
                                     const char         *cert_file)
{
  g_return_if_fail (IC_IS_SELF_SIGNED_DIALOG (self));
  g_return_if_fail (cert_file != NULL);

  g_free (self->cert_file);
  g_free (self->key_file);
  if (g_str_has_suffix (cert_file, ".key"))
    {
      /* they picked a name for the key: the certificate goes beside it */
      self->key_file = g_strdup (cert_file);
      self->cert_file = g_strdup_printf ("%.*s.pem", (int) strlen (cert_file) - 4, cert_file);
    }
  else
    {
      self->cert_file = g_strdup (cert_file);
      self->key_file = key_file_for (cert_file);
    }
  show_files (self);
}

void
ic_self_signed_dialog_set_key_type (IcSelfSignedDialog *self,
                                    IcCertKeyType       key_type)
{
  g_return_if_fail (IC_IS_SELF_SIGNED_DIALOG (self));
  adw_combo_row_set_selected (self->key_type_row, key_type == IC_CERT_KEY_RSA ? 1 : 0);
}

IcCertificateRequest *
ic_self_signed_dialog_dup_request (IcSelfSignedDialog *self)
{
  IcCertificateRequest *request;

  g_return_val_if_fail (IC_IS_SELF_SIGNED_DIALOG (self), NULL);

  request = ic_certificate_request_new ();
  request->key_type = adw_combo_row_get_selected (self->key_type_row) == 1 ? IC_CERT_KEY_RSA
                                                                            : IC_CERT_KEY_ECDSA;
  request->common_name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->common_name_row))));
  request->names = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->names_row)));
  gtk_spin_button_update (self->days_spin);
  request->valid_days = (guint) gtk_spin_button_get_value_as_int (self->days_spin);
  request->cert_file = g_strdup (self->cert_file);
  request->key_file = g_strdup (self->key_file);
  return request;
}

static void
show_error (IcSelfSignedDialog *self,
            const char         *message)
{
  if (message)
    gtk_label_set_text (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(IcSelfSignedDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  /* cancelled: the dialog is going away */
  if (!ic_certificate_create_finish (result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_stack_set_visible_child_name (self->create_stack, "button");
  gtk_spinner_set_spinning (self->spinner, FALSE);
  if (error)
    {
      show_error (self, error->message);
      return;
    }
  g_signal_emit (self, signals[CREATED], 0, self->cert_file, self->key_file);
  gtk_window_close (GTK_WINDOW (self));
}

void
ic_self_signed_dialog_create (IcSelfSignedDialog *self)
{
  g_autoptr(IcCertificateRequest) request = NULL;

  g_return_if_fail (IC_IS_SELF_SIGNED_DIALOG (self));

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->create_stack), "busy") == 0)
    return;
  show_error (self, NULL);
  request = ic_self_signed_dialog_dup_request (self);
  gtk_stack_set_visible_child_name (self->create_stack, "busy");
  gtk_spinner_set_spinning (self->spinner, TRUE);
  /* making an RSA key takes a moment: never on the main thread */
  ic_certificate_create_async (request, self->cancellable, on_created, g_object_ref (self));
}

static void
on_chooser_response (GtkNativeDialog    *chooser,
                     int                 response,
                     IcSelfSignedDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path)
        ic_self_signed_dialog_set_cert_file (self, path);
    }
  g_clear_object (&self->chooser);
}

static void
on_choose_clicked (IcSelfSignedDialog *self)
{
  g_autoptr(GFile) folder = NULL;
  g_autofree char *dir = g_path_get_dirname (self->cert_file);
  g_autofree char *base = g_path_get_basename (self->cert_file);

  if (self->chooser)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Save the Certificate As"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  /* the folder may not exist yet: then the chooser starts where it likes */
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      folder = g_file_new_for_path (dir);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), base);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
ic_self_signed_dialog_dispose (GObject *object)
{
  IcSelfSignedDialog *self = IC_SELF_SIGNED_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_SELF_SIGNED_DIALOG);
  G_OBJECT_CLASS (ic_self_signed_dialog_parent_class)->dispose (object);
}

static void
ic_self_signed_dialog_finalize (GObject *object)
{
  IcSelfSignedDialog *self = IC_SELF_SIGNED_DIALOG (object);

  g_free (self->cert_file);
  g_free (self->key_file);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (ic_self_signed_dialog_parent_class)->finalize (object);
}

static void
ic_self_signed_dialog_class_init (IcSelfSignedDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ic_self_signed_dialog_dispose;
  object_class->finalize = ic_self_signed_dialog_finalize;

  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inetconsole/Console/ui/ic-self-signed-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, IcSelfSignedDialog, name)
  BIND (create_stack);
  BIND (spinner);
  BIND (error_revealer);
  BIND (error_label);
  BIND (key_type_row);
  BIND (common_name_row);
  BIND (names_row);
  BIND (days_spin);
  BIND (cert_file_row);
  BIND (key_file_row);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, ic_self_signed_dialog_create);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ic_self_signed_dialog_init (IcSelfSignedDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

IcSelfSignedDialog *
ic_self_signed_dialog_new (GtkWindow  *parent,
                           const char *server_name,
                           const char *listen_host)
{
  IcSelfSignedDialog *self = g_object_new (IC_TYPE_SELF_SIGNED_DIALOG, "transient-for", parent,
                                           NULL);
  g_autofree char *names = ic_certificate_default_names (listen_host);
  g_autofree char *dir = ic_certificate_default_dir ();
  g_autofree char *stem = file_stem (server_name);
  g_autofree char *base = g_strconcat (stem, ".pem", NULL);
  g_autofree char *cert = g_build_filename (dir, base, NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->common_name_row), "localhost");
  gtk_editable_set_text (GTK_EDITABLE (self->names_row), names);
  ic_self_signed_dialog_set_cert_file (self, cert);
  return self;
}
