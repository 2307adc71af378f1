#!/usr/bin/env python3
"""Cut a classifier's head off: keep the backbone, return its features.

    python examples/surgery_cut_head.py resnet18.onnx features.onnx

The model's classifier is the Gemm (or MatMul) that computes its first output. The result
computes, from the same inputs, two outputs instead of the class scores:

  embedding    what the classifier read (resnet18: the pooled, flattened 512 features);
  feature_map  the tensor before the pooling and flattening that made the embedding
               (resnet18: layer4's output, 512x7x7), an intermediate tensor exposed.

Everything after them goes, the classifier's weights with it. Uses only the public
onnxkit API: the IR to find the tensors, then extract, rename, check and save.
"""

import argparse
import sys

import onnxkit

# Ops that only pool or reshape the feature map into the classifier's input vector.
POOLING_OPS = {"Flatten", "Reshape", "Squeeze", "GlobalAveragePool", "AveragePool", "ReduceMean"}


def find_classifier(graph):
    """The node computing the first graph output, when it is a Gemm or MatMul."""
    scores = graph.outputs[0]
    node = scores.producer
    if node is None or node.op_type not in ("Gemm", "MatMul"):
        found = node.op_type if node else "no node"
        raise SystemExit(f"the output '{scores.name}' is computed by {found}, not a Gemm or "
                         "MatMul: this is not a classifier head this script knows")
    return node


def feature_map_before(embedding):
    """Walks back from the embedding through pooling and reshaping to the feature map."""
    value = embedding
    while value.producer is not None and value.producer.op_type in POOLING_OPS:
        value = value.producer.inputs[0]
    return value


def cut_head(model):
    graph = model.graph
    classifier = find_classifier(graph)
    embedding = classifier.inputs[0]
    feature_map = feature_map_before(embedding)
    outputs = [embedding.name]
    if feature_map != embedding:
        outputs.append(feature_map.name)
    inputs = [v.name for v in graph.inputs if v.kind == "graph_input"]
    stats = onnxkit.extract(model, inputs=inputs, outputs=outputs)
    names = {embedding.name: "embedding", feature_map.name: "feature_map"}
    onnxkit.rename(model, {old: names[old] for old in outputs}, target="values")
    return stats


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("output")
    args = parser.parse_args(argv)

    model = onnxkit.load(args.model)
    before = len(model.graph.nodes)
    stats = cut_head(model)
    errors = [d for d in onnxkit.check(model) if d.severity == "error"]
    for d in errors:
        print(d, file=sys.stderr)
    if errors:
        return 1
    onnxkit.save(model, args.output)
    print(f"{args.output}: {before} -> {len(model.graph.nodes)} nodes "
          f"({stats['initializers_removed']} initializers removed); outputs: " +
          ", ".join(f"{v.name} {v.type}" for v in model.graph.outputs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
