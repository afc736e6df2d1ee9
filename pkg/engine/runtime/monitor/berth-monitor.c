/*
 * berth-monitor: the per-container (and per-exec) process monitor that sits between berthd and
 * runc. It owns the container's stdio, so the container keeps running and keeps logging when
 * berthd is restarted or killed. One monitor per container process.
 *
 * Why not conmon (Debian ships it): conmon's attach socket is SOCK_SEQPACKET, which Node cannot
 * open, so berthd could never feed a container's stdin through it; and conmon writes k8s-file
 * logs that it can only truncate, while Docker users expect json-file logs with max-size and
 * max-file rotation that keeps working while the daemon is down. This monitor speaks a line
 * protocol on a SOCK_STREAM unix socket and writes Docker's json-file format itself.
 *
 * Life of a monitor:
 *   1. berthd spawns it (in its own session) with a sync pipe on fd 3. It makes the stdio (pipes,
 *      or a console socket for a tty), listens on --socket, writes "ready\n" to fd 3, closes it.
 *   2. Clients connect. The first line says what the connection is:
 *        "attach <flags>\n"  flags from i (send stdin), o (want stdout), e (want stderr),
 *                            r (raw: no 8-byte stream headers). After the line, bytes the client
 *                            sends are the container's stdin; its EOF closes stdin if --stdin-once.
 *        "control\n"         the monitor answers one state line ("state waiting", "state running
 *                            <pid>", "state exited <code> <signal>") then takes commands
 *                            ("start", "resize <rows> <cols>", "close-stdin") and reports
 *                            events ("pid <pid>", "error <text>", "exit <code> <signal>").
 *   3. On "start" it runs `runc run --detach` (or `runc exec --detach` with --exec) as a child,
 *      being a child subreaper, so the container's init becomes its child when runc exits.
 *   4. Output from the container goes to every attached client (Docker's multiplexed frames
 *      unless raw) and, for containers, to a json-file log with rotation. Slow clients are
 *      dropped once their backlog passes a cap: the container is never blocked by a client.
 *   5. When the process exits: drain its output, write --exit-file atomically (JSON), send
 *      "exit" to control clients, flush clients and exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 64
#define CLIENT_BACKLOG_CAP (8u << 20) /* bytes queued for one client before it is dropped */
#define LOG_MESSAGE_MAX 16384         /* json-file splits longer lines into partial messages */
#define READ_CHUNK 32768
#define DRAIN_MS 2000                 /* how long output is read after the process exits */
#define FLUSH_MS 5000                 /* how long clients get to take their backlog at the end */

enum { STREAM_STDIN = 0, STREAM_STDOUT = 1, STREAM_STDERR = 2 };
enum { KIND_HANDSHAKE, KIND_ATTACH, KIND_CONTROL };
enum { PHASE_WAITING, PHASE_STARTING, PHASE_RUNNING, PHASE_EXITED };

struct buffer {
  char *data;
  size_t len;
  size_t cap;
};

struct client {
  int fd;
  int kind;
  int want_stdin, want_stdout, want_stderr, raw;
  int read_closed;
  char line[512];
  size_t line_len;
  struct buffer out;
};

struct options {
  const char *id, *bundle, *runtime, *runtime_root, *socket_path, *pid_file, *exit_file;
  const char *log_path, *runc_log, *process_file, *console_path;
  long long log_max_size;
  int log_max_files;
  int tty, open_stdin, stdin_once, exec_mode, sync_fd;
};

static struct options opt = {.log_max_files = 1, .sync_fd = -1};
static struct client clients[MAX_CLIENTS];
static int client_count;

static int phase = PHASE_WAITING;
static pid_t runc_pid = -1, container_pid = -1;
static int exit_code = -1, exit_signal = 0;
static int stdout_fd = -1, stderr_fd = -1; /* read ends; with a tty only stdout_fd (the master) */
static int stdin_fd = -1;                  /* write end (pipe) or the tty master */
static int console_listen_fd = -1, listen_fd = -1;
static struct buffer stdin_pending;
static struct buffer log_partial[3];
static int log_fd = -1;
static long long log_size;
static struct buffer reaped; /* pairs of (pid, status) reaped before the container pid was known */

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "berth-monitor: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

