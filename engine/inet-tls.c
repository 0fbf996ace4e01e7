/* inet-tls.c - the engine's TLS layer on OpenSSL: the server context built
 * from SECURITYCREDENTIALS, the handshake in the client's thread, and
 * record I/O on the non-blocking socket.
 *
 * The socket is driven through our own BIO (not BIO_s_socket) for two
 * reasons:
 *  - it sends with MSG_NOSIGNAL, so a write to a reset peer can never raise
 *    SIGPIPE in whichever thread (engine or application) called InetWrite;
 *  - it never makes OpenSSL retry a write: what the socket does not take is
 *    kept in a small queue of ours and sent first next time. OpenSSL
 *    requires a retried SSL_write to repeat the same arguments, which a
 *    non-blocking InetWrite caller (or a changing bandwidth allowance)
 *    cannot promise. While part of a record is still queued, the write
 *    reports its last byte as unsent, so callers wait for POLLOUT and call
 *    again exactly as they would on a plain socket.
 * Reads use OpenSSL's read-ahead; inet__tls_pending processes buffered
 * records so that data inside OpenSSL is never left behind a poll().
 * SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include "inet-tls-private.h"
#include "inet-cert-private.h"
#include "inet-clock-private.h"
#include "inet-error-private.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* Mozilla "intermediate" (v5.7): ECDHE/DHE with AEAD only, no CBC, no
 * static RSA, no RC4/3DES/export. TLS 1.3 suites stay OpenSSL's. */
#define INTERMEDIATE_CIPHERS                                                          \
  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"                        \
  "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"                        \
  "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"                        \
  "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305"

/* Plaintext per SSL_write: one full record, so at most one record waits in
 * our queue. */
#define MAX_WRITE 16384

struct InetTlsContext
{
  SSL_CTX *ctx;
  unsigned char *alpn;              /* (owned) (nullable) wire format */
  size_t alpn_len;
};

struct InetTlsSession
{
  SSL *ssl;
  int fd;

  /* records the socket did not take yet */
  unsigned char *out;               /* (owned) (nullable) */
  size_t out_start;
  size_t out_end;
  size_t out_size;
  bool held;                        /* one byte reported unsent is in `out` */
  bool handshaking;                 /* writes wait for the end of the flight */

  int last_errno;                   /* the socket's last hard error */
  bool eof;
  DWORD failed;                     /* sticky fatal error */
  bool shutdown_sent;

  unsigned long long bytes_in;      /* raw bytes, for failure reports */
  unsigned char head[64];           /* the client's first bytes */
  size_t head_len;
};

/* ------------------------------------------------------------------ BIO */

static BIO_METHOD *bio_method;
static pthread_once_t bio_once = PTHREAD_ONCE_INIT;

/* Sends queued bytes: 0 = nothing left, 1 = the socket is full, -1 = error. */
static int
flush_out (InetTlsSession *session)
{
  while (session->out_start < session->out_end)
    {
      ssize_t n = send (session->fd, session->out + session->out_start,
                        session->out_end - session->out_start, MSG_NOSIGNAL | MSG_DONTWAIT);

      if (n > 0)
        session->out_start += (size_t) n;
      else if (n < 0 && errno == EINTR)
        continue;
      else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return 1;
      else
        {
          session->last_errno = n < 0 ? errno : EPIPE;
          return -1;
        }
    }
  session->out_start = session->out_end = 0;
  return 0;
}

static void
queue_out (InetTlsSession *session, const unsigned char *data, size_t len)
{
  if (session->out_start > 0 && session->out_start == session->out_end)
    session->out_start = session->out_end = 0;
  if (session->out_end + len > session->out_size)
    {
      size_t used = session->out_end - session->out_start;
      size_t size = session->out_size ? session->out_size : 2 * MAX_WRITE;

      if (used > 0)
        memmove (session->out, session->out + session->out_start, used);
      session->out_start = 0;
      session->out_end = used;
      while (used + len > size)
        size *= 2;
      if (size != session->out_size)
        {
          session->out = realloc (session->out, size);
          session->out_size = size;
        }
    }
  memcpy (session->out + session->out_end, data, len);
  session->out_end += len;
}

