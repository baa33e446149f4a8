#include "sim/scenario/edits.hpp"

#include <algorithm>
#include <functional>

#include "geo/error.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/yaml_reader.hpp"

namespace corridor::scenario {

namespace fs = std::filesystem;
using network::Link;
using network::Network;
using network::Node;

namespace {

/// Reads and writes one numeric attribute of a node or link, keeping the pass-through feature in step.
/// The values an edit may give an attribute (as the network's own checks allow, network.cpp).
enum class Range { non_negative, positive, share };  // share: (0, 1]

template <typename Element>
struct Field {
  std::string_view name;
  std::function<std::optional<double>(const Element&)> get;
  std::function<void(Element&, double)> set;
  Range range = Range::non_negative;
};

template <typename Element>
Field<Element> plain(std::string_view name, double Element::*member, Range range = Range::non_negative) {
  return {name, [member](const Element& e) { return std::optional<double>(e.*member); },
          [member](Element& e, double v) { e.*member = v; }, range};
}
template <typename Element>
Field<Element> optional(std::string_view name, std::optional<double> Element::*member, Range range = Range::non_negative) {
  return {name, [member](const Element& e) { return e.*member; }, [member](Element& e, double v) { e.*member = v; }, range};
}

/// What is wrong with `v` for a field of that range ("" when it is allowed).
std::string out_of_range(Range range, double v) {
  if (range == Range::positive && !(v > 0.0)) return "it must be positive";
  if (range == Range::share && !(v > 0.0 && v <= 1.0)) return "it must be in (0, 1]";
  if (range == Range::non_negative && v < 0.0) return "it must not be negative";
  return {};
}

const std::vector<Field<Link>>& link_fields() {
  static const std::vector<Field<Link>> fields{
      optional<Link>("speed_kmh", &Link::speed_kmh, Range::positive),
      optional<Link>("capacity_teu_per_day", &Link::capacity_teu_per_day, Range::positive),
      plain<Link>("cost_usd_per_teu", &Link::cost_usd_per_teu),
      plain<Link>("wait_h", &Link::wait_h),
      plain<Link>("length_km", &Link::length_km, Range::positive),
      optional<Link>("diameter_mm", &Link::diameter_mm, Range::positive),
      optional<Link>("roughness_mm", &Link::roughness_mm),
      optional<Link>("pressure_max_bar", &Link::pressure_max_bar, Range::positive),
      optional<Link>("efficiency", &Link::efficiency, Range::share),
      // Sailings per week live on as the mean wait for a departure: 84 h / sailings.
      {"sailings_per_week",
       [](const Link& l) { return l.wait_h > 0 ? std::optional<double>(84.0 / l.wait_h) : std::nullopt; },
       [](Link& l, double v) { l.wait_h = 84.0 / v; }, Range::positive},
      {"departures_per_week",
       [](const Link& l) { return l.wait_h > 0 ? std::optional<double>(84.0 / l.wait_h) : std::nullopt; },
       [](Link& l, double v) { l.wait_h = 84.0 / v; }, Range::positive},
      optional<Link>("time_sd_h", &Link::time_sd_h),
  };
  return fields;
}

const std::vector<Field<Node>>& node_fields() {
  static const std::vector<Field<Node>> fields{
      plain<Node>("dwell_h", &Node::dwell_h),
      optional<Node>("capacity_teu_per_day", &Node::capacity_teu_per_day, Range::positive),
      plain<Node>("handling_usd_per_teu", &Node::handling_usd_per_teu),
      optional<Node>("pressure_min_bar", &Node::pressure_min_bar),
      optional<Node>("pressure_max_bar", &Node::pressure_max_bar, Range::positive),
      plain<Node>("supply_mcm_per_day", &Node::supply_mcm_per_day),
      plain<Node>("demand_mcm_per_day", &Node::demand_mcm_per_day),
      optional<Node>("time_sd_h", &Node::time_sd_h),
  };
  return fields;
}

template <typename Element>
const Field<Element>* find_field(const std::vector<Field<Element>>& fields, std::string_view name) {
  for (const auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

bool any_of(const std::vector<std::string>& list, const std::string& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

std::string where(const std::string& file, int line) { return file.empty() ? "" : "line " + std::to_string(line); }

}  // namespace

Selector parse_selector(const YamlReader& yr, const YAML::Node& node, const fs::path& base_dir) {
  if (!node.IsMap()) yr.fail(node, "select", "expected a mapping (ids, attribute filters, area, what)");
  Selector s;
  s.file = yr.file().string();
  s.line = YamlReader::line_of(node);
  for (const auto& kv : node) {
    const auto key = yr.key_text(kv.first);
    if (key == "id" || key == "ids") {
      auto ids = yr.text_list(node, key);
      s.ids.insert(s.ids.end(), ids.begin(), ids.end());
    } else if (key == "what") {
      const auto what = kv.second.IsScalar() ? kv.second.Scalar() : std::string();
      if (what == "nodes") s.target = Target::nodes;
      else if (what == "links") s.target = Target::links;
      else if (what == "both") s.target = Target::both;
      else yr.fail(kv.second, "what", "expected nodes, links or both");
    } else if (key == "area") {
      const YAML::Node area = kv.second;
      yr.expect_map(area, "area", {"bbox", "file", "layer"});
      if (area["bbox"]) {
        const YAML::Node b = area["bbox"];
        if (!b.IsSequence() || b.size() != 4) yr.fail(b, "bbox", "expected [lon_min, lat_min, lon_max, lat_max]");
        double v[4];
        for (std::size_t i = 0; i < 4; ++i)
          if (!YAML::convert<double>::decode(b[i], v[i])) yr.fail(b, "bbox", "expected four numbers");
        if (v[0] >= v[2] || v[1] >= v[3]) yr.fail(b, "bbox", "expected lon_min < lon_max and lat_min < lat_max");
        s.area = std::make_shared<geo::Area>(geo::Area::from_bbox(v[0], v[1], v[2], v[3]));
      } else {
        const fs::path p = base_dir / yr.text(area, "file");
        s.area = std::make_shared<geo::Area>(geo::Area::from_file(p.lexically_normal().string(),
                                                                  yr.optional_text(area, "layer").value_or("")));
      }
    } else {
      s.filters.emplace_back(key, yr.text_list(node, key));
    }
  }
  if (s.ids.empty() && s.filters.empty() && !s.area) yr.fail(node, "select", "selects nothing: give ids, attribute filters or an area");
  return s;
}

namespace {

std::string attribute_text(const geo::Feature& f, const std::string& name) {
  const geo::Value* v = f.find(name);
  return v == nullptr ? std::string{} : geo::to_text(*v);
}

bool has_attribute(const geo::Feature& f, const std::string& name) {
  const geo::Value* v = f.find(name);
  return v != nullptr && !std::holds_alternative<std::monostate>(*v);
}

}  // namespace

const std::vector<std::string>& settable_attributes() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& f : link_fields()) out.emplace_back(f.name);
    for (const auto& f : node_fields())
      if (std::find(out.begin(), out.end(), f.name) == out.end()) out.emplace_back(f.name);
    return out;
  }();
  return names;
}

Edit parse_edit(const YamlReader& yr, const YAML::Node& node, const fs::path& base_dir) {
  if (!node.IsMap() || node.size() != 1)
    yr.fail(node, "edits", "each edit is a mapping with one key: close, open, set, scale or scale_demand");
  const auto kind = yr.key_text(node.begin()->first);
  const YAML::Node body = node.begin()->second;
  Edit e;
  e.file = yr.file().string();
  e.line = YamlReader::line_of(node);
  if (kind == "close" || kind == "open") {
    e.kind = kind == "close" ? EditKind::close : EditKind::open;
    e.select = parse_selector(yr, body, base_dir);
  } else if (kind == "set" || kind == "scale") {
    e.kind = kind == "set" ? EditKind::set : EditKind::scale;
    if (!body.IsMap()) yr.fail(body, kind, "expected {select: ..., ATTRIBUTE: value}");
    if (!body["select"]) yr.fail(body, "select", "missing required key");
    e.select = parse_selector(yr, body["select"], base_dir);
    for (const auto& kv : body) {
      const auto key = yr.key_text(kv.first);
      if (key == "select") continue;
      const auto& names = settable_attributes();
      if (std::find(names.begin(), names.end(), key) == names.end()) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        yr.fail(kv.first, key, "cannot " + kind + " this attribute (settable: " + list + ")");
      }
      e.values.emplace_back(key, yr.number(body, key, 0.0));
    }
    if (e.values.empty()) yr.fail(body, kind, "names no attribute to " + kind);
  } else if (kind == "scale_demand") {
    e.kind = EditKind::scale_demand;
    yr.expect_map(body, "scale_demand",
                  {"origin", "destination", "origin_country", "destination_country", "country", "commodity", "factor"});
    e.demand.origins = yr.text_list(body, "origin");
    e.demand.destinations = yr.text_list(body, "destination");
    e.demand.origin_countries = yr.text_list(body, "origin_country");
    e.demand.destination_countries = yr.text_list(body, "destination_country");
    e.demand.countries = yr.text_list(body, "country");
    e.demand.commodities = yr.text_list(body, "commodity");
    e.factor = yr.number(body, "factor", 0.0);
  } else {
    yr.fail(node, kind, "unknown edit (expected close, open, set, scale or scale_demand)");
  }
  return e;
}

