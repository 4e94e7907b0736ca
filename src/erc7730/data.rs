//! The data a descriptor describes, as one tree with member names: decoded calldata
//! parameters, an EIP-712 message, or the container (`@.from`, `@.to`, `@.value`, `@.chainId`).

use std::borrow::Cow;

use alloy_dyn_abi::DynSolValue;
use alloy_json_abi::Param;
use alloy_primitives::{Address, I256, U256};

use super::path::{slice_range, Step};

/// Most values one path may select (a `[]` over a long array).
const MAX_SELECTED: usize = 4096;

/// A decoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Data {
    /// An unsigned integer.
    Uint(U256),
    /// A signed integer.
    Int(I256),
    /// A boolean.
    Bool(bool),
    /// An address.
    Address(Address),
    /// Bytes (fixed or dynamic).
    Bytes(Vec<u8>),
    /// A string.
    Str(String),
    /// An array.
    List(Vec<Data>),
    /// A struct or tuple with member names.
    Struct(Vec<(String, Data)>),
}

impl Data {
    /// ABI-decoded parameters with the names of `params`.
    pub fn from_params(values: &[DynSolValue], params: &[Param]) -> Data {
        Data::Struct(
            params
                .iter()
                .zip(values)
                .map(|(p, v)| (p.name.clone(), Data::from_abi(v, &p.components)))
                .collect(),
        )
    }

    /// One ABI value; `components` names the members of tuples.
    pub fn from_abi(value: &DynSolValue, components: &[Param]) -> Data {
        match value {
            DynSolValue::Bool(b) => Data::Bool(*b),
            DynSolValue::Int(i, _) => Data::Int(*i),
            DynSolValue::Uint(u, _) => Data::Uint(*u),
            DynSolValue::FixedBytes(word, size) => {
                Data::Bytes(word.get(..*size).unwrap_or_default().to_vec())
            }
            DynSolValue::Address(a) => Data::Address(*a),
            DynSolValue::Function(f) => Data::Bytes(f.to_vec()),
            DynSolValue::Bytes(b) => Data::Bytes(b.clone()),
            DynSolValue::String(s) => Data::Str(s.clone()),
            DynSolValue::Array(items) | DynSolValue::FixedArray(items) => Data::List(
                items
                    .iter()
                    .map(|v| Data::from_abi(v, components))
                    .collect(),
            ),
            DynSolValue::Tuple(items) => Data::from_params(items, components),
            DynSolValue::CustomStruct {
                prop_names, tuple, ..
            } => Data::Struct(
                prop_names
                    .iter()
                    .zip(tuple)
                    .map(|(n, v)| (n.clone(), Data::from_abi(v, &[])))
                    .collect(),
            ),
        }
    }

