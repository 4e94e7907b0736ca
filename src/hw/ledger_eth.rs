//! The Ledger Ethereum app, APDU by APDU (the framing of Ledger's `@ledgerhq/hw-app-eth`):
//! get address, sign a transaction from its unsigned bytes (legacy RLP or typed
//! `type || rlp(...)`, chunked), personal_sign, and EIP-712 in hashed mode.
//!
//! EIP-712 hashed mode shows only the domain and message hashes on the device: it is blind
//! signing, and callers must flag it as such (compare both hashes with coldsign's review).
//! Clear-signing (sending the typed data field by field) is not implemented.

use bitcoin::bip32::DerivationPath;

use super::apdu::{call, command, path_bytes};
use super::{DeviceError, EthSig, Result, Transport};

const CLA: u8 = 0xe0;
const INS_GET_ADDRESS: u8 = 0x02;
const INS_SIGN_TX: u8 = 0x04;
const INS_SIGN_PERSONAL: u8 = 0x08;
const INS_SIGN_712_HASHED: u8 = 0x0c;
const INS_GET_CONFIGURATION: u8 = 0x06;
/// P2 of INS 0x0C for the full EIP-712 mode (after the definitions and values).
const P2_712_FULL: u8 = 0x01;
const P1_FIRST: u8 = 0x00;
const P1_MORE: u8 = 0x80;
/// Largest APDU payload.
const MAX_CHUNK: usize = 255;
/// personal_sign chunk size used by hw-app-eth.
const PERSONAL_CHUNK: usize = 150;

/// A Ledger running the Ethereum app.
pub struct LedgerEth<'a> {
    transport: &'a mut dyn Transport,
}

impl<'a> LedgerEth<'a> {
    /// Talks to the Ethereum app over `transport`.
    pub fn new(transport: &'a mut dyn Transport) -> Self {
        LedgerEth { transport }
    }

    fn call(&mut self, ins: u8, p1: u8, data: &[u8]) -> Result<Vec<u8>> {
        self.call_p2(ins, p1, 0, data)
    }

    fn call_p2(&mut self, ins: u8, p1: u8, p2: u8, data: &[u8]) -> Result<Vec<u8>> {
        call(self.transport, &command(CLA, ins, p1, p2, data), "Ethereum")
    }

    /// The Ethereum app's version (GET APP CONFIGURATION: flags, major, minor, patch).
    pub fn app_version(&mut self) -> Result<(u8, u8, u8)> {
        match self.call(INS_GET_CONFIGURATION, 0, &[])?.as_slice() {
            [_, major, minor, patch, ..] => Ok((*major, *minor, *patch)),
            other => Err(DeviceError::Protocol(format!(
                "app configuration of {} bytes",
                other.len()
            ))),
        }
    }

    /// Signs EIP-712 typed data in the app's full mode: every struct definition and value is
    /// sent, the app hashes them itself and shows the fields on its screen (app 1.9.19+).
    pub fn eth_sign_typed_full(
        &mut self,
        path: &DerivationPath,
        typed: &alloy_dyn_abi::TypedData,
    ) -> Result<EthSig> {
        for (ins, p1, p2, data) in super::ledger_eip712::apdus(typed)? {
            self.call_p2(ins, p1, p2, &data)?;
        }
        let answer = self.call_p2(INS_SIGN_712_HASHED, 0, P2_712_FULL, &path_bytes(path))?;
        signature(&answer)
    }

    /// The address at `path` (shown on the screen for confirmation when `display`). The
    /// address the app prints must be the one its public key hashes to.
    pub fn eth_address(&mut self, path: &DerivationPath, display: bool) -> Result<[u8; 20]> {
        let data = self.call(INS_GET_ADDRESS, u8::from(display), &path_bytes(path))?;
        let malformed = || DeviceError::Protocol("malformed get-address answer".into());
        let (&pk_len, rest) = data.split_first().ok_or_else(malformed)?;
        let pk = rest.get(..usize::from(pk_len)).ok_or_else(malformed)?;
        let rest = &rest[usize::from(pk_len)..];
        let (&addr_len, rest) = rest.split_first().ok_or_else(malformed)?;
        let text = rest.get(..usize::from(addr_len)).ok_or_else(malformed)?;
        let text = std::str::from_utf8(text).map_err(|_| malformed())?;
        let bytes = data_encoding::HEXLOWER_PERMISSIVE
            .decode(text.trim_start_matches("0x").as_bytes())
            .map_err(|_| malformed())?;
        let address: [u8; 20] = bytes.try_into().map_err(|_| malformed())?;
        let key = bitcoin::secp256k1::PublicKey::from_slice(pk).map_err(|_| malformed())?;
        let hashed = alloy_primitives::keccak256(&key.serialize_uncompressed()[1..]);
        if hashed[12..] != address {
            return Err(DeviceError::Protocol(
                "the address the device printed is not its public key's address".into(),
            ));
        }
        Ok(address)
    }

