// gmr_bench: gmr side by side with `eu-stack -p PID -s -i` and `gdb -p PID -batch -ex "thread apply all bt"`.
//
// gmr runs twice per round: "gmr" with a warm frame cache (XDG_CACHE_HOME set to a directory filled by
// one untimed dump before the rounds) and "gmr-cold" with an empty one (emptied before every run). A goal
// on the stop window is called neither met nor missed when the machine's own idle gap exceeds it.
// --instructions adds one run of each tool under callgrind: instruction counts, repeatable under load.
// "gmr-core" is the warm-cache dump that also writes a core (--core): its wall time against plain gmr's is
// what writing the core adds after the target is let go, and the core's size is set against the bytes gmr
// copied while frozen (read back from the core by report/core).
// "floor" and "floor-2" are bench_floor (bench_floor.cpp), the minimal freezer with one and two tracer
// threads: the stop window this host gives any freezer of the same threads. gmr's window is shown against
// it, and a stop-window goal below the smaller of the two is called unattainable on this host, neither met
// nor missed.
//
// For every case it starts a target with a heartbeat thread (heartbeat.hpp), then runs the tools in
// rounds, the order rotating from round to round, and records per run: wall time, the longest gap the
// heartbeat saw (the stop window, measured the same way for every tool), the tool's peak RSS (wait4), and
// for gmr the stop window it reports itself. After each round it checks that gmr's frames agree with
// eu-stack's for every thread (the rules of tests/e2e/oracle_test.cpp). It prints one table per run and
// a summary against the goals of issue 7; the exit status is 1 when frames disagree, 0 otherwise.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "attach/proc_parse.hpp"
#include "attach/proc_read.hpp"
#include "heartbeat.hpp"
#include "report/core/core_image.hpp"
#include "report/core/core_memory.hpp"
#include "report/core/core_snapshot.hpp"

extern char** environ;

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using gmr::bench::HeartbeatPage;

// ---- running processes ---------------------------------------------------------------------------

struct ToolRun {
  double wall_s = 0;
  long peak_rss_kb = 0;
  int status = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
};

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::string self_path() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("gmr_bench");
}

/// `gmr_bench --measure FILE CMD…`: runs CMD and writes its peak RSS in KiB to FILE. The tools are started
/// through this small fresh process because a child's ru_maxrss also counts the RSS its parent had when
/// it was spawned (the kernel keeps the old mm's high-water mark across exec): the driver itself grows to
/// hundreds of MB holding the outputs of 10,000 threads.
int measure_main(const std::string& file, char** argv) {
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv, environ) != 0) return 127;
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  std::ofstream(file) << usage.ru_maxrss << '\n';
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// Runs argv to completion (stdin /dev/null), collecting stdout and stderr; kills it after `timeout`.
/// `env`: variables added to the driver's environment for this run.
ToolRun run_tool(const std::vector<std::string>& tool_argv, std::chrono::seconds timeout,
                 const std::vector<std::string>& env = {}) {
  char rss_path[] = "/tmp/gmr-bench-rss-XXXXXX";
  const int rss_fd = mkstemp(rss_path);
  if (rss_fd < 0) throw std::runtime_error("mkstemp");
  close(rss_fd);
  std::vector<std::string> argv = {self_path(), "--measure", rss_path};
  argv.insert(argv.end(), tool_argv.begin(), tool_argv.end());
  ToolRun run;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);  // its own group: a timeout kills the tool too
  posix_spawnattr_setpgroup(&attributes, 0);
  auto args = c_argv(argv);
  const auto start = Clock::now();
  pid_t pid = 0;
  const std::vector<std::string> env_strings = environment_with(env);
  auto envp = c_argv(env_strings);
  const int rc = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&run.out, &run.err};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(start + timeout - Clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      break;
    }
    if (poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1000))) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  if (run.timed_out) kill(-pid, SIGKILL);
  while (waitpid(pid, &run.status, 0) < 0 && errno == EINTR) {
  }
  run.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::ifstream(rss_path) >> run.peak_rss_kb;
  unlink(rss_path);
  return run;
}

/// A benchmark target: a child with a pipe on stdin (EOF ends it) and the heartbeat page shared.
class Target {
 public:
  Target(const std::vector<std::string>& argv, const std::vector<std::string>& env, bool ready_line) {
    char path[] = "/tmp/gmr-bench-heartbeat-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0 || ftruncate(fd, 4096) != 0) throw std::runtime_error("heartbeat file");
    heartbeat_path_ = path;
    void* shared = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (shared == MAP_FAILED) throw std::runtime_error("mmap heartbeat file");
    page_ = new (shared) HeartbeatPage;

    int in_pipe[2], out_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    auto args = c_argv(argv);
    auto env_strings = environment_with(env);
    env_strings.push_back(std::string(gmr::bench::heartbeat_env) + "=" + heartbeat_path_);
    auto envp = c_argv(env_strings);
    const int rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(in_pipe[0]);
    close(out_pipe[1]);
    stdin_fd_ = in_pipe[1];
    stdout_fd_ = out_pipe[0];
    if (rc != 0) throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    if (ready_line) ready_ = read_line(600s);
    const auto deadline = Clock::now() + 60s;
    while (page_->tid.load() == 0) {
      if (Clock::now() > deadline) throw std::runtime_error(argv[0] + ": the heartbeat did not start");
      std::this_thread::sleep_for(10ms);
    }
  }
  ~Target() {
    close(stdin_fd_);
    kill(pid_, SIGKILL);  // a server ignores EOF on stdin
    int status;
    waitpid(pid_, &status, 0);
    close(stdout_fd_);
    munmap(page_, 4096);
    unlink(heartbeat_path_.c_str());
  }
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& ready() const { return ready_; }
  pid_t heartbeat_tid() const { return page_->tid.load(); }

