-- The lab's work (#19; seed 003): projects and tasks per order, typed messages that may
-- move their order, instructions that another user approves, and comments on projects
-- and tasks through the one activities table (docs/lab.md).

-- Projects: the work an order becomes. Numbered PRJ-<year>-<6 digits> from the
-- number_series of 0011.
CREATE TABLE projects (
    id              UUID PRIMARY KEY,
    order_id        UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    project_number  TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'active', 'on_hold', 'completed', 'cancelled')),
    metadata        JSONB NOT NULL DEFAULT '{}',
    started_at      TIMESTAMPTZ,
    completed_at    TIMESTAMPTZ,
    legacy_id       TEXT,
    created_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX projects_number_key ON projects (project_number);
CREATE UNIQUE INDEX projects_legacy_key ON projects (legacy_id) WHERE legacy_id IS NOT NULL;
CREATE INDEX projects_order_idx ON projects (order_id, created_at, id);
CREATE INDEX projects_status_idx ON projects (status, created_at, id);

-- Tasks of a project. `order_id` repeats the project's, so that scope (the order's)
-- is one lookup; it never changes, as a project never moves to another order.
CREATE TABLE tasks (
    id              UUID PRIMARY KEY,
    project_id      UUID NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    order_id        UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    description     TEXT,
    assignee_id     UUID REFERENCES users (id) ON DELETE SET NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'in_progress', 'blocked', 'completed', 'cancelled')),
    priority        TEXT NOT NULL DEFAULT 'normal'
                    CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    due_at          TIMESTAMPTZ,
    completed_at    TIMESTAMPTZ,
    metadata        JSONB NOT NULL DEFAULT '{}',
    legacy_id       TEXT,
    created_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by      UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX tasks_legacy_key ON tasks (legacy_id) WHERE legacy_id IS NOT NULL;
CREATE INDEX tasks_project_idx ON tasks (project_id, status);
CREATE INDEX tasks_order_idx ON tasks (order_id);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id, status, due_at) WHERE assignee_id IS NOT NULL;

