/* ic-credentials.c - SECURITYCREDENTIALS from a profile.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "ic-credentials.h"
#include "ic-address.h"
#include "ic-engine-error.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inet-cert.h>
#include <string.h>

static gboolean
is_set (const char *text)
{
  return text != NULL && *text != '\0';
}

char *
ic_read_password_file (const char  *path,
                       GError     **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &text, NULL, error))
    return NULL;
  text[strcspn (text, "\r\n")] = '\0';
  return g_steal_pointer (&text);
}

/* A specific listen address is a name clients will use too. */
static char *
make_self_signed (const char  *host,
                  GError     **error)
{
  INETCERTIFICATEPARAMS params = { .dwSize = sizeof params };
  g_autofree char *dir = g_dir_make_tmp ("inet-console-XXXXXX", error);
  g_autofree char *path = NULL;

  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, "self-signed.pem", NULL);
  params.dwKeyType = INET_CERT_KEY_ECDSA_P256;
  params.dwValidDays = 30;
  params.lpszCommonName = "localhost";
  if (!ic_host_is_wildcard (host))
    params.lpszAltNames = host;
  params.lpszCertFile = path;
  if (!InetCreateSelfSignedCertificate (&params))
    {
      ic_engine_set_error (error, _("Cannot make a self-signed certificate"));
      g_rmdir (dir);
      return NULL;
    }
  return g_steal_pointer (&path);
}

gboolean
ic_credentials_init (IcCredentials    *self,
                     const IcProfile  *profile,
                     const char       *password,
                     GError          **error)
{
  SECURITYCREDENTIALS *creds = &self->creds;
  gboolean has_p12, has_pem;

  g_return_val_if_fail (profile != NULL, FALSE);

  has_p12 = is_set (profile->pkcs12_file);
  has_pem = is_set (profile->cert_file);
  memset (self, 0, sizeof *self);
  creds->dwSize = sizeof *creds;
  if (profile->self_signed)
    {
      self->self_signed = make_self_signed (profile->host, error);
      if (self->self_signed == NULL)
        return FALSE;
      creds->lpszCertStore = self->self_signed;
    }
  else if (!has_p12 && !has_pem)
    {
      g_set_error_literal (error, IC_ENGINE_ERROR, INET_ERROR_CERT_NOT_FOUND,
                           _("TLS needs a certificate file, a PKCS#12 file or a "
                             "self-signed certificate"));
      return FALSE;
    }
  else
    {
      creds->lpszCertStore = has_p12 ? profile->pkcs12_file : profile->cert_file;
      if (!has_p12 && is_set (profile->key_file))
        creds->lpszKeyFile = profile->key_file;
      if (password != NULL)
        self->password = g_strdup (password);
      else if (profile->password != NULL)
        self->password = g_strdup (profile->password);
      else if (is_set (profile->password_file))
        {
          self->password = ic_read_password_file (profile->password_file, error);
          if (self->password == NULL)
            return FALSE;
        }
      creds->lpszPassword = self->password;
    }
  creds->dwProtocol = profile->min_tls;
  if (profile->client_cert == IC_CLIENT_CERT_REQUEST)
    creds->dwOptions |= INET_CREDENTIAL_REQUEST_CLIENT_CERT;
  else if (profile->client_cert == IC_CLIENT_CERT_REQUIRE)
    creds->dwOptions |= INET_CREDENTIAL_REQUIRE_CLIENT_CERT;
  if (is_set (profile->ca_file))
    creds->lpszCAFile = profile->ca_file;
  /* clients that offer ALPN (curl, browsers) are told it is HTTP/1.1 */
  if (profile->service == IC_SERVICE_HTTP)
    creds->lpszAlpn = "http/1.1";
  return TRUE;
}

void
ic_credentials_clear (IcCredentials *self)
{
  if (self->self_signed != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self->self_signed);

      g_unlink (self->self_signed);
      g_rmdir (dir);
    }
  g_clear_pointer (&self->self_signed, g_free);
  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  memset (&self->creds, 0, sizeof self->creds);
}
