-- A directory sign-in finds its user by the entry it came from, so one directory entry
-- is one Rapport user even when its email changes.
CREATE UNIQUE INDEX users_auth_subject_key ON users (auth_provider, auth_subject)
    WHERE auth_subject IS NOT NULL;
