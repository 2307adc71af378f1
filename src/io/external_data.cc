#include "io/external_data.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>

namespace onnxkit::io_internal {
namespace {

namespace fs = std::filesystem;

struct Reference {
  std::string location;
  std::optional<uint64_t> offset;
  std::optional<uint64_t> length;
};

StatusOr<uint64_t> ParseNumber(const std::string& key, const std::string& text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return absl::InvalidArgumentError(
        fmt::format("external_data '{}' is '{}', not a decimal integer", key, text));
  }
  return v;
}

StatusOr<Reference> ParseReference(const Tensor& t) {
  Reference ref;
  bool has_location = false;
  for (const StringPair& kv : t.external_data) {
    if (kv.key == "location") {
      ref.location = kv.value;
      has_location = true;
    } else if (kv.key == "offset") {
      ONNXKIT_ASSIGN_OR_RETURN(ref.offset, ParseNumber(kv.key, kv.value));
    } else if (kv.key == "length") {
      ONNXKIT_ASSIGN_OR_RETURN(ref.length, ParseNumber(kv.key, kv.value));
    }
  }
  if (!has_location || ref.location.empty()) {
    return absl::InvalidArgumentError(
        "data_location is EXTERNAL but external_data has no 'location'");
  }
  return ref;
}

bool IsInside(const fs::path& child, const fs::path& folder) {
  auto rel = child.lexically_relative(folder);
  return !rel.empty() && *rel.begin() != ".." && !rel.is_absolute();
}

// Resolves `location` inside `base` (both symlink-free afterwards); refuses escapes.
StatusOr<std::string> ResolveLocation(const std::string& location, const fs::path& base) {
  fs::path loc(location);
  if (loc.is_absolute() || (!location.empty() && location[0] == '/')) {
    return absl::PermissionDeniedError(fmt::format(
        "external data location '{}' is an absolute path (locations must be relative to the "
        "model's folder)",
        location));
  }
  for (const auto& part : loc) {
    if (part == "..") {
      return absl::PermissionDeniedError(fmt::format(
          "external data location '{}' leaves the model's folder through '..'", location));
    }
  }
  std::error_code ec;
  fs::path canonical_base = fs::canonical(base, ec);
  if (ec) {
    return absl::NotFoundError(
        fmt::format("model folder '{}' cannot be resolved: {}", base.string(), ec.message()));
  }
  fs::path joined = canonical_base / loc;
  if (!fs::exists(fs::symlink_status(joined, ec))) {
    return absl::NotFoundError(fmt::format("external data file '{}' does not exist (looked for {})",
                                           location, joined.string()));
  }
  fs::path resolved = fs::canonical(joined, ec);
  if (ec) {
    return absl::NotFoundError(
        fmt::format("external data file '{}' cannot be resolved: {}", location, ec.message()));
  }
  if (!IsInside(resolved, canonical_base)) {
    return absl::PermissionDeniedError(fmt::format(
        "external data location '{}' resolves to {}, outside the model's folder (through a "
        "symlink)",
        location, resolved.string()));
  }
  if (!fs::is_regular_file(resolved, ec)) {
    return absl::InvalidArgumentError(
        fmt::format("external data location '{}' is not a regular file", location));
  }
  return resolved.string();
}

}  // namespace

StatusOr<ExternalLocation> LocateExternalData(const Tensor& t, const std::string& base_dir) {
  if (t.has_raw_data()) {
    return absl::InvalidArgumentError(
        "data_location is EXTERNAL but the tensor also carries inline raw_data");
  }
  ONNXKIT_ASSIGN_OR_RETURN(Reference ref, ParseReference(t));
  ONNXKIT_ASSIGN_OR_RETURN(std::string file, ResolveLocation(ref.location, fs::path(base_dir)));
  std::error_code ec;
  uint64_t file_size = fs::file_size(file, ec);
  if (ec) return absl::NotFoundError(fmt::format("{}: {}", file, ec.message()));
  uint64_t offset = ref.offset.value_or(0);
  if (offset > file_size) {
    return absl::OutOfRangeError(
        fmt::format("external data offset {} lies beyond the end of '{}' ({} bytes)", offset,
                    ref.location, file_size));
  }
  uint64_t length = ref.length.value_or(file_size - offset);
  if (length > file_size - offset) {
    return absl::OutOfRangeError(fmt::format(
        "external data range offset {} + length {} runs past the end of '{}' ({} bytes)", offset,
        length, ref.location, file_size));
  }
  ONNXKIT_ASSIGN_OR_RETURN(uint64_t expected, t.RawByteSize());
  if (t.data_type != static_cast<int32_t>(DataType::kString) && length != expected) {
    return absl::InvalidArgumentError(
        fmt::format("external data length {} disagrees with the tensor's size: {}{} is {} bytes",
                    length, DataTypeName(t.data_type), DimsToString(t.dims), expected));
  }
  return ExternalLocation{std::move(file), offset, length};
}

Status ResolveExternalData(Model& model, const std::string& base_dir) {
  Status first;
  ForEachTensor(model, [&](const Tensor& t, const TensorSite& site) {
    if (!t.is_external() || !first.ok()) return;
    if (base_dir.empty()) {
      first = absl::FailedPreconditionError(
          fmt::format("{}: the tensor's data is external, but the model was not loaded from a file "
                      "(set LoadOptions::base_dir)",
                      site.description));
      return;
    }
    auto location = LocateExternalData(t, base_dir);
    if (!location.ok()) {
      first = Status(location.status().code(),
                     fmt::format("{}: {}", site.description, StatusMessage(location.status())));
      return;
    }
    // The loader owns the model; attaching the location is part of loading it.
    const_cast<Tensor&>(t).external = std::make_shared<ExternalLocation>(*std::move(location));
  });
  return first;
}

}  // namespace onnxkit::io_internal
