// Compressor stations on their machines (compressor_machines.hpp, gaslib_cs.hpp): the GasLib .cs
// reader on GasLib-11 and GasLib-24, the coefficient order against GasLib's own measured points, and
// the optimiser on a station solved by hand (ideal gas, fixed friction factor: the pipe obeys
// p_in^2 - p_out^2 = K mdot^2; the unit's speed isoline H = k n^2 is flat in Q, its efficiency 0.8).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>

#include "geo/error.hpp"
#include "sim/gas/gaslib_cs.hpp"
#include "sim/gas/optimizer.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor::gas;
namespace fs = std::filesystem;

namespace {

const fs::path kGasLib = fs::path(CORRIDOR_SHARED_DATA_DIR) / "gas" / "gaslib";
constexpr double pi = 3.14159265358979323846;
constexpr double lambda = 0.01;
constexpr double m = 50.0;            // kg/s through the station
constexpr double k_head = 1.2e-6;     // H = k n^2, kJ/kg with n in 1/min
constexpr double eta = 0.8;
constexpr double lhv = 47.0e6;        // J/kg, the Gas default

/// One turbo unit on a gas turbine: H(Q, n) = k n^2, eta = 0.8, surge H <= 100 Q, choke H >= 2 Q,
/// largest power 10 MW, energy rate 2000 kW + 2.5 P.
StationMachines turbo_station(double n_min, double n_max) {
  StationMachines s;
  s.file = "hand.cs";
  TurboCompressor t;
  t.head_kj_per_kg = {0, 0, k_head, 0, 0, 0, 0, 0, 0};
  t.efficiency = {eta, 0, 0, 0, 0, 0, 0, 0, 0};
  t.surge_head_kj_per_kg = {0, 100, 0};
  t.choke_head_kj_per_kg = {0, 2, 0};
  CompressorUnit u;
  u.id = "T1";
  u.speed_min_per_min = n_min;
  u.speed_max_per_min = n_max;
  u.turbo = t;
  s.units.push_back(u);
  Drive d;
  d.id = "GT1";
  d.kind = DriveKind::gas_turbine;
  d.energy_rate_kw = {2000.0, 2.5, 0.0};
  d.power_max_kw = {10000, 0, 0, 0, 0, 0, 0, 0, 0};
  s.drives.push_back(d);
  s.configurations.push_back({"1", {{0}}});
  s.ambient_temperature_c = 15.0;
  return s;
}

/// S (held at 50 bar) -> station C on its machines -> O -> 100 km of 500 mm -> T (50 kg/s, >= 45 bar).
GasNetwork station_network(const StationMachines& machines) {
  GasNetwork net;
  net.gas = Gas::from_specific_gravity(0.6, 288.15);
  net.gas.law = GasLaw::ideal;
  net.friction = FrictionModel::fixed;
  const auto s = net.add_node("S");
  net.nodes[s].pressure_set_pa = pa_from_bar(50.0);
  net.nodes[s].entry = true;
  const auto o = net.add_node("O");
  const auto t = net.add_node("T", -m);
  net.nodes[t].pressure_min_pa = pa_from_bar(45.0);
  const auto c = net.add_compressor("C", s, o, CompressorMode::ratio, 1.0);
  net.compressors[c].ratio_max = 3.0;
  net.compressors[c].machines = std::make_shared<StationMachines>(machines);
  const auto p = net.add_pipe("P", o, t, 100e3, 0.5);
  net.pipes[p].friction_factor = lambda;
  return net;
}

struct Hand {
  double rt, alpha, k_pipe;
  [[nodiscard]] double head_j_per_kg(double ratio) const { return rt / alpha * (std::pow(ratio, alpha) - 1.0); }
  [[nodiscard]] double ratio_of_head(double h_j_per_kg) const { return std::pow(1.0 + alpha * h_j_per_kg / rt, 1.0 / alpha); }
};

Hand hand(const GasNetwork& net) {
  const double area = pi * 0.25 * 0.25;
  const double rt = net.gas.specific_gas_constant() * net.gas.temperature_k;
  const double kappa = net.gas.heat_capacity_ratio;
  return {rt, (kappa - 1.0) / kappa, lambda * 100e3 / 0.5 * rt / (area * area)};
}

}  // namespace

