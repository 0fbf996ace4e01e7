/* inet-server.h - the Inet server API on Linux.
 *
 * A port of the SocketWrench-style threaded server interface: the same
 * function names, constants and calling conventions, on POSIX types.
 * Every server runs in its own thread and every client session in its own
 * thread; all interaction happens in the event callback.
 *
 * Conventions (as in the reference):
 *  - BOOL functions return non-zero on success, 0 on failure.
 *  - INT functions return 0 (or a count) on success, INET_ERROR on failure.
 *  - Handle-returning functions return INVALID_SOCKET on failure.
 *  - After a failure, InetGetLastError() (per thread) gives the reason.
 *    Error codes use the Winsock numbers (WSAE*), plus INET_ERROR_* codes
 *    for what Winsock has no number for.
 *
 * Thread rules: every function may be called from any thread unless its
 * comment says otherwise. Events for one client never run concurrently;
 * events for different clients do.
 *
 * Decisions this port makes where the reference is silent or ambiguous
 * (see also the comments on each function):
 *  - Handles are opaque 64-bit values: a 32-bit serial number (never reused
 *    until it wraps after 2^32 handles) and a slot index. A closed or
 *    unknown handle fails with WSAENOTSOCK, deterministically.
 *  - InetServerStop blocks until every client thread and the server thread
 *    have ended. Called from inside an event handler of that server it
 *    returns at once and the stop finishes asynchronously.
 *  - INET_EVENT_DISCONNECT is raised exactly once for every session that got
 *    INET_EVENT_CONNECT, whatever ended it (peer close, InetDisconnect,
 *    timeout, stop, restart), before InetServerStop returns.
 *  - Port 0 binds an ephemeral port (extension; read it back with
 *    InetGetLocalAddress).
 *  - Requires a platform where SOCKET (uintptr_t) is 64 bits.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ types */

typedef uintptr_t SOCKET;
typedef int BOOL;
typedef int INT;
typedef unsigned int UINT;
typedef uint32_t DWORD;
typedef uintptr_t DWORD_PTR;
typedef uint64_t ULONGLONG;
typedef unsigned char BYTE;
typedef BYTE *LPBYTE;
typedef const BYTE *LPCBYTE;
typedef char CHAR;
typedef const char *LPCTSTR;
typedef char *LPTSTR;
typedef DWORD *LPDWORD;
typedef UINT *LPUINT;
typedef void VOID;

#ifndef WINAPI
#define WINAPI
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#define INVALID_SOCKET ((SOCKET) ~(uintptr_t) 0)
#define INET_ERROR     (-1)

/* Defaults used by the reference example. */
#define INET_BACKLOG 0  /* 0 = SOMAXCONN */
#define INET_TIMEOUT 20 /* seconds */
/* A TLS handshake is bounded by the server timeout, or by this many
 * seconds when the server has none. */
#define INET_HANDSHAKE_DEFAULT_TIMEOUT 60

/* --------------------------------------------------------------- priority */

#define INET_PRIORITY_BACKGROUND 0 /* SCHED_IDLE, yields after each event */
#define INET_PRIORITY_LOW        1 /* nice +10, yields after each event */
#define INET_PRIORITY_NORMAL     2 /* nice 0 */
#define INET_PRIORITY_HIGH       3 /* nice -5 (needs CAP_SYS_NICE) */
#define INET_PRIORITY_CRITICAL   4 /* nice -10 (needs CAP_SYS_NICE) */
#define INET_PRIORITY_INVALID    ((UINT) -1)

/* ---------------------------------------------------------------- options */

#define INET_OPTION_NONE         0x0000
#define INET_OPTION_REUSEADDR    0x0001 /* SO_REUSEADDR */
#define INET_OPTION_REUSEADDRESS INET_OPTION_REUSEADDR
#define INET_OPTION_DONTROUTE    0x0002 /* SO_DONTROUTE */
#define INET_OPTION_KEEPALIVE    0x0004 /* SO_KEEPALIVE */
#define INET_OPTION_NODELAY      0x0008 /* TCP_NODELAY */
#define INET_OPTION_SECURE       0x0010 /* implicit TLS, needs credentials */
#define INET_OPTION_NOINHERIT    0x0020 /* always on: every fd is CLOEXEC */
#define INET_OPTION_EXCLUSIVE    0x0040 /* accepted; Linux binds exclusively */

