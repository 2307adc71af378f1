#include <fmt/format.h>

#include <cctype>
#include <filesystem>

#include "io/external_data.h"
#include "io/mapped_file.h"
#include "io/reader.h"
#include "onnxkit/io.h"

namespace onnxkit {
namespace {

bool LooksLikeText(std::string_view bytes) {
  size_t n = std::min<size_t>(bytes.size(), 256);
  if (n == 0) return false;
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (!std::isprint(c) && !std::isspace(c)) return false;
  }
  return true;
}

Status Prefixed(const std::string& label, const Status& s) {
  return Status(s.code(), fmt::format("{}: {}", label, StatusMessage(s)));
}

StatusOr<std::unique_ptr<Model>> Decode(const Bytes& bytes, const std::string& label,
                                        const LoadOptions& options, std::string base_dir) {
  if (bytes.empty()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: the file is empty (0 bytes), not an ONNX model", label));
  }
  auto model = io_internal::DecodeModel(bytes);
  if (!model.ok()) {
    std::string hint;
    if (LooksLikeText(bytes.view())) {
      hint =
          " (the file looks like text: onnxkit reads the binary protobuf format, not the "
          "text format)";
    } else if (io_internal::LooksLikeGraphProto(bytes)) {
      hint =
          " (the file holds a serialized GraphProto, not a ModelProto: a model wraps its "
          "graph with ir_version and opset_import)";
    }
    return absl::InvalidArgumentError(fmt::format("{}: not a valid ONNX model: {}{}", label,
                                                  StatusMessage(model.status()), hint));
  }
  (*model)->base_dir = std::move(base_dir);
  if (options.check_external_data) {
    Status s = io_internal::ResolveExternalData(**model, (*model)->base_dir);
    if (!s.ok()) return Prefixed(label, s);
  }
  return model;
}

}  // namespace

StatusOr<std::unique_ptr<Model>> LoadFile(const std::string& path, const LoadOptions& options) {
  namespace fs = std::filesystem;
  if (path == "-") {
    ONNXKIT_ASSIGN_OR_RETURN(Bytes bytes, io_internal::ReadStdin());
    std::string base = options.base_dir.empty() ? fs::current_path().string() : options.base_dir;
    return Decode(bytes, "<stdin>", options, base);
  }
  auto bytes = io_internal::MapFile(path);
  if (!bytes.ok()) return bytes.status();
  std::string base = options.base_dir;
  if (base.empty()) {
    fs::path parent = fs::path(path).parent_path();
    base = parent.empty() ? std::string(".") : parent.string();
  }
  return Decode(*bytes, path, options, base);
}

StatusOr<std::unique_ptr<Model>> LoadBytes(std::string_view bytes, const LoadOptions& options) {
  return Decode(Bytes::Copy(bytes), "<bytes>", options, options.base_dir);
}

}  // namespace onnxkit
