/* ic-application.c - the Inet Console application: app actions,
 * accelerators, the about window; one main window.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-application.h"

#include <glib/gi18n.h>

#include "ic-latency-probe.h"
#include "ic-window.h"

struct _IcApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (IcApplication, ic_application, ADW_TYPE_APPLICATION)

static void
ic_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (ic_window_new (IC_APPLICATION (app)));
      ic_latency_probe_watch_window (GTK_WIDGET (window));
    }
  gtk_window_present (window);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  /* a copy: a window that closes leaves the application's list */
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (user_data));

  /* Closing the windows stops their servers gracefully; the application
   * ends when the last window is gone. */
  for (GList *l = windows; l; l = l->next)
    gtk_window_close (l->data);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Inet Console authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("Inet Console"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Inet Console authors"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Host test TCP and TLS servers and watch every client session live."),
                        "website", "https://inetconsole.org/",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: put your name here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static void
ic_application_startup (GApplication *app)
{
  static const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Primary>q", NULL } },
    { "window.close", { "<Primary>w", NULL } },
    { "win.show-help-overlay", { "<Primary>question", NULL } },
    { "win.add-server", { "<Primary>n", NULL } },
    { "win.edit-server", { "<Primary>e", NULL } },
    { "win.duplicate-server", { "<Primary><Shift>d", NULL } },
    { "win.remove-server", { "<Primary>Delete", NULL } },
    { "win.start", { "F5", NULL } },
    { "win.stop", { "<Shift>F5", NULL } },
    { "win.restart", { "<Primary>r", NULL } },
    { "win.suspend", { "<Primary>p", NULL } },
    { "win.resume", { "<Primary>p", NULL } },
    { "win.show-page('clients')", { "<Alt>1", NULL } },
    { "win.show-page('events')", { "<Alt>2", NULL } },
    { "win.show-page('limits')", { "<Alt>3", NULL } },
    { "win.show-page('tls')", { "<Alt>4", NULL } },
    { "win.copy-client-command", { "<Primary><Shift>c", NULL } },
    { "win.find", { "<Primary>f", NULL } },
    { "win.disconnect-client", { "Delete", NULL } },
    { "win.abort-client", { "<Shift>Delete", NULL } },
    { "win.toggle-client-reading", { "<Primary>space", NULL } },
  };

  G_APPLICATION_CLASS (ic_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);
  /* INET_CONSOLE_PROBE: main-loop latency and frame times, for benchmarks */
  ic_latency_probe_start ();
}

static void
ic_application_shutdown (GApplication *app)
{
  ic_latency_probe_stop ();
  G_APPLICATION_CLASS (ic_application_parent_class)->shutdown (app);
}

static void
ic_application_class_init (IcApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = ic_application_activate;
  app_class->startup = ic_application_startup;
  app_class->shutdown = ic_application_shutdown;
}

static void
ic_application_init (IcApplication *self)
{
  g_set_application_name (_("Inet Console"));
  gtk_window_set_default_icon_name (APP_ID);
}

IcApplication *
ic_application_new (void)
{
  return g_object_new (IC_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
