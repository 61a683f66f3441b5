//! The `thruster` binary: clap sub-commands, logging and signals; nothing else.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc: the request path allocates a few dozen small objects per message (header fields, properties,
/// answers); glibc malloc/free were ~25 % of the broker's instructions per SEND (callgrind).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use thruster::broker::{self, BrokerConfig, BrokerError, BrokerHandle, ConfigError, ConfigFile};
use thruster::namesrv::{self, JavaCompat, NamesrvConfig};
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
    /// Run a broker (like `bin/mqbroker`), on ports 10911 and 10909 by default.
    Broker(BrokerArgs),
    /// Run a NameServer (port 9876) and a broker (10911) in one process, the broker registered with it.
    Standalone(StandaloneArgs),
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

    /// Which Java NameServer to mirror where 4.9.8 and 5.3.3 differ (FAQ link in remarks, the key set of
    /// `getNamesrvConfig`): 4.9.8 or 5.3.3.
    #[arg(long = "java-compat", value_name = "VERSION", default_value = "5.3.3")]
    java_compat: JavaCompat,

    /// Name server address list (accepted for compatibility; a NameServer does not use it).
    #[arg(short = 'n', long = "namesrvAddr", env = "NAMESRV_ADDR", value_name = "ADDRS")]
    namesrv_addr: Option<String>,
}

/// The flags of Java's `BrokerStartup`.
#[derive(Debug, clap::Args)]
struct BrokerArgs {
    /// Broker config properties file (`broker.conf`: brokerName, listenPort, namesrvAddr, …).
    #[arg(short = 'c', long = "configFile", value_name = "FILE")]
    config_file: Option<PathBuf>,

    /// Print all config items and exit.
    #[arg(short = 'p', long = "printConfigItem")]
    print_config_item: bool,

    /// Name server address list, e.g. `192.168.0.1:9876;192.168.0.2:9876` (overrides the file).
    #[arg(short = 'n', long = "namesrvAddr", env = "NAMESRV_ADDR", value_name = "ADDRS")]
    namesrv_addr: Option<String>,
}

/// `standalone`: the broker's flags plus where the embedded NameServer listens.
#[derive(Debug, clap::Args)]
struct StandaloneArgs {
    #[command(flatten)]
    broker: BrokerArgs,

