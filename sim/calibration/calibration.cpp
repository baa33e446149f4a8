#include "sim/calibration/calibration.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <sstream>
#include <thread>

#include "geo/csv.hpp"
#include "geo/error.hpp"
#include "geo/input_file.hpp"
#include "sim/run/load.hpp"
#include "sim/run/run.hpp"

namespace corridor::calibration {

namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? std::string{} : s.substr(b, e - b + 1);
}

std::vector<std::string> split_ids(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto plus = text.find('+', start);
    const std::string id = trim(text.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    if (!id.empty()) out.push_back(id);
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  return out;
}

std::string number_text(double x, int digits = 10) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  return buf;
}

}  // namespace

std::vector<Target> read_targets(const fs::path& file) {
  geo::check_input_file(file);
  std::ifstream raw(file, std::ios::binary);
  if (!raw) throw InputError(file.string(), "", "cannot open the observed volumes");
  const std::string text{std::istreambuf_iterator<char>(raw), std::istreambuf_iterator<char>()};
  std::istringstream in(std::string(geo::without_utf8_bom(text)));
  const std::string f = file.string();
  std::string line;
  int line_no = 0;
  std::map<std::string, int> col;
  std::vector<Target> out;
  ProblemList problems;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    auto fields = geo::csv_split(line);
    for (auto& x : fields) x = trim(x);
    if (col.empty()) {
      for (int i = 0; i < static_cast<int>(fields.size()); ++i) col[fields[static_cast<std::size_t>(i)]] = i;
      for (const char* need : {"target", "measure", "ids", "value", "sd"})
        if (!col.contains(need))
          throw InputError(f, "line " + std::to_string(line_no),
                           std::string("header must name the columns target, measure, ids, value and sd (missing '") +
                               need + "'; optional: scenario, of, commodity, direction, src, note)");
      continue;
    }
    const std::string where = "line " + std::to_string(line_no);
    auto get = [&](const char* name) -> std::string {
      const auto it = col.find(name);
      if (it == col.end() || it->second >= static_cast<int>(fields.size())) return {};
      return fields[static_cast<std::size_t>(it->second)];
    };
    auto number = [&](const char* name, double& x) {
      const std::string t = get(name);
      const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), x);
      if (t.empty() || ec != std::errc{} || end != t.data() + t.size() || !std::isfinite(x)) {
        problems.add(f, where, std::string(name) + " '" + t + "' is not a number");
        return false;
      }
      return true;
    };
    Target t;
    t.file = f;
    t.line = line_no;
    t.name = get("target");
    if (t.name.empty()) problems.add(f, where, "target has no name");
    for (const auto& other : out)
      if (other.name == t.name) problems.add(f, where, "target '" + t.name + "' is listed twice");
    const std::string m = get("measure");
    if (m == "node") t.measure = Target::Measure::node;
    else if (m == "link") t.measure = Target::Measure::link;
    else if (m == "share") t.measure = Target::Measure::share;
    else problems.add(f, where, "unknown measure '" + m + "' (expected node, link or share)");
    t.ids = split_ids(get("ids"));
    t.of = split_ids(get("of"));
    if (t.ids.empty()) problems.add(f, where, "ids is empty (node or link ids, joined by +)");
    if (t.measure == Target::Measure::share && t.of.empty())
      problems.add(f, where, "a share needs `of` (the ids whose measure it is a share of)");
    if (const std::string sc = get("scenario"); !sc.empty()) t.scenario = (file.parent_path() / sc).lexically_normal();
    t.commodity = get("commodity");
    const std::string d = get("direction");
    if (d.empty() || d == "both") t.direction = Target::Direction::both;
    else if (d == "forward") t.direction = Target::Direction::forward;
    else if (d == "backward") t.direction = Target::Direction::backward;
    else problems.add(f, where, "unknown direction '" + d + "' (expected forward, backward or both)");
    if (number("value", t.value) && t.value < 0.0) problems.add(f, where, "value must not be negative");
    if (number("sd", t.sd) && !(t.sd > 0.0)) problems.add(f, where, "sd must be positive (the target's uncertainty)");
    t.src = get("src");
    t.note = get("note");
    out.push_back(std::move(t));
  }
  problems.throw_if_any();
  if (out.empty()) throw InputError(f, "", "no targets");
  return out;
}

