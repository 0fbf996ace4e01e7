/* ic-server-row.h - a server in the sidebar: status, name, address, TLS
 * mark and client count, kept live from the IcServer.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "ic-model.h"

G_BEGIN_DECLS

#define IC_TYPE_SERVER_ROW (ic_server_row_get_type ())
G_DECLARE_FINAL_TYPE (IcServerRow, ic_server_row, IC, SERVER_ROW, GtkListBoxRow)

GtkWidget *ic_server_row_new        (IcServer    *server);
IcServer  *ic_server_row_get_server (IcServerRow *self);

/* Translated "Listening", "Stopped", ... */
const char *ic_server_status_to_label (IcServerStatus status);
/* "status-listening", ... for CSS */
const char *ic_server_status_to_css (IcServerStatus status);

G_END_DECLS
