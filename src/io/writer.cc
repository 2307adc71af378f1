#include "io/writer.h"

#include <fmt/format.h>

#include <cstring>
#include <vector>

#include "io/wire.h"

namespace onnxkit::io_internal {
namespace {

using wire::kFixed32;
using wire::kLengthDelimited;
using wire::kVarint;
using wire::VarintSize;

// One encoder, run twice: first counting the size of every nested message (in visiting
// order), then writing with those sizes.
class Emitter {
 public:
  // Counting pass.
  explicit Emitter(std::vector<uint64_t>& sizes) : counting_(true), sizes_(sizes) {}
  // Writing pass, with the sizes of the counting pass.
  Emitter(std::vector<uint64_t>& sizes, ByteSink& sink)
      : counting_(false), sizes_(sizes), sink_(&sink) {}

  uint64_t count() const { return count_; }

  void Raw(std::string_view bytes) {
    if (counting_) {
      count_ += bytes.size();
      return;
    }
    if (bytes.size() >= kDirectWrite) {
      Flush();
      if (status_.ok()) status_ = sink_->Write(bytes);
      return;
    }
    buffer_.append(bytes);
    if (buffer_.size() >= kBufferSize) Flush();
  }
  void Varint(uint64_t v) {
    if (counting_) {
      count_ += VarintSize(v);
      return;
    }
    char tmp[10];
    size_t n = 0;
    while (v >= 0x80) {
      tmp[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    tmp[n++] = static_cast<char>(v);
    Raw({tmp, n});
  }
  void Tag(uint32_t field, wire::WireType type) { Varint((uint64_t{field} << 3) | type); }
  void VarintField(uint32_t field, uint64_t v) {
    Tag(field, kVarint);
    Varint(v);
  }
  void Int64Field(uint32_t field, int64_t v) { VarintField(field, static_cast<uint64_t>(v)); }
  void Int32Field(uint32_t field, int32_t v) { Int64Field(field, v); }
  void BytesField(uint32_t field, std::string_view v) {
    Tag(field, kLengthDelimited);
    Varint(v.size());
    Raw(v);
  }
  // A bytes field of `length` bytes that `produce` (returning StatusOr<Bytes>) gives only in
  // the writing pass; its error becomes the encoder's.
  template <typename Producer>
  void LazyBytesField(uint32_t field, uint64_t length, Producer&& produce) {
    Tag(field, kLengthDelimited);
    Varint(length);
    if (counting_) {
      count_ += length;
      return;
    }
    if (!status_.ok()) return;
    StatusOr<Bytes> bytes = produce();
    if (!bytes.ok()) {
      status_ = bytes.status();
    } else if (bytes->size() != length) {
      status_ = absl::InternalError(
          fmt::format("a tensor's data holds {} bytes, {} were planned", bytes->size(), length));
    } else {
      Raw(bytes->view());
    }
  }
  template <typename T>
  void Fixed(T v) {
    char tmp[sizeof(T)];
    std::memcpy(tmp, &v, sizeof(T));
    Raw({tmp, sizeof(T)});
  }

  // A nested message: `body` writes its fields.
  template <typename Body>
  void Message(uint32_t field, Body&& body) {
    Tag(field, kLengthDelimited);
    if (counting_) {
      size_t slot = sizes_.size();
      sizes_.push_back(0);
      uint64_t start = count_;
      body();
      uint64_t n = count_ - start;
      sizes_[slot] = n;
      count_ += VarintSize(n);
      return;
    }
    Varint(sizes_[next_++]);
    body();
  }

  // Packed repeated fields: written only when non-empty, as protobuf does.
  template <typename T>
  void PackedVarint(uint32_t field, const std::vector<T>& values) {
    if (values.empty()) return;
    uint64_t n = 0;
    for (T v : values) n += VarintSize(static_cast<uint64_t>(static_cast<int64_t>(v)));
    Tag(field, kLengthDelimited);
    Varint(n);
    if (counting_) {
      count_ += n;
      return;
    }
    for (T v : values) Varint(static_cast<uint64_t>(static_cast<int64_t>(v)));
  }
  void PackedVarint(uint32_t field, const std::vector<uint64_t>& values) {
    if (values.empty()) return;
    uint64_t n = 0;
    for (uint64_t v : values) n += VarintSize(v);
    Tag(field, kLengthDelimited);
    Varint(n);
    if (counting_) {
      count_ += n;
      return;
    }
    for (uint64_t v : values) Varint(v);
  }
  template <typename T>
  void PackedFixed(uint32_t field, const std::vector<T>& values) {
    if (values.empty()) return;
    BytesField(field, {reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)});
  }

  Status Finish() {
    if (!counting_) Flush();
    return status_;
  }

 private:
  static constexpr size_t kBufferSize = 1 << 20;
  static constexpr size_t kDirectWrite = 64 << 10;
  void Flush() {
    if (!buffer_.empty() && status_.ok()) status_ = sink_->Write(buffer_);
    buffer_.clear();
  }

  bool counting_;
  std::vector<uint64_t>& sizes_;
  ByteSink* sink_ = nullptr;
  size_t next_ = 0;
  uint64_t count_ = 0;
  std::string buffer_;
  Status status_;
};

class ModelEncoder {
 public:
  ModelEncoder(Emitter& e, const TensorRewrites& rewrites) : e_(e), rewrites_(rewrites) {}

