// PassOptions and PassResult: option values checked against a pass's declaration, and the
// counters a pass reports.
#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "absl/strings/str_split.h"
#include "fmt/format.h"
#include "onnxkit/pass.h"
#include "util/edit_distance.h"

namespace onnxkit {
namespace {

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<bool> ParseBool(std::string_view text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  return std::nullopt;
}

// "4096", "64KiB", "1MiB", "2GiB" (also KB/MB/GB as powers of 1000).
std::optional<uint64_t> ParseSize(std::string_view text) {
  struct Suffix {
    std::string_view name;
    uint64_t factor;
  };
  static constexpr Suffix kSuffixes[] = {{"KiB", 1ULL << 10},
                                         {"MiB", 1ULL << 20},
                                         {"GiB", 1ULL << 30},
                                         {"KB", 1000},
                                         {"MB", 1000 * 1000},
                                         {"GB", 1000 * 1000 * 1000},
                                         {"B", 1}};
  uint64_t factor = 1;
  for (const Suffix& s : kSuffixes) {
    if (text.size() > s.name.size() && text.ends_with(s.name)) {
      factor = s.factor;
      text.remove_suffix(s.name.size());
      break;
    }
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  if (value > UINT64_MAX / factor) return std::nullopt;
  return value * factor;
}

bool Parses(PassOptionSpec::Kind kind, std::string_view text) {
  switch (kind) {
    case PassOptionSpec::Kind::kBool: return ParseBool(text).has_value();
    case PassOptionSpec::Kind::kInt: return ParseInt(text).has_value();
    case PassOptionSpec::Kind::kSize: return ParseSize(text).has_value();
    case PassOptionSpec::Kind::kString:
    case PassOptionSpec::Kind::kList: return text.find_first_of(",{}=") == std::string_view::npos;
  }
  return false;
}

}  // namespace

std::string_view PassOptionKindName(PassOptionSpec::Kind kind) {
  switch (kind) {
    case PassOptionSpec::Kind::kBool: return "bool";
    case PassOptionSpec::Kind::kInt: return "int";
    case PassOptionSpec::Kind::kSize: return "size";
    case PassOptionSpec::Kind::kString: return "string";
    case PassOptionSpec::Kind::kList: return "list";
  }
  return "?";
}

StatusOr<PassOptions> PassOptions::Make(
    std::span<const PassOptionSpec> specs,
    const std::vector<std::pair<std::string, std::string>>& given) {
  PassOptions options;
  for (const PassOptionSpec& spec : specs) {
    options.entries_.push_back({&spec, std::string(spec.default_value), false});
  }
  for (const auto& option : given) {
    // Named, not a structured binding: clang 14 (the fuzz build) cannot capture those.
    const std::string& name = option.first;
    const std::string& text = option.second;
    auto it = std::find_if(options.entries_.begin(), options.entries_.end(),
                           [&](const Entry& e) { return e.spec->name == name; });
    if (it == options.entries_.end()) {
      std::vector<std::string_view> names;
      for (const PassOptionSpec& spec : specs) names.push_back(spec.name);
      std::string closest = ClosestMatch(name, names);
      return absl::InvalidArgumentError(
          fmt::format("unknown option '{}'{}", name,
                      closest.empty() ? "" : fmt::format(" (did you mean '{}'?)", closest)));
    }
    if (it->set) return absl::InvalidArgumentError(fmt::format("option '{}' given twice", name));
    if (!Parses(it->spec->kind, text)) {
      return absl::InvalidArgumentError(fmt::format("option '{}': '{}' is not a {}", name, text,
                                                    PassOptionKindName(it->spec->kind)));
    }
    it->text = text;
    it->set = true;
  }
  return options;
}

const PassOptions::Entry& PassOptions::Find(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.spec->name == name) return e;
  }
  // A pass asked for an option its table entry does not declare: a bug in the pass.
  std::abort();
}

bool PassOptions::GetBool(std::string_view name) const { return *ParseBool(Find(name).text); }
int64_t PassOptions::GetInt(std::string_view name) const { return *ParseInt(Find(name).text); }
uint64_t PassOptions::GetSize(std::string_view name) const { return *ParseSize(Find(name).text); }
std::string PassOptions::GetString(std::string_view name) const { return Find(name).text; }
std::vector<std::string> PassOptions::GetList(std::string_view name) const {
  const std::string& text = Find(name).text;
  if (text.empty()) return {};
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ':')) items.emplace_back(item);
  return items;
}
bool PassOptions::IsSet(std::string_view name) const { return Find(name).set; }

void PassResult::Count(std::string_view name, int64_t delta) {
  for (auto& [stat, value] : stats) {
    if (stat == name) {
      value += delta;
      return;
    }
  }
  stats.emplace_back(std::string(name), delta);
}

int64_t PassResult::Stat(std::string_view name) const {
  for (const auto& [stat, value] : stats) {
    if (stat == name) return value;
  }
  return 0;
}

void PassResult::Skip(std::string where, std::string reason) {
  skipped.push_back({std::move(where), std::move(reason)});
}

}  // namespace onnxkit
