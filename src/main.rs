//! The `crossroads` command line: parses arguments, dispatches to `app`, prints what it returns.
//! The exit code of a failure is decided by `app::Error::exit_code`: 0 success, 2 bad input
//! (scenario, arguments, a run too large for the machine, an `--out` that is not an output
//! folder, for `map` an existing file crossroads did not write, for `report` a folder that is
//! not an output folder), 1 any other failure
//! (including an output folder another run is writing).

use clap::{Args, Parser, Subcommand};
use crossroads::app::{self, RunOptions};
use std::io::Write;
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
        /// Also write report.html (summary, charts, fit, provenance) into the output folder.
        #[arg(long)]
        report: bool,
        #[command(flatten)]
        opts: RunArgs,
    },
    /// Run scenarios on the same seeds as a baseline and compare them with it.
    Compare {
        /// The baseline scenario.
        baseline: PathBuf,
        /// Scenarios to compare with it.
        #[arg(required_unless_present = "what_if")]
        scenarios: Vec<PathBuf>,
        /// Compare the baseline with itself changed by KEY=VALUE (several separated by ';'),
        /// on the same draws, as a scenario named after its overrides; repeatable, one scenario
        /// each. `--set` changes every scenario, the baseline too.
        #[arg(long = "what-if", value_name = "KEY=VALUE[;KEY=VALUE...]")]
        what_if: Vec<String>,
        /// Also write report.html (summary, charts of the differences, fit, provenance) into the
        /// output folder.
        #[arg(long)]
        report: bool,
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
    /// Run scenarios at every point of a design over uncertain parameters (grid, Latin
    /// hypercube, Morris or Sobol'), and say which parameters drive each result and policy
    /// effect, and how robust each effect is. `crossroads sweep merge DIR` merges shards.
    Sweep(SweepArgs),
    /// Write report.html into an output folder: one self-contained page (summary in plain
    /// language, charts, fit to observed data, sensitivity, provenance) that needs no network.
    ///
    /// DIR is the folder of `run`, `compare` or `sweep` (a sweep's report holds its sensitivity
    /// and robustness).
    Report {
        /// The output folder.
        dir: PathBuf,
        /// A merged sweep's folder whose sensitivity and robustness the report adds.
        #[arg(long, value_name = "SWEEPDIR")]
        sweep: Option<PathBuf>,
    },
    /// Validate a scenario and print a summary of it.
    Check {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Override one value by its dotted path, e.g. policy.awareness.coverage_share=0.5.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
    /// Print the dictionary of the metrics of outcomes.csv, as CSV.
    ///
    /// One row per metric and breakdown, in the order outcomes.csv writes them, with the columns
    /// metric, by, unit, denominator and definition (the file docs/metrics.csv).
    Metrics,
    /// Draw a scenario's route network (locations and legs) as an SVG picture.
    Map {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// The SVG file to write [default: routes.svg in the current folder]. An existing file
        /// is replaced only if it is a route map crossroads wrote.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Override one value by its dotted path, e.g. leg.libya-italy.p_death=0.02.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
}

#[derive(Args, Clone)]
struct RunArgs {
    /// Output folder [default: output/<scenario name>/, output/compare-<baseline name>/,
    /// output/calibrate-<config name>/ or output/sweep-<config name>/]. It must be new, empty, or a folder crossroads wrote;
    /// its earlier contents are replaced whole (a sweep resumes the sweep its folder holds).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Base random seed [default: the scenario's; for a sweep, the configuration's `seed`,
    /// or 1].
    #[arg(long, allow_negative_numbers = true, value_parser = seed)]
    seed: Option<u64>,
    /// Replicates, 1 to 10000 [default: the scenario's; for a sweep, the
    /// configuration's `replicates`, or 2].
    #[arg(long, allow_negative_numbers = true, value_parser = replicates)]
    replicates: Option<u32>,
    /// Agents, 1 to 1000000000, or `full` for one agent per person (weight 1) [default: the
    /// scenario's population.default_agents; for a sweep, the configuration's `agents` first]. A run that needs more memory than the machine
    /// has available is refused.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_agents)]
    agents: Option<Agents>,
    /// Reported months, at least 1, and at most 1200 with the scenario's spin-up months
    /// [default: the scenario's]. Events after the last do not happen (a note names them).
    #[arg(long, allow_negative_numbers = true, value_parser = months)]
    months: Option<u32>,
    /// Worker threads, at most four per core (and 1024) [default: all cores].
    #[arg(long, allow_negative_numbers = true, value_parser = threads)]
    threads: Option<usize>,
    /// Override one value by its dotted path, e.g. policy.awareness.coverage_share=0.5.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// No progress bar or progress lines, and no `wrote` and speed lines: only the results (the
    /// fit to observed data, the comparison table) are printed.
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct SweepArgs {
    #[command(subcommand)]
    action: Option<SweepAction>,
    /// Sweep configuration (TOML): baseline, scenarios, design, [[parameter]]s (docs/SWEEPS.md).
    #[arg(required = true)]
    config: Option<PathBuf>,
    /// Run only shard I of N (points whose number modulo N is I − 1), without merging.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Write Slurm scripts (an array job of --shards tasks and a dependent merge job) into
    /// <out>/slurm/ and print the command that submits them, instead of running.
    #[arg(long)]
    slurm: bool,
    /// With --slurm: array tasks, one shard each [default: 8, at most one per point].
    #[arg(long, value_name = "N", requires = "slurm", allow_negative_numbers = true, value_parser = shards)]
    shards: Option<u32>,
    /// With --slurm: CPUs per array task, used as its threads [default: 2].
    #[arg(long, value_name = "N", requires = "slurm", allow_negative_numbers = true, value_parser = cpus)]
    slurm_cpus: Option<u32>,
    /// With --slurm: time limit per task, in Slurm's form [default: 02:00:00].
    #[arg(long, value_name = "TIME", requires = "slurm")]
    slurm_time: Option<String>,
    /// With --slurm: memory per task, e.g. 4G [default: the partition's].
    #[arg(long, value_name = "MEM", requires = "slurm")]
    slurm_mem: Option<String>,
    /// With --slurm: the partition to run in.
    #[arg(long, value_name = "NAME", requires = "slurm")]
    slurm_partition: Option<String>,
    /// With --slurm: the account to charge.
    #[arg(long, value_name = "NAME", requires = "slurm")]
    slurm_account: Option<String>,
    /// Also write report.html (sensitivity and robustness) into the sweep's folder once merged.
    #[arg(long, conflicts_with_all = ["shard", "slurm"])]
    report: bool,
    #[command(flatten)]
    opts: RunArgs,
}

#[derive(Subcommand)]
enum SweepAction {
    /// Merge the shards of a sweep's folder and compute its indices and robustness.
    Merge {
        /// The sweep's folder (holding sweep.json and shards/).
        dir: PathBuf,
        /// No summary lines.
        #[arg(long)]
        quiet: bool,
        /// Also write report.html (sensitivity and robustness) into the folder.
        #[arg(long)]
        report: bool,
    },
}

/// `--agents`: a number of agents, or `full` for one agent per person.
#[derive(Clone, Copy, Debug)]
enum Agents {
    Count(u32),
    Full,
}

/// A whole number given to an option, or a message that says what is allowed (clap's own
/// reads "-1 is not in 0..=4294967295" for a count that must be at least 1).
fn whole<T: std::str::FromStr>(s: &str, allowed: &str) -> Result<T, String> {
    s.parse::<T>().map_err(|_| {
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            format!("{s} is too large for {allowed}")
        } else {
            format!("{s:?} is not {allowed}")
        }
    })
}

fn seed(s: &str) -> Result<u64, String> {
    whole(s, "a seed: a whole number from 0 to 18446744073709551615")
}

fn replicates(s: &str) -> Result<u32, String> {
    whole(s, "a whole number of replicates, 1 to 10000")
}

fn months(s: &str) -> Result<u32, String> {
    whole(s, "a whole number of months, at least 1")
}

fn threads(s: &str) -> Result<usize, String> {
    whole(s, "a whole number of threads, at least 1")
}

fn shards(s: &str) -> Result<u32, String> {
    whole(s, "a whole number of shards, at least 1")
}

fn cpus(s: &str) -> Result<u32, String> {
    whole(s, "a whole number of CPUs, at least 1")
}

fn parse_agents(s: &str) -> Result<Agents, String> {
    if s == "full" {
        return Ok(Agents::Full);
    }
    s.parse::<u32>().map(Agents::Count).map_err(|_| {
        format!("{s:?} is neither a whole number of agents nor `full` (one agent per person)")
    })
}

impl From<RunArgs> for RunOptions {
    fn from(a: RunArgs) -> RunOptions {
        RunOptions {
            out: a.out,
            seed: a.seed,
            replicates: a.replicates,
            agents: match a.agents {
                Some(Agents::Count(n)) => Some(n),
                _ => None,
            },
            full: matches!(a.agents, Some(Agents::Full)),
            months: a.months,
            threads: a.threads,
            sets: a.sets,
            what_if: Vec::new(),
            pins: Vec::new(),
            quiet: a.quiet,
            report: false,
        }
    }
}

/// `println!` that cannot panic: the line goes through [`say_raw`], and a failure returns from
/// the function (`?`).
macro_rules! say {
    ($($t:tt)*) => {
        say_raw(format!("{}\n", format_args!($($t)*)).as_bytes())?
    };
}

/// Write to standard output. A reader that has gone (`| head`) ends the command there, as a
/// success: what it was asked to do is done and written. Any other failure (`> /dev/full`) is
/// an error, exit code 1. Never a panic.
fn say_raw(bytes: &[u8]) -> Result<(), app::Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(app::Error::Other(format!(
            "writing to standard output: {e}"
        ))),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => e.exit(), // --help, --version: print and exit 0
        Err(e) => {
            // A bad argument: clap's account of it on one line (what is wrong, the arguments
            // missing, a similar argument that exists), then the help to read; exit 2 like any
            // bad input.
            app::note(format_args!(
                "{} (see {} --help)",
                one_line(&e.to_string()),
                command_path()
            ));
            return ExitCode::from(2);
        }
    };
    // Without a terminal the progress bar does not show: tell each finished replicate instead.
    // `args_os`: a path need not be UTF-8, and `args` would panic on one.
    let quiet = std::env::args_os().any(|a| a == "--quiet");
    app::progress_lines(!quiet && !std::io::IsTerminal::is_terminal(&std::io::stderr()));
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line, whatever a lower layer put in its message.
            let text = e.to_string();
            let line: Vec<&str> = text.lines().map(str::trim).collect();
            // Standard error may be gone too (`2>/dev/full`): nothing more to say then.
            app::note(format_args!("error: {}", line.join(" ")));
            ExitCode::from(e.exit_code())
        }
    }
}

