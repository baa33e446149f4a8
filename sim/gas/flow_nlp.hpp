// The continuous optimal-flow problem for one combination of discrete control states, as an Ipopt
// TNLP (formulation: optimizer.hpp). Internal to the optimiser (optimizer.cpp): it builds the
// variables and rows once, evaluates them with exact derivatives (Jet<3>, pipe_law.hpp) and keeps
// Ipopt's solution and multipliers. In the elastic variant every pressure bound (of nodes, and the
// inlet minimum and outlet maximum of stations and regulators) gets violation variables and the
// objective is their sum in bar: the least-violation problem that names the bounds that cannot be met.
#pragma once

#include <IpTNLP.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "sim/gas/jet.hpp"
#include "sim/gas/optimizer.hpp"
#include "sim/gas/pipe_law.hpp"

namespace corridor::gas::detail {

/// The discrete states of one NLP: per compressor and per valve.
struct ControlStates {
  std::vector<ControlState> station, valve;
  /// Per station with machine data (Compressor::machines) and active: the configuration it runs in;
  /// -1 (or absent) runs it without its machines (ratio and station limits only, isentropic power).
  std::vector<int> configuration;
  bool relaxed = false;  ///< active stations and regulators with their lower limits relaxed (step 1)
  bool operator==(const ControlStates&) const = default;
  [[nodiscard]] int configuration_of(std::size_t c) const { return c < configuration.size() ? configuration[c] : -1; }
};

/// Where a value of the optimiser's start comes from.
struct StartPoint {
  std::vector<double> pressure_pa;     ///< per node (NaN: none)
  std::vector<double> pipe_flow_kg_per_s, station_flow_kg_per_s, valve_flow_kg_per_s;
  std::vector<double> injection_kg_per_s;  ///< per node
  double scale = 1.0;
};

class FlowNlp : public Ipopt::TNLP {
public:
  enum class RowKind { balance, pipe, equal_drop, fixed_ratio, fixed_outlet, ratio_max, ratio_min, power_max,
                       pressure_in_min, pressure_out_max, drop, node_bounds,
                       // A compressor unit of a station run on its machines (compressor_machines.hpp):
                       // variables a, b (stage inlet and outlet pressure), c (unit flow), d (speed / speed_max).
                       unit_head, unit_surge, unit_choke, unit_power, unit_volume, unit_torque };
  struct Row {
    RowKind kind;
    std::string element;  ///< for reports
    std::string limit;    ///< BindingConstraint::limit
    std::size_t index = 0;  ///< pipe, compressor, valve or group index
    int a = -1, b = -1, c = -1;  ///< variables: pressure from, pressure to, flow
    double coefficient = 0.0;    ///< ratio of ratio rows; drop of equal_drop; set point of fixed_outlet (scaled)
    double lo = 0.0, hi = 0.0;   ///< row bounds (scaled)
    int slack_lo = -1, slack_hi = -1;  ///< elastic violation variables
    double unit_per_scaled = 1.0;      ///< SI per scaled unit of the row (p0 for pressures)
    int d = -1;                        ///< unit rows: the speed variable (speed / speed_max)
    std::size_t unit = 0;              ///< unit rows: the unit (StationMachines::units)
  };

  FlowNlp(const GasNetwork& net, const OptimizerOptions& options, const ControlStates& states, bool elastic,
          const StartPoint& start, double p0, double m0);

