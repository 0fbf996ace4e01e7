/* ic-server-page.c - one server's page.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-server-page.h"

#include <glib/gi18n.h>

#include "ic-event-log-view.h"
#include "ic-graph.h"
#include "ic-server-row.h"
#include "ic-server-tls-view.h"
#include "ic-tls-details.h"
#include "ic-traffic-view.h"
#include "ic-ui-util.h"

static const guint bandwidth_steps[] = {
  0, 100, 250, 500, 1000, 2000, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
  1000000, 2500000, 5000000, 10000000, 25000000, 50000000, 100000000,
};

struct _IcServerPage
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkLabel *name_label;
  GtkLabel *status_label;
  GtkLabel *address_label;
  GtkBox *counters_box;
  GtkStack *suspend_stack;
  GtkStack *start_stack;
  GtkWidget *start_button;
  GtkWidget *stop_button;
  GtkWidget *suspend_button;
  GtkWidget *resume_button;
  GtkWidget *restart_button;
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  AdwViewStack *view_stack;
  IcGraph *clients_graph;
  IcGraph *traffic_graph;
  GtkStack *clients_stack;
  AdwStatusPage *clients_status;
  GtkColumnView *client_view;
  GtkWidget *client_pane;
  GtkLabel *client_title;
  GtkToggleButton *hex_toggle;
  IcTrafficView *traffic_view;
  IcGraph *client_graph;
  GtkWidget *client_switcher;
  GtkWidget *traffic_tools;
  GtkStack *client_stack;
  IcTlsDetails *tls_details;
  AdwViewStackPage *tls_stack_page;
  IcServerTlsView *tls_view;
  IcEventLogView *event_log_view;
  GtkRange *max_clients_scale;
  GtkLabel *max_clients_scale_value;
  GtkRange *per_address_scale;
  GtkLabel *per_address_scale_value;
  GtkRange *accept_interval_scale;
  GtkLabel *accept_interval_scale_value;
  GtkRange *bandwidth_scale;
  GtkLabel *bandwidth_scale_value;
  AdwComboRow *priority_row;

  /* Counter labels, made in init */
  GtkLabel *counter_values[6];
  GtkWidget *failed_counter;    /* shown for TLS servers */

  /* Owned */
  IcServer *server;
  GtkSortListModel *sort_model;
  GtkSingleSelection *selection;
  IcClient *client;
  guint64 client_serial;
  guint header_source;          /* a coalesced update_header is pending */
  const char *status_class;
  gboolean updating_limits;
};

G_DEFINE_FINAL_TYPE (IcServerPage, ic_server_page, GTK_TYPE_WIDGET)

guint
ic_bandwidth_step_to_rate (guint step)
{
  return bandwidth_steps[MIN (step, G_N_ELEMENTS (bandwidth_steps) - 1)];
}

guint
ic_bandwidth_rate_to_step (guint rate)
{
  guint best = 0;

  if (rate == 0)
    return 0;
  for (guint i = 1; i < G_N_ELEMENTS (bandwidth_steps); i++)
    if (bandwidth_steps[i] <= rate)
      best = i;
  return MAX (best, 1);
}

/* ------------------------------------------------------- formatting */

static char *
format_uint (gpointer unused,
             guint    value)
{
  return g_strdup_printf ("%u", value);
}

static char *
format_duration (gpointer unused,
                 gint64   seconds)
{
  if (seconds < 0)
    seconds = 0;
  if (seconds < 60)
    /* Translators: a duration in seconds, "42 s" */
    return g_strdup_printf (_("%d s"), (int) seconds);
  if (seconds < 3600)
    return g_strdup_printf ("%d:%02d", (int) (seconds / 60), (int) (seconds % 60));
  return g_strdup_printf ("%d:%02d:%02d", (int) (seconds / 3600), (int) (seconds / 60 % 60),
                          (int) (seconds % 60));
}

static char *
format_size (gpointer unused,
             guint64  bytes)
{
  return g_format_size (bytes);
}

static char *
format_rate (gpointer unused,
             double   rate)
{
  if (rate < 0.5)
    return g_strdup ("—");
  return ic_graph_format_value (IC_GRAPH_UNIT_BYTES_PER_SECOND, rate);
}

