//! The router: every route of docs/api.md, and the helpers handlers share.

mod account;
mod avatars;
mod bot_api;
mod files;
mod live;
mod messages;
mod people;
mod pictures;
mod push;
mod rooms;
mod search;
mod session;
mod table;

pub use avatars::avatar_url;
pub use table::{Guard, Route};
use table::{Table, Verb};

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Router, middleware};
use campfire_domain::{Action, Room, RoomFacts, RoomId};
use serde::Serialize;

use crate::AppState;
use crate::auth::Authed;
use crate::client::identify;
use crate::error::{ApiError, ApiResult};
use crate::middleware::{guard_writes, log_requests, security_headers};
use campfire_store::app::AppError;

/// Posts as a bot from a webhook reply to `to` (never triggers webhooks itself): in the room,
/// or in the thread when `to` was a thread reply (X7), where the conversation is.
pub(crate) async fn post_as_bot(
    state: &AppState,
    bot: &campfire_domain::User,
    to: &campfire_domain::Message,
    client_id: campfire_domain::ClientMessageId,
    text: &str,
) -> ApiResult<campfire_store::Posted> {
    let draft = bot_draft(state, text).await?;
    let origin = campfire_store::app::Origin::WebhookReply;
    let posted = match to.thread {
        Some(_) => state.app.reply(bot, to, client_id, draft, origin).await?,
        None => {
            state
                .app
                .post(bot, to.room, client_id, draft, origin)
                .await?
        }
    };
    Ok(posted)
}

/// The most people one bot post can mention by the original's markup (each is looked up).
const MAX_BOT_MENTIONS: usize = 100;

/// What a bot sends, as the original takes it (B2, B3): plain text keeps its lines; HTML may
/// mention people with the original's Action Text attachments (their SGIDs name the user) as
/// well as with our chips. Then the one sanitiser, as for everything else.
pub(crate) async fn bot_draft(
    state: &AppState,
    text: &str,
) -> ApiResult<campfire_store::app::Draft> {
    use campfire_domain::action_text;
    let named = action_text::convert(text, |_| Some(String::new())).mentions;
    let mut names = std::collections::HashMap::new();
    for id in named.into_iter().take(MAX_BOT_MENTIONS) {
        match state.store.user(id).await {
            Ok(user) => {
                names.insert(id, user.name.to_string());
            }
            Err(campfire_store::StoreError::NotFound(_)) => {}
            Err(error) => return Err(error.into()),
        }
    }
    let converted = action_text::convert(text, |id| names.get(&id).cloned());
    messages::draft(&converted.html)
}

/// Every route, with the guard that says who may call it.
pub fn routes() -> Vec<Route> {
    let (_, mut list) = api().finish();
    list.extend(site().finish().1);
    list
}

