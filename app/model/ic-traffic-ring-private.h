/* ic-traffic-ring-private.h - a client's captured traffic, shared between
 * the engine threads that report it (the service's observer) and the
 * main-context IcTranscript that shows it. Plain C, mutex-protected,
 * bounded in chunks and bytes; refcounted so either side may go first.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-transcript.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 serial;        /* newest chunk, 0 = none */
  guint n_chunks;
  guint64 bytes_in;      /* captured ever */
  guint64 bytes_out;
  guint64 dropped_bytes; /* fell out of the bounds */
} IcTrafficRingInfo;

IcTrafficRing *ic__traffic_ring_new      (guint                max_chunks,
                                          gsize                max_bytes);
IcTrafficRing *ic__traffic_ring_ref      (IcTrafficRing       *ring);
void           ic__traffic_ring_unref    (IcTrafficRing       *ring);
/* Any thread. Copies the bytes. */
void           ic__traffic_ring_append   (IcTrafficRing       *ring,
                                          IcTrafficDirection   direction,
                                          const guint8        *data,
                                          gsize                length);
/* Any thread. */
void           ic__traffic_ring_get_info (IcTrafficRing       *ring,
                                          IcTrafficRingInfo   *info);
/* Any thread: chunks newer than since (element-type IcTrafficChunk). */
GPtrArray     *ic__traffic_ring_dup      (IcTrafficRing       *ring,
                                          guint64              since);
void           ic__traffic_ring_clear    (IcTrafficRing       *ring);

G_END_DECLS
