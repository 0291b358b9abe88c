/*
 * udp_batch: a UDP socket for Node.js that reads with recvmmsg(2) and writes with
 * sendmmsg(2), through Node-API (one build serves every Node version from 20 on).
 *
 * The addon creates and owns the socket outright and watches it with a libuv uv_poll, so
 * no private handle of node:dgram is touched. Every buffer it reads or writes is allocated
 * by the JavaScript wrapper and handed over once at open(), so a batch crosses the
 * boundary as one call carrying a count:
 *   - receive: slot i of `recv` holds datagram i, and `meta` row i its length and source
 *     (port, IPv6 scope, address as 4 raw words); onBatch(count) is called once per
 *     recvmmsg(2) that returned something;
 *   - send: row i of `plan` names bytes of `arena` and a destination; send(count) hands the
 *     rows to sendmmsg(2) and reports, in `result`, the rows that failed and why.
 * Linux only (recvmmsg/sendmmsg); the wrapper falls back to node:dgram elsewhere.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <uv.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * The buffers' layouts: word offsets within a row, row sizes in 32-bit words, and the
 * limits the JavaScript must respect. LAYOUT lists each once; Init exports all of them as
 * `layout`, and the wrapper reads every offset from there (src/layout.ts), so a change here
 * cannot leave the two disagreeing silently. An address takes the same five words wherever
 * it appears: IPv6 scope, then the address as 4 raw words (IPv4: the first only).
 */
enum {
  /* recv meta, one row per slot: a received datagram's length and source */
  META_LENGTH,
  META_PORT,
  META_SCOPE,
  META_ADDRESS, /* 4 words */
  META_WORDS = META_ADDRESS + 4,
};
enum {
  /* send plan, one row per datagram copy: bytes of the arena and a destination */
  PLAN_OFFSET,
  PLAN_LENGTH,
  PLAN_PORT,
  PLAN_SCOPE,
  PLAN_ADDRESS, /* 4 words */
  PLAN_WORDS = PLAN_ADDRESS + 4,
};
enum {
  /* send result: the failures of the last send(), then one (row, errno) pair per failure */
  RESULT_FAILURES,
  RESULT_BLOCKED_ERRNO, /* EAGAIN, ENOBUFS: why the send stopped early; 0 if it did not */
  RESULT_FAILED,
  FAILED_ROW = 0,
  FAILED_ERRNO = 1,
  FAILED_WORDS = 2,
};
enum {
  /* scratch: parseAddress() output */
  SCRATCH_SCOPE,
  SCRATCH_ADDRESS, /* 4 words */
  SCRATCH_WORDS = SCRATCH_ADDRESS + 4,
};
enum {
  /* A plan row with a larger port fails alone with EINVAL (the wrapper's "no address"). */
  MAX_PORT = 65535,
  /* Receive slots at least this large hold any UDP payload (the length field is 16 bits),
   * so recvmmsg(2) never truncates a datagram and no row needs a truncation flag. */
  MIN_SLOT_BYTES = 65535,
};
#define LAYOUT(X)                                                                            \
  X(META_LENGTH) X(META_PORT) X(META_SCOPE) X(META_ADDRESS) X(META_WORDS) X(PLAN_OFFSET)     \
  X(PLAN_LENGTH) X(PLAN_PORT) X(PLAN_SCOPE) X(PLAN_ADDRESS) X(PLAN_WORDS) X(RESULT_FAILURES) \
  X(RESULT_BLOCKED_ERRNO) X(RESULT_FAILED) X(FAILED_ROW) X(FAILED_ERRNO) X(FAILED_WORDS)     \
  X(SCRATCH_SCOPE) X(SCRATCH_ADDRESS) X(SCRATCH_WORDS) X(MAX_PORT) X(MIN_SLOT_BYTES)
/* Room for an address as text: an IPv6 literal, '%' and an interface name or number. */
#define ADDRESS_TEXT (INET6_ADDRSTRLEN + IF_NAMESIZE + 2)
/* recvmmsg(2) calls per wake-up before the loop gets back to timers and other sockets. */
#define RECV_ROUNDS 16
/* A send of at least this many rows takes the socket out of the epoll set while it runs. */
#define QUIET_SEND_ROWS 256
/* Buffers open() takes and pins: recv, meta, arena, plan, result, scratch. */
#define PINNED_BUFFERS 6

