//! Randomness, drawn in one place: the operating system's generator. The domain takes random
//! bytes as inputs and never draws them; every process (server, CLI) draws them here.

use campfire_domain::{BotToken, JoinCode};

/// The operating system had no randomness to give (a broken sandbox, an early-boot machine).
#[derive(Debug, Clone, thiserror::Error)]
#[error("no randomness available: {0}")]
pub struct NoRandomness(String);

/// `N` random bytes from the operating system.
pub fn bytes<const N: usize>() -> Result<[u8; N], NoRandomness> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| NoRandomness(e.to_string()))?;
    Ok(bytes)
}

/// A fresh join code (A2).
pub fn join_code() -> Result<JoinCode, NoRandomness> {
    // 64 bytes give the rejection sampling of the code's alphabet enough to draw from.
    JoinCode::from_random(bytes::<64>()?)
        .ok_or_else(|| NoRandomness("too few usable random bytes for a join code".to_owned()))
}

/// A fresh bot token (B1).
pub fn bot_token() -> Result<BotToken, NoRandomness> {
    BotToken::from_random(bytes::<64>()?)
        .ok_or_else(|| NoRandomness("too few usable random bytes for a bot token".to_owned()))
}

/// A number in `[0, 1)`, for the jitter of a retry's backoff. Never fails: without randomness
/// the backoff is just not jittered.
pub fn fraction() -> f64 {
    let jitter = bytes::<8>().unwrap_or_default();
    (u64::from_le_bytes(jitter) >> 11) as f64 / (1u64 << 53) as f64
}
