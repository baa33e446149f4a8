// corridor: the command-line interface. Errors are caught here, once, and printed one per line.
#include <CLI/CLI.hpp>
#include <iostream>

#include "geo/error.hpp"
#include "tools/app/batch_command.hpp"
#include "tools/app/calibrate_command.hpp"
#include "tools/app/commands.hpp"
#include "tools/app/gas_import.hpp"
#include "tools/app/report.hpp"
#include "tools/app/tntp.hpp"

int main(int argc, char** argv) {
  CLI::App app{"corridor-sim: geospatial transport corridor simulator (freight and gas)", "corridor"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "corridor 0.1.0");

  corridor::app::RunOptions run_opts;
  std::string out_dir;
  auto* run = app.add_subcommand("run", "Load a scenario's network and demand, solve, and write the results folder");
  run->add_option("scenario", run_opts.scenario, "Scenario YAML file")->required();
  run->add_option("--out", out_dir, "Results folder (default: the scenario's output.dir, else out/<scenario name>)");
  run->add_flag("--quiet,-q", run_opts.quiet, "Print nothing on success");
  run->add_option("--format", run_opts.format, "Results format: geojson (default) or gpkg (one results.gpkg with layers nodes, links, od)")
      ->check(CLI::IsMember({"geojson", "gpkg"}));
  run->add_flag("--report", run_opts.report, "Also write report.html (map, tables, charts) into the results folder");

  std::string report_dir;
  auto* report = app.add_subcommand("report", "Write RESULTS_DIR/report.html: one self-contained page with map, tables and charts");
  report->add_option("results", report_dir, "Results folder of corridor run or corridor batch")->required();

  auto* import = app.add_subcommand("import", "Convert networks of other formats into corridor networks and scenarios");
  import->require_subcommand(1);
  corridor::app::TntpImportOptions tntp_opts;
  auto* tntp = import->add_subcommand("tntp", "TNTP (Transportation Networks for Research): _net, _trips and optional _node files");
  tntp->add_option("net", tntp_opts.network, "NAME_net.tntp")->required();
  tntp->add_option("trips", tntp_opts.trips, "NAME_trips.tntp")->required();
  tntp->add_option("--nodes", tntp_opts.nodes, "NAME_node.tntp (coordinates; else a grid layout)");
  tntp->add_option("--out", tntp_opts.out_dir, "Folder to write (nodes.geojson, links.geojson, demand.csv, scenario.yaml)")->required();
  tntp->add_option("--toll-weight", tntp_opts.weights.toll, "Minutes per toll unit in the generalized cost (Chicago Sketch: 0.02)");
  tntp->add_option("--length-weight", tntp_opts.weights.length, "Minutes per length unit in the generalized cost (Chicago Sketch: 0.04)");
  corridor::app::GasLibImportOptions gaslib_opts;
  auto* gaslib = import->add_subcommand("gaslib", "GasLib (gaslib.zib.de): a .net network and a .scn nomination");
  gaslib->add_option("net", gaslib_opts.network, "NAME.net")->required();
  gaslib->add_option("scn", gaslib_opts.scenario, "NAME.scn")->required();
  gaslib->add_option("cs", gaslib_opts.compressor_stations, "NAME.cs: the stations' machines (optional)");
  gaslib->add_option("--ambient-temperature-c", gaslib_opts.ambient_temperature_c,
                     "Ambient temperature for the turbines' power curves of the .cs file (default 15)");
  gaslib->add_option("--out", gaslib_opts.out_dir, "Folder to write (nodes.geojson, links.geojson, scenario.yaml)")->required();

  std::vector<std::string> validate_files;
  auto* validate = app.add_subcommand("validate", "Check networks, scenarios and studies without solving; list every problem");
  validate->add_option("files", validate_files, "Scenario or study YAML files, or a network (one file with layers nodes and links, or two files)")
      ->required();

  std::vector<std::string> info_files;
  auto* info = app.add_subcommand("info", "Counts, modes, countries, lengths and connected components of a network");
  info->add_option("network", info_files, "A network (one file with layers nodes and links, or two files) or a scenario")
      ->required();

  corridor::app::BatchOptions batch_opts;
  std::string batch_out;
  auto* batch = app.add_subcommand("batch", "Run a study: many scenarios in parallel (and across MPI ranks under mpirun), resumable");
  batch->add_option("study", batch_opts.study, "Study YAML file")->required();
  batch->add_option("--out", batch_out, "Study folder (default out/<study name>); rerunning into it resumes");
  batch->add_option("--jobs,-j", batch_opts.jobs, "Worker threads per process (default: all cores)");
  batch->add_flag("--fresh", batch_opts.fresh, "Discard the rows of an earlier run in the folder");
  batch->add_flag("--quiet,-q", batch_opts.quiet, "No progress and no summary");

  corridor::app::CalibrateOptions calibrate_opts;
  std::string calibrate_out;
  auto* calibrate = app.add_subcommand("calibrate", "Fit a scenario's route and mode choice constants and dispersions to observed volumes");
  calibrate->add_option("scenario", calibrate_opts.scenario, "Scenario YAML file (method stochastic_user_equilibrium, parameters marked calibrate)")
      ->required();
  calibrate->add_option("observed", calibrate_opts.observed, "Observed volumes CSV (target, measure, ids, value, sd, ...)")->required();
  calibrate->add_option("--out", calibrate_out, "Folder to write (calibrated.yaml, fit.csv, parameters.csv; default out/<name>-calibrated)");
  calibrate->add_option("--jobs,-j", calibrate_opts.threads, "Worker threads for the Jacobian's runs (default: all cores)");
  calibrate->add_flag("--quiet,-q", calibrate_opts.quiet, "Print nothing on success");

  // An unknown command word gets its own message (CLI11 would say only "A subcommand is required").
  if (argc > 1 && argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      found = found || sub->get_name() == argv[1];
      known += (known.empty() ? "" : ", ") + sub->get_name();
    }
    if (!found) {
      std::cerr << "error: unknown command '" << argv[1] << "' (expected " << known << "; see corridor --help)\n";
      return 1;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 1;
  }

  try {
    if (*run) {
      if (!out_dir.empty()) run_opts.out_dir = out_dir;
      return corridor::app::run(run_opts, std::cout);
    }
    if (*batch) {
      if (!batch_out.empty()) batch_opts.out_dir = batch_out;
      return corridor::app::batch(batch_opts, std::cout, std::cerr);
    }
    if (*calibrate) {
      if (!calibrate_out.empty()) calibrate_opts.out_dir = calibrate_out;
      return corridor::app::calibrate(calibrate_opts, std::cout);
    }
    if (*validate) return corridor::app::validate(validate_files, std::cout);
    if (*report) return corridor::app::report(report_dir, std::cout);
    if (*tntp) return corridor::app::import_tntp(tntp_opts, std::cout);
    if (*gaslib) return corridor::app::import_gaslib(gaslib_opts, std::cout);
    if (*info) return corridor::app::info(info_files, std::cout);
  } catch (const corridor::InputError& e) {
    for (const auto& p : e.problems()) std::cerr << "error: " << p.str() << '\n';
    return 1;
  } catch (const corridor::SolverError& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << '\n';
    return 3;
  }
  return 0;
}
