/* ic-model-private.h - what the model files share among themselves.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "ic-bridge.h"
#include "ic-client.h"
#include "ic-engine-error.h"
#include "ic-event.h"
#include "ic-server.h"
#include "ic-transcript.h"

#include <ic-service.h>

G_BEGIN_DECLS

/* How often counters are sampled from the engine, and how many samples
 * make the one-second history step. */
#define IC_SAMPLE_INTERVAL_MS 250
#define IC_SAMPLES_PER_SECOND 4

/* Bytes/s over about the last second, from the samples of the ticks (four
 * a second for a server, one for a client). */
typedef struct
{
  gint64 time[IC_SAMPLES_PER_SECOND + 1];
  guint64 in[IC_SAMPLES_PER_SECOND + 1];
  guint64 out[IC_SAMPLES_PER_SECOND + 1];
  guint n;
  guint head;
} IcRateMeter;

void        ic__rate_meter_add      (IcRateMeter *meter,
                                     gint64       monotonic,
                                     guint64      bytes_in,
                                     guint64      bytes_out,
                                     double      *rate_in,
                                     double      *rate_out);

/* Store value in *field; notify pspec on object only when it changed. */
void        ic__set_uint            (gpointer     object,
                                     guint       *field,
                                     guint        value,
                                     GParamSpec  *pspec);
void        ic__set_uint64          (gpointer     object,
                                     guint64     *field,
                                     guint64      value,
                                     GParamSpec  *pspec);
void        ic__set_int64           (gpointer     object,
                                     gint64      *field,
                                     gint64       value,
                                     GParamSpec  *pspec);
void        ic__set_double          (gpointer     object,
                                     double      *field,
                                     double       value,
                                     GParamSpec  *pspec);
void        ic__set_string          (gpointer     object,
                                     char       **field,
                                     const char  *value,
                                     GParamSpec  *pspec);

char       *ic__format_peer         (const char *address,
                                     guint       port);

IcTranscript  *ic__transcript_new      (IcTrafficRing *ring);

/* IcClient, for IcServer. */
IcClient   *ic__client_new          (IcServer      *server,
                                     const IcEvent *connect,
                                     IcService     *service,
                                     gboolean       linger_blocks);
/* The DISCONNECT arrived: state CLOSED, final counters. */
void        ic__client_closed       (IcClient      *self,
                                     const IcEvent *disconnect);
/* A sample: engine counters, rates, idle, age, priority, paused,
 * transcript. step: also append to the history (a one-second step: the
 * server samples its clients once a second). */
void        ic__client_sample       (IcClient      *self,
                                     gint64         monotonic,
                                     gint64         real_time,
                                     gboolean       step);

/* What a client holds to reach its server: cleared when the server is
 * disposed. Main context only. */
typedef struct
{
  grefcount ref;
  IcServer *server;       /* (nullable) borrowed */
} IcServerAnchor;

IcServerAnchor *ic__server_get_anchor    (IcServer       *self);
IcServerAnchor *ic__server_anchor_ref    (IcServerAnchor *anchor);
void            ic__server_anchor_unref  (IcServerAnchor *anchor);

/* IcServer, for benchmarks: engine callbacks of the current run (0 when
 * stopped) and its bridge's counters (FALSE when stopped). */
guint64     ic__server_get_engine_callbacks (IcServer      *self);
gboolean    ic__server_get_bridge_stats     (IcServer      *self,
                                             IcBridgeStats *stats);

/* IcServer, for IcClient: a note in the log. */
void        ic__server_log          (IcServer      *self,
                                     IcEventKind    kind,
                                     guint          client_id,
                                     const char    *format,
                                     ...) G_GNUC_PRINTF (4, 5);

G_END_DECLS
