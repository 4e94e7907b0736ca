//! A set of descriptors and the matching rules: a call matches a descriptor bound to its
//! exact chain id and contract address that has a format for its selector; a message
//! matches a descriptor whose domain constraints hold and that has a format for its
//! `encodeType`.

use std::path::{Path as FsPath, PathBuf};

use alloy_dyn_abi::{JsonAbiExt, TypedData};
use alloy_primitives::{Address, U256};
use serde_json::Value;

use super::data::Data;
use super::descriptor::{parse_address, Binding, Deployment, Descriptor};
use super::render::{render, Container, Ctx};
use super::{Call, ClearSigned, Lookup};
use crate::i18n::Text;

/// Directories of a registry checkout that hold no descriptors.
const NOT_DESCRIPTORS: &[&str] = &["tests", "testsv2", "sigs", "specs"];

/// The registry's ERC-20 interface descriptor, relative to its root: loaded as a token
/// interface (it applies to contracts the signer's token table lists).
pub const ERC20_INTERFACE: &str = "ercs/calldata-erc20-tokens.json";

/// Most descriptor files read from one directory.
const MAX_FILES: usize = 10_000;

/// The descriptors the signer trusts.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    descriptors: Vec<Descriptor>,
}

/// A file of a directory that was not loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub file: PathBuf,
    /// Why (include-only files have no deployments).
    pub reason: String,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Adds a descriptor.
    pub fn add(&mut self, descriptor: Descriptor) {
        self.descriptors.push(descriptor);
    }

    /// The descriptors.
    pub fn descriptors(&self) -> &[Descriptor] {
        &self.descriptors
    }

    /// Loads every `*.json` descriptor under `dir` (includes confined to `dir`), returning
    /// the files that are not usable descriptors with the reason.
    pub fn load_dir(dir: &FsPath) -> Result<(Registry, Vec<Skipped>), String> {
        let mut files = Vec::new();
        collect(dir, &mut files, 0)?;
        files.sort();
        let mut registry = Registry::new();
        let mut skipped = Vec::new();
        for file in files {
            let loaded = if file.ends_with(ERC20_INTERFACE) {
                Descriptor::token_interface_from_file(&file, dir)
            } else {
                Descriptor::from_file(&file, dir)
            };
            match loaded {
                Ok(d) => registry.add(d),
                Err(reason) => skipped.push(Skipped { file, reason }),
            }
        }
        Ok((registry, skipped))
    }

    /// Renders a contract call with the descriptor bound to its chain and address.
    /// `None`: no descriptor describes this call (it stays blind). `Some(Err)`: one does,
    /// but the call does not decode or render as it says (high severity for the review).
    pub fn clear_sign_call(
        &self,
        call: &Call<'_>,
        lookup: &dyn Lookup,
    ) -> Option<Result<ClearSigned, String>> {
        self.call_at_depth(call, lookup, 0)
    }

    pub(super) fn call_at_depth<'a>(
        &'a self,
        call: &Call<'_>,
        lookup: &dyn Lookup,
        depth: usize,
    ) -> Option<Result<ClearSigned, String>> {
        let selector = call.data.get(..4)?;
        let here = Deployment {
            chain_id: call.chain_id,
            address: call.to,
        };
        let format_of = |d: &'a Descriptor| {
            d.calls
                .iter()
                .find(|c| c.function.selector().as_slice() == selector)
                .map(|c| (d, c))
        };
        let bound: Vec<_> = self
            .descriptors
            .iter()
            .filter(|d| matches!(&d.binding, Binding::Contract(list) if list.contains(&here)))
            .filter_map(format_of)
            .collect();
        // A token interface applies only where no descriptor is bound to the contract and the
        // signer's own table lists it as a token.
        let known_token = || lookup.token(call.chain_id, call.to).is_some();
        let candidates = if bound.is_empty() && known_token() {
            self.descriptors
                .iter()
                .filter(|d| d.binding == Binding::KnownTokens)
                .filter_map(format_of)
                .collect()
        } else {
            bound
        };
        let mut matches = candidates.into_iter();
        let (descriptor, format) = matches.next()?;
        if let Some((other, _)) = matches.next() {
            if other.hash != descriptor.hash {
                return Some(Err(format!(
                    "two descriptors describe this call ({} and {})",
                    descriptor.source.display(),
                    other.source.display()
                )));
            }
        }
        Some((|| {
            let f = &format.function;
            let values = f
                .abi_decode_input(&call.data[4..])
                .map_err(|e| format!("calldata does not decode as {}: {e}", f.signature()))?;
            let canonical = f.abi_encode_input(&values).unwrap_or_default();
            let extra = match call.data.strip_prefix(canonical.as_slice()) {
                Some(extra) if !canonical.is_empty() => extra.len(),
                _ => {
                    return Err(format!(
                        "calldata is not the canonical encoding of {}",
                        f.signature()
                    ))
                }
            };
            let ctx = Ctx {
                registry: self,
                descriptor,
                data: Data::from_params(&values, &f.inputs),
                container: Container {
                    from: call.from,
                    to: Some(call.to),
                    value: call.value,
                    chain_id: call.chain_id,
                },
                lookup,
                depth,
            };
            let mut shown = render(&ctx, &format.key)?;
            if extra > 0 {
                shown.note(
                    Text::new("warning-eth-clear-sign-incomplete-extra-bytes")
                        .arg("bytes", extra)
                        .arg("function", f.signature()),
                );
            }
            Ok(shown)
        })())
    }

    /// Renders an EIP-712 message with the descriptor bound to its domain and type.
    /// `signer` fills `@.from`. `None`: no descriptor describes it.
    pub fn clear_sign_typed(
        &self,
        typed: &TypedData,
        signer: Option<Address>,
        lookup: &dyn Lookup,
    ) -> Option<Result<ClearSigned, String>> {
        let encode_type = normalize(&typed.encode_type().ok()?);
        let (descriptor, key) = self.descriptors.iter().find_map(|d| {
            if !domain_matches(&d.binding, typed) {
                return None;
            }
            d.formats()
                .keys()
                .find(|k| normalize(k) == encode_type)
                .map(|k| (d, k.clone()))
        })?;
        Some((|| {
            let message = typed
                .coerce()
                .map_err(|e| format!("message does not match its types: {e}"))?;
            let domain = &typed.domain;
            let chain_id = domain
                .chain_id
                .map(|c| u64::try_from(c).map_err(|_| "domain chainId out of range".to_string()))
                .transpose()?
                .unwrap_or(0);
            let ctx = Ctx {
                registry: self,
                descriptor,
                data: Data::from_abi(&message, &[]),
                container: Container {
                    from: signer,
                    to: domain.verifying_contract,
                    value: U256::ZERO,
                    chain_id,
                },
                lookup,
                depth: 0,
            };
            render(&ctx, &key)
        })())
    }
}

