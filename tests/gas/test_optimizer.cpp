// sim/gas optimiser (optimizer.hpp) against cases solved by hand: ideal gas (Z = 1), a fixed friction
// factor and no heights, so that a pipe obeys p_in^2 - p_out^2 = K mdot^2 with K = lambda L/D R_s T / A^2,
// and a station's isentropic power is mdot R_s T / (eta alpha) (r^alpha - 1), alpha = (kappa-1)/kappa.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/gas/optimizer.hpp"

using namespace corridor::gas;

namespace {

constexpr double pi = 3.14159265358979323846;
constexpr double lambda = 0.01;

Gas ideal_gas() {
  Gas g = Gas::from_specific_gravity(0.6, 288.15);
  g.law = GasLaw::ideal;
  return g;
}

/// K of one pipe of the hand law, Pa^2 / (kg/s)^2.
double pipe_k(const Gas& gas, double length_m, double diameter_m) {
  const double area = pi * diameter_m * diameter_m / 4.0;
  return lambda * length_m / diameter_m * gas.specific_gas_constant() * gas.temperature_k / (area * area);
}

/// Isentropic station power, W (efficiency 0.8, the model's default).
double station_power_w(const Gas& gas, double flow_kg_per_s, double ratio) {
  const double alpha = (gas.heat_capacity_ratio - 1.0) / gas.heat_capacity_ratio;
  return flow_kg_per_s * gas.specific_gas_constant() * gas.temperature_k / (0.8 * alpha) * (std::pow(ratio, alpha) - 1.0);
}

std::size_t add_pipe(GasNetwork& net, const std::string& id, std::size_t a, std::size_t b, double length_m, double d_m) {
  const auto p = net.add_pipe(id, a, b, length_m, d_m);
  net.pipes[p].friction_factor = lambda;
  return p;
}

/// S (held at 50 bar) -> station C (ratio <= ratio_max) -> O -> 100 km of 500 mm -> T (offtake, >= 45 bar).
GasNetwork pipe_with_station(double offtake_kg_per_s, double ratio_max) {
  GasNetwork net;
  net.gas = ideal_gas();
  net.friction = FrictionModel::fixed;
  const auto s = net.add_node("S");
  net.nodes[s].pressure_set_pa = pa_from_bar(50.0);
  net.nodes[s].entry = true;
  const auto o = net.add_node("O");
  const auto t = net.add_node("T", -offtake_kg_per_s);
  net.nodes[t].pressure_min_pa = pa_from_bar(45.0);
  const auto c = net.add_compressor("C", s, o, CompressorMode::ratio, 1.0);
  net.compressors[c].ratio_max = ratio_max;
  add_pipe(net, "P", o, t, 100e3, 0.5);
  return net;
}

}  // namespace

TEST_CASE("one pipe with one compressor runs at the smallest ratio that meets the outlet bound", "[gas][optimizer]") {
  const double m = 50.0;
  const auto net = pipe_with_station(m, 2.0);
  const auto r = optimise(net);
  REQUIRE(r.feasible);
  // By hand: p_T = 45 bar (the bound), p_O^2 = p_T^2 + K m^2, ratio = p_O / 50 bar.
  const double k = pipe_k(net.gas, 100e3, 0.5);
  const double p_t = pa_from_bar(45.0), p_o = std::sqrt(p_t * p_t + k * m * m);
  const double ratio = p_o / pa_from_bar(50.0);
  CHECK(r.stations[0].state == ControlState::active);
  CHECK(r.stations[0].ratio == Approx(ratio).epsilon(1e-6));
  CHECK(r.objective_value == Approx(station_power_w(net.gas, m, ratio)).epsilon(1e-6));
  CHECK(r.solution.pressure_pa[2] >= p_t * (1 - 1e-12));
  CHECK(r.solution.pressure_pa[2] == Approx(p_t).epsilon(1e-6));
  CHECK(r.solution.violations.empty());
  // The simulator with the chosen ratio reproduces the optimiser's state.
  CHECK(r.pressure_agreement < 1e-6);
  CHECK(r.flow_agreement < 1e-6);

  // The delivery pressure binds; its shadow price is dP/dp_T = m R T/eta r^(alpha-1) dr/dp_T (MW per bar).
  REQUIRE(!r.binding.empty());
  CHECK(r.binding.front().element == "node 'T'");
  CHECK(r.binding.front().limit == "pressure_min");
  const double alpha = (net.gas.heat_capacity_ratio - 1.0) / net.gas.heat_capacity_ratio;
  const double dr_dpt = p_t / (p_o * pa_from_bar(50.0));
  const double dp_dpt = m * net.gas.specific_gas_constant() * net.gas.temperature_k / 0.8 * std::pow(ratio, alpha - 1.0) * dr_dpt;
  CHECK(r.binding.front().shadow_price == Approx(dp_dpt * pa_per_bar / 1e6).epsilon(1e-4));
  CHECK(r.binding.front().unit == "MW per bar");
}

