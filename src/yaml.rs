//! The YAML that powersync.yaml files use, read into JSON values: block
//! mappings and sequences, flow `[...]`/`{...}` of scalars, quoted and plain
//! scalars, comments, and the service's `!env NAME` tag. Anchors, aliases
//! and multi-line scalars are refused with a clear error.

use crate::json::{Object, Value};

#[derive(Debug, Clone)]
struct Line {
    no: usize,
    indent: usize,
    text: String,
}

/// Parses `text`; `env` resolves `!env NAME`.
///
/// ```
/// use powersync_jwt::yaml::parse;
/// let v = parse("client_auth:\n  audience: [a, 'b']\n  jwks_uri: !env URI # comment\n", &|n| (n == "URI").then(|| "https://x".to_string())).unwrap();
/// assert_eq!(powersync_jwt::jsfmt::stringify(&v), r#"{"client_auth":{"audience":["a","b"],"jwks_uri":"https://x"}}"#);
/// ```
pub fn parse(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Value, String> {
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let no = i + 1;
        if raw.contains('\t') && raw.trim_start().len() != raw.len() && raw.starts_with('\t') {
            return Err(format!("line {no}: tabs cannot indent YAML"));
        }
        let body = strip_comment(raw);
        let trimmed = body.trim_end();
        if trimmed.trim().is_empty() || trimmed.trim() == "---" || trimmed.trim() == "..." {
            continue;
        }
        let indent = trimmed.len() - trimmed.trim_start().len();
        lines.push(Line {
            no,
            indent,
            text: trimmed.trim_start().to_string(),
        });
    }
    if lines.is_empty() {
        return Ok(Value::Null);
    }
    let mut p = Parser { lines, env };
    let indent = p.lines[0].indent;
    let (v, next) = p.block(0, indent, 0)?;
    if let Some(l) = p.lines.get(next) {
        return Err(format!("line {}: unexpected indentation", l.no));
    }
    Ok(v)
}

fn strip_comment(line: &str) -> &str {
    let (mut single, mut double, mut prev_space) = (false, false, true);
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev_space => return line.get(..i).unwrap_or_default(),
            _ => {}
        }
        prev_space = c == ' ' || c == '\t';
    }
    line
}

