#include "sim/liquid/pump_library.hpp"

#include <fstream>
#include <sstream>
#include <vector>

#include "geo/error.hpp"

namespace corridor::liquid {

PumpCurve read_pandapipes_pump_curve(const std::filesystem::path& file, std::string name) {
  std::ifstream in(file);
  if (!in) throw InputError(file.string(), "", "cannot read pump curve file");
  std::string line;
  std::vector<std::pair<double, double>> points;
  int degree = -1;
  int line_no = 0;
  auto fail = [&](const std::string& what) { throw InputError(file.string(), "line " + std::to_string(line_no), what); };
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ';')) cells.push_back(cell);
    if (line_no == 1) {
      if (cells.size() < 2 || cells[0] != "Vdot_m3ph" || cells[1] != "p_bar")
        fail("expected the header Vdot_m3ph;p_bar;degree;sector of a pandapipes pump curve");
      continue;
    }
    if (cells.size() < 2) fail("expected a volume flow (m3/h) and a pressure lift (bar)");
    double q = 0.0, p = 0.0;
    try {
      q = std::stod(cells[0]);
      p = std::stod(cells[1]);
    } catch (const std::exception&) {
      fail("volume flow and pressure lift must be numbers");
    }
    if (q < 0.0) fail("negative volume flow");
    points.emplace_back(q, p);
    if (cells.size() >= 3 && !cells[2].empty()) {
      try {
        degree = std::stoi(cells[2]);
      } catch (const std::exception&) {
        fail("the degree must be an integer");
      }
    }
  }
  if (degree < 0) throw InputError(file.string(), "", "no polynomial degree given (third column of the first point)");
  if (points.size() < static_cast<std::size_t>(degree) + 1)
    throw InputError(file.string(), "", "a curve of degree " + std::to_string(degree) + " needs at least " +
                                            std::to_string(degree + 1) + " points");
  return PumpCurve::fit(std::move(name), points, degree);
}

}  // namespace corridor::liquid