static char *
format_tls (gpointer    unused,
            const char *version,
            const char *cipher)
{
  if (version == NULL || *version == '\0')
    return g_strdup ("—");
  if (cipher == NULL || *cipher == '\0')
    return g_strdup (version);
  return g_strdup_printf ("%s · %s", version, cipher);
}

static const char *
service_label (const char *service)
{
  static const struct { const char *id; const char *label; } names[] = {
    { "echo", N_("Echo") }, { "discard", N_("Discard") }, { "chargen", N_("Character Generator") },
    { "daytime", N_("Daytime") }, { "banner", N_("Banner") }, { "http", N_("HTTP") },
    { "manual", N_("Manual") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (service, names[i].id) == 0)
      return _(names[i].label);
  return service ? service : "";
}

/* ------------------------------------------------------------ header */

static void
update_header (IcServerPage *self)
{
  IcServerStatus status;
  g_autofree char *service = NULL;
  g_autofree char *address_line = NULL;
  char *values[6];
  guint64 accepted = 0, rejected = 0, bytes_in = 0, bytes_out = 0, failed = 0;
  double rate_in = 0, rate_out = 0;
  guint peak = 0;
  gboolean tls = FALSE, running;
  const char *address, *error;

  if (self->server == NULL)
    return;

  status = ic_server_get_status (self->server);
  running = ic_server_get_running (self->server);
  address = ic_server_get_address (self->server);
  error = ic_server_get_error (self->server);
  g_object_get (self->server, "service", &service, "tls", &tls, "accepted", &accepted,
                "rejected", &rejected, "bytes-in", &bytes_in, "bytes-out", &bytes_out,
                "rate-in", &rate_in, "rate-out", &rate_out, "peak-clients", &peak,
                "handshake-failures", &failed, NULL);

  gtk_label_set_text (self->name_label, ic_server_get_name (self->server));
  gtk_label_set_text (self->status_label, ic_server_status_to_label (status));
  ic_ui_set_state_class (GTK_WIDGET (self->status_label), &self->status_class,
                         ic_server_status_to_css (status));

  address_line = g_strdup_printf ("%s · %s%s", address ? address : "", service_label (service),
                                  tls ? " · TLS" : "");
  gtk_label_set_text (self->address_label, address_line);

  values[0] = g_strdup_printf ("%u", ic_server_get_n_clients (self->server));
  values[1] = g_strdup_printf ("%" G_GUINT64_FORMAT, accepted);
  values[2] = g_strdup_printf ("%" G_GUINT64_FORMAT, rejected);
  values[3] = g_format_size (bytes_in);
  values[4] = g_format_size (bytes_out);
  values[5] = g_strdup_printf ("%" G_GUINT64_FORMAT, failed);
  for (guint i = 0; i < 6; i++)
    {
      gtk_label_set_text (self->counter_values[i], values[i]);
      g_free (values[i]);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->counters_box), running || accepted > 0);
  gtk_widget_set_visible (self->failed_counter, tls);
  adw_view_stack_page_set_visible (self->tls_stack_page, tls);

  gtk_stack_set_visible_child_name (self->start_stack, running ? "stop" : "start");
  gtk_stack_set_visible_child_name (self->suspend_stack,
                                    status == IC_SERVER_SUSPENDED ? "resume" : "suspend");

  gtk_revealer_set_reveal_child (self->error_revealer, status == IC_SERVER_FAILED && error);
  if (error)
    gtk_label_set_text (self->error_label, error);
}

static gboolean
header_update_cb (gpointer data)
{
  IcServerPage *self = data;

  self->header_source = 0;
  update_header (self);
  return G_SOURCE_REMOVE;
}

/* A sampler tick changes a dozen properties, one notify each: the header
 * is updated once for them, before the next frame is drawn. */
static void
queue_header_update (IcServerPage *self)
{
  if (self->header_source == 0)
    self->header_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, header_update_cb, self,
                                           NULL);
}

static GtkWidget *
make_counter (IcServerPage *self,
              guint         index,
              const char   *title)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *value = gtk_label_new ("0");
  GtkWidget *label = gtk_label_new (title);

  gtk_widget_add_css_class (value, "counter-value");
  gtk_widget_add_css_class (value, "numeric");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), value);
  gtk_box_append (GTK_BOX (box), label);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
  self->counter_values[index] = GTK_LABEL (value);
  gtk_widget_set_tooltip_text (box, title);
  return box;
}

