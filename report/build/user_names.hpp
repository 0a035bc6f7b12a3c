// User names for uids, as the system's password database resolves them.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace gmr::report {

/// The login name of `uid` (getpwuid_r); nullopt when the database has none.
std::optional<std::string> user_name(uid_t uid);

}  // namespace gmr::report
