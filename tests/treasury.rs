//! Treasury controls through the binary: a 2-of-3 set up from three keystores' exports in
//! every format, a policy that allows one destination and denies another, the rolling 24-hour
//! limit, look-alike destinations, and tampering with the audit log.

mod common;

use std::collections::HashMap;

use bitcoin::hashes::Hash;
use bitcoin::psbt::Psbt;
use bitcoin::{Address, Amount, Network, ScriptBuf, WPubkeyHash};
use coldsign::btc::builder::SpendBuilder;
use common::btc::*;
use common::{Sandbox, ABANDON, LEGAL};
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};

fn address(tag: &[u8]) -> Address {
    Address::from_script(
        &ScriptBuf::new_p2wpkh(&WPubkeyHash::hash(tag)),
        Network::Regtest,
    )
    .unwrap()
}

fn pay(d: &Descriptor<DescriptorPublicKey>, coin: u32, to: &Address, amount: u64) -> Psbt {
    SpendBuilder::new()
        .fund(&at(d, 0, coin), Amount::from_sat(10_000_000))
        .pay(to.script_pubkey(), Amount::from_sat(amount))
        .pay_to_descriptor(
            &at(d, 1, coin),
            Amount::from_sat(10_000_000 - amount - 5_000),
        )
        .build()
}

/// The formats `multisig create` writes, one imported by each signer of [`vault_of_three`].
const VAULT_FORMATS: [&str; 3] = [
    "vault.bip388.json",
    "vault.coldcard.txt",
    "vault.caravan.json",
];

/// Three signers (ABANDON, LEGAL, LETTER) and their 2-of-3 P2WSH vault, made by the first with
/// `multisig create` from the three watch-only exports and imported by each in another format:
/// the signers, the descriptor and each `wallet import --json` report.
fn vault_of_three() -> ([Sandbox; 3], String, Vec<serde_json::Value>) {
    let signers = [Sandbox::new(), Sandbox::new(), Sandbox::new()];
    for (sb, words) in signers.iter().zip([ABANDON, LEGAL, LETTER]) {
        sb.restore(words);
        sb.export_watch_only("export.json");
    }
    let a = &signers[0];
    for (i, sb) in signers.iter().enumerate() {
        std::fs::copy(sb.path("export.json"), a.path(&format!("cosigner{i}.json"))).unwrap();
    }
    let created = a
        .regtest(
            &[
                "--json",
                "multisig",
                "create",
                "--threshold",
                "2",
                "--key",
                "cosigner0.json",
                "--key",
                "cosigner1.json",
                "--key",
                "cosigner2.json",
                "--type",
                "wsh",
                "--name",
                "vault",
                "-o",
                "setup",
            ],
            "",
        )
        .ok()
        .json();
    let descriptor = created["descriptor"].as_str().unwrap().to_string();
    let imported = signers
        .iter()
        .zip(VAULT_FORMATS)
        .map(|(sb, file)| {
            std::fs::copy(a.path(&format!("setup/{file}")), sb.path(file)).unwrap();
            sb.regtest(&["--json", "wallet", "import", file, "--yes"], "")
                .ok()
                .json()
        })
        .collect();
    (signers, descriptor, imported)
}

