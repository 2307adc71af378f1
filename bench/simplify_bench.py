#!/usr/bin/env python3
"""`onnxkit simplify` against ONNX Runtime's basic optimisation, onnx-simplifier, onnxslim
and onnxoptimizer: node counts, whole-process time and peak memory, in one run.

    .venv/bin/python bench/simplify_bench.py [--onnxkit build/onnxkit] [--repeat 3]

The peers are installed, pinned (bench/requirements-peers.txt), into .venv-bench the first
time (the script makes that virtual environment from the Python running it); nothing else
is downloaded. Every tool runs as its own child process doing load, optimise, save:
  - onnxkit: `onnxkit simplify M -o OUT`;
  - ORT basic: an InferenceSession with ORT_ENABLE_BASIC and optimized_model_filepath;
  - onnxsim: `onnxsim.simplify(onnx.load(M))`, saved;
  - onnxslim: `onnxslim.slim(M, OUT)`;
  - onnxoptimizer: `onnxoptimizer.optimize(onnx.load(M))` (its default passes), saved.
Outputs are counted afterwards (main-graph nodes, weights not loaded) and onnxkit's output is
compared with the original under ONNX Runtime on random inputs.

Then the large-model case: a model whose external weights total over 100 GB (a sparse data
file: no disk is used for them) around shape arithmetic that folds; `onnxkit simplify` must
keep peak memory under 200 MiB, reading no weight.

Writes bench/results/simplify.md.
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
import rewrite_bench  # noqa: E402  (ORT basic child, node counter)
import scale_bench  # noqa: E402  (run_once, cells)

REPO = io_bench.REPO
MIB = io_bench.MIB
MODELS = ["resnet18", "mobilenet_v2", "mobilenet_v3_small", "shufflenet_v2_x1_0",
          "squeezenet1_1", "efficientnet_b0", "convnext_tiny", "swin_t", "vit_b_16",
          "deeplabv3_mobilenet_v3_large", "fasterrcnn_mobilenet_v3_large_320_fpn"]

# argv: model, output. Each saves with external data past 1.8 GB (protobuf's limit).
PY_SAVE = r"""
def save(m, out):
    import onnx
    big = m.ByteSize() > 1_800_000_000
    onnx.save(m, out, save_as_external_data=big)
"""
PY_ONNXSIM = PY_SAVE + r"""
import sys, onnx, onnxsim
m, ok = onnxsim.simplify(onnx.load(sys.argv[1]))
save(m, sys.argv[2])
sys.exit(0 if ok else 3)
"""
PY_ONNXSLIM = r"""
import sys, onnxslim
onnxslim.slim(sys.argv[1], sys.argv[2])
"""
PY_ONNXOPTIMIZER = PY_SAVE + r"""
import sys, onnx, onnxoptimizer
save(onnxoptimizer.optimize(onnx.load(sys.argv[1])), sys.argv[2])
"""
# argv: original, rewritten; exit 0 when ORT's outputs agree on random inputs.
PY_SAME_OUTPUTS = r"""
import sys, numpy as np, onnxruntime as ort
def run(path, feeds=None):
    s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    if feeds is None:
        rng = np.random.default_rng(0)
        feeds = {}
        for i in s.get_inputs():
            shape = [d if isinstance(d, int) else 1 for d in i.shape]
            dtype = {"tensor(float)": np.float32, "tensor(int64)": np.int64}[i.type]
            feeds[i.name] = rng.random(shape).astype(dtype)
    return feeds, s.run(None, feeds)
feeds, a = run(sys.argv[1])
_, b = run(sys.argv[2], feeds)
ok = len(a) == len(b) and all(x.shape == y.shape and np.allclose(x, y, rtol=1e-3, atol=1e-4)
                              for x, y in zip(a, b))
