// The static traffic/freight assignment problem, in plain data: links with volume-delay functions,
// travel classes (commodities) with their own cost weights and allowed links, and OD demand.
//
// Units are the caller's and must be consistent: times in one time unit (minutes for TNTP road networks,
// hours for the corridors), flows in one flow unit per period (vehicles per hour, TEU per day), capacity in
// the same flow unit. Generalized cost is expressed in the time unit:
//   c_ka(v_a) = t_a(v_a) + g_ka,   g_ka = fixed_time_a + toll_weight_k * toll_a + length_weight_k * length_a
// where v_a is the total flow on link a (all classes share the capacity) and t_a is its volume-delay function.
//
// Node delays (border crossings, gauge-change yards, ports with a handling capacity) are modelled by the
// caller as extra links with their own delay function: every link here is generic.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace corridor::freight {

/// Shape of a link's volume-delay function.
enum class DelayFunction {
  /// BPR: t(v) = t0 (1 + alpha (v / c)^beta). Requires beta >= 1.
  bpr,
  /// Spiess (1990) conical: t(v) = t0 (2 + sqrt(alpha^2 (1 - x)^2 + b^2) - alpha (1 - x) - b), x = v / c,
  /// b = (2 alpha - 1) / (2 alpha - 2). Requires alpha > 1 (beta is not used). t(0) = t0, t(c) = 2 t0.
  conical,
};

/// One directed link.
struct LinkSpec {
  std::size_t from = 0;           ///< tail node index
  std::size_t to = 0;             ///< head node index
  double free_flow_time = 0.0;    ///< t0, in the problem's time unit; >= 0
  double capacity = 1.0;          ///< c, in the problem's flow unit per period; > 0
  double alpha = 0.15;            ///< BPR b (TNTP "b"), or the conical alpha
  double beta = 4.0;              ///< BPR power
  DelayFunction function = DelayFunction::bpr;
  double toll = 0.0;              ///< money per flow unit (cents, USD per TEU), weighted per class
  double length = 0.0;            ///< distance (miles, km), weighted per class
  double fixed_time = 0.0;        ///< flow-independent time added for every class (dwell, waiting)
};

/// A class of users or a commodity: its own value of time (as weights) and the links it may use.
struct TravelClass {
  std::string name;
  double toll_weight = 0.0;    ///< time units per money unit (1 / value of time)
  double length_weight = 0.0;  ///< time units per length unit (distance-related cost as time)
  /// Links this class may use, by link index; empty means every link.
  std::vector<bool> allowed_links;
};

/// Demand of one class from one origin node to one destination node, in flow units per period.
struct OdDemand {
  std::size_t origin = 0;
  std::size_t destination = 0;
  std::size_t travel_class = 0;
  double demand = 0.0;
};

/// The whole problem. Check it with `validate()` (the solvers call it).
struct AssignmentProblem {
  std::string name;             ///< used in error messages
  std::size_t node_count = 0;
  /// Nodes with an index below this may be origins or destinations but may not be passed through
  /// (TNTP <FIRST THRU NODE>, converted to a 0-based index). 0: every node may be passed through.
  std::size_t first_thru_node = 0;
  std::vector<LinkSpec> links;
  std::vector<TravelClass> classes;  ///< at least one
  std::vector<OdDemand> demand;

  /// Throws corridor::InputError naming the link, class or OD at fault.
  void validate() const;

  /// Fixed generalized cost g_ka of link `a` for class `k`, in time units.
  [[nodiscard]] double fixed_cost(std::size_t k, std::size_t a) const {
    const LinkSpec& l = links[a];
    return l.fixed_time + classes[k].toll_weight * l.toll + classes[k].length_weight * l.length;
  }
  [[nodiscard]] bool allows(std::size_t k, std::size_t a) const {
    const auto& allowed = classes[k].allowed_links;
    return allowed.empty() || allowed[a];
  }
};

/// Volume-delay function of one link: time, and its first and second derivatives in flow.
class VolumeDelay {
public:
  VolumeDelay() = default;
  explicit VolumeDelay(const LinkSpec& link);

  /// t(v), in time units.
  [[nodiscard]] double time(double v) const;
  /// dt/dv.
  [[nodiscard]] double slope(double v) const;
  /// d2t/dv2.
  [[nodiscard]] double curvature(double v) const;
  /// Integral of t from 0 to v (the link's term of the Beckmann objective).
  [[nodiscard]] double integral(double v) const;

private:
  DelayFunction function_ = DelayFunction::bpr;
  double t0_ = 0.0;
  double capacity_ = 1.0;
  double alpha_ = 0.0;
  double beta_ = 1.0;
  double k_ = 0.0;       ///< BPR: t0 alpha / c^beta
  double conical_b_ = 0.0;
  int integer_beta_ = -1;  ///< beta when it is a small integer (fast powers), else -1
};

}  // namespace corridor::freight
