//! Loading one descriptor: strict JSON, `includes` merged (confined to the registry
//! directory), and the structure the interpreter relies on validated before use.

use std::path::{Path as FsPath, PathBuf};

use alloy_json_abi::Function;
use alloy_primitives::{Address, B256};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::json;
use super::path::Path;

/// Most nested `includes` followed.
const MAX_INCLUDES: usize = 4;

/// Field formats of the specification (v2).
pub const FORMATS: &[&str] = &[
    "raw",
    "addressName",
    "tokenTicker",
    "calldata",
    "amount",
    "tokenAmount",
    "nftName",
    "date",
    "duration",
    "unit",
    "enum",
    "chainId",
    "interoperableAddressName",
];

/// Why a file that binds to nothing (a common file meant to be included) is not a
/// descriptor of its own.
pub const INCLUDE_ONLY: &str = "include-only: binds to no deployment or domain";

/// A contract deployment a descriptor is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deployment {
    /// EIP-155 chain id.
    pub chain_id: u64,
    /// Contract address.
    pub address: Address,
}

/// What a descriptor applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum Binding {
    /// Calls to these contracts.
    Contract(Vec<Deployment>),
    /// Calls to any contract the signer's own token table lists (a token interface such as
    /// ERC-20, imported as such by the operator).
    KnownTokens,
    /// EIP-712 messages whose domain matches.
    Messages {
        /// `chainId` + `verifyingContract` options (empty: not constrained).
        deployments: Vec<Deployment>,
        /// Domain members that must be equal.
        domain: Map<String, Value>,
        /// The domain separator that must be equal, if given.
        domain_separator: Option<B256>,
    },
}

/// One `display.formats` entry for a function.
#[derive(Debug, Clone)]
pub struct CallFormat {
    /// The key as written.
    pub key: String,
    /// The function it describes (selector and parameter names).
    pub function: Function,
}

/// A validated descriptor.
#[derive(Debug, Clone)]
pub struct Descriptor {
    /// Where it was read from (empty for bytes).
    pub source: PathBuf,
    /// SHA-256 over the file and every included file, in include order.
    pub hash: B256,
    /// The merged document (`includes` removed).
    pub doc: Value,
    /// What it applies to.
    pub binding: Binding,
    /// Function formats (calldata descriptors).
    pub calls: Vec<CallFormat>,
}

impl Descriptor {
    /// Reads the descriptor at `file`; `includes` resolve relative to it and must stay inside
    /// `root`.
    pub fn from_file(file: &FsPath, root: &FsPath) -> Result<Descriptor, String> {
        Descriptor::read(file, root, false)
    }

    /// Reads a token interface descriptor (no deployments): it applies to the contracts the
    /// signer's token table lists.
    pub fn token_interface_from_file(file: &FsPath, root: &FsPath) -> Result<Descriptor, String> {
        Descriptor::read(file, root, true)
    }

    fn read(file: &FsPath, root: &FsPath, interface: bool) -> Result<Descriptor, String> {
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot read registry directory {}: {e}", root.display()))?;
        let mut hasher = Sha256::new();
        let doc = load(file, &root, &mut hasher, 0)?;
        let mut d = Descriptor::from_merged(doc, B256::from_slice(&hasher.finalize()), interface)?;
        d.source = file.to_path_buf();
        Ok(d)
    }

    /// Parses a self-contained descriptor (an `includes` is refused).
    pub fn from_bytes(bytes: &[u8]) -> Result<Descriptor, String> {
        Descriptor::parse_bytes(bytes, false)
    }

    /// Parses a self-contained token interface descriptor (see
    /// [`Descriptor::token_interface_from_file`]).
    pub fn token_interface_from_bytes(bytes: &[u8]) -> Result<Descriptor, String> {
        Descriptor::parse_bytes(bytes, true)
    }

    fn parse_bytes(bytes: &[u8], interface: bool) -> Result<Descriptor, String> {
        let doc = json::parse(bytes, json::MAX_BYTES)?;
        if doc.get("includes").is_some() {
            return Err("descriptor includes another file; import it from its directory".into());
        }
        Descriptor::from_merged(doc, B256::from_slice(&Sha256::digest(bytes)), interface)
    }

    fn from_merged(doc: Value, hash: B256, interface: bool) -> Result<Descriptor, String> {
        let (binding, calls) = validate(&doc, interface)?;
        Ok(Descriptor {
            source: PathBuf::new(),
            hash,
            doc,
            binding,
            calls,
        })
    }