  void Model(const onnxkit::Model& m) {
    const Preserved& p = m.preserved;
    if (p.Has(1) || m.ir_version != 0) e_.Int64Field(1, m.ir_version);
    String(2, m.producer_name, p);
    String(3, m.producer_version, p);
    String(4, m.domain, p);
    if (p.Has(5) || m.model_version != 0) e_.Int64Field(5, m.model_version);
    String(6, m.doc_string, p);
    if (m.graph) e_.Message(7, [&] { Graph(*m.graph); });
    for (const OpsetImport& o : m.opset_import) e_.Message(8, [&] { Opset(o); });
    for (const StringPair& sp : m.metadata_props) e_.Message(14, [&] { Pair(sp); });
    for (const TrainingInfo& t : m.training_info) e_.Message(20, [&] { Training(t); });
    for (const auto& fn : m.functions) e_.Message(25, [&] { Function(*fn); });
    for (const DeviceConfiguration& c : m.configuration) e_.Message(26, [&] { Device(c); });
    e_.Raw(p.unknown_fields);
  }

  void Metadata(uint32_t field, const MetadataProps& props) {
    for (const StringPair& sp : props) e_.Message(field, [&] { Pair(sp); });
  }

  void Device(const DeviceConfiguration& c) {
    String(1, c.name, c.preserved);
    if (c.preserved.Has(2) || c.num_devices != 0) e_.Int32Field(2, c.num_devices);
    for (const std::string& d : c.devices) e_.BytesField(3, d);
    e_.Raw(c.preserved.unknown_fields);
  }

  // Repeated int64 fields of the newer messages are not declared packed (proto2): one
  // field per element, as protobuf writes them.
  void Int64s(uint32_t field, const std::vector<int64_t>& values) {
    for (int64_t v : values) e_.Int64Field(field, v);
  }

  void NodeDevice(const NodeDeviceConfiguration& c) {
    const Preserved& p = c.preserved;
    String(1, c.configuration_id, p);
    for (const ShardingSpec& spec : c.sharding_spec) e_.Message(2, [&] { Sharding(spec); });
    if (p.Has(3) || c.pipeline_stage != 0) e_.Int32Field(3, c.pipeline_stage);
    e_.Raw(p.unknown_fields);
  }

