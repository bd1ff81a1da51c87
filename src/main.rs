//! The command line: parses arguments and calls the library. Nothing else.

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use undersign::app::{self, commands};
use undersign::config::Config;
use undersign::domain::Kind;
use undersign::domain::RejectReason;
use undersign::mirror::poll::Origin;
use undersign::snapshot::Digest;
use undersign::Error;

#[derive(Parser)]
#[command(name = "undersign", version, about = "Hosts an open letter and collects its signatures.")]
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
    Serve(#[command(flatten)] ServeSettings),
    /// Print the onion address (and, with admin_onion, the console's on a
    /// second line), making the keys on first use; starts no server.
    OnionAddress,
    /// List signatures waiting for review (server stopped).
    Pending,
    /// Publish pending signatures by id (server stopped).
    Approve {
        #[arg(required = true)]
        ids: Vec<u64>,
    },
    /// Reject pending signatures by id (server stopped).
    Reject {
        #[arg(required = true)]
        ids: Vec<u64>,
        /// fake, duplicate, offensive, spam or other.
        #[arg(long, value_parser = parse_reason)]
        reason: RejectReason,
    },
    /// Print a full backup (pending signatures included) as JSON (server stopped).
    Export,
    /// Restore a backup made by `export` into a new data dir, or, with
    /// --kind, publish a plain-text list of names, one per line (server stopped).
    Import {
        file: PathBuf,
        /// organization, company or individual: FILE is a list of names.
        #[arg(long, value_parser = parse_kind)]
        kind: Option<Kind>,
    },
    /// Copy the whole site (the store with its audit list, the secret, the
    /// snapshot key and number, the moderators) into FILE, owner-only,
    /// while the server runs or not.
    Backup { file: PathBuf },
    /// Restore a FILE made by `backup` into an empty or absent data dir:
    /// the same snapshot key, list and withdrawal codes.
    Restore { file: PathBuf },
    /// Print the public key of the signed snapshots (a minisign public key
    /// file) and how to check a snapshot with it.
    Key,
    /// Sign a snapshot of the published list into FILE, and its signature
    /// into FILE.minisig (server stopped).
    Snapshot {
        /// Where to write it; the signature goes beside it, as minisign expects.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Check a snapshot FILE against FILE.minisig and a public key.
    Verify {
        file: PathBuf,
        /// The public key, as `undersign key` prints it, or a file holding it.
        #[arg(long)]
        key: String,
        /// Also require a snapshot of this letter (its SHA-256, as in
        /// `letter=`), or of an amendment of it.
        #[arg(long, value_parser = parse_digest)]
        letter: Option<Digest>,
    },
    /// Serve a read-only mirror of another undersign site, from its newest
    /// snapshot that verifies with KEY (polled every --interval seconds).
    Mirror {
        /// The origin (or another mirror): http://HOST[:PORT][/PATH].
        #[arg(long, value_parser = parse_origin)]
        origin: Origin,
        /// The origin's public key, as `undersign key` prints it, or a file holding it.
        #[arg(long)]
        key: String,
        #[command(flatten)]
        settings: OriginSettings,
        /// Seconds between polls of the origin (give or take a tenth).
        #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
        interval: u64,
        /// A larger snapshot is refused, unread past this many bytes.
        #[arg(long, default_value_t = undersign::mirror::DEFAULT_MAX_BYTES)]
        max_snapshot_bytes: u64,
    },
    /// Serve a mirror that also takes signatures and withdrawals, handing
    /// each to the origin (whose DATA/secret FILE makes its forms' tokens).
    Replica {
        /// The origin, reachable from here: http://HOST[:PORT][/PATH].
        #[arg(long, value_parser = parse_origin)]
        origin: Origin,
        /// The origin's public key, as `undersign key` prints it, or a file holding it.
        #[arg(long)]
        key: String,
        /// A copy of the origin's DATA/secret, readable by the owner only.
        #[arg(long, value_name = "FILE")]
        secret: PathBuf,
        #[command(flatten)]
        settings: OriginSettings,
        /// Seconds between polls of the origin (give or take a tenth).
        #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
        interval: u64,
        /// A larger snapshot is refused, unread past this many bytes.
        #[arg(long, default_value_t = undersign::mirror::DEFAULT_MAX_BYTES)]
        max_snapshot_bytes: u64,
    },
    /// Write the letter, its lists, an A-to-Z index, the exports and a signed
    /// snapshot into DIR as plain files for a static host: from the data dir
    /// (signing a new snapshot; server stopped), or from a snapshot FILE.
    ExportStatic {
        dir: PathBuf,
        /// Export this snapshot (FILE, with FILE.minisig beside it) instead of the data dir.
        #[arg(long, value_name = "FILE", requires = "key")]
        snapshot: Option<PathBuf>,
        /// The public key the snapshot must verify with.
        #[arg(long)]
        key: Option<String>,
        /// Where to sign: the origin's address, linked from every page.
        #[arg(long)]
        origin: Option<String>,
    },
    /// The letter this data dir belongs to.
    Letter {
        #[command(subcommand)]
        command: LetterCommand,
    },
    /// Moderation console settings.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

/// `serve`'s options: keys of the configuration file, which they override
/// (each is checked where the file's is). A flag not given leaves the file's
/// value.
#[derive(Args, Serialize, Default)]
struct ServeSettings {
    #[command(flatten)]
    #[serde(flatten)]
    listener: ListenerSettings,
    /// The moderation console's own listener (loopback TCP or unix:/path); off if not given.
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_listen: Option<String>,
    /// Publish the letter as an onion service from inside the process
    /// (built with the `onion` feature); with --listen, both serve.
    #[arg(long)]
    #[serde(skip_serializing_if = "not")]
    onion: bool,
    /// The console as an onion of its own, restricted to the client keys
    /// in DATA/onion/admin-clients (built with the `onion` feature).
    #[arg(long)]
    #[serde(skip_serializing_if = "not")]
    admin_onion: bool,
}

/// The public listener's options, which `serve`, `mirror` and `replica` share.
#[derive(Args, Serialize, Default)]
struct ListenerSettings {
    /// TCP address (127.0.0.1:8080) or unix:/path/to.sock.
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    listen: Option<String>,
    /// Expect tor's PROXY v1 line (HiddenServiceExportCircuitID haproxy) on every connection.
    #[arg(long)]
    #[serde(skip_serializing_if = "not")]
    proxy_protocol: bool,
}

/// The options `mirror` and `replica` share: the listener's, and the way
/// to the origin.
#[derive(Args, Serialize, Default)]
struct OriginSettings {
    #[command(flatten)]
    #[serde(flatten)]
    listener: ListenerSettings,
    /// Reach the origin (onion or not) through this SOCKS5 proxy, given the
    /// host name: socks5h://HOST:PORT, e.g. tor's SocksPort socks5h://127.0.0.1:9050.
    #[arg(long, value_name = "socks5h://HOST:PORT")]
    #[serde(skip_serializing_if = "Option::is_none")]
    origin_proxy: Option<String>,
}

fn not(flag: &bool) -> bool {
    !flag
}

/// The keys a command's options set, to lay over the file.
fn settings(command: &Option<Command>) -> toml::Table {
    let table = match command {
        None => toml::Table::try_from(ServeSettings::default()),
        Some(Command::Serve(s)) => toml::Table::try_from(s),
        Some(Command::Mirror { settings, .. }) => toml::Table::try_from(settings),
        Some(Command::Replica { settings, .. }) => toml::Table::try_from(settings),
        Some(_) => Ok(toml::Table::new()),
    };
    // Strings and flags always make a table.
    table.unwrap_or_default()
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Set a moderator's passphrase, read from standard input (one line).
    Passphrase {
        /// The moderator's name, shown in the audit list.
        #[arg(long, default_value = "admin")]
        moderator: String,
    },
}

#[derive(Subcommand)]
enum LetterCommand {
    /// Record the configured letter (--config) as the next version of the
    /// one the data dir holds, in force from today (server stopped).
    Amend,
}

fn parse_reason(s: &str) -> Result<RejectReason, String> {
    RejectReason::parse(s).ok_or_else(|| "one of fake, duplicate, offensive, spam, other".into())
}

fn parse_digest(s: &str) -> Result<Digest, String> {
    s.parse().map_err(|()| "64 lower-case hex digits".into())
}

fn parse_origin(s: &str) -> Result<Origin, String> {
    s.parse().map_err(|e: undersign::mirror::poll::OriginError| e.to_string())
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).map_err(|_| "one of organization, company, individual".into())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = Config::load(cli.data, cli.config.as_deref(), settings(&cli.command))
        .map_err(Error::from)
        .and_then(|config| run(config, cli.command.unwrap_or(Command::Serve(ServeSettings::default()))));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("undersign: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The library's function for each command.
fn run(config: Config, command: Command) -> Result<(), Error> {
    match command {
        Command::Serve(_) => app::serve_blocking(config),
        Command::OnionAddress => app::onion_addresses(&config).map(|(public, console)| {
            println!("{public}");
            if let Some(console) = console {
                println!("{console}");
            }
        }),
        Command::Mirror { origin, key, settings: _, interval, max_snapshot_bytes } => {
            let options = undersign::mirror::Options {
                origin,
                key,
                interval: std::time::Duration::from_secs(interval),
                max_bytes: max_snapshot_bytes,
                forms: None,
            };
            app::mirror_blocking(config, options)
        }
        Command::Replica { origin, key, secret, settings: _, interval, max_snapshot_bytes } => {
            let mirror = undersign::mirror::Options {
                origin,
                key,
                interval: std::time::Duration::from_secs(interval),
                max_bytes: max_snapshot_bytes,
                forms: None,
            };
            app::replica_blocking(config, undersign::replica::Options { mirror, secret })
        }
        Command::ExportStatic { dir, snapshot, key, origin } => {
            commands::export_static(&config, &dir, snapshot.zip(key), origin)
        }
        Command::Pending => commands::pending(&config),
        Command::Approve { ids } => commands::review(&config, &ids, None),
        Command::Reject { ids, reason } => commands::review(&config, &ids, Some(reason)),
        Command::Export => commands::export(&config),
        Command::Import { file, kind } => commands::import(&config, &file, kind),
        Command::Backup { file } => app::backup::backup(&config, &file),
        Command::Restore { file } => app::backup::restore(&config, &file),
        Command::Key => commands::key(&config),
        Command::Snapshot { out } => commands::snapshot(&config, &out),
        Command::Verify { file, key, letter } => commands::verify(&file, &key, letter),
        Command::Letter { command: LetterCommand::Amend } => commands::amend_letter(&config),
        Command::Admin { command: AdminCommand::Passphrase { moderator } } => {
            commands::set_passphrase(&config, &moderator)
        }
    }
}
