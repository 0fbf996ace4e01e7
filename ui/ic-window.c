/* ic-window.c - the main window: servers in a sidebar, actions with
 * accelerators, the page of the selected server.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-window.h"

#include <glib/gi18n.h>

#include "ic-server-dialog.h"
#include "ic-server-row.h"

struct _IcWindow
{
  AdwApplicationWindow parent_instance;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  GtkStack *sidebar_stack;
  GtkListBox *server_list;
  GtkStack *content_stack;
  GtkStack *server_stack;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar *switcher_bar;
  GtkMenuButton *server_menu_button;

  /* Owned */
  GSettings *settings;
  IcServerList *list;
  IcServerPage *page;
  IcServer *selected;
  guint save_source;
};

G_DEFINE_FINAL_TYPE (IcWindow, ic_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_SERVER_LIST,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
toast (IcWindow   *self,
       const char *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
set_action_enabled (IcWindow   *self,
                    const char *name,
                    gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  if (action)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* One place decides which server and client actions make sense now. */
static void
update_actions (IcWindow *self)
{
  IcServerStatus status = self->selected ? ic_server_get_status (self->selected) : IC_SERVER_STOPPED;
  gboolean have = self->selected != NULL;
  gboolean stable = status == IC_SERVER_LISTENING || status == IC_SERVER_SUSPENDED;
  IcClient *client = ic_server_page_get_selected_client (self->page);
  gboolean connected = client && ic_client_get_state (client) == IC_CLIENT_CONNECTED;

  set_action_enabled (self, "edit-server", have);
  set_action_enabled (self, "duplicate-server", have);
  set_action_enabled (self, "remove-server", have);
  set_action_enabled (self, "start", have && (status == IC_SERVER_STOPPED || status == IC_SERVER_FAILED));
  set_action_enabled (self, "stop", have && stable);
  set_action_enabled (self, "restart", have && stable);
  set_action_enabled (self, "suspend", have && status == IC_SERVER_LISTENING);
  set_action_enabled (self, "resume", have && status == IC_SERVER_SUSPENDED);
  set_action_enabled (self, "show-page", have);
  set_action_enabled (self, "find", have);
  set_action_enabled (self, "copy-client-command", have && stable);
  set_action_enabled (self, "disconnect-client", connected);
  set_action_enabled (self, "abort-client", connected);
  set_action_enabled (self, "toggle-client-reading", connected);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_menu_button), have);
}

/* ---------------------------------------------------------- profiles */

static gboolean
save_profiles_cb (gpointer data)
{
  IcWindow *self = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));

  self->save_source = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(IcServer) server = g_list_model_get_item (G_LIST_MODEL (self->list), i);
      g_autoptr(GError) error = NULL;

      if (!ic_server_list_save (self->list, server, &error))
        g_warning ("Could not save the profile of %s: %s", ic_server_get_name (server),
                   error->message);
    }
  return G_SOURCE_REMOVE;
}

/* Limits changed live are written a moment later, not on every slider step. */
static void
queue_save (IcWindow *self)
{
  if (self->save_source == 0)
    self->save_source = g_timeout_add_seconds (1, save_profiles_cb, self);
}

/* ----------------------------------------------------------- sidebar */

static GtkWidget *
create_server_row (gpointer item,
                   gpointer user_data)
{
  IcWindow *self = user_data;
  static const char *limits[] = { "notify::max-clients", "notify::max-per-address",
                                  "notify::accept-interval", "notify::rate-limit",
                                  "notify::priority" };

  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    g_signal_connect_object (item, limits[i], G_CALLBACK (queue_save), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (item, "notify::status", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  return ic_server_row_new (item);
}

static void
on_list_items_changed (IcWindow *self,
                       guint     position,
                       guint     removed,
                       guint     added)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));

  gtk_stack_set_visible_child_name (self->sidebar_stack, n ? "list" : "empty");
  gtk_stack_set_visible_child_name (self->content_stack, n ? "servers" : "empty");
  adw_view_switcher_title_set_stack (self->switcher_title,
                                     n ? ic_server_page_get_view_stack (self->page) : NULL);
  adw_view_switcher_bar_set_stack (self->switcher_bar,
                                   n ? ic_server_page_get_view_stack (self->page) : NULL);
  if (n && gtk_list_box_get_selected_row (self->server_list) == NULL)
    gtk_list_box_select_row (self->server_list,
                             gtk_list_box_get_row_at_index (self->server_list, MIN (position, n - 1)));
  if (n == 0)
    ic_window_select_server (self, NULL);
}

/* The selected server's name in the header and in the settings (on
 * selection and after a rename). */
