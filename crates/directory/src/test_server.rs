//! A throwaway OpenLDAP server for tests: Debian's `slapd` on two free loopback ports
//! (plain/StartTLS and LDAPS), a fresh directory in a temporary folder, and a test CA
//! whose server certificate names `localhost` and `127.0.0.1`. Stopped when dropped.
//!
//! `.ci/run` installs slapd; [`TestDirectory::start`] returns `None` when it is missing
//! so a developer without it still runs the rest, unless `RAPPORT_TEST_REQUIRE_SLAPD=1`
//! (set by CI) makes that a failure.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::DirectoryConfig;

pub const BASE_DN: &str = "dc=rapport,dc=test";
pub const PEOPLE_DN: &str = "ou=people,dc=rapport,dc=test";
pub const READER_DN: &str = "cn=reader,dc=rapport,dc=test";
pub const READER_PASSWORD: &str = "reader-secret-1";

/// The people in the test directory: uid, password, email, name.
pub const PEOPLE: &[(&str, &str, &str, &str)] = &[
    ("ada", "ada-password-1", "ada@example.test", "Ada Lovelace"),
    (
        "grace",
        "grace-password-1",
        "grace@example.test",
        "Grace Hopper",
    ),
    // Two entries share this uid in different branches, so the name is ambiguous.
    ("twin", "twin-password-1", "twin1@example.test", "Twin One"),
    // No mail attribute: signs in, but Rapport cannot name the user.
    ("nomail", "nomail-password-1", "", "No Mail"),
];

pub struct TestDirectory {
    child: Child,
    dir: tempfile::TempDir,
    pub ldap_port: u16,
    pub ldaps_port: u16,
}

