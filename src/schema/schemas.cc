#include "schema/schemas.h"

#include <onnx/defs/schema.h>

#include <climits>
#include <tuple>

#include "absl/container/flat_hash_map.h"

namespace onnxkit::schema {

bool IsStandardDomain(std::string_view domain) {
  domain = NormalDomain(domain);
  // The linked library's domains, and those of releases newer than it (ai.onnx.preview
  // came with 1.22): a model using them is newer than the library, not custom.
  return domain.empty() || domain == "ai.onnx.ml" || domain == "ai.onnx.training" ||
         domain == "ai.onnx.preview.training" || domain == "ai.onnx.preview" ||
         KnownMaxVersion(domain).has_value();
}

std::optional<int64_t> KnownMaxVersion(std::string_view domain) {
  thread_local absl::flat_hash_map<std::string, std::optional<int64_t>> cache;
  std::string key(NormalDomain(domain));
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  const auto& map = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto it = map.find(key);
  std::optional<int64_t> known;
  if (it != map.end()) known = it->second.second;
  cache.emplace(std::move(key), known);
  return known;
}

const onnx::OpSchema* Find(std::string_view op_type, int64_t version, std::string_view domain) {
  if (version <= 0) return nullptr;
  if (auto known = KnownMaxVersion(domain); known && version > *known) return nullptr;
  int v = version > INT_MAX ? INT_MAX : static_cast<int>(version);
  // libonnx's lookup builds strings and walks three maps per call; checking a large graph
  // asks for the same few (op, version, domain) thousands of times. The cache is per
  // thread because `check -j` checks files in parallel.
  using Key = std::tuple<std::string, int, std::string>;
  thread_local absl::flat_hash_map<Key, const onnx::OpSchema*> cache;
  Key key{std::string(op_type), v, std::string(NormalDomain(domain))};
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  const onnx::OpSchema* found =
      onnx::OpSchemaRegistry::Schema(std::get<0>(key), v, std::get<2>(key));
  cache.emplace(std::move(key), found);
  return found;
}

const onnx::OpSchema* FindAnyVersion(std::string_view op_type, std::string_view domain) {
  return onnx::OpSchemaRegistry::Schema(std::string(op_type), std::string(NormalDomain(domain)));
}

}  // namespace onnxkit::schema
