/* ic-server-dialog.c - the new/edit server dialog.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-server-dialog.h"

#include <glib/gi18n.h>

#include "ic-service.h"
#include "ic-tls-page.h"

enum { ADDRESS_LOOPBACK, ADDRESS_ANY4, ADDRESS_DUAL, ADDRESS_LOOPBACK6, ADDRESS_OTHER };
static const char *address_presets[] = { "127.0.0.1", "0.0.0.0", "::", "::1" };

struct _IcServerDialog
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwViewSwitcherTitle *switcher_title;
  GtkButton *save_button;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  AdwEntryRow *name_row;
  AdwComboRow *address_row;
  AdwEntryRow *host_row;
  GtkSpinButton *port_spin;
  GtkSpinButton *backlog_spin;
  GtkSpinButton *max_clients_spin;
  GtkSpinButton *timeout_spin;
  AdwComboRow *priority_row;
  GtkSwitch *reuseaddr_switch;
  GtkSwitch *keepalive_switch;
  GtkSwitch *nodelay_switch;
  GtkSwitch *dontroute_switch;
  GtkSpinButton *per_address_spin;
  GtkSpinButton *accept_interval_spin;
  GtkSpinButton *rate_limit_spin;
  GtkSwitch *linger_switch;
  GtkSpinButton *linger_spin;
  GtkSwitch *autostart_switch;
  AdwComboRow *service_row;
  AdwEntryRow *banner_row;
  AdwEntryRow *http_body_row;
  AdwPreferencesGroup *rules_group;
  GtkBox *tls_slot;
  AdwViewStack *view_stack;
  IcTlsPage *tls_page;

  /* Owned */
  IcProfile *base;              /* what the dialog started from (TLS etc. kept) */
  GPtrArray *rule_rows;         /* AdwExpanderRow, in order */
  IcServerList *list;
  IcServer *editing;
};

G_DEFINE_FINAL_TYPE (IcServerDialog, ic_server_dialog, ADW_TYPE_WINDOW)

enum
{
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void validate_inline (IcServerDialog *self);

/* ------------------------------------------------------------- rules */

static const char *
rule_text (GtkWidget  *expander,
           const char *key)
{
  return gtk_editable_get_text (GTK_EDITABLE (g_object_get_data (G_OBJECT (expander), key)));
}

static void
rule_update_title (GtkWidget *expander)
{
  const char *pattern = rule_text (expander, "pattern");
  AdwComboRow *match = g_object_get_data (G_OBJECT (expander), "match");
  GtkStringObject *item = adw_combo_row_get_selected_item (match);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander),
                                 *pattern ? pattern : _("New Rule"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander),
                                 item ? gtk_string_object_get_string (item) : "");
}

static void
on_rule_changed (GtkWidget *expander)
{
  IcServerDialog *self = IC_SERVER_DIALOG (gtk_widget_get_root (expander));

  rule_update_title (expander);
  if (self)
    validate_inline (self);
}

static void
on_remove_rule_clicked (GtkButton *button,
                        GtkWidget *expander)
{
  IcServerDialog *self = IC_SERVER_DIALOG (gtk_widget_get_root (GTK_WIDGET (button)));

  g_ptr_array_remove (self->rule_rows, expander);
  adw_preferences_group_remove (self->rules_group, expander);
  validate_inline (self);
}

