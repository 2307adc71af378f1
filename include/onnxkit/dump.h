// Inspecting a model: a Netron-like view as text or JSON (`onnxkit dump`), a picture
// (`dump --format=dot`, `onnxkit render`) and a short summary (`onnxkit info`).
//
// The dump shows everything a reader needs to understand a model without a viewer: model
// properties, opset imports, graph inputs and outputs with their types, every node in graph
// order with the op schema it resolves to (the since-version of the schema for the imported
// opset, or why there is none), inputs and outputs labelled with the schema's formal
// parameter names, typed attributes, sub-graphs (recursively), initializers with a value
// preview and min/max/mean, sparse initializers, model-local functions and training graphs.
//
// Weights are read only as far as the summary needs them: statistics are computed for
// tensors up to `DumpOptions::stats_limit` bytes while the total stays within
// `stats_budget`; larger tensors say that their statistics were skipped and where their
// data lives. A dump of a model with gigabytes of external data therefore reads little of it.
//
// The output is deterministic: the same model and options give the same bytes. The JSON
// form is one object whose keys come in a fixed order; the text form is a rendering of the
// same document. Both are safe to print: in the text form, control characters and bytes
// that are not UTF-8 in the model's strings are escaped (onnxkit/escape.h:
// EscapeForDisplay); the JSON form is valid UTF-8 (ValidUtf8).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/ir.h"
#include "onnxkit/progress.h"
#include "onnxkit/status.h"

