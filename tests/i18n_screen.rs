//! The confirmation screen in the operator's language: English exactly as before, Japanese
//! with every value byte for byte the English one and the amounts still in one column; the
//! language never changes `--json`.

mod common;

use std::collections::BTreeSet;

use alloy_consensus::{SignableTransaction, TxEip1559};
use alloy_primitives::{address, hex, TxKind, U256};
use alloy_sol_types::{sol, SolCall};
use coldsign::i18n::width::width;
use coldsign::i18n::{has, LANGS};
use common::btc::benign_spend;
use common::{Sandbox, ABANDON};

sol! {
    function transfer(address to, uint256 amount) returns (bool);
}

/// A signer sandbox holding the two requests: a PSBT paying an external address with
/// verified change and a warning (its first input lacks the previous transaction), and an
/// ERC-20 transfer of USDC.
fn requests() -> Sandbox {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let mut psbt = benign_spend();
    psbt.inputs[0].non_witness_utxo = None;
    sb.write_psbt("spend.psbt", &psbt);
    let call = transferCall {
        to: address!("8ba1f109551bd432803012645ac136ddd64dba72"),
        amount: U256::from(1_500_000_000u64),
    };
    let tx = TxEip1559 {
        chain_id: 1,
        nonce: 7,
        gas_limit: 300_000,
        max_fee_per_gas: 30_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: TxKind::Call(address!("a0b86991c6218b36c1d19d4a2e9eb0ce3606eb48")),
        value: U256::ZERO,
        access_list: Default::default(),
        input: call.abi_encode().into(),
    };
    std::fs::write(
        sb.path("pay.hex"),
        hex::encode_prefixed(tx.encoded_for_signing()),
    )
    .unwrap();
    sb
}

/// `inspect` of the PSBT, then of the ERC-20 transfer, with `lang` options before them.
fn screens(sb: &Sandbox, lang: &[&str]) -> (String, String) {
    let run = |args: &[&str]| {
        let full: Vec<&str> = lang.iter().chain(args).copied().collect();
        sb.run_keyed(&full, "").ok().stdout
    };
    (
        run(&["--network", "regtest", "inspect", "spend.psbt"]),
        run(&["eth", "inspect", "pay.hex"]),
    )
}

