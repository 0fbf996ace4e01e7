/* ic-traffic-view.c - one client's traffic as text or hex, with a send box.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-traffic-view.h"

#include <glib/gi18n.h>

#include "ic-service.h"

#define DEFAULT_MAX_BYTES (64 * 1024)

typedef struct
{
  gboolean incoming;
  gint64 time;
  GBytes *bytes;
} Chunk;

struct _IcTrafficView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkStack *stack;
  GtkScrolledWindow *scroller;
  GtkTextView *text_view;
  GtkDropDown *input_mode;
  GtkEntry *entry;
  GtkDropDown *line_ending;
  GtkButton *send_button;

  /* Owned */
  GQueue chunks;                /* Chunk*, oldest first */
  GQueue marks;                 /* GtkTextMark* where each chunk starts */
  gsize shown_bytes;
  gsize max_bytes;
  IcTrafficViewMode mode;
  gboolean can_send;
  gboolean follow;              /* keep the newest chunk in view */
  guint scroll_source;
};

G_DEFINE_FINAL_TYPE (IcTrafficView, ic_traffic_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_MODE,
  PROP_CAN_SEND,
  N_PROPS
};

enum
{
  SEND,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
chunk_free (gpointer data)
{
  Chunk *chunk = data;

  g_bytes_unref (chunk->bytes);
  g_free (chunk);
}

char *
ic_traffic_view_format_text (const guint8 *data,
                             gsize         length)
{
  GString *out = g_string_sized_new (length + 16);
  const char *p = (const char *) data;
  const char *end = p + length;

  /* Valid UTF-8 stays; control bytes and invalid bytes become C escapes
   * (\r, \n, \t, \xNN) so what was sent is visible; \n also breaks the line. */
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guint8) *p);
          p++;
          continue;
        }
      switch (c)
        {
        case '\n':
          g_string_append (out, "\\n\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\x%02x", c);
          else
            g_string_append_unichar (out, c);
        }
      p = g_utf8_next_char (p);
    }
  /* A trailing line break would leave an empty line before the next chunk. */
  if (out->len > 0 && out->str[out->len - 1] == '\n')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

