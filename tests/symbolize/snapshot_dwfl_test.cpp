// The dump's one libdwfl session across the freeze: modules reported from the layout before it are kept
// when the frozen maps are reported again (their files are not opened a second time), modules that came
// or went in between are added or dropped, and the vDSO joins once its copy is there.
#include <doctest/doctest.h>

#include <elfutils/libdwfl.h>
#include <sys/stat.h>

#include <map>
#include <string>

#include "support/self_snapshot.hpp"
#include "symbolize/build_id.hpp"
#include "symbolize/snapshot_dwfl.hpp"

using namespace gmr;

namespace {

/// This process's files, counting how often each path is opened.
class CountingFiles final : public attach::FileSource {
 public:
  std::optional<attach::OpenedFile> open(const attach::Mapping& mapping) const override {
    ++opened[mapping.path];
    return test::self_files().open(mapping);
  }
  mutable std::map<std::string, int> opened;
};

bool elf_opens(Dwfl_Module* module) {
  Dwarf_Addr bias = 0;
  return module != nullptr && dwfl_module_getelf(module, &bias) != nullptr;
}

}  // namespace

TEST_SUITE("symbolize::snapshot_dwfl") {
  TEST_CASE("one session across the freeze: kept modules keep their files, new ones are added, gone ones dropped") {
    const attach::Snapshot snapshot = test::self_snapshot();
    const std::string libc = test::mapped_path_ending(snapshot, "/libc.so.6");
    REQUIRE(!libc.empty());
    REQUIRE(snapshot.exe_path);
    REQUIRE(snapshot.vdso);

    // The layout read before the freeze: libc not loaded yet, and a library since unloaded.
    std::vector<attach::Mapping> layout;
    for (const auto& m : snapshot.maps)
      if (m.path != libc) layout.push_back(m);
    attach::Mapping unloaded;
    unloaded.start = 0x6000'0000'0000;
    unloaded.end = unloaded.start + 0x1000;
    unloaded.perms = "r-xp";
    unloaded.device = "00:00";
    unloaded.path = *snapshot.exe_path;  // a real ELF file, mapped a second time
    struct stat st{};
    REQUIRE(::stat(unloaded.path.c_str(), &st) == 0);
    unloaded.inode = st.st_ino;
    layout.push_back(unloaded);

    const std::size_t sessions = symbolize::dwfl_sessions_begun();
    CountingFiles files;
    auto session = symbolize::SnapshotDwfl::open(layout, files);
    REQUIRE(session.has_value());
    Dwfl* dwfl = (*session)->dwfl();
    Dwfl_Module* exe = symbolize::find_module(dwfl, *snapshot.exe_path);
    REQUIRE(elf_opens(exe));
    CHECK(files.opened[*snapshot.exe_path] == 1);
    CHECK(symbolize::find_module(dwfl, libc) == nullptr);
    CHECK(symbolize::find_module(dwfl, "[vdso]") == nullptr);  // no bytes for it before the freeze
    CHECK(dwfl_addrmodule(dwfl, unloaded.start) != nullptr);
    CHECK((*session)->unwind_unavailable().has_value());

    (*session)->attach(snapshot);
    CHECK(dwfl == (*session)->dwfl());
    CHECK(symbolize::find_module(dwfl, *snapshot.exe_path) == exe);  // kept, not reported anew
    CHECK(elf_opens(exe));
    CHECK(files.opened[*snapshot.exe_path] == 1);                     // its file was not opened again
    CHECK(elf_opens(symbolize::find_module(dwfl, libc)));
    CHECK(files.opened[libc] == 1);
    CHECK(elf_opens(symbolize::find_module(dwfl, "[vdso]")));
    CHECK(dwfl_addrmodule(dwfl, unloaded.start) == nullptr);
    CHECK_FALSE((*session)->unwind_unavailable().has_value());
    CHECK(symbolize::dwfl_sessions_begun() - sessions == 1);
  }
}
