// A model's local functions by (domain, name) (internal). Model::FindFunction scans the list;
// the checker and dump look a function up for every node, which on a model of thousands of
// functions made them quadratic. The index views the model's strings: the model must outlive
// it and keep its functions' names unchanged.
#pragma once

#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "onnxkit/ir.h"

namespace onnxkit::util {

class FunctionIndex {
 public:
  explicit FunctionIndex(const Model& model) {
    functions_.reserve(model.functions.size());
    // The first definition wins, as in Model::FindFunction.
    for (const auto& fn : model.functions) functions_.try_emplace({fn->domain, fn->name}, fn.get());
  }

  // The function (domain, name), or nullptr.
  const Function* Find(std::string_view domain, std::string_view name) const {
    auto it = functions_.find(std::pair(domain, name));
    return it == functions_.end() ? nullptr : it->second;
  }

 private:
  absl::flat_hash_map<std::pair<std::string_view, std::string_view>, const Function*> functions_;
};

}  // namespace onnxkit::util
