#include "sim/gas/solver.hpp"

#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#include <algorithm>
#include <array>
#include <tuple>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>
#include <sstream>

#include "geo/error.hpp"
#include "sim/gas/dual.hpp"
#include "sim/gas/pipe_law.hpp"
#include "sim/gas/union_find.hpp"

namespace corridor::gas {

namespace {

constexpr double pi = 3.14159265358979323846;
constexpr double valve_resistance = 1e-9;  // scaled p drop per scaled flow through open valves and bypasses

enum class BranchKind { pipe, compressor, valve };

struct Branch {
  BranchKind kind;
  std::size_t element;
  std::size_t from, to;  // node indices
};


std::string element_label(const GasNetwork& net, const Branch& b) {
  switch (b.kind) {
    case BranchKind::pipe: return "pipe '" + net.pipes[b.element].id + "'";
    case BranchKind::compressor: return "compressor '" + net.compressors[b.element].id + "'";
    case BranchKind::valve: return "valve '" + net.valves[b.element].id + "'";
  }
  return "?";
}

std::string format_number(double x) {
  std::ostringstream s;
  s.precision(4);
  s << x;
  return s.str();
}


/// One steady-state problem with fixed discrete states: builds rows, Jacobian, runs Newton.
class Problem {
public:
  Problem(const GasNetwork& net, const SolverOptions& options) : net_(net), options_(options), law_(net.gas) {
    const auto isolated = nodes_without_slack(net);
    isolated_ = isolated;
    // Unknown numbering: active nodes first, then branches.
    node_unknown_.assign(net.nodes.size(), -1);
    int k = 0;
    for (std::size_t i = 0; i < net.nodes.size(); ++i)
      if (!isolated[i]) node_unknown_[i] = k++;
    node_count_ = k;
    auto add_branch = [&](BranchKind kind, std::size_t element, std::size_t from, std::size_t to) {
      if (isolated[from] && isolated[to]) return;
      branches_.push_back({kind, element, from, to});
    };
    for (std::size_t i = 0; i < net.pipes.size(); ++i)
      if (net.pipes[i].in_service) add_branch(BranchKind::pipe, i, net.pipes[i].from, net.pipes[i].to);
    for (std::size_t i = 0; i < net.compressors.size(); ++i)
      if (net.compressors[i].in_service)
        add_branch(BranchKind::compressor, i, net.compressors[i].from, net.compressors[i].to);
    for (std::size_t i = 0; i < net.valves.size(); ++i)
      if (net.valves[i].open) add_branch(BranchKind::valve, i, net.valves[i].from, net.valves[i].to);
    n_ = node_count_ + static_cast<int>(branches_.size());

    // Scales: p0 the largest pressure set anywhere, m0 the total supply (or 1 kg/s when nothing flows).
    p0_ = 0.0;
    double supply = 0.0, offtake = 0.0;
    for (std::size_t i = 0; i < net.nodes.size(); ++i) {
      const auto& n = net.nodes[i];
      if (n.pressure_set_pa) p0_ = std::max(p0_, *n.pressure_set_pa);
      else if (!isolated[i]) (n.injection_kg_per_s > 0 ? supply : offtake) += std::abs(n.injection_kg_per_s);
    }
    p_start_ = p0_;
    for (const auto& c : net.compressors)
      if (c.in_service && c.mode == CompressorMode::outlet_pressure) p0_ = std::max(p0_, c.outlet_pressure_pa);
    for (const auto& v : net.valves)
      if (v.open && v.control == ValveControl::outlet_pressure) p0_ = std::max(p0_, v.setpoint_pa);
    if (p0_ <= 0.0) p0_ = standard_pressure_pa;
    if (p_start_ <= 0.0) p_start_ = p0_;
    m0_ = std::max({supply, offtake, 1e-6});
    eps_ = options.regularisation * m0_;

    pipe_constants_.reserve(net.pipes.size());
    for (const auto& p : net.pipes) pipe_constants_.emplace_back(net, p);
    compressor_state_.assign(net.compressors.size(), CompressorState::active);
    pipe_closed_.assign(net.pipes.size(), false);
    extra_offtake_.assign(net.nodes.size(), 0.0);
    build_pattern();
    branch_jacobian_.assign(branches_.size(), {0.0, 0.0, 0.0});
    colebrook_start_.assign(net.pipes.size(), 0.0);
  }

  [[nodiscard]] int unknowns() const { return n_; }
  [[nodiscard]] double p0() const { return p0_; }
  [[nodiscard]] const GasNetwork& network() const { return net_; }
  [[nodiscard]] const SolverOptions& options() const { return options_; }
  [[nodiscard]] double m0() const { return m0_; }
  [[nodiscard]] const std::vector<Branch>& branches() const { return branches_; }
  [[nodiscard]] const std::vector<bool>& isolated() const { return isolated_; }
  std::vector<CompressorState>& compressor_state() { return compressor_state_; }
  std::vector<bool>& pipe_closed() { return pipe_closed_; }
  std::vector<double>& extra_offtake() { return extra_offtake_; }

  /// Stations on outlet pressure control switch between their laws inside Newton (semismooth Newton
  /// on p_out = max(p_in, min(p_set, ratio_max p_in))) instead of in the outer loop.
  void switch_stations_in_newton() { switch_in_newton_ = true; }
  [[nodiscard]] bool switches_stations_in_newton() const { return switch_in_newton_; }
  /// The law of a station on outlet pressure control at the inlet pressure pf (scaled): bypass when
  /// the inlet is above the set point (if allowed), ratio limit when the set point needs more.
  [[nodiscard]] CompressorState station_law(const Compressor& c, double pf) const {
    const double set = c.outlet_pressure_pa / p0_;
    if (c.allow_bypass && pf >= set) return CompressorState::bypass;
    if (c.ratio_max && *c.ratio_max * pf < set) return CompressorState::ratio_limited;
    return CompressorState::active;
  }
  /// Sets the states of the switched stations to their law at x.
  void record_station_laws(const Eigen::VectorXd& x) {
    for (const auto& br : branches_) {
      if (br.kind != BranchKind::compressor) continue;
      const auto& c = net_.compressors[br.element];
      if (c.mode == CompressorMode::outlet_pressure && compressor_state_[br.element] != CompressorState::off)
        compressor_state_[br.element] = station_law(c, x[node_unknown_[br.from]]);
    }
  }

