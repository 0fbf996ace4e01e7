/* ic-graph.c - a live line graph drawn with GtkSnapshot and cairo.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-graph.h"

#include <glib/gi18n.h>
#include <math.h>

#define HEADER_HEIGHT 22
#define FOOTER_HEIGHT 16
#define AXIS_WIDTH    64

typedef struct
{
  char *label;
  GdkRGBA color;
  GArray *values;               /* double, oldest first */
} Series;

struct _IcGraph
{
  GtkWidget parent_instance;

  char *title;
  IcGraphUnit unit;
  guint capacity;               /* samples, one a second */
  guint n_series;
  Series series[IC_GRAPH_MAX_SERIES];
};

G_DEFINE_FINAL_TYPE (IcGraph, ic_graph, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TITLE,
  PROP_UNIT,
  PROP_CAPACITY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() arrives in GLib 2.76. */
static gboolean
set_str (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

char *
ic_graph_format_value (IcGraphUnit unit,
                       double      value)
{
  if (unit == IC_GRAPH_UNIT_BYTES_PER_SECOND)
    {
      g_autofree char *size = NULL;

      if (value < 1000)
        /* Translators: a transfer rate in bytes per second */
        return g_strdup_printf (_("%.0f B/s"), value);
      size = g_format_size ((guint64) value);
      /* Translators: a transfer rate, %s is a size like "12.3 kB" */
      return g_strdup_printf (_("%s/s"), size);
    }
  if (value >= 10 || value == floor (value))
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.1f", value);
}

/* The smallest 1/2/5 x 10^n that is >= value (at least 1 for counts). */
static double
nice_ceiling (double value,
              double floor_value)
{
  double magnitude, fraction;

  if (value <= floor_value)
    return floor_value;
  magnitude = pow (10, floor (log10 (value)));
  fraction = value / magnitude;
  if (fraction <= 1)
    return magnitude;
  if (fraction <= 2)
    return 2 * magnitude;
  if (fraction <= 5)
    return 5 * magnitude;
  return 10 * magnitude;
}

double
ic_graph_get_y_max (IcGraph *self)
{
  double max = 0;

  g_return_val_if_fail (IC_IS_GRAPH (self), 0);

  for (guint s = 0; s < self->n_series; s++)
    for (guint i = 0; i < self->series[s].values->len; i++)
      max = MAX (max, g_array_index (self->series[s].values, double, i));

  return nice_ceiling (max, self->unit == IC_GRAPH_UNIT_COUNT ? 4 : 1024);
}

static void
get_fg_color (GtkWidget *widget,
              GdkRGBA   *color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
draw_text (cairo_t         *cr,
           PangoLayout     *layout,
           const char      *text,
           double           x,
           double           y,
           gboolean         align_right,
           const GdkRGBA   *color)
{
  int width, height;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &width, &height);
  cairo_move_to (cr, align_right ? x - width : x, y);
  gdk_cairo_set_source_rgba (cr, color);
  pango_cairo_show_layout (cr, layout);
}

static void
ic_graph_snapshot (GtkWidget   *widget,
                   GtkSnapshot *snapshot)
{
  IcGraph *self = IC_GRAPH (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoLayout) bold = NULL;
  PangoAttrList *attrs;
  GdkRGBA fg, dim, grid;
  double plot_x, plot_y, plot_w, plot_h, y_max, legend_x;
  cairo_t *cr;

  if (width <= AXIS_WIDTH + 8 || height <= HEADER_HEIGHT + FOOTER_HEIGHT + 8)
    return;

  get_fg_color (widget, &fg);
  dim = fg;
  dim.alpha *= 0.55;
  grid = fg;
  grid.alpha *= 0.12;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  layout = gtk_widget_create_pango_layout (widget, NULL);
  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);

  bold = gtk_widget_create_pango_layout (widget, NULL);
  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_scale_new (0.9));
  pango_layout_set_attributes (bold, attrs);
  pango_attr_list_unref (attrs);

  /* Header: title on the left, legend with the newest values on the right. */
  if (self->title)
    draw_text (cr, bold, self->title, 0, 0, FALSE, &fg);
  legend_x = width;
  for (int s = (int) self->n_series - 1; s >= 0; s--)
    {
      Series *series = &self->series[s];
      g_autofree char *value = NULL;
      g_autofree char *text = NULL;
      int tw, th;

      value = ic_graph_format_value (self->unit, series->values->len
                                     ? g_array_index (series->values, double, series->values->len - 1)
                                     : 0);
      text = series->label ? g_strdup_printf ("%s %s", series->label, value) : g_strdup (value);
      pango_layout_set_text (layout, text, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      legend_x -= tw;
      draw_text (cr, layout, text, legend_x, 2, FALSE, &fg);
      legend_x -= 12;
      gdk_cairo_set_source_rgba (cr, &series->color);
      cairo_arc (cr, legend_x + 4, 2 + th / 2.0, 4, 0, 2 * G_PI);
      cairo_fill (cr);
      legend_x -= 12;
    }

  plot_x = 0;
  plot_y = HEADER_HEIGHT + 4;
  plot_w = width - AXIS_WIDTH;
  plot_h = height - plot_y - FOOTER_HEIGHT;
  y_max = ic_graph_get_y_max (self);

  /* Grid lines at 0, 1/2 and the top, labelled on the right. */
  for (int i = 0; i <= 2; i++)
    {
      double y = floor (plot_y + plot_h * i / 2.0) + 0.5;
      g_autofree char *label = ic_graph_format_value (self->unit, y_max * (2 - i) / 2.0);

      gdk_cairo_set_source_rgba (cr, &grid);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, plot_x, y);
      cairo_line_to (cr, plot_x + plot_w, y);
      cairo_stroke (cr);
      draw_text (cr, layout, label, width, y - 8, TRUE, &dim);
    }

  /* Time axis: the span on the left, "now" on the right. */
  {
    double span = self->capacity;
    g_autofree char *left = NULL;

    if (span >= 120)
      /* Translators: a time axis label, minutes ago */
      left = g_strdup_printf (_("%.0f min ago"), span / 60);
    else
      /* Translators: a time axis label, seconds ago */
      left = g_strdup_printf (_("%.0f s ago"), span);
    draw_text (cr, layout, left, plot_x, plot_y + plot_h + 1, FALSE, &dim);
    draw_text (cr, layout, C_("graph time axis", "now"), plot_x + plot_w, plot_y + plot_h + 1, TRUE, &dim);
  }

  /* The series: a translucent area under a line, newest at the right edge. */
  cairo_save (cr);
  cairo_rectangle (cr, plot_x, plot_y - 2, plot_w, plot_h + 4);
  cairo_clip (cr);
  for (guint s = 0; s < self->n_series; s++)
    {
      Series *series = &self->series[s];
      guint n = series->values->len;
      double dx = self->capacity > 1 ? plot_w / (self->capacity - 1) : plot_w;
      double x0 = plot_x + plot_w - dx * (n - 1);
      GdkRGBA fill = series->color;

      if (n == 0)
        continue;

      cairo_new_path (cr);
      for (guint i = 0; i < n; i++)
        {
          double v = g_array_index (series->values, double, i);
          double y = plot_y + plot_h - plot_h * CLAMP (v / y_max, 0, 1);

          if (i == 0)
            cairo_move_to (cr, x0, y);
          cairo_line_to (cr, x0 + dx * i, y);
        }
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_set_line_width (cr, 2);
      gdk_cairo_set_source_rgba (cr, &series->color);
      /* The second series is dashed so equal values (echo) show both. */
      if (s > 0)
        cairo_set_dash (cr, (double[]) { 5, 3 }, 2, 0);
      cairo_stroke_preserve (cr);
      cairo_set_dash (cr, NULL, 0, 0);

      cairo_line_to (cr, x0 + dx * (n - 1), plot_y + plot_h);
      cairo_line_to (cr, x0, plot_y + plot_h);
      cairo_close_path (cr);
      fill.alpha *= self->n_series > 1 ? 0.15 : 0.25;
      gdk_cairo_set_source_rgba (cr, &fill);
      cairo_fill (cr);
    }
  cairo_restore (cr);

  cairo_destroy (cr);
}

