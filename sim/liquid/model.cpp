#include "sim/liquid/model.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>
#include <unordered_set>

#include "geo/error.hpp"
#include "sim/gas/element_lookup.hpp"
#include "sim/liquid/units.hpp"

namespace corridor::liquid {

using gas::find_by_id;
using gas::positive_finite;

std::string_view to_string(PumpState state) {
  switch (state) {
    case PumpState::running: return "running";
    case PumpState::throttled: return "throttled";
    case PumpState::bypass: return "bypass";
    case PumpState::off: return "off";
    case PumpState::check: return "check_valve_closed";
  }
  return "running";
}

PumpCurve PumpCurve::fit(std::string name, const std::vector<std::pair<double, double>>& points, int degree) {
  if (degree < 0 || points.size() < static_cast<std::size_t>(degree) + 1)
    throw std::invalid_argument("a pump curve of degree " + std::to_string(degree) + " needs at least " +
                                std::to_string(degree + 1) + " points");
  const auto n = static_cast<Eigen::Index>(points.size());
  Eigen::MatrixXd a(n, degree + 1);
  Eigen::VectorXd b(n);
  PumpCurve c;
  c.name = std::move(name);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto& [q, p] = points[static_cast<std::size_t>(i)];
    double pw = 1.0;
    for (int k = 0; k <= degree; ++k, pw *= q) a(i, k) = pw;
    b(i) = p;
    c.flow_max_m3_per_h = std::max(c.flow_max_m3_per_h, q);
  }
  const Eigen::VectorXd x = a.colPivHouseholderQr().solve(b);
  c.coefficients.assign(x.data(), x.data() + x.size());
  return c;
}

double PumpCurve::lift_bar(double q) const {
  double r = 0.0;
  for (auto it = coefficients.rbegin(); it != coefficients.rend(); ++it) r = r * q + *it;  // Horner
  return r;
}

double PumpCurve::dlift_bar_per_m3h(double q) const {
  double r = 0.0;
  for (std::size_t k = coefficients.size(); k-- > 1;) r = r * q + static_cast<double>(k) * coefficients[k];
  return r;
}

double PumpStation::lift_pa(double q_m3_per_s) const {
  const double unit_q = m3_per_h_from_m3_per_s(q_m3_per_s) / (parallel * speed);
  return pa_from_bar(series * speed * speed * curve.lift_bar(unit_q));
}

double PumpStation::dlift_pa_per_m3s(double q_m3_per_s) const {
  const double unit_q = m3_per_h_from_m3_per_s(q_m3_per_s) / (parallel * speed);
  return pa_from_bar(series * speed * speed * curve.dlift_bar_per_m3h(unit_q)) * 3600.0 / (parallel * speed);
}

double Fluid::viscosity_at(double t_k) const {
  if (walther.size() != 2) return viscosity_pa_s;
  // log10(log10(nu + 0.7)) = A - B log10(T), ASTM D341 (nu in mm2/s = cSt).
  auto ww = [](double nu) { return std::log10(std::log10(nu + 0.7)); };
  const double x1 = std::log10(walther[0].temperature_k), x2 = std::log10(walther[1].temperature_k);
  const double y1 = ww(walther[0].kinematic_mm2_per_s), y2 = ww(walther[1].kinematic_mm2_per_s);
  const double b = (y1 - y2) / (x2 - x1);
  const double a = y1 + b * x1;
  const double nu_mm2 = std::pow(10.0, std::pow(10.0, a - b * std::log10(t_k))) - 0.7;
  return nu_mm2 * 1e-6 * density_kg_per_m3;
}

std::optional<std::size_t> LiquidNetwork::find_node(std::string_view id) const { return find_by_id(nodes, id); }
std::optional<std::size_t> LiquidNetwork::find_pipe(std::string_view id) const { return find_by_id(pipes, id); }
std::optional<std::size_t> LiquidNetwork::find_pump(std::string_view id) const { return find_by_id(pumps, id); }

std::size_t LiquidNetwork::add_node(std::string id, double height_m, double injection_kg_per_s) {
  Node n;
  n.id = std::move(id);
  n.height_m = height_m;
  n.injection_kg_per_s = injection_kg_per_s;
  nodes.push_back(std::move(n));
  return nodes.size() - 1;
}