#[test]
fn two_of_three_setup_policy_allows_one_destination_and_denies_another() {
    let (signers, descriptor, imported) = vault_of_three();
    let a = &signers[0];
    // Each signer imported a different format of the same wallet; all see one descriptor.
    for (shown, file) in imported.iter().zip(VAULT_FORMATS) {
        assert_eq!(shown["descriptor"].as_str().unwrap(), descriptor, "{file}");
        assert_eq!(
            shown["cosigners"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["ours"] == true)
                .count(),
            1
        );
    }
    let exchange = address(b"exchange");
    let mixer = address(b"mixer");
    let policy = format!(
        "[bitcoin]\nmax_per_transaction = 5_000_000\nmax_fee = 50_000\n\n[[bitcoin.allow]]\nlabel = \"Exchange\"\naddress = \"{exchange}\"\n\n[[bitcoin.deny]]\nlabel = \"Mixer\"\naddress = \"{mixer}\"\n"
    );
    for sb in &signers {
        sb.write_policy("policy.toml", &policy);
    }
    let vault: Descriptor<DescriptorPublicKey> = descriptor.parse().unwrap();
    // Allowed: two signers sign with the policy, no prompt (--yes), combine, finalize.
    let good = pay(&vault, 0, &exchange, 2_000_000);
    for (sb, out) in [(&signers[0], "a.psbt"), (&signers[2], "c.psbt")] {
        sb.write_psbt("good.psbt", &good);
        let signed = sb
            .regtest(
                &[
                    "--json",
                    "sign",
                    "good.psbt",
                    "-o",
                    out,
                    "--policy",
                    "policy.toml",
                    "--yes",
                ],
                "",
            )
            .ok()
            .json();
        assert!(signed["policy"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["passed"] == true));
    }
    std::fs::copy(signers[2].path("c.psbt"), a.path("c.psbt")).unwrap();
    a.regtest(&["combine", "a.psbt", "c.psbt", "-o", "both.psbt"], "")
        .ok();
    assert_eq!(
        a.regtest(&["--json", "finalize", "both.psbt", "-o", "final.psbt"], "")
            .ok()
            .json()["complete"],
        true
    );
    // Denied: the rule is named, the exit code is "declined", nothing is written.
    a.write_psbt("bad.psbt", &pay(&vault, 1, &mixer, 2_000_000));
    let denied = a
        .regtest(
            &[
                "sign",
                "bad.psbt",
                "-o",
                "bad.signed",
                "--policy",
                "policy.toml",
                "--yes",
                "--allow",
                "btc.change.unverified",
            ],
            "",
        )
        .fails_after_review(1);
    assert!(
        denied.stderr.contains("bitcoin.deny \"Mixer\""),
        "{}",
        denied.stderr
    );
    assert!(!a.path("bad.signed").exists());
    // Unlisted destinations are denied too, and so is a transaction over the limit.
    a.write_psbt(
        "unlisted.psbt",
        &pay(&vault, 2, &address(b"stranger"), 2_000_000),
    );
    let out = a
        .regtest(
            &[
                "sign",
                "unlisted.psbt",
                "-o",
                "u.signed",
                "--policy",
                "policy.toml",
                "--yes",
            ],
            "",
        )
        .fails_after_review(1);
    assert!(out.stderr.contains("bitcoin.unlisted"), "{}", out.stderr);
    a.write_psbt("big.psbt", &pay(&vault, 3, &exchange, 6_000_000));
    let out = a
        .regtest(
            &[
                "sign",
                "big.psbt",
                "-o",
                "b.signed",
                "--policy",
                "policy.toml",
                "--yes",
            ],
            "",
        )
        .fails_after_review(1);
    assert!(
        out.stderr.contains("bitcoin.max_per_transaction"),
        "{}",
        out.stderr
    );
    // Every review and decision is in the log, and it verifies with the watch-only export.
    a.regtest(&["log", "verify", "--export", "export.json"], "")
        .ok();
    let csv = a
        .regtest(&["log", "export", "--csv", "--export", "export.json"], "")
        .ok()
        .stdout;
    assert!(
        csv.lines().any(|l| l.contains(",decision,denied,")),
        "{csv}"
    );
    assert!(
        csv.lines().any(|l| l.contains(",decision,signed,")),
        "{csv}"
    );
}