namespace {

/// Node or link indices of ids (all of one kind); throws naming the target.
struct Elements {
  bool nodes = true;
  std::vector<std::size_t> index;
};
Elements elements_of(const network::Network& net, const Target& t, const std::vector<std::string>& ids) {
  Elements e;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto n = net.find_node(ids[i]);
    const auto l = n ? std::nullopt : net.find_link(ids[i]);
    if (!n && !l) throw InputError(t.file, "line " + std::to_string(t.line), "'" + ids[i] + "' is not a node or link of the network");
    const bool is_node = n.has_value();
    if (i == 0) e.nodes = is_node;
    else if (is_node != e.nodes)
      throw InputError(t.file, "line " + std::to_string(t.line), "ids mix nodes and links; a target measures one kind");
    e.index.push_back(is_node ? *n : *l);
  }
  return e;
}

double volume(const run::Results& res, const Target& t, const Elements& e) {
  const auto& net = res.network;
  if (!e.nodes && t.measure == Target::Measure::node)
    throw InputError(t.file, "line " + std::to_string(t.line), "measure node names links; use measure link");
  if (e.nodes && t.measure == Target::Measure::link)
    throw InputError(t.file, "line " + std::to_string(t.line), "measure link names nodes; use measure node");
  if (!t.commodity.empty() && !res.scenario.find_commodity(t.commodity))
    throw InputError(t.file, "line " + std::to_string(t.line), "unknown commodity '" + t.commodity + "'");
  std::vector<char> wanted(e.nodes ? net.nodes().size() : net.links().size(), 0);
  for (std::size_t i : e.index) wanted[i] = 1;
  double total = 0.0;
  for (const auto& od : res.freight.od) {
    if (!t.commodity.empty() && od.commodity != t.commodity) continue;
    for (const auto& r : od.routes) {
      const double teu = r.share * od.assigned_teu_per_year;
      if (e.nodes) {
        for (std::size_t n : r.path.nodes)
          if (wanted[n]) total += teu;
      } else {
        for (const auto& s : r.path.steps)
          if (wanted[s.link] && (t.direction == Target::Direction::both || s.forward == (t.direction == Target::Direction::forward)))
            total += teu;
      }
    }
  }
  return total;
}

}  // namespace

double measure(const run::Results& res, const Target& t) {
  const Elements ids = elements_of(res.network, t, t.ids);
  if (t.measure != Target::Measure::share) return volume(res, t, ids);
  const Elements of = elements_of(res.network, t, t.of);
  if (of.nodes != ids.nodes) throw InputError(t.file, "line " + std::to_string(t.line), "ids and of must be of one kind (nodes or links)");
  Target as_volume = t;
  as_volume.measure = ids.nodes ? Target::Measure::node : Target::Measure::link;
  const double denominator = volume(res, as_volume, of);
  return denominator > 0.0 ? volume(res, as_volume, ids) / denominator : 0.0;
}

std::string Parameter::label() const {
  switch (kind) {
    case Kind::constant: return "constant " + name;
    case Kind::route_dispersion: return "dispersion " + name + " (route)";
    case Kind::mode_dispersion: return "dispersion " + name + " (mode)";
  }
  return name;
}

std::string Parameter::unit() const { return kind == Kind::constant ? "USD/TEU" : "1/(USD/TEU)"; }

std::vector<Parameter> parameters_of(const scenario::Scenario& s) {
  std::vector<Parameter> out;
  for (const auto& k : s.freight.choice.constants)
    if (k.calibrate) out.push_back({Parameter::Kind::constant, k.name, k.usd_per_teu, k.usd_per_teu, 0.0, true});
  for (const auto& [name, d] : s.freight.choice.dispersion) {
    if (d.calibrate_route) out.push_back({Parameter::Kind::route_dispersion, name, d.route_per_usd, d.route_per_usd, 0.0, true});
    if (d.calibrate_mode) out.push_back({Parameter::Kind::mode_dispersion, name, d.mode_per_usd, d.mode_per_usd, 0.0, true});
  }
  return out;
}

