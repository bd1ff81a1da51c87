//! The command line: parses arguments and calls the library. Nothing else.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use undersign::config::{Config, ListenAddr};

#[derive(Parser)]
#[command(
    name = "undersign",
    version,
    about = "Hosts an open letter and collects its signatures."
)]
struct Cli {
    /// Data directory: the store and the server secret.
    #[arg(long, global = true, default_value = "./undersign-data")]
    data: PathBuf,
    /// Configuration file (TOML); every key is in the README.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the letter (the default).
    Serve {
        /// TCP address (127.0.0.1:8080) or unix:/path/to.sock.
        #[arg(long)]
        listen: Option<ListenAddr>,
        /// Expect tor's PROXY v1 line (HiddenServiceExportCircuitID haproxy) on every connection.
        #[arg(long)]
        proxy_protocol: bool,
    },
    /// List signatures waiting for review (server stopped).
    Pending,
    /// Publish pending signatures by id (server stopped).
    Approve {
        #[arg(required = true)]
        ids: Vec<u64>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut config = match Config::load(cli.data, cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let result = match cli.command.unwrap_or(Command::Serve {
        listen: None,
        proxy_protocol: false,
    }) {
        Command::Serve {
            listen,
            proxy_protocol,
        } => {
            if let Some(l) = listen {
                config.listen = l;
            }
            config.proxy_protocol |= proxy_protocol;
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => return fail(format!("cannot start the runtime: {e}")),
            };
            runtime.block_on(undersign::serve(config))
        }
        Command::Pending => undersign::list_pending(&config).map(|records| {
            for r in &records {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{:?}",
                    r.id,
                    r.day,
                    r.kind,
                    r.name,
                    r.affiliation.as_ref().map(|a| a.as_str()).unwrap_or(""),
                    r.flags
                );
            }
            eprintln!("{} pending", records.len());
        }),
        Command::Approve { ids } => undersign::approve(&config, &ids).map(|missing| {
            for id in missing {
                eprintln!("no pending signature with id {id}");
            }
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("undersign: {e}");
    ExitCode::FAILURE
}