static void warnf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "berth-monitor: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void buf_reserve(struct buffer *b, size_t extra) {
  if (b->len + extra <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra) cap *= 2;
  char *data = realloc(b->data, cap);
  if (!data) die("out of memory");
  b->data = data;
  b->cap = cap;
}

static void buf_append(struct buffer *b, const void *data, size_t len) {
  buf_reserve(b, len);
  memcpy(b->data + b->len, data, len);
  b->len += len;
}

static void buf_consume(struct buffer *b, size_t n) {
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
}

static void set_nonblock(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* ---- time and JSON ---- */

static void format_time(char *out, size_t size) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out + n, size - n, ".%09ldZ", ts.tv_nsec);
}

/* Length of a valid UTF-8 sequence at p (1-4), or 0 when the bytes are not valid UTF-8. */
static int utf8_sequence(const unsigned char *p, size_t avail) {
  unsigned char c = p[0];
  int need;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) { need = 2; cp = c & 0x1f; }
  else if (c >= 0xe0 && c <= 0xef) { need = 3; cp = c & 0x0f; }
  else if (c >= 0xf0 && c <= 0xf4) { need = 4; cp = c & 0x07; }
  else return 0;
  if ((size_t)need > avail) return 0;
  for (int i = 1; i < need; i++) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  if (need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return 0;
  if (need == 4 && (cp < 0x10000 || cp > 0x10ffff)) return 0;
  return need;
}

/* Appends data as the contents of a JSON string; invalid UTF-8 becomes U+FFFD, like Go's encoder. */
static void json_escape(struct buffer *b, const char *data, size_t len) {
  const unsigned char *p = (const unsigned char *)data;
  size_t i = 0;
  while (i < len) {
    unsigned char c = p[i];
    if (c == '"' || c == '\\') { buf_append(b, "\\", 1); buf_append(b, &p[i], 1); i++; continue; }
    if (c == '\n') { buf_append(b, "\\n", 2); i++; continue; }
    if (c == '\r') { buf_append(b, "\\r", 2); i++; continue; }
    if (c == '\t') { buf_append(b, "\\t", 2); i++; continue; }
    if (c < 0x20) {
      char esc[8];
      snprintf(esc, sizeof esc, "\\u%04x", c);
      buf_append(b, esc, 6);
      i++;
      continue;
    }
    int n = utf8_sequence(p + i, len - i);
    if (n == 0) { buf_append(b, "\\ufffd", 6); i++; continue; }
    buf_append(b, p + i, (size_t)n);
    i += (size_t)n;
  }
}

/* ---- json-file log with rotation ---- */

