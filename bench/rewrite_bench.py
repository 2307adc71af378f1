#!/usr/bin/env python3
"""`onnxkit rewrite` with the cleanup pipeline against ONNX Runtime's offline basic
optimisation: whole-process time, peak memory, and node counts before and after.

Run with the project's Python (onnx and onnxruntime, pinned in scripts/requirements.txt):

    .venv/bin/python bench/rewrite_bench.py [--onnxkit build/onnxkit] [--repeat 5]

For every model, two child processes run alternately, N times each:
  - `onnxkit rewrite M -o OUT --pass=PIPELINE` (default: the cleanup pipeline);
  - a Python child that builds an onnxruntime.InferenceSession with
    graph_optimization_level=ORT_ENABLE_BASIC and optimized_model_filepath=OUT, the way ONNX
    Runtime's documentation optimises a model offline. Its time includes importing
    onnxruntime; the "start-up" row shows what that alone costs, and the ORT column "session"
    is the InferenceSession call alone (time.perf_counter inside the child).
Both outputs are loaded afterwards (without weights) to count their nodes.

Models: every <corpus>/models/*.onnx (with their weights, in io_bench's work folder),
<corpus>/valid-edge/large_graph_10k.onnx and scale_bench's 50,000-node graph of the same
recipe. The growth rows compare the 10k and 50k graphs (5x the nodes must cost < 6x the CPU
time). Writes bench/results/rewrite.md.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import io_bench  # noqa: E402  (launcher, corpus preparation, table, report writer)
import scale_bench  # noqa: E402  (the 50k-node graph, CPU-time runs)

REPO = io_bench.REPO
MIB = io_bench.MIB
CLEANUP = ("constant-to-initializer,eliminate-identity,dedupe-initializers,"
           "eliminate-dead-code,topological-sort")

# argv: model, output, result file.
PY_ORT_BASIC = r"""
import json, sys, time
import onnxruntime as ort
model, out, result = sys.argv[1:4]
so = ort.SessionOptions()
so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
so.optimized_model_filepath = out
t0 = time.perf_counter()
ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])
json.dump({"session": time.perf_counter() - t0}, open(result, "w"))
"""
PY_ORT_STARTUP = "import onnxruntime"

# argv: model; prints the node count of the main graph (weights not read).
PY_COUNT = r"""
import sys, onnx
m = onnx.load(sys.argv[1], load_external_data=False)
print(len(m.graph.node))
"""


def count_nodes(py, path):
    out = subprocess.run([py, "-c", PY_COUNT, path], capture_output=True, text=True)
    return int(out.stdout) if out.returncode == 0 else None


def run_ort(launcher, py, model, out, timeout):
    with tempfile.NamedTemporaryFile("r", suffix=".json") as result:
        r = scale_bench.run_once(launcher, [py, "-c", PY_ORT_BASIC, model, out, result.name],
                                 timeout)
        session = json.load(open(result.name)) if r.code == 0 else None
    return r, (session or {}).get("session")


def best(runs):
    ok = [r for r in runs if r.code == 0]
    if len(ok) < len(runs):
        return next(r for r in runs if r.code != 0)
    return scale_bench.Result(min(r.wall for r in ok), min(r.cpu for r in ok),
                              max(r.rss for r in ok), 0)


def measure_model(args, launcher, model, work):
    out_kit = os.path.join(work, "out-onnxkit.onnx")
    out_ort = os.path.join(work, "out-ort.onnx")
    kit_runs, ort_runs, sessions = [], [], []
    for _ in range(args.repeat):
        kit_runs.append(scale_bench.run_once(
            launcher, [args.onnxkit, "rewrite", model, "-o", out_kit, f"--pass={args.passes}"],
            args.timeout))
        r, session = run_ort(launcher, args.python, model, out_ort, args.timeout)
        ort_runs.append(r)
        if session is not None:
            sessions.append(session)
    counts = (count_nodes(args.python, model),
              count_nodes(args.python, out_kit) if os.path.exists(out_kit) else None,
              count_nodes(args.python, out_ort) if os.path.exists(out_ort) else None)
    for p in (out_kit, out_kit + ".data", out_ort):
        if os.path.exists(p):
            os.remove(p)
    return best(kit_runs), best(ort_runs), min(sessions) if sessions else None, counts


def ms(r, attr="wall"):
    return scale_bench.cell(r, attr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--onnxkit", default=os.path.join(REPO, "build", "onnxkit"))
    ap.add_argument("--python", default=sys.executable,
                    help="a Python with onnx and onnxruntime (default: this one)")
    ap.add_argument("--passes", default=CLEANUP)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--models", default="", help="only models whose name contains this")
    ap.add_argument("--corpus", default=scale_bench.CORPUS_DEFAULT)
    ap.add_argument("--work", default="/tmp/onnxkit-io-bench")
    ap.add_argument("--output", default=os.path.join(REPO, "bench", "results", "rewrite.md"))
    args = ap.parse_args()
    args.onnxkit = os.path.abspath(args.onnxkit)
    os.makedirs(args.work, exist_ok=True)
    launcher = io_bench.launcher(args.work)

    models = io_bench.prepare_corpus(os.path.join(args.corpus, "models"), args.work)
    models.append(os.path.join(args.corpus, "valid-edge", "large_graph_10k.onnx"))
    models.append(scale_bench.model_path(args.corpus, args.work, "dag_50k", "dag", 50_000))
    models = [m for m in models if args.models in os.path.basename(m)]

    startup = best([scale_bench.run_once(launcher, [args.python, "-c", PY_ORT_STARTUP],
                                         args.timeout) for _ in range(args.repeat)])
    rows, results, failures = [], {}, []
    for model in models:
        name = os.path.basename(model)[:-len(".onnx")]
        print(f"{name}", file=sys.stderr)
        kit, ort_run, session, (before, after_kit, after_ort) = measure_model(
            args, launcher, model, args.work)
        results[name] = kit
        for label, r in (("onnxkit", kit), ("ORT basic", ort_run)):
            if r.code != 0:
                failures.append(f"- {name}: {label}: exit {r.code}")
        speedup = (f"{ort_run.wall / kit.wall:.1f}×" if kit.code == 0 and ort_run.code == 0
                   else "–")
        rows.append([name, before if before is not None else "?",
                     after_kit if after_kit is not None else "–",
                     after_ort if after_ort is not None else "–",
                     ms(kit), ms(ort_run), f"{session * 1000:.0f}" if session else "–",
                     speedup, ms(kit, "rss"), ms(ort_run, "rss")])

    version, onnx_version, commit, cpu, mem = io_bench.environment(args.onnxkit, args.python)
    ort_version = subprocess.run([args.python, "-c", "import onnxruntime; "
                                  "print(onnxruntime.__version__)"],
                                 capture_output=True, text=True).stdout.strip()
    report = []
    emit = lambda line="": report.append(line)  # noqa: E731
    emit("# `onnxkit rewrite` (cleanup pipeline) against ONNX Runtime's basic optimisation")
    emit()
    emit(f"{datetime.date.today()}, {version}, commit {commit}; onnxruntime {ort_version}, "
         f"onnx {onnx_version}; {cpu}, {mem / (1 << 30):.0f} GiB RAM; best of {args.repeat}.")
    emit()
    emit(f"onnxkit: `rewrite M -o OUT --pass={args.passes}`. ORT basic: a Python process "
         "that builds an InferenceSession with ORT_ENABLE_BASIC and optimized_model_filepath "
         f"(importing onnxruntime alone takes {ms(startup)} ms, {ms(startup, 'rss')} MiB). "
         "Times are whole processes in ms (wall), memory is peak RSS in MiB; \"session\" is "
         "the InferenceSession call alone; nodes are the main graph's.")
    emit()
    emit(io_bench.table(["model", "nodes", "onnxkit nodes", "ORT nodes", "onnxkit ms",
                         "ORT ms", "ORT session ms", "ORT ÷ onnxkit", "onnxkit MiB",
                         "ORT MiB"], rows))
    emit()
    small, large = results.get("large_graph_10k"), results.get("dag_50k")
    if small and large and small.code == 0 and large.code == 0:
        emit("## Growth")
        emit()
        growth = large.cpu / small.cpu if small.cpu else float("nan")
        emit(f"10k → 50k nodes (5×): onnxkit CPU time {small.cpu * 1000:.0f} → "
             f"{large.cpu * 1000:.0f} ms, {growth:.1f}× (goal < 6×: "
             f"{'met' if growth < 6 else 'NOT met'}).")
        emit()
    io_bench.finish_report(emit, report, failures, args.output)


if __name__ == "__main__":
    main()
