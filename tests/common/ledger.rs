//! Ledger transcripts (fixtures/ledger, copied from ledger_bitcoin_client's tests/data) and the
//! opt-in switches for running the same tests against Speculos or a real device.

use std::path::PathBuf;

use coldsign::hw::replay::FakeReplayTransport;

/// The speculos test seed: every transcript in fixtures/ledger was recorded with it
/// (master fingerprint f5acc2fd).
pub const SPECULOS_SEED: &str = "glory promote mansion idle axis finger extra february uncover one trip resource lawn turtle enact monster seven myth punch hobby comfort wild raise skin";

/// The cases of fixtures/ledger/NAME.json.
pub fn cases(name: &str) -> Vec<serde_json::Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/ledger")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Speculos (`COLDSIGN_SPECULOS=host:port`, in a build with `--features emulator`), or `None`
/// after printing why the test skips.
pub fn speculos() -> Option<Box<dyn coldsign::hw::Transport>> {
    #[cfg(feature = "emulator")]
    if let Some(transport) = coldsign::hw::speculos::SpeculosTransport::from_env() {
        return Some(Box::new(transport.unwrap()));
    }
    eprintln!("skipped: build with --features emulator and set COLDSIGN_SPECULOS=host:port");
    None
}

/// A FAKE device replaying the case's recorded exchanges.
pub fn replay(case: &serde_json::Value) -> FakeReplayTransport {
    let lines: Vec<String> = serde_json::from_value(case["exchanges"].clone()).unwrap();
    FakeReplayTransport::from_lines(&lines).unwrap()
}

/// A string field of a case.
pub fn text(case: &serde_json::Value, key: &str) -> String {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("case has no {key}"))
        .to_string()
}

/// The case's 32-byte HMAC, when it has one.
pub fn hmac(case: &serde_json::Value) -> Option<[u8; 32]> {
    case["hmac"].as_str().map(|h| {
        data_encoding::HEXLOWER
            .decode(h.as_bytes())
            .unwrap()
            .try_into()
            .unwrap()
    })
}

/// The keys_info list of a case.
pub fn keys(case: &serde_json::Value) -> Vec<String> {
    serde_json::from_value(case["keys"].clone()).unwrap()
}
