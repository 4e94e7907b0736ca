//! SLIP-132 extended public key forms (ypub, zpub, Ypub, Zpub and their testnet twins), which
//! many wallets still use to say which script type an account key is for.

use bitcoin::bip32::Xpub;
use bitcoin::NetworkKind;

use super::xkey::{decode_checked, xpub_from_bytes, XkeyError};

/// The script types SLIP-132 distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slip132Kind {
    /// P2PKH or P2TR (plain xpub/tpub).
    Legacy,
    /// P2WPKH nested in P2SH (ypub/upub).
    NestedSegwit,
    /// Native P2WPKH (zpub/vpub).
    NativeSegwit,
    /// Multisig P2WSH nested in P2SH (Ypub/Upub).
    NestedSegwitMultisig,
    /// Native multisig P2WSH (Zpub/Vpub).
    NativeSegwitMultisig,
}

const TABLE: [(Slip132Kind, [u8; 4], [u8; 4]); 5] = [
    (
        Slip132Kind::Legacy,
        [0x04, 0x88, 0xB2, 0x1E],
        [0x04, 0x35, 0x87, 0xCF],
    ),
    (
        Slip132Kind::NestedSegwit,
        [0x04, 0x9D, 0x7C, 0xB2],
        [0x04, 0x4A, 0x52, 0x62],
    ),
    (
        Slip132Kind::NativeSegwit,
        [0x04, 0xB2, 0x47, 0x46],
        [0x04, 0x5F, 0x1C, 0xF6],
    ),
    (
        Slip132Kind::NestedSegwitMultisig,
        [0x02, 0x95, 0xB4, 0x3F],
        [0x02, 0x42, 0x89, 0xEF],
    ),
    (
        Slip132Kind::NativeSegwitMultisig,
        [0x02, 0xAA, 0x7E, 0xD3],
        [0x02, 0x57, 0x54, 0x83],
    ),
];

/// Encodes `xpub` with the SLIP-132 version bytes of `kind`.
pub fn encode(xpub: &Xpub, kind: Slip132Kind) -> String {
    let (_, main, test) = TABLE
        .iter()
        .find(|(k, _, _)| *k == kind)
        .expect("every kind is listed");
    let mut data = xpub.encode();
    data[..4].copy_from_slice(match xpub.network {
        NetworkKind::Main => main,
        NetworkKind::Test => test,
    });
    bitcoin::base58::encode_check(&data)
}

/// Decodes any SLIP-132 (or plain) extended public key, returning the key and its kind.
pub fn decode(s: &str) -> Result<(Xpub, Slip132Kind), XkeyError> {
    let mut data = decode_checked(s)?;
    let (kind, standard_version) = TABLE
        .iter()
        .find_map(|(k, main, test)| {
            if data[..4] == *main {
                Some((*k, [0x04, 0x88, 0xB2, 0x1E]))
            } else if data[..4] == *test {
                Some((*k, [0x04, 0x35, 0x87, 0xCF]))
            } else {
                None
            }
        })
        .ok_or_else(|| {
            XkeyError::Version(bitcoin::hex::DisplayHex::to_lower_hex_string(&data[..4]))
        })?;
    data[..4].copy_from_slice(&standard_version);
    Ok((xpub_from_bytes(&mut data)?, kind))
}
