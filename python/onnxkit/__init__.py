"""onnxkit: load, check, inspect, rewrite and edit ONNX models from Python.

    import onnxkit
    m = onnxkit.load("model.onnx")
    errors = [d for d in onnxkit.check(m) if d.severity == "error"]
    onnxkit.run_passes(m, "eliminate-dead-code,topological-sort")
    onnxkit.save(m, "out.onnx")

The C++ library does the work (the extension module ``onnxkit._onnxkit``); docs/python.md
describes the API.
"""

import json
import os

from ._errors import (AlreadyExistsError, DataLossError, Error, FailedPreconditionError,
                      InternalError, InvalidArgumentError, MissingFileError, NotFoundError,
                      OutOfRangeError, PermissionDeniedError, ResourceExhaustedError,
                      UnimplementedError)
from ._onnxkit import (Diagnostic, DiffEntry, Function, Graph, GraphOutputs, Location, Model,
                       ModelDiff, Node, Value, add_outputs, check, convert_opset, describe_pass,
                       diff, evaluate, extract, infer_shapes, merge, passes, remove_node,
                       remove_outputs, replace_initializer, rule_groups, strip)
from . import _onnxkit
from ._tensors import data_type_of, dtype_of

__version__ = "0.1.0"

# The public names of the classes, as tracebacks and repr() show them.
for _cls in (AlreadyExistsError, DataLossError, Error, FailedPreconditionError, InternalError,
             InvalidArgumentError, MissingFileError, NotFoundError, OutOfRangeError,
             PermissionDeniedError, ResourceExhaustedError, UnimplementedError):
    _cls.__module__ = "onnxkit"
del _cls


def load(source, base_dir="", check_external_data=True):
    """Loads a model from a path (str or os.PathLike), bytes, or an ``onnx.ModelProto``.

    External data is found beside the file, or under ``base_dir`` (for bytes and
    ModelProtos, which have no folder of their own).
    """
    if isinstance(source, (str, os.PathLike)):
        return _onnxkit._load_file(os.fspath(source), base_dir, check_external_data)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _onnxkit._load_bytes(bytes(source), base_dir, check_external_data)
    if hasattr(source, "SerializeToString"):
        return _onnxkit._load_bytes(source.SerializeToString(), base_dir, check_external_data)
    raise TypeError(
        f"onnxkit.load takes a path, bytes or an onnx.ModelProto, not {type(source).__name__}")


def save(model, path, external_data="keep", external_file="", size_threshold=1024,
         alignment=4096, in_place=False):
    """Saves ``model`` to ``path`` atomically (see docs/python.md for the options).

    external_data: "keep" (tensors stay where they are), "inline" (bring external data
    into the file) or "external" (tensors of at least ``size_threshold`` bytes go to one side
    file, ``external_file`` or "<file>.data"). A model is never written over a file it reads
    unless ``in_place``.
    """
    _onnxkit._save_file(model, os.fspath(path), external_data, external_file, size_threshold,
                        alignment, in_place)


def to_bytes(model):
    """The serialized model (external references kept as they are)."""
    return model.to_bytes()


def to_onnx(model):
    """The model as an ``onnx.ModelProto`` (needs the onnx package)."""
    import onnx
    return onnx.ModelProto.FromString(model.to_bytes())


def dump(model, format="text", initializers="summary", node_names=(), op_types=(), max_depth=-1):
    """The model's dump (as ``onnxkit dump`` prints it): text, or with format="json" a dict.

    initializers: "none", "summary" or "full"; node_names / op_types filter the nodes;
    max_depth limits the sub-graph levels (-1: all).
    """
    if format not in ("text", "json"):
        raise ValueError(f"format is {format!r}; it must be 'text' or 'json'")
    text = _onnxkit._dump(model, format == "json", initializers, list(node_names),
                          list(op_types), max_depth)
    return json.loads(text) if format == "json" else text


def info(model, format="text"):
    """The model's summary (as ``onnxkit info`` prints it): text, or a dict for "json"."""
    if format not in ("text", "json"):
        raise ValueError(f"format is {format!r}; it must be 'text' or 'json'")
    text = _onnxkit._info(model, format == "json")
    return json.loads(text) if format == "json" else text


_PICTURE_FORMATS = ("svg", "png", "pdf", "html", "dot")


def render(model, path_or_format="svg", format=None, node_names=(), op_types=(), max_depth=-1,
           context=1, max_nodes=1000):
    """A picture of the model, as ``onnxkit render`` draws it (Graphviz's ``dot`` on PATH,
    except for "dot").

    path_or_format: one of "svg", "png", "pdf", "html", "dot" returns the picture (str for
    svg, html and dot; bytes for png and pdf); anything else is a path the picture is written
    to (atomically), in the format its extension names unless ``format`` is given; it then
    returns None. node_names / op_types draw only around those nodes (with ``context`` edges
    of neighbours); max_depth limits the sub-graph levels (-1: all); at most ``max_nodes``
    nodes are drawn (0: no limit).
    """
    path = ""
    if isinstance(path_or_format, str) and path_or_format in _PICTURE_FORMATS:
        if format is not None and format != path_or_format:
            raise ValueError(f"two formats: {path_or_format!r} and format={format!r}")
        format = path_or_format
    else:
        path = os.fspath(path_or_format)
        if format is None:
            format = os.path.splitext(path)[1][1:].lower()
            if format not in _PICTURE_FORMATS:
                raise ValueError(f"{path}: cannot tell the picture format from the name (.svg, "
                                 ".png, .pdf, .html or .dot; or format=)")
    if format not in _PICTURE_FORMATS:
        raise ValueError(f"format is {format!r}; it must be one of {', '.join(_PICTURE_FORMATS)}")
    if isinstance(node_names, str) or isinstance(op_types, str):
        raise TypeError("node_names and op_types are lists of names")
    picture = _onnxkit._render(model, format, list(node_names), list(op_types), max_depth,
                               context, max_nodes, path)
    if path:
        return None
    return picture if format in ("png", "pdf") else picture.decode("utf-8")


