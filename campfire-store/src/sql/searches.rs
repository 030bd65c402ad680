//! Recent searches (S2).

use campfire_domain::Timestamp;
use sea_query::{
    DeleteStatement, Expr, ExprTrait, Func, InsertStatement, OnConflict, Order, Query,
    SelectStatement,
};

use super::scalar;
use super::schema::RecentSearches;

fn of(user: i64) -> Expr {
    Expr::col(RecentSearches::UserId).eq(user)
}

/// Records a search, strictly after the user's newest one, so two searches in the same
/// millisecond still come back in the order they were run. Searching again moves it up.
pub(crate) fn record(user: i64, query: &str, at: Timestamp) -> InsertStatement {
    let after_newest = Query::select()
        .expr(Expr::col(RecentSearches::SearchedAt).max().add(1_i64))
        .from(RecentSearches::Table)
        .and_where(of(user))
        .take();
    let searched_at = Func::greatest([
        at.0.into(),
        Func::coalesce([scalar(after_newest), 0_i64.into()]).into(),
    ]);
    Query::insert()
        .into_table(RecentSearches::Table)
        .columns([
            RecentSearches::UserId,
            RecentSearches::Query,
            RecentSearches::SearchedAt,
        ])
        .values_panic([user.into(), query.into(), searched_at.into()])
        .on_conflict(
            OnConflict::columns([RecentSearches::UserId, RecentSearches::Query])
                .update_column(RecentSearches::SearchedAt)
                .to_owned(),
        )
        .take()
}

/// `(query)` of a user's searches, newest first.
pub(crate) fn recent(user: i64) -> SelectStatement {
    Query::select()
        .column(RecentSearches::Query)
        .from(RecentSearches::Table)
        .and_where(of(user))
        .order_by(RecentSearches::SearchedAt, Order::Desc)
        .order_by(RecentSearches::Query, Order::Asc)
        .take()
}

/// Forgets all but a user's `keep` newest searches.
pub(crate) fn keep_newest(user: i64, keep: u64) -> DeleteStatement {
    Query::delete()
        .from_table(RecentSearches::Table)
        .and_where(of(user))
        .and_where(
            Expr::col(RecentSearches::Query).not_in_subquery(recent(user).limit(keep).take()),
        )
        .take()
}

/// Forgets a user's searches.
pub(crate) fn clear(user: i64) -> DeleteStatement {
    Query::delete()
        .from_table(RecentSearches::Table)
        .and_where(of(user))
        .take()
}
