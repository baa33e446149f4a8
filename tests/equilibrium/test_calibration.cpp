// corridor calibrate (sim/calibration): the fit recovers known choice parameters from volumes computed
// in closed form, says when a parameter is not identified, gives the same answer for any number of
// workers, and the bundled baseline reproduces the observed 2024 volumes it was calibrated to.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

#include "geo/error.hpp"
#include "sim/calibration/calibration.hpp"
#include "sim/run/load.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario.hpp"
#include "tests/support/csv_table.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor;
namespace fs = std::filesystem;

namespace {

/// Two rail routes X -> A -> D (10.01 h) and X -> B -> D (15.01 h; 20.01 h in the variant where X-B is
/// 1,000 km), no capacities: a plain binary logit in USD per TEU at 10 USD/TEU-h.
void write_two_routes(const test::TempDir& dir, double theta_start, double constant_start) {
  dir.write("nodes.geojson", R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "X", "kind": "terminal"}, "geometry": {"type": "Point", "coordinates": [60.0, 45.0]}},
 {"type": "Feature", "properties": {"id": "A", "kind": "junction"}, "geometry": {"type": "Point", "coordinates": [61.0, 45.5]}},
 {"type": "Feature", "properties": {"id": "B", "kind": "junction"}, "geometry": {"type": "Point", "coordinates": [61.0, 44.5]}},
 {"type": "Feature", "properties": {"id": "D", "kind": "terminal"}, "geometry": {"type": "Point", "coordinates": [62.0, 45.0]}}]})");
  auto link = [](const char* id, const char* from, const char* to, double km, double speed, const char* coords) {
    std::ostringstream s;
    s << R"({"type": "Feature", "properties": {"id": ")" << id << R"(", "from": ")" << from << R"(", "to": ")" << to
      << R"(", "mode": "rail", "cost_usd_per_teu": 0, "gauge_mm": 1520, "length_km": )" << km << R"(, "speed_kmh": )" << speed
      << R"(}, "geometry": {"type": "LineString", "coordinates": )" << coords << "}}";
    return s.str();
  };
  dir.write("links.geojson", R"({"type": "FeatureCollection", "features": [)" +
                                 link("XA", "X", "A", 500, 50, "[[60.0, 45.0], [61.0, 45.5]]") + ",\n" +
                                 link("AD", "A", "D", 10, 1000, "[[61.0, 45.5], [62.0, 45.0]]") + ",\n" +
                                 link("XB", "X", "B", 750, 50, "[[60.0, 45.0], [61.0, 44.5]]") + ",\n" +
                                 link("BD", "B", "D", 10, 1000, "[[61.0, 44.5], [62.0, 45.0]]") + "]}");
  std::ostringstream s;
  s << "name: two-routes\nnetwork: {nodes: nodes.geojson, links: links.geojson, geometry_checks: {mode: off}}\n"
    << "commodities:\n  containers: {value_of_time_usd_per_teu_h: 10.0, modes: [rail]}\n"
    << "demand:\n  - {origin: X, destination: D, teu_per_year: 36500}\n"
    << "freight:\n  method: stochastic_user_equilibrium\n  relative_gap: 1.0e-9\n  choice:\n"
    << "    via: [A, B]\n"
    << "    dispersion: {containers: {route_per_usd: " << theta_start << ", calibrate: [route]}}\n"
    << "    constants: [{name: via_a, usd_per_teu: " << constant_start << ", select: {ids: [A]}, calibrate: true}]\n";
  dir.write("two_routes.yaml", s.str());
  dir.write("longer_b.yaml", "extends: two_routes.yaml\nname: longer-b\nedits:\n  - scale: {select: {ids: [XB]}, length_km: 1.3333333333333333}\n");
}

/// TEU per year through A of the logit with scale theta (1/USD) and constant c (USD) on route A, when
/// route B takes dt hours more.
double through_a(double theta, double c, double dt_h) {
  const double d_usd = 10.0 * dt_h - c;  // cost of B minus cost of A
  return 36500.0 / (1.0 + std::exp(-theta * d_usd));
}

