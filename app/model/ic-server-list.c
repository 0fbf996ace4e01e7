/* ic-server-list.c - the console's servers, backed by saved profiles.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-server-list.h"

#include <glib/gi18n-lib.h>

struct _IcServerList
{
  GObject parent_instance;

  char *directory;          /* (owned) */
  GMainContext *context;    /* (owned) */
  IcEventLog *log;          /* (owned) */
  GListStore *servers;      /* (owned) (element-type IcServer) */
  guint n_running;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (IcServerList, ic_server_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_CONTEXT,
  PROP_LOG,
  PROP_N_RUNNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
get_item_type (GListModel *model)
{
  return IC_TYPE_SERVER;
}

static guint
get_n_items (GListModel *model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (IC_SERVER_LIST (model)->servers));
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  return g_list_model_get_item (G_LIST_MODEL (IC_SERVER_LIST (model)->servers), position);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
items_changed_cb (GListModel   *store,
                  guint         position,
                  guint         removed,
                  guint         added,
                  IcServerList *self)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
}

static void
count_running (IcServerList *self)
{
  GListModel *model = G_LIST_MODEL (self->servers);
  guint n = g_list_model_get_n_items (model), running = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(IcServer) server = g_list_model_get_item (model, i);

      running += ic_server_get_running (server);
    }
  if (running != self->n_running)
    {
      self->n_running = running;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);
    }
}

static void
running_cb (IcServer     *server,
            GParamSpec   *pspec,
            IcServerList *self)
{
  count_running (self);
}

static void
ic_server_list_dispose (GObject *object)
{
  IcServerList *self = IC_SERVER_LIST (object);

  if (self->servers != NULL)
    {
      ic_server_list_stop_all (self);
      g_signal_handlers_disconnect_by_data (self->servers, self);
      g_list_store_remove_all (self->servers);
    }

  G_OBJECT_CLASS (ic_server_list_parent_class)->dispose (object);
}

static void
ic_server_list_finalize (GObject *object)
{
  IcServerList *self = IC_SERVER_LIST (object);

  g_clear_object (&self->servers);
  g_clear_object (&self->log);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->directory);

  G_OBJECT_CLASS (ic_server_list_parent_class)->finalize (object);
}

