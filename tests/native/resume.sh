#!/usr/bin/env bash
# Interrupt a run with SIGINT and with SIGTERM mid-run, check the partial run file and the exit
# status (130 / 143), then `grok train --resume` and compare with an uninterrupted run: the metric
# and snapshot arrays must be bit-identical (full batch, and a minibatch run whose sampler state is
# in the checkpoint too).
source "$(dirname "$0")/lib/common.sh" "$1"

RUN=("${TINY[@]}" --train-fraction 0.7 --steps 4000)

check_interrupt_and_resume() {  # name signal expected_status extra-flags...
  local name="$1" sig="$2" want="$3"; shift 3
  "$GROK" train "${RUN[@]}" "$@" --progress none --out "ref_$name.json" 2>/dev/null
  "$GROK" train "${RUN[@]}" "$@" --save-every 0.05 --out "$name.json" 2>"$name.log" &
  local pid=$! rc=0
  if ! wait_for_steps "$name.json" 200; then fail_test "$name: no partial file appeared"; kill "$pid"; return; fi
  kill "-$sig" "$pid"
  wait "$pid" || rc=$?
  if [ "$rc" -eq "$want" ]; then pass "$name: SIG$sig gave exit $rc"; else fail_test "$name: SIG$sig gave exit $rc, expected $want"; return; fi
  local state; state=$(json_get "$name.json" "d['summary']['complete'], d['summary']['steps']")
  case "$state" in
    "False "[0-9]*) pass "$name: valid partial run file (complete, steps = $state)" ;;
    *) fail_test "$name: partial file state $state" ;;
  esac
  grep -q "Resume with: grok train --resume $name.json" "$name.log" && pass "$name: says how to resume" \
    || fail_test "$name: no resume hint in: $(cat "$name.log")"
  # Not a terminal here: plain log lines, no \r rewriting.
  if grep -q $'\r' "$name.log"; then fail_test "$name: \\r in non-terminal output"; else pass "$name: no \\r in log output"; fi
  "$GROK" train --resume "$name.json" --progress none 2>"$name.resume.log" || { fail_test "$name: resume failed: $(cat "$name.resume.log")"; return; }
  grep -q "resuming $name.json at step" "$name.resume.log" && pass "$name: resumed mid-run" || fail_test "$name: did not resume"
  local diff
  if diff=$(same_curves "ref_$name.json" "$name.json" 2>&1); then pass "$name: resumed curve equals uninterrupted: $diff"
  else fail_test "$name: resumed curve differs from uninterrupted: $diff"; fi
  # Resuming a complete run does nothing and says so.
  "$GROK" train --resume "$name.json" 2>"$name.again.log" && grep -q "already complete" "$name.again.log" \
    && pass "$name: resuming a complete run is a no-op" || fail_test "$name: resume of a complete run: $(cat "$name.again.log")"
}

check_interrupt_and_resume fullbatch INT 130
check_interrupt_and_resume fullbatch_term TERM 143
check_interrupt_and_resume minibatch INT 130 --batch-size 64 --steps 8000

# --steps may grow on resume: a complete 4000-step run extended to 4500 continues from 4000.
"$GROK" train --resume fullbatch.json --steps 4500 --progress none 2>/dev/null
[ "$(json_get fullbatch.json "d['summary']['steps'], d['summary']['complete'], d['config']['steps']")" = "4500 True 4500" ] \
  && pass "resume --steps 4500 extended the run" || fail_test "extension: $(json_get fullbatch.json "d['summary']")"

# The thread count changes nothing (docs/cli.md "Threads"): the same run file curves at --threads 1
# and 3, for the MLP and a pre-LN transformer (both split into groups), and half a run at 3 threads
# extended at 1 equals the same at 1 thread throughout.
TF=(--model transformer --p 29 --layers 2 --d-model 16 --heads 2 --d-mlp 32 --layer-norm pre --activation gelu
    --train-fraction 0.6 --lr 3e-3 --steps 300 --eval-every 20)
for spec in "mlp:${TINY[*]} --train-fraction 0.7 --steps 600" "transformer:${TF[*]}"; do
  name="${spec%%:*}"; read -r -a flags <<< "${spec#*:}"
  "$GROK" train "${flags[@]}" --threads 1 --progress none --out "th1_$name.json" 2>/dev/null
  "$GROK" train "${flags[@]}" --threads 3 --progress none --out "th3_$name.json" 2>/dev/null
  if diff=$(same_curves "th1_$name.json" "th3_$name.json" 2>&1); then pass "$name: --threads 1 and 3 give the same curves: $diff"
  else fail_test "$name: --threads 1 and 3 differ: $diff"; fi
  steps=$(json_get "th1_$name.json" "d['config']['steps']")
  for th in 1 3; do
    "$GROK" train "${flags[@]}" --steps $((steps / 2)) --threads "$th" --progress none --out "half${th}_$name.json" 2>/dev/null
    "$GROK" train --resume "half${th}_$name.json" --steps "$steps" --threads 1 --progress none 2>/dev/null
  done
  if diff=$(same_curves "half1_$name.json" "half3_$name.json" 2>&1); then pass "$name: half at 3 threads, extended at 1, equals 1 thread throughout: $diff"
  else fail_test "$name: half at 3 threads, extended at 1, differs: $diff"; fi
done
finish
