// Every check-stage model of corpus/invalid gets at least one error whose code belongs to
// the manifest row's group and whose location is the row's `where` — one test per file.
#include <gtest/gtest.h>

#include <fstream>

#include "absl/strings/str_split.h"
#include "onnxkit/check.h"
#include "onnxkit/io.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

struct Row {
  std::string file, stage, group, where, defect;
};

std::vector<Row> CheckRows() {
  std::ifstream in(testing::CorpusDir() / "invalid/MANIFEST.tsv");
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    if (cols.size() >= 5 && cols[1] == "check") {
      rows.push_back({cols[0], cols[1], cols[2], cols[3], cols[4]});
    }
  }
  return rows;
}

// `where` is "model", a bare node/value name, or a path "main/If_0.then_branch/then_add",
// "fn:AddRelu", "fn:AddRelu/fn_add", "main/#1", "main/initializer#0".
bool LocationMatches(const Location& loc, const std::string& where) {
  if (where == "model") return loc.is_model();
  if (where.find('/') == std::string::npos && where.rfind("fn:", 0) != 0) {
    return loc.node_name == where || loc.value == where;
  }
  return loc.Path() == where || loc.graph == where;
}

std::string Describe(const Diagnostics& ds) {
  std::string out;
  for (const Diagnostic& d : ds.items) out += FormatDiagnostic(d, "", false) + "\n";
  return out;
}

class InvalidCheckRow : public ::testing::TestWithParam<Row> {};

TEST_P(InvalidCheckRow, ReportsTheDefectWhereItIs) {
  const Row& row = GetParam();
  LoadOptions options;
  options.check_external_data = false;
  auto model = LoadFile((testing::CorpusDir() / "invalid" / row.file).string(), options);
  ASSERT_TRUE(model.ok()) << "check-stage files must load: " << model.status();
  Diagnostics ds = Check(**model);
  bool found = false;
  for (const Diagnostic& d : ds.items) {
    found |= d.severity == Severity::kError && d.code.rfind(row.group + ".", 0) == 0 &&
             LocationMatches(d.location, row.where);
  }
  EXPECT_TRUE(found) << row.file << ": expected a " << row.group << ".* error at '" << row.where
                     << "' for: " << row.defect << "\ngot:\n"
                     << Describe(ds);
}

INSTANTIATE_TEST_SUITE_P(Manifest, InvalidCheckRow, ::testing::ValuesIn(CheckRows()),
                         [](const ::testing::TestParamInfo<Row>& info) {
                           std::string name = info.param.file.substr(0, info.param.file.find('.'));
                           for (char& ch : name) {
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace onnxkit
