/* ic-serve-start.h - InetServerStart for inet-serve: credentials, limits,
 * and one clear line when it fails.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-serve-options.h"

#include <inet-cert.h>
#include <inet-server.h>

G_BEGIN_DECLS

/* Starts the server and applies throttle, bandwidth and linger; with
 * --self-signed, makes the certificate first (in a private temporary
 * directory, removed once the server has read it). `certificate` (may be
 * NULL) gets what a TLS server serves. On failure returns INVALID_SOCKET
 * and a one-line message for stderr in `error`. */
SOCKET ic_serve_start (const IcServeConfig *config, INETEVENTPROC proc, DWORD_PTR param,
                       INETCERTIFICATEINFO *certificate, GError **error);

G_END_DECLS