static void log_open(void) {
  log_fd = open(opt.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (log_fd < 0) { warnf("open log %s: %s", opt.log_path, strerror(errno)); return; }
  struct stat st;
  log_size = fstat(log_fd, &st) == 0 ? st.st_size : 0;
}

/* Rotates log -> log.1 -> … -> log.(max-1); with max-files 1 the log is truncated instead. */
static void log_rotate(void) {
  if (log_fd >= 0) close(log_fd);
  log_fd = -1;
  if (opt.log_max_files <= 1) {
    log_fd = open(opt.log_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640);
    log_size = 0;
    return;
  }
  char from[4096], to[4096];
  for (int i = opt.log_max_files - 1; i >= 1; i--) {
    if (i == 1) snprintf(from, sizeof from, "%s", opt.log_path);
    else snprintf(from, sizeof from, "%s.%d", opt.log_path, i - 1);
    snprintf(to, sizeof to, "%s.%d", opt.log_path, i);
    if (rename(from, to) != 0 && errno != ENOENT) warnf("rotate %s: %s", from, strerror(errno));
  }
  log_open();
}

static void log_message(int stream, const char *data, size_t len) {
  if (!opt.log_path) return;
  static struct buffer line;
  char ts[64];
  line.len = 0;
  format_time(ts, sizeof ts);
  buf_append(&line, "{\"log\":\"", 8);
  json_escape(&line, data, len);
  const char *name = stream == STREAM_STDERR ? "stderr" : "stdout";
  buf_append(&line, "\",\"stream\":\"", 12);
  buf_append(&line, name, strlen(name));
  buf_append(&line, "\",\"time\":\"", 10);
  buf_append(&line, ts, strlen(ts));
  buf_append(&line, "\"}\n", 3);
  if (opt.log_max_size > 0 && log_size > 0 && log_size + (long long)line.len > opt.log_max_size) log_rotate();
  if (log_fd < 0) return;
  size_t off = 0;
  while (off < line.len) {
    ssize_t n = write(log_fd, line.data + off, line.len - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      warnf("write log: %s", strerror(errno));
      return;
    }
    off += (size_t)n;
  }
  log_size += (long long)line.len;
}

/* Splits output into log messages at newlines; a message longer than 16 KiB is written in parts. */
static void log_output(int stream, const char *data, size_t len) {
  if (!opt.log_path) return;
  struct buffer *partial = &log_partial[stream];
  for (size_t i = 0; i < len; i++) {
    buf_append(partial, &data[i], 1);
    if (data[i] == '\n' || partial->len >= LOG_MESSAGE_MAX) {
      log_message(stream, partial->data, partial->len);
      partial->len = 0;
    }
  }
}

static void log_flush_partials(void) {
  for (int s = STREAM_STDOUT; s <= STREAM_STDERR; s++) {
    if (log_partial[s].len) log_message(s, log_partial[s].data, log_partial[s].len);
    log_partial[s].len = 0;
  }
}

/* ---- clients ---- */

static void client_close(int index) {
  close(clients[index].fd);
  free(clients[index].out.data);
  clients[index] = clients[client_count - 1];
  memset(&clients[client_count - 1], 0, sizeof clients[0]);
  client_count--;
}

static void client_queue(struct client *c, const void *data, size_t len) {
  if (c->out.len + len > CLIENT_BACKLOG_CAP) {
    warnf("client backlog over %u bytes: dropping the client", CLIENT_BACKLOG_CAP);
    c->read_closed = 1;
    shutdown(c->fd, SHUT_RDWR);
    c->kind = -1; /* reaped by the loop */
    return;
  }
  buf_append(&c->out, data, len);
}

static void control_broadcast(const char *fmt, ...) {
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  for (int i = 0; i < client_count; i++)
    if (clients[i].kind == KIND_CONTROL) client_queue(&clients[i], line, strlen(line));
}

static void broadcast_output(int stream, const char *data, size_t len) {
  unsigned char header[8] = {(unsigned char)stream, 0, 0, 0,
                             (unsigned char)(len >> 24), (unsigned char)(len >> 16),
                             (unsigned char)(len >> 8), (unsigned char)len};
  for (int i = 0; i < client_count; i++) {
    struct client *c = &clients[i];
    if (c->kind != KIND_ATTACH) continue;
    if ((stream == STREAM_STDOUT && !c->want_stdout) || (stream == STREAM_STDERR && !c->want_stderr)) continue;
    if (!c->raw) client_queue(c, header, sizeof header);
    if (c->kind == KIND_ATTACH) client_queue(c, data, len);
  }
}

static void close_stdin(void) {
  if (stdin_fd < 0) return;
  if (opt.tty) return; /* the master is also stdout; a tty's stdin stays open, as with docker */
  close(stdin_fd);
  stdin_fd = -1;
  stdin_pending.len = 0;
}

/* ---- runc ---- */

static void write_exit_file(const char *error) {
  if (!opt.exit_file) return;
  char tmp[4096], ts[64];
  struct buffer body = {0};
  format_time(ts, sizeof ts);
  snprintf(tmp, sizeof tmp, "%s.tmp", opt.exit_file);
  char head[256];
  snprintf(head, sizeof head, "{\"exitCode\":%d,\"signal\":%d,\"pid\":%d,\"finishedAt\":\"%s\"", exit_code,
           exit_signal, (int)container_pid, ts);
  buf_append(&body, head, strlen(head));
  if (error) {
    buf_append(&body, ",\"error\":\"", 10);
    json_escape(&body, error, strlen(error));
    buf_append(&body, "\"", 1);
  }
  buf_append(&body, "}\n", 2);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) { warnf("exit file: %s", strerror(errno)); free(body.data); return; }
  if (write(fd, body.data, body.len) != (ssize_t)body.len) warnf("exit file: short write");
  fsync(fd);
  close(fd);
  if (rename(tmp, opt.exit_file) != 0) warnf("exit file rename: %s", strerror(errno));
  free(body.data);
}