#[test]
fn the_rolling_24_hour_limit_counts_what_was_signed() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let d = standard(&hd(ABANDON), "wpkh({0})", "m/84'/1'/0'");
    let payee = address(b"payroll");
    sb.write_policy("policy.toml", format!("[bitcoin]\nmax_per_24h = 1_500_000\n[[bitcoin.allow]]\nlabel = \"Payroll\"\naddress = \"{payee}\"\n"));
    sb.write_psbt("first.psbt", &pay(&d, 0, &payee, 1_000_000));
    sb.regtest(
        &[
            "sign",
            "first.psbt",
            "-o",
            "first.signed",
            "--policy",
            "policy.toml",
            "--yes",
        ],
        "",
    )
    .ok();
    sb.write_psbt("second.psbt", &pay(&d, 1, &payee, 1_000_000));
    let out = sb
        .regtest(
            &[
                "sign",
                "second.psbt",
                "-o",
                "second.signed",
                "--policy",
                "policy.toml",
                "--yes",
            ],
            "",
        )
        .fails_after_review(1);
    assert!(
        out.stderr.contains("bitcoin.max_per_24h")
            && out
                .stderr
                .contains("0.02 BTC sent in 24 hours including this against a limit of 0.015 BTC"),
        "{}",
        out.stderr
    );
    // A smaller payment still fits.
    sb.write_psbt("third.psbt", &pay(&d, 2, &payee, 400_000));
    sb.regtest(
        &[
            "sign",
            "third.psbt",
            "-o",
            "third.signed",
            "--policy",
            "policy.toml",
            "--yes",
        ],
        "",
    )
    .ok();
}

#[test]
fn a_replacement_spending_the_same_coin_counts_once_in_the_24_hours() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let d = standard(&hd(ABANDON), "wpkh({0})", "m/84'/1'/0'");
    let payee = address(b"payroll");
    // Unit strings and satoshi integers are both accepted.
    sb.write_policy(
        "policy.toml",
        "[bitcoin]\nmax_per_24h = \"0.015 BTC\"\nmax_fee = 100_000\n",
    );
    let sign = |name: &str, psbt: &Psbt| {
        sb.write_psbt(name, psbt);
        let out = format!("{name}.signed");
        sb.regtest(
            &["sign", name, "-o", &out, "--policy", "policy.toml", "--yes"],
            "",
        )
    };
    sign("first.psbt", &pay(&d, 0, &payee, 1_000_000)).ok();
    // The same coin again, paying more (an RBF replacement): 0.012 BTC, not 0.022 BTC.
    sign("bump.psbt", &pay(&d, 0, &payee, 1_200_000)).ok();
    // The replacement is what counts from then on.
    let denied = sign("second.psbt", &pay(&d, 1, &payee, 400_000)).fails_after_review(1);
    assert!(
        denied.stderr.contains("bitcoin.max_per_24h")
            && denied
                .stderr
                .contains("0.016 BTC sent in 24 hours including this against a limit of 0.015 BTC"),
        "{}",
        denied.stderr
    );
    sign("third.psbt", &pay(&d, 1, &payee, 300_000)).ok();
}

/// Two valid regtest addresses whose payloads share the first and last three characters.
fn lookalike_pair() -> (Address, Address) {
    let mut seen: HashMap<String, Address> = HashMap::new();
    for i in 0u32..2_000_000 {
        let a = address(&i.to_le_bytes());
        let text = a.to_string();
        let payload = &text[text.rfind('1').unwrap() + 1..];
        let key = format!("{}{}", &payload[..3], &payload[payload.len() - 3..]);
        if let Some(other) = seen.get(&key) {
            return (other.clone(), a);
        }
        seen.insert(key, a);
    }
    panic!("no look-alike pair found");
}

