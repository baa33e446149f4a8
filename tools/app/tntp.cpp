#include "tools/app/tntp.hpp"

#include <charconv>
#include <fstream>
#include <string_view>

#include "geo/error.hpp"

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

}  // namespace corridor::app
