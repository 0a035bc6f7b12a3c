#include "symbolize/captured_memory.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace gmr::symbolize {
namespace {

constexpr std::uint64_t word_size = sizeof(std::uint64_t);

bool holds_word(std::uint64_t start, std::uint64_t end, std::uint64_t address) {
  return address >= start && address < end && end - address >= word_size;
}

}  // namespace

CapturedMemory::CapturedMemory(const attach::Snapshot& snapshot, const attach::FileSource& files)
    : snapshot_(snapshot), file_source_(files) {
  for (const auto& thread : snapshot.threads)
    for (const auto* copy : {&thread.stack, &thread.interrupted_stack}) {
      if (!*copy || (*copy)->bytes.empty()) continue;
      stacks_.push_back({(*copy)->start, (*copy)->end(), (*copy)->bytes.data()});
      longest_stack_ = std::max<std::uint64_t>(longest_stack_, (*copy)->bytes.size());
    }
  std::ranges::sort(stacks_, {}, &Span::start);

  if (snapshot.vdso && !snapshot.vdso->bytes.empty())
    vdso_ = Span{snapshot.vdso->start, snapshot.vdso->end(), snapshot.vdso->bytes.data()};
}

std::optional<std::uint64_t> CapturedMemory::read_word(std::uint64_t address) {
  if (auto word = read_stack(address)) return word;
  if (vdso_ && holds_word(vdso_->start, vdso_->end, address)) {
    std::uint64_t word = 0;
    std::memcpy(&word, vdso_->bytes + (address - vdso_->start), word_size);
    return word;
  }
  return read_file(address);
}

void CapturedMemory::forget(const attach::MemoryCopy& copy) {
  if (copy.bytes.empty()) return;
  auto [first, last] = std::ranges::equal_range(stacks_, copy.start, {}, &Span::start);
  for (auto it = first; it != last; ++it)
    if (it->bytes == copy.bytes.data()) it->bytes = nullptr;
}

std::optional<std::uint64_t> CapturedMemory::read_stack(std::uint64_t address) const {
  // The last copy starting at or below `address`, then earlier ones that could still reach it.
  auto it = std::ranges::upper_bound(stacks_, address, {}, &Span::start);
  while (it != stacks_.begin()) {
    --it;
    if (it->bytes != nullptr && holds_word(it->start, it->end, address)) {
      std::uint64_t word = 0;
      std::memcpy(&word, it->bytes + (address - it->start), word_size);
      return word;
    }
    if (address - it->start >= longest_stack_) break;
  }
  return std::nullopt;
}

// A writable mapping's bytes may differ from its file's; a read-only one's are the file's.
std::optional<std::uint64_t> CapturedMemory::read_file(std::uint64_t address) {
  const attach::Mapping* mapping = snapshot_.maps.find(address);
  if (mapping == nullptr || !mapping->file_backed() || mapping->writable()) return std::nullopt;
  if (!holds_word(mapping->start, mapping->end, address)) return std::nullopt;
  const int fd = file_for(*mapping);
  if (fd < 0) return std::nullopt;
  std::uint64_t word = 0;
  const auto offset = static_cast<off_t>(mapping->offset + (address - mapping->start));
  if (::pread(fd, &word, word_size, offset) != static_cast<ssize_t>(word_size)) return std::nullopt;
  return word;
}

int CapturedMemory::file_for(const attach::Mapping& mapping) {
  const std::string key = mapping.device + ":" + std::to_string(mapping.inode) + ":" + mapping.path;
  auto found = open_files_.find(key);
  if (found == open_files_.end()) {
    auto opened = file_source_.open(mapping);
    found = open_files_.emplace(key, opened ? std::move(opened->fd) : attach::UniqueFd{}).first;
  }
  return found->second.get();
}

}  // namespace gmr::symbolize
