// The cost model of cost.h. Each count follows the code it names; keep them in step when a kernel
// changes (tests/core/grokking/test_cost.cpp checks the parameter count against the real models, and
// the browser test checks the estimate against measured step times).
#include "grok/grokking/cost.h"

#include <algorithm>
#include <cmath>

#include "grok/grokking/history.h"
#include "grok/grokking/models/transformer/tabulated.h"
#include "grok/grokking/models/transformer/token_rows.h"

namespace grok {
namespace {

constexpr long kMlpEvalChunk = 4096;        // token_mlp.cpp evaluate()
constexpr long kTabulatedInspectChunk = 4096;  // transformer.cpp kFastChunk
constexpr long kReferenceEvalChunk = 1024;  // transformer.cpp kReferenceChunk
constexpr double kOptimizerWork = 12;       // per parameter: AdamW, zero_grad, the divergence check
constexpr double kKeyFrequencies = 5;       // typical count for the circuit losses of a snapshot
// The measures run at a half to a third of the training step's FLOP rate (measured natively and in
// wasm: double-precision temporaries, strided coefficient reads), so their work counts double.
constexpr double kMeasuresSlowdown = 2;

// Work of one model on n examples, split the way the implementation splits it.
struct ModelWork {
  double per_step = 0;       // once per forward pass (tables from the weights)
  double forward = 0;        // per example: forward and loss
  double backward = 0;       // per example: backward
  double backward_step = 0;  // once per training step: table gradients back into the weights
  double hidden = 0;         // width of the activations the measures read (hidden units or d_mlp)
  double param_count = 0;
  double table_bytes = 0;    // per-step tables and their gradients
  double column_bytes = 0;   // activations per example column
  long eval_chunk = 4096;    // examples per evaluation pass
  bool tables_per_chunk = true;  // evaluation rebuilds the tables per chunk (else once per call)
  long inspect_chunk = 4096; // examples per forward pass of the measures over the p x p grid
};

ModelWork token_mlp_work(const Config& c, double V) {
  ModelWork w;
  const double d = c.d_model, h = c.hidden, C = V;
  const double ce = C * kCrossEntropyWork;
  w.hidden = h;
  w.eval_chunk = kMlpEvalChunk;
  w.inspect_chunk = static_cast<long>(V * V);  // inspect() is one forward pass over the whole grid
  if (c.mlp_input == "factored") {
    w.param_count = d * V + 2 * h * d;
    w.per_step = 2 * h * d * V + 2 * V * d * h;        // W_h E and E^T W_o
    w.backward_step = 8 * h * d * V;                   // four products back into E, W_h, W_o
  } else if (c.mlp_input == "tied") {
    w.param_count = h * V + C * h;
  } else {
    w.param_count = 2 * d * V + 2 * h * d + h + C * h;
    w.per_step = 2 * (2 * h * d * V);                  // W_in_a E_a and W_in_b E_b
    w.backward_step = 4 * (2 * h * d * V);
  }
  w.forward = 3 * h + h + 2 * C * h + ce;              // gather, activation, W_out h, cross-entropy
  w.backward = 2 * C * h + 2 * C * h + h + 3 * h;      // dW_out, dh, activation', scatter
  w.table_bytes = 4.0 * 4 * h * V;
  w.column_bytes = 4.0 * (3 * h + 2 * C);
  return w;
}

ModelWork tabulated_work(const Config& c, double V) {
  ModelWork w;
  const double d = c.d_model, H = c.heads, M = transformer_dims(c, int(V)).d_mlp, C = V, vocab = V + 1,
               VP = vocab + 3, hd = c.d_model;
  const double R = std::ceil((M + C) / kTableRows) * kTableRows;
  w.hidden = M;
  w.eval_chunk = TabulatedOneLayer<float>::kChunk;
  w.tables_per_chunk = false;  // TabulatedOneLayer::evaluate tabulates once
  w.inspect_chunk = kTabulatedInspectChunk;
  // tabulate(): q, QK, SEP, VEP, Ast, T per head, c, U, and the row-block copy of T.
  w.per_step = 4 * hd * d + 2 * H * d * VP + 2 * hd * d * VP + 2 * R * d * hd + 2 * R * hd * VP + 2 * R * d +
               2 * C * d * M + R * vocab * H;
  // attend_and_mix(): 3-way softmax per head, B att, the token columns, activation, U hid; the loss.
  w.forward = 30 * H + 2 * R * 3 * H + 4 * H * R + M + 2 * C * M + C * kCrossEntropyWork;
  // backward_examples(): dU, U^T dlogits, activation', dc, dB, datt, the token rows, the softmaxes.
  w.backward = 4 * C * M + M + R + 12 * R * H + 8 * H * R + 20 * H;
  // backward_tables(): the products of tabulate() again, twice each, and the copies.
  w.backward_step = 2 * (2 * R * hd * VP) + 2 * (2 * R * d * hd) + 2 * (2 * C * d * M) + 2 * (2 * hd * d * VP) +
                    2 * (2 * d * H * VP) + 3 * R * vocab * H;
  w.table_bytes = 4.0 * (2 * R * vocab * H + 2 * R * H * VP + 4 * R * d + 2 * C * M);
  // Up to kGroups groups of chunks keep their own table gradients (summed in group order, so a run
  // is the same for any thread count).
  w.table_bytes += TabulatedOneLayer<float>::kGroups * 4.0 * (C * M + R * 3 * H + R + R * vocab * H + H * VP);
  w.column_bytes = 4.0 * (2 * R + M + C + 38 * H);
  return w;
}

ModelWork reference_work(const Config& c, double V) {
  ModelWork w;
  const TransformerDims td = transformer_dims(c, int(V));
  const double d = c.d_model, H = c.heads, M = td.d_mlp, C = td.classes, hd = c.d_model, L = c.layers,
               T = td.positions;
  const bool ln = td.block_ln();
  w.hidden = M;
  w.eval_chunk = kReferenceEvalChunk;
  w.inspect_chunk = kReferenceEvalChunk;
  double forward = T * d + 2 * C * d + (td.pre_ln() ? 10 * d : 0);  // embedding, unembedding, final LN
  for (int l = 0; l < c.layers; ++l) {
    const double nq = l == c.layers - 1 ? 1 : T;  // the last block computes queries at the last position only
    // (pre-LN normalizes every position before the attention, post-LN only the query positions)
    forward += 2 * 2 * hd * d * T + 2 * hd * d * nq + 4 * hd * T * nq + 20 * H * T * nq + 2 * d * hd * nq +
               4 * M * d * nq + (td.act == Activation::gelu ? 20 : 1) * M * nq + d * nq +
               (ln ? 10 * d * (nq + (td.pre_ln() ? T : nq)) : 0);
  }
  w.forward = forward + C * kCrossEntropyWork;
  w.backward = 2 * forward;  // a gradient for the input and one for the weights of every product
  w.table_bytes = 0;
  w.column_bytes = 4.0 * L * (2 * T * d + 8 * T * hd + 3 * T * H + 9 * M + 12 * d + (ln ? 4 * T * d : 0)) +
                   4.0 * 2 * C;
  return w;
}

ModelWork feature_mlp_work(const Config& c, double dim, double classes) {
  ModelWork w;
  std::vector<double> widths = {dim};
  for (int l = 0; l < c.depth; ++l) widths.push_back(c.hidden);
  widths.push_back(classes);
  double products = 0;
  for (size_t l = 0; l + 1 < widths.size(); ++l) {
    products += 2 * widths[l] * widths[l + 1];
    w.param_count += widths[l] * widths[l + 1] + widths[l + 1];
  }
  const double hidden_units = double(c.hidden) * c.depth;
  w.hidden = c.hidden;
  w.eval_chunk = 4096;  // feature_mlp.h kEvalChunk
  w.forward = products + 2 * hidden_units + classes + classes * kCrossEntropyWork;
  // dW for every layer, d(input) for all but the first, bias sums and the activations' derivatives.
  w.backward = products + (products - 2 * dim * widths[1]) + 2 * hidden_units + classes;
  w.column_bytes = 4.0 * (3 * hidden_units + 2 * classes);
  return w;
}

// Grokfast-MA keeps the last `window` gradients and sums them every step: that many extra floats
// (and multiply-adds) per parameter.
double ma_window(const Config& c) { return c.grokfast_lambda > 0 && c.grokfast == "ma" ? c.grokfast_window : 0; }

long count_snapshots(long steps) {
  long count = 0, last = -1;
  for (long s = 0; s <= std::min<long>(steps, 10); ++s) { ++count; last = s; }
  for (int k = 11; ; ++k) {
    const long v = static_cast<long>(std::floor(std::pow(10.0, double(k) / kSnapshotsPerDecade) + 1e-9));
    if (v > steps) break;
    if (v > last) { ++count; last = v; }
  }
  return count + (last == steps ? 0 : 1);  // the final step always gets one
}

// Evaluations of a run: log-spaced ones before the first eval_every, then every eval_every steps.
double count_evaluations(const Config& c, long steps) {
  const double early = std::min<double>(c.eval_every, steps);
  return double(steps) / c.eval_every + std::min(early, 10.0 + 20.0 * std::log10(std::max(1.0, early / 10)));
}

}  // namespace

CostEstimate estimate_dense(const Config& c) {
  CostEstimate e;
  const double dim = dense_feature_dim(c), classes = dense_classes(c);
  const long steps = run_steps(c);
  e.n_train = dense_train_size(c);
  e.n_test = dense_test_size(c);
  e.batch = c.batch_size > 0 ? std::min<long>(c.batch_size, e.n_train) : e.n_train;
  const ModelWork w = feature_mlp_work(c, dim, classes);
  e.params = static_cast<long>(w.param_count);
  e.step_work = e.batch * (w.forward + w.backward) + (kOptimizerWork + ma_window(c)) * w.param_count +
                e.batch * dim;  // + the gather
  // The training set twice with label noise (all, then its clean and noisy parts).
  const double evaluated = (c.label_noise > 0 ? 2.0 : 1.0) * e.n_train + e.n_test;
  e.eval_work = evaluated * w.forward;
  e.amortized_step_work = e.step_work + count_evaluations(c, steps) * e.eval_work / steps;
  const double columns = std::max<double>(e.batch, std::min<double>(evaluated, w.eval_chunk));
  e.bytes = 4.0 * w.param_count * (5 + ma_window(c)) + w.column_bytes * columns + 4.0 * (dim + 1) * (e.n_train + e.n_test) +
            4.0 * e.n_train + (c.dataset == "fashion-mnist" ? 47e6 + 8e6 : 0);  // the decompressed files while loading
  return e;
}

CostEstimate estimate_cost(const Config& c) {
  if (dense_dataset(c)) return estimate_dense(c);
  CostEstimate e;
  const PairSpec spec = pair_spec(c);
  const double V = n_elements(spec);
  const long pairs = pair_count(spec);
  e.n_train = train_count(spec);
  e.n_test = pairs - e.n_train;
  e.batch = c.batch_size > 0 ? std::min<long>(c.batch_size, e.n_train) : e.n_train;
  const long steps = run_steps(c);
  e.snapshots = count_snapshots(steps);

  ModelWork w;
  if (c.model == "mlp") w = token_mlp_work(c, V);
  else if (tabulated_path_applies(transformer_dims(c, int(V)))) w = tabulated_work(c, V);
  else w = reference_work(c, V);
  if (c.model == "transformer") w.param_count = double(transformer_param_count(transformer_dims(c, int(V))));
  e.params = static_cast<long>(w.param_count);

  e.step_work = w.per_step + e.batch * (w.forward + w.backward) + w.backward_step +
                (kOptimizerWork + ma_window(c)) * w.param_count;
  // evaluate() runs the train set, then the test set: the tables twice (per chunk on the reference path).
  const double eval_passes = w.tables_per_chunk ? std::ceil(double(e.n_train) / w.eval_chunk) +
                                                      std::ceil(double(e.n_test) / w.eval_chunk)
                                                : 2;
  e.eval_work = eval_passes * w.per_step + pairs * w.forward;

  // A snapshot: the forward over the p x p grid, the 2-D Fourier transform X B^T (hidden x p^3
  // multiply-adds) and its per-frequency coefficients, and for a+b the circuit losses. S5 has none.
  if (!fixed_group_op(c.op)) {
    const double grid = V * V;
    e.snapshot_work = std::ceil(grid / w.inspect_chunk) * w.per_step + grid * (w.forward - V * kCrossEntropyWork) +
                      2 * w.hidden * V * grid + 8 * w.hidden * grid;
    if (c.op == "add")
      e.snapshot_work += 4 * kKeyFrequencies * w.hidden * grid + pairs * V * (4 * kKeyFrequencies + kCrossEntropyWork);
  }
  e.snapshot_work *= kMeasuresSlowdown;
  e.amortized_step_work = e.step_work + (count_evaluations(c, steps) * e.eval_work + e.snapshots * e.snapshot_work) / steps;

  double columns = std::max<double>(e.batch, std::min<double>(pairs, w.eval_chunk));
  if (!fixed_group_op(c.op)) columns = std::max<double>(columns, std::min<double>(V * V, w.inspect_chunk));
  const double hidden_grid = fixed_group_op(c.op) ? 0 : V * V;
  e.bytes = 4.0 * w.param_count * (5 + e.snapshots + ma_window(c)) + w.table_bytes + w.column_bytes * columns +
            4.0 * (3 * pairs + e.n_train) +                                  // the dataset and the epoch order
            4.0 * (3 * w.hidden + V) * hidden_grid + 8.0 * 2 * kKeyFrequencies * hidden_grid;  // the measures
  return e;
}

nlohmann::json cost_to_json(const CostEstimate& e) {
  return {{"params", e.params}, {"n_train", e.n_train}, {"n_test", e.n_test}, {"batch", e.batch},
          {"snapshots", e.snapshots}, {"step_work", e.step_work}, {"eval_work", e.eval_work},
          {"snapshot_work", e.snapshot_work}, {"amortized_step_work", e.amortized_step_work}, {"bytes", e.bytes}};
}

}  // namespace grok