static int open_null(int flags) {
  int fd = open("/dev/null", flags | O_CLOEXEC);
  if (fd < 0) die("open /dev/null: %s", strerror(errno));
  return fd;
}

static void start_runc(void) {
  int child_in = -1, child_out = -1, child_err = -1;
  if (opt.tty) {
    child_in = open_null(O_RDONLY);
    child_out = open_null(O_WRONLY);
    child_err = open_null(O_WRONLY);
  } else {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (opt.open_stdin) {
      if (pipe2(in_pipe, O_CLOEXEC) != 0) die("pipe: %s", strerror(errno));
      child_in = in_pipe[0];
      stdin_fd = in_pipe[1];
      set_nonblock(stdin_fd);
    } else {
      child_in = open_null(O_RDONLY);
    }
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) die("pipe: %s", strerror(errno));
    child_out = out_pipe[1];
    child_err = err_pipe[1];
    stdout_fd = out_pipe[0];
    stderr_fd = err_pipe[0];
    set_nonblock(stdout_fd);
    set_nonblock(stderr_fd);
  }

  const char *argv[32];
  int n = 0;
  argv[n++] = opt.runtime;
  argv[n++] = "--root";
  argv[n++] = opt.runtime_root;
  if (opt.runc_log) {
    argv[n++] = "--log";
    argv[n++] = opt.runc_log;
    argv[n++] = "--log-format";
    argv[n++] = "json";
  }
  if (opt.exec_mode) {
    argv[n++] = "exec";
    argv[n++] = "--process";
    argv[n++] = opt.process_file;
    if (opt.tty) argv[n++] = "--tty";
  } else {
    argv[n++] = "run";
    argv[n++] = "--bundle";
    argv[n++] = opt.bundle;
  }
  argv[n++] = "--detach";
  argv[n++] = "--pid-file";
  argv[n++] = opt.pid_file;
  if (opt.tty) {
    argv[n++] = "--console-socket";
    argv[n++] = opt.console_path;
  }
  argv[n++] = opt.id;
  argv[n] = NULL;

  pid_t pid = fork();
  if (pid < 0) die("fork: %s", strerror(errno));
  if (pid == 0) {
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(child_in, 0) < 0 || dup2(child_out, 1) < 0 || dup2(child_err, 2) < 0) _exit(127);
    execv(opt.runtime, (char *const *)argv);
    _exit(127);
  }
  runc_pid = pid;
  close(child_in);
  close(child_out);
  close(child_err);
  phase = PHASE_STARTING;
}

static pid_t read_pid_file(void) {
  char text[32] = {0};
  int fd = open(opt.pid_file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, text, sizeof text - 1);
  close(fd);
  if (n <= 0) return -1;
  return (pid_t)atoi(text);
}

static void record_container_exit(int status) {
  if (WIFEXITED(status)) {
    exit_code = WEXITSTATUS(status);
    exit_signal = 0;
  } else if (WIFSIGNALED(status)) {
    exit_signal = WTERMSIG(status);
    exit_code = 128 + exit_signal;
  } else {
    return;
  }
  phase = PHASE_EXITED;
}

