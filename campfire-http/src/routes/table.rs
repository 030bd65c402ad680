//! The route table: every route is registered together with the [`Guard`] that says who may
//! call it. The router is built from it and [`routes`](super::routes) lists it, so the
//! authorization matrix test (campfire-server `authorization_matrix.rs`) covers every route —
//! a new one included — and derives each expected answer from its guard and the policy.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, on};
use campfire_domain::{Action, RoomFacts, UserId};

use crate::AppState;

/// Who may call a route, in terms of the one policy ([`campfire_domain::authorize`]).
#[derive(Debug, Clone, Copy)]
pub enum Guard {
    /// Anyone, signed in or not (sign-in, joining, first run, the manifest…).
    Public,
    /// Any signed-in person; what it shows or changes is their own or everyone's.
    SignedIn,
    /// A signed-in person the policy allows this account-wide action.
    Account(Action),
    /// The room named in the path (`{id}`), for this action.
    Room(fn(RoomFacts) -> Action),
    /// The message named in the path (`{id}`), for this action given its author.
    Message(fn(RoomFacts, UserId) -> Action),
    /// The boost named in the path (`{id}`), for this action given its booster.
    Boost(fn(RoomFacts, UserId) -> Action),
    /// Something of the caller's own named in the path (a session, a push subscription):
    /// anyone else's is not found.
    Own,
    /// The bot API: the bot named by `{key}`, in the room `{room}`, for this action.
    BotRoom(fn(RoomFacts) -> Action),
    /// The bot API: a message `{id}` of the room `{room}`, for this action given its author.
    BotMessage(fn(RoomFacts, UserId) -> Action),
    /// The bot API: a boost `{boost}` of the message `{id}`, for this action given its booster.
    BotBoost(fn(RoomFacts, UserId) -> Action),
}

/// One method of one path, and who may call it.
#[derive(Debug, Clone)]
pub struct Route {
    /// The method.
    pub method: Method,
    /// The path template, as the router matches it (`/api/rooms/{id}`).
    pub path: String,
    /// Who may call it.
    pub guard: Guard,
}

/// The methods the API uses.
#[derive(Debug, Clone, Copy)]
pub(super) enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Verb {
    /// The method, and the router's filter for it.
    fn method(self) -> (Method, MethodFilter) {
        match self {
            Verb::Get => (Method::GET, MethodFilter::GET),
            Verb::Post => (Method::POST, MethodFilter::POST),
            Verb::Put => (Method::PUT, MethodFilter::PUT),
            Verb::Patch => (Method::PATCH, MethodFilter::PATCH),
            Verb::Delete => (Method::DELETE, MethodFilter::DELETE),
        }
    }
}

/// A router being built, and the list of what it routes.
pub(super) struct Table {
    prefix: &'static str,
    router: Router<AppState>,
    list: Vec<Route>,
}

impl Table {
    /// An empty table whose paths will be nested under `prefix` ("" for none).
    pub(super) fn new(prefix: &'static str) -> Table {
        Table {
            prefix,
            router: Router::new(),
            list: Vec::new(),
        }
    }

    /// Routes `verb path` to `handler`, guarded by `guard`.
    pub(super) fn at<H, T>(mut self, verb: Verb, path: &str, guard: Guard, handler: H) -> Table
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let (method, filter) = verb.method();
        self.router = self.router.route(path, on(filter, handler));
        self.list.push(Route {
            method,
            path: format!("{}{path}", self.prefix),
            guard,
        });
        self
    }

    /// The routes (for nesting under the prefix) and their list.
    pub(super) fn finish(self) -> (Router<AppState>, Vec<Route>) {
        (self.router, self.list)
    }
}
