// A small persistent pool for data-parallel steps: run(tasks, f) calls f(task, worker) for every task
// in [0, tasks) on the pool's threads (the caller is worker 0) and returns when all are done. Which
// worker runs which task varies; callers that need results independent of the thread count give
// each task its own output and combine them in task order afterwards.
// No allocation per run. Under Emscripten (no pthreads in our build) it runs every task inline.
#pragma once
#include <functional>
#include <memory>

namespace grok {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);  // threads >= 1; threads - 1 worker threads besides the caller
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return size_; }
  void run(int tasks, const std::function<void(int task, int worker)>& f);

 private:
  struct Shared;
  int size_ = 1;
  std::unique_ptr<Shared> shared_;
};

}  // namespace grok