/* ----------------------------------------------------------------- events */

/* Client events: raised in the client's own session thread. */
#define INET_EVENT_CONNECT    1 /* session established (after TLS) */
#define INET_EVENT_DISCONNECT 2 /* session ended; dwError says why, 0 = peer closed */
#define INET_EVENT_READ       3 /* data can be read; not raised again until some is consumed */
#define INET_EVENT_WRITE      4 /* once after connect, then after a write would have blocked */
#define INET_EVENT_TIMEOUT    5 /* no data from the client for the server timeout */
#define INET_EVENT_CANCEL     6 /* a blocking call was cancelled with InetCancel */
/* Server events: raised in the server thread with the server handle. A connection
 * refused by a limit raises REJECT instead of ACCEPT. */
#define INET_EVENT_START   16 /* the listener is up */
#define INET_EVENT_STOP    17 /* every session has ended; the last event of a server */
#define INET_EVENT_ACCEPT  18 /* a connection is being accepted; peer via InetGetPeerAddress(server) */
#define INET_EVENT_REJECT  19 /* refused by a limit; dwError = INET_REJECT_* */
#define INET_EVENT_IDLE    20 /* the active client count fell to 0 */
#define INET_EVENT_ERROR   21 /* dwError = code; text via InetGetEventDetail. Client handle for
                             * session errors (e.g. a failed TLS handshake: no CONNECT follows) */
#define INET_EVENT_SUSPEND 22 /* the server stopped accepting */
#define INET_EVENT_RESUME  23 /* the server accepts again */
#define INET_EVENT_RESTART 24 /* the listener was re-opened; dwError != 0 if that failed */

/* Why a connection was refused (dwError of INET_EVENT_REJECT). */
#define INET_REJECT_MAX_CLIENTS     1
#define INET_REJECT_MAX_PER_ADDRESS 2
#define INET_REJECT_APPLICATION     3 /* InetServerReject in the ACCEPT handler */
#define INET_REJECT_RESOURCES       4 /* out of descriptors or threads */

/* Why a session ended (INETCLIENTSTATS.dwCloseReason). */
#define INET_CLOSE_NONE        0 /* still open */
#define INET_CLOSE_PEER        1 /* the client closed */
#define INET_CLOSE_LOCAL       2 /* InetDisconnect */
#define INET_CLOSE_ABORT       3 /* abortive close (reset sent) */
#define INET_CLOSE_RESET       4 /* the client reset the connection */
#define INET_CLOSE_STOP        5 /* the server stopped */
#define INET_CLOSE_RESTART     6 /* the server restarted */
#define INET_CLOSE_ERROR       7 /* network or TLS error */
#define INET_CLOSE_SUSPEND     8 /* InetServerSuspendEx(INET_SUSPEND_DISCONNECT) */

typedef VOID (CALLBACK *INETEVENTPROC) (SOCKET hSocket, UINT nEventId, DWORD dwError,
                                        DWORD_PTR dwParam);

/* ----------------------------------------------------------------- status */

#define INET_SERVER_STOPPED    0
#define INET_SERVER_STARTING   1
#define INET_SERVER_LISTENING  2
#define INET_SERVER_SUSPENDED  3
#define INET_SERVER_STOPPING   4
#define INET_SERVER_RESTARTING 5
#define INET_SERVER_LOCKED     0x100 /* flag, or'ed into the status */

/* Client session state (INETCLIENTSTATS.dwState). */
#define INET_CLIENT_HANDSHAKE 1 /* TLS handshake in progress */
#define INET_CLIENT_CONNECTED 2
#define INET_CLIENT_CLOSING   3

/* Client flags (INETCLIENTSTATS.dwFlags). */
#define INET_CLIENT_FLAG_SECURE      0x01
#define INET_CLIENT_FLAG_PAUSED      0x02 /* InetSuspendClient or a suspended server */
#define INET_CLIENT_FLAG_READ_CLOSED 0x04 /* the client sent FIN */
#define INET_CLIENT_FLAG_NONBLOCKING 0x08

/* ---------------------------------------------------------- error numbers */

