// The GasLib XML helpers shared by the network/scenario reader (gaslib.cpp) and the compressor-station
// reader (gaslib_cs.cpp): local element names, children, quantities with their units checked
// (gaslib_units.hpp), and opening a file (UTF-8 checked). Internal to sim/gas.
#pragma once

#include <tinyxml2.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "geo/error.hpp"
#include "sim/gas/gaslib_units.hpp"

namespace corridor::gas::detail {

using tinyxml2::XMLElement;

/// Local name of an element: "framework:nodes" -> "nodes".
std::string_view local_name(const XMLElement* e);

/// The first child element with that local name, or nullptr.
const XMLElement* child(const XMLElement* parent, std::string_view name);

/// Reads quantities of one file, collecting problems (file, element, message).
class GasLibXmlReader {
public:
  GasLibXmlReader(std::string file, ProblemList& problems) : file_(std::move(file)), problems_(problems) {}

  /// A <name value=".." unit=".."/> child of the given kind converted to SI (gaslib_units.hpp);
  /// nullopt when absent.
  std::optional<double> quantity(const XMLElement* parent, std::string_view name, const std::string& where,
                                 GasLibQuantity kind);
  std::optional<double> value_of(const XMLElement* c, std::string_view name, const std::string& where,
                                 GasLibQuantity kind);
  /// As quantity(); a missing child is a problem.
  std::optional<double> required(const XMLElement* parent, std::string_view name, const std::string& where,
                                 GasLibQuantity kind);
  std::string id(const XMLElement* e);
  const std::string& file() const { return file_; }
  ProblemList& problems() { return problems_; }

private:
  std::string file_;
  ProblemList& problems_;
};

/// Loads the document; throws InputError (file, line) for text that is not UTF-8 or not XML.
const XMLElement* open_gaslib_root(tinyxml2::XMLDocument& doc, const std::filesystem::path& path);

}  // namespace corridor::gas::detail
