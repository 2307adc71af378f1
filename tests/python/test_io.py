"""Loading and saving: paths, bytes and onnx.ModelProto both ways; errors as exceptions."""

import pathlib

import onnx
import pytest

import onnxkit

from conftest import REPO


def test_load_from_str_and_pathlib_path_give_the_same_model(corpus):
    path = corpus / "models" / "srcnn_x3.onnx"
    assert onnxkit.load(str(path)).to_bytes() == onnxkit.load(pathlib.Path(path)).to_bytes()


def test_an_unchanged_model_saves_byte_for_byte(corpus, tmp_path):
    path = corpus / "models" / "srcnn_x3.onnx"
    m = onnxkit.load(path)
    onnxkit.save(m, tmp_path / "copy.onnx")
    assert (tmp_path / "copy.onnx").read_bytes() == path.read_bytes()
    assert onnxkit.to_bytes(m) == path.read_bytes()


def test_bytes_round_trip(corpus):
    data = (corpus / "models" / "srcnn_x3.onnx").read_bytes()
    m = onnxkit.load(data)
    assert m.base_dir == ""
    assert m.to_bytes() == data
    assert onnxkit.load(bytearray(data)).to_bytes() == data
    assert onnxkit.load(memoryview(data)).to_bytes() == data


def test_model_proto_both_ways(corpus):
    proto = onnx.load(str(corpus / "models" / "srcnn_x3.onnx"))
    m = onnxkit.load(proto)
    assert m.opset_import == [("", 11)]
    assert len(m.graph.nodes) == len(proto.graph.node)
    back = onnxkit.to_onnx(m)
    assert isinstance(back, onnx.ModelProto)
    assert back == proto
    onnx.checker.check_model(back, full_check=True)


def test_model_properties(srcnn):
    assert srcnn.ir_version == 6
    assert srcnn.producer_name == "pytorch"
    assert srcnn.opset_version("") == 11
    assert srcnn.opset_version("com.example") is None
    srcnn.producer_name = "onnxkit-test"
    assert onnxkit.load(srcnn.to_bytes()).producer_name == "onnxkit-test"


def test_external_data_is_found_beside_the_file_and_can_be_inlined(model_with_weights, tmp_path):
    m = onnxkit.load(model_with_weights("resnet18.onnx"))
    assert onnxkit.info(m, format="json")["external_bytes"] > 0
    onnxkit.save(m, tmp_path / "inline.onnx", external_data="inline")
    inlined = onnxkit.load(tmp_path / "inline.onnx")
    assert onnxkit.info(inlined, format="json")["external_bytes"] == 0
    onnxkit.save(inlined, tmp_path / "ext.onnx", external_data="external")
    assert (tmp_path / "ext.onnx.data").stat().st_size > 0


def test_a_missing_file_is_a_file_not_found_error_naming_the_path(tmp_path):
    path = tmp_path / "nothing-here.onnx"
    with pytest.raises(FileNotFoundError) as info:
        onnxkit.load(path)
    assert isinstance(info.value, onnxkit.Error)
    assert isinstance(info.value, onnxkit.NotFoundError)
    assert str(path) in str(info.value)


def test_a_damaged_file_is_an_onnxkit_error(corpus):
    with pytest.raises(onnxkit.Error) as info:
        onnxkit.load(corpus / "invalid" / "fmt_truncated_mid_tensor.onnx")
    assert "fmt_truncated_mid_tensor.onnx" in str(info.value)
    with pytest.raises(onnxkit.Error):
        onnxkit.load(b"\xff\xff\xff not a model")


def test_load_refuses_other_types():
    with pytest.raises(TypeError):
        onnxkit.load(42)


def test_save_never_overwrites_the_source_unless_asked(corpus, tmp_path):
    path = tmp_path / "m.onnx"
    path.write_bytes((corpus / "models" / "srcnn_x3.onnx").read_bytes())
    m = onnxkit.load(path)
    with pytest.raises(onnxkit.FailedPreconditionError):
        onnxkit.save(m, path)
    onnxkit.save(m, path, in_place=True)
    assert onnxkit.load(path).to_bytes() == m.to_bytes()


def test_bad_save_option_is_a_value_error(srcnn, tmp_path):
    with pytest.raises(ValueError):
        onnxkit.save(srcnn, tmp_path / "x.onnx", external_data="sideways")
    assert not (tmp_path / "x.onnx").exists()


def test_the_version_matches_the_project():
    cmake = (REPO / "CMakeLists.txt").read_text()
    assert f"project(onnxkit VERSION {onnxkit.__version__} " in cmake
    assert f'\nversion = "{onnxkit.__version__}"\n' in (REPO / "pyproject.toml").read_text()
