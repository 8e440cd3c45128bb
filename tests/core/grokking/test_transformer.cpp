// Transformer model: parameter contract (names, shapes, order, init), whole-model gradients against
// finite differences in double (1 layer relu / x^2 without LayerNorm, 2 layers post-LN, StableMax),
// the tabulated fast path against the layer-by-layer reference path, and a short training run.
#include <catch2/catch.hpp>

#include <cmath>

#include "gradcheck.h"
#include "grok/grokking/cost.h"
#include "grok/grokking/trainer.h"
#include "grok/grokking/models/factory.h"
#include "grok/grokking/models/transformer/transformer.h"
#include "grok/common/gemm.h"

using namespace grok;

namespace {

Config small_transformer() {
  Config c;
  c.model = "transformer"; c.p = 7; c.train_fraction = 0.5; c.seed = 5;
  c.layers = 1; c.d_model = 8; c.heads = 2; c.d_mlp = 12; c.layer_norm = "none";
  return c;
}

template <class S>
std::unique_ptr<TransformerModel<S>> build(const Config& c, Dataset& d) {
  REQUIRE(make_dataset(c, d) == "");
  std::unique_ptr<ModelT<S>> m;
  REQUIRE(make_model<S>(c, d, m) == "");
  auto* t = dynamic_cast<TransformerModel<S>*>(m.get());
  REQUIRE(t != nullptr);
  m.release();
  return std::unique_ptr<TransformerModel<S>>(t);
}

// Weights of a freshly initialized model are small: scale them up so the attention patterns and
// the relu pattern are far from uniform/trivial and the checks exercise every term.
template <class S>
void spread_weights(TransformerModel<S>& m, double factor) {
  for (auto& v : m.params().value) v *= factor;
  // Nonzero biases too (they start at 0).
  for (const auto& info : m.params().info)
    if (info.name.find(".b_") != std::string::npos || info.name.find("ln") != std::string::npos)
      for (size_t i = 0; i < info.size(); ++i)
        m.params().value[info.offset + i] += static_cast<S>(0.1 * std::sin(1.0 + 3.0 * i));
}

}  // namespace

TEST_CASE("transformer parameters: names, shapes and order are the fixture contract") {
  Config c = small_transformer();
  c.layers = 2; c.layer_norm = "post";
  Dataset d;
  auto m = build<float>(c, d);
  const std::vector<std::string> names = {
      "W_E", "W_pos",
      "blocks.0.W_Q", "blocks.0.W_K", "blocks.0.W_V", "blocks.0.W_O", "blocks.0.W_in", "blocks.0.b_in",
      "blocks.0.W_out", "blocks.0.b_out", "blocks.0.ln1_w", "blocks.0.ln1_b", "blocks.0.ln2_w", "blocks.0.ln2_b",
      "blocks.1.W_Q", "blocks.1.W_K", "blocks.1.W_V", "blocks.1.W_O", "blocks.1.W_in", "blocks.1.b_in",
      "blocks.1.W_out", "blocks.1.b_out", "blocks.1.ln1_w", "blocks.1.ln1_b", "blocks.1.ln2_w", "blocks.1.ln2_b",
      "W_U"};
  const auto& info = m->params().info;
  REQUIRE(info.size() == names.size());
  for (size_t i = 0; i < names.size(); ++i) CHECK(info[i].name == names[i]);
  auto shape = [&](const std::string& name) {
    const auto& p = info[m->params().index_of(name)];
    return std::make_pair(p.rows, p.cols);
  };
  CHECK(shape("W_E") == std::make_pair(8, 8));   // d_model x (p + 1)
  CHECK(shape("W_pos") == std::make_pair(8, 3));
  CHECK(shape("blocks.1.W_Q") == std::make_pair(8, 8));
  CHECK(shape("blocks.1.W_O") == std::make_pair(8, 8));
  CHECK(shape("blocks.1.W_in") == std::make_pair(12, 8));
  CHECK(shape("blocks.1.b_in") == std::make_pair(12, 1));
  CHECK(shape("blocks.1.W_out") == std::make_pair(8, 12));
  CHECK(shape("blocks.1.ln2_b") == std::make_pair(8, 1));
  CHECK(shape("W_U") == std::make_pair(7, 8));   // p classes

  // Nanda's model: 1 block, no LayerNorm parameters.
  Dataset d1;
  auto nanda = build<float>(small_transformer(), d1);
  CHECK(nanda->params().info.size() == 11);
  CHECK(nanda->params().index_of("blocks.0.ln1_w") == -1);
  CHECK(nanda->fast_path());
}

