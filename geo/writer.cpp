#include "geo/writer.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>

#include "geo/error.hpp"
#include "geo/gdal_session.hpp"

namespace corridor::geo {

namespace {

/// A name beside `path` that no concurrent writer uses, removed unless committed.
class TempPath {
public:
  explicit TempPath(const std::filesystem::path& path)
      : final_(path), temp_(path.parent_path() / ("." + path.filename().string() + ".tmp" + std::to_string(::getpid()))) {}
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  ~TempPath() {
    if (!committed_) {
      std::error_code ec;
      std::filesystem::remove(temp_, ec);
    }
  }
  [[nodiscard]] const std::filesystem::path& temp() const { return temp_; }
  void commit() {
    std::filesystem::rename(temp_, final_);
    committed_ = true;
  }

private:
  std::filesystem::path final_, temp_;
  bool committed_ = false;
};

enum class FieldKind { unset, boolean, integer, real, text };

FieldKind kind_of(const Value& v) {
  switch (v.index()) {
    case 1: return FieldKind::boolean;
    case 2: return FieldKind::integer;
    case 3: return FieldKind::real;
    case 4: return FieldKind::text;
    default: return FieldKind::unset;
  }
}

FieldKind merge(FieldKind a, FieldKind b) {
  if (a == FieldKind::unset) return b;
  if (b == FieldKind::unset || a == b) return a;
  const bool numeric_a = a == FieldKind::integer || a == FieldKind::real;
  const bool numeric_b = b == FieldKind::integer || b == FieldKind::real;
  if (numeric_a && numeric_b) return FieldKind::real;
  return FieldKind::text;
}

struct Field {
  std::string name;
  FieldKind kind = FieldKind::unset;
};

/// Calls `fn` with every feature of a layer to write, in order: from its vector, or made one at a time.
template <typename Fn>
void for_each_feature(const LayerToWrite& spec, Fn&& fn) {
  if (spec.features != nullptr) {
    for (const auto& f : *spec.features) fn(f);
    return;
  }
  for (std::size_t i = 0; i < spec.source.count; ++i) fn(spec.source.make(i));
}

std::vector<Field> schema_of(const LayerToWrite& spec) {
  std::vector<Field> fields;
  for_each_feature(spec, [&](const Feature& f) {
    for (const auto& a : f.attributes) {
      auto it = std::find_if(fields.begin(), fields.end(), [&](const Field& x) { return x.name == a.name; });
      if (it == fields.end()) {
        fields.push_back({a.name, kind_of(a.value)});
      } else {
        it->kind = merge(it->kind, kind_of(a.value));
      }
    }
  });
  return fields;
}

void set_field(OGRFeature& out, int index, FieldKind kind, const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) {
    out.SetFieldNull(index);
    return;
  }
  switch (kind) {
    case FieldKind::boolean: out.SetField(index, std::get<bool>(v) ? 1 : 0); break;
    case FieldKind::integer: out.SetField(index, static_cast<GIntBig>(std::get<std::int64_t>(v))); break;
    case FieldKind::real:
      out.SetField(index, std::holds_alternative<double>(v) ? std::get<double>(v)
                                                              : static_cast<double>(std::get<std::int64_t>(v)));
      break;
    default: out.SetField(index, to_text(v).c_str()); break;
  }
}

}  // namespace

