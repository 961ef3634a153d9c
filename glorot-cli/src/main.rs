//! `glorot`: neural-network weights from the command line, and a sampler benchmark.
//!
//! ```text
//! glorot --init he_normal --shape 3,3,16,32 --stats --out w.npy   # one tensor, as .npy
//! glorot bench --threads 2                                       # samplers vs rand_distr
//! glorot completions bash > /etc/bash_completion.d/glorot        # shell completions
//! ```
//!
//! Exit status: 0 on success, 2 for bad arguments (one line on stderr, nothing on stdout,
//! no file written), 1 for I/O errors (the message names the path).

mod bench;
mod fill;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

const EXIT_STATUS: &str = "\
Exit status: 0 on success; 2 for bad arguments (one line on stderr, nothing on stdout,
no file written); 1 for I/O errors (the message names the file).";

/// Bit-reproducible neural-network weight initialisation (Keras, PyTorch and JAX
/// initializers) over glorot's vectorized Ziggurat.
///
/// Without a subcommand, fills one tensor (or a slice of it) and writes it as `.npy`
/// (--out), prints its statistics as key=value lines (--stats), or else prints a report
/// with a histogram against the theoretical density. The same arguments give the same
/// bits on every machine.
#[derive(Parser, Debug)]
#[command(
    name = "glorot",
    version,
    args_conflicts_with_subcommands = true,
    allow_negative_numbers = true,
    after_help = EXIT_STATUS
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    fill: fill::FillArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Time every sampler and initializer against rand_distr's StandardNormal, our uniform
    /// and fill(1.0), at the sizes given, on N threads (interleaved repetitions, medians).
    Bench(bench::BenchArgs),
    /// Print a shell completion script to stdout (e.g. `glorot completions bash`).
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

/// A usage error as one line: clap's first line without its `error: ` prefix, plus the
/// possible values when clap lists them.
fn one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("bad arguments");
    let mut msg = first.strip_prefix("error: ").unwrap_or(first).to_string();
    if let Some(values) = lines.find(|l| l.starts_with("[possible values:")) {
        msg = format!("{msg} {values}");
    }
    msg
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            return usage_error(&one_line(&e));
        }
    };
    let result = match cli.command {
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "glorot", &mut std::io::stdout());
            Ok(())
        }
        Some(Command::Bench(args)) => match bench::plan(&args) {
            Ok(plan) => bench::run(&plan),
            Err(msg) => return usage_error(&msg),
        },
        None => match fill::plan(cli.fill) {
            Ok(plan) => fill::run(&plan),
            Err(msg) => return usage_error(&msg),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("glorot: {e}");
            ExitCode::from(1)
        }
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("glorot: {msg}");
    eprintln!("Run with --help for usage.");
    ExitCode::from(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_is_well_formed() {
        Cli::command().debug_assert();
    }
}
