/* ic-transcript.c - the main-context view of a client's traffic store.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-model-private.h"
#include "ic-traffic-ring-private.h"

/* ------------------------------------------------------------- chunks */

G_DEFINE_BOXED_TYPE (IcTrafficChunk, ic_traffic_chunk, ic_traffic_chunk_copy,
                     ic_traffic_chunk_free)

IcTrafficChunk *
ic_traffic_chunk_copy (const IcTrafficChunk *chunk)
{
  IcTrafficChunk *copy;

  g_return_val_if_fail (chunk != NULL, NULL);

  copy = g_new (IcTrafficChunk, 1);
  *copy = *chunk;
  copy->bytes = g_bytes_ref (chunk->bytes);
  return copy;
}

void
ic_traffic_chunk_free (IcTrafficChunk *chunk)
{
  if (chunk == NULL)
    return;
  g_bytes_unref (chunk->bytes);
  g_free (chunk);
}

char *
ic_traffic_format_hex (GBytes *bytes)
{
  const guint8 *data;
  gsize length;
  GString *text;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  text = g_string_sized_new (length * 3);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (text, i == 0 ? "%02x" : " %02x", data[i]);
  return g_string_free (text, FALSE);
}

char *
ic_traffic_format_text (GBytes *bytes)
{
  const char *data;
  gsize length;
  GString *text;
  gsize i = 0;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  text = g_string_sized_new (length + 8);
  while (i < length)
    {
      guchar c = (guchar) data[i];
      gunichar u;

      switch (c)
        {
        case '\r':
          g_string_append (text, "\\r");
          i++;
          continue;
        case '\n':
          g_string_append (text, "\\n");
          i++;
          continue;
        case '\t':
          g_string_append (text, "\\t");
          i++;
          continue;
        case '\\':
          g_string_append (text, "\\\\");
          i++;
          continue;
        default:
          break;
        }
      if (c < 0x20 || c == 0x7f)
        {
          g_string_append_printf (text, "\\x%02x", c);
          i++;
          continue;
        }
      if (c < 0x80)
        {
          g_string_append_c (text, (char) c);
          i++;
          continue;
        }
      u = g_utf8_get_char_validated (data + i, (gssize) (length - i));
      if (u == (gunichar) -1 || u == (gunichar) -2)
        {
          g_string_append_printf (text, "\\x%02x", c);
          i++;
          continue;
        }
      g_string_append_unichar (text, u);
      i += g_unichar_to_utf8 (u, NULL);
    }
  return g_string_free (text, FALSE);
}

/* --------------------------------------------------------- transcript */

struct _IcTranscript
{
  GObject parent_instance;

  IcTrafficRing *ring;   /* (owned) shared with the engine side */
  IcTrafficRingInfo info; /* as last seen */
};

G_DEFINE_FINAL_TYPE (IcTranscript, ic_transcript, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SERIAL,
  PROP_N_CHUNKS,
  PROP_BYTES_IN,
  PROP_BYTES_OUT,
  PROP_DROPPED_BYTES,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
ic_transcript_finalize (GObject *object)
{
  IcTranscript *self = IC_TRANSCRIPT (object);

  g_clear_pointer (&self->ring, ic__traffic_ring_unref);

  G_OBJECT_CLASS (ic_transcript_parent_class)->finalize (object);
}

static void
ic_transcript_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  IcTranscript *self = IC_TRANSCRIPT (object);

  switch (prop_id)
    {
    case PROP_SERIAL:
      g_value_set_uint64 (value, self->info.serial);
      break;
    case PROP_N_CHUNKS:
      g_value_set_uint (value, self->info.n_chunks);
      break;
    case PROP_BYTES_IN:
      g_value_set_uint64 (value, self->info.bytes_in);
      break;
    case PROP_BYTES_OUT:
      g_value_set_uint64 (value, self->info.bytes_out);
      break;
    case PROP_DROPPED_BYTES:
      g_value_set_uint64 (value, self->info.dropped_bytes);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_transcript_class_init (IcTranscriptClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ic_transcript_finalize;
  object_class->get_property = ic_transcript_get_property;

  properties[PROP_SERIAL] =
    g_param_spec_uint64 ("serial", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_CHUNKS] =
    g_param_spec_uint ("n-chunks", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_IN] =
    g_param_spec_uint64 ("bytes-in", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BYTES_OUT] =
    g_param_spec_uint64 ("bytes-out", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DROPPED_BYTES] =
    g_param_spec_uint64 ("dropped-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ic_transcript_init (IcTranscript *self)
{
}

IcTranscript *
ic__transcript_new (IcTrafficRing *ring)
{
  IcTranscript *self = g_object_new (IC_TYPE_TRANSCRIPT, NULL);

  self->ring = ring != NULL ? ic__traffic_ring_ref (ring)
                            : ic__traffic_ring_new (IC_TRANSCRIPT_DEFAULT_MAX_CHUNKS,
                                                    IC_TRANSCRIPT_DEFAULT_MAX_BYTES);
  ic__traffic_ring_get_info (self->ring, &self->info);
  return self;
}

gboolean
ic_transcript_update (IcTranscript *self)
{
  IcTrafficRingInfo info, old;
  GObject *object = G_OBJECT (self);

  g_return_val_if_fail (IC_IS_TRANSCRIPT (self), FALSE);

  ic__traffic_ring_get_info (self->ring, &info);
  if (info.serial == self->info.serial && info.n_chunks == self->info.n_chunks
      && info.bytes_in == self->info.bytes_in && info.bytes_out == self->info.bytes_out
      && info.dropped_bytes == self->info.dropped_bytes)
    return FALSE;
  old = self->info;
  self->info = info;

  g_object_freeze_notify (object);
  if (old.serial != info.serial)
    g_object_notify_by_pspec (object, properties[PROP_SERIAL]);
  if (old.n_chunks != info.n_chunks)
    g_object_notify_by_pspec (object, properties[PROP_N_CHUNKS]);
  if (old.bytes_in != info.bytes_in)
    g_object_notify_by_pspec (object, properties[PROP_BYTES_IN]);
  if (old.bytes_out != info.bytes_out)
    g_object_notify_by_pspec (object, properties[PROP_BYTES_OUT]);
  if (old.dropped_bytes != info.dropped_bytes)
    g_object_notify_by_pspec (object, properties[PROP_DROPPED_BYTES]);
  g_object_thaw_notify (object);
  if (old.serial != info.serial || old.n_chunks != info.n_chunks)
    g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

GPtrArray *
ic_transcript_dup_chunks (IcTranscript *self,
                          guint64       since_serial)
{
  g_return_val_if_fail (IC_IS_TRANSCRIPT (self), NULL);

  return ic__traffic_ring_dup (self->ring, since_serial);
}

guint64
ic_transcript_get_serial (IcTranscript *self)
{
  g_return_val_if_fail (IC_IS_TRANSCRIPT (self), 0);

  return self->info.serial;
}

guint
ic_transcript_get_n_chunks (IcTranscript *self)
{
  g_return_val_if_fail (IC_IS_TRANSCRIPT (self), 0);

  return self->info.n_chunks;
}

guint64
ic_transcript_get_dropped_bytes (IcTranscript *self)
{
  g_return_val_if_fail (IC_IS_TRANSCRIPT (self), 0);

  return self->info.dropped_bytes;
}

void
ic_transcript_clear (IcTranscript *self)
{
  g_return_if_fail (IC_IS_TRANSCRIPT (self));

  ic__traffic_ring_clear (self->ring);
  ic_transcript_update (self);
}
