// onnxkit render -o graph.html (RenderHtml): one self-contained page whose script pans,
// zooms, searches and shows a clicked node's dump. The page's own behaviour is checked in
// headless Chromium (Debian: chromium), which loads "graph.html#click=NAME" or
// "#search=TEXT" and prints the DOM its script leaves; those tests skip without it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "ir/ir_test_util.h"
#include "onnxkit/dump.h"
#include "onnxkit/io.h"
#include "support/programs.h"
#include "support/test_support.h"

namespace onnxkit {
namespace {

using testing::CliResult;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::OnPath;
using testing::RunCli;
using testing::TempDir;

constexpr char kScriptName[] = "</script><script>alert(1)</script>";

constexpr char kModel[] = R"(
  <ir_version: 8, opset_import: ["" : 17]>
  g (float[1,4] x, bool c) => (float[1,4] y, float[1,4] z) {
    t = Relu(x)
    u = Relu(t)
    y = Sigmoid(u)
    z = If(c) <then_branch = g1 () => (float[1,4] r) { r = Neg(t) },
               else_branch = g2 () => (float[1,4] r2) { r2 = Abs(t) }>
  })";

// kModel with node names: "first", the script-like one, "sig", "choose"; and in the
// branches "negate" and "absolute".
std::unique_ptr<Model> NamedModel() {
  auto model = ir_test::Parse(kModel);
  const char* names[] = {"first", kScriptName, "sig", "choose"};
  size_t i = 0;
  for (Node* n : model->graph->nodes()) {
    n->name = names[i++];
    for (Graph* sub : n->subgraphs()) {
      for (Node* inner : sub->nodes())
        inner->name = inner->op_type == "Neg" ? "negate" : "absolute";
    }
  }
  return model;
}

int Count(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern, std::regex::icase);
  return static_cast<int>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// The page's node map: {"n3": {"name", "op", "text"}}.
nlohmann::json NodeMap(const std::string& page) {
  const std::string open = R"(<script type="application/json" id="nodes">)";
  const size_t start = page.find(open);
  if (start == std::string::npos) return nullptr;
  const size_t end = page.find("</script>", start);
  return nlohmann::json::parse(page.substr(start + open.size(), end - start - open.size()));
}

const nlohmann::json* EntryNamed(const nlohmann::json& map, const std::string& name) {
  for (const auto& [id, entry] : map.items()) {
    if (entry["name"] == name) return &entry;
  }
  return nullptr;
}

std::string HtmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else
      out += c;
  }
  return out;
}

std::string Indented(const std::string& text, const std::string& indent) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += indent + line + "\n";
  return out;
}

