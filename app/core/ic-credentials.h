/* ic-credentials.h - the SECURITYCREDENTIALS of a TLS profile for
 * InetServerStart, shared by the console's server model and inet-serve:
 * certificate store and key, password, client certificates, ALPN, and the
 * throwaway self-signed certificate a start can make.
 *
 * Any thread: these read files (the password file) and write one (the
 * throwaway certificate), so the console calls them off the main thread.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-profile.h"

#include <inet-server.h>

G_BEGIN_DECLS

typedef struct
{
  SECURITYCREDENTIALS creds;  /* points into the profile and the fields below */
  char *password;             /* (owned) (nullable) */
  char *self_signed;          /* (owned) (nullable) the throwaway PEM file */
} IcCredentials;

/* Fills self from a TLS profile; the profile must outlive it. password
 * (nullable) overrides the profile's (typed, else the first line of its
 * password file). With profile->self_signed, makes the throwaway
 * certificate (ECDSA P-256; localhost, 127.0.0.1, ::1 and a specific
 * listen address) in a new private directory. On failure self is left
 * cleared and error is set (IC_ENGINE_ERROR, or G_FILE_ERROR for the
 * password file). */
gboolean ic_credentials_init  (IcCredentials    *self,
                               const IcProfile  *profile,
                               const char       *password,
                               GError          **error);
/* Removes the throwaway certificate (call it once InetServerStart has
 * read it: TLS contexts are made once, at start) and frees the rest. */
void     ic_credentials_clear (IcCredentials    *self);

/* The first line of a password file, without its line end (an editor's
 * final newline is not part of the password). */
char    *ic_read_password_file (const char      *path,
                                GError         **error);

G_END_DECLS
