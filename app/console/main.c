/* main.c - inet-console, the GTK 4 server console.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>

#include "ic-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(IcApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A client that vanishes mid-write must not kill the console. */
  signal (SIGPIPE, SIG_IGN);

  app = ic_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
