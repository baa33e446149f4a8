#include "tools/app/report.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "geo/csv.hpp"
#include "geo/error.hpp"
#include "geo/reader.hpp"
#include "geo/writer.hpp"
#include "tools/app/output_folder.hpp"

namespace corridor::app {

namespace detail {
/// The page template with __CORRIDOR_REPORT_DATA__ where the data go; generated from
/// tools/report/src by tools/report/build.mjs (empty when the build had no Node.js/npm).
std::string_view report_template();
}  // namespace detail

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

constexpr std::string_view data_marker = "__CORRIDOR_REPORT_DATA__";

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), "", "cannot read file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

ordered_json read_json(const fs::path& file) {
  try {
    return ordered_json::parse(read_text(file));
  } catch (const ordered_json::parse_error& e) {
    throw InputError(file.string(), "", std::string("not valid JSON: ") + e.what());
  }
}

/// A GeoJSON FeatureCollection, checked only as far as the page relies on it.
ordered_json read_feature_collection(const fs::path& file) {
  ordered_json j = read_json(file);
  if (!j.is_object() || j.value("type", "") != "FeatureCollection" || !j.contains("features") || !j["features"].is_array())
    throw InputError(file.string(), "", "not a GeoJSON FeatureCollection");
  std::size_t i = 0;
  for (const auto& f : j["features"]) {
    if (!f.is_object() || !f.contains("properties") || !f["properties"].is_object())
      throw InputError(file.string(), "feature " + std::to_string(i), "has no properties object");
    ++i;
  }
  return j;
}

/// A CSV file as {"columns": [...], "rows": [[...], ...]} (all fields as text; the page reads numbers).
ordered_json read_csv(const fs::path& file) {
  std::istringstream in(read_text(file));
  std::string line;
  ordered_json table = {{"columns", ordered_json::array()}, {"rows", ordered_json::array()}};
  std::size_t width = 0;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto fields = geo::csv_split(line);
    if (width == 0) {
      if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) fields.front().erase(0, 3);
      width = fields.size();
      table["columns"] = fields;
      continue;
    }
    if (fields.size() != width)
      throw InputError(file.string(), "line " + std::to_string(line_no),
                       "has " + std::to_string(fields.size()) + " fields, the header has " + std::to_string(width));
    table["rows"].push_back(std::move(fields));
  }
  if (width == 0) throw InputError(file.string(), "", "empty CSV file (no header line)");
  return table;
}

/// A layer of a GeoPackage as the GeoJSON FeatureCollection the page reads.
ordered_json feature_collection_of(const fs::path& gpkg, const std::string& layer_name) {
  const geo::Layer layer = geo::read_layer(gpkg.string(), layer_name);
  ordered_json features = ordered_json::array();
  for (const auto& f : layer.features) {
    ordered_json properties = ordered_json::object();
    for (const auto& a : f.attributes) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) properties[a.name] = nullptr;
            else properties[a.name] = v;
          },
          a.value);
    }
    ordered_json geometry = nullptr;
    if (f.geometry == geo::GeometryKind::point && !f.points.empty()) {
      geometry = {{"type", "Point"}, {"coordinates", {f.points[0].lon_deg, f.points[0].lat_deg}}};
    } else if (f.geometry == geo::GeometryKind::line_string) {
      ordered_json coords = ordered_json::array();
      for (const auto& p : f.points) coords.push_back({p.lon_deg, p.lat_deg});
      geometry = {{"type", "LineString"}, {"coordinates", coords}};
    }
    features.push_back({{"type", "Feature"}, {"properties", properties}, {"geometry", geometry}});
  }
  return {{"type", "FeatureCollection"}, {"features", features}};
}

