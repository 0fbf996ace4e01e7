/* ic-stats-history.c - a ring of per-second samples for graphs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-stats-history.h"
#include "ic-model-private.h"
#include "ic-ring-private.h"

struct _IcStatsHistory
{
  GObject parent_instance;

  IcRing samples;           /* of IcStatsSample */
  guint max_clients;
  double max_rate;
};

G_DEFINE_FINAL_TYPE (IcStatsHistory, ic_stats_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CAPACITY,
  PROP_N_SAMPLES,
  PROP_MAX_CLIENTS,
  PROP_MAX_RATE,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
ic_stats_history_finalize (GObject *object)
{
  IcStatsHistory *self = IC_STATS_HISTORY (object);

  ic__ring_clear (&self->samples);

  G_OBJECT_CLASS (ic_stats_history_parent_class)->finalize (object);
}

static void
ic_stats_history_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  IcStatsHistory *self = IC_STATS_HISTORY (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      g_value_set_uint (value, self->samples.capacity);
      break;
    case PROP_N_SAMPLES:
      g_value_set_uint (value, self->samples.length);
      break;
    case PROP_MAX_CLIENTS:
      g_value_set_uint (value, self->max_clients);
      break;
    case PROP_MAX_RATE:
      g_value_set_double (value, self->max_rate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_stats_history_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  IcStatsHistory *self = IC_STATS_HISTORY (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      ic__ring_init (&self->samples, sizeof (IcStatsSample), MAX (g_value_get_uint (value), 1));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_stats_history_class_init (IcStatsHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ic_stats_history_finalize;
  object_class->get_property = ic_stats_history_get_property;
  object_class->set_property = ic_stats_history_set_property;

  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL, 1, G_MAXUINT, IC_STATS_HISTORY_SERVER_CAPACITY,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_SAMPLES] =
    g_param_spec_uint ("n-samples", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_CLIENTS] =
    g_param_spec_uint ("max-clients", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_RATE] =
    g_param_spec_double ("max-rate", NULL, NULL, 0, G_MAXDOUBLE, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ic_stats_history_init (IcStatsHistory *self)
{
}

IcStatsHistory *
ic_stats_history_new (guint capacity)
{
  return g_object_new (IC_TYPE_STATS_HISTORY, "capacity", capacity, NULL);
}

guint
ic_stats_history_get_capacity (IcStatsHistory *self)
{
  g_return_val_if_fail (IC_IS_STATS_HISTORY (self), 0);

  return self->samples.capacity;
}

guint
ic_stats_history_get_n_samples (IcStatsHistory *self)
{
  g_return_val_if_fail (IC_IS_STATS_HISTORY (self), 0);

  return self->samples.length;
}

const IcStatsSample *
ic_stats_history_get_sample (IcStatsHistory *self,
                             guint           index)
{
  g_return_val_if_fail (IC_IS_STATS_HISTORY (self), NULL);
  g_return_val_if_fail (index < self->samples.length, NULL);

  return ic__ring_get (&self->samples, index);
}

const IcStatsSample *
ic_stats_history_get_last (IcStatsHistory *self)
{
  g_return_val_if_fail (IC_IS_STATS_HISTORY (self), NULL);

  if (self->samples.length == 0)
    return NULL;
  return ic_stats_history_get_sample (self, self->samples.length - 1);
}

guint
ic_stats_history_get_max_clients (IcStatsHistory *self)
{
  g_return_val_if_fail (IC_IS_STATS_HISTORY (self), 0);

  return self->max_clients;
}

double
ic_stats_history_get_max_rate (IcStatsHistory *self)
{
  g_return_val_if_fail (IC_IS_STATS_HISTORY (self), 0);

  return self->max_rate;
}

static void
set_maxima (IcStatsHistory *self,
            guint           max_clients,
            double          max_rate)
{
  ic__set_uint (self, &self->max_clients, max_clients, properties[PROP_MAX_CLIENTS]);
  ic__set_double (self, &self->max_rate, max_rate, properties[PROP_MAX_RATE]);
}

void
ic_stats_history_append (IcStatsHistory      *self,
                         const IcStatsSample *sample)
{
  gboolean evicted = FALSE;
  guint max_clients = 0;
  double max_rate = 0;

  g_return_if_fail (IC_IS_STATS_HISTORY (self));
  g_return_if_fail (sample != NULL);

  /* the slots are made at the first sample (a session that lasts under a
   * second never needs them) */
  if (ic__ring_is_full (&self->samples))
    {
      const IcStatsSample *oldest = ic__ring_pop (&self->samples);

      evicted = oldest->clients == self->max_clients
                || MAX (oldest->bytes_in, oldest->bytes_out) == self->max_rate;
      *(IcStatsSample *) ic__ring_push (&self->samples) = *sample;
    }
  else
    {
      *(IcStatsSample *) ic__ring_push (&self->samples) = *sample;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SAMPLES]);
    }

  if (evicted)
    {
      /* the maximum may have left: look again (600 samples, once a second) */
      for (guint i = 0; i < self->samples.length; i++)
        {
          const IcStatsSample *s = ic_stats_history_get_sample (self, i);

          max_clients = MAX (max_clients, s->clients);
          max_rate = MAX (max_rate, MAX (s->bytes_in, s->bytes_out));
        }
    }
  else
    {
      max_clients = MAX (self->max_clients, sample->clients);
      max_rate = MAX (self->max_rate, MAX (sample->bytes_in, sample->bytes_out));
    }
  set_maxima (self, max_clients, max_rate);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
ic_stats_history_clear (IcStatsHistory *self)
{
  g_return_if_fail (IC_IS_STATS_HISTORY (self));

  if (self->samples.length == 0)
    return;
  ic__ring_clear (&self->samples);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SAMPLES]);
  set_maxima (self, 0, 0);
  g_signal_emit (self, signals[CHANGED], 0);
}