static void on_runc_exit(int status) {
  runc_pid = -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    /* berthd reads the reason from the runc log file; the pipes may hold runc's own error text,
       which is not container output. */
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    exit_code = 127;
    write_exit_file("runtime failed");
    control_broadcast("error runtime exited with status %d\n", code);
    phase = PHASE_EXITED;
    if (stdout_fd >= 0) { close(stdout_fd); stdout_fd = -1; }
    if (stderr_fd >= 0) { close(stderr_fd); stderr_fd = -1; }
    return;
  }
  container_pid = read_pid_file();
  if (container_pid <= 0) {
    exit_code = 127;
    write_exit_file("runtime wrote no pid file");
    control_broadcast("error runtime wrote no pid file\n");
    phase = PHASE_EXITED;
    return;
  }
  phase = PHASE_RUNNING;
  control_broadcast("pid %d\n", (int)container_pid);
  /* The container may have exited (and been reaped by us) before the pid file was read. */
  int *pairs = (int *)reaped.data;
  for (size_t i = 0; i + 1 < reaped.len / sizeof(int); i += 2)
    if (pairs[i] == container_pid) record_container_exit(pairs[i + 1]);
  reaped.len = 0;
}

static void reap_children(void) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    if (pid == runc_pid) {
      on_runc_exit(status);
    } else if (container_pid > 0 && pid == container_pid) {
      record_container_exit(status);
    } else if (container_pid <= 0) {
      int pair[2] = {(int)pid, status};
      buf_append(&reaped, pair, sizeof pair);
    }
  }
}

/* Receives the pty master that runc sends over the console socket. */
static void accept_console(void) {
  int conn = accept4(console_listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0) return;
  char data[256];
  char control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = data, .iov_len = sizeof data};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
  ssize_t n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
  close(conn);
  if (n < 0) { warnf("console recvmsg: %s", strerror(errno)); return; }
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS) { warnf("console socket: no fd received"); return; }
  int master;
  memcpy(&master, CMSG_DATA(cmsg), sizeof master);
  set_nonblock(master);
  stdout_fd = master;
  stdin_fd = master;
  close(console_listen_fd);
  console_listen_fd = -1;
  unlink(opt.console_path);
}

static void resize_tty(int rows, int cols) {
  if (!opt.tty || stdout_fd < 0 || rows <= 0 || cols <= 0) return;
  struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
  if (ioctl(stdout_fd, TIOCSWINSZ, &ws) != 0) warnf("resize: %s", strerror(errno));
}

/* ---- protocol ---- */

static void send_state(struct client *c) {
  char line[128];
  switch (phase) {
  case PHASE_WAITING: snprintf(line, sizeof line, "state waiting\n"); break;
  case PHASE_STARTING: snprintf(line, sizeof line, "state starting\n"); break;
  case PHASE_RUNNING: snprintf(line, sizeof line, "state running %d\n", (int)container_pid); break;
  default: snprintf(line, sizeof line, "state exited %d %d\n", exit_code, exit_signal); break;
  }
  client_queue(c, line, strlen(line));
}

static void handle_line(struct client *c, char *line) {
  if (c->kind == KIND_HANDSHAKE) {
    if (strncmp(line, "attach", 6) == 0) {
      c->kind = KIND_ATTACH;
      const char *flags = line + 6;
      c->want_stdin = strchr(flags, 'i') != NULL;
      c->want_stdout = strchr(flags, 'o') != NULL;
      c->want_stderr = strchr(flags, 'e') != NULL;
      c->raw = strchr(flags, 'r') != NULL;
    } else if (strcmp(line, "control") == 0) {
      c->kind = KIND_CONTROL;
      send_state(c);
    } else {
      client_queue(c, "error unknown handshake\n", 24);
      c->kind = -1;
    }
    return;
  }
  if (c->kind != KIND_CONTROL) return;
  int rows, cols;
  if (strcmp(line, "start") == 0) {
    if (phase == PHASE_WAITING) start_runc();
    else send_state(c);
  } else if (sscanf(line, "resize %d %d", &rows, &cols) == 2) {
    resize_tty(rows, cols);
  } else if (strcmp(line, "close-stdin") == 0) {
    close_stdin();
  } else if (strcmp(line, "state") == 0) {
    send_state(c);
  } else {
    client_queue(c, "error unknown command\n", 22);
  }
}