namespace onnxkit {

struct DumpOptions {
  enum class Initializers {
    kNone,     // no initializer listing (counts and total size only)
    kSummary,  // type, size, a few values and statistics within the limits below
    kFull,     // every value, and statistics for every numeric tensor whatever its size
  };
  Initializers initializers = Initializers::kSummary;
  // Only nodes with one of these names (empty = no filter).
  std::vector<std::string> node_names;
  // Only nodes with one of these op types (empty = no filter). With both filters a node must
  // pass both. Filters apply in every graph (sub-graphs and function bodies too); a node that
  // does not match but holds a sub-graph with a match is kept, marked as context.
  std::vector<std::string> op_types;
  // How many levels of sub-graphs (If/Loop/Scan bodies, graph attributes) to expand:
  // 0 expands none, -1 all.
  int max_depth = -1;
  // kSummary: tensors larger than this many bytes get no statistics (their data is not read
  // beyond the first few values of the preview).
  uint64_t stats_limit = uint64_t{16} << 20;
  // kSummary: once statistics have read this many bytes in total, the remaining tensors get
  // none, so that a model of many mid-sized tensors is not read in full either.
  uint64_t stats_budget = uint64_t{64} << 20;
  // Pictures (DumpDot, RenderGraph): with a node filter, also draw the nodes within this many
  // edges of a match, so that a match is seen in its place.
  int context = 1;
  // Pictures: draw at most this many nodes (0: no limit); the picture's title says how many
  // it left out. Graphviz takes minutes on tens of thousands of nodes.
  size_t max_nodes = 1000;
  // RenderGraph, RenderHtml: when set, told of the layout ("laying out N nodes with
  // Graphviz's dot", in seconds as it runs) and ended when the rendering returns.
  Progress* progress = nullptr;
};

// A byte count as dump shows it: "324 B", "60.8 KiB", "1.5 GiB".
std::string FormatBytes(uint64_t bytes);

// The dump as text (ends with a newline).
std::string DumpText(const Model& model, const DumpOptions& options = {});
// The dump as one JSON object (pretty-printed, ends with a newline).
std::string DumpJson(const Model& model, const DumpOptions& options = {});

// The same, written to `out` while it is produced: memory stays bounded by the largest node
// or tensor summary, not by the document (a million-node model dumps in the memory its IR
// takes). Stops writing after the first failed write and then returns an error.
Status DumpText(const Model& model, const DumpOptions& options, std::ostream& out);
Status DumpJson(const Model& model, const DumpOptions& options, std::ostream& out);

// The model as a Graphviz (DOT) picture: a box per node with its op type, name, first
// attributes and the initializers it reads (folded into it, not drawn apart); an edge per
// value with its type and shape (its name as the tooltip); graph inputs and outputs as
// ellipses; sub-graphs as dashed clusters whose results flow back into their node (up to
// `max_depth` levels, 8 when it is -1; deeper ones are summarised in the node's box). The filters
// of `options` focus the picture (see `context`); `max_nodes` bounds it. Function bodies and
// training graphs are not drawn. Deterministic, and safe to feed to Graphviz whatever the
// model's strings hold.
std::string DumpDot(const Model& model, const DumpOptions& options = {});
Status DumpDot(const Model& model, const DumpOptions& options, std::ostream& out);

// The picture rendered by Graphviz's `dot` program (found on PATH; Debian: graphviz) in
// `format` ("svg", "png" or "pdf"): the bytes of the image. An error says when `dot` is
// missing or fails.
StatusOr<std::string> RenderGraph(const Model& model, const DumpOptions& options,
                                  std::string_view format = "svg");

// The same picture as an interactive web page: one self-contained HTML file (no network, no
// other files) holding the SVG, pan (drag) and zoom (wheel, buttons, fit), a search box that
// marks the nodes whose name or op type holds the text and centres the first, and a side
// panel that shows a clicked node as DumpText lists it. The page's address can act for the
// reader: "graph.html#click=NAME" clicks the first node named NAME, "#search=TEXT" searches
// (URL-encoded). Needs `dot` as RenderGraph does.
StatusOr<std::string> RenderHtml(const Model& model, const DumpOptions& options);

// One tensor as dump shows an initializer, with at most `max_values` values (-1: all) and
// statistics (min, max, mean; NaN and infinity counts): "float32[2,2] [1,2,3,4]  min 1 max 4
// mean 2.5". The JSON form is dump's tensor object ({"name", "dtype", "dims", "bytes",
// "values", "stats"}) on one line.
std::string DumpTensorText(const Tensor& tensor, int64_t max_values);
std::string DumpTensorJson(const Tensor& tensor, int64_t max_values);

// A short summary of a model. Computing it reads no tensor data.
struct ModelInfo {
  struct Opset {
    std::string domain;  // as in the file ("" is the default domain)
    int64_t version = 0;
  };
  struct Io {
    std::string name;
    std::string type;  // TypeToString, "?" when undeclared
  };
  struct OpCount {
    std::string op;  // "Conv"; "domain.Op" outside the default domain
    int64_t count = 0;
  };

  int64_t ir_version = 0;
  std::string producer_name;
  std::string producer_version;
  std::vector<Opset> opsets;
  // Main graph inputs without an initializer, and its outputs.
  std::vector<Io> inputs;
  std::vector<Io> outputs;
  // Graph inputs that also have an initializer (an overridable default; IR 3 style).
  int64_t initializer_inputs = 0;
  // Nodes of the main graph and of its sub-graphs at any depth.
  int64_t node_count = 0;
  int64_t subgraph_node_count = 0;  // the part of node_count inside sub-graphs
  // Op histogram over the same nodes: count descending, then op name.
  std::vector<OpCount> op_histogram;
  int64_t function_count = 0;
  int64_t function_node_count = 0;  // nodes in function bodies (not inlined into the above)
  int64_t training_info_count = 0;
  // Dense initializers (main graph and sub-graphs) and sparse ones (values stored).
  int64_t initializer_count = 0;
  int64_t sparse_initializer_count = 0;
  int64_t parameter_count = 0;              // elements of dense initializers + stored sparse values
  uint64_t inline_bytes = 0;                // initializer data inside the model file
  uint64_t external_bytes = 0;              // initializer data in external files
  std::vector<std::string> external_files;  // distinct locations, sorted
};

ModelInfo GetModelInfo(const Model& model);
std::string InfoText(const ModelInfo& info);
std::string InfoJson(const ModelInfo& info);

}  // namespace onnxkit
