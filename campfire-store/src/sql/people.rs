//! The account, users, sessions, bans and used tokens.

use campfire_domain::{Role, Timestamp, User, UserStatus};
use sea_query::{
    DeleteStatement, Expr, ExprTrait, InsertStatement, OnConflict, Order, Query, SelectStatement,
    UpdateStatement,
};

use super::schema::{Account, Bans, Sessions, UsedTokens, Users};
use super::word;

/// The account row, in the order `rows::account` reads it.
pub(crate) fn account() -> SelectStatement {
    Query::select()
        .columns([
            Account::Id,
            Account::Name,
            Account::JoinCode,
            Account::CustomCss,
            Account::OnlyAdminsCreateRooms,
            Account::CreatedAt,
            Account::Logo,
        ])
        .from(Account::Table)
        .take()
}

/// The one account (its `CHECK (id = 1)` key makes a second first run a unique violation).
pub(crate) fn insert_account(name: &str, join_code: &str, at: Timestamp) -> InsertStatement {
    Query::insert()
        .into_table(Account::Table)
        .columns([
            Account::Id,
            Account::Name,
            Account::JoinCode,
            Account::CreatedAt,
        ])
        .values_panic([1_i64.into(), name.into(), join_code.into(), at.0.into()])
        .take()
}

/// Sets one column of the account.
pub(crate) fn update_account(column: Account, value: Expr) -> UpdateStatement {
    Query::update()
        .table(Account::Table)
        .value(column, value)
        .and_where(Expr::col(Account::Id).eq(1_i64))
        .take()
}

/// Users, in the order `rows::user` reads them.
pub(crate) fn users() -> SelectStatement {
    Query::select()
        .columns([
            Users::Id,
            Users::Name,
            Users::Email,
            Users::Role,
            Users::Status,
            Users::Bio,
            Users::BotToken,
            Users::CreatedAt,
            Users::Avatar,
        ])
        .from(Users::Table)
        .order_by(Users::Id, Order::Asc)
        .take()
}

pub(crate) fn user(id: i64) -> SelectStatement {
    users().and_where(Expr::col(Users::Id).eq(id)).take()
}

/// The active user with this email (the partial unique index `users_active_email` holds one).
pub(crate) fn active_user_by_email(email: &str) -> SelectStatement {
    users()
        .and_where(Expr::col(Users::Email).eq(email))
        .and_where(Expr::col(Users::Status).eq(word("active")))
        .take()
}

/// The ids of the active users, in order.
pub(crate) fn active_user_ids() -> SelectStatement {
    Query::select()
        .column(Users::Id)
        .from(Users::Table)
        .and_where(Expr::col(Users::Status).eq(word("active")))
        .order_by(Users::Id, Order::Asc)
        .take()
}

/// A row when `id` is an active user.
pub(crate) fn is_active(id: i64) -> SelectStatement {
    Query::select()
        .column(Users::Id)
        .from(Users::Table)
        .and_where(Expr::col(Users::Id).eq(id))
        .and_where(Expr::col(Users::Status).eq(word("active")))
        .take()
}

/// A new active user.
pub(crate) fn insert_user(user: &User, password_hash: Option<&str>) -> InsertStatement {
    Query::insert()
        .into_table(Users::Table)
        .columns([
            Users::Name,
            Users::Email,
            Users::PasswordHash,
            Users::Role,
            Users::Status,
            Users::Bio,
            Users::BotToken,
            Users::CreatedAt,
        ])
        .values_panic([
            user.name.as_str().into(),
            user.email.as_ref().map(|e| e.as_str().to_owned()).into(),
            password_hash.map(str::to_owned).into(),
            user.role.as_str().into(),
            word("active"),
            user.bio.as_str().into(),
            user.bot_token
                .as_ref()
                .map(|t| t.as_str().to_owned())
                .into(),
            user.created_at.0.into(),
        ])
        .take()
}

pub(crate) fn password_hash(id: i64) -> SelectStatement {
    Query::select()
        .column(Users::PasswordHash)
        .from(Users::Table)
        .and_where(Expr::col(Users::Id).eq(id))
        .take()
}

/// Sets one column of a user.
pub(crate) fn update_user(id: i64, column: Users, value: Expr) -> UpdateStatement {
    Query::update()
        .table(Users::Table)
        .value(column, value)
        .and_where(Expr::col(Users::Id).eq(id))
        .take()
}

pub(crate) fn set_role(id: i64, role: Role) -> UpdateStatement {
    update_user(id, Users::Role, role.as_str().into())
}

pub(crate) fn set_status(id: i64, status: UserStatus) -> UpdateStatement {
    update_user(id, Users::Status, status.as_str().into())
}

/// Sessions, in the order `rows::session` reads them.
pub(crate) fn sessions() -> SelectStatement {
    Query::select()
        .columns([
            Sessions::Id,
            Sessions::UserId,
            Sessions::TokenHash,
            Sessions::UserAgent,
            Sessions::Ip,
            Sessions::CreatedAt,
            Sessions::LastActiveAt,
        ])
        .from(Sessions::Table)
        .take()
}

