//! What nLockTime and nSequence mean: an absolute lock time is a block height below
//! 500,000,000 and a Unix time from there on, enforced only when some input's sequence is not
//! final; a sequence is a relative lock time (BIP68) in transactions of version 2 or more when
//! its disable bit is clear, counted in blocks or in units of 512 seconds.

use bitcoin::Sequence;

use crate::i18n::{Phrase, Text};

/// `nLockTime` values from this one on are Unix times.
const LOCKTIME_THRESHOLD: u32 = 500_000_000;

/// A block height or a time, for people (the time stays RFC 3339 in every language).
pub fn describe_locktime(value: u32) -> Text {
    if value < LOCKTIME_THRESHOLD {
        Text::new("review-locktime-block").arg("height", value)
    } else {
        let time = humantime::format_rfc3339(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(value.into()),
        );
        Text::new("review-locktime-time")
            .arg("time", time)
            .arg("unix", value)
    }
}

/// The relative lock time `sequence` sets in a transaction of `version` (BIP68), for people:
/// `None` when there is none (version 1, the disable bit set, or a zero lock).
pub fn relative_lock(version: i32, sequence: Sequence) -> Option<Phrase> {
    if version < 2 {
        return None;
    }
    let text = match sequence.to_relative_lock_time()? {
        bitcoin::relative::LockTime::Blocks(h) if h.value() > 0 => {
            Text::new("review-relative-blocks")
                .arg("blocks", h.value())
                .arg("plural", if h.value() == 1 { "one" } else { "other" })
        }
        bitcoin::relative::LockTime::Time(t) if t.value() > 0 => {
            let seconds = u64::from(t.value()) * 512;
            Text::new("review-relative-time")
                .arg("seconds", seconds)
                .arg(
                    "duration",
                    humantime::format_duration(std::time::Duration::from_secs(seconds)),
                )
        }
        _ => return None,
    };
    Some(text.into())
}

/// The absolute lock time for people, saying whether it is enforced.
pub fn describe_absolute(locktime: u32, sequences: impl IntoIterator<Item = Sequence>) -> Text {
    let enforced = sequences
        .into_iter()
        .any(|s| s.enables_absolute_lock_time());
    let key = if enforced {
        "warning-btc-locktime"
    } else {
        "warning-btc-locktime-not-enforced"
    };
    Text::new(key).text_arg("when", describe_locktime(locktime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_mean_relative_locks_only_from_version_2() {
        assert_eq!(
            relative_lock(2, Sequence::from_height(144)).as_deref(),
            Some("144 blocks after the spent coin confirms")
        );
        assert!(relative_lock(2, Sequence::from_512_second_intervals(2))
            .unwrap()
            .starts_with("1024 seconds (17m 4s)"));
        assert_eq!(relative_lock(1, Sequence::from_height(144)), None);
        assert_eq!(relative_lock(2, Sequence::ENABLE_RBF_NO_LOCKTIME), None);
        assert_eq!(relative_lock(2, Sequence::MAX), None);
        assert_eq!(relative_lock(2, Sequence::ZERO), None);
    }

    #[test]
    fn lock_times_are_heights_or_times_and_may_not_be_enforced() {
        assert_eq!(describe_locktime(800_000).english(), "block 800000");
        assert_eq!(
            describe_locktime(1_700_000_000).english(),
            "2023-11-14T22:13:20Z (Unix time 1700000000)"
        );
        assert_eq!(
            describe_absolute(800_000, [Sequence::ENABLE_RBF_NO_LOCKTIME]).english(),
            "not valid before block 800000"
        );
        assert!(describe_absolute(800_000, [Sequence::MAX])
            .english()
            .contains("not enforced"));
    }
}
