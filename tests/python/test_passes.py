"""Passes: by pipeline string and by name with options."""

import pytest

import onnxkit

from conftest import parse

IDENTITY_CHAIN = """
    <ir_version: 8, opset_import: ["" : 17]>
    g (float[2] x) => (float[2] y) {
      a = Identity (x)
      b = Relu (a)
      dead = Neg (b)
      y = Identity (b)
    }
"""


def op_types(m):
    return [n.op_type for n in m.graph.nodes]


def test_the_registry_lists_passes_with_their_options():
    by_name = {p["name"]: p for p in onnxkit.passes()}
    assert "eliminate-identity" in by_name
    options = {o["name"]: o for o in by_name["eliminate-dead-code"]["options"]}
    assert options["keep-custom-ops"]["kind"] == "bool"
    assert "keep-custom-ops" in onnxkit.describe_pass("eliminate-dead-code")
    with pytest.raises(onnxkit.NotFoundError):
        onnxkit.describe_pass("no-such-pass")


def test_a_pipeline_string_rewrites_the_model():
    m = parse(IDENTITY_CHAIN)
    report = onnxkit.run_passes(m, "eliminate-identity,eliminate-dead-code")
    assert op_types(m) == ["Relu"]
    assert report["changed"]
    assert [run["pass"] for run in report["runs"]] == ["eliminate-identity",
                                                       "eliminate-dead-code"]
    assert all(run["changed"] for run in report["runs"])
    assert not [d for d in onnxkit.check(m) if d.severity == "error"]


def test_a_pass_by_name_with_keyword_options():
    assert onnxkit.pipeline_step("fold-constants", max_size="64KiB", exclude_ops=["Shape", "Size"],
                                 subgraphs=False) == \
        "fold-constants{max-size=64KiB,exclude-ops=Shape:Size,subgraphs=false}"
    m = parse(IDENTITY_CHAIN)
    report = onnxkit.run_pass(m, "eliminate-dead-code", keep_custom_ops=True)
    assert report["runs"][0]["pass"] == "eliminate-dead-code{keep-custom-ops=true}"
    assert "Neg" not in op_types(m)


def test_a_list_of_steps_and_rounds():
    m = parse(IDENTITY_CHAIN)
    report = onnxkit.run_passes(m, ["eliminate-identity", "eliminate-dead-code"], max_rounds=3,
                                verify_each=True)
    assert report["reached_fixed_point"]
    assert report["rounds"] == 2


def test_unknown_passes_and_options_are_errors_that_suggest_a_name():
    m = parse(IDENTITY_CHAIN)
    with pytest.raises(onnxkit.Error, match="eliminate-identity"):
        onnxkit.run_passes(m, "eliminate-identiti")
    with pytest.raises(onnxkit.Error, match="keep-custom-ops"):
        onnxkit.run_pass(m, "eliminate-dead-code", keep_custom_op=True)
    with pytest.raises(onnxkit.Error):
        onnxkit.run_passes(m, "eliminate-identity{")
    assert op_types(m) == ["Identity", "Relu", "Neg", "Identity"]


def test_nodes_a_pass_removed_are_refused_not_dangling():
    m = parse(IDENTITY_CHAIN)
    neg = m.graph.nodes[2]
    relu = m.graph.nodes[1]
    onnxkit.run_pass(m, "eliminate-dead-code")
    assert relu.op_type == "Relu"
    with pytest.raises(onnxkit.FailedPreconditionError, match="removed"):
        neg.op_type


def test_simplify_pins_shapes_folds_and_eliminates():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[N,4] x) => (float[N,4] y)
          <float[4] w = {1.0, 2.0, 3.0, 4.0}, float[4] v = {1.0, 1.0, 1.0, 1.0}> {
          a = Identity (x)
          s = Add (w, v)
          y = Add (a, s)
        }
    """)
    stages = onnxkit.simplify(m, input_shapes={"x": [2, 4]})
    assert [s["stage"] for s in stages] == ["prepare", "rounds", "finish"]
    assert stages[1]["reached_fixed_point"]
    changed = {r["pass"].split("{")[0] for s in stages for r in s["runs"] if r["changed"]}
    assert {"fold-constants", "eliminate-identity"} <= changed
    assert op_types(m) == ["Add"]
    add = m.graph.nodes[0]
    assert add.inputs[0].name == "x" and add.inputs[1].initializer.tolist() == [2, 3, 4, 5]
    assert m.graph.outputs[0].type == "float32[2,4]"
    m.verify()


def test_simplify_skips_passes_and_refuses_unknown_ones():
    m = parse(IDENTITY_CHAIN)
    onnxkit.simplify(m, skip=["eliminate-identity"])
    assert op_types(m) == ["Identity", "Relu", "Identity"]  # the dead Neg is gone
    before = m.to_bytes()
    with pytest.raises(onnxkit.InvalidArgumentError, match="nope"):
        onnxkit.simplify(m, skip=["nope"])
    with pytest.raises(onnxkit.InvalidArgumentError):
        onnxkit.simplify(m, max_rounds=0)
    assert m.to_bytes() == before