typedef struct {
  napi_env env;
  uv_poll_t poll;
  int fd;
  int family; /* AF_INET or AF_INET6 */
  int closed; /* close() was called: nothing reads or writes any more */
  int poll_closed; /* libuv is done with the poll handle */
  int finalized; /* JavaScript dropped the handle */
  int want_writable;
  int in_callback;
  /* receive side */
  uint8_t *recv;
  size_t slot_bytes;
  uint32_t *meta;
  uint32_t slots;
  struct mmsghdr *rmsg;
  struct iovec *riov;
  struct sockaddr_storage *raddr;
  /* send side */
  uint8_t *arena;
  size_t arena_bytes;
  uint32_t *plan;
  uint32_t plan_rows;
  int32_t *result;
  uint32_t *scratch;
  struct mmsghdr *smsg;
  struct iovec *siov;
  struct sockaddr_storage *saddr;
  /* JavaScript: buffers pinned while open, callbacks */
  napi_ref refs[PINNED_BUFFERS];
  napi_ref on_batch, on_writable, on_error;
  napi_async_context async;
} Sock;

#define CHECK(call)                                                                          \
  do {                                                                                       \
    if ((call) != napi_ok) {                                                                 \
      napi_throw_error(env, "ERR_UDP_BATCH", "udp_batch: Node-API call failed: " #call);     \
      return NULL;                                                                           \
    }                                                                                        \
  } while (0)

static napi_value throw_errno(napi_env env, const char *syscall, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s %s (%s)", syscall, uv_err_name(-err), strerror(err));
  napi_value code, text, error;
  napi_create_string_utf8(env, uv_err_name(-err), NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &error);
  napi_value errno_value, syscall_value;
  napi_create_int32(env, -err, &errno_value);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_value);
  napi_set_named_property(env, error, "errno", errno_value);
  napi_set_named_property(env, error, "syscall", syscall_value);
  napi_throw(env, error);
  return NULL;
}

/* ---- addresses: one parse (text to sockaddr), one format (sockaddr to text) ---- */

/*
 * Parses an IP literal into a sockaddr of `family`, as node:dgram reads one: on an IPv6
 * socket "addr%eth0" or "addr%2" names a scope, and an IPv4 literal is mapped into
 * ::ffff:0:0/96. Writes into `text` (the '%'). Returns 0 if it is no address of `family`.
 */
static int parse_address(int family, char *text, uint16_t port, struct sockaddr_storage *out,
                         socklen_t *len) {
  memset(out, 0, sizeof *out);
  if (family == AF_INET) {
    struct sockaddr_in *a = (void *)out;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    *len = sizeof *a;
    return inet_pton(AF_INET, text, &a->sin_addr) == 1;
  }
  struct sockaddr_in6 *a = (void *)out;
  a->sin6_family = AF_INET6;
  a->sin6_port = htons(port);
  *len = sizeof *a;
  char *percent = strchr(text, '%');
  if (percent != NULL) {
    *percent = '\0';
    a->sin6_scope_id = if_nametoindex(percent + 1);
    if (a->sin6_scope_id == 0) a->sin6_scope_id = (uint32_t)strtoul(percent + 1, NULL, 10);
  }
  if (inet_pton(AF_INET6, text, &a->sin6_addr) == 1) return 1;
  struct in_addr v4;
  if (inet_pton(AF_INET, text, &v4) != 1) return 0;
  a->sin6_addr.s6_addr[10] = a->sin6_addr.s6_addr[11] = 0xff;
  memcpy(&a->sin6_addr.s6_addr[12], &v4, 4);
  return 1;
}

/* Writes `from` as node:dgram does ("1.2.3.4", "::ffff:1.2.3.4", "fe80::1%eth0") into
 * `text` (ADDRESS_TEXT bytes) and returns its port. */
static uint16_t format_address(const struct sockaddr_storage *from, char *text) {
  text[0] = '\0';
  if (from->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const void *)from;
    inet_ntop(AF_INET, &a->sin_addr, text, ADDRESS_TEXT);
    return ntohs(a->sin_port);
  }
  if (from->ss_family != AF_INET6) return 0;
  const struct sockaddr_in6 *a = (const void *)from;
  inet_ntop(AF_INET6, &a->sin6_addr, text, INET6_ADDRSTRLEN);
  if (a->sin6_scope_id != 0) {
    char name[IF_NAMESIZE];
    size_t used = strlen(text);
    if (if_indextoname(a->sin6_scope_id, name) != NULL)
      snprintf(text + used, ADDRESS_TEXT - used, "%%%s", name);
    else
      snprintf(text + used, ADDRESS_TEXT - used, "%%%u", a->sin6_scope_id);
  }
  return ntohs(a->sin6_port);
}