  void reset_heartbeat() {
    const std::uint32_t request = page_->reset_request.load() + 1;
    page_->reset_request = request;
    const auto deadline = Clock::now() + 10s;
    while (page_->reset_done.load() != request && Clock::now() < deadline) std::this_thread::sleep_for(50us);
  }
  /// Longest gap since the last reset, once the heartbeat has beaten twice more (it records a gap on the
  /// read that ends it).
  double longest_gap_ms() {
    const std::uint64_t beats = page_->beats.load();
    const auto deadline = Clock::now() + 10s;
    while (page_->beats.load() < beats + 2 && Clock::now() < deadline) std::this_thread::sleep_for(50us);
    return static_cast<double>(page_->longest_gap_ns.load()) / 1e6;
  }

 private:
  std::string read_line(std::chrono::seconds timeout) {
    std::string line;
    const auto deadline = Clock::now() + timeout;
    char c;
    for (;;) {
      pollfd p{stdout_fd_, POLLIN, 0};
      if (Clock::now() > deadline) throw std::runtime_error("target did not print its ready line");
      if (poll(&p, 1, 100) <= 0) continue;
      if (read(stdout_fd_, &c, 1) != 1) throw std::runtime_error("target exited before its ready line");
      if (c == '\n') return line;
      line += c;
    }
  }

  std::string heartbeat_path_;
  HeartbeatPage* page_ = nullptr;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string ready_;
};

/// Waits until at most `running` threads of `pid` are in state R (the sleepers have settled).
void wait_settled(pid_t pid, int running) {
  const auto deadline = Clock::now() + 120s;
  while (Clock::now() < deadline) {
    int r = 0;
    for (pid_t tid : gmr::attach::read_thread_ids(pid))
      if (auto text = gmr::attach::read_file(gmr::attach::task_path(pid, tid, "stat")))
        if (auto stat = gmr::attach::parse_stat(*text); stat && stat->state == 'R') ++r;
    if (r <= running) return;
    std::this_thread::sleep_for(100ms);
  }
}

// ---- frames of gmr and eu-stack --------------------------------------------------------------------

struct Frame {
  std::uint64_t pc = 0;
  std::string function;  // "" when the tool has no name
  bool inlined = false;   // gmr only (eu-stack does not mark inlined frames)
  std::string module;     // gmr only
  std::string location;   // "file:line[:column]", "" when none
  bool folded = false;    // gmr only: a frame its text left out in a folded round of recursion (any frame matches)
};
using Stacks = std::map<long, std::vector<Frame>>;

bool starts_with_hex(const std::string& s, std::size_t pos) {
  return pos + 2 < s.size() && s[pos] == '0' && s[pos + 1] == 'x' && std::isxdigit(static_cast<unsigned char>(s[pos + 2]));
}

// "#3 0x00007f…  function+0x1d (/module) at file:line:col"; "function [inlined] (…)"; "?? (/module+0x…)".
std::optional<Frame> parse_gmr_frame(const std::string& line) {
  std::size_t pos = line.find(' ');
  if (pos == std::string::npos) return std::nullopt;
  pos = line.find_first_not_of(' ', pos);
  if (pos == std::string::npos || !starts_with_hex(line, pos)) return std::nullopt;
  Frame f;
  std::size_t end = 0;
  f.pc = std::stoull(line.substr(pos), &end, 16);
  std::string rest = line.substr(pos + end + 1);
  std::size_t module_at = std::string::npos;
  for (std::size_t p = rest.find(" ("); p != std::string::npos; p = rest.find(" (", p + 1)) {
    if (p + 2 < rest.size() && (rest[p + 2] == '/' || rest[p + 2] == '[' || rest.compare(p + 2, 10, "no module)") == 0)) {
      module_at = p;
      break;
    }
  }
  if (module_at == std::string::npos) return std::nullopt;
  std::string name = rest.substr(0, module_at);
  const std::size_t module_end = rest.find(')', module_at);
  if (module_end == std::string::npos) return std::nullopt;
  f.module = rest.substr(module_at + 2, module_end - module_at - 2);
  if (auto plus = f.module.rfind("+0x"); plus != std::string::npos) f.module.resize(plus);
  if (rest.compare(module_end + 1, 4, " at ") == 0) f.location = rest.substr(module_end + 5);
  constexpr std::string_view inlined = " [inlined]";
  if (name.ends_with(inlined)) {
    f.inlined = true;
    name.resize(name.size() - inlined.size());
  } else if (auto plus = name.rfind("+0x"); plus != std::string::npos) {
    name.resize(plus);
  }
  if (name != "??") f.function = name;
  return f;
}

Stacks parse_gmr(const std::string& text) {
  Stacks stacks;
  std::istringstream in(text);
  std::vector<Frame>* current = nullptr;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("------") && line.find(" Thread ") != std::string::npos) {
      current = &stacks[std::stol(line.substr(line.find(" Thread ") + 8))];
    } else if (current != nullptr && line.starts_with('#')) {
      // "... 1 more round of a -> b (#15-#18)": the text report folds repeated rounds of recursion, so
      // frame numbers jump; the frames left out stand as placeholders.
      const std::size_t index = std::stoul(line.substr(1));
      Frame placeholder;
      placeholder.folded = true;
      while (current->size() < index) current->push_back(placeholder);
      if (auto f = parse_gmr_frame(line)) current->push_back(*f);
    }
  }
  return stacks;
}

// "TID 123:", "#0  0x00007f… name", then with -s "    file:line:col".
Stacks parse_eu_stack(const std::string& text) {
  Stacks stacks;
  std::istringstream in(text);
  std::vector<Frame>* current = nullptr;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("TID ")) {
      current = &stacks[std::stol(line.substr(4))];
    } else if (current != nullptr && line.starts_with('#')) {
      std::size_t pos = line.find_first_of(' ');
      pos = line.find_first_not_of(' ', pos);
      if (pos == std::string::npos || !starts_with_hex(line, pos)) continue;
      Frame f;
      std::size_t end = 0;
      f.pc = std::stoull(line.substr(pos), &end, 16);
      if (pos + end + 1 < line.size()) f.function = line.substr(pos + end + 1);
      current->push_back(f);
    } else if (current != nullptr && line.starts_with("    ") && !current->empty()) {
      current->back().location = line.substr(4);
    }
  }
  return stacks;
}

