//! Deterministic lab records: staff users, order types, orders with their patient and
//! doctor, projects, tasks, messages and their recipients. The same `--seed` and index
//! always give the same record, whatever the batch size, so runs on both engines load
//! identical data.
//!
//! Records refer only to what existed when they were created: an order's office, doctor
//! and patient were created before it, a project after its order, a task after its
//! project, a message after its order. Times never pass the data's clock
//! ([`customers::epoch`]).

use chrono::{DateTime, Duration, Utc};
use rapport_bench::customers::{self, epoch, Rng};
use rapport_bench::words::{FIRST_NAMES, LAST_NAMES};
use rapport_db::Value;
use rust_decimal::Decimal;
use uuid::Uuid;

const STAFF_STREAM: u64 = 31;
const ORDER_STREAM: u64 = 32;
const PROJECT_STREAM: u64 = 33;
const TASK_STREAM: u64 = 34;
const MESSAGE_STREAM: u64 = 35;
const OFFICE_SIZE_STREAM: u64 = 36;
const TYPE_STREAM: u64 = 37;

/// Doctors and patients are contacts of their own seeds, so that their ids and names are
/// not those of each other (or of rapport-load-crm's contacts).
pub const DOCTOR_SEED_SALT: u64 = 0xd0c7_0e55;
pub const PATIENT_SEED_SALT: u64 = 0x9a71_e475;

/// Order types the loader adds beside migration 0011's main, refinement and replacement.
pub const EXTRA_TYPES: [(&str, &str, &str); 2] = [
    ("repair", "Repair", "A broken or worn piece mended."),
    (
        "consultation",
        "Consultation",
        "Advice on a case before work starts.",
    ),
];

/// Order types by key, with their share of orders in percent (adds up to 100).
pub const TYPE_SHARES: [(&str, u64); 5] = [
    ("main", 72),
    ("refinement", 10),
    ("replacement", 8),
    ("repair", 7),
    ("consultation", 3),
];

pub const TYPE_COLUMNS: &str =
    "id, key, name, description, required_roles, active, created_at, updated_at, version";

/// The extra order types' rows, created just before the oldest order.
pub fn extra_types(seed: u64) -> Vec<Vec<Value>> {
    EXTRA_TYPES
        .iter()
        .enumerate()
        .map(|(index, (key, name, description))| {
            let mut rng = Rng::for_record(seed, TYPE_STREAM, index as u64);
            let at = start() - Duration::days(20) + Duration::hours(index as i64);
            vec![
                rng.uuid_v7(at).into(),
                (*key).into(),
                (*name).into(),
                (*description).into(),
                serde_json::json!([]).into(),
                true.into(),
                at.into(),
                at.into(),
                1i64.into(),
            ]
        })
        .collect()
}

/// The oldest record's time: five years before the clock.
fn start() -> DateTime<Utc> {
    epoch() - Duration::days(customers::HISTORY_DAYS)
}

/// `t`, but never after the clock nor before `floor`.
fn clamp(t: DateTime<Utc>, floor: DateTime<Utc>) -> DateTime<Utc> {
    t.min(epoch()).max(floor)
}

fn minutes(rng: &mut Rng, from: u64, to: u64) -> Duration {
    Duration::minutes((from + rng.next_u64() % (to - from + 1)) as i64)
}

