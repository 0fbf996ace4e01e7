/* ic-service-daytime.c - daytime (RFC 867): one line with the local date
 * and time, then the server closes. The format is RFC 867's first example,
 * "Weekday, Month Day, Year HH:MM:SS-ZONE", in English whatever the locale.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-service-private.h"

static const char *const weekdays[] = {
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

static const char *const months[] = {
  "January", "February", "March", "April", "May", "June", "July", "August", "September",
  "October", "November", "December",
};

static void
daytime_connect (IcService *service,
                 IcClient  *client)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *line = NULL;

  line = g_strdup_printf ("%s, %s %d, %d %02d:%02d:%02d-%s\r\n",
                          weekdays[g_date_time_get_day_of_week (now) - 1],
                          months[g_date_time_get_month (now) - 1],
                          g_date_time_get_day_of_month (now), g_date_time_get_year (now),
                          g_date_time_get_hour (now), g_date_time_get_minute (now),
                          g_date_time_get_second (now),
                          g_date_time_get_timezone_abbreviation (now));
  ic__service_write_all (service, client->socket, (const guint8 *) line, strlen (line));
  /* graceful: the line is delivered, then FIN */
  InetDisconnect (client->socket);
}

static void
daytime_read (IcService *service,
              IcClient  *client)
{
  guint8 buffer[IC_SERVICE_READ_SIZE];

  /* "any data received is thrown away" */
  ic__service_read (service, client, buffer, sizeof buffer);
}

const IcServiceOps ic__daytime_ops = {
  .connect = daytime_connect,
  .read = daytime_read,
};
