//! Calldata decoding for the review: ERC-20 transfers and approvals, Safe `execTransaction`
//! and its administration functions, and MultiSend batches (nested, packed encoding). Anything
//! else is blind data. Decoding is strict: arguments must re-encode to exactly the input.

use std::cell::RefCell;
use std::sync::OnceLock;

use alloy_dyn_abi::{DynSolValue, JsonAbiExt};
use alloy_json_abi::Function;
use alloy_primitives::{Address, U256};
use serde::Serialize;

use super::flows::{Known, Movement, MovementKind, Refund};
use super::registry::ContractKind;
use crate::i18n::Text;
use crate::review::{Severity, Warning};

/// A Safe call's operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// CALL: the target runs in its own context.
    Call,
    /// DELEGATECALL: the target's code runs with the Safe's storage and funds.
    DelegateCall,
}

impl Operation {
    /// From the Safe's `uint8 operation`.
    pub fn from_u8(n: u8) -> Option<Self> {
        match n {
            0 => Some(Operation::Call),
            1 => Some(Operation::DelegateCall),
            _ => None,
        }
    }
}

/// One decoded argument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Arg {
    /// Parameter name.
    pub name: String,
    /// Value as shown to a person.
    pub value: String,
}

/// One call, decoded as far as the signer can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Call {
    /// Where the call sits: `call`, `call → Safe call`, `… → MultiSend #2`.
    pub place: String,
    /// Target (checksummed), none for contract creation.
    pub to: Option<String>,
    /// Native value sent, in wei.
    pub value_wei: String,
    /// CALL or DELEGATECALL.
    pub operation: Operation,
    /// The function's signature with parameter names, when known.
    pub function: Option<String>,
    /// The arguments.
    pub args: Vec<Arg>,
    /// Calldata length.
    pub data_bytes: usize,
    /// True when the data could not be decoded.
    pub blind: bool,
    /// Calls this one makes (Safe inner call, MultiSend batch).
    pub nested: Vec<Call>,
    /// The call as an installed ERC-7730 descriptor shows it, when one describes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clear_signed: Option<Box<crate::erc7730::ClearSigned>>,
}

/// Something a call touches, for policy rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Touch {
    /// Native value or tokens go to this address.
    Recipient(Address),
    /// A contract is called with this selector.
    Contract(Address, [u8; 4]),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Erc20Transfer,
    Erc20Approve,
    Erc20TransferFrom,
    SafeExec,
    SafeAdmin,
    SafeApproveHash,
    MultiSend,
    ApprovalForAll,
    NftTransfer,
    Erc1155Transfer,
    Permit2Approve,
    /// WETH-style deposit and withdraw: understood only on a wrapped native coin.
    Wrap,
}

const KNOWN: &[(&str, Kind)] = &[
    ("transfer(address to,uint256 amount)", Kind::Erc20Transfer),
    ("approve(address spender,uint256 amount)", Kind::Erc20Approve),
    ("increaseAllowance(address spender,uint256 addedValue)", Kind::Erc20Approve),
    ("transferFrom(address from,address to,uint256 amount)", Kind::Erc20TransferFrom),
    (
        "execTransaction(address to,uint256 value,bytes data,uint8 operation,uint256 safeTxGas,uint256 baseGas,uint256 gasPrice,address gasToken,address refundReceiver,bytes signatures)",
        Kind::SafeExec,
    ),
    ("multiSend(bytes transactions)", Kind::MultiSend),
    ("addOwnerWithThreshold(address owner,uint256 threshold)", Kind::SafeAdmin),
    ("removeOwner(address prevOwner,address owner,uint256 threshold)", Kind::SafeAdmin),
    ("swapOwner(address prevOwner,address oldOwner,address newOwner)", Kind::SafeAdmin),
    ("changeThreshold(uint256 threshold)", Kind::SafeAdmin),
    ("enableModule(address module)", Kind::SafeAdmin),
    ("disableModule(address prevModule,address module)", Kind::SafeAdmin),
    ("setGuard(address guard)", Kind::SafeAdmin),
    ("setModuleGuard(address moduleGuard)", Kind::SafeAdmin),
    ("setFallbackHandler(address handler)", Kind::SafeAdmin),
    ("approveHash(bytes32 hashToApprove)", Kind::SafeApproveHash),
    ("setApprovalForAll(address operator,bool approved)", Kind::ApprovalForAll),
    ("safeTransferFrom(address from,address to,uint256 tokenId)", Kind::NftTransfer),
    ("safeTransferFrom(address from,address to,uint256 tokenId,bytes data)", Kind::NftTransfer),
    (
        "safeTransferFrom(address from,address to,uint256 id,uint256 amount,bytes data)",
        Kind::Erc1155Transfer,
    ),
    (
        "approve(address token,address spender,uint160 amount,uint48 expiration)",
        Kind::Permit2Approve,
    ),
    ("deposit()", Kind::Wrap),
    ("withdraw(uint256 amount)", Kind::Wrap),
];

