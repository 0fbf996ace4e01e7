/* test-app-event-log.c - the bounded log model: ring bound, dropped count,
 * items-changed per batch, filter, pause, JSON Lines export.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-event-log.h"
#include "ic-test-utils.h"

#include <string.h>
#include <sys/socket.h>

typedef struct
{
  IcEventLog *log;
  guint signals;
  guint removed;
  guint added;
  guint last_position;
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  f->signals++;
  f->removed += removed;
  f->added += added;
  f->last_position = position;
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->log = ic_event_log_new (GPOINTER_TO_UINT (data));
  g_signal_connect (f->log, "items-changed", G_CALLBACK (items_changed_cb), f);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_assert_finalize_object (f->log);
}

static void
reset_counts (Fixture *f)
{
  f->signals = f->removed = f->added = 0;
}

static IcLogEntry *
entry_n (guint n)
{
  g_autofree char *message = g_strdup_printf ("entry %u", n);

  return ic_log_entry_new (n % 2 ? IC_EVENT_CONNECT : IC_EVENT_DISCONNECT, "srv", n, message);
}

static guint
item_client (Fixture *f,
             guint    position)
{
  g_autoptr(IcLogEntry) entry = g_list_model_get_item (G_LIST_MODEL (f->log), position);

  return ic_log_entry_get_client_id (entry);
}

static void
append_range (Fixture *f,
              guint    first,
              guint    n)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = first; i < first + n; i++)
    g_ptr_array_add (batch, entry_n (i));
  ic_event_log_append_many (f->log, batch);
}

static void
test_ring_bound (Fixture       *f,
                 gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (f->log);

  g_test_summary ("The ring keeps the newest entries up to its capacity and counts the rest "
                  "as dropped; each batch is one removal and one addition");

  append_range (f, 1, 60);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 60);
  g_assert_cmpuint (f->signals, ==, 1);
  g_assert_cmpuint (ic_event_log_get_dropped (f->log), ==, 0);

  reset_counts (f);
  append_range (f, 61, 70); /* 130 in all, capacity 100 */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 100);
  g_assert_cmpuint (ic_event_log_get_n_entries (f->log), ==, 100);
  g_assert_cmpuint (ic_event_log_get_dropped (f->log), ==, 30);
  g_assert_cmpuint (ic_event_log_get_total (f->log), ==, 130);
  g_assert_cmpuint (f->signals, ==, 2);
  g_assert_cmpuint (f->removed, ==, 30);
  g_assert_cmpuint (f->added, ==, 70);
  g_assert_cmpuint (item_client (f, 0), ==, 31);
  g_assert_cmpuint (item_client (f, 99), ==, 130);

  /* a batch larger than the ring: only its tail is kept */
  reset_counts (f);
  append_range (f, 131, 250);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 100);
  g_assert_cmpuint (ic_event_log_get_dropped (f->log), ==, 280);
  g_assert_cmpuint (item_client (f, 0), ==, 281);
  g_assert_cmpuint (item_client (f, 99), ==, 380);
  g_assert_cmpuint (f->removed, ==, 100);
  g_assert_cmpuint (f->added, ==, 100);

  ic_event_log_add_dropped (f->log, 5);
  g_assert_cmpuint (ic_event_log_get_dropped (f->log), ==, 285);

  /* shrinking keeps the newest */
  reset_counts (f);
  ic_event_log_set_capacity (f->log, 10);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10);
  g_assert_cmpuint (item_client (f, 0), ==, 371);
  g_assert_cmpuint (ic_event_log_get_dropped (f->log), ==, 375);
  g_assert_cmpuint (f->removed, ==, 90);

  reset_counts (f);
  ic_event_log_clear (f->log);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_cmpuint (f->removed, ==, 10);
}

