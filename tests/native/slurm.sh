#!/usr/bin/env bash
# Slurm for real (issue 17): a one-node cluster (munge, slurmctld, slurmd) started inside the test,
# the job-array example of docs/cli.md submitted as written (only the preset made tiny, so 81 runs
# take seconds, not days), then its sweep-merge job; summary.json must equal a local `grok sweep -j 2`.
# Then a task killed by its time limit (Slurm's SIGTERM) and the array resubmitted: it resumes and
# completes. Every daemon started here is stopped on exit. Needs root and slurm-wlm + munge
# (./scripts/setup installs them); the configuration is the one of ../shared/toolchain-notes.md.
DOCS="$(cd "$(dirname "$0")/../.." && pwd)/docs/cli.md"  # before common.sh moves to a temp dir
source "$(dirname "$0")/lib/common.sh" "$1"
for tool in slurmctld slurmd sbatch squeue scontrol munged munge unmunge; do
  command -v "$tool" >/dev/null || PATH="$PATH:/usr/sbin" command -v "$tool" >/dev/null ||
    { echo "$tool is missing: apt-get install slurm-wlm munge (./scripts/setup does)"; exit 1; }
done
export PATH="$(dirname "$GROK"):$PATH:/usr/sbin"  # the job scripts call `grok` as the docs do
[ "$(id -u)" = 0 ] || { echo "the one-node Slurm cluster needs root (SlurmUser=root)"; exit 1; }

