#include "sim/events/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "geo/error.hpp"
#include "sim/events/event_queue.hpp"
#include "sim/events/random.hpp"

namespace corridor::events {

namespace {

using network::Network;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// Purposes of random streams: each (purpose, index) draws independently of every other.
enum Stream : std::uint64_t { departures = 1, service = 2, weather = 3 };

/// Closed periods in hours, sorted and merged; `open_at(t)` is t, or the end of the closure holding t.
struct Closures {
  std::vector<std::pair<double, double>> periods;

  void add(double from_h, double to_h) { periods.emplace_back(from_h, to_h); }
  void finish() {
    std::sort(periods.begin(), periods.end());
    std::vector<std::pair<double, double>> merged;
    for (const auto& p : periods) {
      if (!merged.empty() && p.first <= merged.back().second) merged.back().second = std::max(merged.back().second, p.second);
      else merged.push_back(p);
    }
    periods = std::move(merged);
  }
  [[nodiscard]] double open_at(double t) const {
    if (periods.empty()) return t;
    auto it = std::upper_bound(periods.begin(), periods.end(), t,
                               [](double x, const std::pair<double, double>& p) { return x < p.first; });
    if (it == periods.begin()) return t;
    --it;
    return t < it->second ? it->second : t;
  }
  [[nodiscard]] double closed_hours(double horizon_h) const {
    double sum = 0.0;
    for (const auto& [a, b] : periods) sum += std::max(0.0, std::min(b, horizon_h) - std::min(a, horizon_h));
    return sum;
  }
};

/// A FIFO of train ids over a growable ring buffer.
class Fifo {
public:
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::uint32_t size() const noexcept { return size_; }
  [[nodiscard]] std::uint32_t front() const { return buf_[head_]; }
  void push(std::uint32_t x) {
    if (size_ == buf_.size()) grow();
    buf_[(head_ + size_) & (buf_.size() - 1)] = x;
    ++size_;
  }
  std::uint32_t pop() {
    const std::uint32_t x = buf_[head_];
    head_ = (head_ + 1) & static_cast<std::uint32_t>(buf_.size() - 1);
    --size_;
    return x;
  }

private:
  void grow() {
    std::vector<std::uint32_t> b(std::max<std::size_t>(16, buf_.size() * 2));
    for (std::uint32_t i = 0; i < size_; ++i) b[i] = buf_[(head_ + i) & (buf_.size() - 1)];
    buf_ = std::move(b);
    head_ = 0;
  }
  std::vector<std::uint32_t> buf_;
  std::uint32_t head_ = 0, size_ = 0;
};

/// Time integrals of a queue (and busy servers) with daily buckets.
struct Tally {
  double last_h = 0.0;
  double queue_area = 0.0, in_area = 0.0, busy_area = 0.0, over_storage_h = 0.0;
  std::vector<double> day_queue_area, day_busy_area, day_wait_sum;
  std::vector<std::uint32_t> day_arrivals, day_max_queue, day_waits;

  void init(std::size_t days) {
    day_queue_area.assign(days, 0.0);
    day_busy_area.assign(days, 0.0);
    day_wait_sum.assign(days, 0.0);
    day_arrivals.assign(days, 0);
    day_max_queue.assign(days, 0);
    day_waits.assign(days, 0);
  }
  /// Adds the areas from last_h to t under constant queue q, q_in trains in the node, busy servers.
  void advance(double t, std::uint32_t q, std::uint32_t q_in, int busy, double storage) {
    const double dt = t - last_h;
    if (dt <= 0.0) return;
    queue_area += q * dt;
    in_area += q_in * dt;
    busy_area += busy * dt;
    if (q > storage) over_storage_h += dt;
    if (q > 0 || busy > 0) {  // split over day boundaries
      const std::size_t days = day_queue_area.size();
      double a = last_h;
      while (a < t) {
        const auto d = std::min(days - 1, static_cast<std::size_t>(a / 24.0));
        const double b = d + 1 == days ? t : std::min(t, (static_cast<double>(d) + 1.0) * 24.0);
        day_queue_area[d] += q * (b - a);
        day_busy_area[d] += busy * (b - a);
        a = b;
      }
    }
    last_h = t;
  }
};

struct NodeModel {
  bool server = false;
  int servers = 0;  // 0: unlimited
  double service_h = 0.0;
  ServiceDistribution dist = ServiceDistribution::fixed;
  double storage = kInf;
  std::optional<double> storage_setting;
  Closures closures;
  Random rng;
  // state
  Fifo queue;
  int busy = 0;
  std::uint32_t in_node = 0;
  // statistics
  Tally tally;
  std::size_t arrivals = 0, started = 0, served = 0;
  double wait_sum = 0.0, wait_max = 0.0, sojourn_sum = 0.0;
  std::uint32_t max_queue = 0;
  // storage: trains queued here or running towards the queue, and trains held upstream for room
  std::uint32_t committed = 0;
  Fifo held;
  std::size_t held_count = 0;
  double hold_sum = 0.0;
  std::uint32_t max_held = 0;
};

struct ArcModel {
  double run_h = 0.0;
  double headway_h = 0.0;  // 0: no line capacity
  double next_free_h = 0.0;
  std::uint32_t ferry = kNone;
};

struct FerryModel {
  std::uint32_t arc = 0;
  double period_h = 0.0, first_h = 0.0, capacity_teu = kInf;
  bool has_capacity = false;
  double sailings_per_week = 0.0;
  Closures closures;
  Fifo queue;
  Tally tally;
  std::size_t sailings = 0, cancelled = 0, boarded = 0;
  double teu_carried = 0.0, load_sum = 0.0, wait_sum = 0.0, wait_max = 0.0;
  std::uint32_t max_queue = 0;
};

struct Train {
  double release_h = 0.0;
  double mark_h = 0.0;  // when the current wait (or node stay) began
  Waits waits;
  std::uint32_t od = 0, route = 0, pos = 0;
  bool alive = false;
};

struct OdModel {
  std::vector<std::uint32_t> routes;  // route indices
  std::vector<double> shares;
  std::vector<std::size_t> assigned;
  double trains_per_day = 0.0;
  // timetable state
  Random rng;
  long day = -1;
  int day_count = 0, day_next = 0;
  double carry = 0.5;
  // statistics
  std::size_t released = 0, delivered = 0;
  Waits wait_sum;
  std::vector<double> transit_h;
};

class Simulator {
public:
  Simulator(const Network& net, const scenario::Scenario& scenario, const std::vector<OdRoutes>& od_routes,
            const EventSettings& s)
      : net_(net), od_routes_(od_routes), s_(s) {
    horizon_h_ = s.horizon_days * 24.0;
    days_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(s.horizon_days - 1e-9)));
    days_per_year_ = scenario.freight.days_per_year;
    build();
  }

