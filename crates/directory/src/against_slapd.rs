//! The client against a real OpenLDAP server (see `test_server`), one server per test.

use crate::test_server::{unreachable_config, TestDirectory};
use crate::{Directory, DirectoryError};

fn directory(config: crate::DirectoryConfig) -> Directory {
    Directory::new(config).expect("valid configuration")
}

#[tokio::test]
async fn the_right_password_names_the_person() {
    let Some(server) = TestDirectory::start() else {
        return;
    };
    let dir = directory(server.config());
    let person = dir
        .sign_in("ada", "ada-password-1")
        .await
        .expect("signed in");
    assert_eq!(person.dn, "uid=ada,ou=people,dc=rapport,dc=test");
    assert_eq!(person.email, "ada@example.test");
    assert_eq!(person.name, "Ada Lovelace");
    // The default filter also takes the email.
    let by_mail = dir
        .sign_in("ADA@example.test", "ada-password-1")
        .await
        .expect("by mail");
    assert_eq!(by_mail.dn, person.dn);
}

#[tokio::test]
async fn wrong_password_unknown_user_and_empty_password_are_all_invalid_credentials() {
    let Some(server) = TestDirectory::start() else {
        return;
    };
    let dir = directory(server.config());
    for (user, password) in [
        ("ada", "wrong-password"),
        ("nobody", "ada-password-1"),
        ("ada", ""),
        ("", "ada-password-1"),
        ("ada\n", "ada-password-1x"),
        // Grace's password does not open Ada's entry.
        ("ada", "grace-password-1"),
    ] {
        let got = dir.sign_in(user, password).await;
        assert!(
            matches!(got, Err(DirectoryError::InvalidCredentials)),
            "{user:?}/{password:?}: {got:?}"
        );
    }
}

#[tokio::test]
async fn filter_injection_in_the_user_name_matches_nobody() {
    let Some(server) = TestDirectory::start() else {
        return;
    };
    let dir = directory(server.config());
    // Unescaped, each of these would match Ada (or everyone) and bind as the first hit.
    for name in [
        "*",
        "a*",
        "ada)(uid=*",
        "*)(|(uid=*",
        "ada)(|(objectClass=*)",
        "*))(|(cn=*",
        "ad\\2a",
        "ada\0",
    ] {
        let got = dir.sign_in(name, "ada-password-1").await;
        assert!(
            matches!(got, Err(DirectoryError::InvalidCredentials)),
            "{name:?} was not refused: {got:?}"
        );
    }
}

#[tokio::test]
async fn an_ambiguous_name_and_a_missing_email_are_told_apart() {
    let Some(server) = TestDirectory::start() else {
        return;
    };
    let dir = directory(server.config());
    let twin = dir.sign_in("twin", "twin-password-1").await;
    assert!(
        matches!(twin, Err(DirectoryError::Ambiguous(2))),
        "{twin:?}"
    );
    let nomail = dir.sign_in("nomail", "nomail-password-1").await;
    assert!(
        matches!(&nomail, Err(DirectoryError::MissingAttribute { attribute, .. }) if attribute == "mail"),
        "{nomail:?}"
    );
}

#[tokio::test]
async fn starttls_and_ldaps_verify_the_server_against_the_configured_ca() {
    let Some(server) = TestDirectory::start() else {
        return;
    };
    for config in [server.starttls_config(), server.ldaps_config()] {
        let person = directory(config.clone())
            .sign_in("grace", "grace-password-1")
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", config.url));
        assert_eq!(person.email, "grace@example.test");
        // Without our test CA the server's certificate is not trusted, and the password
        // is never sent.
        let mut untrusted = config.clone();
        untrusted.ca_file = None;
        let got = directory(untrusted)
            .sign_in("grace", "grace-password-1")
            .await;
        assert!(
            matches!(&got, Err(DirectoryError::Unavailable(m)) if m.contains("certificate") || m.contains("Certificate")),
            "{}: {got:?}",
            config.url
        );
    }
}

#[tokio::test]
async fn a_wrong_search_account_is_a_configuration_error() {
    let Some(server) = TestDirectory::start() else {
        return;
    };
    let mut config = server.config();
    config.bind_password = Some("not-the-reader-password".into());
    let got = directory(config).sign_in("ada", "ada-password-1").await;
    assert!(
        matches!(&got, Err(DirectoryError::Misconfigured(m)) if m.contains("cn=reader")),
        "{got:?}"
    );
}

#[tokio::test]
async fn a_directory_that_is_down_is_unavailable_not_a_wrong_password() {
    let got = directory(unreachable_config())
        .sign_in("ada", "ada-password-1")
        .await;
    assert!(
        matches!(got, Err(DirectoryError::Unavailable(_))),
        "{got:?}"
    );

    let Some(mut server) = TestDirectory::start() else {
        return;
    };
    let dir = directory(server.config());
    assert!(dir.sign_in("ada", "ada-password-1").await.is_ok());
    server.stop();
    let got = dir.sign_in("ada", "ada-password-1").await;
    assert!(
        matches!(got, Err(DirectoryError::Unavailable(_))),
        "{got:?}"
    );
}

#[test]
fn a_missing_ca_file_is_named_at_start_up() {
    let mut config = unreachable_config();
    config.url = config.url.replace("ldap://", "ldaps://");
    config.ca_file = Some("/nonexistent/ca.pem".into());
    let got = Directory::new(config);
    assert!(
        matches!(&got, Err(DirectoryError::Misconfigured(m)) if m.contains("ldap_ca_file")),
        "{got:?}"
    );
}
