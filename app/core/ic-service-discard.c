/* ic-service-discard.c - discard (RFC 863): what the client sends is read
 * and thrown away (reply rules may still answer it).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-service-private.h"

void
ic__discard_read (IcService *service,
                  IcClient  *client)
{
  guint8 buffer[IC_SERVICE_READ_SIZE];
  gssize n = ic__service_read (service, client, buffer, sizeof buffer);

  if (n > 0)
    ic__rules_feed (service, client, buffer, (gsize) n);
}

const IcServiceOps ic__discard_ops = {
  .connect = ic__service_greet,
  .read = ic__discard_read,
};
