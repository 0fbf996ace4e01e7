/* ic-server-tls-view.h - the TLS page of a server: ready client commands
 * to paste (openssl s_client, curl; with the certificate file when it is
 * self-signed), the failed handshakes with their reasons, and the preview
 * of the certificate the server serves (checked in a worker thread).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ic-certificate-preview.h"
#include "ic-model.h"

G_BEGIN_DECLS

#define IC_TYPE_SERVER_TLS_VIEW (ic_server_tls_view_get_type ())
G_DECLARE_FINAL_TYPE (IcServerTlsView, ic_server_tls_view, IC, SERVER_TLS_VIEW, GtkWidget)

GtkWidget            *ic_server_tls_view_new          (void);
void                  ic_server_tls_view_set_server   (IcServerTlsView     *self,
                                                       IcServer            *server);
/* The command line shown now, NULL while the port is not known. */
char                 *ic_server_tls_view_dup_command  (IcServerTlsView     *self,
                                                       IcClientCommandKind  kind);
/* Copies the main command (curl for the HTTP service, else openssl) to
 * the clipboard; FALSE if there is none yet. */
gboolean              ic_server_tls_view_copy_command (IcServerTlsView     *self);
/* The failed-handshake rows shown (for tests). */
guint                 ic_server_tls_view_get_n_failures (IcServerTlsView   *self);
IcCertificatePreview *ic_server_tls_view_get_preview  (IcServerTlsView     *self);

G_END_DECLS
