// The types shape inference gives the values of a model, inferred once, for passes
// that decide by static shapes (eliminate-nop, the fuse-consecutive-* passes).
//
// Exports declare few intermediate types, and a pass must not add value_info entries it does
// not need, so the inference engine (which only reads the model) keeps what it finds to
// itself, and the types are looked up per graph by name: two sub-graphs that use one name for
// values of different types never mix. Function bodies are not inferred (they declare their
// own types or none).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "onnxkit/ir.h"

namespace onnxkit::passes {

class StaticTypes {
 public:
  // The types of `model` (which must outlive this), inferred at the first look-up of a value
  // whose declared type has no shape: most look-ups need none (simplify has just run
  // infer-shapes), and inference is most of a pass's time. The model is inferred as it is
  // at that look-up, rewrites the pass made before included (as the fuse-consecutive-*
  // passes had it when they made their StaticTypes at the first candidate).
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
  // Fills types_.
  void Infer() const;

  const Model& model_;
  mutable bool inferred_ = false;
  mutable absl::flat_hash_map<const Graph*, absl::flat_hash_map<std::string, Type>> types_;
};

// Whether `d` is the number `n`.
inline bool IsDim(const Dim& d, int64_t n) { return d.kind == Dim::Kind::kValue && d.value == n; }
// Whether two dims are known to be equal (the same number, or the same symbol).
bool SameDim(const Dim& a, const Dim& b);

}  // namespace onnxkit::passes