/// The results of one `corridor run` folder (GeoJSON layers, or the layers of results.gpkg).
ordered_json run_data(const fs::path& dir) {
  ordered_json run;
  if (!fs::exists(dir / "links.geojson") && fs::exists(dir / "results.gpkg")) {
    run["links"] = feature_collection_of(dir / "results.gpkg", "links");
    run["nodes"] = feature_collection_of(dir / "results.gpkg", "nodes");
  } else {
    run["links"] = read_feature_collection(dir / "links.geojson");
    if (fs::exists(dir / "nodes.geojson")) run["nodes"] = read_feature_collection(dir / "nodes.geojson");
  }
  if (fs::exists(dir / "summary.json")) run["summary"] = read_json(dir / "summary.json");
  for (const char* name : {"od", "timeseries", "events_od", "transit_times"}) {
    const fs::path file = dir / (std::string(name) + ".csv");
    if (fs::exists(file)) run[name] = read_csv(file);
  }
  return run;
}

/// Study parameters: the kpis.csv columns between `case` and `draw`.
std::vector<std::string> study_parameters(const ordered_json& columns) {
  std::vector<std::string> params;
  bool inside = false;
  for (const auto& c : columns) {
    const auto name = c.get<std::string>();
    if (name == "case") { inside = true; continue; }
    if (name == "draw" || name == "status") break;
    if (inside) params.push_back(name);
  }
  return params;
}

/// "</" cannot appear inside the <script> element that carries the data: JSON may write "<\/".
std::string script_safe(std::string json) {
  for (std::size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 3)) json.insert(at + 1, "\\");
  return json;
}

}  // namespace

ordered_json report_data(const fs::path& results_dir) {
  if (!fs::is_directory(results_dir)) throw InputError(results_dir.string(), "", "results folder not found");
  const auto kind = marker_kind(results_dir);
  if (kind != FolderKind::run && kind != FolderKind::study)
    throw InputError(results_dir.string(), "",
                     "not a results folder written by corridor run or corridor batch (it has no " +
                         std::string(kMarkerFile) + " marker of one), so nothing is written into it");
  ordered_json data;
  data["source"] = fs::absolute(results_dir).lexically_normal().string();
  if (fs::exists(results_dir / "kpis.csv")) {
    ordered_json study;
    study["kpis"] = read_csv(results_dir / "kpis.csv");
    study["parameters"] = study_parameters(study["kpis"]["columns"]);
    std::string name = results_dir.filename().string();
    if (fs::exists(results_dir / "study.json")) {
      const auto meta = read_json(results_dir / "study.json");
      name = meta.value("study", name);
    }
    std::vector<std::string> kept;
    if (fs::is_directory(results_dir / "kept"))
      for (const auto& e : fs::directory_iterator(results_dir / "kept"))
        if (e.is_directory() && marker_kind(e.path()) == FolderKind::run) kept.push_back(e.path().filename().string());
    std::sort(kept.begin(), kept.end());
    study["kept"] = kept;
    data["title"] = "Study " + name;
    data["description"] = std::to_string(study["kpis"]["rows"].size()) + " scenarios";
    if (!kept.empty()) {
      data["run"] = run_data(results_dir / "kept" / kept.front());
      data["run"]["label"] = kept.front();
    }
    data["study"] = std::move(study);
    return data;
  }
  if (kind == FolderKind::study)
    throw InputError(results_dir.string(), "", "a study folder without kpis.csv: the study has not finished yet");
  data["run"] = run_data(results_dir);
  const auto& summary = data["run"].contains("summary") ? data["run"]["summary"] : ordered_json::object();
  data["title"] = "Scenario " + summary.value("scenario", results_dir.filename().string());
  data["description"] = summary.value("description", "");
  return data;
}

int report(const fs::path& results_dir, std::ostream& out) {
  const std::string json = script_safe(report_data(results_dir).dump(-1, ' ', false, ordered_json::error_handler_t::replace));
  const std::string_view page = detail::report_template();
  const auto at = page.find(data_marker);
  if (page.empty() || at == std::string_view::npos)
    throw std::runtime_error(
        "this corridor was built without the HTML report page (CORRIDOR_WITH_REPORT=OFF, or no Node.js/npm at build time)");
  std::string html;
  html.reserve(page.size() + json.size());
  html.append(page.substr(0, at)).append(json).append(page.substr(at + data_marker.size()));
  const fs::path file = results_dir / "report.html";
  geo::write_text(file, html);
  out << "Report in " << file.string() << " (" << (html.size() + 1023) / 1024 << " KiB)\n";
  return 0;
}

}  // namespace corridor::app