static void
ic_graph_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 360;
    }
  else
    {
      *minimum = 96;
      *natural = 120;
    }
}

static void
ic_graph_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  IcGraph *self = IC_GRAPH (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_UNIT:
      g_value_set_int (value, self->unit);
      break;
    case PROP_CAPACITY:
      g_value_set_uint (value, self->capacity);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_graph_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  IcGraph *self = IC_GRAPH (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      ic_graph_set_title (self, g_value_get_string (value));
      break;
    case PROP_UNIT:
      ic_graph_set_unit (self, g_value_get_int (value));
      break;
    case PROP_CAPACITY:
      ic_graph_set_capacity (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_graph_finalize (GObject *object)
{
  IcGraph *self = IC_GRAPH (object);

  g_free (self->title);
  for (guint s = 0; s < IC_GRAPH_MAX_SERIES; s++)
    {
      g_free (self->series[s].label);
      g_array_unref (self->series[s].values);
    }

  G_OBJECT_CLASS (ic_graph_parent_class)->finalize (object);
}

static void
ic_graph_class_init (IcGraphClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = ic_graph_finalize;
  object_class->get_property = ic_graph_get_property;
  object_class->set_property = ic_graph_set_property;
  widget_class->snapshot = ic_graph_snapshot;
  widget_class->measure = ic_graph_measure;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNIT] =
    g_param_spec_int ("unit", NULL, NULL, IC_GRAPH_UNIT_COUNT, IC_GRAPH_UNIT_BYTES_PER_SECOND,
                      IC_GRAPH_UNIT_COUNT,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL, 2, 100000, 300,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "graph");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ic_graph_init (IcGraph *self)
{
  static const char *colors[IC_GRAPH_MAX_SERIES] = { "#3584e4", "#ff7800" };

  self->capacity = 300;
  self->n_series = 1;
  for (guint s = 0; s < IC_GRAPH_MAX_SERIES; s++)
    {
      self->series[s].values = g_array_new (FALSE, FALSE, sizeof (double));
      gdk_rgba_parse (&self->series[s].color, colors[s]);
    }
}

GtkWidget *
ic_graph_new (void)
{
  return g_object_new (IC_TYPE_GRAPH, NULL);
}

void
ic_graph_set_title (IcGraph    *self,
                    const char *title)
{
  g_return_if_fail (IC_IS_GRAPH (self));

  if (set_str (&self->title, title))
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title ? title : "",
                                      -1);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

const char *
ic_graph_get_title (IcGraph *self)
{
  g_return_val_if_fail (IC_IS_GRAPH (self), NULL);
  return self->title;
}

void
ic_graph_set_unit (IcGraph     *self,
                   IcGraphUnit  unit)
{
  g_return_if_fail (IC_IS_GRAPH (self));

  if (self->unit != unit)
    {
      self->unit = unit;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNIT]);
    }
}

static void
trim (IcGraph *self,
      Series  *series)
{
  if (series->values->len > self->capacity)
    g_array_remove_range (series->values, 0, series->values->len - self->capacity);
}

void
ic_graph_set_capacity (IcGraph *self,
                       guint    n_samples)
{
  g_return_if_fail (IC_IS_GRAPH (self));
  g_return_if_fail (n_samples >= 2);

  if (self->capacity != n_samples)
    {
      self->capacity = n_samples;
      for (guint s = 0; s < IC_GRAPH_MAX_SERIES; s++)
        trim (self, &self->series[s]);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPACITY]);
    }
}

