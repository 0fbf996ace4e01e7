/* ic-ui-test-utils.c - see ic-ui-test-utils.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-ui-test-utils.h"

static gboolean have_display;

gboolean
ic_ui_test_init (int    *argc,
                 char ***argv)
{
  g_autofree char *debug = NULL;

  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  debug = g_strconcat (g_getenv ("GDK_DEBUG") ? g_getenv ("GDK_DEBUG") : "", ",gl-disable", NULL);
  g_setenv ("GDK_DEBUG", debug, TRUE);
  g_test_init (argc, argv, NULL);
  have_display = gtk_init_check ();
  if (have_display)
    adw_init ();
  return have_display;
}

gboolean
ic_ui_test_have_display (void)
{
  return have_display;
}

/* Under LeakSanitizer: fontconfig keeps its configuration for the life of
 * the process (GTK never frees it), and so does the dynamic loader for
 * what libraries allocate at load; that is not ours to fix. (Defined here,
 * in the object every UI test links for ic_ui_test_init.) */
const char *__lsan_default_suppressions (void);
const char *
__lsan_default_suppressions (void)
{
  return "leak:libfontconfig.so\nleak:_dl_init\n";
}
