#!/usr/bin/python3
"""How onnxkit's commands scale with the model: time and peak memory per command on large
and crafted models, and a growth check (5x the nodes must cost less than 6x the time).

Run with Debian's Python (onnx 1.12), from anywhere:

    /usr/bin/python3 bench/scale_bench.py [--onnxkit build/onnxkit] [--baseline OLD/onnxkit]

Models (generated once into --work, except the corpus one):
  - dag_10k: <corpus>/valid-edge/large_graph_10k.onnx (--corpus, default
    ../shared/corpus); dag_50k: the same recipe with
    50,000 nodes (Add/Relu/Identity on [1,8], every third node an Add that also reads the
    value seven nodes back);
  - chain_200k, chain_1m: Relu chains with long value names (the 1M one is about 26 MB);
  - functions_4k, functions_20k: chains of local functions, each calling the next;
  - value_info_100k: a 100,000-node chain whose every value is declared twice in value_info
    with types that differ (crafted: conflicting declarations).

Commands: check, dump (text and JSON), info, infer-shapes (-o into the work folder). Each is
a separate child process (io_bench's C launcher: wall time and ru_maxrss of the child alone;
CPU time from wait4), best of --repeat runs. The growth check compares CPU time. With --baseline the same runs are made with another onnxkit binary
(e.g. the commit before a change) and shown beside them: "before" and "after" (--label
names --onnxkit's columns). A run past --timeout seconds of CPU time is stopped and shown as
"timeout". Writes bench/results/scale.md.
"""
import argparse
import datetime
import os
import resource
import signal
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import io_bench  # noqa: E402  (launcher, run_child, table, environment, report writer)

REPO = io_bench.REPO
# The corpus sits beside the project (../shared/corpus); a worktree elsewhere passes --corpus.
CORPUS_DEFAULT = os.path.join(os.path.dirname(REPO), "shared", "corpus")
MIB = io_bench.MIB

# (name, how to make it, node count); pairs whose second has 5x the nodes of the first.
MODELS = [
    ("dag_10k", None, 10_000),
    ("dag_50k", "dag", 50_000),
    ("chain_200k", "chain", 200_000),
    ("chain_1m", "chain", 1_000_000),
    ("functions_4k", "functions", 4_000),
    ("functions_20k", "functions", 20_000),
    ("value_info_100k", "value_info", 100_000),
]
GROWTH_PAIRS = [("dag_10k", "dag_50k"), ("chain_200k", "chain_1m"),
                ("functions_4k", "functions_20k")]
COMMANDS = {
    "check": lambda m, out: ["check", m],
    "dump": lambda m, out: ["dump", m],
    "dump json": lambda m, out: ["dump", "--format=json", m],
    "info": lambda m, out: ["info", m],
    "infer-shapes": lambda m, out: ["infer-shapes", m, "-o", out],
}


def make_dag(path, count):
    from onnx import TensorProto, helper
    nodes, names = [], ["x"]
    for i in range(count):
        out = f"n{i}"
        if i % 3 == 2 and len(names) > 7:
            nodes.append(helper.make_node("Add", [names[-1], names[-8]], [out]))
        else:
            nodes.append(helper.make_node("Relu" if i % 3 == 0 else "Identity", [names[-1]], [out]))
        names.append(out)
    save(path, nodes, [tensor("x")], [tensor(names[-1])], opsets={"": 13})


def make_chain(path, count):
    from onnx import helper
    nodes = [helper.make_node("Relu", [f"/layers.{i - 1}/Relu_output_0" if i else "x"],
                              [f"/layers.{i}/Relu_output_0"], name=f"/layers.{i}/Relu")
             for i in range(count)]
    save(path, nodes, [tensor("x")], [tensor(f"/layers.{count - 1}/Relu_output_0")],
         opsets={"": 17})


def make_functions(path, count):
    from onnx import helper
    functions = []
    for i in range(count):
        callee = helper.make_node(f"f{i + 1}", ["x"], ["y"], domain="local") if i + 1 < count \
            else helper.make_node("Relu", ["x"], ["y"])
        functions.append(helper.make_function("local", f"f{i}", ["x"], ["y"], [callee],
                                              [helper.make_opsetid("", 17),
                                               helper.make_opsetid("local", 1)]))
    nodes = [helper.make_node("f0", ["x"], ["y"], domain="local")]
    save(path, nodes, [tensor("x")], [tensor("y")], opsets={"": 17, "local": 1},
         functions=functions)


