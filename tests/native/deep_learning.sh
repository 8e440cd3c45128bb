#!/usr/bin/env bash
# Networks on real data through the CLI: the new flags (datasets, label noise, depth, optimizers,
# losses, epochs) are checked by the field table with one clear line; a run file says which dataset
# it holds and which examples the label noise changed; Fashion-MNIST's missing or corrupt files get
# one line naming the Debian package; an interrupted MNIST-1D minibatch run resumes bit-identically;
# a width sweep writes the parameter count into its summary.
source "$(dirname "$0")/lib/common.sh" "$1"

BASE=(--dataset mnist1d --model mlp --depth 2 --optimizer sgd --lr 0.05 --momentum 0.9
      --weight-decay 0 --warmup 0 --batch-size 100 --n-train 1000 --n-test 500 --eval-every 10)
M1=("${BASE[@]}" --hidden 16)

# --- flags
expect_error "transformer on dense features" "model: transformer reads token pairs" \
  "$GROK" train --dataset mnist1d --model transformer --out r.json
expect_error "label noise out of range" "--label-noise: '1.5' is not a number in \[0, 1\]" \
  "$GROK" train "${M1[@]}" --label-noise 1.5 --out r.json
expect_error "unknown optimizer" "--optimizer: 'rmsprop' is not one of adamw, adam, sgd" \
  "$GROK" train "${M1[@]}" --optimizer rmsprop --out r.json
expect_error "momentum of 1" "--momentum: '1' is not a number in \[0, 1\)" "$GROK" train "${M1[@]}" --momentum 1 --out r.json
expect_error "downsample not dividing 28" "downsample: 3 does not divide 28" \
  "$GROK" train --dataset fashion-mnist --model mlp --downsample 3 --out r.json
expect_error "more Fashion-MNIST images than there are" "n_train: 70000 is more than fashion-mnist's 60000" \
  "$GROK" train --dataset fashion-mnist --model mlp --n-train 70000 --out r.json
[ "$("$GROK" train "${M1[@]}" --loss ce --print-config | json_get /dev/stdin "d['loss']")" = "softmax" ] \
  && pass "--loss ce is cross-entropy over softmax" || fail_test "--loss ce"

# --- Fashion-MNIST files
mkdir empty
expect_error "Fashion-MNIST files missing" "train-images-idx3-ubyte.gz is missing: install Debian's dataset-fashion-mnist" \
  env GROK_FASHION_MNIST_DIR="$WORK/empty" "$GROK" train --dataset fashion-mnist --model mlp --n-train 100 --n-test 100 --steps 2 --out r.json