/// Clap's message up to its usage, on one line: `error: the following required arguments were
/// not provided: <SCENARIO>`, `error: unexpected argument '--agent' found; tip: a similar
/// argument exists: '--agents'`.
fn one_line(text: &str) -> String {
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .filter(|l| !l.is_empty())
        .collect();
    if parts.is_empty() {
        return "error: bad arguments".into();
    }
    let mut line = parts[0].to_string();
    for p in &parts[1..] {
        // A list under a line ending in ':' continues it; a tip is a sentence of its own.
        line.push_str(if line.ends_with(':') { " " } else { "; " });
        line.push_str(p);
    }
    line
}

/// The command whose help explains the arguments: `crossroads run`, `crossroads sweep merge`,
/// or `crossroads` when no subcommand was recognised.
fn command_path() -> String {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut path = String::from("crossroads");
    let Some(sub) = args.first() else {
        return path;
    };
    let known = <Cli as clap::CommandFactory>::command();
    if let Some(cmd) = known.find_subcommand(sub) {
        path.push(' ');
        path.push_str(sub);
        if let Some(next) = args.get(1)
            && cmd.find_subcommand(next).is_some()
        {
            path.push(' ');
            path.push_str(next);
        }
    }
    path
}

fn dispatch(command: Command) -> Result<(), app::Error> {
    match command {
        Command::Run {
            scenario,
            report,
            opts,
        } => {
            let quiet = opts.quiet;
            let o = RunOptions {
                report,
                ..opts.into()
            };
            let r = app::run(&scenario, &o)?;
            if let Some(rows) = &r.validation {
                say!("{}", crossroads::validation::verdict(rows));
            }
            if !quiet {
                say!("wrote {}", r.out.display());
                say!("{}", app::speed_line(&r));
            }
        }
        Command::Compare {
            baseline,
            scenarios,
            what_if,
            report,
            opts,
        } => {
            let quiet = opts.quiet;
            let o = RunOptions {
                report,
                ..opts.into()
            };
            let r = app::compare_what_if(&baseline, &scenarios, &what_if, &o)?;
            for u in &r.unmatched {
                app::note(format_args!("note: {u}"));
            }
            say_raw(r.table.as_bytes())?;
            if !quiet {
                say!("wrote {}", r.out.display());
                say!("{}", app::speed(r.seconds, r.agent_steps));
            }
        }
        Command::Calibrate { config, opts } => {
            let quiet = opts.quiet;
            let r = app::calibrate(&config, &opts.into())?;
            say!("{}", r.best);
            if !quiet {
                say!("wrote {}", r.out.join("calibration.csv").display());
            }
        }
        Command::Sweep(args) => sweep(args)?,
        Command::Report { dir, sweep } => {
            let r = app::report(&dir, sweep.as_deref())?;
            say!(
                "wrote {} (sections: {})",
                r.out.display(),
                r.sections.join(", ")
            );
        }
        Command::Check { scenario, sets } => say!("{}", app::check(&scenario, &sets)?),
        Command::Metrics => {
            say_raw(&app::metrics()?)?;
        }
        Command::Map {
            scenario,
            out,
            sets,
        } => {
            let r = app::map(&scenario, &sets, out.as_deref())?;
            say!(
                "wrote {} ({} locations, {} legs)",
                r.out.display(),
                r.locations,
                r.legs
            );
        }
    }
    Ok(())
}