#define WSA_OPERATION_ABORTED 995
#define WSAEINTR              10004
#define WSAEBADF              10009
#define WSAEACCES             10013
#define WSAEFAULT             10014
#define WSAEINVAL             10022
#define WSAEMFILE             10024
#define WSAEWOULDBLOCK        10035
#define WSAEINPROGRESS        10036
#define WSAEALREADY           10037
#define WSAENOTSOCK           10038
#define WSAEMSGSIZE           10040
#define WSAENOPROTOOPT        10042
#define WSAEPROTONOSUPPORT    10043
#define WSAEOPNOTSUPP         10045
#define WSAEAFNOSUPPORT       10047
#define WSAEADDRINUSE         10048
#define WSAEADDRNOTAVAIL      10049
#define WSAENETDOWN           10050
#define WSAENETUNREACH        10051
#define WSAENETRESET          10052
#define WSAECONNABORTED       10053
#define WSAECONNRESET         10054
#define WSAENOBUFS            10055
#define WSAEISCONN            10056
#define WSAENOTCONN           10057
#define WSAESHUTDOWN          10058
#define WSAETIMEDOUT          10060
#define WSAECONNREFUSED       10061
#define WSAEHOSTUNREACH       10065
#define WSAEPROCLIM           10067
#define WSAHOST_NOT_FOUND     11001
#define WSATRY_AGAIN          11002
#define WSANO_DATA            11004

/* What Winsock has no number for. */
#define INET_ERROR_DEADLOCK           1131  /* ERROR_POSSIBLE_DEADLOCK: lock/wait refused */
#define INET_ERROR_NOT_OWNER          288   /* ERROR_NOT_OWNER: unlock by another thread */
#define INET_ERROR_PRIORITY_DEGRADED  20001 /* asked above normal without privilege: normal used */
#define INET_ERROR_NOT_IN_HANDLER     20002 /* only valid inside a specific event handler */
#define INET_ERROR_SERVER_STOPPED     20003 /* the server is stopping or restart failed */
#define INET_ERROR_THREAD             20004 /* could not create a thread */
/* TLS credentials (InetServerStart with INET_OPTION_SECURE). */
#define INET_ERROR_CERT_NOT_FOUND     20100 /* certificate file missing or unreadable */
#define INET_ERROR_CERT_INVALID       20101 /* not a certificate (or no match in a directory) */
#define INET_ERROR_KEY_NOT_FOUND      20102 /* key file missing, unreadable, or no key anywhere */
#define INET_ERROR_KEY_INVALID        20103 /* not a private key */
#define INET_ERROR_KEY_MISMATCH       20104 /* the key does not belong to the certificate */
#define INET_ERROR_BAD_PASSWORD       20105 /* wrong or missing password */
#define INET_ERROR_PKCS12_UNSUPPORTED 20106 /* PKCS#12 encryption this OpenSSL cannot read */
#define INET_ERROR_CA_NOT_FOUND       20107 /* client-certificate CA file missing or invalid */
#define INET_ERROR_TLS_CONFIG         20108 /* bad cipher list or protocol version */
#define INET_ERROR_CERT_EXPIRED       20109 /* warning: the server started anyway */
#define INET_ERROR_CERT_NOT_YET_VALID 20110 /* warning: the server started anyway */
#define INET_ERROR_FILE_WRITE         20111 /* a certificate or key could not be written */
/* TLS handshakes (INET_EVENT_ERROR on a client handle). */
#define INET_ERROR_TLS_HANDSHAKE      20120 /* other handshake failure */
#define INET_ERROR_TLS_PLAINTEXT      20121 /* the client spoke plaintext (e.g. HTTP) */
#define INET_ERROR_TLS_VERSION        20122 /* no common protocol version */
#define INET_ERROR_TLS_CIPHER         20123 /* no common cipher suite */
#define INET_ERROR_TLS_UNKNOWN_CA     20124 /* client certificate not trusted (or client said so) */
#define INET_ERROR_TLS_NO_CLIENT_CERT 20125 /* a client certificate was required */
#define INET_ERROR_TLS_PEER_CLOSED    20126 /* the client gave up during the handshake */
#define INET_ERROR_TLS_TIMEOUT        20127 /* the handshake took longer than the timeout */
#define INET_ERROR_TLS_GARBAGE        20128 /* not TLS at all */
/* TLS on an established session (DISCONNECT's dwError, InetRead/InetWrite). */
#define INET_ERROR_TLS_PROTOCOL       20129 /* a damaged record or a fatal alert from the client */

