#include "sim/gas/gaslib_xml.hpp"

#include <cmath>
#include <fstream>
#include <iterator>

#include "geo/text.hpp"

namespace corridor::gas::detail {

std::string_view local_name(const XMLElement* e) {
  std::string_view n = e->Name();
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const XMLElement* child(const XMLElement* parent, std::string_view name) {
  for (auto* c = parent->FirstChildElement(); c; c = c->NextSiblingElement())
    if (local_name(c) == name) return c;
  return nullptr;
}

std::optional<double> GasLibXmlReader::quantity(const XMLElement* parent, std::string_view name, const std::string& where,
                                                GasLibQuantity kind) {
  const auto* c = child(parent, name);
  if (!c) return std::nullopt;
  return value_of(c, name, where, kind);
}

std::optional<double> GasLibXmlReader::value_of(const XMLElement* c, std::string_view name, const std::string& where,
                                                GasLibQuantity kind) {
  double v = 0.0;
  if (c->QueryDoubleAttribute("value", &v) != tinyxml2::XML_SUCCESS || !std::isfinite(v)) {
    problems_.add(file_, where, "<" + std::string(name) + "> has no numeric value");
    return std::nullopt;
  }
  const char* unit_attr = c->Attribute("unit");
  const std::string unit = unit_attr ? unit_attr : "";
  if (const auto si = gaslib_to_si(v, unit, kind)) return si;
  // A unit of another kind (a length in bar) is named as such; one the schema does not know is unknown.
  std::optional<GasLibQuantity> other;
  for (int q = 0; q <= static_cast<int>(GasLibQuantity::dimensionless) && !unit.empty(); ++q)
    if (gaslib_to_si(1.0, unit, static_cast<GasLibQuantity>(q))) other = static_cast<GasLibQuantity>(q);
  if (other)
    problems_.add(file_, where,
                  "<" + std::string(name) + "> has the unit '" + unit + "' of a " + std::string(to_string(*other)) +
                      ", not of a " + std::string(to_string(kind)) + " (" + std::string(gaslib_units_of(kind)) + ")");
  else
    problems_.add(file_, where, "<" + std::string(name) + "> has an unknown unit '" + unit + "'");
  return std::nullopt;
}

std::optional<double> GasLibXmlReader::required(const XMLElement* parent, std::string_view name, const std::string& where,
                                                GasLibQuantity kind) {
  auto v = quantity(parent, name, where, kind);
  if (!v && !child(parent, name)) problems_.add(file_, where, "<" + std::string(name) + "> is missing");
  return v;
}

std::string GasLibXmlReader::id(const XMLElement* e) {
  const char* a = e->Attribute("id");
  if (!a) problems_.add(file_, "<" + std::string(local_name(e)) + ">", "has no id");
  return a ? a : "";
}

const XMLElement* open_gaslib_root(tinyxml2::XMLDocument& doc, const std::filesystem::path& path) {
  // tinyxml2 takes any bytes; text that is not UTF-8 would end up in the GeoJSON of an import.
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "", "cannot open the file");
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (const auto bad = geo::first_invalid_utf8(text))
    throw InputError(path.string(), "line " + std::to_string(geo::line_of_offset(text, *bad)), geo::invalid_utf8_message(text, *bad));
  if (doc.LoadFile(path.string().c_str()) != tinyxml2::XML_SUCCESS)
    throw InputError(path.string(), "", std::string("cannot read XML: ") + doc.ErrorStr());
  if (doc.RootElement() == nullptr) throw InputError(path.string(), "", "holds no XML element");
  return doc.RootElement();
}

}  // namespace corridor::gas::detail