  [[nodiscard]] bool solved() const { return solved_; }
  /// The problem cannot be solved as built: a group whose pressure bounds do not overlap (hard
  /// problem), or an injection that no branch can carry away (both).
  [[nodiscard]] bool empty_bounds() const { return empty_bounds_; }
  [[nodiscard]] bool unbalanced() const { return no_balance_; }
  [[nodiscard]] double objective_value() const { return objective_; }
  /// Elastic: the summed violation of the solution (bar for pressures).
  [[nodiscard]] double violation() const;
  /// The solution as a start for another combination.
  [[nodiscard]] StartPoint solution_as_start() const;
  [[nodiscard]] double pressure_pa(std::size_t node) const { return x_[group_of_[node]] * p0_; }
  [[nodiscard]] double pipe_flow_kg_per_s(std::size_t pipe) const;
  [[nodiscard]] double station_flow_kg_per_s(std::size_t compressor) const;
  [[nodiscard]] double valve_flow_kg_per_s(std::size_t valve) const;  ///< regulators and loss resistors; NaN else
  [[nodiscard]] double free_injection_kg_per_s(std::size_t group) const;
  [[nodiscard]] double scale() const { return sigma_ >= 0 ? x_[sigma_] : 1.0; }
  [[nodiscard]] std::size_t group_of(std::size_t node) const { return group_of_[node]; }
  [[nodiscard]] bool group_has_free_injection(std::size_t group) const { return free_of_group_[group] >= 0; }
  /// A slack node that supplies its part's balance (the others keep their nominated flow).
  [[nodiscard]] bool takes_balance(std::size_t node) const { return takes_balance_[node]; }
  [[nodiscard]] int iterations() const { return iterations_; }
  /// The binding constraints with their shadow prices (optimizer.hpp), after a solve.
  [[nodiscard]] std::vector<BindingConstraint> binding() const;
  /// The violated bounds of an elastic solution, worst first.
  [[nodiscard]] std::vector<UnmetBound> unmet() const;
  /// The station power the objective counts, W (at the solution): its units' shaft powers when it runs
  /// on its machines.
  [[nodiscard]] double station_power_w(std::size_t compressor) const;
  /// A station run on its machines: each running unit's operating point at the solution (its stage's
  /// pressures and its flow), evaluated by compressor_machines.hpp; empty otherwise.
  [[nodiscard]] std::vector<UnitOperatingPoint> unit_points(std::size_t compressor) const;

  // Ipopt::TNLP
  bool get_nlp_info(Ipopt::Index& n, Ipopt::Index& m, Ipopt::Index& nnz_jac_g, Ipopt::Index& nnz_h_lag,
                    IndexStyleEnum& index_style) override;
  bool get_bounds_info(Ipopt::Index n, Ipopt::Number* x_l, Ipopt::Number* x_u, Ipopt::Index m, Ipopt::Number* g_l,
                       Ipopt::Number* g_u) override;
  bool get_starting_point(Ipopt::Index n, bool init_x, Ipopt::Number* x, bool init_z, Ipopt::Number* z_L,
                          Ipopt::Number* z_U, Ipopt::Index m, bool init_lambda, Ipopt::Number* lambda) override;
  bool eval_f(Ipopt::Index n, const Ipopt::Number* x, bool new_x, Ipopt::Number& obj_value) override;
  bool eval_grad_f(Ipopt::Index n, const Ipopt::Number* x, bool new_x, Ipopt::Number* grad_f) override;
  bool eval_g(Ipopt::Index n, const Ipopt::Number* x, bool new_x, Ipopt::Index m, Ipopt::Number* g) override;
  bool eval_jac_g(Ipopt::Index n, const Ipopt::Number* x, bool new_x, Ipopt::Index m, Ipopt::Index nele_jac,
                  Ipopt::Index* iRow, Ipopt::Index* jCol, Ipopt::Number* values) override;
  bool eval_h(Ipopt::Index n, const Ipopt::Number* x, bool new_x, Ipopt::Number obj_factor, Ipopt::Index m,
              const Ipopt::Number* lambda, bool new_lambda, Ipopt::Index nele_hess, Ipopt::Index* iRow,
              Ipopt::Index* jCol, Ipopt::Number* values) override;
  void finalize_solution(Ipopt::SolverReturn status, Ipopt::Index n, const Ipopt::Number* x, const Ipopt::Number* z_L,
                         const Ipopt::Number* z_U, Ipopt::Index m, const Ipopt::Number* g,
                         const Ipopt::Number* lambda, Ipopt::Number obj_value, const Ipopt::IpoptData* ip_data,
                         Ipopt::IpoptCalculatedQuantities* ip_cq) override;

private:
  using J = Jet<3>;
  struct Edge {  ///< a branch with a flow variable
    enum Kind { pipe, station, valve } kind;
    std::size_t element;
    int from, to;  ///< groups
    int q;         ///< flow variable
  };
  int add_variable(double lo, double hi, double start);
  void add_row(Row row);
  using J4 = Jet<4>;
  [[nodiscard]] J row_jet(const Row& row, const double* x) const;  ///< nonlinear rows
  [[nodiscard]] J4 unit_jet(const Row& row, const double* x) const;  ///< unit rows
  /// A unit's shaft power (MW) or, with fuel = true, its drive's fuel gas (kg/s; 0 for electric motors).
  [[nodiscard]] J4 unit_power_jet(std::size_t compressor, std::size_t unit, int a, int b, int c, int d, const double* x,
                                  bool fuel) const;
  void add_machine_rows(std::size_t compressor, int configuration, int a, int b, int q);
  [[nodiscard]] static bool unit_row(RowKind k) { return k >= RowKind::unit_head; }
  [[nodiscard]] J power_jet(std::size_t compressor, int a, int b, int c, const double* x) const;  ///< MW
  [[nodiscard]] bool nonlinear(const Row& row) const {
    return row.kind == RowKind::pipe || row.kind == RowKind::power_max || unit_row(row.kind);
  }
  [[nodiscard]] double objective_weight(std::size_t compressor) const;  ///< objective per MW of this station
  void refresh(const double* x, bool new_x);  ///< the jets of the nonlinear rows and the objective at x