Selection select(const Network& net, const Selector& s) {
  ProblemList problems;
  const auto w = where(s.file, s.line);
  for (const auto& id : s.ids) {
    const bool node = net.find_node(id).has_value() && s.target != Target::links;
    const bool link = net.find_link(id).has_value() && s.target != Target::nodes;
    if (!node && !link) problems.add(s.file, w, "'" + id + "' is not a " +
                                                    (s.target == Target::nodes ? "node"
                                                     : s.target == Target::links ? "link"
                                                                                 : "node or link") +
                                                    " of the network");
  }
  for (const auto& filter : s.filters) {
    const std::string& attr = filter.first;  // a plain reference: lambdas below capture it (clang 14)
    const bool known =
        attr == "country" ||
        std::any_of(net.nodes().begin(), net.nodes().end(), [&](const Node& n) { return has_attribute(n.source_feature, attr); }) ||
        std::any_of(net.links().begin(), net.links().end(), [&](const Link& l) { return has_attribute(l.source_feature, attr); });
    if (!known) problems.add(s.file, w, "no node or link has the attribute '" + attr + "'");
  }
  problems.throw_if_any();

  auto by_id = [&](const std::string& id) { return s.ids.empty() || std::find(s.ids.begin(), s.ids.end(), id) != s.ids.end(); };
  Selection out;
  if (s.target != Target::links) {
    for (std::size_t i = 0; i < net.nodes().size(); ++i) {
      const Node& n = net.nodes()[i];
      if (!by_id(n.id)) continue;
      const bool filters_ok = std::all_of(s.filters.begin(), s.filters.end(), [&](const auto& f) {
        return has_attribute(n.source_feature, f.first) && any_of(f.second, attribute_text(n.source_feature, f.first));
      });
      if (filters_ok && (!s.area || s.area->contains(n.position))) out.nodes.push_back(i);
    }
  }
  if (s.target != Target::nodes) {
    for (std::size_t i = 0; i < net.links().size(); ++i) {
      const Link& l = net.links()[i];
      if (!by_id(l.id)) continue;
      const bool filters_ok = std::all_of(s.filters.begin(), s.filters.end(), [&](const auto& f) {
        if (has_attribute(l.source_feature, f.first)) return any_of(f.second, attribute_text(l.source_feature, f.first));
        if (f.first == "country")
          return any_of(f.second, net.nodes()[l.from].country) || any_of(f.second, net.nodes()[l.to].country);
        return false;
      });
      if (filters_ok && (!s.area || s.area->intersects(l.geometry))) out.links.push_back(i);
    }
  }
  if (out.nodes.empty() && out.links.empty()) throw InputError(s.file, w, "the selection matches no node or link");
  return out;
}

