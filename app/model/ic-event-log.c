/* ic-event-log.c - a bounded ring of log entries with a filtered
 * GListModel view.
 *
 * The ring holds every entry (up to capacity); "visible" holds, in order,
 * the entries that pass the filter. Since both keep the ring's order, an
 * entry leaving the ring is either the first visible one or not visible at
 * all, so eviction is a removal at position 0.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-event-log.h"
#include "ic-ring-private.h"

struct _IcEventLog
{
  GObject parent_instance;

  IcRing ring;           /* of IcLogEntry * (owned) */
  GPtrArray *visible;    /* (owned) (element-type IcLogEntry) the model */
  guint64 dropped;
  guint64 total;
  gboolean paused;
  guint filter_kinds;
  char *filter_text;     /* (owned) (nullable) */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (IcEventLog, ic_event_log, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_CAPACITY,
  PROP_N_ENTRIES,
  PROP_N_ITEMS,
  PROP_DROPPED,
  PROP_TOTAL,
  PROP_PAUSED,
  PROP_FILTER_KINDS,
  PROP_FILTER_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ----------------------------------------------------------- GListModel */

static GType
get_item_type (GListModel *model)
{
  return IC_TYPE_LOG_ENTRY;
}

static guint
get_n_items (GListModel *model)
{
  return IC_EVENT_LOG (model)->visible->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  IcEventLog *self = IC_EVENT_LOG (model);

  if (position >= self->visible->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->visible, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

/* ---------------------------------------------------------------- ring */

static IcLogEntry *
ring_get (IcEventLog *self,
          guint       index)
{
  return IC_RING_POINTER (&self->ring, index);
}

static gboolean
passes (IcEventLog *self,
        IcLogEntry *entry)
{
  return ic_log_entry_matches (entry, self->filter_kinds, self->filter_text);
}

/* Drops the oldest entry of the ring; returns it (owned). */
static IcLogEntry *
ring_pop_oldest (IcEventLog *self)
{
  return *(IcLogEntry **) ic__ring_pop (&self->ring);
}

static void
rebuild_visible (IcEventLog *self)
{
  guint old = self->visible->len;

  g_ptr_array_set_size (self->visible, 0);
  for (guint i = 0; i < self->ring.length; i++)
    {
      IcLogEntry *entry = ring_get (self, i);

      if (passes (self, entry))
        g_ptr_array_add (self->visible, g_object_ref (entry));
    }
  if (old != 0 || self->visible->len != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->visible->len);
  if (old != self->visible->len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
append_entries (IcEventLog  *self,
                IcLogEntry **entries,
                guint        n)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new ();  /* borrowed: the ring owns them */
  guint added_start = 0, removed = 0, old_visible = self->visible->len;
  guint old_entries = self->ring.length;
  guint64 old_dropped = self->dropped;
  GObject *object = G_OBJECT (self);

  if (n == 0)
    return;

  for (guint i = 0; i < n; i++)
    {
      IcLogEntry *entry = entries[i];

      g_return_if_fail (IC_IS_LOG_ENTRY (entry));

      if (ic__ring_is_full (&self->ring))
        {
          g_autoptr(IcLogEntry) oldest = ring_pop_oldest (self);

          self->dropped++;
          if (!self->paused)
            {
              if (removed < old_visible
                  && g_ptr_array_index (self->visible, removed) == oldest)
                removed++;
              else if (added_start < added->len
                       && g_ptr_array_index (added, added_start) == oldest)
                added_start++;
            }
        }
      *(IcLogEntry **) ic__ring_push (&self->ring) = g_object_ref (entry);
      self->total++;
      if (!self->paused && passes (self, entry))
        g_ptr_array_add (added, entry);
    }

  g_object_freeze_notify (object);
  if (!self->paused)
    {
      guint n_added = added->len - added_start;

      if (removed > 0)
        {
          g_ptr_array_remove_range (self->visible, 0, removed);
          g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
        }
      for (guint i = added_start; i < added->len; i++)
        g_ptr_array_add (self->visible, g_object_ref (g_ptr_array_index (added, i)));
      if (n_added > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), self->visible->len - n_added, 0,
                                    n_added);
      if (removed > 0 || n_added > 0)
        g_object_notify_by_pspec (object, properties[PROP_N_ITEMS]);
    }
  if (old_entries != self->ring.length)
    g_object_notify_by_pspec (object, properties[PROP_N_ENTRIES]);
  if (old_dropped != self->dropped)
    g_object_notify_by_pspec (object, properties[PROP_DROPPED]);
  g_object_notify_by_pspec (object, properties[PROP_TOTAL]);
  g_object_thaw_notify (object);
}

/* ------------------------------------------------------------- GObject */

static void
ic_event_log_finalize (GObject *object)
{
  IcEventLog *self = IC_EVENT_LOG (object);

  for (guint i = 0; i < self->ring.length; i++)
    g_object_unref (ring_get (self, i));
  ic__ring_clear (&self->ring);
  g_ptr_array_unref (self->visible);
  g_free (self->filter_text);

  G_OBJECT_CLASS (ic_event_log_parent_class)->finalize (object);
}

static void
ic_event_log_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  IcEventLog *self = IC_EVENT_LOG (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      g_value_set_uint (value, self->ring.capacity);
      break;
    case PROP_N_ENTRIES:
      g_value_set_uint (value, self->ring.length);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->visible->len);
      break;
    case PROP_DROPPED:
      g_value_set_uint64 (value, self->dropped);
      break;
    case PROP_TOTAL:
      g_value_set_uint64 (value, self->total);
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;
    case PROP_FILTER_KINDS:
      g_value_set_uint (value, self->filter_kinds);
      break;
    case PROP_FILTER_TEXT:
      g_value_set_string (value, self->filter_text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_event_log_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  IcEventLog *self = IC_EVENT_LOG (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      ic_event_log_set_capacity (self, g_value_get_uint (value));
      break;
    case PROP_PAUSED:
      ic_event_log_set_paused (self, g_value_get_boolean (value));
      break;
    case PROP_FILTER_KINDS:
      ic_event_log_set_filter (self, g_value_get_uint (value), self->filter_text);
      break;
    case PROP_FILTER_TEXT:
      ic_event_log_set_filter (self, self->filter_kinds, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_event_log_class_init (IcEventLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ic_event_log_finalize;
  object_class->get_property = ic_event_log_get_property;
  object_class->set_property = ic_event_log_set_property;

  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL, 1, G_MAXUINT, IC_EVENT_LOG_DEFAULT_CAPACITY,
                       rw | G_PARAM_CONSTRUCT);
  properties[PROP_N_ENTRIES] = g_param_spec_uint ("n-entries", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_DROPPED] =
    g_param_spec_uint64 ("dropped", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_TOTAL] = g_param_spec_uint64 ("total", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_PAUSED] = g_param_spec_boolean ("paused", NULL, NULL, FALSE, rw);
  properties[PROP_FILTER_KINDS] =
    g_param_spec_uint ("filter-kinds", NULL, NULL, 0, IC_EVENT_MASK_ALL, IC_EVENT_MASK_ALL, rw);
  properties[PROP_FILTER_TEXT] = g_param_spec_string ("filter-text", NULL, NULL, NULL, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ic_event_log_init (IcEventLog *self)
{
  ic__ring_init (&self->ring, sizeof (IcLogEntry *), 0);
  self->visible = g_ptr_array_new_with_free_func (g_object_unref);
  self->filter_kinds = IC_EVENT_MASK_ALL;
}

IcEventLog *
ic_event_log_new (guint capacity)
{
  return g_object_new (IC_TYPE_EVENT_LOG, "capacity", MAX (capacity, 1), NULL);
}

void
ic_event_log_append (IcEventLog *self,
                     IcLogEntry *entry)
{
  g_return_if_fail (IC_IS_EVENT_LOG (self));
  g_return_if_fail (IC_IS_LOG_ENTRY (entry));

  append_entries (self, &entry, 1);
}

void
ic_event_log_append_many (IcEventLog *self,
                          GPtrArray  *entries)
{
  g_return_if_fail (IC_IS_EVENT_LOG (self));
  g_return_if_fail (entries != NULL);

  append_entries (self, (IcLogEntry **) entries->pdata, entries->len);
}

void
ic_event_log_add_dropped (IcEventLog *self,
                          guint64     n)
{
  g_return_if_fail (IC_IS_EVENT_LOG (self));

  if (n == 0)
    return;
  self->dropped += n;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
}

void
ic_event_log_clear (IcEventLog *self)
{
  guint old_visible;

  g_return_if_fail (IC_IS_EVENT_LOG (self));

  for (guint i = 0; i < self->ring.length; i++)
    g_object_unref (ring_get (self, i));
  ic__ring_clear (&self->ring);
  old_visible = self->visible->len;
  g_ptr_array_set_size (self->visible, 0);
  if (old_visible > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_visible, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ENTRIES]);
}

guint
ic_event_log_get_capacity (IcEventLog *self)
{
  g_return_val_if_fail (IC_IS_EVENT_LOG (self), 0);

  return self->ring.capacity;
}

void
ic_event_log_set_capacity (IcEventLog *self,
                           guint       capacity)
{
  guint skip, removed = 0;

  g_return_if_fail (IC_IS_EVENT_LOG (self));

  capacity = MAX (capacity, 1);
  if (capacity == self->ring.capacity)
    return;

  /* keep the newest entries that fit */
  skip = self->ring.length - MIN (self->ring.length, capacity);
  for (guint i = 0; i < skip; i++)
    {
      g_autoptr(IcLogEntry) entry = ring_pop_oldest (self);

      if (!self->paused && removed < self->visible->len
          && g_ptr_array_index (self->visible, removed) == entry)
        removed++;
    }
  ic__ring_set_capacity (&self->ring, capacity);
  self->dropped += skip;

  if (removed > 0)
    {
      g_ptr_array_remove_range (self->visible, 0, removed);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPACITY]);
  if (skip > 0)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ENTRIES]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DROPPED]);
    }
}

guint
ic_event_log_get_n_entries (IcEventLog *self)
{
  g_return_val_if_fail (IC_IS_EVENT_LOG (self), 0);

  return self->ring.length;
}

guint64
ic_event_log_get_dropped (IcEventLog *self)
{
  g_return_val_if_fail (IC_IS_EVENT_LOG (self), 0);

  return self->dropped;
}

guint64
ic_event_log_get_total (IcEventLog *self)
{
  g_return_val_if_fail (IC_IS_EVENT_LOG (self), 0);

  return self->total;
}

gboolean
ic_event_log_get_paused (IcEventLog *self)
{
  g_return_val_if_fail (IC_IS_EVENT_LOG (self), FALSE);

  return self->paused;
}

void
ic_event_log_set_paused (IcEventLog *self,
                         gboolean    paused)
{
  g_return_if_fail (IC_IS_EVENT_LOG (self));

  paused = !!paused;
  if (paused == self->paused)
    return;
  self->paused = paused;
  if (!paused)
    rebuild_visible (self); /* catch up with what arrived meanwhile */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
}

void
ic_event_log_set_filter (IcEventLog *self,
                         guint       kinds_mask,
                         const char *text)
{
  gboolean kinds_changed, text_changed;

  g_return_if_fail (IC_IS_EVENT_LOG (self));

  if (text != NULL && *text == '\0')
    text = NULL;
  kinds_changed = kinds_mask != self->filter_kinds;
  text_changed = g_strcmp0 (text, self->filter_text) != 0;
  if (!kinds_changed && !text_changed)
    return;
  self->filter_kinds = kinds_mask;
  if (text_changed)
    {
      g_free (self->filter_text);
      self->filter_text = g_strdup (text);
    }
  if (!self->paused)
    rebuild_visible (self);
  if (kinds_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_KINDS]);
  if (text_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILTER_TEXT]);
}

