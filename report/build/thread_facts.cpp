#include "report/build/thread_facts.hpp"

#include <csignal>
#include <cstring>

#include "attach/base/proc_state.hpp"
#include "report/build/syscall_names.hpp"

namespace gmr::report {

std::string signal_name(int signal) {
  if (signal >= SIGRTMIN && signal <= SIGRTMAX) {
    if (signal == SIGRTMIN) return "SIGRTMIN";
    if (signal == SIGRTMAX) return "SIGRTMAX";
    return "SIGRTMIN+" + std::to_string(signal - SIGRTMIN);
  }
  if (const char* abbrev = sigabbrev_np(signal)) return std::string("SIG") + abbrev;
  return "signal " + std::to_string(signal);
}

report::Thread thread_facts(const attach::ThreadSnapshot& thread) {
  const attach::ThreadFacts& facts = thread.facts;
  report::Thread out;
  out.tid = facts.tid;
  out.name = facts.name;
  out.state = facts.state;
  if (facts.state)
    if (auto name = attach::proc_state_name(*facts.state)) out.state_name = std::string(*name);
  out.cpu_user = facts.cpu_user;
  out.cpu_system = facts.cpu_system;
  out.wchan = facts.wchan;
  if (facts.syscall && facts.syscall->number) {
    report::BlockedSyscall call;
    call.number = *facts.syscall->number;
    if (auto name = syscall_name(call.number)) call.name = std::string(*name);
    call.args.assign(facts.syscall->args.begin(), facts.syscall->args.end());
    out.syscall = std::move(call);
  }

  out.frozen = thread.freeze == attach::FreezeState::frozen;
  if (thread.freeze == attach::FreezeState::not_frozen)
    out.errors.push_back("not frozen: did not stop within the timeout");
  if (thread.stop_kind == attach::StopKind::group_stop) {
    out.stop = "group-stop (process was stopped; left stopped)";
  } else if (thread.stop_kind == attach::StopKind::signal_delivery) {
    out.stop = thread.pending_signal ? "signal " + signal_name(*thread.pending_signal) + " raced the freeze (re-delivered)"
                                     : std::string("a signal raced the freeze (re-delivered)");
  }
  if (thread.error) out.errors.push_back(*thread.error);
  return out;
}

}  // namespace gmr::report
