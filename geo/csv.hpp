// CSV fields as RFC 4180 quotes them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace corridor::geo {

/// A field quoted only when it must be (it holds a comma, quote or line break).
std::string csv_field(std::string_view text);

/// The fields of one CSV line (quotes removed, doubled quotes undone, a trailing CR dropped).
std::vector<std::string> csv_split(std::string_view line);

}  // namespace corridor::geo