struct Parser<'a> {
    lines: Vec<Line>,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl Parser<'_> {
    fn block(&mut self, i: usize, indent: usize, depth: usize) -> Result<(Value, usize), String> {
        if depth > 64 {
            return Err("nesting deeper than 64 levels".into());
        }
        match self.lines.get(i) {
            Some(l) if l.text == "-" || l.text.starts_with("- ") => self.sequence(i, indent, depth),
            Some(_) => self.mapping(i, indent, depth),
            None => Ok((Value::Null, i)),
        }
    }

    fn sequence(
        &mut self,
        mut i: usize,
        indent: usize,
        depth: usize,
    ) -> Result<(Value, usize), String> {
        let mut items = Vec::new();
        while let Some(l) = self.lines.get(i).cloned() {
            if l.indent != indent || !(l.text == "-" || l.text.starts_with("- ")) {
                break;
            }
            let rest = l.text.get(1..).unwrap_or_default();
            let inner = rest.trim_start();
            if inner.is_empty() {
                match self.lines.get(i + 1) {
                    Some(n) if n.indent > indent => {
                        let child = n.indent;
                        let (v, next) = self.block(i + 1, child, depth + 1)?;
                        items.push(v);
                        i = next;
                    }
                    _ => {
                        items.push(Value::Null);
                        i += 1;
                    }
                }
            } else if split_key(inner).is_some() {
                // "- key: value": a mapping whose first line is this one, indented at the key.
                let child = indent + 1 + (rest.len() - inner.len());
                if let Some(line) = self.lines.get_mut(i) {
                    *line = Line {
                        no: l.no,
                        indent: child,
                        text: inner.to_string(),
                    };
                }
                let (v, next) = self.mapping(i, child, depth + 1)?;
                items.push(v);
                i = next;
            } else {
                items.push(self.scalar(inner, l.no)?);
                i += 1;
            }
        }
        Ok((Value::Array(items), i))
    }

    fn mapping(
        &mut self,
        mut i: usize,
        indent: usize,
        depth: usize,
    ) -> Result<(Value, usize), String> {
        let mut obj = Object::default();
        while let Some(l) = self.lines.get(i).cloned() {
            if l.indent < indent {
                break;
            }
            if l.indent > indent {
                return Err(format!("line {}: unexpected indentation", l.no));
            }
            if l.text.starts_with("- ") || l.text == "-" {
                break;
            }
            let (key, rest) = split_key(&l.text)
                .ok_or_else(|| format!("line {}: expected \"key: value\"", l.no))?;
            let key = self.key(key, l.no)?;
            let value = if rest.is_empty() {
                match self.lines.get(i + 1) {
                    Some(n) if n.indent > indent => {
                        let child = n.indent;
                        let (v, next) = self.block(i + 1, child, depth + 1)?;
                        i = next;
                        v
                    }
                    // A sequence may sit at its key's indentation.
                    Some(n)
                        if n.indent == indent && (n.text.starts_with("- ") || n.text == "-") =>
                    {
                        let (v, next) = self.sequence(i + 1, indent, depth + 1)?;
                        i = next;
                        v
                    }
                    _ => {
                        i += 1;
                        Value::Null
                    }
                }
            } else {
                i += 1;
                self.scalar(rest, l.no)?
            };
            if obj.insert(key.clone(), value) {
                return Err(format!("line {}: \"{key}\" appears twice", l.no));
            }
        }
        Ok((Value::Object(obj), i))
    }

    fn key(&self, k: &str, no: usize) -> Result<String, String> {
        match self.scalar(k, no)? {
            Value::String(s) => Ok(s.to_string_lossy().into_owned()),
            other => Ok(crate::jsfmt::stringify(&other)),
        }
    }

    fn scalar(&self, s: &str, no: usize) -> Result<Value, String> {
        let s = s.trim();
        if let Some(name) = s.strip_prefix("!env ") {
            let name = name.trim();
            return (self.env)(name)
                .map(|v| Value::String(v.into()))
                .ok_or_else(|| format!("line {no}: environment variable {name} is not set"));
        }
        if s.starts_with(['&', '*', '|', '>', '!']) {
            return Err(format!(
                "line {no}: this YAML feature ({}) is not supported here",
                s.get(..1).unwrap_or_default()
            ));
        }
        if s.starts_with('"') {
            return crate::json::parse(s)
                .map(|(v, _)| v)
                .map_err(|_| format!("line {no}: bad double-quoted string"));
        }
        if let Some(inner) = s.strip_prefix('\'') {
            let inner = inner
                .strip_suffix('\'')
                .ok_or_else(|| format!("line {no}: unterminated quoted string"))?;
            return Ok(Value::String(inner.replace("''", "'").into()));
        }
        if let Some(inner) = s.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or_else(|| format!("line {no}: unterminated [ ... ]"))?;
            let items = split_flow(inner)
                .into_iter()
                .filter(|p| !p.trim().is_empty())
                .map(|p| self.scalar(p, no))
                .collect::<Result<_, _>>()?;
            return Ok(Value::Array(items));
        }
        if let Some(inner) = s.strip_prefix('{') {
            let inner = inner
                .strip_suffix('}')
                .ok_or_else(|| format!("line {no}: unterminated {{ ... }}"))?;
            let mut obj = Object::default();
            for part in split_flow(inner)
                .into_iter()
                .filter(|p| !p.trim().is_empty())
            {
                let (k, v) = split_key(part.trim())
                    .ok_or_else(|| format!("line {no}: expected \"key: value\" in {{ ... }}"))?;
                obj.insert(
                    self.key(k, no)?,
                    if v.is_empty() {
                        Value::Null
                    } else {
                        self.scalar(v, no)?
                    },
                );
            }
            return Ok(Value::Object(obj));
        }
        Ok(match s {
            "true" | "True" | "TRUE" => Value::Bool(true),
            "false" | "False" | "FALSE" => Value::Bool(false),
            "null" | "Null" | "NULL" | "~" => Value::Null,
            _ => match crate::json::parse(s) {
                Ok((v @ Value::Number(_), _)) => v,
                _ => Value::String(s.into()),
            },
        })
    }
}

/// `key: rest` outside quotes and brackets.
fn split_key(s: &str) -> Option<(&str, &str)> {
    let (mut single, mut double, mut depth) = (false, false, 0i32);
    let bytes = s.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'[' | b'{' if !single && !double => depth += 1,
            b']' | b'}' if !single && !double => depth -= 1,
            b':' if !single
                && !double
                && depth == 0
                && matches!(bytes.get(i + 1), None | Some(b' ')) =>
            {
                let key = s.get(..i)?.trim();
                if key.is_empty() {
                    return None;
                }
                return Some((key, s.get(i + 1..)?.trim()));
            }
            _ => {}
        }
    }
    None
}

fn split_flow(s: &str) -> Vec<&str> {
    let (mut single, mut double, mut depth, mut start) = (false, false, 0i32, 0);
    let mut out = Vec::new();
    for (i, c) in s.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '[' | '{' if !single && !double => depth += 1,
            ']' | '}' if !single && !double => depth -= 1,
            ',' if !single && !double && depth == 0 => {
                out.push(s.get(start..i).unwrap_or_default());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s.get(start..).unwrap_or_default());
    out
}