/// Every run of ASCII letters, digits and value punctuation at least `min` long: the values
/// a screen carries (amounts, addresses, txids, the digest, paths).
fn values(text: &str, min: usize) -> Vec<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || ".'/-_:".contains(c)))
        .filter(|word| word.len() >= min && word.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// The display column where `needle` starts on the first line of `text` holding it.
fn column_of(text: &str, line_has: &str, needle: &str) -> usize {
    let line = text
        .lines()
        .find(|l| l.contains(line_has))
        .unwrap_or_else(|| panic!("no line with {line_has:?} in\n{text}"));
    let at = line.find(needle).unwrap();
    width(&line[..at])
}

#[test]
fn the_english_screen_is_unchanged() {
    let sb = requests();
    let (btc, eth) = screens(&sb, &[]);
    assert_eq!(
        btc,
        include_str!("snapshots/psbt-external-change-warning.en.txt")
    );
    assert_eq!(eth, include_str!("snapshots/erc20-transfer.en.txt"));
    assert_eq!(screens(&sb, &["--lang", "en"]), (btc, eth));
}

#[test]
fn the_japanese_screen_keeps_every_value_and_column() {
    let sb = requests();
    let (btc_en, eth_en) = screens(&sb, &[]);
    let (btc, eth) = screens(&sb, &["--lang", "ja"]);
    assert_eq!(
        btc,
        include_str!("snapshots/psbt-external-change-warning.ja.txt")
    );
    assert_eq!(eth, include_str!("snapshots/erc20-transfer.ja.txt"));
    for line in [
        "意図ダイジェスト",
        "入力（2 件）",
        "出力（2 件）",
        "外部送金先",
        "お釣り、検証済み",
        "手数料",
        "収支一致",
        "\n警告\n",
        "[HIGH] ",
    ] {
        assert!(btc.contains(line), "{line:?} missing from\n{btc}");
    }
    for line in [
        "Ethereum トランザクション",
        "署名者",
        "最大総コスト",
        "価値の移動",
        "  トークン送金        1500 USDC",
        "（自分） から ネットワーク（ブロック生成者） へ（手数料）",
        "へ（呼び出し）",
        "署名ハッシュ",
    ] {
        assert!(eth.contains(line), "{line:?} missing from\n{eth}");
    }
    // Every value of the English screen is on the Japanese one, in the same order.
    for (en, ja) in [(&btc_en, &btc), (&eth_en, &eth)] {
        let (en_values, ja_values) = (values(en, 6), values(ja, 6));
        assert!(en_values.len() > 5, "{en_values:?}");
        let mut rest = ja_values.iter();
        for value in &en_values {
            assert!(
                rest.any(|v| v == value),
                "{value} is not on the Japanese screen\n{ja}"
            );
        }
    }
    // The totals' amounts start in one display column in both languages.
    let totals = |text: &str, labels: [&str; 6]| -> Vec<usize> {
        labels
            .iter()
            .map(|label| column_of(text, label, " BTC").saturating_sub(12))
            .collect()
    };
    let en = totals(
        &btc_en,
        [
            "inputs   ",
            "external",
            "  change ",
            "ours, not change",
            "burned",
            "fee  ",
        ],
    );
    let ja = totals(
        &btc,
        [
            "入力   ",
            "外部送金先  ",
            "  お釣り ",
            "自分の（お釣り以外）",
            "焼却",
            "手数料 ",
        ],
    );
    assert!(en.windows(2).all(|w| w[0] == w[1]), "{en:?}\n{btc_en}");
    assert!(ja.windows(2).all(|w| w[0] == w[1]), "{ja:?}\n{btc}");
    // The Ethereum labels' values start in one display column too.
    let starts: Vec<usize> = ["0x", "7", "0 ETH"]
        .iter()
        .zip(["署名者", "nonce", "金額"])
        .map(|(value, label)| column_of(&eth, label, value))
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{starts:?}\n{eth}");
}

#[test]
fn json_is_the_same_in_every_language() {
    let sb = requests();
    let json = |env: &[(&str, &str)], lang: &[&str], args: &[&str]| {
        let mut cmd = sb.command();
        for (name, value) in env {
            cmd.env(name, value);
        }
        let ks = sb.keystore();
        let pw = sb.path("password.txt");
        let mut full = vec![
            "--keystore",
            ks.to_str().unwrap(),
            "--password-file",
            pw.to_str().unwrap(),
            "--json",
        ];
        full.extend_from_slice(lang);
        full.extend_from_slice(args);
        sb.run_with(cmd, &full, "").ok().stdout
    };
    for args in [
        &["--network", "regtest", "inspect", "spend.psbt"][..],
        &["eth", "inspect", "pay.hex"][..],
    ] {
        let english = json(&[("LANG", "C")], &[], args);
        assert!(english.starts_with('{'), "{english}");
        assert_eq!(json(&[("LANG", "ja_JP.UTF-8")], &[], args), english);
        assert_eq!(json(&[("COLDSIGN_LANG", "ja")], &[], args), english);
        assert_eq!(json(&[], &["--lang", "ja"], args), english);
    }
    // The demo's report; its walkthrough (without `--json`) is told in the chosen language.
    let demo = |env: (&str, &str), args: &[&str]| {
        let mut cmd = sb.command();
        cmd.env(env.0, env.1);
        sb.run_with(cmd, args, "").ok().stdout
    };
    let english = demo(("LANG", "C"), &["--json", "demo"]);
    assert!(english.contains("\"intent_digest\""), "{english}");
    assert_eq!(demo(("LANG", "ja_JP.UTF-8"), &["--json", "demo"]), english);
    let told = demo(("LANG", "ja_JP.UTF-8"), &["demo"]);
    for line in [
        "== オフライン署名者: 準備",
        "== エアギャップ",
        "   | 意図ダイジェスト ",
        "   |   お釣り ",
        "デモを終了しました",
    ] {
        assert!(told.contains(line), "{line:?} missing from\n{told}");
    }
    let ascii_only = told
        .lines()
        .filter(|l| l.starts_with(|c: char| c == '=' || c.is_ascii_digit()))
        .filter(|l| l.is_ascii())
        .collect::<Vec<_>>();
    assert!(
        ascii_only.is_empty(),
        "narration left in English: {ascii_only:?}"
    );
}

/// The `review-…`, `prompt-…`, `demo-…` and `report-…` message identifiers the library's source uses.
fn used_ids(dir: &std::path::Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            used_ids(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            for prefix in ["\"review-", "\"prompt-", "\"demo-", "\"report-"] {
                for piece in source.split(prefix).skip(1) {
                    let id: String = piece
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    out.insert(format!("{}{id}", &prefix[1..]));
                }
            }
        }
    }
}

