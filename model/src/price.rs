//! AWS Lambda on-demand prices: compute per GB-second by architecture with the monthly volume
//! tiers, and the per-request charge.
//!
//! Source: the AWS Lambda pricing page (aws.amazon.com/lambda/pricing), "Duration" and
//! "Requests" tables for on-demand functions, figures recorded on 2026-11-29 ([`PRICES_AS_OF`]).
//! Billing granularity is 1 ms. Since 1 August 2025 the INIT phase of on-demand zip functions is
//! billed too and is included in the REPORT line's Billed Duration, so the cost of one
//! invocation is `(Billed Duration + Billed Restore Duration) × memory × price + request price`.
//! Not modelled: the free tier (1M requests and 400,000 GB-s a month per account), ephemeral
//! storage above 512 MB, Provisioned Concurrency, SnapStart cache/restore charges, data transfer.

use thiserror::Error;

use crate::matrix::Architecture;

/// When the figures below were taken from the pricing page.
pub const PRICES_AS_OF: &str = "2026-11-29";
/// Where the figures come from.
pub const PRICES_SOURCE: &str =
    "https://aws.amazon.com/lambda/pricing/ (on-demand Duration and Requests tables)";
/// Region used when a query does not name one.
pub const DEFAULT_PRICE_REGION: &str = "us-east-1";

/// A price model question that has no answer.
#[derive(Debug, Error, PartialEq)]
pub enum PriceError {
    #[error(
        "no Lambda prices recorded for region {region:?}; known regions: {known}. Add it to model/src/price.rs with its source"
    )]
    UnknownRegion { region: String, known: String },
    #[error("unknown architecture {0:?}; use arm64 or x86_64")]
    UnknownArchitecture(String),
    #[error("{what} must be a finite, non-negative number, got {value}")]
    Negative { what: &'static str, value: f64 },
}

/// One monthly volume tier: GB-seconds up to `up_to_gb_s` (cumulative) cost `usd_per_gb_s`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tier {
    pub up_to_gb_s: f64,
    pub usd_per_gb_s: f64,
}

/// Prices of one region.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionPrices {
    pub region: &'static str,
    pub x86_64: [Tier; 3],
    pub arm64: [Tier; 3],
    pub usd_per_request: f64,
}

impl RegionPrices {
    /// The compute tiers for an architecture.
    pub fn tiers(&self, arch: Architecture) -> &[Tier; 3] {
        match arch {
            Architecture::X86_64 => &self.x86_64,
            Architecture::Arm64 => &self.arm64,
        }
    }
}

const X86_TIERS: [Tier; 3] = [
    Tier {
        up_to_gb_s: 6e9,
        usd_per_gb_s: 0.000_016_666_7,
    },
    Tier {
        up_to_gb_s: 15e9,
        usd_per_gb_s: 0.000_015_000_0,
    },
    Tier {
        up_to_gb_s: f64::INFINITY,
        usd_per_gb_s: 0.000_013_333_4,
    },
];
const ARM_TIERS: [Tier; 3] = [
    Tier {
        up_to_gb_s: 7.5e9,
        usd_per_gb_s: 0.000_013_333_4,
    },
    Tier {
        up_to_gb_s: 18.75e9,
        usd_per_gb_s: 0.000_012_000_1,
    },
    Tier {
        up_to_gb_s: f64::INFINITY,
        usd_per_gb_s: 0.000_010_666_7,
    },
];
const USD_PER_REQUEST: f64 = 0.20 / 1_000_000.0;

/// The regions whose prices are recorded (the US regions share one price list).
pub const REGIONS: &[RegionPrices] = &[
    RegionPrices {
        region: "us-east-1",
        x86_64: X86_TIERS,
        arm64: ARM_TIERS,
        usd_per_request: USD_PER_REQUEST,
    },
    RegionPrices {
        region: "us-east-2",
        x86_64: X86_TIERS,
        arm64: ARM_TIERS,
        usd_per_request: USD_PER_REQUEST,
    },
    RegionPrices {
        region: "us-west-2",
        x86_64: X86_TIERS,
        arm64: ARM_TIERS,
        usd_per_request: USD_PER_REQUEST,
    },
];

/// The price table lambench uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct PriceTable;

