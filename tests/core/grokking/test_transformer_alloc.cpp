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

#include <cstdlib>

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
#include "grok/grokking/models/factory.h"
#include "grok/grokking/models/transformer/transformer.h"

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
}

namespace {
// Plain globals (no thread_local: a TLS access could itself allocate). The tests are single-threaded.
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

#endif  // GROK_COUNT_ALLOCATIONS