guint
ic_event_log_get_filter_kinds (IcEventLog *self)
{
  g_return_val_if_fail (IC_IS_EVENT_LOG (self), 0);

  return self->filter_kinds;
}

const char *
ic_event_log_get_filter_text (IcEventLog *self)
{
  g_return_val_if_fail (IC_IS_EVENT_LOG (self), NULL);

  return self->filter_text;
}

char *
ic_event_log_to_json_lines (IcEventLog *self,
                            gboolean    filtered,
                            gsize      *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  GString *text = g_string_new (NULL);
  guint n;

  g_return_val_if_fail (IC_IS_EVENT_LOG (self), NULL);

  n = filtered ? self->visible->len : self->ring.length;
  for (guint i = 0; i < n; i++)
    {
      IcLogEntry *entry = filtered ? g_ptr_array_index (self->visible, i) : ring_get (self, i);
      g_autoptr(JsonNode) node = ic_log_entry_to_json (entry);
      gsize line_length;
      g_autofree char *line = NULL;

      json_generator_set_root (generator, node);
      line = json_generator_to_data (generator, &line_length);
      g_string_append_len (text, line, (gssize) line_length);
      g_string_append_c (text, '\n');
    }
  if (length != NULL)
    *length = text->len;
  return g_string_free (text, FALSE);
}

gboolean
ic_event_log_export (IcEventLog    *self,
                     GFile         *file,
                     gboolean       filtered,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (IC_IS_EVENT_LOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  data = ic_event_log_to_json_lines (self, filtered, &length);
  return g_file_replace_contents (file, data, length, NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, error);
}
