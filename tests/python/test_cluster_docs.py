"""docs/cli.md's Kubernetes Indexed Job, checked field by field against the batch/v1 Job API (the
fields and types of the Kubernetes API reference for what the example uses). No cluster runs it
here (the docs say so); this catches a misspelt key, a wrong type or a --shard N that is not the
Job's completions. The Slurm example runs for real in tests/native/slurm.sh."""
import re
from pathlib import Path

import yaml

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"

# key -> type, or a nested dict for an object, or [dict] for a list of objects. "required" lists keys.
QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$")
CONTAINER = {
    "name": str, "image": str, "command": [str], "args": [str], "workingDir": str,
    "env": [{"name": str, "value": str, "required": ["name"]}],
    "resources": {"requests": {"cpu": "quantity", "memory": "quantity"},
                  "limits": {"cpu": "quantity", "memory": "quantity"}},
    "volumeMounts": [{"name": str, "mountPath": str, "readOnly": bool, "subPath": str,
                      "required": ["name", "mountPath"]}],
    "required": ["name"],
}
POD_SPEC = {
    "containers": [CONTAINER], "restartPolicy": str, "serviceAccountName": str,
    "nodeSelector": dict, "volumes": [{"name": str, "persistentVolumeClaim": {"claimName": str, "readOnly": bool,
                                                                         "required": ["claimName"]},
                                       "emptyDir": dict, "required": ["name"]}],
    "required": ["containers"],
}
JOB = {
    "apiVersion": str, "kind": str,
    "metadata": {"name": str, "namespace": str, "labels": dict, "required": ["name"]},
    "spec": {"completionMode": str, "completions": int, "parallelism": int, "backoffLimit": int,
             "activeDeadlineSeconds": int, "ttlSecondsAfterFinished": int, "suspend": bool,
             "template": {"metadata": dict, "spec": POD_SPEC, "required": ["spec"]},
             "required": ["template"]},
    "required": ["apiVersion", "kind", "metadata", "spec"],
}


def check(value, schema, where, problems):
    if schema == "quantity":
        if not isinstance(value, (str, int)) or not QUANTITY.match(str(value)):
            problems.append(f"{where}: {value!r} is not a Kubernetes quantity")
    elif isinstance(schema, type):
        if not isinstance(value, schema) or (schema is int and isinstance(value, bool)):
            problems.append(f"{where}: expected {schema.__name__}, got {type(value).__name__}")
    elif isinstance(schema, list):
        if not isinstance(value, list):
            problems.append(f"{where}: expected a list")
        else:
            for i, v in enumerate(value):
                check(v, schema[0], f"{where}[{i}]", problems)
    else:
        if not isinstance(value, dict):
            problems.append(f"{where}: expected an object")
            return
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"{where}: {key} is required")
        for key, v in value.items():
            if key not in schema or key == "required":
                problems.append(f"{where}: unknown field {key}")
            else:
                check(v, schema[key], f"{where}.{key}", problems)


def job_example():
    text = DOCS.read_text()
    section = text[text.index("### Kubernetes Indexed Job"):]
    return yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))


def test_the_kubernetes_example_is_a_valid_indexed_job():
    job = job_example()
    problems = []
    check(job, JOB, "Job", problems)
    assert problems == []
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", job["metadata"]["name"])
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed" and spec["completions"] >= 1, "Indexed needs completions"
    pod = spec["template"]["spec"]
    assert pod["restartPolicy"] in ("Never", "OnFailure"), "a Job's pods may not restart Always"
    volumes = {v["name"] for v in pod.get("volumes", [])}
    for c in pod["containers"]:
        assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", c["name"])
        for m in c.get("volumeMounts", []):
            assert m["name"] in volumes, f"volumeMount {m['name']} names no volume"
        command = " ".join(c.get("command", []) + c.get("args", []))
        shard = re.search(r'--shard "\$\{JOB_COMPLETION_INDEX\}/(\d+)"', command)
        assert shard, "each pod takes its shard from JOB_COMPLETION_INDEX"
        assert int(shard.group(1)) == spec["completions"], "--shard K/N with N = completions"
        out = re.search(r"--out (\S+)", command).group(1)
        assert any(out.startswith(m["mountPath"]) for m in c["volumeMounts"]), "the sweep is on the shared volume"


def test_the_checker_catches_mistakes():
    job = job_example()
    job["spec"]["completion"] = 8  # misspelt
    job["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["memory"] = "1 GB"
    problems = []
    check(job, JOB, "Job", problems)
    assert "Job.spec: unknown field completion" in problems
    assert any("is not a Kubernetes quantity" in p for p in problems)
