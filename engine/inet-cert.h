/* inet-cert.h - certificates for Inet TLS servers: a maker of throwaway
 * certificates (self-signed, or signed by a test CA made the same way) and
 * a describer that says what a SECURITYCREDENTIALS would serve, for a
 * preview before InetServerStart.
 *
 * Both functions may be called from any thread, concurrently (a console
 * runs them in a worker thread). They never prompt on a terminal: a
 * password comes from the parameters or the password callback, which is
 * called in the calling thread. On failure they return FALSE and
 * InetGetLastError()/InetGetErrorString() give the code and a text naming
 * the file and the cause.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "inet-server.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------ the maker */

#define INET_CERT_KEY_ECDSA_P256 0 /* default */
#define INET_CERT_KEY_RSA_2048   1

#define INET_CERT_FLAG_CA               0x01 /* a test CA (CA:TRUE, keyCertSign); no default names */
#define INET_CERT_FLAG_CLIENT           0x02 /* for client authentication (clientAuth) */
#define INET_CERT_FLAG_NO_DEFAULT_NAMES 0x04 /* no localhost, 127.0.0.1, ::1 */

typedef struct _INETCERTIFICATEPARAMS
{
  DWORD dwSize;               /* sizeof (INETCERTIFICATEPARAMS) */
  DWORD dwKeyType;            /* INET_CERT_KEY_* */
  DWORD dwFlags;              /* INET_CERT_FLAG_* */
  DWORD dwValidDays;          /* 0 = 365 */
  INT nStartDays;             /* the validity starts this many days from now (may be
                               * negative); 0 = now (5 minutes back, for clock skew) */
  LPCTSTR lpszCommonName;     /* subject CN; NULL = "localhost" */
  LPCTSTR lpszAltNames;       /* more subjectAltNames, separated by commas or spaces: DNS
                               * names (wildcards allowed) and IPv4/IPv6 addresses. The CN
                               * is added too when it is a host name or an address. */
  LPCTSTR lpszCertFile;       /* PEM certificate to write (the issuer's follows it) */
  LPCTSTR lpszKeyFile;        /* PEM private key to write (mode 0600); NULL = after the
                               * certificate in lpszCertFile (then 0600 too) */
  LPCTSTR lpszKeyPassword;    /* encrypt the key (PKCS#8, AES-256-CBC); NULL = plain */
  LPCTSTR lpszPkcs12File;     /* also write a PKCS#12 file (certificate, key, issuer) */
  LPCTSTR lpszPkcs12Password; /* its password (AES-256, SHA-256 MAC); NULL = "" */
  LPCTSTR lpszIssuerCertFile; /* sign with this CA (PEM) instead of self-signing */
  LPCTSTR lpszIssuerKeyFile;  /* the CA's key (PEM); NULL = in lpszIssuerCertFile */
  LPCTSTR lpszIssuerPassword; /* for an encrypted CA key */
} INETCERTIFICATEPARAMS, *LPINETCERTIFICATEPARAMS;

/* Makes a key and a certificate and writes them (each file atomically).
 * At least one of lpszCertFile and lpszPkcs12File is needed. Errors:
 * WSAEINVAL (bad parameter or name), INET_ERROR_FILE_WRITE, and the
 * credential errors for the issuer's files. */
BOOL WINAPI InetCreateSelfSignedCertificate (const INETCERTIFICATEPARAMS *lpParams);

/* --------------------------------------------------------- the describer */

#define INET_CERT_EXPIRES_SOON_DAYS 30

#define INET_CERT_INFO_EXPIRED       0x0001
#define INET_CERT_INFO_NOT_YET_VALID 0x0002
#define INET_CERT_INFO_EXPIRES_SOON  0x0004 /* within INET_CERT_EXPIRES_SOON_DAYS */
#define INET_CERT_INFO_SELF_SIGNED   0x0008
#define INET_CERT_INFO_CA            0x0010
#define INET_CERT_INFO_PKCS12        0x0020 /* the certificate came from a PKCS#12 file */
#define INET_CERT_INFO_KEY_FOUND     0x0040 /* a private key was found (maybe unreadable) */
#define INET_CERT_INFO_KEY_ENCRYPTED 0x0080 /* it needs a password */
#define INET_CERT_INFO_KEY_MATCHES   0x0100 /* read, and it belongs to the certificate */
#define INET_CERT_INFO_HOST_CHECKED  0x0200 /* lpszHost was given */
#define INET_CERT_INFO_HOST_MATCHES  0x0400 /* the certificate covers lpszHost */

typedef struct _INETCERTIFICATEINFO
{
  DWORD dwSize;               /* sizeof (INETCERTIFICATEINFO) */
  DWORD dwFlags;              /* INET_CERT_INFO_* */
  DWORD dwKeyBits;            /* of the certificate's public key: 2048, 256, ... */
  DWORD dwChainLength;        /* certificates served: the leaf and its chain */
  DWORD dwKeyError;           /* 0 when the key matches, else why not: INET_ERROR_KEY_*,
                               * INET_ERROR_BAD_PASSWORD, INET_ERROR_PKCS12_UNSUPPORTED */
  INT nDaysLeft;              /* whole days until the end of validity; < 0 once expired */
  ULONGLONG nNotBefore;       /* validity, seconds since the Unix epoch (UTC) */
  ULONGLONG nNotAfter;
  CHAR szSubject[256];        /* RFC 2253, "CN=localhost,O=Example" */
  CHAR szIssuer[256];
  CHAR szCommonName[128];
  CHAR szAltNames[1024];      /* "DNS:localhost, IP:127.0.0.1, IP:::1" */
  CHAR szKeyType[32];         /* "RSA", "EC P-256", "Ed25519" */
  CHAR szSignature[64];       /* "ecdsa-with-SHA256" */
  CHAR szSerial[80];          /* hex */
  CHAR szFingerprint[96];     /* SHA-256 of the certificate, "AB:CD:..." */
  CHAR szNotBefore[32];       /* "2025-01-31 12:00:00 UTC" */
  CHAR szNotAfter[32];
  CHAR szFile[512];           /* the file the certificate came from */
  CHAR szKeyFile[512];        /* the file the key came from, "" if none */
  CHAR szKeyError[512];       /* dwKeyError in words, naming the file */
} INETCERTIFICATEINFO, *LPINETCERTIFICATEINFO;

/* Describes what InetServerStart would serve with these credentials
 * (lpszCertStore, lpszCertName, lpszKeyFile, lpszPassword or
 * lpPasswordProc; the other fields are ignored), and whether the
 * certificate covers lpszHost (a host name or an IPv4/IPv6 address; NULL =
 * no check). Returns FALSE when the certificate cannot be read
 * (INET_ERROR_CERT_*, INET_ERROR_BAD_PASSWORD or _PKCS12_UNSUPPORTED for a
 * PKCS#12 file); problems with the key do not fail the call but are
 * reported in dwKeyError/szKeyError. */
BOOL WINAPI InetDescribeCertificate (const SECURITYCREDENTIALS *lpCredentials, LPCTSTR lpszHost,
                                     LPINETCERTIFICATEINFO lpInfo);

#ifdef __cplusplus
}
#endif
