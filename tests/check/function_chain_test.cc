// The "functions" rule group is linear in the number of functions: a chain of thousands of
// local functions, each calling the next, is checked with work proportional to its length.
// Work is counted as heap allocations (the quadratic search this replaced allocated once per
// function reached from every function), never timed. Recursion is still found: each set of
// functions calling each other is reported once, with a shortest cycle.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "onnxkit/check.h"

namespace {
std::atomic<bool> counting{false};
std::atomic<size_t> allocations{0};
}  // namespace

void* operator new(size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace onnxkit {
namespace {

// f0 calls f1 calls … f(n-1), which runs a Relu; `back_edges` adds calls from f(i) to f(j).
std::unique_ptr<Model> FunctionChain(int n, const std::vector<std::pair<int, int>>& back_edges) {
  auto m = std::make_unique<Model>();
  m->ir_version = 8;
  m->opset_import = {{"", 17, {}}, {"local", 1, {}}};
  auto name = [](int i) { return "f" + std::to_string(i); };
  for (int i = 0; i < n; ++i) {
    auto fn = std::make_unique<Function>();
    fn->name = name(i);
    fn->domain = "local";
    fn->opset_import = m->opset_import;
    Graph& body = *fn->body;
    Value* x = body.AddInput("x");
    Value* y = i + 1 < n ? body.AppendNode(name(i + 1), {x}, {"y"}, "local")->output(0)
                         : body.AppendNode("Relu", {x}, {"y"})->output(0);
    for (auto [from, to] : back_edges) {
      if (from == i) body.AppendNode(name(to), {x}, {"z" + std::to_string(to)}, "local");
    }
    body.AddOutput(y);
    m->functions.push_back(std::move(fn));
  }
  m->graph = std::make_unique<Graph>();
  ValueInfo info;
  info.has_type = true;
  info.type = Type::Tensor(DataType::kFloat, {Dim::Value(2)});
  Value* x = m->graph->AddInput("x", info);
  m->graph->AddOutput(m->graph->AppendNode(name(0), {x}, {"y"}, "local")->output(0));
  return m;
}

size_t AllocationsToCheckFunctions(const Model& m) {
  CheckOptions options;
  options.rules = {"functions"};
  allocations = 0;
  counting = true;
  Diagnostics d = Check(m, options);
  counting = false;
  EXPECT_EQ(d.items.size(), 0u) << d.items.front().code << ": " << d.items.front().message;
  return allocations;
}

TEST(FunctionChain, WorkGrowsLinearly) {
  auto small = FunctionChain(1000, {});
  auto large = FunctionChain(5000, {});
  const size_t a = AllocationsToCheckFunctions(*small);
  const size_t b = AllocationsToCheckFunctions(*large);
  // Linear: about 5×. The quadratic search made it about 25×.
  EXPECT_LT(static_cast<double>(b), 6.0 * static_cast<double>(a)) << a << " then " << b;
}

TEST(FunctionChain, TwentyThousandFunctionsAreClean) {
  auto m = FunctionChain(20000, {});
  Diagnostics d = Check(*m);
  EXPECT_EQ(d.Count(Severity::kError), 0u)
      << (d.items.empty() ? "" : d.items.front().code + ": " + d.items.front().message);
}

std::vector<std::string> RecursionMessages(const Model& m) {
  CheckOptions options;
  options.rules = {"functions"};
  std::vector<std::string> out;
  for (const Diagnostic& d : Check(m, options).items) {
    if (d.code == "functions.recursion") out.push_back(d.location.Path() + ": " + d.message);
  }
  return out;
}

TEST(FunctionChain, EachCycleIsReportedOnceWithAShortestPath) {
  // f7 -> f8 -> f9 -> f7, and f9 -> f8 as well (one set of mutually recursive functions);
  // f3 calls itself.
  auto m = FunctionChain(50, {{9, 7}, {9, 8}, {3, 3}});
  EXPECT_EQ(RecursionMessages(*m),
            (std::vector<std::string>{"fn:f3: function 'f3' calls itself",
                                      "fn:f7: functions call each other in a cycle: f7 -> f8 -> "
                                      "f9 -> f7"}));
}

TEST(FunctionChain, CycleFoundAtTheEndOfALongChain) {
  auto m = FunctionChain(20000, {{19999, 19998}});
  EXPECT_EQ(RecursionMessages(*m),
            (std::vector<std::string>{"fn:f19998: functions call each other in a cycle: f19998 "
                                      "-> f19999 -> f19998"}));
}

}  // namespace
}  // namespace onnxkit
