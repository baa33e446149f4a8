#include "sim/gas/gaslib_cs.hpp"

#include <cmath>
#include <cstring>

#include "geo/error.hpp"
#include "sim/gas/gaslib_xml.hpp"

namespace corridor::gas {

namespace {

using detail::child;
using detail::local_name;
using detail::GasLibXmlReader;
using tinyxml2::XMLElement;
using Q = GasLibQuantity;

/// <prefix1> .. <prefixN> dimensionless coefficients, as many as are present (stops at the first gap).
std::vector<double> coefficients(GasLibXmlReader& r, const XMLElement* e, const std::string& prefix, const std::string& where) {
  std::vector<double> c;
  for (int k = 1;; ++k) {
    const std::string name = prefix + std::to_string(k);
    if (!child(e, name)) break;
    c.push_back(r.quantity(e, name, where, Q::dimensionless).value_or(std::nan("")));
  }
  return c;
}

template <std::size_t N>
bool fixed_coefficients(GasLibXmlReader& r, const XMLElement* e, const std::string& prefix, const std::string& where,
                        std::array<double, N>& out) {
  const auto c = coefficients(r, e, prefix, where);
  if (c.size() != N) {
    r.problems().add(r.file(), where,
                     "needs <" + prefix + "1> to <" + prefix + std::to_string(N) + "> (found " + std::to_string(c.size()) + ")");
    return false;
  }
  for (std::size_t i = 0; i < N; ++i) out[i] = c[i];
  return true;
}

double speed_per_min(GasLibXmlReader& r, const XMLElement* e, const char* name, const std::string& where) {
  return r.required(e, name, where, Q::speed).value_or(std::nan("")) * 60.0;  // SI 1/s -> 1/min
}

void read_station(GasLibXmlReader& r, const XMLElement* st, const std::string& station_id, StationMachines& m) {
  const std::string of = " of compressorStation '" + station_id + "'";
  std::map<std::string, std::size_t> unit_index, drive_index;
  std::vector<std::pair<std::string, std::string>> unit_drive;  // unit where, drive id
  if (const auto* units = child(st, "compressors")) {
    for (const auto* e = units->FirstChildElement(); e; e = e->NextSiblingElement()) {
      const auto kind = local_name(e);
      CompressorUnit u;
      u.id = r.id(e);
      const std::string where = std::string(kind) + " '" + u.id + "'" + of;
      if (kind != "turboCompressor" && kind != "pistonCompressor") {
        r.problems().add(r.file(), where, "unknown compressor element (expected turboCompressor or pistonCompressor)");
        continue;
      }
      const char* drive = e->Attribute("drive");
      if (!drive) r.problems().add(r.file(), where, "has no drive");
      u.speed_min_per_min = speed_per_min(r, e, "speedMin", where);
      u.speed_max_per_min = speed_per_min(r, e, "speedMax", where);
      if (!(u.speed_min_per_min > 0.0 && u.speed_min_per_min <= u.speed_max_per_min) && std::isfinite(u.speed_min_per_min) &&
          std::isfinite(u.speed_max_per_min))
        r.problems().add(r.file(), where, "needs 0 < speedMin <= speedMax");
      if (kind == "turboCompressor") {
        TurboCompressor t;
        fixed_coefficients(r, e, "n_isoline_coeff_", where, t.head_kj_per_kg);
        fixed_coefficients(r, e, "eta_ad_isoline_coeff_", where, t.efficiency);
        fixed_coefficients(r, e, "surgeline_coeff_", where, t.surge_head_kj_per_kg);
        fixed_coefficients(r, e, "chokeline_coeff_", where, t.choke_head_kj_per_kg);
        u.turbo = t;
      } else {
        PistonCompressor p;
        p.operating_volume_m3 = r.required(e, "operatingVolume", where, Q::volume).value_or(std::nan(""));
        const double torque = r.required(e, "maximalTorque", where, Q::torque).value_or(0.0);
        if (torque > 0.0) p.torque_max_n_m = torque;
        p.ratio_max = r.required(e, "maximalCompressionRatio", where, Q::dimensionless).value_or(std::nan(""));
        p.adiabatic_efficiency = r.required(e, "adiabaticEfficiency", where, Q::dimensionless).value_or(std::nan(""));
        p.additional_reduction_vol_flow = r.quantity(e, "additionalReductionVolFlow", where, Q::dimensionless).value_or(0.0);
        if (!(p.operating_volume_m3 > 0.0)) r.problems().add(r.file(), where, "needs an operatingVolume above 0");
        if (!(p.ratio_max > 1.0)) r.problems().add(r.file(), where, "needs a maximalCompressionRatio above 1");
        if (!(p.adiabatic_efficiency > 0.0 && p.adiabatic_efficiency <= 1.0))
          r.problems().add(r.file(), where, "needs an adiabaticEfficiency in (0, 1]");
        u.piston = p;
      }
      if (unit_index.count(u.id)) {
        r.problems().add(r.file(), where, "duplicate compressor id");
        continue;
      }
      unit_index[u.id] = m.units.size();
      unit_drive.emplace_back(where, drive ? drive : "");
      m.units.push_back(std::move(u));
    }
  }
  if (const auto* drives = child(st, "drives")) {
    for (const auto* e = drives->FirstChildElement(); e; e = e->NextSiblingElement()) {
      const auto kind = local_name(e);
      Drive d;
      d.id = r.id(e);
      const std::string where = std::string(kind) + " '" + d.id + "'" + of;
      std::size_t power_coefficients = 3;
      if (kind == "gasTurbine") d.kind = DriveKind::gas_turbine, power_coefficients = 9;
      else if (kind == "steamTurbine") d.kind = DriveKind::steam_turbine, power_coefficients = 9;
      else if (kind == "gasDrivenMotor") d.kind = DriveKind::gas_driven_motor;
      else if (kind == "electricMotor") d.kind = DriveKind::electric_motor;
      else {
        r.problems().add(r.file(), where, "unknown drive element (expected gasTurbine, steamTurbine, gasDrivenMotor or electricMotor)");
        continue;
      }
      fixed_coefficients(r, e, "energy_rate_fun_coeff_", where, d.energy_rate_kw);
      d.power_max_kw = coefficients(r, e, "power_fun_coeff_", where);
      if (d.power_max_kw.size() != power_coefficients)
        r.problems().add(r.file(), where,
                         "needs <power_fun_coeff_1> to <power_fun_coeff_" + std::to_string(power_coefficients) + "> (found " +
                             std::to_string(d.power_max_kw.size()) + ")");
      if (drive_index.count(d.id)) {
        r.problems().add(r.file(), where, "duplicate drive id");
        continue;
      }
      drive_index[d.id] = m.drives.size();
      m.drives.push_back(std::move(d));
    }
  }
  for (std::size_t u = 0; u < m.units.size(); ++u) {
    const auto it = drive_index.find(unit_drive[u].second);
    if (it == drive_index.end()) {
      if (!unit_drive[u].second.empty())
        r.problems().add(r.file(), unit_drive[u].first, "refers to an unknown drive '" + unit_drive[u].second + "'");
      continue;
    }
    m.units[u].drive = it->second;
  }
  if (const auto* confs = child(st, "configurations")) {
    for (const auto* e = confs->FirstChildElement(); e; e = e->NextSiblingElement()) {
      if (local_name(e) != "configuration") continue;
      StationConfiguration c;
      const char* conf_id = e->Attribute("confId");
      c.id = conf_id ? conf_id : "";
      const std::string where = "configuration '" + c.id + "'" + of;
      if (!conf_id) r.problems().add(r.file(), where, "has no confId");
      for (const auto* s = e->FirstChildElement(); s; s = s->NextSiblingElement()) {
        if (local_name(s) != "stage") continue;
        std::vector<std::size_t> stage;
        for (const auto* u = s->FirstChildElement(); u; u = u->NextSiblingElement()) {
          if (local_name(u) != "compressor") continue;
          const char* uid = u->Attribute("id");
          const auto it = uid ? unit_index.find(uid) : unit_index.end();
          if (it == unit_index.end()) {
            r.problems().add(r.file(), where, std::string("refers to an unknown compressor '") + (uid ? uid : "") + "'");
            continue;
          }
          stage.push_back(it->second);
        }
        int parallel = 0;
        if (s->QueryIntAttribute("nrOfParallelUnits", &parallel) == tinyxml2::XML_SUCCESS &&
            parallel != static_cast<int>(stage.size()))
          r.problems().add(r.file(), where,
                           "a stage says nrOfParallelUnits=" + std::to_string(parallel) + " but lists " +
                               std::to_string(stage.size()) + " compressors");
        if (stage.empty()) r.problems().add(r.file(), where, "has a stage without compressors");
        c.stages.push_back(std::move(stage));
      }
      int serial = 0;
      if (e->QueryIntAttribute("nrOfSerialStages", &serial) == tinyxml2::XML_SUCCESS && serial != static_cast<int>(c.stages.size()))
        r.problems().add(r.file(), where,
                         "says nrOfSerialStages=" + std::to_string(serial) + " but has " + std::to_string(c.stages.size()) + " stages");
      if (c.stages.empty()) r.problems().add(r.file(), where, "has no stage");
      m.configurations.push_back(std::move(c));
    }
  }
  if (m.configurations.empty()) r.problems().add(r.file(), "compressorStation '" + station_id + "'", "has no configuration");
}

}  // namespace

CompressorStationData read_gaslib_compressor_stations(const std::filesystem::path& cs_file) {
  CompressorStationData data;
  data.file = cs_file.string();
  ProblemList problems;
  tinyxml2::XMLDocument doc;
  const auto* root = detail::open_gaslib_root(doc, cs_file);
  if (local_name(root) != "compressorStations")
    throw InputError(data.file, "<" + std::string(local_name(root)) + ">", "is not a GasLib compressor-station file (expected <compressorStations>)");
  GasLibXmlReader r(data.file, problems);
  for (const auto* st = root->FirstChildElement(); st; st = st->NextSiblingElement()) {
    if (local_name(st) != "compressorStation") {
      problems.add(data.file, "<" + std::string(local_name(st)) + ">", "unknown element (expected compressorStation)");
      continue;
    }
    const std::string id = r.id(st);
    if (data.stations.count(id)) {
      problems.add(data.file, "compressorStation '" + id + "'", "duplicate station id");
      continue;
    }
    StationMachines m;
    m.file = data.file;
    read_station(r, st, id, m);
    data.stations.emplace(id, std::move(m));
  }
  problems.throw_if_any();
  return data;
}

void attach_compressor_stations(GasNetwork& net, const CompressorStationData& data, double ambient_temperature_c) {
  if (!std::isfinite(ambient_temperature_c) || ambient_temperature_c < -100.0 || ambient_temperature_c > 100.0)
    throw InputError(data.file, "", "ambient temperature " + std::to_string(ambient_temperature_c) + " degC is not in -100 to 100");
  for (const auto& [id, machines] : data.stations) {
    const auto c = net.find_compressor(id);
    if (!c) throw InputError(data.file, "compressorStation '" + id + "'", "is not a compressor station of the network");
    auto m = std::make_shared<StationMachines>(machines);
    m->ambient_temperature_c = ambient_temperature_c;
    net.compressors[*c].machines = std::move(m);
  }
}

}  // namespace corridor::gas
