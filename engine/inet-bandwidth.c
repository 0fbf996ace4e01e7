/* inet-bandwidth.c - token buckets.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-bandwidth-private.h"

void
inet__bucket_init (InetBucket *bucket)
{
  pthread_mutex_init (&bucket->mutex, NULL);
  bucket->last_us = 0;
  bucket->tokens = 0;
  bucket->rate = 0;
}

void
inet__bucket_clear (InetBucket *bucket)
{
  pthread_mutex_destroy (&bucket->mutex);
}

/* A fifth of a second: enough to ride out a session thread that was not
 * scheduled for a while, small enough that a transfer of a few seconds
 * stays within a few percent of the rate (the bucket starts empty). */
static double
burst_of (uint32_t rate)
{
  double burst = rate / 5.0;

  if (burst < 1460)
    burst = rate < 1460 ? rate : 1460;
  return burst < 1 ? 1 : burst;
}

size_t
inet__bucket_take (InetBucket *bucket, uint32_t rate, size_t want, uint64_t now_us,
                   uint64_t *wait_us)
{
  size_t granted;
  double burst;

  *wait_us = 0;
  if (rate == 0 || want == 0)
    return want;

  pthread_mutex_lock (&bucket->mutex);
  if (bucket->rate != rate || bucket->last_us == 0)
    {
      /* a new or changed limit starts from an empty bucket */
      bucket->rate = rate;
      bucket->tokens = 0;
      bucket->last_us = now_us;
    }
  burst = burst_of (rate);
  if (now_us > bucket->last_us)
    {
      bucket->tokens += (double) (now_us - bucket->last_us) * rate / 1e6;
      if (bucket->tokens > burst)
        bucket->tokens = burst;
      bucket->last_us = now_us;
    }
  if (bucket->tokens >= 1)
    {
      granted = bucket->tokens < (double) want ? (size_t) bucket->tokens : want;
      bucket->tokens -= (double) granted;
    }
  else
    {
      double missing = (want < burst ? (double) want : burst) - bucket->tokens;

      granted = 0;
      /* wait for a useful amount (up to a burst), not for one byte */
      *wait_us = (uint64_t) (missing * 1e6 / rate) + 1;
    }
  pthread_mutex_unlock (&bucket->mutex);
  return granted;
}

void
inet__bucket_refund (InetBucket *bucket, size_t bytes)
{
  if (bytes == 0)
    return;
  pthread_mutex_lock (&bucket->mutex);
  bucket->tokens += (double) bytes;
  pthread_mutex_unlock (&bucket->mutex);
}