TEST_CASE("a station point inside its characteristic diagram runs at the speed and fuel computed by hand",
          "[gas][optimizer][machines]") {
  const auto net = station_network(turbo_station(3000.0, 6000.0));
  const Hand h = hand(net);
  // By hand: p_T = 45 bar binds; p_O^2 = p_T^2 + K m^2; ratio r = p_O / p_S; head H_ad(r); inlet flow
  // Q = m R T / p_S; speed on H = k n^2; shaft power m H / eta; fuel (2000 kW + 2.5 P) / LHV.
  const double p_s = pa_from_bar(50.0), p_t = pa_from_bar(45.0);
  const double p_o = std::sqrt(p_t * p_t + h.k_pipe * m * m);
  const double ratio = p_o / p_s;
  const double head = h.head_j_per_kg(ratio);
  const double speed = std::sqrt(head / 1e3 / k_head);
  const double power = m * head / eta;
  const double fuel = (2000.0 + 2.5 * power / 1e3) * 1e3 / lhv;
  REQUIRE(speed > 3000.0);
  REQUIRE(speed < 6000.0);  // inside the speed range, and far from surge (100 Q) and choke (2 Q)

  OptimizerOptions fuel_objective;
  fuel_objective.objective = Objective::fuel;
  for (const auto& options : {OptimizerOptions{}, fuel_objective}) {
    const auto r = optimise(net, options);
    REQUIRE(r.feasible);
    const auto& st = r.stations[0];
    CHECK(st.state == ControlState::active);
    CHECK(st.configuration == "1");
    REQUIRE(st.units.size() == 1);
    CHECK(st.ratio == Approx(ratio).epsilon(1e-6));
    CHECK(st.units[0].volumetric_flow_m3_per_s == Approx(m * h.rt / p_s).epsilon(1e-6));
    CHECK(st.units[0].head_kj_per_kg == Approx(head / 1e3).epsilon(1e-5));
    CHECK(st.units[0].speed_per_min == Approx(speed).epsilon(1e-5));
    CHECK(st.units[0].efficiency == Approx(eta).epsilon(1e-12));
    CHECK(st.units[0].power_w == Approx(power).epsilon(1e-5));
    CHECK(st.units[0].fuel_kg_per_s == Approx(fuel).epsilon(1e-5));
    CHECK(st.units[0].in_range);
    CHECK(r.solution.compressors[0].fuel_kg_per_s == Approx(fuel).epsilon(1e-5));
    CHECK(r.solution.compressors[0].power_w == Approx(power).epsilon(1e-5));
    CHECK(r.objective_value == Approx(options.objective == Objective::fuel ? fuel : power).epsilon(1e-5));
    CHECK(r.pressure_agreement < 1e-6);
  }
}

TEST_CASE("a station whose least speed lifts more than needed runs on its minimum speed isoline",
          "[gas][optimizer][machines]") {
  // n_min = 5500 per min: the least head is k n_min^2 (more than the 45 bar at T need), so the point
  // moves to the boundary of the range: ratio from that head, p_T = sqrt((r p_S)^2 - K m^2) > 45 bar.
  const auto net = station_network(turbo_station(5500.0, 6000.0));
  const Hand h = hand(net);
  const double head = k_head * 5500.0 * 5500.0 * 1e3;
  const double ratio = h.ratio_of_head(head);
  const double p_o = ratio * pa_from_bar(50.0);
  const double p_t = std::sqrt(p_o * p_o - h.k_pipe * m * m);
  REQUIRE(p_t > pa_from_bar(45.5));
  const auto r = optimise(net);
  REQUIRE(r.feasible);
  REQUIRE(r.stations[0].state == ControlState::active);
  CHECK(r.stations[0].units[0].speed_per_min == Approx(5500.0).epsilon(1e-6));
  CHECK(r.stations[0].ratio == Approx(ratio).epsilon(1e-6));
  CHECK(r.solution.pressure_pa[2] == Approx(p_t).epsilon(1e-6));
  CHECK(r.stations[0].units[0].power_w == Approx(m * head / eta).epsilon(1e-5));
}

