// A model's local functions by (domain, name, overload) (internal). Model::FindFunction
// scans the list; the checker and dump look a function up for every node, which on a model
// of thousands of functions made them quadratic. The index views the model's strings: the model
// must outlive it and keep its functions' names unchanged.
#pragma once

#include <string_view>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "onnxkit/ir.h"

namespace onnxkit::util {

class FunctionIndex {
 public:
  explicit FunctionIndex(const Model& model) {
    functions_.reserve(model.functions.size());
    // The first definition wins, as in Model::FindFunction.
    for (const auto& fn : model.functions) {
      functions_.try_emplace(Key{fn->domain, fn->name, fn->overload}, fn.get());
      names_.try_emplace(Name{fn->domain, fn->name}, fn.get());
    }
  }

  // The first function named (domain, name), whatever its overload, or nullptr: for telling
  // "no such overload" from "no such function".
  const Function* FindAnyOverload(std::string_view domain, std::string_view name) const {
    auto it = names_.find(Name{domain, name});
    return it == names_.end() ? nullptr : it->second;
  }

  // The function (domain, name, overload), or nullptr.
  const Function* Find(std::string_view domain, std::string_view name,
                       std::string_view overload = {}) const {
    auto it = functions_.find(Key{domain, name, overload});
    return it == functions_.end() ? nullptr : it->second;
  }
  // The function `call` calls (its domain, op_type and overload), or nullptr.
  const Function* Find(const Node& call) const {
    return Find(call.domain, call.op_type, call.overload);
  }

 private:
  using Key = std::tuple<std::string_view, std::string_view, std::string_view>;
  using Name = std::pair<std::string_view, std::string_view>;
  absl::flat_hash_map<Key, const Function*> functions_;
  absl::flat_hash_map<Name, const Function*> names_;
};

}  // namespace onnxkit::util
