/* ic-graph.h - a live line graph of one or two series (GtkSnapshot/cairo).
 * Values come in as plain arrays, oldest first, one sample per second.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  IC_GRAPH_UNIT_COUNT,           /* plain numbers: clients */
  IC_GRAPH_UNIT_BYTES_PER_SECOND,
} IcGraphUnit;

#define IC_GRAPH_MAX_SERIES 2

#define IC_TYPE_GRAPH (ic_graph_get_type ())
G_DECLARE_FINAL_TYPE (IcGraph, ic_graph, IC, GRAPH, GtkWidget)

GtkWidget *ic_graph_new (void);

void ic_graph_set_title (IcGraph *self, const char *title);
const char *ic_graph_get_title (IcGraph *self);
void ic_graph_set_unit (IcGraph *self, IcGraphUnit unit);
/* How many samples the x axis spans (older values scroll out). */
void ic_graph_set_capacity (IcGraph *self, guint n_samples);
guint ic_graph_get_capacity (IcGraph *self);
void ic_graph_set_series_label (IcGraph *self, guint series, const char *label);
void ic_graph_set_series_color (IcGraph *self, guint series, const GdkRGBA *color);
/* Replaces a series; values are copied, the newest last. */
void ic_graph_set_values (IcGraph *self, guint series, const double *values, guint n_values);
/* Appends one sample to a series (drops the oldest beyond the capacity). */
void ic_graph_push (IcGraph *self, guint series, double value);
void ic_graph_clear (IcGraph *self);
guint ic_graph_get_n_values (IcGraph *self, guint series);
/* The top of the y axis now (a "nice" number >= every visible value). */
double ic_graph_get_y_max (IcGraph *self);

/* "12 kB/s", "3" */
char *ic_graph_format_value (IcGraphUnit unit, double value);

G_END_DECLS