/* ------------------------------------------------------------ credentials */

/* Minimum protocol version (SECURITYCREDENTIALS.dwProtocol). */
#define INET_PROTOCOL_DEFAULT 0 /* TLS 1.2 */
#define INET_PROTOCOL_TLS1_2  0x0303
#define INET_PROTOCOL_TLS1_3  0x0304

/* SECURITYCREDENTIALS.dwOptions */
#define INET_CREDENTIAL_REQUEST_CLIENT_CERT 0x01 /* ask; verify against lpszCAFile if sent */
#define INET_CREDENTIAL_REQUIRE_CLIENT_CERT 0x02 /* fail the handshake without one */

/* Password callback: write at most cch-1 bytes and a NUL into lpszPassword,
 * return TRUE; FALSE = no password. Called in the thread of InetServerStart. */
typedef BOOL (CALLBACK *INETPASSWORDPROC) (LPCTSTR lpszFile, LPTSTR lpszPassword, INT cch,
                                          DWORD_PTR dwParam);

/* Only dwSize, lpszCertStore and lpszCertName are required; every other
 * field may be 0/NULL. The strings are copied at InetServerStart.
 * Store: a PEM file (the first certificate is served, the rest is its chain;
 * a private key in it is used when lpszKeyFile is NULL), a PKCS#12 file
 * (detected by content), or a directory (lpszCertName = a file in it, or the
 * CN / RFC 2253 DN / PKCS#12 friendly name of a certificate; NULL when it
 * holds only one). For a file, a non-empty lpszCertName must match the
 * certificate's CN, DN or friendly name. Key: lpszKeyFile, else the store,
 * else NAME.key, NAME.key.pem, NAME-key.pem or privkey.pem beside the
 * certificate. The password (or the callback, asked once) unlocks encrypted
 * PEM keys and PKCS#12 files; OpenSSL never prompts. Legacy PKCS#12
 * (RC2/3DES) is read with OpenSSL's legacy provider in a private library
 * context (INET_ERROR_PKCS12_UNSUPPORTED without it). lpszCAFile alone asks
 * for client certificates and verifies them; REQUEST without a CA file
 * accepts any client certificate unverified (its subject is still
 * reported); REQUIRE needs lpszCAFile.
 * Defaults: TLS 1.2 minimum, 1.3 preferred, Mozilla "intermediate" ciphers
 * (no CBC, static RSA, RC4, 3DES or export), server preference, session
 * tickets on, compression and renegotiation off. */
typedef struct _SECURITYCREDENTIALS
{
  DWORD dwSize;               /* sizeof (SECURITYCREDENTIALS) */
  DWORD dwProtocol;           /* minimum version: INET_PROTOCOL_* */
  DWORD dwOptions;            /* INET_CREDENTIAL_* */
  DWORD dwReserved;
  LPCTSTR lpszCertStore;      /* PEM file, PKCS#12 file or directory */
  LPCTSTR lpszCertName;       /* file or subject in a directory store; may be NULL for files */
  LPCTSTR lpszKeyFile;        /* private key (PEM); NULL = in the store */
  LPCTSTR lpszPassword;       /* for an encrypted key or PKCS#12 */
  INETPASSWORDPROC lpPasswordProc; /* used when lpszPassword is NULL */
  DWORD_PTR dwPasswordParam;
  LPCTSTR lpszCAFile;         /* CAs for client certificates */
  LPCTSTR lpszCipherList;     /* TLS 1.2 ciphers (OpenSSL syntax); NULL = intermediate */
  LPCTSTR lpszCipherSuites;   /* TLS 1.3 suites; NULL = OpenSSL default */
  LPCTSTR lpszAlpn;           /* comma-separated ALPN protocols the server accepts */
} SECURITYCREDENTIALS, *LPSECURITYCREDENTIALS;

