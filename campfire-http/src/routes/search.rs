//! Search (S1) and recent searches (S2).
//!
//! A search is scoped to the rooms the caller is a member of when they ask (a removed member
//! finds nothing there, old or new), and every hit is checked against that scope again after
//! it is read from the store. What was typed reaches the index only as bounded plain terms.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use campfire_domain::{MessageId, RoomId, Timestamp, UserId};
use campfire_search::{Query, Terms, excerpt};
use serde::Deserialize;

use super::no_content;
use crate::AppState;
use crate::auth::Authed;
use crate::body::JsonBody;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::error_code::ErrorCode;
use crate::extract::QueryParams;
use crate::routes::messages::with_boosts;
use crate::search::blocking;
use crate::wire::{
    FragmentJson, RecentSearchesJson, RecordSearch, SearchResultJson, SearchResultsJson,
};

/// The longest search accepted, in bytes (only the first terms of it are used).
pub const MAX_QUERY_BYTES: usize = 10 * 1024;

/// Characters of message text shown around the first match.
const EXCERPT_CHARS: usize = 240;

/// `?q=&room=&author=&from=&to=&limit=`.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    room: Option<i64>,
    author: Option<i64>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<usize>,
}

fn enabled(state: &AppState) -> ApiResult<()> {
    if state.config.features.search {
        Ok(())
    } else {
        Err(ApiError::new(
            ErrorCode::NotFound,
            "search is not enabled on this server",
        ))
    }
}

/// The text to search for: present, not blank, not huge.
fn typed(q: Option<&str>) -> ApiResult<&str> {
    let q = q.map(str::trim).unwrap_or_default();
    if q.is_empty() {
        return Err(ApiError::bad_request("type something to search for (q)"));
    }
    if q.len() > MAX_QUERY_BYTES {
        return Err(ApiError::bad_request(format!(
            "a search can be at most {MAX_QUERY_BYTES} bytes long"
        )));
    }
    Ok(q)
}

/// `2026-11-25` (a whole day in UTC) or an RFC 3339 time. `end` picks the day's end, so a
/// `to` date includes that day.
fn parse_time(field: &str, value: &str, end: bool) -> ApiResult<Timestamp> {
    use time::format_description::well_known::Rfc3339;
    let invalid = || {
        ApiError::bad_request(format!(
            "{field} must be a date like 2026-11-25 or a time like 2026-11-25T09:30:00Z"
        ))
    };
    let millis = |t: time::OffsetDateTime| {
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000).map_err(|_| invalid())
    };
    if let Ok(t) = time::OffsetDateTime::parse(value, &Rfc3339) {
        return millis(t).map(Timestamp);
    }
    let mut parts = value.splitn(3, '-');
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(invalid());
    };
    let year: i32 = y.parse().map_err(|_| invalid())?;
    let month: u8 = m.parse().map_err(|_| invalid())?;
    let day: u8 = d.parse().map_err(|_| invalid())?;
    let month = time::Month::try_from(month).map_err(|_| invalid())?;
    let date = time::Date::from_calendar_date(year, month, day).map_err(|_| invalid())?;
    let start = millis(date.midnight().assume_utc())?;
    Ok(Timestamp(if end { start + 86_400_000 } else { start }))
}

