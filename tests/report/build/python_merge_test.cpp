// Placing Python frame runs among native frames by the address of their C-stack marker, on hand-made
// unwinds: the frame whose [sp_i, sp_{i+1}) holds the marker, successive runs further out, runs without
// a place shown first, runs past a --max-frames cut left out; and which native frames are the
// interpreter's plumbing (its module and a known eval/call function).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "report/build/interpreter_plumbing.hpp"
#include "report/build/python_merge.hpp"

using namespace gmr;
namespace py = gmr::symbolize::python;
using Kind = report::RunPlacement::Kind;

namespace {

constexpr const char* interpreter = "/usr/bin/python3.11";
constexpr const char* libc = "/usr/lib/x86_64-linux-gnu/libc.so.6";

/// Raw frames whose stack pointers are `sps`, innermost first.
symbolize::RawUnwind unwind_with(std::vector<std::uint64_t> sps) {
  symbolize::RawUnwind unwind;
  for (std::size_t i = 0; i < sps.size(); ++i) unwind.frames.push_back({0x1000 + i, i == 0, false, sps[i]});
  return unwind;
}

py::PythonFrame python_frame(std::string qualname, int line) {
  py::PythonFrame frame;
  frame.frame.address = 0x7f0000001000 + static_cast<std::uint64_t>(line);
  frame.frame.instr = 0x7f0000100000 + static_cast<std::uint64_t>(line) * 2;
  frame.code = 0x7f0000200000;
  frame.name = qualname.substr(qualname.rfind('.') + 1);
  frame.qualname = std::move(qualname);
  frame.filename = "/srv/app.py";
  frame.firstlineno = 1;
  frame.instruction_offset = line;
  frame.line = line;
  return frame;
}

py::FrameRun run(std::optional<std::uint64_t> marker, std::vector<py::PythonFrame> frames) {
  return {std::move(frames), marker};
}

symbolize::NamedFrame native(std::string function, std::string module) {
  symbolize::NamedFrame frame;
  frame.function = std::move(function);
  frame.module = std::move(module);
  return frame;
}

std::vector<std::string> names(const std::vector<report::Frame>& frames) {
  std::vector<std::string> out;
  for (const auto& f : frames)
    out.push_back((f.kind == report::Frame::Kind::python ? "py:" : "") + f.function.value_or("?") +
                  (f.interpreter_plumbing ? " (plumbing)" : "") +
                  (f.python && !f.python->placed ? " (not placed)" : ""));
  return out;
}

}  // namespace

