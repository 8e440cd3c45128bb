// A small persistent pool for data-parallel steps: run(tasks, f) calls f(task, worker) for every task
// in [0, tasks) on the pool's threads (the caller is worker 0) and returns when all are done. Which
// worker runs which task varies; callers that need results independent of the thread count give
// each task its own output and combine them in task order afterwards.
// A run called from inside a task (of any pool) runs its tasks inline on that thread as worker 0.
// No allocation per run. Under Emscripten (no pthreads in our build) it runs every task inline.
#pragma once
#include <memory>
#include <type_traits>

namespace grok {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);  // threads >= 1; threads - 1 worker threads besides the caller
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return size_; }
  // The threads a pool of "every core" gets: the CPUs this process may use natively (its affinity
  // mask on Linux, e.g. a Slurm allocation or taskset), 1 under Emscripten.
  static int hardware_threads();
  // f: any callable f(int task, int worker); passed by pointer, never copied (no allocation).
  template <class F>
  void run(int tasks, F&& f) {
    using Fn = std::remove_reference_t<F>;
    run_tasks(tasks, [](void* ctx, int task, int worker) { (*static_cast<Fn*>(ctx))(task, worker); },
              const_cast<void*>(static_cast<const void*>(&f)));
  }

 private:
  using Task = void (*)(void* ctx, int task, int worker);
  void run_tasks(int tasks, Task task, void* ctx);

  struct Shared;
  int size_ = 1;
  std::unique_ptr<Shared> shared_;
};

}  // namespace grok