/// A lab technician: a `fulfiller` user, who is assigned tasks and sends messages.
pub fn staff_values(seed: u64, index: usize) -> (Uuid, Vec<Value>) {
    let mut rng = Rng::for_record(seed, STAFF_STREAM, index as u64);
    let at = start() - Duration::days(30) + Duration::hours(index as i64);
    let id = rng.uuid_v7(at);
    let name = format!("{} {}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES));
    let values = vec![
        id.into(),
        format!("tech{:03}@lab.bench.example", index + 1).into(),
        name.into(),
        "fulfiller".into(),
        true.into(),
        "local".into(),
        at.into(),
        at.into(),
        1i64.into(),
    ];
    (id, values)
}

/// How much an office orders, relative to others: Pareto-like, so a few big clinics
/// send far more work than the typical practice.
pub fn office_size(seed: u64, index: usize) -> f64 {
    let mut rng = Rng::for_record(seed, OFFICE_SIZE_STREAM, index as u64);
    let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    (1.0 - u).powf(-1.0 / 1.4).min(150.0)
}

/// The default order states of migration 0011, in workflow order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Created,
    Sent,
    InFulfillment,
    Fulfilled,
    Cancelled,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Created,
        State::Sent,
        State::InFulfillment,
        State::Fulfilled,
        State::Cancelled,
    ];

    pub fn key(self) -> &'static str {
        match self {
            State::Created => "created",
            State::Sent => "sent",
            State::InFulfillment => "in_fulfillment",
            State::Fulfilled => "fulfilled",
            State::Cancelled => "cancelled",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// By age: most of the newest tenth of orders is still being worked on; older ones
    /// are nearly all fulfilled or cancelled.
    fn draw(rng: &mut Rng, newest: bool) -> State {
        let roll = rng.below(100);
        if newest {
            match roll {
                0..=21 => State::Created,
                22..=41 => State::Sent,
                42..=81 => State::InFulfillment,
                82..=96 => State::Fulfilled,
                _ => State::Cancelled,
            }
        } else {
            match roll {
                0 => State::Created,
                1..=2 => State::Sent,
                3..=5 => State::InFulfillment,
                6..=93 => State::Fulfilled,
                _ => State::Cancelled,
            }
        }
    }
}

/// What orders are generated against (ids looked up once, in the loader).
pub struct OrderContext<'a> {
    pub seed: u64,
    pub count: usize,
    /// Order type ids in the order of [`TYPE_SHARES`].
    pub types: &'a [Uuid],
    /// Order state ids in the order of [`State::ALL`].
    pub states: &'a [Uuid],
    pub offices: &'a [OfficeRef],
    /// Running sum of [`office_size`] over the offices, oldest first.
    pub office_sizes: &'a [f64],
    pub doctors: &'a [Uuid],
    pub patients: &'a [Uuid],
    pub staff: &'a [Uuid],
}

/// What orders need to know about an office.
pub struct OfficeRef {
    pub id: Uuid,
    pub owner: Option<Uuid>,
}

/// What projects, messages and the samples need to know about an order.
#[derive(Clone, Copy)]
pub struct OrderRef {
    pub id: Uuid,
    pub created: DateTime<Utc>,
    pub state: State,
    pub office: u32,
    pub owner: Option<Uuid>,
}

/// A generated order and its two people.
pub struct Order {
    pub order: OrderRef,
    pub type_index: usize,
    /// Columns in the order of [`ORDER_COLUMNS`].
    pub values: Vec<Value>,
    /// Rows in the order of [`PEOPLE_COLUMNS`].
    pub people: [Vec<Value>; 2],
}

pub const ORDER_COLUMNS: &str = "id, order_number, order_type_id, state_id, account_id, owner_id, \
    priority, description, data, currency, tax_rate, subtotal, discount_amount, tax_amount, total, \
    billing_metadata, crm_metadata, sent_at, fulfilled_at, cancelled_at, created_by, updated_by, \
    created_at, updated_at, version";
pub const PEOPLE_COLUMNS: &str = "order_id, role, contact_id";

const DESCRIPTIONS: [&str; 6] = [
    "Shade A2, photos attached.",
    "Patient sensitive to metal: zirconia only.",
    "Urgent before the holidays.",
    "Replace the temporary from last visit.",
    "Scan sent through the portal.",
    "Bite registration included.",
];

/// Office `index`'s doctors are contacts `index`, `index + offices`, `index + 2 × offices`…;
/// the order's doctor is one of them that existed when it was placed (the first always
/// did: it was created before its office).
fn doctor_of(ctx: &OrderContext, rng: &mut Rng, office: usize, at: DateTime<Utc>) -> Uuid {
    let (doctors, offices) = (ctx.doctors.len(), ctx.offices.len());
    let existing: Vec<usize> = (office..doctors)
        .step_by(offices.max(1))
        .filter(|&d| customers::created_at(d, doctors) <= at)
        .collect();
    match existing.as_slice() {
        [] => ctx.doctors[office % doctors],
        list => ctx.doctors[*rng.pick(list)],
    }
}

