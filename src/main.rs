//! The `crossroads` command line: parses arguments and dispatches to `app`. Exit codes: 0
//! success, 2 bad input (scenario or arguments), 1 any other failure.

use clap::{Args, Parser, Subcommand};
use crossroads::app::{self, RunOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "crossroads",
    version,
    about = "Agent-based simulation of labour migration, recruitment debt and debt bondage"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and write its outputs.
    Run {
        /// Scenario file (TOML).
        scenario: PathBuf,
        #[command(flatten)]
        opts: RunArgs,
    },
    /// Run scenarios on the same seeds as a baseline and compare them with it.
    Compare {
        /// The baseline scenario.
        baseline: PathBuf,
        /// Scenarios to compare with it.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        #[command(flatten)]
        opts: RunArgs,
    },
    /// Search free parameters of a scenario for the best fit to its observed data.
    Calibrate {
        /// Calibration configuration (TOML): scenario, points, replicates, [[parameter]]s.
        config: PathBuf,
        #[command(flatten)]
        opts: RunArgs,
    },
    /// Validate a scenario and print a summary of it.
    Check {
        scenario: PathBuf,
        /// Override one value by its dotted path, e.g. policy.awareness.coverage_share=0.5.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
}

#[derive(Args, Clone)]
struct RunArgs {
    /// Output folder [default: output/<scenario name>/, or output/compare-<baseline name>/].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Base random seed [default: the scenario's].
    #[arg(long)]
    seed: Option<u64>,
    /// Replicates [default: the scenario's].
    #[arg(long)]
    replicates: Option<u32>,
    /// Agents [default: the scenario's population.default_agents].
    #[arg(long)]
    agents: Option<u32>,
    /// Reported months [default: the scenario's].
    #[arg(long)]
    months: Option<u32>,
    /// Worker threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Override one value by its dotted path, e.g. policy.awareness.coverage_share=0.5.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// No progress bar and no summary lines.
    #[arg(long)]
    quiet: bool,
}

impl From<RunArgs> for RunOptions {
    fn from(a: RunArgs) -> RunOptions {
        RunOptions {
            out: a.out,
            seed: a.seed,
            replicates: a.replicates,
            agents: a.agents,
            months: a.months,
            threads: a.threads,
            sets: a.sets,
            quiet: a.quiet,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run { scenario, opts } => {
            let quiet = opts.quiet;
            app::run(&scenario, &opts.into()).map(|r| {
                if let Some(rows) = &r.validation {
                    println!("{}", crossroads::validation::verdict(rows));
                }
                if !quiet {
                    println!("wrote {}", r.out.display());
                    println!("{}", app::speed_line(&r));
                }
            })
        }
        Command::Compare {
            baseline,
            scenarios,
            opts,
        } => {
            let quiet = opts.quiet;
            app::compare(&baseline, &scenarios, &opts.into()).map(|r| {
                print!("{}", r.table);
                if !quiet {
                    println!("wrote {}", r.out.display());
                }
            })
        }
        Command::Calibrate { config, opts } => app::calibrate(&config, &opts.into()).map(|r| {
            println!("{}", r.best);
            println!("wrote {}", r.out.join("calibration.csv").display());
        }),
        Command::Check { scenario, sets } => app::check(&scenario, &sets).map(|s| println!("{s}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("error: {}", f.message);
            ExitCode::from(f.code as u8)
        }
    }
}
