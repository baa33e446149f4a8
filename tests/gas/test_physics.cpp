// sim/gas: the physics on cases with known answers (hand check, analytic identities).
#include <catch2/catch.hpp>

#include <cmath>

#include "geo/error.hpp"
#include "sim/gas/solver.hpp"

using namespace corridor;
using namespace corridor::gas;

TEST_CASE("the single-pipe hand check of the reference data README is reproduced", "[gas]") {
  // data/README.md: STANET case one_pipe/pipe_1_N. L = 8950 m, D = 0.089 m, k = 0.2 mm,
  // rho_n = 0.84 kg/m3, mu = 1.193e-5 Pa s, Z = 1, T = 278.15 K, inlet 100 bar gauge, 1.866667 kg/s.
  GasNetwork net;
  net.gas.normal_density_kg_per_m3 = 0.84;
  net.gas.viscosity_pa_s = 1.193e-5;
  net.gas.temperature_k = 278.15;
  net.friction = FrictionModel::nikuradse;
  const auto a = net.add_node("D123");
  const auto b = net.add_node("D124", -1.866666666666667);
  net.nodes[a].pressure_set_pa = pa_from_bar(101.01325);
  net.add_pipe("pipe", a, b, 8950, 0.089, 0.2e-3);
  const auto s = solve(net);
  CHECK(s.pipes[0].reynolds == Approx(2.2384e6).epsilon(1e-4));
  CHECK(s.pipes[0].friction_factor == Approx(0.0241649).epsilon(1e-5));
  CHECK(bar_from_pa(s.pressure_pa[b]) - 1.01325 == Approx(85.6834).epsilon(1e-6));
  CHECK(s.pipes[0].velocity_m_per_s == Approx(3.9193).margin(1e-4));
  CHECK(s.injection_kg_per_s[a] == Approx(1.866666666666667).epsilon(1e-10));
}

namespace {
// An ideal gas with a fixed friction factor: p_in^2 - p_out^2 = lambda L / D R_s T m|m| / A^2 holds exactly.
GasNetwork fixed_lambda_network() {
  GasNetwork net;
  net.gas = Gas::from_specific_gravity(0.6, 288.15);
  net.friction = FrictionModel::fixed;
  net.friction_factor = 0.01;
  return net;
}
constexpr double pi = 3.14159265358979323846;
}  // namespace

TEST_CASE("one pipe obeys the general flow equation whichever way it is drawn and the gas flows", "[gas]") {
  const double L = 100e3, D = 0.9, m = 150.0, p_in = pa_from_bar(70);
  const double area = pi * D * D / 4;
  auto net = fixed_lambda_network();
  const double k = 0.01 * L / D * net.gas.specific_gas_constant() * net.gas.temperature_k / (area * area);
  const double p_expected = std::sqrt(p_in * p_in - k * m * m);
  for (bool reversed : {false, true}) {
    auto n = net;
    const auto a = n.add_node("A"), b = n.add_node("B", -m);
    n.nodes[a].pressure_set_pa = p_in;
    if (reversed) n.add_pipe("P", b, a, L, D);
    else n.add_pipe("P", a, b, L, D);
    const auto s = solve(n);
    CHECK(s.pressure_pa[b] == Approx(p_expected).epsilon(1e-10));
    CHECK(s.pipes[0].flow_kg_per_s == Approx(reversed ? -m : m).epsilon(1e-10));
  }
  // Supply at B flowing back to the slack: p_B^2 = p_A^2 + K m^2.
  auto n = net;
  const auto a = n.add_node("A"), b = n.add_node("B", m);
  n.nodes[a].pressure_set_pa = p_in;
  n.add_pipe("P", a, b, L, D);
  const auto s = solve(n);
  CHECK(s.pressure_pa[b] == Approx(std::sqrt(p_in * p_in + k * m * m)).epsilon(1e-10));
  CHECK(s.injection_kg_per_s[a] == Approx(-m).epsilon(1e-10));
}

