//! Rendering one matched `display.formats` entry: walks its fields (groups, `$ref`s,
//! `[]` iteration, visibility rules), formats each value, and fills in the interpolated intent.

use alloy_primitives::{Address, U256};
use serde_json::{Map, Value};

use super::data::{expand, get, pin, Data};
use super::descriptor::{parse_address, Descriptor};
use super::format;
use super::path::{Path, Root, Step};
use super::{Call, ClearSigned, Fact, Field, Lookup, Registry};
use crate::i18n::Text;

/// Most fields one rendering shows (a reviewer cannot read more; it also bounds the work an
/// array times many fields can cause).
pub const MAX_FIELDS: usize = 1024;

/// Deepest nesting of embedded calldata followed.
pub const MAX_NESTING: usize = 3;

/// The transaction or message around the data (`@.` paths).
#[derive(Debug, Clone, Copy)]
pub struct Container {
    /// The signer, if known.
    pub from: Option<Address>,
    /// The contract called (or the verifying contract, when the domain names one).
    pub to: Option<Address>,
    /// Native value sent.
    pub value: U256,
    /// EIP-155 chain id.
    pub chain_id: u64,
}

impl Container {
    fn as_data(&self) -> Data {
        let mut members = vec![
            ("value".to_string(), Data::Uint(self.value)),
            ("chainId".to_string(), Data::Uint(U256::from(self.chain_id))),
        ];
        if let Some(from) = self.from {
            members.push(("from".to_string(), Data::Address(from)));
        }
        if let Some(to) = self.to {
            members.push(("to".to_string(), Data::Address(to)));
        }
        Data::Struct(members)
    }
}

/// Everything a rendering needs.
pub struct Ctx<'a> {
    /// For embedded calldata.
    pub registry: &'a Registry,
    /// The matched descriptor.
    pub descriptor: &'a Descriptor,
    /// The decoded parameters or message.
    pub data: Data,
    /// The container.
    pub container: Container,
    /// Token, name and collection lookups.
    pub lookup: &'a dyn Lookup,
    /// Nesting depth of embedded calldata.
    pub depth: usize,
}

/// A field as rendered, with the path it was written with (for interpolation).
struct Rendered {
    spec_path: Option<String>,
    field: Field,
}

/// Renders the format entry `key` of the context's descriptor.
pub fn render(ctx: &Ctx<'_>, key: &str) -> Result<ClearSigned, String> {
    let format = ctx
        .descriptor
        .formats()
        .get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| format!("descriptor has no format {key:?}"))?;
    let mut out = Output::default();
    let fields = format
        .get("fields")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let excluded: Vec<&str> = format
        .get("excluded")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    walk(ctx, fields, &[], &excluded, &mut out)?;
    let intent = match format.get("intent") {
        Some(Value::String(s)) => format::sanitize(s),
        Some(Value::Object(o)) => o
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}: {}",
                    format::sanitize(k),
                    format::sanitize(v.as_str().unwrap_or_default())
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => key.split('(').next().unwrap_or(key).to_string(),
    };
    let interpolated_intent = format
        .get("interpolatedIntent")
        .and_then(Value::as_str)
        .and_then(|t| interpolate(t, &out.rendered));
    let metadata = |k: &str| {
        ctx.descriptor
            .doc
            .pointer(&format!("/metadata/{k}"))
            .and_then(Value::as_str)
            .map(format::sanitize)
    };
    Ok(ClearSigned {
        intent,
        interpolated_intent,
        descriptor_owner: metadata("owner"),
        contract_name: metadata("contractName"),
        fields: out.rendered.into_iter().map(|r| r.field).collect(),
        descriptor_hash: ctx.descriptor.hash,
        descriptor_source: ctx.descriptor.source.display().to_string(),
        facts: out.facts,
        warnings: out.notes.iter().map(Text::english).collect(),
        notes: out.notes,
    })
}

#[derive(Default)]
struct Output {
    /// Fields rendered so far, nested calls' fields included.
    weight: usize,
    rendered: Vec<Rendered>,
    facts: Vec<Fact>,
    notes: Vec<Text>,
}

/// The fields of a rendering, nested calls' fields included.
fn weight(shown: &ClearSigned) -> usize {
    shown
        .fields
        .iter()
        .map(|f| 1 + f.nested.as_deref().map_or(0, weight))
        .sum()
}

fn walk(
    ctx: &Ctx<'_>,
    fields: &[Value],
    prefix: &[Step],
    excluded: &[&str],
    out: &mut Output,
) -> Result<(), String> {
    for raw in fields {
        let field = resolve_ref(ctx.descriptor, raw)?;
        let path = match field.get("path").and_then(Value::as_str) {
            Some(p) if excluded.contains(&p) => continue,
            Some(p) => Some(Path::parse(p)?.under(prefix)),
            None => None,
        };
        if let Some(group) = field.get("fields").and_then(Value::as_array) {
            let steps = path.map_or_else(|| prefix.to_vec(), |p| p.steps);
            for (concrete, _) in expand(&ctx.data, &steps)? {
                walk(ctx, group, &concrete, excluded, out)?;
            }
            continue;
        }
        leaf(ctx, &field, path, prefix, out)?;
    }
    Ok(())
}