/* A row's port, scope and address words from a sockaddr; all zero for another family. */
static void address_to_words(const struct sockaddr_storage *from, uint32_t *port,
                             uint32_t *scope, uint32_t *words) {
  *port = *scope = 0;
  memset(words, 0, 16);
  if (from->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const void *)from;
    *port = ntohs(a->sin_port);
    memcpy(words, &a->sin_addr, 4);
  } else if (from->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const void *)from;
    *port = ntohs(a->sin6_port);
    *scope = a->sin6_scope_id;
    memcpy(words, &a->sin6_addr, 16);
  }
}

/* A sockaddr of the socket's family from a row's port, scope and address words; 0 if the
 * port is out of range. */
static int words_to_address(int family, uint32_t port, uint32_t scope, const uint32_t *words,
                            struct sockaddr_storage *out, socklen_t *len) {
  memset(out, 0, sizeof *out);
  if (port > MAX_PORT) return 0;
  if (family == AF_INET) {
    struct sockaddr_in *a = (void *)out;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    memcpy(&a->sin_addr, words, 4);
    *len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (void *)out;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    a->sin6_scope_id = scope;
    memcpy(&a->sin6_addr, words, 16);
    *len = sizeof *a;
  }
  return 1;
}

/* ---- the socket's life: close, finalize, callbacks into JavaScript ---- */

static void free_if_done(Sock *s) {
  if (!s->poll_closed || !s->finalized) return;
  free(s->rmsg);
  free(s->riov);
  free(s->raddr);
  free(s->smsg);
  free(s->siov);
  free(s->saddr);
  free(s);
}

static void on_poll_closed(uv_handle_t *handle) {
  Sock *s = handle->data;
  /* Closed only now that libuv no longer watches it: the number cannot be reused while a
   * poll on it is still registered. */
  if (s->fd >= 0) close(s->fd);
  s->fd = -1;
  s->poll_closed = 1;
  free_if_done(s);
}

static void release_js(Sock *s) {
  napi_env env = s->env;
  for (int i = 0; i < PINNED_BUFFERS; i++) {
    if (s->refs[i] != NULL) napi_delete_reference(env, s->refs[i]);
    s->refs[i] = NULL;
  }
  napi_ref *callbacks[] = {&s->on_batch, &s->on_writable, &s->on_error};
  for (int i = 0; i < 3; i++) {
    if (*callbacks[i] != NULL) napi_delete_reference(env, *callbacks[i]);
    *callbacks[i] = NULL;
  }
  if (s->async != NULL) napi_async_destroy(env, s->async);
  s->async = NULL;
}

/* Stops reading and writing at once; the fd itself is closed once libuv lets go of it. */
static void close_sock(Sock *s, int from_cleanup) {
  if (s->closed) return;
  s->closed = 1;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, on_poll_closed);
  if (!from_cleanup) release_js(s);
}

static void cleanup_hook(void *data) {
  Sock *s = data;
  close_sock(s, 1);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)hint;
  Sock *s = data;
  napi_remove_env_cleanup_hook(env, cleanup_hook, s);
  if (!s->closed) close_sock(s, 0);
  s->finalized = 1;
  free_if_done(s);
}

static void call_js(Sock *s, napi_ref ref, int argc, napi_value *argv) {
  napi_env env = s->env;
  napi_value fn, recv, ignored;
  if (ref == NULL || napi_get_reference_value(env, ref, &fn) != napi_ok || fn == NULL) return;
  napi_get_global(env, &recv);
  s->in_callback++;
  /* make_callback: microtasks and nextTicks run after it, as for node's own sockets. */
  napi_status status = napi_make_callback(env, s->async, recv, fn, (size_t)argc, argv, &ignored);
  s->in_callback--;
  bool pending = false;
  if (status != napi_ok) napi_is_exception_pending(env, &pending);
  if (pending) {
    /* No JavaScript below us to catch it: hand it to process 'uncaughtException', as an
     * exception thrown by a node:dgram 'message' listener would be. */
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
}

static void report_error(Sock *s, const char *syscall, int err) {
  napi_env env = s->env;
  napi_value args[3];
  napi_create_string_utf8(env, uv_err_name(-err), NAPI_AUTO_LENGTH, &args[0]);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &args[1]);
  napi_create_int32(env, err, &args[2]);
  call_js(s, s->on_error, 3, args);
}

/* ---- receiving ---- */

static void write_meta(Sock *s, uint32_t i, const struct mmsghdr *m) {
  uint32_t *row = s->meta + (size_t)i * META_WORDS;
  row[META_LENGTH] = m->msg_len;
  address_to_words(&s->raddr[i], &row[META_PORT], &row[META_SCOPE], &row[META_ADDRESS]);
}

