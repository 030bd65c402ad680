//! Outbound delivery policy, without I/O: when to retry a failed delivery (exponential backoff
//! with jitter, a bounded number of attempts) and when to stop calling an endpoint that keeps
//! failing (a circuit breaker per endpoint).
//!
//! Randomness is an input like time: the caller passes a `jitter` in `[0, 1)`.

use std::collections::BTreeMap;

/// How failed deliveries are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The delay before the first retry, before jitter.
    pub base_ms: u64,
    /// The longest delay between attempts.
    pub max_delay_ms: u64,
    /// Attempts in all, the first included; after the last failure the delivery is given up.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_ms: 1_000,
            max_delay_ms: 10 * 60 * 1_000,
            max_attempts: 8,
        }
    }
}

impl RetryPolicy {
    /// The delay before the next attempt after `attempts` failed ones, or `None` to give up.
    /// "Equal jitter": half the exponential delay, plus a random part of the other half, so
    /// retries of many deliveries spread out but never come back too soon.
    pub fn next_delay(&self, attempts: u32, jitter: f64) -> Option<u64> {
        if attempts >= self.max_attempts {
            return None;
        }
        let exponent = attempts.saturating_sub(1).min(32);
        let ceiling = self
            .base_ms
            .saturating_mul(1u64 << exponent)
            .min(self.max_delay_ms);
        let half = ceiling / 2;
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        // Truncation is intended: a delay is whole milliseconds.
        let random = (half as f64 * jitter) as u64;
        Some(half + random.min(ceiling - half))
    }
}

/// A circuit's state, as admins see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    /// Deliveries flow.
    Closed,
    /// The endpoint failed repeatedly: nothing is sent until `until`.
    Open {
        /// When one trial delivery will be allowed.
        until: u64,
    },
    /// One trial delivery is allowed; its outcome closes or reopens the circuit.
    HalfOpen,
}