/* Per-client TLS details (InetGetSecurityInfo). */
typedef struct _INETSECURITYINFO
{
  DWORD dwSize;               /* sizeof (INETSECURITYINFO) */
  BOOL bSecure;               /* FALSE on a plain session */
  BOOL bResumed;
  DWORD dwProtocol;           /* INET_PROTOCOL_* value of the negotiated version */
  DWORD dwHandshakeMicros;    /* handshake duration */
  DWORD dwError;              /* handshake failure code, 0 if none */
  CHAR szProtocol[16];        /* "TLSv1.3" */
  CHAR szCipher[64];          /* "TLS_AES_256_GCM_SHA384" */
  CHAR szGroup[32];           /* key exchange group, "X25519" */
  CHAR szServerName[256];     /* SNI sent by the client */
  CHAR szAlpn[64];            /* negotiated ALPN protocol */
  CHAR szPeerSubject[256];    /* client certificate, if any */
  CHAR szPeerIssuer[256];
  CHAR szError[256];          /* handshake failure reason, if any */
} INETSECURITYINFO, *LPINETSECURITYINFO;

/* -------------------------------------------------------------- counters */

typedef struct _INETCLIENTSTATS
{
  DWORD dwSize;               /* sizeof (INETCLIENTSTATS) */
  DWORD dwClientId;           /* unique per server, never reused, starts at 1 */
  DWORD dwState;              /* INET_CLIENT_* */
  DWORD dwFlags;              /* INET_CLIENT_FLAG_* */
  DWORD dwCloseReason;        /* INET_CLOSE_* */
  DWORD dwThreadId;           /* Linux TID of the session thread */
  UINT nPriority;             /* effective INET_PRIORITY_* */
  INT nAddressFamily;         /* AF_INET or AF_INET6 (v4-mapped peers count as AF_INET) */
  DWORD dwReadLimit;          /* effective bytes/s, 0 = unlimited */
  DWORD dwWriteLimit;
  ULONGLONG nBytesIn;         /* application bytes (plaintext under TLS) */
  ULONGLONG nBytesOut;
  ULONGLONG nConnectTime;     /* microseconds since the Unix epoch */
  ULONGLONG nLastActivity;    /* microseconds since the Unix epoch, last byte in or out */
} INETCLIENTSTATS, *LPINETCLIENTSTATS;

typedef struct _INETSERVERSTATS
{
  DWORD dwSize;               /* sizeof (INETSERVERSTATS) */
  UINT nActive;               /* sessions now (including TLS handshakes) */
  UINT nPeak;
  ULONGLONG nAccepted;        /* connections that became sessions */
  ULONGLONG nRejected;        /* refused by a limit or the application */
  ULONGLONG nHandshakeFailures;
  ULONGLONG nBytesIn;         /* all sessions, including ended ones */
  ULONGLONG nBytesOut;
  ULONGLONG nStartTime;       /* microseconds since the Unix epoch */
} INETSERVERSTATS, *LPINETSERVERSTATS;

/* ------------------------------------------------------------ the server */

/* Binds, listens, starts the server thread and returns the server handle.
 * lpszLocalHost: NULL or "" = all IPv4 addresses; "0.0.0.0" = all IPv4;
 * "::" or "::0" = IPv4 and IPv6 on one socket; otherwise a local IPv4/IPv6
 * address or a host name that resolves to one. nLocalPort 0 = ephemeral.
 * nBacklog 0 = SOMAXCONN. nMaxClients 0 = unlimited. nTimeout: seconds, both
 * the limit of a blocking call and the idle time that raises
 * INET_EVENT_TIMEOUT; 0 = none. Errors: WSAEADDRINUSE, WSAEADDRNOTAVAIL,
 * WSAEAFNOSUPPORT, WSAHOST_NOT_FOUND, WSAEINVAL, WSAEMFILE, the TLS codes. */
SOCKET WINAPI InetServerStart (LPCTSTR lpszLocalHost, UINT nLocalPort, UINT nBacklog,
                               UINT nMaxClients, UINT nTimeout, UINT nPriority,
                               DWORD dwOptions, INETEVENTPROC lpEventProc,
                               DWORD_PTR dwEventParam, LPSECURITYCREDENTIALS lpCredentials);

/* Stops accepting, disconnects every client (each gets its DISCONNECT),
 * closes the listener and ends the server thread; blocks until all of that
 * is done, then the server handle is invalid. From inside a handler of this
 * server it returns TRUE at once and finishes asynchronously. */
BOOL WINAPI InetServerStop (SOCKET hServer);

#define INET_STOP_ASYNC 0x01 /* do not wait */
BOOL WINAPI InetServerStopEx (SOCKET hServer, DWORD dwOptions);

/* Suspended: the server does not accept; new connections wait in the kernel
 * backlog (overflow is refused by the kernel). */
