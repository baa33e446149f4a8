// sim/liquid against STANET (the water cases of pandapipes' STANET comparison, e2nIEE/pandapipes,
// src/pandapipes/networks/network_files/stanet_test_networks/water_cases, BSD-3-Clause, read from
// ../shared/data/liquid/stanet) and against hand calculations.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numbers>

#include "geo/error.hpp"
#include "sim/liquid/capacity.hpp"
#include "sim/liquid/solver.hpp"
#include "tests/liquid/stanet_liquid.hpp"

using namespace corridor;
using namespace corridor::liquid;
namespace fs = std::filesystem;

namespace {
const fs::path liquid_dir = fs::path(CORRIDOR_SHARED_DATA_DIR) / "liquid";

PumpCurve test_curve() {  // lift 10 bar at shut-off, 6 bar at 100 m3/h, 0 at 150 m3/h (exact quadratic)
  // lift = 10 - a q - b q^2 through (100, 6) and (150, 0): 100a + 1e4 b = 4, 150 a + 22500 b = 10
  const double b = (10.0 - 1.5 * 4.0) / (22500.0 - 15000.0);
  const double a = (4.0 - 1e4 * b) / 100.0;
  return PumpCurve::fit("T", {{0.0, 10.0}, {100.0, 10.0 - 100 * a - 1e4 * b}, {150.0, 10.0 - 150 * a - 22500 * b}}, 2);
}
}  // namespace

TEST_CASE("every STANET liquid case is reproduced within 1e-4 on pressures and 0.02 m/s on velocities", "[liquid][stanet]") {
  if (!fs::exists(liquid_dir / "stanet")) {
    WARN("reference data folder " << liquid_dir << " is absent: STANET liquid comparison skipped");
    return;
  }
  int cases = 0, pumps = 0;
  for (const auto& entry : fs::directory_iterator(liquid_dir / "stanet")) {
    const auto name = entry.path().filename().string();
    INFO(name);
    auto c = test::read_stanet_liquid_case(entry.path(), liquid_dir / "pump_curves");
    const auto s = solve(c.network);
    double p_rel = 0.0, v_abs = 0.0, lift_rel = 0.0;
    for (std::size_t i = 0; i < c.network.nodes.size(); ++i)
      if (!std::isnan(c.p_ref_bar_gauge[i]))
        p_rel = std::max(p_rel, std::abs(1.0 - bar_from_pa(s.pressure_pa[i]) / c.p_ref_bar_gauge[i]));
    for (std::size_t i = 0; i < c.network.pipes.size(); ++i)
      if (!std::isnan(c.v_ref_m_per_s[i])) v_abs = std::max(v_abs, std::abs(s.pipes[i].velocity_m_per_s - c.v_ref_m_per_s[i]));
    for (std::size_t i = 0; i < c.network.pumps.size(); ++i) {
      lift_rel = std::max(lift_rel, std::abs(1.0 - bar_from_pa(s.pumps[i].lift_pa) / c.lift_ref_bar[i]));
      ++pumps;
    }
    if (std::getenv("CORRIDOR_LIQUID_VERBOSE"))
      std::printf("%-32s p_rel %.2e  v_abs %.4f  lift_rel %.2e (%d iterations)\n", name.c_str(), p_rel, v_abs, lift_rel,
                  s.iterations);
    // 1e-4 for ten of the twelve cases (measured 1.5e-7 to 6.1e-5). Two are looser, and each for a
    // reason outside this solver (measured with the friction laws the cases name; pandapipes checks
    // all of them at 2e-3):
    //  - strand_net__pump_N (1.9e-4 at K1095): its pipes run at Re = 3,945, in the critical zone, where
    //    STANET's pressure drops give lambda = 0.0394-0.0396 (pipe 1) and 0.0390-0.0393 (pipe 2, the
    //    4-decimal rounding as the band); Nikuradse with its laminar term (what the case names, and
    //    pandapipes uses) gives 0.03584 and Colebrook 0.0411: no law of the family matches both pipes.
    //    The pump's lift itself agrees to 6.5e-6.
    //  - t_cross__t_cross_PC (1.6e-4 at D31, 2.8e-4 bar on 4.24 bar of drop, 6.6e-5 of it): Colebrook
    //    reproduces STANET's lambda of the branch pipes to 1e-6 (0.031287) and of the feeder to 7e-5.
    const bool critical_zone = name == "strand_net__pump_N";
    const bool colebrook_feeder = name == "t_cross__t_cross_PC";
    CHECK(p_rel < (critical_zone || colebrook_feeder ? 2e-4 : 1e-4));
    CHECK(v_abs < 0.02);
    CHECK(lift_rel < 1e-5);
    CHECK(s.residual_norm < 1e-10);
    ++cases;
  }
  CHECK(cases == 12);
  CHECK(pumps == 1);
}

