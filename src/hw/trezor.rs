//! Trezor through `trezor-client`: Bitcoin PSBT signing (previous transactions supplied from
//! the PSBT's `non_witness_utxo`), xpubs and addresses, and Ethereum EIP-1559 signing. Every
//! Bitcoin signature is verified against coldsign's own sighash before it enters the PSBT.

use std::time::Duration;

use bitcoin::bip32::{DerivationPath, Xpub};
use bitcoin::psbt::Psbt;
use bitcoin::{ecdsa, Address, EcdsaSighashType, Network};
use trezor_client::protos::failure::FailureType;
use trezor_client::protos::{self, MultisigRedeemScriptType};
use trezor_client::transport::webusb::WebUsbTransport;
use trezor_client::transport::Transport as TrezorTransport;
use trezor_client::{
    AvailableDevice, InputScriptType, Model, Trezor, TrezorMessage, TrezorResponse,
};

use super::merge::{self, DeviceSignature};
use super::trezor_deadline::{timed_out, DeadlineTransport};
use super::trezor_tx::{steps, SigningKey, TxPlan};
use super::{DeviceError, EthSig, Result, READ_TIMEOUT};
use crate::signer::InputOutcome;

/// The fields of an EIP-1559 transaction, as the Trezor takes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EthTxFields {
    /// Chain id (required: replay protection).
    pub chain_id: u64,
    /// Account nonce.
    pub nonce: u64,
    /// max_fee_per_gas in wei.
    pub max_fee: u128,
    /// max_priority_fee_per_gas in wei.
    pub max_priority_fee: u128,
    /// Gas limit.
    pub gas_limit: u64,
    /// Destination; `None` creates a contract.
    pub to: Option<[u8; 20]>,
    /// Value in wei, 32 bytes big-endian.
    pub value: [u8; 32],
    /// Call data.
    pub data: Vec<u8>,
}

/// A Trezor, over USB or an injected transport.
pub struct TrezorDevice {
    client: Trezor,
}

/// Maps trezor-client errors to device errors (rejection = declined).
pub fn trezor_error(e: trezor_client::Error) -> DeviceError {
    use trezor_client::Error as E;
    match e {
        E::FailureResponse(f) => match f.code() {
            FailureType::Failure_ActionCancelled => DeviceError::Declined,
            FailureType::Failure_PinCancelled
            | FailureType::Failure_PinExpected
            | FailureType::Failure_PinInvalid
            | FailureType::Failure_PinMismatch => DeviceError::Locked("Trezor"),
            _ => DeviceError::Protocol(format!("trezor: {}", f.message().to_lowercase())),
        },
        E::NoDeviceFound => DeviceError::NotFound("Trezor"),
        E::TransportConnect(t)
        | E::TransportBeginSession(t)
        | E::TransportEndSession(t)
        | E::TransportSendMessage(t)
        | E::TransportReceiveMessage(t) => match timed_out(&t) {
            Some(after) => DeviceError::Timeout {
                device: "Trezor",
                after,
            },
            None => DeviceError::Transport(format!("trezor: {t}")),
        },
        other => DeviceError::Protocol(format!("trezor: {other}")),
    }
}

/// Every Trezor on USB. libusb is started on a context of our own first: trezor-client uses
/// rusb's global context, which panics when libusb cannot start (no `/dev/bus/usb` in a VM or
/// container).
pub fn find_usb() -> Result<Vec<AvailableDevice>> {
    rusb::Context::new().map_err(|e| {
        DeviceError::Unavailable(format!(
            "libusb cannot start ({e}); is there a /dev/bus/usb?"
        ))
    })?;
    WebUsbTransport::find_devices(false).map_err(|e| DeviceError::Transport(format!("trezor: {e}")))
}

