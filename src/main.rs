//! The `deanon` command line: parses arguments ([`cli`]), calls the library, prints.

mod cli;

use std::process::ExitCode;

use anyhow::Context;

fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A parameter's error names the parameter; here it came from its flag.
            match e.downcast_ref::<deanon::Error>() {
                Some(deanon::Error::Parameter { name, .. }) => {
                    eprintln!("deanon: error: --{}: {e:#}", name.replace('_', "-"))
                }
                _ => eprintln!("deanon: error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: cli::Cli) -> anyhow::Result<()> {
    deanon::progress::set_enabled(!cli.quiet);
    if let Some(t) = cli.threads {
        anyhow::ensure!(t > 0, "--threads must be at least 1");
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build_global()
            .context("could not start the thread pool")?;
    }
    cli.command.run(cli.quiet)
}