TEST_CASE("the pandapipes pump curves are fitted as pandapipes fits them", "[liquid][pump]") {
  if (!fs::exists(liquid_dir / "pump_curves")) return;
  // pandapipes stores the fit in its JSON networks (std_type pump P1 reg_par, highest power first):
  // -0.00014862079898541572, -0.01296567850348759, 6.099999999999999 (../shared/data/pandapipes-json).
  const auto p1 = read_pandapipes_pump_curve(liquid_dir / "pump_curves" / "P1.csv", "P1");
  REQUIRE(p1.coefficients.size() == 3);
  CHECK(p1.coefficients[2] == Approx(-0.00014862079898541572).epsilon(1e-10));
  CHECK(p1.coefficients[1] == Approx(-0.01296567850348759).epsilon(1e-10));
  CHECK(p1.coefficients[0] == Approx(6.099999999999999).epsilon(1e-12));
  CHECK(p1.flow_max_m3_per_h == 83.0);
  CHECK_THROWS_AS(read_pandapipes_pump_curve(liquid_dir / "pump_curves" / "missing.csv", "X"), InputError);
}

TEST_CASE("one pipe with a height difference: Darcy-Weisbach and the static head by hand", "[liquid][hand]") {
  LiquidNetwork net;
  net.friction = FrictionModel::nikuradse;
  net.fluid.density_kg_per_m3 = 850.0;
  net.fluid.viscosity_pa_s = 850.0 * 10e-6;  // 10 mm2/s
  const auto a = net.add_node("A", 100.0);
  const auto b = net.add_node("B", 350.0);
  net.nodes[a].pressure_set_pa = pa_from_bar(60.0);
  const double mdot = 300.0;  // kg/s
  net.nodes[b].injection_kg_per_s = -mdot;
  const double L = 120e3, D = 0.7874, k = 0.05e-3;
  net.add_pipe("AB", a, b, L, D, k);
  const auto s = solve(net);
  const double area = std::numbers::pi * D * D / 4.0;
  const double v = mdot / 850.0 / area;
  const double re = v * D / 10e-6;
  const double lambda = 64.0 / re + 1.0 / std::pow(2.0 * std::log10(D / k) + 1.14, 2);
  const double dp = lambda * L / D * 850.0 * v * v / 2.0 + 850.0 * 9.81 * 250.0;
  CHECK(s.pressure_pa[b] == Approx(pa_from_bar(60.0) - dp).epsilon(1e-10));
  CHECK(s.pipes[0].velocity_m_per_s == Approx(v).epsilon(1e-12));
  CHECK(s.pipes[0].reynolds == Approx(re).epsilon(1e-12));
  CHECK(s.pipes[0].friction_factor == Approx(lambda).epsilon(1e-12));
  CHECK(s.injection_kg_per_s[a] == Approx(mdot).epsilon(1e-12));

  SECTION("no flow: the pressure difference is the static head alone") {
    net.nodes[b].injection_kg_per_s = 0.0;
    const auto s0 = solve(net);
    CHECK(s0.pressure_pa[a] - s0.pressure_pa[b] == Approx(850.0 * 9.81 * 250.0).epsilon(1e-10));
  }
}

