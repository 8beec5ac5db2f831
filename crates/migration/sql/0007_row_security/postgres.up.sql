-- Defence in depth (#6): policies that mirror crates/store/src/scope.rs, so a read that
-- forgot its scope still returns only what the acting user may see. A read made for a
-- signed-in user sets rapport.user_id, rapport.role and rapport.org for its transaction
-- (crates/db/src/acting.rs). Unset — migrations, the CLI, jobs, writes, whose checks are
-- in the code — means no restriction. Policies compose: a policy that looks at accounts
-- sees only the accounts the accounts policy lets through.

CREATE FUNCTION rapport_acting_role() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT COALESCE(current_setting('rapport.role', true), '') $$;
CREATE FUNCTION rapport_acting_user() RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('rapport.user_id', true), '')::uuid $$;
CREATE FUNCTION rapport_acting_org() RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('rapport.org', true), '')::uuid $$;
-- No acting user, or a role whose scope is everything.
CREATE FUNCTION rapport_sees_everything() RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT rapport_acting_role() IN ('', 'admin', 'restricted_admin', 'manager', 'viewer') $$;
-- The acting user's organisation and, for a distributor, its actively linked partners.
CREATE FUNCTION rapport_organisations() RETURNS SETOF uuid LANGUAGE sql STABLE
    AS $$
        SELECT rapport_acting_org() WHERE rapport_acting_org() IS NOT NULL
        UNION ALL
        SELECT dp.partner_id FROM distributor_partners dp
         WHERE rapport_acting_role() = 'distributor'
           AND dp.distributor_id = rapport_acting_org() AND dp.active
    $$;
-- The accounts a rep sees (owned, created, assigned), read through three indexes. A
-- policy that tests `x IN (SELECT id FROM accounts)` would read every account through
-- the accounts policy instead.
CREATE FUNCTION rapport_rep_accounts() RETURNS SETOF uuid LANGUAGE sql STABLE
    AS $$
        SELECT id FROM accounts WHERE owner_id = rapport_acting_user()
        UNION SELECT id FROM accounts WHERE created_by = rapport_acting_user()
        UNION SELECT account_id FROM account_reps WHERE user_id = rapport_acting_user()
    $$;

-- Each (SELECT f()) is evaluated once per query, not once per row.

ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON accounts USING (
    (SELECT rapport_sees_everything())
    OR CASE (SELECT rapport_acting_role())
        WHEN 'rep' THEN
            owner_id = (SELECT rapport_acting_user())
            OR created_by = (SELECT rapport_acting_user())
            OR EXISTS (SELECT 1 FROM account_reps ar
                        WHERE ar.account_id = accounts.id AND ar.user_id = (SELECT rapport_acting_user()))
        WHEN 'partner' THEN id IN (SELECT rapport_organisations())
        WHEN 'distributor' THEN id IN (SELECT rapport_organisations())
        ELSE FALSE
    END
);

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON contacts USING (
    (SELECT rapport_sees_everything())
    OR CASE (SELECT rapport_acting_role())
        WHEN 'fulfiller' THEN FALSE
        ELSE
            ((SELECT rapport_acting_role()) = 'rep' AND created_by = (SELECT rapport_acting_user()))
            OR EXISTS (SELECT 1 FROM account_contacts ac JOIN accounts a ON a.id = ac.account_id
                        WHERE ac.contact_id = contacts.id)
    END
);

ALTER TABLE leads ENABLE ROW LEVEL SECURITY;
ALTER TABLE leads FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON leads USING (
    (SELECT rapport_sees_everything())
    OR CASE (SELECT rapport_acting_role())
        WHEN 'rep' THEN
            owner_id = (SELECT rapport_acting_user())
            OR created_by = (SELECT rapport_acting_user())
            OR account_id IN (SELECT rapport_rep_accounts())
        WHEN 'partner' THEN
            partner_id = (SELECT rapport_acting_org()) OR account_id = (SELECT rapport_acting_org())
        WHEN 'distributor' THEN
            distributor_id = (SELECT rapport_acting_org())
            OR account_id IN (SELECT rapport_organisations())
            OR partner_id IN (SELECT rapport_organisations())
        ELSE FALSE
    END
);

ALTER TABLE activities ENABLE ROW LEVEL SECURITY;
ALTER TABLE activities FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON activities USING (
    (SELECT rapport_sees_everything())
    OR CASE (SELECT rapport_acting_role())
        WHEN 'fulfiller' THEN FALSE
        ELSE
            (NOT internal OR (SELECT rapport_acting_role()) NOT IN ('partner', 'distributor'))
            AND (EXISTS (SELECT 1 FROM accounts a WHERE a.id = activities.account_id)
                 OR EXISTS (SELECT 1 FROM leads l WHERE l.id = activities.lead_id)
                 OR EXISTS (SELECT 1 FROM contacts c WHERE c.id = activities.contact_id))
    END
);

ALTER TABLE distributions ENABLE ROW LEVEL SECURITY;
ALTER TABLE distributions FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON distributions USING (
    (SELECT rapport_sees_everything())
    OR CASE (SELECT rapport_acting_role())
        WHEN 'rep' THEN
            rep_id = (SELECT rapport_acting_user())
            OR created_by = (SELECT rapport_acting_user())
            OR customer_id IN (SELECT rapport_rep_accounts())
        WHEN 'partner' THEN customer_id IN (SELECT rapport_organisations())
        WHEN 'distributor' THEN customer_id IN (SELECT rapport_organisations())
        ELSE FALSE
    END
);
