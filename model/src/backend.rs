//! Where a collection's functions run: on AWS Lambda, or behind a Lambda-compatible endpoint
//! (the local emulator). The manifest records it; the collector's defaults depend on it
//! (`lambench_collector::policy`); each invocation row carries its name.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// AWS Lambda, through the SDK's credentials and region.
    Aws,
    /// A Lambda-compatible endpoint: `collect --local`, `lambench emulate`, or any other.
    Local,
}

impl Backend {
    /// The name rows and manifests carry (`backend` column).
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Aws => "aws",
            Backend::Local => "local",
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serialised_ones() {
        for b in [Backend::Aws, Backend::Local] {
            let json = serde_json::to_string(&b).unwrap();
            assert_eq!(json, format!("\"{}\"", b.as_str()));
            assert_eq!(serde_json::from_str::<Backend>(&json).unwrap(), b);
        }
        assert!(serde_json::from_str::<Backend>("\"gcp\"").is_err());
    }
}