    /// Port of the embedded NameServer (Java's default 9876).
    #[arg(long = "namesrv-port", value_name = "PORT")]
    namesrv_port: Option<u16>,
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
        Command::Broker(args) => runtime.block_on(run_broker(args)),
        Command::Standalone(args) => runtime.block_on(run_standalone(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Java's BrokerStartup prints these and exits with -3 (253).
        Err(e)
            if e.downcast_ref::<ConfigError>().is_some()
                || matches!(e.downcast_ref::<BrokerError>(), Some(BrokerError::Config(_))) =>
        {
            println!("{e}");
            ExitCode::from(253)
        }
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
    let mut config = match &args.config_file {
        Some(path) => {
            let props = thruster::config::read_properties_file(path)?;
            tracing::info!("load config properties file OK, {}", path.display());
            let mut config = NamesrvConfig::from_properties(props);
            // As Java's NamesrvStartup: UPDATE_NAMESRV_CONFIG rewrites the file it started from.
            config.config_store_path = path.display().to_string();
            config
        }
        None => NamesrvConfig::default(),
    };
    config.java_compat = args.java_compat;
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

/// The broker config of `-c` (or Java's defaults), `ROCKETMQ_HOME` and `-n` applied on top.
fn broker_config(args: &BrokerArgs, namesrv_addr: Option<String>) -> anyhow::Result<BrokerConfig> {
    let mut config = match &args.config_file {
        Some(path) => {
            let props = thruster::config::read_properties_file(path)?;
            tracing::info!("load config properties file OK, {}", path.display());
            let mut config = BrokerConfig::from_properties(props.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            // Java's BrokerPathConfigHelper: UPDATE_BROKER_CONFIG rewrites the file the broker started from.
            config.config_file = Some(ConfigFile { path: path.clone(), properties: props });
            config
        }
        None => BrokerConfig::default(),
    };
    // Flags and the environment win over the file.
    if let Ok(home) = std::env::var("ROCKETMQ_HOME") {
        config.rocketmq_home = Some(home);
    }
    if let Some(addrs) = namesrv_addr {
        config.namesrv_addr = Some(addrs);
    }
    config.finish()?;
    Ok(config)
}

/// Java's `BrokerStartup` boot line (printed after the first registration).
fn print_broker_boot_line(handle: &BrokerHandle) {
    let broker_config = handle.broker().config().clone();
    let mut tip = format!(
        "The broker[{}, {}] boot success. serializeType=JSON",
        broker_config.broker_name,
        broker_config.broker_addr()
    );
    if let Some(addrs) = &broker_config.namesrv_addr {
        tip.push_str(&format!(" and name server is {addrs}"));
    }
    println!("{tip}");
    tracing::info!("serving on {} and {}", handle.local_addr(), handle.fast_addr());
}

async fn run_broker(args: BrokerArgs) -> anyhow::Result<()> {
    let config = broker_config(&args, args.namesrv_addr.clone())?;
    if args.print_config_item {
        // A closed stdout (`| head`) is not an error worth a panic.
        let _ = std::io::Write::write_fmt(&mut std::io::stdout().lock(), format_args!("{config}"));
        return Ok(());
    }
    let shutdown = Shutdown::new();
    shutdown.on_signals();
    let handle = broker::start(config, shutdown.clone()).await?;
    print_broker_boot_line(&handle);
    shutdown.wait().await;
    handle.join().await;
    tracing::info!("broker stopped");
    Ok(())
}

/// NameServer (Java defaults, port 9876 unless `--namesrv-port`) + broker (`-c`, port 10911) in one process; `-n` is ignored, the
/// broker registers with the embedded NameServer. At shutdown the broker stops (and unregisters) first.
async fn run_standalone(args: StandaloneArgs) -> anyhow::Result<()> {
    let mut namesrv_config = NamesrvConfig::default();
    if let Some(port) = args.namesrv_port {
        namesrv_config.listen_port = i32::from(port);
    }
    let namesrv_port = namesrv_config.listen_port;
    let args = args.broker;
    if args.namesrv_addr.is_some() {
        tracing::info!("standalone: -n/NAMESRV_ADDR ignored, the broker registers with the embedded name server");
    }
    let config = broker_config(&args, Some(format!("127.0.0.1:{namesrv_port}")))?;
    // The embedded NameServer answers as the Java NameServer of the version the broker mirrors.
    if let Some(compat) = config.extra.get("thrusterStoreCompat") {
        namesrv_config.java_compat = compat.trim().parse().map_err(|e: String| anyhow::anyhow!(e))?;
    }
    if args.print_config_item {
        let _ = std::io::Write::write_fmt(&mut std::io::stdout().lock(), format_args!("{config}"));
        return Ok(());
    }
    let shutdown = Shutdown::new();
    shutdown.on_signals();
    let namesrv_shutdown = Shutdown::new();
    let namesrv = namesrv::start(namesrv_config, namesrv_shutdown.clone()).await?;
    println!("The Name Server boot success. serializeType=JSON");
    tracing::info!("name server serving on {}", namesrv.local_addr());
    let handle = match broker::start(config, shutdown.clone()).await {
        Ok(handle) => handle,
        Err(e) => {
            namesrv_shutdown.trigger();
            namesrv.join().await;
            return Err(e.into());
        }
    };
    print_broker_boot_line(&handle);
    shutdown.wait().await;
    handle.join().await;
    tracing::info!("broker stopped");
    namesrv_shutdown.trigger();
    namesrv.join().await;
    tracing::info!("name server stopped");
    Ok(())
}
