"""The IR for scripting: nodes, values with producer and uses, edits, initializers as NumPy."""

import gc

import numpy as np
import onnx
import pytest

import onnxkit

from conftest import parse


def test_the_readme_example(corpus, tmp_path):
    m = onnxkit.load(corpus / "models" / "srcnn_x3.onnx")
    assert not [d for d in onnxkit.check(m) if d.severity == "error"]
    relu = next(n for n in m.graph.nodes if n.op_type == "Relu")
    m.graph.outputs.append(relu.outputs[0])  # expose an intermediate tensor
    onnxkit.save(m, tmp_path / "cut.onnx")

    saved = onnx.load(str(tmp_path / "cut.onnx"))
    assert [o.name for o in saved.graph.output] == ["output", relu.outputs[0].name]
    onnx.checker.check_model(saved)


def test_values_know_their_producer_and_uses():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y, float[2] z) {
          a = Relu (x)
          y = Add (a, a)
          z = Neg (a)
        }
    """)
    relu, add, neg = m.graph.nodes
    a = relu.outputs[0]
    assert a.kind == "node_output"
    assert a.producer == relu and a.producer_index == 0
    assert sorted((n.op_type, i) for n, i in a.uses) == [("Add", 0), ("Add", 1), ("Neg", 0)]
    x = m.graph.inputs[0]
    assert x.kind == "graph_input" and x.is_graph_input and x.producer is None
    assert x.type == "float32[2]" and x.shape == [2] and x.elem_type == 1
    assert m.graph.outputs[1].is_graph_output
    assert len(m.graph.outputs) == 2 and [v.name for v in m.graph.outputs] == ["y", "z"]
    assert {relu, add, neg} == set(m.graph.nodes)  # hashable, equal by identity
    assert relu.next == add and add.prev == relu and neg.next is None


def test_replace_all_uses_and_remove_a_node():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y) {
          a = Identity (x)
          y = Relu (a)
        }
    """)
    identity, relu = m.graph.nodes
    x = m.graph.inputs[0]
    identity.outputs[0].replace_all_uses_with(x)
    assert relu.inputs[0] == x
    assert identity.outputs[0].uses == []
    m.graph.remove_node(identity)
    assert [n.op_type for n in m.graph.nodes] == ["Relu"]
    m.verify()
    with pytest.raises(onnxkit.FailedPreconditionError, match="removed"):
        identity.op_type
    assert not [d for d in onnxkit.check(m) if d.severity == "error"]


def test_a_node_still_in_use_is_not_removed():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y) {
          a = Neg (x)
          y = Relu (a)
        }
    """)
    with pytest.raises(onnxkit.Error):
        m.graph.remove_node(m.graph.nodes[0])
    assert len(m.graph.nodes) == 2


def test_replace_all_uses_keeps_or_redirects_graph_outputs():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y, float[2] z) {
          y = Relu (x)
          z = Sigmoid (y)
        }
    """)
    relu, sigmoid = m.graph.nodes
    y = relu.outputs[0]
    # Insert Neg after Relu: Neg's input is set after the replacement, or Neg would read itself.
    neg = m.graph.insert_node_after(relu, "Neg", [None], ["negated"], name="neg")
    y.replace_all_uses_with(neg.outputs[0])
    neg.set_input(0, y)
    assert sigmoid.inputs[0] == neg.outputs[0]
    assert [v.name for v in m.graph.outputs] == ["y", "z"]  # kept
    y.replace_all_uses_with(neg.outputs[0], redirect_outputs=True)
    assert neg.inputs[0] == neg.outputs[0]  # a self-loop: verify() reports it
    with pytest.raises(onnxkit.Error):
        m.verify()
    neg.set_input(0, y)
    assert [v.name for v in m.graph.outputs] == ["negated", "z"]
    m.verify()


def test_adding_an_initializer_binds_the_reads_of_that_name():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y) {
          y = Add (x, w)
        }
    """)
    assert m.graph.nodes[0].inputs[1].kind == "undefined"
    w = m.graph.add_initializer("w", np.ones(2, dtype=np.float32))
    assert m.graph.nodes[0].inputs[1] == w
    assert not [d for d in onnxkit.check(m) if d.severity == "error"]


def test_insert_and_edit_nodes_then_run_the_model():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[3] x) => (float[3] y) {
          y = Relu (x)
        }
    """)
    relu = m.graph.nodes[0]
    x = m.graph.inputs[0]
    scale = m.graph.add_initializer("scale", np.array([2, 3, 4], dtype=np.float32))
    mul = m.graph.insert_node_before(relu, "Mul", [x, scale], ["scaled"], name="mul")
    relu.set_input(0, mul.outputs[0])
    clip = m.graph.append_node("LeakyRelu", [relu.outputs[0]], ["leaky"],
                               attributes={"alpha": 0.5}, name="leaky")
    m.graph.outputs[0] = clip.outputs[0]
    assert [n.op_type for n in m.graph.nodes] == ["Mul", "Relu", "LeakyRelu"]
    assert clip.attributes == {"alpha": 0.5}
    m.verify()
    assert not [d for d in onnxkit.check(m) if d.severity == "error"]

    import onnxruntime
    session = onnxruntime.InferenceSession(m.to_bytes(), providers=["CPUExecutionProvider"])
    (y,) = session.run(None, {"x": np.array([1, -1, 2], dtype=np.float32)})
    assert y.tolist() == [2, 0, 8]


