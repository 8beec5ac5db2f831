-- Back to 0011: the lab's tables go; comments on projects and tasks stay on their order
-- (they name it too), as comments of the order.
DROP INDEX activities_task_idx;
DROP INDEX activities_project_idx;
ALTER TABLE activities DROP CONSTRAINT activities_work_has_order;
ALTER TABLE activities DROP COLUMN task_id;
ALTER TABLE activities DROP COLUMN project_id;
DROP TABLE instructions;
-- The policy on messages reads its recipients: it goes first.
DROP POLICY rapport_scope ON messages;
DROP TABLE message_recipients;
DROP TABLE messages;
DROP TABLE message_types;
DROP TABLE tasks;
DROP TABLE projects;
DELETE FROM number_series WHERE series = 'project';
