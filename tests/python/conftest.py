"""Shared fixtures of the Python package's tests.

The corpus is found as ctest finds it: $ONNXKIT_CORPUS_DIR, else ../shared/corpus beside the
repository. The large models' weights (external data) come from $ONNXKIT_WEIGHTS_DIR (the
Release build's corpus-models folder, which ctest's corpus_weights fixture fills), else from
build/corpus-models, else they are written for the one model a test asks for.
"""

import hashlib
import importlib.machinery
import importlib.util
import os
import pathlib
import shutil

import onnx.parser
import pytest

import onnxkit

REPO = pathlib.Path(__file__).resolve().parents[2]


def corpus_dir():
    path = pathlib.Path(os.environ.get("ONNXKIT_CORPUS_DIR", REPO.parent / "shared" / "corpus"))
    if not (path / "README.md").exists():
        pytest.fail(f"the test corpus is not at {path}: set ONNXKIT_CORPUS_DIR")
    return path


@pytest.fixture(scope="session")
def corpus():
    return corpus_dir()


def _expected_weights(corpus, data_name):
    with open(corpus / "models" / "weights.tsv") as f:
        for line in list(f)[1:]:
            name, size, digest = line.rstrip("\n").split("\t")
            if name == data_name:
                return int(size), digest
    raise KeyError(data_name)


def _make_weights_module(corpus):
    script = str(corpus / "models" / "make-weights")
    loader = importlib.machinery.SourceFileLoader("make_weights", script)
    spec = importlib.util.spec_from_loader("make_weights", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def model_with_weights(corpus, tmp_path_factory):
    """model_with_weights("resnet18.onnx") -> the path of the model beside its weights."""

    def get(name):
        data_name = name + ".data"
        size, digest = _expected_weights(corpus, data_name)
        candidates = [os.environ.get("ONNXKIT_WEIGHTS_DIR"), REPO / "build" / "corpus-models"]
        for folder in candidates:
            if folder and (pathlib.Path(folder) / data_name).is_file() and \
                    (pathlib.Path(folder) / data_name).stat().st_size == size:
                return pathlib.Path(folder) / name
        # Only this model's weights, written with the corpus's own generator.
        out = tmp_path_factory.mktemp("weights")
        shutil.copyfile(corpus / "models" / name, out / name)
        data = _make_weights_module(corpus).pattern(size)
        assert hashlib.sha256(data).hexdigest() == digest
        (out / data_name).write_bytes(data)
        return out / name

    return get


def parse(text):
    """An onnxkit model from ONNX text (onnx.parser syntax)."""
    return onnxkit.load(onnx.parser.parse_model(text))


@pytest.fixture
def srcnn(corpus):
    return onnxkit.load(corpus / "models" / "srcnn_x3.onnx")
