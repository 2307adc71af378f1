#!/usr/bin/env python3
"""ONNX Runtime as the tests' numeric oracle: does a rewritten model compute what the
original computes?

    ort_oracle.py [--seed N] [--runs N] [--rtol R] [--atol A] [--dim-size K] [--dim NAME=SIZE ...]
                  [--input NAME=V,V,... ...] ORIGINAL REWRITTEN [REWRITTEN ...]

Inputs are generated from ORIGINAL's graph inputs (those without a default; seeded, so a run
is repeatable): symbolic or unknown dims get a small fixed size (the same symbol the same
size), floats come from a standard normal, integers from [0, 4) (small enough to be a valid
index or count in most graphs), bools and strings at random; --input gives an input's values
outright. ORIGINAL and every REWRITTEN
model run on the CPU with every ONNX Runtime graph optimisation disabled, so that the runtime
does not rewrite away the very differences being looked for. Every output of ORIGINAL is
compared by name: same element type, same shape, values within rtol/atol (floats; NaN equals
NaN) or equal (everything else); sequences, maps and optionals element by element.

Exit status: 0 every REWRITTEN model matches; 1 some does not (or fails to load or run);
77 ORIGINAL itself cannot be run here (an operator or type ONNX Runtime lacks, a random
operator, an input that cannot be generated): the comparison is skipped, with the reason;
2 usage errors. The report (stdout) names each model, output and the largest difference.
"""
import argparse
import sys

import numpy as np

SKIP = 77

# Operators whose outputs differ from run to run: two runs cannot be compared.
RANDOM_OPS = {"RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
              "Multinomial", "Bernoulli", "Dropout"}

NUMPY_TYPES = {
    "tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(float16)": np.float16,
    "tensor(int8)": np.int8, "tensor(int16)": np.int16, "tensor(int32)": np.int32,
    "tensor(int64)": np.int64, "tensor(uint8)": np.uint8, "tensor(uint16)": np.uint16,
    "tensor(uint32)": np.uint32, "tensor(uint64)": np.uint64, "tensor(bool)": np.bool_,
    "tensor(string)": np.str_,
}


class Skip(Exception):
    """ORIGINAL cannot serve as the reference."""


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("original")
    p.add_argument("rewritten", nargs="+")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--runs", type=int, default=1,
                   help="input sets to compare on, seeded SEED, SEED+1, ... (default 1)")
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--atol", type=float, default=1e-5)
    p.add_argument("--dim-size", type=int, default=2,
                   help="size of symbolic and unknown dims (default 2)")
    p.add_argument("--dim", action="append", default=[], metavar="NAME=SIZE",
                   help="size of the symbolic dim NAME")
    p.add_argument("--input", action="append", default=[], metavar="NAME=V,V,...",
                   help="the values of input NAME (for a graph that needs particular values, "
                        "such as Resize scales), reshaped to its shape")
    args = p.parse_args(argv)
    args.values = {}
    for item in args.input:
        name, sep, values = item.partition("=")
        try:
            args.values[name] = [float(v) for v in values.split(",")]
        except ValueError:
            sep = ""
        if not sep:
            p.error(f"--input {item}: expected NAME=V,V,...")
    sizes = {}
    for item in args.dim:
        name, sep, size = item.partition("=")
        if not sep or not size.isdigit():
            p.error(f"--dim {item}: expected NAME=SIZE")
        sizes[name] = int(size)
    args.dim_sizes = sizes
    return args


def constant_zero(graph, name):
    """Whether `name` is a constant of zeros (false) that `graph` defines (an initializer or a
    Constant)."""
    from onnx import numpy_helper
    for init in graph.initializer:
        if init.name == name and init.data_location != 1:
            return not numpy_helper.to_array(init).any()
    for node in graph.node:
        if node.op_type == "Constant" and list(node.output) == [name]:
            for attr in node.attribute:
                if attr.name == "value" and attr.HasField("t"):
                    return not numpy_helper.to_array(attr.t).any()
    return False


def random_ops_in(path):
    """The random operators ORIGINAL uses (main graph, sub-graphs and functions)."""
    import onnx
    model = onnx.load(path, load_external_data=False)
    found = set()

    def visit(graph):
        for node in graph.node:
            if node.op_type in RANDOM_OPS and node.domain in ("", "ai.onnx"):
                # Dropout is the identity unless training_mode may be true and ratio (0.5
                # by default) may be other than 0.
                training = node.input[2] if len(node.input) >= 3 else ""
                ratio = node.input[1] if len(node.input) >= 2 else ""
                random = (training and not constant_zero(graph, training) and
                          not (ratio and constant_zero(graph, ratio)))
                if node.op_type != "Dropout" or random:
                    found.add(node.op_type)
            for attr in node.attribute:
                if attr.HasField("g"):
                    visit(attr.g)
                for g in attr.graphs:
                    visit(g)
    visit(model.graph)
    for fn in model.functions:
        visit(fn)
    return found


def session(path):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(path, sess_options=options, providers=["CPUExecutionProvider"])