#define INET_SUSPEND_DISCONNECT 0x01 /* also disconnect every client (DISCONNECT each) */
#define INET_SUSPEND_PAUSEIO    0x02 /* also pause reading of every client */
BOOL WINAPI InetServerSuspend (SOCKET hServer);
BOOL WINAPI InetServerSuspendEx (SOCKET hServer, DWORD dwOptions);
BOOL WINAPI InetServerResume (SOCKET hServer);

/* Disconnects every client (DISCONNECT each), re-opens the listener with the
 * original parameters (REUSEADDR forced) and clears suspension; the handle,
 * callback, data, limits and counters stay. If the listener cannot be
 * re-opened the call fails with the bind error and the server stops.
 * Blocking; from inside a handler of this server it returns at once. */
BOOL WINAPI InetServerRestart (SOCKET hServer);

/* (UINT)-1 / (DWORD)-1 leaves a value unchanged; 0 = no limit.
 * dwConnectionRate: minimum milliseconds between two accepts. Lowering a
 * limit never drops a client; connections over a limit are accepted and
 * closed at once (REJECT event, no CONNECT). */
BOOL WINAPI InetServerThrottle (SOCKET hServer, UINT nMaxClients, UINT nMaxClientsPerAddress,
                                DWORD dwConnectionRate);
BOOL WINAPI InetGetServerThrottle (SOCKET hServer, LPUINT lpnMaxClients,
                                   LPUINT lpnMaxClientsPerAddress, LPDWORD lpdwConnectionRate);

/* At most one server in the process is locked. While it is, every other
 * thread waits at its next network call on that server or its clients
 * (events of that server are held too). Recursive; only the owner unlocks.
 * Fails with INET_ERROR_DEADLOCK where waiting could never end (the caller
 * owns the lock of another server, or the owner is waiting for the caller),
 * and unlock by another thread fails with INET_ERROR_NOT_OWNER. The owner
 * may stop, suspend, resume or restart the locked server: the server thread
 * leaves its wait to carry the command out (the events of ending sessions
 * are not held either); the events that follow are held until unlock. */
BOOL WINAPI InetServerLock (SOCKET hServer);
BOOL WINAPI InetServerUnlock (SOCKET hServer);
SOCKET WINAPI InetGetLockedServer (VOID);

/* INET_SERVER_* (with INET_SERVER_LOCKED or'ed in), INET_ERROR on a bad handle. */
INT WINAPI InetGetServerStatus (SOCKET hServer);
/* Linux TID of the server thread (wait for it with InetServerStop). */
DWORD WINAPI InetGetServerThreadId (SOCKET hServer);

/* One application value per server; the client handles of a server are
 * accepted too. */
DWORD_PTR WINAPI InetGetServerData (SOCKET hSocket);
BOOL WINAPI InetSetServerData (SOCKET hSocket, DWORD_PTR dwData);
/* One application value per client session. */
DWORD_PTR WINAPI InetGetClientData (SOCKET hClient);
BOOL WINAPI InetSetClientData (SOCKET hClient, DWORD_PTR dwData);
/* The server a client belongs to. */
SOCKET WINAPI InetGetClientServer (SOCKET hClient);

/* Priorities map to real per-thread scheduling (see INET_PRIORITY_*).
 * The setters return the previous priority, INET_ERROR on failure. A raise
 * above normal without the privilege uses normal instead and sets the last
 * error to INET_ERROR_PRIORITY_DEGRADED (the call still succeeds). A server
 * priority applies to the server thread and to clients accepted later. */
INT WINAPI InetGetServerPriority (SOCKET hServer);
INT WINAPI InetSetServerPriority (SOCKET hServer, UINT nPriority);
INT WINAPI InetGetClientPriority (SOCKET hClient);
INT WINAPI InetSetClientPriority (SOCKET hClient, UINT nPriority);
/* Extension for applications that host servers next to their own busy
 * threads (a GUI): a nice offset, 0 to 19, added process-wide to LOW,
 * NORMAL, HIGH and CRITICAL (clamped at nice 19; BACKGROUND stays
 * SCHED_IDLE) for every priority applied after the call. With an offset of
 * 5, NORMAL sessions run at nice 5 and the application's nice-0 threads get
 * about three times their CPU share when both want a CPU. Returns the
 * previous offset, INET_ERROR (WSAEINVAL) when out of range. */
