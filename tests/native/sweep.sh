#!/usr/bin/env bash
# `grok sweep`: a 2x2x2 grid (2 train fractions x 2 weight decays x 2 seeds) run four ways must give
# the same summary.json (wall times aside): -j 2 local processes; `--list | parallel -j 2` then
# `sweep-merge`; two --shard K/2 halves then `sweep-merge`; and a sweep killed with SIGTERM mid-way
# then re-run (resume). Also: re-running a finished sweep skips every run, and sweep-merge reports
# missing runs.
source "$(dirname "$0")/lib/common.sh" "$1"
command -v parallel >/dev/null || { echo "GNU parallel is not installed (apt-get install parallel)"; exit 1; }

SWEEP=(sweep "${TINY[@]}" --steps 1500 --stop-at-grok --grid 'train_fraction=0.7,0.8' --grid 'weight_decay=1:2:2' --seeds 2)

check_same() {  # description A B
  local out
  if out=$(same_summary "$2" "$3" 2>&1); then pass "$1: $out"; else fail_test "$1: $out"; fi
}

# 1. Local processes.
"$GROK" "${SWEEP[@]}" -j 2 --out local 2>local.log || fail_test "sweep -j 2 failed: $(tail -3 local.log)"
[ "$(json_get local/summary.json "d['schema'], d['runs_total'], d['runs_complete'], len(d['rows'])")" = "grok-sweep/1 8 8 8" ] \
  && pass "sweep -j 2: summary with 8 complete rows" || fail_test "sweep -j 2 summary: $(head -c 400 local/summary.json)"
[ "$(json_get local/summary.json "sum(r['grok_step'] is not None for r in d['rows']) > 0")" = True ] \
  && pass "some runs grokked (grok_step set), so the comparison covers real values" || fail_test "no run grokked"
[ "$(ls local/*.json | wc -l)" = 10 ] && pass "8 run files + plan.json + summary.json" || fail_test "files: $(ls local)"
[ -e "local/train_fraction=0.7_weight_decay=2_seed=1.json.ckpt" ] && pass "deterministic names, checkpoints beside" \
  || fail_test "expected file name missing: $(ls local)"

# 2. The same sweep through GNU parallel.
"$GROK" "${SWEEP[@]}" --out viaparallel --list >commands.txt
[ "$(wc -l <commands.txt)" = 8 ] && pass "--list printed 8 commands" || fail_test "--list: $(cat commands.txt)"
grep -q "^$GROK train .*--seed 1 --.*--out viaparallel/train_fraction=0.8_weight_decay=1_seed=1.json --continue$" commands.txt \
  && pass "--list lines are complete grok train commands" || fail_test "--list line format: $(head -1 commands.txt)"
parallel -j 2 <commands.txt >parallel.log 2>&1 || fail_test "parallel failed: $(tail -3 parallel.log)"
"$GROK" sweep-merge viaparallel 2>/dev/null || fail_test "sweep-merge failed"
check_same "-j 2 and --list | parallel give the same summary" local/summary.json viaparallel/summary.json

# 3. Shards (as Slurm array tasks 0 and 1 would run them), then merge.
"$GROK" "${SWEEP[@]}" --out sharded --shard 0/2 2>shard0.log
[ "$(ls sharded/*=*.json | wc -l)" = 4 ] && pass "--shard 0/2 ran 4 of 8 runs" || fail_test "shard 0/2 ran $(ls sharded | wc -l)"
[ ! -e sharded/summary.json ] && pass "a shard leaves summary.json to sweep-merge" || fail_test "shard wrote summary.json"
"$GROK" "${SWEEP[@]}" --out sharded --shard 1/2 2>shard1.log
"$GROK" sweep-merge sharded 2>/dev/null
check_same "shards 0/2 + 1/2 merged give the same summary" local/summary.json sharded/summary.json

# 4. Re-running a finished sweep runs nothing.
start=$(date +%s%N)
"$GROK" "${SWEEP[@]}" -j 2 --out local 2>rerun.log
grep -q "(8 already complete)" rerun.log && pass "re-run skips all 8 complete runs ($(( ($(date +%s%N) - start) / 1000000 )) ms)" \
  || fail_test "re-run: $(cat rerun.log)"
check_same "re-run leaves the summary as it was" local/summary.json viaparallel/summary.json

