// CheckSchemaTypes lives in eval/type_rules.h (ev-elementwise and ev-nn each wrote one; the
// two agreed, and one definition is kept). This header stays for the kernels that include it.
#pragma once

#include "eval/type_rules.h"