guint
ic_graph_get_capacity (IcGraph *self)
{
  g_return_val_if_fail (IC_IS_GRAPH (self), 0);
  return self->capacity;
}

void
ic_graph_set_series_label (IcGraph    *self,
                           guint       series,
                           const char *label)
{
  g_return_if_fail (IC_IS_GRAPH (self));
  g_return_if_fail (series < IC_GRAPH_MAX_SERIES);

  set_str (&self->series[series].label, label);
  self->n_series = MAX (self->n_series, series + 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ic_graph_set_series_color (IcGraph       *self,
                           guint          series,
                           const GdkRGBA *color)
{
  g_return_if_fail (IC_IS_GRAPH (self));
  g_return_if_fail (series < IC_GRAPH_MAX_SERIES);
  g_return_if_fail (color != NULL);

  self->series[series].color = *color;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ic_graph_set_values (IcGraph      *self,
                     guint         series,
                     const double *values,
                     guint         n_values)
{
  Series *s;

  g_return_if_fail (IC_IS_GRAPH (self));
  g_return_if_fail (series < IC_GRAPH_MAX_SERIES);
  g_return_if_fail (values != NULL || n_values == 0);

  s = &self->series[series];
  g_array_set_size (s->values, 0);
  if (n_values > self->capacity)
    {
      values += n_values - self->capacity;
      n_values = self->capacity;
    }
  g_array_append_vals (s->values, values, n_values);
  self->n_series = MAX (self->n_series, series + 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ic_graph_push (IcGraph *self,
               guint    series,
               double   value)
{
  g_return_if_fail (IC_IS_GRAPH (self));
  g_return_if_fail (series < IC_GRAPH_MAX_SERIES);

  g_array_append_val (self->series[series].values, value);
  trim (self, &self->series[series]);
  self->n_series = MAX (self->n_series, series + 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ic_graph_clear (IcGraph *self)
{
  g_return_if_fail (IC_IS_GRAPH (self));

  for (guint s = 0; s < IC_GRAPH_MAX_SERIES; s++)
    g_array_set_size (self->series[s].values, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
ic_graph_get_n_values (IcGraph *self,
                       guint    series)
{
  g_return_val_if_fail (IC_IS_GRAPH (self), 0);
  g_return_val_if_fail (series < IC_GRAPH_MAX_SERIES, 0);
  return self->series[series].values->len;
}