def make_value_info(path, count):
    from onnx import TensorProto, helper
    nodes = [helper.make_node("Relu", [f"v{i - 1}" if i else "x"], [f"v{i}"]) for i in range(count)]
    value_info = []
    for i in range(count - 1):
        value_info.append(helper.make_tensor_value_info(f"v{i}", TensorProto.FLOAT, [8]))
        value_info.append(helper.make_tensor_value_info(f"v{i}", TensorProto.DOUBLE, [8]))
    save(path, nodes, [tensor("x")], [tensor(f"v{count - 1}")], opsets={"": 17},
         value_info=value_info)


def tensor(name):
    from onnx import TensorProto, helper
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, 8])


def save(path, nodes, inputs, outputs, opsets, functions=(), value_info=()):
    import onnx
    from onnx import helper
    graph = helper.make_graph(nodes, "g", inputs, outputs, value_info=list(value_info))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(d, v)
                                                    for d, v in opsets.items()],
                              functions=list(functions))
    model.ir_version = 8
    onnx.save(model, path + ".tmp")
    os.replace(path + ".tmp", path)


MAKERS = {"dag": make_dag, "chain": make_chain, "functions": make_functions,
          "value_info": make_value_info}


def model_path(corpus, work, name, maker, count):
    if maker is None:
        return os.path.join(corpus, "valid-edge", "large_graph_10k.onnx")
    path = os.path.join(work, name + ".onnx")
    if not os.path.exists(path):
        print(f"generating {name} ({count:,} nodes)", file=sys.stderr)
        MAKERS[maker](path, count)
    return path


class Result:
    """One command: wall and CPU seconds (best run), peak RSS bytes (largest run), exit code."""

    def __init__(self, wall, cpu, rss, code):
        self.wall, self.cpu, self.rss, self.code = wall, cpu, rss, code


def limit_cpu(seconds):
    """A CPU-time limit for the child (inherited through the launcher): unlike a wall-clock
    alarm it does not fire early because other processes share the machine."""
    def apply():
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    return apply


def run_once(launcher, cmd, timeout):
    """Runs `cmd` under io_bench's launcher (stdout to /dev/null; wall time and the child's own
    peak RSS) and takes the CPU time from wait4 on the launcher: Linux reports a process's
    usage together with that of the children it waited for, and the launcher itself uses
    next to none. CPU time is what the growth check compares: on a shared machine, wall time
    also measures the other processes."""
    with tempfile.NamedTemporaryFile("r") as result:
        proc = subprocess.Popen([launcher, result.name, "0", cmd[0]] + cmd[1:],
                                stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                preexec_fn=limit_cpu(int(timeout)))
        _, _, usage = os.wait4(proc.pid, 0)
        proc.returncode = 0  # reaped here
        ns, kib, status = (int(x) for x in result.read().split())
    return Result(ns / 1e9, usage.ru_utime + usage.ru_stime, kib * 1024,
                  os.waitstatus_to_exitcode(status))


def measure(launcher, onnxkit, args, repeat, timeout, out, ok_codes):
    runs = []
    for _ in range(repeat):
        r = run_once(launcher, [onnxkit] + args, timeout)
        if os.path.exists(out):
            os.remove(out)
        if r.code not in ok_codes:
            return r
        runs.append(r)
    return Result(min(r.wall for r in runs), min(r.cpu for r in runs), max(r.rss for r in runs),
                  0)


