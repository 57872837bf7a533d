//! The Rust handlers against the cross-language vectors (handlers/vectors.json), bad events,
//! and the light workload against a real DynamoDB-wire-compatible server (moto) on 127.0.0.1.

use lambench_handlers::{cpu, light, memory};
use lambench_testkit::moto;
use serde_json::{Value, json};

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../vectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("vectors.json")).expect("json")
}

#[test]
fn cpu_digests_match_the_vectors() {
    let v = vectors();
    for n in ["1", "2", "1000"] {
        let want = v["cpu_intensive"]["digests"][n].as_str().unwrap();
        let got = cpu::handle(&json!({"iterations": n.parse::<u64>().unwrap()})).unwrap();
        assert_eq!(got["digest"], want, "N = {n}");
        assert_eq!(got["success"], true);
        assert_eq!(got["workload"], "cpu-intensive");
    }
    assert_eq!(
        std::str::from_utf8(cpu::SEED).unwrap(),
        v["cpu_intensive"]["seed"]
    );
}

#[test]
fn memory_results_match_the_vectors() {
    let v = vectors();
    for m in ["1", "2"] {
        let want = &v["memory_intensive"]["results"][m];
        let got = memory::handle(&json!({"sizeMb": m.parse::<u64>().unwrap()})).unwrap();
        for field in ["count", "min", "median", "max"] {
            assert_eq!(got[field], want[field], "M = {m}, {field}");
        }
    }
    assert_eq!(memory::count_for(100), 13_107_200);
}

#[test]
fn memory_order_is_spot_checked() {
    let mut values: Vec<i64> = (0..10_000).collect();
    assert!(memory::in_order(&values));
    values.swap(5_000, 5_010); // 5,000 is a checked position
    assert!(!memory::in_order(&values));
    assert!(
        !memory::in_order(&[1, 2, 3, 0]),
        "the last value is always checked"
    );
    assert!(memory::in_order(&[7]));
}

#[test]
fn memory_values_are_uniform_30_bit() {
    let values = memory::fill(131_072);
    let mut eighths = [0usize; 8];
    for &v in &values {
        assert!((0..1 << 30).contains(&v), "{v}");
        eighths[(v >> 27) as usize] += 1;
    }
    for c in eighths {
        let share = c as f64 / values.len() as f64;
        assert!((share - 0.125).abs() < 0.01, "{eighths:?}");
    }
}

#[test]
fn bad_events_are_errors_with_the_contract_body() {
    for event in [
        json!({"iterations": 0}),
        json!({"iterations": 10_000_001}),
        json!({"iterations": "many"}),
        json!({"iterations": -3}),
    ] {
        let err = cpu::handle(&event).unwrap_err();
        assert_eq!(err.body()["success"], false, "{event}");
        assert_eq!(err.body()["workload"], "cpu-intensive");
        assert!(err.message.contains("iterations"), "{}", err.message);
        let diagnostic = lambda_runtime::Diagnostic::from(err);
        assert_eq!(diagnostic.error_type, "WorkloadError");
    }
    for event in [
        json!({"sizeMb": 0}),
        json!({"sizeMb": 4096}),
        json!({"sizeMb": 1.5}),
    ] {
        assert!(memory::handle(&event).is_err(), "{event}");
    }
    // Defaults apply to an empty event.
    assert!(cpu::handle(&json!({"iterations": null})).is_ok());
}

#[tokio::test]
async fn light_writes_and_reads_back_five_items() {
    let Some(server) = moto::start() else { return };
    server.create_light_table("lambench-light");
    for (k, v) in server.env() {
        // SAFETY: set before any other thread of this test reads the environment.
        unsafe { std::env::set_var(k, v) };
    }
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let body = light::handle(&client, "lambench-light", "req-1")
        .await
        .unwrap();
    assert_eq!(
        body,
        json!({"success": true, "workload": "light", "written": 5, "read": 5})
    );
    light::handle(&client, "lambench-light", "req-2")
        .await
        .unwrap();
    assert_eq!(
        server.count_items("lambench-light"),
        10,
        "keys are unique per invocation"
    );
    let err = light::handle(&client, "no-such-table", "req-3")
        .await
        .unwrap_err();
    assert!(
        err.message.contains("BatchWriteItem failed"),
        "{}",
        err.message
    );
    assert!(err.message.contains("ResourceNotFound"), "{}", err.message);
}
