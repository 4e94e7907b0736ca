//! Library-level behaviour of the key layer: backup confirmation with a scripted prompt,
//! keystore sealing, redaction of secrets in Debug output.

use std::cell::RefCell;

use coldsign::keys::backup::{confirm_backup, WORDS_ASKED};
use coldsign::keys::keystore::{KdfCost, Keystore};
use coldsign::keys::material::KeyMaterial;
use coldsign::keys::mnemonic::{MnemonicError, SecretMnemonic, WordList};
use coldsign::keys::slip132::{self, Slip132Kind};
use coldsign::prompt::Prompt;
use coldsign::{Error, ExitCode};
use secrecy::SecretString;

const WORDS: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

/// A scripted prompt: answers "word #N" questions from a word list, optionally wrongly.
struct Scripted {
    words: Vec<&'static str>,
    wrong_at: Option<usize>,
    asked: RefCell<Vec<usize>>,
}

impl Prompt for Scripted {
    fn show(&self, _text: &str) {}
    fn line(&self, question: &str) -> coldsign::Result<String> {
        let n: usize = question.trim_start_matches("word #").parse().unwrap();
        self.asked.borrow_mut().push(n);
        if self.wrong_at == Some(self.asked.borrow().len()) {
            return Ok("zoo".into());
        }
        Ok(format!("  {}  ", self.words[n - 1].to_uppercase()))
    }
    fn secret(&self, _question: &str) -> coldsign::Result<SecretString> {
        unreachable!("the backup check asks no secret")
    }
    fn interactive(&self) -> bool {
        true
    }
}

#[test]
fn backup_confirmation_asks_distinct_words_and_rejects_a_wrong_one() {
    let mnemonic = SecretMnemonic::parse(WORDS).unwrap();
    let prompt = Scripted {
        words: WORDS.split(' ').collect(),
        wrong_at: None,
        asked: RefCell::new(vec![]),
    };
    confirm_backup(&mnemonic, &prompt).unwrap();
    let mut asked = prompt.asked.borrow().clone();
    assert_eq!(asked.len(), WORDS_ASKED);
    asked.dedup();
    assert_eq!(asked.len(), WORDS_ASKED, "positions repeat");
    assert!(asked.iter().all(|n| (1..=12).contains(n)));
    for wrong_at in 1..=WORDS_ASKED {
        let prompt = Scripted {
            words: WORDS.split(' ').collect(),
            wrong_at: Some(wrong_at),
            asked: RefCell::new(vec![]),
        };
        let err = confirm_backup(&mnemonic, &prompt).unwrap_err();
        assert_eq!(err.exit_code(), ExitCode::Declined);
    }
}

#[test]
fn unknown_words_get_position_and_suggestions() {
    let err = SecretMnemonic::parse(&WORDS.replace("sausage", "sausge")).unwrap_err();
    match &err {
        MnemonicError::UnknownWord {
            position,
            suggestions,
            ..
        } => {
            assert_eq!(*position, 6);
            assert_eq!(suggestions.first(), Some(&"sausage"));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(Error::from(err).hint().unwrap().contains("sausage"));
    assert!(matches!(
        SecretMnemonic::parse("legal winner thank"),
        Err(MnemonicError::WordCount(3))
    ));
    assert!(matches!(
        SecretMnemonic::parse(&WORDS.replace("yellow", "year")),
        Err(MnemonicError::Checksum)
    ));
    assert!(matches!(
        SecretMnemonic::parse("テスト"),
        Err(MnemonicError::Language) | Err(MnemonicError::UnknownWord { .. })
    ));
    assert!(SecretMnemonic::generate(15, WordList::English).is_err());
}

#[test]
fn keystore_round_trip_japanese_with_passphrase() {
    let mnemonic = SecretMnemonic::generate(24, WordList::Japanese).unwrap();
    let phrase = mnemonic.expose_phrase().to_string();
    let material = KeyMaterial::Bip39 {
        mnemonic,
        passphrase: SecretString::from("㍍ガバヴァぱばぐゞちぢ十人十色"),
    };
    let fingerprint = material.hd().unwrap().fingerprint();
    let password = SecretString::from("pw");
    let sealed = Keystore::seal(&material, "jp", &password, KdfCost::new(10).unwrap()).unwrap();
    assert_eq!(
        sealed.header().fingerprint.as_deref(),
        Some(fingerprint.to_string().as_str())
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/dir/ks.json");
    sealed.save(&path, coldsign::files::Replace::Never).unwrap();
    let opened = Keystore::load(&path)
        .unwrap()
        .unlock(&password, &path)
        .unwrap();
    assert_eq!(opened.hd().unwrap().fingerprint(), fingerprint);
    let KeyMaterial::Bip39 { mnemonic, .. } = &opened else {
        panic!("kind changed")
    };
    assert_eq!(mnemonic.expose_phrase().as_str(), phrase);
    let wrong = Keystore::load(&path)
        .unwrap()
        .unlock(&SecretString::from("nope"), &path)
        .unwrap_err();
    assert_eq!(wrong.exit_code(), ExitCode::WrongPassword);
    // Saving again without permission to replace is refused.
    assert_eq!(
        sealed
            .save(&path, coldsign::files::Replace::Never)
            .unwrap_err()
            .exit_code(),
        ExitCode::BadInput
    );
}

#[test]
fn secrets_do_not_show_in_debug_output() {
    let mnemonic = SecretMnemonic::parse(WORDS).unwrap();
    let material = KeyMaterial::Bip39 {
        mnemonic,
        passphrase: SecretString::from("hunter2"),
    };
    let hd = material.hd().unwrap();
    let text = format!("{material:?} {hd:?}");
    for secret in ["legal", "winner", "hunter2", "xprv"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
}

#[test]
fn scrypt_cost_bounds() {
    assert!(KdfCost::new(9).is_err());
    assert!(KdfCost::new(21).is_err());
    assert_eq!(KdfCost::DEFAULT.log_n(), 18);
}

#[test]
fn slip132_round_trip_every_kind() {
    let xpub = coldsign::keys::xkey::parse_xpub("xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V").unwrap();
    for (kind, prefix) in [
        (Slip132Kind::Legacy, "xpub"),
        (Slip132Kind::NestedSegwit, "ypub"),
        (Slip132Kind::NativeSegwit, "zpub"),
        (Slip132Kind::NestedSegwitMultisig, "Ypub"),
        (Slip132Kind::NativeSegwitMultisig, "Zpub"),
    ] {
        let encoded = slip132::encode(&xpub, kind);
        assert!(encoded.starts_with(prefix), "{encoded}");
        assert_eq!(slip132::decode(&encoded).unwrap(), (xpub, kind));
    }
    assert!(slip132::decode("xpub661MyMwAqRbcF").is_err());
}
