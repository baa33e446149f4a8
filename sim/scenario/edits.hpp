// What a scenario changes: closures, openings, attribute settings and scalings on a selection of
// nodes and links, and demand scalings. Applied to a copy of the network before solving.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "geo/area.hpp"
#include "sim/network/network.hpp"

namespace YAML {
class Node;
}

namespace corridor::scenario {

class YamlReader;
struct DemandRow;

enum class Target { nodes, links, both };

/// Which nodes and links an edit touches. Every given criterion must hold:
/// - ids: these ids (each must exist);
/// - filters: attribute == one of the values (text comparison); on links, `country` also matches
///   when either end node is in that country (a link "in RU" touches RU);
/// - area: nodes inside the area, links crossing it.
struct Selector {
  std::vector<std::string> ids;
  std::vector<std::pair<std::string, std::vector<std::string>>> filters;
  std::shared_ptr<const geo::Area> area;
  Target target = Target::both;
  std::string file;
  int line = 0;
};

/// Which demand rows a demand scaling touches (empty lists match everything).
struct DemandFilter {
  std::vector<std::string> origins, destinations;
  std::vector<std::string> origin_countries, destination_countries, countries;  ///< countries: either end
  std::vector<std::string> commodities;
};

enum class EditKind { close, open, set, scale, scale_demand };

struct Edit {
  EditKind kind = EditKind::close;
  Selector select;
  std::vector<std::pair<std::string, double>> values;  ///< set: attribute -> value; scale: attribute -> factor
  DemandFilter demand;
  double factor = 1.0;  ///< scale_demand
  std::string file;
  int line = 0;
};

/// Parses a selector mapping (ids, attribute filters, area, what). Throws InputError.
Selector parse_selector(const YamlReader& yr, const YAML::Node& node, const std::filesystem::path& base_dir);

/// Parses one entry of an `edits:` list (paths resolved against `base_dir`). Throws InputError.
Edit parse_edit(const YamlReader& yr, const YAML::Node& node, const std::filesystem::path& base_dir);

/// The indices of the nodes and links a selector picks. Throws InputError (file, line) for an
/// unknown id, an attribute no element has, or a selection that is empty.
struct Selection {
  std::vector<std::size_t> nodes, links;
};
Selection select(const network::Network& net, const Selector& selector);

/// Applies the network edits (close, open, set, scale) in order. Throws InputError naming the
/// scenario file and line of a failing edit.
void apply_network_edits(network::Network& net, const std::vector<Edit>& edits);

/// Applies the demand scalings in order.
void apply_demand_edits(const network::Network& net, std::vector<DemandRow>& demand, const std::vector<Edit>& edits);

/// Attributes that `set` and `scale` accept.
const std::vector<std::string>& settable_attributes();

}  // namespace corridor::scenario