TEST_CASE("two pipes in series equal one pipe of the summed length", "[gas]") {
  for (auto model : {FrictionModel::colebrook_white, FrictionModel::nikuradse, FrictionModel::hofer,
                     FrictionModel::swamee_jain}) {
    GasNetwork net;
    net.gas = Gas::from_specific_gravity(0.6, 288.15);
    net.gas.law = GasLaw::papay;
    net.friction = model;
    auto one = net;
    const auto a = one.add_node("A"), b = one.add_node("B", -80.0);
    one.nodes[a].pressure_set_pa = pa_from_bar(60);
    one.add_pipe("P", a, b, 120e3, 0.7, 0.05e-3);
    const auto two_net = [&] {
      auto n = net;
      const auto x = n.add_node("A"), y = n.add_node("M"), z = n.add_node("B", -80.0);
      n.nodes[x].pressure_set_pa = pa_from_bar(60);
      n.add_pipe("P1", x, y, 45e3, 0.7, 0.05e-3);
      n.add_pipe("P2", y, z, 75e3, 0.7, 0.05e-3);
      return n;
    }();
    const auto s1 = solve(one);
    const auto s2 = solve(two_net);
    INFO(to_string(model));
    // Exact for the ideal law; with Papay's Z at each pipe's mean pressure the split is a finer
    // quadrature of the same integral, so the two agree to the order of dZ/dp over the pressure drop.
    CHECK(s2.pressure_pa[2] == Approx(s1.pressure_pa[1]).epsilon(2e-4));
    net.gas.law = GasLaw::ideal;
    one.gas.law = GasLaw::ideal;
    auto two_ideal = two_net;
    two_ideal.gas.law = GasLaw::ideal;
    CHECK(solve(two_ideal).pressure_pa[2] == Approx(solve(one).pressure_pa[1]).epsilon(1e-10));
  }
}

TEST_CASE("two identical parallel pipes carry equal flows, each like one pipe with half the flow", "[gas]") {
  GasNetwork net;
  net.gas = Gas::from_specific_gravity(0.6, 288.15);
  net.friction = FrictionModel::colebrook_white;
  const auto a = net.add_node("A"), b = net.add_node("B", -200.0);
  net.nodes[a].pressure_set_pa = pa_from_bar(80);
  net.add_pipe("P1", a, b, 50e3, 1.0, 0.02e-3);
  net.add_pipe("P2", a, b, 50e3, 1.0, 0.02e-3);
  const auto s = solve(net);
  CHECK(s.pipes[0].flow_kg_per_s == Approx(100.0).epsilon(1e-10));
  CHECK(s.pipes[1].flow_kg_per_s == Approx(100.0).epsilon(1e-10));
  GasNetwork half = net;
  half.pipes.pop_back();
  half.nodes[b].injection_kg_per_s = -100.0;
  CHECK(solve(half).pressure_pa[b] == Approx(s.pressure_pa[b]).epsilon(1e-10));
}

TEST_CASE("a gas column at rest follows the barometric law", "[gas]") {
  GasNetwork net;
  net.gas = Gas::from_specific_gravity(0.6, 288.15);
  net.friction = FrictionModel::colebrook_white;
  const auto a = net.add_node("bottom"), b = net.add_node("top");
  net.nodes[b].height_m = 200.0;
  net.nodes[a].pressure_set_pa = pa_from_bar(50);
  net.add_pipe("riser", a, b, 1000.0, 0.5, 0.05e-3);
  const auto s = solve(net);
  const double rt = net.gas.specific_gas_constant() * net.gas.temperature_k;
  // The elevation term uses the mean density of the pipe ends: p_top / p_bottom = (1 - s/2) / (1 + s/2)
  // with s = g dh / (R_s T), against exp(-s) exactly: a relative error of s^3 / 12 (2.4e-7 here).
  const double s_dh = gravity_m_per_s2 * 200.0 / rt;
  CHECK(s.pressure_pa[b] == Approx(pa_from_bar(50) * (1 - s_dh / 2) / (1 + s_dh / 2)).epsilon(1e-12));
  CHECK(s.pressure_pa[b] == Approx(pa_from_bar(50) * std::exp(-s_dh)).epsilon(s_dh * s_dh * s_dh / 12 * 1.01));
}

TEST_CASE("the friction laws agree with each other and Colebrook-White satisfies its equation", "[gas]") {
  const double d = 0.5, k = 0.05e-3, area = pi * d * d / 4, mu = 1.1e-5;
  for (double re : {5e3, 1e5, 1e7}) {
    const double m = re * mu * area / d;
    const double cw = friction_factor(FrictionModel::colebrook_white, m, d, k, area, mu, 0.0);
    CHECK(1.0 / std::sqrt(cw) == Approx(-2.0 * std::log10(2.51 / (re * std::sqrt(cw)) + k / (3.71 * d))).epsilon(1e-12));
    CHECK(friction_factor(FrictionModel::hofer, m, d, k, area, mu, 0.0) == Approx(cw).epsilon(0.02));
    CHECK(friction_factor(FrictionModel::swamee_jain, m, d, k, area, mu, 0.0) == Approx(cw).epsilon(0.03));
  }
  // Laminar flow: 64/Re.
  const double m_lam = 1000.0 * mu * area / d;
  CHECK(friction_factor(FrictionModel::colebrook_white, m_lam, d, k, area, mu, 0.0) == Approx(0.064));
}

