// PassRegistry: the passes a pipeline can name, the table's built-ins first. Register checks
// a declaration as strictly as the table's own test would, so a program's pass cannot reach a
// pipeline with a name the syntax cannot spell or a default its getters cannot read.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

#include "onnxkit/pass.h"
#include "passes/pass_table.h"
#include "util/edit_distance.h"

namespace onnxkit {
namespace {

// Lower-case words of letters and digits joined by single '-': "eliminate-dead-code".
bool IsDashedName(std::string_view name) {
  if (name.empty() || name.front() < 'a' || name.front() > 'z' || name.back() == '-') {
    return false;
  }
  char previous = 0;
  for (char c : name) {
    bool word_char = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!word_char && !(c == '-' && previous != '-')) return false;
    previous = c;
  }
  return true;
}

Status CheckOptionSpecs(const PassInfo& info) {
  std::vector<std::pair<std::string, std::string>> defaults;
  for (const PassOptionSpec& spec : info.options) {
    if (!IsDashedName(spec.name)) {
      return absl::InvalidArgumentError(
          fmt::format("pass '{}': option name '{}' is not lower-case words joined by '-'",
                      info.name, spec.name));
    }
    defaults.emplace_back(std::string(spec.name), std::string(spec.default_value));
  }
  // Make() refuses repeated names and defaults that do not parse as their kind.
  auto parsed = PassOptions::Make(info.options, defaults);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(fmt::format("pass '{}' declares a bad option: {}", info.name,
                                                  StatusMessage(parsed.status())));
  }
  return absl::OkStatus();
}

}  // namespace

PassRegistry PassRegistry::Builtins() {
  PassRegistry registry;
  for (const PassInfo& info : passes::BuiltinPassTable()) {
    if (Status s = registry.Register(info); !s.ok()) {
      // A bad row of passes/pass_table.cc is a bug of this library, which
      // tests/pass/pass_registry_test.cc catches; no input can cause it.
      std::fprintf(stderr, "onnxkit: built-in pass table: %s\n",
                   std::string(StatusMessage(s)).c_str());
      std::abort();
    }
  }
  return registry;
}

Status PassRegistry::Register(PassInfo info) {
  if (!IsDashedName(info.name)) {
    return absl::InvalidArgumentError(fmt::format(
        "pass name '{}' is not lower-case words joined by '-' (e.g. 'count-ops')", info.name));
  }
  if (Find(info.name) != nullptr) {
    return absl::AlreadyExistsError(
        fmt::format("a pass named '{}' is already registered", info.name));
  }
  if (info.summary.empty()) {
    return absl::InvalidArgumentError(fmt::format("pass '{}' has no summary", info.name));
  }
  if (!info.create) {
    return absl::InvalidArgumentError(fmt::format("pass '{}' has no create function", info.name));
  }
  ONNXKIT_RETURN_IF_ERROR(CheckOptionSpecs(info));
  passes_.push_back(std::move(info));
  return absl::OkStatus();
}

const PassInfo* PassRegistry::Find(std::string_view name) const {
  for (const PassInfo& info : passes_) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::string PassRegistry::ClosestName(std::string_view name) const {
  std::vector<std::string_view> names;
  for (const PassInfo& info : passes_) names.push_back(info.name);
  return ClosestMatch(name, names);
}

}  // namespace onnxkit