static void
ic_server_list_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  IcServerList *self = IC_SERVER_LIST (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;
    case PROP_CONTEXT:
      g_value_set_boxed (value, self->context);
      break;
    case PROP_LOG:
      g_value_set_object (value, self->log);
      break;
    case PROP_N_RUNNING:
      g_value_set_uint (value, self->n_running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_server_list_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  IcServerList *self = IC_SERVER_LIST (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_string (value);
      break;
    case PROP_CONTEXT:
      self->context = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ic_server_list_constructed (GObject *object)
{
  IcServerList *self = IC_SERVER_LIST (object);

  G_OBJECT_CLASS (ic_server_list_parent_class)->constructed (object);

  if (self->directory == NULL)
    self->directory = ic_profile_default_dir ();
  if (self->context == NULL)
    self->context = g_main_context_ref_thread_default ();
}

static void
ic_server_list_class_init (IcServerListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->constructed = ic_server_list_constructed;
  object_class->dispose = ic_server_list_dispose;
  object_class->finalize = ic_server_list_finalize;
  object_class->get_property = ic_server_list_get_property;
  object_class->set_property = ic_server_list_set_property;

  properties[PROP_DIRECTORY] = g_param_spec_string ("directory", NULL, NULL, NULL, co);
  properties[PROP_CONTEXT] = g_param_spec_boxed ("context", NULL, NULL, G_TYPE_MAIN_CONTEXT, co);
  properties[PROP_LOG] = g_param_spec_object ("log", NULL, NULL, IC_TYPE_EVENT_LOG, ro);
  properties[PROP_N_RUNNING] = g_param_spec_uint ("n-running", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ic_server_list_init (IcServerList *self)
{
  self->servers = g_list_store_new (IC_TYPE_SERVER);
  self->log = ic_event_log_new (IC_EVENT_LOG_DEFAULT_CAPACITY);
  g_signal_connect (self->servers, "items-changed", G_CALLBACK (items_changed_cb), self);
}

IcServerList *
ic_server_list_new (const char   *directory,
                    GMainContext *context)
{
  return g_object_new (IC_TYPE_SERVER_LIST, "directory", directory, "context", context, NULL);
}

const char *
ic_server_list_get_directory (IcServerList *self)
{
  g_return_val_if_fail (IC_IS_SERVER_LIST (self), NULL);

  return self->directory;
}

IcEventLog *
ic_server_list_get_log (IcServerList *self)
{
  g_return_val_if_fail (IC_IS_SERVER_LIST (self), NULL);

  return self->log;
}

guint
ic_server_list_get_n_running (IcServerList *self)
{
  g_return_val_if_fail (IC_IS_SERVER_LIST (self), 0);

  return self->n_running;
}

IcServer *
ic_server_list_lookup (IcServerList *self,
                       const char   *name)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (IC_IS_SERVER_LIST (self), NULL);

  if (name == NULL)
    return NULL;
  model = G_LIST_MODEL (self->servers);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(IcServer) server = g_list_model_get_item (model, i);

      if (g_strcmp0 (ic_server_get_name (server), name) == 0)
        return server; /* the store keeps it alive */
    }
  return NULL;
}

static IcServer *
append_server (IcServerList    *self,
               const IcProfile *profile)
{
  g_autoptr(IcServer) server = ic_server_new_full (profile, self->context, self->log);

  g_signal_connect_object (server, "notify::running", G_CALLBACK (running_cb), self, 0);
  g_list_store_append (self->servers, server);
  return server; /* borrowed: the store has it */
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char *const *) a, *(const char *const *) b);
}

gboolean
ic_server_list_load (IcServerList  *self,
                     GStrv         *bad,
                     GError       **error)
{
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) unreadable = NULL;
  g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (IC_IS_SERVER_LIST (self), FALSE);

  if (bad != NULL)
    *bad = NULL;
  names = ic_profile_list (self->directory, &unreadable, error);
  if (names == NULL)
    return FALSE;
  qsort (names, g_strv_length (names), sizeof (char *), compare_names);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(IcProfile) profile = NULL;
      g_autoptr(GError) local = NULL;

      if (ic_server_list_lookup (self, names[i]) != NULL)
        continue;
      profile = ic_profile_load (names[i], self->directory, &local);
      if (profile == NULL)
        {
          g_ptr_array_add (failed, g_strdup (names[i]));
          g_autoptr(IcLogEntry) entry = ic_log_entry_new (IC_EVENT_WARNING, names[i], 0,
                                                          local->message);
          ic_event_log_append (self->log, entry);
          continue;
        }
      append_server (self, profile);
    }
  for (guint i = 0; unreadable != NULL && unreadable[i] != NULL; i++)
    {
      g_autofree char *message = g_strdup_printf (_("The profile %s cannot be read and was "
                                                    "left as it is"), unreadable[i]);
      g_autoptr(IcLogEntry) entry = ic_log_entry_new (IC_EVENT_WARNING, NULL, 0, message);

      ic_event_log_append (self->log, entry);
      g_ptr_array_add (failed, g_strdup (unreadable[i]));
    }
  if (bad != NULL)
    {
      g_ptr_array_add (failed, NULL);
      *bad = (GStrv) g_ptr_array_steal (failed, NULL);
    }
  return TRUE;
}