static int
bio_write_ex (BIO *bio, const char *data, size_t len, size_t *written)
{
  InetTlsSession *session = BIO_get_data (bio);
  size_t sent = 0;

  BIO_clear_retry_flags (bio);
  if (session->handshaking)
    {
      /* one send() per flight instead of one per record */
      queue_out (session, (const unsigned char *) data, len);
      *written = len;
      return 1;
    }
  if (session->out_start < session->out_end && flush_out (session) < 0)
    return 0;
  if (session->out_start == session->out_end)
    {
      while (sent < len)
        {
          ssize_t n = send (session->fd, data + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);

          if (n > 0)
            sent += (size_t) n;
          else if (n < 0 && errno == EINTR)
            continue;
          else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
          else
            {
              session->last_errno = n < 0 ? errno : EPIPE;
              return 0;
            }
        }
    }
  if (sent < len)
    queue_out (session, (const unsigned char *) data + sent, len - sent);
  *written = len;
  return 1;
}

static int
bio_read_ex (BIO *bio, char *buffer, size_t len, size_t *done)
{
  InetTlsSession *session = BIO_get_data (bio);
  ssize_t n;

  BIO_clear_retry_flags (bio);
  *done = 0;
  do
    n = recv (session->fd, buffer, len, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n > 0)
    {
      if (session->head_len < sizeof session->head)
        {
          size_t keep = sizeof session->head - session->head_len;

          keep = keep < (size_t) n ? keep : (size_t) n;
          memcpy (session->head + session->head_len, buffer, keep);
          session->head_len += keep;
        }
      session->bytes_in += (unsigned long long) n;
      *done = (size_t) n;
      return 1;
    }
  if (n == 0)
    session->eof = true;
  else if (errno == EAGAIN || errno == EWOULDBLOCK)
    BIO_set_retry_read (bio);
  else
    session->last_errno = errno;
  return 0;
}

static long
bio_ctrl (BIO *bio, int cmd, long num, void *ptr)
{
  InetTlsSession *session = BIO_get_data (bio);

  (void) num;
  switch (cmd)
    {
    case BIO_CTRL_FLUSH:
      if (session != NULL && session->out_start < session->out_end)
        flush_out (session); /* best effort: the caller polls for the rest */
      return 1;
    case BIO_CTRL_GET_CLOSE:
    case BIO_CTRL_SET_CLOSE:
      return 1;
    case BIO_CTRL_EOF:
      return session != NULL && session->eof;
    case BIO_CTRL_WPENDING:
      return session != NULL ? (long) (session->out_end - session->out_start) : 0;
    case BIO_C_GET_FD:
      if (session == NULL)
        return -1;
      if (ptr != NULL)
        *(int *) ptr = session->fd;
      return session->fd;
    default:
      return 0;
    }
}

static int
bio_create (BIO *bio)
{
  BIO_set_init (bio, 1);
  return 1;
}

static int
bio_destroy (BIO *bio)
{
  BIO_set_data (bio, NULL); /* the session owns itself */
  return 1;
}

static void
bio_method_init (void)
{
  bio_method = BIO_meth_new (BIO_get_new_index () | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                             "inet socket");
  BIO_meth_set_write_ex (bio_method, bio_write_ex);
  BIO_meth_set_read_ex (bio_method, bio_read_ex);
  BIO_meth_set_ctrl (bio_method, bio_ctrl);
  BIO_meth_set_create (bio_method, bio_create);
  BIO_meth_set_destroy (bio_method, bio_destroy);
}

/* -------------------------------------------------------------- context */

static int
refuse_password (char *buffer, int size, int rwflag, void *data)
{
  (void) buffer, (void) size, (void) rwflag, (void) data;
  return -1; /* never a prompt on the terminal */
}

static int
accept_any_certificate (int preverified, X509_STORE_CTX *store)
{
  (void) preverified, (void) store;
  return 1;
}

