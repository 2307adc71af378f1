#include "io/reader.h"

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "io/wire.h"
#include "io/writer.h"

namespace onnxkit::io_internal {
namespace {

using wire::Field;
using wire::Span;

// A node as read, before its input names are resolved to Values.
struct PendingNode {
  Node* node;
  std::vector<std::string> inputs;
};

// A graph attribute whose bytes are decoded once the enclosing graph's names exist, so
// that its outer-scope references resolve.
struct PendingGraph {
  Graph* graph;
  Span bytes;
  std::vector<wire::Decoder::PathStep> path;
};

struct NamedInfo {
  std::string name;
  ValueInfo info;
};

class ModelDecoder {
 public:
  explicit ModelDecoder(const Bytes& bytes) : bytes_(bytes), d_(bytes.view()) {}

  StatusOr<std::unique_ptr<Model>> Run();
  // Decodes the bytes as one TensorProto.
  StatusOr<Tensor> RunTensor();
  // True when the bytes decode as a GraphProto with at least one node.
  bool DecodesAsGraph();

 private:
  // Keyed by views of the Values' own names: Values do not move and are not renamed while
  // loading, and no name is copied.
  using Scope = absl::flat_hash_map<std::string_view, Value*>;

  void ReadModel(Span s, Model& m);
  void ReadGraph(Span s, Graph& g);
  void ReadFunction(Span s, Function& fn);
  void ReadTrainingInfo(Span s, TrainingInfo& t, Graph* main);
  void ReadTrainingInfos(std::vector<PendingGraph>& pending, Model& m);
  void ReadNodeFields(Span s, Node& n, std::vector<std::string>& inputs,
                      std::vector<std::string>& outputs, std::vector<PendingGraph>& subgraphs);
  void ReadAttribute(Span s, Attribute& a, std::vector<PendingGraph>& subgraphs);
  void ReadTensor(Span s, Tensor& t);
  void ReadSparseTensor(Span s, SparseTensor& t);
  void ReadType(Span s, Type& t, int depth);
  void ReadShape(Span s, Shape& shape);
  void ReadValueInfo(Span s, NamedInfo& out);
  void ReadStringPair(Span s, StringPair& p);
  void ReadMetadata(Span& s, const Field& f, MetadataProps& props);
  void ReadDeviceConfiguration(Span s, DeviceConfiguration& c);
  void ReadNodeDeviceConfiguration(Span s, NodeDeviceConfiguration& c);
  void ReadShardingSpec(Span s, ShardingSpec& spec);
  void ReadShardedDim(Span s, ShardedDim& dim);
  void ReadOpset(Span s, OpsetImport& o);
  void ReadAnnotation(Span s, TensorAnnotation& a);
  void ReadSubgraphs(std::vector<PendingGraph>& pending, Graph& parent);

  // Resolves a name in the scope stack; an unknown name becomes an undefined value of `g`.
  Value* Resolve(const std::string& name, Graph& g);
  void Declare(Value* v, ValueInfo info, std::vector<Graph::InfoOverride>& overrides, size_t index);
  void CheckTensorPayload(const Tensor& t, const uint8_t* at);

  Span Sub(Span& s, const Field& f) { return d_.Bytes(s, f); }
  std::vector<wire::Decoder::PathStep> SnapshotPath() const { return d_.path(); }
  void Push(const char* name, int64_t index = -1) { d_.Push(name, index); }
  void Pop() { d_.Pop(); }

