#!/usr/bin/python3
"""onnxkit I/O against Python onnx: load+save round trip and dump, time and peak memory.

Run with Debian's Python (onnx 1.12, numpy), from anywhere:

    /usr/bin/python3 bench/io_bench.py [--onnxkit build/onnxkit] [--repeat 5]

Every measurement is one child process: its wall time (best of N runs) and its peak resident
set (ru_maxrss from os.wait4). The Python side pays interpreter start-up and `import onnx`
in every run, as a user of a script would; the "start-up" rows show how much that is.

Models: every /work/shared/corpus/models/*.onnx (copied with their weights into the work
folder by the corpus' make-weights script) and a generated model with more than 2 GB of
external data. The table is printed and written to bench/results/io.md.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIB = 1 << 20

# The Python side of each operation: argv[1] is the model, argv[2] the output.
PY_STARTUP = "import onnx"
# Same work as `onnxkit convert M -o OUT`: external references stay references.
PY_ROUNDTRIP = """
import sys, onnx
m = onnx.load(sys.argv[1], load_external_data=False)
onnx.save(m, sys.argv[2])
"""
# The closest thing onnx has to `onnxkit dump`.
PY_DUMP = """
import sys, onnx
m = onnx.load(sys.argv[1], load_external_data=False)
print(onnx.helper.printable_graph(m.graph))
"""
PY_DUMP_WITH_DATA = """
import sys, onnx
m = onnx.load(sys.argv[1])
print(onnx.helper.printable_graph(m.graph))
"""
# Same work as `onnxkit convert M -o OUT --external-data`: every weight read and written to a
# new side file.
PY_ROUNDTRIP_DATA = """
import os, sys, onnx
m = onnx.load(sys.argv[1])
onnx.save_model(m, sys.argv[2], save_as_external_data=True, all_tensors_to_one_file=True,
                location=os.path.basename(sys.argv[2]) + ".data", size_threshold=1024)
"""
# A plain onnx.load + onnx.save of a model whose data is past 2 GB (expected to fail).
PY_ROUNDTRIP_INLINE = """
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.save(m, sys.argv[2])
"""


class Run:
    """One child process: wall seconds, peak RSS in bytes, exit code, stderr tail."""

    def __init__(self, wall, rss, code, err):
        self.wall, self.rss, self.code, self.err = wall, rss, code, err

    @property
    def ok(self):
        return self.code == 0


# Peak RSS needs a small launcher: Linux starts a child's ru_maxrss at the RSS of the process
# that forked it (exec records the old address space's high-water mark), so children forked
# straight from this Python process would all report at least its ~10 MiB. This C launcher
# (about 1 MiB) forks, execs, wait4()s and writes "wall_ns maxrss_kib wait_status".
LAUNCHER_C = r"""
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char** argv) {
  if (argc < 4) return 127;
  long timeout_s = atol(argv[2]);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    if (timeout_s > 0) alarm((unsigned)timeout_s);
    execv(argv[3], argv + 3);
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) return 126;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  FILE* out = fopen(argv[1], "w");
  if (!out) return 125;
  long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  fprintf(out, "%lld %ld %d\n", ns, ru.ru_maxrss, status);
  return fclose(out) == 0 ? 0 : 125;
}
"""
_launcher = None


def launcher(work):
    """Builds the launcher into `work` once; None (fall back to forking from Python) without
    a C compiler."""
    global _launcher
    if _launcher is None:
        src = os.path.join(work, "rusage_launcher.c")
        exe = os.path.join(work, "rusage_launcher")
        cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
        current = os.path.exists(src) and open(src).read() == LAUNCHER_C
        if not (current and os.access(exe, os.X_OK)) and cc:
            with open(src, "w") as f:
                f.write(LAUNCHER_C)
            subprocess.run([cc, "-O2", "-o", exe, src], check=True)
        _launcher = exe if os.access(exe, os.X_OK) else ""
    return _launcher or None


def run_child(cmd, timeout=None):
    """Runs `cmd` (stdin and stdout /dev/null) and returns its wall time and peak RSS."""
    exe = shutil.which(cmd[0]) or cmd[0]
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as result:
        spawn = _launcher
        if spawn:
            subprocess.run([spawn, result.name, str(int(timeout or 0)), exe] + cmd[1:],
                           stdin=subprocess.DEVNULL, stderr=err, check=True)
            ns, kib, status = (int(x) for x in result.read().split())
            wall, rss = ns / 1e9, kib * 1024
        else:
            start = time.perf_counter()
            proc = subprocess.Popen([exe] + cmd[1:], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = 0  # reaped here, not by Popen
            wall, rss = time.perf_counter() - start, usage.ru_maxrss * 1024
        code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode(errors="replace").strip()
    return Run(wall, rss, code, text[-300:])


def measure(cmd, repeat, cleanup=(), timeout=None):
    """Best wall time and largest peak RSS of `repeat` runs; the failed run if one fails."""
    runs = []
    for _ in range(repeat):
        r = run_child(cmd, timeout)
        for path in cleanup:
            for p in (path, path + ".data"):
                if os.path.exists(p):
                    os.remove(p)
        if not r.ok:
            return r
        runs.append(r)
    best = min(runs, key=lambda r: r.wall)
    return Run(best.wall, max(r.rss for r in runs), 0, "")


def has_dump(onnxkit):
    try:
        out = subprocess.run([onnxkit, "dump", "--help"], capture_output=True, text=True,
                             timeout=30)
    except OSError:
        return False
    return out.returncode == 0 and re.search(r"Usage:.*\bdump\b", out.stdout) is not None


# --- Inputs ---------------------------------------------------------------------------------


def prepare_corpus(corpus, work):
    """Copies the corpus models into work/models and writes the large ones' weights."""
    models = os.path.join(work, "models")
    os.makedirs(models, exist_ok=True)
    for path in sorted(glob.glob(os.path.join(corpus, "*.onnx"))):
        dst = os.path.join(models, os.path.basename(path))
        if not os.path.exists(dst) or os.path.getsize(dst) != os.path.getsize(path):
            shutil.copyfile(path, dst)
    subprocess.run([sys.executable, os.path.join(corpus, "make-weights"), models], check=True,
                   stdout=subprocess.DEVNULL)
    return sorted(glob.glob(os.path.join(models, "*.onnx")))