INT WINAPI InetSetPriorityOffset (INT nOffset);

/* Server counters and client enumeration. InetEnumServerClients fills up to
 * nMaxClients handles of connected sessions and returns how many there are. */
BOOL WINAPI InetGetServerStats (SOCKET hServer, LPINETSERVERSTATS lpStats);
INT WINAPI InetEnumServerClients (SOCKET hServer, SOCKET *lpClients, INT nMaxClients);
BOOL WINAPI InetGetClientStats (SOCKET hClient, LPINETCLIENTSTATS lpStats);
DWORD WINAPI InetGetClientId (SOCKET hClient);

/* Bandwidth limits in bytes per second, live. 0 = unlimited, (DWORD)-1 =
 * unchanged. For a server: the default cap of each of its clients and the
 * cap of all of them together. For a client, INET_BANDWIDTH_INHERIT follows
 * the server's per-client default again. */
#define INET_BANDWIDTH_UNCHANGED ((DWORD) -1)
#define INET_BANDWIDTH_INHERIT   ((DWORD) -2)
BOOL WINAPI InetSetServerBandwidth (SOCKET hServer, DWORD dwClientRead, DWORD dwClientWrite,
                                    DWORD dwTotalRead, DWORD dwTotalWrite);
BOOL WINAPI InetGetServerBandwidth (SOCKET hServer, LPDWORD lpdwClientRead,
                                    LPDWORD lpdwClientWrite, LPDWORD lpdwTotalRead,
                                    LPDWORD lpdwTotalWrite);
BOOL WINAPI InetSetClientBandwidth (SOCKET hClient, DWORD dwReadLimit, DWORD dwWriteLimit);

/* Pause reading a client: no READ events and no reads from the socket until
 * resumed, so the kernel buffers fill and the client feels back-pressure.
 * Writing still works. */
BOOL WINAPI InetSuspendClient (SOCKET hClient);
BOOL WINAPI InetResumeClient (SOCKET hClient);

/* Only inside the ACCEPT handler, on the server handle: refuse the pending
 * connection (the client sees a reset). */
BOOL WINAPI InetServerReject (SOCKET hServer);

/* ---------------------------------------------------------- closing */

/* Closes a client session (or, on a server handle, stops the server like
 * InetServerStop). Returns 0 or INET_ERROR. I/O calls on the handle fail
 * with WSAENOTSOCK as soon as this returns; information getters keep working
 * until the DISCONNECT handler has returned. Calls blocked on the handle in
 * other threads return INET_ERROR with WSA_OPERATION_ABORTED.
 *
 * How the connection ends follows the handle's linger setting, as Winsock's
 * closesocket does:
 *  - no linger (default): graceful. Queued data is sent, then FIN; data the
 *    client sent that was never read is discarded without a reset. Returns
 *    at once; the session thread finishes in the background.
 *  - linger 0 seconds: abortive. Queued data is dropped and the client gets
 *    a reset (ECONNRESET).
 *  - linger N > 0, blocking handle: graceful, but the call waits until the
 *    client acknowledged all data or N seconds passed; then the connection
 *    is reset if data was still unsent.
 *  - linger N > 0, non-blocking handle (InetSetBlocking FALSE) with data
 *    not yet acknowledged: fails with WSAEWOULDBLOCK and the handle stays
 *    open and valid (the Winsock rule; Linux alone would block). Retry,
 *    set linger 0, or InetShutdown first. */
INT WINAPI InetDisconnect (SOCKET hSocket);
#define INET_DISCONNECT_ABORT 0x01 /* abortive close whatever the linger setting */
INT WINAPI InetDisconnectEx (SOCKET hSocket, DWORD dwOptions);

/* Linger on a client handle; on a server handle, the default for clients
 * accepted later (it then also governs the closes of stop and restart).
 * bLinger FALSE = no linger (graceful background close, the default). */
BOOL WINAPI InetSetLinger (SOCKET hSocket, BOOL bLinger, UINT nSeconds);
BOOL WINAPI InetGetLinger (SOCKET hSocket, BOOL *lpbLinger, LPUINT lpnSeconds);

/* Blocking handles (the default) wait up to the server timeout in
 * InetRead/InetWrite; non-blocking ones fail with WSAEWOULDBLOCK. */