TEST_CASE("transformer init: seeded N(0, 1/d_model), W_U N(0, 1/d_vocab), biases 0, gains 1") {
  Config c = small_transformer();
  c.p = 113; c.d_model = 128; c.heads = 4; c.d_mlp = 512; c.layer_norm = "post";
  Dataset d;
  auto m = build<float>(c, d);
  const auto& P = m->params();
  auto stdev = [&](const std::string& name) {
    const auto w = P.w(P.index_of(name));
    const double mean = w.template cast<double>().mean();
    return std::sqrt((w.template cast<double>().array() - mean).square().mean());
  };
  CHECK(stdev("W_E") == Approx(1 / std::sqrt(128.0)).epsilon(0.03));
  CHECK(stdev("blocks.0.W_in") == Approx(1 / std::sqrt(128.0)).epsilon(0.03));
  CHECK(stdev("blocks.0.W_out") == Approx(1 / std::sqrt(128.0)).epsilon(0.03));
  CHECK(stdev("W_U") == Approx(1 / std::sqrt(114.0)).epsilon(0.03));
  CHECK(P.w(P.index_of("blocks.0.b_in")).isZero());
  CHECK(P.w(P.index_of("blocks.0.ln1_b")).isZero());
  CHECK(P.w(P.index_of("blocks.0.ln2_w")).isOnes());
  // The stream: W_E is the first draw of Rng(init_seed(seed)), column-major.
  Rng rng(init_seed(c.seed));
  const auto W_E = P.w(P.index_of("W_E"));
  const float first = static_cast<float>(rng.normal() / std::sqrt(128.0));
  const float second = static_cast<float>(rng.normal() / std::sqrt(128.0));
  CHECK(W_E(0, 0) == first);
  CHECK(W_E(1, 0) == second);
  // Same seed, same weights; another seed, others.
  Dataset d2;
  auto again = build<float>(c, d2);
  CHECK(again->params().hash() == P.hash());
  c.seed += 1;
  Dataset d3;
  auto other = build<float>(c, d3);
  CHECK(other->params().hash() != P.hash());
}

