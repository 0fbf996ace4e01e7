/* test-profile.c - profiles: key-file round trip, validation naming the
 * bad key, atomic save, list/delete, unreadable files left alone; and
 * ic_hex_parse.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-profile.h"
#include "ic-service.h"
#include "ic-test-utils.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = ic_test_make_tmp_dir ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  ic_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static char *
read_text (const char *dir,
           const char *file)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static void
write_text (const char *dir,
            const char *file,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* A profile with every field away from its default. */
static IcProfile *
full_profile (void)
{
  IcProfile *profile = ic_profile_new ();

  profile->name = g_strdup ("Full profile");
  g_free (profile->host);
  profile->host = g_strdup ("::");
  profile->port = 7007;
  profile->backlog = 64;
  profile->max_clients = 10;
  profile->timeout = 30;
  profile->priority = INET_PRIORITY_HIGH;
  profile->options = INET_OPTION_REUSEADDR | INET_OPTION_NODELAY | INET_OPTION_KEEPALIVE
                     | INET_OPTION_DONTROUTE;
  profile->max_per_address = 3;
  profile->accept_interval = 250;
  profile->rate_limit = 100000;
  profile->linger = 0;
  profile->service = IC_SERVICE_BANNER;
  profile->banner = g_strdup ("hello {client}\\r\\n; # [not a group]\nsecond line");
  profile->http_body = g_strdup ("body");
  profile->http_body_file = g_strdup ("/tmp/body.html");
  g_ptr_array_add (profile->rules, ic_rule_new (IC_RULE_CONTAINS, "PING", "PONG {counter}\\r\\n",
                                                FALSE));
  g_ptr_array_add (profile->rules, ic_rule_new (IC_RULE_STARTS_WITH, "GET ", "de ad be ef", TRUE));
  g_ptr_array_add (profile->rules, ic_rule_new (IC_RULE_REGEX, "^(a|b)+[0-9]{2}$", "ok", FALSE));
  profile->tls = TRUE;
  profile->cert_file = g_strdup ("/etc/ssl/cert.pem");
  profile->key_file = g_strdup ("/etc/ssl/key.pem");
  profile->password_file = g_strdup ("/etc/ssl/password");
  profile->password = g_strdup ("secret-typed-in-console");
  profile->min_tls = INET_PROTOCOL_TLS1_3;
  profile->client_cert = IC_CLIENT_CERT_REQUIRE;
  profile->ca_file = g_strdup ("/etc/ssl/ca.pem");
  profile->autostart = TRUE;
  return profile;
}

static void
assert_profiles_equal (const IcProfile *a,
                       const IcProfile *b)
{
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpstr (a->host, ==, b->host);
  g_assert_cmpuint (a->port, ==, b->port);
  g_assert_cmpuint (a->backlog, ==, b->backlog);
  g_assert_cmpuint (a->max_clients, ==, b->max_clients);
  g_assert_cmpuint (a->timeout, ==, b->timeout);
  g_assert_cmpuint (a->priority, ==, b->priority);
  g_assert_cmphex (a->options, ==, b->options);
  g_assert_cmpuint (a->max_per_address, ==, b->max_per_address);
  g_assert_cmpuint (a->accept_interval, ==, b->accept_interval);
  g_assert_cmpuint (a->rate_limit, ==, b->rate_limit);
  g_assert_cmpint (a->linger, ==, b->linger);
  g_assert_cmpint (a->service, ==, b->service);
  g_assert_cmpstr (a->banner, ==, b->banner);
  g_assert_cmpstr (a->http_body, ==, b->http_body);
  g_assert_cmpstr (a->http_body_file, ==, b->http_body_file);
  g_assert_cmpuint (a->rules->len, ==, b->rules->len);
  for (guint i = 0; i < a->rules->len; i++)
    {
      const IcRule *ra = g_ptr_array_index (a->rules, i);
      const IcRule *rb = g_ptr_array_index (b->rules, i);

      g_assert_cmpint (ra->match, ==, rb->match);
      g_assert_cmpstr (ra->pattern, ==, rb->pattern);
      g_assert_cmpstr (ra->reply, ==, rb->reply);
      g_assert_cmpint (ra->reply_is_hex, ==, rb->reply_is_hex);
    }
  g_assert_cmpint (a->tls, ==, b->tls);
  g_assert_cmpstr (a->cert_file, ==, b->cert_file);
  g_assert_cmpstr (a->key_file, ==, b->key_file);
  g_assert_cmpstr (a->pkcs12_file, ==, b->pkcs12_file);
  g_assert_cmpstr (a->password_file, ==, b->password_file);
  g_assert_cmpint (a->self_signed, ==, b->self_signed);
  g_assert_cmpuint (a->min_tls, ==, b->min_tls);
  g_assert_cmpint (a->client_cert, ==, b->client_cert);
  g_assert_cmpstr (a->ca_file, ==, b->ca_file);
  g_assert_cmpint (a->autostart, ==, b->autostart);
}

