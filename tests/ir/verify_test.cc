// Graph::Verify on every model the corpus holds as valid: whatever a valid file contains,
// the IR built from it satisfies every invariant, in every graph (sub-graphs, function
// bodies, training graphs), and a topological sort of each graph keeps its order.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "onnxkit/io.h"
#include "onnxkit/ir.h"
#include "onnxkit/topological_sort.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

namespace fs = std::filesystem;

void ExpectEveryGraphVerified(const std::vector<fs::path>& files) {
  ASSERT_FALSE(files.empty());
  LoadOptions options;
  options.check_external_data = false;  // weights are not needed to verify the graph
  for (const fs::path& file : files) {
    auto model = LoadFile(file.string(), options);
    if (!model.ok()) continue;  // not a loadable model (the reader's tests cover those)
    ForEachGraph(**model, [&](const Graph& g) {
      Status verified = g.Verify();
      EXPECT_TRUE(verified.ok()) << file << ": " << verified;
      auto order = TopologicalOrder(g);
      ASSERT_TRUE(order.ok()) << file << ": " << order.status();
      EXPECT_TRUE(std::equal(order->begin(), order->end(), g.nodes().begin(), g.nodes().end()))
          << file << ": graph '" << g.name << "' is sorted but TopologicalOrder reorders it";
    });
  }
}

TEST(Verify, EveryValidEdgeModel) {
  ExpectEveryGraphVerified(testing::OnnxFilesUnder(testing::CorpusDir() / "valid-edge"));
}

TEST(Verify, EveryCorpusModel) {
  ExpectEveryGraphVerified(testing::OnnxFilesUnder(testing::CorpusDir() / "models"));
}

}  // namespace
}  // namespace onnxkit
