/*
 * The end-to-end benchmark's client: starts executions by message on baton.start and waits for their results,
 * written in C on rabbitmq-c like the baseline (rpcbench), so that the ratio compares Baton with the broker's
 * own request/reply and not two client libraries.
 *
 *   e2e-client run   STATE_MACHINE IN_FLIGHT SECONDS TASKS_PER_EXECUTION
 *   e2e-client start STATE_MACHINE COUNT
 *
 * run:   keeps IN_FLIGHT executions going for SECONDS (persistent start messages, publisher confirms, results on
 *        a private queue by reply_to/correlation_id) and prints executions/s, task round trips/s and the latency
 *        from publishing a start to receiving its result.
 * start: publishes COUNT start messages, waits for their confirms, and exits.
 * Environment: AMQP_HOST (127.0.0.1), AMQP_PORT (5672), AMQP_USER/AMQP_PASSWORD (guest), BATON_PREFIX (baton).
 */
#define _GNU_SOURCE
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define CHANNEL 1

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static const char *env_or(const char *name, const char *fallback) {
  const char *v = getenv(name);
  return v && *v ? v : fallback;
}

static void __attribute__((noreturn)) fail(const char *what, const char *detail) {
  fprintf(stderr, "e2e-client: %s: %s\n", what, detail);
  exit(1);
}

static void check_status(int status, const char *what) {
  if (status < 0) fail(what, amqp_error_string2(status));
}

static void check_reply(amqp_rpc_reply_t r, const char *what) {
  if (r.reply_type == AMQP_RESPONSE_NORMAL) return;
  if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION) fail(what, amqp_error_string2(r.library_error));
  fail(what, "the broker closed the channel or connection");
}

static amqp_connection_state_t open_connection(void) {
  amqp_connection_state_t c = amqp_new_connection();
  amqp_socket_t *socket = amqp_tcp_socket_new(c);
  if (!socket) fail("socket", "cannot create");
  check_status(amqp_socket_open(socket, env_or("AMQP_HOST", "127.0.0.1"), atoi(env_or("AMQP_PORT", "5672"))), "connect");
  check_reply(amqp_login(c, "/", 0, AMQP_DEFAULT_FRAME_SIZE, 0, AMQP_SASL_METHOD_PLAIN, env_or("AMQP_USER", "guest"),
                         env_or("AMQP_PASSWORD", "guest")),
              "login");
  amqp_channel_open(c, CHANNEL);
  check_reply(amqp_get_rpc_reply(c), "channel.open");
  amqp_confirm_select(c, CHANNEL);
  check_reply(amqp_get_rpc_reply(c), "confirm.select");
  return c;
}

/* Publisher confirms: how many publishes the broker has confirmed so far (tags are 1, 2, 3, … in order). */
static uint64_t published, confirmed;

static void on_method(amqp_connection_state_t c) {
  amqp_frame_t frame;
  check_status(amqp_simple_wait_frame(c, &frame), "reading a frame");
  if (frame.frame_type != AMQP_FRAME_METHOD) return;
  switch (frame.payload.method.id) {
  case AMQP_BASIC_ACK_METHOD: {
    amqp_basic_ack_t *ack = frame.payload.method.decoded;
    if (ack->multiple) confirmed = ack->delivery_tag; else confirmed++;
    break;
  }
  case AMQP_BASIC_NACK_METHOD: fail("publish", "the broker refused a start message (basic.nack)"); break;
  case AMQP_CHANNEL_CLOSE_METHOD: fail("channel", "closed by the broker"); break;
  case AMQP_CONNECTION_CLOSE_METHOD: fail("connection", "closed by the broker"); break;
  default: break;
  }
}

static char start_queue[256];