TEST_CASE("volumes at standard conditions convert to mass flows at the boundary", "[gas]") {
  const double rho_n = 0.73;
  CHECK(kg_per_s_from_mcm_per_day(86.4, rho_n) == Approx(730.0));
  CHECK(mcm_per_day_from_kg_per_s(730.0, rho_n) == Approx(86.4));
  CHECK(bcm_per_year_from_kg_per_s(kg_per_s_from_bcm_per_year(55.0, rho_n), rho_n) == Approx(55.0));
  CHECK(kg_per_s_from_bcm_per_year(31.536, 1.0) == Approx(1000.0));
  // A gas of specific gravity 0.6: rho_n = 0.6 * 1.2922 kg/m3.
  CHECK(Gas::from_specific_gravity(0.6, 288.15).normal_density_kg_per_m3 == Approx(0.775).epsilon(1e-3));
}

TEST_CASE("the solver converges from a flat start from 1 m to 1000 km and from 1 bar to 1000 bar", "[gas]") {
  for (double p_bar : {1.5, 1000.0}) {
    GasNetwork net;
    net.gas = Gas::from_specific_gravity(0.6, 288.15);
    net.gas.law = GasLaw::ideal;
    net.friction = FrictionModel::colebrook_white;
    const auto a = net.add_node("A"), b = net.add_node("B"), c = net.add_node("C"), d = net.add_node("D");
    net.nodes[a].pressure_set_pa = pa_from_bar(p_bar);
    net.add_pipe("short", a, b, 1.0, 0.3, 0.05e-3);
    net.add_pipe("long", b, c, 1000e3, 1.4, 0.02e-3);
    net.add_pipe("loop", b, c, 300e3, 0.5, 0.02e-3);
    net.add_pipe("tail", c, d, 10e3, 0.2, 0.05e-3);
    // Offtake: about half of what would empty the line.
    net.nodes[d].injection_kg_per_s = p_bar > 100 ? -150.0 : -0.2;
    const auto s = solve(net);
    INFO(p_bar << " bar");
    CHECK(s.residual_norm < 1e-10);
    CHECK(s.pressure_pa[d] > 0.0);
    CHECK(s.pressure_pa[d] < s.pressure_pa[a]);
    CHECK(s.pipes[1].flow_kg_per_s + s.pipes[2].flow_kg_per_s == Approx(-net.nodes[d].injection_kg_per_s));
  }
}

TEST_CASE("an offtake the network cannot carry is a solver error naming the worst node", "[gas]") {
  auto net = fixed_lambda_network();
  const auto a = net.add_node("SOURCE"), b = net.add_node("CITY", -5000.0);
  net.nodes[a].pressure_set_pa = pa_from_bar(50);
  net.add_pipe("thin", a, b, 200e3, 0.3);
  try {
    (void)solve(net);
    FAIL("expected a SolverError");
  } catch (const SolverError& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("did not converge") != std::string::npos);
    CHECK(what.find("node '") != std::string::npos);
    CHECK(what.find("CITY") != std::string::npos);
  }
}

TEST_CASE("a supplied node cut off from every slack node is an input error", "[gas]") {
  auto net = fixed_lambda_network();
  const auto a = net.add_node("A"), b = net.add_node("B", -10.0);
  net.nodes[a].pressure_set_pa = pa_from_bar(50);
  const auto p = net.add_pipe("P", a, b, 10e3, 0.5);
  net.pipes[p].in_service = false;
  CHECK_THROWS_AS(solve(net), InputError);
}

