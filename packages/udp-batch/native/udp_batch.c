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

/* Row layouts, in 32-bit words; udp-batch.ts mirrors them. */
#define META_WORDS 8 /* length, port, scope, a0, a1, a2, a3, flags */
#define PLAN_WORDS 8 /* offset, length, port, scope, a0, a1, a2, a3 */
#define META_TRUNCATED 1u
/* recvmmsg(2) calls per wake-up before the loop gets back to timers and other sockets. */
#define RECV_ROUNDS 16
/* A send of at least this many rows takes the socket out of the epoll set while it runs. */
#define QUIET_SEND_ROWS 256

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
  int32_t *result; /* [failures, blocked errno, (row, errno)...] */
  uint32_t result_words;
  uint32_t *scratch; /* parseAddress() output: port, scope, a0..a3 */
  struct mmsghdr *smsg;
  struct iovec *siov;
  struct sockaddr_storage *saddr;
  /* JavaScript: buffers pinned while open, callbacks */
  napi_ref refs[6];
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
  for (int i = 0; i < 6; i++) {
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

static void write_meta(Sock *s, uint32_t i, const struct mmsghdr *m) {
  uint32_t *row = s->meta + (size_t)i * META_WORDS;
  const struct sockaddr_storage *from = &s->raddr[i];
  memset(row, 0, META_WORDS * sizeof *row);
  row[0] = m->msg_len;
  if (from->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const void *)from;
    row[1] = ntohs(a->sin_port);
    memcpy(&row[3], &a->sin_addr, 4);
  } else if (from->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const void *)from;
    row[1] = ntohs(a->sin6_port);
    row[2] = a->sin6_scope_id;
    memcpy(&row[3], &a->sin6_addr, 16);
  }
  if (m->msg_hdr.msg_flags & MSG_TRUNC) row[7] |= META_TRUNCATED;
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

static Sock *unwrap(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "udp_batch: not a socket handle");
    return NULL;
  }
  return data;
}

static Sock *open_sock(napi_env env, napi_value handle) {
  Sock *s = unwrap(env, handle);
  if (s == NULL) return NULL;
  if (s->closed) {
    /* A batch that outlived its socket: the fd number may belong to another file now. */
    napi_throw_error(env, "ERR_SOCKET_DGRAM_NOT_RUNNING", "udp_batch: socket is closed");
    return NULL;
  }
  return s;
}

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

/* Fills a sockaddr for the socket's family from port, scope and four address words. */
static int fill_addr(const Sock *s, const uint32_t *w, struct sockaddr_storage *out,
                     socklen_t *len) {
  memset(out, 0, sizeof *out);
  if (w[0] > 65535) return 0;
  if (s->family == AF_INET) {
    struct sockaddr_in *a = (void *)out;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)w[0]);
    memcpy(&a->sin_addr, &w[2], 4);
    *len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (void *)out;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)w[0]);
    a->sin6_scope_id = w[1];
    memcpy(&a->sin6_addr, &w[2], 16);
    *len = sizeof *a;
  }
  return 1;
}

/*
 * open(family, host, port, recv, meta, arena, plan, result, scratch, onBatch, onWritable,
 *      onError) -> handle
 */
