//! Reading a snapshot's JSON text as it arrives, chunk by chunk, without holding it whole: the
//! top-level fields (`format`, `org`, `audit`, `view_of`) and each element of `workspaces`, as
//! byte strings for serde to parse one at a time. What lets an import of any size run part by
//! part (`edge/writer/import.rs`): at the full benchmark org the text is 152 MB, more than a
//! Durable Object holds, while its largest part is 15 MB.
//!
//! The scanner checks the structure it walks (an object of fields, `workspaces` an array,
//! strings and nesting closed, nothing after the end); what the values hold is serde's to
//! check. Two passes read the text twice, so that the fields may come in any order: one that
//! keeps the fields and skips the parts, one that keeps the parts.

/// What a pass keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// The top-level fields other than `workspaces`.
    Fields,
    /// The elements of `workspaces`.
    Parts,
}

/// A value the scanner finished reading.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// A top-level field and its value's text.
    Field(String, Vec<u8>),
    /// An element of `workspaces`: one workspace part's text.
    Part(Vec<u8>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Start,
    Key,
    InKey,
    Colon,
    Value,
    InValue,
    ArrayStart,
    Element,
    InElement,
    AfterArray,
    AfterValue,
    End,
}

/// A streaming reader of one snapshot's text (see the module's documentation).
#[derive(Debug)]
pub struct Scanner {
    keep: Keep,
    max: usize,
    state: State,
    key: Vec<u8>,
    keys: Vec<String>,
    buf: Vec<u8>,
    nest: u32,
    in_str: bool,
    esc: bool,
}

impl Scanner {
    /// A scanner keeping `keep`, refusing a kept value longer than `max` bytes.
    #[must_use]
    pub fn new(keep: Keep, max: usize) -> Scanner {
        Scanner {
            keep,
            max,
            state: State::Start,
            key: Vec::new(),
            keys: Vec::new(),
            buf: Vec::new(),
            nest: 0,
            in_str: false,
            esc: false,
        }
    }

    fn keeping(&self) -> bool {
        match self.state {
            State::InElement => self.keep == Keep::Parts,
            State::InValue => self.keep == Keep::Fields,
            _ => false,
        }
    }

