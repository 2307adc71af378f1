#!/usr/bin/env python3
"""Writes the IR 10+ test models of tests/data/ir10 (run with the project's venv: onnx 1.23.2).

  ir10_fields.onnx       every field IR 10 added that onnxkit models: metadata_props on the
                         model's nodes, graph, values, tensors and functions; two overloads of
                         one function with value_info, called by overload; the model's device
                         configurations and a node's device configurations with sharding specs.
  ir10_missing_overload.onnx
                         a call naming an overload that no function has (invalid).

Usage: python3 make_ir10_models.py [output folder, default: this file's folder]
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def add_metadata(proto, **pairs):
    for key, value in pairs.items():
        entry = proto.metadata_props.add()
        entry.key = key
        entry.value = value


def scale_function(overload, factor):
    """local.Scale with `overload`: Y = X * factor, with a typed intermediate in value_info."""
    nodes = [
        helper.make_node("Constant", [], ["k"], value=numpy_helper.from_array(
            np.array(factor, dtype=np.float32), "k")),
        helper.make_node("Mul", ["X", "k"], ["Y"]),
    ]
    fn = helper.make_function(
        "local", "Scale", ["X"], ["Y"], nodes, [helper.make_opsetid("", 21)],
        overload=overload,
        value_info=[helper.make_tensor_value_info("k", TensorProto.FLOAT, [])],
        doc_string=f"multiplies by {factor}")
    add_metadata(fn, purpose=f"scale by {factor}")
    return fn


def device_configuration(name, devices):
    config = onnx.DeviceConfigurationProto()
    config.name = name
    config.num_devices = len(devices)
    config.device.extend(devices)
    return config


def node_device_configuration():
    config = onnx.NodeDeviceConfigurationProto()
    config.configuration_id = "pair"
    config.pipeline_stage = 1
    spec = config.sharding_spec.add()
    spec.tensor_name = "X"
    spec.device.extend([0, 1])
    group = spec.index_to_device_group_map.add()
    group.key = 1
    group.value.extend([1, 2])
    dim = spec.sharded_dim.add()
    dim.axis = 0
    simple = dim.simple_sharding.add()
    simple.dim_param = "N"
    simple.num_shards = 2
    simple = dim.simple_sharding.add()
    simple.dim_value = 4
    simple.num_shards = 2
    return config


def fields_model():
    doubled = helper.make_node("Scale", ["X"], ["D"], name="double", domain="local",
                               overload="twice")
    add_metadata(doubled, origin="layer1", note="")
    tripled = helper.make_node("Scale", ["D"], ["T"], name="triple", domain="local",
                               overload="thrice")
    add = helper.make_node("Add", ["T", "B"], ["Y"], name="add")
    add.device_configurations.append(node_device_configuration())
    b = numpy_helper.from_array(np.ones([4], dtype=np.float32), "B")
    add_metadata(b, source="ones")
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 4])
    add_metadata(x, layout="NC")
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["N", 4])
    graph = helper.make_graph([doubled, tripled, add], "ir10", [x], [y], [b])
    add_metadata(graph, stage="test")
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("local", 1)],
        functions=[scale_function("twice", 2.0), scale_function("thrice", 3.0)],
        ir_version=10, producer_name="make_ir10_models.py")
    model.configuration.append(device_configuration("pair", ["cuda:0", "cuda:1"]))
    model.configuration.append(device_configuration("solo", []))
    return model


def missing_overload_model():
    model = fields_model()
    model.graph.node[1].overload = "four_times"
    return model


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    model = fields_model()
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(out, "ir10_fields.onnx"))
    onnx.save(missing_overload_model(), os.path.join(out, "ir10_missing_overload.onnx"))


if __name__ == "__main__":
    main()
