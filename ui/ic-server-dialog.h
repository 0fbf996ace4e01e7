/* ic-server-dialog.h - the new/edit server dialog: every InetServerStart
 * parameter, limits, the service and its reply rules, and TLS (ic-tls-page.h).
 * Invalid input is shown inline and keeps the dialog from saving.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ic-model.h"

G_BEGIN_DECLS

#define IC_TYPE_SERVER_DIALOG (ic_server_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IcServerDialog, ic_server_dialog, IC, SERVER_DIALOG, AdwWindow)

/* profile NULL = a new server with defaults. list (nullable) is asked
 * whether a name is free; editing (nullable) is the server being edited,
 * whose own name is not a clash. Emits "saved" (IcProfile boxed) and
 * closes when the user saves. */
IcServerDialog *ic_server_dialog_new (GtkWindow       *parent,
                                      const IcProfile *profile,
                                      IcServerList    *list,
                                      IcServer        *editing);

/* The profile the fields describe now. */
IcProfile *ic_server_dialog_dup_profile (IcServerDialog *self);
/* FALSE + a translated message naming the first invalid field. */
gboolean   ic_server_dialog_validate    (IcServerDialog *self,
                                         GError        **error);
/* Shows a page: "general", "service" or "tls". */
void       ic_server_dialog_show_page   (IcServerDialog *self,
                                         const char     *name);
/* The TLS page (tests drive it as a person would). */
GtkWidget *ic_server_dialog_get_tls_page (IcServerDialog *self);
/* Saves as if the button was pressed; FALSE if the input is invalid. */
gboolean   ic_server_dialog_save        (IcServerDialog *self);

G_END_DECLS
