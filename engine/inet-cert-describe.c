/* inet-cert-describe.c - InetDescribeCertificate: what a server would
 * serve with given credentials, in words a certificate preview can show.
 * It uses the same loader as InetServerStart, so the preview and the
 * server never disagree about which certificate and key they find.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-cert.h"
#include "inet-cert-private.h"
#include "inet-error-private.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

static void
describe_alt_names (X509 *cert, char *out, size_t len)
{
  GENERAL_NAMES *names = X509_get_ext_d2i (cert, NID_subject_alt_name, NULL, NULL);
  size_t used = 0;

  out[0] = '\0';
  for (int i = 0; names != NULL && i < sk_GENERAL_NAME_num (names); i++)
    {
      const GENERAL_NAME *name = sk_GENERAL_NAME_value (names, i);
      char value[300] = "";
      const char *kind = NULL;

      switch (name->type)
        {
        case GEN_DNS:
        case GEN_EMAIL:
        case GEN_URI:
          {
            const ASN1_IA5STRING *s = name->d.ia5;

            kind = name->type == GEN_DNS ? "DNS" : name->type == GEN_EMAIL ? "email" : "URI";
            snprintf (value, sizeof value, "%.*s", ASN1_STRING_length (s),
                      (const char *) ASN1_STRING_get0_data (s));
            break;
          }
        case GEN_IPADD:
          {
            const ASN1_OCTET_STRING *s = name->d.ip;
            int n = ASN1_STRING_length (s);

            kind = "IP";
            if (n == 4 || n == 16)
              inet_ntop (n == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data (s), value,
                         sizeof value);
            break;
          }
        default:
          break;
        }
      if (kind != NULL && used + 1 < len)
        used += (size_t) snprintf (out + used, len - used, "%s%s:%s", used ? ", " : "", kind,
                                   value);
      if (used >= len)
        {
          used = len - 1;
          break;
        }
    }
  GENERAL_NAMES_free (names);
}

static void
describe_key (X509 *cert, LPINETCERTIFICATEINFO info)
{
  EVP_PKEY *key = X509_get0_pubkey (cert);
  char curve[64] = "";
  size_t curve_len = 0;

  if (key == NULL)
    return;
  info->dwKeyBits = (DWORD) EVP_PKEY_get_bits (key);
  switch (EVP_PKEY_get_base_id (key))
    {
    case EVP_PKEY_RSA: snprintf (info->szKeyType, sizeof info->szKeyType, "RSA"); break;
    case EVP_PKEY_RSA_PSS: snprintf (info->szKeyType, sizeof info->szKeyType, "RSA-PSS"); break;
    case EVP_PKEY_DSA: snprintf (info->szKeyType, sizeof info->szKeyType, "DSA"); break;
    case EVP_PKEY_ED25519: snprintf (info->szKeyType, sizeof info->szKeyType, "Ed25519"); break;
    case EVP_PKEY_ED448: snprintf (info->szKeyType, sizeof info->szKeyType, "Ed448"); break;
    case EVP_PKEY_EC:
      {
        const char *nist = NULL;

        if (EVP_PKEY_get_utf8_string_param (key, "group", curve, sizeof curve, &curve_len))
          nist = EC_curve_nid2nist (OBJ_sn2nid (curve));
        inet__cert_detail (info->szKeyType, sizeof info->szKeyType, "EC %s",
                           nist != NULL ? nist : curve);
        break;
      }
    default:
      snprintf (info->szKeyType, sizeof info->szKeyType, "%s", EVP_PKEY_get0_type_name (key));
      break;
    }
}

static void
describe_certificate (X509 *cert, time_t now, LPINETCERTIFICATEINFO info)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned md_len = 0;
  time_t not_before = 0, not_after = 0;
  BIGNUM *serial;
  uint32_t flags;

  inet__cert_name_text (X509_get_subject_name (cert), info->szSubject, sizeof info->szSubject);
  inet__cert_name_text (X509_get_issuer_name (cert), info->szIssuer, sizeof info->szIssuer);
  if (X509_NAME_get_text_by_NID (X509_get_subject_name (cert), NID_commonName,
                                 info->szCommonName, sizeof info->szCommonName) < 0)
    info->szCommonName[0] = '\0';
  describe_alt_names (cert, info->szAltNames, sizeof info->szAltNames);
  describe_key (cert, info);
  snprintf (info->szSignature, sizeof info->szSignature, "%s",
            OBJ_nid2ln (X509_get_signature_nid (cert)));

  serial = ASN1_INTEGER_to_BN (X509_get0_serialNumber (cert), NULL);
  if (serial != NULL)
    {
      char *hex = BN_bn2hex (serial);

      snprintf (info->szSerial, sizeof info->szSerial, "%s", hex != NULL ? hex : "");
      OPENSSL_free (hex);
      BN_free (serial);
    }

  if (X509_digest (cert, EVP_sha256 (), md, &md_len) == 1)
    for (unsigned i = 0; i < md_len && 3 * i + 3 <= sizeof info->szFingerprint; i++)
      snprintf (info->szFingerprint + 3 * i, sizeof info->szFingerprint - 3 * i,
                i + 1 < md_len ? "%02X:" : "%02X", md[i]);

  if (inet__cert_time (X509_get0_notBefore (cert), &not_before))
    {
      info->nNotBefore = (ULONGLONG) not_before;
      inet__cert_format_time (not_before, info->szNotBefore, sizeof info->szNotBefore);
      if (now < not_before)
        info->dwFlags |= INET_CERT_INFO_NOT_YET_VALID;
    }
  if (inet__cert_time (X509_get0_notAfter (cert), &not_after))
    {
      long long left = (long long) not_after - (long long) now;

      info->nNotAfter = (ULONGLONG) not_after;
      inet__cert_format_time (not_after, info->szNotAfter, sizeof info->szNotAfter);
      /* whole days left; once expired, minus the whole days since (at least -1) */
      info->nDaysLeft = (INT) (left >= 0 ? left / 86400 : MIN (left / 86400, -1));
      if (left < 0)
        info->dwFlags |= INET_CERT_INFO_EXPIRED;
      else if (left < (long long) INET_CERT_EXPIRES_SOON_DAYS * 86400)
        info->dwFlags |= INET_CERT_INFO_EXPIRES_SOON;
    }

  flags = X509_get_extension_flags (cert);
  if (flags & EXFLAG_SS)
    info->dwFlags |= INET_CERT_INFO_SELF_SIGNED;
  if (X509_check_ca (cert) > 0)
    info->dwFlags |= INET_CERT_INFO_CA;
  ERR_clear_error ();
}

