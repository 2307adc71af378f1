// Rule group "schema": every node against libonnx's schema at the opset its graph imports.
//
// Cases:
//  1. a domain the graph does not import; a custom domain (warning: no schema to check);
//     an opset newer than the linked libonnx knows (warning, once: checks skipped);
//  2. an unknown op; an op that exists only in a later opset; a deprecated op;
//  3. input/output counts outside the schema's range;
//  4. attributes: duplicates, unknown names, missing required ones, the wrong type, a type
//     that disagrees with the field carrying the value, ref_attr_name outside a function,
//     values outside an enumeration or a positive range;
//  5. input types outside the schema's type constraint (declared types and initializers);
//  6. If/Loop/Scan bodies whose input or output counts do not fit the node.
// Calls of model-local functions are the "functions" group's.
#include <fmt/format.h>
#include <onnx/defs/data_type_utils.h>
#include <onnx/defs/schema.h>

#include <map>
#include <set>

#include "check/context.h"
#include "schema/convert.h"
#include "schema/onnx_api.h"
#include "schema/schemas.h"

namespace onnxkit::check_internal {
namespace {

using onnx::OpSchema;

std::string DomainLabel(std::string_view domain) {
  domain = NormalDomain(domain);
  return domain.empty() ? std::string("the default domain") : fmt::format("domain '{}'", domain);
}

// Attribute values ONNX restricts to a fixed set.
const std::map<std::pair<std::string, std::string>, std::set<std::string>>& Enumerations() {
  static const auto* table = [] {
    auto* t = new std::map<std::pair<std::string, std::string>, std::set<std::string>>;
    (*t)[{"DepthToSpace", "mode"}] = {"DCR", "CRD"};
    (*t)[{"Resize", "mode"}] = {"nearest", "linear", "cubic"};
    (*t)[{"Resize", "coordinate_transformation_mode"}] = {
        "half_pixel", "half_pixel_symmetric", "pytorch_half_pixel", "align_corners",
        "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize"};
    (*t)[{"Resize", "nearest_mode"}] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
    (*t)[{"Pad", "mode"}] = {"constant", "reflect", "edge", "wrap"};
    for (const char* op : {"Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "MaxPool",
                           "AveragePool", "LpPool"}) {
      (*t)[{op, "auto_pad"}] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"};
    }
    return t;
  }();
  return *table;
}

// Int attributes that must be at least 1.
bool MustBePositive(std::string_view op, std::string_view attr) {
  return (op == "DepthToSpace" || op == "SpaceToDepth") && attr == "blocksize";
}

using AttrType = onnx::AttributeProto::AttributeType;

// The value fields present on an attribute, as AttributeProto types.
std::vector<AttrType> FieldsPresent(const Attribute& a) {
  std::vector<AttrType> out;
  if (a.HasField(AttributeType::kFloat)) out.push_back(onnx::AttributeProto::FLOAT);
  if (a.HasField(AttributeType::kInt)) out.push_back(onnx::AttributeProto::INT);
  if (a.HasField(AttributeType::kString)) out.push_back(onnx::AttributeProto::STRING);
  if (a.t) out.push_back(onnx::AttributeProto::TENSOR);
  if (a.g) out.push_back(onnx::AttributeProto::GRAPH);
  if (a.sparse_tensor) out.push_back(onnx::AttributeProto::SPARSE_TENSOR);
  if (a.tp) out.push_back(onnx::AttributeProto::TYPE_PROTO);
  if (!a.floats.empty()) out.push_back(onnx::AttributeProto::FLOATS);
  if (!a.ints.empty()) out.push_back(onnx::AttributeProto::INTS);
  if (!a.strings.empty()) out.push_back(onnx::AttributeProto::STRINGS);
  if (!a.tensors.empty()) out.push_back(onnx::AttributeProto::TENSORS);
  if (!a.graphs.empty()) out.push_back(onnx::AttributeProto::GRAPHS);
  if (!a.sparse_tensors.empty()) out.push_back(onnx::AttributeProto::SPARSE_TENSORS);
  if (!a.type_protos.empty()) out.push_back(onnx::AttributeProto::TYPE_PROTOS);
  return out;
}

std::string TypeName(int type) {
  return std::string(AttributeTypeName(static_cast<AttributeType>(type)));
}

bool IsListType(AttrType t) {
  return t == onnx::AttributeProto::FLOATS || t == onnx::AttributeProto::INTS ||
         t == onnx::AttributeProto::STRINGS || t == onnx::AttributeProto::TENSORS ||
         t == onnx::AttributeProto::GRAPHS || t == onnx::AttributeProto::SPARSE_TENSORS ||
         t == onnx::AttributeProto::TYPE_PROTOS;
}

class NodeSchemaChecker {
 public:
  NodeSchemaChecker(Context& c, const GraphScope& s, const Node& n, const OpSchema& schema)
      : c_(c), s_(s), n_(n), schema_(schema) {}