static void feed_stdin(const char *data, size_t len) {
  if (stdin_fd < 0) return; /* no stdin, or already closed: the bytes have nowhere to go */
  buf_append(&stdin_pending, data, len);
}

static int stdin_close_requested; /* close stdin once the pending bytes are written */

static void client_readable(struct client *c) {
  char data[READ_CHUNK];
  ssize_t n = read(c->fd, data, sizeof data);
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    n = 0;
  }
  if (n == 0) {
    /* An attach client that half-closes still wants output; anything else is done. */
    c->read_closed = 1;
    if (c->kind == KIND_ATTACH && c->want_stdin && opt.stdin_once) {
      if (stdin_pending.len == 0) close_stdin();
      else stdin_close_requested = 1;
    }
    return;
  }
  size_t off = 0;
  while (off < (size_t)n) {
    if (c->kind == KIND_ATTACH) {
      if (c->want_stdin) feed_stdin(data + off, (size_t)n - off);
      return;
    }
    char ch = data[off++];
    if (ch == '\n') {
      c->line[c->line_len] = 0;
      c->line_len = 0;
      handle_line(c, c->line);
      if (c->kind < 0) return;
    } else if (c->line_len < sizeof c->line - 1) {
      c->line[c->line_len++] = ch;
    }
  }
}

static void output_readable(int *fd, int stream) {
  char data[READ_CHUNK];
  ssize_t n = read(*fd, data, sizeof data);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) { /* EOF, or EIO from a tty master whose slave side is gone */
    if (opt.tty && stdin_fd == *fd) stdin_fd = -1;
    close(*fd);
    *fd = -1;
    return;
  }
  broadcast_output(stream, data, (size_t)n);
  if (!opt.exec_mode) log_output(stream, data, (size_t)n);
}

static int make_listener(const char *path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) die("socket: %s", strerror(errno));
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) die("socket path too long: %s", path);
  strcpy(addr.sun_path, path);
  unlink(path);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind %s: %s", path, strerror(errno));
  chmod(path, 0600);
  if (listen(fd, 16) != 0) die("listen %s: %s", path, strerror(errno));
  return fd;
}

static void usage(void) {
  die("usage: berth-monitor --id ID --bundle DIR --runtime PATH --runtime-root DIR --socket PATH "
      "--pid-file PATH --exit-file PATH [--log-path PATH --log-max-size N --log-max-files N] "
      "[--runc-log PATH] [--tty --console-socket PATH] [--stdin] [--stdin-once] [--exec --process FILE] "
      "[--sync-fd N]");
}

