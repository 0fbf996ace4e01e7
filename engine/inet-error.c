/* inet-error.c - InetGetLastError and friends: Winsock-numbered codes kept
 * per thread, with an optional detail text (a file name, an OpenSSL reason)
 * that InetGetErrorString appends for the thread that failed.
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-error-private.h"

#include <errno.h>
#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define _(s) dgettext (GETTEXT_PACKAGE, s)
#define N_(s) s

static __thread DWORD last_error;
static __thread char last_detail[512];
static __thread const char *event_detail;

typedef struct
{
  DWORD code;
  const char *text;
} ErrorText;

static const ErrorText error_texts[] = {
  { 0, N_("No error") },
  { WSA_OPERATION_ABORTED, N_("The operation was aborted because the socket was closed") },
  { WSAEINTR, N_("The blocking operation was cancelled") },
  { WSAEBADF, N_("Bad file descriptor") },
  { WSAEACCES, N_("Permission denied") },
  { WSAEFAULT, N_("Bad address or buffer") },
  { WSAEINVAL, N_("Invalid argument") },
  { WSAEMFILE, N_("Too many open files") },
  { WSAEWOULDBLOCK, N_("The operation would block") },
  { WSAEINPROGRESS, N_("An operation is already in progress") },
  { WSAEALREADY, N_("The operation is already in progress") },
  { WSAENOTSOCK, N_("The handle is not a socket (closed or unknown)") },
  { WSAEMSGSIZE, N_("Message too long") },
  { WSAENOPROTOOPT, N_("Bad protocol option") },
  { WSAEPROTONOSUPPORT, N_("Protocol not supported") },
  { WSAEOPNOTSUPP, N_("Operation not supported on this handle") },
  { WSAEAFNOSUPPORT, N_("Address family not supported (is IPv6 enabled?)") },
  { WSAEADDRINUSE, N_("The address and port are already in use") },
  { WSAEADDRNOTAVAIL, N_("The address is not an address of this machine") },
  { WSAENETDOWN, N_("The network is down") },
  { WSAENETUNREACH, N_("The network is unreachable") },
  { WSAENETRESET, N_("The network dropped the connection") },
  { WSAECONNABORTED, N_("The connection was aborted") },
  { WSAECONNRESET, N_("The connection was reset by the peer") },
  { WSAENOBUFS, N_("No buffer space available") },
  { WSAEISCONN, N_("The socket is already connected") },
  { WSAENOTCONN, N_("The socket is not connected") },
  { WSAESHUTDOWN, N_("The socket has been shut down") },
  { WSAETIMEDOUT, N_("The operation timed out") },
  { WSAECONNREFUSED, N_("The connection was refused") },
  { WSAEHOSTUNREACH, N_("The host is unreachable") },
  { WSAEPROCLIM, N_("Too many threads or processes") },
  { WSAHOST_NOT_FOUND, N_("The host name was not found") },
  { WSATRY_AGAIN, N_("The host name lookup failed temporarily") },
  { WSANO_DATA, N_("The host name has no address") },
  { INET_ERROR_DEADLOCK, N_("Refused because it could deadlock") },
  { INET_ERROR_NOT_OWNER, N_("The server is locked by another thread") },
  { INET_ERROR_PRIORITY_DEGRADED,
    N_("A priority above normal needs the CAP_SYS_NICE privilege; normal priority is used") },
  { INET_ERROR_NOT_IN_HANDLER, N_("Only valid inside the matching event handler") },
  { INET_ERROR_SERVER_STOPPED, N_("The server is stopping or has stopped") },
  { INET_ERROR_THREAD, N_("Could not create a thread") },
  { INET_ERROR_CERT_NOT_FOUND, N_("The certificate file is missing or unreadable") },
  { INET_ERROR_CERT_INVALID, N_("The file does not hold a usable certificate") },
  { INET_ERROR_KEY_NOT_FOUND, N_("The private key is missing or unreadable") },
  { INET_ERROR_KEY_INVALID, N_("The file does not hold a usable private key") },
  { INET_ERROR_KEY_MISMATCH, N_("The private key does not belong to the certificate") },
  { INET_ERROR_BAD_PASSWORD, N_("The password is wrong or missing") },
  { INET_ERROR_PKCS12_UNSUPPORTED,
    N_("The PKCS#12 file uses an encryption this system cannot read") },
  { INET_ERROR_CA_NOT_FOUND, N_("The CA file for client certificates is missing or invalid") },
  { INET_ERROR_TLS_CONFIG, N_("Invalid TLS settings (cipher list or protocol version)") },
  { INET_ERROR_CERT_EXPIRED, N_("The certificate has expired") },
  { INET_ERROR_CERT_NOT_YET_VALID, N_("The certificate is not valid yet") },
  { INET_ERROR_FILE_WRITE, N_("Could not write the certificate or key file") },
  { INET_ERROR_TLS_HANDSHAKE, N_("The TLS handshake failed") },
  { INET_ERROR_TLS_PLAINTEXT, N_("The client sent plaintext to the TLS port") },
  { INET_ERROR_TLS_VERSION, N_("No TLS protocol version in common with the client") },
  { INET_ERROR_TLS_CIPHER, N_("No cipher suite in common with the client") },
  { INET_ERROR_TLS_UNKNOWN_CA, N_("The certificate is not trusted (unknown CA)") },
  { INET_ERROR_TLS_NO_CLIENT_CERT, N_("The client sent no certificate but one is required") },
  { INET_ERROR_TLS_PEER_CLOSED, N_("The client closed the connection during the handshake") },
  { INET_ERROR_TLS_TIMEOUT, N_("The TLS handshake timed out") },
  { INET_ERROR_TLS_GARBAGE, N_("The client did not speak TLS") },
  { INET_ERROR_TLS_PROTOCOL,
    N_("The TLS connection failed (a damaged record or a fatal alert from the client)") },
};

void
inet__set_error (DWORD code)
{
  last_error = code;
  last_detail[0] = '\0';
}

void
inet__set_error_detail (DWORD code, const char *format, ...)
{
  va_list args;

  last_error = code;
  va_start (args, format);
  vsnprintf (last_detail, sizeof last_detail, format, args);
  va_end (args);
}

const char *
inet__error_detail (void)
{
  return last_detail;
}

void
inet__set_event_detail (const char *detail)
{
  event_detail = detail;
}

DWORD
inet__wsa_from_errno (int err)
{
  switch (err)
    {
    case 0: return 0;
    case EINTR: return WSAEINTR;
    case EBADF: return WSAEBADF;
    case EACCES:
    case EPERM: return WSAEACCES;
    case EFAULT: return WSAEFAULT;
    case EINVAL: return WSAEINVAL;
    case EMFILE:
    case ENFILE: return WSAEMFILE;
    case EAGAIN: return WSAEWOULDBLOCK;
    case EINPROGRESS: return WSAEINPROGRESS;
    case EALREADY: return WSAEALREADY;
    case ENOTSOCK: return WSAENOTSOCK;
    case EMSGSIZE: return WSAEMSGSIZE;
    case ENOPROTOOPT: return WSAENOPROTOOPT;
    case EPROTONOSUPPORT: return WSAEPROTONOSUPPORT;
    case EOPNOTSUPP: return WSAEOPNOTSUPP;
    case EAFNOSUPPORT: return WSAEAFNOSUPPORT;
    case EADDRINUSE: return WSAEADDRINUSE;
    case EADDRNOTAVAIL: return WSAEADDRNOTAVAIL;
    case ENETDOWN: return WSAENETDOWN;
    case ENETUNREACH: return WSAENETUNREACH;
    case ENETRESET: return WSAENETRESET;
    case ECONNABORTED: return WSAECONNABORTED;
    case ECONNRESET:
    case EPIPE: return WSAECONNRESET;
    case ENOBUFS:
    case ENOMEM: return WSAENOBUFS;
    case EISCONN: return WSAEISCONN;
    case ENOTCONN: return WSAENOTCONN;
    case ESHUTDOWN: return WSAESHUTDOWN;
    case ETIMEDOUT: return WSAETIMEDOUT;
    case ECONNREFUSED: return WSAECONNREFUSED;
    case EHOSTUNREACH: return WSAEHOSTUNREACH;
    default: return WSAEINVAL;
    }
}

DWORD WINAPI
InetGetLastError (VOID)
{
  return last_error;
}

VOID WINAPI
InetSetLastError (DWORD dwError)
{
  inet__set_error (dwError);
}

static const char *
error_text (DWORD code)
{
  for (size_t i = 0; i < sizeof error_texts / sizeof error_texts[0]; i++)
    if (error_texts[i].code == code)
      return _(error_texts[i].text);
  return NULL;
}

static INT
copy_text (const char *text, LPTSTR out, INT cch)
{
  size_t len = strlen (text);

  if (out == NULL || cch <= 0 || len >= (size_t) cch)
    {
      if (out != NULL && cch > 0)
        out[0] = '\0';
      inet__set_error (WSAEFAULT);
      return 0;
    }
  memcpy (out, text, len + 1);
  return (INT) len;
}

INT WINAPI
InetGetErrorString (DWORD dwError, LPTSTR lpszText, INT cchText)
{
  char unknown[64];
  char full[1024];
  const char *text = error_text (dwError);

  if (text == NULL)
    {
      snprintf (unknown, sizeof unknown, _("Unknown error %u"), (unsigned) dwError);
      text = unknown;
    }
  if (dwError != 0 && dwError == last_error && last_detail[0] != '\0')
    {
      snprintf (full, sizeof full, "%s: %s", text, last_detail);
      text = full;
    }
  return copy_text (text, lpszText, cchText);
}

INT WINAPI
InetGetEventDetail (SOCKET hSocket, LPTSTR lpszText, INT cchText)
{
  (void) hSocket;
  if (event_detail == NULL || event_detail[0] == '\0')
    {
      if (lpszText != NULL && cchText > 0)
        lpszText[0] = '\0';
      return 0;
    }
  return copy_text (event_detail, lpszText, cchText);
}
