#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace gmr::test {

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

std::string errno_text(const char* call) { return std::string(call) + ": " + std::strerror(errno); }

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<long long>(0, left.count()));
}

std::optional<std::string> read_small_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Field 3 of a /proc stat line: after the last ')' (comm may hold spaces and parentheses).
std::optional<char> state_from_stat(const std::optional<std::string>& stat) {
  if (!stat) return std::nullopt;
  auto close = stat->rfind(')');
  if (close == std::string::npos || close + 2 >= stat->size()) return std::nullopt;
  return (*stat)[close + 2];
}

struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) fail(errno_text("pipe2"));
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  void close_read() {
    if (read >= 0) ::close(read);
    read = -1;
  }
  void close_write() {
    if (write >= 0) ::close(write);
    write = -1;
  }
};

// posix_spawnp with stdin/stdout/stderr wired to the given fds (-1: /dev/null), default signal
// dispositions and an empty signal mask (doctest's own handlers and masks must not leak into children).
pid_t spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd,
            const std::vector<std::string>& extra_env = {}) {
  if (argv.empty()) fail("spawn: empty argv");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (in_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, in_fd, 0);
  else
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (out_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
  else
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  if (err_fd >= 0)
    posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
  else
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  std::vector<char*> env;
  for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
  for (const auto& e : extra_env) env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), env.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) fail("posix_spawnp " + argv[0] + ": " + std::strerror(rc));
  return pid;
}

// Kills (also out of a stop) and reaps; never throws.
void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  ::kill(pid, SIGCONT);
  int status = 0;
  while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
  }
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string join(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& a : argv) text += (text.empty() ? "" : " ") + a;
  return text;
}

}  // namespace

void sleep_for_poll() { std::this_thread::sleep_for(5ms); }

std::string fixture_path(std::string_view name) { return std::string(GMR_FIXTURE_DIR) + "/" + std::string(name); }

std::string fixture_source(std::string_view name) {
  return std::string(GMR_SOURCE_DIR) + "/tests/fixtures/" + std::string(name);
}

int source_line(const std::string& path, std::string_view marker) {
  std::ifstream in(path);
  if (!in) fail("source_line: cannot open " + path);
  const std::string needle = "@line:" + std::string(marker) + " ";  // markers end with " */"
  std::string line;
  int number = 0, found = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find(needle) != std::string::npos) {
      if (found != 0) fail("source_line: marker " + std::string(marker) + " twice in " + path);
      found = number;
    }
  }
  if (found == 0) fail("source_line: no marker " + std::string(marker) + " in " + path);
  return found;
}

std::vector<pid_t> thread_ids(pid_t pid) {
  std::vector<pid_t> tids;
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return tids;
  while (dirent* entry = readdir(d))
    if (entry->d_name[0] != '.') tids.push_back(static_cast<pid_t>(std::stol(entry->d_name)));
  closedir(d);
  std::sort(tids.begin(), tids.end());
  return tids;
}

std::map<pid_t, char> thread_states(pid_t pid) {
  std::map<pid_t, char> states;
  for (pid_t tid : thread_ids(pid)) {
    auto state =
        state_from_stat(read_small_file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat"));
    if (state) states[tid] = *state;
  }
  return states;
}

std::optional<char> process_state(pid_t pid) {
  return state_from_stat(read_small_file("/proc/" + std::to_string(pid) + "/stat"));
}

std::optional<std::string> thread_name(pid_t pid, pid_t tid) {
  auto comm = read_small_file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/comm");
  if (!comm) return std::nullopt;
  if (!comm->empty() && comm->back() == '\n') comm->pop_back();
  return comm;
}

std::optional<std::string> thread_syscall(pid_t pid, pid_t tid) {
  auto text = read_small_file("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/syscall");
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  std::string first;
  in >> first;
  return first;
}

RunResult run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  Pipe out, err;
  const pid_t pid = spawn(argv, -1, out.write, err.write);
  out.close_write();
  err.close_write();

  RunResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    pollfd fds[2] = {{out_open ? out.read : -1, POLLIN, 0}, {err_open ? err.read : -1, POLLIN, 0}};
    int ready = ::poll(fds, 2, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      kill_and_reap(pid);
      fail("timeout after " + std::to_string(timeout.count()) + " ms: " + join(argv) + " (killed); stdout so far: " +
           result.out + "; stderr so far: " + result.err);
    }
    char chunk[4096];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, chunk, sizeof chunk);
      if (n > 0)
        (i == 0 ? result.out : result.err).append(chunk, static_cast<size_t>(n));
      else if (n == 0 || errno != EINTR)
        (i == 0 ? out_open : err_open) = false;
    }
  }
  // Both pipes closed: the child exited or closed them; wait for it, still with the deadline.
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) fail(errno_text("waitpid"));
    if (std::chrono::steady_clock::now() >= deadline) {
      kill_and_reap(pid);
      fail("timeout waiting for exit of: " + join(argv) + " (killed)");
    }
    sleep_for_poll();
  }
  result.exit_code = decode_status(status);
  return result;
}