def cell(r, attr):
    if r is None:
        return "–"
    if r.code != 0:
        return "timeout" if r.code in (-signal.SIGXCPU, -signal.SIGKILL) else f"exit {r.code}"
    if attr == "rss":
        return f"{r.rss / MIB:.1f}"
    return f"{getattr(r, attr) * 1000:.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--onnxkit", default=os.path.join(REPO, "build", "onnxkit"))
    ap.add_argument("--baseline", help="another onnxkit binary, measured as 'before'")
    ap.add_argument("--label", default="after", help="what to call --onnxkit's columns")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline-repeat", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=120, help="CPU seconds a run may take")
    ap.add_argument("--models", default="", help="only models whose name contains this")
    ap.add_argument("--note", default="", help="a sentence for the report's header (e.g. "
                    "which commits 'before' and 'after' are)")
    ap.add_argument("--corpus", default=CORPUS_DEFAULT)
    ap.add_argument("--work", default="/tmp/onnxkit-scale-bench")
    ap.add_argument("--output", default=os.path.join(REPO, "bench", "results", "scale.md"))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    launcher = io_bench.launcher(args.work)
    if not launcher:
        sys.exit("scale_bench needs a C compiler (cc) for io_bench's launcher")
    out = os.path.join(args.work, "out.onnx")

    binaries = [(args.label, os.path.abspath(args.onnxkit), args.repeat)]
    if args.baseline:
        binaries.insert(0, ("before", os.path.abspath(args.baseline), args.baseline_repeat))
    results = {}  # (label, model, command) -> Run
    models = [m for m in MODELS if args.models in m[0]]
    for name, maker, count in models:
        path = model_path(args.corpus, args.work, name, maker, count)
        for command, argv in COMMANDS.items():
            for label, exe, repeat in binaries:
                # check exits 1 on a model with errors (value_info_100k): a result.
                ok_codes = (0, 1) if command == "check" else (0,)
                r = measure(launcher, exe, argv(path, out), repeat, args.timeout, out, ok_codes)
                results[(label, name, command)] = r
                print(f"{label:6} {name:16} {command:13} {cell(r, 'wall'):>9} ms "
                      f"{cell(r, 'cpu'):>9} ms CPU {cell(r, 'rss'):>8} MiB", file=sys.stderr)

    version, _, commit, cpu, mem = io_bench.environment(args.onnxkit, sys.executable)
    report = []
    emit = lambda line="": report.append(line)  # noqa: E731
    emit("# onnxkit scaling benchmark")
    emit()
    emit(f"{datetime.date.today()} · {version} (commit {commit}) · {cpu}, {os.cpu_count()} "
         f"cores, {mem / (1 << 30):.0f} GiB RAM")
    emit()
    emit("Whole `onnxkit` processes, one per run: wall time and CPU time (user + system; best "
         "of the runs) and peak RSS (ru_maxrss of the child alone, largest of the runs). On a "
         "shared machine wall time also measures the other processes; CPU time does not, and "
         "the growth check uses it. Produced by `bench/scale_bench.py`"
         + (f"; **before** is `{os.path.relpath(args.baseline, REPO)}`" if args.baseline else "")
         + f". `timeout`: stopped after {args.timeout} s of CPU time.")
    emit()
    if args.note:
        emit(args.note)
        emit()
    labels = [label for label, _, _ in binaries]
    header = ["model", "nodes", "command"]
    for label in labels:
        header += [f"{label} ms", f"{label} CPU ms", f"{label} MiB"]
    rows = []
    for name, _, count in models:
        for command in COMMANDS:
            row = [name, f"{count:,}", command]
            for label in labels:
                r = results.get((label, name, command))
                row += [cell(r, "wall"), cell(r, "cpu"), cell(r, "rss")]
            rows.append(row)
    emit(io_bench.table(header, rows))
    emit()
    emit("## Growth: 5x the nodes must cost less than 6x the (CPU) time")
    emit()
    header = ["pair", "command"] + [f"{label} CPU ratio" for label in labels] + ["< 6×"]
    rows, failures = [], []
    names = {m[0] for m in models}
    for small, large in GROWTH_PAIRS:
        if small not in names or large not in names:
            continue
        for command in COMMANDS:
            row = [f"{small} → {large}", command]
            verdict = "–"
            for label in labels:
                a = results.get((label, small, command))
                b = results.get((label, large, command))
                if a is not None and b is not None and a.code == 0 and b.code == 0:
                    growth = b.cpu / a.cpu
                    row.append(f"{growth:.1f}×")
                    if label == args.label:
                        verdict = "yes" if growth < 6 else "**no**"
                else:
                    row.append("–")
            row.append(verdict)
            if verdict == "**no**":
                failures.append(f"- growth {small} → {large}, {command}: {row[-2]}")
            rows.append(row)
    emit(io_bench.table(header, rows))
    emit()
    io_bench.finish_report(emit, report, failures, args.output)


if __name__ == "__main__":
    main()
