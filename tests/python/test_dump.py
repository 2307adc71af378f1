"""dump and info, as text and as dicts."""

import pytest

import onnxkit


def test_dump_text_shows_every_node(srcnn):
    text = onnxkit.dump(srcnn)
    for node in srcnn.graph.nodes:
        assert node.name in text
    assert text.endswith("\n")


def test_dump_json_is_a_dict_and_filters_by_op_type(srcnn):
    whole = onnxkit.dump(srcnn, format="json")
    assert isinstance(whole, dict)
    convs = onnxkit.dump(srcnn, format="json", op_types=["Conv"])
    assert convs != whole
    text = onnxkit.dump(srcnn, op_types=["Conv"])
    assert "--op Conv" in text and len(text) < len(onnxkit.dump(srcnn))


def test_dump_full_initializers_is_longer_than_none(srcnn):
    assert len(onnxkit.dump(srcnn, initializers="full")) > len(
        onnxkit.dump(srcnn, initializers="none"))
    with pytest.raises(ValueError):
        onnxkit.dump(srcnn, initializers="some")
    with pytest.raises(ValueError):
        onnxkit.dump(srcnn, format="yaml")


def test_info_as_text_and_dict(srcnn):
    text = onnxkit.info(srcnn)
    assert "Conv" in text and "20,099" in text
    summary = onnxkit.info(srcnn, format="json")
    assert summary["node_count"] == 8
    assert summary["initializer_count"] == 6
    assert summary["parameter_count"] == 20099