  void Sharding(const ShardingSpec& spec) {
    String(1, spec.tensor_name, spec.preserved);
    Int64s(2, spec.devices);
    for (const DeviceGroup& g : spec.index_to_device_group_map) {
      e_.Message(3, [&] {
        if (g.preserved.Has(1) || g.key != 0) e_.Int64Field(1, g.key);
        Int64s(2, g.devices);
        e_.Raw(g.preserved.unknown_fields);
      });
    }
    for (const ShardedDim& d : spec.sharded_dim) {
      e_.Message(4, [&] {
        if (d.preserved.Has(1) || d.axis != 0) e_.Int64Field(1, d.axis);
        for (const SimpleShardedDim& simple : d.simple_sharding) {
          e_.Message(2, [&] {
            if (simple.dim.kind == Dim::Kind::kValue) e_.Int64Field(1, simple.dim.value);
            if (simple.dim.kind == Dim::Kind::kParam) e_.BytesField(2, simple.dim.param);
            if (simple.preserved.Has(3) || simple.num_shards != 0) {
              e_.Int64Field(3, simple.num_shards);
            }
            e_.Raw(simple.preserved.unknown_fields);
          });
        }
        e_.Raw(d.preserved.unknown_fields);
      });
    }
    e_.Raw(spec.preserved.unknown_fields);
  }

  void ValueInfo(std::string_view name, const onnxkit::ValueInfo& info) {
    const Preserved& p = info.preserved;
    if (p.Has(1) || !name.empty()) e_.BytesField(1, name);
    if (info.has_type) e_.Message(2, [&] { Type(info.type); });
    String(3, info.doc_string, p);
    Metadata(4, info.metadata_props);
    e_.Raw(p.unknown_fields);
  }

  void String(uint32_t field, const std::string& v, const Preserved& p) {
    if (p.Has(static_cast<int>(field)) || !v.empty()) e_.BytesField(field, v);
  }

  void Opset(const OpsetImport& o) {
    String(1, o.domain, o.preserved);
    if (o.preserved.Has(2) || o.version != 0) e_.Int64Field(2, o.version);
    e_.Raw(o.preserved.unknown_fields);
  }

  void Pair(const StringPair& sp) {
    String(1, sp.key, sp.preserved);
    String(2, sp.value, sp.preserved);
    e_.Raw(sp.preserved.unknown_fields);
  }

  void Training(const TrainingInfo& t) {
    if (t.initialization) e_.Message(1, [&] { Graph(*t.initialization); });
    if (t.algorithm) e_.Message(2, [&] { Graph(*t.algorithm); });
    for (const StringPair& sp : t.initialization_binding) e_.Message(3, [&] { Pair(sp); });
    for (const StringPair& sp : t.update_binding) e_.Message(4, [&] { Pair(sp); });
    e_.Raw(t.preserved.unknown_fields);
  }

  // The declaration to write at each position of a declaration list: the override at that
  // index if any (the first one, as the reader records at most one), else the value's own
  // info. Built once per list, so a graph with many overrides is written in linear time.
  static std::vector<const onnxkit::ValueInfo*> DeclarationsAt(
      const std::vector<onnxkit::Value*>& values,
      const std::vector<Graph::InfoOverride>& overrides) {
    std::vector<const onnxkit::ValueInfo*> out(values.size(), nullptr);
    for (const auto& o : overrides) {
      if (o.index < out.size() && out[o.index] == nullptr) out[o.index] = &o.info;
    }
    for (size_t i = 0; i < values.size(); ++i) {
      if (out[i] == nullptr) out[i] = &values[i]->info();
    }
    return out;
  }

  void Declarations(uint32_t field, const std::vector<onnxkit::Value*>& values,
                    const std::vector<Graph::InfoOverride>& overrides) {
    std::vector<const onnxkit::ValueInfo*> infos = DeclarationsAt(values, overrides);
    for (size_t i = 0; i < values.size(); ++i) {
      e_.Message(field, [&] { ValueInfo(values[i]->name(), *infos[i]); });
    }
  }

