#!/usr/bin/env bash
# Hard stops (issue 14): SIGKILL at random moments and at each point of the final save (before the
# checkpoint's rename, between the two renames, before the run file's rename), and two writers on
# one output. Every run must either resume to exactly the uninterrupted result or refuse clearly;
# nothing may be left half-written (temp files) or unowned (runs of a killed sweep).
source "$(dirname "$0")/lib/common.sh" "$1"

RUN=("${TINY[@]}" --train-fraction 0.7 --steps 1500 --batch-size 64)
"$GROK" train "${RUN[@]}" --progress none --out ref.json 2>/dev/null

# --- a crash at each point of the final save, then --resume and --continue
for point in checkpoint-rename between-renames run-file-rename; do
  for how in resume continue; do
    name="$point-$how"
    rc=0
    GROK_TEST_CRASH_AT=$point "$GROK" train "${RUN[@]}" --progress none --out "$name.json" 2>/dev/null || rc=$?
    [ "$rc" -eq 137 ] || { fail_test "$name: the injected crash did not happen (exit $rc)"; continue; }
    state=$(json_get "$name.json" "d['summary']['complete']")
    [ "$state" = "False" ] && pass "$name: after the crash the run file is the last partial one" \
      || fail_test "$name: run file after a crash in the final save says complete=$state"
    if [ "$how" = resume ]; then
      "$GROK" train --resume "$name.json" --progress none 2>"$name.log" || { fail_test "$name: resume failed: $(cat "$name.log")"; continue; }
    else
      "$GROK" train "${RUN[@]}" --continue --progress none --out "$name.json" 2>"$name.log" || { fail_test "$name: --continue failed: $(cat "$name.log")"; continue; }
    fi
    state=$(json_get "$name.json" "d['summary']['complete']")
    [ "$state" = "True" ] && pass "$name: completed ($(tail -1 "$name.log" | cut -c1-90))" || fail_test "$name: still complete=$state after $how"
    if diff=$(same_curves ref.json "$name.json" 2>&1); then pass "$name: equals the uninterrupted run"
    else fail_test "$name: differs from the uninterrupted run: $diff"; fi
    left=$(find . -maxdepth 1 -name ".$name.json*" | wc -l)
    [ "$left" -eq 0 ] && pass "$name: no temp or lock files left" || fail_test "$name: left behind: $(find . -maxdepth 1 -name ".$name.json*")"
  done
done

# --- random SIGKILLs: kill, resume, kill again ... until the run completes
KRUN=("${TINY[@]}" --train-fraction 0.7 --batch-size 64)
KRUN+=(--steps "$(steps_for 3 "${KRUN[@]}")")  # about 3 s uninterrupted
"$GROK" train "${KRUN[@]}" --progress none --out kref.json 2>/dev/null
RANDOM=7  # the same moments every time the test runs
: >killed.log
"$GROK" train "${KRUN[@]}" --progress none --out killed.json --save-every 0.01 2>/dev/null &
pid=$!
kills=0
for round in $(seq 1 40); do
  sleep "0.$((RANDOM % 40 + 5))"
  kill -9 "$pid" 2>/dev/null && kills=$((kills + 1))
  wait "$pid" 2>/dev/null || true
  [ -e killed.json ] && [ "$(json_get killed.json "d['summary']['complete']")" = True ] && break
  if [ -e killed.json ] && [ -e killed.json.ckpt ]; then
    "$GROK" train --resume killed.json --progress none --save-every 0.01 2>>killed.log &
  else
    "$GROK" train "${KRUN[@]}" --progress none --out killed.json --save-every 0.01 2>>killed.log &
  fi
  pid=$!
done
wait "$pid" 2>/dev/null || true
if [ "$(json_get killed.json "d['summary']['complete']")" != True ]; then
  "$GROK" train --resume killed.json --progress none 2>>killed.log || fail_test "final resume failed: $(tail -1 killed.log)"
