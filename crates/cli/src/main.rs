//! The `rapport` binary.

mod commands;
mod config;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

// The server allocates small, short-lived buffers on many threads at once; glibc's
// allocator spent a tenth of the CPU on that under load (see docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "rapport",
    version,
    about = "Self-hosted CRM and partner-relationship server"
)]
struct Cli {
    /// TOML configuration file (default: RAPPORT_CONFIG, else ./rapport.toml if present).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Default)]
struct DbArgs {
    /// sqlite://path or postgres://… (env RAPPORT_DATABASE_URL).
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        /// Address to listen on (env RAPPORT_LISTEN; default 127.0.0.1:8080).
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        #[command(flatten)]
        db: DbArgs,
        /// Refuse to start if migrations are pending instead of applying them.
        #[arg(long)]
        no_migrate: bool,
    },
    /// Apply, revert or list schema migrations.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Manage users.
    User {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        action: UserAction,
    },
    /// Check or rebuild the pipeline board's kept totals.
    Pipeline {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        action: PipelineAction,
    },
    /// Link the distribution log's legacy customer names, or check or rebuild the sales
    /// dashboard's kept figures.
    Distributions {
        #[command(flatten)]
        db: DbArgs,
        #[command(subcommand)]
        action: DistributionsAction,
    },
    /// Show configuration.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
}

#[derive(Subcommand)]
enum MigrateAction {
    /// Apply pending migrations (all, or up to --to).
    Up {
        #[arg(long, value_name = "VERSION")]
        to: Option<i64>,
    },
    /// Revert the newest N applied migrations (default 1).
    Down {
        #[arg(default_value_t = 1)]
        steps: usize,
    },
    /// List applied and pending migrations.
    Status,
}

#[derive(Subcommand)]
enum UserAction {
    /// Create a local user. Without --password-stdin a password is generated and printed once.
    Create {
        #[arg(long)]
        email: String,
        /// admin, restricted_admin, manager, rep, distributor, partner, fulfiller or viewer.
        #[arg(long)]
        role: String,
        #[arg(long, default_value = "")]
        name: String,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum PipelineAction {
    /// Compare the kept totals with the leads; exit 1 if they disagree.
    Check,
    /// Recompute the kept totals from the leads (writers wait while it runs).
    Rebuild,
}

#[derive(Subcommand)]
enum DistributionsAction {
    /// Give every entry that has only a customer_name the account with the same company
    /// key, creating accounts that do not exist yet. Prints a summary.
    Link {
        /// Print what would be linked and created; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Compare the sales dashboard's kept figures with the log; exit 1 if they disagree.
    Check,
    /// Recompute the kept figures from the log (after a bulk load; writers wait).
    Rebuild,
}

#[derive(Subcommand)]
enum ConfigAction {
    /// Print the effective configuration, secrets masked.
    Print {
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Enough for the largest connection pool a default setup uses plus password hashing.
const BLOCKING_THREADS: usize = 16;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Database work runs on blocking threads, but the connection pools already bound how
    // much runs at once; more threads than that only add memory (each keeps its own
    // allocator heap).
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    use config::Overrides;
    match cli.command {
        Command::Serve {
            listen,
            db,
            no_migrate,
        } => {
            let cfg = config::load(
                cli.config,
                Overrides {
                    listen,
                    database_url: db.database_url,
                    migrate: no_migrate.then_some(false),
                },
            )?;
            commands::serve(cfg).await
        }
        Command::Migrate { db, action } => {
            let cfg = config::load(
                cli.config,
                Overrides {
                    database_url: db.database_url,
                    ..Default::default()
                },
            )?;
            match action {
                MigrateAction::Up { to } => commands::migrate_up(&cfg, to).await,
                MigrateAction::Down { steps } => commands::migrate_down(&cfg, steps).await,
                MigrateAction::Status => commands::migrate_status(&cfg).await,
            }
        }
        Command::User { db, action } => {
            let cfg = config::load(
                cli.config,
                Overrides {
                    database_url: db.database_url,
                    ..Default::default()
                },
            )?;
            match action {
                UserAction::Create {
                    email,
                    role,
                    name,
                    password_stdin,
                } => commands::user_create(&cfg, email, role, name, password_stdin).await,
            }
        }
        Command::Pipeline { db, action } => {
            let cfg = config::load(
                cli.config,
                Overrides {
                    database_url: db.database_url,
                    ..Default::default()
                },
            )?;
            match action {
                PipelineAction::Check => commands::pipeline_check(&cfg).await,
                PipelineAction::Rebuild => commands::pipeline_rebuild(&cfg).await,
            }
        }
        Command::Distributions { db, action } => {
            let cfg = config::load(
                cli.config,
                Overrides {
                    database_url: db.database_url,
                    ..Default::default()
                },
            )?;
            match action {
                DistributionsAction::Link { dry_run } => {
                    commands::distributions_link(&cfg, dry_run).await
                }
                DistributionsAction::Check => commands::distributions_check(&cfg).await,
                DistributionsAction::Rebuild => commands::distributions_rebuild(&cfg).await,
            }
        }
        Command::Config {
            action: ConfigAction::Print { listen, db },
        } => {
            let cfg = config::load(
                cli.config,
                Overrides {
                    listen,
                    database_url: db.database_url,
                    ..Default::default()
                },
            )?;
            print!("{}", config::printable(&cfg)?);
            Ok(())
        }
    }
}
