"""diff: the ModelDiff as Python objects, its text and JSON forms."""

import json

import numpy as np
import pytest

import onnxkit

from conftest import parse

WITH_IDENTITIES = """
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[4] x) => (float[4] y) <float[4] w = {1.0, 2.0, 3.0, 4.0}> {
      a = Identity (x)
      b = Add (a, w)
      y = Identity (b)
    }
"""


def named(text):
    m = parse(text)
    for i, node in enumerate(m.graph.nodes):
        node.name = f"n{i}_{node.op_type.lower()}"
    return m


def test_a_model_equals_itself_and_a_fresh_load_of_it(srcnn):
    d = onnxkit.diff(srcnn, onnxkit.load(srcnn.to_bytes()))
    assert d.equal and len(d) == 0 and d.entries == []
    assert d.to_text() == ""
    assert json.loads(d.to_json())["equal"] is True


def test_eliminate_identity_shows_the_removed_nodes():
    before = named(WITH_IDENTITIES)
    after = named(WITH_IDENTITIES)
    onnxkit.run_pass(after, "eliminate-identity")
    assert [n.op_type for n in after.graph.nodes] == ["Add"]
    d = onnxkit.diff(before, after)
    assert not d.equal
    removed = [(e.name, e.op) for e in d.entries if e.kind == "removed" and e.element == "node"]
    assert removed == [("n0_identity", "Identity"), ("n2_identity", "Identity")]
    first = next(e for e in d.entries if e.name == "n0_identity")
    assert first.path == first.graph == "main"
    assert first.before == "Identity(x) -> a" and first.after == ""
    # The Add node now reads x and writes y: a changed node, by input and output.
    changed = {e.field: (e.before, e.after) for e in d.entries if e.kind == "changed"}
    assert changed["input 0"] == ("'a'", "'x'")
    assert changed["output 0"] == ("'b'", "'y'")
    text = d.to_text("before.onnx", "after.onnx")
    assert text.startswith("--- before.onnx\n+++ after.onnx\n")
    assert "- main: node 'n0_identity' (Identity)" in text
    document = json.loads(d.to_json("before", "after"))
    assert document["a"] == "before" and document["summary"]["removed"] == 2
    assert len(document["differences"]) == len(d)


def test_tensor_contents_can_be_left_out():
    a = named(WITH_IDENTITIES)
    b = named(WITH_IDENTITIES)
    onnxkit.replace_initializer(b, "w", np.zeros(4, dtype=np.float32))
    d = onnxkit.diff(a, b)
    assert [(e.kind, e.element, e.name, e.field) for e in d.entries] == [
        ("changed", "initializer", "w", "content")]
    before, after = d.entries[0].before, d.entries[0].after
    assert "fnv1a64:" in before and "fnv1a64:" in after and before != after
    assert onnxkit.diff(a, b, tensor_contents=False).equal


def test_model_fields_and_opsets(srcnn, corpus):
    newer = onnxkit.load(corpus / "models" / "srcnn_x3_opset17.onnx")
    d = onnxkit.diff(srcnn, newer, tensor_contents=False)
    opset = [e for e in d.entries if e.element == "opset"]
    assert [(e.kind, e.name, e.before, e.after) for e in opset] == [
        ("changed", "ai.onnx", "11", "17")]
    assert opset[0].graph == ""
    assert "DiffEntry changed" in repr(opset[0])


def test_diff_takes_models_only():
    with pytest.raises(TypeError):
        onnxkit.diff("a.onnx", "b.onnx")
