#!/usr/bin/env bash
# Bad input to `grok train`, `grok sweep` and `grok sweep-merge`: each case must give ONE clear
# line naming the problem, a non-zero exit, and leave no run file (or a half-written one) behind.
source "$(dirname "$0")/lib/common.sh" "$1"

# --- flags and values
expect_error "unknown flag" "--bogus" "$GROK" train --bogus 3 --out r.json
expect_error "unknown subcommand" "unknown command 'frobnicate' \(one of train" "$GROK" frobnicate
expect_error "value out of range" "--train-fraction.*'1.5'.*\(0, 1\)" "$GROK" train --train-fraction 1.5 --out r.json
expect_error "not a number" "--lr.*'fast'" "$GROK" train --lr fast --out r.json
expect_error "integer field given a fraction" "--hidden.*'2.5'.*integer" "$GROK" train --hidden 2.5 --out r.json
expect_error "bad choice" "--op.*'pow'.*one of add" "$GROK" train --op pow --out r.json
expect_error "bad bool" "--stop-at-grok.*'maybe'" "$GROK" train --stop-at-grok=maybe --out r.json
expect_error "combination: p not prime" "p: 25 is not prime" "$GROK" train --p 25 --out r.json
expect_error "combination: heads" "heads" "$GROK" train --d-model 30 --heads 4 --out r.json
expect_error "unknown preset" "--preset.*'huge'.*browser" "$GROK" train --preset huge --out r.json
expect_error "--out missing" "--out is required" "$GROK" train "${TINY[@]}" --steps 5

# --- config files
echo '{"lr": 0.001, "learning_rate": 0.1}' >unknown_key.json
expect_error "unknown config key" "unknown_key.json.*unknown key 'learning_rate'" "$GROK" train --config unknown_key.json --out r.json
echo '{"weight_decay": -1}' >bad_value.json
expect_error "config value out of range" "bad_value.json.*weight_decay" "$GROK" train --config bad_value.json --out r.json
echo '{"lr": 0.001,' >truncated.json
expect_error "malformed config" "truncated.json: not valid JSON" "$GROK" train --config truncated.json --out r.json
expect_error "missing config" "nowhere.json: cannot open" "$GROK" train --config nowhere.json --out r.json
mkdir adir
expect_error "config is a directory" "adir: is a directory" "$GROK" train --config adir --out r.json
[ ! -e r.json ] && pass "no run file written by any of the above" || fail_test "r.json exists after errors"

# --- outputs that cannot be written (disk full and friends)
expect_error "output directory missing" "no/such/dir/r.json: directory no/such/dir does not exist" \
  "$GROK" train "${TINY[@]}" --steps 5 --out no/such/dir/r.json
# /dev/full must not be replaced by a rename (we run as root in CI): refused as not a regular file.
expect_error "output is a device" "/dev/full: exists and is not a regular file" "$GROK" train "${TINY[@]}" --steps 5 --out /dev/full
[ -c /dev/full ] && pass "/dev/full is still a device" || fail_test "/dev/full was replaced"
expect_error "output is a directory" "adir: exists and is not a regular file" "$GROK" train "${TINY[@]}" --steps 5 --out adir
# A file-size limit makes write() fail with EFBIG exactly like a full disk (SIGXFSZ is ignored).
mkdir full
expect_error "disk full at the first write" "full/r.json.*write failed \(disk full\?\)" \
  bash -c 'ulimit -f 8; exec "$0" "$@"' "$GROK" train "${TINY[@]}" --steps 400 --out full/r.json
[ ! -e full/r.json ] && pass "no run file after a failed first write" || fail_test "full/r.json exists"
no_temp_files full
# Limit hit mid-run: the checkpoint (~90 KB at step 0, +18 KB per snapshot: weights, Adam state and a copy of the
# weights per snapshot) grows with the history (a metric point per step here, a weight copy per
# log-spaced snapshot) until a periodic save fails. The run file there must still be the previous write
# (valid JSON, complete=false), never a torn one.
mkdir full2
expect_error "disk full mid-run" "write failed \(disk full\?\)" \
  bash -c 'ulimit -f 600; exec "$0" "$@"' "$GROK" train "${TINY[@]}" --eval-every 1 --steps 200000 --save-every 0.02 --progress none --out full2/r.json
if [ -e full2/r.json ] && [ "$(json_get full2/r.json "d['summary']['complete'], d['summary']['steps'] > 0")" = "False True" ]; then
  pass "mid-run failure left the previous valid partial run file ($(json_get full2/r.json "d['summary']['steps']") steps)"
else
  fail_test "run file after a mid-run write failure is missing or not a valid partial file"
fi
no_temp_files full2