static void publish_start(amqp_connection_state_t c, const char *machine, uint64_t id, const char *reply_queue) {
  char body[512], cid[32];
  int body_len = snprintf(body, sizeof body, "{\"stateMachine\":\"%s\",\"input\":{\"n\":%llu}}", machine,
                          (unsigned long long)id);
  int cid_len = snprintf(cid, sizeof cid, "%llu", (unsigned long long)id);
  amqp_basic_properties_t p;
  memset(&p, 0, sizeof p);
  p._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG;
  p.content_type = amqp_cstring_bytes("application/json");
  p.delivery_mode = 2;
  if (reply_queue) {
    p._flags |= AMQP_BASIC_CORRELATION_ID_FLAG | AMQP_BASIC_REPLY_TO_FLAG;
    p.correlation_id = (amqp_bytes_t){(size_t)cid_len, cid};
    p.reply_to = amqp_cstring_bytes(reply_queue);
  }
  check_status(amqp_basic_publish(c, CHANNEL, amqp_empty_bytes, amqp_cstring_bytes(start_queue), 0, 0, &p,
                                  (amqp_bytes_t){(size_t)body_len, body}),
               "publish");
  published++;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double percentile(const double *sorted, size_t n, double p) {
  if (n == 0) return 0;
  size_t i = (size_t)(p * (double)n);
  return sorted[i < n ? i : n - 1];
}

static int start_only(const char *machine, long count) {
  amqp_connection_state_t c = open_connection();
  for (long i = 0; i < count; i++) {
    publish_start(c, machine, (uint64_t)i, NULL);
    amqp_frame_t ignored;
    struct timeval zero = {0, 0};
    while (amqp_frames_enqueued(c) || amqp_data_in_buffer(c)) {
      if (amqp_simple_wait_frame_noblock(c, &ignored, &zero) != AMQP_STATUS_OK) break;
      if (ignored.frame_type == AMQP_FRAME_METHOD && ignored.payload.method.id == AMQP_BASIC_ACK_METHOD) {
        amqp_basic_ack_t *ack = ignored.payload.method.decoded;
        if (ack->multiple) confirmed = ack->delivery_tag; else confirmed++;
      }
    }
  }
  while (confirmed < published) on_method(c);
  printf("started %ld executions of %s\n", count, machine);
  amqp_connection_close(c, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(c);
  return 0;
}

static int run(const char *machine, int in_flight, double seconds, int tasks_per_execution) {
  amqp_connection_state_t c = open_connection();
  char reply_queue[64];
  snprintf(reply_queue, sizeof reply_queue, "e2e-client-%d", (int)getpid());
  amqp_queue_declare(c, CHANNEL, amqp_cstring_bytes(reply_queue), 0, 0, 1, 1, amqp_empty_table);
  check_reply(amqp_get_rpc_reply(c), "queue.declare");
  amqp_basic_consume(c, CHANNEL, amqp_cstring_bytes(reply_queue), amqp_empty_bytes, 0, 0, 1, amqp_empty_table);
  check_reply(amqp_get_rpc_reply(c), "basic.consume");

  size_t capacity = 1 << 20, count = 0;
  double *latencies = malloc(capacity * sizeof *latencies);
  double *sent_at = malloc((size_t)in_flight * 4 * sizeof *sent_at);
  size_t slots = (size_t)in_flight * 4;
  if (!latencies || !sent_at) fail("memory", "out of memory");
  long outstanding = 0, failed = 0;
  uint64_t next_id = 0;
  double start = now_us(), deadline = start + seconds * 1e6;
  int measuring = 1;

  for (int i = 0; i < in_flight; i++) {
    sent_at[next_id % slots] = now_us();
    publish_start(c, machine, next_id++, reply_queue);
    outstanding++;
  }
  while (outstanding > 0) {
    amqp_maybe_release_buffers(c);
    amqp_envelope_t envelope;
    struct timeval timeout = {30, 0};
    amqp_rpc_reply_t r = amqp_consume_message(c, &envelope, &timeout, 0);
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      on_method(c);
      continue;
    }
    if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && r.library_error == AMQP_STATUS_TIMEOUT)
      fail("waiting for results", "none for 30 s");
    check_reply(r, "consume");
    double arrived = now_us();
    char cid[32];
    amqp_bytes_t raw = envelope.message.properties.correlation_id;
    size_t len = raw.len < sizeof cid - 1 ? raw.len : sizeof cid - 1;
    memcpy(cid, raw.bytes, len);
    cid[len] = 0;
    uint64_t id = strtoull(cid, NULL, 10);
    if (measuring) {
      if (count == capacity) {
        capacity *= 2;
        latencies = realloc(latencies, capacity * sizeof *latencies);
        if (!latencies) fail("memory", "out of memory");
      }
      latencies[count++] = (arrived - sent_at[id % slots]) / 1000.0;
      amqp_bytes_t body = envelope.message.body;
      if (!memmem(body.bytes, body.len, "\"status\":\"SUCCEEDED\"", 20)) failed++;
    }
    check_status(amqp_basic_ack(c, CHANNEL, envelope.delivery_tag, 0), "ack");
    amqp_destroy_envelope(&envelope);
    outstanding--;
    if (arrived >= deadline) measuring = 0;
    if (measuring) {
      sent_at[next_id % slots] = now_us();
      publish_start(c, machine, next_id++, reply_queue);
      outstanding++;
    }
  }
  double wall = (now_us() - start) / 1e6;
  qsort(latencies, count, sizeof *latencies, compare_doubles);
  double eps = (double)count / wall;
  printf("baton   in_flight=%d executions=%zu failed=%ld secs=%.1f executions/s=%.0f task_round_trips/s=%.0f"
         " | latency_ms p50=%.2f p90=%.2f p99=%.2f max=%.2f\n",
         in_flight, count, failed, wall, eps, eps * tasks_per_execution, percentile(latencies, count, 0.5),
         percentile(latencies, count, 0.9), percentile(latencies, count, 0.99), count ? latencies[count - 1] : 0);
  amqp_connection_close(c, AMQP_REPLY_SUCCESS);
  amqp_destroy_connection(c);
  return failed ? 1 : 0;
}

int main(int argc, char **argv) {
  snprintf(start_queue, sizeof start_queue, "%s.start", env_or("BATON_PREFIX", "baton"));
  if (argc == 6 && strcmp(argv[1], "run") == 0)
    return run(argv[2], atoi(argv[3]), atof(argv[4]), atoi(argv[5]));
  if (argc == 4 && strcmp(argv[1], "start") == 0) return start_only(argv[2], atol(argv[3]));
  fprintf(stderr, "usage: e2e-client run STATE_MACHINE IN_FLIGHT SECONDS TASKS_PER_EXECUTION\n"
                  "       e2e-client start STATE_MACHINE COUNT\n");
  return 2;
}
