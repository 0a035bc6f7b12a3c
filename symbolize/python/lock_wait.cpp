#include "symbolize/python/lock_wait.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "symbolize/python/remote_read.hpp"

namespace gmr::symbolize::python {
namespace {

constexpr std::string_view lock_type_name = "_thread.lock";
constexpr std::string_view rlock_type_name = "_thread.RLock";
constexpr std::string_view bound_builtin_type_name = "builtin_function_or_method";

/// tp_name and tp_basicsize of the types met, by type address: one read each per search.
struct TypeFacts {
  std::optional<std::string> name;
  std::int64_t basicsize = -1;
};

class LockSearch {
 public:
  LockSearch(const attach::MemorySource& memory, const PythonLayout& layout, std::uint64_t futex_word)
      : memory_(memory), layout_(layout), futex_word_(futex_word) {}

  /// `object` as the lock waited for, or as a bound builtin method of it.
  void consider(std::uint64_t object, std::uint64_t frame) {
    auto block = read_object(object);
    if (!block) return;
    if (as_lock(*block, frame, false)) return;
    const auto& type = type_facts(block->pointer(layout_.object.ob_type));
    if (!type.name || *type.name != bound_builtin_type_name) return;
    const std::uint64_t self = block->pointer(layout_.cfunction.m_self);
    if (self == 0 || self == object) return;
    if (auto owner = read_object(self)) as_lock(*owner, frame, true);
  }

  /// The lock, when exactly one object was found.
  std::optional<PythonLockWait> result() const {
    if (found_.empty()) return std::nullopt;
    for (const auto& other : found_)
      if (other.object != found_.front().object) return std::nullopt;
    return found_.front();
  }

 private:
  // Wide enough for every field read: ob_type, the lock word, RLock's owner and count, m_self.
  std::size_t object_bytes() const {
    return block_size({layout_.object.ob_type, layout_.lock.lock_lock, layout_.rlock.rlock_lock,
                       layout_.rlock.owner, layout_.rlock.count, layout_.cfunction.m_self});
  }

  std::optional<RemoteBlock> read_object(std::uint64_t object) const {
    if (object == 0 || object % 8 != 0) return std::nullopt;
    auto block = read_block(memory_, object, object_bytes(), "object");
    if (!block) return std::nullopt;
    return std::move(*block);
  }

  const TypeFacts& type_facts(std::uint64_t type) {
    auto it = types_.find(type);
    if (it != types_.end()) return it->second;
    TypeFacts facts;
    if (type != 0 && type % 8 == 0) {
      if (auto name = type_name(memory_, layout_, type)) facts.name = std::move(*name);
      if (auto at = field_address(type, layout_.type.tp_basicsize, "tp_basicsize"))
        if (auto size = read_word(memory_, *at, "type object")) facts.basicsize = static_cast<std::int64_t>(*size);
    }
    return types_.emplace(type, std::move(facts)).first->second;
  }

  /// Keeps `block` when it is a lock object on the futex word; true when it was.
  bool as_lock(const RemoteBlock& block, std::uint64_t frame, bool bound) {
    const std::uint64_t lock_word = block.pointer(layout_.lock.lock_lock);
    const std::uint64_t rlock_word = block.pointer(layout_.rlock.rlock_lock);
    if (lock_word != futex_word_ && rlock_word != futex_word_) return false;
    const auto& type = type_facts(block.pointer(layout_.object.ob_type));
    if (!type.name) return false;
    PythonLockWait wait;
    wait.object = block.address();
    wait.frame = frame;
    wait.through_bound_method = bound;
    wait.type_name = *type.name;
    if (*type.name == lock_type_name && type.basicsize == layout_.lock.size && lock_word == futex_word_) {
      wait.kind = PythonLockWait::Kind::lock;
      wait.lock_word = lock_word;
    } else if (*type.name == rlock_type_name && type.basicsize == layout_.rlock.size && rlock_word == futex_word_) {
      wait.kind = PythonLockWait::Kind::rlock;
      wait.lock_word = rlock_word;
      const std::uint64_t owner = block.pointer(layout_.rlock.owner);
      if (owner != 0) {
        wait.owner_ident = owner;
        wait.count = block.pointer(layout_.rlock.count);
      }
    } else {
      return false;
    }
    found_.push_back(std::move(wait));
    return true;
  }

  const attach::MemorySource& memory_;
  const PythonLayout& layout_;
  std::uint64_t futex_word_;
  std::map<std::uint64_t, TypeFacts> types_;
  std::vector<PythonLockWait> found_;
};

}  // namespace

std::optional<PythonLockWait> find_lock_wait(const attach::MemorySource& memory, const PythonLayout& layout,
                                             const KnownTypes& known, CodeObjectCache& codes,
                                             const PythonFrame& frame, std::uint64_t futex_word) {
  if (futex_word == 0 || frame.code == 0 || frame.frame.is_shim) return std::nullopt;
  const auto& code = codes.get(memory, layout, known, frame.code);
  if (!code) return std::nullopt;
  const std::int32_t slots = code->stacksize;
  if (code->nlocalsplus < 0 || slots <= 0 || slots > max_stack_slots) return std::nullopt;
  // localsplus[co_nlocalsplus .. co_nlocalsplus + co_stacksize): the evaluation stack.
  const std::uint64_t first_slot_offset =
      layout.frame.localsplus + 8 * static_cast<std::uint64_t>(code->nlocalsplus);
  auto stack_at = field_address(frame.frame.address, static_cast<std::int64_t>(first_slot_offset), "stack");
  if (!stack_at) return std::nullopt;
  auto stack = read_block(memory, *stack_at, 8 * static_cast<std::size_t>(slots), "evaluation stack");
  if (!stack) return std::nullopt;

  LockSearch search(memory, layout, futex_word);
  std::vector<std::uint64_t> seen;
  for (std::int32_t i = 0; i < slots; ++i) {
    const std::uint64_t object = stack->pointer(8 * static_cast<std::size_t>(i));
    if (object == 0 || std::ranges::find(seen, object) != seen.end()) continue;
    seen.push_back(object);
    search.consider(object, frame.frame.address);
  }
  return search.result();
}

}  // namespace gmr::symbolize::python