static void
show_selected_name (IcWindow *self)
{
  const char *name = self->selected ? ic_server_get_name (self->selected) : NULL;

  adw_view_switcher_title_set_subtitle (self->switcher_title, name);
  if (name)
    g_settings_set_string (self->settings, "last-server", name);
}

static void
on_server_row_selected (IcWindow      *self,
                        GtkListBoxRow *row)
{
  IcServer *server = row ? ic_server_row_get_server (IC_SERVER_ROW (row)) : NULL;

  g_set_object (&self->selected, server);
  ic_server_page_set_server (self->page, server);
  show_selected_name (self);
  update_actions (self);
}

static void
on_server_row_activated (IcWindow      *self,
                         GtkListBoxRow *row)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
on_back_clicked (IcWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

void
ic_window_select_server (IcWindow *self,
                         IcServer *server)
{
  guint n;

  g_return_if_fail (IC_IS_WINDOW (self));

  if (server == NULL)
    {
      gtk_list_box_unselect_all (self->server_list);
      on_server_row_selected (self, NULL);
      return;
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->server_list, i);

      if (row && ic_server_row_get_server (IC_SERVER_ROW (row)) == server)
        gtk_list_box_select_row (self->server_list, row);
    }
}

/* ----------------------------------------------------------- actions */

static void
on_dialog_saved (IcServerDialog *dialog,
                 IcProfile      *profile,
                 IcWindow       *self)
{
  g_autoptr(GError) error = NULL;
  IcServer *editing = g_object_get_data (G_OBJECT (dialog), "editing");

  if (editing == NULL)
    {
      IcServer *server = ic_server_list_add (self->list, profile, &error);

      if (server == NULL)
        {
          toast (self, error->message);
          return;
        }
      ic_window_select_server (self, server);
      return;
    }

  if (g_strcmp0 (ic_server_get_name (editing), profile->name) != 0
      && !ic_server_list_rename (self->list, editing, profile->name, &error))
    {
      toast (self, error->message);
      return;
    }
  ic_server_set_profile (editing, profile);
  if (editing == self->selected)
    show_selected_name (self);
  if (!ic_server_list_save (self->list, editing, &error))
    toast (self, error->message);
  else if (ic_server_get_running (editing))
    {
      AdwToast *restart = adw_toast_new (_("Address, service and options apply at the next restart"));

      adw_toast_set_button_label (restart, _("_Restart"));
      adw_toast_set_action_name (restart, "win.restart");
      adw_toast_overlay_add_toast (self->toast_overlay, restart);
    }
}

GtkWindow *
ic_window_open_server_dialog (IcWindow *self,
                              gboolean  edit)
{
  IcServerDialog *dialog;
  IcServer *editing = edit ? self->selected : NULL;

  g_return_val_if_fail (IC_IS_WINDOW (self), NULL);

  if (edit && editing == NULL)
    return NULL;
  dialog = ic_server_dialog_new (GTK_WINDOW (self),
                                 editing ? ic_server_get_profile (editing) : NULL,
                                 self->list, editing);
  if (editing)
    g_object_set_data_full (G_OBJECT (dialog), "editing", g_object_ref (editing), g_object_unref);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (on_dialog_saved), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
add_server_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  ic_window_open_server_dialog (user_data, FALSE);
}

static void
edit_server_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ic_window_open_server_dialog (user_data, TRUE);
}

static void
duplicate_server_activated (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  IcWindow *self = user_data;
  g_autoptr(IcProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  IcServer *copy;

  if (self->selected == NULL)
    return;
  profile = ic_server_dup_profile (self->selected);
  g_free (profile->name);
  profile->name = ic_server_list_make_unique_name (self->list, ic_server_get_name (self->selected));
  profile->autostart = FALSE;
  copy = ic_server_list_add (self->list, profile, &error);
  if (copy == NULL)
    toast (self, error->message);
  else
    ic_window_select_server (self, copy);
}

static void
on_remove_response (AdwMessageDialog *dialog,
                    const char       *response,
                    IcWindow         *self)
{
  IcServer *server = g_object_get_data (G_OBJECT (dialog), "server");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "remove") != 0 || server == NULL)
    return;
  if (!ic_server_list_remove (self->list, server, TRUE, &error))
    toast (self, error->message);
}