#[test]
fn a_lookalike_of_an_address_book_entry_is_caught_and_the_entry_passes() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let (known, imitation) = lookalike_pair();
    assert_ne!(known, imitation);
    sb.regtest(&["address", "add", "Exchange", &known.to_string()], "")
        .ok();
    sb.regtest(
        &[
            "address",
            "add",
            "Mainnet",
            "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
        ],
        "",
    )
    .fails_with(2);
    let d = standard(&hd(ABANDON), "wpkh({0})", "m/84'/1'/0'");
    sb.write_psbt("fake.psbt", &pay(&d, 0, &imitation, 1_000_000));
    let review = sb
        .regtest(&["--json", "inspect", "fake.psbt"], "")
        .ok()
        .json();
    let w = &review["warnings"][0];
    assert_eq!(
        (w["code"].as_str(), w["severity"].as_str()),
        (Some("addr.lookalike"), Some("high")),
        "{review}"
    );
    let out = sb
        .regtest(&["sign", "fake.psbt", "-o", "fake.signed", "--yes"], "")
        .fails_after_review(1);
    assert!(out.stderr.contains("addr.lookalike"));
    sb.write_psbt("real.psbt", &pay(&d, 1, &known, 1_000_000));
    let review = sb
        .regtest(&["--json", "inspect", "real.psbt"], "")
        .ok()
        .json();
    assert!(
        review["warnings"].as_array().unwrap().is_empty(),
        "{review}"
    );
    assert_eq!(review["outputs"][0]["label"], "Exchange");
    sb.regtest(&["sign", "real.psbt", "-o", "real.signed", "--yes"], "")
        .ok();
}

#[test]
fn a_second_keystore_in_the_same_directory_is_told_whose_log_it_is() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let d = standard(&hd(ABANDON), "wpkh({0})", "m/84'/1'/0'");
    sb.write_psbt("p.psbt", &pay(&d, 0, &address(b"x"), 100_000));
    sb.regtest(&["inspect", "p.psbt"], "").ok();
    let password = sb.path("password.txt");
    let other = |args: &[&str], stdin: &str| {
        let mut full = vec!["--network", "regtest", "--keystore", "other.json"];
        full.extend_from_slice(&["--password-file", password.to_str().unwrap()]);
        full.extend_from_slice(args);
        sb.run(&full, stdin)
    };
    other(&["key", "restore"], &format!("{LEGAL}\n")).ok();
    let refused = other(&["inspect", "p.psbt"], "");
    assert_eq!(refused.code, 4, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("audit log line 1")
            && refused.stderr.contains("another keystore's log"),
        "{}",
        refused.stderr
    );
}

#[test]
fn audit_log_tampering_is_detected() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.export_watch_only("export.json");
    let d = standard(&hd(ABANDON), "wpkh({0})", "m/84'/1'/0'");
    for i in 0..3 {
        sb.write_psbt(&format!("p{i}.psbt"), &pay(&d, i, &address(b"x"), 100_000));
        sb.regtest(
            &[
                "sign",
                &format!("p{i}.psbt"),
                "-o",
                &format!("p{i}.signed"),
                "--yes",
            ],
            "",
        )
        .ok();
    }
    let head = sb
        .regtest(&["--json", "log", "verify", "--export", "export.json"], "")
        .ok()
        .json();
    assert_eq!(head["entries"], 6);
    let original = std::fs::read_to_string(sb.path("audit.log")).unwrap();
    let head_file = std::fs::read(sb.path("audit.head")).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    let check = |log: String, expect: &str| {
        std::fs::write(sb.path("t.log"), log).unwrap();
        std::fs::write(sb.path("t.head"), &head_file).unwrap();
        let out = sb
            .regtest(
                &["log", "verify", "--log", "t.log", "--export", "export.json"],
                "",
            )
            .fails_with(4);
        assert!(
            out.stderr.contains(expect),
            "expected {expect:?}: {}",
            out.stderr
        );
    };
    check(
        original.replacen("\"verdict\":\"signed\"", "\"verdict\":\"declined\"", 1),
        "signature does not verify",
    );
    check(
        original.replacen("\"external\":100000", "\"external\":1", 1),
        "signature does not verify",
    );
    let mut deleted = lines.clone();
    deleted.remove(2);
    check(deleted.join("\n") + "\n", "line 3");
    let mut reordered = lines.clone();
    reordered.swap(3, 4);
    check(reordered.join("\n") + "\n", "line 4");
    check(lines[..5].join("\n") + "\n", "removed from the end");
    check(original[..original.len() - 10].to_string(), "line");
    // The untouched log still verifies, and a head recorded earlier is found in it.
    let earlier = head["head"].as_str().unwrap().to_string();
    sb.write_psbt("p9.psbt", &pay(&d, 9, &address(b"x"), 100_000));
    sb.regtest(&["inspect", "p9.psbt"], "").ok();
    sb.regtest(
        &[
            "log",
            "verify",
            "--export",
            "export.json",
            "--head",
            &earlier,
        ],
        "",
    )
    .ok();
    sb.regtest(
        &[
            "log",
            "verify",
            "--export",
            "export.json",
            "--head",
            &"ab".repeat(32),
        ],
        "",
    )
    .fails_with(4);
    // A tampered log stops signing until it is dealt with.
    std::fs::write(
        sb.path("audit.log"),
        original.replacen("\"verdict\":\"signed\"", "\"verdict\":\"declined\"", 1),
    )
    .unwrap();
    sb.write_psbt("p8.psbt", &pay(&d, 8, &address(b"x"), 100_000));
    sb.regtest(&["sign", "p8.psbt", "-o", "p8.signed", "--yes"], "")
        .fails_after_review(4);
    assert!(!sb.path("p8.signed").exists());
}

