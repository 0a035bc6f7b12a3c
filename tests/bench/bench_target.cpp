// Benchmark target: a process with a chosen number of threads and stack depth, a few of them busy on the
// CPU, and the heartbeat thread (heartbeat.cpp) that measures from inside how long it was held.
//
//   BENCH_HEARTBEAT=FILE bench_target THREADS DEPTH BUSY
//
// THREADS counts every thread: main, the heartbeat, BUSY spinning workers and sleeping workers. Each worker
// first descends DEPTH frames, then spins in a leaf loop or blocks (alternately in pthread_cond_wait and in
// read on a pipe). In bench_target the descent goes through four mutually recursive functions; built with
// BENCH_LARGE_DWARF (bench_large) it hops through the generated translation units (large_descend).
//
// Prints "ready THREADS moving TID…" (the spinners, whose innermost frame moves) once every worker is in
// place, then waits for EOF on stdin and exits.
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#ifdef BENCH_LARGE_DWARF
void large_descend(int first_unit, int depth, void (*bottom)(const void*), const void* arg);
#endif

namespace {

std::atomic<int> started{0};
std::atomic<bool> stopping{false};
std::vector<pid_t> spinner_tids;
pthread_mutex_t tid_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t sleep_cond = PTHREAD_COND_INITIALIZER;
int sleep_pipe[2];
volatile std::uint64_t sink;

struct Work {
  int index;
  int depth;
  int kind;  // 0 spin, 1 condition variable, 2 pipe
};

__attribute__((noinline)) void spin_leaf() {
  std::uint64_t n = 0;
  while (!stopping.load(std::memory_order_relaxed)) n = n * 6364136223846793005ULL + 1442695040888963407ULL;
  sink = n;
}

__attribute__((noinline)) void wait_on_condition() {
  pthread_mutex_lock(&sleep_lock);
  while (!stopping) pthread_cond_wait(&sleep_cond, &sleep_lock);
  pthread_mutex_unlock(&sleep_lock);
}

__attribute__((noinline)) void wait_on_pipe() {
  char byte;
  while (read(sleep_pipe[0], &byte, 1) < 0) {
  }
}

__attribute__((noinline)) void bottom(const void* arg) {
  const auto& work = *static_cast<const Work*>(arg);
  if (work.kind == 0) {
    pthread_mutex_lock(&tid_lock);
    spinner_tids.push_back(gettid());
    pthread_mutex_unlock(&tid_lock);
    ++started;
    spin_leaf();
  } else {
    ++started;
    if (work.kind == 1) wait_on_condition();
    else wait_on_pipe();
  }
  sink = sink + 1;  // not a tail call: the caller's frame stays
}

void level_a(const Work& work, int left);
void level_b(const Work& work, int left);
void level_c(const Work& work, int left);
void level_d(const Work& work, int left);

// Four functions calling each other round-robin, each keeping a live local across the call: DEPTH
// frames, none of them a tail call.
__attribute__((noinline)) void level_a(const Work& work, int left) {
  volatile int here = left;
  if (left <= 1) bottom(&work); else level_b(work, left - 1);
  sink = sink + here;
}
__attribute__((noinline)) void level_b(const Work& work, int left) {
  volatile int here = left;
  if (left <= 1) bottom(&work); else level_c(work, left - 1);
  sink = sink + here;
}
__attribute__((noinline)) void level_c(const Work& work, int left) {
  volatile int here = left;
  if (left <= 1) bottom(&work); else level_d(work, left - 1);
  sink = sink + here;
}
__attribute__((noinline)) void level_d(const Work& work, int left) {
  volatile int here = left;
  if (left <= 1) bottom(&work); else level_a(work, left - 1);
  sink = sink + here;
}

void* worker(void* arg) {
  const auto& work = *static_cast<const Work*>(arg);
#ifdef BENCH_LARGE_DWARF
  large_descend(work.index, work.depth, bottom, &work);
#else
  level_a(work, work.depth);
#endif
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s THREADS DEPTH BUSY\n", argv[0]);
    return 64;
  }
  const int threads = std::atoi(argv[1]);
  const int depth = std::atoi(argv[2]);
  const int busy = std::atoi(argv[3]);
  if (threads < 2 + busy || depth < 1 || busy < 0) {
    std::fprintf(stderr, "%s: need THREADS >= 2 + BUSY and DEPTH >= 1\n", argv[0]);
    return 64;
  }
  if (pipe(sleep_pipe) != 0) return 70;

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  // Small stacks so that 10,000 threads fit; DEPTH 200 needs a few tens of KiB.
  pthread_attr_setstacksize(&attr, 256 * 1024);
  const int workers = threads - 2;  // main and the heartbeat are the other two
  std::vector<Work> work(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) {
    work[static_cast<std::size_t>(i)] = {i, depth, i < busy ? 0 : 1 + (i % 2)};
    pthread_t id;
    if (pthread_create(&id, &attr, worker, &work[static_cast<std::size_t>(i)]) != 0) {
      std::fprintf(stderr, "%s: cannot start thread %d\n", argv[0], i);
      return 70;
    }
  }
  while (started.load() < workers) usleep(1000);

  std::string line = "ready " + std::to_string(threads) + " moving";
  pthread_mutex_lock(&tid_lock);
  for (pid_t tid : spinner_tids) line += " " + std::to_string(tid);
  pthread_mutex_unlock(&tid_lock);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);

  char byte;
  while (read(0, &byte, 1) > 0) {
  }
  _exit(0);  // the workers never return
}
