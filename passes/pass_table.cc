// The built-in passes, each declared once: name, summary, options (type, default, summary)
// and the class that implements it. The registry, `onnxkit passes`, `--help` and
// docs/passes.md are made from this table (tests/passes/passes_doc_test.cc keeps the doc in
// step). A new pass is a row here plus its own passes/<name>.{h,cc}.
#include "passes/pass_table.h"

#include <memory>
#include <vector>

#include "passes/constant_to_initializer.h"
#include "passes/dedupe_initializers.h"
#include "passes/eliminate_dead_code.h"
#include "passes/eliminate_identity.h"
#include "passes/topological_sort.h"

namespace onnxkit::passes {
namespace {

// The factory of a pass class whose constructor takes its options.
template <typename P>
StatusOr<std::unique_ptr<Pass>> Make(const PassOptions& options) {
  return std::unique_ptr<Pass>(std::make_unique<P>(options));
}

}  // namespace

std::span<const PassInfo> BuiltinPassTable() {
  static const std::vector<PassInfo> kTable = {
      // Rows: {"name", "summary", kNameOptions, &Make<NameClass>},
      {"constant-to-initializer",
       "turn Constant nodes into initializers of the same name (not in function bodies)",
       {},
       &Make<ConstantToInitializerPass>},
      {"eliminate-identity",
       "remove Identity nodes; a graph output keeps its name",
       {},
       &Make<EliminateIdentityPass>},
      {"dedupe-initializers",
       "merge initializers of one graph with the same type, dims and bytes",
       {},
       &Make<DedupeInitializersPass>},
      {"eliminate-dead-code",
       "remove unused nodes, initializers, local functions and opset imports",
       EliminateDeadCodePass::kOptions, &Make<EliminateDeadCodePass>},
      {"topological-sort",
       "order every graph's nodes topologically, moving only nodes that come too early",
       {},
       &Make<TopologicalSortPass>},
  };
  return kTable;
}

}  // namespace onnxkit::passes
