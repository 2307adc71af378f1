"""Every surgery call: extract, outputs, set_shape, rename, set_attr, remove_node,
replace_initializer, strip, merge, convert_opset; a refused call leaves the model unchanged."""

import numpy as np
import pytest

import onnxkit

from conftest import parse

CHAIN = """
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[N,4] x) => (float[N,4] y) <float[4] w = {0.0, 1.0, 2.0, 3.0}> {
      a = Relu (x)
      b = Add (a, w)
      c = Sigmoid (b)
      y = Abs (c)
    }
"""


def chain():
    m = parse(CHAIN)
    for node, name in zip(m.graph.nodes, ["relu", "add", "sigmoid", "abs"]):
        node.name = name
    m.graph.nodes[0].doc_string = "first"
    return m


def names(values):
    return [v.name for v in values]


def test_extract_cuts_the_sub_model():
    m = chain()
    stats = onnxkit.extract(m, inputs=["a"], outputs=["c"])
    assert [n.op_type for n in m.graph.nodes] == ["Add", "Sigmoid"]
    assert names(m.graph.inputs) == ["a"]
    assert names(m.graph.outputs) == ["c"]
    assert stats["nodes_removed"] == 2
    assert set(stats["typed_by_inference"]) == {"a", "c"}
    assert m.graph.inputs[0].type == "float32[N,4]"


def test_a_refused_extract_leaves_the_model_unchanged():
    m = chain()
    before = m.to_bytes()
    with pytest.raises(onnxkit.NotFoundError, match="no-such"):
        onnxkit.extract(m, inputs=["x"], outputs=["no-such"])
    with pytest.raises(onnxkit.InvalidArgumentError):
        onnxkit.extract(m, inputs=["w"], outputs=["c"])
    assert m.to_bytes() == before


def test_add_and_remove_outputs():
    m = chain()
    stats = onnxkit.add_outputs(m, ["b"])
    assert names(m.graph.outputs) == ["y", "b"]
    assert stats["typed_by_inference"] == ["b"]
    with pytest.raises(onnxkit.InvalidArgumentError):
        onnxkit.add_outputs(m, ["b"])
    onnxkit.remove_outputs(m, ["y"], prune=True)
    assert names(m.graph.outputs) == ["b"]
    assert [n.op_type for n in m.graph.nodes] == ["Relu", "Add"]


def test_set_shape_pins_inputs_and_reinfers():
    m = chain()
    assert onnxkit.set_shape(m, {"x": [2, 4]}) == []
    assert m.graph.inputs[0].shape == [2, 4]
    assert m.graph.outputs[0].type == "float32[2,4]"
    onnxkit.set_shape(m, ["x:batch,4"])
    assert m.graph.inputs[0].shape == ["batch", 4]
    with pytest.raises(onnxkit.Error):
        onnxkit.set_shape(m, {"x": [1, 2, 3]})  # the rank is known and differs


def test_rename_values_and_nodes():
    m = chain()
    onnxkit.rename(m, {"x": "input", "relu": "first_relu"})
    assert names(m.graph.inputs) == ["input"]
    assert m.graph.nodes[0].name == "first_relu"
    onnxkit.rename(m, [("b", "c"), ("c", "b")], target="values")  # a swap
    assert m.graph.nodes[1].outputs[0].name == "c"
    with pytest.raises(onnxkit.NotFoundError):
        onnxkit.rename(m, {"nothing": "else"})