static void read_batches(Sock *s) {
  for (int round = 0; round < RECV_ROUNDS && !s->closed; round++) {
    for (uint32_t i = 0; i < s->slots; i++) {
      s->rmsg[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
      s->rmsg[i].msg_hdr.msg_flags = 0;
      s->riov[i].iov_len = s->slot_bytes;
    }
    int n = recvmmsg(s->fd, s->rmsg, s->slots, MSG_DONTWAIT, NULL);
    if (n < 0) {
      int err = errno;
      if (err == EINTR) continue;
      if (err == EAGAIN || err == EWOULDBLOCK) return;
      report_error(s, "recvmmsg", err);
      return;
    }
    if (n == 0) return;
    for (int i = 0; i < n; i++) write_meta(s, (uint32_t)i, &s->rmsg[i]);
    napi_handle_scope scope;
    napi_open_handle_scope(s->env, &scope);
    napi_value count;
    napi_create_uint32(s->env, (uint32_t)n, &count);
    call_js(s, s->on_batch, 1, &count);
    napi_close_handle_scope(s->env, scope);
    if ((uint32_t)n < s->slots) return;
  }
}

static void on_poll(uv_poll_t *handle, int status, int events) {
  Sock *s = handle->data;
  if (s->closed) return;
  if (status < 0) {
    napi_handle_scope scope;
    napi_open_handle_scope(s->env, &scope);
    report_error(s, "poll", -status);
    napi_close_handle_scope(s->env, scope);
    return;
  }
  if ((events & UV_WRITABLE) && s->want_writable) {
    s->want_writable = 0;
    uv_poll_start(&s->poll, UV_READABLE, on_poll);
    napi_handle_scope scope;
    napi_open_handle_scope(s->env, &scope);
    call_js(s, s->on_writable, 0, NULL);
    napi_close_handle_scope(s->env, scope);
  }
  if ((events & UV_READABLE) && !s->closed) read_batches(s);
}

/* ---- arguments ---- */

static Sock *unwrap(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "udp_batch: not a socket handle");
    return NULL;
  }
  return data;
}

/* Which sockets an export accepts. OPEN_ONLY: a closed one throws, since a batch that
 * outlived its socket must not reach an fd number that may belong to another file now. */
enum { OPEN_OR_CLOSED, OPEN_ONLY };

/* Every export's prologue: reads `n` arguments into `argv` (missing ones are undefined) and
 * returns the socket the first names, or NULL with an exception pending. */
static Sock *socket_arguments(napi_env env, napi_callback_info info, size_t n, napi_value *argv,
                              int open_only) {
  size_t argc = n;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Sock *s = unwrap(env, argv[0]);
  if (s != NULL && open_only && s->closed) {
    napi_throw_error(env, "ERR_SOCKET_DGRAM_NOT_RUNNING", "udp_batch: socket is closed");
    return NULL;
  }
  return s;
}

/* Declares `argv` (n arguments) and `s` (the socket of the first), or returns. */
#define SOCKET_ARGUMENTS(n, which)                                                           \
  napi_value argv[n];                                                                        \
  Sock *s = socket_arguments(env, info, n, argv, which);                                     \
  if (s == NULL) return NULL

static int typed(napi_env env, napi_value value, napi_typedarray_type want, void **data,
                 size_t *length) {
  bool is;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_is_typedarray(env, value, &is) != napi_ok || !is) return 0;
  if (napi_get_typedarray_info(env, value, &type, length, data, &buffer, &offset) != napi_ok)
    return 0;
  return type == want;
}

/* Reads an address's text; 0 if it is not a string or too long to be an address. */
static int address_text(napi_env env, napi_value value, char text[ADDRESS_TEXT]) {
  size_t len = 0;
  return napi_get_value_string_utf8(env, value, text, ADDRESS_TEXT, &len) == napi_ok &&
         len < ADDRESS_TEXT - 1;
}

/* ---- open ---- */

typedef struct {
  napi_value value;
  void *data;
  size_t length; /* elements */
} View;

/* open()'s one argument, an object: see the comment above Open. */
typedef struct {
  int family;
  char host[ADDRESS_TEXT];
  int32_t port;
  View buffers[PINNED_BUFFERS]; /* in the order of OPEN_BUFFERS */
  napi_value on_batch, on_writable, on_error;
} OpenOptions;