static GtkWidget *
add_rule_row (IcServerDialog *self,
              const IcRule   *rule)
{
  static const char *match_names[] = { N_("Contains"), N_("Starts With"), N_("Regular Expression"), NULL };
  GtkWidget *expander, *match, *pattern, *reply, *hex_row, *hex_switch, *remove;
  g_autoptr(GtkStringList) matches = gtk_string_list_new (NULL);

  for (guint i = 0; match_names[i]; i++)
    gtk_string_list_append (matches, _(match_names[i]));

  expander = adw_expander_row_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (expander),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reply rule"), -1);

  match = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (match), _("Match"));
  adw_combo_row_set_model (ADW_COMBO_ROW (match), G_LIST_MODEL (matches));

  pattern = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (pattern), _("Pattern"));
  reply = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (reply), _("Reply"));

  hex_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (hex_row), _("Reply Is Hex"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (hex_row), _("Bytes such as 48 65 6c 6c 6f"));
  hex_switch = gtk_switch_new ();
  gtk_widget_set_valign (hex_switch, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (hex_switch),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reply is hex"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (hex_row), hex_switch);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (hex_row), hex_switch);

  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove Rule"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove rule"), -1);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (expander), remove);

  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), match);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), pattern);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), reply);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), hex_row);

  g_object_set_data (G_OBJECT (expander), "match", match);
  g_object_set_data (G_OBJECT (expander), "pattern", pattern);
  g_object_set_data (G_OBJECT (expander), "reply", reply);
  g_object_set_data (G_OBJECT (expander), "hex", hex_switch);

  if (rule)
    {
      adw_combo_row_set_selected (ADW_COMBO_ROW (match), rule->match);
      gtk_editable_set_text (GTK_EDITABLE (pattern), rule->pattern ? rule->pattern : "");
      gtk_editable_set_text (GTK_EDITABLE (reply), rule->reply ? rule->reply : "");
      gtk_switch_set_active (GTK_SWITCH (hex_switch), rule->reply_is_hex);
    }
  else
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);

  g_signal_connect_swapped (match, "notify::selected", G_CALLBACK (on_rule_changed), expander);
  g_signal_connect_swapped (pattern, "changed", G_CALLBACK (on_rule_changed), expander);
  g_signal_connect_swapped (reply, "changed", G_CALLBACK (on_rule_changed), expander);
  g_signal_connect_swapped (hex_switch, "notify::active", G_CALLBACK (on_rule_changed), expander);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_rule_clicked), expander);

  rule_update_title (expander);
  g_ptr_array_add (self->rule_rows, expander);
  adw_preferences_group_add (self->rules_group, expander);
  return expander;
}

static void
on_add_rule_clicked (IcServerDialog *self)
{
  add_rule_row (self, NULL);
  validate_inline (self);
}

/* ------------------------------------------------------------ fields */

static void
set_spin (GtkSpinButton *spin,
          double         value)
{
  gtk_spin_button_set_value (spin, value);
}

static guint
get_spin (GtkSpinButton *spin)
{
  gtk_spin_button_update (spin);
  return (guint) gtk_spin_button_get_value_as_int (spin);
}

static void
load_profile (IcServerDialog  *self,
              const IcProfile *profile)
{
  const char *host = profile->host ? profile->host : "";
  guint preset = ADDRESS_OTHER;

  if (*host == '\0')
    preset = ADDRESS_ANY4;
  for (guint i = 0; i < G_N_ELEMENTS (address_presets); i++)
    if (g_strcmp0 (host, address_presets[i]) == 0)
      preset = i;

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), profile->name ? profile->name : "");
  adw_combo_row_set_selected (self->address_row, preset);
  gtk_editable_set_text (GTK_EDITABLE (self->host_row), preset == ADDRESS_OTHER ? host : "");
  set_spin (self->port_spin, profile->port);
  set_spin (self->backlog_spin, profile->backlog);
  set_spin (self->max_clients_spin, profile->max_clients);
  set_spin (self->timeout_spin, profile->timeout);
  adw_combo_row_set_selected (self->priority_row, profile->priority);
  gtk_switch_set_active (self->reuseaddr_switch, profile->options & INET_OPTION_REUSEADDR);
  gtk_switch_set_active (self->keepalive_switch, profile->options & INET_OPTION_KEEPALIVE);
  gtk_switch_set_active (self->nodelay_switch, profile->options & INET_OPTION_NODELAY);
  gtk_switch_set_active (self->dontroute_switch, profile->options & INET_OPTION_DONTROUTE);
  set_spin (self->per_address_spin, profile->max_per_address);
  set_spin (self->accept_interval_spin, profile->accept_interval);
  set_spin (self->rate_limit_spin, profile->rate_limit);
  gtk_switch_set_active (self->linger_switch, profile->linger >= 0);
  set_spin (self->linger_spin, MAX (profile->linger, 0));
  gtk_switch_set_active (self->autostart_switch, profile->autostart);
  adw_combo_row_set_selected (self->service_row, profile->service);
  gtk_editable_set_text (GTK_EDITABLE (self->banner_row), profile->banner ? profile->banner : "");
  gtk_editable_set_text (GTK_EDITABLE (self->http_body_row),
                         profile->http_body ? profile->http_body : "");
  for (guint i = 0; profile->rules && i < profile->rules->len; i++)
    add_rule_row (self, g_ptr_array_index (profile->rules, i));
  ic_tls_page_set_profile (self->tls_page, profile);
}