#[test]
fn a_multisig_without_our_key_is_refused_on_import() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let others = [hd(LEGAL), hd(LETTER)];
    let keys: Vec<String> = others.iter().map(|h| key(h, "m/48'/1'/0'/2'")).collect();
    std::fs::write(sb.path("k0.txt"), &keys[0]).unwrap();
    std::fs::write(sb.path("k1.txt"), &keys[1]).unwrap();
    let created = sb
        .regtest(
            &[
                "--json",
                "multisig",
                "create",
                "--threshold",
                "1",
                "--key",
                "k0.txt",
                "--key",
                "k1.txt",
                "--name",
                "theirs",
                "-o",
                "theirs",
            ],
            "",
        )
        .ok()
        .json();
    assert!(created["descriptor"]
        .as_str()
        .unwrap()
        .starts_with("wsh(sortedmulti(1,"));
    for file in [
        "theirs/theirs.bip388.json",
        "theirs/theirs.coldcard.txt",
        "theirs/theirs.caravan.json",
        "theirs/theirs.descriptor",
    ] {
        let out = sb
            .regtest(&["wallet", "import", file, "--name", "theirs", "--yes"], "")
            .fails_with(2);
        assert!(
            out.stderr.contains("does not contain this signer's key"),
            "{file}: {}",
            out.stderr
        );
    }
}

#[test]
fn treasury_commands_leak_no_secret() {
    let sb = Sandbox::new();
    sb.restore(LEGAL);
    sb.export_watch_only("export.json");
    std::fs::write(sb.path("k.txt"), key(&hd(ABANDON), "m/48'/1'/0'/2'")).unwrap();
    let created = sb
        .regtest(
            &[
                "--json",
                "multisig",
                "create",
                "--threshold",
                "1",
                "--key",
                "export.json",
                "--key",
                "k.txt",
                "-o",
                "ms",
            ],
            "",
        )
        .ok()
        .json();
    sb.regtest(
        &["wallet", "import", "ms/multisig.bip388.json", "--yes"],
        "",
    )
    .ok();
    sb.regtest(&["wallet", "list"], "").ok();
    sb.regtest(
        &["address", "add", "Payee", &address(b"payee").to_string()],
        "",
    )
    .ok();
    let d: Descriptor<DescriptorPublicKey> =
        created["descriptor"].as_str().unwrap().parse().unwrap();
    sb.write_psbt("p.psbt", &pay(&d, 0, &address(b"payee"), 1_000_000));
    sb.write_policy("policy.toml", "[bitcoin]\nmax_per_24h = 5_000_000\n");
    sb.regtest(
        &[
            "sign",
            "p.psbt",
            "-o",
            "s.psbt",
            "--yes",
            "--policy",
            "policy.toml",
        ],
        "",
    )
    .ok();
    sb.regtest(&["log", "verify"], "").ok();
    sb.regtest(&["log", "export", "--csv", "-o", "audit.csv"], "")
        .ok();
    let needles = common::secret_needles(LEGAL);
    assert_eq!(
        common::find_secret(sb.transcript().as_bytes(), &needles),
        None
    );
    for (path, bytes) in sb.files() {
        if !path.ends_with("password.txt") {
            assert_eq!(
                common::find_secret(&bytes, &needles),
                None,
                "{}",
                path.display()
            );
        }
    }
}