/* The buffers by option name and element type; BUFFER_* index them. */
enum { BUFFER_RECV, BUFFER_META, BUFFER_ARENA, BUFFER_PLAN, BUFFER_RESULT, BUFFER_SCRATCH };
static const struct {
  const char *name;
  napi_typedarray_type type;
} OPEN_BUFFERS[PINNED_BUFFERS] = {
    {"recv", napi_uint8_array},   {"meta", napi_uint32_array},  {"arena", napi_uint8_array},
    {"plan", napi_uint32_array},  {"result", napi_int32_array}, {"scratch", napi_uint32_array},
};

static int invalid_option(napi_env env, const char *name) {
  char message[96];
  snprintf(message, sizeof message, "udp_batch.open: bad option %s", name);
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
  return 0;
}

/* Reads open()'s options; on a missing or mistyped one, throws and returns 0. */
static int read_open_options(napi_env env, napi_value object, OpenOptions *o) {
  napi_value v;
  int32_t family = 0;
  if (napi_get_named_property(env, object, "family", &v) != napi_ok ||
      napi_get_value_int32(env, v, &family) != napi_ok || (family != 4 && family != 6))
    return invalid_option(env, "family");
  o->family = family == 6 ? AF_INET6 : AF_INET;
  if (napi_get_named_property(env, object, "port", &v) != napi_ok ||
      napi_get_value_int32(env, v, &o->port) != napi_ok || o->port < 0 || o->port > MAX_PORT)
    return invalid_option(env, "port");
  if (napi_get_named_property(env, object, "host", &v) != napi_ok ||
      !address_text(env, v, o->host))
    return invalid_option(env, "host");
  for (int i = 0; i < PINNED_BUFFERS; i++) {
    View *view = &o->buffers[i];
    if (napi_get_named_property(env, object, OPEN_BUFFERS[i].name, &view->value) != napi_ok ||
        !typed(env, view->value, OPEN_BUFFERS[i].type, &view->data, &view->length))
      return invalid_option(env, OPEN_BUFFERS[i].name);
  }
  const char *names[3] = {"onBatch", "onWritable", "onError"};
  napi_value *callbacks[3] = {&o->on_batch, &o->on_writable, &o->on_error};
  for (int i = 0; i < 3; i++) {
    napi_valuetype type;
    if (napi_get_named_property(env, object, names[i], callbacks[i]) != napi_ok ||
        napi_typeof(env, *callbacks[i], &type) != napi_ok || type != napi_function)
      return invalid_option(env, names[i]);
  }
  return 1;
}

/* Slots and plan rows the buffers hold; 0 (and a RangeError thrown) if they disagree. */
static int buffer_rows(napi_env env, const OpenOptions *o, uint32_t *slots, uint32_t *rows) {
  const View *b = o->buffers;
  *slots = (uint32_t)(b[BUFFER_META].length / META_WORDS);
  *rows = (uint32_t)(b[BUFFER_PLAN].length / PLAN_WORDS);
  size_t recv_bytes = b[BUFFER_RECV].length;
  if (*slots == 0 || recv_bytes % *slots != 0 || recv_bytes / *slots < MIN_SLOT_BYTES ||
      *rows == 0 || b[BUFFER_RESULT].length < RESULT_FAILED + FAILED_WORDS * (size_t)*rows ||
      b[BUFFER_SCRATCH].length < SCRATCH_WORDS) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "udp_batch.open: inconsistent sizes");
    return 0;
  }
  return 1;
}

