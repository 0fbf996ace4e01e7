/* ic-window.c - the main window.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-window.h"

#include <glib/gi18n.h>

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
};

G_DEFINE_FINAL_TYPE (IcWindow, ic_window, ADW_TYPE_APPLICATION_WINDOW)

static void
on_server_row_selected (IcWindow      *self,
                        GtkListBoxRow *row)
{
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

  return GTK_WINDOW_CLASS (ic_window_parent_class)->close_request (window);
}

static void
ic_window_dispose (GObject *object)
{
  IcWindow *self = IC_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_WINDOW);

  G_OBJECT_CLASS (ic_window_parent_class)->dispose (object);
}

static void
ic_window_finalize (GObject *object)
{
  IcWindow *self = IC_WINDOW (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ic_window_parent_class)->finalize (object);
}

static void
ic_window_class_init (IcWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ic_window_dispose;
  object_class->finalize = ic_window_finalize;
  window_class->close_request = ic_window_close_request;

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
}

static void
ic_window_init (IcWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
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