TEST_CASE("pump stations in series and in parallel follow the curve arithmetic", "[liquid][pump][hand]") {
  const PumpCurve curve = test_curve();
  CHECK(curve.lift_bar(0.0) == Approx(10.0).epsilon(1e-12));
  CHECK(curve.lift_bar(150.0) == Approx(0.0).margin(1e-10));
  // Tank at 2 bar -> station -> pipe -> delivery of Q; the station's lift must be the curve arithmetic.
  auto line = [&](int series, int parallel, double speed, double q_m3_h) {
    LiquidNetwork net;
    net.fluid.density_kg_per_m3 = 1000.0;
    net.fluid.viscosity_pa_s = 1e-3;
    const auto t = net.add_node("tank");
    const auto d = net.add_node("discharge");
    const auto e = net.add_node("end");
    net.nodes[t].pressure_set_pa = pa_from_bar(2.0);
    net.nodes[e].injection_kg_per_s = -q_m3_h / 3.6;
    auto& ps = net.pumps[net.add_pump("PS", t, d, curve)];
    ps.series = series;
    ps.parallel = parallel;
    ps.speed = speed;
    ps.efficiency = 0.75;
    net.add_pipe("P", d, e, 2000.0, 0.2, 1e-4);
    return std::pair{net, solve(net)};
  };
  const double q = 120.0;
  {
    const auto [net, s] = line(1, 1, 1.0, q);
    CHECK(bar_from_pa(s.pumps[0].lift_pa) == Approx(curve.lift_bar(q)).epsilon(1e-10));
    CHECK(s.pumps[0].power_w == Approx(q / 3600.0 * pa_from_bar(curve.lift_bar(q)) / 0.75).epsilon(1e-10));
    CHECK(s.pumps[0].state == PumpState::running);
  }
  {
    const auto [net, s] = line(3, 1, 1.0, q);
    CHECK(bar_from_pa(s.pumps[0].lift_pa) == Approx(3.0 * curve.lift_bar(q)).epsilon(1e-10));
  }
  {
    const auto [net, s] = line(1, 2, 1.0, q);
    CHECK(bar_from_pa(s.pumps[0].lift_pa) == Approx(curve.lift_bar(q / 2.0)).epsilon(1e-10));
  }
  {
    const auto [net, s] = line(2, 3, 0.9, q);  // affinity: lift = 2 * 0.81 * curve(q / (3 * 0.9))
    CHECK(bar_from_pa(s.pumps[0].lift_pa) == Approx(2.0 * 0.81 * curve.lift_bar(q / 2.7)).epsilon(1e-10));
  }
  SECTION("two stations back to back equal one station of two units in series") {
    LiquidNetwork net;
    const auto t = net.add_node("tank"), m = net.add_node("mid"), d = net.add_node("discharge"), e = net.add_node("end");
    net.nodes[t].pressure_set_pa = pa_from_bar(2.0);
    net.nodes[e].injection_kg_per_s = -q / 3.6;
    net.add_pump("PS1", t, m, curve);
    net.add_pump("PS2", m, d, curve);
    net.add_pipe("P", d, e, 2000.0, 0.2, 1e-4);
    const auto s2 = solve(net);
    const auto [n1, s1] = line(2, 1, 1.0, q);
    CHECK(s2.pressure_pa[3] == Approx(s1.pressure_pa[2]).epsilon(1e-10));
  }
}

TEST_CASE("a station throttles at its maximum discharge pressure and closes its check valve against a higher head", "[liquid][pump]") {
  LiquidNetwork net;
  const auto t = net.add_node("tank"), d = net.add_node("discharge"), e = net.add_node("end");
  net.nodes[t].pressure_set_pa = pa_from_bar(2.0);
  net.nodes[e].injection_kg_per_s = -50.0 / 3.6;  // 50 m3/h: the curve would give 2 + lift(50) bar
  auto& ps = net.pumps[net.add_pump("PS", t, d, test_curve())];
  ps.discharge_max_pa = pa_from_bar(8.0);
  net.add_pipe("P", d, e, 1000.0, 0.2, 1e-4);
  const auto s = solve(net);
  REQUIRE(s.pumps[0].state == PumpState::throttled);
  CHECK(s.pressure_pa[d] == Approx(pa_from_bar(8.0)).epsilon(1e-12));
  CHECK(s.pumps[0].throttle_loss_pa == Approx(pa_from_bar(2.0 + test_curve().lift_bar(50.0) - 8.0)).epsilon(1e-9));
  CHECK(s.state_changes == 1);

  // Downstream held at 15 bar: more than 2 bar + the 10-bar shut-off lift; the station cannot deliver.
  LiquidNetwork back;
  const auto bt = back.add_node("tank"), bd = back.add_node("discharge"), be = back.add_node("end");
  back.nodes[bt].pressure_set_pa = pa_from_bar(2.0);
  back.nodes[be].pressure_set_pa = pa_from_bar(15.0);
  back.add_pump("PS", bt, bd, test_curve());
  back.add_pipe("P", bd, be, 1000.0, 0.2, 1e-4);
  const auto sb = solve(back);
  CHECK(sb.pumps[0].state == PumpState::check);
  CHECK(sb.pumps[0].flow_kg_per_s == 0.0);
  CHECK(sb.pressure_pa[bd] == Approx(pa_from_bar(15.0)).epsilon(1e-12));
}

