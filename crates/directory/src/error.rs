/// Why a directory sign-in did not succeed. Only [`DirectoryError::Unavailable`] and
/// [`DirectoryError::Misconfigured`] are the directory's fault; the caller must not tell
/// an unknown person from a wrong password.
#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// Unknown person, wrong or empty password, or a name that cannot be a user name.
    #[error("the user name or password is wrong")]
    InvalidCredentials,
    /// The user filter matched more than one entry, so the name does not say who.
    #[error("the user name matches {0} directory entries; ask an administrator to narrow ldap_user_filter")]
    Ambiguous(usize),
    /// The entry lacks an attribute Rapport needs (the email, by default `mail`).
    #[error("the directory entry {dn} has no {attribute} attribute")]
    MissingAttribute { dn: String, attribute: String },
    /// The directory could not be reached, did not answer in time, or refused TLS.
    #[error("the directory is unavailable: {0}")]
    Unavailable(String),
    /// The configuration is unusable (bad URL, CA file, bind account refused).
    #[error("the directory is misconfigured: {0}")]
    Misconfigured(String),
}