TEST_CASE("transformer options: Grokfast's layout (op token, biases, pre-LN) and torch's init") {
  Config c = small_transformer();
  c.layers = 2; c.layer_norm = "pre-inplace"; c.op_token = true; c.attn_bias = true; c.activation = "gelu";
  c.init = "torch"; c.mlp_ratio = 4;
  Dataset d;
  auto m = build<float>(c, d);
  const auto& P = m->params();
  const std::vector<std::string> block = {"W_Q", "W_K", "W_V", "b_Q", "b_K", "b_V", "W_O", "b_O", "W_in", "b_in",
                                          "W_out", "b_out", "ln1_w", "ln1_b", "ln2_w", "ln2_b"};
  std::vector<std::string> names = {"W_E", "W_pos"};
  for (int l = 0; l < 2; ++l)
    for (const auto& b : block) names.push_back("blocks." + std::to_string(l) + "." + b);
  for (const char* tail : {"lnf_w", "lnf_b", "W_U"}) names.push_back(tail);
  REQUIRE(P.info.size() == names.size());
  for (size_t i = 0; i < names.size(); ++i) CHECK(P.info[i].name == names[i]);
  auto shape = [&](const std::string& name) {
    const auto& p = P.info[P.index_of(name)];
    return std::make_pair(p.rows, p.cols);
  };
  CHECK(shape("W_E") == std::make_pair(8, 9));   // p + 2 tokens: '=' is 7, the op token 8
  CHECK(shape("W_pos") == std::make_pair(8, 4)); // [a, op, b, =]
  CHECK(shape("blocks.0.W_in") == std::make_pair(32, 8));  // mlp_ratio 4 x d_model
  CHECK(shape("W_U") == std::make_pair(9, 8));   // logits over the whole vocabulary
  CHECK(m->dims().eq_token() == 7);
  CHECK(m->dims().op_token() == 8);
  CHECK(!m->fast_path_available());
  long count = 0;
  for (const auto& info : P.info) count += static_cast<long>(info.size());
  CHECK(count == transformer_param_count(m->dims()));
  CHECK(count == estimate_cost(c).params);
  // torch's defaults: every entry inside its module's bound, spread over it; in-projection and
  // out-projection biases 0, LayerNorm 1 / 0.
  auto max_abs = [&](const std::string& name) { return double(P.w(P.index_of(name)).cwiseAbs().maxCoeff()); };
  const double xavier = std::sqrt(6.0 / (8 + 3 * 8)), lin_d = 1 / std::sqrt(8.0), lin_m = 1 / std::sqrt(32.0);
  for (auto [name, bound] : std::vector<std::pair<std::string, double>>{
           {"blocks.0.W_Q", xavier}, {"blocks.1.W_V", xavier}, {"blocks.0.W_O", lin_d}, {"blocks.0.W_in", lin_d},
           {"blocks.0.b_in", lin_d}, {"blocks.1.W_out", lin_m}, {"blocks.1.b_out", lin_m}, {"W_U", lin_d}}) {
    INFO(name);
    CHECK(max_abs(name) <= bound);
    CHECK(max_abs(name) > 0.5 * bound);
  }
  CHECK(max_abs("W_E") > 1.5);  // N(0, 1): 72 draws reach past 1.5 (Nanda's init would be ~0.35 at most)
  for (const char* zero : {"blocks.0.b_Q", "blocks.0.b_K", "blocks.1.b_V", "blocks.1.b_O", "lnf_b"})
    CHECK(P.w(P.index_of(zero)).isZero());
  CHECK(P.w(P.index_of("lnf_w")).isOnes());
  CHECK(P.w(P.index_of("blocks.1.ln1_w")).isOnes());
  // The last logits rows are '=' and the op token: trained down like every other wrong answer.
  Eigen::MatrixXf logits;
  m->logits(d.train.a.data(), d.train.b.data(), 3, logits);
  CHECK(logits.rows() == 9);
}

TEST_CASE("transformer gradients match finite differences", "[gradcheck]") {
  struct Case {
    const char* name; int layers; const char* ln; const char* act; const char* loss; bool fast;
    bool op_token = false, attn_bias = false;
  };
  const Case cases[] = {
      {"1 layer relu, tabulated", 1, "none", "relu", "softmax", true},
      {"1 layer relu, reference", 1, "none", "relu", "softmax", false},
      {"1 layer x^2, tabulated", 1, "none", "quad", "softmax", true},
      {"1 layer x^2, reference", 1, "none", "quad", "softmax", false},
      {"1 layer stablemax, tabulated", 1, "none", "relu", "stablemax", true},
      {"2 layers post-LN relu", 2, "post", "relu", "softmax", false},
      {"2 layers post-LN stablemax", 2, "post", "relu", "stablemax", false},
      {"2 layers no LN x^2", 2, "none", "quad", "softmax", false},
      {"1 layer post-LN", 1, "post", "relu", "softmax", false},
      {"1 layer pre-LN GELU", 1, "pre", "gelu", "softmax", false},
      {"2 layers pre-LN relu, op token", 2, "pre", "relu", "softmax", false, true, false},
      // ironjr/grokfast's model: pre-inplace LN, GELU, [a, op, b, =], attention biases.
      {"2 layers pre-inplace GELU, op token, biases", 2, "pre-inplace", "gelu", "softmax", false, true, true},
      {"1 layer pre-inplace GELU, biases, stablemax", 1, "pre-inplace", "gelu", "stablemax", false, false, true},
      {"1 layer no LN, op token, biases", 1, "none", "relu", "softmax", false, true, true},
  };
  for (const Case& k : cases) {
    INFO(k.name);
    Config c = small_transformer();
    c.layers = k.layers; c.layer_norm = k.ln; c.activation = k.act; c.loss = k.loss;
    c.op_token = k.op_token; c.attn_bias = k.attn_bias;
    Dataset d;
    auto m = build<double>(c, d);
    REQUIRE(m->fast_path() == (k.layers == 1 && std::string(k.ln) == "none" && !k.op_token && !k.attn_bias));
    m->set_fast_path(k.fast);
    // x^2 after x^2 grows fast: keep that case near init so the logits stay moderate and central
    // differences stay accurate.
    const bool deep_quad = k.layers == 2 && std::string(k.act) == "quad";
    spread_weights(*m, deep_quad ? 1.0 : 2.0);
    // The pre-LN cases' loss is flatter in some weights (gradients ~1e-5): h = 1e-5 keeps float64
    // rounding of the loss (~1e-16 / h) well under their differences; truncation stays ~h^2.
    const bool pre = std::string(k.ln).rfind("pre", 0) == 0;
    grok_test::gradcheck(*m, d.train.a, d.train.b, d.train.y, 60, pre ? 1e-5 : 1e-6);
  }
}