  [[nodiscard]] Eigen::VectorXd flat_start() const {
    Eigen::VectorXd x = Eigen::VectorXd::Zero(n_);
    for (int i = 0; i < node_count_; ++i) x[i] = p_start_ / p0_;
    return x;
  }
  [[nodiscard]] Eigen::VectorXd from_solution(const Solution& s) const {
    Eigen::VectorXd x = flat_start();
    if (s.pressure_pa.size() != net_.nodes.size()) return x;
    for (std::size_t i = 0; i < net_.nodes.size(); ++i)
      if (node_unknown_[i] >= 0 && std::isfinite(s.pressure_pa[i]) && s.pressure_pa[i] > 0)
        x[node_unknown_[i]] = s.pressure_pa[i] / p0_;
    for (std::size_t b = 0; b < branches_.size(); ++b) {
      const auto& br = branches_[b];
      double m = 0.0;
      if (br.kind == BranchKind::pipe && br.element < s.pipes.size()) m = s.pipes[br.element].flow_kg_per_s;
      if (br.kind == BranchKind::compressor && br.element < s.compressors.size())
        m = s.compressors[br.element].flow_kg_per_s;
      if (br.kind == BranchKind::valve && br.element < s.valves.size()) m = s.valves[br.element].flow_kg_per_s;
      x[node_count_ + static_cast<int>(b)] = m / m0_;
    }
    return x;
  }

  [[nodiscard]] double pressure_pa(const Eigen::VectorXd& x, std::size_t node) const {
    return node_unknown_[node] >= 0 ? x[node_unknown_[node]] * p0_ : std::numeric_limits<double>::quiet_NaN();
  }
  [[nodiscard]] double flow_kg_per_s(const Eigen::VectorXd& x, std::size_t branch) const {
    return x[node_count_ + static_cast<int>(branch)] * m0_;
  }

  /// Residual F(x), and when `jacobian` is true the Jacobian values into the matrix.
  void evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& f, bool jacobian) {
    f.setZero(n_);
    std::size_t k = 0;  // position in the pattern, in the order build_pattern() used
    auto put = [&](double v) {
      if (jacobian) values_[k] = v;
      ++k;
    };
    // Node rows.
    for (std::size_t i = 0; i < net_.nodes.size(); ++i) {
      const int r = node_unknown_[i];
      if (r < 0) continue;
      const auto& node = net_.nodes[i];
      if (node.pressure_set_pa) {
        f[r] = x[r] - *node.pressure_set_pa / p0_;
        put(1.0);
      } else {
        f[r] = (node.injection_kg_per_s - extra_offtake_[i]) / m0_;
      }
    }
    for (std::size_t b = 0; b < branches_.size(); ++b) {
      const auto& br = branches_[b];
      const int col = node_count_ + static_cast<int>(b);
      const int rf = node_unknown_[br.from], rt = node_unknown_[br.to];
      const bool fs = net_.nodes[br.from].pressure_set_pa.has_value();
      const bool ts = net_.nodes[br.to].pressure_set_pa.has_value();
      if (rf >= 0 && !fs) {
        f[rf] -= x[col];
        put(-1.0);
      }
      if (rt >= 0 && !ts) {
        f[rt] += x[col];
        put(1.0);
      }
    }
    // Branch rows: entries (row, p_from), (row, p_to), (row, m) in this order.
    for (std::size_t b = 0; b < branches_.size(); ++b) {
      const auto& br = branches_[b];
      const int row = node_count_ + static_cast<int>(b);
      const double pf = x[node_unknown_[br.from]], pt = x[node_unknown_[br.to]], m = x[row];
      double r = 0.0, dpf = 0.0, dpt = 0.0, dm = 0.0;
      auto valve_row = [&] {
        r = pf - pt - valve_resistance * m;
        dpf = 1.0;
        dpt = -1.0;
        dm = -valve_resistance;
      };
      switch (br.kind) {
        case BranchKind::pipe:
          if (pipe_closed_[br.element]) {
            r = m;
            dm = 1.0;
          } else {
            pipe_row(br.element, pf, pt, m, r, dpf, dpt, dm);
          }
          break;
        case BranchKind::valve: {
          const auto& v = net_.valves[br.element];
          if (v.control == ValveControl::outlet_pressure) {  // p_to = set
            r = pt - v.setpoint_pa / p0_;
            dpt = 1.0;
          } else if (v.control == ValveControl::pressure_drop) {  // p_from - p_to = set
            r = pf - pt - v.setpoint_pa / p0_;
            dpf = 1.0;
            dpt = -1.0;
          } else {
            valve_row();
          }
          break;
        }
        case BranchKind::compressor: {
          const auto& c = net_.compressors[br.element];
          if (switch_in_newton_ && c.mode == CompressorMode::outlet_pressure &&
              compressor_state_[br.element] != CompressorState::off) {
            // Semismooth: the residual p_out - max(p_in, min(p_set, ratio_max p_in)) is continuous; its
            // derivative is that of the branch that holds at x.
            switch (station_law(c, pf)) {
              case CompressorState::bypass:
                r = pt - pf + valve_resistance * m;
                dpt = 1.0;
                dpf = -1.0;
                dm = valve_resistance;
                break;
              case CompressorState::ratio_limited:
                r = pt - *c.ratio_max * pf;
                dpt = 1.0;
                dpf = -*c.ratio_max;
                break;
              default:
                r = pt - c.outlet_pressure_pa / p0_;
                dpt = 1.0;
                break;
            }
            break;
          }
          switch (compressor_state_[br.element]) {
            case CompressorState::active:
              if (c.mode == CompressorMode::ratio) {
                r = pt - c.ratio * pf;
                dpt = 1.0;
                dpf = -c.ratio;
              } else {
                r = pt - c.outlet_pressure_pa / p0_;
                dpt = 1.0;
              }
              break;
            case CompressorState::ratio_limited:
              r = pt - c.ratio_max.value_or(1.0) * pf;
              dpt = 1.0;
              dpf = -c.ratio_max.value_or(1.0);
              break;
            case CompressorState::bypass: valve_row(); break;
            case CompressorState::off:
              r = m;
              dm = 1.0;
              break;
          }
          break;
        }
      }
      f[row] = r;
      put(dpf);
      put(dpt);
      put(dm);
      if (jacobian) branch_jacobian_[b] = {dpf, dpt, dm};
    }
    if (jacobian && full_built_) copy_full_values();
  }