char *
ic_traffic_view_format_hex (const guint8 *data,
                       gsize         length)
{
  GString *out = g_string_sized_new (length * 4 + 16);

  for (gsize line = 0; line < length; line += 16)
    {
      g_string_append_printf (out, "%04zx  ", line);
      for (gsize i = 0; i < 16; i++)
        {
          if (line + i < length)
            g_string_append_printf (out, "%02x ", data[line + i]);
          else
            g_string_append (out, "   ");
          if (i == 7)
            g_string_append_c (out, ' ');
        }
      g_string_append_c (out, ' ');
      for (gsize i = 0; i < 16 && line + i < length; i++)
        {
          guint8 b = data[line + i];
          g_string_append_c (out, b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
      if (line + 16 < length)
        g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

GBytes *
ic_traffic_parse_input (const char  *text,
                        gboolean     hex,
                        const char  *line_ending,
                        GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);

  if (hex)
    return ic_hex_parse (text, error);

  {
    char *joined = g_strconcat (text, line_ending ? line_ending : "", NULL);
    return g_bytes_new_take (joined, strlen (joined));
  }
}

static void
render_chunk (IcTrafficView *self,
              Chunk         *chunk)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *header = NULL;
  g_autofree char *body = NULL;
  GtkTextIter end;
  gsize length;
  const guint8 *data = g_bytes_get_data (chunk->bytes, &length);

  gtk_text_buffer_get_end_iter (buffer, &end);
  g_queue_push_tail (&self->marks, gtk_text_buffer_create_mark (buffer, NULL, &end, TRUE));

  time = g_date_time_new_from_unix_local (chunk->time / G_USEC_PER_SEC);
  stamp = time ? g_date_time_format (time, "%H:%M:%S") : g_strdup ("");
  header = g_strdup_printf (chunk->incoming
                            /* Translators: a traffic header: time, size; ← means received */
                            ? ngettext ("← %s.%03d  received %zu byte\n", "← %s.%03d  received %zu bytes\n", length)
                            /* Translators: a traffic header: time, size; → means sent */
                            : ngettext ("→ %s.%03d  sent %zu byte\n", "→ %s.%03d  sent %zu bytes\n", length),
                            stamp, (int) (chunk->time % G_USEC_PER_SEC / 1000), length);
  if (gtk_text_buffer_get_char_count (buffer) > 0)
    gtk_text_buffer_insert (buffer, &end, "\n", 1);
  gtk_text_buffer_insert_with_tags_by_name (buffer, &end, header, -1,
                                            chunk->incoming ? "header-in" : "header-out", NULL);
  body = self->mode == IC_TRAFFIC_VIEW_HEX ? ic_traffic_view_format_hex (data, length)
                                           : ic_traffic_view_format_text (data, length);
  gtk_text_buffer_insert_with_tags_by_name (buffer, &end, body, -1,
                                            chunk->incoming ? "in" : "out", NULL);
}

static gboolean
scroll_to_end_cb (gpointer data)
{
  IcTrafficView *self = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scroll_source = 0;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  return G_SOURCE_REMOVE;
}

/* After the text view has laid out the new text. */
static void
scroll_to_end (IcTrafficView *self)
{
  if (self->scroll_source == 0)
    self->scroll_source = g_timeout_add_full (G_PRIORITY_LOW, 30, scroll_to_end_cb, self, NULL);
}

static void
on_scrolled (IcTrafficView *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  /* Scrolled up by hand: hold still; back at the end: follow again. */
  self->follow = gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj)
                 >= gtk_adjustment_get_upper (adj) - 24;
}

static void
rerender (IcTrafficView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_delete (buffer, &start, &end);
  while (!g_queue_is_empty (&self->marks))
    gtk_text_buffer_delete_mark (buffer, g_queue_pop_head (&self->marks));
  for (GList *l = self->chunks.head; l; l = l->next)
    render_chunk (self, l->data);
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  gtk_text_view_set_wrap_mode (self->text_view, self->mode == IC_TRAFFIC_VIEW_HEX
                                                ? GTK_WRAP_NONE : GTK_WRAP_WORD_CHAR);
  gtk_stack_set_visible_child_name (self->stack, self->chunks.length ? "traffic" : "empty");
}

/* Drops the oldest chunks (and their text) until the bound holds. */
static void
trim (IcTrafficView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

  while (self->shown_bytes > self->max_bytes && self->chunks.length > 1)
    {
      Chunk *chunk = g_queue_pop_head (&self->chunks);
      GtkTextMark *mark = g_queue_pop_head (&self->marks);
      GtkTextIter start, next;

      gtk_text_buffer_get_iter_at_mark (buffer, &start, mark);
      gtk_text_buffer_get_iter_at_mark (buffer, &next, g_queue_peek_head (&self->marks));
      gtk_text_buffer_delete (buffer, &start, &next);
      gtk_text_buffer_delete_mark (buffer, mark);
      self->shown_bytes -= g_bytes_get_size (chunk->bytes);
      chunk_free (chunk);
    }
}

void
ic_traffic_view_append (IcTrafficView *self,
                        gboolean       incoming,
                        gint64         time,
                        const guint8  *data,
                        gsize          length)
{
  Chunk *chunk;

  g_return_if_fail (IC_IS_TRAFFIC_VIEW (self));
  g_return_if_fail (data != NULL || length == 0);

  if (length == 0)
    return;

  /* A single chunk over the bound keeps only its newest bytes. */
  if (length > self->max_bytes)
    {
      data += length - self->max_bytes;
      length = self->max_bytes;
    }

  chunk = g_new0 (Chunk, 1);
  chunk->incoming = incoming;
  chunk->time = time;
  chunk->bytes = g_bytes_new (data, length);
  g_queue_push_tail (&self->chunks, chunk);
  self->shown_bytes += length;
  render_chunk (self, chunk);
  trim (self);

  gtk_stack_set_visible_child_name (self->stack, "traffic");
  if (self->follow)
    scroll_to_end (self);
}

void
ic_traffic_view_clear (IcTrafficView *self)
{
  g_return_if_fail (IC_IS_TRAFFIC_VIEW (self));

  g_queue_clear_full (&self->chunks, chunk_free);
  self->shown_bytes = 0;
  self->follow = TRUE;
  rerender (self);
}

void
ic_traffic_view_set_max_bytes (IcTrafficView *self,
                               gsize          max_bytes)
{
  g_return_if_fail (IC_IS_TRAFFIC_VIEW (self));
  g_return_if_fail (max_bytes > 0);

  self->max_bytes = max_bytes;
  trim (self);
}

gsize
ic_traffic_view_get_shown_bytes (IcTrafficView *self)
{
  g_return_val_if_fail (IC_IS_TRAFFIC_VIEW (self), 0);
  return self->shown_bytes;
}

void
ic_traffic_view_set_mode (IcTrafficView     *self,
                          IcTrafficViewMode  mode)
{
  g_return_if_fail (IC_IS_TRAFFIC_VIEW (self));

  if (self->mode != mode)
    {
      self->mode = mode;
      rerender (self);
      scroll_to_end (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
    }
}

IcTrafficViewMode
ic_traffic_view_get_mode (IcTrafficView *self)
{
  g_return_val_if_fail (IC_IS_TRAFFIC_VIEW (self), IC_TRAFFIC_VIEW_TEXT);
  return self->mode;
}

static gboolean
input_is_hex (IcTrafficView *self)
{
  return gtk_drop_down_get_selected (self->input_mode) == 1;
}

static const char *
line_ending (IcTrafficView *self)
{
  static const char *endings[] = { "", "\r", "\n", "\r\n" };
  guint selected = gtk_drop_down_get_selected (self->line_ending);

  return selected < G_N_ELEMENTS (endings) ? endings[selected] : "";
}

static void
update_send_state (IcTrafficView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gboolean valid = TRUE;

  if (input_is_hex (self) && text[0] != '\0')
    {
      bytes = ic_traffic_parse_input (text, TRUE, NULL, &error);
      valid = bytes != NULL;
    }
  if (valid)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->entry), NULL);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->entry), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->entry), error->message);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->line_ending), !input_is_hex (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->entry), self->can_send);
  gtk_widget_set_sensitive (GTK_WIDGET (self->input_mode), self->can_send);
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button),
                            self->can_send && valid
                            && (text[0] != '\0' || line_ending (self)[0] != '\0'));
  gtk_entry_set_placeholder_text (self->entry, input_is_hex (self)
                                  ? _("Hex bytes, for example 48 65 6c 6c 6f 0d 0a")
                                  : _("Type text to send to this client"));
}