/// Answers button requests (the user confirms on the device) until the result arrives; a
/// PIN or host passphrase request means the device is locked for us.
fn interact<T, R: TrezorMessage>(mut response: TrezorResponse<'_, T, R>) -> Result<T> {
    loop {
        response = match response {
            TrezorResponse::Ok(value) => return Ok(value),
            TrezorResponse::Failure(f) => {
                return Err(trezor_error(trezor_client::Error::FailureResponse(f)))
            }
            TrezorResponse::ButtonRequest(req) => req.ack().map_err(trezor_error)?,
            TrezorResponse::PinMatrixRequest(_) | TrezorResponse::PassphraseRequest(_) => {
                return Err(DeviceError::Locked("Trezor"))
            }
        };
    }
}

/// The input script type of a single-sig account path (by its BIP purpose).
fn script_type(path: &DerivationPath) -> InputScriptType {
    match path.into_iter().next().map(|c| u32::from(*c) & 0x7fff_ffff) {
        Some(44) => InputScriptType::SPENDADDRESS,
        Some(49) => InputScriptType::SPENDP2SHWITNESS,
        Some(86) => InputScriptType::SPENDTAPROOT,
        _ => InputScriptType::SPENDWITNESS,
    }
}

/// Big-endian bytes without leading zeros (how trezorlib encodes integers).
fn minimal(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes[start..].to_vec()
}

/// A 65-byte `r || s || v` Ethereum signature.
fn eth_signature(bytes: &[u8]) -> Result<EthSig> {
    let bytes: &[u8; 65] = bytes.try_into().map_err(|_| {
        DeviceError::Protocol(format!("trezor returned a {}-byte signature", bytes.len()))
    })?;
    let mut sig = EthSig {
        v: u64::from(bytes[64]),
        r: [0; 32],
        s: [0; 32],
    };
    sig.r.copy_from_slice(&bytes[..32]);
    sig.s.copy_from_slice(&bytes[32..64]);
    Ok(sig)
}

/// The Trezor's name of `network`'s coin.
fn coin_name(network: Network) -> Result<String> {
    trezor_client::utils::coin_name(network).map_err(trezor_error)
}

/// The signature the Trezor returned for input `index`: DER (ECDSA, SIGHASH_ALL) or 64-byte
/// Schnorr (taproot, SIGHASH_DEFAULT), for the key `plan` says signs it.
fn device_signature(plan: &TxPlan, index: usize, bytes: &[u8]) -> Result<DeviceSignature> {
    let bad = |e: &dyn std::fmt::Display| {
        DeviceError::Protocol(format!("input {index}: bad signature from the trezor: {e}"))
    };
    match plan.signing_key(index) {
        Some(SigningKey::Ecdsa(key)) => {
            let signature =
                bitcoin::secp256k1::ecdsa::Signature::from_der(bytes).map_err(|e| bad(&e))?;
            Ok(DeviceSignature::Ecdsa(
                key,
                ecdsa::Signature {
                    signature,
                    sighash_type: EcdsaSighashType::All,
                },
            ))
        }
        Some(SigningKey::TaprootKey(key)) => {
            let signature = bitcoin::taproot::Signature::from_slice(bytes).map_err(|e| bad(&e))?;
            Ok(DeviceSignature::Taproot(key, None, signature))
        }
        None => Err(DeviceError::Protocol(format!(
            "trezor signed input {index}, which does not exist"
        ))),
    }
}

impl TrezorDevice {
    /// Opens the first Trezor on USB.
    pub fn open_usb() -> Result<Self> {
        let device = find_usb()?
            .into_iter()
            .next()
            .ok_or(DeviceError::NotFound("Trezor"))?;
        let transport = trezor_client::transport::connect(&device)
            .map_err(|e| trezor_error(trezor_client::Error::TransportConnect(e)))?;
        Self::with_transport(device.model, transport)
    }

