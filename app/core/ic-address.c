/* ic-address.c - addresses as users write them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-address.h"

#include <string.h>

gboolean
ic_host_is_wildcard (const char *host)
{
  return host == NULL || *host == '\0' || g_str_equal (host, "0.0.0.0") || g_str_equal (host, "::")
         || g_str_equal (host, "::0");
}

char *
ic_format_address (const char *host,
                   guint       port)
{
  if (host == NULL || *host == '\0')
    host = "0.0.0.0";
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

char *
ic_format_peer (SOCKET socket)
{
  char address[64] = "";
  UINT port = 0;

  if (!InetGetPeerAddress (socket, address, sizeof address, &port))
    return NULL;
  return ic_format_address (address, port);
}
