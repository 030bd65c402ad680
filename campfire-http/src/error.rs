//! API errors: a code from the closed set, a sentence for a person, and the status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use campfire_domain::{Denied, ValueError};
use campfire_store::app::AppError;
use campfire_store::{Conflict, StoreError};

use crate::ErrorCode;

/// An error answered to a client. The cause of an internal error is logged, never sent.
#[derive(Debug)]
pub struct ApiError {
    /// The code.
    pub code: ErrorCode,
    /// What happened, for a person.
    pub message: String,
}

/// Handlers return this.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
        }
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// 404 for something the caller may not know about.
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found"))
    }

    /// 403.
    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "you're not allowed to do that")
    }

    /// 401 with the one generic message.
    pub fn unauthorized() -> Self {
        Self::new(ErrorCode::Unauthorized, "please sign in")
    }

    /// 500, logging the cause.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self::new(ErrorCode::Internal, "something went wrong on the server")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = sentence(&self.message);
        let body =
            serde_json::json!({ "error": { "code": self.code.as_str(), "message": message } });
        (status, Json(body)).into_response()
    }
}

/// What a person reads: errors are written the Rust way ("that email address is already in
/// use", as `Display` and the logs have them) and answered as a sentence ("That email address is
/// already in use."), the one place that turns the one into the other.
fn sentence(message: &str) -> String {
    let message = message.trim();
    let mut chars = message.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with(['.', '!', '?', '…']) {
        out.push('.');
    }
    out
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Conflict(conflict) => {
                let code = match conflict {
                    Conflict::UnknownUser => ErrorCode::Unprocessable,
                    _ => ErrorCode::Conflict,
                };
                ApiError::new(code, conflict.to_string())
            }
            other => ApiError::internal(&other),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Denied(denied) => denied.into(),
            AppError::Invalid(invalid) => invalid.into(),
            AppError::Refused(why) => ApiError::new(ErrorCode::Unprocessable, why),
            error @ (AppError::CurrentPasswordNeeded | AppError::CurrentPasswordWrong) => {
                ApiError::new(ErrorCode::Forbidden, error.to_string())
            }
            AppError::Store(store) => store.into(),
            AppError::NoRandomness(error) => ApiError::internal(&error),
        }
    }
}

impl From<Conflict> for ApiError {
    fn from(conflict: Conflict) -> Self {
        StoreError::Conflict(conflict).into()
    }
}

impl From<ValueError> for ApiError {
    fn from(error: ValueError) -> Self {
        ApiError::new(ErrorCode::Unprocessable, error.to_string())
    }
}

impl From<Denied> for ApiError {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::NotActive => ApiError::unauthorized(),
            Denied::NotFound => ApiError::not_found("room"),
            Denied::Forbidden => ApiError::forbidden(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sentence;

    #[test]
    fn messages_are_answered_as_sentences() {
        assert_eq!(
            sentence("that email and password didn't work"),
            "That email and password didn't work."
        );
        assert_eq!(
            sentence("too many sign-in attempts; try again in a few minutes"),
            "Too many sign-in attempts; try again in a few minutes."
        );
        assert_eq!(sentence("Already a sentence."), "Already a sentence.");
        assert_eq!(sentence("did you mean it?"), "Did you mean it?");
        assert_eq!(sentence("ünïcode first"), "Ünïcode first.");
        assert_eq!(sentence(""), "");
    }
}
