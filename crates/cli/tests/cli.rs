//! End-to-end tests of the `rapport` binary: each runs the real executable against a fresh
//! database (SQLite always, PostgreSQL when `RAPPORT_TEST_POSTGRES_URL` is set).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, ChildStderr, ChildStdout, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rapport_db::{Database, DbError};

const BIN: &str = env!("CARGO_BIN_EXE_rapport");
/// How long a one-shot command (migrate, user, config) may take before the test gives up.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// How long `serve` may take to answer /readyz.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(15);
/// How long `serve` may take to exit, after SIGTERM or on refusing to start.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// A `rapport` command running in `cwd` with no `RAPPORT_*` variable inherited from the
/// test process (the test harness's own `RAPPORT_TEST_POSTGRES_URL` included).
fn rapport(cwd: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(cwd);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("RAPPORT_") {
            cmd.env_remove(&key);
        }
    }
    // Belt and braces for the ones that matter most.
    cmd.env_remove("RAPPORT_LISTEN")
        .env_remove("RAPPORT_CONFIG")
        .env_remove("RAPPORT_DATABASE_URL")
        .env("NO_COLOR", "1");
    cmd
}

/// Drains a pipe on its own thread so the child never blocks on a full pipe.
fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Kills the child when dropped, so no test leaves a process behind, even on panic.
struct Guard {
    child: Child,
    stdout: Option<JoinHandle<String>>,
    stderr: Option<JoinHandle<String>>,
}

