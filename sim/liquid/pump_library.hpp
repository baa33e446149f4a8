// Pump curves from files: pandapipes' pump standard-type CSV (`Vdot_m3ph;p_bar;degree;sector`, one
// row per point, the polynomial degree in the first data row), fitted by least squares as pandapipes
// does (PumpCurve::fit).
#pragma once

#include <filesystem>
#include <string>

#include "sim/liquid/model.hpp"

namespace corridor::liquid {

/// Reads and fits a pandapipes pump curve file. Throws InputError naming the file and line.
PumpCurve read_pandapipes_pump_curve(const std::filesystem::path& file, std::string name);

}  // namespace corridor::liquid