# 5. SIGTERM to the sweep mid-way (only the parent: it must pass the signal on), then resume.
"$GROK" "${SWEEP[@]}" -j 2 --out interrupted 2>interrupted.log &
pid=$!
# Signal while a run is mid-way, however fast the machine: its log shows the memorization event
# (printed at once) but not yet the final "wrote" line. A fixed delay sometimes hit every run at step 0,
# and a run stopped at step 0 restarts instead of resuming.
midway=""
for i in $(seq 1 2000); do
  for f in interrupted/logs/*.log; do
    [ -f "$f" ] && grep -q "memorized at" "$f" && ! grep -q "grok: wrote" "$f" && midway=$f && break
  done
  [ -n "$midway" ] && break
  sleep 0.01
done
[ -n "$midway" ] || fail_test "no run was seen mid-way before SIGTERM"
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
[ "$rc" = 143 ] && pass "SIGTERM: sweep exit 143" || fail_test "SIGTERM: sweep exit $rc: $(tail -3 interrupted.log)"
sleep 0.2
if pgrep -f "grok train .*--out interrupted/" >/dev/null; then fail_test "children still running after the sweep exited"; else pass "no child left running"; fi
partial=$(python3 -c "
import json, glob
print(sum(not json.load(open(f))['summary']['complete'] for f in glob.glob('interrupted/*=*.json')))")
pass "after SIGTERM: $(ls interrupted/*=*.json | wc -l) run files, $partial of them partial"
"$GROK" "${SWEEP[@]}" -j 2 --out interrupted 2>resumed.log || fail_test "resumed sweep failed: $(tail -3 resumed.log)"
grep -l "resuming .* at step" interrupted/logs/*.log >/dev/null && pass "re-run resumed the partial runs from their checkpoints" \
  || fail_test "re-run did not resume any run: $(cat interrupted/logs/*.log | head -5)"
check_same "interrupted + re-run sweep gives the same summary" local/summary.json interrupted/summary.json

# 6. sweep-merge with a run missing lists it as incomplete.
cp -r local missing
rm "missing/train_fraction=0.8_weight_decay=2_seed=0.json"
"$GROK" sweep-merge missing 2>merge.log
[ "$(json_get missing/summary.json "d['runs_complete'], d['incomplete']")" = "7 ['train_fraction=0.8_weight_decay=2_seed=0.json']" ] \
  && pass "sweep-merge: 7 rows, the missing run listed as incomplete" || fail_test "merge with a missing run: $(cat merge.log)"

# 7. Summary files merge (the page's live sweep downloads one): the summary with a run missing and
# the complete one give back the complete one; a summary of another sweep or a row of no planned
# run is refused, naming the file.
"$GROK" sweep-merge missing/summary.json viaparallel/summary.json --out merged.json 2>merge2.log \
  || fail_test "merging summary files failed: $(cat merge2.log)"
check_same "a summary with a run missing merged with the whole one gives the whole one" local/summary.json merged.json
"$GROK" sweep-merge missing/summary.json --out merged1.json 2>/dev/null
[ "$(json_get merged1.json "d['runs_complete'], d['incomplete']")" = "7 ['train_fraction=0.8_weight_decay=2_seed=0.json']" ] \
  && pass "one summary merged alone keeps its missing run listed as incomplete" || fail_test "merge of one summary: $(head -c 300 merged1.json)"
python3 -c "
import json; d = json.load(open('local/summary.json')); d['rows'][0]['values']['weight_decay'] = 7
json.dump(d, open('forged.json', 'w'))"
if "$GROK" sweep-merge local/summary.json forged.json --out never.json 2>forged.log; then fail_test "a forged row was merged"
else grep -q "forged.json: summary: rows\[0\]: its values are not those of run" forged.log && [ ! -e never.json ] \
  && pass "a row whose values are not its run's is refused, naming the file" || fail_test "forged row: $(cat forged.log)"; fi
"$GROK" sweep "${TINY[@]}" --steps 50 --grid 'weight_decay=3' --out other 2>/dev/null
if "$GROK" sweep-merge local/summary.json other/summary.json --out never.json 2>other.log; then fail_test "two sweeps were merged"
else grep -q "other/summary.json: a different sweep from local/summary.json" other.log && pass "summaries of different sweeps are refused" \
  || fail_test "other sweep: $(cat other.log)"; fi
no_temp_files "$WORK"
finish
