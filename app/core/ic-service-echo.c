/* ic-service-echo.c - echo (RFC 862): what the client sends comes back.
 * The handle is blocking: while the client does not read, the write waits
 * and nothing more is read, so the client feels the back-pressure. Banner
 * is echo too, with a default greeting.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-service-private.h"

static void
echo_read (IcService *service,
           IcClient  *client)
{
  guint8 buffer[IC_SERVICE_READ_SIZE];
  gssize n = ic__service_read (service, client, buffer, sizeof buffer);

  if (n <= 0)
    return;
  if (!ic__service_write_all (service, client->socket, buffer, (gsize) n))
    return;
  ic__rules_feed (service, client, buffer, (gsize) n);
}

const IcServiceOps ic__echo_ops = {
  .connect = ic__service_greet,
  .read = echo_read,
};
