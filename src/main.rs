//! The `thruster` binary: clap sub-commands, logging and signals; nothing else.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use thruster::namesrv::{self, NamesrvConfig};
use thruster::net::Shutdown;

/// A RocketMQ NameServer and Broker, wire- and store-compatible with Apache RocketMQ 4.9.8 / 5.3.3.
#[derive(Debug, Parser)]
#[command(name = "thruster", version, about)]
struct Cli {
    /// Log level (error, warn, info, debug, trace); `RUST_LOG` takes precedence.
    #[arg(long, global = true, value_name = "LEVEL")]
    log_level: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a NameServer (like `bin/mqnamesrv`), on port 9876 by default.
    Namesrv(NamesrvArgs),
}

/// The flags of Java's `NamesrvStartup`.
#[derive(Debug, clap::Args)]
struct NamesrvArgs {
    /// Name server config properties file (`listenPort`, `kvConfigPath`, `orderMessageEnable`, …).
    #[arg(short = 'c', long = "configFile", value_name = "FILE")]
    config_file: Option<PathBuf>,

    /// Print all config items and exit.
    #[arg(short = 'p', long = "printConfigItem")]
    print_config_item: bool,

    /// Name server address list (accepted for compatibility; a NameServer does not use it).
    #[arg(short = 'n', long = "namesrvAddr", env = "NAMESRV_ADDR", value_name = "ADDRS")]
    namesrv_addr: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_level.as_deref());
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::from(255);
        }
    };
    let result = match cli.command {
        Command::Namesrv(args) => runtime.block_on(run_namesrv(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Java's startups print the exception and exit with -1 (255).
            eprintln!("{e:#}");
            ExitCode::from(255)
        }
    }
}

fn init_logging(level: Option<&str>) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level.unwrap_or("info")));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr).init();
}

async fn run_namesrv(args: NamesrvArgs) -> anyhow::Result<()> {
    let config = match &args.config_file {
        Some(path) => {
            let props = thruster::config::read_properties_file(path)?;
            tracing::info!("load config properties file OK, {}", path.display());
            NamesrvConfig::from_properties(props)
        }
        None => NamesrvConfig::default(),
    };
    if args.print_config_item {
        for (key, value) in config.fields() {
            println!("{key}={value}");
        }
        return Ok(());
    }
    let shutdown = Shutdown::new();
    shutdown.on_signals();
    let handle = namesrv::start(config, shutdown.clone()).await?;
    // The line scripts wait for, exactly as Java's NamesrvStartup prints it.
    println!("The Name Server boot success. serializeType=JSON");
    tracing::info!("serving on {}", handle.local_addr());
    shutdown.wait().await;
    handle.join().await;
    tracing::info!("name server stopped");
    Ok(())
}