TEST(RenderHtml, ThePageNeedsNothingFromOutside) {
  auto page = RenderHtml(*NamedModel(), {});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->starts_with("<!DOCTYPE html>\n"));
  EXPECT_THAT(*page, HasSubstr("<svg"));
  EXPECT_THAT(*page, Not(HasSubstr("<?xml")));
  EXPECT_EQ(Count(*page, R"(\ssrc=|<link|@import|url\(|href="http)"), 0);
  // The only addresses are the XML namespaces Graphviz declares.
  EXPECT_EQ(Count(*page, "https?://"), Count(*page, R"(xmlns(:xlink)?="http://www\.w3\.org/)"));
}

TEST(RenderHtml, ModelStringsCannotEndTheScriptsOrAddMarkup) {
  auto model = NamedModel();
  model->graph->name = "<b>bold</b>";
  auto page = RenderHtml(*model, {});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(Count(*page, "<script"), 2);
  EXPECT_EQ(Count(*page, "</script"), 2);
  EXPECT_EQ(Count(*page, "<b>"), 0);
  EXPECT_THAT(*page, HasSubstr("<title>&lt;b&gt;bold&lt;/b&gt; — onnxkit</title>"));
  // The name still reads as it is once the page's script parses the node map.
  const nlohmann::json map = NodeMap(*page);
  ASSERT_TRUE(map.is_object());
  EXPECT_NE(EntryNamed(map, kScriptName), nullptr);
}

TEST(RenderHtml, EachDrawnNodeCarriesItsDumpText) {
  auto model = NamedModel();
  auto page = RenderHtml(*model, {});
  ASSERT_TRUE(page.ok()) << page.status();
  const nlohmann::json map = NodeMap(*page);
  ASSERT_EQ(map.size(), 6u);  // 4 main-graph nodes, 2 in the branches
  // A main-graph node's text is its part of the dump, which lists it two spaces in.
  const std::string dump = DumpText(*model);
  for (const char* name : {"first", "sig", kScriptName}) {
    const nlohmann::json* entry = EntryNamed(map, name);
    ASSERT_NE(entry, nullptr) << name;
    EXPECT_THAT(dump, HasSubstr(Indented((*entry)["text"], "  "))) << name;
  }
  EXPECT_EQ(EntryNamed(map, "sig")->at("text"),
            "#2 Sigmoid  sig  ai.onnx v13\n    X=u\n    -> Y=y float32[1,4]\n");
  // The If names its branches (drawn as clusters); their nodes have texts of their own.
  const std::string choose = EntryNamed(map, "choose")->at("text");
  EXPECT_THAT(choose, HasSubstr("then_branch=graph g1 (1 node, not expanded)"));
  EXPECT_THAT(EntryNamed(map, "negate")->at("text").get<std::string>(),
              HasSubstr("#0 Neg  negate"));
}

TEST(RenderHtml, FiltersFocusThePageToo) {
  DumpOptions options;
  options.op_types = {"Sigmoid"};
  options.context = 0;
  auto page = RenderHtml(*NamedModel(), options);
  ASSERT_TRUE(page.ok()) << page.status();
  const nlohmann::json map = NodeMap(*page);
  ASSERT_EQ(map.size(), 1u);
  EXPECT_EQ(map.begin().value()["name"], "sig");
}

std::string WriteModel(const TempDir& dir) {
  const std::string path = (dir / "m.onnx").string();
  auto bytes = SaveBytes(*NamedModel());
  testing::WriteFile(path, bytes.value());
  return path;
}

TEST(RenderHtmlCli, TheHtmlExtensionOrFormatWritesThePage) {
  TempDir dir;
  const std::string model = WriteModel(dir);
  CliResult by_name = RunCli({"render", model, "-o", (dir / "g.html").string()});
  ASSERT_EQ(by_name.exit_code, 0) << by_name.err;
  EXPECT_TRUE(testing::ReadFile(dir / "g.html").starts_with("<!DOCTYPE html>"));
  CliResult by_flag = RunCli({"render", model, "-o", "-", "--format", "html", "--node", "sig"});
  ASSERT_EQ(by_flag.exit_code, 0) << by_flag.err;
  EXPECT_TRUE(by_flag.out.starts_with("<!DOCTYPE html>"));
  EXPECT_THAT(by_flag.out, HasSubstr("around the nodes that match the filter"));
}

// Chromium's DOM of `page` opened at "#<fragment>", once its script has run.
class Browser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = OnPath("chromium");
    timeout_ = OnPath("timeout");
    if (chromium_.empty() || timeout_.empty()) {
      GTEST_SKIP() << "headless Chromium is not installed (Debian: apt install chromium; "
                      "scripts/setup.sh installs it): the page's script is not tested";
    }
    auto page = RenderHtml(*NamedModel(), {});
    ASSERT_TRUE(page.ok()) << page.status();
    testing::WriteFile((dir_ / "graph.html").string(), *page);
  }

  // Adds a script of the test's own that acts as a reader after the page's script ran.
  void AppendScript(const std::string& script) {
    std::string page = testing::ReadFile(dir_ / "graph.html");
    page.insert(page.rfind("</body>"), "<script>" + script + "</script>\n");
    testing::WriteFile((dir_ / "graph.html").string(), page);
  }

  std::string Dom(const std::string& fragment) {
    // timeout signals the process group: Chromium's helpers go too. Root needs --no-sandbox.
    CliResult r = testing::RunProgram(
        timeout_, {"-k", "5", "60", chromium_, "--headless", "--disable-gpu", "--no-sandbox",
                   "--no-first-run", "--user-data-dir=" + (dir_ / "profile").string(),
                   "--virtual-time-budget=5000", "--dump-dom",
                   "file://" + (dir_ / "graph.html").string() + "#" + fragment});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // The data-name of each box the search marked, in picture order.
  static std::vector<std::string> Marked(const std::string& dom) {
    std::vector<std::string> names;
    const std::regex marked(R"re(class="node match" data-name="([^"]*)")re");
    for (auto it = std::sregex_iterator(dom.begin(), dom.end(), marked);
         it != std::sregex_iterator(); ++it) {
      names.push_back((*it)[1]);
    }
    return names;
  }

  TempDir dir_;
  std::string chromium_, timeout_;
};

TEST_F(Browser, ClickingANodeShowsItsDump) {
  const std::string dom = Dom("click=sig");
  EXPECT_THAT(dom, HasSubstr("<h3 id=\"detail-title\">sig</h3>"));
  const std::string text = "#2 Sigmoid  sig  ai.onnx v13\n    X=u\n    -> Y=y float32[1,4]\n";
  EXPECT_THAT(dom, HasSubstr("<pre id=\"detail\">" + HtmlEscape(text) + "</pre>"));
  EXPECT_THAT(dom, HasSubstr("class=\"node selected\" data-name=\"sig\""));
}

TEST_F(Browser, AScriptLikeNameIsShownAsText) {
  // "</script>…" URL-encoded.
  const std::string dom = Dom("click=%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  EXPECT_THAT(dom, HasSubstr("<h3 id=\"detail-title\">" + HtmlEscape(kScriptName) + "</h3>"));
  EXPECT_THAT(dom, HasSubstr("#1 Relu  " + HtmlEscape(kScriptName) + "  ai.onnx v14"));
  EXPECT_EQ(Count(dom, "<script"), 2);
}

TEST_F(Browser, SearchMarksNodesByOpOrName) {
  EXPECT_THAT(Marked(Dom("search=relu")), ::testing::ElementsAre("first", HtmlEscape(kScriptName)));
  const std::string by_name = Dom("search=NEG");
  EXPECT_THAT(Marked(by_name), ::testing::ElementsAre("negate"));
  EXPECT_THAT(by_name, HasSubstr("<span id=\"found\">1 node(s)</span>"));
}

// The viewBox after each step a reader takes, as "step x y w h" lines in <pre id="probe">.
constexpr char kPanZoomProbe[] = R"js(
  const svg = document.querySelector("#view svg"), r = svg.getBoundingClientRect(), out = [];
  const note = (step) => out.push(step + " " + svg.getAttribute("viewBox"));
  note("start");
  document.getElementById("zoom-in").click();
  note("zoom-in");
  svg.dispatchEvent(new PointerEvent("pointerdown", {clientX: r.x + 100, clientY: r.y + 100}));
  window.dispatchEvent(new PointerEvent("pointermove", {clientX: r.x + 150, clientY: r.y + 130}));
  window.dispatchEvent(new PointerEvent("pointerup", {}));
  note("drag");
  svg.dispatchEvent(new WheelEvent("wheel", {deltaY: -100, clientX: r.x + 10, clientY: r.y + 10,
                                             cancelable: true}));
  note("wheel");
  document.getElementById("fit").click();
  note("fit");
  document.body.insertAdjacentHTML("beforeend", `<pre id="probe">${out.join("\n")}</pre>`);
)js";

struct ViewBox {
  double x = 0, y = 0, w = 0, h = 0;
};

TEST_F(Browser, DragPansWheelAndButtonsZoomFitShowsAll) {
  AppendScript(kPanZoomProbe);
  const std::string dom = Dom("");
  const std::string open = "<pre id=\"probe\">";
  const size_t start = dom.rfind(open);  // not the one in the script's text
  ASSERT_NE(start, std::string::npos) << dom;
  const size_t body = start + open.size();
  std::istringstream lines(dom.substr(body, dom.find("</pre>", body) - body));
  std::map<std::string, ViewBox> after;
  for (std::string step; lines >> step;) {
    ViewBox& v = after[step];
    lines >> v.x >> v.y >> v.w >> v.h;
  }
  ASSERT_EQ(after.size(), 5u) << dom.substr(start);
  const ViewBox whole = after["start"], zoomed = after["zoom-in"], dragged = after["drag"];
  EXPECT_GT(whole.w, 0);  // SVG keeps float32: compare to a thousandth of a unit
  EXPECT_NEAR(zoomed.w, whole.w / 1.5, 1e-3);  // about the centre
  EXPECT_NEAR(zoomed.x + zoomed.w / 2, whole.x + whole.w / 2, 1e-3);
  // Dragging right and down moves the picture with the pointer: the view goes left and up.
  EXPECT_LT(dragged.x, zoomed.x);
  EXPECT_LT(dragged.y, zoomed.y);
  EXPECT_DOUBLE_EQ(dragged.w, zoomed.w);
  EXPECT_NEAR(after["wheel"].w, dragged.w / 1.2, 1e-3);  // wheel up zooms in
  EXPECT_NEAR(after["fit"].x, whole.x, 1e-3);
  EXPECT_NEAR(after["fit"].w, whole.w, 1e-3);
  EXPECT_NEAR(after["fit"].h, whole.h, 1e-3);
}

}  // namespace
}  // namespace onnxkit
