// onnxkit eval: run a model's main graph on the CPU with the reference evaluator (eval.h) and
// print its outputs or write them as tensor files.
//
// Inputs are `--input name=SPEC`: a tensor file (.pb TensorProto, .npy NumPy) or a value
// written as JSON (`3`, `[1,2,3]`, `[[1,2],[3,4]]`, `true`, `["a","b"]`), whose element type
// is the model's declared one and whose dims are the declared ones when they are static
// (and hold as many elements), else the literal's own nesting.
//
// Exit codes: 0 fine; 1 the model cannot be evaluated (an op, version or type the evaluator
// refuses, values that break an op's spec, an unreadable model); 2 usage or I/O (a missing or
// unknown input, an input file that cannot be read or disagrees with the model's declaration,
// an output that cannot be written).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <tuple>
#include <variant>

#include "cli_common.h"
#include "onnxkit/dump.h"
#include "onnxkit/escape.h"
#include "onnxkit/eval.h"
#include "onnxkit/io.h"
#include "onnxkit/number_formats.h"

namespace onnxkit::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;  // keys in insertion order, as dump writes them

constexpr int64_t kDefaultValues = 20;

struct EvalArgs {
  std::string model;
  std::vector<std::string> inputs;
  std::string output_dir;
  bool npy = false;
  std::string format = "text";
  int64_t max_values = kDefaultValues;
  bool list_ops = false;
};

// ---------------------------------------------------------------------------------------
// Input values written on the command line.

// The literal's nesting: [] for a scalar, [3] for a flat list, [2,2] for [[1,2],[3,4]].
StatusOr<std::vector<int64_t>> LiteralDims(const Json& literal) {
  if (!literal.is_array()) return std::vector<int64_t>{};
  std::optional<std::vector<int64_t>> inner;
  for (const Json& item : literal) {
    ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> dims, LiteralDims(item));
    if (inner && *inner != dims) {
      return absl::InvalidArgumentError("the nested lists are not all of the same length");
    }
    inner = std::move(dims);
  }
  std::vector<int64_t> dims = {static_cast<int64_t>(literal.size())};
  if (inner) dims.insert(dims.end(), inner->begin(), inner->end());
  return dims;
}

void Flatten(const Json& literal, std::vector<const Json*>& leaves) {
  if (!literal.is_array()) {
    leaves.push_back(&literal);
    return;
  }
  for (const Json& item : literal) Flatten(item, leaves);
}

template <typename T>
StatusOr<T> IntegerLeaf(const Json& leaf, DataType type) {
  auto bad = [&] {
    return absl::InvalidArgumentError(fmt::format("{} is not a value of type {}", leaf.dump(),
                                                  DataTypeName(static_cast<int32_t>(type))));
  };
  if (leaf.is_boolean()) return static_cast<T>(leaf.get<bool>() ? 1 : 0);
  if (leaf.is_number_unsigned()) {
    const uint64_t v = leaf.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) return bad();
    return static_cast<T>(v);
  }
  if (leaf.is_number_integer()) {
    const int64_t v = leaf.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      if (v < 0) return bad();
      if (static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<T>::max())) {
        return bad();
      }
    } else {
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) return bad();
    }
    return static_cast<T>(v);
  }
  return bad();
}

StatusOr<double> RealLeaf(const Json& leaf, DataType type) {
  if (leaf.is_number()) return leaf.get<double>();
  return absl::InvalidArgumentError(fmt::format("{} is not a value of type {}", leaf.dump(),
                                                DataTypeName(static_cast<int32_t>(type))));
}

template <typename T, typename Convert>
StatusOr<Tensor> Build(std::vector<int64_t> dims, const std::vector<const Json*>& leaves,
                       Convert convert) {
  std::vector<T> values;
  values.reserve(leaves.size());
  for (const Json* leaf : leaves) {
    ONNXKIT_ASSIGN_OR_RETURN(T v, convert(*leaf));
    values.push_back(v);
  }
  return Tensor::FromValues<T>(std::move(dims), std::span<const T>(values.data(), values.size()));
}