static void
test_defaults (void)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (profile->host, ==, "127.0.0.1");
  g_assert_cmpuint (profile->port, ==, 0);
  g_assert_cmpint (profile->service, ==, IC_SERVICE_ECHO);
  g_assert_cmpuint (profile->priority, ==, INET_PRIORITY_NORMAL);
  g_assert_cmpint (profile->linger, ==, -1);
  g_assert_nonnull (profile->rules);
  g_assert_cmpuint (profile->rules->len, ==, 0);
  g_assert_false (profile->tls);
  g_assert_true (ic_profile_validate (profile, &error));
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  g_autoptr (IcProfile) profile = full_profile ();
  g_autoptr (IcProfile) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length = 0;

  g_assert_true (ic_profile_validate (profile, &error));
  g_assert_no_error (error);
  data = ic_profile_to_data (profile, &length);
  g_assert_nonnull (data);
  g_assert_cmpuint (length, ==, strlen (data));
  /* the typed password never reaches the disk */
  g_assert_null (strstr (data, "secret-typed-in-console"));

  back = ic_profile_new_from_data (data, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_null (back->password);
  assert_profiles_equal (profile, back);
}

static void
test_copy (void)
{
  g_autoptr (IcProfile) profile = full_profile ();
  g_autoptr (IcProfile) copy = ic_profile_copy (profile);
  IcProfile *boxed;

  assert_profiles_equal (profile, copy);
  g_assert_cmpstr (copy->password, ==, profile->password);
  g_assert_true (copy->rules != profile->rules);
  g_assert_true (copy->host != profile->host);

  boxed = g_boxed_copy (IC_TYPE_PROFILE, profile);
  assert_profiles_equal (profile, boxed);
  g_boxed_free (IC_TYPE_PROFILE, boxed);
}

static void
test_missing_keys_default (void)
{
  const char *data = "[Service]\nKind=chargen\n";
  g_autoptr (IcProfile) profile = NULL;
  g_autoptr (IcProfile) defaults = ic_profile_new ();
  g_autoptr (GError) error = NULL;

  profile = ic_profile_new_from_data (data, strlen (data), &error);
  g_assert_no_error (error);
  g_assert_cmpint (profile->service, ==, IC_SERVICE_CHARGEN);
  g_assert_cmpstr (profile->host, ==, defaults->host);
  g_assert_cmpuint (profile->priority, ==, defaults->priority);
  g_assert_cmpint (profile->linger, ==, defaults->linger);

  /* unknown groups and keys are ignored */
  data = "[Profile]\nVersion=1\nFuture=yes\n[Server]\nPort=9\n[Later]\nX=1\n";
  g_clear_pointer (&profile, ic_profile_free);
  profile = ic_profile_new_from_data (data, strlen (data), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profile->port, ==, 9);
}

static void
test_rule_order (void)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autoptr (IcProfile) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;

  /* more than nine, so "Rule 10" must sort after "Rule 9" */
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *pattern = g_strdup_printf ("p%u", i);

      g_ptr_array_add (profile->rules, ic_rule_new (IC_RULE_CONTAINS, pattern, "r", FALSE));
    }
  data = ic_profile_to_data (profile, NULL);
  back = ic_profile_new_from_data (data, strlen (data), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->rules->len, ==, 12);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *pattern = g_strdup_printf ("p%u", i);
      const IcRule *rule = g_ptr_array_index (back->rules, i);

      g_assert_cmpstr (rule->pattern, ==, pattern);
    }
}

typedef struct
{
  const char *data;
  int code;
  const char *names; /* the message must contain this */
} BadCase;