FM=/usr/share/datasets/fashion-mnist
if [ -f "$FM/train-labels-idx1-ubyte.gz" ]; then
  mkdir torn
  cp "$FM"/*.gz torn/
  head -c 3000000 "$FM/train-images-idx3-ubyte.gz" > torn/train-images-idx3-ubyte.gz
  expect_error "Fashion-MNIST file truncated" "fashion-mnist: .*torn/train-images-idx3-ubyte.gz: " \
    env GROK_FASHION_MNIST_DIR="$WORK/torn" "$GROK" train --dataset fashion-mnist --model mlp --n-train 100 --n-test 100 --steps 2 --out r.json
  "$GROK" train --dataset fashion-mnist --model mlp --hidden 32 --downsample 4 --n-train 500 --n-test 200 --steps 20 \
    --optimizer adam --progress none --out fm.json 2>/dev/null \
    && [ "$(json_get fm.json "d['config']['dataset'], d['summary']['params']")" = "fashion-mnist $((49 * 32 + 32 + 32 * 10 + 10))" ] \
    && pass "a Fashion-MNIST run (7x7 images) says its dataset and parameter count" || fail_test "fashion-mnist run"
else
  fail_test "Debian's dataset-fashion-mnist is not installed ($FM); ./scripts/setup installs it"
fi
[ ! -e r.json ] && pass "no run file written by any of the errors above" || fail_test "r.json exists after errors"

# --- label noise in the run file
"$GROK" train "${M1[@]}" --label-noise 0.2 --epochs 3 --progress none --out noisy.json 2>/dev/null
state=$(json_get noisy.json "d['label_noise']['redrawn'], 150 < len(d['label_noise']['changed_examples']) <= 200, 'train_acc_clean' in d['metrics'][-1] and 'train_acc_noisy' in d['metrics'][-1], d['summary']['steps']")
[ "$state" = "200 True True 30" ] && pass "label noise: 200 of 1000 redrawn, the changed ones listed, clean/noisy accuracy reported, 3 epochs = 30 steps" \
  || fail_test "label noise run file: $state"

# --- resume of a minibatch MNIST-1D run: bit-identical to an uninterrupted one
"$GROK" train "${M1[@]}" --epochs 400 --progress none --out ref.json 2>/dev/null
"$GROK" train "${M1[@]}" --epochs 400 --save-every 0.05 --out cut.json 2>/dev/null &
pid=$!
if wait_for_steps cut.json 300; then kill -TERM "$pid"; fi
wait "$pid" || true
"$GROK" train --resume cut.json --progress none 2>cut.resume.log || fail_test "resume failed: $(cat cut.resume.log)"
grep -q "resuming cut.json at step" cut.resume.log && pass "the MNIST-1D run resumed mid-run" || fail_test "did not resume mid-run"
if d=$(same_curves ref.json cut.json 2>&1); then pass "resumed MNIST-1D curve equals the uninterrupted one: $d"
else fail_test "resumed MNIST-1D curve differs: $d"; fi

# --- a width sweep
"$GROK" sweep "${BASE[@]}" --epochs 2 --grid 'hidden=4,8' -j 2 --progress none --out sw 2>/dev/null
[ "$(json_get sw/summary.json "[r['params'] for r in d['rows']]")" = "[$((40*4+4+4*4+4+4*10+10)), $((40*8+8+8*8+8+8*10+10))]" ] \
  && pass "the sweep summary has each width's parameter count" || fail_test "sweep summary: $(json_get sw/summary.json "d['rows']")"

# --- neural-network double descent: grok double-descent --experiment nn-mnist1d is the page's plan as a grok sweep
expect_error "nn widths reversed" "--width-min: 200 is larger than width_max \\(100\\)" \
  "$GROK" double-descent --experiment nn-mnist1d --width-min 200 --width-max 100 --out dn
expect_error "nn label noise out of range" "--label-noise: '2' is not a number in \[0, 1\]" \
  "$GROK" double-descent --experiment nn-mnist1d --label-noise 2 --out dn
NN=(--experiment nn-mnist1d --n-train 200 --n-test 100 --epochs 2 --width-min 4 --width-max 16 --points 3 --trials 2 --progress none)
"$GROK" double-descent "${NN[@]}" -j 2 --out dn 2>dn.log || fail_test "nn-mnist1d sweep failed: $(cat dn.log)"
state=$(json_get dn/summary.json "d['schema'], d['preset'], d['runs_complete'], sorted({r['values']['hidden'] for r in d['rows']}), sorted({r['seed'] for r in d['rows']})")
[ "$state" = "grok-sweep/1 mnist1d-dd 6 [4, 8, 16] [0, 1]" ] && pass "nn-mnist1d: 3 widths x 2 seeds as a grok sweep of mnist1d-dd" \
  || fail_test "nn-mnist1d summary: $state"
# The command it printed is the sweep itself: run again, it finds every run complete.
cmd=$(sed -n 's/^  grok sweep /sweep /p' dn.log)
[ -n "$cmd" ] || fail_test "no grok sweep command printed: $(cat dn.log)"
cmd=${cmd/--progress none/--progress log}
eval "\"$GROK\" $cmd" 2>again.log || fail_test "the printed sweep failed: $(cat again.log)"
grep -q "6 already complete" again.log && pass "the printed grok sweep is the same plan (6 runs already complete)" \
  || fail_test "printed sweep re-ran: $(cat again.log)"
# nn-fashion: the same on Fashion-MNIST (Debian's files natively), at its downsampling.
expect_error "nn-fashion downsample must divide 28" "--downsample: must divide 28 \(1, 2, 4, 7, 14 or 28; got 5\)" \
  "$GROK" double-descent --experiment nn-fashion --downsample 5 --out df
"$GROK" double-descent --experiment nn-fashion --n-train 200 --n-test 100 --epochs 2 --width-min 4 --width-max 8 --points 2 \
  --trials 1 --progress none -j 2 --out df 2>df.log || fail_test "nn-fashion sweep failed: $(cat df.log)"
state=$(json_get df/summary.json "d['preset'], d['runs_complete'], [r['params'] for r in d['rows']]")
[ "$state" = "fashion-dd 2 [$((49*4+4+4*4+4+4*10+10)), $((49*8+8+8*8+8+8*10+10))]" ] \
  && pass "nn-fashion: a grok sweep of fashion-dd on 7x7 images (49 inputs)" || fail_test "nn-fashion summary: $state"
finish