static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 12) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "udp_batch.open: 12 arguments");
    return NULL;
  }
  int32_t family_number = 0, port = 0;
  char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  size_t host_len = 0;
  CHECK(napi_get_value_int32(env, argv[0], &family_number));
  CHECK(napi_get_value_string_utf8(env, argv[1], host, sizeof host, &host_len));
  CHECK(napi_get_value_int32(env, argv[2], &port));
  void *recv, *meta, *arena, *plan, *result, *scratch;
  size_t recv_len, meta_len, arena_len, plan_len, result_len, scratch_len;
  if (!typed(env, argv[3], napi_uint8_array, &recv, &recv_len) ||
      !typed(env, argv[4], napi_uint32_array, &meta, &meta_len) ||
      !typed(env, argv[5], napi_uint8_array, &arena, &arena_len) ||
      !typed(env, argv[6], napi_uint32_array, &plan, &plan_len) ||
      !typed(env, argv[7], napi_int32_array, &result, &result_len) ||
      !typed(env, argv[8], napi_uint32_array, &scratch, &scratch_len)) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "udp_batch.open: bad buffer argument");
    return NULL;
  }
  uint32_t slots = (uint32_t)(meta_len / META_WORDS);
  uint32_t rows = (uint32_t)(plan_len / PLAN_WORDS);
  if (slots == 0 || recv_len % slots != 0 || recv_len / slots < 1 || rows == 0 ||
      result_len < 2 + 2 * (size_t)rows || scratch_len < 8 || port < 0 || port > 65535 ||
      (family_number != 4 && family_number != 6)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "udp_batch.open: inconsistent sizes");
    return NULL;
  }
  int family = family_number == 6 ? AF_INET6 : AF_INET;
  struct sockaddr_storage bind_addr;
  socklen_t bind_len;
  memset(&bind_addr, 0, sizeof bind_addr);
  if (family == AF_INET) {
    struct sockaddr_in *a = (void *)&bind_addr;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) return throw_errno(env, "bind", EINVAL);
    bind_len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (void *)&bind_addr;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    char *percent = strchr(host, '%');
    if (percent != NULL) {
      *percent = '\0';
      a->sin6_scope_id = if_nametoindex(percent + 1);
      if (a->sin6_scope_id == 0) a->sin6_scope_id = (uint32_t)strtoul(percent + 1, NULL, 10);
    }
    if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) return throw_errno(env, "bind", EINVAL);
    bind_len = sizeof *a;
  }

  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  if (family == AF_INET6) {
    int off = 0; /* dual-stack, as node:dgram's udp6 */
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  }
  if (bind(fd, (struct sockaddr *)&bind_addr, bind_len) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind", err);
  }

  Sock *s = calloc(1, sizeof *s);
  if (s == NULL) {
    close(fd);
    return throw_errno(env, "open", ENOMEM);
  }
  s->env = env;
  s->fd = fd;
  s->family = family;
  s->recv = recv;
  s->slots = slots;
  s->slot_bytes = recv_len / slots;
  s->meta = meta;
  s->arena = arena;
  s->arena_bytes = arena_len;
  s->plan = plan;
  s->plan_rows = rows;
  s->result = result;
  s->result_words = (uint32_t)result_len;
  s->scratch = scratch;
  s->rmsg = calloc(slots, sizeof *s->rmsg);
  s->riov = calloc(slots, sizeof *s->riov);
  s->raddr = calloc(slots, sizeof *s->raddr);
  s->smsg = calloc(rows, sizeof *s->smsg);
  s->siov = calloc(rows, sizeof *s->siov);
  s->saddr = calloc(rows, sizeof *s->saddr);
  if (!s->rmsg || !s->riov || !s->raddr || !s->smsg || !s->siov || !s->saddr) {
    close(fd);
    s->poll_closed = s->finalized = 1;
    free_if_done(s);
    return throw_errno(env, "open", ENOMEM);
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
  /* Pin every buffer and callback for as long as the socket is open. */
  for (int i = 0; i < 6; i++) napi_create_reference(env, argv[3 + i], 1, &s->refs[i]);
  napi_create_reference(env, argv[9], 1, &s->on_batch);
  napi_create_reference(env, argv[10], 1, &s->on_writable);
  napi_create_reference(env, argv[11], 1, &s->on_error);
  napi_value resource_name;
  napi_create_string_utf8(env, "UDP_BATCH", NAPI_AUTO_LENGTH, &resource_name);
  napi_async_init(env, NULL, resource_name, &s->async);

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

/* localAddress(handle) -> [address, port] */
static napi_value LocalAddress(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Sock *s = open_sock(env, argv[0]);
  if (s == NULL) return NULL;
  struct sockaddr_storage addr;
  socklen_t len = sizeof addr;
  if (getsockname(s->fd, (struct sockaddr *)&addr, &len) != 0)
    return throw_errno(env, "getsockname", errno);
  char text[INET6_ADDRSTRLEN];
  uint16_t port;
  if (addr.ss_family == AF_INET) {
    struct sockaddr_in *a = (void *)&addr;
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    port = ntohs(a->sin_port);
  } else {
    struct sockaddr_in6 *a = (void *)&addr;
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    port = ntohs(a->sin6_port);
  }
  napi_value out, address, port_value;
  CHECK(napi_create_array_with_length(env, 2, &out));
  CHECK(napi_create_string_latin1(env, text, NAPI_AUTO_LENGTH, &address));
  CHECK(napi_create_uint32(env, port, &port_value));
  CHECK(napi_set_element(env, out, 0, address));
  CHECK(napi_set_element(env, out, 1, port_value));
  return out;
}

/* formatAddress(handle, slot) -> the source address of received datagram `slot`, as
 * node:dgram writes it ("1.2.3.4", "::ffff:1.2.3.4", "fe80::1%eth0"). */
static napi_value FormatAddress(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Sock *s = open_sock(env, argv[0]);
  if (s == NULL) return NULL;
  uint32_t slot;
  CHECK(napi_get_value_uint32(env, argv[1], &slot));
  if (slot >= s->slots) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "udp_batch: no such slot");
    return NULL;
  }
  const struct sockaddr_storage *from = &s->raddr[slot];
  char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 2] = "";
  if (from->ss_family == AF_INET) {
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)from)->sin_addr, text,
              sizeof text);
  } else if (from->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const void *)from;
    inet_ntop(AF_INET6, &a->sin6_addr, text, INET6_ADDRSTRLEN);
    if (a->sin6_scope_id != 0) {
      char name[IF_NAMESIZE];
      size_t used = strlen(text);
      if (if_indextoname(a->sin6_scope_id, name) != NULL)
        snprintf(text + used, sizeof text - used, "%%%s", name);
      else
        snprintf(text + used, sizeof text - used, "%%%u", a->sin6_scope_id);
    }
  }
  napi_value out;
  CHECK(napi_create_string_latin1(env, text, NAPI_AUTO_LENGTH, &out));
  return out;
}