void apply(scenario::Scenario& s, const std::vector<Parameter>& parameters) {
  auto& c = s.freight.choice;
  for (const auto& p : parameters) {
    if (p.kind == Parameter::Kind::constant) {
      for (auto& k : c.constants)
        if (k.name == p.name) k.usd_per_teu = p.value;
      continue;
    }
    const auto it = c.dispersion.find(p.name);
    if (it == c.dispersion.end()) continue;
    (p.kind == Parameter::Kind::route_dispersion ? it->second.route_per_usd : it->second.mode_per_usd) = p.value;
  }
}

namespace {

/// The scenarios of a fit, loaded once, and the runs that evaluate the targets at given parameters.
class Model {
public:
  Model(const fs::path& scenario_file, const std::vector<Target>& targets) : targets_(targets) {
    add(scenario_file);
    for (const auto& t : targets_) target_group_.push_back(add(t.scenario.empty() ? scenario_file : t.scenario));
  }

  [[nodiscard]] const scenario::Scenario& base() const { return groups_.front().scenario; }

  /// Modelled values of every target at `parameters`.
  std::vector<double> evaluate(const std::vector<Parameter>& parameters) const {
    std::vector<double> out(targets_.size(), 0.0);
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      bool used = false;
      for (std::size_t i = 0; i < targets_.size(); ++i) used = used || target_group_[i] == g;
      if (!used) continue;
      scenario::Scenario s = groups_[g].scenario;
      apply(s, parameters);
      run::Options o;
      o.threads = 1;
      o.bottlenecks = false;
      o.events = false;
      o.gas_capacity = false;
      o.input_hashes = false;
      run::Results res;
      try {
        res = run::run_scenario(std::move(s), groups_[g].network, o);
      } catch (const SolverError& e) {
        std::string at;
        for (const auto& p : parameters) at += (at.empty() ? "" : ", ") + p.label() + " = " + number_text(p.value, 6);
        throw SolverError(groups_[g].scenario.file.string() + ": " + e.what() + " (at " + at + ")");
      }
      for (std::size_t i = 0; i < targets_.size(); ++i)
        if (target_group_[i] == g) out[i] = measure(res, targets_[i]);
    }
    ++runs_;
    return out;
  }

  [[nodiscard]] std::size_t runs() const { return runs_.load(); }

private:
  struct Group {
    fs::path file;
    scenario::Scenario scenario;
    network::Network network;
  };
  std::size_t add(const fs::path& file) {
    const fs::path canonical = fs::weakly_canonical(file);
    for (std::size_t g = 0; g < groups_.size(); ++g)
      if (groups_[g].file == canonical) return g;
    Group g{canonical, scenario::load(file), {}};
    g.network = run::load_network(g.scenario);
    groups_.push_back(std::move(g));
    return groups_.size() - 1;
  }
  std::vector<Target> targets_;
  std::vector<Group> groups_;
  std::vector<std::size_t> target_group_;
  mutable std::atomic<std::size_t> runs_{0};
};

/// Parameters in the fit's coordinates: constants as they are, dispersions by their logarithm.
double to_x(const Parameter& p) { return p.kind == Parameter::Kind::constant ? p.value : std::log(p.value); }
double from_x(const Parameter& p, double x) { return p.kind == Parameter::Kind::constant ? x : std::exp(x); }
double step_of(const Parameter& p) { return p.kind == Parameter::Kind::constant ? 5.0 : 0.01; }  // USD; 1%

/// Keeps every mode dispersion at or below its commodity's route dispersion.
void project(std::vector<Parameter>& ps, const scenario::Scenario& base) {
  for (auto& p : ps) {
    if (p.kind != Parameter::Kind::mode_dispersion) continue;
    double route = base.freight.choice.dispersion.at(p.name).route_per_usd;
    for (const auto& q : ps)
      if (q.kind == Parameter::Kind::route_dispersion && q.name == p.name) route = q.value;
    p.value = std::min(p.value, route);
  }
}

