#include <fmt/format.h>

#include <cctype>
#include <filesystem>

#include "io/external_data.h"
#include "io/input_file.h"
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

StatusOr<std::unique_ptr<Model>> Decode(const io_internal::InputBytes& input,
                                        const std::string& label, const LoadOptions& options,
                                        std::string base_dir) {
  const Bytes& bytes = input.bytes;
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
  (*model)->source_file = input.id;
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
    // A model on standard input has no folder: its external data is only where the caller
    // says (resolving against the current folder would let any piped model read any file).
    ONNXKIT_ASSIGN_OR_RETURN(io_internal::InputBytes input, io_internal::ReadStdin());
    return Decode(input, "<stdin>", options, options.base_dir);
  }
  ONNXKIT_ASSIGN_OR_RETURN(io_internal::InputBytes input, io_internal::ReadInputFile(path));
  std::string base = options.base_dir;
  if (base.empty()) {
    fs::path parent = fs::path(path).parent_path();
    base = parent.empty() ? std::string(".") : parent.string();
  }
  return Decode(input, path, options, base);
}

StatusOr<std::unique_ptr<Model>> LoadBytes(std::string_view bytes, const LoadOptions& options) {
  return Decode(io_internal::InputBytes{Bytes::Copy(bytes), std::nullopt}, "<bytes>", options,
                options.base_dir);
}

}  // namespace onnxkit
