// Renders an evaluation as a plain-text table (for the terminal) and as JSON (--json).
#pragma once

#include <string>

#include "eval/evaluate.hpp"

namespace coordnet::eval {

std::string format_table(const EvaluationRun& run);
std::string format_json(const EvaluationRun& run);

}  // namespace coordnet::eval