TEST_CASE("a nomination the station cannot lift names the delivery pressure it cannot meet", "[gas][optimizer]") {
  const double m = 50.0;
  const auto r = optimise(pipe_with_station(m, 1.05));
  CHECK_FALSE(r.feasible);
  REQUIRE(!r.unmet.empty());
  CHECK(r.unmet.front().element == "node 'T'");
  CHECK(r.unmet.front().limit == "pressure_min");
  // Least violation: the station at its ratio limit, p_T = sqrt((1.05 x 50 bar)^2 - K m^2).
  const auto net = pipe_with_station(m, 1.05);
  const double k = pipe_k(net.gas, 100e3, 0.5);
  const double p_o = 1.05 * pa_from_bar(50.0);
  CHECK(r.unmet.front().value == Approx(std::sqrt(p_o * p_o - k * m * m)).epsilon(1e-6));
  CHECK(r.message.find("node 'T': pressure_min 45 bar cannot be met") != std::string::npos);
}

TEST_CASE("the largest delivery of one pipe with one station is where the ratio limit meets the pressure bound",
          "[gas][optimizer]") {
  const double m = 50.0;
  const auto net = pipe_with_station(m, 1.5);
  OptimizerOptions o;
  o.objective = Objective::max_delivery;
  const auto r = optimise(net, o);
  REQUIRE(r.feasible);
  // sigma m = sqrt(((1.5 x 50 bar)^2 - (45 bar)^2) / K).
  const double k = pipe_k(net.gas, 100e3, 0.5);
  const double p_o = 1.5 * pa_from_bar(50.0), p_t = pa_from_bar(45.0);
  CHECK(r.scale * m == Approx(std::sqrt((p_o * p_o - p_t * p_t) / k)).epsilon(1e-6));
  bool ratio_binds = false, pressure_binds = false;
  for (const auto& b : r.binding) {
    ratio_binds = ratio_binds || (b.element == "compressor 'C'" && b.limit == "ratio_max");
    pressure_binds = pressure_binds || (b.element == "node 'T'" && b.limit == "pressure_min");
  }
  CHECK(ratio_binds);
  CHECK(pressure_binds);
  CHECK(r.pressure_agreement < 1e-6);
}

TEST_CASE("two identical parallel stations share the load equally, as symmetry demands", "[gas][optimizer]") {
  // S (50 bar) -> 50 km -> A_i -> station C_i -> B_i -> 80 km -> T (offtake 80 kg/s, >= 45 bar), i = 1, 2.
  GasNetwork net;
  net.gas = ideal_gas();
  net.friction = FrictionModel::fixed;
  const double m = 80.0;
  const auto s = net.add_node("S");
  net.nodes[s].pressure_set_pa = pa_from_bar(50.0);
  net.nodes[s].entry = true;
  const auto t = net.add_node("T", -m);
  net.nodes[t].pressure_min_pa = pa_from_bar(45.0);
  for (const char* i : {"1", "2"}) {
    const auto a = net.add_node(std::string("A") + i), b = net.add_node(std::string("B") + i);
    add_pipe(net, std::string("SA") + i, s, a, 50e3, 0.5);
    const auto c = net.add_compressor(std::string("C") + i, a, b, CompressorMode::ratio, 1.0);
    net.compressors[c].ratio_max = 2.0;
    add_pipe(net, std::string("BT") + i, b, t, 80e3, 0.5);
  }
  const auto r = optimise(net);
  REQUIRE(r.feasible);
  // By hand, with m/2 per branch: p_A^2 = p_S^2 - K1 (m/2)^2, p_B^2 = p_T^2 + K2 (m/2)^2, r = p_B / p_A.
  const double k1 = pipe_k(net.gas, 50e3, 0.5), k2 = pipe_k(net.gas, 80e3, 0.5), h = m / 2.0;
  const double p_s = pa_from_bar(50.0), p_t = pa_from_bar(45.0);
  const double ratio = std::sqrt(p_t * p_t + k2 * h * h) / std::sqrt(p_s * p_s - k1 * h * h);
  CHECK(r.solution.compressors[0].flow_kg_per_s == Approx(h).epsilon(1e-6));
  CHECK(r.solution.compressors[1].flow_kg_per_s == Approx(h).epsilon(1e-6));
  CHECK(r.stations[0].ratio == Approx(ratio).epsilon(1e-6));
  CHECK(r.stations[1].ratio == Approx(ratio).epsilon(1e-6));
  CHECK(r.objective_value == Approx(2.0 * station_power_w(net.gas, h, ratio)).epsilon(1e-6));
  CHECK(r.pressure_agreement < 1e-6);
  CHECK(r.flow_agreement < 1e-6);
}

