// The IR for scripting: graphs, nodes and values, with their edits, and initializers as
// NumPy arrays (zero-copy where the bytes are in memory).
#include <fmt/format.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "handles.h"
#include "ir_convert.h"
#include "onnxkit/surgery.h"

namespace nb = nanobind;

namespace onnxkit::python {
namespace {

bool InScopeOf(const Graph& graph, const Value& value) {
  for (const Graph* g = &graph; g != nullptr; g = g->parent()) {
    if (value.graph() == g) return true;
  }
  return false;
}

// The value behind `object` (a Value of the same model, in scope of `graph`), or nullptr for
// None.
Value* ValueFor(const HandlePtr& handle, const Graph& graph, nb::handle object) {
  if (object.is_none()) return nullptr;
  if (!nb::isinstance<PyValue>(object)) {
    throw nb::type_error(fmt::format("expected an onnxkit.Value or None, not {}",
                                     nb::type_name(object.type()).c_str())
                             .c_str());
  }
  const PyValue& py = nb::cast<const PyValue&>(object);
  if (py.handle != handle) {
    ThrowError(absl::StatusCode::kInvalidArgument,
               fmt::format("value '{}' belongs to another model", py.get().name()));
  }
  Value& value = py.get();
  if (!InScopeOf(graph, value)) {
    ThrowError(absl::StatusCode::kInvalidArgument,
               fmt::format("value '{}' is not visible in graph '{}' (it belongs to graph '{}')",
                           value.name(), graph.name, value.graph()->name));
  }
  return &value;
}

std::vector<Value*> ValuesFor(const HandlePtr& handle, const Graph& graph, nb::handle list) {
  std::vector<Value*> values;
  for (nb::handle item : list) values.push_back(ValueFor(handle, graph, item));
  return values;
}

nb::object WrapValue(const HandlePtr& handle, Value* value) {
  if (value == nullptr) return nb::none();
  return nb::cast(PyValue{handle, value});
}
nb::object WrapNode(const HandlePtr& handle, Node* node) {
  if (node == nullptr) return nb::none();
  return nb::cast(PyNode{handle, node});
}
nb::list WrapValues(const HandlePtr& handle, const std::vector<Value*>& values) {
  nb::list list;
  for (Value* value : values) list.append(WrapValue(handle, value));
  return list;
}

// Refuses output names the graph already defines (each name is defined once per graph).
void CheckNewNames(const Graph& graph, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (name.empty()) continue;
    for (const Value* value : graph.values()) {
      if (value->name() == name && value->kind() != Value::Kind::kUndefined) {
        ThrowError(absl::StatusCode::kAlreadyExists,
                   fmt::format("graph '{}' already defines a value named '{}'", graph.name, name));
      }
    }
  }
}

// Defining a name that nodes of `graph` read but nothing defined (the loader keeps such
// reads as an undefined value) binds those reads to the new definition.
void BindUndefinedReads(Graph& graph, Value* defined) {
  for (Value* value : graph.values()) {
    if (value != defined && value->kind() == Value::Kind::kUndefined &&
        value->name() == defined->name()) {
      value->ReplaceAllUsesWith(defined, Value::GraphOutputs::kRedirect);
    }
  }
}

// The shared part of append_node / insert_node_before / insert_node_after.
struct NodeRequest {
  std::vector<Value*> inputs;
  std::vector<std::string> outputs;
};
NodeRequest MakeRequest(const PyGraph& graph, nb::handle inputs,
                        const std::vector<std::string>& outputs) {
  Graph& g = graph.get();
  CheckNewNames(g, outputs);
  return NodeRequest{ValuesFor(graph.handle, g, inputs), outputs};
}
PyNode Finish(const PyGraph& graph, Node* node, const std::string& name, nb::dict attributes) {
  node->name = name;
  for (auto [key, value] : attributes) {
    node->SetAttribute(AttributeFromPython(nb::cast<std::string>(key), value));
  }
  graph.handle->Added(node);
  for (Value* output : node->outputs()) {
    if (output == nullptr) continue;
    graph.handle->Added(output);
    BindUndefinedReads(*node->graph(), output);
  }
  return PyNode{graph.handle, node};
}

std::string KindName(Value::Kind kind) {
  switch (kind) {
    case Value::Kind::kGraphInput: return "graph_input";
    case Value::Kind::kInitializer: return "initializer";
    case Value::Kind::kNodeOutput: return "node_output";
    case Value::Kind::kUndefined: return "undefined";
  }
  return "undefined";
}

// A dim as Python sees it: an int, a symbol (str) or None.
nb::object DimToPython(const Dim& dim) {
  switch (dim.kind) {
    case Dim::Kind::kValue: return nb::int_(dim.value);
    case Dim::Kind::kParam: return nb::str(dim.param.c_str(), dim.param.size());
    case Dim::Kind::kUnknown: return nb::none();
  }
  return nb::none();
}
Dim DimFromPython(nb::handle object) {
  if (object.is_none()) return Dim{};
  if (nb::isinstance<nb::str>(object)) return Dim::Param(nb::cast<std::string>(object));
  return Dim::Value(nb::cast<int64_t>(object));
}

void BindGraph(nb::module_& m) {
  nb::class_<PyGraph>(m, "Graph", "A graph: nodes in order, values, inputs and outputs.")
      .def_prop_rw(
          "name", [](const PyGraph& self) { return self.get().name; },
          [](const PyGraph& self, std::string name) { self.get().name = std::move(name); })
      .def_prop_ro(
          "nodes",
          [](const PyGraph& self) {
            nb::list list;
            for (Node* node : self.get().nodes()) list.append(WrapNode(self.handle, node));
            return list;
          },
          "The nodes in order (a snapshot: editing the graph does not change this list).")
      .def_prop_ro("inputs",
                   [](const PyGraph& self) { return WrapValues(self.handle, self.get().inputs()); })
      .def_prop_ro(
          "outputs", [](const PyGraph& self) { return PyGraphOutputs{self}; },
          "The outputs, as an editable list of Values (append, remove, del, item assignment).")
      .def_prop_ro(
          "initializers",
          [](const PyGraph& self) { return WrapValues(self.handle, self.get().initializers()); })
      .def_prop_ro(
          "values",
          [](const PyGraph& self) {
            nb::list list;
            for (Value* value : self.get().values()) list.append(WrapValue(self.handle, value));
            return list;
          },
          "Every value the graph owns, in creation order.")
      .def_prop_ro("parent",
                   [](const PyGraph& self) -> nb::object {
                     Graph* parent = self.get().parent();
                     if (parent == nullptr) return nb::none();
                     return nb::cast(PyGraph{self.handle, parent});
                   })
      .def(
          "find_value",
          [](const PyGraph& self, const std::string& name) {
            return WrapValue(self.handle, self.get().Lookup(name));
          },
          nb::arg("name"), "The value of that name here or in an enclosing graph, or None.")
      .def(
          "find_node",
          [](const PyGraph& self, const std::string& name) -> nb::object {
            for (Node* node : self.get().nodes()) {
              if (node->name == name) return WrapNode(self.handle, node);
            }
            return nb::none();
          },
          nb::arg("name"), "The first node of that name, or None.")
      .def(
          "append_node",
          [](const PyGraph& self, const std::string& op_type, nb::handle inputs,
             const std::vector<std::string>& outputs, const std::string& domain,
             const std::string& name, nb::dict attributes) {
            NodeRequest r = MakeRequest(self, inputs, outputs);
            Node* node = self.get().AppendNode(op_type, r.inputs, r.outputs, domain);
            return Finish(self, node, name, attributes);
          },
          nb::arg("op_type"), nb::arg("inputs"), nb::arg("outputs"), nb::arg("domain") = "",
          nb::arg("name") = "", nb::arg("attributes") = nb::dict(),
          "Appends a node reading `inputs` (Values or None) and defining new values named "
          "`outputs`.")
      .def(
          "insert_node_before",
          [](const PyGraph& self, const PyNode& before, const std::string& op_type,
             nb::handle inputs, const std::vector<std::string>& outputs, const std::string& domain,
             const std::string& name, nb::dict attributes) {
            Node& anchor = before.get();
            if (anchor.graph() != &self.get()) {
              ThrowError(absl::StatusCode::kInvalidArgument, "the anchor node is in another graph");
            }
            NodeRequest r = MakeRequest(self, inputs, outputs);
            Node* node = self.get().InsertNodeBefore(&anchor, op_type, r.inputs, r.outputs, domain);
            return Finish(self, node, name, attributes);
          },
          nb::arg("before"), nb::arg("op_type"), nb::arg("inputs"), nb::arg("outputs"),
          nb::arg("domain") = "", nb::arg("name") = "", nb::arg("attributes") = nb::dict())
      .def(
          "insert_node_after",
          [](const PyGraph& self, const PyNode& after, const std::string& op_type,
             nb::handle inputs, const std::vector<std::string>& outputs, const std::string& domain,
             const std::string& name, nb::dict attributes) {
            Node& anchor = after.get();
            if (anchor.graph() != &self.get()) {
              ThrowError(absl::StatusCode::kInvalidArgument, "the anchor node is in another graph");
            }
            NodeRequest r = MakeRequest(self, inputs, outputs);
            Node* node = self.get().InsertNodeAfter(&anchor, op_type, r.inputs, r.outputs, domain);
            return Finish(self, node, name, attributes);
          },
          nb::arg("after"), nb::arg("op_type"), nb::arg("inputs"), nb::arg("outputs"),
          nb::arg("domain") = "", nb::arg("name") = "", nb::arg("attributes") = nb::dict())
      .def(
          "remove_node",
          [](const PyGraph& self, const PyNode& node) {
            Node& n = node.get();
            if (n.graph() != &self.get()) {
              ThrowError(absl::StatusCode::kInvalidArgument,
                         fmt::format("node '{}' is in another graph", n.name));
            }
            ThrowIfError(self.get().RemoveNode(&n));
            self.handle->Invalidate();
          },
          nb::arg("node"),
          "Removes a node whose outputs nothing uses and no graph returns (raises otherwise).")
      .def(
          "remove_input",
          [](const PyGraph& self, const PyValue& value) {
            Value& v = value.get();
            if (v.graph() != &self.get() || !v.is_graph_input()) {
              throw nb::value_error(
                  fmt::format("'{}' is not an input of this graph", v.name()).c_str());
            }
            ThrowIfError(self.get().RemoveInput(&v));
          },
          nb::arg("value"),
          "Removes a graph input: one with an initializer becomes a plain initializer; any "
          "other must be unused and no graph output.")
      .def(
          "remove_initializer",
          [](const PyGraph& self, const PyValue& value) {
            Value& v = value.get();
            if (v.graph() != &self.get() ||
                (v.initializer() == nullptr && v.sparse_initializer() == nullptr)) {
              throw nb::value_error(
                  fmt::format("'{}' is not an initializer of this graph", v.name()).c_str());
            }
            ThrowIfError(self.get().RemoveInitializer(&v));
          },
          nb::arg("value"),
          "Removes an initializer: a graph input stays an input without a default; any other "
          "value must be unused and no graph output.")
      .def(
          "add_initializer",
          [](const PyGraph& self, const std::string& name, nb::handle array) {
            Tensor tensor = TensorFromPython(array);
            tensor.name = name;
            CheckNewNames(self.get(), {name});
            Value* value = self.get().AddInitializer(std::move(tensor));
            self.handle->Added(value);
            BindUndefinedReads(self.get(), value);
            return PyValue{self.handle, value};
          },
          nb::arg("name"), nb::arg("array"), "Adds an initializer holding a copy of `array`.")
      .def(
          "add_input",
          [](const PyGraph& self, const std::string& name, int32_t elem_type,
             std::optional<std::vector<nb::object>> shape) {
            CheckNewNames(self.get(), {name});
            ValueInfo info;
            info.has_type = true;
            std::vector<Dim> dims;
            if (shape) {
              for (const nb::object& d : *shape) dims.push_back(DimFromPython(d));
            }
            info.type = Type::Tensor(static_cast<DataType>(elem_type), std::move(dims));
            if (!shape) info.type.shape.reset();
            Value* value = self.get().AddInput(name, std::move(info));
            self.handle->Added(value);
            BindUndefinedReads(self.get(), value);
            return PyValue{self.handle, value};
          },
          nb::arg("name"), nb::arg("elem_type"), nb::arg("shape") = nb::none(),
          "Adds a tensor graph input (elem_type: TensorProto.DataType number; shape: ints, "
          "symbols and None, or None for an unknown rank).")
      .def("verify", [](const PyGraph& self) { ThrowIfError(self.get().Verify()); })
      .def(
          "__eq__", [](const PyGraph& a, const PyGraph& b) { return a.graph == b.graph; },
          nb::is_operator())
      .def("__hash__", [](const PyGraph& self) { return std::hash<const void*>()(self.graph); })
      .def("__repr__", [](const PyGraph& self) {
        return fmt::format("<onnxkit.Graph '{}' nodes={}>", self.get().name,
                           self.get().node_count());
      });

  nb::class_<PyGraphOutputs>(m, "GraphOutputs", "A graph's outputs as an editable list.")
      .def("__len__", [](const PyGraphOutputs& self) { return self.graph.get().outputs().size(); })
      .def("__getitem__",
           [](const PyGraphOutputs& self, int64_t index) {
             const auto& outputs = self.graph.get().outputs();
             int64_t size = static_cast<int64_t>(outputs.size());
             if (index < 0) index += size;
             if (index < 0 || index >= size) throw nb::index_error("output index out of range");
             return WrapValue(self.graph.handle, outputs[index]);
           })
      .def("__setitem__",
           [](const PyGraphOutputs& self, int64_t index, nb::handle value) {
             Graph& g = self.graph.get();
             int64_t size = static_cast<int64_t>(g.outputs().size());
             if (index < 0) index += size;
             if (index < 0 || index >= size) throw nb::index_error("output index out of range");
             Value* v = ValueFor(self.graph.handle, g, value);
             if (v == nullptr) throw nb::type_error("a graph output must be a Value");
             g.SetOutput(index, v);
           })
      .def("__delitem__",
           [](const PyGraphOutputs& self, int64_t index) {
             Graph& g = self.graph.get();
             int64_t size = static_cast<int64_t>(g.outputs().size());
             if (index < 0) index += size;
             if (index < 0 || index >= size) throw nb::index_error("output index out of range");
             ThrowIfError(g.RemoveOutput(index));
           })
      .def(
          "append",
          [](const PyGraphOutputs& self, nb::handle value) {
            Graph& g = self.graph.get();
            Value* v = ValueFor(self.graph.handle, g, value);
            if (v == nullptr) throw nb::type_error("a graph output must be a Value");
            Model& model = self.graph.handle->model();
            if (&g == model.graph.get() && v->type() == nullptr && !v->is_graph_output() &&
                v->graph() == &g) {
              // As `onnxkit add-output` does: the new output gets the type inference finds
              // (ONNX's checker wants typed outputs).
              ThrowIfError(AddOutputs(model, {v->name()}).status());
              return;
            }
            g.AddOutput(v);
          },
          nb::arg("value"),
          "Appends `value`; in the main graph a value without a declared type gets the type "
          "inference finds (as add_outputs does).")
      .def(
          "remove",
          [](const PyGraphOutputs& self, const PyValue& value) {
            Graph& g = self.graph.get();
            const auto& outputs = g.outputs();
            for (size_t i = 0; i < outputs.size(); ++i) {
              if (outputs[i] == value.value) {
                ThrowIfError(g.RemoveOutput(i));
                return;
              }
            }
            throw nb::value_error("the value is not an output of this graph");
          },
          nb::arg("value"), "Removes the first output slot holding `value`.")
      .def("__repr__", [](const PyGraphOutputs& self) {
        std::vector<std::string> names;
        for (const Value* v : self.graph.get().outputs()) names.push_back(v->name());
        return fmt::format("<onnxkit.GraphOutputs [{}]>", fmt::join(names, ", "));
      });
}

void BindNode(nb::module_& m) {
  nb::class_<PyNode>(m, "Node", "A node of a graph.")
      .def_prop_rw(
          "op_type", [](const PyNode& self) { return self.get().op_type; },
          [](const PyNode& self, std::string v) { self.get().op_type = std::move(v); })
      .def_prop_rw(
          "name", [](const PyNode& self) { return self.get().name; },
          [](const PyNode& self, std::string v) { self.get().name = std::move(v); })
      .def_prop_rw(
          "domain", [](const PyNode& self) { return self.get().domain; },
          [](const PyNode& self, std::string v) { self.get().domain = std::move(v); })
      .def_prop_rw(
          "doc_string", [](const PyNode& self) { return self.get().doc_string; },
          [](const PyNode& self, std::string v) { self.get().doc_string = std::move(v); })
      .def_prop_ro("graph",
                   [](const PyNode& self) {
                     return PyGraph{self.handle, self.get().graph()};
                   })
      .def_prop_ro(
          "inputs", [](const PyNode& self) { return WrapValues(self.handle, self.get().inputs()); },
          "The inputs in order (None for an omitted optional input); a snapshot.")
      .def_prop_ro(
          "outputs",
          [](const PyNode& self) { return WrapValues(self.handle, self.get().outputs()); },
          "The outputs in order (None for an omitted optional output); a snapshot.")
      .def(
          "set_input",
          [](const PyNode& self, size_t index, nb::handle value) {
            Node& node = self.get();
            if (index >= node.inputs().size()) throw nb::index_error("input index out of range");
            node.SetInput(index, ValueFor(self.handle, *node.graph(), value));
          },
          nb::arg("index"), nb::arg("value").none(), "Makes input `index` read `value` (or None).")
      .def(
          "add_input",
          [](const PyNode& self, nb::handle value) {
            Node& node = self.get();
            node.AddInput(ValueFor(self.handle, *node.graph(), value));
          },
          nb::arg("value").none())
      .def_prop_ro(
          "attributes",
          [](const PyNode& self) {
            nb::dict dict;
            for (const Attribute& a : self.get().attributes) {
              dict[a.name.c_str()] = AttributeToPython(self.handle, a);
            }
            return dict;
          },
          "The attributes as a dict of Python values (a snapshot): int, float, str, lists of "
          "them, NumPy arrays for tensors, Graphs for sub-graphs, None for other kinds.")
      .def(
          "set_attribute",
          [](const PyNode& self, const std::string& name, nb::handle value) {
            self.get().SetAttribute(AttributeFromPython(name, value));
            self.handle->Invalidate();  // a replaced attribute's sub-graphs are freed
          },
          nb::arg("name"), nb::arg("value"),
          "Sets an attribute from an int, float, str, a list of one of them, or a NumPy array.")
      .def(
          "remove_attribute",
          [](const PyNode& self, const std::string& name) {
            bool removed = self.get().RemoveAttribute(name);
            self.handle->Invalidate();
            if (!removed) throw nb::key_error(name.c_str());
          },
          nb::arg("name"))
      .def_prop_ro("subgraphs",
                   [](const PyNode& self) {
                     nb::list list;
                     for (Graph* g : self.get().subgraphs()) list.append(PyGraph{self.handle, g});
                     return list;
                   })
      .def_prop_ro("next",
                   [](const PyNode& self) { return WrapNode(self.handle, self.get().next()); })
      .def_prop_ro("prev",
                   [](const PyNode& self) { return WrapNode(self.handle, self.get().prev()); })
      .def("move_before",
           [](const PyNode& self, const PyNode& other) {
             if (other.get().graph() != self.get().graph()) {
               ThrowError(absl::StatusCode::kInvalidArgument, "the nodes are in different graphs");
             }
             self.get().MoveBefore(&other.get());
           })
      .def("move_after",
           [](const PyNode& self, const PyNode& other) {
             if (other.get().graph() != self.get().graph()) {
               ThrowError(absl::StatusCode::kInvalidArgument, "the nodes are in different graphs");
             }
             self.get().MoveAfter(&other.get());
           })
      .def(
          "__eq__", [](const PyNode& a, const PyNode& b) { return a.node == b.node; },
          nb::is_operator())
      .def("__hash__", [](const PyNode& self) { return std::hash<const void*>()(self.node); })
      .def("__repr__", [](const PyNode& self) {
        const Node& n = self.get();
        return fmt::format("<onnxkit.Node {} '{}'>", n.op_type, n.name);
      });
}

void BindValue(nb::module_& m) {
  nb::class_<PyValue>(m, "Value", "A value (tensor) of a graph: its producer and its uses.")
      .def_prop_rw(
          "name", [](const PyValue& self) { return self.get().name(); },
          [](const PyValue& self, std::string v) { self.get().set_name(std::move(v)); },
          "The name; renaming is one assignment (uses refer to the value, not the name).")
      .def_prop_ro(
          "kind", [](const PyValue& self) { return KindName(self.get().kind()); },
          "'graph_input', 'initializer', 'node_output' or 'undefined'.")
      .def_prop_ro("graph",
                   [](const PyValue& self) {
                     return PyGraph{self.handle, self.get().graph()};
                   })
      .def_prop_ro("producer",
                   [](const PyValue& self) { return WrapNode(self.handle, self.get().producer()); })
      .def_prop_ro("producer_index",
                   [](const PyValue& self) { return self.get().producer_index(); })
      .def_prop_ro(
          "uses",
          [](const PyValue& self) {
            nb::list list;
            for (const Use& use : self.get().uses()) {
              list.append(nb::make_tuple(PyNode{self.handle, use.node}, use.input_index));
            }
            return list;
          },
          "(node, input index) pairs, sub-graph readers included; a snapshot.")
      .def_prop_ro("is_graph_input",
                   [](const PyValue& self) { return self.get().is_graph_input(); })
      .def_prop_ro("is_graph_output",
                   [](const PyValue& self) { return self.get().is_graph_output(); })
      .def_prop_ro(
          "type",
          [](const PyValue& self) -> std::optional<std::string> {
            const Type* type = self.get().type();
            if (type == nullptr) return std::nullopt;
            return TypeToString(*type);
          },
          "The declared type as text ('float32[1,3,N,?]'), or None.")
      .def_prop_ro(
          "elem_type",
          [](const PyValue& self) -> std::optional<int32_t> {
            const Type* type = self.get().type();
            if (type == nullptr || type->kind != Type::Kind::kTensor) return std::nullopt;
            return type->elem_type;
          },
          "A tensor's element type (TensorProto.DataType number), or None.")
      .def_prop_ro(
          "shape",
          [](const PyValue& self) -> nb::object {
            const Type* type = self.get().type();
            if (type == nullptr || type->kind != Type::Kind::kTensor || !type->shape) {
              return nb::none();
            }
            nb::list dims;
            for (const Dim& d : type->shape->dims) dims.append(DimToPython(d));
            return dims;
          },
          "A tensor's dims (int, symbol str, or None when unknown), or None for an unknown "
          "rank.")
      .def(
          "set_type",
          [](const PyValue& self, int32_t elem_type, std::optional<std::vector<nb::object>> shape) {
            std::vector<Dim> dims;
            if (shape) {
              for (const nb::object& d : *shape) dims.push_back(DimFromPython(d));
            }
            ValueInfo& info = self.get().mutable_info();
            info.has_type = true;
            info.type = Type::Tensor(static_cast<DataType>(elem_type), std::move(dims));
            if (!shape) info.type.shape.reset();
          },
          nb::arg("elem_type"), nb::arg("shape") = nb::none(), "Declares a tensor type.")
      .def(
          "replace_all_uses_with",
          [](const PyValue& self, const PyValue& other, bool redirect_outputs) {
            Value& value = self.get();
            Value* replacement = ValueFor(self.handle, *value.graph(), nb::cast(other));
            value.ReplaceAllUsesWith(replacement, redirect_outputs ? Value::GraphOutputs::kRedirect
                                                                   : Value::GraphOutputs::kKeep);
          },
          nb::arg("other"), nb::arg("redirect_outputs") = false,
          "Makes every use of this value a use of `other` (and, with redirect_outputs, every "
          "graph output slot holding it).")
      .def_prop_ro(
          "initializer",
          [](const PyValue& self) -> nb::object {
            const Tensor* tensor = self.get().initializer();
            if (tensor == nullptr) return nb::none();
            return TensorToPython(*tensor);
          },
          "The initializer's data as a read-only NumPy array that shares the model's memory "
          "where the bytes are in memory (external data is read), or None.")
      .def(
          "__eq__", [](const PyValue& a, const PyValue& b) { return a.value == b.value; },
          nb::is_operator())
      .def("__hash__", [](const PyValue& self) { return std::hash<const void*>()(self.value); })
      .def("__repr__", [](const PyValue& self) {
        const Value& v = self.get();
        return fmt::format("<onnxkit.Value '{}' {}>", v.name(),
                           v.type() ? TypeToString(*v.type()) : "?");
      });
}

}  // namespace

void BindIr(nb::module_& m) {
  BindGraph(m);
  BindNode(m);
  BindValue(m);
}

}  // namespace onnxkit::python
