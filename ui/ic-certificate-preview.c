/* ic-certificate-preview.c - a certificate check report, for people.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-certificate-preview.h"

#include <glib/gi18n.h>

#include "ic-ui-util.h"

struct _IcCertificatePreview
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkStack *status_icon_stack;
  GtkSpinner *spinner;
  GtkImage *status_icon;
  GtkLabel *status_title;
  GtkLabel *status_subtitle;
  GtkListBox *problems_list;
  GtkListBox *details_list;

  /* Owned */
  IcCertificateReport *report;
  GPtrArray *problem_titles;     /* (element-type utf8) as shown */
  const char *icon_class;
  gboolean busy;
  gboolean compact;
};

G_DEFINE_FINAL_TYPE (IcCertificatePreview, ic_certificate_preview, GTK_TYPE_WIDGET)

/* ------------------------------------------------------------ helpers */

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
new_row (const char *title,
         const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");
  return row;
}

static void
add_mark (GtkWidget  *row,
          gboolean    good,
          const char *css)
{
  GtkWidget *icon = gtk_image_new_from_icon_name (good ? "emblem-ok-symbolic"
                                                       : "dialog-warning-symbolic");

  gtk_widget_add_css_class (icon, good ? "success" : css);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  good ? _("Good") : _("Problem"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
}

static void
on_copy_clicked (GtkButton  *button,
                 const char *text)
{
  ic_ui_copy_text (GTK_WIDGET (button), text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), _("Copied"));
}

static void
add_copy_button (GtkWidget  *row,
                 const char *text)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Copy"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Copy fingerprint"), -1);
  g_signal_connect_data (button, "clicked", G_CALLBACK (on_copy_clicked), g_strdup (text),
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
}

static char *
format_day (gint64 seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (seconds);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  /* Translators: a date in the certificate preview, see g_date_time_format */
  return local ? g_date_time_format (local, _("%e %b %Y")) : g_strdup ("?");
}

static char *
plain_names (const IcCertificateReport *report)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; report->names && report->names[i]; i++)
    {
      const char *colon = strchr (report->names[i], ':');

      g_string_append_printf (text, "%s%s", text->len ? ", " : "",
                              colon ? colon + 1 : report->names[i]);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
validity_text (const IcCertificateReport *report)
{
  g_autofree char *from = format_day (report->not_before);
  g_autofree char *to = format_day (report->not_after);
  g_autofree char *left = NULL;

  g_strstrip (from);
  g_strstrip (to);
  if (report->days_left < 0)
    left = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "expired %d day ago",
                                         "expired %d days ago", (gulong) -report->days_left),
                            -report->days_left);
  else if (report->not_before > g_get_real_time () / G_USEC_PER_SEC)
    left = g_strdup (_("not valid yet"));
  else
    left = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day left", "%d days left",
                                         (gulong) report->days_left),
                            report->days_left);
  /* Translators: "21 Nov 2026 – 21 Nov 2027 · 364 days left" */
  return g_strdup_printf (_("%s – %s · %s"), from, to, left);
}

static gboolean
has (const IcCertificateReport *report,
     IcCertProblemKind          kind)
{
  return ic_certificate_report_find (report, kind) != NULL;
}

/* ------------------------------------------------------------ filling */

