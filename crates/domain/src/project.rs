//! Projects and their tasks (seed 003; docs/lab.md): the work an order becomes. A
//! project's status is a fixed set (where the work stands), a task is assigned to a user
//! and ticked off; the store stamps the times a status change implies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::account::MAX_METADATA_BYTES;
use crate::changes::kinds::{CreateOnly, Enum, Id, Object, Text, Timestamp};
use crate::changes::{changes, choice, no_rules};
use crate::order::{NumberText, Priority};

/// Where a project's work stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    #[default]
    Pending,
    Active,
    OnHold,
    Completed,
    Cancelled,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 5] = [
        ProjectStatus::Pending,
        ProjectStatus::Active,
        ProjectStatus::OnHold,
        ProjectStatus::Completed,
        ProjectStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Pending => "pending",
            ProjectStatus::Active => "active",
            ProjectStatus::OnHold => "on_hold",
            ProjectStatus::Completed => "completed",
            ProjectStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

choice!(ProjectStatus);

/// Where a task stands; `completed` and `cancelled` are done with.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    #[default]
    Pending,
    InProgress,
    Blocked,
    Completed,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 5] = [
        TaskStatus::Pending,
        TaskStatus::InProgress,
        TaskStatus::Blocked,
        TaskStatus::Completed,
        TaskStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Blocked => "blocked",
            TaskStatus::Completed => "completed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }

    /// Still to do: pending, in progress or blocked.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TaskStatus::Pending | TaskStatus::InProgress | TaskStatus::Blocked
        )
    }
}

choice!(TaskStatus);

/// A project as the API returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Project {
    pub id: Uuid,
    /// The order it is the work of; fixed.
    pub order_id: Uuid,
    /// Unique and readable: `PRJ-<year>-<6 digits>`, or the number given on create.
    pub project_number: String,
    pub name: String,
    pub description: Option<String>,
    pub status: ProjectStatus,
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
    /// Stamped on the first move to active.
    pub started_at: Option<DateTime<Utc>>,
    /// Stamped on a move to completed; cleared when it leaves it.
    pub completed_at: Option<DateTime<Utc>>,
    pub legacy_id: Option<String>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Project {
    /// A new pending project, created now by `by`.
    pub fn blank(by: Option<Uuid>, at: DateTime<Utc>) -> Self {
        Self {
            id: crate::new_id(),
            created_by: by,
            updated_by: by,
            created_at: at,
            updated_at: at,
            version: 1,
            ..Self::default()
        }
    }

    /// The times a status implies, as of `at`: started on the first move to active,
    /// completed while completed.
    pub fn stamp(&mut self, at: DateTime<Utc>) {
        if self.status == ProjectStatus::Active && self.started_at.is_none() {
            self.started_at = Some(at);
        }
        match (self.status, self.completed_at) {
            (ProjectStatus::Completed, None) => self.completed_at = Some(at),
            (ProjectStatus::Completed, Some(_)) => {}
            (_, _) => self.completed_at = None,
        }
    }
}

changes! {
    /// A create or a patch of a project. Its order is named on create and fixed after.
    #[derive(Debug, Clone, Default)]
    pub struct ProjectChanges {
        /// The order whose work it is; an order the caller can see and may change.
        order_id: CreateOnly<Id>("immutable", "is fixed once the project exists") [required not_null],
        /// Kept when given on create (unique), else `PRJ-<year>-<6 digits>`; fixed after.
        project_number: CreateOnly<NumberText>("immutable", "is fixed once the project exists") [not_null],
        name: Text(300) [required not_null],
        description: Text(5000),
        /// pending (default), active, on_hold, completed or cancelled.
        status: Enum<ProjectStatus> [not_null],
        metadata: Object(MAX_METADATA_BYTES) [not_null],
        legacy_id: Text(200),
    }
    apply to Project;
    create schema ProjectCreate;
    patch schema ProjectPatch;
    checks after;
    read with no_rules;
}

