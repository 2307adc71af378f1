#!/usr/bin/python3
"""onnxkit check against onnx.checker.check_model(full_check=True): time and peak memory.

Run with Debian's Python (onnx 1.12, numpy), from anywhere:

    /usr/bin/python3 bench/check_bench.py [--onnxkit build/onnxkit] [--repeat 5]

For every model, `onnxkit check M` and a Python child that does `import onnx`, `onnx.load(M)`
and `onnx.checker.check_model(model, full_check=True)` run alternately, N times each. The
table reports, best of N: both whole processes (wall time, peak RSS from io_bench's C
launcher) and the check_model call alone (time.perf_counter around it, inside the child).
check_model always gets the loaded ModelProto, never the path: in onnx 1.12,
check_model(path, full_check=True) writes the inferred model back over the file it checks.

onnxkit has no in-process timer, so its column is always the whole process (start-up, load
and every rule group); the "start-up" row shows what start-up alone costs.

Models: every /work/shared/corpus/models/*.onnx (with their weights, in io_bench's work
folder), /work/shared/corpus/valid-edge/large_graph_10k.onnx and generated Add/Relu chains
with value_info for every value (--synthetic). Writes bench/results/check.md.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in bench/ from importing io_bench
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import io_bench  # noqa: E402  (launcher, run_child, corpus preparation, table formatting)

REPO = io_bench.REPO
MIB = io_bench.MIB

# argv: model, "data" (onnx.load's default: external weights read in) or "refs"
# (load_external_data=False), result file. A failing check is an outcome, not a crash.
PY_CHECK = r"""
import json, os, sys, time
import onnx
path, mode, result = sys.argv[1:4]
t0 = time.perf_counter()
m = onnx.load(path, load_external_data=(mode == "data"))
# A ModelProto has no folder: onnx 1.12's checker looks for external data files relative to
# the working directory.
os.chdir(os.path.dirname(os.path.abspath(path)))
t1 = time.perf_counter()
try:
    onnx.checker.check_model(m, full_check=True)
    outcome = "pass"
except Exception as e:
    text = " ".join(str(e).split())
    outcome = f"{type(e).__name__}: {text}"
t2 = time.perf_counter()

def count(graph):
    n = 0
    for node in graph.node:
        n += 1
        for a in node.attribute:
            if a.HasField("g"):
                n += count(a.g)
            for g in a.graphs:
                n += count(g)
    return n

nodes = count(m.graph) + sum(len(f.node) for f in m.functions)
with open(result, "w") as f:
    json.dump({"load": t1 - t0, "check": t2 - t1, "outcome": outcome, "nodes": nodes}, f)
"""


class Side:
    """Best of N runs of one command: wall (best), rss (largest), exit code, in-process data."""

    def __init__(self):
        self.walls, self.rss, self.code, self.err = [], 0, 0, ""
        self.checks, self.loads, self.outcome, self.nodes = [], [], None, None

    @property
    def ok(self):
        return self.code == 0 and bool(self.walls)

    @property
    def wall(self):
        return min(self.walls)

    @property
    def check(self):
        return min(self.checks) if self.checks else None

    def add(self, run, accept=(0,)):
        if run.code not in accept:
            self.code, self.err = run.code, run.err
            return
        self.walls.append(run.wall)
        self.rss = max(self.rss, run.rss)


def wait_for(exe, patience=600):
    """The binary may be missing for a while when someone rebuilds it: wait for it."""
    deadline = time.time() + patience
    while not os.access(exe, os.X_OK):
        if time.time() > deadline:
            sys.exit(f"check_bench: {exe}: not an executable (build first, or pass --onnxkit)")
        time.sleep(2)


def run_kit(cmd, timeout):
    """Runs onnxkit; retries while the binary is being replaced (missing, or exec failed)."""
    for _ in range(100):
        wait_for(cmd[0])
        r = io_bench.run_child(cmd, timeout)
        if r.code != 127 and os.access(cmd[0], os.X_OK):
            return r
        time.sleep(2)
    return r


def diagnostics(onnxkit, model):
    """Counts of onnxkit's diagnostics by severity (from --format=json; not timed)."""
    for _ in range(100):
        wait_for(onnxkit)
        p = subprocess.run([onnxkit, "check", "--format=json", model], capture_output=True,
                           text=True)
        if p.returncode in (0, 1):
            break
        time.sleep(2)
    try:
        items = json.loads(p.stdout)
    except ValueError:
        return None, p.returncode
    counts = {"error": 0, "warning": 0, "note": 0}
    for d in items:
        counts[d.get("severity", "error")] = counts.get(d.get("severity", "error"), 0) + 1
    return counts, p.returncode