bool same_frame(const Frame& g, const Frame& e, const std::string& executable, int& aliases) {
  if (g.folded) return true;
  if (g.pc != e.pc || g.location != e.location) return false;
  if (g.function == e.function) return true;
  // oracle_test.cpp's one allowed difference: a real frame outside the target's executable named by its
  // ELF symbol (gmr) or by its DWARF subprogram (eu-stack), both names of one function.
  if (!g.inlined && !g.function.empty() && !e.function.empty() && g.module != executable) {
    ++aliases;
    return true;
  }
  return false;
}

struct Agreement {
  int threads = 0;
  int moving_compared_outside = 0;  // moving threads whose innermost frames differed (allowed)
  int aliases = 0;
  std::vector<std::string> problems;
};

std::string describe(const std::vector<Frame>& frames) {
  std::ostringstream out;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    char pc[32];
    std::snprintf(pc, sizeof pc, "%#llx", static_cast<unsigned long long>(frames[i].pc));
    out << "      #" << i << ' ' << pc << ' ' << (frames[i].function.empty() ? "??" : frames[i].function)
        << (frames[i].location.empty() ? "" : " at " + frames[i].location) << '\n';
  }
  return out.str();
}

/// Every thread in both, with the same frames. A thread in `moving` (busy on the CPU, or the heartbeat)
/// ran between the two tools: its innermost frames may differ, every frame outside them must agree.
Agreement compare(const Stacks& gmr, const Stacks& eu, const std::set<long>& moving, const std::string& executable) {
  Agreement a;
  for (const auto& [tid, frames] : eu)
    if (!gmr.contains(tid)) a.problems.push_back("thread " + std::to_string(tid) + " missing from gmr's report");
  for (const auto& [tid, g] : gmr) {
    auto it = eu.find(tid);
    if (it == eu.end()) {
      a.problems.push_back("thread " + std::to_string(tid) + " missing from eu-stack's output");
      continue;
    }
    const auto& e = it->second;
    ++a.threads;
    int aliases = 0;
    bool equal = g.size() == e.size();
    for (std::size_t i = 0; equal && i < g.size(); ++i) equal = same_frame(g[i], e[i], executable, aliases);
    if (equal) {
      a.aliases += aliases;
      continue;
    }
    if (moving.contains(tid)) {
      std::size_t common = 0;
      aliases = 0;
      while (common < g.size() && common < e.size() &&
             same_frame(g[g.size() - 1 - common], e[e.size() - 1 - common], executable, aliases))
        ++common;
      // At least the thread's entry and the frames down to its moving part agree.
      if (common >= 2 && common + 4 >= std::min(g.size(), e.size())) {
        ++a.moving_compared_outside;
        a.aliases += aliases;
        continue;
      }
    }
    a.problems.push_back("thread " + std::to_string(tid) + " differs:\n    gmr:\n" + describe(g) + "    eu-stack:\n" + describe(e));
  }
  return a;
}

// ---- statistics and the table ------------------------------------------------------------------------

struct Series {
  std::vector<double> values;
  void add(double v) { values.push_back(v); }
  double median() const {
    auto v = values;
    std::sort(v.begin(), v.end());
    if (v.empty()) return NAN;
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  }
  double min() const { return values.empty() ? NAN : *std::min_element(values.begin(), values.end()); }
  double max() const { return values.empty() ? NAN : *std::max_element(values.begin(), values.end()); }
};

struct ToolStats {
  Series wall_s, stop_ms, rss_mb, self_stop_ms;
  std::optional<double> instructions;  // --instructions: callgrind's count of one run
  int failures = 0;
  int timeouts = 0;
};

std::string fixed(double v, int digits) {
  if (std::isnan(v)) return "–";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

int digits_for(double v) { return v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3; }

std::string spread(const Series& s) {
  if (s.values.empty()) return "–";
  const double m = s.median();
  return fixed(m, digits_for(m)) + " (" + fixed(s.min(), digits_for(s.min())) + "–" + fixed(s.max(), digits_for(s.max())) + ")";
}

struct Goal {
  std::optional<double> wall_fraction_of_eu = {};  // gmr wall <= this × eu-stack wall
  std::optional<double> stop_ms = {};              // gmr heartbeat stop window <= this
  // gmr's peak RSS in every format it ran in (gmr, gmr-json, gmr-folded) <= this, and the largest of them
  // no more than 1.3 times the smallest (issue 13).
  std::optional<double> rss_mb = {};
};

struct Case {
  std::string key;    // for --cases
  std::string title;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  bool ready_line = true;
  int busy = 0;
  int runs = 5;
  int gdb_runs = 5;
  std::chrono::seconds timeout{600};
  Goal goal;
  bool large_dwarf = false;
  // The tools run, in rotating order; empty: default_tools. "gmr-no-python" is gmr without the Python
  // reading (the same dump minus what is read while frozen for the interpreter); "gmr-json" and
  // "gmr-folded" are gmr's other formats (warm cache), for their memory.
  std::vector<std::string> tools = {};
  // eu-stack and gdb run in the first round only (minutes a run), gmr and the floors in every round.
  bool slow_peers = false;
};

struct CaseResult {
  Case c;
  bool skipped = false;
  std::string skip_reason;
  std::map<std::string, ToolStats> tools;
  double idle_gap_ms = NAN;
  Agreement agreement;
  int rounds_compared = 0;
  std::string extra;  // e.g. the size of the DWARF
  std::optional<std::uint64_t> core_bytes, copied_bytes;  // gmr-core: the last core's size, and what it holds
};

const std::vector<std::string> tool_names = {"gmr",        "gmr-cold", "gmr-core", "gmr-no-python", "gmr-no-green-threads",
                                             "gmr-json",   "gmr-folded", "eu-stack", "gdb",        "floor",
                                             "floor-2"};
const std::vector<std::string> default_tools = {"gmr", "gmr-cold", "gmr-core", "eu-stack", "gdb", "floor", "floor-2"};

bool is_gmr(const std::string& tool) { return tool.starts_with("gmr"); }

/// Where a run of `tool` keeps gmr's cache: the warm directory, or the cold one (emptied first).
struct CacheDirs {
  std::string warm, cold;
  std::vector<std::string> env_for(const std::string& tool) const {
    if (!is_gmr(tool)) return {};
    if (tool == "gmr-cold") {
      std::filesystem::remove_all(cold);
      return {"XDG_CACHE_HOME=" + cold};
    }
    return {"XDG_CACHE_HOME=" + warm};
  }
};

/// The size of the core at `path` and the bytes of target memory gmr copied while frozen that it holds
/// (core::copied_bytes of the Snapshot read back from it); nullopt when it cannot be read.
std::optional<std::pair<std::uint64_t, std::uint64_t>> core_sizes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto bytes = std::as_bytes(std::span(chars));
  const auto image = gmr::core::parse_core(bytes);
  if (!image) return std::nullopt;
  const auto read = gmr::core::snapshot_from_core(*image, bytes.size(), {});
  if (!read) return std::nullopt;
  return std::pair{static_cast<std::uint64_t>(bytes.size()), gmr::core::copied_bytes(read->snapshot)};
}

