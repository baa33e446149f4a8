// `corridor report DIR`: one self-contained HTML page (map, tables, charts) from a results folder.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace corridor::app {

/// Writes DIR/report.html from a results folder of `corridor run` (links.geojson, nodes.geojson,
/// od.csv, summary.json, and when present the event results timeseries.csv, events_od.csv and
/// transit_times.csv) or of `corridor batch`
/// (kpis.csv, study.json, and the first kept/<id>/ results folder for the map). The page inlines
/// its libraries and data: it opens offline and makes no network request. Prints the path written
/// to `out`; returns the exit status (0). Throws InputError naming the file that is missing or broken.
int report(const std::filesystem::path& results_dir, std::ostream& out);

/// The data the page draws (exposed for tests): {"title", "source", "run": {...}, "study": {...}}.
nlohmann::ordered_json report_data(const std::filesystem::path& results_dir);

}  // namespace corridor::app