impl PriceTable {
    /// Prices for a region, or an error listing the known ones.
    pub fn region(&self, region: &str) -> Result<&'static RegionPrices, PriceError> {
        REGIONS
            .iter()
            .find(|r| r.region == region)
            .ok_or_else(|| PriceError::UnknownRegion {
                region: region.to_string(),
                known: REGIONS
                    .iter()
                    .map(|r| r.region)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Cost in USD of one invocation at the first-tier price: compute plus the request charge.
    /// `billed_ms` is Billed Duration plus Billed Restore Duration.
    pub fn invocation_cost(
        &self,
        arch: &str,
        memory_mb: f64,
        billed_ms: f64,
        region: &str,
    ) -> Result<f64, PriceError> {
        let prices = self.region(region)?;
        Ok(self.compute_cost(arch, memory_mb, billed_ms, region)? + prices.usd_per_request)
    }

    /// Compute-only cost in USD of one invocation at the first-tier price.
    pub fn compute_cost(
        &self,
        arch: &str,
        memory_mb: f64,
        billed_ms: f64,
        region: &str,
    ) -> Result<f64, PriceError> {
        let arch = parse_arch(arch)?;
        let prices = self.region(region)?;
        Ok(gb_seconds(memory_mb, billed_ms)? * prices.tiers(arch)[0].usd_per_gb_s)
    }

    /// A month's bill in USD for `gb_s` GB-seconds and `requests` requests of one architecture
    /// in one region, walking the volume tiers.
    pub fn monthly_cost(
        &self,
        arch: &str,
        gb_s: f64,
        requests: f64,
        region: &str,
    ) -> Result<f64, PriceError> {
        non_negative("GB-seconds", gb_s)?;
        non_negative("requests", requests)?;
        let arch = parse_arch(arch)?;
        let prices = self.region(region)?;
        let mut cost = 0.0;
        let mut below = 0.0;
        for tier in prices.tiers(arch) {
            let in_tier = gb_s.min(tier.up_to_gb_s) - below;
            if in_tier <= 0.0 {
                break;
            }
            cost += in_tier * tier.usd_per_gb_s;
            below = tier.up_to_gb_s;
        }
        Ok(cost + requests * prices.usd_per_request)
    }
}

/// GB-seconds of an invocation: memory in GB (MB / 1024, as AWS bills) × billed seconds.
pub fn gb_seconds(memory_mb: f64, billed_ms: f64) -> Result<f64, PriceError> {
    non_negative("memory_mb", memory_mb)?;
    non_negative("billed duration", billed_ms)?;
    Ok(memory_mb / 1024.0 * billed_ms / 1000.0)
}

fn parse_arch(arch: &str) -> Result<Architecture, PriceError> {
    arch.parse()
        .map_err(|_| PriceError::UnknownArchitecture(arch.to_string()))
}

fn non_negative(what: &'static str, value: f64) -> Result<(), PriceError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(PriceError::Negative { what, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1e-12)
    }

    #[test]
    fn gb_seconds_by_hand() {
        // 1024 MB for 1000 ms is one GB-second; 128 MB for 100 ms is 1/80.
        assert_eq!(gb_seconds(1024.0, 1000.0).unwrap(), 1.0);
        assert_eq!(gb_seconds(128.0, 100.0).unwrap(), 0.0125);
        assert!(gb_seconds(-1.0, 5.0).is_err());
        assert!(gb_seconds(128.0, f64::NAN).is_err());
    }

    #[test]
    fn invocation_cost_by_hand() {
        let p = PriceTable;
        // 1769 MB × 1234 ms = 2.131757... GB-s; × $0.0000166667 + $0.0000002.
        let gbs = 1769.0 / 1024.0 * 1.234;
        let x86 = p
            .invocation_cost("x86_64", 1769.0, 1234.0, "us-east-2")
            .unwrap();
        assert!(close(x86, gbs * 0.0000166667 + 0.0000002), "{x86}");
        let arm = p
            .invocation_cost("arm64", 1769.0, 1234.0, "us-east-1")
            .unwrap();
        assert!(close(arm, gbs * 0.0000133334 + 0.0000002), "{arm}");
        // arm64 compute is 20% cheaper per GB-s in the first tier.
        let ratio = p.compute_cost("arm64", 512.0, 10.0, "us-west-2").unwrap()
            / p.compute_cost("x86_64", 512.0, 10.0, "us-west-2").unwrap();
        assert!((ratio - 0.8).abs() < 1e-5, "{ratio}");
    }

    #[test]
    fn monthly_cost_walks_tiers() {
        let p = PriceTable;
        // 10e9 GB-s on x86: 6e9 at tier 1 + 4e9 at tier 2; 1M requests = $0.20.
        let expected = 6e9 * 0.0000166667 + 4e9 * 0.000015 + 0.20;
        let got = p.monthly_cost("x86_64", 10e9, 1e6, "us-east-1").unwrap();
        assert!(close(got, expected), "{got} vs {expected}");
        // 20e9 on arm64 reaches the third tier.
        let expected = 7.5e9 * 0.0000133334 + 11.25e9 * 0.0000120001 + 1.25e9 * 0.0000106667;
        let got = p.monthly_cost("arm64", 20e9, 0.0, "us-east-1").unwrap();
        assert!(close(got, expected), "{got} vs {expected}");
        // A small month is all first tier.
        let got = p.monthly_cost("arm64", 1000.0, 0.0, "us-east-1").unwrap();
        assert!(close(got, 1000.0 * 0.0000133334));
    }

    #[test]
    fn unknown_inputs_are_errors() {
        let p = PriceTable;
        let err = p
            .invocation_cost("x86_64", 128.0, 1.0, "mars-1")
            .unwrap_err();
        assert!(err.to_string().contains("us-east-2"), "{err}");
        assert!(matches!(
            p.invocation_cost("sparc", 128.0, 1.0, "us-east-1"),
            Err(PriceError::UnknownArchitecture(_))
        ));
    }
}