static void
fill_details (IcCertificatePreview *self)
{
  const IcCertificateReport *report = self->report;
  GtkWidget *row;

  clear_list (self->details_list);
  if (report == NULL || !report->loaded)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->details_list), FALSE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->details_list), TRUE);

  gtk_list_box_append (self->details_list, new_row (_("Subject"), report->subject));
  gtk_list_box_append (self->details_list,
                       new_row (_("Issuer"), report->self_signed
                                               ? _("The certificate itself (self-signed)")
                                               : report->issuer));
  {
    g_autofree char *names = plain_names (report);

    row = new_row (_("Names"), *names ? names : _("None besides the subject"));
    gtk_list_box_append (self->details_list, row);
  }
  {
    g_autofree char *valid = validity_text (report);
    gboolean bad = has (report, IC_CERT_PROBLEM_EXPIRED) || has (report, IC_CERT_PROBLEM_NOT_YET_VALID)
                   || has (report, IC_CERT_PROBLEM_EXPIRES_SOON);

    row = new_row (_("Valid"), valid);
    add_mark (row, !bad, "warning");
    gtk_list_box_append (self->details_list, row);
  }
  {
    g_autofree char *key = g_strdup_printf (_("%s, %u bits"), report->key_type, report->key_bits);

    gtk_list_box_append (self->details_list, new_row (_("Key"), key));
  }
  row = new_row (_("SHA-256 Fingerprint"), report->fingerprint);
  gtk_widget_add_css_class (row, "fingerprint");
  add_copy_button (row, report->fingerprint);
  gtk_list_box_append (self->details_list, row);
  {
    g_autofree char *chain = NULL;

    if (report->chain_length <= 1)
      chain = g_strdup (report->self_signed ? _("1 certificate, self-signed")
                                            : _("1 certificate (no intermediate sent)"));
    else
      chain = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u certificates: the server’s and %u from its chain",
                                            "%u certificates: the server’s and %u from its chain",
                                            report->chain_length),
                               report->chain_length, report->chain_length - 1);
    gtk_list_box_append (self->details_list, new_row (_("Chain"), chain));
  }
  {
    g_autofree char *key = NULL;

    if (report->key_matches)
      key = g_strdup_printf (report->key_encrypted ? _("Matches the certificate · %s (password protected)")
                                                   : _("Matches the certificate · %s"),
                             report->key_file && *report->key_file ? report->key_file
                                                                   : report->file);
    else if (has (report, IC_CERT_PROBLEM_KEY_MISMATCH))
      key = g_strdup (_("Does not match the certificate"));
    else if (has (report, IC_CERT_PROBLEM_PASSWORD_NEEDED))
      key = g_strdup (_("Locked: needs the password"));
    else if (has (report, IC_CERT_PROBLEM_BAD_PASSWORD))
      key = g_strdup (_("Locked: the password is wrong"));
    else
      key = g_strdup (_("Not found"));
    row = new_row (_("Private Key"), key);
    add_mark (row, report->key_matches, "error");
    gtk_list_box_append (self->details_list, row);
  }
  if (report->host != NULL)
    {
      g_autofree char *host = NULL;

      host = g_strdup_printf (report->host_matches ? _("%s is named in the certificate")
                                                   : _("%s is not named in the certificate"),
                              report->host);
      row = new_row (_("Listen Address"), host);
      add_mark (row, report->host_matches, "warning");
      gtk_list_box_append (self->details_list, row);
    }
}

static const char *
severity_icon (IcCertSeverity severity)
{
  switch (severity)
    {
    case IC_CERT_SEVERITY_ERROR:
      return "dialog-error-symbolic";
    case IC_CERT_SEVERITY_WARNING:
      return "dialog-warning-symbolic";
    case IC_CERT_SEVERITY_INFO:
    default:
      return "dialog-information-symbolic";
    }
}

static const char *
severity_css (IcCertSeverity severity)
{
  switch (severity)
    {
    case IC_CERT_SEVERITY_ERROR:
      return "error";
    case IC_CERT_SEVERITY_WARNING:
      return "warning";
    case IC_CERT_SEVERITY_INFO:
    default:
      return "accent";
    }
}

static void
fill_problems (IcCertificatePreview *self)
{
  const IcCertificateReport *report = self->report;

  clear_list (self->problems_list);
  g_ptr_array_set_size (self->problem_titles, 0);
  for (guint i = 0; report && i < report->problems->len; i++)
    {
      const IcCertProblem *problem = g_ptr_array_index (report->problems, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name (severity_icon (problem->severity));
      g_autofree char *fix = NULL;

      g_ptr_array_add (self->problem_titles, g_strdup (problem->title));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), problem->title);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      fix = problem->detail ? g_strdup_printf ("%s\n%s", problem->fix, problem->detail)
                            : g_strdup (problem->fix);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fix);
      gtk_widget_add_css_class (icon, severity_css (problem->severity));
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      problem->severity == IC_CERT_SEVERITY_ERROR ? _("Error")
                                      : problem->severity == IC_CERT_SEVERITY_WARNING ? _("Warning")
                                      : _("Note"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (row, "problem");
      gtk_list_box_append (self->problems_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->problems_list),
                          !self->compact && self->problem_titles->len > 0);
}

