// RenderHtml: Graphviz's SVG in a page with a little script of our own for pan, zoom, search
// and a panel with the clicked node's dump.
//
// The page holds three kinds of model text, each escaped for where it goes: the title
// (HTML-escaped here), the SVG (Graphviz escapes its labels and tooltips for XML) and the
// node texts, a JSON object in a <script type="application/json"> block, where every '<'
// is written as \u003c so that no name can end the block ("</script>") or open a comment.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "dump/picture.h"
#include "onnxkit/dump.h"
#include "onnxkit/escape.h"

namespace onnxkit {
namespace {

constexpr char kStyle[] = R"css(
html, body { margin: 0; height: 100%; font: 13px Helvetica, Arial, sans-serif; }
body { display: flex; flex-direction: column; }
#bar { display: flex; gap: 6px; align-items: center; padding: 6px; border-bottom: 1px solid #ccc; }
#search { width: 22em; }
#main { flex: 1; display: flex; min-height: 0; }
#view { flex: 1; overflow: hidden; cursor: grab; }
#view svg { width: 100%; height: 100%; }
#panel { width: 38%; overflow: auto; border-left: 1px solid #ccc; padding: 0 8px; }
#detail { white-space: pre-wrap; font: 12px monospace; }
g.node { cursor: pointer; }
g.node.match path, g.node.match polygon { stroke: #e07000; stroke-width: 3; }
g.node.selected path, g.node.selected polygon { fill: #ffe9a8; }
)css";

// Pan: drag moves the SVG's viewBox. Zoom: scales it about the pointer (wheel) or the centre
// (buttons). Boxes are found by their <title>, which is the DOT name ("n3") of the node.
constexpr char kScript[] = R"js(
"use strict";
(() => {
  const nodes = JSON.parse(document.getElementById("nodes").textContent);
  const svg = document.querySelector("#view svg");
  const search = document.getElementById("search");
  const found = document.getElementById("found");
  const boxes = [];
  for (const g of svg.querySelectorAll("g.node")) {
    const info = nodes[g.querySelector("title").textContent];
    if (!info) continue;  // a graph input or output
    g.dataset.name = info.name;
    boxes.push({ g, info });
  }

  const whole = svg.viewBox.baseVal;
  const fit = { x: whole.x, y: whole.y, w: whole.width, h: whole.height };
  let view = { ...fit };
  const show = () => svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
  svg.removeAttribute("width");
  svg.removeAttribute("height");

  // A screen point in the picture's coordinates.
  const toPicture = (x, y, ctm = svg.getScreenCTM()) =>
    new DOMPoint(x, y).matrixTransform(ctm.inverse());
  const zoom = (factor, at) => {
    at = at || { x: view.x + view.w / 2, y: view.y + view.h / 2 };
    view = { x: at.x - (at.x - view.x) / factor, y: at.y - (at.y - view.y) / factor,
             w: view.w / factor, h: view.h / factor };
    show();
  };
  const centre = (g) => {
    const b = g.getBBox();
    const m = svg.getScreenCTM().inverse().multiply(g.getScreenCTM());
    const c = new DOMPoint(b.x + b.width / 2, b.y + b.height / 2).matrixTransform(m);
    view = { ...view, x: c.x - view.w / 2, y: c.y - view.h / 2 };
    show();
  };

  svg.addEventListener("wheel", (e) => {
    e.preventDefault();
    zoom(e.deltaY < 0 ? 1.2 : 1 / 1.2, toPicture(e.clientX, e.clientY));
  }, { passive: false });
  let drag = null;
  svg.addEventListener("pointerdown", (e) => {
    drag = { ctm: svg.getScreenCTM(), x: e.clientX, y: e.clientY, from: { ...view }, moved: false };
  });
  window.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const a = toPicture(drag.x, drag.y, drag.ctm), b = toPicture(e.clientX, e.clientY, drag.ctm);
    drag.moved = drag.moved || Math.hypot(e.clientX - drag.x, e.clientY - drag.y) > 3;
    view = { ...drag.from, x: drag.from.x - (b.x - a.x), y: drag.from.y - (b.y - a.y) };
    show();
  });
  window.addEventListener("pointerup", () => {
    // The click that ends a drag does not select a node.
    if (drag && drag.moved) setTimeout(() => { drag = null; }); else drag = null;
  });
  document.getElementById("zoom-in").onclick = () => zoom(1.5);
  document.getElementById("zoom-out").onclick = () => zoom(1 / 1.5);
  document.getElementById("fit").onclick = () => { view = { ...fit }; show(); };

  let selected = null;
  for (const { g, info } of boxes) {
    g.addEventListener("click", () => {
      if (drag && drag.moved) return;
      if (selected) selected.classList.remove("selected");
      selected = g;
      g.classList.add("selected");
      document.getElementById("detail-title").textContent = info.name || info.op;
      document.getElementById("detail").textContent = info.text;
    });
  }

  let matches = [], next = 0;
  const runSearch = () => {
    const term = search.value.trim().toLowerCase();
    matches = [];
    for (const { g, info } of boxes) {
      const hit = term !== "" &&
        (info.name.toLowerCase().includes(term) || info.op.toLowerCase().includes(term));
      g.classList.toggle("match", hit);
      if (hit) matches.push(g);
    }
    found.textContent = term === "" ? "" : `${matches.length} node(s)`;
    next = 0;
    if (matches.length) centre(matches[0]);
  };
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", (e) => {  // Enter: the next match
    if (e.key !== "Enter" || !matches.length) return;
    next = (next + 1) % matches.length;
    centre(matches[next]);
  });

