// The descriptions of passes made from their declarations: the text of `onnxkit passes` and
// `onnxkit rewrite --explain`, and docs/passes.md.
#include <fmt/format.h>

#include "onnxkit/pass.h"

namespace onnxkit {
namespace {

// How a value of `kind` is written in a pipeline.
std::string_view KindSyntax(PassOptionSpec::Kind kind) {
  switch (kind) {
    case PassOptionSpec::Kind::kBool: return "`true` or `false` (also `1`, `0`)";
    case PassOptionSpec::Kind::kInt: return "a decimal integer";
    case PassOptionSpec::Kind::kSize:
      return "a byte count: `4096`, `64KiB`, `1MiB`, `2GiB` (`KB`, `MB`, `GB` are powers of 1000)";
    case PassOptionSpec::Kind::kString: return "text without `,` `{` `}` `=`";
    case PassOptionSpec::Kind::kList: return "names separated by `:` (`a:b:c`)";
  }
  return "";
}

// Text from a declaration inside a Markdown table cell: '|' would end the cell.
std::string TableCell(std::string_view text) {
  std::string cell;
  for (char c : text) {
    if (c == '|') cell += '\\';
    cell += c;
  }
  return cell;
}

}  // namespace

std::string DescribePass(const PassInfo& info) {
  std::string text = fmt::format("{}\n  {}\n", info.name, info.summary);
  if (info.options.empty()) return text + "  options: none\n";
  text += "  options:\n";
  for (const PassOptionSpec& spec : info.options) {
    std::string default_text =
        spec.default_value.empty() ? "empty" : std::string(spec.default_value);
    text += fmt::format("    {}=<{}>  (default {})  {}\n", spec.name, PassOptionKindName(spec.kind),
                        default_text, spec.summary);
  }
  return text;
}

std::string PassesMarkdown(const PassRegistry& registry) {
  std::string md =
      "# Passes\n"
      "\n"
      "<!-- Generated from passes/pass_table.cc by `onnxkit passes --format=markdown`; do not "
      "edit by hand. -->\n"
      "\n"
      "`onnxkit rewrite IN -o OUT --pass=PIPELINE` runs a pipeline of these passes (see\n"
      "[cli.md](cli.md#rewrite)); `onnxkit passes` lists them and `onnxkit rewrite --explain\n"
      "NAME` describes one (with a model: what it did and why it left candidates alone).\n"
      "[pass-examples.md](pass-examples.md) shows the named passes on real models, as\n"
      "`onnxkit dump` before and after.\n"
      "\n"
      "A pipeline is pass names separated by `,`, each optionally followed by options in\n"
      "braces: `pass-a,pass-b{key=value,other=1},pass-c`. Spaces around names, keys and\n"
      "values are ignored; an option left out has its default. Option values are written as\n"
      "their kind says:\n"
      "\n"
      "| kind | syntax |\n"
      "|---|---|\n";
  for (auto kind :
       {PassOptionSpec::Kind::kBool, PassOptionSpec::Kind::kInt, PassOptionSpec::Kind::kSize,
        PassOptionSpec::Kind::kString, PassOptionSpec::Kind::kList}) {
    md += fmt::format("| {} | {} |\n", PassOptionKindName(kind), KindSyntax(kind));
  }
  if (registry.passes().empty()) return md + "\nNo passes are built in yet.\n";
  md += "\n";
  for (const PassInfo& info : registry.passes()) {
    md += fmt::format("- [`{}`](#{}): {}\n", info.name, info.name, info.summary);
  }
  for (const PassInfo& info : registry.passes()) {
    md += fmt::format("\n## {}\n\n{}\n", info.name, info.summary);
    if (info.options.empty()) {
      md += "\nNo options.\n";
      continue;
    }
    md += "\n| option | kind | default | meaning |\n|---|---|---|---|\n";
    for (const PassOptionSpec& spec : info.options) {
      md += fmt::format(
          "| `{}` | {} | {} | {} |\n", spec.name, PassOptionKindName(spec.kind),
          spec.default_value.empty() ? "(empty)" : fmt::format("`{}`", spec.default_value),
          TableCell(spec.summary));
    }
  }
  return md;
}

}  // namespace onnxkit
