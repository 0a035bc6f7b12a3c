// Reading a whole file (or up to a limit) into memory. Failures are values: the errno of the failed call.
#pragma once

#include <cstddef>
#include <expected>
#include <limits>
#include <optional>
#include <string>

namespace gmr::attach {

/// Reads `fd` from its current offset until end of file, or until `limit` bytes have been read (then
/// exactly `limit`, so `limit` = wanted + 1 tells a longer file). Retries EINTR. The error is the errno of
/// the read that failed.
std::expected<std::string, int> read_up_to(int fd, std::size_t limit = std::numeric_limits<std::size_t>::max());

/// All of the file at `path`, read until end of file (procfs files report size 0, so their size is never
/// trusted). nullopt when it cannot be opened or read.
std::optional<std::string> read_file(const std::string& path);

}  // namespace gmr::attach
