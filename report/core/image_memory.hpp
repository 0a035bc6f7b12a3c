// The memory a core file holds, as a MemorySource: for readers of target data structures (the Python
// walker) on a core that gmr did not write, where nothing says which bytes matter and any present byte may.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "attach/memory_source.hpp"
#include "report/core/core_image.hpp"

namespace gmr::core {

class ImageMemory final : public attach::MemorySource {
 public:
  /// Reads `image`'s segments, which must outlive this object.
  explicit ImageMemory(const CoreImage& image) : image_(image) {}

  /// Reads across adjacent segments; stops at the first byte the file does not hold (a segment's part
  /// past its p_filesz, or past the end of a truncated file, is not held).
  std::size_t read(std::uint64_t address, std::span<std::byte> out) const override;

 private:
  const CoreImage& image_;
};

}  // namespace gmr::core
