//! UTC days of timestamps (microseconds since the epoch): the stratum of samples from data
//! without rounds, and the trend's weeks.

pub(crate) const MICROS_PER_DAY: i64 = 86_400_000_000;

/// The UTC day of a timestamp in microseconds.
pub(crate) fn day(micros: i64) -> i32 {
    micros.div_euclid(MICROS_PER_DAY) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_utc_days_before_and_after_the_epoch() {
        assert_eq!(day(0), 0);
        assert_eq!(day(MICROS_PER_DAY - 1), 0);
        assert_eq!(day(MICROS_PER_DAY), 1);
        assert_eq!(day(-1), -1);
    }
}
