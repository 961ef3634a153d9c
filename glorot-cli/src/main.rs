//! `glorot`: neural-network weights from the command line, and a sampler benchmark.
//!
//! ```text
//! glorot --init he_normal --shape 3,3,16,32 --stats --out w.npy   # one tensor, as .npy
//! glorot bench --threads 2                                       # samplers vs rand_distr
//! glorot completions bash > /etc/bash_completion.d/glorot        # shell completions
//! ```
//!
//! Exit status: 0 on success, 2 for bad arguments (one line on stderr, nothing on stdout,
//! no file written), 1 for I/O errors (the message names the path). A closed stdout
//! (`glorot completions zsh | head -3`) ends the program quietly with status 0.

use std::io::Write;
use std::process::ExitCode;

/// Writes `text` to stdout. `print!` panics when the reader has gone (`| head`); this ends
/// the program quietly with status 0 instead, as Unix filters do, and any other error of
/// stdout with status 1 and one line.
pub(crate) fn write_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("glorot: stdout: {e}");
        std::process::exit(1);
    }
}

/// `print!` through [`write_stdout`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_stdout(&format!($($arg)*)) };
}

/// `println!` through [`write_stdout`].
macro_rules! outln {
    () => { $crate::write_stdout("\n") };
    ($($arg:tt)*) => { $crate::write_stdout(&format!("{}\n", format_args!($($arg)*))) };
}

mod bench;
mod fill;

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

/// A usage error as one line: clap's first line without its `error: ` prefix; when that
/// line ends in `:` (clap lists the missing arguments on the lines below), those lines
/// joined to it; and the possible values when clap lists them.
fn one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().unwrap_or("bad arguments");
    let mut msg = first.strip_prefix("error: ").unwrap_or(first).to_string();
    if msg.ends_with(':') {
        let listed: Vec<&str> = lines
            .clone()
            .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
            .collect();
        if !listed.is_empty() {
            msg = format!("{msg} {}", listed.join(", "));
        }
    }
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
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "glorot", &mut script);
            write_stdout(&String::from_utf8_lossy(&script));
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

/// Exit status 2 and one line on stderr.
fn usage_error(msg: &str) -> ExitCode {
    eprintln!("glorot: {msg} (glorot --help for usage)");
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
