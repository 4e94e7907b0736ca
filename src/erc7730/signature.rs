//! Function signatures as `display.formats` keys write them:
//! `swap(address caller, (address srcToken, uint256 amount) desc, bytes data)` — named
//! parameters, named tuple components, spaces after commas tolerated.

use alloy_json_abi::{Function, Param, StateMutability};

/// Longest key accepted, in characters.
const MAX_LEN: usize = 4096;

/// Deepest tuple nesting accepted.
const MAX_DEPTH: usize = 8;

/// Parses a function signature with parameter names.
pub fn parse(key: &str) -> Result<Function, String> {
    if key.len() > MAX_LEN {
        return Err(format!("signature longer than {MAX_LEN} characters"));
    }
    let key = key.trim();
    let open = key.find('(').ok_or("no parameter list")?;
    let name = &key[..open];
    if !is_identifier(name) {
        return Err(format!("bad function name {name:?}"));
    }
    let inner = key[open..]
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or("parameter list not closed at the end")?;
    Ok(Function {
        name: name.to_string(),
        inputs: params(inner, 0)?,
        outputs: Vec::new(),
        state_mutability: StateMutability::NonPayable,
    })
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Comma-separated parameters (top level of `text`).
fn params(text: &str, depth: usize) -> Result<Vec<Param>, String> {
    if depth > MAX_DEPTH {
        return Err(format!("tuples nested deeper than {MAX_DEPTH}"));
    }
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    split_top(text)?
        .into_iter()
        .map(|p| param(p.trim(), depth))
        .collect()
}

fn split_top(text: &str) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let (mut level, mut start) = (0usize, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '(' => level += 1,
            ')' => level = level.checked_sub(1).ok_or("unbalanced parentheses")?,
            ',' if level == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if level != 0 {
        return Err("unbalanced parentheses".into());
    }
    parts.push(&text[start..]);
    Ok(parts)
}

/// `type[suffixes] [name]` or `(components)[suffixes] [name]`.
fn param(text: &str, depth: usize) -> Result<Param, String> {
    let (base, components, rest) = if let Some(body) = text.strip_prefix('(') {
        let close = matching_close(body)?;
        (
            "tuple".to_string(),
            params(&body[..close], depth + 1)?,
            &body[close + 1..],
        )
    } else {
        let end = text.find(['[', ' ']).unwrap_or(text.len());
        let ty = &text[..end];
        alloy_dyn_abi::DynSolType::parse(ty)
            .map_err(|e| format!("bad type {ty:?}: {e}"))
            .and_then(|t| match t {
                alloy_dyn_abi::DynSolType::Tuple(_) => Err(format!("bad type {ty:?}")),
                t => Ok(t.sol_type_name().into_owned()),
            })
            .map(|t| (t, Vec::new(), &text[end..]))?
    };
    let rest = rest.trim_start();
    let suffix_end = rest
        .find(|c: char| !(c == '[' || c == ']' || c.is_ascii_digit()))
        .unwrap_or(rest.len());
    let (suffix, name) = rest.split_at(suffix_end);
    check_suffix(suffix)?;
    let name = name.trim();
    if !name.is_empty() && !is_identifier(name) {
        return Err(format!("bad parameter name {name:?}"));
    }
    Ok(Param {
        ty: format!("{base}{suffix}"),
        name: name.to_string(),
        components,
        internal_type: None,
    })
}

fn matching_close(body: &str) -> Result<usize, String> {
    let mut level = 0usize;
    for (i, c) in body.char_indices() {
        match c {
            '(' => level += 1,
            ')' if level == 0 => return Ok(i),
            ')' => level -= 1,
            _ => {}
        }
    }
    Err("unclosed tuple".into())
}

fn check_suffix(mut suffix: &str) -> Result<(), String> {
    while !suffix.is_empty() {
        let close = suffix
            .find(']')
            .filter(|_| suffix.starts_with('['))
            .ok_or_else(|| format!("bad array suffix {suffix:?}"))?;
        let n = &suffix[1..close];
        if !n.is_empty() && n.parse::<u32>().map_or(true, |n| n == 0) {
            return Err(format!("bad array length {n:?}"));
        }
        suffix = &suffix[close + 1..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_tuples_and_spaces() {
        let f =
            parse("swap(address caller, (address srcToken, uint256 amount)[] desc, bytes data)")
                .unwrap();
        assert_eq!(f.signature(), "swap(address,(address,uint256)[],bytes)");
        assert_eq!(f.inputs[1].name, "desc");
        assert_eq!(f.inputs[1].components[1].name, "amount");
        let t = parse("transfer(address to,uint256 value)").unwrap();
        assert_eq!(t.selector().0, [0xa9, 0x05, 0x9c, 0xbb]);
        assert_eq!(
            parse("withdraw(uint256)").unwrap().signature(),
            "withdraw(uint256)"
        );
        assert!(parse("f(uint257 a)").is_err());
        assert!(parse("f((uint256 a)").is_err());
        assert!(parse("f(uint256[0] a)").is_err());
        assert!(parse("f(uint256 a b)").is_err());
    }
}