def make_big_model(folder, count, elements):
    """A chain of Adds over `count` float32 initializers of `elements` each, in one side file.

    Written by hand (TensorProto external_data entries + our own data file): onnx cannot
    serialize the tensors inline past 2 GB. Reused when a previous run made the same model.
    """
    import numpy as np
    import onnx
    from onnx import TensorProto, helper

    path = os.path.join(folder, "big.onnx")
    data_name = "big.onnx.data"
    spec = {"count": count, "elements": elements, "version": 1}
    marker = os.path.join(folder, "spec.json")
    if os.path.exists(marker) and os.path.exists(path):
        with open(marker) as f:
            if json.load(f) == spec:
                return path
    os.makedirs(folder, exist_ok=True)
    rows = 8192
    assert elements % rows == 0
    dims = [rows, elements // rows]
    size = elements * 4
    align = 4096
    rng = np.random.default_rng(0)
    initializers = []
    with open(os.path.join(folder, data_name), "wb") as f:
        offset = 0
        for i in range(count):
            padded = (offset + align - 1) // align * align
            f.write(b"\0" * (padded - offset))
            offset = padded
            left = elements
            while left:
                n = min(left, 1 << 24)
                f.write(((rng.random(n, dtype=np.float32) - 0.5) * 0.1).tobytes())
                left -= n
            t = TensorProto(name=f"W{i}", data_type=TensorProto.FLOAT, dims=dims)
            t.data_location = TensorProto.EXTERNAL
            for key, value in (("location", data_name), ("offset", offset), ("length", size)):
                entry = t.external_data.add()
                entry.key, entry.value = key, str(value)
            initializers.append(t)
            offset += size
    nodes, prev = [], "x"
    for i in range(count):
        out = "y" if i == count - 1 else f"add{i}"
        nodes.append(helper.make_node("Add", [prev, f"W{i}"], [out], name=f"/add{i}/Add"))
        prev = out
    graph = helper.make_graph(nodes, "big_external",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, dims)],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, dims)],
                              initializer=initializers)
    model = helper.make_model(graph, producer_name="onnxkit-bench",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    onnx.checker.check_model(path)  # by path: external data resolves next to the model
    with open(marker, "w") as f:
        json.dump(spec, f)
    return path


def data_bytes(model):
    side = model + ".data"
    return os.path.getsize(side) if os.path.exists(side) else 0


# --- Formatting -----------------------------------------------------------------------------


def ms(r):
    return f"{r.wall * 1000:.1f}" if r.ok else "error"


def mib(r):
    return f"{r.rss / MIB:.1f}" if r.ok else "error"


def ratio(a, b, attr):
    """b / a: how many times more time or memory onnx (b) took than onnxkit (a)."""
    if a is None or b is None or not a.ok or not b.ok:
        return "–"
    return f"{getattr(b, attr) / getattr(a, attr):.1f}×"


def table(header, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    right = [i > 0 for i in range(len(header))]

    def line(cells):
        out = []
        for c, w, r in zip(cells, widths, right):
            out.append(str(c).rjust(w) if r else str(c).ljust(w))
        return "| " + " | ".join(out) + " |"

    sep = "|" + "|".join(("-" * (w + 1) + ":") if r else ("-" * (w + 2))
                         for w, r in zip(widths, right)) + "|"
    return "\n".join([line(header), sep] + [line(r) for r in rows])


def geomean(values):
    values = [v for v in values if v > 0]
    return statistics.geometric_mean(values) if values else float("nan")


def errors_of(results):
    lines = []
    for label, r in results:
        if r is not None and not r.ok:
            lines.append(f"- {label}: exit {r.code}: {r.err.splitlines()[-1] if r.err else ''}")
    return lines


# --- Main -----------------------------------------------------------------------------------


def environment(onnxkit, py):
    """What a report's header names: onnxkit's and onnx's versions, the commit, CPU, RAM."""
    # --version names the ONNX library on a second line: one header line for both.
    version = subprocess.run([onnxkit, "--version"], capture_output=True, text=True).stdout
    version = version.strip().replace("\n", ", ")
    onnx_version = subprocess.run([py, "-c", "import onnx; print(onnx.__version__)"],
                                  capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip()
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), platform.processor())
    mem = next((int(l.split()[1]) * 1024 for l in open("/proc/meminfo")
                if l.startswith("MemTotal")), 0)
    return version, onnx_version, commit, cpu, mem


def finish_report(emit, report, failures, output):
    """Ends a report with its failures (if any) and writes it to `output` (shared by the
    benchmarks)."""
    if failures:
        emit("## Failures")
        emit()
        for line in failures:
            emit(line)
        emit()
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w") as f:
        f.write("\n".join(report))
    print(f"written: {output}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--onnxkit", default=os.path.join(REPO, "build", "onnxkit"),
                    help="the onnxkit binary (default: build/onnxkit)")
    ap.add_argument("--python", default="/usr/bin/python3",
                    help="Python with onnx for the reference side (default: /usr/bin/python3)")
    ap.add_argument("--corpus", default=os.path.join(REPO, "..", "shared", "corpus", "models"))
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "onnxkit-io-bench"),
                    help="folder for model copies, weights, the big model and outputs")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement (best is kept)")
    ap.add_argument("--big-repeat", type=int, default=3, help="runs per big-model measurement")
    ap.add_argument("--big-tensors", type=int, default=5, help="initializers in the big model")
    ap.add_argument("--big-elements", type=int, default=1 << 27,
                    help="float32 elements per big initializer (default 2^27 = 512 MiB)")
    ap.add_argument("--no-big", action="store_true", help="skip the model past 2 GB")
    ap.add_argument("--models", default="", help="only corpus models whose name contains this")
    ap.add_argument("--output", default=os.path.join(REPO, "bench", "results", "io.md"))
    args = ap.parse_args()

    onnxkit = os.path.abspath(args.onnxkit)
    if not os.access(onnxkit, os.X_OK):
        sys.exit(f"io_bench: {onnxkit}: not an executable (build first, or pass --onnxkit)")
    dump = has_dump(onnxkit)
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    launcher(work)
    py = args.python
    n = args.repeat
    report = []

    def emit(text=""):
        print(text, flush=True)
        report.append(text)

    version, onnx_version, commit, cpu, mem = environment(onnxkit, py)

    emit("# onnxkit I/O benchmark")
    emit()
    emit(f"{datetime.date.today()} · {version} (commit {commit or '?'}) · Python onnx "
         f"{onnx_version} · {cpu}, {os.cpu_count()} cores, {mem / (1 << 30):.0f} GiB RAM")
    emit()
    startup_kit = measure([onnxkit, "--version"], max(n, 10))
    startup_py = measure([py, "-c", PY_STARTUP], max(n, 10))
    floor = measure(["true"], 3)
    how = ("a small C launcher's wait4()" if _launcher else
           "os.wait4() from this Python process, which sets a floor of its own RSS")
    emit(f"Each cell is one child process: wall time, best of {n} runs (warm page cache), and "
         f"peak RSS (ru_maxrss from {how}; largest of the runs; `true` shows "
         f"{floor.rss / MIB:.1f} MiB). Ratios are onnx ÷ onnxkit: above 1× onnxkit is faster "
         "or smaller. Python runs include interpreter start-up and `import onnx` (the "
         "start-up row; \"onnx − start-up\" subtracts it). Produced by `bench/io_bench.py`.")
    emit()

    def net(r, base):
        return f"{(r.wall - base.wall) * 1000:.1f}" if r.ok and base.ok else "error"

    load_before = os.getloadavg()[0]

    models = prepare_corpus(os.path.abspath(args.corpus), work)
    if args.models:
        models = [m for m in models if args.models in os.path.basename(m)]

    rt_rows, dump_rows, failures = [], [], []
    rt_ratios, dump_ratios = [], []
    for model in models:
        name = os.path.basename(model)
        # Outputs go next to the model so that kept external references still resolve.
        out = os.path.join(os.path.dirname(model), ".bench-out-" + name)
        size = (os.path.getsize(model) + data_bytes(model)) / MIB
        # Python's start-up again, in the same time window as this model's runs, so that the
        # difference to it follows the machine's load.
        base = measure([py, "-c", PY_STARTUP], n)
        kit = measure([onnxkit, "convert", model, "-o", out], n, cleanup=[out])
        ref = measure([py, "-c", PY_ROUNDTRIP, model, out], n, cleanup=[out])
        if kit.ok and ref.ok:
            rt_ratios.append(ref.wall / kit.wall)
        rt_rows.append([name, f"{size:.1f}", ms(kit), ms(ref), net(ref, base),
                        ratio(kit, ref, "wall"), mib(kit), mib(ref), ratio(kit, ref, "rss")])
        failures += errors_of([(f"convert {name}", kit), (f"onnx round trip {name}", ref)])
        kd = measure([onnxkit, "dump", model], n) if dump else None
        rd = measure([py, "-c", PY_DUMP, model], n)
        if kd is not None and kd.ok and rd.ok:
            dump_ratios.append(rd.wall / kd.wall)
        dump_rows.append([name, f"{size:.1f}", ms(kd) if kd else "n/a", ms(rd), net(rd, base),
                          ratio(kd, rd, "wall"), mib(kd) if kd else "n/a", mib(rd),
                          ratio(kd, rd, "rss")])
        failures += errors_of([(f"dump {name}", kd), (f"onnx printable_graph {name}", rd)])
        print(f"  {name}: done", file=sys.stderr, flush=True)

    startup = ["start-up (`--version` / `import onnx`)", "", ms(startup_kit), ms(startup_py),
               "", ratio(startup_kit, startup_py, "wall"), mib(startup_kit), mib(startup_py),
               ratio(startup_kit, startup_py, "rss")]
    emit("## Round trip: `onnxkit convert M -o OUT` vs `onnx.load(M, load_external_data=False)` "
         "+ `onnx.save`")
    emit()
    emit("Both keep external data as references. Size = model file + weights side file.")
    emit()
    header = ["model", "MiB", "onnxkit ms", "onnx ms", "onnx − start-up", "time ratio",
              "onnxkit MiB RSS", "onnx MiB RSS", "RSS ratio"]
    emit(table(header, rt_rows + [startup]))
    emit()
    emit(f"Geometric mean of the time ratio over {len(rt_ratios)} models: "
         f"{geomean(rt_ratios):.1f}×.")
    emit()
    emit("## Dump: `onnxkit dump M` vs `onnx.load(M, load_external_data=False)` + "
         "`print(onnx.helper.printable_graph(m.graph))`")
    emit()
    if not dump:
        emit(f"`{onnxkit}` has no `dump` subcommand yet: only the onnx side was measured.")
        emit()
    emit(table(header, dump_rows + [startup]))
    emit()
    if dump_ratios:
        emit(f"Geometric mean of the time ratio over {len(dump_ratios)} models: "
             f"{geomean(dump_ratios):.1f}×.")
        emit()

    if not args.no_big:
        big_dir = os.path.join(work, "big")
        t0 = time.perf_counter()
        big = make_big_model(big_dir, args.big_tensors, args.big_elements)
        print(f"  big model ready in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        weights = data_bytes(big)
        out = os.path.join(big_dir, ".bench-out.onnx")
        m = args.big_repeat
        rows = []

        def row(label, kit, ref):
            rows.append([label, ms(kit) if kit else "n/a", ms(ref), ratio(kit, ref, "wall"),
                         mib(kit) if kit else "n/a", mib(ref), ratio(kit, ref, "rss")])
            failures.extend(errors_of([(f"big: {label} (onnxkit)", kit),
                                       (f"big: {label} (onnx)", ref)]))

        kit_keep = measure([onnxkit, "convert", big, "-o", out], m, cleanup=[out])
        ref_keep = measure([py, "-c", PY_ROUNDTRIP, big, out], m, cleanup=[out])
        row("round trip, references kept: `convert -o` / `load(load_external_data=False)` + "
            "`save`", kit_keep, ref_keep)
        kit_data = measure([onnxkit, "convert", big, "-o", out, "--external-data"], m,
                           cleanup=[out])
        ref_data = measure([py, "-c", PY_ROUNDTRIP_DATA, big, out], m, cleanup=[out])
        row("round trip, weights rewritten to a new side file: `convert --external-data` / "
            "`load` + `save_model(save_as_external_data=True)`", kit_data, ref_data)
        kit_dump = measure([onnxkit, "dump", big], m) if dump else None
        ref_dump = measure([py, "-c", PY_DUMP, big], m)
        row("dump: `dump` / `load(load_external_data=False)` + `printable_graph`", kit_dump,
            ref_dump)
        ref_dump_data = measure([py, "-c", PY_DUMP_WITH_DATA, big], m)
        row("dump: `dump` / `load` (with data) + `printable_graph`", kit_dump, ref_dump_data)
        # A plain load + save of the whole model cannot work past protobuf's 2 GB limit; run it
        # once to show how it fails.
        inline = run_child([py, "-c", PY_ROUNDTRIP_INLINE, big, out], timeout=600)
        for p in (out, out + ".data"):
            if os.path.exists(p):
                os.remove(p)

        emit(f"## A model past 2 GB: {args.big_tensors} float32 initializers of "
             f"{args.big_elements * 4 / MIB:.0f} MiB = {weights / (1 << 30):.2f} GiB "
             "of external data")
        emit()
        emit(f"Best of {m} runs. The model file itself is {os.path.getsize(big) / 1024:.1f} KiB.")
        emit()
        emit(table(["operation", "onnxkit ms", "onnx ms", "time ratio", "onnxkit MiB RSS",
                    "onnx MiB RSS", "RSS ratio"], rows))
        emit()
        if not dump:
            emit("`onnxkit dump` is not in this binary yet: its rows show only the onnx side.")
        else:
            emit(f"onnxkit dump peak RSS {mib(kit_dump)} MiB for {weights / MIB:.0f} MiB of "
                 "weights.")
        emit()
        last = inline.err.splitlines()[-1] if inline.err else ""
        if inline.ok:
            emit(f"Plain `onnx.load` + `onnx.save` (inline) worked: {ms(inline)} ms, "
                 f"{mib(inline)} MiB RSS.")
        else:
            emit(f"Plain `onnx.load` + `onnx.save` (all data inline) is impossible past 2 GB: it "
                 f"fails after {inline.wall:.1f} s and {inline.rss / MIB:.0f} MiB with `{last}`")
        emit()
        emit("Note: ru_maxrss counts the pages of memory-mapped files that a process touched, "
             "so an onnxkit run that reads every weight through its mapping reports about the "
             "weights' size even though those pages are page cache, not heap.")
        emit()

    load_after = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    busy = max(load_before, load_after) > 0.5 * cores
    emit(f"Load average (1 min): {load_before:.1f} when the corpus runs began, {load_after:.1f} "
         f"at the end, on {cores} cores." +
         (" Other work was running: wall times are noisy (RSS is not)." if busy else ""))
    emit()

    finish_report(emit, report, failures, args.output)


if __name__ == "__main__":
    main()