StatusOr<Tensor> TensorOfType(DataType type, std::vector<int64_t> dims,
                              const std::vector<const Json*>& leaves) {
  auto real = [type](const Json& j) { return RealLeaf(j, type); };
  switch (type) {
    case DataType::kFloat:
      return Build<float>(std::move(dims), leaves, [&](const Json& j) -> StatusOr<float> {
        ONNXKIT_ASSIGN_OR_RETURN(double v, real(j));
        return static_cast<float>(v);
      });
    case DataType::kDouble: return Build<double>(std::move(dims), leaves, real);
    case DataType::kFloat16:
      return Build<Float16>(std::move(dims), leaves, [&](const Json& j) -> StatusOr<Float16> {
        ONNXKIT_ASSIGN_OR_RETURN(double v, real(j));
        return ToFloat16(static_cast<float>(v));
      });
    case DataType::kBfloat16:
      return Build<Bfloat16>(std::move(dims), leaves, [&](const Json& j) -> StatusOr<Bfloat16> {
        ONNXKIT_ASSIGN_OR_RETURN(double v, real(j));
        return ToBfloat16(static_cast<float>(v));
      });
#define ONNXKIT_INTEGER_CASE(kType, T)       \
  case DataType::kType:                      \
    return Build<T>(std::move(dims), leaves, \
                    [](const Json& j) { return IntegerLeaf<T>(j, DataType::kType); });
      ONNXKIT_INTEGER_CASE(kInt8, int8_t)
      ONNXKIT_INTEGER_CASE(kInt16, int16_t)
      ONNXKIT_INTEGER_CASE(kInt32, int32_t)
      ONNXKIT_INTEGER_CASE(kInt64, int64_t)
      ONNXKIT_INTEGER_CASE(kUint8, uint8_t)
      ONNXKIT_INTEGER_CASE(kUint16, uint16_t)
      ONNXKIT_INTEGER_CASE(kUint32, uint32_t)
      ONNXKIT_INTEGER_CASE(kUint64, uint64_t)
#undef ONNXKIT_INTEGER_CASE
    case DataType::kBool: {
      std::vector<bool> flags;
      for (const Json* leaf : leaves) {
        ONNXKIT_ASSIGN_OR_RETURN(uint8_t v, IntegerLeaf<uint8_t>(*leaf, DataType::kBool));
        if (v > 1) return absl::InvalidArgumentError(fmt::format("{} is not a bool", leaf->dump()));
        flags.push_back(v == 1);
      }
      std::unique_ptr<bool[]> values(new bool[flags.size()]);
      std::copy(flags.begin(), flags.end(), values.get());
      return Tensor::FromValues<bool>(std::move(dims),
                                      std::span<const bool>(values.get(), flags.size()));
    }
    case DataType::kString: {
      std::vector<std::string> strings;
      for (const Json* leaf : leaves) {
        if (!leaf->is_string()) {
          return absl::InvalidArgumentError(fmt::format("{} is not a string", leaf->dump()));
        }
        strings.push_back(leaf->get<std::string>());
      }
      return Tensor::FromStrings(std::move(dims), std::move(strings));
    }
    default:
      return absl::InvalidArgumentError(fmt::format(
          "values of type {} cannot be written on the command line: give a .pb or .npy file",
          DataTypeName(static_cast<int32_t>(type))));
  }
}

// The declared dims when every one is a number.
std::optional<std::vector<int64_t>> StaticDims(const Value& input) {
  const Type* type = input.type();
  if (type == nullptr || type->kind != Type::Kind::kTensor || !type->shape) return std::nullopt;
  std::vector<int64_t> dims;
  for (const Dim& d : type->shape->dims) {
    if (d.kind != Dim::Kind::kValue) return std::nullopt;
    dims.push_back(d.value);
  }
  return dims;
}

