// The name of the program a report is about, as the operator knows it: what --output-dir files and the
// folded stacks' root frame are named after.
//
// It is the target's process name (comm): the kernel sets it at exec to the base name of the path that was
// run — the name of a symbolic link (/usr/bin/redis-server → redis-check-rdb is "redis-server"), of a
// script rather than its interpreter ("nova-api", not "python3") — and keeps it when the program rewrites
// its title ("nginx: worker process" is still "nginx"). The kernel cuts it at 15 bytes: a cut name is
// completed from argv[0] or argv[1] when the base name of their first word (up to a space or ':') starts
// with it ("neutron-openvsw" → "neutron-openvswitch-agent"). Without a process name: argv[0]'s base name,
// else the executable's.
#pragma once

#include <string>

#include "report/report.hpp"

namespace gmr::report {

/// Empty when nothing names the program (no process name, command line or executable).
std::string program_name(const Report& report);

}  // namespace gmr::report