  /// Solves J dx = -f by eliminating the flows of pipes and valves (each appears in its own row only,
  /// with dG/dm != 0: dm_b = -(G_b + a_b dp_f + c_b dp_t) / d_b), leaving a system in the node
  /// pressures and the compressor flows, about half the size and far sparser to factorise.
  /// Returns false when it cannot (a zero d_b, a singular reduced matrix): the caller uses the full system.
  bool reduced_solve(const Eigen::VectorXd& f, Eigen::VectorXd& dx) {
    if (reduced_pattern_.empty()) build_reduced_pattern();
    const int nr = node_count_ + static_cast<int>(kept_.size());
    Eigen::VectorXd rhs(nr);
    std::fill(reduced_values_.begin(), reduced_values_.end(), 0.0);
    std::size_t k = 0;
    auto put = [&](double v) { reduced_values_[k++] += v; };
    for (int i = 0; i < node_count_; ++i) rhs[i] = -f[i];
    for (std::size_t j = 0; j < kept_.size(); ++j) rhs[node_count_ + static_cast<int>(j)] = -f[node_count_ + static_cast<int>(kept_[j])];
    // Same order as build_reduced_pattern().
    for (std::size_t i = 0; i < node_is_slack_.size(); ++i)
      if (node_is_slack_[i]) put(1.0);
    for (std::size_t b = 0; b < branches_.size(); ++b) {
      const auto& br = branches_[b];
      const auto [a, c, d] = branch_jacobian_[b];
      const int rf = node_unknown_[br.from], rt = node_unknown_[br.to];
      const bool fs = node_is_slack_[static_cast<std::size_t>(rf)], ts = node_is_slack_[static_cast<std::size_t>(rt)];
      if (kept_index_[b] >= 0) {
        if (!fs) put(-1.0);
        if (!ts) put(1.0);
        put(a);
        put(c);
        put(d);
        continue;
      }
      if (d == 0.0 || !std::isfinite(d)) return false;
      const double g = f[node_count_ + static_cast<int>(b)];
      if (!fs) {  // row f gets -dm_b
        put(a / d);
        put(c / d);
        rhs[rf] -= g / d;
      }
      if (!ts) {  // row t gets +dm_b
        put(-a / d);
        put(-c / d);
        rhs[rt] += g / d;
      }
    }
    for (std::size_t j = 0; j < reduced_values_.size(); ++j) reduced_.valuePtr()[reduced_position_[j]] = 0.0;
    for (std::size_t j = 0; j < reduced_values_.size(); ++j) reduced_.valuePtr()[reduced_position_[j]] += reduced_values_[j];
    if (!reduced_analysed_) {
      reduced_lu_.analyzePattern(reduced_);
      reduced_analysed_ = true;
    }
    reduced_lu_.factorize(reduced_);
    if (reduced_lu_.info() != Eigen::Success) return false;
    const Eigen::VectorXd y = reduced_lu_.solve(rhs);
    if (!y.allFinite()) return false;
    dx.resize(n_);
    for (int i = 0; i < node_count_; ++i) dx[i] = y[i];
    for (std::size_t b = 0; b < branches_.size(); ++b) {
      const int row = node_count_ + static_cast<int>(b);
      if (kept_index_[b] >= 0) {
        dx[row] = y[node_count_ + kept_index_[b]];
        continue;
      }
      const auto& br = branches_[b];
      const auto [a, c, d] = branch_jacobian_[b];
      dx[row] = -(f[row] + a * y[node_unknown_[br.from]] + c * y[node_unknown_[br.to]]) / d;
    }
    return true;
  }

  /// Start for a flat start: one linear solve in which each branch's flow derivative is taken at a
  /// representative flow (10% of m0) instead of zero, i.e. the network solved with linearised pipe
  /// laws. From all-zero flows Newton's first step is dominated by the regularisation and needs a
  /// long line search; this start gives flows of the right size and direction.
  void linearised_start(Eigen::VectorXd& x) {
    Eigen::VectorXd f(n_), dx(n_);
    Eigen::VectorXd xr = x;
    for (std::size_t b = 0; b < branches_.size(); ++b) xr[node_count_ + static_cast<int>(b)] = 0.1;
    evaluate(xr, f, true);  // derivatives at the representative flow
    evaluate(x, f, false);  // residual at zero flow
    if (!reduced_solve(f, dx)) return;
    double t = 1.0;
    for (int i = 0; i < node_count_; ++i)
      if (dx[i] < 0.0 && x[i] + dx[i] < 0.2 * x[i]) t = std::min(t, 0.8 * x[i] / -dx[i]);
    // Keep the pressures of the linear network only partly: its flows are what matters.
    for (int i = 0; i < node_count_; ++i) x[i] += t * dx[i];
    for (std::size_t b = 0; b < branches_.size(); ++b) x[node_count_ + static_cast<int>(b)] = dx[node_count_ + static_cast<int>(b)];
  }