# --- resume
"$GROK" train "${TINY[@]}" --steps 50 --progress none --out ok.json 2>/dev/null
expect_error "resume: config flag" "--lr cannot be changed on --resume" "$GROK" train --resume ok.json --lr 0.1
expect_error "resume: preset" "--preset and --config cannot be used" "$GROK" train --resume ok.json --preset browser
expect_error "resume: missing run file" "gone.json: cannot open" "$GROK" train --resume gone.json
head -c 300 ok.json >torn.json; cp ok.json.ckpt torn.json.ckpt
expect_error "resume: malformed run file" "torn.json: not valid JSON" "$GROK" train --resume torn.json
echo '{"schema": "grok-run/0"}' >old.json
expect_error "resume: wrong schema" "old.json: run file: schema must be" "$GROK" train --resume old.json
cp ok.json nockpt.json
expect_error "resume: checkpoint missing" "nockpt.json.ckpt is missing" "$GROK" train --resume nockpt.json
"$GROK" train "${TINY[@]}" --steps 50 --seed 7 --progress none --out other.json 2>/dev/null
cp ok.json mixed.json; cp other.json.ckpt mixed.json.ckpt
expect_error "resume: checkpoint of another run" "belongs to a different run.*seed 7 vs 0" "$GROK" train --resume mixed.json
cp ok.json corrupt.json; cp ok.json.ckpt corrupt.json.ckpt
printf 'XXXX' | dd of=corrupt.json.ckpt bs=1 seek=200 conv=notrunc 2>/dev/null
expect_error "resume: corrupt checkpoint" "corrupt" "$GROK" train --resume corrupt.json
cp ok.json short.json; head -c 1000 ok.json.ckpt >short.json.ckpt
expect_error "resume: truncated checkpoint" "corrupt" "$GROK" train --resume short.json
expect_error "continue: another run in --out" "ok.json holds a different run \(seed 0 vs 3\)" \
  "$GROK" train "${TINY[@]}" --steps 50 --seed 3 --out ok.json --continue

# --- sweep grids
S=(sweep "${TINY[@]}" --steps 20 --out sw)
expect_error "grid without =" "expected field=a:b:n" "$GROK" "${S[@]}" --grid train_fraction
expect_error "grid: unknown field" "unknown field 'wd'" "$GROK" "${S[@]}" --grid 'wd=0.1,1'
expect_error "grid: value out of range" "train_fraction value '0' is not a number in \(0, 1\)" "$GROK" "${S[@]}" --grid 'train_fraction=0:1:5'
expect_error "grid: range without n" "a range is a:b:n" "$GROK" "${S[@]}" --grid 'train_fraction=0.2:0.6'
expect_error "grid: integer field, fractional steps" "hidden is an integer but the range gives" "$GROK" "${S[@]}" --grid 'hidden=16:32:4'
expect_error "grid: range over a choice" "op is not numeric" "$GROK" "${S[@]}" --grid 'op=1:2:2'
expect_error "grid: bad choice" "op value 'pow'" "$GROK" "${S[@]}" --grid 'op=add,pow'
expect_error "grid: empty value" "empty value" "$GROK" "${S[@]}" --grid 'lr=0.1,,0.2'
expect_error "grid: duplicate value" "appears twice" "$GROK" "${S[@]}" --grid 'lr=0.1,0.10'
expect_error "grid: seed" "use --seeds" "$GROK" "${S[@]}" --grid 'seed=1,2'
expect_error "grid: same field twice" "appears in two --grid" "$GROK" "${S[@]}" --grid 'warmup=1,2' --grid 'warmup=5,6'
expect_error "grid: field also fixed" "--lr is fixed by a flag and also swept" "$GROK" "${S[@]}" --grid 'lr=0.1,0.2'
expect_error "grid: a run's config invalid" "run train_fraction=0.001_seed=0.json: train_fraction" "$GROK" "${S[@]}" --grid 'train_fraction=0.001,0.5'
expect_error "sweep: bad shard" "--shard: '2/2'" "$GROK" "${S[@]}" --shard 2/2
expect_error "sweep: bad -j" "-j: must be" "$GROK" "${S[@]}" -j 0
expect_error "sweep: --out missing" "--out is required" "$GROK" sweep --grid 'lr=0.1,0.2'
[ ! -e sw ] && pass "no sweep directory created by invalid sweeps" || fail_test "sw/ was created"
mkdir notasweep
expect_error "sweep-merge: no plan" "notasweep/plan.json: missing" "$GROK" sweep-merge notasweep
"$GROK" sweep "${TINY[@]}" --steps 20 --grid 'weight_decay=1,2' --out sw --list >/dev/null
expect_error "sweep: directory holds another sweep" "sw already holds a different sweep" \
  "$GROK" sweep "${TINY[@]}" --steps 20 --grid 'weight_decay=1,3' --out sw --list
no_temp_files "$WORK"
finish