/* A bound, non-blocking datagram socket; -errno on failure (*syscall says where). */
static int bind_socket(OpenOptions *o, const char **syscall) {
  struct sockaddr_storage addr;
  socklen_t len;
  *syscall = "bind";
  if (!parse_address(o->family, o->host, (uint16_t)o->port, &addr, &len)) return -EINVAL;
  *syscall = "socket";
  int fd = socket(o->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (o->family == AF_INET6) {
    int off = 0; /* dual-stack, as node:dgram's udp6 */
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  }
  *syscall = "bind";
  if (bind(fd, (struct sockaddr *)&addr, len) != 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

/* The socket's state around `fd`, its message vectors pointing into the buffers; NULL when
 * out of memory (nothing is left allocated then; the fd stays the caller's). */
static Sock *new_sock(napi_env env, int fd, const OpenOptions *o, uint32_t slots,
                      uint32_t rows) {
  const View *b = o->buffers;
  Sock *s = calloc(1, sizeof *s);
  if (s == NULL) return NULL;
  *s = (Sock){
      .env = env,
      .fd = fd,
      .family = o->family,
      .recv = b[BUFFER_RECV].data,
      .slots = slots,
      .slot_bytes = b[BUFFER_RECV].length / slots,
      .meta = b[BUFFER_META].data,
      .arena = b[BUFFER_ARENA].data,
      .arena_bytes = b[BUFFER_ARENA].length,
      .plan = b[BUFFER_PLAN].data,
      .plan_rows = rows,
      .result = b[BUFFER_RESULT].data,
      .scratch = b[BUFFER_SCRATCH].data,
      .rmsg = calloc(slots, sizeof(struct mmsghdr)),
      .riov = calloc(slots, sizeof(struct iovec)),
      .raddr = calloc(slots, sizeof(struct sockaddr_storage)),
      .smsg = calloc(rows, sizeof(struct mmsghdr)),
      .siov = calloc(rows, sizeof(struct iovec)),
      .saddr = calloc(rows, sizeof(struct sockaddr_storage)),
  };
  if (!s->rmsg || !s->riov || !s->raddr || !s->smsg || !s->siov || !s->saddr) {
    s->poll_closed = s->finalized = 1;
    free_if_done(s);
    return NULL;
  }
  for (uint32_t i = 0; i < slots; i++) {
    s->riov[i].iov_base = s->recv + (size_t)i * s->slot_bytes;
    s->riov[i].iov_len = s->slot_bytes;
    s->rmsg[i].msg_hdr.msg_iov = &s->riov[i];
    s->rmsg[i].msg_hdr.msg_iovlen = 1;
    s->rmsg[i].msg_hdr.msg_name = &s->raddr[i];
  }
  for (uint32_t i = 0; i < rows; i++) {
    s->smsg[i].msg_hdr.msg_iov = &s->siov[i];
    s->smsg[i].msg_hdr.msg_iovlen = 1;
    s->smsg[i].msg_hdr.msg_name = &s->saddr[i];
  }
  return s;
}

/* Pins every buffer and callback for as long as the socket is open. */
static void pin_js(napi_env env, Sock *s, const OpenOptions *o) {
  for (int i = 0; i < PINNED_BUFFERS; i++)
    napi_create_reference(env, o->buffers[i].value, 1, &s->refs[i]);
  napi_create_reference(env, o->on_batch, 1, &s->on_batch);
  napi_create_reference(env, o->on_writable, 1, &s->on_writable);
  napi_create_reference(env, o->on_error, 1, &s->on_error);
  napi_value resource_name;
  napi_create_string_utf8(env, "UDP_BATCH", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &s->async);
}

/*
 * open({family: 4 | 6, host, port, recv, meta, arena, plan, result, scratch, onBatch,
 *       onWritable, onError}) -> handle
 * recv holds the receive slots (one per meta row, each at least MIN_SLOT_BYTES); plan rows
 * name bytes of arena; result has room for a failure per plan row.
 */
static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value object;
  CHECK(napi_get_cb_info(env, info, &argc, &object, NULL, NULL));
  OpenOptions o;
  uint32_t slots, rows;
  if (!read_open_options(env, object, &o) || !buffer_rows(env, &o, &slots, &rows))
    return NULL;
  const char *syscall;
  int fd = bind_socket(&o, &syscall);
  if (fd < 0) return throw_errno(env, syscall, -fd);
  Sock *s = new_sock(env, fd, &o, slots, rows);
  if (s == NULL) {
    close(fd);
    return throw_errno(env, "open", ENOMEM);
  }
  pin_js(env, s, &o);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  int rc = uv_poll_init(loop, &s->poll, fd);
  if (rc == 0) rc = uv_poll_start(&s->poll, UV_READABLE, on_poll);
  s->poll.data = s;
  if (rc != 0) {
    release_js(s);
    close(fd);
    s->fd = -1;
    s->closed = 1;
    s->poll_closed = s->finalized = 1;
    free_if_done(s);
    return throw_errno(env, "uv_poll", -rc);
  }
  napi_add_env_cleanup_hook(env, cleanup_hook, s);
  napi_value handle;
  CHECK(napi_create_external(env, s, finalize, NULL, &handle));
  return handle;
}

/* ---- the other exports ---- */

/* localAddress(handle) -> [address, port] */
static napi_value LocalAddress(napi_env env, napi_callback_info info) {
  SOCKET_ARGUMENTS(1, OPEN_ONLY);
  struct sockaddr_storage addr;
  socklen_t len = sizeof addr;
  if (getsockname(s->fd, (struct sockaddr *)&addr, &len) != 0)
    return throw_errno(env, "getsockname", errno);
  char text[ADDRESS_TEXT];
  uint16_t port = format_address(&addr, text);
  napi_value out, address, port_value;
  CHECK(napi_create_array_with_length(env, 2, &out));
  CHECK(napi_create_string_latin1(env, text, NAPI_AUTO_LENGTH, &address));
  CHECK(napi_create_uint32(env, port, &port_value));
  CHECK(napi_set_element(env, out, 0, address));
  CHECK(napi_set_element(env, out, 1, port_value));
  return out;
}

/* formatAddress(handle, slot) -> the source address of received datagram `slot`. */
static napi_value FormatAddress(napi_env env, napi_callback_info info) {
  SOCKET_ARGUMENTS(2, OPEN_ONLY);
  uint32_t slot;
  CHECK(napi_get_value_uint32(env, argv[1], &slot));
  if (slot >= s->slots) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "udp_batch: no such slot");
    return NULL;
  }
  char text[ADDRESS_TEXT];
  format_address(&s->raddr[slot], text);
  napi_value out;
  CHECK(napi_create_string_latin1(env, text, NAPI_AUTO_LENGTH, &out));
  return out;
}

