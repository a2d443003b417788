//! Temporary failures are tried again with back-off, permanent ones are not (SPEC §10):
//! three tries in all, a server's `Retry-After` honoured up to 60 s.

use std::time::Duration;

/// Why one delivery did not go through. `message` is shown to the user: it must never
/// hold a secret (a webhook URL, a password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub temporary: bool,
    pub message: String,
    /// How long the server asked us to wait (HTTP `Retry-After`).
    pub retry_after: Option<Duration>,
}

impl Failure {
    pub fn temporary(message: impl Into<String>) -> Self {
        Failure { temporary: true, message: message.into(), retry_after: None }
    }

    pub fn permanent(message: impl Into<String>) -> Self {
        Failure { temporary: false, message: message.into(), retry_after: None }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub tries: u32,
    /// The wait after the first failed try; doubled after each further one.
    pub first_wait: Duration,
    /// The longest `Retry-After` honoured.
    pub longest_wait: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { tries: 3, first_wait: Duration::from_secs(1), longest_wait: Duration::from_secs(60) }
    }
}

impl Policy {
    /// The wait before try `next` (2, 3, …) after `failure`.
    pub fn wait_before(&self, next: u32, failure: &Failure) -> Duration {
        match failure.retry_after {
            Some(asked) => asked.min(self.longest_wait),
            None => self.first_wait * 2u32.saturating_pow(next.saturating_sub(2)),
        }
    }
}

/// Runs `attempt` until it succeeds, fails permanently, or has been tried `policy.tries`
/// times; `sleep` waits between tries (a parameter, so that the rule is tested without
/// waiting). Returns the last failure, its message saying how many tries were made.
pub fn with_retries<T>(
    policy: &Policy,
    mut sleep: impl FnMut(Duration),
    mut attempt: impl FnMut() -> Result<T, Failure>,
) -> Result<T, Failure> {
    let mut tried = 0;
    loop {
        tried += 1;
        match attempt() {
            Ok(done) => return Ok(done),
            Err(failure) if failure.temporary && tried < policy.tries => {
                sleep(policy.wait_before(tried + 1, &failure));
            }
            Err(mut failure) => {
                if failure.temporary {
                    failure.message = format!("{} (tried {tried} times)", failure.message);
                }
                return Err(failure);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(outcomes: Vec<Result<u8, Failure>>) -> (Result<u8, Failure>, Vec<Duration>, usize) {
        let mut waits = Vec::new();
        let mut left = outcomes.into_iter();
        let mut calls = 0;
        let result = with_retries(
            &Policy::default(),
            |d| waits.push(d),
            || {
                calls += 1;
                left.next().expect("tried too often")
            },
        );
        (result, waits, calls)
    }

    #[test]
    fn temporary_failures_are_tried_three_times_with_back_off() {
        let (result, waits, calls) =
            run(vec![Err(Failure::temporary("451")), Err(Failure::temporary("451")), Err(Failure::temporary("451"))]);
        assert_eq!(calls, 3);
        assert_eq!(waits, [Duration::from_secs(1), Duration::from_secs(2)]);
        assert_eq!(result.unwrap_err().message, "451 (tried 3 times)");
    }

    #[test]
    fn a_success_after_a_temporary_failure_is_a_success() {
        let (result, waits, _) = run(vec![Err(Failure::temporary("503")), Ok(7)]);
        assert_eq!(result, Ok(7));
        assert_eq!(waits.len(), 1);
    }

    #[test]
    fn permanent_failures_are_not_tried_again() {
        let (result, waits, calls) = run(vec![Err(Failure::permanent("550 no such user"))]);
        assert_eq!((calls, waits.len()), (1, 0));
        assert_eq!(result.unwrap_err().message, "550 no such user");
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_minute() {
        let asked = |s| Failure { retry_after: Some(Duration::from_secs(s)), ..Failure::temporary("429") };
        let (_, waits, _) = run(vec![Err(asked(5)), Err(asked(3600)), Ok(1)]);
        assert_eq!(waits, [Duration::from_secs(5), Duration::from_secs(60)]);
    }
}