fn collect(dir: &FsPath, files: &mut Vec<PathBuf>, depth: usize) -> Result<(), String> {
    if depth > 4 {
        return Ok(());
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if kind.is_dir() && !NOT_DESCRIPTORS.contains(&name.as_str()) {
            collect(&path, files, depth + 1)?;
        } else if kind.is_file() && name.ends_with(".json") && !name.starts_with("index.") {
            if files.len() >= MAX_FILES {
                return Err(format!(
                    "more than {MAX_FILES} files under {}",
                    dir.display()
                ));
            }
            files.push(path);
        }
    }
    Ok(())
}

/// A type string without spaces after commas and around parentheses.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for part in text.split(',') {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(part.trim());
    }
    out.replace("( ", "(").replace(" )", ")")
}

/// Whether a message's domain satisfies a descriptor's `eip712` binding.
fn domain_matches(binding: &Binding, typed: &TypedData) -> bool {
    let Binding::Messages {
        deployments,
        domain,
        domain_separator,
    } = binding
    else {
        return false;
    };
    let d = &typed.domain;
    let chain = d.chain_id.and_then(|c| u64::try_from(c).ok());
    if !deployments.is_empty() {
        let (Some(chain_id), Some(address)) = (chain, d.verifying_contract) else {
            return false;
        };
        if !deployments.contains(&Deployment { chain_id, address }) {
            return false;
        }
    }
    if domain_separator.is_some_and(|s| s != d.separator()) {
        return false;
    }
    domain.iter().all(|(key, want)| match key.as_str() {
        "name" => d.name.as_deref() == want.as_str(),
        "version" => d.version.as_deref() == want.as_str(),
        "chainId" => {
            let want = match want {
                Value::Number(n) => n.as_u64(),
                Value::String(s) => s.parse().ok(),
                _ => None,
            };
            want.is_some() && want == chain
        }
        "verifyingContract" => {
            want.as_str().and_then(|s| parse_address(s).ok()) == d.verifying_contract
        }
        "salt" => want.as_str().and_then(|s| s.parse().ok()) == d.salt,
        _ => false,
    })
}
