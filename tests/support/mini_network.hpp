// The mini corridor of the end-to-end tests, as GeoJSON text and converted with GDAL.
#pragma once

#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <gdal_utils.h>

#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace corridor::test {

// A small corridor: origin X -(1435)- border G (gauge change) -(1520)- hub H - destination D, and a
// slower ferry alternative X - P - D. Coordinates in lon/lat; lengths from the geometry.
inline const char* kNodes = R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"X","name":"Xi'an test","country":"CN","kind":"terminal","dwell_h":12},"geometry":{"type":"Point","coordinates":[108.9,34.3]}},
{"type":"Feature","properties":{"id":"G","name":"Gate, border","country":"KZ","kind":"border","dwell_h":24,"gauge_change":true,"capacity_teu_per_day":500,"handling_usd_per_teu":150},"geometry":{"type":"Point","coordinates":[82.5,45.2]}},
{"type":"Feature","properties":{"id":"H","name":"Hub","country":"RU","kind":"junction"},"geometry":{"type":"Point","coordinates":[37.6,55.75]}},
{"type":"Feature","properties":{"id":"D","name":"Duisburg test","country":"DE","kind":"terminal","dwell_h":12},"geometry":{"type":"Point","coordinates":[6.76,51.43]}},
{"type":"Feature","properties":{"id":"P","name":"Port","country":"CN","kind":"port","dwell_h":48},"geometry":{"type":"Point","coordinates":[121.5,31.2]}}
]})";

inline const char* kLinks = R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"XG","from":"X","to":"G","mode":"rail","gauge_mm":1435,"speed_kmh":50,"cost_usd_per_teu":600,"capacity_teu_per_day":400},"geometry":{"type":"LineString","coordinates":[[108.9,34.3],[103.8,36.1],[87.6,43.8],[82.5,45.2]]}},
{"type":"Feature","properties":{"id":"GH","from":"G","to":"H","mode":"rail","gauge_mm":1520,"speed_kmh":42,"cost_usd_per_teu":1400},"geometry":{"type":"LineString","coordinates":[[82.5,45.2],[71.4,51.2],[61.4,55.2],[37.6,55.75]]}},
{"type":"Feature","properties":{"id":"HD","from":"H","to":"D","mode":"rail","gauge_mm":1520,"speed_kmh":40,"cost_usd_per_teu":1200},"geometry":{"type":"LineString","coordinates":[[37.6,55.75],[27.5,53.9],[21.0,52.2],[6.76,51.43]]}},
{"type":"Feature","properties":{"id":"XP","mode":"rail","gauge_mm":1435,"speed_kmh":45,"cost_usd_per_teu":300},"geometry":{"type":"LineString","coordinates":[[108.9,34.3],[114.3,30.6],[121.5,31.2]]}},
{"type":"Feature","properties":{"id":"PD","mode":"sea","speed_kmh":30,"cost_usd_per_teu":900,"sailings_per_week":3},"geometry":{"type":"LineString","coordinates":[[121.5,31.2],[103.8,1.2],[80.0,6.0],[43.4,12.6],[32.5,30.0],[14.0,37.0],[-5.6,36.0],[4.0,51.9],[6.76,51.43]]}}
]})";

/// Writes the mini network as two GeoJSON files and converts it to other formats with GDAL.
struct MiniNetwork {
  TempDir dir{"e2e"};
  MiniNetwork() {
    dir.write("geojson/nodes.geojson", kNodes);
    dir.write("geojson/links.geojson", kLinks);
  }
  /// ogr2ogr-equivalent conversion of both layers into `target` (a file or a folder).
  void convert(const char* driver, const std::filesystem::path& target) const {
    GDALAllRegister();
    for (const char* layer : {"nodes", "links"}) {
      const std::string src = (dir / ("geojson/" + std::string(layer) + ".geojson")).string();
      GDALDatasetH in = GDALOpenEx(src.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
      REQUIRE(in != nullptr);
      const bool exists = std::filesystem::exists(target);
      std::vector<std::string> args{"-f", driver, "-nln", layer};
      if (exists) args.insert(args.end(), {"-update"});
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      GDALVectorTranslateOptions* opt = GDALVectorTranslateOptionsNew(argv.data(), nullptr);
      int usage_error = 0;
      GDALDatasetH out = GDALVectorTranslate(target.c_str(), nullptr, 1, &in, opt, &usage_error);
      GDALVectorTranslateOptionsFree(opt);
      REQUIRE(out != nullptr);
      GDALClose(out);
      GDALClose(in);
    }
  }
};


}  // namespace corridor::test
