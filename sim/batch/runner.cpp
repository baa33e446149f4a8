#include "sim/batch/runner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "geo/error.hpp"
#include "geo/csv.hpp"
#include "geo/writer.hpp"
#include "sim/freight/kpis.hpp"
#include "sim/run/run.hpp"

namespace corridor::batch {

namespace fs = std::filesystem;

namespace {

std::string number(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

bool in(const std::vector<std::string>& list, const std::string& id) {
  return list.empty() || std::find(list.begin(), list.end(), id) != list.end();
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

/// Turns a solved row into a failed one (status and error columns; the KPI values stay for reference).
void mark_failed(const Study& study, Outcome& outcome, const std::string& status, const std::string& error) {
  const auto header = kpi_header(study);
  outcome.row.at(static_cast<std::size_t>(std::find(header.begin(), header.end(), "status") - header.begin())) = status;
  outcome.row.back() = error;
  outcome.ok = false;
}

}  // namespace

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + geo::csv_field(fields[i]);
  return out;
}

std::vector<std::string> kpi_header(const Study& study) {
  std::vector<std::string> h{"scenario_id", "case"};
  for (const auto& p : study.parameters) h.push_back(p.name);
  h.insert(h.end(), {"draw", "status", "served_teu_per_year", "unserved_teu_per_year", "mean_transit_days", "worst_transit_days"});
  for (const auto& g : study.od_groups) {
    h.push_back(g.name + "_served_teu_per_year");
    h.push_back(g.name + "_mean_transit_days");
    h.push_back(g.name + "_worst_transit_days");
  }
  for (const auto& b : study.bottlenecks) h.push_back("utilization_" + b);
  if (study.gas) h.insert(h.end(), {"gas_delivered_mcm_per_day", "gas_min_pressure_margin_bar", "gas_converged"});
  h.insert(h.end(), {"converged", "error"});
  return h;
}

bool wants_kept(const Study& study, const Variant& v) {
  for (const auto& k : study.keep)
    if (k == "all" || k == v.id || k == study.cases[v.case_index].name) return true;
  return false;
}

Outcome evaluate(const Study& study, const std::vector<CaseInputs>& cases, const Variant& v, bool keep_results) {
  const auto header = kpi_header(study);
  Outcome out;
  out.row.assign(header.size(), "");
  std::size_t col = 0;
  out.row[col++] = v.id;
  out.row[col++] = study.cases[v.case_index].name;
  for (double x : study.grid_values[v.grid_index]) out.row[col++] = number(x, 6);
  out.row[col++] = v.draw ? std::to_string(*v.draw) : "";
  const std::size_t status_col = col++;

  try {
    const CaseInputs& inputs = cases[v.case_index];
    scenario::Scenario s = inputs.scenario;
    const auto& kase = study.cases[v.case_index];
    s.edits.insert(s.edits.end(), kase.edits.begin(), kase.edits.end());
    s.edits.insert(s.edits.end(), study.grid[v.grid_index].begin(), study.grid[v.grid_index].end());
    if (v.draw) {
      auto failures = draw_failures(study, inputs.network, *v.draw);
      s.edits.insert(s.edits.end(), failures.begin(), failures.end());
    }
    // The same entry point as `corridor run`: a kept variant solves everything its folder shows; a row
    // alone skips what no KPI column reads (route families, bottlenecks, events, gas capacity studies). The KPIs
    // come from the same freight solution either way.
    run::Options options;
    options.threads = 1;  // variants run in parallel
    options.route_families = keep_results;
    options.bottlenecks = keep_results;
    options.events = keep_results;
    options.gas_capacity = keep_results;
    options.input_hashes = keep_results;
    run::Results res = run::run_scenario(std::move(s), inputs.network, options);
    const auto& net = res.network;

    auto figures = [&](const freight::FreightKpis& k, bool with_unserved) {
      out.row[col++] = number(k.served_teu_per_year, 1);
      if (with_unserved) out.row[col++] = number(k.unserved_teu_per_year, 1);
      out.row[col++] = k.mean_transit_days ? number(*k.mean_transit_days, 3) : "";
      out.row[col++] = number(k.worst_transit_days, 3);
    };
    figures(res.kpis, true);
    for (const auto& g : study.od_groups) {
      figures(freight::freight_kpis(net, res.freight,
                                    [&](const freight::OdResult& od) {
                                      return in(g.origins, net.nodes()[od.origin].id) &&
                                             in(g.destinations, net.nodes()[od.destination].id);
                                    }),
              false);
    }
    for (const auto& b : study.bottlenecks) {
      std::optional<double> u;
      if (const auto n = net.find_node(b)) u = freight::node_utilization(net, res.freight, *n);
      else if (const auto l = net.find_link(b)) u = freight::link_utilization(net, res.freight, *l);
      else throw InputError(study.file.string(), "kpis", "bottleneck '" + b + "' is not a node or link of the network");
      out.row[col++] = u ? number(*u, 4) : "";
    }
    if (study.gas && res.gas) {
      out.row[col++] = number(res.gas->delivered_mcm_per_day, 3);
      out.row[col++] = res.gas->min_pressure_margin ? number(res.gas->min_pressure_margin->bar, 3) : "";
      out.row[col++] = "true";
    } else if (study.gas) {
      col += 3;
    }
    out.row[col++] = "true";
    out.row[status_col] = "ok";
    out.ok = true;
    out.iterations = res.convergence.iterations;
    out.relative_gap = res.convergence.relative_gap;
    if (keep_results) out.results = std::move(res);
  } catch (const InputError& e) {
    out.row[status_col] = "error";
    out.row.back() = one_line(e.problems().empty() ? e.what() : e.problems().front().str());
  } catch (const SolverError& e) {
    out.row[status_col] = "unconverged";
    out.row[header.size() - 2] = "false";
    if (study.gas && dynamic_cast<const run::GasNotConverged*>(&e) != nullptr)
      out.row[header.size() - 3] = "false";  // gas_converged
    out.row.back() = one_line(e.what());
  } catch (const std::exception& e) {
    out.row[status_col] = "error";
    out.row.back() = one_line(std::string("internal error: ") + e.what());
  }
  return out;
}

void clear_stale_rows(const fs::path& rows_dir) {
  if (!fs::is_directory(rows_dir)) return;
  for (const auto& entry : fs::directory_iterator(rows_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(".") && name.find(".tmp") != std::string::npos) fs::remove(entry.path());
  }
}

std::size_t committed_rows(const fs::path& rows_dir, const std::vector<Variant>& variants) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& v : variants) n += fs::exists(rows_dir / (v.id + ".csv"), ec) ? 1 : 0;
  return n;
}