  /// Newton-Raphson from x; returns iterations; throws SolverError when it fails.
  int newton(Eigen::VectorXd& x, double& residual_inf) {
    Eigen::VectorXd f(n_), fn(n_), dx(n_), xn(n_), xp(n_), fp(n_);
    int stalls = 0;
    bool current = false;  // f and the Jacobian already belong to x
    double previous_ratio = 0.0;  // residual reduction of the last step
    for (int it = 0;; ++it) {
      if (!current) evaluate(x, f, true);
      current = false;
      residual_inf = f.lpNorm<Eigen::Infinity>();
      if (!std::isfinite(residual_inf)) fail(f, it, "the residual is not finite");
      if (residual_inf < options_.tolerance) return it;
      if (it >= options_.max_iterations) fail(f, it, "");
      if (!options_.eliminate_flows || !reduced_solve(f, dx)) {
        // Fallback: the full system in pressures and flows.
        if (!full_built_) {
          build_full_matrix();
          copy_full_values();
        }
        if (!analysed_) {
          lu_.analyzePattern(matrix_);
          analysed_ = true;
        }
        lu_.factorize(matrix_);
        if (lu_.info() != Eigen::Success)
          fail(f, it, "the Jacobian is singular (a part without pressure reference, or parallel ideal elements)");
        dx = lu_.solve(-f);
      }
      if (!dx.allFinite()) fail(f, it, "the Newton step is not finite");
      // Damping: a pressure may lose at most 80% of its value in one step.
      double t = 1.0;
      for (int i = 0; i < node_count_; ++i)
        if (dx[i] < 0.0 && x[i] + dx[i] < 0.2 * x[i]) t = std::min(t, 0.8 * x[i] / -dx[i]);
      // Backtracking line search on |F|^2; the Jacobian is evaluated with F so that an accepted
      // point needs no second evaluation.
      const double f0 = f.squaredNorm();
      bool accepted = false;
      double f1 = 0.0;
      for (int ls = 0; ls < 40; ++ls) {
        xn = x + t * dx;
        evaluate(xn, fn, true);
        f1 = fn.squaredNorm();
        if (std::isfinite(f1) && f1 <= (1.0 - 1e-4 * t) * f0) {
          accepted = true;
          break;
        }
        t *= 0.5;
      }
      if (!accepted && ++stalls > 3)
        fail(f, it, "the line search cannot reduce the residual (no feasible steady state?)");
      // Extrapolation: where Newton converges only linearly (a flow tending to zero in a pipe whose
      // ends are tied by an ideal path: the pipe law m|m| has a double root there, and each step only
      // halves the flow), the doubled step lands on the root; it is kept only when it lowers |F|.
      bool doubled = false;
      if (accepted && t == 1.0 && previous_ratio > 0.2) {
        xp = x + 2.0 * dx;
        saved_branch_jacobian_ = branch_jacobian_;
        saved_values_ = values_;
        evaluate(xp, fp, true);
        const double f2 = fp.squaredNorm();
        if (std::isfinite(f2) && f2 < f1) {
          doubled = true;
          x = xp;
          f = fp;
        } else {  // back to the Jacobian at xn
          branch_jacobian_.swap(saved_branch_jacobian_);
          values_.swap(saved_values_);
          if (full_built_) copy_full_values();
        }
      }
      if (!doubled) {
        x = xn;
        f = fn;
      }
      current = true;
      const double now = f.lpNorm<Eigen::Infinity>();
      previous_ratio = now / residual_inf;
    }
  }

  [[noreturn]] void fail(const Eigen::VectorXd& f, int iterations, const std::string& why) {
    Eigen::Index worst = 0;
    f.cwiseAbs().maxCoeff(&worst);
    std::string where;
    std::string detail;
    const int w = static_cast<int>(worst);
    if (w < node_count_) {
      std::size_t node = 0;
      for (std::size_t i = 0; i < node_unknown_.size(); ++i)
        if (node_unknown_[i] == w) node = i;
      where = "node '" + net_.nodes[node].id + "'";
      detail = "mass imbalance " + format_number(f[w] * m0_) + " kg/s";
    } else {
      const auto& br = branches_[static_cast<std::size_t>(w - node_count_)];
      where = "node '" + net_.nodes[br.from].id + "' (" + element_label(net_, br) + " to node '" +
              net_.nodes[br.to].id + "')";
      detail = "scaled residual " + format_number(f[w]);
    }
    std::string message = "gas network did not converge after " + std::to_string(iterations) +
                          " Newton iterations: worst at " + where + ", " + detail + " (largest scaled residual " +
                          format_number(std::abs(f[w])) + ")";
    if (!why.empty()) message += "; " + why;
    throw SolverError(message);
  }

private:
  void build_reduced_pattern() {
    node_is_slack_.assign(static_cast<std::size_t>(node_count_), false);
    for (std::size_t i = 0; i < net_.nodes.size(); ++i)
      if (node_unknown_[i] >= 0 && net_.nodes[i].pressure_set_pa) node_is_slack_[static_cast<std::size_t>(node_unknown_[i])] = true;
    kept_.clear();
    kept_index_.assign(branches_.size(), -1);
    for (std::size_t b = 0; b < branches_.size(); ++b)
      if (branches_[b].kind == BranchKind::compressor ||
          (branches_[b].kind == BranchKind::valve && net_.valves[branches_[b].element].control != ValveControl::none)) {
        kept_index_[b] = static_cast<int>(kept_.size());
        kept_.push_back(b);
      }
    const int nr = node_count_ + static_cast<int>(kept_.size());
    std::vector<Eigen::Triplet<double>> t;
    for (std::size_t i = 0; i < node_is_slack_.size(); ++i)
      if (node_is_slack_[i]) t.emplace_back(static_cast<int>(i), static_cast<int>(i), 0.0);
    for (std::size_t b = 0; b < branches_.size(); ++b) {
      const auto& br = branches_[b];
      const int rf = node_unknown_[br.from], rt = node_unknown_[br.to];
      const bool fs = node_is_slack_[static_cast<std::size_t>(rf)], ts = node_is_slack_[static_cast<std::size_t>(rt)];
      if (kept_index_[b] >= 0) {
        const int col = node_count_ + kept_index_[b];
        if (!fs) t.emplace_back(rf, col, 0.0);
        if (!ts) t.emplace_back(rt, col, 0.0);
        t.emplace_back(col, rf, 0.0);
        t.emplace_back(col, rt, 0.0);
        t.emplace_back(col, col, 0.0);
        continue;
      }
      if (!fs) {
        t.emplace_back(rf, rf, 0.0);
        t.emplace_back(rf, rt, 0.0);
      }
      if (!ts) {
        t.emplace_back(rt, rf, 0.0);
        t.emplace_back(rt, rt, 0.0);
      }
    }
    reduced_.resize(nr, nr);
    reduced_.setFromTriplets(t.begin(), t.end());  // duplicates merge: positions are looked up below
    reduced_.makeCompressed();
    reduced_position_.resize(t.size());
    for (std::size_t j = 0; j < t.size(); ++j)
      reduced_position_[j] = &reduced_.coeffRef(t[j].row(), t[j].col()) - reduced_.valuePtr();
    reduced_values_.assign(t.size(), 0.0);
    reduced_pattern_.assign(1, true);
  }