static void parse_args(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define VALUE(field) do { if (!v) usage(); opt.field = v; i++; } while (0)
    if (!strcmp(a, "--id")) VALUE(id);
    else if (!strcmp(a, "--bundle")) VALUE(bundle);
    else if (!strcmp(a, "--runtime")) VALUE(runtime);
    else if (!strcmp(a, "--runtime-root")) VALUE(runtime_root);
    else if (!strcmp(a, "--socket")) VALUE(socket_path);
    else if (!strcmp(a, "--pid-file")) VALUE(pid_file);
    else if (!strcmp(a, "--exit-file")) VALUE(exit_file);
    else if (!strcmp(a, "--log-path")) VALUE(log_path);
    else if (!strcmp(a, "--runc-log")) VALUE(runc_log);
    else if (!strcmp(a, "--process")) VALUE(process_file);
    else if (!strcmp(a, "--console-socket")) VALUE(console_path);
    else if (!strcmp(a, "--log-max-size")) { if (!v) usage(); opt.log_max_size = atoll(v); i++; }
    else if (!strcmp(a, "--log-max-files")) { if (!v) usage(); opt.log_max_files = atoi(v); i++; }
    else if (!strcmp(a, "--sync-fd")) { if (!v) usage(); opt.sync_fd = atoi(v); i++; }
    else if (!strcmp(a, "--tty")) opt.tty = 1;
    else if (!strcmp(a, "--stdin")) opt.open_stdin = 1;
    else if (!strcmp(a, "--stdin-once")) opt.stdin_once = 1;
    else if (!strcmp(a, "--exec")) opt.exec_mode = 1;
    else usage();
#undef VALUE
  }
  if (!opt.id || !opt.runtime || !opt.runtime_root || !opt.socket_path || !opt.pid_file) usage();
  if (opt.exec_mode ? !opt.process_file : !opt.bundle) usage();
  if (opt.tty && !opt.console_path) usage();
  if (opt.log_max_files < 1) opt.log_max_files = 1;
}

