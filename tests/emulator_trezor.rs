//! Opt-in: the real CLI against a running Trezor One emulator (trezor-firmware's `legacy`
//! firmware built with its debug link; nothing of it is in this repository). Run with
//!
//! ```text
//! COLDSIGN_TREZOR_EMU=udp:127.0.0.1:21324 \
//!   cargo test --features emulator,test-fakes --test emulator_trezor -- --test-threads 1
//! ```
//!
//! (`COLDSIGN_TREZOR_DEBUGLINK` defaults to the next port). The suite wipes the emulator and
//! loads the "all all … all" seed itself through the debug link, and coldsign approves every
//! button request there after the device asked (or declines it, for the rejection test).
//! Bitcoin spends are of real regtest coins when bitcoind is available (see
//! tests/common/bitcoind.rs) and end in `testmempoolaccept`. Without the variable every test
//! prints why it skipped.

mod common;

use std::sync::{Mutex, MutexGuard, OnceLock};

use common::bitcoind::Bitcoind;
use common::btc;
use common::emulator::{
    eth_flows, multisig_flow, register_multisig, rejection, run_on, single_sig_spends,
    xpubs_and_shown_addresses, SINGLE_SIG,
};
use common::{Outcome, Sandbox};

/// The seed the Trezor firmware's own device tests use.
const ALL: &str = "all all all all all all all all all all all all";

/// One emulator, one session at a time.
static EMULATOR: Mutex<()> = Mutex::new(());
static SEEDED: OnceLock<()> = OnceLock::new();

/// The emulator's variables for the CLI, held for one test at a time.
struct Emulator {
    env: Vec<(&'static str, String)>,
    _turn: MutexGuard<'static, ()>,
}

impl Emulator {
    /// `coldsign --network regtest ARGS` on the emulator.
    fn run(&self, sb: &Sandbox, args: &[&str]) -> Outcome {
        let mut full = vec!["--network", "regtest"];
        full.extend_from_slice(args);
        run_on(sb, &self.env, &full)
    }