    /// `metadata.owner`, if given.
    pub fn owner(&self) -> Option<&str> {
        self.doc.pointer("/metadata/owner").and_then(Value::as_str)
    }

    /// The `display.formats` object.
    pub fn formats(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.doc
            .pointer("/display/formats")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    /// The value at a `$.` path in the merged document.
    pub fn lookup(&self, path: &Path) -> Option<&Value> {
        let keys = path.keys()?;
        keys.iter().try_fold(&self.doc, |at, k| at.get(*k))
    }
}

/// Reads `file` and merges what it includes.
fn load(file: &FsPath, root: &FsPath, hasher: &mut Sha256, depth: usize) -> Result<Value, String> {
    if depth > MAX_INCLUDES {
        return Err(format!("includes nested deeper than {MAX_INCLUDES}"));
    }
    let real = file
        .canonicalize()
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    if !real.starts_with(root) {
        return Err(format!(
            "{} is outside the registry directory {}",
            file.display(),
            root.display()
        ));
    }
    let bytes = read_limited(&real)?;
    hasher.update(&bytes);
    let mut doc =
        json::parse(&bytes, json::MAX_BYTES).map_err(|e| format!("{}: {e}", file.display()))?;
    let Some(object) = doc.as_object_mut() else {
        return Err(format!("{}: not a json object", file.display()));
    };
    match object.remove("includes") {
        None => Ok(doc),
        Some(Value::String(include)) => {
            let dir = real.parent().unwrap_or(root);
            let base = load(&dir.join(&include), root, hasher, depth + 1)?;
            Ok(merge(base, doc))
        }
        Some(_) => Err(format!("{}: includes is not a string", file.display())),
    }
}

/// The file's bytes, refusing files over the size limit without reading them whole.
fn read_limited(file: &FsPath) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let f =
        std::fs::File::open(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut bytes = Vec::new();
    f.take(json::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    if bytes.len() > json::MAX_BYTES {
        return Err(format!(
            "{} is larger than {} bytes",
            file.display(),
            json::MAX_BYTES
        ));
    }
    Ok(bytes)
}

/// Merges an including document over an included one: objects member by member (the
/// including side wins), `fields` arrays by `path`.
pub fn merge(base: Value, over: Value) -> Value {
    match (base, over) {
        (Value::Object(mut b), Value::Object(o)) => {
            for (k, v) in o {
                let merged = match b.remove(&k) {
                    Some(bv) if k == "fields" => merge_fields(bv, v),
                    Some(bv) => merge(bv, v),
                    None => v,
                };
                b.insert(k, merged);
            }
            Value::Object(b)
        }
        (_, o) => o,
    }
}

fn merge_fields(base: Value, over: Value) -> Value {
    let (Value::Array(mut b), Value::Array(o)) = (base, over) else {
        return Value::Null;
    };
    for item in o {
        let path = item.get("path").cloned();
        match b
            .iter_mut()
            .find(|x| path.is_some() && x.get("path") == path.as_ref())
        {
            Some(existing) => *existing = merge(existing.take(), item),
            None => b.push(item),
        }
    }
    Value::Array(b)
}

/// Checks what the interpreter relies on and extracts the binding and function formats.
fn validate(doc: &Value, interface: bool) -> Result<(Binding, Vec<CallFormat>), String> {
    let top = doc.as_object().ok_or("descriptor is not a json object")?;
    for key in top.keys() {
        if !["$schema", "$comment", "context", "metadata", "display"].contains(&key.as_str()) {
            return Err(format!("unknown top-level key {key:?}"));
        }
    }
    let context = doc
        .get("context")
        .ok_or_else(|| INCLUDE_ONLY.to_string())
        .and_then(|c| object(Some(c), "context"))?;
    let metadata = match doc.get("metadata") {
        None => Map::new(),
        Some(m) => object(Some(m), "metadata")?.clone(),
    };
    validate_metadata(&metadata)?;
    let display = object(doc.get("display"), "display")?;
    let formats = object(display.get("formats"), "display.formats")?;
    if formats.is_empty() {
        return Err("display.formats is empty".into());
    }
    let definitions = match display.get("definitions") {
        None => Map::new(),
        Some(d) => object(Some(d), "display.definitions")?.clone(),
    };
    for (name, def) in &definitions {
        validate_field(def, &definitions, &format!("definition {name:?}"), 0)?;
    }
    for (key, format) in formats {
        let format = object(Some(format), &format!("format {key:?}"))?;
        match format.get("intent") {
            None | Some(Value::String(_)) => {}
            Some(Value::Object(o)) if o.values().all(Value::is_string) => {}
            Some(_) => return Err(format!("format {key:?}: intent is not a string or object")),
        }
        if let Some(i) = format.get("interpolatedIntent") {
            i.as_str()
                .ok_or_else(|| format!("format {key:?}: interpolatedIntent is not a string"))?;
        }
        let fields = format
            .get("fields")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("format {key:?}: no fields array"))?;
        for field in fields {
            validate_field(field, &definitions, &format!("format {key:?}"), 0)?;
        }
    }
    match (context.get("contract"), context.get("eip712")) {
        (Some(contract), None) => {
            let contract = object(Some(contract), "context.contract")?;
            let deployments = match contract.get("deployments") {
                None => Vec::new(),
                d => deployments(d, "context.contract")?,
            };
            let binding = match (deployments.is_empty(), interface) {
                (true, true) => Binding::KnownTokens,
                (true, false) => return Err(INCLUDE_ONLY.into()),
                (false, false) => Binding::Contract(deployments),
                (false, true) => return Err("a token interface must not bind deployments".into()),
            };
            let mut calls: Vec<CallFormat> = Vec::new();
            for key in formats.keys() {
                let function = super::signature::parse(key)
                    .map_err(|e| format!("format key {key:?} is not a function signature: {e}"))?;
                if let Some(other) = calls
                    .iter()
                    .find(|c| c.function.selector() == function.selector())
                {
                    return Err(format!(
                        "formats {:?} and {key:?} have the same selector",
                        other.key
                    ));
                }
                calls.push(CallFormat {
                    key: key.clone(),
                    function,
                });
            }
            Ok((binding, calls))
        }
        (None, Some(_)) if interface => Err("a token interface describes contract calls".into()),
        (None, Some(eip712)) => {
            let eip712 = object(Some(eip712), "context.eip712")?;
            let deployments = match eip712.get("deployments") {
                None => Vec::new(),
                d => deployments(d, "context.eip712")?,
            };
            let domain = match eip712.get("domain") {
                None => Map::new(),
                d => object(d, "context.eip712.domain")?.clone(),
            };
            let domain_separator = match eip712.get("domainSeparator") {
                None => None,
                Some(v) => Some(
                    v.as_str()
                        .and_then(|s| s.parse::<B256>().ok())
                        .ok_or("context.eip712.domainSeparator is not 32 hex bytes")?,
                ),
            };
            if deployments.is_empty() && domain.is_empty() && domain_separator.is_none() {
                return Err(INCLUDE_ONLY.into());
            }
            Ok((
                Binding::Messages {
                    deployments,
                    domain,
                    domain_separator,
                },
                Vec::new(),
            ))
        }
        _ => Err("context must bind exactly one of contract or eip712".into()),
    }
}

fn object<'a>(v: Option<&'a Value>, what: &str) -> Result<&'a Map<String, Value>, String> {
    v.and_then(Value::as_object)
        .ok_or_else(|| format!("{what} is missing or not an object"))
}