/// Issue #20.4 and #20.6: registering shows the policy and the first receive address (the same
/// from every format), the review's rows carry labels and look-alike marks, a multisig input
/// says how many signatures it has and needs, and so does a finalize that cannot finish.
#[test]
fn multisig_reviews_show_signature_counts_labels_and_lookalike_rows() {
    let (signers, descriptor, imported) = vault_of_three();
    let a = &signers[0];
    let vault: Descriptor<DescriptorPublicKey> = descriptor.parse().unwrap();
    for (shown, file) in imported.iter().zip(VAULT_FORMATS) {
        assert_eq!(shown["policy"], "2-of-3 P2WSH", "{file}");
    }
    let first_receives: Vec<&str> = imported
        .iter()
        .map(|shown| shown["first_receive"].as_str().unwrap())
        .collect();
    let expected = vault.clone().into_single_descriptors().unwrap()[0]
        .at_derivation_index(0)
        .unwrap()
        .address(Network::Regtest)
        .unwrap()
        .to_string();
    assert!(
        first_receives.iter().all(|r| *r == expected),
        "{first_receives:?}"
    );
    let text = a
        .regtest(&["wallet", "show", "vault", "--signer"], "")
        .ok()
        .stdout;
    assert!(
        text.contains("2-of-3 P2WSH") && text.contains(&expected),
        "{text}"
    );

    // A labelled destination and one signature of two.
    let exchange = address(b"exchange");
    a.regtest(&["address", "add", "Exchange", &exchange.to_string()], "")
        .ok();
    a.write_psbt("pay.psbt", &pay(&vault, 0, &exchange, 2_000_000));
    a.regtest(&["sign", "pay.psbt", "-o", "one.psbt", "--yes"], "")
        .ok();
    let review = a
        .regtest(&["--json", "inspect", "one.psbt"], "")
        .ok()
        .json();
    assert_eq!(
        review["inputs"][0]["signatures"],
        serde_json::json!({"present": 1, "needed": 2}),
        "{review}"
    );
    let text = a.regtest(&["inspect", "one.psbt"], "").ok().stdout;
    assert!(
        text.contains("multisig: 1 of 2 signatures (more needed)"),
        "{text}"
    );
    assert!(
        text.contains("\"Exchange\""),
        "the label is not on the row:\n{text}"
    );
    let finalized = a
        .regtest(&["finalize", "one.psbt", "-o", "final.psbt"], "")
        .stdout;
    assert!(
        finalized.contains("it has 1 of 2 signatures"),
        "{finalized}"
    );

    // A look-alike is marked on its row as well as in the list.
    let (known, imitation) = lookalike_pair();
    a.regtest(&["address", "add", "Known", &known.to_string()], "")
        .ok();
    a.write_psbt("fake.psbt", &pay(&vault, 1, &imitation, 1_000_000));
    let text = a.regtest(&["inspect", "fake.psbt"], "").ok().stdout;
    let row = text
        .lines()
        .skip_while(|l| !l.contains(&imitation.to_string()))
        .nth(1)
        .unwrap_or_default();
    assert!(row.contains("!!! addr.lookalike"), "{text}");
    let review = a
        .regtest(&["--json", "inspect", "fake.psbt"], "")
        .ok()
        .json();
    assert_eq!(review["outputs"][0]["flags"][0], "addr.lookalike");

    // The text watch-only export carries the audit key: the log verifies with it.
    a.regtest(&["key", "export", "--watch-only", "-o", "export.txt"], "")
        .ok();
    assert!(std::fs::read_to_string(a.path("export.txt"))
        .unwrap()
        .contains("# audit key "));
    a.regtest(&["log", "verify", "--export", "export.txt"], "")
        .ok();
    std::fs::write(
        a.path("bare.txt"),
        "# coldsign watch-only export, fingerprint 73c5da0a, network regtest\n",
    )
    .unwrap();
    a.regtest(&["log", "verify", "--export", "bare.txt"], "")
        .fails_with(2);
}

