#!/usr/bin/env python3
"""dynamic-scales against PyTorch's super-resolution tutorial, under ONNX Runtime.

    dynamic_scales_parity.py ONNXKIT CORPUS_MODELS WORK_DIR

For each exported model with constant scales, `onnxkit rewrite M -o OUT --dynamic-scales`
must give a model that, fed the old factor, computes exactly the original's outputs; with
keep-default=true it must do so unfed. For srcnn_x3.onnx, feeding [1,1,4,4] must give the
x4 image of the tutorial's hand-written dynamic model srcnn_dynamic_reference.onnx (same
weights, an input `factor`). Exit status 0 when every comparison holds, 1 otherwise.
"""
import os
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort

MODELS = ["srcnn_x3.onnx", "srcnn_x3_opset13.onnx", "srcnn_x3_opset17.onnx",
          "upsample_nearest_opset9.onnx"]


def session(path):
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.log_severity_level = 3  # keep-default inputs draw a warning per session
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def rewrite(onnxkit, model, out, pipeline):
    subprocess.run([onnxkit, "rewrite", model, "-o", out, f"--pass={pipeline}"], check=True,
                   stderr=subprocess.DEVNULL)


def image_input(model_path, rng):
    m = onnx.load(model_path, load_external_data=False)
    first = m.graph.input[0]
    dims = [d.dim_value or 1 for d in first.type.tensor_type.shape.dim]
    return first.name, rng.standard_normal(dims).astype(np.float32)


def scales_of(model_path):
    """The constant scales the export holds (initializer or Constant node)."""
    m = onnx.load(model_path, load_external_data=False)
    for n in m.graph.node:
        if n.op_type in ("Resize", "Upsample"):
            name = n.input[2] if n.op_type == "Resize" and len(n.input) > 2 else n.input[1]
            for init in m.graph.initializer:
                if init.name == name:
                    return onnx.numpy_helper.to_array(init)
            for c in m.graph.node:
                if c.op_type == "Constant" and c.output[0] == name:
                    return onnx.numpy_helper.to_array(c.attribute[0].t)
    raise SystemExit(f"{model_path}: no constant scales found")


def check(label, actual, expected, failures):
    if actual.shape != expected.shape or not np.array_equal(actual, expected):
        diff = (np.abs(actual - expected).max() if actual.shape == expected.shape
                else f"shapes {actual.shape} vs {expected.shape}")
        failures.append(f"{label}: differs ({diff})")
    else:
        print(f"{label}: equal, shape {actual.shape}")


def main():
    onnxkit, models, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(0)
    failures = []
    for name in MODELS:
        original = os.path.join(models, name)
        dynamic = os.path.join(work, "dynamic_" + name)
        defaulted = os.path.join(work, "default_" + name)
        rewrite(onnxkit, original, dynamic, "dynamic-scales")
        rewrite(onnxkit, original, defaulted, "dynamic-scales{keep-default=true}")
        input_name, x = image_input(original, rng)
        factor = scales_of(original)
        expected = session(original).run(None, {input_name: x})[0]
        fed = session(dynamic).run(None, {input_name: x, "scales": factor})[0]
        check(f"{name} fed {factor.tolist()}", fed, expected, failures)
        unfed = session(defaulted).run(None, {input_name: x})[0]
        check(f"{name} keep-default, unfed", unfed, expected, failures)
        if name == "srcnn_x3.onnx":
            x4 = np.array([1, 1, 4, 4], dtype=np.float32)
            ours = session(dynamic).run(None, {input_name: x, "scales": x4})[0]
            reference = session(os.path.join(models, "srcnn_dynamic_reference.onnx")).run(
                None, {input_name: x, "factor": x4})[0]
            check(f"{name} fed [1,1,4,4] vs srcnn_dynamic_reference", ours, reference, failures)
    for f in failures:
        print(f"FAIL {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