    /// Opens the Trezor emulator at UDP `addr` (`host:port`, e.g. 127.0.0.1:21324), awaiting
    /// every answer for `timeout`. With `debug_link` (its debug port, e.g. 127.0.0.1:21325)
    /// every button request is answered there, after the device asked
    /// ([`super::trezor_press::PressOnRequest`]): approved when `approve`, else declined.
    #[cfg(any(feature = "emulator", feature = "test-fakes"))]
    pub fn open_emulator(
        addr: &str,
        debug_link: Option<&str>,
        approve: bool,
        timeout: Duration,
    ) -> Result<Self> {
        use super::trezor_press::PressOnRequest;
        use super::trezor_udp::{DebugLink, UdpTransport};
        let connect_error = |e| trezor_error(trezor_client::Error::TransportConnect(e));
        let mut transport: Box<dyn TrezorTransport> =
            Box::new(UdpTransport::connect(addr, timeout).map_err(connect_error)?);
        if let Some(debug) = debug_link {
            let link = DebugLink::connect(debug, timeout, approve).map_err(connect_error)?;
            transport = Box::new(PressOnRequest::new(transport, Box::new(link)));
        }
        Self::with_transport_timeout(Model::TrezorEmulator, transport, timeout)
    }

    /// Uses `transport` (a FAKE in tests) as a Trezor of `model`; every answer is awaited
    /// for [`READ_TIMEOUT`] at most.
    pub fn with_transport(model: Model, transport: Box<dyn TrezorTransport>) -> Result<Self> {
        Self::with_transport_timeout(model, transport, READ_TIMEOUT)
    }

    /// As [`TrezorDevice::with_transport`], awaiting every answer for `timeout` (tests use a
    /// short one).
    pub fn with_transport_timeout(
        model: Model,
        transport: Box<dyn TrezorTransport>,
        timeout: Duration,
    ) -> Result<Self> {
        let transport = Box::new(DeadlineTransport::new(transport, timeout));
        Self::start(trezor_client::client::trezor_with_transport(
            model, transport,
        ))
    }

    fn start(mut client: Trezor) -> Result<Self> {
        client.init_device(None).map_err(trezor_error)?;
        if client
            .features()
            .is_some_and(|f| f.has_unlocked() && !f.unlocked())
        {
            return Err(DeviceError::Locked("Trezor"));
        }
        Ok(TrezorDevice { client })
    }

    /// The model and firmware version from the device's features.
    pub fn describe(&self) -> String {
        match self.client.features() {
            Some(f) => format!(
                "Trezor {} {}.{}.{}",
                f.model(),
                f.major_version(),
                f.minor_version(),
                f.patch_version()
            ),
            None => "Trezor".into(),
        }
    }

    /// The extended public key at `path`.
    pub fn xpub(&mut self, path: &DerivationPath, network: Network, display: bool) -> Result<Xpub> {
        interact(
            self.client
                .get_public_key(path, network, display)
                .map_err(trezor_error)?,
        )
    }

    /// The single-sig address at `path` (script type from the path's purpose).
    pub fn address(
        &mut self,
        path: &DerivationPath,
        network: Network,
        display: bool,
    ) -> Result<Address> {
        interact(
            self.client
                .get_address(path, script_type(path), network, display)
                .map_err(trezor_error)?,
        )
    }

    /// Signs the inputs of `psbt` this Trezor holds a key of, as `plan` describes them to it
    /// ([`TxPlan`]), verifies each signature against coldsign's own sighash and merges it.
    pub fn sign_psbt(
        &mut self,
        psbt: &mut Psbt,
        network: Network,
        plan: &TxPlan,
    ) -> Result<Vec<InputOutcome>> {
        let mut raw = Vec::new();
        let mut response = self.client.sign_tx(psbt, network).map_err(trezor_error)?;
        loop {
            let progress = interact(response)?;
            if let Some((index, sig)) = progress.get_signature() {
                raw.push((index, sig.to_vec()));
            }
            if progress.finished() {
                break;
            }
            let ack = plan.answer(psbt, progress.tx_request())?;
            response = progress.ack_msg(ack).map_err(trezor_error)?;
        }
        let sigs = raw
            .into_iter()
            .map(|(index, bytes)| device_signature(plan, index, &bytes).map(|s| (index, s)))
            .collect::<Result<Vec<_>>>()?;
        merge::merge(psbt, sigs)
    }