/* parseAddress(handle, address) -> true and the scratch row filled; false if the text is
 * not an address of the socket's family. */
static napi_value ParseAddress(napi_env env, napi_callback_info info) {
  SOCKET_ARGUMENTS(2, OPEN_ONLY);
  char text[ADDRESS_TEXT];
  struct sockaddr_storage addr;
  socklen_t len;
  int ok = address_text(env, argv[1], text) && parse_address(s->family, text, 0, &addr, &len);
  uint32_t port;
  if (ok) address_to_words(&addr, &port, &s->scratch[SCRATCH_SCOPE], &s->scratch[SCRATCH_ADDRESS]);
  napi_value out;
  CHECK(napi_get_boolean(env, ok, &out));
  return out;
}

/* Points message `i` at its plan row's bytes and destination; a row naming bytes outside
 * the arena or a port out of range gets no name (msg_namelen 0): it fails alone. */
static void prepare_row(Sock *s, uint32_t i) {
  const uint32_t *row = s->plan + (size_t)i * PLAN_WORDS;
  uint64_t end = (uint64_t)row[PLAN_OFFSET] + row[PLAN_LENGTH];
  socklen_t len = 0;
  if (end > s->arena_bytes || !words_to_address(s->family, row[PLAN_PORT], row[PLAN_SCOPE],
                                                &row[PLAN_ADDRESS], &s->saddr[i], &len)) {
    s->smsg[i].msg_hdr.msg_namelen = 0;
    s->siov[i].iov_base = NULL;
    s->siov[i].iov_len = 0;
    return;
  }
  s->siov[i].iov_base = s->arena + row[PLAN_OFFSET];
  s->siov[i].iov_len = row[PLAN_LENGTH];
  s->smsg[i].msg_hdr.msg_namelen = len;
}

static void record_failure(Sock *s, uint32_t row, int err) {
  int32_t *pair = s->result + RESULT_FAILED + (size_t)s->result[RESULT_FAILURES] * FAILED_WORDS;
  pair[FAILED_ROW] = (int32_t)row;
  pair[FAILED_ERRNO] = err;
  s->result[RESULT_FAILURES]++;
}

/*
 * send(handle, rows) -> rows consumed (sent or failed). Hands plan rows 0..rows-1 to
 * sendmmsg(2), which stops at the first datagram that fails: that one is recorded in
 * `result` (row, errno), skipped, and sending goes on with the next. EAGAIN, EWOULDBLOCK
 * and ENOBUFS stop the batch instead (RESULT_BLOCKED_ERRNO): the kernel has no room now,
 * the caller keeps the rest queued and asks for writability.
 */
