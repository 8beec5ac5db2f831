//! What each subcommand does.

use std::io::{BufRead, IsTerminal};
use std::time::Duration;

use anyhow::Context;
use rapport_db::{Database, DbOptions};
use rapport_domain::{Actor, Ctx, Role};
use rapport_store::auth::users::{self, NewUser, MIN_PASSWORD_LEN};
use rapport_store::{AuthPolicy, Store};

use crate::config::Config;

fn init_logging(cfg: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&cfg.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(log_colours());
    let _ = if cfg.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Colour only for a person at a terminal: logs sent to a pipe, a file or a journal would
/// otherwise carry escape codes. Setting colours explicitly overrides tracing-subscriber's
/// own NO_COLOR check, so it is repeated here (an empty value does not count, as there).
fn log_colours() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

async fn connect(cfg: &Config) -> anyhow::Result<Database> {
    let options = DbOptions {
        pool_size: cfg.db_pool_size,
        sqlite_synchronous: cfg.sqlite_synchronous.clone(),
        row_security: cfg.postgres_row_security,
    };
    Database::connect(&cfg.database_url, &options)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| {
            format!(
                "cannot open the database {}",
                crate::config::printable_url(&cfg.database_url)
            )
        })
}

/// Brings the schema to what this binary expects, or explains why it cannot.
async fn prepare_schema(db: &Database, migrate: bool) -> anyhow::Result<i64> {
    if migrate {
        let applied = rapport_migration::up(db, None).await?;
        if !applied.is_empty() {
            tracing::info!(?applied, "applied migrations");
        }
    }
    let status = rapport_migration::check_current(db).await?;
    Ok(status.current_version())
}