fn known() -> &'static [(Function, Kind)] {
    static TABLE: OnceLock<Vec<(Function, Kind)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        KNOWN
            .iter()
            .map(|(sig, kind)| (Function::parse(sig).expect("valid signature"), *kind))
            .collect()
    })
}

/// Nesting beyond this depth is treated as blind (no recursion bombs).
const MAX_DEPTH: usize = 4;

/// Decodes calls, collecting warnings and what they touch.
pub struct Decoder<'a> {
    pub(crate) chain_id: u64,
    pub(crate) known: Known<'a>,
    /// The signing account.
    pub(crate) owner: Address,
    /// Whose value the calls being decoded move: the signing account, or a Safe.
    pub(crate) payer: Address,
    /// Findings so far.
    pub warnings: Vec<Warning>,
    /// Recipients and contracts, for policy rules.
    pub touches: Vec<Touch>,
    /// Every movement of value.
    pub movements: Vec<Movement>,
    /// The token, native and allowance movements in machine form, for cross-checking what
    /// a descriptor shows.
    pub exact: Vec<crate::erc7730::crosscheck::Movement>,
    /// Every address shown, for look-alike checks.
    pub shown: RefCell<Vec<Address>>,
}

/// A call to decode.
pub struct RawCall<'a> {
    /// Target, none for contract creation.
    pub to: Option<Address>,
    /// Native value.
    pub value: U256,
    /// CALL or DELEGATECALL.
    pub operation: Operation,
    /// Calldata.
    pub data: &'a [u8],
}

fn hex(bytes: &[u8]) -> String {
    format!("0x{}", alloy_primitives::hex::encode(bytes))
}

impl<'a> Decoder<'a> {
    /// A decoder for chain `chain_id` and the account `owner`, naming addresses from `known`.
    pub fn new(chain_id: u64, known: Known<'a>, owner: Address) -> Self {
        Decoder {
            chain_id,
            known,
            owner,
            payer: owner,
            warnings: Vec::new(),
            touches: Vec::new(),
            movements: Vec::new(),
            exact: Vec::new(),
            shown: RefCell::new(Vec::new()),
        }
    }

    /// Adds a finding.
    pub fn warn(&mut self, code: &'static str, severity: Severity, text: Text) {
        self.warnings.push(Warning::said(code, severity, text));
    }

    /// An address with its label (address book, then registry, then "you"), if any.
    pub fn show_address(&self, address: Address) -> String {
        self.shown.borrow_mut().push(address);
        let label = self
            .known
            .book
            .label_of(&address.to_checksum(None))
            .map(str::to_string)
            .or_else(|| self.known.registry.name(self.chain_id, address))
            .or_else(|| (address == self.owner).then(|| "you".to_string()));
        match label {
            Some(label) => format!("{} ({label})", address.to_checksum(None)),
            None => address.to_checksum(None),
        }
    }

    fn multisend_name(&self, address: Address) -> Option<String> {
        self.known
            .registry
            .contract(self.chain_id, address)
            .filter(|c| c.kind == ContractKind::Multisend)
            .map(|c| c.name.clone())
    }

    /// Decodes `call` as made by `payer` (a Safe's inner call, a forwarded call).
    pub fn decode_as(&mut self, payer: Address, place: &str, call: RawCall<'_>) -> Call {
        let before = std::mem::replace(&mut self.payer, payer);
        let out = self.decode(place, call);
        self.payer = before;
        out
    }

    /// Decodes `call` at `place` (e.g. "call").
    pub fn decode(&mut self, place: &str, call: RawCall<'_>) -> Call {
        self.decode_at(place, call, 0)
    }

    /// The call as seen before its data is decoded.
    fn undecoded(&self, place: &str, call: &RawCall<'_>) -> Call {
        Call {
            place: place.to_string(),
            to: call.to.map(|a| self.show_address(a)),
            value_wei: call.value.to_string(),
            operation: call.operation,
            function: None,
            args: Vec::new(),
            data_bytes: call.data.len(),
            blind: false,
            nested: Vec::new(),
            clear_signed: None,
        }
    }

