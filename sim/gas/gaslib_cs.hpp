// GasLib compressor-station data (a .cs file, namespace http://gaslib.zib.de/CompressorStations): per
// station its compressor units (turboCompressor with the coefficients of its characteristic diagram,
// pistonCompressor), their drives (gasTurbine, steamTurbine, gasDrivenMotor, electricMotor) and its
// configurations (serial stages of parallel units). The laws these numbers enter are stated in
// compressor_machines.hpp. Measurements GasLib keeps beside the fitted coefficients
// (settlelineMeasurements, characteristicDiagramMeasurements, ...) are not read: the coefficients are
// the model. Bad input is an InputError naming the file and the element.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "sim/gas/compressor_machines.hpp"
#include "sim/gas/model.hpp"

namespace corridor::gas {

struct CompressorStationData {
  std::string file;
  std::map<std::string, StationMachines> stations;  ///< by compressorStation id
};

CompressorStationData read_gaslib_compressor_stations(const std::filesystem::path& cs_file);

/// Gives each station of `data` to the compressor of the same id, with the ambient temperature its
/// turbines' power curves take; InputError (the .cs file, the station) for a station `net` does not have.
void attach_compressor_stations(GasNetwork& net, const CompressorStationData& data, double ambient_temperature_c);

}  // namespace corridor::gas