/// Order `index` of `ctx.count`, numbered `number`.
pub fn order(ctx: &OrderContext, index: usize, number: String) -> Order {
    let mut rng = Rng::for_record(ctx.seed, ORDER_STREAM, index as u64);
    let created = customers::created_at(index, ctx.count);
    let id = rng.uuid_v7(created);

    // An office that existed then, by size.
    let offices = ctx.offices.len();
    let existing = (index as u128 * offices as u128 / ctx.count as u128) as usize + 1;
    let existing = existing.min(offices);
    let total = ctx.office_sizes[existing - 1];
    let roll = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
    let office = ctx.office_sizes[..existing]
        .partition_point(|&sum| sum <= roll)
        .min(existing - 1);
    let owner = ctx.offices[office].owner;

    let doctor = doctor_of(ctx, &mut rng, office, created);
    // Most orders are a new patient's (created with the order); a quarter are for
    // someone the lab has worked for before.
    let patients = ctx.patients.len();
    let newest =
        ((index as u128 * patients as u128 / ctx.count as u128) as usize).min(patients - 1);
    let patient = if rng.chance(75) {
        newest
    } else {
        rng.below(newest + 1)
    };

    let roll = rng.below(100) as u64;
    let mut type_index = 0;
    let mut upto = 0;
    for (i, (_, share)) in TYPE_SHARES.iter().enumerate() {
        upto += share;
        if roll < upto {
            type_index = i;
            break;
        }
    }

    let state = State::draw(&mut rng, index * 10 >= ctx.count * 9);
    let sent_at = matches!(state, State::Sent | State::InFulfillment | State::Fulfilled)
        .then(|| clamp(created + minutes(&mut rng, 10, 48 * 60), created));
    let fulfilled_at = (state == State::Fulfilled).then(|| {
        let from = sent_at.unwrap_or(created);
        clamp(from + minutes(&mut rng, 2 * 24 * 60, 14 * 24 * 60), from)
    });
    let cancelled_at = (state == State::Cancelled)
        .then(|| clamp(created + minutes(&mut rng, 30, 10 * 24 * 60), created));
    let in_work_since = (state == State::InFulfillment).then(|| {
        let from = sent_at.unwrap_or(created);
        clamp(from + minutes(&mut rng, 60, 3 * 24 * 60), from)
    });
    let updated = [sent_at, fulfilled_at, cancelled_at, in_work_since]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(created);

    let priority = match rng.below(100) {
        0..=3 => "low",
        4..=88 => "normal",
        89..=96 => "high",
        _ => "urgent",
    };
    let description = rng.chance(30).then(|| *rng.pick(&DESCRIPTIONS));
    let subtotal = Decimal::new(5_000 + rng.below(195_000) as i64, 2);
    let tax_rate = Decimal::new(19, 0);
    let tax = (subtotal * tax_rate / Decimal::ONE_HUNDRED).round_dp(2);
    // Entered by the office's rep, or by the lab's staff for offices without one.
    let by = owner.or_else(|| Some(*rng.pick(ctx.staff)));

    let values = vec![
        id.into(),
        number.into(),
        ctx.types[type_index].into(),
        ctx.states[state.index()].into(),
        ctx.offices[office].id.into(),
        owner.into(),
        priority.into(),
        description.into(),
        serde_json::json!({}).into(),
        "EUR".into(),
        tax_rate.into(),
        subtotal.into(),
        Decimal::ZERO.into(),
        tax.into(),
        (subtotal + tax).into(),
        serde_json::json!({}).into(),
        serde_json::json!({}).into(),
        sent_at.into(),
        fulfilled_at.into(),
        cancelled_at.into(),
        by.into(),
        by.into(),
        created.into(),
        updated.into(),
        1i64.into(),
    ];
    let people = [
        vec![id.into(), "patient".into(), ctx.patients[patient].into()],
        vec![id.into(), "doctor".into(), doctor.into()],
    ];
    Order {
        order: OrderRef {
            id,
            created,
            state,
            office: office as u32,
            owner,
        },
        type_index,
        values,
        people,
    }
}

