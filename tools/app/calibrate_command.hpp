// `corridor calibrate SCENARIO OBSERVED [--out DIR]`: fits the scenario's choice model to observed
// volumes (sim/calibration), prints observed against modelled and the fitted parameters, and writes
// DIR/calibrated.yaml (a scenario `corridor run` uses as is), DIR/fit.csv, DIR/parameters.csv and
// DIR/summary.json.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>

namespace corridor::app {

struct CalibrateOptions {
  std::filesystem::path scenario;
  std::filesystem::path observed;
  std::optional<std::filesystem::path> out_dir;  ///< default out/<scenario name>-calibrated
  unsigned threads = 0;
  bool quiet = false;
};

int calibrate(const CalibrateOptions& options, std::ostream& out);

}  // namespace corridor::app