static void
remove_server_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  IcWindow *self = user_data;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  if (self->selected == NULL)
    return;
  heading = g_strdup_printf (_("Remove “%s”?"), ic_server_get_name (self->selected));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                   ic_server_get_running (self->selected)
                                   ? _("The server is stopped, every client is disconnected and its saved profile is deleted.")
                                   : _("Its saved profile is deleted."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "server", g_object_ref (self->selected),
                          g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_start_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(IcWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* a stop (closing the window) meanwhile is no news */
  if (!ic_server_start_finish (IC_SERVER (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("Could not start: %s"), error->message);
      toast (self, text);
    }
  update_actions (self);
}

static void
start_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  IcWindow *self = user_data;

  /* certificate and key files are read off the main thread */
  if (self->selected)
    ic_server_start_async (self->selected, NULL, on_start_done, g_object_ref (self));
  update_actions (self);
}

static void
on_stop_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(IcWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ic_server_stop_finish (IC_SERVER (source), result, &error))
    toast (self, error->message);
  update_actions (self);
}

static void
stop_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  IcWindow *self = user_data;

  if (self->selected)
    ic_server_stop_async (self->selected, NULL, on_stop_done, g_object_ref (self));
  update_actions (self);
}

static void
on_restart_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(IcWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ic_server_restart_finish (IC_SERVER (source), result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not restart: %s"), error->message);
      toast (self, text);
    }
  update_actions (self);
}

static void
restart_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  IcWindow *self = user_data;

  if (self->selected)
    ic_server_restart_async (self->selected, NULL, on_restart_done, g_object_ref (self));
  update_actions (self);
}

static void
suspend_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  IcWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->selected && !ic_server_suspend (self->selected, &error))
    toast (self, error->message);
  update_actions (self);
}

static void
resume_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  IcWindow *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->selected && !ic_server_resume (self->selected, &error))
    toast (self, error->message);
  update_actions (self);
}

static void
show_page_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  IcWindow *self = user_data;

  adw_view_stack_set_visible_child_name (ic_server_page_get_view_stack (self->page),
                                         g_variant_get_string (parameter, NULL));
}

static void
find_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  ic_server_page_focus_search (IC_WINDOW (user_data)->page);
}

static void
disconnect_client_activated (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  IcClient *client = ic_server_page_get_selected_client (IC_WINDOW (user_data)->page);

  if (client)
    ic_client_disconnect (client);
}

static void
abort_client_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  IcClient *client = ic_server_page_get_selected_client (IC_WINDOW (user_data)->page);

  if (client)
    ic_client_abort (client);
}

static void
toggle_client_reading_activated (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  IcWindow *self = user_data;
  IcClient *client = ic_server_page_get_selected_client (self->page);
  g_autoptr(GError) error = NULL;

  if (client && !ic_client_set_paused (client, !ic_client_get_paused (client), &error))
    toast (self, error->message);
}

/* A ready openssl s_client / curl (or nc) command line for this server. */
static void
copy_client_command_activated (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  IcWindow *self = user_data;

  if (!ic_server_tls_view_copy_command (ic_server_page_get_tls_view (self->page)))
    toast (self, _("Start the server first: the command needs its port"));
}

static const GActionEntry win_actions[] = {
  { "add-server", add_server_activated },
  { "edit-server", edit_server_activated },
  { "duplicate-server", duplicate_server_activated },
  { "remove-server", remove_server_activated },
  { "start", start_activated },
  { "stop", stop_activated },
  { "restart", restart_activated },
  { "suspend", suspend_activated },
  { "resume", resume_activated },
  { "show-page", show_page_activated, "s" },
  { "find", find_activated },
  { "disconnect-client", disconnect_client_activated },
  { "abort-client", abort_client_activated },
  { "toggle-client-reading", toggle_client_reading_activated },
  { "copy-client-command", copy_client_command_activated },
};

/* ------------------------------------------------------------ window */