sys.exit(0 if ok else 1)
"""


def peers_python(args):
    """The Python of .venv-bench, made and filled from the pinned list when missing or stale."""
    venv = os.path.join(REPO, ".venv-bench")
    py = os.path.join(venv, "bin", "python")
    reqs = os.path.join(REPO, "bench", "requirements-peers.txt")
    stamp = os.path.join(venv, "requirements-peers.txt")
    wanted = open(reqs).read()
    if not os.path.exists(py) or not os.path.exists(stamp) or open(stamp).read() != wanted:
        subprocess.run([args.python, "-m", "venv", venv], check=True)
        subprocess.run([py, "-m", "pip", "install", "-q", "-r", reqs], check=True)
        with open(stamp, "w") as f:
            f.write(wanted)
    return py


def tools(args, py):
    return [
        ("onnxkit", lambda m, o: [args.onnxkit, "simplify", m, "-o", o]),
        ("ORT basic", lambda m, o: [py, "-c", rewrite_bench.PY_ORT_BASIC, m, o, "/dev/null"]),
        ("onnxsim", lambda m, o: [py, "-c", PY_ONNXSIM, m, o]),
        ("onnxslim", lambda m, o: [py, "-c", PY_ONNXSLIM, m, o]),
        ("onnxoptimizer", lambda m, o: [py, "-c", PY_ONNXOPTIMIZER, m, o]),
    ]


def remove_outputs(work):
    for name in os.listdir(work):
        if name.startswith("out-"):
            os.remove(os.path.join(work, name))


def measure_model(args, launcher, py, model, work):
    """{tool: (best Result, node count or None)} and whether onnxkit kept ORT's outputs."""
    results, same = {}, None
    # Outputs go beside the model, as a user simplifying an export writes them: there
    # onnxkit's output keeps referring to the model's weight file instead of copying it (the
    # other tools write the weights again, inline or in their own file).
    work = os.path.dirname(model)
    for label, command in tools(args, py):
        out = os.path.join(work, f"out-{label.replace(' ', '_')}.onnx")
        runs = []
        for _ in range(args.repeat):
            remove_outputs(work)
            runs.append(scale_bench.run_once(launcher, command(model, out), args.timeout))
            if runs[-1].code != 0:
                break
        count = rewrite_bench.count_nodes(py, out) if os.path.exists(out) else None
        if label == "onnxkit" and os.path.exists(out):
            same = subprocess.run([py, "-c", PY_SAME_OUTPUTS, model, out]).returncode == 0
        results[label] = (rewrite_bench.best(runs), count)
        remove_outputs(work)
    return results, same


def weight_bytes(model):
    total = os.path.getsize(model)
    data = model + ".data"
    return total + (os.path.getsize(data) if os.path.exists(data) else 0)


