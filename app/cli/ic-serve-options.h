/* ic-serve-options.h - the command line of inet-serve (DESIGN.md section 5)
 * turned into a profile.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-profile.h"
#include "ic-serve-events.h"

G_BEGIN_DECLS

typedef struct
{
  IcProfile *profile;         /* (owned) what to serve; host NULL/"" = all IPv4 */
  IcEventsFormat events;
  char *password;             /* (owned) (nullable) read from the password file */
} IcServeConfig;

#define IC_SERVE_EXIT_OK    0
#define IC_SERVE_EXIT_START 1   /* could not start (or the listener was lost) */
#define IC_SERVE_EXIT_USAGE 2   /* bad usage: the message names the bad value */

/* Parses the command line (GOptionContext; --help and --version print and
 * exit 0). FALSE: a usage error, in `error`, for exit status 2. */
gboolean ic_serve_config_parse (IcServeConfig *config, int *argc, char ***argv, GError **error);
void ic_serve_config_clear (IcServeConfig *config);

G_END_DECLS
