/* ic-certificate-preview.h - what a certificate check found, for people:
 * a status line, the problems (each with its fix) and the certificate's
 * details (subject, issuer, names, validity, key, SHA-256 fingerprint,
 * chain, key match, listen address). It only shows a report; the check
 * runs elsewhere (ic_certificate_check_async), never on the main thread.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ic-model.h"

G_BEGIN_DECLS

#define IC_TYPE_CERTIFICATE_PREVIEW (ic_certificate_preview_get_type ())
G_DECLARE_FINAL_TYPE (IcCertificatePreview, ic_certificate_preview, IC, CERTIFICATE_PREVIEW,
                      GtkWidget)

GtkWidget           *ic_certificate_preview_new        (void);
/* report NULL = nothing to show (TLS off). */
void                 ic_certificate_preview_set_report (IcCertificatePreview *self,
                                                        IcCertificateReport  *report);
IcCertificateReport *ic_certificate_preview_get_report (IcCertificatePreview *self);
/* A check is running: a spinner; the old report stays until the new one. */
void                 ic_certificate_preview_set_busy   (IcCertificatePreview *self,
                                                        gboolean              busy);
/* Details only, no problem rows (the server page shows problems elsewhere). */
void                 ic_certificate_preview_set_compact (IcCertificatePreview *self,
                                                         gboolean              compact);

/* The status line as shown ("Ready to serve", "2 problems to fix"), for tests. */
const char          *ic_certificate_preview_get_status (IcCertificatePreview *self);
/* The problem titles shown, in order, for tests. */
GStrv                ic_certificate_preview_dup_problem_titles (IcCertificatePreview *self);

G_END_DECLS
