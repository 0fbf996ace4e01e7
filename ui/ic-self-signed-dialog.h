/* ic-self-signed-dialog.h - "Create a Self-Signed Certificate": key type,
 * the names clients may use (localhost, 127.0.0.1, ::1 and the listen
 * address), validity, and where the certificate and its key are saved.
 * The key and certificate are made in a worker thread.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ic-model.h"

G_BEGIN_DECLS

#define IC_TYPE_SELF_SIGNED_DIALOG (ic_self_signed_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IcSelfSignedDialog, ic_self_signed_dialog, IC, SELF_SIGNED_DIALOG,
                      AdwWindow)

/* Signals:
 *   created (cert_file: string, key_file: string)  the files are written;
 *                                                   the dialog then closes
 */

IcSelfSignedDialog   *ic_self_signed_dialog_new           (GtkWindow  *parent,
                                                           const char *server_name,
                                                           const char *listen_host);
/* The request the fields describe now. */
IcCertificateRequest *ic_self_signed_dialog_dup_request   (IcSelfSignedDialog *self);
/* As the file chooser would: the certificate file (the key goes beside it
 * as NAME.key). */
void                  ic_self_signed_dialog_set_cert_file (IcSelfSignedDialog *self,
                                                           const char         *cert_file);
void                  ic_self_signed_dialog_set_key_type  (IcSelfSignedDialog *self,
                                                           IcCertKeyType       key_type);
/* As if Create was pressed. */
void                  ic_self_signed_dialog_create        (IcSelfSignedDialog *self);

G_END_DECLS
