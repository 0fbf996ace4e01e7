/* main.c - inet-console, the GTK 4 server console.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <inet-server.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>

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

  /* One descriptor per client: a desktop session's soft limit (often
   * 1,024) would refuse clients long before the machine runs short. */
  {
    struct rlimit limit;

    if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
      {
        limit.rlim_cur = limit.rlim_max;
        setrlimit (RLIMIT_NOFILE, &limit);
      }
  }

  /* The window shares the CPUs with every session it hosts: at nice 0
   * against a thousand busy nice-0 session threads, the main loop waits
   * for a CPU three times as long as it runs. Sessions run 5 nice levels
   * lower here (about a third of the weight); INET_CONSOLE_NICE_OFFSET
   * (0-19) overrides, 0 behaves like inet-serve. */
  {
    const char *env = g_getenv ("INET_CONSOLE_NICE_OFFSET");

    InetSetPriorityOffset (env != NULL ? atoi (env) : 5);
  }

  app = ic_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
