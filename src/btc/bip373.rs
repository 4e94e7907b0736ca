//! BIP373 MuSig2 fields, checked as Bitcoin Core checks them when it reads a PSBT. coldsign
//! does not sign MuSig2, but it must not pass malformed fields through as if they were
//! unknown keys: a PSBT Core would refuse is refused here too (the rules follow Core's
//! `src/psbt.h`: key sizes, fully valid public keys, value sizes).
//!
//! | field | key | value |
//! |---|---|---|
//! | `PSBT_IN_MUSIG2_PARTICIPANT_PUBKEYS` (0x1a) | aggregate key (33) | participant keys (33 each) |
//! | `PSBT_IN_MUSIG2_PUB_NONCE` (0x1b) | participant (33) ‖ aggregate (33) [‖ leaf hash (32)] | public nonce (66) |
//! | `PSBT_IN_MUSIG2_PARTIAL_SIG` (0x1c) | participant (33) ‖ aggregate (33) [‖ leaf hash (32)] | partial signature (32) |
//! | `PSBT_OUT_MUSIG2_PARTICIPANT_PUBKEYS` (0x08) | aggregate key (33) | participant keys (33 each) |

use bitcoin::psbt::{raw, Psbt};
use bitcoin::secp256k1::PublicKey;

use super::psbt_v2::{MapLocation, PsbtV2Error};

const IN_PARTICIPANT_PUBKEYS: u8 = 0x1a;
const IN_PUB_NONCE: u8 = 0x1b;
const IN_PARTIAL_SIG: u8 = 0x1c;
const OUT_PARTICIPANT_PUBKEYS: u8 = 0x08;

/// Refuses the first malformed BIP373 field of `psbt`.
pub fn check(psbt: &Psbt) -> Result<(), PsbtV2Error> {
    for (index, input) in psbt.inputs.iter().enumerate() {
        for (key, value) in &input.unknown {
            check_field(MapLocation::Input(index), key, value, true)?;
        }
    }
    for (index, output) in psbt.outputs.iter().enumerate() {
        for (key, value) in &output.unknown {
            check_field(MapLocation::Output(index), key, value, false)?;
        }
    }
    Ok(())
}

fn check_field(
    at: MapLocation,
    key: &raw::Key,
    value: &[u8],
    input: bool,
) -> Result<(), PsbtV2Error> {
    let field = match (input, key.type_value) {
        (true, IN_PARTICIPANT_PUBKEYS) => "PSBT_IN_MUSIG2_PARTICIPANT_PUBKEYS",
        (true, IN_PUB_NONCE) => "PSBT_IN_MUSIG2_PUB_NONCE",
        (true, IN_PARTIAL_SIG) => "PSBT_IN_MUSIG2_PARTIAL_SIG",
        (false, OUT_PARTICIPANT_PUBKEYS) => "PSBT_OUT_MUSIG2_PARTICIPANT_PUBKEYS",
        _ => return Ok(()),
    };
    let bad = |reason: String| PsbtV2Error::MalformedField { at, field, reason };
    let keys = |bytes: &[u8], what: &str| -> Result<(), PsbtV2Error> {
        for (i, chunk) in bytes.chunks(33).enumerate() {
            PublicKey::from_slice(chunk)
                .map_err(|_| bad(format!("{what} {i} is not a valid compressed public key")))?;
        }
        Ok(())
    };
    match key.type_value {
        IN_PARTICIPANT_PUBKEYS | OUT_PARTICIPANT_PUBKEYS => {
            if key.key.len() != 33 {
                return Err(bad(format!(
                    "its key holds {} bytes, not a 33-byte aggregate public key",
                    key.key.len()
                )));
            }
            keys(&key.key, "aggregate key")?;
            if value.len() % 33 != 0 {
                return Err(bad(format!(
                    "its value of {} bytes is not a list of 33-byte participant keys",
                    value.len()
                )));
            }
            keys(value, "participant key")
        }
        _ => {
            if key.key.len() != 66 && key.key.len() != 98 {
                return Err(bad(format!(
                    "its key holds {} bytes, not participant and aggregate keys (66) and an optional leaf hash (98)",
                    key.key.len()
                )));
            }
            keys(&key.key[..66], "key")?;
            let expected = if key.type_value == IN_PUB_NONCE {
                66
            } else {
                32
            };
            if value.len() != expected {
                return Err(bad(format!(
                    "its value holds {} bytes, not {expected}",
                    value.len()
                )));
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: &str = "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";

    fn key(type_value: u8, hex: &str) -> raw::Key {
        raw::Key {
            type_value,
            key: bitcoin::hex::FromHex::from_hex(hex).unwrap(),
        }
    }

    fn unhex(hex: &str) -> Vec<u8> {
        bitcoin::hex::FromHex::from_hex(hex).unwrap()
    }

    #[test]
    fn well_formed_fields_pass_and_malformed_ones_are_named() {
        let at = MapLocation::Input(0);
        let g2 = format!("{G}{G}");
        assert!(check_field(at, &key(0x1a, G), &unhex(&g2), true).is_ok());
        // Core accepts an empty participant list.
        assert!(check_field(at, &key(0x1a, G), &[], true).is_ok());
        assert!(check_field(at, &key(0x1b, &g2), &[2; 66], true).is_ok());
        assert!(check_field(
            at,
            &key(0x1c, &format!("{g2}{}", "00".repeat(32))),
            &[1; 32],
            true
        )
        .is_ok());
        // Wrong sizes, bad keys, empty participant lists.
        for (k, v) in [
            (key(0x1a, &G[..64]), unhex(G)),
            (key(0x1a, G), unhex(&G[..64])),
            (key(0x1a, &format!("04{}", &G[2..])), unhex(G)),
            (key(0x1b, G), vec![2; 66]),
            (key(0x1b, &g2), vec![2; 65]),
            (key(0x1c, &g2), vec![1; 33]),
        ] {
            let err = check_field(at, &k, &v, true).unwrap_err().to_string();
            assert!(err.contains("MUSIG2"), "{err}");
        }
        // In an output only 0x08 is a MuSig2 field; 0x1a there is someone else's.
        assert!(check_field(MapLocation::Output(0), &key(0x1a, "00"), &[], false).is_ok());
        assert!(check_field(MapLocation::Output(0), &key(0x08, "00"), &[], false).is_err());
    }
}