def generate_inputs(sess, args, seed):
    rng = np.random.default_rng(seed)
    feeds = {}
    for inp in sess.get_inputs():
        dtype = NUMPY_TYPES.get(inp.type)
        if dtype is None:
            raise Skip(f"input '{inp.name}' has type {inp.type}, which the oracle cannot generate")
        shape = []
        for d in inp.shape or []:
            if isinstance(d, int) and d >= 0:
                shape.append(d)
            elif isinstance(d, str) and d in args.dim_sizes:
                shape.append(args.dim_sizes[d])
            else:
                shape.append(args.dim_size)
        if inp.name in args.values:
            feeds[inp.name] = np.array(args.values[inp.name], dtype=dtype).reshape(shape)
        elif dtype == np.str_:
            feeds[inp.name] = rng.choice(["a", "bc", "def", ""], size=shape).astype(object)
        elif dtype == np.bool_:
            feeds[inp.name] = rng.random(shape) < 0.5
        elif np.issubdtype(dtype, np.integer):
            feeds[inp.name] = rng.integers(0, 4, size=shape).astype(dtype)
        else:
            feeds[inp.name] = rng.standard_normal(shape).astype(dtype)
        feeds[inp.name] = np.asarray(feeds[inp.name])  # a scalar stays an array of rank 0
    return feeds


def run(path, runs):
    """The outputs of the model at `path`, by name, for each set of inputs in `runs`."""
    sess = session(path)
    names = [o.name for o in sess.get_outputs()]
    return [dict(zip(names, sess.run(names, feeds))) for feeds in runs]


def dense(value):
    """A sparse tensor output (ONNX Runtime's own object) as a dense numpy array; anything
    else unchanged."""
    if not hasattr(value, "dense_shape") or not hasattr(value, "get_coo_data"):
        return value
    out = np.zeros(value.dense_shape(), dtype=value.values().dtype)
    indices = np.asarray(value.get_coo_data().indices())
    if indices.ndim == 1:
        out.reshape(-1)[indices] = value.values()
    else:
        out[tuple(indices.T)] = value.values()
    return out


def difference(expected, actual, rtol, atol, where):
    """None when `actual` matches `expected`, else a sentence saying how it does not."""
    expected, actual = dense(expected), dense(actual)
    if expected is None or actual is None:
        return None if expected is None and actual is None else f"{where}: one is None"
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{where}: a sequence of {len(expected)} became {type(actual).__name__}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            why = difference(e, a, rtol, atol, f"{where}[{i}]")
            if why:
                return why
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or sorted(actual) != sorted(expected):
            return f"{where}: map keys differ"
        for k in expected:
            why = difference(expected[k], actual[k], rtol, atol, f"{where}[{k!r}]")
            if why:
                return why
        return None
    e, a = np.asarray(expected), np.asarray(actual)
    if e.dtype != a.dtype:
        return f"{where}: element type {e.dtype} became {a.dtype}"
    if e.shape != a.shape:
        return f"{where}: shape {list(e.shape)} became {list(a.shape)}"
    if np.issubdtype(e.dtype, np.inexact):
        if np.allclose(a, e, rtol=rtol, atol=atol, equal_nan=True):
            return None
        with np.errstate(invalid="ignore"):
            diff = np.nanmax(np.abs(a.astype(np.float64) - e.astype(np.float64)))
        return f"{where}: values differ (largest difference {diff:g}, rtol {rtol:g}, atol {atol:g})"
    if np.array_equal(a, e):
        return None
    return f"{where}: {int(np.sum(a != e))} of {e.size} elements differ"


def main(argv):
    args = parse_args(argv)
    try:
        randoms = random_ops_in(args.original)
        if randoms:
            raise Skip(f"it uses random operators ({', '.join(sorted(randoms))})")
        try:
            reference_session = session(args.original)
        except Exception as e:  # ORT's own exception types
            raise Skip(f"ONNX Runtime cannot load it: {str(e).strip().splitlines()[0]}")
        runs = [generate_inputs(reference_session, args, args.seed + i) for i in range(args.runs)]
        del reference_session
        try:
            expected = run(args.original, runs)
        except Exception as e:
            raise Skip(f"ONNX Runtime cannot run it: {str(e).strip().splitlines()[0]}")
    except Skip as skip:
        print(f"SKIP {args.original}: {skip}")
        return SKIP
    shapes = ", ".join(f"{k}{list(np.shape(v))}" for k, v in runs[0].items())
    print(f"reference {args.original}: {len(runs)} run(s), inputs {shapes or 'none'}; "
          f"outputs {', '.join(expected[0])}")

    failed = 0
    for path in args.rewritten:
        try:
            actual = run(path, runs)
        except Exception as e:
            print(f"FAIL {path}: ONNX Runtime cannot run it: {str(e).strip().splitlines()[0]}")
            failed += 1
            continue
        problems = []
        for i, (want, got) in enumerate(zip(expected, actual)):
            at = f" (run {i}, seed {args.seed + i})" if len(runs) > 1 else ""
            for name, value in want.items():
                if name not in got:
                    problems.append(f"output '{name}' is missing")
                    continue
                why = difference(value, got[name], args.rtol, args.atol, f"output '{name}'")
                if why:
                    problems.append(why + at)
            problems += [f"output '{name}' is new" for name in got if name not in want]
            if problems:
                break
        if problems:
            failed += 1
            print(f"FAIL {path}:")
            for p in problems:
                print(f"  {p}")
        else:
            print(f"ok   {path}: {len(expected[0])} outputs match")
    print(f"{len(args.rewritten) - failed} of {len(args.rewritten)} rewritten models match")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