int main(int argc, char **argv) {
  parse_args(argc, argv);
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) die("subreaper: %s", strerror(errno));
  signal(SIGPIPE, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sig_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sig_fd < 0) die("signalfd: %s", strerror(errno));

  if (opt.log_path) log_open();
  listen_fd = make_listener(opt.socket_path);
  if (opt.tty) console_listen_fd = make_listener(opt.console_path);

  if (opt.sync_fd >= 0) {
    if (write(opt.sync_fd, "ready\n", 6) != 6) warnf("sync pipe: %s", strerror(errno));
    close(opt.sync_fd);
  }

  long long exited_at = -1, drain_deadline = -1;
  for (;;) {
    if (phase == PHASE_EXITED && exited_at < 0) {
      exited_at = now_ms();
      drain_deadline = exited_at + DRAIN_MS;
    }
    int outputs_open = stdout_fd >= 0 || stderr_fd >= 0;
    if (phase == PHASE_EXITED && (!outputs_open || now_ms() >= drain_deadline)) break;

    struct pollfd fds[MAX_CLIENTS + 8];
    int nfds = 0;
    int idx_sig = nfds; fds[nfds++] = (struct pollfd){.fd = sig_fd, .events = POLLIN};
    int idx_listen = nfds; fds[nfds++] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
    int idx_console = -1, idx_out = -1, idx_err = -1, idx_in = -1;
    if (console_listen_fd >= 0) { idx_console = nfds; fds[nfds++] = (struct pollfd){.fd = console_listen_fd, .events = POLLIN}; }
    /* Output is read only once runc has finished: anything before that may be runc's own errors. */
    if (runc_pid < 0 && stdout_fd >= 0) { idx_out = nfds; fds[nfds++] = (struct pollfd){.fd = stdout_fd, .events = POLLIN}; }
    if (runc_pid < 0 && stderr_fd >= 0) { idx_err = nfds; fds[nfds++] = (struct pollfd){.fd = stderr_fd, .events = POLLIN}; }
    if (stdin_fd >= 0 && stdin_pending.len > 0) { idx_in = nfds; fds[nfds++] = (struct pollfd){.fd = stdin_fd, .events = POLLOUT}; }
    int first_client = nfds;
    for (int i = 0; i < client_count; i++) {
      short events = 0;
      /* While stdin has a backlog, stop reading clients: back-pressure reaches the sender. */
      if (!clients[i].read_closed && (clients[i].kind != KIND_ATTACH || stdin_pending.len == 0)) events |= POLLIN;
      if (clients[i].out.len > 0) events |= POLLOUT;
      fds[nfds++] = (struct pollfd){.fd = clients[i].fd, .events = events};
    }
    int timeout = phase == PHASE_EXITED ? (int)(drain_deadline - now_ms()) : -1;
    if (phase == PHASE_EXITED && timeout < 0) timeout = 0;
    int ready = poll(fds, (nfds_t)nfds, timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      die("poll: %s", strerror(errno));
    }

    if (fds[idx_sig].revents) {
      struct signalfd_siginfo info;
      while (read(sig_fd, &info, sizeof info) == sizeof info) {}
      reap_children();
    }
    if (idx_console >= 0 && fds[idx_console].revents) accept_console();
    if (idx_out >= 0 && fds[idx_out].revents) output_readable(&stdout_fd, STREAM_STDOUT);
    if (idx_err >= 0 && fds[idx_err].revents) output_readable(&stderr_fd, STREAM_STDERR);
    if (idx_in >= 0 && stdin_fd >= 0 && fds[idx_in].revents) {
      if (fds[idx_in].revents & (POLLERR | POLLHUP)) {
        close_stdin();
      } else {
        ssize_t n = write(stdin_fd, stdin_pending.data, stdin_pending.len);
        if (n > 0) buf_consume(&stdin_pending, (size_t)n);
        else if (n < 0 && errno != EAGAIN && errno != EINTR) close_stdin();
      }
      if (stdin_pending.len == 0 && stdin_close_requested) { close_stdin(); stdin_close_requested = 0; }
    }
    /* Clients: the poll array lines up with clients[] as it was before this round. */
    int count_before = client_count;
    for (int i = count_before - 1; i >= 0; i--) {
      short revents = fds[first_client + i].revents;
      struct client *c = &clients[i];
      if (revents & POLLOUT && c->out.len > 0) {
        ssize_t n = write(c->fd, c->out.data, c->out.len);
        if (n > 0) buf_consume(&c->out, (size_t)n);
        else if (n < 0 && errno != EAGAIN && errno != EINTR) c->kind = -1;
      }
      if (revents & (POLLIN | POLLHUP | POLLERR) && !c->read_closed && c->kind >= 0) client_readable(c);
      /* POLLHUP on a unix stream socket means the peer closed both directions. */
      int finished = c->kind < 0 || (revents & (POLLERR | POLLHUP)) ||
                     (c->read_closed && c->kind != KIND_ATTACH && c->out.len == 0);
      if (finished) client_close(i);
    }
    if (fds[idx_listen].revents & POLLIN) {
      int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
      if (conn >= 0) {
        if (client_count >= MAX_CLIENTS) {
          close(conn);
        } else {
          memset(&clients[client_count], 0, sizeof clients[0]);
          clients[client_count].fd = conn;
          clients[client_count].kind = KIND_HANDSHAKE;
          client_count++;
        }
      }
    }
  }

  /* The process is gone and its output drained: record the exit, tell and flush every client. */
  log_flush_partials();
  if (container_pid > 0) write_exit_file(NULL);
  if (container_pid > 0) control_broadcast("exit %d %d\n", exit_code, exit_signal);
  long long flush_deadline = now_ms() + FLUSH_MS;
  while (client_count > 0 && now_ms() < flush_deadline) {
    struct pollfd fds[MAX_CLIENTS];
    int pending = 0;
    for (int i = 0; i < client_count; i++) {
      fds[i] = (struct pollfd){.fd = clients[i].fd, .events = clients[i].out.len ? POLLOUT : 0};
      if (clients[i].out.len) pending++;
    }
    if (!pending) break;
    if (poll(fds, (nfds_t)client_count, (int)(flush_deadline - now_ms())) <= 0) break;
    for (int i = 0; i < client_count; i++) {
      if (!(fds[i].revents & POLLOUT)) continue;
      ssize_t n = write(clients[i].fd, clients[i].out.data, clients[i].out.len);
      if (n > 0) buf_consume(&clients[i].out, (size_t)n);
      else if (n < 0 && errno != EAGAIN) clients[i].out.len = 0;
    }
  }
  for (int i = 0; i < client_count; i++) close(clients[i].fd);
  unlink(opt.socket_path);
  if (log_fd >= 0) close(log_fd);
  return 0;
}