static napi_value Send(napi_env env, napi_callback_info info) {
  SOCKET_ARGUMENTS(2, OPEN_ONLY);
  uint32_t rows;
  CHECK(napi_get_value_uint32(env, argv[1], &rows));
  if (rows > s->plan_rows) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "udp_batch.send: more rows than the plan");
    return NULL;
  }
  s->result[RESULT_FAILURES] = 0;
  s->result[RESULT_BLOCKED_ERRNO] = 0;
  for (uint32_t i = 0; i < rows; i++) prepare_row(s, i);
  /* While the socket is in an epoll set, each datagram the kernel frees after delivering
   * it (sock_wfree) takes the socket's wait-queue lock to offer epoll an EPOLLOUT nobody
   * asked for: about 4 % of a fan-out's CPU under perf, where the C server, which waits in
   * ppoll(2), pays nothing. A large batch leaves the set while it runs (one epoll_ctl now,
   * one when libuv next polls; readiness is re-checked then, so no datagram goes unseen);
   * a small one stays, where the two syscalls would cost more than they save. */
  int quiet = rows >= QUIET_SEND_ROWS && !s->want_writable;
  if (quiet) uv_poll_stop(&s->poll);
  uint32_t done = 0;
  while (done < rows) {
    if (s->smsg[done].msg_hdr.msg_namelen == 0) {
      record_failure(s, done++, EINVAL);
      continue;
    }
    uint32_t run = done;
    while (run < rows && s->smsg[run].msg_hdr.msg_namelen != 0) run++;
    int sent = sendmmsg(s->fd, s->smsg + done, run - done, 0);
    if (sent > 0) {
      done += (uint32_t)sent;
      continue;
    }
    int err = sent == 0 ? EAGAIN : errno;
    if (err == EINTR) continue;
    if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS) {
      s->result[RESULT_BLOCKED_ERRNO] = err;
      break;
    }
    /* The datagram at `done` failed on its own (EMSGSIZE, EINVAL, EACCES, ...). */
    record_failure(s, done++, err);
  }
  if (quiet) uv_poll_start(&s->poll, UV_READABLE, on_poll);
  napi_value out;
  CHECK(napi_create_uint32(env, done, &out));
  return out;
}

/* awaitWritable(handle): onWritable() is called once the socket can take datagrams again. */
static napi_value AwaitWritable(napi_env env, napi_callback_info info) {
  SOCKET_ARGUMENTS(1, OPEN_ONLY);
  if (!s->want_writable) {
    s->want_writable = 1;
    int rc = uv_poll_start(&s->poll, UV_READABLE | UV_WRITABLE, on_poll);
    if (rc != 0) return throw_errno(env, "uv_poll_start", -rc);
  }
  return NULL;
}

/* setBufferSizes(handle, receive, send): SO_RCVBUF / SO_SNDBUF (0 leaves one alone). */
static napi_value SetBufferSizes(napi_env env, napi_callback_info info) {
  SOCKET_ARGUMENTS(3, OPEN_ONLY);
  int32_t sizes[2];
  CHECK(napi_get_value_int32(env, argv[1], &sizes[0]));
  CHECK(napi_get_value_int32(env, argv[2], &sizes[1]));
  int options[2] = {SO_RCVBUF, SO_SNDBUF};
  for (int i = 0; i < 2; i++) {
    if (sizes[i] <= 0) continue;
    if (setsockopt(s->fd, SOL_SOCKET, options[i], &sizes[i], sizeof sizes[i]) != 0)
      return throw_errno(env, "setsockopt", errno);
  }
  return NULL;
}

/* close(handle): stops at once; later calls with this handle throw, never touch the fd. */
static napi_value Close(napi_env env, napi_callback_info info) {
  SOCKET_ARGUMENTS(1, OPEN_OR_CLOSED);
  close_sock(s, 0);
  return NULL;
}

/* fd(handle) -> the descriptor number while open, -1 after close (tests of fd reuse). */
static napi_value Fd(napi_env env, napi_callback_info info) {
  SOCKET_ARGUMENTS(1, OPEN_OR_CLOSED);
  napi_value out;
  CHECK(napi_create_int32(env, s->closed ? -1 : s->fd, &out));
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, Open, NULL, NULL, NULL, napi_default, NULL},
      {"localAddress", NULL, LocalAddress, NULL, NULL, NULL, napi_default, NULL},
      {"formatAddress", NULL, FormatAddress, NULL, NULL, NULL, napi_default, NULL},
      {"parseAddress", NULL, ParseAddress, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, Send, NULL, NULL, NULL, napi_default, NULL},
      {"awaitWritable", NULL, AwaitWritable, NULL, NULL, NULL, napi_default, NULL},
      {"setBufferSizes", NULL, SetBufferSizes, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, Close, NULL, NULL, NULL, napi_default, NULL},
      {"fd", NULL, Fd, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value layout, value;
  CHECK(napi_create_object(env, &layout));
#define EXPORT_LAYOUT(name)                                                                  \
  CHECK(napi_create_uint32(env, name, &value));                                              \
  CHECK(napi_set_named_property(env, layout, #name, value));
  LAYOUT(EXPORT_LAYOUT)
#undef EXPORT_LAYOUT
  CHECK(napi_object_freeze(env, layout));
  CHECK(napi_set_named_property(env, exports, "layout", layout));
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
