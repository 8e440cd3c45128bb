#!/usr/bin/env bash
# Hostile input (issue 14): numbers that pass a naive range check and then crash, unbounded reads,
# run files with impossible steps, flags that used to be accepted silently. Each case: one clear
# error line naming the field and its range, a non-zero exit, nothing written.
source "$(dirname "$0")/lib/common.sh" "$1"

# --- one number parser for every field, everywhere
expect_error "subnormal lr" "--lr: '1e-310' is not a number in \(0, 1\]" "$GROK" train --lr 1e-310 --print-config
expect_error "subnormal lr, = form" "--lr: '4.9e-324'" "$GROK" train --lr=4.9e-324 --out r.json
echo '{"lr": 1e-310}' >subnormal.json
expect_error "subnormal lr in a config file" "subnormal.json: lr: '1e-310' is not a number" "$GROK" train --config subnormal.json --out r.json
expect_error "subnormal lr in a grid" "lr value '1e-310'" "$GROK" sweep "${TINY[@]}" --steps 5 --grid 'lr=1e-310,0.1' --out sw
[ ! -e sw ] && pass "no sweep directory left by a bad grid" || fail_test "sw/ exists after a bad grid"
expect_error "subnormal noise" "--noise: '1e-310' is not a number in \[0, 100\]" "$GROK" double-descent --noise 1e-310 --out dd.json
expect_error "hex integer" "--p: '0x11' is not an integer in \[3, 509\]" "$GROK" train --p 0x11 --out r.json
expect_error "leading space" "--train-fraction: ' 0.5'" "$GROK" train --train-fraction ' 0.5' --out r.json
expect_error "trailing space" "--train-fraction: '0.5 '" "$GROK" train --train-fraction '0.5 ' --out r.json
expect_error "inf" "--weight-decay: 'inf'" "$GROK" train --weight-decay inf --out r.json
expect_error "empty preset" "--preset: an empty name is not a preset \(one of browser" "$GROK" train --preset '' --out r.json
expect_error "batch above the train size" "batch_size: 100000 is more than the [0-9]+ training examples" \
  "$GROK" train "${TINY[@]}" --batch-size 100000 --out r.json
expect_error "batch above the MNIST-1D train size" "batch_size: 5000 is more than the 4000 training examples" \
  "$GROK" train --preset mnist1d-dd --batch-size 5000 --out r.json

# --- the CLI's own numbers: same parser, stated range, checked before anything runs
for v in nan inf -1 0 1e-310; do
  expect_error "--save-every $v" "--save-every: '$v' is not a number in \(0, 86400\]" "$GROK" train "${TINY[@]}" --save-every "$v" --out r.json
done
expect_error "--log-every -1" "--log-every: '-1' is not a number in \(0, 86400\]" "$GROK" train "${TINY[@]}" --log-every -1 --out r.json
expect_error "dd --save-every nan" "--save-every: 'nan'" "$GROK" double-descent --save-every nan --out dd.json
expect_error "dd --cache-mb nan" "--cache-mb: 'nan' is not a number in \[0, 1048576\]" "$GROK" double-descent --cache-mb nan --out dd.json
[ ! -e r.json ] && [ ! -e dd.json ] && pass "nothing written by any of the above" || fail_test "an output exists after errors"

# --- bounded reads: a device or a link to one is refused at once (this used to read /dev/zero forever)
expect_error "config from /dev/zero" "/dev/zero: is not a regular file" timeout 10 "$GROK" train --config /dev/zero --out r.json
"$GROK" train "${TINY[@]}" --steps 30 --progress none --out ok.json 2>/dev/null
cp ok.json zero.json; ln -s /dev/zero zero.json.ckpt
expect_error "checkpoint linked to /dev/zero" "zero.json.ckpt: is not a regular file" timeout 10 "$GROK" train --resume zero.json
mkfifo fifo.json
expect_error "config from a FIFO" "fifo.json: is not a regular file" timeout 10 "$GROK" train --config fifo.json --out r.json

