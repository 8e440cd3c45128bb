# Shared helpers for the CLI tests (sourced; not a test itself: CTest only picks up tests/native/*.sh).
# Usage in a test:  source "$(dirname "$0")/lib/common.sh" "$1"
set -euo pipefail
GROK="$(readlink -f "${1:?usage: $0 /path/to/grok}")"
[ -x "$GROK" ] || { echo "not executable: $GROK" >&2; exit 1; }
WORK="$(mktemp -d /tmp/grok-cli-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# A tiny config that runs ~1 ms/step and groks within ~1500 steps for some settings.
TINY=(--model mlp --p 23 --d-model 16 --hidden 64 --lr 0.01 --eval-every 20)

FAILS=0
pass() { echo "ok   - $*"; }
fail_test() { echo "FAIL - $*"; FAILS=$((FAILS + 1)); }
finish() {
  if [ "$FAILS" -ne 0 ]; then echo "$FAILS check(s) failed"; exit 1; fi
  echo "all checks passed"
}

# expect_error "description" "regex the message must match" command...
# The contract: non-zero exit, stderr is exactly ONE line "grok: error: ..." that names the problem.
expect_error() {
  local what="$1" pattern="$2"; shift 2
  local rc=0
  "$@" >"$WORK/.out" 2>"$WORK/.err" || rc=$?
  local lines; lines=$(wc -l <"$WORK/.err")
  if [ "$rc" -eq 0 ]; then fail_test "$what: exit 0 (expected an error)"; return; fi
  if [ "$lines" -ne 1 ]; then fail_test "$what: expected 1 line on stderr, got $lines: $(cat "$WORK/.err")"; return; fi
  if ! grep -q '^grok: error: ' "$WORK/.err"; then fail_test "$what: not a 'grok: error:' line: $(cat "$WORK/.err")"; return; fi
  if ! grep -qE -- "$pattern" "$WORK/.err"; then fail_test "$what: message does not match /$pattern/: $(cat "$WORK/.err")"; return; fi
  pass "$what (exit $rc): $(cut -c1-110 "$WORK/.err")"
}

# json_get FILE EXPR: evaluates a Python expression over the parsed JSON `d`.
json_get() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# no_temp_files DIR: atomic writes leave no .tmp files behind, even after errors.
no_temp_files() {
  local left; left=$(find "$1" -name '.*.tmp*' | wc -l)
  if [ "$left" -eq 0 ]; then pass "no temp files left in $(basename "$1")"; else fail_test "temp files left: $(find "$1" -name '.*.tmp*')"; fi
}

# wait_for_steps FILE N: waits (up to 60 s) until run file FILE exists with summary.steps >= N.
# grep, not python: polling must be cheap so the signal lands early in the run.
wait_for_steps() {
  local i steps
  for i in $(seq 1 1200); do
    steps=$(grep -o '"steps":[0-9]*' "$1" 2>/dev/null | tail -1 | cut -d: -f2 || true)
    if [ -n "$steps" ] && [ "$steps" -ge "$2" ]; then return 0; fi
    sleep 0.05
  done
  return 1
}

# same_curves A B: metrics and snapshots of two run files are exactly equal (bit-identical numbers:
# JSON doubles round-trip exactly); prints the first difference otherwise.
same_curves() {
  python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for key in ("metrics", "snapshots"):
    if len(a[key]) != len(b[key]):
        sys.exit(f"{key}: {len(a[key])} vs {len(b[key])} entries")
    for x, y in zip(a[key], b[key]):
        if x != y:
            sys.exit(f"{key} differ first at step {x['step']}: {x} vs {y}")
for key in ("memorize_step", "grok_step", "steps", "final_train_acc", "final_test_acc", "diverged", "complete"):
    if a["summary"][key] != b["summary"][key]:
        sys.exit(f"summary.{key}: {a['summary'][key]} vs {b['summary'][key]}")
print(f"{len(a['metrics'])} metric points and {len(a['snapshots'])} snapshots identical")
PY
}

# same_summary A B: two sweep summaries are equal after dropping wall times.
same_summary() {
  python3 - "$1" "$2" <<'PY'
import json, sys
def norm(p):
    s = json.load(open(p))
    for r in s["rows"]:
        r.pop("wall_seconds"); r.pop("ms_per_step")
    return s
a, b = norm(sys.argv[1]), norm(sys.argv[2])
if a != b:
    for k in a:
        if a[k] != b.get(k): sys.exit(f"{k} differs: {a[k]} vs {b.get(k)}")
    sys.exit("keys differ")
print(f"{a['runs_complete']}/{a['runs_total']} rows equal")
PY
}

# Runs long enough to be killed mid-way, whatever the build (the sanitizer build is ~10x slower):
# steps_for SECONDS ARGS... prints the steps that take about SECONDS with ARGS, from a short run.
steps_for() {
  local seconds="$1"; shift
  "$GROK" train "$@" --steps 1000 --progress none --out calib.json 2>/dev/null
  python3 -c "import json,sys; ms=json.load(open('calib.json'))['summary']['ms_per_step']; print(max(1000, int(float(sys.argv[1]) * 1000 / max(ms, 1e-3)) // 100 * 100))" "$seconds"
  rm -f calib.json calib.json.ckpt
}