/// callgrind's instruction count of one run of `argv`; nullopt when valgrind is missing or the run failed.
std::optional<double> instruction_count(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                        std::chrono::seconds timeout) {
  std::vector<std::string> under = {"valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"};
  under.insert(under.end(), argv.begin(), argv.end());
  const ToolRun run = run_tool(under, timeout, env);
  const auto at = run.err.rfind("Collected : ");
  if (run.timed_out || at == std::string::npos) return std::nullopt;
  return std::stod(run.err.substr(at + 12));
}

std::optional<double> parse_gmr_stop_window(const std::string& out) {
  const auto at = out.find("stop window  = ");
  if (at == std::string::npos) return std::nullopt;
  return std::stod(out.substr(at + 15));
}

std::set<long> moving_threads(const Target& target) {
  std::set<long> moving{target.heartbeat_tid()};
  std::istringstream in(target.ready());
  std::string word;
  bool after = false;
  while (in >> word) {
    if (after) moving.insert(std::stol(word));
    if (word == "moving") after = true;
  }
  return moving;
}

std::string executable_of(pid_t pid) {
  char buf[4096];
  const ssize_t n = readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

/// Total size of the .debug_* sections of an ELF file (section headers read directly).
std::optional<std::uint64_t> debug_section_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), {});
  if (data.size() < 64 || data.compare(0, 4, "\x7f" "ELF") != 0 || data[4] != 2) return std::nullopt;
  auto u16 = [&](std::size_t o) { std::uint16_t v; std::memcpy(&v, data.data() + o, 2); return v; };
  auto u32 = [&](std::size_t o) { std::uint32_t v; std::memcpy(&v, data.data() + o, 4); return v; };
  auto u64 = [&](std::size_t o) { std::uint64_t v; std::memcpy(&v, data.data() + o, 8); return v; };
  const std::uint64_t shoff = u64(0x28);
  const std::uint16_t shentsize = u16(0x3a), shnum = u16(0x3c), shstrndx = u16(0x3e);
  if (shoff + std::uint64_t{shnum} * shentsize > data.size() || shstrndx >= shnum) return std::nullopt;
  const std::uint64_t strtab = u64(shoff + std::uint64_t{shstrndx} * shentsize + 0x18);
  std::uint64_t total = 0;
  for (std::uint16_t i = 0; i < shnum; ++i) {
    const std::size_t h = shoff + std::size_t{i} * shentsize;
    const char* name = data.data() + strtab + u32(h);
    if (std::strncmp(name, ".debug_", 7) == 0) total += u64(h + 0x20);
  }
  return total;
}

