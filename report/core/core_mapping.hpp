// A core file mapped read-only into gmr, for parse_core(): large kernel cores are paged in only where read.
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <span>
#include <string>

namespace gmr::core {

class CoreMapping {
 public:
  /// Maps the regular file `path`. The error is one line naming the file and the cause.
  static std::expected<CoreMapping, std::string> open(const std::string& path);
  CoreMapping(CoreMapping&& other) noexcept;
  CoreMapping& operator=(CoreMapping&&) = delete;
  CoreMapping(const CoreMapping&) = delete;
  ~CoreMapping();

  std::span<const std::byte> bytes() const { return {static_cast<const std::byte*>(data_), size_}; }
  std::chrono::system_clock::time_point modified() const { return modified_; }

 private:
  CoreMapping(void* data, std::size_t size, std::chrono::system_clock::time_point modified)
      : data_(data), size_(size), modified_(modified) {}
  void* data_ = nullptr;
  std::size_t size_ = 0;
  std::chrono::system_clock::time_point modified_;
};

}  // namespace gmr::core