  EventResults run();

private:
  void build();
  void fail(const SourceId& where, const std::string& what) const {
    throw InputError(where.file, "line " + std::to_string(where.line) + ", id '" + where.value + "'", what);
  }
  [[nodiscard]] std::size_t day_of(double t) const {
    return std::min(days_ - 1, static_cast<std::size_t>(std::max(0.0, t) / 24.0));
  }

  double next_departure(OdModel& od);
  void release(std::uint32_t od_index, double t);
  void arrive(std::uint32_t train, double t);
  void start_service(std::uint32_t node, std::uint32_t train, double t);
  void service_done(std::uint32_t train, double t);
  void try_start(std::uint32_t node, double t);
  void depart(std::uint32_t train, double t);
  void enter_line(std::uint32_t train, double t);
  void release_held(std::uint32_t node, double t);
  void sail(std::uint32_t ferry, double t);
  void deliver(std::uint32_t train, double t);
  void touch_node(NodeModel& n, double t) {
    n.tally.advance(t, n.queue.size(), n.in_node, n.busy, n.storage);
  }
  void touch_ferry(FerryModel& f, double t) { f.tally.advance(t, f.queue.size(), f.queue.size(), 0, kInf); }

  const Network& net_;
  const std::vector<OdRoutes>& od_routes_;
  const EventSettings& s_;
  double horizon_h_ = 0.0, days_per_year_ = 365.0;
  std::size_t days_ = 1;

  std::vector<NodeModel> nodes_;
  std::vector<ArcModel> arcs_;  // 2 per link: forward, backward
  std::vector<Closures> link_closures_;
  std::vector<FerryModel> ferries_;
  std::vector<OdModel> ods_;
  // routes, flattened
  std::vector<std::uint32_t> route_begin_;  // into route_nodes_; route r's arcs start at route_begin_[r] - r
  std::vector<std::uint32_t> route_nodes_, route_arcs_;
  // per link statistics
  std::vector<std::size_t> arc_trains_;
  std::vector<double> arc_line_wait_, arc_teu_;
  std::vector<std::vector<std::uint32_t>> link_day_trains_;

  std::vector<Train> trains_;
  std::vector<std::uint32_t> free_trains_;
  EventQueue queue_;
  std::uint64_t movements_ = 0;
};

