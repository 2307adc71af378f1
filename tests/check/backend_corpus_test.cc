// ONNX 1.22's own backend test models (corpus/onnx-backend-1.22: node/, light/, simple/;
// opsets up to 27, IR versions up to 13): every model loads, saves back to the same bytes,
// checks with errors exactly when the Python onnx checker of the pinned release rejects it
// (its verdicts: onnx_checker_verdicts.py, run by the fixture in tests/CMakeLists.txt), and
// type inference, with the declared output types removed, infers types that agree with them
// (except for ops that ONNX defines by a function body only: their outputs stay unknown).
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "onnxkit/check.h"
#include "onnxkit/infer.h"
#include "onnxkit/io.h"
#include "onnxkit/version.h"
#include "schema/onnx_api.h"
#include "schema/schemas.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = testing::CorpusDir() / "onnx-backend-1.22";

// Relative path -> whether onnx.checker rejected it.
std::map<std::string, bool> CheckerVerdicts() {
  std::map<std::string, bool> out;
  std::istringstream lines(
      testing::ReadFile(fs::path(ONNXKIT_BINARY_DIR) / "onnx-checker-verdicts-1.22.tsv"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    out[line.substr(0, tab)] = line.compare(tab + 1, 8, "rejected") == 0;
  }
  return out;
}

bool DimsAgree(const Dim& declared, const Dim& inferred) {
  return declared.kind != Dim::Kind::kValue || inferred.kind != Dim::Kind::kValue ||
         declared.value == inferred.value;
}

// Whether the inferred type contradicts nothing declared: the same kind and element type,
// the same rank where both have a shape, the same numbers where both have one. A symbol
// or an unknown dim on either side is no contradiction.
bool Agrees(const Type& declared, const Type& inferred) {
  if (declared.kind != inferred.kind || declared.elem_type != inferred.elem_type) return false;
  if (declared.shape && inferred.shape) {
    const auto& a = declared.shape->dims;
    const auto& b = inferred.shape->dims;
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!DimsAgree(a[i], b[i])) return false;
    }
  }
  if (declared.element.size() != inferred.element.size()) return declared.element.empty();
  for (size_t i = 0; i < declared.element.size(); ++i) {
    if (!Agrees(declared.element[i], inferred.element[i])) return false;
  }
  return true;
}

std::string Errors(const Diagnostics& ds) {
  std::string out;
  for (const Diagnostic& d : ds.items) {
    if (d.severity == Severity::kError) out += FormatDiagnostic(d, "", false) + "\n";
  }
  return out;
}

struct Counts {
  size_t models = 0, loaded = 0, round_tripped = 0, verdict_agrees = 0, checked_clean = 0;
  size_t inference_compared = 0, inference_agrees = 0, inference_exact = 0;
  size_t no_inference_function = 0;
};

// Whether the op producing `v` has a schema without an inference function (ops ONNX
// defines by a function body, which onnxkit's inference does not expand).
bool ProducerHasNoInferenceFunction(const Model& model, const Value& v) {
  const Node* n = v.producer();
  if (!n) return false;
  auto version = model.OpsetVersion(n->domain);
  const onnx::OpSchema* s = version ? schema::Find(n->op_type, *version, n->domain) : nullptr;
  return s && !s->has_type_and_shape_inference_function();
}

// Removes the declared types of the main graph's outputs, infers, and compares.
void CompareInference(Model& model, Counts& counts, const std::string& name) {
  std::vector<std::optional<Type>> declared;
  for (Value* v : model.graph->outputs()) {
    declared.push_back(v->type() ? std::optional<Type>(*v->type()) : std::nullopt);
    v->mutable_info().has_type = false;
  }
  Diagnostics ds;
  InferShapes(model, ds);
  ++counts.inference_compared;
  bool agrees = true, exact = true, uninferable = false;
  for (size_t i = 0; i < declared.size(); ++i) {
    const Value* v = model.graph->outputs()[i];
    if (!declared[i]) continue;
    if (!v->type() && ProducerHasNoInferenceFunction(model, *v)) {
      uninferable = true;
      continue;
    }
    bool ok = v->type() && Agrees(*declared[i], *v->type());
    EXPECT_TRUE(ok) << name << ": output '" << v->name() << "' is declared "
                    << TypeToString(*declared[i]) << " but inferred "
                    << (v->type() ? TypeToString(*v->type()) : std::string("nothing")) << "\n"
                    << Errors(ds);
    agrees &= ok;
    exact &= ok && TypeToString(*declared[i]) == TypeToString(*v->type());
  }
  if (uninferable) {
    ++counts.no_inference_function;
    return;
  }
  counts.inference_agrees += agrees;
  counts.inference_exact += agrees && exact;
}

bool LibraryKnowsItsOpsets(const Model& model) {
  for (const OpsetImport& o : model.opset_import) {
    auto known = schema::KnownMaxVersion(o.domain);
    if (schema::IsStandardDomain(o.domain) && (!known || o.version > *known)) return false;
  }
  return true;
}

void ExpectSuite(const std::string& suite, size_t at_least) {
  auto verdicts = CheckerVerdicts();
  ASSERT_FALSE(verdicts.empty()) << "no onnx.checker verdicts: the fixture did not run";
  auto files = testing::OnnxFilesUnder(kCorpus / suite);
  ASSERT_GE(files.size(), at_least);
  OnnxLibraryInfo library = LinkedOnnxLibrary();
  Counts counts;
  for (const fs::path& file : files) {
    std::string name = fs::relative(file, kCorpus).string();
    ++counts.models;
    auto model = LoadFile(file.string());
    EXPECT_TRUE(model.ok()) << name << ": " << model.status();
    if (!model.ok()) continue;
    ++counts.loaded;
    auto saved = SaveBytes(**model);
    bool same = saved.ok() && *saved == testing::ReadFile(file);
    EXPECT_TRUE(same) << name << ": saved bytes differ from the file";
    counts.round_tripped += same;

    auto verdict = verdicts.find(name);
    EXPECT_NE(verdict, verdicts.end()) << name << ": onnx.checker has no verdict";
    bool rejected = verdict != verdicts.end() && verdict->second;
    Diagnostics ds = Check(**model);
    EXPECT_EQ(ds.has_errors(), rejected)
        << name << ": onnx.checker " << (rejected ? "rejects" : "accepts") << " it\n"
        << Errors(ds);
    counts.verdict_agrees += ds.has_errors() == rejected;
    counts.checked_clean += !ds.has_errors();

    // Inference needs the schemas of the model's opsets; an older library has none.
    if (LibraryKnowsItsOpsets(**model)) {
      CompareInference(**model, counts, name);
    }
  }
  std::cout << "onnx-backend-1.22/" << suite << " (ONNX " << library.version
            << "): " << counts.models << " models, " << counts.loaded << " loaded, "
            << counts.round_tripped << " round-tripped byte for byte, " << counts.checked_clean
            << " checked with no error, " << counts.verdict_agrees
            << " with onnx.checker's verdict; inference compared on " << counts.inference_compared
            << ": " << counts.inference_agrees << " agree (" << counts.inference_exact
            << " exactly), " << counts.no_inference_function
            << " with an op that has no inference function\n";
  EXPECT_EQ(counts.inference_agrees + counts.no_inference_function, counts.inference_compared);
}

TEST(BackendCorpus122, NodeTests) { ExpectSuite("node", 1700); }
TEST(BackendCorpus122, LightModels) { ExpectSuite("light", 9); }
TEST(BackendCorpus122, SimpleModels) { ExpectSuite("simple", 1); }

}  // namespace
}  // namespace onnxkit
