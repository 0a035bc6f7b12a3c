#include "symbolize/python/walker.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <string>

#include "symbolize/python/frame_runs.hpp"
#include "symbolize/python/remote_read.hpp"
#include "symbolize/python/str_hash.hpp"
#include "symbolize/python/thread_names.hpp"
#include "symbolize/python/thread_states.hpp"

namespace gmr::symbolize::python {
namespace {

DecodeError about(const std::string& what, const DecodeError& e) { return DecodeError{e.failure, what + ": " + e.message}; }

std::optional<pid_t> tid_of(const ThreadState& thread, const WalkOptions& options) {
  const std::uint64_t native = thread.native_thread_id;
  if (native == 0 || native > static_cast<std::uint64_t>(std::numeric_limits<pid_t>::max())) return std::nullopt;
  const auto tid = static_cast<pid_t>(native);
  if (options.process_tids && !std::binary_search(options.process_tids->begin(), options.process_tids->end(), tid))
    return std::nullopt;
  return tid;
}

/// The target's str hash, from its _Py_HashSecret (nullopt when unknown or unreadable: lookups then scan).
std::optional<StrHasher> hasher_of(const attach::MemorySource& memory, const PythonTarget& target) {
  if (!target.hash_secret) return std::nullopt;
  auto secret = read_block(memory, *target.hash_secret, 16, "_Py_HashSecret");
  if (!secret) return std::nullopt;
  return StrHasher{secret->pointer(0), secret->pointer(8)};
}

/// ident -> Thread.name of the threads `threading` knows in `interp`.
std::map<std::uint64_t, std::string> names_of(const attach::MemorySource& memory, const PythonTarget& target,
                                              std::uint64_t interp, const std::optional<StrHasher>& hasher,
                                              PythonProcess& out) {
  std::map<std::uint64_t, std::string> names;
  auto read = thread_names(memory, target.layout, target.types, interp, hasher ? &*hasher : nullptr);
  if (!read) {
    out.errors.push_back(about("thread names (threading._active)", read.error()));
    return names;
  }
  for (auto& entry : *read) {
    if (entry.name)
      names.emplace(entry.ident, std::move(*entry.name));
    else if (entry.error)
      out.errors.push_back(about("name of thread ident " + std::to_string(entry.ident), *entry.error));
  }
  return names;
}

std::optional<std::uint64_t> futex_word_of(std::optional<pid_t> tid, const WalkOptions& options) {
  if (!tid) return std::nullopt;
  auto it = std::ranges::lower_bound(options.futex_waits, *tid, {}, &WalkOptions::FutexWait::tid);
  if (it == options.futex_waits.end() || it->tid != *tid) return std::nullopt;
  return it->word;
}

const PythonFrame* innermost_frame(const PythonThread& thread) {
  for (const auto& run : thread.runs)
    if (!run.frames.empty()) return &run.frames.front();
  return nullptr;
}

void read_interpreter(const attach::MemorySource& memory, const PythonTarget& target, const WalkOptions& options,
                      std::uint64_t interp, CodeObjectCache& codes, const std::optional<StrHasher>& hasher,
                      PythonProcess& out, std::optional<std::uint64_t>& gil_state) {
  const auto& layout = target.layout;
  ThreadStateList list = thread_states(memory, layout, interp);
  if (list.truncated) out.errors.push_back(about("thread list of interpreter " + hex(interp), *list.truncated));

  auto holder = gil_holder(memory, layout, target.runtime, interp);
  if (!holder)
    out.errors.push_back(about("GIL of interpreter " + hex(interp), holder.error()));
  else if (*holder && !gil_state)
    gil_state = **holder;

  const auto names =
      options.thread_names ? names_of(memory, target, interp, hasher, out) : std::map<std::uint64_t, std::string>{};
  for (const auto& state : list.threads) {
    PythonThread thread;
    thread.thread_state = state.address;
    thread.tid = tid_of(state, options);
    thread.thread_id = state.thread_id;
    if (auto it = names.find(state.thread_id); it != names.end()) thread.name = it->second;
    thread.holds_gil = holder && *holder && **holder == state.address;
    ThreadRuns runs = read_thread_runs(memory, layout, target.types, state, codes, options.max_frames_per_thread);
    thread.runs = std::move(runs.runs);
    thread.truncated = std::move(runs.truncated);
    if (runs.markers)
      out.errors.push_back(about("C-stack markers of thread state " + hex(state.address), *runs.markers));
    if (auto word = futex_word_of(thread.tid, options))
      if (const PythonFrame* innermost = innermost_frame(thread))
        thread.lock_wait = find_lock_wait(memory, layout, target.types, codes, *innermost, *word);
    out.threads.push_back(std::move(thread));
  }
}

/// The main interpreter's greenlets (the last of the interpreter list), after its threads.
void read_green_threads(const attach::MemorySource& memory, const PythonTarget& target, const WalkOptions& options,
                        std::uint64_t main_interp, CodeObjectCache& codes, PythonProcess& out) {
  if (!options.green_threads) {
    out.green_threads_absent = GreenThreadsAbsent::not_asked;
    return;
  }
  GreenletSearchOptions search_options = options.greenlets;
  for (const auto& thread : out.threads)
    if (thread.tid) search_options.thread_states.push_back({*thread.tid, thread.thread_state});
  GreenletSearch search = find_green_threads(memory, target, main_interp, codes, search_options);
  out.green_threads = std::move(search.green_threads);
  out.green_threads_absent = search.absent;
  out.green_threads_error = std::move(search.error);
  out.gc_objects_walked = search.gc_objects;
  for (auto& error : search.left_out) out.errors.push_back(std::move(error));
}

}  // namespace

PythonProcess read_python_process(const attach::MemorySource& memory, const PythonTarget& target,
                                  const WalkOptions& options) {
  PythonProcess out;
  out.version = target.layout.version;
  out.layout_provenance = target.layout.provenance;
  auto interps = interpreter_addresses(memory, target.layout, target.runtime);
  if (!interps) {
    out.errors.push_back(about("interpreters of _PyRuntime at " + hex(target.runtime), interps.error()));
    return out;
  }
  CodeObjectCache codes;
  const std::optional<StrHasher> hasher = options.thread_names ? hasher_of(memory, target) : std::nullopt;
  std::optional<std::uint64_t> gil_state;  // the thread state holding a GIL (the main interpreter's is last)
  // The main interpreter is the last of the list: read it first, so that its GIL holder is the one named.
  for (auto it = interps->rbegin(); it != interps->rend(); ++it)
    read_interpreter(memory, target, options, *it, codes, hasher, out, gil_state);

  std::stable_sort(out.threads.begin(), out.threads.end(), [](const PythonThread& a, const PythonThread& b) {
    if (a.tid.has_value() != b.tid.has_value()) return a.tid.has_value();
    return a.tid && *a.tid < *b.tid;
  });
  for (const auto& thread : out.threads)
    if (gil_state && thread.thread_state == *gil_state) out.gil_holder = thread.tid;
  // An RLock's owner is recorded by its thread ident: the thread with that thread_id.
  for (auto& thread : out.threads) {
    if (!thread.lock_wait || !thread.lock_wait->owner_ident) continue;
    for (const auto& owner : out.threads)
      if (owner.thread_id == *thread.lock_wait->owner_ident && owner.tid) thread.lock_wait->owner_tid = owner.tid;
  }
  if (!interps->empty()) read_green_threads(memory, target, options, interps->back(), codes, out);
  return out;
}

}  // namespace gmr::symbolize::python