TEST_CASE("a point beyond the station's largest speed is rejected and the unmet bound named",
          "[gas][optimizer][machines]") {
  // n_max = 4000 per min: the largest head k n_max^2 gives less than the ratio T needs: no setting
  // holds T at 45 bar; the least violation has the unit at its largest speed.
  const auto net = station_network(turbo_station(3000.0, 4000.0));
  const Hand h = hand(net);
  const double ratio = h.ratio_of_head(k_head * 4000.0 * 4000.0 * 1e3);
  const double p_o = ratio * pa_from_bar(50.0);
  const double p_t = std::sqrt(p_o * p_o - h.k_pipe * m * m);
  REQUIRE(p_t < pa_from_bar(44.0));
  const auto r = optimise(net);
  CHECK_FALSE(r.feasible);
  REQUIRE(!r.unmet.empty());
  CHECK(r.unmet.front().element == "node 'T'");
  CHECK(r.unmet.front().limit == "pressure_min");
  CHECK(r.unmet.front().value == Approx(p_t).epsilon(1e-6));
  CHECK(r.message.find("node 'T': pressure_min 45 bar cannot be met") != std::string::npos);
}

TEST_CASE("the GasLib coefficient order reproduces GasLib's measured characteristic-diagram points", "[gas][machines]") {
  // A turbo compressor of a GasLib-era station file that keeps the measurements beside its fitted
  // coefficients (the NOPT network data: station eN_KRUH_VS, unit T_KRUH_M3): the point measured at
  // n = 4550 per min, Q = 1.7 m3/s has H = 42.27 kJ/kg on the efficiency-0.82 isoline, and the surge
  // line passes through (1.63 m3/s, 42.96 kJ/kg). The fits are least squares: agreement to 0.5%.
  const std::array<double, 9> head{259.194, -0.0865313, 7.96321e-06, -257.938, 0.0946806, -7.14148e-06, 40.343, -0.0179589, 1.48827e-06};
  const std::array<double, 9> eff{4.86605, -0.00129653, 5.58797e-08, -3.61075, 0.00147876, -1.0918e-07, 0.142, -0.000159514, 1.55149e-08};
  const std::array<double, 3> surge{-37.8408, 48.2651, 0.776384};
  CHECK(gaslib_biquadratic(head, 1.7, 4550.0) == Approx(42.27).epsilon(5e-3));
  CHECK(gaslib_biquadratic(eff, 1.7, 4550.0) == Approx(0.82).epsilon(5e-3));
  CHECK(gaslib_quadratic(surge, 1.63) == Approx(42.96).epsilon(5e-3));
  // A gas turbine's largest power at n = 4550 per min and -5 degC (measured 10439 kW), and its fuel
  // at 9738 kW of shaft power (measured 37266 kW).
  Drive d;
  d.power_max_kw = {206.88, 3.29868, -0.000245917, -3.043, -0.0196877, 1.45562e-06, 0.052, 4.61538e-06, 1.91299e-20};
  d.energy_rate_kw = {9998.93, 2.80027, -1.97177e-08};
  CHECK(drive_power_max_kw(d, 4550.0, -5.0) == Approx(10439.0).epsilon(5e-3));
  CHECK(drive_energy_rate_kw(d, 9738.0) == Approx(37266.0).epsilon(5e-3));
}

