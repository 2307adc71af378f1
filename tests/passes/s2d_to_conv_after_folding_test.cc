// FFDNet's space-to-depth as PyTorch exports it (corpus/models/ffdnet_s2d_slices.onnx):
// ScatterND of strided slices into a zero canvas, whose indices and canvas come from
// Shape/ConstantOfShape/Where arithmetic over static dims. s2d-to-conv alone declines it
// (the parameters are computed at run time); after fold-constants and eliminate-dead-code
// they are constants and the chain is one stride-2 Conv, with ONNX Runtime's outputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "onnxkit/io.h"
#include "support/corpus_rewrites.h"
#include "support/test_support.h"

namespace onnxkit::testing {
namespace {

namespace fs = std::filesystem;

TEST(S2dToConvAfterFolding, FfdnetSlicesBecomeOneConvWithTheSameOutputs) {
  const fs::path model = CorpusDir() / "models" / "ffdnet_s2d_slices.onnx";
  std::vector<std::string> changed_by;
  ExpectRewritesKeepOutputs(model,
                            {{"folded", {"fold-constants", "eliminate-dead-code", "s2d-to-conv"}}},
                            {"folded"}, &changed_by);
  EXPECT_EQ(changed_by, std::vector<std::string>{"folded"});

  TempDir dir;
  const fs::path out = dir / "out.onnx";
  CliResult r = RunCli({"rewrite", model.string(), "-o", out.string(),
                        "--pass=fold-constants,eliminate-dead-code,s2d-to-conv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto rewritten = LoadFile(out.string());
  ASSERT_TRUE(rewritten.ok()) << rewritten.status();
  int convs = 0;
  for (const Node* n : (*rewritten)->graph->nodes()) {
    EXPECT_NE(n->op_type, "ScatterND");
    EXPECT_NE(n->op_type, "Slice");
    if (n->op_type == "Conv" && n->GetInts("strides") &&
        std::vector<int64_t>(n->GetInts("strides")->begin(), n->GetInts("strides")->end()) ==
            std::vector<int64_t>{2, 2}) {
      ++convs;
    }
  }
  EXPECT_EQ(convs, 1);
}

}  // namespace
}  // namespace onnxkit::testing
