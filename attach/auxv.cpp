#include "attach/auxv.hpp"

#include "attach/base/proc_path.hpp"
#include "attach/base/read_file.hpp"

namespace gmr::attach {

std::optional<std::string> read_auxv(pid_t pid) { return read_file(proc_path(pid, "auxv")); }

}  // namespace gmr::attach
