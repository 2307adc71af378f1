// Independent in-memory copies of a model, for passes that try something on a copy first
// (infer types without adding value_info entries to the model, probe a changed constant):
// the model is serialized once, and each copy is loaded from those bytes with its external
// data read from the model's folder.
#pragma once

#include <memory>
#include <string>

#include "onnxkit/ir.h"
#include "onnxkit/status.h"

namespace onnxkit::passes {

class ModelCopies {
 public:
  explicit ModelCopies(const Model& model);
  // A fresh copy; an error when the model could not be serialized or read back.
  StatusOr<std::unique_ptr<Model>> Make() const;

 private:
  StatusOr<std::string> bytes_;
  std::string base_dir_;
};

}  // namespace onnxkit::passes