  void Run() {
    if (schema_.Deprecated()) {
      Error("deprecated-op", fmt::format("{} is deprecated as of opset {} of {}", n_.op_type,
                                         schema_.since_version(), DomainLabel(n_.domain)));
    }
    CheckArity();
    CheckAttributes();
    CheckInputTypes();
    CheckSubgraphArity();
  }

 private:
  void Error(std::string_view name, std::string message, std::string slot = "") {
    Location at = c_.NodeLocation(s_, n_);
    at.slot = std::move(slot);
    c_.Error(fmt::format("schema.{}", name), at, std::move(message));
  }

  void CheckArity() {
    auto range = [](int lo, int hi) {
      if (hi == INT_MAX) return fmt::format("at least {}", lo);
      return lo == hi ? fmt::format("{}", lo) : fmt::format("{} to {}", lo, hi);
    };
    int inputs = static_cast<int>(n_.inputs().size());
    if (inputs < schema_.min_input() || inputs > schema_.max_input()) {
      Error("input-arity", fmt::format("{} takes {} inputs, got {}", n_.op_type,
                                       range(schema_.min_input(), schema_.max_input()), inputs));
    }
    int outputs = static_cast<int>(n_.outputs().size());
    if (outputs < schema_.min_output() || outputs > schema_.max_output()) {
      Error("output-arity",
            fmt::format("{} has {} outputs, got {}", n_.op_type,
                        range(schema_.min_output(), schema_.max_output()), outputs));
    }
  }

  void CheckAttributes() {
    std::set<std::string> seen;
    const auto& declared = schema_.attributes();
    for (const Attribute& a : n_.attributes) {
      std::string slot = "attribute '" + a.name + "'";
      if (!seen.insert(a.name).second) {
        Error("duplicate-attribute", fmt::format("attribute '{}' is given more than once", a.name),
              slot);
        continue;
      }
      if (!a.ref_attr_name.empty() && !s_.function) {
        Error("ref-attr-outside-function",
              fmt::format("attribute '{}' refers to '{}' (ref_attr_name), which only a function "
                          "body can do",
                          a.name, a.ref_attr_name),
              slot);
      }
      auto it = declared.find(a.name);
      if (it == declared.end()) {
        Error(
            "unknown-attribute",
            fmt::format("{}-{} has no attribute '{}'", n_.op_type, schema_.since_version(), a.name),
            slot);
        continue;
      }
      if (a.ref_attr_name.empty()) CheckAttributeValue(a, it->second, slot);
    }
    for (const auto& [name, attr] : schema::SortedAttributes(schema_)) {
      if (attr->required && !seen.contains(name)) {
        Error("missing-attribute", fmt::format("required attribute '{}' is missing", name),
              fmt::format("attribute '{}'", name));
      }
    }
  }

  void CheckAttributeValue(const Attribute& a, const OpSchema::Attribute& formal,
                           const std::string& slot) {
    auto type = static_cast<AttrType>(a.type);
    if (type != formal.type) {
      Error("attr-type",
            fmt::format("attribute '{}' must be {}, got {}", a.name, TypeName(formal.type),
                        TypeName(type)),
            slot);
      return;
    }
    auto present = FieldsPresent(a);
    bool has_own = std::find(present.begin(), present.end(), type) != present.end();
    bool others =
        std::any_of(present.begin(), present.end(), [&](AttrType t) { return t != type; });
    if (others || (!has_own && !IsListType(type))) {
      std::string carried = present.empty() ? std::string("no value")
                                            : "a value in the " + TypeName(present[0]) + " field";
      Error("attr-type-mismatch",
            fmt::format("attribute '{}' says type {} but carries {}", a.name, TypeName(type),
                        carried),
            slot);
      return;
    }
    CheckAttributeRange(a, slot);
  }