def _option_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ":".join(str(v) for v in value)
    return str(value)


def pipeline_step(name, **options):
    """A pipeline step as text: pipeline_step("dedupe-initializers", min_size=16) is
    "dedupe-initializers{min-size=16}" (underscores in option names become dashes; bools
    are true/false, lists are joined by ':')."""
    pairs = [(key.replace("_", "-"), _option_text(value)) for key, value in options.items()]
    return _onnxkit._pipeline_step(name, pairs)


def run_passes(model, pipeline, max_rounds=1, verify_each=False, explain=False):
    """Runs a pipeline ("a,b{key=value},c", or a list of steps) on ``model`` in place.

    Returns the report: {"runs": [{"pass", "round", "changed", "stats", "skipped",
    "seconds"}], "rounds", "changed", "reached_fixed_point"}.
    """
    if not isinstance(pipeline, str):
        pipeline = ",".join(pipeline)
    return _onnxkit._run_pipeline(model, pipeline, max_rounds, verify_each, explain)


def run_pass(model, name, **options):
    """Runs one pass by name with its options as keywords (see pipeline_step)."""
    return run_passes(model, pipeline_step(name, **options))


def _shape_specs(shapes):
    if isinstance(shapes, dict):
        return [f"{name}:" + ",".join("?" if d is None else str(d) for d in dims)
                for name, dims in shapes.items()]
    return list(shapes)


def simplify(model, input_shapes=None, skip=(), max_size=1 << 20, subgraphs=True,
             max_rounds=10, verify_each=False, explain=False):
    """Runs ``onnxkit simplify``'s pipeline on ``model`` in place (docs/cli.md, simplify).

    input_shapes: dims pinned first, as set_shape takes them; skip: pass names left out;
    max_size: the largest folded output in bytes; subgraphs: fold inside If/Loop/Scan bodies;
    max_rounds: rounds of the pipeline at most. Returns one report per stage ("prepare",
    "rounds", "finish"): run_passes's dict with "stage" added.
    """
    if isinstance(skip, str):
        skip = [skip]
    return _onnxkit._simplify(model, _shape_specs(input_shapes or {}), list(skip), max_size,
                              subgraphs, max_rounds, verify_each, explain)


def set_shape(model, shapes, reinfer=True, allow_conflicts=False):
    """Gives main-graph inputs new dims and re-infers the model.

    shapes: {"input": [1, 3, "N", None]} (ints, symbols, None for unknown) or a list of
    "input:1,3,N,?" strings. Returns the conflicts inference found (only with
    allow_conflicts; otherwise a conflict is an error and the model is unchanged).
    """
    return _onnxkit._set_shapes(model, _shape_specs(shapes), reinfer, allow_conflicts)


def rename(model, renames, target="auto"):
    """Renames values or nodes: {"old": "new", ...} (all at once, so a swap works).

    target: "auto" (each name decides), "values" or "nodes".
    """
    pairs = list(renames.items()) if isinstance(renames, dict) else list(renames)
    _onnxkit._rename(model, pairs, target)


def _attribute_text(value):
    if isinstance(value, (list, tuple)):
        return "[]" if not value else ",".join(_attribute_text(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def set_attr(model, node, attributes=None, **kwargs):
    """Sets attributes of the node named ``node``, typed as the op's schema says.

    attributes: {"strides": [2, 2]} (and/or keywords), or a list of ``onnxkit set-attr``
    assignments such as "alpha:float=0.2" for an explicit type.
    """
    assignments = []
    values = dict(kwargs)
    if isinstance(attributes, (list, tuple)):
        assignments = list(attributes)
    elif attributes:
        values = {**attributes, **kwargs}
    assignments += [f"{name}={_attribute_text(value)}" for name, value in values.items()]
    _onnxkit._set_attr(model, node, assignments)


__all__ = [
    "AlreadyExistsError", "DataLossError", "Diagnostic", "DiffEntry", "Error",
    "FailedPreconditionError", "Function", "Graph", "GraphOutputs", "InternalError",
    "InvalidArgumentError", "Location", "MissingFileError", "Model", "ModelDiff", "Node",
    "NotFoundError", "OutOfRangeError", "PermissionDeniedError", "ResourceExhaustedError",
    "UnimplementedError", "Value", "add_outputs", "check", "convert_opset", "data_type_of",
    "describe_pass", "diff", "dtype_of", "dump", "evaluate", "extract", "infer_shapes", "info",
    "load", "merge", "passes", "pipeline_step", "remove_node", "remove_outputs", "rename",
    "render", "replace_initializer", "rule_groups", "run_pass", "run_passes", "save",
    "set_attr", "set_shape", "simplify", "strip", "to_bytes", "to_onnx",
]
