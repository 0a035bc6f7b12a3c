// A scripted Kernel for unit tests of the freeze state machine: the test says what /proc lists, what each
// ptrace request answers and which wait events arrive, then checks what the freezer did and how often it
// asked.
//
// Waiting: `events` holds what the tracees have to report, in the order it happened. wait_for(tid) takes the
// first entry of `tid` (an event, or `gone`), wait_any() the first event of anyone; a failure entry is
// returned by the first wait of either kind that reaches it. Every sleep() moves one entry of `late` (if
// any) into `events` — a stop that comes only after the freezer has looked — then returns the next
// `sleeps` outcome (a quiet slice, a signal to gmr), or `woken` while `late` had something, else the
// deadline. A signal sent to gmr that no sleep reports sits in `termination`.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
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
  std::deque<attach::WaitResult> late;
  std::deque<attach::WaitResult> sleeps;
  std::optional<int> termination;  // reported (once) by termination_signal()
  pid_t tracer = 4242;

  std::vector<pid_t> seized, interrupted;
  std::vector<std::string> log;  // "list", "seize TID", "interrupt TID", "wait TID", in order
  std::chrono::steady_clock::time_point last_listed;  // when the last list_threads() returned
  std::vector<std::pair<pid_t, int>> detached;
  std::vector<pid_t> waited_for;  // every wait_for(), in order
  std::size_t wait_any_calls = 0, sleep_calls = 0;

  std::vector<pid_t> list_threads(pid_t) override {
    log.push_back("list");
    last_listed = std::chrono::steady_clock::now();
    if (listings.empty()) return {};
    auto list = listings.front();
    if (listings.size() > 1) listings.erase(listings.begin());
    return list;
  }
  int seize(pid_t tid) override {
    seized.push_back(tid);
    log.push_back("seize " + std::to_string(tid));
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
    log.push_back("interrupt " + std::to_string(tid));
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
  attach::WaitResult wait_for(pid_t tid) override {
    waited_for.push_back(tid);
    log.push_back("wait " + std::to_string(tid));
    return take([tid](const attach::WaitResult& r) { return r.tid == tid; });
  }
  attach::WaitResult wait_any() override {
    ++wait_any_calls;
    return take([](const attach::WaitResult& r) { return r.kind == attach::WaitResult::Kind::event; });
  }
  attach::WaitResult sleep(attach::Deadline) override {
    ++sleep_calls;
    const bool moved = !late.empty();
    if (moved) {
      events.push_back(late.front());
      late.pop_front();
    }
    if (!sleeps.empty()) {
      auto r = sleeps.front();
      sleeps.pop_front();
      return r;
    }
    return moved ? attach::WaitResult::woke() : attach::WaitResult::deadline_passed();
  }
  std::optional<int> termination_signal() override { return std::exchange(termination, std::nullopt); }
  attach::ThreadLiveness liveness(pid_t tid) override {
    auto it = liveness_of.find(tid);
    return it == liveness_of.end() ? attach::ThreadLiveness{} : it->second;
  }
  pid_t tracer_id() const override { return tracer; }

  /// `tid` has `status` to report (built with attach::WaitStatus::for_…).
  void stop(pid_t tid, attach::WaitStatus status) { events.push_back(attach::WaitResult::event(tid, status)); }
  /// `tid` reports `status` only after the freezer has slept once more.
  void stop_late(pid_t tid, attach::WaitStatus status) { late.push_back(attach::WaitResult::event(tid, status)); }
  /// `tid` is no longer a tracee (its tid taken over by an exec, or reaped elsewhere).
  void vanish(pid_t tid) { events.push_back(attach::WaitResult::vanished(tid)); }
  /// The next sleep() returns after a time slice in which nothing happened.
  void quiet() { sleeps.push_back(attach::WaitResult::quiet_slice()); }
  /// The next sleep() returns `sig` sent to gmr.
  void signal_to_gmr(int sig) { sleeps.push_back(attach::WaitResult::signalled(sig)); }
  /// The wait that reaches this point of `events` fails with `err`.
  void wait_fails(int err) { events.push_back(attach::WaitResult::failed(err)); }

 private:
  template <typename Match>
  attach::WaitResult take(Match match) {
    for (auto it = events.begin(); it != events.end(); ++it) {
      if (it->kind == attach::WaitResult::Kind::error || match(*it)) {
        const auto r = *it;
        events.erase(it);
        return r;
      }
    }
    return attach::WaitResult::nothing();
  }
};

}  // namespace gmr::test