RunResult run_gmr(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  std::vector<std::string> argv{GMR_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv, timeout);
}

Fixture::Fixture(std::string_view name, FixtureOptions options) : path_(fixture_path(name)) {
  Pipe in, out;
  std::vector<std::string> argv = options.prefix;
  argv.push_back(path_);
  argv.insert(argv.end(), options.args.begin(), options.args.end());
  pid_ = spawn(argv, in.read, out.write, -1, options.env);
  // From here on the destructor must run on failure: construct fully, then wait.
  stdin_fd_ = in.write;
  in.write = -1;
  stdout_fd_ = out.read;
  out.read = -1;
  try {
    ready_line_ = read_line(options.timeout);
    if (ready_line_.rfind(options.ready_prefix, 0) != 0)
      fail(path_ + ": expected a line starting with '" + options.ready_prefix + "', got '" + ready_line_ + "'");
    if (options.wait_quiescent) wait_quiescent(ready_threads(), options.timeout);
  } catch (...) {
    kill_and_reap(pid_);
    reaped_ = true;
    ::close(stdin_fd_);
    ::close(stdout_fd_);
    throw;
  }
}

Fixture::~Fixture() {
  if (!reaped_) kill_and_reap(pid_);
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

int Fixture::ready_threads() const {
  const std::string prefix = "ready ";
  if (ready_line_.rfind(prefix, 0) != 0) fail("not a ready line: " + ready_line_);
  return std::stoi(ready_line_.substr(prefix.size()));
}

std::string Fixture::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    pollfd pfd{stdout_fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) fail(path_ + " (pid " + std::to_string(pid_) + "): no line on stdout within " +
                         std::to_string(timeout.count()) + " ms; partial: '" + buffer_ + "'");
    if (ready < 0) fail(errno_text("poll"));
    char chunk[1024];
    ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(path_ + " (pid " + std::to_string(pid_) + "): stdout closed; partial: '" + buffer_ + "'");
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::string Fixture::command(std::string_view line, std::chrono::milliseconds timeout) {
  send(line);
  return read_line(timeout);
}

void Fixture::send(std::string_view line) {
  std::string text = std::string(line) + "\n";
  const char* p = text.data();
  size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(stdin_fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(errno_text("write to fixture stdin"));
    p += n;
    left -= static_cast<size_t>(n);
  }
}

bool quiescent(pid_t pid, int threads) {
  const auto states = thread_states(pid);
  if (static_cast<int>(states.size()) != threads) return false;
  for (auto [tid, state] : states) {
    if (state != 'S') return false;
    const auto nr = thread_syscall(pid, tid);
    if (!nr || *nr == "running" || *nr == "-1") return false;
  }
  return true;
}

bool wait_quiescent(pid_t pid, int threads, std::chrono::milliseconds timeout) {
  return wait_until(timeout, [&] { return quiescent(pid, threads); });
}

void Fixture::wait_quiescent(int threads, std::chrono::milliseconds timeout) {
  if (test::wait_quiescent(pid_, threads, timeout)) return;
  std::string seen;
  for (auto [tid, state] : thread_states(pid_))
    seen += " " + std::to_string(tid) + ":" + state + "/" + thread_syscall(pid_, tid).value_or("?");
  fail(path_ + " (pid " + std::to_string(pid_) + "): not quiescent within " + std::to_string(timeout.count()) +
       " ms: expected " + std::to_string(threads) + " threads in S inside a syscall, saw" + seen);
}

int Fixture::close_stdin_and_wait(std::chrono::milliseconds timeout) {
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  stdin_fd_ = -1;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return status;
    }
    if (r < 0 && errno != EINTR) fail(errno_text("waitpid"));
    if (std::chrono::steady_clock::now() >= deadline)
      fail(path_ + " (pid " + std::to_string(pid_) + ") did not exit after EOF on stdin");
    sleep_for_poll();
  }
}

std::pair<int, int> parse_signals(const std::string& reply) {
  int usr1 = -1, rt = -1;
  char tail = 0;
  if (std::sscanf(reply.c_str(), "usr1=%d rt=%d%c", &usr1, &rt, &tail) != 2)
    fail("not a 'usr1=N rt=M' reply: '" + reply + "'");
  return {usr1, rt};
}

}  // namespace gmr::test