/* ------------------------------------------------------------ clients */

static void
update_clients_stack (IcServerPage *self)
{
  guint n = self->sort_model ? g_list_model_get_n_items (G_LIST_MODEL (self->sort_model)) : 0;

  if (n == 0 && self->server)
    {
      if (ic_server_get_running (self->server))
        {
          g_autofree char *hint = NULL;
          guint port = ic_server_get_port (self->server);

          hint = g_strdup_printf (_("Connect a client, for example with “nc 127.0.0.1 %u”."), port);
          adw_status_page_set_title (self->clients_status, _("Waiting for Clients"));
          adw_status_page_set_description (self->clients_status, hint);
        }
      else
        {
          adw_status_page_set_title (self->clients_status, _("Server Stopped"));
          adw_status_page_set_description (self->clients_status,
                                           _("Start the server to accept clients."));
        }
    }
  gtk_stack_set_visible_child_name (self->clients_stack, n ? "table" : "empty");
}

/* A history's bytes per second in and out, as the graph's two series. */
static void
set_rates (IcGraph        *graph,
           IcStatsHistory *history)
{
  guint n = ic_stats_history_get_n_samples (history);
  g_autofree double *in = g_new (double, MAX (n, 1));
  g_autofree double *out = g_new (double, MAX (n, 1));

  for (guint i = 0; i < n; i++)
    {
      const IcStatsSample *sample = ic_stats_history_get_sample (history, i);

      in[i] = sample->bytes_in;
      out[i] = sample->bytes_out;
    }
  ic_graph_set_values (graph, 0, in, n);
  ic_graph_set_values (graph, 1, out, n);
}

static void
update_history (IcServerPage *self)
{
  IcStatsHistory *history;
  guint n;
  g_autofree double *clients = NULL;

  if (self->server == NULL)
    return;
  history = ic_server_get_history (self->server);
  n = ic_stats_history_get_n_samples (history);
  clients = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    clients[i] = ic_stats_history_get_sample (history, i)->clients;
  ic_graph_set_values (self->clients_graph, 0, clients, n);
  set_rates (self->traffic_graph, history);
}

static void
update_client_history (IcServerPage *self)
{
  if (self->client == NULL)
    ic_graph_clear (self->client_graph);
  else
    set_rates (self->client_graph, ic_client_get_history (self->client));
}

static void
pull_transcript (IcServerPage *self)
{
  g_autoptr(GPtrArray) chunks = NULL;

  if (self->client == NULL)
    return;
  chunks = ic_transcript_dup_chunks (ic_client_get_transcript (self->client), self->client_serial);
  for (guint i = 0; i < chunks->len; i++)
    {
      IcTrafficChunk *chunk = g_ptr_array_index (chunks, i);
      gsize length;
      const guint8 *data = g_bytes_get_data (chunk->bytes, &length);

      ic_traffic_view_append (self->traffic_view, chunk->direction == IC_TRAFFIC_IN,
                              chunk->time, data, length);
      self->client_serial = chunk->serial;
    }
}

static void
update_client_title (IcServerPage *self)
{
  g_autofree char *title = NULL;
  g_autofree char *tls = NULL;
  IcClientState state;

  if (self->client == NULL)
    {
      gtk_label_set_text (self->client_title, _("Select a client to see its traffic"));
      ic_traffic_view_set_can_send (self->traffic_view, FALSE);
      return;
    }
  state = ic_client_get_state (self->client);
  g_object_get (self->client, "tls-version", &tls, NULL);
  /* Translators: the traffic pane title, "Client 12 · 127.0.0.1:5000" */
  title = g_strdup_printf (_("Client %u · %s%s%s%s"), ic_client_get_id (self->client),
                           ic_client_get_peer (self->client),
                           tls ? " · " : "", tls ? tls : "",
                           state == IC_CLIENT_CLOSED ? _(" · disconnected")
                           : ic_client_get_paused (self->client) ? _(" · reading paused") : "");
  gtk_label_set_text (self->client_title, title);
  ic_traffic_view_set_can_send (self->traffic_view, state == IC_CLIENT_CONNECTED);
}

