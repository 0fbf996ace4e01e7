/* ic-service-manual.c - manual: nothing automatic. What the client sends is
 * read (so the observer shows it) and only reply rules answer; the console
 * sends with ic_service_send.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-service-private.h"

/* reads as discard does: nothing but the rules answers */
const IcServiceOps ic__manual_ops = {
  .connect = ic__service_greet,
  .read = ic__discard_read,
};
