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