void Simulator::build() {
  const auto& nodes = net_.nodes();
  const auto& links = net_.links();
  const double teu_per_train = s_.teu_per_train;
  nodes_.resize(nodes.size());
  arcs_.resize(2 * links.size());
  link_closures_.resize(links.size());
  arc_trains_.assign(arcs_.size(), 0);
  arc_line_wait_.assign(arcs_.size(), 0.0);
  arc_teu_.assign(arcs_.size(), 0.0);
  link_day_trains_.resize(links.size());

  // Routes: flatten, and mark what trains use.
  std::vector<char> node_used(nodes.size(), 0), arc_used(arcs_.size(), 0);
  route_begin_.push_back(0);
  ods_.resize(od_routes_.size());
  for (std::size_t o = 0; o < od_routes_.size(); ++o) {
    const OdRoutes& odr = od_routes_[o];
    OdModel& od = ods_[o];
    double share_sum = 0.0;
    for (const auto& rs : odr.routes) share_sum += std::max(0.0, rs.share);
    for (const auto& rs : odr.routes) {
      const auto& p = rs.path;
      if (rs.share <= 0.0 || (p.nodes.size() == 1 && odr.origin == odr.destination)) continue;  // nothing to move
      if (p.nodes.size() < 2 || p.steps.size() + 1 != p.nodes.size() || p.nodes.front() != odr.origin ||
          p.nodes.back() != odr.destination)
        throw InputError("", "OD " + nodes.at(odr.origin).id + " -> " + nodes.at(odr.destination).id,
                         "a route must run from the origin to the destination with one link per step");
      od.routes.push_back(static_cast<std::uint32_t>(route_begin_.size() - 1));
      od.shares.push_back(rs.share / share_sum);
      od.assigned.push_back(0);
      for (std::size_t k = 0; k < p.nodes.size(); ++k) {
        route_nodes_.push_back(static_cast<std::uint32_t>(p.nodes[k]));
        node_used[p.nodes[k]] = 1;
      }
      for (std::size_t k = 0; k < p.steps.size(); ++k) {
        const auto& st = p.steps[k];
        const auto& l = links.at(st.link);
        const std::size_t from = st.forward ? l.from : l.to, to = st.forward ? l.to : l.from;
        if (from != p.nodes[k] || to != p.nodes[k + 1])
          throw InputError("", "link '" + l.id + "'", "a route step does not join the route's nodes");
        const std::uint32_t arc = static_cast<std::uint32_t>(2 * st.link + (st.forward ? 0 : 1));
        route_arcs_.push_back(arc);
        arc_used[arc] = 1;
      }
      route_begin_.push_back(static_cast<std::uint32_t>(route_nodes_.size()));
    }
    od.trains_per_day = odr.teu_per_year / days_per_year_ / teu_per_train;
    od.rng = Random::stream(s_.seed, departures, o);
  }

  // Nodes: defaults from the network. Capacity in trains/day = capacity_teu_per_day / teu_per_train;
  // with dwell_h as the service time, servers = capacity_trains_per_day * dwell_h / 24 (at least 1).
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    NodeModel& m = nodes_[i];
    m.rng = Random::stream(s_.seed, service, i);
    if (!node_used[i]) continue;
    if (n.capacity_teu_per_day && *n.capacity_teu_per_day > 0.0) {
      const double trains_per_day = *n.capacity_teu_per_day / teu_per_train;
      m.server = true;
      if (n.dwell_h > 0.0) {
        m.service_h = n.dwell_h;
        m.servers = std::max(1, static_cast<int>(std::lround(trains_per_day * n.dwell_h / 24.0)));
      } else {
        m.service_h = 24.0 / trains_per_day;
        m.servers = 1;
      }
    } else if (n.dwell_h > 0.0) {
      m.server = true;
      m.servers = 0;
      m.service_h = n.dwell_h;
    }
  }
  for (const auto& ns : s_.nodes) {
    const auto idx = net_.find_node(ns.id.value);
    if (!idx) fail(ns.id, "no node with this id in the network");
    NodeModel& m = nodes_[*idx];
    m.server = true;
    if (ns.service_h) m.service_h = *ns.service_h;
    else if (m.service_h == 0.0) m.service_h = nodes[*idx].dwell_h;
    if (ns.unlimited) m.servers = 0;
    if (ns.servers) m.servers = *ns.servers;
    std::optional<double> trains_per_day = ns.capacity_trains_per_day;
    if (ns.capacity_teu_per_day) trains_per_day = *ns.capacity_teu_per_day / teu_per_train;
    if (trains_per_day) {
      if (m.service_h <= 0.0) m.service_h = 24.0 / *trains_per_day;
      m.servers = std::max(1, static_cast<int>(std::lround(*trains_per_day * m.service_h / 24.0)));
    }
    m.dist = ns.service;
    if (ns.storage_trains) {
      m.storage = *ns.storage_trains;
      m.storage_setting = ns.storage_trains;
    }
  }

  // Links: running time, line capacity, scheduled sailings.
  for (std::size_t li = 0; li < links.size(); ++li) {
    const auto& l = links[li];
    const double run_h = l.length_km / l.speed_kmh.value_or(1.0);
    for (int dir = 0; dir < 2; ++dir) {
      ArcModel& a = arcs_[2 * li + static_cast<std::size_t>(dir)];
      a.run_h = run_h;
      const bool scheduled = (l.mode == network::Mode::ferry || l.mode == network::Mode::sea) && l.wait_h > 0.0;
      if (!scheduled && l.capacity_teu_per_day && *l.capacity_teu_per_day > 0.0)
        a.headway_h = 24.0 / (*l.capacity_teu_per_day / teu_per_train);
    }
  }
  for (const auto& ls : s_.lines) {
    const auto idx = net_.find_link(ls.id.value);
    if (!idx) fail(ls.id, "no link with this id in the network");
    for (int dir = 0; dir < 2; ++dir) arcs_[2 * *idx + static_cast<std::size_t>(dir)].headway_h = 24.0 / ls.trains_per_day;
  }

  // Disruptions: closed periods of nodes (servers hold their queues) and links (trains wait to enter).
  for (const auto& d : s_.disruptions) {
    const double from_h = d.days.from_day * 24.0, to_h = d.days.to_day * 24.0;
    if (const auto n = net_.find_node(d.id.value)) {
      nodes_[*n].server = true;  // a closed node holds trains even where it normally passes them
      nodes_[*n].closures.add(from_h, to_h);
    } else if (const auto l = net_.find_link(d.id.value)) {
      link_closures_[*l].add(from_h, to_h);
    } else {
      fail(d.id, "no node or link with this id in the network");
    }
  }
  for (auto& m : nodes_) m.closures.finish();

  // Ferries: sailings of every scheduled arc that trains use.
  std::vector<const FerrySettings*> ferry_setting(links.size(), nullptr);
  for (const auto& fs : s_.ferries) {
    const auto idx = net_.find_link(fs.id.value);
    if (!idx) fail(fs.id, "no link with this id in the network");
    if (!fs.sailings_per_week && links[*idx].wait_h <= 0.0)
      fail(fs.id, "give sailings_per_week: the link has no wait_h or sailings_per_week to derive them from");
    ferry_setting[*idx] = &fs;
    for (int dir = 0; dir < 2; ++dir) arcs_[2 * *idx + static_cast<std::size_t>(dir)].headway_h = 0.0;
  }
  std::vector<Closures> link_weather(links.size());
  for (std::size_t li = 0; li < links.size(); ++li) {
    const auto& l = links[li];
    const FerrySettings* fs = ferry_setting[li];
    const bool scheduled = fs || ((l.mode == network::Mode::ferry || l.mode == network::Mode::sea) && l.wait_h > 0.0);
    if (!scheduled || !(arc_used[2 * li] || arc_used[2 * li + 1])) continue;
    const double per_week = fs && fs->sailings_per_week ? *fs->sailings_per_week : 84.0 / l.wait_h;
    const double period_h = 168.0 / per_week;
    std::optional<double> capacity;
    if (fs && fs->capacity_teu) capacity = fs->capacity_teu;
    else if (fs && fs->capacity_wagons) capacity = *fs->capacity_wagons * fs->teu_per_wagon;
    else if (l.capacity_teu_per_day) capacity = *l.capacity_teu_per_day * period_h / 24.0;
    if (capacity && *capacity + 1e-9 < teu_per_train) {
      const std::string what = "a sailing carries " + std::to_string(*capacity) + " TEU, less than teu_per_train (" +
                               std::to_string(teu_per_train) + "): no train could board";
      if (fs) fail(fs->id, what);
      throw InputError(net_.sources().links_file, "link '" + l.id + "'", what);
    }
    // Weather: a calendar plus random outages (Poisson starts, exponential durations).
    Closures weather_closures;
    if (fs)
      for (const auto& c : fs->closures) weather_closures.add(c.from_day * 24.0, c.to_day * 24.0);
    const std::optional<WeatherModel> wm = fs && fs->weather ? fs->weather : s_.weather;
    if (wm && wm->outages_per_year > 0.0) {
      Random rng = Random::stream(s_.seed, weather, li);
      const double mean_gap_h = 365.0 * 24.0 / wm->outages_per_year;
      double t = 0.0;
      for (;;) {
        const double start = t + rng.exponential(mean_gap_h);
        if (start >= horizon_h_) break;
        const double end = start + rng.exponential(wm->mean_duration_days * 24.0);
        weather_closures.add(start, end);
        t = end;
      }
    }
    for (const auto& p : link_closures_[li].periods) weather_closures.add(p.first, p.second);
    weather_closures.finish();
    for (int dir = 0; dir < 2; ++dir) {
      const std::uint32_t arc = static_cast<std::uint32_t>(2 * li + static_cast<std::size_t>(dir));
      if (!arc_used[arc]) continue;
      FerryModel f;
      f.arc = arc;
      f.period_h = period_h;
      f.sailings_per_week = per_week;
      f.first_h = std::fmod(fs ? fs->first_sailing_h : 0.0, period_h);
      f.has_capacity = capacity.has_value();
      f.capacity_teu = capacity.value_or(kInf);
      f.closures = weather_closures;
      f.tally.init(days_);
      arcs_[arc].ferry = static_cast<std::uint32_t>(ferries_.size());
      ferries_.push_back(std::move(f));
    }
  }
  for (auto& c : link_closures_) c.finish();
  for (auto& m : nodes_)
    if (m.server) m.tally.init(days_);
  for (std::size_t li = 0; li < links.size(); ++li)
    if (arc_used[2 * li] || arc_used[2 * li + 1]) link_day_trains_[li].assign(days_, 0);
}