fi
if diff=$(same_curves kref.json killed.json 2>&1); then pass "$kills SIGKILLs, then resumed each time: equals the uninterrupted run ($diff)"
else fail_test "after $kills SIGKILLs the run differs: $diff"; fi
if grep -q "error" killed.log; then fail_test "a resume after SIGKILL refused: $(grep error killed.log | head -1)"; else pass "every resume after SIGKILL was accepted"; fi
no_temp_files "$WORK"

# --- two writers on one output: the second refuses, naming the first
"$GROK" train "${TINY[@]}" --steps 1000000 --save-every 0.05 --progress none --out busy.json 2>/dev/null &
first=$!
wait_for_steps busy.json 1 || fail_test "the first writer did not start"
expect_error "second writer on a run file" "busy.json is being written by another grok process \(pid $first\)" \
  "$GROK" train "${TINY[@]}" --steps 100 --seed 5 --out busy.json
expect_error "--resume of a run being written" "busy.json is being written by another grok process" \
  "$GROK" train --resume busy.json
kill -INT "$first"; wait "$first" || true
[ "$(json_get busy.json "d['config']['seed']")" = 0 ] && pass "the run file is still the first writer's" || fail_test "busy.json was changed by the second writer"
more=$(( $(json_get busy.json "d['summary']['steps']") + 50 ))
"$GROK" train --resume busy.json --steps "$more" --progress none 2>/dev/null && pass "once the first writer stopped, the run resumes" \
  || fail_test "resume after the first writer stopped failed"

# --- a SIGKILLed sweep: its runs stop too (they save and exit), and re-running it finishes the grid
SWEEP_STEPS=$(steps_for 2 "${TINY[@]}")
"$GROK" sweep "${TINY[@]}" --steps "$SWEEP_STEPS" --grid 'weight_decay=1,2' -j 2 --progress none --out ksw 2>/dev/null &
sweep=$!
for f in ksw/weight_decay=1_seed=0.json ksw/weight_decay=2_seed=0.json; do wait_for_steps "$f" 0 || fail_test "$f never appeared"; done
kill -9 "$sweep"; wait "$sweep" 2>/dev/null || true
for i in $(seq 1 100); do pgrep -f -- "ksw/weight_decay" >/dev/null || break; sleep 0.1; done
if pgrep -f -- "ksw/weight_decay" >/dev/null; then fail_test "runs of the killed sweep are still running: $(pgrep -af -- ksw/weight_decay)"
else pass "the killed sweep's runs stopped"; fi
state=$(json_get ksw/weight_decay=1_seed=0.json "d['summary']['complete'], d['summary']['steps'] > 0")
# The sweep was killed at the runs' first save (step 0), so a step > 0 here was written on SIGTERM.
[ "$state" = "False True" ] && pass "a stopped run left a valid partial file" || fail_test "partial file after the sweep died: $state"
"$GROK" sweep "${TINY[@]}" --steps "$SWEEP_STEPS" --grid 'weight_decay=1,2' -j 2 --progress none --out ksw 2>sweep2.log \
  && [ "$(json_get ksw/summary.json "d['runs_complete']")" = 2 ] && pass "re-running the sweep completed both runs" \
  || fail_test "re-running the sweep: $(tail -2 sweep2.log)"
# Two sweeps of one directory at once: the second refuses.
"$GROK" sweep "${TINY[@]}" --steps 200000 --grid 'weight_decay=3,4' --progress none --out two 2>/dev/null &
sweep=$!
wait_for_steps two/weight_decay=3_seed=0.json 0 || fail_test "the first sweep did not start"
expect_error "a second sweep of the same directory" "sweep two is being written by another grok process" \
  "$GROK" sweep "${TINY[@]}" --steps 200000 --grid 'weight_decay=3,4' --progress none --out two
kill -INT "$sweep"; wait "$sweep" 2>/dev/null || true
no_temp_files "$WORK"
finish