    fn decode_at(&mut self, place: &str, call: RawCall<'_>, depth: usize) -> Call {
        let mut out = self.undecoded(place, &call);
        let first = self.exact.len();
        if call.operation == Operation::Call {
            self.native(place, call.to, call.value, call.data.is_empty());
        }
        let Some(to) = call.to else {
            self.warn(
                "eth.contract.create",
                Severity::High,
                Text::new("warning-eth-contract-create")
                    .text_arg("place", super::place::said(place))
                    .arg("bytes", call.data.len()),
            );
            return out;
        };
        if call.operation == Operation::DelegateCall {
            self.delegatecall(place, to);
        }
        if call.data.is_empty() {
            self.touches.push(Touch::Recipient(to));
            return out;
        }
        let selector: [u8; 4] = match call.data.get(..4).map(<[u8; 4]>::try_from) {
            Some(Ok(s)) => s,
            _ => return self.blind(out, Text::new("warning-eth-calldata-blind-short")),
        };
        self.touches.push(Touch::Contract(to, selector));
        if !call.value.is_zero() {
            self.touches.push(Touch::Recipient(to));
        }
        let Some((function, kind)) = known().iter().find(|(f, _)| f.selector() == selector) else {
            return self.unexplained(
                out,
                (&call, first),
                Text::new("warning-eth-calldata-blind-unknown-function")
                    .arg("selector", hex(&selector)),
            );
        };
        if *kind == Kind::Wrap && !self.known.registry.is_wrapped_native(self.chain_id, to) {
            return self.unexplained(
                out,
                (&call, first),
                Text::new("warning-eth-calldata-blind-not-wrapped")
                    .arg("function", function.signature()),
            );
        }
        let values = match function.abi_decode_input(&call.data[4..]) {
            Ok(v) if function.abi_encode_input(&v).ok().as_deref() == Some(call.data) => v,
            _ => {
                return self.unexplained(
                    out,
                    (&call, first),
                    Text::new("warning-eth-calldata-blind-malformed")
                        .arg("function", function.signature()),
                )
            }
        };
        out.function = Some(
            function
                .full_signature()
                .trim_start_matches("function ")
                .to_string(),
        );
        out.args = function
            .inputs
            .iter()
            .zip(&values)
            .map(|(p, v)| Arg {
                name: p.name.clone(),
                value: self.show_value(v),
            })
            .collect();
        self.understand(&mut out, to, *kind, &values, depth);
        self.also_described(&mut out, &call, first);
        out
    }

    fn delegatecall(&mut self, place: &str, to: Address) {
        match self.multisend_name(to) {
            Some(name) => self.warn(
                "eth.safe.delegatecall-multisend",
                Severity::Info,
                Text::new("warning-eth-safe-delegatecall-multisend")
                    .text_arg("place", super::place::said(place))
                    .arg("name", name),
            ),
            None => self.warn(
                "eth.safe.delegatecall",
                Severity::Deny,
                Text::new("warning-eth-safe-delegatecall")
                    .text_arg("place", super::place::said(place))
                    .arg("to", self.show_address(to)),
            ),
        }
    }

    /// Marks `out` blind: the signer cannot show what it does.
    pub(crate) fn blind(&mut self, mut out: Call, why: Text) -> Call {
        out.blind = true;
        self.warn(
            "eth.calldata.blind",
            Severity::Deny,
            Text::new("warning-eth-calldata-blind")
                .text_arg("place", super::place::said(&out.place))
                .arg("bytes", out.data_bytes)
                .arg("to", out.to.as_deref().unwrap_or("?"))
                .text_arg("why", why),
        );
        out
    }

    fn show_value(&self, value: &DynSolValue) -> String {
        match value {
            DynSolValue::Address(a) => self.show_address(*a),
            DynSolValue::Uint(n, _) => n.to_string(),
            DynSolValue::Bytes(b) if b.len() > 64 => {
                format!("{}… ({} bytes)", hex(&b[..32]), b.len())
            }
            DynSolValue::Bytes(b) => hex(b),
            DynSolValue::FixedBytes(w, size) => hex(&w[..*size]),
            other => format!("{other:?}"),
        }
    }