fn deployments(v: Option<&Value>, what: &str) -> Result<Vec<Deployment>, String> {
    let list = v
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{what}.deployments is missing or not an array"))?;
    list.iter()
        .map(|d| {
            let chain_id = d
                .get("chainId")
                .and_then(Value::as_u64)
                .ok_or_else(|| format!("{what}: deployment without a numeric chainId"))?;
            let address = d
                .get("address")
                .and_then(Value::as_str)
                .and_then(|a| parse_address(a).ok())
                .ok_or_else(|| format!("{what}: deployment without a valid address"))?;
            Ok(Deployment { chain_id, address })
        })
        .collect()
}

/// A 0x-prefixed 20-byte hex address (any case: registry files are not all checksummed).
pub fn parse_address(text: &str) -> Result<Address, String> {
    let hex = text
        .strip_prefix("0x")
        .ok_or_else(|| format!("{text:?} is not an address"))?;
    if hex.len() != 40 {
        return Err(format!("{text:?} is not an address"));
    }
    hex.to_ascii_lowercase()
        .parse::<Address>()
        .map_err(|_| format!("{text:?} is not an address"))
}

fn validate_metadata(metadata: &Map<String, Value>) -> Result<(), String> {
    if let Some(owner) = metadata.get("owner") {
        owner.as_str().ok_or("metadata.owner is not a string")?;
    }
    if let Some(enums) = metadata.get("enums") {
        for (name, e) in object(Some(enums), "metadata.enums")? {
            if !object(Some(e), &format!("enum {name:?}"))?
                .values()
                .all(Value::is_string)
            {
                return Err(format!("enum {name:?} has a non-string label"));
            }
        }
    }
    if let Some(token) = metadata.get("token") {
        let t = object(Some(token), "metadata.token")?;
        if !t.get("decimals").is_some_and(Value::is_u64)
            || !t.get("ticker").is_some_and(Value::is_string)
        {
            return Err("metadata.token needs ticker and decimals".into());
        }
    }
    Ok(())
}