/// A field with its `$ref` definition merged under it.
fn resolve_ref(descriptor: &Descriptor, raw: &Value) -> Result<Map<String, Value>, String> {
    let field = raw.as_object().ok_or("field is not an object")?;
    let Some(reference) = field.get("$ref").and_then(Value::as_str) else {
        return Ok(field.clone());
    };
    let definition = descriptor
        .lookup(&Path::parse(reference)?)
        .cloned()
        .ok_or_else(|| format!("missing definition {reference}"))?;
    let mut own = field.clone();
    own.remove("$ref");
    match super::descriptor::merge(definition, Value::Object(own)) {
        Value::Object(m) => Ok(m),
        _ => Err(format!("definition {reference} is not an object")),
    }
}

fn leaf(
    ctx: &Ctx<'_>,
    field: &Map<String, Value>,
    path: Option<Path>,
    prefix: &[Step],
    out: &mut Output,
) -> Result<(), String> {
    let visible = field.get("visible");
    if visible.and_then(Value::as_str) == Some("never") {
        return Ok(());
    }
    let label = field
        .get("label")
        .and_then(Value::as_str)
        .map(format::sanitize)
        .unwrap_or_default();
    let format_name = field.get("format").and_then(Value::as_str).unwrap_or("raw");
    let params = field
        .get("params")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let items: Vec<(String, Data, Vec<usize>)> = match (&path, field.get("value")) {
        (Some(path), _) => select(ctx, path)?,
        (None, Some(constant)) => vec![("value".to_string(), ctx.constant(constant)?, Vec::new())],
        (None, None) => return Err(format!("field {label:?} has neither path nor value")),
    };
    for (shown_path, value, chosen) in items {
        if let Some(rule) = visible.and_then(Value::as_object) {
            if let Some(list) = rule.get("ifNotIn").and_then(Value::as_array) {
                if list.iter().any(|v| format::equals(&value, v)) {
                    continue;
                }
            }
            if let Some(list) = rule.get("mustMatch").and_then(Value::as_array) {
                if !list.iter().any(|v| format::equals(&value, v)) {
                    return Err(format!(
                        "field {label:?} at {shown_path} must be one of {}",
                        Value::Array(list.clone())
                    ));
                }
                continue;
            }
        }
        let site = Site {
            ctx,
            params: &params,
            prefix,
            chosen: &chosen,
            path: &shown_path,
        };
        let shown = format::format(&site, format_name, &value)?;
        out.weight += 1 + shown.nested.as_deref().map_or(0, weight);
        if out.weight > MAX_FIELDS {
            return Err(format!(
                "the descriptor shows more than {MAX_FIELDS} fields (nested calls included)"
            ));
        }
        out.facts.extend(shown.facts);
        out.notes.extend(shown.notes);
        out.rendered.push(Rendered {
            spec_path: path.as_ref().map(Path::to_string),
            field: Field {
                label: label.clone(),
                value: shown.text,
                path: shown_path,
                format: format_name.to_string(),
                nested: shown.nested,
            },
        });
    }
    Ok(())
}

/// Every value a field path selects, with its concrete path and the `[]` indices chosen.
fn select(ctx: &Ctx<'_>, path: &Path) -> Result<Vec<(String, Data, Vec<usize>)>, String> {
    match path.root {
        Root::Data => expand(&ctx.data, &path.steps)?
            .into_iter()
            .map(|(steps, chosen)| {
                let value = get(&ctx.data, &steps)?;
                let shown = Path {
                    root: Root::Data,
                    absolute: true,
                    steps,
                };
                Ok((shown.to_string(), value, chosen))
            })
            .collect(),
        Root::Container => Ok(vec![(
            path.to_string(),
            get(&ctx.container.as_data(), &path.steps)
                .map_err(|e| format!("{path}: {e} (not known to the signer)"))?,
            Vec::new(),
        )]),
        Root::Descriptor => Ok(vec![(
            path.to_string(),
            ctx.constant(&Value::String(path.to_string()))?,
            Vec::new(),
        )]),
    }
}

/// Where a value is being formatted: its field's parameters and position.
pub struct Site<'a, 'c> {
    /// The rendering context.
    pub ctx: &'a Ctx<'c>,
    /// The field's `params`.
    pub params: &'a Map<String, Value>,
    /// The enclosing group path.
    pub prefix: &'a [Step],
    /// Indices chosen for the field path's `[]`s (parameter paths use the same).
    pub chosen: &'a [usize],
    /// The concrete path of the value.
    pub path: &'a str,
}