/// The project statuses of migration 0012.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProjectStatus {
    Pending,
    Active,
    OnHold,
    Completed,
    Cancelled,
}

impl ProjectStatus {
    pub fn key(self) -> &'static str {
        match self {
            ProjectStatus::Pending => "pending",
            ProjectStatus::Active => "active",
            ProjectStatus::OnHold => "on_hold",
            ProjectStatus::Completed => "completed",
            ProjectStatus::Cancelled => "cancelled",
        }
    }

    /// Not completed nor cancelled: what the active-projects view lists.
    pub fn is_open(self) -> bool {
        !matches!(self, ProjectStatus::Completed | ProjectStatus::Cancelled)
    }

    /// Follows the order: a cancelled order's work is cancelled, an order not yet in
    /// work has pending projects, one in work active ones (some on hold); of a fulfilled
    /// order's projects a third are still open (remakes, adjustments, the second stage of
    /// a two-stage case), so that about 40 % of all projects are open.
    fn draw(rng: &mut Rng, order: State) -> ProjectStatus {
        match order {
            State::Cancelled => ProjectStatus::Cancelled,
            State::Created => ProjectStatus::Pending,
            State::Sent => {
                if rng.chance(70) {
                    ProjectStatus::Pending
                } else {
                    ProjectStatus::Active
                }
            }
            State::InFulfillment => match rng.below(10) {
                0..=6 => ProjectStatus::Active,
                7..=8 => ProjectStatus::OnHold,
                _ => ProjectStatus::Pending,
            },
            State::Fulfilled => match rng.below(100) {
                0..=65 => ProjectStatus::Completed,
                66..=85 => ProjectStatus::Active,
                86..=93 => ProjectStatus::OnHold,
                _ => ProjectStatus::Pending,
            },
        }
    }
}

/// What tasks and the samples need to know about a project.
#[derive(Clone, Copy)]
pub struct ProjectRef {
    pub id: Uuid,
    pub order: u32,
    pub created: DateTime<Utc>,
    pub status: ProjectStatus,
}

pub const PROJECT_COLUMNS: &str = "id, order_id, project_number, name, description, status, \
    metadata, started_at, completed_at, created_by, updated_by, created_at, updated_at, version";

const WORK: [&str; 12] = [
    "Crown",
    "Bridge",
    "Implant crown",
    "Veneer",
    "Inlay",
    "Onlay",
    "Partial denture",
    "Full denture",
    "Night guard",
    "Aligner series",
    "Temporary crown",
    "Abutment",
];

/// Where `project_number` stands in [`PROJECT_COLUMNS`]: the loader numbers projects in
/// the order it makes them, so [`project`] leaves it empty.
pub const PROJECT_NUMBER_COLUMN: usize = 2;

/// Project `index` on order `order_index` (of `orders`), without its number.
pub fn project(
    seed: u64,
    index: usize,
    order_index: usize,
    orders: &[OrderRef],
    staff: &[Uuid],
) -> (ProjectRef, Vec<Value>) {
    let mut rng = Rng::for_record(seed, PROJECT_STREAM, index as u64);
    let order = &orders[order_index];
    let created = clamp(order.created + minutes(&mut rng, 5, 180), order.created);
    let id = rng.uuid_v7(created);
    let status = ProjectStatus::draw(&mut rng, order.state);
    // FDI tooth numbers: quadrant 1–4, tooth 1–8.
    let name = format!(
        "{} {}{}",
        rng.pick(&WORK),
        1 + rng.below(4),
        1 + rng.below(8)
    );
    let started = matches!(
        status,
        ProjectStatus::Active | ProjectStatus::OnHold | ProjectStatus::Completed
    )
    .then(|| clamp(created + minutes(&mut rng, 60, 3 * 24 * 60), created));
    let completed = (status == ProjectStatus::Completed).then(|| {
        let from = started.unwrap_or(created);
        clamp(from + minutes(&mut rng, 24 * 60, 12 * 24 * 60), from)
    });
    let updated = completed.or(started).unwrap_or(created);
    let by = order.owner.unwrap_or_else(|| *rng.pick(staff));
    let values = vec![
        id.into(),
        order.id.into(),
        Value::Null,
        name.into(),
        Value::Null,
        status.key().into(),
        serde_json::json!({}).into(),
        started.into(),
        completed.into(),
        by.into(),
        by.into(),
        created.into(),
        updated.into(),
        1i64.into(),
    ];
    let project = ProjectRef {
        id,
        order: order_index as u32,
        created,
        status,
    };
    (project, values)
}

