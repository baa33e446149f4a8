#include "geo/input_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "geo/error.hpp"

namespace corridor::geo {

namespace fs = std::filesystem;

void check_input_file(const fs::path& path, bool folder_ok) {
  const std::string p = path.string();
  std::error_code ec;
  const auto link = fs::symlink_status(path, ec);
  if (ec || !fs::exists(link)) throw InputError(p, "", "file does not exist");
  const auto status = fs::status(path, ec);
  if (ec == std::errc::too_many_symbolic_link_levels)
    throw InputError(p, "", "is a loop of symbolic links (each points on to the next and none to a file)");
  if (ec || !fs::exists(status)) {
    const auto target = fs::read_symlink(path, ec);
    throw InputError(p, "", "is a symbolic link to '" + target.string() + "', which does not exist");
  }
  if (fs::is_directory(status)) {
    if (folder_ok) return;
    throw InputError(p, "", "is a folder, not a file");
  }
  if (fs::is_fifo(status))
    throw InputError(p, "", "is a named pipe (FIFO), not a file: corridor reads inputs only from regular files");
  if (!fs::is_regular_file(status)) throw InputError(p, "", "is not a regular file (a device or a socket)");
  if (::access(path.c_str(), R_OK) != 0) throw InputError(p, "", "cannot be read (permission denied)");
}

std::string wide_text_problem(std::string_view head) {
  auto starts = [&](std::string_view bom) { return head.substr(0, bom.size()) == bom; };
  using namespace std::string_view_literals;
  std::string kind;
  if (starts("\xFF\xFE\x00\x00"sv)) kind = "UTF-32 little-endian";
  else if (starts("\x00\x00\xFE\xFF"sv)) kind = "UTF-32 big-endian";
  else if (starts("\xFF\xFE"sv)) kind = "UTF-16 little-endian";
  else if (starts("\xFE\xFF"sv)) kind = "UTF-16 big-endian";
  else {
    // Without a byte-order mark: ASCII text in UTF-16 has a NUL byte beside every character.
    const std::string_view sample = head.substr(0, 256);
    std::size_t even = 0, odd = 0;
    for (std::size_t i = 0; i < sample.size(); ++i)
      if (sample[i] == '\0') ++(i % 2 ? odd : even);
    if (sample.size() >= 8 && odd * 3 >= sample.size()) kind = "UTF-16 little-endian";
    else if (sample.size() >= 8 && even * 3 >= sample.size()) kind = "UTF-16 big-endian";
  }
  if (kind.empty()) return {};
  return "is " + kind + " text, not UTF-8; save it as UTF-8 (in a spreadsheet: 'CSV UTF-8'; in an editor: encoding UTF-8)";
}

std::string_view without_utf8_bom(std::string_view text) {
  return text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
}

}  // namespace corridor::geo
