// The call chain of bench_large: workers hop from one generated translation unit to another, so that
// naming their frames touches many of the program's (large) compilation units.
#pragma once

struct LargeHop {
  int unit;                      // the generated unit this hop runs in
  void (*bottom)(const void*);   // called at the end of the chain
  const void* arg;
};

/// Continues the chain from `hop` (a real frame of its own): the next unit, or `bottom` when `left` <= 1.
void large_next(const LargeHop& hop, int left);
extern volatile unsigned long large_sink;