static void
save_window_state (IcWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
ic_window_close_request (GtkWindow *window)
{
  IcWindow *self = IC_WINDOW (window);

  save_window_state (self);
  /* Every client gets its disconnect before the window goes. */
  if (self->list)
    {
      ic_server_list_stop_all (self->list);
      g_clear_handle_id (&self->save_source, g_source_remove);
      save_profiles_cb (self);
    }

  return GTK_WINDOW_CLASS (ic_window_parent_class)->close_request (window);
}

static void
ic_window_constructed (GObject *object)
{
  IcWindow *self = IC_WINDOW (object);
  g_autofree char *last = NULL;
  IcServer *initial = NULL;

  G_OBJECT_CLASS (ic_window_parent_class)->constructed (object);

  if (self->list == NULL)
    {
      g_auto(GStrv) bad = NULL;
      g_autoptr(GError) error = NULL;

      self->list = ic_server_list_new (NULL, NULL);
      if (!ic_server_list_load (self->list, &bad, &error))
        g_warning ("Could not read the saved servers: %s", error->message);
      if (bad && bad[0])
        {
          g_autofree char *names = g_strjoinv (", ", bad);
          g_autofree char *text = g_strdup_printf (_("Some saved servers could not be read: %s"), names);
          toast (self, text);
        }
      ic_server_list_start_autostart (self->list);
    }

  ic_server_page_set_log (self->page, ic_server_list_get_log (self->list));
  gtk_list_box_bind_model (self->server_list, G_LIST_MODEL (self->list), create_server_row,
                           self, NULL);
  g_signal_connect_object (self->list, "items-changed", G_CALLBACK (on_list_items_changed),
                           self, G_CONNECT_SWAPPED);

  last = g_settings_get_string (self->settings, "last-server");
  if (*last)
    initial = ic_server_list_lookup (self->list, last);
  on_list_items_changed (self, 0, 0, 0);
  if (initial)
    ic_window_select_server (self, initial);
  update_actions (self);
}

static void
ic_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  IcWindow *self = IC_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SERVER_LIST:
      g_value_set_object (value, self->list);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  IcWindow *self = IC_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SERVER_LIST:
      self->list = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_window_dispose (GObject *object)
{
  IcWindow *self = IC_WINDOW (object);

  g_clear_handle_id (&self->save_source, g_source_remove);
  if (self->list)
    g_signal_handlers_disconnect_by_data (self->list, self);
  if (self->server_list)
    gtk_list_box_bind_model (self->server_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->selected);
  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_WINDOW);

  G_OBJECT_CLASS (ic_window_parent_class)->dispose (object);
}

static void
ic_window_finalize (GObject *object)
{
  IcWindow *self = IC_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->list);

  G_OBJECT_CLASS (ic_window_parent_class)->finalize (object);
}

static void
ic_window_class_init (IcWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = ic_window_constructed;
  object_class->dispose = ic_window_dispose;
  object_class->finalize = ic_window_finalize;
  object_class->get_property = ic_window_get_property;
  object_class->set_property = ic_window_set_property;
  window_class->close_request = ic_window_close_request;

  properties[PROP_SERVER_LIST] =
    g_param_spec_object ("server-list", NULL, NULL, IC_TYPE_SERVER_LIST,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/inetconsole/Console/ui/ic-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IcWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, IcWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, IcWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, IcWindow, server_list);
  gtk_widget_class_bind_template_child (widget_class, IcWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, IcWindow, server_stack);
  gtk_widget_class_bind_template_child (widget_class, IcWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, IcWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, IcWindow, server_menu_button);
  gtk_widget_class_bind_template_callback (widget_class, on_server_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_server_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);

  g_type_ensure (IC_TYPE_SERVER_PAGE);
}

/* The installed schema, else the one compiled in the build tree (the
 * console run from there: tools/run-console, build/app/console/...). */
static GSettings *
window_settings_new (void)
{
  GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) built = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  if (installed != NULL)
    schema = g_settings_schema_source_lookup (installed, APP_ID, TRUE);
  if (schema == NULL)
    {
      built = g_settings_schema_source_new_from_directory (BUILD_SCHEMA_DIR, installed, FALSE,
                                                           NULL);
      if (built != NULL)
        schema = g_settings_schema_source_lookup (built, APP_ID, FALSE);
    }
  if (schema == NULL)
    g_error ("The settings schema %s is neither installed nor built in %s", APP_ID,
             BUILD_SCHEMA_DIR);
  return g_settings_new_full (schema, NULL, NULL);
}

static void
ic_window_init (IcWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions),
                                   self);

  self->page = IC_SERVER_PAGE (ic_server_page_new ());
  gtk_stack_add_named (self->server_stack, GTK_WIDGET (self->page), "page");

  self->settings = window_settings_new ();
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

IcWindow *
ic_window_new (IcApplication *app)
{
  return g_object_new (IC_TYPE_WINDOW, "application", app, NULL);
}

IcWindow *
ic_window_new_with_list (IcApplication *app,
                         IcServerList  *list)
{
  g_return_val_if_fail (IC_IS_SERVER_LIST (list), NULL);
  return g_object_new (IC_TYPE_WINDOW, "application", app, "server-list", list, NULL);
}

IcServerList *
ic_window_get_server_list (IcWindow *self)
{
  g_return_val_if_fail (IC_IS_WINDOW (self), NULL);
  return self->list;
}

IcServerPage *
ic_window_get_page (IcWindow *self)
{
  g_return_val_if_fail (IC_IS_WINDOW (self), NULL);
  return self->page;
}

IcServer *
ic_window_get_selected_server (IcWindow *self)
{
  g_return_val_if_fail (IC_IS_WINDOW (self), NULL);
  return self->selected;
}