    fn understand(
        &mut self,
        out: &mut Call,
        to: Address,
        kind: Kind,
        values: &[DynSolValue],
        depth: usize,
    ) {
        let address = |i: usize| values[i].as_address().unwrap_or_default();
        let uint = |i: usize| values[i].as_uint().map(|u| u.0).unwrap_or_default();
        let place = out.place.clone();
        let payer = self.payer;
        match kind {
            Kind::Erc20Transfer => {
                self.touches.push(Touch::Recipient(address(0)));
                out.args[1].value = self.token_amount(to, uint(1)).english();
                self.token_transfer(&place, to, payer, address(0), uint(1));
            }
            Kind::Erc20TransferFrom => {
                self.touches.push(Touch::Recipient(address(1)));
                out.args[2].value = self.token_amount(to, uint(2)).english();
                self.token_transfer(&place, to, address(0), address(1), uint(2));
            }
            Kind::Erc20Approve => {
                let (spender, amount) = (address(0), uint(1));
                out.args[1].value = self.token_amount(to, amount).english();
                self.approval(&place, MovementKind::Approval, to, spender, amount, None);
            }
            Kind::Permit2Approve => {
                let (token, spender, amount) = (address(0), address(1), uint(2));
                out.args[2].value = self.token_amount(token, amount).english();
                self.approval(
                    &place,
                    MovementKind::Approval,
                    token,
                    spender,
                    amount,
                    Some(uint(3)),
                );
            }
            Kind::ApprovalForAll => {
                self.approval_for_all(&place, to, address(0), values[1].as_bool() == Some(true))
            }
            Kind::NftTransfer | Kind::Erc1155Transfer => {
                self.touches.push(Touch::Recipient(address(1)));
                let amount = if kind == Kind::NftTransfer {
                    U256::from(1u8)
                } else {
                    uint(3)
                };
                self.nft_transfer(&place, to, (address(0), address(1)), uint(2), amount);
            }
            Kind::Wrap => {}
            Kind::SafeAdmin => self.warn(
                "eth.safe.admin",
                Severity::High,
                Text::new("warning-eth-safe-admin")
                    .text_arg("place", super::place::said(&place))
                    .arg("function", out.function.as_deref().unwrap_or("?"))
                    .arg("safe", self.show_address(to)),
            ),
            Kind::SafeApproveHash => self.warn(
                "eth.safe.approve-hash",
                Severity::High,
                Text::new("warning-eth-safe-approve-hash")
                    .text_arg("place", super::place::said(&place))
                    .arg("hash", self.show_value(&values[0])),
            ),
            Kind::SafeExec => self.safe_exec(out, to, values, depth),
            Kind::MultiSend => {
                let packed = values[0].as_bytes().unwrap_or_default();
                self.multisend(out, packed, depth);
            }
        }
    }

    fn safe_exec(&mut self, out: &mut Call, safe: Address, values: &[DynSolValue], depth: usize) {
        let address = |i: usize| values[i].as_address().unwrap_or_default();
        let uint = |i: usize| values[i].as_uint().map(|u| u.0).unwrap_or_default();
        let data = values[2].as_bytes().unwrap_or_default();
        let operation = match u8::try_from(uint(3)).ok().and_then(Operation::from_u8) {
            Some(op) => op,
            None => {
                out.blind = true;
                self.warn(
                    "eth.calldata.blind",
                    Severity::Deny,
                    Text::new("warning-eth-calldata-blind-operation")
                        .text_arg("place", super::place::said(&out.place))
                        .arg("operation", uint(3)),
                );
                return;
            }
        };
        let before = std::mem::replace(&mut self.payer, safe);
        self.refund(
            &out.place,
            Refund {
                gas_price: uint(6),
                gas_token: address(7),
                receiver: address(8),
                safe_tx_gas: uint(4),
                base_gas: uint(5),
            },
        );
        let inner = RawCall {
            to: Some(address(0)),
            value: uint(1),
            operation,
            data,
        };
        out.nested
            .push(self.nested(&format!("{} → Safe call", out.place), inner, depth));
        self.payer = before;
    }

    /// Decodes a Safe's inner call (one level deeper).
    pub fn nested(&mut self, place: &str, call: RawCall<'_>, depth: usize) -> Call {
        if depth + 1 > MAX_DEPTH {
            let out = self.undecoded(place, &call);
            return self.blind(out, Text::new("warning-eth-calldata-blind-too-deep"));
        }
        self.decode_at(place, call, depth + 1)
    }

    fn multisend(&mut self, out: &mut Call, packed: &[u8], depth: usize) {
        match split_multisend(packed) {
            Ok(calls) => {
                for (i, c) in calls.into_iter().enumerate() {
                    let place = format!("{} → MultiSend #{}", out.place, i + 1);
                    let decoded = self.nested(&place, c, depth);
                    out.nested.push(decoded);
                }
            }
            Err(why) => {
                out.blind = true;
                self.warn(
                    "eth.calldata.blind",
                    Severity::Deny,
                    Text::new("warning-eth-calldata-blind-multisend")
                        .text_arg("place", super::place::said(&out.place))
                        .arg("why", why),
                );
            }
        }
    }
}

