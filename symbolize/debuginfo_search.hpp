// Where libdwfl looks for a module's separate debug information. With DEBUGINFOD_URLS set, libdwfl's
// standard search (build id, .gnu_debuglink, then debuginfod). Unset or empty: the same search on disk
// only — libdwfl 0.188's standard search would otherwise dlopen libdebuginfod (and libcurl, GnuTLS…) for
// every module without local debug information just to learn that no server is configured.
#pragma once

#include <elfutils/libdwfl.h>

namespace gmr::symbolize {

/// A Dwfl_Callbacks::find_debuginfo.
int find_debuginfo(Dwfl_Module* module, void** userdata, const char* module_name, Dwarf_Addr base,
                   const char* file_name, const char* debuglink_file, GElf_Word debuglink_crc,
                   char** debuginfo_file_name);

}  // namespace gmr::symbolize
