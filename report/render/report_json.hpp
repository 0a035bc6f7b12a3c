// JSON beside the Report types (nlohmann ADL serializers), the pieces of a gmr.report/2 object. The
// whole object, with its envelope and section selection, is built by report/render/json_renderer.hpp.
// Contract (also gmr(1) OUTPUT and report/render/gmr-report.schema.json): snake_case keys; every key present;
// an unknown value is null, never "" or 0; target addresses and offsets are "0x…" strings; durations are
// integers with their unit in the key (_us); enums are stable lowercase strings. ordered_json keeps the
// keys in the documented order, for people reading the output and for the golden files.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "report/dump_error.hpp"
#include "report/render/config_json.hpp"  // the configuration pieces: ConfigBlock, CustomSection
#include "report/render/python_json.hpp"  // the Python pieces: PythonLock, PythonInfo, GreenThread
#include "report/report.hpp"
#include "report/thread_index.hpp"

namespace gmr::report {

void to_json(nlohmann::ordered_json& out, const Frame& frame);
void to_json(nlohmann::ordered_json& out, const BlockedSyscall& syscall);
void to_json(nlohmann::ordered_json& out, const WaitedFd& fd);
void to_json(nlohmann::ordered_json& out, const Wait& wait);
void to_json(nlohmann::ordered_json& out, const HeldLock& lock);
void to_json(nlohmann::ordered_json& out, const Stop& stop);
void to_json(nlohmann::ordered_json& out, const ThreadError& error);
void to_json(nlohmann::ordered_json& out, const Thread& thread);
void to_json(nlohmann::ordered_json& out, const Deadlock& deadlock);
void to_json(nlohmann::ordered_json& out, const Package& package);
void to_json(nlohmann::ordered_json& out, const Process& process);
void to_json(nlohmann::ordered_json& out, const CaptureNote& note);
void to_json(nlohmann::ordered_json& out, const Capture& capture);
void to_json(nlohmann::ordered_json& out, const DumpError& error);

/// The "groups" value: null without --group, else each group (group_json) in order.
nlohmann::ordered_json groups_json(const Report& report);

/// One group of "groups": its count, tids, names (with counts) and the frames of its first thread.
nlohmann::ordered_json group_json(const ThreadGroup& group, const ThreadIndex& threads);

/// The "target" object: who was dumped (pid, name, exe, exe_deleted, cmdline, uid, user).
nlohmann::ordered_json target_json(const Report& report);

}  // namespace gmr::report
