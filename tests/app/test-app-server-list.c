/* test-app-server-list.c - the console's servers backed by profiles: round
 * trip, bad files left alone, rename, remove, unique names, autostart.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-model.h"
#include "ic-test-utils.h"

#include <glib/gstdio.h>
#include <string.h>

typedef struct
{
  GMainContext *context;
  char *dir;
  IcServerList *list;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->context = g_main_context_new ();
  g_main_context_push_thread_default (f->context);
  f->dir = ic_test_make_tmp_dir ();
  f->list = ic_server_list_new (f->dir, NULL);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_assert_finalize_object (g_steal_pointer (&f->list));
  ic_test_remove_tree (f->dir);
  g_free (f->dir);
  g_assert_false (g_main_context_pending (f->context));
  g_main_context_pop_thread_default (f->context);
  g_main_context_unref (f->context);
}

static IcProfile *
rich_profile (const char *name)
{
  IcProfile *profile = ic_profile_new ();

  profile->name = g_strdup (name);
  profile->port = 0;
  profile->backlog = 64;
  profile->max_clients = 20;
  profile->timeout = 30;
  profile->priority = INET_PRIORITY_LOW;
  profile->options = INET_OPTION_NODELAY | INET_OPTION_KEEPALIVE;
  profile->max_per_address = 4;
  profile->accept_interval = 10;
  profile->rate_limit = 100000;
  profile->linger = 0;
  profile->service = IC_SERVICE_BANNER;
  profile->banner = g_strdup ("welcome {client}");
  g_ptr_array_add (profile->rules, ic_rule_new (IC_RULE_STARTS_WITH, "PING", "PONG\\r\\n",
                                                FALSE));
  return profile;
}

static char *
path_of (Fixture    *f,
         const char *name)
{
  g_autofree char *base = g_strconcat (name, ".profile", NULL);

  return g_build_filename (f->dir, base, NULL);
}

static gboolean
profile_file_exists (Fixture    *f,
                     const char *name)
{
  g_autofree char *path = path_of (f, name);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(IcProfile) profile = rich_profile ("Echo one");
  g_autoptr(IcServerList) again = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) bad = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *loaded = NULL;
  IcServer *server;
  guint changes = 0;

  g_test_summary ("A server added to the list is saved as a profile; a new list loads the "
                  "same profile; live limit changes are saved too");

  g_signal_connect_swapped (f->list, "items-changed", G_CALLBACK (g_atomic_int_inc), &changes);
  server = ic_server_list_add (f->list, profile, &error);
  g_assert_no_error (error);
  g_assert_nonnull (server);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (profile_file_exists (f, "Echo one"));
  g_assert_true (ic_server_list_lookup (f->list, "Echo one") == server);
  g_assert_true (ic_server_get_log (server) == ic_server_list_get_log (f->list));

  /* a limit changed on the model, then saved */
  g_object_set (server, "max-clients", 33, NULL);
  g_assert_true (ic_server_list_save (f->list, server, &error));
  g_assert_no_error (error);

  again = ic_server_list_new (f->dir, NULL);
  g_assert_true (ic_server_list_load (again, &bad, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (bad), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
  profile->max_clients = 33;
  expected = ic_profile_to_data (profile, NULL);
  loaded = ic_profile_to_data (ic_server_get_profile (ic_server_list_lookup (again, "Echo one")),
                               NULL);
  g_assert_cmpstr (loaded, ==, expected);

  /* loading twice adds nothing */
  g_assert_true (ic_server_list_load (again, NULL, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
  g_assert_finalize_object (g_steal_pointer (&again));
}

static void
test_corrupt_file (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *bad_path = path_of (f, "broken");
  g_autoptr(IcProfile) good = rich_profile ("good");
  g_autoptr(IcProfile) clash = rich_profile ("broken");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) bad = NULL;
  g_autofree char *after = NULL;
  const char *garbage = "this is [not a key file\n\x01\x02";

  g_test_summary ("An unreadable profile is reported and never overwritten");

  g_assert_true (ic_profile_save (good, f->dir, &error));
  g_assert_true (g_file_set_contents (bad_path, garbage, -1, &error));

  g_assert_true (ic_server_list_load (f->list, &bad, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 1);
  g_assert_cmpuint (g_strv_length (bad), ==, 1);
  g_assert_nonnull (strstr (bad[0], "broken"));
  /* the log says so */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (ic_server_list_get_log (f->list))),
                    >=, 1);

  /* adding a server of that name fails and leaves the file as it was */
  g_assert_null (ic_server_list_add (f->list, clash, &error));
  g_assert_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NAME);
  g_assert_true (g_file_get_contents (bad_path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, garbage);
}

static void
test_rename_remove (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(IcProfile) one = rich_profile ("one");
  g_autoptr(IcProfile) two = rich_profile ("two");
  g_autoptr(GError) error = NULL;
  g_autofree char *unique = NULL;
  IcServer *server;

  server = ic_server_list_add (f->list, one, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ic_server_list_add (f->list, two, &error));

  /* names are unique */
  g_assert_null (ic_server_list_add (f->list, one, &error));
  g_assert_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NAME);
  g_clear_error (&error);
  unique = ic_server_list_make_unique_name (f->list, "one");
  g_assert_cmpstr (unique, ==, "one 2");

  g_assert_false (ic_server_list_rename (f->list, server, "two", &error));
  g_assert_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NAME);
  g_clear_error (&error);
  g_assert_true (ic_server_list_rename (f->list, server, "three", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ic_server_get_name (server), ==, "three");
  g_assert_false (profile_file_exists (f, "one"));
  g_assert_true (profile_file_exists (f, "three"));

  /* remove stops a running server; delete_profile removes its file */
  g_assert_true (ic_server_start (server, &error));
  g_assert_cmpuint (ic_server_list_get_n_running (f->list), ==, 1);
  g_object_ref (server);
  g_assert_true (ic_server_list_remove (f->list, server, TRUE, &error));
  g_assert_no_error (error);
  g_assert_false (ic_server_get_running (server));
  g_assert_cmpuint (ic_server_list_get_n_running (f->list), ==, 0);
  g_assert_false (profile_file_exists (f, "three"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->list)), ==, 1);
  g_assert_finalize_object (server);
}

static void
test_autostart (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(IcProfile) yes = rich_profile ("auto");
  g_autoptr(IcProfile) no = rich_profile ("manual");
  g_autoptr(GError) error = NULL;

  yes->autostart = TRUE;
  g_assert_true (ic_profile_save (yes, f->dir, &error));
  g_assert_true (ic_profile_save (no, f->dir, &error));
  g_assert_true (ic_server_list_load (f->list, NULL, &error));
  g_assert_cmpuint (ic_server_list_start_autostart (f->list), ==, 1);
  g_assert_true (ic_server_get_running (ic_server_list_lookup (f->list, "auto")));
  g_assert_false (ic_server_get_running (ic_server_list_lookup (f->list, "manual")));
  ic_server_list_stop_all (f->list);
  g_assert_false (ic_server_get_running (ic_server_list_lookup (f->list, "auto")));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/app/server-list/round-trip", Fixture, NULL, setup, test_round_trip, teardown);
  g_test_add ("/app/server-list/corrupt-file", Fixture, NULL, setup, test_corrupt_file,
              teardown);
  g_test_add ("/app/server-list/rename-remove", Fixture, NULL, setup, test_rename_remove,
              teardown);
  g_test_add ("/app/server-list/autostart", Fixture, NULL, setup, test_autostart, teardown);

  return g_test_run ();
}