    /// The address of a multisig where this Trezor is one cosigner: its own key at `path`,
    /// the cosigners in `multisig`, the script type `kind` (p2wsh, p2sh-p2wsh or p2sh); on
    /// the device's screen when `display`.
    pub fn multisig_address(
        &mut self,
        path: &DerivationPath,
        multisig: MultisigRedeemScriptType,
        kind: InputScriptType,
        network: Network,
        display: bool,
    ) -> Result<Address> {
        let mut request = protos::GetAddress::new();
        request.address_n = steps(path);
        request.set_coin_name(coin_name(network)?);
        request.set_show_display(display);
        request.set_script_type(kind);
        request.multisig = Some(multisig).into();
        let text = interact(
            self.client
                .call(
                    request,
                    Box::new(|_, m: protos::Address| Ok(m.address().to_owned())),
                )
                .map_err(trezor_error)?,
        )?;
        text.parse::<Address<bitcoin::address::NetworkUnchecked>>()
            .map(|a| a.assume_checked())
            .map_err(|e| DeviceError::Protocol(format!("trezor returned address {text:?}: {e}")))
    }

    /// The Ethereum address at `path`.
    pub fn eth_address(&mut self, path: &DerivationPath) -> Result<[u8; 20]> {
        let text = self
            .client
            .ethereum_get_address(steps(path))
            .map_err(trezor_error)?;
        data_encoding::HEXLOWER_PERMISSIVE
            .decode(text.trim_start_matches("0x").as_bytes())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| DeviceError::Protocol(format!("trezor returned address {text:?}")))
    }

    /// Signs an EIP-191 personal message; `v` is 27/28.
    pub fn eth_sign_personal(&mut self, path: &DerivationPath, message: &[u8]) -> Result<EthSig> {
        let mut request = protos::EthereumSignMessage::new();
        request.address_n = steps(path);
        request.set_message(message.to_vec());
        let signature = interact(
            self.client
                .call(
                    request,
                    Box::new(|_, m: protos::EthereumMessageSignature| Ok(m.signature().to_vec())),
                )
                .map_err(trezor_error)?,
        )?;
        eth_signature(&signature)
    }

    /// Signs EIP-712 typed data in hashed mode (BLIND: the Trezor One shows only the domain
    /// separator and message hashes); `v` is 27/28.
    pub fn eth_sign_typed_hash(
        &mut self,
        path: &DerivationPath,
        domain: [u8; 32],
        message: [u8; 32],
    ) -> Result<EthSig> {
        let mut request = protos::EthereumSignTypedHash::new();
        request.address_n = steps(path);
        request.set_domain_separator_hash(domain.to_vec());
        request.set_message_hash(message.to_vec());
        let signature = interact(
            self.client
                .call(
                    request,
                    Box::new(|_, m: protos::EthereumTypedDataSignature| Ok(m.signature().to_vec())),
                )
                .map_err(trezor_error)?,
        )?;
        eth_signature(&signature)
    }

    /// Signs an EIP-1559 transaction; `v` is the y-parity.
    pub fn eth_sign_eip1559(&mut self, path: &DerivationPath, tx: &EthTxFields) -> Result<EthSig> {
        let to = tx
            .to
            .map(|a| format!("0x{}", data_encoding::HEXLOWER.encode(&a)))
            .unwrap_or_default();
        let sig = self
            .client
            .ethereum_sign_eip1559_tx(
                steps(path),
                minimal(&tx.nonce.to_be_bytes()),
                minimal(&tx.gas_limit.to_be_bytes()),
                to,
                minimal(&tx.value),
                tx.data.clone(),
                Some(tx.chain_id),
                minimal(&tx.max_fee.to_be_bytes()),
                minimal(&tx.max_priority_fee.to_be_bytes()),
                Vec::new(),
            )
            .map_err(trezor_error)?;
        // trezor-client turns the parity into a legacy EIP-155 v; undo that.
        let parity = match sig.v {
            0 | 1 => sig.v,
            v => v
                .checked_sub(35 + 2 * tx.chain_id)
                .filter(|p| *p <= 1)
                .ok_or_else(|| DeviceError::Protocol(format!("trezor returned v = {v}")))?,
        };
        Ok(EthSig {
            v: parity,
            r: sig.r,
            s: sig.s,
        })
    }
}
