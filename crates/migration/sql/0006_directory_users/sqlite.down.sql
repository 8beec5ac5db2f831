DROP INDEX users_auth_subject_key;
