/* inet-cert-private.h - loading TLS credentials (certificate, chain, key)
 * the way SECURITYCREDENTIALS describes them. Shared by the TLS context
 * (inet-tls.c) and the certificate describer and maker (inet-cert-*.c);
 * only those files include it, because it exposes OpenSSL types.
 *
 * Everything here is reentrant: no global state, OpenSSL objects owned by
 * the InetCertLoad, and a password asked for at most once per load.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "inet-server.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* Reading a file larger than this is refused (a certificate store is small). */
#define INET_CERT_MAX_FILE (16 * 1024 * 1024)

/* A PEM private-key block as read, decoded once the password is known. */
typedef struct
{
  char *name;                       /* (owned) (nullable) "PRIVATE KEY", ... */
  char *header;                     /* (owned) (nullable) */
  unsigned char *data;              /* (owned) (nullable) DER, maybe encrypted */
  long len;
} InetPemKey;

typedef struct
{
  SECURITYCREDENTIALS credentials;  /* copy of the fields dwSize covers */

  /* the password, asked for (lpszPassword or lpPasswordProc) when first needed */
  bool password_asked;
  bool password_given;
  char password[1024];

  /* results */
  X509 *cert;                       /* (owned) (nullable) the leaf */
  STACK_OF (X509) *chain;           /* (owned) (nullable) the rest of the store entry */
  EVP_PKEY *key;                    /* (owned) (nullable) */
  char cert_path[PATH_MAX];         /* the file the certificate came from */
  char key_path[PATH_MAX];          /* where the key came from ("" = none yet) */
  bool pkcs12;                      /* the certificate came from a PKCS#12 file */
  bool key_encrypted;               /* the key needed the password */

  /* a PEM key stored with the certificate, decoded by inet__cert_load_key */
  InetPemKey key_pem;
} InetCertLoad;

/* Copies the fields of credentials that its dwSize covers (the rest stay 0). */
void inet__cert_load_init (InetCertLoad *load, const SECURITYCREDENTIALS *credentials);
/* Frees everything and wipes the password. */
void inet__cert_load_clear (InetCertLoad *load);

/* Finds and reads the certificate (and chain, and any key stored with it)
 * from lpszCertStore/lpszCertName. Returns 0, or an INET_ERROR_* code with
 * "file: cause" in detail. */
DWORD inet__cert_load_certificate (InetCertLoad *load, char *detail, size_t detail_len);

/* Reads the private key (lpszKeyFile, else the store, else a key file
 * beside the certificate) and checks that it belongs to the certificate.
 * Returns 0 or INET_ERROR_KEY_NOT_FOUND, _KEY_INVALID, _KEY_MISMATCH,
 * _BAD_PASSWORD, _PKCS12_UNSUPPORTED with detail. */
DWORD inet__cert_load_key (InetCertLoad *load, char *detail, size_t detail_len);

/* 0 when the certificate is valid at `now`, else INET_ERROR_CERT_EXPIRED or
 * INET_ERROR_CERT_NOT_YET_VALID with a sentence naming the date. */
DWORD inet__cert_check_validity (X509 *cert, const char *path, time_t now, char *detail,
                                 size_t detail_len);

/* Helpers shared by the describer, the maker and the TLS layer. */
/* snprintf for detail texts, cut to fit without a fuss (paths may be long). */
void inet__cert_detail (char *detail, size_t len, const char *format, ...)
  __attribute__ ((format (printf, 3, 4)));
/* Copies text, cut to fit (at a UTF-8 character boundary). */
void inet__cert_copy_text (char *out, size_t len, const char *text);
bool inet__cert_time (const ASN1_TIME *time, time_t *out);
void inet__cert_format_time (time_t when, char *buffer, size_t len);
/* RFC 2253 text of a name, UTF-8 kept. */
void inet__cert_name_text (const X509_NAME *name, char *buffer, size_t len);
/* The reason of the newest error in OpenSSL's queue ("" if none); clears the queue. */
const char *inet__cert_openssl_reason (char *buffer, size_t len);
/* Writes data to path atomically (temporary file + rename) with mode. */
DWORD inet__cert_write_file (const char *path, const void *data, size_t len, unsigned mode,
                             char *detail, size_t detail_len);
