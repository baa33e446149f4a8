#include "sim/gas/friction.hpp"

namespace corridor::gas {

std::string_view to_string(FrictionModel model) {
  switch (model) {
    case FrictionModel::nikuradse: return "nikuradse";
    case FrictionModel::colebrook_white: return "colebrook_white";
    case FrictionModel::hofer: return "hofer";
    case FrictionModel::swamee_jain: return "swamee_jain";
    case FrictionModel::fixed: return "fixed";
  }
  return "?";
}

double friction_factor(FrictionModel model, double m_kg_per_s, double d_m, double k_m, double area_m2, double mu_pa_s,
                       double fixed_lambda) {
  if (model == FrictionModel::fixed) return fixed_lambda;
  const double re = std::abs(m_kg_per_s) * d_m / (mu_pa_s * area_m2);
  const double k_over_d = std::max(k_m / d_m, 1e-12);
  const double turbulent = turbulent_friction_factor(model, re, k_over_d);
  if (re <= 0.0) return model == FrictionModel::nikuradse ? turbulent : 0.0;
  if (model == FrictionModel::nikuradse) return 64.0 / re + turbulent;
  return std::max(64.0 / re, turbulent);
}

}  // namespace corridor::gas