static void
update_status (IcCertificatePreview *self)
{
  const IcCertificateReport *report = self->report;
  guint errors = 0, warnings = 0;
  const char *icon = "emblem-ok-symbolic", *css = "success";
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  for (guint i = 0; report && i < report->problems->len; i++)
    {
      const IcCertProblem *problem = g_ptr_array_index (report->problems, i);

      errors += problem->severity == IC_CERT_SEVERITY_ERROR;
      warnings += problem->severity == IC_CERT_SEVERITY_WARNING;
    }

  if (report == NULL)
    {
      title = g_strdup (self->busy ? _("Checking the certificate…") : _("TLS is off"));
      subtitle = g_strdup (self->busy ? "" : _("Turn TLS on to choose a certificate."));
      icon = "channel-insecure-symbolic";
      css = "dim-label";
    }
  else if (errors > 0)
    {
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u problem to fix",
                                            "%u problems to fix", errors), errors);
      subtitle = g_strdup (_("The server cannot start until it is fixed."));
      icon = "dialog-error-symbolic";
      css = "error";
    }
  else if (warnings > 0)
    {
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Ready, with %u warning",
                                            "Ready, with %u warnings", warnings), warnings);
      subtitle = g_strdup (_("The server starts, but clients may refuse the certificate."));
      icon = "dialog-warning-symbolic";
      css = "warning";
    }
  else
    {
      title = g_strdup (_("Ready to serve"));
      if (!report->loaded)
        subtitle = g_strdup (_("The server makes its certificate when it starts."));
      else if (report->self_signed)
        subtitle = g_strdup_printf (_("Clients connecting to %s accept it once they are given "
                                      "the certificate file."), report->host);
      else
        subtitle = g_strdup_printf (_("Clients connecting to %s accept it if they trust its "
                                      "issuer."), report->host);
    }

  gtk_image_set_from_icon_name (self->status_icon, icon);
  ic_ui_set_state_class (GTK_WIDGET (self->status_icon), &self->icon_class, css);
  gtk_stack_set_visible_child_name (self->status_icon_stack, self->busy ? "spinner" : "icon");
  /* a spinning spinner animates (a frame each time) even on a hidden page */
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_label_set_text (self->status_title, title);
  gtk_label_set_text (self->status_subtitle, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->status_subtitle), subtitle && *subtitle);
}

/* ------------------------------------------------------------ public */

void
ic_certificate_preview_set_report (IcCertificatePreview *self,
                                   IcCertificateReport  *report)
{
  g_return_if_fail (IC_IS_CERTIFICATE_PREVIEW (self));

  if (report)
    ic_certificate_report_ref (report);
  g_clear_pointer (&self->report, ic_certificate_report_unref);
  self->report = report;
  fill_problems (self);
  fill_details (self);
  update_status (self);
}

IcCertificateReport *
ic_certificate_preview_get_report (IcCertificatePreview *self)
{
  g_return_val_if_fail (IC_IS_CERTIFICATE_PREVIEW (self), NULL);
  return self->report;
}

void
ic_certificate_preview_set_busy (IcCertificatePreview *self,
                                 gboolean              busy)
{
  g_return_if_fail (IC_IS_CERTIFICATE_PREVIEW (self));
  self->busy = !!busy;
  update_status (self);
}

void
ic_certificate_preview_set_compact (IcCertificatePreview *self,
                                    gboolean              compact)
{
  g_return_if_fail (IC_IS_CERTIFICATE_PREVIEW (self));
  self->compact = !!compact;
  fill_problems (self);
}

const char *
ic_certificate_preview_get_status (IcCertificatePreview *self)
{
  g_return_val_if_fail (IC_IS_CERTIFICATE_PREVIEW (self), NULL);
  return gtk_label_get_text (self->status_title);
}

GStrv
ic_certificate_preview_dup_problem_titles (IcCertificatePreview *self)
{
  GStrvBuilder *builder;
  GStrv titles;

  g_return_val_if_fail (IC_IS_CERTIFICATE_PREVIEW (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->problem_titles->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->problem_titles, i));
  titles = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return titles;
}

/* ------------------------------------------------------------ object */

static void
ic_certificate_preview_dispose (GObject *object)
{
  IcCertificatePreview *self = IC_CERTIFICATE_PREVIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_CERTIFICATE_PREVIEW);
  /* children the template does not bind go too */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (ic_certificate_preview_parent_class)->dispose (object);
}

static void
ic_certificate_preview_finalize (GObject *object)
{
  IcCertificatePreview *self = IC_CERTIFICATE_PREVIEW (object);

  g_clear_pointer (&self->report, ic_certificate_report_unref);
  g_clear_pointer (&self->problem_titles, g_ptr_array_unref);
  G_OBJECT_CLASS (ic_certificate_preview_parent_class)->finalize (object);
}

static void
ic_certificate_preview_class_init (IcCertificatePreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ic_certificate_preview_dispose;
  object_class->finalize = ic_certificate_preview_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inetconsole/Console/ui/ic-certificate-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, IcCertificatePreview, status_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, IcCertificatePreview, spinner);
  gtk_widget_class_bind_template_child (widget_class, IcCertificatePreview, status_icon);
  gtk_widget_class_bind_template_child (widget_class, IcCertificatePreview, status_title);
  gtk_widget_class_bind_template_child (widget_class, IcCertificatePreview, status_subtitle);
  gtk_widget_class_bind_template_child (widget_class, IcCertificatePreview, problems_list);
  gtk_widget_class_bind_template_child (widget_class, IcCertificatePreview, details_list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "certificatepreview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
ic_certificate_preview_init (IcCertificatePreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->problem_titles = g_ptr_array_new_with_free_func (g_free);
  update_status (self);
  fill_details (self);
  fill_problems (self);
}

GtkWidget *
ic_certificate_preview_new (void)
{
  return g_object_new (IC_TYPE_CERTIFICATE_PREVIEW, NULL);
}
