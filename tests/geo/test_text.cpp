// geo/text.hpp: the UTF-8 check every reader applies, and the GeoJSON reader's check on raw bytes.
#include <catch2/catch.hpp>

#include <string>

#include "geo/error.hpp"
#include "geo/reader.hpp"
#include "geo/text.hpp"
#include "tests/support/temp_dir.hpp"

using corridor::geo::first_invalid_utf8;
using corridor::geo::invalid_utf8_message;
using corridor::geo::line_of_offset;

TEST_CASE("well-formed UTF-8 passes and each kind of malformed sequence is found where it starts", "[geo][text]") {
  CHECK_FALSE(first_invalid_utf8(""));
  CHECK_FALSE(first_invalid_utf8("Duisburg, Małaszewicze, Достык, 霍尔果斯, \xF0\x9F\x9A\x82"));
  CHECK(first_invalid_utf8("Ch\xE4rlie") == 2u);          // Latin-1
  CHECK(first_invalid_utf8("a\xC0\xAF") == 1u);           // overlong '/'
  CHECK(first_invalid_utf8("a\xE0\x80\xAF") == 1u);       // overlong, 3 bytes
  CHECK(first_invalid_utf8("a\xED\xA0\x80") == 1u);       // UTF-16 surrogate
  CHECK(first_invalid_utf8("a\xF4\x90\x80\x80") == 1u);   // above U+10FFFF
  CHECK(first_invalid_utf8("ab\xE2\x82") == 2u);          // cut short at the end
  CHECK(first_invalid_utf8("ab\x80") == 2u);              // a lone continuation byte
  CHECK(first_invalid_utf8("\xFF") == 0u);
}

TEST_CASE("a message about bad text gives the line and the byte", "[geo][text]") {
  const std::string text = "one\ntwo\nth\xE9ree\n";
  const auto bad = first_invalid_utf8(text);
  REQUIRE(bad);
  CHECK(line_of_offset(text, *bad) == 3u);
  CHECK(invalid_utf8_message(text, *bad) == "is not valid UTF-8 text (byte 0xE9); save it as UTF-8");
}

TEST_CASE("GeoJSON is checked for UTF-8 in blocks, a character cut by a block's end included", "[geo][text]") {
  corridor::test::TempDir dir("text");
  // A node name long enough that a two-byte character straddles the reader's first 1 MiB block.
  const std::string head = R"({"type":"FeatureCollection","features":[)" "\n" R"({"type":"Feature","properties":{"id":"A","name":")";
  const std::string tail = R"("},"geometry":{"type":"Point","coordinates":[10.0,50.0]}})" "\n]}\n";
  const std::size_t pad = (std::size_t{1} << 20) - 1 - head.size();
  const auto good = dir.write("good.geojson", head + std::string(pad, 'x') + "\xC3\xA4" + tail);
  CHECK(corridor::geo::read_layer(good.string()).features.size() == 1);
  const auto bad = dir.write("bad.geojson", head + std::string(pad, 'x') + "\xC3" + tail);
  try {
    (void)corridor::geo::read_layer(bad.string());
    FAIL("no error");
  } catch (const corridor::InputError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].where == "line 2");
    CHECK(e.problems()[0].what == "is not valid UTF-8 text (byte 0xC3); save it as UTF-8");
  }
}
