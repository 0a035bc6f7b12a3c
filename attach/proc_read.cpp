#include "attach/proc_read.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "attach/proc_parse.hpp"
#include "attach/base/unique_dir.hpp"

namespace gmr::attach {
namespace {

std::optional<pid_t> parse_pid(std::string_view name) {
  pid_t value = 0;
  const char* end = name.data() + name.size();
  auto [ptr, ec] = std::from_chars(name.data(), end, value);
  if (ec != std::errc{} || ptr != end || value <= 0) return std::nullopt;
  return value;
}

std::vector<pid_t> numeric_entries(const std::string& dir) {
  std::vector<pid_t> ids;
  UniqueDir entries = UniqueDir::open(dir);
  while (auto name = entries.next_name())
    if (auto id = parse_pid(*name)) ids.push_back(*id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::chrono::microseconds ticks_to_us(unsigned long long ticks) {
  static const long hz = sysconf(_SC_CLK_TCK);
  return std::chrono::microseconds(static_cast<long long>(ticks * 1'000'000ULL / static_cast<unsigned long long>(hz > 0 ? hz : 100)));
}

std::string trim_newline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
  return s;
}

}  // namespace

std::vector<pid_t> read_thread_ids(pid_t pid) {
  return numeric_entries(proc_path(pid, "task"));
}

ThreadFacts read_thread_facts(pid_t pid, pid_t tid) {
  ThreadFacts facts;
  facts.tid = tid;
  if (auto stat = read_file(task_path(pid, tid, "stat")); stat) {
    if (auto f = parse_stat(*stat)) {
      facts.name = f->name;
      facts.state = f->state;
      facts.cpu_user = ticks_to_us(f->utime);
      facts.cpu_system = ticks_to_us(f->stime);
    }
  }
  if (auto comm = read_file(task_path(pid, tid, "comm")); comm && !facts.name) facts.name = trim_newline(*comm);
  if (auto wchan = read_file(task_path(pid, tid, "wchan")); wchan) {
    std::string w = trim_newline(*wchan);
    if (!w.empty() && w != "0") facts.wchan = w;
  }
  if (auto syscall = read_file(task_path(pid, tid, "syscall")); syscall) facts.syscall = parse_syscall(*syscall);
  return facts;
}

Maps read_maps(pid_t pid) {
  auto text = read_file(proc_path(pid, "maps"));
  if (!text) return {};
  return parse_maps(*text);
}

std::optional<std::string> read_executable(pid_t pid, bool* deleted) {
  char buf[4096];
  const ssize_t n = readlink(proc_path(pid, "exe").c_str(), buf, sizeof buf - 1);
  if (n <= 0) return std::nullopt;
  std::string exe(buf, static_cast<std::size_t>(n));
  constexpr std::string_view suffix = " (deleted)";
  const bool was_deleted = exe.ends_with(suffix);
  if (was_deleted) exe.resize(exe.size() - suffix.size());
  if (deleted) *deleted = was_deleted;
  return exe;
}

bool shares_root_with_self(pid_t pid) {
  struct stat theirs {}, ours {};
  if (::stat(proc_path(pid, "root").c_str(), &theirs) != 0 || ::stat("/", &ours) != 0) return false;
  if (theirs.st_dev != ours.st_dev || theirs.st_ino != ours.st_ino) return false;
  char a[64], b[64];
  const ssize_t na = readlink(proc_path(pid, "ns/mnt").c_str(), a, sizeof a);
  const ssize_t nb = readlink("/proc/self/ns/mnt", b, sizeof b);
  return na > 0 && na == nb && std::string_view(a, static_cast<std::size_t>(na)) == std::string_view(b, static_cast<std::size_t>(nb));
}

std::vector<ProcessFacts> read_process_tree(pid_t pid) {
  std::map<pid_t, std::vector<pid_t>> children;
  for (pid_t p : numeric_entries("/proc")) {
    if (auto stat = read_file(proc_path(p, "stat")))
      if (auto f = parse_stat(*stat)) children[f->ppid].push_back(p);
  }
  std::vector<ProcessFacts> out;
  // Depth-first with an explicit stack; pid reuse cannot form a cycle in one scan, but bound it anyway.
  std::vector<std::pair<pid_t, int>> todo{{pid, 0}};
  while (!todo.empty() && out.size() < 100000) {
    auto [p, depth] = todo.back();
    todo.pop_back();
    ProcessFacts facts;
    facts.pid = p;
    facts.depth = depth;
    if (auto stat = read_file(proc_path(p, "stat")); stat) {
      if (auto f = parse_stat(*stat)) {
        facts.ppid = f->ppid;
        facts.state = f->state;
        facts.name = f->name;
      }
    }
    if (auto status = read_file(proc_path(p, "status")); status) {
      auto s = parse_status(*status);
      if (s.uids) facts.uid = (*s.uids)[0];
    }
    if (auto cmdline = read_file(proc_path(p, "cmdline")); cmdline) facts.cmdline = parse_cmdline(*cmdline);
    out.push_back(std::move(facts));
    auto it = children.find(p);
    if (it != children.end())
      for (auto c = it->second.rbegin(); c != it->second.rend(); ++c) todo.emplace_back(*c, depth + 1);
  }
  return out;
}

}  // namespace gmr::attach
