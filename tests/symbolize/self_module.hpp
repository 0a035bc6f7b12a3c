// Test helper: one module of this test process, in a libdwfl session over support/self_snapshot.hpp.
#pragma once

#include <doctest/doctest.h>

#include <elfutils/libdwfl.h>

#include <memory>
#include <string>

#include "support/self_snapshot.hpp"
#include "symbolize/build_id.hpp"
#include "symbolize/snapshot_dwfl.hpp"

namespace gmr::test {

struct SelfModule {
  attach::Snapshot snapshot = self_snapshot();
  std::unique_ptr<symbolize::SnapshotDwfl> session;
  std::string path;               // the module's file
  Dwfl_Module* module = nullptr;  // its ELF file opened (the symbol table is readable)
  GElf_Addr bias = 0;             // run-time address = file address + bias

  /// The first module whose path ends with `suffix` ("/libc.so.6"); the executable when `suffix` is empty.
  explicit SelfModule(const std::string& suffix = "") {
    path = suffix.empty() ? snapshot.exe_path.value_or("") : mapped_path_ending(snapshot, suffix);
    REQUIRE(!path.empty());
    auto opened = symbolize::SnapshotDwfl::open(snapshot, self_files());
    REQUIRE(opened.has_value());
    session = std::move(*opened);
    module = symbolize::find_module(session->dwfl(), path);
    REQUIRE(module != nullptr);
    REQUIRE(dwfl_module_getelf(module, &bias) != nullptr);
  }
};

}  // namespace gmr::test
