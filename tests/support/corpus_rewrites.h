// Passes on the real models of the corpus, proven by ONNX Runtime (support/ort_oracle.h):
// the shared body of the corpus tests of the cleanup passes and of the named passes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace onnxkit::testing {

// One rewrite of a model: a label and the pipeline steps (support/ort_oracle.h's
// RunBuiltinPasses: names with options).
struct Rewrite {
  std::string name;
  std::vector<std::string> passes;
};

// Every model of corpus/models and corpus/valid-edge.
std::vector<std::filesystem::path> CorpusModels();

// Where a model of corpus/models is read with its weights: the copy the corpus_data fixture
// made beside them, or the corpus file itself for a model whose weights are inline.
std::filesystem::path ReadableCorpusModel(const std::filesystem::path& corpus_path);

// The parameterised test's name of a corpus model: "<folder>_<stem>", alphanumerics only.
std::string CorpusTestName(const std::filesystem::path& model);

// Runs each rewrite on `corpus_model` (from the weights copy for corpus/models), through
// the library. Each result must Verify() and Check() clean when the original does (always
// for the rewrites named in `always_clean`); the ones that changed the model are saved and
// compared with the original under ONNX Runtime in one oracle run (a model ONNX Runtime
// cannot run skips the current test, after the checks). Prints each pass's counters.
// `changed_by` (if given) receives the names of the rewrites that changed the model.
void ExpectRewritesKeepOutputs(const std::filesystem::path& corpus_model,
                               const std::vector<Rewrite>& rewrites,
                               const std::vector<std::string>& always_clean,
                               std::vector<std::string>* changed_by = nullptr);

}  // namespace onnxkit::testing
