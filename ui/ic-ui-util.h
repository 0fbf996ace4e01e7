/* ic-ui-util.h - small helpers the TLS widgets share.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A path as people read it: "~/…" under the home folder. NULL or "" gives "". */
char *ic_ui_display_path (const char *path);
/* Puts text on the widget's clipboard. */
void  ic_ui_copy_text    (GtkWidget  *widget,
                          const char *text);

G_END_DECLS