static void
set_client (IcServerPage *self,
            IcClient     *client)
{
  if (self->client == client)
    return;
  if (self->client)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      g_signal_handlers_disconnect_by_data (ic_client_get_transcript (self->client), self);
      g_signal_handlers_disconnect_by_data (ic_client_get_history (self->client), self);
    }
  g_set_object (&self->client, client);
  self->client_serial = 0;
  ic_traffic_view_clear (self->traffic_view);
  if (client)
    {
      g_signal_connect_object (client, "notify::state", G_CALLBACK (update_client_title), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (client, "notify::paused", G_CALLBACK (update_client_title), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (client, "notify::tls-version", G_CALLBACK (update_client_title),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (ic_client_get_transcript (client), "changed",
                               G_CALLBACK (pull_transcript), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (ic_client_get_history (client), "changed",
                               G_CALLBACK (update_client_history), self, G_CONNECT_SWAPPED);
      pull_transcript (self);
    }
  update_client_title (self);
  update_client_history (self);
  ic_tls_details_set_client (self->tls_details, client);
  {
    gboolean secure = client && ic_client_get_secure (client);

    gtk_widget_set_visible (self->client_switcher, secure);
    if (!secure)
      gtk_stack_set_visible_child_name (self->client_stack, "traffic");
  }
  /* The traffic pane is there only while a client is selected. */
  gtk_widget_set_visible (self->client_pane, client != NULL);
}

static void
on_selected_client_changed (IcServerPage *self)
{
  set_client (self, gtk_single_selection_get_selected_item (self->selection));
}

static void
on_send_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(IcServerPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (ic_client_send_finish (IC_CLIENT (source), result, &error) < 0)
    {
      g_autofree char *text = g_strdup_printf (_("Could not send: %s"),
                                               error ? error->message : _("the client is gone"));

      ic_ui_toast (GTK_WIDGET (self), text);
    }
}

static void
on_traffic_send (IcServerPage *self,
                 GBytes       *bytes)
{
  if (self->client)
    ic_client_send_async (self->client, bytes, NULL, on_send_done, g_object_ref (self));
}

static void
on_clear_traffic_clicked (IcServerPage *self)
{
  if (self->client)
    ic_transcript_clear (ic_client_get_transcript (self->client));
  ic_traffic_view_clear (self->traffic_view);
}

/* Priority column: a dropdown bound both ways to IcClient:priority, so
 * choosing a value calls InetSetClientPriority and the effective value
 * read back shows. */
static void
priority_setup (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                IcServerPage             *self)
{
  g_autoptr(GtkStringList) names = NULL;
  GtkWidget *dropdown;

  names = gtk_string_list_new ((const char *[]) {
                                 C_("priority", "Background"), C_("priority", "Low"),
                                 C_("priority", "Normal"), C_("priority", "High"),
                                 C_("priority", "Critical"), NULL });
  dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (names)), NULL);
  gtk_widget_add_css_class (dropdown, "flat");
  gtk_widget_set_tooltip_text (dropdown, _("Scheduling priority of this client’s thread"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Client priority"), -1);
  gtk_list_item_set_child (item, dropdown);
}

static void
priority_bind (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               IcServerPage             *self)
{
  GBinding *binding;

  binding = g_object_bind_property (gtk_list_item_get_item (item), "priority",
                                    gtk_list_item_get_child (item), "selected",
                                    G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_object_set_data (G_OBJECT (item), "binding", binding);
}

static void
priority_unbind (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 IcServerPage             *self)
{
  GBinding *binding = g_object_get_data (G_OBJECT (item), "binding");

  if (binding)
    g_binding_unbind (binding);
  g_object_set_data (G_OBJECT (item), "binding", NULL);
}

static void
on_disconnect_clicked (GtkButton   *button,
                       GtkListItem *item)
{
  IcClient *client = gtk_list_item_get_item (item);

  if (client)
    ic_client_disconnect (client);
}

static void
on_abort_clicked (GtkButton   *button,
                  GtkListItem *item)
{
  IcClient *client = gtk_list_item_get_item (item);

  if (client)
    ic_client_abort (client);
}

static void
actions_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               IcServerPage             *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *pause = gtk_toggle_button_new ();
  GtkWidget *disconnect = gtk_button_new_from_icon_name ("call-stop-symbolic");
  GtkWidget *abort = gtk_button_new_from_icon_name ("action-unavailable-symbolic");

  gtk_button_set_icon_name (GTK_BUTTON (pause), "media-playback-pause-symbolic");
  gtk_widget_set_tooltip_text (pause, _("Pause reading from this client (back-pressure)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (pause), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Pause reading"), -1);
  gtk_widget_set_tooltip_text (disconnect, _("Disconnect gracefully"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (disconnect), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Disconnect"), -1);
  gtk_widget_set_tooltip_text (abort, _("Reset the connection (abortive close)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (abort), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reset connection"), -1);
  {
    GtkWidget *buttons[] = { pause, disconnect, abort };

    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      {
        gtk_widget_add_css_class (buttons[i], "flat");
        gtk_widget_add_css_class (buttons[i], "circular");
        gtk_box_append (GTK_BOX (box), buttons[i]);
      }
  }
  g_signal_connect (disconnect, "clicked", G_CALLBACK (on_disconnect_clicked), item);
  g_signal_connect (abort, "clicked", G_CALLBACK (on_abort_clicked), item);
  g_object_set_data (G_OBJECT (item), "pause", pause);
  gtk_list_item_set_child (item, box);
}

static void
actions_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              IcServerPage             *self)
{
  GBinding *binding;

  binding = g_object_bind_property (gtk_list_item_get_item (item), "paused",
                                    g_object_get_data (G_OBJECT (item), "pause"), "active",
                                    G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_object_set_data (G_OBJECT (item), "pause-binding", binding);
}

static void
actions_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                IcServerPage             *self)
{
  GBinding *binding = g_object_get_data (G_OBJECT (item), "pause-binding");

  if (binding)
    g_binding_unbind (binding);
  g_object_set_data (G_OBJECT (item), "pause-binding", NULL);
}

/* ------------------------------------------------------------- limits */

static void
update_limit_labels (IcServerPage *self)
{
  guint max_clients = gtk_range_get_value (self->max_clients_scale);
  guint per_address = gtk_range_get_value (self->per_address_scale);
  guint interval = gtk_range_get_value (self->accept_interval_scale);
  guint rate = ic_bandwidth_step_to_rate (gtk_range_get_value (self->bandwidth_scale));
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  a = max_clients ? g_strdup_printf ("%u", max_clients) : g_strdup (_("Unlimited"));
  b = per_address ? g_strdup_printf ("%u", per_address) : g_strdup (_("Unlimited"));
  /* Translators: milliseconds */
  c = interval ? g_strdup_printf (_("%u ms"), interval) : g_strdup (_("None"));
  d = rate ? ic_graph_format_value (IC_GRAPH_UNIT_BYTES_PER_SECOND, rate) : g_strdup (_("Unlimited"));
  gtk_label_set_text (self->max_clients_scale_value, a);
  gtk_label_set_text (self->per_address_scale_value, b);
  gtk_label_set_text (self->accept_interval_scale_value, c);
  gtk_label_set_text (self->bandwidth_scale_value, d);
}

static void
load_limits (IcServerPage *self)
{
  guint max_clients = 0, per_address = 0, interval = 0, rate = 0, priority = 2;

  if (self->server == NULL)
    return;
  g_object_get (self->server, "max-clients", &max_clients, "max-per-address", &per_address,
                "accept-interval", &interval, "rate-limit", &rate, "priority", &priority, NULL);
  self->updating_limits = TRUE;
  gtk_range_set_value (self->max_clients_scale, max_clients);
  gtk_range_set_value (self->per_address_scale, per_address);
  gtk_range_set_value (self->accept_interval_scale, interval);
  gtk_range_set_value (self->bandwidth_scale, ic_bandwidth_rate_to_step (rate));
  adw_combo_row_set_selected (self->priority_row, priority);
  self->updating_limits = FALSE;
  update_limit_labels (self);
}

static void
on_throttle_changed (IcServerPage *self)
{
  g_autoptr(GError) error = NULL;

  update_limit_labels (self);
  if (self->updating_limits || self->server == NULL)
    return;
  if (!ic_server_throttle (self->server, gtk_range_get_value (self->max_clients_scale),
                           gtk_range_get_value (self->per_address_scale),
                           gtk_range_get_value (self->accept_interval_scale), &error))
    ic_ui_toast (GTK_WIDGET (self), error->message);
}

static void
on_bandwidth_changed (IcServerPage *self)
{
  g_autoptr(GError) error = NULL;

  update_limit_labels (self);
  if (self->updating_limits || self->server == NULL)
    return;
  if (!ic_server_set_bandwidth (self->server,
                                ic_bandwidth_step_to_rate (gtk_range_get_value (self->bandwidth_scale)),
                                &error))
    ic_ui_toast (GTK_WIDGET (self), error->message);
}

static void
on_priority_changed (IcServerPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->updating_limits || self->server == NULL)
    return;
  if (!ic_server_set_priority (self->server, adw_combo_row_get_selected (self->priority_row),
                               &error))
    ic_ui_toast (GTK_WIDGET (self), error->message);
}

/* ------------------------------------------------------------- server */

void
ic_server_page_set_server (IcServerPage *self,
                           IcServer     *server)
{
  static const char *header_props[] = {
    "notify::name", "notify::status", "notify::address", "notify::error", "notify::n-clients",
    "notify::accepted", "notify::rejected", "notify::bytes-in", "notify::bytes-out",
    "notify::service", "notify::tls", "notify::handshake-failures",
  };
  static const char *limit_props[] = {
    "notify::max-clients", "notify::max-per-address", "notify::accept-interval",
    "notify::rate-limit", "notify::priority",
  };

  g_return_if_fail (IC_IS_SERVER_PAGE (self));
  g_return_if_fail (server == NULL || IC_IS_SERVER (server));

  if (self->server == server)
    return;
  if (self->server)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      g_signal_handlers_disconnect_by_data (ic_server_get_history (self->server), self);
    }
  set_client (self, NULL);
  g_set_object (&self->server, server);

  gtk_sort_list_model_set_model (self->sort_model, server ? ic_server_get_clients (server) : NULL);
  ic_graph_clear (self->clients_graph);
  ic_graph_clear (self->traffic_graph);
  if (server)
    {
      for (guint i = 0; i < G_N_ELEMENTS (header_props); i++)
        g_signal_connect_object (server, header_props[i], G_CALLBACK (queue_header_update), self,
                                 G_CONNECT_SWAPPED);
      for (guint i = 0; i < G_N_ELEMENTS (limit_props); i++)
        g_signal_connect_object (server, limit_props[i], G_CALLBACK (load_limits), self,
                                 G_CONNECT_SWAPPED);
      g_signal_connect_object (server, "notify::running", G_CALLBACK (update_clients_stack), self,
                               G_CONNECT_SWAPPED);
      /* a port-0 server learns its port after it is running */
      g_signal_connect_object (server, "notify::port", G_CALLBACK (update_clients_stack), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (ic_server_get_history (server), "changed",
                               G_CALLBACK (update_history), self, G_CONNECT_SWAPPED);
      update_header (self);
      update_history (self);
      load_limits (self);
    }
  ic_event_log_view_set_server (self->event_log_view, server ? ic_server_get_name (server) : NULL);
  ic_server_tls_view_set_server (self->tls_view, server);
  if (server == NULL)
    adw_view_stack_page_set_visible (self->tls_stack_page, FALSE);
  update_clients_stack (self);
}

IcServer *
ic_server_page_get_server (IcServerPage *self)
{
  g_return_val_if_fail (IC_IS_SERVER_PAGE (self), NULL);
  return self->server;
}

void
ic_server_page_set_log (IcServerPage *self,
                        IcEventLog   *log)
{
  g_return_if_fail (IC_IS_SERVER_PAGE (self));
  ic_event_log_view_set_log (self->event_log_view, log);
}

AdwViewStack *
ic_server_page_get_view_stack (IcServerPage *self)
{
  g_return_val_if_fail (IC_IS_SERVER_PAGE (self), NULL);
  return self->view_stack;
}

IcClient *
ic_server_page_get_selected_client (IcServerPage *self)
{
  g_return_val_if_fail (IC_IS_SERVER_PAGE (self), NULL);
  return self->client;
}

void
ic_server_page_focus_search (IcServerPage *self)
{
  g_return_if_fail (IC_IS_SERVER_PAGE (self));
  adw_view_stack_set_visible_child_name (self->view_stack, "events");
  ic_event_log_view_focus_search (self->event_log_view);
}

IcServerTlsView *
ic_server_page_get_tls_view (IcServerPage *self)
{
  g_return_val_if_fail (IC_IS_SERVER_PAGE (self), NULL);
  return self->tls_view;
}

IcTlsDetails *
ic_server_page_get_tls_details (IcServerPage *self)
{
  g_return_val_if_fail (IC_IS_SERVER_PAGE (self), NULL);
  return self->tls_details;
}

void
ic_server_page_show_client_tls (IcServerPage *self,
                                gboolean      tls)
{
  g_return_if_fail (IC_IS_SERVER_PAGE (self));
  gtk_stack_set_visible_child_name (self->client_stack, tls ? "tls" : "traffic");
}

GtkColumnView *
ic_server_page_get_client_view (IcServerPage *self)
{
  g_return_val_if_fail (IC_IS_SERVER_PAGE (self), NULL);
  return self->client_view;
}

GtkRange *
ic_server_page_get_limit_scale (IcServerPage *self,
                                const char   *name)
{
  g_return_val_if_fail (IC_IS_SERVER_PAGE (self), NULL);

  if (g_str_equal (name, "max-clients"))
    return self->max_clients_scale;
  if (g_str_equal (name, "max-per-address"))
    return self->per_address_scale;
  if (g_str_equal (name, "accept-interval"))
    return self->accept_interval_scale;
  if (g_str_equal (name, "bandwidth"))
    return self->bandwidth_scale;
  g_return_val_if_reached (NULL);
}

GtkWidget *
ic_server_page_get_button (IcServerPage *self,
                           const char   *name)
{
  g_return_val_if_fail (IC_IS_SERVER_PAGE (self), NULL);

  if (g_str_equal (name, "start"))
    return self->start_button;
  if (g_str_equal (name, "stop"))
    return self->stop_button;
  if (g_str_equal (name, "suspend"))
    return self->suspend_button;
  if (g_str_equal (name, "resume"))
    return self->resume_button;
  if (g_str_equal (name, "restart"))
    return self->restart_button;
  g_return_val_if_reached (NULL);
}

static gboolean
is_traffic (GBinding     *binding,
            const GValue *from,
            GValue       *to,
            gpointer      user_data)
{
  g_value_set_boolean (to, g_strcmp0 (g_value_get_string (from), "traffic") == 0);
  return TRUE;
}

static void
ic_server_page_dispose (GObject *object)
{
  IcServerPage *self = IC_SERVER_PAGE (object);

  ic_server_page_set_server (self, NULL);
  g_clear_handle_id (&self->header_source, g_source_remove);
  if (self->client_view)
    gtk_column_view_set_model (self->client_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_SERVER_PAGE);
  /* Children the template does not bind (separators) go too. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  self->sort_model = NULL;

  G_OBJECT_CLASS (ic_server_page_parent_class)->dispose (object);
}

static void
ic_server_page_class_init (IcServerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ic_server_page_dispose;

  g_type_ensure (IC_TYPE_CLIENT);
  g_type_ensure (IC_TYPE_GRAPH);
  g_type_ensure (IC_TYPE_TRAFFIC_VIEW);
  g_type_ensure (IC_TYPE_EVENT_LOG_VIEW);
  g_type_ensure (IC_TYPE_TLS_DETAILS);
  g_type_ensure (IC_TYPE_SERVER_TLS_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inetconsole/Console/ui/ic-server-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, IcServerPage, name)
  BIND (name_label);
  BIND (status_label);
  BIND (address_label);
  BIND (counters_box);
  BIND (suspend_stack);
  BIND (start_stack);
  BIND (start_button);
  BIND (stop_button);
  BIND (suspend_button);
  BIND (resume_button);
  BIND (restart_button);
  BIND (error_revealer);
  BIND (error_label);
  BIND (view_stack);
  BIND (clients_graph);
  BIND (traffic_graph);
  BIND (clients_stack);
  BIND (clients_status);
  BIND (client_view);
  BIND (client_pane);
  BIND (client_title);
  BIND (hex_toggle);
  BIND (traffic_view);
  BIND (client_graph);
  BIND (client_switcher);
  BIND (traffic_tools);
  BIND (client_stack);
  BIND (tls_details);
  BIND (tls_stack_page);
  BIND (tls_view);
  BIND (event_log_view);
  BIND (max_clients_scale);
  BIND (max_clients_scale_value);
  BIND (per_address_scale);
  BIND (per_address_scale_value);
  BIND (accept_interval_scale);
  BIND (accept_interval_scale_value);
  BIND (bandwidth_scale);
  BIND (bandwidth_scale_value);
  BIND (priority_row);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, format_uint);
  gtk_widget_class_bind_template_callback (widget_class, format_duration);
  gtk_widget_class_bind_template_callback (widget_class, format_size);
  gtk_widget_class_bind_template_callback (widget_class, format_rate);
  gtk_widget_class_bind_template_callback (widget_class, format_tls);
  gtk_widget_class_bind_template_callback (widget_class, priority_setup);
  gtk_widget_class_bind_template_callback (widget_class, priority_bind);
  gtk_widget_class_bind_template_callback (widget_class, priority_unbind);
  gtk_widget_class_bind_template_callback (widget_class, actions_setup);
  gtk_widget_class_bind_template_callback (widget_class, actions_bind);
  gtk_widget_class_bind_template_callback (widget_class, actions_unbind);
  gtk_widget_class_bind_template_callback (widget_class, on_traffic_send);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_traffic_clicked);

  gtk_widget_class_set_css_name (widget_class, "serverpage");
}

static void
ic_server_page_init (IcServerPage *self)
{
  static const char *counter_titles[] = {
    N_("Clients"), N_("Accepted"), N_("Rejected"), N_("Received"), N_("Sent"),
    N_("Failed TLS"),
  };
  GdkRGBA purple;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (counter_titles); i++)
    {
      GtkWidget *counter = make_counter (self, i, _(counter_titles[i]));

      gtk_box_append (self->counters_box, counter);
      self->failed_counter = counter;  /* the last one */
    }
  gtk_widget_set_tooltip_text (self->failed_counter,
                               _("Clients whose TLS handshake failed: see the TLS page"));
  gtk_widget_set_visible (self->failed_counter, FALSE);
  /* the Text/Hex tools belong to the traffic, not to the TLS details */
  g_object_bind_property_full (self->client_stack, "visible-child-name", self->traffic_tools,
                               "visible", G_BINDING_SYNC_CREATE, is_traffic, NULL, NULL, NULL);

  self->sort_model = gtk_sort_list_model_new (NULL, g_object_ref (gtk_column_view_get_sorter (self->client_view)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sort_model));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->client_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selected_client_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sort_model, "items-changed",
                           G_CALLBACK (update_clients_stack), self, G_CONNECT_SWAPPED);

  ic_graph_set_title (self->clients_graph, _("Clients"));
  ic_graph_set_series_label (self->clients_graph, 0, _("Now"));
  gdk_rgba_parse (&purple, "#9141ac");
  ic_graph_set_series_color (self->clients_graph, 0, &purple);
  ic_graph_set_capacity (self->clients_graph, 180);
  ic_graph_set_title (self->traffic_graph, _("Throughput"));
  ic_graph_set_unit (self->traffic_graph, IC_GRAPH_UNIT_BYTES_PER_SECOND);
  ic_graph_set_series_label (self->traffic_graph, 0, _("In"));
  ic_graph_set_series_label (self->traffic_graph, 1, _("Out"));
  ic_graph_set_capacity (self->traffic_graph, 180);
  ic_graph_set_title (self->client_graph, _("This Client"));
  ic_graph_set_unit (self->client_graph, IC_GRAPH_UNIT_BYTES_PER_SECOND);
  ic_graph_set_series_label (self->client_graph, 0, _("In"));
  ic_graph_set_series_label (self->client_graph, 1, _("Out"));
  ic_graph_set_capacity (self->client_graph, 120);

  g_object_bind_property (self->hex_toggle, "active", self->traffic_view, "mode",
                          G_BINDING_SYNC_CREATE);

  g_signal_connect_object (self->max_clients_scale, "value-changed",
                           G_CALLBACK (on_throttle_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->per_address_scale, "value-changed",
                           G_CALLBACK (on_throttle_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->accept_interval_scale, "value-changed",
                           G_CALLBACK (on_throttle_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->bandwidth_scale, "value-changed",
                           G_CALLBACK (on_bandwidth_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->priority_row, "notify::selected",
                           G_CALLBACK (on_priority_changed), self, G_CONNECT_SWAPPED);
  update_limit_labels (self);
  update_client_title (self);
  update_clients_stack (self);
  gtk_widget_set_visible (self->client_pane, FALSE);
}

GtkWidget *
ic_server_page_new (void)
{
  return g_object_new (IC_TYPE_SERVER_PAGE, NULL);
}
