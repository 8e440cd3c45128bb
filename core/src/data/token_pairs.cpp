#include "grok/data/token_pairs.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "grok/common/rng.h"

namespace grok {
namespace {

long mod(long x, long p) { long r = x % p; return r < 0 ? r + p : r; }

long mod_pow(long base, long e, long p) {
  long r = 1;
  base = mod(base, p);
  while (e > 0) {
    if (e & 1) r = r * base % p;
    base = base * base % p;
    e >>= 1;
  }
  return r;
}

const std::vector<std::array<int, 5>>& s5_elements() {
  static const std::vector<std::array<int, 5>> perms = [] {
    std::vector<std::array<int, 5>> v;
    std::array<int, 5> p = {0, 1, 2, 3, 4};
    do v.push_back(p); while (std::next_permutation(p.begin(), p.end()));
    return v;
  }();
  return perms;
}

using Perm = std::array<int, 5>;
int perm_index(const Perm& c) {
  const auto& perms = s5_elements();
  return static_cast<int>(std::lower_bound(perms.begin(), perms.end(), c) - perms.begin());
}
Perm then(const Perm& first, const Perm& second) {  // i -> second(first(i)): sympy's first * second
  Perm c{};
  for (int i = 0; i < 5; ++i) c[i] = second[first[i]];
  return c;
}
Perm inverse(const Perm& q) {
  Perm c{};
  for (int i = 0; i < 5; ++i) c[q[i]] = i;
  return c;
}

}  // namespace

int apply_op(const std::string& op, int a, int b, int p) {
  const long A = a, B = b;
  if (op == "add") return static_cast<int>(mod(A + B, p));
  if (op == "sub") return static_cast<int>(mod(A - B, p));
  if (op == "mul") return static_cast<int>(mod(A * B, p));
  if (op == "div") return static_cast<int>(mod(A * mod_pow(B, p - 2, p), p));  // Fermat inverse
  if (op == "sq-sum") return static_cast<int>(mod(A * A + B * B, p));
  if (op == "quad") return static_cast<int>(mod(A * A + A * B + B * B, p));
  if (op == "quad-x") return static_cast<int>(mod(A * A + A * B + B * B + A, p));
  if (op == "cubic") return static_cast<int>(mod(mod(A * A, p) * A + A * B, p));
  if (op == "cubic-y") return static_cast<int>(mod(mod(A * A, p) * A + mod(B * B, p) * A + B, p));
  if (op == "square-plus") return static_cast<int>(mod(A * A + B, p));
  if (op == "cube-plus") return static_cast<int>(mod(mod(A * A, p) * A + B, p));
  // openai/grok's "+*" and "+-": a is the residue 0..p-1, its parity picks the operation.
  if (op == "add-or-mul") return static_cast<int>(a % 2 == 0 ? mod(A + B, p) : mod(A * B, p));
  if (op == "add-or-sub") return static_cast<int>(a % 2 == 0 ? mod(A + B, p) : mod(A - B, p));
  // S5 as openai/grok builds it: elements in itertools.permutations order (lexicographic, as here);
  // s5 is numpy-style composition (a o b)(i) = a(b(i)); s5conj and s5aba multiply sympy
  // Permutations, whose a * b applies a first: a*b*a^-1 and a*b*a.
  const auto& perms = s5_elements();
  if (op == "s5") return perm_index(then(perms[b], perms[a]));
  if (op == "s5conj") return perm_index(then(then(perms[a], perms[b]), inverse(perms[a])));
  if (op == "s5aba") return perm_index(then(then(perms[a], perms[b]), perms[a]));
  return -1;
}

const std::vector<OpInfo>& ops() {
  // openai/grok's VALID_OPERATORS (grok/data.py) are these binary ones and one more, (x // y if y is
  // odd, else x - y), not offered: its x // y is the `mod` package's floor division of residues, whose
  // meaning their code does not pin down. ("**2+" and "**3+" evaluate as a**2 + b and a**3 + b; the
  // unary sort, reverse and copy are sequence tasks, not pairs.)
  static const std::vector<OpInfo> list = {
      {"add", "{a} + {b}", true, false, 0},
      {"sub", "{a} − {b}", false, false, 0},
      {"mul", "{a} × {b}", true, false, 0},
      {"div", "{a} ÷ {b}", false, true, 0},
      {"sq-sum", "{a}² + {b}²", true, false, 0},
      {"quad", "{a}² + {a}·{b} + {b}²", true, false, 0},
      {"quad-x", "{a}² + {a}·{b} + {b}² + {a}", false, false, 0},
      {"cubic", "{a}³ + {a}·{b}", false, false, 0},
      {"cubic-y", "{a}³ + {a}·{b}² + {b}", false, false, 0},
      {"square-plus", "{a}² + {b}", false, false, 0},
      {"cube-plus", "{a}³ + {b}", false, false, 0},
      {"add-or-mul", "{a} + {b} for even {a}, else {a} × {b}", false, false, 0},
      {"add-or-sub", "{a} + {b} for even {a}, else {a} − {b}", false, false, 0},
      {"s5", "{a} ∘ {b}", false, false, 120},
      {"s5conj", "{a} · {b} · {a}⁻¹", false, false, 120},
      {"s5aba", "{a} · {b} · {a}", false, false, 120},
  };
  return list;
}

const OpInfo* find_op(const std::string& name) {
  for (const auto& o : ops())
    if (name == o.name) return &o;
  return nullptr;
}

bool fixed_group_op(const std::string& name) {
  const OpInfo* o = find_op(name);
  return o && o->elements > 0;
}

std::vector<std::string> op_names() {
  std::vector<std::string> names;
  for (const auto& o : ops()) names.push_back(o.name);
  return names;
}

int n_elements(const PairSpec& s) {
  const OpInfo* op = find_op(s.op);
  return op && op->elements > 0 ? op->elements : s.p;
}

int first_b(const PairSpec& s, int a) {
  const OpInfo* op = find_op(s.op);
  return s.unordered ? a : (op && op->nonzero_b) || s.nonzero_b ? 1 : 0;
}

long pair_count(const PairSpec& s) {
  const int n = n_elements(s);
  long count = 0;
  for (int a = 0; a < n; ++a) count += n - first_b(s, a);
  return count;
}

long train_count(const PairSpec& s) { return static_cast<long>(std::floor(s.train_fraction * pair_count(s))); }

void make_token_pairs(const PairSpec& spec, Dataset& out) {
  const int n = n_elements(spec);
  out.n_elements = n;
  out.vocab = n + 1;
  struct Pair { int a, b; };
  std::vector<Pair> pairs;
  pairs.reserve(static_cast<size_t>(pair_count(spec)));
  for (int a = 0; a < n; ++a)
    for (int b = first_b(spec, a); b < n; ++b) pairs.push_back({a, b});
  Rng rng(spec.seed);  // the split's own stream; weights use another (see model init)
  rng.shuffle(pairs);
  const size_t n_train = static_cast<size_t>(train_count(spec));
  out.train = Examples{};
  out.test = Examples{};
  for (size_t i = 0; i < pairs.size(); ++i) {
    Examples& dst = i < n_train ? out.train : out.test;
    dst.a.push_back(pairs[i].a);
    dst.b.push_back(pairs[i].b);
    dst.y.push_back(apply_op(spec.op, pairs[i].a, pairs[i].b, spec.p));
  }
}

bool in_train_set(const Dataset& d, int a, int b) {
  for (int i = 0; i < d.train.size(); ++i)
    if (d.train.a[i] == a && d.train.b[i] == b) return true;
  return false;
}

uint64_t split_hash(const Dataset& d) {
  uint64_t h = fnv1a(d.train.a.data(), d.train.a.size() * sizeof(int));
  h = fnv1a(d.train.b.data(), d.train.b.size() * sizeof(int), h);
  return fnv1a(d.train.y.data(), d.train.y.size() * sizeof(int), h);
}

}  // namespace grok