void apply_network_edits(Network& net, const std::vector<Edit>& edits) {
  for (const Edit& e : edits) {
    if (e.kind == EditKind::scale_demand) continue;
    const Selection sel = select(net, e.select);
    const auto w = where(e.file, e.line);
    if (e.kind == EditKind::close || e.kind == EditKind::open) {
      const bool closed = e.kind == EditKind::close;
      for (std::size_t i : sel.nodes) net.nodes()[i].closed = closed;
      for (std::size_t i : sel.links) net.links()[i].closed = closed;
      continue;
    }
    for (const auto& attr_value : e.values) {
      const auto& attr = attr_value.first;  // plain references: the lambda below captures them (clang 14)
      const double value = attr_value.second;
      std::size_t touched = 0;
      auto apply = [&](auto& element, const auto* field, const char* what) {
        if (field == nullptr) return;
        const auto current = field->get(element);
        if (e.kind == EditKind::scale && !current) return;  // nothing to scale (e.g. uncapacitated)
        const double v = e.kind == EditKind::set ? value : *current * value;
        if (const auto why = out_of_range(field->range, v); !why.empty())
          throw InputError(e.file, w,
                           std::string(e.kind == EditKind::set ? "sets " : "scales ") + attr + " of " + what + " '" +
                               element.id + "' to " + geo::to_text(v) + "; " + why);
        field->set(element, v);
        element.source_feature.set(attr, v);
        ++touched;
      };
      for (std::size_t i : sel.nodes) apply(net.nodes()[i], find_field(node_fields(), attr), "node");
      for (std::size_t i : sel.links) apply(net.links()[i], find_field(link_fields(), attr), "link");
      if (touched == 0)
        throw InputError(e.file, w, "none of the selected nodes or links has '" + attr + "' to " +
                                        (e.kind == EditKind::set ? "set" : "scale"));
    }
  }
}

void apply_demand_edits(const Network& net, std::vector<DemandRow>& demand, const std::vector<Edit>& edits) {
  for (const Edit& e : edits) {
    if (e.kind != EditKind::scale_demand) continue;
    const DemandFilter& f = e.demand;
    std::size_t matched = 0;
    for (auto& row : demand) {
      const auto o = net.find_node(row.origin.value);
      const auto d = net.find_node(row.destination.value);
      const std::string oc = o ? net.nodes()[*o].country : "";
      const std::string dc = d ? net.nodes()[*d].country : "";
      const bool match = any_of(f.origins, row.origin.value) && any_of(f.destinations, row.destination.value) &&
                         any_of(f.origin_countries, oc) && any_of(f.destination_countries, dc) &&
                         (f.countries.empty() || any_of(f.countries, oc) || any_of(f.countries, dc)) &&
                         any_of(f.commodities, row.commodity);
      if (match) {
        row.teu_per_year *= e.factor;
        ++matched;
      }
    }
    if (matched == 0) throw InputError(e.file, where(e.file, e.line), "scale_demand matches no demand row");
  }
}

}  // namespace corridor::scenario
