// What the edits of onnxkit/edit.h share: the graphs of the model's scope and finding a node
// by name in them (internal).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit::surgery {

// The main graph and its sub-graphs at any depth, then each training graph and its
// sub-graphs: parents before children. Function bodies are scopes of their own and are not
// included.
std::vector<Graph*> ScopeGraphs(Model& model);

// "Relu 'r0'" (or "Relu" for a node without a name), for messages.
std::string NodeLabel(const Node& node);

// The one node named `name` in the model's scope. An error when there is none (naming the
// closest node name, if one is close) or several.
StatusOr<Node*> FindNodeByName(Model& model, std::string_view name);

// "; did you mean 'x'?" when a candidate is close to `name`, else "".
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace onnxkit::surgery