  Bytes bytes_;
  wire::Decoder d_;
  std::vector<Scope> scopes_;
  absl::flat_hash_map<const Value*, bool> declared_;
  int graph_depth_ = 0;
};

StatusOr<std::unique_ptr<Model>> ModelDecoder::Run() {
  auto model = std::make_unique<Model>();
  const auto* begin = reinterpret_cast<const uint8_t*>(bytes_.data());
  ReadModel(Span{begin, begin + bytes_.size()}, *model);
  if (!d_.ok()) return d_.error();
  return model;
}

StatusOr<Tensor> ModelDecoder::RunTensor() {
  Tensor tensor;
  const auto* begin = reinterpret_cast<const uint8_t*>(bytes_.data());
  ReadTensor(Span{begin, begin + bytes_.size()}, tensor);
  if (!d_.ok()) return d_.error();
  return tensor;
}

bool ModelDecoder::DecodesAsGraph() {
  Graph g;
  const auto* begin = reinterpret_cast<const uint8_t*>(bytes_.data());
  ReadGraph(Span{begin, begin + bytes_.size()}, g);
  return d_.ok() && g.node_count() > 0;
}

void ModelDecoder::ReadModel(Span s, Model& m) {
  Field f;
  std::vector<PendingGraph> training;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        m.ir_version = d_.Int64(s, f);
        m.preserved.Mark(1);
        break;
      case 2:
        m.producer_name = d_.String(s, f);
        m.preserved.Mark(2);
        break;
      case 3:
        m.producer_version = d_.String(s, f);
        m.preserved.Mark(3);
        break;
      case 4:
        m.domain = d_.String(s, f);
        m.preserved.Mark(4);
        break;
      case 5:
        m.model_version = d_.Int64(s, f);
        m.preserved.Mark(5);
        break;
      case 6:
        m.doc_string = d_.String(s, f);
        m.preserved.Mark(6);
        break;
      case 7: {
        if (m.graph) {
          d_.Fail(f.tag_begin, "the model has two graph fields");
          break;
        }
        Push("graph");
        m.graph = std::make_unique<Graph>();
        ReadGraph(Sub(s, f), *m.graph);
        Pop();
        break;
      }
      case 8:
        Push("opset_import", static_cast<int64_t>(m.opset_import.size()));
        ReadOpset(Sub(s, f), m.opset_import.emplace_back());
        Pop();
        break;
      case 14:
        Push("metadata_props", static_cast<int64_t>(m.metadata_props.size()));
        ReadStringPair(Sub(s, f), m.metadata_props.emplace_back());
        Pop();
        break;
      case 20:
        // Read after the main graph: training graphs see its values.
        Push("training_info", static_cast<int64_t>(training.size()));
        training.push_back({nullptr, Sub(s, f), SnapshotPath()});
        Pop();
        break;
      case 25: {
        Push("functions", static_cast<int64_t>(m.functions.size()));
        auto fn = std::make_unique<Function>();
        ReadFunction(Sub(s, f), *fn);
        m.functions.push_back(std::move(fn));
        Pop();
        break;
      }
      case 26:
        Push("configuration", static_cast<int64_t>(m.configuration.size()));
        ReadDeviceConfiguration(Sub(s, f), m.configuration.emplace_back());
        Pop();
        break;
      default: d_.Unknown(s, f, m.preserved.unknown_fields); break;
    }
  }
  ReadTrainingInfos(training, m);
}

void ModelDecoder::ReadTrainingInfos(std::vector<PendingGraph>& pending, Model& m) {
  if (pending.empty() || !d_.ok()) return;
  // The initialization and algorithm graphs read the main graph's inputs and initializers
  // (and the algorithm its other values) by name.
  scopes_.emplace_back();
  if (m.graph) {
    Scope& scope = scopes_.back();
    for (const Value* v : m.graph->values()) {
      if (v->kind() != Value::Kind::kUndefined) scope.emplace(v->name(), const_cast<Value*>(v));
    }
  }
  auto saved = d_.path();
  for (PendingGraph& p : pending) {
    d_.set_path(p.path);
    TrainingInfo& t = m.training_info.emplace_back();
    ReadTrainingInfo(p.bytes, t, m.graph.get());
    if (!d_.ok()) break;
  }
  d_.set_path(std::move(saved));
  scopes_.pop_back();
}