/// Runs `job(i)` for i < n on up to `threads` workers.
template <typename Job>
void parallel_for(std::size_t n, unsigned threads, const Job& job) {
  const unsigned workers = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(n)));
  if (workers == 1) {
    for (std::size_t i = 0; i < n; ++i) job(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w)
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < n; i = next++) {
        try {
          job(i);
        } catch (...) {
          errors[i] = std::current_exception();
        }
      }
    });
  for (auto& t : pool) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);  // the first by index: the same error for any number of workers
}

}  // namespace

Result calibrate(const fs::path& scenario_file, const fs::path& targets_file, const Options& options) {
  Result res;
  res.targets = read_targets(targets_file);
  const Model model(scenario_file, res.targets);
  if (model.base().freight.method != scenario::FreightMethod::stochastic_user_equilibrium)
    throw InputError(scenario_file.string(), "freight", "corridor calibrate fits the stochastic user equilibrium's "
                                                        "choice model: set method: stochastic_user_equilibrium");
  std::vector<Parameter> ps = parameters_of(model.base());
  if (ps.empty())
    throw InputError(scenario_file.string(), "freight",
                     "no parameter to calibrate: mark constants (calibrate: true) or dispersions (calibrate: [route, mode]) "
                     "under freight: {choice: ...}");
  const unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t n = res.targets.size(), p = ps.size();
  auto residuals = [&](const std::vector<double>& m) {
    Eigen::VectorXd r(static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i) r[static_cast<Eigen::Index>(i)] = (m[i] - res.targets[i].value) / res.targets[i].sd;
    return r;
  };
  auto with_x = [&](const Eigen::VectorXd& x) {
    std::vector<Parameter> q = ps;
    for (std::size_t j = 0; j < p; ++j) q[j].value = from_x(q[j], x[static_cast<Eigen::Index>(j)]);
    project(q, model.base());
    return q;
  };
  Eigen::VectorXd x(static_cast<Eigen::Index>(p));
  for (std::size_t j = 0; j < p; ++j) x[static_cast<Eigen::Index>(j)] = to_x(ps[j]);
  std::vector<double> m = model.evaluate(with_x(x));
  Eigen::VectorXd r = residuals(m);
  double chi2 = r.squaredNorm();
  Eigen::MatrixXd jac(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(p));
  auto jacobian = [&] {
    std::vector<std::vector<double>> cols(p);
    parallel_for(p, threads, [&](std::size_t j) {
      Eigen::VectorXd xj = x;
      xj[static_cast<Eigen::Index>(j)] += step_of(ps[j]);
      cols[j] = model.evaluate(with_x(xj));
    });
    for (std::size_t j = 0; j < p; ++j)
      jac.col(static_cast<Eigen::Index>(j)) = (residuals(cols[j]) - r) / step_of(ps[j]);
  };
  jacobian();
  double lambda = 1e-2;
  for (res.iterations = 0; res.iterations < options.max_iterations;) {
    const Eigen::MatrixXd a = jac.transpose() * jac;
    const Eigen::VectorXd g = jac.transpose() * r;
    Eigen::MatrixXd damped = a;
    for (Eigen::Index j = 0; j < damped.rows(); ++j) damped(j, j) += lambda * std::max(a(j, j), 1e-12);
    Eigen::VectorXd delta = damped.ldlt().solve(-g);
    // Trust region: a step moves no constant by more than 1000 USD/TEU and no dispersion by more than a
    // factor e^0.5 (the Jacobian is a local picture of a logit that saturates).
    double longest = 0.0;
    for (std::size_t j = 0; j < p; ++j)
      longest = std::max(longest, std::abs(delta[static_cast<Eigen::Index>(j)]) /
                                      (ps[j].kind == Parameter::Kind::constant ? 1000.0 : 0.5));
    if (longest > 1.0) delta /= longest;
    const Eigen::VectorXd x_new = x + delta;
    std::vector<double> m_new;
    double chi2_new = std::numeric_limits<double>::infinity();
    Eigen::VectorXd r_new;
    try {
      m_new = model.evaluate(with_x(x_new));
      r_new = residuals(m_new);
      chi2_new = r_new.squaredNorm();
    } catch (const SolverError&) {
      // The equilibrium does not settle there: a step too far.
    }
    if (options.progress) {
      char line[200];
      std::snprintf(line, sizeof line, "step %zu: chi2 %.6g -> %.6g (lambda %.3g)%s", res.iterations + 1, chi2, chi2_new,
                    lambda, chi2_new < chi2 ? "" : ", rejected");
      options.progress(line);
    }
    if (chi2_new < chi2) {
      ++res.iterations;
      const double gain = chi2 - chi2_new;
      double move = 0.0;
      for (std::size_t j = 0; j < p; ++j) move = std::max(move, std::abs(delta[static_cast<Eigen::Index>(j)]) / step_of(ps[j]));
      x = x_new;
      m = m_new;
      r = r_new;
      chi2 = chi2_new;
      lambda = std::max(1e-9, lambda / 3.0);
      if (gain <= 1e-9 * chi2 + 1e-12 || move < 1e-3) {
        res.converged = true;
        break;
      }
      jacobian();
    } else {
      lambda *= 4.0;
      if (lambda > 1e10) {  // no step lowers chi2: at the minimum to the runs' precision
        res.converged = true;
        break;
      }
    }
  }
  if (!res.converged)
    res.warnings.push_back("the fit stopped after " + std::to_string(res.iterations) +
                           " steps without meeting its convergence test; the parameters are the best found");

  // Standard errors from (J^T J)^-1, by the eigenvalues of its correlation form (parameters of different
  // units on one scale): a direction the targets do not see (relative eigenvalue below 1e-8) is not
  // identified, and the parameters along it are reported so.
  ps = with_x(x);
  const Eigen::MatrixXd a = jac.transpose() * jac;
  Eigen::VectorXd scale(a.rows());
  for (Eigen::Index j = 0; j < a.rows(); ++j) scale[j] = a(j, j) > 0.0 ? 1.0 / std::sqrt(a(j, j)) : 0.0;
  const Eigen::MatrixXd corr = scale.asDiagonal() * a * scale.asDiagonal();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(corr);
  const Eigen::VectorXd ev = eig.eigenvalues();
  Eigen::MatrixXd cov_corr = Eigen::MatrixXd::Zero(a.rows(), a.cols());
  std::vector<bool> weak(p, false);
  for (std::size_t j = 0; j < p; ++j) weak[j] = !(a(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j)) > 0.0);
  for (Eigen::Index k = 0; k < ev.size(); ++k) {
    const Eigen::VectorXd v = eig.eigenvectors().col(k);
    if (ev[k] > 1e-8) {
      cov_corr += v * v.transpose() / ev[k];
    } else {
      for (std::size_t j = 0; j < p; ++j)
        if (std::abs(v[static_cast<Eigen::Index>(j)]) > 0.1) weak[j] = true;
    }
  }
  const Eigen::MatrixXd cov = scale.asDiagonal() * cov_corr * scale.asDiagonal();
  std::size_t identified = 0;
  for (std::size_t j = 0; j < p; ++j) {
    auto& q = ps[j];
    q.identified = !weak[j];
    const double se_x = std::sqrt(std::max(0.0, cov(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j))));
    q.se = !q.identified ? std::numeric_limits<double>::infinity() : q.kind == Parameter::Kind::constant ? se_x : q.value * se_x;
    if (q.identified) ++identified;
    else res.warnings.push_back(q.label() + " is not identified by the targets (any value fits as well): give a target it "
                                "changes, or fix it");
  }
  res.parameters = ps;
  res.modelled = m;
  res.chi2 = chi2;
  res.reduced_chi2 = n > identified ? chi2 / static_cast<double>(n - identified) : 0.0;
  // A target the model gives no flow at all cannot be moved by small changes of any parameter: the
  // fit sits on a plateau (a start far from the answer, e.g. a mode scale so large that one mode takes
  // everything), which reads as "not identified" above. Say so, with what to try.
  std::string dead;
  for (std::size_t i = 0; i < n; ++i)
    if (res.targets[i].value > 0.0 && !(std::abs(m[i]) > 1e-9 * res.targets[i].value))
      dead += (dead.empty() ? "" : ", ") + res.targets[i].name;
  if (!dead.empty())
    res.warnings.push_back("the model carries nothing where " + dead +
                           " observe traffic, and no small change of a parameter gives them any (a plateau of the "
                           "fit): start from values that give those targets some flow, such as a smaller mode "
                           "dispersion or constants nearer 0");
  double mean = 0.0, count = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    if (res.targets[i].measure != Target::Measure::share && res.targets[i].value > 0.0) {
      mean += std::log(res.targets[i].value);
      ++count;
    }
  if (count > 1.0) {
    mean /= count;
    double ss_res = 0.0, ss_tot = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& t = res.targets[i];
      if (t.measure == Target::Measure::share || !(t.value > 0.0)) continue;
      const double lm = std::log(std::max(m[i], 1e-9)), lo = std::log(t.value);
      ss_res += (lm - lo) * (lm - lo);
      ss_tot += (lo - mean) * (lo - mean);
    }
    res.r_squared_log = ss_tot > 0.0 ? 1.0 - ss_res / ss_tot : 0.0;
  }
  res.runs = model.runs();
  return res;
}