/// How the breaker reacts to failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BreakerPolicy {
    /// Consecutive failures that open the circuit.
    pub failure_threshold: u32,
    /// How long an open circuit stays open before a trial.
    pub open_ms: u64,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        BreakerPolicy {
            failure_threshold: 5,
            open_ms: 60_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Breaker {
    failures: u32,
    state: CircuitState,
    trial_in_flight: bool,
}

/// One circuit breaker per endpoint `K`.
#[derive(Debug, Clone)]
pub struct Breakers<K> {
    policy: BreakerPolicy,
    circuits: BTreeMap<K, Breaker>,
}

impl<K: Ord + Clone> Breakers<K> {
    /// No circuits yet: every endpoint starts closed.
    pub fn new(policy: BreakerPolicy) -> Self {
        Breakers {
            policy,
            circuits: BTreeMap::new(),
        }
    }

    /// Whether a delivery to `endpoint` may be attempted now. While half-open, only one trial
    /// is let through until its outcome is recorded.
    pub fn allow(&mut self, now: u64, endpoint: &K) -> bool {
        let Some(breaker) = self.circuits.get_mut(endpoint) else {
            return true;
        };
        if let CircuitState::Open { until } = breaker.state
            && now >= until
        {
            breaker.state = CircuitState::HalfOpen;
            breaker.trial_in_flight = false;
        }
        match breaker.state {
            CircuitState::Closed => true,
            CircuitState::Open { .. } => false,
            CircuitState::HalfOpen if breaker.trial_in_flight => false,
            CircuitState::HalfOpen => {
                breaker.trial_in_flight = true;
                true
            }
        }
    }

    /// A delivery succeeded: the circuit closes.
    pub fn record_success(&mut self, endpoint: &K) {
        self.circuits.remove(endpoint);
    }

    /// A delivery failed: enough in a row (or a failed trial) opens the circuit.
    pub fn record_failure(&mut self, now: u64, endpoint: &K) {
        let policy = self.policy;
        let breaker = self.circuits.entry(endpoint.clone()).or_insert(Breaker {
            failures: 0,
            state: CircuitState::Closed,
            trial_in_flight: false,
        });
        breaker.failures = breaker.failures.saturating_add(1);
        let trial_failed = breaker.state == CircuitState::HalfOpen;
        if trial_failed || breaker.failures >= policy.failure_threshold {
            breaker.state = CircuitState::Open {
                until: now.saturating_add(policy.open_ms),
            };
            breaker.trial_in_flight = false;
        }
    }

    /// The endpoint's circuit as of `now`.
    pub fn state(&self, now: u64, endpoint: &K) -> CircuitState {
        match self.circuits.get(endpoint).map(|b| b.state) {
            None => CircuitState::Closed,
            Some(CircuitState::Open { until }) if now >= until => CircuitState::HalfOpen,
            Some(state) => state,
        }
    }

    /// When the earliest open circuit allows a trial.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.circuits
            .values()
            .filter_map(|b| match b.state {
                CircuitState::Open { until } => Some(until),
                _ => None,
            })
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_with_bounded_jitter_then_give_up() {
        let policy = RetryPolicy {
            base_ms: 1_000,
            max_delay_ms: 8_000,
            max_attempts: 6,
        };
        let lowest: Vec<_> = (1..=6).map(|n| policy.next_delay(n, 0.0)).collect();
        let highest: Vec<_> = (1..=6).map(|n| policy.next_delay(n, 0.999_999)).collect();
        assert_eq!(
            lowest,
            [
                Some(500),
                Some(1_000),
                Some(2_000),
                Some(4_000),
                Some(4_000),
                None
            ]
        );
        assert_eq!(
            highest,
            [
                Some(999),
                Some(1_999),
                Some(3_999),
                Some(7_999),
                Some(7_999),
                None
            ]
        );
        assert_eq!(
            policy.next_delay(1, f64::NAN),
            Some(500),
            "a bad jitter is no jitter"
        );
        assert_eq!(policy.next_delay(3, 7.0), Some(4_000), "jitter is clamped");
    }

    #[test]
    fn a_failing_endpoint_opens_its_circuit_and_a_trial_closes_it() {
        let mut breakers = Breakers::new(BreakerPolicy {
            failure_threshold: 3,
            open_ms: 10_000,
        });
        let (a, b) = ("a.example", "b.example");
        for now in [0, 1, 2] {
            assert!(breakers.allow(now, &a));
            breakers.record_failure(now, &a);
        }
        assert_eq!(breakers.state(2, &a), CircuitState::Open { until: 10_002 });
        assert!(!breakers.allow(5_000, &a), "open: nothing is sent");
        assert!(
            breakers.allow(5_000, &b),
            "other endpoints are not affected"
        );
        assert_eq!(breakers.poll_timeout(), Some(10_002));

        assert!(!breakers.allow(10_001, &a));
        assert!(
            breakers.allow(10_002, &a),
            "one trial after the open period"
        );
        assert!(!breakers.allow(10_003, &a), "only one trial at a time");
        breakers.record_failure(10_004, &a);
        assert_eq!(
            breakers.state(10_004, &a),
            CircuitState::Open { until: 20_004 },
            "a failed trial reopens"
        );

        assert!(breakers.allow(20_004, &a));
        breakers.record_success(&a);
        assert_eq!(breakers.state(20_005, &a), CircuitState::Closed);
        assert!(breakers.allow(20_005, &a) && breakers.allow(20_005, &a));
        assert_eq!(breakers.poll_timeout(), None);
    }

    #[test]
    fn successes_reset_the_failure_count() {
        let mut breakers = Breakers::new(BreakerPolicy {
            failure_threshold: 2,
            open_ms: 100,
        });
        breakers.record_failure(0, &1);
        breakers.record_success(&1);
        breakers.record_failure(1, &1);
        assert_eq!(
            breakers.state(1, &1),
            CircuitState::Closed,
            "not two in a row"
        );
        breakers.record_failure(2, &1);
        assert_eq!(breakers.state(2, &1), CircuitState::Open { until: 102 });
    }
}
