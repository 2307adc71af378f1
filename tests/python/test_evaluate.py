"""evaluate: the main graph on NumPy inputs, by onnxkit's own evaluator."""

import numpy as np
import pytest

import onnxkit

from conftest import parse


def test_evaluate_runs_the_graph():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2,3] x) => (float[2,3] y, int64[2] s) <float[3] b = {1.0, -2.0, 0.5}> {
          t = Add (x, b)
          y = Relu (t)
          s = Shape (y)
        }
    """)
    x = np.array([[1, 2, 3], [-4, 5, -6]], dtype=np.float32)
    out = onnxkit.evaluate(m, {"x": x})
    assert list(out) == ["y", "s"]
    np.testing.assert_array_equal(out["y"], np.maximum(x + np.array([1, -2, 0.5], np.float32), 0))
    assert out["s"].tolist() == [2, 3] and out["s"].dtype == np.int64


def test_evaluate_errors_name_what_is_wrong():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y) {
          y = Relu (x)
        }
    """)
    with pytest.raises(onnxkit.Error, match="x"):
        onnxkit.evaluate(m, {})
    unknown = parse("""
        <ir_version: 8, opset_import: ["" : 17, "custom.domain" : 1]>
        g (float[2] x) => (float[2] y) {
          y = custom.domain.Mystery (x)
        }
    """)
    with pytest.raises(onnxkit.Error, match="Mystery"):
        onnxkit.evaluate(unknown, {"x": np.zeros(2, np.float32)})