impl Guard {
    fn spawn(cmd: &mut Command, stdin: Option<&str>) -> Self {
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn the rapport binary");
        if let Some(text) = stdin {
            let mut pipe = child.stdin.take().expect("piped stdin");
            pipe.write_all(text.as_bytes()).expect("write to stdin");
            // Dropping `pipe` closes it: the child sees end of input.
        }
        let stdout = Some(drain::<ChildStdout>(child.stdout.take()));
        let stderr = Some(drain::<ChildStderr>(child.stderr.take()));
        Self {
            child,
            stdout,
            stderr,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status, or `None` if the child is still running after `timeout`.
    fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the child if it still runs, then returns everything it wrote.
    fn into_output(mut self, status: Option<ExitStatus>) -> Output {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let stdout = self.stdout.take().map(|h| h.join().unwrap_or_default());
        let stderr = self.stderr.take().map(|h| h.join().unwrap_or_default());
        Output {
            status,
            stdout: stdout.unwrap_or_default(),
            stderr: stderr.unwrap_or_default(),
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a finished (or timed-out, then killed) command produced.
#[derive(Debug)]
struct Output {
    /// `None` when it had not exited in time and was killed.
    status: Option<ExitStatus>,
    stdout: String,
    stderr: String,
}

impl Output {
    fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| s.success())
    }

    /// Exited on its own, unsuccessfully.
    fn failed(&self) -> bool {
        self.status.is_some_and(|s| !s.success())
    }

    fn assert_success(&self, what: &str) -> &Self {
        assert!(self.succeeded(), "{what} should succeed: {self:#?}");
        self
    }

    fn assert_failure(&self, what: &str) -> &Self {
        assert!(self.failed(), "{what} should exit non-zero: {self:#?}");
        self
    }
}

/// Runs a one-shot command to completion.
fn run(cmd: &mut Command, stdin: Option<&str>) -> Output {
    let mut guard = Guard::spawn(cmd, stdin);
    let status = guard.wait_for_exit(COMMAND_TIMEOUT);
    let out = guard.into_output(status);
    assert!(
        out.status.is_some(),
        "command did not finish in time: {out:#?}"
    );
    out
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}

/// A tiny blocking HTTP/1.1 client: one request per connection.
fn http(addr: SocketAddr, method: &str, path: &str, json: Option<&str>) -> (u16, String) {
    try_http(addr, method, path, json).unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

fn try_http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    json: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(15)))?;
    stream.set_write_timeout(Some(Duration::from_secs(15)))?;
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAccept: */*\r\n");
    if let Some(body) = json {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else {
        request.push_str("\r\n");
    }
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("no status line in {text:?}"),
            )
        })?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// A running `rapport serve`.
struct Server {
    guard: Guard,
    addr: SocketAddr,
}

impl Server {
    /// Starts `serve` and waits until /readyz answers 200.
    fn start(cwd: &Path, database_url: &str) -> Self {
        let server = Self::spawn(cwd, database_url, &[]);
        server.wait_ready()
    }

    fn spawn(cwd: &Path, database_url: &str, extra: &[&str]) -> Self {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port())
            .parse()
            .expect("socket address");
        let listen = addr.to_string();
        let guard = Guard::spawn(
            rapport(cwd)
                .args(["serve", "--database-url", database_url, "--listen", &listen])
                .args(extra),
            None,
        );
        Self { guard, addr }
    }

    fn wait_ready(mut self) -> Self {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = self.guard.child.try_wait().expect("poll the server") {
                let out = self.guard.into_output(Some(status));
                panic!("serve exited before it was ready: {out:#?}");
            }
            let last = match try_http(self.addr, "GET", "/readyz", None) {
                Ok((200, _)) => return self,
                Ok((status, body)) => format!("{status} {body}"),
                Err(e) => e.to_string(),
            };
            if Instant::now() >= deadline {
                let out = self.guard.into_output(None);
                panic!("serve was not ready within {STARTUP_TIMEOUT:?} (last: {last}): {out:#?}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Sends SIGTERM and returns what the process did within [`EXIT_TIMEOUT`].
    fn terminate(mut self) -> Output {
        let pid = self.guard.pid().to_string();
        let kill = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(kill.success(), "kill -TERM {pid} failed");
        let status = self.guard.wait_for_exit(EXIT_TIMEOUT);
        self.guard.into_output(status)
    }

    /// Waits for a server that should refuse to start.
    fn wait_for_exit(mut self) -> Output {
        let status = self.guard.wait_for_exit(EXIT_TIMEOUT);
        self.guard.into_output(status)
    }
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("create a temporary directory")
}

rapport_db::both_engines! {
    async fn serve_starts_migrates_and_stops_gracefully(db) {
        let cwd = temp_dir();
        let server = Server::start(cwd.path(), &db.url);

        let (status, body) = http(server.addr, "GET", "/readyz", None);
        assert_eq!(status, 200, "/readyz: {body}");
        assert!(body.contains("schema_version"), "/readyz body: {body}");
        let ready: serde_json::Value = serde_json::from_str(&body).expect("/readyz is JSON");
        assert_eq!(
            ready["schema_version"],
            rapport_migration::latest_version(),
            "/readyz body: {body}"
        );

        let (status, body) = http(server.addr, "GET", "/healthz", None);
        assert_eq!(status, 200, "/healthz: {body}");

        let out = server.terminate();
        assert!(
            out.status.is_some(),
            "serve did not exit within {EXIT_TIMEOUT:?} of SIGTERM: {out:#?}"
        );
        out.assert_success("serve after SIGTERM");
        assert!(out.stderr.contains("stopped"), "stderr: {}", out.stderr);
    }
}

#[test]
fn logs_piped_away_carry_no_colour_codes() {
    // Every other command runs with NO_COLOR; without it, only the check for a terminal
    // keeps escape codes out of logs sent to a pipe, a file or a journal.
    let cwd = temp_dir();
    let url = format!("sqlite://{}", cwd.path().join("rapport.db").display());
    let mut cmd = rapport(cwd.path());
    cmd.env_remove("NO_COLOR")
        .args(["migrate", "--database-url", &url, "up"]);
    let out = run(&mut cmd, None);
    out.assert_success("migrate up");
    assert!(
        out.stderr.contains("migration applied"),
        "stderr: {}",
        out.stderr
    );
    assert!(!out.stderr.contains('\x1b'), "stderr: {:?}", out.stderr);
}

rapport_db::both_engines! {
    async fn no_migrate_refuses_a_fresh_database(db) {
        let cwd = temp_dir();
        let out = Server::spawn(cwd.path(), &db.url, &["--no-migrate"]).wait_for_exit();
        out.assert_failure("serve --no-migrate on a fresh database");
        assert!(
            out.stderr.contains("rapport migrate up"),
            "stderr: {}",
            out.stderr
        );
    }
}

rapport_db::both_engines! {
    async fn serve_refuses_a_schema_ahead_of_the_binary(db) {
        let cwd = temp_dir();
        run(
            rapport(cwd.path()).args(["migrate", "--database-url", &db.url, "up"]),
            None,
        )
        .assert_success("migrate up");

        {
            let database = Database::connect(&db.url, &Default::default())
                .await
                .expect("connect to the test database");
            database
                .write(|c| {
                    c.execute(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at) \
                         VALUES (999, 'future', 'x', '2030-01-01T00:00:00Z')",
                        &[],
                    )
                })
                .await
                .map_err(|e: DbError| e.to_string())
                .expect("record a future migration");
        }

        let out = Server::spawn(cwd.path(), &db.url, &[]).wait_for_exit();
        out.assert_failure("serve on a schema newer than the binary");
        assert!(
            out.stderr.contains("newer than this binary"),
            "stderr: {}",
            out.stderr
        );
    }
}

rapport_db::both_engines! {
    async fn migrate_status_up_down(db) {
        let cwd = temp_dir();
        let migrate = |action: &str| {
            let mut cmd = rapport(cwd.path());
            cmd.args(["migrate", "--database-url", &db.url]);
            cmd.args(action.split(' '));
            run(&mut cmd, None)
        };
        let latest = rapport_migration::latest_version();

        let out = migrate("status");
        out.assert_success("migrate status on a fresh database");
        assert!(out.stdout.contains("pending"), "stdout: {}", out.stdout);
        assert!(out.stdout.contains("schema version 0"), "stdout: {}", out.stdout);

        let out = migrate("up");
        out.assert_success("migrate up");
        assert!(out.stdout.contains("applied"), "stdout: {}", out.stdout);

        let out = migrate("status");
        out.assert_success("migrate status after up");
        assert!(out.stdout.contains("applied"), "stdout: {}", out.stdout);
        assert!(out.stdout.contains(&format!("schema version {latest}")), "stdout: {}", out.stdout);
        assert!(!out.stdout.contains("pending"), "stdout: {}", out.stdout);

        let out = migrate("up");
        out.assert_success("migrate up when nothing is pending");
        assert!(out.stdout.contains("nothing to apply"), "stdout: {}", out.stdout);

        let out = migrate("down");
        out.assert_success("migrate down");
        assert!(out.stdout.contains("reverted"), "stdout: {}", out.stdout);
        let out = migrate("status");
        assert!(out.stdout.contains(&format!("schema version {}", latest - 1)), "stdout: {}", out.stdout);

        // Every migration reverses cleanly, down to an empty schema.
        let out = migrate(&format!("down {}", latest - 1));
        out.assert_success("migrate down the rest");

        let out = migrate("status");
        out.assert_success("migrate status after down");
        assert!(out.stdout.contains("pending"), "stdout: {}", out.stdout);
        assert!(out.stdout.contains("schema version 0"), "stdout: {}", out.stdout);
        assert!(!out.stdout.contains("  applied"), "stdout: {}", out.stdout);
    }
}

rapport_db::both_engines! {
    async fn user_create_reads_password_from_stdin_and_rejects_bad_input(db) {
        let cwd = temp_dir();
        const PASSWORD: &str = "a very long password";
        let create = |email: &str, role: &str, stdin: Option<&str>| {
            let mut cmd = rapport(cwd.path());
            cmd.args([
                "user",
                "--database-url",
                &db.url,
                "create",
                "--email",
                email,
                "--role",
                role,
            ]);
            if stdin.is_some() {
                cmd.arg("--password-stdin");
            }
            run(&mut cmd, stdin)
        };

        let out = create("a@example.com", "admin", Some(&format!("{PASSWORD}\n")));
        out.assert_success("user create --password-stdin");
        assert!(
            out.stdout.contains("created user a@example.com"),
            "stdout: {}",
            out.stdout
        );
        assert!(!out.stdout.contains(PASSWORD), "stdout echoes the password: {}", out.stdout);

        let out = create("a@example.com", "admin", Some(&format!("{PASSWORD}\n")));
        out.assert_failure("user create with an email that exists");
        assert!(out.stderr.contains("already exists"), "stderr: {}", out.stderr);

        let out = create("w@example.com", "wizard", Some(&format!("{PASSWORD}\n")));
        out.assert_failure("user create --role wizard");
        assert!(out.stderr.contains("restricted_admin"), "stderr: {}", out.stderr);

        let out = create("s@example.com", "rep", Some("short\n"));
        out.assert_failure("user create with a short password");
        assert!(out.stderr.contains("at least 12"), "stderr: {}", out.stderr);

        let out = create("b@example.com", "viewer", None);
        out.assert_success("user create with a generated password");
        assert!(
            out.stdout.contains("created user b@example.com"),
            "stdout: {}",
            out.stdout
        );
        let generated = out
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("password (shown once): "))
            .unwrap_or_else(|| panic!("no generated password in stdout: {}", out.stdout))
            .trim_end()
            .to_owned();
        assert_eq!(generated.chars().count(), 24, "generated password {generated:?}");
        assert!(
            generated.chars().all(|c| c.is_ascii_alphanumeric()),
            "generated password {generated:?}"
        );

        let server = Server::start(cwd.path(), &db.url);
        let login = |email: &str, password: &str| {
            let body = serde_json::json!({"email": email, "password": password}).to_string();
            http(server.addr, "POST", "/api/v1/auth/login", Some(&body))
        };
        let (status, body) = login("a@example.com", PASSWORD);
        assert_eq!(status, 200, "login with the stdin password: {body}");
        assert!(body.contains("csrf_token"), "login body: {body}");
        let (status, body) = login("b@example.com", &generated);
        assert_eq!(status, 200, "login with the generated password: {body}");

        let out = server.terminate();
        out.assert_success("serve after SIGTERM");
    }
}

fn config_print(cwd: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = rapport(cwd);
    cmd.args(["config", "print"]).args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    run(&mut cmd, None)
}

#[test]
fn config_print_layers_and_masks() {
    let dir = temp_dir();
    let file = dir.path().join("custom.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:9999\"\ndatabase_url = \"postgres://u:secret@h/db\"\n",
    )
    .expect("write the config file");
    let file = file.to_str().expect("UTF-8 path");

    // The file over the defaults; the password masked.
    let out = config_print(dir.path(), &["--config", file], &[]);
    out.assert_success("config print --config");
    assert!(
        out.stdout.contains("listen = \"127.0.0.1:9999\""),
        "stdout: {}",
        out.stdout
    );
    assert!(
        out.stdout.contains("postgres://u:****@h/db"),
        "stdout: {}",
        out.stdout
    );
    assert!(!out.stdout.contains("secret"), "stdout: {}", out.stdout);
    assert!(!out.stderr.contains("secret"), "stderr: {}", out.stderr);
    let parsed: toml::Table = out.stdout.parse().expect("config print emits TOML");
    assert_eq!(parsed["listen"].as_str(), Some("127.0.0.1:9999"));

    // The environment over the file.
    let out = config_print(
        dir.path(),
        &["--config", file],
        &[("RAPPORT_LISTEN", "127.0.0.1:7777")],
    );
    out.assert_success("config print with RAPPORT_LISTEN");
    assert!(
        out.stdout.contains("listen = \"127.0.0.1:7777\""),
        "stdout: {}",
        out.stdout
    );
    assert!(!out.stdout.contains("9999"), "stdout: {}", out.stdout);

    // The flag over the environment.
    let out = config_print(
        dir.path(),
        &["--config", file, "--listen", "127.0.0.1:6666"],
        &[("RAPPORT_LISTEN", "127.0.0.1:7777")],
    );
    out.assert_success("config print --listen with RAPPORT_LISTEN");
    assert!(
        out.stdout.contains("listen = \"127.0.0.1:6666\""),
        "stdout: {}",
        out.stdout
    );
    assert!(!out.stdout.contains("7777"), "stdout: {}", out.stdout);

    // RAPPORT_CONFIG names the file when --config is absent.
    let out = config_print(dir.path(), &[], &[("RAPPORT_CONFIG", file)]);
    out.assert_success("config print with RAPPORT_CONFIG");
    assert!(
        out.stdout.contains("127.0.0.1:9999"),
        "stdout: {}",
        out.stdout
    );

    // Without either, ./rapport.toml is read if present, and the defaults otherwise.
    let out = config_print(dir.path(), &[], &[]);
    out.assert_success("config print with defaults");
    assert!(
        out.stdout.contains("listen = \"127.0.0.1:8080\""),
        "stdout: {}",
        out.stdout
    );
    std::fs::write(
        dir.path().join("rapport.toml"),
        "listen = \"127.0.0.1:5555\"\n",
    )
    .expect("write ./rapport.toml");
    let out = config_print(dir.path(), &[], &[]);
    out.assert_success("config print with ./rapport.toml");
    assert!(
        out.stdout.contains("listen = \"127.0.0.1:5555\""),
        "stdout: {}",
        out.stdout
    );

    // A --config that does not exist is an error, not silently the defaults.
    let out = config_print(dir.path(), &["--config", "missing.toml"], &[]);
    out.assert_failure("config print --config missing.toml");
    assert!(
        out.stderr.contains("missing.toml"),
        "stderr: {}",
        out.stderr
    );

    // An unknown key is refused and named.
    let unknown = dir.path().join("unknown.toml");
    std::fs::write(&unknown, "colour = \"red\"\n").expect("write the config file");
    let out = config_print(
        dir.path(),
        &["--config", unknown.to_str().expect("UTF-8 path")],
        &[],
    );
    out.assert_failure("config print with an unknown key");
    assert!(out.stderr.contains("colour"), "stderr: {}", out.stderr);

    // An invalid listen address is refused and named.
    let invalid = dir.path().join("invalid.toml");
    std::fs::write(&invalid, "listen = \"nope\"\n").expect("write the config file");
    let out = config_print(
        dir.path(),
        &["--config", invalid.to_str().expect("UTF-8 path")],
        &[],
    );
    out.assert_failure("config print with listen = \"nope\"");
    assert!(out.stderr.contains("listen"), "stderr: {}", out.stderr);
}

/// `config print` promises "secrets masked", and the PostgreSQL client also takes the
/// password from the URL's query string (`?password=…`), so that one must be masked too.
#[test]
fn config_print_masks_a_password_in_the_query_string() {
    let dir = temp_dir();
    let out = config_print(
        dir.path(),
        &[
            "--database-url",
            "postgres://u@h/db?sslmode=disable&password=hunter2secret",
        ],
        &[],
    );
    out.assert_success("config print with ?password=");
    assert!(
        !out.stdout.contains("hunter2secret"),
        "config print shows the database password in clear: {}",
        out.stdout
    );
}

rapport_db::both_engines! {
    /// `--database-url` is accepted after the action too (`rapport migrate up
    /// --database-url URL`), as people type it, and is listed in the action's help.
    async fn database_url_is_accepted_after_the_action(db) {
        let cwd = temp_dir();
        let out = run(
            rapport(cwd.path()).args(["migrate", "up", "--database-url", &db.url]),
            None,
        );
        out.assert_success("migrate up --database-url URL");
        assert!(out.stdout.contains("applied"), "stdout: {}", out.stdout);

        let out = run(
            rapport(cwd.path()).args(["migrate", "status", "--database-url", &db.url]),
            None,
        );
        out.assert_success("migrate status --database-url URL");

        let out = run(
            rapport(cwd.path()).args([
                "user",
                "create",
                "--email",
                "c@example.com",
                "--role",
                "rep",
                "--password-stdin",
                "--database-url",
                &db.url,
            ]),
            Some("a very long password\n"),
        );
        out.assert_success("user create ... --database-url URL");

        let out = run(rapport(cwd.path()).args(["user", "create", "--help"]), None);
        out.assert_success("user create --help");
        assert!(out.stdout.contains("--database-url"), "stdout: {}", out.stdout);
    }
}

rapport_db::both_engines! {
    /// `rapport pipeline check` notices kept totals that disagree with the leads (here
    /// a total edited behind Rapport's back), fails with the fix in its message, and
    /// `rapport pipeline rebuild` restores them from the leads.
    async fn pipeline_check_and_rebuild(db) {
        let cwd = temp_dir();
        run(rapport(cwd.path()).args(["migrate", "--database-url", &db.url, "up"]), None)
            .assert_success("migrate up");
        let pipeline = |action: &str| run(rapport(cwd.path()).args(["pipeline", "--database-url", &db.url, action]), None);
        pipeline("check").assert_success("check on an empty pipeline");

        let database = Database::connect(&db.url, &Default::default()).await.expect("connect");
        let store = rapport_store::Store::new(database.clone(), Default::default());
        let ctx = rapport_domain::Ctx::cli(rapport_domain::Actor {
            user_id: uuid::Uuid::nil(),
            email: "cli".into(),
            role: rapport_domain::Role::Admin,
            account_id: None,
        });
        for (title, value) in [("a", "10.10"), ("b", "0.05")] {
            let changes = rapport_domain::lead::LeadChanges::read(
                serde_json::json!({"title": title, "value": value, "currency": "EUR", "status": "proposal"}),
                true,
            )
            .expect("valid lead");
            rapport_store::pipeline::leads::create(&store, &ctx, changes).await.expect("lead");
        }
        pipeline("check").assert_success("check after writes through the store");

        database
            .write(|c| c.execute("UPDATE pipeline_totals SET lead_count = 7 WHERE dimension = 'all'", &[]))
            .await
            .expect("tamper");
        let out = pipeline("check");
        out.assert_failure("check with a tampered total");
        assert!(out.stderr.contains("rapport pipeline rebuild"), "stderr: {}", out.stderr);
        let out = pipeline("rebuild");
        out.assert_success("rebuild");
        assert!(out.stdout.contains("1 had been wrong"), "stdout: {}", out.stdout);
        pipeline("check").assert_success("check after the rebuild");
        let count: Option<i64> = database
            .read(|c| c.query_scalar("SELECT lead_count FROM pipeline_totals WHERE dimension = 'all'", &[]))
            .await
            .expect("count");
        assert_eq!(count, Some(2));
    }
}

rapport_db::both_engines! {
    /// `rapport distributions link` reports a dry run without changing anything, links
    /// legacy names to accounts by company key (creating what is missing), skips names
    /// without a key with the reason, and does nothing new the second time;
    /// `distributions check` and `rebuild` guard the sales dashboard's kept figures.
    async fn distributions_link_check_and_rebuild(db) {
        let cwd = temp_dir();
        run(rapport(cwd.path()).args(["migrate", "--database-url", &db.url, "up"]), None)
            .assert_success("migrate up");
        let cmd = |args: &[&str]| {
            let mut all = vec!["distributions", "--database-url", &db.url];
            all.extend_from_slice(args);
            run(rapport(cwd.path()).args(all), None)
        };
        let database = Database::connect(&db.url, &Default::default()).await.expect("connect");
        let store = rapport_store::Store::new(database.clone(), Default::default());
        let ctx = rapport_domain::Ctx::cli(rapport_domain::Actor {
            user_id: uuid::Uuid::nil(),
            email: "cli".into(),
            role: rapport_domain::Role::Admin,
            account_id: None,
        });
        let today = chrono::Utc::now().date_naive();
        for name in ["St. Mary's", "ST MARYS", "Lakeside Clinic", "***"] {
            let changes = rapport_domain::distribution::DistributionChanges::read(
                serde_json::json!({"ship_date": "2026-01-15", "sku": "S-1", "quantity": 2, "customer_name": name}),
                true,
                today,
            )
            .expect("valid entry");
            rapport_store::distribution::distributions::create(&store, &ctx, changes).await.expect("entry");
        }
        let accounts = || async {
            database.read(|c| c.query_scalar::<i64>("SELECT count(*) FROM accounts", &[])).await.expect("count")
        };

        let out = cmd(&["link", "--dry-run"]);
        out.assert_success("dry run");
        assert!(out.stdout.contains("dry run, nothing changed: would link 3 entries, would create 2 accounts, skipped 1 entries"),
            "stdout: {}", out.stdout);
        assert!(out.stdout.contains("\"***\": the name has no letters or digits"), "stdout: {}", out.stdout);
        assert_eq!(accounts().await, Some(0));

        let out = cmd(&["link"]);
        out.assert_success("link");
        assert!(out.stdout.contains("linked 3 entries, created 2 accounts, skipped 1 entries"), "stdout: {}", out.stdout);
        assert!(out.stdout.contains("linked 2 entries named \"ST MARYS\", \"St. Mary's\" to new account"), "stdout: {}", out.stdout);
        assert_eq!(accounts().await, Some(2));
        let out = cmd(&["link"]);
        assert!(out.stdout.contains("linked 0 entries, created 0 accounts"), "stdout: {}", out.stdout);

        cmd(&["check"]).assert_success("check after linking");
        database
            .write(|c| c.execute("UPDATE distribution_months SET units = 99 WHERE sku = ''", &[]))
            .await
            .expect("tamper");
        let out = cmd(&["check"]);
        out.assert_failure("check with tampered figures");
        assert!(out.stderr.contains("rapport distributions rebuild"), "stderr: {}", out.stderr);
        let out = cmd(&["rebuild"]);
        out.assert_success("rebuild");
        assert!(out.stdout.contains("sales figures rebuilt from the distribution log ("), "stdout: {}", out.stdout);
        cmd(&["check"]).assert_success("check after the rebuild");
    }
}

/// The directory's settings are checked at start-up, every problem named, and its search
/// account's password is a secret `config print` masks.
#[test]
fn ldap_settings_are_checked_and_the_bind_password_masked() {
    let dir = temp_dir();
    let good = dir.path().join("ldap.toml");
    std::fs::write(
        &good,
        "ldap_url = \"ldap://127.0.0.1:389\"\nldap_base_dn = \"dc=example,dc=com\"\n\
         ldap_bind_dn = \"cn=reader,dc=example,dc=com\"\nldap_bind_password = \"hunter2-secret\"\n",
    )
    .expect("write the config file");
    let out = config_print(
        dir.path(),
        &["--config", good.to_str().expect("UTF-8 path")],
        &[],
    );
    out.assert_success("config print with LDAP settings");
    assert!(
        out.stdout.contains("ldap_bind_password = \"****\""),
        "stdout: {}",
        out.stdout
    );
    assert!(!out.stdout.contains("hunter2"), "stdout: {}", out.stdout);

    let bad = dir.path().join("bad-ldap.toml");
    std::fs::write(
        &bad,
        "ldap_url = \"http://dir\"\nldap_user_filter = \"uid=x\"\nldap_ca_file = \"/nonexistent/ca.pem\"\n",
    )
    .expect("write the config file");
    let out = config_print(
        dir.path(),
        &["--config", bad.to_str().expect("UTF-8 path")],
        &[],
    );
    out.assert_failure("config print with bad LDAP settings");
    for named in ["ldap_url", "ldap_user_filter", "ldap_base_dn"] {
        assert!(
            out.stderr.contains(named),
            "{named} not named: {}",
            out.stderr
        );
    }
}
