//! A runtime's place in Lambda's deprecation schedule, from the dates `bench.toml` records
//! (Lambda's runtime table): whether lambench can still deploy and configure its functions on
//! a given day. `lambench matrix`, `collect` and (through `matrix --json`) the CDK app ask
//! here, so the rule and its message exist once.

use chrono::NaiveDate;
use serde::Serialize;

/// Days before a deprecation or block date from which lambench warns.
pub const WARN_DAYS: i64 = 90;

/// A runtime's dates in Lambda's runtime table; any may be unknown (not yet announced).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lifecycle {
    /// End of support: no more security patches.
    pub deprecated: Option<NaiveDate>,
    /// From this day Lambda refuses to create functions with the runtime.
    pub create_blocked: Option<NaiveDate>,
    /// From this day Lambda refuses to update them too (configuration included, which the
    /// collector does for every memory size).
    pub update_blocked: Option<NaiveDate>,
}

/// Where a runtime stands on one day, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Functions can be neither created nor updated: nothing can be deployed or collected.
    UpdateBlocked,
    /// Functions can no longer be created: a new deployment fails.
    CreateBlocked,
    /// Past its deprecation date, or within [`WARN_DAYS`] of a date: it works, with a warning.
    Expiring,
    Supported,
}

impl Standing {
    /// Whether a deployment (the CDK app creating functions) must refuse it.
    pub fn blocks_deploy(self) -> bool {
        matches!(self, Standing::UpdateBlocked | Standing::CreateBlocked)
    }

    /// Whether the collector on AWS, which updates each function's memory, must refuse it.
    pub fn blocks_collect(self) -> bool {
        self == Standing::UpdateBlocked
    }
}

impl Lifecycle {
    /// Where the runtime stands on `today`.
    pub fn standing(&self, today: NaiveDate) -> Standing {
        let passed = |d: Option<NaiveDate>| d.is_some_and(|d| d <= today);
        let near = |d: Option<NaiveDate>| d.is_some_and(|d| (d - today).num_days() <= WARN_DAYS);
        if passed(self.update_blocked) {
            Standing::UpdateBlocked
        } else if passed(self.create_blocked) {
            Standing::CreateBlocked
        } else if near(self.deprecated) || near(self.create_blocked) || near(self.update_blocked) {
            Standing::Expiring
        } else {
            Standing::Supported
        }
    }

    /// What a user should be told about runtime `id` on `today`, and what to do; `None` while
    /// it is supported and no date is near.
    pub fn notice(&self, id: &str, today: NaiveDate) -> Option<String> {
        let standing = self.standing(today);
        if standing == Standing::Supported {
            return None;
        }
        // NaiveDate prints as the runtime table writes dates (2027-02-01).
        let when = |what: &str, d: NaiveDate| match (d - today).num_days() {
            n if n > 0 => format!("{what} from {d} (in {n} days)"),
            0 => format!("{what} from today"),
            _ => format!("{what} since {d}"),
        };
        let mut facts = Vec::new();
        if let Some(d) = self.deprecated {
            facts.push(when("deprecated", d));
        }
        if let Some(d) = self.create_blocked {
            facts.push(when("Lambda blocks creating its functions", d));
        }
        if let Some(d) = self.update_blocked {
            facts.push(when("updating them", d));
        }
        let fix = match standing {
            Standing::UpdateBlocked => {
                "lambench can neither deploy nor configure its functions: remove it from bench.toml's [[runtimes]] (or leave it out with --runtime)"
            }
            Standing::CreateBlocked => {
                "a new deployment fails: remove it from bench.toml's [[runtimes]] and deploy a newer runtime instead"
            }
            _ => "plan to replace it in bench.toml's [[runtimes]] with a newer runtime",
        };
        Some(format!("{id}: {}; {fix}", facts.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    /// nodejs20.x as Lambda's table gives it.
    fn node20() -> Lifecycle {
        Lifecycle {
            deprecated: Some(day("2026-04-30")),
            create_blocked: Some(day("2027-02-01")),
            update_blocked: Some(day("2027-03-03")),
        }
    }

    #[test]
    fn standing_follows_the_dates() {
        let n = node20();
        assert_eq!(n.standing(day("2025-12-01")), Standing::Supported);
        assert_eq!(n.standing(day("2026-03-01")), Standing::Expiring);
        assert_eq!(n.standing(day("2026-12-01")), Standing::Expiring);
        assert_eq!(n.standing(day("2027-02-01")), Standing::CreateBlocked);
        assert_eq!(n.standing(day("2027-03-03")), Standing::UpdateBlocked);
        assert!(
            Standing::CreateBlocked.blocks_deploy() && !Standing::CreateBlocked.blocks_collect()
        );
        assert!(Standing::UpdateBlocked.blocks_collect());
        assert_eq!(
            Lifecycle::default().standing(day("2099-01-01")),
            Standing::Supported
        );
    }

    #[test]
    fn the_notice_gives_the_dates_and_the_fix() {
        let n = node20();
        assert_eq!(n.notice("nodejs20.x", day("2025-12-01")), None);
        let soon = n
            .notice("nodejs20.x", day("2026-12-01"))
            .expect("a warning");
        assert!(
            soon.contains("deprecated since 2026-04-30")
                && soon.contains("creating its functions from 2027-02-01 (in 62 days)")
                && soon.contains("bench.toml"),
            "{soon}"
        );
        let blocked = n.notice("nodejs20.x", day("2027-02-10")).expect("blocked");
        assert!(
            blocked.contains("since 2027-02-01") && blocked.contains("a new deployment fails"),
            "{blocked}"
        );
    }
}