CaseResult run_case(const Case& c, const std::string& gmr, const std::vector<std::string>& only_tools,
                    bool instructions, const CacheDirs& caches, const std::string& core_path) {
  CaseResult result;
  result.c = c;
  if (access(c.argv[0].c_str(), X_OK) != 0) {
    result.skipped = true;
    result.skip_reason = c.argv[0] + " is not installed";
    return result;
  }
  if (c.large_dwarf)
    if (auto bytes = debug_section_bytes(c.argv[0]))
      result.extra = "debug sections (.debug_*) of " + c.argv[0].substr(c.argv[0].rfind('/') + 1) + ": " +
                     fixed(static_cast<double>(*bytes) / 1e6, 1) + " MB";

  std::cerr << "== " << c.title << ": starting the target\n";
  Target target(c.argv, c.env, c.ready_line);
  wait_settled(target.pid(), c.busy + 2);
  std::this_thread::sleep_for(c.ready_line ? 500ms : 1s);
  const std::string pid = std::to_string(target.pid());
  const std::set<long> moving = moving_threads(target);
  const std::string executable = executable_of(target.pid());

  target.reset_heartbeat();
  std::this_thread::sleep_for(300ms);
  result.idle_gap_ms = target.longest_gap_ms();

  const std::map<std::string, std::vector<std::string>> commands = {
      {"gmr", {gmr, "dump", pid}},
      {"gmr-cold", {gmr, "dump", pid}},
      {"gmr-core", {gmr, "dump", "--core", core_path, pid}},
      {"gmr-no-python", {gmr, "dump", "--no-python", pid}},
      {"gmr-no-green-threads", {gmr, "dump", "--no-green-threads", pid}},
      {"gmr-json", {gmr, "dump", "--json", pid}},
      {"gmr-folded", {gmr, "dump", "--format", "folded", pid}},
      {"eu-stack", {"eu-stack", "-p", pid, "-s", "-i"}},
      {"gdb", {"gdb", "-p", pid, "-batch", "-ex", "thread apply all bt"}},
      {"floor", {BENCH_FLOOR, pid}},
      {"floor-2", {BENCH_FLOOR, "--tracers", "2", pid}},
  };
  std::vector<std::string> tools;
  for (const auto& tool : c.tools.empty() ? default_tools : c.tools)
    if (only_tools.empty() || std::ranges::find(only_tools, tool) != only_tools.end()) tools.push_back(tool);
  // The warm cache: one untimed dump of this target fills it.
  if (std::ranges::any_of(tools, [](const std::string& t) { return is_gmr(t) && t != "gmr-cold"; }))
    run_tool(commands.at("gmr"), c.timeout, caches.env_for("gmr"));
  for (int round = 0; round < c.runs; ++round) {
    std::map<std::string, std::string> outputs;
    for (std::size_t k = 0; k < tools.size(); ++k) {
      const std::string& tool = tools[(k + static_cast<std::size_t>(round)) % tools.size()];
      if (tool == "gdb" && round >= c.gdb_runs) continue;
      if ((tool == "gdb" || tool == "eu-stack") && c.slow_peers && round > 0) continue;
      ToolStats& stats = result.tools[tool];
      target.reset_heartbeat();
      std::filesystem::remove(core_path);  // --core never overwrites
      ToolRun run = run_tool(commands.at(tool), c.timeout, caches.env_for(tool));
      const double gap = target.longest_gap_ms();
      if (tool == "gmr-core")
        if (auto sizes = core_sizes(core_path)) std::tie(result.core_bytes, result.copied_bytes) = *sizes;
      std::cerr << "   round " << round + 1 << " " << tool << ": " << fixed(run.wall_s, 3) << " s, stop "
                << fixed(gap, 2) << " ms, " << run.peak_rss_kb / 1024 << " MB\n";
      if (run.timed_out) {
        // Kept as a lower bound of the tool's wall time and stop window (printed with ≥). Its peak RSS is
        // not known: the helper that measures it was killed with it.
        ++stats.timeouts;
        kill(target.pid(), SIGCONT);  // a killed gdb may leave its tracees stopped
        stats.wall_s.add(run.wall_s);
        stats.stop_ms.add(gap);
        continue;
      }
      const bool ok = WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0;
      if (!ok) {
        ++stats.failures;
        std::cerr << "   " << tool << " failed (status " << run.status << "): " << run.err.substr(0, 300) << '\n';
      }
      stats.wall_s.add(run.wall_s);
      stats.stop_ms.add(gap);
      stats.rss_mb.add(static_cast<double>(run.peak_rss_kb) / 1024.0);
      if (is_gmr(tool))
        if (auto self = parse_gmr_stop_window(run.out)) stats.self_stop_ms.add(*self);
      if (ok) outputs[tool] = std::move(run.out);
    }
    for (const std::string gmr_tool : {"gmr", "gmr-cold"}) {
      if (!outputs.contains(gmr_tool) || !outputs.contains("eu-stack")) continue;
      Agreement a = compare(parse_gmr(outputs[gmr_tool]), parse_eu_stack(outputs["eu-stack"]), moving, executable);
      ++result.rounds_compared;
      result.agreement.threads += a.threads;
      result.agreement.moving_compared_outside += a.moving_compared_outside;
      result.agreement.aliases += a.aliases;
      for (auto& p : a.problems)
        result.agreement.problems.push_back("round " + std::to_string(round + 1) + " (" + gmr_tool + "): " + p);
    }
  }
  if (instructions)
    for (const auto& tool : tools) {
      // gdb: minutes under valgrind, and its ptrace use confuses it; the floor is a stop window, not a cost.
      if (tool == "gdb" || tool.starts_with("floor")) continue;
      target.reset_heartbeat();
      result.tools[tool].instructions = instruction_count(commands.at(tool), caches.env_for(tool), c.timeout * 20);
      std::cerr << "   callgrind " << tool << ": " << fixed(result.tools[tool].instructions.value_or(NAN) / 1e6, 1) << " M\n";
    }
  return result;
}

std::string ratio(double a, double b) {
  if (std::isnan(a) || std::isnan(b) || b == 0) return "–";
  const double r = a / b;
  return r >= 0.1 ? fixed(r, 2) : fixed(r, 3);
}

