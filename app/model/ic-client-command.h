/* ic-client-command.h - a ready command line that connects a client to a
 * server, so a demo takes one paste: openssl s_client for any TLS server,
 * curl for HTTP, nc (or openssl) for plain TCP.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <ic-profile.h>

G_BEGIN_DECLS

typedef enum
{
  IC_CLIENT_COMMAND_OPENSSL,  /* openssl s_client (TLS) or nc (plain TCP) */
  IC_CLIENT_COMMAND_CURL,     /* curl https:// (or http://) */
} IcClientCommandKind;

/* The host a local client should name for the profile's listen address:
 * the address itself, 127.0.0.1 for 0.0.0.0 and "", localhost for ::. */
char *ic_client_command_host (const IcProfile *profile);

/* The command line for the profile's server on port (the real port while
 * it runs). trust_file (nullable) is the PEM file the client should trust:
 * the server's own certificate when it is self-signed (the caller knows,
 * from ic_certificate_check), else NULL for the system's trust store. A
 * profile with a throwaway certificate (self_signed) gives a client that
 * does not check it: nobody can be given it beforehand.
 * Arguments are shell-quoted when they need it. */
char *ic_client_command      (const IcProfile     *profile,
                             guint                port,
                             const char          *trust_file,
                             IcClientCommandKind  kind);

G_END_DECLS