    /// Reads the next bytes of the text; answers the values they finish.
    ///
    /// # Errors
    ///
    /// A message for text that is not one JSON object of fields with `workspaces` an array,
    /// for a field given twice, or for a kept value longer than the limit.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<Found>, String> {
        let mut out = Vec::new();
        for &b in bytes {
            self.byte(b, &mut out)?;
        }
        Ok(out)
    }

    /// Whether the text named top-level field `key` (so far).
    #[must_use]
    pub fn saw(&self, key: &str) -> bool {
        self.keys.iter().any(|k| k == key)
    }

    /// The text ended: it must have closed its object.
    ///
    /// # Errors
    ///
    /// A message for text that ended early.
    pub fn end(&self) -> Result<(), String> {
        if self.state == State::End {
            Ok(())
        } else {
            Err("the snapshot's text ends before its object closes".into())
        }
    }

    /// Whether the value being read ends at `b` (outside strings and nesting); tracks both.
    fn value_byte(&mut self, b: u8, closers: &[u8]) -> Result<bool, String> {
        if self.in_str {
            if self.esc {
                self.esc = false;
            } else if b == b'\\' {
                self.esc = true;
            } else if b == b'"' {
                self.in_str = false;
            }
        } else {
            match b {
                b'"' => self.in_str = true,
                b'{' | b'[' => self.nest += 1,
                b'}' | b']' if self.nest > 0 => self.nest -= 1,
                _ if self.nest == 0 && closers.contains(&b) => return Ok(true),
                b'}' | b']' => return Err("a bracket closes what was not opened".into()),
                _ => {}
            }
        }
        if self.keeping() {
            if self.buf.len() >= self.max {
                return Err(format!(
                    "a value of the snapshot is larger than {} bytes",
                    self.max
                ));
            }
            self.buf.push(b);
        }
        Ok(false)
    }

    fn take_value(&mut self) -> Vec<u8> {
        let mut v = std::mem::take(&mut self.buf);
        while v.last().is_some_and(u8::is_ascii_whitespace) {
            v.pop();
        }
        v
    }

    fn byte(&mut self, b: u8, out: &mut Vec<Found>) -> Result<(), String> {
        let ws = b.is_ascii_whitespace();
        let unexpected = |what: &str| Err(format!("unexpected `{}` {what}", char::from(b)));
        match self.state {
            State::Start if ws => {}
            State::Start if b == b'{' => self.state = State::Key,
            State::Start => return unexpected("before the snapshot's object"),
            State::Key if ws => {}
            State::Key if b == b'"' => {
                self.key.clear();
                self.state = State::InKey;
            }
            State::Key if b == b'}' && self.keys.is_empty() => self.state = State::End,
            State::Key => return unexpected("where a field name was expected"),
            State::InKey if b == b'"' => {
                let key = String::from_utf8(std::mem::take(&mut self.key))
                    .map_err(|_| "a field name is not UTF-8".to_string())?;
                if self.keys.contains(&key) {
                    return Err(format!("duplicate field `{key}`"));
                }
                self.keys.push(key);
                self.state = State::Colon;
            }
            State::InKey if b == b'\\' => return Err("a field name with an escape".into()),
            State::InKey => self.key.push(b),
            State::Colon if ws => {}
            State::Colon if b == b':' => self.state = State::Value,
            State::Colon => return unexpected("where `:` was expected"),
            State::Value if ws => {}
            State::Value => {
                let is_parts = self.keys.last().is_some_and(|k| k == "workspaces");
                if is_parts {
                    if b != b'[' {
                        return Err("`workspaces` is not an array".into());
                    }
                    self.state = State::ArrayStart;
                } else {
                    if b == b',' || b == b'}' {
                        return unexpected("where a value was expected");
                    }
                    self.state = State::InValue;
                    self.buf.clear();
                    let _ = self.value_byte(b, b",}")?;
                }
            }
            State::InValue => {
                if self.value_byte(b, b",}")? {
                    let value = self.take_value();
                    if self.keep == Keep::Fields {
                        let key = self.keys.last().cloned().unwrap_or_default();
                        out.push(Found::Field(key, value));
                    }
                    self.state = if b == b',' {
                        State::AfterValue
                    } else {
                        State::End
                    };
                }
            }
            State::AfterValue if ws => {}
            State::AfterValue if b == b'"' => {
                self.key.clear();
                self.state = State::InKey;
            }
            State::AfterValue => return unexpected("where a field name was expected"),
            State::ArrayStart if ws => {}
            State::ArrayStart if b == b']' => self.state = State::AfterArray,
            State::ArrayStart | State::Element if !ws => {
                self.state = State::InElement;
                self.buf.clear();
                if b == b',' || b == b']' {
                    return unexpected("where a workspace part was expected");
                }
                let _ = self.value_byte(b, b",]")?;
            }
            State::ArrayStart | State::Element => {}
            State::InElement => {
                if self.value_byte(b, b",]")? {
                    let part = self.take_value();
                    if self.keep == Keep::Parts {
                        out.push(Found::Part(part));
                    }
                    self.state = if b == b',' {
                        State::Element
                    } else {
                        State::AfterArray
                    };
                }
            }
            State::AfterArray if ws => {}
            State::AfterArray if b == b',' => self.state = State::AfterValue,
            State::AfterArray if b == b'}' => self.state = State::End,
            State::AfterArray => return unexpected("after `workspaces`"),
            State::End if ws => {}
            State::End => return unexpected("after the snapshot's object"),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str, keep: Keep, piece: usize) -> Result<Vec<Found>, String> {
        let mut s = Scanner::new(keep, 1 << 20);
        let mut out = Vec::new();
        for c in text.as_bytes().chunks(piece.max(1)) {
            out.extend(s.feed(c)?);
        }
        s.end()?;
        Ok(out)
    }

    const TEXT: &str = r#" { "workspaces" : [ {"id":"a","x":"],}\"{"} , {"id":"b"} ],
        "format":1, "org": {"id":"acme","n":[1,{"k":"}"}]}, "audit": [] } "#;

    #[test]
    fn x5_fields_and_parts_are_found_whatever_the_chunks_and_the_order() {
        for piece in [1, 2, 3, 7, 1000] {
            let fields = scan(TEXT, Keep::Fields, piece).unwrap();
            assert_eq!(
                fields,
                vec![
                    Found::Field("format".into(), b"1".to_vec()),
                    Found::Field("org".into(), br#"{"id":"acme","n":[1,{"k":"}"}]}"#.to_vec()),
                    Found::Field("audit".into(), b"[]".to_vec()),
                ]
            );
            let parts = scan(TEXT, Keep::Parts, piece).unwrap();
            assert_eq!(
                parts,
                vec![
                    Found::Part(br#"{"id":"a","x":"],}\"{"}"#.to_vec()),
                    Found::Part(br#"{"id":"b"}"#.to_vec()),
                ]
            );
        }
        assert_eq!(
            scan(r#"{"workspaces":[]}"#, Keep::Parts, 3).unwrap(),
            vec![]
        );
    }

    #[test]
    fn x5_broken_text_is_refused() {
        for bad in [
            "",
            "[]",
            r#"{"org":{}"#,
            r#"{"org":{}} x"#,
            r#"{"org":{},"org":{}}"#,
            r#"{"workspaces":{}}"#,
            r#"{"workspaces":[,]}"#,
            r#"{"workspaces":[{}}]}"#,
            r#"{"org" {}}"#,
            r#"{"org":]}"#,
            r#"{"org":}"#,
            r#"{"org":,"format":1}"#,
            r#"{"org":{"a":"}"#,
        ] {
            assert!(scan(bad, Keep::Fields, 2).is_err(), "{bad}");
        }
        let mut s = Scanner::new(Keep::Parts, 4);
        assert!(s.feed(br#"{"workspaces":[{"id":"long"}]}"#).is_err());
    }
}