TEST_CASE("a control valve throttles to meet the maximum pressure of the exit behind it", "[gas][optimizer]") {
  // S (70 bar) -> 20 km -> V1 -> regulator R (drop 1..60 bar) -> V2 -> 20 km -> T (20 kg/s, 30..40 bar).
  GasNetwork net;
  net.gas = ideal_gas();
  net.friction = FrictionModel::fixed;
  const double m = 20.0;
  const auto s = net.add_node("S");
  net.nodes[s].pressure_set_pa = pa_from_bar(70.0);
  net.nodes[s].entry = true;
  const auto v1 = net.add_node("V1"), v2 = net.add_node("V2");
  const auto t = net.add_node("T", -m);
  net.nodes[t].pressure_min_pa = pa_from_bar(30.0);
  net.nodes[t].pressure_max_pa = pa_from_bar(40.0);
  add_pipe(net, "P1", s, v1, 20e3, 0.5);
  const auto r_id = net.add_valve("R", v1, v2, ValveKind::control_valve);
  net.valves[r_id].pressure_drop_min_pa = pa_from_bar(1.0);
  net.valves[r_id].pressure_drop_max_pa = pa_from_bar(60.0);
  add_pipe(net, "P2", v2, t, 20e3, 0.5);
  const auto r = optimise(net);
  REQUIRE(r.feasible);
  CHECK(r.valves[r_id].state == ControlState::active);
  // Upstream of the regulator the pressure follows from S: p_V1^2 = p_S^2 - K m^2; downstream it is
  // what the set point makes it, and T lies in its bounds.
  const double k = pipe_k(net.gas, 20e3, 0.5), p_s = pa_from_bar(70.0);
  const double p_v1 = std::sqrt(p_s * p_s - k * m * m);
  CHECK(r.solution.pressure_pa[v1] == Approx(p_v1).epsilon(1e-9));
  const double p_t = r.solution.pressure_pa[t];
  CHECK(p_t <= pa_from_bar(40.0));
  CHECK(p_t >= pa_from_bar(30.0));
  CHECK(r.solution.pressure_pa[v2] == Approx(std::sqrt(p_t * p_t + k * m * m)).epsilon(1e-9));
  // The simulator held the regulator's outlet at the chosen set point.
  REQUIRE(r.settled.valves[r_id].control == ValveControl::outlet_pressure);
  CHECK(r.settled.valves[r_id].setpoint_pa == Approx(r.solution.pressure_pa[v2]).epsilon(1e-9));
  CHECK(r.solution.violations.empty());
  CHECK(r.pressure_agreement < 1e-6);
  CHECK(r.flow_agreement < 1e-6);

  // Open (bypassed), the same network delivers at about 69 bar: above the exit's maximum.
  GasNetwork open = net;
  open.valves[r_id].optimise = false;
  const auto bypassed = optimise(open);
  CHECK_FALSE(bypassed.feasible);
  REQUIRE(!bypassed.unmet.empty());
  CHECK(bypassed.unmet.front().element == "node 'T'");
  CHECK(bypassed.unmet.front().limit == "pressure_max");
}

TEST_CASE("a station the planner fixes keeps its ratio and the optimiser sets the rest", "[gas][optimizer]") {
  auto net = pipe_with_station(50.0, 2.0);
  net.compressors[0].optimise = false;
  net.compressors[0].ratio = 1.8;
  const auto r = optimise(net);
  REQUIRE(r.feasible);
  CHECK(r.stations[0].ratio == Approx(1.8).epsilon(1e-9));
  CHECK(r.solution.pressure_pa[2] > pa_from_bar(45.0));
}
