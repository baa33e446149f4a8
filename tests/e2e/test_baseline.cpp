// End-to-end on the bundled data: `corridor run scenarios/baseline.yaml`, checked against published
// door-to-door figures that are not in the facts the data was built from (times here are an output
// of physical link and node figures, never tuned to these ranges).
//
// Published ranges used (see scenarios/README.md, "Transit times against published figures"):
// - Northern rail: Xi'an-Duisburg speed train 13 days; China-Poland terminal to terminal 13-15 days,
//   China-Germany 18-21 days (index1520 / DHL market overviews, Jan-Apr 2024); Xi'an-Malaszewicze
//   12-14 days, Chongqing-Duisburg 16-18 days (Navis Group, 2025); Chongqing-Duisburg 16 days (China Daily, 2013).
// - Middle Corridor: 20-25 days China-Europe on average (Trend, Jan 2024); official TITR guidance
//   31-34 days to Constanta, 32-37 days to Budapest/Duisburg (Navis Group, 2025).
// - Sea: 30-45 days factory to warehouse (Asia Daily, 2025); sea 20 days slower than Chongqing-Duisburg
//   rail (China Daily, 2013); the diversion round the Cape since the Red Sea crisis adds 7-14 days
//   Shanghai-Rotterdam (carriers via corridor_facts.md [O9]-[O11]; the model's sea legs are geometry).
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include "geo/csv.hpp"
#include "tests/support/run_cli.hpp"

using namespace corridor::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

TEST_CASE("the bundled baseline runs and gives transit days by route family within published ranges", "[e2e][baseline]") {
  TempDir dir("baseline");
  const fs::path scenario = fs::path(CORRIDOR_SOURCE_DIR) / "scenarios/baseline.yaml";
  const auto r = run_corridor({"run", scenario.string(), "--out", (dir / "out").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("Xi'an") && Contains("Duisburg") && Contains("northern"));

  std::istringstream csv(read_file(dir / "out/od.csv"));
  std::string line;
  std::getline(csv, line);
  const auto header = corridor::geo::csv_split(line);
  auto col = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<std::size_t>(it - header.begin());
  };
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> rows;
  while (std::getline(csv, line)) {
    const auto f = corridor::geo::csv_split(line);
    if (f[col("commodity")] == "cn_eu") rows[{f[col("origin")], f[col("destination")]}] = f;
  }
  // The China Railway Express origins of the fact sheet to the German and Polish rail terminals; the
  // market's rows are keyed by commodity too (cn_eu is China -> Europe).
  for (const char* o : {"XIA", "CKG", "CTU", "CGO", "YIW"}) {
    for (const char* d : {"DUI", "HAM", "WAW"}) {
      INFO(o << " -> " << d);
      REQUIRE(rows.count({o, d}) == 1);
      const auto& row = rows[{o, d}];
      CHECK_FALSE(row[col("origin_name")].empty());
      CHECK_FALSE(row[col("destination_name")].empty());
      CHECK(row[col("unserved_teu_per_year")] == "0.0");
      const double northern = std::stod(row[col("northern_transit_days")]);
      const double middle = std::stod(row[col("middle_transit_days")]);
      const double suez = std::stod(row[col("sea_suez_transit_days")]);
      const double cape = std::stod(row[col("sea_cape_transit_days")]);
      CHECK(northern >= 10.0);
      CHECK(northern <= 21.0);
      CHECK(middle >= 18.0);
      CHECK(middle <= 37.0);
      if (std::string(d) != "WAW") {  // Warsaw's best sea route lands at Piraeus and takes the train
        CHECK(suez >= 30.0);
        CHECK(suez <= 45.0);
      }
      CHECK(northern < middle);
      CHECK(middle < suez);
      // Round the Cape of Good Hope: 7-14 days more than through Suez (published range above).
      CHECK(cape - suez >= 7.0);
      CHECK(cape - suez <= 16.0);
      // A choice, not a corner: shippers of every OD spread over several routes.
      CHECK(std::stoi(row[col("routes_used")]) >= 3);
    }
  }
}

TEST_CASE("the bundled network validates and describes itself", "[e2e][baseline]") {
  const fs::path root(CORRIDOR_SOURCE_DIR);
  const auto v = run_corridor({"validate", (root / "scenarios/baseline.yaml").string()});
  CHECK(v.status == 0);
  const auto info = run_corridor({"info", (root / "scenarios/network/nodes.geojson").string(),
                                  (root / "scenarios/network/links.geojson").string()});
  REQUIRE(info.status == 0);
  CHECK_THAT(info.out, Contains("pipeline") && Contains("ferry") && Contains("rail") && Contains("sea"));
}
