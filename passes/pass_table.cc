// The built-in passes, each declared once: name, summary, options (type, default, summary)
// and the class that implements it. The registry, `onnxkit passes`, `--help` and
// docs/passes.md are made from this table (tests/passes/passes_doc_test.cc keeps the doc in
// step). A new pass is a row here plus its own passes/<name>.{h,cc}.
#include "passes/pass_table.h"

#include <memory>
#include <vector>

#include "passes/inline_functions.h"

namespace onnxkit::passes {
namespace {

constexpr PassOptionSpec kInlineFunctionsOptions[] = {
    {"functions", PassOptionSpec::Kind::kList, "",
     "inline only these functions (names, or domain.name); empty: all"},
    {"keep-definitions", PassOptionSpec::Kind::kBool, "false",
     "keep the inlined functions' definitions in the model"},
};

// The factory of a pass class whose constructor takes its options.
template <typename P>
StatusOr<std::unique_ptr<Pass>> Make(const PassOptions& options) {
  return std::unique_ptr<Pass>(std::make_unique<P>(options));
}

}  // namespace

std::span<const PassInfo> BuiltinPassTable() {
  static const std::vector<PassInfo> kTable = {
      // Rows: {"name", "summary", kNameOptions, &Make<NameClass>},
      {"inline-functions", "replace calls of model-local functions by their bodies",
       kInlineFunctionsOptions, &Make<InlineFunctions>},
  };
  return kTable;
}

}  // namespace onnxkit::passes
