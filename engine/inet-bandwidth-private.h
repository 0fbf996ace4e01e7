/* inet-bandwidth-private.h - token buckets for the bandwidth limits.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* A bucket fills at `rate` bytes/s up to a burst of 1/5 s (at least one
 * MSS-sized chunk) and starts empty, so a long transfer stays within a
 * few percent of the rate. The rate is passed on each call, so a limit
 * changed elsewhere takes effect at once. */
typedef struct
{
  pthread_mutex_t mutex;
  uint64_t last_us;
  double tokens;
  uint32_t rate;
} InetBucket;

void inet__bucket_init (InetBucket *bucket);
void inet__bucket_clear (InetBucket *bucket);
/* How many of `want` bytes may go now at `rate` (0 = unlimited: all).
 * When the answer is 0, *wait_us says when to try again. Granted bytes are
 * taken from the bucket. */
size_t inet__bucket_take (InetBucket *bucket, uint32_t rate, size_t want, uint64_t now_us,
                          uint64_t *wait_us);
/* Returns bytes taken but not used (e.g. a short write). */
void inet__bucket_refund (InetBucket *bucket, size_t bytes);
