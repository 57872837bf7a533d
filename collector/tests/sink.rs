//! A run id is owned by one collector: two started at once with the same id cannot both
//! create it (the first manifest is a create-only put), and a later start is refused too.

use lambench_collector::manifest::{Manifest, RunSettings};
use lambench_collector::{CollectError, Filters, Plan, Sink};
use lambench_model::Matrix;
use lambench_store::Location;

fn manifest(run_id: &str) -> Manifest {
    let m = Matrix::builtin().unwrap();
    let plan = Plan::new(
        &m,
        "test",
        m.mode("test").unwrap(),
        &m.default_run(),
        &Filters::default(),
        1,
    );
    let settings = RunSettings {
        backend: lambench_model::Backend::Local,
        region: None,
        target: "test".into(),
        parallelism: Default::default(),
        concurrency: 1,
        control_rate: 15.0,
    };
    Manifest::new(run_id, plan, settings)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_run_id_one_owner() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::resolve(dir.path().to_str().unwrap(), true)
        .await
        .unwrap();
    for round in 0..20 {
        let id = format!("race-{round}");
        let (a, b) = tokio::join!(
            Sink::create(location.clone(), manifest(&id), None),
            Sink::create(location.clone(), manifest(&id), None),
        );
        let owners = [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count();
        assert_eq!(
            owners, 1,
            "round {round}: exactly one collector owns the run id"
        );
        for r in [a, b] {
            if let Err(e) = r {
                assert!(matches!(e, CollectError::RunExists { .. }), "{e}");
            }
        }
    }
    let again = Sink::create(location.clone(), manifest("race-0"), None).await;
    assert!(matches!(again, Err(CollectError::RunExists { .. })));
}

/// Runs collected before the manifests had a folder of their own kept theirs in the run's
/// folder: such a run still owns its id, and resumes, its manifest then moved to where new runs
/// keep theirs (outside the folders of Parquet, which Athena reads whole).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_with_its_manifest_in_the_old_place_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::resolve(dir.path().to_str().unwrap(), true)
        .await
        .unwrap();
    Sink::create(location.clone(), manifest("old"), None)
        .await
        .unwrap();
    let new = dir.path().join("_manifests/old.json");
    let old = dir.path().join("run_id=old/manifest.json");
    std::fs::create_dir_all(old.parent().unwrap()).unwrap();
    std::fs::rename(&new, &old).unwrap();

    let again = Sink::create(location.clone(), manifest("old"), None).await;
    assert!(matches!(again, Err(CollectError::RunExists { .. })));
    let sink = Sink::resume(location.clone(), "old", None).await.unwrap();
    assert_eq!(sink.manifest().await.sessions, 2);
    let written: Manifest = serde_json::from_slice(&std::fs::read(&new).unwrap()).unwrap();
    assert_eq!((written.run_id.as_str(), written.sessions), ("old", 2));
    assert!(
        !old.exists(),
        "the old copy stays behind, stale, among the run's Parquet"
    );

    let missing = Sink::resume(location, "never", None).await;
    let Err(e) = missing else {
        panic!("a run without a manifest resumed")
    };
    assert!(e.to_string().contains("_manifests/never.json"), "{e}");
}