-- Message types: a message of a type that triggers a state change moves its order to
-- the target state, in the message's transaction.
CREATE TABLE message_types (
    id                      UUID PRIMARY KEY,
    key                     TEXT NOT NULL,
    name                    TEXT NOT NULL,
    category                TEXT NOT NULL DEFAULT 'user',
    description             TEXT,
    triggers_state_change   BOOLEAN NOT NULL DEFAULT FALSE,
    target_state_id         UUID REFERENCES order_states (id) ON DELETE SET NULL,
    active                  BOOLEAN NOT NULL DEFAULT TRUE,
    created_by              UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by              UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at              TIMESTAMPTZ NOT NULL,
    updated_at              TIMESTAMPTZ NOT NULL,
    version                 BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX message_types_key ON message_types (key);
CREATE UNIQUE INDEX message_types_name_key ON message_types (name);

-- Messages, on an order or not; each recipient reads its own copy (message_recipients).
CREATE TABLE messages (
    id              UUID PRIMARY KEY,
    message_type_id UUID NOT NULL REFERENCES message_types (id),
    order_id        UUID REFERENCES orders (id) ON DELETE CASCADE,
    sender_id       UUID REFERENCES users (id) ON DELETE SET NULL,
    subject         TEXT,
    body            TEXT NOT NULL,
    metadata        JSONB NOT NULL DEFAULT '{}',
    legacy_id       TEXT,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX messages_legacy_key ON messages (legacy_id) WHERE legacy_id IS NOT NULL;
CREATE INDEX messages_order_idx ON messages (order_id, created_at, id) WHERE order_id IS NOT NULL;
CREATE INDEX messages_sender_idx ON messages (sender_id, created_at, id);
CREATE INDEX messages_type_idx ON messages (message_type_id);

-- `order_id` and `sender_id` repeat the message's (both fixed once sent): the row
-- security of recipients must not read `messages`, whose own policy reads recipients.
CREATE TABLE message_recipients (
    message_id      UUID NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id        UUID REFERENCES orders (id) ON DELETE CASCADE,
    sender_id       UUID REFERENCES users (id) ON DELETE SET NULL,
    read_at         TIMESTAMPTZ,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_recipients_unread_idx ON message_recipients (user_id, message_id)
    WHERE read_at IS NULL;

-- Instructions on an order; approved by another user, then immutable.
CREATE TABLE instructions (
    id                  UUID PRIMARY KEY,
    order_id            UUID NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    instruction_type    TEXT NOT NULL,
    content             TEXT NOT NULL,
    metadata            JSONB NOT NULL DEFAULT '{}',
    approved_by         UUID REFERENCES users (id) ON DELETE SET NULL,
    approved_at         TIMESTAMPTZ,
    legacy_id           TEXT,
    created_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    updated_by          UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    version             BIGINT NOT NULL DEFAULT 1,
    CHECK (approved_by IS NULL OR approved_by <> created_by)
);
CREATE UNIQUE INDEX instructions_legacy_key ON instructions (legacy_id) WHERE legacy_id IS NOT NULL;
CREATE INDEX instructions_order_idx ON instructions (order_id, created_at, id);

-- Comments on projects and tasks are activities that also name their order (which keeps
-- the table's "at least one link" check and puts them on the order's timeline).
ALTER TABLE activities ADD COLUMN project_id UUID REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE activities ADD COLUMN task_id UUID REFERENCES tasks (id) ON DELETE CASCADE;
ALTER TABLE activities ADD CONSTRAINT activities_work_has_order
    CHECK ((project_id IS NULL AND task_id IS NULL) OR order_id IS NOT NULL);
CREATE INDEX activities_project_idx ON activities (project_id, pinned, activity_date, created_at, id)
    WHERE project_id IS NOT NULL;
CREATE INDEX activities_task_idx ON activities (task_id, pinned, activity_date, created_at, id)
    WHERE task_id IS NOT NULL;

-- The defaults: seed 003's message kinds; "in_production" and "shipped" move their order
-- (to in_fulfillment and to fulfilled).
INSERT INTO message_types (id, key, name, category, triggers_state_change, target_state_id, created_at, updated_at) VALUES
    ('01a24dcc-d808-7241-9050-000000000000', 'note', 'Note', 'user', FALSE, NULL, '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d809-7241-9050-000000000000', 'question', 'Question', 'user', FALSE, NULL, '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d80a-7241-9050-000000000000', 'notification', 'Notification', 'notification', FALSE, NULL, '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d80b-7241-9050-000000000000', 'in_production', 'In production', 'system', TRUE, '01a24dcc-d805-7241-9050-000000000000', '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z'),
    ('01a24dcc-d80c-7241-9050-000000000000', 'shipped', 'Shipped', 'system', TRUE, '01a24dcc-d806-7241-9050-000000000000', '2026-12-07T00:00:00.000000Z', '2026-12-07T00:00:00.000000Z');

-- Row-level security: everything of the lab follows its order; a message on no order is
-- its sender's and its recipients'.
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON projects USING (
    EXISTS (SELECT 1 FROM orders o WHERE o.id = projects.order_id)
);
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON tasks USING (
    EXISTS (SELECT 1 FROM orders o WHERE o.id = tasks.order_id)
);
ALTER TABLE instructions ENABLE ROW LEVEL SECURITY;
ALTER TABLE instructions FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON instructions USING (
    EXISTS (SELECT 1 FROM orders o WHERE o.id = instructions.order_id)
);
ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE messages FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON messages USING (
    (SELECT rapport_sees_everything())
    OR (order_id IS NOT NULL AND EXISTS (SELECT 1 FROM orders o WHERE o.id = messages.order_id))
    OR sender_id = (SELECT rapport_acting_user())
    OR EXISTS (SELECT 1 FROM message_recipients r
                WHERE r.message_id = messages.id AND r.user_id = (SELECT rapport_acting_user()))
);
ALTER TABLE message_recipients ENABLE ROW LEVEL SECURITY;
ALTER TABLE message_recipients FORCE ROW LEVEL SECURITY;
CREATE POLICY rapport_scope ON message_recipients USING (
    (SELECT rapport_sees_everything())
    OR user_id = (SELECT rapport_acting_user())
    OR sender_id = (SELECT rapport_acting_user())
    OR (order_id IS NOT NULL AND EXISTS (SELECT 1 FROM orders o WHERE o.id = message_recipients.order_id))
);