void print_report(const std::vector<CaseResult>& results, std::ostream& out) {
  out << "| case | tool | wall s: median (min–max) | stop window ms: heartbeat median (min–max) | gmr's own figure ms | peak RSS MB | instructions M |\n";
  out << "|---|---|---|---|---|---|---|\n";
  for (const auto& r : results) {
    if (r.skipped) {
      out << "| " << r.c.title << " | skipped: " << r.skip_reason << " | | | | | |\n";
      continue;
    }
    for (const auto& tool : tool_names) {
      auto it = r.tools.find(tool);
      if (it == r.tools.end()) continue;
      const ToolStats& s = it->second;
      std::string wall = (s.timeouts ? "≥ " : "") + spread(s.wall_s);
      if (s.timeouts) wall += ", " + std::to_string(s.timeouts) + " run(s) killed at " + std::to_string(r.c.timeout.count()) + " s";
      if (s.failures) wall += " (" + std::to_string(s.failures) + " failed)";
      const std::string label = tool == "gmr"       ? "gmr (warm cache)"
                                : tool == "gmr-cold"  ? "gmr (cold cache)"
                                : tool == "floor"     ? "floor: minimal freezer, 1 tracer"
                                : tool == "floor-2"   ? "floor-2: minimal freezer, 2 tracers"
                                                      : tool;
      out << "| " << r.c.title << " | " << label << " | " << wall << " | " << spread(s.stop_ms) << " | "
          << (is_gmr(tool) ? spread(s.self_stop_ms) : "") << " | " << spread(s.rss_mb)
          << " | " << (s.instructions ? fixed(*s.instructions / 1e6, digits_for(*s.instructions / 1e6)) : "") << " |\n";
    }
  }
  out << "\n| case | warm/eu-stack wall | cold/eu-stack wall | warm/gdb wall | cold/gdb wall | warm/eu-stack instructions | "
         "cold/eu-stack instructions | warm/eu-stack stop | warm stop / floor, floor-2 | gmr/eu-stack RSS | idle gap ms | "
         "goals (warm wall vs eu-stack, stop window, RSS ≤ eu-stack) | frames vs eu-stack |\n";
  out << "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : results) {
    if (r.skipped) continue;
    auto median = [&](const std::string& tool, Series ToolStats::*series) {
      auto it = r.tools.find(tool);
      return it == r.tools.end() ? NAN : (it->second.*series).median();
    };
    auto count = [&](const std::string& tool) {
      auto it = r.tools.find(tool);
      return it == r.tools.end() || !it->second.instructions ? NAN : *it->second.instructions;
    };
    const double gw = median("gmr", &ToolStats::wall_s), cw = median("gmr-cold", &ToolStats::wall_s),
                 ew = median("eu-stack", &ToolStats::wall_s), dw = median("gdb", &ToolStats::wall_s);
    const double gs = median("gmr", &ToolStats::stop_ms), es = median("eu-stack", &ToolStats::stop_ms);
    const double f1 = median("floor", &ToolStats::stop_ms), f2 = median("floor-2", &ToolStats::stop_ms);
    const double floor = std::isnan(f1) ? f2 : std::isnan(f2) ? f1 : std::min(f1, f2);
    const double gm = median("gmr", &ToolStats::rss_mb), em = median("eu-stack", &ToolStats::rss_mb);
    std::vector<std::string> goals;
    if (r.c.goal.wall_fraction_of_eu && !std::isnan(gw) && !std::isnan(ew)) {
      const bool met = gw <= *r.c.goal.wall_fraction_of_eu * ew;
      goals.push_back(std::string(met ? "met" : "MISSED") + " wall ≤ " + ratio(*r.c.goal.wall_fraction_of_eu, 1));
    }
    if (r.c.goal.stop_ms && !std::isnan(gs)) {
      // The heartbeat's gaps include the machine's own scheduling noise: with more noise than the goal
      // allows, no stop-window figure can tell whether gmr met it.
      if (r.idle_gap_ms > *r.c.goal.stop_ms)
        goals.push_back("stop ≤ " + fixed(*r.c.goal.stop_ms, 0) + " ms UNDECIDED (idle gap " + fixed(r.idle_gap_ms, 2) +
                        " ms > goal)");
      // Nor when the minimal freezer, doing only the ptrace work every freezer must, holds the target longer
      // than the goal: the host, not gmr, decides it. gmr's share shows in the ratio to the floor.
      else if (floor > *r.c.goal.stop_ms)
        goals.push_back("stop ≤ " + fixed(*r.c.goal.stop_ms, 0) + " ms UNATTAINABLE on this host (floor " +
                        fixed(floor, digits_for(floor)) + " ms > goal)");
      else
        goals.push_back(std::string(gs <= *r.c.goal.stop_ms ? "met" : "MISSED") + " stop ≤ " + fixed(*r.c.goal.stop_ms, 0) + " ms");
    }
    if (!std::isnan(em) && !std::isnan(gm)) goals.push_back(std::string(gm <= em ? "met" : "MISSED") + " RSS");
    if (r.c.goal.rss_mb) {
      double most = NAN, least = NAN;
      for (const char* format : {"gmr", "gmr-json", "gmr-folded"}) {
        const double mb = median(format, &ToolStats::rss_mb);
        if (std::isnan(mb)) continue;
        most = std::isnan(most) ? mb : std::max(most, mb);
        least = std::isnan(least) ? mb : std::min(least, mb);
      }
      if (!std::isnan(most)) {
        goals.push_back(std::string(most <= *r.c.goal.rss_mb ? "met" : "MISSED") + " RSS ≤ " +
                        fixed(*r.c.goal.rss_mb, 0) + " MB in every format");
        goals.push_back(std::string(most <= 1.3 * least ? "met" : "MISSED") + " formats within 1.3× (" +
                        ratio(most, least) + ")");
      }
    }
    std::string goal_text;
    for (const auto& g : goals) goal_text += (goal_text.empty() ? "" : ", ") + g;
    std::string frames;
    if (r.rounds_compared == 0) {
      frames = "not compared";
    } else if (r.agreement.problems.empty()) {
      frames = "agree: " + std::to_string(r.agreement.threads) + " thread stacks in " + std::to_string(r.rounds_compared) +
               " comparisons";
      if (r.agreement.moving_compared_outside)
        frames += " (" + std::to_string(r.agreement.moving_compared_outside) + " moving, compared outside their moving frames)";
    } else {
      frames = "DISAGREE: " + std::to_string(r.agreement.problems.size()) + " thread stacks";
    }
    // A peer killed at the timeout gives a lower bound of its figures, so an upper bound of the ratio.
    auto bound = [&](const std::string& tool) {
      auto it = r.tools.find(tool);
      return it != r.tools.end() && it->second.timeouts ? "≤ " : "";
    };
    out << "| " << r.c.title << " | " << bound("eu-stack") << ratio(gw, ew) << " | " << bound("eu-stack") << ratio(cw, ew)
        << " | " << bound("gdb") << ratio(gw, dw) << " | " << bound("gdb") << ratio(cw, dw) << " | "
        << ratio(count("gmr"), count("eu-stack")) << " | " << ratio(count("gmr-cold"), count("eu-stack")) << " | "
        << bound("eu-stack") << ratio(gs, es) << " | " << ratio(gs, f1) << ", " << ratio(gs, f2) << " | " << ratio(gm, em)
        << " | " << fixed(r.idle_gap_ms, 2) << " | "
        << goal_text << " | " << frames << " |\n";
  }
  for (const auto& r : results) {
    if (r.skipped || !r.tools.contains("gmr-no-python") || !r.tools.contains("gmr")) continue;
    const ToolStats& with = r.tools.at("gmr");
    const ToolStats& without = r.tools.at("gmr-no-python");
    out << "\n" << r.c.title << ": the Python reading adds " << fixed(with.stop_ms.median() - without.stop_ms.median(), 2)
        << " ms to the median heartbeat stop window (" << fixed(with.stop_ms.median(), 2) << " vs "
        << fixed(without.stop_ms.median(), 2) << " ms) and " << fixed(with.self_stop_ms.median() - without.self_stop_ms.median(), 2)
        << " ms to gmr's own figure (" << fixed(with.self_stop_ms.median(), 2) << " vs "
        << fixed(without.self_stop_ms.median(), 2) << " ms); goal: within 2 ms\n";
  }
  for (const auto& r : results) {
    if (r.skipped || !r.tools.contains("gmr-no-green-threads") || !r.tools.contains("gmr")) continue;
    const ToolStats& with = r.tools.at("gmr");
    const ToolStats& without = r.tools.at("gmr-no-green-threads");
    out << "\n" << r.c.title << ": the green-thread search adds "
        << fixed(with.stop_ms.median() - without.stop_ms.median(), 2) << " ms to the median heartbeat stop window ("
        << fixed(with.stop_ms.median(), 2) << " vs " << fixed(without.stop_ms.median(), 2) << " ms; min "
        << fixed(with.stop_ms.min(), 2) << " vs " << fixed(without.stop_ms.min(), 2) << " ms) and "
        << fixed(with.self_stop_ms.median() - without.self_stop_ms.median(), 2) << " ms to gmr's own figure ("
        << fixed(with.self_stop_ms.median(), 2) << " vs " << fixed(without.self_stop_ms.median(), 2)
        << " ms); goal: the stop window with green threads <= 50 ms at 100k GC objects\n";
  }
  for (const auto& r : results) {
    if (r.skipped || !r.tools.contains("gmr-core") || !r.tools.contains("gmr")) continue;
    const double with = r.tools.at("gmr-core").wall_s.median(), without = r.tools.at("gmr").wall_s.median();
    out << "\n" << r.c.title << ": --core adds " << fixed((with - without) * 1e3, 1) << " ms to the median wall time ("
        << fixed(with, 3) << " vs " << fixed(without, 3) << " s), all of it after the target is let go";
    if (r.core_bytes && r.copied_bytes && *r.copied_bytes > 0) {
      const double ratio = static_cast<double>(*r.core_bytes) / static_cast<double>(*r.copied_bytes);
      out << "; the core is " << fixed(static_cast<double>(*r.core_bytes) / 1e6, 2) << " MB for "
          << fixed(static_cast<double>(*r.copied_bytes) / 1e6, 2) << " MB copied while frozen (" << fixed(ratio, 2)
          << "×; goal ≤ 1.2×: " << (ratio <= 1.2 ? "met" : "MISSED") << ")";
    }
    out << "\n";
  }
  for (const auto& r : results)
    if (!r.extra.empty()) out << "\n" << r.c.title << ": " << r.extra << "\n";
}

