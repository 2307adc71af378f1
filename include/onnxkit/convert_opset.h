// Converting a model to another version of the default-domain opset ("" / "ai.onnx"), with
// the version converter of the linked ONNX library (`onnxkit convert-opset`).
//
// The converter walks one opset version at a time, and at each step rewrites every node
// whose operator changed at that step with the converter's adapter for it (an attribute that
// became an input, a new default, an operator renamed). Before each step, every node of the
// main graph and of its sub-graphs is looked up in the converter's adapter table, so an
// operator that changed at that step and has no adapter (or did not exist yet, going down)
// is an error that names the node, its op type and the step, before anything is converted.
// So is a node whose adapter is known to change what it computes: ONNX's Softmax, LogSoftmax
// and Hardmax 13 -> 12 adapter keeps the axis, right only for the input's last axis.
//
// What is converted, and what is not:
//   - the main graph and its sub-graphs (If/Loop/Scan bodies); nodes of other domains are
//     left as they are, and so are their opset imports;
//   - model-local functions keep their bodies and their own opset imports (ONNX's converter
//     does not convert functions);
//   - the model's ir_version is raised to the IR version the target opset came with, when
//     it is older (never lowered);
//   - converting to the model's own version changes nothing.
// The main graph goes through ONNX's in-memory IR and back. What that IR does not model is
// carried over by onnxkit: the graph's metadata and quantization annotations, and each named
// node's metadata_props and device configurations; the value_info entries its shape inference
// adds are dropped. Not carried: metadata of values and tensors, and the graph-level
// metadata of sub-graphs. Models it would lose more of are refused (FailedPrecondition):
// training_info, sparse initializers in the main graph.
//
// Weights: main-graph initializers of 1 MiB and more are not given to the converter — its
// adapters read only small tensors (axes, shapes, scales, pads, per-channel parameters) —
// and are put back unchanged, their data never read; smaller external ones are read and
// given inline, then put back as the references they were. So a model with external weights
// keeps its references. What is given to the converter must be under
// protobuf's 2 GiB message limit; a larger remainder is refused before converting.
//
// Errors: InvalidArgument for a target outside 1..the newest opset the linked ONNX knows;
// FailedPrecondition for a model without main graph or default-domain import, the refused
// models above, and a step with no adapter (the message names the node). On any error the
// model is unchanged.
#pragma once

#include <cstdint>

#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit {

Status ConvertOpset(Model& model, int64_t target_version);

}  // namespace onnxkit
