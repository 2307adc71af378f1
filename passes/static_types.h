// The types shape inference gives the values of a model, computed once on a copy, for passes
// that decide by static shapes (eliminate-nop, the fuse-consecutive-* passes).
//
// Exports declare few intermediate types, and a pass must not add value_info entries it does
// not need, so inference runs on an in-memory copy (passes/model_copies.h) and the types are
// looked up per graph: the copy's graphs pair with the model's in RewritableGraphs order, so
// two sub-graphs that use one name for values of different types never mix. Function bodies
// are not inferred (they declare their own types or none).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "onnxkit/ir.h"

namespace onnxkit::passes {

class StaticTypes {
 public:
  // Infers a copy of `model`; when the copy cannot be made, every look-up falls back to the
  // declared types.
  explicit StaticTypes(const Model& model);

  // The type of `v`: its declared type when that has a shape, else the inferred one, else the
  // declared one without shape; nullptr when nothing is known.
  const Type* TypeOf(const Value& v) const;
  // The element type of a tensor value, or nullopt.
  std::optional<int32_t> ElemType(const Value& v) const;
  // The dims of a tensor value of known rank (each a number, a symbol or unknown), or nullopt.
  const std::vector<Dim>* Dims(const Value& v) const;
  // The rank of a tensor value, or nullopt.
  std::optional<size_t> Rank(const Value& v) const;

 private:
  absl::flat_hash_map<const Graph*, absl::flat_hash_map<std::string, Type>> types_;
};

// Whether `d` is the number `n`.
inline bool IsDim(const Dim& d, int64_t n) { return d.kind == Dim::Kind::kValue && d.value == n; }
// Whether two dims are known to be equal (the same number, or the same symbol).
bool SameDim(const Dim& a, const Dim& b);

}  // namespace onnxkit::passes
