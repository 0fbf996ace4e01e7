/* ic-ui-util.c - small helpers the widgets share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-ui-util.h"

#include <adwaita.h>
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
ic_ui_toast (GtkWidget  *widget,
             const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);

  if (overlay)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

void
ic_ui_copy_text (GtkWidget  *widget,
                 const char *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

void
ic_ui_set_state_class (GtkWidget   *widget,
                       const char **current,
                       const char  *css)
{
  if (g_strcmp0 (*current, css) == 0)
    return;
  if (*current != NULL)
    gtk_widget_remove_css_class (widget, *current);
  *current = css;
  if (css != NULL)
    gtk_widget_add_css_class (widget, css);
}
