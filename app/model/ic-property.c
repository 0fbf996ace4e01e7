/* ic-property.c - store a property's value, notify only when it changed
 * (the models' getters and bindings see each change once; an unchanged
 * sample notifies nothing).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-model-private.h"

void
ic__set_uint (gpointer    object,
              guint      *field,
              guint       value,
              GParamSpec *pspec)
{
  if (*field != value)
    {
      *field = value;
      g_object_notify_by_pspec (object, pspec);
    }
}

void
ic__set_uint64 (gpointer    object,
                guint64    *field,
                guint64     value,
                GParamSpec *pspec)
{
  if (*field != value)
    {
      *field = value;
      g_object_notify_by_pspec (object, pspec);
    }
}

void
ic__set_int64 (gpointer    object,
               gint64     *field,
               gint64      value,
               GParamSpec *pspec)
{
  if (*field != value)
    {
      *field = value;
      g_object_notify_by_pspec (object, pspec);
    }
}

void
ic__set_double (gpointer    object,
                double     *field,
                double      value,
                GParamSpec *pspec)
{
  if (*field != value)
    {
      *field = value;
      g_object_notify_by_pspec (object, pspec);
    }
}

void
ic__set_string (gpointer    object,
                char      **field,
                const char *value,
                GParamSpec *pspec)
{
  if (g_strcmp0 (*field, value) != 0)
    {
      g_free (*field);
      *field = g_strdup (value);
      g_object_notify_by_pspec (object, pspec);
    }
}
