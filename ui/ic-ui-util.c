/* ic-ui-util.c - small helpers the TLS widgets share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-ui-util.h"

#include <string.h>

char *
ic_ui_display_path (const char *path)
{
  const char *home = g_get_home_dir ();
  gsize length = home ? strlen (home) : 0;

  if (path == NULL || *path == '\0')
    return g_strdup ("");
  if (length > 1 && g_str_has_prefix (path, home) && path[length] == '/')
    return g_strconcat ("~", path + length, NULL);
  return g_strdup (path);
}

void
ic_ui_copy_text (GtkWidget  *widget,
                 const char *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}