  void build_pattern() {
    std::vector<Eigen::Triplet<double>> triplets;
    auto add = [&](int r, int c) {
      triplets.emplace_back(r, c, static_cast<double>(triplets.size() + 1));
    };
    for (std::size_t i = 0; i < net_.nodes.size(); ++i) {
      const int r = node_unknown_[i];
      if (r >= 0 && net_.nodes[i].pressure_set_pa) add(r, r);
    }
    for (std::size_t b = 0; b < branches_.size(); ++b) {
      const auto& br = branches_[b];
      const int col = node_count_ + static_cast<int>(b);
      const int rf = node_unknown_[br.from], rt = node_unknown_[br.to];
      if (rf >= 0 && !net_.nodes[br.from].pressure_set_pa) add(rf, col);
      if (rt >= 0 && !net_.nodes[br.to].pressure_set_pa) add(rt, col);
    }
    for (std::size_t b = 0; b < branches_.size(); ++b) {
      const auto& br = branches_[b];
      const int row = node_count_ + static_cast<int>(b);
      add(row, node_unknown_[br.from]);
      add(row, node_unknown_[br.to]);
      add(row, row);
    }
    values_.assign(triplets.size(), 0.0);
    full_triplets_ = std::move(triplets);
  }

  void copy_full_values() {
    for (std::size_t j = 0; j < values_.size(); ++j) matrix_.valuePtr()[position_[j]] = values_[j];
  }

  /// The full Jacobian's sparse structure, built only when the reduced solve cannot be used.
  void build_full_matrix() {
    const auto& triplets = full_triplets_;
    matrix_.resize(n_, n_);
    matrix_.setFromTriplets(triplets.begin(), triplets.end());
    matrix_.makeCompressed();
    position_.assign(triplets.size(), 0);
    for (Eigen::Index j = 0; j < matrix_.nonZeros(); ++j) {
      const auto tag = static_cast<std::size_t>(matrix_.valuePtr()[j]) - 1;
      position_[tag] = j;
    }
    full_built_ = true;
  }

  /// Scaled pipe row and its derivatives by the scaled unknowns (pipe_law.hpp).
  void pipe_row(std::size_t pipe, double pf, double pt, double m, double& r, double& dpf, double& dpt,
                double& dm) const {
    // The two parts of the law (pipe_law.hpp): the pressure part differentiated by p1 and p2, the flow
    // part (Colebrook-White iterates there) with a one-component dual in the flow only.
    using D = Dual<3>;
    using D1 = Dual<1>;
    const auto& c = pipe_constants_[pipe];
    const D p1 = D::variable(pf, 0) * p0_, p2 = D::variable(pt, 1) * p0_;
    D potential, zm;
    pipe_potential_pa2(c, law_, net_.gas, p1, p2, potential, zm);
    const D1 flux1 = pipe_flux(c, net_.gas, D1::variable(m * m0_, 0), eps_, &colebrook_start_[pipe]);
    D flux(flux1.v);
    flux.d[2] = flux1.d[0] * m0_;
    const D res = (potential - zm * D(c.c_pa2) * flux) * (1.0 / (p0_ * p0_));
    r = res.v;
    dpf = res.d[0];
    dpt = res.d[1];
    dm = res.d[2];
  }

  const GasNetwork& net_;
  const SolverOptions& options_;
  std::vector<bool> isolated_;
  std::vector<int> node_unknown_;
  int node_count_ = 0;
  int n_ = 0;
  std::vector<Branch> branches_;
  std::vector<PipeLaw> pipe_constants_;
  GasLawTerms law_;
  std::vector<CompressorState> compressor_state_;
  std::vector<bool> pipe_closed_;
  std::vector<double> extra_offtake_;
  double p0_ = 1.0, m0_ = 1.0, eps_ = 0.0, p_start_ = 1.0;
  Eigen::SparseMatrix<double> matrix_;
  std::vector<Eigen::Index> position_;
  std::vector<double> values_;
  Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu_;
  bool analysed_ = false;
  bool full_built_ = false;
  std::vector<Eigen::Triplet<double>> full_triplets_;
  std::vector<std::array<double, 3>> branch_jacobian_;  // dG/dp_from, dG/dp_to, dG/dm per branch
  std::vector<bool> node_is_slack_;                     // by node unknown
  mutable std::vector<double> colebrook_start_;         // last 1/sqrt(lambda) per pipe: Colebrook warm start
  std::vector<std::array<double, 3>> saved_branch_jacobian_;
  std::vector<double> saved_values_;
  std::vector<std::size_t> kept_;                       // branches whose flow stays an unknown (compressors)
  std::vector<int> kept_index_;
  Eigen::SparseMatrix<double> reduced_;
  std::vector<Eigen::Index> reduced_position_;
  std::vector<double> reduced_values_;
  std::vector<bool> reduced_pattern_;
  Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> reduced_lu_;
  bool reduced_analysed_ = false;
  bool switch_in_newton_ = false;
};

}  // namespace

std::string_view to_string(CompressorState state) {
  switch (state) {
    case CompressorState::active: return "active";
    case CompressorState::ratio_limited: return "ratio_limited";
    case CompressorState::bypass: return "bypass";
    case CompressorState::off: return "off";
  }
  return "?";
}