static void
on_entry_changed (IcTrafficView *self)
{
  update_send_state (self);
}

static void
on_send_clicked (IcTrafficView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (!gtk_widget_get_sensitive (GTK_WIDGET (self->send_button)))
    return;

  bytes = ic_traffic_parse_input (text, input_is_hex (self), line_ending (self), &error);
  if (bytes == NULL)
    return;

  g_signal_emit (self, signals[SEND], 0, bytes);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
}

static void
on_entry_activate (IcTrafficView *self)
{
  on_send_clicked (self);
}

void
ic_traffic_view_set_can_send (IcTrafficView *self,
                              gboolean       can_send)
{
  g_return_if_fail (IC_IS_TRAFFIC_VIEW (self));

  can_send = !!can_send;
  if (self->can_send != can_send)
    {
      self->can_send = can_send;
      update_send_state (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SEND]);
    }
}

char *
ic_traffic_view_dup_text (IcTrafficView *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (IC_IS_TRAFFIC_VIEW (self), NULL);

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
ic_traffic_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  IcTrafficView *self = IC_TRAFFIC_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_int (value, self->mode);
      break;
    case PROP_CAN_SEND:
      g_value_set_boolean (value, self->can_send);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_traffic_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  IcTrafficView *self = IC_TRAFFIC_VIEW (object);

  switch (prop_id)
    {
    case PROP_MODE:
      ic_traffic_view_set_mode (self, g_value_get_int (value));
      break;
    case PROP_CAN_SEND:
      ic_traffic_view_set_can_send (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_traffic_view_dispose (GObject *object)
{
  IcTrafficView *self = IC_TRAFFIC_VIEW (object);

  g_clear_handle_id (&self->scroll_source, g_source_remove);
  g_queue_clear_full (&self->chunks, chunk_free);
  g_queue_clear (&self->marks);
  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_TRAFFIC_VIEW);
  /* Children the template does not bind (separators) go too. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ic_traffic_view_parent_class)->dispose (object);
}

static void
ic_traffic_view_class_init (IcTrafficViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ic_traffic_view_dispose;
  object_class->get_property = ic_traffic_view_get_property;
  object_class->set_property = ic_traffic_view_set_property;

  properties[PROP_MODE] =
    g_param_spec_int ("mode", NULL, NULL, IC_TRAFFIC_VIEW_TEXT, IC_TRAFFIC_VIEW_HEX,
                      IC_TRAFFIC_VIEW_TEXT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_SEND] =
    g_param_spec_boolean ("can-send", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* IcTrafficView::send: (bytes: GBytes) the parsed bytes to send. */
  signals[SEND] = g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inetconsole/Console/ui/ic-traffic-view.ui");
  gtk_widget_class_bind_template_child (widget_class, IcTrafficView, stack);
  gtk_widget_class_bind_template_child (widget_class, IcTrafficView, scroller);
  gtk_widget_class_bind_template_child (widget_class, IcTrafficView, text_view);
  gtk_widget_class_bind_template_child (widget_class, IcTrafficView, input_mode);
  gtk_widget_class_bind_template_child (widget_class, IcTrafficView, entry);
  gtk_widget_class_bind_template_child (widget_class, IcTrafficView, line_ending);
  gtk_widget_class_bind_template_child (widget_class, IcTrafficView, send_button);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked);

  gtk_widget_class_set_css_name (widget_class, "trafficview");
}

static void
ic_traffic_view_init (IcTrafficView *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->max_bytes = DEFAULT_MAX_BYTES;
  self->follow = TRUE;
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (on_scrolled), self, G_CONNECT_SWAPPED);
  g_queue_init (&self->chunks);
  g_queue_init (&self->marks);

  /* Colours follow the Adwaita palette; readable in light and dark. */
  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_create_tag (buffer, "header-in", "foreground", "#3584e4",
                              "weight", PANGO_WEIGHT_BOLD, "scale", 0.85, NULL);
  gtk_text_buffer_create_tag (buffer, "header-out", "foreground", "#e66100",
                              "weight", PANGO_WEIGHT_BOLD, "scale", 0.85, NULL);
  gtk_text_buffer_create_tag (buffer, "in", NULL);
  gtk_text_buffer_create_tag (buffer, "out", "style", PANGO_STYLE_ITALIC, NULL);

  g_signal_connect_object (self->input_mode, "notify::selected",
                           G_CALLBACK (update_send_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->line_ending, "notify::selected",
                           G_CALLBACK (update_send_state), self, G_CONNECT_SWAPPED);
  update_send_state (self);
}

GtkWidget *
ic_traffic_view_new (void)
{
  return g_object_new (IC_TYPE_TRAFFIC_VIEW, NULL);
}