  void Node(const onnxkit::Node& n) {
    for (const Value* v : n.inputs()) e_.BytesField(1, v ? std::string_view(v->name()) : "");
    for (const Value* v : n.outputs()) e_.BytesField(2, v ? std::string_view(v->name()) : "");
    const Preserved& p = n.preserved;
    String(3, n.name, p);
    String(4, n.op_type, p);
    for (const Attribute& a : n.attributes) e_.Message(5, [&] { Attr(a); });
    String(6, n.doc_string, p);
    String(7, n.domain, p);
    String(8, n.overload, p);
    Metadata(9, n.metadata_props);
    for (const NodeDeviceConfiguration& c : n.device_configurations) {
      e_.Message(10, [&] { NodeDevice(c); });
    }
    e_.Raw(p.unknown_fields);
  }

  void Graph(const onnxkit::Graph& g) {
    const Preserved& p = g.preserved;
    for (const onnxkit::Node* n : g.nodes()) e_.Message(1, [&] { Node(*n); });
    String(2, g.name, p);
    for (const Value* v : g.initializers()) {
      e_.Message(5, [&] { Tensor(*v->initializer(), &v->name()); });
    }
    String(10, g.doc_string, p);
    Declarations(11, g.inputs(), g.input_info_overrides);
    Declarations(12, g.outputs(), g.output_info_overrides);
    Declarations(13, g.value_info(), g.value_info_overrides);
    for (const TensorAnnotation& a : g.quantization_annotation) {
      e_.Message(14, [&] {
        String(1, a.tensor_name, a.preserved);
        for (const StringPair& sp : a.quant_parameter_tensor_names) {
          e_.Message(2, [&] { Pair(sp); });
        }
        e_.Raw(a.preserved.unknown_fields);
      });
    }
    for (const Value* v : g.sparse_initializers()) {
      e_.Message(15, [&] { Sparse(*v->sparse_initializer(), &v->name()); });
    }
    Metadata(16, g.metadata_props);
    e_.Raw(p.unknown_fields);
  }

  void Function(const onnxkit::Function& fn) {
    const Preserved& p = fn.preserved;
    String(1, fn.name, p);
    for (const Value* v : fn.body->inputs()) e_.BytesField(4, v->name());
    for (const Value* v : fn.body->outputs())
      e_.BytesField(5, v ? std::string_view(v->name()) : "");
    for (const std::string& a : fn.attributes) e_.BytesField(6, a);
    for (const onnxkit::Node* n : fn.body->nodes()) e_.Message(7, [&] { Node(*n); });
    String(8, fn.doc_string, p);
    for (const OpsetImport& o : fn.opset_import) e_.Message(9, [&] { Opset(o); });
    String(10, fn.domain, p);
    for (const Attribute& a : fn.attribute_defaults) e_.Message(11, [&] { Attr(a); });
    Declarations(12, fn.body->value_info(), fn.body->value_info_overrides);
    String(13, fn.overload, p);
    Metadata(14, fn.metadata_props);
    e_.Raw(p.unknown_fields);
  }

  void Attr(const Attribute& a) {
    const Preserved& p = a.preserved;
    String(1, a.name, p);
    if (a.HasField(AttributeType::kFloat) || a.f != 0) {
      e_.Tag(2, kFixed32);
      e_.Fixed(a.f);
    }
    if (a.HasField(AttributeType::kInt) || a.i != 0) e_.Int64Field(3, a.i);
    if (a.HasField(AttributeType::kString) || !a.s.empty()) e_.BytesField(4, a.s);
    if (a.t) e_.Message(5, [&] { Tensor(*a.t, nullptr); });
    if (a.g) e_.Message(6, [&] { Graph(*a.g); });
    for (float v : a.floats) {
      e_.Tag(7, kFixed32);
      e_.Fixed(v);
    }
    for (int64_t v : a.ints) e_.Int64Field(8, v);
    for (const std::string& v : a.strings) e_.BytesField(9, v);
    for (const onnxkit::Tensor& t : a.tensors) e_.Message(10, [&] { Tensor(t, nullptr); });
    for (const auto& g : a.graphs) e_.Message(11, [&] { Graph(*g); });
    String(13, a.doc_string, p);
    if (a.tp) e_.Message(14, [&] { Type(*a.tp); });
    for (const onnxkit::Type& t : a.type_protos) e_.Message(15, [&] { Type(t); });
    if (p.Has(20) || a.type != AttributeType::kUndefined) {
      e_.Int32Field(20, static_cast<int32_t>(a.type));
    }
    String(21, a.ref_attr_name, p);
    if (a.sparse_tensor) e_.Message(22, [&] { Sparse(*a.sparse_tensor, nullptr); });
    for (const SparseTensor& s : a.sparse_tensors) e_.Message(23, [&] { Sparse(s, nullptr); });
    e_.Raw(p.unknown_fields);
  }

