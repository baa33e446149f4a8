// Checks on a file named as an input before anything reads it, so that every way a path can be wrong
// gets its own clear message (the filesystem, GDAL and CLI11 would say "does not exist" for most).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace corridor::geo {

/// Throws InputError(path, "", what) unless `path` is a regular, readable file: it does not exist, is a
/// symbolic link to nothing or a loop of links, is a folder (unless `folder_ok`), a named pipe (FIFO), a
/// device or socket, or cannot be read.
void check_input_file(const std::filesystem::path& path, bool folder_ok = false);

/// "is UTF-16 little-endian text (...); save it as UTF-8" when the start of a file is UTF-16 or UTF-32
/// (a byte-order mark, or NUL bytes between the characters), else "".
std::string wide_text_problem(std::string_view head);

/// `text` without a leading UTF-8 byte-order mark (EF BB BF), which spreadsheet programs write.
std::string_view without_utf8_bom(std::string_view text);

}  // namespace corridor::geo
