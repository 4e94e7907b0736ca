//! The device commands on a machine without USB (a VM, a container, many servers): each exits
//! with the device code 3 and a hint, never with a panic (101). rusb's global libusb context
//! panics when libusb cannot start, which it cannot without `/dev/bus/usb`; coldsign starts a
//! context of its own first. Where the host has USB nodes, they are hidden under empty tmpfs
//! mounts in a private mount namespace (`unshare --mount`, as root).

mod common;

use std::path::Path;
use std::process::Command;

use common::ledger::{cases, text};
use common::Sandbox;

/// The host's USB device nodes and HID class directory, whichever exist.
fn usb_nodes() -> Vec<&'static str> {
    ["/dev/bus/usb", "/sys/class/hidraw"]
        .into_iter()
        .filter(|p| Path::new(p).exists())
        .collect()
}

/// A coldsign command that sees no USB, or `None` (test skipped) where the USB nodes exist
/// and cannot be hidden.
fn without_usb(sb: &Sandbox) -> Option<Command> {
    let nodes = usb_nodes();
    if nodes.is_empty() {
        return Some(sb.command());
    }
    let mounts: Vec<String> = nodes
        .iter()
        .map(|n| format!("mount -t tmpfs none {n} && "))
        .collect();
    let script = format!("{}exec \"$0\" \"$@\"", mounts.concat());
    let hidden = Command::new("unshare")
        .args(["--mount", "--", "sh", "-c", &script, "true"])
        .status()
        .is_ok_and(|s| s.success());
    if !hidden {
        assert!(
            std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none(),
            "cannot hide {nodes:?} (unshare --mount needs root)"
        );
        eprintln!("skipping: this host has {nodes:?} and unshare --mount is unavailable");
        return None;
    }
    Some(sb.command_under(&["unshare", "--mount", "--", "sh", "-c", &script]))
}

/// Runs `command` (space-separated arguments) without USB and asserts exit code 3 with an
/// `error:` and a `hint:`.
fn assert_device_error(sb: &Sandbox, command: &str) {
    let Some(cmd) = without_usb(sb) else { return };
    let args: Vec<&str> = command.split_whitespace().collect();
    let out = sb.run_with(cmd, &args, "").fails_after_review(3);
    assert!(out.stderr.contains("\nhint: "), "{command}: {}", out.stderr);
}

const DEVICES: [&str; 2] = ["trezor", "ledger"];

#[test]
fn device_list_and_xpub_exit_3_without_usb() {
    let sb = Sandbox::new();
    assert_device_error(&sb, "device list");
    for device in DEVICES {
        assert_device_error(
            &sb,
            &format!("device xpub --device {device} --path m/84'/0'/0'"),
        );
    }
}

#[test]
fn sign_on_a_device_exits_3_without_usb() {
    let sb = Sandbox::new();
    let psbt = &cases("sign_psbt")[0];
    std::fs::write(sb.path("spend.psbt"), text(psbt, "psbt")).unwrap();
    for device in DEVICES {
        let command = "--network testnet sign spend.psbt -o signed.psbt --yes --device";
        assert_device_error(&sb, &format!("{command} {device}"));
        assert!(!sb.path("signed.psbt").exists());
    }
}

#[test]
fn eth_sign_on_a_device_exits_3_without_usb() {
    let sb = Sandbox::new();
    // An unsigned EIP-1559 transfer of 1 wei on chain 1 (nonce 0, fees 1 and 2 gwei).
    let tx = "02e70180843b9aca00847735940082520894d8da6bf26964af9d7eed9e03e53415d37aa960450180c0";
    std::fs::write(sb.path("tx.hex"), format!("0x{tx}\n")).unwrap();
    for device in DEVICES {
        let command = "eth sign tx.hex -o signed.hex --path m/44'/60'/0'/0/0 --yes --device";
        assert_device_error(&sb, &format!("{command} {device}"));
        assert!(!sb.path("signed.hex").exists());
    }
}
