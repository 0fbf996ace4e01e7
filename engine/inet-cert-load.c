/* inet-cert-load.c - finds and reads TLS credentials: a PEM file
 * (certificate, chain, maybe the key), a PKCS#12 file, or a directory in
 * which lpszCertName names a file or a subject; a separate PEM key; a
 * password from the credentials or their callback (OpenSSL never prompts:
 * every decryption gets the password directly or through our callback).
 *
 * Each failure gets its own INET_ERROR_* code and a detail that names the
 * file and the cause, because that is what a person fixing a server's
 * configuration needs to read.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-cert-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>

/* ------------------------------------------------------------- helpers */

#define SET_DETAIL(...) snprintf (detail, detail_len, __VA_ARGS__)

static void
sk_X509_pop_free_all (STACK_OF (X509) *stack)
{
  sk_X509_pop_free (stack, X509_free);
}

void
inet__cert_detail (char *detail, size_t len, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vsnprintf (detail, len, format, args);
  va_end (args);
}

void
inet__cert_copy_text (char *out, size_t len, const char *text)
{
  size_t n = strlen (text);

  if (len == 0)
    return;
  if (n >= len)
    {
      n = len - 1;
      while (n > 0 && ((unsigned char) text[n] & 0xc0) == 0x80)
        n--; /* not in the middle of a UTF-8 character */
    }
  memcpy (out, text, n);
  out[n] = '\0';
}

const char *
inet__cert_openssl_reason (char *buffer, size_t len)
{
  unsigned long e = ERR_peek_last_error ();
  const char *reason = e != 0 ? ERR_reason_error_string (e) : NULL;

  if (e == 0)
    snprintf (buffer, len, "%s", "");
  else if (reason != NULL)
    snprintf (buffer, len, "%s", reason);
  else
    ERR_error_string_n (e, buffer, len);
  ERR_clear_error ();
  return buffer;
}

static bool
is_unsupported_error (unsigned long e)
{
  int lib = ERR_GET_LIB (e);
  int reason = ERR_GET_REASON (e);

  return reason == ERR_R_UNSUPPORTED
         || (lib == ERR_LIB_EVP
             && (reason == EVP_R_UNSUPPORTED_ALGORITHM || reason == EVP_R_UNSUPPORTED_CIPHER
                 || reason == EVP_R_UNKNOWN_CIPHER
                 || reason == EVP_R_UNSUPPORTED_PRIVATE_KEY_ALGORITHM))
         || (lib == ERR_LIB_PKCS12 && reason == PKCS12_R_UNKNOWN_DIGEST_ALGORITHM);
}

/* TRUE if OpenSSL's error queue says an algorithm is not available. */
static bool
error_is_unsupported (void)
{
  /* the failed fetch is the oldest entry; later ones say where it hurt */
  unsigned long oldest = ERR_peek_error ();
  unsigned long newest = ERR_peek_last_error ();

  return (oldest != 0 && is_unsupported_error (oldest))
         || (newest != 0 && is_unsupported_error (newest));
}

bool
inet__cert_time (const ASN1_TIME *time, time_t *out)
{
  struct tm tm;

  if (time == NULL || ASN1_TIME_to_tm (time, &tm) != 1)
    return false;
  *out = timegm (&tm);
  return true;
}

