/* inet-cert-make.c - InetCreateSelfSignedCertificate: a fresh key and a
 * certificate for testing TLS servers (localhost, 127.0.0.1 and ::1 by
 * default), self-signed or signed by a test CA, written as PEM and
 * optionally PKCS#12. OpenSSL's API only; no shelling out.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-cert.h"
#include "inet-cert-private.h"
#include "inet-error-private.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

typedef struct
{
  char *text;                       /* (owned) "DNS:a,IP:b" */
  size_t len;
  size_t size;
} NameList;

static void
names_add (NameList *names, const char *kind, const char *value)
{
  size_t need = strlen (kind) + strlen (value) + 3;
  char entry[512];

  snprintf (entry, sizeof entry, "%s:%s", kind, value);
  /* no duplicates: localhost given twice is still one name */
  if (names->text != NULL)
    {
      const char *p = names->text;
      size_t n = strlen (entry);

      while ((p = strstr (p, entry)) != NULL)
        {
          if ((p == names->text || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return;
          p += n;
        }
    }
  if (names->len + need > names->size)
    {
      names->size = (names->len + need) * 2;
      names->text = realloc (names->text, names->size);
    }
  names->len += (size_t) snprintf (names->text + names->len, names->size - names->len, "%s%s",
                                   names->len ? "," : "", entry);
}

static bool
is_address (const char *text)
{
  unsigned char buffer[16];

  return inet_pton (AF_INET, text, buffer) == 1 || inet_pton (AF_INET6, text, buffer) == 1;
}

static bool
is_host_name (const char *text)
{
  size_t len = strlen (text);

  if (len == 0 || len > 253 || text[0] == '.' || text[0] == '-')
    return false;
  for (size_t i = 0; i < len; i++)
    {
      char c = text[i];

      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '-' || c == '.' || c == '_' || (c == '*' && i == 0)))
        return false;
    }
  return true;
}

/* Adds one name: "host", "1.2.3.4", "::1", or with a DNS:/IP: prefix. */
static bool
add_name (NameList *names, const char *name)
{
  if (strncasecmp (name, "IP:", 3) == 0)
    {
      if (!is_address (name + 3))
        return false;
      names_add (names, "IP", name + 3);
      return true;
    }
  if (strncasecmp (name, "DNS:", 4) == 0)
    name += 4;
  if (is_address (name))
    names_add (names, "IP", name);
  else if (is_host_name (name))
    names_add (names, "DNS", name);
  else
    return false;
  return true;
}

static bool
add_extension (X509 *cert, X509V3_CTX *v3, int nid, const char *value)
{
  X509_EXTENSION *extension = X509V3_EXT_nconf_nid (NULL, v3, nid, value);
  bool ok = extension != NULL && X509_add_ext (cert, extension, -1) == 1;

  X509_EXTENSION_free (extension);
  return ok;
}

static bool
set_serial (X509 *cert)
{
  unsigned char bytes[16];
  BIGNUM *bn;
  bool ok;

  if (RAND_bytes (bytes, sizeof bytes) != 1)
    return false;
  bytes[0] &= 0x7f; /* positive */
  bytes[0] |= 0x01; /* and never zero */
  bn = BN_bin2bn (bytes, sizeof bytes, NULL);
  ok = bn != NULL && BN_to_ASN1_INTEGER (bn, X509_get_serialNumber (cert)) != NULL;
  BN_free (bn);
  return ok;
}

/* PEM text of a certificate (and optionally a key) in one buffer. */
static bool
pem_append_cert (BIO *bio, X509 *cert)
{
  return PEM_write_bio_X509 (bio, cert) == 1;
}

static bool
pem_append_key (BIO *bio, EVP_PKEY *key, const char *password)
{
  if (password != NULL)
    return PEM_write_bio_PrivateKey (bio, key, EVP_aes_256_cbc (),
                                     (const unsigned char *) password, (int) strlen (password),
                                     NULL, NULL) == 1;
  return PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL) == 1;
}

static DWORD
write_bio (BIO *bio, const char *path, unsigned mode, char *detail, size_t detail_len)
{
  char *data = NULL;
  long len = BIO_get_mem_data (bio, &data);

  return inet__cert_write_file (path, data, (size_t) len, mode, detail, detail_len);
}

static DWORD
fail_with (DWORD code, char *detail, size_t detail_len, const char *what)
{
  char reason[160];

  snprintf (detail, detail_len, "%s (%s)", what, inet__cert_openssl_reason (reason, sizeof reason));
  return code;
}