/// `/api/…`: the JSON API of the app (docs/api.md).
fn api() -> Table {
    use Guard::{Account, Boost, Message, Own, Public, Room, SignedIn};
    use Verb as M;
    Table::new("/api")
        .at(M::Get, "/bootstrap", Public, session::bootstrap)
        .at(M::Post, "/first_run", Public, session::first_run)
        .at(M::Get, "/join/{code}", Public, session::join_info)
        .at(M::Post, "/join/{code}", Public, session::join)
        .at(M::Post, "/session", Public, session::sign_in)
        .at(M::Delete, "/session", SignedIn, session::sign_out)
        .at(M::Get, "/sessions", SignedIn, session::sessions)
        .at(M::Delete, "/sessions/{id}", Own, session::end_session)
        // A link for someone else needs an administrator; the handler checks the body.
        .at(M::Post, "/transfer_link", SignedIn, session::transfer_link)
        .at(M::Post, "/transfer/{token}", Public, session::transfer)
        .at(M::Get, "/users", SignedIn, people::users)
        .at(M::Get, "/users/{id}", SignedIn, people::user)
        .at(
            M::Patch,
            "/users/{id}",
            Account(Action::ChangeRole),
            people::set_role,
        )
        .at(
            M::Post,
            "/users/{id}/deactivate",
            Account(Action::DeactivateUser),
            people::deactivate,
        )
        .at(
            M::Post,
            "/users/{id}/ban",
            Account(Action::BanUser),
            people::ban,
        )
        .at(
            M::Post,
            "/users/{id}/unban",
            Account(Action::BanUser),
            people::unban,
        )
        .at(
            M::Get,
            "/banned_users",
            Account(Action::BanUser),
            people::banned,
        )
        .at(M::Get, "/join_link", SignedIn, account::join_link)
        .at(M::Patch, "/me", SignedIn, people::update_me)
        .at(M::Put, "/me/avatar", SignedIn, pictures::put_mine)
        .at(M::Delete, "/me/avatar", SignedIn, pictures::delete_mine)
        .at(M::Get, "/users/{id}/avatar", SignedIn, pictures::show)
        .at(
            M::Get,
            "/account",
            Account(Action::ChangeAccountSettings),
            account::show,
        )
        .at(
            M::Patch,
            "/account",
            Account(Action::ChangeAccountSettings),
            account::update,
        )
        .at(
            M::Put,
            "/account/logo",
            Account(Action::ChangeAccountSettings),
            pictures::put_logo,
        )
        .at(
            M::Delete,
            "/account/logo",
            Account(Action::ChangeAccountSettings),
            pictures::delete_logo,
        )
        .at(
            M::Post,
            "/account/join_code",
            Account(Action::RotateJoinCode),
            account::rotate_join_code,
        )
        .at(M::Get, "/bots", Account(Action::ManageBots), account::bots)
        .at(
            M::Post,
            "/bots",
            Account(Action::ManageBots),
            account::create_bot,
        )
        .at(
            M::Patch,
            "/bots/{id}",
            Account(Action::ManageBots),
            account::update_bot,
        )
        .at(
            M::Delete,
            "/bots/{id}",
            Account(Action::ManageBots),
            account::deactivate_bot,
        )
        .at(
            M::Put,
            "/bots/{id}/avatar",
            Account(Action::ManageBots),
            pictures::put_bot,
        )
        .at(
            M::Delete,
            "/bots/{id}/avatar",
            Account(Action::ManageBots),
            pictures::delete_bot,
        )
        .at(
            M::Post,
            "/bots/{id}/key",
            Account(Action::ManageBots),
            account::rotate_bot_key,
        )
        .at(M::Get, "/rooms", SignedIn, rooms::list)
        .at(
            M::Post,
            "/rooms",
            Account(Action::CreateRoom {
                only_admins_create_rooms: false,
            }),
            rooms::create,
        )
        .at(
            M::Post,
            "/rooms/direct",
            Account(Action::CreateDirectRoom),
            rooms::direct,
        )
        .at(M::Get, "/rooms/{id}", Room(Action::ReadRoom), rooms::show)
        // Renaming, changing members and converting share the address; the body says which.
        .at(
            M::Patch,
            "/rooms/{id}",
            Room(Action::RenameRoom),
            rooms::update,
        )
        .at(
            M::Delete,
            "/rooms/{id}",
            Room(Action::DeleteRoom),
            rooms::remove,
        )
        .at(
            M::Put,
            "/rooms/{id}/topic",
            Room(Action::SetTopic),
            rooms::set_topic,
        )
        .at(
            M::Delete,
            "/rooms/{id}/membership",
            Room(Action::LeaveRoom),
            rooms::leave,
        )
        .at(M::Get, "/directory", SignedIn, rooms::directory)
        .at(
            M::Put,
            "/rooms/{id}/involvement",
            Room(Action::SetInvolvement),
            rooms::set_involvement,
        )
        .at(
            M::Post,
            "/rooms/{id}/read",
            Room(Action::ReadRoom),
            rooms::read,
        )
        .at(
            M::Post,
            "/rooms/{id}/unread",
            Room(Action::ReadRoom),
            rooms::mark_unread,
        )
        .at(
            M::Get,
            "/rooms/{id}/autocomplete",
            Room(Action::ReadRoom),
            rooms::autocomplete,
        )
        .at(
            M::Get,
            "/rooms/{id}/messages",
            Room(Action::ReadRoom),
            messages::history,
        )
        .at(
            M::Post,
            "/rooms/{id}/messages",
            Room(Action::PostMessage),
            messages::post,
        )
        .at(
            M::Post,
            "/rooms/{id}/attachments",
            Room(Action::PostMessage),
            files::upload,
        )
        .at(
            M::Get,
            "/messages/{id}/file",
            Message(|room, _| Action::ReadRoom(room)),
            files::file,
        )
        .at(
            M::Get,
            "/messages/{id}/preview_image",
            Message(|room, _| Action::ReadRoom(room)),
            messages::preview_image,
        )
        .at(
            M::Delete,
            "/messages/{id}/preview",
            Message(|room, author| Action::EditMessage { room, author }),
            messages::remove_preview,
        )
        .at(
            M::Get,
            "/messages/{id}/thumbnail",
            Message(|room, _| Action::ReadRoom(room)),
            files::thumbnail,
        )
        .at(
            M::Put,
            "/messages/{id}/bookmark",
            Message(|room, _| Action::ReadRoom(room)),
            messages::bookmark,
        )
        .at(
            M::Delete,
            "/messages/{id}/bookmark",
            Message(|room, _| Action::ReadRoom(room)),
            messages::unbookmark,
        )
        .at(
            M::Get,
            "/messages/{id}/thread",
            Message(|room, _| Action::ReadRoom(room)),
            messages::thread,
        )
        .at(
            M::Post,
            "/messages/{id}/replies",
            Message(|room, _| Action::PostMessage(room)),
            messages::reply,
        )
        .at(M::Get, "/bookmarks", SignedIn, messages::bookmarks)
        .at(M::Get, "/mentions", SignedIn, messages::mentions)
        .at(
            M::Patch,
            "/messages/{id}",
            Message(|room, author| Action::EditMessage { room, author }),
            messages::edit,
        )
        .at(
            M::Delete,
            "/messages/{id}",
            Message(|room, author| Action::DeleteMessage { room, author }),
            messages::remove,
        )
        .at(
            M::Post,
            "/messages/{id}/boosts",
            Message(|room, _| Action::AddBoost(room)),
            messages::boost,
        )
        .at(
            M::Delete,
            "/boosts/{id}",
            Boost(|room, booster| Action::RemoveBoost { room, booster }),
            messages::unboost,
        )
        // Results are limited to the caller's rooms.
        .at(M::Get, "/search", SignedIn, search::search)
        .at(M::Get, "/searches", SignedIn, search::recent)
        .at(M::Post, "/searches", SignedIn, search::record)
        .at(M::Delete, "/searches", SignedIn, search::clear)
        .at(M::Get, "/push/key", SignedIn, push::key)
        .at(M::Get, "/push/subscriptions", SignedIn, push::list)
        .at(M::Post, "/push/subscriptions", SignedIn, push::subscribe)
        .at(
            M::Delete,
            "/push/subscriptions/{id}",
            Own,
            push::unsubscribe,
        )
        .at(M::Get, "/live", SignedIn, live::upgrade)
}