#[test]
fn every_screen_prompt_and_demo_message_the_code_uses_is_in_the_catalogs() {
    let mut used = BTreeSet::new();
    used_ids(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut used,
    );
    assert!(used.len() > 100, "found only {used:?}");
    for lang in LANGS {
        let missing: Vec<_> = used.iter().filter(|id| !has(lang, id)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.tag());
    }
}

#[test]
fn sign_says_its_result_in_japanese() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("good.psbt", &benign_spend());
    let sign = |lang: &[&str], out: &str| {
        let args = [
            "--network",
            "regtest",
            "sign",
            "good.psbt",
            "-o",
            out,
            "--yes",
        ];
        let full: Vec<&str> = lang.iter().chain(&args).copied().collect();
        sb.run_keyed(&full, "").ok().stdout
    };
    let english = sign(&[], "en.psbt");
    let japanese = sign(&["--lang", "ja"], "ja.psbt");
    for line in [
        "input 0: signed (1 signature)\n",
        "\nsigned PSBT written to ",
    ] {
        assert!(english.contains(line), "{english}");
    }
    for line in [
        "入力 0: 署名しました（署名 1 個）\n",
        "\n署名済みの PSBT を ",
    ] {
        assert!(japanese.contains(line), "{japanese}");
    }
}

/// A PSBT whose screen says pieces built inside its lines: a relative lock time on input 0,
/// input 1 not ours (its key origins removed), and an output paying a bare public key.
fn reasons_psbt() -> bitcoin::psbt::Psbt {
    use bitcoin::{transaction::Version, Amount, Sequence, TxOut};
    let mut psbt = benign_spend();
    psbt.unsigned_tx.version = Version::TWO;
    psbt.unsigned_tx.input[0].sequence = Sequence::from_height(144);
    psbt.inputs[1].bip32_derivation.clear();
    let key: bitcoin::PublicKey =
        "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
            .parse()
            .unwrap();
    psbt.unsigned_tx.output.push(TxOut {
        value: Amount::from_sat(1_000),
        script_pubkey: bitcoin::ScriptBuf::new_p2pk(&key),
    });
    psbt.outputs.push(Default::default());
    psbt
}

#[test]
fn reasons_inside_lines_are_said_in_the_operators_language() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("reasons.psbt", &reasons_psbt());
    let screen = |lang: &str| {
        let args = [
            "--lang",
            lang,
            "--network",
            "regtest",
            "inspect",
            "reasons.psbt",
        ];
        sb.run_keyed(&args, "").ok().stdout
    };
    let (en, ja) = (screen("en"), screen("ja"));
    assert_eq!(en, include_str!("snapshots/psbt-reasons.en.txt"));
    assert_eq!(ja, include_str!("snapshots/psbt-reasons.ja.txt"));
    for line in [
        "相対ロックタイム: 使用するコインの承認から 144 ブロック後",
        "署名しない: 自分の鍵ではありません",
        "裸の公開鍵（P2PK）です。",
    ] {
        assert!(ja.contains(line), "{line:?} missing from\n{ja}");
    }
    assert!(en.contains("relative lock: 144 blocks after the spent coin confirms"));
}

#[test]
fn key_show_is_japanese_with_its_values_in_one_column() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let show = |lang: &str| {
        sb.run_keyed(&["--lang", lang, "key", "show"], "")
            .ok()
            .stdout
    };
    let (en, ja) = (show("en"), show("ja"));
    assert!(en.starts_with("keystore     "), "{en}");
    assert!(en.contains("\n  first receive  "), "{en}");
    for line in [
        "フィンガープリント 73c5da0a\n",
        "  ディスクリプタ       wpkh([73c5da0a/84'/",
        "  最初のお釣りアドレス bc1q",
        "\nEthereum\n",
    ] {
        assert!(ja.contains(line), "{line:?} missing from\n{ja}");
    }
    // The same values in the same order, each account's values starting in one column.
    assert_eq!(values(&en, 6), values(&ja, 6));
    let starts: BTreeSet<usize> = ja
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains(" bc1"))
        .map(|l| width(&l[..l.find(" bc1").unwrap()]))
        .collect();
    assert_eq!(starts.len(), 1, "{ja}");
}

