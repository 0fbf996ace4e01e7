/* ic-ui-util.h - small helpers the widgets share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A path as people read it: "~/…" under the home folder. NULL or "" gives "". */
char *ic_ui_display_path (const char *path);
/* Shows text as a toast in the AdwToastOverlay the widget is inside, if any. */
void  ic_ui_toast        (GtkWidget  *widget,
                          const char *text);
/* Puts text on the widget's clipboard. */
void  ic_ui_copy_text    (GtkWidget  *widget,
                          const char *text);

/* Swaps the widget's state class (*current, a static string) for css;
 * nothing happens when it is the same: a class change restyles the widget
 * and may start the theme's transitions, which redraw for a while. */
void  ic_ui_set_state_class (GtkWidget   *widget,
                             const char **current,
                             const char  *css);

G_END_DECLS