// Next departure of an OD, hours; kInf when none before the horizon.
//   daily/weekly: the trains of day d are floor(carry + e_d), e_d = trains_per_day (weekly: scaled
//   by the weekday's weight), the rest carried to the next day; they leave at (d + (k + 0.5) / n) days.
//   poisson: exponential gaps of mean 24 / trains_per_day hours.
double Simulator::next_departure(OdModel& od) {
  if (od.trains_per_day <= 0.0) return kInf;
  const auto& w = s_.timetable.weekday_weights;
  const double wsum = std::accumulate(w.begin(), w.end(), 0.0);
  while (od.day_next >= od.day_count) {
    ++od.day;
    if (static_cast<double>(od.day) * 24.0 >= horizon_h_) return kInf;
    double e = od.trains_per_day;
    if (s_.timetable.kind == TimetableKind::weekly) e *= 7.0 * w[static_cast<std::size_t>(od.day % 7)] / wsum;
    od.carry += e;
    const double n = std::floor(od.carry + 1e-9);
    od.carry -= n;
    od.day_count = static_cast<int>(n);
    od.day_next = 0;
  }
  const double t = (static_cast<double>(od.day) + (od.day_next + 0.5) / od.day_count) * 24.0;
  ++od.day_next;
  return t;
}

void Simulator::release(std::uint32_t o, double t) {
  OdModel& od = ods_[o];
  // Route: the one furthest behind its share (largest share * (n + 1) - assigned); ties to the first.
  std::size_t best = 0;
  double best_gap = -kInf;
  const double n1 = static_cast<double>(od.released + 1);
  for (std::size_t r = 0; r < od.routes.size(); ++r) {
    const double gap = od.shares[r] * n1 - static_cast<double>(od.assigned[r]);
    if (gap > best_gap + 1e-12) {
      best_gap = gap;
      best = r;
    }
  }
  ++od.assigned[best];
  ++od.released;
  std::uint32_t id;
  if (!free_trains_.empty()) {
    id = free_trains_.back();
    free_trains_.pop_back();
  } else {
    id = static_cast<std::uint32_t>(trains_.size());
    trains_.emplace_back();
  }
  Train& tr = trains_[id];
  tr = Train{};
  tr.release_h = t;
  tr.od = o;
  tr.route = od.routes[best];
  tr.pos = 0;
  tr.alive = true;
  if (NodeModel& origin = nodes_[route_nodes_[route_begin_[tr.route]]]; origin.storage < kInf) ++origin.committed;
  // The OD's next train.
  const double next = s_.timetable.kind == TimetableKind::poisson ? t + od.rng.exponential(24.0 / od.trains_per_day)
                                                                   : next_departure(od);
  if (next < horizon_h_) queue_.push(next, EventKind::release, o);
  arrive(id, t);
}

