// x86-64 system call names, generated at configure time from the system's <asm/unistd_64.h>.
#pragma once

#include <optional>
#include <string_view>

namespace gmr::report {

/// "futex" for 202; nullopt for a number the header does not define.
std::optional<std::string_view> syscall_name(long number);

}  // namespace gmr::report