TEST_CASE("a compressor holds its outlet pressure, is bypassed when not needed and stops at its ratio limit",
          "[gas]") {
  auto net = fixed_lambda_network();
  const auto src = net.add_node("SRC"), in = net.add_node("IN"), out = net.add_node("OUT"),
             sink = net.add_node("SINK", -100.0);
  net.nodes[src].pressure_set_pa = pa_from_bar(50);
  net.add_pipe("P1", src, in, 100e3, 0.8);
  const auto c = net.add_compressor("CS", in, out, CompressorMode::outlet_pressure, pa_from_bar(70));
  net.compressors[c].ratio_max = 1.8;
  net.add_pipe("P2", out, sink, 100e3, 0.8);
  auto s = solve(net);
  CHECK(s.pressure_pa[out] == Approx(pa_from_bar(70)).epsilon(1e-10));
  CHECK(s.compressors[c].state == CompressorState::active);
  CHECK(s.compressors[c].ratio > 1.0);
  // Isentropic power: mdot Z R T kappa/(kappa-1) (r^((kappa-1)/kappa) - 1) / eta.
  const double kappa = net.gas.heat_capacity_ratio, r = s.compressors[c].ratio;
  CHECK(s.compressors[c].power_w ==
        Approx(100.0 * net.gas.specific_gas_constant() * net.gas.temperature_k * kappa / (kappa - 1) *
               (std::pow(r, (kappa - 1) / kappa) - 1) / 0.8));
  CHECK(s.compressors[c].fuel_kg_per_s == Approx(s.compressors[c].power_w / (0.35 * 47e6)));

  // Set point below the inlet: bypass.
  net.compressors[c].outlet_pressure_pa = pa_from_bar(40);
  s = solve(net);
  CHECK(s.compressors[c].state == CompressorState::bypass);
  CHECK(s.pressure_pa[out] == Approx(s.pressure_pa[in]).epsilon(1e-8));
  CHECK(s.compressors[c].power_w == 0.0);

  // Set point beyond the ratio limit: held at ratio_max.
  net.compressors[c].outlet_pressure_pa = pa_from_bar(95);
  s = solve(net);
  CHECK(s.compressors[c].state == CompressorState::ratio_limited);
  CHECK(s.compressors[c].ratio == Approx(1.8).epsilon(1e-10));

  // Fuel gas taken at the inlet reduces what reaches the station's outlet side... the slack supplies it.
  net.compressors[c].outlet_pressure_pa = pa_from_bar(70);
  SolverOptions with_fuel;
  with_fuel.withdraw_fuel_gas = true;
  s = solve(net, with_fuel);
  CHECK(s.injection_kg_per_s[src] == Approx(100.0 + s.compressors[c].fuel_kg_per_s).epsilon(1e-9));
}

TEST_CASE("a directed pipe closes against reverse flow and closed valves carry nothing", "[gas]") {
  auto net = fixed_lambda_network();
  const auto a = net.add_node("A"), b = net.add_node("B"), c = net.add_node("C", -50.0);
  net.nodes[a].pressure_set_pa = pa_from_bar(60);
  net.nodes[b].pressure_set_pa = pa_from_bar(40);
  const auto check = net.add_pipe("CHECK", a, b, 10e3, 0.5);  // would flow A -> B
  net.add_pipe("AC", a, c, 50e3, 0.5);
  net.add_pipe("BC", b, c, 50e3, 0.5);
  net.pipes[check].directed = true;
  auto s = solve(net);
  CHECK(s.pipes[check].flow_kg_per_s > 0.0);
  std::swap(net.pipes[check].from, net.pipes[check].to);  // now drawn B -> A against the flow
  s = solve(net);
  CHECK(s.pipes[check].closed);
  CHECK(s.pipes[check].flow_kg_per_s == 0.0);
  const auto v = net.add_valve("V", a, c, ValveKind::valve, false);
  s = solve(net);
  CHECK(s.valves[v].flow_kg_per_s == 0.0);
}

TEST_CASE("the reduced and the full Newton systems give the same steady state", "[gas]") {
  auto net = fixed_lambda_network();
  net.friction = FrictionModel::colebrook_white;
  const auto a = net.add_node("A"), b = net.add_node("B"), c = net.add_node("C", -60.0), d = net.add_node("D", -40.0);
  net.nodes[a].pressure_set_pa = pa_from_bar(70);
  net.add_pipe("AB", a, b, 80e3, 0.8, 0.02e-3);
  net.add_compressor("CS", b, c, CompressorMode::ratio, 1.3);
  net.add_pipe("CD", c, d, 60e3, 0.6, 0.02e-3);
  net.add_pipe("BD", b, d, 150e3, 0.5, 0.02e-3);
  net.add_valve("V", c, d, ValveKind::short_pipe, false);
  SolverOptions full;
  full.eliminate_flows = false;
  const auto s1 = solve(net);
  const auto s2 = solve(net, full);
  for (std::size_t i = 0; i < net.nodes.size(); ++i) CHECK(s1.pressure_pa[i] == Approx(s2.pressure_pa[i]).epsilon(1e-10));
  for (std::size_t i = 0; i < net.pipes.size(); ++i)
    CHECK(s1.pipes[i].flow_kg_per_s == Approx(s2.pipes[i].flow_kg_per_s).epsilon(1e-9));
  CHECK(s1.compressors[0].flow_kg_per_s == Approx(s2.compressors[0].flow_kg_per_s).epsilon(1e-9));
}