TEST_CASE("tabulated path equals the reference path (logits, loss, every gradient)") {
  for (const char* act : {"relu", "quad"}) {
    INFO(act);
    Config c = small_transformer();
    c.p = 11; c.d_model = 12; c.heads = 3; c.d_mlp = 20; c.activation = act; c.train_fraction = 0.6;
    Dataset d;
    auto m = build<double>(c, d);
    spread_weights(*m, 1.5);
    const auto& tr = d.train;
    const int n = tr.size();
    auto run = [&](bool fast, std::vector<double>& grad, Eigen::MatrixXd& logits, Eigen::MatrixXd& hidden) {
      m->set_fast_path(fast);
      m->params().zero_grad();
      const BatchStats st = m->forward_backward(tr.a.data(), tr.b.data(), tr.y.data(), n, n);
      grad.assign(m->params().grad.begin(), m->params().grad.end());
      m->logits(tr.a.data(), tr.b.data(), n, logits);
      m->hidden_activations(tr.a.data(), tr.b.data(), n, hidden);
      // The measures' combined pass gives exactly what the two separate calls give.
      Eigen::MatrixXd both_hidden, both_logits;
      m->inspect(tr.a.data(), tr.b.data(), n, both_hidden, &both_logits);
      CHECK(both_hidden == hidden);
      CHECK(both_logits == logits);
      return st;
    };
    std::vector<double> g_fast, g_ref;
    Eigen::MatrixXd l_fast, l_ref, h_fast, h_ref;
    const BatchStats s_fast = run(true, g_fast, l_fast, h_fast);
    const BatchStats s_ref = run(false, g_ref, l_ref, h_ref);
    CHECK(s_fast.loss_sum == Approx(s_ref.loss_sum).epsilon(1e-12));
    CHECK(s_fast.correct == s_ref.correct);
    CHECK((l_fast - l_ref).norm() <= 1e-12 * l_ref.norm());
    CHECK(h_fast.rows() == c.d_mlp);
    CHECK(h_fast.cols() == n);
    CHECK((h_fast - h_ref).norm() <= 1e-12 * h_ref.norm());
    for (const auto& info : m->params().info) {
      double diff = 0, norm = 0;
      for (size_t i = info.offset; i < info.offset + info.size(); ++i) {
        diff += (g_fast[i] - g_ref[i]) * (g_fast[i] - g_ref[i]);
        norm += g_ref[i] * g_ref[i];
      }
      INFO(info.name << " |g_ref| " << std::sqrt(norm) << " |diff| " << std::sqrt(diff));
      CHECK(norm > 0);  // every parameter receives gradient
      CHECK(std::sqrt(diff) <= 1e-10 * std::sqrt(norm));
    }
  }
}

