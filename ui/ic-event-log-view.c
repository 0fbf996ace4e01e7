/* ic-event-log-view.c - the live event log view.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-event-log-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>

struct _IcEventLogView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkSearchEntry *search_entry;
  GtkMenuButton *kinds_button;
  GtkDropDown *scope_dropdown;
  GtkToggleButton *pause_toggle;
  GtkStack *stack;
  GtkScrolledWindow *scroller;
  GtkColumnView *column_view;
  GtkLabel *footer_label;

  /* Owned */
  IcEventLog *log;
  GtkFilterListModel *server_filter_model;
  GtkCustomFilter *server_filter;
  GtkNoSelection *selection;
  char *server;
  guint kinds_mask;
  guint scroll_source;
  gboolean follow;
};

G_DEFINE_FINAL_TYPE (IcEventLogView, ic_event_log_view, GTK_TYPE_WIDGET)

/* What a person reads for each kind (the JSON name stays untranslated). */
static const char *
kind_label (IcEventKind kind)
{
  switch (kind)
    {
    case IC_EVENT_START: return C_("event kind", "Start");
    case IC_EVENT_STOP: return C_("event kind", "Stop");
    case IC_EVENT_CONNECT: return C_("event kind", "Connect");
    case IC_EVENT_DISCONNECT: return C_("event kind", "Disconnect");
    case IC_EVENT_TIMEOUT: return C_("event kind", "Timeout");
    case IC_EVENT_REJECT: return C_("event kind", "Reject");
    case IC_EVENT_ERROR: return C_("event kind", "Error");
    case IC_EVENT_IDLE: return C_("event kind", "Idle");
    case IC_EVENT_SUSPEND: return C_("event kind", "Suspend");
    case IC_EVENT_RESUME: return C_("event kind", "Resume");
    case IC_EVENT_RESTART: return C_("event kind", "Restart");
    case IC_EVENT_INFO: return C_("event kind", "Info");
    case IC_EVENT_WARNING: return C_("event kind", "Warning");
    case IC_EVENT_N_KINDS:
    default: return "";
    }
}

static char *
kind_name (gpointer    unused,
           IcEventKind kind)
{
  return g_strdup (kind_label (kind));
}

static GStrv
kind_css_classes (gpointer    unused,
                  IcEventKind kind)
{
  const char *cls;

  switch (kind)
    {
    case IC_EVENT_CONNECT:
    case IC_EVENT_START:
    case IC_EVENT_RESUME:
      cls = "event-good";
      break;
    case IC_EVENT_REJECT:
    case IC_EVENT_TIMEOUT:
    case IC_EVENT_WARNING:
    case IC_EVENT_SUSPEND:
      cls = "event-warning";
      break;
    case IC_EVENT_ERROR:
      cls = "event-error";
      break;
    default:
      cls = "event-plain";
    }
  return g_strdupv ((char *[]) { (char *) "event-kind", (char *) cls, NULL });
}

static char *
format_client_id (gpointer unused,
                  guint    id)
{
  return id ? g_strdup_printf ("%u", id) : g_strdup ("");
}

static void
update_footer (IcEventLogView *self)
{
  g_autofree char *text = NULL;
  guint shown = ic_event_log_view_get_n_shown (self);

  if (self->log == NULL)
    return;
  if (ic_event_log_get_dropped (self->log) > 0)
    {
      g_autofree char *dropped = g_strdup_printf ("%" G_GUINT64_FORMAT,
                                                  ic_event_log_get_dropped (self->log));

      /* Translators: "12 shown · 500 kept · 80 dropped" (events) */
      text = g_strdup_printf (_("%u shown · %u kept · %s dropped"),
                              shown, ic_event_log_get_n_entries (self->log), dropped);
    }
  else
    text = g_strdup_printf (_("%u shown · %u kept"), shown,
                            ic_event_log_get_n_entries (self->log));
  if (ic_event_log_get_paused (self->log))
    {
      char *paused = g_strconcat (text, " · ", _("Paused"), NULL);
      g_free (text);
      text = paused;
    }
  gtk_label_set_text (self->footer_label, text);
  gtk_stack_set_visible_child_name (self->stack, shown ? "list" : "empty");
}