pub(crate) fn session(id: i64) -> SelectStatement {
    sessions().and_where(Expr::col(Sessions::Id).eq(id)).take()
}

pub(crate) fn session_by_token_hash(token_hash: &str) -> SelectStatement {
    sessions()
        .and_where(Expr::col(Sessions::TokenHash).eq(token_hash))
        .take()
}

/// A user's sessions, newest first.
pub(crate) fn sessions_of(user: i64) -> SelectStatement {
    sessions()
        .and_where(Expr::col(Sessions::UserId).eq(user))
        .order_by(Sessions::Id, Order::Desc)
        .take()
}

/// A row when session `id` is `user`'s.
pub(crate) fn session_of_user(id: i64, user: i64) -> SelectStatement {
    Query::select()
        .column(Sessions::Id)
        .from(Sessions::Table)
        .and_where(Expr::col(Sessions::Id).eq(id))
        .and_where(Expr::col(Sessions::UserId).eq(user))
        .take()
}

/// The addresses a user signed in from (a ban bans them).
pub(crate) fn session_ips(user: i64) -> SelectStatement {
    Query::select()
        .column(Sessions::Ip)
        .from(Sessions::Table)
        .and_where(Expr::col(Sessions::UserId).eq(user))
        .take()
}

/// The addresses other active people have sessions from: `(ip)` (a ban spares them, F8).
pub(crate) fn others_session_ips(user: i64) -> SelectStatement {
    Query::select()
        .distinct()
        .column((Sessions::Table, Sessions::Ip))
        .from(Sessions::Table)
        .inner_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id)).equals((Sessions::Table, Sessions::UserId)),
        )
        .and_where(Expr::col((Sessions::Table, Sessions::UserId)).ne(user))
        .and_where(Expr::col((Users::Table, Users::Status)).eq(word("active")))
        .take()
}

pub(crate) fn insert_session(
    user: i64,
    token_hash: &str,
    user_agent: &str,
    ip: &str,
    at: Timestamp,
) -> InsertStatement {
    Query::insert()
        .into_table(Sessions::Table)
        .columns([
            Sessions::UserId,
            Sessions::TokenHash,
            Sessions::UserAgent,
            Sessions::Ip,
            Sessions::CreatedAt,
            Sessions::LastActiveAt,
        ])
        .values_panic([
            user.into(),
            token_hash.into(),
            user_agent.into(),
            ip.into(),
            at.0.into(),
            at.0.into(),
        ])
        .take()
}

pub(crate) fn touch_session(id: i64, at: Timestamp) -> UpdateStatement {
    Query::update()
        .table(Sessions::Table)
        .value(Sessions::LastActiveAt, at.0)
        .and_where(Expr::col(Sessions::Id).eq(id))
        .take()
}

pub(crate) fn delete_session(id: i64) -> DeleteStatement {
    Query::delete()
        .from_table(Sessions::Table)
        .and_where(Expr::col(Sessions::Id).eq(id))
        .take()
}

pub(crate) fn delete_sessions_of(user: i64) -> DeleteStatement {
    Query::delete()
        .from_table(Sessions::Table)
        .and_where(Expr::col(Sessions::UserId).eq(user))
        .take()
}

pub(crate) fn insert_ban(user: i64, ip: &str, at: Timestamp) -> InsertStatement {
    Query::insert()
        .into_table(Bans::Table)
        .columns([Bans::UserId, Bans::Ip, Bans::CreatedAt])
        .values_panic([user.into(), ip.into(), at.0.into()])
        .take()
}

pub(crate) fn delete_bans_of(user: i64) -> DeleteStatement {
    Query::delete()
        .from_table(Bans::Table)
        .and_where(Expr::col(Bans::UserId).eq(user))
        .take()
}

/// A row when `ip` is banned.
pub(crate) fn ip_banned(ip: &str) -> SelectStatement {
    Query::select()
        .column(Bans::UserId)
        .from(Bans::Table)
        .and_where(Expr::col(Bans::Ip).eq(ip))
        .limit(1)
        .take()
}

/// Sessions last active before `before` (R6).
pub(crate) fn delete_idle_sessions(before: Timestamp) -> DeleteStatement {
    Query::delete()
        .from_table(Sessions::Table)
        .and_where(Expr::col(Sessions::LastActiveAt).lt(before.0))
        .take()
}

/// Single-use tokens used before `before` (R6).
pub(crate) fn delete_used_tokens(before: Timestamp) -> DeleteStatement {
    Query::delete()
        .from_table(UsedTokens::Table)
        .and_where(Expr::col(UsedTokens::UsedAt).lt(before.0))
        .take()
}

/// Records a single-use token; changes no row when it was used before.
pub(crate) fn use_token(id: &str, at: Timestamp) -> InsertStatement {
    Query::insert()
        .into_table(UsedTokens::Table)
        .columns([UsedTokens::Id, UsedTokens::UsedAt])
        .values_panic([id.into(), at.0.into()])
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .take()
}