void Simulator::arrive(std::uint32_t id, double t) {
  Train& tr = trains_[id];
  const std::uint32_t node = route_nodes_[route_begin_[tr.route] + tr.pos];
  NodeModel& m = nodes_[node];
  if (!m.server) {
    depart(id, t);
    return;
  }
  touch_node(m, t);
  ++m.arrivals;
  ++m.tally.day_arrivals[day_of(t)];
  ++m.in_node;
  tr.mark_h = t;
  const bool free = m.servers == 0 || m.busy < m.servers;
  if (free && m.queue.empty() && m.closures.open_at(t) == t) {
    start_service(node, id, t);
  } else {
    m.queue.push(id);
    const std::uint32_t q = m.queue.size();
    m.max_queue = std::max(m.max_queue, q);
    auto& dm = m.tally.day_max_queue[day_of(t)];
    dm = std::max(dm, q);
  }
}

void Simulator::start_service(std::uint32_t node, std::uint32_t id, double t) {
  NodeModel& m = nodes_[node];
  Train& tr = trains_[id];
  const double wait = t - tr.mark_h;
  tr.waits.node_queue_h += wait;
  m.wait_sum += wait;
  m.wait_max = std::max(m.wait_max, wait);
  ++m.started;
  const std::size_t d = day_of(t);
  m.tally.day_wait_sum[d] += wait;
  ++m.tally.day_waits[d];
  ++m.busy;
  if (m.storage < kInf) {
    if (m.committed > 0) --m.committed;
    release_held(node, t);
  }
  const double s = m.dist == ServiceDistribution::exponential ? m.rng.exponential(m.service_h) : m.service_h;
  queue_.push(t + s, EventKind::done, id);
}

void Simulator::try_start(std::uint32_t node, double t) {
  NodeModel& m = nodes_[node];
  if (m.closures.open_at(t) != t) return;
  while (!m.queue.empty() && (m.servers == 0 || m.busy < m.servers)) start_service(node, m.queue.pop(), t);
}

void Simulator::service_done(std::uint32_t id, double t) {
  Train& tr = trains_[id];
  const std::uint32_t node = route_nodes_[route_begin_[tr.route] + tr.pos];
  NodeModel& m = nodes_[node];
  touch_node(m, t);
  --m.busy;
  --m.in_node;
  ++m.served;
  m.sojourn_sum += t - tr.mark_h;
  try_start(node, t);
  depart(id, t);
}

void Simulator::depart(std::uint32_t id, double t) {
  Train& tr = trains_[id];
  const std::uint32_t begin = route_begin_[tr.route];
  const std::uint32_t last = route_begin_[tr.route + 1] - 1 - begin;
  if (tr.pos == last) {
    deliver(id, t);
    return;
  }
  const std::uint32_t arc = route_arcs_[begin - tr.route + tr.pos];
  ArcModel& a = arcs_[arc];
  if (a.ferry == kNone) {
    // A yard with storage limits admits a train onto its approach only while it has room:
    // queued trains plus trains on their way there stay within storage_trains.
    const std::uint32_t next = route_nodes_[begin + tr.pos + 1];
    NodeModel& nm = nodes_[next];
    if (nm.storage < kInf) {
      if (static_cast<double>(nm.committed) + 1.0 > nm.storage + 1e-9) {
        tr.mark_h = t;
        nm.held.push(id);
        ++nm.held_count;
        nm.max_held = std::max(nm.max_held, nm.held.size());
        return;
      }
      ++nm.committed;
    }
    enter_line(id, t);
    return;
  }
  ++tr.pos;
  {
    FerryModel& f = ferries_[a.ferry];
    touch_ferry(f, t);
    f.queue.push(id);
    tr.mark_h = t;
    ++f.tally.day_arrivals[day_of(t)];
    const std::uint32_t q = f.queue.size();
    f.max_queue = std::max(f.max_queue, q);
    auto& dm = f.tally.day_max_queue[day_of(t)];
    dm = std::max(dm, q);
    return;
  }
}

