#include "grok/common/thread_pool.h"

#include <algorithm>

#ifndef __EMSCRIPTEN__
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__unix__)
#include <csignal>
#include <pthread.h>
#endif
#endif

namespace grok {

#ifdef __EMSCRIPTEN__
struct ThreadPool::Shared {};
int ThreadPool::hardware_threads() { return 1; }
ThreadPool::ThreadPool(int) : size_(1) {}
ThreadPool::~ThreadPool() = default;
void ThreadPool::run_tasks(int tasks, Task task, void* ctx) {
  for (int t = 0; t < tasks; ++t) task(ctx, t, 0);
}
#else
struct ThreadPool::Shared {
  std::mutex mutex;
  std::condition_variable wake, done;
  Task job = nullptr;
  void* ctx = nullptr;
  int tasks = 0;
  std::atomic<int> next{0};
  int busy = 0;            // workers still inside the current job
  long generation = 0;     // bumped for every job, so a worker never runs one twice
  bool quit = false;
  std::vector<std::thread> threads;

  void drain(int worker) {
    in_task = true;
    for (int t; (t = next.fetch_add(1, std::memory_order_relaxed)) < tasks;) job(ctx, t, worker);
    in_task = false;
  }
  static thread_local bool in_task;  // this thread is running a task of some pool's job
};
thread_local bool ThreadPool::Shared::in_task = false;

int ThreadPool::hardware_threads() {
#if defined(__linux__)
  // The CPUs this process may run on (taskset, a Slurm job's cgroup/cpuset), not the machine's count.
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

ThreadPool::ThreadPool(int threads) : size_(std::max(1, threads)), shared_(std::make_unique<Shared>()) {
  Shared& s = *shared_;
#if defined(__unix__)
  // Workers block the asynchronous signals from birth (a thread inherits the mask in force when it is
  // created), so SIGINT and SIGTERM reach a thread that handles them: the CLI's loop, Python's main
  // thread. Faults (SIGSEGV, SIGFPE, ...) stay unblocked for the sanitizers and the default action.
  sigset_t async, old;
  sigemptyset(&async);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGCHLD, SIGWINCH}) sigaddset(&async, sig);
  pthread_sigmask(SIG_BLOCK, &async, &old);
#endif
  for (int w = 1; w < size_; ++w)
    s.threads.emplace_back([&s, w] {
      long seen = 0;
      for (;;) {
        {
          std::unique_lock<std::mutex> lock(s.mutex);
          s.wake.wait(lock, [&] { return s.quit || s.generation != seen; });
          if (s.quit) return;
          seen = s.generation;
        }
        s.drain(w);
        std::lock_guard<std::mutex> lock(s.mutex);
        if (--s.busy == 0) s.done.notify_one();
      }
    });
#if defined(__unix__)
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
#endif
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->quit = true;
  }
  shared_->wake.notify_all();
  for (auto& t : shared_->threads) t.join();
}

void ThreadPool::run_tasks(int tasks, Task task, void* ctx) {
  // A run from inside a task (a model on the pool called by another split over the same pool)
  // runs inline on this thread: the pool's one job slot is taken.
  if (size_ == 1 || tasks <= 1 || Shared::in_task) {
    for (int t = 0; t < tasks; ++t) task(ctx, t, 0);
    return;
  }
  Shared& s = *shared_;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.job = task;
    s.ctx = ctx;
    s.tasks = tasks;
    s.next.store(0, std::memory_order_relaxed);
    s.busy = size_ - 1;
    ++s.generation;
  }
  s.wake.notify_all();
  s.drain(0);
  std::unique_lock<std::mutex> lock(s.mutex);
  s.done.wait(lock, [&] { return s.busy == 0; });
  s.job = nullptr;
  s.ctx = nullptr;
}
#endif

}  // namespace grok