TEST_CASE("limits are reported per element: pressure bounds, pipe MAOP and velocity", "[gas]") {
  auto net = fixed_lambda_network();
  const auto a = net.add_node("A"), b = net.add_node("B", -150.0);
  net.nodes[a].pressure_set_pa = pa_from_bar(70);
  net.nodes[b].pressure_min_pa = pa_from_bar(65);
  const auto p = net.add_pipe("P", a, b, 100e3, 0.8);
  net.pipes[p].pressure_max_pa = pa_from_bar(60);
  net.pipes[p].velocity_max_m_per_s = 5.0;
  const auto s = solve(net);
  REQUIRE(s.violations.size() == 3);
  CHECK(s.violations[0].kind == Violation::Kind::pressure_below_min);
  CHECK(s.violations[0].element == "node 'B'");
  CHECK(s.violations[1].kind == Violation::Kind::pipe_pressure_above_max);
  CHECK(s.violations[2].kind == Violation::Kind::velocity_above_max);
  CHECK(s.violations[2].value == Approx(std::abs(s.pipes[p].velocity_m_per_s)));
  // One sentence a planner reads as it stands: the value, then the limit it breaks.
  const std::string below = s.violations[0].describe();
  CHECK(below.rfind("node 'B': pressure ", 0) == 0);
  CHECK(below.find(" bar, below the minimum of 65 bar") != std::string::npos);
  CHECK(s.violations[1].describe().find(" bar, above the pipe's maximum of 60 bar") != std::string::npos);
  CHECK(s.violations[2].describe().find(" m/s, above the maximum of 5 m/s") != std::string::npos);
}

TEST_CASE("a compressor bridged by open valves is an input error naming the station", "[gas]") {
  auto net = fixed_lambda_network();
  const auto a = net.add_node("A"), b = net.add_node("B"), c = net.add_node("C", -10.0);
  net.nodes[a].pressure_set_pa = pa_from_bar(50);
  net.add_compressor("CS", a, b, CompressorMode::ratio, 1.2);
  const auto v = net.add_valve("BYPASS", a, b);
  net.add_pipe("P", b, c, 10e3, 0.5);
  try {
    (void)solve(net);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.problems().front().str().find("compressor 'CS'") != std::string::npos);
  }
  net.valves[v].open = false;
  CHECK(solve(net).pressure_pa[b] == Approx(pa_from_bar(60)).epsilon(1e-10));
}

TEST_CASE("a supply behind a station on outlet pressure control without a pressure of its own is an input error",
          "[gas]") {
  auto net = fixed_lambda_network();
  const auto src = net.add_node("FIELD", 50.0), in = net.add_node("SUCTION"), out = net.add_node("DISCHARGE"),
             city = net.add_node("CITY");
  net.nodes[city].pressure_set_pa = pa_from_bar(40);
  net.add_pipe("P1", src, in, 50e3, 0.6);
  net.add_compressor("CS", in, out, CompressorMode::outlet_pressure, pa_from_bar(70));
  net.add_pipe("P2", out, city, 100e3, 0.6);
  CHECK(nodes_without_pressure_reference(net)[src]);
  try {
    (void)solve(net);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    const auto what = e.problems().front().str();
    CHECK(what.find("node 'SUCTION'") != std::string::npos);
    CHECK(what.find("compressor 'CS'") != std::string::npos);
  }
  // Holding the field at a pressure settles it: the station takes what arrives.
  net.nodes[src].pressure_set_pa = pa_from_bar(60);
  const auto s = solve(net);
  CHECK(s.pressure_pa[out] == Approx(pa_from_bar(70)).epsilon(1e-10));
  CHECK(s.injection_kg_per_s[src] == Approx(-s.injection_kg_per_s[city]).epsilon(1e-9));
}