void Simulator::release_held(std::uint32_t node, double t) {
  NodeModel& m = nodes_[node];
  while (!m.held.empty() && static_cast<double>(m.committed) + 1.0 <= m.storage + 1e-9) {
    const std::uint32_t id = m.held.pop();
    Train& tr = trains_[id];
    const double hold = t - tr.mark_h;
    tr.waits.node_queue_h += hold;
    m.hold_sum += hold;
    ++m.committed;
    enter_line(id, t);
  }
}

// Line: wait for the link to reopen, then for the next slot (minimum headway after the last train).
void Simulator::enter_line(std::uint32_t id, double t) {
  Train& tr = trains_[id];
  const std::uint32_t arc = route_arcs_[route_begin_[tr.route] - tr.route + tr.pos];
  ArcModel& a = arcs_[arc];
  ++tr.pos;
  const double open = link_closures_[arc / 2].open_at(t);
  const double slot = std::max(open, a.next_free_h);
  if (a.headway_h > 0.0) a.next_free_h = slot + a.headway_h;
  tr.waits.closure_h += open - t;
  tr.waits.line_capacity_h += slot - open;
  if (slot < horizon_h_) {  // link statistics count trains that enter before the horizon
    arc_line_wait_[arc] += slot - t;
    ++arc_trains_[arc];
    arc_teu_[arc] += s_.teu_per_train;
    ++link_day_trains_[arc / 2][day_of(slot)];
    ++movements_;
  }
  queue_.push(slot + a.run_h, EventKind::arrive, id);
}

void Simulator::sail(std::uint32_t fi, double t) {
  FerryModel& f = ferries_[fi];
  touch_ferry(f, t);
  const ArcModel& a = arcs_[f.arc];
  if (f.closures.open_at(t) != t) {
    ++f.cancelled;
  } else {
    ++f.sailings;
    double room = f.capacity_teu;
    double load = 0.0;
    while (!f.queue.empty() && s_.teu_per_train <= room + 1e-9) {
      const std::uint32_t id = f.queue.pop();
      Train& tr = trains_[id];
      const double wait = t - tr.mark_h;
      tr.waits.ferry_h += wait;
      f.wait_sum += wait;
      f.wait_max = std::max(f.wait_max, wait);
      const std::size_t d = day_of(t);
      f.tally.day_wait_sum[d] += wait;
      ++f.tally.day_waits[d];
      ++f.boarded;
      room -= s_.teu_per_train;
      load += s_.teu_per_train;
      NodeModel& dest = nodes_[route_nodes_[route_begin_[tr.route] + tr.pos]];
      if (dest.storage < kInf) ++dest.committed;
      ++arc_trains_[f.arc];
      arc_teu_[f.arc] += s_.teu_per_train;
      ++link_day_trains_[f.arc / 2][day_of(t)];
      ++movements_;
      queue_.push(t + a.run_h, EventKind::arrive, id);
    }
    f.teu_carried += load;
    if (f.has_capacity) f.load_sum += load / f.capacity_teu;
  }
  const double next = t + f.period_h;
  if (next < horizon_h_) queue_.push(next, EventKind::sail, fi);
}

void Simulator::deliver(std::uint32_t id, double t) {
  Train& tr = trains_[id];
  OdModel& od = ods_[tr.od];
  ++od.delivered;
  od.transit_h.push_back(t - tr.release_h);
  od.wait_sum.node_queue_h += tr.waits.node_queue_h;
  od.wait_sum.ferry_h += tr.waits.ferry_h;
  od.wait_sum.line_capacity_h += tr.waits.line_capacity_h;
  od.wait_sum.closure_h += tr.waits.closure_h;
  tr.alive = false;
  free_trains_.push_back(id);
}

DayStats day_stats(const Tally& t, std::size_t d, int servers, double day_hours) {
  DayStats s;
  s.arrivals = t.day_arrivals[d];
  s.mean_queue_trains = t.day_queue_area[d] / day_hours;
  s.max_queue_trains = t.day_max_queue[d];
  s.mean_wait_h = t.day_waits[d] ? t.day_wait_sum[d] / t.day_waits[d] : 0.0;
  s.utilization = servers > 0 ? t.day_busy_area[d] / (servers * day_hours) : 0.0;
  return s;
}