impl Site<'_, '_> {
    /// A parameter given either as a path (`path_key`) or as a constant (`const_key`).
    pub fn data_param(&self, path_key: &str, const_key: &str) -> Result<Option<Data>, String> {
        if let Some(p) = self.params.get(path_key) {
            let text = p
                .as_str()
                .ok_or_else(|| format!("parameter {path_key} is not a path"))?;
            return self.at_path(&Path::parse(text)?).map(Some);
        }
        match self.params.get(const_key) {
            None => Ok(None),
            Some(v) => self.ctx.constant(&self.resolve_map(v)?).map(Some),
        }
    }

    /// A constant parameter with `$.` references and map references resolved.
    pub fn const_param(&self, key: &str) -> Result<Option<Value>, String> {
        match self.params.get(key) {
            None => Ok(None),
            Some(v) => {
                let v = self.resolve_map(v)?;
                Ok(Some(self.ctx.deref(&v)?))
            }
        }
    }

    fn resolve_map(&self, v: &Value) -> Result<Value, String> {
        let Some(reference) = v.as_object() else {
            return Ok(v.clone());
        };
        let map = reference
            .get("map")
            .and_then(Value::as_str)
            .ok_or("map reference without a map")?;
        let key_path = reference
            .get("keyPath")
            .and_then(Value::as_str)
            .ok_or("map reference without a keyPath")?;
        let key = format::key_text(&self.at_path(&Path::parse(key_path)?)?);
        let values = self
            .ctx
            .descriptor
            .lookup(&Path::parse(map)?)
            .and_then(|m| m.get("values"))
            .ok_or_else(|| format!("missing map {map}"))?;
        values
            .get(&key)
            .cloned()
            .ok_or_else(|| format!("map {map} has no value for {key}"))
    }

    /// The single value at `path`, relative to the field's group, with the field's `[]`
    /// indices.
    pub fn at_path(&self, path: &Path) -> Result<Data, String> {
        let path = path.under(self.prefix);
        match path.root {
            Root::Data => {
                let steps = pin(&path.steps, self.chosen);
                let mut found = expand(&self.ctx.data, &steps)?;
                match found.len() {
                    1 => get(&self.ctx.data, &found.remove(0).0),
                    n => Err(format!("{path} selects {n} values where one is needed")),
                }
            }
            _ => select(self.ctx, &path)?
                .pop()
                .map(|(_, v, _)| v)
                .ok_or_else(|| format!("{path} selects nothing")),
        }
    }
}

impl Ctx<'_> {
    /// A `$.` reference resolved in the descriptor (other values unchanged).
    pub fn deref(&self, v: &Value) -> Result<Value, String> {
        match v.as_str() {
            Some(s) if s.starts_with("$.") => self
                .descriptor
                .lookup(&Path::parse(s)?)
                .cloned()
                .ok_or_else(|| format!("descriptor has no {s}")),
            _ => Ok(v.clone()),
        }
    }

    /// A constant (literal or `$.` reference) as data.
    pub fn constant(&self, v: &Value) -> Result<Data, String> {
        Ok(format::json_to_data(&self.deref(v)?))
    }

    /// Renders embedded calldata through the registry.
    pub fn nested(&self, call: &Call<'_>) -> Option<Result<ClearSigned, String>> {
        if self.depth >= MAX_NESTING {
            return Some(Err(format!(
                "embedded calldata nested deeper than {MAX_NESTING}"
            )));
        }
        self.registry
            .call_at_depth(call, self.lookup, self.depth + 1)
    }
}

/// `template` with each `{path}` replaced by the rendered value of the field with that
/// path; `None` when a path has no rendered field (the plain intent is shown instead).
fn interpolate(template: &str, rendered: &[Rendered]) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('}') {
            return None;
        }
        let close = tail.find('}')?;
        let wanted = Path::parse(&tail[1..close]).ok()?.under(&[]).to_string();
        let values: Vec<&str> = rendered
            .iter()
            .filter(|r| r.spec_path.as_deref() == Some(wanted.as_str()))
            .map(|r| r.field.value.as_str())
            .collect();
        if values.is_empty() {
            return None;
        }
        out.push_str(&values.join(", "));
        rest = &tail[close + 1..];
    }
    out.push_str(rest);
    Some(format::sanitize(&out))
}

/// Addresses in a constant parameter (one string or an array of them).
pub fn addresses(site: &Site<'_, '_>, key: &str) -> Result<Vec<Address>, String> {
    let Some(v) = site.const_param(key)? else {
        return Ok(Vec::new());
    };
    let list = match v {
        Value::Array(items) => items,
        one => vec![one],
    };
    list.iter()
        .map(|item| {
            let item = site.ctx.deref(item)?;
            item.as_str()
                .ok_or_else(|| format!("{key} is not an address"))
                .and_then(parse_address)
        })
        .collect()
}
