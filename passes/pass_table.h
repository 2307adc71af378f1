// The table of built-in passes (passes/pass_table.cc): the one place each is declared.
#pragma once

#include <span>

#include "onnxkit/pass.h"

namespace onnxkit::passes {

// Every built-in pass, in the order `onnxkit passes` and docs/passes.md list them.
std::span<const PassInfo> BuiltinPassTable();

}  // namespace onnxkit::passes