/* parseAddress(handle, address) -> true and scratch[1..5] = scope, a0..a3; false if the
 * text is not an address of the socket's family (an IPv4 literal on an IPv6 socket is
 * mapped, as node:dgram does). */
static napi_value ParseAddress(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Sock *s = open_sock(env, argv[0]);
  if (s == NULL) return NULL;
  char text[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  size_t len = 0;
  napi_value out;
  if (napi_get_value_string_utf8(env, argv[1], text, sizeof text, &len) != napi_ok ||
      len >= sizeof text - 1) {
    CHECK(napi_get_boolean(env, false, &out));
    return out;
  }
  uint32_t words[5] = {0};
  int ok = 0;
  if (s->family == AF_INET) {
    ok = inet_pton(AF_INET, text, &words[1]) == 1;
  } else {
    char *percent = strchr(text, '%');
    if (percent != NULL) {
      *percent = '\0';
      words[0] = if_nametoindex(percent + 1);
      if (words[0] == 0) words[0] = (uint32_t)strtoul(percent + 1, NULL, 10);
    }
    ok = inet_pton(AF_INET6, text, &words[1]) == 1;
    if (!ok) {
      struct in_addr v4;
      if (inet_pton(AF_INET, text, &v4) == 1) {
        uint8_t *bytes = (uint8_t *)&words[1];
        memset(bytes, 0, 10);
        bytes[10] = bytes[11] = 0xff;
        memcpy(bytes + 12, &v4, 4);
        ok = 1;
      }
    }
  }
  if (ok) memcpy(&s->scratch[1], words, sizeof words);
  CHECK(napi_get_boolean(env, ok, &out));
  return out;
}

/*
 * send(handle, rows) -> rows consumed (sent or failed). Hands plan rows 0..rows-1 to
 * sendmmsg(2), which stops at the first datagram that fails: that one is recorded in
 * `result` (row, errno), skipped, and sending goes on with the next. EAGAIN, EWOULDBLOCK
 * and ENOBUFS stop the batch instead (result[1] = errno): the kernel has no room now, the
 * caller keeps the rest queued and asks for writability.
 */
static napi_value Send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Sock *s = open_sock(env, argv[0]);
  if (s == NULL) return NULL;
  uint32_t rows;
  CHECK(napi_get_value_uint32(env, argv[1], &rows));
  if (rows > s->plan_rows) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "udp_batch.send: more rows than the plan");
    return NULL;
  }
  uint32_t failures = 0;
  int32_t *failed = s->result + 2;
  s->result[0] = 0;
  s->result[1] = 0;
  /* Rows that name bytes outside the arena or a bad port fail alone, before any syscall. */
  uint32_t bad_from = rows;
  for (uint32_t i = 0; i < rows; i++) {
    const uint32_t *row = s->plan + (size_t)i * PLAN_WORDS;
    uint64_t end = (uint64_t)row[0] + row[1];
    socklen_t len = 0;
    if (end > s->arena_bytes || !fill_addr(s, &row[2], &s->saddr[i], &len)) {
      if (bad_from == rows) bad_from = i;
      s->smsg[i].msg_hdr.msg_namelen = 0;
      s->siov[i].iov_base = NULL;
      s->siov[i].iov_len = 0;
      continue;
    }
    s->siov[i].iov_base = s->arena + row[0];
    s->siov[i].iov_len = row[1];
    s->smsg[i].msg_hdr.msg_namelen = len;
  }
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
      failed[2 * failures] = (int32_t)done;
      failed[2 * failures + 1] = EINVAL;
      failures++;
      done++;
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
      s->result[1] = err;
      break;
    }
    /* The datagram at `done` failed on its own (EMSGSIZE, EINVAL, EACCES, ...). */
    failed[2 * failures] = (int32_t)done;
    failed[2 * failures + 1] = err;
    failures++;
    done++;
  }
  if (quiet) uv_poll_start(&s->poll, UV_READABLE, on_poll);
  (void)bad_from;
  s->result[0] = (int32_t)failures;
  napi_value out;
  CHECK(napi_create_uint32(env, done, &out));
  return out;
}