  void CheckAttributeRange(const Attribute& a, const std::string& slot) {
    const auto& enums = Enumerations();
    if (auto it = enums.find({n_.op_type, a.name});
        it != enums.end() && a.type == AttributeType::kString && !it->second.contains(a.s)) {
      std::string allowed;
      for (const std::string& v : it->second) allowed += (allowed.empty() ? "'" : ", '") + v + "'";
      Error("attr-value", fmt::format("attribute '{}' is '{}'; allowed: {}", a.name, a.s, allowed),
            slot);
    }
    if (MustBePositive(n_.op_type, a.name) && a.type == AttributeType::kInt && a.i < 1) {
      Error("attr-value", fmt::format("attribute '{}' is {}; it must be positive", a.name, a.i),
            slot);
    }
  }

  // The type of an input if known before inference: declared, or an initializer's.
  static std::optional<Type> KnownType(const Value* v) {
    if (v->type()) return *v->type();
    if (v->initializer()) return schema::TypeOfTensor(*v->initializer());
    return std::nullopt;
  }

  void CheckInputTypes() {
    const auto& formals = schema_.inputs();
    for (size_t i = 0; i < n_.inputs().size() && !formals.empty(); ++i) {
      const Value* v = n_.input(i);
      if (!v) continue;
      const auto& formal = i < formals.size() ? formals[i] : formals.back();
      if (i >= formals.size() && formal.GetOption() != OpSchema::Variadic) break;
      auto type = KnownType(v);
      if (!type || type->kind == Type::Kind::kNone) continue;
      if ((type->kind == Type::Kind::kTensor || type->kind == Type::Kind::kSparseTensor) &&
          type->elem_type == 0) {
        continue;  // undefined element types are the "types" group's
      }
      onnx::DataType dt;
      try {
        dt = schema::TypeId(schema::ToOnnx(*type));
      } catch (const std::exception&) {
        continue;
      }
      const auto& allowed = formal.GetTypes();
      if (!SameKindAllowed(allowed, *dt)) continue;  // e.g. a sequence for a tensor: "types"
      if (!allowed.empty() && !allowed.contains(dt)) {
        Error("type-constraint",
              fmt::format("input '{}' ({}) is {}, which {} does not allow (type {} is one of: {})",
                          formal.GetName(), v->name(), *dt, n_.op_type, formal.GetTypeStr(),
                          AllowedList(allowed)),
              fmt::format("input {} ({})", i, formal.GetName()));
      }
    }
  }

  // Whether `allowed` has any type of the same kind ("tensor(", "seq(", …) as `type`.
  static bool SameKindAllowed(const onnx::DataTypeSet& allowed, const std::string& type) {
    std::string kind = type.substr(0, type.find('('));
    for (const auto& t : allowed) {
      if (t->substr(0, t->find('(')) == kind) return true;
    }
    return allowed.empty();
  }

  static std::string AllowedList(const onnx::DataTypeSet& allowed) {
    std::vector<std::string> names;
    for (const auto& t : allowed) names.push_back(*t);
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
  }

  void SubgraphMismatch(const char* attr, const char* what, size_t got, size_t want) {
    Error("subgraph-arity",
          fmt::format("its {} declares {} {} but {} needs {}", attr, got, what, n_.op_type, want),
          fmt::format("attribute '{}'", attr));
  }