TEST_CASE("the GasLib-11 and GasLib-24 compressor-station files are read with their units, drives and configurations",
          "[gas][gaslib][machines]") {
  const auto f11 = kGasLib / "GasLib-11" / "GasLib-11.cs";
  const auto f24 = kGasLib / "GasLib-24" / "GasLib-24.cs";
  if (!fs::exists(f11) || !fs::exists(f24)) {
    WARN("reference data " << kGasLib << " is absent: skipped");
    return;
  }
  const auto d11 = read_gaslib_compressor_stations(f11);
  REQUIRE(d11.stations.size() == 2);
  const auto& cs01 = d11.stations.at("CS01_entry03_N01");
  REQUIRE(cs01.units.size() == 1);
  CHECK(cs01.units[0].id == "T_CS2_M4");
  REQUIRE(cs01.units[0].turbo);
  CHECK(cs01.units[0].speed_min_per_min == Approx(3500.0));
  CHECK(cs01.units[0].speed_max_per_min == Approx(6500.0));
  CHECK(cs01.units[0].turbo->head_kj_per_kg[0] == 62.0918);
  CHECK(cs01.units[0].turbo->head_kj_per_kg[8] == 2.45649e-07);
  CHECK(cs01.units[0].turbo->surge_head_kj_per_kg[1] == 27.7343);
  CHECK(cs01.units[0].turbo->choke_head_kj_per_kg[2] == 0.0567136);
  REQUIRE(cs01.drives.size() == 1);
  CHECK(cs01.drives[0].kind == DriveKind::gas_turbine);
  CHECK(cs01.drives[0].energy_rate_kw[0] == 5000.0);
  CHECK(cs01.drives[0].power_max_kw.size() == 9);
  CHECK(cs01.drives[0].power_max_kw[0] == -1507.55);
  REQUIRE(cs01.configurations.size() == 1);
  CHECK(cs01.configurations[0].stages.size() == 1);

  const auto d24 = read_gaslib_compressor_stations(f24);
  REQUIRE(d24.stations.size() == 3);
  const auto& cs1 = d24.stations.at("CS1");
  CHECK(cs1.units.size() == 3);
  CHECK(cs1.drives.size() == 3);
  REQUIRE(cs1.configurations.size() == 1);
  REQUIRE(cs1.configurations[0].stages.size() == 1);
  CHECK(cs1.configurations[0].stages[0] == std::vector<std::size_t>{0, 2});  // Comp11 and Comp13 in parallel
  CHECK(cs1.drives[cs1.units[2].drive].id == "Turb13");
  CHECK(cs1.drives[0].energy_rate_kw[2] == 4.45109e-07);
  const auto& cs3 = d24.stations.at("CS3");
  CHECK(cs3.units.size() == 2);
  REQUIRE(cs3.configurations.size() == 4);
  CHECK(cs3.configurations[0].id == "1");
  CHECK(cs3.configurations[0].stages.size() == 2);  // T_CS3_M1 then T_CS3_M3 in series
  CHECK(cs3.configurations[2].id == "2");
  CHECK(cs3.configurations[2].stages[0].size() == 2);
  CHECK(cs3.units[1].turbo->choke_head_kj_per_kg[1] == 1.33227);
  CHECK(cs3.units[0].speed_max_per_min == Approx(11600.0));
  CHECK(d24.stations.at("CS2").units.size() == 1);
}

TEST_CASE("a malformed compressor-station file is one error naming the file and the element", "[gas][gaslib][machines]") {
  corridor::test::TempDir dir("bad-cs");
  const auto file = dir / "bad.cs";
  std::ofstream(file) << R"(<?xml version="1.0" encoding="UTF-8"?>
<compressorStations xmlns="http://gaslib.zib.de/CompressorStations">
  <compressorStation id="CS">
    <compressors>
      <turboCompressor drive="GT" id="T1">
        <speedMin value="3500" unit="per_min"/>
        <speedMax value="6500" unit="bar"/>
        <n_isoline_coeff_1 value="1"/>
      </turboCompressor>
    </compressors>
    <drives><gasTurbine id="GT"/></drives>
    <configurations><configuration confId="1" nrOfSerialStages="1"><stage stageNr="1" nrOfParallelUnits="1"><compressor id="T1"/></stage></configuration></configurations>
  </compressorStation>
</compressorStations>
)";
  try {
    (void)read_gaslib_compressor_stations(file);
    FAIL("no error");
  } catch (const corridor::InputError& e) {
    const std::string what = e.what();
    CHECK(what.find(file.string() + ": turboCompressor 'T1' of compressorStation 'CS': <speedMax> has the unit 'bar' of a "
                                    "pressure, not of a speed (per_min, per_s)") != std::string::npos);
    CHECK(what.find("needs <n_isoline_coeff_1> to <n_isoline_coeff_9> (found 1)") != std::string::npos);
  }
  GasNetwork net;
  net.add_node("A");
  CompressorStationData data;
  data.file = "x.cs";
  data.stations["CS"] = turbo_station(1.0, 2.0);
  CHECK_THROWS_WITH(attach_compressor_stations(net, data, 15.0),
                    Catch::Contains("x.cs: compressorStation 'CS': is not a compressor station of the network"));
}