#[test]
fn changes_to_what_the_signer_trusts_need_the_password_and_are_audited() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let d = standard(&hd(ABANDON), "wpkh({0})", "m/84'/1'/0'");
    let exchange = address(b"exchange");
    let sign = |name: &str, policy: bool| {
        sb.write_psbt(name, &pay(&d, 0, &exchange, 1_000_000));
        let out = format!("{name}.signed");
        let mut args = vec!["sign", name, "-o", &out, "--yes"];
        if policy {
            args.extend(["--policy", "policy.toml"]);
        }
        sb.regtest(&args, "")
    };
    // A wrong password changes nothing.
    std::fs::write(sb.path("wrong.txt"), "not the password\n").unwrap();
    let ks = sb.keystore();
    let (ks, wrong) = (ks.to_str().unwrap(), sb.path("wrong.txt"));
    let denied = sb.run(
        &[
            "--keystore",
            ks,
            "--password-file",
            wrong.to_str().unwrap(),
            "--network",
            "regtest",
            "address",
            "add",
            "Exchange",
            &exchange.to_string(),
        ],
        "",
    );
    assert_eq!(denied.code, 5, "{}", denied.stderr);
    assert!(!sb.path("address-book.json").exists());
    // With it, the change is recorded, and signing accepts the book.
    sb.regtest(&["address", "add", "Exchange", &exchange.to_string()], "")
        .ok();
    let log = std::fs::read_to_string(sb.path("audit.log")).unwrap();
    assert!(
        log.contains("address-book-changed") && log.contains("Exchange"),
        "{log}"
    );
    sign("a.psbt", false).ok();

    // A label slipped into the file behind coldsign's back: signing refuses (exit 4).
    let book = std::fs::read_to_string(sb.path("address-book.json")).unwrap();
    std::fs::write(
        sb.path("address-book.json"),
        book.replace("Exchange", "Exchange (cold)"),
    )
    .unwrap();
    let refused = sign("b.psbt", false).fails_after_review(4);
    assert!(
        refused.stderr.contains("the address book")
            && refused.stderr.contains("changed outside coldsign")
            && refused.stderr.contains("coldsign log attest"),
        "{}",
        refused.stderr
    );
    assert!(!sb.path("b.psbt.signed").exists());
    let log = std::fs::read_to_string(sb.path("audit.log")).unwrap();
    assert!(log.contains("\"refused\""), "{log}");
    // The operator checks it and records it; then it signs again.
    let attested = sb.regtest(&["log", "attest"], "").ok();
    assert!(
        attested.stdout.contains("recorded the address book"),
        "{}",
        attested.stdout
    );
    sign("c.psbt", false).ok();

    // A policy never accepted on this signer is refused; accepted, it applies.
    std::fs::write(sb.path("policy.toml"), "[bitcoin]\nmax_fee = 100_000\n").unwrap();
    let refused = sign("d.psbt", true).fails_after_review(4);
    assert!(
        refused.stderr.contains("was never accepted on this signer"),
        "{}",
        refused.stderr
    );
    sb.regtest(&["log", "attest", "--policy", "policy.toml"], "")
        .ok();
    sign("e.psbt", true).ok();
    // Edited afterwards, it is a different policy, refused again.
    std::fs::write(sb.path("policy.toml"), "[bitcoin]\nmax_fee = 900_000\n").unwrap();
    sign("f.psbt", true).fails_after_review(4);
    sb.regtest(&["log", "verify"], "").ok();
}