def test_new_output_names_must_be_new():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y) {
          y = Relu (x)
        }
    """)
    with pytest.raises(onnxkit.AlreadyExistsError):
        m.graph.append_node("Neg", [m.graph.inputs[0]], ["y"])
    assert len(m.graph.nodes) == 1


def test_values_of_another_model_are_refused(srcnn):
    other = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y) {
          y = Relu (x)
        }
    """)
    with pytest.raises(onnxkit.InvalidArgumentError, match="another model"):
        srcnn.graph.outputs.append(other.graph.inputs[0])
    with pytest.raises(TypeError, match="onnxkit.Value"):
        srcnn.graph.outputs.append("output")
    with pytest.raises(TypeError):
        next(n for n in srcnn.graph.nodes if n.inputs).set_input(0, 3)


def test_graph_outputs_list_edits():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y) {
          a = Neg (x)
          y = Relu (a)
        }
    """)
    a = m.graph.find_value("a")
    m.graph.outputs.append(a)
    assert [v.name for v in m.graph.outputs] == ["y", "a"]
    assert m.graph.outputs[-1] == a
    m.graph.outputs.remove(a)
    del m.graph.outputs[0]
    assert len(m.graph.outputs) == 0
    with pytest.raises(IndexError):
        m.graph.outputs[0]


def test_initializers_are_numpy_arrays_sharing_the_model_bytes(corpus):
    data = (corpus / "models" / "srcnn_x3.onnx").read_bytes()
    m = onnxkit.load(data)
    weight = m.graph.find_value("conv1.weight")
    array = weight.initializer
    assert array.dtype == np.float32 and array.shape == (64, 3, 9, 9)
    assert not array.flags.writeable
    # Zero-copy: both arrays view the model's own buffer.
    assert np.shares_memory(array, weight.initializer)
    proto = onnx.load_from_string(data)
    expected = onnx.numpy_helper.to_array(
        next(t for t in proto.graph.initializer if t.name == "conv1.weight"))
    np.testing.assert_array_equal(array, expected)
    # The array keeps the bytes alive after the model is gone.
    del m, weight
    gc.collect()
    np.testing.assert_array_equal(array, expected)


def test_typed_field_and_string_tensors_convert():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (int64[2] x) => (int64[2] y) {
          y = Add (x, k)
        }
    """)
    k = m.graph.add_initializer("k", np.array([5, -6], dtype=np.int64))
    assert k.initializer.tolist() == [5, -6]
    words = m.graph.add_initializer("words", np.array(["a", "bc"]))
    assert words.initializer.tolist() == [b"a", b"bc"]
    half = m.graph.add_initializer("half", np.array([[1.5]], dtype=np.float16))
    assert half.initializer.dtype == np.float16 and half.initializer.shape == (1, 1)


def test_node_attributes_read_and_write(srcnn):
    conv = next(n for n in srcnn.graph.nodes if n.op_type == "Conv")
    assert conv.attributes["kernel_shape"] == [9, 9]
    conv.set_attribute("strides", [2, 2])
    assert conv.attributes["strides"] == [2, 2]
    conv.remove_attribute("strides")
    assert "strides" not in conv.attributes
    with pytest.raises(KeyError):
        conv.remove_attribute("strides")
    with pytest.raises(TypeError):
        conv.set_attribute("pads", [])
    constant = next(n for n in srcnn.graph.nodes if n.op_type == "Constant")
    assert isinstance(constant.attributes["value"], np.ndarray)


def test_renaming_a_value_renames_every_reference(tmp_path):
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y) {
          a = Neg (x)
          y = Relu (a)
        }
    """)
    m.graph.find_value("a").name = "negated"
    saved = onnx.load_from_string(m.to_bytes())
    assert saved.graph.node[0].output[0] == "negated" == saved.graph.node[1].input[0]


def test_subgraphs_are_graphs_with_a_parent():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (bool c, float[2] x) => (float[2] y) {
          y = If (c) <then_branch = then_g () => (float[2] t) { t = Neg (x) },
                      else_branch = else_g () => (float[2] e) { e = Relu (x) }>
        }
    """)
    node = m.graph.nodes[0]
    then_g, else_g = node.subgraphs
    assert node.attributes["then_branch"] == then_g
    assert then_g.parent == m.graph
    inner = then_g.nodes[0]
    assert inner.inputs[0] == m.graph.inputs[1]  # reads the outer x
    assert (inner, 0) in m.graph.inputs[1].uses


def test_remove_inputs_and_initializers():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x, float[2] unused) => (float[2] y) <float[2] w = {1.0, 2.0}, float[2] spare = {0.0, 0.0}> {
          y = Add (x, w)
        }
    """)
    unused = m.graph.find_value("unused")
    m.graph.remove_input(unused)
    assert [v.name for v in m.graph.inputs] == ["x"]
    w = m.graph.find_value("w")
    with pytest.raises(onnxkit.Error):
        m.graph.remove_initializer(w)  # Add reads it
    m.graph.remove_initializer(m.graph.find_value("spare"))
    assert [v.name for v in m.graph.initializers] == ["w"]
    with pytest.raises(ValueError):
        m.graph.remove_input(w)
    m.verify()


def test_model_local_functions_and_their_bodies(corpus):
    m = onnxkit.load(corpus / "models" / "funcs_mlp.onnx")
    (function,) = m.functions
    calls = [n for n in m.graph.nodes if n.op_type == function.name]
    assert len(calls) == 3 and all(n.domain == function.domain for n in calls)
    body = function.body
    assert body.parent is None
    assert len(body.inputs) == len(calls[0].inputs)
    assert [n.op_type for n in body.nodes].count("MatMul") == 2
    assert function.opset_import == [("", 15)]
    nodes_before = len(m.graph.nodes)
    onnxkit.run_pass(m, "inline-functions")
    assert m.functions == []
    assert len(m.graph.nodes) > nodes_before
    with pytest.raises(onnxkit.FailedPreconditionError, match="removed"):
        function.name
