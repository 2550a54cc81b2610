//! `replica schema pull` against a simulated instance, then `replica check` with the lock it
//! wrote: the instance's custom field and custom status are known, a misspelt field is not.

mod common;

use common::{replica, text};
use replica_runtime::sim::{SeedState, SimConfig, SimHandle, SimPlatform};
use serde_json::json;

const KEY: &str = "pull-test-key";

const RULES: &str = r#"platform freshdesk

incoming {
    entity.custom_fields.cf_region = replica.customKeys.region
    entity.status = nodeHelper.getStatus("In Work")
}
"#;

#[test]
fn a_pulled_lock_makes_check_know_the_instance() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let seed = SeedState::from_json(
        &json!({
            "custom_fields": [{"name": "cf_region", "label": "Region", "type": "dropdown", "choices": ["EMEA", "US"]}],
            "custom_statuses": [{"id": 8, "name": "In Work"}],
            "agents": [{"id": 1, "name": "Ana Lima", "email": "ana@example.com"}]
        })
        .to_string(),
    )
    .unwrap();
    let mut config = SimConfig::new(SimPlatform::Freshdesk, KEY);
    config.seed = Some(seed);
    let sim = runtime.block_on(SimHandle::start(config, "127.0.0.1:0".parse().unwrap())).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("acme.sync");
    std::fs::write(&rules, RULES).unwrap();

    // Without a lock, the custom status is unknown.
    let before = replica().arg("check").arg(&rules).output().unwrap();
    assert_eq!(before.status.code(), Some(1), "{}", text(&before.stderr));
    assert!(text(&before.stderr).contains("In Work"), "{}", text(&before.stderr));

    // `replica schema pull` into `file` of the folder, with the API key `key`.
    let pull = |file: &str, key: &str| {
        replica()
            .args(["schema", "pull", "--platform", "freshdesk", "--url", &sim.base_url()])
            .args(["--api-key-env", "PULL_KEY", "-o"])
            .arg(dir.path().join(file))
            .env("PULL_KEY", key)
            .output()
            .unwrap()
    };
    let pulled = pull("replica.schema.json", KEY);
    assert_eq!(pulled.status.code(), Some(0), "{}", text(&pulled.stderr));
    assert!(text(&pulled.stderr).contains("1 custom fields"), "{}", text(&pulled.stderr));
    assert!(!text(&pulled.stderr).contains(KEY));

    let after = replica().arg("check").arg(&rules).output().unwrap();
    assert_eq!(after.status.code(), Some(0), "{}", text(&after.stderr));

    std::fs::write(&rules, RULES.replace("cf_region", "cf_regoin")).unwrap();
    let typo = replica().arg("check").arg(&rules).output().unwrap();
    assert_eq!(typo.status.code(), Some(1));
    assert!(text(&typo.stderr).contains("cf_regoin"), "{}", text(&typo.stderr));

    // A wrong key: the tool could not run (exit 2), and says why without the key.
    let refused = pull("other.json", "wrong-key");
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("refused the API key"), "{}", text(&refused.stderr));
    assert!(!text(&refused.stderr).contains("wrong-key"));

    // No key at all.
    let missing = replica()
        .args([
            "schema",
            "pull",
            "--platform",
            "freshdesk",
            "--url",
            &sim.base_url(),
            "--api-key-env",
            "PULL_KEY_UNSET",
        ])
        .env_remove("PULL_KEY_UNSET")
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("`PULL_KEY_UNSET` is not set"), "{}", text(&missing.stderr));
    runtime.block_on(sim.shutdown());
}