std::string calibrated_yaml(const Result& r, const fs::path& scenario_file, const fs::path& out_dir, const std::string& name) {
  std::ostringstream y;
  y << "# The choice model of " << scenario_file.filename().string() << " calibrated by `corridor calibrate` to "
    << r.targets.size() << " observed volumes\n# (chi2 " << number_text(r.chi2, 6) << ", R^2 of log volumes "
    << number_text(r.r_squared_log, 4) << "). Observed against modelled:\n";
  for (std::size_t i = 0; i < r.targets.size(); ++i) {
    const auto& t = r.targets[i];
    y << "#   " << t.name << ": " << number_text(t.value, 6) << " observed, " << number_text(r.modelled[i], 6) << " modelled\n";
  }
  y << "# Fitted parameters (standard error):\n";
  for (const auto& p : r.parameters)
    y << "#   " << p.label() << ": " << number_text(p.value, 6) << " " << p.unit() << " ("
      << (p.identified ? number_text(p.se, 3) : std::string("not identified")) << ")\n";
  const fs::path rel = fs::weakly_canonical(scenario_file).lexically_relative(fs::weakly_canonical(out_dir));
  y << "extends: " << rel.generic_string() << "\n";
  y << "name: " << name << "\n";
  y << "freight:\n  choice:\n";
  bool any_dispersion = false, any_constant = false;
  for (const auto& p : r.parameters) any_dispersion = any_dispersion || p.kind != Parameter::Kind::constant;
  for (const auto& p : r.parameters) any_constant = any_constant || p.kind == Parameter::Kind::constant;
  if (any_dispersion) {
    y << "    dispersion:\n";
    std::map<std::string, std::string> entries;
    for (const auto& p : r.parameters) {
      if (p.kind == Parameter::Kind::constant) continue;
      auto& e = entries[p.name];
      e += (e.empty() ? "" : ", ") + std::string(p.kind == Parameter::Kind::route_dispersion ? "route_per_usd: " : "mode_per_usd: ") +
           number_text(p.value, 10);
    }
    for (const auto& [commodity, e] : entries) y << "      " << commodity << ": {" << e << "}\n";
  }
  if (any_constant) {
    y << "    constant_values:\n";
    for (const auto& p : r.parameters)
      if (p.kind == Parameter::Kind::constant) y << "      " << p.name << ": " << number_text(p.value, 10) << "\n";
  }
  return y.str();
}

}  // namespace corridor::calibration