void ModelDecoder::ReadOpset(Span s, OpsetImport& o) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        o.domain = d_.String(s, f);
        o.preserved.Mark(1);
        break;
      case 2:
        o.version = d_.Int64(s, f);
        o.preserved.Mark(2);
        break;
      default: d_.Unknown(s, f, o.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadStringPair(Span s, StringPair& p) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        p.key = d_.String(s, f);
        p.preserved.Mark(1);
        break;
      case 2:
        p.value = d_.String(s, f);
        p.preserved.Mark(2);
        break;
      default: d_.Unknown(s, f, p.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadMetadata(Span& s, const Field& f, MetadataProps& props) {
  Push("metadata_props", static_cast<int64_t>(props.size()));
  ReadStringPair(Sub(s, f), props.emplace_back());
  Pop();
}

void ModelDecoder::ReadDeviceConfiguration(Span s, DeviceConfiguration& c) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        c.name = d_.String(s, f);
        c.preserved.Mark(1);
        break;
      case 2:
        c.num_devices = d_.Int32(s, f);
        c.preserved.Mark(2);
        break;
      case 3: c.devices.push_back(d_.String(s, f)); break;
      default: d_.Unknown(s, f, c.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadNodeDeviceConfiguration(Span s, NodeDeviceConfiguration& c) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        c.configuration_id = d_.String(s, f);
        c.preserved.Mark(1);
        break;
      case 2:
        Push("sharding_spec", static_cast<int64_t>(c.sharding_spec.size()));
        ReadShardingSpec(Sub(s, f), c.sharding_spec.emplace_back());
        Pop();
        break;
      case 3:
        c.pipeline_stage = d_.Int32(s, f);
        c.preserved.Mark(3);
        break;
      default: d_.Unknown(s, f, c.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadShardingSpec(Span s, ShardingSpec& spec) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        spec.tensor_name = d_.String(s, f);
        spec.preserved.Mark(1);
        break;
      case 2: d_.RepeatedVarint(s, f, spec.devices); break;
      case 3: {
        Push("index_to_device_group_map",
             static_cast<int64_t>(spec.index_to_device_group_map.size()));
        DeviceGroup& group = spec.index_to_device_group_map.emplace_back();
        Span gs = Sub(s, f);
        Field g;
        while (d_.Next(gs, g)) {
          if (g.number == 1) {
            group.key = d_.Int64(gs, g);
            group.preserved.Mark(1);
          } else if (g.number == 2) {
            d_.RepeatedVarint(gs, g, group.devices);
          } else {
            d_.Unknown(gs, g, group.preserved.unknown_fields);
          }
        }
        Pop();
        break;
      }
      case 4:
        Push("sharded_dim", static_cast<int64_t>(spec.sharded_dim.size()));
        ReadShardedDim(Sub(s, f), spec.sharded_dim.emplace_back());
        Pop();
        break;
      default: d_.Unknown(s, f, spec.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadShardedDim(Span s, ShardedDim& dim) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        dim.axis = d_.Int64(s, f);
        dim.preserved.Mark(1);
        break;
      case 2: {
        Push("simple_sharding", static_cast<int64_t>(dim.simple_sharding.size()));
        SimpleShardedDim& simple = dim.simple_sharding.emplace_back();
        Span ss = Sub(s, f);
        Field g;
        while (d_.Next(ss, g)) {
          switch (g.number) {
            case 1:  // oneof dim: the last one read wins, as in protobuf
              simple.dim = Dim::Value(d_.Int64(ss, g));
              break;
            case 2: simple.dim = Dim::Param(d_.String(ss, g)); break;
            case 3:
              simple.num_shards = d_.Int64(ss, g);
              simple.preserved.Mark(3);
              break;
            default: d_.Unknown(ss, g, simple.preserved.unknown_fields); break;
          }
        }
        Pop();
        break;
      }
      default: d_.Unknown(s, f, dim.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadAnnotation(Span s, TensorAnnotation& a) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        a.tensor_name = d_.String(s, f);
        a.preserved.Mark(1);
        break;
      case 2:
        Push("quant_parameter_tensor_names",
             static_cast<int64_t>(a.quant_parameter_tensor_names.size()));
        ReadStringPair(Sub(s, f), a.quant_parameter_tensor_names.emplace_back());
        Pop();
        break;
      default: d_.Unknown(s, f, a.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadTrainingInfo(Span s, TrainingInfo& t, Graph* main) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
      case 2: {
        auto& slot = f.number == 1 ? t.initialization : t.algorithm;
        Push(f.number == 1 ? "initialization" : "algorithm");
        slot = std::make_unique<Graph>(main);
        ReadGraph(Sub(s, f), *slot);
        Pop();
        break;
      }
      case 3:
      case 4: {
        auto& list = f.number == 3 ? t.initialization_binding : t.update_binding;
        Push(f.number == 3 ? "initialization_binding" : "update_binding",
             static_cast<int64_t>(list.size()));
        ReadStringPair(Sub(s, f), list.emplace_back());
        Pop();
        break;
      }
      default: d_.Unknown(s, f, t.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadValueInfo(Span s, NamedInfo& out) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        out.name = d_.String(s, f);
        out.info.preserved.Mark(1);
        break;
      case 2:
        Push("type");
        out.info.has_type = true;
        out.info.type = Type{};
        ReadType(Sub(s, f), out.info.type, 0);
        Pop();
        break;
      case 3:
        out.info.doc_string = d_.String(s, f);
        out.info.preserved.Mark(3);
        break;
      case 4: ReadMetadata(s, f, out.info.metadata_props); break;
      default: d_.Unknown(s, f, out.info.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadShape(Span s, Shape& shape) {
  Field f;
  while (d_.Next(s, f)) {
    if (f.number != 1) {
      d_.Unknown(s, f, shape.preserved.unknown_fields);
      continue;
    }
    Push("dim", static_cast<int64_t>(shape.dims.size()));
    Dim& dim = shape.dims.emplace_back();
    Span ds = Sub(s, f);
    Field g;
    while (d_.Next(ds, g)) {
      switch (g.number) {
        case 1:
          dim.kind = Dim::Kind::kValue;
          dim.value = d_.Int64(ds, g);
          dim.param.clear();
          break;
        case 2:
          dim.kind = Dim::Kind::kParam;
          dim.param = d_.String(ds, g);
          dim.value = 0;
          break;
        case 3:
          dim.denotation = d_.String(ds, g);
          dim.preserved.Mark(3);
          break;
        default: d_.Unknown(ds, g, dim.preserved.unknown_fields); break;
      }
    }
    Pop();
  }
}

void ModelDecoder::ReadType(Span s, Type& t, int depth) {
  if (depth > kMaxTypeDepth) {
    d_.Fail(s.p, fmt::format("types nested deeper than {} levels", kMaxTypeDepth));
    return;
  }
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:    // tensor_type
      case 8: {  // sparse_tensor_type
        t.kind = f.number == 1 ? Type::Kind::kTensor : Type::Kind::kSparseTensor;
        Push(f.number == 1 ? "tensor_type" : "sparse_tensor_type");
        Span ts = Sub(s, f);
        Field g;
        while (d_.Next(ts, g)) {
          if (g.number == 1) {
            t.elem_type = d_.Int32(ts, g);
            t.inner_preserved.Mark(1);
          } else if (g.number == 2) {
            Push("shape");
            t.shape.emplace();
            ReadShape(Sub(ts, g), *t.shape);
            Pop();
          } else {
            d_.Unknown(ts, g, t.inner_preserved.unknown_fields);
          }
        }
        Pop();
        break;
      }
      case 4:    // sequence_type
      case 9: {  // optional_type
        t.kind = f.number == 4 ? Type::Kind::kSequence : Type::Kind::kOptional;
        Push(f.number == 4 ? "sequence_type" : "optional_type");
        Span ts = Sub(s, f);
        Field g;
        while (d_.Next(ts, g)) {
          if (g.number == 1) {
            Push("elem_type");
            t.element.assign(1, Type{});
            ReadType(Sub(ts, g), t.element.front(), depth + 1);
            Pop();
          } else {
            d_.Unknown(ts, g, t.inner_preserved.unknown_fields);
          }
        }
        Pop();
        break;
      }
      case 5: {  // map_type
        t.kind = Type::Kind::kMap;
        Push("map_type");
        Span ts = Sub(s, f);
        Field g;
        while (d_.Next(ts, g)) {
          if (g.number == 1) {
            t.elem_type = d_.Int32(ts, g);
            t.inner_preserved.Mark(1);
          } else if (g.number == 2) {
            Push("value_type");
            t.element.assign(1, Type{});
            ReadType(Sub(ts, g), t.element.front(), depth + 1);
            Pop();
          } else {
            d_.Unknown(ts, g, t.inner_preserved.unknown_fields);
          }
        }
        Pop();
        break;
      }
      case 7: {  // opaque_type (onnx-ml)
        t.kind = Type::Kind::kOpaque;
        Push("opaque_type");
        Span ts = Sub(s, f);
        Field g;
        while (d_.Next(ts, g)) {
          if (g.number == 1) {
            t.opaque_domain = d_.String(ts, g);
            t.inner_preserved.Mark(1);
          } else if (g.number == 2) {
            t.opaque_name = d_.String(ts, g);
            t.inner_preserved.Mark(2);
          } else {
            d_.Unknown(ts, g, t.inner_preserved.unknown_fields);
          }
        }
        Pop();
        break;
      }
      case 6:
        t.denotation = d_.String(s, f);
        t.preserved.Mark(6);
        break;
      default: d_.Unknown(s, f, t.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadTensor(Span s, Tensor& t) {
  const uint8_t* start = s.p;
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        Push("dims");
        d_.RepeatedVarint(s, f, t.dims);
        Pop();
        break;
      case 2:
        t.data_type = d_.Int32(s, f);
        t.preserved.Mark(2);
        break;
      case 3: {
        Span ss = Sub(s, f);
        std::pair<int64_t, int64_t> seg{0, 0};
        Field g;
        while (d_.Next(ss, g)) {
          if (g.number == 1) {
            seg.first = d_.Int64(ss, g);
            t.segment_preserved.Mark(1);
          } else if (g.number == 2) {
            seg.second = d_.Int64(ss, g);
            t.segment_preserved.Mark(2);
          } else {
            d_.Unknown(ss, g, t.segment_preserved.unknown_fields);
          }
        }
        t.segment = seg;
        break;
      }
      case 4: d_.RepeatedFixed(s, f, t.float_data); break;
      case 5: d_.RepeatedVarint(s, f, t.int32_data); break;
      case 6: t.string_data.push_back(d_.ByteString(s, f)); break;
      case 7: d_.RepeatedVarint(s, f, t.int64_data); break;
      case 8:
        t.name = d_.String(s, f);
        t.preserved.Mark(8);
        break;
      case 9: {
        Span b = Sub(s, f);
        t.raw_data = bytes_.Slice(
            static_cast<size_t>(b.p - reinterpret_cast<const uint8_t*>(bytes_.data())), b.size());
        t.preserved.Mark(9);
        break;
      }
      case 10: d_.RepeatedFixed(s, f, t.double_data); break;
      case 11: d_.RepeatedVarint(s, f, t.uint64_data); break;
      case 12:
        t.doc_string = d_.String(s, f);
        t.preserved.Mark(12);
        break;
      case 13:
        Push("external_data", static_cast<int64_t>(t.external_data.size()));
        ReadStringPair(Sub(s, f), t.external_data.emplace_back());
        Pop();
        break;
      case 14:
        t.data_location = d_.Int32(s, f);
        t.preserved.Mark(14);
        break;
      case 16: ReadMetadata(s, f, t.metadata_props); break;
      default: d_.Unknown(s, f, t.preserved.unknown_fields); break;
    }
  }
  if (d_.ok()) CheckTensorPayload(t, start);
}

// Refuses tensors whose dims cannot describe their data before anything is sized from the
// dims. Mismatches between data type and data field are the checker's to report.
void ModelDecoder::CheckTensorPayload(const Tensor& t, const uint8_t* at) {
  std::string label = t.name.empty() ? "tensor" : fmt::format("tensor '{}'", t.name);
  for (size_t i = 0; i < t.dims.size(); ++i) {
    if (t.dims[i] < 0) {
      d_.Push("dims", static_cast<int64_t>(i));
      d_.Fail(at, fmt::format("{} has a negative dimension {}", label, t.dims[i]));
      return;
    }
  }
  auto count = t.ElementCount();
  if (!count.ok()) {
    d_.Push("dims");
    d_.Fail(at, fmt::format("{}: {}", label, StatusMessage(count.status())));
    return;
  }
  // Packed types (int4, int2, float4, float6) share bytes: RawByteSizeOf rounds up.
  auto expected = RawByteSizeOf(t.data_type, *count);
  if (t.has_raw_data() && DataTypeBits(t.data_type) != 0 && !t.is_external()) {
    if (!expected.ok()) {
      d_.Push("dims");
      d_.Fail(at, fmt::format("{}: {}", label, StatusMessage(expected.status())));
    } else if (*expected != t.raw_data.size()) {
      d_.Push("raw_data");
      d_.Fail(at, fmt::format("{} is {}{} ({} bytes) but raw_data holds {} bytes", label,
                              DataTypeName(t.data_type), DimsToString(t.dims), *expected,
                              t.raw_data.size()));
    }
  }
}

void ModelDecoder::ReadSparseTensor(Span s, SparseTensor& t) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        Push("values");
        t.values.emplace();
        ReadTensor(Sub(s, f), *t.values);
        Pop();
        break;
      case 2:
        Push("indices");
        t.indices.emplace();
        ReadTensor(Sub(s, f), *t.indices);
        Pop();
        break;
      case 3: d_.RepeatedVarint(s, f, t.dims); break;
      default: d_.Unknown(s, f, t.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadAttribute(Span s, Attribute& a, std::vector<PendingGraph>& subgraphs) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        a.name = d_.String(s, f);
        a.preserved.Mark(1);
        break;
      case 2:
        a.f = d_.Float(s, f);
        a.preserved.Mark(2);
        break;
      case 3:
        a.i = d_.Int64(s, f);
        a.preserved.Mark(3);
        break;
      case 4:
        a.s = d_.ByteString(s, f);
        a.preserved.Mark(4);
        break;
      case 5:
        Push("t");
        a.t.emplace();
        ReadTensor(Sub(s, f), *a.t);
        Pop();
        break;
      case 6: {
        Push("g");
        if (a.g) {
          // Protobuf would merge the two; a pending sub-graph must not be replaced.
          d_.Fail(f.tag_begin, "the attribute has two graph ('g') fields");
          Pop();
          break;
        }
        a.g = std::make_unique<Graph>();
        subgraphs.push_back({a.g.get(), Sub(s, f), SnapshotPath()});
        Pop();
        break;
      }
      case 7: d_.RepeatedFixed(s, f, a.floats); break;
      case 8: d_.RepeatedVarint(s, f, a.ints); break;
      case 9: a.strings.push_back(d_.ByteString(s, f)); break;
      case 10:
        Push("tensors", static_cast<int64_t>(a.tensors.size()));
        ReadTensor(Sub(s, f), a.tensors.emplace_back());
        Pop();
        break;
      case 11: {
        Push("graphs", static_cast<int64_t>(a.graphs.size()));
        a.graphs.push_back(std::make_unique<Graph>());
        subgraphs.push_back({a.graphs.back().get(), Sub(s, f), SnapshotPath()});
        Pop();
        break;
      }
      case 13:
        a.doc_string = d_.String(s, f);
        a.preserved.Mark(13);
        break;
      case 14:
        Push("tp");
        a.tp.emplace();
        ReadType(Sub(s, f), *a.tp, 0);
        Pop();
        break;
      case 15:
        Push("type_protos", static_cast<int64_t>(a.type_protos.size()));
        ReadType(Sub(s, f), a.type_protos.emplace_back(), 0);
        Pop();
        break;
      case 20:
        a.type = static_cast<AttributeType>(d_.Int32(s, f));
        a.preserved.Mark(20);
        break;
      case 21:
        a.ref_attr_name = d_.String(s, f);
        a.preserved.Mark(21);
        break;
      case 22:
        Push("sparse_tensor");
        a.sparse_tensor.emplace();
        ReadSparseTensor(Sub(s, f), *a.sparse_tensor);
        Pop();
        break;
      case 23:
        Push("sparse_tensors", static_cast<int64_t>(a.sparse_tensors.size()));
        ReadSparseTensor(Sub(s, f), a.sparse_tensors.emplace_back());
        Pop();
        break;
      default: d_.Unknown(s, f, a.preserved.unknown_fields); break;
    }
  }
}

void ModelDecoder::ReadNodeFields(Span s, Node& n, std::vector<std::string>& inputs,
                                  std::vector<std::string>& outputs,
                                  std::vector<PendingGraph>& subgraphs) {
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1: inputs.push_back(d_.String(s, f)); break;
      case 2: outputs.push_back(d_.String(s, f)); break;
      case 3:
        Push("name");
        n.name = d_.String(s, f);
        Pop();
        n.preserved.Mark(3);
        break;
      case 4:
        n.op_type = d_.String(s, f);
        n.preserved.Mark(4);
        break;
      case 5:
        Push("attribute", static_cast<int64_t>(n.attributes.size()));
        ReadAttribute(Sub(s, f), n.attributes.emplace_back(), subgraphs);
        Pop();
        break;
      case 6:
        n.doc_string = d_.String(s, f);
        n.preserved.Mark(6);
        break;
      case 7:
        n.domain = d_.String(s, f);
        n.preserved.Mark(7);
        break;
      case 8:
        n.overload = d_.String(s, f);
        n.preserved.Mark(8);
        break;
      case 9: ReadMetadata(s, f, n.metadata_props); break;
      case 10:
        Push("device_configurations", static_cast<int64_t>(n.device_configurations.size()));
        ReadNodeDeviceConfiguration(Sub(s, f), n.device_configurations.emplace_back());
        Pop();
        break;
      default: d_.Unknown(s, f, n.preserved.unknown_fields); break;
    }
  }
}

Value* ModelDecoder::Resolve(const std::string& name, Graph& g) {
  for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
    auto found = it->find(name);
    if (found != it->end()) return found->second;
  }
  Value* v = g.AddUndefined(name);
  scopes_.back().emplace(v->name(), v);
  return v;
}

void ModelDecoder::Declare(Value* v, ValueInfo info, std::vector<Graph::InfoOverride>& overrides,
                           size_t index) {
  auto [it, first] = declared_.emplace(v, true);
  if (first) {
    v->mutable_info() = std::move(info);
    return;
  }
  if (EncodeValueInfo("", v->info()) != EncodeValueInfo("", info)) {
    overrides.push_back({index, std::move(info)});
  }
}

void ModelDecoder::ReadGraph(Span s, Graph& g) {
  if (++graph_depth_ > kMaxGraphDepth) {
    d_.Fail(s.p, fmt::format("graphs nested deeper than {} levels", kMaxGraphDepth));
    --graph_depth_;
    return;
  }
  std::vector<PendingNode> nodes;
  std::vector<std::vector<std::string>> node_outputs;
  std::vector<PendingGraph> subgraphs;
  std::vector<NamedInfo> inputs, outputs, value_info;
  std::vector<Tensor> initializers;
  std::vector<std::pair<std::string, SparseTensor>> sparse;
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1: {
        Push("node", static_cast<int64_t>(nodes.size()));
        std::vector<std::string> in, out;
        Node* n = g.AppendNode("", {}, {});
        ReadNodeFields(Sub(s, f), *n, in, out, subgraphs);
        nodes.push_back({n, std::move(in)});
        node_outputs.push_back(std::move(out));
        Pop();
        break;
      }
      case 2:
        g.name = d_.String(s, f);
        g.preserved.Mark(2);
        break;
      case 5:
        Push("initializer", static_cast<int64_t>(initializers.size()));
        ReadTensor(Sub(s, f), initializers.emplace_back());
        Pop();
        break;
      case 10:
        g.doc_string = d_.String(s, f);
        g.preserved.Mark(10);
        break;
      case 11:
      case 12:
      case 13: {
        auto& list = f.number == 11 ? inputs : f.number == 12 ? outputs : value_info;
        Push(f.number == 11   ? "input"
             : f.number == 12 ? "output"
                              : "value_info",
             static_cast<int64_t>(list.size()));
        ReadValueInfo(Sub(s, f), list.emplace_back());
        Pop();
        break;
      }
      case 14:
        Push("quantization_annotation", static_cast<int64_t>(g.quantization_annotation.size()));
        ReadAnnotation(Sub(s, f), g.quantization_annotation.emplace_back());
        Pop();
        break;
      case 15: {
        Push("sparse_initializer", static_cast<int64_t>(sparse.size()));
        SparseTensor st;
        ReadSparseTensor(Sub(s, f), st);
        std::string name = st.values ? st.values->name : std::string();
        sparse.emplace_back(std::move(name), std::move(st));
        Pop();
        break;
      }
      case 16: ReadMetadata(s, f, g.metadata_props); break;
      default: d_.Unknown(s, f, g.preserved.unknown_fields); break;
    }
  }
  if (!d_.ok()) {
    --graph_depth_;
    return;
  }

  // Definitions first (inputs, initializers, node outputs), then uses, so that references
  // resolve whatever the node order.
  scopes_.emplace_back();
  Scope& scope = scopes_.back();
  for (size_t i = 0; i < inputs.size(); ++i) {
    Value* v = g.AddInput(inputs[i].name);
    scope.emplace(v->name(), v);
    Declare(v, std::move(inputs[i].info), g.input_info_overrides, i);
  }
  for (Tensor& t : initializers) {
    auto it = scope.find(t.name);
    if (it != scope.end() && it->second->is_graph_input() && !it->second->initializer()) {
      g.AttachInitializer(it->second, std::move(t));
    } else {
      Value* v = g.AddInitializer(std::move(t));
      scope.emplace(v->name(), v);
    }
  }
  for (auto& [name, st] : sparse) {
    Value* v = g.AddSparseInitializer(name, std::move(st));
    scope.emplace(v->name(), v);
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const std::string& name : node_outputs[i]) {
      Value* v = g.AddNodeOutput(nodes[i].node, name);
      if (v) scope.emplace(v->name(), v);
    }
  }
  for (PendingNode& pn : nodes) {
    for (const std::string& name : pn.inputs) {
      pn.node->AddInput(name.empty() ? nullptr : Resolve(name, g));
    }
  }
  for (size_t i = 0; i < value_info.size(); ++i) {
    Value* v = Resolve(value_info[i].name, g);
    g.AddValueInfo(v);
    Declare(v, std::move(value_info[i].info), g.value_info_overrides, i);
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    Value* v = Resolve(outputs[i].name, g);
    g.AddOutput(v);
    Declare(v, std::move(outputs[i].info), g.output_info_overrides, i);
  }
  ReadSubgraphs(subgraphs, g);
  scopes_.pop_back();
  --graph_depth_;
}

void ModelDecoder::ReadSubgraphs(std::vector<PendingGraph>& pending, Graph& parent) {
  for (PendingGraph& p : pending) {
    if (!d_.ok()) return;
    auto saved = d_.path();
    d_.set_path(p.path);
    p.graph->set_parent(&parent);
    ReadGraph(p.bytes, *p.graph);
    d_.set_path(std::move(saved));
  }
}

void ModelDecoder::ReadFunction(Span s, Function& fn) {
  std::vector<PendingNode> nodes;
  std::vector<std::vector<std::string>> node_outputs;
  std::vector<PendingGraph> subgraphs;
  std::vector<std::string> inputs, outputs;
  std::vector<NamedInfo> value_info;
  Graph& g = *fn.body;
  Field f;
  while (d_.Next(s, f)) {
    switch (f.number) {
      case 1:
        fn.name = d_.String(s, f);
        fn.preserved.Mark(1);
        break;
      case 4: inputs.push_back(d_.String(s, f)); break;
      case 5: outputs.push_back(d_.String(s, f)); break;
      case 6: fn.attributes.push_back(d_.String(s, f)); break;
      case 7: {
        Push("node", static_cast<int64_t>(nodes.size()));
        std::vector<std::string> in, out;
        Node* n = g.AppendNode("", {}, {});
        ReadNodeFields(Sub(s, f), *n, in, out, subgraphs);
        nodes.push_back({n, std::move(in)});
        node_outputs.push_back(std::move(out));
        Pop();
        break;
      }
      case 8:
        fn.doc_string = d_.String(s, f);
        fn.preserved.Mark(8);
        break;
      case 9:
        Push("opset_import", static_cast<int64_t>(fn.opset_import.size()));
        ReadOpset(Sub(s, f), fn.opset_import.emplace_back());
        Pop();
        break;
      case 10:
        fn.domain = d_.String(s, f);
        fn.preserved.Mark(10);
        break;
      case 11:  // IR 9's attribute_proto: formal attributes with defaults
        Push("attribute_proto", static_cast<int64_t>(fn.attribute_defaults.size()));
        ReadAttribute(Sub(s, f), fn.attribute_defaults.emplace_back(), subgraphs);
        Pop();
        break;
      case 12:
        Push("value_info", static_cast<int64_t>(value_info.size()));
        ReadValueInfo(Sub(s, f), value_info.emplace_back());
        Pop();
        break;
      case 13:
        fn.overload = d_.String(s, f);
        fn.preserved.Mark(13);
        break;
      case 14: ReadMetadata(s, f, fn.metadata_props); break;
      default: d_.Unknown(s, f, fn.preserved.unknown_fields); break;
    }
  }
  if (!d_.ok()) return;
  // A function body has no outer scope: it sees only its own inputs and nodes.
  auto outer = std::move(scopes_);
  scopes_.clear();
  scopes_.emplace_back();
  Scope& scope = scopes_.back();
  for (const std::string& name : inputs) {
    Value* v = g.AddInput(name);
    scope.emplace(v->name(), v);
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const std::string& name : node_outputs[i]) {
      Value* v = g.AddNodeOutput(nodes[i].node, name);
      if (v) scope.emplace(v->name(), v);
    }
  }
  for (PendingNode& pn : nodes) {
    for (const std::string& name : pn.inputs) {
      pn.node->AddInput(name.empty() ? nullptr : Resolve(name, g));
    }
  }
  for (const std::string& name : outputs) g.AddOutput(Resolve(name, g));
  // FunctionProto.value_info is the body's value_info: its types become the values' own.
  for (size_t i = 0; i < value_info.size(); ++i) {
    Value* v = Resolve(value_info[i].name, g);
    g.AddValueInfo(v);
    Declare(v, std::move(value_info[i].info), g.value_info_overrides, i);
  }
  ReadSubgraphs(subgraphs, g);
  scopes_ = std::move(outer);
}

}  // namespace

StatusOr<std::unique_ptr<Model>> DecodeModel(const Bytes& bytes) {
  ModelDecoder decoder(bytes);
  return decoder.Run();
}

StatusOr<Tensor> DecodeTensor(const Bytes& bytes) {
  ModelDecoder decoder(bytes);
  return decoder.RunTensor();
}

bool LooksLikeGraphProto(const Bytes& bytes) {
  ModelDecoder decoder(bytes);
  return decoder.DecodesAsGraph();
}

}  // namespace onnxkit::io_internal
