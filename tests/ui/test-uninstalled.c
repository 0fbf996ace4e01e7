/* test-uninstalled.c - the console run from the build tree, with no
 * installed schema and no GSETTINGS_SCHEMA_DIR (as tools/run-console and
 * build/app/console/inet-console run it): the window finds the schema
 * compiled in the build tree and keeps its settings there.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-ui-test-utils.h"
#include "ic-window.h"

static void
test_window_settings (void)
{
  GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(IcServerList) list = NULL;
  IcWindow *window;
  int width = 0, height = 0;

  IC_UI_TEST_REQUIRE_DISPLAY ();
  if (installed != NULL)
    schema = g_settings_schema_source_lookup (installed, APP_ID, TRUE);
  if (schema != NULL)
    {
      g_test_skip ("the schema is installed on this machine");
      return;
    }

  dir = ic_test_make_tmp_dir ();
  list = ic_server_list_new (dir, NULL);
  window = ic_window_new_with_list (NULL, list);
  /* the schema's default size, read through the window's settings */
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  ic_test_spin_for (NULL, 100);
  g_clear_object (&list);
  ic_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  /* before GIO reads it: the environment of a console started by hand */
  g_unsetenv ("GSETTINGS_SCHEMA_DIR");
  ic_ui_test_init (&argc, &argv);
  g_test_add_func ("/ui/uninstalled/window-settings", test_window_settings);
  return g_test_run ();
}
