/* ic-service-banner.c - banner: send a text (macros expanded), then echo.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-service-private.h"

static void
banner_connect (IcService *service,
                IcClient  *client)
{
  ic__service_greet (service, client);
}

const IcServiceOps ic__banner_ops = {
  .connect = banner_connect,
  .read = ic__echo_read, /* then it behaves as echo */
};