fn sweep(args: SweepArgs) -> Result<(), app::Error> {
    let (report, quiet) = match (args.action, args.config) {
        (Some(SweepAction::Merge { dir, quiet, report }), _) => {
            let mut r = app::sweep_merge(&dir)?;
            if report {
                let done = app::write_sweep_report(&dir)?;
                r.lines.push(format!("wrote {}", done.out.display()));
            }
            (r, quiet)
        }
        (None, Some(config)) => {
            // With --slurm the lines are the command to submit, what the user asked for.
            let quiet = args.opts.quiet && !args.slurm;
            let shard = args
                .shard
                .as_deref()
                .map(crossroads::sweep::shard::Shard::parse)
                .transpose()
                .map_err(app::Error::Input)?;
            if shard.is_some() && args.slurm {
                return Err(app::Error::Input(
                    "--shard and --slurm: choose one (the Slurm scripts give each task its shard)"
                        .into(),
                ));
            }
            let slurm = args.slurm.then(|| {
                let d = app::SlurmOptions::default();
                app::SlurmOptions {
                    shards: args.shards.unwrap_or(d.shards),
                    cpus_per_task: args.slurm_cpus.unwrap_or(d.cpus_per_task),
                    time: args.slurm_time.unwrap_or(d.time),
                    mem: args.slurm_mem,
                    partition: args.slurm_partition,
                    account: args.slurm_account,
                }
            });
            let o = app::SweepOptions {
                run: args.opts.into(),
                shard,
                slurm,
            };
            let mut r = app::sweep(&config, &o)?;
            if args.report {
                let done = app::write_sweep_report(&r.out)?;
                r.lines.push(format!("wrote {}", done.out.display()));
            }
            (r, quiet)
        }
        (None, None) => {
            return Err(app::Error::Input(
                "sweep needs a configuration file, or `merge DIR`".into(),
            ));
        }
    };
    if !quiet {
        for line in &report.lines {
            say!("{line}");
        }
    }
    Ok(())
}
