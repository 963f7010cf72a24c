/* rabbitmq-c as a Swift module. Only BatonAMQP imports it; no C type leaves that module. */
#ifndef BATON_CRABBITMQ_SHIM_H
#define BATON_CRABBITMQ_SHIM_H

#include <poll.h>
#include <sys/time.h>
#include <unistd.h>

#if __has_include(<rabbitmq-c/amqp.h>)   /* rabbitmq-c >= 0.12 */
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/framing.h>
#include <rabbitmq-c/tcp_socket.h>
#include <rabbitmq-c/ssl_socket.h>
#else                                     /* 0.11 (Debian 12): flat headers */
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#endif

/* amqp_login is C-variadic, which Swift cannot call: a fixed-arity wrapper for SASL PLAIN. */
static inline amqp_rpc_reply_t baton_amqp_login_plain(amqp_connection_state_t state,
    const char *vhost, int channel_max, int frame_max, int heartbeat,
    const char *user, const char *password) {
  return amqp_login(state, vhost, channel_max, frame_max, heartbeat,
                    AMQP_SASL_METHOD_PLAIN, user, password);
}

/* The same with client properties (for example connection_name), merged with rabbitmq-c's defaults. */
static inline amqp_rpc_reply_t baton_amqp_login_plain_with_properties(amqp_connection_state_t state,
    const char *vhost, int channel_max, int frame_max, int heartbeat, const amqp_table_t *properties,
    const char *user, const char *password) {
  return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat, properties,
                                    AMQP_SASL_METHOD_PLAIN, user, password);
}

/* Waits until `fd` or `wake_fd` is readable, or `timeout_ms` passes. Returns a bit set:
   1 = fd readable (or in error), 2 = wake_fd readable; 0 on timeout; -1 on poll failure. */
static inline int baton_amqp_wait_readable(int fd, int wake_fd, int timeout_ms) {
  struct pollfd fds[2];
  int n = 0;
  int wake_index = -1, fd_index = -1;
  if (fd >= 0) { fds[n].fd = fd; fds[n].events = POLLIN; fds[n].revents = 0; fd_index = n++; }
  if (wake_fd >= 0) { fds[n].fd = wake_fd; fds[n].events = POLLIN; fds[n].revents = 0; wake_index = n++; }
  int rc = poll(fds, (nfds_t)n, timeout_ms);
  if (rc < 0) return -1;
  int result = 0;
  if (fd_index >= 0 && fds[fd_index].revents != 0) result |= 1;
  if (wake_index >= 0 && fds[wake_index].revents != 0) result |= 2;
  return result;
}

#endif
