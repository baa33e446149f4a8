#include "geo/text.hpp"

#include "geo/input_file.hpp"

#include <algorithm>

namespace corridor::geo {

std::optional<std::size_t> first_invalid_utf8(std::string_view text) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;        // overlong
      else if (c == 0xED) hi = 0x9F;   // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;        // overlong
      else if (c == 0xF4) hi = 0x8F;   // above U+10FFFF
    } else {
      return i;
    }
    if (i + len > n || s[i + 1] < lo || s[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if ((s[i + k] & 0xC0) != 0x80) return i;
    i += len;
  }
  return std::nullopt;
}

std::size_t line_of_offset(std::string_view text, std::size_t offset) noexcept {
  offset = std::min(offset, text.size());
  return static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n')) + 1;
}

std::string invalid_utf8_message(std::string_view text, std::size_t offset) {
  if (auto wide = wide_text_problem(text); !wide.empty()) return wide;
  static constexpr char kHex[] = "0123456789ABCDEF";
  const auto byte = offset < text.size() ? static_cast<unsigned char>(text[offset]) : 0;
  std::string out = "is not valid UTF-8 text (byte 0x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0xF];
  out += "); save it as UTF-8";
  return out;
}

}  // namespace corridor::geo