def make_huge_model(folder, gib):
    """MatMuls over float32 weights of 16 GiB each, external in one sparse file, behind the
    Shape → Gather → Concat → Reshape arithmetic an export carries; returns its path."""
    import onnx
    from onnx import TensorProto, helper

    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "huge.onnx")
    data_name = "huge.onnx.data"
    n = 65536
    size = n * n * 4
    count = -(-gib * (1 << 30) // size)
    inits = []
    for i in range(count):
        t = TensorProto(name=f"W{i}", data_type=TensorProto.FLOAT, dims=[n, n])
        t.data_location = TensorProto.EXTERNAL
        for key, value in (("location", data_name), ("offset", i * size), ("length", size)):
            entry = t.external_data.add()
            entry.key, entry.value = key, str(value)
        inits.append(t)
    with open(os.path.join(folder, data_name), "wb") as f:
        f.truncate(count * size)  # sparse: holes read as zeros and take no disk
    nodes = [
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Gather", ["shape", "zero"], ["batch"], axis=0),
        helper.make_node("Unsqueeze", ["batch", "axes0"], ["batch1"]),
        helper.make_node("Concat", ["batch1", "minus_one"], ["target"], axis=0),
        helper.make_node("Reshape", ["x", "target"], ["h0"]),
    ]
    prev = "h0"
    for i in range(count):
        nodes.append(helper.make_node("MatMul", [prev, f"W{i}"], [f"h{i + 1}"]))
        prev = f"h{i + 1}"
    nodes.append(helper.make_node("Identity", [prev], ["y"]))
    consts = [helper.make_tensor("zero", TensorProto.INT64, [], [0]),
              helper.make_tensor("axes0", TensorProto.INT64, [1], [0]),
              helper.make_tensor("minus_one", TensorProto.INT64, [1], [-1])]
    graph = helper.make_graph(
        nodes, "huge", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, n])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=consts + inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    return path, count * size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--onnxkit", default=os.path.join(REPO, "build", "onnxkit"))
    ap.add_argument("--python", default=sys.executable,
                    help="the Python .venv-bench is made from (default: this one)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--models", default="", help="only models whose name contains this")
    ap.add_argument("--huge-gib", type=int, default=100)
    ap.add_argument("--corpus", default=scale_bench.CORPUS_DEFAULT)
    ap.add_argument("--work", default="/tmp/onnxkit-io-bench")
    ap.add_argument("--output", default=os.path.join(REPO, "bench", "results", "simplify.md"))
    args = ap.parse_args()
    args.onnxkit = os.path.abspath(args.onnxkit)
    py = peers_python(args)
    os.makedirs(args.work, exist_ok=True)
    launcher = io_bench.launcher(args.work)
    prepared = io_bench.prepare_corpus(os.path.join(args.corpus, "models"), args.work)
    models = [m for m in prepared
              if os.path.basename(m)[:-len(".onnx")] in MODELS and args.models in m]

    labels = [label for label, _ in tools(args, py)]
    rows, failures, summary = [], [], []
    for model in models:
        name = os.path.basename(model)[:-len(".onnx")]
        print(name, file=sys.stderr)
        results, same = measure_model(args, launcher, py, model, args.work)
        before = rewrite_bench.count_nodes(py, model)
        kit, kit_count = results["onnxkit"]
        ort_run, ort_count = results["ORT basic"]
        for label, (r, _) in results.items():
            if r.code != 0:
                failures.append(f"- {name}: {label}: exit {r.code}")
        if same is False:
            failures.append(f"- {name}: onnxkit's output differs from the original under ORT")
        weights = weight_bytes(model)
        summary.append((name, kit_count, ort_count, kit, ort_run, results["onnxsim"][0],
                        weights))
        row = [name, before]
        row += [results[label][1] if results[label][1] is not None else "–" for label in labels]
        row += [scale_bench.cell(results[label][0], "wall") for label in labels]
        row += [scale_bench.cell(results[label][0], "rss") for label in labels]
        row += [f"{weights / MIB:.0f}", {True: "yes", False: "NO", None: "–"}[same]]
        rows.append(row)

    version, onnx_version, commit, cpu, mem = io_bench.environment(args.onnxkit, py)
    report = []
    emit = lambda line="": report.append(line)  # noqa: E731
    emit("# `onnxkit simplify` against ONNX Runtime's basic optimisation, onnxsim, onnxslim "
         "and onnxoptimizer")
    emit()
    emit(f"{datetime.date.today()}, {version}, commit {commit}; peers pinned in "
         f"bench/requirements-peers.txt; {cpu}, {mem / (1 << 30):.0f} GiB RAM; "
         f"best of {args.repeat}.")
    emit()
    emit("Whole processes (load, optimise, save; outputs written beside the model, where "
         "onnxkit's output keeps referring to the model's weight file): wall time in ms, peak "
         "RSS in MiB. Nodes are the main graph's after each tool. \"same\": onnxkit's output equals the original's "
         "under ONNX Runtime (rtol 1e-3, atol 1e-4) on random inputs.")
    emit()
    header = ["model", "nodes"] + [f"{label} nodes" for label in labels]
    header += [f"{label} ms" for label in labels] + [f"{label} MiB" for label in labels]
    header += ["model MiB", "same"]
    emit(io_bench.table(header, rows))
    emit()
    # The least any simplify takes: the process, its libraries and ONNX's schema registry,
    # with a one-node model.
    tiny = os.path.join(args.corpus, "onnx-backend", "node", "test_relu", "model.onnx")
    tiny_out = os.path.join(args.work, "out-tiny.onnx")
    floor = min((scale_bench.run_once(launcher, [args.onnxkit, "simplify", tiny, "-o", tiny_out],
                                      args.timeout) for _ in range(args.repeat)),
                key=lambda r: r.rss)
    if os.path.exists(tiny_out):
        os.remove(tiny_out)
    emit("## Goals")
    emit()
    emit(f"`onnxkit simplify` of a one-node model (test_relu) peaks at {floor.rss / MIB:.1f} MiB: "
         f"the process, its libraries and ONNX's schema registry. No model smaller than that "
         f"can meet the memory goal; \"above the floor\" is what a model adds to it.")
    emit()
    for name, kit_count, ort_count, kit, ort_run, sim, weights in summary:
        fewer = kit_count is not None and ort_count is not None and kit_count <= ort_count
        faster = kit.code == 0 and ort_run.code == 0 and kit.wall < ort_run.wall
        vs_sim = (f"{sim.wall / kit.wall:.0f}×" if kit.code == 0 and sim.code == 0 else "–")
        below = kit.code == 0 and kit.rss < weights
        emit(f"- {name}: nodes {kit_count} vs ORT {ort_count} ({'met' if fewer else 'NOT met'}); "
             f"{'faster' if faster else 'NOT faster'} than ORT; onnxsim ÷ onnxkit {vs_sim}; "
             f"peak memory {'below' if below else 'NOT below'} the model's size "
             f"({max(kit.rss - floor.rss, 0) / MIB:.1f} MiB above the floor, for "
             f"{weights / MIB:.0f} MiB of weights)")
    emit()
    if args.huge_gib > 0:
        huge, data = make_huge_model(os.path.join(args.work, "huge"), args.huge_gib)
        out = os.path.join(os.path.dirname(huge), "out-huge.onnx")
        r = scale_bench.run_once(launcher, [args.onnxkit, "simplify", huge, "-o", out],
                                 args.timeout)
        after = rewrite_bench.count_nodes(py, out) if os.path.exists(out) else None
        before = rewrite_bench.count_nodes(py, huge)
        if os.path.exists(out):
            os.remove(out)
        emit("## A model with external weights far larger than memory")
        emit()
        emit(f"{data / (1 << 30):.0f} GiB of float32 weights (a sparse file) behind "
             f"Shape/Gather/Unsqueeze/Concat/Reshape: `onnxkit simplify` took "
             f"{scale_bench.cell(r, 'wall')} ms, peak {scale_bench.cell(r, 'rss')} MiB "
             f"(goal < 200 MiB: {'met' if r.code == 0 and r.rss < 200 * MIB else 'NOT met'}), "
             f"nodes {before} → {after}.")
        emit()
        if r.code != 0:
            failures.append(f"- huge: onnxkit exit {r.code}")
    io_bench.finish_report(emit, report, failures, args.output)


if __name__ == "__main__":
    main()
