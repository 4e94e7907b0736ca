//! The CBOR bodies of the UR types coldsign reads and writes, written by hand with `minicbor`:
//!
//! - `crypto-psbt` (BCR-2020-006) and its version 2 name `psbt`: a byte string holding a PSBT;
//! - `eth-sign-request` and `eth-signature` (EIP-4527);
//! - `crypto-hdkey` / `hdkey` (BCR-2020-007, tags 303 / 40303, with `crypto-keypath` 304 /
//!   40304 and `crypto-coin-info` 305 / 40305);
//! - `crypto-output` (BCR-2020-010: tagged script expressions 400-410 over keys) and its
//!   version 3 `output-descriptor` (BCR-2023-010: descriptor text with `@N` placeholders and an
//!   array of keys);
//! - `crypto-account` (BCR-2020-015: a master fingerprint and `crypto-output`s) and its version
//!   2 `account-descriptor` (BCR-2023-019: the same with `output-descriptor`s).
//!
//! Reading accepts both names and both tag generations; writing uses the new ones unless asked
//! for the legacy ones ([`Payload::to_ur`]). Maps are written with ascending keys and only the
//! fields that are present, so a decoded body re-encodes to the same bytes. Private keys are
//! decoded (so a scanned one can be recognised and refused) but never turned into text.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::str::FromStr;

use bitcoin::bip32::{ChainCode, ChildNumber, DerivationPath, Fingerprint, Xpub};
use bitcoin::hex::{DisplayHex, FromHex};
use bitcoin::secp256k1::PublicKey;
use bitcoin::NetworkKind;
use minicbor::data::{Tag, Type};
use minicbor::{Decoder, Encoder};

/// UR type of a PSBT (BCR-2020-006, deprecated name).
pub const CRYPTO_PSBT: &str = "crypto-psbt";
/// UR type of a PSBT (BCR-2020-006 version 2).
pub const PSBT: &str = "psbt";
/// UR type of an EIP-4527 signing request.
pub const ETH_SIGN_REQUEST: &str = "eth-sign-request";
/// UR type of an EIP-4527 signature.
pub const ETH_SIGNATURE: &str = "eth-signature";
/// UR type of an HD key (BCR-2020-007, deprecated name).
pub const CRYPTO_HDKEY: &str = "crypto-hdkey";
/// UR type of an HD key (BCR-2020-007 version 2).
pub const HDKEY: &str = "hdkey";
/// UR type of an output descriptor (BCR-2020-010, version 1).
pub const CRYPTO_OUTPUT: &str = "crypto-output";
/// UR type of an output descriptor (BCR-2023-010, version 3).
pub const OUTPUT_DESCRIPTOR: &str = "output-descriptor";
/// UR type of a BIP44 account (BCR-2020-015, version 1).
pub const CRYPTO_ACCOUNT: &str = "crypto-account";
/// UR type of a BIP44 account (BCR-2023-019, version 2).
pub const ACCOUNT_DESCRIPTOR: &str = "account-descriptor";
/// UR type of plain bytes (BCR-2020-006: one CBOR byte string).
pub const BYTES: &str = "bytes";

/// CBOR tags used by the registry types.
pub mod tags {
    /// RFC 4122 UUID (byte string of 16).
    pub const UUID: u64 = 37;
    /// `crypto-hdkey`.
    pub const HDKEY_V1: u64 = 303;
    /// `crypto-keypath`.
    pub const KEYPATH_V1: u64 = 304;
    /// `crypto-coin-info`.
    pub const COIN_INFO_V1: u64 = 305;
    /// `crypto-eckey`.
    pub const ECKEY_V1: u64 = 306;
    /// `crypto-address`.
    pub const ADDRESS_V1: u64 = 307;
    /// `crypto-output`.
    pub const OUTPUT_V1: u64 = 308;
    /// `hdkey`.
    pub const HDKEY: u64 = 40303;
    /// `keypath`.
    pub const KEYPATH: u64 = 40304;
    /// `coin-info`.
    pub const COIN_INFO: u64 = 40305;
    /// `eckey`.
    pub const ECKEY: u64 = 40306;
    /// `address`.
    pub const ADDRESS: u64 = 40307;
    /// `output-descriptor`.
    pub const OUTPUT: u64 = 40308;
    /// BCR-2020-010 `sh(…)`.
    pub const SH: u64 = 400;
    /// BCR-2020-010 `wsh(…)`.
    pub const WSH: u64 = 401;
    /// BCR-2020-010 `pk(…)`.
    pub const PK: u64 = 402;
    /// BCR-2020-010 `pkh(…)`.
    pub const PKH: u64 = 403;
    /// BCR-2020-010 `wpkh(…)`.
    pub const WPKH: u64 = 404;
    /// BCR-2020-010 `combo(…)`.
    pub const COMBO: u64 = 405;
    /// BCR-2020-010 `multi(…)`.
    pub const MULTI: u64 = 406;
    /// BCR-2020-010 `sortedmulti(…)`.
    pub const SORTED_MULTI: u64 = 407;
    /// BCR-2020-010 `raw(…)`.
    pub const RAW: u64 = 408;
    /// BCR-2020-010 `tr(…)`.
    pub const TR: u64 = 409;
    /// BCR-2020-010 `cosigner(…)`.
    pub const COSIGNER: u64 = 410;
}

/// The deepest nesting of script expressions read (`sh(wsh(sortedmulti(…)))` is 3).
const MAX_SCRIPT_DEPTH: usize = 8;

/// Why a registry body could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// A UR type this module does not know.
    #[error("unsupported ur type {0:?}")]
    UnknownType(String),
    /// The body is not the CBOR structure its type defines.
    #[error("invalid {what}: {detail}")]
    Cbor {
        /// The UR type or structure being read.
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// Well-formed, but the values make no sense (bad key, bad path, bad placeholder…).
    #[error("{0}")]
    Invalid(String),
    /// A private key where only public keys are accepted.
    #[error("{0} holds a private key; only public keys are accepted")]
    PrivateKey(&'static str),
    /// Something that the requested UR type cannot express.
    #[error("cannot write {what}: {detail}")]
    Unsupported {
        /// The UR type being written.
        what: &'static str,
        /// What it cannot hold.
        detail: String,
    },
}

fn invalid(message: impl Into<String>) -> RegistryError {
    RegistryError::Invalid(message.into())
}

type DecodeResult<T> = Result<T, minicbor::decode::Error>;
type EncodeResult = Result<(), minicbor::encode::Error<Infallible>>;

fn fail(message: impl std::fmt::Display) -> minicbor::decode::Error {
    minicbor::decode::Error::message(message)
}

/// Runs `body` over the whole of `cbor`; trailing bytes are an error.
fn decode_all<T>(
    what: &'static str,
    cbor: &[u8],
    body: impl FnOnce(&mut Decoder<'_>) -> DecodeResult<T>,
) -> Result<T, RegistryError> {
    let mut d = Decoder::new(cbor);
    let value = body(&mut d).map_err(|e| RegistryError::Cbor {
        what,
        detail: e.to_string(),
    })?;
    if d.position() != cbor.len() {
        return Err(RegistryError::Cbor {
            what,
            detail: format!("{} bytes after the end", cbor.len() - d.position()),
        });
    }
    Ok(value)
}

fn encode_with(body: impl FnOnce(&mut Encoder<Vec<u8>>) -> EncodeResult) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    body(&mut e).expect("writing cbor into memory cannot fail");
    e.into_writer()
}

/// A definite-length map's entry count.
fn map_len(d: &mut Decoder<'_>) -> DecodeResult<u64> {
    d.map()?
        .ok_or_else(|| fail("indefinite-length maps are not supported"))
}

/// A definite-length array's length.
fn array_len(d: &mut Decoder<'_>) -> DecodeResult<u64> {
    d.array()?
        .ok_or_else(|| fail("indefinite-length arrays are not supported"))
}

/// Reads map keys in order, refusing duplicates.
fn map_key(d: &mut Decoder<'_>, seen: &mut Vec<u64>) -> DecodeResult<u64> {
    let key = d.u64()?;
    if seen.contains(&key) {
        return Err(fail(format!("map key {key} appears twice")));
    }
    seen.push(key);
    Ok(key)
}

/// Skips an optional tag if it is one of `allowed`; any other tag is an error.
fn optional_tag(d: &mut Decoder<'_>, allowed: &[u64]) -> DecodeResult<Option<u64>> {
    if d.datatype()? != Type::Tag {
        return Ok(None);
    }
    let tag = d.tag()?.as_u64();
    if allowed.contains(&tag) {
        Ok(Some(tag))
    } else {
        Err(fail(format!("unexpected tag {tag}")))
    }
}

fn required_tag(d: &mut Decoder<'_>, allowed: &[u64], what: &str) -> DecodeResult<u64> {
    let tag = d.tag()?.as_u64();
    if allowed.contains(&tag) {
        Ok(tag)
    } else {
        Err(fail(format!("expected a {what} tag, found tag {tag}")))
    }
}

fn fingerprint(d: &mut Decoder<'_>) -> DecodeResult<Fingerprint> {
    Ok(Fingerprint::from(d.u32()?.to_be_bytes()))
}

fn fingerprint_u32(fp: Fingerprint) -> u32 {
    u32::from_be_bytes(fp.to_bytes())
}

/// Which generation of tags to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagSet {
    /// The deprecated 3xx tags (`crypto-*` types).
    V1,
    /// The 403xx tags.
    V2,
}