/// S1: messages matching `q` in the caller's rooms, best first, with excerpts.
pub async fn search(
    State(state): State<AppState>,
    authed: Authed,
    QueryParams(params): QueryParams<SearchParams>,
) -> ApiResult<Json<SearchResultsJson>> {
    enabled(&state)?;
    let q = typed(params.q.as_deref())?.to_owned();
    let from = params
        .from
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| parse_time("from", s, false))
        .transpose()?;
    let until = params
        .to
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| parse_time("to", s, true))
        .transpose()?;
    if let (Some(from), Some(until)) = (from, until)
        && until <= from
    {
        return Err(ApiError::bad_request("to must be after from"));
    }

    // The caller's rooms now: membership decides, at the moment of the query.
    let mine: Vec<RoomId> = state
        .store
        .memberships_of(authed.user.id)
        .await?
        .into_iter()
        .map(|m| m.room)
        .collect();
    let rooms = match params.room {
        None => mine.clone(),
        Some(room) => mine.iter().copied().filter(|r| r.0 == room).collect(),
    };
    let terms = Terms::parse(&q);
    let mut query = Query::new(terms.clone(), rooms, now());
    query.author = params.author.map(UserId);
    query.from = from;
    query.until = until;
    // One more than asked: whether there are more to show (S1's "Show more").
    let limit = params
        .limit
        .unwrap_or(50)
        .clamp(1, campfire_search::MAX_RESULTS - 1);
    query.limit = limit + 1;

    let index = state.search.clone();
    let (hits, through) = blocking(&index, move |index| {
        Ok((index.search(&query)?, index.indexed_through()?))
    })
    .await
    .map_err(|e| ApiError::new(ErrorCode::Internal, format!("search is unavailable: {e}")))?;
    let head = state.store.last_event_seq().await?;

    let more = hits.len() > limit;
    let ids: Vec<MessageId> = hits.iter().take(limit).map(|h| h.message).collect();
    let mut found = state.store.messages_by_ids(&ids).await?;
    // Belt and braces: nothing outside the caller's rooms, whatever the index said.
    found.retain(|m| mine.contains(&m.room));
    found.sort_by_key(|m| ids.iter().position(|id| *id == m.id));
    let messages = with_boosts(&state, &found).await?;
    let results = found
        .iter()
        .zip(messages)
        .map(|(message, json)| SearchResultJson {
            message: json,
            excerpt: excerpt(&terms, message.body.plain(), EXCERPT_CHARS)
                .into_iter()
                .map(|f| FragmentJson {
                    text: f.text,
                    matched: f.matched,
                })
                .collect(),
        })
        .collect();
    Ok(Json(SearchResultsJson {
        query: q,
        results,
        more,
        complete: through >= head,
    }))
}

/// S2: the caller's recent searches, newest first.
pub async fn recent(
    State(state): State<AppState>,
    authed: Authed,
) -> ApiResult<Json<RecentSearchesJson>> {
    enabled(&state)?;
    let searches = state.app.recent_searches(authed.user.id).await?;
    Ok(Json(RecentSearchesJson { searches }))
}

/// S2: remembers a search the caller ran.
pub async fn record(
    State(state): State<AppState>,
    authed: Authed,
    JsonBody(body): JsonBody<RecordSearch>,
) -> ApiResult<Json<RecentSearchesJson>> {
    enabled(&state)?;
    let q = typed(Some(&body.query))?;
    let searches = state.app.remember_search(authed.user.id, q).await?;
    Ok(Json(RecentSearchesJson { searches }))
}

/// S2: forgets the caller's recent searches.
pub async fn clear(State(state): State<AppState>, authed: Authed) -> ApiResult<Response> {
    enabled(&state)?;
    state.app.forget_searches(authed.user.id).await?;
    Ok(no_content())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_whole_days_and_times_are_exact() {
        assert_eq!(
            parse_time("from", "2026-11-25", false).unwrap(),
            Timestamp(1_795_564_800_000)
        );
        assert_eq!(
            parse_time("to", "2026-11-25", true).unwrap(),
            Timestamp(1_795_564_800_000 + 86_400_000)
        );
        assert_eq!(
            parse_time("from", "2026-11-25T00:00:01Z", false).unwrap(),
            Timestamp(1_795_564_801_000)
        );
        for bad in ["yesterday", "2026-13-01", "2026-02-30", "2026-11", "--"] {
            let error = parse_time("from", bad, false).unwrap_err();
            assert_eq!(error.code, ErrorCode::BadRequest, "{bad}");
        }
    }

    #[test]
    fn blank_and_huge_searches_are_refused_with_a_reason() {
        assert!(typed(None).is_err());
        assert!(typed(Some("   ")).is_err());
        assert_eq!(typed(Some("  hi ")).unwrap(), "hi");
        assert!(typed(Some(&"x".repeat(MAX_QUERY_BYTES))).is_ok());
        assert!(typed(Some(&"x".repeat(MAX_QUERY_BYTES + 1))).is_err());
    }
}
