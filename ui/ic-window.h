/* ic-window.h - the main window: a sidebar of servers and the selected
 * server's page.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ic-application.h"

G_BEGIN_DECLS

#define IC_TYPE_WINDOW (ic_window_get_type ())
G_DECLARE_FINAL_TYPE (IcWindow, ic_window, IC, WINDOW, AdwApplicationWindow)

IcWindow *ic_window_new (IcApplication *app);

G_END_DECLS
