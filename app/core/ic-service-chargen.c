/* ic-service-chargen.c - character generator (RFC 864).
 *
 * The rotating pattern of the RFC: lines of 72 printable ASCII characters
 * (32..126) and CRLF, each line starting one character later than the one
 * before, streamed until the client leaves; what the client sends is thrown
 * away. The handle is non-blocking: the service writes until the socket or
 * the bandwidth limit says "would block" and goes on at the next
 * INET_EVENT_WRITE, so a slow client and the rate limit both slow it down
 * without holding the session thread.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-service-private.h"

#define N_PRINTABLE 95                    /* ' ' .. '~' */
#define LINE_CHARS  72
#define LINE_BYTES  (LINE_CHARS + 2)
#define CYCLE_BYTES (N_PRINTABLE * LINE_BYTES) /* the pattern repeats after 95 lines */
#define CHUNK       16384
#define PATTERN_BYTES (CYCLE_BYTES * 4)   /* >= CYCLE_BYTES + CHUNK: any offset has a chunk */
#define DRAIN_EVERY (1024 * 1024)         /* a fast reader never blocks us: read now and then */

static guint8 *
pattern_get (void)
{
  static guint8 *pattern;
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      guint8 *bytes = g_malloc (PATTERN_BYTES);

      for (gsize i = 0; i < PATTERN_BYTES; i++)
        {
          gsize line = (i / LINE_BYTES) % N_PRINTABLE;
          gsize column = i % LINE_BYTES;

          if (column < LINE_CHARS)
            bytes[i] = (guint8) (' ' + (line + column) % N_PRINTABLE);
          else
            bytes[i] = column == LINE_CHARS ? '\r' : '\n';
        }
      pattern = bytes;
      g_once_init_leave (&initialized, 1);
    }
  return pattern;
}

static void
discard_input (IcService *service,
               IcClient  *client)
{
  guint8 buffer[IC_SERVICE_READ_SIZE];

  for (int i = 0; i < 16; i++)
    {
      gssize n = ic__service_read (service, client, buffer, sizeof buffer);

      if (n <= 0)
        break;
      ic__rules_feed (service, client, buffer, (gsize) n);
    }
}

static void
chargen_connect (IcService *service,
                 IcClient  *client)
{
  ic__service_greet (service, client);
  InetSetBlocking (client->socket, FALSE);
}

static void
chargen_write (IcService *service,
               IcClient  *client)
{
  const guint8 *pattern = pattern_get ();
  gsize since_drain = 0;

  for (;;)
    {
      gsize offset = (gsize) (client->chargen_offset % CYCLE_BYTES);
      INT n = InetWrite (client->socket, pattern + offset, CHUNK);

      if (n <= 0)
        return; /* would block: WRITE comes again; else the session is ending */
      ic__service_report (service, client->socket, IC_TRAFFIC_OUT, pattern + offset, (gsize) n);
      client->chargen_offset += (guint64) n;
      since_drain += (gsize) n;
      if (since_drain >= DRAIN_EVERY)
        {
          discard_input (service, client);
          since_drain = 0;
        }
    }
}

const IcServiceOps ic__chargen_ops = {
  .connect = chargen_connect,
  .read = ic__discard_read, /* input is thrown away */
  .write = chargen_write,
};