std::size_t LiquidNetwork::add_pipe(std::string id, std::size_t from, std::size_t to, double length_m,
                                    double diameter_m, double roughness_m) {
  Pipe p;
  p.id = std::move(id);
  p.from = from;
  p.to = to;
  p.length_m = length_m;
  p.diameter_m = diameter_m;
  p.roughness_m = roughness_m;
  pipes.push_back(std::move(p));
  return pipes.size() - 1;
}

std::size_t LiquidNetwork::add_pump(std::string id, std::size_t from, std::size_t to, PumpCurve curve) {
  PumpStation s;
  s.id = std::move(id);
  s.from = from;
  s.to = to;
  s.curve = std::move(curve);
  pumps.push_back(std::move(s));
  return pumps.size() - 1;
}

void LiquidNetwork::validate(const std::string& source) const {
  ProblemList problems;
  auto where = [](std::string_view kind, const std::string& id) { return std::string(kind) + " '" + id + "'"; };
  if (!positive_finite(fluid.density_kg_per_m3)) problems.add(source, "fluid", "density must be positive (kg/m3)");
  if (fluid.walther.empty() && !positive_finite(fluid.viscosity_pa_s))
    problems.add(source, "fluid", "viscosity must be positive (Pa s)");
  if (!fluid.walther.empty()) {
    if (fluid.walther.size() != 2) problems.add(source, "fluid", "the Walther viscosity relation takes exactly two points");
    else if (fluid.walther[0].temperature_k == fluid.walther[1].temperature_k)
      problems.add(source, "fluid", "the two viscosity points must be at different temperatures");
    for (const auto& p : fluid.walther)
      if (!positive_finite(p.temperature_k) || !positive_finite(p.kinematic_mm2_per_s))
        problems.add(source, "fluid", "viscosity points need a positive temperature and viscosity");
  }
  std::unordered_set<std::string> ids;
  for (const auto& n : nodes) {
    if (!ids.insert(n.id).second) problems.add(source, where("node", n.id), "duplicate node id");
    if (!std::isfinite(n.injection_kg_per_s)) problems.add(source, where("node", n.id), "injection is not finite");
    if (!std::isfinite(n.height_m)) problems.add(source, where("node", n.id), "height is not finite");
  }
  const std::size_t nn = nodes.size();
  auto check_ends = [&](std::string_view kind, const std::string& id, std::size_t from, std::size_t to) {
    if (from >= nn || to >= nn) problems.add(source, where(kind, id), "end node index out of range");
    else if (from == to) problems.add(source, where(kind, id), "starts and ends at the same node");
  };
  ids.clear();
  for (const auto& p : pipes) {
    if (!ids.insert(p.id).second) problems.add(source, where("pipe", p.id), "duplicate pipe id");
    check_ends("pipe", p.id, p.from, p.to);
    if (!positive_finite(p.length_m)) problems.add(source, where("pipe", p.id), "length must be positive");
    if (!positive_finite(p.diameter_m)) problems.add(source, where("pipe", p.id), "diameter must be positive");
    if (!(p.roughness_m >= 0.0) || !std::isfinite(p.roughness_m))
      problems.add(source, where("pipe", p.id), "roughness must be zero or positive");
    if (friction == FrictionModel::fixed && !p.friction_factor)
      problems.add(source, where("pipe", p.id), "the fixed friction model needs a friction factor per pipe");
  }
  ids.clear();
  for (const auto& s : pumps) {
    if (!ids.insert(s.id).second) problems.add(source, where("pump station", s.id), "duplicate pump station id");
    check_ends("pump station", s.id, s.from, s.to);
    if (s.curve.coefficients.empty()) problems.add(source, where("pump station", s.id), "has no pump curve");
    if (s.series < 1 || s.parallel < 1)
      problems.add(source, where("pump station", s.id), "needs at least one unit in series and in parallel");
    if (!positive_finite(s.speed)) problems.add(source, where("pump station", s.id), "speed must be positive");
    if (!positive_finite(s.efficiency) || s.efficiency > 1.0)
      problems.add(source, where("pump station", s.id), "efficiency must be in (0, 1]");
  }
  for (const auto& v : valves) check_ends("valve", v.id, v.from, v.to);
  problems.throw_if_any();
}

}  // namespace corridor::liquid
