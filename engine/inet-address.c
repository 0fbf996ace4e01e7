/* inet-address.c - what lpszLocalHost means, and how addresses are shown.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-address-private.h"
#include "inet-error-private.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static void
set_port (struct sockaddr_storage *address, UINT port)
{
  if (address->ss_family == AF_INET)
    ((struct sockaddr_in *) address)->sin_port = htons ((uint16_t) port);
  else
    ((struct sockaddr_in6 *) address)->sin6_port = htons ((uint16_t) port);
}

DWORD
inet__address_for_bind (const char *host, UINT port, struct sockaddr_storage *address,
                        socklen_t *length, bool *dual_stack)
{
  struct addrinfo hints = { 0 };
  struct addrinfo *result = NULL;
  int rc;

  memset (address, 0, sizeof *address);
  *dual_stack = false;
  if (port > 65535)
    {
      inet__set_error_detail (WSAEINVAL, "port %u", port);
      return WSAEINVAL;
    }
  if (host == NULL || host[0] == '\0' || strcmp (host, "0.0.0.0") == 0)
    {
      struct sockaddr_in *sin = (struct sockaddr_in *) address;

      sin->sin_family = AF_INET;
      sin->sin_addr.s_addr = htonl (INADDR_ANY);
      *length = sizeof *sin;
      set_port (address, port);
      return 0;
    }
  if (strcmp (host, "::") == 0 || strcmp (host, "::0") == 0)
    {
      struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) address;

      sin6->sin6_family = AF_INET6;
      sin6->sin6_addr = in6addr_any;
      *length = sizeof *sin6;
      *dual_stack = true;
      set_port (address, port);
      return 0;
    }

  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_UNSPEC;
  rc = getaddrinfo (host, NULL, &hints, &result);
  if (rc != 0 || result == NULL)
    {
      DWORD code = rc == EAI_AGAIN ? WSATRY_AGAIN : WSAHOST_NOT_FOUND;

      inet__set_error_detail (code, "%s: %s", host, gai_strerror (rc));
      return code;
    }
  memcpy (address, result->ai_addr, result->ai_addrlen);
  *length = result->ai_addrlen;
  freeaddrinfo (result);
  set_port (address, port);
  return 0;
}

void
inet__address_format (const struct sockaddr_storage *address, socklen_t length, char *text,
                      size_t text_length, UINT *port, int *family)
{
  (void) length;
  text[0] = '\0';
  *port = 0;
  *family = address->ss_family;
  if (address->ss_family == AF_INET)
    {
      const struct sockaddr_in *sin = (const struct sockaddr_in *) address;

      inet_ntop (AF_INET, &sin->sin_addr, text, (socklen_t) text_length);
      *port = ntohs (sin->sin_port);
    }
  else if (address->ss_family == AF_INET6)
    {
      const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) address;

      *port = ntohs (sin6->sin6_port);
      if (IN6_IS_ADDR_V4MAPPED (&sin6->sin6_addr))
        {
          inet_ntop (AF_INET, &sin6->sin6_addr.s6_addr[12], text, (socklen_t) text_length);
          *family = AF_INET;
        }
      else
        {
          inet_ntop (AF_INET6, &sin6->sin6_addr, text, (socklen_t) text_length);
          if (sin6->sin6_scope_id != 0)
            {
              size_t used = strlen (text);

              snprintf (text + used, text_length - used, "%%%u", sin6->sin6_scope_id);
            }
        }
    }
}

BOOL
inet__address_copy_out (const char *text, UINT port, LPTSTR out, INT cch, LPUINT out_port)
{
  size_t len = strlen (text);

  if (out_port != NULL)
    *out_port = port;
  if (out == NULL)
    return TRUE;
  if (cch <= 0 || len >= (size_t) cch)
    {
      inet__set_error (WSAEFAULT);
      return FALSE;
    }
  memcpy (out, text, len + 1);
  return TRUE;
}