impl TagSet {
    fn hdkey(self) -> u64 {
        match self {
            TagSet::V1 => tags::HDKEY_V1,
            TagSet::V2 => tags::HDKEY,
        }
    }
    fn keypath(self) -> u64 {
        match self {
            TagSet::V1 => tags::KEYPATH_V1,
            TagSet::V2 => tags::KEYPATH,
        }
    }
    fn coin_info(self) -> u64 {
        match self {
            TagSet::V1 => tags::COIN_INFO_V1,
            TagSet::V2 => tags::COIN_INFO,
        }
    }
    fn eckey(self) -> u64 {
        match self {
            TagSet::V1 => tags::ECKEY_V1,
            TagSet::V2 => tags::ECKEY,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Key paths

/// One child index with its hardened flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Child {
    /// The index, below 2^31.
    pub index: u32,
    /// Hardened derivation.
    pub hardened: bool,
}

impl Child {
    fn text(self) -> String {
        format!("{}{}", self.index, if self.hardened { "'" } else { "" })
    }
}

/// One step of a `crypto-keypath`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathComponent {
    /// A single child.
    Index(Child),
    /// Children `low..=high` (no descriptor text form).
    Range {
        /// First index.
        low: u32,
        /// Last index.
        high: u32,
        /// Hardened derivation.
        hardened: bool,
    },
    /// Any child: `*` or `*'`.
    Wildcard {
        /// Hardened derivation.
        hardened: bool,
    },
    /// Receive and change children: `<0;1>`.
    Pair(Child, Child),
}

impl PathComponent {
    /// The descriptor text of the step: `84'`, `*`, `<0;1>`.
    pub fn text(&self) -> Result<String, RegistryError> {
        match *self {
            PathComponent::Index(c) => Ok(c.text()),
            PathComponent::Wildcard { hardened } => {
                Ok(if hardened { "*'" } else { "*" }.to_string())
            }
            PathComponent::Pair(a, b) => Ok(format!("<{};{}>", a.text(), b.text())),
            PathComponent::Range { low, high, .. } => Err(invalid(format!(
                "key path range [{low}, {high}] has no descriptor form"
            ))),
        }
    }
}

/// A `crypto-keypath` / `keypath`: derivation steps, the fingerprint of the key they start
/// from, and the depth of the key they lead to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keypath {
    /// The steps (may be empty).
    pub components: Vec<PathComponent>,
    /// Fingerprint of the ancestor the steps start from (the master key, in practice).
    pub source_fingerprint: Option<Fingerprint>,
    /// Depth of the key, when it differs from the number of steps or there are none.
    pub depth: Option<u8>,
}

impl Keypath {
    /// A key path of plain (non-wildcard) steps.
    pub fn from_path(path: &DerivationPath, source_fingerprint: Option<Fingerprint>) -> Self {
        Keypath {
            components: path
                .into_iter()
                .map(|c| {
                    PathComponent::Index(match *c {
                        ChildNumber::Normal { index } => Child {
                            index,
                            hardened: false,
                        },
                        ChildNumber::Hardened { index } => Child {
                            index,
                            hardened: true,
                        },
                    })
                })
                .collect(),
            source_fingerprint,
            depth: None,
        }
    }

