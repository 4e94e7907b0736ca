//! Keystore v3 compatibility with an independent implementation: Foundry's `cast`
//! (installed by scripts/test from npm @foundry-rs/cast-linux-amd64).

mod common;

use std::process::Command;

use common::eth::cast;
use common::{Sandbox, ABANDON};

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run cast");
    assert!(
        out.status.success(),
        "cast failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn cast_decrypts_the_keystore_v3_we_export() {
    let Some(cast) = cast() else { return };
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    std::fs::write(sb.path("v3pass.txt"), "v3 password\n").unwrap();
    std::fs::create_dir(sb.path("v3")).unwrap();
    sb.run_keyed(
        &[
            "key",
            "export-v3",
            "-o",
            "v3/account",
            "--v3-password-file",
            "v3pass.txt",
            "--index",
            "1",
        ],
        "",
    )
    .ok();
    let address = run(Command::new(&cast)
        .args(["wallet", "address", "--keystore"])
        .arg(sb.path("v3/account"))
        .args(["--password", "v3 password"]));
    assert_eq!(address.trim(), "0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0");
    let key = run(Command::new(&cast)
        .args(["wallet", "decrypt-keystore", "account", "-k"])
        .arg(sb.path("v3"))
        .args(["--unsafe-password", "v3 password"]));
    let derived = run(Command::new(&cast).args([
        "wallet",
        "private-key",
        "--mnemonic",
        ABANDON,
        "--mnemonic-index",
        "1",
    ]));
    assert!(
        key.contains(derived.trim()),
        "cast decrypted a different key"
    );
}

#[test]
fn we_import_keystores_cast_writes() {
    let Some(cast) = cast() else { return };
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path("castks")).unwrap();
    std::fs::write(sb.path("v3pass.txt"), "cast pw\n").unwrap();
    run(Command::new(&cast)
        .args([
            "wallet",
            "import",
            "known",
            "--private-key",
            "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
            "-k",
        ])
        .arg(sb.path("castks"))
        .args(["--unsafe-password", "cast pw"]));
    let imported = sb
        .run_keyed(
            &[
                "--json",
                "key",
                "import-v3",
                "castks/known",
                "--v3-password-file",
                "v3pass.txt",
            ],
            "",
        )
        .ok()
        .json();
    assert_eq!(
        imported["address"],
        "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b"
    );
    // A fresh random key from `cast wallet new`.
    let created = run(Command::new(&cast)
        .args(["wallet", "new"])
        .arg(sb.path("castks"))
        .args(["--unsafe-password", "cast pw"]));
    let address = created
        .lines()
        .find_map(|l| l.strip_prefix("Address:"))
        .unwrap()
        .trim()
        .to_string();
    let file = created
        .lines()
        .find_map(|l| l.strip_prefix("Created new encrypted keystore file:"))
        .unwrap()
        .trim()
        .to_string();
    let other = sb.path("second.json");
    let imported = sb
        .run(
            &[
                "--json",
                "--keystore",
                other.to_str().unwrap(),
                "--password-file",
                "password.txt",
                "key",
                "import-v3",
                &file,
                "--v3-password-file",
                "v3pass.txt",
            ],
            "",
        )
        .ok()
        .json();
    assert_eq!(imported["address"], address.as_str());
}