std::string Violation::describe() const {
  const auto bar = [](double pa) { return format_number(pa / pa_per_bar) + " bar"; };
  switch (kind) {
    case Kind::pressure_below_min: return element + ": pressure " + bar(value) + ", below the minimum of " + bar(limit);
    case Kind::pressure_above_max: return element + ": pressure " + bar(value) + ", above the maximum of " + bar(limit);
    case Kind::pipe_pressure_above_max:
      return element + ": pressure " + bar(value) + ", above the pipe's maximum of " + bar(limit);
    case Kind::velocity_above_max:
      return element + ": velocity " + format_number(value) + " m/s, above the maximum of " + format_number(limit) + " m/s";
    case Kind::ratio_above_max:
      return element + ": ratio " + format_number(value) + ", above the maximum of " + format_number(limit);
    case Kind::power_above_max:
      return element + ": power " + format_number(value / 1e6) + " MW, above the maximum of " + format_number(limit / 1e6) +
             " MW";
  }
  return element;
}

double compressor_power_w(const Gas& gas, double flow_kg_per_s, double p_in_pa, double ratio, double efficiency,
                          bool polytropic) {
  if (flow_kg_per_s <= 0.0 || ratio <= 1.0) return 0.0;
  const double kappa = gas.heat_capacity_ratio;
  // (n-1)/n: isentropic (kappa-1)/kappa; polytropic with efficiency eta_p: (kappa-1)/(kappa eta_p).
  const double exponent = polytropic ? (kappa - 1.0) / (kappa * efficiency) : (kappa - 1.0) / kappa;
  const double head_j_per_kg = gas.z(p_in_pa) * gas.specific_gas_constant() * gas.temperature_k / exponent *
                               (std::pow(ratio, exponent) - 1.0);
  return flow_kg_per_s * head_j_per_kg / efficiency;
}

std::vector<bool> nodes_without_slack(const GasNetwork& net) {
  UnionFind uf(net.nodes.size());
  for (const auto& p : net.pipes)
    if (p.in_service) uf.unite(p.from, p.to);
  for (const auto& c : net.compressors)
    if (c.in_service) uf.unite(c.from, c.to);
  for (const auto& v : net.valves)
    if (v.open) uf.unite(v.from, v.to);
  std::vector<bool> has_slack(net.nodes.size(), false);
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (net.nodes[i].pressure_set_pa) has_slack[uf.find(i)] = true;
  std::vector<bool> out(net.nodes.size());
  for (std::size_t i = 0; i < net.nodes.size(); ++i) out[i] = !has_slack[uf.find(i)];
  return out;
}

std::vector<bool> nodes_without_pressure_reference(const GasNetwork& net) {
  const auto isolated = nodes_without_slack(net);
  UnionFind uf(net.nodes.size());
  for (const auto& p : net.pipes)
    if (p.in_service) uf.unite(p.from, p.to);
  std::vector<bool> reference(net.nodes.size(), false);
  for (const auto& v : net.valves) {
    if (!v.open) continue;
    if (v.control == ValveControl::outlet_pressure) reference[v.to] = true;  // the regulator holds its outlet
    else uf.unite(v.from, v.to);
  }
  for (const auto& c : net.compressors) {
    if (!c.in_service) continue;
    if (c.mode == CompressorMode::outlet_pressure) reference[c.to] = true;  // the station holds its outlet
    else uf.unite(c.from, c.to);                                             // a ratio or a bypass ties both sides
  }
  std::vector<bool> has_reference(net.nodes.size(), false);
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (net.nodes[i].pressure_set_pa || reference[i]) has_reference[uf.find(i)] = true;
  std::vector<bool> out(net.nodes.size());
  for (std::size_t i = 0; i < net.nodes.size(); ++i) out[i] = !isolated[i] && !has_reference[uf.find(i)];
  return out;
}

std::vector<Violation> check_limits(const GasNetwork& net, const Solution& s) {
  std::vector<Violation> out;
  constexpr double rel = 1e-9;
  using K = Violation::Kind;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const auto& n = net.nodes[i];
    const double p = s.pressure_pa[i];
    if (!std::isfinite(p)) continue;
    if (n.pressure_min_pa && p < *n.pressure_min_pa * (1 - rel))
      out.push_back({K::pressure_below_min, "node '" + n.id + "'", p, *n.pressure_min_pa});
    if (n.pressure_max_pa && p > *n.pressure_max_pa * (1 + rel))
      out.push_back({K::pressure_above_max, "node '" + n.id + "'", p, *n.pressure_max_pa});
  }
  for (std::size_t i = 0; i < net.pipes.size(); ++i) {
    const auto& p = net.pipes[i];
    if (!p.in_service) continue;
    const double pmax = std::max(s.pressure_pa[p.from], s.pressure_pa[p.to]);
    if (p.pressure_max_pa && std::isfinite(pmax) && pmax > *p.pressure_max_pa * (1 + rel))
      out.push_back({K::pipe_pressure_above_max, "pipe '" + p.id + "'", pmax, *p.pressure_max_pa});
    const double v = std::abs(s.pipes[i].velocity_m_per_s);
    if (p.velocity_max_m_per_s && v > *p.velocity_max_m_per_s * (1 + rel))
      out.push_back({K::velocity_above_max, "pipe '" + p.id + "'", v, *p.velocity_max_m_per_s});
  }
  for (std::size_t i = 0; i < net.compressors.size(); ++i) {
    const auto& c = net.compressors[i];
    const auto& r = s.compressors[i];
    if (!c.in_service) continue;
    if (c.ratio_max && r.ratio > *c.ratio_max * (1 + rel))
      out.push_back({K::ratio_above_max, "compressor '" + c.id + "'", r.ratio, *c.ratio_max});
    if (c.power_max_w && r.power_w > *c.power_max_w * (1 + rel))
      out.push_back({K::power_above_max, "compressor '" + c.id + "'", r.power_w, *c.power_max_w});
  }
  return out;
}

