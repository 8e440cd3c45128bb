// ThreadPool: every task runs exactly once, on a worker of the pool, for any pool size; the pool
// is reused across runs.
#include <catch2/catch.hpp>

#include <atomic>
#include <vector>

#include "grok/common/thread_pool.h"

using grok::ThreadPool;

TEST_CASE("thread pool runs every task once on one of its workers, run after run") {
  for (int threads : {1, 2, 3, 8}) {
    INFO(threads << " threads");
    ThreadPool pool(threads);
#ifdef __EMSCRIPTEN__
    CHECK(pool.size() == 1);  // no pthreads in the wasm build: every task runs inline
#else
    CHECK(pool.size() == threads);
#endif
    for (int round = 0; round < 50; ++round) {
      const int tasks = round % 13;
      std::vector<std::atomic<int>> hits(tasks);
      std::atomic<int> bad_worker{0};
      pool.run(tasks, [&](int task, int worker) {
        hits[task].fetch_add(1);
        if (worker < 0 || worker >= pool.size()) bad_worker.fetch_add(1);
      });
      for (int t = 0; t < tasks; ++t) CHECK(hits[t].load() == 1);
      CHECK(bad_worker.load() == 0);
    }
  }
}

TEST_CASE("thread pool: every core means at least one thread (the affinity mask natively, 1 in wasm)") {
  const int n = ThreadPool::hardware_threads();
  CHECK(n >= 1);
#ifdef __EMSCRIPTEN__
  CHECK(n == 1);
#endif
}

TEST_CASE("thread pool: a run from inside a task runs inline as worker 0, every inner task once") {
  ThreadPool pool(3);
  constexpr int kOuter = 6, kInner = 5;
  std::vector<std::atomic<int>> hits(kOuter * kInner);
  std::atomic<int> bad_inner_worker{0};
  pool.run(kOuter, [&](int outer, int) {
    pool.run(kInner, [&](int inner, int worker) {
      hits[outer * kInner + inner].fetch_add(1);
      if (worker != 0) bad_inner_worker.fetch_add(1);
    });
  });
  for (auto& h : hits) CHECK(h.load() == 1);
  CHECK(bad_inner_worker.load() == 0);
  // and the pool still runs a normal job afterwards
  std::atomic<int> after{0};
  pool.run(10, [&](int, int) { after.fetch_add(1); });
  CHECK(after.load() == 10);
}
