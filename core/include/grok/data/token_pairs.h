// Token pairs: every pair (a, b) of a binary operation with its answer, split into train and test
// sets by a seeded shuffle (Nanda et al.: shuffle all pairs, the first floor(fraction * N) train).
// The operations are listed once, in ops(): their names, how they read, and the rules the dataset
// and the config follow (commutative ops may use unordered pairs, division skips b = 0).
// This layer knows nothing of a run's config: it is told what to build by a PairSpec.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace grok {

struct OpInfo {
  const char* name;        // as in --op: "add", "div", "s5", ...
  const char* expression;  // how "a op b" reads, with the operands as {a} and {b}: "{a} + {b}"
  bool commutative;        // a op b == b op a: unordered pairs (a <= b) are allowed
  bool nonzero_b;          // b = 0 is left out (division)
  int elements;            // 0: the modulus p; else a fixed group size (S5: 120 permutations)
};
const std::vector<OpInfo>& ops();
const OpInfo* find_op(const std::string& name);
// The op acts on a fixed group (the S5 ops), not on residues mod p: it has no Fourier analysis.
bool fixed_group_op(const std::string& name);
std::vector<std::string> op_names();

// What a token-pair dataset is made of.
struct PairSpec {
  std::string op = "add";
  int p = 97;                   // modulus (ignored by ops with a fixed group size)
  bool unordered = false;       // a <= b only
  bool nonzero_b = false;       // b = 0 left out for every op (as division always does)
  double train_fraction = 0.3;
  uint64_t seed = 0;            // the split's shuffle
};

// The task's elements (p of them, or the 120 permutations for S5) and which pairs (a, b) the dataset
// draws from: b runs from first_b(s, a) to n - 1 (all b; b != 0 for division or when nonzero_b;
// b >= a for unordered pairs). pair_count counts them by that same rule.
int n_elements(const PairSpec& s);
int first_b(const PairSpec& s, int a);
long pair_count(const PairSpec& s);
long train_count(const PairSpec& s);  // floor(train_fraction * pair_count)

struct Examples {            // struct of arrays: one entry per example
  std::vector<int> a, b, y;  // operands (tokens 0..n-1) and the answer (class 0..n-1)
  int size() const { return static_cast<int>(y.size()); }
};

struct Dataset {
  int n_elements = 0;        // p, or 120 for S5
  int vocab = 0;             // n_elements + 1: token n_elements is '=' (transformer input [a, b, =])
  Examples train, test;
};

// Answer of `op` on (a, b) modulo p; for s5, a and b index permutations in lexicographic order.
int apply_op(const std::string& op, int a, int b, int p);
// Fills `out` (the spec is assumed valid: a known op, p within the config's range).
void make_token_pairs(const PairSpec& spec, Dataset& out);
// Fingerprint of the split (train pairs in order), compared between native and wasm builds.
uint64_t split_hash(const Dataset& d);
// Whether (a, b) is one of the training pairs.
bool in_train_set(const Dataset& d, int a, int b);

}  // namespace grok