TEST_SUITE("report::python_merge") {
  TEST_CASE("a run goes to the frame whose range from sp_i up to sp_i+1 holds its marker, the next run further out") {
    const auto unwind = unwind_with({0x1000, 0x1100, 0x1200, 0x1300, 0x1400});
    const std::vector<py::FrameRun> runs = {run(0x1100, {}), run(0x1250, {}), run(0x13f8, {})};
    const auto placed = report::place_runs(unwind, runs);
    REQUIRE(placed.size() == 3);
    CHECK(placed[0].kind == Kind::at_frame);
    CHECK(placed[0].frame == 1);  // sp_1 itself is frame 1's
    CHECK(placed[1].kind == Kind::at_frame);
    CHECK(placed[1].frame == 2);
    CHECK(placed[2].kind == Kind::at_frame);
    CHECK(placed[2].frame == 3);  // just below sp_4
  }

  TEST_CASE("the outermost frame's range is open only when the unwind reached the outermost frame") {
    const std::vector<py::FrameRun> runs = {run(0x5000, {})};
    auto complete = unwind_with({0x1000, 0x1100});
    CHECK(report::place_runs(complete, runs)[0].kind == Kind::at_frame);
    CHECK(report::place_runs(complete, runs)[0].frame == 1);

    auto failed = complete;
    failed.error = symbolize::UnwindError{};
    CHECK(report::place_runs(failed, runs)[0].kind == Kind::not_placed);

    auto cut = complete;
    cut.truncated = true;
    const auto placed = report::place_runs(cut, std::vector<py::FrameRun>{run(0x1050, {}), run(0x5000, {}), run(0x900, {})});
    CHECK(placed[0].kind == Kind::at_frame);
    CHECK(placed[1].kind == Kind::past_the_cut);
    CHECK(placed[2].kind == Kind::past_the_cut);  // outer than a run past the cut: past it too
  }

  TEST_CASE("no marker, a marker below the innermost sp, or one out of order: not placed") {
    const auto unwind = unwind_with({0x1000, 0x1100, 0x1200});
    const std::vector<py::FrameRun> runs = {run(std::nullopt, {}), run(0x0f00, {}), run(0x1150, {}),
                                            run(0x1010, {}), run(0x1180, {})};
    const auto placed = report::place_runs(unwind, runs);
    CHECK(placed[0].kind == Kind::not_placed);
    CHECK(placed[1].kind == Kind::not_placed);
    CHECK(placed[2].kind == Kind::at_frame);
    CHECK(placed[3].kind == Kind::not_placed);  // frame 0 is inner to the run before it
    CHECK(placed[4].kind == Kind::not_placed);  // frame 1 again: one activation runs one run
  }

  TEST_CASE("a frame without a known stack pointer holds no marker") {
    auto unwind = unwind_with({0x1000, 0x1100, 0x1200});
    unwind.frames[1].sp.reset();
    const std::vector<py::FrameRun> runs = {run(0x1050, {}), run(0x1150, {})};
    const auto placed = report::place_runs(unwind, runs);
    CHECK(placed[0].kind == Kind::not_placed);  // frame 0's range ends at the unknown sp_1
    CHECK(placed[1].kind == Kind::not_placed);
  }

  TEST_CASE("merged: runs above their eval loops, plumbing marked, unplaced frames first") {
    // read <- os_read <- cfunction_vectorcall_FASTCALL <- eval (run 1) <- builtin_sum <- eval (run 2) <- main
    const auto unwind = unwind_with({0x1000, 0x1100, 0x1200, 0x1300, 0x1400, 0x1500, 0x1600});
    const std::vector<std::vector<symbolize::NamedFrame>> named = {
        {native("__GI___libc_read", libc)},
        {native("os_read_impl", interpreter), native("os_read", interpreter)},
        {native("cfunction_vectorcall_FASTCALL", interpreter)},
        {native("_PyEval_EvalFrameDefault", interpreter)},
        {native("builtin_sum", interpreter)},
        {native("_PyEval_EvalFrameDefault.cold", interpreter)},
        {native("Py_BytesMain", interpreter)},
    };
    py::PythonThread thread;
    thread.tid = 42;
    thread.runs = {run(0x1310, {python_frame("reader", 10), python_frame("<genexpr>", 20)}),
                   run(0x1500, {python_frame("main", 30)}),
                   run(std::nullopt, {python_frame("lost", 40)})};
    const auto merged = report::merge_frames(unwind, named, &thread, interpreter, nullptr);
    CHECK(merged.python_frames == 4);
    CHECK(merged.unplaced == 1);
    CHECK_FALSE(merged.cut);
    CHECK(names(merged.frames) == std::vector<std::string>{
                                      "py:lost (not placed)",
                                      "__GI___libc_read",
                                      "os_read_impl",
                                      "os_read",
                                      "cfunction_vectorcall_FASTCALL (plumbing)",
                                      "py:reader",
                                      "py:<genexpr>",
                                      "_PyEval_EvalFrameDefault (plumbing)",
                                      "builtin_sum",
                                      "py:main",
                                      "_PyEval_EvalFrameDefault.cold (plumbing)",
                                      "Py_BytesMain (plumbing)",
                                  });
    const report::Frame& reader = merged.frames[5];
    CHECK(reader.file == std::optional<std::string>("/srv/app.py"));
    CHECK(reader.line == std::optional<int>(10));
    CHECK(reader.pc == 0x7f0000100000 + 20);
    REQUIRE(reader.python.has_value());
    CHECK(reader.python->name == "reader");
    CHECK(reader.python->code_address == std::optional<std::uint64_t>(0x7f0000200000));
    CHECK(reader.python->instruction_offset == std::optional<int>(10));
    CHECK(reader.python->placed);
    CHECK_FALSE(merged.frames[1].python.has_value());
  }

  TEST_CASE("a thread without Python frames: native frames only, none marked as plumbing") {
    const auto unwind = unwind_with({0x1000, 0x1100});
    const std::vector<std::vector<symbolize::NamedFrame>> named = {{native("_PyEval_EvalFrameDefault", interpreter)},
                                                                  {native("start_thread", libc)}};
    const auto merged = report::merge_frames(unwind, named, nullptr, interpreter, nullptr);
    CHECK(names(merged.frames) == std::vector<std::string>{"_PyEval_EvalFrameDefault", "start_thread"});
  }

  TEST_CASE("a frame whose code could not be read keeps its error and has no function, file or line") {
    py::PythonFrame broken = python_frame("x", 5);
    broken.code = 0;
    broken.error = py::DecodeError{py::DecodeFailure::wrong_type, "code object at 0x10: wrong type"};
    const report::Frame frame = report::python_frame(broken, true, nullptr);
    CHECK(frame.kind == report::Frame::Kind::python);
    CHECK_FALSE(frame.function.has_value());
    CHECK_FALSE(frame.file.has_value());
    CHECK_FALSE(frame.line.has_value());
    REQUIRE(frame.python.has_value());
    REQUIRE(frame.python->error.has_value());
    CHECK(frame.python->error->failure == py::DecodeFailure::wrong_type);
    CHECK_FALSE(frame.python->code_address.has_value());
  }

  TEST_CASE("plumbing: the interpreter's module and a known eval/call name, clone suffixes ignored") {
    using report::interpreter_plumbing;
    const std::optional<std::string> exe = interpreter;
    CHECK(interpreter_plumbing("_PyEval_EvalFrameDefault", exe, interpreter));
    CHECK(interpreter_plumbing("_PyEval_EvalFrameDefault.cold", exe, interpreter));
    CHECK(interpreter_plumbing("cfunction_vectorcall_O", exe, interpreter));
    CHECK(interpreter_plumbing("method_vectorcall_VARARGS_KEYWORDS", exe, interpreter));
    CHECK(interpreter_plumbing("_PyObject_VectorcallTstate", exe, interpreter));
    CHECK(interpreter_plumbing("thread_run", exe, interpreter));
    CHECK(interpreter_plumbing("pymain_run_python", exe, interpreter));
    // The C calls that do something are not plumbing.
    CHECK_FALSE(interpreter_plumbing("time_sleep", exe, interpreter));
    CHECK_FALSE(interpreter_plumbing("lock_PyThread_acquire_lock", exe, interpreter));
    CHECK_FALSE(interpreter_plumbing("builtin_sum", exe, interpreter));
    CHECK_FALSE(interpreter_plumbing("list_sort_impl", exe, interpreter));
    // Another module's function of the same name, or an unknown function or module, is not.
    CHECK_FALSE(interpreter_plumbing("_PyEval_EvalFrameDefault", std::string(libc), interpreter));
    CHECK_FALSE(interpreter_plumbing(std::nullopt, exe, interpreter));
    CHECK_FALSE(interpreter_plumbing("PyObject_Vectorcall", std::nullopt, interpreter));
    CHECK(report::without_clone_suffix("f.part.0") == "f");
    CHECK(report::without_clone_suffix("f") == "f");
    for (auto name : report::plumbing_functions()) CHECK_FALSE(name.empty());
    for (auto prefix : report::plumbing_prefixes()) CHECK_FALSE(prefix.empty());
  }
}
