// Folding deep recursion in the text report: a run of the same call (native: the same pc, so the same
// call site; Python: the same function, file and line), or of a pattern of up to 4 calls (mutual
// recursion), repeated often enough to leave out at least three frames, shows its first two rounds, one
// counting line, and its last round. The JSON and folded outputs keep every frame.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "report/report.hpp"

namespace gmr::report {

/// `rounds` repetitions of a pattern of `period` frames.
struct Repetition {
  std::size_t period = 0;
  std::size_t rounds = 0;
};

/// The longest repetition starting at frames[at]; the shortest pattern among equally long ones.
Repetition repetition_at(const std::vector<const Frame*>& frames, std::size_t at);

/// Whether `run` is folded: at least 4 rounds, and at least three frames left out (a fold never hides less
/// than the line it costs).
bool worth_folding(const Repetition& run);

/// The counting line for `run` starting at frames[at]: "... 19,744 more calls of rec (#5-#19748)",
/// "... 120 more rounds of ping -> pong (#7-#246)".
std::string fold_text(const std::vector<const Frame*>& frames, std::size_t at, const Repetition& run);

}  // namespace gmr::report