pub const TASK_COLUMNS: &str = "id, project_id, order_id, title, assignee_id, status, priority, \
    due_at, completed_at, metadata, created_by, updated_by, created_at, updated_at, version";

const STEPS: [&str; 10] = [
    "Scan impression",
    "Pour model",
    "Design",
    "Milling",
    "Sintering",
    "Ceramic layering",
    "Try-in",
    "Glazing",
    "Quality check",
    "Pack and ship",
];

/// Task `index` of project `project`; its status follows the project's.
pub fn task(
    seed: u64,
    index: usize,
    project: &ProjectRef,
    orders: &[OrderRef],
    staff: &[Uuid],
) -> Vec<Value> {
    let mut rng = Rng::for_record(seed, TASK_STREAM, index as u64);
    let order = &orders[project.order as usize];
    let created = clamp(project.created + minutes(&mut rng, 1, 120), project.created);
    let id = rng.uuid_v7(created);
    let status = match project.status {
        ProjectStatus::Completed => "completed",
        ProjectStatus::Cancelled => "cancelled",
        ProjectStatus::Pending => "pending",
        ProjectStatus::OnHold => {
            if rng.chance(40) {
                "blocked"
            } else {
                "pending"
            }
        }
        ProjectStatus::Active => match rng.below(10) {
            0..=3 => "completed",
            4..=6 => "in_progress",
            7 => "blocked",
            _ => "pending",
        },
    };
    let assignee = rng.chance(80).then(|| *rng.pick(staff));
    let due = created + minutes(&mut rng, 24 * 60, 10 * 24 * 60);
    let completed = (status == "completed")
        .then(|| clamp(created + minutes(&mut rng, 30, 8 * 24 * 60), created));
    let updated = completed.unwrap_or(created);
    let priority = match rng.below(20) {
        0 => "low",
        1..=16 => "normal",
        17..=18 => "high",
        _ => "urgent",
    };
    let by = order.owner.unwrap_or_else(|| *rng.pick(staff));
    vec![
        id.into(),
        project.id.into(),
        order.id.into(),
        (*rng.pick(&STEPS)).into(),
        assignee.into(),
        status.into(),
        priority.into(),
        due.into(),
        completed.into(),
        serde_json::json!({}).into(),
        by.into(),
        by.into(),
        created.into(),
        updated.into(),
        1i64.into(),
    ]
}

/// The message types of migration 0012, by key; the last two move their order.
pub const MESSAGE_TYPES: [&str; 5] = [
    "note",
    "question",
    "notification",
    "in_production",
    "shipped",
];

pub const MESSAGE_COLUMNS: &str =
    "id, message_type_id, order_id, sender_id, subject, body, metadata, moved_order_to, created_at";
pub const RECIPIENT_COLUMNS: &str = "message_id, user_id, order_id, sender_id, read_at";

const NOTES: [&str; 6] = [
    "Impression received, starting the model.",
    "Shade taken from the photos; please confirm.",
    "Margins unclear on the distal side, new scan requested.",
    "Try-in went well, finishing now.",
    "Patient asked for a lighter shade.",
    "Delivery planned for Thursday.",
];
const QUESTIONS: [&str; 4] = [
    "Which shade should we use?",
    "Can the patient come in for a try-in next week?",
    "Is a metal-free option wanted?",
    "Please send the bite registration.",
];

