#include "sim/network/network.hpp"

#include <algorithm>
#include <boost/graph/connected_components.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "geo/error.hpp"
#include "geo/geodesic.hpp"
#include "sim/network/attributes.hpp"
#include "sim/network/country_extents.hpp"

namespace corridor::network {

namespace {

constexpr std::pair<Mode, std::string_view> kModes[] = {
    {Mode::rail, "rail"}, {Mode::road, "road"}, {Mode::sea, "sea"}, {Mode::ferry, "ferry"}, {Mode::pipeline, "pipeline"}};
constexpr std::pair<NodeKind, std::string_view> kKinds[] = {
    {NodeKind::terminal, "terminal"},     {NodeKind::border, "border"},     {NodeKind::port, "port"},
    {NodeKind::junction, "junction"},     {NodeKind::gas_source, "gas_source"}, {NodeKind::gas_sink, "gas_sink"},
    {NodeKind::compressor, "compressor"}};

template <typename Enum, std::size_t N>
std::string allowed_names(const std::pair<Enum, std::string_view> (&table)[N]) {
  std::string out;
  for (const auto& [value, name] : table) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

/// Nearest-node lookup for snapping link ends: a uniform lon/lat grid whose cell is at least the
/// tolerance, so that candidates lie in the 3 x 3 (wider near the poles) cells around a point.
class SnapIndex {
public:
  SnapIndex(const std::vector<Node>& nodes, double tolerance_km) : nodes_(nodes) {
    cell_deg_ = std::max(tolerance_km / 111.0, 1e-6);
    for (std::size_t i = 0; i < nodes.size(); ++i) cells_[key(cell_of(nodes[i].position.lon_deg), cell_of(nodes[i].position.lat_deg))].push_back(i);
    tolerance_km_ = tolerance_km;
  }

  /// The nearest node within the tolerance (ties to the lower index), or nullopt.
  [[nodiscard]] std::optional<std::size_t> nearest(geo::LonLat p) const {
    const long cx = cell_of(p.lon_deg), cy = cell_of(p.lat_deg);
    const double coslat = std::max(std::cos(std::min(std::abs(p.lat_deg) + cell_deg_, 90.0) * M_PI / 180.0), 1e-3);
    const long span_x = static_cast<long>(std::ceil(1.0 / coslat)) + 1;
    std::optional<std::size_t> best;
    double best_km = tolerance_km_;
    for (long dy = -1; dy <= 1; ++dy) {
      for (long dx = -span_x; dx <= span_x; ++dx) {
        auto it = cells_.find(key(cx + dx, cy + dy));
        if (it == cells_.end()) continue;
        for (std::size_t i : it->second) {
          const double d = geo::geodesic_distance_km(p, nodes_[i].position);
          if (d < best_km || (d == best_km && best && i < *best)) {
            best_km = d;
            best = i;
          }
        }
      }
    }
    return best;
  }

private:
  [[nodiscard]] long cell_of(double deg) const { return static_cast<long>(std::floor(deg / cell_deg_)); }
  static std::int64_t key(long x, long y) { return (static_cast<std::int64_t>(x) << 32) ^ static_cast<std::uint32_t>(y); }

  const std::vector<Node>& nodes_;
  double cell_deg_ = 0.0;
  double tolerance_km_ = 0.0;
  std::unordered_map<std::int64_t, std::vector<std::size_t>> cells_;
};


/// Counts the features that took an attribute from a default, per (attribute, what it applies to).
class DefaultsLedger {
public:
  void use(const std::string& attribute, const std::string& applies_to, const std::string& value,
           const std::string& source) {
    auto [it, added] = uses_.try_emplace({applies_to, attribute});
    if (added) it->second = DefaultUse{attribute, applies_to, value, source, 0};
    ++it->second.features;
  }
  [[nodiscard]] std::vector<DefaultUse> list() const {
    std::vector<DefaultUse> out;
    for (const auto& [key, use] : uses_) out.push_back(use);
    return out;
  }

private:
  std::map<std::pair<std::string, std::string>, DefaultUse> uses_;
};

std::string scenario_source(const std::string& where) { return "scenario defaults (" + where + ")"; }

std::string plural(std::string_view word, std::string_view kind) { return std::string(word) + " " + std::string(kind) + "s"; }

/// "12.3" with up to 6 significant digits, for messages and summary.json text.
std::string short_number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}


/// The checks of GeometryChecks (see network.hpp), each finding an input problem or a warning.
/// What a link's feature gave, for the geometry checks.
struct LinkGiven {
  bool ends_by_id = false;  ///< from and to by id (not snapped)
  bool length = false;      ///< length_km
};

void check_geometry(const Network& net, const std::vector<LinkGiven>& given, const GeometryChecks& c,
                    const std::string& nfile, const std::string& lfile, ProblemList& problems,
                    std::vector<std::string>& warnings) {
  if (c.mode == GeometryChecks::Mode::off) return;
  const std::string hint = c.mode == GeometryChecks::Mode::error
                               ? " (if this is intended, set network: {geometry_checks: {mode: warning}} in the scenario)"
                               : "";
  auto finding = [&](const std::string& file, const std::string& where, const std::string& what) {
    if (c.mode == GeometryChecks::Mode::error) problems.add(file, where, what + hint);
    else warnings.push_back(Problem{file, where, what}.str());
  };
  auto point = [](geo::LonLat p) { return "(" + short_number(p.lon_deg) + ", " + short_number(p.lat_deg) + ")"; };
  auto km = [](double x) { return short_number(std::round(x)) + " km"; };
  for (const Node& n : net.nodes()) {
    if (n.country.empty()) continue;
    const auto extent = find_country_extent(n.country);
    if (!extent || near_extent(*extent, n.position, c.country_margin_deg)) continue;
    const bool swapped = near_extent(*extent, {n.position.lat_deg, n.position.lon_deg}, c.country_margin_deg);
    finding(nfile, "node '" + n.id + "'",
            "lies at lon, lat " + point(n.position) + ", outside " + n.country + " (lon " + short_number(extent->lon_min) +
                " to " + short_number(extent->lon_max) + ", lat " + short_number(extent->lat_min) + " to " +
                short_number(extent->lat_max) + ")" + (swapped ? ": lon and lat look swapped" : ""));
  }
  for (std::size_t i = 0; i < net.links().size(); ++i) {
    const Link& l = net.links()[i];
    if (l.geometry.size() < 2) continue;
    const std::string where = "link '" + l.id + "'";
    if (given[i].ends_by_id) {
      const auto& a = net.nodes()[l.from];
      const auto& b = net.nodes()[l.to];
      const double d_first = geo::geodesic_distance_km(l.geometry.front(), a.position);
      const double d_last = geo::geodesic_distance_km(l.geometry.back(), b.position);
      const double r_first = geo::geodesic_distance_km(l.geometry.front(), b.position);
      const double r_last = geo::geodesic_distance_km(l.geometry.back(), a.position);
      if (std::max(d_first, d_last) > c.end_tolerance_km && std::max(r_first, r_last) > c.end_tolerance_km) {
        const bool first = d_first >= d_last;
        const Node& node = first ? a : b;
        finding(lfile, where,
                "its " + std::string(first ? "first" : "last") + " point " +
                    point(first ? l.geometry.front() : l.geometry.back()) + " is " + km(first ? d_first : d_last) +
                    " from its '" + (first ? "from" : "to") + "' node '" + node.id + "' at " + point(node.position) +
                    " (more than " + short_number(c.end_tolerance_km) + " km): the geometry and the node disagree");
      }
    }
    if (given[i].length) {
      const double drawn = geo::geodesic_length_km(l.geometry);
      const double ratio = drawn > 0.0 ? l.length_km / drawn : std::numeric_limits<double>::infinity();
      if (ratio > c.length_ratio_max || ratio < 1.0 / c.length_ratio_max)
        finding(lfile, where,
                "length_km " + short_number(l.length_km) + " is " + short_number(ratio) + " times the length of its geometry (" +
                    km(drawn) + "); beyond a factor of " + short_number(c.length_ratio_max) +
                    " the geometry or the length is wrong");
    }
  }
}

}  // namespace

std::string_view to_string(Mode mode) {
  for (const auto& [m, name] : kModes)
    if (m == mode) return name;
  return "?";
}
std::string_view to_string(NodeKind kind) {
  for (const auto& [k, name] : kKinds)
    if (k == kind) return name;
  return "?";
}
std::optional<Mode> parse_mode(std::string_view text) {
  for (const auto& [m, name] : kModes)
    if (name == text) return m;
  return std::nullopt;
}
std::optional<NodeKind> parse_node_kind(std::string_view text) {
  for (const auto& [k, name] : kKinds)
    if (name == text) return k;
  return std::nullopt;
}

std::optional<std::size_t> Network::find_node(std::string_view id) const {
  return node_index_.find(id, [this](std::size_t i) -> std::string_view { return nodes_[i].id; });
}

std::optional<std::size_t> Network::find_link(std::string_view id) const {
  return link_index_.find(id, [this](std::size_t i) -> std::string_view { return links_[i].id; });
}

std::optional<double> Network::free_flow_time_h(std::size_t link) const {
  const Link& l = links_[link];
  if (l.travel_time_h) return *l.travel_time_h + l.wait_h;
  if (!l.speed_kmh) return std::nullopt;
  return l.length_km / *l.speed_kmh + l.wait_h;
}

Network Network::build(const geo::Layer& node_layer, const geo::Layer& link_layer, const BuildOptions& options) {
  return build(geo::Layer(node_layer), geo::Layer(link_layer), options);
}

Network Network::build(geo::Layer&& node_layer, geo::Layer&& link_layer, const BuildOptions& options) {
  Network net;
  net.sources_ = {node_layer.source, link_layer.source};
  ProblemList problems;
  DefaultsLedger ledger;
  const std::string& nfile = node_layer.source;
  const std::string& lfile = link_layer.source;

  if (node_layer.features.empty()) throw InputError(nfile, "", "has no nodes (the layer is empty)");

  net.nodes_.reserve(node_layer.features.size());
  net.node_index_.reserve(node_layer.features.size());
  net.links_.reserve(link_layer.features.size());
  net.link_index_.reserve(link_layer.features.size());

  // Nodes.
  for (auto& f : node_layer.features) {
    ProblemList local;
    AttributeReader probe(f, nfile, "", local);
    const auto id = probe.text("id");
    AttributeReader r(f, nfile, id ? "node '" + *id + "'" : "node #" + std::to_string(f.fid), problems);
    if (!id) r.problem("missing required attribute 'id'");
    if (f.geometry != geo::GeometryKind::point || f.points.empty()) {
      r.problem(f.points.empty() ? "empty geometry (a node needs a Point)" : "geometry is not a Point");
    }
    Node n;
    n.id = id.value_or("");
    n.name = r.text("name").value_or(n.id);
    n.country = r.text("country").value_or("");
    if (const auto kind = r.text("kind")) {
      if (const auto k = parse_node_kind(*kind)) n.kind = *k;
      else r.problem("unknown kind '" + *kind + "' (expected one of: " + allowed_names(kKinds) + ")");
    }
    if (!f.points.empty()) n.position = f.points.front();
    // Freight attributes: given, or a default the scenario states, or (where a planner would expect
    // one) the built-in value, counted in the ledger; a border crossing or port must give its dwell.
    const bool freight_node = !is_gas_kind(n.kind);
    const auto kind_name = std::string(to_string(n.kind));
    const auto nd_it = options.defaults.nodes.find(n.kind);
    const NodeDefaults* nd = nd_it == options.defaults.nodes.end() ? nullptr : &nd_it->second;
    if (r.has("dwell_h")) {
      n.dwell_h = r.number("dwell_h", Bound::non_negative).value_or(0.0);
    } else if (freight_node && nd && nd->dwell_h) {
      n.dwell_h = *nd->dwell_h;
      ledger.use("dwell_h", plural(kind_name, "node"), short_number(n.dwell_h), scenario_source(nd->where));
    } else if (freight_node && (n.kind == NodeKind::border || n.kind == NodeKind::port)) {
      r.problem("missing required attribute 'dwell_h' (a " + kind_name +
                "'s processing time in hours; or state it for all " + kind_name + " nodes with defaults: {" + kind_name +
                ": {dwell_h: ...}} in the scenario)");
    } else if (freight_node) {
      ledger.use("dwell_h", plural(kind_name, "node"), "0", "built-in");
    }
    if (r.has("capacity_teu_per_day")) {
      n.capacity_teu_per_day = r.number("capacity_teu_per_day", Bound::positive);
    } else if (freight_node && nd && nd->capacity_teu_per_day) {
      n.capacity_teu_per_day = nd->capacity_teu_per_day;
      ledger.use("capacity_teu_per_day", plural(kind_name, "node"), short_number(*n.capacity_teu_per_day),
                 scenario_source(nd->where));
    } else if (freight_node) {
      ledger.use("capacity_teu_per_day", plural(kind_name, "node"), "unlimited", "built-in");
    }
    n.gauge_change = r.boolean("gauge_change").value_or(false);
    if (r.has("handling_usd_per_teu")) {
      n.handling_usd_per_teu = r.number("handling_usd_per_teu", Bound::non_negative).value_or(0.0);
    } else if (freight_node && nd && nd->handling_usd_per_teu) {
      n.handling_usd_per_teu = *nd->handling_usd_per_teu;
      ledger.use("handling_usd_per_teu", plural(kind_name, "node"), short_number(n.handling_usd_per_teu),
                 scenario_source(nd->where));
    } else if (freight_node) {
      ledger.use("handling_usd_per_teu", plural(kind_name, "node"), "0", "built-in");
    }
    n.through = r.boolean("through").value_or(true);
    n.time_sd_h = r.number("time_sd_h", Bound::non_negative);
    n.pressure_min_bar = r.number("pressure_min_bar", Bound::non_negative);
    n.pressure_max_bar = r.number("pressure_max_bar", Bound::positive);
    if (n.pressure_min_bar && n.pressure_max_bar && *n.pressure_min_bar > *n.pressure_max_bar)
      r.problem("pressure_min_bar is above pressure_max_bar");
    n.supply_mcm_per_day = r.number("supply_mcm_per_day", Bound::non_negative).value_or(0.0);
    n.demand_mcm_per_day = r.number("demand_mcm_per_day", Bound::non_negative).value_or(0.0);
    if (const auto status = r.text("status")) {
      if (*status == "closed" || *status == "planned") n.closed = true;
      else if (*status != "operational") r.problem("unknown status '" + *status + "' (expected operational, planned or closed)");
    }
    n.source_feature = std::move(f);  // f is not read after this
    n.source_feature.points = {};      // the point is in position
    if (id) {
      if (!net.node_index_.insert(*id, net.nodes_.size(), [&](std::size_t i) -> std::string_view { return net.nodes_[i].id; })) {
        r.problem("duplicate node id");
        continue;
      }
    }
    net.nodes_.push_back(std::move(n));
  }

  const bool no_links = link_layer.features.empty();
  std::vector<geo::Feature>().swap(node_layer.features);  // taken over: free the array now

  // Links.
  std::optional<SnapIndex> snap;
  std::vector<LinkGiven> given;  // per link kept, for the geometry checks
  std::vector<std::size_t> degree(net.nodes_.size(), 0);
  for (auto& f : link_layer.features) {
    ProblemList local;
    AttributeReader probe(f, lfile, "", local);
    const auto id = probe.text("id");
    AttributeReader r(f, lfile, id ? "link '" + *id + "'" : "link #" + std::to_string(f.fid), problems);
    if (!id) r.problem("missing required attribute 'id'");
    Link l;
    l.id = id.value_or("");
    bool ok = true;

    if (f.points.empty()) {
      r.problem("empty geometry (a link needs a LineString)");
      ok = false;
    } else if (f.geometry != geo::GeometryKind::line_string) {
      r.problem("geometry is not a LineString");
      ok = false;
    } else if (f.points.size() < 2) {
      r.problem("LineString has fewer than 2 vertices");
      ok = false;
    }

    // End nodes: by id, or snapped from the geometry's end points.
    auto end_node = [&](std::string_view attr, bool first) -> std::optional<std::size_t> {
      if (const auto ref = r.text(attr)) {
        if (auto idx = net.find_node(*ref)) return idx;
        r.problem("'" + std::string(attr) + "' names unknown node '" + *ref + "'");
        return std::nullopt;
      }
      if (f.points.empty()) return std::nullopt;
      if (!snap) snap.emplace(net.nodes_, options.snap_tolerance_km);
      const geo::LonLat p = first ? f.points.front() : f.points.back();
      if (auto idx = snap->nearest(p)) return idx;
      r.problem("has no '" + std::string(attr) + "' and its " + (first ? "first" : "last") + " point (" +
                geo::to_text(p.lon_deg) + ", " + geo::to_text(p.lat_deg) + ") has no node within " +
                geo::to_text(options.snap_tolerance_km) + " km");
      return std::nullopt;
    };
    const bool ends_by_id = r.has("from") && r.has("to");
    const auto from = end_node("from", true);
    const auto to = end_node("to", false);
    // A node drawn with a link is not "without links", whatever else is wrong with the link.
    if (from) ++degree[*from];
    if (to) ++degree[*to];
    if (from && to) {
      if (*from == *to) {
        r.problem("is a self-loop (from and to are both node '" + net.nodes_[*from].id + "')");
        ok = false;
      }
      l.from = *from;
      l.to = *to;
    } else {
      ok = false;
    }

    const auto mode_text = r.text("mode", true);
    bool mode_known = false;  // attributes required per mode are checked only when the mode is known
    if (mode_text) {
      if (const auto m = parse_mode(*mode_text)) {
        l.mode = *m;
        mode_known = true;
      } else {
        r.problem("unknown mode '" + *mode_text + "' (expected one of: " + allowed_names(kModes) + ")");
        ok = false;
      }
    } else {
      ok = false;
    }

    // `geometry_indicative: true`: the line is a sketch and length_km the published length; the length is
    // then not checked against the line (its end nodes still are).
    const bool length_given = r.has("length_km") && !r.boolean("geometry_indicative").value_or(false);
    if (const auto length = r.number("length_km", Bound::positive)) l.length_km = *length;
    else if (f.points.size() >= 2) l.length_km = geo::geodesic_length_km(f.points);

    const bool freight = l.mode != Mode::pipeline;
    l.travel_time_h = r.number("travel_time_h", Bound::non_negative);
    l.bpr_alpha = r.number("bpr_alpha", Bound::non_negative);
    l.bpr_beta = r.number("bpr_beta", Bound::non_negative);
    if (l.bpr_beta && *l.bpr_beta < 1.0) r.problem("attribute 'bpr_beta' is below 1");
    // Freight attributes: given, or a default the scenario states for the mode (counted in the ledger);
    // speed and tariff drive route choice and are required; capacity and waits have built-in values.
    const std::string mode_links = mode_known ? plural(to_string(l.mode), "link") : std::string();
    const auto ld_it = mode_known ? options.defaults.links.find(l.mode) : options.defaults.links.end();
    const LinkDefaults* ld = ld_it == options.defaults.links.end() ? nullptr : &ld_it->second;
    const bool freight_known = freight && mode_known;
    if (!r.has("speed_kmh") && !l.travel_time_h && freight_known && ld && ld->speed_kmh) {
      l.speed_kmh = ld->speed_kmh;
      ledger.use("speed_kmh", mode_links, short_number(*l.speed_kmh), scenario_source(ld->where));
    } else {
      l.speed_kmh = r.number("speed_kmh", Bound::positive, freight_known && !l.travel_time_h);
    }
    if (const auto g = r.number("gauge_mm", Bound::positive, l.mode == Mode::rail && mode_known)) {
      if (*g > 10000.0) r.problem("attribute 'gauge_mm' is " + geo::to_text(*g) + ", not a rail gauge in millimetres");
      else l.gauge_mm = static_cast<int>(std::lround(*g));
    }
    l.capacity_teu_per_day = r.number("capacity_teu_per_day", Bound::positive);
    if (const auto trains = r.number("trains_per_day", Bound::positive)) {
      if (const auto teu = r.number("teu_per_train", Bound::positive, true)) {
        if (l.capacity_teu_per_day) r.problem("gives both capacity_teu_per_day and trains_per_day; keep one");
        else l.capacity_teu_per_day = *trains * *teu;
      }
    }
    if (freight_known && !l.capacity_teu_per_day && !r.has("capacity_teu_per_day") && !r.has("trains_per_day")) {
      if (ld && ld->capacity_teu_per_day) {
        l.capacity_teu_per_day = ld->capacity_teu_per_day;
        ledger.use("capacity_teu_per_day", mode_links, short_number(*l.capacity_teu_per_day), scenario_source(ld->where));
      } else {
        ledger.use("capacity_teu_per_day", mode_links, "unlimited", "built-in");
      }
    }
    if (r.has("cost_usd_per_teu") || !freight_known) {
      l.cost_usd_per_teu = r.number("cost_usd_per_teu", Bound::non_negative).value_or(0.0);
    } else if (ld && ld->cost_usd_per_teu_km) {
      l.cost_usd_per_teu = *ld->cost_usd_per_teu_km * l.length_km;
      ledger.use("cost_usd_per_teu", mode_links, short_number(*ld->cost_usd_per_teu_km) + " x length_km",
                 scenario_source(ld->where));
    } else if (ld && ld->cost_usd_per_teu) {
      l.cost_usd_per_teu = *ld->cost_usd_per_teu;
      ledger.use("cost_usd_per_teu", mode_links, short_number(l.cost_usd_per_teu), scenario_source(ld->where));
    } else {
      r.problem("missing required attribute 'cost_usd_per_teu' (the tariff drives route choice; give it, or state a "
                "rate for all " + mode_links + " with defaults: {" + std::string(to_string(l.mode)) +
                ": {cost_usd_per_teu_km: ...}} in the scenario)");
    }
    if (const auto wait = r.number("wait_h", Bound::non_negative)) {
      l.wait_h = *wait;
    } else if (const auto sailings = r.number("sailings_per_week", Bound::positive)) {
      // Arrivals uniform over the week wait on average half a headway: (168 h / sailings) / 2.
      if (r.has("departures_per_week")) r.problem("gives both sailings_per_week and departures_per_week; keep one");
      l.wait_h = 84.0 / *sailings;
    } else if (const auto departures = r.number("departures_per_week", Bound::positive)) {
      l.wait_h = 84.0 / *departures;  // the same for trains: half the headway between departures
    } else if (freight_known && !r.has("wait_h") && !r.has("sailings_per_week") && !r.has("departures_per_week")) {
      if (ld && ld->wait_h) {
        l.wait_h = *ld->wait_h;
        ledger.use("wait_h", mode_links, short_number(l.wait_h), scenario_source(ld->where));
      } else if (l.mode == Mode::sea || l.mode == Mode::ferry) {
        ledger.use("wait_h", mode_links, "0 (no sailings_per_week or wait_h)", "built-in");
      }
    }
    l.time_sd_h = r.number("time_sd_h", Bound::non_negative);
    l.diameter_mm = r.number("diameter_mm", Bound::positive, l.mode == Mode::pipeline && mode_known);
    l.roughness_mm = r.number("roughness_mm", Bound::non_negative);
    l.pressure_max_bar = r.number("pressure_max_bar", Bound::positive);
    l.efficiency = r.number("efficiency", Bound::positive);
    if (l.efficiency && *l.efficiency > 1.0) r.problem("attribute 'efficiency' is above 1");
    l.directed = r.boolean("directed").value_or(false);
    if (const auto status = r.text("status")) {
      if (*status == "closed" || *status == "planned") l.closed = true;
      else if (*status != "operational") r.problem("unknown status '" + *status + "' (expected operational, planned or closed)");
    }
    l.geometry = std::move(f.points);  // f is not read after this: its line moves to geometry, the rest to source_feature
    l.source_feature = std::move(f);
    if (id && net.find_link(*id)) {
      r.problem("duplicate link id");
      continue;
    }
    if (!ok) continue;
    if (id) net.link_index_.insert(*id, net.links_.size(), [&](std::size_t i) -> std::string_view { return net.links_[i].id; });
    net.links_.push_back(std::move(l));
    given.push_back({ends_by_id, length_given});
  }

  std::vector<geo::Feature>().swap(link_layer.features);
  if (no_links) {
    problems.add(lfile, "", "has no links (the layer is empty)");
  } else {
    for (std::size_t i = 0; i < net.nodes_.size(); ++i)
      if (degree[i] == 0 && !net.nodes_[i].id.empty()) problems.add(nfile, "node '" + net.nodes_[i].id + "'", "has no links");
  }

  // A train cannot change gauge except where transshipment happens.
  std::vector<std::set<int>> gauges(net.nodes_.size());
  for (const auto& l : net.links_) {
    if (l.mode != Mode::rail || !l.gauge_mm) continue;
    gauges[l.from].insert(*l.gauge_mm);
    gauges[l.to].insert(*l.gauge_mm);
  }
  for (std::size_t i = 0; i < net.nodes_.size(); ++i) {
    if (gauges[i].size() > 1 && !net.nodes_[i].gauge_change) {
      std::string list;
      for (int g : gauges[i]) list += (list.empty() ? "" : " and ") + std::to_string(g);
      problems.add(nfile, "node '" + net.nodes_[i].id + "'",
                   "joins rail links of gauge " + list + " mm but gauge_change is not true");
    }
  }

  check_geometry(net, given, options.checks, nfile, lfile, problems, net.warnings_);
  problems.throw_if_any();
  net.defaults_used_ = ledger.list();
  net.rebuild_graph();
  return net;
}

void Network::rebuild_graph() {
  graph_ = Graph(nodes_.size());
  // The arc lists sized once: Boost would otherwise grow each vertex's lists arc by arc, a quarter of
  // the build at a million links. m_edges and m_vertices are adjacency_list's public storage.
  std::vector<std::uint32_t> out_arcs(nodes_.size(), 0), in_arcs(nodes_.size(), 0);
  std::size_t arcs = 0;
  for (const Link& l : links_) {
    ++out_arcs[l.from];
    ++in_arcs[l.to];
    ++arcs;
    if (!l.directed) {
      ++out_arcs[l.to];
      ++in_arcs[l.from];
      ++arcs;
    }
  }
  graph_.m_edges.reserve(arcs);
  for (std::size_t v = 0; v < nodes_.size(); ++v) {
    graph_.m_vertices[v].m_out_edges.reserve(out_arcs[v]);
    graph_.m_vertices[v].m_in_edges.reserve(in_arcs[v]);
  }
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const Link& l = links_[i];
    boost::add_edge(l.from, l.to, Arc{i, true}, graph_);
    if (!l.directed) boost::add_edge(l.to, l.from, Arc{i, false}, graph_);
  }
}

