// How dump names an op: the libonnx schema it resolves to (and that schema's formal
// parameter names), a model-local function, or the reason there is neither (internal).
//
// libonnx stays behind this header: the public dump API never sees onnx types.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onnxkit/ir.h"
#include "util/function_index.h"

namespace onnxkit::dump_internal {

enum class ParamOption { kSingle, kOptional, kVariadic };

struct FormalParam {
  std::string name;
  ParamOption option = ParamOption::kSingle;
};

struct OpResolution {
  enum class Kind { kSchema, kLocalFunction, kNoSchema };
  Kind kind = Kind::kNoSchema;
  int since_version = 0;    // kSchema
  bool deprecated = false;  // kSchema
  std::string reason;       // kNoSchema: why there is none
  // Formal inputs and outputs (kSchema: the schema's; kLocalFunction: the body's names).
  std::vector<FormalParam> inputs;
  std::vector<FormalParam> outputs;
};

// The opset imports a node sees: a function body's own imports first, then the model's.
struct OpsetScope {
  const Model* model = nullptr;
  const std::vector<OpsetImport>* function_opsets = nullptr;  // nullptr outside functions
  // The model's functions, indexed (nullptr: Model::FindFunction's scan).
  const util::FunctionIndex* functions = nullptr;

  std::optional<int64_t> Version(std::string_view domain) const;
};

// "" and "ai.onnx" are one domain; dump calls it "ai.onnx".
std::string DisplayDomain(std::string_view domain);

OpResolution ResolveOp(const OpsetScope& scope, const Node& node);

// One label per actual slot: the formal name ("X"), the formal name with an index for a
// variadic parameter ("inputs[1]"), or `fallback[i]` when there is no formal parameter.
std::vector<std::string> SlotLabels(const std::vector<FormalParam>& formals, size_t count,
                                    std::string_view fallback);

// True when an INT attribute holds a TensorProto.DataType number (Cast.to, EyeLike.dtype…),
// so that dump can print the type's name.
bool HoldsDataType(const Node& node, const OpResolution& resolution, const Attribute& attr);

}  // namespace onnxkit::dump_internal
