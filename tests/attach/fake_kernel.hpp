// A scripted Kernel for unit tests of the freeze state machine: the test says what /proc lists, what each
// ptrace request answers and which wait events arrive, then checks what the freezer did.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "attach/kernel.hpp"

namespace gmr::test {

class FakeKernel final : public attach::Kernel {
 public:
  // /proc/PID/task listings, one per call; the last one repeats.
  std::vector<std::vector<pid_t>> listings;
  std::map<pid_t, int> seize_errors;
  // Answers to successive PTRACE_SEIZEs of one thread, used up before seize_errors applies.
  std::map<pid_t, std::deque<int>> seize_answers;
  std::map<pid_t, attach::ThreadLiveness> liveness_of;
  std::map<pid_t, pid_t> clone_children;
  // Registers of each thread; a thread not listed reads as all zeros, one in registers_lost as unreadable.
  std::map<pid_t, user_regs_struct> registers_of;
  std::set<pid_t> registers_lost;
  std::deque<attach::WaitResult> events;
  pid_t tracer = 4242;

  std::vector<pid_t> seized, interrupted;
  std::vector<std::pair<pid_t, int>> detached;

  std::vector<pid_t> list_threads(pid_t) override {
    if (listings.empty()) return {};
    auto list = listings.front();
    if (listings.size() > 1) listings.erase(listings.begin());
    return list;
  }
  int seize(pid_t tid) override {
    seized.push_back(tid);
    if (auto a = seize_answers.find(tid); a != seize_answers.end() && !a->second.empty()) {
      const int answer = a->second.front();
      a->second.pop_front();
      return answer;
    }
    auto it = seize_errors.find(tid);
    return it == seize_errors.end() ? 0 : it->second;
  }
  int interrupt(pid_t tid) override {
    interrupted.push_back(tid);
    return 0;
  }
  int detach(pid_t tid, int signal) override {
    detached.emplace_back(tid, signal);
    return 0;
  }
  std::optional<pid_t> clone_child(pid_t tid) override {
    auto it = clone_children.find(tid);
    if (it == clone_children.end()) return std::nullopt;
    return it->second;
  }
  std::optional<user_regs_struct> registers(pid_t tid) override {
    if (registers_lost.contains(tid)) return std::nullopt;
    auto it = registers_of.find(tid);
    return it == registers_of.end() ? user_regs_struct{} : it->second;
  }
  attach::WaitResult wait(attach::Deadline) override {
    if (events.empty()) return attach::WaitResult::deadline_passed();
    auto e = events.front();
    events.pop_front();
    return e;
  }
  attach::ThreadLiveness liveness(pid_t tid) override {
    auto it = liveness_of.find(tid);
    return it == liveness_of.end() ? attach::ThreadLiveness{} : it->second;
  }
  pid_t tracer_id() const override { return tracer; }

  /// The next wait reports `status` of `tid` (built with attach::WaitStatus::for_…).
  void stop(pid_t tid, attach::WaitStatus status) {
    events.push_back(attach::WaitResult::event(tid, status));
  }
  void signal_to_gmr(int sig) { events.push_back(attach::WaitResult::signalled(sig)); }
  void wait_fails(int err) { events.push_back(attach::WaitResult::failed(err)); }
};

}  // namespace gmr::test
