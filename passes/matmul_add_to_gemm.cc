#include "passes/matmul_add_to_gemm.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "passes/fusion_support.h"
#include "passes/graph_sites.h"
#include "passes/static_types.h"

namespace onnxkit::passes {
namespace {

Status Refuse(std::string reason) { return absl::FailedPreconditionError(std::move(reason)); }

// The MatMul producing input `index` of `add`, or nullptr.
Node* MatMulProducer(const Node& add, size_t index) {
  const Value* in = add.input(index);
  Node* producer = in ? in->producer() : nullptr;
  if (!producer || producer->output(0) != in || !producer->Is("", "MatMul")) return nullptr;
  return producer;
}

// A 2-D matrix's dims (-1: unknown) and element type.
struct Matrix {
  int64_t rows = -1;
  int64_t cols = -1;
  int32_t elem_type = 0;
};

bool GemmTakes(int32_t type, int64_t version) {
  switch (static_cast<DataType>(type)) {
    case DataType::kFloat:
    case DataType::kDouble:
    case DataType::kFloat16: return true;
    case DataType::kBfloat16: return version >= 13;
    default: return false;
  }
}

// Why C does not broadcast to [M, N] without growing it, or OK. Dims of C that are not 1 must
// equal a known M or N.
Status CheckBias(const Tensor& c, const Matrix& a, const Matrix& b) {
  if (c.dims.size() > 2) return Refuse(fmt::format("its constant is {}-D", c.dims.size()));
  const int64_t target[2] = {a.rows, b.cols};
  for (size_t j = 0; j < c.dims.size(); ++j) {
    const int64_t d = c.dims[j];
    const int64_t want = target[2 - c.dims.size() + j];
    if (d != 1 && d != want) {
      return Refuse(fmt::format("its constant {} does not broadcast to [{},{}]",
                                DimsToString(c.dims), a.rows < 0 ? "?" : std::to_string(a.rows),
                                b.cols < 0 ? "?" : std::to_string(b.cols)));
    }
  }
  return absl::OkStatus();
}

class Rewriter {
 public:
  Rewriter(Model& model, PassResult& result) : model_(model), editor_(model), result_(result) {}

  Status Visit(const GraphSite& site, Node& add) {
    if (add.inputs().size() != 2) return absl::OkStatus();
    const size_t side = MatMulProducer(add, 0) ? 0 : 1;
    Node* matmul = MatMulProducer(add, side);
    if (!matmul) return absl::OkStatus();
    Status why = TryFuse(site, add, *matmul, side);
    if (absl::IsInternal(why)) return why;
    if (!why.ok()) result_.Skip(NodePath(site, add), std::string(why.message()));
    return absl::OkStatus();
  }

 private:
  Status TryFuse(const GraphSite& site, Node& add, Node& matmul, size_t side) {
    const int64_t version = model_.OpsetVersionOf(add).value_or(0);
    if (version < 7)
      return Refuse(fmt::format("opset {} (Gemm broadcasts C from opset 7)", version));
    if (matmul.graph() != add.graph()) return Refuse("the MatMul is in an enclosing graph");
    Value* product = matmul.output(0);
    if (product->is_graph_output()) {
      return Refuse(fmt::format("the MatMul's output '{}' is a graph output", product->name()));
    }
    if (product->use_count() != 1) {
      return Refuse(fmt::format("the MatMul's output '{}' has other readers", product->name()));
    }
    Value* c_value = add.input(1 - side);
    std::optional<Tensor> c = fusion::ConstantOf(c_value);
    if (!c) return Refuse("its other operand is not constant");
    if (!matmul.input(0) || !matmul.input(1)) return Refuse("the MatMul lacks an input");
    ONNXKIT_ASSIGN_OR_RETURN(Matrix a, MatrixOf(site, *matmul.input(0), "MatMul input A"));
    ONNXKIT_ASSIGN_OR_RETURN(Matrix b, MatrixOf(site, *matmul.input(1), "MatMul input B"));
    if (!GemmTakes(c->data_type, version)) {
      return Refuse(
          fmt::format("element type {} at opset {}", DataTypeName(c->data_type), version));
    }
    ONNXKIT_RETURN_IF_ERROR(CheckBias(*c, a, b));

    Node* gemm =
        site.graph->InsertNodeBefore(&add, "Gemm", {matmul.input(0), matmul.input(1), c_value},
                                     {editor_.FreshValueName(add.output(0)->name() + "/gemm")});
    gemm->name = editor_.FreshNodeName(matmul.name.empty() ? "Gemm" : matmul.name + "/Gemm");
    editor_.TakeOver(*add.output(0), *gemm->output(0));
    for (Node* gone : {&add, &matmul}) {
      Status removed = site.graph->RemoveNode(gone);
      if (!removed.ok()) {
        return absl::InternalError(
            fmt::format("{}: {}", NodePath(site, *gone), std::string(removed.message())));
      }
    }
    result_.changed = true;
    result_.Count("gemms-made");
    return absl::OkStatus();
  }

  // `v`'s dims when it is known to be 2-D: a constant's, a declared shape, or (outside
  // function bodies, which inference does not visit) an inferred one.
  StatusOr<Matrix> MatrixOf(const GraphSite& site, const Value& v, const char* what) {
    if (std::optional<Tensor> t = fusion::ConstantOf(&v)) {
      if (t->dims.size() != 2) {
        return Refuse(fmt::format("its {} '{}' is {}-D", what, v.name(), t->dims.size()));
      }
      return Matrix{t->dims[0], t->dims[1], t->data_type};
    }
    const bool declared = v.type() && v.type()->shape;
    const Type* type = declared || site.function ? v.type() : Types().TypeOf(v);
    if (!type || type->kind != Type::Kind::kTensor || !type->shape) {
      return Refuse(fmt::format("the rank of its {} '{}' is unknown", what, v.name()));
    }
    const std::vector<Dim>& dims = type->shape->dims;
    if (dims.size() != 2) {
      return Refuse(fmt::format("its {} '{}' is {}-D", what, v.name(), dims.size()));
    }
    auto known = [](const Dim& d) { return d.kind == Dim::Kind::kValue ? d.value : -1; };
    return Matrix{known(dims[0]), known(dims[1]), type->elem_type};
  }

  // Inferred once, when a candidate first needs a shape nothing declares.
  const StaticTypes& Types() {
    if (!types_) types_.emplace(model_);
    return *types_;
  }

  Model& model_;
  fusion::Editor editor_;
  PassResult& result_;
  std::optional<StaticTypes> types_;
};

}  // namespace

MatMulAddToGemmPass::MatMulAddToGemmPass(const PassOptions&) {}

StatusOr<PassResult> MatMulAddToGemmPass::Run(Model& model, PassContext&) {
  PassResult result;
  Rewriter rewriter(model, result);
  for (const GraphSite& site : RewritableGraphs(model)) {
    for (Node* n : site.graph->EraseSafeNodes()) {
      if (n->Is("", "Add")) ONNXKIT_RETURN_IF_ERROR(rewriter.Visit(site, *n));
    }
  }
  return result;
}

}  // namespace onnxkit::passes