/// A task as the API returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Task {
    pub id: Uuid,
    pub project_id: Uuid,
    /// The project's order (fixed): the task is seen by whoever sees it.
    pub order_id: Uuid,
    pub title: String,
    pub description: Option<String>,
    /// A user: the lab's staff and technicians (docs/lab.md).
    pub assignee_id: Option<Uuid>,
    pub status: TaskStatus,
    pub priority: Priority,
    pub due_at: Option<DateTime<Utc>>,
    /// Stamped on a move to completed; cleared when it leaves it.
    pub completed_at: Option<DateTime<Utc>>,
    #[schema(value_type = Object)]
    pub metadata: Map<String, Value>,
    pub legacy_id: Option<String>,
    pub created_by: Option<Uuid>,
    pub updated_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Task {
    /// A new pending task of normal priority, created now by `by`.
    pub fn blank(by: Option<Uuid>, at: DateTime<Utc>) -> Self {
        Self {
            id: crate::new_id(),
            created_by: by,
            updated_by: by,
            created_at: at,
            updated_at: at,
            version: 1,
            ..Self::default()
        }
    }

    /// `completed_at` as the status says, as of `at`.
    pub fn stamp(&mut self, at: DateTime<Utc>) {
        match (self.status, self.completed_at) {
            (TaskStatus::Completed, None) => self.completed_at = Some(at),
            (TaskStatus::Completed, Some(_)) => {}
            (_, _) => self.completed_at = None,
        }
    }
}

changes! {
    /// A create or a patch of a task. Its project is named on create and fixed after.
    #[derive(Debug, Clone, Default)]
    pub struct TaskChanges {
        /// The project it belongs to; one of an order the caller can see.
        project_id: CreateOnly<Id>("immutable", "is fixed once the task exists") [required not_null],
        title: Text(300) [required not_null],
        description: Text(5000),
        /// An enabled user.
        assignee_id: Id,
        /// pending (default), in_progress, blocked, completed or cancelled.
        status: Enum<TaskStatus> [not_null],
        /// low, normal (default), high or urgent.
        priority: Enum<Priority> [not_null],
        due_at: Timestamp,
        metadata: Object(MAX_METADATA_BYTES) [not_null],
        legacy_id: Text(200),
    }
    apply to Task;
    create schema TaskCreate;
    patch schema TaskPatch;
    checks after;
    read with no_rules;
}

/// Whether a patch changes only the task's status: all a fulfiller may change, on the
/// tasks assigned to them (docs/lab.md).
pub fn status_only(changes: &TaskChanges) -> bool {
    changes.title.is_absent()
        && changes.description.is_absent()
        && changes.assignee_id.is_absent()
        && changes.priority.is_absent()
        && changes.due_at.is_absent()
        && changes.metadata.is_absent()
        && changes.legacy_id.is_absent()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_project_needs_its_order_and_a_name_and_stamps_its_times() {
        let e = ProjectChanges::read(json!({"status": "paused"}), true).unwrap_err();
        let mut got: Vec<(&str, &str)> =
            e.0.iter()
                .map(|f| (f.field.as_str(), f.rule.as_str()))
                .collect();
        got.sort();
        assert_eq!(
            got,
            [
                ("name", "required"),
                ("order_id", "required"),
                ("status", "enum")
            ]
        );
        let mut p = Project::blank(None, Utc::now());
        let t0 = Utc::now();
        p.status = ProjectStatus::Active;
        p.stamp(t0);
        assert_eq!((p.started_at, p.completed_at), (Some(t0), None));
        p.status = ProjectStatus::Completed;
        p.stamp(t0);
        assert_eq!(p.completed_at, Some(t0));
        p.status = ProjectStatus::Active;
        p.stamp(t0);
        assert_eq!(
            (p.started_at, p.completed_at),
            (Some(t0), None),
            "reopened work is not done"
        );
    }

    #[test]
    fn a_task_is_ticked_off_and_a_status_only_patch_is_told_apart() {
        let mut t = Task::blank(None, Utc::now());
        let at = Utc::now();
        t.status = TaskStatus::Completed;
        t.stamp(at);
        assert_eq!(t.completed_at, Some(at));
        assert!(!t.status.is_open());
        let only_status = TaskChanges::read(json!({"status": "completed"}), false).unwrap();
        assert!(status_only(&only_status));
        let more = TaskChanges::read(json!({"status": "completed", "title": "x"}), false).unwrap();
        assert!(!status_only(&more));
        let e = TaskChanges::read(json!({"project_id": Uuid::nil()}), false).unwrap_err();
        assert_eq!(e.0[0].rule, "immutable");
    }
}
