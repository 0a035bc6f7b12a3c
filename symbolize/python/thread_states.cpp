#include "symbolize/python/thread_states.hpp"

#include <unordered_set>

#include "symbolize/python/remote_read.hpp"

namespace gmr::symbolize::python {

Decoded<std::vector<std::uint64_t>> interpreter_addresses(const attach::MemorySource& memory,
                                                          const PythonLayout& layout, std::uint64_t runtime) {
  auto head_at = field_address(runtime, layout.runtime.interpreters_head, "interpreters.head");
  if (!head_at) return unexpected(head_at.error());
  auto head = read_word(memory, *head_at, "_PyRuntime");
  if (!head) return unexpected(head.error());
  std::vector<std::uint64_t> result;
  std::unordered_set<std::uint64_t> seen;
  for (std::uint64_t interp = *head; interp != 0;) {
    if (!seen.insert(interp).second) return fail(DecodeFailure::cycle, "the interpreter list comes back to " + hex(interp));
    if (result.size() >= max_interpreters)
      return fail(DecodeFailure::too_many, "more than " + std::to_string(max_interpreters) + " interpreters");
    result.push_back(interp);
    auto next_at = field_address(interp, layout.interpreter.next, "PyInterpreterState.next");
    if (!next_at) return unexpected(next_at.error());
    auto next = read_word(memory, *next_at, "interpreter state");
    if (!next) return unexpected(next.error());
    interp = *next;
  }
  return result;
}

namespace {

Decoded<ThreadState> read_thread_state(const attach::MemorySource& memory, const PythonLayout& layout,
                                       std::uint64_t address) {
  const auto& t = layout.thread;
  auto block = read_block(memory, address,
                          block_size({t.next, t.interp, t.thread_id, t.native_thread_id, t.cframe.value_or(0),
                                      t.current_frame.value_or(0)}),
                          "thread state");
  if (!block) return unexpected(block.error());
  ThreadState thread;
  thread.address = address;
  thread.interp = block->pointer(t.interp);
  thread.thread_id = block->pointer(t.thread_id);
  thread.native_thread_id = block->pointer(t.native_thread_id);
  if (t.current_frame) {
    thread.top_frame = block->pointer(*t.current_frame);
  } else if (t.cframe) {
    thread.cframe = block->pointer(*t.cframe);
    auto at = field_address(thread.cframe, layout.cframe.current_frame, "cframe.current_frame");
    auto top = at ? read_word(memory, *at, "_PyCFrame") : Decoded<std::uint64_t>(unexpected(at.error()));
    if (top)
      thread.top_frame = *top;
    else
      thread.top_frame_error = top.error();
  }
  return thread;
}

}  // namespace

ThreadStateList thread_states(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t interp) {
  ThreadStateList list;
  auto head_at = field_address(interp, layout.interpreter.threads_head, "threads.head");
  auto head = head_at ? read_word(memory, *head_at, "interpreter state") : Decoded<std::uint64_t>(unexpected(head_at.error()));
  if (!head) {
    list.truncated = head.error();
    return list;
  }
  std::unordered_set<std::uint64_t> seen;
  for (std::uint64_t address = *head; address != 0;) {
    if (!seen.insert(address).second) {
      list.truncated = DecodeError{DecodeFailure::cycle, "the thread list comes back to " + hex(address)};
      break;
    }
    if (list.threads.size() >= max_threads) {
      list.truncated = DecodeError{DecodeFailure::too_many, "more than " + std::to_string(max_threads) + " thread states"};
      break;
    }
    auto thread = read_thread_state(memory, layout, address);
    if (!thread) {
      list.truncated = thread.error();
      break;
    }
    list.threads.push_back(*thread);
    auto next_at = field_address(address, layout.thread.next, "PyThreadState.next");
    auto next = next_at ? read_word(memory, *next_at, "thread state") : Decoded<std::uint64_t>(unexpected(next_at.error()));
    if (!next) {
      list.truncated = next.error();
      break;
    }
    address = *next;
  }
  return list;
}

Decoded<std::vector<CFrameRecord>> cframe_chain(const attach::MemorySource& memory, const PythonLayout& layout,
                                                const ThreadState& thread) {
  if (!layout.thread.cframe) return fail(DecodeFailure::unsupported, "Python " + version_string(layout.version) + " has no _PyCFrame");
  std::vector<CFrameRecord> chain;
  std::unordered_set<std::uint64_t> seen;
  for (std::uint64_t address = thread.cframe; address != 0;) {
    if (!seen.insert(address).second) return fail(DecodeFailure::cycle, "the _PyCFrame chain comes back to " + hex(address));
    if (chain.size() >= max_cframes) return fail(DecodeFailure::too_many, "more than " + std::to_string(max_cframes) + " _PyCFrames");
    auto block = read_block(memory, address, block_size({layout.cframe.current_frame, layout.cframe.previous}), "_PyCFrame");
    if (!block) return unexpected(block.error());
    chain.push_back({address, block->pointer(layout.cframe.current_frame)});
    address = block->pointer(layout.cframe.previous);
  }
  return chain;
}

Decoded<std::optional<std::uint64_t>> gil_holder(const attach::MemorySource& memory, const PythonLayout& layout,
                                                 std::uint64_t runtime, std::uint64_t interp) {
  std::uint64_t gil = 0;
  if (layout.gil_model == GilModel::runtime_gil) {
    auto at = field_address(runtime, layout.runtime.gil.value_or(0), "_PyRuntime.ceval.gil");
    if (!at) return unexpected(at.error());
    gil = *at;
  } else {
    auto at = field_address(interp, layout.interpreter.ceval_gil.value_or(0), "ceval.gil");
    if (!at) return unexpected(at.error());
    auto pointer = read_word(memory, *at, "interpreter state");
    if (!pointer) return unexpected(pointer.error());
    gil = *pointer;
  }
  auto block = read_block(memory, gil, block_size({layout.gil.locked, layout.gil.last_holder}), "GIL state");
  if (!block) return unexpected(block.error());
  if (block->get<std::int32_t>(layout.gil.locked) == 0) return std::optional<std::uint64_t>();
  return std::optional<std::uint64_t>(block->pointer(layout.gil.last_holder));
}

GcListHeads gc_list_heads(const PythonLayout& layout, std::uint64_t interp) {
  GcListHeads heads;
  const std::uint64_t gc = interp + layout.interpreter.gc;
  for (Offset i = 0; i < layout.gc.number_of_generations; ++i)
    heads.generations.push_back(gc + layout.gc.generations + i * layout.gc.generation_size);
  heads.permanent_generation = gc + layout.gc.permanent_generation;
  heads.collecting = gc + layout.gc.collecting;
  return heads;
}

}  // namespace gmr::symbolize::python
