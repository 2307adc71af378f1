"""check: diagnostics as objects with code, severity and location."""

import csv

import pytest

import onnxkit

from conftest import corpus_dir, parse


def _check_rows():
    with open(corpus_dir() / "invalid" / "MANIFEST.tsv", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [row for row in rows if row["stage"] == "check"]


def _matches(location, where):
    """The manifest's `where` (corpus/invalid/README.md), as the C++ manifest test reads it."""
    if where == "model":
        return location.path == "model"
    if "/" not in where and not where.startswith("fn:"):
        return where in (location.node_name, location.value)
    return where in (location.path, location.graph)


def test_a_valid_model_has_no_errors(srcnn):
    assert not [d for d in onnxkit.check(srcnn) if d.severity == "error"]


@pytest.mark.parametrize("row", _check_rows(), ids=lambda row: row["file"])
def test_each_invalid_corpus_model_is_reported_where_the_defect_is(corpus, row):
    m = onnxkit.load(corpus / "invalid" / row["file"], check_external_data=False)
    diagnostics = onnxkit.check(m)
    assert any(d.severity == "error" and d.code.startswith(row["group"] + ".")
               and _matches(d.location, row["where"]) for d in diagnostics), \
        "\n".join(str(d) for d in diagnostics)


def test_diagnostic_fields():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y) {
          y = Relu <alpha = 0.5> (x)
        }
    """)
    errors = [d for d in onnxkit.check(m) if d.severity == "error"]
    assert errors, "Relu has no attribute alpha"
    d = errors[0]
    assert d.code.startswith("schema.")
    assert "alpha" in d.message
    assert d.location.op_type == "Relu"
    assert d.location.node_index == 0
    assert d.location.graph == "main"
    assert d.location.opset_version == 17
    assert d.code in str(d) and "error" in str(d)


def test_rule_groups_select_what_runs():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2] x) => (float[2] y) {
          y = Relu <alpha = 0.5> (x)
        }
    """)
    assert "schema" in onnxkit.rule_groups()
    assert not [d for d in onnxkit.check(m, rules=["model"]) if d.severity == "error"]
    with pytest.raises(onnxkit.Error):
        onnxkit.check(m, rules=["no-such-group"])


def test_infer_shapes_types_the_intermediate_values():
    m = parse("""
        <ir_version: 8, opset_import: ["" : 17]>
        g (float[2,3] x) => (float[3,2] y) {
          t = Relu (x)
          y = Transpose (t)
        }
    """)
    t = m.graph.find_value("t")
    assert t.type is None
    assert [d for d in onnxkit.infer_shapes(m) if d.severity == "error"] == []
    assert t.type == "float32[2,3]"
    assert t.elem_type == 1 and t.shape == [2, 3]