int64_t Product(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

StatusOr<Tensor> TensorFromLiteral(const std::string& text, const Value& input) {
  const Type* type = input.type();
  if (type == nullptr || type->kind != Type::Kind::kTensor || type->elem_type == 0) {
    return absl::InvalidArgumentError(
        "the model declares no tensor element type for it: give a .pb or .npy file");
  }
  const Json literal = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (literal.is_discarded()) {
    return absl::InvalidArgumentError(fmt::format(
        "'{}' is neither a tensor file (.pb, .npy) nor a value (3, [1,2,3], true, \"text\")",
        text));
  }
  ONNXKIT_ASSIGN_OR_RETURN(std::vector<int64_t> dims, LiteralDims(literal));
  std::vector<const Json*> leaves;
  Flatten(literal, leaves);
  std::optional<std::vector<int64_t>> declared = StaticDims(input);
  if (declared && dims.size() <= 1 && Product(*declared) == static_cast<int64_t>(leaves.size())) {
    dims = *declared;
  }
  return TensorOfType(static_cast<DataType>(type->elem_type), std::move(dims), leaves);
}

bool LooksLikeFile(const std::string& spec) {
  std::error_code error;
  return spec.ends_with(".pb") || spec.ends_with(".npy") || fs::is_regular_file(spec, error);
}

// The tensor's type and dims against the model's declaration (unknown parts match anything).
Status CheckAgainstDeclaration(const Tensor& tensor, const Value& input) {
  const Type* type = input.type();
  if (type == nullptr || type->kind != Type::Kind::kTensor) return absl::OkStatus();
  if (type->elem_type != 0 && type->elem_type != tensor.data_type) {
    return absl::InvalidArgumentError(fmt::format("it holds {} but the model declares {}",
                                                  DataTypeName(tensor.data_type),
                                                  TypeToString(*type)));
  }
  if (!type->shape) return absl::OkStatus();
  const std::vector<Dim>& dims = type->shape->dims;
  bool fits = dims.size() == tensor.dims.size();
  for (size_t i = 0; fits && i < dims.size(); ++i) {
    fits = dims[i].kind != Dim::Kind::kValue || dims[i].value == tensor.dims[i];
  }
  if (!fits) {
    return absl::InvalidArgumentError(fmt::format("its dims are {} but the model declares {}",
                                                  DimsToString(tensor.dims), TypeToString(*type)));
  }
  return absl::OkStatus();
}

// The feeds for `--input` arguments; on error, the exit code after reporting.
std::variant<std::vector<std::pair<std::string, Tensor>>, int> ReadFeeds(const Model& model,
                                                                         const EvalArgs& args) {
  const Graph& graph = *model.graph;
  std::vector<std::pair<std::string, Tensor>> feeds;
  std::set<std::string> fed;
  for (const std::string& arg : args.inputs) {
    const size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      return UsageError("eval", fmt::format("--input '{}': expected NAME=FILE or NAME=VALUE", arg));
    }
    const std::string name = arg.substr(0, eq);
    const std::string spec = arg.substr(eq + 1);
    const Value* input = graph.Lookup(name);
    if (input == nullptr || !input->is_graph_input()) {
      std::string names;
      for (const Value* v : graph.inputs()) names += (names.empty() ? "" : ", ") + v->name();
      return UsageError("eval", fmt::format("--input {}: the model has no input '{}' (inputs: {})",
                                            name, name, names.empty() ? "none" : names));
    }
    if (!fed.insert(name).second) {
      return UsageError("eval", fmt::format("--input {}: given twice", name));
    }
    StatusOr<Tensor> tensor =
        LooksLikeFile(spec) ? LoadTensorFile(spec) : TensorFromLiteral(spec, *input);
    if (tensor.ok()) {
      Status fits = CheckAgainstDeclaration(*tensor, *input);
      if (!fits.ok()) tensor = fits;
    }
    if (!tensor.ok()) {
      return UsageError("eval",
                        fmt::format("--input {}: {}", name, StatusMessage(tensor.status())));
    }
    tensor->name = name;
    feeds.emplace_back(name, *std::move(tensor));
  }
  for (const Value* v : graph.inputs()) {
    if (v->initializer() == nullptr && !fed.contains(v->name())) {
      return UsageError("eval", fmt::format("no --input for the model's input '{}' ({})", v->name(),
                                            v->type() ? TypeToString(*v->type()) : "?"));
    }
  }
  return feeds;
}

// ---------------------------------------------------------------------------------------
// Refusals found before running: every node the evaluator would refuse, with its reason.

int32_t ElementTypeOf(const Value* v) {
  if (v == nullptr || v->type() == nullptr || v->type()->kind != Type::Kind::kTensor) return 0;
  return v->type()->elem_type;
}

std::vector<std::string> Refusals(const Model& model) {
  std::vector<std::string> refusals;
  for (const Node* node : model.graph->nodes()) {
    const std::string label =
        node->name.empty() ? node->op_type : fmt::format("{} '{}'", node->op_type, node->name);
    std::optional<int64_t> version = model.OpsetVersionOf(*node);
    if (!version) {
      refusals.push_back(
          fmt::format("node {}: the model imports no opset for domain '{}'", label, node->domain));
      continue;
    }
    std::vector<int32_t> types;
    for (const Value* in : node->inputs()) types.push_back(ElementTypeOf(in));
    EvalSupport support = CanEvaluate(*node, *version, types);
    if (!support.supported) refusals.push_back(fmt::format("node {}: {}", label, support.reason));
  }
  return refusals;
}

// ---------------------------------------------------------------------------------------
// Outputs.

