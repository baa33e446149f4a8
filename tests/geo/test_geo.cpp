// geo/: reading layers through GDAL, CRS handling, geodesic lengths, atomic writers.
#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "geo/error.hpp"
#include "geo/geodesic.hpp"
#include "geo/reader.hpp"
#include "geo/csv.hpp"
#include "geo/writer.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor;
using Catch::Matchers::Contains;

TEST_CASE("geodesic distances match Vincenty's published ellipsoidal example", "[geo]") {
  // Flinders Peak to Buninyong (Vincenty 1975, as published by Geoscience Australia): 54972.271 m on
  // GRS80, whose flattening differs from WGS84's in the 10th digit (sub-millimetre here).
  const geo::LonLat flinders{144.0 + 25.0 / 60 + 29.52440 / 3600, -(37.0 + 57.0 / 60 + 3.72030 / 3600)};
  const geo::LonLat buninyong{143.0 + 55.0 / 60 + 35.38390 / 3600, -(37.0 + 39.0 / 60 + 10.15610 / 3600)};
  CHECK(geo::geodesic_distance_km(flinders, buninyong) == Approx(54.972271).margin(1e-6));
  // One degree of latitude at the equator on the ellipsoid is 110.574 km (not the 111.195 km of a sphere).
  CHECK(geo::geodesic_distance_km({0.0, 0.0}, {0.0, 1.0}) == Approx(110.574389).epsilon(1e-6));
}

TEST_CASE("the length of a polyline is the sum of its segments' geodesic lengths", "[geo]") {
  const std::vector<geo::LonLat> line{{10.0, 50.0}, {11.0, 50.0}, {11.0, 51.0}};
  const double expected = geo::geodesic_distance_km(line[0], line[1]) + geo::geodesic_distance_km(line[1], line[2]);
  CHECK(geo::geodesic_length_km(line) == Approx(expected).epsilon(1e-12));
  CHECK(geo::geodesic_length_km(std::span<const geo::LonLat>(line.data(), 1)) == 0.0);
}

TEST_CASE("a GeoJSON layer is read with typed attributes and lon/lat geometry", "[geo]") {
  test::TempDir dir("geo");
  const auto path = dir.write("nodes.geojson", R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"id":"A","dwell_h":2.5,"gauge_change":true,"count":3},
     "geometry":{"type":"Point","coordinates":[76.9,43.25]}},
    {"type":"Feature","properties":{"id":"B","dwell_h":null},"geometry":null}]})");
  const geo::Layer layer = geo::read_layer(path.string());
  REQUIRE(layer.features.size() == 2);
  const auto& a = layer.features[0];
  CHECK(std::get<std::string>(*a.find("id")) == "A");
  CHECK(std::get<double>(*a.find("dwell_h")) == 2.5);
  CHECK(std::get<bool>(*a.find("gauge_change")) == true);
  CHECK(std::get<std::int64_t>(*a.find("count")) == 3);
  REQUIRE(a.geometry == geo::GeometryKind::point);
  CHECK(a.points[0] == geo::LonLat{76.9, 43.25});
  CHECK(layer.features[1].geometry == geo::GeometryKind::none);
  CHECK(std::holds_alternative<std::monostate>(*layer.features[1].find("dwell_h")));
}

TEST_CASE("a layer in a projected CRS is reprojected to lon/lat, and EPSG:4326 axis order is honoured", "[geo]") {
  test::TempDir dir("geo");
  // UTM zone 43N (EPSG:32643): the point 500000 E, 4787000 N lies on the central meridian 75 E.
  const auto utm = dir.write("utm.geojson", R"({"type":"FeatureCollection",
    "crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32643"}},
    "features":[{"type":"Feature","properties":{"id":"P"},"geometry":{"type":"Point","coordinates":[500000,4787000]}}]})");
  const auto layer = geo::read_layer(utm.string());
  REQUIRE(layer.features.size() == 1);
  CHECK(layer.features[0].points[0].lon_deg == Approx(75.0).margin(1e-9));
  CHECK(layer.features[0].points[0].lat_deg == Approx(43.2353).margin(1e-3));

  // A GeoPackage in EPSG:4326 whose axis order is lat/lon by authority: we must still get lon first.
  const auto gpkg = (dir / "wgs.gpkg").string();
  {
    GDALAllRegister();
    auto* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDataset* ds = drv->Create(gpkg.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayer* l = ds->CreateLayer("pts", &srs, wkbPoint, nullptr);
    OGRFeature f(l->GetLayerDefn());
    OGRPoint p(82.48, 45.25);
    f.SetGeometry(&p);
    REQUIRE(l->CreateFeature(&f) == OGRERR_NONE);
    GDALClose(ds);
  }
  const auto g = geo::read_layer(gpkg);
  CHECK(g.features[0].points[0] == geo::LonLat{82.48, 45.25});
}

