#!/usr/bin/env python3
"""ONNX Runtime as the oracle of a cut: does a piece cut out of a model compute what the
whole model computes, when fed the whole model's values of the cut tensors?

    cut_oracle.py [--seed N] [--rtol R] [--atol A] FULL PART

FULL is the whole model with the cut tensors among its outputs (onnxkit add-output); PART
is a sub-model of it (onnxkit extract). FULL runs on seeded inputs (floats from a standard
normal; every dim must be fixed); PART is fed, for each of its inputs, FULL's output or
input of that name, and each PART output is compared with FULL's output of that name. Both run with every
ONNX Runtime graph optimisation off. Exit 0 when they match, 1 when not, 2 on usage errors.
"""
import argparse
import sys

import numpy as np
import onnxruntime as ort

TYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64,
         "tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(bool)": np.bool_}


def session(path):
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("full")
    p.add_argument("part")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rtol", type=float, default=1e-4)
    p.add_argument("--atol", type=float, default=1e-5)
    args = p.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    full, tail = session(args.full), session(args.part)
    feeds = {}
    for i in full.get_inputs():
        if i.type not in TYPES or not all(isinstance(d, int) for d in i.shape):
            print(f"{args.full}: input {i.name} ({i.type}, {i.shape}) cannot be generated")
            return 2
        feeds[i.name] = rng.standard_normal(i.shape).astype(TYPES[i.type])
    names = [o.name for o in full.get_outputs()]
    values = dict(feeds)
    values.update(zip(names, full.run(names, feeds)))
    missing = [i.name for i in tail.get_inputs() if i.name not in values]
    if missing:
        print(f"{args.part}: inputs {missing} are neither inputs nor outputs of {args.full}")
        return 2
    tail_names = [o.name for o in tail.get_outputs()]
    results = tail.run(tail_names, {i.name: values[i.name] for i in tail.get_inputs()})
    ok = True
    for name, got in zip(tail_names, results):
        want = values.get(name)
        if want is None:
            print(f"{name}: not an output of {args.full}")
            ok = False
        elif want.shape != got.shape or not np.allclose(got, want, args.rtol, args.atol):
            diff = np.max(np.abs(got - want)) if want.shape == got.shape else "shapes differ"
            print(f"{name}: differs ({diff})")
            ok = False
        else:
            print(f"{name}: equal, largest difference {np.max(np.abs(got - want), initial=0)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
