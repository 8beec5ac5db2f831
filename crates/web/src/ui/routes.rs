//! The UI's route table: every page and form action is registered through [`Routes`],
//! which builds the router and remembers each method and path, so the access matrix test
//! (`tests/api/ui_matrix.rs`) can require a probe for every one — a page cannot be added
//! without joining the matrix.

use axum::handler::Handler;
use axum::routing::{get, post};
use axum::Router;

use crate::AppState;

pub struct Routes {
    router: Router<AppState>,
    table: Vec<(&'static str, &'static str)>,
}

impl Routes {
    pub fn new() -> Self {
        Self {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    /// A page: `GET path`.
    pub fn get<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, get(handler));
        self.table.push(("get", path));
        self
    }

    /// A form's action: `POST path`.
    pub fn post<H, T>(mut self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, post(handler));
        self.table.push(("post", path));
        self
    }

    pub fn table(&self) -> Vec<(&'static str, &'static str)> {
        self.table.clone()
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
