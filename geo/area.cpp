#include "geo/area.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include "geo/error.hpp"
#include "geo/gdal_session.hpp"

namespace corridor::geo {

struct Area::Impl {
  std::unique_ptr<OGRGeometry> geometry;
};

Area::Area() : impl_(std::make_unique<Impl>()) {}
Area::~Area() = default;
Area::Area(Area&&) noexcept = default;
Area& Area::operator=(Area&&) noexcept = default;
Area::Area(const Area& other) : impl_(std::make_unique<Impl>()) {
  if (other.impl_->geometry) impl_->geometry.reset(other.impl_->geometry->clone());
}
Area& Area::operator=(const Area& other) {
  if (this != &other) *this = Area(other);
  return *this;
}

Area Area::from_bbox(double lon_min, double lat_min, double lon_max, double lat_max) {
  auto ring = std::make_unique<OGRLinearRing>();
  ring->addPoint(lon_min, lat_min);
  ring->addPoint(lon_max, lat_min);
  ring->addPoint(lon_max, lat_max);
  ring->addPoint(lon_min, lat_max);
  ring->addPoint(lon_min, lat_min);
  auto poly = std::make_unique<OGRPolygon>();
  poly->addRingDirectly(ring.release());
  Area a;
  a.impl_->geometry = std::move(poly);
  return a;
}

Area Area::from_file(const std::string& path, const std::string& layer_name) {
  detail::ensure_gdal();
  std::unique_ptr<GDALDataset, void (*)(GDALDataset*)> ds(
      static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)),
      [](GDALDataset* d) { GDALClose(d); });
  if (!ds) throw InputError(path, "", "cannot open as a GIS vector file: " + detail::last_gdal_error("unknown format or missing file"));
  OGRLayer* layer = layer_name.empty() ? (ds->GetLayerCount() == 1 ? ds->GetLayer(0) : nullptr)
                                       : ds->GetLayerByName(layer_name.c_str());
  if (layer == nullptr)
    throw InputError(path, "", layer_name.empty() ? "has several layers; name the area layer" : "has no layer '" + layer_name + "'");

  OGRSpatialReference wgs84;
  wgs84.SetWellKnownGeogCS("WGS84");
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> to_wgs84;
  if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
    OGRSpatialReference src(*srs);
    src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    to_wgs84.reset(OGRCreateCoordinateTransformation(&src, &wgs84));
    if (!to_wgs84) throw InputError(path, "", "cannot transform the area's CRS to WGS84");
  }
  auto all = std::make_unique<OGRMultiPolygon>();
  for (auto& f : *layer) {
    OGRGeometry* g = f->GetGeometryRef();
    if (g == nullptr || g->IsEmpty()) continue;
    const auto type = wkbFlatten(g->getGeometryType());
    if (type != wkbPolygon && type != wkbMultiPolygon)
      throw InputError(path, "feature #" + std::to_string(f->GetFID()),
                       std::string("area geometry is ") + OGRGeometryTypeToName(g->getGeometryType()) + ", expected a Polygon");
    std::unique_ptr<OGRGeometry> copy(g->clone());
    if (to_wgs84 && copy->transform(to_wgs84.get()) != OGRERR_NONE)
      throw InputError(path, "feature #" + std::to_string(f->GetFID()), "cannot transform to WGS84");
    if (type == wkbPolygon) {
      all->addGeometryDirectly(copy.release());
    } else {
      for (auto* part : *copy->toMultiPolygon()) all->addGeometry(part);
    }
  }
  if (all->IsEmpty()) throw InputError(path, "", "has no polygon to use as an area");
  Area a;
  a.impl_->geometry = std::move(all);
  return a;
}

bool Area::contains(LonLat point) const {
  if (!impl_->geometry) return false;
  const OGRPoint p(point.lon_deg, point.lat_deg);
  return impl_->geometry->Intersects(&p);
}

bool Area::intersects(std::span<const LonLat> line) const {
  if (!impl_->geometry || line.empty()) return false;
  OGRLineString ls;
  for (const auto& p : line) ls.addPoint(p.lon_deg, p.lat_deg);
  return impl_->geometry->Intersects(&ls);
}

}  // namespace corridor::geo