static const char *
field_host (IcServerDialog *self)
{
  guint preset = adw_combo_row_get_selected (self->address_row);

  if (preset < G_N_ELEMENTS (address_presets))
    return address_presets[preset];
  return gtk_editable_get_text (GTK_EDITABLE (self->host_row));
}

IcProfile *
ic_server_dialog_dup_profile (IcServerDialog *self)
{
  IcProfile *profile;
  guint options;

  g_return_val_if_fail (IC_IS_SERVER_DIALOG (self), NULL);

  profile = ic_profile_copy (self->base);
  g_free (profile->name);
  profile->name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_free (profile->host);
  profile->host = g_strstrip (g_strdup (field_host (self)));
  profile->port = get_spin (self->port_spin);
  profile->backlog = get_spin (self->backlog_spin);
  profile->max_clients = get_spin (self->max_clients_spin);
  profile->timeout = get_spin (self->timeout_spin);
  profile->priority = adw_combo_row_get_selected (self->priority_row);

  options = profile->options & ~(guint) (INET_OPTION_REUSEADDR | INET_OPTION_KEEPALIVE
                                         | INET_OPTION_NODELAY | INET_OPTION_DONTROUTE);
  if (gtk_switch_get_active (self->reuseaddr_switch))
    options |= INET_OPTION_REUSEADDR;
  if (gtk_switch_get_active (self->keepalive_switch))
    options |= INET_OPTION_KEEPALIVE;
  if (gtk_switch_get_active (self->nodelay_switch))
    options |= INET_OPTION_NODELAY;
  if (gtk_switch_get_active (self->dontroute_switch))
    options |= INET_OPTION_DONTROUTE;
  profile->options = options;

  profile->max_per_address = get_spin (self->per_address_spin);
  profile->accept_interval = get_spin (self->accept_interval_spin);
  profile->rate_limit = get_spin (self->rate_limit_spin);
  profile->linger = gtk_switch_get_active (self->linger_switch) ? (int) get_spin (self->linger_spin) : -1;
  profile->autostart = gtk_switch_get_active (self->autostart_switch);

  profile->service = adw_combo_row_get_selected (self->service_row);
  g_free (profile->banner);
  profile->banner = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->banner_row)));
  g_free (profile->http_body);
  profile->http_body = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->http_body_row)));
  if (*profile->http_body == '\0')
    g_clear_pointer (&profile->http_body, g_free);

  g_ptr_array_set_size (profile->rules, 0);
  for (guint i = 0; i < self->rule_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rule_rows, i);
      AdwComboRow *match = g_object_get_data (G_OBJECT (row), "match");
      GtkSwitch *hex = g_object_get_data (G_OBJECT (row), "hex");

      g_ptr_array_add (profile->rules,
                       ic_rule_new (adw_combo_row_get_selected (match), rule_text (row, "pattern"),
                                    rule_text (row, "reply"), gtk_switch_get_active (hex)));
    }
  ic_tls_page_apply (self->tls_page, profile);
  return profile;
}

