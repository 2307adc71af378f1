#include "passes/model_copies.h"

#include "onnxkit/io.h"

namespace onnxkit::passes {

ModelCopies::ModelCopies(const Model& model)
    : bytes_(SaveBytes(model)), base_dir_(model.base_dir) {}

StatusOr<std::unique_ptr<Model>> ModelCopies::Make() const {
  if (!bytes_.ok()) return bytes_.status();
  LoadOptions options;
  options.base_dir = base_dir_;
  return LoadBytes(*bytes_, options);
}

}  // namespace onnxkit::passes