NetworkSummary summarize(const Network& network) {
  NetworkSummary s;
  s.node_count = network.nodes().size();
  s.link_count = network.links().size();
  std::map<std::string, std::size_t> by_mode, by_country, by_kind;
  std::map<std::string, double> km_by_mode;
  using Undirected = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  Undirected g(network.nodes().size());
  for (const auto& l : network.links()) {
    const std::string mode(to_string(l.mode));
    ++by_mode[mode];
    km_by_mode[mode] += l.length_km;
    if (l.closed) ++s.closed_link_count;
    else boost::add_edge(l.from, l.to, g);
  }
  for (const auto& n : network.nodes()) {
    ++by_country[n.country.empty() ? "(none)" : n.country];
    ++by_kind[std::string(to_string(n.kind))];
  }
  std::vector<int> component(network.nodes().size());
  s.component_count = network.nodes().empty() ? 0 : static_cast<std::size_t>(boost::connected_components(g, component.data()));
  s.links_by_mode.assign(by_mode.begin(), by_mode.end());
  s.length_km_by_mode.assign(km_by_mode.begin(), km_by_mode.end());
  s.nodes_by_country.assign(by_country.begin(), by_country.end());
  s.nodes_by_kind.assign(by_kind.begin(), by_kind.end());
  return s;
}

}  // namespace corridor::network