  void CheckSubgraphArity() {
    size_t in = n_.inputs().size(), out = n_.outputs().size();
    if (n_.op_type == "If") {
      for (const char* branch : {"then_branch", "else_branch"}) {
        const Attribute* a = n_.FindAttribute(branch);
        if (a && a->g && a->g->outputs().size() != out) {
          SubgraphMismatch(branch, "outputs", a->g->outputs().size(), out);
        }
      }
    } else if (n_.op_type == "Loop") {
      const Attribute* body = n_.FindAttribute("body");
      if (!body || !body->g || in < 2) return;
      size_t carried = in - 2;
      if (body->g->inputs().size() != 2 + carried) {
        SubgraphMismatch("body", "inputs", body->g->inputs().size(), 2 + carried);
      }
      if (body->g->outputs().size() != 1 + out) {
        SubgraphMismatch("body", "outputs", body->g->outputs().size(), 1 + out);
      }
    } else if (n_.op_type == "Scan") {
      const Attribute* body = n_.FindAttribute("body");
      if (!body || !body->g) return;
      size_t body_inputs = schema_.since_version() == 8 ? in - 1 : in;
      if (in > 0 && body->g->inputs().size() != body_inputs) {
        SubgraphMismatch("body", "inputs", body->g->inputs().size(), body_inputs);
      }
      if (body->g->outputs().size() != out) {
        SubgraphMismatch("body", "outputs", body->g->outputs().size(), out);
      }
    }
  }

  Context& c_;
  const GraphScope& s_;
  const Node& n_;
  const OpSchema& schema_;
};

class SchemaRules {
 public:
  explicit SchemaRules(Context& c) : c_(c) {}

  void Run() {
    for (const GraphScope& s : c_.graphs()) {
      for (const Node* n : s.graph->nodes()) CheckNode(s, *n);
    }
  }

 private:
  void CheckNode(const GraphScope& s, const Node& n) {
    if (c_.IsFunctionCall(n)) return;
    // Made only when there is something to report: most nodes have nothing.
    auto loc = [&] { return c_.NodeLocation(s, n); };
    auto version = c_.OpsetVersion(s, n.domain);
    if (!version) {
      c_.Error("schema.domain-not-imported", loc(),
               fmt::format("{} is not imported by {}", DomainLabel(n.domain),
                           s.function ? "this function" : "the model"));
      return;
    }
    if (!schema::IsStandardDomain(n.domain)) {
      c_.Warning(
          "schema.custom-op", loc(),
          fmt::format("{}.{} has no schema here: custom ops are not checked", n.domain, n.op_type));
      return;
    }
    auto known = schema::KnownMaxVersion(n.domain);
    if (!known || *version > *known) {
      WarnUnknownOpset(loc(), n.domain, *version, known);
      return;
    }
    const OpSchema* schema = schema::Find(n.op_type, *version, n.domain);
    if (!schema) {
      if (const OpSchema* any = schema::FindAnyVersion(n.op_type, n.domain)) {
        c_.Error(
            "schema.op-not-in-opset", loc(),
            fmt::format("{} exists from opset {} of {}, but version {} is imported", n.op_type,
                        FirstVersion(n.op_type, n.domain, *any), DomainLabel(n.domain), *version));
      } else {
        c_.Error("schema.unknown-op", loc(),
                 fmt::format("{} has no op '{}'", DomainLabel(n.domain), n.op_type));
      }
      return;
    }
    NodeSchemaChecker(c_, s, n, *schema).Run();
  }

  // The opset in which `op` first appears (schema lookups return the newest version at or
  // below the one asked for, so the first hit counting up is the first version).
  static int FirstVersion(std::string_view op, std::string_view domain, const OpSchema& newest) {
    for (int v = 1; v < newest.since_version(); ++v) {
      if (const OpSchema* found = schema::Find(op, v, domain)) return found->since_version();
    }
    return newest.since_version();
  }

  void WarnUnknownOpset(Location loc, const std::string& domain, int64_t version,
                        std::optional<int64_t> known) {
    std::string key(NormalDomain(domain));
    if (!warned_.insert(key).second) return;
    loc = {};
    c_.Warning("schema.opset-unknown", loc,
               fmt::format("opset {} of {} is newer than the linked ONNX library knows ({}): "
                           "schema checks were skipped for its nodes",
                           version, DomainLabel(domain),
                           known ? fmt::format("up to {}", *known) : std::string("none")));
  }

  Context& c_;
  std::set<std::string> warned_;
};

}  // namespace

void CheckSchemaRules(Context& c) { SchemaRules(c).Run(); }

}  // namespace onnxkit::check_internal