static gboolean
name_is_valid (const char *name)
{
  if (name[0] == '\0' || name[0] == '.' || name[0] == ' ' || g_utf8_strlen (name, -1) > 64)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr ("-_. ", *p))
      return FALSE;
  return TRUE;
}

static gboolean
host_is_valid (const char *host)
{
  if (g_hostname_is_ip_address (host))
    return TRUE;
  if (*host == '\0' || strlen (host) > 253)
    return FALSE;
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/* Marks widget as wrong (or right) and remembers the first problem. */
static void
mark (GtkWidget   *widget,
      gboolean     bad,
      const char  *message,
      char       **first)
{
  if (bad)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");
  if (bad && *first == NULL)
    *first = g_strdup (message);
}

static char *
check_fields (IcServerDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  g_autofree char *stripped = g_strstrip (g_strdup (name));
  char *first = NULL;
  gboolean other = adw_combo_row_get_selected (self->address_row) == ADDRESS_OTHER;
  const char *host = gtk_editable_get_text (GTK_EDITABLE (self->host_row));
  gboolean taken = FALSE;

  if (self->list && *stripped && name_is_valid (stripped))
    {
      IcServer *owner = ic_server_list_lookup (self->list, stripped);
      taken = owner != NULL && owner != self->editing;
    }

  {
    const char *name_problem = NULL;

    if (*stripped == '\0')
      name_problem = _("Give the server a name.");
    else if (!name_is_valid (stripped))
      name_problem = _("A name may use letters, digits, spaces, - _ and . (not first), up to 64 characters.");
    else if (taken)
      name_problem = _("Another server already has this name.");
    mark (GTK_WIDGET (self->name_row), name_problem != NULL, name_problem, &first);
  }
  {
    g_autofree char *host_stripped = g_strstrip (g_strdup (host));

    mark (GTK_WIDGET (self->host_row), other && !host_is_valid (host_stripped),
          _("Type a local IPv4 or IPv6 address, or a host name."), &first);
  }

  for (guint i = 0; i < self->rule_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rule_rows, i);
      AdwComboRow *match = g_object_get_data (G_OBJECT (row), "match");
      GtkSwitch *hex = g_object_get_data (G_OBJECT (row), "hex");
      GtkWidget *pattern = g_object_get_data (G_OBJECT (row), "pattern");
      GtkWidget *reply = g_object_get_data (G_OBJECT (row), "reply");
      const char *pattern_text = rule_text (row, "pattern");
      gboolean bad_pattern = *pattern_text == '\0';
      gboolean bad_reply = FALSE;

      if (!bad_pattern && adw_combo_row_get_selected (match) == IC_RULE_REGEX)
        {
          g_autoptr(GRegex) regex = g_regex_new (pattern_text, G_REGEX_RAW, 0, NULL);
          bad_pattern = regex == NULL;
        }
      if (gtk_switch_get_active (hex))
        {
          g_autoptr(GBytes) bytes = ic_hex_parse (rule_text (row, "reply"), NULL);
          bad_reply = bytes == NULL;
        }
      mark (pattern, bad_pattern, _("A reply rule needs a pattern (a valid regular expression for “Regular Expression”)."), &first);
      mark (reply, bad_reply, _("A hex reply must be pairs of hex digits, such as 0d 0a."), &first);
      mark (row, bad_pattern || bad_reply, NULL, &first);
    }
  if (first == NULL)
    first = ic_tls_page_dup_problem (self->tls_page);
  return first;
}

gboolean
ic_server_dialog_validate (IcServerDialog  *self,
                           GError         **error)
{
  g_autofree char *problem = NULL;
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (IC_IS_SERVER_DIALOG (self), FALSE);

  problem = check_fields (self);
  if (problem)
    {
      g_set_error_literal (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_INVALID, problem);
      return FALSE;
    }
  /* The shared rules have the last word (the CLI reads the same file). */
  profile = ic_server_dialog_dup_profile (self);
  if (!ic_profile_validate (profile, &local))
    {
      g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_INVALID,
                   _("This profile cannot be saved: %s"), local->message);
      return FALSE;
    }
  return TRUE;
}

