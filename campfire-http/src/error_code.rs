//! The closed set of error codes, each with its HTTP status.
//!
//! API Boundary: clients branch on these codes; adding one is a protocol change.

/// Why a request failed, as the client sees it. The cause is logged, never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The request is malformed (bad JSON, bad UTF-8, a bad value).
    BadRequest,
    /// Not signed in, or the session ended.
    Unauthorized,
    /// Signed in, but not allowed.
    Forbidden,
    /// No such thing, or not visible to you.
    NotFound,
    /// The route exists, but not with this method.
    MethodNotAllowed,
    /// The request contradicts what is stored (already set up, email taken).
    Conflict,
    /// The body is larger than allowed.
    PayloadTooLarge,
    /// A well-formed request with unacceptable content (a blank message).
    Unprocessable,
    /// Too many attempts, or writes from a banned address.
    TooManyRequests,
    /// Something failed on the server.
    Internal,
}

impl ErrorCode {
    /// The HTTP status code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Conflict => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::Unprocessable => 422,
            ErrorCode::TooManyRequests => 429,
            ErrorCode::Internal => 500,
        }
    }

    /// The code's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::Unprocessable => "unprocessable",
            ErrorCode::TooManyRequests => "too_many_requests",
            ErrorCode::Internal => "internal",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_distinct_name_and_a_client_or_server_status() {
        let all = [
            ErrorCode::BadRequest,
            ErrorCode::Unauthorized,
            ErrorCode::Forbidden,
            ErrorCode::NotFound,
            ErrorCode::MethodNotAllowed,
            ErrorCode::Conflict,
            ErrorCode::PayloadTooLarge,
            ErrorCode::Unprocessable,
            ErrorCode::TooManyRequests,
            ErrorCode::Internal,
        ];
        let names: std::collections::HashSet<_> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), all.len());
        for code in all {
            let internal = code == ErrorCode::Internal;
            assert_eq!(code.status() >= 500, internal, "{code:?}");
        }
    }
}