void
inet__cert_format_time (time_t when, char *buffer, size_t len)
{
  struct tm tm;

  gmtime_r (&when, &tm);
  strftime (buffer, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

void
inet__cert_name_text (const X509_NAME *name, char *buffer, size_t len)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *text = NULL;
  long n;

  buffer[0] = '\0';
  if (bio == NULL)
    return;
  if (name != NULL
      && X509_NAME_print_ex (bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0)
    {
      n = BIO_get_mem_data (bio, &text);
      if (n > 0)
        snprintf (buffer, len, "%.*s", (int) n, text);
    }
  BIO_free (bio);
}

/* Re-creates key and certificate in the default library context, so that
 * objects decoded with a temporary one outlive it. */
static EVP_PKEY *
portable_key (EVP_PKEY *key)
{
  unsigned char *der = NULL;
  const unsigned char *p;
  EVP_PKEY *copy;
  int n = i2d_PrivateKey (key, &der);

  if (n <= 0)
    return NULL;
  p = der;
  copy = d2i_AutoPrivateKey (NULL, &p, n);
  OPENSSL_clear_free (der, (size_t) n);
  return copy;
}

static X509 *
portable_cert (X509 *cert)
{
  unsigned char *der = NULL;
  const unsigned char *p;
  X509 *copy;
  int n = i2d_X509 (cert, &der);

  if (n <= 0)
    return NULL;
  p = der;
  copy = d2i_X509 (NULL, &p, n);
  OPENSSL_free (der);
  return copy;
}

DWORD
inet__cert_write_file (const char *path, const void *data, size_t len, unsigned mode,
                       char *detail, size_t detail_len)
{
  char tmp[PATH_MAX];
  const char *p = data;
  int fd;

  if (snprintf (tmp, sizeof tmp, "%s.XXXXXX", path) >= (int) sizeof tmp)
    {
      SET_DETAIL ("%s: the path is too long", path);
      return INET_ERROR_FILE_WRITE;
    }
  fd = mkostemp (tmp, O_CLOEXEC);
  if (fd < 0)
    {
      SET_DETAIL ("%s: %s", path, strerror (errno));
      return INET_ERROR_FILE_WRITE;
    }
  if (fchmod (fd, mode) != 0)
    goto fail;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto fail;
      p += n;
      len -= (size_t) n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  fd = -1;
  if (rename (tmp, path) != 0)
    goto fail;
  return 0;

fail:
  SET_DETAIL ("%s: %s", path, strerror (errno));
  if (fd >= 0)
    close (fd);
  unlink (tmp);
  return INET_ERROR_FILE_WRITE;
}

/* ------------------------------------------------------------ the password */

void
inet__cert_load_init (InetCertLoad *load, const SECURITYCREDENTIALS *credentials)
{
  size_t size;

  memset (load, 0, sizeof *load);
  if (credentials == NULL)
    return;
  size = credentials->dwSize < sizeof *credentials ? credentials->dwSize : sizeof *credentials;
  memcpy (&load->credentials, credentials, size);
  /* a field the caller's dwSize only half covers is not there at all */
#define KEEP_IF_COVERED(field)                                                    \
  if (offsetof (SECURITYCREDENTIALS, field) + sizeof (credentials->field) > size) \
    memset (&load->credentials.field, 0, sizeof load->credentials.field)
  KEEP_IF_COVERED (dwProtocol);
  KEEP_IF_COVERED (dwOptions);
  KEEP_IF_COVERED (lpszCertStore);
  KEEP_IF_COVERED (lpszCertName);
  KEEP_IF_COVERED (lpszKeyFile);
  KEEP_IF_COVERED (lpszPassword);
  KEEP_IF_COVERED (lpPasswordProc);
  KEEP_IF_COVERED (dwPasswordParam);
  KEEP_IF_COVERED (lpszCAFile);
  KEEP_IF_COVERED (lpszCipherList);
  KEEP_IF_COVERED (lpszCipherSuites);
  KEEP_IF_COVERED (lpszAlpn);
#undef KEEP_IF_COVERED
  load->credentials.dwSize = (DWORD) size;
}

static void
pem_key_clear (InetPemKey *pem)
{
  OPENSSL_free (pem->name);
  OPENSSL_free (pem->header);
  if (pem->data != NULL)
    OPENSSL_clear_free (pem->data, (size_t) pem->len);
  memset (pem, 0, sizeof *pem);
}

void
inet__cert_load_clear (InetCertLoad *load)
{
  X509_free (load->cert);
  sk_X509_pop_free_all (load->chain);
  EVP_PKEY_free (load->key);
  pem_key_clear (&load->key_pem);
  OPENSSL_cleanse (load->password, sizeof load->password);
  memset (load, 0, sizeof *load);
}

/* The password, asked for once; NULL when there is none. */
static const char *
password_for (InetCertLoad *load, const char *path)
{
  const SECURITYCREDENTIALS *c = &load->credentials;

  if (!load->password_asked)
    {
      load->password_asked = true;
      if (c->lpszPassword != NULL)
        {
          snprintf (load->password, sizeof load->password, "%s", c->lpszPassword);
          load->password_given = true;
        }
      else if (c->lpPasswordProc != NULL)
        {
          memset (load->password, 0, sizeof load->password);
          if (c->lpPasswordProc (path, load->password, (INT) sizeof load->password,
                                 c->dwPasswordParam))
            {
              load->password[sizeof load->password - 1] = '\0';
              load->password_given = true;
            }
        }
    }
  return load->password_given ? load->password : NULL;
}

/* OpenSSL's password callback: hands over what we have, never prompts. */
static int
give_password (char *buffer, int size, int rwflag, void *data)
{
  const char *password = data;
  size_t len;

  (void) rwflag;
  if (password == NULL || size <= 0)
    return -1;
  len = strlen (password);
  if (len > (size_t) size)
    return -1;
  memcpy (buffer, password, len);
  return (int) len;
}

/* A library context with the legacy provider, for PKCS#12 files and keys
 * encrypted with RC2, RC4 or single DES. Private, so loading it does not
 * change what the rest of the process may use. */
typedef struct
{
  OSSL_LIB_CTX *ctx;
  OSSL_PROVIDER *base;
  OSSL_PROVIDER *legacy;
} LegacyContext;

static bool
legacy_open (LegacyContext *legacy, char *why, size_t why_len)
{
  memset (legacy, 0, sizeof *legacy);
  ERR_clear_error ();
  legacy->ctx = OSSL_LIB_CTX_new ();
  if (legacy->ctx != NULL)
    legacy->base = OSSL_PROVIDER_load (legacy->ctx, "default");
  if (legacy->base != NULL)
    legacy->legacy = OSSL_PROVIDER_load (legacy->ctx, "legacy");
  if (legacy->legacy != NULL)
    {
      ERR_clear_error ();
      return true;
    }
  {
    unsigned long e = ERR_peek_last_error ();
    const char *reason = e != 0 ? ERR_reason_error_string (e) : NULL;

    snprintf (why, why_len, "it could not be loaded%s%s", reason != NULL ? ": " : "",
              reason != NULL ? reason : "");
    ERR_clear_error ();
  }
  if (legacy->base != NULL)
    OSSL_PROVIDER_unload (legacy->base);
  OSSL_LIB_CTX_free (legacy->ctx);
  memset (legacy, 0, sizeof *legacy);
  return false;
}

static void
legacy_close (LegacyContext *legacy)
{
  if (legacy->legacy != NULL)
    OSSL_PROVIDER_unload (legacy->legacy);
  if (legacy->base != NULL)
    OSSL_PROVIDER_unload (legacy->base);
  OSSL_LIB_CTX_free (legacy->ctx);
  memset (legacy, 0, sizeof *legacy);
}

/* --------------------------------------------------------------- reading */

static DWORD
read_whole_file (const char *path, DWORD missing, DWORD invalid, unsigned char **data,
                 size_t *len, char *detail, size_t detail_len)
{
  struct stat st;
  unsigned char *buffer;
  size_t done = 0;
  int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      SET_DETAIL ("%s: %s", path, strerror (errno));
      return missing;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      SET_DETAIL ("%s: %s", path, S_ISDIR (st.st_mode) ? "is a directory" : "not a regular file");
      close (fd);
      return invalid;
    }
  if (st.st_size > INET_CERT_MAX_FILE)
    {
      SET_DETAIL ("%s: too large for a certificate or key file", path);
      close (fd);
      return invalid;
    }
  buffer = malloc ((size_t) st.st_size + 1);
  while (done < (size_t) st.st_size)
    {
      ssize_t n = read (fd, buffer + done, (size_t) st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          SET_DETAIL ("%s: %s", path, strerror (errno));
          free (buffer);
          close (fd);
          return missing;
        }
      if (n == 0)
        break;
      done += (size_t) n;
    }
  close (fd);
  if (done == 0)
    {
      SET_DETAIL ("%s: the file is empty", path);
      free (buffer);
      return invalid;
    }
  buffer[done] = '\0';
  *data = buffer;
  *len = done;
  return 0;
}

/* What one file holds. */
typedef struct
{
  STACK_OF (X509) *certs;           /* (owned) first = leaf */
  EVP_PKEY *key;                    /* (owned) from a PKCS#12 file */
  InetPemKey key_pem;               /* (owned) a PEM key block, decoded later */
  char friendly_name[256];          /* PKCS#12 alias */
  bool pkcs12;
  bool key_encrypted;
} StoreFile;

static void
store_file_clear (StoreFile *file)
{
  sk_X509_pop_free_all (file->certs);
  EVP_PKEY_free (file->key);
  pem_key_clear (&file->key_pem);
  memset (file, 0, sizeof *file);
}

static bool
is_key_block (const char *name)
{
  size_t len = strlen (name);

  return len >= 11 && strcmp (name + len - 11, "PRIVATE KEY") == 0;
}

static DWORD
parse_pem (const char *path, const unsigned char *data, size_t len, StoreFile *file,
           char *detail, size_t detail_len)
{
  BIO *bio = BIO_new_mem_buf (data, (int) len);
  DWORD error = 0;
  int blocks = 0;

  file->certs = sk_X509_new_null ();
  ERR_clear_error ();
  for (;;)
    {
      char *name = NULL, *header = NULL;
      unsigned char *der = NULL;
      long der_len = 0;
      char reason[160];

      if (!PEM_read_bio (bio, &name, &header, &der, &der_len))
        {
          unsigned long e = ERR_peek_last_error ();

          if (ERR_GET_LIB (e) == ERR_LIB_PEM && ERR_GET_REASON (e) == PEM_R_NO_START_LINE)
            ERR_clear_error (); /* the end */
          else
            {
              SET_DETAIL ("%s: PEM block %d is damaged (%s)", path, blocks + 1,
                          inet__cert_openssl_reason (reason, sizeof reason));
              error = INET_ERROR_CERT_INVALID;
            }
          break;
        }
      blocks++;
      if (strcmp (name, PEM_STRING_X509) == 0 || strcmp (name, PEM_STRING_X509_OLD) == 0
          || strcmp (name, PEM_STRING_X509_TRUSTED) == 0)
        {
          const unsigned char *p = der;
          X509 *cert = strcmp (name, PEM_STRING_X509_TRUSTED) == 0
                         ? d2i_X509_AUX (NULL, &p, der_len)
                         : d2i_X509 (NULL, &p, der_len);

          if (cert == NULL)
            {
              SET_DETAIL ("%s: certificate %d is damaged (%s)", path,
                          sk_X509_num (file->certs) + 1,
                          inet__cert_openssl_reason (reason, sizeof reason));
              error = INET_ERROR_CERT_INVALID;
            }
          else
            sk_X509_push (file->certs, cert);
          OPENSSL_free (name);
          OPENSSL_free (header);
          OPENSSL_free (der);
        }
      else if (is_key_block (name) && file->key_pem.name == NULL)
        {
          file->key_pem.name = name;
          file->key_pem.header = header;
          file->key_pem.data = der;
          file->key_pem.len = der_len;
          file->key_encrypted = strcmp (name, PEM_STRING_PKCS8) == 0
                                || strstr (header, "ENCRYPTED") != NULL;
        }
      else
        {
          OPENSSL_free (name);
          OPENSSL_free (header);
          if (der != NULL)
            OPENSSL_clear_free (der, (size_t) der_len);
        }
      if (error != 0)
        break;
    }
  BIO_free (bio);
  if (error == 0 && blocks == 0)
    {
      SET_DETAIL ("%s: no PEM data in the file", path);
      error = INET_ERROR_CERT_INVALID;
    }
  return error;
}

static void
pkcs12_cipher_name (PKCS12 *p12, char *buffer, size_t len)
{
  STACK_OF (PKCS7) *safes = PKCS12_unpack_authsafes (p12);

  snprintf (buffer, len, "%s", "an unknown algorithm");
  for (int i = 0; safes != NULL && i < sk_PKCS7_num (safes); i++)
    {
      PKCS7 *p7 = sk_PKCS7_value (safes, i);

      if (PKCS7_type_is_encrypted (p7) && p7->d.encrypted != NULL
          && p7->d.encrypted->enc_data != NULL && p7->d.encrypted->enc_data->algorithm != NULL)
        {
          OBJ_obj2txt (buffer, (int) len, p7->d.encrypted->enc_data->algorithm->algorithm, 0);
          break;
        }
    }
  sk_PKCS7_pop_free (safes, PKCS7_free);
  ERR_clear_error ();
}

/* Parses a PKCS#12 file; the default library context first, then the
 * legacy provider's for RC2/RC4/DES encryption. */
static DWORD
parse_pkcs12 (InetCertLoad *load, const char *path, const unsigned char *data, size_t len,
              StoreFile *file, char *detail, size_t detail_len)
{
  const unsigned char *p = data;
  PKCS12 *p12 = d2i_PKCS12 (NULL, &p, (long) len);
  const char *password;
  EVP_PKEY *key = NULL;
  X509 *cert = NULL;
  STACK_OF (X509) *extra = NULL;
  char reason[160];
  DWORD error = 0;
  bool parsed;

  file->pkcs12 = true;
  if (p12 == NULL)
    {
      SET_DETAIL ("%s: damaged PKCS#12 file", path);
      return INET_ERROR_CERT_INVALID;
    }
  if (PKCS12_mac_present (p12))
    {
      /* files "without" a password use an empty one: no need to ask */
      ERR_clear_error ();
      if (PKCS12_verify_mac (p12, NULL, 0))
        password = NULL;
      else if (PKCS12_verify_mac (p12, "", 0))
        password = "";
      else if ((password = password_for (load, path)) == NULL)
        {
          ERR_clear_error ();
          SET_DETAIL ("%s: the PKCS#12 file is protected by a password and none was given",
                      path);
          PKCS12_free (p12);
          return INET_ERROR_BAD_PASSWORD;
        }
      else if (!PKCS12_verify_mac (p12, password, -1))
        {
          bool unsupported = error_is_unsupported ();

          ERR_clear_error ();
          if (unsupported)
            SET_DETAIL ("%s: the integrity check of the PKCS#12 file uses an algorithm this "
                        "system cannot compute", path);
          else
            SET_DETAIL ("%s: wrong password for the PKCS#12 file", path);
          PKCS12_free (p12);
          return unsupported ? INET_ERROR_PKCS12_UNSUPPORTED : INET_ERROR_BAD_PASSWORD;
        }
    }
  else
    password = password_for (load, path);

  ERR_clear_error ();
  parsed = PKCS12_parse (p12, password, &key, &cert, &extra) == 1;
  if (!parsed && error_is_unsupported ())
    {
      LegacyContext legacy;
      char cipher[80];
      char why[160];

      ERR_clear_error ();
      pkcs12_cipher_name (p12, cipher, sizeof cipher);
      if (!legacy_open (&legacy, why, sizeof why))
        {
          SET_DETAIL ("%s: encrypted with %s, which needs OpenSSL's legacy provider (%s); "
                      "re-export the file with AES (openssl pkcs12 -export without -legacy)",
                      path, cipher, why);
          PKCS12_free (p12);
          return INET_ERROR_PKCS12_UNSUPPORTED;
        }
      else
        {
          PKCS12 *old = PKCS12_init_ex (NID_pkcs7_data, legacy.ctx, NULL);

          p = data;
          if (old != NULL && d2i_PKCS12 (&old, &p, (long) len) != NULL)
            parsed = PKCS12_parse (old, password, &key, &cert, &extra) == 1;
          if (parsed)
            {
              /* the objects must outlive the temporary library context */
              EVP_PKEY *k = key != NULL ? portable_key (key) : NULL;
              X509 *c = cert != NULL ? portable_cert (cert) : NULL;
              STACK_OF (X509) *e = sk_X509_new_null ();

              for (int i = 0; extra != NULL && i < sk_X509_num (extra); i++)
                {
                  X509 *x = portable_cert (sk_X509_value (extra, i));

                  if (x != NULL)
                    sk_X509_push (e, x);
                }
              EVP_PKEY_free (key);
              X509_free (cert);
              sk_X509_pop_free_all (extra);
              key = k;
              cert = c;
              extra = e;
            }
          else
            {
              SET_DETAIL ("%s: encrypted with %s, which even OpenSSL's legacy provider cannot "
                          "read (%s)", path, cipher, inet__cert_openssl_reason (reason,
                                                                               sizeof reason));
              error = INET_ERROR_PKCS12_UNSUPPORTED;
            }
          PKCS12_free (old);
          legacy_close (&legacy);
        }
    }
  else if (!parsed)
    {
      inet__cert_openssl_reason (reason, sizeof reason);
      if (!PKCS12_mac_present (p12))
        {
          SET_DETAIL ("%s: cannot decrypt the PKCS#12 file (wrong password?): %s", path, reason);
          error = INET_ERROR_BAD_PASSWORD;
        }
      else
        {
          SET_DETAIL ("%s: cannot read the PKCS#12 file: %s", path, reason);
          error = INET_ERROR_CERT_INVALID;
        }
    }

  if (error == 0)
    {
      int alias_len = 0;
      unsigned char *alias = cert != NULL ? X509_alias_get0 (cert, &alias_len) : NULL;

      if (alias != NULL && alias_len > 0)
        snprintf (file->friendly_name, sizeof file->friendly_name, "%.*s", alias_len,
                  (const char *) alias);
      file->certs = sk_X509_new_null ();
      if (cert != NULL)
        sk_X509_push (file->certs, cert);
      for (int i = 0; extra != NULL && i < sk_X509_num (extra); i++)
        sk_X509_push (file->certs, X509_dup (sk_X509_value (extra, i)));
      cert = NULL;
      file->key = key;
      file->key_encrypted = password != NULL && password[0] != '\0';
      key = NULL;
    }
  EVP_PKEY_free (key);
  X509_free (cert);
  sk_X509_pop_free_all (extra);
  PKCS12_free (p12);
  ERR_clear_error ();
  return error;
}

/* Reads a store file: PEM (certificates and maybe a key), PKCS#12, or a
 * single DER certificate. */
static DWORD
read_store_file (InetCertLoad *load, const char *path, DWORD missing, StoreFile *file,
                 char *detail, size_t detail_len)
{
  unsigned char *data = NULL;
  size_t len = 0;
  DWORD error;

  memset (file, 0, sizeof *file);
  error = read_whole_file (path, missing, INET_ERROR_CERT_INVALID, &data, &len, detail,
                           detail_len);
  if (error != 0)
    return error;

  if (memmem (data, len, "-----BEGIN ", 11) != NULL)
    error = parse_pem (path, data, len, file, detail, detail_len);
  else
    {
      const unsigned char *p = data;
      PKCS12 *p12 = data[0] == 0x30 ? d2i_PKCS12 (NULL, &p, (long) len) : NULL;
      X509 *cert = NULL;

      if (p12 != NULL)
        {
          PKCS12_free (p12);
          error = parse_pkcs12 (load, path, data, len, file, detail, detail_len);
        }
      else
        {
          p = data;
          cert = data[0] == 0x30 ? d2i_X509 (NULL, &p, (long) len) : NULL;
          if (cert != NULL)
            {
              file->certs = sk_X509_new_null ();
              sk_X509_push (file->certs, cert);
            }
          else
            {
              SET_DETAIL ("%s: neither a PEM file nor a PKCS#12 file", path);
              error = INET_ERROR_CERT_INVALID;
            }
        }
      ERR_clear_error ();
    }
  OPENSSL_clear_free (data, len);
  if (error != 0)
    store_file_clear (file);
  return error;
}

/* ------------------------------------------------------------- choosing */

static bool
leaf_has_name (const StoreFile *file, const char *wanted)
{
  X509 *leaf = file->certs != NULL && sk_X509_num (file->certs) > 0
                 ? sk_X509_value (file->certs, 0) : NULL;
  const X509_NAME *subject;
  char text[512];
  char cn[256];

  if (leaf == NULL)
    return false;
  if (file->friendly_name[0] != '\0' && strcmp (file->friendly_name, wanted) == 0)
    return true;
  subject = X509_get_subject_name (leaf);
  if (X509_NAME_get_text_by_NID (subject, NID_commonName, cn, sizeof cn) > 0
      && strcasecmp (cn, wanted) == 0)
    return true;
  inet__cert_name_text (subject, text, sizeof text);
  if (strcmp (text, wanted) == 0)
    return true;
  X509_NAME_oneline (subject, text, sizeof text);
  return strcmp (text, wanted) == 0;
}

static void
take_store_file (InetCertLoad *load, StoreFile *file, const char *path)
{
  load->cert = sk_X509_shift (file->certs);
  load->chain = file->certs;
  file->certs = NULL;
  load->key = file->key;
  file->key = NULL;
  load->key_pem = file->key_pem;
  memset (&file->key_pem, 0, sizeof file->key_pem);
  load->pkcs12 = file->pkcs12;
  load->key_encrypted = file->key_encrypted;
  if (load->key != NULL)
    snprintf (load->key_path, sizeof load->key_path, "%s", path);
  snprintf (load->cert_path, sizeof load->cert_path, "%s", path);
}

static DWORD
load_file (InetCertLoad *load, const char *path, const char *wanted, char *detail,
           size_t detail_len)
{
  StoreFile file;
  DWORD error = read_store_file (load, path, INET_ERROR_CERT_NOT_FOUND, &file, detail,
                                 detail_len);

  if (error != 0)
    return error;
  if (sk_X509_num (file.certs) == 0)
    {
      if (file.key_pem.name != NULL || file.key != NULL)
        SET_DETAIL ("%s: holds a private key but no certificate", path);
      else
        SET_DETAIL ("%s: no certificate in the file", path);
      store_file_clear (&file);
      return INET_ERROR_CERT_INVALID;
    }
  if (wanted != NULL && wanted[0] != '\0' && !leaf_has_name (&file, wanted))
    {
      char subject[256];

      inet__cert_name_text (X509_get_subject_name (sk_X509_value (file.certs, 0)), subject,
                            sizeof subject);
      SET_DETAIL ("%s: the certificate is \"%s\", not \"%s\"", path, subject, wanted);
      store_file_clear (&file);
      return INET_ERROR_CERT_INVALID;
    }
  take_store_file (load, &file, path);
  store_file_clear (&file);
  return 0;
}

static int
skip_hidden (const struct dirent *entry)
{
  return entry->d_name[0] != '.';
}

static DWORD
load_directory (InetCertLoad *load, const char *dir, char *detail, size_t detail_len)
{
  const char *wanted = load->credentials.lpszCertName;
  struct dirent **entries = NULL;
  StoreFile best = { 0 };
  char best_path[PATH_MAX] = "";
  long best_score = -1;
  int found = 0;
  int n;

  if (wanted != NULL && wanted[0] != '\0' && strchr (wanted, '/') == NULL)
    {
      char path[PATH_MAX];
      struct stat st;

      /* a file name first */
      snprintf (path, sizeof path, "%s/%s", dir, wanted);
      if (stat (path, &st) == 0 && S_ISREG (st.st_mode))
        return load_file (load, path, NULL, detail, detail_len);
    }

  n = scandir (dir, &entries, skip_hidden, alphasort);
  if (n < 0)
    {
      SET_DETAIL ("%s: %s", dir, strerror (errno));
      return INET_ERROR_CERT_NOT_FOUND;
    }
  for (int i = 0; i < n; i++)
    {
      char path[PATH_MAX];
      char ignored[256];
      struct stat st;
      StoreFile file;
      long score;

      snprintf (path, sizeof path, "%s/%s", dir, entries[i]->d_name);
      free (entries[i]);
      if (stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > INET_CERT_MAX_FILE)
        continue;
      if (read_store_file (load, path, INET_ERROR_CERT_NOT_FOUND, &file, ignored,
                           sizeof ignored) != 0)
        continue;
      if (sk_X509_num (file.certs) == 0
          || (wanted != NULL && wanted[0] != '\0' && !leaf_has_name (&file, wanted)))
        {
          store_file_clear (&file);
          continue;
        }
      /* prefer the file that also holds the key, then the longest chain
       * (fullchain.pem over cert.pem) */
      found++;
      score = (file.key_pem.name != NULL || file.key != NULL ? 1000 : 0)
              + sk_X509_num (file.certs);
      if (score > best_score)
        {
          store_file_clear (&best);
          best = file;
          best_score = score;
          snprintf (best_path, sizeof best_path, "%s", path);
        }
      else
        store_file_clear (&file);
    }
  free (entries);

  if (found == 0 || ((wanted == NULL || wanted[0] == '\0') && found > 1))
    {
      if (wanted != NULL && wanted[0] != '\0')
        SET_DETAIL ("%s: no file named \"%s\" and no certificate with that subject", dir,
                    wanted);
      else if (found == 0)
        SET_DETAIL ("%s: no certificate in the directory", dir);
      else
        SET_DETAIL ("%s: %d certificates in the directory; name one (lpszCertName)", dir,
                    found);
      store_file_clear (&best);
      return INET_ERROR_CERT_INVALID;
    }
  take_store_file (load, &best, best_path);
  store_file_clear (&best);
  return 0;
}

DWORD
inet__cert_load_certificate (InetCertLoad *load, char *detail, size_t detail_len)
{
  const char *store = load->credentials.lpszCertStore;
  struct stat st;

  if (store == NULL || store[0] == '\0')
    {
      SET_DETAIL ("no certificate store given (lpszCertStore)");
      return INET_ERROR_CERT_NOT_FOUND;
    }
  if (stat (store, &st) != 0)
    {
      SET_DETAIL ("%s: %s", store, strerror (errno));
      return INET_ERROR_CERT_NOT_FOUND;
    }
  if (S_ISDIR (st.st_mode))
    return load_directory (load, store, detail, detail_len);
  return load_file (load, store, load->credentials.lpszCertName, detail, detail_len);
}

/* ------------------------------------------------------------------ keys */

static DWORD
decrypt_pkcs8 (X509_SIG *p8, const char *path, const char *password, EVP_PKEY **key,
               char *detail, size_t detail_len)
{
  PKCS8_PRIV_KEY_INFO *info;
  char reason[160];

  ERR_clear_error ();
  info = PKCS8_decrypt_ex (p8, password, (int) strlen (password), NULL, NULL);
  if (info == NULL && error_is_unsupported ())
    {
      LegacyContext legacy;
      char why[160];

      ERR_clear_error ();
      if (!legacy_open (&legacy, why, sizeof why))
        {
          SET_DETAIL ("%s: the key is encrypted with an algorithm that needs OpenSSL's legacy "
                      "provider (%s)", path, why);
          return INET_ERROR_KEY_INVALID;
        }
      info = PKCS8_decrypt_ex (p8, password, (int) strlen (password), legacy.ctx, NULL);
      if (info != NULL)
        {
          EVP_PKEY *temporary = EVP_PKCS82PKEY_ex (info, legacy.ctx, NULL);

          *key = temporary != NULL ? portable_key (temporary) : NULL;
          EVP_PKEY_free (temporary);
          PKCS8_PRIV_KEY_INFO_free (info);
          legacy_close (&legacy);
          if (*key == NULL)
            {
              SET_DETAIL ("%s: the decrypted key is damaged (%s)", path,
                          inet__cert_openssl_reason (reason, sizeof reason));
              return INET_ERROR_KEY_INVALID;
            }
          return 0;
        }
      legacy_close (&legacy);
    }
  if (info == NULL)
    {
      ERR_clear_error ();
      SET_DETAIL ("%s: wrong password for the private key", path);
      return INET_ERROR_BAD_PASSWORD;
    }
  *key = EVP_PKCS82PKEY (info);
  PKCS8_PRIV_KEY_INFO_free (info);
  if (*key == NULL)
    {
      SET_DETAIL ("%s: the decrypted key is damaged (%s)", path,
                  inet__cert_openssl_reason (reason, sizeof reason));
      return INET_ERROR_KEY_INVALID;
    }
  return 0;
}

/* Decodes one PEM key block. Its data is modified (decrypted in place). */
static DWORD
decode_pem_key (const char *path, InetPemKey *pem, const char *password, EVP_PKEY **key,
                char *detail, size_t detail_len)
{
  const char *name = pem->name;
  char *header = pem->header;
  unsigned char *data = pem->data;
  long len = pem->len;
  const unsigned char *p = data;
  char reason[160];

  *key = NULL;
  ERR_clear_error ();
  if (strcmp (name, PEM_STRING_PKCS8) == 0)
    {
      X509_SIG *p8 = d2i_X509_SIG (NULL, &p, len);
      DWORD error;

      if (p8 == NULL)
        {
          SET_DETAIL ("%s: the encrypted private key is damaged (%s)", path,
                      inet__cert_openssl_reason (reason, sizeof reason));
          return INET_ERROR_KEY_INVALID;
        }
      if (password == NULL)
        {
          X509_SIG_free (p8);
          SET_DETAIL ("%s: the private key is encrypted and no password was given", path);
          return INET_ERROR_BAD_PASSWORD;
        }
      error = decrypt_pkcs8 (p8, path, password, key, detail, detail_len);
      X509_SIG_free (p8);
      return error;
    }

  if (strcmp (name, PEM_STRING_PKCS8INF) == 0)
    {
      PKCS8_PRIV_KEY_INFO *info = d2i_PKCS8_PRIV_KEY_INFO (NULL, &p, len);

      if (info != NULL)
        {
          *key = EVP_PKCS82PKEY (info);
          PKCS8_PRIV_KEY_INFO_free (info);
        }
    }
  else
    {
      /* traditional: RSA/EC/DSA PRIVATE KEY, maybe with Proc-Type: 4,ENCRYPTED */
      EVP_CIPHER_INFO cipher;
      bool encrypted;
      int type = strncmp (name, "RSA ", 4) == 0  ? EVP_PKEY_RSA
                 : strncmp (name, "EC ", 3) == 0 ? EVP_PKEY_EC
                 : strncmp (name, "DSA ", 4) == 0 ? EVP_PKEY_DSA
                                                  : EVP_PKEY_NONE;

      if (!PEM_get_EVP_CIPHER_INFO (header, &cipher))
        {
          SET_DETAIL ("%s: the private key's encryption header is not understood (%s)", path,
                      inet__cert_openssl_reason (reason, sizeof reason));
          return INET_ERROR_KEY_INVALID;
        }
      encrypted = cipher.cipher != NULL;
      if (encrypted && password == NULL)
        {
          SET_DETAIL ("%s: the private key is encrypted and no password was given", path);
          return INET_ERROR_BAD_PASSWORD;
        }
      if (encrypted
          && !PEM_do_header (&cipher, data, &len, give_password, (void *) password))
        {
          ERR_clear_error ();
          SET_DETAIL ("%s: wrong password for the private key", path);
          return INET_ERROR_BAD_PASSWORD;
        }
      p = data;
      if (type != EVP_PKEY_NONE)
        *key = d2i_PrivateKey (type, NULL, &p, len);
      else
        *key = d2i_AutoPrivateKey (NULL, &p, len);
      if (*key == NULL && encrypted)
        {
          /* a wrong password that happened to leave valid padding */
          ERR_clear_error ();
          SET_DETAIL ("%s: wrong password for the private key", path);
          return INET_ERROR_BAD_PASSWORD;
        }
    }
  if (*key == NULL)
    {
      SET_DETAIL ("%s: the private key is damaged or of an unknown type (%s)", path,
                  inet__cert_openssl_reason (reason, sizeof reason));
      return INET_ERROR_KEY_INVALID;
    }
  ERR_clear_error ();
  return 0;
}

/* Reads a key file: a PEM key block, or the key of a PKCS#12 file. */
static DWORD
read_key_file (InetCertLoad *load, const char *path, EVP_PKEY **key, bool *encrypted,
               char *detail, size_t detail_len)
{
  StoreFile file;
  DWORD error = read_store_file (load, path, INET_ERROR_KEY_NOT_FOUND, &file, detail,
                                 detail_len);

  *key = NULL;
  if (error == INET_ERROR_CERT_INVALID || error == INET_ERROR_CERT_NOT_FOUND)
    error = INET_ERROR_KEY_INVALID;
  if (error != 0)
    return error;
  if (file.key != NULL)
    {
      *key = file.key;
      file.key = NULL;
    }
  else if (file.key_pem.name != NULL)
    error = decode_pem_key (path, &file.key_pem,
                            file.key_encrypted ? password_for (load, path) : NULL, key,
                            detail, detail_len);
  else
    {
      if (sk_X509_num (file.certs) > 0)
        SET_DETAIL ("%s: holds a certificate, not a private key", path);
      else
        SET_DETAIL ("%s: no private key in the file", path);
      error = INET_ERROR_KEY_INVALID;
    }
  *encrypted = file.key_encrypted;
  store_file_clear (&file);
  return error;
}

static DWORD
check_match (InetCertLoad *load, char *detail, size_t detail_len)
{
  char subject[256];

  ERR_clear_error ();
  if (X509_check_private_key (load->cert, load->key) == 1)
    return 0;
  ERR_clear_error ();
  inet__cert_name_text (X509_get_subject_name (load->cert), subject, sizeof subject);
  if (strcmp (load->key_path, load->cert_path) == 0)
    SET_DETAIL ("%s: the private key does not belong to the certificate \"%s\"",
                load->key_path, subject);
  else
    SET_DETAIL ("%s: the private key does not belong to the certificate \"%s\" in %s",
                load->key_path, subject, load->cert_path);
  return INET_ERROR_KEY_MISMATCH;
}

/* Key files people keep beside a certificate: NAME.key, NAME.key.pem,
 * NAME-key.pem, and Let's Encrypt's privkey.pem. */
static DWORD
load_sibling_key (InetCertLoad *load, char *detail, size_t detail_len)
{
  char stem[PATH_MAX];
  char dir[PATH_MAX];
  char candidates[4][PATH_MAX + 16];
  char *dot, *slash;
  DWORD first_error = 0;
  char first_detail[512] = "";

  snprintf (stem, sizeof stem, "%s", load->cert_path);
  slash = strrchr (stem, '/');
  dot = strrchr (stem, '.');
  if (dot != NULL && (slash == NULL || dot > slash))
    *dot = '\0';
  snprintf (dir, sizeof dir, "%s", load->cert_path);
  slash = strrchr (dir, '/');
  if (slash != NULL)
    *slash = '\0';
  else
    snprintf (dir, sizeof dir, ".");
  snprintf (candidates[0], sizeof candidates[0], "%s.key", stem);
  snprintf (candidates[1], sizeof candidates[1], "%s.key.pem", stem);
  snprintf (candidates[2], sizeof candidates[2], "%s-key.pem", stem);
  snprintf (candidates[3], sizeof candidates[3], "%s/privkey.pem", dir);

  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
    {
      struct stat st;
      char what[512];
      EVP_PKEY *key = NULL;
      bool encrypted = false;
      DWORD error;

      if (stat (candidates[i], &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      error = read_key_file (load, candidates[i], &key, &encrypted, what, sizeof what);
      if (error == 0)
        {
          load->key = key;
          load->key_encrypted = encrypted;
          inet__cert_copy_text (load->key_path, sizeof load->key_path, candidates[i]);
          error = check_match (load, what, sizeof what);
          if (error == 0)
            return 0;
          EVP_PKEY_free (load->key);
          load->key = NULL;
          load->key_path[0] = '\0';
        }
      if (first_error == 0)
        {
          first_error = error;
          snprintf (first_detail, sizeof first_detail, "%s", what);
        }
    }
  if (first_error != 0)
    {
      SET_DETAIL ("%s", first_detail);
      return first_error;
    }
  SET_DETAIL ("%s: no private key in the file or beside it (%s); give the key file",
              load->cert_path, candidates[0]);
  return INET_ERROR_KEY_NOT_FOUND;
}

DWORD
inet__cert_load_key (InetCertLoad *load, char *detail, size_t detail_len)
{
  const char *key_file = load->credentials.lpszKeyFile;
  DWORD error;

  if (load->cert == NULL)
    {
      SET_DETAIL ("no certificate");
      return INET_ERROR_CERT_INVALID;
    }
  if (key_file != NULL && key_file[0] != '\0')
    {
      bool encrypted = false;

      EVP_PKEY_free (load->key);
      load->key = NULL;
      pem_key_clear (&load->key_pem);
      error = read_key_file (load, key_file, &load->key, &encrypted, detail, detail_len);
      if (error != 0)
        return error;
      load->key_encrypted = encrypted;
      snprintf (load->key_path, sizeof load->key_path, "%s", key_file);
    }
  else if (load->key != NULL)
    ; /* it came with the certificate (PKCS#12) */
  else if (load->key_pem.name != NULL)
    {
      error = decode_pem_key (load->cert_path, &load->key_pem,
                              load->key_encrypted ? password_for (load, load->cert_path) : NULL,
                              &load->key, detail, detail_len);
      pem_key_clear (&load->key_pem);
      if (error != 0)
        return error;
      snprintf (load->key_path, sizeof load->key_path, "%s", load->cert_path);
    }
  else
    return load_sibling_key (load, detail, detail_len);

  if (load->key == NULL)
    {
      SET_DETAIL ("%s: no private key", load->cert_path);
      return INET_ERROR_KEY_NOT_FOUND;
    }
  return check_match (load, detail, detail_len);
}

DWORD
inet__cert_check_validity (X509 *cert, const char *path, time_t now, char *detail,
                           size_t detail_len)
{
  time_t not_before, not_after;
  char when[48];

  if (inet__cert_time (X509_get0_notBefore (cert), &not_before) && now < not_before)
    {
      inet__cert_format_time (not_before, when, sizeof when);
      SET_DETAIL ("%s: the certificate is valid from %s", path, when);
      return INET_ERROR_CERT_NOT_YET_VALID;
    }
  if (inet__cert_time (X509_get0_notAfter (cert), &not_after) && now > not_after)
    {
      inet__cert_format_time (not_after, when, sizeof when);
      SET_DETAIL ("%s: the certificate expired on %s", path, when);
      return INET_ERROR_CERT_EXPIRED;
    }
  return 0;
}
