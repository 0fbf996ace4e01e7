/* ic-server-row.c - a server in the sidebar.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-server-row.h"

#include <glib/gi18n.h>

struct _IcServerRow
{
  GtkListBoxRow parent_instance;

  /* Template widgets */
  GtkWidget *status_dot;
  GtkLabel *name_label;
  GtkLabel *subtitle_label;
  GtkWidget *tls_icon;
  GtkLabel *clients_label;

  /* Owned */
  IcServer *server;
  const char *status_class;
};

G_DEFINE_FINAL_TYPE (IcServerRow, ic_server_row, GTK_TYPE_LIST_BOX_ROW)

const char *
ic_server_status_to_label (IcServerStatus status)
{
  switch (status)
    {
    case IC_SERVER_STOPPED:
      return C_("server status", "Stopped");
    case IC_SERVER_STARTING:
      return C_("server status", "Starting");
    case IC_SERVER_LISTENING:
      return C_("server status", "Listening");
    case IC_SERVER_SUSPENDED:
      return C_("server status", "Suspended");
    case IC_SERVER_STOPPING:
      return C_("server status", "Stopping");
    case IC_SERVER_RESTARTING:
      return C_("server status", "Restarting");
    case IC_SERVER_FAILED:
      return C_("server status", "Error");
    default:
      return "";
    }
}

const char *
ic_server_status_to_css (IcServerStatus status)
{
  switch (status)
    {
    case IC_SERVER_LISTENING:
      return "status-listening";
    case IC_SERVER_SUSPENDED:
      return "status-suspended";
    case IC_SERVER_FAILED:
      return "status-failed";
    case IC_SERVER_STARTING:
    case IC_SERVER_STOPPING:
    case IC_SERVER_RESTARTING:
      return "status-busy";
    case IC_SERVER_STOPPED:
    default:
      return "status-stopped";
    }
}

static void
update (IcServerRow *self)
{
  IcServerStatus status = ic_server_get_status (self->server);
  const char *address = ic_server_get_address (self->server);
  g_autofree char *subtitle = NULL;
  g_autofree char *clients = NULL;
  g_autofree char *a11y = NULL;
  gboolean tls = FALSE;
  guint n_clients = ic_server_get_n_clients (self->server);

  g_object_get (self->server, "tls", &tls, NULL);

  gtk_label_set_text (self->name_label, ic_server_get_name (self->server));
  /* Translators: sidebar subtitle, "Listening · 127.0.0.1:7000" */
  subtitle = g_strdup_printf (_("%s · %s"), ic_server_status_to_label (status),
                              address ? address : "");
  gtk_label_set_text (self->subtitle_label, subtitle);
  if (status == IC_SERVER_FAILED && ic_server_get_error (self->server))
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), ic_server_get_error (self->server));
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), NULL);

  gtk_widget_set_visible (self->tls_icon, tls);
  clients = g_strdup_printf ("%u", n_clients);
  gtk_label_set_text (self->clients_label, clients);
  gtk_widget_set_visible (GTK_WIDGET (self->clients_label), ic_server_get_running (self->server));

  if (self->status_class)
    gtk_widget_remove_css_class (self->status_dot, self->status_class);
  self->status_class = ic_server_status_to_css (status);
  gtk_widget_add_css_class (self->status_dot, self->status_class);

  a11y = g_strdup_printf (ngettext ("%s, %s, %u client", "%s, %s, %u clients", n_clients),
                          ic_server_get_name (self->server), subtitle, n_clients);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}

static void
ic_server_row_dispose (GObject *object)
{
  IcServerRow *self = IC_SERVER_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_SERVER_ROW);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (ic_server_row_parent_class)->dispose (object);
}

static void
ic_server_row_class_init (IcServerRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ic_server_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inetconsole/Console/ui/ic-server-row.ui");
  gtk_widget_class_bind_template_child (widget_class, IcServerRow, status_dot);
  gtk_widget_class_bind_template_child (widget_class, IcServerRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, IcServerRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, IcServerRow, tls_icon);
  gtk_widget_class_bind_template_child (widget_class, IcServerRow, clients_label);
}

static void
ic_server_row_init (IcServerRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
ic_server_row_new (IcServer *server)
{
  IcServerRow *self;
  static const char *watched[] = { "notify::name", "notify::status", "notify::address",
                                   "notify::n-clients", "notify::tls", "notify::error" };

  g_return_val_if_fail (IC_IS_SERVER (server), NULL);

  self = g_object_new (IC_TYPE_SERVER_ROW, NULL);
  self->server = g_object_ref (server);
  for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
    g_signal_connect_object (server, watched[i], G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}

IcServer *
ic_server_row_get_server (IcServerRow *self)
{
  g_return_val_if_fail (IC_IS_SERVER_ROW (self), NULL);
  return self->server;
}
