// diff's two renderings: lines for a reviewer, JSON for programs (include/onnxkit/diff.h).
// Model strings go through EscapeForDisplay in text and ValidUtf8 in JSON.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "onnxkit/diff.h"
#include "onnxkit/escape.h"

namespace onnxkit {
namespace {

struct Counts {
  size_t added = 0, removed = 0, changed = 0;
};

Counts CountOf(const ModelDiff& diff) {
  Counts counts;
  for (const DiffEntry& e : diff.entries) {
    switch (e.kind) {
      case DiffKind::kAdded: ++counts.added; break;
      case DiffKind::kRemoved: ++counts.removed; break;
      case DiffKind::kChanged: ++counts.changed; break;
    }
  }
  return counts;
}

char Sign(DiffKind kind) {
  switch (kind) {
    case DiffKind::kAdded: return '+';
    case DiffKind::kRemoved: return '-';
    case DiffKind::kChanged: break;
  }
  return '~';
}

// "~ main: node 'conv' (Conv): attribute pads [0,0,0,0] -> [1,1,1,1]".
std::string EntryLine(const DiffEntry& e) {
  std::string line = fmt::format("{} ", Sign(e.kind));
  if (!e.graph.empty()) line += fmt::format("{}: ", EscapeForDisplay(e.graph));
  line += e.element;
  if (e.element == "model") {
    line += fmt::format(" {}", EscapeForDisplay(e.name));
  } else if (!e.name.empty()) {
    line += fmt::format(" '{}'", EscapeForDisplay(e.name));
  }
  if (!e.op.empty()) line += fmt::format(" ({})", EscapeForDisplay(e.op));
  // An added or removed element shows what it is; a change shows the field, old and new.
  const std::string& shown = e.kind == DiffKind::kAdded ? e.after : e.before;
  if (e.kind != DiffKind::kChanged) {
    return shown.empty() ? line : fmt::format("{}: {}", line, EscapeForDisplay(shown));
  }
  line += ":";
  if (!e.field.empty()) line += fmt::format(" {}", EscapeForDisplay(e.field));
  return line + fmt::format(" {} -> {}", EscapeForDisplay(e.before), EscapeForDisplay(e.after));
}

}  // namespace

std::string DiffText(const ModelDiff& diff, std::string_view a_name, std::string_view b_name) {
  if (diff.equal()) return "";
  std::string out =
      fmt::format("--- {}\n+++ {}\n", EscapeForDisplay(a_name), EscapeForDisplay(b_name));
  for (const DiffEntry& e : diff.entries) out += EntryLine(e) + "\n";
  Counts counts = CountOf(diff);
  out += fmt::format("{} difference(s): {} added, {} removed, {} changed\n", diff.entries.size(),
                     counts.added, counts.removed, counts.changed);
  return out;
}

std::string DiffJson(const ModelDiff& diff, std::string_view a_name, std::string_view b_name) {
  using Json = nlohmann::ordered_json;
  Json entries = Json::array();
  for (const DiffEntry& e : diff.entries) {
    Json j;
    j["kind"] = DiffKindName(e.kind);
    auto put = [&j](const char* key, const std::string& value) {
      if (!value.empty()) j[key] = ValidUtf8(value);
    };
    put("graph", e.graph);
    put("element", e.element);
    put("name", e.name);
    put("op", e.op);
    put("field", e.field);
    put("before", e.before);
    put("after", e.after);
    entries.push_back(std::move(j));
  }
  Counts counts = CountOf(diff);
  Json out;
  out["a"] = ValidUtf8(a_name);
  out["b"] = ValidUtf8(b_name);
  out["equal"] = diff.equal();
  out["summary"] = {
      {"added", counts.added}, {"removed", counts.removed}, {"changed", counts.changed}};
  out["differences"] = std::move(entries);
  return out.dump(2) + "\n";
}

}  // namespace onnxkit