static void
test_bad_data (void)
{
  static const BadCase cases[] = {
    { "this is not a key file", IC_PROFILE_ERROR_PARSE, "key file" },
    { "[Other]\nA=1\n", IC_PROFILE_ERROR_PARSE, "[Profile]" },
    { "[Server]\nPort=abc\n", IC_PROFILE_ERROR_PARSE, "[Server] Port: \"abc\"" },
    { "[Server]\nPort=70000\n", IC_PROFILE_ERROR_INVALID, "[Server] Port: 70000" },
    { "[Server]\nPort=-1\n", IC_PROFILE_ERROR_PARSE, "[Server] Port" },
    { "[Server]\nTimeout=99999999\n", IC_PROFILE_ERROR_INVALID, "[Server] Timeout" },
    { "[Server]\nPriority=urgent\n", IC_PROFILE_ERROR_INVALID, "[Server] Priority: \"urgent\"" },
    { "[Server]\nNoDelay=maybe\n", IC_PROFILE_ERROR_PARSE, "[Server] NoDelay: \"maybe\"" },
    { "[Limits]\nLinger=-2\n", IC_PROFILE_ERROR_INVALID, "[Limits] Linger: -2" },
    { "[Limits]\nRateLimit=4294967295\n", IC_PROFILE_ERROR_INVALID, "[Limits] RateLimit" },
    { "[Service]\nKind=gopher\n", IC_PROFILE_ERROR_INVALID, "[Service] Kind: \"gopher\"" },
    { "[Service]\n[Rule 1]\nMatch=regex\nPattern=(unclosed\n", IC_PROFILE_ERROR_INVALID,
      "[Rule 1] Pattern" },
    { "[Service]\n[Rule 1]\nMatch=contains\nPattern=\n", IC_PROFILE_ERROR_INVALID,
      "[Rule 1] Pattern" },
    { "[Service]\n[Rule 1]\nMatch=like\nPattern=x\n", IC_PROFILE_ERROR_INVALID,
      "[Rule 1] Match: \"like\"" },
    { "[Service]\n[Rule 1]\nPattern=x\nReply=abc\nReplyIsHex=true\n", IC_PROFILE_ERROR_INVALID,
      "[Rule 1] Reply" },
    { "[TLS]\nEnabled=true\n", IC_PROFILE_ERROR_INVALID, "[TLS] CertFile" },
    { "[TLS]\nEnabled=true\nCertFile=a\nPkcs12File=b\n", IC_PROFILE_ERROR_INVALID,
      "[TLS] Pkcs12File" },
    { "[TLS]\nEnabled=true\nPkcs12File=b\nKeyFile=k\n", IC_PROFILE_ERROR_INVALID, "[TLS] KeyFile" },
    { "[TLS]\nEnabled=true\nSelfSigned=true\nCertFile=a\n", IC_PROFILE_ERROR_INVALID,
      "[TLS] SelfSigned" },
    { "[TLS]\nMinVersion=1.1\n", IC_PROFILE_ERROR_INVALID, "[TLS] MinVersion: \"1.1\"" },
    { "[TLS]\nEnabled=true\nSelfSigned=true\nClientCertificate=require\n",
      IC_PROFILE_ERROR_INVALID, "[TLS] CAFile" },
    { "[Profile]\nVersion=99\n", IC_PROFILE_ERROR_PARSE, "[Profile] Version" },
    { "[Profile]\nName=../escape\n", IC_PROFILE_ERROR_INVALID, "[Profile] Name" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (IcProfile) profile = NULL;

      profile = ic_profile_new_from_data (cases[i].data, strlen (cases[i].data), &error);
      g_test_message ("case %u: %s", i, error ? error->message : "(no error)");
      g_assert_null (profile);
      g_assert_error (error, IC_PROFILE_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].names));
    }
}

static void
test_validate (void)
{
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autoptr (GError) error = NULL;

  profile->port = 65536;
  g_assert_false (ic_profile_validate (profile, &error));
  g_assert_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Port"));
  g_assert_nonnull (strstr (error->message, "65536"));
  g_clear_error (&error);
  profile->port = 65535;

  profile->priority = 5;
  g_assert_false (ic_profile_validate (profile, &error));
  g_assert_nonnull (strstr (error->message, "Priority"));
  g_clear_error (&error);
  profile->priority = INET_PRIORITY_LOW;

  profile->options = 0x8000;
  g_assert_false (ic_profile_validate (profile, &error));
  g_assert_nonnull (strstr (error->message, "Options"));
  g_clear_error (&error);
  profile->options = INET_OPTION_REUSEADDR;

  g_free (profile->host);
  profile->host = g_strdup ("local host");
  g_assert_false (ic_profile_validate (profile, &error));
  g_assert_nonnull (strstr (error->message, "Host"));
  g_clear_error (&error);
  g_free (profile->host);
  profile->host = g_strdup ("[::1]x");

  /* a host that is not ours is for InetServerStart to refuse, not us */
  g_assert_true (ic_profile_validate (profile, &error));
  g_assert_no_error (error);

  profile->tls = TRUE;
  profile->self_signed = TRUE;
  g_assert_true (ic_profile_validate (profile, &error));
  g_assert_no_error (error);
}

