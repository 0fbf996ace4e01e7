/* ic-tls-details.h - what TLS negotiated for one client: protocol, cipher
 * suite, key exchange group, SNI, ALPN, full or resumed handshake, its
 * time, the client certificate; and the handshake as a short list of
 * plain-language steps, for demos and teaching.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "ic-model.h"

G_BEGIN_DECLS

#define IC_TYPE_TLS_DETAILS (ic_tls_details_get_type ())
G_DECLARE_FINAL_TYPE (IcTlsDetails, ic_tls_details, IC, TLS_DETAILS, GtkWidget)

GtkWidget  *ic_tls_details_new        (void);
/* client NULL = nothing selected. */
void        ic_tls_details_set_client (IcTlsDetails *self,
                                       IcClient     *client);
/* The value shown for a field ("protocol", "cipher", "group", "sni",
 * "alpn", "session", "time", "client-cert"), for tests. */
const char *ic_tls_details_get_value  (IcTlsDetails *self,
                                       const char   *field);

G_END_DECLS
