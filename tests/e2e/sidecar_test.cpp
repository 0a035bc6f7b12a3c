// Sidecar configuration files: discovered from the target's GMR_SIDECAR, --config-file and --config-dir
// (relative to its working directory, inside its root), or named with --sidecar; a target in its own mount
// namespace; paths that would leave the target's root.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "attach/capture.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "report/build/report_builder.hpp"

namespace fs = std::filesystem;
using namespace gmr;
using namespace gmr::test;

namespace {

report::Report dump_files(pid_t pid, attach::SidecarRequest request = {}) {
  attach::CaptureOptions options;
  options.sidecars = std::move(request);
  auto snapshot = attach::capture(pid, options);
  REQUIRE(snapshot);
  report::BuildOptions build;
  build.source_lines = false;
  return report::build_report(*snapshot, build);
}

/// The file blocks (the fixture's own gmr_config symbol is not planned in these dumps).
std::vector<report::ConfigBlock> files(const report::Report& r) {
  std::vector<report::ConfigBlock> out;
  for (const auto& b : r.configuration)
    if (b.source.kind == report::ConfigSource::Kind::file) out.push_back(b);
  return out;
}

std::string option(const report::ConfigBlock& b, const std::string& group, const std::string& key) {
  for (const auto& g : b.groups)
    if (g.name == group)
      for (const auto& o : g.options)
        if (o.key == key && o.values.size() == 1) return o.values[0];
  return "<missing>";
}

}  // namespace

TEST_SUITE("e2e::sidecar") {
  TEST_CASE("discovered from GMR_SIDECAR, --config-file, --config-file= and --config-dir, in command-line order") {
    TempDir dir("sidecar");
    const auto env_file = dir.write("env.conf", "[DEFAULT]\nsource = env\n");
    const auto first = dir.write("first.conf", "[DEFAULT]\nsource = first\npassword = p4ss-first\n");
    const auto second = dir.write("second.conf", "[DEFAULT]\nsource = second\n");
    dir.write("conf.d/20-b.conf", "[b]\nsource = dir-b\n");
    dir.write("conf.d/10-a.conf", "[a]\nsource = dir-a\n");
    dir.write("conf.d/ignored.txt", "[x]\nsource = ignored\n");
    Fixture f("fixture_config", {.args = {"--config-file", first, "--config-file=" + second,
                                          "--config-dir", (dir.path / "conf.d").string()},
                                 .env = {"GMR_SIDECAR=" + env_file}});
    const auto blocks = files(dump_files(f.pid()));
    REQUIRE(blocks.size() == 5);
    CHECK(blocks[0].source.found_by == "GMR_SIDECAR");
    CHECK(option(blocks[0], "DEFAULT", "source") == "env");
    CHECK(blocks[1].source.found_by == "--config-file");
    CHECK(blocks[1].source.name == first);
    CHECK(option(blocks[1], "DEFAULT", "source") == "first");
    CHECK(option(blocks[1], "DEFAULT", "password") == "***");
    CHECK(blocks[2].source.found_by == "--config-file");
    CHECK(option(blocks[2], "DEFAULT", "source") == "second");
    CHECK(blocks[3].source.found_by == "--config-dir");
    CHECK(option(blocks[3], "a", "source") == "dir-a");
    CHECK(option(blocks[4], "b", "source") == "dir-b");
    for (const auto& b : blocks) CHECK_FALSE(b.error);
  }

  TEST_CASE("relative paths are taken from the target's working directory") {
    TempDir dir("sidecar");
    dir.write("etc/rel.conf", "[DEFAULT]\nsource = relative\n");
    Fixture f("fixture_config", {.args = {"--config-file", "etc/rel.conf"},
                                 .prefix = {"sh", "-c", "cd '" + dir.path.string() + "' && exec \"$0\" \"$@\""}});
    const auto blocks = files(dump_files(f.pid()));
    REQUIRE(blocks.size() == 1);
    CHECK(blocks[0].source.name == "etc/rel.conf");
    CHECK(blocks[0].source.resolved == (dir.path / "etc/rel.conf").string());
    CHECK(option(blocks[0], "DEFAULT", "source") == "relative");
  }

  TEST_CASE("--sidecar names the files, as gmr sees them, and turns discovery off") {
    TempDir dir("sidecar");
    const auto discovered = dir.write("discovered.conf", "[DEFAULT]\nsource = discovered\n");
    const auto named = dir.write("named.conf", "not ini at all\ntoken: abc123\n");
    Fixture f("fixture_config", {.args = {"--config-file", discovered}});
    const auto blocks = files(dump_files(f.pid(), {.paths = {named}, .discover = true}));
    REQUIRE(blocks.size() == 1);
    CHECK(blocks[0].source.found_by == "--sidecar");
    CHECK(blocks[0].text == "not ini at all\ntoken: ***\n");
  }

  TEST_CASE("a target in its own mount namespace: its file is read from inside that namespace") {
    TempDir dir("sidecar");  // empty on the host; a tmpfs with app.conf is mounted over it inside the namespace
    const std::string mount = dir.path.string();
    Fixture f("fixture_config",
              {.args = {"--config-file", mount + "/app.conf"},
               .prefix = {"unshare", "--mount", "--propagation", "private", "sh", "-c",
                          "mount -t tmpfs tmpfs '" + mount + "' && printf '[DEFAULT]\\nnamespace = private\\n' > '" +
                              mount + "/app.conf' && exec \"$0\" \"$@\""}});
    CHECK_FALSE(fs::exists(dir.path / "app.conf"));
    const auto blocks = files(dump_files(f.pid()));
    REQUIRE(blocks.size() == 1);
    CHECK_FALSE(blocks[0].error);
    CHECK(option(blocks[0], "DEFAULT", "namespace") == "private");
  }

  TEST_CASE("a symlink that leads above the target's root is refused, missing files say so") {
    TempDir dir("sidecar");
    fs::create_symlink("../../../../../../../../etc/hostname", dir.path / "escape.conf");
    Fixture f("fixture_config", {.args = {"--config-file", (dir.path / "escape.conf").string(),
                                          "--config-file", (dir.path / "missing.conf").string()}});
    const auto blocks = files(dump_files(f.pid()));
    REQUIRE(blocks.size() == 2);
    REQUIRE(blocks[0].error);
    CHECK(blocks[0].error->find("above the target's root") != std::string::npos);
    CHECK(blocks[0].groups.empty());
    CHECK_FALSE(blocks[0].text);
    REQUIRE(blocks[1].error);
    CHECK(blocks[1].error->find("No such file or directory") != std::string::npos);
  }

  TEST_CASE("sidecar secrets never reach the text output unless --show-secrets") {
    TempDir dir("sidecar");
    const auto file = dir.write("app.conf", "[DEFAULT]\npassword = sidecar-p4ss\nurl = amqp://u:amqp-p4ss@mq/\n");
    Fixture f("fixture_config", {.args = {"--config-file", file}});
    auto masked = run_gmr({"dump", std::to_string(f.pid())});
    REQUIRE(masked.exit_code == 0);
    CHECK(masked.out.find("sidecar-p4ss") == std::string::npos);
    CHECK(masked.out.find("amqp-p4ss") == std::string::npos);
    CHECK(masked.out.find("  url = amqp://u:***@mq/\n") != std::string::npos);
    CHECK(masked.out.find("source       = file " + file + " (--config-file)\n") != std::string::npos);
    auto shown = run_gmr({"dump", "--show-secrets", std::to_string(f.pid())});
    CHECK(shown.out.find("sidecar-p4ss") != std::string::npos);
  }
}