std::string machine_line() {
  utsname u{};
  uname(&u);
  std::ifstream loadavg("/proc/loadavg");
  std::string l1, l5, l15;
  loadavg >> l1 >> l5 >> l15;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string model;
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.starts_with("model name")) {
      model = line.substr(line.find(':') + 2);
      break;
    }
  return std::to_string(std::thread::hardware_concurrency()) + " CPUs (" + model + "), Linux " + u.release +
         ", load average " + l1 + " " + l5 + " " + l15;
}

void usage(std::ostream& out) {
  out << "usage: gmr_bench [--cases LIST] [--tools LIST] [--runs N] [--gdb-runs N] [--timeout S] [--instructions]\n"
         "                 [--gmr PATH]\n"
         "  LIST: comma-separated of 10,100,1000,10000,depth200,large,redis,py311,py312,py313,green1k,green100k\n"
         "    (default: all)\n"
         "    py3NN: python_crowd.py (50 threads x 30 Python frames) under Debian's python3.11 or\n"
         "    pyenv's 3.12/3.13, dumped by gmr with and without --no-python\n"
         "    greenNNN: tests/fixtures/python/gc_heap.py (20 eventlet green threads among 1k / 100k more\n"
         "    GC-tracked objects) under Debian's python3.11, dumped by gmr with and without --no-green-threads\n"
         "  --tools LIST: comma-separated of gmr (warm frame cache), gmr-cold (empty cache), gmr-core (warm, also\n"
         "    --core), gmr-no-python, gmr-no-green-threads, gmr-json, gmr-folded, eu-stack, gdb, floor and floor-2\n"
         "    (bench_floor, a minimal freezer with 1 and 2 tracer threads: this host's stop-window floor)\n"
         "    (default: each case's own; gmr, gmr-cold, gmr-core, eu-stack, gdb, floor, floor-2 for most)\n"
         "  --instructions: also one run of each tool but gdb and the floors under callgrind (valgrind):\n"
         "    instruction counts\n"
         "  --runs N: rounds per case (default: 5; 3 for 1000, 10000 and large); at 10000 eu-stack and gdb\n"
         "    run in the first round only\n"
         "  --gdb-runs N: at most N of the rounds run gdb too (default: every round)\n"
         "  --timeout S: seconds before a tool run is killed, its figures kept as lower bounds (default 600)\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 3 && std::string(argv[1]) == "--measure") return measure_main(argv[2], argv + 3);
  std::string gmr = GMR_BINARY;
  std::set<std::string> wanted;
  std::optional<int> runs, gdb_runs;
  std::optional<int> timeout;
  std::vector<std::string> only_tools;
  bool instructions = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage(std::cerr);
        std::exit(64);
      }
      return argv[++i];
    };
    if (arg == "--cases") {
      std::istringstream in(value());
      for (std::string c; std::getline(in, c, ',');) wanted.insert(c);
    } else if (arg == "--tools") {
      std::istringstream in(value());
      for (std::string t; std::getline(in, t, ',');) {
        if (std::ranges::find(tool_names, t) == tool_names.end()) {
          std::cerr << "gmr_bench: unknown tool '" << t << "'\n";
          usage(std::cerr);
          return 64;
        }
        only_tools.push_back(t);
      }
    } else if (arg == "--instructions") {
      instructions = true;
    } else if (arg == "--runs") {
      runs = std::stoi(value());
    } else if (arg == "--gdb-runs") {
      gdb_runs = std::stoi(value());
    } else if (arg == "--timeout") {
      timeout = std::stoi(value());
    } else if (arg == "--gmr") {
      gmr = value();
    } else if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      return 0;
    } else {
      usage(std::cerr);
      return 64;
    }
  }

  const std::string target = BENCH_TARGET;
  std::vector<Case> cases = {
      {"10", "10 threads", {target, "10", "20", "2"}, {}, true, 2, 5, 5, 600s, {0.5, 1.0}},
      {"100", "100 threads", {target, "100", "20", "2"}, {}, true, 2, 5, 5, 600s, {0.25, 2.0}},
      {"1000", "1,000 threads", {target, "1000", "20", "2"}, {}, true, 2, 3, 3, 600s, {0.1, 12.0}},
      // eu-stack (about 5 minutes) and gdb (about 45 s) run in the first round only; a run past 600 s is killed
      // and counted as ≥ 600 s. gmr and the floors vary by ±30% run to run here: three rounds.
      {"10000", "10,000 threads", {target, "10000", "20", "2"}, {}, true, 2, 3, 1, 600s, {0.1, 120.0, 150.0}, false,
       {"gmr", "gmr-cold", "gmr-core", "gmr-json", "gmr-folded", "eu-stack", "gdb", "floor", "floor-2"}, true},
      {"depth200", "depth 200 (10 threads)", {target, "10", "200", "2"}, {}, true, 2, 5, 5, 600s, {}},
      {"large", "large DWARF (20 threads)", {BENCH_LARGE, "20", "10", "2"}, {}, true, 2, 3, 3, 600s, {0.5, 2.0}, true},
      // No TCP port; a server that listens nowhere exits, hence the socket.
      {"redis", "redis-server", {"/usr/bin/redis-server", "--port", "0", "--unixsocket", "/tmp/gmr-bench-redis.sock",
                                 "--save", "", "--appendonly", "no",
                                 "--daemonize", "no", "--loglevel", "warning"},
       {std::string("LD_PRELOAD=") + BENCH_HEARTBEAT_LIB}, false, 0, 5, 5, 600s, {}},
  };
  // The Python crowd: what reading the interpreter while frozen costs the stop window.
  const std::string pyenv = std::getenv("PYENV_ROOT") ? std::getenv("PYENV_ROOT")
                            : std::string(std::getenv("HOME") ? std::getenv("HOME") : "/root") + "/.pyenv";
  const std::string crowd = std::string(GMR_BENCH_SOURCE_DIR) + "/python_crowd.py";
  const std::vector<std::string> python_tools = {"gmr", "gmr-no-python"};
  for (const auto& [key, title, python] :
       std::vector<std::array<std::string, 3>>{{"py311", "Python 3.11 crowd (Debian)", "/usr/bin/python3.11"},
                                               {"py312", "Python 3.12 crowd (pyenv)", pyenv + "/versions/3.12.1/bin/python3.12"},
                                               {"py313", "Python 3.13 crowd (pyenv)", pyenv + "/versions/3.13.0/bin/python3.13"}})
    cases.push_back({key, title, {python, crowd, "50", "30"},
                     {std::string("LD_PRELOAD=") + BENCH_HEARTBEAT_LIB}, true, 0, 10, 0, 600s, {}, false, python_tools});
  // Green threads: what the walk of the GC lists that finds every greenlet costs the stop window (issue 11:
  // <= 50 ms at 100k objects). --foreign-threads: the fixture gets ready beside the heartbeat thread.
  const std::string gc_heap = std::string(GMR_BENCH_SOURCE_DIR) + "/../fixtures/python/gc_heap.py";
  for (const auto& [key, objects] : std::vector<std::array<std::string, 2>>{{"green1k", "1k"}, {"green100k", "100k"}})
    cases.push_back({key, "eventlet, 20 green threads, " + objects + " GC objects (Debian 3.11)",
                     {"/usr/bin/python3.11", gc_heap, "--objects", objects, "--foreign-threads"},
                     {std::string("LD_PRELOAD=") + BENCH_HEARTBEAT_LIB}, true, 0, 10, 0, 600s, Goal{std::nullopt, 50.0}, false,
                     {"gmr", "gmr-no-green-threads"}});

  char cache_root[] = "/tmp/gmr-bench-cache-XXXXXX";
  if (mkdtemp(cache_root) == nullptr) {
    std::cerr << "gmr_bench: mkdtemp: " << std::strerror(errno) << '\n';
    return 1;
  }
  const CacheDirs caches{std::string(cache_root) + "/warm", std::string(cache_root) + "/cold"};
  std::cout << "gmr_bench: " << machine_line() << "\n";
  std::vector<CaseResult> results;
  int status = 0;
  for (Case c : cases) {
    if (!wanted.empty() && !wanted.contains(c.key)) continue;
    if (runs) c.runs = *runs;
    c.gdb_runs = std::min(c.runs, gdb_runs.value_or(c.runs));
    if (timeout) c.timeout = std::chrono::seconds(*timeout);
    try {
      results.push_back(run_case(c, gmr, only_tools, instructions, caches, std::string(cache_root) + "/bench.core"));
    } catch (const std::exception& e) {
      std::cerr << "gmr_bench: " << c.title << ": " << e.what() << '\n';
      status = 1;
      continue;
    }
    for (const auto& p : results.back().agreement.problems) std::cerr << "gmr_bench: " << c.title << ": " << p << '\n';
    if (!results.back().agreement.problems.empty()) status = 1;
  }
  std::cout << "load average at the end: " << machine_line().substr(machine_line().rfind("load average") + 13) << "\n\n";
  print_report(results, std::cout);
  std::filesystem::remove_all(cache_root);
  return status;
}