// A file name for output `name`: characters other than letters, digits, '.', '-' and '_'
// become '_' (output names like "/block/Add_output_0" are common).
std::string FileNameFor(const std::string& name) {
  std::string out;
  for (char c : name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-' || c == '_';
    out += keep ? c : '_';
  }
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

int WriteOutputs(const std::vector<Tensor>& outputs, const EvalArgs& args) {
  std::error_code error;
  fs::create_directories(args.output_dir, error);
  if (error) {
    return UsageError(
        "eval", fmt::format("{}: cannot create the folder: {}", args.output_dir, error.message()));
  }
  std::set<std::string> files;
  for (const Tensor& t : outputs) {
    const std::string file = FileNameFor(t.name) + (args.npy ? ".npy" : ".pb");
    if (!files.insert(file).second) {
      return UsageError(
          "eval",
          fmt::format("outputs '{}' and another one would both be written to {}", t.name, file));
    }
  }
  for (const Tensor& t : outputs) {
    const std::string path =
        (fs::path(args.output_dir) / (FileNameFor(t.name) + (args.npy ? ".npy" : ".pb"))).string();
    if (Status s = SaveTensorFile(t, path); !s.ok()) {
      std::cerr << fmt::format("onnxkit eval: error: output '{}': {}\n", EscapeForDisplay(t.name),
                               EscapeForDisplay(StatusMessage(s)));
      return kExitUsage;
    }
    std::cerr << fmt::format("{}: {}\n", EscapeForDisplay(path), DumpTensorText(t, 0));
  }
  return kExitOk;
}

int PrintOutputs(const std::vector<Tensor>& outputs, const EvalArgs& args) {
  if (args.format == "json") {
    Json list = Json::array();
    for (const Tensor& t : outputs) list.push_back(Json::parse(DumpTensorJson(t, args.max_values)));
    std::cout << Json{{"outputs", list}}.dump(2) << "\n";
  } else {
    for (const Tensor& t : outputs) {
      std::cout << fmt::format("{}: {}\n", EscapeForDisplay(t.name),
                               EscapeForDisplay(DumpTensorText(t, args.max_values)));
    }
  }
  std::cout.flush();
  if (!std::cout) return UsageError("eval", "cannot write to standard output");
  return kExitOk;
}

int ListOps() {
  std::vector<EvalOpInfo> ops = EvaluatedOps();
  std::sort(ops.begin(), ops.end(), [](const EvalOpInfo& a, const EvalOpInfo& b) {
    return std::tie(a.domain, a.op_type) < std::tie(b.domain, b.op_type);
  });
  for (const EvalOpInfo& op : ops) {
    std::cout << fmt::format("{}{} (from opset {})\n", op.domain.empty() ? "" : op.domain + ":",
                             op.op_type, op.first_version);
  }
  return kExitOk;
}

int Run(const EvalArgs& args) {
  if (args.list_ops) return ListOps();
  if (args.model.empty())
    return UsageError("eval", "no model given (or --ops to list the evaluated ops)");
  auto model = LoadModel(args.model);
  if (!model.ok()) return Report("eval", model.status());
  if (std::vector<std::string> refusals = Refusals(**model); !refusals.empty()) {
    for (const std::string& r : refusals) {
      std::cerr << fmt::format("onnxkit eval: error: {}\n", EscapeForDisplay(r));
    }
    std::cerr << fmt::format(
        "onnxkit eval: {} node(s) the evaluator does not run; see "
        "docs/eval.md\n",
        refusals.size());
    return kExitModelProblem;
  }
  auto feeds = ReadFeeds(**model, args);
  if (std::holds_alternative<int>(feeds)) return std::get<int>(feeds);
  auto outputs = EvaluateModel(**model, std::get<0>(feeds));
  if (!outputs.ok()) return Report("eval", outputs.status());
  return args.output_dir.empty() ? PrintOutputs(*outputs, args) : WriteOutputs(*outputs, args);
}

const CommandRegistration kRegistration([](CLI::App& app, int* exit_code) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Run a model on the CPU with the reference evaluator and show or save its outputs");
  cmd->add_option("model", args->model, "Model ('-' for stdin)");
  cmd->add_option("-i,--input", args->inputs,
                  "NAME=FILE (.pb TensorProto or .npy) or NAME=VALUE (JSON: 3, [1,2,3], "
                  "[[1,2],[3,4]], true, \"text\"; element type and static dims from the model)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("-o,--output-dir", args->output_dir,
                  "Write each output to DIR/<output name>.pb (names made file-safe) instead of "
                  "printing it");
  cmd->add_flag("--npy", args->npy, "With -o: write .npy files instead of .pb");
  cmd->add_option("--format", args->format, "Printed output: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->add_option("--values", args->max_values,
                  fmt::format("Values printed per output (default {}; -1: all)", kDefaultValues))
      ->check(CLI::Range(int64_t{-1}, std::numeric_limits<int64_t>::max()));
  cmd->add_flag("--ops", args->list_ops, "List the ops the evaluator runs and exit");
  AddLoadFlags(*cmd);
  cmd->callback([args, exit_code] { *exit_code = Run(*args); });
});

}  // namespace
}  // namespace onnxkit::cli
