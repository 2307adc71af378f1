#include "schema/schemas.h"

#include <onnx/defs/schema.h>

#include <climits>

namespace onnxkit::schema {

std::string_view NormalDomain(std::string_view domain) {
  return domain == "ai.onnx" ? std::string_view() : domain;
}

bool IsStandardDomain(std::string_view domain) {
  domain = NormalDomain(domain);
  return domain.empty() || domain == "ai.onnx.ml" || domain == "ai.onnx.training" ||
         domain == "ai.onnx.preview.training";
}

std::optional<int64_t> KnownMaxVersion(std::string_view domain) {
  const auto& map = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto it = map.find(std::string(NormalDomain(domain)));
  if (it == map.end()) return std::nullopt;
  return it->second.second;
}

const onnx::OpSchema* Find(std::string_view op_type, int64_t version, std::string_view domain) {
  if (version <= 0) return nullptr;
  int v = version > INT_MAX ? INT_MAX : static_cast<int>(version);
  return onnx::OpSchemaRegistry::Schema(std::string(op_type), v,
                                        std::string(NormalDomain(domain)));
}

const onnx::OpSchema* FindAnyVersion(std::string_view op_type, std::string_view domain) {
  return onnx::OpSchemaRegistry::Schema(std::string(op_type), std::string(NormalDomain(domain)));
}

}  // namespace onnxkit::schema