static void
validate_inline (IcServerDialog *self)
{
  g_autoptr(GError) error = NULL;
  gboolean valid = ic_server_dialog_validate (self, &error);

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), valid);
  if (!valid)
    gtk_label_set_text (self->error_label, error->message);
  gtk_revealer_set_reveal_child (self->error_revealer, !valid);
}

static void
update_visibility (IcServerDialog *self)
{
  IcServiceKind service = adw_combo_row_get_selected (self->service_row);

  gtk_widget_set_visible (GTK_WIDGET (self->host_row),
                          adw_combo_row_get_selected (self->address_row) == ADDRESS_OTHER);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_row), service == IC_SERVICE_BANNER);
  gtk_widget_set_visible (GTK_WIDGET (self->http_body_row), service == IC_SERVICE_HTTP);
  gtk_widget_set_sensitive (GTK_WIDGET (self->linger_spin), gtk_switch_get_active (self->linger_switch));
}

static void
on_field_changed (IcServerDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *host = g_strstrip (g_strdup (field_host (self)));

  update_visibility (self);
  ic_tls_page_set_listen_host (self->tls_page, host);
  ic_tls_page_set_server_name (self->tls_page, name);
  validate_inline (self);
}

/* A dot on the TLS tab while the certificate has a problem that stops the
 * server from starting. */
static void
on_tls_report_changed (IcServerDialog *self)
{
  IcCertificateReport *report = ic_tls_page_get_report (self->tls_page);
  AdwViewStackPage *page = adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->tls_slot));

  adw_view_stack_page_set_needs_attention (page, report && ic_certificate_report_has_errors (report));
}

gboolean
ic_server_dialog_save (IcServerDialog *self)
{
  g_autoptr(IcProfile) profile = NULL;

  g_return_val_if_fail (IC_IS_SERVER_DIALOG (self), FALSE);

  validate_inline (self);
  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->save_button)))
    return FALSE;

  profile = ic_server_dialog_dup_profile (self);
  g_signal_emit (self, signals[SAVED], 0, profile);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

void
ic_server_dialog_show_page (IcServerDialog *self,
                            const char     *name)
{
  g_return_if_fail (IC_IS_SERVER_DIALOG (self));
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

GtkWidget *
ic_server_dialog_get_tls_page (IcServerDialog *self)
{
  g_return_val_if_fail (IC_IS_SERVER_DIALOG (self), NULL);
  return GTK_WIDGET (self->tls_page);
}

static void
on_save_clicked (IcServerDialog *self)
{
  ic_server_dialog_save (self);
}

static void
connect_changes (IcServerDialog *self)
{
  GObject *editables[] = { G_OBJECT (self->name_row), G_OBJECT (self->host_row),
                           G_OBJECT (self->banner_row), G_OBJECT (self->http_body_row) };
  GObject *spins[] = { G_OBJECT (self->port_spin), G_OBJECT (self->backlog_spin),
                       G_OBJECT (self->max_clients_spin), G_OBJECT (self->timeout_spin),
                       G_OBJECT (self->per_address_spin), G_OBJECT (self->accept_interval_spin),
                       G_OBJECT (self->rate_limit_spin), G_OBJECT (self->linger_spin) };

  for (guint i = 0; i < G_N_ELEMENTS (editables); i++)
    g_signal_connect_swapped (editables[i], "changed", G_CALLBACK (on_field_changed), self);
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    g_signal_connect_swapped (spins[i], "value-changed", G_CALLBACK (on_field_changed), self);
  g_signal_connect_swapped (self->address_row, "notify::selected", G_CALLBACK (on_field_changed), self);
  g_signal_connect_swapped (self->service_row, "notify::selected", G_CALLBACK (on_field_changed), self);
  g_signal_connect_swapped (self->linger_switch, "notify::active", G_CALLBACK (on_field_changed), self);
  g_signal_connect_swapped (self->tls_page, "changed", G_CALLBACK (on_field_changed), self);
  g_signal_connect_swapped (self->tls_page, "report-changed", G_CALLBACK (on_tls_report_changed),
                            self);
}

static void
ic_server_dialog_dispose (GObject *object)
{
  IcServerDialog *self = IC_SERVER_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_SERVER_DIALOG);

  G_OBJECT_CLASS (ic_server_dialog_parent_class)->dispose (object);
}

