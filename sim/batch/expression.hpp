// Arithmetic on study parameters inside edit values: "$ferry", "1 + $growth", "2 * $x - 0.5".
#pragma once

#include <map>
#include <string>

namespace corridor::batch {

/// Evaluates + - * / with parentheses over numbers and $parameters. Throws std::invalid_argument
/// with a message saying what is wrong (unknown parameter, syntax).
double evaluate(const std::string& expression, const std::map<std::string, double>& parameters);

}  // namespace corridor::batch