#[test]
fn a_registered_wallet_is_shown_in_japanese() {
    use common::btc::{hd, key, multipath, LETTER};
    use common::LEGAL;
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let keys: Vec<String> = [ABANDON, LEGAL, LETTER]
        .iter()
        .map(|words| key(&hd(words), "m/48'/1'/0'/2'"))
        .collect();
    let vault = multipath("wsh(sortedmulti(2,{0},{1},{2}))", &keys);
    std::fs::write(sb.path("vault.txt"), vault.to_string()).unwrap();
    let imported = sb.regtest(
        &["--lang", "ja", "wallet", "import", "vault.txt", "--yes"],
        "",
    );
    let show = |lang: &str| {
        sb.regtest(&["--lang", lang, "wallet", "show", "vault"], "")
            .ok()
            .stdout
    };
    let (en, ja) = (show("en"), show("ja"));
    assert_eq!(imported.ok().stdout, ja);
    assert!(
        en.contains("\n  policy         2-of-3 P2WSH\n  first receive  bcrt1q"),
        "{en}"
    );
    for line in [
        "ウォレット vault\n",
        "  ポリシー           2-of-3 マルチシグ（P2WSH）\n",
        "  最初の受取アドレス bcrt1q",
        "共同署名者（それぞれを持ち主と別の経路で照合してください）:",
        "  <- この署名者\n",
    ] {
        assert!(ja.contains(line), "{line:?} missing from\n{ja}");
    }
    assert_eq!(values(&en, 6), values(&ja, 6));
    let list = sb
        .regtest(&["--lang", "ja", "wallet", "list"], "")
        .ok()
        .stdout;
    assert!(list.starts_with("vault  署名者  wsh("), "{list}");
}

#[test]
fn what_configuration_commands_show_is_japanese() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let run = |args: &[&str]| sb.run_keyed(args, "").ok();
    let list = run(&["--lang", "ja", "address", "list"]);
    assert_eq!(list.stdout, "アドレス帳は空です\n");
    assert_eq!(
        run(&["--lang", "ja", "registry", "list"]).stdout,
        "インストール済みのディスクリプタはありません\n"
    );
    // A descriptor is shown before it is trusted: labels Japanese, values unchanged.
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/erc7730/calldata-usdc.json");
    let file = file.to_str().unwrap();
    let imported = run(&["--lang", "ja", "registry", "import", file, "--yes"]);
    for shown in [
        "  作成者     Circle\n",
        "  デプロイ先 チェーン 1 0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48\n",
        "  記述対象   0xa9059cbb transfer(address to,uint256 value)\n",
    ] {
        assert!(
            imported.stderr.contains(shown),
            "{shown:?} not in\n{}",
            imported.stderr
        );
    }
    assert!(
        imported.stdout.starts_with("1 個のディスクリプタを "),
        "{}",
        imported.stdout
    );
    let english = run(&["registry", "list"]).stdout;
    assert!(
        english.contains("\n  owner     Circle\n  source    "),
        "{english}"
    );
    assert!(
        english.contains("\n  deployed  chain 1 0xA0b8"),
        "{english}"
    );
}

#[test]
fn the_audit_log_and_multisig_setups_are_reported_in_japanese() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let run = |args: &[&str]| sb.run_keyed(args, "").ok().stdout;
    let verified = run(&["--lang", "ja", "log", "verify"]);
    assert!(
        verified.starts_with("監査ログは有効です: エントリ "),
        "{verified}"
    );
    assert!(run(&["log", "verify"]).starts_with("audit log valid: "));
    assert_eq!(
        run(&["--lang", "ja", "log", "attest"]),
        "前回の記録から何も変わっていません\n"
    );
    let keys = [
        "[73c5da0a/48h/1h/0h/2h]tpubDFH9dgzveyD8zTbPUFuLrGmCydNvxehyNdUXKJAQN8x4aZ4j6UZqGfnqFrD4NqyaTVGKbvEW54tsvPTK2UoSbCC1PJY8iCNiwTL3RWZEheQ",
        "[b8688df1/48h/1h/0h/2h]tpubDEfobrrtptRTbKf4gysDhoabneABDTAcdj3Vbn4XwPsLE2pmqpizSPRG6zHsbAMuiSgWmWPsYCLHTKTPpyrGJ5rAoTpKoQNZcxodiPf2tSJ",
    ];
    let create = |lang: &str| {
        let args = [
            "--lang",
            lang,
            "--network",
            "regtest",
            "multisig",
            "create",
            "--threshold",
            "1",
            "--key",
            keys[0],
            "--key",
            keys[1],
        ];
        sb.run(&args, "").ok().stdout
    };
    let (en, ja) = (create("en"), create("ja"));
    assert!(en.starts_with("descriptor\n  wsh(") && en.contains("\nBIP388 wallet policy\n"));
    assert!(
        ja.starts_with("ディスクリプタ\n  wsh(") && ja.contains("\nBIP388 ウォレットポリシー\n")
    );
    assert_eq!(values(&en, 6), values(&ja, 6));
}