static void
ic_server_dialog_finalize (GObject *object)
{
  IcServerDialog *self = IC_SERVER_DIALOG (object);

  g_clear_pointer (&self->base, ic_profile_free);
  g_clear_pointer (&self->rule_rows, g_ptr_array_unref);
  g_clear_object (&self->list);
  g_clear_object (&self->editing);

  G_OBJECT_CLASS (ic_server_dialog_parent_class)->finalize (object);
}

static void
ic_server_dialog_class_init (IcServerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ic_server_dialog_dispose;
  object_class->finalize = ic_server_dialog_finalize;

  /* IcServerDialog::saved: (profile: IcProfile) the profile to save. */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, IC_TYPE_PROFILE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inetconsole/Console/ui/ic-server-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, IcServerDialog, name)
  BIND (switcher_title);
  BIND (save_button);
  BIND (error_revealer);
  BIND (error_label);
  BIND (name_row);
  BIND (address_row);
  BIND (host_row);
  BIND (port_spin);
  BIND (backlog_spin);
  BIND (max_clients_spin);
  BIND (timeout_spin);
  BIND (priority_row);
  BIND (reuseaddr_switch);
  BIND (keepalive_switch);
  BIND (nodelay_switch);
  BIND (dontroute_switch);
  BIND (per_address_spin);
  BIND (accept_interval_spin);
  BIND (rate_limit_spin);
  BIND (linger_switch);
  BIND (linger_spin);
  BIND (autostart_switch);
  BIND (service_row);
  BIND (banner_row);
  BIND (http_body_row);
  BIND (rules_group);
  BIND (tls_slot);
  BIND (view_stack);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ic_server_dialog_init (IcServerDialog *self)
{
  GtkWidget *button;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->rule_rows = g_ptr_array_new ();
  self->tls_page = IC_TLS_PAGE (ic_tls_page_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->tls_page), TRUE);
  gtk_box_append (self->tls_slot, GTK_WIDGET (self->tls_page));

  button = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Add Rule"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Add reply rule"), -1);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_add_rule_clicked), self);
  adw_preferences_group_set_header_suffix (self->rules_group, button);
}

IcServerDialog *
ic_server_dialog_new (GtkWindow       *parent,
                      const IcProfile *profile,
                      IcServerList    *list,
                      IcServer        *editing)
{
  IcServerDialog *self;

  self = g_object_new (IC_TYPE_SERVER_DIALOG,
                       "transient-for", parent,
                       "title", profile ? _("Edit Server") : _("New Server"),
                       NULL);
  g_set_object (&self->list, list);
  g_set_object (&self->editing, editing);
  adw_view_switcher_title_set_title (self->switcher_title,
                                     editing ? _("Edit Server") : _("New Server"));
  gtk_button_set_label (self->save_button, editing ? _("_Save") : _("_Create"));

  if (profile)
    self->base = ic_profile_copy (profile);
  else
    {
      self->base = ic_profile_new ();
      self->base->options = INET_OPTION_REUSEADDR;
      self->base->timeout = 0;
      if (list)
        self->base->name = ic_server_list_make_unique_name (list, _("Echo Server"));
      else
        self->base->name = g_strdup (_("Echo Server"));
    }
  load_profile (self, self->base);
  connect_changes (self);
  update_visibility (self);
  validate_inline (self);
  return self;
}
