/* ic-window.h - the main window: a sidebar of servers and the selected
 * server's page. Closing it stops every server gracefully.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ic-application.h"
#include "ic-model.h"
#include "ic-server-page.h"

G_BEGIN_DECLS

#define IC_TYPE_WINDOW (ic_window_get_type ())
G_DECLARE_FINAL_TYPE (IcWindow, ic_window, IC, WINDOW, AdwApplicationWindow)

/* Loads the saved profiles and starts those marked autostart. */
IcWindow     *ic_window_new             (IcApplication *app);
/* With a list of one's own (tests: a private profile directory). */
IcWindow     *ic_window_new_with_list   (IcApplication *app,
                                         IcServerList  *list);

IcServerList *ic_window_get_server_list (IcWindow *self);
IcServerPage *ic_window_get_page        (IcWindow *self);
IcServer     *ic_window_get_selected_server (IcWindow *self);
void          ic_window_select_server   (IcWindow *self,
                                         IcServer *server);
/* Opens the new/edit dialog; returns it (borrowed) for tests. */
GtkWindow    *ic_window_open_server_dialog (IcWindow *self,
                                            gboolean  edit);

G_END_DECLS