  // "#click=NAME" and "#search=TEXT": the address acts as a reader would.
  const follow = () => {
    const ask = new URLSearchParams(location.hash.slice(1));
    if (ask.has("search")) {
      search.value = ask.get("search");
      runSearch();
    }
    if (ask.has("click")) {
      const box = boxes.find((b) => b.info.name === ask.get("click"));
      if (box) box.g.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    }
  };
  window.addEventListener("hashchange", follow);
  follow();
})();
)js";

std::string HtmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// JSON that can stand inside a <script> element: '<' only occurs in its strings, where
// \u003c means the same.
std::string ScriptSafeJson(const nlohmann::json& json) {
  const std::string text = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

// {"n3": {"name", "op", "text"}} for the drawn nodes.
nlohmann::json NodesJson(const Model& model, const DumpOptions& options,
                         const std::vector<const Node*>& boxes) {
  const absl::flat_hash_set<const Node*> drawn(boxes.begin(), boxes.end());
  const auto texts = dump_internal::NodeTexts(model, options, drawn);
  nlohmann::json nodes = nlohmann::json::object();
  for (size_t k = 0; k < boxes.size(); ++k) {
    const Node& n = *boxes[k];
    auto text = texts.find(&n);
    nodes[fmt::format("n{}", k)] = {
        {"name", EscapeForDisplay(n.name)},
        {"op",
         EscapeForDisplay(n.domain.empty() || n.domain == "ai.onnx" ? n.op_type
                                                                    : n.domain + "." + n.op_type)},
        {"text", text == texts.end() ? std::string() : text->second}};
  }
  return nodes;
}

}  // namespace

StatusOr<std::string> RenderHtml(const Model& model, const DumpOptions& options) {
  std::vector<const Node*> boxes;
  ONNXKIT_ASSIGN_OR_RETURN(std::string svg,
                           dump_internal::LayOutPicture(model, options, "svg", &boxes));
  // The XML prologue and doctype are not wanted inside HTML.
  const size_t start = svg.find("<svg");
  if (start == std::string::npos) {
    return absl::InternalError("render: Graphviz's dot wrote no <svg> element");
  }
  const std::string title =
      model.graph && !model.graph->name.empty() ? EscapeForDisplay(model.graph->name) : "graph";
  std::string page;
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += fmt::format("<title>{} — onnxkit</title>\n", HtmlEscape(title));
  page += fmt::format("<style>{}</style>\n</head>\n<body>\n", kStyle);
  page +=
      "<div id=\"bar\"><input id=\"search\" type=\"search\" placeholder=\"Find nodes by name or "
      "op\"> <span id=\"found\"></span> <button id=\"zoom-in\" title=\"Zoom in\">+</button>"
      "<button id=\"zoom-out\" title=\"Zoom out\">&minus;</button><button id=\"fit\">Fit</button> "
      "<span>drag to pan, wheel to zoom, click a node for its dump</span></div>\n";
  page += "<div id=\"main\"><div id=\"view\">\n";
  page.append(svg, start);
  page +=
      "</div>\n<div id=\"panel\"><h3 id=\"detail-title\">No node selected</h3>"
      "<pre id=\"detail\"></pre></div></div>\n";
  page += fmt::format("<script type=\"application/json\" id=\"nodes\">{}</script>\n",
                      ScriptSafeJson(NodesJson(model, options, boxes)));
  page += fmt::format("<script>{}</script>\n</body>\n</html>\n", kScript);
  return page;
}

}  // namespace onnxkit