  void Sparse(const SparseTensor& s, const std::string* name) {
    if (s.values) e_.Message(1, [&] { Tensor(*s.values, name); });
    if (s.indices) e_.Message(2, [&] { Tensor(*s.indices, nullptr); });
    for (int64_t d : s.dims) e_.Int64Field(3, d);
    e_.Raw(s.preserved.unknown_fields);
  }

  // `name` overrides the tensor's own name (an initializer is named by its value).
  void Tensor(const onnxkit::Tensor& t, const std::string* name) {
    const Preserved& p = t.preserved;
    const TensorRewrite* rewrite = nullptr;
    if (auto it = rewrites_.find(&t); it != rewrites_.end()) rewrite = &it->second;
    bool keep_data = rewrite == nullptr;
    for (int64_t d : t.dims) e_.Int64Field(1, d);
    if (p.Has(2) || t.data_type != 0) e_.Int32Field(2, t.data_type);
    if (t.segment) {
      e_.Message(3, [&] {
        const Preserved& sp = t.segment_preserved;
        if (sp.Has(1) || t.segment->first != 0) e_.Int64Field(1, t.segment->first);
        if (sp.Has(2) || t.segment->second != 0) e_.Int64Field(2, t.segment->second);
        e_.Raw(sp.unknown_fields);
      });
    }
    if (keep_data) {
      e_.PackedFixed(4, t.float_data);
      e_.PackedVarint(5, t.int32_data);
      for (const std::string& s : t.string_data) e_.BytesField(6, s);
      e_.PackedVarint(7, t.int64_data);
    }
    const std::string& tensor_name = name ? *name : t.name;
    if (p.Has(8) || !tensor_name.empty()) e_.BytesField(8, tensor_name);
    if (rewrite && rewrite->kind == TensorRewrite::Kind::kInline) {
      if (rewrite->read_when_written) {
        e_.LazyBytesField(9, rewrite->length, [&] { return t.Data(); });
      } else {
        e_.BytesField(9, rewrite->data.view());
      }
    } else if (keep_data && t.has_raw_data()) {
      e_.BytesField(9, t.raw_data.view());
    }
    if (keep_data) {
      e_.PackedFixed(10, t.double_data);
      e_.PackedVarint(11, t.uint64_data);
    }
    String(12, t.doc_string, p);
    if (rewrite && rewrite->kind == TensorRewrite::Kind::kExternal) {
      StringPair location{"location", rewrite->location, {}};
      StringPair offset{"offset", std::to_string(rewrite->offset), {}};
      StringPair length{"length", std::to_string(rewrite->length), {}};
      for (const StringPair* sp : {&location, &offset, &length}) e_.Message(13, [&] { Pair(*sp); });
      e_.Int32Field(14, 1);
    } else if (keep_data) {
      for (const StringPair& sp : t.external_data) e_.Message(13, [&] { Pair(sp); });
      if (p.Has(14) || t.data_location != 0) e_.Int32Field(14, t.data_location);
    }
    Metadata(16, t.metadata_props);
    e_.Raw(p.unknown_fields);
  }