# --- the cluster
T="$WORK/slurm"; mkdir -p "$T/state" "$T/spool"
H=$(hostname)
PORT=$((20000 + $$ % 20000))  # our own ports: never talk to another cluster on this machine
started_munge=""
stop_cluster() {
  for f in "$T/slurmd.pid" "$T/slurmctld.pid"; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  [ -n "$started_munge" ] && kill "$started_munge" 2>/dev/null || true
  sleep 0.5
  for f in "$T/slurmd.pid" "$T/slurmctld.pid"; do [ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap stop_cluster EXIT
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null || true
  /usr/sbin/munged --force
  started_munge=$(cat /run/munge/munged.pid 2>/dev/null || pgrep -n munged)
fi
munge -n | unmunge >/dev/null || { echo "munge does not work"; exit 1; }
cat >"$T/slurm.conf" <<EOF
ClusterName=local
SlurmctldHost=$H
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/ctld.log
SlurmdLogFile=$T/d.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
KillWait=10
MinJobAge=600
NodeName=$H CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$T/slurm.conf"
/usr/sbin/slurmctld && /usr/sbin/slurmd || { echo "slurm daemons did not start: $(tail -5 "$T"/*.log)"; exit 1; }
for i in $(seq 1 100); do sinfo -h -o %t 2>/dev/null | grep -q idle && break; sleep 0.2; done
sinfo -h -o %t | grep -q idle && pass "one-node cluster up ($(sinfo -h -o '%D node, %c CPUs, %t'))" \
  || { fail_test "node not idle: $(sinfo 2>&1) $(tail -5 "$T/d.log")"; finish; }

wait_jobs() {  # waits (up to $1 s) until the queue is empty
  for i in $(seq 1 $(($1 * 5))); do [ -z "$(squeue -h 2>/dev/null)" ] && return 0; sleep 0.2; done
  return 1
}

# --- the job-array example of docs/cli.md, as written, with a tiny model instead of nanda2023
python3 - "$DOCS" <<'PY' >blocks.txt
import re, sys
text = open(sys.argv[1]).read()
section = text[text.index("### Slurm job array"):]
blocks = re.findall(r"```(?:bash)?\n(.*?)```", section, re.S)
open("sweep.sbatch", "w").write(blocks[0])
open("submit.sh", "w").write(blocks[1])
PY
grep -q -- '--preset nanda2023' sweep.sbatch || fail_test "docs/cli.md's job array no longer uses --preset nanda2023 (update this test)"
# 81 runs of ~0.2 s instead of hours each; every other line (the #SBATCH array, --shard, --grid, --seeds) stays.
sed -i "s|--preset nanda2023|--preset browser ${TINY[*]} --steps 200|" sweep.sbatch
grep -q 'SBATCH --array=0-15' sweep.sbatch && grep -q 'shard "${SLURM_ARRAY_TASK_ID}/16"' sweep.sbatch \
  || fail_test "the example is not the 16-task array this test expects: $(cat sweep.sbatch)"
cat >>submit.sh <<'EOF'
echo "$jobid" > jobid
EOF
bash submit.sh >submit.log 2>&1 || fail_test "submitting as docs/cli.md says failed: $(cat submit.log)"
if wait_jobs 240; then pass "job array $(cat jobid) and its sweep-merge job ran (16 tasks)"
else fail_test "jobs still queued after 240 s: $(squeue 2>&1 | head -5)"; fi
state=$(scontrol show job "$(cat jobid)_0" 2>/dev/null | grep -o 'JobState=[A-Z]*' | head -1)
[ "$state" = JobState=COMPLETED ] && pass "task 0: $state" || fail_test "task 0: $state ($(cat sweep-0.log 2>/dev/null | tail -3))"
[ -f sweep/summary.json ] && [ "$(json_get sweep/summary.json "d['runs_complete'], d['runs_total']")" = "81 81" ] \
  && pass "sweep-merge (the dependent job): 81 of 81 runs complete" \
  || fail_test "summary after the Slurm jobs: $(head -c 300 sweep/summary.json 2>/dev/null)"
# The same sweep locally, -j 2: the same summary.
args=$(python3 - <<'PY'
import re
s = open("sweep.sbatch").read().replace("\\\n", " ")  # join the continued lines
print(re.search(r"grok sweep (.*?) --out sweep --shard", s).group(1))
PY
)
eval "\"$GROK\" sweep $args --out local -j 2 --progress none" 2>/dev/null || fail_test "local sweep failed"
if out=$(same_summary sweep/summary.json local/summary.json 2>&1); then pass "Slurm summary equals grok sweep -j 2: $out"
else fail_test "Slurm vs local: $out"; fi

# --- a task killed by its time limit, then the array resubmitted
# The task trains one run far longer than its 1-minute limit (slurmctld enforces limits on a 30 s
# sweep, so the SIGTERM comes 60-90 s in): it must end TIMEOUT with a valid partial run saved. The
# resubmitted array asks for 2000 steps past where the limit stopped it (steps may change on
# --continue), so it resumes and completes in seconds however fast this machine is: no calibration.
LONG=("${TINY[@]}" --train-fraction 0.7)
long_job() {  # long_job STEPS TIME: the array script
  cat <<EOF
#!/bin/bash
#SBATCH --array=0-0
#SBATCH --cpus-per-task=1
#SBATCH --time=$2
#SBATCH --output=long-%a.log
grok train ${LONG[*]} --steps $1 --out long.json --continue --progress log
EOF
}
submit_long() {  # submit_long WHAT EXPECTED_STATE: runs long.sbatch and checks the task's state
  local id state
  id=$(sbatch --parsable long.sbatch)
  wait_jobs 240 || fail_test "$1: the job did not end within 240 s"
  state=$(scontrol show job "${id}_0" 2>/dev/null | grep -o 'JobState=[A-Z]*' | head -1)
  [ "$state" = "JobState=$2" ] && pass "$1: the task ended with $state" \
    || fail_test "$1: expected $2, got '$state' ($(tail -n 3 long-0.log))"
}
long_job 100000000 1 >long.sbatch
submit_long "1-minute limit" TIMEOUT
if [ -f long.json ] && [ "$(json_get long.json "d['summary']['complete']")" = False ] && [ -f long.json.ckpt ]; then
  done_steps=$(json_get long.json "d['summary']['steps']")
  pass "SIGTERM at the limit left a valid partial run at step $done_steps and its checkpoint"
else
  fail_test "after the time limit: no partial run ($(tail -n 3 long-0.log))"; done_steps=0
fi
long_job $((done_steps + 2000)) 10 >long.sbatch
submit_long "resubmitted" COMPLETED
grep -q "resuming long.json at step" long-0.log && pass "the resubmitted task resumed: $(grep -m1 -o 'resuming .* at step [0-9]*' long-0.log)" \
  || fail_test "no resume in the task's log: $(tail -n 3 long-0.log)"
[ "$(json_get long.json "d['summary']['complete'], d['summary']['steps']")" = "True $((done_steps + 2000))" ] \
  && pass "after resubmission: complete at step $((done_steps + 2000))" \
  || fail_test "after resubmission: $(json_get long.json "d['summary']['complete'], d['summary']['steps']")"
finish
