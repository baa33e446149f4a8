// libFuzzer target: the scenario parser (scenario::load) on arbitrary YAML, then what `corridor run`
// does with a scenario before solving: its ids checked against a network, its edits applied, its
// events section parsed. A parent scenario (parent.yaml) and an OD matrix (od.csv) sit beside the
// input, so that `extends:` and `demand_csv:` lead somewhere. The network is the small one of the
// bad-input catalogue (nodes A, B, C, Y, Z; links AB, BC, YZ). Anything but a scenario or an
// InputError (a crash, a sanitizer report, another exception) is a bug.
#include <cstdint>

#include "geo/error.hpp"
#include "sim/events/settings.hpp"
#include "sim/network/network.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/yaml_reader.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "tests/support/inline_network.hpp"

namespace {

using namespace corridor;
using test::link;
using test::node;
using test::num;
using test::text;

const network::Network& base_network() {
  static const network::Network net = [] {
    const auto nodes = test::layer("nodes.geojson", {node("A", 100.0, 40.0, {{"kind", text("terminal")}}),
                                                     node("B", 80.0, 45.0, {{"kind", text("border")}, {"dwell_h", num(24)}, {"capacity_teu_per_day", num(500)}}),
                                                     node("C", 10.0, 51.0, {{"country", text("DE")}}),
                                                     node("Y", 30.0, 40.0, {{"country", text("TR")}}),
                                                     node("Z", 32.0, 39.0, {{"kind", text("gas_sink")}})});
    const auto links = test::layer(
        "links.geojson",
        {link("AB", "A", "B", {100.0, 40.0}, {80.0, 45.0},
              {{"mode", text("rail")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", num(1435)}, {"speed_kmh", num(50)}, {"capacity_teu_per_day", num(400)}}),
         link("BC", "B", "C", {80.0, 45.0}, {10.0, 51.0}, {{"mode", text("rail")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", num(1435)}, {"speed_kmh", num(40)}}),
         link("YZ", "Y", "Z", {30.0, 40.0}, {32.0, 39.0}, {{"mode", text("pipeline")}, {"diameter_mm", num(1000)}})});
    return network::Network::build(nodes, links);
  }();
  return net;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::write("parent.yaml",
              "name: parent\nnetwork: {nodes: nodes.geojson, links: links.geojson}\n"
              "commodities:\n  containers: {value_of_time_usd_per_teu_h: 10}\n"
              "demand:\n  - {origin: A, destination: C, teu_per_year: 100}\n");
  fuzz::write("od.csv", "origin,destination,commodity,teu_per_year\nA,C,containers,100\nC,A,,5\n");
  (void)base_network();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = fuzz::write("scenario.yaml", fuzz::as_text(data, size));
  try {
    scenario::Scenario s = scenario::load(file);
    network::Network net = base_network();
    scenario::check_against(s, net);
    scenario::apply_edits(s, net);
    for (const auto& row : s.demand)
      if (!(row.teu_per_year >= 0.0) || !s.find_commodity(row.commodity)) __builtin_trap();
    if (s.events) {
      const scenario::YamlReader yr(s.events->file);
      (void)events::parse_event_settings(yr, s.events->node, s.events->file.parent_path());
    }
  } catch (const InputError&) {
  }
  return 0;
}