static void
test_save_load (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr (IcProfile) profile = full_profile ();
  g_autoptr (IcProfile) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "sub", "Full profile.profile", NULL);
  g_autofree char *subdir = g_build_filename (fixture->dir, "sub", NULL);
  GStatBuf st;

  /* the directory is made on first save */
  g_assert_true (ic_profile_save (profile, subdir, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  loaded = ic_profile_load ("Full profile", subdir, &error);
  g_assert_no_error (error);
  g_assert_null (loaded->password);
  assert_profiles_equal (profile, loaded);

  /* saving again replaces the file with the new values */
  profile->port = 8080;
  g_assert_true (ic_profile_save (profile, subdir, &error));
  g_assert_no_error (error);
  g_clear_pointer (&loaded, ic_profile_free);
  loaded = ic_profile_load ("Full profile", subdir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->port, ==, 8080);

  /* no temporary files left beside it */
  {
    g_autoptr (GDir) dir = g_dir_open (subdir, 0, &error);
    guint n = 0;

    while (g_dir_read_name (dir) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
}

static void
test_name_from_file (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr (IcProfile) profile = NULL;
  g_autoptr (GError) error = NULL;

  /* the file name wins over a Name key (a renamed or copied file) */
  write_text (fixture->dir, "copy.profile", "[Profile]\nName=original\n[Server]\nPort=7\n");
  profile = ic_profile_load ("copy", fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (profile->name, ==, "copy");
  g_assert_cmpuint (profile->port, ==, 7);
}

static void
test_bad_names (Fixture       *fixture,
                gconstpointer  data)
{
  static const char *const bad[] = {
    "", ".hidden", "../up", "a/b", " lead", "trail ", "tab\there", "semi;colon",
    "0123456789012345678901234567890123456789012345678901234567890123456789",
  };
  static const char *const good[] = { "echo 7000", "Ünïcödé-name_1.2", "x" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (IcProfile) profile = ic_profile_new ();
      g_autoptr (GError) error = NULL;

      profile->name = g_strdup (bad[i]);
      g_assert_false (ic_profile_save (profile, fixture->dir, &error));
      g_assert_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NAME);
      g_clear_error (&error);
      g_assert_null (ic_profile_load (bad[i], fixture->dir, &error));
      g_assert_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NAME);
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (IcProfile) profile = ic_profile_new ();
      g_autoptr (IcProfile) loaded = NULL;
      g_autoptr (GError) error = NULL;

      profile->name = g_strdup (good[i]);
      g_assert_true (ic_profile_save (profile, fixture->dir, &error));
      g_assert_no_error (error);
      loaded = ic_profile_load (good[i], fixture->dir, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (loaded->name, ==, good[i]);
    }
}

static void
test_unreadable_kept (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *garbage = "[Server\nthis = is { not ] a key file\n";
  g_autoptr (IcProfile) profile = ic_profile_new ();
  g_autoptr (IcProfile) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  g_auto (GStrv) bad = NULL;
  g_autofree char *text = NULL;

  write_text (fixture->dir, "broken.profile", garbage);

  loaded = ic_profile_load ("broken", fixture->dir, &error);
  g_assert_null (loaded);
  g_assert_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_PARSE);
  g_clear_error (&error);

  names = ic_profile_list (fixture->dir, &bad, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
  g_assert_cmpuint (g_strv_length (bad), ==, 1);
  g_assert_cmpstr (bad[0], ==, "broken");

  profile->name = g_strdup ("broken");
  g_assert_false (ic_profile_save (profile, fixture->dir, &error));
  g_assert_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "not overwritten"));

  text = read_text (fixture->dir, "broken.profile");
  g_assert_cmpstr (text, ==, garbage);

  /* deleting it is the way out */
  g_clear_error (&error);
  g_assert_true (ic_profile_delete ("broken", fixture->dir, &error));
  g_assert_no_error (error);
  g_assert_true (ic_profile_save (profile, fixture->dir, &error));
  g_assert_no_error (error);
}

static void
test_list_delete (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char *const names[] = { "zeta", "alpha", "Mid dle" };
  g_auto (GStrv) listed = NULL;
  g_auto (GStrv) bad = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = g_build_filename (fixture->dir, "nothing-here", NULL);

  /* a directory that does not exist yet lists nothing */
  listed = ic_profile_list (missing, &bad, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (listed), ==, 0);
  g_assert_cmpuint (g_strv_length (bad), ==, 0);
  g_clear_pointer (&listed, g_strfreev);
  g_clear_pointer (&bad, g_strfreev);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (IcProfile) profile = ic_profile_new ();

      profile->name = g_strdup (names[i]);
      g_assert_true (ic_profile_save (profile, fixture->dir, &error));
      g_assert_no_error (error);
    }
  write_text (fixture->dir, "notes.txt", "not a profile");
  write_text (fixture->dir, "range.profile", "[Server]\nPort=123456\n");

  listed = ic_profile_list (fixture->dir, &bad, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (listed), ==, 3);
  g_assert_cmpstr (listed[0], ==, "alpha");
  g_assert_cmpstr (listed[1], ==, "Mid dle");
  g_assert_cmpstr (listed[2], ==, "zeta");
  g_assert_cmpuint (g_strv_length (bad), ==, 1);
  g_assert_cmpstr (bad[0], ==, "range");

  g_assert_true (ic_profile_delete ("alpha", fixture->dir, &error));
  g_assert_no_error (error);
  g_assert_false (ic_profile_delete ("alpha", fixture->dir, &error));
  g_assert_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (ic_profile_load ("alpha", fixture->dir, &error));
  g_assert_error (error, IC_PROFILE_ERROR, IC_PROFILE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_clear_pointer (&listed, g_strfreev);
  listed = ic_profile_list (fixture->dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (listed), ==, 2);
}

static void
test_default_dir (void)
{
  g_autofree char *dir = ic_profile_default_dir ();
  g_autofree char *expected = g_build_filename (g_get_user_config_dir (), "inet-console",
                                                "profiles", NULL);

  g_assert_cmpstr (dir, ==, expected);
}

static void
test_service_names (void)
{
  static const char *const names[] = { "echo", "discard", "chargen", "daytime", "banner", "http",
                                       "manual" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      IcServiceKind kind = (IcServiceKind) 99;

      g_assert_true (ic_service_kind_from_string (names[i], &kind));
      g_assert_cmpint (kind, ==, (int) i);
      g_assert_cmpstr (ic_service_kind_to_string (kind), ==, names[i]);
    }
  g_assert_false (ic_service_kind_from_string ("gopher", NULL));
  g_assert_false (ic_service_kind_from_string (NULL, NULL));
  g_assert_null (ic_service_kind_to_string ((IcServiceKind) 42));
}

static void
assert_hex (const char   *text,
            const guint8 *expected,
            gsize         length)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = ic_hex_parse (text, &error);
  gsize size = 0;
  const guint8 *data;

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &size);
  g_assert_cmpmem (data, size, expected, length);
}