static gboolean
profile_exists (IcServerList *self,
                const char   *name)
{
  g_autofree char *base = g_strconcat (name, ".profile", NULL);
  g_autofree char *path = g_build_filename (self->directory, base, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Listed, or a file of that name exists (maybe one that cannot be read). */
static gboolean
name_taken (IcServerList *self,
            const char   *name)
{
  return ic_server_list_lookup (self, name) != NULL || profile_exists (self, name);
}

IcServer *
ic_server_list_add (IcServerList     *self,
                    const IcProfile  *profile,
                    GError          **error)
{
  g_return_val_if_fail (IC_IS_SERVER_LIST (self), NULL);
  g_return_val_if_fail (profile != NULL, NULL);

  if (profile->name == NULL || *profile->name == '\0')
    {
      g_set_error_literal (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NAME,
                           _("A server needs a name"));
      return NULL;
    }
  if (name_taken (self, profile->name))
    {
      g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NAME,
                   _("A server named “%s” already exists"), profile->name);
      return NULL;
    }
  if (!ic_profile_save (profile, self->directory, error))
    return NULL;
  return append_server (self, profile);
}

gboolean
ic_server_list_remove (IcServerList  *self,
                       IcServer      *server,
                       gboolean       delete_profile,
                       GError       **error)
{
  guint position;

  g_return_val_if_fail (IC_IS_SERVER_LIST (self), FALSE);
  g_return_val_if_fail (IC_IS_SERVER (server), FALSE);

  if (!g_list_store_find (self->servers, server, &position))
    {
      g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NOT_FOUND,
                   _("The server “%s” is not in the list"), ic_server_get_name (server));
      return FALSE;
    }
  if (delete_profile && ic_server_get_name (server) != NULL
      && profile_exists (self, ic_server_get_name (server))
      && !ic_profile_delete (ic_server_get_name (server), self->directory, error))
    return FALSE;
  ic_server_stop (server);
  g_signal_handlers_disconnect_by_data (server, self);
  g_list_store_remove (self->servers, position);
  count_running (self);
  return TRUE;
}

gboolean
ic_server_list_save (IcServerList  *self,
                     IcServer      *server,
                     GError       **error)
{
  g_return_val_if_fail (IC_IS_SERVER_LIST (self), FALSE);
  g_return_val_if_fail (IC_IS_SERVER (server), FALSE);

  return ic_profile_save (ic_server_get_profile (server), self->directory, error);
}

gboolean
ic_server_list_rename (IcServerList  *self,
                       IcServer      *server,
                       const char    *name,
                       GError       **error)
{
  g_autoptr(IcProfile) profile = NULL;
  g_autofree char *old_name = NULL;

  g_return_val_if_fail (IC_IS_SERVER_LIST (self), FALSE);
  g_return_val_if_fail (IC_IS_SERVER (server), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  old_name = g_strdup (ic_server_get_name (server));
  if (g_strcmp0 (old_name, name) == 0)
    return TRUE;
  if (name_taken (self, name))
    {
      g_set_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NAME,
                   _("A server named “%s” already exists"), name);
      return FALSE;
    }
  profile = ic_server_dup_profile (server);
  g_free (profile->name);
  profile->name = g_strdup (name);
  if (!ic_profile_save (profile, self->directory, error))
    return FALSE;
  ic_server_set_profile (server, profile);
  if (old_name != NULL && profile_exists (self, old_name))
    return ic_profile_delete (old_name, self->directory, error);
  return TRUE;
}

char *
ic_server_list_make_unique_name (IcServerList *self,
                                 const char   *base)
{
  g_return_val_if_fail (IC_IS_SERVER_LIST (self), NULL);

  if (base == NULL || *base == '\0')
    base = _("Server");
  if (!name_taken (self, base))
    return g_strdup (base);
  for (guint i = 2; ; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", base, i);

      if (!name_taken (self, name))
        return g_steal_pointer (&name);
    }
}

guint
ic_server_list_start_autostart (IcServerList *self)
{
  GListModel *model;
  guint n, started = 0;

  g_return_val_if_fail (IC_IS_SERVER_LIST (self), 0);

  model = G_LIST_MODEL (self->servers);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(IcServer) server = g_list_model_get_item (model, i);

      /* off the main thread (it reads files); a failure is in the
       * server's error property and the log */
      if (ic_server_get_profile (server)->autostart)
        {
          ic_server_start_async (server, NULL, NULL, NULL);
          started++;
        }
    }
  return started;
}

void
ic_server_list_stop_all (IcServerList *self)
{
  GListModel *model;
  guint n;

  g_return_if_fail (IC_IS_SERVER_LIST (self));

  model = G_LIST_MODEL (self->servers);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(IcServer) server = g_list_model_get_item (model, i);

      ic_server_stop (server);
    }
}