  const GasNetwork& net_;
  const OptimizerOptions& options_;
  ControlStates states_;
  bool elastic_;
  double p0_, m0_;
  GasLawTerms law_;
  std::vector<PipeLaw> pipe_law_;
  std::vector<std::size_t> group_of_;  ///< node -> group (= pressure variable index)
  std::size_t groups_ = 0;
  std::vector<int> free_of_group_;     ///< group -> free injection variable, or -1
  std::vector<std::size_t> group_lo_node_, group_hi_node_;  ///< the member whose bound is the group's
  std::vector<double> group_fixed_;    ///< scaled set pressure of a slack group without bounds, else NaN
  bool empty_bounds_ = false, no_balance_ = false;
  std::vector<bool> takes_balance_;    ///< per node
  std::vector<Edge> edges_;
  std::vector<int> pipe_edge_, station_edge_, valve_edge_;  ///< element -> edge, or -1
  int sigma_ = -1;
  std::vector<double> base_of_group_;  ///< max_delivery: scaled injection per unit of sigma
  std::vector<double> fixed_of_group_;  ///< fixed injection (scaled)
  std::vector<double> x_lo_, x_hi_, x_start_;
  std::vector<Row> rows_;
  std::vector<int> objective_stations_;  ///< stations whose power the objective counts (without machines)
  struct UnitTerm {  ///< a running unit of a station on its machines, in the objective
    std::size_t station, unit;
    int a, b, c, d;
  };
  std::vector<UnitTerm> objective_units_;
  std::vector<std::vector<std::size_t>> station_units_;  ///< per station: indices into objective_units_
  std::vector<std::vector<int>> pending_splits_;          ///< per split row: station flow, then unit flows
  std::vector<std::string> split_labels_;
  std::vector<int> slacks_;              ///< elastic violation variables
  // Sparsity, built once.
  struct Entry {
    int row, col;
  };
  std::vector<Entry> jac_;
  std::vector<std::vector<int>> balance_cols_;  ///< per balance row: columns (coefficients in balance_coef_)
  std::vector<std::vector<double>> balance_coef_;
  std::vector<Entry> hess_;
  // Jets at the last point evaluated (refresh).
  std::vector<J> row_jets_;        ///< per row; only nonlinear rows hold one
  std::vector<J> objective_jets_;  ///< per objective station
  std::vector<J4> unit_jets_;      ///< per row; only unit rows hold one
  std::vector<J4> objective_unit_jets_;  ///< per objective unit
  bool jets_fresh_ = false;
  // Solution.
  bool solved_ = false;
  double objective_ = 0.0;
  int iterations_ = 0;
  std::vector<double> x_, z_lo_, z_hi_, lambda_, g_;
};

}  // namespace corridor::gas::detail
