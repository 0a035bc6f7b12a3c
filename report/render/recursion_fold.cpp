#include "report/render/recursion_fold.hpp"

#include "report/render/format.hpp"

namespace gmr::report {
namespace {

// "19744" -> "19,744"
std::string with_thousands(std::size_t n) {
  std::string digits = std::to_string(n);
  for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3)
    digits.insert(static_cast<std::size_t>(at), ",");
  return digits;
}

// Mutual recursion through more functions than this is shown frame by frame.
constexpr std::size_t max_recursion_period = 4;

// A native frame: the same pc, so the same call site. A Python frame: the same function, file and line,
// what makes two lines of a traceback identical (a frame whose code could not be decoded never repeats).
bool same_call(const Frame& a, const Frame& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Frame::Kind::python)
    return a.function && a.file && a.line && a.function == b.function && a.file == b.file && a.line == b.line;
  return a.pc == b.pc && a.inlined == b.inlined && a.function == b.function;
}

}  // namespace

Repetition repetition_at(const std::vector<const Frame*>& frames, std::size_t at) {
  Repetition best;
  for (std::size_t period = 1; period <= max_recursion_period && at + 2 * period <= frames.size(); ++period) {
    std::size_t end = at + period;
    while (end < frames.size() && same_call(*frames[end], *frames[end - period])) ++end;
    const std::size_t rounds = (end - at) / period;
    if (rounds * period > best.rounds * best.period) best = {period, rounds};
  }
  return best;
}

bool worth_folding(const Repetition& run) { return run.rounds >= 4 && (run.rounds - 3) * run.period >= 3; }

std::string fold_text(const std::vector<const Frame*>& frames, std::size_t at, const Repetition& run) {
  const auto name = [](const Frame& frame) { return frame.function ? printable(*frame.function) : std::string{"??"}; };
  const std::size_t first = at + 2 * run.period;
  const std::size_t last = at + (run.rounds - 1) * run.period - 1;
  const std::string span = " (#" + std::to_string(frames[first]->index) + "-#" + std::to_string(frames[last]->index) + ")";
  if (run.period == 1) return "... " + with_thousands(last - first + 1) + " more calls of " + name(*frames[at]) + span;
  std::string names;
  for (std::size_t i = at; i < at + run.period; ++i) names += (i == at ? "" : " -> ") + name(*frames[i]);
  const std::size_t rounds = run.rounds - 3;
  return "... " + with_thousands(rounds) + (rounds == 1 ? " more round of " : " more rounds of ") + names + span;
}

}  // namespace gmr::report