static gboolean
scroll_to_end_cb (gpointer data)
{
  IcEventLogView *self = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scroll_source = 0;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  return G_SOURCE_REMOVE;
}

static void
on_items_changed (IcEventLogView *self)
{
  update_footer (self);
  /* Scroll after the list has been laid out with the new rows. */
  if (self->follow && self->scroll_source == 0)
    self->scroll_source = g_timeout_add_full (G_PRIORITY_LOW, 50, scroll_to_end_cb, self, NULL);
}

static void
on_adjustment_changed (IcEventLogView *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  /* Scrolled up by hand: stop following; back at the end: follow again. */
  self->follow = gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj)
                 >= gtk_adjustment_get_upper (adj) - 40;
}

static gboolean
server_filter_func (gpointer item,
                    gpointer user_data)
{
  IcEventLogView *self = user_data;

  if (self->server == NULL || gtk_drop_down_get_selected (self->scope_dropdown) == 1)
    return TRUE;
  return g_strcmp0 (ic_log_entry_get_server (item), self->server) == 0;
}

static void
apply_filter (IcEventLogView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (self->log)
    ic_event_log_set_filter (self->log, self->kinds_mask, *text ? text : NULL);
}

static void
on_search_changed (IcEventLogView *self)
{
  apply_filter (self);
}

static void
on_kind_toggled (GtkCheckButton *check,
                 IcEventLogView *self)
{
  guint kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "kind"));

  if (gtk_check_button_get_active (check))
    self->kinds_mask |= IC_EVENT_MASK (kind);
  else
    self->kinds_mask &= ~IC_EVENT_MASK (kind);
  apply_filter (self);
}

static void
on_scope_changed (IcEventLogView *self)
{
  gtk_filter_changed (GTK_FILTER (self->server_filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_pause_toggled (IcEventLogView *self)
{
  gboolean paused = gtk_toggle_button_get_active (self->pause_toggle);

  if (self->log)
    ic_event_log_set_paused (self->log, paused);
  if (!paused)
    {
      self->follow = TRUE;
      on_items_changed (self);
    }
  update_footer (self);
}

static void
on_clear_clicked (IcEventLogView *self)
{
  if (self->log)
    ic_event_log_clear (self->log);
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(IcEventLogView) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && self->log)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (!ic_event_log_export (self->log, file, TRUE, NULL, &error))
        {
          GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
          GtkWidget *message = adw_message_dialog_new (GTK_WINDOW (root), _("Export Failed"),
                                                       error->message);

          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (message), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (message));
        }
    }
  g_object_unref (dialog);
}