TEST_CASE("Walther viscosity passes through its two points and interpolates in log-log", "[liquid][fluid]") {
  Fluid f;
  f.density_kg_per_m3 = 860.0;
  f.walther = {{kelvin_from_celsius(20.0), 15.0}, {kelvin_from_celsius(50.0), 5.0}};
  CHECK(f.viscosity_at(kelvin_from_celsius(20.0)) == Approx(15.0e-6 * 860.0).epsilon(1e-12));
  CHECK(f.viscosity_at(kelvin_from_celsius(50.0)) == Approx(5.0e-6 * 860.0).epsilon(1e-12));
  const double mid = f.viscosity_at(kelvin_from_celsius(35.0)) / 860.0 * 1e6;
  CHECK(mid > 5.0);
  CHECK(mid < 15.0);
  CHECK(mid < 10.0);  // the Walther curve is convex: below the linear mean
}

TEST_CASE("a delivery without a path to a tank or slack node is named", "[liquid][bad-input]") {
  LiquidNetwork net;
  const auto a = net.add_node("A"), b = net.add_node("B"), c = net.add_node("C");
  net.nodes[a].pressure_set_pa = pa_from_bar(5.0);
  net.nodes[c].injection_kg_per_s = -1.0;
  net.add_pipe("AB", a, b, 100.0, 0.1, 1e-4);
  auto& p = net.pipes[net.add_pipe("BC", b, c, 100.0, 0.1, 1e-4)];
  p.in_service = false;
  try {
    (void)solve(net);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("node 'C'") != std::string::npos);
  }
}

TEST_CASE("maximum throughput of a pumped line stops at the delivery pressure minimum, and N-1 on a station lowers it", "[liquid][capacity]") {
  // Tank 2 bar -> PS1 -> 60 km -> PS2 -> 60 km -> delivery (minimum 5 bar); 0.5 m line, water-like oil.
  LiquidNetwork net;
  net.fluid.density_kg_per_m3 = 850.0;
  net.fluid.viscosity_pa_s = 850.0 * 8e-6;
  const PumpCurve unit = PumpCurve::fit("U", {{0.0, 50.0}, {1000.0, 40.0}, {1500.0, 28.0}, {2000.0, 10.0}}, 2);
  const auto t = net.add_node("tank"), d1 = net.add_node("d1"), s2 = net.add_node("s2"), d2 = net.add_node("d2"),
             e = net.add_node("end");
  net.nodes[t].pressure_set_pa = pa_from_bar(2.0);
  net.nodes[e].injection_kg_per_s = -200.0;
  net.nodes[e].pressure_min_pa = pa_from_bar(5.0);
  net.add_pump("PS1", t, d1, unit);
  net.add_pipe("L1", d1, s2, 60e3, 0.5, 5e-5);
  net.add_pump("PS2", s2, d2, unit);
  net.add_pipe("L2", d2, e, 60e3, 0.5, 5e-5);
  const auto r = maximum_throughput(net);
  REQUIRE(r.binding_violation);
  CHECK(r.binding_violation->kind == Violation::Kind::pressure_below_min);
  CHECK(r.binding_violation->element == "node 'end'");
  REQUIRE(r.solution);
  // At the limit the delivery pressure is at its minimum (to the bisection's tolerance).
  CHECK(bar_from_pa(r.solution->pressure_pa[e]) == Approx(5.0).margin(0.05));
  CHECK(r.delivered_kg_per_s == Approx(200.0 * r.scale));
  const auto n1 = station_n_minus_1(net);
  REQUIRE(n1.size() == 2);
  for (const auto& o : n1) CHECK(o.throughput.delivered_kg_per_s < r.delivered_kg_per_s);
}
