// The families of inference preconditions (internal to src/infer; see preconditions.h).
#pragma once

#include <string>
#include <vector>

#include "infer/node_facts.h"
#include "infer/preconditions.h"

namespace onnxkit::infer {

using Violations = std::vector<Violation>;

std::string InputSlot(const NodeFacts& node, size_t i);
std::string AttributeSlot(std::string_view name);

void CheckInputRanks(const NodeFacts& node, Violations& out);
void CheckConvPoolAttributes(const NodeFacts& node, Violations& out);
void CheckAxes(const NodeFacts& node, Violations& out);
void CheckSizes(const NodeFacts& node, Violations& out);
void CheckEinsumEquation(const NodeFacts& node, Violations& out);
void CheckInputValues(const NodeFacts& node, Violations& out);

}  // namespace onnxkit::infer
