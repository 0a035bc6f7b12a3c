#include "report/build/thread_facts.hpp"

#include "attach/base/proc_state.hpp"
#include "report/build/syscall_names.hpp"

namespace gmr::report {

namespace {

report::ThreadError thread_error(const attach::ThreadCopyError& error) {
  using From = attach::ThreadCopyError::Kind;
  using To = report::ThreadError::Kind;
  report::ThreadError out;
  switch (error.kind) {
    case From::no_registers: out.kind = To::no_registers; break;
    case From::stack_not_captured: out.kind = To::stack_not_captured; break;
    case From::stack_unreadable: out.kind = To::stack_unreadable; break;
  }
  out.errno_value = error.errno_value;
  out.address = error.address;
  return out;
}

}  // namespace

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
    out.errors.push_back(report::ThreadError{report::ThreadError::Kind::not_frozen});
  if (thread.stop_kind == attach::StopKind::group_stop)
    out.stop = report::Stop{report::Stop::Kind::group_stop};
  else if (thread.stop_kind == attach::StopKind::signal_delivery)
    out.stop = report::Stop{report::Stop::Kind::signal_delivery, thread.pending_signal};
  else if (thread.stop_kind == attach::StopKind::core_signal)
    out.stop = report::Stop{report::Stop::Kind::core_signal, thread.pending_signal};
  if (thread.error) out.errors.push_back(thread_error(*thread.error));
  return out;
}

}  // namespace gmr::report
