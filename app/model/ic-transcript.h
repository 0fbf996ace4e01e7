/* ic-transcript.h - what a client session sent and received: a bounded
 * list of chunks (direction, time, bytes) for the traffic view.
 *
 * The service reports traffic in engine threads into a store that is not a
 * GObject (bounded: chunks and bytes; the oldest go first and are counted
 * as dropped). This object is the main-context view of it: the owning
 * server's counter sampler checks the store a few times a second and emits
 * "changed" when new chunks arrived; the view then asks for the chunks it
 * has not seen (ic_transcript_dup_chunks with the last serial it got).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-model-types.h"

#include <ic-service.h>

G_BEGIN_DECLS

typedef struct
{
  IcTrafficDirection direction;   /* IC_TRAFFIC_IN: from the client */
  gint64 time;                    /* microseconds since the epoch */
  guint64 serial;                 /* 1, 2, 3... per transcript, never reused */
  GBytes *bytes;                  /* (owned) the data */
} IcTrafficChunk;

#define IC_TYPE_TRAFFIC_CHUNK (ic_traffic_chunk_get_type ())
GType           ic_traffic_chunk_get_type (void) G_GNUC_CONST;
IcTrafficChunk *ic_traffic_chunk_copy     (const IcTrafficChunk *chunk);
void            ic_traffic_chunk_free     (IcTrafficChunk       *chunk);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IcTrafficChunk, ic_traffic_chunk_free)

/* Display helpers: "48 65 6c 6c 6f" (hex) and text with control bytes and
 * invalid UTF-8 shown as escapes ("Hello\r\n"). Free with g_free. */
char *ic_traffic_format_hex  (GBytes *bytes);
char *ic_traffic_format_text (GBytes *bytes);

/* Default bounds of a client's transcript. */
#define IC_TRANSCRIPT_DEFAULT_MAX_CHUNKS 128
#define IC_TRANSCRIPT_DEFAULT_MAX_BYTES  (32 * 1024)

#define IC_TYPE_TRANSCRIPT (ic_transcript_get_type ())
G_DECLARE_FINAL_TYPE (IcTranscript, ic_transcript, IC, TRANSCRIPT, GObject)

/* Properties (read-only, notify, updated by the sampler):
 *   serial        (guint64)  serial of the newest chunk, 0 = none yet
 *   n-chunks      (guint)    chunks held now
 *   bytes-in      (guint64)  bytes captured from the client, ever
 *   bytes-out     (guint64)  bytes captured to the client, ever
 *   dropped-bytes (guint64)  bytes that fell out of the bounds
 * Signals:
 *   changed ()               new chunks arrived (or cleared)
 */

/* Chunks newer than since_serial, oldest first (element-type
 * IcTrafficChunk, owned). Pass 0 for everything held. */
GPtrArray *ic_transcript_dup_chunks (IcTranscript *self,
                                     guint64       since_serial);
guint64    ic_transcript_get_serial (IcTranscript *self);
guint      ic_transcript_get_n_chunks (IcTranscript *self);
guint64    ic_transcript_get_dropped_bytes (IcTranscript *self);
/* Forget the chunks held (the counters stay). */
void       ic_transcript_clear      (IcTranscript *self);
/* Look at the store now (the sampler does it on its own); returns TRUE and
 * emits "changed" if something new arrived. */
gboolean   ic_transcript_update     (IcTranscript *self);

G_END_DECLS