static void
test_filter (Fixture       *f,
             gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (f->log);
  g_autoptr(IcLogEntry) special = ic_log_entry_new (IC_EVENT_WARNING, "other", 0,
                                                     "Priority needs CAP_SYS_NICE");

  g_test_summary ("The model shows the entries that pass the kind and text filter, also "
                  "as the ring turns over");

  append_range (f, 1, 20);
  ic_event_log_append (f->log, special);

  ic_event_log_set_filter (f->log, IC_EVENT_MASK (IC_EVENT_CONNECT), NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (item_client (f, i) % 2, ==, 1);

  ic_event_log_set_filter (f->log, IC_EVENT_MASK_ALL, "cap_sys");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  ic_event_log_set_filter (f->log, IC_EVENT_MASK_ALL, "ENTRY 1");
  /* entry 1, 10..19 */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 11);
  ic_event_log_set_filter (f->log, IC_EVENT_MASK (IC_EVENT_DISCONNECT), "entry 1");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);

  /* turning the ring over removes filtered entries from the front only */
  ic_event_log_set_filter (f->log, IC_EVENT_MASK (IC_EVENT_CONNECT), NULL);
  reset_counts (f);
  append_range (f, 21, 90); /* 111 entries, capacity 100: 1..11 leave */
  g_assert_cmpuint (item_client (f, 0), ==, 13);
  g_assert_cmpuint (f->removed, ==, 6); /* 1 3 5 7 9 11 */
  g_assert_cmpuint (f->added, ==, 45);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 49);
}

static void
test_paused (Fixture       *f,
             gconstpointer  data)
{
  GListModel *model = G_LIST_MODEL (f->log);

  g_test_summary ("While paused the model does not change; unpausing catches up");

  append_range (f, 1, 10);
  ic_event_log_set_paused (f->log, TRUE);
  reset_counts (f);
  append_range (f, 11, 190);
  g_assert_cmpuint (f->signals, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 10);
  g_assert_cmpuint (item_client (f, 0), ==, 1); /* still there, though out of the ring */
  ic_event_log_set_paused (f->log, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 100);
  g_assert_cmpuint (item_client (f, 0), ==, 101);
  g_assert_cmpuint (f->signals, ==, 1);
}

static void
test_json_lines (Fixture       *f,
                 gconstpointer  data)
{
  IcEvent *event = ic_event_new (IC_EVENT_DISCONNECT, 1);
  g_autoptr(IcLogEntry) disconnect = NULL;
  g_autoptr(IcLogEntry) note = ic_log_entry_new (IC_EVENT_INFO, "srv", 0, "quote \" and \n");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *dir = ic_test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "log.jsonl", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  g_test_summary ("Export gives one JSON object per line, with the event fields");

  event->client_id = 7;
  event->address = g_strdup ("::1");
  event->port = 4000;
  event->family = AF_INET6;
  event->bytes_in = 12;
  event->bytes_out = 34;
  event->error = INET_CLOSE_PEER;
  disconnect = ic_log_entry_new_from_event (event, "srv");
  ic_event_free (event);
  ic_event_log_append (f->log, disconnect);
  ic_event_log_append (f->log, note);

  text = ic_event_log_to_json_lines (f->log, FALSE, &length);
  g_assert_cmpuint (length, ==, strlen (text));
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[2], ==, "");
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "time"), "20"));
      if (i == 0)
        {
          g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "disconnect");
          g_assert_cmpint (json_object_get_int_member (object, "client"), ==, 7);
          g_assert_cmpstr (json_object_get_string_member (object, "peer"), ==, "[::1]:4000");
          g_assert_cmpint (json_object_get_int_member (object, "bytes_in"), ==, 12);
          g_assert_cmpint (json_object_get_int_member (object, "bytes_out"), ==, 34);
          g_assert_cmpstr (json_object_get_string_member (object, "reason"), ==, "peer");
        }
      else
        {
          g_assert_cmpstr (json_object_get_string_member (object, "event"), ==, "info");
          g_assert_cmpstr (json_object_get_string_member (object, "message"), ==,
                           "quote \" and \n");
          g_assert_false (json_object_has_member (object, "client"));
        }
    }

  /* the filtered export has only what the model shows */
  ic_event_log_set_filter (f->log, IC_EVENT_MASK (IC_EVENT_INFO), NULL);
  g_assert_true (ic_event_log_export (f->log, file, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &saved, NULL, &error));
  g_assert_nonnull (strstr (saved, "\"info\""));
  g_assert_null (strstr (saved, "\"disconnect\""));
  ic_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/app/event-log/ring-bound", Fixture, GUINT_TO_POINTER (100), setup,
              test_ring_bound, teardown);
  g_test_add ("/app/event-log/filter", Fixture, GUINT_TO_POINTER (100), setup, test_filter,
              teardown);
  g_test_add ("/app/event-log/paused", Fixture, GUINT_TO_POINTER (100), setup, test_paused,
              teardown);
  g_test_add ("/app/event-log/json-lines", Fixture, GUINT_TO_POINTER (100), setup,
              test_json_lines, teardown);

  return g_test_run ();
}