BOOL WINAPI InetSetBlocking (SOCKET hClient, BOOL bBlocking);

#define INET_SHUTDOWN_READ  0
#define INET_SHUTDOWN_WRITE 1
#define INET_SHUTDOWN_BOTH  2
/* shutdown(2): the client sees FIN for WRITE; the handle stays open. */
INT WINAPI InetShutdown (SOCKET hClient, INT nHow);

/* -------------------------------------------------------------- I/O */

/* Returns the bytes read (1..cb), 0 when the client closed and nothing is
 * left, INET_ERROR on error. Waits for at least one byte up to the server
 * timeout (WSAETIMEDOUT) unless the handle is non-blocking (WSAEWOULDBLOCK).
 * Never waits to fill the buffer. */
INT WINAPI InetRead (SOCKET hClient, LPBYTE lpBuffer, INT cbBuffer);
/* Returns the bytes written. Blocking handles write everything unless the
 * timeout passes (then the count so far, or INET_ERROR/WSAETIMEDOUT if 0);
 * non-blocking handles write what fits and arm INET_EVENT_WRITE. Honours
 * the bandwidth limits. */
INT WINAPI InetWrite (SOCKET hClient, LPCBYTE lpBuffer, INT cbBuffer);
/* Copies up to cb bytes without consuming them; lpBuffer may be NULL to
 * count. Returns the bytes available now (maybe not all), 0 if none. */
INT WINAPI InetPeek (SOCKET hClient, LPBYTE lpBuffer, INT cbBuffer);
/* Non-zero if a read (write) would not block, waiting up to dwTimeout ms
 * (0 = just look). Buffered TLS data counts as readable. */
BOOL WINAPI InetIsReadable (SOCKET hClient, DWORD dwTimeout);
BOOL WINAPI InetIsWritable (SOCKET hClient, DWORD dwTimeout);
/* Cancels the blocking call in progress on the handle: it returns
 * INET_ERROR with WSAEINTR and INET_EVENT_CANCEL follows in the client's
 * thread. No effect when nothing is blocked. Returns 0 or INET_ERROR. */
INT WINAPI InetCancel (SOCKET hClient);

/* ---------------------------------------------------------- addresses */

/* Numeric address (IPv4-mapped IPv6 is shown as IPv4) and port. For a
 * server handle inside ACCEPT/REJECT handlers, the peer is the pending
 * connection. Return TRUE or FALSE. */
BOOL WINAPI InetGetPeerAddress (SOCKET hSocket, LPTSTR lpszAddress, INT cchAddress,
                                LPUINT lpnPort);
BOOL WINAPI InetGetLocalAddress (SOCKET hSocket, LPTSTR lpszAddress, INT cchAddress,
                                 LPUINT lpnPort);

/* The INET_OPTION_* bits in effect on a client's or the listener's socket,
 * read back from the kernel (REUSEADDR, DONTROUTE, KEEPALIVE, NODELAY;
 * SECURE for TLS sessions and servers). INET_ERROR on a bad handle. */
INT WINAPI InetGetSocketOptions (SOCKET hSocket);

/* ------------------------------------------------------------------ TLS */

BOOL WINAPI InetGetSecurityInfo (SOCKET hClient, LPINETSECURITYINFO lpInfo);
/* A warning found when the server started (e.g. INET_ERROR_CERT_EXPIRED),
 * 0 if none; the text is copied to lpszText when not NULL. */
DWORD WINAPI InetGetServerWarning (SOCKET hServer, LPTSTR lpszText, INT cchText);

/* --------------------------------------------------------------- errors */

DWORD WINAPI InetGetLastError (VOID);
VOID WINAPI InetSetLastError (DWORD dwError);
/* Text for an error code. If dwError is this thread's last error and the
 * failure left a detail (a file name, an OpenSSL reason), it is appended.
 * Returns the length written (without the NUL), 0 if cch is too small. */
INT WINAPI InetGetErrorString (DWORD dwError, LPTSTR lpszText, INT cchText);
/* Inside an event handler: the detail text of the event (the reason of an
 * ERROR or REJECT event). Returns the length, 0 if none. */
INT WINAPI InetGetEventDetail (SOCKET hSocket, LPTSTR lpszText, INT cchText);

#ifdef __cplusplus
}
#endif