/* awaitWritable(handle): onWritable() is called once the socket can take datagrams again. */
static napi_value AwaitWritable(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Sock *s = open_sock(env, argv[0]);
  if (s == NULL) return NULL;
  if (!s->want_writable) {
    s->want_writable = 1;
    int rc = uv_poll_start(&s->poll, UV_READABLE | UV_WRITABLE, on_poll);
    if (rc != 0) return throw_errno(env, "uv_poll_start", -rc);
  }
  return NULL;
}

/* setBufferSizes(handle, receive, send): SO_RCVBUF / SO_SNDBUF (0 leaves one alone). */
static napi_value SetBufferSizes(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Sock *s = open_sock(env, argv[0]);
  if (s == NULL) return NULL;
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
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Sock *s = unwrap(env, argv[0]);
  if (s == NULL) return NULL;
  close_sock(s, 0);
  return NULL;
}

/* fd(handle) -> the descriptor number while open, -1 after close (tests of fd reuse). */
static napi_value Fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  Sock *s = unwrap(env, argv[0]);
  if (s == NULL) return NULL;
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
  napi_value consts;
  napi_create_object(env, &consts);
  napi_value v;
  napi_create_uint32(env, META_WORDS, &v);
  napi_set_named_property(env, consts, "META_WORDS", v);
  napi_create_uint32(env, PLAN_WORDS, &v);
  napi_set_named_property(env, consts, "PLAN_WORDS", v);
  napi_set_named_property(env, exports, "layout", consts);
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
