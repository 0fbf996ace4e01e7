/* ic-rate-meter.c - bytes per second over about the last second.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-model-private.h"

#define SLOTS (IC_SAMPLES_PER_SECOND + 1)

void
ic__rate_meter_add (IcRateMeter *meter,
                    gint64       monotonic,
                    guint64      bytes_in,
                    guint64      bytes_out,
                    double      *rate_in,
                    double      *rate_out)
{
  guint oldest;
  double seconds;

  meter->time[meter->head] = monotonic;
  meter->in[meter->head] = bytes_in;
  meter->out[meter->head] = bytes_out;
  meter->head = (meter->head + 1) % SLOTS;
  if (meter->n < SLOTS)
    meter->n++;

  *rate_in = *rate_out = 0;
  if (meter->n < 2)
    return;
  /* the oldest slot: up to IC_SAMPLES_PER_SECOND ticks back */
  oldest = (meter->head + SLOTS - meter->n) % SLOTS;
  seconds = (double) (monotonic - meter->time[oldest]) / G_USEC_PER_SEC;
  if (seconds <= 0)
    return;
  if (bytes_in >= meter->in[oldest])
    *rate_in = (double) (bytes_in - meter->in[oldest]) / seconds;
  if (bytes_out >= meter->out[oldest])
    *rate_out = (double) (bytes_out - meter->out[oldest]) / seconds;
}
