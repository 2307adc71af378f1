// A pass written outside onnxkit, registered beside the built-in passes and run in a pipeline
// with them.
//
//   custom_pass OUT.onnx [PIPELINE]
//
// The pass, `name-unnamed-nodes`, gives every node without a name one made of its op type and
// a counter ("Relu_0", "Relu_1", …), skipping names already taken anywhere in the model, in
// the main graph, sub-graphs and function bodies alike: tools that report problems by node
// name (and Netron) then have something to show. Its option `prefix` is put in front of
// every new name.
//
// The program builds a small model whose nodes have no names (a real tool would load one
// with onnxkit::LoadFile), runs PIPELINE over it with verification after each pass, prints
// the report and saves the result. The default pipeline is `name-unnamed-nodes` followed by
// every built-in pass with its defaults.
//
// Only the public API is used.
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "onnxkit/check.h"
#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "onnxkit/pass.h"

namespace {

using onnxkit::Graph;
using onnxkit::Model;
using onnxkit::Node;
using onnxkit::PassContext;
using onnxkit::PassOptions;
using onnxkit::PassOptionSpec;
using onnxkit::PassResult;

// Every node of the model, sub-graphs and function bodies included (ForEachGraph visits
// them; a pass may change nodes' fields through the pointers it hands out).
std::vector<Node*> AllNodes(const Model& model) {
  std::vector<Node*> nodes;
  onnxkit::ForEachGraph(model, [&](const Graph& graph) {
    for (Node* node : graph.nodes()) nodes.push_back(node);
  });
  return nodes;
}

class NameUnnamedNodesPass : public onnxkit::Pass {
 public:
  explicit NameUnnamedNodesPass(const PassOptions& options)
      : prefix_(options.GetString("prefix")) {}

  onnxkit::StatusOr<PassResult> Run(Model& model, PassContext&) override {
    std::vector<Node*> nodes = AllNodes(model);
    std::unordered_set<std::string> taken;
    for (const Node* node : nodes) taken.insert(node->name);
    std::unordered_map<std::string, int> next_number;  // per op type
    PassResult result;
    for (Node* node : nodes) {
      if (!node->name.empty()) continue;
      std::string name;
      do {
        name = prefix_ + node->op_type + "_" + std::to_string(next_number[node->op_type]++);
      } while (taken.count(name) > 0);
      taken.insert(name);
      node->name = std::move(name);
      result.changed = true;
      result.Count("nodes-named");
    }
    return result;
  }

 private:
  std::string prefix_;
};

constexpr PassOptionSpec kNameUnnamedNodesOptions[] = {
    {"prefix", PassOptionSpec::Kind::kString, "", "Text put in front of every new name"},
};

onnxkit::PassInfo NameUnnamedNodesInfo() {
  return {"name-unnamed-nodes", "Give every node without a name one made of its op type",
          kNameUnnamedNodesOptions,
          [](const PassOptions& options) -> onnxkit::StatusOr<std::unique_ptr<onnxkit::Pass>> {
            return std::unique_ptr<onnxkit::Pass>(std::make_unique<NameUnnamedNodesPass>(options));
          }};
}

// x -> Identity -> Relu -> Add(r, r) -> y, and a Neg of x that nothing reads; no node has a
// name.
std::unique_ptr<Model> BuildModel() {
  auto model = std::make_unique<Model>();
  model->ir_version = 8;
  model->producer_name = "onnxkit-example";
  model->opset_import.push_back({"", 17, {}});
  model->graph = std::make_unique<Graph>();
  Graph& g = *model->graph;
  g.name = "unnamed";
  onnxkit::ValueInfo info;
  info.has_type = true;
  info.type = onnxkit::Type::Tensor(onnxkit::DataType::kFloat, {onnxkit::Dim::Value(4)});
  onnxkit::Value* x = g.AddInput("x", info);
  onnxkit::Value* copy = g.AppendNode("Identity", {x}, {"copy"})->output(0);
  onnxkit::Value* relu = g.AppendNode("Relu", {copy}, {"relu"})->output(0);
  onnxkit::Value* y = g.AppendNode("Add", {relu, relu}, {"y"})->output(0);
  g.AppendNode("Neg", {x}, {"unused"});
  y->mutable_info() = info;
  g.AddOutput(y);
  return model;
}

// Our pass, then every built-in pass.
std::string DefaultPipeline(const onnxkit::PassRegistry& registry) {
  std::string pipeline = "name-unnamed-nodes";
  for (const onnxkit::PassInfo& info : registry.passes()) {
    if (info.name != "name-unnamed-nodes") pipeline += "," + std::string(info.name);
  }
  return pipeline;
}

int Fail(const char* what, const onnxkit::Status& status) {
  std::fprintf(stderr, "custom_pass: %s: %s\n", what, std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::fprintf(stderr, "usage: %s OUT.onnx [PIPELINE]\n", argc > 0 ? argv[0] : "custom_pass");
    return 2;
  }
  onnxkit::PassRegistry registry = onnxkit::PassRegistry::Builtins();
  if (onnxkit::Status s = registry.Register(NameUnnamedNodesInfo()); !s.ok()) {
    return Fail("register", s);
  }
  std::string text = argc == 3 ? argv[2] : DefaultPipeline(registry);
  auto pipeline = onnxkit::Pipeline::Parse(text);
  if (!pipeline.ok()) return Fail("pipeline", pipeline.status());
  onnxkit::PassManagerOptions options;
  options.verify_each = true;  // name the pass that breaks the model, if one does
  auto manager = onnxkit::PassManager::Make(registry, *pipeline, options);
  if (!manager.ok()) return Fail("pipeline", manager.status());

  std::unique_ptr<Model> model = BuildModel();
  auto report = manager->Run(*model);
  if (!report.ok()) return Fail("run", report.status());
  for (const onnxkit::PassRun& run : report->runs) {
    std::printf("%s: %s\n", run.pass.c_str(), run.result.changed ? "changed" : "unchanged");
    for (const auto& [counter, value] : run.result.stats) {
      std::printf("  %s = %lld\n", counter.c_str(), static_cast<long long>(value));
    }
  }
  for (const Node* node : AllNodes(*model)) {
    if (node->name.empty()) {
      std::fprintf(stderr, "custom_pass: a %s node still has no name\n", node->op_type.c_str());
      return 1;
    }
  }
  if (onnxkit::Check(*model).has_errors()) {
    std::fprintf(stderr, "custom_pass: the result does not pass onnxkit::Check\n");
    return 1;
  }
  if (onnxkit::Status s = onnxkit::SaveFile(*model, argv[1]); !s.ok()) return Fail("save", s);
  std::printf("wrote %s: %s\n", argv[1], pipeline->Print().c_str());
  return 0;
}