std::optional<std::string> read_row(const fs::path& rows_dir, const Variant& v) {
  std::ifstream in(rows_dir / (v.id + ".csv"), std::ios::binary);
  if (!in) return std::nullopt;
  std::string line;
  if (!std::getline(in, line) || line.empty()) return std::nullopt;
  return line;
}

RunSummary run_variants(const Study& study, const std::vector<CaseInputs>& cases, const std::vector<Variant>& variants,
                        const RunOptions& options) {
  RunSummary summary;
  summary.total = options.assigned.size();
  fs::create_directories(options.rows_dir);
  if (options.clear_stale) clear_stale_rows(options.rows_dir);
  std::vector<std::size_t> todo;
  for (std::size_t i : options.assigned) {
    if (read_row(options.rows_dir, variants[i])) ++summary.skipped;
    else todo.push_back(i);
  }

  std::atomic<std::size_t> next{0};
  std::mutex lock;
  std::size_t done = summary.skipped;
  std::exception_ptr fatal;
  if (options.progress) options.progress(done, summary.total);

  auto worker = [&] {
    for (;;) {
      if (options.stop && options.stop->load()) return;
      const std::size_t k = next.fetch_add(1);
      if (k >= todo.size()) return;
      const Variant& v = variants[todo[k]];
      const bool keep = options.keep && wants_kept(study, v);
      try {
        Outcome outcome = evaluate(study, cases, v, keep);
        if (keep && outcome.ok) {
          // The kept folder solves what the row did not (events, gas capacity studies): a bad
          // events section or a gas study without a steady state fails this row, not the study.
          try {
            options.keep(v, outcome);
          } catch (const InputError& e) {
            mark_failed(study, outcome, "error", "kept results: " + one_line(e.problems().empty() ? e.what() : e.problems().front().str()));
          } catch (const SolverError& e) {
            mark_failed(study, outcome, "unconverged", "kept results: " + one_line(e.what()));
          }
        }
        // Committed atomically: a row file is complete or absent.
        geo::write_text(options.rows_dir / (v.id + ".csv"), csv_line(outcome.row) + "\n");
        std::lock_guard<std::mutex> g(lock);
        ++(outcome.ok ? summary.solved : summary.failed);
        ++done;
        if (options.progress) options.progress(done, summary.total);
      } catch (...) {
        std::lock_guard<std::mutex> g(lock);
        if (!fatal) fatal = std::current_exception();
        return;
      }
    }
  };
  const unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(std::max<std::size_t>(todo.size(), 1))));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (fatal) std::rethrow_exception(fatal);
  summary.interrupted = done < summary.total;
  return summary;
}

std::string assemble_kpis(const Study& study, const std::vector<Variant>& variants, const fs::path& rows_dir) {
  std::string out = csv_line(kpi_header(study)) + "\n";
  for (const auto& v : variants) {
    const auto row = read_row(rows_dir, v);
    if (!row) throw std::runtime_error("variant " + v.id + " has no committed row in " + rows_dir.string());
    out += *row + "\n";
  }
  return out;
}

}  // namespace corridor::batch