/// Message `index` on order `order_index`, sent by `ctx`'s staff or the office's rep, and
/// for about a third of them one recipient (the other side). Messages of the types that
/// move an order go only to orders that went that far.
pub fn message(
    seed: u64,
    index: usize,
    order_index: usize,
    orders: &[OrderRef],
    type_ids: &[Uuid],
    staff: &[Uuid],
    reps: &[Uuid],
) -> (Vec<Value>, Option<Vec<Value>>) {
    let mut rng = Rng::for_record(seed, MESSAGE_STREAM, index as u64);
    let order = &orders[order_index];
    let created = clamp(
        order.created + minutes(&mut rng, 1, 30 * 24 * 60),
        order.created,
    );
    let id = rng.uuid_v7(created);
    let roll = rng.below(100);
    let kind = match (roll, order.state) {
        (0..=6, State::InFulfillment | State::Fulfilled) => 3,
        (7..=13, State::Fulfilled) => 4,
        (0..=44, _) => 0,
        (45..=64, _) => 1,
        _ => 2,
    };
    let from_staff = kind >= 2 || rng.chance(60);
    let rep = order.owner.unwrap_or_else(|| *rng.pick(reps));
    let sender = if from_staff { *rng.pick(staff) } else { rep };
    let (subject, body): (Option<&str>, String) = match kind {
        0 => (None, (*rng.pick(&NOTES)).to_owned()),
        1 => (Some("Question"), (*rng.pick(&QUESTIONS)).to_owned()),
        2 => (
            Some("Status"),
            format!("Your order moved on ({}).", order.state.key()),
        ),
        3 => (Some("In production"), "Production has started.".to_owned()),
        _ => (Some("Shipped"), "The work is on its way.".to_owned()),
    };
    let moved_to = match kind {
        3 => Some(State::InFulfillment.key()),
        4 => Some(State::Fulfilled.key()),
        _ => None,
    };
    let recipient = rng.chance(35).then(|| {
        let to = if from_staff { rep } else { *rng.pick(staff) };
        let read = rng
            .chance(85)
            .then(|| clamp(created + minutes(&mut rng, 5, 3 * 24 * 60), created));
        vec![
            id.into(),
            to.into(),
            order.id.into(),
            sender.into(),
            read.into(),
        ]
    });
    let values = vec![
        id.into(),
        type_ids[kind].into(),
        order.id.into(),
        sender.into(),
        subject.into(),
        body.into(),
        serde_json::json!({}).into(),
        moved_to.into(),
        created.into(),
    ];
    (values, recipient)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context<'a>(
        offices: &'a [OfficeRef],
        sizes: &'a [f64],
        ids: &'a [Uuid],
    ) -> OrderContext<'a> {
        OrderContext {
            seed: 3,
            count: 1_000,
            types: &ids[..5],
            states: &ids[..5],
            offices,
            office_sizes: sizes,
            doctors: &ids[..20],
            patients: &ids[..100],
            staff: &ids[..3],
        }
    }

    #[test]
    fn orders_are_deterministic_and_refer_to_what_existed() {
        let ids: Vec<Uuid> = (0..100u128).map(Uuid::from_u128).collect();
        let offices: Vec<OfficeRef> = ids[..10]
            .iter()
            .map(|id| OfficeRef {
                id: *id,
                owner: None,
            })
            .collect();
        let mut sum = 0.0;
        let sizes: Vec<f64> = (0..10)
            .map(|i| {
                sum += office_size(3, i);
                sum
            })
            .collect();
        let ctx = context(&offices, &sizes, &ids);
        for index in (0..1_000).step_by(37) {
            let a = order(&ctx, index, "ORD-1".into());
            let b = order(&ctx, index, "ORD-1".into());
            assert_eq!(a.values, b.values);
            // The office existed: its index is below the share of offices created by then.
            assert!((a.order.office as usize) <= index * 10 / 1_000);
            let Value::Uuid(patient) = a.people[0][2] else {
                panic!("no patient id");
            };
            assert!(patient.as_u128() as usize <= index * 100 / 1_000);
            assert!(a.order.created <= epoch());
        }
    }

    #[test]
    fn about_forty_percent_of_projects_are_open() {
        let mut open = 0;
        let n = 20_000;
        for i in 0..n {
            let mut rng = Rng::for_record(5, 99, i);
            let state = State::draw(&mut rng, i % 10 == 9);
            if ProjectStatus::draw(&mut rng, state).is_open() {
                open += 1;
            }
        }
        let share = open as f64 / n as f64;
        assert!((0.33..0.47).contains(&share), "{share}");
    }
}