static int
select_alpn (SSL *ssl, const unsigned char **out, unsigned char *outlen,
             const unsigned char *in, unsigned int inlen, void *data)
{
  InetTlsContext *context = data;
  unsigned char *chosen = NULL;

  (void) ssl;
  if (SSL_select_next_proto (&chosen, outlen, context->alpn, (unsigned) context->alpn_len, in,
                             inlen) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK; /* go on without ALPN */
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

/* "h2, http/1.1" -> wire format. */
static bool
parse_alpn (const char *list, unsigned char **wire, size_t *wire_len)
{
  size_t len = strlen (list);
  unsigned char *out = malloc (len + 2);
  size_t used = 0;
  const char *p = list;

  while (*p != '\0')
    {
      const char *end;
      size_t n;

      while (*p == ',' || *p == ' ')
        p++;
      end = p;
      while (*end != '\0' && *end != ',' && *end != ' ')
        end++;
      n = (size_t) (end - p);
      if (n > 255)
        {
          free (out);
          return false;
        }
      if (n > 0)
        {
          out[used++] = (unsigned char) n;
          memcpy (out + used, p, n);
          used += n;
        }
      p = end;
    }
  if (used == 0)
    {
      free (out);
      return false;
    }
  *wire = out;
  *wire_len = used;
  return true;
}

static DWORD
load_client_cas (SSL_CTX *ctx, const char *path, char *detail, size_t detail_len)
{
  struct stat st;
  char reason[160];

  if (stat (path, &st) != 0)
    {
      snprintf (detail, detail_len, "%s: %s", path, strerror (errno));
      return INET_ERROR_CA_NOT_FOUND;
    }
  ERR_clear_error ();
  if (S_ISDIR (st.st_mode))
    {
      if (SSL_CTX_load_verify_dir (ctx, path) != 1)
        {
          snprintf (detail, detail_len, "%s: %s", path,
                    inet__cert_openssl_reason (reason, sizeof reason));
          return INET_ERROR_CA_NOT_FOUND;
        }
      return 0;
    }
  if (SSL_CTX_load_verify_file (ctx, path) != 1)
    {
      inet__cert_openssl_reason (reason, sizeof reason);
      snprintf (detail, detail_len, "%s: no CA certificate in the file (%s)", path, reason);
      return INET_ERROR_CA_NOT_FOUND;
    }
  {
    STACK_OF (X509_NAME) *names = SSL_load_client_CA_file (path);

    if (names != NULL)
      SSL_CTX_set_client_CA_list (ctx, names);
  }
  ERR_clear_error ();
  return 0;
}

static DWORD
use_certificate (SSL_CTX *ctx, InetCertLoad *load, char *detail, size_t detail_len)
{
  unsigned long e;
  char reason[160];

  ERR_clear_error ();
  if (SSL_CTX_use_cert_and_key (ctx, load->cert, load->key, load->chain, 1) == 1)
    return 0;
  e = ERR_peek_last_error ();
  inet__cert_openssl_reason (reason, sizeof reason);
  if (ERR_GET_LIB (e) == ERR_LIB_SSL && ERR_GET_REASON (e) == SSL_R_EE_KEY_TOO_SMALL)
    inet__cert_detail (detail, detail_len, "%s: the certificate's key is too small for the "
                       "system's security level (RSA needs 2048 bits)", load->cert_path);
  else if (ERR_GET_LIB (e) == ERR_LIB_SSL && ERR_GET_REASON (e) == SSL_R_CA_MD_TOO_WEAK)
    inet__cert_detail (detail, detail_len, "%s: a certificate is signed with a digest too weak "
                       "for the system's security level (e.g. SHA-1)", load->cert_path);
  else if (ERR_GET_LIB (e) == ERR_LIB_SSL && ERR_GET_REASON (e) == SSL_R_PRIVATE_KEY_MISMATCH)
    {
      inet__cert_detail (detail, detail_len,
                         "%s: the private key does not belong to the certificate",
                         load->key_path);
      return INET_ERROR_KEY_MISMATCH;
    }
  else
    inet__cert_detail (detail, detail_len, "%s: OpenSSL refuses the certificate (%s)",
                       load->cert_path, reason);
  return INET_ERROR_CERT_INVALID;
}

static DWORD
configure (InetTlsContext *context, InetCertLoad *load, char *detail, size_t detail_len)
{
  const SECURITYCREDENTIALS *c = &load->credentials;
  SSL_CTX *ctx = context->ctx;
  DWORD known = INET_CREDENTIAL_REQUEST_CLIENT_CERT | INET_CREDENTIAL_REQUIRE_CLIENT_CERT;
  bool want_client_cert;
  int min_version;
  DWORD error;

  switch (c->dwProtocol)
    {
    case INET_PROTOCOL_DEFAULT:
    case INET_PROTOCOL_TLS1_2: min_version = TLS1_2_VERSION; break;
    case INET_PROTOCOL_TLS1_3: min_version = TLS1_3_VERSION; break;
    default:
      snprintf (detail, detail_len, "dwProtocol 0x%04x: the minimum must be TLS 1.2 or TLS 1.3",
                (unsigned) c->dwProtocol);
      return INET_ERROR_TLS_CONFIG;
    }
  if (c->dwOptions & ~known)
    {
      snprintf (detail, detail_len, "dwOptions 0x%x: unknown flags", (unsigned) c->dwOptions);
      return INET_ERROR_TLS_CONFIG;
    }

  SSL_CTX_set_min_proto_version (ctx, min_version);
  SSL_CTX_set_options (ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION
                              | SSL_OP_NO_COMPRESSION | SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_CTX_set_mode (ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_read_ahead (ctx, 1);
  SSL_CTX_set_default_passwd_cb (ctx, refuse_password);
  SSL_CTX_set_dh_auto (ctx, 1);
  SSL_CTX_set_session_id_context (ctx, (const unsigned char *) "inet", 4);
  SSL_CTX_sess_set_cache_size (ctx, 1024);

  ERR_clear_error ();
  if (SSL_CTX_set_cipher_list (ctx, c->lpszCipherList != NULL && c->lpszCipherList[0] != '\0'
                                      ? c->lpszCipherList
                                      : INTERMEDIATE_CIPHERS) != 1)
    {
      ERR_clear_error ();
      snprintf (detail, detail_len, "lpszCipherList \"%s\": no usable cipher in the list",
                c->lpszCipherList);
      return INET_ERROR_TLS_CONFIG;
    }
  if (c->lpszCipherSuites != NULL && c->lpszCipherSuites[0] != '\0'
      && SSL_CTX_set_ciphersuites (ctx, c->lpszCipherSuites) != 1)
    {
      ERR_clear_error ();
      snprintf (detail, detail_len, "lpszCipherSuites \"%s\": not a list of TLS 1.3 suites",
                c->lpszCipherSuites);
      return INET_ERROR_TLS_CONFIG;
    }
  if (c->lpszAlpn != NULL && c->lpszAlpn[0] != '\0')
    {
      if (!parse_alpn (c->lpszAlpn, &context->alpn, &context->alpn_len))
        {
          snprintf (detail, detail_len, "lpszAlpn \"%s\": not a comma-separated list of "
                                        "protocol names (1 to 255 bytes each)", c->lpszAlpn);
          return INET_ERROR_TLS_CONFIG;
        }
      SSL_CTX_set_alpn_select_cb (ctx, select_alpn, context);
    }

  /* a CA file alone means: ask for client certificates and verify them */
  want_client_cert = (c->dwOptions & known) || (c->lpszCAFile != NULL && c->lpszCAFile[0]);
  if (want_client_cert)
    {
      int mode = SSL_VERIFY_PEER;

      if (c->lpszCAFile != NULL && c->lpszCAFile[0] != '\0')
        {
          error = load_client_cas (ctx, c->lpszCAFile, detail, detail_len);
          if (error != 0)
            return error;
          if (c->dwOptions & INET_CREDENTIAL_REQUIRE_CLIENT_CERT)
            mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
          SSL_CTX_set_verify (ctx, mode, NULL);
        }
      else if (c->dwOptions & INET_CREDENTIAL_REQUIRE_CLIENT_CERT)
        {
          snprintf (detail, detail_len, "requiring client certificates needs the CA file that "
                                        "issued them (lpszCAFile)");
          return INET_ERROR_CA_NOT_FOUND;
        }
      else
        SSL_CTX_set_verify (ctx, mode, accept_any_certificate); /* just to see who it is */
    }

  return use_certificate (ctx, load, detail, detail_len);
}

InetTlsContext *
inet__tls_context_new (const SECURITYCREDENTIALS *credentials, DWORD *warning,
                       char **warning_text)
{
  InetTlsContext *context;
  InetCertLoad load;
  char detail[1024] = "";
  DWORD error;

  *warning = 0;
  *warning_text = NULL;
  pthread_once (&bio_once, bio_method_init);

  inet__cert_load_init (&load, credentials);
  error = inet__cert_load_certificate (&load, detail, sizeof detail);
  if (error == 0)
    error = inet__cert_load_key (&load, detail, sizeof detail);
  if (error != 0)
    {
      inet__cert_load_clear (&load);
      ERR_clear_error ();
      inet__set_error_detail (error, "%s", detail);
      return NULL;
    }

  context = calloc (1, sizeof *context);
  context->ctx = SSL_CTX_new (TLS_server_method ());
  error = context->ctx != NULL ? configure (context, &load, detail, sizeof detail)
                               : INET_ERROR_TLS_CONFIG;
  if (error == 0)
    {
      DWORD found = inet__cert_check_validity (load.cert, load.cert_path, time (NULL), detail,
                                               sizeof detail);

      if (found != 0)
        {
          *warning = found;
          *warning_text = strdup (detail);
        }
    }
  inet__cert_load_clear (&load);
  ERR_clear_error ();
  if (error != 0)
    {
      if (context->ctx == NULL)
        snprintf (detail, sizeof detail, "OpenSSL could not create a TLS context");
      inet__tls_context_free (context);
      inet__set_error_detail (error, "%s", detail);
      return NULL;
    }
  return context;
}

void
inet__tls_context_free (InetTlsContext *context)
{
  if (context == NULL)
    return;
  SSL_CTX_free (context->ctx);
  free (context->alpn);
  free (context);
}

/* ------------------------------------------------------------- handshake */

static const char *
version_name (unsigned version)
{
  switch (version)
    {
    case 0x0300: return "SSL 3.0";
    case 0x0301: return "TLS 1.0";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    default: return "an unknown version";
    }
}

static bool
looks_like_text (const unsigned char *data, size_t len)
{
  if (len == 0)
    return false;
  for (size_t i = 0; i < len && i < 8; i++)
    if (!((data[i] >= 0x20 && data[i] < 0x7f) || data[i] == '\r' || data[i] == '\n'
          || data[i] == '\t'))
      return false;
  return true;
}

/* The client's first line, printable, for a report. */
static void
quote_text (const unsigned char *data, size_t len, char *out, size_t out_len)
{
  size_t n = 0;

  for (size_t i = 0; i < len && n + 1 < out_len && n < 40; i++)
    {
      if (data[i] == '\r' || data[i] == '\n')
        break;
      out[n++] = data[i] >= 0x20 && data[i] < 0x7f && data[i] != '"' ? (char) data[i] : '.';
    }
  out[n] = '\0';
}

static void
hex_bytes (const unsigned char *data, size_t len, char *out, size_t out_len)
{
  size_t n = 0;

  out[0] = '\0';
  for (size_t i = 0; i < len && i < 8 && n + 4 < out_len; i++)
    n += (size_t) snprintf (out + n, out_len - n, i ? " %02x" : "%02x", data[i]);
}

/* The highest version a ClientHello offers in its legacy field (TLS 1.3
 * clients say 1.2 there and list 1.3 in an extension). */
static unsigned
client_hello_version (const InetTlsSession *session)
{
  const unsigned char *h = session->head;

  if (session->head_len >= 11 && h[0] == 0x16 && h[5] == 0x01)
    return (unsigned) (h[9] << 8 | h[10]);
  return 0;
}

static DWORD
classify_failure (InetTlsSession *session, int ssl_error, char *detail, size_t len)
{
  unsigned long e = ERR_peek_last_error ();
  int reason = ERR_GET_LIB (e) == ERR_LIB_SSL ? ERR_GET_REASON (e) : 0;
  const unsigned char *h = session->head;
  char text[160];
  char quoted[64];

  inet__cert_openssl_reason (text, sizeof text);

  if (ssl_error == SSL_ERROR_SYSCALL && session->last_errno != 0)
    {
      if (session->last_errno == ECONNRESET || session->last_errno == EPIPE)
        {
          snprintf (detail, len, "the client reset the connection during the handshake");
          return INET_ERROR_TLS_PEER_CLOSED;
        }
      snprintf (detail, len, "socket error during the handshake: %s",
                strerror (session->last_errno));
      return INET_ERROR_TLS_HANDSHAKE;
    }

  /* not a TLS record at all: say what it was */
  if (session->head_len > 0 && !(h[0] == 0x16 && (session->head_len < 2 || h[1] == 0x03))
      && !(h[0] & 0x80))
    {
      if (looks_like_text (h, session->head_len))
        {
          quote_text (h, session->head_len, quoted, sizeof quoted);
          snprintf (detail, len, "the client sent plaintext (\"%s\")", quoted);
          return INET_ERROR_TLS_PLAINTEXT;
        }
      hex_bytes (h, session->head_len, quoted, sizeof quoted);
      snprintf (detail, len, "the client sent bytes that are not TLS (%s)", quoted);
      return INET_ERROR_TLS_GARBAGE;
    }

  if (ssl_error == SSL_ERROR_ZERO_RETURN || ssl_error == SSL_ERROR_SYSCALL
      || reason == SSL_R_UNEXPECTED_EOF_WHILE_READING || (session->eof && reason == 0))
    {
      if (session->bytes_in == 0)
        snprintf (detail, len, "the client closed the connection without sending anything");
      else
        snprintf (detail, len, "the client closed the connection during the handshake "
                               "(after %llu bytes)", session->bytes_in);
      return INET_ERROR_TLS_PEER_CLOSED;
    }

  switch (reason)
    {
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST:
      quote_text (h, session->head_len, quoted, sizeof quoted);
      snprintf (detail, len, "the client sent plaintext (\"%s\")", quoted);
      return INET_ERROR_TLS_PLAINTEXT;

    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_VERSION_TOO_LOW:
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_WRONG_SSL_VERSION:
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
    case SSL_R_TLSV1_ALERT_INAPPROPRIATE_FALLBACK:
      {
        unsigned offered = client_hello_version (session);
        int minimum = SSL_get_min_proto_version (session->ssl);

        if (offered != 0 && offered < (unsigned) minimum)
          snprintf (detail, len, "the client offers %s at most; this server needs %s or newer",
                    version_name (offered), version_name ((unsigned) minimum));
        else
          snprintf (detail, len, "no protocol version in common; this server needs %s or "
                                 "newer (%s)", version_name ((unsigned) minimum), text);
        return INET_ERROR_TLS_VERSION;
      }

    case SSL_R_NO_SHARED_CIPHER:
    case SSL_R_NO_SHARED_GROUPS:
    case SSL_R_NO_SHARED_SIGNATURE_ALGORITHMS:
    case SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM:
    case SSL_R_NO_CIPHERS_AVAILABLE:
      snprintf (detail, len, "no cipher suite in common with the client (%s)", text);
      return INET_ERROR_TLS_CIPHER;

    case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
      snprintf (detail, len, "the client sent no certificate, and one is required");
      return INET_ERROR_TLS_NO_CLIENT_CERT;

    case SSL_R_CERTIFICATE_VERIFY_FAILED:
      snprintf (detail, len, "the client's certificate was rejected: %s",
                X509_verify_cert_error_string (SSL_get_verify_result (session->ssl)));
      return INET_ERROR_TLS_UNKNOWN_CA;

    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
      snprintf (detail, len, "the client does not accept this server's certificate (%s)", text);
      return INET_ERROR_TLS_UNKNOWN_CA;

    default:
      snprintf (detail, len, "%s", text[0] != '\0' ? text : "the TLS handshake failed");
      return INET_ERROR_TLS_HANDSHAKE;
    }
}

static void
group_name (SSL *ssl, char *out, size_t len)
{
  int nid = SSL_get_negotiated_group (ssl);
  const char *name = NULL;

  out[0] = '\0';
  if (nid <= 0)
    return;
  name = EC_curve_nid2nist (nid);
  if (name == NULL && (nid & TLSEXT_nid_unknown) == 0)
    name = OBJ_nid2sn (nid);
  if (name == NULL)
    name = SSL_group_to_name (ssl, nid);
  if (name != NULL)
    snprintf (out, len, "%s", name);
}

static void
fill_info (InetTlsSession *session, INETSECURITYINFO *info)
{
  SSL *ssl = session->ssl;
  const SSL_CIPHER *cipher = SSL_get_current_cipher (ssl);
  const char *sni = SSL_get_servername (ssl, TLSEXT_NAMETYPE_host_name);
  const unsigned char *alpn = NULL;
  unsigned alpn_len = 0;
  X509 *peer = SSL_get0_peer_certificate (ssl);

  info->bSecure = TRUE;
  info->bResumed = SSL_session_reused (ssl) ? TRUE : FALSE;
  info->dwProtocol = (DWORD) SSL_version (ssl);
  snprintf (info->szProtocol, sizeof info->szProtocol, "%s", SSL_get_version (ssl));
  snprintf (info->szCipher, sizeof info->szCipher, "%s",
            cipher != NULL ? SSL_CIPHER_get_name (cipher) : "");
  group_name (ssl, info->szGroup, sizeof info->szGroup);
  snprintf (info->szServerName, sizeof info->szServerName, "%s", sni != NULL ? sni : "");
  SSL_get0_alpn_selected (ssl, &alpn, &alpn_len);
  snprintf (info->szAlpn, sizeof info->szAlpn, "%.*s", (int) alpn_len,
            alpn != NULL ? (const char *) alpn : "");
  if (peer != NULL)
    {
      inet__cert_name_text (X509_get_subject_name (peer), info->szPeerSubject,
                            sizeof info->szPeerSubject);
      inet__cert_name_text (X509_get_issuer_name (peer), info->szPeerIssuer,
                            sizeof info->szPeerIssuer);
    }
}

static void
session_free (InetTlsSession *session)
{
  if (session->ssl != NULL)
    SSL_free (session->ssl); /* and the BIO */
  free (session->out);
  free (session);
  ERR_clear_error ();
}

InetTlsSession *
inet__tls_accept (InetTlsContext *context, int fd, int wake_fd, uint64_t deadline_us,
                  DWORD *error, char *detail, size_t detail_len, INETSECURITYINFO *info)
{
  uint64_t start = inet__mono_us ();
  InetTlsSession *session = calloc (1, sizeof *session);
  BIO *bio;

  *error = 0;
  detail[0] = '\0';
  session->fd = fd;
  session->ssl = SSL_new (context->ctx);
  bio = session->ssl != NULL ? BIO_new (bio_method) : NULL;
  if (bio == NULL)
    {
      *error = WSAENOBUFS;
      snprintf (detail, detail_len, "OpenSSL could not create a session");
      goto failed;
    }
  BIO_set_data (bio, session);
  SSL_set_bio (session->ssl, bio, bio);
  SSL_set_accept_state (session->ssl);
  session->handshaking = true;

  for (;;)
    {
      struct pollfd fds[2];
      int ssl_error = SSL_ERROR_NONE;
      int flushed, ready;
      bool done;

      ERR_clear_error ();
      done = SSL_do_handshake (session->ssl) == 1;
      if (!done)
        ssl_error = SSL_get_error (session->ssl, 0);
      if (!done && ssl_error != SSL_ERROR_WANT_READ && ssl_error != SSL_ERROR_WANT_WRITE)
        {
          *error = classify_failure (session, ssl_error, detail, detail_len);
          goto failed;
        }
      /* our last flight must reach the socket before the client can go on */
      flushed = flush_out (session);
      if (flushed < 0 && done)
        {
          /* the client finished its side and left (or reset) before our
           * tickets went out: it is connected as far as it knows; the
           * session's first read reports the end */
          session->failed = inet__wsa_from_errno (session->last_errno);
          break;
        }
      if (flushed < 0)
        {
          *error = INET_ERROR_TLS_PEER_CLOSED;
          snprintf (detail, detail_len, "the client reset the connection during the handshake");
          goto failed;
        }
      if (done && flushed == 0)
        break;

      fds[0].fd = fd;
      fds[0].events = (short) ((done ? 0 : POLLIN) | (flushed ? POLLOUT : 0));
      fds[0].revents = 0;
      fds[1].fd = wake_fd;
      fds[1].events = POLLIN;
      fds[1].revents = 0;
      ready = poll (fds, wake_fd >= 0 ? 2 : 1, inet__poll_timeout (deadline_us));
      if (ready < 0 && errno != EINTR)
        {
          *error = inet__wsa_from_errno (errno);
          snprintf (detail, detail_len, "poll: %s", strerror (errno));
          goto failed;
        }
      if (wake_fd >= 0 && (fds[1].revents & POLLIN))
        {
          *error = WSA_OPERATION_ABORTED;
          snprintf (detail, detail_len, "the handshake was cut short by a stop or disconnect");
          goto failed;
        }
      if (ready == 0 && deadline_us != 0 && inet__mono_us () >= deadline_us)
        {
          *error = INET_ERROR_TLS_TIMEOUT;
          snprintf (detail, detail_len, "no complete handshake within %.1f s (%llu bytes "
                                        "received)", (double) (deadline_us - start) / 1e6,
                    session->bytes_in);
          goto failed;
        }
    }

  session->handshaking = false;
  fill_info (session, info);
  info->dwHandshakeMicros = (DWORD) (inet__mono_us () - start);
  ERR_clear_error ();
  return session;

failed:
  if (session->out_start < session->out_end && *error != INET_ERROR_TLS_PEER_CLOSED)
    flush_out (session); /* the alert that says why, if the socket takes it */
  info->bSecure = FALSE;
  info->dwError = *error;
  info->dwHandshakeMicros = (DWORD) (inet__mono_us () - start);
  snprintf (info->szError, sizeof info->szError, "%s", detail);
  if (session->ssl != NULL)
    {
      const char *sni = SSL_get_servername (session->ssl, TLSEXT_NAMETYPE_host_name);

      snprintf (info->szServerName, sizeof info->szServerName, "%s", sni != NULL ? sni : "");
    }
  session_free (session);
  return NULL;
}

/* ---------------------------------------------------------------- records */

/* A fatal error after the handshake: stays for every later call. */
static ssize_t
fail (InetTlsSession *session, int ssl_error, DWORD *error)
{
  if (ssl_error == SSL_ERROR_SYSCALL && session->last_errno != 0)
    session->failed = inet__wsa_from_errno (session->last_errno);
  else if (ssl_error == SSL_ERROR_SYSCALL)
    session->failed = WSAECONNRESET;
  else
    session->failed = INET_ERROR_TLS_PROTOCOL; /* a bad record or an alert */
  ERR_clear_error ();
  *error = session->failed;
  return INET_TLS_ERROR;
}

ssize_t
inet__tls_read (InetTlsSession *session, void *buffer, size_t len, DWORD *error)
{
  size_t done = 0;
  int ssl_error;

  if (session->failed != 0)
    {
      *error = session->failed;
      return INET_TLS_ERROR;
    }
  if (session->out_start < session->out_end)
    flush_out (session); /* an alert or key update from an earlier read */
  ERR_clear_error ();
  if (SSL_read_ex (session->ssl, buffer, len, &done) == 1)
    return (ssize_t) done;
  ssl_error = SSL_get_error (session->ssl, 0);
  switch (ssl_error)
    {
    case SSL_ERROR_WANT_READ:
      return INET_TLS_WANT_READ;
    case SSL_ERROR_WANT_WRITE:
      return INET_TLS_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN:
      ERR_clear_error ();
      return INET_TLS_CLOSED;
    default:
      return fail (session, ssl_error, error);
    }
}

ssize_t
inet__tls_write (InetTlsSession *session, const void *buffer, size_t len, DWORD *error)
{
  size_t done = 0;
  int flushed;

  if (session->failed != 0)
    {
      *error = session->failed;
      return INET_TLS_ERROR;
    }
  if (len == 0)
    return 0;
  flushed = flush_out (session);
  if (flushed < 0)
    return fail (session, SSL_ERROR_SYSCALL, error);
  if (flushed > 0)
    return INET_TLS_WANT_WRITE;
  if (session->held)
    {
      /* the byte we called unsent went out with the rest of its record */
      session->held = false;
      return 1;
    }

  ERR_clear_error ();
  if (SSL_write_ex (session->ssl, buffer, len < MAX_WRITE ? len : MAX_WRITE, &done) != 1)
    {
      int ssl_error = SSL_get_error (session->ssl, 0);

      if (ssl_error == SSL_ERROR_WANT_READ)
        return INET_TLS_WANT_READ;
      if (ssl_error == SSL_ERROR_WANT_WRITE)
        return INET_TLS_WANT_WRITE;
      return fail (session, ssl_error, error);
    }
  if (session->out_start < session->out_end)
    {
      /* part of the record waits in our queue: report its last byte as
       * unsent so that the caller waits for POLLOUT and comes back */
      session->held = true;
      if (done > 1)
        return (ssize_t) done - 1;
      return INET_TLS_WANT_WRITE;
    }
  return (ssize_t) done;
}

size_t
inet__tls_pending (InetTlsSession *session)
{
  unsigned char byte;
  size_t done = 0;
  int pending;

  if (session->failed != 0)
    return 1; /* the next read reports it */
  pending = SSL_pending (session->ssl);
  if (pending > 0)
    return (size_t) pending;
  if (!SSL_has_pending (session->ssl))
    return 0;
  /* whole records may wait unprocessed in the read-ahead buffer: process
   * them without consuming, so the next poll() does not wait for data
   * that has already arrived */
  ERR_clear_error ();
  if (SSL_peek_ex (session->ssl, &byte, 1, &done) == 1)
    return (size_t) SSL_pending (session->ssl);
  switch (SSL_get_error (session->ssl, 0))
    {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return 0;
    case SSL_ERROR_ZERO_RETURN:
      ERR_clear_error ();
      return 1; /* close_notify: the next read returns INET_TLS_CLOSED */
    default:
      {
        DWORD ignored;

        fail (session, SSL_get_error (session->ssl, 0), &ignored);
        return 1; /* the next read reports the error */
      }
    }
}

size_t
inet__tls_peek (InetTlsSession *session, void *buffer, size_t len)
{
  size_t done = 0;

  if (session->failed != 0 || len == 0)
    return 0;
  ERR_clear_error ();
  if (SSL_peek_ex (session->ssl, buffer, len, &done) != 1)
    done = 0;
  ERR_clear_error ();
  return done;
}

void
inet__tls_close_notify (InetTlsSession *session)
{
  if (session->failed != 0 || session->shutdown_sent || !SSL_is_init_finished (session->ssl))
    return;
  session->shutdown_sent = true;
  ERR_clear_error ();
  SSL_shutdown (session->ssl);
  flush_out (session); /* best effort: the socket is about to close */
  ERR_clear_error ();
}

void
inet__tls_session_free (InetTlsSession *session)
{
  if (session != NULL)
    session_free (session);
}
