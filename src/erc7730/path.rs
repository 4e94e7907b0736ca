//! ERC-7730 paths: `#.` (decoded data), `@.` (container), `$.` (the descriptor), with name,
//! index (`[2]`, `[-1]`), full-array (`[]`) and slice (`[0:20]`) selectors.

use std::fmt;

/// What a path starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// The decoded parameters or message (`#.`, or no root).
    Data,
    /// The transaction or message container (`@.`).
    Container,
    /// The descriptor itself after merging includes (`$.`).
    Descriptor,
}

/// One selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A member by name.
    Key(String),
    /// One element (negative counts from the end).
    Index(i64),
    /// Every element.
    All,
    /// Elements or bytes `start..end` (negative counts from the end).
    Slice(Option<i64>, Option<i64>),
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// Where it starts.
    pub root: Root,
    /// Whether a root was written (a relative path joins its group's path).
    pub absolute: bool,
    /// The selectors in order.
    pub steps: Vec<Step>,
}

/// Longest path accepted, in characters.
const MAX_LEN: usize = 512;

impl Path {
    /// Parses a path.
    pub fn parse(text: &str) -> Result<Path, String> {
        if text.len() > MAX_LEN {
            return Err(format!("path longer than {MAX_LEN} characters"));
        }
        let (root, absolute, rest) = match text {
            "#" | "@" | "$" => return Err(format!("path {text:?} has no selector")),
            _ if text.starts_with("#.") => (Root::Data, true, &text[2..]),
            _ if text.starts_with("@.") => (Root::Container, true, &text[2..]),
            _ if text.starts_with("$.") => (Root::Descriptor, true, &text[2..]),
            _ => (Root::Data, false, text),
        };
        let mut steps = Vec::new();
        for segment in rest.split('.') {
            parse_segment(segment, &mut steps).map_err(|e| format!("path {text:?}: {e}"))?;
        }
        Ok(Path {
            root,
            absolute,
            steps,
        })
    }

    /// This path under the group path `prefix` (unchanged when absolute).
    pub fn under(&self, prefix: &[Step]) -> Path {
        if self.absolute || self.root != Root::Data {
            return self.clone();
        }
        let mut steps = prefix.to_vec();
        steps.extend(self.steps.iter().cloned());
        Path {
            root: Root::Data,
            absolute: true,
            steps,
        }
    }

    /// The member names, when the path is only names (`$.metadata.enums.x`).
    pub fn keys(&self) -> Option<Vec<&str>> {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Key(k) => Some(k.as_str()),
                _ => None,
            })
            .collect()
    }
}

fn parse_segment(segment: &str, steps: &mut Vec<Step>) -> Result<(), String> {
    let (name, mut brackets) = match segment.find('[') {
        Some(i) => segment.split_at(i),
        None => (segment, ""),
    };
    if !name.is_empty() {
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        {
            return Err(format!("bad name {name:?}"));
        }
        steps.push(Step::Key(name.to_owned()));
    } else if brackets.is_empty() {
        return Err("empty selector".into());
    }
    while !brackets.is_empty() {
        let close = brackets
            .find(']')
            .ok_or_else(|| format!("unclosed bracket in {segment:?}"))?;
        steps.push(parse_bracket(&brackets[1..close])?);
        brackets = &brackets[close + 1..];
        if !brackets.is_empty() && !brackets.starts_with('[') {
            return Err(format!("text after bracket in {segment:?}"));
        }
    }
    Ok(())
}

fn parse_bracket(inner: &str) -> Result<Step, String> {
    let number = |s: &str| -> Result<Option<i64>, String> {
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<i64>()
            .map(Some)
            .map_err(|_| format!("bad index {s:?}"))
    };
    if inner.is_empty() {
        return Ok(Step::All);
    }
    match inner.split_once(':') {
        Some((a, b)) => Ok(Step::Slice(number(a)?, number(b)?)),
        None => number(inner)?
            .map(Step::Index)
            .ok_or_else(|| "empty index".to_string()),
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self.root {
            Root::Data => "#",
            Root::Container => "@",
            Root::Descriptor => "$",
        })?;
        for step in &self.steps {
            match step {
                Step::Key(k) => write!(f, ".{k}")?,
                Step::Index(i) => write!(f, ".[{i}]")?,
                Step::All => f.write_str(".[]")?,
                Step::Slice(a, b) => {
                    let show = |x: &Option<i64>| x.map(|v| v.to_string()).unwrap_or_default();
                    write!(f, ".[{}:{}]", show(a), show(b))?
                }
            }
        }
        Ok(())
    }
}

/// The index range `start..end` of a slice over `len` items, clamped.
pub fn slice_range(start: Option<i64>, end: Option<i64>, len: usize) -> (usize, usize) {
    let at = |v: i64| -> usize {
        let len = len as i64;
        let v = if v < 0 { len.saturating_add(v) } else { v };
        v.clamp(0, len) as usize
    };
    let s = start.map_or(0, at);
    let e = end.map_or(len, at);
    (s, e.max(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let p = Path::parse("#.params.path.[-20:]").unwrap();
        assert_eq!(p.root, Root::Data);
        assert_eq!(
            p.steps,
            vec![
                Step::Key("params".into()),
                Step::Key("path".into()),
                Step::Slice(Some(-20), None)
            ]
        );
        let p = Path::parse("details.[].amount").unwrap();
        assert!(!p.absolute);
        assert_eq!(p.steps[1], Step::All);
        assert_eq!(
            Path::parse("recipients[0]").unwrap().steps[1],
            Step::Index(0)
        );
        assert_eq!(Path::parse("@.value").unwrap().root, Root::Container);
        assert_eq!(
            Path::parse("$.metadata.enums.mode").unwrap().keys(),
            Some(vec!["metadata", "enums", "mode"])
        );
        assert!(Path::parse("a..b").is_err());
        assert!(Path::parse("a.[x]").is_err());
        assert!(Path::parse("a.[1").is_err());
        assert_eq!(slice_range(Some(-20), None, 43), (23, 43));
        assert_eq!(slice_range(None, Some(20), 10), (0, 10));
    }
}
