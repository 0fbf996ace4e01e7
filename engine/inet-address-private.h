/* inet-address-private.h - local addresses to bind, addresses to show.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inet-server.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Resolves lpszLocalHost as InetServerStart documents it. Returns 0 or a
 * WSA code (with a detail naming the host). */
DWORD inet__address_for_bind (const char *host, UINT port, struct sockaddr_storage *address,
                              socklen_t *length, bool *dual_stack);
/* Numeric text (IPv4-mapped IPv6 as IPv4), port and family (AF_INET for
 * mapped addresses). */
void inet__address_format (const struct sockaddr_storage *address, socklen_t length, char *text,
                           size_t text_length, UINT *port, int *family);
/* Copies text to the caller's buffer; FALSE with WSAEFAULT if it does not fit. */
BOOL inet__address_copy_out (const char *text, UINT port, LPTSTR out, INT cch, LPUINT out_port);