def test_set_attr_typed_by_the_schema_or_explicitly():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[4] x) => (float[4] y) {
          y = LeakyRelu (x)
        }
    """)
    m.graph.nodes[0].name = "leaky"
    onnxkit.set_attr(m, "leaky", {"alpha": 0.25})
    assert m.graph.nodes[0].attributes == {"alpha": 0.25}
    onnxkit.set_attr(m, "leaky", ["alpha:float=0.5"])
    assert m.graph.nodes[0].attributes["alpha"] == 0.5
    onnxkit.set_attr(m, "leaky", alpha=1)
    assert m.graph.nodes[0].attributes["alpha"] == 1.0
    with pytest.raises(onnxkit.Error, match="beta"):
        onnxkit.set_attr(m, "leaky", beta=1.0)
    with pytest.raises(onnxkit.NotFoundError):
        onnxkit.set_attr(m, "nobody", alpha=1.0)


def test_remove_node_rewires_the_readers():
    m = chain()
    onnxkit.remove_node(m, "sigmoid")
    assert [n.op_type for n in m.graph.nodes] == ["Relu", "Add", "Abs"]
    assert m.graph.nodes[2].inputs[0].name == "b"
    with pytest.raises(onnxkit.Error):
        onnxkit.remove_node(m, "add")  # two inputs
    m.verify()


def test_replace_initializer_checks_dtype_and_dims_unless_forced():
    m = chain()
    onnxkit.replace_initializer(m, "w", np.full(4, 7, dtype=np.float32))
    assert m.graph.find_value("w").initializer.tolist() == [7, 7, 7, 7]
    with pytest.raises(onnxkit.Error, match="float64"):
        onnxkit.replace_initializer(m, "w", np.zeros(4))
    onnxkit.replace_initializer(m, "w", np.zeros((1, 4), dtype=np.float32), force=True)
    assert m.graph.find_value("w").initializer.shape == (1, 4)
    with pytest.raises(onnxkit.NotFoundError):
        onnxkit.replace_initializer(m, "v", np.zeros(4, dtype=np.float32))


def test_strip_counts_what_it_removed():
    m = chain()
    m.doc_string = "model doc"
    assert m.graph.nodes[0].doc_string == "first"
    report = onnxkit.strip(m)
    assert report["doc_strings"] == 2
    assert m.graph.nodes[0].doc_string == "" and m.doc_string == ""
    assert onnxkit.strip(m) == {"doc_strings": 0, "metadata_props": 0, "value_info": 0}


MIDDLE = "/relu/Relu_output_0"  # srcnn_x3: between the first Relu and the second Conv


def halves(corpus, path=None):
    path = path or corpus / "models" / "srcnn_x3.onnx"
    first, second = onnxkit.load(path), onnxkit.load(path)
    onnxkit.extract(first, inputs=["input"], outputs=[MIDDLE])
    onnxkit.extract(second, inputs=[MIDDLE], outputs=["output"])
    return first, second


def test_merge_of_two_extracted_halves_is_the_original(srcnn, corpus):
    first, second = halves(corpus)
    assert len(first.graph.nodes) + len(second.graph.nodes) == len(srcnn.graph.nodes)
    stats = onnxkit.merge(first, second, connect=[(MIDDLE, MIDDLE)])
    assert stats == {"nodes_from_a": 5, "nodes_from_b": 3, "connections": 1}
    first.verify()
    d = onnxkit.diff(srcnn, first)
    assert d.equal, d.to_text()


def test_merge_keeps_external_weights_of_the_second_model(srcnn, corpus, tmp_path):
    onnxkit.save(srcnn, tmp_path / "srcnn.onnx", external_data="external", size_threshold=64)
    first, second = halves(corpus, tmp_path / "srcnn.onnx")
    onnxkit.merge(first, second, connect=[(MIDDLE, MIDDLE)])
    assert onnxkit.diff(srcnn, first).equal  # reads every tensor, conv3's from the side file
    onnxkit.save(first, tmp_path / "merged.onnx")
    merged = onnxkit.load(tmp_path / "merged.onnx")
    assert merged.graph.find_value("conv3.weight").initializer.tolist() == \
        srcnn.graph.find_value("conv3.weight").initializer.tolist()


def test_merge_leaves_the_second_model_usable_and_unchanged(corpus):
    first, second = halves(corpus)
    second_bytes = second.to_bytes()
    conv = second.graph.nodes[0]
    onnxkit.merge(first, second, connect=[(MIDDLE, MIDDLE)], prefix_b="b/")
    assert second.to_bytes() == second_bytes
    assert conv.name == "/conv2/Conv" and conv.graph.nodes[0] == conv
    assert first.graph.find_node("b//conv2/Conv") is not None
    assert [v.name for v in first.graph.outputs] == ["b/output"]
    # The same model twice, side by side, as a and b.
    twice = onnxkit.load(second_bytes)
    onnxkit.merge(twice, twice, prefix_a="a/", prefix_b="b/")
    assert len(twice.graph.nodes) == 6
    assert [v.name for v in twice.graph.inputs] == ["a/" + MIDDLE, "b/" + MIDDLE]


def test_a_refused_merge_leaves_the_first_model_unchanged(corpus):
    first, second = halves(corpus)
    before = first.to_bytes()
    with pytest.raises(onnxkit.NotFoundError, match="nothing"):
        onnxkit.merge(first, second, connect=[("nothing", MIDDLE)])
    with pytest.raises(onnxkit.InvalidArgumentError):
        onnxkit.merge(first, second)  # both define the input's name: a clash
    assert first.to_bytes() == before
    newer = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[4] x) => (float[4] y) { y = Relu (x) }
    """)
    with pytest.raises(onnxkit.FailedPreconditionError, match="17"):
        onnxkit.merge(first, newer, prefix_b="n/")


def run_srcnn(model):
    import onnxruntime
    session = onnxruntime.InferenceSession(model.to_bytes(), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).random((1, 3, 256, 256), dtype=np.float32)
    return session.run(None, {"input": x})[0]


def test_convert_opset_11_to_17(srcnn):
    expected = run_srcnn(srcnn)
    onnxkit.convert_opset(srcnn, 17)
    np.testing.assert_allclose(run_srcnn(srcnn), expected, rtol=1e-5, atol=1e-6)
    assert srcnn.opset_version() == 17 and srcnn.opset_import == [("", 17)]
    assert [n.op_type for n in srcnn.graph.nodes] == [
        "Constant", "Constant", "Resize", "Conv", "Relu", "Conv", "Relu", "Conv"]
    assert not [d for d in onnxkit.check(srcnn) if d.severity == "error"]
    with pytest.raises(onnxkit.InvalidArgumentError):
        onnxkit.convert_opset(srcnn, 10_000)
    assert srcnn.opset_version() == 17