/// Splits MultiSend's packed batch: operation (1) ‖ to (20) ‖ value (32) ‖ length (32) ‖ data.
fn split_multisend(mut packed: &[u8]) -> Result<Vec<RawCall<'_>>, String> {
    let mut calls = Vec::new();
    while !packed.is_empty() {
        if packed.len() < 85 {
            return Err(format!("{} trailing bytes", packed.len()));
        }
        let operation = Operation::from_u8(packed[0])
            .ok_or_else(|| format!("operation {} in call {}", packed[0], calls.len() + 1))?;
        let to = Address::from_slice(&packed[1..21]);
        let value = U256::from_be_slice(&packed[21..53]);
        let len = U256::from_be_slice(&packed[53..85]);
        let len = usize::try_from(len)
            .ok()
            .filter(|&l| l <= packed.len() - 85)
            .ok_or_else(|| format!("call {} is longer than the batch", calls.len() + 1))?;
        calls.push(RawCall {
            to: Some(to),
            value,
            operation,
            data: &packed[85..85 + len],
        });
        packed = &packed[85 + len..];
    }
    if calls.is_empty() {
        return Err("the batch is empty".into());
    }
    Ok(calls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, hex};

    fn codes(d: &Decoder<'_>) -> Vec<&'static str> {
        d.warnings.iter().map(|w| w.code).collect()
    }

    const TOKEN: Address = address!("0x1111111111111111111111111111111111111111");
    const BOB: Address = address!("0x2222222222222222222222222222222222222222");

    fn call(data: &[u8]) -> RawCall<'_> {
        RawCall {
            to: Some(TOKEN),
            value: U256::ZERO,
            operation: Operation::Call,
            data,
        }
    }

    fn encode(signature: &str, args: &[DynSolValue]) -> Vec<u8> {
        Function::parse(signature)
            .unwrap()
            .abi_encode_input(args)
            .unwrap()
    }

    #[test]
    fn decodes_an_erc20_transfer() {
        let data = encode(
            "transfer(address,uint256)",
            &[
                DynSolValue::Address(BOB),
                DynSolValue::Uint(U256::from(5u8), 256),
            ],
        );
        let mut d = Decoder::new(1, Known::builtin(), Address::ZERO);
        let c = d.decode("call", call(&data));
        assert_eq!(
            c.function.as_deref(),
            Some("transfer(address to, uint256 amount)")
        );
        assert!(codes(&d).is_empty());
        assert!(d.touches.contains(&Touch::Recipient(BOB)));
    }

    #[test]
    fn flags_unlimited_approvals_and_blind_data() {
        let data = encode(
            "approve(address,uint256)",
            &[DynSolValue::Address(BOB), DynSolValue::Uint(U256::MAX, 256)],
        );
        let mut d = Decoder::new(1, Known::builtin(), Address::ZERO);
        d.decode("call", call(&data));
        assert_eq!(
            codes(&d),
            ["eth.erc20.unlimited-approval", "eth.erc20.unknown-spender"]
        );
        let mut d = Decoder::new(1, Known::builtin(), Address::ZERO);
        d.decode("call", call(&hex!("deadbeef00")));
        assert_eq!(codes(&d), ["eth.calldata.blind"]);
    }

    #[test]
    fn refuses_dirty_argument_bits() {
        let mut data = encode(
            "transfer(address,uint256)",
            &[
                DynSolValue::Address(BOB),
                DynSolValue::Uint(U256::from(5u8), 256),
            ],
        );
        data[4] = 0xff; // high bytes of the address word must be zero
        let mut d = Decoder::new(1, Known::builtin(), Address::ZERO);
        assert!(d.decode("call", call(&data)).blind);
    }

    #[test]
    fn splits_multisend_batches_and_rejects_overlong_lengths() {
        let mut packed = vec![0u8];
        packed.extend_from_slice(BOB.as_slice());
        packed.extend_from_slice(&U256::from(7u8).to_be_bytes::<32>());
        packed.extend_from_slice(&U256::ZERO.to_be_bytes::<32>());
        assert_eq!(split_multisend(&packed).unwrap().len(), 1);
        packed[84] = 1;
        assert!(split_multisend(&packed).is_err());
    }
}