def measure_pair(onnxkit, py, model, mode, n, timeout, kit=True):
    """`onnxkit check M` and the Python child, alternately, n times each."""
    k, p = Side(), Side()
    with tempfile.NamedTemporaryFile("r", suffix=".json") as result:
        for _ in range(n):
            if kit:
                # Exit 1 means "errors found": the check ran to the end.
                r = run_kit([onnxkit, "check", "--timings", model], timeout)
                k.add(r, accept=(0, 1))
                # --timings: "timings: M: load X ms, check Y ms" (in-process, like onnx's).
                m = re.search(r"load ([0-9.]+) ms, check ([0-9.]+) ms", r.err)
                if m and r.code in (0, 1):
                    k.loads.append(float(m.group(1)) / 1000)
                    k.checks.append(float(m.group(2)) / 1000)
            r = io_bench.run_child([py, "-c", PY_CHECK, model, mode, result.name], timeout)
            p.add(r)
            if r.ok:
                result.seek(0)
                data = json.load(result)
                p.checks.append(data["check"])
                p.loads.append(data["load"])
                p.outcome, p.nodes = data["outcome"], data["nodes"]
            if not p.ok or (kit and not k.ok):
                break
    return k, p


def make_chain(path, nodes):
    """`nodes` nodes on [1, 8] float tensors: Relu, then Add of the previous value and either
    a value 7 steps back or a [8] initializer (broadcast), alternating; value_info declares
    every intermediate value's type and shape, so full_check compares all of them."""
    if os.path.exists(path):
        return path
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    dims = [1, 8]
    values = ["x"]
    graph_nodes, infos = [], []
    for i in range(nodes):
        name = "y" if i == nodes - 1 else f"v{i}"
        prev = values[-1]
        if i % 2 == 0:
            graph_nodes.append(helper.make_node("Relu", [prev], [name], name=f"relu{i}"))
        else:
            other = "bias" if i % 10 == 1 or len(values) < 8 else values[-8]
            graph_nodes.append(helper.make_node("Add", [prev, other], [name], name=f"add{i}"))
        if name != "y":
            infos.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, dims))
        values.append(name)
    bias = numpy_helper.from_array(np.linspace(-0.5, 0.5, 8, dtype=np.float32), "bias")
    graph = helper.make_graph(graph_nodes, f"chain_{nodes}",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, dims)],
                              initializer=[bias], value_info=infos)
    model = helper.make_model(graph, producer_name="onnxkit-bench",
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(model.SerializeToString())
    os.replace(tmp, path)
    return path


# --- Formatting -----------------------------------------------------------------------------


def ms(seconds):
    return f"{seconds * 1000:.1f}" if seconds is not None else "error"


def times(a, b):
    return f"{b / a:.1f}×" if a and b else "–"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--onnxkit", default=os.path.join(REPO, "build", "onnxkit"),
                    help="the onnxkit binary (default: build/onnxkit)")
    ap.add_argument("--python", default="/usr/bin/python3",
                    help="Python with onnx for the reference side (default: /usr/bin/python3)")
    ap.add_argument("--corpus", default=os.path.join(REPO, "..", "shared", "corpus", "models"))
    ap.add_argument("--large-graph", default=os.path.join(
        REPO, "..", "shared", "corpus", "valid-edge", "large_graph_10k.onnx"))
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "onnxkit-io-bench"),
                    help="io_bench's work folder: model copies with weights (reused), "
                         "the launcher, and check/ for the generated models")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement (best is kept)")
    ap.add_argument("--synthetic", default="10000,50000",
                    help="node counts of the generated Add/Relu chains (comma-separated; "
                         "empty for none)")
    ap.add_argument("--large", type=int, default=500,
                    help="node count from which a model counts as a large graph (geomean)")
    ap.add_argument("--models", default="", help="only models whose name contains this")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per child process")
    ap.add_argument("--output", default=os.path.join(REPO, "bench", "results", "check.md"))
    args = ap.parse_args()

    onnxkit = os.path.abspath(args.onnxkit)
    wait_for(onnxkit, patience=60)
    binary_stamp = os.stat(onnxkit).st_mtime
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    io_bench.launcher(work)
    if not io_bench._launcher:
        print("check_bench: no C compiler: peak RSS includes this Python process' own",
              file=sys.stderr)
    py, n = args.python, args.repeat
    report = []

    def emit(text=""):
        print(text, flush=True)
        report.append(text)

    # Inputs.
    models = io_bench.prepare_corpus(os.path.abspath(args.corpus), work)
    models.append(os.path.abspath(args.large_graph))
    synth_dir = os.path.join(work, "check")
    os.makedirs(synth_dir, exist_ok=True)
    for count in [int(x) for x in args.synthetic.split(",") if x.strip()]:
        models.append(make_chain(os.path.join(synth_dir, f"chain_{count}.onnx"), count))
    if args.models:
        models = [m for m in models if args.models in os.path.basename(m)]

    version, onnx_version, commit, cpu, mem = io_bench.environment(onnxkit, py)
    load_before = os.getloadavg()[0]

    startup_kit = io_bench.measure([onnxkit, "--version"], max(n, 10))
    startup_py = io_bench.measure([py, "-c", io_bench.PY_STARTUP], max(n, 10))

    rows, refs_rows, failures, notes = [], [], [], []
    proc_ratios, check_ratios, inproc_ratios = [], [], []
    # The same, with onnx loading external weights as references (load_external_data=False).
    graph_proc, graph_check = {}, {}
    large_names, large10k = [], None
    for model in models:
        name = os.path.basename(model)
        size = (os.path.getsize(model) + io_bench.data_bytes(model)) / MIB
        counts, code = diagnostics(onnxkit, model)
        kit, ref = measure_pair(onnxkit, py, model, "data", n, args.timeout)
        diag = (f"{counts['error']} / {counts['warning']}" +
                (f" (+{counts['note']} notes)" if counts["note"] else "")) if counts else "?"
        if counts is None:
            failures.append(f"- onnxkit check --format=json {name}: exit {code}, no JSON")
        if not kit.ok:
            failures.append(f"- onnxkit check {name}: exit {kit.code}: {kit.err[-200:]}")
        if not ref.ok:
            failures.append(f"- onnx child {name}: exit {ref.code}: "
                            f"{ref.err.splitlines()[-1] if ref.err else ''}")
        outcome = ref.outcome or "–"
        if outcome not in ("pass", "–"):
            notes.append(f"- ({len(notes) + 1}) {name}: `{outcome[:400]}`")
            outcome = f"fail ({len(notes)})"
        kw = kit.wall if kit.ok else None
        pw = ref.wall if ref.ok else None
        large = ref.nodes is not None and ref.nodes >= args.large
        if kw and pw and large and ref.outcome == "pass":
            proc_ratios.append(pw / kw)
            check_ratios.append(ref.check / kw)
            if kit.check:
                inproc_ratios.append(ref.check / kit.check)
            large_names.append(name)
            graph_proc[name], graph_check[name] = pw / kw, ref.check / kw
        if model == os.path.abspath(args.large_graph):
            large10k = (kit, ref)
        rows.append([name, str(ref.nodes) if ref.nodes is not None else "?", f"{size:.1f}",
                     diag, outcome, ms(kw), ms(kit.check), ms(pw), ms(ref.check), times(kw, pw),
                     times(kw, ref.check), times(kit.check, ref.check),
                     f"{kit.rss / MIB:.1f}" if kit.ok else "error",
                     f"{ref.rss / MIB:.1f}" if ref.ok else "error",
                     times(kit.rss if kit.ok else 0, ref.rss if ref.ok else 0)])
        # With external weights, onnx.load reads them and check_model serializes them again;
        # onnx can also check the graph with the references kept.
        if io_bench.data_bytes(model) and kit.ok:
            _, refs = measure_pair(onnxkit, py, model, "refs", n, args.timeout, kit=False)
            rw = refs.wall if refs.ok else None
            if name in graph_proc:
                if rw and refs.outcome == "pass":
                    graph_proc[name], graph_check[name] = rw / kw, refs.check / kw
                else:
                    del graph_proc[name], graph_check[name]
            refs_outcome = refs.outcome or "–"
            if refs_outcome not in ("pass", "–"):
                notes.append(f"- ({len(notes) + 1}) {name}, load_external_data=False: "
                             f"`{refs_outcome[:400]}`")
                refs_outcome = f"fail ({len(notes)})"
            refs_rows.append([name, str(ref.nodes), ms(kw), ms(rw), ms(refs.check), refs_outcome, times(kw, rw), times(kw, refs.check),
                              f"{refs.rss / MIB:.1f}" if refs.ok else "error"])
        print(f"  {name}: onnxkit {ms(kw)} ms, onnx {ms(pw)} ms (check {ms(ref.check)} ms)",
              file=sys.stderr, flush=True)

    load_after = os.getloadavg()[0]
    rebuilt = os.path.exists(onnxkit) and os.stat(onnxkit).st_mtime != binary_stamp

    emit("# onnxkit check benchmark")
    emit()
    emit(f"{datetime.date.today()} · {version} (commit {commit or '?'}) · Python onnx "
         f"{onnx_version} · {cpu}, {os.cpu_count()} cores, {mem / (1 << 30):.0f} GiB RAM")
    emit()
    emit(f"`onnxkit check M` against `onnx.checker.check_model(onnx.load(M), full_check=True)` "
         f"(on the loaded model, never the path). Best of {n} runs each, the two sides "
         "alternating (warm page cache). Peak RSS is ru_maxrss of the whole process, largest "
         "of the runs. Ratios are onnx ÷ onnxkit: above 1× onnxkit is faster or smaller. "
         "Produced by `bench/check_bench.py`.")
    emit()
    emit("- **onnxkit ms**: the whole `onnxkit check M` process (start-up, load, all rule "
         "groups, report); its start-up is in the last row. **Check() ms**: the `Check()` "
         "call alone, on the loaded model, as `onnxkit check --timings` reports it (it "
         "includes libonnx's one-off schema registration, which Python pays at `import "
         "onnx`).")
    emit("- **onnx process ms**: the whole Python process: interpreter start-up, `import "
         "onnx`, `onnx.load(M)` (which reads external weights in) and the check.")
    emit("- **check_model ms**: the `check_model(model, full_check=True)` call alone, timed "
         "with `time.perf_counter` inside that process; its ratio still divides by onnxkit's "
         "whole process, so it favours onnx.")
    emit("- **onnxkit E / W**: onnxkit's errors / warnings for the model; **onnx**: "
         "check_model's outcome.")
    emit()
    header = ["model", "nodes", "MiB", "onnxkit E / W", "onnx", "onnxkit ms", "Check() ms",
              "onnx process ms", "check_model ms", "process ratio", "check_model ratio",
              "check_model ÷ Check()",
              "onnxkit MiB RSS", "onnx MiB RSS", "RSS ratio"]
    startup = ["start-up (`--version` / `import onnx`)", "", "", "", "",
               ms(startup_kit.wall if startup_kit.ok else None), "",
               ms(startup_py.wall if startup_py.ok else None), "",
               io_bench.ratio(startup_kit, startup_py, "wall"), "", "",
               io_bench.mib(startup_kit), io_bench.mib(startup_py),
               io_bench.ratio(startup_kit, startup_py, "rss")]
    emit(io_bench.table(header, rows + [startup]))
    emit()
    if notes:
        emit("onnx check_model failures:")
        emit()
        for line in notes:
            emit(line)
        emit()
    emit(f"## Large graphs (≥ {args.large} nodes)")
    emit()
    emit("The goal: at least 3× faster than onnx's full check on large graphs, and the "
         "10,000-node model checked in well under a second.")
    emit()
    if proc_ratios:
        emit(f"Geometric mean over the {len(proc_ratios)} models that onnx's check passes "
             f"({', '.join(large_names)}):")
        emit()
        emit(f"- whole process, onnx ÷ onnxkit: **{io_bench.geomean(proc_ratios):.1f}×** "
             f"(min {min(proc_ratios):.1f}×)")
        emit(f"- onnx's check_model call alone ÷ onnxkit's whole process: "
             f"**{io_bench.geomean(check_ratios):.1f}×** (min {min(check_ratios):.1f}×)")
        if inproc_ratios:
            emit(f"- in process, on a loaded model: check_model ÷ `Check()`: "
                 f"**{io_bench.geomean(inproc_ratios):.1f}×** (min {min(inproc_ratios):.1f}×)")
        if refs_rows and graph_proc:
            gp, gc = list(graph_proc.values()), list(graph_check.values())
            emit(f"- the same with `onnx.load(M, load_external_data=False)` for the models with "
                 f"external weights (table below), over {len(gp)} models: whole process "
                 f"**{io_bench.geomean(gp):.1f}×** (min {min(gp):.1f}×), check_model alone "
                 f"**{io_bench.geomean(gc):.1f}×** (min {min(gc):.1f}×)")
        emit()
    if large10k and large10k[0].ok:
        kit, ref = large10k
        emit(f"`large_graph_10k.onnx` (10,000 nodes): onnxkit {ms(kit.wall)} ms for the whole "
             f"process (Check() alone {ms(kit.check)} ms), {kit.rss / MIB:.1f} MiB peak RSS; "
             f"onnx {ms(ref.wall if ref.ok else None)} ms (check_model alone {ms(ref.check)} ms).")
        emit()
    if refs_rows:
        emit("## Models with external weights: check_model with the references kept")
        emit()
        emit("`onnx.load(M)` reads every weight, and check_model serializes the whole model "
             "again before checking it, so most of the time above goes to the weights. "
             "onnxkit checks external references (file, offset, length) without reading the "
             "data. Here onnx loads with `load_external_data=False`: check_model then only "
             "checks that the side file exists (the child runs it in the model's folder) and "
             "never reads the weights. This is the fairest graph-only comparison.")
        emit()
        emit(io_bench.table(["model", "nodes", "onnxkit ms", "onnx process ms",
                             "check_model ms", "onnx", "process ratio", "check_model ratio",
                             "onnx MiB RSS"], refs_rows))
        emit()
    cores = os.cpu_count() or 1
    busy = max(load_before, load_after) > 0.5 * cores
    emit(f"Load average (1 min): {load_before:.1f} at the start, {load_after:.1f} at the end, "
         f"on {cores} cores." +
         (" Other work was running: wall times are noisy (RSS is not)." if busy else ""))
    emit()
    if rebuilt:
        emit(f"Warning: `{onnxkit}` was rebuilt during the run; rows may mix two binaries.")
        emit()
    io_bench.finish_report(emit, report, failures, args.output)


if __name__ == "__main__":
    main()