fn policy(cfg: &Config) -> AuthPolicy {
    AuthPolicy {
        session_idle: chrono::Duration::minutes(cfg.session_idle_minutes),
        session_absolute: chrono::Duration::hours(cfg.session_absolute_hours),
        max_failed_logins: cfg.login_max_failures,
        lockout: chrono::Duration::minutes(cfg.login_lockout_minutes),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// A superuser or BYPASSRLS role is never bound by row-level security, so the second
/// line of defence would silently be off.
async fn warn_if_policies_bypassed(db: &Database) {
    if let Ok(true) = db.bypasses_row_security().await {
        tracing::warn!(
            "the database role is a superuser or has BYPASSRLS: row-level security does not \
             apply to it; run Rapport as an ordinary role that owns its database (docs/access.md)"
        );
    }
}

pub async fn serve(cfg: Config) -> anyhow::Result<()> {
    init_logging(&cfg);
    let db = connect(&cfg).await?;
    let version = prepare_schema(&db, cfg.migrate).await?;
    if cfg.postgres_row_security {
        warn_if_policies_bypassed(&db).await;
    }
    let mut store = Store::new(db, policy(&cfg));
    store
        .listen_for_auth_changes()
        .context("cannot listen for other nodes' token and user changes")?;
    if let Some(directory) = crate::config::directory(&cfg)? {
        tracing::info!(url = directory.url(), "LDAP sign-in enabled");
        store = store.with_directory(directory);
    }
    let web_config = rapport_web::WebConfig {
        max_body_bytes: cfg.max_body_bytes,
        max_bulk_body_bytes: cfg.max_bulk_body_bytes,
        trust_proxy_headers: cfg.trust_proxy_headers,
        cookie_secure: cfg.cookie_secure,
        login_max_failures_per_ip: cfg.login_max_failures_per_ip,
        login_window: Duration::from_secs(cfg.login_window_minutes * 60),
    };
    let state = rapport_web::AppState::new(store.clone(), web_config);
    let setup_link = state
        .offer_first_run_setup()
        .await
        .context("cannot tell whether any user exists")?;
    let app = rapport_web::router(state);
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.listen))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let maintenance = rapport_jobs::spawn_maintenance(store, Duration::from_secs(300), stop_rx);
    tracing::info!(
        listen = %cfg.listen,
        database = %crate::config::printable_url(&cfg.database_url),
        schema_version = version,
        "rapport is serving on http://{}",
        cfg.listen
    );
    if let Some(path) = setup_link {
        // Printed, not logged: the link is a one-time secret for whoever started the
        // server, and logs are often shipped elsewhere.
        println!(
            "\nNo users yet. Create the first administrator at:\n\n    http://{}{}\n\n(valid for one hour, once; or use `rapport user create`)\n",
            cfg.listen, path
        );
    }
    let (grace_tx, grace_rx) = tokio::sync::oneshot::channel::<()>();
    let limits = rapport_web::ServeLimits {
        header_read_timeout: Duration::from_secs(cfg.header_read_timeout_secs),
        body_read_timeout: Duration::from_secs(cfg.body_read_timeout_secs),
        max_connections: cfg.max_connections,
    };
    let server = rapport_web::serve(listener, app, limits, async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = grace_tx.send(());
    });
    let grace = Duration::from_secs(cfg.shutdown_grace_secs);
    let server = async move {
        server.await;
        Ok::<(), anyhow::Error>(())
    };
    let deadline = async move {
        if grace_rx.await.is_ok() {
            tokio::time::sleep(grace).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    let outcome = tokio::select! {
        r = server => r,
        _ = deadline => {
            tracing::warn!("requests still running after the grace period were cut off");
            Ok(())
        }
    };
    let _ = stop_tx.send(true);
    let _ = maintenance.await;
    tracing::info!("stopped");
    outcome
}

pub async fn migrate_up(cfg: &Config, to: Option<i64>) -> anyhow::Result<()> {
    init_logging(cfg);
    let db = connect(cfg).await?;
    let applied = rapport_migration::up(&db, to).await?;
    if applied.is_empty() {
        println!(
            "nothing to apply; the schema is at version {}",
            rapport_migration::status(&db).await?.current_version()
        );
    } else {
        println!("applied migration(s) {applied:?}");
    }
    Ok(())
}

pub async fn migrate_down(cfg: &Config, steps: usize) -> anyhow::Result<()> {
    init_logging(cfg);
    let db = connect(cfg).await?;
    let reverted = rapport_migration::down(&db, steps).await?;
    if reverted.is_empty() {
        println!("nothing to revert");
    } else {
        println!("reverted migration(s) {reverted:?}");
    }
    Ok(())
}

pub async fn migrate_status(cfg: &Config) -> anyhow::Result<()> {
    let db = connect(cfg).await?;
    let s = rapport_migration::status(&db).await?;
    println!(
        "schema version {} (this binary knows up to {})",
        s.current_version(),
        rapport_migration::latest_version()
    );
    for a in &s.applied {
        println!(
            "  applied  {:>4}  {}  at {}",
            a.version, a.name, a.applied_at
        );
    }
    for (v, name) in &s.pending {
        println!("  pending  {v:>4}  {name}");
    }
    for a in &s.unknown {
        println!(
            "  UNKNOWN  {:>4}  {}  (newer than this binary)",
            a.version, a.name
        );
    }
    for v in &s.changed {
        println!("  CHANGED  {v:>4}  (differs from this binary's copy)");
    }
    if let Some(f) = &s.last_failure {
        println!(
            "  FAILED   {:>4}  {}  at {}: {}",
            f.version, f.name, f.failed_at, f.error
        );
    }
    Ok(())
}

fn generated_password() -> String {
    use rand::distributions::{Alphanumeric, DistString};
    Alphanumeric.sample_string(&mut rand::rngs::OsRng, 24)
}

pub async fn user_create(
    cfg: &Config,
    email: String,
    role: String,
    name: String,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let role = Role::parse(&role).ok_or_else(|| {
        anyhow::anyhow!(
            "--role: {role:?} is not a role; roles are {}",
            Role::names()
        )
    })?;
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        let password = line.trim_end_matches(['\n', '\r']).to_owned();
        if password.chars().count() < MIN_PASSWORD_LEN {
            anyhow::bail!("the password must be at least {MIN_PASSWORD_LEN} characters");
        }
        (password, false)
    } else {
        (generated_password(), true)
    };
    let db = connect(cfg).await?;
    prepare_schema(&db, cfg.migrate).await?;
    let store = Store::new(db, policy(cfg));
    let cli = cli_ctx();
    let user = users::create(
        &store,
        &cli,
        NewUser {
            email,
            name,
            role,
            credential: users::Credential::Password(password.clone()),
            account_id: None,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "created user {} ({}) with role {}",
        user.email,
        user.id,
        user.role.as_str()
    );
    if generated {
        println!("password (shown once): {password}");
    }
    Ok(())
}

/// `rapport pipeline check`: compares the board's kept totals with the leads; fails (exit
/// 1) when they disagree, so it can run from cron or a deploy check.
pub async fn pipeline_check(cfg: &Config) -> anyhow::Result<()> {
    let db = connect(cfg).await?;
    rapport_migration::check_current(&db).await?;
    let store = Store::new(db, policy(cfg));
    let wrong = rapport_store::pipeline::board::check_totals(&store)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if wrong > 0 {
        anyhow::bail!(
            "{wrong} pipeline total(s) disagree with the leads; run `rapport pipeline rebuild`"
        );
    }
    println!("pipeline totals agree with the leads");
    Ok(())
}

/// `rapport pipeline rebuild`: recomputes the kept totals from the leads.
pub async fn pipeline_rebuild(cfg: &Config) -> anyhow::Result<()> {
    let db = connect(cfg).await?;
    rapport_migration::check_current(&db).await?;
    let store = Store::new(db, policy(cfg));
    let wrong = rapport_store::pipeline::board::rebuild_totals(&store)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("pipeline totals rebuilt from the leads ({wrong} had been wrong)");
    Ok(())
}

/// The command line acts as an admin without a user (audited with no actor id).
fn cli_ctx() -> Ctx {
    Ctx::cli(Actor {
        user_id: uuid::Uuid::nil(),
        email: "cli".into(),
        role: Role::Admin,
        account_id: None,
    })
}

/// `rapport distributions link [--dry-run]`: seed 000's legacy names to accounts, with a
/// progress bar when standard error is a terminal and a summary at the end.
pub async fn distributions_link(cfg: &Config, dry_run: bool) -> anyhow::Result<()> {
    use std::io::Write;
    let db = connect(cfg).await?;
    rapport_migration::check_current(&db).await?;
    let store = Store::new(db, policy(cfg));
    let terminal = std::io::stderr().is_terminal();
    let progress = move |p: rapport_store::distribution::distributions::LinkProgress| {
        if terminal && p.total > 0 {
            const WIDTH: usize = 40;
            let filled = WIDTH * p.done / p.total;
            let mut err = std::io::stderr();
            // A progress bar is best effort; a closed stderr must not stop the work.
            let _ = write!(
                err,
                "\r[{}{}] {}/{} names",
                "#".repeat(filled),
                " ".repeat(WIDTH - filled),
                p.done,
                p.total
            );
            if p.done == p.total {
                let _ = writeln!(err);
            }
        }
    };
    let summary =
        rapport_store::distribution::distributions::link(&store, &cli_ctx(), dry_run, &progress)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    print!("{}", link_report(&summary));
    Ok(())
}

fn link_report(s: &rapport_store::distribution::distributions::LinkSummary) -> String {
    let (would, link_verb, create_verb) = if s.dry_run {
        ("dry run, nothing changed: ", "would link", "would create")
    } else {
        ("", "linked", "created")
    };
    let mut out = String::new();
    for a in &s.accounts {
        let target = match (a.account_id, a.created) {
            (Some(id), false) => format!("account {id}"),
            (Some(id), true) => format!("new account {id}"),
            (None, _) => "a new account".to_owned(),
        };
        out.push_str(&format!(
            "{link_verb} {} entr{} named {} to {target}\n",
            a.entries,
            if a.entries == 1 { "y" } else { "ies" },
            a.names
                .iter()
                .map(|n| format!("{n:?}"))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    for k in &s.skipped {
        out.push_str(&format!(
            "skipped {} entr{} named {:?}: {}\n",
            k.entries,
            if k.entries == 1 { "y" } else { "ies" },
            k.customer_name,
            k.reason
        ));
    }
    let skipped: usize = s.skipped.iter().map(|k| k.entries).sum();
    out.push_str(&format!(
        "{would}{link_verb} {} entries, {create_verb} {} accounts, skipped {skipped} entries\n",
        s.linked, s.created
    ));
    out
}

/// `rapport distributions check`: exit 1 when the kept sales figures disagree with the log.
pub async fn distributions_check(cfg: &Config) -> anyhow::Result<()> {
    let db = connect(cfg).await?;
    rapport_migration::check_current(&db).await?;
    let store = Store::new(db, policy(cfg));
    let wrong = rapport_store::distribution::distributions::check_figures(&store)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if wrong > 0 {
        anyhow::bail!(
            "{wrong} kept sales figure row(s) disagree with the distribution log; run `rapport distributions rebuild`"
        );
    }
    println!("sales figures agree with the distribution log");
    Ok(())
}

/// `rapport distributions rebuild`: recomputes the kept sales figures from the log.
pub async fn distributions_rebuild(cfg: &Config) -> anyhow::Result<()> {
    let db = connect(cfg).await?;
    rapport_migration::check_current(&db).await?;
    let store = Store::new(db, policy(cfg));
    let written = rapport_store::distribution::distributions::rebuild_figures(&store)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("sales figures rebuilt from the distribution log ({written} rows)");
    Ok(())
}