namespace {

/// The outer loop: Newton in fixed discrete states, then switches the states (check valves, station
/// bypass and ratio limits, fuel gas) until they are consistent with the solution. With the station
/// laws switched inside Newton only check valves and fuel gas are left to it.
void run_states(Problem& problem, Eigen::VectorXd& x, Solution& s, double& residual) {
  const GasNetwork& net = problem.network();
  const SolverOptions& options = problem.options();
  const auto& branches = problem.branches();
  std::vector<double> fuel(net.compressors.size(), 0.0);
  bool restarted = false;
  for (;;) {
    try {
      s.iterations += problem.newton(x, residual);
    } catch (const SolverError&) {
      // After a change of discrete states the last solution can be a poor start: once, start again
      // from a flat start with the new states before giving up.
      if (s.state_changes == 0 || restarted) throw;
      restarted = true;
      x = problem.flat_start();
      problem.linearised_start(x);
      s.iterations += problem.newton(x, residual);
    }
    if (problem.switches_stations_in_newton()) problem.record_station_laws(x);
    bool changed = false;
    double worst_excess = 1.0;
    std::optional<std::size_t> worst_station;
    const double tiny = 1e-9 * problem.m0();
    for (std::size_t b = 0; b < branches.size(); ++b) {
      const auto& br = branches[b];
      const double m = problem.flow_kg_per_s(x, b);
      const double pin = problem.pressure_pa(x, br.from), pout = problem.pressure_pa(x, br.to);
      if (br.kind == BranchKind::pipe && net.pipes[br.element].directed) {
        auto closed = problem.pipe_closed()[br.element];
        if (!closed && m < -tiny) {
          problem.pipe_closed()[br.element] = true;
          changed = true;
        } else if (closed && pin > pout * (1 + 1e-12)) {
          problem.pipe_closed()[br.element] = false;
          changed = true;
        }
      }
      if (br.kind != BranchKind::compressor) continue;
      const auto& c = net.compressors[br.element];
      if (c.mode != CompressorMode::outlet_pressure || problem.switches_stations_in_newton()) continue;
      auto& st = problem.compressor_state()[br.element];
      const double set = c.outlet_pressure_pa;
      const CompressorState before = st;
      if (st == CompressorState::active) {
        if (c.allow_bypass && pin > set * (1 + 1e-10)) {
          st = CompressorState::bypass;
        } else if (c.ratio_max && set > *c.ratio_max * pin * (1 + 1e-10)) {
          // Held at the ratio limit one station at a time, the most overdriven first: limiting several
          // at once moves the state far from the last solution and Newton may not follow.
          const double excess = set / (*c.ratio_max * pin);
          if (excess > worst_excess) {
            worst_excess = excess;
            worst_station = br.element;
          }
        }
      } else if (st == CompressorState::ratio_limited) {
        if (*c.ratio_max * pin > set * (1 + 1e-10)) st = CompressorState::active;
      } else if (st == CompressorState::bypass) {
        if (pin < set * (1 - 1e-10)) st = CompressorState::active;
      }
      changed = changed || st != before;
    }
    if (worst_station) {
      problem.compressor_state()[*worst_station] = CompressorState::ratio_limited;
      changed = true;
    }
    if (options.withdraw_fuel_gas) {
      std::fill(problem.extra_offtake().begin(), problem.extra_offtake().end(), 0.0);
      for (std::size_t b = 0; b < branches.size(); ++b) {
        const auto& br = branches[b];
        if (br.kind != BranchKind::compressor) continue;
        const auto& c = net.compressors[br.element];
        const double pin = problem.pressure_pa(x, br.from), pout = problem.pressure_pa(x, br.to);
        const double power = compressor_power_w(net.gas, problem.flow_kg_per_s(x, b), pin, pout / pin,
                                                c.isentropic_efficiency, options.polytropic);
        const double f = power / (c.driver_efficiency * net.gas.lower_heating_value_j_per_kg);
        if (std::abs(f - fuel[br.element]) > 1e-10 * problem.m0()) changed = true;
        fuel[br.element] = f;
        problem.extra_offtake()[c.from] += f;
      }
    }
    if (!changed || s.state_changes >= options.max_state_changes) break;
    ++s.state_changes;
  }
}

}  // namespace