static bool
covers_host (X509 *cert, const char *host)
{
  unsigned char address[16];
  char bare[256];
  size_t len = strlen (host);

  /* "[::1]" as people write it in URLs */
  if (len > 2 && host[0] == '[' && host[len - 1] == ']' && len - 2 < sizeof bare)
    {
      memcpy (bare, host + 1, len - 2);
      bare[len - 2] = '\0';
      host = bare;
    }
  if (inet_pton (AF_INET, host, address) == 1 || inet_pton (AF_INET6, host, address) == 1)
    return X509_check_ip_asc (cert, host, 0) == 1;
  return X509_check_host (cert, host, 0, 0, NULL) == 1;
}

BOOL WINAPI
InetDescribeCertificate (const SECURITYCREDENTIALS *lpCredentials, LPCTSTR lpszHost,
                         LPINETCERTIFICATEINFO lpInfo)
{
  InetCertLoad load;
  char detail[768] = "";
  DWORD size;
  DWORD error;

  if (lpInfo == NULL || lpInfo->dwSize < sizeof (INETCERTIFICATEINFO) || lpCredentials == NULL
      || lpCredentials->dwSize < offsetof (SECURITYCREDENTIALS, lpszKeyFile))
    {
      inet__set_error_detail (WSAEINVAL, "lpCredentials and lpInfo with their dwSize are needed");
      return FALSE;
    }
  size = lpInfo->dwSize;
  memset (lpInfo, 0, sizeof *lpInfo);
  lpInfo->dwSize = size;

  inet__cert_load_init (&load, lpCredentials);
  error = inet__cert_load_certificate (&load, detail, sizeof detail);
  if (error != 0)
    {
      inet__cert_load_clear (&load);
      ERR_clear_error ();
      inet__set_error_detail (error, "%s", detail);
      return FALSE;
    }

  describe_certificate (load.cert, time (NULL), lpInfo);
  lpInfo->dwChainLength = 1 + (DWORD) (load.chain != NULL ? sk_X509_num (load.chain) : 0);
  if (load.pkcs12)
    lpInfo->dwFlags |= INET_CERT_INFO_PKCS12;
  inet__cert_copy_text (lpInfo->szFile, sizeof lpInfo->szFile, load.cert_path);
  if (lpszHost != NULL && lpszHost[0] != '\0')
    {
      lpInfo->dwFlags |= INET_CERT_INFO_HOST_CHECKED;
      if (covers_host (load.cert, lpszHost))
        lpInfo->dwFlags |= INET_CERT_INFO_HOST_MATCHES;
    }

  error = inet__cert_load_key (&load, detail, sizeof detail);
  lpInfo->dwKeyError = error;
  if (error != INET_ERROR_KEY_NOT_FOUND)
    lpInfo->dwFlags |= INET_CERT_INFO_KEY_FOUND;
  if (load.key_encrypted || (error == INET_ERROR_BAD_PASSWORD))
    lpInfo->dwFlags |= INET_CERT_INFO_KEY_ENCRYPTED;
  if (error == 0)
    lpInfo->dwFlags |= INET_CERT_INFO_KEY_MATCHES;
  else
    inet__cert_copy_text (lpInfo->szKeyError, sizeof lpInfo->szKeyError, detail);
  inet__cert_copy_text (lpInfo->szKeyFile, sizeof lpInfo->szKeyFile,
                        load.key_path[0] != '\0' || load.credentials.lpszKeyFile == NULL
                          ? load.key_path : load.credentials.lpszKeyFile);

  inet__cert_load_clear (&load);
  ERR_clear_error ();
  inet__set_error (0);
  return TRUE;
}