static void
test_hex (void)
{
  static const guint8 deadbeef[] = { 0xde, 0xad, 0xbe, 0xef };
  static const char *const bad[] = { "abc", "zz", "de ad b", "0x", "0xg1", "de-ad", "1 2" };

  assert_hex ("de ad be ef", deadbeef, 4);
  assert_hex ("deadbeef", deadbeef, 4);
  assert_hex ("DEADBEEF", deadbeef, 4);
  assert_hex ("0xde 0xad 0xbe 0xef", deadbeef, 4);
  assert_hex ("0xdeadbeef", deadbeef, 4);
  assert_hex ("de:ad:be:ef", deadbeef, 4);
  assert_hex ("  de,ad\n be\tef  ", deadbeef, 4);
  assert_hex ("", NULL, 0);
  assert_hex ("00", (const guint8 *) "\0", 1);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = ic_hex_parse (bad[i], &error);

      g_assert_null (bytes);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/profile/defaults", test_defaults);
  g_test_add_func ("/cli/profile/round-trip", test_round_trip);
  g_test_add_func ("/cli/profile/copy", test_copy);
  g_test_add_func ("/cli/profile/missing-keys-default", test_missing_keys_default);
  g_test_add_func ("/cli/profile/rule-order", test_rule_order);
  g_test_add_func ("/cli/profile/bad-data", test_bad_data);
  g_test_add_func ("/cli/profile/validate", test_validate);
  g_test_add ("/cli/profile/save-load", Fixture, NULL, fixture_setup, test_save_load,
              fixture_teardown);
  g_test_add ("/cli/profile/name-from-file", Fixture, NULL, fixture_setup, test_name_from_file,
              fixture_teardown);
  g_test_add ("/cli/profile/bad-names", Fixture, NULL, fixture_setup, test_bad_names,
              fixture_teardown);
  g_test_add ("/cli/profile/unreadable-kept", Fixture, NULL, fixture_setup, test_unreadable_kept,
              fixture_teardown);
  g_test_add ("/cli/profile/list-delete", Fixture, NULL, fixture_setup, test_list_delete,
              fixture_teardown);
  g_test_add_func ("/cli/profile/default-dir", test_default_dir);
  g_test_add_func ("/cli/profile/service-names", test_service_names);
  g_test_add_func ("/cli/hex/parse", test_hex);

  return g_test_run ();
}
