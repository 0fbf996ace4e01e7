/* ic-tls-page.h - the TLS page of the server dialog: TLS on or off; the
 * certificate and key (PEM) or a PKCS#12 file, picked with the file
 * chooser, with a password (or a password file); "Create a Self-Signed
 * Certificate"; the preview that re-checks (in a worker thread) whenever a
 * file, the password or the listen address changes; the minimum TLS
 * version; client certificates (ask or require) with a CA file.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ic-certificate-preview.h"
#include "ic-model.h"

G_BEGIN_DECLS

#define IC_TYPE_TLS_PAGE (ic_tls_page_get_type ())
G_DECLARE_FINAL_TYPE (IcTlsPage, ic_tls_page, IC, TLS_PAGE, GtkWidget)

/* Signals:
 *   changed ()         a field changed (the dialog re-validates)
 *   report-changed ()  a check finished: ic_tls_page_get_report is new
 */

GtkWidget *ic_tls_page_new              (void);
/* Loads the TLS fields of profile (and its listen address and name). */
void       ic_tls_page_set_profile      (IcTlsPage       *self,
                                         const IcProfile *profile);
/* Writes the TLS fields into profile. */
void       ic_tls_page_apply            (IcTlsPage       *self,
                                         IcProfile       *profile);
/* The address clients use changed (the General page): re-check it. */
void       ic_tls_page_set_listen_host  (IcTlsPage       *self,
                                         const char      *host);
/* The server's name, for the default file names of a new certificate. */
void       ic_tls_page_set_server_name  (IcTlsPage       *self,
                                         const char      *name);

/* What keeps the profile from being saved, in words for people (a
 * certificate is needed, a CA file for client certificates), NULL if
 * nothing. Problems of the files themselves are in the preview. */
char      *ic_tls_page_dup_problem      (IcTlsPage       *self);

/* The latest report (NULL before the first check or with TLS off). */
IcCertificateReport  *ic_tls_page_get_report   (IcTlsPage *self);
/* A check is running (or waits for its short debounce). */
gboolean              ic_tls_page_is_checking  (IcTlsPage *self);
IcCertificatePreview *ic_tls_page_get_preview  (IcTlsPage *self);

/* What a person does on the page, for tests: switch TLS, pick files (as
 * the chooser would), type a password, open the self-signed dialog. */
void       ic_tls_page_set_tls          (IcTlsPage       *self,
                                         gboolean         tls);
void       ic_tls_page_choose_files     (IcTlsPage       *self,
                                         const char      *cert_file,
                                         const char      *key_file,
                                         const char      *pkcs12_file);
void       ic_tls_page_set_password     (IcTlsPage       *self,
                                         const char      *password);
GtkWindow *ic_tls_page_open_self_signed (IcTlsPage       *self);

G_END_DECLS
