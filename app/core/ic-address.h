/* ic-address.h - "HOST:PORT" as users write it, IPv6 in brackets
 * ("[::1]:7000"), for events, logs and the {peer} macro.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include <inet-server.h>

G_BEGIN_DECLS

/* TRUE for a listen address that names no one host: NULL, "", 0.0.0.0,
 * :: or ::0 (a certificate for it should name localhost). */
gboolean ic_host_is_wildcard (const char *host);
/* host NULL or "" = all IPv4, written 0.0.0.0. */
char *ic_format_address (const char *host,
                         guint       port);
/* The peer of a client (or, in ACCEPT/REJECT, of the server's pending
 * connection); NULL if the engine does not know it. */
char *ic_format_peer    (SOCKET      socket);

G_END_DECLS