  void Type(const onnxkit::Type& t) {
    const Preserved& ip = t.inner_preserved;
    auto tensor_body = [&] {
      if (ip.Has(1) || t.elem_type != 0) e_.Int32Field(1, t.elem_type);
      if (t.shape) e_.Message(2, [&] { Shape(*t.shape); });
      e_.Raw(ip.unknown_fields);
    };
    auto element_body = [&] {
      if (const onnxkit::Type* el = t.element_type()) e_.Message(1, [&] { Type(*el); });
      e_.Raw(ip.unknown_fields);
    };
    switch (t.kind) {
      case Type::Kind::kTensor: e_.Message(1, tensor_body); break;
      case Type::Kind::kSequence: e_.Message(4, element_body); break;
      case Type::Kind::kMap:
        e_.Message(5, [&] {
          if (ip.Has(1) || t.elem_type != 0) e_.Int32Field(1, t.elem_type);
          if (const onnxkit::Type* el = t.element_type()) e_.Message(2, [&] { Type(*el); });
          e_.Raw(ip.unknown_fields);
        });
        break;
      default: break;
    }
    if (t.preserved.Has(6) || !t.denotation.empty()) e_.BytesField(6, t.denotation);
    switch (t.kind) {
      case Type::Kind::kOpaque:
        e_.Message(7, [&] {
          String(1, t.opaque_domain, ip);
          String(2, t.opaque_name, ip);
          e_.Raw(ip.unknown_fields);
        });
        break;
      case Type::Kind::kSparseTensor: e_.Message(8, tensor_body); break;
      case Type::Kind::kOptional: e_.Message(9, element_body); break;
      default: break;
    }
    e_.Raw(t.preserved.unknown_fields);
  }

  void Shape(const onnxkit::Shape& s) {
    for (const Dim& d : s.dims) {
      e_.Message(1, [&] {
        if (d.kind == Dim::Kind::kValue) e_.Int64Field(1, d.value);
        if (d.kind == Dim::Kind::kParam) e_.BytesField(2, d.param);
        String(3, d.denotation, d.preserved);
        e_.Raw(d.preserved.unknown_fields);
      });
    }
    e_.Raw(s.preserved.unknown_fields);
  }

 private:
  Emitter& e_;
  const TensorRewrites& rewrites_;
};

class StringSink : public ByteSink {
 public:
  explicit StringSink(std::string& out) : out_(out) {}
  Status Write(std::string_view bytes) override {
    out_.append(bytes);
    return absl::OkStatus();
  }

 private:
  std::string& out_;
};

template <typename Body>
Status TwoPass(ByteSink& out, Body&& body) {
  std::vector<uint64_t> sizes;
  Emitter counter(sizes);
  body(counter);
  Emitter writer(sizes, out);
  body(writer);
  return writer.Finish();
}

}  // namespace

Status EncodeModel(const Model& model, const TensorRewrites& rewrites, ByteSink& out) {
  return TwoPass(out, [&](Emitter& e) { ModelEncoder(e, rewrites).Model(model); });
}

uint64_t EncodedModelSize(const Model& model, const TensorRewrites& rewrites) {
  std::vector<uint64_t> sizes;
  Emitter counter(sizes);
  ModelEncoder(counter, rewrites).Model(model);
  return counter.count();
}

std::string EncodeModelToString(const Model& model) {
  std::string out;
  StringSink sink(out);
  TensorRewrites none;
  (void)EncodeModel(model, none, sink);
  return out;
}

namespace {
template <typename Body>
std::string EncodeOne(Body&& body) {
  std::string out;
  StringSink sink(out);
  TensorRewrites none;
  (void)TwoPass(sink, [&](Emitter& e) {
    ModelEncoder encoder(e, none);
    body(encoder);
  });
  return out;
}
}  // namespace

std::string EncodeValueInfo(std::string_view name, const ValueInfo& info) {
  return EncodeOne([&](ModelEncoder& m) { m.ValueInfo(name, info); });
}
std::string EncodeNode(const Node& node) {
  return EncodeOne([&](ModelEncoder& m) { m.Node(node); });
}
std::string EncodeType(const Type& type) {
  return EncodeOne([&](ModelEncoder& m) { m.Type(type); });
}
std::string EncodeTensor(const Tensor& tensor) {
  return EncodeOne([&](ModelEncoder& m) { m.Tensor(tensor, nullptr); });
}

}  // namespace onnxkit::io_internal
