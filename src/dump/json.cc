// DumpJson: the dump document as JSON (see document.h for its shape), written piece by piece.
#include <sstream>

#include "dump/document.h"
#include "dump/tensor_summary.h"
#include "onnxkit/dump.h"

namespace onnxkit {
namespace {

using dump_internal::DocumentBuilder;
using dump_internal::GraphRef;
using dump_internal::Json;
using dump_internal::JsonStream;

class JsonPrinter {
 public:
  JsonPrinter(const Model& model, const DumpOptions& options, std::ostream& out)
      : builder_(model, options), json_(out), out_(out) {}

  Status Print() {
    json_.BeginObject();
    json_.Members(builder_.Header());
    json_.Key("graph");
    if (builder_.model().graph) {
      PrintGraph(builder_.MainGraph());
    } else {
      json_.Value(nullptr);
    }
    json_.Key("functions");
    json_.BeginArray();
    for (const onnxkit::Function* fn : builder_.ListedFunctions()) PrintFunction(*fn);
    json_.EndArray();
    json_.Key("training_info");
    json_.BeginArray();
    for (const TrainingInfo& t : builder_.model().training_info) PrintTraining(t);
    json_.EndArray();
    json_.EndObject();
    out_ << '\n' << std::flush;
    if (!status_.ok()) return status_;
    return out_ ? absl::OkStatus() : absl::UnavailableError("cannot write the dump");
  }

 private:
  void PrintGraph(const GraphRef& g) {
    json_.BeginObject();
    json_.Members(builder_.GraphHead(*g.graph));
    json_.Key("nodes");
    json_.BeginArray();
    builder_.ForEachListedNode(g, [&](const onnxkit::Node& node, size_t index, bool context) {
      // A failed write (a closed pipe, a full disk) makes the rest pointless.
      if (out_) PrintNode(node, index, g, context);
    });
    json_.EndArray();
    json_.Members(DocumentBuilder::InitializerTotals(*g.graph));
    if (builder_.ListsInitializers()) {
      json_.Key("initializers");
      json_.BeginArray();
      for (const Value* v : builder_.ListedInitializers(*g.graph)) {
        if (out_) PrintInitializer(*v);
      }
      json_.EndArray();
    }
    Json sparse = builder_.SparseInitializers(*g.graph);
    if (!sparse.is_null()) json_.Members(std::move(sparse));
    json_.EndObject();
  }

  void PrintInitializer(const Value& v) {
    Json entry = builder_.InitializerJson(v);
    if (!DocumentBuilder::ValuesStreamed(entry)) {
      json_.Value(std::move(entry));
      return;
    }
    json_.BeginObject();
    for (auto it = entry.begin(); it != entry.end(); ++it) {
      if (it.key() != "values") {
        json_.Member(it.key(), std::move(it.value()));
        continue;
      }
      json_.Key("values");
      json_.BeginArray();
      // The summary read the same bytes without error: a failure here is a changed file.
      status_.Update(builder_.ForEachValueChunk(v, [&](Json chunk) {
        for (Json& value : chunk) json_.Value(std::move(value));
      }));
      json_.EndArray();
    }
    json_.EndObject();
  }

  void PrintNode(const onnxkit::Node& node, size_t index, const GraphRef& g, bool context) {
    Json n = builder_.NodeJson(node, index, g, context);
    json_.BeginObject();
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (it.key() == "attributes") {
        json_.Key("attributes");
        PrintAttributes(std::move(it.value()), node.attributes, g);
      } else {
        json_.Member(it.key(), std::move(it.value()));
      }
    }
    json_.EndObject();
  }

  // Attribute entries, with the graphs of graph attributes streamed into their "value".
  void PrintAttributes(Json entries, const std::vector<Attribute>& attributes, const GraphRef& g) {
    json_.BeginArray();
    for (size_t i = 0; i < entries.size(); ++i) {
      const Attribute& a = attributes[i];
      if (!DocumentBuilder::StreamsGraphs(a)) {
        json_.Value(std::move(entries[i]));
        continue;
      }
      json_.BeginObject();
      for (auto it = entries[i].begin(); it != entries[i].end(); ++it) {
        if (it.key() != "value") {
          json_.Member(it.key(), std::move(it.value()));
          continue;
        }
        json_.Key("value");
        if (a.type == AttributeType::kGraph) {
          PrintSubgraph(*a.g, g);
        } else {
          json_.BeginArray();
          for (const auto& sub : a.graphs) PrintSubgraph(*sub, g);
          json_.EndArray();
        }
      }
      json_.EndObject();
    }
    json_.EndArray();
  }

  void PrintSubgraph(const onnxkit::Graph& graph, const GraphRef& parent) {
    const GraphRef sub = builder_.Subgraph(graph, parent);
    if (builder_.Expands(sub)) {
      PrintGraph(sub);
    } else {
      json_.Value(DocumentBuilder::CollapsedGraph(graph));
    }
  }

  void PrintFunction(const onnxkit::Function& fn) {
    const GraphRef body = builder_.FunctionBody(fn);
    Json head = builder_.FunctionHead(fn);
    json_.BeginObject();
    for (auto it = head.begin(); it != head.end(); ++it) {
      if (it.key() == "attribute_defaults") {
        json_.Key("attribute_defaults");
        PrintAttributes(std::move(it.value()), fn.attribute_defaults, body);
      } else {
        json_.Member(it.key(), std::move(it.value()));
      }
    }
    json_.Key("nodes");
    json_.BeginArray();
    builder_.ForEachListedNode(body, [&](const onnxkit::Node& node, size_t index, bool context) {
      if (out_) PrintNode(node, index, body, context);
    });
    json_.EndArray();
    json_.EndObject();
  }

  void PrintTraining(const TrainingInfo& t) {
    json_.BeginObject();
    json_.Key("initialization");
    if (t.initialization) {
      PrintGraph(builder_.TrainingGraph(*t.initialization));
    } else {
      json_.Value(nullptr);
    }
    json_.Member("initialization_binding", dump_internal::PairsJson(t.initialization_binding));
    json_.Key("algorithm");
    if (t.algorithm) {
      PrintGraph(builder_.TrainingGraph(*t.algorithm));
    } else {
      json_.Value(nullptr);
    }
    json_.Member("update_binding", dump_internal::PairsJson(t.update_binding));
    json_.EndObject();
  }

  DocumentBuilder builder_;
  JsonStream json_;
  std::ostream& out_;
  Status status_;  // the first error met while printing
};

}  // namespace

Status DumpJson(const Model& model, const DumpOptions& options, std::ostream& out) {
  return JsonPrinter(model, options, out).Print();
}

std::string DumpJson(const Model& model, const DumpOptions& options) {
  std::ostringstream out;
  DumpJson(model, options, out).IgnoreError();  // a string stream does not fail
  return std::move(out).str();
}

std::string DumpTensorJson(const Tensor& tensor, int64_t max_values) {
  DumpOptions options;
  options.stats_limit = UINT64_MAX;
  options.stats_budget = UINT64_MAX;
  dump_internal::TensorSummarizer summarizer(options);
  Json summary = Json::object();
  if (!tensor.name.empty()) summary["name"] = tensor.name;
  summary.update(summarizer.Summarize(tensor, max_values, /*with_stats=*/true));
  return summary.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace onnxkit
