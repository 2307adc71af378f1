#include "passes/tensor_contents.h"

#include <fmt/format.h>

namespace onnxkit::passes {

StatusOr<Bytes> TensorContents(const Tensor& t) {
  if (t.data_type == static_cast<int32_t>(DataType::kString)) {
    std::string out;
    for (const std::string& s : t.string_data) {
      out += fmt::format("{}:", s.size());
      out += s;
    }
    return Bytes::Own(std::move(out));
  }
  return t.Data();
}

}  // namespace onnxkit::passes
