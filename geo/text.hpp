// Checks on text read from files: UTF-8 validity and the magnitude limit of input numbers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace corridor::geo {

/// The largest magnitude accepted for a number in an input file (GIS attribute, scenario value, OD
/// matrix cell). Far above any real quantity (TEU, km, bar, USD); it keeps sums and products of input
/// values finite, so that results never hold inf or NaN.
inline constexpr double kMaxInputMagnitude = 1e15;

/// The byte offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
/// forms, no surrogates, nothing above U+10FFFF), or nullopt when all of `text` is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept;

/// The 1-based line number of byte `offset` in `text`.
std::size_t line_of_offset(std::string_view text, std::size_t offset) noexcept;

/// "is not valid UTF-8 text (byte 0xE4 ...)": what to say about text whose byte `offset` is invalid.
std::string invalid_utf8_message(std::string_view text, std::size_t offset);

}  // namespace corridor::geo