    /// The same, with the debug link declining every button request.
    fn run_declining(&self, sb: &Sandbox, args: &[&str]) -> Outcome {
        let mut env = self.env.clone();
        env.push(("COLDSIGN_TREZOR_DEBUGLINK_ANSWER", "no".into()));
        let mut full = vec!["--network", "regtest"];
        full.extend_from_slice(args);
        run_on(sb, &env, &full)
    }
}

fn address(variable: &str) -> Option<String> {
    std::env::var(variable)
        .ok()
        .map(|v| v.trim_start_matches("udp:").to_string())
        .filter(|v| !v.is_empty())
}

/// The emulator named by `COLDSIGN_TREZOR_EMU`, seeded once per run; `None` (after saying
/// why) when the variable is unset or the build cannot reach an emulator.
fn emulator() -> Option<Emulator> {
    let Some(main) = address("COLDSIGN_TREZOR_EMU") else {
        eprintln!("skipped: set COLDSIGN_TREZOR_EMU=udp:127.0.0.1:21324 (a Trezor emulator)");
        return None;
    };
    if !cfg!(feature = "emulator") {
        eprintln!("skipped: build with --features emulator,test-fakes to reach the emulator");
        return None;
    }
    let turn = EMULATOR.lock().unwrap_or_else(|e| e.into_inner());
    let debug = address("COLDSIGN_TREZOR_DEBUGLINK").unwrap_or_else(|| {
        let (host, port) = main.rsplit_once(':').expect("host:port");
        format!("{host}:{}", port.parse::<u16>().expect("a port") + 1)
    });
    SEEDED.get_or_init(|| load_seed(&main, &debug));
    Some(Emulator {
        env: vec![
            ("COLDSIGN_TREZOR_EMU", main),
            ("COLDSIGN_TREZOR_DEBUGLINK", debug),
        ],
        _turn: turn,
    })
}

/// Wipes the emulator and loads [`ALL`] (no PIN, no passphrase), answering its questions
/// through the debug link.
fn load_seed(main: &str, debug: &str) {
    use coldsign::hw::trezor_press::PressOnRequest;
    use coldsign::hw::trezor_udp::{DebugLink, UdpTransport};
    use trezor_client::protos;
    use trezor_client::{Model, TrezorMessage, TrezorResponse};

    fn answered<T, R: TrezorMessage>(mut response: TrezorResponse<'_, T, R>) -> T {
        loop {
            response = match response {
                TrezorResponse::Ok(value) => return value,
                TrezorResponse::ButtonRequest(request) => request.ack().unwrap(),
                TrezorResponse::Failure(f) => panic!("the emulator failed: {f:?}"),
                _ => panic!("the emulator asks for a PIN or passphrase"),
            }
        }
    }

    let timeout = std::time::Duration::from_secs(60);
    let transport = PressOnRequest::new(
        Box::new(UdpTransport::connect(main, timeout).unwrap()),
        Box::new(DebugLink::connect(debug, timeout, true).unwrap()),
    );
    let mut client =
        trezor_client::client::trezor_with_transport(Model::TrezorEmulator, Box::new(transport));
    client.init_device(None).unwrap();
    if client.features().is_some_and(|f| f.initialized()) {
        answered(client.wipe_device().unwrap());
        client.init_device(None).unwrap();
    }
    let mut load = protos::LoadDevice::new();
    load.mnemonics = vec![ALL.to_string()];
    load.set_passphrase_protection(false);
    load.set_label("coldsign".into());
    answered(
        client
            .call(load, Box::new(|_, _: protos::Success| Ok(())))
            .unwrap(),
    );
    let features = client.features().cloned();
    eprintln!(
        "emulator: Trezor {} {}.{}.{} seeded",
        features.as_ref().map(|f| f.model()).unwrap_or("?"),
        features.as_ref().map(|f| f.major_version()).unwrap_or(0),
        features.as_ref().map(|f| f.minor_version()).unwrap_or(0),
        features.as_ref().map(|f| f.patch_version()).unwrap_or(0),
    );
}

/// Every single-sig account's xpub, and an address of each shown on the device, equal
/// coldsign's own derivation from the seed.
#[test]
fn trezor_xpubs_and_shown_addresses_match_coldsigns_derivation() {
    let Some(emu) = emulator() else { return };
    xpubs_and_shown_addresses(&|sb, args| emu.run(sb, args), "trezor", &btc::hd(ALL));
}

/// p2pkh, p2sh-p2wpkh, p2wpkh and p2tr spends of real regtest coins, signed by the Trezor through
/// `sign --device trezor` (no keystore: the device's xpubs prove the change), finalized by
/// the CLI and accepted by Bitcoin Core.
#[test]
fn trezor_signs_single_sig_spends_bitcoin_core_accepts() {
    let Some(emu) = emulator() else { return };
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let run = |sb: &Sandbox, args: &[&str]| emu.run(sb, args);
    single_sig_spends(&run, "trezor", &btc::hd(ALL), &node, &SINGLE_SIG);
}

/// The Trezor as one cosigner of a 2-of-3 (sortedmulti in p2wsh and in p2sh-p2wsh): it shows
/// the wallet's address, signs with the cosigners' xpubs (its own change recognised), the
/// "abandon" cosigner adds the second signature, and Bitcoin Core accepts the result.
#[test]
fn trezor_cosigns_2_of_3_multisig_and_shows_its_addresses() {
    let Some(emu) = emulator() else { return };
    let Some(node) = Bitcoind::start() else {
        return;
    };
    for (template, script) in [
        ("wsh(sortedmulti(2,{0},{1},{2}))", "2'"),
        ("sh(wsh(sortedmulti(2,{0},{1},{2})))", "1'"),
    ] {
        let sb = Sandbox::new();
        let wallet = register_multisig(&sb, ALL, template, &format!("m/48'/1'/0'/{script}"));
        multisig_flow(&|sb, args| emu.run(sb, args), &sb, "trezor", &wallet, &node);
    }
}

/// Declined on the device: exit code 1 and no output file.
#[test]
fn a_rejection_on_the_trezor_exits_1_and_writes_nothing() {
    let Some(emu) = emulator() else { return };
    rejection(
        &|sb, args| emu.run_declining(sb, args),
        "trezor",
        &btc::hd(ALL),
    );
}

/// Ethereum on the Trezor: an EIP-1559 payment, an ERC-20 transfer, personal_sign and
/// EIP-712 typed data, which the Trezor One signs in hashed mode: flagged
/// `eth.device.blind-typed-data` (high) and signed only when that is accepted.
#[test]
fn trezor_signs_ethereum_transactions_and_messages() {
    let Some(emu) = emulator() else { return };
    let sb = Sandbox::new();
    let from = alloy_primitives::address!("73d0385F4d8E00C5e6504C6030F47BF6212736A8");
    let run = |sb: &Sandbox, args: &[&str]| run_on(sb, &emu.env, args);
    eth_flows(
        &sb,
        &run,
        "trezor",
        from,
        &["eth.device.blind-typed-data", "eth.typed-data.unrecognised"],
        false,
    );
}