# --- run files whose steps cannot be: refused with the field and the range
edit_run() {  # edit_run IN OUT PYTHON-STATEMENT (over d)
  python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $3; json.dump(d, open(sys.argv[2], 'w'))" "$1" "$2"
  cp "$1.ckpt" "$2.ckpt"
}
edit_run ok.json huge.json "d['metrics'][1]['step'] = 1e300"
expect_error "metric step 1e300" "huge.json: run file: metrics\[1\]: step must be an integer in \[0, 30\]" "$GROK" train --resume huge.json
edit_run ok.json neg.json "d['metrics'][2]['step'] = -3"
expect_error "negative metric step" "neg.json: run file: metrics\[2\]: step must be an integer" "$GROK" train --resume neg.json
edit_run ok.json back.json "d['metrics'][3]['step'] = 1"
expect_error "decreasing metric steps" "back.json: run file: metrics\[3\]: step 1 does not follow step 2" "$GROK" train --resume back.json
edit_run ok.json frac.json "d['summary']['steps'] = 12.5"
expect_error "fractional summary steps" "frac.json: run file: summary.steps must be an integer in \[0, 30\]" "$GROK" train --resume frac.json
edit_run ok.json grok7.json "d['summary']['grok_step'] = -7"
expect_error "grok_step -7" "grok7.json: run file: summary.grok_step must be null or an integer in \[0, 30\]" "$GROK" train --resume grok7.json
edit_run ok.json snap.json "d['snapshots'][0]['step'] = 1e12"
expect_error "snapshot step past the run" "snap.json: run file: snapshots\[0\]: step must be an integer in \[0, 30\]" "$GROK" train --resume snap.json
edit_run ok.json freq.json "d['snapshots'][-1]['key_freqs'] = [1e300]"
expect_error "key frequency 1e300" "freq.json: run file: snapshots\[[0-9]+\]: a measure has the wrong type" "$GROK" train --resume freq.json

# --- resume: fewer steps than done is an error, not "already complete"
"$GROK" train "${TINY[@]}" --steps 100000 --save-every 0.05 --progress none --out part.json 2>/dev/null &
pid=$!
wait_for_steps part.json 50 && kill -INT $pid; wait $pid || true
done_steps=$(json_get part.json "d['summary']['steps']")
expect_error "resume with --steps below the steps done" "--steps 5 is fewer than the $done_steps steps part.json has done" \
  "$GROK" train --resume part.json --steps 5

# --- the sweep grid's limit is stated, and a grid past it is refused
"$GROK" sweep --help >sweep-help.txt; grep -q "at most 1000000 runs" sweep-help.txt && pass "sweep --help states the grid limit" || fail_test "grid limit not in sweep --help"
expect_error "grid past the limit" "more than 1000000 runs" "$GROK" sweep "${TINY[@]}" --steps 5 \
  --grid 'warmup=1:1000:1000' --grid 'weight_decay=0.1:1:1001' --out big

# --- double-descent checks its output before the sweep: a file that cannot be written fails at once.
# /proc exists but nothing can be created in it; the sweep below takes minutes of CPU, and the CPU
# limit kills it (no error line) if the write is only tried at the end.
expect_error "dd: unwritable --out fails before the sweep" "/proc/\.?dd\.json" bash -c 'ulimit -t 5; exec "$0" "$@"' \
  "$GROK" double-descent --experiment legendre --trials 2000 --points 200 --progress none --out /proc/dd.json

# --- sweep-merge: one unreadable run file is listed as incomplete, and the summary is still written
"$GROK" sweep "${TINY[@]}" --steps 20 --grid 'weight_decay=1,2,3' --out msw --progress none 2>/dev/null
first=$(ls msw/*.json | grep -v -e plan.json -e summary.json | head -1)
head -c 200 "$first" >"$first.cut" && mv "$first.cut" "$first"
if "$GROK" sweep-merge msw 2>merge.err; then
  n=$(json_get msw/summary.json "len(d['rows']), d['incomplete'] == ['$(basename "$first")'], len(d['unreadable'])")
  [ "$n" = "2 True 1" ] && pass "sweep-merge lists the truncated run as incomplete and keeps the other rows" \
    || fail_test "summary after a truncated run file: rows/incomplete/unreadable = $n"
  grep -q "warning: .*$(basename "$first"): not valid JSON" merge.err && pass "sweep-merge warns about the bad file" \
    || fail_test "no warning naming the truncated file: $(cat merge.err)"
else
  fail_test "sweep-merge failed on one truncated run file: $(cat merge.err)"
fi
no_temp_files "$WORK"
finish