impl TestDirectory {
    /// Starts a server, or `None` when slapd is not installed (and not required).
    pub fn start() -> Option<Self> {
        let Some(slapd) = find_program("slapd") else {
            let required = std::env::var("RAPPORT_TEST_REQUIRE_SLAPD").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "slapd is not installed but RAPPORT_TEST_REQUIRE_SLAPD=1 (apt-get install slapd)"
            );
            eprintln!("skipping: slapd is not installed (apt-get install slapd)");
            return None;
        };
        let slapadd = find_program("slapadd").expect("slapadd comes with slapd");
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path();
        write_certificates(root);
        std::fs::create_dir(root.join("data")).expect("data folder");
        std::fs::write(root.join("slapd.conf"), slapd_conf(root)).expect("slapd.conf");
        std::fs::write(root.join("data.ldif"), data_ldif()).expect("data.ldif");
        let loaded = Command::new(&slapadd)
            .arg("-f")
            .arg(root.join("slapd.conf"))
            .arg("-l")
            .arg(root.join("data.ldif"))
            .output()
            .expect("run slapadd");
        assert!(
            loaded.status.success(),
            "slapadd failed: {}",
            String::from_utf8_lossy(&loaded.stderr)
        );
        // A port picked free can be taken before slapd binds it; try a few times.
        for _ in 0..5 {
            let (ldap_port, ldaps_port) = (free_port(), free_port());
            let urls = format!("ldap://127.0.0.1:{ldap_port}/ ldaps://127.0.0.1:{ldaps_port}/");
            let log = std::fs::File::create(root.join("slapd.log")).expect("log file");
            let mut child = Command::new(&slapd)
                .arg("-f")
                .arg(root.join("slapd.conf"))
                .arg("-h")
                .arg(&urls)
                // Debug level 0 keeps slapd in the foreground, so it is our child.
                .args(["-d", "0"])
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("start slapd");
            if wait_until_listening(&mut child, &[ldap_port, ldaps_port]) {
                return Some(Self {
                    child,
                    dir,
                    ldap_port,
                    ldaps_port,
                });
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let log = std::fs::read_to_string(root.join("slapd.log")).unwrap_or_default();
        panic!("slapd did not start:\n{log}");
    }

    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// Plain LDAP with the search account and the default filter.
    pub fn config(&self) -> DirectoryConfig {
        let mut c = DirectoryConfig::new(format!("ldap://127.0.0.1:{}", self.ldap_port), BASE_DN);
        c.bind_dn = Some(READER_DN.into());
        c.bind_password = Some(READER_PASSWORD.into());
        c.timeout = Duration::from_secs(5);
        c
    }

    pub fn starttls_config(&self) -> DirectoryConfig {
        let mut c = self.config();
        c.url = format!("ldap://localhost:{}", self.ldap_port);
        c.starttls = true;
        c.ca_file = Some(self.ca_file());
        c
    }

    pub fn ldaps_config(&self) -> DirectoryConfig {
        let mut c = self.config();
        c.url = format!("ldaps://localhost:{}", self.ldaps_port);
        c.ca_file = Some(self.ca_file());
        c
    }

    /// Stops the server now (the directory is "down" from here on).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for TestDirectory {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A configuration pointing at a loopback port nothing listens on.
pub fn unreachable_config() -> DirectoryConfig {
    let mut c = DirectoryConfig::new(format!("ldap://127.0.0.1:{}", free_port()), BASE_DN);
    c.bind_dn = Some(READER_DN.into());
    c.bind_password = Some(READER_PASSWORD.into());
    c.timeout = Duration::from_secs(2);
    c
}

fn wait_until_listening(child: &mut Child, ports: &[u16]) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        let up = |port: &u16| std::net::TcpStream::connect(("127.0.0.1", *port)).is_ok();
        if ports.iter().all(up) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/bin".into(), "/sbin".into()])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn write_certificates(root: &Path) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Rapport test CA");
    let ca_key = KeyPair::generate().expect("CA key");
    let ca = ca_params.self_signed(&ca_key).expect("CA certificate");
    let mut params = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .expect("server params");
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let key = KeyPair::generate().expect("server key");
    let cert = params
        .signed_by(&key, &ca, &ca_key)
        .expect("server certificate");
    std::fs::write(root.join("ca.pem"), ca.pem()).expect("ca.pem");
    std::fs::write(root.join("server.pem"), cert.pem()).expect("server.pem");
    std::fs::write(root.join("server.key"), key.serialize_pem()).expect("server.key");
}

fn slapd_conf(root: &Path) -> String {
    let r = root.display();
    format!(
        "include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {r}/slapd.pid
TLSCACertificateFile {r}/ca.pem
TLSCertificateFile {r}/server.pem
TLSCertificateKeyFile {r}/server.key
database mdb
maxsize 10485760
suffix \"{BASE_DN}\"
rootdn \"cn=admin,{BASE_DN}\"
rootpw admin-secret-1
directory {r}/data
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact=\"{READER_DN}\" read by self read by * none
"
    )
}

fn data_ldif() -> String {
    let mut ldif = format!(
        "dn: {BASE_DN}
objectClass: dcObject
objectClass: organization
o: Rapport test
dc: rapport

dn: {PEOPLE_DN}
objectClass: organizationalUnit
ou: people

dn: ou=contractors,{BASE_DN}
objectClass: organizationalUnit
ou: contractors

dn: {READER_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword: {READER_PASSWORD}
"
    );
    for (uid, password, email, name) in PEOPLE {
        let surname = name.rsplit(' ').next().unwrap_or(name);
        ldif.push_str(&format!(
            "\ndn: uid={uid},{PEOPLE_DN}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {name}\nsn: {surname}\nuserPassword: {password}\n"
        ));
        if !email.is_empty() {
            ldif.push_str(&format!("mail: {email}\n"));
        }
    }
    ldif.push_str(&format!(
        "\ndn: uid=twin,ou=contractors,{BASE_DN}\nobjectClass: inetOrgPerson\nuid: twin\ncn: Twin Two\nsn: Two\nmail: twin2@example.test\nuserPassword: twin-password-2\n"
    ));
    ldif
}
