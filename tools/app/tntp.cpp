#include "tools/app/tntp.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>
#include <string_view>

#include "geo/error.hpp"
#include "geo/input_file.hpp"
#include "geo/writer.hpp"
#include "tools/app/number_text.hpp"
#include "tools/app/output_folder.hpp"

namespace corridor::app {

namespace {

std::string where(std::size_t line) { return "line " + std::to_string(line); }

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

/// Whitespace-separated tokens of `s`.
std::vector<std::string_view> tokens(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    std::size_t j = i;
    while (j < s.size() && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n')) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

bool parse_double(std::string_view s, double& out) {
  s = trim(s);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

double number(std::string_view s, const std::string& file, std::size_t line, const std::string& what) {
  double v = 0.0;
  if (!parse_double(s, v)) throw InputError(file, where(line), what + " is not a number: '" + std::string(s) + "'");
  return v;
}

std::size_t node_id(std::string_view s, const std::string& file, std::size_t line, const std::string& what) {
  const double v = number(s, file, line, what);
  if (v < 1.0 || v != static_cast<double>(static_cast<std::size_t>(v)))
    throw InputError(file, where(line), what + " must be a positive whole number: '" + std::string(s) + "'");
  return static_cast<std::size_t>(v);
}

class LineReader {
public:
  explicit LineReader(const std::string& path) : path_(path), in_(path) {
    if (!in_) throw InputError(path, "", "cannot open file");
  }
  bool next(std::string& line) {
    if (!std::getline(in_, line)) return false;
    ++number_;
    return true;
  }
  [[nodiscard]] std::size_t line() const { return number_; }
  [[nodiscard]] const std::string& path() const { return path_; }

private:
  std::string path_;
  std::ifstream in_;
  std::size_t number_ = 0;
};

/// Reads "<KEY> value" lines up to <END OF METADATA>. Returns false if the file has no metadata block
/// (then nothing was consumed beyond blank lines... the caller treats that as an error).
std::map<std::string, std::string> read_metadata(LineReader& r) {
  std::map<std::string, std::string> meta;
  std::string line;
  while (r.next(line)) {
    const std::string_view t = trim(line);
    if (t.empty() || t.front() == '~') continue;
    if (t.front() != '<') throw InputError(r.path(), where(r.line()), "expected a <KEY> metadata line");
    const auto close = t.find('>');
    if (close == std::string_view::npos) throw InputError(r.path(), where(r.line()), "metadata key without '>'");
    std::string key(t.substr(1, close - 1));
    if (key == "END OF METADATA") return meta;
    meta[key] = std::string(trim(t.substr(close + 1)));
  }
  throw InputError(r.path(), where(r.line()), "no <END OF METADATA> line");
}

std::size_t meta_count(const std::map<std::string, std::string>& meta, const std::string& key, const std::string& file,
                       bool required) {
  const auto it = meta.find(key);
  if (it == meta.end()) {
    if (required) throw InputError(file, "metadata", "missing <" + key + ">");
    return 0;
  }
  double v = 0.0;
  if (!parse_double(it->second, v) || v < 0.0 || v != static_cast<double>(static_cast<std::size_t>(v)))
    throw InputError(file, "metadata <" + key + ">", "not a whole number: '" + it->second + "'");
  return static_cast<std::size_t>(v);
}

}  // namespace

TntpNetwork read_tntp_network(const std::string& path) {
  LineReader r(path);
  TntpNetwork net;
  net.file = path;
  net.metadata = read_metadata(r);
  net.zones = meta_count(net.metadata, "NUMBER OF ZONES", path, true);
  net.nodes = meta_count(net.metadata, "NUMBER OF NODES", path, true);
  const std::size_t declared = meta_count(net.metadata, "NUMBER OF LINKS", path, true);
  if (net.metadata.contains("FIRST THRU NODE")) net.first_thru_node = meta_count(net.metadata, "FIRST THRU NODE", path, true);
  if (net.zones > net.nodes) throw InputError(path, "metadata", "more zones than nodes");
  std::string line;
  while (r.next(line)) {
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '~') continue;
    if (const auto semi = t.find(';'); semi != std::string_view::npos) t = t.substr(0, semi);
    const auto f = tokens(t);
    if (f.empty()) continue;
    if (f.size() < 7)
      throw InputError(path, where(r.line()),
                       "a link needs at least init_node term_node capacity length free_flow_time b power");
    TntpLink l;
    l.line = r.line();
    l.from = node_id(f[0], path, r.line(), "init_node");
    l.to = node_id(f[1], path, r.line(), "term_node");
    l.capacity = number(f[2], path, r.line(), "capacity");
    l.length = number(f[3], path, r.line(), "length");
    l.free_flow_time = number(f[4], path, r.line(), "free_flow_time");
    l.b = number(f[5], path, r.line(), "b");
    l.power = number(f[6], path, r.line(), "power");
    if (f.size() > 7) l.speed = number(f[7], path, r.line(), "speed");
    if (f.size() > 8) l.toll = number(f[8], path, r.line(), "toll");
    if (f.size() > 9) l.link_type = static_cast<int>(number(f[9], path, r.line(), "link_type"));
    if (l.from > net.nodes || l.to > net.nodes)
      throw InputError(path, where(r.line()), "node id above <NUMBER OF NODES> " + std::to_string(net.nodes));
    if (!(l.capacity > 0.0)) throw InputError(path, where(r.line()), "capacity must be > 0");
    if (l.free_flow_time < 0.0 || l.length < 0.0 || l.toll < 0.0 || l.b < 0.0)
      throw InputError(path, where(r.line()), "free_flow_time, length, toll and b must be >= 0");
    if (l.power < 1.0 && l.b > 0.0) throw InputError(path, where(r.line()), "power must be >= 1");
    net.links.push_back(l);
  }
  if (net.links.size() != declared)
    throw InputError(path, "metadata <NUMBER OF LINKS>",
                     "declares " + std::to_string(declared) + " links, the file has " + std::to_string(net.links.size()));
  return net;
}

TntpTrips read_tntp_trips(const std::string& path) {
  LineReader r(path);
  TntpTrips trips;
  trips.file = path;
  trips.metadata = read_metadata(r);
  trips.zones = meta_count(trips.metadata, "NUMBER OF ZONES", path, true);
  if (const auto it = trips.metadata.find("TOTAL OD FLOW"); it != trips.metadata.end()) {
    if (!parse_double(it->second, trips.total_flow))
      throw InputError(path, "metadata <TOTAL OD FLOW>", "not a number: '" + it->second + "'");
  }
  std::size_t origin = 0;
  std::string line;
  while (r.next(line)) {
    const std::string_view t = trim(line);
    if (t.empty() || t.front() == '~') continue;
    if (t.starts_with("Origin")) {
      origin = node_id(t.substr(6), path, r.line(), "origin");
      if (origin > trips.zones) throw InputError(path, where(r.line()), "origin above <NUMBER OF ZONES>");
      continue;
    }
    if (origin == 0) throw InputError(path, where(r.line()), "demand before the first 'Origin' line");
    std::size_t pos = 0;
    while (pos < t.size()) {
      auto end = t.find(';', pos);
      if (end == std::string_view::npos) end = t.size();
      const std::string_view entry = trim(t.substr(pos, end - pos));
      pos = end + 1;
      if (entry.empty()) continue;
      const auto colon = entry.find(':');
      if (colon == std::string_view::npos)
        throw InputError(path, where(r.line()), "expected 'destination : flow;', got '" + std::string(entry) + "'");
      TntpDemand d;
      d.origin = origin;
      d.destination = node_id(entry.substr(0, colon), path, r.line(), "destination");
      d.flow = number(entry.substr(colon + 1), path, r.line(), "flow");
      if (d.destination > trips.zones) throw InputError(path, where(r.line()), "destination above <NUMBER OF ZONES>");
      if (d.flow < 0.0) throw InputError(path, where(r.line()), "negative flow");
      trips.demand.push_back(d);
    }
  }
  return trips;
}

std::vector<TntpNode> read_tntp_nodes(const std::string& path) {
  LineReader r(path);
  std::vector<TntpNode> nodes;
  std::string line;
  bool header = true;
  while (r.next(line)) {
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '~') continue;
    if (const auto semi = t.find(';'); semi != std::string_view::npos) t = t.substr(0, semi);
    const auto f = tokens(t);
    if (f.empty()) continue;
    double probe = 0.0;
    if (header && !parse_double(f[0], probe)) {  // "node X Y ;"
      header = false;
      continue;
    }
    header = false;
    if (f.size() < 3) throw InputError(path, where(r.line()), "expected 'node x y'");
    nodes.push_back({node_id(f[0], path, r.line(), "node"), number(f[1], path, r.line(), "x"),
                     number(f[2], path, r.line(), "y")});
  }
  return nodes;
}

std::vector<TntpLinkFlow> read_tntp_flows(const std::string& path) {
  LineReader r(path);
  std::vector<TntpLinkFlow> flows;
  std::string line;
  bool header = true;
  while (r.next(line)) {
    std::string_view t = trim(line);
    if (t.empty() || t.front() == '~') continue;
    if (const auto semi = t.find(';'); semi != std::string_view::npos) t = t.substr(0, semi);
    const auto f = tokens(t);
    if (f.empty()) continue;
    double probe = 0.0;
    if (header && !parse_double(f[0], probe)) {  // "From To Volume Cost"
      header = false;
      continue;
    }
    header = false;
    if (f.size() < 3) throw InputError(path, where(r.line()), "expected 'from to volume [cost]'");
    TntpLinkFlow lf;
    lf.from = node_id(f[0], path, r.line(), "from");
    lf.to = node_id(f[1], path, r.line(), "to");
    lf.volume = number(f[2], path, r.line(), "volume");
    if (f.size() > 3) lf.cost = number(f[3], path, r.line(), "cost");
    flows.push_back(lf);
  }
  return flows;
}

freight::AssignmentProblem to_assignment_problem(const TntpNetwork& net, const TntpTrips& trips,
                                                 TntpCostWeights weights) {
  if (trips.zones != net.zones)
    throw InputError(trips.file, "metadata <NUMBER OF ZONES>",
                     std::to_string(trips.zones) + " zones, but the network " + net.file + " has " +
                         std::to_string(net.zones));
  freight::AssignmentProblem p;
  p.name = net.file;
  p.node_count = net.nodes;
  p.first_thru_node = net.first_thru_node > 0 ? net.first_thru_node - 1 : 0;
  p.links.reserve(net.links.size());
  for (const TntpLink& l : net.links) {
    freight::LinkSpec s;
    s.from = l.from - 1;
    s.to = l.to - 1;
    s.free_flow_time = l.free_flow_time;
    s.capacity = l.capacity;
    s.alpha = l.b;
    s.beta = l.power < 1.0 ? 1.0 : l.power;
    s.toll = l.toll;
    s.length = l.length;
    p.links.push_back(s);
  }
  freight::TravelClass c;
  c.name = "all";
  c.toll_weight = weights.toll;
  c.length_weight = weights.length;
  p.classes.push_back(std::move(c));
  p.demand.reserve(trips.demand.size());
  for (const TntpDemand& d : trips.demand) {
    if (d.flow <= 0.0 || d.origin == d.destination) continue;
    p.demand.push_back({d.origin - 1, d.destination - 1, 0, d.flow});
  }
  return p;
}

TntpLengthUnit tntp_length_unit(const TntpNetwork& net) {
  TntpLengthUnit u;
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  auto set = [&](std::string unit, const std::string& source) {
    unit = lower(unit);
    while (!unit.empty() && (unit.back() == ' ' || unit.back() == '.')) unit.pop_back();
    while (!unit.empty() && unit.front() == ' ') unit.erase(unit.begin());
    static const std::map<std::string, std::pair<std::string, double>> known{
        {"mi", {"miles", 1.609344}},      {"mile", {"miles", 1.609344}},      {"miles", {"miles", 1.609344}},
        {"ft", {"feet", 0.0003048}},      {"feet", {"feet", 0.0003048}},      {"foot", {"feet", 0.0003048}},
        {"km", {"km", 1.0}},              {"kilometers", {"km", 1.0}},        {"kilometres", {"km", 1.0}},
        {"m", {"metres", 0.001}},         {"meters", {"metres", 0.001}},      {"metres", {"metres", 0.001}},
        {"meter", {"metres", 0.001}},     {"metre", {"metres", 0.001}}};
    const auto it = known.find(unit);
    if (it == known.end())
      throw InputError(net.file, "metadata <" + source + ">",
                       "unknown length unit '" + unit + "' (expected miles, feet, km or metres)");
    u.name = it->second.first;
    u.km = it->second.second;
    u.stated = true;
    u.source = source;
  };
  if (const auto it = net.metadata.find("LENGTH UNITS"); it != net.metadata.end()) {
    set(it->second, "LENGTH UNITS");
    return u;
  }
  if (const auto it = net.metadata.find("ORIGINAL HEADER"); it != net.metadata.end()) {
    const std::string h = lower(it->second);
    const auto at = h.find("length");
    if (at != std::string::npos) {
      std::size_t i = at + 6;
      while (i < h.size() && (h[i] == ' ' || h[i] == '\t')) ++i;
      if (i < h.size() && (h[i] == '(' || h[i] == '[')) {
        const char close = h[i] == '(' ? ')' : ']';
        const auto end = h.find(close, i);
        if (end != std::string::npos) set(h.substr(i + 1, end - i - 1), "ORIGINAL HEADER");
      }
    }
  }
  return u;
}

namespace {
/// "3, 7, 148" (the first 10, then "and N more").
std::string id_list(const std::vector<std::size_t>& ids) {
  std::string s;
  for (std::size_t k = 0; k < ids.size() && k < 10; ++k) s += (k ? ", " : "") + std::to_string(ids[k]);
  if (ids.size() > 10) s += " and " + std::to_string(ids.size() - 10) + " more";
  return s;
}
}  // namespace

int import_tntp(const TntpImportOptions& options, std::ostream& out) {
  namespace fs = std::filesystem;
  for (const auto& f : {options.network, options.trips, options.nodes})
    if (!f.empty()) geo::check_input_file(f);
  const TntpNetwork net = read_tntp_network(options.network);
  const TntpTrips trips = read_tntp_trips(options.trips);
  to_assignment_problem(net, trips, options.weights).validate();  // the solver's checks, before writing
  const TntpLengthUnit unit = tntp_length_unit(net);

  // Node ids that no link uses (gaps in a zone or node numbering) are left out: a network node needs a
  // link. Their demand, if any, cannot travel and is left out too, and both are said.
  std::vector<char> linked(net.nodes + 1, 0);
  for (const auto& l : net.links) linked[l.from] = linked[l.to] = 1;
  std::vector<std::size_t> dropped;
  for (std::size_t i = 1; i <= net.nodes; ++i)
    if (!linked[i]) dropped.push_back(i);
  double dropped_flow = 0.0;
  std::size_t dropped_ods = 0;

  // Positions: the node file's, as lon/lat when they look like it, else scaled into a 1-degree box at
  // (0, 0) keeping the relative layout; without a node file a square grid of 0.01-degree steps.
  std::vector<geo::LonLat> pos(net.nodes + 1);
  std::string layout = "grid";
  for (std::size_t i = 1; i <= net.nodes; ++i) {
    const std::size_t side = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(net.nodes))));
    pos[i] = {static_cast<double>((i - 1) % side) * 0.01, static_cast<double>((i - 1) / side) * 0.01};
  }
  if (!options.nodes.empty()) {
    const auto nodes = read_tntp_nodes(options.nodes);
    double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
    for (const auto& n : nodes) {
      if (n.id == 0 || n.id > net.nodes)
        throw InputError(options.nodes, "node " + std::to_string(n.id), "is not a node of " + options.network);
      xmin = std::min(xmin, n.x), xmax = std::max(xmax, n.x), ymin = std::min(ymin, n.y), ymax = std::max(ymax, n.y);
    }
    const bool lonlat = xmin >= -180 && xmax <= 180 && ymin >= -90 && ymax <= 90;
    const double span = std::max({xmax - xmin, ymax - ymin, 1e-12});
    layout = lonlat ? "lon/lat from the node file" : "node file x/y scaled into a 1-degree box at (0, 0)";
    for (const auto& n : nodes)
      pos[n.id] = lonlat ? geo::LonLat{n.x, n.y} : geo::LonLat{(n.x - xmin) / span, (n.y - ymin) / span};
  }

  // Cost weights as a value of time: toll weight w (min per toll unit, toll in cents) = 100 w / 60 h per USD.
  const double vot = options.weights.toll > 0.0 ? 60.0 / (100.0 * options.weights.toll) : 1.0;

  std::vector<geo::Feature> nodes, links;
  for (std::size_t i = 1; i <= net.nodes; ++i) {
    if (!linked[i]) continue;
    geo::Feature f;
    f.set("id", std::to_string(i));
    f.set("name", (i <= net.zones ? "zone " : "node ") + std::to_string(i));
    f.set("kind", i <= net.zones ? "terminal" : "junction");
    f.set("through", i >= net.first_thru_node);
    f.geometry = geo::GeometryKind::point;
    f.points = {pos[i]};
    nodes.push_back(std::move(f));
  }
  for (std::size_t k = 0; k < net.links.size(); ++k) {
    const TntpLink& l = net.links[k];
    geo::Feature f;
    f.set("id", std::to_string(l.from) + "-" + std::to_string(l.to));
    f.set("from", std::to_string(l.from));
    f.set("to", std::to_string(l.to));
    f.set("mode", "road");
    f.set("directed", true);
    f.set("travel_time_h", l.free_flow_time / 60.0);
    f.set("length_km", std::max(l.length * unit.km, 1e-6));
    if (l.capacity > 0.0) f.set("capacity_teu_per_day", l.capacity * 24.0);
    f.set("bpr_alpha", l.b);
    f.set("bpr_beta", std::max(l.power, 1.0));
    const double money = (options.weights.toll > 0.0 ? l.toll / 100.0 : 0.0) +
                         options.weights.length * l.length / 60.0 * vot;
    f.set("cost_usd_per_teu", money);
    f.set("tntp_line", static_cast<double>(l.line));
    f.geometry = geo::GeometryKind::line_string;
    f.points = {pos[l.from], pos[l.to]};
    links.push_back(std::move(f));
  }
  // Parallel links would share an id: number the repeats.
  std::map<std::string, int> seen;
  for (auto& f : links) {
    const std::string id = geo::to_text(*f.find("id"));
    if (const int n = seen[id]++) f.set("id", id + "#" + std::to_string(n + 1));
  }

  std::string demand = "origin,destination,commodity,teu_per_year\n";
  for (const auto& d : trips.demand) {
    if (d.flow <= 0.0 || d.origin == d.destination) continue;
    if (d.origin > net.nodes || d.destination > net.nodes || !linked[d.origin] || !linked[d.destination]) {
      dropped_flow += d.flow;
      ++dropped_ods;
      continue;
    }
    demand += std::to_string(d.origin) + "," + std::to_string(d.destination) + ",vehicles," +
              fixed(d.flow * 24.0 * 365.0, 6) + "\n";
  }
  const std::string stem = fs::path(options.network).stem().string();
  std::string yaml;
  yaml += "# Imported by corridor import tntp from " + fs::path(options.network).filename().string() + " and " +
          fs::path(options.trips).filename().string() + ".\n";
  yaml += "# Units: flows per hour x 24 (per day), travel_time_h = free-flow minutes / 60; node layout: " + layout + ".\n";
  yaml += "# Lengths: the file's in " + unit.name +
          (unit.stated ? " (metadata <" + unit.source + ">)" : " (the file states no unit: the TNTP convention, miles)") +
          ", as length_km.\n";
  if (!dropped.empty())
    yaml += "# Left out: " + std::to_string(dropped.size()) + " node ids that no link uses (" + id_list(dropped) + ")" +
            (dropped_ods ? ", with their " + std::to_string(dropped_ods) + " OD entries (" + fixed(dropped_flow, 3) + " per hour)"
                         : std::string()) +
            ".\n";
  yaml += "name: " + stem + "\n";
  yaml += "# The node positions are a drawing of the network, not geography: lengths are the file's, so the\n"
          "# checks of geometry against lengths and countries are off.\n";
  yaml += "network: {nodes: nodes.geojson, links: links.geojson, geometry_checks: {mode: off}}\n";
  yaml += "commodities:\n  vehicles: {value_of_time_usd_per_teu_h: " + fixed(vot, 6) + ", modes: [road]}\n";
  yaml += "demand_csv: demand.csv\n";
  yaml += "freight:\n  method: user_equilibrium\n  relative_gap: 1.0e-6\n  days_per_year: 365\n"
          "  unreachable_demand: unserved\n";

  StagedFolder dir(options.out_dir, FolderKind::import, {options.network, options.trips, options.nodes});
  geo::write_layer(dir.file("nodes.geojson"), "nodes", geo::GeometryKind::point, nodes);
  geo::write_layer(dir.file("links.geojson"), "links", geo::GeometryKind::line_string, links);
  geo::write_text(dir.file("demand.csv"), demand);
  geo::write_text(dir.file("scenario.yaml"), yaml);
  dir.commit();
  out << "Imported " << net.nodes - dropped.size() << " nodes (" << net.zones << " zones), " << net.links.size()
      << " links and " << trips.demand.size() - dropped_ods << " OD entries into " << options.out_dir
      << "/ (node layout: " << layout << "; lengths in " << unit.name
      << (unit.stated ? "" : ", the TNTP convention: the file states no unit") << ")\n";
  if (!dropped.empty())
    out << "Left out " << dropped.size() << " node ids that no link uses (" << id_list(dropped) << ")"
        << (dropped_ods ? " and their " + std::to_string(dropped_ods) + " OD entries (" + fixed(dropped_flow, 3) + " per hour)"
                        : std::string())
        << "\n";
  return 0;
}

}  // namespace corridor::app