/// Deepest group nesting accepted.
const MAX_GROUP_DEPTH: usize = 4;

fn validate_field(
    field: &Value,
    definitions: &Map<String, Value>,
    at: &str,
    depth: usize,
) -> Result<(), String> {
    let f = object(Some(field), &format!("{at}: field"))?;
    if let Some(p) = f.get("path") {
        Path::parse(
            p.as_str()
                .ok_or_else(|| format!("{at}: path is not a string"))?,
        )
        .map_err(|e| format!("{at}: {e}"))?;
    }
    if let Some(r) = f.get("$ref") {
        let name = r
            .as_str()
            .and_then(|r| r.strip_prefix("$.display.definitions."))
            .ok_or_else(|| format!("{at}: $ref is not a display definition"))?;
        if !definitions.contains_key(name) {
            return Err(format!("{at}: $ref to missing definition {name:?}"));
        }
    }
    if let Some(label) = f.get("label") {
        label
            .as_str()
            .ok_or_else(|| format!("{at}: label is not a string"))?;
    }
    if let Some(format) = f.get("format") {
        let name = format.as_str().unwrap_or_default();
        if !FORMATS.contains(&name) {
            return Err(format!("{at}: unknown field format {format}"));
        }
    }
    if let Some(params) = f.get("params") {
        object(Some(params), &format!("{at}: params"))?;
    }
    match f.get("visible") {
        None => {}
        Some(Value::String(s)) if ["always", "never", "optional"].contains(&s.as_str()) => {}
        Some(Value::Object(o))
            if o.len() == 1
                && o.iter()
                    .all(|(k, v)| (k == "ifNotIn" || k == "mustMatch") && v.is_array()) => {}
        Some(v) => return Err(format!("{at}: bad visible rule {v}")),
    }
    if let Some(group) = f.get("fields") {
        if depth >= MAX_GROUP_DEPTH {
            return Err(format!("{at}: groups nested deeper than {MAX_GROUP_DEPTH}"));
        }
        let items = group
            .as_array()
            .ok_or_else(|| format!("{at}: group fields is not an array"))?;
        for item in items {
            validate_field(item, definitions, at, depth + 1)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_including_over_included() {
        let base = json!({"display": {"formats": {"f(uint256 a)": {"fields": [
            {"path": "a", "label": "A", "params": {"threshold": "1", "message": "Max"}}]}}}});
        let over = json!({"display": {"formats": {"f(uint256 a)": {"fields": [
            {"path": "a", "params": {"threshold": "2"}}, {"path": "b", "label": "B"}]}}}});
        let merged = merge(base, over);
        let fields = &merged["display"]["formats"]["f(uint256 a)"]["fields"];
        assert_eq!(fields[0]["label"], "A");
        assert_eq!(fields[0]["params"]["threshold"], "2");
        assert_eq!(fields[0]["params"]["message"], "Max");
        assert_eq!(fields[1]["label"], "B");
    }

    #[test]
    fn refuses_malformed_structure() {
        let ok = json!({"context": {"contract": {"deployments": [
            {"chainId": 1, "address": "0xdAC17F958D2ee523a2206206994597C13D831ec7"}]}},
            "display": {"formats": {"transfer(address to,uint256 value)": {"intent": "Send",
            "fields": [{"path": "to", "label": "To", "format": "addressName"}]}}}});
        assert!(validate(&ok, false).is_ok());
        let mut bad = ok.clone();
        bad["display"]["formats"]["transfer(address to,uint256 value)"]["fields"][0]["format"] =
            json!("evil");
        assert!(validate(&bad, false)
            .unwrap_err()
            .contains("unknown field format"));
        let mut bad = ok.clone();
        bad["context"]["contract"]["deployments"][0]["address"] = json!("0x12");
        assert!(validate(&bad, false).is_err());
        let mut bad = ok.clone();
        bad["display"]["formats"]["transfer(address,uint256)"] = json!({"fields": []});
        assert!(validate(&bad, false).unwrap_err().contains("same selector"));
        let mut bad = ok;
        bad["extra"] = json!(1);
        assert!(validate(&bad, false).is_err());
    }
}