namespace {

/// Creates one layer in an open dataset and writes its features.
void write_one_layer(GDALDataset& ds, const std::filesystem::path& path, const LayerToWrite& spec, VectorFormat format) {
  OGRSpatialReference wgs84;
  wgs84.SetWellKnownGeogCS("WGS84");
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  char** options = nullptr;
  if (format == VectorFormat::geojson) {
    options = CSLSetNameValue(options, "RFC7946", "YES");
    options = CSLSetNameValue(options, "WRITE_NAME", "NO");
  }
  const OGRwkbGeometryType gtype = spec.geometry == GeometryKind::point        ? wkbPoint
                                   : spec.geometry == GeometryKind::line_string ? wkbLineString
                                                                                : wkbNone;
  OGRLayer* layer = ds.CreateLayer(spec.name.c_str(), gtype == wkbNone ? nullptr : &wgs84, gtype, options);
  CSLDestroy(options);
  if (layer == nullptr) throw InputError(path.string(), "", "cannot create layer: " + detail::last_gdal_error("unknown reason"));

  const auto fields = schema_of(spec);
  for (const auto& field : fields) {
    OGRFieldType type = OFTString;
    OGRFieldSubType sub = OFSTNone;
    switch (field.kind) {
      case FieldKind::boolean: type = OFTInteger; sub = OFSTBoolean; break;
      case FieldKind::integer: type = OFTInteger64; break;
      case FieldKind::real: type = OFTReal; break;
      default: break;
    }
    OGRFieldDefn defn(field.name.c_str(), type);
    defn.SetSubType(sub);
    if (layer->CreateField(&defn) != OGRERR_NONE)
      throw InputError(path.string(), "", "cannot create field '" + field.name + "'");
  }

  // One transaction per layer: GeoPackage writes are otherwise committed feature by feature.
  const bool transaction = layer->StartTransaction() == OGRERR_NONE;
  for_each_feature(spec, [&](const Feature& f) {
    OGRFeature out(layer->GetLayerDefn());
    for (const auto& a : f.attributes) {
      const int index = out.GetFieldIndex(a.name.c_str());
      const auto kind = std::find_if(fields.begin(), fields.end(), [&](const Field& x) { return x.name == a.name; })->kind;
      set_field(out, index, kind, a.value);
    }
    if (spec.geometry == GeometryKind::point && !f.points.empty()) {
      OGRPoint point(f.points.front().lon_deg, f.points.front().lat_deg);
      out.SetGeometry(&point);
    } else if (spec.geometry == GeometryKind::line_string && !f.points.empty()) {
      OGRLineString line;
      for (const auto& p : f.points) line.addPoint(p.lon_deg, p.lat_deg);
      out.SetGeometry(&line);
    }
    if (layer->CreateFeature(&out) != OGRERR_NONE)
      throw InputError(path.string(), "", "cannot write feature: " + detail::last_gdal_error("unknown reason"));
  });
  if (transaction && layer->CommitTransaction() != OGRERR_NONE)
    throw InputError(path.string(), "", "cannot write layer: " + detail::last_gdal_error("unknown reason"));
}

}  // namespace

void write_layers(const std::filesystem::path& path, const std::vector<LayerToWrite>& layers, VectorFormat format) {
  detail::ensure_gdal();
  if (format == VectorFormat::geojson && layers.size() != 1)
    throw std::invalid_argument("a GeoJSON file holds exactly one layer");
  const char* driver_name = format == VectorFormat::geojson ? "GeoJSON" : "GPKG";
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name);
  if (driver == nullptr) throw std::runtime_error(std::string("GDAL has no ") + driver_name + " driver");

  TempPath tmp(path);
  {
    std::unique_ptr<GDALDataset, void (*)(GDALDataset*)> ds(
        driver->Create(tmp.temp().c_str(), 0, 0, 0, GDT_Unknown, nullptr), [](GDALDataset* d) { GDALClose(d); });
    if (!ds) throw InputError(path.string(), "", "cannot create: " + detail::last_gdal_error("unknown reason"));
    for (const auto& spec : layers) write_one_layer(*ds, path, spec, format);
  }
  tmp.commit();
}

void write_layer(const std::filesystem::path& path, const std::string& layer_name, GeometryKind geometry,
                 const std::vector<Feature>& features, VectorFormat format) {
  write_layers(path, {{layer_name, geometry, &features, {}}}, format);
}

void write_layer(const std::filesystem::path& path, const std::string& layer_name, GeometryKind geometry,
                 const FeatureSource& source, VectorFormat format) {
  write_layers(path, {{layer_name, geometry, nullptr, source}}, format);
}

void write_text(const std::filesystem::path& path, std::string_view content) {
  TempPath tmp(path);
  {
    std::ofstream out(tmp.temp(), std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path.string(), "", "cannot create file");
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) throw InputError(path.string(), "", "write failed (disk full?)");
  }
  tmp.commit();
}


}  // namespace corridor::geo