    /// Signs an unsigned transaction: legacy `rlp([nonce, gasPrice, gas, to, value, data,
    /// chainId, 0, 0])` or typed `type || rlp(...)` (EIP-2930, EIP-1559). `v` is what the
    /// app returns: y-parity for typed transactions, a one-byte EIP-155 `v` for legacy ones.
    pub fn eth_sign_transaction(
        &mut self,
        path: &DerivationPath,
        unsigned_tx: &[u8],
    ) -> Result<EthSig> {
        let chunks = transaction_chunks(&path_bytes(path), unsigned_tx)?;
        let mut answer = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            answer = self.call(INS_SIGN_TX, if i == 0 { P1_FIRST } else { P1_MORE }, chunk)?;
        }
        signature(&answer)
    }

    /// personal_sign (EIP-191 version 0x45) of `msg`.
    pub fn eth_sign_personal(&mut self, path: &DerivationPath, msg: &[u8]) -> Result<EthSig> {
        let mut first = path_bytes(path);
        first.extend_from_slice(&(msg.len() as u32).to_be_bytes());
        let head = (PERSONAL_CHUNK - first.len()).min(msg.len());
        first.extend_from_slice(&msg[..head]);
        let mut answer = self.call(INS_SIGN_PERSONAL, P1_FIRST, &first)?;
        for chunk in msg[head..].chunks(PERSONAL_CHUNK) {
            answer = self.call(INS_SIGN_PERSONAL, P1_MORE, chunk)?;
        }
        signature(&answer)
    }

    /// EIP-712 in hashed mode: BLIND signing of `keccak(0x1901 || domain_separator ||
    /// message_hash)`; the device shows the two hashes only.
    pub fn eth_sign_typed_hashed(
        &mut self,
        path: &DerivationPath,
        domain_separator: [u8; 32],
        message_hash: [u8; 32],
    ) -> Result<EthSig> {
        let mut data = path_bytes(path);
        data.extend_from_slice(&domain_separator);
        data.extend_from_slice(&message_hash);
        signature(&self.call(INS_SIGN_712_HASHED, P1_FIRST, &data)?)
    }
}

/// `v || r || s` from the app.
fn signature(answer: &[u8]) -> Result<EthSig> {
    if answer.len() < 65 {
        return Err(DeviceError::Protocol(format!(
            "signature answer of {} bytes",
            answer.len()
        )));
    }
    Ok(EthSig {
        v: u64::from(answer[0]),
        r: answer[1..33].try_into().expect("32 bytes"),
        s: answer[33..65].try_into().expect("32 bytes"),
    })
}

/// Splits `path || tx` into APDU payloads of at most 255 bytes. For a legacy transaction the
/// last chunk must not consist of the trailing `v, r, s` items alone (the app would take the
/// transaction as complete too early), so a smaller chunk size is chosen then, exactly as
/// hw-app-eth's `safeChunkTransaction` does.
fn transaction_chunks(path: &[u8], tx: &[u8]) -> Result<Vec<Vec<u8>>> {
    let payload: Vec<u8> = path.iter().chain(tx).copied().collect();
    if payload.len() <= MAX_CHUNK {
        return Ok(vec![payload]);
    }
    let typed = tx.first().is_some_and(|b| *b < 0x80);
    let size = if typed {
        MAX_CHUNK
    } else {
        let vrs = trailing_items_len(tx, 3)?;
        let fits = |size: usize| {
            let last = payload.len() % size;
            last == 0 || last > vrs
        };
        (1..=MAX_CHUNK)
            .rev()
            .find(|s| fits(*s))
            .ok_or_else(|| DeviceError::Protocol("cannot chunk this transaction".into()))?
    };
    Ok(payload.chunks(size).map(<[u8]>::to_vec).collect())
}

/// The encoded length of the last `n` items of the RLP list `list`.
fn trailing_items_len(list: &[u8], n: usize) -> Result<usize> {
    let bad = || DeviceError::Protocol("the transaction is not an RLP list".into());
    let (offset, len) = rlp_header(list).ok_or_else(bad)?;
    if !list.first().is_some_and(|b| *b >= 0xc0) || offset + len != list.len() {
        return Err(bad());
    }
    let mut items = Vec::new();
    let mut at = offset;
    while at < list.len() {
        let (head, body) = rlp_header(&list[at..]).ok_or_else(bad)?;
        items.push(head + body);
        at += head + body;
    }
    if at != list.len() || items.len() < n {
        return Err(bad());
    }
    Ok(items[items.len() - n..].iter().sum())
}

/// (header length, payload length) of the RLP item starting `data`.
fn rlp_header(data: &[u8]) -> Option<(usize, usize)> {
    let b = *data.first()?;
    let long = |base: u8| -> Option<(usize, usize)> {
        let n = usize::from(b - base);
        let bytes = data.get(1..1 + n)?;
        let len = bytes.iter().try_fold(0usize, |acc, x| {
            acc.checked_mul(256)?.checked_add(usize::from(*x))
        })?;
        Some((1 + n, len))
    };
    let (head, len) = match b {
        0x00..=0x7f => (0, 1),
        0x80..=0xb7 => (1, usize::from(b - 0x80)),
        0xb8..=0xbf => long(0xb7)?,
        0xc0..=0xf7 => (1, usize::from(b - 0xc0)),
        0xf8..=0xff => long(0xf7)?,
    };
    (data.len() >= head.checked_add(len)?).then_some((head, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rlp_items_are_measured() {
        // [0x01, "", 0x8080] -> c4 01 80 82 80 80? use a known list: c3 01 02 03
        assert_eq!(trailing_items_len(&[0xc3, 1, 2, 3], 2).unwrap(), 2);
        assert!(trailing_items_len(&[0xc3, 1, 2], 1).is_err());
        assert!(trailing_items_len(&[0x83, 1, 2, 3], 1).is_err());
    }

    #[test]
    fn short_payloads_are_one_chunk() {
        assert_eq!(transaction_chunks(&[0], &[0xc1, 0x80]).unwrap().len(), 1);
    }
}