static DWORD
make (const INETCERTIFICATEPARAMS *p, char *detail, size_t detail_len)
{
  const char *common_name = p->lpszCommonName != NULL && p->lpszCommonName[0] != '\0'
                              ? p->lpszCommonName : "localhost";
  bool ca = p->dwFlags & INET_CERT_FLAG_CA;
  DWORD valid_days = p->dwValidDays ? p->dwValidDays : 365;
  NameList names = { 0 };
  InetCertLoad issuer;
  EVP_PKEY *key = NULL;
  X509 *cert = NULL;
  X509 *signer_cert;
  EVP_PKEY *signer_key;
  X509_NAME *subject;
  X509V3_CTX v3;
  BIO *bio = NULL;
  time_t start;
  DWORD error = 0;

  memset (&issuer, 0, sizeof issuer);
  if ((p->lpszCertFile == NULL || p->lpszCertFile[0] == '\0')
      && (p->lpszPkcs12File == NULL || p->lpszPkcs12File[0] == '\0'))
    {
      snprintf (detail, detail_len, "no file to write: give lpszCertFile or lpszPkcs12File");
      return WSAEINVAL;
    }
  if (p->dwFlags & ~(DWORD) (INET_CERT_FLAG_CA | INET_CERT_FLAG_CLIENT
                             | INET_CERT_FLAG_NO_DEFAULT_NAMES))
    {
      snprintf (detail, detail_len, "dwFlags 0x%x: unknown flags", (unsigned) p->dwFlags);
      return WSAEINVAL;
    }
  if (valid_days > 100 * 366)
    {
      snprintf (detail, detail_len, "dwValidDays %u: at most 100 years", (unsigned) valid_days);
      return WSAEINVAL;
    }

  /* the names first: a typo should fail before any work */
  if (!ca && !(p->dwFlags & INET_CERT_FLAG_NO_DEFAULT_NAMES))
    {
      add_name (&names, "localhost");
      add_name (&names, "127.0.0.1");
      add_name (&names, "::1");
    }
  if (!ca && (is_host_name (common_name) || is_address (common_name)))
    add_name (&names, common_name);
  if (p->lpszAltNames != NULL)
    {
      char *copy = strdup (p->lpszAltNames);
      char *save = NULL;

      for (char *name = strtok_r (copy, ", \t\n", &save); name != NULL;
           name = strtok_r (NULL, ", \t\n", &save))
        if (!add_name (&names, name))
          {
            snprintf (detail, detail_len, "lpszAltNames: \"%s\" is not a host name or an IP "
                                          "address", name);
            error = WSAEINVAL;
            break;
          }
      free (copy);
      if (error != 0)
        goto out;
    }

  /* the issuer, when there is one: the same loader as a server's */
  if (p->lpszIssuerCertFile != NULL && p->lpszIssuerCertFile[0] != '\0')
    {
      SECURITYCREDENTIALS c = {
        .dwSize = sizeof c,
        .lpszCertStore = p->lpszIssuerCertFile,
        .lpszKeyFile = p->lpszIssuerKeyFile,
        .lpszPassword = p->lpszIssuerPassword,
      };

      inet__cert_load_init (&issuer, &c);
      error = inet__cert_load_certificate (&issuer, detail, detail_len);
      if (error == 0)
        error = inet__cert_load_key (&issuer, detail, detail_len);
      if (error != 0)
        goto out;
      if (X509_check_ca (issuer.cert) <= 0)
        {
          snprintf (detail, detail_len, "%s: not a CA certificate (make one with "
                                        "INET_CERT_FLAG_CA)", p->lpszIssuerCertFile);
          error = INET_ERROR_CERT_INVALID;
          goto out;
        }
    }

  ERR_clear_error ();
  switch (p->dwKeyType)
    {
    case INET_CERT_KEY_ECDSA_P256: key = EVP_EC_gen ("P-256"); break;
    case INET_CERT_KEY_RSA_2048: key = EVP_RSA_gen (2048); break;
    default:
      snprintf (detail, detail_len, "dwKeyType %u: not a key type", (unsigned) p->dwKeyType);
      error = WSAEINVAL;
      goto out;
    }
  if (key == NULL)
    {
      error = fail_with (WSAENOBUFS, detail, detail_len, "could not make a key");
      goto out;
    }

  cert = X509_new ();
  start = time (NULL) + (time_t) p->nStartDays * 86400 - (p->nStartDays == 0 ? 300 : 0);
  subject = X509_get_subject_name (cert);
  if (X509_set_version (cert, X509_VERSION_3) != 1 || !set_serial (cert)
      || X509_time_adj_ex (X509_getm_notBefore (cert), 0, 0, &start) == NULL
      || X509_time_adj_ex (X509_getm_notAfter (cert), (int) valid_days, 0, &start) == NULL
      || X509_NAME_add_entry_by_txt (subject, "CN", MBSTRING_UTF8,
                                     (const unsigned char *) common_name, -1, -1, 0) != 1
      || X509_set_pubkey (cert, key) != 1)
    {
      error = fail_with (WSAEINVAL, detail, detail_len, "could not fill the certificate");
      goto out;
    }
  signer_cert = issuer.cert != NULL ? issuer.cert : cert;
  signer_key = issuer.key != NULL ? issuer.key : key;
  if (X509_set_issuer_name (cert, X509_get_subject_name (signer_cert)) != 1)
    {
      error = fail_with (WSAEINVAL, detail, detail_len, "could not set the issuer");
      goto out;
    }

  X509V3_set_ctx (&v3, signer_cert, cert, NULL, NULL, 0);
  if (!add_extension (cert, &v3, NID_basic_constraints,
                      ca ? "critical,CA:TRUE" : "critical,CA:FALSE")
      || !add_extension (cert, &v3, NID_key_usage,
                         ca ? "critical,keyCertSign,cRLSign,digitalSignature"
                            : p->dwKeyType == INET_CERT_KEY_RSA_2048
                                ? "critical,digitalSignature,keyEncipherment"
                                : "critical,digitalSignature")
      || !add_extension (cert, &v3, NID_subject_key_identifier, "hash")
      || (issuer.cert != NULL
          && !add_extension (cert, &v3, NID_authority_key_identifier, "keyid:always"))
      || (!ca
          && !add_extension (cert, &v3, NID_ext_key_usage,
                             (p->dwFlags & INET_CERT_FLAG_CLIENT) ? "clientAuth" : "serverAuth"))
      || (names.text != NULL && !add_extension (cert, &v3, NID_subject_alt_name, names.text)))
    {
      error = fail_with (WSAEINVAL, detail, detail_len, "could not add the extensions");
      goto out;
    }
  if (X509_sign (cert, signer_key, EVP_sha256 ()) <= 0)
    {
      error = fail_with (WSAEINVAL, detail, detail_len, "could not sign the certificate");
      goto out;
    }

  if (p->lpszCertFile != NULL && p->lpszCertFile[0] != '\0')
    {
      bool key_inside = p->lpszKeyFile == NULL || p->lpszKeyFile[0] == '\0';

      bio = BIO_new (BIO_s_mem ());
      if (!pem_append_cert (bio, cert)
          || (issuer.cert != NULL && !pem_append_cert (bio, issuer.cert))
          || (key_inside && !pem_append_key (bio, key, p->lpszKeyPassword)))
        {
          error = fail_with (WSAENOBUFS, detail, detail_len, "could not encode PEM");
          goto out;
        }
      error = write_bio (bio, p->lpszCertFile, key_inside ? 0600 : 0644, detail, detail_len);
      BIO_free (bio);
      bio = NULL;
      if (error == 0 && !key_inside)
        {
          bio = BIO_new (BIO_s_mem ());
          if (!pem_append_key (bio, key, p->lpszKeyPassword))
            {
              error = fail_with (WSAENOBUFS, detail, detail_len, "could not encode the key");
              goto out;
            }
          error = write_bio (bio, p->lpszKeyFile, 0600, detail, detail_len);
          BIO_free (bio);
          bio = NULL;
        }
      if (error != 0)
        goto out;
    }

  if (p->lpszPkcs12File != NULL && p->lpszPkcs12File[0] != '\0')
    {
      STACK_OF (X509) *extra = sk_X509_new_null ();
      PKCS12 *p12;

      if (issuer.cert != NULL)
        sk_X509_push (extra, issuer.cert);
      /* OpenSSL 3 defaults: AES-256-CBC with PBKDF2, SHA-256 MAC */
      p12 = PKCS12_create (p->lpszPkcs12Password != NULL ? p->lpszPkcs12Password : "",
                           common_name, key, cert, extra, 0, 0, 0, 0, 0);
      sk_X509_free (extra);
      bio = BIO_new (BIO_s_mem ());
      if (p12 == NULL || i2d_PKCS12_bio (bio, p12) != 1)
        {
          PKCS12_free (p12);
          error = fail_with (WSAENOBUFS, detail, detail_len, "could not make the PKCS#12 file");
          goto out;
        }
      PKCS12_free (p12);
      error = write_bio (bio, p->lpszPkcs12File, 0600, detail, detail_len);
    }

out:
  BIO_free (bio);
  X509_free (cert);
  EVP_PKEY_free (key);
  free (names.text);
  inet__cert_load_clear (&issuer);
  ERR_clear_error ();
  return error;
}

BOOL WINAPI
InetCreateSelfSignedCertificate (const INETCERTIFICATEPARAMS *lpParams)
{
  INETCERTIFICATEPARAMS params;
  char detail[768] = "";
  DWORD error;

  if (lpParams == NULL || lpParams->dwSize < offsetof (INETCERTIFICATEPARAMS, lpszKeyFile))
    {
      inet__set_error_detail (WSAEINVAL, "lpParams and its dwSize must be set");
      return FALSE;
    }
  memset (&params, 0, sizeof params);
  memcpy (&params, lpParams,
          lpParams->dwSize < sizeof params ? lpParams->dwSize : sizeof params);
  error = make (&params, detail, sizeof detail);
  if (error != 0)
    {
      inet__set_error_detail (error, "%s", detail);
      return FALSE;
    }
  inet__set_error (0);
  return TRUE;
}
