/* ic-service-manual.c - manual: nothing automatic. What the client sends is
 * read (so the observer shows it) and only reply rules answer; the console
 * sends with ic_service_send.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-service-private.h"

static void
manual_connect (IcService *service,
                IcClient  *client)
{
  ic__service_greet (service, client);
}

static void
manual_read (IcService *service,
             IcClient  *client)
{
  guint8 buffer[IC_SERVICE_READ_SIZE];
  gssize n = ic__service_read (service, client, buffer, sizeof buffer);

  if (n > 0)
    ic__rules_feed (service, client, buffer, (gsize) n);
}

const IcServiceOps ic__manual_ops = {
  .connect = manual_connect,
  .read = manual_read,
};
