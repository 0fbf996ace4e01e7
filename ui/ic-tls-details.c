/* ic-tls-details.c - one client's TLS, and its handshake step by step.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-tls-details.h"

#include <glib/gi18n.h>

static const char *const fields[] = {
  "protocol", "cipher", "group", "sni", "alpn", "session", "time", "client-cert",
};
#define N_FIELDS G_N_ELEMENTS (fields)

struct _IcTlsDetails
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkGrid *grid;
  GtkBox *steps_box;

  /* Made in init */
  GtkLabel *values[N_FIELDS];

  /* Owned */
  IcClient *client;
};

G_DEFINE_FINAL_TYPE (IcTlsDetails, ic_tls_details, GTK_TYPE_WIDGET)

typedef struct
{
  char *version, *cipher, *group, *sni, *alpn, *subject, *issuer;
  gboolean secure, resumed;
  guint micros;
} Tls;

static void
tls_clear (Tls *tls)
{
  g_free (tls->version);
  g_free (tls->cipher);
  g_free (tls->group);
  g_free (tls->sni);
  g_free (tls->alpn);
  g_free (tls->subject);
  g_free (tls->issuer);
}

static gboolean
is_set (const char *text)
{
  return text != NULL && *text != '\0';
}

static char *
format_micros (guint micros)
{
  if (micros < 1000)
    /* Translators: microseconds */
    return g_strdup_printf (_("%u µs"), micros);
  /* Translators: milliseconds with one decimal */
  return g_strdup_printf (_("%.1f ms"), micros / 1000.0);
}

static void
set_value (IcTlsDetails *self,
           guint         field,
           const char   *text)
{
  gtk_label_set_text (self->values[field], is_set (text) ? text : "—");
}

static void
add_step (IcTlsDetails *self,
          const char   *icon,
          const char   *title,
          const char   *text)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *image = gtk_image_new_from_icon_name (icon);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *heading = gtk_label_new (title);
  GtkWidget *body = gtk_label_new (text);

  gtk_widget_add_css_class (row, "tls-step");
  gtk_widget_set_valign (image, GTK_ALIGN_START);
  gtk_widget_set_margin_top (image, 2);
  gtk_widget_add_css_class (image, "dim-label");
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (body, "dim-label");
  /* every step wraps at the same width */
  gtk_label_set_width_chars (GTK_LABEL (body), 44);
  gtk_label_set_max_width_chars (GTK_LABEL (body), 44);
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_box_append (GTK_BOX (labels), heading);
  gtk_box_append (GTK_BOX (labels), body);
  gtk_box_append (GTK_BOX (row), image);
  gtk_box_append (GTK_BOX (row), labels);
  gtk_box_append (self->steps_box, row);
}

static void
fill_steps (IcTlsDetails *self,
            const Tls    *tls)
{
  g_autofree char *hello = NULL, *agreed = NULL, *keys = NULL, *done = NULL, *time = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_box))))
    gtk_box_remove (self->steps_box, child);
  if (!tls->secure)
    return;

  time = format_micros (tls->micros);
  hello = is_set (tls->sni)
            ? g_strdup_printf (_("The client offered its TLS versions and ciphers, and asked "
                                 "for “%s”."), tls->sni)
            : g_strdup (_("The client offered its TLS versions and ciphers (it named no server, "
                          "as clients do for an IP address)."));
  add_step (self, "mail-send-symbolic", _("1. Client Hello"), hello);

  agreed = g_strdup_printf (_("The server chose %s with %s."), tls->version, tls->cipher);
  add_step (self, "mail-reply-sender-symbolic", _("2. Server Hello"), agreed);

  if (tls->resumed)
    add_step (self, "view-refresh-symbolic", _("3. Session Resumed"),
              _("Both sides reused the keys of an earlier session: no certificate was needed "
                "this time."));
  else
    {
      keys = is_set (tls->group)
               ? g_strdup_printf (_("Both sides derived a shared secret with %s: someone "
                                    "listening on the wire cannot compute it."), tls->group)
               : g_strdup (_("Both sides derived a shared secret that someone listening on "
                             "the wire cannot compute."));
      add_step (self, "dialog-password-symbolic", _("3. Key Exchange"), keys);
      add_step (self, "application-certificate-symbolic", _("4. Server Certificate"),
                _("The server sent its certificate and signed the handshake with its private "
                  "key, proving the certificate is its own."));
      if (is_set (tls->subject))
        {
          g_autofree char *client = g_strdup_printf (_("The client proved it is “%s”."),
                                                     tls->subject);

          add_step (self, "avatar-default-symbolic", _("5. Client Certificate"), client);
        }
    }
  done = is_set (tls->alpn)
           ? g_strdup_printf (_("Encrypted session ready after %s; the application protocol "
                                "is “%s”."), time, tls->alpn)
           : g_strdup_printf (_("Encrypted session ready after %s. Everything sent from now on "
                                "is encrypted."), time);
  add_step (self, "channel-secure-symbolic", _("Finished"), done);
}

