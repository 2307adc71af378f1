"""examples/surgery_cut_head.py on resnet18: the cut model computes what the whole model
computed before its head (checked under ONNX Runtime)."""

import subprocess
import sys

import numpy as np
import onnxruntime
import pytest

import onnxkit

from conftest import REPO


def run(path, feeds):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return dict(zip(names, session.run(None, feeds)))


def test_cut_resnet18_head(model_with_weights, tmp_path):
    original = model_with_weights("resnet18.onnx")
    cut = tmp_path / "features.onnx"
    result = subprocess.run(
        [sys.executable, str(REPO / "examples" / "surgery_cut_head.py"), str(original), str(cut)],
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "embedding float32[1,512]" in result.stdout
    assert "feature_map float32[1,512,7,7]" in result.stdout

    features = onnxkit.load(cut)
    assert [v.name for v in features.graph.outputs] == ["embedding", "feature_map"]
    assert not any(n.op_type == "Gemm" for n in features.graph.nodes)

    x = np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32)
    logits = run(original, {"input": x})["output"]
    got = run(cut, {"input": x})
    # The embedding is the pooled feature map, and the removed head maps it to the logits.
    np.testing.assert_allclose(got["feature_map"].mean(axis=(2, 3)), got["embedding"],
                               rtol=1e-4, atol=1e-5)
    fc = onnxkit.load(original).graph
    weight = fc.find_value("fc.weight").initializer
    bias = fc.find_value("fc.bias").initializer
    np.testing.assert_allclose(got["embedding"] @ weight.T + bias, logits, rtol=1e-3, atol=1e-4)


def test_a_model_without_a_classifier_head_is_refused(corpus, tmp_path):
    result = subprocess.run(
        [sys.executable, str(REPO / "examples" / "surgery_cut_head.py"),
         str(corpus / "models" / "srcnn_x3.onnx"), str(tmp_path / "x.onnx")],
        capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "not a Gemm or MatMul" in result.stderr
    assert not (tmp_path / "x.onnx").exists()
