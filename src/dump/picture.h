// The pieces the pictures share (internal): the DOT text with the node behind each of its
// boxes, that text laid out by Graphviz's `dot`, and each drawn node as the text dump shows
// it. RenderGraph uses the layout; RenderHtml the layout and the node texts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "onnxkit/dump.h"
#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit::dump_internal {

// DumpDot's text; `boxes` receives the drawn nodes, boxes[k] being the node whose box is
// named "n<k>" in the DOT (and titled so in Graphviz's SVG).
std::string DotPicture(const Model& model, const DumpOptions& options,
                       std::vector<const Node*>* boxes);

// The DOT picture of `model` (DotPicture, filling `boxes`) laid out by Graphviz's
// `dot -T<format>`: dot's output, or an error with what dot said. The one way the pictures
// run dot: `options.progress` hears of the layout while it runs, and is ended on return.
StatusOr<std::string> LayOutPicture(const Model& model, const DumpOptions& options,
                                    std::string_view format, std::vector<const Node*>* boxes);

// Each of `nodes` as DumpText lists it in its graph (the "#index op name" line and the
// indented lines below it), with sub-graphs named but not expanded: the picture draws them,
// and their nodes have texts of their own. The filters of `options` do not apply.
absl::flat_hash_map<const Node*, std::string> NodeTexts(
    const Model& model, const DumpOptions& options, const absl::flat_hash_set<const Node*>& nodes);

}  // namespace onnxkit::dump_internal