TEST_CASE("unreadable sources give errors naming the file", "[geo]") {
  test::TempDir dir("geo");
  CHECK_THROWS_WITH(geo::read_layer((dir / "missing.geojson").string()), Contains("missing.geojson") && Contains("does not exist"));
  const auto broken = dir.write("broken.geojson", R"({"type":"FeatureCollection","features":[ {"type":)");
  CHECK_THROWS_AS(geo::read_layer(broken.string()), InputError);
  const auto poly = dir.write("poly.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"Z"},
    "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]})");
  CHECK_THROWS_WITH(geo::read_layer(poly.string()), Contains("poly.geojson") && Contains("feature 'Z'") && Contains("Polygon"));
  const auto not_lonlat = dir.write("big.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"Q"},
    "geometry":{"type":"Point","coordinates":[500000,4787000]}}]})");
  // GeoJSON without a crs member is WGS84 by definition; metres there are an error, not a silent misplacement.
  CHECK_THROWS_WITH(geo::read_layer(not_lonlat.string()), Contains("feature 'Q'") && Contains("not longitude/latitude"));
}

TEST_CASE("a MultiLineString whose parts join is read as one line; one whose parts do not is an error", "[geo]") {
  test::TempDir dir("geo");
  const auto ok = dir.write("ok.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"L"},
    "geometry":{"type":"MultiLineString","coordinates":[[[0,0],[1,0]],[[1,0],[2,1]]]}}]})");
  const auto layer = geo::read_layer(ok.string());
  CHECK(layer.features[0].points.size() == 3);
  const auto bad = dir.write("bad.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"M"},
    "geometry":{"type":"MultiLineString","coordinates":[[[0,0],[1,0]],[[5,5],[6,6]]]}}]})");
  CHECK_THROWS_WITH(geo::read_layer(bad.string()), Contains("feature 'M'") && Contains("do not join"));
}

TEST_CASE("written GeoJSON is RFC 7946: lon/lat, no crs member, attributes typed, no temp file left", "[geo]") {
  test::TempDir dir("geo");
  geo::Feature f;
  f.set("id", std::string("X"));
  f.set("flow_teu_per_day", 12.5);
  f.set("trains", std::int64_t{3});
  f.set("closed", false);
  f.set("note", std::monostate{});
  f.geometry = geo::GeometryKind::line_string;
  f.points = {{10.0, 50.0}, {11.0, 51.0}};
  const auto out = dir / "links.geojson";
  geo::write_layer(out, "links", geo::GeometryKind::line_string, {f});
  const std::string text = test::read_file(out);
  CHECK_THAT(text, !Contains("\"crs\""));
  CHECK_THAT(text, Contains("[ 10.0, 50.0 ]"));
  const auto back = geo::read_layer(out.string());
  REQUIRE(back.features.size() == 1);
  CHECK(std::get<double>(*back.features[0].find("flow_teu_per_day")) == 12.5);
  CHECK(std::get<std::int64_t>(*back.features[0].find("trains")) == 3);
  CHECK(std::get<bool>(*back.features[0].find("closed")) == false);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  CHECK(files == 1);
}

TEST_CASE("features made one at a time are written as the same vector would be, types from every feature", "[geo]") {
  test::TempDir dir("geo-source");
  // The type of "value" is known only from the last feature (an integer, then a real: a real column).
  auto make = [](std::size_t i) {
    geo::Feature f;
    f.set("id", "F" + std::to_string(i));
    if (i == 2) f.set("value", 2.5);
    else f.set("value", static_cast<std::int64_t>(i));
    f.geometry = geo::GeometryKind::point;
    f.points = {{10.0 + static_cast<double>(i), 50.0}};
    return f;
  };
  std::vector<geo::Feature> all;
  for (std::size_t i = 0; i < 3; ++i) all.push_back(make(i));
  geo::write_layer(dir / "vector.geojson", "nodes", geo::GeometryKind::point, all);
  geo::write_layer(dir / "source.geojson", "nodes", geo::GeometryKind::point, geo::FeatureSource{3, make});
  CHECK(test::read_file(dir / "vector.geojson") == test::read_file(dir / "source.geojson"));
  const auto back = geo::read_layer((dir / "source.geojson").string());
  REQUIRE(back.features.size() == 3);
  CHECK(std::get<double>(*back.features[0].find("value")) == 0.0);
  CHECK(std::get<double>(*back.features[2].find("value")) == 2.5);
}

TEST_CASE("CSV fields are quoted only when they must be", "[geo]") {
  CHECK(geo::csv_field("Xi'an") == "Xi'an");
  CHECK(geo::csv_field("Kars, TR") == "\"Kars, TR\"");
  CHECK(geo::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
}
