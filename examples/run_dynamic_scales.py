#!/usr/bin/env python3
"""Runs a super-resolution model whose scales `onnxkit rewrite --dynamic-scales` made an
input, at two upscaling factors, under ONNX Runtime (the project's .venv has it):

    .venv/bin/python examples/run_dynamic_scales.py build/srcnn_dynamic.onnx

Prints the output shape for x3 and x4: one exported file, the factor chosen at run time.
"""
import sys

import numpy as np
import onnxruntime as ort

session = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
image_input = next(i for i in session.get_inputs() if i.name != "scales")
image = np.random.default_rng(0).random(
    [d if isinstance(d, int) else 1 for d in image_input.shape], dtype=np.float32)
for factor in (3, 4):
    scales = np.array([1, 1, factor, factor], dtype=np.float32)
    (out,) = session.run(None, {image_input.name: image, "scales": scales})
    print(f"x{factor}: {image_input.name} {list(image.shape)} -> output {list(out.shape)}")
