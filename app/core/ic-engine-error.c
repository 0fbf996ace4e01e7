/* ic-engine-error.c - engine error numbers as GError.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-engine-error.h"

G_DEFINE_QUARK (ic-engine-error-quark, ic_engine_error)

char *
ic_engine_error_string (DWORD code)
{
  char text[1024];

  if (InetGetErrorString (code, text, sizeof text) <= 0)
    return g_strdup_printf ("error %u", code);
  return g_strdup (text);
}

void
ic_engine_set_error (GError     **error,
                     const char  *prefix)
{
  ic_engine_set_error_code (error, InetGetLastError (), prefix);
}

void
ic_engine_set_error_code (GError     **error,
                          DWORD        code,
                          const char  *prefix)
{
  g_autofree char *text = ic_engine_error_string (code);

  if (prefix != NULL && *prefix != '\0')
    g_set_error (error, IC_ENGINE_ERROR, (int) code, "%s: %s", prefix, text);
  else
    g_set_error_literal (error, IC_ENGINE_ERROR, (int) code, text);
}
