//! The lab's records told that what they hang off is going: each is audited before the
//! database's cascade removes it (a deleted project's tasks; a deleted order's projects,
//! tasks, instructions and messages). Apart from `projects` and `tasks`, so that neither
//! imports the other.

use rapport_db::Conn;
use rapport_domain::project::{Project, Task};
use rapport_domain::Ctx;
use uuid::Uuid;

use crate::kernel::audit::{self, AuditAction};
use crate::kernel::names;
use crate::kernel::record::Record;
use crate::{SqlBuf, StoreError};

/// Records in the audit log each task meeting `condition` (over `tasks`), before a
/// delete cascades to them.
pub(crate) fn audit_tasks(
    c: &mut dyn Conn,
    ctx: &Ctx,
    condition: SqlBuf,
) -> Result<(), StoreError> {
    let mut q = SqlBuf::new("SELECT * FROM tasks WHERE ");
    q.append(condition).push(" ORDER BY created_at, id");
    for row in c.query(&q.sql, &q.params)? {
        let t = Task::from_row(&row)?;
        audit::record_change(
            c,
            ctx,
            AuditAction::Delete,
            names::TASK,
            t.id,
            Some(&t),
            None,
        )?;
    }
    Ok(())
}

/// An order is about to be deleted: its tasks, then its projects, instructions and
/// messages, each audited.
pub(crate) fn order_gone(c: &mut dyn Conn, ctx: &Ctx, order: Uuid) -> Result<(), StoreError> {
    let mut of_order = SqlBuf::new("order_id = ");
    of_order.bind(order);
    audit_tasks(c, ctx, of_order)?;
    let mut of_order = SqlBuf::new("h.order_id = ");
    of_order.bind(order);
    for i in super::instructions::rows(c, of_order)? {
        audit::record_change(
            c,
            ctx,
            AuditAction::Delete,
            names::INSTRUCTION,
            i.id,
            Some(&i),
            None,
        )?;
    }
    let mut of_order = SqlBuf::new("h.order_id = ");
    of_order.bind(order);
    for m in super::messages::rows(c, &ctx.actor, of_order)? {
        audit::record_change(
            c,
            ctx,
            AuditAction::Delete,
            names::MESSAGE,
            m.id,
            Some(&m),
            None,
        )?;
    }
    let rows = c.query(
        "SELECT * FROM projects WHERE order_id = ? ORDER BY created_at, id",
        &[order.into()],
    )?;
    for row in rows {
        let p = Project::from_row(&row)?;
        audit::record_change(
            c,
            ctx,
            AuditAction::Delete,
            names::PROJECT,
            p.id,
            Some(&p),
            None,
        )?;
    }
    Ok(())
}