TEST_CASE("float32 tabulated path agrees with float32 reference path, with every SIMD kernel") {
  Config c = small_transformer();
  c.p = 31; c.d_model = 32; c.heads = 4; c.d_mlp = 64; c.train_fraction = 0.6;  // 576 examples: 2 chunks
  for (const char* kernel : {"generic", "avx2", "avx512"}) {
    if (!gemm_select_kernel(kernel)) continue;  // not on this CPU (the test of gemm warns)
    INFO("kernel " << kernel);
    Dataset d;
    auto m = build<float>(c, d);
    const auto& tr = d.train;
    const int n = tr.size();
    m->params().zero_grad();
    const BatchStats fast = m->forward_backward(tr.a.data(), tr.b.data(), tr.y.data(), n, n);
    const std::vector<float> g_fast(m->params().grad.begin(), m->params().grad.end());
    m->set_fast_path(false);
    m->params().zero_grad();
    const BatchStats ref = m->forward_backward(tr.a.data(), tr.b.data(), tr.y.data(), n, n);
    CHECK(fast.loss_sum == Approx(ref.loss_sum).epsilon(1e-5));
    for (const auto& info : m->params().info) {
      double diff = 0, norm = 0;
      for (size_t i = info.offset; i < info.offset + info.size(); ++i) {
        diff += double(g_fast[i] - m->params().grad[i]) * (g_fast[i] - m->params().grad[i]);
        norm += double(m->params().grad[i]) * m->params().grad[i];
      }
      INFO(info.name);
      CHECK(std::sqrt(diff) <= 1e-4 * std::sqrt(norm));
    }
  }
  REQUIRE(gemm_select_kernel("auto"));
}

TEST_CASE("transformer inspection outputs: shapes and meaning") {
  Config c = small_transformer();
  Dataset d;
  auto m = build<double>(c, d);
  const auto& P = m->params();
  const Eigen::MatrixXd emb = m->token_embedding();
  CHECK(emb.rows() == 7);   // operand tokens, not '='
  CHECK(emb.cols() == 8);
  CHECK(emb == P.w(P.index_of("W_E")).leftCols(7).transpose());
  const Eigen::MatrixXd h2l = m->hidden_to_logits();
  CHECK(h2l.rows() == 7);
  CHECK(h2l.cols() == 12);
  CHECK((h2l - P.w(P.index_of("W_U")) * P.w(P.index_of("blocks.0.W_out"))).norm() < 1e-12);
  // logits() agrees with evaluate()'s loss, in chunks or not.
  const auto& te = d.test;
  Eigen::MatrixXd logits;
  m->logits(te.a.data(), te.b.data(), te.size(), logits);
  REQUIRE(logits.cols() == te.size());
  double loss = 0;
  for (int j = 0; j < te.size(); ++j) {
    const double mx = logits.col(j).maxCoeff();
    loss += std::log((logits.col(j).array() - mx).exp().sum()) - (logits(te.y[j], j) - mx);
  }
  CHECK(m->evaluate(te.a.data(), te.b.data(), te.y.data(), te.size()).loss_sum == Approx(loss).epsilon(1e-12));
}

TEST_CASE("evaluation in chunks equals one pass (large n)") {
  Config c = small_transformer();
  c.p = 97; c.train_fraction = 0.6;  // 5645 test pairs: more than one chunk on either path
  for (bool fast : {true, false}) {
    INFO("fast " << fast);
    Dataset d;
    auto m = build<double>(c, d);
    m->set_fast_path(fast);
    const auto& te = d.test;
    const BatchStats all = m->evaluate(te.a.data(), te.b.data(), te.y.data(), te.size());
    BatchStats parts;
    const int half = te.size() / 2;
    parts += m->evaluate(te.a.data(), te.b.data(), te.y.data(), half);
    parts += m->evaluate(te.a.data() + half, te.b.data() + half, te.y.data() + half, te.size() - half);
    CHECK(all.count == te.size());
    CHECK(all.loss_sum == Approx(parts.loss_sum).epsilon(1e-12));
    CHECK(all.correct == parts.correct);
  }
}

TEST_CASE("transformer trainer memorizes a small task") {
  for (const char* ln : {"none", "post"}) {
    INFO(ln);
    Config c = small_transformer();
    c.p = 13; c.train_fraction = 0.5; c.d_model = 32; c.heads = 4; c.d_mlp = 64; c.layer_norm = ln;
    c.layers = std::string(ln) == "post" ? 2 : 1;
    c.lr = 3e-3; c.weight_decay = 0.1; c.steps = 300; c.eval_every = 100;
    std::unique_ptr<Trainer> t;
    REQUIRE(Trainer::create(c, t) == "");
    t->run(300);
    CHECK(!t->summary().diverged);
    CHECK(t->metrics().back().train_acc >= 0.99);
    CHECK(t->metrics().back().train_loss < t->metrics().front().train_loss);
  }
}
