// The gas part of a run's results: the gas network of the scenario solved under its `gas:` section,
// the capacity studies it asks for, and every figure the outputs show, computed once here in planners'
// units (bar absolute, mcm/day and bcm/year at 0 degC and 1.01325 bar, MW): supplies and deliveries,
// station settings and power, pressures and their margins, limit violations, maximum throughput, N-1,
// and the values of every pipeline link and gas node (links.geojson, nodes.geojson, gas_pipes.csv,
// gas_nodes.csv, summary.json "gas"). Writers only format them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/gas/settings.hpp"
#include "sim/network/network.hpp"

namespace corridor::run {

/// A supply or delivery at one gas node (slack nodes included).
struct GasFlow {
  std::string node;
  double mcm_per_day = 0.0;   ///< magnitude
  double bcm_per_year = 0.0;  ///< magnitude
  std::optional<double> nominated_mcm_per_day;  ///< magnitude, when the scenario nominated it
  bool slack = false;
};

struct GasStation {
  std::string id;
  gas::CompressorState state = gas::CompressorState::active;
  double inlet_bar = 0.0, outlet_bar = 0.0, ratio = 1.0;
  double flow_mcm_per_day = 0.0, power_mw = 0.0, fuel_mcm_per_day = 0.0;
};

/// A pressure and where it is.
struct GasPressureAt {
  std::string node;
  double bar = 0.0;
};

/// The maximum throughput study (scaled offtakes and supplies).
struct GasCapacity {
  std::vector<std::string> scaled;  ///< gas node ids
  double scale = 0.0;               ///< largest feasible multiplier of the nominal scaled injections
  double nominal_offtake_mcm_per_day = 0.0;
  double max_offtake_mcm_per_day = 0.0;
  double max_offtake_bcm_per_year = 0.0;
  std::optional<double> max_scaled_supply_mcm_per_day;  ///< when supplies are scaled too
  std::string binding;                                  ///< what stops more flow, in words
  std::optional<std::string> binding_element;           ///< the id of the binding node, pipe or station
  std::string binding_kind;  ///< a gas::Violation kind name, "no_steady_state" or "none"
  std::vector<std::string> compressors_at_ratio_limit;
  int solves = 0;
};

/// One outage of the N-1 study.
struct GasContingency {
  std::string outage;  ///< "line A", "station 'UCS'", ...
  double deliverable_mcm_per_day = 0.0;
  double deliverable_bcm_per_year = 0.0;
  double share_of_nominal = 0.0;  ///< deliverable / nominal scaled offtake
  double max_scale = 0.0;
  double islanded_mcm_per_day = 0.0;
  std::string binding;  ///< what limits the deliverable, in words (never empty)
};

/// Values of a network link that is a gas element (pipe, resistor, valve, short pipe, control valve).
struct GasLinkValues {
  std::string element;  ///< pipe, resistor, valve, short_pipe, control_valve
  double flow_kg_per_s = 0.0, flow_mcm_per_day = 0.0, flow_bcm_per_year = 0.0;  ///< from -> to positive; NaN isolated
  double pressure_in_bar = 0.0, pressure_out_bar = 0.0;                        ///< at from and to; NaN isolated
  std::optional<double> velocity_m_per_s, velocity_in_m_per_s, velocity_out_m_per_s, reynolds, friction_factor;  ///< pipes
  std::optional<double> capacity_bcm_per_year;  ///< the link's attribute, when given
  std::optional<double> utilization;            ///< |flow| / capacity
  bool closed = false;
};

/// Values of a gas node (compressor stations: their inlet; outlets are nodes of their own).
struct GasNodeValues {
  std::string id;
  std::string kind;  ///< the network node's kind, or compressor_outlet
  std::optional<std::size_t> network_node;  ///< the network node it stands for
  double pressure_bar = 0.0;                ///< NaN when isolated
  std::optional<double> pressure_min_bar, pressure_max_bar;
  std::optional<double> margin_above_min_bar;
  double injection_mcm_per_day = 0.0, injection_bcm_per_year = 0.0;  ///< supply > 0, offtake < 0
  std::optional<double> nominated_mcm_per_day;  ///< signed like the injection
  bool slack = false;
  std::string violation;                     ///< below_min, above_max or ""
  std::optional<std::size_t> station;        ///< index into GasResults::stations when this is a station inlet
};

/// The optimiser's choice (gas: {mode: optimize}), in planners' units.
struct GasOptimisedStation {
  std::string id;
  std::string state;  ///< active, bypass, closed, ...
  double ratio = 1.0, inlet_bar = 0.0, outlet_bar = 0.0, flow_mcm_per_day = 0.0, power_mw = 0.0, fuel_mcm_per_day = 0.0;
};
struct GasOptimisedValve {
  std::string id;
  std::string kind;   ///< valve or control_valve
  std::string state;  ///< active, bypass, closed
  double outlet_bar = 0.0, pressure_drop_bar = 0.0, flow_mcm_per_day = 0.0;
};
/// A constraint at its limit and its shadow price (the objective's change per unit of the limit).
struct GasBindingLimit {
  std::string element, limit;
  double value = 0.0;      ///< the limit, in value_unit
  std::string value_unit;  ///< bar, MW, kg/s or ""
  double shadow_price = 0.0;
  std::string shadow_price_unit;
};
struct GasOptimisation {
  std::string objective;  ///< compressor_power, fuel or max_delivery
  bool feasible = false;
  double objective_value = 0.0;  ///< in objective_unit
  std::string objective_unit;    ///< MW, kg/s or "x nominal"
  std::vector<GasOptimisedStation> stations;
  std::vector<GasOptimisedValve> valves;  ///< valves and control valves
  std::vector<GasBindingLimit> binding;   ///< largest |shadow price| first
  int nlp_solves = 0;
  double pressure_agreement = 0.0, flow_agreement = 0.0;  ///< relative, optimiser against re-simulation
  double flow_difference_kg_per_s = 0.0;
};

struct GasResults {
  gas::GasSettings settings;
  gas::GasCase gas_case;
  gas::GasStudy study;
  std::string standard_conditions = "0 degC, 1.01325 bar; bcm/year over 365 days";
  std::vector<GasFlow> supplies, deliveries;
  double supply_mcm_per_day = 0.0, supply_bcm_per_year = 0.0;
  double delivered_mcm_per_day = 0.0, delivered_bcm_per_year = 0.0;
  std::vector<GasStation> stations;
  double compressor_power_mw = 0.0, compressor_fuel_mcm_per_day = 0.0;
  std::optional<GasPressureAt> pressure_lowest, pressure_highest, min_pressure_margin;
  std::vector<std::string> violations;  ///< every limit violation, in words
  std::size_t pressure_violations = 0;  ///< of node pressure bounds
  std::optional<GasCapacity> capacity;
  std::vector<GasContingency> n_minus_1;
  std::optional<GasOptimisation> optimisation;      ///< gas: {mode: optimize}; the figures above are the optimised state's
  std::vector<std::optional<GasLinkValues>> links;  ///< per network link (gas elements only)
  std::vector<GasNodeValues> nodes;                 ///< per gas node
  /// Per network node: the gas node standing for it, and for a compressor node its outlet.
  std::vector<std::optional<std::size_t>> node_of, outlet_of;
};

/// Builds the gas case of `net` (scenario edits applied), solves it, runs the capacity studies when
/// `with_capacity`, and computes every reported figure. Throws InputError (ids the network does not
/// have) or SolverError (no steady state at the nomination: names the worst node).
GasResults solve_gas(const network::Network& net, const gas::GasSettings& settings, bool with_capacity = true);

}  // namespace corridor::run
