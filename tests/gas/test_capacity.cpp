// sim/gas: capacity studies (maximum throughput, N-1) on networks with analytic limits.
#include <catch2/catch.hpp>

#include <cmath>

#include "sim/gas/capacity.hpp"

using namespace corridor;
using namespace corridor::gas;

namespace {
constexpr double pi = 3.14159265358979323846;

// Ideal gas, fixed lambda: the largest flow through one pipe with p_out >= p_min is
// sqrt((p_in^2 - p_min^2) / K), K = lambda L / D R_s T / A^2.
struct Line {
  GasNetwork net;
  double k = 0.0;
};
Line line(double length_m, double diameter_m) {
  Line l;
  l.net.gas = Gas::from_specific_gravity(0.6, 288.15);
  l.net.friction = FrictionModel::fixed;
  l.net.friction_factor = 0.01;
  const double area = pi * diameter_m * diameter_m / 4;
  l.k = 0.01 * length_m / diameter_m * l.net.gas.specific_gas_constant() * l.net.gas.temperature_k / (area * area);
  return l;
}
}  // namespace

TEST_CASE("maximum throughput of one pipe stops where the delivery pressure reaches its minimum", "[gas][capacity]") {
  auto l = line(200e3, 0.9);
  auto& net = l.net;
  const auto a = net.add_node("SOURCE"), b = net.add_node("CITY", -100.0);
  net.nodes[a].pressure_set_pa = pa_from_bar(70);
  net.nodes[b].pressure_min_pa = pa_from_bar(40);
  net.add_pipe("LINE", a, b, 200e3, 0.9);
  ThroughputStudy study;
  study.relative_tolerance = 1e-6;
  const auto r = maximum_throughput(net, study);
  const double m_max = std::sqrt((std::pow(pa_from_bar(70), 2) - std::pow(pa_from_bar(40), 2)) / l.k);
  CHECK(r.throughput_kg_per_s == Approx(m_max).epsilon(2e-6));
  REQUIRE(r.binding_violation.has_value());
  CHECK(r.binding_violation->kind == Violation::Kind::pressure_below_min);
  CHECK(r.binding.find("CITY") != std::string::npos);
  CHECK(r.solution.pressure_pa[b] >= pa_from_bar(40) * (1 - 1e-9));
}

TEST_CASE("maximum throughput reports a compressor power limit as the binding element", "[gas][capacity]") {
  auto l = line(100e3, 0.9);
  auto& net = l.net;
  const auto a = net.add_node("SOURCE"), in = net.add_node("IN"), out = net.add_node("OUT"),
             b = net.add_node("CITY", -50.0);
  net.nodes[a].pressure_set_pa = pa_from_bar(60);
  net.add_pipe("L1", a, in, 100e3, 0.9);
  const auto c = net.add_compressor("CS", in, out, CompressorMode::outlet_pressure, pa_from_bar(75));
  net.compressors[c].power_max_w = 10e6;
  net.add_pipe("L2", out, b, 100e3, 0.9);
  const auto r = maximum_throughput(net, {});
  REQUIRE(r.binding_violation.has_value());
  CHECK(r.binding_violation->kind == Violation::Kind::power_above_max);
  CHECK(r.binding.find("CS") != std::string::npos);
  CHECK(r.solution.compressors[c].power_w <= 10e6 * (1 + 1e-9));
  CHECK(r.solution.compressors[c].power_w > 10e6 * 0.99);
}

TEST_CASE("N-1 halves the capacity of twin lines and loses what an outage cuts off", "[gas][capacity]") {
  auto l = line(150e3, 1.0);
  auto& net = l.net;
  const auto a = net.add_node("SOURCE"), b = net.add_node("HUB", -300.0), c = net.add_node("TOWN", -20.0);
  net.nodes[a].pressure_set_pa = pa_from_bar(80);
  net.nodes[b].pressure_min_pa = pa_from_bar(40);
  net.add_pipe("A", a, b, 150e3, 1.0);
  net.add_pipe("B", a, b, 150e3, 1.0);
  net.add_pipe("SPUR", b, c, 10e3, 0.3);
  ThroughputStudy study;
  study.scaled_nodes = {b};
  study.relative_tolerance = 1e-6;
  const auto intact = maximum_throughput(net, study);
  const auto cases = n_minus_1(net, study, {"A", "SPUR"});
  REQUIRE(cases.size() == 2);
  CHECK(cases[0].element == "pipe 'A'");
  // With SPUR's 20 kg/s the hub limit is not exactly half, so compare with the one-line analytic value.
  const double m_one = std::sqrt((std::pow(pa_from_bar(80), 2) - std::pow(pa_from_bar(40), 2)) / l.k);
  CHECK(cases[0].throughput.throughput_kg_per_s + 20.0 == Approx(m_one).epsilon(1e-5));
  CHECK(intact.throughput_kg_per_s + 20.0 == Approx(2 * m_one).epsilon(1e-5));
  CHECK(cases[0].deliverable_kg_per_s == Approx(std::min(300.0, m_one - 20.0)).epsilon(1e-5));
  CHECK(cases[1].element == "pipe 'SPUR'");
  CHECK(cases[1].islanded_kg_per_s == Approx(20.0));
  CHECK(cases[1].deliverable_kg_per_s == Approx(300.0));
}