static void
update (IcTlsDetails *self)
{
  Tls tls = { 0 };
  g_autofree char *time = NULL;
  g_autofree char *client_cert = NULL;

  if (self->client)
    g_object_get (self->client, "secure", &tls.secure, "tls-version", &tls.version,
                  "tls-cipher", &tls.cipher, "tls-group", &tls.group, "tls-sni", &tls.sni,
                  "tls-alpn", &tls.alpn, "tls-resumed", &tls.resumed,
                  "tls-handshake-time", &tls.micros, "tls-peer-subject", &tls.subject,
                  "tls-peer-issuer", &tls.issuer, NULL);

  if (!tls.secure)
    {
      for (guint i = 0; i < N_FIELDS; i++)
        set_value (self, i, NULL);
      set_value (self, 0, self->client ? _("Plain TCP: not encrypted") : NULL);
      fill_steps (self, &tls);
      tls_clear (&tls);
      return;
    }
  time = format_micros (tls.micros);
  if (is_set (tls.subject))
    client_cert = g_strdup_printf (_("%s, issued by %s"), tls.subject,
                                   is_set (tls.issuer) ? tls.issuer : "?");
  set_value (self, 0, tls.version);
  set_value (self, 1, tls.cipher);
  set_value (self, 2, tls.group);
  set_value (self, 3, is_set (tls.sni) ? tls.sni : _("None sent"));
  set_value (self, 4, is_set (tls.alpn) ? tls.alpn : _("None"));
  set_value (self, 5, tls.resumed ? _("Resumed (abbreviated handshake)") : _("Full handshake"));
  set_value (self, 6, time);
  set_value (self, 7, client_cert ? client_cert : _("None sent"));
  fill_steps (self, &tls);
  tls_clear (&tls);
}

void
ic_tls_details_set_client (IcTlsDetails *self,
                           IcClient     *client)
{
  g_return_if_fail (IC_IS_TLS_DETAILS (self));
  g_return_if_fail (client == NULL || IC_IS_CLIENT (client));

  if (self->client == client)
    return;
  if (self->client)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  if (client)
    g_signal_connect_object (client, "notify::tls-version", G_CALLBACK (update), self,
                             G_CONNECT_SWAPPED);
  update (self);
}

const char *
ic_tls_details_get_value (IcTlsDetails *self,
                          const char   *field)
{
  g_return_val_if_fail (IC_IS_TLS_DETAILS (self), NULL);

  for (guint i = 0; i < N_FIELDS; i++)
    if (g_str_equal (field, fields[i]))
      return gtk_label_get_text (self->values[i]);
  g_return_val_if_reached (NULL);
}

static void
ic_tls_details_dispose (GObject *object)
{
  IcTlsDetails *self = IC_TLS_DETAILS (object);

  ic_tls_details_set_client (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), IC_TYPE_TLS_DETAILS);
  /* children the template does not bind go too */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self)));)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (ic_tls_details_parent_class)->dispose (object);
}

static void
ic_tls_details_class_init (IcTlsDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ic_tls_details_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/inetconsole/Console/ui/ic-tls-details.ui");
  gtk_widget_class_bind_template_child (widget_class, IcTlsDetails, grid);
  gtk_widget_class_bind_template_child (widget_class, IcTlsDetails, steps_box);
  gtk_widget_class_set_css_name (widget_class, "tlsdetails");
}

static void
ic_tls_details_init (IcTlsDetails *self)
{
  const char *titles[N_FIELDS] = {
    _("Protocol"), _("Cipher Suite"), _("Key Exchange"), _("Server Name (SNI)"),
    _("Application Protocol (ALPN)"), _("Session"), _("Handshake Time"),
    _("Client Certificate"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < N_FIELDS; i++)
    {
      GtkWidget *title = gtk_label_new (titles[i]);
      GtkWidget *value = gtk_label_new ("—");

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_set_valign (title, GTK_ALIGN_START);
      gtk_widget_add_css_class (title, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap (GTK_LABEL (value), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (value), PANGO_WRAP_WORD_CHAR);
      gtk_widget_set_hexpand (value, TRUE);
      gtk_widget_add_css_class (value, "tls-value");
      if (i <= 2)
        gtk_widget_add_css_class (value, "monospace");
      gtk_accessible_update_relation (GTK_ACCESSIBLE (value), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                      title, NULL, -1);
      gtk_grid_attach (self->grid, title, 0, (int) i, 1, 1);
      gtk_grid_attach (self->grid, value, 1, (int) i, 1, 1);
      self->values[i] = GTK_LABEL (value);
    }
  update (self);
}

GtkWidget *
ic_tls_details_new (void)
{
  return g_object_new (IC_TYPE_TLS_DETAILS, NULL);
}
