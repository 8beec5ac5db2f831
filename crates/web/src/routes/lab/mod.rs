//! The lab's work (seed 003; docs/lab.md): projects and their tasks, message types and
//! messages, instructions, and the lab's standing views.

mod instructions;
mod message_types;
mod messages;
mod projects;
mod tasks;
mod views;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(projects::create_project, projects::list_projects))
        .routes(routes!(
            projects::get_project,
            projects::update_project,
            projects::delete_project
        ))
        .routes(routes!(tasks::create_task, tasks::list_tasks))
        .routes(routes!(
            tasks::get_task,
            tasks::update_task,
            tasks::delete_task
        ))
        .routes(routes!(
            message_types::create_message_type,
            message_types::list_message_types
        ))
        .routes(routes!(
            message_types::get_message_type,
            message_types::update_message_type,
            message_types::delete_message_type
        ))
        .routes(routes!(messages::send_message, messages::list_messages))
        .routes(routes!(messages::get_message))
        .routes(routes!(messages::read_message))
        .routes(routes!(
            instructions::create_instruction,
            instructions::list_instructions
        ))
        .routes(routes!(
            instructions::get_instruction,
            instructions::update_instruction,
            instructions::delete_instruction
        ))
        .routes(routes!(instructions::approve_instruction))
        .routes(routes!(views::order_summary))
        .routes(routes!(views::active_projects))
        .routes(routes!(views::monthly_order_stats))
}