    /// The steps as a derivation path, if all are single children.
    pub fn path(&self) -> Result<DerivationPath, RegistryError> {
        self.components
            .iter()
            .map(|c| match *c {
                PathComponent::Index(Child { index, hardened }) => {
                    let child = if hardened {
                        ChildNumber::from_hardened_idx(index)
                    } else {
                        ChildNumber::from_normal_idx(index)
                    };
                    child.map_err(|_| invalid(format!("child index {index} is out of range")))
                }
                _ => Err(invalid("key path has a wildcard, range or pair step")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(DerivationPath::from)
    }

    /// The steps as descriptor text without a leading slash: `48'/0'/0'/2'`, `<0;1>/*`.
    pub fn steps_text(&self) -> Result<String, RegistryError> {
        Ok(self
            .components
            .iter()
            .map(PathComponent::text)
            .collect::<Result<Vec<_>, _>>()?
            .join("/"))
    }

    fn decode(d: &mut Decoder<'_>) -> DecodeResult<Self> {
        let mut keypath = Keypath::default();
        let mut components = None;
        let mut seen = Vec::new();
        for _ in 0..map_len(d)? {
            match map_key(d, &mut seen)? {
                1 => components = Some(decode_components(d)?),
                2 => keypath.source_fingerprint = Some(fingerprint(d)?),
                3 => keypath.depth = Some(d.u8()?),
                _ => d.skip()?,
            }
        }
        keypath.components = components.ok_or_else(|| fail("key path has no components"))?;
        Ok(keypath)
    }

    fn encode(&self, e: &mut Encoder<Vec<u8>>, tags: TagSet) -> EncodeResult {
        e.tag(Tag::new(tags.keypath()))?;
        let len =
            1 + u64::from(self.source_fingerprint.is_some()) + u64::from(self.depth.is_some());
        e.map(len)?.u8(1)?;
        let flat: u64 = self
            .components
            .iter()
            .map(|c| {
                if matches!(c, PathComponent::Pair(..)) {
                    1
                } else {
                    2
                }
            })
            .sum();
        e.array(flat)?;
        for c in &self.components {
            match *c {
                PathComponent::Index(Child { index, hardened }) => {
                    e.u32(index)?.bool(hardened)?;
                }
                PathComponent::Range {
                    low,
                    high,
                    hardened,
                } => {
                    e.array(2)?.u32(low)?.u32(high)?.bool(hardened)?;
                }
                PathComponent::Wildcard { hardened } => {
                    e.array(0)?.bool(hardened)?;
                }
                PathComponent::Pair(a, b) => {
                    e.array(4)?
                        .u32(a.index)?
                        .bool(a.hardened)?
                        .u32(b.index)?
                        .bool(b.hardened)?;
                }
            }
        }
        if let Some(fp) = self.source_fingerprint {
            e.u8(2)?.u32(fingerprint_u32(fp))?;
        }
        if let Some(depth) = self.depth {
            e.u8(3)?.u8(depth)?;
        }
        Ok(())
    }
}

fn child_index(d: &mut Decoder<'_>) -> DecodeResult<u32> {
    let index = d.u32()?;
    if index >= 0x8000_0000 {
        return Err(fail(format!("child index {index} is not below 2^31")));
    }
    Ok(index)
}

fn decode_components(d: &mut Decoder<'_>) -> DecodeResult<Vec<PathComponent>> {
    let len = array_len(d)?;
    let mut components = Vec::new();
    let mut read = 0;
    while read < len {
        let component = match d.datatype()? {
            Type::Array => match array_len(d)? {
                0 => PathComponent::Wildcard {
                    hardened: d.bool()?,
                },
                2 => {
                    let (low, high) = (child_index(d)?, child_index(d)?);
                    if low >= high {
                        return Err(fail(format!("key path range [{low}, {high}] is empty")));
                    }
                    PathComponent::Range {
                        low,
                        high,
                        hardened: d.bool()?,
                    }
                }
                4 => {
                    let a = Child {
                        index: child_index(d)?,
                        hardened: d.bool()?,
                    };
                    let b = Child {
                        index: child_index(d)?,
                        hardened: d.bool()?,
                    };
                    // A pair is one array element, not followed by a hardened flag.
                    read += 1;
                    components.push(PathComponent::Pair(a, b));
                    continue;
                }
                n => return Err(fail(format!("key path step is an array of {n}"))),
            },
            _ => PathComponent::Index(Child {
                index: child_index(d)?,
                hardened: d.bool()?,
            }),
        };
        read += 2;
        components.push(component);
    }
    if read != len {
        return Err(fail("key path components end in the middle of a step"));
    }
    Ok(components)
}

fn parse_child(text: &str) -> Result<Child, RegistryError> {
    let (digits, hardened) = match text.strip_suffix(['\'', 'h', 'H']) {
        Some(d) => (d, true),
        None => (text, false),
    };
    let index = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<u32>().ok().filter(|i| *i < 0x8000_0000)
    } else {
        None
    };
    index
        .map(|index| Child { index, hardened })
        .ok_or_else(|| invalid(format!("invalid derivation step {text:?}")))
}

fn parse_component(text: &str) -> Result<PathComponent, RegistryError> {
    match text {
        "*" => Ok(PathComponent::Wildcard { hardened: false }),
        "*'" | "*h" | "*H" => Ok(PathComponent::Wildcard { hardened: true }),
        _ => {
            if let Some(inner) = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
                let parts: Vec<&str> = inner.split(';').collect();
                let [a, b] = parts.as_slice() else {
                    return Err(invalid(format!(
                        "multipath step {text:?} must have exactly two choices"
                    )));
                };
                Ok(PathComponent::Pair(parse_child(a)?, parse_child(b)?))
            } else {
                Ok(PathComponent::Index(parse_child(text)?))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HD keys

/// `crypto-coin-info` / `coin-info`: which coin and network a key is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoinInfo {
    /// SLIP-44 coin type; absent means bitcoin (0).
    pub coin_type: Option<u32>,
    /// Network; absent means mainnet (0), 1 is testnet.
    pub network: Option<u32>,
}

impl CoinInfo {
    fn decode(d: &mut Decoder<'_>) -> DecodeResult<Self> {
        let mut info = CoinInfo::default();
        let mut seen = Vec::new();
        for _ in 0..map_len(d)? {
            match map_key(d, &mut seen)? {
                1 => info.coin_type = Some(d.u32()?),
                2 => info.network = Some(d.u32()?),
                _ => d.skip()?,
            }
        }
        Ok(info)
    }

    fn encode(&self, e: &mut Encoder<Vec<u8>>, tags: TagSet) -> EncodeResult {
        e.tag(Tag::new(tags.coin_info()))?;
        e.map(u64::from(self.coin_type.is_some()) + u64::from(self.network.is_some()))?;
        if let Some(t) = self.coin_type {
            e.u8(1)?.u32(t)?;
        }
        if let Some(n) = self.network {
            e.u8(2)?.u32(n)?;
        }
        Ok(())
    }
}

/// A `crypto-hdkey` / `hdkey` (BCR-2020-007).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HdKey {
    /// A master key (always private).
    pub is_master: bool,
    /// A private key (`Some(false)`: the field was written as false).
    pub is_private: Option<bool>,
    /// 33 bytes: a compressed public key, or 0x00 and a private key.
    pub key_data: Vec<u8>,
    /// The BIP32 chain code; absent for a key that may not be derived from.
    pub chain_code: Option<[u8; 32]>,
    /// Coin and network.
    pub use_info: Option<CoinInfo>,
    /// How the key was derived.
    pub origin: Option<Keypath>,
    /// Which children to derive (`/<0;1>/*`).
    pub children: Option<Keypath>,
    /// The parent's fingerprint.
    pub parent_fingerprint: Option<Fingerprint>,
    /// A short name.
    pub name: Option<String>,
    /// A note (EIP-4527 puts the device here).
    pub note: Option<String>,
}

impl HdKey {
    /// The public key `xpub` with its origin (`[fingerprint/path]`, when known) and the
    /// children to derive (`/<0;1>/*`, when given).
    ///
    /// With no origin, a key of depth 0 gets origin `{components: [], depth: 0}` and a key of
    /// depth 1 gets its parent as a one-step origin, as BCR-2020-010 writes them; deeper keys
    /// get `{components: [], depth}`. The parent fingerprint is written whenever the xpub has
    /// one, except in that depth-1 case where the origin carries it.
    pub fn from_xpub(
        xpub: &Xpub,
        origin: Option<(Fingerprint, &DerivationPath)>,
        children: Option<Keypath>,
    ) -> Self {
        let parent =
            (xpub.parent_fingerprint != Fingerprint::default()).then_some(xpub.parent_fingerprint);
        let (origin, parent_fingerprint) = match origin {
            Some((fp, path)) => {
                let mut keypath = Keypath::from_path(path, Some(fp));
                if path.len() != usize::from(xpub.depth) {
                    keypath.depth = Some(xpub.depth);
                }
                (keypath, parent)
            }
            None if xpub.depth == 1 => (
                Keypath::from_path(&DerivationPath::from(vec![xpub.child_number]), parent),
                None,
            ),
            None => (
                Keypath {
                    components: Vec::new(),
                    source_fingerprint: None,
                    depth: Some(xpub.depth),
                },
                parent,
            ),
        };
        HdKey {
            key_data: xpub.public_key.serialize().to_vec(),
            chain_code: Some(xpub.chain_code.to_bytes()),
            use_info: (xpub.network == NetworkKind::Test).then_some(CoinInfo {
                coin_type: None,
                network: Some(1),
            }),
            origin: Some(origin),
            children,
            parent_fingerprint,
            ..HdKey::default()
        }
    }

    /// Parses a descriptor key expression `[fingerprint/path]xpub/children` (origin and
    /// children optional). A hex public key gives a key without chain code.
    pub fn from_key_expression(text: &str) -> Result<Self, RegistryError> {
        match DescriptorKey::from_text(text)? {
            DescriptorKey::Hd(key) => Ok(key),
            DescriptorKey::Ec(ec) => Ok(HdKey {
                key_data: ec.data,
                ..HdKey::default()
            }),
        }
    }

    /// Whether this is a public key (neither a master key nor marked private). Decoding
    /// accepts private keys so a caller can recognise and refuse them; nothing here prints one.
    pub fn is_public(&self) -> bool {
        !self.is_master && self.is_private != Some(true)
    }

    fn check_public(&self) -> Result<(), RegistryError> {
        if !self.is_public() {
            return Err(RegistryError::PrivateKey("hd key"));
        }
        Ok(())
    }

    fn public_key(&self) -> Result<PublicKey, RegistryError> {
        self.check_public()?;
        PublicKey::from_slice(&self.key_data)
            .map_err(|_| invalid("hd key data is not a valid compressed public key"))
    }

    /// The network its xpub is encoded for: `use-info` network 0 (or none) is mainnet, 1 testnet.
    pub fn network(&self) -> Result<NetworkKind, RegistryError> {
        match self.use_info.and_then(|u| u.network).unwrap_or(0) {
            0 => Ok(NetworkKind::Main),
            1 => Ok(NetworkKind::Test),
            n => Err(invalid(format!("hd key has unknown network {n}"))),
        }
    }

    /// The key as a BIP32 xpub/tpub. The depth comes from the origin, the child number from
    /// its last step, the parent fingerprint from `parent-fingerprint` (or, for a one-step
    /// origin, its source fingerprint); what is unknown is zero.
    pub fn xpub(&self) -> Result<Xpub, RegistryError> {
        let public_key = self.public_key()?;
        let chain_code = self
            .chain_code
            .ok_or_else(|| invalid("hd key has no chain code, so it is no extended key"))?;
        let origin = self.origin.clone().unwrap_or_default();
        let depth = match origin.depth {
            Some(depth) => depth,
            None => u8::try_from(origin.components.len())
                .map_err(|_| invalid("hd key origin is deeper than 255"))?,
        };
        let child_number = match origin.components.last() {
            Some(PathComponent::Index(Child { index, hardened })) => {
                let child = if *hardened {
                    ChildNumber::from_hardened_idx(*index)
                } else {
                    ChildNumber::from_normal_idx(*index)
                };
                child.map_err(|_| invalid("hd key origin has an invalid step"))?
            }
            Some(_) => return Err(invalid("hd key origin ends in a wildcard, range or pair")),
            None => ChildNumber::from_normal_idx(0).expect("0 is a valid index"),
        };
        let parent_fingerprint = match (self.parent_fingerprint, &origin) {
            (Some(fp), _) => fp,
            (
                None,
                Keypath {
                    components,
                    source_fingerprint: Some(fp),
                    ..
                },
            ) if components.len() == 1 && depth == 1 => *fp,
            _ => Fingerprint::default(),
        };
        Ok(Xpub {
            network: self.network()?,
            depth,
            parent_fingerprint,
            child_number,
            public_key,
            chain_code: ChainCode::from(chain_code),
        })
    }

    /// The master fingerprint and path of the origin, when the origin names its source.
    pub fn key_origin(&self) -> Option<Result<(Fingerprint, DerivationPath), RegistryError>> {
        let origin = self.origin.as_ref()?;
        let fp = origin.source_fingerprint?;
        Some(origin.path().map(|p| (fp, p)))
    }

    /// The descriptor key expression `[fingerprint/path]xpub/children`; the origin is left out
    /// when it names no source fingerprint. A key without chain code prints as hex.
    pub fn key_expression(&self) -> Result<String, RegistryError> {
        let body = if self.chain_code.is_some() {
            self.xpub()?.to_string()
        } else {
            self.public_key()?.to_string()
        };
        let mut text = String::new();
        if let Some(origin) = &self.origin {
            if let Some(fp) = origin.source_fingerprint {
                // Only plain steps may stand in an origin (no wildcard, range or pair).
                origin.path()?;
                let steps = origin.steps_text()?;
                text = if steps.is_empty() {
                    format!("[{fp}]")
                } else {
                    format!("[{fp}/{steps}]")
                };
            }
        }
        text.push_str(&body);
        if let Some(children) = &self.children {
            for c in &children.components {
                write!(text, "/{}", c.text()?).expect("writing to a string");
            }
        }
        Ok(text)
    }

    fn decode(d: &mut Decoder<'_>) -> DecodeResult<Self> {
        let mut key = HdKey::default();
        let mut key_data = None;
        let mut seen = Vec::new();
        for _ in 0..map_len(d)? {
            match map_key(d, &mut seen)? {
                1 => key.is_master = d.bool()?,
                2 => key.is_private = Some(d.bool()?),
                3 => key_data = Some(d.bytes()?.to_vec()),
                4 => {
                    key.chain_code = Some(
                        d.bytes()?
                            .try_into()
                            .map_err(|_| fail("chain code is not 32 bytes"))?,
                    )
                }
                5 => {
                    required_tag(d, &[tags::COIN_INFO_V1, tags::COIN_INFO], "coin-info")?;
                    key.use_info = Some(CoinInfo::decode(d)?);
                }
                6 => {
                    required_tag(d, &[tags::KEYPATH_V1, tags::KEYPATH], "keypath")?;
                    key.origin = Some(Keypath::decode(d)?);
                }
                7 => {
                    required_tag(d, &[tags::KEYPATH_V1, tags::KEYPATH], "keypath")?;
                    key.children = Some(Keypath::decode(d)?);
                }
                8 => key.parent_fingerprint = Some(fingerprint(d)?),
                9 => key.name = Some(d.str()?.to_string()),
                10 => key.note = Some(d.str()?.to_string()),
                _ => d.skip()?,
            }
        }
        key.key_data = key_data.ok_or_else(|| fail("hd key has no key data"))?;
        if key.key_data.len() != 33 {
            return Err(fail(format!(
                "hd key data is {} bytes, not 33",
                key.key_data.len()
            )));
        }
        if key.is_master && key.chain_code.is_none() {
            return Err(fail("master key has no chain code"));
        }
        Ok(key)
    }

    fn encode(&self, e: &mut Encoder<Vec<u8>>, tags: TagSet) -> EncodeResult {
        let len = [
            self.is_master,
            self.is_private.is_some(),
            true,
            self.chain_code.is_some(),
            self.use_info.is_some(),
            self.origin.is_some(),
            self.children.is_some(),
            self.parent_fingerprint.is_some(),
            self.name.is_some(),
            self.note.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        e.map(len as u64)?;
        if self.is_master {
            e.u8(1)?.bool(true)?;
        }
        if let Some(private) = self.is_private {
            e.u8(2)?.bool(private)?;
        }
        e.u8(3)?.bytes(&self.key_data)?;
        if let Some(cc) = &self.chain_code {
            e.u8(4)?.bytes(cc)?;
        }
        if let Some(info) = &self.use_info {
            e.u8(5)?;
            info.encode(e, tags)?;
        }
        if let Some(origin) = &self.origin {
            e.u8(6)?;
            origin.encode(e, tags)?;
        }
        if let Some(children) = &self.children {
            e.u8(7)?;
            children.encode(e, tags)?;
        }
        if let Some(fp) = self.parent_fingerprint {
            e.u8(8)?.u32(fingerprint_u32(fp))?;
        }
        if let Some(name) = &self.name {
            e.u8(9)?.str(name)?;
        }
        if let Some(note) = &self.note {
            e.u8(10)?.str(note)?;
        }
        Ok(())
    }

    /// The untagged CBOR body of a `crypto-hdkey` (`TagSet::V1`) or `hdkey` UR.
    pub fn to_cbor(&self, tags: TagSet) -> Vec<u8> {
        encode_with(|e| self.encode(e, tags))
    }

    /// Reads an untagged `crypto-hdkey` or `hdkey` body (a leading 303/40303 tag is tolerated).
    pub fn from_cbor(cbor: &[u8]) -> Result<Self, RegistryError> {
        decode_all("hdkey", cbor, |d| {
            optional_tag(d, &[tags::HDKEY_V1, tags::HDKEY])?;
            HdKey::decode(d)
        })
    }
}

/// A `crypto-eckey` / `eckey` (BCR-2020-008): a bare public (or private) key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EcKey {
    /// The curve; absent means secp256k1 (0).
    pub curve: Option<u64>,
    /// A private key.
    pub is_private: bool,
    /// 33 (compressed public) or 32 (private) bytes.
    pub data: Vec<u8>,
}

impl EcKey {
    fn decode(d: &mut Decoder<'_>) -> DecodeResult<Self> {
        let mut key = EcKey::default();
        let mut data = None;
        let mut seen = Vec::new();
        for _ in 0..map_len(d)? {
            match map_key(d, &mut seen)? {
                1 => key.curve = Some(d.u64()?),
                2 => key.is_private = d.bool()?,
                3 => data = Some(d.bytes()?.to_vec()),
                _ => d.skip()?,
            }
        }
        key.data = data.ok_or_else(|| fail("ec key has no data"))?;
        Ok(key)
    }

    fn encode(&self, e: &mut Encoder<Vec<u8>>, tags: TagSet) -> EncodeResult {
        e.tag(Tag::new(tags.eckey()))?;
        e.map(1 + u64::from(self.curve.is_some()) + u64::from(self.is_private))?;
        if let Some(curve) = self.curve {
            e.u8(1)?.u64(curve)?;
        }
        if self.is_private {
            e.u8(2)?.bool(true)?;
        }
        e.u8(3)?.bytes(&self.data)?;
        Ok(())
    }

    /// The public key in hex.
    pub fn key_expression(&self) -> Result<String, RegistryError> {
        if self.is_private {
            return Err(RegistryError::PrivateKey("ec key"));
        }
        if self.curve.unwrap_or(0) != 0 {
            return Err(invalid("ec key is not on secp256k1"));
        }
        let key = PublicKey::from_slice(&self.data)
            .map_err(|_| invalid("ec key data is not a valid public key"))?;
        Ok(if self.data.len() == 33 {
            key.to_string()
        } else {
            self.data.to_lower_hex_string()
        })
    }
}

/// A key inside an output descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DescriptorKey {
    /// An HD key.
    Hd(HdKey),
    /// A bare EC key.
    Ec(EcKey),
}

impl DescriptorKey {
    /// The descriptor text of the key.
    pub fn key_expression(&self) -> Result<String, RegistryError> {
        match self {
            DescriptorKey::Hd(k) => k.key_expression(),
            DescriptorKey::Ec(k) => k.key_expression(),
        }
    }

    /// Parses `[fingerprint/path]KEY/children`, KEY being an xpub/tpub or a hex public key.
    pub fn from_text(text: &str) -> Result<Self, RegistryError> {
        let text = text.trim();
        let (origin, rest) = match text.strip_prefix('[') {
            Some(rest) => {
                let (origin, rest) = rest
                    .split_once(']')
                    .ok_or_else(|| invalid(format!("key {text:?} has an unclosed origin")))?;
                let mut steps = origin.split('/');
                let fp = steps.next().unwrap_or_default();
                let fp = Fingerprint::from_str(fp)
                    .ok()
                    .filter(|_| fp.len() == 8)
                    .ok_or_else(|| invalid(format!("invalid key fingerprint {fp:?}")))?;
                let path = steps
                    .map(|s| {
                        parse_child(s).map(|c| {
                            if c.hardened {
                                ChildNumber::Hardened { index: c.index }
                            } else {
                                ChildNumber::Normal { index: c.index }
                            }
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                (Some((fp, DerivationPath::from(path))), rest)
            }
            None => (None, text),
        };
        let mut parts = rest.split('/');
        let body = parts.next().unwrap_or_default();
        let children = parts.map(parse_component).collect::<Result<Vec<_>, _>>()?;
        let children = (!children.is_empty()).then_some(Keypath {
            components: children,
            source_fingerprint: None,
            depth: None,
        });
        if let Ok(xpub) = Xpub::from_str(body) {
            return Ok(DescriptorKey::Hd(HdKey::from_xpub(
                &xpub,
                origin.as_ref().map(|(fp, path)| (*fp, path)),
                children,
            )));
        }
        let key = Vec::<u8>::from_hex(body)
            .ok()
            .filter(|k| k.len() == 33 && PublicKey::from_slice(k).is_ok())
            .ok_or_else(|| {
                invalid(format!(
                    "key {body:?} is neither an xpub/tpub nor a compressed public key"
                ))
            })?;
        if origin.is_none() && children.is_none() {
            return Ok(DescriptorKey::Ec(EcKey {
                data: key,
                ..EcKey::default()
            }));
        }
        if children.is_some() {
            return Err(invalid(format!(
                "single key {body} cannot have child steps"
            )));
        }
        // A single key with an origin: an hd key without chain code.
        let (fp, path) = origin.expect("checked above");
        Ok(DescriptorKey::Hd(HdKey {
            key_data: key,
            origin: Some(Keypath::from_path(&path, Some(fp))),
            ..HdKey::default()
        }))
    }

    fn decode(d: &mut Decoder<'_>) -> DecodeResult<Self> {
        match d.tag()?.as_u64() {
            tags::HDKEY_V1 | tags::HDKEY => Ok(DescriptorKey::Hd(HdKey::decode(d)?)),
            tags::ECKEY_V1 | tags::ECKEY => Ok(DescriptorKey::Ec(EcKey::decode(d)?)),
            tags::ADDRESS_V1 | tags::ADDRESS => Err(fail("address keys are not supported")),
            t => Err(fail(format!(
                "expected an hdkey or eckey tag, found tag {t}"
            ))),
        }
    }

    fn encode(&self, e: &mut Encoder<Vec<u8>>, tags: TagSet) -> EncodeResult {
        match self {
            DescriptorKey::Hd(k) => {
                e.tag(Tag::new(tags.hdkey()))?;
                k.encode(e, tags)
            }
            DescriptorKey::Ec(k) => k.encode(e, tags),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Output descriptors

/// Script functions whose arguments (all, or all but the first) are keys.
fn key_arguments(function: &str) -> Option<usize> {
    match function {
        "pk" | "pkh" | "wpkh" | "combo" | "cosigner" | "tr" => Some(0),
        "multi" | "sortedmulti" | "multi_a" | "sortedmulti_a" => Some(1),
        _ => None,
    }
}

/// A descriptor expression: `name(args)`, a key placeholder `@n` or literal text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Call(String, Vec<Node>),
    Key(usize),
    Literal(String),
}

struct Parser<'t> {
    text: &'t str,
    pos: usize,
}

impl Parser<'_> {
    fn parse(text: &str) -> Result<Node, RegistryError> {
        let mut p = Parser { text, pos: 0 };
        let node = p.node(0)?;
        if p.pos != text.len() {
            return Err(invalid(format!(
                "unexpected {:?} in descriptor",
                &text[p.pos..]
            )));
        }
        Ok(node)
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn node(&mut self, depth: usize) -> Result<Node, RegistryError> {
        if depth > MAX_SCRIPT_DEPTH * 2 {
            return Err(invalid("descriptor is nested too deeply"));
        }
        let start = self.pos;
        while matches!(self.peek(), Some(b'a'..=b'z' | b'0'..=b'9' | b'_' | b':')) {
            self.pos += 1;
        }
        if self.peek() == Some(b'(') && self.pos > start {
            let name = self.text[start..self.pos].to_string();
            self.pos += 1;
            let mut args = Vec::new();
            loop {
                args.push(self.node(depth + 1)?);
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        return Ok(Node::Call(name, args));
                    }
                    _ => return Err(invalid(format!("descriptor {name}( is not closed"))),
                }
            }
        }
        // A literal runs to the next ',' or ')' outside braces.
        let mut braces = 0usize;
        while let Some(c) = self.peek() {
            match c {
                b'{' => braces += 1,
                b'}' => braces = braces.saturating_sub(1),
                b',' | b')' if braces == 0 => break,
                b'(' if braces == 0 => {
                    return Err(invalid(format!(
                        "unexpected '(' in descriptor after {:?}",
                        &self.text[start..self.pos]
                    )))
                }
                _ => {}
            }
            self.pos += 1;
        }
        let literal = &self.text[start..self.pos];
        if let Some(n) = literal.strip_prefix('@') {
            let index = n
                .parse::<usize>()
                .ok()
                .filter(|_| n.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| invalid(format!("invalid key placeholder {literal:?}")))?;
            return Ok(Node::Key(index));
        }
        if literal.is_empty() {
            return Err(invalid("empty argument in descriptor"));
        }
        Ok(Node::Literal(literal.to_string()))
    }
}

impl Node {
    fn render(
        &self,
        key: &mut dyn FnMut(usize) -> Result<String, RegistryError>,
    ) -> Result<String, RegistryError> {
        match self {
            Node::Literal(s) => Ok(s.clone()),
            Node::Key(i) => key(*i),
            Node::Call(name, args) => {
                let args = args
                    .iter()
                    .map(|a| a.render(key))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(format!("{name}({})", args.join(",")))
            }
        }
    }

    /// Replaces key literals at key positions by placeholders, collecting the keys.
    fn extract_keys(&mut self, keys: &mut Vec<DescriptorKey>) -> Result<(), RegistryError> {
        let Node::Call(name, args) = self else {
            return Ok(());
        };
        // sh(KEY)/wsh(KEY): Keystone's form of a multisig cosigner key.
        let first_key = key_arguments(name).or(matches!(name.as_str(), "sh" | "wsh").then_some(0));
        if name == "tr" && args.len() > 1 {
            return Err(invalid("taproot script trees are not supported"));
        }
        for (i, arg) in args.iter_mut().enumerate() {
            match arg {
                Node::Literal(text) if first_key.is_some_and(|k| i >= k) => {
                    keys.push(DescriptorKey::from_text(text)?);
                    *arg = Node::Key(keys.len() - 1);
                }
                Node::Call(..) => arg.extract_keys(keys)?,
                _ => {}
            }
        }
        Ok(())
    }
}

/// An output descriptor: text in which keys are `@0`, `@1`, … placeholders, and the keys
/// (the BCR-2023-010 model; BCR-2020-010's tagged expressions convert to and from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputDescriptor {
    /// The descriptor text with placeholders, e.g. `wsh(sortedmulti(2,@0,@1,@2))`.
    pub source: String,
    /// The keys the placeholders refer to.
    pub keys: Vec<DescriptorKey>,
    /// A name (version 3 only).
    pub name: Option<String>,
    /// A note (version 3 only).
    pub note: Option<String>,
}

impl OutputDescriptor {
    /// Parses descriptor text (a trailing `#checksum` is ignored). Keys are taken out of
    /// `pk`, `pkh`, `wpkh`, `combo`, `tr` (key path only), `multi`, `sortedmulti`,
    /// `multi_a`, `sortedmulti_a` and `cosigner`, inside any nesting of `sh`/`wsh`.
    pub fn from_descriptor(text: &str) -> Result<Self, RegistryError> {
        let text = text.trim();
        let text = match text.rsplit_once('#') {
            Some((body, checksum)) if checksum.len() == 8 => body,
            _ => text,
        };
        let mut node = Parser::parse(text)?;
        let mut keys = Vec::new();
        node.extract_keys(&mut keys)?;
        Ok(OutputDescriptor {
            source: node.render(&mut |i| Ok(format!("@{i}")))?,
            keys,
            name: None,
            note: None,
        })
    }

    fn template(&self) -> Result<Node, RegistryError> {
        let node = Parser::parse(&self.source)?;
        let mut problem = None;
        node.render(&mut |i| {
            if i >= self.keys.len() {
                problem = Some(i);
            }
            Ok(String::new())
        })?;
        if let Some(i) = problem {
            return Err(invalid(format!(
                "descriptor refers to key @{i} but has {} keys",
                self.keys.len()
            )));
        }
        Ok(node)
    }

    /// The descriptor text with the keys written out (no checksum).
    pub fn to_descriptor(&self) -> Result<String, RegistryError> {
        self.template()?
            .render(&mut |i| self.keys[i].key_expression())
    }

    /// Like [`Self::to_descriptor`], with `master` as the source fingerprint of every HD key
    /// whose origin names none (BCR-2023-019's rule for `account-descriptor`).
    pub fn to_descriptor_with_master(&self, master: Fingerprint) -> Result<String, RegistryError> {
        let mut filled = self.clone();
        for key in &mut filled.keys {
            if let DescriptorKey::Hd(HdKey {
                origin: Some(origin),
                ..
            }) = key
            {
                if origin.source_fingerprint.is_none() {
                    origin.source_fingerprint = Some(master);
                }
            }
        }
        filled.to_descriptor()
    }

    // Version 1: tagged script expressions.

    fn decode_v1(d: &mut Decoder<'_>) -> DecodeResult<Self> {
        let mut keys = Vec::new();
        let node = decode_script(d, &mut keys, 0)?;
        let source = node
            .render(&mut |i| Ok(format!("@{i}")))
            .map_err(|e| fail(e.to_string()))?;
        Ok(OutputDescriptor {
            source,
            keys,
            name: None,
            note: None,
        })
    }

    /// Writes the tagged script expression; a name or note is left out (version 1 has none).
    fn encode_v1(&self, e: &mut Encoder<Vec<u8>>) -> Result<(), RegistryError> {
        encode_script(&self.template()?, &self.keys, e)
    }

    /// The CBOR body of a `crypto-output` UR: the tagged script expression.
    pub fn to_cbor_v1(&self) -> Result<Vec<u8>, RegistryError> {
        let mut e = Encoder::new(Vec::new());
        self.encode_v1(&mut e)?;
        Ok(e.into_writer())
    }

    // Version 3: {1: source, 2: [keys], 3: name, 4: note}.

    fn decode_v3(d: &mut Decoder<'_>) -> DecodeResult<Self> {
        let mut source = None;
        let mut keys = Vec::new();
        let (mut name, mut note) = (None, None);
        let mut seen = Vec::new();
        for _ in 0..map_len(d)? {
            match map_key(d, &mut seen)? {
                1 => source = Some(d.str()?.to_string()),
                2 => {
                    for _ in 0..array_len(d)? {
                        keys.push(DescriptorKey::decode(d)?);
                    }
                }
                3 => name = Some(d.str()?.to_string()),
                4 => note = Some(d.str()?.to_string()),
                _ => d.skip()?,
            }
        }
        let descriptor = OutputDescriptor {
            source: source.ok_or_else(|| fail("output descriptor has no source"))?,
            keys,
            name,
            note,
        };
        descriptor.template().map_err(|e| fail(e.to_string()))?;
        Ok(descriptor)
    }

    fn encode_v3(&self, e: &mut Encoder<Vec<u8>>) -> EncodeResult {
        let len = 1
            + u64::from(!self.keys.is_empty())
            + u64::from(self.name.is_some())
            + u64::from(self.note.is_some());
        e.map(len)?.u8(1)?.str(&self.source)?;
        if !self.keys.is_empty() {
            e.u8(2)?.array(self.keys.len() as u64)?;
            for key in &self.keys {
                key.encode(e, TagSet::V2)?;
            }
        }
        if let Some(name) = &self.name {
            e.u8(3)?.str(name)?;
        }
        if let Some(note) = &self.note {
            e.u8(4)?.str(note)?;
        }
        Ok(())
    }

    /// The untagged CBOR body of an `output-descriptor` UR.
    pub fn to_cbor_v3(&self) -> Result<Vec<u8>, RegistryError> {
        self.template()?;
        Ok(encode_with(|e| self.encode_v3(e)))
    }

    /// Reads a `crypto-output` body (a leading 308 tag is tolerated).
    pub fn from_cbor_v1(cbor: &[u8]) -> Result<Self, RegistryError> {
        decode_all(CRYPTO_OUTPUT, cbor, |d| {
            optional_tag_if(d, tags::OUTPUT_V1)?;
            OutputDescriptor::decode_v1(d)
        })
    }

    /// Reads an `output-descriptor` body (a leading 40308 tag is tolerated).
    pub fn from_cbor_v3(cbor: &[u8]) -> Result<Self, RegistryError> {
        decode_all(OUTPUT_DESCRIPTOR, cbor, |d| {
            optional_tag_if(d, tags::OUTPUT)?;
            OutputDescriptor::decode_v3(d)
        })
    }
}

/// Consumes the next tag if it is `tag`; leaves anything else.
fn optional_tag_if(d: &mut Decoder<'_>, tag: u64) -> DecodeResult<bool> {
    if d.datatype()? == Type::Tag {
        let mut probe = d.probe();
        if probe.tag()?.as_u64() == tag {
            d.tag()?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether the next item is a tagged hdkey or eckey.
fn next_is_key(d: &mut Decoder<'_>) -> DecodeResult<bool> {
    if d.datatype()? != Type::Tag {
        return Ok(false);
    }
    let tag = d.probe().tag()?.as_u64();
    Ok(matches!(
        tag,
        tags::HDKEY_V1 | tags::HDKEY | tags::ECKEY_V1 | tags::ECKEY
    ))
}

fn decode_script(
    d: &mut Decoder<'_>,
    keys: &mut Vec<DescriptorKey>,
    depth: usize,
) -> DecodeResult<Node> {
    if depth >= MAX_SCRIPT_DEPTH {
        return Err(fail("script expressions are nested too deeply"));
    }
    let tag = d.tag()?.as_u64();
    let mut key = |d: &mut Decoder<'_>| -> DecodeResult<Node> {
        keys.push(DescriptorKey::decode(d)?);
        Ok(Node::Key(keys.len() - 1))
    };
    let call = |name: &str, args: Vec<Node>| Node::Call(name.to_string(), args);
    Ok(match tag {
        // Keystone writes a multisig cosigner's key straight inside sh()/wsh().
        tags::SH | tags::WSH => {
            let inner = if next_is_key(d)? {
                key(d)?
            } else {
                decode_script(d, keys, depth + 1)?
            };
            call(if tag == tags::SH { "sh" } else { "wsh" }, vec![inner])
        }
        tags::PK => call("pk", vec![key(d)?]),
        tags::PKH => call("pkh", vec![key(d)?]),
        tags::WPKH => call("wpkh", vec![key(d)?]),
        tags::COMBO => call("combo", vec![key(d)?]),
        tags::TR => call("tr", vec![key(d)?]),
        tags::COSIGNER => call("cosigner", vec![key(d)?]),
        tags::MULTI | tags::SORTED_MULTI => {
            let mut threshold = None;
            let mut list = Vec::new();
            let mut seen = Vec::new();
            for _ in 0..map_len(d)? {
                match map_key(d, &mut seen)? {
                    1 => threshold = Some(d.u32()?),
                    2 => {
                        for _ in 0..array_len(d)? {
                            list.push(key(d)?);
                        }
                    }
                    _ => d.skip()?,
                }
            }
            let threshold = threshold.ok_or_else(|| fail("multisig has no threshold"))?;
            if threshold == 0 || threshold as usize > list.len() {
                return Err(fail(format!(
                    "multisig threshold {threshold} of {} keys",
                    list.len()
                )));
            }
            let mut args = vec![Node::Literal(threshold.to_string())];
            args.extend(list);
            call(
                if tag == tags::MULTI {
                    "multi"
                } else {
                    "sortedmulti"
                },
                args,
            )
        }
        tags::RAW => call("raw", vec![Node::Literal(d.bytes()?.to_lower_hex_string())]),
        tags::ADDRESS_V1 | tags::ADDRESS => return Err(fail("address outputs are not supported")),
        t => return Err(fail(format!("unknown script expression tag {t}"))),
    })
}

fn encode_script(
    node: &Node,
    keys: &[DescriptorKey],
    e: &mut Encoder<Vec<u8>>,
) -> Result<(), RegistryError> {
    let unsupported = |detail: String| RegistryError::Unsupported {
        what: CRYPTO_OUTPUT,
        detail,
    };
    let ok = |r: EncodeResult| r.expect("writing cbor into memory cannot fail");
    let Node::Call(name, args) = node else {
        return Err(unsupported(format!(
            "expected a script expression, found {node:?}"
        )));
    };
    let key = |arg: &Node, e: &mut Encoder<Vec<u8>>| match arg {
        Node::Key(i) => {
            ok(keys[*i].encode(e, TagSet::V1));
            Ok(())
        }
        other => Err(unsupported(format!(
            "{name}() argument {other:?} is no key"
        ))),
    };
    let tag = match name.as_str() {
        "sh" => tags::SH,
        "wsh" => tags::WSH,
        "pk" => tags::PK,
        "pkh" => tags::PKH,
        "wpkh" => tags::WPKH,
        "combo" => tags::COMBO,
        "tr" => tags::TR,
        "cosigner" => tags::COSIGNER,
        "multi" => tags::MULTI,
        "sortedmulti" => tags::SORTED_MULTI,
        "raw" => tags::RAW,
        other => return Err(unsupported(format!("descriptor function {other}()"))),
    };
    fn single<'n>(name: &str, args: &'n [Node]) -> Result<&'n Node, RegistryError> {
        match args {
            [arg] => Ok(arg),
            _ => Err(RegistryError::Unsupported {
                what: CRYPTO_OUTPUT,
                detail: format!("{name}() with {} arguments", args.len()),
            }),
        }
    }
    ok(e.tag(Tag::new(tag)).map(|_| ()));
    match tag {
        tags::SH | tags::WSH => match single(name, args)? {
            key_arg @ Node::Key(_) => key(key_arg, e),
            script => encode_script(script, keys, e),
        },
        tags::MULTI | tags::SORTED_MULTI => {
            let Some((Node::Literal(k), list)) = args.split_first() else {
                return Err(unsupported(format!("{name}() without a threshold")));
            };
            let k: u32 = k
                .parse()
                .map_err(|_| unsupported(format!("{name}() threshold {k:?}")))?;
            ok(e.map(2)
                .and_then(|e| e.u8(1))
                .and_then(|e| e.u32(k))
                .and_then(|e| e.u8(2))
                .and_then(|e| e.array(list.len() as u64))
                .map(|_| ()));
            list.iter().try_for_each(|arg| key(arg, e))
        }
        tags::RAW => match single(name, args)? {
            Node::Literal(hex) => {
                let bytes = Vec::<u8>::from_hex(hex)
                    .map_err(|_| unsupported(format!("raw() script {hex:?} is not hex")))?;
                ok(e.bytes(&bytes).map(|_| ()));
                Ok(())
            }
            other => Err(unsupported(format!("raw() argument {other:?}"))),
        },
        _ => key(single(name, args)?, e),
    }
}

// ---------------------------------------------------------------------------------------------
// Accounts

/// A `crypto-account` / `account-descriptor`: a master fingerprint and the account's output
/// descriptors (one per script type; multisig ones as `cosigner(…)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Fingerprint of the master public key.
    pub master_fingerprint: Fingerprint,
    /// The output descriptors.
    pub outputs: Vec<OutputDescriptor>,
}

impl Account {
    /// An account from descriptor texts.
    pub fn from_descriptors<S: AsRef<str>>(
        master_fingerprint: Fingerprint,
        descriptors: &[S],
    ) -> Result<Self, RegistryError> {
        Ok(Account {
            master_fingerprint,
            outputs: descriptors
                .iter()
                .map(|d| OutputDescriptor::from_descriptor(d.as_ref()))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The descriptor texts, keys without a source fingerprint taking the master's.
    pub fn descriptors(&self) -> Result<Vec<String>, RegistryError> {
        self.outputs
            .iter()
            .map(|o| o.to_descriptor_with_master(self.master_fingerprint))
            .collect()
    }

    fn decode(d: &mut Decoder<'_>) -> DecodeResult<Self> {
        let mut master = None;
        let mut outputs = Vec::new();
        let mut seen = Vec::new();
        for _ in 0..map_len(d)? {
            match map_key(d, &mut seen)? {
                1 => master = Some(fingerprint(d)?),
                2 => {
                    for _ in 0..array_len(d)? {
                        // 40308(v3 map), 308(v1 script) or, in BCR-2020-015's first
                        // revision, the v1 script untagged.
                        if optional_tag_if(d, tags::OUTPUT)? {
                            outputs.push(OutputDescriptor::decode_v3(d)?);
                        } else {
                            optional_tag_if(d, tags::OUTPUT_V1)?;
                            outputs.push(OutputDescriptor::decode_v1(d)?);
                        }
                    }
                }
                _ => d.skip()?,
            }
        }
        Ok(Account {
            master_fingerprint: master.ok_or_else(|| fail("account has no master fingerprint"))?,
            outputs,
        })
    }

    /// The CBOR body of a `crypto-account` (`legacy`) or `account-descriptor` UR.
    pub fn to_cbor(&self, legacy: bool) -> Result<Vec<u8>, RegistryError> {
        let mut e = Encoder::new(Vec::new());
        let ok = |r: EncodeResult| r.expect("writing cbor into memory cannot fail");
        ok(e.map(2)
            .and_then(|e| e.u8(1))
            .and_then(|e| e.u32(fingerprint_u32(self.master_fingerprint)))
            .and_then(|e| e.u8(2))
            .and_then(|e| e.array(self.outputs.len() as u64))
            .map(|_| ()));
        for output in &self.outputs {
            if legacy {
                ok(e.tag(Tag::new(tags::OUTPUT_V1)).map(|_| ()));
                output.encode_v1(&mut e)?;
            } else {
                output.template()?;
                ok(e.tag(Tag::new(tags::OUTPUT)).map(|_| ()));
                ok(output.encode_v3(&mut e));
            }
        }
        Ok(e.into_writer())
    }

    /// Reads a `crypto-account` or `account-descriptor` body.
    pub fn from_cbor(cbor: &[u8]) -> Result<Self, RegistryError> {
        decode_all("account", cbor, Account::decode)
    }
}

// ---------------------------------------------------------------------------------------------
// EIP-4527

/// What an `eth-sign-request` asks to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EthDataType {
    /// 1: RLP of an unsigned legacy transaction.
    Transaction = 1,
    /// 2: EIP-712 typed data (JSON bytes).
    TypedData = 2,
    /// 3: a personal message (EIP-191 `personal_sign`).
    PersonalMessage = 3,
    /// 4: an EIP-2718 typed transaction.
    TypedTransaction = 4,
}

impl EthDataType {
    fn from_u64(n: u64) -> Option<Self> {
        Some(match n {
            1 => EthDataType::Transaction,
            2 => EthDataType::TypedData,
            3 => EthDataType::PersonalMessage,
            4 => EthDataType::TypedTransaction,
            _ => return None,
        })
    }
}

/// An EIP-4527 `eth-sign-request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EthSignRequest {
    /// The request's UUID.
    pub request_id: Option<[u8; 16]>,
    /// The data to sign.
    pub sign_data: Vec<u8>,
    /// What the data is.
    pub data_type: EthDataType,
    /// The chain id (absent means 1).
    pub chain_id: Option<u64>,
    /// The signing key's path and master fingerprint.
    pub derivation_path: Keypath,
    /// The signing key's address, for the signer to check.
    pub address: Option<[u8; 20]>,
    /// Who asks (a wallet's name).
    pub origin: Option<String>,
}

fn decode_uuid(d: &mut Decoder<'_>) -> DecodeResult<[u8; 16]> {
    optional_tag(d, &[tags::UUID])?;
    d.bytes()?
        .try_into()
        .map_err(|_| fail("request id is not a 16-byte uuid"))
}

impl EthSignRequest {
    /// The chain id, 1 when absent.
    pub fn chain_id(&self) -> u64 {
        self.chain_id.unwrap_or(1)
    }

    fn decode(d: &mut Decoder<'_>) -> DecodeResult<Self> {
        let mut request_id = None;
        let mut sign_data = None;
        let mut data_type = None;
        let mut chain_id = None;
        let mut path = None;
        let mut address = None;
        let mut origin = None;
        let mut seen = Vec::new();
        for _ in 0..map_len(d)? {
            match map_key(d, &mut seen)? {
                1 => request_id = Some(decode_uuid(d)?),
                2 => sign_data = Some(d.bytes()?.to_vec()),
                3 => {
                    optional_tag(d, &[401])?;
                    let n = d.u64()?;
                    data_type = Some(
                        EthDataType::from_u64(n)
                            .ok_or_else(|| fail(format!("unknown data type {n}")))?,
                    );
                }
                4 => chain_id = Some(d.u64()?),
                5 => {
                    required_tag(d, &[tags::KEYPATH_V1, tags::KEYPATH], "keypath")?;
                    path = Some(Keypath::decode(d)?);
                }
                6 => {
                    address = Some(
                        d.bytes()?
                            .try_into()
                            .map_err(|_| fail("address is not 20 bytes"))?,
                    )
                }
                7 => origin = Some(d.str()?.to_string()),
                _ => d.skip()?,
            }
        }
        Ok(EthSignRequest {
            request_id,
            sign_data: sign_data.ok_or_else(|| fail("request has no sign data"))?,
            data_type: data_type.unwrap_or(EthDataType::Transaction),
            chain_id,
            derivation_path: path.ok_or_else(|| fail("request has no derivation path"))?,
            address,
            origin,
        })
    }

    /// The CBOR body of the `eth-sign-request` UR.
    pub fn to_cbor(&self) -> Vec<u8> {
        encode_with(|e| {
            let len = 3
                + u64::from(self.request_id.is_some())
                + u64::from(self.chain_id.is_some())
                + u64::from(self.address.is_some())
                + u64::from(self.origin.is_some());
            e.map(len)?;
            if let Some(id) = &self.request_id {
                e.u8(1)?.tag(Tag::new(tags::UUID))?.bytes(id)?;
            }
            e.u8(2)?.bytes(&self.sign_data)?;
            e.u8(3)?.u8(self.data_type as u8)?;
            if let Some(chain) = self.chain_id {
                e.u8(4)?.u64(chain)?;
            }
            e.u8(5)?;
            self.derivation_path.encode(e, TagSet::V1)?;
            if let Some(address) = &self.address {
                e.u8(6)?.bytes(address)?;
            }
            if let Some(origin) = &self.origin {
                e.u8(7)?.str(origin)?;
            }
            Ok(())
        })
    }

    /// Reads an `eth-sign-request` body.
    pub fn from_cbor(cbor: &[u8]) -> Result<Self, RegistryError> {
        decode_all(ETH_SIGN_REQUEST, cbor, EthSignRequest::decode)
    }
}

/// An EIP-4527 `eth-signature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EthSignature {
    /// The UUID of the request answered.
    pub request_id: Option<[u8; 16]>,
    /// The 65-byte signature r ‖ s ‖ v.
    pub signature: Vec<u8>,
    /// Who signed (the device).
    pub origin: Option<String>,
}

impl EthSignature {
    fn decode(d: &mut Decoder<'_>) -> DecodeResult<Self> {
        let mut request_id = None;
        let mut signature = None;
        let mut origin = None;
        let mut seen = Vec::new();
        for _ in 0..map_len(d)? {
            match map_key(d, &mut seen)? {
                1 => request_id = Some(decode_uuid(d)?),
                2 => signature = Some(d.bytes()?.to_vec()),
                3 => origin = Some(d.str()?.to_string()),
                _ => d.skip()?,
            }
        }
        let signature = signature.ok_or_else(|| fail("signature is missing"))?;
        if signature.len() != 65 {
            return Err(fail(format!(
                "signature is {} bytes, not 65",
                signature.len()
            )));
        }
        Ok(EthSignature {
            request_id,
            signature,
            origin,
        })
    }

    /// The CBOR body of the `eth-signature` UR.
    pub fn to_cbor(&self) -> Vec<u8> {
        encode_with(|e| {
            e.map(1 + u64::from(self.request_id.is_some()) + u64::from(self.origin.is_some()))?;
            if let Some(id) = &self.request_id {
                e.u8(1)?.tag(Tag::new(tags::UUID))?.bytes(id)?;
            }
            e.u8(2)?.bytes(&self.signature)?;
            if let Some(origin) = &self.origin {
                e.u8(3)?.str(origin)?;
            }
            Ok(())
        })
    }

    /// Reads an `eth-signature` body.
    pub fn from_cbor(cbor: &[u8]) -> Result<Self, RegistryError> {
        decode_all(ETH_SIGNATURE, cbor, EthSignature::decode)
    }
}

// ---------------------------------------------------------------------------------------------
// PSBT

/// The CBOR body of a `crypto-psbt` / `psbt` UR: the PSBT as a byte string.
pub fn psbt_to_cbor(psbt: &[u8]) -> Vec<u8> {
    bytes_to_cbor(psbt)
}

/// Writes a `bytes` body: one CBOR byte string.
pub fn bytes_to_cbor(bytes: &[u8]) -> Vec<u8> {
    encode_with(|e| e.bytes(bytes).map(|_| ()))
}

/// Reads a `bytes` body: one CBOR byte string and nothing after it.
pub fn bytes_from_cbor(cbor: &[u8]) -> Result<Vec<u8>, RegistryError> {
    decode_all(BYTES, cbor, |d| Ok(d.bytes()?.to_vec()))
}

/// Reads a `crypto-psbt` / `psbt` body; the bytes must start with the PSBT magic.
pub fn psbt_from_cbor(cbor: &[u8]) -> Result<Vec<u8>, RegistryError> {
    let psbt = decode_all(PSBT, cbor, |d| Ok(d.bytes()?.to_vec()))?;
    if !psbt.starts_with(b"psbt\xff") {
        return Err(invalid("psbt ur does not hold a psbt (no psbt magic)"));
    }
    Ok(psbt)
}

// ---------------------------------------------------------------------------------------------
// Detection by UR type

/// A decoded registry body, recognised by its UR type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// `crypto-psbt` / `psbt`: the PSBT bytes.
    Psbt(Vec<u8>),
    /// `bytes`: plain bytes (a request or file of any kind).
    Bytes(Vec<u8>),
    /// `eth-sign-request`.
    EthSignRequest(EthSignRequest),
    /// `eth-signature`.
    EthSignature(EthSignature),
    /// `crypto-account` / `account-descriptor`.
    Account(Account),
    /// `crypto-hdkey` / `hdkey`.
    HdKey(HdKey),
    /// `crypto-output` / `output-descriptor`.
    Output(OutputDescriptor),
}

impl Payload {
    /// Decodes `cbor` as the body of UR type `ur_type` (either name of each type).
    pub fn from_ur(ur_type: &str, cbor: &[u8]) -> Result<Self, RegistryError> {
        Ok(match ur_type {
            CRYPTO_PSBT | PSBT => Payload::Psbt(psbt_from_cbor(cbor)?),
            BYTES => Payload::Bytes(bytes_from_cbor(cbor)?),
            ETH_SIGN_REQUEST => Payload::EthSignRequest(EthSignRequest::from_cbor(cbor)?),
            ETH_SIGNATURE => Payload::EthSignature(EthSignature::from_cbor(cbor)?),
            CRYPTO_HDKEY | HDKEY => Payload::HdKey(HdKey::from_cbor(cbor)?),
            CRYPTO_ACCOUNT | ACCOUNT_DESCRIPTOR => Payload::Account(Account::from_cbor(cbor)?),
            CRYPTO_OUTPUT => Payload::Output(OutputDescriptor::from_cbor_v1(cbor)?),
            OUTPUT_DESCRIPTOR => Payload::Output(OutputDescriptor::from_cbor_v3(cbor)?),
            other => return Err(RegistryError::UnknownType(other.to_string())),
        })
    }

    /// The UR type and CBOR body to send. `prefer_legacy_names` picks `crypto-psbt`,
    /// `crypto-hdkey` (3xx tags), `crypto-output` and `crypto-account` (BCR-2020-010
    /// expressions), which older wallets read; otherwise the version 2/3 types. Fails when the
    /// legacy output format cannot express a descriptor (names, notes, miniscript).
    pub fn to_ur(
        &self,
        prefer_legacy_names: bool,
    ) -> Result<(&'static str, Vec<u8>), RegistryError> {
        let legacy = prefer_legacy_names;
        Ok(match self {
            Payload::Psbt(psbt) => (if legacy { CRYPTO_PSBT } else { PSBT }, psbt_to_cbor(psbt)),
            Payload::Bytes(bytes) => (BYTES, bytes_to_cbor(bytes)),
            Payload::EthSignRequest(r) => (ETH_SIGN_REQUEST, r.to_cbor()),
            Payload::EthSignature(s) => (ETH_SIGNATURE, s.to_cbor()),
            Payload::HdKey(k) if legacy => (CRYPTO_HDKEY, k.to_cbor(TagSet::V1)),
            Payload::HdKey(k) => (HDKEY, k.to_cbor(TagSet::V2)),
            Payload::Account(a) if legacy => (CRYPTO_ACCOUNT, a.to_cbor(true)?),
            Payload::Account(a) => (ACCOUNT_DESCRIPTOR, a.to_cbor(false)?),
            Payload::Output(o) if legacy => (CRYPTO_OUTPUT, o.to_cbor_v1()?),
            Payload::Output(o) => (OUTPUT_DESCRIPTOR, o.to_cbor_v3()?),
        })
    }
}