double quantile_sorted(const std::vector<double>& v, double q) {  // nearest rank
  if (v.empty()) return 0.0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

EventResults Simulator::run() {
  // Queues that wait at the start; the first departure of every OD; the first sailings; reopenings.
  for (std::uint32_t o = 0; o < ods_.size(); ++o) {
    OdModel& od = ods_[o];
    if (od.routes.empty() || od.trains_per_day <= 0.0) continue;
    const double first = s_.timetable.kind == TimetableKind::poisson ? od.rng.exponential(24.0 / od.trains_per_day)
                                                                      : next_departure(od);
    if (first < horizon_h_) queue_.push(first, EventKind::release, o);
  }
  for (std::uint32_t f = 0; f < ferries_.size(); ++f)
    if (ferries_[f].first_h < horizon_h_) queue_.push(ferries_[f].first_h, EventKind::sail, f);
  for (std::uint32_t n = 0; n < nodes_.size(); ++n)
    for (const auto& p : nodes_[n].closures.periods)
      if (p.second < horizon_h_) queue_.push(p.second, EventKind::reopen, n);

  std::uint64_t events = 0;
  while (!queue_.empty() && queue_.top().time_h < horizon_h_) {
    const Event e = queue_.pop();
    ++events;
    switch (e.kind) {
      case EventKind::release: release(e.a, e.time_h); break;
      case EventKind::arrive: arrive(e.a, e.time_h); break;
      case EventKind::done: service_done(e.a, e.time_h); break;
      case EventKind::sail: sail(e.a, e.time_h); break;
      case EventKind::reopen:
        touch_node(nodes_[e.a], e.time_h);
        try_start(e.a, e.time_h);
        break;
    }
  }

  EventResults r;
  r.horizon_days = s_.horizon_days;
  r.seed = s_.seed;
  r.teu_per_train = s_.teu_per_train;
  r.events = events;
  r.train_movements = movements_;
  const double H = horizon_h_;
  const double last_day_h = H - static_cast<double>(days_ - 1) * 24.0;

  std::vector<double> in_system(ods_.size(), 0.0);
  for (const auto& tr : trains_)
    if (tr.alive) in_system[tr.od] += s_.teu_per_train;
  for (std::size_t o = 0; o < ods_.size(); ++o) {
    OdModel& od = ods_[o];
    OdEventResult x;
    x.origin = od_routes_[o].origin;
    x.destination = od_routes_[o].destination;
    x.commodity = od_routes_[o].commodity;
    x.demand_teu = od_routes_[o].teu_per_year * s_.horizon_days / days_per_year_;
    x.trains_released = od.released;
    x.trains_delivered = od.delivered;
    x.teu_released = static_cast<double>(od.released) * s_.teu_per_train;
    x.teu_delivered = static_cast<double>(od.delivered) * s_.teu_per_train;
    x.teu_in_system = in_system[o];
    auto& v = od.transit_h;
    if (!v.empty()) {
      std::sort(v.begin(), v.end());
      const double n = static_cast<double>(v.size());
      x.transit_mean_h = std::accumulate(v.begin(), v.end(), 0.0) / n;
      const std::size_t m = v.size() / 2;
      x.transit_median_h = v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
      x.transit_p95_h = quantile_sorted(v, 0.95);
      x.transit_max_h = v.back();
      x.mean_wait = {od.wait_sum.node_queue_h / n, od.wait_sum.ferry_h / n, od.wait_sum.line_capacity_h / n,
                     od.wait_sum.closure_h / n};
    }
    r.od.push_back(std::move(x));
  }
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    NodeModel& m = nodes_[i];
    if (!m.server) continue;
    touch_node(m, H);
    NodeEventResult x;
    x.node = i;
    x.servers = m.servers;
    x.service_h = m.service_h;
    x.storage_trains = m.storage_setting;
    x.arrivals = m.arrivals;
    x.served = m.served;
    x.mean_wait_h = m.started ? m.wait_sum / static_cast<double>(m.started) : 0.0;
    x.max_wait_h = m.wait_max;
    // Trains still queueing at the horizon have waited too: count them in the maximum.
    x.mean_queue_trains = m.tally.queue_area / H;
    x.max_queue_trains = m.max_queue;
    x.mean_in_node_trains = m.tally.in_area / H;
    x.mean_sojourn_h = m.served ? m.sojourn_sum / static_cast<double>(m.served) : 0.0;
    if (m.servers > 0) x.utilization = m.tally.busy_area / (m.servers * H);
    x.hours_over_storage = m.tally.over_storage_h;
    x.trains_held = m.held_count;
    x.mean_hold_h = m.held_count ? m.hold_sum / static_cast<double>(m.held_count) : 0.0;
    x.max_held_trains = m.max_held;
    x.days.reserve(days_);
    for (std::size_t d = 0; d < days_; ++d)
      x.days.push_back(day_stats(m.tally, d, m.servers, d + 1 == days_ ? last_day_h : 24.0));
    r.nodes.push_back(std::move(x));
  }
  for (std::size_t li = 0; li < link_day_trains_.size(); ++li) {
    if (link_day_trains_[li].empty()) continue;
    LinkEventResult x;
    x.link = li;
    x.trains_forward = arc_trains_[2 * li];
    x.trains_backward = arc_trains_[2 * li + 1];
    x.teu = arc_teu_[2 * li] + arc_teu_[2 * li + 1];
    x.scheduled = arcs_[2 * li].ferry != kNone || arcs_[2 * li + 1].ferry != kNone;
    if (!x.scheduled && arcs_[2 * li].headway_h > 0.0) x.trains_per_day_capacity = 24.0 / arcs_[2 * li].headway_h;
    x.trains_per_day = link_day_trains_[li];
    std::uint64_t sum = 0;
    for (auto c : x.trains_per_day) {
      sum += c;
      x.max_trains_per_day = std::max(x.max_trains_per_day, c);
    }
    x.mean_trains_per_day = static_cast<double>(sum) / s_.horizon_days;
    const double n = static_cast<double>(x.trains_forward + x.trains_backward);
    if (!x.scheduled && n > 0) x.mean_line_wait_h = (arc_line_wait_[2 * li] + arc_line_wait_[2 * li + 1]) / n;
    r.links.push_back(std::move(x));
  }
  for (auto& f : ferries_) {
    touch_ferry(f, H);
    FerryEventResult x;
    x.link = f.arc / 2;
    x.forward = f.arc % 2 == 0;
    x.sailings_per_week = f.sailings_per_week;
    if (f.has_capacity) x.capacity_teu = f.capacity_teu;
    x.sailings = f.sailings;
    x.cancelled = f.cancelled;
    x.teu_carried = f.teu_carried;
    x.mean_load_factor = f.has_capacity && f.sailings ? f.load_sum / static_cast<double>(f.sailings) : 0.0;
    x.mean_wait_h = f.boarded ? f.wait_sum / static_cast<double>(f.boarded) : 0.0;
    x.max_wait_h = f.wait_max;
    x.closed_days = f.closures.closed_hours(H) / 24.0;
    for (std::size_t d = 0; d < days_; ++d)
      x.days.push_back(day_stats(f.tally, d, 0, d + 1 == days_ ? last_day_h : 24.0));
    r.ferries.push_back(std::move(x));
  }
  return r;
}