    /// A member by name.
    fn member(&self, name: &str) -> Option<&Data> {
        match self {
            Data::Struct(members) => members.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as an unsigned integer, if it is one (a non-negative signed integer, or at
    /// most 32 bytes read big-endian).
    pub fn as_uint(&self) -> Option<U256> {
        match self {
            Data::Uint(u) => Some(*u),
            Data::Int(i) if !i.is_negative() => Some(i.into_raw()),
            Data::Bytes(b) if b.len() <= 32 => Some(U256::from_be_slice(b)),
            Data::Bool(b) => Some(U256::from(u8::from(*b))),
            _ => None,
        }
    }

    /// The value as an address: an address, 20 bytes, or 32 bytes / an integer with the
    /// upper 12 bytes zero.
    pub fn as_address(&self) -> Option<Address> {
        match self {
            Data::Address(a) => Some(*a),
            Data::Bytes(b) if b.len() == 20 => Some(Address::from_slice(b)),
            Data::Bytes(b) if b.len() == 32 && b[..12].iter().all(|x| *x == 0) => {
                Some(Address::from_slice(&b[12..]))
            }
            Data::Uint(u) if u.bit_len() <= 160 => {
                Some(Address::from_slice(&u.to_be_bytes::<32>()[12..]))
            }
            _ => None,
        }
    }
}

/// A concrete path and, for each `[]`/array slice of the path it came from, the index chosen.
pub type Selected = (Vec<Step>, Vec<usize>);

/// Every concrete path `steps` selects in `root`: `[]` and array slices become one index
/// each.
pub fn expand(root: &Data, steps: &[Step]) -> Result<Vec<Selected>, String> {
    let mut out = Vec::new();
    expand_into(root, steps, Vec::new(), Vec::new(), &mut out)?;
    Ok(out)
}

fn expand_into(
    at: &Data,
    steps: &[Step],
    done: Vec<Step>,
    chosen: Vec<usize>,
    out: &mut Vec<Selected>,
) -> Result<(), String> {
    let Some((step, rest)) = steps.split_first() else {
        if out.len() >= MAX_SELECTED {
            return Err(format!("a path selects more than {MAX_SELECTED} values"));
        }
        out.push((done, chosen));
        return Ok(());
    };
    let range = match (step, at) {
        (Step::All, Data::List(items)) => Some((0, items.len())),
        (Step::Slice(a, b), Data::List(items)) => Some(slice_range(*a, *b, items.len())),
        _ => None,
    };
    let Some((start, end)) = range else {
        let next = select_one(at, step)?;
        let mut done = done;
        done.push(step.clone());
        return expand_into(&next, rest, done, chosen, out);
    };
    let Data::List(items) = at else {
        return Err("internal: range over a non-list".into());
    };
    for (i, item) in items.iter().enumerate().take(end).skip(start) {
        let mut d = done.clone();
        d.push(Step::Index(i as i64));
        let mut c = chosen.clone();
        c.push(i);
        expand_into(item, rest, d, c, out)?;
    }
    Ok(())
}

/// The single value at a concrete path (no `[]`).
pub fn get(root: &Data, steps: &[Step]) -> Result<Data, String> {
    match steps.split_first() {
        None => Ok(root.clone()),
        Some((step, rest)) => get(select_one(root, step)?.as_ref(), rest),
    }
}

/// `steps` with its `[]` selectors replaced, in order, by `chosen` (extra `[]` stay).
pub fn pin(steps: &[Step], chosen: &[usize]) -> Vec<Step> {
    let mut chosen = chosen.iter();
    steps
        .iter()
        .map(|s| match s {
            Step::All => chosen.next().map_or(Step::All, |i| Step::Index(*i as i64)),
            _ => s.clone(),
        })
        .collect()
}

/// One step from `at`: members and elements borrowed, slices built.
fn select_one<'a>(at: &'a Data, step: &Step) -> Result<Cow<'a, Data>, String> {
    match (step, at) {
        (Step::Key(k), _) => at
            .member(k)
            .map(Cow::Borrowed)
            .ok_or_else(|| format!("no member {k:?}")),
        (Step::Index(i), Data::List(items)) => {
            let len = items.len() as i64;
            let idx = if *i < 0 { len + i } else { *i };
            usize::try_from(idx)
                .ok()
                .and_then(|i| items.get(i))
                .map(Cow::Borrowed)
                .ok_or_else(|| format!("index {i} outside an array of {len}"))
        }
        (Step::Slice(a, b), Data::List(items)) => {
            let (s, e) = slice_range(*a, *b, items.len());
            Ok(Cow::Owned(Data::List(items[s..e].to_vec())))
        }
        (Step::Slice(a, b), _) => {
            let bytes = match at {
                Data::Bytes(b) => b.clone(),
                Data::Str(s) => s.as_bytes().to_vec(),
                Data::Uint(u) => u.to_be_bytes::<32>().to_vec(),
                Data::Int(i) => i.into_raw().to_be_bytes::<32>().to_vec(),
                Data::Address(a) => a.to_vec(),
                _ => return Err("a byte slice of a non-byte value".into()),
            };
            let (s, e) = slice_range(*a, *b, bytes.len());
            Ok(Cow::Owned(Data::Bytes(bytes[s..e].to_vec())))
        }
        (Step::Index(_) | Step::All, _) => Err("an index into a non-array value".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Data {
        Data::Struct(vec![
            (
                "details".into(),
                Data::List(vec![
                    Data::Struct(vec![("amount".into(), Data::Uint(U256::from(1)))]),
                    Data::Struct(vec![("amount".into(), Data::Uint(U256::from(2)))]),
                ]),
            ),
            ("path".into(), Data::Bytes((0u8..43).collect())),
        ])
    }

    #[test]
    fn selects_members_indices_slices() {
        let d = sample();
        let all = expand(
            &d,
            &[
                Step::Key("details".into()),
                Step::All,
                Step::Key("amount".into()),
            ],
        )
        .unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].1, vec![1]);
        assert_eq!(get(&d, &all[1].0).unwrap(), Data::Uint(U256::from(2)));
        let last = get(
            &d,
            &[Step::Key("path".into()), Step::Slice(Some(-20), None)],
        )
        .unwrap();
        assert_eq!(last, Data::Bytes((23u8..43).collect()));
        assert!(get(&d, &[Step::Key("nope".into())]).is_err());
        assert!(get(&d, &[Step::Key("details".into()), Step::Index(5)]).is_err());
        assert_eq!(
            pin(&[Step::Key("details".into()), Step::All], &[1])[1],
            Step::Index(1)
        );
    }
}