/// Outside `/api`: health, the web app's manifest and icons, and the bot API (B2), whose
/// addresses are the original's.
fn site() -> Table {
    use Guard::{BotBoost, BotMessage, BotRoom, Message, Public};
    use Verb as M;
    let own = |room, author| Action::EditMessage { room, author };
    Table::new("")
        .at(M::Get, "/up", Public, up)
        .at(M::Get, "/manifest.webmanifest", Public, push::manifest)
        .at(M::Get, "/icons/{file}", Public, push::icon)
        .at(M::Get, "/users/{token}/avatar", Public, avatars::show)
        // The original's message URLs, as the bot API hands them out: to the permalink.
        .at(
            M::Get,
            "/rooms/{room}/messages/{id}",
            Public,
            bot_api::room_message,
        )
        .at(
            M::Get,
            "/messages/{id}",
            Message(|room, _| Action::ReadRoom(room)),
            bot_api::message,
        )
        .at(
            M::Get,
            "/rooms/{room}/{key}/messages",
            BotRoom(Action::ReadRoom),
            bot_api::list,
        )
        .at(
            M::Post,
            "/rooms/{room}/{key}/messages",
            BotRoom(Action::PostMessage),
            bot_api::post,
        )
        .at(
            M::Put,
            "/rooms/{room}/{key}/messages/{id}",
            BotMessage(own),
            bot_api::edit,
        )
        .at(
            M::Patch,
            "/rooms/{room}/{key}/messages/{id}",
            BotMessage(own),
            bot_api::edit,
        )
        .at(
            M::Delete,
            "/rooms/{room}/{key}/messages/{id}",
            BotMessage(|room, author| Action::DeleteMessage { room, author }),
            bot_api::remove,
        )
        .at(
            M::Post,
            "/rooms/{room}/{key}/messages/{id}/boosts",
            BotMessage(|room, _| Action::AddBoost(room)),
            bot_api::boost,
        )
        .at(
            M::Delete,
            "/rooms/{room}/{key}/messages/{id}/boosts/{boost}",
            BotBoost(|room, booster| Action::RemoveBoost { room, booster }),
            bot_api::unboost,
        )
}

/// The whole HTTP service.
pub fn router(state: AppState) -> Router {
    let (api, _) = api().finish();
    let (site, _) = site().finish();
    let api = api.fallback(|| async { ApiError::not_found("route") });

    site.nest("/api", api)
        .fallback(crate::static_files::serve)
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                crate::ErrorCode::MethodNotAllowed,
                "this address does not take that method",
            )
        })
        .route_layer(middleware::from_fn(log_requests))
        // Every body is read with a limit of its own (JSON, bot bodies, files up to
        // --max-file-size); axum's one default of 2 MB would cut uploads short.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(state.clone(), guard_writes))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(state.clone(), identify))
        .with_state(state)
}

/// O2: answers when the database answers.
async fn up(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match state.store.last_event_seq().await {
        Ok(_) => "OK".into_response(),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `201 Created` with a JSON body.
fn created<T: Serialize>(body: T) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

/// `204 No Content`.
fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// A room and what the policy needs to know about the caller's place in it. A room the caller
/// is not in is reported exactly like one that does not exist.
async fn room_for(state: &AppState, authed: &Authed, id: i64) -> ApiResult<(Room, RoomFacts)> {
    match state.app.room_for(&authed.user, RoomId(id)).await {
        Err(AppError::Store(campfire_store::StoreError::NotFound(_))) => {
            Err(ApiError::not_found("room"))
        }
        other => Ok(other?),
    }
}
