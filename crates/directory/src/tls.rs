//! The TLS client settings: the configured certificate authorities, else the system's.

use std::path::Path;
use std::sync::Arc;

use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::DirectoryError;

/// Built here rather than by ldap3 so the crypto provider is named, not picked from
/// whatever the process happens to link.
pub(crate) fn client_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, DirectoryError> {
    let roots = match ca_file {
        Some(path) => roots_from(path)?,
        None => system_roots()?,
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DirectoryError::Misconfigured(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

fn system_roots() -> Result<RootCertStore, DirectoryError> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        return Err(DirectoryError::Misconfigured(
            "no system certificate authorities found; set ldap_ca_file".into(),
        ));
    }
    Ok(roots)
}

fn roots_from(ca_file: &Path) -> Result<RootCertStore, DirectoryError> {
    let shown = ca_file.display();
    let certs = CertificateDer::pem_file_iter(ca_file)
        .map_err(|e| DirectoryError::Misconfigured(format!("ldap_ca_file {shown}: {e}")))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DirectoryError::Misconfigured(format!("ldap_ca_file {shown}: {e}")))?;
    if certs.is_empty() {
        return Err(DirectoryError::Misconfigured(format!(
            "ldap_ca_file {shown}: holds no PEM certificate"
        )));
    }
    let mut roots = RootCertStore::empty();
    for cert in certs {
        roots
            .add(cert)
            .map_err(|e| DirectoryError::Misconfigured(format!("ldap_ca_file {shown}: {e}")))?;
    }
    Ok(roots)
}