Solution solve(const GasNetwork& net, const SolverOptions& options, const Solution* initial) {
  net.validate();
  {
    const auto isolated = nodes_without_slack(net);
    ProblemList problems;
    for (std::size_t i = 0; i < net.nodes.size(); ++i)
      if (isolated[i] && net.nodes[i].injection_kg_per_s != 0.0)
        problems.add("gas network", "node '" + net.nodes[i].id + "'",
                     "has an injection of " + format_number(net.nodes[i].injection_kg_per_s) +
                         " kg/s but no pressure-controlled (slack) node can be reached from it");
    // A station whose inlet and outlet are joined by open valves or short pipes cannot hold a ratio or
    // an outlet pressure (it would circulate gas through the bridge): the bypass must be closed.
    UnionFind bridged(net.nodes.size());
    for (const auto& v : net.valves)
      if (v.open && v.control == ValveControl::none) bridged.unite(v.from, v.to);
    for (const auto& c : net.compressors)
      if (c.in_service && c.mode != CompressorMode::bypass && bridged.find(c.from) == bridged.find(c.to))
        problems.add("gas network", "compressor '" + c.id + "'",
                     "its inlet '" + net.nodes[c.from].id + "' and outlet '" + net.nodes[c.to].id +
                         "' are joined by open valves or short pipes (close the bypass valve)");
    // A part fed only through stations on outlet pressure control, with fixed injections, has no
    // pressure level: any inlet pressure would do. Name it instead of failing on a singular Jacobian.
    if (!initial) {
      const auto floating = nodes_without_pressure_reference(net);
      for (const auto& c : net.compressors)
        if (c.in_service && c.mode == CompressorMode::outlet_pressure && floating[c.from])
          problems.add("gas network", "node '" + net.nodes[c.from].id + "'",
                       "its pressure is not determined: the part it is in has no slack node and feeds compressor '" +
                           c.id + "' on outlet pressure control (hold a node there at a pressure, or run '" + c.id +
                           "' on a fixed ratio)");
    }
    problems.throw_if_any();
  }
  // First the active-set loop below; when Newton fails in it (a combination of station states can
  // have no steady state even where the consistent one has, e.g. a station holding its set point
  // downstream of stations at their ratio limit), once more with the station laws switched inside
  // Newton, from the warm start and then from a flat start.
  Solution s;
  std::unique_ptr<Problem> holder;
  Eigen::VectorXd x;
  double residual = 0.0;
  auto attempt = [&](bool switched, bool warm) {
    s = Solution{};
    holder = std::make_unique<Problem>(net, options);
    Problem& problem = *holder;
    if (switched) problem.switch_stations_in_newton();
    x = warm ? problem.from_solution(*initial) : problem.flat_start();
    if (!warm) problem.linearised_start(x);
    if (warm) {
      for (std::size_t i = 0; i < net.compressors.size() && i < initial->compressors.size(); ++i)
        problem.compressor_state()[i] = initial->compressors[i].state;
      for (std::size_t i = 0; i < net.pipes.size() && i < initial->pipes.size(); ++i)
        problem.pipe_closed()[i] = initial->pipes[i].closed && net.pipes[i].directed && net.pipes[i].in_service;
    }
    for (std::size_t i = 0; i < net.compressors.size(); ++i) {
      auto& st = problem.compressor_state()[i];
      if (!net.compressors[i].in_service) st = CompressorState::off;
      else if (net.compressors[i].mode == CompressorMode::bypass) st = CompressorState::bypass;
      else if (net.compressors[i].mode == CompressorMode::ratio || switched) st = CompressorState::active;
    }
    run_states(problem, x, s, residual);
  };
  bool switchable = false;
  for (const auto& c : net.compressors) switchable = switchable || (c.in_service && c.mode == CompressorMode::outlet_pressure);
  try {
    attempt(false, initial != nullptr);
  } catch (const SolverError&) {
    if (!switchable) throw;
    const std::exception_ptr first = std::current_exception();
    bool solved = false;
    for (const bool warm : {true, false}) {
      if (warm && !initial) continue;
      try {
        attempt(true, warm);
        solved = true;
        break;
      } catch (const SolverError&) {
      }
    }
    if (!solved) std::rethrow_exception(first);
  }
  Problem& problem = *holder;
  const auto& branches = problem.branches();

  // Results.
  s.residual_norm = residual;
  s.isolated = problem.isolated();
  s.pressure_pa.resize(net.nodes.size());
  s.injection_kg_per_s.resize(net.nodes.size());
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    s.pressure_pa[i] = problem.pressure_pa(x, i);
    s.injection_kg_per_s[i] = net.nodes[i].pressure_set_pa ? 0.0 : net.nodes[i].injection_kg_per_s;
  }
  s.pipes.assign(net.pipes.size(), {});
  s.compressors.assign(net.compressors.size(), {});
  s.valves.assign(net.valves.size(), {});
  for (std::size_t i = 0; i < net.pipes.size(); ++i) s.pipes[i].closed = !net.pipes[i].in_service;
  for (std::size_t i = 0; i < net.compressors.size(); ++i) s.compressors[i].state = problem.compressor_state()[i];
  for (std::size_t b = 0; b < branches.size(); ++b) {
    const auto& br = branches[b];
    const double m = problem.flow_kg_per_s(x, b);
    const double p1 = s.pressure_pa[br.from], p2 = s.pressure_pa[br.to];
    // Slack nodes deliver what their branches take away.
    if (net.nodes[br.from].pressure_set_pa) s.injection_kg_per_s[br.from] += m;
    if (net.nodes[br.to].pressure_set_pa) s.injection_kg_per_s[br.to] -= m;
    switch (br.kind) {
      case BranchKind::pipe: {
        const auto& pipe = net.pipes[br.element];
        auto& r = s.pipes[br.element];
        r.closed = problem.pipe_closed()[br.element];
        r.flow_kg_per_s = r.closed ? 0.0 : m;
        const double area = pi * pipe.diameter_m * pipe.diameter_m / 4.0;
        const double pm = 2.0 / 3.0 * (p1 * p1 + p1 * p2 + p2 * p2) / (p1 + p2);
        r.velocity_m_per_s = r.flow_kg_per_s / (area * net.gas.density(pm));
        r.velocity_in_m_per_s = r.flow_kg_per_s / (area * net.gas.density(p1));
        r.velocity_out_m_per_s = r.flow_kg_per_s / (area * net.gas.density(p2));
        r.reynolds = std::abs(r.flow_kg_per_s) * pipe.diameter_m / (net.gas.viscosity_pa_s * area);
        const FrictionModel model = pipe.friction_factor ? FrictionModel::fixed : net.friction;
        r.friction_factor = pipe.length_m > 0
                                ? friction_factor(model, r.flow_kg_per_s, pipe.diameter_m, pipe.roughness_m, area,
                                                  net.gas.viscosity_pa_s, pipe.friction_factor.value_or(net.friction_factor))
                                : 0.0;
        break;
      }
      case BranchKind::compressor: {
        const auto& c = net.compressors[br.element];
        auto& r = s.compressors[br.element];
        r.flow_kg_per_s = r.state == CompressorState::off ? 0.0 : m;
        r.ratio = p2 / p1;
        if (r.state == CompressorState::active || r.state == CompressorState::ratio_limited) {
          r.power_w = compressor_power_w(net.gas, r.flow_kg_per_s, p1, r.ratio, c.isentropic_efficiency,
                                         options.polytropic);
          r.fuel_kg_per_s = r.power_w / (c.driver_efficiency * net.gas.lower_heating_value_j_per_kg);
        }
        break;
      }
      case BranchKind::valve: s.valves[br.element].flow_kg_per_s = m; break;
    }
  }
  if (options.withdraw_fuel_gas)
    for (std::size_t i = 0; i < net.nodes.size(); ++i)
      if (!net.nodes[i].pressure_set_pa) s.injection_kg_per_s[i] -= problem.extra_offtake()[i];
  s.violations = check_limits(net, s);
  return s;
}

}  // namespace corridor::gas
