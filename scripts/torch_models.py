"""PyTorch reference models, written to compute EXACTLY what the C++ core computes.

What this is: the parity reference for core/src/grokking/models/token_mlp.cpp,
core/src/grokking/models/transformer/transformer.cpp and core/src/grokking/models/feature_mlp.cpp
(used by scripts/make-parity-fixture) and the PyTorch side of scripts/bench-vs-pytorch.
What it is not: a trainer or a second implementation to ship. Nothing here is imported by the core.

Every parameter has the C++ name and the C++ (rows x cols) shape, so exporting one is
`t.detach().numpy().flatten(order="F")` (our Params buffer is column-major). A vector (b_in, ...)
is (rows,) here and (rows x 1) in C++.

  MLP (core/include/grok/grokking/models/token_mlp.h):
    E_a, E_b (d_model x tokens); W_in_a, W_in_b (hidden x d_model); b_in (hidden); W_out (classes x hidden)
    pre = W_in_a E_a[:, a] + W_in_b E_b[:, b] + b_in;  h = relu(pre) or pre^2;  logits = W_out h
    mlp_input "tied": W_input (hidden x tokens), W_out; pre = W_input[:, a] + W_input[:, b]
    mlp_input "factored" (Google PAIR's notebook): E (d_model x tokens), W_h (hidden x d_model),
      W_o (d_model x hidden); pre = W_h E[:, a] + W_h E[:, b]; logits = E^T W_o h

  Transformer (Nanda et al. 2023, transformers.py: einsum, every position computed, causal attention):
    W_E (d_model x vocab), W_pos (d_model x 3)              [Nanda's W_pos is (3 x d_model): transposed]
    blocks.l.W_Q/W_K/W_V (heads*d_head x d_model), row h*d_head+i   [Nanda's (heads, d_head, d_model)]
    blocks.l.W_O (d_model x heads*d_head), W_in (d_mlp x d_model), b_in (d_mlp),
    blocks.l.W_out (d_model x d_mlp), b_out (d_model)
    post-LN only: blocks.l.ln1_w, ln1_b, ln2_w, ln2_b (d_model)
    W_U (classes x d_model)                                  [Nanda's (d_model x d_vocab): transposed]
      classes = n_elements: like our C++ (and TransformerLens), no output for '=' (Nanda has p + 1)
    block, no LN:  x = x + attn(x);      x = x + mlp(x)     mlp(x) = W_out act(W_in x + b_in) + b_out
    block, post-LN: x = LN1(x + attn(x)); x = LN2(x + mlp(x))   (LayerNorm: biased variance, eps 1e-5)
    Input [a, b, =] with '=' = token n_elements; logits at the last position only feed the loss.

  Pre-LN decoder (PreLnDecoder below: the model ironjr/grokfast main.py trains, built from torch's
  own modules, sequence-first): nn.Embedding for tokens and positions, per block nn.LayerNorm ln_1,
  nn.MultiheadAttention (causal mask, biases unless attn_bias is off), nn.LayerNorm ln_2, and the MLP
  nn.Sequential(Linear(d, M), GELU() or ReLU(), Linear(M, d)); a final nn.LayerNorm ln_f and the head
  Linear(d, classes, bias=False).
    layer_norm "pre-inplace" (ironjr/grokfast's Block): x = ln_1(x); x = x + attn(x); x = x + mlp(ln_2(x))
    layer_norm "pre":                                    x = x + attn(ln_1(x)); x = x + mlp(ln_2(x))
    op_token: input [a, op, b, =] ('=' = p, op = p + 1), logits over all p + 2 tokens; else [a, b, =].
  Its torch names map to ours in PreLnDecoder.named_tensors (W_E = token_embeddings.weight^T, W_Q/K/V
  = the rows of attn.in_proj_weight, b_Q/K/V of in_proj_bias, W_O/b_O = out_proj, W_in/b_in = mlp.0,
  W_out/b_out = mlp.2, ln1/ln2/lnf, W_U = head.weight).

  Grokfast filters (grokfast_filter below), applied to the gradients before the optimizer, as the
  Grokfast paper and its README define them: EMA mu = alpha mu + (1 - alpha) g (mu_0 = g_0),
  g += lambda mu; MA: the last `window` raw gradients, g += lambda * mean once there are `window`.

  Feature MLP (core/include/grok/grokking/models/feature_mlp.h): dense inputs x (n x in here,
  in x n in C++), `depth` hidden layers of width `hidden`, biases everywhere, relu or x^2:
    nn.Sequential(Linear(in, hidden), act, Linear(hidden, hidden), act, ..., Linear(hidden, classes))
    with torch.nn.Linear's default init (as the C++ init, drawn from torch's RNG). C++ names:
    layers.l.W <- layers.{2l}.weight (out x in), layers.l.b <- layers.{2l}.bias, l = 0..depth.

Loss (core/src/common/loss.cpp): cross-entropy in float64 over softmax, or over StableMax
s(x) = x + 1 (x >= 0), 1 / (1 - x) (x < 0) (Prieto et al. 2025), mean over the batch; or "mse":
the squared error against one-hot targets, mean over batch x classes (nn.MSELoss()(logits, one_hot)).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

LN_EPS = 1e-5
N_CTX = 3  # [a, b, =]


class Mlp(nn.Module):
    """MlpModel of core/src/grokking/models/token_mlp.cpp (mlp_input "embed"). Examples are rows here (n x classes); C++ has
    them as columns."""

    def __init__(self, n_tokens, classes, d_model, hidden, activation="relu"):
        super().__init__()
        assert activation in ("relu", "quad")
        self.activation = activation
        self.E_a = nn.Parameter(torch.empty(d_model, n_tokens))
        self.E_b = nn.Parameter(torch.empty(d_model, n_tokens))
        self.W_in_a = nn.Parameter(torch.empty(hidden, d_model))
        self.W_in_b = nn.Parameter(torch.empty(hidden, d_model))
        self.b_in = nn.Parameter(torch.zeros(hidden))
        self.W_out = nn.Parameter(torch.empty(classes, hidden))
        # Same scales as the C++ init (variance 1/fan_in), drawn from torch's RNG.
        with torch.no_grad():
            self.E_a.normal_(0, 1 / math.sqrt(d_model))
            self.E_b.normal_(0, 1 / math.sqrt(d_model))
            self.W_in_a.normal_(0, 1 / math.sqrt(2 * d_model))
            self.W_in_b.normal_(0, 1 / math.sqrt(2 * d_model))
            self.W_out.normal_(0, 1 / math.sqrt(hidden))

    def pre_activations(self, a, b):  # (n x hidden)
        return self.E_a[:, a].T @ self.W_in_a.T + self.E_b[:, b].T @ self.W_in_b.T + self.b_in

    def hidden(self, a, b):  # (n x hidden): what hidden_activations() returns (transposed)
        pre = self.pre_activations(a, b)
        return F.relu(pre) if self.activation == "relu" else pre * pre

    def forward(self, a, b):  # logits (n x classes)
        return self.hidden(a, b) @ self.W_out.T


class TiedMlp(Mlp):
    """MlpModel with mlp_input "tied" (Google PAIR's model): one input matrix for both operands, no
    embeddings, no biases."""

    def __init__(self, n_tokens, classes, hidden, activation="relu"):
        nn.Module.__init__(self)
        assert activation in ("relu", "quad")
        self.activation = activation
        self.W_input = nn.Parameter(torch.randn(hidden, n_tokens) * math.sqrt(0.5))
        self.W_out = nn.Parameter(torch.randn(classes, hidden) / math.sqrt(hidden))

    def pre_activations(self, a, b):  # (n x hidden)
        return (self.W_input[:, a] + self.W_input[:, b]).T


class FactoredMlp(Mlp):
    """MlpModel with mlp_input "factored" (Google PAIR's notebook): one embedding shared by both
    operands and, transposed, by the output; no biases."""

    def __init__(self, n_tokens, hidden, d_model, activation="relu"):
        nn.Module.__init__(self)
        assert activation in ("relu", "quad")
        self.activation = activation
        self.E = nn.Parameter(torch.randn(d_model, n_tokens) * math.sqrt(2 / n_tokens))
        self.W_h = nn.Parameter(torch.randn(hidden, d_model) / math.sqrt(d_model))
        self.W_o = nn.Parameter(torch.randn(d_model, hidden) / math.sqrt(hidden))

    def pre_activations(self, a, b):  # (n x hidden)
        return (self.E[:, a].T + self.E[:, b].T) @ self.W_h.T

    def forward(self, a, b):  # logits (n x classes)
        return self.hidden(a, b) @ self.W_o.T @ self.E


class Block(nn.Module):
    """One transformer block in Nanda's einsum style; post-LN when layer_norm == 'post'."""

    def __init__(self, d_model, heads, d_mlp, layer_norm, activation="relu"):
        super().__init__()
        assert d_model % heads == 0 and layer_norm in ("none", "post") and activation in ("relu", "quad")
        self.heads, self.d_head, self.layer_norm = heads, d_model // heads, layer_norm
        self.activation = activation
        hd = heads * self.d_head
        s = 1 / math.sqrt(d_model)  # Nanda: N(0, 1/d_model) for W_Q/K/V/O, W_in, W_out
        self.W_Q = nn.Parameter(torch.randn(hd, d_model) * s)
        self.W_K = nn.Parameter(torch.randn(hd, d_model) * s)
        self.W_V = nn.Parameter(torch.randn(hd, d_model) * s)
        self.W_O = nn.Parameter(torch.randn(d_model, hd) * s)
        self.W_in = nn.Parameter(torch.randn(d_mlp, d_model) * s)
        self.b_in = nn.Parameter(torch.zeros(d_mlp))
        self.W_out = nn.Parameter(torch.randn(d_model, d_mlp) * s)
        self.b_out = nn.Parameter(torch.zeros(d_model))
        if layer_norm == "post":
            self.ln1_w = nn.Parameter(torch.ones(d_model))
            self.ln1_b = nn.Parameter(torch.zeros(d_model))
            self.ln2_w = nn.Parameter(torch.ones(d_model))
            self.ln2_b = nn.Parameter(torch.zeros(d_model))
        self.register_buffer("mask", torch.tril(torch.ones(N_CTX, N_CTX)))
        self.mlp_post = None  # last forward's MLP activations (batch, pos, d_mlp)

    def attn(self, x):  # x (batch, pos, d_model)
        W_Q = self.W_Q.view(self.heads, self.d_head, -1)  # row h*d_head+i -> [h, i]
        W_K = self.W_K.view(self.heads, self.d_head, -1)
        W_V = self.W_V.view(self.heads, self.d_head, -1)
        k = torch.einsum("ihd,bpd->biph", W_K, x)
        q = torch.einsum("ihd,bpd->biph", W_Q, x)
        v = torch.einsum("ihd,bpd->biph", W_V, x)
        scores = torch.einsum("biph,biqh->biqp", k, q)  # query q attends to key p
        n = x.shape[-2]
        mask = self.mask[:n, :n].to(scores.dtype)
        # Nanda's causal mask: keys after the query get -1e10, which softmax turns into exactly 0.
        scores = torch.tril(scores) - 1e10 * (1 - mask)
        pattern = F.softmax(scores / math.sqrt(self.d_head), dim=-1)
        z = torch.einsum("biph,biqp->biqh", v, pattern)
        z_flat = z.permute(0, 2, 1, 3).reshape(x.shape[0], n, -1)  # b q (i h): column h*d_head+i
        return torch.einsum("df,bqf->bqd", self.W_O, z_flat)

    def mlp(self, x):
        pre = torch.einsum("md,bpd->bpm", self.W_in, x) + self.b_in
        post = F.relu(pre) if self.activation == "relu" else pre * pre
        self.mlp_post = post
        return torch.einsum("dm,bpm->bpd", self.W_out, post) + self.b_out

    def forward(self, x):
        if self.layer_norm == "post":
            x = F.layer_norm(x + self.attn(x), x.shape[-1:], self.ln1_w, self.ln1_b, LN_EPS)
            return F.layer_norm(x + self.mlp(x), x.shape[-1:], self.ln2_w, self.ln2_b, LN_EPS)
        x = x + self.attn(x)
        return x + self.mlp(x)


class Transformer(nn.Module):
    """Transformer of core/src/grokking/models/transformer/transformer.cpp: [a, b, =] -> logits at every position."""

    def __init__(self, n_elements, d_model, heads, d_mlp, layers=1, layer_norm="none", activation="relu"):
        super().__init__()
        self.n_elements = n_elements
        vocab, classes = n_elements + 1, n_elements
        self.W_E = nn.Parameter(torch.randn(d_model, vocab) / math.sqrt(d_model))
        self.W_pos = nn.Parameter(torch.randn(d_model, N_CTX) / math.sqrt(d_model))
        self.blocks = nn.ModuleList(Block(d_model, heads, d_mlp, layer_norm, activation) for _ in range(layers))
        # Nanda: N(0, 1/d_vocab) for the unembedding.
        self.W_U = nn.Parameter(torch.randn(classes, d_model) / math.sqrt(vocab))

    def tokens(self, a, b):  # (batch, 3)
        eq = torch.full_like(a, self.n_elements)
        return torch.stack([a, b, eq], dim=1)

    def forward_all(self, a, b):  # logits (batch, pos, classes), every position like Nanda's model
        x = torch.einsum("dbp->bpd", self.W_E[:, self.tokens(a, b)])
        x = x + self.W_pos.T
        for block in self.blocks:
            x = block(x)
        return x @ self.W_U.T

    def forward(self, a, b):  # logits at the last position (batch, classes)
        return self.forward_all(a, b)[:, -1]

    def hidden(self, a, b):  # last block's MLP activations at the last position (batch, d_mlp)
        self.forward_all(a, b)
        return self.blocks[-1].mlp_post[:, -1]


class PreLnBlock(nn.Module):
    def __init__(self, d_model, heads, d_mlp, layer_norm, activation, attn_bias):
        super().__init__()
        assert layer_norm in ("pre", "pre-inplace") and activation in ("relu", "gelu")
        self.layer_norm = layer_norm
        self.ln_1 = nn.LayerNorm(d_model, eps=LN_EPS)
        self.ln_2 = nn.LayerNorm(d_model, eps=LN_EPS)
        self.attn = nn.MultiheadAttention(d_model, heads, bias=attn_bias)
        self.mlp = nn.Sequential(nn.Linear(d_model, d_mlp), nn.GELU() if activation == "gelu" else nn.ReLU(),
                                 nn.Linear(d_mlp, d_model))
        self.activation = activation
        self.mlp_pre = self.mlp_post = None  # last forward's MLP pre-activations / activations (T, n, d_mlp)
        self.mlp[0].register_forward_hook(lambda m, i, o: setattr(self, "mlp_pre", o))
        self.mlp[1].register_forward_hook(lambda m, i, o: setattr(self, "mlp_post", o))

    def forward(self, x):  # x (T, n, d_model)
        T = x.shape[0]
        mask = torch.triu(torch.full((T, T), -float("inf"), dtype=x.dtype), diagonal=1)
        if self.layer_norm == "pre-inplace":
            x = self.ln_1(x)
            a, _ = self.attn(x, x, x, attn_mask=mask, need_weights=False)
            x = x + a
        else:
            h = self.ln_1(x)
            a, _ = self.attn(h, h, h, attn_mask=mask, need_weights=False)
            x = x + a
        return x + self.mlp(self.ln_2(x))


class PreLnDecoder(nn.Module):
    """The pre-LN decoder of core/src/grokking/models/transformer/transformer.cpp, in torch's modules."""

    def __init__(self, n_elements, d_model, heads, d_mlp, layers, layer_norm, activation, op_token, attn_bias):
        super().__init__()
        self.n_elements, self.op_token, self.attn_bias = n_elements, op_token, attn_bias
        vocab = n_elements + (2 if op_token else 1)
        classes = vocab if op_token else n_elements
        self.T = 4 if op_token else 3
        self.token_embeddings = nn.Embedding(vocab, d_model)
        self.position_embeddings = nn.Embedding(self.T, d_model)
        self.layers = nn.ModuleList(PreLnBlock(d_model, heads, d_mlp, layer_norm, activation, attn_bias)
                                    for _ in range(layers))
        self.ln_f = nn.LayerNorm(d_model, eps=LN_EPS)
        self.head = nn.Linear(d_model, classes, bias=False)
        self.activation = activation

    def tokens(self, a, b):  # (T, n), sequence-first like nn.MultiheadAttention's default
        eq = torch.full_like(a, self.n_elements)
        if self.op_token:
            return torch.stack([a, torch.full_like(a, self.n_elements + 1), b, eq])
        return torch.stack([a, b, eq])

    def forward(self, a, b):  # logits at the last position (n, classes)
        tok = self.tokens(a, b)
        h = self.token_embeddings(tok) + self.position_embeddings(torch.arange(self.T))[:, None, :]
        for layer in self.layers:
            h = layer(h)
        return self.head(self.ln_f(h))[-1]

    def hidden(self, a, b):  # last block's MLP activations at the last position (n, d_mlp)
        self.forward(a, b)
        return self.layers[-1].mlp_post[-1]

    def relu_margin(self, a, b):
        if self.activation != "relu":
            return float("inf")
        with torch.no_grad():
            self.forward(a, b)
            return float(min(blk.mlp_pre.abs().min() for blk in self.layers))

    def spread(self):
        """Nonzero biases and LayerNorm gains/shifts (their init is 0/1): every gradient path is exercised."""
        with torch.no_grad():
            for pname, p in self.named_parameters():
                if pname.endswith("bias"):
                    p.normal_(0, 0.3)
                elif ".ln_" in pname or pname.startswith("ln_f"):
                    p.copy_(1 + 0.3 * torch.randn_like(p))

    def named_tensors(self, grad=False):
        """(C++ name, tensor in the C++ shape) in the C++ order; grad: the gradients instead."""
        def get(p):
            return p.grad if grad else p
        hd = self.token_embeddings.weight.shape[1]
        out = [("W_E", get(self.token_embeddings.weight).T), ("W_pos", get(self.position_embeddings.weight).T)]
        for l, blk in enumerate(self.layers):
            pre = f"blocks.{l}."
            w = get(blk.attn.in_proj_weight)
            out += [(pre + "W_Q", w[:hd]), (pre + "W_K", w[hd:2 * hd]), (pre + "W_V", w[2 * hd:])]
            if self.attn_bias:
                bias = get(blk.attn.in_proj_bias)
                out += [(pre + "b_Q", bias[:hd]), (pre + "b_K", bias[hd:2 * hd]), (pre + "b_V", bias[2 * hd:])]
            out.append((pre + "W_O", get(blk.attn.out_proj.weight)))
            if self.attn_bias:
                out.append((pre + "b_O", get(blk.attn.out_proj.bias)))
            out += [(pre + "W_in", get(blk.mlp[0].weight)), (pre + "b_in", get(blk.mlp[0].bias)),
                    (pre + "W_out", get(blk.mlp[2].weight)), (pre + "b_out", get(blk.mlp[2].bias)),
                    (pre + "ln1_w", get(blk.ln_1.weight)), (pre + "ln1_b", get(blk.ln_1.bias)),
                    (pre + "ln2_w", get(blk.ln_2.weight)), (pre + "ln2_b", get(blk.ln_2.bias))]
        out += [("lnf_w", get(self.ln_f.weight)), ("lnf_b", get(self.ln_f.bias)), ("W_U", get(self.head.weight))]
        return out


def grokfast_filter(config, params, state):
    """Grokfast on the gradients of `params` (in place) before the optimizer step: EMA (alpha, lambda)
    or MA (window, lambda), per the config's grokfast fields; no-op when grokfast_lambda is 0.
    `state` is a dict kept between steps."""
    lam = float(config.get("grokfast_lambda", 0.0))
    if lam == 0:
        return
    if config.get("grokfast", "ema") == "ema":
        alpha = float(config.get("grokfast_alpha", 0.98))
        if "ema" not in state:
            state["ema"] = [p.grad.detach().clone() for p in params]
        else:
            state["ema"] = [mu * alpha + p.grad.detach() * (1 - alpha) for mu, p in zip(state["ema"], params)]
        for mu, p in zip(state["ema"], params):
            p.grad = p.grad + mu * lam
        return
    window = int(config.get("grokfast_window", 100))
    queue = state.setdefault("ma", [])
    queue.append([p.grad.detach().clone() for p in params])
    if len(queue) > window:
        queue.pop(0)
    if len(queue) == window:
        for i, p in enumerate(params):
            total = 0
            for g in queue:
                total = total + g[i]
            p.grad = p.grad + total / window * lam


class Square(nn.Module):
    """The "quad" activation x^2 (Gromov 2023) as a module, for nn.Sequential."""

    def forward(self, x):
        return x * x


class FeatureMlp(nn.Module):
    """FeatureMlp of core/src/grokking/models/feature_mlp.cpp. Examples are rows here (n x in)."""

    def __init__(self, in_dim, classes, hidden, depth=1, activation="relu"):
        super().__init__()
        assert activation in ("relu", "quad") and depth >= 1
        self.activation = activation
        widths = [in_dim] + [hidden] * depth + [classes]
        mods = []
        for l in range(depth + 1):
            mods.append(nn.Linear(widths[l], widths[l + 1]))  # default init: U(+-1/sqrt(fan_in)), bias too
            if l < depth:
                mods.append(nn.ReLU() if activation == "relu" else Square())
        self.layers = nn.Sequential(*mods)

    def pre_activations(self, x):  # the input of every hidden activation, each (n x hidden)
        pres = []
        for mod in self.layers:
            if not isinstance(mod, nn.Linear):
                pres.append(x)
            x = mod(x)
        return pres

    def hidden(self, x):  # (n x hidden): the last hidden layer, what inspect() returns (transposed)
        return self.layers[:-1](x)

    def forward(self, x):  # logits (n x classes)
        return self.layers(x)


def named_params(model):
    """(C++ name, tensor) in the C++ registration order (W_U last for the transformer); torch's module
    names already are the C++ names, except the feature MLP's layers.{2l}.weight / .bias, which are
    layers.l.W / layers.l.b."""
    if isinstance(model, FeatureMlp):
        out = []
        for pname, t in model.named_parameters():
            _, idx, kind = pname.split(".")  # layers.{2l}.weight|bias
            out.append((f"layers.{int(idx) // 2}.{'W' if kind == 'weight' else 'b'}", t))
        return out
    named = list(model.named_parameters())
    if isinstance(model, PreLnDecoder):
        return model.named_tensors()
    if isinstance(model, Transformer):
        named = [x for x in named if x[0] != "W_U"] + [x for x in named if x[0] == "W_U"]
    return named


def named_grads(model):
    """(C++ name, gradient in the C++ shape), in named_params' order."""
    if isinstance(model, PreLnDecoder):
        return model.named_tensors(grad=True)
    return [(name, t.grad) for name, t in named_params(model)]


def stablemax_s(x):
    # clamp() keeps the branch torch.where does not select finite, so its gradient is 0, not NaN.
    return torch.where(x >= 0, x + 1, 1 / (1 - torch.clamp(x, max=0)))


def cross_entropy(logits, y, loss="softmax"):
    """Mean cross-entropy in float64 (logits (n x classes) of any float dtype)."""
    z = logits.to(torch.float64)
    if loss == "softmax":
        log_p = z.log_softmax(dim=-1)
    elif loss == "stablemax":
        s = stablemax_s(z)
        log_p = torch.log(s / s.sum(dim=-1, keepdim=True))
    else:
        raise ValueError(loss)
    return -log_p.gather(-1, y[:, None])[:, 0].mean()


def mse_one_hot(logits, y):
    """Mean squared error in float64 against one-hot targets: mean over batch x classes, i.e.
    nn.MSELoss()(logits, one_hot(y)) (core/src/common/loss.cpp mse_loss)."""
    z = logits.to(torch.float64)
    return F.mse_loss(z, F.one_hot(y, z.shape[-1]).to(torch.float64))


def batch_loss(logits, y, loss="softmax"):
    """The mean loss a config's `loss` field names: softmax / stablemax cross-entropy or mse."""
    return mse_one_hot(logits, y) if loss == "mse" else cross_entropy(logits, y, loss)


def build_optimizer(config, params):
    """torch.optim and the LambdaLR warmup for a C++ config's optimizer fields, exactly as
    core/include/grok/grokking/optimizer.h documents them (no gradient filters):
      adamw: torch.optim.AdamW (decoupled decay w *= 1 - lr wd); adam: torch.optim.Adam (weight_decay
      as coupled L2, g += wd w); both with betas (beta1, beta2), eps, no amsgrad;
      sgd: torch.optim.SGD(momentum, dampening 0, no Nesterov, weight_decay as L2): the first step's
      momentum buffer is the gradient itself, then b = momentum b + g;
      lr_t = lr * min(t / warmup, 1) for the 0-based step t (1 when warmup is 0): LambdaLR evaluates
      its lambda at t = 0 on construction, so with warmup > 0 the first step has lr 0 (Adam's moments
      and step count still advance), and scheduler.step() after each optimizer step gives t + 1.
    Returns (optimizer, scheduler); call optimizer.step() then scheduler.step() each step."""
    kind, lr, wd = config["optimizer"], float(config["lr"]), float(config["weight_decay"])
    if kind == "sgd":
        opt = torch.optim.SGD(params, lr=lr, momentum=float(config.get("momentum", 0.0)), dampening=0,
                              nesterov=False, weight_decay=wd)
    elif kind in ("adam", "adamw"):
        cls = torch.optim.AdamW if kind == "adamw" else torch.optim.Adam
        opt = cls(params, lr=lr, betas=(float(config["beta1"]), float(config["beta2"])),
                  eps=float(config["eps"]), weight_decay=wd, amsgrad=False)
    else:
        raise ValueError(kind)
    warmup = int(config["warmup"])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: min(t / warmup, 1.0) if warmup > 0 else 1.0)
    return opt, sched


def build_feature(config, in_dim, classes):
    """A reference FeatureMlp from a C++ config dict of a dense dataset (mnist1d, fashion-mnist)."""
    assert config["model"] == "mlp"
    return FeatureMlp(in_dim, classes, int(config["hidden"]), int(config.get("depth", 1)),
                      config.get("activation", "relu"))


def build(config):
    """A reference model from a C++ config dict (field names of core/src/grokking/config.cpp) of the
    token-pair task; dense datasets: build_feature."""
    assert config.get("dataset", "modular") == "modular", "dense dataset: use build_feature"
    n = 120 if config["op"] == "s5" else int(config["p"])
    if config["model"] == "mlp" and config.get("mlp_input", "embed") == "tied":
        return TiedMlp(n, n, int(config["hidden"]), config.get("activation", "relu"))
    if config["model"] == "mlp" and config.get("mlp_input", "embed") == "factored":
        return FactoredMlp(n, int(config["hidden"]), int(config["d_model"]), config.get("activation", "relu"))
    if config["model"] == "mlp":
        return Mlp(n, n, int(config["d_model"]), int(config["hidden"]), config.get("activation", "relu"))
    d_mlp = int(config["d_mlp"]) if int(config.get("mlp_ratio", 0)) == 0 else int(config["mlp_ratio"]) * int(config["d_model"])
    if config.get("layer_norm", "none") in ("pre", "pre-inplace"):
        return PreLnDecoder(n, int(config["d_model"]), int(config["heads"]), d_mlp, int(config.get("layers", 1)),
                            config["layer_norm"], config.get("activation", "relu"), bool(config.get("op_token", False)),
                            bool(config.get("attn_bias", False)))
    assert not config.get("op_token") and not config.get("attn_bias"), "op_token / attn_bias: pre-LN models only"
    return Transformer(n, int(config["d_model"]), int(config["heads"]), int(config["d_mlp"]),
                       int(config.get("layers", 1)), config.get("layer_norm", "none"),
                       config.get("activation", "relu"))
