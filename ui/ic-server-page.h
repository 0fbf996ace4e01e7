/* ic-server-page.h - one server's page: status header with the lifecycle
 * buttons, and a view stack of Clients (graphs, the client table, the
 * selected client's traffic or TLS details), Events, TLS (for TLS servers:
 * client commands, failed handshakes, the certificate) and Limits.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ic-model.h"
#include "ic-server-tls-view.h"
#include "ic-tls-details.h"

G_BEGIN_DECLS

#define IC_TYPE_SERVER_PAGE (ic_server_page_get_type ())
G_DECLARE_FINAL_TYPE (IcServerPage, ic_server_page, IC, SERVER_PAGE, GtkWidget)

GtkWidget    *ic_server_page_new                 (void);
void          ic_server_page_set_server          (IcServerPage *self, IcServer *server);
IcServer     *ic_server_page_get_server          (IcServerPage *self);
void          ic_server_page_set_log             (IcServerPage *self, IcEventLog *log);
AdwViewStack *ic_server_page_get_view_stack      (IcServerPage *self);
/* The client selected in the table, NULL if none. */
IcClient     *ic_server_page_get_selected_client (IcServerPage *self);
void          ic_server_page_focus_search        (IcServerPage *self);

/* The TLS page (failed handshakes, client commands) and the selected
 * client's TLS details; show_client_tls switches the client pane between
 * its traffic and its TLS details. */
IcServerTlsView *ic_server_page_get_tls_view     (IcServerPage *self);
IcTlsDetails    *ic_server_page_get_tls_details  (IcServerPage *self);
void             ic_server_page_show_client_tls  (IcServerPage *self,
                                                  gboolean      tls);

/* Widgets the UI tests drive like a person would. */
GtkColumnView *ic_server_page_get_client_view    (IcServerPage *self);
GtkRange      *ic_server_page_get_limit_scale    (IcServerPage *self, const char *name);
GtkWidget     *ic_server_page_get_button         (IcServerPage *self, const char *name);

/* Bandwidth slider positions and their bytes per second (0 = unlimited). */
guint ic_bandwidth_step_to_rate (guint step);
guint ic_bandwidth_rate_to_step (guint rate);

G_END_DECLS