void write_targets(const test::TempDir& dir, bool with_variant) {
  const double theta = 0.01, c = 80.0;
  std::ostringstream s;
  s.precision(12);
  s << "target,scenario,measure,ids,value,sd\n";
  s << "a_base,,node,A," << through_a(theta, c, 5.0) << ",100\n";
  if (with_variant) s << "a_longer_b,longer_b.yaml,node,A," << through_a(theta, c, 10.0) << ",100\n";
  dir.write("observed.csv", s.str());
}

const calibration::Parameter& find(const calibration::Result& r, calibration::Parameter::Kind kind) {
  for (const auto& p : r.parameters)
    if (p.kind == kind) return p;
  FAIL("parameter missing");
  return r.parameters.front();
}

}  // namespace

TEST_CASE("calibrate recovers a logit's scale and constant from volumes in two states of the network", "[calibration]") {
  test::TempDir dir("calibration-recovery");
  write_two_routes(dir, 0.004, 0.0);
  write_targets(dir, true);
  calibration::Options o;
  o.threads = 1;
  const auto r = calibration::calibrate(dir / "two_routes.yaml", dir / "observed.csv", o);
  INFO("chi2 " << r.chi2);
  CHECK(r.converged);
  CHECK(r.chi2 < 1e-4);
  const auto& theta = find(r, calibration::Parameter::Kind::route_dispersion);
  const auto& c = find(r, calibration::Parameter::Kind::constant);
  CHECK(theta.value == Approx(0.01).epsilon(1e-3));
  CHECK(c.value == Approx(80.0).margin(0.2));
  // Standard errors from the targets' sd of 100 TEU: finite, and the truth within three of them.
  CHECK(theta.identified);
  CHECK(c.identified);
  CHECK(theta.se > 0.0);
  CHECK(std::abs(theta.value - 0.01) < 3.0 * theta.se);
  CHECK(std::abs(c.value - 80.0) < 3.0 * c.se);
  for (std::size_t i = 0; i < r.targets.size(); ++i) CHECK(r.modelled[i] == Approx(r.targets[i].value).margin(1.0));

  // The same fit on two workers: the same numbers to the last bit.
  o.threads = 2;
  const auto r2 = calibration::calibrate(dir / "two_routes.yaml", dir / "observed.csv", o);
  REQUIRE(r2.parameters.size() == r.parameters.size());
  for (std::size_t i = 0; i < r.parameters.size(); ++i) CHECK(r2.parameters[i].value == r.parameters[i].value);
  CHECK(r2.chi2 == r.chi2);

  // The calibrated scenario runs as it is and gives the observed volume.
  const std::string yaml = calibration::calibrated_yaml(r, dir / "two_routes.yaml", dir / "out", "fitted");
  fs::create_directories(dir / "out");
  dir.write("out/calibrated.yaml", yaml);
  run::Options ro;
  ro.bottlenecks = false;
  const auto res = run::run_scenario(dir / "out/calibrated.yaml", ro);
  calibration::Target t = r.targets.front();
  CHECK(calibration::measure(res, t) == Approx(through_a(0.01, 80.0, 5.0)).margin(2.0));
}

TEST_CASE("calibrate says which parameter one target cannot determine", "[calibration]") {
  test::TempDir dir("calibration-unidentified");
  write_two_routes(dir, 0.004, 0.0);
  write_targets(dir, false);  // one volume, two parameters: a curve of equally good fits
  calibration::Options o;
  o.threads = 1;
  const auto r = calibration::calibrate(dir / "two_routes.yaml", dir / "observed.csv", o);
  CHECK(r.chi2 < 1e-3);
  bool any_unidentified = false;
  for (const auto& p : r.parameters) any_unidentified = any_unidentified || !p.identified;
  CHECK(any_unidentified);
  bool warned = false;
  for (const auto& w : r.warnings) warned = warned || w.find("not identified") != std::string::npos;
  CHECK(warned);
}

