#include "geo/reader.hpp"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string_view>
#include <vector>

#include "geo/error.hpp"
#include "geo/gdal_session.hpp"
#include "geo/input_file.hpp"
#include "geo/text.hpp"

namespace corridor::geo {

namespace {

struct DatasetCloser {
  void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

/// GDAL's failure messages while it is in scope: GDAL reports some problems, such as
/// a CRS that PROJ does not know, only as a message and then carries on without them.
class GdalMessages {
public:
  GdalMessages() { CPLPushErrorHandlerEx(&GdalMessages::handle, this); }
  GdalMessages(const GdalMessages&) = delete;
  GdalMessages& operator=(const GdalMessages&) = delete;
  ~GdalMessages() { CPLPopErrorHandler(); }

  /// How many messages were recorded so far (for find's `from`).
  [[nodiscard]] std::size_t count() const { return messages_.size(); }
  /// The first failure message from the `from`-th on that mentions one of `words` (case-insensitive;
  /// no words: any message), or an empty string.
  [[nodiscard]] std::string find(std::initializer_list<std::string_view> words, std::size_t from = 0) const {
    for (std::size_t i = from; i < messages_.size(); ++i) {
      const std::string& m = messages_[i];
      if (words.size() == 0) return m;
      std::string lower(m);
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      for (auto w : words)
        if (lower.find(w) != std::string::npos) return m;
    }
    return {};
  }

private:
  static void CPL_STDCALL handle(CPLErr level, CPLErrorNum, const char* msg) {
    auto* self = static_cast<GdalMessages*>(CPLGetErrorHandlerUserData());
    if (self != nullptr && level >= CE_Failure && msg != nullptr) self->messages_.emplace_back(msg);
  }
  std::vector<std::string> messages_;
};

/// Problems GDAL would hide: a missing or empty file (GDAL says only "not recognized"), and GeoJSON
/// text that is not UTF-8 (GDAL's JSON parser cuts such strings short without a word).
void check_source_file(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (path.rfind("/vsi", 0) == 0) return;  // GDAL virtual file systems: GDAL checks them
  check_input_file(path, true);
  auto lower_ext = [](const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
  };
  // A Shapefile is .shp, .shx and .dbf together: without the .dbf (its attribute table) GDAL reads
  // features with no attributes at all, and every one of them would be reported as lacking its id.
  auto check_dbf = [&](const fs::path& shp) {
    for (const char* ext : {".dbf", ".DBF"})
      if (fs::exists(fs::path(shp).replace_extension(ext), ec)) return;
    throw InputError(shp.string(), "", "has no attribute table: " + fs::path(shp).replace_extension(".dbf").filename().string() +
                                           " is missing beside it (a Shapefile is its .shp, .shx and .dbf files together)");
  };
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::directory_iterator(path, ec))
      if (lower_ext(e.path()) == ".shp") check_dbf(e.path());
    return;  // a folder of Shapefiles, for instance
  }
  if (fs::file_size(path, ec) == 0 && !ec) throw InputError(path, "", "file is empty (0 bytes)");
  const std::string ext = lower_ext(path);
  if (ext == ".shp") check_dbf(path);
  if (ext == ".geojson" || ext == ".json" || ext == ".geojsonl" || ext == ".geojsons") {
    // In blocks, so that a large file is not held twice; a character cut by a block's end is carried over.
    std::ifstream in(path, std::ios::binary);
    std::vector<char> block(1 << 20);
    std::string text;
    std::size_t line = 1;
    while (in) {
      in.read(block.data(), static_cast<std::streamsize>(block.size()));
      const auto got = static_cast<std::size_t>(in.gcount());
      if (got == 0) break;
      text.append(block.data(), got);
      const auto bad = first_invalid_utf8(text);
      const std::size_t good = bad ? *bad : text.size();
      if (bad && (!in || *bad + 4 <= text.size()))
        throw InputError(path, "line " + std::to_string(line + line_of_offset(text, *bad) - 1), invalid_utf8_message(text, *bad));
      line += line_of_offset(text, good) - 1;
      text.erase(0, good);  // nothing, or the start of a character cut by the block's end
    }
    if (!text.empty())
      throw InputError(path, "line " + std::to_string(line), invalid_utf8_message(text, 0));
  }
}

DatasetPtr open_vector(const std::string& path) {
  detail::ensure_gdal();
  check_source_file(path);
  CPLErrorReset();
  auto* ds = static_cast<GDALDataset*>(
      GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
  if (ds == nullptr)
    throw InputError(path, "", "cannot open as a GIS vector file: " + detail::last_gdal_error("not a format GDAL recognises"));
  if (ds->GetLayerCount() == 0) {
    GDALClose(ds);
    throw InputError(path, "", "contains no vector layer");
  }
  return DatasetPtr(ds);
}

std::string feature_label(const OGRFeature& f) {
  const int idx = f.GetFieldIndex("id");
  if (idx >= 0 && f.IsFieldSetAndNotNull(idx)) return std::string("feature '") + f.GetFieldAsString(idx) + "'";
  return "feature #" + std::to_string(f.GetFID());
}

Value read_field(const OGRFeature& f, int i, const std::string& path, ProblemList& problems) {
  if (!f.IsFieldSetAndNotNull(i)) return std::monostate{};
  const OGRFieldDefn* defn = f.GetFieldDefnRef(i);
  switch (defn->GetType()) {
    case OFTInteger:
      if (defn->GetSubType() == OFSTBoolean) return f.GetFieldAsInteger(i) != 0;
      return static_cast<std::int64_t>(f.GetFieldAsInteger(i));
    case OFTInteger64:
      return static_cast<std::int64_t>(f.GetFieldAsInteger64(i));
    case OFTReal:
      return f.GetFieldAsDouble(i);
    default: {
      std::string text(f.GetFieldAsString(i));
      if (const auto bad = first_invalid_utf8(text)) {
        problems.add(path, feature_label(f),
                     "attribute '" + std::string(defn->GetNameRef()) + "' " + invalid_utf8_message(text, *bad));
        return std::monostate{};
      }
      return text;
    }
  }
}

/// Appends the vertices of a (multi)line or point, already in the target CRS.
void collect_points(const OGRGeometry& g, Feature& out, const std::string& path, const OGRFeature& f) {
  const auto type = wkbFlatten(g.getGeometryType());
  if (type == wkbPoint) {
    const auto& p = *g.toPoint();
    out.geometry = GeometryKind::point;
    out.points.push_back({p.getX(), p.getY()});
  } else if (type == wkbLineString) {
    const auto& ls = *g.toLineString();
    out.geometry = GeometryKind::line_string;
    out.points.reserve(out.points.size() + static_cast<std::size_t>(ls.getNumPoints()));
    for (int i = 0; i < ls.getNumPoints(); ++i) out.points.push_back({ls.getX(i), ls.getY(i)});
  } else if (type == wkbMultiPoint && g.toMultiPoint()->getNumGeometries() == 1) {
    collect_points(*g.toMultiPoint()->getGeometryRef(0), out, path, f);
  } else if (type == wkbMultiLineString) {
    // A multi-line is accepted when its parts join end to start: it is then one line.
    const auto& ml = *g.toMultiLineString();
    for (int part = 0; part < ml.getNumGeometries(); ++part) {
      const auto& ls = *ml.getGeometryRef(part);
      for (int i = 0; i < ls.getNumPoints(); ++i) {
        const LonLat p{ls.getX(i), ls.getY(i)};
        if (i == 0 && part > 0) {
          if (!(out.points.back() == p))
            throw InputError(path, feature_label(f), "MultiLineString parts do not join end to start; split it into separate links");
          continue;
        }
        out.points.push_back(p);
      }
    }
    out.geometry = GeometryKind::line_string;
  } else {
    throw InputError(path, feature_label(f),
                     std::string("unsupported geometry type ") + OGRGeometryTypeToName(g.getGeometryType()) +
                         " (expected Point or LineString)");
  }
}

}  // namespace

std::vector<std::string> layer_names(const std::string& path) {
  auto ds = open_vector(path);
  std::vector<std::string> names;
  for (int i = 0; i < ds->GetLayerCount(); ++i) names.emplace_back(ds->GetLayer(i)->GetName());
  return names;
}

Layer read_layer(const std::string& path, const std::string& layer_name) {
  const GdalMessages messages;
  auto ds = open_vector(path);
  OGRLayer* layer = nullptr;
  if (layer_name.empty()) {
    if (ds->GetLayerCount() != 1)
      throw InputError(path, "", "has " + std::to_string(ds->GetLayerCount()) + " layers; name the one to read");
    layer = ds->GetLayer(0);
  } else {
    layer = ds->GetLayerByName(layer_name.c_str());
    if (layer == nullptr) {
      std::string names;
      for (int i = 0; i < ds->GetLayerCount(); ++i) names += std::string(i ? ", " : "") + ds->GetLayer(i)->GetName();
      throw InputError(path, "", "has no layer '" + layer_name + "' (layers: " + names + ")");
    }
  }

  Layer out;
  out.source = path;
  out.name = layer->GetName();

  // Reprojection to WGS84 lon/lat. GDAL >= 3 follows the CRS's authority axis order (lat, lon for
  // EPSG:4326) unless told otherwise, so both ends are set to the traditional GIS order (x = lon).
  std::unique_ptr<OGRCoordinateTransformation> to_wgs84;
  const std::size_t before_srs = messages.count();
  const OGRSpatialReference* src_srs = layer->GetSpatialRef();
  // GDAL drops a CRS it cannot interpret with only a message (GeoJSON then falls back to WGS84, a
  // Shapefile with a broken .prj has none); taking the coordinates as lon/lat would place the network
  // wrongly without a word.
  std::string why = messages.find({"crs", "srs", "spatial reference", "projection", "proj"});
  if (why.empty()) why = messages.find({}, before_srs);
  if (!why.empty())
    throw InputError(path, "layer '" + out.name + "'", "has a CRS that GDAL/PROJ cannot interpret (" + why +
                                                           "); give it as an EPSG code PROJ knows, or leave it out for WGS84 lon/lat");
  OGRSpatialReference wgs84;
  wgs84.SetWellKnownGeogCS("WGS84");
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  if (src_srs != nullptr) {
    OGRSpatialReference src(*src_srs);
    src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const char* ignore_axis[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", nullptr};
    if (!src.IsSame(&wgs84, ignore_axis)) {
      CPLErrorReset();
      to_wgs84.reset(OGRCreateCoordinateTransformation(&src, &wgs84));
      if (!to_wgs84)
        throw InputError(path, "layer '" + out.name + "'",
                         "cannot transform its CRS to WGS84: " + detail::last_gdal_error("unknown CRS"));
    }
  }

  std::vector<std::string> field_names;
  for (int i = 0; i < layer->GetLayerDefn()->GetFieldCount(); ++i)
    field_names.emplace_back(layer->GetLayerDefn()->GetFieldDefn(i)->GetNameRef());
  ProblemList text_problems;
  if (const GIntBig count = layer->GetFeatureCount(FALSE); count > 0) out.features.reserve(static_cast<std::size_t>(count));
  layer->ResetReading();
  for (;;) {
    std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
    if (!f) break;
    Feature rec;
    rec.fid = f->GetFID();
    rec.attributes.reserve(field_names.size());
    for (int i = 0; i < static_cast<int>(field_names.size()); ++i)
      rec.attributes.push_back({field_names[static_cast<std::size_t>(i)], read_field(*f, i, path, text_problems)});

    OGRGeometry* g = f->GetGeometryRef();
    if (g != nullptr && !g->IsEmpty()) {
      if (to_wgs84 && g->transform(to_wgs84.get()) != OGRERR_NONE)
        throw InputError(path, feature_label(*f), "geometry cannot be transformed to WGS84");
      collect_points(*g, rec, path, *f);
      for (const auto& p : rec.points) {
        if (!std::isfinite(p.lon_deg) || !std::isfinite(p.lat_deg))
          throw InputError(path, feature_label(*f), "geometry has a non-finite coordinate");
        // GeoJSON without a crs member is WGS84 by definition; projected metres there are an
        // error to report, not a position to place somewhere off the globe.
        if (std::abs(p.lon_deg) > 180.0 || std::abs(p.lat_deg) > 90.0)
          throw InputError(path, feature_label(*f),
                           "coordinate (" + to_text(p.lon_deg) + ", " + to_text(p.lat_deg) +
                               ") is not longitude/latitude; give the layer its CRS");
      }
    }
    out.features.push_back(std::move(rec));
  }
  text_problems.throw_if_any();
  return out;
}

}  // namespace corridor::geo