static void
on_export_clicked (IcEventLogView *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *name = g_date_time_format (now, "inet-console-events-%Y%m%d-%H%M%S.jsonl");

  chooser = gtk_file_chooser_native_new (_("Export Events"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static GtkWidget *
build_kinds_popover (IcEventLogView *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  for (guint kind = 0; kind < IC_EVENT_N_KINDS; kind++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (kind_label (kind));

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      g_object_set_data (G_OBJECT (check), "kind", GUINT_TO_POINTER (kind));
      g_signal_connect (check, "toggled", G_CALLBACK (on_kind_toggled), self);
      gtk_box_append (GTK_BOX (box), check);
    }
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  return popover;
}

void
ic_event_log_view_set_log (IcEventLogView *self,
                           IcEventLog     *log)
{
  g_return_if_fail (IC_IS_EVENT_LOG_VIEW (self));
  g_return_if_fail (log == NULL || IC_IS_EVENT_LOG (log));

  if (self->log == log)
    return;
  if (self->log)
    g_signal_handlers_disconnect_by_data (self->log, self);
  g_set_object (&self->log, log);
  gtk_filter_list_model_set_model (self->server_filter_model, G_LIST_MODEL (log));
  if (log)
    {
      g_signal_connect_object (log, "notify::dropped", G_CALLBACK (update_footer), self,
                               G_CONNECT_SWAPPED);
      gtk_toggle_button_set_active (self->pause_toggle, ic_event_log_get_paused (log));
      apply_filter (self);
    }
  update_footer (self);
}

IcEventLog *
ic_event_log_view_get_log (IcEventLogView *self)
{
  g_return_val_if_fail (IC_IS_EVENT_LOG_VIEW (self), NULL);
  return self->log;
}

void
ic_event_log_view_set_server (IcEventLogView *self,
                              const char     *name)
{
  g_return_if_fail (IC_IS_EVENT_LOG_VIEW (self));

  if (g_strcmp0 (self->server, name) == 0)
    return;
  g_free (self->server);
  self->server = g_strdup (name);
  gtk_filter_changed (GTK_FILTER (self->server_filter), GTK_FILTER_CHANGE_DIFFERENT);
  self->follow = TRUE;
  on_items_changed (self);
}

guint
ic_event_log_view_get_n_shown (IcEventLogView *self)
{
  g_return_val_if_fail (IC_IS_EVENT_LOG_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->server_filter_model));
}

void
ic_event_log_view_focus_search (IcEventLogView *self)
{
  g_return_if_fail (IC_IS_EVENT_LOG_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
ic_event_log_view_dispose (GObject *object)
{
  IcEventLogView *self = IC_EVENT_LOG_VIEW (object);

  g_clear_handle_id (&self->scroll_source, g_source_remove);
  if (self->column_view)
    gtk_column_view_set_model (self->column_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_EVENT_LOG_VIEW);
  /* Children the template does not bind (separators) go too. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->log);

  G_OBJECT_CLASS (ic_event_log_view_parent_class)->dispose (object);
}

static void
ic_event_log_view_finalize (GObject *object)
{
  IcEventLogView *self = IC_EVENT_LOG_VIEW (object);

  g_free (self->server);

  G_OBJECT_CLASS (ic_event_log_view_parent_class)->finalize (object);
}

static void
ic_event_log_view_class_init (IcEventLogViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ic_event_log_view_dispose;
  object_class->finalize = ic_event_log_view_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inetconsole/Console/ui/ic-event-log-view.ui");
  gtk_widget_class_bind_template_child (widget_class, IcEventLogView, search_entry);
  gtk_widget_class_bind_template_child (widget_class, IcEventLogView, kinds_button);
  gtk_widget_class_bind_template_child (widget_class, IcEventLogView, scope_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IcEventLogView, pause_toggle);
  gtk_widget_class_bind_template_child (widget_class, IcEventLogView, stack);
  gtk_widget_class_bind_template_child (widget_class, IcEventLogView, scroller);
  gtk_widget_class_bind_template_child (widget_class, IcEventLogView, column_view);
  gtk_widget_class_bind_template_child (widget_class, IcEventLogView, footer_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked);
  gtk_widget_class_bind_template_callback (widget_class, kind_name);
  gtk_widget_class_bind_template_callback (widget_class, kind_css_classes);
  gtk_widget_class_bind_template_callback (widget_class, format_client_id);

  g_type_ensure (IC_TYPE_LOG_ENTRY);
}

static void
ic_event_log_view_init (IcEventLogView *self)
{
  GtkAdjustment *adj;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->kinds_mask = IC_EVENT_MASK_ALL;
  self->follow = TRUE;
  self->server_filter = gtk_custom_filter_new (server_filter_func, self, NULL);
  self->server_filter_model = gtk_filter_list_model_new (NULL, GTK_FILTER (self->server_filter));
  self->selection = gtk_no_selection_new (G_LIST_MODEL (self->server_filter_model));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->server_filter_model, "items-changed",
                           G_CALLBACK (on_items_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->scope_dropdown, "notify::selected",
                           G_CALLBACK (on_scope_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pause_toggle, "toggled",
                           G_CALLBACK (on_pause_toggled), self, G_CONNECT_SWAPPED);
  adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (on_adjustment_changed), self,
                           G_CONNECT_SWAPPED);
  gtk_menu_button_set_popover (self->kinds_button, build_kinds_popover (self));
  update_footer (self);
}

GtkWidget *
ic_event_log_view_new (void)
{
  return g_object_new (IC_TYPE_EVENT_LOG_VIEW, NULL);
}
