#include "sim/freight/equilibrium_problem.hpp"

#include <cmath>
#include <string>

#include "geo/error.hpp"

namespace corridor::freight {

namespace {

double ipow(double x, int n) {
  double r = 1.0;
  for (int i = 0; i < n; ++i) r *= x;
  return r;
}

}  // namespace

VolumeDelay::VolumeDelay(const LinkSpec& link)
    : function_(link.function), t0_(link.free_flow_time), capacity_(link.capacity), alpha_(link.alpha),
      beta_(link.beta) {
  if (function_ == DelayFunction::bpr) {
    k_ = t0_ * alpha_ / std::pow(capacity_, beta_);
    if (beta_ >= 1.0 && beta_ <= 8.0 && beta_ == std::floor(beta_)) integer_beta_ = static_cast<int>(beta_);
  } else {
    conical_b_ = (2.0 * alpha_ - 1.0) / (2.0 * alpha_ - 2.0);
  }
}

double VolumeDelay::time(double v) const {
  if (function_ == DelayFunction::bpr) {
    // t = t0 + k v^beta, k = t0 alpha / c^beta
    if (v <= 0.0 || k_ == 0.0) return t0_;
    return t0_ + k_ * (integer_beta_ >= 0 ? ipow(v, integer_beta_) : std::pow(v, beta_));
  }
  // conical: t = t0 (2 + sqrt(a^2 (1-x)^2 + b^2) - a (1-x) - b)
  const double y = alpha_ * (1.0 - v / capacity_);
  return t0_ * (2.0 + std::sqrt(y * y + conical_b_ * conical_b_) - y - conical_b_);
}

double VolumeDelay::slope(double v) const {
  if (function_ == DelayFunction::bpr) {
    // dt/dv = k beta v^(beta - 1)
    if (v <= 0.0 || k_ == 0.0) return 0.0;
    return k_ * beta_ * (integer_beta_ >= 1 ? ipow(v, integer_beta_ - 1) : std::pow(v, beta_ - 1.0));
  }
  // dt/dv = (t0 / c) (a - a y / sqrt(y^2 + b^2)), y = a (1 - x)
  const double y = alpha_ * (1.0 - v / capacity_);
  return t0_ / capacity_ * (alpha_ - alpha_ * y / std::sqrt(y * y + conical_b_ * conical_b_));
}

double VolumeDelay::curvature(double v) const {
  if (function_ == DelayFunction::bpr) {
    // d2t/dv2 = k beta (beta - 1) v^(beta - 2)
    if (v <= 0.0 || k_ == 0.0 || beta_ == 1.0) return 0.0;
    return k_ * beta_ * (beta_ - 1.0) *
           (integer_beta_ >= 2 ? ipow(v, integer_beta_ - 2) : std::pow(v, beta_ - 2.0));
  }
  // d2t/dv2 = (t0 / c^2) a^2 b^2 / (y^2 + b^2)^(3/2)
  const double y = alpha_ * (1.0 - v / capacity_);
  const double s = y * y + conical_b_ * conical_b_;
  return t0_ / (capacity_ * capacity_) * alpha_ * alpha_ * conical_b_ * conical_b_ / (s * std::sqrt(s));
}

double VolumeDelay::integral(double v) const {
  if (function_ == DelayFunction::bpr) {
    // int_0^v t = t0 v + k v^(beta+1) / (beta + 1)
    if (v <= 0.0) return 0.0;
    return t0_ * v + k_ * (integer_beta_ >= 0 ? ipow(v, integer_beta_ + 1) : std::pow(v, beta_ + 1.0)) / (beta_ + 1.0);
  }
  // int_0^v t = t0 c (F(x) - F(0)), F(x) = (2 - b) x - (y S + b^2 ln(y + S)) / (2 a) + a (1 - x)^2 / 2,
  // y = a (1 - x), S = sqrt(y^2 + b^2)
  const double b = conical_b_;
  auto F = [&](double x) {
    const double y = alpha_ * (1.0 - x);
    const double s = std::sqrt(y * y + b * b);
    return (2.0 - b) * x - (y * s + b * b * std::log(y + s)) / (2.0 * alpha_) + alpha_ * (1.0 - x) * (1.0 - x) / 2.0;
  };
  return t0_ * capacity_ * (F(v / capacity_) - F(0.0));
}

void AssignmentProblem::validate() const {
  ProblemList problems;
  const std::string file = name;
  auto link_where = [](std::size_t a) { return "link " + std::to_string(a + 1); };
  if (classes.empty()) problems.add(file, "", "the assignment problem has no travel class");
  for (std::size_t a = 0; a < links.size(); ++a) {
    const LinkSpec& l = links[a];
    if (l.from >= node_count || l.to >= node_count)
      problems.add(file, link_where(a), "end node out of range (network has " + std::to_string(node_count) + " nodes)");
    if (l.from == l.to) problems.add(file, link_where(a), "link starts and ends at the same node");
    if (!(l.free_flow_time >= 0.0) || !std::isfinite(l.free_flow_time))
      problems.add(file, link_where(a), "free-flow time must be finite and >= 0");
    if (!(l.capacity > 0.0) || !std::isfinite(l.capacity))
      problems.add(file, link_where(a), "capacity must be finite and > 0");
    if (!(l.fixed_time >= 0.0)) problems.add(file, link_where(a), "fixed time must be >= 0");
    if (l.function == DelayFunction::bpr) {
      if (!(l.alpha >= 0.0)) problems.add(file, link_where(a), "BPR alpha (b) must be >= 0");
      if (!(l.beta >= 1.0)) problems.add(file, link_where(a), "BPR power must be >= 1");
    } else if (!(l.alpha > 1.0)) {
      problems.add(file, link_where(a), "conical alpha must be > 1");
    }
  }
  for (std::size_t k = 0; k < classes.size(); ++k) {
    const TravelClass& c = classes[k];
    if (!c.allowed_links.empty() && c.allowed_links.size() != links.size())
      problems.add(file, "class '" + c.name + "'", "allowed-link list does not have one entry per link");
    for (std::size_t a = 0; a < links.size(); ++a) {
      if (fixed_cost(k, a) < 0.0) {
        problems.add(file, "class '" + c.name + "', " + link_where(a), "negative generalized cost");
        break;
      }
    }
  }
  for (std::size_t i = 0; i < demand.size(); ++i) {
    const OdDemand& d = demand[i];
    const std::string where = "OD " + std::to_string(d.origin + 1) + " -> " + std::to_string(d.destination + 1);
    if (d.origin >= node_count || d.destination >= node_count) problems.add(file, where, "node out of range");
    if (d.travel_class >= classes.size()) problems.add(file, where, "unknown travel class");
    if (!(d.demand >= 0.0) || !std::isfinite(d.demand)) problems.add(file, where, "demand must be finite and >= 0");
  }
  problems.throw_if_any();
}

}  // namespace corridor::freight