freight::Path path_through(const Network& net, const FixedRoute& fr) {
  freight::Path p;
  for (const auto& id : fr.nodes) {
    const auto n = net.find_node(id.value);
    if (!n) throw InputError(id.file, "line " + std::to_string(id.line) + ", key 'nodes'", "no node '" + id.value + "' in the network");
    p.nodes.push_back(*n);
  }
  for (std::size_t k = 0; k + 1 < p.nodes.size(); ++k) {
    std::optional<freight::Step> best;
    double best_km = kInf;
    for (std::size_t li = 0; li < net.links().size(); ++li) {
      const auto& l = net.links()[li];
      if (l.closed || l.mode == network::Mode::pipeline) continue;
      std::optional<freight::Step> st;
      if (l.from == p.nodes[k] && l.to == p.nodes[k + 1]) st = freight::Step{li, true};
      else if (!l.directed && l.to == p.nodes[k] && l.from == p.nodes[k + 1]) st = freight::Step{li, false};
      if (st && l.length_km < best_km) {
        best = st;
        best_km = l.length_km;
      }
    }
    if (!best)
      throw InputError(fr.nodes[k + 1].file, "line " + std::to_string(fr.nodes[k + 1].line) + ", key 'nodes'",
                       "no open link from '" + fr.nodes[k].value + "' to '" + fr.nodes[k + 1].value + "'");
    p.steps.push_back(*best);
    p.length_km += best_km;
  }
  return p;
}

}  // namespace

std::vector<OdRoutes> routes_from_assignment(const Network& net, const freight::FreightResults& freight,
                                             const EventSettings& settings) {
  std::vector<std::pair<std::pair<std::size_t, std::size_t>, freight::Path>> fixed;
  for (const auto& fr : settings.routes) {
    freight::Path p = path_through(net, fr);
    fixed.push_back({{p.nodes.front(), p.nodes.back()}, std::move(p)});
  }
  std::vector<OdRoutes> out;
  for (const auto& od : freight.od) {
    OdRoutes r;
    r.origin = od.origin;
    r.destination = od.destination;
    r.commodity = od.commodity;
    const freight::Path* path = nullptr;
    r.teu_per_year = od.assigned_teu_per_year;
    for (const auto& [ends, p] : fixed)
      if (ends.first == od.origin && ends.second == od.destination) {
        path = &p;
        r.teu_per_year = od.demand_teu_per_year;
      }
    if (r.teu_per_year <= 0.0) continue;
    if (path) {
      r.routes.push_back({*path, 1.0});
    } else {
      // The assignment's routes with their shares (all-or-nothing: one route, share 1).
      for (const auto& shared : od.routes) r.routes.push_back({shared.path, shared.share});
      if (r.routes.empty() && od.route) r.routes.push_back({*od.route, 1.0});
    }
    if (r.routes.empty()) continue;
    out.push_back(std::move(r));
  }
  return out;
}

EventResults simulate(const Network& net, const scenario::Scenario& scenario, const std::vector<OdRoutes>& routes,
                      const EventSettings& settings) {
  Simulator sim(net, scenario, routes, settings);
  return sim.run();
}

}  // namespace corridor::events
