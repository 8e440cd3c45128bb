// A transformer training step (forward, loss, backward, AdamW) and an evaluation allocate nothing
// once the buffers have grown on the first call, on the tabulated and on the reference path.
//
// How: this file interposes malloc/calloc/realloc for the test binary (ELF symbol interposition,
// which glibc supports for replacing the allocator) and counts calls while a flag is set; the
// calls are forwarded to glibc's own allocator, so free() stays consistent. Unlike
// EIGEN_RUNTIME_NO_MALLOC this also sees std::vector growth and every Eigen temporary, whichever
// translation unit they come from. Native glibc builds only (not WebAssembly, not sanitizers,
// which interpose malloc themselves).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <vector>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define GROK_SANITIZER_ALLOCATOR 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GROK_SANITIZER_ALLOCATOR 1
#endif

#if defined(__GLIBC__) && !defined(GROK_SANITIZER_ALLOCATOR) && !defined(__EMSCRIPTEN__)
#define GROK_COUNT_ALLOCATIONS 1

#include "grok/grokking/optimizer.h"
#include "grok/grokking/models/data_parallel.h"
#include "grok/grokking/models/factory.h"
#include "grok/grokking/models/transformer/transformer.h"

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
}

namespace {
// Plain globals (no thread_local: a TLS access could itself allocate). Counted racily from the
// pool's threads in the threaded case; any count above zero is what the tests look for.
volatile bool g_counting = false;
volatile long g_allocations = 0;
}  // namespace

extern "C" void* malloc(size_t size) noexcept {
  if (g_counting) g_allocations = g_allocations + 1;
  return __libc_malloc(size);
}
extern "C" void* calloc(size_t count, size_t size) noexcept {
  if (g_counting) g_allocations = g_allocations + 1;
  return __libc_calloc(count, size);
}
extern "C" void* realloc(void* p, size_t size) noexcept {
  if (g_counting) g_allocations = g_allocations + 1;
  return __libc_realloc(p, size);
}

namespace {

struct AllocationCounter {
  AllocationCounter() { g_allocations = 0; g_counting = true; }
  ~AllocationCounter() { g_counting = false; }
  long count() const { return g_allocations; }
};

using namespace grok;

}  // namespace

TEST_CASE("the allocation counter sees allocations") {
  long seen;
  {
    AllocationCounter counter;
    void* volatile p = std::malloc(64);
    std::free(p);
    int* volatile q = new int[16];
    delete[] q;
    seen = counter.count();
  }
  CHECK(seen >= 2);
}

TEST_CASE("transformer training steps and evaluations allocate nothing after the first call") {
  struct Case { const char* name; int p, layers; const char* ln; bool fast; };
  const Case cases[] = {
      {"1 layer, tabulated, several chunks", 41, 1, "none", true},
      {"1 layer, reference", 23, 1, "none", false},
      {"2 layers post-LN, reference", 23, 2, "post", false},
  };
  for (const Case& k : cases) {
    INFO(k.name);
    Config c;
    c.model = "transformer"; c.p = k.p; c.train_fraction = 0.5; c.layers = k.layers; c.layer_norm = k.ln;
    c.d_model = 32; c.heads = 4; c.d_mlp = 64; c.seed = 2;
    Dataset d;
    REQUIRE(make_dataset(c, d) == "");
    std::unique_ptr<ModelT<float>> m;
    REQUIRE(make_model<float>(c, d, m) == "");
    auto* t = dynamic_cast<TransformerModel<float>*>(m.get());
    REQUIRE(t != nullptr);
    t->set_fast_path(k.fast);
    REQUIRE(t->fast_path() == k.fast);
    Optimizer opt(m->params().size());
    const Examples& tr = d.train;
    const Examples& te = d.test;
    auto step = [&] {
      m->params().zero_grad();
      const BatchStats st = m->forward_backward(tr.a.data(), tr.b.data(), tr.y.data(), tr.size(), tr.size());
      opt.step(m->params(), c);
      const BatchStats ev_train = m->evaluate(tr.a.data(), tr.b.data(), tr.y.data(), tr.size());
      const BatchStats ev_test = m->evaluate(te.a.data(), te.b.data(), te.y.data(), te.size());
      return st.finite && ev_train.finite && ev_test.finite;
    };
    REQUIRE(step());  // buffers grow here
    long allocations;
    bool finite = true;
    {
      AllocationCounter counter;
      for (int i = 0; i < 3; ++i) finite = step() && finite;
      allocations = counter.count();
    }
    CHECK(finite);
    CHECK(allocations == 0);
  }
}

TEST_CASE("threaded steps (data_parallel on a pool) allocate nothing after the first calls") {
  Config c;
  c.model = "transformer"; c.p = 31; c.train_fraction = 0.6; c.layers = 2; c.layer_norm = "pre";
  c.activation = "gelu"; c.d_model = 32; c.heads = 4; c.d_mlp = 64; c.seed = 2;
  Dataset d;
  REQUIRE(make_dataset(c, d) == "");
  std::unique_ptr<Model> m, replica;
  REQUIRE(make_model<float>(c, d, m) == "");
  REQUIRE(make_model<float>(c, d, replica) == "");
  ThreadPool pool(2);
  std::vector<std::unique_ptr<Model>> replicas;
  replicas.push_back(std::move(replica));
  DataParallel<float> dp(*m, std::move(replicas), &pool);
  // Whole groups of the same size, so whichever thread takes a group, its buffers have grown to it.
  const int n = 3 * DataParallel<float>::kMinGroup;
  REQUIRE(d.train.size() >= n);
  REQUIRE(d.test.size() >= n);
  REQUIRE(DataParallel<float>::split(n).groups == 3);
  const Inputs train = Inputs::pairs(d.train.a.data(), d.train.b.data());
  const Inputs test = Inputs::pairs(d.test.a.data(), d.test.b.data());
  Optimizer opt(m->params().size());
  auto step = [&] {
    m->params().zero_grad();
    const BatchStats st = dp.forward_backward(train, d.train.y.data(), n, n);
    opt.step(m->params(), c);
    return st.finite && dp.evaluate(test, d.test.y.data(), n).finite;
  };
  for (int i = 0; i < 4; ++i) REQUIRE(step());  // buffers grow here
  // Which thread takes which group varies: a thread whose buffers have not met some kind of work yet
  // (the caller may have run every group of the warm-up steps while the other thread woke up) grows
  // them the first time it does. So: windows of steps, and steady state means windows without any.
  std::vector<long> windows;
  bool finite = true;
  for (int w = 0; w < 4; ++w) {
    AllocationCounter counter;
    for (int i = 0; i < 3; ++i) finite = step() && finite;
    windows.push_back(counter.count());
  }
  CHECK(finite);
  INFO("allocations per window of 3 steps: " << windows[0] << ", " << windows[1] << ", " << windows[2] << ", " << windows[3]);
  CHECK(*std::min_element(windows.begin(), windows.end()) == 0);
  long total = 0;
  for (long c : windows) total += c;
  CHECK(total < 40);  // first-use growth of a few buffers, not an allocation per step or per group
}

#endif  // GROK_COUNT_ALLOCATIONS
