/* ic-hex.c - hex byte strings for replies and the console's send box.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-service.h"

#include <gio/gio.h>

/* Tokens are separated by white space, ',' or ':'; each token is an even
 * number of hex digits, optionally after "0x". */
GBytes *
ic_hex_parse (const char  *text,
              GError     **error)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  const char *p;

  g_return_val_if_fail (text != NULL, NULL);

  p = text;
  while (*p != '\0')
    {
      const char *token;
      gsize n = 0;

      if (g_ascii_isspace (*p) || *p == ',' || *p == ':')
        {
          p++;
          continue;
        }
      token = p;
      if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
      while (g_ascii_isxdigit (p[n]))
        n++;
      if (n == 0 || n % 2 != 0 || !(p[n] == '\0' || g_ascii_isspace (p[n]) || p[n] == ','
                                    || p[n] == ':'))
        {
          gsize length = 0;

          while (token[length] != '\0' && !g_ascii_isspace (token[length]) && token[length] != ','
                 && token[length] != ':')
            length++;
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "\"%.*s\" is not hex bytes (pairs of 0-9, a-f)", (int) length, token);
          return NULL;
        }
      for (gsize i = 0; i < n; i += 2)
        {
          guint8 byte = (guint8) (g_ascii_xdigit_value (p[i]) << 4 | g_ascii_xdigit_value (p[i + 1]));

          g_byte_array_append (bytes, &byte, 1);
        }
      p += n;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}