TEST_CASE("the bundled baseline reproduces the observed 2024 volumes it was calibrated to", "[calibration][baseline]") {
  const fs::path scenarios = fs::path(CORRIDOR_SOURCE_DIR) / "scenarios";
  const auto targets = calibration::read_targets(scenarios / "calibration/observed_2024.csv");
  REQUIRE(targets.size() >= 10);
  scenario::Scenario base = scenario::load(scenarios / "baseline.yaml");
  const auto fitted = calibration::parameters_of(base);
  REQUIRE(!fitted.empty());
  run::Options o;
  o.bottlenecks = false;
  o.events = false;
  std::map<fs::path, run::Results> results;
  for (const auto& t : targets) {
    const fs::path key = t.scenario.empty() ? fs::path("baseline") : t.scenario;
    if (!results.contains(key)) {
      // A variant (another year) takes the baseline's fitted parameters by name, as calibrate did.
      scenario::Scenario s = t.scenario.empty() ? base : scenario::load(t.scenario);
      calibration::apply(s, fitted);
      auto net = run::load_network(s);
      results.emplace(key, run::run_scenario(std::move(s), std::move(net), o));
    }
    const double m = calibration::measure(results.at(key), t);
    INFO(t.name << ": observed " << t.value << ", modelled " << m);
    if (t.measure == calibration::Target::Measure::share) CHECK(std::abs(m - t.value) <= 0.05);
    else CHECK(m == Approx(t.value).epsilon(0.10));
    // Within two of the target's own standard deviations.
    CHECK(std::abs(m - t.value) <= 2.0 * t.sd);
  }
}

TEST_CASE("corridor calibrate writes the calibrated scenario that corridor run uses as is, and the fit tables",
          "[calibration][e2e]") {
  test::TempDir dir("calibrate-cli");
  write_two_routes(dir, 0.004, 0.0);
  write_targets(dir, true);
  const auto r = test::run_corridor({"calibrate", (dir / "two_routes.yaml").string(), (dir / "observed.csv").string(),
                                     "--out", (dir / "cal").string(), "-j", "2"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Matchers::Contains("a_base") && Catch::Matchers::Contains("a_longer_b") &&
                        Catch::Matchers::Contains("chi2") && Catch::Matchers::Contains("constant via_a"));
  for (const char* f : {"calibrated.yaml", "fit.csv", "parameters.csv", "summary.json"}) CHECK(fs::exists(dir / "cal" / f));
  CHECK(test::read_file(dir / "cal/parameters.csv").starts_with("parameter,kind,name,unit,start,value,standard_error,identified\n"));
  // The calibrated scenario runs from its folder and splits as the closed form at the fitted values.
  const auto run = test::run_corridor({"run", (dir / "cal/calibrated.yaml").string(), "--out", (dir / "run").string(), "-q"});
  INFO(run.err);
  REQUIRE(run.status == 0);
  double share_a = -1.0;
  for (const auto& row : test::read_csv_table(dir / "run/od_routes.csv").rows)
    if (row.at("route") == "X>A>D") share_a = std::stod(row.at("share"));
  CHECK(share_a == Approx(through_a(0.01, 80.0, 5.0) / 36500.0).margin(1e-4));
  // Calibrating again into the same folder replaces it (corridor wrote it); into the scenario's own
  // folder is refused (it holds the inputs).
  CHECK(test::run_corridor({"calibrate", (dir / "two_routes.yaml").string(), (dir / "observed.csv").string(), "--out",
                            (dir / "cal").string(), "-q"})
            .status == 0);
  const auto refused = test::run_corridor(
      {"calibrate", (dir / "two_routes.yaml").string(), (dir / "observed.csv").string(), "--out", dir.path().string(), "-q"});
  CHECK(refused.status == 1);
  CHECK(fs::exists(dir / "two_routes.yaml"));
}

TEST_CASE("calibrate started on a plateau, where a target gets no flow, says so and what to try", "[calibration]") {
  test::TempDir dir("calibration-plateau");
  // A constant of 50,000 USD on route A: exp(-0.01 x 50,000) leaves A nothing a small step can change.
  write_two_routes(dir, 0.01, 50000.0);
  write_targets(dir, true);
  calibration::Options o;
  o.threads = 1;
  o.max_iterations = 5;
  const auto r = calibration::calibrate(dir / "two_routes.yaml", dir / "observed.csv", o);
  bool said = false;
  for (const auto& w : r.warnings) said = said || (w.find("plateau") != std::string::npos && w.find("a_base") != std::string::npos);
  CHECK(said);
}
